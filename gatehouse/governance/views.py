"""The industry association's pages (URLs under /governance/): project rating (项目评级), the
credit file and tenders (信用档案), and the rectification campaign (整改).

Thin: ``state_with`` for the site and the role, a record of the current site or 404, a form,
one service call, render; a rejected write re-renders with errors and status 422.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET, require_http_methods

from gatehouse.accounts.models import Role
from gatehouse.console.charts import response as chart_response
from gatehouse.console.context import state_with
from gatehouse.console.http import run_form
from gatehouse.console.pages import Action, RecordPage, Submitted, found_or_404, of_site
from gatehouse.core import rating
from gatehouse.core.errors import DomainError
from gatehouse.governance import charts, selectors, services
from gatehouse.governance.forms import (
    ArrearsForm,
    ArrearsUpdateForm,
    AssessmentForm,
    CampaignForm,
    CreditForm,
    DayForm,
    FinaliseForm,
    FollowUpForm,
    InspectionForm,
    ItemForm,
    ProjectForm,
    SignOffForm,
    TenderForm,
    WarningForm,
)
from gatehouse.governance.models import Party
from gatehouse.registers.paper import document_response
from gatehouse.sites.models import Site

ASSOCIATION = frozenset({Role.INDUSTRY_ASSOCIATION})
CREDIT_SIGNOFFS = (
    _lazy("经办人（签字）"),
    _lazy("审核人（签字）"),
    _lazy("物业行业协会（盖章）"),
    _lazy("日期"),
)


def _site(request: HttpRequest) -> Any:
    return state_with(request, ASSOCIATION).site


def _score_field(exc: DomainError) -> str | None:
    """A scoring error names its item by ``key``: it lands on that item's ``score_<key>`` field."""
    field = exc.details.get("field")
    if field is None and "key" in exc.details:
        field = f"score_{exc.details['key']}"
    return field


def _run(form: forms.Form, call: Callable[[dict[str, Any]], Any]) -> Any:
    return run_form(form, call, field_of=_score_field)


def _stars(n: int) -> str:
    return "★" * n


# == rating (GV-01, GV-05) ======================================================================


def _rating_context(site: Site, **extra: Any) -> dict[str, Any]:
    today = timezone.localdate()
    rows = []
    for project in selectors.projects_at(site):
        latest = project.assessments.order_by("-year").first()
        rows.append({"project": project, "latest": latest})
    return {
        "rows": rows,
        "residential": site.kind == "residential",
        "form": extra.get("form")
        or ProjectForm(companies=selectors.all_companies(), initial={"since": today}),
    }


def _new_project(s: Submitted) -> Any:
    d = s.data
    if d["company"]:
        company = selectors.all_companies().get(pk=d["company"])
    else:
        company = services.company_create(
            site=s.record,
            actor=s.actor,
            now=s.now,
            name=d["company_name"],
            uscc=d["uscc"],
            qualification=d["qualification"],
        )
    return services.project_create(
        site=s.record, actor=s.actor, now=s.now, company=company, name=d["name"], since=d["since"]
    )


RATING = RecordPage(
    template="governance/rating.html",
    url_name="governance:rating",
    context=_rating_context,
    load=_site,
    url_kwargs=lambda site: {},
    field_of=_score_field,
    actions={
        "project_new": Action(
            lambda request, site: ProjectForm(request.POST, companies=selectors.all_companies()),
            "form",
            _new_project,
            _lazy("物业服务项目已登记。"),
            goes_to=lambda project: ("governance:project", {"pk": project.pk}),
        ),
    },
)
rating_action = RATING.view()
rating_index = RATING.page()


@login_required
@require_GET
def rating_charts(request: HttpRequest) -> HttpResponse:
    """The district's projects by star rating, as chart JSON."""
    site = _site(request)
    return chart_response(request, charts.rating_stats(site, timezone.now()), site)


