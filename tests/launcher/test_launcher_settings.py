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
