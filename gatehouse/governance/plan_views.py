"""Pages of the campaign plans (整治工作方案与倒排进度表), the referrals (违法行为移交) and the
district view with the red flag (全区概览、流动红旗), under /governance/ (issue 17 §3).

Who: the association and the property's security manager (the company's side) write a plan;
the residents' committee (居委会) and the owners' committee (业委会) of the community see its
campaigns and plans and comment, never change them (nor does the association's comment change
anything). Referrals are the property's (and the association's) register. The district view
and the award rounds are the association's.

Thin: the role at the site, a form, one service call, render; a refused write re-renders with
its errors and status 422, nothing written.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_http_methods

from gatehouse.accounts.models import Role
from gatehouse.console.context import SiteState, state_with
from gatehouse.console.http import run_form
from gatehouse.console.pages import Action, RecordPage, found_or_404
from gatehouse.core import referral as referral_rules
from gatehouse.governance import district, plan_selectors, plans, referrals, selectors
from gatehouse.governance.models import ProblemCategory
from gatehouse.governance.plan_forms import (
    AwardForm,
    CommentForm,
    HandledForm,
    PlanForm,
    ProblemForm,
    ProgressForm,
    ReceivedForm,
    ReferralForm,
    ReportForm,
    SelfInspectionForm,
    TaskForm,
)
from gatehouse.governance.publicity import boards as publicity_boards
from gatehouse.registers.paper import document_response

ASSOCIATION = str(Role.INDUSTRY_ASSOCIATION)
COMMITTEES = frozenset({str(Role.RESIDENTS_COMMITTEE), str(Role.OWNERS_COMMITTEE)})
#: Who writes a plan: the association and the company's side at the site.
PLAN_EDIT = frozenset({ASSOCIATION, str(Role.SECURITY_MANAGER)})
#: Who comments: the two committees and the association.
PLAN_COMMENT = COMMITTEES | {ASSOCIATION}
PLAN_VIEW = PLAN_EDIT | PLAN_COMMENT
#: Who refers violations and keeps the register.
REFERRAL_ROLES = frozenset({str(Role.SECURITY_MANAGER), ASSOCIATION})
REPORT_SIGNOFFS = (
    _lazy("物业服务企业（盖章）"),
    _lazy("项目负责人（签字）"),
    _lazy("社区居委会意见（盖章）"),
    _lazy("日期"),
)
TASK_STATE_LABELS = {
    "not_started": _lazy("未开始"),
    "in_progress": _lazy("进行中"),
    "late_start": _lazy("逾期未开始"),
    "overdue": _lazy("逾期未完成"),
    "done": _lazy("按期完成"),
    "done_late": _lazy("逾期完成"),
}


def _state(request: HttpRequest, roles: frozenset[str]) -> SiteState:
    return state_with(request, roles)


def _comment_role(state: SiteState) -> str:
    """The role a comment is recorded under: a committee's first, else the association's."""
    for role in (str(Role.RESIDENTS_COMMITTEE), str(Role.OWNERS_COMMITTEE)):
        if state.has_any({role}):
            return role
    return ASSOCIATION


# == plans ======================================================================================


@login_required
@require_http_methods(["GET", "POST"])
def plan_index(request: HttpRequest) -> HttpResponse:
    """The site's campaigns and their plans; the company's side opens a plan."""
    state = _state(request, PLAN_VIEW)
    site = state.site
    today = timezone.localdate()
    can_edit = state.has_any(PLAN_EDIT)
    campaigns = list(selectors.campaigns_at(site))
    projects = list(selectors.projects_at(site).filter(until__isnull=True))
    form = PlanForm(request.POST or None, campaigns=campaigns, projects=projects)
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        made = run_form(
            form,
            lambda d: plans.plan_create(
                campaign=selectors.campaigns_at(site).get(pk=d["campaign"]),
                project=selectors.projects_at(site).get(pk=d["project"]),
                actor=request.user,
                now=timezone.now(),
                deadline=d["deadline"],
            ),
        )
        if made is not None:
            messages.success(request, _t("整治工作方案已建立，请登记自查情况。"))
            return redirect("governance:plan", pk=made.pk)
    rows = []
    for plan in plan_selectors.plans_at(site):
        rows.append({"plan": plan, **district.plan_progress(plan, today)})
    return render(
        request,
        "governance/plans/index.html",
        {
            "campaigns": campaigns,
            "rows": rows,
            "form": form if can_edit and campaigns and projects else None,
            "can_edit": can_edit,
        },
        status=422 if form.is_bound else 200,
    )


def _plan_context(plan: Any, **extra: Any) -> dict[str, Any]:
    today = timezone.localdate()
    problems = list(plan.problems.order_by("category", "pk"))
    by_category = []
    for value, label in ProblemCategory.choices:
        found = [p for p in problems if p.category == value]
        if found:
            by_category.append({"label": label, "problems": found})
    return {
        "plan": plan,
        "today": today,
        "by_category": by_category,
        "problems": problems,
        "comments": list(plan.comments.select_related("author").order_by("created_at", "pk")),
        "role_labels": dict(Role.choices),
        "state_labels": TASK_STATE_LABELS,
        **district.plan_progress(plan, today),
        "inspection_form": extra.get("inspection_form")
        or SelfInspectionForm(
            initial={"on": plan.self_inspected_on or today, "summary": plan.self_inspection}
        ),
        "problem_form": extra.get("problem_form") or ProblemForm(),
        "task_form": extra.get("task_form") or TaskForm(initial={"phase": 1, "days": 7}),
        "comment_form": extra.get("comment_form") or CommentForm(),
        "report_form": extra.get("report_form") or ReportForm(),
        "progress_error": extra.get("progress_form"),
    }


def _plan_loader(roles: frozenset[str]) -> Any:
    def load(request: HttpRequest, pk: int) -> Any:
        return found_or_404(plan_selectors.plan_at(_state(request, roles).site, pk))

    return load


def _edit_item(request: HttpRequest, pk: int) -> tuple[Any, Any]:
    plan = _plan_loader(PLAN_EDIT)(request, pk)
    return plan, plan


def _comment_item(request: HttpRequest, pk: int) -> tuple[Any, Any]:
    plan = _plan_loader(PLAN_COMMENT)(request, pk)
    return plan, plan


def _task_item(request: HttpRequest, pk: int) -> tuple[Any, Any]:
    task = found_or_404(plan_selectors.task_at(_state(request, PLAN_EDIT).site, pk))
    return plan_selectors.plan_at(task.plan.campaign.site, task.plan_id), task


PLAN = RecordPage(
    template="governance/plans/detail.html",
    url_name="governance:plan",
    context=_plan_context,
    load=_plan_loader(PLAN_VIEW),
    actions={
        "inspect": Action(
            SelfInspectionForm,
            "inspection_form",
            lambda s: plans.self_inspection_record(
                plan=s.item, actor=s.actor, now=s.now, on=s.data["on"], summary=s.data["summary"]
            ),
            _lazy("自查情况已登记。"),
            item=_edit_item,
        ),
        "problem": Action(
            ProblemForm,
            "problem_form",
            lambda s: plans.problem_add(plan=s.item, actor=s.actor, now=s.now, **s.data),
            _lazy("问题已分类登记。"),
            item=_edit_item,
        ),
        "task": Action(
            TaskForm,
            "task_form",
            lambda s: plans.task_add(plan=s.item, actor=s.actor, now=s.now, **s.data),
            _lazy("整治任务已排入倒排进度表。"),
            item=_edit_item,
        ),
        "progress": Action(
            ProgressForm,
            "progress_form",
            lambda s: plans.task_progress(task=s.item, actor=s.actor, now=s.now, **s.data),
            _lazy("任务进度已登记。"),
            item=_task_item,
        ),
        "report": Action(
            ReportForm,
            "report_form",
            lambda s: plans.plan_report(plan=s.item, actor=s.actor, now=s.now),
            _lazy("整治工作方案已上报区住建委。"),
            item=_edit_item,
        ),
        "comment": Action(
            CommentForm,
            "comment_form",
            lambda s: plans.comment_add(
                plan=s.item,
                actor=s.actor,
                role=_comment_role(_state(s.request, PLAN_COMMENT)),
                now=s.now,
                body=s.data["body"],
            ),
            _lazy("意见已提交。"),
            item=_comment_item,
        ),
    },
)
plan_action = PLAN.view()
_plan_page = PLAN.page()


@login_required
@require_http_methods(["GET"])
def plan(request: HttpRequest, pk: int) -> HttpResponse:
    """The plan's page; ``?print=pdf``: its report to the housing bureau on A4."""
    state = _state(request, PLAN_VIEW)
    if request.GET.get("print") != "pdf":
        return _plan_page(request, pk=pk)
    found = found_or_404(plan_selectors.plan_at(state.site, pk))
    title = _t("整治工作方案及倒排进度表")
    return document_response(
        "governance/plans/paper.html",
        {**_plan_context(found), "signoffs": REPORT_SIGNOFFS},
        title=title,
        site=state.site,
        now=timezone.now(),
        name=f"{title}-{found.project.name}",
    )


