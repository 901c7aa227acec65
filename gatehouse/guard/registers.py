"""The guard registers (SPEC §7), as the register engine serves them: the 交接班记录表 (S-03)
and the 夜间安保巡查记录表 (S-04), their rows written by the areas' selectors; and how the
registers with pages of their own — the 异常情况记录表 (S-05) and the 门卫日常卫生轮流表
(S-07) — are found again for an export made in the background (issue 16 §1)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext_lazy as _

from gatehouse.guard.duties import selectors as duties
from gatehouse.guard.duties.forms import CleaningRangeForm
from gatehouse.guard.handover import selectors as handovers
from gatehouse.guard.incidents import selectors as incidents
from gatehouse.guard.patrol import selectors as patrols
from gatehouse.guard.web import CLEANING, MONITORING, REGISTERS
from gatehouse.registers.engine import Register, Row, columns, declare
from gatehouse.registers.forms import DateRangeForm, RegisterFilterForm
from gatehouse.registers.jobs import Found, Source, declare_source, filters_refused
from gatehouse.registers.paper import paper_for
from gatehouse.sites.models import Site

ANOMALIES = "guard:anomalies"
CLEANING_ROTA = "guard:cleaning"


def _as_is(row: Row) -> Row:
    return row


declare(
    Register(
        "guard:handover_register",
        _("交接班记录表"),
        columns(*handovers.HANDOVER_COLUMNS),
        RegisterFilterForm,
        handovers.handover_register,
        _("没有符合条件的记录。"),
        row=handovers.handover_row,
        roles=REGISTERS,
        parent=("guard:handover", _("交接班")),
    ),
    Register(
        "guard:patrol_register",
        _("夜间安保巡查记录表"),
        columns(*patrols.PATROL_COLUMNS),
        DateRangeForm,
        patrols.patrol_register,
        _("没有符合条件的记录。"),
        row=_as_is,
        takes_now=True,
        roles=REGISTERS,
        parent=("guard:patrol", _("巡更")),
    ),
)


def anomalies_found(site: Site, now: datetime, data: MultiValueDict[str, Any]) -> Found:
    """S-05: every anomaly the register's filters (a range of days) find, for its xlsx or PDF;
    bad filters: ``export.filters``."""
    form = DateRangeForm(data)
    if not form.is_valid():
        raise filters_refused(form)
    found = incidents.anomaly_register(site, **form.cleaned_data)
    return Found(
        incidents.ANOMALY_TITLE,
        incidents.ANOMALY_COLUMNS,
        paper_for(ANOMALIES),
        form.cleaned_data,
        found.count,
        lambda: (incidents.anomaly_row(a).cells for a in Register.each(found)),
    )


def cleaning_found(site: Site, now: datetime, data: MultiValueDict[str, Any]) -> Found:
    """S-07: the rota's days in the range asked (none: a week back, two weeks ahead), each with
    the guard on duty and when it was marked done; bad filters: ``export.filters``."""
    today = timezone.localtime(now).date()
    form = CleaningRangeForm(data, today=today)
    if not form.is_valid():
        raise filters_refused(form)
    start, days = form.cleaned_data["span"]
    rota, members = duties.rota_guards(site)
    period: dict[str, date] = {"date_from": start, "date_to": start + timedelta(days=days - 1)}

    def found() -> list[dict[str, Any]]:
        if rota is None:
            return []
        return duties.cleaning_days(site, rota, members, today, start=start, days=days)

    return Found(
        duties.CLEANING_TITLE,
        duties.CLEANING_COLUMNS,
        paper_for(CLEANING_ROTA),
        period,
        lambda: days if rota is not None and members else 0,
        lambda: (duties.cleaning_row(d) for d in found()),
    )


declare_source(ANOMALIES, Source(anomalies_found, MONITORING))
declare_source(CLEANING_ROTA, Source(cleaning_found, CLEANING))
