"""Goods services (SPEC §6): release slips, the check at the gate, held goods, the shift's slips,
the two-year purge, dangerous goods and decoration materials brought in.

Every service is keyword-only and atomic, is handed ``now``, loads the facts, asks
:mod:`gatehouse.core.goods` for the rule and writes the register row, the anomaly, the notices
and an audit entry in the same transaction. Nothing here decides a rule itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Q

from gatehouse.access.models import Notice, NoticeAudience
from gatehouse.accounts.actor import Actor, actor_name, actor_or_none
from gatehouse.accounts.models import Role
from gatehouse.audit.services import audit_record, snapshot
from gatehouse.core import goods as core
from gatehouse.core.access import Decision, Duty, Outcome
from gatehouse.core.errors import DomainError, InvalidInput
from gatehouse.core.ids import parse_id_number, parse_plate
from gatehouse.core.masking import mask_id_number
from gatehouse.core.text import clean_text as _clean
from gatehouse.goods import tokens
from gatehouse.goods.models import (
    AnomalyKind,
    DecorationFollowUp,
    EntryKind,
    GoodsAnomaly,
    GoodsEntry,
    GoodsRelease,
    GoodsSettings,
    HoldState,
    ReleaseSlip,
    SlipForm,
    SlipHandoff,
    SlipItem,
    SlipState,
)
from gatehouse.people.models import (
    CredentialKind,
    CredentialStatus,
    Enterprise,
    HouseMembership,
    HouseRelation,
    Person,
)
from gatehouse.privacy import lookup_hash
from gatehouse.sites.models import Gate, House, Site

SHANGHAI = ZoneInfo("Asia/Shanghai")
SLIP_PREFIX = "FX"
FORM_PREFIX = "DJ"  # 大件物品出入单 (V-12)
MAX_ITEMS = 30
MAX_DAYS_AHEAD = 30  # how far ahead a slip may be applied for
QR_GRACE_DAYS = 7  # a slip's QR still reads this long after its day, so the core can say why not
RECENT_DAYS = 7  # the collection page looks this far back


def _local(moment: datetime) -> datetime:
    return moment.astimezone(SHANGHAI)


def _today(now: datetime) -> date:
    return _local(now).date()


def _reason(text: str, code: str) -> str:
    reason = _clean(text, 200)
    if len(reason) < 2:
        raise InvalidInput(code, "请填写原因（至少2个字）", {"field": "reason"})
    return reason


def _audit(action: str, obj: Any, actor: Actor, now: datetime, before: Any = None) -> None:
    audit_record(action=action, obj=obj, actor=actor, before=before, after=snapshot(obj), at=now)


def _obligations(decision: Decision) -> list[dict[str, Any]]:
    out = []
    for ob in decision.obligations:
        data = {k: (v.value if hasattr(v, "value") else v) for k, v in asdict(ob).items()}
        out.append({k: v for k, v in data.items() if v not in ("", None)})
    return out


def _decision_fields(decision: Decision) -> dict[str, Any]:
    return {
        "outcome": decision.outcome.value,
        "pending": decision.pending.value if decision.pending else "",
        "reason": decision.reason,
        "rule": decision.rule,
        "message": decision.message[:300],
        "obligations": _obligations(decision),
    }


def _notice(site: Site, audience: str, kind: str, message: str, ref: str, now: datetime) -> Notice:
    return Notice.objects.create(
        site=site,
        audience=audience,
        kind=kind[:40],
        message=message[:300],
        object_ref=ref[:60],
        created_at=now,
    )


def find_house(site: Site, number: str) -> House:
    text = "".join((number or "").split())
    if not text:
        raise InvalidInput(
            "house.required", "请填写房号（例如 3-2-1201）", {"field": "house_number"}
        )
    house = House.objects.filter(site=site, number=text).first()
    if house is None:
        raise InvalidInput(
            "house.unknown",
            "本场所没有这个房号，请核对（例如 3-2-1201）",
            {"field": "house_number"},
        )
    return house


def _plate(raw: str) -> str:
    return parse_plate(raw).number if (raw or "").strip() else ""


# == configuration ==============================================================================


def settings_for(site: Site) -> GoodsSettings:
    """The site's goods settings; unsaved defaults (with the site's desk hours) until saved."""
    found = GoodsSettings.objects.filter(site=site).first()
    if found is not None:
        return found
    return GoodsSettings(
        site=site, service_opens=site.service_desk_opens, service_closes=site.service_desk_closes
    )


def _weekdays(text: str) -> frozenset[int]:
    return frozenset(int(c) for c in text if c.isdigit())


def service_hours(site: Site, conf: GoodsSettings | None = None) -> core.ServiceHours:
    conf = conf or settings_for(site)
    return core.ServiceHours(
        opens=conf.service_opens,
        closes=conf.service_closes,
        weekdays=_weekdays(conf.service_weekdays),
        closed_dates=frozenset(date.fromisoformat(d) for d in conf.closed_dates),
    )


def decoration_policy(site: Site, conf: GoodsSettings | None = None) -> core.DecorationPolicy:
    conf = conf or settings_for(site)
    return core.DecorationPolicy(
        refused=tuple(conf.decoration_refused), follow_up=tuple(conf.decoration_follow_up)
    )


def _words(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(w for w in (_clean(v, 30) for v in values) if w))


@transaction.atomic
def settings_update(
    *,
    site: Site,
    actor: Actor,
    now: datetime,
    service_opens: time,
    service_closes: time,
    service_weekdays: Iterable[int],
    closed_dates: Iterable[date] = (),
    shift_changes: Iterable[time] = (),
    squad_leader: str = "",
    hand_on_hours: int = 24,
    decoration_refused: Iterable[str] = (),
    decoration_follow_up: Iterable[str] = (),
) -> GoodsSettings:
    """Save the site's goods settings (security manager); the core checks the hours."""
    days = frozenset(service_weekdays)
    closed = sorted(set(closed_dates))
    core.ServiceHours(
        opens=service_opens, closes=service_closes, weekdays=days, closed_dates=frozenset(closed)
    )  # raises service_hours.* on bad hours
    changes = sorted(set(shift_changes))
    if not changes:
        raise InvalidInput(
            "goods.shift_changes", "请至少填写一个交班时间", {"field": "shift_changes"}
        )
    if not 1 <= hand_on_hours <= 168:
        raise InvalidInput(
            "goods.hand_on_hours", "上交客服时限应在1到168小时之间", {"field": "hand_on_hours"}
        )
    conf = GoodsSettings.objects.select_for_update().filter(site=site).first()
    before = snapshot(conf)
    conf = conf or GoodsSettings(site=site)
    conf.service_opens, conf.service_closes = service_opens, service_closes
    conf.service_weekdays = "".join(str(d) for d in sorted(days))
    conf.closed_dates = [d.isoformat() for d in closed]
    conf.shift_changes = [t.strftime("%H:%M") for t in changes]
    conf.squad_leader = _clean(squad_leader, 50)
    conf.hand_on_hours = hand_on_hours
    conf.decoration_refused = _words(decoration_refused)
    conf.decoration_follow_up = _words(decoration_follow_up)
    conf.updated_at, conf.updated_by = now, actor_or_none(actor)
    conf.save()
    _audit("goods.settings.update", conf, actor, now, before)
    return conf


