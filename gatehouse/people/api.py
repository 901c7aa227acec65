"""API of people and credentials. Staff of a site only; every query scoped to the caller's sites.

Reading people needs a staff or admin role at the site; registering people and issuing or
changing credentials needs front desk or security manager there.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Status

from gatehouse.accounts.models import Role
from gatehouse.accounts.selectors import ADMIN_ROLES, STAFF_ROLES
from gatehouse.apiauth import error_responses, require_role_at, site_for, visible_site_ids
from gatehouse.console.pages import found_or_404
from gatehouse.core.errors import InvalidInput
from gatehouse.core.ids import parse_plate
from gatehouse.people import selectors, services
from gatehouse.people.models import (
    RELATION_OF_KIND,
    Credential,
    CredentialKind,
    Person,
    PersonKind,
)
from gatehouse.people.schemas import (
    CredentialIn,
    CredentialOut,
    CredentialStatusIn,
    PersonFilter,
    PersonIn,
    PersonOut,
    PersonPageOut,
)
from gatehouse.sites.models import House, Site

router = Router(tags=["人员与凭证"])

READ_ROLES = STAFF_ROLES | ADMIN_ROLES
WRITE_ROLES = frozenset({Role.FRONT_DESK, Role.SECURITY_MANAGER})


def _aware(value: datetime | None) -> datetime | None:
    """A time without a UTC offset is read in the site's time zone (Asia/Shanghai)."""
    if value is not None and timezone.is_naive(value):
        return timezone.make_aware(value)
    return value


def _house_to_link(site: Site, number: str, kind: str) -> tuple[House, str]:
    relation = RELATION_OF_KIND.get(PersonKind(kind))
    if relation is None:
        raise InvalidInput(
            "person.house_relation",
            "只有业主、家属或租户可以关联房屋",
            {"field": "house_number"},
        )
    house = selectors.house_numbered(site, number)
    if house is None:
        raise InvalidInput(
            "house.not_found", "本场所没有这个房号，请核对", {"field": "house_number"}
        )
    return house, relation


@router.get(
    "/sites/{site_id}/people",
    response={200: PersonPageOut, **error_responses(401, 403, 404, 422)},
    operation_id="person_list",
    summary="场所人员列表（脱敏）",
)
def person_list(request: HttpRequest, site_id: int, filters: Query[PersonFilter]) -> dict[str, Any]:
    site = site_for(request, site_id, READ_ROLES)
    qs = selectors.search_people(
        site,
        today=timezone.localdate(),
        q=filters.q,
        kind=filters.kind.value if filters.kind is not None else None,
    )
    items = list(qs[filters.offset : filters.offset + filters.limit])
    return {
        "count": qs.count(),
        "limit": filters.limit,
        "offset": filters.offset,
        "items": items,
    }


@router.post(
    "/sites/{site_id}/people",
    response={201: PersonOut, **error_responses(400, 401, 403, 404, 409, 422)},
    operation_id="person_create",
    summary="登记人员（可同时关联房屋）",
)
def person_create(request: HttpRequest, site_id: int, payload: PersonIn) -> Status[Person]:
    site = site_for(request, site_id, WRITE_ROLES)
    kind = payload.kind.value
    link = _house_to_link(site, payload.house_number, kind) if payload.house_number else None
    with transaction.atomic():
        person = services.person_create(
            site=site,
            actor=request.user,
            name=payload.name,
            kind=kind,
            id_number=payload.id_number,
            phone=payload.phone,
            note=payload.note,
        )
        if link is not None:
            house, relation = link
            services.house_link(person=person, house=house, relation=relation, actor=request.user)
    created = selectors.person_at(site, person.pk)
    assert created is not None  # written above, at this site; people are never deleted
    return Status(201, created)


@router.get(
    "/people/{person_id}",
    response={200: PersonOut, **error_responses(401, 404)},
    operation_id="person_detail",
    summary="人员详情：房屋与凭证（脱敏）",
)
def person_detail(request: HttpRequest, person_id: int) -> Person:
    return found_or_404(selectors.person_visible(person_id, visible_site_ids(request, READ_ROLES)))


@router.post(
    "/sites/{site_id}/credentials",
    response={201: CredentialOut, **error_responses(400, 401, 403, 404, 409, 422)},
    operation_id="credential_issue",
    summary="发放凭证（卡、工牌、二维码、车牌）",
)
def credential_issue(
    request: HttpRequest, site_id: int, payload: CredentialIn
) -> Status[Credential]:
    site = site_for(request, site_id, WRITE_ROLES)
    kind = payload.kind.value
    person = None
    if payload.person_id is not None:
        person = selectors.person_at(site, payload.person_id)
        if person is None:
            raise InvalidInput(
                "credential.person_not_found", "本场所没有该人员", {"field": "person_id"}
            )
    plate = parse_plate(payload.plate).number if payload.plate else ""
    number = payload.number or (plate if kind == CredentialKind.PLATE else "")
    credential = services.credential_issue(
        site=site,
        actor=request.user,
        kind=kind,
        number=number,
        person=person,
        plate=plate,
        valid_from=_aware(payload.valid_from),
        valid_until=_aware(payload.valid_until),
    )
    return Status(201, credential)


@router.post(
    "/credentials/{credential_id}/status",
    response={200: CredentialOut, **error_responses(401, 403, 404, 409, 422)},
    operation_id="credential_set_status",
    summary="挂失、注销或恢复凭证",
)
def credential_set_status(
    request: HttpRequest, credential_id: int, payload: CredentialStatusIn
) -> Credential:
    credential = found_or_404(
        selectors.credential_visible(credential_id, visible_site_ids(request, READ_ROLES))
    )
    require_role_at(request, credential.site_id, WRITE_ROLES)
    return services.credential_set_status(
        credential=credential, status=payload.status.value, actor=request.user
    )
