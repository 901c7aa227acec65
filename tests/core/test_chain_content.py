"""The canonical content an event's seal covers (gatehouse.core.chain): pinned byte for byte, so
that a faster serialisation (issue 18 §5) cannot change a seal already written."""

from __future__ import annotations

import enum
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from gatehouse.core import chain


class Outcome(enum.StrEnum):
    ALLOW = "allow"


class Level(enum.IntEnum):
    HIGH = 3


def values(**changed):
    base = dict.fromkeys(chain.FIELDS)
    base.update(changed)
    return base


def test_every_kind_of_value_serialises_as_the_format_says():
    shanghai = timezone(timedelta(hours=8))
    body = chain.content(
        values(
            site_id=7,
            lane_id=None,
            at=datetime(2026, 12, 7, 9, 30, 0, 120, tzinfo=shanghai),
            recorded_at=datetime(2026, 12, 7, 1, 30, 1, tzinfo=UTC),
            outcome=Outcome.ALLOW,
            direction="in",
            subject="张*",
            plate="沪A·12345",
            pending="",
            obligations=[{"kind": Level.HIGH, "fee": Decimal("12.50"), "b": True, "a": 1.5}],
            note='x"y',
        )
    )
    # Every field in FIELDS' order; times in UTC with microseconds; an enumeration by its
    # value; keys of objects sorted; a decimal as its string; not ASCII-escaped.
    assert body.decode("utf-8") == (
        '[7,null,"2026-12-07T01:30:00.000120Z","2026-12-07T01:30:01.000000Z",null,null,null,'
        '"in",null,null,null,null,null,null,"张*","沪A·12345",null,"allow","",null,null,null,'
        '[{"a":1.5,"b":true,"fee":"12.50","kind":3}],"x\\"y"]'
    )


def test_a_str_or_int_enumeration_is_written_as_its_value_not_its_name():
    as_member = chain.content(values(outcome=Outcome.ALLOW, site_id=Level.HIGH))
    as_value = chain.content(values(outcome="allow", site_id=3))
    assert as_member == as_value


def test_a_time_without_a_zone_is_refused():
    with pytest.raises(ValueError, match="zone"):
        chain.content(values(at=datetime(2026, 12, 7, 9, 30)))
