"""Desktop mode (``--app``): a native window (pywebview, Qt WebEngine) showing the four views, no browser.

The app runs under its own Xvfb (a virtual X display; no window manager, black root); the screen is read
with Qt's own grab (PyQt6 comes with the ``desktop`` extra, which scripts/test.sh installs with Xvfb).
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from conftest import ARTIFACTS, REPO, child_pids
from e2e.views import shows_an_image
from PIL import Image

SCREEN = (1600, 1000)
WINDOW_TIMEOUT_S = 90
EXIT_TIMEOUT_S = 20
CLI_TIMEOUT_S = 60
GRAB = (
    "import sys\n"
    "from PyQt6.QtCore import QBuffer\n"
    "from PyQt6.QtGui import QGuiApplication\n"
    "app = QGuiApplication(['grab'])\n"
    "buffer = QBuffer()\n"
    "buffer.open(QBuffer.OpenModeFlag.WriteOnly)\n"
    "app.primaryScreen().grabWindow(0).save(buffer, 'PNG')\n"
    "sys.stdout.buffer.write(bytes(buffer.data()))\n"
)


def app_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "trame_slicer_app", *args]


def test_without_the_desktop_extra_app_says_what_to_install_and_exits_2():
    # ``webview`` set to None in sys.modules: importing it fails, as where pywebview is not installed.
    code = ("import sys; sys.modules['webview'] = None; sys.argv = ['trame-slicer-app', '--app']\n"
            "from trame_slicer_app.__main__ import main; sys.exit(main())")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=CLI_TIMEOUT_S,
                            cwd=REPO)
    assert result.returncode == 2, result.stderr
    assert "pip install 'trame-slicer-app[desktop]'" in result.stderr
    assert "scripts/run-app.sh --app" in result.stderr
    assert "App running" not in result.stdout


def test_without_a_display_app_says_so_and_exits_2():
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    result = subprocess.run(app_command("--app"), capture_output=True, text=True, timeout=CLI_TIMEOUT_S,
                            env=env, cwd=REPO)
    assert result.returncode == 2, result.stderr
    assert "needs a display" in result.stderr


@pytest.fixture(scope="module")
def a_display():
    xvfb = shutil.which("Xvfb")
    if xvfb is None:
        pytest.fail("Xvfb is missing: scripts/setup-system.sh --with-browser installs it (scripts/test.sh runs it)")
    read_end, write_end = os.pipe()
    process = subprocess.Popen(
        [xvfb, "-displayfd", str(write_end), "-screen", "0", f"{SCREEN[0]}x{SCREEN[1]}x24", "-br", "-nolisten", "tcp"],
        pass_fds=(write_end,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    os.close(write_end)
    with os.fdopen(read_end) as numbers:
        number = numbers.readline().strip()  # Xvfb writes its display number once it accepts clients
    assert number, "Xvfb did not start"
    yield f":{number}"
    process.terminate()
    process.wait(10)


def display_env(display: str) -> dict:
    env = dict(os.environ, DISPLAY=display, QT_QPA_PLATFORM="xcb")
    env.pop("WAYLAND_DISPLAY", None)
    return env


def grab_screen(display: str) -> np.ndarray:
    result = subprocess.run([sys.executable, "-c", GRAB], capture_output=True, timeout=30, env=display_env(display))
    assert result.returncode == 0, result.stderr.decode(errors="replace")
    return np.asarray(Image.open(io.BytesIO(result.stdout)).convert("RGB")).astype(int)


def view_tiles(screen: np.ndarray) -> dict[str, np.ndarray] | None:
    """The four views' areas of the window in the Conventional layout (3D across the top, Red, Yellow and
    Green below it, right of the panel drawer), each inset so that borders and labels stay out; None
    while no window shows."""
    rows, cols = np.nonzero(screen.sum(axis=2) > 0)  # the root is black (-br); the window is not
    if len(rows) < 1000:
        return None
    top, bottom, left, right = rows.min(), rows.max() + 1, cols.min(), cols.max() + 1
    height, width = bottom - top, right - left
    window = screen[top:bottom, left:right]
    views_left = int(0.3 * width)  # the drawer is 340 px of the 1400 px window
    column = (width - views_left) // 3
    tiles = {"1": window[int(0.15 * height):int(0.45 * height), views_left:width - int(0.05 * width)]}
    for i, name in enumerate(("Red", "Yellow", "Green")):
        x0 = views_left + i * column
        tiles[name] = window[int(0.6 * height):int(0.95 * height), x0 + column // 10:x0 + column - column // 10]
    return tiles


def cmdline(pid: int) -> bytes | None:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return None


class DesktopApp:
    def __init__(self, display: str, log_name: str) -> None:
        ARTIFACTS.mkdir(exist_ok=True)
        self.log_path = ARTIFACTS / log_name
        with open(self.log_path, "w") as log:
            self.command = app_command("--app")
            # EGL asked for, as a headless set-up (or the engine tests in this process) would: desktop mode
            # must still show its window (a window process forked after EGL was set up never did).
            env = {**display_env(display), "VTK_DEFAULT_OPENGL_WINDOW": "vtkEGLRenderWindow"}
            self.process = subprocess.Popen(self.command, stdout=log, stderr=subprocess.STDOUT, cwd=REPO,
                                            env=env, start_new_session=True)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def exited_within(self, seconds: float) -> bool:
        try:
            self.process.wait(seconds)
            return True
        except subprocess.TimeoutExpired:
            return False

    def window_process(self) -> int:
        """The window's process: forked by the app (so its command line is the app's), unlike the
        sandboxed file reader the app also keeps as a child."""
        own = "".join(f"{arg}\0" for arg in self.command).encode()  # not read back: empty while exec runs
        deadline = time.monotonic() + WINDOW_TIMEOUT_S
        while not (children := [c for c in child_pids(self.process.pid) if cmdline(c) == own]):
            assert self.process.poll() is None, f"the app died:\n{self.log()}"
            assert time.monotonic() < deadline, (
                f"no window process among {[(c, cmdline(c)) for c in child_pids(self.process.pid)]} (the app: "
                f"{own}):\n{self.log()}")
            time.sleep(0.2)
        return children[0]

    def close(self) -> None:
        """Whatever is left of the app's session (the app, the window, Qt WebEngine's helpers) goes."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(10)


