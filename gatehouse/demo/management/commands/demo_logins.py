"""``manage.py demo_logins``: print the demo logins (Chinese and English) and where to open them."""

from __future__ import annotations

import unicodedata
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import DatabaseError

from gatehouse.demo.accounts import DEMO_LOGINS, DEMO_PASSWORD, DEMO_URL
from gatehouse.demo.sites import CAMPUS, DONGHU, WULI

_SITES = {
    DONGHU: ("东湖花园", "Donghu Garden"),
    WULI: ("五里工业园区", "Wuli Industrial Park"),
    CAMPUS: ("东湖中学", "Donghu Middle School"),
}
_HEADERS = (
    ("用户名", "Username"),
    ("密码", "Password"),
    ("角色", "Role"),
    ("场所", "Site"),
    ("先试试", "Try first"),
)


def _width(text: str) -> int:
    """Columns a terminal gives ``text``: CJK and full-width characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def login_rows() -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
    """For each demo login: its Chinese line and its English line, column by column."""
    rows: list[tuple[tuple[str, ...], tuple[str, ...]]] = []
    for login in DEMO_LOGINS:
        sites_zh = "、".join(_SITES[c][0] for c in login.sites) or "全部场所"
        sites_en = ", ".join(_SITES[c][1] for c in login.sites) or "All sites"
        rows.append(
            (
                (login.username, DEMO_PASSWORD, login.role_zh, sites_zh, login.try_zh),
                ("", "", login.role_en, sites_en, login.try_en),
            )
        )
    return rows


def render_table() -> str:
    rows = login_rows()
    lines_of = [_HEADERS[i] for i in range(len(_HEADERS))]
    widths = [
        max([_width(h) for h in lines_of[i]] + [_width(r[k][i]) for r in rows for k in (0, 1)])
        for i in range(len(_HEADERS))
    ]

    def line(cells: tuple[str, ...]) -> str:
        return "  ".join(_pad(c, w) for c, w in zip(cells, widths, strict=True)).rstrip()

    out = [
        line(tuple(h[0] for h in _HEADERS)),
        line(tuple(h[1] for h in _HEADERS)),
        "  ".join("-" * w for w in widths),
    ]
    for zh, en in rows:
        out += [line(zh), line(en)]
    return "\n".join(out)


class Command(BaseCommand):
    help = "列出演示账号。Print the demo logins."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Gatehouse 演示账号 / demo logins — {DEMO_URL}"))
        self.stdout.write(
            f"所有演示账号的密码均为 {DEMO_PASSWORD}（演示用，并非机密；改过的密码重新加载后保留）"
        )
        self.stdout.write(
            f"Every demo account's password is {DEMO_PASSWORD} (a demo password, not a secret; "
            "a password you change survives a reload)."
        )
        self.stdout.write("")
        self.stdout.write(render_table())
        self.stdout.write("")
        usernames = [login.username for login in DEMO_LOGINS]
        try:
            present = set(
                get_user_model()
                .objects.filter(username__in=usernames)
                .values_list("username", flat=True)
            )
        except DatabaseError:  # not migrated yet
            present = set()
        missing = [u for u in usernames if u not in present]
        if missing:
            self.stdout.write(
                self.style.WARNING(
                    "尚未创建 not created yet: "
                    + ", ".join(missing)
                    + " — 请先运行 run `manage.py load_demo`"
                )
            )
        self.stdout.write(
            f"打开 Open {DEMO_URL} ，用上表任一账号登录 and sign in with any of them."
        )
