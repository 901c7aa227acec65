"""The park committee's pages (URLs under /park/): applications (入园申请), land supervision
(项目监管) and the enterprise directory (企业名录).

Thin: ``state_with`` for the site and the role (403 for any other role), a record of the current
site or 404, a form, one service call, render. A rejected write re-renders its page with the
form's errors and status 422; nothing is written.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gatehouse.accounts.models import Role
from gatehouse.admission import charts, selectors, services
from gatehouse.admission.forms import (
    AlertHandleForm,
    ApplicationForm,
    ChangeNoticeForm,
    ContractForm,
    CorrectionDoneForm,
    CorrectionForm,
    DecisionForm,
    DocumentForm,
    EnterpriseForm,
    FilingForm,
    PolicyForm,
    ProgressForm,
    ReportDutyForm,
    SitePlanForm,
    StepForm,
    StoppageEndForm,
    StoppageForm,
    SuspensionForm,
    SuspensionUpdateForm,
)
from gatehouse.admission.models import (
    CorrectionOrder,
    DocumentKind,
    Project,
    Stoppage,
    Suspension,
)
from gatehouse.admission.uploads import content_type_of
from gatehouse.console.charts import response as chart_response
from gatehouse.console.context import state_with
from gatehouse.console.http import run_form
from gatehouse.console.pages import Action, RecordPage, found_or_404
from gatehouse.core import land
from gatehouse.people.models import Enterprise
from gatehouse.sites.models import Site

COMMITTEE = frozenset({Role.PARK_COMMITTEE})


def _site(request: HttpRequest) -> Site:
    return state_with(request, COMMITTEE).site


def _project(site: Site, pk: int) -> Project:
    return found_or_404(selectors.project_at(site, pk))


# == applications ================================================================================


@login_required
@require_GET
def committee_charts(request: HttpRequest) -> HttpResponse:
    """Projects by stage and the land deadlines ahead, as chart JSON."""
    site = _site(request)
    return chart_response(request, charts.committee_stats(site, timezone.now()), site)


@login_required
@require_GET
def applications(request: HttpRequest) -> HttpResponse:
    site = _site(request)
    rows = []
    for p in selectors.projects_at(site):
        step_ = selectors.current_step(p)
        rows.append(
            {
                "project": p,
                "state": selectors.admission_state(p),
                "step_label": selectors.STEP_LABELS.get(step_.value) if step_ else "",
            }
        )
    return render(request, "admission/applications.html", {"rows": rows})


def _application_form(site: Site, data: Any = None, files: Any = None) -> ApplicationForm:
    return ApplicationForm(
        data,
        files,
        enterprises=selectors.enterprises_at(site).filter(is_active=True),
        zones=selectors.zones_at(site),
        initial={"applied_on": timezone.localdate(), "requests_own_land": True},
    )


@login_required
@require_http_methods(["GET", "POST"])
def apply(request: HttpRequest) -> HttpResponse:
    site = _site(request)
    context = {"suggestions": selectors.sector_suggestions(site)}
    if request.method != "POST":
        context["form"] = _application_form(site)
        return render(request, "admission/apply.html", context)
    form = _application_form(site, request.POST, request.FILES)

    def call(d: dict[str, Any]) -> Any:
        enterprise = selectors.enterprises_at(site).get(pk=d["enterprise"])
        zone = selectors.zones_at(site).get(pk=d["zone"])
        return services.project_apply(
            site=site,
            actor=request.user,
            now=timezone.now(),
            enterprise=enterprise,
            zone=zone,
            name=d["name"],
            sector=d["sector"],
            registered_capital_fen=d["registered_capital"],
            paid_in_capital_fen=d["paid_in_capital"],
            fixed_investment_fen=d["fixed_investment"],
            land_mu=d["land_mu"],
            applied_on=d["applied_on"],
            unmet_criteria=d["unmet_criteria"],
            profile_note=d["profile_note"],
            documents=form.documents(),
            **{flag: d[flag] for flag in ApplicationForm.FLAGS},
        )

    project = run_form(form, call)
    if project is None:
        context["form"] = form
        return render(request, "admission/apply.html", context, status=422)
    messages.success(request, _t("入园申请已受理，请查看审查结果。"))
    return redirect("admission:project", pk=project.pk)


def _project_context(project: Any, **forms_: Any) -> dict[str, Any]:
    state = selectors.admission_state(project)
    done = selectors.steps_done(project)
    nxt = land.next_step(done)
    today = timezone.localdate()
    decidable = [
        {
            "finding": f,
            "decision": state.decisions.get(f.code),
            "form": forms_.get(f"decision_{f.code}")
            or DecisionForm(initial={"finding_code": f.code, "decided_on": today}),
        }
        for f in state.screening.findings
        if f.severity in selectors.DECIDABLE
    ]
    documents = sorted(project.documents.all(), key=lambda d: (d.kind, d.uploaded_at))
    present = {d.kind for d in documents}
    return {
        "project": project,
        "state": state,
        "findings": state.screening.findings,
        "decidable": decidable,
        "documents": documents,
        "missing": [str(DocumentKind(k).label) for k in DocumentKind.values if k not in present],
        "contracted": land.Step.CONTRACT in done,
        "steps": [
            {"step": s, "label": land.STEP_LABELS[s], "record": done.get(s)} for s in land.STEPS
        ],
        "next_step": nxt,
        "next_label": land.STEP_LABELS[nxt] if nxt else "",
        "step_form": forms_.get("step_form")
        or StepForm(initial={"step": nxt.value if nxt else "", "done_on": today}),
        "document_form": forms_.get("document_form") or DocumentForm(),
        "intensity": land.yuan(int(state.screening.intensity_fen_per_mu)),
    }


def _load_project(request: HttpRequest, pk: int) -> Project:
    return _project(_site(request), pk)


def _decision_key(request: HttpRequest) -> str:
    return f"decision_{request.POST.get('finding_code', '')}"


def _decision_failed(request: HttpRequest, form: forms.Form) -> dict[str, Any]:
    return {"decision_error": form.non_field_errors() or form.errors.get("finding_code")}


APPLICATION = RecordPage(
    template="admission/project.html",
    url_name="admission:project",
    context=_project_context,
    load=_load_project,
    actions={
        "document_add": Action(
            DocumentForm,
            "document_form",
            lambda s: services.document_attach(
                project=s.record,
                kind=s.data["kind"],
                upload=s.data["file"],
                actor=s.actor,
                now=s.now,
            ),
            _lazy("材料已上传。"),
        ),
        "decide": Action(
            DecisionForm,
            _decision_key,
            lambda s: services.decision_record(
                project=s.record,
                actor=s.actor,
                now=s.now,
                finding_code=s.data["finding_code"],
                approved=s.data["approved"],
                decided_on=s.data["decided_on"],
                attendees=s.data["attendees"],
                minutes=s.data["minutes"],
                minutes_file=s.data["minutes_file"],
            ),
            _lazy("管委会决定已登记。"),
            failed=_decision_failed,
        ),
        "step": Action(
            StepForm,
            "step_form",
            lambda s: services.step_record(
                project=s.record,
                step=s.data["step"],
                done_on=s.data["done_on"],
                note=s.data["note"],
                document=s.data["document"],
                actor=s.actor,
                now=s.now,
            ),
            _lazy("流程环节已登记。"),
        ),
    },
)
application_action = APPLICATION.view()
project = APPLICATION.page()


@login_required
@require_GET
def download(request: HttpRequest, kind: str, pk: int) -> FileResponse:
    """A stored document, to a committee member of its park only."""
    site = _site(request)
    found = selectors.stored_file(site, kind, pk)
    if found is None:
        raise Http404
    stored, name = found
    try:
        handle = stored.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(
        handle, as_attachment=True, filename=name, content_type=content_type_of(name)
    )
    response["Cache-Control"] = "no-store"
    return response


# == land supervision ============================================================================


@login_required
@require_GET
def land_index(request: HttpRequest) -> HttpResponse:
    site = _site(request)
    today = timezone.localdate()
    policy = selectors.supervision_policy(site)
    rows = [selectors.supervision(p, today, policy) for p in selectors.supervised_at(site)]
    waiting = [
        p
        for p in selectors.projects_at(site).filter(contract__isnull=True)
        if land.Step.CONTRACT in selectors.steps_done(p)
    ]
    context = {
        "rows": rows,
        "waiting": waiting,
        "alerts": list(selectors.alerts_at(site, open_only=True)[:20]),
        "today": today,
    }
    return render(request, "admission/land.html", context)


def _land_context(project: Any, **forms_: Any) -> dict[str, Any]:
    today = timezone.localdate()
    site = project.site
    sup = selectors.supervision(project, today, selectors.supervision_policy(site))
    contract = selectors.contract_of(project)
    plan = getattr(project, "site_plan", None)
    contract_initial: dict[str, Any] = {}
    if contract is not None:
        contract_initial = {
            "signed_on": contract.signed_on,
            "land_mu": contract.land_mu,
            "land_price": _yuan_input(contract.land_price_fen_per_mu),
            "contracted_start": contract.contracted_start,
            "planned_floor_area_m2": contract.planned_floor_area_m2,
            "total_investment": _yuan_input(contract.total_investment_fen),
            "contracted_production": contract.contracted_production,
            "completed_on": contract.completed_on,
            "land_price_relief": contract.land_price_relief,
            "appraised_year1": _yuan_input(contract.appraised_year1_fen),
            "appraised_year2": _yuan_input(contract.appraised_year2_fen),
            "std_investment": _yuan_input(contract.std_investment_fen),
            "std_intensity": _yuan_input(contract.std_intensity_fen_per_mu),
            "std_speed_pct": contract.std_speed_pct,
            "std_output": _yuan_input(contract.std_output_fen_per_mu),
        }
    else:
        signed = selectors.steps_done(project).get(land.Step.CONTRACT)
        contract_initial = {
            "signed_on": signed.done_on if signed else None,
            "land_mu": project.land_mu,
            "total_investment": _yuan_input(project.fixed_investment_fen),
        }
    plan_initial: dict[str, Any] = {}
    if plan is not None:
        plan_initial = {
            f: getattr(plan, f)
            for f in (
                "sector_code",
                "land_area_m2",
                "floor_area_m2",
                "footprint_m2",
                "green_area_m2",
                "admin_living_area_m2",
                "uses",
            )
        }
    suspensions = sorted(project.suspensions.all(), key=lambda s: (s.start, s.pk))
    return {
        "project": project,
        "sup": sup,
        "contract": contract,
        "steps": selectors.steps_done(project),
        "reports": sorted(
            project.progress.all(), key=lambda r: (r.reported_on, r.pk), reverse=True
        ),
        "suspensions": [
            {
                "obj": s,
                "form": forms_.get(f"suspension_{s.pk}")
                or SuspensionUpdateForm(
                    initial={
                        "end": s.end,
                        "notice_served_on": s.notice_served_on,
                        "pay_by": s.pay_by,
                        "resume_by": s.resume_by,
                        "paid_on": s.paid_on,
                    }
                ),
            }
            for s in suspensions
        ],
        "stoppages": sorted(project.stoppages.all(), key=lambda s: (s.start, s.pk)),
        "corrections": sorted(project.corrections.all(), key=lambda c: (c.issued_on, c.pk)),
        "alerts": list(project.alerts.order_by("-day", "-pk")),
        "plan": plan,
        "plan_findings": selectors.plan_findings(project),
        "contract_form": forms_.get("contract_form") or ContractForm(initial=contract_initial),
        "progress_form": forms_.get("progress_form")
        or ProgressForm(initial={"reported_on": today}),
        "suspension_form": forms_.get("suspension_form") or SuspensionForm(),
        "stoppage_form": forms_.get("stoppage_form") or StoppageForm(),
        "stoppage_end_form": forms_.get("stoppage_end_form") or StoppageEndForm(),
        "correction_form": forms_.get("correction_form")
        or CorrectionForm(initial={"issued_on": today}),
        "correction_done_form": forms_.get("correction_done_form") or CorrectionDoneForm(),
        "plan_form": forms_.get("plan_form") or SitePlanForm(initial=plan_initial),
        "today": today,
        "open_form": next((k for k in forms_), ""),
    }


def _yuan_input(fen: int | None) -> str:
    if fen is None:
        return ""
    whole, cents = divmod(fen, 100)
    return f"{whole}.{cents:02d}"


def _line_of(model: Any) -> Callable[..., tuple[Any, Any]]:
    """The loader of an action on one line of a land project (a suspension, a stoppage, a
    correction order): the line of the user's site named by the URL, and its project."""

    def find(request: HttpRequest, pk: int) -> tuple[Any, Any]:
        site = _site(request)
        line = found_or_404(selectors.line_at(model, site, pk))
        return _project(site, line.project_id), line

    return find


