"""V-10: may a vehicle pass (《车辆出入证》) be issued for these papers? Pure Python, no Django.

T7 第一条: the tenant applies with the ID card, the vehicle licence (机动车行驶证) and the
driving licence (驾驶证), shows the insurance, and "未按国家规定购买保险及无环保标志的车辆将不予
办理". The check runs in this order and the first failure supplies the reason:

1. ``pass.documents_missing``: ID card, vehicle licence or driving licence not checked;
2. ``pass.uninsured``: no insurance shown;
3. ``pass.insurance_expired``: the insurance ends before ``today`` (or its end is unknown);
4. ``pass.no_env_label``: no environmental label (环保标志);
5. ``pass.copies_missing``: "并提供复印件备案" — the copies of the driving licence, the vehicle
   licence and the insurance are not filed with the application (checked where the
   application files copies: a new pass; ``copies`` None leaves it out, as a reissue does).

This module is the one place of the rule; it sits in the parking app only because the core's
lease module (which owns PK-06's money) was not to be touched; it imports nothing from Django so
it can move into ``gatehouse.core`` as it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from gatehouse.core.errors import DomainError, InvalidInput

_DOCUMENTS = (
    ("id_card", "身份证"),
    ("vehicle_licence", "机动车行驶证"),
    ("driving_licence", "驾驶证"),
)
#: The copies T7 第一条 files ("申请停车位时…出示驾驶证、机动车行驶证、车辆保险等单证并提供
#: 复印件备案").
COPIES_REQUIRED = (
    ("driving_licence", "驾驶证"),
    ("vehicle_licence", "机动车行驶证"),
    ("insurance", "车辆保险单"),
)


@dataclass(frozen=True, slots=True)
class PassApplication:
    """What the front desk checked (查验) for one vehicle."""

    id_card: bool
    vehicle_licence: bool
    driving_licence: bool
    insurance: bool
    insurance_valid_until: date | None
    environmental_label: bool
    copies: frozenset[str] | None = None  # the kinds of copies filed; None: not asked


def check_application(application: PassApplication, *, today: date) -> None:
    """Return when a pass may be issued; else raise DomainError with the reason code (V-10)."""
    if not isinstance(today, date):
        raise InvalidInput("pass.today", "日期无效。", {"field": "today"})
    missing = [label for name, label in _DOCUMENTS if not getattr(application, name)]
    if missing:
        raise DomainError(
            "pass.documents_missing",
            f"办理《车辆出入证》须查验身份证、机动车行驶证、驾驶证；尚未查验：{'、'.join(missing)}。",
            {"field": "documents", "missing": missing},
        )
    if not application.insurance:
        raise DomainError(
            "pass.uninsured",
            "未按国家规定购买保险的车辆不予办理《车辆出入证》。",
            {"field": "insurance_checked"},
        )
    until = application.insurance_valid_until
    if until is None or until < today:
        shown = "未填写保险有效期" if until is None else f"保险已于{until:%Y-%m-%d}到期"
        raise DomainError(
            "pass.insurance_expired",
            f"{shown}：车辆保险须在有效期内，不予办理《车辆出入证》。",
            {"field": "insurance_valid_until"},
        )
    if not application.environmental_label:
        raise DomainError(
            "pass.no_env_label",
            "无环保标志的车辆不予办理《车辆出入证》。",
            {"field": "environmental_label"},
        )
    if application.copies is not None:
        lacking = [
            (kind, label) for kind, label in COPIES_REQUIRED if kind not in application.copies
        ]
        if lacking:
            raise DomainError(
                "pass.copies_missing",
                "办理《车辆出入证》须提供复印件备案；尚缺："
                + "、".join(label for _kind, label in lacking)
                + "。",
                {"field": f"copy_{lacking[0][0]}", "missing": [k for k, _label in lacking]},
            )
