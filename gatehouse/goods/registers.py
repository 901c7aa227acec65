"""The goods registers (SPEC §11), as the register engine serves them under /goods/registers/:
物品放行登记 — every check of goods leaving (G-05) — the goods-in register (dangerous goods,
decoration materials; G-03, G-04), and their index."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from gatehouse.goods import forms, selectors
from gatehouse.registers.engine import Index, Register, Tile, columns, declare

HOME = ("goods:registers", _("物品登记表"))

declare(
    Register(
        "goods:register_releases",
        _("物品放行登记"),
        columns(*selectors.RELEASE_COLUMNS),
        forms.ReleaseFilterForm,
        selectors.release_register,
        _("没有符合条件的物品放行登记。"),
        row=selectors.release_row,
        parent=HOME,
    ),
    Register(
        "goods:register_entries",
        _("物品进入登记"),
        columns(*selectors.ENTRY_COLUMNS),
        forms.EntryFilterForm,
        selectors.entry_register,
        _("没有符合条件的物品进入登记。"),
        row=selectors.entry_row,
        parent=HOME,
    ),
    Index(
        "goods:registers",
        _("物品登记表"),
        (
            Tile(
                "goods:register_releases",
                _("物品放行登记"),
                _("每次物品出区核验一行：放行条、携物人、物品、核对结果和暂扣处置；保存2年。"),
            ),
            Tile(
                "goods:register_entries",
                _("物品进入登记"),
                _("危险物品和装修材料进入的登记：携带人、房号、物品、装修手续和判定结果。"),
            ),
            Tile(
                "goods:collection",
                _("放行条交接"),
                _("每班放行条交中队长、再交客服的记录，未按时交接的一目了然。"),
            ),
        ),
    ),
)
