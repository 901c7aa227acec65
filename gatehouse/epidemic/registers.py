"""Epidemic management's registers (seed T8), as the register engine serves them, each with its
xlsx export and A4 paper: 入户排查登记 (door-to-door screening, each visit leading to its page),
公共场所、车辆消毒台账, 防护物资发放台账 and 医废垃圾收集、运输台账, and the index of them."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gatehouse.core.masking import mask_name
from gatehouse.epidemic.forms import LedgerFilterForm, ScreeningFilterForm
from gatehouse.epidemic.models import (
    Disinfection,
    MergedPassage,
    ScreeningVisit,
    SupplyIssue,
    WasteCollection,
)
from gatehouse.epidemic.selectors import merged_passages
from gatehouse.epidemic.views import STAFF_ROLES
from gatehouse.registers.cells import display
from gatehouse.registers.engine import Column, Index, Register, Tile, declare
from gatehouse.sites.models import Site

HOME = ("epidemic:ledgers", _("防控台账"))


def _days(qs: QuerySet, field: str, date_from: date | None, date_to: date | None) -> QuerySet:
    if date_from:
        qs = qs.filter(**{f"{field}__gte": date_from})
    if date_to:
        qs = qs.filter(**{f"{field}__lte": date_to})
    return qs


def screenings(
    site: Site,
    q: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
    follow_up: str = "",
) -> QuerySet[ScreeningVisit]:
    qs = ScreeningVisit.objects.filter(site=site).select_related(
        "house__unit__building", "officer", "grid"
    )
    qs = _days(qs, "visited_at__date", date_from, date_to)
    if q:
        qs = qs.filter(Q(house__number__icontains=q) | Q(abnormal__icontains=q))
    if follow_up:
        qs = qs.filter(follow_up=follow_up)
    return qs.order_by("-visited_at", "-pk")


def _ledger(model: Any, day: str, fields: tuple[str, ...]) -> Any:
    def query(
        site: Site, q: str = "", date_from: date | None = None, date_to: date | None = None
    ) -> QuerySet:
        qs = _days(model.objects.filter(site=site), day, date_from, date_to)
        if q:
            match = Q()
            for name in fields:
                match |= Q(**{f"{name}__icontains": q})
            qs = qs.filter(match)
        return qs.select_related("recorded_by").order_by(f"-{day.split('__')[0]}", "-pk")

    return query


def _who(user: Any) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.username


def _local(moment: Any) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}" if moment else ""


def _direction(r: MergedPassage) -> str:
    return {"in": str(_("进")), "out": str(_("出"))}.get(r.direction, "—")


def _lane(r: MergedPassage) -> str:
    return f"{r.lane.gate.name}·{r.lane.name}" if r.lane is not None else "—"


def _met(v: ScreeningVisit) -> str:
    text = display(v, "met")
    if v.persons_met:
        names = "、".join(mask_name(n) for n in v.met_names.replace("，", "、").split("、") if n)
        text = f"{text} {v.persons_met}人" + (f"（{names}）" if names else "")
    return text


def _follow(v: ScreeningVisit) -> str:
    text = display(v, "follow_up")
    return f"{text}：{v.follow_up_result}" if v.follow_up_result else text


declare(
    Register(
        "epidemic:screenings",
        _("入户排查登记"),
        (
            Column(
                _("排查时间"),
                lambda v: _local(v.visited_at),
                link=lambda v: reverse("epidemic:screening", args=[v.pk]),
            ),
            Column(_("楼栋"), lambda v: v.house.unit.building.name),
            Column(_("房号"), lambda v: v.house.number),
            Column(_("网格"), lambda v: v.grid.name if v.grid else ""),
            Column(_("入户情况"), _met),
            Column(_("体温"), lambda v: f"{v.temperature}℃" if v.temperature is not None else ""),
            Column(_("旅居史"), lambda v: v.travel_place if v.travel else "无"),
            Column(_("异常情况"), lambda v: v.abnormal),
            Column(_("跟进"), _follow),
            Column(_("排查人"), lambda v: _who(v.officer)),
        ),
        ScreeningFilterForm,
        screenings,
        _("没有符合条件的入户排查记录。"),
        css=lambda v: "row-refused" if v.follow_up == "pending" else "",
        roles=frozenset(str(r) for r in STAFF_ROLES),
        parent=HOME,
        actions=(("epidemic:screening_new", _("入户排查")),),
    ),
    Register(
        "epidemic:disinfections",
        _("公共场所、车辆消毒台账"),
        (
            Column(_("消毒时间"), lambda r: _local(r.done_at)),
            Column(_("对象"), lambda r: display(r, "target")),
            Column(_("场所/车辆"), lambda r: r.place),
            Column(_("消毒剂"), lambda r: r.agent),
            Column(_("消毒人员"), lambda r: r.done_by),
            Column(_("登记人"), lambda r: _who(r.recorded_by)),
        ),
        LedgerFilterForm,
        _ledger(Disinfection, "done_at__date", ("place", "agent", "done_by")),
        _("没有符合条件的消毒记录。"),
        roles=frozenset(str(r) for r in STAFF_ROLES),
        parent=HOME,
        actions=(("epidemic:ledger_disinfection", _("登记消毒")),),
    ),
    Register(
        "epidemic:supplies",
        _("防护物资发放台账"),
        (
            Column(_("发放日期"), lambda r: f"{r.issued_on:%Y-%m-%d}"),
            Column(_("物资名称"), lambda r: r.item),
            Column(_("数量"), lambda r: str(r.quantity)),
            Column(_("领用人"), lambda r: r.issued_to),
            Column(_("发放人"), lambda r: _who(r.recorded_by)),
        ),
        LedgerFilterForm,
        _ledger(SupplyIssue, "issued_on", ("item", "issued_to")),
        _("没有符合条件的发放记录。"),
        roles=frozenset(str(r) for r in STAFF_ROLES),
        parent=HOME,
        actions=(("epidemic:ledger_supplies", _("登记发放")),),
    ),
    Register(
        "epidemic:waste",
        _("医废垃圾收集、运输台账"),
        (
            Column(_("收集日期"), lambda r: f"{r.collected_on:%Y-%m-%d}"),
            Column(_("重量（千克）"), lambda r: f"{r.weight}"),
            Column(_("袋数"), lambda r: str(r.bags)),
            Column(_("收集人"), lambda r: r.collector),
            Column(_("运输单位/人"), lambda r: r.transporter),
            Column(_("交接签字"), lambda r: r.signed_by),
            Column(_("登记人"), lambda r: _who(r.recorded_by)),
        ),
        LedgerFilterForm,
        _ledger(WasteCollection, "collected_on", ("collector", "transporter", "signed_by")),
        _("没有符合条件的收集运输记录。"),
        roles=frozenset(str(r) for r in STAFF_ROLES),
        parent=HOME,
        actions=(("epidemic:ledger_waste", _("登记收集运输")),),
    ),
    Register(
        "epidemic:merged_passages",
        _("合并出入口通行记录"),
        (
            Column(_("时间"), lambda r: _local(r.at)),
            Column(_("人员"), lambda r: mask_name(r.person.name)),
            Column(_("方向"), _direction),
            Column(_("通行场所"), lambda r: r.gate_site.name),
            Column(_("出入口"), _lane),
            Column(_("合并出入口"), lambda r: r.merger.name),
        ),
        LedgerFilterForm,
        merged_passages,
        _("没有本场所人员经其他小区统一出入口通行的记录。"),
        roles=frozenset(str(r) for r in STAFF_ROLES),
        parent=("epidemic:mergers", _("合并出入口")),
    ),
    Index(
        "epidemic:ledgers",
        _("防控台账"),
        (
            Tile(
                "epidemic:screenings",
                _("入户排查登记"),
                _("逐栋逐户排查：见到的人员、体温、旅居史和跟进情况。"),
            ),
            Tile(
                "epidemic:disinfections",
                _("公共场所、车辆消毒台账"),
                _("消毒的场所或车辆、消毒剂、时间和消毒人员。"),
            ),
            Tile(
                "epidemic:supplies",
                _("防护物资发放台账"),
                _("口罩、手套、防护服等物资的发放数量和领用人。"),
            ),
            Tile(
                "epidemic:waste",
                _("医废垃圾收集、运输台账"),
                _("废弃口罩等医废垃圾的重量、袋数、收集人、运输人和交接签字。"),
            ),
            Tile(
                "epidemic:mergers",
                _("合并出入口"),
                _("几个小区合并使用统一出入口：设立、解除，其他出入口只出不进。"),
            ),
            Tile(
                "epidemic:merged_passages",
                _("合并出入口通行记录"),
                _("本场所人员经其他小区统一出入口进出的记录。"),
            ),
            Tile(
                "epidemic:commitments",
                _("物业承诺书"),
                _("物业服务企业签字盖章的疫情防控承诺书：承诺事项、签字人、有效期和扫描件。"),
            ),
            Tile(
                "epidemic:outings",
                _("居民出行限额"),
                _("疫情封闭期间每户每几天可外出几人次，在出口按户计数。"),
            ),
        ),
        roles=frozenset(str(r) for r in STAFF_ROLES),
    ),
)
