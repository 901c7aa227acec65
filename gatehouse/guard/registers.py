"""The guard registers (SPEC §7), as the register engine serves them: the 交接班记录表 (S-03)
and the 夜间安保巡查记录表 (S-04), their rows written by the areas' selectors."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from gatehouse.guard.handover import selectors as handovers
from gatehouse.guard.patrol import selectors as patrols
from gatehouse.guard.web import REGISTERS
from gatehouse.registers.engine import Register, Row, columns, declare
from gatehouse.registers.forms import DateRangeForm, RegisterFilterForm


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
