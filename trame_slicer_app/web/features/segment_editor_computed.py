"""The Segment Editor panel's computed effects (seg-core's engine: threshold, margin, hollow, smoothing,
islands, logical operators, mask volume, grow from seeds, fill between slices), its files (save,
export, statistics CSV) and the previews shown in the slice views while an effect is chosen.

Each trigger's arguments come from the tab's own option fields and are checked here (choices, finite
numbers within the engine's named limits) before they reach the engine, which checks them again.
"""

from __future__ import annotations

import asyncio
import logging
import math
import zipfile
from pathlib import Path
from typing import Any

from ...engine.segment_editor.effects import hollow, islands, logical, margin, mask_volume, smoothing, threshold
from ...engine.segment_editor.effects.fill_between_slices import AXES
from ...engine.segment_editor.effects.grow_from_seeds import MAX_SEED_LOCALITY
from ...engine.segment_editor.label_preview_display import LabelPreview
from ...engine.segment_editor.segment_export import MODEL_FORMATS
from ...engine.segment_editor.segment_list import hex_to_rgb
from ...engine.segment_editor.threshold_preview_display import ThresholdPreview
from ..downloads import DownloadFolder, download_name
from ..mrml_binding import BindingError, a_number, one_of

log = logging.getLogger(__name__)

COMPUTED_EFFECTS = ("grow_from_seeds", "fill_between_slices", "threshold", "margin", "hollow", "smoothing",
                    "islands", "logical_operators", "mask_volume")
AUTO_COMPLETE = ("grow_from_seeds", "fill_between_slices")
SAVE_KINDS = {".seg.nrrd": ".seg.nrrd", "labelmap": ".nii.gz"}
MAX_FILL_VALUE = 1e9
MAX_ISLAND_VOXELS = 10**9


def a_range(value: Any) -> tuple[float, float]:
    if not isinstance(value, (list, tuple)) or len(value) != 2:
        raise BindingError("a range is [low, high]")
    low, high = (a_number()(v) for v in value)
    return (low, high) if low <= high else (high, low)


def a_whole_number(lo: int, hi: int):
    def check(value: Any) -> int:
        number = a_number(lo, hi)(value)
        if not math.isfinite(number) or number != int(number):
            raise BindingError("not a whole number")
        return int(number)

    return check


