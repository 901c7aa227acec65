"""The site's management mode (M-01) and epidemic policy numbers (M-02), under /mode/.

Everyone on duty sees the current mode and the designated entrance; only a security manager of
the site switches the mode or edits the numbers (403 for anyone else)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from gatehouse.access import modes
from gatehouse.accounts.models import Role
from gatehouse.console.context import SiteState, state_with
from gatehouse.console.http import run_form
from gatehouse.sites.models import Site, SiteMode

VIEW_ROLES = frozenset({Role.GUARD, Role.FRONT_DESK, Role.MONITORING, Role.SECURITY_MANAGER})
EDIT_ROLES = frozenset({Role.SECURITY_MANAGER})


class ModeSwitchForm(forms.Form):
    to_mode = forms.ChoiceField(
        label=gettext_lazy("切换到"), choices=SiteMode.choices, widget=forms.RadioSelect
    )
    reason = forms.CharField(label=gettext_lazy("切换原因"), max_length=200)


class PolicyForm(forms.Form):
    fever_threshold = forms.DecimalField(
        label=gettext_lazy("体温异常阈值（℃）"), max_digits=3, decimal_places=1
    )
    request_timeout_minutes = forms.IntegerField(label=gettext_lazy("确认请求超时（分钟）"))
    visitor_closing_time = forms.TimeField(
        label=gettext_lazy("访客离场时间"), widget=forms.TimeInput(format="%H:%M")
    )
    anti_passback = forms.BooleanField(label=gettext_lazy("防潜回"), required=False)
    visit_minutes = forms.IntegerField(
        label=gettext_lazy("来访限时（分钟）"),
        required=False,
        help_text=gettext_lazy("留空表示不限时"),
    )


def _policy_initial(site: Site) -> dict[str, Any]:
    return {name: getattr(site, name) for name in modes.POLICY_FIELDS}


def _context(state: SiteState, **extra: Any) -> dict[str, Any]:
    site = state.site
    may_edit = state.has_any(EDIT_ROLES)
    return {
        "site": site,
        "mode_label": SiteMode(site.mode).label,
        "designated": modes.designated_gates(site),
        "history": modes.mode_history(site),
        "may_edit": may_edit,
        "mode_choices": SiteMode.choices,
        "switch_form": extra.pop("switch_form", None)
        or ModeSwitchForm(initial={"to_mode": _suggested_mode(site)}),
        "policy_form": extra.pop("policy_form", None) or PolicyForm(initial=_policy_initial(site)),
        **extra,
    }


def _suggested_mode(site: Site) -> str:
    return SiteMode.NORMAL if site.mode != SiteMode.NORMAL else SiteMode.TIGHTENED


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    state = state_with(request, VIEW_ROLES)
    return render(request, "access/mode/index.html", _context(state))


@login_required
@require_POST
def switch(request: HttpRequest) -> HttpResponse:
    state = state_with(request, EDIT_ROLES)
    form = ModeSwitchForm(request.POST)
    switched = run_form(
        form,
        lambda data: modes.mode_switch(
            site=state.site, actor=request.user, now=timezone.now(), **data
        ),
    )
    if switched is not None:
        label = SiteMode(form.cleaned_data["to_mode"]).label
        messages.success(request, _("已切换为“%(mode)s”模式") % {"mode": label})
        return redirect("modes:index")
    return render(request, "access/mode/index.html", _context(state, switch_form=form), status=422)


@login_required
@require_POST
def policy(request: HttpRequest) -> HttpResponse:
    state = state_with(request, EDIT_ROLES)
    form = PolicyForm(request.POST)
    saved = run_form(
        form,
        lambda data: modes.site_policy_update(
            site=state.site, actor=request.user, now=timezone.now(), **data
        ),
    )
    if saved is not None:
        messages.success(request, _("防控参数已保存"))
        return redirect("modes:index")
    return render(request, "access/mode/index.html", _context(state, policy_form=form), status=422)
