"""The suite's calendar (tests/conftest.py::_suite_clock): what makes it pass on any date."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from tests.conftest import NOW


def test_every_test_starts_at_the_suites_now_and_the_clock_ticks():
    first = timezone.now()
    assert NOW <= first < NOW + timedelta(minutes=5)
    assert timezone.localdate() == NOW.date()


def test_a_test_travels_elsewhere_and_comes_back():
    later = NOW + timedelta(days=30)
    with time_machine.travel(later, tick=False):
        assert timezone.now() == later
    assert timezone.now() < later


@pytest.mark.real_clock
def test_a_real_clock_test_sees_the_machines_clock():
    # The machine's clock is past the suite's calendar (which was fixed in 2026-11).
    assert timezone.now() > NOW + timedelta(minutes=5)
