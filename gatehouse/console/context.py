"""Template context for every console page: the user's sites, the current site and roles.

The current site is the one the user picked with the site switcher (kept in the session), else
the first of :func:`~gatehouse.accounts.selectors.sites_for`. A site id left in the session that
the user may no longer see is ignored. The state is computed once per request.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from gatehouse.accounts.selectors import STAFF_ROLES, roles_at, sites_for
from gatehouse.console import nav
from gatehouse.sites.models import Site

SESSION_SITE_KEY = "gatehouse_site_id"
_CACHE_ATTR = "_gatehouse_console_state"


@dataclass
class ConsoleState:
    sites: list[Site] = field(default_factory=list)
    site: Site | None = None
    roles: list[str] = field(default_factory=list)  # held at ``site``, in display order
    is_superuser: bool = False

    def has_any(self, roles: frozenset[str] | set[str]) -> bool:
        return bool(set(self.roles) & set(roles))

    @property
    def is_staff_here(self) -> bool:
        return self.has_any(STAFF_ROLES)

    @property
    def role_labels(self) -> list[str]:
        return [nav.role_label(r) for r in self.roles]


@dataclass
class SiteState(ConsoleState):
    """The console state of a page that works at one site (what :func:`state_with` answers):
    the same state, its ``site`` known to be there."""

    site: Site = field(kw_only=True)


def console_state(request: HttpRequest) -> ConsoleState:
    cached = getattr(request, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    user = getattr(request, "user", None)
    state = ConsoleState()
    if user is not None and user.is_authenticated:
        state.is_superuser = bool(user.is_superuser)
        state.sites = list(sites_for(user))
        wanted = request.session.get(SESSION_SITE_KEY)
        by_id = {s.pk: s for s in state.sites}
        state.site = by_id.get(wanted) if wanted is not None else None
        if state.site is None and state.sites:
            state.site = state.sites[0]
        if state.site is not None:
            state.roles = nav.ordered_roles(roles_at(user, state.site))
    setattr(request, _CACHE_ATTR, state)
    return state


def state_with(request: HttpRequest, roles: frozenset[str] | set[str]) -> SiteState:
    """The console state, provided the user holds one of ``roles`` at the current site (else 403).

    Every console page of a role starts here, so the site of every read and write is the one
    the user is working at."""
    state = console_state(request)
    if state.site is None or not state.has_any(roles):
        raise PermissionDenied
    return SiteState(
        sites=state.sites, site=state.site, roles=state.roles, is_superuser=state.is_superuser
    )


def site_with(request: HttpRequest, roles: frozenset[str] | set[str]) -> Site:
    """The current site, provided the user holds one of ``roles`` there (else 403)."""
    return state_with(request, roles).site


def select_site(request: HttpRequest, site_id: int) -> Site | None:
    """Make ``site_id`` the current site if the user may see it; return it (None: refused)."""
    state = console_state(request)
    site = next((s for s in state.sites if s.pk == site_id), None)
    if site is None:
        return None
    request.session[SESSION_SITE_KEY] = site.pk
    if hasattr(request, _CACHE_ATTR):
        delattr(request, _CACHE_ATTR)
    return site


def console(request: HttpRequest) -> dict[str, Any]:
    """Lazy: a page that never mentions them (the admin's) costs no query."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "console": SimpleLazyObject(lambda: console_state(request)),
        "current_site": SimpleLazyObject(lambda: console_state(request).site),
        "nav_features": SimpleLazyObject(lambda: nav.features_for(console_state(request).roles)),
        "nav_bar": SimpleLazyObject(lambda: nav.bar_for(console_state(request).roles)),
    }
