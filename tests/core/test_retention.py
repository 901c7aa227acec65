"""The retention rule of the access event log (SPEC §12 "kept only as long as its register
requires"; issue 18 §4): the days a site may set, the cutoff, and the runs a purge anchors."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from gatehouse.core import chain, retention
from gatehouse.core.errors import InvalidInput

NOW = datetime(2026, 11, 24, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.mark.parametrize(("given", "kept"), [(None, None), ("", None), (180, 180), ("365", 365)])
def test_the_days_a_site_may_keep_its_events(given, kept):
    assert retention.check_days(given) == kept


@pytest.mark.parametrize("given", [179, 3651, 0, -200, "半年", "12.5", True, 200.0])
def test_other_days_are_refused_with_a_code(given):
    with pytest.raises(InvalidInput) as caught:
        retention.check_days(given)
    assert caught.value.code == "retention.days"
    assert "180 至 3650 天" in caught.value.message


def test_the_cutoff_counts_back_from_now():
    assert retention.cutoff(NOW, None) is None
    assert retention.cutoff(NOW, 180) == datetime(2026, 5, 28, 9, 30, tzinfo=NOW.tzinfo)


def test_purged_numbers_are_cut_into_runs():
    assert retention.runs([]) == []
    assert retention.runs([1, 2, 3, 7, 9, 10]) == [(1, 3), (7, 7), (9, 10)]
    with pytest.raises(ValueError, match="out of order"):
        retention.runs([3, 2])


def test_adjacent_runs_join_and_overlapping_ones_are_an_error():
    assert retention.merged([(1, 3)], [(4, 6), (9, 9)]) == [(1, 6), (9, 9)]
    assert retention.merged([], [(2, 2)]) == [(2, 2)]
    with pytest.raises(ValueError, match="overlap"):
        retention.merged([(1, 5)], [(5, 6)])


def test_an_anchor_seal_binds_every_part_and_the_key():
    args = (7, 1, 40, "", "ab" * 32, "2026-05-28T09:30:00+08:00")
    sealed = chain.anchor_seal(b"k1", *args)
    assert sealed == chain.anchor_seal(b"k1", *args)
    assert sealed != chain.anchor_seal(b"k2", *args)
    for i in range(len(args)):
        changed = list(args)
        changed[i] = changed[i] + 1 if isinstance(changed[i], int) else changed[i] + "x"
        assert chain.anchor_seal(b"k1", *changed) != sealed
