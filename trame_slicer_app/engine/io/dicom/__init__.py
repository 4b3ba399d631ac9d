"""DICOM: series found and read into volumes (``dicom_series``, with ``dicom_pixels``,
``dicom_frames`` and ``dicom_geometry``), DICOM SEG read and written (``dicom_seg``)."""

__all__ = [
    "dicom_frames",
    "dicom_geometry",
    "dicom_pixels",
    "dicom_seg",
    "dicom_series",
]
