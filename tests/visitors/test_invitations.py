"""Invitations (VI-02): booking, revoking, the signed QR and the gate consuming uses."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection

from gatehouse.access.models import AccessEvent, Notice, NoticeAudience
from gatehouse.audit.models import AuditEntry
from gatehouse.core.access import Entrant, Outcome
from gatehouse.core.errors import DomainError, InvalidInput
from gatehouse.gate.decide import gate_decide
from gatehouse.gate.facts import GateInput
from gatehouse.privacy import unseal
from gatehouse.visitors import invitations, tokens
from gatehouse.visitors.models import Invitation, Visit, VisitStatus
from tests.conftest import NOW

pytestmark = pytest.mark.django_db


def _invite(host, actor, **kw):
    args = {
        "visitor_name": "王五",
        "visitor_phone": "139 1234 5678",
        "purpose": "送文件",
        "window_start": NOW - timedelta(minutes=30),
        "window_end": NOW + timedelta(hours=2),
        "max_uses": 1,
        "now": NOW,
    }
    args.update(kw)
    return invitations.invitation_create(host=host, actor=actor, **args)


def _scan(inv, lane, at):
    return gate_decide(
        GateInput(lane=lane, entrant=Entrant.INVITED, invitation=inv, presented_kind="qr"),
        now=at,
    )


# -- booking -------------------------------------------------------------------------------------


def test_create_seals_phone_sets_token_and_audits(resident_a, resident_user_a, house_a):
    inv = _invite(resident_a, resident_user_a)
    assert inv.site == resident_a.site and inv.host == resident_a
    assert inv.house == house_a  # the host's home when none is given
    assert inv.token and len(inv.token) >= 16
    assert inv.visitor_phone_masked == "139****5678"
    assert "13912345678" not in inv.visitor_phone_cipher
    assert unseal(inv.visitor_phone_cipher) == "13912345678"
    assert inv.max_uses == 1 and inv.uses == 0 and inv.created_at == NOW
    entry = AuditEntry.objects.get(action="invitation.create", object_id=str(inv.pk))
    assert entry.actor == resident_user_a
    assert "token" not in entry.after and "visitor_phone_cipher" not in entry.after


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"window_end": NOW - timedelta(hours=1)}, "invitation.window_order"),
        (
            {"window_start": NOW - timedelta(hours=3), "window_end": NOW - timedelta(hours=1)},
            "invitation.window_past",
        ),
        ({"window_end": NOW + timedelta(days=8)}, "invitation.window_too_long"),
        ({"max_uses": 0}, "invitation.max_uses"),
        ({"max_uses": 21}, "invitation.max_uses"),
        ({"visitor_name": "  "}, "person.name_empty"),
        ({"visitor_phone": "12345"}, None),  # some phone.* code
    ],
)
def test_create_rejects_bad_input_and_writes_nothing(resident_a, resident_user_a, changes, code):
    with pytest.raises(InvalidInput) as err:
        _invite(resident_a, resident_user_a, **changes)
    if code:
        assert err.value.code == code
    else:
        assert err.value.code.startswith("phone.")
    assert Invitation.objects.count() == 0
    assert not AuditEntry.objects.filter(action="invitation.create").exists()


def test_create_accepts_unlimited_and_twenty_uses(resident_a, resident_user_a):
    assert _invite(resident_a, resident_user_a, max_uses=None).max_uses is None
    assert _invite(resident_a, resident_user_a, max_uses=20, visitor_phone="").max_uses == 20


def test_revoke_and_status(resident_a, resident_user_a):
    inv = _invite(resident_a, resident_user_a, window_start=NOW + timedelta(hours=1))
    assert invitations.invitation_status(inv, NOW) == "upcoming"
    assert invitations.invitation_status(inv, NOW + timedelta(hours=1)) == "valid"
    assert invitations.invitation_status(inv, NOW + timedelta(hours=2)) == "expired"
    invitations.invitation_revoke(invitation=inv, actor=resident_user_a, now=NOW)
    inv.refresh_from_db()
    assert inv.revoked_at == NOW
    assert invitations.invitation_status(inv, NOW + timedelta(hours=1)) == "revoked"
    assert AuditEntry.objects.filter(action="invitation.revoke", object_id=str(inv.pk)).exists()
    with pytest.raises(DomainError) as err:
        invitations.invitation_revoke(invitation=inv, actor=resident_user_a, now=NOW)
    assert err.value.code == "invitation.revoked"


# -- the QR --------------------------------------------------------------------------------------


def test_qr_payload_verifies_and_tampering_is_caught(resident_a, resident_user_a):
    inv = _invite(resident_a, resident_user_a)
    payload = invitations.invitation_qr(inv)
    claim = tokens.read_qr(payload, now=NOW)
    assert claim.kind == "inv" and claim.token == inv.token
    assert claim.expires == inv.window_end
    # another token under the same signature
    head, kind, token, expires, sig = payload.split(".")
    forged = ".".join([head, kind, token[:-1] + ("A" if token[-1] != "A" else "B"), expires, sig])
    with pytest.raises(InvalidInput) as err:
        tokens.read_qr(forged, now=NOW)
    assert err.value.code == "qr.invalid"
    # a longer life under the same signature
    stretched = ".".join([head, kind, token, str(int(expires) + 86400), sig])
    with pytest.raises(InvalidInput) as err:
        tokens.read_qr(stretched, now=NOW)
    assert err.value.code == "qr.invalid"
    with pytest.raises(InvalidInput) as err:
        tokens.read_qr(payload, now=inv.window_end)
    assert err.value.code == "qr.expired"


def test_qr_svg_is_inline_svg(resident_a, resident_user_a):
    svg = invitations.qr_svg(invitations.invitation_qr(_invite(resident_a, resident_user_a)))
    assert svg.startswith("<svg") and svg.rstrip().endswith("</svg>")
    assert "<path" in svg


# -- the gate consumes uses (VI-02) --------------------------------------------------------------


def test_single_use_admits_once(resident_a, resident_user_a, walk_in_a, lanes_a):
    # rule VI-02
    inv = _invite(resident_a, resident_user_a, max_uses=1)
    first = _scan(inv, walk_in_a, NOW)
    assert first.decision.outcome is Outcome.ALLOW
    assert first.decision.reason == "invitation.valid"
    visit = Visit.objects.get(invitation=inv)
    assert visit.kind == Entrant.INVITED and visit.host == resident_a
    assert visit.status == VisitStatus.INSIDE and visit.time_in == NOW
    assert visit.name == "王五" and visit.phone_masked == "139****5678"
    assert first.event.visit == visit and first.event.outcome == "allow"
    notice = Notice.objects.get(person=resident_a, kind="visitor.arrived")
    assert notice.audience == NoticeAudience.PERSON and notice.event == first.event
    inv.refresh_from_db()
    assert inv.uses == 1

    # rule VI-02
    second = _scan(inv, lanes_a["west/walk-in"], NOW + timedelta(minutes=5))
    assert second.decision.outcome is Outcome.REFUSE
    assert second.decision.reason == "invitation.used"
    assert second.event.outcome == "refuse" and second.event.reason == "invitation.used"
    assert Visit.objects.filter(invitation=inv).count() == 1
    inv.refresh_from_db()
    assert inv.uses == 1


def test_multi_use_admits_repeatedly_within_window(resident_a, resident_user_a, walk_in_a):
    # rule VI-02
    inv = _invite(resident_a, resident_user_a, max_uses=None)
    for minutes in (0, 20, 40):
        result = _scan(inv, walk_in_a, NOW + timedelta(minutes=minutes))
        assert result.decision.outcome is Outcome.ALLOW
        assert result.decision.reason == "invitation.valid"
    assert Visit.objects.filter(invitation=inv, status=VisitStatus.INSIDE).count() == 3
    assert Notice.objects.filter(person=resident_a, kind="visitor.arrived").count() == 3
    inv.refresh_from_db()
    assert inv.uses == 3


def test_limited_multi_use_runs_out(resident_a, resident_user_a, walk_in_a):
    # rule VI-02
    inv = _invite(resident_a, resident_user_a, max_uses=2)
    assert _scan(inv, walk_in_a, NOW).decision.outcome is Outcome.ALLOW
    assert _scan(inv, walk_in_a, NOW + timedelta(minutes=1)).decision.outcome is Outcome.ALLOW
    third = _scan(inv, walk_in_a, NOW + timedelta(minutes=2))
    assert third.decision.reason == "invitation.used"
    assert Visit.objects.filter(invitation=inv).count() == 2


@pytest.mark.parametrize(
    ("offset", "reason"),
    [
        (timedelta(minutes=-31), "invitation.not_yet_valid"),
        (timedelta(hours=2), "invitation.expired"),
        (timedelta(hours=5), "invitation.expired"),
    ],
)
def test_outside_the_window_is_refused(resident_a, resident_user_a, walk_in_a, offset, reason):
    # rule VI-02
    inv = _invite(resident_a, resident_user_a, max_uses=None)
    result = _scan(inv, walk_in_a, NOW + offset)
    assert result.decision.outcome is Outcome.REFUSE and result.decision.reason == reason
    event = AccessEvent.objects.get(pk=result.event.pk)
    assert event.outcome == "refuse" and event.reason == reason and event.rule == "VI-02"
    assert not Visit.objects.filter(invitation=inv).exists()
    assert not Notice.objects.filter(person=resident_a).exists()
    inv.refresh_from_db()
    assert inv.uses == 0


def test_revoked_is_refused(resident_a, resident_user_a, walk_in_a):
    # rule VI-02
    inv = _invite(resident_a, resident_user_a)
    invitations.invitation_revoke(invitation=inv, actor=resident_user_a, now=NOW)
    inv.refresh_from_db()
    result = _scan(inv, walk_in_a, NOW + timedelta(minutes=1))
    assert result.decision.outcome is Outcome.REFUSE
    assert result.decision.reason == "invitation.revoked"
    assert AccessEvent.objects.get(pk=result.event.pk).outcome == "refuse"
    assert not Visit.objects.filter(invitation=inv).exists()


@pytest.mark.django_db(transaction=True)
def test_single_use_scanned_on_two_lanes_at_once_admits_once(
    file_database, resident_a, resident_user_a, lanes_a
):
    # rule VI-02
    inv = _invite(resident_a, resident_user_a, max_uses=1)
    lanes = [lanes_a["east/walk-in"], lanes_a["west/walk-in"]]
    barrier = threading.Barrier(8)
    outcomes: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def scan(i: int) -> None:
        try:
            mine = Invitation.objects.get(pk=inv.pk)  # each gate loads it: uses == 0
            barrier.wait(timeout=10)
            result = _scan(mine, lanes[i % 2], NOW)
            with lock:
                outcomes.append(result.decision.reason)
        except BaseException as exc:  # reported below
            with lock:
                errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=scan, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
    assert sorted(outcomes) == ["invitation.used"] * 7 + ["invitation.valid"]
    inv.refresh_from_db()
    assert inv.uses == 1
    assert Visit.objects.filter(invitation=inv).count() == 1
    assert AccessEvent.objects.filter(entrant="invited", outcome="allow").count() == 1
    assert AccessEvent.objects.filter(entrant="invited", outcome="refuse").count() == 7
