"""The launcher with real app processes: the cap's 503 page, the idle end, a session's cookie,
and what a websocket may send (a wrong secret, another site's page, oversized and malformed
messages) while the session keeps serving."""

from __future__ import annotations

import http.cookiejar
import struct
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import aiohttp
import pytest

from .conftest import RunningLauncher, hello, pids_working_in, run_async, wslink_answer, wslink_message

IDLE_S = 4


def a_browser_like_client():
    jar = http.cookiejar.CookieJar()
    return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar)), jar


def fetch(opener, url):
    """(status, body, final url) without raising on 4xx/5xx."""
    try:
        with opener.open(url, timeout=60) as answer:
            return answer.status, answer.read().decode(), answer.geturl()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(), error.geturl()  # after redirects, as a browser shows it


@pytest.fixture(scope="module")
def a_full_launcher(tmp_path_factory):
    launcher = RunningLauncher(tmp_path_factory.mktemp("sessions"), "--pool-size", "1", "--max-sessions", "1",
                               "--idle-s", str(IDLE_S))
    yield launcher
    launcher.stop()
    # Stopping the launcher stops its app processes and removes their folders.
    assert not launcher.session_folders()


def test_the_cap_answers_503_with_a_page_then_an_idle_session_ends_and_its_files_go(a_full_launcher):
    launcher = a_full_launcher
    first, _jar = a_browser_like_client()
    status, body, session_url = fetch(first, launcher.url)
    assert status == 200 and "/s/" in session_url, (status, body[:200])
    folders = launcher.session_folders()
    assert len(folders) == 1 and folders[0].name in session_url
    (folders[0] / "tmp" / "an-upload.nrrd").write_bytes(b"what the session wrote")

    # Full: a readable page, at once, with a 503 and a hint when to come back.
    status, body, _ = fetch(a_browser_like_client()[0], launcher.url)
    assert status == 503
    assert "The server is full" in body and "Traceback" not in body

    # Another browser cannot use the first one's session address.
    status, body, _ = fetch(a_browser_like_client()[0], session_url)
    assert status == 403 and "another browser" in body

    # No browser ever connected: after IDLE_S it ends, its process and files with it.
    launcher.wait_until(lambda: not folders[0].exists(), "the idle session's folder stayed", timeout_s=60)
    status, body, _ = fetch(first, session_url)
    assert status == 410
    assert "no browser was connected to it" in body
    assert str(launcher.root) not in body
    # Its room is free again: the pool refills and a new browser gets a session.
    launcher.wait_until(lambda: launcher.health().get("pooled") == 1, "the pool did not refill")
    status, _, second_url = fetch(a_browser_like_client()[0], launcher.url)
    assert status == 200 and second_url != session_url


@pytest.fixture(scope="module")
def a_launcher(tmp_path_factory):
    launcher = RunningLauncher(tmp_path_factory.mktemp("sessions"), "--pool-size", "1", "--max-sessions", "2")
    yield launcher
    launcher.stop()


async def a_session(launcher):
    """A session as a browser gets it: its cookie, its websocket URL and its secret."""
    client = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))
    async with client.get(launcher.url) as page:
        assert page.status == 200, await page.text()
        base = str(page.url).rsplit("/", 1)[0] + "/"
    async with client.post(base + "paraview/") as answer:
        connection = await answer.json()
    ws_url = connection["sessionURL"].replace("USE_HOST", f"127.0.0.1:{launcher.port}")
    return client, ws_url, connection["secret"]


def test_only_the_session_secret_from_the_same_site_opens_the_websocket(a_launcher):
    async def scenario():
        client, ws_url, secret = await a_session(a_launcher)
        async with client:
            origin = {"Origin": f"http://127.0.0.1:{a_launcher.port}"}
            for wrong in ("wslink-secret", "", None, secret[:-1]):
                async with client.ws_connect(ws_url, headers=origin) as ws:
                    answer = await hello(ws, wrong)
                    assert "error" in answer and "result" not in answer, (wrong, answer)
            async with client.ws_connect(ws_url, headers=origin) as ws:
                # No hello at all: nothing is served.
                for chunk in wslink_message("trame.state.get", [], rpc_id="rpc:c0:1"):
                    await ws.send_bytes(chunk)
                assert "error" in await wslink_answer(ws)
            # A page of another site, even one that knows the secret, gets no websocket.
            with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
                await client.ws_connect(ws_url, headers={"Origin": "http://evil.example"})
            assert refused.value.status == 403
            async with client.ws_connect(ws_url, headers=origin) as ws:
                assert "result" in await hello(ws, secret)
            # The page asking for the secret must hold the session's cookie.
            async with aiohttp.ClientSession() as stranger, \
                    stranger.post(ws_url.replace("ws://", "http://").replace("/ws", "/paraview/")) as answer:
                assert answer.status == 403
                assert "secret" not in await answer.text()

    run_async(scenario)


