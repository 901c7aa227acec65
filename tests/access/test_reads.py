"""gate_read: one raw read at a lane → one decision, for the device API and the guard's booth."""

from __future__ import annotations

from datetime import time, timedelta

import pytest

from gatehouse.access.models import AccessEvent, EventSource, Notice, Presence
from gatehouse.core.access import HealthCode, HealthFacts
from gatehouse.core.errors import InvalidInput
from gatehouse.gate.decide import gate_read
from gatehouse.people import services as people
from gatehouse.visitors.models import Pass, Visit
from gatehouse.visitors.tokens import new_token, qr_payload
from tests.access.test_device_api import make_invitation
from tests.conftest import CARD_ZHANG, ID_ZHANG, NOW


def test_console_read_records_the_guard(walk_in_a, card_a, resident_a, guard_a):
    # rule P-03
    result = gate_read(
        lane=walk_in_a,
        kind="card",
        value="0a:1b:2c:3d",
        now=NOW,
        guard=guard_a,
        source=EventSource.CONSOLE,
    )
    assert (result.decision.outcome.value, result.decision.reason) == ("allow", "resident.card")
    event = result.event
    assert (event.source, event.guard, event.device) == ("console", guard_a, None)
    assert (event.credential_kind, event.credential_masked) == ("card", "****2C3D")
    assert Presence.objects.get(person=resident_a).inside


@pytest.fixture
def staff_gate_b(site_b, resident_b, manager_b):
    """Site B's main gate, and an employee's badge 11223344 (the badge is returned, its gate
    as ``.gate``)."""
    from gatehouse.sites.models import Gate

    badge = people.credential_issue(
        site=site_b,
        person=resident_b,
        kind="staff_badge",
        number="11223344",
        valid_from=NOW - timedelta(days=1),
        actor=manager_b,
        now=NOW,
    )
    badge.gate = Gate.objects.create(site=site_b, code="main", name="正门")
    return badge


def test_badge_of_an_employee(staff_gate_b, resident_b):
    # rule P-10
    from gatehouse.sites.models import Lane

    gate = staff_gate_b.gate
    lane = Lane.objects.create(gate=gate, code="in", name="入", kind="non_motor", direction="in")
    result = gate_read(lane=lane, kind="badge", value="11223344", now=NOW)
    assert (result.decision.reason, result.decision.rule) == ("staff.badge", "P-10")
    assert result.event.person == resident_b


def test_shift_change_watch_at_the_staff_gate(staff_gate_b):
    # rule P-13: working hours 08:30–17:30 and 30 commute minutes (the defaults): from 08:00 to
    # 09:00 the guard watches the clock-in, from 17:00 to 18:00 checks for company property.
    from gatehouse.sites.models import Lane

    gate = staff_gate_b.gate
    lane_in = Lane.objects.create(gate=gate, code="in", name="入", kind="non_motor", direction="in")
    lane_out = Lane.objects.create(
        gate=gate, code="out", name="出", kind="non_motor", direction="out"
    )
    morning = NOW.replace(hour=8, minute=20)  # NOW is 09:30 in Shanghai
    evening = NOW.replace(hour=17, minute=40)
    seen = []
    for lane, when in ((lane_in, morning), (lane_in, NOW), (lane_out, evening)):
        result = gate_read(lane=lane, kind="badge", value="11223344", now=when)
        event = AccessEvent.objects.get(pk=result.event.pk)
        seen.append(
            (event.outcome, event.reason, event.rule, [o["duty"] for o in event.obligations])
        )
    assert seen == [
        ("allow", "staff.shift_in", "P-13", ["remind"]),
        ("allow", "staff.badge", "P-10", []),
        ("allow", "staff.shift_out", "P-13", ["inspect_on_exit"]),
    ]
    assert "公司物品" in AccessEvent.objects.order_by("-id").first().obligations[0]["note"]


def test_shift_change_windows_follow_the_sites_commute_minutes(site_b, staff_gate_b):
    # rule P-13: the windows travel with the site's gate policy: with 10 commute minutes the
    # morning window is 08:20–08:40, so a badge at 08:15 is an ordinary staff read, at 08:25 the
    # clock-in is watched (S-09 reads the same site value: guard.absence.services.commute_windows).
    from gatehouse.guard.absence.services import commute_windows
    from gatehouse.sites.models import Lane

    site_b.commute_minutes = 10
    site_b.save(update_fields=["commute_minutes"])
    gate = staff_gate_b.gate
    lane = Lane.objects.create(gate=gate, code="in", name="入", kind="non_motor", direction="in")
    lane = Lane.objects.select_related("gate__site").get(pk=lane.pk)
    seen = []
    for minute in (15, 25):
        result = gate_read(
            lane=lane, kind="badge", value="11223344", now=NOW.replace(hour=8, minute=minute)
        )
        event = AccessEvent.objects.get(pk=result.event.pk)
        seen.append((event.reason, event.rule))
    assert seen == [("staff.badge", "P-10"), ("staff.shift_in", "P-13")]
    assert commute_windows(site_b)[0] == (time(8, 20), time(8, 40))


def test_a_card_of_another_site_is_unknown_here(walk_in_a, site_b, resident_b, manager_b):
    # rule P-11
    people.credential_issue(
        site=site_b,
        person=resident_b,
        kind="owner_card",
        number=CARD_ZHANG,
        valid_from=NOW - timedelta(days=1),
        actor=manager_b,
        now=NOW,
    )
    result = gate_read(lane=walk_in_a, kind="card", value=CARD_ZHANG, now=NOW)
    assert (result.decision.outcome.value, result.decision.reason) == (
        "refuse",
        "credential.unknown",
    )
    assert result.event.credential is None
    assert Notice.objects.get().event == result.event


