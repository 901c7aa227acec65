"""Writing a decision's outcome: the holder's presence, the visit's register row, and the
obligations the system itself fulfils, each by the small writer :data:`WRITERS` names for its
duty (or duty and register). An obligation without a writer is the guard's or the desk's to carry
out (they see it in the answer and the event). The vehicle gate writes its notices through
:func:`notice` too."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import connection
from django.db.models import F

from gatehouse.access.models import AccessEvent, Notice, NoticeAudience, StaffExit
from gatehouse.core.access import Decision, Direction, Duty, Obligation, Outcome, Register
from gatehouse.core.masking import mask_name
from gatehouse.epidemic.models import MergedPassage
from gatehouse.gate import sql
from gatehouse.gate.facts import GateInput, Guard, signed_in
from gatehouse.notify.models import MessageKind
from gatehouse.notify.services import send as notify_send
from gatehouse.people.models import Person
from gatehouse.sites.models import Site
from gatehouse.visitors.models import Visit, VisitStatus


def notice(
    *,
    site: Site,
    audience: str,
    kind: str,
    message: str,
    event: AccessEvent,
    when: datetime,
    person_id: int | None = None,
) -> Notice:
    """A notice a gate decision sends (its text cut to the column's 300 characters)."""
    return Notice.objects.create(
        site=site,
        audience=audience,
        person_id=person_id,
        kind=kind,
        message=message[:300],
        event=event,
        created_at=when,
    )


def presence_record(*, person_id: int, inside: bool, at: datetime) -> None:
    """Set a person's presence by one upsert. A read replayed after an outage (older than what
    is recorded) does not overwrite a newer passage."""
    with connection.cursor() as cursor:
        cursor.execute(
            sql.presence(), [person_id, inside, connection.ops.adapt_datetimefield_value(at)]
        )


def moves(
    decision: Decision, event: AccessEvent, inp: GateInput, person: Person | None
) -> bool | None:
    """Where a card holder the gate let through now is: True inside, False out; None when the
    decision moves no one whose presence is kept."""
    if decision.outcome is Outcome.ALLOW and person is not None and inp.credential is not None:
        return event.direction == Direction.IN.value
    return None


@dataclass(frozen=True)
class Written:
    """A recorded decision and what it concerns: what a duty's writer works from."""

    decision: Decision
    event: AccessEvent
    inp: GateInput
    person: Person | None
    visit: Visit | None
    site: Site
    when: datetime
    guard: Guard

    @property
    def where(self) -> str:
        return f"{self.inp.lane.gate.name}·{self.inp.lane.name}"


Writer = Callable[[Written, Obligation], None]

#: Monitoring notices that are alarms, sent on to the leader on duty (issue 16 §4).
ALARM_REASONS = frozenset({"blacklist.hit"})


def _count_forgotten(w: Written, ob: Obligation) -> None:
    if w.person is None:
        return
    Person.objects.filter(pk=w.person.pk).update(forgotten_card_count=F("forgotten_card_count") + 1)
    w.person.refresh_from_db(fields=["forgotten_card_count"])


def _notify_monitoring(w: Written, ob: Obligation) -> None:
    message = (
        f"{w.where}：{w.decision.message}"
        + (f"（{w.event.subject}）" if w.event.subject else "")
        + (f"（{ob.note}）" if ob.note else "")
    )
    notice(
        site=w.site,
        audience=str(NoticeAudience.MONITORING),
        kind=w.decision.reason,
        message=message,
        event=w.event,
        when=w.when,
    )
    if w.decision.reason in ALARM_REASONS:  # the leader on duty and the staff groups (masked)
        notify_send(
            site=w.site,
            kind=MessageKind.ALARM,
            text=message,
            now=w.when,
            ref=f"event:{w.event.pk}",
            private=(w.person.name,) if w.person is not None else (),
        )


def _notify_patrol(w: Written, ob: Obligation) -> None:
    notice(
        site=w.site,
        audience=str(NoticeAudience.PATROL),
        kind=w.decision.reason,
        message=f"{w.inp.lane.gate.name}：{w.decision.message}",
        event=w.event,
        when=w.when,
    )


def _notify_host(w: Written, ob: Obligation) -> None:
    visit = w.visit
    if not w.decision.allowed or visit is None or not visit.host_id:
        return
    notice(
        site=w.site,
        audience=str(NoticeAudience.PERSON),
        person_id=visit.host_id,
        kind="visitor.arrived",
        message=f"您的访客{mask_name(visit.name)}已于{w.when:%H:%M}进入",
        event=w.event,
        when=w.when,
    )


def _staff_goes_out(w: Written, ob: Obligation) -> None:
    """P-12: a staff member leaving during working hours, in the mid-shift register."""
    enterprise = getattr(w.person, "enterprise", None)
    StaffExit.objects.create(
        site=w.site,
        person=w.person,
        enterprise_name=getattr(enterprise, "name", "") or "",
        reason=w.inp.register_data.get("reason", ""),
        approver=w.inp.register_data.get("approver", ""),
        out_at=w.when,
        out_event=w.event,
        registered_by=signed_in(w.guard),
    )


def _staff_comes_back(w: Written, ob: Obligation) -> None:
    StaffExit.objects.filter(person=w.person, back_at__isnull=True).update(
        back_at=w.when, back_event=w.event
    )


#: The writer of each duty the system fulfils itself; a duty of one register is keyed by both.
def _record_at_home(w: Written, ob: Obligation) -> None:
    """M-05: a member of another compound passed a unified entrance: the passage is written into
    the 合并出入口通行记录 of the person's own site (the gate's site has the event)."""
    person, merger_id = w.person, w.site.unified_entrance_id
    if person is None or merger_id is None or person.site_id == w.site.pk:
        return
    MergedPassage.objects.create(
        site_id=person.site_id,
        merger_id=merger_id,
        event=w.event,
        person=person,
        gate_site=w.site,
        lane_id=w.event.lane_id,
        direction=w.event.direction,
        at=w.when,
    )


WRITERS: dict[Duty | tuple[Duty, Register | None], Writer] = {
    Duty.RECORD_AT_HOME: _record_at_home,
    Duty.COUNT_FORGOTTEN: _count_forgotten,
    Duty.NOTIFY_MONITORING: _notify_monitoring,
    Duty.NOTIFY_PATROL: _notify_patrol,
    Duty.NOTIFY_HOST: _notify_host,
    (Duty.REGISTER, Register.STAFF_MIDSHIFT): _staff_goes_out,
    (Duty.CLOSE_REGISTER, Register.STAFF_MIDSHIFT): _staff_comes_back,
}


def writer_of(ob: Obligation) -> Writer | None:
    return WRITERS.get((ob.duty, ob.register)) or WRITERS.get(ob.duty)


def _visit_update(w: Written) -> None:
    """The visit's register row follows the decision: in, out, or refused while waiting."""
    visit = w.visit
    if visit is None:
        return
    decision, when, direction = w.decision, w.when, Direction(w.event.direction)
    changes: dict[str, Any] = {"outcome_reason": decision.reason}
    if decision.allowed and direction is Direction.IN:
        changes |= {"status": VisitStatus.INSIDE, "time_in": when, "lane_in": w.inp.lane}
        minutes = next((o.minutes for o in decision.obligations if o.duty is Duty.TIME_LIMIT), None)
        if minutes:
            changes["time_limit_at"] = when + timedelta(minutes=minutes)
    elif decision.allowed and direction is Direction.OUT:
        changes |= {"status": VisitStatus.LEFT, "time_out": when, "lane_out": w.inp.lane}
    elif decision.outcome is Outcome.REFUSE and visit.status == VisitStatus.WAITING:
        changes["status"] = VisitStatus.REFUSED
    for name, value in changes.items():
        setattr(visit, name, value)
    visit.save(update_fields=list(changes))


def write_outcome(w: Written) -> None:
    """Carry out what the recorded decision requires that the system itself can fulfil."""
    moved = moves(w.decision, w.event, w.inp, w.person)
    if moved is not None and w.person is not None:
        presence_record(person_id=w.person.pk, inside=moved, at=w.when)
    _visit_update(w)
    for ob in w.decision.obligations:
        writer = writer_of(ob)
        if writer is not None:
            writer(w, ob)
