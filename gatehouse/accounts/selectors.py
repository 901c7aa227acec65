"""Who may see what: every record belongs to a site, a user sees only their sites."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet

from gatehouse.accounts.actor import RequestUser, signed_in
from gatehouse.accounts.models import Membership, Role
from gatehouse.sites.models import Site

if TYPE_CHECKING:
    from django.contrib.auth.models import User

# Roles that manage a site's master data in the admin (people, credentials, the site model).
ADMIN_ROLES = frozenset({Role.SECURITY_MANAGER, Role.FRONT_DESK, Role.PARK_COMMITTEE})
# Roles that see the site's people registry in the console.
STAFF_ROLES = frozenset(
    {
        Role.GUARD,
        Role.FRONT_DESK,
        Role.MONITORING,
        Role.PATROL,
        Role.SECURITY_MANAGER,
    }
)

# Roles that may see a person's full ID number and phone (each time audited with a reason).
REVEAL_ROLES = frozenset({Role.SECURITY_MANAGER})


def site_ids_for(user: RequestUser | None, roles: Iterable[str] | None = None) -> set[int]:
    """The ids of the sites where ``user`` holds one of ``roles`` (any role when None)."""
    if not signed_in(user) or not user.is_active:
        return set()
    if user.is_superuser:
        return set(Site.objects.values_list("pk", flat=True))
    qs = Membership.objects.filter(user=user, site__is_active=True)
    if roles is not None:
        qs = qs.filter(role__in=list(roles))
    return set(qs.values_list("site_id", flat=True))


def sites_for(user: RequestUser | None, roles: Iterable[str] | None = None) -> QuerySet[Site]:
    return Site.objects.filter(pk__in=site_ids_for(user, roles)).order_by("name")


def roles_at(user: RequestUser | None, site: Site) -> set[str]:
    if not signed_in(user):
        return set()
    if user.is_superuser:
        return {r.value for r in Role}
    return set(Membership.objects.filter(user=user, site=site).values_list("role", flat=True))


def can_admin(user: RequestUser | None) -> bool:
    return bool((user is not None and user.is_superuser) or site_ids_for(user, ADMIN_ROLES))


def roles_by_site(user: User) -> list[dict[str, Any]]:
    """The sites ``user`` sees, each with the roles held there (all roles for a superuser)."""
    if user.is_superuser:
        every_role = [{"code": r.value, "label": str(r.label)} for r in Role]
        return [
            {"id": s.pk, "code": s.code, "name": s.name, "roles": every_role}
            for s in sites_for(user)
        ]
    grouped: dict[int, dict[str, Any]] = {}
    roles: dict[int, list[dict[str, str]]] = defaultdict(list)
    memberships = (
        Membership.objects.filter(user=user, site__is_active=True)
        .select_related("site")
        .order_by("site__name", "role")
    )
    for m in memberships:
        grouped.setdefault(m.site_id, {"id": m.site_id, "code": m.site.code, "name": m.site.name})
        roles[m.site_id].append({"code": m.role, "label": str(m.get_role_display())})
    return [{**site, "roles": roles[pk]} for pk, site in grouped.items()]
