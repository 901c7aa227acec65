"""Play a Vzenith-style lane camera: push plate results the way the camera does.

    manage.py simulate_camera --device 7 --plate 京A12345          # in-process, no server needed
    manage.py simulate_camera --lane donghu/garage-1/garage-in --count 5   # the demo's camera
    manage.py simulate_camera --device 7 --count 20                  # 20 random plates
    manage.py simulate_camera --url http://127.0.0.1:8000 --key gd_… --plate 京A12345

In-process pushes go through the same parsing and decision code as the HTTP endpoint
(``/api/v1/cameras/vzenith``) without the network; with ``--url`` and the device's key the push
is a real HTTP request to a running server. Each push prints the camera's reply.
"""

from __future__ import annotations

import json
import random
import urllib.request
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from gatehouse.devices.adapters import vzenith
from gatehouse.devices.models import Device, DeviceKind
from gatehouse.vehicles.api import camera_push, camera_reply

PROVINCES = "京沪粤苏浙鲁川鄂"
LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"
DIGITS = "0123456789"


def random_plate(rng: random.Random) -> str:
    tail = "".join(rng.choice(DIGITS) for _ in range(4))
    return f"{rng.choice(PROVINCES)}{rng.choice(LETTERS)}{rng.choice(LETTERS + DIGITS)}{tail}"


class Command(BaseCommand):
    help = "模拟车牌识别相机推送识别结果（臻识 AlarmInfoPlate 格式）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--device", type=int, help="相机设备编号（进程内推送）")
        parser.add_argument(
            "--lane", help="或用场所编码/出入口/车道找相机，如 donghu/garage-1/garage-in"
        )
        parser.add_argument("--url", help="服务器地址，如 http://127.0.0.1:8000（HTTP 推送）")
        parser.add_argument("--key", help="相机的设备密钥（HTTP 推送时必填）")
        parser.add_argument("--plate", action="append", default=[], help="车牌号，可重复")
        parser.add_argument("--count", type=int, default=0, help="再随机生成的车牌数")
        parser.add_argument("--seed", type=int, default=7)

    def handle(self, *args: Any, **opts: Any) -> None:
        rng = random.Random(opts["seed"])
        plates = list(opts["plate"]) + [random_plate(rng) for _ in range(opts["count"])]
        if not plates:
            raise CommandError("请用 --plate 给出车牌号，或用 --count 随机生成")
        device = None
        if opts["url"]:
            if not opts["key"]:
                raise CommandError("HTTP 推送须用 --key 给出相机的设备密钥")
        else:
            cameras = Device.objects.filter(kind=DeviceKind.PLATE_CAMERA, lane__isnull=False)
            if opts["lane"]:
                site, _, rest = opts["lane"].partition("/")
                gate, _, lane = rest.partition("/")
                cameras = cameras.filter(site__code=site, lane__gate__code=gate, lane__code=lane)
            else:
                cameras = cameras.filter(pk=opts["device"])
            device = cameras.order_by("pk").first()
            if device is None:
                raise CommandError(
                    "找不到已绑定车道的车牌识别相机，请用 --device 或 --lane 指定相机"
                )
        base_id = rng.randrange(1, 1_000_000)
        for offset, plate in enumerate(plates):
            now = timezone.now()
            serial = f"sim-{device.pk}" if device is not None else "sim-http"
            body = vzenith.push(serial, plate, base_id + offset, now)
            if device is not None:
                reply = camera_reply(camera_push(device=device, body=body, now=now), body)
            else:
                request = urllib.request.Request(  # noqa: S310 (an address the operator gives)
                    f"{opts['url'].rstrip('/')}/api/v1/cameras/vzenith?key={opts['key']}",
                    data=json.dumps(body, ensure_ascii=False).encode(),
                    headers={"Content-Type": "application/json"},
                    method="POST",
                )
                with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                    reply = json.loads(response.read())
            self.stdout.write(f"{plate}: {json.dumps(reply, ensure_ascii=False)}")
