"""The devices page (设备状态) and the remote "开门", under /devices/ (issue 14 §3).

Thin: ``state_with`` for the site and the role, reads through :mod:`gatehouse.devices.selectors`,
writes through one service call. The page lists every device of the current site with its
status and sync lag, refreshed by htmx; a device's page shows its latest commands. The remote
open answers htmx with a fragment that follows the command until it is settled.
"""

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

from gatehouse.accounts.models import Role
from gatehouse.console.context import SiteState, state_with
from gatehouse.console.http import render_partial, run_form
from gatehouse.console.pages import Action, RecordPage, Submitted, failed_at, found_or_404, of_site
from gatehouse.core.errors import DomainError
from gatehouse.devices import alarms, commands, selectors
from gatehouse.devices.models import Device, DeviceKind
from gatehouse.edge import services as edge_services

PAGE_ROLES = frozenset({Role.MONITORING, Role.SECURITY_MANAGER})
EDIT_ROLES = frozenset({Role.SECURITY_MANAGER})
OPEN_ROLES = frozenset({Role.GUARD, Role.MONITORING, Role.SECURITY_MANAGER})
# Why a remote open was asked for, by where the button is.
OPEN_REASONS = {
    "booth": gettext_lazy("门岗远程开门"),
    "board": gettext_lazy("监控中心远程开门"),
}


class OfflineMinutesForm(forms.Form):
    minutes = forms.IntegerField(label=gettext_lazy("设备离线告警（分钟）"))


def _page_context(state: SiteState, **extra: Any) -> dict[str, Any]:
    now = timezone.now()
    return {
        "site": state.site,
        "rows": selectors.device_rows(state.site, now),
        "now": now,
        "may_edit": state.has_any(EDIT_ROLES),
        "minutes_form": extra.pop("minutes_form", None)
        or OfflineMinutesForm(initial={"minutes": state.site.device_offline_minutes}),
        **extra,
    }


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    state = state_with(request, PAGE_ROLES)
    return render_partial(
        request, "devices/index.html", "devices/_table.html", _page_context(state)
    )


class HandleForm(forms.Form):
    note = forms.CharField(label=gettext_lazy("处理说明"), max_length=200)


def _page_site(request: HttpRequest) -> Any:
    return state_with(request, PAGE_ROLES).site


def _detail_context(device: Device, **bound: Any) -> dict[str, Any]:
    now = timezone.now()
    context = {
        "device": device,
        "online": device.is_active and selectors.is_online(device, device.site, now),
        "commands": [selectors.command_view(c) for c in selectors.recent_commands(device)],
        "site": device.site,
    }
    if device.kind == DeviceKind.EDGE:
        context |= {
            "edge": selectors.edge_health([device], now)[device.pk],
            "alarms": selectors.edge_alarms(device, handled=False),
            "alarms_handled": selectors.edge_alarms(device, handled=True),
            "rejections": selectors.edge_rejections(device, handled=False),
            "rejections_handled": selectors.edge_rejections(device, handled=True),
            "episodes": selectors.edge_episodes(device),
            "alarm_form": bound.get("alarm_form") or HandleForm(),
            "rejection_form": bound.get("rejection_form") or HandleForm(),
        }
    return context


def _edge_item(find: Any) -> Any:
    """An action's ``item``: the alarm (or refused entry) the URL names, of an edge of the
    user's site, with its edge as the page's record; 404 otherwise."""

    def item(request: HttpRequest, pk: int) -> tuple[Device, Any]:
        found = found_or_404(find(_page_site(request), pk))
        return found.edge, found

    return item


def _handle(s: Submitted) -> Any:
    return edge_services.edge_item_handle(
        item=s.item, actor=s.actor, note=s.data["note"], now=s.now
    )


DETAIL = RecordPage(
    template="devices/detail.html",
    url_name="devices:detail",
    context=_detail_context,
    load=of_site(_page_site, selectors.device_at),
    actions={
        "alarm": Action(
            HandleForm,
            "alarm_form",
            _handle,
            gettext_lazy("告警已标记为已处理"),
            item=_edge_item(selectors.edge_alarm_at),
            failed=failed_at("alarm_for"),
        ),
        "rejection": Action(
            HandleForm,
            "rejection_form",
            _handle,
            gettext_lazy("被拒记录已标记为已处理"),
            item=_edge_item(selectors.edge_rejection_at),
            failed=failed_at("rejection_for"),
        ),
    },
)
#: A device's page (GET); an edge's page also lists its alarms and refused entries, each
#: marked handled by the monitoring centre or the security manager (``handle``).
detail = DETAIL.page()
handle = DETAIL.view()


@login_required
@require_POST
def offline_minutes(request: HttpRequest) -> HttpResponse:
    state = state_with(request, EDIT_ROLES)
    form = OfflineMinutesForm(request.POST)
    saved = run_form(
        form,
        lambda data: alarms.offline_minutes_set(
            site=state.site, actor=request.user, minutes=data["minutes"], now=timezone.now()
        ),
    )
    if saved is not None:
        messages.success(request, _("设备离线告警时间已保存"))
        return redirect("devices:index")
    context = _page_context(state, minutes_form=form)
    return render(request, "devices/index.html", context, status=422)


def _opened(request: HttpRequest, context: dict[str, Any], status: int = 200) -> HttpResponse:
    return render_partial(request, "devices/opened.html", "devices/_opened.html", context, status)


@login_required
@require_POST
def open_lane(request: HttpRequest, pk: int) -> HttpResponse:
    """The remote "开门" of the booth and the monitoring board: DOOR_OPEN for a people lane,
    BARRIER_LIFT for a vehicle lane, audited with who pressed it."""
    state = state_with(request, OPEN_ROLES)
    lane = found_or_404(selectors.lane_at(state.site, pk))
    where = request.POST.get("where", "")
    reason = str(OPEN_REASONS.get(where, OPEN_REASONS["booth"]))
    try:
        queued = commands.open_lane(
            lane=lane, actor=request.user, now=timezone.now(), reason=reason
        )
    except DomainError as exc:
        return _opened(request, {"lane": lane, "error": exc}, status=422)
    views = selectors.commands_at(state.site, [c.pk for c in queued])
    return _opened(request, {"lane": lane, **_following(views)})


@login_required
@require_GET
def command_states(request: HttpRequest) -> HttpResponse:
    """What became of the commands ``ids`` (of the current site): the fragment polls itself
    until every one is settled."""
    state = state_with(request, OPEN_ROLES)
    wanted = [int(i) for i in request.GET.get("ids", "").split(",") if i.strip().isdigit()]
    views = selectors.commands_at(state.site, wanted)
    return _opened(request, _following(views))


def _following(views: list[selectors.CommandView]) -> dict[str, Any]:
    """The commands shown, and whether the fragment polls again (one still queued)."""
    return {
        "views": views,
        "ids": ",".join(str(v.command.pk) for v in views),
        "polling": any(not v.settled for v in views),
    }
