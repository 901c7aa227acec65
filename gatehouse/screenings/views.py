"""Screenings and campaigns (T3), console pages under /screenings/.

* The cases: everyone with a screening role sees that a case exists, its kind, risk, follow-up
  dates and overdue flags; its narrative is shown only to the role handling the kind, and that
  reading is audited (T3-05). The handler opens cases, adds and completes follow-ups, closes.
* The campaigns with the police: their places, findings (hazard findings, S-11) and progress,
  and the A4 report (T3-06).

Thin views: the current site's records only (another site's is a 404); a refused input comes
back with the Chinese message and HTTP 400, nothing written.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from gatehouse.accounts.models import Role
from gatehouse.console.context import SiteState, state_with
from gatehouse.console.http import register_xlsx
from gatehouse.core.errors import DomainError
from gatehouse.core.masking import mask_name
from gatehouse.registers.paper import document_response
from gatehouse.screenings import selectors, services
from gatehouse.screenings.forms import (
    CampaignForm,
    CaseForm,
    CloseForm,
    FindingForm,
    FollowUpForm,
)
from gatehouse.screenings.models import CampaignPlace, FollowUp, Kind

CASE_ROLES = frozenset({Role.SECURITY_MANAGER, Role.COUNSELLOR, Role.SCHOOL_SAFETY})
CAMPAIGN_ROLES = frozenset({Role.SECURITY_MANAGER, Role.SCHOOL_SAFETY})
CASE_COLUMNS = (
    _("编号"),
    _("排查类型"),
    _("排查对象"),
    _("风险等级"),
    _("排查日期"),
    _("排查情况"),
    _("当事人"),
    _("纠纷起因"),
    _("调解情况"),
    _("孤立学生需关爱"),
    _("未完成跟进"),
    _("逾期跟进"),
    _("结案时间"),
    _("结案理由"),
)


def _subjects(state: SiteState) -> list[tuple[int, str]]:
    return [
        (p.pk, f"{mask_name(p.name)}（{p.get_kind_display()}）")
        for p in selectors.subjects_at(state.site)
    ]


def _stamp(value: Any) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _export(request: HttpRequest, state: SiteState, kind: str) -> HttpResponse:
    views = services.cases_export(
        cases=selectors.cases_at(state.site, kind),
        actor=request.user,
        roles=state.roles,
        site=state.site,
        now=timezone.now(),
    )
    rows = [
        [
            v.case.pk,
            v.case.get_kind_display(),
            v.subject,
            v.case.get_risk_display(),
            v.case.opened_on.isoformat(),
            v.findings,
            v.parties,
            v.cause,
            v.mediation,
            _("是") if v.case.isolated else "",
            v.open_followups,
            v.overdue,
            _stamp(v.case.closed_at),
            v.case.close_reason,
        ]
        for v in views
    ]
    return register_xlsx(_("排查案例"), state.site, CASE_COLUMNS, rows)


@login_required
@require_http_methods(["GET", "POST"])
def cases(request: HttpRequest) -> HttpResponse:
    state = state_with(request, CASE_ROLES)
    kind = request.GET.get("kind", "")
    if request.GET.get("format") == "xlsx":
        return _export(request, state, kind)
    now = timezone.now()
    subjects = _subjects(state)
    error = ""
    may_open = bool({Role.COUNSELLOR, Role.SCHOOL_SAFETY} & set(state.roles))
    if request.method == "POST" and not may_open:
        raise PermissionDenied
    if request.method == "POST":
        form = CaseForm(request.POST, subjects=subjects)
        if form.is_valid():
            data = form.cleaned_data
            subject = selectors.subjects_at(state.site).get(pk=data.pop("subject"))
            try:
                case = services.case_open(
                    site=state.site,
                    actor=request.user,
                    roles=state.roles,
                    subject=subject,
                    now=now,
                    **data,
                )
            except DomainError as exc:
                error = exc.message
            else:
                return redirect("screenings:case", case.pk)
    else:
        form = CaseForm(subjects=subjects)
    rows = services.case_summaries(selectors.cases_at(state.site, kind)[:300], now)
    context = {
        "rows": rows,
        "form": form,
        "error": error,
        "may_open": may_open,
        "kind": kind,
        "kinds": Kind.choices,
        "overdue": sum(r.overdue for r in rows if r.case.closed_at is None),
    }
    status = 400 if error or form.errors else 200
    return render(request, "screenings/cases.html", context, status=status)


def _case_page(
    request: HttpRequest, state: SiteState, pk: int, status: int = 200, **extra: Any
) -> HttpResponse:
    case = get_object_or_404(selectors.cases_at(state.site), pk=pk)
    view = services.case_read(case=case, actor=request.user, roles=state.roles, now=timezone.now())
    context = {
        "v": view,
        "followup_form": extra.pop("followup_form", None) or FollowUpForm(),
        "close_form": extra.pop("close_form", None) or CloseForm(),
        "today": timezone.localdate(),
        **extra,
    }
    return render(request, "screenings/case.html", context, status=status)


@login_required
def case(request: HttpRequest, pk: int) -> HttpResponse:
    return _case_page(request, state_with(request, CASE_ROLES), pk)


@login_required
@require_POST
def followup_add(request: HttpRequest, pk: int) -> HttpResponse:
    state = state_with(request, CASE_ROLES)
    row = get_object_or_404(selectors.cases_at(state.site), pk=pk)
    form = FollowUpForm(request.POST)
    if not form.is_valid():
        return _case_page(request, state, pk, 400, followup_form=form)
    try:
        services.followup_add(
            case=row, actor=request.user, roles=state.roles, now=timezone.now(), **form.cleaned_data
        )
    except DomainError as exc:
        return _case_page(request, state, pk, 400, followup_form=form, error=exc.message)
    return redirect("screenings:case", pk)


@login_required
@require_POST
def followup_done(request: HttpRequest, pk: int) -> HttpResponse:
    state = state_with(request, CASE_ROLES)
    f = get_object_or_404(FollowUp.objects.filter(case__site=state.site), pk=pk)
    now = timezone.now()
    try:
        services.followup_done(
            followup=f,
            actor=request.user,
            roles=state.roles,
            done_on=timezone.localdate(now),
            now=now,
        )
    except DomainError as exc:
        return _case_page(request, state, f.case_id, 400, error=exc.message)
    return redirect("screenings:case", f.case_id)


@login_required
@require_POST
def close(request: HttpRequest, pk: int) -> HttpResponse:
    state = state_with(request, CASE_ROLES)
    row = get_object_or_404(selectors.cases_at(state.site), pk=pk)
    form = CloseForm(request.POST)
    if not form.is_valid():
        return _case_page(request, state, pk, 400, close_form=form)
    try:
        services.case_close(
            case=row,
            actor=request.user,
            roles=state.roles,
            reason=form.cleaned_data["reason"],
            now=timezone.now(),
        )
    except DomainError as exc:
        return _case_page(request, state, pk, 400, close_form=form, error=exc.message)
    return redirect("screenings:case", pk)


# -- campaigns with the police (T3-06) ----------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def campaigns(request: HttpRequest) -> HttpResponse:
    state = state_with(request, CAMPAIGN_ROLES)
    now = timezone.now()
    error = ""
    if request.method == "POST":
        form = CampaignForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                c = services.campaign_create(
                    site=state.site,
                    actor=request.user,
                    kind=data["kind"],
                    title=data["title"],
                    partner=data["partner"],
                    starts_on=data["starts_on"],
                    ends_on=data["ends_on"],
                    places=form.place_list(),
                    now=now,
                )
            except DomainError as exc:
                error = exc.message
            else:
                return redirect("screenings:campaign", c.pk)
    else:
        form = CampaignForm()
    rows = [(c, services.progress_of(c, now)) for c in selectors.campaigns_at(state.site)]
    status = 400 if error or form.errors else 200
    context = {"rows": rows, "form": form, "error": error}
    return render(request, "screenings/campaigns.html", context, status=status)


def _campaign_context(state: SiteState, pk: int) -> dict[str, Any]:
    c = get_object_or_404(selectors.campaigns_at(state.site), pk=pk)
    now = timezone.now()
    today = timezone.localdate(now)
    findings = [
        {"f": f, "overdue": f.fixed_on is None and today > f.deadline}
        for f in selectors.findings_of(c)
    ]
    return {"c": c, "progress": services.progress_of(c, now), "findings": findings}


def _campaign_page(
    request: HttpRequest, state: SiteState, pk: int, status: int = 200, **extra: Any
) -> HttpResponse:
    context = {**_campaign_context(state, pk), "form": FindingForm(), **extra}
    return render(request, "screenings/campaign.html", context, status=status)


@login_required
def campaign(request: HttpRequest, pk: int) -> HttpResponse:
    return _campaign_page(request, state_with(request, CAMPAIGN_ROLES), pk)


@login_required
@require_POST
def campaign_finding(request: HttpRequest, pk: int) -> HttpResponse:
    state = state_with(request, CAMPAIGN_ROLES)
    c = get_object_or_404(selectors.campaigns_at(state.site), pk=pk)
    form = FindingForm(request.POST)
    if not form.is_valid():
        return _campaign_page(request, state, pk, 400, form=form)
    try:
        services.campaign_finding(
            campaign=c, actor=request.user, now=timezone.now(), **form.cleaned_data
        )
    except DomainError as exc:
        return _campaign_page(request, state, pk, 400, form=form, error=exc.message)
    return redirect("screenings:campaign", pk)


@login_required
@require_POST
def place_inspect(request: HttpRequest, pk: int) -> HttpResponse:
    state = state_with(request, CAMPAIGN_ROLES)
    p = get_object_or_404(CampaignPlace.objects.filter(campaign__site=state.site), pk=pk)
    try:
        services.place_inspect(
            place=p, actor=request.user, note=request.POST.get("note", ""), now=timezone.now()
        )
    except DomainError as exc:
        return _campaign_page(request, state, p.campaign_id, 400, error=exc.message)
    return redirect("screenings:campaign", p.campaign_id)


@login_required
def campaign_report(request: HttpRequest, pk: int) -> HttpResponse:
    state = state_with(request, CAMPAIGN_ROLES)
    context = _campaign_context(state, pk)
    return document_response(
        "screenings/report.html",
        context,
        title=_("专项行动工作报告"),
        site=state.site,
        now=timezone.now(),
    )
