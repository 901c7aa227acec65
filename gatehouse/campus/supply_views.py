"""索证索票 (T3-04): the canteen's suppliers and their certificates, and the deliveries the
canteen accepts (the security manager or the front desk of a campus).

* /campus/supply/ — every supplier with its certificates judged today: expired ones and those
  ending within 30 days flagged, and whether a delivery may be accepted from it today.
* /campus/supply/suppliers/new/ — a supplier; /campus/supply/suppliers/<pk>/ — its page, where
  its certificates are filed with their copies; /campus/supply/certificates/<pk>/copy/ — a copy.
* /campus/supply/deliveries/new/ — a delivery accepted, refused (422, the core's code and
  Chinese reason, nothing written) when the supplier's certificates do not allow it.

The registers (索证索票登记, 供应商证照登记) are the engine's (:mod:`gatehouse.campus.registers`).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from gatehouse.admission.uploads import content_type_of
from gatehouse.campus import selectors, services
from gatehouse.campus.forms import CertificateForm, DeliveryForm, SupplierForm
from gatehouse.campus.registers import CAMPUS_DESK
from gatehouse.console.context import state_with
from gatehouse.console.http import form_error
from gatehouse.console.pages import found_or_404
from gatehouse.core.errors import DomainError


def run(form: forms.Form, write: Any) -> tuple[Any, str]:
    """``write(cleaned_data)`` once the form is valid: its result and no code; else None and
    the code of the refusal (on its field)."""
    if not form.is_valid():
        return None, "form.invalid"
    try:
        return write(form.cleaned_data), ""
    except DomainError as exc:
        form_error(form, exc)
        return None, exc.code


def form_page(
    request: HttpRequest, form: forms.Form, code: str, *, title: str, back: str, **extra: Any
) -> HttpResponse:
    """A page of one form (``campus/form.html``): 422 with the refusal's code when refused."""
    context = {"form": form, "error_code": code, "title": title, "back": back, **extra}
    return render(request, "campus/form.html", context, status=422 if code else 200)


@login_required
@require_GET
def supply(request: HttpRequest) -> HttpResponse:
    """T3-04: the suppliers, their certificates judged today, who may deliver today."""
    state = state_with(request, CAMPUS_DESK)
    rows = selectors.supplier_rows(state.site, timezone.now())
    context = {
        "rows": rows,
        "refused": sum(1 for r in rows if r.refusal),
        "expiring": sum(r.expiring for r in rows),
    }
    return render(request, "campus/supply.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def supplier_new(request: HttpRequest) -> HttpResponse:
    state = state_with(request, CAMPUS_DESK)
    form = SupplierForm(request.POST if request.method == "POST" else None)
    code = ""
    if request.method == "POST":
        made, code = run(
            form,
            lambda data: services.supplier_add(
                site=state.site, actor=request.user, now=timezone.now(), **data
            ),
        )
        if made is not None:
            messages.success(request, _("已登记供应商，请登记其证照。"))
            return redirect("campus:supplier", pk=made.pk)
    return form_page(request, form, code, title=_("登记供应商"), back="campus:supply")


@login_required
@require_http_methods(["GET", "POST"])
def supplier(request: HttpRequest, pk: int) -> HttpResponse:
    """A supplier's page: its certificates and the form that files one with its copy."""
    state = state_with(request, CAMPUS_DESK)
    found = found_or_404(selectors.supplier_at(state.site, pk))
    posted = request.method == "POST"
    form = CertificateForm(request.POST if posted else None, request.FILES if posted else None)
    code = ""
    if posted:
        made, code = run(
            form,
            lambda data: services.certificate_add(
                supplier=found, actor=request.user, now=timezone.now(), **data
            ),
        )
        if made is not None:
            messages.success(request, _("已登记证照。"))
            return redirect("campus:supplier", pk=found.pk)
    row = selectors.supplier_row(found, timezone.now())
    context = {"row": row, "form": form, "error_code": code}
    return render(request, "campus/supplier.html", context, status=422 if code else 200)


@login_required
@require_GET
def certificate_copy(request: HttpRequest, pk: int) -> FileResponse:
    """A certificate's copy, to the site's campus desk only, private and never cached."""
    state = state_with(request, CAMPUS_DESK)
    cert = found_or_404(selectors.certificate_at(state.site, pk))
    if not cert.file:
        raise Http404
    response = FileResponse(cert.file.open("rb"), content_type=content_type_of(cert.file_name))
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def delivery_new(request: HttpRequest) -> HttpResponse:
    """T3-04: a delivery accepted; refused when the supplier's certificates do not allow it."""
    state = state_with(request, CAMPUS_DESK)
    now = timezone.now()
    suppliers = {s.pk: s for s in selectors.suppliers_at(state.site)}
    choices = selectors.certificate_choices(state.site)
    initial: dict[str, Any] = {"delivered_on": timezone.localdate(now)}
    if request.GET.get("supplier", "").isdigit():
        initial["supplier"] = int(request.GET["supplier"])
    form = DeliveryForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        suppliers=[(pk, s.name) for pk, s in suppliers.items()],
        certificates=choices,
    )
    code = ""
    if request.method == "POST":

        def write(data: dict[str, Any]) -> Any:
            picked = data.pop("certificates")
            checked = [c for c in selectors.certificates_at(state.site) if c.pk in picked]
            return services.delivery_record(
                site=state.site,
                actor=request.user,
                now=now,
                supplier=suppliers[data.pop("supplier")],
                certificates=checked,
                **data,
            )

        made, code = run(form, write)
        if made is not None:
            messages.success(request, _("已验收登记。"))
            return redirect("campus:deliveries")
    return form_page(
        request,
        form,
        code,
        title=_("登记进货查验"),
        back="campus:supply",
        note=_(
            "供应商的营业执照和食品经营/生产许可证须在送货当日有效，查验的证照须属于该供应商且有效，否则不得验收。"
        ),
    )
