"""Writes of guard night patrols (SPEC S-04: routes of checkpoints, each scan timed, a missed or
late checkpoint flagged; the 夜间安保巡查记录表).
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.utils.crypto import constant_time_compare, salted_hmac

from gatehouse.access.models import Notice, NoticeAudience
from gatehouse.accounts.actor import Actor
from gatehouse.core import guard as core
from gatehouse.core.errors import DomainError, InvalidInput
from gatehouse.core.text import clean_text
from gatehouse.guard.models import PatrolRoute, PatrolScan, ScanState
from gatehouse.guard.patrol.selectors import (
    active_routes,
    core_route,
    current_night,
    night_scans,
    route_status,
)
from gatehouse.guard.shared import guard_name, local_time
from gatehouse.guard.writes import save_photos, write_audit, write_notice
from gatehouse.sites.models import Checkpoint, Site

TAG_PREFIX = "GHP:"


#: Characters of the check printed after a checkpoint's code (tags printed before this carry
#: six, and are still read).
CHECK_LENGTH = 4
#: What a guard types for a letter of the check that looks like a digit (base32 has no 0, 1, 8).
_LOOKALIKE = str.maketrans({"0": "O", "1": "I", "8": "B"})


def tag_signature(site_id: int, code: str) -> str:
    """Six characters (A–Z, 2–7) that only the server can compute for a checkpoint."""
    digest = salted_hmac("gatehouse.patrol.tag", f"{site_id}:{code}", algorithm="sha256").digest()
    return base64.b32encode(digest).decode()[:6]


def tag_code(checkpoint: Checkpoint) -> str:
    """The code printed under a checkpoint's QR tag and typed when the camera cannot read it:
    the checkpoint's code, a dot and a short check (``cp01.K7QM``)."""
    check = tag_signature(checkpoint.site_id, checkpoint.code)[:CHECK_LENGTH]
    return f"{checkpoint.code}.{check}"


def tag_payload(checkpoint: Checkpoint) -> str:
    return TAG_PREFIX + tag_code(checkpoint)


def _refused(message: str) -> InvalidInput:
    return InvalidInput("patrol.tag", message, {"field": "code"})


def read_tag(site: Site, raw: str) -> Checkpoint:
    """The checkpoint of a scanned or typed tag code, its check verified (``patrol.tag``, with a
    message that says what is wrong: no such checkpoint, the check missing, or the check wrong).
    Typing is forgiving: any case, a full-width dot or a space for the dot, 0/1/8 for O/I/B."""
    text = (raw or "").strip().replace("。", ".").replace("．", ".")
    if text.upper().startswith(TAG_PREFIX):
        text = text[len(TAG_PREFIX) :]
    if "." not in text and len(text.split()) == 2:
        text = ".".join(text.split())
    text = "".join(text.split())
    if not text:
        raise _refused("请输入巡更点标签下方印的编码，例如 cp01.K7QM")
    code, dot, check = text.rpartition(".")
    if not dot:
        code, check = text, ""
    checkpoint = Checkpoint.objects.filter(site=site, code__iexact=code).first()
    if checkpoint is None:
        raise _refused(f"没有编号为“{code[:40]}”的巡更点，请核对标签上的编码")
    if not check:
        raise _refused(
            f"缺少校验码：请输入标签上完整的编码，即“{checkpoint.code}.”后面再加{CHECK_LENGTH}位校验码"
        )
    check = check.upper().translate(_LOOKALIKE)
    expected = tag_signature(site.pk, checkpoint.code)
    if len(check) not in (CHECK_LENGTH, len(expected)) or not constant_time_compare(
        check, expected[: len(check)]
    ):
        raise _refused(f"校验码不对：请核对标签上“{checkpoint.code}.”后面的{CHECK_LENGTH}位校验码")
    return checkpoint


