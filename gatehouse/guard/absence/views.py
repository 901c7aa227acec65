"""Pages of guard absence from the booth (SPEC S-09: the gate closed or a named cover)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _t
from django.views.decorators.http import require_http_methods, require_POST

from gatehouse.console.context import state_with
from gatehouse.console.http import render_vary
from gatehouse.core.errors import DomainError
from gatehouse.guard.absence import forms, selectors, services
from gatehouse.guard.web import BOOTH, act, found


@login_required
@require_http_methods(["GET", "POST"])
def absence(request: HttpRequest) -> HttpResponse:
    """S-09: leaving the booth for a moment: the gate closed or a named cover."""
    state = state_with(request, BOOTH)
    site, now = state.site, timezone.now()
    form = forms.AbsenceForm(request.POST or None)
    status, error = 200, None
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                result = services.absence_leave(
                    site=site, actor=request.user, now=now, **form.cleaned_data
                )
            except DomainError as exc:
                error = exc
            else:
                if result.findings:
                    messages.warning(request, "；".join(f.message for f in result.findings))
                else:
                    messages.success(request, _t("已登记临时离开，请速去速回。"))
                return redirect("guard:absence")
    mine = selectors.open_absence(site, request.user)
    recent = selectors.recent_absences(site)
    context = {
        "form": form,
        "error": error,
        "mine": mine,
        "recent": recent,
        "commute": services.commute_windows(site),
    }
    return render_vary(request, "guard/absence.html", context, status=status)


@login_required
@require_POST
def absence_back(request: HttpRequest, pk: int) -> HttpResponse:
    state = state_with(request, BOOTH)
    a = found(selectors.absence_of(state.site, pk, request.user))
    return act(
        request,
        lambda: services.absence_return(absence=a, actor=request.user, now=timezone.now()),
        _t("已登记返回。"),
        "guard:absence",
    )