# == release slips (G-01) =======================================================================


def _next_number(site: Site, year: int, form: str = SlipForm.SLIP) -> str:
    head = FORM_PREFIX if form == SlipForm.LARGE_ITEMS else SLIP_PREFIX
    prefix = f"{head}-{year}-"
    taken = ReleaseSlip.objects.filter(site=site, number__startswith=prefix).values_list(
        "number", flat=True
    )
    highest = max((int(n[len(prefix) :]) for n in taken if n[len(prefix) :].isdigit()), default=0)
    return f"{prefix}{highest + 1:04d}"


def houses_of(person: Person) -> list[House]:
    """The houses a resident may apply for: where they are owner, family or tenant."""
    return [
        link.house
        for link in HouseMembership.objects.filter(person=person)
        .select_related("house")
        .order_by("house__number")
    ]


def applicant_kind_of(person: Person, house: House) -> str:
    """A resident's slip is an owner's (owner or family of the house) or a tenant's."""
    link = HouseMembership.objects.filter(person=person, house=house).first()
    if link is None:
        raise InvalidInput(
            "slip.not_your_house", "只能为本人居住的房屋申请放行条", {"field": "house"}
        )
    return (
        core.ApplicantKind.TENANT.value
        if link.relation == HouseRelation.TENANT
        else core.ApplicantKind.OWNER.value
    )


