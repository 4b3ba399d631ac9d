"""Fixtures of the in-process web tests: the app on a real scene, no browser."""

from __future__ import annotations

import itertools

import pytest

_servers = itertools.count()


def _new_server():
    from trame.app import get_server

    return get_server(f"web-test-{next(_servers)}", client_type="vue3")  # trame keeps servers by name


@pytest.fixture
def a_server():
    """A trame server of its own, as ``__main__`` makes one."""
    return _new_server()


@pytest.fixture(scope="module")
def an_app_on_the_ct(a_session_on_the_ct):
    """The app on the head CT, its state ready as when a browser connects (state changes run their
    handlers); one per test module, as a user's tabs share one scene."""
    from trame_slicer_app.app import SlicerWebApp

    app = SlicerWebApp(_new_server(), a_session_on_the_ct)
    app.state.ready()
    yield app
    app.close()  # its upload and download folders
