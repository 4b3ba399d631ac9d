"""The Qt test host's desktop views schedule their renders as Slicer's do (ctkVTKAbstractView's scheduleRender):
the first request waits one period of the view's maximum update rate and the requests of that period make one
render; forceRender renders now and drops the render that was scheduled. What the host's figures measure rests
on it: a desktop that repainted a changed view at once put its renders ahead of the browser's frame
(docs/decisions/0023, the last addendum). A real VTK Qt widget, shown under Xvfb in a child process; counts
and order only, no timing asserted (the period is long enough that the calls made within it are never late)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest
from conftest import REPO

pytest.importorskip("PySide6.QtWidgets", reason="the qt-host extra (PySide6) is not installed")

PROBE_TIMEOUT_S = 120
PROBE = r"""
import json
from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication
from vtkmodules.vtkRenderingCore import vtkRenderer
import vtkmodules.vtkRenderingOpenGL2  # noqa: F401
from trame_slicer_app.hosts.qt_host import _ViewWidget

app = QApplication(["render-scheduling"])
widget = _ViewWidget(None)
widget.GetRenderWindow().AddRenderer(vtkRenderer())
widget.Initialize()  # the engine's views do it: an interactor not initialised renders nothing at a paint
widget.show()
app.processEvents()
renders = []
widget.GetRenderWindow().AddObserver("EndEvent", lambda *_: renders.append(1))


def settle(ms):
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


widget.max_fps = 0.5  # a period of 2 s
settle(2500)  # the first paints of the new window, then a period without any: a view idle for a while
before = len(renders)
for _ in range(20):
    widget.schedule_render()
settle(200)  # a tenth of the period: the loop's next turns, and a paint they ask for
during_period = len(renders) - before
settle(3000)
after_period = len(renders) - before
before = len(renders)
widget.schedule_render()
widget.force_render()
forced = len(renders) - before
settle(3000)
after_forced_period = len(renders) - before
print(json.dumps({"during_period": during_period, "after_period": after_period, "forced": forced,
                  "after_forced_period": after_forced_period}))
"""


@pytest.fixture(scope="module")
def scheduling():
    if shutil.which("xvfb-run") is None:
        pytest.skip("xvfb-run is missing: scripts/setup-system.sh --with-browser installs Xvfb")
    done = subprocess.run(["xvfb-run", "-a", sys.executable, "-c", PROBE], cwd=REPO, capture_output=True, text=True,
                          timeout=PROBE_TIMEOUT_S)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_requests_within_a_period_wait_for_it_and_make_one_render(scheduling):
    # The first request waits a whole period, even when the view was last drawn long ago (the Qt host drew such
    # a view at the loop's next turn: before the browser's frame of the change).
    assert scheduling["during_period"] == 0
    assert scheduling["after_period"] == 1  # twenty requests, one render


def test_a_forced_render_renders_now_and_drops_the_scheduled_one(scheduling):
    assert scheduling["forced"] == 1
    assert scheduling["after_forced_period"] == 1
