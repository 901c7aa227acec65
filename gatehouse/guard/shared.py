"""What every guard area reads: how a guard is named, the site's guard settings, who is staff,
Shanghai time, the register row and its stamps. What the services write with is in
``guard.writes``.

Neither a service nor a selector: both import it, it imports neither (nor any service).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from gatehouse.accounts.models import Membership, Role
from gatehouse.core.text import clean_text
from gatehouse.guard.models import GuardSettings, Photo
from gatehouse.sites.models import Site

SHANGHAI = ZoneInfo("Asia/Shanghai")
PHOTO_ACCEPT = "image/jpeg,image/png,image/webp"


def role_names(*roles: Any) -> tuple[str, ...]:
    """``Role`` (or ``NoticeAudience``) members as what they are, ``str``: the type checker, which
    reads Django without its stubs, takes a choices member for its ``(value, label)`` tuple."""
    return roles


GUARD_ROLES = role_names(Role.GUARD, Role.PATROL, Role.MONITORING, Role.SECURITY_MANAGER)


def guard_name(user: Any) -> str:
    """How the core, the registers and the ledger name a guard."""
    if user is None:
        return ""
    return (user.get_full_name() or user.get_username())[:60]


def items(values: Iterable[str] | str | None, limit: int = 100) -> tuple[str, ...]:
    """A list of matters / keys / equipment: one per line, blanks and repeats dropped."""
    if values is None:
        return ()
    if isinstance(values, str):
        values = values.splitlines()
    return tuple(dict.fromkeys(c for c in (clean_text(v, limit) for v in values) if c))


def settings_for(site: Site) -> GuardSettings:
    """The site's guard settings, or the defaults (unsaved) when none were set."""
    found = GuardSettings.objects.filter(site=site).first()
    return found if found is not None else GuardSettings(site=site)


def is_member(user: Any, site: Site, roles: Sequence[str] = GUARD_ROLES) -> bool:
    return Membership.objects.filter(user=user, site=site, role__in=list(roles)).exists()


def local_time(moment: datetime) -> datetime:
    return moment.astimezone(SHANGHAI)


def staff_of(site: Site, roles: Sequence[str] = GUARD_ROLES) -> QuerySet[Any]:
    """The active users holding one of ``roles`` at ``site``, by name."""
    return (
        get_user_model()
        .objects.filter(memberships__site=site, memberships__role__in=list(roles), is_active=True)
        .distinct()
        .order_by("username")
    )


def staff_member(site: Site, pk: Any) -> Any:
    """One of the site's guard staff by primary key, or None."""
    return staff_of(site).filter(pk=pk).first()


def photo_of(site: Site, pk: Any) -> Photo | None:
    return Photo.objects.filter(site=site, pk=pk).first()