LAND = RecordPage(
    template="admission/land_project.html",
    url_name="admission:land_project",
    context=_land_context,
    load=_load_project,
    actions={
        "contract": Action(
            ContractForm,
            "contract_form",
            lambda s: services.contract_save(
                project=s.record, actor=s.actor, now=s.now, **s.form.terms()
            ),
            _lazy("合同条款已保存。"),
        ),
        "progress": Action(
            ProgressForm,
            "progress_form",
            lambda s: services.progress_report(
                project=s.record,
                actor=s.actor,
                now=s.now,
                reported_on=s.data["reported_on"],
                built_floor_area_m2=s.data["built_floor_area_m2"],
                invested_fen=s.data["invested"],
                investment_fen=s.data["investment"],
                intensity_fen_per_mu=s.data["intensity"],
                speed_pct=s.data["speed_pct"],
                output_fen_per_mu=s.data["output"],
                note=s.data["note"],
            ),
            _lazy("进度与指标已登记。"),
        ),
        "suspension_add": Action(
            SuspensionForm,
            "suspension_form",
            lambda s: s.into(services.suspension_record, project=s.record),
            _lazy("中止建设已登记。"),
        ),
        "suspension_edit": Action(
            SuspensionUpdateForm,
            lambda request: f"suspension_{request.resolver_match.kwargs['pk']}",
            lambda s: s.into(services.suspension_update, suspension=s.item),
            _lazy("中止建设记录已更新。"),
            item=_line_of(Suspension),
        ),
        "stoppage_add": Action(
            StoppageForm,
            "stoppage_form",
            lambda s: s.into(services.stoppage_record, project=s.record),
            _lazy("停产已登记。"),
        ),
        "stoppage_end": Action(
            StoppageEndForm,
            "stoppage_end_form",
            lambda s: services.stoppage_end(
                stoppage=s.item, actor=s.actor, now=s.now, end=s.data["end"]
            ),
            _lazy("已登记恢复生产。"),
            item=_line_of(Stoppage),
        ),
        "correction_add": Action(
            CorrectionForm,
            "correction_form",
            lambda s: s.into(services.correction_issue, project=s.record),
            _lazy("限期改正通知已登记。"),
        ),
        "correction_done": Action(
            CorrectionDoneForm,
            "correction_done_form",
            lambda s: services.correction_done(
                order=s.item, actor=s.actor, now=s.now, corrected_on=s.data["corrected_on"]
            ),
            _lazy("已登记改正。"),
            item=_line_of(CorrectionOrder),
        ),
        "site_plan": Action(
            SitePlanForm,
            "plan_form",
            lambda s: s.into(services.site_plan_save, project=s.record),
            _lazy("规划指标已保存，核验结果见下方。"),
        ),
    },
)
land_action = LAND.view()
land_project = LAND.page()


