"""Pages of guard keys (SPEC S-08: who holds which key, handed over with the shift)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _t
from django.views.decorators.http import require_http_methods, require_POST

from gatehouse.accounts.models import Role
from gatehouse.console.context import state_with
from gatehouse.console.http import render_vary
from gatehouse.core.errors import DomainError
from gatehouse.guard.keys import forms, selectors, services
from gatehouse.guard.shared import guard_name
from gatehouse.guard.web import BOOTH, found


@login_required
@require_http_methods(["GET", "POST"])
def keys(request: HttpRequest) -> HttpResponse:
    state = state_with(request, BOOTH)
    site, now = state.site, timezone.now()
    form = forms.KeyForm(request.POST or None)
    status = 200
    error = None
    if request.method == "POST":
        if Role.SECURITY_MANAGER not in state.roles:
            raise Http404
        status = 422
        if form.is_valid():
            try:
                services.key_add(site=site, actor=request.user, now=now, **form.cleaned_data)
            except DomainError as exc:
                error = exc
            else:
                messages.success(request, _t("已登记钥匙。"))
                return redirect("guard:keys")
    rows, custody = selectors.key_rows(site, now)
    context = {
        "rows": rows,
        "custody": custody,
        "form": form,
        "hand_form": forms.KeyHandForm(),
        "error": error,
        "me": guard_name(request.user),
        "manager": Role.SECURITY_MANAGER in state.roles,
    }
    return render_vary(request, "guard/keys.html", context, status=status)


@login_required
@require_POST
def key_hand(request: HttpRequest, pk: int) -> HttpResponse:
    state = state_with(request, BOOTH)
    key = found(selectors.key_of(state.site, pk))
    form = forms.KeyHandForm(request.POST)
    if not form.is_valid():
        messages.error(request, _t("请填写接收人或存放处。"))
        return redirect("guard:keys")
    to = "" if form.cleaned_data["lost"] else form.cleaned_data["to_holder"]
    result = services.key_hand(key=key, actor=request.user, to_holder=to, now=timezone.now())
    if result.irregular:
        messages.warning(request, _t("已记录，但交出人并非登记的保管人，请核实。"))
    else:
        messages.success(request, _t("已记录钥匙交接。"))
    return redirect("guard:keys")
