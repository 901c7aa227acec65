"""The 24-hour hotline's callers and the education bureau (seed T3 row 16, beside S-12): a
ticket says who called (教师/学生/家长/居民/员工/其他, by default the one the site's kind hears
most) and records its report to the education bureau (教育局) — who, when, the reference — and
the bureau's reply; the list shows both and filters by them."""

from __future__ import annotations

import pytest
import time_machine
from django.urls import reverse

from gatehouse.core.errors import DomainError
from gatehouse.guard.duties.selectors import ticket_rows
from gatehouse.guard.duties.services import ticket_bureau_reply, ticket_escalate, ticket_open
from gatehouse.guard.models import Ticket
from tests.conftest import _user

from .conftest import at


@pytest.fixture
def school(db):
    from gatehouse.sites.models import Site

    return Site.objects.create(code="school", name="东湖中学", kind="campus")


@pytest.fixture
def school_desk(school):
    return _user("school_desk", site=school, role="front_desk", staff=True)


def _open(site, actor, **kw):
    args = {
        "site": site,
        "actor": actor,
        "kind": "complaint",
        "caller": "陈女士",
        "phone": "",
        "subject": "校门口接送车辆拥堵",
        "now": at(9),
    }
    return ticket_open(**{**args, **kw})


def test_the_caller_type_defaults_by_the_site_kind_and_is_checked(school, school_desk, site_a):
    assert _open(school, school_desk).caller_type == "parent"
    assert _open(site_a, school_desk).caller_type == "resident"
    assert _open(school, school_desk, caller_type="teacher").caller_type == "teacher"
    with pytest.raises(DomainError) as exc:
        _open(school, school_desk, caller_type="mayor")
    assert exc.value.code == "ticket.caller_type"
    assert Ticket.objects.count() == 3


def test_a_ticket_is_reported_to_the_bureau_once_and_its_reply_kept(school, school_desk):
    from gatehouse.audit.models import AuditEntry

    t = _open(school, school_desk)
    with pytest.raises(DomainError) as exc:
        ticket_bureau_reply(ticket=t, actor=school_desk, reply="已知悉", now=at(10))
    assert exc.value.code == "ticket.not_escalated"
    with pytest.raises(DomainError) as exc:
        ticket_escalate(
            ticket=t, actor=school_desk, who="周主任", reference="", now=at(10), at=at(8)
        )
    assert exc.value.code == "ticket.escalation_early"
    with pytest.raises(DomainError) as exc:
        ticket_escalate(ticket=t, actor=school_desk, who="", reference="", now=at(10))
    assert exc.value.code == "ticket.escalated_by"
    t.refresh_from_db()
    assert t.escalated_at is None
    ticket_escalate(
        ticket=t, actor=school_desk, who="周主任", reference="东教安〔2026〕12号", now=at(10)
    )
    t.refresh_from_db()
    assert (t.escalated_at, t.escalated_by, t.escalation_ref) == (
        at(10),
        "周主任",
        "东教安〔2026〕12号",
    )
    with pytest.raises(DomainError) as exc:
        ticket_escalate(ticket=t, actor=school_desk, who="周主任", reference="", now=at(11))
    assert exc.value.code == "ticket.escalated"
    ticket_bureau_reply(ticket=t, actor=school_desk, reply="请交警部门协助疏导", now=at(9, day=1))
    t.refresh_from_db()
    assert t.bureau_reply == "请交警部门协助疏导" and t.bureau_replied_at == at(9, day=1)
    assert {"guard.ticket.escalate", "guard.ticket.bureau_reply"} <= set(
        AuditEntry.objects.values_list("action", flat=True)
    )


def test_the_list_shows_and_filters_by_caller_type_and_escalation(client, school, school_desk):
    parent = _open(school, school_desk, caller="陈女士")
    _open(school, school_desk, caller="李老师", caller_type="teacher", subject="夜间噪音")
    ticket_escalate(ticket=parent, actor=school_desk, who="周主任", reference="", now=at(10))
    rows = ticket_rows(school, at(11), caller_type="teacher")
    assert [r["t"].caller for r in rows] == ["李老师"]
    assert [r["t"].caller for r in ticket_rows(school, at(11), escalated="yes")] == ["陈女士"]
    assert [r["t"].caller for r in ticket_rows(school, at(11), escalated="no")] == ["李老师"]

    client.force_login(school_desk)
    with time_machine.travel(at(11), tick=False):
        page = client.get(reverse("guard:hotline"), {"caller_type": "parent"})
        body = page.content.decode()
        assert "陈女士" in body and "李老师" not in body and "周主任" in body
        assert 'value="parent" selected' in client.get(reverse("guard:hotline")).content.decode()
        form = {
            "kind": "call",
            "caller_type": "student",
            "caller": "王同学",
            "phone": "",
            "subject": "宿舍热水",
        }
        assert client.post(reverse("guard:hotline"), form).status_code == 302
        made = Ticket.objects.get(caller="王同学")
        assert made.caller_type == "student"
        url = reverse("guard:ticket_escalate", args=[made.pk])
        refused = client.post(url, {"who": "", "reference": ""})
        assert refused.status_code == 422
        done = client.post(url, {"who": "值班领导", "reference": "B-7"})
        assert done.status_code == 302
        reply = client.post(
            reverse("guard:ticket_bureau_reply", args=[made.pk]), {"reply": "已转办"}
        )
        assert reply.status_code == 302
    made.refresh_from_db()
    assert made.escalated_by == "值班领导" and made.bureau_reply == "已转办"
    assert made.escalated_at == at(11)
