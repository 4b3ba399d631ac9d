"""Placing on what the 3D view shows, in Chromium: a click on a model lands on its surface, a click on the
CT's volume rendering lands on the skin (where the preset's opacity first shows along the ray), not on the
far side nor in empty space."""

from __future__ import annotations

import math
import time

import numpy as np
import pytest
from conftest import ARTIFACTS, RunningApp
from vtkmodules.vtkFiltersSources import vtkSphereSource
from vtkmodules.vtkIOLegacy import vtkPolyDataWriter

from e2e.views import open_feature_panel, wait_for_state, wait_for_views
from trame_slicer_app.engine.volume_rendering.presets import VOLUME_RENDERING_PRESETS

pytestmark = pytest.mark.browser

VIEWPORT = {"width": 1100, "height": 750}
SPHERE_RADIUS_MM = 40.0
VISIBLE_OPACITY = 0.05  # VTK's cell picker takes a rendered volume as a surface where its opacity reaches this
RAY_STEP_MM = 0.1
# Off the middle of the view, where the axial and sagittal slice planes are seen edge-on.
CLICKS = ((0.45, 0.42), (0.56, 0.55), (0.5, 0.6))


def _read_ct(path):
    """The CT's voxels and their RAS geometry, from the file itself (raw, axis-aligned LPS NRRD)."""
    data = path.read_bytes()
    header, _, body = data.partition(b"\n\n")
    fields = dict(line.split(": ", 1) for line in header.decode().splitlines()[1:] if ": " in line)
    assert (fields["type"], fields["encoding"], fields["endian"]) == ("short", "raw", "little")
    assert fields["space"] == "left-posterior-superior" and fields["space origin"] == "(0,0,0)"
    sizes = [int(s) for s in fields["sizes"].split()]
    directions = [[float(c) for c in d.strip("()").split(",")] for d in fields["space directions"].split()]
    spacing = [directions[axis][axis] for axis in range(3)]
    assert all(directions[a][b] == 0 for a in range(3) for b in range(3) if a != b)
    voxels = np.frombuffer(body[-2 * math.prod(sizes):], dtype="<i2").reshape(sizes[::-1])  # (k, j, i)
    return voxels, spacing


def _ras_to_ijk(ras, spacing):
    return -ras[0] / spacing[0], -ras[1] / spacing[1], ras[2] / spacing[2]  # LPS, origin 0


def _value_at(voxels, ijk) -> float | None:
    base = np.floor(ijk).astype(int)
    if np.any(base < 0) or np.any(base + 1 >= voxels.shape[::-1]):
        return None
    f = np.asarray(ijk) - base
    cube = voxels[base[2]:base[2] + 2, base[1]:base[1] + 2, base[0]:base[0] + 2].astype(float)
    return float((cube * np.einsum("k,j,i->kji", (1 - f[2], f[2]), (1 - f[1], f[1]), (1 - f[0], f[0]))).sum())


def _ct_centre_ras(voxels, spacing):
    k, j, i = voxels.shape
    return np.array((-(i - 1) * spacing[0] / 2, -(j - 1) * spacing[1] / 2, (k - 1) * spacing[2] / 2))


@pytest.fixture(scope="module")
def a_ct_and_a_sphere(a_ct_path, tmp_path_factory):
    voxels, spacing = _read_ct(a_ct_path)
    centre = _ct_centre_ras(voxels, spacing)
    sphere = vtkSphereSource()
    sphere.SetCenter(-centre[0], -centre[1], centre[2])  # a .vtk model is read as LPS, as Slicer writes it
    sphere.SetRadius(SPHERE_RADIUS_MM)
    sphere.SetThetaResolution(96)
    sphere.SetPhiResolution(96)
    path = tmp_path_factory.mktemp("models") / "ball.vtk"
    writer = vtkPolyDataWriter()
    writer.SetInputConnection(sphere.GetOutputPort())
    writer.SetFileName(str(path))
    writer.Write()
    app = RunningApp("--data", str(a_ct_path), str(path))
    yield app, voxels, spacing, centre
    app.stop()


