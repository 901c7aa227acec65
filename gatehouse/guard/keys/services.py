"""Writes of guard keys (SPEC S-08: who holds which key, handed over with the shift)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction

from gatehouse.accounts.actor import Actor
from gatehouse.core.errors import DomainError, InvalidInput
from gatehouse.core.text import clean_text
from gatehouse.guard.keys.selectors import key_custody
from gatehouse.guard.models import Key, KeyHandoff
from gatehouse.guard.writes import write_audit
from gatehouse.sites.models import Site


@transaction.atomic
def key_add(*, site: Site, actor: Actor, label: str, door: str, holder: str, now: datetime) -> Key:
    label, door, holder = clean_text(label, 60), clean_text(door, 100), clean_text(holder, 60)
    if not label or not door:
        raise InvalidInput("key.label", "请填写钥匙名称和对应的门", {"field": "label"})
    if Key.objects.filter(site=site, label=label).exists():
        raise DomainError("key.duplicate", "本场所已有同名钥匙")
    key = Key.objects.create(site=site, label=label, door=door)
    write_audit("guard.key.add", key, actor, now)
    if holder:
        KeyHandoff.objects.create(site=site, key=key, at=now, to_holder=holder, recorded_by=actor)
    return key


@dataclass(frozen=True)
class KeyHandResult:
    handoff: KeyHandoff
    irregular: bool  # handed over by someone the records do not show as the holder


@transaction.atomic
def key_hand(
    *, key: Key, actor: Actor, to_holder: str, now: datetime, from_holder: str | None = None
) -> KeyHandResult:
    """S-08: a key changes hands (``to_holder`` empty: lost). The giver defaults to the
    current holder; a giver who does not hold the key is recorded and flagged (``irregular``)."""
    current = key_custody(key.site, now).holders.get(key.label)
    giver = clean_text(from_holder, 60) if from_holder is not None else (current or "")
    handoff = KeyHandoff.objects.create(
        site=key.site,
        key=key,
        at=now,
        from_holder=giver,
        to_holder=clean_text(to_holder, 60),
        recorded_by=actor,
    )
    write_audit("guard.key.hand", handoff, actor, now)
    after = key_custody(key.site, now)
    irregular = any(e.key == key.label and e.at == now for e in after.irregular)
    return KeyHandResult(handoff, irregular)
