"""The retention purge of the access event log (issue 18 §4; the rule in
:mod:`gatehouse.core.retention`).

Each site with a retention (``Site.event_retention_days``) loses, once a day, the events that
passed before its cutoff. The removed chain numbers are cut into runs and each run leaves a
sealed :class:`EventChainAnchor` (adjacent runs, this purge's and an earlier one's, are one
anchor), so ``verify_events`` walks across the gap. The delete triggers let these deletes
through only here: on PostgreSQL the transaction sets ``gatehouse.purge``; on SQLite the trigger
is dropped and made again inside the transaction. On PostgreSQL the monthly partitions the purge
empties are then dropped (:func:`gatehouse.gate.partitions.drop_empty_before`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.db import connection, transaction

from gatehouse.access.models import AccessEvent, EventChainAnchor
from gatehouse.core import chain as core_chain
from gatehouse.core import retention
from gatehouse.gate import partitions
from gatehouse.gate.chain import key

BATCH = 20_000  # chain numbers a transaction removes

SQLITE_NO_DELETE = (
    "CREATE TRIGGER access_accessevent_no_delete BEFORE DELETE ON access_accessevent "
    "BEGIN SELECT RAISE(ABORT, 'access events cannot be deleted'); END;"
)


@dataclass
class Purged:
    site_id: int
    events: int = 0
    anchors: list[tuple[int, int]] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)


def anchor_seal(anchor: EventChainAnchor) -> str:
    return core_chain.anchor_seal(
        key(),
        anchor.site_id,
        anchor.first_seq,
        anchor.last_seq,
        anchor.before_hash,
        anchor.last_hash,
        anchor.cutoff.astimezone(UTC).isoformat(),  # as stored, whatever zone it came in
    )


def _seal_before(site_id: int, seq: int) -> str:
    """The seal the chain holds just before number ``seq``: the event's, or the anchor's that
    ends there, or the genesis."""
    if seq <= 1:
        return core_chain.GENESIS
    stored = (
        AccessEvent.objects.filter(site_id=site_id, seq=seq - 1)
        .values_list("chain_hash", flat=True)
        .first()
    )
    if stored is not None:
        return stored
    anchor = EventChainAnchor.objects.filter(site_id=site_id, last_seq=seq - 1).first()
    if anchor is None:
        raise RuntimeError(f"site {site_id}: seq {seq - 1} is neither stored nor anchored")
    return anchor.last_hash


def _delete(site_id: int, first: int, last: int, cut: datetime) -> int:
    table = AccessEvent._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(partitions.ALLOW_PURGE)
        else:
            cursor.execute("DROP TRIGGER IF EXISTS access_accessevent_no_delete")
        cursor.execute(
            f"DELETE FROM {table} WHERE site_id = %s AND seq BETWEEN %s AND %s AND at < %s",  # noqa: S608 (name from model metadata, values bound)
            [site_id, first, last, cut],
        )
        count = cursor.rowcount
        if connection.vendor != "postgresql":
            cursor.execute(SQLITE_NO_DELETE)
    return int(count)


def _anchor(site_id: int, first: int, last: int, cut: datetime, now: datetime) -> None:
    """Record the run ``first``..``last`` as removed, joined to the anchors beside it."""
    before_hash = _seal_before(site_id, first)
    last_hash = (
        AccessEvent.objects.filter(site_id=site_id, seq=last)
        .values_list("chain_hash", flat=True)
        .get()
    )
    earlier = EventChainAnchor.objects.filter(site_id=site_id, last_seq=first - 1).first()
    later = EventChainAnchor.objects.filter(site_id=site_id, first_seq=last + 1).first()
    if earlier is not None:
        first, before_hash = earlier.first_seq, earlier.before_hash
        earlier.delete()
    if later is not None:
        last, last_hash = later.last_seq, later.last_hash
        later.delete()
    anchor = EventChainAnchor(
        site_id=site_id,
        first_seq=first,
        last_seq=last,
        before_hash=before_hash,
        last_hash=last_hash,
        cutoff=cut,
        purged_at=now,
    )
    anchor.seal = anchor_seal(anchor)
    anchor.save()


def purge_site(*, site_id: int, days: int | None, now: datetime, batch: int = BATCH) -> Purged:
    """Remove site ``site_id``'s events older than its retention of ``days`` (none for
    ``None``), ``batch`` chain numbers a transaction, anchoring each run."""
    done = Purged(site_id)
    cut = retention.cutoff(now, days)
    if cut is None:
        return done
    while True:
        with transaction.atomic():
            seqs = list(
                AccessEvent.objects.filter(site_id=site_id, at__lt=cut, seq__isnull=False)
                .order_by("seq")
                .values_list("seq", flat=True)[:batch]
            )
            if not seqs:
                break
            for first, last in retention.runs(seqs):
                _anchor(site_id, first, last, cut, now)
                done.events += _delete(site_id, first, last, cut)
                done.anchors.append((first, last))
        if len(seqs) < batch:
            break
    return done


def purge_all(*, now: datetime) -> list[Purged]:
    """The daily job: every site with a retention, then the emptied months dropped."""
    from gatehouse.sites.models import Site

    done = []
    kept = Site.objects.filter(event_retention_days__isnull=False).values_list(
        "pk", "event_retention_days"
    )
    for site_id, days in kept:
        done.append(purge_site(site_id=site_id, days=days, now=now))
    if done and partitions.is_partitioned():
        earliest = min(c for _, d in kept if (c := retention.cutoff(now, d)) is not None)
        done[0].dropped = partitions.drop_empty_before(earliest)
    return done
