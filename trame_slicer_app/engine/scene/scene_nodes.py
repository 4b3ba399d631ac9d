"""The scene's nodes of one class, as a list, without leaking the collection MRML hands over."""

from __future__ import annotations


def nodes_of_class(scene, class_name: str) -> list:
    """``scene.GetNodesByClass(class_name)`` as a list.

    MRML's ``GetNodesByClass`` returns a new collection that its caller must release. The Python
    wrapper takes a reference of its own and never drops the caller's, so every call from Python
    leaked the collection, and with it every node it held: a closed CT's node and its 216 MiB of
    voxels stayed in memory (the undo toolbar lists the scene's nodes at each poll). Slicer's own
    scripts release it the same way. Released only while a reference beyond the wrapper's is there,
    in case a build of MRML hands it over as a new instance."""
    collection = scene.GetNodesByClass(class_name)
    if collection is None:
        return []
    try:
        return [collection.GetItemAsObject(index) for index in range(collection.GetNumberOfItems())]
    finally:
        if collection.GetReferenceCount() > 1:
            collection.UnRegister(None)
