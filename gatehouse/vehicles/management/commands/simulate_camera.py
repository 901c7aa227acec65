"""Play a Vzenith-style lane camera (臻识 HTTP push, heartbeat and offline records).

    manage.py simulate_camera --device 7 --plate 京A12345          # in-process, no server needed
    manage.py simulate_camera --lane donghu/garage-1/garage-in --count 5   # the demo's camera
    manage.py simulate_camera --url http://127.0.0.1:8000 --token gc_… --plate 京A12345
    manage.py simulate_camera --url http://127.0.0.1:8000 --key gd_… --offline 50 --heartbeats 10

In-process pushes go through the same code as the HTTP endpoint without the network. With
``--url`` the simulated camera (:mod:`gatehouse.devices.adapters.vzenith.simulator`) talks HTTP
to a running server as the camera does: ``--offline N`` buffers N results while "offline", then
reconnects and drains them one by one as the server asks (``ContinuePushOffline``);
``--heartbeats N`` polls the comet heartbeat N times, ``--period`` seconds apart, and applies the
commands (barrier lifts, LED text, voice). Each reply and the board's state are printed.
"""

from __future__ import annotations

import json
import random
import time
from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from gatehouse.devices.adapters import vzenith
from gatehouse.devices.adapters.vzenith.simulator import SimulatedCamera
from gatehouse.devices.models import Device, DeviceKind
from gatehouse.vehicles.cameras import push_reply

PROVINCES = "京沪粤苏浙鲁川鄂"
LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"
DIGITS = "0123456789"


def random_plate(rng: random.Random) -> str:
    tail = "".join(rng.choice(DIGITS) for _ in range(4))
    return f"{rng.choice(PROVINCES)}{rng.choice(LETTERS)}{rng.choice(LETTERS + DIGITS)}{tail}"


class Command(BaseCommand):
    help = "模拟车牌识别相机（臻识 HTTP 推送、心跳轮询、离线补传）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--device", type=int, help="相机设备编号（进程内推送）")
        parser.add_argument(
            "--lane", help="或用场所编码/出入口/车道找相机，如 donghu/garage-1/garage-in"
        )
        parser.add_argument("--url", help="服务器地址，如 http://127.0.0.1:8000（HTTP 推送）")
        parser.add_argument("--token", default="", help="相机推送地址令牌 gc_…（HTTP 推送）")
        parser.add_argument("--key", default="", help="或相机的设备密钥 gd_…（HTTP 推送）")
        parser.add_argument("--serial", default="sim-camera", help="相机序列号（serialno）")
        parser.add_argument("--plate", action="append", default=[], help="车牌号，可重复")
        parser.add_argument("--count", type=int, default=0, help="再随机生成的车牌数")
        parser.add_argument("--offline", type=int, default=0, help="离线时缓存的识别结果数")
        parser.add_argument("--heartbeats", type=int, default=0, help="心跳轮询次数")
        parser.add_argument("--period", type=float, default=1.0, help="心跳间隔（秒）")
        parser.add_argument("--seed", type=int, default=7)

    def handle(self, *args: Any, **opts: Any) -> None:
        rng = random.Random(opts["seed"])
        plates = list(opts["plate"]) + [random_plate(rng) for _ in range(opts["count"])]
        if opts["url"]:
            self._http(opts, plates, rng)
            return
        if not plates:
            raise CommandError("请用 --plate 给出车牌号，或用 --count 随机生成")
        cameras = Device.objects.filter(kind=DeviceKind.PLATE_CAMERA, lane__isnull=False)
        if opts["lane"]:
            site, _, rest = opts["lane"].partition("/")
            gate, _, lane = rest.partition("/")
            cameras = cameras.filter(site__code=site, lane__gate__code=gate, lane__code=lane)
        else:
            cameras = cameras.filter(pk=opts["device"])
        device = cameras.order_by("pk").first()
        if device is None:
            raise CommandError("找不到已绑定车道的车牌识别相机，请用 --device 或 --lane 指定相机")
        serial = device.serial_no or f"sim-{device.pk}"
        base_id = rng.randrange(1, 1_000_000)
        for offset, plate in enumerate(plates):
            now = timezone.now()
            body = vzenith.push(serial, plate, base_id + offset, now)
            raw = json.dumps(body, ensure_ascii=False).encode()
            reply = push_reply(device=device, raw=raw, now=now)
            self.stdout.write(f"{plate}: {json.dumps(reply, ensure_ascii=False)}")

    def _http(self, opts: dict[str, Any], plates: list[str], rng: random.Random) -> None:
        if not (opts["token"] or opts["key"]):
            raise CommandError("HTTP 推送须用 --token 给出推送地址令牌，或用 --key 给出设备密钥")
        camera = SimulatedCamera(
            opts["url"],
            serial=opts["serial"],
            token=opts["token"],
            key=opts["key"],
            first_id=rng.randrange(1, 1_000_000),
        )
        try:
            now = timezone.now()
            if opts["offline"]:
                camera.online = False
                for i in range(opts["offline"]):
                    camera.see(random_plate(rng), now - timedelta(minutes=opts["offline"] - i))
                taken = camera.drain()
                self.stdout.write(f"离线补传：{taken}/{opts['offline']} 条已被服务器接收")
            for plate in plates:
                reply = camera.see(plate, timezone.now())
                self.stdout.write(f"{plate}: {json.dumps(reply, ensure_ascii=False)}")
            for i in range(opts["heartbeats"]):
                if i:
                    time.sleep(opts["period"])
                reply = camera.poll()
                self.stdout.write(f"心跳 {i + 1}: {json.dumps(reply, ensure_ascii=False)}")
            board = camera.board
            self.stdout.write(
                f"道闸抬杆 {board.lifts} 次；显示屏 {board.lines}；语音 {board.spoken[-3:]}"
            )
        finally:
            camera.close()
