"""Site modes (M-01) and the policy numbers, through the service and the page."""

from __future__ import annotations

from datetime import time, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from gatehouse.access import modes
from gatehouse.access.models import ModeChange
from gatehouse.audit.models import AuditEntry
from gatehouse.core.errors import DomainError, InvalidInput
from gatehouse.gate.decide import gate_decide
from gatehouse.gate.facts import GateInput
from gatehouse.sites.models import Lane, Site
from tests.conftest import NOW

pytestmark = pytest.mark.django_db


def _policy(**kw):
    args = {
        "fever_threshold": Decimal("37.0"),
        "request_timeout_minutes": 15,
        "visitor_closing_time": time(21, 30),
        "anti_passback": True,
        "visit_minutes": 60,
    }
    args.update(kw)
    return args


def test_switch_records_who_why_and_audit(site_a, manager_a):
    # rule M-01
    change = modes.mode_switch(
        site=site_a, actor=manager_a, to_mode="tightened", reason="重大活动安保", now=NOW
    )
    site_a.refresh_from_db()
    assert site_a.mode == "tightened"
    row = ModeChange.objects.get(site=site_a)
    assert row == change
    assert (row.from_mode, row.to_mode, row.reason, row.by, row.at) == (
        "normal",
        "tightened",
        "重大活动安保",
        manager_a,
        NOW,
    )
    entry = AuditEntry.objects.get(action="site.mode_switch")
    assert entry.actor == manager_a and entry.site == site_a and entry.at == NOW
    assert entry.before == {"mode": "normal"} and entry.after["mode"] == "tightened"
    assert entry.after["reason"] == "重大活动安保"


def test_switch_takes_effect_at_the_gate(site_a, manager_a, lanes_a, card_a):
    # rule M-01
    modes.mode_switch(site=site_a, actor=manager_a, to_mode="tightened", reason="加强管控", now=NOW)
    west = Lane.objects.select_related("gate__site").get(pk=lanes_a["west/walk-in"].pk)
    result = gate_decide(GateInput(lane=west, credential=card_a), now=NOW)
    assert result.decision.reason == "mode.entrance_closed"
    assert result.event.outcome == "refuse" and result.event.rule == "M-01"
    east = Lane.objects.select_related("gate__site").get(pk=lanes_a["east/walk-in"].pk)
    assert gate_decide(GateInput(lane=east, credential=card_a), now=NOW).decision.allowed


@pytest.mark.parametrize("who", ["guard_a", "desk_a", "manager_b"])
def test_only_the_sites_manager_may_switch(request, site_a, who):
    # rule M-01
    actor = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        modes.mode_switch(site=site_a, actor=actor, to_mode="epidemic", reason="试试", now=NOW)
    site_a.refresh_from_db()
    assert site_a.mode == "normal"
    assert not ModeChange.objects.exists()
    assert not AuditEntry.objects.filter(action="site.mode_switch").exists()


def test_superuser_may_switch(site_a, superuser):
    # rule M-01
    modes.mode_switch(site=site_a, actor=superuser, to_mode="epidemic", reason="疫情", now=NOW)
    assert Site.objects.get(pk=site_a.pk).mode == "epidemic"
    assert ModeChange.objects.get().by == superuser


@pytest.mark.parametrize(
    ("to_mode", "reason", "code"),
    [
        ("normal", "没变化", "mode.unchanged"),
        ("tightened", " 一 ", "mode.reason_required"),
        ("lockdown", "未知模式", "mode.unknown"),
    ],
)
def test_switch_rejects(site_a, manager_a, to_mode, reason, code):
    # rule M-01
    with pytest.raises(DomainError) as err:
        modes.mode_switch(site=site_a, actor=manager_a, to_mode=to_mode, reason=reason, now=NOW)
    assert err.value.code == code
    assert not ModeChange.objects.exists()