def test_oversized_and_malformed_messages_close_one_socket_and_the_session_serves_on(a_launcher):
    async def scenario():
        client, ws_url, secret = await a_session(a_launcher)
        origin = {"Origin": f"http://127.0.0.1:{a_launcher.port}"}
        async with client, client.ws_connect(ws_url, headers=origin) as keeper:
            assert "result" in await hello(keeper, secret)
            hostile_sockets = [
                # after authentication, a chunk header announcing a 1 GiB message: closed
                ([struct.pack("<III", 7, 0, 1 << 30) + b"x" * 16], True),
                # a frame bigger than the cap: closed
                ([b"\0" * (9 * 1024 * 1024)], True),
                # bytes that are no wslink chunk, a text frame: ignored or closed, never fatal
                ([b"\xff\x00garbage"], False),
                (["not binary"], False),
            ]
            for frames, must_close in hostile_sockets:
                async with client.ws_connect(ws_url, headers=origin) as ws:
                    assert "result" in await hello(ws, secret)
                    try:
                        for frame in frames:
                            await (ws.send_str(frame) if isinstance(frame, str) else ws.send_bytes(frame))
                    except (ConnectionError, aiohttp.ClientError):
                        pass  # closed on us mid-send: what the cap is for
                    if must_close:
                        closing = await ws.receive(timeout=20)
                        assert closing.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED,
                                                aiohttp.WSMsgType.CLOSING, aiohttp.WSMsgType.ERROR), closing
            # Hostile RPC arguments on an authenticated socket: each answered, none fatal.
            async with client.ws_connect(ws_url, headers=origin) as ws:
                assert "result" in await hello(ws, secret)
                hostile_calls = [
                    ("slicer.stream.input", ["Red", {"kind": "move", "x": "NaN"}]),
                    ("slicer.stream.resize", ["../../etc", -5, 1e12]),
                    ("slicer.upload.begin", [{"name": "../../../etc/passwd", "size": -1}]),
                    ("slicer.upload.chunk", ["no-such-upload", 0, b"x"]),
                    ("trame.state.update", [[{"key": "layout_name", "value": {"$gt": 1}}]]),
                    ("no.such.method", []),
                ]
                for number, (method, args) in enumerate(hostile_calls, start=1):
                    for chunk in wslink_message(method, args, rpc_id=f"rpc:c0:{number}"):
                        await ws.send_bytes(chunk)
                    answer = await wslink_answer(ws)
                    text = repr(answer)
                    assert "Traceback" not in text and "/trame_slicer_app/" not in text, text
            # The first socket still gets answers: the process and its session live on.
            for chunk in wslink_message("trame.state.get", [], rpc_id="rpc:c0:99"):
                await keeper.send_bytes(chunk)
            state = (await wslink_answer(keeper))["result"]["state"]
            assert isinstance(state["layout_name"], str), state["layout_name"]

    run_async(scenario)


def test_a_session_over_its_memory_bound_ends_and_its_page_says_why(tmp_path):
    # Any app process is bigger than 50 MB: the session ends at its first check.
    launcher = RunningLauncher(tmp_path / "sessions", "--pool-size", "1", "--max-sessions", "1",
                               "--session-memory-mb", "50")
    try:
        opener, _jar = a_browser_like_client()
        status, _, session_url = fetch(opener, launcher.url)
        # Its page may already say it ended: the check runs each second, on a busy machine before the page.
        assert status in (200, 410) and "/s/" in session_url, (status, session_url)
        folder = launcher.root / session_url.split("/s/")[1].split("/")[0]
        launcher.wait_until(lambda: not folder.exists(), "the session over its bound went on", timeout_s=60)
        status, body, _ = fetch(opener, session_url)
        assert status == 410 and "more memory than a session may (50 MB)" in body
    finally:
        launcher.stop()


def test_app_processes_end_with_their_launcher_however_it_ends(tmp_path):
    launcher = RunningLauncher(tmp_path / "sessions", "--pool-size", "1", "--max-sessions", "1")
    try:
        pooled = [pid for folder in launcher.session_folders() for pid in pids_working_in(folder)]
        assert pooled
        launcher.process.kill()  # no clean-up of its own
        launcher.process.wait(10)
        deadline = time.monotonic() + 30
        while any(Path(f"/proc/{pid}").exists() for pid in pooled) and time.monotonic() < deadline:
            time.sleep(0.3)
        assert not any(Path(f"/proc/{pid}").exists() for pid in pooled), "app processes outlived the launcher"
    finally:
        launcher.stop()


def test_three_browsers_at_once_get_three_sessions_of_their_own(tmp_path):
    launcher = RunningLauncher(tmp_path / "sessions", "--pool-size", "1", "--max-sessions", "3")
    try:
        browsers = [a_browser_like_client()[0] for _ in range(4)]
        with ThreadPoolExecutor(4) as pool:
            answers = list(pool.map(lambda opener: fetch(opener, launcher.url), browsers))
        statuses = sorted(status for status, _, _ in answers)
        assert statuses == [200, 200, 200, 503], statuses  # three at once, and the cap holds
        served = [(opener, url) for opener, (status, _, url) in zip(browsers, answers, strict=True)
                  if status == 200]
        ids = {url.split("/s/")[1].split("/")[0] for _, url in served}
        assert len(ids) == 3 and {f.name for f in launcher.session_folders()} == ids
        # Each session's processes run in its own folder, and each browser's cookie opens its own only.
        for folder in launcher.session_folders():
            assert pids_working_in(folder)
        for (opener, url), (_, other_url) in zip(served, served[1:] + served[:1], strict=True):
            assert fetch(opener, url)[0] == 200
            assert fetch(opener, other_url)[0] == 403
    finally:
        launcher.stop()
    assert not launcher.session_folders()
