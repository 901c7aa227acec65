"""Parking pages: the daily income report (PK-07), the posted tariff, its editing and the fee
calculator (PK-01, PK-02). Thin: ``state_with`` for the site and the role, a form, one selector or
service call, render. Pass pages are in ``pass_views``, lease pages in ``lease_views``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from gatehouse.accounts.models import Role
from gatehouse.console.charts import response as chart_response
from gatehouse.console.context import site_with, state_with
from gatehouse.console.http import XlsxSheet, form_error, renamed, render_partial, run_form
from gatehouse.core import ledger as core_ledger
from gatehouse.core.errors import DomainError
from gatehouse.core.lease import DevicePrice
from gatehouse.core.tariff import TariffTable, VehicleClass, delivery_tariff, fee_for_class
from gatehouse.parking import charts, selectors, services
from gatehouse.parking.forms import (
    DELIVERY_HOUR,
    OWN,
    SAME,
    VEHICLE_CLASS_CHOICES,
    FeeCalculatorForm,
    IncomeDayForm,
    PersonSearchForm,
    TariffPlanForm,
    TariffSectionForm,
    section_initial,
    yuan,
)
from gatehouse.parking.models import EntryKind, PaymentMethod
from gatehouse.people.selectors import search_people
from gatehouse.registers.paper import document_response
from gatehouse.sites.models import Garage, Site

DESK_ROLES = frozenset(str(role) for role in (Role.FRONT_DESK, Role.SECURITY_MANAGER))
MANAGER_ROLES = frozenset({str(Role.SECURITY_MANAGER)})
PICK_LIMIT = 20
KIND_LABELS = dict(EntryKind.choices)
METHOD_LABELS = dict(PaymentMethod.choices)
CLASS_LABELS = dict(VEHICLE_CLASS_CHOICES)
PASS_PRICE_FIELDS = {"deposit": "pass_deposit", "card_fee": "pass_card_fee"}


def people_found(site: Site, q: str) -> list[Any]:
    """People matching the front desk's search box (name, house number, mobile, ID number)."""
    if not q:
        return []
    return list(search_people(site, today=timezone.localdate(), q=q)[:PICK_LIMIT])


def holder_from_request(request: HttpRequest, site: Site) -> Any:
    raw = (request.POST.get("holder") or request.GET.get("holder") or "").strip()
    if not raw:
        return None
    if not raw.isdigit():
        raise Http404
    person = selectors.person_here(site, int(raw))
    if person is None:
        raise Http404
    return person


def for_holder(
    request: HttpRequest,
    template: str,
    *,
    form: Callable[[Site, Any, Any], forms.Form],
    make: Callable[[HttpRequest, Site, Any, dict[str, Any]], Any],
    done: Callable[[Any], str],
    detail: str,
    extra: Callable[[Site], dict[str, Any]] | None = None,
    field_of: Callable[[DomainError], str | None] | None = None,
) -> HttpResponse:
    """A desk page that makes a record for a person of the site (a pass, a lease).

    First the person is found (``?holder=`` names them; else a search, whose results are a
    fragment for htmx). Then ``form(site, holder, data)`` (``data`` None: the blank form) is
    run against ``make(request, site, holder, cleaned data)``: a refusal shows on its field
    (422, nothing written), success says ``done(record)`` and goes to the record's page
    (``detail``)."""
    site = site_with(request, DESK_ROLES)
    holder = holder_from_request(request, site)
    search = PersonSearchForm(request.GET or None)
    q = search.cleaned_data["q"] if search.is_bound and search.is_valid() else ""
    context: dict[str, Any] = {
        "search": search,
        "people": people_found(site, q) if holder is None else [],
        "holder": holder,
        **(extra(site) if extra is not None else {}),
    }
    if holder is None:
        return render_partial(request, template, "parking/_person_pick.html", context)
    if request.method != "POST":
        context["form"] = form(site, holder, None)
        return render(request, template, context)
    bound = form(site, holder, request.POST)
    if request.FILES:  # a form with file inputs (the pass's copies)
        bound.files = request.FILES
    made = run_form(bound, lambda data: make(request, site, holder, data), field_of=field_of)
    if made is None:
        context["form"] = bound
        return render(request, template, context, status=422)
    messages.success(request, done(made))
    return redirect(detail, pk=made.pk)


