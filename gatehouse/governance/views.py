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
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _t
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gatehouse.accounts.models import Role
from gatehouse.console.context import state_with
from gatehouse.console.http import run_form
from gatehouse.core import rating
from gatehouse.core.errors import DomainError
from gatehouse.governance import selectors, services
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
from gatehouse.governance.models import OwnerArrears, Party

ASSOCIATION = frozenset({Role.INDUSTRY_ASSOCIATION})


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


def _or_404(found: Any) -> Any:
    if found is None:
        raise Http404
    return found


def _stars(n: int) -> str:
    return "★" * n


# == rating (GV-01, GV-05) ======================================================================


def _rating_context(site: Any, **extra: Any) -> dict[str, Any]:
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


@login_required
@require_GET
def rating_index(request: HttpRequest) -> HttpResponse:
    return render(request, "governance/rating.html", _rating_context(_site(request)))


@login_required
@require_POST
def project_new(request: HttpRequest) -> HttpResponse:
    site = _site(request)
    form = ProjectForm(request.POST, companies=selectors.all_companies())

    def call(d: dict[str, Any]) -> Any:
        now = timezone.now()
        if d["company"]:
            company = selectors.all_companies().get(pk=d["company"])
        else:
            company = services.company_create(
                site=site,
                actor=request.user,
                now=now,
                name=d["company_name"],
                uscc=d["uscc"],
                qualification=d["qualification"],
            )
        return services.project_create(
            site=site,
            actor=request.user,
            now=now,
            company=company,
            name=d["name"],
            since=d["since"],
        )

    project = _run(form, call)
    if project is None:
        context = _rating_context(site, form=form)
        return render(request, "governance/rating.html", context, status=422)
    messages.success(request, _t("物业服务项目已登记。"))
    return redirect("governance:project", pk=project.pk)


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


@login_required
@require_GET
def project(request: HttpRequest, pk: int) -> HttpResponse:
    found = _or_404(selectors.project_at(_site(request), pk))
    return render(request, "governance/project.html", _project_context(found))


@login_required
@require_POST
def assessment_new(request: HttpRequest, pk: int) -> HttpResponse:
    found = _or_404(selectors.project_at(_site(request), pk))
    items = selectors.items_of(selectors.active_checklist())
    form = AssessmentForm(request.POST, items=items)
    assessment = _run(
        form,
        lambda d: services.assessment_score(
            project=found,
            actor=request.user,
            now=timezone.now(),
            year=d["year"],
            assessed_on=d["assessed_on"],
            points=form.points(),
            notes=form.notes(),
        ),
    )
    if assessment is None:
        context = _project_context(found, form=form)
        return render(request, "governance/project.html", context, status=422)
    messages.success(request, _t("考核得分已登记，请各方签署意见。"))
    return redirect("governance:assessment", pk=assessment.pk)


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


@login_required
@require_GET
def assessment(request: HttpRequest, pk: int) -> HttpResponse:
    found = _or_404(selectors.assessment_at(_site(request), pk))
    return render(request, "governance/assessment.html", _assessment_context(found))


def _assessment_post(
    request: HttpRequest, found: Any, form: forms.Form, key: str, call: Any, ok: str
) -> HttpResponse:
    if _run(form, call) is None:
        context = _assessment_context(found, **{key: form})
        return render(request, "governance/assessment.html", context, status=422)
    messages.success(request, ok)
    return redirect("governance:assessment", pk=found.pk)


@login_required
@require_POST
def signoff(request: HttpRequest, pk: int) -> HttpResponse:
    found = _or_404(selectors.assessment_at(_site(request), pk))
    form = SignOffForm(request.POST)
    party = request.POST.get("party", "")
    return _assessment_post(
        request,
        found,
        form,
        f"signoff_{party}",
        lambda d: services.signoff_record(
            assessment=found, actor=request.user, now=timezone.now(), **d
        ),
        _t("签署意见已登记。"),
    )


@login_required
@require_POST
def finalise(request: HttpRequest, pk: int) -> HttpResponse:
    found = _or_404(selectors.assessment_at(_site(request), pk))
    form = FinaliseForm(request.POST)
    return _assessment_post(
        request,
        found,
        form,
        "finalise_form",
        lambda d: services.assessment_finalise(
            assessment=found,
            actor=request.user,
            now=timezone.now(),
            rectify_deadline=d["rectify_deadline"],
        ),
        _t("年度考核已定稿。"),
    )