@login_required
@require_GET
def alerts(request: HttpRequest) -> HttpResponse:
    site = _site(request)
    rows = list(selectors.alerts_at(site)[:200])
    return render(request, "admission/alerts.html", {"rows": rows, "form": AlertHandleForm()})


@login_required
@require_POST
def alert_handle(request: HttpRequest, pk: int) -> HttpResponse:
    site = _site(request)
    alert = selectors.alert_at(site, pk)
    if alert is None:
        raise Http404
    form = AlertHandleForm(request.POST)
    done = run_form(
        form,
        lambda d: services.alert_handle(alert=alert, actor=request.user, now=timezone.now(), **d),
    )
    if done is None:
        rows = list(selectors.alerts_at(site)[:200])
        context = {"rows": rows, "form": AlertHandleForm(), "failed": alert.pk, "bad": form}
        return render(request, "admission/alerts.html", context, status=422)
    messages.success(request, _t("提醒已处理。"))
    return redirect("admission:alerts")


@login_required
@require_http_methods(["GET", "POST"])
def policy(request: HttpRequest) -> HttpResponse:
    site = _site(request)
    current = selectors.policy_of(site)
    limits = land.ControlLimits()
    defaults = {
        "coverage": limits.min_building_coverage,
        "admin": limits.max_admin_share,
        "green": limits.max_green_ratio,
    }
    if request.method == "POST":
        form = PolicyForm(request.POST)
        done = run_form(
            form,
            lambda d: services.policy_save(site=site, actor=request.user, now=timezone.now(), **d),
        )
        if done is not None:
            messages.success(request, _t("监管参数已保存。"))
            return redirect("admission:policy")
        context = {
            "form": form,
            "defaults": defaults,
            "plot": sorted(limits.min_plot_ratio.items()),
        }
        return render(request, "admission/policy.html", context, status=422)
    initial: dict[str, Any] = {}
    if current is not None:
        initial = {
            "idle_fee_rate": current.idle_fee_rate,
            "min_building_coverage": current.min_building_coverage,
            "max_admin_share": current.max_admin_share,
            "max_green_ratio": current.max_green_ratio,
            "plot_ratio_min": "\n".join(f"{k}={v}" for k, v in current.plot_ratio_min.items()),
        }
    context = {
        "form": PolicyForm(initial=initial),
        "defaults": defaults,
        "plot": sorted(limits.min_plot_ratio.items()),
    }
    return render(request, "admission/policy.html", context)