@dataclass(frozen=True)
class ScanResult:
    scan: PatrolScan
    status: core.CheckpointStatus | None  # None: the scan counts for no round

    @property
    def message(self) -> str:
        name = self.scan.checkpoint.name
        if self.status is None:
            return f"{name}：不在巡查时段，本次打卡不计入巡查轮次"
        if self.status.state is core.CheckState.LATE:
            return f"{name}：第{self.status.round_no}轮打卡，超时{self.status.minutes_late}分钟"
        return f"{name}：第{self.status.round_no}轮按时打卡"


@transaction.atomic
def patrol_scan(
    *,
    route: PatrolRoute,
    actor: Actor,
    code: str,
    note: str = "",
    photos: Sequence[Any] = (),
    by_camera: bool = False,
    recorded_by: Any = None,
    now: datetime,
) -> ScanResult:
    """S-04: a patrol guard scans (or types) a checkpoint's tag. The scan is a row of the
    夜间安保巡查记录表; the core says which round it counts for and whether it is late.
    ``recorded_by``: who typed it in, when not the patrol guard (a paper register entered later).
    """
    PatrolRoute.objects.select_for_update().filter(pk=route.pk).first()  # one scan at a time
    checkpoint = read_tag(route.site, code)
    if not route.stops.filter(checkpoint=checkpoint).exists():
        raise DomainError("patrol.not_on_route", f"{checkpoint.name}不在巡更路线“{route.name}”上")
    spec = core_route(route)
    night = current_night(spec, now)
    scans = [*night_scans(route, night), core.Scan(checkpoint.code, now, guard_name(actor))]
    states = core.patrol_status(route=spec, scans=scans, now=now, night_of=night)
    mine = next(
        (s for s in states if s.checkpoint == checkpoint.code and s.scanned_at == local_time(now)),
        None,
    )
    if mine is None:
        state, late, round_no = ScanState.OUTSIDE, 0, None
    else:
        late, round_no = mine.minutes_late, mine.round_no
        state = ScanState.LATE if mine.state is core.CheckState.LATE else ScanState.ON_TIME
    scan = PatrolScan.objects.create(
        site=route.site,
        route=route,
        checkpoint=checkpoint,
        guard=actor,
        at=now,
        night_of=night,
        round_no=round_no,
        state=state,
        minutes_late=late,
        note=clean_text(note, 300),
        by_camera=by_camera,
    )
    save_photos(photos, site=route.site, actor=actor, now=now, scan=scan)
    write_audit("guard.patrol.scan", scan, recorded_by or actor, now)
    return ScanResult(scan, mine)


def patrol_ref(route: PatrolRoute, night: date, status: core.CheckpointStatus) -> str:
    return f"miss:{route.pk}:{night:%Y%m%d}:{status.round_no}:{status.checkpoint}"


@transaction.atomic
def patrol_flag_missed(*, site: Site, now: datetime) -> int:
    """S-04: a monitoring alert for each checkpoint of the current night that became missed
    (run every minute or so, each night is watched while it is the current one). Idempotent: a
    missed checkpoint is flagged once. Returns how many were flagged."""
    Site.objects.select_for_update().filter(pk=site.pk).first()
    fresh = 0
    for route in active_routes(site):
        for night in (current_night(core_route(route), now),):
            _night, states = route_status(route, now, night)
            missed = [s for s in states if s.state is core.CheckState.MISSED]
            refs = {patrol_ref(route, night, s): s for s in missed}
            known = set(
                Notice.objects.filter(
                    site=site, kind="patrol.missed", object_ref__in=list(refs)
                ).values_list("object_ref", flat=True)
            )
            for ref, s in refs.items():
                if ref in known:
                    continue
                write_notice(
                    site,
                    NoticeAudience.MONITORING,
                    "patrol.missed",
                    f"巡更漏检：{route.name} 第{s.round_no}轮 {s.checkpoint}"
                    f"（应于{local_time(s.closes):%m-%d %H:%M}前打卡）",
                    ref,
                    now,
                )
                fresh += 1
    return fresh
