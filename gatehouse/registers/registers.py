"""The gate's registers (SPEC §11), as the register engine serves them: 来客进出登记表 (VI-01),
上班中途进出员工登记表 (P-12), 外来信件报刊登记表 (VI-04), and the index of the registers."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext_lazy as _

from gatehouse.registers import selectors
from gatehouse.registers.engine import REGISTER_ROLES, Index, Register, Tile, columns, declare
from gatehouse.registers.forms import (
    EventFilterForm,
    MailFilterForm,
    StaffExitFilterForm,
    VisitFilterForm,
)
from gatehouse.registers.jobs import Found, Source, declare_source, filters_refused
from gatehouse.registers.paper import paper_for

HOME = ("registers:index", _("登记表"))

declare(
    Register(
        "registers:visits",
        _("来客进出登记表"),
        columns(*selectors.VISIT_COLUMNS),
        VisitFilterForm,
        selectors.visitor_register,
        _("没有符合条件的来客登记。"),
        row=selectors.visit_row,
        parent=HOME,
    ),
    Register(
        "registers:staff_exits",
        _("上班中途进出员工登记表"),
        columns(*selectors.STAFF_EXIT_COLUMNS),
        StaffExitFilterForm,
        selectors.staff_exit_register,
        _("没有符合条件的员工外出登记。"),
        row=selectors.staff_exit_row,
        parent=HOME,
    ),
    Register(
        "registers:mail",
        _("外来信件报刊登记表"),
        columns(*selectors.MAIL_COLUMNS),
        MailFilterForm,
        selectors.mail_register,
        _("没有符合条件的信件报刊登记。"),
        row=selectors.mail_row,
        parent=HOME,
    ),
    Index(
        "registers:index",
        _("登记表"),
        (
            Tile(
                "registers:on_site",
                _("在场人员"),
                _("当前仍在场内的来客和工人、中途外出未归的员工，以及逾时未离开的提醒。"),
            ),
            Tile(
                "registers:visits",
                _("来客进出登记表"),
                _("每位来客一行：姓名、证件、事由、被访人、进入和离开时间。"),
            ),
            Tile(
                "registers:staff_exits",
                _("上班中途进出员工登记表"),
                _("员工上班期间外出的时间、返回时间、事由和审批人。"),
            ),
            Tile(
                "registers:mail",
                _("外来信件报刊登记表"),
                _("外来信件、报刊和包裹的收到、通知和领取。"),
            ),
            Tile(
                "registers:events",
                _("通行事件记录"),
                _("每一次放行、拒绝和待确认的判定及其原因，实时滚动显示。"),
            ),
            Tile(
                "registers:exports",
                _("我的导出"),
                _("记录较多时在后台生成的 Excel 和 PDF 文件：进度和下载。"),
            ),
        ),
    ),
)


EVENTS = "registers:events"
EVENTS_TITLE = _("通行事件记录")


def events_found(site: Any, now: datetime, data: MultiValueDict[str, Any]) -> Found:
    """Every event the event log's filters find (not a page of them), for an export."""
    form = EventFilterForm(data, gates=selectors.gate_choices(site))
    if not form.is_valid():
        raise filters_refused(form)
    filters = {k: v for k, v in form.cleaned_data.items() if k != "before"}
    return Found(
        EVENTS_TITLE,
        selectors.EVENT_COLUMNS,
        paper_for(EVENTS),
        filters,
        lambda: selectors.event_query(site, **filters).count(),
        lambda: (
            selectors.event_row(e).cells
            for e in selectors.event_query(site, **filters).iterator(chunk_size=2000)
        ),
    )


declare_source(EVENTS, Source(events_found, REGISTER_ROLES))
