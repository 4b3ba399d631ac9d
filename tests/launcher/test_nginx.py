"""Debian's nginx in front of the launcher, with deploy/nginx/slicer.conf as it ships (its upstream
and listen address pointed at loopback ports): two browsers get two sessions through it, each
painting, and another site's page gets no websocket."""

from __future__ import annotations

import base64
import http.client
import os
import shutil
import subprocess
import time
import urllib.error
import urllib.request
from urllib.parse import urlsplit

import pytest
from conftest import ARTIFACTS, REPO, free_port
from e2e.views import state, wait_for_views

from .conftest import RunningLauncher

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(shutil.which("nginx") is None and not os.path.exists("/usr/sbin/nginx"),
                                 reason="Debian's nginx is not installed (scripts/setup-system.sh --with-browser)")]

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
SITE = REPO / "deploy" / "nginx" / "slicer.conf"


def websocket_handshake_status(ws_url: str, origin: str) -> int:
    """The status a websocket handshake from a page of ``origin`` gets (101: accepted)."""
    parts = urlsplit(ws_url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    connection.request("GET", parts.path, headers={
        "Upgrade": "websocket", "Connection": "Upgrade", "Sec-WebSocket-Version": "13",
        "Sec-WebSocket-Key": base64.b64encode(os.urandom(16)).decode(), "Origin": origin})
    status = connection.getresponse().status
    connection.close()
    return status


class RunningNginx:
    def __init__(self, prefix, launcher_port: int) -> None:
        self.port = free_port()
        site = SITE.read_text(encoding="utf-8")
        assert "server launcher:8080;" in site and "listen 80;" in site
        site = site.replace("server launcher:8080;", f"server 127.0.0.1:{launcher_port};")
        site = site.replace("listen 80;", f"listen 127.0.0.1:{self.port};")
        prefix.mkdir(parents=True, exist_ok=True)
        (prefix / "slicer.conf").write_text(site, encoding="utf-8")
        (prefix / "nginx.conf").write_text(f"""
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
worker_processes 1;
events {{ worker_connections 256; }}
http {{
    access_log off;
    client_body_temp_path {prefix}/body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    include {prefix}/slicer.conf;
}}
""", encoding="utf-8")
        self.prefix = prefix
        self.process = subprocess.Popen([NGINX, "-p", str(prefix), "-c", str(prefix / "nginx.conf"),
                                         "-g", "daemon off;"], stderr=subprocess.PIPE)
        deadline = time.monotonic() + 20
        while True:
            try:
                urllib.request.urlopen(f"{self.url}healthz", timeout=5).close()
                return
            except (urllib.error.URLError, ConnectionError):
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(f"nginx did not start: {self.process.stderr.read()!r}") from None
                time.sleep(0.2)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(10)


@pytest.fixture(scope="module")
def nginx_before_a_launcher(tmp_path_factory):
    launcher = RunningLauncher(tmp_path_factory.mktemp("sessions"), "--pool-size", "2", "--max-sessions", "2",
                               "--idle-s", "5")
    nginx = RunningNginx(tmp_path_factory.mktemp("nginx"), launcher.port)
    yield nginx, launcher
    nginx.stop()
    launcher.stop()


def test_two_browsers_through_nginx_get_two_sessions(a_browser, nginx_before_a_launcher):
    nginx, _launcher = nginx_before_a_launcher
    contexts, pages = [], []
    try:
        for _ in range(2):
            context = a_browser.new_context(viewport={"width": 1000, "height": 700})
            page = context.new_page()
            page.goto(nginx.url)
            wait_for_views(page, names=("1",))
            contexts.append(context)
            pages.append(page)
        first, second = pages
        assert first.url.startswith(nginx.url + "s/") and second.url.startswith(nginx.url + "s/")
        assert first.url != second.url
        first.locator(".layout-one_up_3d").click()
        time.sleep(1.0)
        assert state(first, "layout_name") == "one_up_3d" and state(second, "layout_name") == "conventional"
        first.screenshot(path=str(ARTIFACTS / "nginx-first-session.png"))
        # Full: nginx passes the launcher's 503 page on.
        try:
            urllib.request.urlopen(nginx.url, timeout=30)
            raise AssertionError("a third browser got a session beyond the cap")
        except urllib.error.HTTPError as full:
            assert full.code == 503 and "The server is full" in full.read().decode()
        # A page of another site is refused its websocket, through nginx too (its own page is not).
        ws_url = first.url.replace("http://", "ws://").split("index.html")[0] + "ws"
        opened = first.evaluate("""(url) => new Promise((done) => {
            const ws = new WebSocket(url); ws.onopen = () => done('open'); ws.onerror = () => done('refused'); })""",
            ws_url)
        assert opened == "open"

        assert websocket_handshake_status(ws_url, origin="http://evil.example") == 403
    finally:
        for context in contexts:
            context.close()
