"""The process's temporary folders: made with its pid in their names, removed by the process that made them,
and, when it was killed before it could, by the next process to start (docs/decisions/0026)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from trame_slicer_app import temp_folders


@pytest.fixture
def a_temp_root(tmp_path, monkeypatch):
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    return tmp_path


def a_dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_a_folder_carries_the_pid_and_goes_when_removed(a_temp_root):
    folder = temp_folders.make("slicer-upload-")
    assert folder.parent == a_temp_root and folder.name.startswith(f"slicer-upload-{os.getpid()}-")
    (folder / "scan.nrrd").write_bytes(b"NRRD0004")
    assert folder in temp_folders.kept()
    temp_folders.remove(folder)
    assert not folder.exists() and folder not in temp_folders.kept()


def test_an_unknown_prefix_is_refused(a_temp_root):
    with pytest.raises(ValueError):
        temp_folders.make("../elsewhere-")


def test_orphans_of_a_dead_process_are_removed_and_others_kept(a_temp_root):
    dead = a_dead_pid()
    orphan = a_temp_root / f"slicer-download-{dead}-abc_123"
    (orphan / "00001-aaaa").mkdir(parents=True)
    (orphan / "00001-aaaa" / "Segmentation.seg.nrrd").write_bytes(b"x")
    living = a_temp_root / f"slicer-upload-{os.getpid()}-def456"
    living.mkdir()
    someone_elses = a_temp_root / f"other-tool-{dead}-xyz"  # not a name this package makes
    someone_elses.mkdir()
    legacy = a_temp_root / "slicer-download-k2j3h4"  # made before folders carried a pid: whose, unknown
    legacy.mkdir()
    a_file = a_temp_root / f"slicer-upload-{dead}-file"  # a file, not a folder of ours
    a_file.write_bytes(b"x")

    removed = temp_folders.remove_orphans()

    assert removed == [orphan]
    assert not orphan.exists()
    assert living.is_dir() and someone_elses.is_dir() and legacy.is_dir() and a_file.is_file()