def space_choices(site: Site) -> list[tuple[str, str]]:
    return [(str(s.pk), f"{s.garage.name} {s.number}") for s in selectors.spaces(site)]


# =============================================================================================
# Daily income report (PK-07)
# =============================================================================================


@dataclass(frozen=True)
class IncomeLine:
    label: str | Promise
    fen: int
    css: str = ""


@dataclass(frozen=True)
class MethodLine:
    label: str | Promise
    received: int
    paid_out: int
    net: int
    css: str = ""


@dataclass(frozen=True)
class TxnRow:
    at: Any
    memo: str
    ref: str
    kinds: str
    money: int  # signed: into (+) or out of (-) the money accounts
    methods: str
    who: str


def _income_lines(s: core_ledger.DailySummary) -> list[IncomeLine]:
    return [
        IncomeLine(KIND_LABELS[EntryKind.CHARGE], s.charges),
        IncomeLine(KIND_LABELS[EntryKind.FEE], s.fees),
        IncomeLine(KIND_LABELS[EntryKind.FORFEIT], s.forfeits),
        IncomeLine(KIND_LABELS[EntryKind.REFUND], -s.refunds),
        IncomeLine(_("当日收入合计"), s.income, "total"),
        IncomeLine(KIND_LABELS[EntryKind.DEPOSIT], s.deposits_received),
        IncomeLine(KIND_LABELS[EntryKind.DEPOSIT_REFUND], -s.deposits_refunded),
        IncomeLine(_("押金余额变动"), s.deposits_held_change, "total"),
    ]


def _method_lines(s: core_ledger.DailySummary) -> list[MethodLine]:
    lines = [
        MethodLine(
            METHOD_LABELS[m.value],
            s.received.get(m, 0),
            s.paid_out.get(m, 0),
            s.net_by_method.get(m, 0),
        )
        for m in core_ledger.PaymentMethod
    ]
    lines.append(
        MethodLine(
            _("合计"),
            sum(line.received for line in lines),
            sum(line.paid_out for line in lines),
            sum(line.net for line in lines),
            "total",
        )
    )
    return lines


def _txn_rows(rows: list[Any]) -> list[TxnRow]:
    out = []
    for row in rows:
        txn = selectors.as_core(row)
        money = [e for e in txn.entries if e.account in core_ledger.MONEY_ACCOUNTS]
        kinds = list(dict.fromkeys(str(KIND_LABELS[e.kind.value]) for e in txn.entries))
        methods = list(dict.fromkeys(str(METHOD_LABELS[e.account]) for e in money))
        user = row.created_by
        out.append(
            TxnRow(
                at=timezone.localtime(row.at),
                memo=row.memo,
                ref=row.ref,
                kinds="、".join(kinds),
                money=sum(e.signed for e in money),
                methods="、".join(methods) or "—",
                who=(user.get_full_name() or user.get_username()) if user else "—",
            )
        )
    return out


@login_required
@require_GET
def income_stats(request: HttpRequest) -> HttpResponse:
    """The income and occupancy charts above the daily report, as chart JSON."""
    site = site_with(request, DESK_ROLES)
    return chart_response(request, charts.parking_stats(site, timezone.now()), site)


@login_required
@require_GET
def income(request: HttpRequest) -> HttpResponse:
    """日收入报表: one day's money at the current site, per kind and per payment method."""
    site = site_with(request, DESK_ROLES)
    today = timezone.localdate()
    form = IncomeDayForm(request.GET or None, initial={"day": today})
    day: date | None = today
    if form.is_bound:
        day = form.cleaned_data["day"] if form.is_valid() else None
    context: dict[str, Any] = {"form": form, "day": day}
    if day is not None:
        summary = selectors.daily_income(site, day)
        rows = _txn_rows(list(selectors.transactions(site, day=day)))
        if request.GET.get("export") == "xlsx":
            return _income_xlsx(site, summary, rows)
        if request.GET.get("print") == "pdf":
            return _income_pdf(site, summary, rows)
        context |= {
            "summary": summary,
            "income_lines": _income_lines(summary),
            "method_lines": _method_lines(summary),
            "rows": rows,
            "previous_day": day.fromordinal(day.toordinal() - 1),
            "next_day": day.fromordinal(day.toordinal() + 1),
        }
    status = 200 if not form.is_bound or form.is_valid() else 422
    return render_partial(
        request, "parking/income.html", "parking/_income_results.html", context, status
    )


