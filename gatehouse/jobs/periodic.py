"""The periodic jobs: each takes ``now`` and returns a one-line summary for the jobs page.
The management commands of old (``expire_requests``, ``check_devices`` …) and the scheduler's
worker call these same functions."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone


def expire_requests(now: datetime) -> str:
    from gatehouse.visitors.services import requests_expire

    return f"expired {requests_expire(now=now)}"


def flag_overstays(now: datetime) -> str:
    from gatehouse.registers.services import flag_overstays as flag
    from gatehouse.sites.models import Site

    total = sum(flag(site=s, now=now) for s in Site.objects.filter(is_active=True).order_by("pk"))
    return f"flagged {total}"


def vehicle_alerts(now: datetime) -> str:
    from gatehouse.vehicles.services import dwell_scan_all

    return f"alerts {dwell_scan_all(now=now)}"


def escalate_anomalies(now: datetime) -> str:
    from gatehouse.guard.incidents.services import anomalies_escalate, emergencies_advance
    from gatehouse.guard.patrol.services import patrol_flag_missed
    from gatehouse.sites.models import Site

    escalated = called = missed = 0
    for site in Site.objects.filter(is_active=True).order_by("pk"):
        escalated += anomalies_escalate(site=site, now=now)
        called += emergencies_advance(site=site, now=now)
        missed += patrol_flag_missed(site=site, now=now)
    return f"escalated {escalated}, calls {called}, missed checkpoints {missed}"


def spot_check(now: datetime) -> str:
    from gatehouse.guard.duties.services import spot_check_run
    from gatehouse.sites.models import Site

    total = 0
    for site in Site.objects.filter(is_active=True).order_by("pk"):
        _check, fresh = spot_check_run(site=site, as_of=now, days=7)
        total += fresh
    return f"findings {total}"


def lease_renewals(now: datetime) -> str:
    from gatehouse.parking.services import lease_renewals as lapse

    return f"lapsed {len(lapse(today=timezone.localdate(now), now=now))}"


def land_deadlines(now: datetime) -> str:
    from gatehouse.admission.services import land_deadlines_raise
    from gatehouse.sites.models import Site, SiteKind

    parks = Site.objects.filter(is_active=True, kind=SiteKind.INDUSTRIAL_PARK).order_by("pk")
    return f"raised {sum(land_deadlines_raise(site=s, now=now) for s in parks)}"


def purge_goods(now: datetime) -> str:
    from gatehouse.goods.services import goods_purge

    done = goods_purge(today=timezone.localdate(now), now=now)
    return f"slips {done.slips}, register rows {done.releases}"


def purge_plate_pictures(now: datetime) -> str:
    from gatehouse.vehicles.cameras import purge_pictures

    return f"pictures {purge_pictures(now=now)}"


def check_devices(now: datetime) -> str:
    """Devices offline too long, the edge agents' health, and ended visitor codes taken off the
    terminals (the device worker did these in its rounds before the scheduler)."""
    from gatehouse.devices.alarms import devices_check
    from gatehouse.devices.sync import forget_ended_codes
    from gatehouse.edge.health import edges_check

    checked = devices_check(now=now)
    edges = edges_check(now=now)
    forgotten = forget_ended_codes(now)
    return (
        f"offline {checked.offline}, raised {len(checked.raised)}, cleared "
        f"{len(checked.cleared)}; edge raised {len(edges.raised)}, ended {len(edges.ended)}; "
        f"codes deleted {forgotten.deleted}"
    )


def check_epidemic(now: datetime) -> str:
    from gatehouse.epidemic.services import alerts_scan_all

    return f"alerts {alerts_scan_all(now=now)}"


def check_repairs(now: datetime) -> str:
    from gatehouse.repairs.services import overdue_scan
    from gatehouse.sites.models import Site

    sites = Site.objects.filter(is_active=True).order_by("pk")
    return f"overdue {sum(len(overdue_scan(site=s, now=now)) for s in sites)}"


def purge_device_requests(now: datetime) -> str:
    from gatehouse.jobs.purge import device_requests_purge

    return f"deleted {device_requests_purge(now=now)}"


def purge_job_runs(now: datetime) -> str:
    from gatehouse.jobs.purge import job_runs_purge

    return f"deleted {job_runs_purge(now=now)}"


def maintain_event_partitions(now: datetime) -> str:
    from gatehouse.gate import partitions

    if not partitions.is_partitioned():
        return "not partitioned (SQLite)"
    created = partitions.ensure(now)
    return f"created {len(created)}" + (f": {', '.join(created)}" if created else "")


def purge_events(now: datetime) -> str:
    from gatehouse.gate.retention import purge_all

    done = purge_all(now=now)
    events = sum(p.events for p in done)
    dropped = [name for p in done for name in p.dropped]
    return f"sites {len(done)}, deleted {events}, partitions dropped {len(dropped)}"
