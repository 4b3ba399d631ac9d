"""A running application's scene, logics and layout views, offered as the engine's functions expect
an engine (engine/scene/slicer_engine.py's attributes): the live host's engine.

Nothing is created here: the scene, the application logic and its module logics are the
application's (``GetModuleLogic`` finds the logics Slicer registered by module name), the views are
its layout manager's.
"""

from __future__ import annotations

from ..engine.views.interaction_mode import VIEW_TRANSFORM, WINDOW_LEVEL, InteractionModes
from ..view_names import THREED
from .live_views import LiveSliceView, LiveThreeDView, LiveViews

# Attribute -> Slicer module whose logic it is; the names engine/ reads.
MODULE_LOGICS = {
    "color_logic": "Colors", "volumes_logic": "Volumes", "volume_rendering_logic": "VolumeRendering",
    "segmentations_logic": "Segmentations", "markups_logic": "Markups", "models_logic": "Models",
    "subject_hierarchy_logic": "SubjectHierarchy", "data_logic": "Data", "sequences_logic": "Sequences",
}


class LiveEngine:
    """The application's own scene and views; the layout decides which views exist.

    ``view_names``: serve only these views (None: every 3D and slice view the layout manager has)."""

    def __init__(self, scene, app_logic, layout_manager, view_names: tuple[str, ...] | None = None) -> None:
        self.scene = scene
        self.app_logic = app_logic
        for attribute, module in MODULE_LOGICS.items():
            setattr(self, attribute, app_logic.GetModuleLogic(module))
        self.live_views = LiveViews(layout_manager, view_names)
        # The mouse modes the panels switch (engine/views/interaction_mode.py), over the application's
        # own interaction node, starting from the mode the desktop is in.
        node = app_logic.GetInteractionNode()
        window_level = node.GetCurrentInteractionMode() == node.AdjustWindowLevel
        self.interaction_modes = InteractionModes(node, initial=WINDOW_LEVEL if window_level else VIEW_TRANSFORM)

    @property
    def views(self) -> dict:
        return self.live_views.views

    @property
    def slice_views(self) -> dict[str, LiveSliceView]:
        return {n: v for n, v in self.views.items() if isinstance(v, LiveSliceView)}

    @property
    def threed_view(self) -> LiveThreeDView:
        return self.views[THREED]

    def view(self, name: str):
        return self.views[name]

    def set_views_in_layout(self, names) -> None:
        """The desktop's layout manager marks the views it shows; a browser's choice of layout does not."""

    def reset_views(self) -> None:
        for view in self.views.values():
            view.reset_view()