INCOME_SIGNOFFS = (_("收费员（签字）"), _("复核人（签字）"), _("日期"))


def _income_pdf(site: Site, s: core_ledger.DailySummary, rows: list[TxnRow]) -> FileResponse:
    """The day's report on A4 (registers/paper): the same lines and totals as the screen."""
    title = _t("日收入报表")
    context = {
        "summary": s,
        "income_lines": _income_lines(s),
        "method_lines": _method_lines(s),
        "rows": rows,
        "rows_total": sum(r.money for r in rows),
        "signoffs": INCOME_SIGNOFFS,
    }
    return document_response(
        "parking/paper/income.html",
        context,
        title=title,
        site=site,
        now=timezone.now(),
        name=f"{title}-{s.day:%Y%m%d}",
    )


def _income_xlsx(site: Site, s: core_ledger.DailySummary, rows: list[TxnRow]) -> FileResponse:
    title = _t("日收入报表")
    sheet = XlsxSheet(title, (24, 36, 18, 14, 12, 20, 12), decimals="0.00")
    sheet.title(f"{site.name} · {title} · {s.day:%Y-%m-%d}")
    sheet.blank()
    sheet.header([_t("项目"), _t("金额（元）")])
    for line in _income_lines(s):
        sheet.row([str(line.label), core_ledger.to_decimal(line.fen)])
    sheet.blank()
    sheet.header([_t("付款方式"), _t("收款（元）"), _t("退款（元）"), _t("净额（元）")])
    for m in _method_lines(s):
        sheet.row(
            [
                str(m.label),
                core_ledger.to_decimal(m.received),
                core_ledger.to_decimal(m.paid_out),
                core_ledger.to_decimal(m.net),
            ]
        )
    sheet.blank()
    sheet.header(
        [
            _t("时间"),
            _t("摘要"),
            _t("类型"),
            _t("收付金额（元）"),
            _t("付款方式"),
            _t("关联单据"),
            _t("经办人"),
        ]
    )
    for r in rows:
        sheet.row(
            [
                f"{r.at:%H:%M:%S}",
                r.memo,
                r.kinds,
                core_ledger.to_decimal(r.money),
                r.methods,
                r.ref,
                r.who,
            ]
        )
    return sheet.response(f"{title}-{s.day:%Y%m%d}.xlsx")


# =============================================================================================
# The posted tariff, editing it, and the fee calculator (PK-01, PK-02, PK-06)
# =============================================================================================


@dataclass(frozen=True)
class ClassLine:
    label: str | Promise
    text: str
    inherited: bool


@dataclass(frozen=True)
class Board:
    garage: Garage | None
    plan: Any
    default_text: str
    lines: list[ClassLine]


def _board(site: Site, garage: Garage | None, now: Any) -> Board:
    plan = selectors.tariff_plan_in_force(site, garage, now)
    if garage is not None and plan is not None and plan.garage_id is None:
        plan = None  # the garage has no plan of its own: it follows the site-wide one
    table = selectors.tariff_table(site, garage, now)
    classes = dict(table.classes)
    lines = [
        ClassLine(
            CLASS_LABELS[vc.value],
            table.for_class(vc).describe(),
            vc not in classes,
        )
        for vc in VehicleClass
    ]
    return Board(garage, plan, table.default.describe(), lines)


@login_required
@require_GET
def tariffs(request: HttpRequest) -> HttpResponse:
    """收费公示: the tariff in force on the ground and in every garage, and the pass prices."""
    state = state_with(request, DESK_ROLES)
    now = timezone.now()
    site = site_with(request, DESK_ROLES)
    boards = [_board(site, None, now)] + [_board(site, g, now) for g in selectors.garages(site)]
    price = selectors.pass_price(site, now)
    context = {
        "boards": boards,
        "price": price,
        "upcoming": list(selectors.upcoming_plans(site, now=now)),
        "history": list(selectors.tariff_plans(site)[:10]),
        "can_edit": state.has_any(MANAGER_ROLES),
    }
    return render(request, "parking/tariffs.html", context)


def _garage_param(request: HttpRequest, site: Site) -> Garage | None:
    raw = (request.POST.get("garage") or request.GET.get("garage") or "").strip()
    if not raw:
        return None
    if not raw.isdigit():
        raise Http404
    garage = selectors.garage_at(site, int(raw))
    if garage is None:
        raise Http404
    return garage


