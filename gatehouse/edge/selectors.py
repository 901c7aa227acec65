"""What a gate of a site needs to decide people without the server, read as plain JSON records
(``(kind, key) -> data``, :mod:`gatehouse.core.edge`): the same columns the gate package reads
for a decision (:mod:`gatehouse.gate.facts`, :mod:`gatehouse.gate.reads`), nothing else. Card
numbers and QR tokens travel as their SHA-256 only; ID numbers as the keyed hash the server
keeps. No writes here."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Q

from gatehouse.campus.models import LeavePass
from gatehouse.core.access import CredentialKind
from gatehouse.core.edge import lookup_digest
from gatehouse.devices.models import Device
from gatehouse.epidemic.models import ReturneeCase
from gatehouse.people.models import BlacklistEntry, BlacklistKind, Credential, Person
from gatehouse.sites.models import Lane, Site
from gatehouse.visitors.models import Invitation, Pass

type Records = dict[tuple[str, str], dict[str, Any]]

#: The credentials a people lane reads (a parking card too: it is refused there, P-01).
PEOPLE_CREDENTIALS = (
    CredentialKind.OWNER_CARD,
    CredentialKind.PARKING_CARD,
    CredentialKind.STAFF_BADGE,
    CredentialKind.QR,
)


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _raw(value: Any) -> Any:
    """A policy column as stored, in JSON: a number or a time as text, the rest as is (the edge
    hands it to the core's policy reader, which names what it cannot read)."""
    if value is None or isinstance(value, bool | int | str):
        return value
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def site_records(site: Site, *, now: datetime) -> Records:
    """Every record of ``site``'s snapshot at ``now``. Invitations and passes whose window has
    ended are left out (their removal reaches the edges as a tombstone)."""
    records: Records = {
        ("site", "site"): {
            "id": site.pk,
            "code": site.code,
            "mode": site.mode,
            "anti_passback": site.anti_passback,
            "fever_threshold": _raw(site.fever_threshold),
            "visit_minutes": site.visit_minutes,
            "work_starts": _raw(site.work_starts),
            "work_ends": _raw(site.work_ends),
            "commute_minutes": site.commute_minutes,
            # schema 2 (T3-01): a campus's school hours, read by the core as the server reads
            # its columns (:func:`gatehouse.core.campus.school_hours`)
            "kind": site.kind,
            "school_starts": _raw(site.school_starts),
            "school_ends": _raw(site.school_ends),
        }
    }
    for lane in Lane.objects.filter(gate__site=site).select_related("gate"):
        records[("lane", str(lane.pk))] = {
            "id": lane.pk,
            "gate": lane.gate.code,
            "code": lane.code,
            "kind": lane.kind,
            "direction": lane.direction,
            "open_when_tightened": lane.gate.open_when_tightened,
        }
    live_devices = Device.objects.filter(site=site, revoked_at__isnull=True).exclude(key_hash="")
    for device in live_devices:
        records[("device", str(device.pk))] = {
            "id": device.pk,
            "name": device.name,
            "kind": device.kind,
            "key_hash": device.key_hash,
            "lane_id": device.lane_id,
        }
    # People and credentials are the bulk of a site (50,000 and more): read as plain tuples.
    people = Person.objects.filter(site=site).values_list(
        "pk", "kind", "is_active", "id_number_hash", "edge_always_admitted"
    )
    for pk, kind, active, id_hash, always in people:
        records[("person", str(pk))] = {
            "id": pk,
            "kind": kind,
            "active": active,
            "id_number_hash": id_hash,
            "always_admitted": always,  # §12: passes even when the edge's snapshot is unusable
        }
    credentials = Credential.objects.filter(site=site, kind__in=PEOPLE_CREDENTIALS).values_list(
        "pk",
        "kind",
        "number",
        "person_id",
        "status",
        "status_changed_at",
        "valid_from",
        "valid_until",
    )
    for pk, kind, number, person_id, status, changed, valid_from, valid_until in credentials:
        records[("credential", str(pk))] = {
            "id": pk,
            "kind": kind,
            "number_hash": lookup_digest(number),
            "person_id": person_id,
            "status": status,
            "status_changed_at": _iso(changed),
            "valid_from": _iso(valid_from),
            "valid_until": _iso(valid_until),
        }
    in_force = Q(expires_at__isnull=True) | Q(expires_at__gt=now)
    for entry in BlacklistEntry.objects.filter(
        in_force, site=site, kind=BlacklistKind.PERSON, lifted_at__isnull=True
    ):
        records[("blacklist", str(entry.pk))] = {
            "id": entry.pk,
            "person_id": entry.person_id,
            "id_number_hash": entry.id_number_hash,
            "starts_at": _iso(entry.starts_at),
            "expires_at": _iso(entry.expires_at),
        }
    for inv in Invitation.objects.filter(site=site, window_end__gt=now):
        records[("invitation", str(inv.pk))] = {
            "id": inv.pk,
            "token_hash": lookup_digest(inv.token),
            "window_start": _iso(inv.window_start),
            "window_end": _iso(inv.window_end),
            "max_uses": inv.max_uses,
            "uses": inv.uses,
            # a parent's booking the teacher has not confirmed admits no one offline (T3-02)
            "revoked": inv.revoked_at is not None
            or (inv.needs_confirmation and inv.confirmed_at is None),
        }
    for p in Pass.objects.filter(site=site, valid_until__gt=now):
        records[("pass", str(p.pk))] = {
            "id": p.pk,
            "kind": p.kind,
            "token_hash": lookup_digest(p.token),
            "id_number_hash": p.id_number_hash,
            "valid_from": _iso(p.valid_from),
            "valid_until": _iso(p.valid_until),
            "revoked": p.revoked_at is not None,
        }
    # schema 2, M-03: open home-monitoring cases not over yet (a closed or ended case leaves
    # as a tombstone); only the person and the end travel, nothing of the case itself.
    cases = ReturneeCase.objects.filter(
        site=site, closed_at__isnull=True, monitor_until__gt=now
    ).values_list("pk", "person_id", "monitor_until")
    for pk, person_id, until in cases:
        records[("returnee", str(pk))] = {
            "id": pk,
            "person_id": person_id,
            "until": _iso(until),
        }
    # schema 2, T3-01: students' leave passes not over yet, used or revoked ones included so
    # the edge refuses with the server's own reason; the reason and who picks up stay here.
    if site.kind == "campus":
        passes = LeavePass.objects.filter(site=site, window_end__gt=now).values_list(
            "pk", "student_id", "window_start", "window_end", "used_at", "revoked_at"
        )
        for pk, student_id, start, end, used_at, revoked_at in passes:
            records[("leave_pass", str(pk))] = {
                "id": pk,
                "student_id": student_id,
                "window_start": _iso(start),
                "window_end": _iso(end),
                "used": used_at is not None,
                "revoked": revoked_at is not None,
            }
    return records
