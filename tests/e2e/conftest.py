"""The real browser for the end-to-end tests: Debian's chromium, headless, driven by Playwright
from PyPI (never ``playwright install``, which downloads a browser)."""

from __future__ import annotations

from pathlib import Path

import pytest

# 东湖中学's people (a class, its teacher, a student and the parent), for the pick-up walk-through.
from tests.campus.conftest import people, school, school_guard, school_lanes, school_manager  # noqa: F401

# The epidemic personas (grids of 东湖花园 and their officer), for the returnee walk-through.
from tests.epidemic.conftest import grids_a, officer_a  # noqa: F401

CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture
def browser(monkeypatch):
    if not CHROMIUM.exists():
        pytest.skip(
            "Debian's chromium is not installed at /usr/bin/chromium (apt-get install chromium)"
        )
    # Playwright's sync API runs an event loop in this thread; Django refuses ORM calls from a
    # thread with a running loop unless told that this is intended.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    # CI runs the suite once more with the clock moved ahead (libfaketime preloaded, .ci/run).
    # The server under test runs in this process and keeps that clock; the browser and its
    # driver are programs of their own, with their own clock as on a booth PC (chromium loads no
    # page with libfaketime preloaded into it). Only LD_PRELOAD goes: libfaketime, already
    # loaded here, re-reads FAKETIME every few seconds and would fall back to the real clock.
    monkeypatch.delenv("LD_PRELOAD", raising=False)
    from django.db import connections
    from playwright.sync_api import sync_playwright

    # While Playwright's loop runs in this thread, asgiref's Local (which holds Django's
    # connections) follows the async context: the test would get a second connection of its own,
    # apart from the one the database fixtures set up (the test's transaction, the file copy of
    # ``file_database``), and that second connection would outlive the test. The test keeps its
    # thread's connections instead.
    own = {alias: connections[alias] for alias in connections}
    with sync_playwright() as p:
        for alias, wrapper in own.items():
            connections[alias] = wrapper
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM),
            args=[
                "--no-sandbox",
                "--disable-background-networking",
                "--disable-gpu",
                "--disable-dev-shm-usage",
            ],
            headless=True,
        )
        try:
            yield browser
        finally:
            browser.close()
            for alias in own:
                del connections[alias]
