"""The gate decision for a vehicle at a lane (SPEC §4 V-01 … V-13, PK-02; M-01/M-02 for vehicles).

``decide_vehicle(facts, policy, now)`` answers with the people side's
:class:`~gatehouse.core.access.Decision`: allow, refuse or pending, the reason code, the Chinese
sentence for the guard's screen, the SPEC rule that decided, and the obligations (a row of
外来车辆进出登记表, notify the patrol, a time limit, a dwell alert, the fee to collect …). The first
rule that fails supplies the reason. Nothing here reads the clock, the database or the settings;
the fee at the exit comes from the tariff core (:func:`gatehouse.core.tariff.fee_for_class`).

The order of the checks
    1. An emergency or public-service vehicle (V-05) is released at once, at any lane, in any
       mode, whatever else the facts say; it is registered and the monitoring centre notified.
    2. The lane: a motor vehicle never uses a non-motor lane (P-01) and lanes are one-way (P-02).
    3. Leaving (``Direction.OUT``): goods checks (V-12), then the fee (V-07, PK-02), then the
       vehicle's own exit rule. A vehicle refused entry for its condition may always leave.
    4. Entering: a closed entrance in tightened or epidemic mode (M-01, M-02); the vehicle's
       condition (V-09: hazardous cargo, tanker, unlicensed, faulty or leaking); its insurance
       and environmental label (V-10); the pass shown (V-10); epidemic mode (V-13); the garage
       refusing delivery vehicles (V-03); the size of the vehicle at a residential site (V-09:
       trucks, box vans, medium and larger buses; moving or large deliveries after approval); then
       the rule of the vehicle's kind (V-01, V-02, V-03, V-04, V-06, V-07, V-08, V-10, V-11).

Source notes
    T4 (a residential community) separates the ground barrier (owners; delivery vans for at most
    an hour; other vehicles turned away) from the garage barrier (monthly or temporary cards;
    staff vehicles). T7 (rental housing) adds passes, refused vehicle kinds, visitors, taxis and the
    large-item exit slip. T2 (a company gate) admits goods trucks for a department and inspects
    them on the way out, so V-08 applies at an industrial site (:class:`SiteKind`). T8 (epidemic)
    admits only own vehicles with a pass and registers everyone in them.

The fee obligation
    A car that owes money at the exit gets a pending decision (``Pending.PAYMENT``: the barrier
    opens once the fee is paid) carrying a :class:`FeeDue` obligation, an :class:`Obligation` with
    ``duty=Duty.PAY_AT_EXIT`` that also holds the amount still to pay in fen and the tariff core's
    :class:`~gatehouse.core.tariff.Charge` (its lines make the receipt).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from gatehouse.core.access import (
    POLICY_INVALID_MESSAGE,
    CredentialStatus,
    Decision,
    Direction,
    Duty,
    LaneFacts,
    LaneKind,
    Mode,
    Obligation,
    Outcome,
    Pending,
    PolicyInvalid,
    PolicyReader,
    Register,
    read_lane,
)
from gatehouse.core.errors import DomainError, InvalidInput
from gatehouse.core.ledger import SHANGHAI, format_fen
from gatehouse.core.tariff import (
    DELIVERY_FREE_MINUTES,
    Charge,
    TariffTable,
    VehicleClass,
    default_table,
    fee_for_class,
)

_MINUTE = timedelta(minutes=1)
_MINUTES_MAX = 24 * 60


class SiteKind(StrEnum):
    RESIDENTIAL = "residential"  # 住宅小区 (T4, T7, T8): V-09 refuses trucks and buses
    INDUSTRIAL = "industrial"  # 工业园区/企业 (T2): goods trucks come in for a department (V-08)


class VehicleKind(StrEnum):
    """What the vehicle is, as the plate lookup, the card or the guard says."""

    RESIDENT = "resident"  # 业主/住户车辆 (V-01)
    MONTHLY = "monthly"  # 月租车: a monthly space in the garage (V-07)
    TEMPORARY = "temporary"  # 临时车: parks in the garage on a temporary card (V-07)
    DELIVERY = "delivery"  # on an :class:`Errand` (V-03, V-08)
    STAFF = "staff"  # 物业公司员工车辆 (V-04)
    EMERGENCY = "emergency"  # emergency or public service, see :class:`PublicService` (V-05)
    TAXI = "taxi"  # 出租车 (V-11)
    VISITOR = "visitor"  # 临时来访车辆 (V-11)
    OTHER = "other"  # anything else (V-06)


#: Vehicles of the site itself: they may come in during an epidemic with a pass (V-13).
OWN_KINDS = frozenset({VehicleKind.RESIDENT, VehicleKind.MONTHLY, VehicleKind.STAFF})


class Errand(StrEnum):
    DECORATION = "decoration"  # 拉装修材料 (V-03)
    MOVING = "moving"  # 搬家 (V-03; V-09: only after approval)
    FURNITURE = "furniture"  # 拉家具 (V-03)
    WATER = "water"  # 送水 (V-03)
    GOODS = "goods"  # 来货: a goods truck for a department of the company (V-08)


#: The errands T4 lets onto the ground for at most an hour (V-03).
DELIVERY_ERRANDS = frozenset({Errand.DECORATION, Errand.MOVING, Errand.FURNITURE, Errand.WATER})


class PublicService(StrEnum):
    FIRE = "fire"
    AMBULANCE = "ambulance"
    CASH_VAN = "cash_van"
    POST = "post"
    ENGINEERING_RESCUE = "engineering_rescue"
    REFUSE = "refuse"
    SEWAGE = "sewage"
    GOVERNMENT = "government"
    POLICE_COURT = "police_court"


PUBLIC_SERVICE_LABELS: dict[PublicService, str] = {
    PublicService.FIRE: "消防车",
    PublicService.AMBULANCE: "救护车",
    PublicService.CASH_VAN: "运钞车",
    PublicService.POST: "邮政车",
    PublicService.ENGINEERING_RESCUE: "工程抢险车",
    PublicService.REFUSE: "垃圾清运车",
    PublicService.SEWAGE: "清污车",
    PublicService.GOVERNMENT: "政府公务车",
    PublicService.POLICE_COURT: "公检法车辆",
}


class Body(StrEnum):
    """The vehicle's body as the guard or the camera reports it."""

    CAR = "car"  # 小型客车
    VAN = "van"  # 面包车、小型货车
    TRUCK = "truck"  # 卡车
    BOX_VAN = "box_van"  # 厢式货车
    MEDIUM_BUS = "medium_bus"  # 中型以上客车
    TANKER = "tanker"  # 油罐车


#: V-09: not into a residential site, except a moving or large delivery after approval.
LARGE_BODIES = frozenset({Body.TRUCK, Body.BOX_VAN, Body.MEDIUM_BUS})


