"""The campus's registers (seed T3), as the register engine serves them, each with its xlsx
export and A4 paper: 索证索票登记 (the deliveries the canteen accepted, with the receipt and the
certificates checked, T3-04), 供应商证照登记 (every supplier's certificates, expired and
expiring ones flagged) and, for the security company's guards living on campus (T3·9), their
lodging, their meals and the school's supervision checks, with an index of the three."""

from __future__ import annotations

from datetime import date, datetime

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gatehouse.accounts.models import Role
from gatehouse.campus import selectors
from gatehouse.campus.forms import CertificateFilterForm, CheckFilterForm
from gatehouse.campus.models import Delivery, GuardCheck, GuardLodging, SupplierCertificate
from gatehouse.core import campus as rules
from gatehouse.registers.cells import display, user_name
from gatehouse.registers.engine import Column, Index, Register, Tile, declare
from gatehouse.registers.forms import RegisterFilterForm
from gatehouse.sites.models import Site

#: Who keeps the canteen's and the guards' records: the security manager and the front desk.
CAMPUS_DESK = frozenset(str(r) for r in (Role.SECURITY_MANAGER, Role.FRONT_DESK))
SUPPLY = ("campus:supply", _("索证索票"))
GUARDS = ("campus:guards", _("驻校保安食宿与监督"))


def _days(qs: QuerySet, field: str, date_from: date | None, date_to: date | None) -> QuerySet:
    if date_from:
        qs = qs.filter(**{f"{field}__gte": date_from})
    if date_to:
        qs = qs.filter(**{f"{field}__lte": date_to})
    return qs


def _search(qs: QuerySet, q: str, fields: tuple[str, ...]) -> QuerySet:
    if not q:
        return qs
    match = Q()
    for name in fields:
        match |= Q(**{f"{name}__icontains": q})
    return qs.filter(match)


def _day(d: date | None, empty: str = "") -> str:
    return f"{d:%Y-%m-%d}" if d else empty


# -- 索证索票 (T3-04) -----------------------------------------------------------------------------


def deliveries(
    site: Site, q: str = "", date_from: date | None = None, date_to: date | None = None
) -> QuerySet[Delivery]:
    qs = _days(selectors.deliveries_at(site), "delivered_on", date_from, date_to)
    return _search(qs, q, ("goods", "supplier__name", "receipt_no", "batch", "accepted_by"))


def _checked(d: Delivery) -> str:
    return "；".join(
        f"{c.get_kind_display()} {c.number}" + (f"（{c.holder}）" if c.holder else "")
        for c in d.certificates.all()
    )


def _quantity(d: Delivery) -> str:
    return f"{d.quantity.normalize():f} {d.unit}"


def certificates(
    site: Site,
    now: datetime,
    q: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
    state: str = "",
) -> list[tuple[SupplierCertificate, str]]:
    """Every certificate with its state today (T3-04); the days filter its end date."""
    qs = _days(selectors.certificates_at(site), "valid_until", date_from, date_to)
    qs = _search(qs, q, ("supplier__name", "number", "issuer", "holder"))
    today = rules.local_day(now)
    rows = [(c, rules.cert_state(selectors.core_certificate(c), today=today)) for c in qs]
    return [r for r in rows if not state or r[1] == state]


CERT_STATES = {
    rules.VALID: _("有效"),
    rules.EXPIRING: _("30天内到期"),
    rules.EXPIRED: _("已过期"),
}
CERT_CSS = {rules.EXPIRED: "row-refused", rules.EXPIRING: "row-pending", rules.VALID: ""}


# -- guards living on campus (T3·9) --------------------------------------------------------------


def lodgings(
    site: Site, q: str = "", date_from: date | None = None, date_to: date | None = None
) -> QuerySet[GuardLodging]:
    qs = _days(selectors.lodgings_at(site), "start", date_from, date_to)
    return _search(qs, q, ("guard", "company", "room", "bed")).select_related("recorded_by")


def meals(
    site: Site, q: str = "", date_from: date | None = None, date_to: date | None = None
) -> QuerySet:
    qs = _days(selectors.meals_at(site), "day", date_from, date_to)
    return _search(qs, q, ("guards", "served_by")).select_related("recorded_by")


def checks(
    site: Site,
    now: datetime,
    q: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
    status: str = "",
) -> list[tuple[GuardCheck, bool]]:
    """The supervision checks, each with whether its rectification is overdue today."""
    qs = _days(selectors.checks_at(site), "checked_on", date_from, date_to)
    qs = _search(qs, q, ("inspector", "findings", "closed_note"))
    if status:
        qs = qs.filter(closed_on__isnull=status == "open")
    today = rules.local_day(now)
    return [
        (c, rules.check_overdue(deadline=c.deadline, closed_on=c.closed_on, today=today))
        for c in qs
    ]


def _check_state(row: tuple[GuardCheck, bool]) -> str:
    check, overdue = row
    if check.closed_on is not None:
        return str(_("已销号"))
    return str(_("逾期未整改")) if overdue else str(_("整改中"))


