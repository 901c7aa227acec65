"""Passes (issue 3 item 6): issuing, numbering, revoking, the QR, the gate side and the pages."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from gatehouse.access.models import AccessEvent
from gatehouse.audit.models import AuditEntry
from gatehouse.core.access import Duty, Entrant, Outcome
from gatehouse.core.errors import DomainError, InvalidInput
from gatehouse.gate.decide import gate_decide
from gatehouse.gate.facts import GateInput
from gatehouse.visitors import passes, tokens
from gatehouse.visitors.models import Pass, Visit, VisitStatus
from tests.conftest import ID_LI, NOW

pytestmark = pytest.mark.django_db


def _issue(site, actor, kind="decoration", **kw):
    args = {
        "holder_name": "王师傅",
        "valid_from": NOW - timedelta(hours=1),
        "valid_until": NOW + timedelta(days=20),
        "now": NOW,
    }
    if kind == "decoration":
        args["house_number"] = "3-2-1201"
        args["company"] = "好家装饰"
    if kind == "intro_letter":
        args["host_text"] = "物业办公室 刘经理"
    args.update(kw)
    return passes.pass_issue(site=site, actor=actor, kind=kind, **args)


# -- issuing --------------------------------------------------------------------------------------


def test_issue_numbers_per_kind_and_year(site_a, site_b, house_a, desk_a, manager_b):
    first = _issue(site_a, desk_a, id_number=ID_LI)
    second = _issue(site_a, desk_a)
    letter = _issue(site_a, desk_a, kind="intro_letter")
    temp = _issue(site_a, desk_a, kind="temporary")
    other_site = _issue(site_b, manager_b, kind="temporary")
    assert [first.number, second.number] == ["ZX-2026-0001", "ZX-2026-0002"]
    assert letter.number == "JS-2026-0001"
    assert temp.number == "LS-2026-0001"
    assert other_site.number == "LS-2026-0001"  # numbers are per site
    assert first.token and first.token != second.token
    assert first.house == house_a and first.issued_by == desk_a and first.issued_at == NOW
    # the ID number is sealed, shown masked, never stored in clear
    assert first.id_number_masked == "110105********1232"
    assert ID_LI not in first.id_number_cipher and first.id_number_hash
    entry = AuditEntry.objects.get(action="pass.issue", object_id=str(first.pk))
    assert entry.actor == desk_a and "id_number_cipher" not in entry.after


def test_numbering_continues_after_a_gap_and_new_year(site_a, house_a, desk_a):
    _issue(site_a, desk_a)
    Pass.objects.filter(site=site_a).update(number="ZX-2026-0007")
    assert _issue(site_a, desk_a).number == "ZX-2026-0008"
    next_year = NOW.replace(year=2027)
    p = _issue(
        site_a,
        desk_a,
        now=next_year,
        valid_from=next_year,
        valid_until=next_year + timedelta(days=3),
    )
    assert p.number == "ZX-2027-0001"


def test_number_race_retries_once(site_a, house_a, desk_a, monkeypatch):
    _issue(site_a, desk_a)
    real = passes._next_number
    calls = []

    def stale(site, kind, year):  # the first try sees the state before another desk's insert
        calls.append(1)
        return "ZX-2026-0001" if len(calls) == 1 else real(site, kind, year)

    monkeypatch.setattr(passes, "_next_number", stale)
    p = _issue(site_a, desk_a)
    assert p.number == "ZX-2026-0002" and len(calls) == 2


@pytest.mark.parametrize(
    ("kind", "kw", "code"),
    [
        ("decoration", {"house_number": ""}, "pass.house_required"),
        ("decoration", {"house_number": "9-9-9999"}, "house.unknown"),
        ("intro_letter", {"host_text": "  "}, "pass.host_required"),
        ("temporary", {"valid_until": NOW - timedelta(hours=2)}, "pass.window"),
        ("temporary", {"valid_until": NOW + timedelta(days=31)}, "pass.window_too_long"),
        ("intro_letter", {"valid_until": NOW + timedelta(days=31)}, "pass.window_too_long"),
        ("decoration", {"valid_until": NOW + timedelta(days=181)}, "pass.window_too_long"),
        ("temporary", {"holder_name": " "}, "person.name_empty"),
        ("temporary", {"id_number": "110105199001011233"}, "id_number.checksum"),
        ("wrong", {}, "pass.kind"),
    ],
)
def test_issue_rejects_bad_input(site_a, house_a, desk_a, kind, kw, code):
    with pytest.raises(InvalidInput) as err:
        _issue(site_a, desk_a, kind=kind, **kw)
    assert err.value.code == code
    assert not Pass.objects.exists()


def test_decoration_may_last_180_days(site_a, house_a, desk_a):
    p = _issue(site_a, desk_a, valid_until=NOW - timedelta(hours=1) + timedelta(days=180))
    assert p.pk


def test_revoke_and_qr(site_a, house_a, desk_a):
    p = _issue(site_a, desk_a)
    claim = tokens.read_qr(passes.pass_qr(p), now=NOW)
    assert (claim.kind, claim.token) == ("pas", p.token)
    assert claim.expires == p.valid_until
    with pytest.raises(InvalidInput):
        tokens.read_qr(passes.pass_qr(p), now=p.valid_until)
    with pytest.raises(InvalidInput) as err:
        passes.pass_revoke(pass_=p, actor=desk_a, reason=" ", now=NOW)
    assert err.value.code == "pass.revoke_reason"
    passes.pass_revoke(pass_=p, actor=desk_a, reason="装修完工", now=NOW)
    p.refresh_from_db()
    assert p.revoked_at == NOW and p.revoke_reason == "装修完工"
    assert passes.pass_status(p, NOW) == "revoked"
    assert AuditEntry.objects.filter(action="pass.revoke", object_id=str(p.pk)).count() == 1
    with pytest.raises(DomainError) as err:
        passes.pass_revoke(pass_=p, actor=desk_a, reason="再次", now=NOW)
    assert err.value.code == "pass.already_revoked"


def test_search_by_status_kind_and_text(site_a, house_a, desk_a):
    active = _issue(site_a, desk_a)
    revoked = _issue(site_a, desk_a, kind="temporary", holder_name="赵六")
    passes.pass_revoke(pass_=revoked, actor=desk_a, reason="遗失", now=NOW)
    expired = _issue(
        site_a,
        desk_a,
        kind="temporary",
        valid_from=NOW - timedelta(days=3),
        valid_until=NOW + timedelta(hours=1),
    )
    later = NOW + timedelta(hours=2)
    assert list(passes.search_passes(site_a, now=later, status="active")) == [active]
    assert list(passes.search_passes(site_a, now=later, status="expired")) == [expired]
    assert list(passes.search_passes(site_a, now=later, status="revoked")) == [revoked]
    assert set(passes.search_passes(site_a, now=later, kind="temporary")) == {revoked, expired}
    assert list(passes.search_passes(site_a, now=later, q="赵")) == [revoked]
    assert list(passes.search_passes(site_a, now=later, q="zx-2026")) == [active]


# -- the gate side ----------------------------------------------------------------------------------


def test_decoration_pass_admits_worker_and_registers_visit(site_a, house_a, desk_a, walk_in_a):
    # rule P-09
    p = _issue(site_a, desk_a, id_number=ID_LI)
    result = gate_decide(
        GateInput(lane=walk_in_a, entrant=Entrant.DECORATION_WORKER, pass_=p), now=NOW
    )
    assert result.decision.allowed and result.decision.reason == "worker.pass"
    assert result.decision.has(Duty.INSPECT_ON_EXIT)
    visit = Visit.objects.get(pass_ref=p)
    assert visit.kind == "decoration_worker" and visit.status == VisitStatus.INSIDE
    assert visit.house == house_a and visit.time_in == NOW
    assert visit.id_number_masked == "110105********1232"
    assert result.event.visit == visit and result.event.outcome == "allow"


@pytest.mark.parametrize("how", ["revoked", "expired", "not_yet"])
def test_invalid_decoration_pass_refused(site_a, house_a, desk_a, walk_in_a, how):
    # rule P-09
    p = _issue(site_a, desk_a)
    when = NOW
    if how == "revoked":
        passes.pass_revoke(pass_=p, actor=desk_a, reason="装修完工", now=NOW)
    elif how == "expired":
        when = p.valid_until + timedelta(minutes=1)
    else:
        when = p.valid_from - timedelta(minutes=1)
    result = gate_decide(
        GateInput(lane=walk_in_a, entrant=Entrant.DECORATION_WORKER, pass_=p), now=when
    )
    assert result.decision.outcome is Outcome.REFUSE
    assert result.decision.reason == "worker.pass_invalid"
    visit = Visit.objects.get(pass_ref=p)
    assert visit.status == VisitStatus.REFUSED
    assert AccessEvent.objects.get(visit=visit).outcome == "refuse"


def test_intro_letter_admits_tour_and_notifies_department(site_a, desk_a, walk_in_a):
    # rule P-06
    p = _issue(site_a, desk_a, kind="intro_letter", company="市规划院", purpose="参观调研")
    result = gate_decide(GateInput(lane=walk_in_a, entrant=Entrant.TOUR, pass_=p), now=NOW)
    assert result.decision.allowed and result.decision.reason == "tour.letter"
    assert result.decision.has(Duty.NOTIFY_DEPARTMENT)
    visit = Visit.objects.get(pass_ref=p)
    assert visit.kind == "tour" and visit.status == VisitStatus.INSIDE
    assert visit.host_text == "物业办公室 刘经理" and visit.company == "市规划院"


def test_revoked_intro_letter_refused(site_a, desk_a, walk_in_a):
    # rule P-06
    p = _issue(site_a, desk_a, kind="intro_letter")
    passes.pass_revoke(pass_=p, actor=desk_a, reason="来访取消", now=NOW)
    result = gate_decide(GateInput(lane=walk_in_a, entrant=Entrant.TOUR, pass_=p), now=NOW)
    assert result.decision.reason == "tour.letter_invalid"
    assert Visit.objects.get(pass_ref=p).status == VisitStatus.REFUSED


def test_temporary_pass(site_a, desk_a, walk_in_a):
    # rule P-11 (temporary pass)
    p = _issue(site_a, desk_a, kind="temporary")
    result = gate_decide(
        GateInput(lane=walk_in_a, entrant=Entrant.TEMPORARY_PASS, pass_=p), now=NOW
    )
    assert result.decision.allowed and result.decision.reason == "pass.temporary"
    assert Visit.objects.get(pass_ref=p).status == VisitStatus.INSIDE


def test_decoration_pass_not_accepted_as_temporary(site_a, house_a, desk_a, walk_in_a):
    p = _issue(site_a, desk_a)
    result = gate_decide(
        GateInput(lane=walk_in_a, entrant=Entrant.TEMPORARY_PASS, pass_=p), now=NOW
    )
    assert result.decision.reason == "pass.invalid"


# -- the pages --------------------------------------------------------------------------------------


def _client(client, user):
    client.force_login(user)
    return client


def test_pages_for_desk(client, site_a, house_a, desk_a):
    c = _client(client, desk_a)
    response = c.post(
        reverse("passes:issue"),
        {
            "kind": "decoration",
            "holder_name": "王师傅",
            "id_number": ID_LI,
            "company": "好家装饰",
            "house_number": "3-2-1201",
            "valid_from": "2026-11-24T09:00",
            "valid_until": "2027-02-24T18:00",
        },
    )
    p = Pass.objects.get()
    assert response.status_code == 302 and response.url == reverse("passes:detail", args=[p.pk])
    assert p.number.startswith("ZX-") and p.house == house_a
    listing = c.get(reverse("passes:list"), {"status": "active", "q": p.number})
    assert listing.status_code == 200 and p.number in listing.content.decode()
    partial = c.get(reverse("passes:list"), {"status": "revoked"}, HTTP_HX_REQUEST="true")
    assert p.number not in partial.content.decode() and "<html" not in partial.content.decode()
    detail = c.get(reverse("passes:detail", args=[p.pk]))
    assert "110105********1232" in detail.content.decode()
    printed = c.get(reverse("passes:print", args=[p.pk])).content.decode()
    assert "<svg" in printed and p.number in printed and "东湖花园" in printed
    # The second QR carries the terminal code, for a terminal's reader (issue 14 §2).
    assert 'data-testid="terminal-qr"' in printed and "门禁终端扫码" in printed
    assert printed.count("<svg") == 2
    assert "110105********1232" in printed and ID_LI not in printed and "已撤销" not in printed
    bad = c.post(reverse("passes:revoke", args=[p.pk]), {"reason": "x"})
    assert bad.status_code == 422 and "至少2个字" in bad.content.decode()
    ok = c.post(reverse("passes:revoke", args=[p.pk]), {"reason": "装修完工"})
    assert ok.status_code == 302
    printed = c.get(reverse("passes:print", args=[p.pk])).content.decode()
    assert "pass-stamp" in printed and "已撤销" in printed


def test_issue_form_shows_service_error(client, site_a, house_a, desk_a):
    c = _client(client, desk_a)
    response = c.post(
        reverse("passes:issue"),
        {
            "kind": "temporary",
            "holder_name": "赵六",
            "valid_from": "2026-11-24T09:00",
            "valid_until": "2027-02-24T18:00",
        },
    )
    assert response.status_code == 422 and "不能超过30天" in response.content.decode()
    assert not Pass.objects.exists()


def test_guard_forbidden_and_other_site_hidden(client, site_a, house_a, desk_a, guard_a, manager_b):
    p = _issue(site_a, desk_a)
    assert _client(client, guard_a).get(reverse("passes:list")).status_code == 403
    client.logout()
    c = _client(client, manager_b)
    assert c.get(reverse("passes:detail", args=[p.pk])).status_code == 404
    assert c.get(reverse("passes:print", args=[p.pk])).status_code == 404
    assert c.post(reverse("passes:revoke", args=[p.pk]), {"reason": "越权"}).status_code == 404
    p.refresh_from_db()
    assert p.revoked_at is None
