"""The guard's status page (``GET /`` on the edge): one self-contained Chinese HTML page, no
external assets, reloaded every few seconds (not while the guard is typing the fire PIN).

It shows what :meth:`gatehouse_edge.server.EdgeApp.status` returns, in words a guard reads at a
glance: whether the server is reached, how old the snapshot is and whether the gate can still
decide from it, the uploads waiting or rejected, the fire mode, and the latest alarms.
"""

from __future__ import annotations

from datetime import datetime
from html import escape
from typing import Any
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")
REFRESH_SECONDS = 5

STYLE = """
body{font-family:"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:0;background:#f4f5f7;
color:#222}
header{padding:12px 20px;background:#1f3b57;color:#fff;font-size:20px}
main{padding:16px 20px;max-width:960px}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(260px,1fr));gap:12px}
.card{background:#fff;border-radius:6px;padding:12px 16px;box-shadow:0 1px 2px #0002}
.card h2{font-size:15px;margin:0 0 6px;color:#555}
.big{font-size:22px;font-weight:bold}
.ok{color:#1a7f37}.bad{color:#c62828}.warn{color:#b26a00}
.banner{padding:12px 16px;border-radius:6px;margin-bottom:12px;font-size:18px;font-weight:bold}
.banner.bad{background:#fdecea;border:2px solid #c62828}
.banner.fire{background:#c62828;color:#fff}
.banner.notice{background:#e8f5e9;border:1px solid #1a7f37;color:#1a7f37}
table{border-collapse:collapse;width:100%;background:#fff}
td,th{border-bottom:1px solid #ddd;padding:6px 8px;text-align:left;font-size:14px}
form{display:flex;gap:8px;flex-wrap:wrap;align-items:center}
input{font-size:16px;padding:6px}button{font-size:16px;padding:6px 14px}
button.danger{background:#c62828;color:#fff;border:0}
small{color:#666}
"""

#: Reload every few seconds, unless the PIN field has focus or text (the guard is typing).
SCRIPT = f"""
setInterval(function(){{
  var p=document.getElementById('pin');
  if(p&&(p.value!==''||document.activeElement===p))return;
  location.replace('/');
}},{REFRESH_SECONDS * 1000});
"""


def shown(value: str | None) -> str:
    """An ISO time as the guard reads it: Shanghai, to the second; ``—`` for none."""
    if not value:
        return "—"
    try:
        at = datetime.fromisoformat(value)
    except ValueError:
        return value
    return at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M:%S")


def age(seconds: int | None) -> str:
    """How long ago, in Chinese (``3 分钟``, ``2 小时 5 分钟``, ``1 天 4 小时``)."""
    if seconds is None:
        return "—"
    if seconds < 60:
        return f"{seconds} 秒"
    minutes = seconds // 60
    if minutes < 60:
        return f"{minutes} 分钟"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{hours} 小时 {minutes} 分钟"
    days, hours = divmod(hours, 24)
    return f"{days} 天 {hours} 小时"


def _card(title: str, ident: str, value: str, css: str, detail: str = "") -> str:
    extra = f"<div><small>{detail}</small></div>" if detail else ""
    return (
        f'<section class="card" id="{ident}"><h2>{escape(title)}</h2>'
        f'<div class="big {css}">{value}</div>{extra}</section>'
    )


