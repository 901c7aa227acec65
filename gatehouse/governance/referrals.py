"""Writes of the referrals (违法行为移交, issue 17 §3; T6): a violation the property cannot settle
— damaged greenery, poultry, dogs, disorderly parking, illegal building — referred to city
management (市容/城管) or the police; then received by the agency, then handled with its result.

Keyword-only, given ``now``, one transaction each with its audit entry; the rules are
``core.referral``'s. Bad input raises ``InvalidInput`` naming the field, nothing written.
"""

from __future__ import annotations

from datetime import date, datetime

from django.db import transaction
from django.utils import timezone

from gatehouse.accounts.actor import Actor, actor_or_none
from gatehouse.audit.services import audit_record, snapshot
from gatehouse.core import referral as rules
from gatehouse.core.errors import InvalidInput
from gatehouse.core.text import require_text
from gatehouse.governance.models import Referral
from gatehouse.sites.models import Site


def facts(row: Referral) -> rules.ReferralFacts:
    return rules.ReferralFacts(
        referred_on=row.referred_on, received_on=row.received_on, handled_on=row.handled_on
    )


@transaction.atomic
def referral_create(
    *,
    site: Site,
    actor: Actor,
    now: datetime,
    kind: str,
    place: str,
    description: str,
    referred_on: date | None,
    agency: str = "",
    attempts: str = "",
) -> Referral:
    """The violation referred: to the agency chosen, else the one its kind goes to."""
    if kind not in set(rules.Kind):
        raise InvalidInput("referral.kind", "请选择违法行为类别", {"field": "kind"})
    to = rules.agency_for(rules.Kind(kind), agency)
    day = rules.check_referred(referred_on=referred_on, today=timezone.localdate(now))
    row = Referral.objects.create(
        site=site,
        kind=kind,
        agency=to.value,
        place=require_text(place, field="place", label="地点", max_length=100),
        description=require_text(description, field="description", label="情况", max_length=500),
        attempts=require_text(
            attempts, field="attempts", label="物业已采取的措施", max_length=300, required=False
        ),
        referred_on=day,
        referred_by=actor_or_none(actor),
        recorded_at=now,
    )
    audit_record(
        action="governance.referral.create",
        obj=row,
        actor=actor,
        site=site,
        after=snapshot(row),
        at=now,
    )
    return row


@transaction.atomic
def referral_step(
    *,
    referral: Referral,
    actor: Actor,
    now: datetime,
    step: str,
    on: date | None,
    name: str = "",
    result: str = "",
) -> Referral:
    """``received`` (by whom at the agency) or ``handled`` (with the result), each once, in
    order."""
    found = Referral.objects.select_for_update().get(pk=referral.pk)
    if step not in (rules.Stage.RECEIVED, rules.Stage.HANDLED):
        raise InvalidInput("referral.step", "无效的处理步骤", {"field": "step"})
    day = rules.check_step(facts(found), rules.Stage(step), on=on, today=timezone.localdate(now))
    before = snapshot(found)
    if step == rules.Stage.RECEIVED:
        found.received_on = day
        found.receiver = require_text(name, field="name", label="受理人", max_length=50)
        fields = ["received_on", "receiver"]
    else:
        found.handled_on = day
        found.result = require_text(result, field="result", label="处理结果", max_length=300)
        fields = ["handled_on", "result"]
    found.save(update_fields=fields)
    audit_record(
        action=f"governance.referral.{step}",
        obj=found,
        actor=actor,
        site=found.site,
        before=before,
        after=snapshot(found),
        at=now,
    )
    return found
