"""The browser-facing layer: trame widgets and protocols. No VTK or MRML here."""
