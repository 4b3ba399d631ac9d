"""Files from elsewhere: the limits on what is read (``io_limits``), checks of headers and of the
files they name (``file_references``), and reading in a sandboxed child (``sandboxed_reading`` runs
``python -m trame_slicer_app.engine.io.untrusted.file_probe``).

Nothing is imported here: the child caps its resources before Slicer's libraries are imported."""

__all__ = [
    "file_probe",
    "file_references",
    "io_limits",
    "sandboxed_reading",
]
