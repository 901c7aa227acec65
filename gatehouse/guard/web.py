"""The guard areas' view kit: the role sets of the pages, the site of the request, a register's
table and xlsx, the staff pickers, one POST against one service, a record of another site as 404,
and the photo page (a patrol scan's or an anomaly's).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import PurePath
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET

from gatehouse.accounts.models import Role
from gatehouse.console.context import state_with
from gatehouse.console.http import register_xlsx
from gatehouse.core.errors import DomainError
from gatehouse.guard.shared import (
    GUARD_ROLES,
    guard_name,
    photo_of,
    role_names,
    staff_member,
    staff_of,
)
from gatehouse.registers.engine import Row

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


def xlsx(title: Any, site: Any, columns: Any, rows: Iterable[Row]) -> FileResponse:
    return register_xlsx(title, site, columns, (row.cells for row in rows))


def user_choices(site: Any, roles: Any = GUARD_ROLES) -> list[tuple[str, str]]:
    return [(str(u.pk), guard_name(u)) for u in staff_of(site, roles)]


def pick_user(site: Any, pk: Any) -> Any:
    found = staff_member(site, pk)
    if found is None:
        raise DomainError("user.unknown", "所选人员不是本场所的安保人员")
    return found


def fail(request: HttpRequest, exc: DomainError) -> None:
    messages.error(request, exc.message)


def act(request: HttpRequest, call: Callable[[], object], done: str, to: str) -> HttpResponse:
    """One service call for a POST, then back to ``to``: ``done`` on success, the refusal's
    Chinese message otherwise (nothing was written then)."""
    try:
        call()
    except DomainError as exc:
        fail(request, exc)
    else:
        if done:
            messages.success(request, done)
    return redirect(to)


@login_required
@require_GET
def photo(request: HttpRequest, pk: int) -> FileResponse:
    state = state_with(request, REPORTERS)
    p = found(photo_of(state.site, pk))
    kind = PHOTO_TYPES.get(PurePath(p.name).suffix.lower(), "application/octet-stream")
    return FileResponse(p.file.open("rb"), content_type=kind)


def found[T](obj: T | None) -> T:
    """The record a selector found for the request's site; another site's (or none) is 404."""
    if obj is None:
        raise Http404
    return obj