class VehicleCard(StrEnum):
    OWNER_CARD = "owner_card"  # 业主卡: opens the ground barrier only before charging starts
    PARKING_CARD = "parking_card"  # 停车卡: the ground barrier once charging has started
    MONTHLY_CARD = "monthly_card"  # 月租卡: the garage (and, as a parking card, the ground)
    TEMPORARY_CARD = "temporary_card"  # 临时停车卡: the garage; the fee is paid at the exit


class VehiclePassKind(StrEnum):
    RESIDENT = "resident"  # 《车辆出入证》, one per parking space (V-10)
    TEMPORARY = "temporary"  # 临时《车辆出入证》 issued to a visitor vehicle (V-11)
    EPIDEMIC = "epidemic"  # 车辆通行证 of the epidemic mode (V-13)


#: The passes an own vehicle comes in with (V-10, V-13).
OWN_PASSES = frozenset({VehiclePassKind.RESIDENT, VehiclePassKind.EPIDEMIC})


# -- facts and policy ---------------------------------------------------------------------------


def _aware(value: datetime, field: str) -> datetime:
    if not isinstance(value, datetime) or value.tzinfo is None or value.utcoffset() is None:
        raise InvalidInput(
            "vehicle.naive_datetime", "时间必须带时区（Asia/Shanghai）。", {"field": field}
        )
    return value


@dataclass(frozen=True, slots=True)
class CardFacts:
    """A card presented at the barrier; no window means valid until revoked."""

    kind: VehicleCard
    status: CredentialStatus = CredentialStatus.ACTIVE
    valid_from: datetime | None = None
    valid_until: datetime | None = None


@dataclass(frozen=True, slots=True)
class VehiclePassFacts:
    kind: VehiclePassKind
    status: CredentialStatus
    valid_from: datetime
    valid_until: datetime | None = None


@dataclass(frozen=True, slots=True)
class RegistrationFacts:
    """The vehicle's papers; None where nobody knows (a plate camera cannot see insurance)."""

    licensed: bool | None = None  # False: 无牌无证 (V-09)
    insured: bool | None = None  # False: not insured as the law requires (V-10)
    environmental_label: bool | None = None  # False: no 环保标志 (V-10)


@dataclass(frozen=True, slots=True)
class Observation:
    """What the guard or the camera sees."""

    body: Body = Body.CAR
    hazardous_cargo: bool = False  # 装载易燃、易爆、剧毒物品
    faulty: bool = False  # 明显故障
    leaking: bool = False  # 漏油


@dataclass(frozen=True, slots=True)
class SessionFacts:
    """An open parking session: the vehicle came in at ``entered_at`` and has not left."""

    entered_at: datetime
    kind: VehicleKind
    ref: str = ""  # the service's id for the session, echoed in alerts
    plate: str = ""


class FormStatus(StrEnum):
    """A large-item exit form's state (V-12): issued by the desk, used once at the exit."""

    ISSUED = "issued"
    USED = "used"
    REVOKED = "revoked"


@dataclass(frozen=True, slots=True)
class ExitForm:
    """The 《大件物品出入单》 shown at the exit (V-12): its number, state, day, the plate it was
    issued for (normalised; None: any vehicle) and its items as one line for the guard."""

    number: str
    status: FormStatus
    valid_on: date
    plate: str | None = None
    items: str = ""


@dataclass(frozen=True, slots=True)
class VehicleFacts:
    lane: LaneFacts
    direction: Direction
    kind: VehicleKind
    mode: Mode = Mode.NORMAL
    charging_started: bool = False  # V-01: the site has switched to paid parking
    plate: str | None = None  # normalised; None when not read
    plate_registered: bool = False  # the plate is registered to this site's vehicle
    card: CardFacts | None = None
    card_forgotten: bool = False  # V-02: the driver says they left the parking card at home
    pass_: VehiclePassFacts | None = None
    registration: RegistrationFacts = RegistrationFacts()
    observed: Observation = Observation()
    errand: Errand | None = None  # for a delivery vehicle
    service: PublicService | None = None  # for an emergency or public-service vehicle
    verified: bool | None = None  # V-02, V-03: the guard/desk confirmed; V-11: visit checked
    host_consent: bool | None = None  # V-11: the host agrees to the visit
    approval: bool | None = None  # entry: V-09 moving/large delivery; exit: V-12 office decision
    session: SessionFacts | None = None  # the open parking session, for the exit
    paid_fen: int = 0  # paid so far towards this stay's fee
    large_items: bool = False  # V-12: leaving with large items
    exit_slip_ok: bool | None = None  # V-12: the guard's check: items match; False: they do not
    exit_form: ExitForm | None = None  # V-12: the large-item exit form shown, if any

    def __post_init__(self) -> None:
        if (
            isinstance(self.paid_fen, bool)
            or not isinstance(self.paid_fen, int)
            or self.paid_fen < 0
        ):
            raise InvalidInput(
                "vehicle.paid_fen",
                "已付金额必须是不小于0的整数（单位：分）。",
                {"value": repr(self.paid_fen)[:40]},
            )


#: The default tariffs (PK-01): the tariff core's default table, delivery vehicles one free hour.
DEFAULT_TABLE = default_table()