@transaction.atomic
def slip_apply(
    *,
    site: Site,
    actor: Actor,
    now: datetime,
    applicant_kind: str,
    applicant_name: str,
    items: Sequence[core.Item],
    valid_on: date,
    house_number: str = "",
    enterprise: Enterprise | None = None,
    person: Person | None = None,
    plate: str = "",
    reason: str = "",
    issue: bool = False,
    form: str = SlipForm.SLIP,
) -> ReleaseSlip:
    """Apply for a release slip (a resident on the phone, or the desk for a tenant or company).

    ``issue`` (the front desk filling it in) issues it at once; otherwise it waits for the desk.
    ``form`` ``large_items`` makes it a 《大件物品出入单》 (V-12), which names its vehicle."""
    if form not in SlipForm.values:
        raise InvalidInput("slip.form", "请选择单据类型", {"field": "form"})
    try:
        kind = core.ApplicantKind(applicant_kind)
    except ValueError:
        raise InvalidInput(
            "slip.applicant_kind", "请选择申请人类别", {"field": "applicant_kind"}
        ) from None
    name = _clean(applicant_name, 50)
    if not name:
        raise InvalidInput("slip.applicant_name", "请填写申请人姓名", {"field": "applicant_name"})
    if len(items) > MAX_ITEMS:
        raise InvalidInput(
            "slip.too_many_items", f"一张放行条最多{MAX_ITEMS}项物品", {"field": "items"}
        )
    today = _today(now)
    if valid_on < today:
        raise InvalidInput("slip.valid_on_past", "出区日期不能早于今天", {"field": "valid_on"})
    if valid_on > today + timedelta(days=MAX_DAYS_AHEAD):
        raise InvalidInput(
            "slip.valid_on_far",
            f"出区日期最多可提前{MAX_DAYS_AHEAD}天申请",
            {"field": "valid_on"},
        )
    canonical_plate = _plate(plate)
    if form == SlipForm.LARGE_ITEMS and not canonical_plate:
        # rule V-12: the form is for a vehicle leaving with large items
        raise InvalidInput(
            "slip.plate_required", "《大件物品出入单》须填写运载车辆的车牌号", {"field": "plate"}
        )
    core.ReleaseSlip(
        number="", items=tuple(items), valid_on=valid_on, applicant=kind
    )  # raises goods.slip_empty
    house = None
    if kind is core.ApplicantKind.ENTERPRISE:
        if enterprise is None or enterprise.site_id != site.pk:
            raise InvalidInput("slip.enterprise", "请选择企业", {"field": "enterprise"})
    else:
        house = find_house(site, house_number)
        enterprise = None
    if person is not None and (person.site_id != site.pk or house is None):
        raise InvalidInput(
            "slip.not_your_house", "只能为本人居住的房屋申请放行条", {"field": "house"}
        )
    if person is not None and house is not None and applicant_kind_of(person, house) != kind.value:
        raise InvalidInput("slip.applicant_kind", "申请人类别与房屋登记不符", {"field": "house"})
    slip = ReleaseSlip(
        site=site,
        form=form,
        token=tokens.new_token(),
        status=SlipState.ISSUED if issue else SlipState.APPLIED,
        applicant_kind=kind.value,
        applicant_name=name,
        person=person,
        enterprise=enterprise,
        house=house,
        plate=canonical_plate,
        valid_on=valid_on,
        reason=_clean(reason, 200),
        created_on=today,
        applied_at=now,
        applied_by=actor_or_none(actor),
        issued_at=now if issue else None,
        issued_by=actor_or_none(actor) if issue else None,
    )
    for attempt in (1, 2):
        slip.number = _next_number(site, _local(now).year, form)
        try:
            with transaction.atomic():  # a savepoint: a lost race rolls back only the insert
                slip.save(force_insert=True)
            break
        except IntegrityError:
            slip.pk = None
            if attempt == 2:
                raise DomainError("slip.number_busy", "放行条号分配冲突，请重试") from None
    SlipItem.objects.bulk_create(
        SlipItem(slip=slip, position=i, name=it.name.strip(), quantity=it.quantity, unit=it.unit)
        for i, it in enumerate(items, start=1)
    )
    _audit("goods.slip.issue" if issue else "goods.slip.apply", slip, actor, now)
    return slip


# == the large-item exit form at the vehicle exit (V-12) =========================================

_FORM_STATUS = {
    SlipState.ISSUED: "issued",
    SlipState.USED: "used",
    SlipState.REVOKED: "revoked",
}


def find_exit_form(site: Site, raw: str, *, now: datetime) -> ReleaseSlip:
    """The 《大件物品出入单》 the vehicle booth scanned or typed, at this site, issued (V-12).
    A goods release slip is not one (``slip.not_exit_form``)."""
    slip = find_slip(site, raw, now=now)
    if slip.form != SlipForm.LARGE_ITEMS:
        raise DomainError(
            "slip.not_exit_form",
            f"{slip.number}是物品放行条，车辆带大件物品出门须出示《大件物品出入单》",
            {"field": "large_item_form"},
        )
    return slip


def exit_form_facts(slip: ReleaseSlip) -> dict[str, Any]:
    """The form as the vehicle core reads it (``gatehouse.core.vehicle.ExitForm``'s fields)."""
    items = "、".join(
        f"{i.name}{_qty(i.quantity)}{i.unit}" for i in slip.items.order_by("position")
    )
    return {
        "number": slip.number,
        "status": _FORM_STATUS[SlipState(slip.status)],
        "valid_on": slip.valid_on,
        "plate": slip.plate or None,
        "items": items[:200],
    }


def exit_form_use(*, slip: ReleaseSlip, guard: Any, now: datetime) -> None:
    """The vehicle left with the items on ``slip``: it is used up, once (V-12), in the caller's
    transaction (a form used meanwhile at another lane rolls the exit back)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("exit_form_use runs inside the exit's transaction")
    _use_slip(slip, guard, now)
    _audit("goods.exit_form.use", slip, guard, now)


def _locked(slip: ReleaseSlip) -> ReleaseSlip:
    return ReleaseSlip.objects.select_for_update().get(pk=slip.pk)


@transaction.atomic
def slip_issue(*, slip: ReleaseSlip, actor: Actor, now: datetime) -> ReleaseSlip:
    """The service centre issues an applied-for slip (G-01)."""
    s = _locked(slip)
    if s.status != SlipState.APPLIED:
        raise DomainError("slip.not_applied", "该放行条不是待开具状态")
    if s.valid_on < _today(now):
        raise DomainError("slip.valid_on_past", "出区日期已过，请住户重新申请")
    before = snapshot(s)
    s.status, s.issued_at, s.issued_by = SlipState.ISSUED, now, actor_or_none(actor)
    s.save(update_fields=["status", "issued_at", "issued_by"])
    _audit("goods.slip.issue", s, actor, now, before)
    return s


@transaction.atomic
def slip_decline(*, slip: ReleaseSlip, actor: Actor, reason: str, now: datetime) -> ReleaseSlip:
    s = _locked(slip)
    if s.status != SlipState.APPLIED:
        raise DomainError("slip.not_applied", "该放行条不是待开具状态")
    before = snapshot(s)
    s.status, s.closed_at, s.closed_by = SlipState.DECLINED, now, actor_or_none(actor)
    s.close_reason = _reason(reason, "slip.reason")
    s.save(update_fields=["status", "closed_at", "closed_by", "close_reason"])
    _audit("goods.slip.decline", s, actor, now, before)
    return s


@transaction.atomic
def slip_revoke(*, slip: ReleaseSlip, actor: Actor, reason: str, now: datetime) -> ReleaseSlip:
    s = _locked(slip)
    if s.status != SlipState.ISSUED:
        raise DomainError("slip.not_issued", "只有已开具、尚未放行的放行条可以作废")
    before = snapshot(s)
    s.status, s.closed_at, s.closed_by = SlipState.REVOKED, now, actor_or_none(actor)
    s.close_reason = _reason(reason, "slip.reason")
    s.save(update_fields=["status", "closed_at", "closed_by", "close_reason"])
    _audit("goods.slip.revoke", s, actor, now, before)
    return s


def slip_qr(slip: ReleaseSlip) -> str:
    """The signed payload printed as the slip's QR."""
    expires = datetime.combine(
        slip.valid_on + timedelta(days=1 + QR_GRACE_DAYS), time(0), tzinfo=SHANGHAI
    )
    return tokens.slip_payload(slip.token, expires)


