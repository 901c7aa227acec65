"""Pages of guard absence from the booth (SPEC S-09: the gate closed or a named cover)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.utils.translation import gettext_lazy as _lazy

from gatehouse.console.pages import Action
from gatehouse.guard.absence import forms, selectors, services
from gatehouse.guard.web import BOOTH, Confirm, Desk, desk_page, row


def _absence_context(at: Desk, **bound: Any) -> dict[str, Any]:
    """S-09: leaving the booth for a moment: the gate closed or a named cover."""
    return {
        "form": bound.get("form") or forms.AbsenceForm(),
        "row_form": bound.get("row_form"),
        "mine": selectors.open_absence(at.site, at.user),
        "recent": selectors.recent_absences(at.site),
        "commute": services.commute_windows(at.site),
    }


def _findings(result: Any) -> str | None:
    """An absence recorded against the rules: what was wrong, as a warning."""
    return "；".join(f.message for f in result.findings) or None


ABSENCE = desk_page(
    "absence",
    BOOTH,
    _absence_context,
    actions={
        "leave": Action(
            forms.AbsenceForm,
            "form",
            lambda s: s.into(services.absence_leave, site=s.record.site),
            _lazy("已登记临时离开，请速去速回。"),
            note=_findings,
            level=messages.WARNING,
        ),
        "back": Action(
            Confirm,
            "row_form",
            lambda s: services.absence_return(absence=s.item, actor=s.actor, now=s.now),
            _lazy("已登记返回。"),
            item=row(BOOTH, lambda at, pk: selectors.absence_of(at.site, pk, at.user)),
        ),
    },
)
absence = ABSENCE.page("leave")
absence_action = ABSENCE.view()
