"""Slicer's engine (MRML scene, logics, views) over slicer-core; no trame here."""
