"""Console pages. Thin: check who asks and at which site, read through selectors, write through
services, render. Every page works on the current site only (see ``context.console_state``)."""

from __future__ import annotations

from datetime import datetime
from io import BytesIO
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gatehouse.accounts.models import Role
from gatehouse.accounts.selectors import REVEAL_ROLES, STAFF_ROLES
from gatehouse.console import charts, dashboards, nav, selectors
from gatehouse.console.context import ConsoleState, console_state, select_site, state_with
from gatehouse.console.forms import ImportForm, PeopleSearchForm
from gatehouse.console.http import XLSX_TYPE, render_partial, run_form
from gatehouse.core.errors import DomainError
from gatehouse.people import onboarding, services
from gatehouse.people.models import Person
from gatehouse.people.selectors import credentials_of, person_at, search_people

PEOPLE_PER_PAGE = 20
IMPORT_ROLES = frozenset({Role.FRONT_DESK, Role.SECURITY_MANAGER})
IMPORT_TEMPLATE_NAME = "人员导入模板.xlsx"


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    state = console_state(request)
    context: dict[str, Any] = {"sections": nav.sections_for(state.roles)}
    if state.site is not None:
        non_resident = set(state.roles) - {Role.RESIDENT}
        if non_resident:
            context["stats"] = selectors.site_stats(state.site, now=timezone.now())
        context["week_charts"] = Role.SECURITY_MANAGER in state.roles
        if Role.RESIDENT in state.roles:
            resident = selectors.resident_record(request.user, state.site)
            context["resident"] = resident
            if resident is not None:
                context["resident_credentials"] = list(credentials_of(resident))
    return render(request, "console/home.html", context)


@login_required
@require_GET
def week_stats(request: HttpRequest) -> HttpResponse:
    """The manager's week on the home page, as chart JSON (:mod:`gatehouse.console.dashboards`)."""
    state = state_with(request, frozenset({Role.SECURITY_MANAGER}))
    return charts.response(request, dashboards.manager_week(state.site, timezone.now()), state.site)


@login_required
@require_POST
def switch_site(request: HttpRequest) -> HttpResponse:
    try:
        site_id = int(request.POST.get("site", ""))
    except ValueError:
        raise Http404 from None
    if select_site(request, site_id) is None:
        raise Http404
    # Always back to the home page: a page of the old site (a person, say) means nothing here.
    return redirect("console:home")


@login_required
@require_GET
def people(request: HttpRequest) -> HttpResponse:
    state = state_with(request, STAFF_ROLES)
    form = PeopleSearchForm(request.GET or None)
    if not form.is_bound:
        found = search_people(state.site, today=timezone.localdate())
    elif form.is_valid():
        found = search_people(state.site, today=timezone.localdate(), **form.cleaned_data)
    else:  # the errors are shown next to the fields; no list that ignores them
        found = Person.objects.none()
    page = Paginator(found, PEOPLE_PER_PAGE).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "searched": form.is_bound}
    return render_partial(request, "console/people.html", "console/_people_results.html", context)


@login_required
@require_GET
def person(request: HttpRequest, pk: int) -> HttpResponse:
    state, found = _person_here(request, pk)
    return render(request, "console/person.html", _person_context(state, found))


def _person_here(request: HttpRequest, pk: int) -> tuple[ConsoleState, Person]:
    """The person ``pk`` of the current site, for a staff role there. Anyone else, or a person
    of another site: the same 404, with no name in it."""
    state = console_state(request)
    if state.site is None or not state.is_staff_here:
        raise Http404
    found = person_at(state.site, pk)
    if found is None:
        raise Http404
    return state, found


def _person_context(state: ConsoleState, found: Person, **extra: Any) -> dict[str, Any]:
    return {
        "person": found,
        "credentials": list(credentials_of(found)),
        "may_reveal": state.has_any(REVEAL_ROLES),
        **extra,
    }


@login_required
@require_POST
def reveal_person(request: HttpRequest, pk: int) -> HttpResponse:
    """Show a person's full ID number and phone to a security manager, audited with a reason."""
    state, found = _person_here(request, pk)
    if not state.has_any(REVEAL_ROLES):
        raise PermissionDenied
    context = _person_context(state, found)
    try:
        context["revealed"] = services.person_reveal(
            person=found,
            actor=request.user,
            reason=request.POST.get("reason", ""),
            now=timezone.now(),
        )
    except DomainError as exc:
        context["reveal_error"] = exc.message
        if exc.code == "reveal.quota":
            retry_at = timezone.localtime(datetime.fromisoformat(exc.details["retry_at"]))
            context["reveal_error"] = _(
                "您一小时内查看完整号码已达 %(limit)s 次上限，本次未显示；请在 %(time)s 之后再试。"
            ) % {"limit": exc.details["limit"], "time": f"{retry_at:%H:%M}"}
    response = render(request, "console/person.html", context)
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def my_credentials(request: HttpRequest) -> HttpResponse:
    state = state_with(request, frozenset({Role.RESIDENT}))
    resident = selectors.resident_record(request.user, state.site)
    credentials = list(credentials_of(resident)) if resident else []
    context = {"resident": resident, "credentials": credentials}
    return render(request, "console/my_credentials.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def import_people(request: HttpRequest) -> HttpResponse:
    state = state_with(request, IMPORT_ROLES)
    posted = request.method == "POST"
    form = ImportForm(request.POST, request.FILES) if posted else ImportForm()
    result = None
    if posted:
        result = run_form(
            form,
            lambda data: onboarding.import_people_xlsx(
                site=state.site, actor=request.user, file=data["file"], now=timezone.now()
            ),
            field_of=lambda exc: "file",
        )
        if result is not None and result.ok:
            messages.success(request, _import_summary(result))
            return redirect("console:import_people")
    return render(request, "console/import_people.html", {"form": form, "result": result})


def _import_summary(result: Any) -> str:
    summary = _(
        "导入成功：新增人员 %(people)d 人，凭证 %(credentials)d 张，车辆 %(vehicles)d 辆。"
    ) % {
        "people": result.created_people,
        "credentials": result.created_credentials,
        "vehicles": result.created_vehicles,
    }
    houses = getattr(result, "linked_houses", None)
    if houses:
        summary += _("关联房屋 %(houses)d 处。") % {"houses": houses}
    return summary


@login_required
@require_GET
def import_template(request: HttpRequest) -> FileResponse:
    state_with(request, IMPORT_ROLES)
    content = onboarding.template_workbook()
    return FileResponse(
        BytesIO(content), as_attachment=True, filename=IMPORT_TEMPLATE_NAME, content_type=XLSX_TYPE
    )


@login_required
@require_GET
def placeholder(request: HttpRequest, slug: str) -> HttpResponse:
    state = console_state(request)
    feature = nav.FEATURES.get(slug)
    if feature is None or feature not in nav.features_for(state.roles):
        raise Http404
    if feature.built:
        return redirect(feature.url)
    return render(request, "console/placeholder.html", {"feature": feature})
