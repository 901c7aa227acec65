"""Alerts on an edge's health (issue 15 §Health): the periodic check the device worker runs.

Each live edge's report (when the server last heard from it, what it last reported in its
``X-Edge-*`` headers: :class:`~gatehouse.edge.models.EdgeStatus`) is judged by the core
(:func:`gatehouse.core.edge.edge_troubles`, thresholds in settings: ``GATEHOUSE_EDGE_*``).
A trouble is one episode (:class:`~gatehouse.edge.models.EdgeEpisode`) however many checks see
it: opened when first seen, one notice to the monitoring centre when it has lasted long enough,
closed when a check no longer sees it. Closing an alerted episode clears its notice
(acknowledged by the system) and is audited; an episode that ended before it was alerted leaves
nothing behind. A later trouble of the same kind is a new episode and a new notice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction

from gatehouse.access.models import Notice, NoticeAudience
from gatehouse.audit.services import audit_record
from gatehouse.core.edge import EdgeLimits, EdgeReport, EdgeTrouble, Trouble, edge_troubles
from gatehouse.devices.models import Device, DeviceKind
from gatehouse.edge.models import EdgeEpisode, EdgeStatus
from gatehouse.sites.models import Site


def limits() -> EdgeLimits:
    """The thresholds of the check, from settings."""
    return EdgeLimits(
        silent_after=timedelta(seconds=settings.GATEHOUSE_EDGE_SILENT_SECONDS),
        stale_after=timedelta(seconds=settings.GATEHOUSE_EDGE_STALE_SECONDS),
        backlog_above=settings.GATEHOUSE_EDGE_BACKLOG,
        backlog_for=timedelta(seconds=settings.GATEHOUSE_EDGE_BACKLOG_SECONDS),
    )


@dataclass
class EdgesChecked:
    """What one check did: episodes alerted and ended (``<edge name>: <kind>``), open now."""

    raised: list[str] = field(default_factory=list)
    ended: list[str] = field(default_factory=list)
    open: int = 0


def report_of(edge: Device, status: EdgeStatus | None) -> EdgeReport:
    """What the server knows of ``edge``: heard from at its latest request (a live edge never
    heard from counts from its key's issue), and its last report."""
    times = [edge.last_seen_at]
    if status is not None:
        times += [status.reported_at, status.served_at]
    known = [t for t in times if t is not None]
    heard = max(known) if known else edge.key_issued_at
    if status is None:
        return EdgeReport(heard_at=heard)
    return EdgeReport(
        heard_at=heard,
        reported_at=status.reported_at,
        snapshot_issued_at=status.snapshot_issued_at,
        pending=status.pending,
    )


def edges_check(*, now: datetime, site: Site | None = None) -> EdgesChecked:
    """Judge every live edge (of ``site`` when given) at ``now``: open, alert and close its
    episodes."""
    edges = Device.objects.filter(kind=DeviceKind.EDGE, revoked_at__isnull=True).exclude(
        key_hash=""
    )
    if site is not None:
        edges = edges.filter(site=site)
    found = list(edges.select_related("site").order_by("pk"))
    statuses = {s.device_id: s for s in EdgeStatus.objects.filter(device__in=found)}
    opened: dict[int, dict[str, EdgeEpisode]] = {}
    for episode in EdgeEpisode.objects.filter(edge__in=found, ended_at__isnull=True):
        opened.setdefault(episode.edge_id, {})[episode.kind] = episode
    result = EdgesChecked()
    bounds = limits()
    for edge in found:
        episodes = opened.get(edge.pk, {})
        troubles = edge_troubles(
            report_of(edge, statuses.get(edge.pk)),
            limits=bounds,
            now=now,
            open_since={EdgeTrouble(e.kind): e.started_at for e in episodes.values()},
        )
        _apply(edge, troubles, episodes, now, result)
    return result


def _apply(
    edge: Device,
    troubles: list[Trouble],
    episodes: dict[str, EdgeEpisode],
    now: datetime,
    result: EdgesChecked,
) -> None:
    holding = {str(t.kind) for t in troubles}
    for trouble in troubles:
        episode = episodes.get(str(trouble.kind)) or _open(edge, trouble)
        if episode is None:
            continue  # a concurrent check opened it: that check goes on with it
        result.open += 1
        if trouble.due and episode.raised_at is None and _raise(edge, episode, trouble, now):
            result.raised.append(f"{edge.name}: {trouble.kind}")
    for kind, episode in episodes.items():
        if kind not in holding and _end(edge, episode, now):
            result.ended.append(f"{edge.name}: {kind}")


def _open(edge: Device, trouble: Trouble) -> EdgeEpisode | None:
    try:
        with transaction.atomic():
            return EdgeEpisode.objects.create(
                edge=edge,
                kind=str(trouble.kind),
                started_at=trouble.since,
                message=trouble.message[:300],
            )
    except IntegrityError:  # the open episode of this kind another check just made
        return None


@transaction.atomic
def _raise(edge: Device, episode: EdgeEpisode, trouble: Trouble, now: datetime) -> bool:
    """One notice per episode: the row is locked and only an episode not yet alerted is."""
    locked = EdgeEpisode.objects.select_for_update().filter(pk=episode.pk).first()
    if locked is None or locked.raised_at is not None or locked.ended_at is not None:
        return False
    notice = Notice.objects.create(
        site_id=edge.site_id,
        audience=NoticeAudience.MONITORING,
        kind=str(trouble.kind),
        message=f"{edge.name}：{trouble.message}"[:300],
        object_ref=f"edge-episode:{locked.pk}",
        created_at=now,
    )
    locked.raised_at, locked.notice, locked.message = now, notice, trouble.message[:300]
    locked.save(update_fields=["raised_at", "notice", "message"])
    episode.raised_at, episode.notice = now, notice
    audit_record(
        action="edge.trouble_alert",
        obj=locked,
        site=edge.site,
        after={"kind": locked.kind, "since": trouble.since, "notice": notice.pk},
        at=now,
    )
    return True


@transaction.atomic
def _end(edge: Device, episode: EdgeEpisode, now: datetime) -> bool:
    """Close an episode the check no longer sees: an alerted one is kept, ended, with its
    notice cleared and the end audited; one never alerted is forgotten."""
    locked = EdgeEpisode.objects.select_for_update().filter(pk=episode.pk).first()
    if locked is None or locked.ended_at is not None:
        return False
    if locked.raised_at is None:
        locked.delete()
        return False
    locked.ended_at = now
    locked.save(update_fields=["ended_at"])
    if locked.notice_id is not None:
        Notice.objects.filter(pk=locked.notice_id, acknowledged_at__isnull=True).update(
            acknowledged_at=now
        )
    audit_record(
        action="edge.trouble_ended",
        obj=locked,
        site=edge.site,
        after={"kind": locked.kind, "ended_at": now, "notice": locked.notice_id},
        at=now,
    )
    return True