def _project_context(project: Any, **extra: Any) -> dict[str, Any]:
    today = timezone.localdate()
    checklist = selectors.active_checklist()
    items = selectors.items_of(checklist)
    form = extra.get("form") or AssessmentForm(
        items=items,
        initial={
            "year": today.year,
            "assessed_on": today,
            **{f"score_{i.key}": i.weight for i in items},
        },
    )
    return {
        "project": project,
        "assessments": list(project.assessments.order_by("-year")),
        "form": form,
        "eligibility": selectors.eligibility(project.company, today),
        "overdue_this_year": selectors.overdue_in_year(project, today.year, today),
        "today": today,
    }


_project_of = of_site(_site, selectors.project_at)


PROJECT = RecordPage(
    template="governance/project.html",
    url_name="governance:project",
    context=_project_context,
    load=_project_of,
    field_of=_score_field,
    actions={
        "assessment_new": Action(
            lambda request, project: AssessmentForm(
                request.POST, items=selectors.items_of(selectors.active_checklist())
            ),
            "form",
            lambda s: services.assessment_score(
                project=s.record,
                actor=s.actor,
                now=s.now,
                year=s.data["year"],
                assessed_on=s.data["assessed_on"],
                points=s.form.points(),
                notes=s.form.notes(),
            ),
            _lazy("考核得分已登记，请各方签署意见。"),
            goes_to=lambda assessment: ("governance:assessment", {"pk": assessment.pk}),
        ),
    },
)
project_action = PROJECT.view()
project = PROJECT.page()


def _assessment_context(assessment: Any, **extra: Any) -> dict[str, Any]:
    today = timezone.localdate()
    signed = {s.party: s for s in assessment.signoffs.all()}
    titles = {i.key: i for i in selectors.items_of(assessment.checklist)}
    scores = sorted(
        assessment.scores.all(),
        key=lambda s: list(titles).index(s.key) if s.key in titles else 99,
    )
    parties = []
    for value, label in Party.choices:
        parties.append(
            {
                "value": value,
                "label": label,
                "signoff": signed.get(value),
                "form": extra.get(f"signoff_{value}")
                or SignOffForm(initial={"party": value, "signed_on": today}),
            }
        )
    listed = None
    if assessment.rectify_deadline is not None:
        listed = rating.blacklist_from(
            deadline=assessment.rectify_deadline, rectified_on=assessment.rectified_on
        )
    return {
        "assessment": assessment,
        "project": assessment.project,
        "stars": _stars(assessment.stars),
        "scores": [{"score": s, "item": titles.get(s.key)} for s in scores],
        "parties": parties,
        "missing": selectors.missing_parties(assessment),
        "finalise_form": extra.get("finalise_form") or FinaliseForm(),
        "day_form": extra.get("day_form") or DayForm(initial={"day": today}),
        "blacklisted_on": listed,
        "blacklist_in_force": listed is not None
        and listed <= today
        and (assessment.blacklist_cleared_on is None or assessment.blacklist_cleared_on > today),
        "evidence": selectors.evidence(assessment.project.site, assessment.year),
        "today": today,
    }


_assessment_of = of_site(_site, selectors.assessment_at)


def _signoff_key(request: HttpRequest) -> str:
    return f"signoff_{request.POST.get('party', '')}"


ASSESSMENT = RecordPage(
    template="governance/assessment.html",
    url_name="governance:assessment",
    context=_assessment_context,
    load=_assessment_of,
    field_of=_score_field,
    actions={
        "signoff": Action(
            SignOffForm,
            _signoff_key,
            lambda s: services.signoff_record(
                assessment=s.record, actor=s.actor, now=s.now, **s.data
            ),
            _lazy("签署意见已登记。"),
        ),
        "finalise": Action(
            FinaliseForm,
            "finalise_form",
            lambda s: services.assessment_finalise(
                assessment=s.record,
                actor=s.actor,
                now=s.now,
                rectify_deadline=s.data["rectify_deadline"],
            ),
            _lazy("年度考核已定稿。"),
        ),
        "rectified": Action(
            DayForm,
            "day_form",
            lambda s: services.assessment_rectified(
                assessment=s.record, actor=s.actor, now=s.now, rectified_on=s.data["day"]
            ),
            _lazy("已登记整改完成。"),
        ),
        "blacklist_clear": Action(
            DayForm,
            "day_form",
            lambda s: services.blacklist_clear(
                assessment=s.record, actor=s.actor, now=s.now, cleared_on=s.data["day"]
            ),
            _lazy("已消除不良记录。"),
        ),
    },
)
assessment_action = ASSESSMENT.view()
assessment = ASSESSMENT.page()