@pytest.fixture
def a_3d_page(a_browser, a_ct_and_a_sphere):
    app = a_ct_and_a_sphere[0]
    page = a_browser.new_page(viewport=VIEWPORT)
    try:
        page.goto(app.url)
        wait_for_views(page, names=("1",))
        page.locator(".layout-one_up_3d").click()  # only the 3D view renders
        page.wait_for_function("document.querySelectorAll('.slicer-view').length === 1")
        open_feature_panel(page, "threed")
        page.locator(".threed-camera-A").click()  # from the front, looking back: rays go along -A
        time.sleep(1.0)
        yield page
    finally:
        page.close()


def _place_a_point(page, fx: float, fy: float) -> np.ndarray:
    page.locator(".markups-place-menu").click()
    page.locator(".markups-place-point_list").click()
    node_id = wait_for_state(page, "markups_placing", lambda p: p is not None)["placing"]
    box = page.locator(".slicer-view-1").bounding_box()
    x, y = box["x"] + box["width"] * fx, box["y"] + box["height"] * fy
    page.mouse.move(x - 3, y)
    page.mouse.move(x, y)
    time.sleep(0.3)  # the widget's preview point follows the pointer before the press
    page.mouse.down()
    page.mouse.up()
    items = wait_for_state(page, "markups_items", lambda items: any(
        m["id"] == node_id and m["point_count"] == 1 for m in items or []))
    return np.array(next(m for m in items if m["id"] == node_id)["points"][0]["ras"])


def test_a_click_on_a_model_in_3d_places_the_point_on_its_front_surface(a_3d_page, a_ct_and_a_sphere):
    _app, _voxels, spacing, centre = a_ct_and_a_sphere
    for fx, fy in CLICKS:
        point = _place_a_point(a_3d_page, fx, fy)
        assert abs(np.linalg.norm(point - centre) - SPHERE_RADIUS_MM) < min(spacing), point  # within a voxel
        assert point[1] > centre[1], point  # the side facing the camera (anterior), not the far side
    a_3d_page.screenshot(path=str(ARTIFACTS / "markups-on-a-model-in-3d.png"))


def test_a_click_on_the_volume_rendering_places_the_point_on_the_skin(a_3d_page, a_ct_and_a_sphere):
    _app, voxels, spacing, _centre = a_ct_and_a_sphere
    page = a_3d_page
    page.locator(".threed-vr-visible input").click()
    wait_for_state(page, "threed_vr_preset", "CT-Bone")
    page.wait_for_function("() => { const s = window.__slicerStreamStats['1']; return s && s.lastMeta"
                           " && s.lastMeta.still; }", timeout=30_000)
    preset = VOLUME_RENDERING_PRESETS["CT-Bone"]
    scalars, opacities = zip(*preset.scalar_opacity, strict=True)
    a_max = 0.0  # the CT's most anterior plane (LPS origin 0, posterior positive)
    for fx, fy in CLICKS:
        point = _place_a_point(page, fx, fy)
        # Where the ray (from the front, along -A, through the point's R and S) first meets what the preset
        # shows: the skin.
        expected = None
        for a in np.arange(a_max, a_max - voxels.shape[1] * spacing[1], -RAY_STEP_MM):
            value = _value_at(voxels, _ras_to_ijk((point[0], a, point[2]), spacing))
            if value is not None and np.interp(value, scalars, opacities) >= VISIBLE_OPACITY:
                expected = a
                break
        assert expected is not None, f"{point} is in empty space"
        assert abs(point[1] - expected) < math.dist((0, 0, 0), spacing), (point, expected)
    page.screenshot(path=str(ARTIFACTS / "markups-on-volume-rendering-in-3d.png"))
