"""The data probe reads the voxel under a view pixel, as Slicer's Data Probe does: checked against
the voxel arrays of the real CT, MRI and a label map made from the CT."""

from __future__ import annotations

import numpy as np
import pytest
from vtkmodules.vtkCommonMath import vtkMatrix4x4

from trame_slicer_app.engine.display.data_probe import probe
from trame_slicer_app.engine.display.volume_display import set_slice_layer
from trame_slicer_app.engine.io.volumes import load_volume, ras_to_ijk, show_volume, voxel_array
from trame_slicer_app.engine.scene.node_lookup import DisplayControlError

VIEW_SIZE_PX = (240, 200)
SAMPLES_PER_VIEW = 200
BONE_HU = 300
BONE_LABEL = 5


def voxel_at(node, ras) -> tuple[list[int], float | None]:
    ijk = [round(c) for c in ras_to_ijk(node, ras)]
    voxels = voxel_array(node)
    inside = all(0 <= ijk[axis] < voxels.shape[2 - axis] for axis in range(3))
    return ijk, (float(voxels[ijk[2], ijk[1], ijk[0]]) if inside else None)


@pytest.mark.parametrize("view_name", ["Red", "Yellow", "Green"])
def test_probe_values_are_the_ct_voxels(an_engine, a_ct, view_name):
    rng = np.random.default_rng(7)
    inside = 0
    for _ in range(SAMPLES_PER_VIEW):
        x, y = float(rng.uniform(0, VIEW_SIZE_PX[0])), float(rng.uniform(0, VIEW_SIZE_PX[1]))
        result = probe(an_engine, view_name, x, y)
        view = an_engine.slice_views[view_name]
        assert result["ras"] == pytest.approx(list(view.xy_to_ras(x, y)))
        [layer] = result["layers"]
        assert (layer["layer"], layer["volume"]) == ("background", a_ct.GetName())
        ijk, value = voxel_at(a_ct, result["ras"])
        assert layer["ijk"] == ijk
        assert layer["value"] == value
        inside += value is not None
    assert inside > SAMPLES_PER_VIEW / 3


def test_probe_finds_bone_where_the_array_has_its_brightest_voxel(an_engine, a_ct):
    view = an_engine.slice_views["Red"]
    voxels = voxel_array(a_ct)
    # The brightest voxel of the slice the Red view shows, and the view pixel above it.
    k = round(voxel_at(a_ct, view.xy_to_ras(VIEW_SIZE_PX[0] / 2, VIEW_SIZE_PX[1] / 2))[0][2])
    j, i = np.unravel_index(np.argmax(voxels[k]), voxels[k].shape)
    ijk_to_ras = vtkMatrix4x4()
    a_ct.GetIJKToRASMatrix(ijk_to_ras)
    ras = ijk_to_ras.MultiplyPoint((float(i), float(j), float(k), 1.0))
    ras_to_xy = vtkMatrix4x4()
    ras_to_xy.DeepCopy(view.slice_node.GetXYToRAS())
    ras_to_xy.Invert()
    x, y, _, _ = ras_to_xy.MultiplyPoint(ras)
    [layer] = probe(an_engine, "Red", x, y)["layers"]
    assert layer["ijk"] == [int(i), int(j), k]
    assert layer["value"] == float(voxels[k, j, i]) > 1500
    assert layer["text"] == str(int(voxels[k, j, i]))


def test_outside_the_volume_there_is_no_value(an_engine, a_ct):
    view = an_engine.slice_views["Red"]
    view.slice_node.SetFieldOfView(2000.0, 2000.0, view.slice_node.GetFieldOfView()[2])
    [layer] = probe(an_engine, "Red", 1.0, 1.0)["layers"]
    assert layer["value"] is None
    assert layer["text"] == "Out of Frame"
    assert voxel_at(a_ct, probe(an_engine, "Red", 1.0, 1.0)["ras"])[1] is None


def test_label_maps_report_label_and_name_and_foreground_its_own_voxels(an_engine, a_ct, an_mri_path):
    label = an_engine.volumes_logic.CreateAndAddLabelVolume(an_engine.scene, a_ct, "bone")
    voxel_array(label)[:] = np.where(voxel_array(a_ct) > BONE_HU, BONE_LABEL, 0)
    label.GetImageData().Modified()
    mri = load_volume(an_engine, an_mri_path)
    set_slice_layer(an_engine, "label", label.GetID())
    set_slice_layer(an_engine, "foreground", mri.GetID())
    color_node = label.GetDisplayNode().GetColorNode()
    rng = np.random.default_rng(3)
    seen_labels = set()
    for _ in range(SAMPLES_PER_VIEW):
        x, y = float(rng.uniform(0, VIEW_SIZE_PX[0])), float(rng.uniform(0, VIEW_SIZE_PX[1]))
        result = probe(an_engine, "Green", x, y)
        layers = {entry["layer"]: entry for entry in result["layers"]}
        assert set(layers) == {"background", "foreground", "label"}
        for node, layer in ((a_ct, "background"), (mri, "foreground"), (label, "label")):
            ijk, value = voxel_at(node, result["ras"])
            assert layers[layer]["ijk"] == ijk
            assert layers[layer]["value"] == value
        if layers["label"]["value"] is not None:
            value = int(layers["label"]["value"])
            seen_labels.add(value)
            assert layers["label"]["label_name"] == (color_node.GetColorName(value) or None)
            assert layers["label"]["text"].endswith(f"({value})")
    assert seen_labels == {0, BONE_LABEL}


def test_bad_probe_input(an_engine, a_ct):
    for args in (("1", 1.0, 1.0), ("Red", float("nan"), 1.0), ("Red", "3", 1.0), ("Red", 1e12, 0.0)):
        with pytest.raises(DisplayControlError):
            probe(an_engine, *args)


def test_float_voxels_are_reported_as_slicer_writes_them(an_engine):
    from trame_slicer_app.engine.io.volumes import add_volume_from_array

    voxels = (np.arange(8 * 10 * 12, dtype=np.float32).reshape(8, 10, 12) / 7.0).astype(np.float32)
    node = add_volume_from_array(an_engine, voxels, "ramp", (2.0, 2.0, 3.0))
    for view in an_engine.slice_views.values():
        view.resize(*VIEW_SIZE_PX)
    show_volume(an_engine, node)
    [layer] = probe(an_engine, "Red", VIEW_SIZE_PX[0] / 2, VIEW_SIZE_PX[1] / 2)["layers"]
    ijk, value = voxel_at(node, probe(an_engine, "Red", VIEW_SIZE_PX[0] / 2, VIEW_SIZE_PX[1] / 2)["ras"])
    assert layer["ijk"] == ijk and layer["value"] == pytest.approx(value)
    assert layer["text"] == f"{value:f}".rstrip("0").rstrip(".")
    assert not float(value).is_integer()


def test_an_empty_view_has_a_position_but_no_layers(an_engine):
    result = probe(an_engine, "Yellow", 10.0, 20.0)
    assert result["layers"] == []
    assert result["ras"] == pytest.approx(list(an_engine.slice_views["Yellow"].xy_to_ras(10.0, 20.0)))
