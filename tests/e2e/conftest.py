"""Fixtures of the browser tests: the app on the real head CT, and a page showing it."""

from __future__ import annotations

import pytest
from conftest import RunningApp

from e2e.views import wait_for_views

PAGE_VIEWPORT = {"width": 1400, "height": 900}


@pytest.fixture(scope="module")
def the_app_on_the_ct(a_ct_path):
    """One app per test module: its tests share a scene, as a user's tabs do."""
    app = RunningApp("--data", str(a_ct_path))
    yield app
    app.stop()


@pytest.fixture
def a_page(a_browser, the_app_on_the_ct):
    """A fresh page on the module's app, its four views painted."""
    page = a_browser.new_page(viewport=PAGE_VIEWPORT)
    page.goto(the_app_on_the_ct.url)
    wait_for_views(page)
    yield page
    page.close()
