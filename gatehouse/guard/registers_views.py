"""The guard registers' pages: the 交接班记录表 (S-03) and the 夜间安保巡查记录表 (S-04),
searchable, printable and exportable. Kept apart from the areas' pages because the ``registers``
engine is to serve them; their rows, columns and filters are the areas' selectors.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from gatehouse.console.context import state_with
from gatehouse.console.http import render_vary
from gatehouse.guard import fields
from gatehouse.guard.handover import selectors as handovers
from gatehouse.guard.patrol import selectors as patrols
from gatehouse.guard.web import COUNT_LIMIT, REGISTERS, site_of, table, xlsx


@login_required
@require_GET
def handover_register(request: HttpRequest) -> HttpResponse:
    """交接班记录表: searchable, printable, exportable."""
    state = state_with(request, REGISTERS)
    site = site_of(state)
    form = fields.RegisterFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    found = handovers.handover_register(site, **data) if not form.errors else []
    title = _("交接班记录表")
    if request.GET.get("export") == "xlsx":
        every = (handovers.handover_row(h) for h in found)
        return xlsx(title, site, handovers.HANDOVER_COLUMNS, every)
    rows = [handovers.handover_row(h) for h in found[:COUNT_LIMIT]]
    context = {
        "title": title,
        "form": form,
        "columns": handovers.HANDOVER_COLUMNS,
        "rows": table(handovers.HANDOVER_COLUMNS, rows[:200]),
        "count": len(rows),
    }
    return render_vary(request, "guard/register.html", context)


@login_required
@require_GET
def patrol_register(request: HttpRequest) -> HttpResponse:
    """夜间安保巡查记录表, written by the scans; missed and late checkpoints marked."""
    state = state_with(request, REGISTERS)
    site, now = site_of(state), timezone.now()
    form = fields.RegisterFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    rows = patrols.patrol_register(site, now, **data) if not form.errors else []
    title = _("夜间安保巡查记录表")
    if request.GET.get("export") == "xlsx":
        return xlsx(title, site, patrols.PATROL_COLUMNS, rows)
    context = {
        "title": title,
        "form": form,
        "columns": patrols.PATROL_COLUMNS,
        "rows": table(patrols.PATROL_COLUMNS, rows[:500]),
        "count": len(rows),
    }
    return render_vary(request, "guard/register.html", context)
