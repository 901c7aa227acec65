"""A morning at the demo sites' gates, made through the real services (so every register row,
event and notice is one the system itself would write): residents carding in and out at 东湖花园,
a stranger's card refused, a forgotten card, visitors (one waiting for the host, one inside, one
gone), a decoration pass, an invitation for the demo resident, mail at the gate, and at 五里工业园区
an employee out mid-shift.

Runs once per site: a site that already has access events is left alone.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction

from gatehouse.access.models import AccessEvent, EventSource
from gatehouse.core.access import Entrant
from gatehouse.demo.sites import id_check_digit
from gatehouse.gate.decide import gate_decide
from gatehouse.gate.facts import GateInput
from gatehouse.people.models import Credential, CredentialKind, CredentialStatus, Person
from gatehouse.sites.models import Site
from gatehouse.visitors import services as flows
from gatehouse.visitors.models import GateRequest, RequestStatus


def _id(body17: str) -> str:
    return body17 + id_check_digit(body17)


def _user(username: str) -> Any:
    return get_user_model().objects.filter(username=username).first()


def build_activity(*, now: datetime) -> dict[str, int]:
    made: dict[str, int] = {}
    donghu = Site.objects.filter(code="donghu").first()
    if donghu is not None and not AccessEvent.objects.filter(site=donghu).exists():
        with transaction.atomic():
            made["donghu"] = _donghu(donghu, now)
    wuli = Site.objects.filter(code="wuli").first()
    if wuli is not None and not AccessEvent.objects.filter(site=wuli).exists():
        with transaction.atomic():
            made["wuli"] = _wuli(wuli, now)
    return made


def _donghu(site: Site, now: datetime) -> int:
    from gatehouse.visitors.invitations import invitation_create
    from gatehouse.visitors.mail import mail_log
    from gatehouse.visitors.passes import pass_issue

    rng = random.Random(2026)
    guard, desk = _user("guard_east"), _user("desk")
    walk_in = flows.lane_of(site, "east", "in")
    walk_out = flows.lane_of(site, "east", "out")
    west_in = flows.lane_of(site, "west", "in")
    start = now - timedelta(hours=3)
    cards = list(
        Credential.objects.filter(
            site=site, kind=CredentialKind.OWNER_CARD, status=CredentialStatus.ACTIVE
        ).select_related("person")[:400]
    )
    rng.shuffle(cards)
    count = 0
    # Residents going out and coming back during the morning.
    for i, card in enumerate(cards[: min(120, len(cards) // 3)]):
        at = start + timedelta(seconds=80 * i)
        lane = walk_out if i % 3 == 0 else (walk_in if i % 2 else west_in)
        gate_decide(
            GateInput(
                lane=lane,
                credential=card,
                presented_kind="card",
                presented_masked=card.number[:4] + "****",
            ),
            now=at,
            at=at,
            source=EventSource.DEVICE,
        )
        count += 1
    lost = Credential.objects.filter(site=site, status=CredentialStatus.LOST).first()
    for cred, at in ((lost, start + timedelta(minutes=50)), (None, start + timedelta(minutes=75))):
        gate_decide(
            GateInput(
                lane=walk_in, credential=cred, presented_kind="card", presented_masked="7F3C****"
            ),
            now=at,
            at=at,
            source=EventSource.DEVICE,
        )
        count += 1
    # A forgotten card, confirmed by the desk.
    someone = Person.objects.filter(site=site, kind="owner", house_links__isnull=False).first()
    if someone is not None:
        house = someone.house_links.first().house
        at = start + timedelta(minutes=95)
        check = flows.forgotten_card_check(
            lane=walk_in,
            actor=guard,
            house_number=house.number,
            id_last4=someone.id_number_last4,
            now=at,
        )
        if check.request is not None:
            flows.request_answer(
                request=check.request,
                actor=desk,
                granted=True,
                via="desk",
                now=at + timedelta(minutes=2),
            )
            flows.request_resolve(request=check.request, actor=guard, now=at + timedelta(minutes=3))
        count += 3
    # Visitors: one gone, one inside, one waiting for the host's answer.
    owners = list(Person.objects.filter(site=site, kind="owner", house_links__isnull=False)[:6])
    visitors = [
        ("王建国", _id("32010219800315031"), "13912345678", "探望父母", Entrant.RELATIVE),
        ("刘芳", _id("11010119920307352"), "13700001111", "送文件", Entrant.VISITOR),
        ("陈明", _id("44010619880721401"), "13600002222", "朋友来访", Entrant.VISITOR),
    ]
    for n, (name, id_number, phone, purpose, kind) in enumerate(visitors):
        host = owners[n + 1] if len(owners) > n + 1 else None
        house = host.house_links.first().house if host is not None else None
        at = start + timedelta(minutes=110 + 25 * n)
        result = flows.visit_register(
            lane=walk_in,
            actor=guard,
            kind=kind,
            name=name,
            purpose=purpose,
            id_number=id_number,
            phone=phone,
            house_number=house.number if house else "",
            host_text="" if house else "物业服务中心",
            now=at,
        )
        count += 1
        if n == 2 or result.request is None:
            if result.request is not None:  # the last one waits for its host: extend its window
                GateRequest.objects.filter(pk=result.request.pk).update(
                    created_at=now - timedelta(minutes=1),
                    deadline=now + timedelta(days=1),
                )
            continue
        flows.request_answer(
            request=result.request,
            actor=desk,
            granted=True,
            via="desk",
            now=at + timedelta(minutes=3),
        )
        admitted = flows.request_resolve(
            request=result.request, actor=guard, now=at + timedelta(minutes=4)
        )
        count += 1
        if n == 0 and admitted.visit is not None:
            flows.visit_leave(
                visit=admitted.visit, lane=walk_out, actor=guard, now=at + timedelta(minutes=70)
            )
            count += 1
    # A decoration pass for a flat under renovation, used this morning.
    if owners:
        house = owners[0].house_links.first().house
        p = pass_issue(
            site=site,
            actor=desk,
            kind="decoration",
            holder_name="赵师傅",
            valid_from=now - timedelta(days=10),
            valid_until=now + timedelta(days=50),
            now=now,
            company="安居装饰工程有限公司",
            house_number=house.number,
            purpose="室内装修",
        )
        at = start + timedelta(minutes=40)
        gate_decide(
            GateInput(
                lane=walk_in, entrant=Entrant.DECORATION_WORKER, pass_=p, presented_kind="qr"
            ),
            now=at,
            at=at,
            guard=guard,
        )
        count += 1
    # The demo resident's invitation for this afternoon, and mail at the gate.
    resident = Person.objects.filter(site=site, user__username="resident").first()
    if resident is not None:
        link = resident.house_links.first()
        invitation_create(
            host=resident,
            actor=resident.user,
            visitor_name="周晓梅",
            purpose="周末聚会",
            window_start=now,
            window_end=now + timedelta(hours=8),
            max_uses=1,
            now=now,
            house=link.house if link else None,
        )
        mail_log(
            site=site,
            actor=guard,
            kind="parcel",
            recipient_name=resident.name,
            recipient_unit=link.house.number if link else "",
            sender="顺丰速运",
            count=1,
            now=now - timedelta(minutes=30),
            recipient=resident,
        )
    mail_log(
        site=site,
        actor=guard,
        kind="newspaper",
        recipient_name="物业服务中心",
        recipient_unit="服务中心",
        sender="武汉晚报",
        count=3,
        now=start,
    )
    assert not GateRequest.objects.filter(site=site, status=RequestStatus.EXPIRED).exists()
    return count


def _wuli(site: Site, now: datetime) -> int:
    guard = _user("park_guard")
    walk_out = flows.lane_of(site, "main", "out")
    walk_in = flows.lane_of(site, "main", "in")
    badges = list(
        Credential.objects.filter(
            site=site, kind=CredentialKind.STAFF_BADGE, status=CredentialStatus.ACTIVE
        ).select_related("person")[:80]
    )
    start = now - timedelta(hours=2)
    for i, badge in enumerate(badges):
        at = start + timedelta(seconds=45 * i)
        gate_decide(
            GateInput(
                lane=walk_in,
                credential=badge,
                presented_kind="badge",
                presented_masked=badge.number[:4] + "****",
            ),
            now=at,
            at=at,
            source=EventSource.DEVICE,
        )
    employee = badges[0].person if badges else None
    if employee is not None:
        flows.staff_exit_register(
            lane=walk_out,
            actor=guard,
            person=employee,
            reason="去银行办理业务",
            approver="行政人事部 王经理",
            now=now - timedelta(minutes=40),
        )
    return len(badges) + 1
