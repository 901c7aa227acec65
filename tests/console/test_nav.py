"""The navigation bar (issue 16 §2): every feature in exactly one group; a long list shows the
role's day's work first and the rest in grouped menus; a short one stays flat."""

from __future__ import annotations

from gatehouse.accounts.models import Role
from gatehouse.console.nav import (
    FEATURES,
    FLAT_UP_TO,
    GROUP_OF,
    GROUPS,
    ROLE_FIRST,
    ROLE_NAV,
    bar_for,
    features_for,
)


def _slugs(bar):
    return [f.slug for f in bar.first] + [f.slug for m in bar.menus for f in m.features]


def test_every_feature_is_in_exactly_one_group():
    listed = [slug for g in GROUPS for slug in g.features]
    assert sorted(listed) == sorted(set(listed)), "a feature in two groups"
    assert set(listed) == set(FEATURES), set(FEATURES) ^ set(listed)
    for role, first in ROLE_FIRST.items():
        assert set(first) <= set(ROLE_NAV[role]), role


def test_each_role_sees_each_of_its_features_once():
    for role in ROLE_NAV:
        bar = bar_for([role])
        assert sorted(_slugs(bar)) == sorted(f.slug for f in features_for([role])), role
        assert len(_slugs(bar)) == len(set(_slugs(bar)))


def test_a_short_list_stays_flat_and_a_long_one_is_grouped():
    patrol = bar_for([Role.PATROL])
    assert patrol.menus == [] and [f.slug for f in patrol.first] == [
        "rounds",
        "report",
        "violation-report",
    ]
    assert len(ROLE_NAV[Role.SECURITY_MANAGER]) > FLAT_UP_TO
    manager = bar_for([Role.SECURITY_MANAGER])
    assert [f.slug for f in manager.first] == [
        "board",
        "anomalies",
        "pending",
        "roster",
        "spot-check",
    ]
    titles = [str(m.group.title) for m in manager.menus]
    assert titles == [
        "门岗通行",
        "前台服务",
        "车辆与停车",
        "登记与报表",
        "监控与应急",
        "值勤与队伍",
        "系统",
    ]
    for menu in manager.menus:
        assert all(GROUP_OF[f.slug] is menu.group for f in menu.features)


def test_several_roles_put_their_days_work_first_once():
    bar = bar_for([Role.GUARD, Role.SECURITY_MANAGER])
    first = [f.slug for f in bar.first]
    assert first == ["pass", "vehicle-gate", "on-site", "mail", "goods-gate", "board"]
    assert len(_slugs(bar)) == len(features_for([Role.GUARD, Role.SECURITY_MANAGER]))
