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
from gatehouse.core.errors import DomainError
from gatehouse.jobs.selectors import job_rows
from gatehouse.jobs.services import job_run_now

JOB_ROLES = frozenset({Role.SECURITY_MANAGER})


@login_required
@require_GET
def jobs(request: HttpRequest) -> HttpResponse:
    state_with(request, JOB_ROLES)
    return render(request, "jobs/jobs.html", {"rows": job_rows(now=timezone.now())})


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
