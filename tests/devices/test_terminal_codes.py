"""Terminal codes of invitations and passes (issue 14 §2): a random 16-digit code that a
terminal's QR reader passes as a card number, read online at /api/v1/gate/decisions and judged
exactly as the record's signed QR is."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from gatehouse.access.models import AccessEvent, DeviceRequest, Notice
from gatehouse.devices import sync
from gatehouse.visitors import invitations, passes, tokens
from gatehouse.visitors.models import Invitation, Pass, Visit, VisitStatus
from tests.access.test_device_api import (
    PATH,
    clock,  # noqa: F401 — a fixture
    make_invitation,
    read,
    turnstile,  # noqa: F401 — a fixture
)
from tests.api.conftest import assert_error_shape
from tests.conftest import NOW
from tests.devices.test_hikvision import deliver, post, push_url, sim  # noqa: F401 — sim: a fixture
from tests.devices.test_hikvision import terminal as hik_terminal  # noqa: F401

pytestmark = pytest.mark.django_db


def test_a_terminal_code_is_sixteen_digits_never_starting_with_zero():
    for _ in range(200):
        code = tokens.new_terminal_code()
        assert len(code) == 16 and code.isdigit() and code[0] != "0"
        assert tokens.looks_like_terminal_code(code)
    assert not tokens.looks_like_terminal_code("0" + code[1:])
    assert not tokens.looks_like_terminal_code(code[:-1])
    assert not tokens.looks_like_terminal_code("１" * 16)  # full-width digits are not ASCII


def test_services_give_invitations_and_passes_a_code(resident_a, resident_user_a, site_a):
    # rule VI-02
    inv = invitations.invitation_create(
        host=resident_a,
        actor=resident_user_a,
        visitor_name="王五",
        window_start=NOW,
        window_end=NOW + timedelta(hours=2),
        max_uses=1,
        now=NOW,
    )
    p = passes.pass_issue(
        site=site_a,
        actor=resident_user_a,
        kind="temporary",
        holder_name="李四",
        valid_from=NOW,
        valid_until=NOW + timedelta(days=1),
        now=NOW,
    )
    for code in (inv.terminal_code, p.terminal_code):
        assert tokens.looks_like_terminal_code(code)
    assert inv.terminal_code != p.terminal_code


def test_the_code_read_online_is_judged_like_the_signed_qr(turnstile, resident_a, house_a):  # noqa: F811
    # rule VI-02: the code read as a QR admits once and registers the visit; a second read of
    # it is refused "invitation.used", exactly as the signed QR is.
    inv, _ = make_invitation(resident_a.site, resident_a, house_a)
    _, api = turnstile
    body = api.post(PATH, read("qr", inv.terminal_code, "n-1")).json()
    assert (body["outcome"], body["reason"], body["rule"]) == ("allow", "invitation.valid", "VI-02")
    event = AccessEvent.objects.get()
    visit = Visit.objects.get()
    assert event.visit == visit and event.entrant == "invited"
    assert (visit.status, visit.invitation, visit.time_in) == (VisitStatus.INSIDE, inv, NOW)
    assert event.credential_masked == "****" + inv.terminal_code[-4:]
    assert inv.terminal_code not in api.all_bodies()
    inv.refresh_from_db()
    assert inv.uses == 1
    # rule VI-02: the same code passed by a terminal's reader as a card number.
    again = api.post(PATH, read("card", inv.terminal_code, "n-2")).json()
    assert (again["outcome"], again["reason"]) == ("refuse", "invitation.used")
    assert Visit.objects.count() == 1 and AccessEvent.objects.count() == 2


def test_a_pass_code_read_as_a_card_admits_the_worker(turnstile, site_a, house_a):  # noqa: F811
    # rule P-09
    p = Pass.objects.create(
        site=site_a,
        kind="decoration",
        number="ZX-001",
        token=tokens.new_token(),
        holder_name="赵师傅",
        house=house_a,
        valid_from=NOW - timedelta(days=1),
        valid_until=NOW + timedelta(days=30),
        issued_at=NOW - timedelta(days=1),
    )
    _, api = turnstile
    body = api.post(PATH, read("card", p.terminal_code, "n-1")).json()
    assert (body["outcome"], body["reason"], body["rule"]) == ("allow", "worker.pass", "P-09")
    assert AccessEvent.objects.get().entrant == "decoration_worker"
    assert Visit.objects.get().pass_ref == p


def test_revoked_and_out_of_window_codes_are_refused(turnstile, resident_a, house_a):  # noqa: F811
    # rule VI-02
    revoked, _ = make_invitation(resident_a.site, resident_a, house_a)
    Invitation.objects.filter(pk=revoked.pk).update(revoked_at=NOW - timedelta(minutes=5))
    later, _ = make_invitation(
        resident_a.site,
        resident_a,
        house_a,
        window_start=NOW + timedelta(hours=2),
        window_end=NOW + timedelta(hours=4),
    )
    _, api = turnstile
    first = api.post(PATH, read("qr", revoked.terminal_code, "n-1")).json()
    second = api.post(PATH, read("card", later.terminal_code, "n-2")).json()
    assert (first["outcome"], first["reason"]) == ("refuse", "invitation.revoked")
    assert (second["outcome"], second["reason"]) == ("refuse", "invitation.not_yet_valid")
    assert Visit.objects.count() == 0
    assert [e.reason for e in AccessEvent.objects.order_by("pk")] == [
        "invitation.revoked",
        "invitation.not_yet_valid",
    ]


def test_an_unknown_or_foreign_code_is_refused_like_an_unknown_card(
    turnstile,  # noqa: F811
    site_b,
    resident_b,
):
    # rule P-11: a code no record of the site carries is nothing more than what it looks like —
    # as a QR an unknown credential (refused, recorded), as a card number a malformed one (422,
    # nothing written), whatever another site's records carry.
    foreign, _ = make_invitation(site_b, resident_b, None)
    _, api = turnstile
    as_card = api.post(PATH, read("card", foreign.terminal_code, "n-1"))
    assert_error_shape(as_card, 422, "card.format")
    assert AccessEvent.objects.count() == 0 and DeviceRequest.objects.count() == 0
    as_qr = api.post(PATH, read("qr", foreign.terminal_code, "n-2")).json()
    assert (as_qr["outcome"], as_qr["reason"], as_qr["rule"]) == (
        "refuse",
        "credential.unknown",
        "P-11",
    )
    event = AccessEvent.objects.get()
    assert (event.outcome, event.reason, event.visit) == ("refuse", "credential.unknown", None)
    assert Visit.objects.count() == 0
    foreign.refresh_from_db()
    assert foreign.uses == 0


def test_the_migration_backfills_a_distinct_code_per_row(transactional_db, site_a):
    before, after = [("visitors", "0002_booth_answer")], [("visitors", "0003_terminal_code")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    try:
        old_pass = executor.loader.project_state(before).apps.get_model("visitors", "Pass")
        for n in range(3):
            old_pass.objects.create(
                site_id=site_a.pk,
                kind="temporary",
                number=f"LS-{n}",
                token=f"t-{n}",
                holder_name="李四",
                valid_from=NOW,
                valid_until=NOW + timedelta(days=1),
                issued_at=NOW,
            )
        executor = MigrationExecutor(connection)
        executor.migrate(after)
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
    codes = list(Pass.objects.values_list("terminal_code", flat=True))
    assert len(codes) == 3 and len(set(codes)) == 3
    assert all(tokens.looks_like_terminal_code(code) for code in codes)


# -- a terminal's passage pushed back ------------------------------------------------------------


def _hold(inv):
    """The terminal holds the invitation's code with its window: Gatehouse's own sync."""
    sync.sync_code(inv, NOW)
    deliver()


def test_a_terminal_passage_with_the_code_records_the_visit_once(
    client,
    hik_terminal,  # noqa: F811
    sim,  # noqa: F811
    resident_a,
    house_a,
    manager_a,
):
    # rule VI-02: the terminal admits the code inside its window; the passage pushed back is the
    # visitor's access event and register row and uses the single-use invitation up.
    inv, _ = make_invitation(resident_a.site, resident_a, house_a)
    _hold(inv)
    url = push_url(hik_terminal, manager_a)
    swipe = sim.swipe(inv.terminal_code, push=False)
    assert swipe.passed
    assert post(client, url, sim, swipe.event).status_code == 200
    event = AccessEvent.objects.get()
    assert (event.outcome, event.reason, event.rule) == ("allow", "invitation.valid", "VI-02")
    visit = Visit.objects.get()
    assert event.visit == visit and (visit.invitation, visit.status) == (inv, VisitStatus.INSIDE)
    inv.refresh_from_db()
    assert inv.uses == 1
    # rule VI-02: shown again, the terminal itself refuses (maxOpenDoorTime 1), and the used-up
    # invitation's delete is queued for it; a second terminal that opens meanwhile is
    # test_visitor_codes_sync's.
    assert not sim.swipe(inv.terminal_code, push=False).passed
    assert Visit.objects.count() == 1


def test_the_terminal_refuses_the_code_outside_its_window(
    sim,  # noqa: F811
    resident_a,
    house_a,
):
    # rule VI-02: outside the window the terminal itself refuses (the simulator decides from
    # the window it holds).
    inv, _ = make_invitation(
        resident_a.site,
        resident_a,
        house_a,
        window_start=NOW + timedelta(hours=2),
        window_end=NOW + timedelta(hours=4),
    )
    _hold(inv)
    swipe = sim.swipe(inv.terminal_code, push=False)
    assert not swipe.passed


def test_a_code_used_up_elsewhere_between_judging_and_recording_is_recorded_once(
    client,
    hik_terminal,  # noqa: F811
    sim,  # noqa: F811
    resident_a,
    house_a,
    manager_a,
    monkeypatch,
):
    # rule VI-02: the invitation is used up at another gate after the terminal's passage was
    # judged and before it is recorded: one event, against the rule, alerted; no visit.
    from gatehouse.devices import terminals

    inv, _ = make_invitation(resident_a.site, resident_a, house_a)
    _hold(inv)
    real = terminals.gate_judge
    calls = []

    def judged_before_the_other_gate(inp, *, at):
        calls.append(at)
        if len(calls) == 1:
            allowed = real(inp, at=at)
            Invitation.objects.filter(pk=inv.pk).update(uses=1)
            return allowed
        return real(inp, at=at)

    monkeypatch.setattr(terminals, "gate_judge", judged_before_the_other_gate)
    swipe = sim.swipe(inv.terminal_code, push=False)
    answer = post(client, push_url(hik_terminal, manager_a), sim, swipe.event)
    assert answer.status_code == 200
    event = AccessEvent.objects.get()
    assert (event.outcome, event.reason, event.rule) == (
        "allow",
        "terminal.passed_against_rule",
        "P-11",
    )
    assert Visit.objects.count() == 0
    assert Notice.objects.get(audience="monitoring").event_id == event.pk
    inv.refresh_from_db()
    assert inv.uses == 1  # the other gate's use only: the undone path took none
