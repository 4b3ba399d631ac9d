"""What the web layer may do with the segment editor, in plain values.

The web layer imports this module, never VTK or MRML. Ids are MRML node ids (segmentations) and
segment ids (text); colours are "#rrggbb"; masks are numpy bool arrays in the source volume's voxel
grid, indexed (z, y, x) = (k, j, i), with the offset of their corner in the same order. Every
refusal is a ``SegmentEditorError`` (an ``EngineError``, a ``ValueError``) whose message a user can
read; nothing is changed when one is raised. Every change is one step of the scene's one undo stack.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
from vtkmodules.vtkCommonMath import vtkMatrix4x4

from .engine.scene.scene_nodes import nodes_of_class
from .engine.segment_editor import masking
from .engine.segment_editor import segment_list as segments
from .engine.segment_editor.effects import (
    hollow,
    islands,
    joint_smoothing,
    logical,
    margin,
    mask_volume,
    smoothing,
    threshold,
)
from .engine.segment_editor.effects.auto_complete import AutoComplete
from .engine.segment_editor.effects.fill_between_slices import FillBetweenSlices
from .engine.segment_editor.effects.grow_from_seeds import GrowFromSeeds
from .engine.segment_editor.errors import SegmentEditorError
from .engine.segment_editor.long_edit import LongEdit, LongEditDropped, LongEdits
from .engine.segment_editor.segment_editor import MODES, SegmentEditor
from .engine.segment_editor.segment_export import export_models
from .engine.segment_editor.segment_statistics import segment_statistics, statistics_csv
from .engine.segment_editor.surface_display import smoothing_factor, surface_shown
from .engine.segment_editor.voxel_grid import volume_shape
from .scene_data import save_node

AUTO_COMPLETE_EFFECTS = ("grow_from_seeds", "fill_between_slices")

__all__ = ["MODES", "LongEditDropped", "SegmentEditorError", "SegmentEditorSession"]


class SegmentEditorSession:
    """The Segment Editor panel's door to the engine (one per scene session: ``session.segments``)."""

    def __init__(self, engine, undo=None) -> None:
        self.editor = SegmentEditor(engine, undo)
        self._engine = engine
        self._auto_complete: AutoComplete | None = None
        # Long edits (joint smoothing, grow from seeds) compute in a worker thread: ``start_*``
        # methods return an asyncio task; the editor refuses edits until it ends (long_edit.py).
        self.long_edits = LongEdits(self.editor)
        self._computing_auto: AutoComplete | None = None  # the auto-complete whose run is in the worker

    # -- what is being edited -----------------------------------------------------------------
    @property
    def editing(self) -> bool:
        """Whether a segmentation is being edited (cheap: read at every refresh of the panel's keys)."""
        return self.editor.segmentation is not None

    def state(self) -> dict:
        """Everything the panel shows, as plain data:
        ``segmentation_id``/``segmentation_name`` (None when none is edited), ``source_volume_id``,
        ``active_segment_id``, ``segments`` (a list of dicts: id, name, colour "#rrggbb", visible,
        fill_2d, outline_2d, surface_3d, opacity 0..1 (3D), opacity_fill_2d, opacity_outline_2d,
        opacity_surface_3d, locked), ``masking`` (editable_area,
        mask_segment_id, intensity_mask, intensity_range [low, high], overwrite), ``show_3d`` and
        ``smoothing`` (0..1), ``segmentations`` (every segmentation in the scene: id, name) and
        ``busy`` (the label of the long edit computing, None when none)."""
        editor = self.editor
        segmentation, volume = editor.segmentation, editor.source_volume
        return {
            "segmentation_id": segmentation.GetID() if segmentation else None,
            "segmentation_name": segmentation.GetName() if segmentation else None,
            "source_volume_id": volume.GetID() if volume else None,
            "active_segment_id": editor.active_segment_id if segmentation else None,
            "segments": segments.segments_state(segmentation) if segmentation else [],
            "masking": masking.masking_state(editor.node),
            "show_3d": surface_shown(segmentation) if segmentation else False,
            "smoothing": smoothing_factor(segmentation) if segmentation else 0.5,
            "segmentations": self.segmentations(),
            "busy": editor.busy,
        }

    def segmentations(self) -> list[dict]:
        """Every segmentation in the scene: [{"id", "name"}], in scene order."""
        nodes = nodes_of_class(self._engine.scene, "vtkMRMLSegmentationNode")
        return [{"id": node.GetID(), "name": node.GetName()} for node in nodes]

    def create_segmentation(self, name: str | None = None) -> str:
        """A new empty segmentation on the shown volume (its voxel grid), made the edited one; returns
        its id. Refused when no volume is shown. Undoable (removes it)."""
        if name is not None and (not isinstance(name, str) or not name.strip() or len(name) > segments.MAX_NAME_CHARS):
            raise SegmentEditorError("a segmentation name must be a non-empty text")
        return self.editor.create_segmentation(name=name.strip() if name else None).GetID()

    def select_segmentation(self, segmentation_id: str) -> None:
        """Edit this segmentation (for instance one opened from a .seg.nrrd) on the shown volume."""
        self.editor.select(segments.require_segmentation(self._engine, segmentation_id))

    def geometry(self) -> dict:
        """The source volume's voxel grid: ``shape_zyx``, ``spacing_xyz`` (mm) and ``ijk_to_ras``
        (16 numbers, row by row), for building masks."""
        _segmentation, volume = self.editor.require()
        matrix = vtkMatrix4x4()
        volume.GetIJKToRASMatrix(matrix)
        return {"shape_zyx": list(volume_shape(volume)), "spacing_xyz": [float(s) for s in volume.GetSpacing()],
                "ijk_to_ras": [matrix.GetElement(r, c) for r in range(4) for c in range(4)]}

    # -- segments ---------------------------------------------------------------------------------
    def add_segment(self, name: str | None = None, colour: str | None = None) -> str:
        """Add an empty segment (default name Segment_N, next default colour); it becomes active."""
        return self.editor.add_segment(name, colour)

    def remove_segment(self, segment_id: str) -> None:
        """Remove a segment (undo brings it back with its voxels)."""
        self.editor.remove_segment(segment_id)

    def set_active_segment(self, segment_id: str | None) -> None:
        """The segment edits apply to (None: none)."""
        self.editor.set_active_segment(segment_id)

    def rename_segment(self, segment_id: str, name: str) -> None:
        self.editor.edit_segment(segment_id, "Rename segment",
                                 lambda node: segments.rename_segment(node, segment_id, name))

    def set_segment_colour(self, segment_id: str, colour: str) -> None:
        """``colour`` is "#rrggbb"."""
        self.editor.edit_segment(segment_id, "Segment colour",
                                 lambda node: segments.set_segment_colour(node, segment_id, colour))

    def set_segment_visible(self, segment_id: str, visible: bool, kind: str | None = None) -> None:
        """Show/hide a segment everywhere (kind None) or as "fill_2d", "outline_2d" or "surface_3d"."""
        self.editor.edit_segment(segment_id, "Segment visibility",
                                 lambda node: segments.set_segment_visible(node, segment_id, visible, kind))

    def set_segment_opacity(self, segment_id: str, opacity: float, kind: str | None = None) -> None:
        """Opacity 0..1 in 2D and 3D (kind None), or only as "fill_2d", "outline_2d" or "surface_3d"."""
        self.editor.edit_segment(segment_id, "Segment opacity",
                                 lambda node: segments.set_segment_opacity(node, segment_id, opacity, kind))

    def set_segment_locked(self, segment_id: str, locked: bool) -> None:
        """A locked segment refuses edits, and edits of other segments leave its voxels alone."""
        self.editor.edit_segment(segment_id, "Segment lock",
                                 lambda node: segments.set_segment_locked(node, segment_id, locked))

    # -- masking ---------------------------------------------------------------------------------------
    def set_editable_area(self, area: str, mask_segment_id: str | None = None) -> None:
        """One of "everywhere", "inside_all_segments", "inside_visible_segments",
        "outside_all_segments", "outside_visible_segments", "inside_segment" (with mask_segment_id)."""
        self.editor.require()
        masking.set_editable_area(self.editor.node, area, mask_segment_id)

    def set_intensity_mask(self, enabled: bool, low: float | None = None, high: float | None = None) -> None:
        """Edit only voxels whose source intensity is in [low, high] when enabled."""
        masking.set_intensity_mask(self.editor.node, enabled, low, high)

    def set_overwrite(self, mode: str) -> None:
        """Overwrite other segments: "all", "visible" or "none"."""
        masking.set_overwrite(self.editor.node, mode)

    # -- voxels ----------------------------------------------------------------------------------------------
    def apply_modifier(self, mask: np.ndarray, mode: str, offset: Sequence[int] = (0, 0, 0),
                       label: str | None = None) -> int:
        """Apply a bool mask (z, y, x; its corner at ``offset`` in the source volume's voxel grid;
        clipped to the grid) to the active segment: "add", "remove" or "set", honouring masking.
        One undo step named ``label``; returns how many voxels of the segment changed."""
        return self.editor.apply_modifier(mask, mode, tuple(offset) if isinstance(offset, list) else offset, label)

    def segment_array(self, segment_id: str | None = None) -> np.ndarray:
        """A segment's voxels (default: the active one) as a bool (z, y, x) array over the volume."""
        return self.editor.segment_array(segment_id)

    # -- 3D ------------------------------------------------------------------------------------------------------
    def show_3d(self, shown: bool, smoothing: float | None = None) -> None:
        """Show the segments in 3D as closed surfaces (smoothing 0..1), or take them off."""
        segmentation, _volume = self.editor.require()
        if not isinstance(shown, bool):
            raise SegmentEditorError("show in 3D is true or false")
        self.editor.surfaces.show(segmentation, shown, smoothing)

    def update_surfaces_if_due(self) -> bool:
        """Call from an idle timer: rebuilds the 3D surfaces once edits have paused
        (surface_display.SURFACE_SETTLE_S); returns whether it did."""
        if not self.editor.surfaces.due():
            return False
        return self.editor.surfaces.flush() > 0

    def ras_to_voxel(self, ras: Sequence[float]) -> list[int]:
        """The source volume's voxel (z, y, x) at a RAS point (mm), rounded; may be outside the grid."""
        _segmentation, volume = self.editor.require()
        if (not isinstance(ras, (list, tuple)) or len(ras) != 3
                or not all(isinstance(v, (int, float)) and not isinstance(v, bool) and np.isfinite(v) for v in ras)):
            raise SegmentEditorError("a RAS point is three finite numbers (mm)")
        matrix = vtkMatrix4x4()
        volume.GetRASToIJKMatrix(matrix)
        i, j, k, _w = matrix.MultiplyPoint([float(v) for v in ras] + [1.0])
        return [round(k), round(j), round(i)]

    # -- computed effects (each apply is one undo step; masking honoured unless said) --------------
    def threshold_range(self) -> list[float]:
        """[minimum, maximum] of the source volume's intensities (the slider's ends)."""
        return list(threshold.intensity_range(self.editor))

    def auto_threshold(self, method: str, mode: str = "above") -> list[float]:
        """[low, high] from an automatic method (threshold.AUTO_METHODS: "otsu", "huang",
        "triangle", ...); mode "above" (threshold to max) or "below" (min to threshold)."""
        return list(threshold.auto_threshold(self.editor, method, mode))

    def threshold_preview(self, low: float, high: float) -> np.ndarray:
        """The voxels [low, high] selects, bool (z, y, x): for the slice views' preview; changes nothing."""
        return threshold.preview(self.editor, low, high)

    def apply_threshold(self, low: float, high: float) -> int:
        return threshold.apply(self.editor, low, high)

    def use_threshold_as_intensity_mask(self, low: float, high: float) -> None:
        threshold.use_as_intensity_mask(self.editor, low, high)

    def apply_margin(self, margin_mm: float) -> int:
        """Grow (> 0) or shrink (< 0) the active segment by mm (|margin| <= margin.MAX_MARGIN_MM)."""
        return margin.apply(self.editor, margin_mm)

    def apply_hollow(self, thickness_mm: float, mode: str = "inside") -> int:
        """Shell of the active segment; mode "inside", "outside" or "medial" (where its surface lies)."""
        return hollow.apply(self.editor, thickness_mm, mode)

    def apply_smoothing(self, method: str, kernel_mm: float, joint_factor: float = 0.5) -> int:
        """method "median", "opening", "closing", "gaussian" (kernel in mm) or "joint" (all visible
        segments together, Slicer's surface method; joint_factor 0..1)."""
        return smoothing.apply(self.editor, method, kernel_mm, joint_factor)

    def apply_islands(self, operation: str, minimum_size: int = 1000, point_zyx: Sequence[int] | None = None,
                      point_ras: Sequence[float] | None = None) -> int:
        """operation "keep_largest", "remove_small", "split", "keep_selected", "remove_selected";
        the selected island is the one at ``point_zyx`` (a voxel) or ``point_ras`` (mm)."""
        if point_ras is not None:
            point_zyx = self.ras_to_voxel(point_ras)
        return islands.apply(self.editor, operation, minimum_size, list(point_zyx) if point_zyx else None)

    def apply_logical(self, operation: str, other_segment_id: str | None = None, bypass_masking: bool = True) -> int:
        """operation "copy", "add", "subtract", "intersect" (with ``other_segment_id``), "invert",
        "clear", "fill"."""
        return logical.apply(self.editor, operation, other_segment_id, bypass_masking)

    def mask_volume(self, mode: str = "outside", fill_value: float = 0.0, inside_value: float = 1.0,
                    name: str | None = None) -> str:
        """A new volume: the source with the voxels "inside"/"outside" the active segment set to
        ``fill_value``, or "binary" (inside_value inside, fill_value outside). Returns its node id."""
        return mask_volume.apply(self.editor, mode, fill_value, inside_value, name)

    # -- auto-complete effects: initialise, preview, update, apply, cancel ------------------------------
    def auto_complete_start(self, effect: str, seed_locality: float = 0.0, axis: str = "all") -> dict:
        """Start "grow_from_seeds" (seed_locality 0..10) or "fill_between_slices" (axis "all", "x",
        "y", "z") from the visible segments; returns the preview (see auto_complete_preview)."""
        if effect not in AUTO_COMPLETE_EFFECTS:
            raise SegmentEditorError(f"auto-complete effect is one of {', '.join(AUTO_COMPLETE_EFFECTS)}")
        self.editor.refuse_if_busy()
        self.auto_complete_cancel()
        session = (GrowFromSeeds(self.editor, seed_locality) if effect == "grow_from_seeds"
                   else FillBetweenSlices(self.editor, axis))
        session.initialize()
        self._auto_complete = session
        return self.auto_complete_preview()

    def auto_complete_update(self) -> dict:
        """Compute again after the seeds were edited; returns the preview."""
        self.editor.refuse_if_busy()
        self._require_auto_complete().update()
        return self.auto_complete_preview()

    def set_seed_locality(self, value: float) -> dict | None:
        """Grow from seeds' seed locality (0..10). While grow from seeds runs, its preview is computed
        again with it (as Slicer's slider does) and returned; otherwise None (the next start uses it)."""
        session = self._grow_with_seed_locality(value)
        if session is None:
            return None
        session.update()
        return self.auto_complete_preview()

    def _grow_with_seed_locality(self, value: float) -> GrowFromSeeds | None:
        """The running grow from seeds, given the new seed locality; None (the value checked and kept for
        the next start) when grow from seeds does not run."""
        session = self._auto_complete
        if not isinstance(session, GrowFromSeeds):
            GrowFromSeeds.check_seed_locality(value)
            return None
        self.editor.refuse_if_busy()
        session.set_seed_locality(value)
        return session

    def auto_complete_preview(self) -> dict:
        """{"labels": int16 array (z, y, x): 0 none, n for segment_ids[n-1]; "segment_ids": [...]}."""
        session = self._require_auto_complete()
        return {"labels": session.preview(), "segment_ids": list(session.segment_ids)}

    def auto_complete_apply(self) -> int:
        """The preview becomes the segments (one undo step); the effect ends."""
        session = self._require_auto_complete()
        self.editor.refuse_if_busy()
        self._auto_complete = None
        return session.apply()

    def auto_complete_cancel(self) -> None:
        """End the auto-complete effect; a run of it computing in the worker is dropped when it ends."""
        session, self._auto_complete = self._auto_complete, None
        if self._computing_auto is not None:
            self.long_edits.cancel()  # its drop cancels its session once the worker let go of it
        if session is not None and session is not self._computing_auto:
            session.cancel()

    # -- long edits: computed in a worker, applied on the loop (long_edit.py) -----------------------
    def start_joint_smoothing(self, factor: float = 0.5):
        """Joint smoothing of the visible segments, computed in a worker: an asyncio task giving the
        voxels changed (one undo step), or raising LongEditDropped. Refusals are raised here."""
        return self.long_edits.start("Joint smoothing", lambda: joint_smoothing.prepare(self.editor, factor))

    def start_margin(self, margin_mm: float):
        """apply_margin computed in a worker (seconds on a whole-head segment): an asyncio task."""
        return self.long_edits.start("Margin", lambda: margin.prepare(self.editor, margin_mm))

    def start_auto_complete(self, effect: str, seed_locality: float = 0.0, axis: str = "all"):
        """auto_complete_start computed in a worker: an asyncio task giving the preview."""
        if effect not in AUTO_COMPLETE_EFFECTS:
            raise SegmentEditorError(f"auto-complete effect is one of {', '.join(AUTO_COMPLETE_EFFECTS)}")
        self.editor.refuse_if_busy()
        session = (GrowFromSeeds(self.editor, seed_locality) if effect == "grow_from_seeds"
                   else FillBetweenSlices(self.editor, axis))
        try:
            return self._start_auto(session, new=True)
        except BaseException:
            session.cancel()
            raise

    def start_auto_complete_update(self):
        """auto_complete_update computed in a worker: an asyncio task giving the preview."""
        return self._start_auto(self._require_auto_complete(), new=False)

    def start_seed_locality(self, value: float):
        """set_seed_locality: while grow from seeds runs, an asyncio task computing its preview again
        in a worker; otherwise None (the value is checked and kept for the next start)."""
        session = self._grow_with_seed_locality(value)
        return None if session is None else self._start_auto(session, new=False)

    def _start_auto(self, session: AutoComplete, new: bool):
        def prepare() -> LongEdit:
            edit = session.prepare_compute()
            finish, drop = edit.finish, edit.drop

            def finished(result) -> dict:
                finish(result)
                if new:
                    self.auto_complete_cancel()  # (nothing runs: the editor was busy until now)
                    self._auto_complete = session
                return self.auto_complete_preview()

            def dropped() -> None:
                drop()
                if new or session is not self._auto_complete:
                    session.cancel()  # a new run's session, or one cancelled meanwhile: ended

            return LongEdit(edit.label, edit.compute, finished, dropped)

        task = self.long_edits.start(session.label, prepare)
        self._computing_auto = session
        task.add_done_callback(lambda _task: self._end_auto_computing(session))
        return task

    def _end_auto_computing(self, session: AutoComplete) -> None:
        if self._computing_auto is session:
            self._computing_auto = None

    def auto_complete_computing(self) -> bool:
        """Whether a grow from seeds / fill between slices run is computing in the worker."""
        return self._computing_auto is not None

    def cancel_long_edit(self) -> bool:
        """Drop the result of the long edit computing (it finishes in the worker, unapplied)."""
        return self.long_edits.cancel()

    def busy(self) -> str | None:
        """The label of the long edit computing, None when none."""
        return self.editor.busy

    def _require_auto_complete(self) -> AutoComplete:
        if self._auto_complete is None:
            raise SegmentEditorError("no grow from seeds or fill between slices is running: initialise it first")
        return self._auto_complete

    # -- files and figures --------------------------------------------------------------------------------------
    def save_segmentation(self, suffix: str, out_dir: str | Path) -> str:
        """Write the edited segmentation into ``out_dir`` as ".seg.nrrd" or as a label map
        (".nii.gz", ".nrrd"); returns the path written (named after it, never overwriting)."""
        segmentation = self._segmentation_to_write()
        return str(save_node(self._engine, segmentation.GetID(), suffix, Path(out_dir)))

    def export_models(self, out_dir: str | Path, file_format: str = "stl") -> list[str]:
        """Write every segment as a model ("stl" or "obj") into ``out_dir``; returns the files."""
        segmentation = self._segmentation_to_write()
        return [str(p) for p in export_models(segmentation, Path(out_dir), file_format)]

    def _segmentation_to_write(self):
        """The edited segmentation: writing it needs no source volume (its own geometry is kept), so
        a segmentation whose volume was deleted can still be saved from the panel."""
        if self.editor.segmentation is None:
            raise SegmentEditorError("no segmentation is being edited: create one first")
        return self.editor.segmentation

    def statistics(self) -> list[dict]:
        """Per segment: segment_id, segment (name), voxel_count, volume_mm3, volume_cc, mean, sd,
        min, max (of the source volume inside; None for an empty segment)."""
        return segment_statistics(self.editor)

    def statistics_csv(self) -> str:
        """The statistics as CSV text (header: segment, voxel_count, volume_mm3, volume_cc, mean, sd, min, max)."""
        return statistics_csv(self.statistics())
