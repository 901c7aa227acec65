"""M-05 (T8·2): the unified entrances (合并出入口) a lane's site is merged behind, as the gate
reads them.

A site in a merger points at it (``Site.unified_entrance``), and the site row comes with every
decision anyway (the device query, the booth's lane), so a site in no merger costs nothing. A
merger never changes once set up — ending it clears its members' pointers — so its members, its
entrances and its window are loaded once per process (three small queries) and kept by its id:
at most one small cached lookup a decision. Saving or deleting a merger clears the cache of the
process that did it; other processes never meet a changed merger, since a changed one is an
ended one, and no site points at it any more."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models.signals import m2m_changed, post_delete, post_save

from gatehouse.core.access import MergerFacts
from gatehouse.epidemic.models import UnifiedEntrance
from gatehouse.sites.models import Gate, Lane, Site


@dataclass(frozen=True)
class Merger:
    pk: int
    name: str
    members: frozenset[int]  # the member sites' ids
    gates: frozenset[int]  # the unified entrances' gate ids
    entrances: tuple[str, ...]  # their names, for the refusal at the other gates
    valid_from: datetime
    valid_until: datetime | None
    ended: bool

    def facts(self, gate_id: int) -> MergerFacts | None:
        if self.ended:
            return None
        return MergerFacts(
            name=self.name,
            entrances=self.entrances,
            valid_from=self.valid_from,
            valid_until=self.valid_until,
            designated=gate_id in self.gates,
        )


_CACHE: dict[int, Merger] = {}
_CACHE_MAX = 256


def merger_of(site: Site) -> Merger | None:
    """The merger ``site`` points at, from the process's cache or loaded once."""
    pk = site.unified_entrance_id
    if pk is None:
        return None
    found = _CACHE.get(pk)
    if found is None:
        found = _load(pk)
        if found is None:
            return None
        if len(_CACHE) >= _CACHE_MAX:
            _CACHE.clear()
        _CACHE[pk] = found
    return found


def _load(pk: int) -> Merger | None:
    row = UnifiedEntrance.objects.filter(pk=pk).first()
    if row is None:
        return None
    members = frozenset(row.members.values_list("pk", flat=True))
    gates = list(
        Gate.objects.filter(pk__in=row.gates.values("pk"))
        .select_related("site")
        .order_by("site__name", "code")
    )
    many = len({g.site_id for g in gates}) > 1
    return Merger(
        pk=row.pk,
        name=row.name,
        members=members,
        gates=frozenset(g.pk for g in gates),
        entrances=tuple(f"{g.site.name}{g.name}" if many else g.name for g in gates),
        valid_from=row.valid_from,
        valid_until=row.valid_until,
        ended=row.ended_at is not None,
    )


def merger_facts(lane: Lane) -> MergerFacts | None:
    """What the core judges of the merger at ``lane``: None when its site is in none."""
    merger = merger_of(lane.gate.site)
    return merger.facts(lane.gate_id) if merger is not None else None


def other_members(lane: Lane, when: datetime) -> tuple[int, ...]:
    """The other member sites whose people ``lane`` admits at ``when``: those of a running
    merger when the lane is one of its unified entrances, else none."""
    site = lane.gate.site
    merger = merger_of(site)
    if merger is None:
        return ()
    facts = merger.facts(lane.gate_id)
    if facts is None or not facts.designated or not facts.active(when):
        return ()
    return tuple(sorted(merger.members - {site.pk}))


def forget(*_: Any, **__: Any) -> None:
    """Clear the process's cache (a merger was set up, ended or deleted here)."""
    _CACHE.clear()


post_save.connect(forget, sender=UnifiedEntrance, weak=False, dispatch_uid="gate.merger.save")
post_delete.connect(forget, sender=UnifiedEntrance, weak=False, dispatch_uid="gate.merger.del")
m2m_changed.connect(forget, sender=UnifiedEntrance.members.through, weak=False)
m2m_changed.connect(forget, sender=UnifiedEntrance.gates.through, weak=False)
