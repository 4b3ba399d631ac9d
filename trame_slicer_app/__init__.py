"""Slicer in the browser: Slicer's engine on the server, views streamed as images."""

__version__ = "0.1.0"
