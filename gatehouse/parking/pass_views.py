"""Vehicle pass pages (《车辆出入证》, V-10, PK-06) for the front desk and the security manager:
apply/issue, revoke for misuse, reissue, return, print (the list of passes is a register,
declared in ``parking/registers.py``). Thin: the site and the role from
``site_with``, a form, one service call, render."""

from __future__ import annotations

from typing import Any

import segno
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET, require_http_methods

from gatehouse.admission.uploads import content_type_of
from gatehouse.console.context import site_with
from gatehouse.console.http import renamed
from gatehouse.console.pages import Action, RecordPage, of_site
from gatehouse.parking import selectors, services
from gatehouse.parking.forms import (
    COPY_FIELDS,
    PassDocumentForm,
    PassIssueForm,
    PassReissueForm,
    PassReturnForm,
    PassRevokeForm,
)
from gatehouse.parking.models import PassStatus, VehiclePass
from gatehouse.parking.views import DESK_ROLES, for_holder, space_choices
from gatehouse.registers.paper import document_response
from gatehouse.sites.models import Site


def _desk_site(request: HttpRequest) -> Site:
    return site_with(request, DESK_ROLES)


_pass_of = of_site(_desk_site, selectors.vehicle_pass_at)


def _issue_form(site: Site, holder: Any, data: Any) -> PassIssueForm:
    vehicles = list(holder.vehicles.order_by("plate"))
    kind = "tenant" if holder.kind == "tenant" else "owner" if holder.kind == "owner" else ""
    initial = {
        "holder": holder.pk,
        "plate": vehicles[0].plate if len(vehicles) == 1 else "",
        "kind": kind,
        "method": "cash",
    }
    return PassIssueForm(data, initial=initial, spaces=space_choices(site))


def _issue(request: HttpRequest, site: Site, holder: Any, data: dict[str, Any]) -> VehiclePass:
    return services.pass_issue(
        site=site,
        actor=request.user,
        holder=holder,
        plate=data["plate"],
        kind=data["kind"],
        method=data["method"],
        space=selectors.space_at(site, int(data["space"])) if data["space"] else None,
        id_checked=data["id_checked"],
        vehicle_licence_checked=data["vehicle_licence_checked"],
        driving_licence_checked=data["driving_licence_checked"],
        insurance_checked=data["insurance_checked"],
        insurance_valid_until=data["insurance_valid_until"],
        environmental_label=data["environmental_label"],
        valid_until=data["valid_until"],
        documents={
            name.removeprefix("copy_"): data[name] for name in COPY_FIELDS if data.get(name)
        },
        now=timezone.now(),
    )


@login_required
@require_http_methods(["GET", "POST"])
def pass_issue(request: HttpRequest) -> HttpResponse:
    """Apply for and issue a pass: find the holder, check the papers (V-10), take the deposit
    and card fee (PK-06)."""
    return for_holder(
        request,
        "parking/pass_issue.html",
        form=_issue_form,
        make=_issue,
        done=lambda issued: _t("车辆出入证 %(number)s 已办理") % {"number": issued.number},
        detail="parking:pass_detail",
        extra=lambda site: {"price": selectors.pass_price(site, timezone.now())},
        field_of=_issue_field,
    )


def _issue_field(exc: Any) -> str | None:
    """The field a refusal lands on: the checks' box for the papers, else the one named."""
    return renamed({"documents": "id_checked"})(exc)


def _detail_context(p: VehiclePass, **forms: Any) -> dict[str, Any]:
    return {
        "pass": p,
        "documents": selectors.pass_documents(p),
        "document_form": forms.get("document_form") or PassDocumentForm(),
        "revoke_form": forms.get("revoke_form") or PassRevokeForm(),
        "reissue_form": forms.get("reissue_form") or PassReissueForm(initial={"method": "cash"}),
        "return_form": forms.get("return_form") or PassReturnForm(initial={"method": "cash"}),
        "money": selectors.transactions(p.site, ref=p.ref),
        "replacements": list(p.replacements.order_by("-issued_at")),
        "price": selectors.pass_price(p.site, timezone.now()),
        "active": p.status == PassStatus.ACTIVE,
    }


PASS = RecordPage(
    template="parking/pass_detail.html",
    url_name="parking:pass_detail",
    context=_detail_context,
    load=_pass_of,
    field_of=renamed({"documents": "vehicle_licence_checked"}),
    actions={
        # V-10: a pass lent to someone else is taken back; its deposit is forfeited.
        "revoke": Action(
            PassRevokeForm,
            "revoke_form",
            lambda s: s.into(services.pass_revoke_for_misuse, vehicle_pass=s.record),
            _lazy("车辆出入证已收回，押金不予退还。"),
        ),
        # PK-06 / V-10: a lost pass or a changed car, reissued for the fee.
        "reissue": Action(
            PassReissueForm,
            "reissue_form",
            lambda s: s.into(services.pass_reissue, vehicle_pass=s.record),
            lambda new: _t("已补办新证 %(number)s") % {"number": new.number},
            goes_to=lambda new: ("parking:pass_detail", {"pk": new.pk}),
        ),
        # V-10: a copy filed with the pass afterwards (a renewed insurance, a copy brought later)
        "document": Action(
            PassDocumentForm,
            "document_form",
            lambda s: s.into(services.pass_document_add, vehicle_pass=s.record),
            _lazy("复印件已归档。"),
        ),
        # PK-06: the pass handed back, the deposit refunded.
        "return": Action(
            PassReturnForm,
            "return_form",
            lambda s: s.into(services.pass_return, vehicle_pass=s.record),
            _lazy("车辆出入证已退回，押金已退还。"),
        ),
    },
)
pass_detail = PASS.page()
pass_action = PASS.view()


@login_required
@require_GET
def pass_document(request: HttpRequest, pk: int, doc: int) -> FileResponse:
    """A copy filed with a pass application, to the front desk and the security manager of its
    site only (the approver reads it beside the pass), private and never stored by the browser."""
    found = _pass_of(request, pk)
    document = selectors.pass_document_at(found, doc)
    if document is None:
        raise Http404
    kind = content_type_of(document.name)
    response = FileResponse(document.file.open("rb"), content_type=kind)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_GET
def pass_print(request: HttpRequest, pk: int) -> HttpResponse:
    found = _pass_of(request, pk)
    payload = services.pass_qr(found)
    svg = segno.make(payload, error="m").svg_inline(scale=4, border=2, title=found.number)
    context = {
        "pass": found,
        "site": found.site,
        "qr_svg": mark_safe(svg),  # noqa: S308 -- segno renders our own signed payload
    }
    if request.GET.get("print") == "pdf":
        return document_response(
            "parking/paper/pass.html",
            context,
            title=_t("车辆出入证"),
            site=found.site,
            now=timezone.now(),
            name=found.number,
        )
    response = render(request, "parking/pass_print.html", context)
    response["Cache-Control"] = "no-store"
    return response
