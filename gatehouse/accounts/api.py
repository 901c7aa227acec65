"""API of the accounts context: who am I."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Any

from django.http import HttpRequest
from ninja import Router

from gatehouse.accounts.models import Membership, Role
from gatehouse.accounts.schemas import MeOut
from gatehouse.accounts.selectors import sites_for
from gatehouse.apiauth import error_responses

if TYPE_CHECKING:
    from django.contrib.auth.models import User

router = Router(tags=["账户"])


def _roles_by_site(user: User) -> list[dict[str, Any]]:
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


@router.get(
    "/me",
    response={200: MeOut, **error_responses(401)},
    operation_id="me",
    summary="当前用户及其在各场所的角色",
)
def me(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    return {
        "id": user.pk,
        "username": user.get_username(),
        "full_name": user.get_full_name(),
        "is_superuser": user.is_superuser,
        "auth": "token" if getattr(request, "api_token", None) is not None else "session",
        "sites": _roles_by_site(user),
    }
