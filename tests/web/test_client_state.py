"""Per-tab interface state and per-tab pointers, on a real trame server that is not serving (the
tabs themselves, and which tab calls a trigger, are tests/e2e/test_tabs.py's)."""

from __future__ import annotations

import itertools

import pytest
from trame.app import get_server

from trame_slicer_app.web.client_pointers import ClientPointers
from trame_slicer_app.web.client_state import ClientState

_servers = itertools.count()


@pytest.fixture
def tabs():
    return ClientState(get_server(f"client-state-test-{next(_servers)}", client_type="vue3"))


def test_declared_keys_are_client_only_with_their_default_in_the_server_state(tabs):
    tabs.declare(some_dialog=False, some_choice=None)
    state = tabs.server.state
    assert state.some_dialog is False and state.some_choice is None
    assert {"some_dialog", "some_choice"} <= set(state.trame__client_only)


def test_values_are_kept_per_tab_and_undeclared_keys_refused(tabs):
    tabs.declare(some_dialog=False)
    tabs.update(some_dialog=True, client="tab 1")
    assert tabs.get("some_dialog", "tab 1") is True
    assert tabs.get("some_dialog", "tab 2") is False
    assert tabs.server.state.some_dialog is False  # never the server-wide value
    with pytest.raises(KeyError):
        tabs.update(not_declared=1, client="tab 1")


def test_a_closed_tab_is_forgotten(tabs):
    tabs.declare(some_dialog=False)
    gone = []
    tabs.close_listeners.append(gone.append)
    tabs.update(some_dialog=True, client="tab 1")
    tabs._closed("tab 1")
    assert gone == ["tab 1"] and tabs.get("some_dialog", "tab 1") is False


def test_each_tab_has_its_own_pointer_and_leaving_another_view_keeps_it():
    pointers = ClientPointers()
    pointers.on_input("tab 1", "Red", [{"type": "move", "x": 10, "y": 20}])
    pointers.on_input("tab 2", "Yellow", [{"type": "enter", "x": 1, "y": 2}])
    pointers.on_input("tab 1", "Yellow", [{"type": "enter", "x": 3, "y": 4}])
    pointers.on_input("tab 1", "Red", [{"type": "leave", "x": 0, "y": 0}])  # arrived after the enter
    assert pointers.positions() == {"tab 1": ("Yellow", 3, 4), "tab 2": ("Yellow", 1, 2)}
    pointers.on_input("tab 2", "Yellow", [{"type": "move", "x": "nope"}])  # refused whole
    pointers.forget("tab 2")
    assert pointers.positions() == {"tab 1": ("Yellow", 3, 4)}