# == referrals ==================================================================================


@login_required
@require_http_methods(["GET", "POST"])
def referral_new(request: HttpRequest) -> HttpResponse:
    state = _state(request, REFERRAL_ROLES)
    form = ReferralForm(request.POST or None, initial={"referred_on": timezone.localdate()})
    if request.method == "POST":
        made = run_form(
            form,
            lambda d: referrals.referral_create(
                site=state.site, actor=request.user, now=timezone.now(), **d
            ),
        )
        if made is not None:
            messages.success(
                request,
                _t("已移交%(agency)s处理，请跟踪受理和处理结果。")
                % {"agency": made.get_agency_display()},
            )
            return redirect("governance:referral", pk=made.pk)
    return render(
        request,
        "governance/referrals/new.html",
        {"form": form},
        status=422 if form.is_bound else 200,
    )


def _referral_context(row: Any, **extra: Any) -> dict[str, Any]:
    today = timezone.localdate()
    facts = referrals.facts(row)
    flag = referral_rules.overdue(facts, today)
    return {
        "referral": row,
        "stage": referral_rules.stage(facts),
        "overdue": referral_rules.OVERDUE_LABELS.get(flag, ""),
        "received_form": extra.get("received_form") or ReceivedForm(initial={"on": today}),
        "handled_form": extra.get("handled_form") or HandledForm(initial={"on": today}),
    }