# == enterprises =================================================================================


@login_required
@require_GET
def enterprises(request: HttpRequest) -> HttpResponse:
    site = _site(request)
    today = timezone.localdate()
    rows = []
    found = selectors.enterprises_at(site).annotate(n_projects=Count("admission_projects"))
    for e in found.select_related("report_duty"):
        reports = selectors.report_rows(e, today)
        rows.append(
            {
                "enterprise": e,
                "overdue": sum(1 for r in reports if r.status == land.ReportStatus.OVERDUE),
                "projects": e.n_projects,
            }
        )
    return render(request, "admission/enterprises.html", {"rows": rows})


def _enterprise(site: Site, pk: int) -> Enterprise:
    return found_or_404(selectors.enterprise_at(site, pk))


def _enterprise_write(
    request: HttpRequest, site: Site, existing: Enterprise | None
) -> HttpResponse:
    zones = selectors.zones_at(site)
    if request.method != "POST":
        initial: dict[str, Any] = {"is_active": True}
        if existing is not None:
            initial = {
                "name": existing.name,
                "zone": existing.zone_id or "",
                "uscc": existing.uscc,
                "industry": existing.industry,
                "contact_name": existing.contact_name,
                "is_active": existing.is_active,
            }
        form = EnterpriseForm(initial=initial, zones=zones)
        return render(
            request, "admission/enterprise_form.html", {"form": form, "enterprise": existing}
        )
    form = EnterpriseForm(request.POST, zones=zones)

    def call(d: dict[str, Any]) -> Any:
        zone = zones.filter(pk=d["zone"]).first() if d["zone"] else None
        common = {
            "actor": request.user,
            "now": timezone.now(),
            "name": d["name"],
            "zone": zone,
            "uscc": d["uscc"],
            "industry": d["industry"],
            "contact_name": d["contact_name"],
        }
        if existing is None:
            return services.enterprise_create(site=site, contact_phone=d["contact_phone"], **common)
        return services.enterprise_update(
            enterprise=existing,
            contact_phone=d["contact_phone"] or None,
            is_active=d["is_active"],
            **common,
        )

    saved = run_form(form, call)
    if saved is None:
        context = {"form": form, "enterprise": existing}
        return render(request, "admission/enterprise_form.html", context, status=422)
    messages.success(request, _t("企业信息已保存。"))
    return redirect("admission:enterprise", pk=saved.pk)


