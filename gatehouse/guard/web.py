"""What the guard areas' pages share on top of the console view kit (``console.http`` and
``console.pages``): the role sets of the pages, the desk a page works at, the finders of a row
the URL names, the staff pickers and the photo page (a patrol scan's or an anomaly's); a
register's xlsx and PDF are :mod:`gatehouse.registers.downloads`'.

Every guard page is a :class:`~gatehouse.console.pages.RecordPage` whose record is the
:class:`Desk`: the user's site (for one of the page's roles, else 403), the request and the time.
A form posted to the page, or to a row of it, is an ``Action``: the service's refusal lands on
its field and the page is shown again (422, nothing written); success says so and goes back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import PurePath
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest
from django.utils import timezone
from django.views.decorators.http import require_GET

from gatehouse.accounts.models import Role
from gatehouse.console.context import state_with
from gatehouse.console.pages import RecordPage, found_or_404, item_of
from gatehouse.core.errors import DomainError
from gatehouse.guard.shared import (
    GUARD_ROLES,
    guard_name,
    photo_of,
    role_names,
    staff_member,
    staff_of,
)
from gatehouse.sites.models import Site

MANAGER = frozenset(role_names(Role.SECURITY_MANAGER))
BOOTH = frozenset(role_names(Role.GUARD, Role.SECURITY_MANAGER))
PATROL = frozenset(role_names(Role.PATROL, Role.SECURITY_MANAGER))
MONITORING = frozenset(role_names(Role.MONITORING, Role.SECURITY_MANAGER))
REPORTERS = frozenset(role_names(Role.GUARD, Role.PATROL, Role.MONITORING, Role.SECURITY_MANAGER))
REGISTERS = frozenset(role_names(Role.GUARD, Role.MONITORING, Role.PATROL, Role.SECURITY_MANAGER))
HOTLINE = frozenset(role_names(Role.MONITORING, Role.FRONT_DESK, Role.SECURITY_MANAGER))
COUNT_LIMIT = 10000  # rows a register page counts; its export has every row
CLEANING = frozenset(role_names(Role.GUARD, Role.SECURITY_MANAGER))
PHOTO_TYPES = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".webp": "image/webp",
}


@dataclass(frozen=True)
class Desk:
    """Where a guard page works: the user's site, their roles there, the request and the time."""

    request: HttpRequest
    site: Site
    roles: list[str]
    now: datetime

    @property
    def user(self) -> Any:
        return self.request.user

    @property
    def manager(self) -> bool:
        return Role.SECURITY_MANAGER in self.roles


def desk(roles: frozenset[str]) -> Callable[..., Desk]:
    """A page's loader: the desk of a user holding one of ``roles`` at the site (else 403)."""

    def load(request: HttpRequest, **_kwargs: Any) -> Desk:
        state = state_with(request, roles)
        return Desk(request, state.site, state.roles, timezone.now())

    return load


def desk_page(
    name: str, roles: frozenset[str], context: Callable[..., dict[str, Any]], **more: Any
) -> RecordPage:
    """The guard page ``guard/<name>.html`` (URL name ``guard:<name>``) at the desk of a user
    holding one of ``roles``; ``more`` are the rest of the page (its actions, ``field_of``)."""
    return RecordPage(
        template=f"guard/{name}.html",
        url_name=f"guard:{name}",
        context=context,
        load=desk(roles),
        url_kwargs=lambda at: {},
        **more,
    )


def row[T](
    roles: frozenset[str], find: Callable[[Desk, int], T | None]
) -> Callable[..., tuple[Desk, Any]]:
    """An action's ``item``: the desk and what ``find(desk, pk)`` finds at its site, or 404."""
    return item_of(desk(roles), find)


def managers(roles: frozenset[str]) -> Callable[..., tuple[Desk, Desk]]:
    """An action's ``item`` for a form on a page of ``roles`` that only the manager may send
    (anyone else: 404, as if the form were not there — it is not shown to them)."""
    load = desk(roles)

    def item(request: HttpRequest) -> tuple[Desk, Desk]:
        at = load(request)
        if not at.manager:
            raise Http404
        return at, at

    return item


class Confirm(forms.Form):
    """The form of a button: nothing to fill in; a refusal stands above the button."""


def user_choices(site: Any, roles: Any = GUARD_ROLES) -> list[tuple[str, str]]:
    return [(str(u.pk), guard_name(u)) for u in staff_of(site, roles)]


def pick_user(site: Any, pk: Any, field: str = "") -> Any:
    """The site's guard chosen in ``field`` (a refusal names that field)."""
    picked = staff_member(site, pk)
    if picked is None:
        raise DomainError("user.unknown", "所选人员不是本场所的安保人员", {"field": field})
    return picked


@login_required
@require_GET
def photo(request: HttpRequest, pk: int) -> FileResponse:
    state = state_with(request, REPORTERS)
    p = found_or_404(photo_of(state.site, pk))
    kind = PHOTO_TYPES.get(PurePath(p.name).suffix.lower(), "application/octet-stream")
    return FileResponse(p.file.open("rb"), content_type=kind)