@login_required
@require_GET
def checklist(request: HttpRequest) -> HttpResponse:
    _site(request)
    stored = selectors.active_checklist()
    problem = ""
    try:
        core = selectors.core_checklist(stored)
    except DomainError as exc:
        core, problem = None, exc.message
    context = {
        "checklist": stored,
        "items": selectors.items_of(stored),
        "deduction": core.overdue_deduction if core else None,
        "problem": problem,
        "scale": rating.StarScale(),
    }
    return render(request, "governance/checklist.html", context)


# == credit and tenders (GV-02, GV-03) ==========================================================


def _credit_context(site: Site, **extra: Any) -> dict[str, Any]:
    today = timezone.localdate()
    companies = list(selectors.companies_at(site))
    all_companies = list(selectors.all_companies())
    return {
        "companies": [
            {"company": c, "eligibility": selectors.eligibility(c, today)} for c in companies
        ],
        "arrears": selectors.arrears_at(site, today),
        "tenders": list(selectors.tenders_at(site)),
        "credit_form": extra.get("credit_form")
        or CreditForm(companies=all_companies, initial={"recorded_on": today}),
        "arrears_form": extra.get("arrears_form") or ArrearsForm(),
        "tender_form": extra.get("tender_form")
        or TenderForm(companies=all_companies, initial={"decided_on": today}),
        "today": today,
    }


def _entry_message(result: Any) -> str | None:
    """A credit record's entry in the credit file says itself what it means."""
    if isinstance(result, tuple) and result[1] is not None:
        return str(result[1].message)
    return None


def _arrears_of(request: HttpRequest, pk: int) -> tuple[Any, Any]:
    site = _site(request)
    return site, found_or_404(selectors.arrears_row_at(site, pk))


def _tender(s: Submitted) -> Any:
    companies = selectors.all_companies()
    d = s.data
    return services.tender_record(
        site=s.record,
        actor=s.actor,
        now=s.now,
        stage=d["stage"],
        method=d["method"],
        bidders=list(companies.filter(pk__in=d["bidders"])),
        winner=companies.get(pk=d["winner"]),
        decided_on=d["decided_on"],
        small_estate=d["small_estate"],
        bureau_approved=d["bureau_approved"],
        approval_ref=d["approval_ref"],
        incumbent_bids=d["incumbent_bids"],
        incumbent_consulted=d["incumbent_consulted"],
        note=d["note"],
    )


