"""Writes of epidemic management (SPEC M-03, M-04): grids and their checklist, returnee cases
from arrival to closing, health reports, and the alerts that reach the grid officer.

Each write is one transaction with its audit entry; the rules are the core's
(:mod:`gatehouse.core.epidemic`). An alert is raised once per case and episode
(:class:`~gatehouse.epidemic.models.EpidemicAlert` ``ref`` is unique) and sent through the
notification system to the grid officer (their own console notice when they are a registered
person of the site, else the service centre's)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from gatehouse.access.models import NoticeAudience
from gatehouse.access.modes import may_manage
from gatehouse.accounts.actor import Actor, actor_or_none
from gatehouse.accounts.models import Membership, Role
from gatehouse.admission.uploads import check_upload
from gatehouse.audit.services import audit_record, snapshot
from gatehouse.core import epidemic as core
from gatehouse.core.errors import DomainError, InvalidInput
from gatehouse.core.masking import mask_name
from gatehouse.core.text import clean_name, clean_text
from gatehouse.devices.sync import sync_person, sync_site
from gatehouse.epidemic.models import (
    CaseTest,
    Commitment,
    Disinfection,
    EpidemicAlert,
    Grid,
    GridBuilding,
    GridCheck,
    HealthReport,
    OutingRule,
    ReturneeCase,
    ScreeningVisit,
    SupplyIssue,
    UnifiedEntrance,
    WasteCollection,
)
from gatehouse.epidemic.selectors import grid_of_house, open_case_of
from gatehouse.notify.models import MessageKind
from gatehouse.notify.services import send
from gatehouse.people.models import HouseMembership, Person
from gatehouse.sites.models import Building, Gate, House, Site

NAME_MAX = 60
VOLUNTEERS_MAX = 300


# -- grids (M-04) --------------------------------------------------------------------------------


def _officer(site: Site, officer_id: int | None) -> Actor:
    """The grid officer: a user holding the grid officer role at ``site`` (or nobody yet)."""
    if officer_id is None:
        return None
    if not Membership.objects.filter(
        site=site, user_id=officer_id, role=Role.GRID_OFFICER
    ).exists():
        raise InvalidInput(
            "grid.officer", "网格员须是本场所持有“网格员”角色的用户", {"field": "officer"}
        )
    return get_user_model().objects.get(pk=officer_id)


def _name(name: str) -> str:
    text = " ".join((name or "").split())
    if not text or len(text) > NAME_MAX:
        raise InvalidInput("grid.name", f"网格名称为1至{NAME_MAX}个字", {"field": "name"})
    return text


def _volunteers(text: str) -> str:
    value = " ".join((text or "").split())
    if len(value) > VOLUNTEERS_MAX:
        raise InvalidInput(
            "grid.volunteers", f"志愿者不超过{VOLUNTEERS_MAX}字", {"field": "volunteers"}
        )
    return value


def grid_create(
    *,
    site: Site,
    actor: Actor,
    now: datetime,
    level: str,
    name: str,
    parent_id: int | None = None,
    officer_id: int | None = None,
    volunteers: str = "",
) -> Grid:
    """A grid under its parent of the level above (rule M-04)."""
    parent = Grid.objects.filter(site=site, pk=parent_id).first() if parent_id else None
    if parent_id and parent is None:
        raise InvalidInput("grid.parent", "上级网格不属于本场所", {"field": "parent"})
    core.check_parent(level, parent.level if parent is not None else None)
    text = _name(name)
    officer = _officer(site, officer_id)
    if Grid.objects.filter(site=site, name=text).exists():
        raise InvalidInput("grid.name_taken", "已有同名网格", {"field": "name"})
    with transaction.atomic():
        grid = Grid.objects.create(
            site=site,
            level=level,
            parent=parent,
            name=text,
            officer=officer,
            volunteers=_volunteers(volunteers),
            created_at=now,
        )
        audit_record(
            action="epidemic.grid_create", obj=grid, actor=actor, after=snapshot(grid), at=now
        )
    return grid


def grid_update(
    *, grid: Grid, actor: Actor, now: datetime, name: str, officer_id: int | None, volunteers: str
) -> Grid:
    text = _name(name)
    officer = _officer(grid.site, officer_id)
    if Grid.objects.filter(site=grid.site, name=text).exclude(pk=grid.pk).exists():
        raise InvalidInput("grid.name_taken", "已有同名网格", {"field": "name"})
    with transaction.atomic():
        before = snapshot(grid)
        grid.name = text
        grid.officer = officer
        grid.volunteers = _volunteers(volunteers)
        grid.save(update_fields=["name", "officer", "volunteers"])
        audit_record(
            action="epidemic.grid_update",
            obj=grid,
            actor=actor,
            before=before,
            after=snapshot(grid),
            at=now,
        )
    return grid


def grid_assign(*, grid: Grid, actor: Actor, now: datetime, building_ids: Iterable[int]) -> Grid:
    """The buildings of a building grid, exactly these: a building listed is moved here from any
    other grid (a building is in one grid only), one left out is taken out (rule M-04)."""
    core.check_assignable(grid.level)
    wanted = {int(pk) for pk in building_ids}
    found = {b.pk for b in Building.objects.filter(site=grid.site, pk__in=wanted)}
    if found != wanted:
        raise InvalidInput("grid.building_unknown", "所选楼栋不属于本场所", {"field": "buildings"})
    with transaction.atomic():
        before = sorted(grid.building_links.values_list("building_id", flat=True))
        grid.building_links.exclude(building_id__in=wanted).delete()
        moved = GridBuilding.objects.filter(building_id__in=wanted).exclude(grid=grid)
        moved.update(grid=grid, assigned_at=now, assigned_by=actor)
        have = set(grid.building_links.values_list("building_id", flat=True))
        GridBuilding.objects.bulk_create(
            GridBuilding(grid=grid, building_id=pk, assigned_at=now, assigned_by=actor)
            for pk in sorted(wanted - have)
        )
        audit_record(
            action="epidemic.grid_assign",
            obj=grid,
            actor=actor,
            before={"buildings": before},
            after={"buildings": sorted(wanted)},
            at=now,
        )
    return grid


def grid_check(
    *, grid: Grid, actor: Actor, now: datetime, item: str, done: bool, note: str = ""
) -> GridCheck:
    """Tick (or untick) one of the "五有" items, with who and when."""
    if item not in core.FiveHaves._value2member_map_:
        raise InvalidInput("grid.check_item", "没有这个检查项目", {"field": "item"})
    text = " ".join((note or "").split())
    if len(text) > core.NOTE_MAX:
        raise InvalidInput("grid.check_note", f"说明不超过{core.NOTE_MAX}字", {"field": "note"})
    with transaction.atomic():
        check, _made = GridCheck.objects.select_for_update().get_or_create(
            grid=grid, item=item, defaults={"checked_at": now}
        )
        before = snapshot(check)
        check.done = done
        check.note = text
        check.checked_at = now
        check.checked_by = actor
        check.save()
        audit_record(
            action="epidemic.grid_check",
            obj=check,
            actor=actor,
            site=grid.site,
            before=before,
            after=snapshot(check),
            at=now,
        )
    return check


# -- returnee cases (M-03) -----------------------------------------------------------------------


def find_house(site: Site, number: str) -> House:
    text = "".join((number or "").split())
    house = House.objects.filter(site=site, number=text).select_related("unit__building").first()
    if house is None:
        raise InvalidInput(
            "house.unknown",
            "本小区没有这个房号，请核对（例如 3-2-1201）",
            {"field": "house_number"},
        )
    return house


def find_occupant(house: House, name: str) -> Person:
    """The person of ``house`` called ``name`` (a returnee is a registered occupant)."""
    text = "".join((name or "").split())
    link = (
        HouseMembership.objects.filter(house=house, person__name=text, person__is_active=True)
        .select_related("person")
        .first()
    )
    if link is None:
        raise InvalidInput(
            "epidemic.person_unknown",
            "该房屋没有登记此人，请先在人员登记中添加为住户或家庭成员",
            {"field": "name"},
        )
    return link.person


def case_open(
    *,
    site: Site,
    actor: Actor,
    now: datetime,
    house_number: str,
    name: str,
    origin: str,
    came_from: str,
    arrived_on: date,
    test_on: date | None,
    test_result: str | None,
    temperature: str = "",
) -> ReturneeCase:
    """Register a returnee's arrival (rule M-03): refused, nothing written, without a negative
    test within 7 days; else the 14 days of home monitoring start."""
    today = timezone.localdate(now)
    core.check_arrival(arrived_on=arrived_on, test_on=test_on, test_result=test_result, today=today)
    assert test_on is not None and test_result is not None  # check_arrival said so
    if origin not in core.Origin._value2member_map_:
        raise InvalidInput("epidemic.origin", "请选择返乡类别", {"field": "origin"})
    place = " ".join((came_from or "").split())
    if not place or len(place) > NAME_MAX:
        raise InvalidInput("epidemic.came_from", "请填写出发地", {"field": "came_from"})
    reading = core.parse_temperature(temperature, required=False)
    house = find_house(site, house_number)
    person = find_occupant(house, name)
    with transaction.atomic():
        if open_case_of(person) is not None:
            raise DomainError(
                "epidemic.case_open", "此人已有未结案的居家监测记录", {"field": "name"}
            )
        case = ReturneeCase.objects.create(
            site=site,
            person=person,
            house=house,
            origin=origin,
            came_from=place,
            arrived_on=arrived_on,
            arrival_test_on=test_on,
            arrival_test_result=test_result,
            arrival_temperature=reading,
            monitor_until=core.monitoring_ends(arrived_on),
            opened_at=now,
            opened_by=actor,
        )
        audit_record(
            action="epidemic.case_open", obj=case, actor=actor, after=snapshot(case), at=now
        )
        # M-03: the exit terminals hold the returnee only from the end of the monitoring
        sync_person(person.pk, now, reason="居家健康监测开始")
        if reading is not None and reading >= core.FEVER:
            _raise(
                case.site,
                core.AlertKind.ABNORMAL,
                f"case:{case.pk}:arrival",
                f"到达时体温{reading}℃",
                now,
                case=case,
            )
    return case


def case_test(
    *, case: ReturneeCase, actor: Actor, now: datetime, taken_on: date, result: str
) -> CaseTest:
    """A test during the monitoring; a positive one reaches the grid officer at once."""
    if case.closed_at is not None:
        raise DomainError("epidemic.closed", "此案例已结案")
    core.check_test(
        arrived_on=case.arrived_on, taken_on=taken_on, result=result, today=timezone.localdate(now)
    )
    with transaction.atomic():
        test = CaseTest.objects.create(
            case=case, taken_on=taken_on, result=result, recorded_at=now, recorded_by=actor
        )
        audit_record(
            action="epidemic.case_test",
            obj=test,
            actor=actor,
            site=case.site,
            after=snapshot(test),
            at=now,
        )
        if result == core.TestResult.POSITIVE:
            _raise(
                case.site,
                core.AlertKind.POSITIVE,
                f"case:{case.pk}:positive:{test.pk}",
                f"{taken_on:%m-%d}核酸检测阳性，请立即上报并安排转运",
                now,
                case=case,
            )
    return test


def case_close(
    *, case: ReturneeCase, actor: Actor, now: datetime, reason: str, note: str = ""
) -> ReturneeCase:
    """Close a case with who and why (rule M-03); its open alerts are handled with it."""
    with transaction.atomic():
        case = ReturneeCase.objects.select_for_update().get(pk=case.pk)
        why = core.check_close(case=case.facts(), reason=reason, note=note, now=now)
        before = snapshot(case)
        case.closed_at = now
        case.closed_by = actor
        case.close_reason = why.value
        case.close_note = " ".join(note.split())
        case.save(update_fields=["closed_at", "closed_by", "close_reason", "close_note"])
        case.alerts.filter(handled_at__isnull=True).update(handled_at=now, handled_by=actor)
        audit_record(
            action="epidemic.case_close",
            obj=case,
            actor=actor,
            before=before,
            after=snapshot(case),
            at=now,
        )
        sync_person(case.person_id, now, reason="居家健康监测结案")  # M-03: exits open again
    return case


# -- health reports ------------------------------------------------------------------------------


def report_submit(
    *,
    person: Person,
    actor: Actor,
    now: datetime,
    temperature: str,
    fever: bool = False,
    cough: bool = False,
    other: str = "",
    travel: bool = False,
    travel_place: str = "",
) -> HealthReport:
    """A resident's health report from their phone. Under home monitoring it is the day's
    report (temperature required); anything abnormal reaches the grid officer at once."""
    case = open_case_of(person)
    reading = core.parse_temperature(temperature, required=case is not None)
    facts = core.ReportFacts(
        temperature=reading,
        fever=fever,
        cough=cough,
        other=" ".join((other or "").split()),
        travel=travel,
        travel_place=" ".join((travel_place or "").split()) if travel else "",
    )
    found = core.judge_report(facts)
    if case is None and not found and reading is None:
        raise InvalidInput(
            "report.empty", "请填写体温，或勾选症状、旅居史后再提交", {"field": "temperature"}
        )
    house = case.house if case is not None else _house_of(person)
    with transaction.atomic():
        report = HealthReport.objects.create(
            site_id=person.site_id,
            person=person,
            case=case,
            house=house,
            reported_on=timezone.localdate(now),
            reported_at=now,
            temperature=reading,
            fever=facts.fever,
            cough=facts.cough,
            other=facts.other,
            travel=facts.travel,
            travel_place=facts.travel_place,
            abnormal="、".join(found)[:300],
        )
        audit_record(
            action="epidemic.report", obj=report, actor=actor, after=snapshot(report), at=now
        )
        if found:
            _raise(
                person.site,
                core.AlertKind.ABNORMAL,
                f"report:{report.pk}",
                f"健康上报异常：{'、'.join(found)}",
                now,
                case=case,
                report=report,
            )
    return report


def _house_of(person: Person) -> House | None:
    link = (
        HouseMembership.objects.filter(person=person)
        .select_related("house__unit")
        .order_by("pk")
        .first()
    )
    return link.house if link is not None else None


# -- alerts --------------------------------------------------------------------------------------


def _raise(
    site: Site,
    kind: core.AlertKind,
    ref: str,
    text: str,
    now: datetime,
    *,
    case: ReturneeCase | None = None,
    report: HealthReport | None = None,
    house: House | None = None,
) -> EpidemicAlert | None:
    """One alert for ``ref``, ever, and its message to the grid officer (``house``: a house
    screened door to door, when there is no case or report)."""
    if EpidemicAlert.objects.filter(site=site, ref=ref).exists():
        return None
    person = case.person if case is not None else report.person if report is not None else None
    if case is not None:
        house = case.house
    elif report is not None:
        house = report.house
    grid = grid_of_house(house) if house is not None else None
    who = f"{house.number} {mask_name(person.name)}" if house and person else ""
    if house is not None and person is None:
        who = house.number
    message = f"{who}：{text}".strip("：")[:300]
    try:
        with transaction.atomic():
            alert = EpidemicAlert.objects.create(
                site=site,
                grid=grid,
                case=case,
                report=report,
                kind=kind.value,
                ref=ref[:80],
                message=message,
                raised_at=now,
            )
    except IntegrityError:  # the same alert raised at the same moment by another run
        return None
    officer = grid.officer if grid is not None else None
    officer_person = (
        Person.objects.filter(site=site, user=officer).first() if officer is not None else None
    )
    send(
        site=site,
        kind=MessageKind.EPIDEMIC,
        text=f"【疫情防控】{message}",
        now=now,
        ref=f"epidemic:{alert.pk}",
        person=officer_person,
        audience="" if officer_person is not None else NoticeAudience.DESK,
        notice_kind="epidemic.alert",
        private=(person.name,) if person is not None else (),
    )
    return alert


def alerts_scan(*, site: Site, now: datetime) -> list[EpidemicAlert]:
    """Rule M-03: overdue tests and missed daily reports of every open case at ``site``, each
    episode raised once (a second run the same day raises nothing)."""
    today = timezone.localdate(now)
    open_cases = list(
        ReturneeCase.objects.filter(site=site, closed_at__isnull=True)
        .select_related("person", "house__unit")
        .prefetch_related("tests")
    )
    reported: dict[int, set[date]] = {c.pk: set() for c in open_cases}
    for case_id, day in HealthReport.objects.filter(case__in=open_cases).values_list(
        "case_id", "reported_on"
    ):
        reported[case_id].add(day)
    raised = []
    for case in open_cases:
        facts = case.facts(list(case.tests.all()), reported[case.pk])
        for alert in core.due_alerts(facts, today):
            made = _raise(
                site, alert.kind, f"case:{case.pk}:{alert.key}", alert.message, now, case=case
            )
            if made is not None:
                raised.append(made)
    return raised


def alerts_scan_all(*, now: datetime) -> int:
    """:func:`alerts_scan` for every active site; the number of new alerts (the device worker's
    periodic round and ``manage.py check_epidemic``)."""
    return sum(
        len(alerts_scan(site=site, now=now))
        for site in Site.objects.filter(is_active=True).order_by("pk")
    )


def alert_handle(*, alert: EpidemicAlert, actor: Actor, now: datetime) -> EpidemicAlert:
    if alert.handled_at is not None:
        raise DomainError("epidemic.alert_handled", "此提醒已处理")
    with transaction.atomic():
        alert.handled_at = now
        alert.handled_by = actor
        alert.save(update_fields=["handled_at", "handled_by"])
        audit_record(action="epidemic.alert_handle", obj=alert, actor=actor, at=now)
    return alert


def temperature_text(value: Decimal | None) -> str:
    return f"{value}℃" if value is not None else ""


# -- residents' outings in epidemic mode (M-02) ----------------------------------------------------


def outing_set(
    *, site: Site, actor: Actor, now: datetime, persons: object, days: object
) -> OutingRule:
    """Set the site's outing limit (M-02): at most ``persons`` outings per household every
    ``days`` days while the site is in epidemic mode."""
    limit = core.outing_limit(persons, days)
    with transaction.atomic():
        rule = OutingRule.objects.select_for_update().filter(site=site).first()
        before = snapshot(rule) if rule is not None else None
        if rule is None:
            rule = OutingRule(site=site)
        rule.persons, rule.days = limit.persons, limit.days
        rule.updated_at, rule.updated_by = now, actor
        rule.save()
        audit_record(
            action="epidemic.outing_set",
            obj=rule,
            actor=actor,
            before=before,
            after=snapshot(rule),
            at=now,
        )
    return rule


def outing_clear(*, site: Site, actor: Actor, now: datetime) -> None:
    rule = OutingRule.objects.filter(site=site).first()
    if rule is None:
        raise DomainError("outing.not_set", "本场所未设置出行限额")
    with transaction.atomic():
        audit_record(
            action="epidemic.outing_clear", obj=rule, actor=actor, before=snapshot(rule), at=now
        )
        rule.delete()


# -- door-to-door screening (入户排查) -----------------------------------------------------------


def screening_record(
    *,
    site: Site,
    actor: Actor,
    now: datetime,
    house_number: str,
    met: str,
    persons_met: int = 0,
    met_names: str = "",
    temperature: object = None,
    travel: bool = False,
    travel_place: str = "",
    symptoms: str = "",
    building_ids: list[int] | None = None,
) -> ScreeningVisit:
    """A door-to-door visit to one house: abnormal findings (or nobody at home) need a
    follow-up, and an abnormal finding reaches the grid officer's alerts at once. A grid officer
    (``building_ids``: their buildings) records only houses of their grids."""
    house = find_house(site, house_number)
    if building_ids is not None and house.unit.building_id not in building_ids:
        raise InvalidInput(
            "screening.not_your_grid", "此房屋不在您负责的网格内", {"field": "house_number"}
        )
    value = core.parse_temperature(temperature, required=False)
    names = " ".join((met_names or "").split())
    if len(names) > core.TEXT_MAX:
        raise InvalidInput("ledger.too_long", "见到的人员不超过100字", {"field": "met_names"})
    found, follow = core.judge_visit(
        core.VisitFacts(
            met=met,
            persons_met=persons_met,
            temperature=value,
            travel=travel,
            travel_place=travel_place or "",
            symptoms=(symptoms or "").strip(),
        )
    )
    grid = grid_of_house(house)
    with transaction.atomic():
        visit = ScreeningVisit.objects.create(
            site=site,
            house=house,
            grid=grid,
            visited_at=now,
            officer=actor,
            met=met,
            persons_met=persons_met if met == core.Met.MET else 0,
            met_names=names,
            temperature=value,
            travel=travel,
            travel_place=(travel_place or "").strip() if travel else "",
            symptoms=(symptoms or "").strip(),
            abnormal="；".join(found)[:300],
            follow_up=(core.FollowUp.PENDING if follow else core.FollowUp.NONE).value,
        )
        audit_record(action="epidemic.screening", obj=visit, actor=actor, at=now)
        if found:
            _raise(
                site,
                core.AlertKind.ABNORMAL,
                f"screening:{visit.pk}",
                f"入户排查发现异常：{'；'.join(found)}",
                now,
                house=house,
            )
    return visit


def screening_follow_up(
    *, visit: ScreeningVisit, actor: Actor, now: datetime, result: str
) -> ScreeningVisit:
    """Record the follow-up of a visit that needed one, with what was done (once)."""
    core.check_follow_up(
        needed=visit.follow_up != core.FollowUp.NONE,
        done=visit.follow_up == core.FollowUp.DONE,
        result=result,
    )
    with transaction.atomic():
        visit.follow_up = core.FollowUp.DONE.value
        visit.follow_up_result = result.strip()
        visit.followed_up_at, visit.followed_up_by = now, actor
        visit.save(
            update_fields=["follow_up", "follow_up_result", "followed_up_at", "followed_up_by"]
        )
        audit_record(action="epidemic.screening_follow_up", obj=visit, actor=actor, at=now)
    return visit


# -- ledgers: disinfection, protective equipment, medical waste -----------------------------------


def disinfection_record(
    *,
    site: Site,
    actor: Actor,
    now: datetime,
    target: str,
    place: str,
    agent: str,
    done_by: str,
    done_at: datetime,
) -> Disinfection:
    row = core.check_disinfection(
        target=target, place=place, agent=agent, done_by=done_by, done_at=done_at, now=now
    )
    with transaction.atomic():
        record = Disinfection.objects.create(
            site=site,
            target=target,
            place=row.place,
            agent=row.agent,
            done_by=row.done_by,
            done_at=done_at,
            recorded_at=now,
            recorded_by=actor,
        )
        audit_record(action="epidemic.disinfection", obj=record, actor=actor, at=now)
    return record


def supply_issue(
    *,
    site: Site,
    actor: Actor,
    now: datetime,
    item: str,
    quantity: int,
    issued_to: str,
    issued_on: date,
) -> SupplyIssue:
    name, to = core.check_issue(
        item=item,
        quantity=quantity,
        issued_to=issued_to,
        issued_on=issued_on,
        today=timezone.localdate(now),
    )
    with transaction.atomic():
        record = SupplyIssue.objects.create(
            site=site,
            item=name,
            quantity=quantity,
            issued_to=to,
            issued_on=issued_on,
            recorded_at=now,
            recorded_by=actor,
        )
        audit_record(action="epidemic.supply_issue", obj=record, actor=actor, at=now)
    return record


def waste_record(
    *,
    site: Site,
    actor: Actor,
    now: datetime,
    collected_on: date,
    weight: Decimal,
    bags: int,
    collector: str,
    transporter: str,
    signed_by: str,
) -> WasteCollection:
    handover = core.check_waste(
        weight=weight,
        bags=bags,
        collector=collector,
        transporter=transporter,
        signed_by=signed_by,
        collected_on=collected_on,
        today=timezone.localdate(now),
    )
    with transaction.atomic():
        record = WasteCollection.objects.create(
            site=site,
            collected_on=collected_on,
            weight=weight,
            bags=bags,
            collector=handover.collector,
            transporter=handover.transporter,
            signed_by=handover.signed_by,
            recorded_at=now,
            recorded_by=actor,
        )
        audit_record(action="epidemic.waste", obj=record, actor=actor, at=now)
    return record


# -- unified entrances (合并出入口, M-05, T8·2) ------------------------------------------------


def _manages_all(actor: Actor, sites: Iterable[Site]) -> None:
    """A merger is set up and ended by a security manager of every member compound."""
    others = [s.name for s in sites if not may_manage(actor, s)]
    if others:
        names = "、".join(others)
        raise PermissionDenied(f"只有各合并小区的安保主管可以设立或解除合并出入口：{names}")


def _reason(text: str, field: str) -> str:
    value = clean_text(text or "")
    if len(value) < 2 or len(value) > 200:
        raise InvalidInput("merger.reason", "请填写原因（2至200个字）", {"field": field})
    return value


@transaction.atomic
def merger_set_up(
    *,
    site: Site,
    actor: Actor,
    name: str,
    member_ids: Iterable[int],
    gate_ids: Iterable[int],
    valid_from: datetime,
    valid_until: datetime | None,
    reason: str,
    now: datetime,
) -> UnifiedEntrance:
    """M-05: merge compounds behind unified entrances from ``valid_from`` (until ``valid_until``
    or until ended): the members' other gates refuse entry, the unified entrances admit the
    people of every member. Recorded with who, when and why, and audited at each member."""
    title = clean_text(name or "")
    if not 1 <= len(title) <= 60:
        raise InvalidInput("merger.name", "名称为1至60个字", {"field": "name"})
    why = _reason(reason, "reason")
    if valid_until is not None and valid_until <= valid_from:
        raise InvalidInput("merger.window", "结束时间须晚于开始时间", {"field": "valid_until"})
    if valid_until is not None and valid_until <= now:
        raise InvalidInput("merger.window", "结束时间已过", {"field": "valid_until"})
    ids = sorted({int(i) for i in member_ids} | {site.pk})
    members = list(Site.objects.select_for_update().filter(pk__in=ids, is_active=True))
    if len(members) != len(ids):
        raise InvalidInput("merger.members", "合并的小区不存在或已停用", {"field": "members"})
    _manages_all(actor, members)
    busy = [m.name for m in members if m.unified_entrance_id is not None]
    if busy:
        raise DomainError(
            "merger.member_busy",
            f"{'、'.join(busy)}已在另一个合并出入口中，请先解除",
            {"field": "members"},
        )
    gates = list(Gate.objects.filter(pk__in=set(gate_ids)))
    if not gates or any(g.site_id not in ids for g in gates):
        raise InvalidInput(
            "merger.gates", "请选择统一出入口（须是合并小区的出入口）", {"field": "gates"}
        )
    merger = UnifiedEntrance.objects.create(
        site=site,
        name=title,
        valid_from=valid_from,
        valid_until=valid_until,
        reason=why,
        created_at=now,
        created_by=actor_or_none(actor),
    )
    merger.members.set(members)
    merger.gates.set(gates)
    Site.objects.filter(pk__in=ids).update(unified_entrance=merger)
    for member in members:
        audit_record(
            action="site.merger_set_up",
            obj=merger,
            actor=actor,
            site=member,
            after={
                "name": title,
                "members": ids,
                "gates": sorted(g.pk for g in gates),
                "valid_from": valid_from.isoformat(),
                "valid_until": valid_until.isoformat() if valid_until else None,
                "reason": why,
            },
            at=now,
        )
        member.unified_entrance = merger
        # the other gates close to entry (M-05): the terminals' lists follow
        sync_site(member, now, reason="合并出入口")
    return merger


@transaction.atomic
def merger_end(
    *, merger: UnifiedEntrance, actor: Actor, reason: str, now: datetime
) -> UnifiedEntrance:
    """M-05: end a merger; each member's own rules (its mode, its gates) stand again at once."""
    locked = UnifiedEntrance.objects.select_for_update().get(pk=merger.pk)
    if locked.ended_at is not None:
        raise DomainError("merger.ended", "此合并出入口已解除", {"merger": locked.pk})
    members = list(Site.objects.select_for_update().filter(pk__in=locked.members.values("pk")))
    _manages_all(actor, members)
    why = _reason(reason, "end_reason")
    locked.ended_at, locked.ended_by, locked.end_reason = now, actor_or_none(actor), why
    locked.save(update_fields=["ended_at", "ended_by", "end_reason"])
    Site.objects.filter(unified_entrance=locked).update(unified_entrance=None)
    for member in members:
        audit_record(
            action="site.merger_end",
            obj=locked,
            actor=actor,
            site=member,
            before={"unified_entrance": locked.pk},
            after={"unified_entrance": None, "reason": why},
            at=now,
        )
        member.unified_entrance = None
        sync_site(member, now, reason="解除合并出入口")
    return locked