def _minutes(field: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= _MINUTES_MAX:
        raise InvalidInput(
            "vehicle.policy_minutes",
            "时长必须是1到1440之间的整数（分钟）。",
            {"field": field, "value": repr(value)[:40]},
        )
    return value


@dataclass(frozen=True, slots=True)
class VehiclePolicy:
    """A site's vehicle settings; the numbers the source leaves open, with their defaults."""

    site: SiteKind = SiteKind.RESIDENTIAL
    passes_required: bool = False  # V-10: a T7 site; own vehicles without a pass count as visitors
    tariffs: TariffTable = DEFAULT_TABLE  # V-04 staff, V-07 temporary, PK-02 delivery, visitor
    delivery_minutes: int = DELIVERY_FREE_MINUTES  # V-03: how long a delivery vehicle may stay
    taxi_minutes: int = 10  # V-11: a taxi still inside after this is an alert
    visitor_leave_by: time | None = time(22, 0)  # V-11: None: visitors leave before midnight

    def __post_init__(self) -> None:
        _minutes("delivery_minutes", self.delivery_minutes)
        _minutes("taxi_minutes", self.taxi_minutes)
        if not isinstance(self.tariffs, TariffTable):
            raise InvalidInput("vehicle.policy_tariffs", "收费标准表无效。", {"field": "tariffs"})
        leave_by = self.visitor_leave_by
        if leave_by is not None and (not isinstance(leave_by, time) or leave_by.tzinfo is not None):
            raise InvalidInput(
                "vehicle.policy_leave_by",
                "访客车辆离场时间格式为 HH:MM，不带时区；不设请留空。",
                {"field": "visitor_leave_by"},
            )


#: The kinds of site the sites app knows, as the vehicle rules tell them apart: a company gate
#: (T2) admits goods trucks for a department (V-08); a community or campus refuses large vehicles
#: (V-09).
SITE_KINDS: dict[str, SiteKind] = {
    "industrial_park": SiteKind.INDUSTRIAL,
    "company": SiteKind.INDUSTRIAL,
    "residential": SiteKind.RESIDENTIAL,
    "campus": SiteKind.RESIDENTIAL,
}


@dataclass(frozen=True, slots=True)
class VehicleGatePolicy:
    """A site's vehicle policy and the lane's configuration, read and checked."""

    mode: Mode
    lane: LaneFacts
    policy: VehiclePolicy
    charging_started: bool
    exit_grace_minutes: int


def _read_vehicle_policy(
    r: PolicyReader,
    *,
    site_kind: object,
    passes_required: object,
    delivery_minutes: object,
    taxi_minutes: object,
    visitor_leave_by: object,
    tariff: object,
) -> VehiclePolicy | None:
    kind = SITE_KINDS.get(site_kind) if isinstance(site_kind, str) else None
    if kind is None:
        r.problems.append(f"site.kind={site_kind!r}"[:80])
    passes = r.flag("vehicle_settings.passes_required", passes_required)
    delivery = r.minutes("vehicle_settings.delivery_minutes", delivery_minutes)
    taxi = r.minutes("vehicle_settings.taxi_minutes", taxi_minutes)
    leave_by = r.clock("vehicle_settings.visitor_leave_by", visitor_leave_by, optional=True)
    table = DEFAULT_TABLE
    if tariff is not None:
        try:
            table = TariffTable.from_dict(tariff)
        except DomainError as exc:  # the tariff core says what is wrong with the posted table
            r.problems.append(f"tariff_plan.table: {exc.code}"[:80])
    if r.problems or kind is None or delivery is None or taxi is None:
        return None
    return VehiclePolicy(
        site=kind,
        passes_required=passes,
        tariffs=table,
        delivery_minutes=delivery,
        taxi_minutes=taxi,
        visitor_leave_by=leave_by,
    )


def vehicle_policy(
    *,
    site_kind: object,
    passes_required: object,
    delivery_minutes: object,
    taxi_minutes: object,
    visitor_leave_by: object,
    tariff: object,
) -> VehiclePolicy | PolicyInvalid:
    """A site's vehicle policy from its raw stored values (``tariff``: the posted table's JSON,
    None for the default); :class:`PolicyInvalid` naming every unusable value when any is."""
    r = PolicyReader()
    policy = _read_vehicle_policy(
        r,
        site_kind=site_kind,
        passes_required=passes_required,
        delivery_minutes=delivery_minutes,
        taxi_minutes=taxi_minutes,
        visitor_leave_by=visitor_leave_by,
        tariff=tariff,
    )
    return policy if policy is not None else PolicyInvalid(tuple(r.problems))


def vehicle_gate_policy(
    *,
    mode: object,
    site_kind: object,
    lane_kind: object,
    lane_direction: object,
    open_when_tightened: object,
    charging_started: object,
    passes_required: object,
    delivery_minutes: object,
    taxi_minutes: object,
    exit_grace_minutes: object,
    visitor_leave_by: object,
    tariff: object,
) -> VehicleGatePolicy | PolicyInvalid:
    """The vehicle gate's policy at one lane from the raw stored values: the site's mode and kind,
    the lane, the site's vehicle settings and the posted tariff in force. A
    :class:`PolicyInvalid` naming every unusable value when any is; the barrier then stays
    down (:func:`gatehouse.core.access.refuse_invalid_policy`)."""
    r = PolicyReader()
    site_mode = r.choice("site.mode", Mode, mode, Mode.NORMAL)
    lane = read_lane(
        r, kind=lane_kind, direction=lane_direction, open_when_tightened=open_when_tightened
    )
    charging = r.flag("vehicle_settings.charging_started", charging_started)
    grace = exit_grace_minutes
    if isinstance(grace, bool) or not isinstance(grace, int) or not 0 <= grace <= _MINUTES_MAX:
        r.problems.append(f"vehicle_settings.exit_grace_minutes={grace!r}"[:80])
        grace = 0
    policy = _read_vehicle_policy(
        r,
        site_kind=site_kind,
        passes_required=passes_required,
        delivery_minutes=delivery_minutes,
        taxi_minutes=taxi_minutes,
        visitor_leave_by=visitor_leave_by,
        tariff=tariff,
    )
    if r.problems or policy is None:
        return PolicyInvalid(tuple(r.problems), lane.direction)
    return VehicleGatePolicy(site_mode, lane, policy, charging, grace)


@dataclass(frozen=True, slots=True)
class FeeDue(Obligation):
    """``Duty.PAY_AT_EXIT``: ``amount`` fen still to pay for the stay the ``charge`` prices."""

    amount: int = 0
    charge: Charge | None = None


def fee_due(decision: Decision) -> FeeDue | None:
    """The fee obligation of a decision, if it has one."""
    for obligation in decision.obligations:
        if isinstance(obligation, FeeDue):
            return obligation
    return None


# -- reason codes --------------------------------------------------------------------------------

# reason code -> (SPEC rule id, Chinese sentence for the guard's screen)
REASONS: dict[str, tuple[str, str]] = {
    "policy.invalid": ("§12", POLICY_INVALID_MESSAGE),
    "vehicle.emergency": ("V-05", "执行公务/应急车辆：立即放行，已登记并通知监控中心"),
    "vehicle.lane_not_for_vehicles": ("P-01", "机动车不得走非机动车道，请走机动车道或车库出入口"),
    "vehicle.one_way": ("P-02", "出入分道：此车道方向不符，请走对应方向的车道"),
    "vehicle.entrance_closed": ("M-01", "加强管控期间此出入口不开放，请走指定出入口"),
    "vehicle.epidemic_entrance_closed": ("M-02", "疫情封闭期间只开放指定出入口，请走指定出入口"),
    "vehicle.hazardous": ("V-09", "装载易燃、易爆、剧毒物品的车辆不得进入，请停在小区外"),
    "vehicle.tanker": ("V-09", "油罐车不得进入，请停在小区外"),
    "vehicle.unlicensed": (
        "V-09",
        "无牌无证车辆不得进入：已登记车辆特征并通知监控中心，请引导车辆停在小区外",
    ),
    "vehicle.faulty": ("V-09", "明显故障或漏油的车辆不得进入，请停在小区外"),
    "vehicle.refused_kind": ("V-09", "卡车、厢式货车、中型以上客车不得进入，请停在小区外"),
    "vehicle.large_await_approval": ("V-09", "搬家或运送大件物品：须经物业核准后放行"),
    "vehicle.large_refused": ("V-09", "搬家或大件运送未获物业核准，不予放行"),
    "vehicle.uninsured": ("V-10", "未按国家规定购买保险的车辆不得进入"),
    "vehicle.no_env_label": ("V-10", "无环保标志的车辆不得进入"),
    "vehicle.pass_lost": ("V-10", "此车辆出入证已挂失，不能通行；已通知监控中心"),
    "vehicle.pass_revoked": ("V-10", "车辆出入证已被收回（转借他人等），不能通行"),
    "vehicle.pass_invalid": ("V-10", "车辆出入证不在有效期内，请到物业补办"),
    "vehicle.pass": ("V-10", "车辆出入证有效，放行"),
    "vehicle.epidemic_outside": ("V-13", "疫情封闭期间外来车辆一律不得进入"),
    "vehicle.epidemic_no_pass": ("V-13", "疫情封闭期间凭车辆通行证进出，请出示通行证"),
    "vehicle.epidemic_pass": ("V-13", "通行证有效：登记车辆和车内人员信息后放行"),
    "vehicle.plate": ("V-01", "车牌已登记，放行"),
    "vehicle.parking_card": ("V-01", "停车卡有效，放行"),
    "vehicle.owner_card": ("V-01", "尚未开始停车收费：业主卡有效，放行"),
    "vehicle.owner_card_after_charging": (
        "V-01",
        "已开始停车收费，道闸不再接受业主卡，请刷停车卡",
    ),
    "vehicle.card_lost": ("V-01", "此卡已挂失，不能开闸；已通知监控中心"),
    "vehicle.card_revoked": ("V-01", "此卡已注销，不能开闸"),
    "vehicle.card_invalid": ("V-01", "此卡不在有效期内，请到服务中心续期"),
    "vehicle.card_wrong_lane": ("V-01", "临时停车卡只能用于地下车库，不能开启地面道闸"),
    "vehicle.no_credential": ("V-01", "未识别到停车卡或已登记车牌；忘带卡请告知门岗核实"),
    "vehicle.forgotten_card_verify": ("V-02", "业主忘带停车卡：请核实车主身份和房号"),
    "vehicle.forgotten_card_verified": ("V-02", "已核实业主身份，放行并提醒带卡"),
    "vehicle.forgotten_card_refused": ("V-02", "未能核实业主身份，不予放行"),
    "vehicle.delivery_not_in_garage": (
        "V-03",
        "装修、搬家、家具、送水车辆禁止进入地下车库，请走地面出入口",
    ),
    "vehicle.delivery_verify": ("V-03", "装修/搬家/家具/送水车辆：已登记，请核实后放行"),
    "vehicle.delivery": (
        "V-03",
        "已核实：不得驶入人行道路，停放不超过限定时间（超时按规定收费），已通知巡逻岗安排停放",
    ),
    "vehicle.delivery_refused": ("V-03", "核实未通过，不予放行"),
    "vehicle.staff_not_on_ground": ("V-04", "员工车辆禁止进入小区地面，请停放地下车库"),
    "vehicle.staff_garage": ("V-04", "员工车辆：可停放地下车库（按公司政策免费或收费）"),
    "vehicle.not_allowed": ("V-06", "此类车辆禁止进入，请引导其停在小区外"),
    "vehicle.monthly_card": ("V-07", "月租卡有效，放行"),
    "vehicle.temporary_card": ("V-07", "临时停车卡：放行，出场时按标准缴费"),
    "vehicle.garage_card_required": ("V-07", "地下车库凭月租卡或临时停车卡进入，请取临时停车卡"),
    "vehicle.fee_due": ("V-07", "出场须先缴纳临时停车费，缴费后开闸"),
    "vehicle.fee_paid": ("V-07", "停车费已缴清，放行"),
    "vehicle.fee_free": ("V-07", "在免费时长内离场，放行"),
    "vehicle.exit_without_entry": ("V-07", "无入场记录：请人工核对入场时间后收费放行"),
    "vehicle.session_invalid": ("V-07", "入场记录时间晚于出场时间：请人工核对后收费放行"),
    "vehicle.delivery_fee_due": ("PK-02", "送货车辆超过免费时长：请缴纳超时部分停车费"),
    "vehicle.delivery_fee_paid": ("PK-02", "超时停车费已缴清，放行"),
    "vehicle.delivery_left": ("V-03", "装修/搬家/家具/送水车辆离场，已记录离场时间"),
    "vehicle.goods_delivery": (
        "V-08",
        "送货车辆：已登记，已通知接货部门主管，请指引货车到送货位置",
    ),
    "vehicle.goods_left": ("V-08", "送货车辆出门前已例行检查，放行"),
    "vehicle.goods_no_form": (
        "V-12",
        "携带大件物品出门须出示《大件物品出入单》，请到物业服务中心办理后再出场",
    ),
    "vehicle.goods_form_used": ("V-12", "该《大件物品出入单》已使用过，不能再次放行"),
    "vehicle.goods_form_revoked": ("V-12", "该《大件物品出入单》已作废，不予放行"),
    "vehicle.goods_form_wrong_day": ("V-12", "该《大件物品出入单》不是今天的，不能使用"),
    "vehicle.goods_form_check": (
        "V-12",
        "《大件物品出入单》有效：请逐项核对车上物品与出入单是否相符",
    ),
    "vehicle.goods_await_office": (
        "V-12",
        "携带大件物品：所载物品或车辆与《大件物品出入单》不符，由物业管理处判断处置",
    ),
    "vehicle.goods_refused": ("V-12", "物业管理处不同意带出所载物品，不予放行"),
    "vehicle.taxi": ("V-11", "出租车：乘客下车后须立即离开"),
    "vehicle.taxi_left": ("V-11", "出租车离场，放行"),
    "vehicle.visitor_await": ("V-11", "来访车辆已登记，等待被访人确认来访人和事由"),
    "vehicle.visitor_unverified": ("V-11", "来访人或事由核实不符，不予放行"),
    "vehicle.visitor_refused": ("V-11", "被访人不同意或联系不上，不予放行"),
    "vehicle.visitor": ("V-11", "来访已核实：换发临时车辆出入证后放行，不得在小区过夜"),
    "vehicle.visitor_pass": ("V-11", "临时车辆出入证有效，放行；不得在小区过夜"),
    "vehicle.visitor_left": ("V-11", "来访车辆离场，已记录离场时间"),
    "vehicle.staff_left": ("V-04", "员工车辆出场，放行"),
    "vehicle.exit": ("V-01", "本小区车辆出场，放行"),
    "vehicle.left": ("V-06", "车辆离场，放行"),
    # parking-session pairing (the entry and the exit of one stay)
    "session.entry": ("V-07", "入场，开始计时"),
    "session.exit": ("V-07", "出场，与入场记录配对"),
    "session.exit_without_entry": ("V-07", "无入场记录的出场：请核对入场时间，可能漏记或跟车入场"),
    "session.second_entry": ("V-07", "已有未出场记录又再次入场：请核对是否漏记出场或套牌"),
    # dwell alerts
    "dwell.taxi": ("V-11", "出租车进入后未及时离开，请巡逻岗督促离开"),
    "dwell.delivery": ("V-03", "送货车辆已超过限定停放时间，出场时超时部分按规定收费"),
    "dwell.visitor_overnight": ("V-11", "访客车辆超过离场时间仍在小区内，不得过夜，请联系车主"),
}


def _decision(
    outcome: Outcome, reason: str, obligations: tuple[Obligation, ...], pending: Pending | None
) -> Decision:
    rule, message = REASONS[reason]
    return Decision(outcome, reason, message, rule, pending, obligations)


def _allow(reason: str, *obligations: Obligation) -> Decision:
    return _decision(Outcome.ALLOW, reason, obligations, None)


def _refuse(reason: str, *obligations: Obligation) -> Decision:
    return _decision(Outcome.REFUSE, reason, obligations, None)


def _pending(kind: Pending, reason: str, *obligations: Obligation) -> Decision:
    return _decision(Outcome.PENDING, reason, obligations, kind)


_MONITOR = Obligation(Duty.NOTIFY_MONITORING)
_VEHICLE_ROW = Obligation(Duty.REGISTER, Register.VEHICLE)
_CLOSE_VEHICLE_ROW = Obligation(Duty.CLOSE_REGISTER, Register.VEHICLE)
_GUIDE_OUTSIDE = Obligation(Duty.GUIDE_OUTSIDE, note="引导车辆停在小区外")
_OCCUPANTS_ROW = Obligation(Duty.REGISTER, Register.OWN_VEHICLE, note="登记车辆及车内人员信息")


def _turn_away(reason: str) -> Decision:
    """Refuse entry and guide the vehicle to park outside (V-06, V-09, V-10, V-13)."""
    return _refuse(reason, _GUIDE_OUTSIDE)


# -- the decision --------------------------------------------------------------------------------


def decide_vehicle(facts: VehicleFacts, policy: VehiclePolicy, now: datetime) -> Decision:
    """Allow, refuse or pend one vehicle at one lane. ``now`` must be timezone-aware."""
    _aware(now, "now")
    if facts.kind is VehicleKind.EMERGENCY:
        return _emergency(facts)
    lane = _lane(facts)
    if lane is not None:
        return lane
    if facts.direction is Direction.OUT:
        return _exit(facts, policy, now)
    for check in (
        _entrance,
        _condition,
        _papers,
        _pass_validity,
        _epidemic,
        _garage_excluded,
        _size,
    ):
        decision = check(facts, policy, now)
        if decision is not None:
            return decision
    decision = _ENTRIES[_entry_kind(facts, policy, now)](facts, policy, now)
    if facts.mode is Mode.EPIDEMIC and decision.allowed:  # rule V-13: everyone inside registered
        return replace(decision, obligations=(*decision.obligations, _OCCUPANTS_ROW))
    return decision


def _emergency(facts: VehicleFacts) -> Decision:  # rule V-05
    if facts.direction is Direction.OUT:
        return _allow("vehicle.emergency", _CLOSE_VEHICLE_ROW, _MONITOR)
    label = PUBLIC_SERVICE_LABELS[facts.service] if facts.service else "执行公务/应急车辆"
    return _allow(
        "vehicle.emergency", Obligation(Duty.REGISTER, Register.VEHICLE, note=label), _MONITOR
    )


def _lane(facts: VehicleFacts) -> Decision | None:
    if facts.lane.kind is LaneKind.NON_MOTOR:  # rule P-01
        return _refuse("vehicle.lane_not_for_vehicles")
    if facts.direction is not facts.lane.direction:  # rule P-02
        return _refuse("vehicle.one_way")
    return None


# -- checks on the way in, in order -------------------------------------------------------------


def _entrance(facts: VehicleFacts, policy: VehiclePolicy, now: datetime) -> Decision | None:
    if facts.lane.open_when_tightened:
        return None
    if facts.mode is Mode.EPIDEMIC:  # rule M-02
        return _refuse("vehicle.epidemic_entrance_closed")
    if facts.mode is Mode.TIGHTENED:  # rule M-01
        return _refuse("vehicle.entrance_closed")
    return None


def _condition(facts: VehicleFacts, policy: VehiclePolicy, now: datetime) -> Decision | None:
    """V-09: never in, at any site, whoever the vehicle is (except V-05)."""
    seen = facts.observed
    if seen.hazardous_cargo:
        return _turn_away("vehicle.hazardous")
    if seen.body is Body.TANKER:
        return _turn_away("vehicle.tanker")
    if facts.registration.licensed is False:
        # The car cannot be traced by its plate: it is written in the register by what it looks
        # like, and the monitoring centre follows it (S-06).
        return _refuse("vehicle.unlicensed", _VEHICLE_ROW, _GUIDE_OUTSIDE, _MONITOR)
    if seen.faulty or seen.leaking:
        return _turn_away("vehicle.faulty")
    return None


def _papers(facts: VehicleFacts, policy: VehiclePolicy, now: datetime) -> Decision | None:
    """V-10: no insurance or no environmental label, no entry."""
    if facts.registration.insured is False:
        return _turn_away("vehicle.uninsured")
    if facts.registration.environmental_label is False:
        return _turn_away("vehicle.no_env_label")
    return None


def _pass_validity(facts: VehicleFacts, policy: VehiclePolicy, now: datetime) -> Decision | None:
    """V-10: a pass that is shown must be good, whatever vehicle shows it."""
    p = facts.pass_
    if p is None:
        return None
    if p.status is CredentialStatus.LOST:
        return _refuse("vehicle.pass_lost", _GUIDE_OUTSIDE, _MONITOR)
    if p.status is CredentialStatus.REVOKED:
        return _turn_away("vehicle.pass_revoked")
    if now < p.valid_from or (p.valid_until is not None and now >= p.valid_until):
        return _turn_away("vehicle.pass_invalid")
    return None


def _own_pass(facts: VehicleFacts) -> bool:
    """An own vehicle's pass was shown (its validity was checked by :func:`_pass_validity`)."""
    return facts.pass_ is not None and facts.pass_.kind in OWN_PASSES


def _epidemic(facts: VehicleFacts, policy: VehiclePolicy, now: datetime) -> Decision | None:
    """V-13: vehicle passes only, outside vehicles refused.

    An own vehicle with its pass goes on to its kind's rule (a staff car still only into the
    garage); whatever admits it, the vehicle and everyone in it are registered.
    """
    if facts.mode is not Mode.EPIDEMIC:
        return None
    if facts.kind not in OWN_KINDS:
        return _turn_away("vehicle.epidemic_outside")
    if not _own_pass(facts):
        return _refuse("vehicle.epidemic_no_pass")
    return None


def _garage_excluded(facts: VehicleFacts, policy: VehiclePolicy, now: datetime) -> Decision | None:
    if facts.kind is VehicleKind.DELIVERY and facts.lane.kind is LaneKind.GARAGE:  # rule V-03
        return _refuse(
            "vehicle.delivery_not_in_garage", Obligation(Duty.REMIND, note="请走地面机动车出入口")
        )
    return None


def _size(facts: VehicleFacts, policy: VehiclePolicy, now: datetime) -> Decision | None:
    """V-09 at a residential site: trucks, box vans and buses stay out; moving needs approval."""
    if policy.site is not SiteKind.RESIDENTIAL:
        return None
    large = facts.observed.body in LARGE_BODIES
    delivery = facts.kind is VehicleKind.DELIVERY and facts.errand in DELIVERY_ERRANDS
    if not (large or (delivery and facts.errand is Errand.MOVING)):
        return None
    if not delivery:
        return _turn_away("vehicle.refused_kind")
    if facts.approval is None:
        return _pending(
            Pending.APPROVAL,
            "vehicle.large_await_approval",
            _VEHICLE_ROW,
            Obligation(Duty.NOTIFY_DESK),
        )
    if not facts.approval:
        return _refuse("vehicle.large_refused", _VEHICLE_ROW, _GUIDE_OUTSIDE)
    return None


def _entry_kind(facts: VehicleFacts, policy: VehiclePolicy, now: datetime) -> VehicleKind:
    """V-10: where passes are required, an own vehicle without one is a temporary visitor."""
    if (
        policy.passes_required
        and facts.kind in (VehicleKind.RESIDENT, VehicleKind.MONTHLY)
        and not _own_pass(facts)
    ):
        return VehicleKind.VISITOR
    return facts.kind


# -- the kind's own rule on the way in ----------------------------------------------------------


def _card_problem(card: CardFacts, now: datetime) -> Decision | None:
    if card.status is CredentialStatus.LOST:
        return _refuse("vehicle.card_lost", _MONITOR)
    if card.status is CredentialStatus.REVOKED:
        return _refuse("vehicle.card_revoked")
    if (card.valid_from is not None and now < card.valid_from) or (
        card.valid_until is not None and now >= card.valid_until
    ):
        return _refuse("vehicle.card_invalid")
    return None


def _own_vehicle(facts: VehicleFacts, policy: VehiclePolicy, now: datetime) -> Decision:
    if _own_pass(facts):  # rule V-10; rule V-13
        return _allow("vehicle.epidemic_pass" if facts.mode is Mode.EPIDEMIC else "vehicle.pass")
    card = facts.card
    if card is not None:
        problem = _card_problem(card, now)
        if problem is not None:
            return problem
    if facts.lane.kind is LaneKind.GARAGE:
        return _garage(facts, monthly_plate=facts.kind is VehicleKind.MONTHLY)
    # rule V-01: the ground barrier
    if facts.plate_registered:
        return _allow("vehicle.plate")
    if card is not None:
        if card.kind is VehicleCard.OWNER_CARD:
            if facts.charging_started:
                return _refuse("vehicle.owner_card_after_charging")
            return _allow("vehicle.owner_card")
        if card.kind is VehicleCard.TEMPORARY_CARD:
            return _refuse("vehicle.card_wrong_lane")
        return _allow("vehicle.parking_card")
    if facts.card_forgotten:
        return _forgotten_card(facts)
    return _refuse("vehicle.no_credential")


def _forgotten_card(facts: VehicleFacts) -> Decision:  # rule V-02
    if facts.verified is None:
        return _pending(
            Pending.VERIFY, "vehicle.forgotten_card_verify", Obligation(Duty.NOTIFY_DESK)
        )
    if not facts.verified:
        return _refuse("vehicle.forgotten_card_refused")
    return _allow(
        "vehicle.forgotten_card_verified", Obligation(Duty.REMIND, note="提醒业主下次带好停车卡")
    )


def _garage(facts: VehicleFacts, *, monthly_plate: bool) -> Decision:  # rule V-07
    card = facts.card
    if card is not None and card.kind is VehicleCard.MONTHLY_CARD:
        return _allow("vehicle.monthly_card")
    if card is not None and card.kind is VehicleCard.TEMPORARY_CARD:
        return _allow("vehicle.temporary_card")
    if monthly_plate and facts.plate_registered:
        return _allow("vehicle.plate")
    return _refuse("vehicle.garage_card_required")


def _temporary(facts: VehicleFacts, policy: VehiclePolicy, now: datetime) -> Decision:
    if facts.lane.kind is not LaneKind.GARAGE:  # rule V-06: not onto the ground
        return _turn_away("vehicle.not_allowed")
    if facts.card is not None:
        problem = _card_problem(facts.card, now)
        if problem is not None:
            return problem
    return _garage(facts, monthly_plate=False)


def _delivery(facts: VehicleFacts, policy: VehiclePolicy, now: datetime) -> Decision:
    if facts.errand is Errand.GOODS and policy.site is SiteKind.INDUSTRIAL:  # rule V-08
        return _allow(
            "vehicle.goods_delivery",
            _VEHICLE_ROW,
            Obligation(Duty.NOTIFY_DEPARTMENT, note="通知接货部门主管"),
            Obligation(Duty.REMIND, note="指引货车开到送货位置"),
            Obligation(Duty.INSPECT_ON_EXIT, note="出门前例行检查有无带出公司物品"),
        )
    if facts.errand not in DELIVERY_ERRANDS:  # rule V-06: not one of the errands of V-03
        return _turn_away("vehicle.not_allowed")
    # rule V-03
    if facts.verified is None:
        return _pending(Pending.VERIFY, "vehicle.delivery_verify", _VEHICLE_ROW)
    if not facts.verified:
        return _refuse("vehicle.delivery_refused", _VEHICLE_ROW, _GUIDE_OUTSIDE)
    return _allow(
        "vehicle.delivery",
        _VEHICLE_ROW,
        Obligation(Duty.REMIND, note="不得驶入小区人行道路"),
        Obligation(Duty.TIME_LIMIT, minutes=policy.delivery_minutes, note="超时按规定收费"),
        Obligation(Duty.NOTIFY_PATROL, note="安排车辆停放"),
    )


def _staff(facts: VehicleFacts, policy: VehiclePolicy, now: datetime) -> Decision:  # rule V-04
    if facts.lane.kind is not LaneKind.GARAGE:
        return _refuse(
            "vehicle.staff_not_on_ground", Obligation(Duty.REMIND, note="请停放地下车库")
        )
    return _allow("vehicle.staff_garage")


def _taxi(facts: VehicleFacts, policy: VehiclePolicy, now: datetime) -> Decision:  # rule V-11
    if facts.lane.kind is LaneKind.GARAGE:
        return _turn_away("vehicle.not_allowed")
    return _allow(
        "vehicle.taxi",
        Obligation(Duty.DWELL_ALERT, minutes=policy.taxi_minutes, note="乘客下车后须立即离开"),
    )


def visitor_deadline(entered_at: datetime, policy: VehiclePolicy) -> datetime:
    """V-11: when a visitor vehicle that came in at ``entered_at`` must be gone.

    The site's ``visitor_leave_by`` on the day of entry; for a vehicle that came in at or after
    that time, or where the site sets none, the midnight that ends the day of entry.
    """
    entered = _aware(entered_at, "entered_at").astimezone(SHANGHAI)
    midnight = datetime.combine(entered.date() + timedelta(days=1), time(0), tzinfo=SHANGHAI)
    leave_by = policy.visitor_leave_by
    if leave_by is None:
        return midnight
    closing = datetime.combine(entered.date(), leave_by, tzinfo=SHANGHAI)
    return closing if entered < closing else midnight


def _stay_until(policy: VehiclePolicy, now: datetime) -> Obligation:
    deadline = visitor_deadline(now, policy)
    minutes = -(-(deadline - now) // _MINUTE)
    return Obligation(
        Duty.TIME_LIMIT, minutes=minutes, note=f"不得在小区过夜，请于{deadline:%H:%M}前离开"
    )


def _visitor(facts: VehicleFacts, policy: VehiclePolicy, now: datetime) -> Decision:  # rule V-11
    p = facts.pass_
    if p is not None and p.kind is VehiclePassKind.TEMPORARY:
        return _allow("vehicle.visitor_pass", _VEHICLE_ROW, _stay_until(policy, now))
    if facts.verified is False:
        return _refuse("vehicle.visitor_unverified", _VEHICLE_ROW, _GUIDE_OUTSIDE)
    if facts.host_consent is None:
        return _pending(
            Pending.HOST_CONSENT,
            "vehicle.visitor_await",
            _VEHICLE_ROW,
            Obligation(Duty.NOTIFY_DESK),
        )
    if not facts.host_consent:
        return _refuse("vehicle.visitor_refused", _VEHICLE_ROW, _GUIDE_OUTSIDE)
    return _allow(
        "vehicle.visitor",
        _VEHICLE_ROW,
        Obligation(Duty.ISSUE_PASS, note="换发临时车辆出入证"),
        _stay_until(policy, now),
    )


def _other(facts: VehicleFacts, policy: VehiclePolicy, now: datetime) -> Decision:  # rule V-06
    return _turn_away("vehicle.not_allowed")


_ENTRIES = {
    VehicleKind.RESIDENT: _own_vehicle,
    VehicleKind.MONTHLY: _own_vehicle,
    VehicleKind.TEMPORARY: _temporary,
    VehicleKind.DELIVERY: _delivery,
    VehicleKind.STAFF: _staff,
    VehicleKind.TAXI: _taxi,
    VehicleKind.VISITOR: _visitor,
    VehicleKind.OTHER: _other,
}


# -- the way out --------------------------------------------------------------------------------


def charged_class(facts: VehicleFacts) -> VehicleClass | None:
    """The tariff class a vehicle pays at the exit, or None when it pays nothing there.

    Own vehicles pay only for a stay on a temporary card; staff vehicles pay the staff tariff,
    which a site whose policy makes them free sets to price 0 (V-04); goods trucks at an
    industrial site, taxis and emergency vehicles pay nothing.
    """
    kind = facts.kind
    if kind in (VehicleKind.RESIDENT, VehicleKind.MONTHLY):
        temporary = facts.card is not None and facts.card.kind is VehicleCard.TEMPORARY_CARD
        return VehicleClass.TEMPORARY if temporary else None
    if kind is VehicleKind.DELIVERY:
        return None if facts.errand is Errand.GOODS else VehicleClass.DELIVERY
    return {
        VehicleKind.TEMPORARY: VehicleClass.TEMPORARY,
        VehicleKind.VISITOR: VehicleClass.VISITOR,
        VehicleKind.STAFF: VehicleClass.STAFF,
    }.get(kind)


def _goods(facts: VehicleFacts, now: datetime) -> Decision | tuple[Obligation, ...]:
    """V-12: large items leave with a valid 《大件物品出入单》 the guard checked against the load;
    a mismatch (of the items or of the vehicle) is decided by the property office."""
    if not facts.large_items:
        return ()
    form = facts.exit_form
    if form is None:
        return _refuse("vehicle.goods_no_form")
    if form.status is FormStatus.REVOKED:
        return _refuse("vehicle.goods_form_revoked")
    if form.status is FormStatus.USED:
        return _refuse("vehicle.goods_form_used")
    if form.valid_on != _aware(now, "now").astimezone(SHANGHAI).date():
        return _refuse("vehicle.goods_form_wrong_day")
    listed = f"：{form.items}" if form.items else ""
    inspect = Obligation(Duty.INSPECT_ON_EXIT, note=f"核对《大件物品出入单》{form.number}{listed}")
    passed = (inspect, Obligation(Duty.COLLECT_SLIP, note=form.number))
    if facts.approval is True:
        return passed
    if facts.approval is False:
        return _refuse("vehicle.goods_refused")
    other_car = form.plate is not None and facts.plate is not None and form.plate != facts.plate
    if facts.exit_slip_ok is False or other_car:
        return _pending(
            Pending.APPROVAL,
            "vehicle.goods_await_office",
            inspect,
            Obligation(Duty.NOTIFY_DESK, note="由物业管理处判断处置"),
        )
    if facts.exit_slip_ok is None:
        return _pending(Pending.VERIFY, "vehicle.goods_form_check", inspect)
    return passed


def _exit(facts: VehicleFacts, policy: VehiclePolicy, now: datetime) -> Decision:
    goods = _goods(facts, now)
    if isinstance(goods, Decision):
        return goods
    extra: list[Obligation] = list(goods)
    if facts.mode is Mode.EPIDEMIC and facts.kind in OWN_KINDS:  # rule V-13
        extra.append(_OCCUPANTS_ROW)
    registered = facts.kind in (VehicleKind.DELIVERY, VehicleKind.VISITOR)
    close = (_CLOSE_VEHICLE_ROW,) if registered else ()
    vehicle_class = charged_class(facts)
    if vehicle_class is not None:
        fee = _fee_at_exit(facts, policy, now, vehicle_class, close, tuple(extra))
        if fee is not None:
            return fee
    if facts.kind is VehicleKind.DELIVERY and facts.errand is Errand.GOODS:  # rule V-08
        inspect = Obligation(Duty.INSPECT_ON_EXIT, note="例行检查有无带出公司物品")
        return _allow("vehicle.goods_left", inspect, *close, *extra)
    return _allow(_EXIT_REASONS[facts.kind], *close, *extra)


def _fee_at_exit(
    facts: VehicleFacts,
    policy: VehiclePolicy,
    now: datetime,
    vehicle_class: VehicleClass,
    close: tuple[Obligation, ...],
    extra: tuple[Obligation, ...],
) -> Decision | None:
    """V-07, PK-02: the barrier opens once the stay is paid; None when the stay cost nothing."""
    session = facts.session
    if session is None:
        return _pending(Pending.VERIFY, "vehicle.exit_without_entry", _MONITOR, *extra)
    if session.entered_at > now:
        return _pending(Pending.VERIFY, "vehicle.session_invalid", _MONITOR, *extra)
    charge = fee_for_class(
        policy.tariffs, vehicle_class, entered_at=session.entered_at, left_at=now
    )
    if charge.amount == 0:
        if vehicle_class is VehicleClass.TEMPORARY:
            return _allow("vehicle.fee_free", *close, *extra)
        return None
    delivery = vehicle_class is VehicleClass.DELIVERY  # rule PK-02: the excess over the hour
    due = charge.amount - facts.paid_fen
    if due <= 0:
        return _allow(
            "vehicle.delivery_fee_paid" if delivery else "vehicle.fee_paid", *close, *extra
        )
    note = charge.message
    if facts.paid_fen:
        paid = format_fen(facts.paid_fen, symbol=True)
        note += f"已付{paid}，尚需{format_fen(due, symbol=True)}。"
    owed = FeeDue(Duty.PAY_AT_EXIT, note=note, amount=due, charge=charge)
    reason = "vehicle.delivery_fee_due" if delivery else "vehicle.fee_due"
    return _pending(Pending.PAYMENT, reason, owed, *extra)


_EXIT_REASONS = {
    VehicleKind.RESIDENT: "vehicle.exit",
    VehicleKind.MONTHLY: "vehicle.exit",
    VehicleKind.TEMPORARY: "vehicle.fee_free",  # unreached: a temporary car always goes via the fee
    VehicleKind.DELIVERY: "vehicle.delivery_left",
    VehicleKind.STAFF: "vehicle.staff_left",
    VehicleKind.TAXI: "vehicle.taxi_left",
    VehicleKind.VISITOR: "vehicle.visitor_left",
    VehicleKind.OTHER: "vehicle.left",
}


# -- parking-session pairing --------------------------------------------------------------------


class Pairing(StrEnum):
    NORMAL = "normal"
    EXIT_WITHOUT_ENTRY = "exit_without_entry"  # an exit with no open session
    SECOND_ENTRY_WITHOUT_EXIT = "second_entry_without_exit"  # an entry while one is open


@dataclass(frozen=True, slots=True)
class PairingCheck:
    pairing: Pairing
    reason: str
    rule: str
    message: str

    @property
    def anomaly(self) -> bool:
        return self.pairing is not Pairing.NORMAL


def _pairing(pairing: Pairing, reason: str) -> PairingCheck:
    rule, message = REASONS[reason]
    return PairingCheck(pairing, reason, rule, message)


def check_pairing(*, direction: Direction, open_session: SessionFacts | None) -> PairingCheck:
    """Whether an entry or exit event pairs with the vehicle's open parking session (V-07).

    An entry opens a session and an exit closes one; an exit with none open, or a second entry
    while one is open, is an anomaly (a missed read, a car tailgating through, a cloned plate).
    """
    if direction is Direction.IN:
        if open_session is None:
            return _pairing(Pairing.NORMAL, "session.entry")
        return _pairing(Pairing.SECOND_ENTRY_WITHOUT_EXIT, "session.second_entry")
    if open_session is None:
        return _pairing(Pairing.EXIT_WITHOUT_ENTRY, "session.exit_without_entry")
    return _pairing(Pairing.NORMAL, "session.exit")


# -- dwell alerts -------------------------------------------------------------------------------


class Dwell(StrEnum):
    TAXI = "taxi"  # V-11: a taxi not gone after ``taxi_minutes``
    DELIVERY = "delivery"  # V-03: a delivery vehicle past ``delivery_minutes``
    OVERNIGHT = "overnight"  # V-11: a visitor vehicle past :func:`visitor_deadline`


@dataclass(frozen=True, slots=True)
class DwellAlert:
    session: SessionFacts
    dwell: Dwell
    due_at: datetime  # when the vehicle should have been gone
    reason: str
    rule: str
    message: str


def _due_at(session: SessionFacts, policy: VehiclePolicy) -> tuple[Dwell, datetime] | None:
    entered = _aware(session.entered_at, "entered_at")
    if session.kind is VehicleKind.TAXI:
        return Dwell.TAXI, entered + policy.taxi_minutes * _MINUTE
    if session.kind is VehicleKind.DELIVERY:
        return Dwell.DELIVERY, entered + policy.delivery_minutes * _MINUTE
    if session.kind is VehicleKind.VISITOR:
        return Dwell.OVERNIGHT, visitor_deadline(entered, policy)
    return None


_DWELL_REASONS = {
    Dwell.TAXI: "dwell.taxi",
    Dwell.DELIVERY: "dwell.delivery",
    Dwell.OVERNIGHT: "dwell.visitor_overnight",
}


def dwell_alerts(
    sessions: Iterable[SessionFacts], policy: VehiclePolicy, now: datetime
) -> tuple[DwellAlert, ...]:
    """The open sessions that have stayed too long, in the order given (V-03, V-11).

    A taxi or delivery vehicle is late once ``now`` is past its limit (leaving exactly at the
    limit is in time); a visitor vehicle is late from its deadline on.
    """
    _aware(now, "now")
    alerts: list[DwellAlert] = []
    for session in sessions:
        due = _due_at(session, policy)
        if due is None:
            continue
        dwell, due_at = due
        late = now >= due_at if dwell is Dwell.OVERNIGHT else now > due_at
        if late:
            reason = _DWELL_REASONS[dwell]
            rule, message = REASONS[reason]
            alerts.append(DwellAlert(session, dwell, due_at, reason, rule, message))
    return tuple(alerts)