CREDIT = RecordPage(
    template="governance/credit.html",
    url_name="governance:credit",
    context=_credit_context,
    load=_site,
    url_kwargs=lambda site: {},
    field_of=_score_field,
    actions={
        "credit_add": Action(
            lambda request, site: CreditForm(request.POST, companies=selectors.all_companies()),
            "credit_form",
            lambda s: services.credit_record_add(
                company=selectors.all_companies().get(pk=s.data["company"]),
                site=s.record,
                actor=s.actor,
                now=s.now,
                recorded_on=s.data["recorded_on"],
                reason=s.data["reason"],
                source=s.data["source"],
            ),
            _lazy("失信记录已登记：五年内禁止参与物业项目竞标。"),
            note=_entry_message,
        ),
        "arrears_add": Action(
            ArrearsForm,
            "arrears_form",
            lambda s: services.arrears_record(
                site=s.record,
                actor=s.actor,
                now=s.now,
                owner_name=s.data["owner_name"],
                house_number=s.data["house_number"],
                arrears_fen=s.data["arrears"],
                confirmed_by=s.data["confirmed_by"],
                confirmed_on=s.data["confirmed_on"],
                case_ref=s.data["case_ref"],
            ),
            _lazy("欠费已登记；尚未经仲裁或判决确认，不录入个人信用档案。"),
            note=_entry_message,
        ),
        "arrears_edit": Action(
            ArrearsUpdateForm,
            "arrears_update_form",
            lambda s: services.arrears_update(
                arrears=s.item, actor=s.actor, now=s.now, arrears_fen=s.data["arrears"]
            ),
            _lazy("欠费金额已更新。"),
            item=_arrears_of,
            note=_entry_message,
        ),
        "tender_add": Action(
            lambda request, site: TenderForm(request.POST, companies=selectors.all_companies()),
            "tender_form",
            _tender,
            _lazy("选聘记录已登记。"),
            note=_entry_message,
        ),
    },
)
credit_action = CREDIT.view()
credit_index = CREDIT.page()


@login_required
@require_GET
def company(request: HttpRequest, pk: int) -> HttpResponse:
    site = _site(request)
    found = found_or_404(selectors.company_at(site, pk))
    today = timezone.localdate()
    facts = selectors.company_facts(found, today)
    context = {
        "company": found,
        "eligibility": rating.may_tender(facts, today),
        "facts": facts,
        "records": selectors.credit_records(found),
        "warnings": list(found.warnings.select_related("campaign").order_by("-start")),
        "projects": list(found.projects.filter(site=site).order_by("-since")),
        "today": today,
    }
    if request.GET.get("print") == "pdf":
        title = _t("诚信档案")
        return document_response(
            "governance/paper/credit.html",
            {**context, "signoffs": CREDIT_SIGNOFFS},
            title=title,
            site=site,
            now=timezone.now(),
            name=f"{title}-{found.name}-{today:%Y%m%d}",
        )
    return render(request, "governance/company.html", context)


# == rectification (GV-04) ======================================================================


@login_required
@require_http_methods(["GET", "POST"])
def rectification_index(request: HttpRequest) -> HttpResponse:
    site = _site(request)
    today = timezone.localdate()
    form = CampaignForm(request.POST or None, initial={"starts_on": today})
    if request.method == "POST":
        campaign = _run(
            form,
            lambda d: services.campaign_create(
                site=site, actor=request.user, now=timezone.now(), **d
            ),
        )
        if campaign is not None:
            messages.success(request, _t("专项整治已登记。"))
            return redirect("governance:campaign", pk=campaign.pk)
    rows = []
    for campaign in selectors.campaigns_at(site):
        items = selectors.item_rows(selectors.campaign_items(campaign), today)
        rows.append(
            {
                "campaign": campaign,
                "items": len(items),
                "open": sum(1 for r in items if r.status == rating.ItemStatus.OPEN),
                "overdue": sum(1 for r in items if r.status == rating.ItemStatus.OVERDUE),
            }
        )
    status = 422 if form.is_bound else 200
    return render(
        request, "governance/rectification.html", {"rows": rows, "form": form}, status=status
    )


def _campaign_context(campaign: Any, **extra: Any) -> dict[str, Any]:
    today = timezone.localdate()
    site = campaign.site
    projects = list(selectors.projects_at(site))
    inspections = list(
        campaign.inspections.select_related("project").order_by("-inspected_on", "-pk")
    )
    companies = {p.company_id: p.company for p in projects}
    return {
        "campaign": campaign,
        "inspections": inspections,
        "rows": selectors.item_rows(selectors.campaign_items(campaign), today),
        "warnings": list(campaign.warnings.select_related("company").order_by("-start")),
        "inspection_form": extra.get("inspection_form")
        or InspectionForm(projects=projects, initial={"inspected_on": today}),
        "item_form": extra.get("item_form")
        or ItemForm(
            inspections=inspections,
            standards=selectors.items_of(selectors.active_checklist()),
        ),
        "warning_form": extra.get("warning_form")
        or WarningForm(companies=companies.values(), initial={"start": today}),
        "today": today,
    }


