"""The notice-board part of the demo: four notices at 东湖花园 through the real service, one of
them for building 2 only, one pinned; a second run adds nothing."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from gatehouse.audit.models import AuditEntry
from gatehouse.bulletin import selectors
from gatehouse.bulletin.models import Notice
from gatehouse.demo.bulletin import load_bulletin_demo
from tests.conftest import NOW


def test_the_demo_board(site_a, desk_a):
    from gatehouse.sites.models import Building

    two = Building.objects.create(site=site_a, code="2", name="2栋")
    five = Building.objects.create(site=site_a, code="5", name="5栋")
    desk_a.username = "desk"
    desk_a.save()
    assert load_bulletin_demo(now=NOW) == {"donghu": 4}
    assert load_bulletin_demo(now=NOW) == {}
    assert Notice.objects.count() == 4
    assert AuditEntry.objects.filter(action="bulletin.create", actor=desk_a).count() == 4
    lift = Notice.objects.get(title__contains="电梯")
    assert list(lift.buildings.all()) == [two] and "11月26日" in lift.body
    in_two = [n.title for n in selectors.board(site_a, {two.pk}, NOW)]
    in_five = [n.title for n in selectors.board(site_a, {five.pk}, NOW)]
    assert in_two[0] == "冬季防火安全提示" and len(in_two) == 4
    assert "2栋电梯年度维保停运通知" not in in_five and len(in_five) == 3


def test_no_site_no_demo(db):
    assert get_user_model().objects.count() == 0
    assert load_bulletin_demo(now=NOW) == {}
