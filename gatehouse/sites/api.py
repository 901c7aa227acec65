"""API of the site model: the sites a caller belongs to, and one site's layout."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Router

from gatehouse.accounts.selectors import sites_for
from gatehouse.apiauth import error_responses, site_for
from gatehouse.sites import selectors
from gatehouse.sites.models import Site
from gatehouse.sites.schemas import SiteDetailOut, SiteOut

router = Router(tags=["场所"])


@router.get(
    "/sites",
    response={200: list[SiteOut], **error_responses(401)},
    operation_id="site_list",
    summary="我可见的场所",
)
def site_list(request: HttpRequest) -> QuerySet[Site]:
    return sites_for(request.user)


@router.get(
    "/sites/{site_id}",
    response={200: SiteDetailOut, **error_responses(401, 404)},
    operation_id="site_detail",
    summary="场所详情：分区、出入口与车道、设施数量",
)
def site_detail(request: HttpRequest, site_id: int) -> Site:
    site_for(request, site_id)
    site = selectors.site_layout(site_id)
    site.counts = selectors.facility_counts(site)  # type: ignore[attr-defined]
    return site
