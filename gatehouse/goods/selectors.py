"""Reading goods records, always scoped to one site, ordered explicitly."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db.models import Q, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from gatehouse.console.templatetags.console_tags import plate_display
from gatehouse.core.masking import mask_name
from gatehouse.core.text import clean_text
from gatehouse.goods.models import (
    HAZARD_CHOICES,
    DecorationFollowUp,
    GoodsAnomaly,
    GoodsEntry,
    GoodsRelease,
    HoldState,
    ReleaseSlip,
    SlipState,
)
from gatehouse.people.models import Person
from gatehouse.registers.cells import SHANGHAI, display, register_rows, user_name
from gatehouse.registers.engine import Row
from gatehouse.sites.models import Site


def search_slips(
    site: Site,
    *,
    status: str = "",
    q: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet[ReleaseSlip]:
    """Slips of the site: waiting applications first, then newest first."""
    rows = ReleaseSlip.objects.filter(site=site).select_related("house", "enterprise")
    if status:
        rows = rows.filter(status=status)
    if date_from is not None:
        rows = rows.filter(valid_on__gte=date_from)
    if date_to is not None:
        rows = rows.filter(valid_on__lte=date_to)
    q = clean_text(q)
    if q:
        rows = rows.filter(
            Q(number__icontains=q)
            | Q(applicant_name__icontains=q)
            | Q(house__number__icontains=q)
            | Q(enterprise__name__icontains=q)
            | Q(plate__icontains=q.upper())
        )
    return rows.order_by("-applied_at", "-pk")


def waiting_slips(site: Site) -> QuerySet[ReleaseSlip]:
    return (
        ReleaseSlip.objects.filter(site=site, status=SlipState.APPLIED)
        .select_related("house", "enterprise")
        .order_by("valid_on", "applied_at", "pk")
    )


def slip_at(site: Site, pk: int) -> ReleaseSlip | None:
    return (
        ReleaseSlip.objects.filter(site=site, pk=pk)
        .select_related("house", "enterprise", "issued_by", "used_by", "closed_by", "site")
        .first()
    )


def slips_of(person: Person) -> QuerySet[ReleaseSlip]:
    return (
        ReleaseSlip.objects.filter(site_id=person.site_id, person=person)
        .select_related("house")
        .order_by("-applied_at", "-pk")
    )


def held_goods(site: Site) -> QuerySet[GoodsRelease]:
    return (
        GoodsRelease.objects.filter(site=site, hold_state=HoldState.HELD)
        .select_related("gate", "guard", "slip")
        .order_by("at", "pk")
    )


def open_anomalies(site: Site) -> QuerySet[GoodsAnomaly]:
    return (
        GoodsAnomaly.objects.filter(site=site, closed_at__isnull=True)
        .select_related("release", "entry", "reported_by")
        .order_by("reported_at", "pk")
    )


def open_follow_ups(site: Site) -> QuerySet[DecorationFollowUp]:
    return DecorationFollowUp.objects.filter(site=site, closed_at__isnull=True).order_by(
        "opened_at", "pk"
    )


def slips_at(site: Site, pks: list[int]) -> list[ReleaseSlip]:
    return list(ReleaseSlip.objects.filter(site=site, pk__in=pks))


def release_at(site: Site, pk: int) -> GoodsRelease | None:
    return GoodsRelease.objects.filter(site=site, pk=pk).first()


def anomaly_at(site: Site, pk: int) -> GoodsAnomaly | None:
    return GoodsAnomaly.objects.filter(site=site, pk=pk).first()


def follow_up_at(site: Site, pk: int) -> DecorationFollowUp | None:
    return DecorationFollowUp.objects.filter(site=site, pk=pk).first()


# == the goods registers (SPEC §11: 物品放行登记; goods brought in) ================================


def _qty(text: str) -> str:
    return f"{Decimal(text).normalize():f}"


OUTCOME_CSS = {"allow": "row-allow", "refuse": "row-refused", "pending": "row-waiting"}

RELEASE_COLUMNS: tuple[str | Promise, ...] = (
    _("日期"),
    _("时间"),
    _("出入口"),
    _("放行条号"),
    _("携物人"),
    _("房号/企业"),
    _("车牌号"),
    _("物品"),
    _("结果"),
    _("说明"),
    _("门岗"),
)


def release_register(
    site: Site,
    *,
    date_from: date | None = None,
    date_to: date | None = None,
    q: str = "",
    outcome: str = "",
    held: str = "",
) -> QuerySet[GoodsRelease]:
    """Rows of 物品放行登记 between the dates, newest first: every check of goods leaving."""
    return register_rows(
        GoodsRelease.objects.filter(site=site),
        "at",
        date_from,
        date_to,
        q=q,
        search=(
            "slip_number__icontains",
            "bearer_name__icontains",
            "house_number__icontains",
            "plate__icontains",
            "message__icontains",
        ),
        where={"outcome": outcome, "hold_state": held},
        related=("gate", "guard"),
    )


def _goods_text(goods: list[dict[str, str]]) -> str:
    return "、".join(f"{g['name']}{_qty(g['quantity'])}{g['unit']}" for g in goods) or "—"


def release_row(row: GoodsRelease) -> Row:
    when = row.at.astimezone(SHANGHAI)
    result = display(row, "outcome")
    if row.hold_state:
        result = f"{result}（{display(row, 'hold_state')}）"
    bearer = mask_name(row.bearer_name) if row.bearer_name else "—"
    if row.bearer_kind:
        bearer = f"{bearer}（{display(row, 'bearer_kind')}）"
    note = row.message
    if row.resolution:
        note = f"{note}；{gettext('处置')}：{row.resolution}"
    return Row(
        (
            f"{when:%Y-%m-%d}",
            f"{when:%H:%M}",
            row.gate.name if row.gate else "—",
            row.slip_number or "—",
            bearer,
            row.house_number or "—",
            plate_display(row.plate) if row.plate else "—",
            _goods_text(row.goods),
            result,
            note,
            user_name(row.guard),
        ),
        OUTCOME_CSS.get(row.outcome, ""),
    )


ENTRY_COLUMNS: tuple[str | Promise, ...] = (
    _("日期"),
    _("时间"),
    _("出入口"),
    _("类别"),
    _("携带人"),
    _("房号"),
    _("物品"),
    _("装修出入证"),
    _("结果"),
    _("说明"),
    _("门岗"),
)


def entry_register(
    site: Site,
    *,
    date_from: date | None = None,
    date_to: date | None = None,
    q: str = "",
    kind: str = "",
    outcome: str = "",
) -> QuerySet[GoodsEntry]:
    """Rows of the goods-in register (dangerous goods, decoration materials), newest first."""
    return register_rows(
        GoodsEntry.objects.filter(site=site),
        "at",
        date_from,
        date_to,
        q=q,
        search=(
            "carrier_name__icontains",
            "house_number__icontains",
            "permit_number__icontains",
            "message__icontains",
        ),
        where={"kind": kind, "outcome": outcome},
        related=("gate", "guard"),
    )


def _carried_text(items: list[dict[str, str]]) -> str:
    labels = dict(HAZARD_CHOICES)
    parts = []
    for i in items:
        hazard = i.get("hazard")
        parts.append(f"{i['name']}（{labels[hazard]}）" if hazard in labels else i["name"])
    return "、".join(parts) or "—"


def entry_row(row: GoodsEntry) -> Row:
    when = row.at.astimezone(SHANGHAI)
    carrier = display(row, "carrier")
    if row.carrier_name:
        carrier = f"{mask_name(row.carrier_name)}（{carrier}）"
    return Row(
        (
            f"{when:%Y-%m-%d}",
            f"{when:%H:%M}",
            row.gate.name if row.gate else "—",
            display(row, "kind"),
            carrier,
            row.house_number or "—",
            _carried_text(row.items),
            row.permit_number or "—",
            display(row, "outcome"),
            row.message,
            user_name(row.guard),
        ),
        OUTCOME_CSS.get(row.outcome, ""),
    )
