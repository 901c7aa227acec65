"""The whole loop over real HTTP: Gatehouse served on 127.0.0.1 (pytest-django's live server),
the simulated terminal on another port. The outbox worker syncs a resident to the terminal over
ISAPI with digest authentication, the terminal decides a swipe from its own list and pushes the
event as multipart, Gatehouse records it once; a revoked card is taken off, and a passage the
terminal allowed before that raises the alert."""

from __future__ import annotations

from django.urls import reverse

from gatehouse.access.models import AccessEvent, Notice
from gatehouse.devices import services
from gatehouse.devices.adapters.hikvision.simulator import Terminal
from gatehouse.devices.reconcile import catch_up_events
from gatehouse.people import services as people
from tests.conftest import NOW
from tests.devices.test_hikvision import (
    CARD_AT_TERMINAL,
    PASSWORD,
    Clock,
    deliver,
    make_terminal,
)


def test_sync_swipe_push_and_revocation_over_http(
    live_server, site_a, walk_in_a, manager_a, card_a, resident_a
):
    with Terminal(password=PASSWORD, clock=Clock(NOW)) as sim:
        device = make_terminal(site_a, walk_in_a, manager_a, sim)
        token = services.device_issue_camera_token(device=device, actor=manager_a, now=NOW)
        sim.push_url = live_server.url + reverse("api:terminal_event_push", kwargs={"token": token})
        people.credential_set_status(credential=card_a, status="active", actor=manager_a, now=NOW)
        from gatehouse.devices.reconcile import reconcile

        assert reconcile(device, NOW).queued.synced == 1
        deliver()
        swipe = sim.swipe(CARD_AT_TERMINAL)
        assert swipe.passed and swipe.pushed == 200
        event = AccessEvent.objects.get()
        assert (event.outcome, event.reason, event.device_id) == (
            "allow",
            "resident.card",
            device.pk,
        )
        # Revoked in Gatehouse; before the worker's next round the terminal still opens, and the
        # monitoring centre hears of it (rule P-11).
        people.credential_set_status(credential=card_a, status="revoked", actor=manager_a, now=NOW)
        early = sim.swipe(CARD_AT_TERMINAL)
        assert early.passed and early.pushed == 200
        assert Notice.objects.filter(kind="terminal.passed_against_rule").count() == 1
        deliver()
        late = sim.swipe(CARD_AT_TERMINAL)
        assert not late.passed and late.pushed == 200
        assert list(AccessEvent.objects.order_by("id").values_list("outcome", flat=True)) == [
            "allow",
            "allow",
            "refuse",
        ]
        # Events missed while Gatehouse was down are fetched from the terminal (AcsEvent search);
        # those already recorded are not recorded again.
        sim.push_url = ""
        sim.swipe("0000000777")
        caught = catch_up_events(device, NOW, start=NOW.replace(hour=0), end=NOW.replace(hour=23))
        assert (caught.recorded, caught.replayed) == (1, 3)
        assert AccessEvent.objects.count() == 4
