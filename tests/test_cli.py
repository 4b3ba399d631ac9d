"""The command line: documented options, and clear refusals before any server starts."""

from __future__ import annotations

from conftest import run_cli


def test_help_documents_our_options_and_trames():
    result = run_cli("--help")
    assert result.returncode == 0
    for option in ("--data", "--host", "--port", "--server", "--authKey", "--app"):
        assert option in result.stdout


def test_a_missing_file_is_refused_with_a_clear_message(tmp_path):
    missing = tmp_path / "nowhere.nrrd"
    result = run_cli("--data", str(missing), "--port", "0")
    assert result.returncode == 2
    assert "no such file" in result.stderr and str(missing) in result.stderr
    assert "App running" not in result.stdout


def test_a_file_that_is_not_an_image_is_refused(tmp_path):
    text = tmp_path / "notes.txt"
    text.write_text("not an image")
    result = run_cli("--data", str(text), "--port", "0")
    assert result.returncode == 2
    assert "not a volume file" in result.stderr


def test_a_corrupt_volume_is_refused(tmp_path):
    corrupt = tmp_path / "broken.nrrd"
    corrupt.write_bytes(b"NRRD0004\ntype: short\ndimension: 3\nsizes: 512 512 512\nencoding: raw\n\n\x00\x01")
    result = run_cli("--data", str(corrupt), "--port", "0")
    assert result.returncode == 2
    assert "could not be read" in result.stderr


def test_a_model_and_a_segmentation_open_from_the_command_line(tmp_path, a_ct_path):
    from conftest import RunningApp
    from made_data import ct_label_map, skull_polydata, write_model

    model = write_model(skull_polydata(a_ct_path), tmp_path / "skull.stl")
    labels = tmp_path / "head_label.nrrd"
    ct_label_map(a_ct_path, labels)
    app = RunningApp("--data", str(model), str(labels), "--log-level", "DEBUG")  # names: not at INFO
    try:
        log = app.log_path.read_text()
    finally:
        app.stop()
    assert "loaded model skull" in log
    assert "loaded segmentation head_label" in log


def test_a_mesh_that_is_not_one_is_refused(tmp_path):
    broken = tmp_path / "broken.stl"
    broken.write_bytes(b"solid x\nfacet normal 0 0 1\n outer loop\n vertex 1 nan\n")
    result = run_cli("--data", str(broken), "--port", "0")
    assert result.returncode == 2
    assert "broken.stl" in result.stderr and "could not be read as a surface model" in result.stderr
    assert "App running" not in result.stdout
