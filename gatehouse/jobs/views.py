"""The jobs page (/console/jobs/): each periodic job's cadence and last runs; "run now" for a
security manager (audited). Thin: selectors read, services write."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from gatehouse.accounts.models import Role
from gatehouse.console.context import state_with
from gatehouse.core import retention
from gatehouse.core.errors import DomainError
from gatehouse.jobs.selectors import event_storage, job_rows
from gatehouse.jobs.services import event_retention_set, job_run_now

JOB_ROLES = frozenset({Role.SECURITY_MANAGER})


@login_required
@require_GET
def jobs(request: HttpRequest) -> HttpResponse:
    state = state_with(request, JOB_ROLES)
    return render(request, "jobs/jobs.html", _context(state.site))


def _context(site, error: str = "", status_value: object = None) -> dict:
    days = site.event_retention_days if status_value is None else status_value
    return {
        "rows": job_rows(now=timezone.now()),
        "site": site,
        "storage": event_storage(site_id=site.pk),
        "retention_days": "" if days is None else days,
        "retention_error": error,
        "retention_min": retention.MIN_DAYS,
        "retention_max": retention.MAX_DAYS,
    }


@login_required
@require_POST
def event_retention(request: HttpRequest) -> HttpResponse:
    """The site's retention of its access events (the form on the jobs page)."""
    state = state_with(request, JOB_ROLES)
    days = request.POST.get("days", "")
    try:
        event_retention_set(site=state.site, actor=request.user, days=days, now=timezone.now())
    except DomainError as exc:
        context = _context(state.site, error=exc.message, status_value=days)
        return render(request, "jobs/jobs.html", context, status=422)
    messages.success(request, _("通行记录保存期限已保存"))
    return redirect("jobs:jobs")


@login_required
@require_POST
def run_now(request: HttpRequest, name: str) -> HttpResponse:
    state_with(request, JOB_ROLES)
    try:
        job_run_now(name=name, actor=request.user, now=timezone.now())
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("jobs:jobs")
    messages.success(request, _("已加入执行队列，稍后刷新查看结果。"))
    return redirect("jobs:jobs")
