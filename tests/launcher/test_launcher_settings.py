"""The launcher's command line and its rule off loopback (no process started)."""

from __future__ import annotations

import pytest

from trame_slicer_app.launcher.server import secure_by_default
from trame_slicer_app.launcher.settings import parse_settings


def test_options_after_a_double_dash_go_to_every_app_process():
    settings = parse_settings(["--pool-size", "2", "--max-sessions", "3", "--ports", "9000-9009",
                               "--", "--data-dir", "/srv/images"])
    assert (settings.pool_size, settings.max_sessions, settings.port_range) == (2, 3, (9000, 9009))
    assert settings.app_args == ("--data-dir", "/srv/images")


def test_a_pool_bigger_than_the_cap_is_refused():
    with pytest.raises(SystemExit):
        parse_settings(["--pool-size", "3", "--max-sessions", "2"])


def test_off_loopback_without_a_token_or_public_a_token_is_made_and_printed(capsys):
    settings = parse_settings(["--host", "0.0.0.0"])
    secure_by_default(settings)
    assert settings.access_token and len(settings.access_token) >= 32
    assert f"?token={settings.access_token}" in capsys.readouterr().out
    public = parse_settings(["--host", "0.0.0.0", "--public"])
    secure_by_default(public)
    assert public.access_token is None
    local = parse_settings([])
    secure_by_default(local)
    assert local.access_token is None


def test_a_slicer_command_starts_each_session_as_a_headless_slicercat(tmp_path):
    """``--slicer-command``: each session is a SlicerCAT without a main window whose Python serves its views
    (hosts/slicer_start.py's serve_session); the secret stays in its file, off the command line."""
    from trame_slicer_app.launcher.app_process import AppProcess

    settings = parse_settings(["--slicer-command", "xvfb-run -a '/opt/My CAT/MyCAT'", "--", "--disable-modules"])
    assert settings.slicer_command == ("xvfb-run", "-a", "/opt/My CAT/MyCAT")
    app = AppProcess("s1", 9123, "the-secret", tmp_path / "s1", settings.app_args,
                     slicer_command=settings.slicer_command)
    command = app.command(tmp_path / "s1" / "secret")
    assert command[:5] == ["xvfb-run", "-a", "/opt/My CAT/MyCAT", "--no-main-window", "--no-splash"]
    assert "--disable-modules" in command
    assert command[-2] == "--python-code"
    assert "serve_session(9123, " in command[-1] and str(tmp_path / "s1" / "secret") in command[-1]
    assert not any("the-secret" in part for part in command)
    # Without it, the package's own app, as before.
    plain = AppProcess("s2", 9124, "x", tmp_path / "s2", ()).command(tmp_path / "s2" / "secret")
    assert plain[1:3] == ["-m", "trame_slicer_app"]
