"""Who may see what: every record belongs to a site, a user sees only their sites."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet

from gatehouse.accounts.actor import RequestUser, signed_in
from gatehouse.accounts.models import Membership, Role
from gatehouse.sites.models import Site

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
