"""The parking-violation pages (issue 17 §5), under /traffic/: the guard's phone form to record
a violation, one violation's page with the steps that handled it, and its photos (served only
to the site's readers, private and never stored by the browser). The register itself is
declared in ``traffic/registers.py`` and served by the register engine.

Thin views: ``state_with`` for the site and the role, a form, one service call.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET, require_http_methods

from gatehouse.accounts.actor import actor_name
from gatehouse.accounts.models import Role
from gatehouse.console.context import state_with
from gatehouse.console.http import run_form
from gatehouse.console.pages import Action, RecordPage, found_or_404
from gatehouse.core.ids import parse_plate
from gatehouse.core.traffic import Step
from gatehouse.registers.engine import REGISTER_ROLES
from gatehouse.traffic import selectors, services
from gatehouse.traffic.forms import OutcomeForm, StepForm, ViolationForm
from gatehouse.traffic.models import Violation

#: Who records a violation: the guards at the gates, the patrols, the monitoring centre.
RECORD_ROLES = frozenset(
    str(r) for r in (Role.GUARD, Role.PATROL, Role.MONITORING, Role.SECURITY_MANAGER)
)
#: Who reads the register and handles a violation (the desk tells the employer).
READ_ROLES = REGISTER_ROLES | {str(Role.PATROL)}

PHOTO_TYPES = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".webp": "image/webp",
}


@login_required
@require_http_methods(["GET", "POST"])
def violation_new(request: HttpRequest) -> HttpResponse:
    """Record a violation from the phone: the plate, what, where, photos, a note."""
    state = state_with(request, RECORD_ROLES)
    if request.method != "POST":
        return render(request, "traffic/new.html", {"form": ViolationForm()})
    form = ViolationForm(request.POST, request.FILES)

    def call(data: dict[str, Any]) -> Violation:
        return services.violation_record(
            site=state.site, actor=request.user, now=timezone.now(), **data
        )

    made = run_form(form, call)
    if made is None:
        return render(request, "traffic/new.html", {"form": form}, status=422)
    messages.success(
        request,
        _("已登记：%(plate)s，应采取措施：%(step)s")
        % {"plate": parse_plate(made.plate).display, "step": made.get_required_step_display()},
    )
    if state.has_any(READ_ROLES):
        return redirect("traffic:violation", pk=made.pk)
    return redirect("traffic:violation_new")


def _load(request: HttpRequest, pk: int) -> Violation:
    state = state_with(request, READ_ROLES)
    return found_or_404(selectors.violation_at(state.site, pk))


def _context(v: Violation, **bound: Any) -> dict[str, Any]:
    steps = selectors.steps_of(v)
    for s in steps:
        s.by_name = actor_name(s.by, "—")  # type: ignore[attr-defined]
        s.outcome_name = actor_name(s.outcome_by, "—")  # type: ignore[attr-defined]
    done = {s.step for s in steps}
    police = next((s for s in steps if s.step == Step.POLICE), None)
    return {
        "v": v,
        "plate": parse_plate(v.plate).display,
        "reporter": actor_name(v.reported_by, "—"),
        "steps": steps,
        "photos": selectors.photos_of(v),
        "history": selectors.plate_history(v.site, v.plate),
        "step_form": bound.get("step_form")
        or StepForm(initial={"step": next((n for n in (1, 2, 3) if n not in done), 1)}),
        "outcome_form": bound.get("outcome_form") or OutcomeForm(),
        "police_open": police is not None and not police.outcome,
    }


VIOLATION = RecordPage(
    template="traffic/detail.html",
    url_name="traffic:violation",
    context=_context,
    load=_load,
    actions={
        "step": Action(
            StepForm,
            "step_form",
            lambda s: s.into(services.violation_step, violation=s.record),
            _lazy("处理措施已登记。"),
        ),
        "outcome": Action(
            OutcomeForm,
            "outcome_form",
            lambda s: s.into(services.violation_outcome, violation=s.record),
            _lazy("出警结果已登记。"),
        ),
    },
)
violation_detail = VIOLATION.page()
violation_action = VIOLATION.view()


@login_required
@require_GET
def photo(request: HttpRequest, violation: int, pk: int) -> FileResponse:
    """A photo of a violation of the user's site, private and never stored by the browser."""
    state = state_with(request, READ_ROLES)
    p = found_or_404(selectors.photo_at(state.site, violation, pk))
    suffix = p.name.rsplit(".", 1)[-1].lower() if "." in p.name else ""
    kind = PHOTO_TYPES.get(f".{suffix}", "application/octet-stream")
    response = FileResponse(p.file.open("rb"), content_type=kind)
    response["Cache-Control"] = "private, no-store"
    return response
