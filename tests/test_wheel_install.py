"""The app as a wheel: built, installed (not editable) into a fresh venv, started from another folder,
and loaded in Chromium (issue 14: a non-editable install died at start looking for ``site-packages/ui``).

How the fresh venv gets its dependencies: it is created without pip, the wheel is installed into it with
``--no-deps`` by the running interpreter's pip (``pip --python``), and only then a ``.pth`` file adds the
running environment's site-packages *after* the venv's own. Installing the pinned dependencies for real
would copy or download about 1.3 GB (slicer-core, VTK) on every run, minutes where this takes seconds,
and needs the network. Through a ``.pth`` line the folder is only put on ``sys.path``: the ``.pth`` files
inside it are not run, so the editable install of this checkout (its import finder) stays out, and the
venv's own site-packages comes first, so ``trame_slicer_app`` is the wheel's copy (checked). The wheel is
built from a copy of the tracked sources, as the Dockerfile copies them, with build isolation (setuptools
from the package index or pip's cache), so no stale ``build/`` folder of the checkout leaks in.
"""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import pytest
from conftest import ARTIFACTS, REPO, free_port
from e2e.views import wait_for_views
from wheel_venv import build_wheel, clean_environment, fresh_venv_with, run

pytestmark = pytest.mark.browser
START_TIMEOUT_S = 90
BROWSER_COMPONENTS = ("slicer-view.js", "slicer-upload.js", "slicer-shortcuts.js")


@pytest.fixture(scope="module")
def the_installed_app(tmp_path_factory, a_ct_path):
    tmp = tmp_path_factory.mktemp("wheel")
    python = fresh_venv_with(build_wheel(tmp), tmp)
    elsewhere = tmp / "elsewhere"
    elsewhere.mkdir()
    where = run(str(python), "-c", "import trame_slicer_app; print(trame_slicer_app.__file__)",
                cwd=elsewhere, env=clean_environment()).stdout.strip()
    assert Path(where).is_relative_to(tmp / "venv"), f"imported {where}, not the wheel's copy"
    port = free_port()
    ARTIFACTS.mkdir(exist_ok=True)
    log_path = ARTIFACTS / f"wheel-app-{port}.log"
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [str(python), "-m", "trame_slicer_app", "--server", "--host", "127.0.0.1", "--port", str(port),
             "--data", str(a_ct_path)],
            stdout=log, stderr=subprocess.STDOUT, cwd=elsewhere, env=clean_environment(),
        )
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while "App running at" not in log_path.read_text():
            assert process.poll() is None, f"the installed app died:\n{log_path.read_text()}"
            assert time.monotonic() < deadline, f"the installed app did not start:\n{log_path.read_text()}"
            time.sleep(0.2)
        yield f"http://127.0.0.1:{port}/", Path(where).parent
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()


def test_the_wheel_carries_every_file_of_the_package(the_installed_app):
    _url, installed = the_installed_app
    source = REPO / "trame_slicer_app"
    files = [p.relative_to(source) for p in source.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    assert {Path("web/ui") / name for name in BROWSER_COMPONENTS} <= set(files)
    missing = [str(f) for f in files if not (installed / f).is_file()]
    assert not missing, f"not in the wheel (setup.cfg's package_data?): {missing}"


def test_the_installed_app_serves_every_script_and_paints_the_four_views(a_browser, the_installed_app, artifacts):
    url, _package = the_installed_app
    page = a_browser.new_page(viewport={"width": 1400, "height": 900})
    scripts: dict[str, int] = {}
    failed: list[str] = []
    page.on("response", lambda r: scripts.__setitem__(r.url, r.status) if r.request.resource_type == "script" else None)
    page.on("requestfailed", lambda r: failed.append(r.url))
    page.goto(url)
    wait_for_views(page)
    page.screenshot(path=str(artifacts / "wheel-install-four-views.png"))
    page.close()
    assert not failed, failed
    assert scripts and all(status == 200 for status in scripts.values()), scripts
    for name in BROWSER_COMPONENTS:
        assert any(u.endswith(f"/{name}") for u in scripts), f"{name} not loaded: {sorted(scripts)}"
