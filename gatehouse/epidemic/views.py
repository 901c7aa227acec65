"""Epidemic management's pages (seed T8; SPEC M-03, M-04).

* /epidemic/grids/ — the property's staff (安保主管, 客服前台) set up the street → community →
  building grids, their officers and volunteers, assign buildings, tick "五有一网格".
* /epidemic/cases/ — the returnee register (xlsx, A4 print); register an arrival, record tests,
  close a case with the reason. A grid officer sees and works the cases of their buildings.
* /my/grid/ — the grid officer's phone page: their houses, open cases and alerts.
* /my/health/ — a resident's health report (a returnee's daily report is made the same way).

A record of another site, or a case outside an officer's grids, is a 404.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gatehouse.accounts.actor import actor_name
from gatehouse.accounts.models import Role
from gatehouse.console.context import SiteState, state_with
from gatehouse.console.http import form_error, register_xlsx
from gatehouse.console.selectors import resident_record
from gatehouse.core import epidemic as core
from gatehouse.core.errors import DomainError
from gatehouse.epidemic import selectors, services
from gatehouse.epidemic.forms import (
    AssignForm,
    CaseForm,
    CheckForm,
    CloseForm,
    GridForm,
    ReportForm,
    TestForm,
)
from gatehouse.epidemic.models import FiveHavesChoice, Grid, ReturneeCase
from gatehouse.registers.downloads import paper_pdf
from gatehouse.registers.paper import Paper

STAFF_ROLES = frozenset({Role.SECURITY_MANAGER, Role.FRONT_DESK})
CASE_ROLES = STAFF_ROLES | {Role.GRID_OFFICER}
RESIDENT_ROLES = frozenset({Role.RESIDENT})
CASES_PAPER = Paper(
    (_l("网格员（签字）"), _l("社区负责人（签字）"), _l("日期")),
    landscape=True,
    widths=(6, 8, 7, 8, 7, 8, 8, 9, 8, 9, 7),
)


# -- grids (M-04) --------------------------------------------------------------------------------


def _grid_context(state: SiteState) -> dict[str, Any]:
    grids = selectors.grids(state.site)
    assigned = selectors.assignments(state.site)
    buildings = selectors.buildings(state.site)
    gaps = set(core.unassigned([b.pk for b in buildings], assigned))
    labels = dict(FiveHavesChoice.choices)
    for grid in grids:
        done = {c.item for c in grid.checks.all() if c.done}
        missing = core.five_haves_missing(done, has_officer=grid.officer_id is not None)
        grid.missing = [  # type: ignore[attr-defined]
            labels.get(m, _("有网格员管理")) for m in missing
        ]
        grid.building_names = "、".join(  # type: ignore[attr-defined]
            link.building.name for link in grid.building_links.all()
        )
    return {
        "grids": grids,
        "gaps": [b for b in buildings if b.pk in gaps],
    }


def _officer_name(grid: Grid) -> str:
    return actor_name(grid.officer) if grid.officer is not None else ""


@login_required
@require_GET
def grid_list(request: HttpRequest) -> HttpResponse:
    state = state_with(request, STAFF_ROLES)
    return render(request, "epidemic/grids.html", _grid_context(state))


def _grid_form(state: SiteState, data: Any = None, **kwargs: Any) -> GridForm:
    parents = [(g.pk, g.name) for g in selectors.grids(state.site) if g.level != "building"]
    return GridForm(data, parents=parents, officers=selectors.officers(state.site), **kwargs)


@login_required
@require_http_methods(["GET", "POST"])
def grid_new(request: HttpRequest) -> HttpResponse:
    state = state_with(request, STAFF_ROLES)
    form = _grid_form(state, request.POST if request.method == "POST" else None)
    code = ""
    if request.method == "POST":
        if form.is_valid():
            try:
                grid = services.grid_create(
                    site=state.site, actor=request.user, now=timezone.now(), **form.service_kwargs()
                )
            except DomainError as exc:
                form_error(form, exc)
                code = exc.code
            else:
                messages.success(request, _("网格已建立"))
                return redirect("epidemic:grid", pk=grid.pk)
        context = {"form": form, "error_code": code or "form.invalid"}
        return render(request, "epidemic/grid_form.html", context, status=422)
    return render(request, "epidemic/grid_form.html", {"form": form})


def _grid_here(request: HttpRequest, pk: int) -> tuple[SiteState, Grid]:
    state = state_with(request, STAFF_ROLES)
    grid = selectors.grid_at(state.site, pk)
    if grid is None:
        raise Http404
    return state, grid


def _grid_page(
    request: HttpRequest,
    state: SiteState,
    grid: Grid,
    *,
    edit: GridForm | None = None,
    assign: AssignForm | None = None,
    status: int = 200,
    error: DomainError | None = None,
) -> HttpResponse:
    buildings = [(b.pk, b.name) for b in selectors.buildings(state.site)]
    mine = [str(link.building_id) for link in grid.building_links.all()]
    if edit is None:
        initial = {
            "name": grid.name,
            "officer": str(grid.officer_id or ""),
            "volunteers": grid.volunteers,
        }
        edit = _grid_form(state, initial=initial, editing=True)
    if assign is None:
        assign = AssignForm(initial={"buildings": mine}, buildings=buildings)
    checks = {c.item: c for c in grid.checks.select_related("checked_by")}
    items = [
        {"item": value, "label": label, "check": checks.get(value)}
        for value, label in FiveHavesChoice.choices
    ]
    context = {
        "grid": grid,
        "officer_name": _officer_name(grid),
        "edit": edit,
        "assign": assign,
        "items": items,
        "error": error,
        "children": grid.children.order_by("name"),
    }
    return render(request, "epidemic/grid.html", context, status=status)


@login_required
@require_GET
def grid_detail(request: HttpRequest, pk: int) -> HttpResponse:
    state, grid = _grid_here(request, pk)
    return _grid_page(request, state, grid)


@login_required
@require_POST
def grid_edit(request: HttpRequest, pk: int) -> HttpResponse:
    state, grid = _grid_here(request, pk)
    form = _grid_form(state, request.POST, editing=True)
    if form.is_valid():
        try:
            services.grid_update(
                grid=grid, actor=request.user, now=timezone.now(), **form.service_kwargs()
            )
        except DomainError as exc:
            form_error(form, exc)
            return _grid_page(request, state, grid, edit=form, status=422, error=exc)
        messages.success(request, _("网格已保存"))
        return redirect("epidemic:grid", pk=grid.pk)
    return _grid_page(request, state, grid, edit=form, status=422)


@login_required
@require_POST
def grid_assign(request: HttpRequest, pk: int) -> HttpResponse:
    state, grid = _grid_here(request, pk)
    buildings = [(b.pk, b.name) for b in selectors.buildings(state.site)]
    form = AssignForm(request.POST, buildings=buildings)
    if form.is_valid():
        try:
            services.grid_assign(
                grid=grid,
                actor=request.user,
                now=timezone.now(),
                building_ids=[int(b) for b in form.cleaned_data["buildings"]],
            )
        except DomainError as exc:
            form_error(form, exc)
            return _grid_page(request, state, grid, assign=form, status=422, error=exc)
        messages.success(request, _("楼栋划分已保存"))
        return redirect("epidemic:grid", pk=grid.pk)
    return _grid_page(request, state, grid, assign=form, status=422)


@login_required
@require_POST
def grid_check(request: HttpRequest, pk: int) -> HttpResponse:
    state, grid = _grid_here(request, pk)
    form = CheckForm(request.POST)
    if not form.is_valid():
        return _grid_page(request, state, grid, status=422)
    try:
        services.grid_check(
            grid=grid,
            actor=request.user,
            now=timezone.now(),
            item=form.cleaned_data["item"],
            done=form.cleaned_data["done"],
            note=form.cleaned_data["note"],
        )
    except DomainError as exc:
        return _grid_page(request, state, grid, status=422, error=exc)
    messages.success(request, _("已记录"))
    return redirect("epidemic:grid", pk=grid.pk)


# -- returnee cases (M-03) -----------------------------------------------------------------------


def _scope(request: HttpRequest) -> tuple[SiteState, list[int] | None]:
    """The page's site and the buildings whose cases the user works (None: all, for staff)."""
    state = state_with(request, CASE_ROLES)
    if state.has_any(STAFF_ROLES):
        return state, None
    return state, selectors.building_ids_of(selectors.officer_grids(request.user, state.site))


