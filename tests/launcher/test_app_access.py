"""The app on its own, as `trame-slicer-app` serves it: the secret rule off loopback, the Origin
check, and no traceback in an RPC's error."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap

import aiohttp
import pytest
from conftest import REPO, RunningApp

from trame_slicer_app.web.access_guard import is_loopback, origin_matches_host, serving_secret

from .conftest import hello, run_async


def test_loopback_hosts_are_told_from_the_others():
    assert all(is_loopback(h) for h in ("localhost", "127.0.0.1", "127.8.0.1", "::1", "[::1]"))
    assert not any(is_loopback(h) for h in ("0.0.0.0", "::", "192.168.1.4", "example.org", ""))


def test_off_loopback_without_a_secret_a_random_one_is_made_and_printed(capsys):
    made = serving_secret("0.0.0.0", 8080, "wslink-secret", None)
    assert made != "wslink-secret" and len(made) >= 32
    assert f"?secret={made}" in capsys.readouterr().out
    assert serving_secret("0.0.0.0", 8080, "wslink-secret", None) != made  # a new one each run
    assert serving_secret("0.0.0.0", 8080, "my-own", None) == "my-own"
    assert serving_secret("127.0.0.1", 8080, "wslink-secret", None) == "wslink-secret"  # loopback as before


def test_origins_must_be_the_served_host():
    assert origin_matches_host("http://example.org:8080", "example.org:8080")
    assert not origin_matches_host("http://evil.example", "example.org:8080")
    assert not origin_matches_host("http://example.org:8081", "example.org:8080")
    assert origin_matches_host("https://front.example", "10.0.0.5:9000", ("https://front.example",))


@pytest.fixture(scope="module")
def an_app():
    app = RunningApp("--empty", "--authKey", "a-test-secret")
    yield app
    app.stop()


def test_the_app_refuses_another_sites_page_and_the_default_secret(an_app):
    async def scenario():
        url = f"ws://127.0.0.1:{an_app.port}/ws"
        own = {"Origin": f"http://127.0.0.1:{an_app.port}"}
        async with aiohttp.ClientSession() as client:
            async with client.ws_connect(url, headers={"Origin": "http://evil.example"}) as ws:
                assert "error" in await hello(ws, "a-test-secret")
            async with client.ws_connect(url, headers=own) as ws:
                assert "error" in await hello(ws, "wslink-secret")
            async with client.ws_connect(url, headers=own) as ws:
                assert "result" in await hello(ws, "a-test-secret")

    run_async(scenario)


NAMESPACE_PROBE = textwrap.dedent("""
    import asyncio, subprocess, sys, time, re
    import aiohttp
    sys.path.insert(0, "tests")
    from launcher.conftest import hello
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
    app = subprocess.Popen([sys.executable, "-m", "trame_slicer_app", "--server", "--host", "0.0.0.0",
                            "--port", "18080", "--empty"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           text=True)
    out = ""
    deadline = time.monotonic() + 120
    while "App running at" not in out and time.monotonic() < deadline:
        out += app.stdout.readline()
    secret = re.search(r"\\?secret=(\\S+)", out).group(1)
    async def probe():
        async with aiohttp.ClientSession() as client:
            async with client.ws_connect("ws://127.0.0.1:18080/ws") as ws:
                print("DEFAULT", "result" in await hello(ws, "wslink-secret"))
            async with client.ws_connect("ws://127.0.0.1:18080/ws") as ws:
                print("PRINTED", "result" in await hello(ws, secret))
    asyncio.run(probe())
    app.terminate()
    app.wait(20)
""")


@pytest.mark.skipif(shutil.which("unshare") is None or os.geteuid() != 0,
                    reason="needs unshare and root for a network namespace of its own")
def test_host_0000_without_a_secret_never_serves_with_the_default_one():
    # 0.0.0.0 is bound inside a network namespace of its own: nothing outside this test can reach it.
    result = subprocess.run(["unshare", "--net", sys.executable, "-c", NAMESPACE_PROBE], cwd=REPO,
                            capture_output=True, text=True, timeout=300,
                            env=dict(os.environ, PYTHONPATH=f"{REPO}:{os.environ.get('PYTHONPATH', '')}"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "DEFAULT False" in result.stdout and "PRINTED True" in result.stdout, result.stdout