def test_policy_update_validated_and_audited(site_a, manager_a, guard_a):
    modes.site_policy_update(site=site_a, actor=manager_a, now=NOW, **_policy())
    site_a.refresh_from_db()
    assert site_a.fever_threshold == Decimal("37.0") and site_a.request_timeout_minutes == 15
    assert site_a.visitor_closing_time == time(21, 30) and site_a.anti_passback
    assert site_a.visit_minutes == 60
    entry = AuditEntry.objects.get(action="site.policy_update")
    assert entry.before["fever_threshold"] == "37.3" and entry.after["fever_threshold"] == "37.0"
    for bad, code in (
        ({"fever_threshold": Decimal("35.9")}, "policy.fever_threshold"),
        ({"fever_threshold": Decimal("39.1")}, "policy.fever_threshold"),
        ({"request_timeout_minutes": 0}, "policy.request_timeout"),
        ({"visit_minutes": 0}, "policy.visit_minutes"),
    ):
        with pytest.raises(InvalidInput) as err:
            modes.site_policy_update(site=site_a, actor=manager_a, now=NOW, **_policy(**bad))
        assert err.value.code == code
    with pytest.raises(PermissionDenied):
        modes.site_policy_update(site=site_a, actor=guard_a, now=NOW, **_policy())
    assert AuditEntry.objects.filter(action="site.policy_update").count() == 1


# -- the page ---------------------------------------------------------------------------------------


def test_page_for_manager(client, site_a, manager_a, lanes_a):
    # rule M-01
    client.force_login(manager_a)
    page = client.get(reverse("modes:index")).content.decode()
    assert "常态" in page and "东门" in page and 'action="/mode/switch/"' in page
    response = client.post(reverse("modes:switch"), {"to_mode": "epidemic", "reason": "疫情防控"})
    assert response.status_code == 302
    assert Site.objects.get(pk=site_a.pk).mode == "epidemic"
    page = client.get(reverse("modes:index")).content.decode()
    assert "疫情封闭" in page and "疫情防控" in page and "manager_a" in page
    again = client.post(reverse("modes:switch"), {"to_mode": "epidemic", "reason": "再次"})
    assert again.status_code == 422 and "无需切换" in again.content.decode()
    assert ModeChange.objects.count() == 1
    bad = client.post(
        reverse("modes:policy"),
        {
            "fever_threshold": "40.0",
            "request_timeout_minutes": "10",
            "visitor_closing_time": "22:00",
            "visit_minutes": "",
        },
    )
    assert bad.status_code == 422 and "36.0 至 39.0" in bad.content.decode()
    ok = client.post(
        reverse("modes:policy"),
        {
            "fever_threshold": "37.0",
            "request_timeout_minutes": "10",
            "visitor_closing_time": "22:00",
            "visit_minutes": "",
        },
    )
    assert ok.status_code == 302
    site = Site.objects.get(pk=site_a.pk)
    assert site.fever_threshold == Decimal("37.0") and site.visit_minutes is None
    assert not site.anti_passback


def test_guard_views_but_cannot_switch(client, site_a, guard_a, lanes_a):
    # rule M-01
    client.force_login(guard_a)
    page = client.get(reverse("modes:index"))
    assert page.status_code == 200 and 'action="/mode/switch/"' not in page.content.decode()
    assert "东门" in page.content.decode()
    response = client.post(reverse("modes:switch"), {"to_mode": "epidemic", "reason": "越权"})
    assert response.status_code == 403
    policy = client.post(reverse("modes:policy"), {"fever_threshold": "36.0"})
    assert policy.status_code == 403
    assert Site.objects.get(pk=site_a.pk).mode == "normal"
    assert not ModeChange.objects.exists()


def test_history_is_per_site(client, site_a, site_b, manager_a, manager_b):
    # rule M-01
    modes.mode_switch(site=site_b, actor=manager_b, to_mode="tightened", reason="西岭检查", now=NOW)
    modes.mode_switch(
        site=site_a,
        actor=manager_a,
        to_mode="tightened",
        reason="东湖活动",
        now=NOW + timedelta(minutes=1),
    )
    client.force_login(manager_a)
    page = client.get(reverse("modes:index")).content.decode()
    assert "东湖活动" in page and "西岭检查" not in page
