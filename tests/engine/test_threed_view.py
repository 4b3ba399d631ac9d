"""The 3D view shows the slice planes, textured with the slices, around the volume."""

from __future__ import annotations

import numpy as np

from trame_slicer_app.engine.io.volumes import load_volume, show_volume


def test_the_3d_view_renders_the_slice_planes(an_engine, a_ct_path):
    node = load_volume(an_engine, a_ct_path)
    show_volume(an_engine, node)
    view = an_engine.threed_view
    with_planes = view.capture().astype(int)
    for slice_view in an_engine.slice_views.values():
        slice_view.slice_node.SetSliceVisible(False)
    without_planes = view.capture().astype(int)

    changed = np.abs(with_planes - without_planes).sum(axis=2) > 30
    # The planes cover a good part of the view, centred on it.
    assert changed.mean() > 0.05
    rows, cols = np.nonzero(changed)
    height, width = changed.shape
    assert abs(rows.mean() - height / 2) < height * 0.2
    assert abs(cols.mean() - width / 2) < width * 0.2
    # And they carry the CT: bright bone and dark air among their pixels.
    plane_pixels = with_planes[changed].mean(axis=1)
    assert plane_pixels.max() > 200 and plane_pixels.min() < 40


def test_each_view_has_its_mrml_view_node(an_engine):
    assert an_engine.threed_view.view_node.GetLayoutName() == "1"
    orientations = {name: view.slice_node.GetOrientation() for name, view in an_engine.slice_views.items()}
    assert orientations == {"Red": "Axial", "Yellow": "Sagittal", "Green": "Coronal"}
    assert an_engine.scene.GetFirstNodeByClass("vtkMRMLCrosshairNode") is not None
