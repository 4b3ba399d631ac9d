"""The DICOM files behind each volume read from DICOM, for writing a SEG that references them.

Apart from ``dicom_seg`` (which needs pydicom, tens of MB of dictionaries) so that asking whether a
segmentation can be saved as a DICOM SEG, which the data panel does for every segmentation, does not
load pydicom into a server that has read no DICOM.
"""

from __future__ import annotations

from pathlib import Path

DICOM_SEG_SUFFIX = ".dcm"  # what a segmentation is saved as to be written as a DICOM SEG
DICOM_SOURCE_ATTRIBUTE = "DICOM.SeriesInstanceUID"
REFERENCED_SERIES_ATTRIBUTE = "DICOM.ReferencedSeriesInstanceUID"

# Kept in the server's memory under a random token that the volume carries as an attribute, and bound
# to that node object (undo puts the same object back): a scene file cannot name files for the server
# to read, and a token copied into a saved scene is worth nothing when the scene is reopened.
SOURCE_TOKEN_ATTRIBUTE = "trame_slicer.dicomSource"
MAX_REMEMBERED_SOURCES = 256
_dicom_sources: dict[str, dict] = {}


def remember_dicom_source(node, files: list[Path], series_uid: str = "") -> None:
    """Record the DICOM files (one frame each, in slice order: the volume's K axis) a volume was read from."""
    import secrets

    token = secrets.token_hex(16)
    _dicom_sources[token] = {"files": [Path(f) for f in files], "series_uid": series_uid,
                             "node": node.GetAddressAsString("vtkMRMLNode")}
    while len(_dicom_sources) > MAX_REMEMBERED_SOURCES:
        _dicom_sources.pop(next(iter(_dicom_sources)))
    node.SetAttribute(SOURCE_TOKEN_ATTRIBUTE, token)
    if series_uid:
        node.SetAttribute(DICOM_SOURCE_ATTRIBUTE, series_uid)


def source_of_volume(volume) -> dict | None:
    token = volume.GetAttribute(SOURCE_TOKEN_ATTRIBUTE) if volume is not None else None
    source = _dicom_sources.get(token) if token else None
    # The token must be on the very node it was given to: a scene file carrying a copied token (a saved
    # .mrb reopened) makes a new node, which gets no DICOM source.
    if source is None or source["node"] != volume.GetAddressAsString("vtkMRMLNode"):
        return None
    if not all(f.is_file() for f in source["files"]):
        return None
    image = volume.GetImageData()
    if image is None or image.GetDimensions()[2] != len(source["files"]):
        return None
    return source


def _same_grid(volume, geometry: str) -> bool:
    """Whether a segmentation's reference geometry (serialized) is the volume's grid."""
    from slicer import vtkOrientedImageData, vtkSegmentationConverter
    from vtkmodules.vtkCommonMath import vtkMatrix4x4

    reference = vtkOrientedImageData()
    if not geometry or not vtkSegmentationConverter.DeserializeImageGeometry(geometry, reference, False):
        return False
    image = volume.GetImageData()
    if image is None or tuple(image.GetExtent()) != tuple(reference.GetExtent()):
        return False
    mine, theirs = vtkMatrix4x4(), vtkMatrix4x4()
    volume.GetIJKToRASMatrix(mine)
    reference.GetImageToWorldMatrix(theirs)
    return all(abs(mine.GetElement(r, c) - theirs.GetElement(r, c)) < 1e-3 for r in range(4) for c in range(4))


def dicom_source_of(segmentation_node):
    """The DICOM volume a segmentation was made on (None when there is none in the scene): the series
    a DICOM SEG references, or a volume read from DICOM whose grid is the segmentation's."""
    from slicer import vtkSegmentationConverter

    scene = segmentation_node.GetScene()
    if scene is None:
        return None
    referenced = segmentation_node.GetAttribute(REFERENCED_SERIES_ATTRIBUTE) or ""
    geometry = segmentation_node.GetSegmentation().GetConversionParameter(
        vtkSegmentationConverter.GetReferenceImageGeometryParameterName())
    for index in range(scene.GetNumberOfNodesByClass("vtkMRMLScalarVolumeNode")):
        volume = scene.GetNthNodeByClass(index, "vtkMRMLScalarVolumeNode")
        source = source_of_volume(volume)
        if source is None:
            continue
        if (referenced and source["series_uid"] == referenced) or _same_grid(volume, geometry):
            return volume
    return None
