"""The demo: 东湖花园, a residential community after SPEC T4, and 五里工业园区, an industrial park
after T1 with its five sub-parks, plus a demo login for every role.

Two layers:

* **Plans** (``plan_donghu``, ``plan_wuli``) are pure data, built from a random generator seeded
  with a fixed string, so every run plans exactly the same sites, people, cars and cards. The full
  plan is always drawn; ``scale`` then keeps an evenly spread subset of the households and
  employees (tests use ``scale=0.1``), so a scaled demo is a subset of the full one. Buildings,
  houses, parking spaces, gates, posts, staff and enterprises are never scaled.
* **Applying** (``apply_site`` and ``build_demo`` in :mod:`gatehouse.demo.load`) writes what is
  missing, found by natural keys (site code, gate and lane codes, house number, ID-number hash,
  plate, card number, username), in one transaction per site: the layout here (``ensure_site``,
  ``ensure_layout``), the people in :mod:`gatehouse.demo.people` and the logins in
  :mod:`gatehouse.demo.accounts`. People, vehicles, credentials and blacklist entries go through
  :mod:`gatehouse.people.services`, which validate, seal ID numbers and phones, and audit; the
  actor of every audit row is the ``admin`` superuser. A second run finds everything present,
  writes nothing and takes a few dozen queries.

Every identifier is well-formed: ID numbers carry GB 11643 check digits, real region codes of
Wuhan / Ankang and birth dates that match the person's age; unified social credit codes carry the
GB 11714 and GB 32100 check characters; plates follow GA 36; card numbers are canonical hex UIDs.
The people are invented; any likeness to a real person or company is a coincidence.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from stdnum.cn import uscc

from gatehouse.people.models import (
    CredentialKind,
    CredentialStatus,
    HouseRelation,
    PersonKind,
)
from gatehouse.sites.models import (
    Building,
    Direction,
    Garage,
    Gate,
    House,
    KeyLocation,
    KeyLocationKind,
    Lane,
    LaneKind,
    ParkingSpace,
    ParkingSpaceKind,
    Post,
    PostKind,
    Site,
    SiteKind,
    Unit,
    Zone,
)
from gatehouse.sites.models import Checkpoint as CheckpointModel

SHANGHAI = ZoneInfo("Asia/Shanghai")
DONGHU = "donghu"
WULI = "wuli"
CAMPUS = "donghu-school"
# Ages are reckoned at this day; every birth date lies before it, so every ID number stays valid.
AGE_DAY = date(2024, 12, 31)
FULL_SCALE = 1.0


# =============================================================================================
# Plan data types
# =============================================================================================


@dataclass(frozen=True)
class LaneSpec:
    code: str
    name: str
    kind: str
    direction: str
    garage: str = ""


@dataclass(frozen=True)
class GateSpec:
    code: str
    name: str
    lanes: tuple[LaneSpec, ...]
    zone: str = ""
    open_when_tightened: bool = False


@dataclass(frozen=True)
class ZoneSpec:
    code: str
    name: str
    industry_focus: str


@dataclass(frozen=True)
class GarageSpec:
    code: str
    name: str
    spaces: tuple[tuple[str, str], ...]  # (number, ParkingSpaceKind)


@dataclass(frozen=True)
class HouseSpec:
    number: str  # 楼栋-单元-房号, e.g. 3-2-1201
    building: str
    unit: str
    room: str
    area_m2: Decimal | None
    kind: str = "home"  # a campus's class or dormitory room (HouseKind)
    label: str = ""


@dataclass(frozen=True)
class KeyLocationSpec:
    name: str
    kind: str
    description: str
    zone: str = ""


@dataclass(frozen=True)
class CheckpointSpec:
    code: str
    name: str
    location: str
    key_location: str = ""  # name of a KeyLocationSpec


@dataclass(frozen=True)
class PostSpec:
    name: str
    kind: str
    headcount: int
    gate: str = ""
    garage: str = ""
    staffed_from: time = time(0, 0)
    staffed_until: time = time(0, 0)  # equal to staffed_from: round the clock


@dataclass(frozen=True)
class EnterpriseSpec:
    name: str
    zone: str
    uscc: str
    industry: str
    contact_name: str = ""
    contact_phone: str = ""


@dataclass(frozen=True)
class PersonSpec:
    name: str
    kind: str
    id_number: str  # the natural key (through its keyed hash)
    phone: str = ""
    enterprise: str = ""
    note: str = ""
    houses: tuple[tuple[str, str], ...] = ()  # (house number, HouseRelation)


@dataclass(frozen=True)
class VehicleSpec:
    plate: str
    owner: str = ""  # ID number of the owner
    enterprise: str = ""
    brand: str = ""
    color: str = ""


@dataclass(frozen=True)
class CredentialSpec:
    kind: str
    number: str  # canonical
    person: str = ""  # ID number of the holder
    vehicle: str = ""  # plate
    valid_from: date = date(2020, 1, 1)
    valid_days: int | None = None  # open-ended, else days after the load day
    status: str = CredentialStatus.ACTIVE


@dataclass(frozen=True)
class BlacklistSpec:
    reason: str
    name: str = ""
    id_number: str = ""
    plate: str = ""
    days_ago: int = 30
    valid_days: int | None = None  # expiry, counted from the start


@dataclass
class SitePlan:
    code: str
    name: str
    kind: str
    address: str
    operator: str
    desk_opens: time = time(8, 0)
    desk_closes: time = time(18, 0)
    zones: list[ZoneSpec] = field(default_factory=list)
    garages: list[GarageSpec] = field(default_factory=list)
    gates: list[GateSpec] = field(default_factory=list)
    houses: list[HouseSpec] = field(default_factory=list)
    key_locations: list[KeyLocationSpec] = field(default_factory=list)
    checkpoints: list[CheckpointSpec] = field(default_factory=list)
    posts: list[PostSpec] = field(default_factory=list)
    enterprises: list[EnterpriseSpec] = field(default_factory=list)
    people: list[PersonSpec] = field(default_factory=list)
    vehicles: list[VehicleSpec] = field(default_factory=list)
    credentials: list[CredentialSpec] = field(default_factory=list)
    blacklist: list[BlacklistSpec] = field(default_factory=list)
    logins: dict[str, str] = field(default_factory=dict)  # username -> ID number of the person
    guardians: list[tuple[str, str]] = field(default_factory=list)  # (parent, student) ID numbers

    def residents(self) -> list[PersonSpec]:
        return [p for p in self.people if p.houses]


# =============================================================================================
# Identifiers
# =============================================================================================

# 百家姓 by frequency, most common first (the weight falls with the rank).
_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏"
    "魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵"
)
_SURNAME_WEIGHTS = tuple(1 / (rank + 4) for rank in range(len(_SURNAMES)))

_GIVEN = {
    ("old", True): "建国 建华 国强 志强 德明 建军 卫东 红兵 文明 永福 海涛 国平 志刚 振华 光明 "
    "学军 汉生 长江 汉平 德华 勇 斌 军 强 平 刚 伟 杰 华 明",
    ("old", False): "秀英 桂英 秀兰 玉兰 桂兰 凤英 淑珍 丽华 红梅 春梅 美华 玉梅 素芳 秀珍 淑英 "
    "汉英 芳 华 敏 静 丽 艳 红 萍 琴 霞",
    ("mid", True): "伟 磊 洋 勇 军 杰 涛 超 明 鹏 辉 浩 斌 峰 亮 鑫 宇 晨 俊杰 志伟 海波 晓东 "
    "立新 文博 家豪 浩然 俊峰 宏伟 振宇 天明 建平 小龙 志勇 云飞",
    ("mid", False): "静 丽 敏 燕 艳 娟 霞 婷 雪 琳 倩 晶 颖 丹 佳 慧 晓燕 丽娟 海燕 雪梅 婷婷 "
    "晓丽 文静 思琪 梦瑶 佳琪 雅琴 小红 玲 莉",
    ("young", True): "子轩 浩宇 宇轩 梓豪 俊熙 一鸣 皓轩 子墨 宇航 博文 沐辰 奕辰 天佑 思远 "
    "铭泽 睿 锦程 承泽 梓睿 嘉乐 煜 晨阳",
    ("young", False): "梓涵 子涵 欣怡 梓萱 诗涵 一诺 语桐 可馨 雨萱 思彤 若曦 欣妍 佳怡 紫涵 "
    "梦琪 依诺 书瑶 芷若 雨桐 安然 语汐 沐晴",
}
_GIVEN_NAMES = {key: tuple(names.split()) for key, names in _GIVEN.items()}

# Real region codes (GB/T 2260), weighted by how many residents come from them.
_WUHAN = (
    ("420102", 8),
    ("420103", 7),
    ("420104", 6),
    ("420105", 6),
    ("420106", 10),
    ("420107", 6),
    ("420111", 14),
    ("420112", 4),
    ("420113", 2),
    ("420114", 3),
    ("420115", 5),
    ("420116", 5),
    ("420117", 4),
)  # 江岸 江汉 硚口 汉阳 武昌 青山 洪山 东西湖 汉南 蔡甸 江夏 黄陂 新洲
_HUBEI = (
    ("420202", 1),
    ("420302", 1),
    ("420502", 1),
    ("420602", 1),
    ("420881", 1),
    ("420902", 2),
    ("421002", 1),
    ("421122", 2),
    ("421127", 2),
    ("421181", 2),
    ("421281", 1),
    ("422801", 1),
)  # 黄石港 茅箭 西陵 襄城 钟祥 孝南 沙市 红安 黄梅 麻城 赤壁 恩施
_ANKANG_BEFORE_1988 = (
    ("612421", 8),
    ("612422", 2),
    ("612423", 1),
    ("612424", 1),
    ("612425", 2),
    ("612426", 1),
    ("612427", 1),
    ("612428", 1),
    ("612429", 2),
    ("612430", 1),
)  # 安康县 and the counties of 安康地区
_ANKANG_1988_1999 = (("612401", 8), *_ANKANG_BEFORE_1988[1:])  # 安康市 (county-level)
_ANKANG_FROM_2000 = (
    ("610902", 8),
    ("610921", 2),
    ("610922", 1),
    ("610923", 1),
    ("610924", 2),
    ("610925", 1),
    ("610926", 1),
    ("610927", 1),
    ("610928", 2),
    ("610929", 1),
)  # 汉滨区 and the counties of 安康市
_SHAANXI_OTHERS = (("610113", 2), ("610502", 1), ("610702", 2), ("420302", 1), ("500101", 1))

# Mobile prefixes of the three carriers (13x / 15x / 18x).
_MOBILE_PREFIXES = (
    *(f"13{d}" for d in range(10)),
    *(f"15{d}" for d in (0, 1, 2, 3, 5, 6, 7, 8, 9)),
    *(f"18{d}" for d in range(10)),
)
_PLATE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"  # GA 36: no I, no O
_PLATE_PATTERNS = (
    ("DDDDD", 30),
    ("LDDDD", 25),
    ("DLDDD", 10),
    ("DDDDL", 10),
    ("LLDDD", 8),
    ("DDDLL", 5),
    ("DLDDL", 5),
    ("DDLDD", 7),
)
_CARS = (
    ("大众朗逸", ""),
    ("大众帕萨特", ""),
    ("丰田卡罗拉", ""),
    ("丰田凯美瑞", ""),
    ("本田雅阁", ""),
    ("本田CR-V", ""),
    ("日产轩逸", ""),
    ("别克英朗", ""),
    ("别克GL8", ""),
    ("吉利星越L", ""),
    ("长安CS75 PLUS", ""),
    ("哈弗H6", ""),
    ("宝马3系", ""),
    ("奥迪A4L", ""),
    ("奔驰C级", ""),
    ("东风雪铁龙C5", ""),
    ("东风风神奕炫", ""),
    ("马自达CX-5", ""),
    ("红旗H5", ""),
    ("比亚迪秦PLUS DM-i", "F"),
    ("比亚迪海豚", "D"),
    ("特斯拉Model 3", "D"),
    ("特斯拉Model Y", "D"),
    ("理想L7", "F"),
    ("蔚来ES6", "D"),
    ("小鹏P7", "D"),
    ("五菱宏光MINIEV", "D"),
    ("岚图FREE", "F"),
    ("问界M7", "F"),
)
_COLORS = (
    ("白色", 35),
    ("黑色", 25),
    ("银色", 12),
    ("灰色", 12),
    ("蓝色", 6),
    ("红色", 5),
    ("棕色", 2),
    ("绿色", 2),
)


def _pick(rng: random.Random, weighted: Sequence[tuple[str, int]]) -> str:
    return rng.choices([v for v, _ in weighted], weights=[w for _, w in weighted])[0]


_ID_WEIGHTS = tuple(2 ** (17 - i) % 11 for i in range(17))  # 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2


def id_check_digit(body: str) -> str:
    """The GB 11643 (ISO 7064 MOD 11-2) check character of the first 17 digits of an ID number."""
    total = sum(int(c) * w for c, w in zip(body, _ID_WEIGHTS, strict=True))
    return "10X98765432"[total % 11]


def org_code_check(body: str) -> str:
    """The GB 11714 check character of an 8-character organisation code."""
    total = sum(int(c, 36) * w for c, w in zip(body, (3, 7, 9, 10, 5, 8, 4, 2), strict=True))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


class _Factory:
    """Seeded source of names, ID numbers, phones, cards and plates, none repeated."""

    def __init__(self, seed: str) -> None:
        self.rng = random.Random(seed)
        self._ids: set[str] = set()
        self._phones: set[str] = set()
        self._cards: set[str] = set()
        self._plates: set[str] = set()

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def surname(self) -> str:
        return self.rng.choices(_SURNAMES, weights=_SURNAME_WEIGHTS)[0]

    def name(self, *, male: bool, born: date, surname: str = "") -> str:
        era = "old" if born.year < 1970 else "mid" if born.year < 1995 else "young"
        return (surname or self.surname()) + self.rng.choice(_GIVEN_NAMES[(era, male)])

    def birth(self, first_year: int, last_year: int) -> date:
        first = date(max(first_year, 1930), 1, 1)
        last = min(date(last_year, 12, 31), AGE_DAY - timedelta(days=30))
        return first + timedelta(days=self.rng.randrange((last - first).days + 1))

    def day(self, first: date, last: date) -> date:
        return first + timedelta(days=self.rng.randrange((last - first).days + 1))

    def id_number(self, region: str, born: date, *, male: bool) -> str:
        while True:
            sequence = self.rng.randrange(1, 999)
            if sequence % 2 != int(male):  # the 17th digit is odd for men, even for women
                sequence += 1
            body = f"{region}{born:%Y%m%d}{sequence:03d}"
            if body not in self._ids:
                self._ids.add(body)
                return body + id_check_digit(body)

    def phone(self) -> str:
        while True:
            number = self.rng.choice(_MOBILE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"
            if number not in self._phones:
                self._phones.add(number)
                return number

    def card(self) -> str:
        """A canonical card UID: 4-byte Mifare Classic, or 7-byte NXP (manufacturer byte 04)."""
        while True:
            if self.chance(0.15):
                number = f"04{self.rng.getrandbits(48):012X}"
            else:
                number = f"{self.rng.getrandbits(32):08X}"
            if number not in self._cards:
                self._cards.add(number)
                return number

    def plate(self, prefix: str, *, energy: str = "", large: bool = False) -> str:
        """A GA 36 plate: ``energy`` "D"/"F" makes it new-energy (small, or ``large``)."""
        while True:
            digits = "".join(str(self.rng.randrange(10)) for _ in range(5))
            if energy and large:
                serial = digits + energy
            elif energy:
                serial = energy + digits
            else:
                pattern = _pick(self.rng, _PLATE_PATTERNS)
                serial = "".join(
                    self.rng.choice(_PLATE_LETTERS) if c == "L" else digits[i]
                    for i, c in enumerate(pattern)
                )
            plate = prefix + serial
            if plate not in self._plates:
                self._plates.add(plate)
                return plate

    def car(self, prefix: str, *, nev_share: float = 0.22) -> tuple[str, str, str]:
        """(plate, brand, colour) of a private car."""
        nev = [c for c in _CARS if c[1]]
        fuel = [c for c in _CARS if not c[1]]
        brand, energy = self.rng.choice(nev if self.chance(nev_share) else fuel)
        return self.plate(prefix, energy=energy), brand, _pick(self.rng, _COLORS)

    def uscc(self, region: str, *, modern: bool) -> str:
        """A unified social credit code of a company (registered by SAMR: 9, enterprise: 1)."""
        if modern:  # codes issued since 2015 start with "MA"
            alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
            body = "MA" + "".join(self.rng.choice(alphabet) for _ in range(6))
        else:
            body = f"{self.rng.randrange(10**8):08d}"
        code = f"91{region}{body}{org_code_check(body)}"
        return code + uscc.calc_check_digit(code)


def _selected(index: int, scale: float) -> bool:
    """Whether item ``index`` belongs to the evenly spread subset kept at ``scale``."""
    return int((index + 1) * scale) > int(index * scale)


def _birth_date(id_number: str) -> date:
    return date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))


def at_day(day: date, hour: int = 9) -> datetime:
    return datetime.combine(day, time(hour, 0), tzinfo=SHANGHAI)


# =============================================================================================
# 东湖花园 — a residential community after T4
# =============================================================================================

_DONGHU_LOGIN_HOUSE = "3-2-1201"  # the demo resident's home, kept at every scale


def _donghu_structure(plan: SitePlan) -> None:
    plan.garages.append(
        GarageSpec(
            "b1",
            "地下车库",
            tuple(
                (
                    f"B1-{n:03d}",
                    ParkingSpaceKind.OWNED
                    if n <= 120
                    else ParkingSpaceKind.LEASED
                    if n <= 270
                    else ParkingSpaceKind.TEMPORARY,
                )
                for n in range(1, 301)
            ),
        )
    )

    def street_gate(code: str, name: str, *, open_when_tightened: bool = False) -> GateSpec:
        return GateSpec(
            code,
            name,
            (
                LaneSpec("motor-in", "机动车道（入）", LaneKind.MOTOR, Direction.IN),
                LaneSpec("motor-out", "机动车道（出）", LaneKind.MOTOR, Direction.OUT),
                LaneSpec("walk-in", "非机动车道（入）", LaneKind.NON_MOTOR, Direction.IN),
                LaneSpec("walk-out", "非机动车道（出）", LaneKind.NON_MOTOR, Direction.OUT),
            ),
            open_when_tightened=open_when_tightened,
        )

    def garage_gate(code: str, name: str) -> GateSpec:
        return GateSpec(
            code,
            name,
            (
                LaneSpec("garage-in", "车库入口", LaneKind.GARAGE, Direction.IN, garage="b1"),
                LaneSpec("garage-out", "车库出口", LaneKind.GARAGE, Direction.OUT, garage="b1"),
            ),
        )

    plan.gates += [
        street_gate("east", "东门", open_when_tightened=True),
        street_gate("west", "西门"),
        garage_gate("garage-1", "地下车库1号出入口（东）"),
        garage_gate("garage-2", "地下车库2号出入口（西）"),
    ]
    # 1–3栋: 15 floors; 4–6栋: 10 floors; 2 units, 2 flats a floor: 180 + 120 = 300 houses.
    for building in range(1, 7):
        floors, areas = (15, ("128.56", "98.32")) if building <= 3 else (10, ("143.20", "116.75"))
        for unit in (1, 2):
            for floor in range(1, floors + 1):
                for flat in (1, 2):
                    room = f"{floor}{flat:02d}"
                    plan.houses.append(
                        HouseSpec(
                            f"{building}-{unit}-{room}",
                            str(building),
                            str(unit),
                            room,
                            Decimal(areas[flat - 1]),
                        )
                    )
    plan.key_locations += [
        KeyLocationSpec("配电房", KeyLocationKind.POWER, "地下车库B1层东侧，非电工禁入"),
        KeyLocationSpec("消防通道（5栋—6栋）", KeyLocationKind.FIRE_EXIT, "严禁停放车辆、堆放杂物"),
        KeyLocationSpec("燃气调压站", KeyLocationKind.GAS, "小区北侧绿化带内，严禁烟火"),
        KeyLocationSpec("监控中心", KeyLocationKind.MONITORING, "1栋一层物业服务中心内"),
        KeyLocationSpec("生活水泵房", KeyLocationKind.OTHER, "地下车库B1层西侧"),
        KeyLocationSpec("电梯机房（1栋）", KeyLocationKind.OTHER, "1栋屋顶"),
        KeyLocationSpec("物业仓库", KeyLocationKind.WAREHOUSE, "6栋架空层，存放工具与应急物资"),
        KeyLocationSpec("沿江大门（已封闭）", KeyLocationKind.OTHER, "小拱门已加装铁门封闭"),
    ]
    plan.checkpoints += [
        CheckpointSpec("cp01", "东门岗亭", "东门"),
        CheckpointSpec("cp02", "西门岗亭", "西门"),
        CheckpointSpec("cp03", "沿江大门", "小区南侧沿江", "沿江大门（已封闭）"),
        CheckpointSpec("cp04", "配电房", "地下车库B1层东侧", "配电房"),
        CheckpointSpec("cp05", "生活水泵房", "地下车库B1层西侧", "生活水泵房"),
        CheckpointSpec("cp06", "燃气调压站", "小区北侧绿化带", "燃气调压站"),
        CheckpointSpec("cp07", "消防通道", "5栋—6栋之间", "消防通道（5栋—6栋）"),
        CheckpointSpec("cp08", "地下车库东区", "B1-001至B1-150车位"),
        CheckpointSpec("cp09", "地下车库西区", "B1-151至B1-300车位"),
        CheckpointSpec("cp10", "中心花园", "1栋—3栋楼间"),
        CheckpointSpec("cp11", "架空层", "4栋—6栋一层"),
        CheckpointSpec("cp12", "儿童游乐场", "2栋南侧"),
        CheckpointSpec("cp13", "商铺后巷", "东门北侧沿街商铺背面"),
    ]
    plan.posts += [  # T4: staffing of the closed management (24 hours unless stated)
        PostSpec("东门非机动车道岗", PostKind.GATE, 2, gate="east"),
        PostSpec("西门非机动车道岗", PostKind.GATE, 2, gate="west"),
        PostSpec("地下车库1号出入口岗", PostKind.GARAGE, 1, gate="garage-1", garage="b1"),
        PostSpec("地下车库2号出入口岗", PostKind.GARAGE, 1, gate="garage-2", garage="b1"),
        PostSpec("地下车库巡查岗", PostKind.GARAGE, 1, garage="b1"),
        PostSpec("户外巡逻岗", PostKind.PATROL, 2),
        PostSpec("监控中心岗", PostKind.MONITORING, 2),
        PostSpec("客服前台", PostKind.FRONT_DESK, 2, staffed_from=time(8), staffed_until=time(18)),
    ]


def _wuhan_region(f: _Factory) -> str:
    return _pick(f.rng, _WUHAN if f.chance(0.8) else _HUBEI)


def _person(
    f: _Factory,
    kind: str,
    *,
    born: date,
    male: bool,
    region: str,
    surname: str = "",
    house: str = "",
    relation: str = "",
    enterprise: str = "",
    note: str = "",
) -> PersonSpec:
    adult = (AGE_DAY - born).days >= 14 * 365
    return PersonSpec(
        name=f.name(male=male, born=born, surname=surname),
        kind=kind,
        id_number=f.id_number(region, born, male=male),
        phone=f.phone() if adult else "",
        enterprise=enterprise,
        note=note,
        houses=((house, relation),) if house else (),
    )


def _household(
    f: _Factory, house: str, *, forced_kind: str = ""
) -> tuple[list[PersonSpec], list[tuple[PersonSpec, str]], date, int | None]:
    """One household: its people, the drivers among them, the move-in day and lease length."""
    kind = forced_kind or f.rng.choices(["own", "rented", "vacant"], weights=[74, 19, 7])[0]
    moved_in = f.day(date(2019, 9, 1), date(2024, 10, 31))
    people: list[PersonSpec] = []
    drivers: list[tuple[PersonSpec, str]] = []
    if kind == "own":
        male = f.chance(0.65)
        born = f.birth(1950, 1994)
        owner = _person(
            f,
            PersonKind.OWNER,
            born=born,
            male=male,
            region=_wuhan_region(f),
            house=house,
            relation="owner",
        )
        people.append(owner)
        spouse = None
        if f.chance(0.88):
            spouse_born = f.birth(born.year - 4, born.year + 4)
            spouse = _person(
                f,
                PersonKind.FAMILY,
                born=spouse_born,
                male=not male,
                region=_wuhan_region(f),
                house=house,
                relation="family",
            )
            people.append(spouse)
        father = owner.name[0] if male or spouse is None else spouse.name[0]
        if born.year >= 1972:
            for _ in range(f.rng.choices([0, 1, 2], weights=[15, 50, 35])[0]):
                kid_year = born.year + f.rng.randrange(24, 37)
                if kid_year <= AGE_DAY.year - 1:
                    people.append(
                        _person(
                            f,
                            PersonKind.FAMILY,
                            born=f.birth(kid_year, kid_year),
                            male=f.chance(0.5),
                            region=_pick(f.rng, _WUHAN),
                            surname=father,
                            house=house,
                            relation="family",
                        )
                    )
            if born.year >= 1965 and f.chance(0.12):
                parent_year = max(born.year - f.rng.randrange(24, 33), 1936)
                people.append(
                    _person(
                        f,
                        PersonKind.FAMILY,
                        born=f.birth(parent_year, parent_year),
                        male=f.chance(0.4),
                        region=_pick(f.rng, _HUBEI),
                        house=house,
                        relation="family",
                        note="随子女居住",
                    )
                )
        elif f.chance(0.45):
            child_year = born.year + f.rng.randrange(24, 31)
            child_male = f.chance(0.5)
            child = _person(
                f,
                PersonKind.FAMILY,
                born=f.birth(child_year, child_year),
                male=child_male,
                region=_pick(f.rng, _WUHAN),
                surname=father,
                house=house,
                relation="family",
            )
            people.append(child)
            if child_year <= 1992 and f.chance(0.35):
                grandchild_year = min(child_year + f.rng.randrange(25, 32), AGE_DAY.year - 1)
                people.append(
                    _person(
                        f,
                        PersonKind.FAMILY,
                        born=f.birth(grandchild_year, grandchild_year),
                        male=f.chance(0.5),
                        region=_pick(f.rng, _WUHAN),
                        surname=child.name[0] if child_male else "",
                        house=house,
                        relation="family",
                    )
                )
        adults = [p for p in people if p.phone]
        cars = f.rng.choices([0, 1, 2], weights=[18, 63, 19])[0]
        chosen = f.rng.sample(adults, min(len(adults), cars))
        if forced_kind and owner not in chosen:  # the demo resident drives a car of their own
            chosen = [owner, *chosen[1:]]
        for driver in chosen:
            drivers.append((driver, "鄂A" if f.chance(0.85) else "鄂" + f.rng.choice("BEJKL")))
        return people, drivers, moved_in, None
    born = f.birth(1955, 1985)
    note = "房屋出租，本人不在此居住" if kind == "rented" else "房屋空置，装修中"
    people.append(
        _person(
            f,
            PersonKind.OWNER,
            born=born,
            male=f.chance(0.6),
            region=_wuhan_region(f),
            house=house,
            relation="owner",
            note=note,
        )
    )
    if kind == "vacant":
        return people, drivers, moved_in, None
    lease_start = f.day(date(2022, 3, 1), date(2024, 11, 30))
    count = f.rng.choices([1, 2, 3], weights=[35, 45, 20])[0]
    couple = count == 2 and f.chance(0.5)
    first_male = f.chance(0.5)
    for i in range(count):
        male = (not first_male if i else first_male) if couple else f.chance(0.55)
        people.append(
            _person(
                f,
                PersonKind.TENANT,
                born=f.birth(1985, 2002),
                male=male,
                region=_pick(f.rng, _HUBEI if f.chance(0.6) else _WUHAN),
                house=house,
                relation="tenant",
            )
        )
    if f.chance(0.35):
        drivers.append((people[1], "鄂A" if f.chance(0.6) else "鄂" + f.rng.choice("BFHJK")))
    return people, drivers, lease_start, f.rng.randrange(60, 541)


def _staff(
    f: _Factory,
    plan: SitePlan,
    roles: Sequence[tuple[str, str, int, float]],
    region: Callable[[_Factory, date], str],
    hired: tuple[date, date],
) -> dict[str, PersonSpec]:
    """Staff as Person records with badges; returns the first person of each role note."""
    firsts: dict[str, PersonSpec] = {}
    for note, kind, count, male_share in roles:
        for _ in range(count):
            born = f.birth(1966, 2000)
            person = _person(
                f, kind, born=born, male=f.chance(male_share), region=region(f, born), note=note
            )
            plan.people.append(person)
            firsts.setdefault(note, person)
            plan.credentials.append(
                CredentialSpec(
                    CredentialKind.STAFF_BADGE,
                    f.card(),
                    person=person.id_number,
                    valid_from=f.day(*hired),
                )
            )
    return firsts


def plan_donghu(scale: float = FULL_SCALE) -> SitePlan:
    """东湖花园 in 武汉市洪山区: 2 gates, a garage with 2 entrances, 300 houses, ~800 residents."""
    f = _Factory("gatehouse-demo:donghu")
    plan = SitePlan(
        code=DONGHU,
        name="东湖花园",
        kind=SiteKind.RESIDENTIAL,
        address="湖北省武汉市洪山区东湖路168号",
        operator="武汉楚天物业服务有限公司",
    )
    _donghu_structure(plan)
    guard = PersonKind.GUARD
    staff = PersonKind.PROPERTY_STAFF
    firsts = _staff(
        f,
        plan,
        [
            ("安保主管", staff, 1, 0.8),
            ("项目经理", staff, 1, 0.5),
            ("客服前台", staff, 4, 0.1),
            ("工程维修", staff, 3, 1.0),
            ("保洁主管", staff, 1, 0.2),
            ("秩序维护员（东门）", guard, 5, 0.9),
            ("秩序维护员（西门）", guard, 5, 0.9),
            ("车库出入口岗", guard, 4, 0.9),
            ("车库巡查", guard, 2, 1.0),
            ("户外巡逻", guard, 4, 1.0),
            ("监控员", guard, 4, 0.5),
        ],
        lambda f, born: _pick(f.rng, _HUBEI if f.chance(0.7) else _WUHAN),
        (date(2019, 6, 1), date(2024, 9, 30)),
    )
    for username, note in (
        ("guard_east", "秩序维护员（东门）"),
        ("guard_west", "秩序维护员（西门）"),
        ("monitor", "监控员"),
        ("patrol", "户外巡逻"),
        ("desk", "客服前台"),
        ("manager", "安保主管"),
    ):
        plan.logins[username] = firsts[note].id_number

    lost_every = 50  # about one resident in fifty has reported a lost card and got a new one
    resident_index = 0
    for index, house in enumerate(plan.houses):
        forced = "own" if house.number == _DONGHU_LOGIN_HOUSE else ""
        people, drivers, since, lease_days = _household(f, house.number, forced_kind=forced)
        cards = []
        for person in people:
            resident_index += 1
            valid_days = lease_days if person.kind == PersonKind.TENANT else None
            start = max(since, _birth_date(person.id_number))  # a baby born after moving in
            if resident_index % lost_every == 0:
                cards.append(
                    CredentialSpec(
                        CredentialKind.OWNER_CARD,
                        f.card(),
                        person=person.id_number,
                        valid_from=start,
                        valid_days=valid_days,
                        status=CredentialStatus.LOST,
                    )
                )
                reissued = min(start + timedelta(days=f.rng.randrange(60, 600)), AGE_DAY)
                cards.append(
                    CredentialSpec(
                        CredentialKind.OWNER_CARD,
                        f.card(),
                        person=person.id_number,
                        valid_from=reissued,
                        valid_days=valid_days,
                    )
                )
            else:
                cards.append(
                    CredentialSpec(
                        CredentialKind.OWNER_CARD,
                        f.card(),
                        person=person.id_number,
                        valid_from=start,
                        valid_days=valid_days,
                    )
                )
        vehicles = []
        for driver, prefix in drivers:
            plate, brand, color = f.car(prefix)
            vehicles.append(VehicleSpec(plate, owner=driver.id_number, brand=brand, color=color))
            valid_days = lease_days if driver.kind == PersonKind.TENANT else None
            with_plate, with_card = f.chance(0.9), f.chance(0.6)
            if with_plate or not with_card:
                cards.append(
                    CredentialSpec(
                        CredentialKind.PLATE,
                        plate,
                        person=driver.id_number,
                        vehicle=plate,
                        valid_from=since,
                        valid_days=valid_days,
                    )
                )
            if with_card:
                cards.append(
                    CredentialSpec(
                        CredentialKind.PARKING_CARD,
                        f.card(),
                        person=driver.id_number,
                        vehicle=plate,
                        valid_from=since,
                        valid_days=valid_days,
                    )
                )
        if forced:
            plan.logins["resident"] = people[0].id_number
        if forced or _selected(index, scale):
            plan.people += people
            plan.vehicles += vehicles
            plan.credentials += cards

    banned_born = f.birth(1979, 1979)
    plan.blacklist += [
        BlacklistSpec(
            "2024年11月在小区内盗窃电动车电瓶，已移交派出所处理，禁止进入小区",
            name="马志刚",
            id_number=f.id_number("420115", banned_born, male=True),
            days_ago=40,
        ),
        BlacklistSpec(
            "多次强行冲卡并占用消防通道，经业主委员会决议一年内禁止驶入",
            plate=f.plate("鄂A"),
            days_ago=20,
            valid_days=365,
        ),
    ]
    return plan


# =============================================================================================
# 五里工业园区 — an industrial park after T1
# =============================================================================================

_WULI_ZONES = (
    ZoneSpec("fuxi-food", "富硒食品园", "富硒食品"),
    ZoneSpec("logistics", "现代物流园", "现代物流及相关加工"),
    ZoneSpec("chaoyang", "综合产业园(朝阳产业城)", "电子、电器加工和农副产品加工"),
    ZoneSpec("materials", "新型材料园", "新型材料"),
    ZoneSpec("auto", "汽车产业城", "汽车零配件加工和整车装配"),
)
# (name, zone, industry, employees, modern code, company vehicles: (brand, plate energy, large))
_Fleet = tuple[tuple[str, str, bool], ...]
_WULI_ENTERPRISES: tuple[tuple[str, str, str, int, bool, _Fleet], ...] = (
    (
        "安康秦巴硒茶有限公司",
        "fuxi-food",
        "富硒茶叶加工",
        32,
        False,
        (("五菱荣光面包车", "", False), ("江淮骏铃轻卡", "", False)),
    ),
    (
        "安康硒源食品科技有限公司",
        "fuxi-food",
        "富硒食品深加工",
        28,
        True,
        (("福田欧马可冷藏车", "", False), ("五菱荣光面包车", "", False)),
    ),
    (
        "汉滨区瀛湖魔芋制品有限公司",
        "fuxi-food",
        "魔芋制品",
        18,
        True,
        (("江淮骏铃轻卡", "", False),),
    ),
    (
        "安康陕南现代物流有限公司",
        "logistics",
        "仓储与城市配送",
        30,
        False,
        (
            ("陕汽德龙X3000牵引车", "", False),
            ("东风天锦厢式货车", "", False),
            ("东风天锦厢式货车", "", False),
            ("比亚迪T5新能源物流车", "D", True),
        ),
    ),
    (
        "安康汇通冷链物流有限公司",
        "logistics",
        "冷链物流及农产品分拣",
        20,
        True,
        (("福田欧马可冷藏车", "", False), ("解放J6P冷藏车", "", False)),
    ),
    (
        "安康朝阳电子科技有限公司",
        "chaoyang",
        "电子元器件",
        40,
        True,
        (("宇通E8新能源班车", "D", True), ("别克GL8商务车", "", False)),
    ),
    (
        "安康恒远电器制造有限公司",
        "chaoyang",
        "小家电制造",
        26,
        False,
        (("东风天锦厢式货车", "", False),),
    ),
    (
        "安康五里农副产品加工有限公司",
        "chaoyang",
        "农副产品加工",
        16,
        True,
        (("江淮骏铃轻卡", "", False),),
    ),
    (
        "安康富源新型建材有限公司",
        "materials",
        "新型墙体材料",
        22,
        False,
        (("陕汽德龙X3000自卸车", "", False), ("陕汽德龙X3000自卸车", "", False)),
    ),
    (
        "陕西秦岭石墨新材料有限公司",
        "materials",
        "石墨新材料",
        18,
        True,
        (("依维柯得意", "", False),),
    ),
    (
        "安康汉江汽车零部件有限公司",
        "auto",
        "汽车零配件加工",
        35,
        False,
        (("东风天锦厢式货车", "", False), ("五菱荣光面包车", "", False)),
    ),
    (
        "陕西安康华星汽车装配有限公司",
        "auto",
        "整车装配",
        38,
        True,
        (("陕汽德龙X3000牵引车", "", False), ("宇通E8新能源班车", "D", True)),
    ),
    ("安康精工机械制造有限公司", "auto", "机械加工", 20, True, (("江淮骏铃轻卡", "", False),)),
)


def _ankang_region(f: _Factory, born: date) -> str:
    if f.chance(0.12):
        return _pick(f.rng, _SHAANXI_OTHERS)
    if born.year >= 2000:
        return _pick(f.rng, _ANKANG_FROM_2000)
    return _pick(f.rng, _ANKANG_1988_1999 if born.year >= 1988 else _ANKANG_BEFORE_1988)


def _wuli_structure(plan: SitePlan) -> None:
    plan.zones += list(_WULI_ZONES)
    plan.gates += [
        GateSpec(
            "main",
            "园区主大门",
            (
                LaneSpec("motor-in", "机动车道（入）", LaneKind.MOTOR, Direction.IN),
                LaneSpec("motor-out", "机动车道（出）", LaneKind.MOTOR, Direction.OUT),
                LaneSpec("walk-in", "人行通道（入）", LaneKind.NON_MOTOR, Direction.IN),
                LaneSpec("walk-out", "人行通道（出）", LaneKind.NON_MOTOR, Direction.OUT),
            ),
            open_when_tightened=True,
        ),
        GateSpec(
            "logistics",
            "物流通道",
            (
                LaneSpec("truck-in", "货车道（入）", LaneKind.MOTOR, Direction.IN),
                LaneSpec("truck-out", "货车道（出）", LaneKind.MOTOR, Direction.OUT),
            ),
            zone="logistics",
        ),
    ]
    plan.key_locations += [
        KeyLocationSpec("员工宿舍", KeyLocationKind.DORMITORY, "综合产业园北区", "chaoyang"),
        KeyLocationSpec("职工食堂", KeyLocationKind.CANTEEN, "综合产业园服务中心一层", "chaoyang"),
        KeyLocationSpec("天然气调压站", KeyLocationKind.GAS, "富硒食品园东南角", "fuxi-food"),
        KeyLocationSpec("园区变电站", KeyLocationKind.POWER, "新型材料园西侧，35kV", "materials"),
        KeyLocationSpec("危化品仓库", KeyLocationKind.WAREHOUSE, "双人双锁", "materials"),
        KeyLocationSpec("冷库", KeyLocationKind.WAREHOUSE, "现代物流园3号库", "logistics"),
        KeyLocationSpec("消防通道（物流园）", KeyLocationKind.FIRE_EXIT, "禁止占道", "logistics"),
        KeyLocationSpec("园区监控中心", KeyLocationKind.MONITORING, "管委会综合楼二层"),
    ]
    plan.checkpoints += [
        CheckpointSpec("cp01", "主大门", "园区主大门岗亭"),
        CheckpointSpec("cp02", "物流通道", "物流通道岗亭"),
        CheckpointSpec("cp03", "富硒食品园生产区", "富硒食品园"),
        CheckpointSpec("cp04", "天然气调压站", "富硒食品园东南角", "天然气调压站"),
        CheckpointSpec("cp05", "冷库", "现代物流园3号库", "冷库"),
        CheckpointSpec("cp06", "物流园消防通道", "现代物流园", "消防通道（物流园）"),
        CheckpointSpec("cp07", "员工宿舍", "综合产业园北区", "员工宿舍"),
        CheckpointSpec("cp08", "职工食堂", "综合产业园服务中心", "职工食堂"),
        CheckpointSpec("cp09", "危化品仓库", "新型材料园", "危化品仓库"),
        CheckpointSpec("cp10", "园区变电站", "新型材料园西侧", "园区变电站"),
        CheckpointSpec("cp11", "汽车产业城总装车间", "汽车产业城"),
        CheckpointSpec("cp12", "汽车产业城成品车停放场", "汽车产业城南区"),
    ]
    plan.posts += [
        PostSpec("主大门岗", PostKind.GATE, 2, gate="main"),
        PostSpec(
            "物流通道岗",
            PostKind.GATE,
            2,
            gate="logistics",
            staffed_from=time(6),
            staffed_until=time(22),
        ),
        PostSpec("园区巡逻岗", PostKind.PATROL, 2),
        PostSpec("园区监控中心岗", PostKind.MONITORING, 2),
        PostSpec(
            "管委会服务大厅",
            PostKind.FRONT_DESK,
            1,
            staffed_from=time(8, 30),
            staffed_until=time(17, 30),
        ),
    ]


def plan_wuli(scale: float = FULL_SCALE) -> SitePlan:
    """五里工业园区 in 安康市汉滨区: five sub-parks (T1 第九条), 2 gates, 13 enterprises."""
    f = _Factory("gatehouse-demo:wuli")
    plan = SitePlan(
        code=WULI,
        name="五里工业园区",
        kind=SiteKind.INDUSTRIAL_PARK,
        address="陕西省安康市汉滨区五里镇工业园区大道1号",
        operator="安康市汉滨区五里工业园区管理委员会",
        desk_opens=time(8, 30),
        desk_closes=time(17, 30),
    )
    _wuli_structure(plan)
    guard = PersonKind.GUARD
    staff = PersonKind.PROPERTY_STAFF
    firsts = _staff(
        f,
        plan,
        [
            ("安保主管", staff, 1, 0.9),
            ("园区服务中心", staff, 2, 0.3),
            ("园区工程维修", staff, 2, 1.0),
            ("主大门岗", guard, 5, 0.9),
            ("物流通道岗", guard, 4, 1.0),
            ("园区巡逻", guard, 4, 1.0),
            ("监控员", guard, 4, 0.6),
        ],
        _ankang_region,
        (date(2018, 3, 1), date(2024, 9, 30)),
    )
    plan.logins["park_guard"] = firsts["主大门岗"].id_number
    plan.logins["park_manager"] = firsts["安保主管"].id_number

    employee_index = 0
    for name, zone, industry, headcount, modern, fleet in _WULI_ENTERPRISES:
        joined = (date(2016, 5, 1) if not modern else date(2019, 3, 1), date(2024, 11, 30))
        employees: list[PersonSpec] = []
        for i in range(headcount):
            born = f.birth(1968, 2004)
            note = "行政人事部经理" if i == 0 else ""
            person = _person(
                f,
                PersonKind.EMPLOYEE,
                born=born,
                male=f.chance(0.62),
                region=_ankang_region(f, born),
                enterprise=name,
                note=note,
            )
            employees.append(person)
            badge = CredentialSpec(
                CredentialKind.STAFF_BADGE,
                f.card(),
                person=person.id_number,
                valid_from=f.day(*joined),
            )
            car = f.car("陕G" if f.chance(0.8) else "陕" + f.rng.choice("AFE"), nev_share=0.15)
            has_car = f.chance(0.2)
            if i == 0 or _selected(employee_index, scale):
                plan.people.append(person)
                plan.credentials.append(badge)
                if has_car:
                    plan.vehicles.append(
                        VehicleSpec(car[0], owner=person.id_number, brand=car[1], color=car[2])
                    )
                    plan.credentials.append(
                        CredentialSpec(
                            CredentialKind.PLATE,
                            car[0],
                            person=person.id_number,
                            vehicle=car[0],
                            valid_from=badge.valid_from,
                        )
                    )
            employee_index += 1
        contact = employees[0]
        plan.enterprises.append(
            EnterpriseSpec(
                name,
                zone,
                f.uscc("610902", modern=modern),
                industry,
                contact_name=contact.name,
                contact_phone=contact.phone,
            )
        )
        for brand, energy, large in fleet:
            plate = f.plate("陕G", energy=energy, large=large)
            plan.vehicles.append(
                VehicleSpec(plate, enterprise=name, brand=brand, color=_pick(f.rng, _COLORS))
            )
            plan.credentials.append(
                CredentialSpec(
                    CredentialKind.PLATE,
                    plate,
                    vehicle=plate,
                    valid_from=joined[0],
                )
            )
    plan.blacklist.append(
        BlacklistSpec(
            "未办理入园手续的危险化学品运输车辆，多次强行闯入物流通道",
            plate=f.plate("陕E"),
            days_ago=15,
        )
    )
    return plan


#: 东湖中学's classes: (grade unit, class number, label); a class is a house of kind "class".
_CAMPUS_CLASSES = [
    ("7", "1", "初一（1）班"),
    ("7", "2", "初一（2）班"),
    ("8", "1", "初二（1）班"),
    ("8", "2", "初二（2）班"),
    ("9", "1", "初三（1）班"),
    ("9", "2", "初三（2）班"),
]
#: Students per class at full scale (a demo, not a whole school); the first two at any scale.
_CAMPUS_CLASS_SIZE = 30
_CAMPUS_KEPT = 2


def _campus_structure(plan: SitePlan) -> None:
    non_motor, motor = LaneKind.NON_MOTOR, LaneKind.MOTOR
    plan.gates += [
        GateSpec(
            "south",
            "南校门",
            (
                LaneSpec("walk-in", "人行入口", non_motor, Direction.IN),
                LaneSpec("walk-out", "人行出口", non_motor, Direction.OUT),
                LaneSpec("car-in", "车辆入口", motor, Direction.IN),
                LaneSpec("car-out", "车辆出口", motor, Direction.OUT),
            ),
            open_when_tightened=True,
        ),
        GateSpec(
            "north",
            "北门（食堂送货）",
            (
                LaneSpec("car-in", "送货车辆入口", motor, Direction.IN),
                LaneSpec("car-out", "送货车辆出口", motor, Direction.OUT),
            ),
        ),
    ]
    for grade, number, label in _CAMPUS_CLASSES:
        plan.houses.append(
            HouseSpec(f"{grade}-{number}", "JX", grade, number, None, "class", label)
        )
    for room in ("101", "102", "201", "202"):
        plan.houses.append(
            HouseSpec(f"SS-1-{room}", "SS", "1", room, None, "dormitory", f"学生宿舍{room}室")
        )
    plan.key_locations += [
        KeyLocationSpec("学生宿舍楼", KeyLocationKind.DORMITORY, "住宿生宿舍，消防通道保持畅通"),
        KeyLocationSpec("学生食堂", KeyLocationKind.CANTEEN, "食堂燃气与食品安全、每日留样"),
        KeyLocationSpec("教学楼走廊与天台", KeyLocationKind.OTHER, "防坠落重点部位"),
    ]
    plan.posts.append(PostSpec("南校门岗", PostKind.GATE, 2, gate="south"))


def plan_campus(scale: float = FULL_SCALE) -> SitePlan:
    """东湖中学 in 武汉市洪山区 (seed template T3): a campus under closed management, 2 gates,
    6 classes with their class teachers, students and parents, 4 dormitory rooms."""
    f = _Factory("gatehouse-demo:campus")
    plan = SitePlan(
        code=CAMPUS,
        name="东湖中学",
        kind=SiteKind.CAMPUS,
        address="湖北省武汉市洪山区东湖路200号",
        operator="武汉市洪山区东湖中学",
        desk_opens=time(7, 30),
        desk_closes=time(17, 30),
    )
    _campus_structure(plan)
    for i, (grade, number, _label) in enumerate(_CAMPUS_CLASSES):
        house = f"{grade}-{number}"
        teacher = _person(
            f,
            PersonKind.TEACHER,
            born=f.birth(1970, 1996),
            male=f.chance(0.35),
            region=_wuhan_region(f),
            house=house,
            relation=str(HouseRelation.CLASS_TEACHER),
            note="班主任",
        )
        plan.people.append(teacher)
        plan.credentials.append(
            CredentialSpec(CredentialKind.STAFF_BADGE, f.card(), person=teacher.id_number)
        )
        if i == 2:
            plan.logins["teacher"] = teacher.id_number
        born_year = 2012 - int(grade) + 7  # 初一 born 2012, 初三 2010
        for k in range(_CAMPUS_CLASS_SIZE):  # made at full size, kept at ``scale``
            kept = k < _CAMPUS_KEPT or _selected(k, scale)
            male = f.chance(0.52)
            surname = f.surname()
            student = _person(
                f,
                PersonKind.STUDENT,
                born=f.birth(born_year, born_year),
                male=male,
                region=_wuhan_region(f),
                surname=surname,
                house=house,
                relation=str(HouseRelation.STUDENT),
            )
            if k % 5 == 0:  # a boarder also lives in a dormitory room
                room = ("101", "102") if male else ("201", "202")
                boarding = (f"SS-1-{room[k % 2]}", str(HouseRelation.BOARDER))
                student = replace(student, houses=(*student.houses, boarding))
            card = CredentialSpec(CredentialKind.OWNER_CARD, f.card(), person=student.id_number)
            parent = _person(
                f,
                PersonKind.PARENT,
                born=f.birth(1978, 1988),
                male=f.chance(0.4),
                region=_wuhan_region(f),
                surname=surname,
            )
            if kept:
                plan.people += [student, parent]
                plan.credentials.append(card)
                plan.guardians.append((parent.id_number, student.id_number))
            if i == 2 and k == 0:
                plan.logins["parent"] = parent.id_number
    for note, kind, count in (
        ("校长（校级领导带班）", PersonKind.SCHOOL_STAFF, 1),
        ("校医", PersonKind.SCHOOL_STAFF, 1),
        ("食堂员工", PersonKind.SCHOOL_STAFF, 3),
        ("保洁", PersonKind.SCHOOL_STAFF, 2),
        ("驻校保安（南校门）", PersonKind.GUARD, 3),
    ):
        for n in range(count):
            person = _person(
                f,
                kind,
                born=f.birth(1965, 1995),
                male=f.chance(0.5),
                region=_wuhan_region(f),
                note=note,
            )
            plan.people.append(person)
            plan.credentials.append(
                CredentialSpec(CredentialKind.STAFF_BADGE, f.card(), person=person.id_number)
            )
            if n == 0 and kind == PersonKind.GUARD:
                plan.logins["school_guard"] = person.id_number
            if n == 0 and note.startswith("校长"):
                plan.logins["school_manager"] = person.id_number
    return plan


def demo_plans(scale: float = FULL_SCALE) -> list[SitePlan]:
    return [plan_donghu(scale), plan_wuli(scale), plan_campus(scale)]


# =============================================================================================
# Applying a plan
# =============================================================================================


@dataclass
class SiteReport:
    code: str
    name: str
    created: dict[str, int] = field(default_factory=dict)

    def add(self, what: str, n: int = 1) -> None:
        if n:
            self.created[what] = self.created.get(what, 0) + n


@dataclass
class DemoReport:
    sites: list[SiteReport]
    users_created: int
    seconds: float

    @property
    def changed(self) -> bool:
        return self.users_created > 0 or any(s.created for s in self.sites)


def ensure_site(plan: SitePlan, report: SiteReport) -> Site:
    site = Site.objects.filter(code=plan.code).first()
    if site is None:
        site = Site.objects.create(
            code=plan.code,
            name=plan.name,
            kind=plan.kind,
            address=plan.address,
            operator=plan.operator,
            service_desk_opens=plan.desk_opens,
            service_desk_closes=plan.desk_closes,
        )
        report.add("site")
    return site


def ensure_layout(site: Site, plan: SitePlan, report: SiteReport) -> None:
    zones = {z.code: z for z in site.zones.all()}
    for zone_spec in plan.zones:
        if zone_spec.code not in zones:
            zones[zone_spec.code] = Zone.objects.create(
                site=site,
                code=zone_spec.code,
                name=zone_spec.name,
                industry_focus=zone_spec.industry_focus,
            )
            report.add("zones")

    garages = {g.code: g for g in site.garages.all()}
    for garage_spec in plan.garages:
        if garage_spec.code not in garages:
            garages[garage_spec.code] = Garage.objects.create(
                site=site, code=garage_spec.code, name=garage_spec.name
            )
            report.add("garages")
    have_spaces = set(
        ParkingSpace.objects.filter(garage__site=site).values_list("garage__code", "number")
    )
    spaces = [
        ParkingSpace(garage=garages[g.code], number=number, kind=kind)
        for g in plan.garages
        for number, kind in g.spaces
        if (g.code, number) not in have_spaces
    ]
    ParkingSpace.objects.bulk_create(spaces, batch_size=500)
    report.add("parking_spaces", len(spaces))

    gates = {g.code: g for g in site.gates.all()}
    have_lanes = set(Lane.objects.filter(gate__site=site).values_list("gate__code", "code"))
    for gate_spec in plan.gates:
        if gate_spec.code not in gates:
            gates[gate_spec.code] = Gate.objects.create(
                site=site,
                code=gate_spec.code,
                name=gate_spec.name,
                zone=zones.get(gate_spec.zone),
                open_when_tightened=gate_spec.open_when_tightened,
            )
            report.add("gates")
        for lane in gate_spec.lanes:
            if (gate_spec.code, lane.code) not in have_lanes:
                Lane.objects.create(
                    gate=gates[gate_spec.code],
                    code=lane.code,
                    name=lane.name,
                    kind=lane.kind,
                    direction=lane.direction,
                    garage=garages.get(lane.garage),
                )
                report.add("lanes")

    buildings = {b.code: b for b in site.buildings.all()}
    units = {
        (u.building.code, u.code): u
        for u in Unit.objects.filter(building__site=site).select_related("building")
    }
    have_houses = set(site.houses.values_list("number", flat=True))
    houses = []
    for house_spec in plan.houses:
        if house_spec.building not in buildings:
            buildings[house_spec.building] = Building.objects.create(
                site=site, code=house_spec.building, name=f"{house_spec.building}栋"
            )
            report.add("buildings")
        if (house_spec.building, house_spec.unit) not in units:
            units[house_spec.building, house_spec.unit] = Unit.objects.create(
                building=buildings[house_spec.building], code=house_spec.unit
            )
            report.add("units")
        if house_spec.number not in have_houses:
            houses.append(
                House(
                    site=site,
                    unit=units[house_spec.building, house_spec.unit],
                    number=house_spec.number,
                    room=house_spec.room,
                    area_m2=house_spec.area_m2,
                    kind=house_spec.kind,
                    label=house_spec.label,
                )
            )
    House.objects.bulk_create(houses, batch_size=500)
    report.add("houses", len(houses))

    key_locations = {k.name: k for k in site.key_locations.all()}
    for key_spec in plan.key_locations:
        if key_spec.name not in key_locations:
            key_locations[key_spec.name] = KeyLocation.objects.create(
                site=site,
                zone=zones.get(key_spec.zone),
                name=key_spec.name,
                kind=key_spec.kind,
                description=key_spec.description,
            )
            report.add("key_locations")
    have_checkpoints = set(site.checkpoints.values_list("code", flat=True))
    for checkpoint_spec in plan.checkpoints:
        if checkpoint_spec.code not in have_checkpoints:
            CheckpointModel.objects.create(
                site=site,
                code=checkpoint_spec.code,
                name=checkpoint_spec.name,
                location=checkpoint_spec.location,
                key_location=key_locations.get(checkpoint_spec.key_location),
            )
            report.add("checkpoints")
    have_posts = set(site.posts.values_list("name", flat=True))
    for post_spec in plan.posts:
        if post_spec.name not in have_posts:
            Post.objects.create(
                site=site,
                name=post_spec.name,
                kind=post_spec.kind,
                headcount=post_spec.headcount,
                gate=gates.get(post_spec.gate),
                garage=garages.get(post_spec.garage),
                staffed_from=post_spec.staffed_from,
                staffed_until=post_spec.staffed_until,
            )
            report.add("posts")