def find_slip(site: Site, raw: str, *, now: datetime) -> ReleaseSlip:
    """The slip the guard scanned (its QR) or typed (its number), at this site only."""
    text = (raw or "").strip()
    if not text:
        raise InvalidInput("slip.code_empty", "请扫描放行条二维码或输入放行条号", {"field": "code"})
    if tokens.looks_like_slip(text):
        claim = tokens.read_slip(text, now=now)
        slip = ReleaseSlip.objects.filter(site=site, token=claim.token).first()
    else:
        slip = ReleaseSlip.objects.filter(site=site, number="".join(text.split()).upper()).first()
    if slip is None:
        raise DomainError("slip.unknown", "本场所没有这张放行条，请核对", {"field": "code"})
    if slip.status in (SlipState.APPLIED, SlipState.DECLINED):
        raise DomainError(
            "slip.not_issued", "这张放行条还没有由服务中心开具，不能凭它放行", {"field": "code"}
        )
    return slip


def slip_items(slip: ReleaseSlip) -> tuple[core.Item, ...]:
    return tuple(
        core.Item(i.name, i.quantity, i.unit) for i in slip.items.all().order_by("position")
    )


_CORE_STATUS = {
    SlipState.ISSUED: core.SlipStatus.ISSUED,
    SlipState.USED: core.SlipStatus.USED,
    SlipState.REVOKED: core.SlipStatus.REVOKED,
}


def core_slip(slip: ReleaseSlip) -> core.ReleaseSlip:
    return core.ReleaseSlip(
        number=slip.number,
        items=slip_items(slip),
        valid_on=slip.valid_on,
        applicant=core.ApplicantKind(slip.applicant_kind),
        status=_CORE_STATUS[SlipState(slip.status)],
        plate=slip.plate or None,
        house=slip.house.number if slip.house_id else "",
    )


def slip_place(slip: ReleaseSlip) -> str:
    if slip.enterprise_id:
        return slip.enterprise.name
    return slip.house.number if slip.house_id else ""


# == the check at the gate (G-01, G-02) =========================================================


@dataclass(frozen=True)
class GoodsOutResult:
    check: core.GoodsCheck
    release: GoodsRelease
    anomaly: GoodsAnomaly | None = None

    @property
    def decision(self) -> Decision:
        return self.check.decision


def _qty(value: Decimal) -> str:
    return f"{value.normalize():f}"


def _goods_json(goods: Iterable[core.Item]) -> list[dict[str, str]]:
    return [{"name": g.name.strip(), "quantity": _qty(g.quantity), "unit": g.unit} for g in goods]


def _items_json(items: Iterable[core.ItemCheck]) -> list[dict[str, Any]]:
    return [
        {
            "name": i.name,
            "unit": i.unit,
            "slipped": _qty(i.slipped) if i.slipped is not None else None,
            "presented": _qty(i.presented),
            "verdict": i.verdict.value,
            "note": i.note,
        }
        for i in items
    ]


def owner_identified(site: Site, house: House, id_number: str, *, now: datetime) -> bool:
    """G-02 facts: the ID shown is an active owner's of ``house`` who holds an owner card."""
    canonical = parse_id_number(id_number, today=_today(now))
    person = Person.objects.filter(
        site=site, id_number_hash=lookup_hash("id", canonical), is_active=True
    ).first()
    if person is None:
        return False
    is_owner = HouseMembership.objects.filter(
        person=person, house=house, relation=HouseRelation.OWNER
    ).exists()
    has_card = person.credentials.filter(
        Q(valid_until__isnull=True) | Q(valid_until__gt=now),
        kind=CredentialKind.OWNER_CARD,
        status=CredentialStatus.ACTIVE,
        valid_from__lte=now,
    ).exists()
    return is_owner and has_card


