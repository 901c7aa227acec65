"""Pages of guard shift handover (SPEC S-03: the 交接班记录表; the keys pass with it, S-08)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth import authenticate
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _t
from django.views.decorators.http import require_http_methods, require_POST

from gatehouse.console.context import state_with
from gatehouse.console.http import render_vary
from gatehouse.core.errors import DomainError
from gatehouse.guard.handover import forms, selectors, services
from gatehouse.guard.keys.selectors import active_keys, key_custody, keys_in
from gatehouse.guard.roster import selectors as roster_selectors
from gatehouse.guard.shared import guard_name
from gatehouse.guard.web import BOOTH, act, found, pick_user, user_choices


def _handover_form(site: Any, user: Any, now: datetime, data: Any = None) -> forms.HandoverForm:
    custody = key_custody(site, now)
    held = set(custody.held_by(guard_name(user)))
    keys = active_keys(site)
    key_choices = [
        (str(k.pk), f"{k.label}（{k.door}）" + ("" if k.label in held else _t("，不在您手中")))
        for k in keys
    ]
    matters = selectors.open_matters_for(site, None, now)
    start = timezone.localtime(now).replace(second=0, microsecond=0)
    form = forms.HandoverForm(
        data,
        matters=matters,
        keys=key_choices,
        initial={
            "shift_start": start,
            "arrived_at": start,
            "keys": [str(k.pk) for k in keys if k.label in held],
            "open_matters": "\n".join(matters),
        },
        choices={
            "incoming": [c for c in user_choices(site) if c[0] != str(user.pk)],
            "post": roster_selectors.post_choices(site),
        },
    )
    return form


def _handover_context(site: Any, user: Any, now: datetime, **extra: Any) -> dict[str, Any]:
    recent = selectors.handover_register(site)[:10]
    return {
        "form": _handover_form(site, user, now),
        "to_sign": selectors.to_sign(site, user),
        "recent": [selectors.handover_row(h) for h in recent],
        "columns": selectors.HANDOVER_COLUMNS,
        **extra,
    }


@login_required
@require_http_methods(["GET", "POST"])
def handover(request: HttpRequest) -> HttpResponse:
    """S-03 / S-08: the outgoing guard hands over (matters, keys, equipment) and signs; the
    incoming guard signs with their password here, or later."""
    state = state_with(request, BOOTH)
    site, now, user = state.site, timezone.now(), request.user
    if request.method == "GET":
        return render_vary(request, "guard/handover.html", _handover_context(site, user, now))
    form = _handover_form(site, user, now, request.POST)
    ctx = _handover_context(site, user, now)
    ctx["form"] = form
    if form.is_valid():
        d = form.cleaned_data
        try:
            incoming = pick_user(site, d["incoming"])
            signed = False
            if d["incoming_password"]:
                checked = authenticate(
                    request, username=incoming.get_username(), password=d["incoming_password"]
                )
                if checked is None or checked.pk != incoming.pk:
                    raise DomainError("handover.password", "接班人密码不正确，未签字")
                signed = True
            post = found(roster_selectors.post_of(site, d["post"])) if d.get("post") else None
            keys = keys_in(site, d["keys"])
            result = services.handover_record(
                site=site,
                actor=user,
                incoming=incoming,
                shift_start=d["shift_start"],
                arrived_at=d["arrived_at"],
                open_matters=d["open_matters"],
                resolved=d.get("resolved") or (),
                keys=keys,
                equipment=d["equipment"],
                notes=d["notes"],
                incoming_signed=signed,
                post=post,
                now=now,
            )
        except DomainError as exc:
            ctx["error"] = exc
        else:
            h = result.handover
            if result.check.complete and result.arrival.on_time:
                messages.success(request, _t("交接完成，双方已签字。"))
            else:
                messages.warning(request, _t("已记录交接：") + "；".join(h.problems))
            return redirect("guard:handover")
    return render_vary(request, "guard/handover.html", ctx, status=422)


@login_required
@require_POST
def handover_sign(request: HttpRequest, pk: int) -> HttpResponse:
    state = state_with(request, BOOTH)
    h = found(selectors.handover_of(state.site, pk))
    return act(
        request,
        lambda: services.handover_sign(handover=h, actor=request.user, now=timezone.now()),
        _t("已签字接班。"),
        "guard:handover",
    )
