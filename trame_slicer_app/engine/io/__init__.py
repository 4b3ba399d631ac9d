"""Reading and writing data: what a file or folder offers and loading it (``loadables``), volumes,
models, segmentations, sequences, FreeSurfer, scene files (.mrml/.mrb), archives, saving
(``data_saving``), the voxels the sandboxed reader hands over (``voxel_handover``) and the sample data
(``sample_data``, ``head_phantom``). DICOM is in ``dicom/``, the defences against untrusted files in
``untrusted/``.

Nothing is imported here: the sandboxed reader (``untrusted.file_probe``) starts with ``python -m`` and
caps its resources before Slicer's libraries are imported."""

__all__ = [
    "archives",
    "bundle_file_names",
    "data_saving",
    "dicom",
    "freesurfer",
    "head_phantom",
    "legacy_vtk_volumes",
    "loadables",
    "models",
    "sample_data",
    "scene_files",
    "segmentations",
    "sequences",
    "untrusted",
    "volumes",
    "voxel_handover",
]
