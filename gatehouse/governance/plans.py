"""Writes of a company's rectification plan in a campaign (整治工作方案, issue 17 §3; GV-04, T6):
open the plan for a project, record the self-inspection and its classified problems, add the
tasks of the 倒排进度表 and their progress, report it to the housing bureau (住建委); and the
comments of the residents' and owners' committees.

Keyword-only, given ``now``, one transaction each with its audit entry; the rules are
``core.campaign``'s. Bad input raises ``InvalidInput`` naming the field, nothing written. A plan
reported to the bureau no longer takes problems or tasks (only progress and comments).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from gatehouse.accounts.actor import Actor, actor_or_none
from gatehouse.audit.services import audit_record, snapshot
from gatehouse.core import campaign as rules
from gatehouse.core.errors import DomainError, InvalidInput
from gatehouse.core.text import require_text
from gatehouse.governance.models import (
    Campaign,
    PlanComment,
    PlanProblem,
    PlanTask,
    PropertyProject,
    RectificationPlan,
)
from gatehouse.sites.models import Site


def _audit(
    action: str,
    obj: Any,
    *,
    actor: Actor,
    site: Site,
    now: datetime,
    before: dict[str, Any] | None = None,
) -> None:
    audit_record(
        action=action, obj=obj, actor=actor, site=site, before=before, after=snapshot(obj), at=now
    )


def _locked(plan: RectificationPlan) -> RectificationPlan:
    return RectificationPlan.objects.select_for_update().select_related("campaign").get(pk=plan.pk)


def _open(plan: RectificationPlan) -> None:
    if plan.reported_at is not None:
        raise DomainError("plan.reported", "整治方案已上报区住建委，不能再修改问题和任务", {})


@transaction.atomic
def plan_create(
    *,
    campaign: Campaign,
    project: PropertyProject,
    actor: Actor,
    now: datetime,
    deadline: date | None = None,
) -> RectificationPlan:
    """The company's plan for its project in the campaign; the deadline is the campaign's end
    unless an earlier one is given."""
    if project.site_id != campaign.site_id:
        raise InvalidInput("plan.project_site", "项目不在本小区", {"field": "project"})
    if RectificationPlan.objects.filter(campaign=campaign, project=project).exists():
        raise InvalidInput("plan.exists", "该项目已有本次整治的工作方案", {"field": "project"})
    due = deadline or campaign.ends_on
    if due > campaign.ends_on or due < campaign.starts_on:
        raise InvalidInput("plan.deadline", "整治完成期限须在专项整治期间内", {"field": "deadline"})
    plan = RectificationPlan.objects.create(
        campaign=campaign,
        project=project,
        deadline=due,
        created_at=now,
        created_by=actor_or_none(actor),
    )
    _audit("governance.plan.create", plan, actor=actor, site=campaign.site, now=now)
    return plan


@transaction.atomic
def self_inspection_record(
    *, plan: RectificationPlan, actor: Actor, now: datetime, on: date | None, summary: str
) -> RectificationPlan:
    found = _locked(plan)
    _open(found)
    if on is None:
        raise InvalidInput("plan.inspected_on_empty", "请填写自查日期", {"field": "on"})
    rules.check_progress(
        started_on=on,
        finished_on=None,
        today=timezone.localdate(now),
        plan_from=found.campaign.starts_on,
    )
    before = snapshot(found)
    found.self_inspected_on = on
    found.self_inspection = require_text(summary, field="summary", label="自查情况", max_length=500)
    found.save(update_fields=["self_inspected_on", "self_inspection"])
    _audit(
        "governance.plan.self_inspection",
        found,
        actor=actor,
        site=found.campaign.site,
        now=now,
        before=before,
    )
    return found


@transaction.atomic
def problem_add(
    *,
    plan: RectificationPlan,
    actor: Actor,
    now: datetime,
    category: str,
    severity: str,
    description: str,
) -> PlanProblem:
    """A problem the self-inspection found, under one of the campaign's headings."""
    found = _locked(plan)
    _open(found)
    if found.self_inspected_on is None:
        raise DomainError("plan.no_inspection", "请先登记自查情况", {})
    if category not in set(rules.Category):
        raise InvalidInput("plan.category", "请选择问题类别", {"field": "category"})
    if severity not in set(rules.Severity):
        raise InvalidInput("plan.severity", "请选择问题程度", {"field": "severity"})
    problem = PlanProblem.objects.create(
        plan=found,
        category=category,
        severity=severity,
        description=require_text(
            description, field="description", label="问题描述", max_length=300
        ),
        recorded_at=now,
        recorded_by=actor_or_none(actor),
    )
    _audit("governance.plan.problem", problem, actor=actor, site=found.campaign.site, now=now)
    return problem


