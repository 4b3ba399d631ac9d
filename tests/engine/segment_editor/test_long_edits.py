"""Long edits (long_edit.py) on the real head CT, over a slab of whole slices (seconds, not the
whole head's tens of seconds): joint smoothing and grow from seeds compute in a worker thread while
the asyncio loop keeps turning (a 10 ms timer ticks meanwhile); their result is the synchronous
path's, voxel for voxel; the editor refuses edits meanwhile; a scene changed under the computation
drops its result; undo after the apply takes back exactly that edit."""

from __future__ import annotations

import asyncio

import numpy as np
import pytest
from test_auto_complete_effects import seeded  # noqa: F401 (the fixture: seeds in brain and bone)

from trame_slicer_app.engine.segment_editor.effects import joint_smoothing
from trame_slicer_app.segment_editor_session import LongEditDropped, SegmentEditorError

pytest_plugins = ["segment_fixtures"]  # the fixtures of these tests (not a conftest: see there)

SLAB = slice(40, 64)  # whole slices of the head


@pytest.fixture
def slab_tissues(segments, ct_voxels) -> dict[str, str]:
    """Bone (>= 300 HU) and soft tissue (0..100 HU) over whole slices of the head, as two segments."""
    ids = {}
    for name, select in (("bone", ct_voxels >= 300), ("soft", (ct_voxels > 0) & (ct_voxels < 100))):
        mask = np.zeros(ct_voxels.shape, bool)
        mask[SLAB] = select[SLAB]
        ids[name] = segments.add_segment(name)
        segments.apply_modifier(mask, "add")
    return ids


def voxels(segments, ids) -> dict[str, np.ndarray]:
    return {name: segments.segment_array(sid).copy() for name, sid in ids.items()}


def while_ticking(start, during=None):
    """Run ``start()`` (which starts a long edit and returns its task) on a fresh loop beside a
    10 ms timer; ``during(task)`` runs on the loop once the computation is under way. Returns
    (the task's result or the exception it raised, ticks counted while it computed)."""

    async def main():
        ticks = 0

        async def tick():
            nonlocal ticks
            while True:
                await asyncio.sleep(0.01)
                ticks += 1

        ticker = asyncio.create_task(tick())
        await asyncio.sleep(0)
        task = start()
        first = ticks
        if during is not None:
            await asyncio.sleep(0.02)
            during(task)
        try:
            result = await task
        except Exception as error:
            result = error
        finally:
            ticker.cancel()
        return result, ticks - first

    return asyncio.run(main())


def test_joint_smoothing_in_a_worker_keeps_the_loop_turning_and_equals_the_synchronous_path(
        segments, slab_tissues, an_undo):
    before = voxels(segments, slab_tissues)
    changed_sync = joint_smoothing.apply(segments.editor, 0.5)
    synchronous = voxels(segments, slab_tissues)
    assert changed_sync > 0
    an_undo.undo()
    assert all(np.array_equal(before[n], v) for n, v in voxels(segments, slab_tissues).items())

    changed, ticks = while_ticking(lambda: segments.start_joint_smoothing(0.5))
    print("joint smoothing of a slab: ticks of a 10 ms timer while it computed", ticks)
    assert changed == changed_sync
    assert ticks > 0  # the loop turned while the worker computed
    after = voxels(segments, slab_tissues)
    assert all(np.array_equal(synchronous[n], after[n]) for n in after)
    assert segments.busy() is None and an_undo.undo_label == "Joint smoothing"
    an_undo.undo()  # takes back exactly that edit
    assert all(np.array_equal(before[n], v) for n, v in voxels(segments, slab_tissues).items())


def test_grow_from_seeds_in_a_worker_equals_the_synchronous_path(segments, seeded, an_undo):  # noqa: F811
    synchronous = segments.auto_complete_start("grow_from_seeds", seed_locality=0.0)["labels"].copy()
    synchronous_5 = segments.set_seed_locality(5.0)["labels"].copy()
    segments.auto_complete_cancel()

    preview, ticks = while_ticking(lambda: segments.start_auto_complete("grow_from_seeds", seed_locality=0.0))
    print("grow from seeds on slab seeds: ticks of a 10 ms timer while it computed", ticks)
    assert ticks > 0
    assert np.array_equal(preview["labels"], synchronous)
    assert preview["segment_ids"] == list(seeded)
    again, ticks = while_ticking(lambda: segments.start_seed_locality(5.0))
    assert ticks > 0 and np.array_equal(again["labels"], synchronous_5)

    before = voxels(segments, dict(zip(("brain", "bone"), seeded, strict=True)))
    steps = an_undo.state()
    segments.auto_complete_apply()
    assert an_undo.undo_label == "Grow from seeds"
    assert np.array_equal(segments.segment_array(seeded[1]), synchronous_5 == 2)
    an_undo.undo()
    after = voxels(segments, dict(zip(("brain", "bone"), seeded, strict=True)))
    assert all(np.array_equal(before[n], after[n]) for n in after)
    assert an_undo.undo_label == steps["undo_label"] and an_undo.redo_label == "Grow from seeds"