def test_parking_card_at_a_pedestrian_lane(walk_in_a, resident_a, manager_a):
    # rule P-01
    people.credential_issue(
        site=resident_a.site,
        person=resident_a,
        kind="parking_card",
        number="CAFEBABE",
        valid_from=NOW - timedelta(days=1),
        actor=manager_a,
        now=NOW,
    )
    result = gate_read(lane=walk_in_a, kind="card", value="CAFEBABE", now=NOW)
    assert (result.decision.reason, result.decision.rule) == ("credential.wrong_kind", "P-01")


def test_qr_credential_that_is_not_a_signed_payload(walk_in_a, resident_a, manager_a):
    # rule P-03
    people.credential_issue(
        site=resident_a.site,
        person=resident_a,
        kind="qr",
        number="resident-qr-0001",
        valid_from=NOW - timedelta(days=1),
        actor=manager_a,
        now=NOW,
    )
    result = gate_read(lane=walk_in_a, kind="qr", value=" resident-qr-0001 ", now=NOW)
    assert (result.decision.outcome.value, result.decision.reason) == ("allow", "resident.card")
    assert result.event.credential.kind == "qr"
    with pytest.raises(InvalidInput) as err:
        gate_read(lane=walk_in_a, kind="qr", value="短", now=NOW)
    assert err.value.code == "qr.format"


def test_id_card_of_a_person_without_a_card_is_refused_as_unknown(walk_in_a, resident_a):
    # rule P-11
    result = gate_read(lane=walk_in_a, kind="id_card", value=ID_ZHANG.lower(), now=NOW)
    assert (result.decision.outcome.value, result.decision.reason) == (
        "refuse",
        "credential.unknown",
    )
    assert result.event.person == resident_a
    assert result.event.credential_masked == "110105********002X"


def test_id_card_of_a_blacklisted_stranger(walk_in_a, site_a, manager_a):
    # rule P-11: not registered at the site, but the ID number is on the blacklist
    people.blacklist_add(
        site=site_a, actor=manager_a, reason="盗窃", name="某人", id_number=ID_ZHANG, now=NOW
    )
    result = gate_read(lane=walk_in_a, kind="id_card", value=ID_ZHANG, now=NOW)
    assert (result.decision.reason, result.decision.rule) == ("blacklist.hit", "P-11")
    assert Notice.objects.get().kind == "blacklist.hit"


def test_face_of_a_person_of_another_site_is_unknown(walk_in_a, resident_b):
    # rule P-11
    result = gate_read(lane=walk_in_a, kind="face", value=str(resident_b.pk), now=NOW)
    assert result.decision.reason == "credential.unknown"
    assert result.event.person is None


def test_unknown_read_kind_is_invalid(walk_in_a):
    with pytest.raises(InvalidInput) as err:
        gate_read(lane=walk_in_a, kind="iris", value="x", now=NOW)
    assert err.value.code == "credential.kind"
    assert not AccessEvent.objects.exists()


def test_invitation_qr_read_at_its_own_time(walk_in_a, resident_a, house_a):
    # rule VI-02: a replayed read of a QR that has expired since is judged when it was read
    _, qr = make_invitation(
        resident_a.site, resident_a, house_a, expires=NOW - timedelta(minutes=10)
    )
    at = NOW - timedelta(minutes=30)
    result = gate_read(lane=walk_in_a, kind="qr", value=qr, now=NOW, at=at)
    assert (result.decision.reason, result.event.at) == ("invitation.valid", at)
    assert Visit.objects.get().time_in == at
    with pytest.raises(InvalidInput) as err:
        gate_read(lane=walk_in_a, kind="qr", value=qr, now=NOW)
    assert err.value.code == "qr.expired"


@pytest.mark.parametrize(
    ("kind", "entrant", "reason"),
    [
        ("intro_letter", "tour", "tour.letter"),
        ("temporary", "temporary_pass", "pass.temporary"),
    ],
)
def test_pass_qr_kinds(walk_in_a, site_a, kind, entrant, reason):
    # rule P-06
    p = Pass.objects.create(
        site=site_a,
        kind=kind,
        number=f"P-{kind}",
        token=new_token(),
        holder_name="钱进",
        valid_from=NOW - timedelta(days=1),
        valid_until=NOW + timedelta(days=1),
        issued_at=NOW - timedelta(days=1),
    )
    qr = qr_payload("pas", p.token, NOW + timedelta(days=1))
    result = gate_read(lane=walk_in_a, kind="qr", value=qr, now=NOW)
    assert (result.event.entrant, result.decision.reason) == (entrant, reason)
    assert Visit.objects.get().pass_ref == p


def test_epidemic_invitation_with_a_normal_temperature_waits_for_the_guard(
    walk_in_a, site_a, resident_a, house_a
):
    # rule M-02: the device cannot confirm real-name registration; the guard does
    site_a.mode = "epidemic"
    site_a.save(update_fields=["mode"])
    _, qr = make_invitation(site_a, resident_a, house_a)
    from decimal import Decimal

    health = HealthFacts(temperature=Decimal("36.6"), code=HealthCode.GREEN)
    result = gate_read(lane=walk_in_a, kind="qr", value=qr, now=NOW, health=health)
    assert (result.decision.outcome.value, result.decision.reason) == (
        "pending",
        "epidemic.check_required",
    )