def render(status: dict[str, Any], *, notice: str = "", problem: str = "") -> str:
    """The page for ``status`` (:meth:`EdgeApp.status`); ``notice`` / ``problem``: a line to
    show after the guard's action (done / refused)."""
    s = status
    banners = []
    if problem:
        banners.append(f'<div class="banner bad" id="problem">{escape(problem)}</div>')
    if notice:
        banners.append(f'<div class="banner notice">{escape(notice)}</div>')
    if s["fire_mode"]:
        banners.append(
            '<div class="banner fire" id="fire-banner">消防应急模式已开启：所有出口一律放行'
            f"（自 {escape(shown(s['fire_since']))} 起）</div>"
        )
    if not s["snapshot_usable"]:
        banners.append(
            '<div class="banner bad" id="snapshot-banner">本地通行名单不可用：'
            f"{escape(s['snapshot_problem'])}。断网时将拒绝通行，只放行“断网时始终放行”人员，"
            "并已通知监控中心。请联系管理员。</div>"
        )

    if s["online"]:
        online = _card(
            "服务器连接",
            "online",
            "在线",
            "ok",
            f"最近连通：{escape(shown(s['last_reached']))}",
        )
    else:
        why = f"；{escape(s['last_error'])}" if s.get("last_error") else ""
        online = _card(
            "服务器连接",
            "online",
            "离线（本地判定）",
            "bad",
            f"最近连通：{escape(shown(s['last_reached']))}{why}",
        )
    usable = "可用" if s["snapshot_usable"] else "不可用"
    issued = escape(shown(s["snapshot_issued_at"]))
    issued_ago = escape(age(s["snapshot_age_seconds"]))
    snapshot = _card(
        "通行名单",
        "snapshot",
        usable,
        "ok" if s["snapshot_usable"] else "bad",
        f"最近同步：{escape(shown(s['last_sync']))}<br>"
        f"名单签发：{issued}（已过 {issued_ago}）"
        f"<br>有效至：{escape(shown(s['snapshot_expires_at']))}"
        + ("" if s["snapshot_usable"] else f"<br>原因：{escape(s['snapshot_problem'])}"),
    )
    pending = _card(
        "待上传记录",
        "pending",
        str(s["pending_uploads"]),
        "warn" if s["pending_uploads"] else "ok",
        "离线判定的通行记录，恢复连接后自动上传",
    )
    rejected = _card(
        "被服务器拒收的记录",
        "rejected",
        str(s["rejected_uploads"]),
        "bad" if s["rejected_uploads"] else "ok",
        "保存在本机，请联系管理员核查" if s["rejected_uploads"] else "",
    )
    fire = _card(
        "消防应急模式",
        "fire",
        "已开启" if s["fire_mode"] else "关闭",
        "bad" if s["fire_mode"] else "ok",
        "开启后出口一律放行，进口照常判定" if not s["fire_mode"] else "出口一律放行",
    )

    if s["fire_switch"]:
        turn_on = not s["fire_mode"]
        label = "开启消防应急模式" if turn_on else "关闭消防应急模式"
        switch = (
            '<section class="card" id="fire-switch"><h2>切换消防应急模式</h2>'
            '<form method="post" action="/fire">'
            f'<input type="hidden" name="on" value="{1 if turn_on else 0}">'
            '<input name="by" placeholder="值班人姓名" maxlength="40">'
            '<input id="pin" name="pin" type="password" placeholder="口令" '
            'autocomplete="off" required>'
            f'<button type="submit" class="{"danger" if turn_on else ""}">{label}</button>'
            "</form><small>切换会立即通知监控中心。</small></section>"
        )
    else:
        switch = (
            '<section class="card" id="fire-switch"><h2>切换消防应急模式</h2>'
            "<small>未设置口令（GATEHOUSE_EDGE_FIRE_PIN），本页不能切换。</small></section>"
        )

    rows = "".join(
        "<tr>"
        f"<td>{escape(shown(a['at']))}</td><td>{escape(a['message'])}</td>"
        f"<td>{'已送达监控中心' if a['sent'] else '待发送'}</td>"
        "</tr>"
        for a in s["alarms"]
    )
    alarms = (
        '<section class="card" id="alarms"><h2>告警'
        f"（待发送 {s['pending_alarms']} 条）</h2>"
        + (
            f"<table><tr><th>时间</th><th>内容</th><th>状态</th></tr>{rows}</table>"
            if rows
            else "<small>暂无告警</small>"
        )
        + "</section>"
    )
    return (
        '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        "<title>边缘网关状态</title>"
        f'<noscript><meta http-equiv="refresh" content="{REFRESH_SECONDS}"></noscript>'
        f"<style>{STYLE}</style></head><body>"
        f'<header>边缘网关状态 <small style="color:#cde">{escape(shown(s["now"]))}</small></header>'
        f"<main>{''.join(banners)}"
        f'<div class="grid">{online}{snapshot}{pending}{rejected}{fire}</div>'
        f'<div style="margin-top:12px">{switch}</div>'
        f'<div style="margin-top:12px">{alarms}</div>'
        f"</main><script>{SCRIPT}</script></body></html>"
    )