_campaign_of = of_site(_site, selectors.campaign_at)


def _companies_of(campaign: Any) -> dict[int, Any]:
    """The companies a warning may name: those with a project on the campaign's site."""
    return {p.company_id: p.company for p in selectors.projects_at(campaign.site)}


def _inspections_of(campaign: Any) -> Any:
    return campaign.inspections.select_related("project", "campaign")


CAMPAIGN = RecordPage(
    template="governance/campaign.html",
    url_name="governance:campaign",
    context=_campaign_context,
    load=_campaign_of,
    field_of=_score_field,
    actions={
        "inspection_add": Action(
            lambda request, c: InspectionForm(request.POST, projects=selectors.projects_at(c.site)),
            "inspection_form",
            lambda s: services.inspection_record(
                campaign=s.record,
                project=selectors.projects_at(s.record.site).get(pk=s.data["project"]),
                actor=s.actor,
                now=s.now,
                inspected_on=s.data["inspected_on"],
                inspectors=s.data["inspectors"],
                summary=s.data["summary"],
            ),
            _lazy("督查记录已登记。"),
        ),
        "item_add": Action(
            lambda request, c: ItemForm(
                request.POST,
                inspections=_inspections_of(c),
                standards=selectors.items_of(selectors.active_checklist()),
            ),
            "item_form",
            lambda s: services.item_issue(
                inspection=_inspections_of(s.record).get(pk=s.data["inspection"]),
                actor=s.actor,
                now=s.now,
                ref=s.data["ref"],
                finding=s.data["finding"],
                standard=s.data["standard"],
                deadline=s.data["deadline"],
            ),
            _lazy("限期整改通知已登记。"),
        ),
        "warning_add": Action(
            lambda request, c: WarningForm(request.POST, companies=_companies_of(c).values()),
            "warning_form",
            lambda s: services.warning_issue(
                campaign=s.record,
                company=_companies_of(s.record)[int(s.data["company"])],
                actor=s.actor,
                now=s.now,
                start=s.data["start"],
                end=s.data["end"],
                reason=s.data["reason"],
            ),
            _lazy("警示已登记：警示期间禁止参与物业管理招投标。"),
        ),
    },
)
campaign_action = CAMPAIGN.view()
campaign = CAMPAIGN.page()


def _item_context(item: Any, **extra: Any) -> dict[str, Any]:
    today = timezone.localdate()
    status = rating.item_status(selectors.core_item(item), today)
    return {
        "item": item,
        "status": status,
        "follow_ups": list(item.follow_ups.order_by("-on")),
        "follow_form": extra.get("follow_form") or FollowUpForm(initial={"on": today}),
        "day_form": extra.get("day_form") or DayForm(initial={"day": today}),
        "today": today,
    }


_item_of = of_site(_site, selectors.item_at)


ITEM = RecordPage(
    template="governance/item.html",
    url_name="governance:item",
    context=_item_context,
    load=_item_of,
    field_of=_score_field,
    actions={
        "follow_up": Action(
            FollowUpForm,
            "follow_form",
            lambda s: services.follow_up_record(
                item=s.record, actor=s.actor, now=s.now, on=s.data["on"], note=s.data["note"]
            ),
            _lazy("跟踪记录已登记。"),
        ),
        "item_done": Action(
            DayForm,
            "day_form",
            lambda s: services.item_rectified(
                item=s.record, actor=s.actor, now=s.now, rectified_on=s.data["day"]
            ),
            _lazy("已登记整改完成。"),
        ),
    },
)
item_action = ITEM.view()
item = ITEM.page()