def test_app_opens_a_native_window_showing_the_four_views(a_display, artifacts):
    app = DesktopApp(a_display, "desktop-app.log")
    try:
        deadline = time.monotonic() + WINDOW_TIMEOUT_S
        while True:
            assert app.process.poll() is None, f"the app died:\n{app.log()}"
            screen = grab_screen(a_display)
            tiles = view_tiles(screen)
            if tiles and all(shows_an_image(tile) for tile in tiles.values()):
                break
            if time.monotonic() > deadline:
                Image.fromarray(screen.astype(np.uint8)).save(artifacts / "desktop-mode-failed.png")
                blank = [n for n, t in (tiles or {}).items() if not shows_an_image(t)]
                what = blank or "no window"
                raise AssertionError(f"views not painted after {WINDOW_TIMEOUT_S}s: {what}\n{app.log()}")
            time.sleep(1)
        Image.fromarray(screen.astype(np.uint8)).save(artifacts / "desktop-mode.png")
        # The three slice views are different cuts, not one picture three times.
        assert np.abs(tiles["Red"].mean(axis=2) - tiles["Yellow"].mean(axis=2)).mean() > 5
        # Stopping the app (Ctrl+C, SIGTERM) closes the window too, and nothing is left waiting.
        window = app.window_process()
        app.process.send_signal(signal.SIGTERM)
        assert app.exited_within(EXIT_TIMEOUT_S), f"the app did not stop:\n{app.log()}"
        assert not Path(f"/proc/{window}").exists() or "zombie" in Path(f"/proc/{window}/status").read_text(), (
            "the window outlived the app")
    finally:
        app.close()


def test_when_the_window_process_dies_the_server_stops(a_display):
    app = DesktopApp(a_display, "desktop-app-window-dies.log")
    try:
        os.kill(app.window_process(), signal.SIGKILL)
        assert app.exited_within(EXIT_TIMEOUT_S), f"the server went on without its window:\n{app.log()}"
        assert "stopping the server" in app.log()
    finally:
        app.close()