def _sections(data: Any, table: TariffTable) -> list[TariffSectionForm]:
    sections = [TariffSectionForm(data, prefix="default", initial=section_initial(table.default))]
    own = dict(table.classes)
    for vc in VehicleClass:
        tariff = own.get(vc)
        if tariff is None:
            initial = section_initial(table.default, mode=SAME)
        elif vc is VehicleClass.DELIVERY and tariff == delivery_tariff(table.default):
            initial = section_initial(table.default, mode=DELIVERY_HOUR)
        else:
            initial = section_initial(tariff, mode=OWN)
        sections.append(TariffSectionForm(data, prefix=vc.value, vehicle_class=vc, initial=initial))
    return sections


@login_required
@require_http_methods(["GET", "POST"])
def tariff_edit(request: HttpRequest) -> HttpResponse:
    """Post a new tariff (security manager): the site-wide one or a garage's own."""
    site = site_with(request, MANAGER_ROLES)
    garage = _garage_param(request, site)
    now = timezone.now()
    current = selectors.tariff_table(site, garage, now)
    data = request.POST if request.method == "POST" else None
    sections = _sections(data, current)
    price = selectors.pass_price(site, now)
    plan_form = TariffPlanForm(
        data,
        site_wide=garage is None,
        initial={
            "pass_deposit": yuan(price.deposit),
            "pass_card_fee": yuan(price.card_fee),
            "pass_reissue_fee": yuan(price.reissue_fee),
        },
    )
    context = {"garage": garage, "sections": sections, "plan_form": plan_form}
    if data is None:
        return render(request, "parking/tariff_edit.html", context)
    checked = [plan_form.is_valid()] + [s.is_valid() for s in sections]  # every form's errors
    if all(checked):
        default = sections[0].tariff
        assert default is not None
        classes = {}
        for section in sections[1:]:
            entry = section.table_entry(default)
            if entry is not None and section.vehicle_class is not None:
                classes[section.vehicle_class.value] = entry.to_dict()
        cleaned = plan_form.cleaned_data
        try:
            pass_price = None
            if garage is None:
                pass_price = DevicePrice(
                    deposit=cleaned["pass_deposit"],
                    card_fee=cleaned["pass_card_fee"],
                    reissue_fee=cleaned.get("pass_reissue_fee"),
                )
            services.tariff_plan_create(
                site=site,
                actor=request.user,
                table={"default": default.to_dict(), "classes": classes},
                garage=garage,
                effective_from=cleaned.get("effective_from"),
                pass_price=pass_price,
                note=cleaned.get("note", ""),
                now=now,
            )
        except DomainError as exc:
            form_error(plan_form, exc, renamed(PASS_PRICE_FIELDS)(exc))
        else:
            messages.success(request, _t("收费标准已发布。"))
            return redirect("parking:tariffs")
    return render(request, "parking/tariff_edit.html", context, status=422)


@login_required
@require_GET
def fee_calculator(request: HttpRequest) -> HttpResponse:
    """PK-01/PK-02: the fee for a stay under the tariff in force at the exit, itemised."""
    site = site_with(request, DESK_ROLES)
    choices = [(str(g.pk), g.name) for g in selectors.garages(site)]
    form = FeeCalculatorForm(request.GET or None, garages=choices)
    context: dict[str, Any] = {"form": form}
    status = 200
    if form.is_bound:
        status = 422
        if form.is_valid():
            data = form.cleaned_data
            garage = selectors.garage_at(site, int(data["garage"])) if data["garage"] else None
            vehicle_class = VehicleClass(data["vehicle_class"])
            table = selectors.tariff_table(site, garage, data["left_at"])
            try:
                charge = fee_for_class(
                    table, vehicle_class, entered_at=data["entered_at"], left_at=data["left_at"]
                )
            except DomainError as exc:
                form_error(form, exc)
            else:
                status = 200
                context |= {
                    "charge": charge,
                    "tariff_text": table.for_class(vehicle_class).describe(),
                    "class_label": CLASS_LABELS[vehicle_class.value],
                    "garage": garage,
                }
    return render_partial(request, "parking/fee.html", "parking/_fee_result.html", context, status)