@login_required
@require_http_methods(["GET", "POST"])
def enterprise_new(request: HttpRequest) -> HttpResponse:
    return _enterprise_write(request, _site(request), None)


@login_required
@require_http_methods(["GET", "POST"])
def enterprise_edit(request: HttpRequest, pk: int) -> HttpResponse:
    site = _site(request)
    return _enterprise_write(request, site, _enterprise(site, pk))


def _enterprise_context(enterprise: Any, **forms_: Any) -> dict[str, Any]:
    today = timezone.localdate()
    duty = selectors.duty_of(enterprise)
    reports = list(reversed(selectors.report_rows(enterprise, today)))
    duty_initial: dict[str, Any] = {"months_after": 1, "due_day": 15, "period": "monthly"}
    if duty is not None:
        duty_initial = {
            "since": duty.since,
            "period": duty.period,
            "due_day": duty.due_day,
            "months_after": duty.months_after,
        }
    return {
        "enterprise": enterprise,
        "projects": list(enterprise.admission_projects.order_by("-applied_on")),
        "duty": duty,
        "reports": reports,
        "overdue": sum(1 for r in reports if r.status == land.ReportStatus.OVERDUE),
        "notices": selectors.notice_rows(enterprise),
        "duty_form": forms_.get("duty_form") or ReportDutyForm(initial=duty_initial),
        "filing_form": forms_.get("filing_form"),
        "filing_error_period": forms_.get("filing_period"),
        "notice_form": forms_.get("notice_form") or ChangeNoticeForm(),
        "today": today,
    }