@login_required
@require_POST
def rectified(request: HttpRequest, pk: int) -> HttpResponse:
    found = _or_404(selectors.assessment_at(_site(request), pk))
    form = DayForm(request.POST)
    return _assessment_post(
        request,
        found,
        form,
        "day_form",
        lambda d: services.assessment_rectified(
            assessment=found, actor=request.user, now=timezone.now(), rectified_on=d["day"]
        ),
        _t("已登记整改完成。"),
    )


@login_required
@require_POST
def blacklist_clear(request: HttpRequest, pk: int) -> HttpResponse:
    found = _or_404(selectors.assessment_at(_site(request), pk))
    form = DayForm(request.POST)
    return _assessment_post(
        request,
        found,
        form,
        "day_form",
        lambda d: services.blacklist_clear(
            assessment=found, actor=request.user, now=timezone.now(), cleared_on=d["day"]
        ),
        _t("已消除不良记录。"),
    )


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


def _credit_context(site: Any, **extra: Any) -> dict[str, Any]:
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


@login_required
@require_GET
def credit_index(request: HttpRequest) -> HttpResponse:
    return render(request, "governance/credit.html", _credit_context(_site(request)))


def _credit_post(
    request: HttpRequest, site: Any, form: forms.Form, key: str, call: Any, ok: str
) -> HttpResponse:
    result = _run(form, call)
    if result is None:
        return render(
            request, "governance/credit.html", _credit_context(site, **{key: form}), status=422
        )
    if isinstance(result, tuple):
        entry = result[1]
        messages.success(request, entry.message if entry is not None else ok)
    else:
        messages.success(request, ok)
    return redirect("governance:credit")


@login_required
@require_POST
def credit_add(request: HttpRequest) -> HttpResponse:
    site = _site(request)
    companies = selectors.all_companies()
    form = CreditForm(request.POST, companies=companies)
    return _credit_post(
        request,
        site,
        form,
        "credit_form",
        lambda d: services.credit_record_add(
            company=companies.get(pk=d["company"]),
            site=site,
            actor=request.user,
            now=timezone.now(),
            recorded_on=d["recorded_on"],
            reason=d["reason"],
            source=d["source"],
        ),
        _t("失信记录已登记：五年内禁止参与物业项目竞标。"),
    )


@login_required
@require_POST
def arrears_add(request: HttpRequest) -> HttpResponse:
    site = _site(request)
    form = ArrearsForm(request.POST)
    return _credit_post(
        request,
        site,
        form,
        "arrears_form",
        lambda d: services.arrears_record(
            site=site,
            actor=request.user,
            now=timezone.now(),
            owner_name=d["owner_name"],
            house_number=d["house_number"],
            arrears_fen=d["arrears"],
            confirmed_by=d["confirmed_by"],
            confirmed_on=d["confirmed_on"],
            case_ref=d["case_ref"],
        ),
        _t("欠费已登记；尚未经仲裁或判决确认，不录入个人信用档案。"),
    )


@login_required
@require_POST
def arrears_edit(request: HttpRequest, pk: int) -> HttpResponse:
    site = _site(request)
    found = _or_404(OwnerArrears.objects.filter(site=site, pk=pk).first())
    form = ArrearsUpdateForm(request.POST)
    return _credit_post(
        request,
        site,
        form,
        "arrears_update_form",
        lambda d: services.arrears_update(
            arrears=found, actor=request.user, now=timezone.now(), arrears_fen=d["arrears"]
        ),
        _t("欠费金额已更新。"),
    )


@login_required
@require_POST
def tender_add(request: HttpRequest) -> HttpResponse:
    site = _site(request)
    companies = selectors.all_companies()
    form = TenderForm(request.POST, companies=companies)

    def call(d: dict[str, Any]) -> Any:
        bidders = list(companies.filter(pk__in=d["bidders"]))
        return services.tender_record(
            site=site,
            actor=request.user,
            now=timezone.now(),
            stage=d["stage"],
            method=d["method"],
            bidders=bidders,
            winner=companies.get(pk=d["winner"]),
            decided_on=d["decided_on"],
            small_estate=d["small_estate"],
            bureau_approved=d["bureau_approved"],
            approval_ref=d["approval_ref"],
            incumbent_bids=d["incumbent_bids"],
            incumbent_consulted=d["incumbent_consulted"],
            note=d["note"],
        )

    return _credit_post(request, site, form, "tender_form", call, _t("选聘记录已登记。"))


