"""The engine's refusals: every error the engine raises on purpose derives from ``EngineError``.

It stays a ``ValueError`` so that callers that catch ``ValueError`` (scene_data, the web layer) keep
working; new callers can catch ``EngineError`` for "the engine said no, and the message says why".
Imports nothing, so that every layer may use it (docs/decisions/0017-engine-layout.md)."""

from __future__ import annotations


class EngineError(ValueError):
    """The engine refused a request or a file; the message says why, in words a user can act on."""