def _referral_of(request: HttpRequest, pk: int) -> Any:
    return found_or_404(plan_selectors.referral_at(_state(request, REFERRAL_ROLES).site, pk))


REFERRAL = RecordPage(
    template="governance/referrals/detail.html",
    url_name="governance:referral",
    context=_referral_context,
    load=_referral_of,
    actions={
        "received": Action(
            ReceivedForm,
            "received_form",
            lambda s: referrals.referral_step(
                referral=s.record, actor=s.actor, now=s.now, step="received", **s.data
            ),
            _lazy("已登记部门受理。"),
        ),
        "handled": Action(
            HandledForm,
            "handled_form",
            lambda s: referrals.referral_step(
                referral=s.record, actor=s.actor, now=s.now, step="handled", **s.data
            ),
            _lazy("已登记处理结果。"),
        ),
    },
)
referral_action = REFERRAL.view()
referral = REFERRAL.page()


# == the district view and the red flag =========================================================


@login_required
@require_http_methods(["GET", "POST"])
def district_view(request: HttpRequest) -> HttpResponse:
    """All the communities the association rates, side by side; the award rounds."""
    _state(request, frozenset({ASSOCIATION}))
    sites = district.district_sites(request.user)
    today = timezone.localdate()
    form = AwardForm(request.POST or None)
    if request.method == "POST":
        made = run_form(
            form,
            lambda d: district.award_round(
                sites=sites, actor=request.user, now=timezone.now(), **d
            ),
        )
        if made is not None:
            messages.success(request, made.message)
            return redirect("governance:district")
    return render(
        request,
        "governance/district.html",
        {
            "rows": district.community_rows(sites, today),
            "rounds": list(district.rounds_for(sites)[:12]),
            "form": form,
            "today": today,
        },
        status=422 if form.is_bound else 200,
    )


# == "一栏四牌" =================================================================================

BOARD_LABELS = {
    "info": _lazy("公共信息服务栏（创建整治宣传）"),
    "company": _lazy("物业服务企业及负责人牌"),
    "fees": _lazy("收费项目和标准牌"),
    "rating": _lazy("服务等级牌"),
    "progress": _lazy("整治进度和流动红旗牌"),
}


@login_required
@require_http_methods(["GET"])
def publicity(request: HttpRequest) -> HttpResponse:
    """The community's "一栏四牌" as they stand, the missing boards flagged; ``?print=pdf``: the
    boards as an A4 poster to put up."""
    state = _state(request, PLAN_VIEW)
    now = timezone.now()
    context = {
        **publicity_boards(state.site, now),
        "board_labels": BOARD_LABELS,
        "state_labels": TASK_STATE_LABELS,
        "today": timezone.localdate(now),
    }
    context["missing"] = [BOARD_LABELS[g] for g in context["gaps"]]
    if request.GET.get("print") == "pdf":
        return document_response(
            "governance/publicity_paper.html",
            context,
            title=_t("一栏四牌"),
            site=state.site,
            now=now,
        )
    return render(request, "governance/publicity.html", context)
