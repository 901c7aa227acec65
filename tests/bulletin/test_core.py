"""The notice board's pure rules: the visibility window, building targeting, board order and
validation codes. Every call is handed its ``now``."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from gatehouse.core.bulletin import (
    NoticeFacts,
    Status,
    paragraphs,
    status_of,
    validate,
    visible,
)
from gatehouse.core.errors import InvalidInput

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 24, 9, 30, tzinfo=SHANGHAI)
HOUR = timedelta(hours=1)


def notice(key: int, **kw) -> NoticeFacts:
    return NoticeFacts(key=key, **({"publish_from": NOW - HOUR} | kw))


def test_the_window_opens_at_publish_from_and_closes_at_until():
    n = notice(1, publish_from=NOW, until=NOW + HOUR)
    assert status_of(n, NOW - timedelta(seconds=1)) is Status.SCHEDULED
    assert status_of(n, NOW) is Status.CURRENT
    assert status_of(n, NOW + HOUR - timedelta(seconds=1)) is Status.CURRENT
    assert status_of(n, NOW + HOUR) is Status.EXPIRED
    assert status_of(notice(2, until=None), NOW + timedelta(days=3650)) is Status.CURRENT


def test_withdrawn_beats_the_dates():
    n = notice(1, withdrawn_at=NOW - HOUR, until=NOW + HOUR)
    assert status_of(n, NOW) is Status.WITHDRAWN
    assert visible([n], NOW, {1}) == []


def test_only_current_notices_are_visible():
    shown = visible(
        [
            notice(1),
            notice(2, publish_from=NOW + HOUR),
            notice(3, until=NOW),
            notice(4, withdrawn_at=NOW),
        ],
        NOW,
        set(),
    )
    assert [n.key for n in shown] == [1]


def test_a_notice_for_some_buildings_reaches_only_their_residents():
    whole = notice(1)
    two = notice(2, buildings=frozenset({20}))
    two_and_three = notice(3, buildings=frozenset({20, 30}))
    board = [whole, two, two_and_three]
    assert {n.key for n in visible(board, NOW, {20})} == {1, 2, 3}
    assert {n.key for n in visible(board, NOW, {30})} == {1, 3}
    assert {n.key for n in visible(board, NOW, {40})} == {1}
    # a resident with houses in two buildings sees both buildings' notices
    assert {n.key for n in visible(board, NOW, {30, 20})} == {1, 2, 3}
    # a resident without a house sees only the site-wide ones
    assert {n.key for n in visible(board, NOW, set())} == {1}


def test_pinned_first_then_newest():
    old_pinned = notice(1, publish_from=NOW - 10 * HOUR, pinned=True)
    newer = notice(2, publish_from=NOW - 2 * HOUR)
    newest = notice(3, publish_from=NOW - HOUR)
    same_time_later_record = notice(4, publish_from=NOW - HOUR)
    shown = visible([newer, old_pinned, newest, same_time_later_record], NOW, set())
    assert [n.key for n in shown] == [1, 4, 3, 2]


def _valid(**kw):
    args = {
        "title": "电梯停运通知",
        "body": "正文",
        "publish_from": NOW,
        "until": NOW + HOUR,
        "category": "property",
    } | kw
    return validate(**args)


def test_a_good_notice_passes_with_its_title_trimmed():
    assert _valid(title="  电梯停运通知 ") == "电梯停运通知"
    assert _valid(title="标" * 60, body="字" * 5000, until=None) == "标" * 60


@pytest.mark.parametrize(
    ("kw", "code", "field"),
    [
        ({"title": "   "}, "bulletin.title_empty", "title"),
        ({"title": "标" * 61}, "bulletin.title_too_long", "title"),
        ({"body": "字" * 5001}, "bulletin.body_too_long", "body"),
        ({"until": NOW}, "bulletin.until_before_from", "until"),
        ({"until": NOW - HOUR}, "bulletin.until_before_from", "until"),
        ({"publish_from": None}, "bulletin.from_missing", "publish_from"),
        ({"category": "gossip"}, "bulletin.category", "category"),
    ],
)
def test_validation_says_what_is_wrong(kw, code, field):
    with pytest.raises(InvalidInput) as caught:
        _valid(**kw)
    assert caught.value.code == code
    assert caught.value.details["field"] == field
    assert any("\u4e00" <= c <= "\u9fff" for c in caught.value.message)  # Chinese for people


def test_paragraphs_split_on_blank_lines():
    assert paragraphs("一、甲\r\n\r\n二、乙\n第二行\n\n\n  \n三、丙 ") == [
        "一、甲",
        "二、乙\n第二行",
        "三、丙",
    ]
