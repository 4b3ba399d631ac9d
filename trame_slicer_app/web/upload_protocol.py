"""The wslink side of uploads: the browser sends each file as 1 MiB binary chunks.

Each RPC returns either its result or ``{"error": message}``; a refused call
changes nothing (see ``upload_store.py`` for the checks).
"""

from __future__ import annotations

import logging

from wslink import register as export_rpc
from wslink.websocket import LinkProtocol

from .upload_store import UploadError, UploadStore

log = logging.getLogger(__name__)


class UploadProtocol(LinkProtocol):
    """Routes ``slicer.upload.*`` RPCs to an UploadStore."""

    def __init__(self, store: UploadStore) -> None:
        super().__init__()
        self._store = store

    @staticmethod
    def _refused(what: str, error: UploadError) -> dict:
        log.warning("refused upload %s: %s", what, error)
        return {"error": str(error)}

    def _calling_tab(self):
        # wslink notes the connection whose message it serves just before calling the RPC (as
        # web/client_state.py reads it; pinned wslink 2.6.0).
        handler = getattr(self.publish, "__self__", None)
        return getattr(getattr(handler, "web_app", None), "last_active_client_id", None)

    def onClose(self, client_id) -> None:
        """A tab went away (reload, closed, connection lost): its unfinished uploads go with it."""
        if self._store.cancel_owned_by(client_id):
            log.info("a closed tab's unfinished uploads were cancelled")

    @export_rpc("slicer.upload.begin")
    def begin(self, name=None, size_bytes=None):
        try:
            return {"upload_id": self._store.begin(name, size_bytes, owner=self._calling_tab())}
        except UploadError as error:
            return self._refused("begin", error)

    @export_rpc("slicer.upload.chunk")
    def chunk(self, upload_id=None, offset=None, data=None):
        try:
            return {"received_bytes": self._store.write_chunk(upload_id, offset, data)}
        except UploadError as error:
            return self._refused("chunk", error)

    @export_rpc("slicer.upload.finish")
    def finish(self, upload_id=None):
        try:
            return self._store.finish(upload_id).as_dict()
        except UploadError as error:
            return self._refused("finish", error)

    @export_rpc("slicer.upload.cancel")
    def cancel(self, upload_id=None):
        try:
            self._store.cancel(upload_id)
            return {}
        except UploadError as error:
            return self._refused("cancel", error)