# -- the property company's written commitment (承诺书, T8·11) --------------------------------


@transaction.atomic
def commitment_record(
    *,
    site: Site,
    actor: Actor,
    company: str,
    items: str,
    signatory: str,
    signed_on: date,
    valid_from: date,
    valid_until: date,
    scan: Any,
    now: datetime,
) -> Commitment:
    """T8·11: the property company's signed commitment for an epidemic period, with its scan."""
    if not may_manage(actor, site):
        raise PermissionDenied("只有本场所的安保主管可以登记物业承诺书")
    company_name = clean_name(
        company,
        limit=100,
        field="company",
        empty_code="commitment.company",
        empty_message="请填写物业服务企业名称",
        long_code="commitment.company",
    )
    lines = [clean_text(line) for line in (items or "").splitlines()]
    lines = [line for line in lines if line]
    if not lines or sum(len(line) for line in lines) > 1800:
        raise InvalidInput(
            "commitment.items", "请逐行填写承诺事项（总计不超过1800字）", {"field": "items"}
        )
    person = clean_name(
        signatory,
        limit=40,
        field="signatory",
        empty_code="commitment.signatory",
        empty_message="请填写签字人姓名",
        long_code="commitment.signatory",
    )
    today = timezone.localdate(now)
    if signed_on > today:
        raise InvalidInput("commitment.signed_on", "签署日期不能晚于今天", {"field": "signed_on"})
    if valid_until < valid_from:
        raise InvalidInput(
            "commitment.window", "有效期结束日期不能早于开始日期", {"field": "valid_until"}
        )
    if scan is None:
        raise InvalidInput("upload.missing", "请上传签字盖章后的扫描件", {"field": "scan"})
    scan_name = check_upload(scan, field="scan")
    commitment = Commitment(
        site=site,
        company=company_name,
        items="\n".join(lines),
        signatory=person,
        signed_on=signed_on,
        valid_from=valid_from,
        valid_until=valid_until,
        scan_name=scan_name,
        created_at=now,
        created_by=actor_or_none(actor),
    )
    commitment.scan.save(scan_name, scan, save=False)
    commitment.save()
    audit_record(
        action="epidemic.commitment_record",
        obj=commitment,
        actor=actor,
        after={
            "company": company_name,
            "signatory": mask_name(person),
            "valid_from": valid_from.isoformat(),
            "valid_until": valid_until.isoformat(),
        },
        at=now,
    )
    return commitment
