"""Placing markups by clicking in the views: Slicer's place mode, chosen through the interaction-mode owner.

A new markup node is made for each placement and made the selection node's active place node; the views'
markups widgets then add control points where the user clicks (slice views: on the slice; 3D view: on what
the view shows). Single placement ends when the markup has its points (Slicer falls back on its own; the
owner restores the resting mode), persistent placement when the user presses Escape or picks another mode.
"""

from __future__ import annotations

from ..io.segmentations import remove_with_helpers
from ..views.interaction_mode import PLACE
from .markup_types import MarkupsError, require_markups_node, require_type
from .measurements import enable_measurements

# Set on the selection node by continue_placing: the markup the user chose to add to is kept, even empty.
KEEP_WHEN_EMPTY_ATTRIBUTE = "TrameSlicerApp.KeepWhenEmpty"


def start_placing(engine, type_name: str, persistent: bool = False) -> str:
    """Make a new markup of ``type_name`` and put the views in place mode for it. Returns its node id."""
    markup_type = require_type(type_name)
    node = engine.markups_logic.AddNewMarkupsNode(markup_type.node_class, "")
    if node is None:
        raise MarkupsError(f"Slicer could not make a {markup_type.title.lower()}")
    enable_measurements(node)
    engine.app_logic.GetSelectionNode().RemoveAttribute(KEEP_WHEN_EMPTY_ATTRIBUTE)
    _place_into(engine, node, persistent)
    return node.GetID()


def continue_placing(engine, node_id: str, persistent: bool = False) -> None:
    """Add points to an existing markup that takes more (a point list, a curve)."""
    node = require_markups_node(engine, node_id)
    if node.GetLocked():
        raise MarkupsError(f"{node.GetName()} is locked")
    maximum = node.GetMaximumNumberOfControlPoints()
    if 0 <= maximum <= node.GetNumberOfDefinedControlPoints():
        raise MarkupsError(f"{node.GetName()} has all its points")
    engine.app_logic.GetSelectionNode().SetAttribute(KEEP_WHEN_EMPTY_ATTRIBUTE, node.GetID())
    _place_into(engine, node, persistent)


def _place_into(engine, node, persistent: bool) -> None:
    selection = engine.app_logic.GetSelectionNode()
    selection.SetReferenceActivePlaceNodeClassName(node.GetClassName())
    selection.SetActivePlaceNodeID(node.GetID())
    interaction = engine.app_logic.GetInteractionNode()
    interaction.SetPlaceModePersistence(1 if persistent else 0)
    engine.interaction_modes.set(PLACE)


def stop_placing(engine) -> bool:
    """Escape: end place mode; a markup left with no point at all is removed. Whether placing was on."""
    was_placing = engine.interaction_modes.end_passing_mode()
    if was_placing:
        remove_unplaced(engine)
    return was_placing


def remove_unplaced(engine) -> None:
    """The markup a placement made but that got no point (Escape at once) is not kept."""
    selection = engine.app_logic.GetSelectionNode()
    node_id = selection.GetActivePlaceNodeID()
    node = engine.scene.GetNodeByID(node_id) if node_id else None
    if node is None or not node.IsA("vtkMRMLMarkupsNode") or node.GetNumberOfControlPoints() > 0:
        return
    if selection.GetAttribute(KEEP_WHEN_EMPTY_ATTRIBUTE) != node_id:
        remove_with_helpers(engine, node)


def placing_state(engine) -> dict:
    """{"placing": the node id being placed or None, "persistent": bool}."""
    interaction = engine.app_logic.GetInteractionNode()
    placing = engine.interaction_modes.current == PLACE
    node_id = engine.app_logic.GetSelectionNode().GetActivePlaceNodeID() if placing else None
    return {"placing": node_id or None, "persistent": bool(interaction.GetPlaceModePersistence()) if placing else False}