def _case_here(request: HttpRequest, pk: int) -> tuple[SiteState, ReturneeCase]:
    state, scope = _scope(request)
    case = selectors.case_at(state.site, pk)
    if case is None or (scope is not None and case.house.unit.building_id not in scope):
        raise Http404
    return state, case


def _stage_label(stage: core.CaseStage) -> str:
    return {
        core.CaseStage.MONITORING: _("居家监测中"),
        core.CaseStage.DUE_TO_CLOSE: _("监测期满，待结案"),
        core.CaseStage.CLOSED: _("已结案"),
    }[stage]


def _decorate(case: ReturneeCase, now: Any, reported: set | None = None) -> ReturneeCase:
    tests = list(case.tests.all())
    facts = case.facts(tests, reported)
    stage = core.stage(facts, now)
    case.stage = stage.value  # type: ignore[attr-defined]
    case.stage_label = _stage_label(stage)  # type: ignore[attr-defined]
    case.last_day = core.last_day(case.arrived_on)  # type: ignore[attr-defined]
    case.test_text = "；".join(  # type: ignore[attr-defined]
        f"{t.taken_on:%m-%d} {t.get_result_display()}" for t in tests
    )
    return case


COLUMNS = (
    _l("姓名"),
    _l("房号"),
    _l("类别"),
    _l("出发地"),
    _l("到达日期"),
    _l("返乡前核酸"),
    _l("监测截止"),
    _l("监测期间核酸"),
    _l("状态"),
    _l("结案"),
    _l("登记人"),
)


