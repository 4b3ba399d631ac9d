"""The upload RPCs answer hostile arguments with a message, never an exception, and write nothing."""

from __future__ import annotations

import pytest

from trame_slicer_app.web.upload_protocol import UploadProtocol
from trame_slicer_app.web.upload_store import UploadStore


@pytest.fixture
def a_protocol(tmp_path):
    store = UploadStore(tmp_path / "uploads")
    yield UploadProtocol(store), store
    store.close()


def test_an_upload_through_the_rpcs(a_protocol):
    protocol, store = a_protocol
    upload_id = protocol.begin("head.nrrd", 6)["upload_id"]
    assert protocol.chunk(upload_id, 0, b"abc") == {"received_bytes": 3}
    assert protocol.chunk(upload_id, 3, b"def") == {"received_bytes": 6}
    assert protocol.finish(upload_id) == {"upload_id": upload_id, "name": "head.nrrd", "size_bytes": 6}
    assert store.uploaded([upload_id])[0].path.read_bytes() == b"abcdef"


@pytest.mark.parametrize("method, args", [
    ("begin", ()), ("begin", ("a.nrrd", -5)), ("begin", ({"x": 1}, 5)), ("begin", ("a.nrrd", 10**15)),
    ("chunk", ()), ("chunk", ("nope", 0, b"x")), ("chunk", (None, None, None)),
    ("finish", ()), ("finish", ("nope",)), ("cancel", ([],)),
])
def test_hostile_calls_get_a_message(a_protocol, method, args):
    protocol, store = a_protocol
    reply = getattr(protocol, method)(*args)
    assert isinstance(reply["error"], str) and reply["error"]
    assert list(store.folder.iterdir()) == []