@transaction.atomic
def goods_out_check(
    *,
    site: Site,
    guard: Any,
    now: datetime,
    goods: Sequence[core.Item],
    slip: ReleaseSlip | None = None,
    gate: Gate | None = None,
    plate: str = "",
    bearer_kind: str = "",
    bearer_name: str = "",
    house_number: str = "",
    show_id: bool = False,
    id_number: str = "",
    home_verified: bool | None = None,
    verifier: str = "",
) -> GoodsOutResult:
    """Goods leaving: the core decides (slip checked item by item, or G-02 after hours without
    one); the register row is written whatever the outcome; a mismatch holds the goods, opens an
    anomaly and tells the monitoring centre; a released slip is used up."""
    if gate is not None and gate.site_id != site.pk:
        raise DomainError("goods.gate", "出入口不属于本场所")
    canonical_plate = _plate(plate)
    fields: dict[str, Any] = {}
    identified: bool | None = None
    bearer: core.ApplicantKind | None = None
    place = ""
    if slip is not None:
        if slip.site_id != site.pk:
            raise DomainError("slip.unknown", "本场所没有这张放行条，请核对")
        slip = _locked(slip)
        if slip.status not in _CORE_STATUS:
            raise DomainError("slip.not_issued", "这张放行条还没有由服务中心开具，不能凭它放行")
        facts_slip: core.ReleaseSlip | None = core_slip(slip)
        fields |= {"slip": slip, "slip_number": slip.number}
        fields |= {"bearer_kind": slip.applicant_kind, "bearer_name": slip.applicant_name}
        place = slip_place(slip)
    else:
        facts_slip = None
        if bearer_kind:
            try:
                bearer = core.ApplicantKind(bearer_kind)
            except ValueError:
                raise InvalidInput(
                    "goods.bearer", "请选择携物人类别", {"field": "bearer_kind"}
                ) from None
        house = None
        if bearer in (core.ApplicantKind.OWNER, core.ApplicantKind.TENANT):
            house = find_house(site, house_number)
            place = house.number
        else:  # an enterprise's name, or whatever the bearer said
            place = _clean(house_number, 100)
        if show_id:
            if not (id_number or "").strip():
                raise InvalidInput("goods.id_number", "请填写业主证件号", {"field": "id_number"})
            house = house or find_house(site, house_number)
            identified = owner_identified(site, house, id_number, now=now)
            canonical = parse_id_number(id_number, today=_today(now))
            fields["id_number_masked"] = mask_id_number(canonical)
        verifier = _clean(verifier, 50)
        if home_verified and not verifier:
            raise InvalidInput("goods.verifier", "请填写上门核实人", {"field": "verifier"})
        fields |= {"bearer_kind": bearer.value if bearer else "", "verifier": verifier}
        fields["bearer_name"] = _clean(bearer_name, 50)
    facts = core.GoodsOutFacts(
        goods=tuple(goods),
        slip=facts_slip,
        plate=canonical_plate or None,
        bearer=bearer,
        owner_identified=identified,
        home_verified=home_verified,
    )
    check = core.check_goods_out(facts, hours=service_hours(site), now=now)
    decision = check.decision
    held = decision.has(Duty.HOLD_GOODS)
    release = GoodsRelease.objects.create(
        site=site,
        gate=gate,
        at=now,
        created_on=_today(now),
        guard=actor_or_none(guard),
        house_number=place,
        plate=canonical_plate,
        goods=_goods_json(goods),
        items=_items_json(check.items),
        owner_identified=identified,
        home_verified=home_verified,
        hold_state=HoldState.HELD if held else HoldState.NONE,
        **fields,
        **_decision_fields(decision),
    )
    if slip is not None and decision.allowed:
        _use_slip(slip, guard, now)
    anomaly = None
    if held:
        kind = AnomalyKind.PLATE_MISMATCH if "plate" in decision.reason else AnomalyKind.MISMATCH
        anomaly = _open_anomaly(site, kind, decision.message, guard, now, release=release)
    _audit("goods.release.check", release, guard, now)
    return GoodsOutResult(check, release, anomaly)


def _use_slip(slip: ReleaseSlip, guard: Any, now: datetime) -> None:
    """The goods went out on ``slip``: it is used up (once: the row is locked by the caller)."""
    done = ReleaseSlip.objects.filter(pk=slip.pk, status=SlipState.ISSUED).update(
        status=SlipState.USED, used_at=now, used_by=actor_or_none(guard)
    )
    if done != 1:
        raise DomainError("slip.not_usable", "放行条状态已改变，请重新扫描")
    slip.refresh_from_db(fields=["status", "used_at", "used_by"])


def security_managers(site: Site) -> list[str]:
    users = (
        get_user_model()
        .objects.filter(memberships__site=site, memberships__role=Role.SECURITY_MANAGER)
        .filter(is_active=True)
        .order_by("username")
    )
    return [actor_name(u) for u in users]