@login_required
@require_GET
def company(request: HttpRequest, pk: int) -> HttpResponse:
    site = _site(request)
    found = _or_404(selectors.company_at(site, pk))
    today = timezone.localdate()
    facts = selectors.company_facts(found, today)
    context = {
        "company": found,
        "eligibility": rating.may_tender(facts, today),
        "facts": facts,
        "records": selectors.credit_records(found),
        "warnings": list(found.warnings.order_by("-start")),
        "projects": list(found.projects.filter(site=site).order_by("-since")),
        "today": today,
    }
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


@login_required
@require_GET
def campaign(request: HttpRequest, pk: int) -> HttpResponse:
    found = _or_404(selectors.campaign_at(_site(request), pk))
    return render(request, "governance/campaign.html", _campaign_context(found))


def _campaign_post(
    request: HttpRequest, found: Any, form: forms.Form, key: str, call: Any, ok: str
) -> HttpResponse:
    if _run(form, call) is None:
        context = _campaign_context(found, **{key: form})
        return render(request, "governance/campaign.html", context, status=422)
    messages.success(request, ok)
    return redirect("governance:campaign", pk=found.pk)


@login_required
@require_POST
def inspection_add(request: HttpRequest, pk: int) -> HttpResponse:
    site = _site(request)
    found = _or_404(selectors.campaign_at(site, pk))
    projects = selectors.projects_at(site)
    form = InspectionForm(request.POST, projects=projects)
    return _campaign_post(
        request,
        found,
        form,
        "inspection_form",
        lambda d: services.inspection_record(
            campaign=found,
            project=projects.get(pk=d["project"]),
            actor=request.user,
            now=timezone.now(),
            inspected_on=d["inspected_on"],
            inspectors=d["inspectors"],
            summary=d["summary"],
        ),
        _t("督查记录已登记。"),
    )


@login_required
@require_POST
def item_add(request: HttpRequest, pk: int) -> HttpResponse:
    site = _site(request)
    found = _or_404(selectors.campaign_at(site, pk))
    inspections = found.inspections.select_related("project", "campaign")
    form = ItemForm(
        request.POST,
        inspections=inspections,
        standards=selectors.items_of(selectors.active_checklist()),
    )
    return _campaign_post(
        request,
        found,
        form,
        "item_form",
        lambda d: services.item_issue(
            inspection=inspections.get(pk=d["inspection"]),
            actor=request.user,
            now=timezone.now(),
            ref=d["ref"],
            finding=d["finding"],
            standard=d["standard"],
            deadline=d["deadline"],
        ),
        _t("限期整改通知已登记。"),
    )


@login_required
@require_POST
def warning_add(request: HttpRequest, pk: int) -> HttpResponse:
    site = _site(request)
    found = _or_404(selectors.campaign_at(site, pk))
    companies = {p.company_id: p.company for p in selectors.projects_at(site)}
    form = WarningForm(request.POST, companies=companies.values())
    return _campaign_post(
        request,
        found,
        form,
        "warning_form",
        lambda d: services.warning_issue(
            campaign=found,
            company=companies[int(d["company"])],
            actor=request.user,
            now=timezone.now(),
            start=d["start"],
            end=d["end"],
            reason=d["reason"],
        ),
        _t("警示已登记：警示期间禁止参与物业管理招投标。"),
    )


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


@login_required
@require_GET
def item(request: HttpRequest, pk: int) -> HttpResponse:
    found = _or_404(selectors.item_at(_site(request), pk))
    return render(request, "governance/item.html", _item_context(found))


def _item_post(
    request: HttpRequest, found: Any, form: forms.Form, key: str, call: Any, ok: str
) -> HttpResponse:
    if _run(form, call) is None:
        context = _item_context(found, **{key: form})
        return render(request, "governance/item.html", context, status=422)
    messages.success(request, ok)
    return redirect("governance:item", pk=found.pk)


@login_required
@require_POST
def follow_up(request: HttpRequest, pk: int) -> HttpResponse:
    found = _or_404(selectors.item_at(_site(request), pk))
    form = FollowUpForm(request.POST)
    return _item_post(
        request,
        found,
        form,
        "follow_form",
        lambda d: services.follow_up_record(
            item=found, actor=request.user, now=timezone.now(), on=d["on"], note=d["note"]
        ),
        _t("跟踪记录已登记。"),
    )


@login_required
@require_POST
def item_done(request: HttpRequest, pk: int) -> HttpResponse:
    found = _or_404(selectors.item_at(_site(request), pk))
    form = DayForm(request.POST)
    return _item_post(
        request,
        found,
        form,
        "day_form",
        lambda d: services.item_rectified(
            item=found, actor=request.user, now=timezone.now(), rectified_on=d["day"]
        ),
        _t("已登记整改完成。"),
    )
