"""Reconciliation of the terminals Gatehouse keeps in sync: ask each terminal what it holds
(``UserInfo/Search``, ``CardInfo/Search``, every page) and queue what repairs the drift
(:func:`gatehouse.devices.sync.reconcile_device`). A new terminal's initial sync is the same
run against its empty list. ``manage.py reconcile_terminals`` runs it (cron: hourly)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from gatehouse.devices.adapters.hikvision.driver import client_for
from gatehouse.devices.models import Device
from gatehouse.devices.outbox import DeliveryError
from gatehouse.devices.sync import Queued, read_terminal, reconcile_device, terminals
from gatehouse.sites.models import Site


@dataclass
class Reconciled:
    device: Device
    queued: Queued | None
    error: str = ""
    requests: int = 0


def reconcile(device: Device, now: datetime) -> Reconciled:
    """Compare one terminal with what it should hold and queue the repairs; a terminal that
    cannot be read is reported (nothing is queued: it is not known to be wrong)."""
    try:
        with client_for(device) as client:
            held = read_terminal(client)
            requests = client.requests
    except DeliveryError as exc:
        return Reconciled(device, None, str(exc))
    return Reconciled(device, reconcile_device(device, now, held), requests=requests)


def reconcile_all(now: datetime, *, site: Site | None = None) -> list[Reconciled]:
    sites = [site] if site is not None else list(Site.objects.filter(is_active=True))
    return [reconcile(d, now) for s in sites for d in terminals(s.pk)]


@dataclass
class CaughtUp:
    """Events fetched from a terminal: newly recorded, already recorded, not passages."""

    recorded: int = 0
    replayed: int = 0
    skipped: int = 0
    error: str = ""


def catch_up_events(device: Device, now: datetime, *, start: datetime, end: datetime) -> CaughtUp:
    """Fetch the terminal's stored access events between ``start`` and ``end`` (``AcsEvent``
    search) and record those Gatehouse missed (its push was down); each event's ``serialNo``
    is its nonce, so those already recorded are not recorded twice."""
    from gatehouse.devices.adapters.hikvision import isapi
    from gatehouse.devices.terminals import record_event

    result = CaughtUp()
    try:
        with client_for(device) as client:
            events = list(client.events(isapi.local_time(start), isapi.local_time(end)))
    except DeliveryError as exc:
        result.error = str(exc)
        return result
    for event in events:
        if not event.is_passage:
            result.skipped += 1
            continue
        answer = record_event(device=device, event=event, now=now)
        if answer.body.get("replayed"):
            result.replayed += 1
        else:
            result.recorded += 1
    return result