def _open_anomaly(
    site: Site,
    kind: str,
    message: str,
    actor: Actor,
    now: datetime,
    *,
    release: GoodsRelease | None = None,
    entry: GoodsEntry | None = None,
) -> GoodsAnomaly:
    managers = "、".join(security_managers(site))[:200]
    anomaly = GoodsAnomaly.objects.create(
        site=site,
        kind=kind,
        release=release,
        entry=entry,
        message=message[:300],
        reported_at=now,
        reported_by=actor_or_none(actor),
        escalated_to=managers or "安保主管",
    )
    label = AnomalyKind(kind).label
    _notice(
        site,
        NoticeAudience.MONITORING,
        f"goods.{kind}",
        f"{label}（已报安保主管{managers}）：{message}",
        f"goods_anomaly:{anomaly.pk}",
        now,
    )
    _audit("goods.anomaly.open", anomaly, actor, now)
    return anomaly


@transaction.atomic
def hold_resolve(
    *, release: GoodsRelease, actor: Actor, release_goods: bool, resolution: str, now: datetime
) -> GoodsRelease:
    """The office's decision on held goods (T7 第五条): released after checking (the slip is then
    used up), or returned. The anomaly is closed with the same words."""
    r = GoodsRelease.objects.select_for_update().get(pk=release.pk)
    if r.hold_state != HoldState.HELD:
        raise DomainError("goods.hold_resolved", "这批物品已经处置过了")
    text = _clean(resolution, 200)
    if len(text) < 2:
        raise InvalidInput(
            "goods.resolution", "请填写处置意见（至少2个字）", {"field": "resolution"}
        )
    before = snapshot(r)
    if release_goods and r.slip_id is not None:
        _use_slip(_locked(r.slip), actor, now)
    r.hold_state = HoldState.RELEASED if release_goods else HoldState.RETURNED
    r.resolved_at, r.resolved_by, r.resolution = now, actor_or_none(actor), text
    r.save(update_fields=["hold_state", "resolved_at", "resolved_by", "resolution"])
    GoodsAnomaly.objects.filter(release=r, closed_at__isnull=True).update(
        closed_at=now, closed_by=actor_or_none(actor), resolution=text
    )
    _audit("goods.release.resolve", r, actor, now, before)
    return r


@transaction.atomic
def anomaly_close(*, anomaly: GoodsAnomaly, actor: Actor, resolution: str, now: datetime) -> Any:
    a = GoodsAnomaly.objects.select_for_update().get(pk=anomaly.pk)
    if a.closed_at is not None:
        raise DomainError("goods.anomaly_closed", "该异常情况已经处理完毕")
    if a.release_id is not None and a.release.hold_state == HoldState.HELD:
        raise DomainError("goods.anomaly_held", "物品仍暂扣在门岗，请先处置暂扣物品")
    text = _clean(resolution, 200)
    if len(text) < 2:
        raise InvalidInput(
            "goods.resolution", "请填写处理结果（至少2个字）", {"field": "resolution"}
        )
    before = snapshot(a)
    a.closed_at, a.closed_by, a.resolution = now, actor_or_none(actor), text
    a.save(update_fields=["closed_at", "closed_by", "resolution"])
    _audit("goods.anomaly.close", a, actor, now, before)
    return a


# == the shift's slips (G-05) ===================================================================


def shift_changes(conf: GoodsSettings) -> list[time]:
    return sorted(time.fromisoformat(t) for t in conf.shift_changes) or [time(8), time(20)]


def shift_end(moment: datetime, conf: GoodsSettings) -> datetime:
    """The end of the shift ``moment`` falls in: the next shift change after it."""
    local = _local(moment)
    for day in (local.date(), local.date() + timedelta(days=1)):
        for change in shift_changes(conf):
            at = datetime.combine(day, change, tzinfo=SHANGHAI)
            if at > local:
                return at
    raise AssertionError("unreachable: a change on the next day is always later")


@dataclass
class ShiftReport:
    guard: str
    squad_leader: str
    shift_end: datetime
    slips: list[ReleaseSlip]
    gaps: tuple[core.CollectionGap, ...]


def collection_report(site: Site, *, now: datetime, days: int = RECENT_DAYS) -> list[ShiftReport]:
    """The used slips of the last ``days``, per guard and shift, with what is not handed in or
    on yet (the core's ``collection_gaps``)."""
    conf = settings_for(site)
    used = list(
        ReleaseSlip.objects.filter(
            site=site, status=SlipState.USED, used_at__gte=now - timedelta(days=days)
        )
        .select_related("used_by")
        .prefetch_related("handoffs")
        .order_by("used_at", "pk")
    )
    groups: dict[tuple[str, datetime], list[ReleaseSlip]] = {}
    for slip in used:
        assert slip.used_at is not None
        groups.setdefault((actor_name(slip.used_by), shift_end(slip.used_at, conf)), []).append(
            slip
        )
    reports = []
    for (guard, end), slips in groups.items():
        handoffs = [h for s in slips for h in s.handoffs.all()]
        leader = next(
            (h.received_by for h in handoffs if h.stage == core.HandoffStage.TO_SQUAD_LEADER),
            conf.squad_leader or "中队长",
        )
        gaps = core.collection_gaps(
            shift=core.ShiftSlips(
                guard=guard or "门岗",
                squad_leader=leader,
                shift_end=end,
                slips=tuple(s.number for s in slips),
            ),
            handoffs=[
                core.SlipHandoff(h.slip.number, core.HandoffStage(h.stage), h.at) for h in handoffs
            ],
            now=now,
            hand_on_hours=conf.hand_on_hours,
        )
        reports.append(ShiftReport(guard, leader, end, slips, gaps))
    reports.sort(key=lambda r: r.shift_end, reverse=True)
    return reports


