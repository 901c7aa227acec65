"""Run a simulated Hikvision terminal (:mod:`gatehouse.devices.adapters.hikvision.simulator`):
``manage.py simulate_terminal --port 8064 --user admin --password hik12345 --push-url
http://127.0.0.1:8000/api/v1/terminals/gc_…/events``. Type a card number (or ``face <id>``)
and Enter to present it; ``list`` shows what the terminal holds; Ctrl-D stops."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand

from gatehouse.devices.adapters.hikvision.simulator import Terminal


class Command(BaseCommand):
    help = "运行一台模拟的海康门禁/人脸终端（ISAPI，摘要认证），用于演示和测试"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--port", type=int, default=8064)
        parser.add_argument("--user", default="admin")
        parser.add_argument("--password", default="hik12345")
        parser.add_argument("--serial", default="DS-K1T671M20261205AAWRF00001")
        parser.add_argument("--push-url", default="", help="Gatehouse 的事件推送地址")

    def handle(self, *args: Any, **opts: Any) -> None:
        terminal = Terminal(
            port=opts["port"],
            username=opts["user"],
            password=opts["password"],
            serial=opts["serial"],
            push_url=opts["push_url"],
        ).start()
        self.stdout.write(f"模拟终端已启动：{terminal.url}（用户 {opts['user']}）")
        try:
            for line in sys.stdin:
                text = line.strip()
                if not text:
                    continue
                if text == "list":
                    store = terminal.store
                    self.stdout.write(
                        f"人员 {len(store.users)}，卡 {len(store.cards)}，人脸 {len(store.faces)}，"
                        f"开门 {len(store.doors_opened)} 次"
                    )
                    continue
                if text.startswith("face "):
                    result = terminal.face(text[5:].strip())
                else:
                    result = terminal.swipe(text)
                verdict = "开门" if result.passed else "拒绝"
                self.stdout.write(
                    f"{verdict}（事件 {result.event.serial_no}，推送 {result.pushed}）"
                )
        except KeyboardInterrupt:
            pass
        finally:
            terminal.stop()