def _filing_failed(request: HttpRequest, form: forms.Form) -> dict[str, Any]:
    return {"filing_error_period": request.POST.get("period_start", "")}


def _refusal(result: Any) -> str | None:
    """A filing or a notice the service recorded but judged late: its finding, as an error."""
    if isinstance(result, tuple) and result[1] is not None:
        return str(result[1].message)
    return None


def _judged(
    form: type[forms.Form], key: str, service: Callable[..., Any], done: Any, **more: Any
) -> Action:
    """An enterprise's record (a duty, a filing, a notice) written with the form's data; one the
    service judged late is said as an error (it is recorded all the same)."""
    return Action(
        form,
        key,
        lambda s: s.into(service, enterprise=s.record),
        done,
        note=_refusal,
        level=messages.ERROR,
        **more,
    )


ENTERPRISE = RecordPage(
    template="admission/enterprise.html",
    url_name="admission:enterprise",
    context=_enterprise_context,
    load=lambda request, pk: _enterprise(_site(request), pk),
    actions={
        "enterprise_duty": _judged(
            ReportDutyForm, "duty_form", services.report_duty_set, _lazy("统计报表要求已保存。")
        ),
        "enterprise_filing": _judged(
            FilingForm,
            "filing_form",
            services.filing_record,
            _lazy("报表报送已登记。"),
            failed=_filing_failed,
        ),
        "enterprise_notice": _judged(
            ChangeNoticeForm,
            "notice_form",
            services.change_notice_record,
            _lazy("变更告知已登记，书面告知在决定之前，符合规定。"),
        ),
    },
)
enterprise_action = ENTERPRISE.view()
enterprise = ENTERPRISE.page()
