"""Screenings with follow-up and campaigns with the police (seed template T3): the writes, and
the reading of a case's restricted fields, which is itself audited (rule T3-05).

Rules come from :mod:`gatehouse.core.screening`; every write is audited in its transaction. The
restricted text never enters the audit trail: a reading is recorded with the fields read.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from gatehouse.accounts.actor import Actor, actor_or_none
from gatehouse.audit.services import audit_record, snapshot
from gatehouse.core import screening as rules
from gatehouse.core.errors import DomainError, InvalidInput
from gatehouse.core.masking import mask_name
from gatehouse.core.text import clean_text
from gatehouse.guard.duties.services import hazard_record
from gatehouse.guard.models import HazardFinding
from gatehouse.people.models import Person
from gatehouse.screenings.models import (
    Campaign,
    CampaignKind,
    CampaignPlace,
    FollowUp,
    Kind,
    Measure,
    Post,
    Risk,
    ScreeningCase,
)
from gatehouse.sites.models import Site

#: A case's restricted fields (T3-05): shown to the kind's handler only, each reading audited.
RESTRICTED = ("findings", "parties", "cause", "mediation")
#: Fields of a case snapshot kept out of the audit trail (its restricted text).
_SEALED = set(RESTRICTED)


def _today(now: datetime) -> date:
    return timezone.localtime(now).date()


def _snap(case: ScreeningCase) -> dict[str, Any]:
    data = snapshot(case) or {}
    return {k: ("…" if k in _SEALED and v else v) for k, v in data.items()}


def _problem(problem: tuple[str, str] | None, field_name: str) -> None:
    if problem is not None:
        raise InvalidInput(problem[0], problem[1], {"field": field_name})


def _handler(kind: str, roles: Iterable[str]) -> None:
    if not rules.may_read(kind, roles):
        raise DomainError("screening.not_handler", "只有负责该类排查的老师可以登记和跟进")


@transaction.atomic
def case_open(
    *,
    site: Site,
    actor: Actor,
    roles: Iterable[str],
    subject: Person,
    kind: str,
    risk: str,
    now: datetime,
    findings: str = "",
    parties: str = "",
    cause: str = "",
    mediation: str = "",
    post: str = "",
    health_cert_until: date | None = None,
    isolated: bool = False,
) -> ScreeningCase:
    """T3-05: the handler of the kind opens a case about a person of the site."""
    if kind not in Kind.values:
        raise InvalidInput("screening.kind", "请选择排查类型", {"field": "kind"})
    _handler(kind, roles)
    if risk not in Risk.values:
        raise InvalidInput("screening.risk", "请选择风险等级", {"field": "risk"})
    if subject.site_id != site.pk:
        raise InvalidInput("screening.subject", "请选择本校人员", {"field": "subject"})
    _problem(rules.subject_problem(kind, subject.kind), "subject")
    if post and post not in Post.values:
        raise InvalidInput("screening.post", "请选择岗位", {"field": "post"})
    text = clean_text(findings, 2000)
    if not text:
        raise InvalidInput("screening.findings", "请填写排查情况", {"field": "findings"})
    dispute = kind == Kind.DISPUTE
    if dispute and not clean_text(parties, 200):
        raise InvalidInput("screening.parties", "请填写纠纷当事人", {"field": "parties"})
    case = ScreeningCase.objects.create(
        site=site,
        subject=subject,
        kind=kind,
        risk=risk,
        findings=text,
        parties=clean_text(parties, 200) if dispute else "",
        cause=clean_text(cause, 2000) if dispute else "",
        mediation=clean_text(mediation, 2000) if dispute else "",
        post=post if kind == Kind.KEY_PERSONNEL else "",
        health_cert_until=health_cert_until if kind == Kind.KEY_PERSONNEL else None,
        isolated=isolated and subject.kind == rules.STUDENT,
        opened_on=_today(now),
        opened_by=actor_or_none(actor),
    )
    audit_record(action="screening.open", obj=case, actor=actor, after=_snap(case), at=now)
    return case


@transaction.atomic
def followup_add(
    *,
    case: ScreeningCase,
    actor: Actor,
    roles: Iterable[str],
    action: str,
    due_on: date,
    now: datetime,
    care: bool = False,
) -> FollowUp:
    """T3-05: a follow-up action with its due date (``care``: care or counselling, T3·12)."""
    row = ScreeningCase.objects.select_for_update().get(pk=case.pk)
    _handler(row.kind, roles)
    if row.closed_at is not None:
        raise DomainError("screening.closed", "该案例已经结案")
    text = clean_text(action, 300)
    _problem(rules.followup_problem(action=text, due_on=due_on, today=_today(now)), "action")
    f = FollowUp.objects.create(
        case=row,
        action=text,
        care=care,
        due_on=due_on,
        created_on=_today(now),
        created_by=actor_or_none(actor),
    )
    audit_record(
        action="screening.followup",
        obj=row,
        actor=actor,
        after={"followup": f.pk, "due_on": due_on.isoformat(), "care": care},
        at=now,
    )
    return f


@transaction.atomic
def followup_done(
    *, followup: FollowUp, actor: Actor, roles: Iterable[str], done_on: date, now: datetime
) -> FollowUp:
    f = FollowUp.objects.select_for_update().select_related("case").get(pk=followup.pk)
    _handler(f.case.kind, roles)
    problem = rules.done_problem(
        done_on=f.done_on, done=done_on, created=f.created_on, today=_today(now)
    )
    _problem(problem, "done_on")
    f.done_on = done_on
    f.save(update_fields=["done_on"])
    audit_record(
        action="screening.followup_done",
        obj=f.case,
        actor=actor,
        after={"followup": f.pk, "done_on": done_on.isoformat()},
        at=now,
    )
    return f


@transaction.atomic
def case_close(
    *, case: ScreeningCase, actor: Actor, roles: Iterable[str], reason: str, now: datetime
) -> ScreeningCase:
    """T3-05: closed once, with who and why, its follow-ups done (an isolated student's case
    after a care follow-up, T3·12)."""
    row = ScreeningCase.objects.select_for_update().get(pk=case.pk)
    _handler(row.kind, roles)
    text = clean_text(reason, 300)
    problem = rules.close_problem(
        closed=row.closed_at is not None,
        reason=text,
        isolated=row.isolated,
        followups=[
            rules.FollowUpFacts(done=f.done_on is not None, care=f.care)
            for f in row.followups.all()
        ],
    )
    if problem is not None:
        raise DomainError(problem[0], problem[1], {"field": "reason"})
    before = _snap(row)
    row.closed_at, row.closed_by, row.close_reason = now, actor_or_none(actor), text
    row.save(update_fields=["closed_at", "closed_by", "close_reason"])
    audit_record(
        action="screening.close", obj=row, actor=actor, before=before, after=_snap(row), at=now
    )
    return row


# -- reading a case (T3-05) -----------------------------------------------------------------------


@dataclass
class FollowUpView:
    pk: int
    action: str
    care: bool
    due_on: date
    done_on: date | None
    overdue: bool


@dataclass
class CaseView:
    case: ScreeningCase
    subject: str
    readable: bool
    findings: str
    parties: str
    cause: str
    mediation: str
    followups: list[FollowUpView] = field(default_factory=list)

    @property
    def overdue(self) -> int:
        return sum(1 for f in self.followups if f.overdue)

    @property
    def open_followups(self) -> int:
        return sum(1 for f in self.followups if f.done_on is None)


def _view(case: ScreeningCase, readable: bool, today: date) -> CaseView:
    def show(value: str) -> str:
        return rules.shown(value, readable=readable)

    return CaseView(
        case=case,
        subject=mask_name(case.subject.name),
        readable=readable,
        findings=show(case.findings),
        parties=show(case.parties),
        cause=show(case.cause),
        mediation=show(case.mediation),
        followups=[
            FollowUpView(
                pk=f.pk,
                action=show(f.action),
                care=f.care,
                due_on=f.due_on,
                done_on=f.done_on,
                overdue=rules.followup_overdue(due_on=f.due_on, done_on=f.done_on, today=today),
            )
            for f in case.followups.all()
        ],
    )


def case_summaries(cases: Iterable[ScreeningCase], now: datetime) -> list[CaseView]:
    """The list's rows: restricted text is never part of them (masked for everyone), so the
    list is not a reading; the detail and the export are."""
    today = _today(now)
    return [_view(c, False, today) for c in cases]


@transaction.atomic
def case_read(
    *, case: ScreeningCase, actor: Actor, roles: Iterable[str], now: datetime
) -> CaseView:
    """T3-05: the case as ``roles`` may read it. The handler reads the restricted fields and the
    reading is audited (``screening.read``, the fields read, not their text); anyone else gets
    “受限” and nothing is recorded."""
    readable = rules.may_read(case.kind, roles)
    view = _view(case, readable, _today(now))
    if readable:
        read = [f for f in RESTRICTED if getattr(case, f)]
        if case.followups.all():
            read.append("followups")
        audit_record(action="screening.read", obj=case, actor=actor, after={"fields": read}, at=now)
    return view


@transaction.atomic
def cases_export(
    *, cases: Iterable[ScreeningCase], actor: Actor, roles: Iterable[str], site: Site, now: datetime
) -> list[CaseView]:
    """T3-05: the cases for an export: restricted fields unmasked only for the kinds the exporter
    handles; if any was unmasked, the export is audited with how many cases of each kind."""
    today = _today(now)
    held = set(roles)
    views = [_view(c, rules.may_read(c.kind, held), today) for c in cases]
    read: dict[str, int] = {}
    for v in views:
        if v.readable:
            read[v.case.kind] = read.get(v.case.kind, 0) + 1
    if read:
        audit_record(
            action="screening.export",
            site=site,
            actor=actor,
            object_type="screenings.screeningcase",
            after={"kinds": read},
            at=now,
        )
    return views


# -- campaigns with the police (T3-06) -----------------------------------------------------------


@transaction.atomic
def campaign_create(
    *,
    site: Site,
    actor: Actor,
    kind: str,
    title: str,
    partner: str,
    starts_on: date,
    ends_on: date,
    places: Iterable[tuple[str, str]],
    now: datetime,
) -> Campaign:
    """T3-06: a campaign with the police station and the places or classes it inspects
    (``places``: (name, measure) with measure one of 人防/物防/技防 or blank)."""
    if kind not in CampaignKind.values:
        raise InvalidInput("campaign.kind", "请选择行动类型", {"field": "kind"})
    name, who = clean_text(title, 100), clean_text(partner, 100)
    problem = rules.campaign_problem(title=name, partner=who, starts_on=starts_on, ends_on=ends_on)
    _problem(problem, "title")
    wanted = [(clean_text(n, 100), m) for n, m in places if clean_text(n, 100)]
    if not wanted:
        raise InvalidInput("campaign.places", "请至少列出一个检查部位或班级", {"field": "places"})
    if any(m not in Measure.values for _, m in wanted):
        raise InvalidInput("campaign.measure", "防范类别应为人防、物防或技防", {"field": "places"})
    c = Campaign.objects.create(
        site=site,
        kind=kind,
        title=name,
        partner=who,
        starts_on=starts_on,
        ends_on=ends_on,
        created_by=actor_or_none(actor),
    )
    CampaignPlace.objects.bulk_create(
        [CampaignPlace(campaign=c, name=n, measure=m) for n, m in wanted]
    )
    audit_record(
        action="campaign.create",
        obj=c,
        actor=actor,
        after={**(snapshot(c) or {}), "places": len(wanted)},
        at=now,
    )
    return c


@transaction.atomic
def place_inspect(*, place: CampaignPlace, actor: Actor, note: str, now: datetime) -> CampaignPlace:
    """T3-06: a place or class has been inspected (counted in the campaign's progress)."""
    p = CampaignPlace.objects.select_for_update().get(pk=place.pk)
    if p.inspected_on is not None:
        raise DomainError("campaign.inspected", "该部位已经检查")
    p.inspected_on, p.note, p.inspected_by = (
        _today(now),
        clean_text(note, 300),
        actor_or_none(actor),
    )
    p.save(update_fields=["inspected_on", "note", "inspected_by"])
    audit_record(
        action="campaign.inspect",
        obj=p,
        actor=actor,
        site=p.campaign.site,
        after=snapshot(p),
        at=now,
    )
    return p


@transaction.atomic
def campaign_finding(
    *,
    campaign: Campaign,
    actor: Actor,
    place: str,
    description: str,
    owner: str,
    deadline: date,
    now: datetime,
) -> HazardFinding:
    """T3-06: a finding of the campaign is a hazard finding (S-11) linked to the campaign, so
    the hazard register and its deadlines keep it with the others."""
    finding = hazard_record(
        site=campaign.site,
        actor=actor,
        place=place,
        description=description,
        owner=owner,
        found_on=_today(now),
        deadline=deadline,
        now=now,
    )
    finding.campaign = campaign
    finding.save(update_fields=["campaign"])
    audit_record(
        action="campaign.finding",
        obj=campaign,
        actor=actor,
        after={"finding": finding.pk, "deadline": deadline.isoformat()},
        at=now,
    )
    return finding


def progress_of(campaign: Campaign, now: datetime) -> rules.Progress:
    return rules.campaign_progress(
        places=[p.inspected_on is not None for p in campaign.places.all()],
        findings=[
            rules.FindingFacts(deadline=f.deadline, fixed_on=f.fixed_on)
            for f in campaign.findings.all()
        ],
        today=_today(now),
    )