def _handoff_slips(site: Site, slips: Sequence[ReleaseSlip]) -> list[ReleaseSlip]:
    if not slips:
        raise InvalidInput("goods.no_slips", "请选择要交接的放行条", {"field": "slips"})
    locked = list(
        ReleaseSlip.objects.select_for_update(of=("self",))
        .filter(site=site, pk__in=[s.pk for s in slips])
        .select_related("used_by")
        .order_by("number")
    )
    if len(locked) != len({s.pk for s in slips}):
        raise DomainError("slip.unknown", "本场所没有这张放行条，请核对")
    for s in locked:
        if s.status != SlipState.USED:
            raise DomainError("slip.not_used", f"放行条{s.number}尚未放行，不需交接")
    return locked


@transaction.atomic
def slips_hand_to_leader(
    *, site: Site, actor: Actor, slips: Sequence[ReleaseSlip], squad_leader: str, now: datetime
) -> list[SlipHandoff]:
    """G-05: the guard hands the shift's slips to the squad leader (中队长)."""
    leader = _clean(squad_leader, 50) or settings_for(site).squad_leader
    if not leader:
        raise InvalidInput("goods.squad_leader", "请填写接收的中队长", {"field": "squad_leader"})
    made = []
    for s in _handoff_slips(site, slips):
        if s.handoffs.filter(stage=core.HandoffStage.TO_SQUAD_LEADER).exists():
            raise DomainError("slip.handed", f"放行条{s.number}已交中队长")
        made.append(
            SlipHandoff.objects.create(
                slip=s,
                stage=core.HandoffStage.TO_SQUAD_LEADER,
                at=now,
                handed_by=actor_name(s.used_by) or "门岗",
                received_by=leader,
                recorded_by=actor_or_none(actor),
            )
        )
        _audit("goods.slip.to_squad_leader", made[-1], actor, now)
    return made


@transaction.atomic
def slips_hand_to_service(
    *, site: Site, actor: Actor, slips: Sequence[ReleaseSlip], now: datetime
) -> list[SlipHandoff]:
    """G-05: customer service receives the slips from the squad leader and keeps them."""
    made = []
    for s in _handoff_slips(site, slips):
        first = s.handoffs.filter(stage=core.HandoffStage.TO_SQUAD_LEADER).first()
        if first is None:
            raise DomainError("slip.not_collected", f"放行条{s.number}尚未交中队长")
        if s.handoffs.filter(stage=core.HandoffStage.TO_SERVICE).exists():
            raise DomainError("slip.handed", f"放行条{s.number}已交客服")
        made.append(
            SlipHandoff.objects.create(
                slip=s,
                stage=core.HandoffStage.TO_SERVICE,
                at=now,
                handed_by=first.received_by,
                received_by=actor_name(actor_or_none(actor)) or "客服",
                recorded_by=actor_or_none(actor),
            )
        )
        _audit("goods.slip.to_service", made[-1], actor, now)
    return made


# == retention (G-05) ===========================================================================


@dataclass(frozen=True)
class PurgeResult:
    cutoff: date
    slips: int
    releases: int


@transaction.atomic
def goods_purge(*, today: date, now: datetime) -> PurgeResult:
    """G-05: delete the slips and the goods-release register rows whose two years are over (the
    core's ``purge_cutoff``), with one audit entry per site that had any."""
    cutoff = core.purge_cutoff(today)
    slips = ReleaseSlip.objects.filter(created_on__lte=cutoff)
    releases = GoodsRelease.objects.filter(created_on__lte=cutoff)
    per_site: dict[int, dict[str, int]] = {}
    for site_id, kind in [
        *((s, "slips") for s in slips.values_list("site_id", flat=True)),
        *((s, "releases") for s in releases.values_list("site_id", flat=True)),
    ]:
        counts = per_site.setdefault(site_id, {"slips": 0, "releases": 0})
        counts[kind] += 1
    releases.delete()
    slips.delete()
    for site in Site.objects.filter(pk__in=per_site).order_by("pk"):
        audit_record(
            action="goods.purge",
            site=site,
            object_type="goods.purge",
            object_id=cutoff.isoformat(),
            after={"cutoff": cutoff.isoformat(), **per_site[site.pk]},
            at=now,
        )
    total = {k: sum(c[k] for c in per_site.values()) for k in ("slips", "releases")}
    return PurgeResult(cutoff, total["slips"], total["releases"])


# == goods brought in (G-03, G-04) ==============================================================


def _entry_items(items: Iterable[core.CarriedItem]) -> list[dict[str, str]]:
    return [{"name": i.name.strip(), "hazard": i.hazard.value if i.hazard else ""} for i in items]


