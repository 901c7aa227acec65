"""API of the accounts context: who am I."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.http import HttpRequest
from ninja import Router

from gatehouse.accounts import selectors
from gatehouse.accounts.schemas import MeOut
from gatehouse.apiauth import error_responses

if TYPE_CHECKING:
    pass

router = Router(tags=["账户"])


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
        "sites": selectors.roles_by_site(user),
    }
