"""Which nodes are the user's data, and of what kind: the one definition the Data panel, the file
readers and writers, undo and "Close scene" share (docs/decisions/0018)."""

from __future__ import annotations

# The kinds a user sees, by MRML class; most specific class first: a label map is also a scalar volume.
DATA_KINDS = (
    ("vtkMRMLLabelMapVolumeNode", "labelmap"),
    ("vtkMRMLVolumeNode", "volume"),
    ("vtkMRMLSegmentationNode", "segmentation"),
    ("vtkMRMLModelNode", "model"),
    ("vtkMRMLMarkupsNode", "markups"),
)
VOLUME_KINDS = ("volume", "labelmap")
# Data that is listed nowhere yet is the user's (a scene may bring it), so "Close scene" removes it too.
UNLISTED_DATA_CLASSES = ("vtkMRMLTransformNode", "vtkMRMLTableNode")


def node_kind(node) -> str | None:
    """The data kind a user sees, or None for nodes that are not listed data (views, colours, ...)."""
    for class_name, kind in DATA_KINDS:
        if node.IsA(class_name):
            return kind
    return None


def is_user_data(node) -> bool:
    """Whether a node holds the user's data (what Slicer's "Close scene" removes): a listed kind or an
    unlisted data class, and not one of Slicer's helpers (hidden from editors, or a singleton)."""
    if node.GetHideFromEditors() or node.GetSingletonTag():
        return False
    return node_kind(node) is not None or any(node.IsA(cls) for cls in UNLISTED_DATA_CLASSES)
