"""Off-screen windows without a display framebuffer (docs/decisions/0015, stop 22 addendum): every frame
and depth read back is the one a plain VTK window gives, at every size, multisampled or not, and the
memory the display framebuffer took is not held."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from vtkmodules.vtkCommonCore import vtkFloatArray
from vtkmodules.vtkFiltersSources import vtkConeSource, vtkSphereSource
from vtkmodules.vtkRenderingCore import (
    vtkActor,
    vtkPolyDataMapper,
    vtkRenderer,
    vtkRenderWindow,
    vtkTextActor,
)
from vtkmodules.vtkRenderingUI import vtkGenericRenderWindowInteractor

from trame_slicer_app.engine.io.volumes import load_volume, show_volume
from trame_slicer_app.engine.scene.slicer_engine import SlicerEngine
from trame_slicer_app.engine.views.lean_framebuffers import holds_display_framebuffer
from trame_slicer_app.engine.views.offscreen import make_offscreen_window, read_rgb

REPO = Path(__file__).resolve().parents[2]
# Odd, wide, tall, tiny and larger than the page: the sizes a client may ask for.
SIZES_PX = [(16, 16), (419, 467), (1260, 467), (333, 777), (1920, 1080)]
# The Conventional layout at 1600x1000 (the 3D view above three slice views).
CONVENTIONAL_SIZES_PX = {"1": (1260, 467), "Red": (419, 467), "Yellow": (419, 467), "Green": (419, 467)}


def plain_window(renderer: vtkRenderer, layers: int = 1):
    """What make_offscreen_window made before: VTK's own off-screen window, display framebuffer and all."""
    window = vtkRenderWindow()
    window.SetOffScreenRendering(1)
    window.ShowWindowOff()
    window.SetNumberOfLayers(layers)
    window.AddRenderer(renderer)
    window.SetSize(400, 400)
    interactor = vtkGenericRenderWindowInteractor()
    interactor.SetRenderWindow(window)
    interactor.EnableRenderOff()
    interactor.Initialize()
    return window, interactor


def a_scene() -> vtkRenderer:
    """Edges (the sphere's outline, the cone's tip) show multisampling; text shows overlays."""
    renderer = vtkRenderer()
    renderer.SetBackground(0.1, 0.2, 0.3)
    for source, colour, position in ((vtkSphereSource(), (1.0, 0.5, 0.2), (0, 0, 0)),
                                     (vtkConeSource(), (0.2, 0.9, 0.4), (0.6, 0.3, 0.5))):
        source.SetResolution(24) if isinstance(source, vtkConeSource) else source.SetThetaResolution(32)
        mapper = vtkPolyDataMapper()
        mapper.SetInputConnection(source.GetOutputPort())
        actor = vtkActor()
        actor.SetMapper(mapper)
        actor.GetProperty().SetColor(*colour)
        actor.SetPosition(*position)
        renderer.AddActor(actor)
    text = vtkTextActor()
    text.SetInput("frame 1 / 1")
    text.SetPosition(4, 4)
    renderer.AddViewProp(text)
    renderer.ResetCamera()
    return renderer


def depth(window: vtkRenderWindow) -> np.ndarray:
    width, height = window.GetSize()
    values = vtkFloatArray()
    window.GetZbufferData(0, 0, width - 1, height - 1, values)
    return np.array(values)


@pytest.mark.parametrize("multisamples", [0, 4])
def test_frames_and_depth_equal_a_plain_windows_at_every_size(multisamples):
    lean, _lean_interactor = make_offscreen_window(a_scene())
    plain, _plain_interactor = plain_window(a_scene())
    for window in (lean, plain):
        window.SetMultiSamples(multisamples)
    for size in SIZES_PX:
        for window in (lean, plain):
            window.SetSize(*size)
            window.Render()
        lean_frame, plain_frame = read_rgb(lean), read_rgb(plain)
        assert lean_frame.shape == (size[1], size[0], 3)
        assert lean_frame.std() > 0  # a picture, not a blank
        assert np.array_equal(lean_frame, plain_frame), f"frames differ at {size}"
        assert np.array_equal(depth(lean), depth(plain)), f"depth differs at {size}"
        assert not holds_display_framebuffer(lean)
    assert holds_display_framebuffer(plain)


