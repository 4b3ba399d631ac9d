"""``--data-dir``: documented, and a path that is not a folder stops before the server starts."""

from __future__ import annotations

from conftest import run_cli


def test_data_dir_is_documented():
    assert "--data-dir" in run_cli("--help").stdout


def test_a_data_dir_that_is_not_a_folder_is_refused(tmp_path):
    a_file = tmp_path / "file.txt"
    a_file.write_text("x")
    for bad in (a_file, tmp_path / "missing"):
        result = run_cli("--data-dir", str(bad), "--port", "0")
        assert result.returncode == 2
        assert "--data-dir" in result.stderr and "not a folder" in result.stderr
