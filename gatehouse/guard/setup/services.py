"""The security manager's set-up writes (issue 17 §6): a patrol route with its checkpoints in
order, an emergency plan with its reporting chain, the site's guard settings. Each checked by
:mod:`gatehouse.core.guard_setup`, saved in one transaction with its audit entry (before and
after)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, time

from django.db import transaction

from gatehouse.accounts.actor import Actor
from gatehouse.audit.services import audit_record, snapshot
from gatehouse.core import guard_setup as core
from gatehouse.core.errors import InvalidInput
from gatehouse.guard.models import (
    EmergencyPlan,
    EmergencyStep,
    GuardSettings,
    PatrolRoute,
    RouteStop,
)
from gatehouse.sites.models import Checkpoint, Site


def _route_after(route: PatrolRoute) -> dict[str, object]:
    data = snapshot(route) or {}
    data["stops"] = list(route.stops.order_by("order").values_list("checkpoint_id", flat=True))
    return data


@transaction.atomic
def route_save(
    *,
    site: Site,
    actor: Actor,
    now: datetime,
    name: str,
    first_round: time,
    rounds: int,
    every_minutes: int,
    window_minutes: int | None,
    grace_minutes: int,
    is_active: bool,
    orders: Mapping[int, int | None],
    route: PatrolRoute | None = None,
) -> PatrolRoute:
    """Create a route (``route`` None) or change one of ``site``: its rounds and its stops, in
    the order given (checkpoint pk → place on the route)."""
    known = {c.pk: c for c in Checkpoint.objects.filter(site=site, pk__in=list(orders))}
    if set(orders) - set(known):
        raise InvalidInput("route.checkpoint", "巡更点不属于本场所", {"field": "__all__"})
    spec = core.check_route(
        name=name,
        rounds=rounds,
        every_minutes=every_minutes,
        window_minutes=window_minutes,
        grace_minutes=grace_minutes,
        orders={str(pk): order for pk, order in orders.items()},
    )
    clash = PatrolRoute.objects.filter(site=site, name=spec.name)
    if route is not None:
        clash = clash.exclude(pk=route.pk)
    if clash.exists():
        raise InvalidInput("route.name_taken", "本场所已有同名路线", {"field": "name"})
    before = _route_after(route) if route is not None else None
    if route is None:
        route = PatrolRoute(site=site)
    else:
        route = PatrolRoute.objects.select_for_update().get(pk=route.pk, site=site)
    route.name, route.first_round, route.rounds = spec.name, first_round, spec.rounds
    route.every_minutes, route.window_minutes = spec.every_minutes, spec.window_minutes
    route.grace_minutes, route.is_active = spec.grace_minutes, is_active
    route.save()
    route.stops.all().delete()
    RouteStop.objects.bulk_create(
        RouteStop(route=route, checkpoint=known[int(key)], order=i)
        for i, key in enumerate(spec.stops)
    )
    action = "guard.route.create" if before is None else "guard.route.update"
    audit_record(
        action=action, obj=route, actor=actor, before=before, after=_route_after(route), at=now
    )
    return route


def _plan_after(plan: EmergencyPlan) -> dict[str, object]:
    data = snapshot(plan) or {}
    data["chain"] = [[s.who, s.minutes, s.phone] for s in plan.steps.order_by("order")]
    return data


@transaction.atomic
def plan_save(
    *,
    site: Site,
    actor: Actor,
    now: datetime,
    name: str,
    chain: str,
    is_active: bool,
    plan: EmergencyPlan | None = None,
) -> EmergencyPlan:
    """Create or change an emergency plan and its reporting chain (S-13). A link's account, set
    in the admin, is kept when the link stays (by who it is)."""
    clean = core.check_name(name, limit=core.PLAN_NAME_MAX)
    steps = core.parse_chain(chain)
    clash = EmergencyPlan.objects.filter(site=site, name=clean)
    if plan is not None:
        clash = clash.exclude(pk=plan.pk)
    if clash.exists():
        raise InvalidInput("plan.name_taken", "本场所已有同名预案", {"field": "name"})
    before = _plan_after(plan) if plan is not None else None
    users = {}
    if plan is None:
        plan = EmergencyPlan(site=site)
    else:
        plan = EmergencyPlan.objects.select_for_update().get(pk=plan.pk, site=site)
        users = {s.who: s.user_id for s in plan.steps.all()}
    plan.name, plan.is_active = clean, is_active
    plan.save()
    plan.steps.all().delete()
    EmergencyStep.objects.bulk_create(
        EmergencyStep(
            plan=plan,
            order=i,
            who=s.who,
            minutes=s.minutes,
            phone=s.phone,
            user_id=users.get(s.who),
        )
        for i, s in enumerate(steps)
    )
    action = "guard.plan.create" if before is None else "guard.plan.update"
    audit_record(
        action=action, obj=plan, actor=actor, before=before, after=_plan_after(plan), at=now
    )
    return plan


@transaction.atomic
def settings_save(
    *, site: Site, actor: Actor, now: datetime, values: Mapping[str, int | None]
) -> GuardSettings:
    """The site's guard settings (the numbers the source leaves open), all at once."""
    checked = core.check_settings(values)
    found = GuardSettings.objects.select_for_update().filter(site=site).first()
    before = snapshot(found) if found is not None else None
    conf = found or GuardSettings(site=site)
    for field, value in checked.items():
        setattr(conf, field, value)
    conf.save()
    audit_record(
        action="guard.settings.update",
        obj=conf,
        actor=actor,
        before=before,
        after=snapshot(conf),
        at=now,
    )
    return conf