@transaction.atomic
def goods_in_check(
    *,
    site: Site,
    guard: Any,
    now: datetime,
    carrier: str,
    items: Sequence[core.CarriedItem],
    insists: bool | None = None,
    carrier_name: str = "",
    house_number: str = "",
    gate: Gate | None = None,
) -> GoodsEntry:
    """G-03: dangerous goods brought in. A resident is reminded; one who insists is registered
    and reported up (anomaly, monitoring centre, security managers); visitors and workers are
    refused. Every check is a row of the goods-in register."""
    try:
        who = core.Carrier(carrier)
    except ValueError:
        raise InvalidInput("goods.carrier", "请选择携带人身份", {"field": "carrier"}) from None
    if not items:
        raise InvalidInput("goods.none_presented", "请登记携带的物品", {"field": "items"})
    house = find_house(site, house_number) if (house_number or "").strip() else None
    decision = core.check_goods_in(carrier=who, items=items, insists=insists)
    entry = GoodsEntry.objects.create(
        site=site,
        gate=gate,
        kind=EntryKind.HAZARD,
        at=now,
        created_on=_today(now),
        guard=actor_or_none(guard),
        carrier=who.value,
        carrier_name=_clean(carrier_name, 50),
        house=house,
        house_number=house.number if house else "",
        items=_entry_items(items),
        insists=insists,
        **_decision_fields(decision),
    )
    if decision.has(Duty.ESCALATE):
        place = f"{entry.house_number} " if entry.house_number else ""
        _open_anomaly(
            site, AnomalyKind.HAZARD, f"{place}{decision.message}", guard, now, entry=entry
        )
    _audit("goods.entry.hazard", entry, guard, now)
    return entry


def decoration_permit(site: Site, house: House, now: datetime) -> Any:
    """The flat's decoration permit: a decoration pass for the house in force now (read only)."""
    from gatehouse.visitors.models import Pass, PassKindChoice

    return (
        Pass.objects.filter(
            site=site,
            kind=PassKindChoice.DECORATION,
            house=house,
            revoked_at__isnull=True,
            valid_from__lte=now,
            valid_until__gt=now,
        )
        .order_by("-valid_until", "-pk")
        .first()
    )


@transaction.atomic
def decoration_check(
    *,
    site: Site,
    guard: Any,
    now: datetime,
    house_number: str,
    items: Sequence[core.CarriedItem],
    carrier: str = core.Carrier.WORKER.value,
    carrier_name: str = "",
    gate: Gate | None = None,
) -> GoodsEntry:
    """G-04: decoration materials. The permit is the flat's decoration pass; the site's lists
    name what is refused and what the decoration inspectors follow up."""
    try:
        who = core.Carrier(carrier)
    except ValueError:
        raise InvalidInput("goods.carrier", "请选择携带人身份", {"field": "carrier"}) from None
    if not items:
        raise InvalidInput("goods.none_presented", "请登记装修材料", {"field": "items"})
    house = find_house(site, house_number)
    permit = decoration_permit(site, house, now)
    decision = core.check_decoration_materials(
        items=items,
        permit_confirmed=permit is not None,
        house=house.number,
        policy=decoration_policy(site),
    )
    entry = GoodsEntry.objects.create(
        site=site,
        gate=gate,
        kind=EntryKind.DECORATION,
        at=now,
        created_on=_today(now),
        guard=actor_or_none(guard),
        carrier=who.value,
        carrier_name=_clean(carrier_name, 50),
        house=house,
        house_number=house.number,
        items=_entry_items(items),
        permit=permit,
        permit_number=permit.number if permit is not None else "",
        permit_confirmed=permit is not None,
        **_decision_fields(decision),
    )
    for ob in decision.obligations:
        if ob.duty is Duty.NOTIFY_DECORATION_PATROL:
            follow = DecorationFollowUp.objects.create(
                site=site,
                entry=entry,
                house=house,
                house_number=house.number,
                items=ob.note.removeprefix(house.number).strip()[:200],
                opened_at=now,
            )
            _notice(
                site,
                NoticeAudience.PATROL,
                "decoration.follow_up",
                f"装修巡查：{house.number} 进入{follow.items}，请跟进核实安装",
                f"goods_follow_up:{follow.pk}",
                now,
            )
            _audit("goods.follow_up.open", follow, guard, now)
    _audit("goods.entry.decoration", entry, guard, now)
    return entry


@transaction.atomic
def follow_up_close(
    *, follow_up: DecorationFollowUp, actor: Actor, result: str, now: datetime
) -> DecorationFollowUp:
    f = DecorationFollowUp.objects.select_for_update().get(pk=follow_up.pk)
    if f.closed_at is not None:
        raise DomainError("goods.follow_up_closed", "该装修巡查已经核实过了")
    text = _clean(result, 200)
    if len(text) < 2:
        raise InvalidInput("goods.result", "请填写核实结果（至少2个字）", {"field": "result"})
    before = snapshot(f)
    f.closed_at, f.closed_by, f.result = now, actor_or_none(actor), text
    f.save(update_fields=["closed_at", "closed_by", "result"])
    _audit("goods.follow_up.close", f, actor, now, before)
    return f


def decision_of(row: GoodsRelease | GoodsEntry) -> Decision:
    """The stored decision of a register row, for the guard's screen."""
    from gatehouse.core.access import Obligation, Pending, Register

    obligations = tuple(
        Obligation(
            Duty(o["duty"]),
            Register(o["register"]) if o.get("register") else None,
            o.get("minutes"),
            o.get("note", ""),
        )
        for o in row.obligations
    )
    return Decision(
        Outcome(row.outcome),
        row.reason,
        row.message,
        row.rule,
        Pending(row.pending) if row.pending else None,
        obligations,
    )
