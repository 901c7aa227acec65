"""The notice board part of the demo (called by :func:`gatehouse.demo.load.build_demo`): at
东湖花园 the property's fee standard, a lift maintenance stop for building 2 only, a civilised
dog-keeping appeal and a pinned winter fire-safety notice, published by the front desk through
the real service (so each is audited as the system would).

Deterministic for a given ``now`` and idempotent: a site that already has a notice is left alone.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.db import transaction

from gatehouse.bulletin import services
from gatehouse.bulletin.models import Notice, NoticeCategory
from gatehouse.sites.models import Building, Site

DEMO_SITE = "donghu"
SHANGHAI = ZoneInfo("Asia/Shanghai")

FEES = """\
根据《湖北省物业服务收费管理办法》及本小区物业服务合同约定，现将东湖花园物业服务收费标准公示如下：

一、物业服务费：1—3栋（高层，含电梯运行维护）2.20元/平方米·月；4—6栋（小高层）1.90元/平方米·月，按房屋建筑面积计收，按季度缴纳。

二、公共能耗分摊：楼道照明、电梯用电、二次供水加压用电按实际发生额分摊，每半年公示一次明细。

三、机动车停放服务费：按小区停车收费标准执行，详见停车场出入口公示牌；车辆出入证押金及工本费另行公示。

四、装修管理：装修垃圾清运费按每户一次性收取，装修押金于竣工验收合格后全额退还。

以上标准如有调整，将提前30日公示。如有疑问，请到物业服务中心（2栋架空层）咨询，服务热线：027-87651234。"""

FIRE = """\
冬季天干物燥，用火用电增多，为保障全体业主生命财产安全，请大家注意：

一、不在楼道、疏散通道、安全出口堆放杂物，不占用消防车通道停车。

二、电动自行车及电池严禁进楼入户、严禁私拉电线“飞线”充电，请到小区东门、西门集中充电棚充电。

三、使用取暖器、电热毯等电器时人走断电，不在室内燃放烟花爆竹，不使用明火取暖。

四、发现火情请立即拨打119，并通知物业监控中心（24小时值班）。

秩序维护部每晚对各楼栋消防设施和疏散通道进行巡查，请大家支持配合。"""

DOGS = """\
为营造整洁、安全、和谐的居住环境，物业服务中心向全体养犬业主发出如下倡议：

一、依法为犬只办理登记、按时接种狂犬疫苗。

二、出门遛犬束犬链（长度不超过1.5米），主动避让老人和儿童；乘坐电梯时怀抱犬只或套嘴套，并避开高峰时段。

三、随身携带拾便袋，及时清理犬只粪便，不在儿童游乐区、绿地内遛犬。

四、夜间22:00至次日7:00请管理好犬只，避免吠叫扰邻。

文明养犬，从我做起。感谢您的理解与支持！"""


def _lift(day: datetime) -> str:
    when = f"{day.month}月{day.day}日"
    return f"""尊敬的2栋业主：

根据特种设备安全管理规定，2栋1单元、2单元电梯将于{when}9:00—17:00进行年度维护保养和检验，期间电梯暂停运行。

请有出行需要的业主提前安排；行动不便的业主如需协助，请提前联系物业服务中心，我们将安排工作人员上门帮助。

给您带来的不便，敬请谅解。"""


def _at(now: datetime, days: int, hour: int) -> datetime:
    day = now.astimezone(SHANGHAI).date() + timedelta(days=days)
    return datetime.combine(day, time(hour), tzinfo=SHANGHAI)


def load_bulletin_demo(*, now: datetime) -> dict[str, int]:
    """Load the notices at 东湖花园: ``{site code: notices made}``, empty when nothing was (the
    site is missing or already has notices)."""
    if Notice.objects.filter(site__code=DEMO_SITE).exists():  # a second run: one query
        return {}
    site = Site.objects.filter(code=DEMO_SITE).first()
    if site is None:
        return {}
    users = get_user_model().objects
    desk: Any = users.filter(username="desk").first() or users.filter(is_superuser=True).first()
    if desk is None:
        return {}
    building_2 = Building.objects.filter(site=site, code="2").values_list("pk", flat=True)
    lift_day = _at(now, 2, 9)
    notices: list[dict[str, Any]] = [
        {
            "category": NoticeCategory.FEES,
            "title": "东湖花园物业服务收费标准公示",
            "body": FEES,
            "publish_from": _at(now, -20, 9),
        },
        {
            "category": NoticeCategory.CAMPAIGN,
            "title": "文明养犬倡议书",
            "body": DOGS,
            "publish_from": _at(now, -7, 10),
            "until": _at(now, 60, 0),
        },
        {
            "category": NoticeCategory.PROPERTY,
            "title": "冬季防火安全提示",
            "body": FIRE,
            "publish_from": _at(now, -3, 8),
            "until": _at(now, 90, 0),
            "pinned": True,
        },
        {
            "category": NoticeCategory.PROPERTY,
            "title": "2栋电梯年度维保停运通知",
            "body": _lift(lift_day),
            "publish_from": _at(now, -1, 16),
            "until": lift_day + timedelta(hours=9),
            "buildings": list(building_2),
        },
    ]
    with transaction.atomic():
        for fields in notices:
            services.notice_create(site=site, actor=desk, now=now, **fields)
    return {site.code: len(notices)}
