"""Who may see the registers, and that no page shows a full ID number."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from gatehouse.access.models import Notice
from tests.conftest import NOW

from .conftest import VISITOR_ID, VISITOR_ID_MASKED

PAGES = ["index", "visits", "staff_exits", "mail", "events", "on_site"]


@pytest.mark.parametrize("name", PAGES)
def test_a_resident_gets_403(client, resident_user_a, name):
    client.force_login(resident_user_a)
    assert client.get(reverse(f"registers:{name}")).status_code == 403


def test_a_resident_cannot_acknowledge(client, resident_user_a, site_a):
    notice = Notice.objects.create(
        site=site_a, audience="guard", kind="visitor.overstay", message="x", created_at=NOW
    )
    client.force_login(resident_user_a)
    response = client.post(reverse("registers:ack_notice", args=[notice.pk]))
    assert response.status_code == 403
    notice.refresh_from_db()
    assert notice.acknowledged_at is None


def test_anonymous_users_are_sent_to_login(client):
    response = client.get(reverse("registers:visits"))
    assert response.status_code == 302 and "login" in response["Location"]


@pytest.mark.parametrize("role", ["guard", "front_desk", "monitoring", "security_manager"])
def test_every_register_role_may_view(client, site_a, role):
    from tests.console.conftest import member

    client.force_login(member(f"u_{role}", site_a, role))
    for name in PAGES:
        assert client.get(reverse(f"registers:{name}")).status_code == 200


def test_no_page_shows_the_full_id_number(client, manager_a, guard_a, visitor_inside, site_a):
    from gatehouse.registers.services import flag_overstays
    from tests.registers.test_on_site import AFTER_CLOSING

    flag_overstays(site=site_a, now=AFTER_CLOSING)
    client.force_login(manager_a)
    seen_masked = False
    with time_machine.travel(AFTER_CLOSING + timedelta(minutes=1), tick=False):
        for name in PAGES:
            for params in ({}, {"date_from": "2026-11-24", "q": "1232"}):
                page = client.get(reverse(f"registers:{name}"), params).content.decode()
                assert VISITOR_ID not in page, name
                assert "王五" not in page, name
                seen_masked = seen_masked or VISITOR_ID_MASKED in page
    assert seen_masked


def test_the_command_flags_every_site(visitor_inside, site_a, capsys):
    # rule VI-03
    with time_machine.travel(NOW.replace(hour=23), tick=False):
        call_command("flag_overstays")
        call_command("flag_overstays")
    assert Notice.objects.filter(kind="visitor.overstay", site=site_a).count() == 1
    assert "flagged 1" in capsys.readouterr().out