def test_edits_are_refused_while_one_computes(segments, slab_tissues, an_undo):
    refusals = []

    def try_edits(_task):
        assert segments.busy() == "Joint smoothing"
        assert segments.state()["busy"] == "Joint smoothing"
        for edit in (lambda: segments.apply_modifier(np.ones((2, 2, 2), bool), "add", (50, 100, 100)),
                     lambda: segments.add_segment("more"),
                     lambda: segments.remove_segment(slab_tissues["bone"]),
                     lambda: segments.set_segment_colour(slab_tissues["bone"], "#ff0000"),
                     lambda: segments.apply_logical("clear"),
                     lambda: segments.start_joint_smoothing(0.5),
                     lambda: segments.auto_complete_start("grow_from_seeds"),
                     lambda: segments.create_segmentation()):
            with pytest.raises(SegmentEditorError, match="Joint smoothing is computing") as refused:
                edit()
            refusals.append(str(refused.value))

    before_steps = an_undo.state()
    changed, _ticks = while_ticking(lambda: segments.start_joint_smoothing(0.5), try_edits)
    assert len(refusals) == 8 and changed > 0
    assert len(segments.state()["segments"]) == 2 and len(segments.segmentations()) == 1
    assert an_undo.state() != before_steps and an_undo.undo_label == "Joint smoothing"
    segments.add_segment("after")  # no longer busy


def test_a_segmentation_removed_under_the_computation_drops_its_result(segments, slab_tissues, an_undo,
                                                                       an_engine):
    label = an_undo.undo_label
    segmentation = segments.editor.segmentation

    def remove(_task):
        an_engine.scene.RemoveNode(segmentation)

    result, _ticks = while_ticking(lambda: segments.start_joint_smoothing(0.5), remove)
    assert isinstance(result, LongEditDropped) and "dropped" in str(result)
    assert segments.busy() is None and an_undo.undo_label == label
    with pytest.raises(SegmentEditorError, match="no segmentation"):
        segments.start_joint_smoothing(0.5)


def test_an_undo_under_the_computation_drops_its_result(segments, slab_tissues, an_undo):
    before = voxels(segments, slab_tissues)
    result, _ticks = while_ticking(lambda: segments.start_joint_smoothing(0.5), lambda _task: an_undo.undo())
    assert isinstance(result, LongEditDropped)
    after = voxels(segments, slab_tissues)
    assert not after["soft"].any() and np.array_equal(after["bone"], before["bone"])  # the undo only
    assert an_undo.redo_label == "Add soft" and an_undo.undo_label != "Joint smoothing"


def test_a_grow_from_seeds_cancelled_or_dropped_leaves_no_preview(segments, seeded, an_engine):  # noqa: F811
    result, _ticks = while_ticking(lambda: segments.start_auto_complete("grow_from_seeds"),
                                   lambda _task: segments.auto_complete_cancel())
    assert isinstance(result, LongEditDropped) and "cancelled" in str(result)
    with pytest.raises(SegmentEditorError, match="no grow from seeds"):
        segments.auto_complete_preview()
    # a fresh run after a dropped one is whole again (the filter forgot the dropped run's box)
    preview, _ticks = while_ticking(lambda: segments.start_auto_complete("grow_from_seeds"))
    synchronous = segments.auto_complete_start("grow_from_seeds")["labels"]
    assert np.array_equal(preview["labels"], synchronous)
    # a locality change whose segmentation goes away under it: dropped, nothing applied to anything
    segmentation = segments.editor.segmentation
    result, _ticks = while_ticking(lambda: segments.start_seed_locality(4.0),
                                   lambda _task: an_engine.scene.RemoveNode(segmentation))
    assert isinstance(result, LongEditDropped)
    assert segments.busy() is None


def test_margin_in_a_worker_equals_the_synchronous_path_and_sets_the_segment_it_read(segments, slab_tissues,
                                                                                      an_undo):
    bone = slab_tissues["bone"]
    segments.set_active_segment(bone)
    before = segments.segment_array(bone).copy()
    segments.apply_margin(2.0)
    synchronous = segments.segment_array(bone).copy()
    an_undo.undo()

    def choose_another(_task):  # the active segment changes meanwhile: the margin still goes to bone
        segments.set_active_segment(slab_tissues["soft"])

    changed, ticks = while_ticking(lambda: segments.start_margin(2.0), choose_another)
    assert changed > 0 and ticks > 0
    assert np.array_equal(segments.segment_array(bone), synchronous)
    assert an_undo.undo_label == "Grow"
    an_undo.undo()
    assert np.array_equal(segments.segment_array(bone), before)


def test_the_3d_surfaces_rebuilt_during_the_computation_do_not_drop_it(segments, slab_tissues, an_undo):
    """With Show 3D on the panel's poll rebuilds the surfaces once edits pause, on the loop, while a long
    edit computes: a surface is not a change of the voxels, the result is applied."""
    segments.show_3d(True)
    segments.apply_modifier(np.ones((2, 2, 2), bool), "add", (50, 2, 2))  # in the air: a surface waits
    assert segments.editor.surfaces._pending
    changed, _ticks = while_ticking(lambda: segments.start_joint_smoothing(0.5),
                                    lambda _task: segments.editor.surfaces.flush())
    assert not isinstance(changed, Exception), changed
    assert changed > 0 and an_undo.undo_label == "Joint smoothing"
