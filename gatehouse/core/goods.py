"""Goods in and out of the site (SPEC §6, G-01 … G-05; sources T2, T4 (三)(四), T7 第五条).

Pure: the service layer hands in the facts, the service-centre hours and ``now``; nothing here
reads the clock, the database or the settings. A gate decision about goods is the same
:class:`~gatehouse.core.access.Decision` as for people and vehicles: outcome, reason code, SPEC
rule, Chinese message for the guard's screen, obligations.

* G-01 / G-02 ``check_goods_out``: goods leave with a valid release slip (放行条) issued by the
  service centre for today, checked item by item (T4 "认真核实后放行（重在核实）"). The result is a
  :class:`GoodsCheck`: the decision plus one :class:`ItemCheck` per item. After the centre's
  hours an owner without a slip may take goods out when present with owner card and valid ID, or
  after staff verified at the home; a tenant is refused until the centre opens (T4 (三)4/5).
* G-03 ``check_goods_in``: flammable, explosive or toxic items brought in. A resident is
  reminded; if they insist, the entry is registered and reported up (逐级上报). Visitors and
  workers are refused (T4 (三)1/2).
* G-04 ``check_decoration_materials``: materials enter only once the desk confirmed the flat's
  decoration permit; security windows, AC units and security doors bring the decoration
  inspectors in; a configurable list (露天太阳能, 雨棚, 大型槽钢) and flammables are refused.
* G-05 ``collection_gaps``, ``purge_due`` / ``purge_cutoff``: each shift hands its slips to
  the squad leader (中队长), who hands them to customer service; the goods-release register and
  the slips are kept two years.

Readings of the source that are choices, not quotations:

* A mismatch between slip and goods is held for the office (``pending: approval``), not refused:
  T7 第五条 "客户陈述与实际携带物品不符或其他可疑情况时,由物业管理处做出判断与处置". The goods
  stay at the gate, an anomaly row is written and the matter is reported (T2 10).
  Bringing out *fewer* than slipped is fine; more, an item not on the slip, or the same item in
  another unit is a mismatch. A slip naming a vehicle is "other suspicious" when the goods leave
  in another vehicle.
* "保存期为2年" follows 《民法典》第二百零一条/第二百零二条, as the rest of the core does: the day
  a slip is written is not counted, the two years end on the anniversary (28 Feb when the slip
  was written on 29 Feb), which is the last day it is kept; it is purged from the day after.
* Without a slip during the centre's hours the bearer is sent to the centre (refused at the
  gate). After hours an enterprise, like a tenant, waits for the centre: T4 makes the exception
  for owners only, and T2 releases goods "按凭证" only.
* Item names are compared after NFKC folding, trimming and case folding; the decoration lists
  match when the configured word occurs in the item's name ("空调" matches "空调外机").
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from enum import StrEnum
from zoneinfo import ZoneInfo

from gatehouse.core.access import Decision, Duty, Obligation, Outcome, Pending, Register
from gatehouse.core.errors import InvalidInput
from gatehouse.core.ids import parse_plate
from gatehouse.core.rating import add_years, cn_date

SHANGHAI = ZoneInfo("Asia/Shanghai")
ONE_DAY = timedelta(days=1)
RETENTION_YEARS = 2  # T4 (三)6 "《物品放行登记》及放行条保存期为2年"


class ApplicantKind(StrEnum):
    """Who asks for a slip or carries the goods out."""

    OWNER = "owner"  # 业主
    TENANT = "tenant"  # 租户
    ENTERPRISE = "enterprise"  # 企业 (a park's company)


class SlipStatus(StrEnum):
    ISSUED = "issued"
    USED = "used"  # the goods went out on it
    REVOKED = "revoked"


@dataclass(frozen=True, slots=True)
class Item:
    """A line of goods: name, quantity, unit (``Item("电视机", Decimal(1), "台")``)."""

    name: str
    quantity: Decimal
    unit: str

    def __post_init__(self) -> None:
        if not _fold(self.name):
            raise InvalidInput("goods.item_name", "请填写物品名称。", {"field": "name"})
        if not _fold(self.unit):
            raise InvalidInput("goods.item_unit", "请填写物品单位。", {"field": "unit"})
        q = self.quantity
        if isinstance(q, bool) or not isinstance(q, Decimal) or not q.is_finite() or q <= 0:
            raise InvalidInput(
                "goods.item_quantity",
                "物品数量必须是大于0的数字。",
                {"field": "quantity", "value": str(q)},
            )


@dataclass(frozen=True, slots=True)
class ReleaseSlip:
    """A release slip (放行条) as issued by the service centre, valid on one day."""

    number: str
    items: tuple[Item, ...]
    valid_on: date
    applicant: ApplicantKind
    status: SlipStatus = SlipStatus.ISSUED
    plate: str | None = None  # the vehicle the goods leave in, if the slip names one
    house: str = ""

    def __post_init__(self) -> None:
        if not self.items:
            raise InvalidInput("goods.slip_empty", "放行条上没有物品。", {"slip": self.number})


@dataclass(frozen=True, slots=True)
class ServiceHours:
    """When the service centre is open; outside these hours G-02 applies.

    The source names no hours: they are the site's configuration. ``opens`` < ``closes`` on
    the same day; weekdays are 0 (Monday) … 6; ``closed_dates`` are holidays.
    """

    opens: time = time(8, 0)
    closes: time = time(18, 0)
    weekdays: frozenset[int] = frozenset(range(7))
    closed_dates: frozenset[date] = frozenset()

    def __post_init__(self) -> None:
        if not self.opens < self.closes:
            raise InvalidInput(
                "service_hours.order",
                "服务中心上班时间必须早于下班时间。",
                {"opens": self.opens.isoformat(), "closes": self.closes.isoformat()},
            )
        if not self.weekdays or not self.weekdays <= frozenset(range(7)):
            raise InvalidInput(
                "service_hours.weekdays",
                "服务中心的工作日只能是周一（0）到周日（6），且至少一天。",
                {"weekdays": sorted(self.weekdays)},
            )

    def _open_day(self, day: date) -> bool:
        return day.weekday() in self.weekdays and day not in self.closed_dates

    def is_open(self, now: datetime) -> bool:
        local = _local(now)
        return self._open_day(local.date()) and self.opens <= local.time() < self.closes

    def next_opening(self, now: datetime) -> datetime:
        """The next moment the centre opens at or after ``now`` (``now`` itself while open)."""
        local = _local(now)
        if self.is_open(local):
            return local
        day = local.date()
        if local.time() >= self.opens:
            day += ONE_DAY
        for _ in range(400):
            if self._open_day(day):
                return datetime.combine(day, self.opens, tzinfo=SHANGHAI)
            day += ONE_DAY
        raise InvalidInput(
            "service_hours.never_open", "服务中心在一年内没有工作日，请检查工作时间设置。", {}
        )


@dataclass(frozen=True, slots=True)
class GoodsOutFacts:
    """What the guard sees at the gate when goods leave."""

    goods: tuple[Item, ...]
    slip: ReleaseSlip | None = None
    plate: str | None = None  # the vehicle carrying the goods, if any
    bearer: ApplicantKind | None = None  # who carries the goods out (decides G-02 without slip)
    owner_identified: bool | None = None  # G-02: owner card and valid ID shown and registered
    home_verified: bool | None = None  # G-02: staff verified at the owner's home


class ItemVerdict(StrEnum):
    MATCH = "match"  # on the slip, at most the slipped quantity
    NOT_PRESENTED = "not_presented"  # on the slip, not brought out: harmless
    NOT_ON_SLIP = "not_on_slip"
    EXCESS = "excess"  # more than slipped
    UNIT_DIFFERS = "unit_differs"  # on the slip in another unit

    @property
    def ok(self) -> bool:
        return self in (ItemVerdict.MATCH, ItemVerdict.NOT_PRESENTED)


@dataclass(frozen=True, slots=True)
class ItemCheck:
    """One line of the item-by-item check (quantities summed per name and unit)."""

    name: str
    unit: str
    slipped: Decimal | None  # None: not on the slip in this unit
    presented: Decimal
    verdict: ItemVerdict
    note: str  # Chinese, for the guard's screen and the anomaly row

    @property
    def ok(self) -> bool:
        return self.verdict.ok


@dataclass(frozen=True, slots=True)
class GoodsCheck:
    """The gate decision for goods leaving, with the item-by-item check behind it."""

    decision: Decision
    items: tuple[ItemCheck, ...] = field(default=())

    @property
    def mismatches(self) -> tuple[ItemCheck, ...]:
        return tuple(i for i in self.items if not i.ok)


# reason code -> (SPEC rule id, Chinese sentence; ``{…}`` fields are filled in per decision)
GOODS_REASONS: dict[str, tuple[str, str]] = {
    "goods.released": ("G-01", "放行条与物品核对无误，放行；收回放行条"),
    "goods.no_slip": ("G-01", "物品出区须凭服务中心开具的放行条，请到服务中心办理"),
    "goods.slip_used": ("G-01", "放行条{number}已使用过，不能再次放行"),
    "goods.slip_revoked": ("G-01", "放行条{number}已作废，不予放行"),
    "goods.slip_wrong_day": ("G-01", "放行条{number}限{day}当日有效，今天不能使用"),
    "goods.mismatch": (
        "G-01",
        "物品与放行条不符：{details}。物品暂扣门岗，已记录并报物业管理处判断处置",
    ),
    "goods.plate_mismatch": (
        "G-01",
        "放行条登记车辆为{slip_plate}，实际车辆为{plate}；物品暂扣，报物业管理处判断处置",
    ),
    "goods.owner_after_hours": (
        "G-02",
        "服务中心已下班：请业主到现场出示业主卡和有效证件并登记，或派人到业主家核实后放行",
    ),
    "goods.owner_identified": ("G-02", "服务中心下班后：业主凭业主卡和有效证件登记，放行"),
    "goods.home_verified": ("G-02", "服务中心下班后：已到业主家核实，登记后放行"),
    "goods.owner_not_verified": ("G-02", "业主身份或上门核实未通过，物品不予出区"),
    "goods.tenant_after_hours": (
        "G-02",
        "服务中心已下班，租户物品暂不能出区；请于{opens}服务中心上班后核实开具放行条",
    ),
    "goods.closed_no_slip": (
        "G-02",
        "服务中心已下班，无放行条物品不能出区；请于{opens}服务中心上班后开具放行条",
    ),
    "goods.in_ok": ("G-03", "未携带易燃、易爆、剧毒等危险物品，放行"),
    "goods.hazard_remind": (
        "G-03",
        "携带{items}：请善意提醒住户不要带入；住户执意带入时登记并逐级上报",
    ),
    "goods.hazard_left_outside": ("G-03", "住户接受提醒，{items}不带入小区"),
    "goods.hazard_registered": ("G-03", "住户执意带入{items}：已登记，逐级上报"),
    "goods.hazard_refused": ("G-03", "来访者及施工人员不得携带{items}入内，请将物品带离"),
    "decoration.banned": ("G-04", "{items}禁止进入园区"),
    "decoration.await_permit": ("G-04", "装修材料：正在向前台核实该户是否已办理装修手续"),
    "decoration.no_permit": ("G-04", "该户未办理装修手续，装修材料不得进入"),
    "decoration.permitted": ("G-04", "已核实装修手续，装修材料放行"),
    "decoration.follow_up": ("G-04", "已核实装修手续，放行；{items}已通知装修巡查组跟进核实安装"),
}


def _decision(
    outcome: Outcome,
    reason: str,
    *obligations: Obligation,
    pending: Pending | None = None,
    **fields: str,
) -> Decision:
    rule, template = GOODS_REASONS[reason]
    return Decision(outcome, reason, template.format(**fields), rule, pending, obligations)


def _fold(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).split()).casefold()


def _local(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise InvalidInput("time.naive", "时间必须带时区。", {"value": moment.isoformat()})
    return moment.astimezone(SHANGHAI)


def _qty(value: Decimal) -> str:
    return f"{value.normalize():f}"


def _when(moment: datetime) -> str:
    return f"{cn_date(moment.date())} {moment:%H:%M}"


_REGISTER_RELEASE = Obligation(Duty.REGISTER, Register.GOODS_RELEASE)


# == G-01 / G-02: goods going out ================================================================


def check_goods_out(facts: GoodsOutFacts, *, hours: ServiceHours, now: datetime) -> GoodsCheck:
    """Release, hold or refuse goods leaving the site (G-01, G-02). ``now`` must be aware."""
    if not facts.goods:
        raise InvalidInput("goods.none_presented", "请登记要出区的物品。", {})
    local = _local(now)
    slip = facts.slip
    if slip is None:
        return GoodsCheck(_without_slip(facts, hours, local))
    if slip.status is SlipStatus.REVOKED:
        return GoodsCheck(_decision(Outcome.REFUSE, "goods.slip_revoked", number=slip.number))
    if slip.status is SlipStatus.USED:
        return GoodsCheck(_decision(Outcome.REFUSE, "goods.slip_used", number=slip.number))
    if slip.valid_on != local.date():
        return GoodsCheck(
            _decision(
                Outcome.REFUSE,
                "goods.slip_wrong_day",
                number=slip.number,
                day=cn_date(slip.valid_on),
            )
        )
    items = compare_items(slipped=slip.items, presented=facts.goods)
    hold = (
        Obligation(Duty.HOLD_GOODS),
        Obligation(Duty.REGISTER, Register.ANOMALY),
        Obligation(Duty.ESCALATE, note="报物业管理处判断处置"),
    )
    bad = [i for i in items if not i.ok]
    if bad:
        details = "；".join(i.note for i in bad)
        decision = _decision(
            Outcome.PENDING, "goods.mismatch", *hold, pending=Pending.APPROVAL, details=details
        )
        return GoodsCheck(decision, items)
    if slip.plate is not None and facts.plate is not None:
        slip_plate, plate = parse_plate(slip.plate), parse_plate(facts.plate)
        if slip_plate.number != plate.number:
            decision = _decision(
                Outcome.PENDING,
                "goods.plate_mismatch",
                *hold,
                pending=Pending.APPROVAL,
                slip_plate=slip_plate.display,
                plate=plate.display,
            )
            return GoodsCheck(decision, items)
    decision = _decision(
        Outcome.ALLOW,
        "goods.released",
        _REGISTER_RELEASE,
        Obligation(Duty.COLLECT_SLIP, note=slip.number),
    )
    return GoodsCheck(decision, items)


def _without_slip(facts: GoodsOutFacts, hours: ServiceHours, local: datetime) -> Decision:
    if hours.is_open(local):  # rule G-01
        return _decision(Outcome.REFUSE, "goods.no_slip")
    opens = _when(hours.next_opening(local))
    if facts.bearer is ApplicantKind.TENANT:  # rule G-02
        return _decision(Outcome.REFUSE, "goods.tenant_after_hours", opens=opens)
    if facts.bearer is not ApplicantKind.OWNER:
        return _decision(Outcome.REFUSE, "goods.closed_no_slip", opens=opens)
    if facts.owner_identified:
        return _decision(
            Outcome.ALLOW,
            "goods.owner_identified",
            _REGISTER_RELEASE,
            Obligation(Duty.CHECK_IDENTITY),
        )
    if facts.home_verified:
        return _decision(Outcome.ALLOW, "goods.home_verified", _REGISTER_RELEASE)
    if facts.owner_identified is False or facts.home_verified is False:
        return _decision(Outcome.REFUSE, "goods.owner_not_verified")
    return _decision(
        Outcome.PENDING,
        "goods.owner_after_hours",
        Obligation(Duty.CHECK_IDENTITY, note="业主卡和有效证件"),
        Obligation(Duty.VERIFY_AT_HOME),
        pending=Pending.VERIFY,
    )


def compare_items(*, slipped: Iterable[Item], presented: Iterable[Item]) -> tuple[ItemCheck, ...]:
    """Check the presented goods against the slip, item by item (G-01 "重在核实").

    Quantities are summed per (name, unit) on each side. Every presented line yields one check;
    slip lines not brought out follow as ``NOT_PRESENTED``. The order is the order of first
    appearance, presented goods first.
    """
    on_slip = _totals(slipped)
    brought = _totals(presented)
    slip_units: dict[str, list[str]] = defaultdict(list)
    for name, unit in on_slip:
        slip_units[name].append(unit)
    checks: list[ItemCheck] = []
    for (name, unit), (label, unit_label, qty) in brought.items():
        slip_line = on_slip.get((name, unit))
        if slip_line is not None:
            allowed = slip_line[2]
            if qty <= allowed:
                note = f"{label}{_qty(qty)}{unit_label}：与放行条相符"
                checks.append(ItemCheck(label, unit_label, allowed, qty, ItemVerdict.MATCH, note))
            else:
                note = (
                    f"{label}超出放行数量（放行条{_qty(allowed)}{unit_label}，"
                    f"实际{_qty(qty)}{unit_label}）"
                )
                checks.append(ItemCheck(label, unit_label, allowed, qty, ItemVerdict.EXCESS, note))
        elif slip_units.get(name):
            other = "、".join(
                f"{_qty(on_slip[(name, u)][2])}{on_slip[(name, u)][1]}" for u in slip_units[name]
            )
            note = f"{label}单位不符（放行条为{other}，实际{_qty(qty)}{unit_label}）"
            checks.append(ItemCheck(label, unit_label, None, qty, ItemVerdict.UNIT_DIFFERS, note))
        else:
            note = f"{label}{_qty(qty)}{unit_label}：放行条上无此物品"
            checks.append(ItemCheck(label, unit_label, None, qty, ItemVerdict.NOT_ON_SLIP, note))
    for key, (label, unit_label, qty) in on_slip.items():
        if key not in brought:
            note = f"{label}{_qty(qty)}{unit_label}：未带出"
            checks.append(
                ItemCheck(label, unit_label, qty, Decimal(0), ItemVerdict.NOT_PRESENTED, note)
            )
    return tuple(checks)


def _totals(items: Iterable[Item]) -> dict[tuple[str, str], tuple[str, str, Decimal]]:
    totals: dict[tuple[str, str], tuple[str, str, Decimal]] = {}
    for item in items:
        key = (_fold(item.name), _fold(item.unit))
        label, unit, qty = totals.get(key, (item.name.strip(), item.unit.strip(), Decimal(0)))
        totals[key] = (label, unit, qty + item.quantity)
    return totals


# == G-03: dangerous goods coming in =============================================================


class Hazard(StrEnum):
    FLAMMABLE = "flammable"  # 易燃
    EXPLOSIVE = "explosive"  # 易爆
    TOXIC = "toxic"  # 剧毒


HAZARD_LABELS: dict[Hazard, str] = {
    Hazard.FLAMMABLE: "易燃",
    Hazard.EXPLOSIVE: "易爆",
    Hazard.TOXIC: "剧毒",
}


class Carrier(StrEnum):
    """Who carries goods in (T4 (三)1/2)."""

    RESIDENT = "resident"  # 业主（住户）
    VISITOR = "visitor"  # 来访者
    WORKER = "worker"  # 施工人员


@dataclass(frozen=True, slots=True)
class CarriedItem:
    """An item the guard records at the gate; ``hazard`` as the guard judged it."""

    name: str
    hazard: Hazard | None = None

    def __post_init__(self) -> None:
        if not _fold(self.name):
            raise InvalidInput("goods.item_name", "请填写物品名称。", {"field": "name"})


def _names(items: Iterable[CarriedItem]) -> str:
    return "、".join(_label(i) for i in items)


def _label(item: CarriedItem) -> str:
    name = item.name.strip()
    return f"{name}（{HAZARD_LABELS[item.hazard]}）" if item.hazard else name


def check_goods_in(
    *, carrier: Carrier, items: Sequence[CarriedItem], insists: bool | None = None
) -> Decision:
    """G-03: flammable, explosive or toxic items at the gate.

    ``insists`` is the resident's answer after the reminder: ``None`` not asked yet, ``False``
    leaves the items outside, ``True`` brings them in (registered and reported up).
    """
    dangerous = [i for i in items if i.hazard is not None]
    if not dangerous:
        return _decision(Outcome.ALLOW, "goods.in_ok")
    names = _names(dangerous)
    if carrier is not Carrier.RESIDENT:
        return _decision(Outcome.REFUSE, "goods.hazard_refused", items=names)
    if insists is None:
        return _decision(
            Outcome.PENDING,
            "goods.hazard_remind",
            Obligation(Duty.REMIND, note=names),
            pending=Pending.VERIFY,
            items=names,
        )
    if not insists:
        return _decision(Outcome.REFUSE, "goods.hazard_left_outside", items=names)
    return _decision(
        Outcome.ALLOW,
        "goods.hazard_registered",
        Obligation(Duty.REGISTER, Register.ANOMALY, note=names),
        Obligation(Duty.ESCALATE, note=names),
        items=names,
    )


# == G-04: decoration materials ==================================================================


@dataclass(frozen=True, slots=True)
class DecorationPolicy:
    """The site's lists for G-04; a word matches when it occurs in an item's name."""

    refused: tuple[str, ...] = ("露天太阳能", "雨棚", "大型槽钢")
    follow_up: tuple[str, ...] = ("防盗窗", "空调", "防盗门")


def _matches(item: CarriedItem, words: Iterable[str]) -> bool:
    name = _fold(item.name).replace(" ", "")
    return any(w and _fold(w).replace(" ", "") in name for w in words)


def check_decoration_materials(
    *,
    items: Sequence[CarriedItem],
    permit_confirmed: bool | None,
    house: str = "",
    policy: DecorationPolicy | None = None,
) -> Decision:
    """G-04: decoration materials at the gate.

    Refused items are named whatever the permit says; otherwise the desk's confirmation of the
    flat's decoration procedures decides (``None``: still asking over the radio).
    """
    policy = policy or DecorationPolicy()
    banned = [i for i in items if i.hazard is not None or _matches(i, policy.refused)]
    if banned:
        return _decision(Outcome.REFUSE, "decoration.banned", items=_names(banned))
    if permit_confirmed is None:
        return _decision(
            Outcome.PENDING,
            "decoration.await_permit",
            Obligation(Duty.NOTIFY_DESK, note=house),
            pending=Pending.VERIFY,
        )
    if not permit_confirmed:
        return _decision(Outcome.REFUSE, "decoration.no_permit")
    follow = [i for i in items if _matches(i, policy.follow_up)]
    if follow:
        names = _names(follow)
        note = f"{house} {names}".strip()
        return _decision(
            Outcome.ALLOW,
            "decoration.follow_up",
            Obligation(Duty.NOTIFY_DECORATION_PATROL, note=note),
            items=names,
        )
    return _decision(Outcome.ALLOW, "decoration.permitted")


# == G-05: the shift's slips and their retention ================================================


class HandoffStage(StrEnum):
    TO_SQUAD_LEADER = "to_squad_leader"  # the guard hands the slip to the 中队长 before going off
    TO_SERVICE = "to_service"  # the squad leader hands it to customer service (客服)


@dataclass(frozen=True, slots=True)
class SlipHandoff:
    slip: str  # slip number
    stage: HandoffStage
    at: datetime


@dataclass(frozen=True, slots=True)
class ShiftSlips:
    """The slips one guard took in during one shift."""

    guard: str
    squad_leader: str
    shift_end: datetime
    slips: tuple[str, ...]


class GapKind(StrEnum):
    NOT_COLLECTED = "not_collected"  # not with the squad leader by the end of the shift
    COLLECTED_LATE = "collected_late"  # handed to the squad leader only after the shift
    NOT_HANDED_ON = "not_handed_on"  # not with customer service by the deadline


@dataclass(frozen=True, slots=True)
class CollectionGap:
    slip: str
    kind: GapKind
    responsible: str  # the guard (collection) or the squad leader (hand-on)
    due: datetime


def collection_gaps(
    *,
    shift: ShiftSlips,
    handoffs: Iterable[SlipHandoff],
    now: datetime,
    hand_on_hours: int = 24,
) -> tuple[CollectionGap, ...]:
    """G-05: the shift's slips not collected or not handed on, as known at ``now``.

    A slip is due with the squad leader at the end of the shift ("每班下班前"); it is due with
    customer service ``hand_on_hours`` later (the source sets no time: configuration). A gap is
    reported only once its deadline has passed; hand-offs recorded after ``now`` are not known.
    """
    now = _local(now)
    first: dict[tuple[str, HandoffStage], datetime] = {}
    for h in handoffs:
        at, key = _local(h.at), (h.slip, h.stage)
        if at <= now and (key not in first or at < first[key]):
            first[key] = at
    end = _local(shift.shift_end)
    hand_on_due = end + timedelta(hours=hand_on_hours)
    gaps: list[CollectionGap] = []
    for slip in dict.fromkeys(shift.slips):
        collected = first.get((slip, HandoffStage.TO_SQUAD_LEADER))
        if collected is None:
            if now > end:
                gaps.append(CollectionGap(slip, GapKind.NOT_COLLECTED, shift.guard, end))
        elif collected > end:
            gaps.append(CollectionGap(slip, GapKind.COLLECTED_LATE, shift.guard, end))
        handed_on = first.get((slip, HandoffStage.TO_SERVICE))
        if now > hand_on_due and (handed_on is None or handed_on > hand_on_due):
            who = shift.squad_leader
            gaps.append(CollectionGap(slip, GapKind.NOT_HANDED_ON, who, hand_on_due))
    return tuple(gaps)


def retained_until(created_on: date, *, years: int = RETENTION_YEARS) -> date:
    """The last day a slip or register row written on ``created_on`` is kept (民法典 202)."""
    return add_years(created_on, years)


def purge_due(created_on: date, today: date, *, years: int = RETENTION_YEARS) -> bool:
    """G-05: True once the retention period of a slip written on ``created_on`` is over."""
    return today > retained_until(created_on, years=years)


def purge_cutoff(today: date, *, years: int = RETENTION_YEARS) -> date:
    """G-05: the latest creation day purged on ``today``: purge rows with ``created_on <=`` it.

    ``purge_due(d, today)`` holds exactly when ``d <= purge_cutoff(today)``.
    """
    last_kept = today - ONE_DAY  # a row whose period ended by yesterday is due today
    cutoff = add_years(last_kept, -years)
    # a 29 Feb creation day ends its period on 28 Feb, one day earlier than its neighbours
    while retained_until(cutoff + ONE_DAY, years=years) <= last_kept:
        cutoff += ONE_DAY
    return cutoff
