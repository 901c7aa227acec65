"""Reads of guard keys (SPEC S-08: who holds which key, handed over with the shift)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db.models import QuerySet

from gatehouse.core import guard as core
from gatehouse.guard.models import Key, KeyHandoff
from gatehouse.sites.models import Site


def key_custody(site: Site, now: datetime) -> core.KeyCustody:
    """S-08: who holds which key of ``site`` at ``now`` (decided by the core)."""
    keys = list(active_keys(site))
    events = [
        core.KeyEvent(h.key.label, h.at, h.to_holder or None, h.from_holder or None)
        for h in KeyHandoff.objects.filter(site=site, key__in=keys)
        .select_related("key")
        .order_by("at", "pk")
    ]
    return core.key_custody(keys=[k.label for k in keys], events=events, now=now)


def key_rows(site: Site, now: datetime) -> tuple[list[dict[str, Any]], core.KeyCustody]:
    custody = key_custody(site, now)
    keys = {k.label: k for k in Key.objects.filter(site=site, is_active=True)}
    rows = [
        {"key": keys[label], "holder": holder}
        for label, holder in custody.holders.items()
        if label in keys
    ]
    return rows, custody


def active_keys(site: Site) -> QuerySet[Key]:
    """The site's keys in use, by label."""
    return Key.objects.filter(site=site, is_active=True).order_by("label")


def keys_in(site: Site, pks: Iterable[Any]) -> list[Key]:
    return list(Key.objects.filter(site=site, pk__in=list(pks)))


def key_of(site: Site, pk: Any) -> Key | None:
    return Key.objects.filter(site=site, pk=pk).first()