declare(
    Register(
        "campus:deliveries",
        _("索证索票登记"),
        (
            Column(_("送货日期"), lambda d: _day(d.delivered_on)),
            Column(_("供应商"), lambda d: d.supplier.name),
            Column(_("品名"), lambda d: d.goods),
            Column(_("批号/生产日期"), lambda d: d.batch),
            Column(_("数量"), _quantity),
            Column(_("票据号"), lambda d: d.receipt_no),
            Column(_("查验证照"), _checked),
            Column(_("验收人"), lambda d: d.accepted_by),
            Column(_("登记人"), lambda d: user_name(d.recorded_by)),
        ),
        RegisterFilterForm,
        deliveries,
        _("没有符合条件的进货查验记录。"),
        roles=CAMPUS_DESK,
        parent=SUPPLY,
        actions=(("campus:delivery_new", _("登记进货查验")),),
    ),
    Register(
        "campus:certificates",
        _("供应商证照登记"),
        (
            Column(
                _("供应商"),
                lambda r: r[0].supplier.name,
                link=lambda r: reverse("campus:supplier", args=[r[0].supplier_id]),
            ),
            Column(_("证照类别"), lambda r: display(r[0], "kind")),
            Column(_("证照编号"), lambda r: r[0].number),
            Column(_("持证人"), lambda r: r[0].holder),
            Column(_("发证机关"), lambda r: r[0].issuer),
            Column(_("有效期至"), lambda r: _day(r[0].valid_until, str(_("长期")))),
            Column(_("状态"), lambda r: str(CERT_STATES[r[1]])),
            Column(_("复印件"), lambda r: str(_("有")) if r[0].file else str(_("无"))),
        ),
        CertificateFilterForm,
        certificates,
        _("没有符合条件的证照。"),
        css=lambda r: CERT_CSS[r[1]],
        roles=CAMPUS_DESK,
        parent=SUPPLY,
        takes_now=True,
    ),
    Register(
        "campus:guard_lodgings",
        _("驻校保安住宿登记"),
        (
            Column(
                _("保安员"),
                lambda r: r.guard,
                link=lambda r: reverse("campus:guard_lodging", args=[r.pk]),
            ),
            Column(_("保安公司"), lambda r: r.company),
            Column(_("宿舍"), lambda r: r.room),
            Column(_("床位"), lambda r: r.bed),
            Column(_("入住日期"), lambda r: _day(r.start)),
            Column(_("退宿日期"), lambda r: _day(r.end, str(_("在住")))),
            Column(_("登记人"), lambda r: user_name(r.recorded_by)),
        ),
        RegisterFilterForm,
        lodgings,
        _("没有符合条件的住宿记录。"),
        roles=CAMPUS_DESK,
        parent=GUARDS,
        actions=(("campus:guard_lodging_new", _("登记住宿")),),
    ),
    Register(
        "campus:guard_meals",
        _("驻校保安就餐记录"),
        (
            Column(_("日期"), lambda r: _day(r.day)),
            Column(_("餐次"), lambda r: display(r, "meal")),
            Column(_("就餐人数"), lambda r: str(r.diners)),
            Column(_("就餐保安"), lambda r: r.guards),
            Column(_("供餐人"), lambda r: r.served_by),
            Column(_("登记人"), lambda r: user_name(r.recorded_by)),
        ),
        RegisterFilterForm,
        meals,
        _("没有符合条件的就餐记录。"),
        roles=CAMPUS_DESK,
        parent=GUARDS,
        actions=(("campus:guard_meal_new", _("登记就餐")),),
    ),
    Register(
        "campus:guard_checks",
        _("驻校保安监督检查"),
        (
            Column(
                _("检查日期"),
                lambda r: _day(r[0].checked_on),
                link=lambda r: reverse("campus:guard_check", args=[r[0].pk]),
            ),
            Column(_("检查内容"), lambda r: display(r[0], "area")),
            Column(_("检查人"), lambda r: r[0].inspector),
            Column(_("发现问题"), lambda r: r[0].findings or str(_("未发现问题"))),
            Column(_("整改期限"), lambda r: _day(r[0].deadline)),
            Column(_("整改完成"), lambda r: _day(r[0].closed_on)),
            Column(_("整改情况"), lambda r: r[0].closed_note),
            Column(_("状态"), _check_state),
        ),
        CheckFilterForm,
        checks,
        _("没有符合条件的检查记录。"),
        css=lambda r: "row-overdue" if r[1] else "",
        roles=CAMPUS_DESK,
        parent=GUARDS,
        takes_now=True,
        actions=(("campus:guard_check_new", _("登记检查")),),
    ),
    Index(
        "campus:guards",
        _("驻校保安食宿与监督"),
        (
            Tile(
                "campus:guard_lodgings",
                _("驻校保安住宿登记"),
                _("保安公司派驻人员的宿舍、床位和入住、退宿日期。"),
            ),
            Tile(
                "campus:guard_meals",
                _("驻校保安就餐记录"),
                _("每日每餐的就餐人数、就餐保安和供餐人。"),
            ),
            Tile(
                "campus:guard_checks",
                _("驻校保安监督检查"),
                _("学校对保安住宿、就餐和在岗表现的检查、发现问题、整改期限和销号。"),
            ),
        ),
        roles=CAMPUS_DESK,
    ),
)