@transaction.atomic
def task_add(
    *,
    plan: RectificationPlan,
    actor: Actor,
    now: datetime,
    phase: int | None,
    title: str,
    days: int | None,
    owner: str,
) -> PlanTask:
    """A line of the 倒排进度表: its phase and days; its latest start and finish are the
    core's, counted back from the plan's deadline."""
    found = _locked(plan)
    _open(found)
    rules.check_task(phase=phase, days=days)
    task = PlanTask.objects.create(
        plan=found,
        phase=phase,
        days=days,
        title=require_text(title, field="title", label="整治任务", max_length=200),
        owner=require_text(owner, field="owner", label="责任人", max_length=50),
        recorded_at=now,
        recorded_by=actor_or_none(actor),
    )
    _audit("governance.plan.task", task, actor=actor, site=found.campaign.site, now=now)
    return task


@transaction.atomic
def task_progress(
    *,
    task: PlanTask,
    actor: Actor,
    now: datetime,
    started_on: date | None,
    finished_on: date | None,
) -> PlanTask:
    """The day a task started and (once done) finished; a finished task no longer changes."""
    found = PlanTask.objects.select_for_update().select_related("plan__campaign").get(pk=task.pk)
    if found.finished_on is not None:
        raise DomainError("plan.task_finished", "该任务已完成，不能再修改", {})
    rules.check_progress(
        started_on=started_on,
        finished_on=finished_on,
        today=timezone.localdate(now),
        plan_from=found.plan.campaign.starts_on,
    )
    before = snapshot(found)
    found.started_on = started_on
    found.finished_on = finished_on
    found.save(update_fields=["started_on", "finished_on"])
    _audit(
        "governance.plan.progress",
        found,
        actor=actor,
        site=found.plan.campaign.site,
        now=now,
        before=before,
    )
    return found


@transaction.atomic
def plan_report(*, plan: RectificationPlan, actor: Actor, now: datetime) -> RectificationPlan:
    """Rule GV-04 (T6): the plan reported to the district housing bureau (区住建委), once."""
    found = _locked(plan)
    rules.check_report(
        rules.PlanFacts(
            self_inspected_on=found.self_inspected_on,
            problems=found.problems.count(),
            tasks=found.tasks.count(),
            reported_on=timezone.localdate(found.reported_at) if found.reported_at else None,
        )
    )
    before = snapshot(found)
    found.reported_at = now
    found.reported_by = actor_or_none(actor)
    found.save(update_fields=["reported_at", "reported_by"])
    _audit(
        "governance.plan.report",
        found,
        actor=actor,
        site=found.campaign.site,
        now=now,
        before=before,
    )
    return found


@transaction.atomic
def comment_add(
    *, plan: RectificationPlan, actor: Actor, role: str, now: datetime, body: str
) -> PlanComment:
    """An opinion on the plan: who (the user), as which role, when. Comments are never edited."""
    user = actor_or_none(actor)
    if user is None:
        raise DomainError("plan.comment_anonymous", "请先登录", {})
    comment = PlanComment.objects.create(
        plan=plan,
        author=user,
        role=role,
        body=require_text(body, field="body", label="意见", max_length=500),
        created_at=now,
    )
    _audit("governance.plan.comment", comment, actor=actor, site=plan.campaign.site, now=now)
    return comment