class ComputedEffects:
    """Owned by the Segment Editor panel; ``triggers()`` are registered by it (guarded)."""

    def __init__(self, panel) -> None:
        self.panel = panel
        self.segments = panel.segments
        engine = panel.session.engine
        self.threshold_preview = ThresholdPreview(engine.slice_views.values())
        self.label_preview = LabelPreview(engine)
        self._auto_effect = None
        self._limits_of: tuple = (None, None)  # (source volume id, [low, high])
        panel.binding.bind("seg_threshold_range", self._threshold_range, self._set_threshold_range, a_range,
                           undoable=False)
        panel.binding.bind("seg_threshold_limits", self._threshold_limits)
        # Saved files and CSVs reach the tab that asked through the Data feature's download link
        # (its per-tab ``data_io_download``, which web/ui/slicer-upload.js follows).
        self.downloads = DownloadFolder()  # removed at the process's end (temp_folders.py) or by close()
        panel.host.server.enable_module({"serve": self.downloads.serve})
        self._download_count = 0

    # -- threshold ---------------------------------------------------------------------
    def _threshold_limits(self) -> list[float] | None:
        # Read at every binding refresh (each slider move): the volume's range is a pass over all its
        # voxels (15 ms on the head CT), so it is kept per source volume.
        volume_id = self.segments.state()["source_volume_id"]
        if volume_id is None:
            return None
        if self._limits_of[0] != volume_id:
            try:
                low, high = self.segments.threshold_range()
            except ValueError:
                return None
            self._limits_of = (volume_id, [math.floor(low), math.ceil(high)])
        return list(self._limits_of[1])

    def _threshold_range(self) -> list[float] | None:
        return list(self.threshold_preview.range) if self.threshold_preview.range else None

    def _set_threshold_range(self, value: tuple[float, float]) -> None:
        if self.panel.effect == "threshold":
            self.threshold_preview.show(*value, self._active_colour())

    def _active_colour(self) -> tuple[float, float, float]:
        state = self.segments.state()
        row = next((r for r in state["segments"] if r["id"] == state["active_segment_id"]), None)
        return hex_to_rgb(row["colour"]) if row else (0.3, 0.9, 0.3)

    def on_effect(self, name) -> None:
        """The chosen effect changed: show or take away the threshold preview."""
        if name == "threshold":
            limits = self._threshold_limits()
            low, high = self.threshold_preview.range or ((limits[0] + limits[1]) / 2, limits[1]) if limits else (0, 1)
            self.threshold_preview.show(low, high, self._active_colour())
        else:
            self.threshold_preview.hide()

    # -- triggers ------------------------------------------------------------------------------
    def triggers(self) -> dict:
        s = self.segments
        return {
            "seg_threshold_auto": lambda method=None, mode="above", *_: self._auto_threshold(method, mode),
            "seg_threshold_apply": lambda *_: s.apply_threshold(*self._current_range()),
            "seg_threshold_as_mask": lambda *_: s.use_threshold_as_intensity_mask(*self._current_range()),
            "seg_margin": lambda mm=None, *_: self._watch(s.start_margin(
                a_number(-margin.MAX_MARGIN_MM, margin.MAX_MARGIN_MM)(mm))),
            "seg_hollow": lambda mm=None, mode=None, *_: s.apply_hollow(
                a_number(0, hollow.MAX_SHELL_MM)(mm), one_of(hollow.SHELL_MODES)(mode)),
            "seg_smooth": lambda method=None, mm=None, factor=0.5, *_: self._smooth(
                one_of(smoothing.METHODS)(method), a_number(0, smoothing.MAX_KERNEL_MM)(mm), a_number(0, 1)(factor)),
            "seg_seed_locality": lambda value=None, *_: self._seed_locality(value),
            "seg_islands": lambda operation=None, minimum=1000, *_: self._islands(operation, minimum),
            "seg_logical": lambda operation=None, other=None, *_: s.apply_logical(
                one_of(logical.OPERATIONS)(operation),
                one_of(self.panel.segment_ids)(other) if operation in logical.NEEDS_OTHER else None),
            "seg_mask_volume": lambda mode=None, fill=0, inside=1, *_: s.mask_volume(
                one_of(mask_volume.MODES)(mode), a_number(-MAX_FILL_VALUE, MAX_FILL_VALUE)(fill),
                a_number(-MAX_FILL_VALUE, MAX_FILL_VALUE)(inside)),
            "seg_auto_start": lambda option=None, *_: self._auto_start(option),
            "seg_auto_update": lambda *_: self._watch(s.start_auto_complete_update(), self._show_auto),
            "seg_long_cancel": lambda *_: self._cancel_long_edit(),
            "seg_auto_apply": lambda *_: self._auto_end(apply=True),
            "seg_auto_cancel": lambda *_: self._auto_end(apply=False),
            "seg_save": lambda kind=None, *_: self._save(one_of(list(SAVE_KINDS) + list(MODEL_FORMATS))(kind)),
            "seg_statistics_csv": lambda *_: self._statistics_csv(),
        }

    def _current_range(self) -> tuple[float, float]:
        if self.threshold_preview.range is None:
            raise BindingError("choose the Threshold effect and a range first")
        return self.threshold_preview.range

    def _auto_threshold(self, method, mode) -> None:
        low, high = self.segments.auto_threshold(one_of(list(threshold.AUTO_METHODS))(method),
                                                 one_of(threshold.AUTO_MODES)(mode))
        self.threshold_preview.show(low, high, self._active_colour())

    def _islands(self, operation, minimum) -> None:
        operation = one_of(islands.OPERATIONS)(operation)
        minimum = a_whole_number(0, MAX_ISLAND_VOXELS)(minimum)
        if operation in ("keep_selected", "remove_selected"):
            # The island is picked by a click in a slice view, as in Slicer.
            self.panel.effects.pick_point(lambda ras: self.segments.apply_islands(operation, minimum, point_ras=ras))
            self.panel.say("Click the island in a slice view.")
            return
        self.segments.apply_islands(operation, minimum)

    # -- grow from seeds / fill between slices -------------------------------------------------
    def _auto_start(self, option) -> None:
        effect = self.panel.effect
        if effect not in AUTO_COMPLETE:
            raise BindingError("choose Grow from seeds or Fill between slices first")
        if effect == "grow_from_seeds":
            task = self.segments.start_auto_complete(effect, seed_locality=a_number(0, MAX_SEED_LOCALITY)(option))
        else:
            task = self.segments.start_auto_complete(effect, axis=one_of(list(AXES))(option))

        def started(preview: dict) -> None:
            if self.panel.effect != effect:  # another effect was chosen meanwhile (and cancelled it)
                self.segments.auto_complete_cancel()
                return
            self._auto_effect = effect
            self._show_auto(preview)

        self._watch(task, started)

    def _seed_locality(self, value) -> None:
        """The slider moved: while grow from seeds runs its preview follows (Slicer's auto-update)."""
        task = self.segments.start_seed_locality(a_number(0, MAX_SEED_LOCALITY)(value))
        if task is not None:
            self._watch(task, lambda preview: self._show_auto(preview) if self._auto_effect == "grow_from_seeds"
                        else None)

    # -- long edits: computed in a worker while the views stay live (decision 0025, addendum) ------
    def _smooth(self, method: str, kernel_mm: float, factor: float) -> None:
        if method == "joint":
            self._watch(self.segments.start_joint_smoothing(factor))
        else:
            self.segments.apply_smoothing(method, kernel_mm, factor)

    def _watch(self, task, on_result=None) -> None:
        """The trigger returns at once (the tabs see ``seg_busy``); when the task ends its result is
        shown (``on_result``, on the loop) or its refusal / drop becomes the panel's message."""
        def ended(done) -> None:
            message = ""
            try:
                result = done.result()
                if on_result is not None:
                    on_result(result)
            except asyncio.CancelledError:
                message = "the computation was stopped"
            except (ValueError, TypeError, OSError) as refusal:  # refused or dropped: a user can read it
                message = str(refusal) or "refused"
            except Exception:  # a failure must not leave the panel busy
                log.exception("long segment edit failed")
                message = "the computation failed (see the server's log)"
            self.panel.long_edit_ended(message)

        task.add_done_callback(ended)

    def _cancel_long_edit(self) -> None:
        """The busy line's Cancel: the running computation's result is dropped when it comes (an
        auto-complete keeps its previous preview, a first run ends the effect)."""
        if not self.segments.cancel_long_edit():
            raise BindingError("nothing is computing")

    def _show_auto(self, preview: dict) -> None:
        state = self.segments.state()
        colours = {r["id"]: hex_to_rgb(r["colour"]) for r in state["segments"]}
        segment_colours = [colours.get(i, (1.0, 1.0, 0.0)) for i in preview["segment_ids"]]
        self.label_preview.show(self.segments.editor, preview["labels"], segment_colours)
        self.panel.state.seg_auto_complete = self._auto_effect

    def _auto_end(self, apply: bool) -> None:
        if apply and self.segments.busy():
            raise BindingError(f"{self.segments.busy()} is computing: wait for it before applying")
        self.label_preview.hide()
        self._auto_effect = None
        self._limits_of: tuple = (None, None)  # (source volume id, [low, high])
        self.panel.state.seg_auto_complete = None
        if apply:
            self.segments.auto_complete_apply()
        else:
            self.segments.auto_complete_cancel()

    def leave_auto_complete(self) -> None:
        """Another effect was chosen: an auto-complete in progress is cancelled, as in Slicer."""
        if self._auto_effect is not None:
            self._auto_end(apply=False)
        elif self.segments.auto_complete_computing():  # a first run: nothing shown yet, its result dropped
            self.segments.auto_complete_cancel()

    # -- files ------------------------------------------------------------------------------------
    def _offer(self, path: Path, name: str) -> None:
        self._download_count += 1
        self.panel.tabs.update(data_io_download={"url": self.downloads.url_of(path), "name": name,
                                                 "nonce": f"seg-{self._download_count}"})

    def _save(self, kind: str) -> None:
        folder = self.downloads.new_folder()
        name = self.segments.state()["segmentation_name"] or "segmentation"
        if kind in SAVE_KINDS:
            path = Path(self.segments.save_segmentation(SAVE_KINDS[kind], folder))
            self._offer(path, download_name(name, SAVE_KINDS[kind]))
            return
        paths = [Path(p) for p in self.segments.export_models(folder, kind)]
        if not paths:
            raise BindingError("no segment to export")
        if len(paths) == 1:
            self._offer(paths[0], paths[0].name)
            return
        archive = folder / download_name(name, f"-{kind}.zip")
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as bundle:
            for path in paths:
                bundle.write(path, path.name)
        self._offer(archive, archive.name)

    def _statistics_csv(self) -> None:
        name = self.segments.state()["segmentation_name"] or "segmentation"
        path = self.downloads.new_folder() / download_name(name, "-statistics.csv")
        path.write_text(self.segments.statistics_csv(), encoding="utf-8")
        self._offer(path, path.name)