def test_switching_multisampling_between_frames_keeps_frames_equal():
    # The 3D view renders interactive frames without multisampling and still frames with it.
    lean, _lean_interactor = make_offscreen_window(a_scene())
    plain, _plain_interactor = plain_window(a_scene())
    for samples in (0, 4, 0, 4):
        for window in (lean, plain):
            window.SetSize(640, 360)
            window.SetMultiSamples(samples)
            window.Render()
        assert np.array_equal(read_rgb(lean), read_rgb(plain)), f"frames differ at {samples} samples"


def rss_anonymous_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("RssAnon:"):
            return int(line.split()[1]) / 1024
    pytest.skip("no /proc/self/status")


LARGE_FRAME_PX = (2000, 1500)


def large_frame_cost_mib(kind: str) -> float:
    """RssAnon growth when a fresh window of ``kind`` renders a large frame after a small one."""
    window, _interactor = (make_offscreen_window if kind == "lean" else plain_window)(a_scene())
    window.SetMultiSamples(0)
    window.Render()
    before = rss_anonymous_mib()
    window.SetSize(*LARGE_FRAME_PX)
    window.Render()
    return rss_anonymous_mib() - before


def test_a_large_frame_costs_less_memory_than_on_a_plain_window():
    """llvmpipe's frame buffers are process memory: the display framebuffer's two colour buffers and depth
    buffer are 12 bytes a pixel. Each window is measured in a fresh process with the app's C heap settings
    (in one process, memory one window freed is reused by the next: the measure would be the difference)."""
    costs = {}
    for kind in ("lean", "plain"):
        done = subprocess.run([sys.executable, __file__, kind], capture_output=True, text=True, timeout=120,
                              env={**os.environ, "PYTHONPATH": str(REPO)}, cwd=REPO)
        assert done.returncode == 0, done.stderr
        costs[kind] = float(done.stdout.strip().splitlines()[-1])
    display_framebuffer_mib = 12 * LARGE_FRAME_PX[0] * LARGE_FRAME_PX[1] / 2**20
    assert costs["plain"] - costs["lean"] > 0.8 * display_framebuffer_mib, costs


@pytest.fixture(scope="module")
def engines_on_the_ct(a_ct_path):
    """The head CT in an engine on lean windows and in one on plain VTK windows, views at Conventional sizes."""
    engines = {"lean": SlicerEngine(), "plain": SlicerEngine(window_maker=plain_window)}
    for engine in engines.values():
        node = load_volume(engine, a_ct_path)
        for name, size in CONVENTIONAL_SIZES_PX.items():
            engine.view(name).resize(*size)
        show_volume(engine, node)
    return engines


@pytest.mark.parametrize("still", [False, True])
@pytest.mark.parametrize("view_name", ["Red", "1"])
def test_the_views_frames_equal_those_on_plain_windows(engines_on_the_ct, view_name, still):
    frames = {}
    for name, engine in engines_on_the_ct.items():
        view = engine.view(view_name)
        view.set_still(still)
        frames[name] = view.capture()
    assert frames["lean"].shape == (467, CONVENTIONAL_SIZES_PX[view_name][0], 3)
    assert frames["lean"].std() > 0
    assert np.array_equal(frames["lean"], frames["plain"])
    assert not holds_display_framebuffer(engines_on_the_ct["lean"].view(view_name).render_window)


if __name__ == "__main__":  # one measure of test_a_large_frame_costs_less_memory_than_on_a_plain_window
    from trame_slicer_app.native_heap import keep_heap_compact

    keep_heap_compact()
    print(large_frame_cost_mib(sys.argv[1]))
