"""Visitors' codes kept on the terminals (issue 14 §2): an invitation or pass is sent to each
terminal that serves its lanes as a visitor whose one card is its terminal code, with its
window (and a limited invitation's uses), and is deleted when revoked, used up or over —
against the simulated Hikvision terminal over ISAPI."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from gatehouse.access.models import AccessEvent, Notice
from gatehouse.devices import sync
from gatehouse.devices.adapters.hikvision import driver, isapi
from gatehouse.devices.adapters.hikvision.client import Client
from gatehouse.devices.adapters.hikvision.simulator import Terminal
from gatehouse.devices.models import CommandKind, TerminalEntry
from gatehouse.devices.reconcile import reconcile
from gatehouse.visitors import invitations, passes
from gatehouse.visitors.models import Invitation, Visit, VisitStatus
from tests.conftest import NOW
from tests.devices.test_hikvision import (
    PASSWORD,
    Clock,
    deliver,
    make_terminal,
    post,
    push_url,
    queued,
    sim,  # noqa: F401 — a fixture
)
from tests.devices.test_hikvision import terminal as hik_terminal  # noqa: F401

pytestmark = pytest.mark.django_db


def book(host, actor, *, max_uses=1, starts=NOW - timedelta(hours=1), hours=8):
    return invitations.invitation_create(
        host=host,
        actor=actor,
        visitor_name="王小明",
        window_start=starts,
        window_end=starts + timedelta(hours=hours),
        max_uses=max_uses,
        now=NOW,
    )


def issue(site, actor, *, hours=24):
    return passes.pass_issue(
        site=site,
        actor=actor,
        kind="temporary",
        holder_name="李四",
        valid_from=NOW - timedelta(hours=1),
        valid_until=NOW + timedelta(hours=hours),
        now=NOW,
    )


def test_an_invitation_booked_reaches_the_terminal_as_a_visitor_with_its_window(
    hik_terminal,  # noqa: F811
    sim,  # noqa: F811
    resident_a,
    resident_user_a,
):
    # rule VI-02: the booked invitation is held as a visitor: its code as the one card, its
    # window, its single use as maxOpenDoorTime, and the visitor's name masked.
    inv = book(resident_a, resident_user_a)
    [command] = queued(hik_terminal)
    assert (command.kind, command.subject) == (CommandKind.PERSON_SYNC, f"invitation:{inv.pk}")
    deliver()
    number = f"inv{inv.pk}"
    user = sim.store.users[number]
    assert (user["userType"], user["name"], user["maxOpenDoorTime"]) == ("visitor", "王**", 1)
    assert user["Valid"]["beginTime"] == isapi.local_time(inv.window_start)
    assert user["Valid"]["endTime"] == isapi.local_time(inv.window_end)
    assert sim.store.cards == {inv.terminal_code: number}
    entry = TerminalEntry.objects.get(device=hik_terminal)
    assert (entry.subject, entry.person_id) == (f"invitation:{inv.pk}", None)
    # Unchanged: not sent again.
    assert sync.sync_code(inv, NOW).unchanged == 1 and queued(hik_terminal) == []
    # The terminal opens once by itself, and never a second time for a single use.
    assert sim.swipe(inv.terminal_code, push=False).passed
    again = sim.swipe(inv.terminal_code, push=False)
    assert not again.passed and again.event.minor == isapi.MINOR_CARD_NO_RIGHT


def test_a_used_up_invitation_is_taken_off_every_terminal_after_its_passage(
    client,
    site_a,
    walk_in_a,
    hik_terminal,  # noqa: F811
    sim,  # noqa: F811
    resident_a,
    resident_user_a,
    manager_a,
):
    # rule VI-02: a single-use invitation used at one terminal is deleted from all of them; a
    # second terminal that opened for it before the delete reached it is against the rule and
    # alerts the monitoring centre.
    with Terminal(password=PASSWORD, clock=Clock(NOW)) as other_sim:
        other = make_terminal(site_a, walk_in_a, manager_a, other_sim, "二号机")
        inv = book(resident_a, resident_user_a)
        deliver()
        assert f"inv{inv.pk}" in other_sim.store.users
        swipe = sim.swipe(inv.terminal_code, push=False)
        assert post(client, push_url(hik_terminal, manager_a), sim, swipe.event).status_code == 200
        event = AccessEvent.objects.get()
        assert (event.outcome, event.reason, event.rule) == ("allow", "invitation.valid", "VI-02")
        assert Visit.objects.get().status == VisitStatus.INSIDE
        inv.refresh_from_db()
        assert inv.uses == 1
        for device in (hik_terminal, other):
            [delete] = queued(device)
            assert (delete.kind, delete.subject) == (
                CommandKind.PERSON_DELETE,
                f"invitation:{inv.pk}",
            )
        assert not TerminalEntry.objects.exists()
        late = other_sim.swipe(inv.terminal_code, push=False)
        assert late.passed  # the delete has not reached it yet
        assert post(client, push_url(other, manager_a), other_sim, late.event).status_code == 200
        second = AccessEvent.objects.order_by("-pk").first()
        assert (second.outcome, second.reason) == ("allow", "terminal.passed_against_rule")
        assert Notice.objects.get(audience="monitoring").event_id == second.pk
        deliver(NOW + timedelta(minutes=1))  # the pushes were recorded at the ticking clock
        for terminal_sim in (sim, other_sim):
            assert f"inv{inv.pk}" not in terminal_sim.store.users
            assert not terminal_sim.swipe(inv.terminal_code, push=False).passed
        assert Visit.objects.count() == 1


def test_the_booths_scan_using_an_invitation_up_takes_it_off_the_terminal(
    hik_terminal,  # noqa: F811
    sim,  # noqa: F811
    resident_a,
    resident_user_a,
    walk_in_a,
):
    # rule VI-02: used up at the booth (the guard's scanner, online), the terminal forgets it.
    from gatehouse.gate.decide import gate_decide
    from gatehouse.gate.facts import code_input

    inv = book(resident_a, resident_user_a)
    deliver()
    result = gate_decide(code_input(walk_in_a, inv, "qr"), now=NOW)
    assert (result.decision.allowed, result.decision.reason) == (True, "invitation.valid")
    [delete] = queued(hik_terminal)
    assert delete.kind == CommandKind.PERSON_DELETE
    deliver()
    assert not sim.swipe(inv.terminal_code, push=False).passed


def test_a_multi_use_invitation_stays_until_revoked(
    hik_terminal,  # noqa: F811
    sim,  # noqa: F811
    resident_a,
    resident_user_a,
):
    # rule VI-02: without a limit the terminal opens as often as it is shown, in the window;
    # revoked, it is deleted and the terminal refuses it.
    inv = book(resident_a, resident_user_a, max_uses=None)
    deliver()
    assert sim.store.users[f"inv{inv.pk}"]["maxOpenDoorTime"] == 0
    assert all(sim.swipe(inv.terminal_code, push=False).passed for _ in range(3))
    invitations.invitation_revoke(invitation=inv, actor=resident_user_a, now=NOW)
    assert [c.kind for c in queued(hik_terminal)] == [CommandKind.PERSON_DELETE]
    deliver()
    assert sim.store.users == {} and sim.store.cards == {}
    assert not sim.swipe(inv.terminal_code, push=False).passed


def test_a_pass_is_held_in_its_window_and_deleted_when_revoked(
    hik_terminal,  # noqa: F811
    sim,  # noqa: F811
    site_a,
    manager_a,
):
    # rule P-09: a temporary pass opens the terminal within its validity, as often as shown;
    # revoked, it is taken off.
    p = issue(site_a, manager_a)
    deliver()
    user = sim.store.users[f"pass{p.pk}"]
    assert (user["userType"], user["name"], user["maxOpenDoorTime"]) == ("visitor", "李*", 0)
    assert user["Valid"]["endTime"] == isapi.local_time(p.valid_until)
    assert sim.swipe(p.terminal_code, push=False).passed
    assert sim.swipe(p.terminal_code, push=False).passed
    passes.pass_revoke(pass_=p, actor=manager_a, reason="施工结束", now=NOW)
    [delete] = queued(hik_terminal)
    assert (delete.kind, delete.subject) == (CommandKind.PERSON_DELETE, f"pass:{p.pk}")
    deliver()
    assert not sim.swipe(p.terminal_code, push=False).passed


def test_codes_are_refused_by_the_terminal_outside_their_window_and_forgotten_after_it(
    hik_terminal,  # noqa: F811
    sim,  # noqa: F811
    resident_a,
    resident_user_a,
    site_a,
    manager_a,
):
    # rule VI-02: a code booked for later is held with its window and refused by the terminal
    # before it; once over, the worker's pass takes it off.
    later = book(resident_a, resident_user_a, starts=NOW + timedelta(hours=2), hours=2)
    p = issue(site_a, manager_a, hours=3)
    deliver()
    assert not sim.swipe(later.terminal_code, push=False).passed
    sim.clock.at = NOW + timedelta(hours=2, minutes=30)
    assert sim.swipe(later.terminal_code, push=False).passed
    assert sync.forget_ended_codes(NOW + timedelta(hours=2, minutes=30)).deleted == 0
    ended = sync.forget_ended_codes(NOW + timedelta(hours=5))
    assert ended.deleted == 2
    assert {c.subject for c in queued(hik_terminal)} == {
        f"invitation:{later.pk}",
        f"pass:{p.pk}",
    }
    deliver(NOW + timedelta(hours=5))
    assert sim.store.users == {}
    assert sync.forget_ended_codes(NOW + timedelta(hours=6)).deleted == 0


def test_a_code_whose_record_is_gone_is_deleted_too(
    hik_terminal,  # noqa: F811
    sim,  # noqa: F811
    resident_a,
    resident_user_a,
):
    inv = book(resident_a, resident_user_a)
    deliver()
    number = f"inv{inv.pk}"
    Invitation.objects.filter(pk=inv.pk).delete()
    assert sync.forget_ended_codes(NOW).deleted == 1
    deliver()
    assert number not in sim.store.users and not TerminalEntry.objects.exists()


def test_epidemic_mode_takes_visitors_codes_off_and_normal_mode_puts_them_back(
    hik_terminal,  # noqa: F811
    sim,  # noqa: F811
    site_a,
    manager_a,
    resident_a,
    resident_user_a,
):
    # rule M-02: in epidemic mode every entry at the designated entrance waits for the guard's
    # check, so no terminal admits a visitor's code by itself either.
    from gatehouse.access.modes import mode_switch

    inv = book(resident_a, resident_user_a, max_uses=None)
    deliver()
    mode_switch(site=site_a, actor=manager_a, to_mode="epidemic", reason="疫情封闭", now=NOW)
    assert [c.subject for c in queued(hik_terminal)] == [f"invitation:{inv.pk}"]
    deliver()
    assert not sim.swipe(inv.terminal_code, push=False).passed
    mode_switch(site=site_a, actor=manager_a, to_mode="normal", reason="恢复常态", now=NOW)
    deliver()
    assert sim.swipe(inv.terminal_code, push=False).passed


def test_reconciliation_puts_missing_codes_back_and_deletes_stale_ones(
    hik_terminal,  # noqa: F811
    sim,  # noqa: F811
    site_a,
    manager_a,
):
    p = issue(site_a, manager_a)
    deliver()
    client = Client(sim.url, "admin", PASSWORD)
    client.users_delete([f"pass{p.pk}"])  # lost at the terminal (a reset)
    stale = isapi.Person("inv999", "王*", "2026-01-01T00:00:00", "2037-12-31T23:59:59")
    driver.person_put(client, stale)  # left from a code long gone
    found = reconcile(hik_terminal, NOW)
    assert (found.queued.synced, found.queued.deleted) == (1, 1)
    assert found.queued.details == [f"缺少：pass{p.pk}", "未知人员：inv999"]
    assert {c.subject for c in queued(hik_terminal)} == {f"pass:{p.pk}", "invitation:999"}
    deliver()
    assert set(sim.store.users) == {f"pass{p.pk}"}
    assert sim.swipe(p.terminal_code, push=False).passed
    again = reconcile(hik_terminal, NOW)
    assert (again.queued.synced, again.queued.deleted, again.queued.unchanged) == (0, 0, 1)


def test_numbers_at_the_terminal_name_their_subjects():
    assert sync.subject_of_number("42") == "person:42"
    assert sync.subject_of_number("inv7") == "invitation:7"
    assert sync.subject_of_number("pass9") == "pass:9"
    assert sync.subject_of_number("guest") is None
    assert sync.subject_of_number("inv") is None


def test_the_migration_keys_existing_entries_by_person(
    transactional_db, site_a, walk_in_a, manager_a, resident_a
):
    before, after = [("devices", "0005_edge_kind")], [("devices", "0006_terminal_entry_subject")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    try:
        apps = executor.loader.project_state(before).apps
        device = apps.get_model("devices", "Device").objects.create(
            site_id=site_a.pk, lane_id=walk_in_a.pk, name="旧终端", kind="face_terminal"
        )
        apps.get_model("devices", "TerminalEntry").objects.create(
            device_id=device.pk, person_id=resident_a.pk, digest="x" * 64, queued_at=NOW
        )
        executor = MigrationExecutor(connection)
        executor.migrate(after)
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
    entry = TerminalEntry.objects.get()
    assert (entry.subject, entry.person_id) == (f"person:{resident_a.pk}", resident_a.pk)
