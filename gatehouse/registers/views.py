"""Register pages: 来客进出登记表, 上班中途进出员工登记表, 外来信件报刊登记表,
the event log and who is on site now. Thin: check who asks at which site, clean the filters,
read through selectors (or call the one service), render. Every page works on the current site only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from gatehouse.access.services import notice_acknowledge
from gatehouse.accounts.models import Role
from gatehouse.console.context import state_with
from gatehouse.console.http import is_partial, register_xlsx, render_partial
from gatehouse.core.errors import DomainError
from gatehouse.registers import selectors, services
from gatehouse.registers.forms import (
    EventFilterForm,
    MailFilterForm,
    StaffExitFilterForm,
    VisitFilterForm,
)

REGISTER_ROLES = frozenset({Role.GUARD, Role.FRONT_DESK, Role.MONITORING, Role.SECURITY_MANAGER})
PER_PAGE = 50


@dataclass(frozen=True)
class RegisterSpec:
    url_name: str
    title: str | Promise
    form: type[forms.Form]
    query: Callable[..., QuerySet]
    row: Callable[[Any], selectors.Row]
    columns: tuple[str | Promise, ...]
    empty: str | Promise


VISITS = RegisterSpec(
    "registers:visits",
    _("来客进出登记表"),
    VisitFilterForm,
    selectors.visitor_register,
    selectors.visit_row,
    selectors.VISIT_COLUMNS,
    _("没有符合条件的来客登记。"),
)
STAFF_EXITS = RegisterSpec(
    "registers:staff_exits",
    _("上班中途进出员工登记表"),
    StaffExitFilterForm,
    selectors.staff_exit_register,
    selectors.staff_exit_row,
    selectors.STAFF_EXIT_COLUMNS,
    _("没有符合条件的员工外出登记。"),
)
MAIL = RegisterSpec(
    "registers:mail",
    _("外来信件报刊登记表"),
    MailFilterForm,
    selectors.mail_register,
    selectors.mail_row,
    selectors.MAIL_COLUMNS,
    _("没有符合条件的信件报刊登记。"),
)


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    state_with(request, REGISTER_ROLES)
    return render(request, "registers/index.html")


def _table(columns: tuple[Any, ...], rows: list[selectors.Row]) -> list[dict[str, Any]]:
    """Rows for a template: each cell with its column label (the cards of a narrow screen)."""
    return [{"css": r.css, "pairs": list(zip(columns, r.cells, strict=True))} for r in rows]


def _register(request: HttpRequest, spec: RegisterSpec) -> HttpResponse:
    state = state_with(request, REGISTER_ROLES)
    form = spec.form(request.GET or None)
    if not form.is_bound:
        found = spec.query(state.site)
    elif form.is_valid():
        found = spec.query(state.site, **form.cleaned_data)
    else:  # errors shown next to the fields; no list that ignores them
        found = spec.query(state.site).none()
    if request.GET.get("export") == "xlsx" and (not form.is_bound or form.is_valid()):
        return _xlsx(spec, state.site, found)
    page = Paginator(found, PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "spec": spec,
        "form": form,
        "page": page,
        "rows": _table(spec.columns, [spec.row(obj) for obj in page.object_list]),
        "searched": form.is_bound,
    }
    return render_partial(
        request, "registers/register.html", "registers/_register_results.html", context
    )


def _xlsx(spec: RegisterSpec, site: Any, found: QuerySet) -> FileResponse:
    every = (spec.row(obj).cells for obj in found.iterator(chunk_size=2000))
    return register_xlsx(spec.title, site, spec.columns, every)


@login_required
@require_GET
def visits(request: HttpRequest) -> HttpResponse:
    return _register(request, VISITS)


@login_required
@require_GET
def staff_exits(request: HttpRequest) -> HttpResponse:
    return _register(request, STAFF_EXITS)


@login_required
@require_GET
def mail(request: HttpRequest) -> HttpResponse:
    return _register(request, MAIL)


@login_required
@require_GET
def events(request: HttpRequest) -> HttpResponse:
    """The event log; unfiltered, it is the monitoring centre's live view (polled every 5 s)."""
    state = state_with(request, REGISTER_ROLES)
    form = EventFilterForm(request.GET or None, gates=selectors.gate_choices(state.site))
    live = False
    if not form.is_bound:
        result, live = selectors.events(state.site), True
    elif form.is_valid():
        result = selectors.events(state.site, **form.cleaned_data)
        live = not any(form.cleaned_data.values())
    else:
        result = selectors.EventPage([])
    context = {
        "form": form,
        "result": result,
        "rows": _table(selectors.EVENT_COLUMNS, result.rows),
        "live": live,
        "columns": selectors.EVENT_COLUMNS,
        "searched": form.is_bound,
    }
    return render_partial(
        request, "registers/events.html", "registers/_event_results.html", context
    )


def _board_context(site: Any, now: Any, **extra: Any) -> dict[str, Any]:
    board = selectors.on_site_now(site, now)
    return {
        "board": board,
        "alerts": selectors.alerts(site, now),
        "staff_columns": selectors.STAFF_EXIT_COLUMNS,
        "staff_rows": _table(selectors.STAFF_EXIT_COLUMNS, board.staff_out),
        **extra,
    }


@login_required
@require_GET
def on_site(request: HttpRequest) -> HttpResponse:
    """Who is on site now; flags visitors still inside after closing time (VI-03) on load."""
    state = state_with(request, REGISTER_ROLES)
    now = timezone.now()
    services.flag_overstays(site=state.site, now=now)
    context = _board_context(state.site, now)
    return render_partial(
        request, "registers/on_site.html", "registers/_on_site_board.html", context
    )


@login_required
@require_POST
def ack_notice(request: HttpRequest, pk: int) -> HttpResponse:
    state = state_with(request, REGISTER_ROLES)
    notice = selectors.notice_at(state.site, pk)
    if notice is None:
        raise Http404
    now = timezone.now()
    error = ""
    try:
        notice_acknowledge(notice=notice, actor=request.user, now=now)
    except DomainError as exc:
        error = exc.message
    if is_partial(request):
        context = _board_context(state.site, now, ack_error=error)
        return render(
            request, "registers/_on_site_board.html", context, status=422 if error else 200
        )
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _t("提醒已标记为已处理。"))
    return redirect("registers:on_site")