def _row(case: ReturneeCase) -> list[str]:
    closed = ""
    if case.closed_at is not None:
        closed = (
            f"{timezone.localtime(case.closed_at):%Y-%m-%d} {case.get_close_reason_display()}"
            f" {actor_name(case.closed_by)}"
        ).strip()
    return [
        case.person.name,
        case.house.number,
        case.get_origin_display(),
        case.came_from,
        f"{case.arrived_on:%Y-%m-%d}",
        f"{case.arrival_test_on:%m-%d} {case.get_arrival_test_result_display()}",
        f"{case.last_day:%Y-%m-%d}",  # type: ignore[attr-defined]
        case.test_text,  # type: ignore[attr-defined]
        case.stage_label,  # type: ignore[attr-defined]
        closed,
        actor_name(case.opened_by),
    ]


@login_required
@require_GET
def case_list(request: HttpRequest) -> HttpResponse:
    state, scope = _scope(request)
    now = timezone.now()
    status = request.GET.get("status", "")
    if status not in ("open", "closed"):
        status = ""
    found = list(
        selectors.cases(state.site, status=status, building_ids=scope).prefetch_related("tests")
    )
    for case in found:
        _decorate(case, now, set())
    title = _("返乡人员居家健康监测登记表")
    if request.GET.get("export") == "xlsx":
        return register_xlsx(title, state.site, COLUMNS, (_row(c) for c in found))
    if request.GET.get("print") == "pdf":
        period = _("全部") if not status else {"open": _("未结案"), "closed": _("已结案")}[status]
        return paper_pdf(
            request, CASES_PAPER, title, state.site, period, COLUMNS, [_row(c) for c in found], now
        )
    context = {
        "cases": found,
        "status": status,
        "staff": scope is None,
        "alerts": selectors.open_alerts(state.site, building_ids=scope)[:50],
    }
    return render(request, "epidemic/cases.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def case_new(request: HttpRequest) -> HttpResponse:
    state, scope = _scope(request)
    if request.method != "POST":
        initial = {"arrived_on": timezone.localdate(), "origin": "outside"}
        return render(request, "epidemic/case_form.html", {"form": CaseForm(initial=initial)})
    form = CaseForm(request.POST)
    code = "form.invalid"
    if form.is_valid():
        data = form.cleaned_data
        try:
            house = services.find_house(state.site, data["house_number"])
            if scope is not None and house.unit.building_id not in scope:
                raise DomainError(
                    "epidemic.not_my_grid", "此房屋不在您负责的网格内", {"field": "house_number"}
                )
            case = services.case_open(
                site=state.site,
                actor=request.user,
                now=timezone.now(),
                house_number=data["house_number"],
                name=data["name"],
                origin=data["origin"],
                came_from=data["came_from"],
                arrived_on=data["arrived_on"],
                test_on=data["test_on"],
                test_result=data["test_result"] or None,
                temperature=data["temperature"],
            )
        except DomainError as exc:
            form_error(form, exc)
            code = exc.code
        else:
            messages.success(request, _("已登记，开始14天居家健康监测"))
            return redirect("epidemic:case", pk=case.pk)
    context = {"form": form, "error_code": code}
    return render(request, "epidemic/case_form.html", context, status=422)


def _case_page(
    request: HttpRequest,
    case: ReturneeCase,
    *,
    test_form: TestForm | None = None,
    close_form: CloseForm | None = None,
    status: int = 200,
    error: DomainError | None = None,
) -> HttpResponse:
    now = timezone.now()
    _decorate(case, now)
    tests = list(case.tests.all())
    facts = case.facts(tests)
    schedule = []
    for due in core.test_schedule(case.arrived_on):
        found = core.test_for(due, facts.tests)
        schedule.append({"due": due, "test": found})
    reports = list(case.reports.order_by("-reported_at"))
    today = timezone.localdate(now)
    missed = core.missed_report_days(case.arrived_on, facts.reported, today)
    context = {
        "case": case,
        "schedule": schedule,
        "tests": tests,
        "reports": reports,
        "missed": missed,
        "day": core.day_number(case.arrived_on, today),
        "alerts": case.alerts.order_by("-raised_at"),
        "test_form": test_form or TestForm(initial={"taken_on": today}),
        "close_form": close_form or CloseForm(),
        "error": error,
        "opened_by": actor_name(case.opened_by),
        "closed_by": actor_name(case.closed_by),
    }
    return render(request, "epidemic/case.html", context, status=status)


@login_required
@require_GET
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _state, case = _case_here(request, pk)
    return _case_page(request, case)


@login_required
@require_POST
def case_test(request: HttpRequest, pk: int) -> HttpResponse:
    _state, case = _case_here(request, pk)
    form = TestForm(request.POST)
    if form.is_valid():
        try:
            services.case_test(
                case=case, actor=request.user, now=timezone.now(), **form.cleaned_data
            )
        except DomainError as exc:
            form_error(form, exc)
            return _case_page(request, case, test_form=form, status=422, error=exc)
        messages.success(request, _("检测结果已登记"))
        return redirect("epidemic:case", pk=case.pk)
    return _case_page(request, case, test_form=form, status=422)


@login_required
@require_POST
def case_close(request: HttpRequest, pk: int) -> HttpResponse:
    _state, case = _case_here(request, pk)
    form = CloseForm(request.POST)
    if form.is_valid():
        try:
            services.case_close(
                case=case, actor=request.user, now=timezone.now(), **form.cleaned_data
            )
        except DomainError as exc:
            form_error(form, exc)
            return _case_page(request, case, close_form=form, status=422, error=exc)
        messages.success(request, _("已结案"))
        return redirect("epidemic:case", pk=case.pk)
    return _case_page(request, case, close_form=form, status=422)


@login_required
@require_POST
def alert_handle(request: HttpRequest, pk: int) -> HttpResponse:
    state, scope = _scope(request)
    alert = selectors.alert_at(state.site, pk)
    mine = selectors.open_alerts(state.site, building_ids=scope)
    if alert is None or not mine.filter(pk=alert.pk).exists():
        raise Http404
    services.alert_handle(alert=alert, actor=request.user, now=timezone.now())
    messages.success(request, _("提醒已处理"))
    back = request.POST.get("next", "")
    return redirect(back if back in ("/my/grid/", "/epidemic/cases/") else "epidemic:cases")


# -- the grid officer's phone page ---------------------------------------------------------------


@login_required
@require_GET
def my_grid(request: HttpRequest) -> HttpResponse:
    state = state_with(request, frozenset({Role.GRID_OFFICER}))
    grids = selectors.officer_grids(request.user, state.site)
    building_ids = selectors.building_ids_of(grids)
    now = timezone.now()
    cases = list(
        selectors.cases(state.site, status="open", building_ids=building_ids).prefetch_related(
            "tests"
        )
    )
    for case in cases:
        _decorate(case, now)
    houses = list(selectors.houses_in(building_ids))
    open_by_house = {c.house_id for c in cases}
    for house in houses:
        house.monitored = house.pk in open_by_house  # type: ignore[attr-defined]
    context = {
        "grids": grids,
        "cases": cases,
        "houses": houses,
        "alerts": selectors.open_alerts(state.site, building_ids=building_ids),
        "screenings": selectors.screenings_to_follow(state.site, building_ids),
    }
    return render(request, "epidemic/my_grid.html", context)


# -- residents' health reports -------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def my_health(request: HttpRequest) -> HttpResponse:
    state = state_with(request, RESIDENT_ROLES)
    me = resident_record(request.user, state.site)
    if me is None:
        return render(request, "visitors/resident/unlinked.html")
    case = selectors.open_case_of(me)
    form = ReportForm(request.POST if request.method == "POST" else None)
    status = 200
    code = ""
    if request.method == "POST":
        status = 422
        code = "form.invalid"
        if form.is_valid():
            try:
                report = services.report_submit(
                    person=me, actor=request.user, now=timezone.now(), **form.cleaned_data
                )
            except DomainError as exc:
                form_error(form, exc)
                code = exc.code
            else:
                if report.abnormal:
                    messages.warning(request, _("已上报，网格员会尽快与您联系"))
                else:
                    messages.success(request, _("已上报，谢谢"))
                return redirect("epidemic:my_health")
    today = timezone.localdate()
    context = {
        "form": form,
        "case": case,
        "error_code": code,
        "last_day": core.last_day(case.arrived_on) if case is not None else None,
        "reported_today": case is not None and case.reports.filter(reported_on=today).exists(),
        "recent": selectors.reports_of(me)[:10],
    }
    return render(request, "epidemic/my_health.html", context, status=status)
