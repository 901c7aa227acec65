"""Who leads the duty at a site now, with a phone to reach them: the 带班领导 whose duty covers
``now`` (S-02). Registered as :data:`gatehouse.notify.services.LEADER_LOOKUP` by the app."""

from __future__ import annotations

from datetime import datetime

from gatehouse.core.errors import DomainError
from gatehouse.core.ids import parse_mobile
from gatehouse.guard.models import LeaderDuty
from gatehouse.sites.models import Site


def on_duty(site: Site, now: datetime) -> list[tuple[str, str]]:
    """(name, mobile) of each leader on duty at ``now`` with a usable mobile number."""
    found: list[tuple[str, str]] = []
    for duty in LeaderDuty.objects.filter(site=site, start__lte=now, end__gt=now).order_by(
        "start", "pk"
    ):
        try:
            phone = parse_mobile(duty.phone) if duty.phone else ""
        except DomainError:
            phone = ""
        if phone:
            found.append((duty.leader_name, phone))
    return found
