"""Uploads written chunk by chunk to generated names; hostile calls refused and harmless."""

from __future__ import annotations

import pytest

from trame_slicer_app.engine.io.untrusted.io_limits import MIB, IOLimits
from trame_slicer_app.web.upload_store import (
    MAX_UPLOAD_CHUNK_BYTES,
    UploadError,
    UploadStore,
    safe_suffix,
)


@pytest.fixture
def a_store(tmp_path):
    store = UploadStore(tmp_path / "uploads", limits=IOLimits(max_file_bytes=3 * MIB),
                        max_files=4, max_total_bytes=5 * MIB)
    yield store
    store.close()


def upload(store, name, data, chunk=MIB):
    upload_id = store.begin(name, len(data))
    for offset in range(0, len(data), chunk):
        store.write_chunk(upload_id, offset, data[offset:offset + chunk])
    return store.finish(upload_id)


def test_a_file_arrives_whole_under_a_generated_name(a_store):
    data = bytes(range(256)) * 9000  # 2.2 MiB: three chunks
    done = upload(a_store, "../../etc/Head CT.NII.GZ", data)
    assert done.path.parent == a_store.folder
    assert done.path.read_bytes() == data
    assert done.display_name == "Head CT.NII.GZ"
    assert done.path.name.endswith(".nii.gz") and "Head" not in done.path.name
    assert a_store.uploaded([done.upload_id]) == [done]


@pytest.mark.parametrize("name, suffix", [
    ("a.nrrd", ".nrrd"), ("b.seg.nrrd", ".seg.nrrd"), ("IM0001", ""), (".bashrc", ""),
    ("x.tar.gz", ".gz"), ("evil.n$rd", ""), ("x.verylongsuffix", ""),
    ("F.MRK.JSON", ".mrk.json"),  # uploaded markups were stored as ".json" and refused as no file we read
])
def test_suffixes_are_sanitised(name, suffix):
    assert safe_suffix(name) == suffix


@pytest.mark.parametrize("name, size", [
    ("", 10), (None, 10), ("..", 10), ("a/", 10), ("a.nrrd", -1), ("a.nrrd", 3 * MIB + 1),
    ("a.nrrd", "10"), ("a.nrrd", 1.5), ("a.nrrd", True), (b"a", 10),
])
def test_bad_declarations_are_refused(a_store, name, size):
    with pytest.raises(UploadError):
        a_store.begin(name, size)
    assert list(a_store.folder.iterdir()) == []


def test_hostile_chunks_are_refused_and_change_nothing(a_store):
    upload_id = a_store.begin("a.nrrd", 100)
    a_store.write_chunk(upload_id, 0, b"a" * 40)
    path = next(a_store.folder.iterdir())
    hostile = [
        (upload_id, -40, b"b"),  # negative offset
        (upload_id, 0, b"b"),  # rewriting what arrived
        (upload_id, 50, b"b"),  # a gap
        (upload_id, 40, b"b" * 61),  # beyond the declared size
        (upload_id, 40, b""),  # empty
        (upload_id, 40, "text"),  # not bytes
        (upload_id, 40, [1, 2]),
        (upload_id, "40", b"b"),
        (upload_id, 40, b"b" * (MAX_UPLOAD_CHUNK_BYTES + 1)),  # huge
        ("not-an-id", 40, b"b"),
        (None, 40, b"b"),
        ({"id": upload_id}, 40, b"b"),
    ]
    for args in hostile:
        with pytest.raises(UploadError):
            a_store.write_chunk(*args)
    assert path.read_bytes() == b"a" * 40
    with pytest.raises(UploadError, match="received 40 of 100"):
        a_store.finish(upload_id)
    a_store.write_chunk(upload_id, 40, b"c" * 60)
    assert a_store.finish(upload_id).path.read_bytes() == b"a" * 40 + b"c" * 60
    with pytest.raises(UploadError):
        a_store.write_chunk(upload_id, 100, b"d")  # finished: closed for writing


def test_session_totals_are_limited_and_closing_the_scene_makes_room(a_store):
    upload(a_store, "one.nrrd", b"1" * (3 * MIB))
    with pytest.raises(UploadError, match="would pass"):
        a_store.begin("two.nrrd", 3 * MIB)  # 6 MiB > 5 MiB per session
    for n in range(3):
        upload(a_store, f"small{n}.dcm", b"s")
    with pytest.raises(UploadError, match="already holds 4"):
        a_store.begin("five.dcm", 1)
    a_store.release_all()
    assert list(a_store.folder.iterdir()) == []
    upload(a_store, "two.nrrd", b"2" * (3 * MIB))


def test_a_cancelled_upload_leaves_no_file(a_store):
    upload_id = a_store.begin("a.nrrd", 10)
    a_store.write_chunk(upload_id, 0, b"12345")
    a_store.cancel(upload_id)
    assert list(a_store.folder.iterdir()) == []
    with pytest.raises(UploadError):
        a_store.uploaded([upload_id])
    with pytest.raises(UploadError):
        a_store.uploaded("not a list")


def test_a_closed_tabs_unfinished_uploads_are_cancelled_and_free_their_room(tmp_path):
    store = UploadStore(tmp_path / "uploads", max_total_bytes=100)
    mine = store.begin("a.nrrd", 60, owner="tab-1")
    store.write_chunk(mine, 0, b"x" * 10)
    other = store.begin("b.nrrd", 20, owner="tab-2")
    assert store.cancel_owned_by("tab-1") == 1
    assert [p.name for p in store.folder.iterdir()] == [store._open[other].path.name]
    assert store.kept_bytes == 20
    store.begin("c.nrrd", 80, owner="tab-2")  # the room the closed tab held is free again
    assert store.cancel_owned_by(None) == 0  # uploads begun outside any tab are never matched
    store.close()
