"""Writes of guard operations (SPEC §7). Keyword-only, atomic, audited, handed ``now``; every rule
is the core's (``gatehouse.core.guard``): these functions load the facts, call it, and write down
the result, the register row and the audit entry in one transaction.

Refusals are ``DomainError`` / ``InvalidInput`` with a machine code and a Chinese message;
nothing is written then.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import PurePath
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils.crypto import constant_time_compare, salted_hmac

from gatehouse.access.models import Notice, NoticeAudience
from gatehouse.accounts.models import Membership, Role
from gatehouse.audit.services import audit_record, snapshot
from gatehouse.core import guard as core
from gatehouse.core.access import Duty, shift_change_windows
from gatehouse.core.errors import DomainError, InvalidInput
from gatehouse.core.ids import parse_mobile
from gatehouse.core.masking import mask_phone
from gatehouse.core.text import clean_text as _clean
from gatehouse.guard.models import (
    Anomaly,
    BoothAbsence,
    CleaningDone,
    CleaningMember,
    CleaningRota,
    Dispatch,
    Emergency,
    EmergencyAck,
    EmergencyPlan,
    FindingStatus,
    GuardSettings,
    Handover,
    HazardFinding,
    Key,
    KeyHandoff,
    LeaderDuty,
    PatrolRoute,
    PatrolScan,
    Penalty,
    Photo,
    ScanState,
    Shift,
    SpotCheck,
    SpotFinding,
    StaffingRequirement,
    Ticket,
)
from gatehouse.sites.models import Checkpoint, Post, Site

SHANGHAI = ZoneInfo("Asia/Shanghai")
GUARD_ROLES = (Role.GUARD, Role.PATROL, Role.MONITORING, Role.SECURITY_MANAGER)
MAX_PHOTO_BYTES = 10 * 1024 * 1024
MAX_PHOTOS = 6
PHOTO_SIGNATURES = {
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".webp": (b"RIFF",),
}
PHOTO_ACCEPT = "image/jpeg,image/png,image/webp"
TAG_PREFIX = "GHP:"


# -- small helpers -------------------------------------------------------------------------------


def guard_name(user: Any) -> str:
    """How the core, the registers and the ledger name a guard."""
    if user is None:
        return ""
    return (user.get_full_name() or user.get_username())[:60]


def _items(values: Iterable[str] | str | None, limit: int = 100) -> tuple[str, ...]:
    """A list of matters / keys / equipment: one per line, blanks and repeats dropped."""
    if values is None:
        return ()
    if isinstance(values, str):
        values = values.splitlines()
    return tuple(dict.fromkeys(c for c in (_clean(v, limit) for v in values) if c))


def _audit(action: str, obj: Any, actor: Any, now: datetime, before: Any = None) -> None:
    audit_record(action=action, obj=obj, actor=actor, before=before, after=snapshot(obj), at=now)


def _notice(site: Site, audience: str, kind: str, message: str, ref: str, now: datetime) -> Notice:
    return Notice.objects.create(
        site=site,
        audience=audience,
        kind=kind,
        message=message[:300],
        object_ref=ref[:60],
        created_at=now,
    )


def settings_for(site: Site) -> GuardSettings:
    """The site's guard settings, or the defaults (unsaved) when none were set."""
    found = GuardSettings.objects.filter(site=site).first()
    return found if found is not None else GuardSettings(site=site)


def is_member(user: Any, site: Site, roles: Sequence[str] = GUARD_ROLES) -> bool:
    return Membership.objects.filter(user=user, site=site, role__in=list(roles)).exists()


def _local(moment: datetime) -> datetime:
    return moment.astimezone(SHANGHAI)


# == S-01 / S-02: requirements, roster, leader on duty ===========================================


def core_requirement(req: StaffingRequirement) -> core.PostRequirement:
    return core.PostRequirement(
        post=str(req.post_id),
        headcount=req.headcount,
        from_hour=req.from_hour,
        to_hour=req.to_hour,
        weekdays=frozenset(int(d) for d in req.weekdays if d.isdigit()),
        on=req.on,
    )


def post_requirements(post: Post) -> tuple[core.PostRequirement, ...]:
    """The post's own headcount over its staffed hours (whole hours; a night crossing midnight
    is two requirements), used when no explicit requirement is set for the post."""
    key = str(post.pk)
    start, end = post.staffed_from.hour, post.staffed_until.hour
    if post.round_the_clock or start == end:
        return (core.PostRequirement(key, post.headcount),)
    if start < end:
        return (core.PostRequirement(key, post.headcount, start, end),)
    parts = [core.PostRequirement(key, post.headcount, start, 24)]
    if end > 0:
        parts.append(core.PostRequirement(key, post.headcount, 0, end))
    return tuple(parts)


@transaction.atomic
def requirement_add(
    *,
    site: Site,
    actor: Any,
    post: Post,
    headcount: int,
    from_hour: int,
    to_hour: int,
    weekdays: Iterable[int] = range(7),
    on: date | None = None,
    now: datetime,
) -> StaffingRequirement:
    """S-01: guards needed at ``post`` between two hours (weekly or for one date)."""
    if post.site_id != site.pk:
        raise DomainError("staffing.post", "岗位不属于本场所")
    days = frozenset(weekdays)
    core.PostRequirement(str(post.pk), headcount, from_hour, to_hour, days, on)  # validates
    req = StaffingRequirement.objects.create(
        site=site,
        post=post,
        headcount=headcount,
        from_hour=from_hour,
        to_hour=to_hour,
        weekdays="".join(str(d) for d in sorted(days)),
        on=on,
    )
    _audit("guard.requirement.add", req, actor, now)
    return req


def core_shift(shift: Shift) -> core.RosterShift:
    return core.RosterShift(str(shift.guard_id), str(shift.post_id), shift.start, shift.end)


@transaction.atomic
def shift_add(
    *, site: Site, actor: Any, post: Post, guard: Any, start: datetime, end: datetime, now: datetime
) -> Shift:
    """S-01: roster a guard at a post. Refused when the guard is not staff of the site or is
    already rostered in an overlapping shift (``roster_conflicts``)."""
    if post.site_id != site.pk:
        raise DomainError("staffing.post", "岗位不属于本场所")
    if not is_member(guard, site):
        raise DomainError("roster.not_staff", "此人不是本场所的安保人员，不能排班")
    if end <= start:
        raise InvalidInput("time.order", "结束时间必须晚于开始时间。", {"field": "end"})
    new = core.RosterShift(str(guard.pk), str(post.pk), start, end)
    mine = Shift.objects.filter(site=site, guard=guard, end__gt=start, start__lt=end)
    for a, b in core.roster_conflicts([*(core_shift(s) for s in mine), new]):
        if new in (a, b):
            other = a if b == new else b
            raise DomainError(
                "roster.conflict",
                f"{guard_name(guard)}在{_local(other.start):%m-%d %H:%M}–"
                f"{_local(other.end):%m-%d %H:%M}已有排班，同一人不能同时在两个岗位",
            )
    shift = Shift.objects.create(
        site=site, post=post, guard=guard, start=start, end=end, created_by=actor
    )
    _audit("guard.shift.add", shift, actor, now)
    return shift


@transaction.atomic
def shift_delete(*, shift: Shift, actor: Any, now: datetime) -> None:
    before = snapshot(shift)
    audit_record(action="guard.shift.delete", obj=shift, actor=actor, before=before, at=now)
    shift.delete()


@transaction.atomic
def leader_duty_add(
    *,
    site: Site,
    actor: Any,
    leader_name: str,
    start: datetime,
    end: datetime,
    leader: Any = None,
    phone: str = "",
    now: datetime,
) -> LeaderDuty:
    """S-02: a named leader on duty (带班领导) for a period."""
    name = _clean(leader_name, 50) or guard_name(leader)
    core.LeaderDuty(name, start, end)  # validates: a name, start before end
    duty = LeaderDuty.objects.create(
        site=site,
        leader=leader,
        leader_name=name,
        phone=_clean(phone, 20),
        start=start,
        end=end,
    )
    _audit("guard.leader_duty.add", duty, actor, now)
    return duty


# == S-08: keys ==================================================================================


def key_custody(site: Site, now: datetime) -> core.KeyCustody:
    """S-08: who holds which key of ``site`` at ``now`` (decided by the core)."""
    keys = list(Key.objects.filter(site=site, is_active=True).order_by("label"))
    events = [
        core.KeyEvent(h.key.label, h.at, h.to_holder or None, h.from_holder or None)
        for h in KeyHandoff.objects.filter(site=site, key__in=keys)
        .select_related("key")
        .order_by("at", "pk")
    ]
    return core.key_custody(keys=[k.label for k in keys], events=events, now=now)


@transaction.atomic
def key_add(*, site: Site, actor: Any, label: str, door: str, holder: str, now: datetime) -> Key:
    label, door, holder = _clean(label, 60), _clean(door, 100), _clean(holder, 60)
    if not label or not door:
        raise InvalidInput("key.label", "请填写钥匙名称和对应的门", {"field": "label"})
    if Key.objects.filter(site=site, label=label).exists():
        raise DomainError("key.duplicate", "本场所已有同名钥匙")
    key = Key.objects.create(site=site, label=label, door=door)
    _audit("guard.key.add", key, actor, now)
    if holder:
        KeyHandoff.objects.create(site=site, key=key, at=now, to_holder=holder, recorded_by=actor)
    return key


@dataclass(frozen=True)
class KeyHandResult:
    handoff: KeyHandoff
    irregular: bool  # handed over by someone the records do not show as the holder


@transaction.atomic
def key_hand(
    *, key: Key, actor: Any, to_holder: str, now: datetime, from_holder: str | None = None
) -> KeyHandResult:
    """S-08: a key changes hands (``to_holder`` empty: lost). The giver defaults to the
    current holder; a giver who does not hold the key is recorded and flagged (``irregular``)."""
    current = key_custody(key.site, now).holders.get(key.label)
    giver = _clean(from_holder, 60) if from_holder is not None else (current or "")
    handoff = KeyHandoff.objects.create(
        site=key.site,
        key=key,
        at=now,
        from_holder=giver,
        to_holder=_clean(to_holder, 60),
        recorded_by=actor,
    )
    _audit("guard.key.hand", handoff, actor, now)
    after = key_custody(key.site, now)
    irregular = any(e.key == key.label and e.at == now for e in after.irregular)
    return KeyHandResult(handoff, irregular)


# == S-03: handover ==============================================================================


def core_handover(h: Handover) -> core.Handover:
    return core.Handover(
        ref=f"交接#{h.pk}" if h.pk else "交接",
        outgoing=guard_name(h.outgoing),
        incoming=guard_name(h.incoming),
        at=h.at,
        outgoing_signed=h.outgoing_signed_at is not None,
        incoming_signed=h.incoming_signed_at is not None,
        open_matters=tuple(h.open_matters),
        resolved=tuple(h.resolved),
        keys=tuple(h.keys),
        equipment=tuple(h.equipment),
    )


def previous_handover(site: Site, post: Post | None, before: datetime) -> Handover | None:
    qs = Handover.objects.filter(site=site, at__lte=before)
    if post is not None:
        qs = qs.filter(post=post)
    return qs.select_related("outgoing", "incoming").order_by("-at", "-pk").first()


def open_matters_for(site: Site, post: Post | None, now: datetime) -> tuple[str, ...]:
    """The matters the last handover passed on: to be closed or carried on now."""
    prev = previous_handover(site, post, now)
    return tuple(prev.open_matters) if prev is not None else ()


@dataclass(frozen=True)
class HandoverResult:
    handover: Handover
    check: core.HandoverCheck
    arrival: core.Arrival


@transaction.atomic
def handover_record(
    *,
    site: Site,
    actor: Any,
    incoming: Any,
    shift_start: datetime,
    arrived_at: datetime,
    open_matters: Iterable[str] | str = (),
    resolved: Iterable[str] | str = (),
    keys: Sequence[Key] = (),
    equipment: Iterable[str] | str = (),
    notes: str = "",
    incoming_signed: bool = False,
    post: Post | None = None,
    now: datetime,
) -> HandoverResult:
    """S-03 / S-08: the outgoing guard (``actor``) hands over and signs; the incoming guard signs
    now (``incoming_signed``: their password was checked by the view) or later.

    Refused (``handover.incomplete``) when an open matter received at the previous handover is
    neither closed nor carried on, or a key the outgoing guard holds is not handed over. The
    incoming guard's arrival is judged against the shift start (10 minutes early, S-03); a late
    arrival is recorded, not refused. The keys pass to the incoming guard (key custody)."""
    if incoming is None or incoming.pk == actor.pk:
        raise DomainError("handover.same_person", "交班人和接班人不能是同一人")
    if not is_member(incoming, site):
        raise DomainError("handover.not_staff", "接班人不是本场所的安保人员")
    if post is not None and post.site_id != site.pk:
        raise DomainError("staffing.post", "岗位不属于本场所")
    if any(k.site_id != site.pk for k in keys):
        raise DomainError("key.site", "钥匙不属于本场所")
    config = settings_for(site)
    arrival = core.arrival_status(
        shift_start=shift_start, arrived_at=arrived_at, early_minutes=config.early_minutes
    )
    prev = previous_handover(site, post, now)
    h = Handover(
        site=site,
        post=post,
        outgoing=actor,
        incoming=incoming,
        at=now,
        shift_start=shift_start,
        arrived_at=arrived_at,
        minutes_late=arrival.minutes_late,
        open_matters=list(_items(open_matters)),
        resolved=list(_items(resolved)),
        keys=sorted({k.label for k in keys}),
        equipment=list(_items(equipment)),
        notes=_clean(notes, 300),
        outgoing_signed_at=now,
        incoming_signed_at=now if incoming_signed else None,
        previous=prev,
        recorded_by=actor,
    )
    held = key_custody(site, now).held_by(guard_name(actor))
    check = core.check_handover(
        handover=core_handover(h),
        previous=core_handover(prev) if prev is not None else None,
        outgoing_keys=held,
    )
    if check.dropped_matters or check.keys_not_handed:
        raise DomainError(
            "handover.incomplete",
            "交接不完整：" + "；".join(p for p in check.problems if "未签字" not in p),
            {"dropped": list(check.dropped_matters), "keys": list(check.keys_not_handed)},
        )
    h.problems = list(check.problems) + ([] if arrival.on_time else [arrival.message])
    h.save()
    for key in keys:
        KeyHandoff.objects.create(
            site=site,
            key=key,
            at=now,
            from_holder=guard_name(actor),
            to_holder=guard_name(incoming),
            handover=h,
            recorded_by=actor,
        )
    _audit("guard.handover.record", h, actor, now)
    return HandoverResult(h, check, arrival)


@transaction.atomic
def handover_sign(*, handover: Handover, actor: Any, now: datetime) -> HandoverResult:
    """S-03: the incoming (or outgoing) guard signs a handover row that lacks their signature."""
    h = Handover.objects.select_for_update().get(pk=handover.pk)
    before = snapshot(h)
    if actor.pk == h.incoming_id and h.incoming_signed_at is None:
        h.incoming_signed_at = now
    elif actor.pk == h.outgoing_id and h.outgoing_signed_at is None:
        h.outgoing_signed_at = now
    else:
        raise DomainError("handover.sign", "您不是这次交接待签字的一方，或已经签过字")
    check = core.check_handover(handover=core_handover(h))
    arrival = core.arrival_status(
        shift_start=h.shift_start,
        arrived_at=h.arrived_at,
        early_minutes=settings_for(h.site).early_minutes,
    )
    h.problems = list(check.problems) + ([] if arrival.on_time else [arrival.message])
    h.save(update_fields=["incoming_signed_at", "outgoing_signed_at", "problems"])
    _audit("guard.handover.sign", h, actor, now, before)
    return HandoverResult(h, check, arrival)


# == S-09: absence from the booth ================================================================


def commute_windows(site: Site) -> tuple[tuple[time, time], ...]:
    """The staff's commute (T2 2), from the site's working hours ± its commute minutes."""
    return shift_change_windows(site.work_starts, site.work_ends, site.commute_minutes)


def core_absence(a: BoothAbsence) -> core.Absence:
    return core.Absence(guard_name(a.guard), a.left_at, a.back_at, a.gate_closed, a.cover or None)


@dataclass(frozen=True)
class AbsenceResult:
    absence: BoothAbsence
    findings: tuple[core.Finding, ...]


@transaction.atomic
def absence_leave(
    *,
    site: Site,
    actor: Any,
    reason: str,
    gate_closed: bool,
    cover: str = "",
    now: datetime,
) -> AbsenceResult:
    """S-09: the guard leaves the booth for a moment. Refused unless the gate is closed or a
    named cover looks after it (``absence.unattended``); leaving during the staff's commute is
    recorded with its finding (T2 2: 严禁), for the spot check."""
    reason = _clean(reason, 200)
    if not reason:
        raise InvalidInput("absence.reason", "请填写离开事由", {"field": "reason"})
    if BoothAbsence.objects.filter(guard=actor, back_at__isnull=True).exists():
        raise DomainError("absence.open", "您已登记离开，尚未登记返回")
    absence = BoothAbsence(
        site=site,
        guard=actor,
        left_at=now,
        gate_closed=gate_closed,
        cover=_clean(cover, 50),
        reason=reason,
        recorded_by=actor,
    )
    windows = commute_windows(site)
    found = core.check_absence(absence=core_absence(absence), now=now, commute=windows)
    if any(f.kind is core.FindingKind.BOOTH_UNATTENDED for f in found):
        raise DomainError(
            "absence.unattended", "临时离开门卫室时，要么关上大门，要么请人临时照看并写明姓名"
        )
    absence.findings = [f.message for f in found]
    absence.save()
    _audit("guard.absence.leave", absence, actor, now)
    return AbsenceResult(absence, found)


@transaction.atomic
def absence_return(*, absence: BoothAbsence, actor: Any, now: datetime) -> AbsenceResult:
    a = BoothAbsence.objects.select_for_update().get(pk=absence.pk)
    if a.back_at is not None:
        raise DomainError("absence.closed", "已经登记过返回")
    before = snapshot(a)
    a.back_at = now
    found = core.check_absence(absence=core_absence(a), now=now, commute=commute_windows(a.site))
    a.findings = [f.message for f in found]
    a.save(update_fields=["back_at", "findings"])
    _audit("guard.absence.return", a, actor, now, before)
    return AbsenceResult(a, found)


# == S-04: patrols ===============================================================================


def tag_signature(site_id: int, code: str) -> str:
    """Six characters (A–Z, 2–7) that only the server can compute for a checkpoint."""
    digest = salted_hmac("gatehouse.patrol.tag", f"{site_id}:{code}", algorithm="sha256").digest()
    return base64.b32encode(digest).decode()[:6]


def tag_code(checkpoint: Checkpoint) -> str:
    """The code printed under a checkpoint's QR tag and typed when the camera cannot read it."""
    return f"{checkpoint.code}.{tag_signature(checkpoint.site_id, checkpoint.code)}"


def tag_payload(checkpoint: Checkpoint) -> str:
    return TAG_PREFIX + tag_code(checkpoint)


def read_tag(site: Site, raw: str) -> Checkpoint:
    """The checkpoint of a scanned or typed tag code, signature checked (``patrol.tag``)."""
    text = "".join((raw or "").split())
    if text.upper().startswith(TAG_PREFIX):
        text = text[len(TAG_PREFIX) :]
    code, _, sig = text.rpartition(".")
    if not code or not sig:
        raise InvalidInput("patrol.tag", "无法识别的巡更点编码，请核对标签", {"field": "code"})
    checkpoint = Checkpoint.objects.filter(site=site, code__iexact=code).first()
    if checkpoint is None or not constant_time_compare(
        sig.upper(), tag_signature(site.pk, checkpoint.code)
    ):
        raise InvalidInput("patrol.tag", "巡更点编码校验失败，请核对标签", {"field": "code"})
    return checkpoint


def core_route(route: PatrolRoute) -> core.Route:
    stops = route.stops.select_related("checkpoint").order_by("order", "pk")
    codes = tuple(s.checkpoint.code for s in stops)
    if not codes:
        raise DomainError("patrol.route_empty", f"巡更路线“{route.name}”还没有巡更点")
    return core.Route(
        name=route.name,
        checkpoints=codes,
        first_round=route.first_round,
        rounds=route.rounds,
        every_minutes=route.every_minutes,
        window_minutes=route.window_minutes,
        grace_minutes=route.grace_minutes,
    )


def current_night(route: core.Route, now: datetime) -> date:
    """The night a scan at ``now`` belongs to (the core's default night: its first round)."""
    return core.patrol_status(route=route, scans=(), now=now)[0].opens.date()


def night_scans(route: PatrolRoute, night: date) -> list[core.Scan]:
    return [
        core.Scan(s.checkpoint.code, s.at, guard_name(s.guard))
        for s in PatrolScan.objects.filter(route=route, night_of=night)
        .select_related("checkpoint", "guard")
        .order_by("at", "pk")
    ]


def route_status(
    route: PatrolRoute, now: datetime, night: date | None = None
) -> tuple[date, tuple[core.CheckpointStatus, ...]]:
    """S-04: every checkpoint of every round of a night (default: the current one) at ``now``."""
    spec = core_route(route)
    night = night if night is not None else current_night(spec, now)
    return night, core.patrol_status(
        route=spec, scans=night_scans(route, night), now=now, night_of=night
    )


def check_photo(upload: Any) -> str:
    """Validate a photo: JPEG, PNG or WebP by name *and* by its first bytes, not empty, not too
    large. Returns the cleaned original name; raises ``InvalidInput``."""
    name = PurePath(str(getattr(upload, "name", "") or "")).name[:200]
    ext = PurePath(name).suffix.lower()
    details = {"field": "photos", "name": name}
    if ext not in PHOTO_SIGNATURES:
        raise InvalidInput("photo.type", "照片只能是 JPG、PNG 或 WebP 格式", details)
    size = int(getattr(upload, "size", 0) or 0)
    if size <= 0:
        raise InvalidInput("photo.empty", "上传的照片是空的", details)
    if size > MAX_PHOTO_BYTES:
        raise InvalidInput(
            "photo.too_large", f"照片不能超过{MAX_PHOTO_BYTES // 1024 // 1024} MB", details
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not any(head.startswith(sig) for sig in PHOTO_SIGNATURES[ext]) or (
        ext == ".webp" and head[8:12] != b"WEBP"
    ):
        raise InvalidInput("photo.content", "照片内容与格式不符，请重新拍摄", details)
    return name


def _save_photos(
    photos: Sequence[Any], *, site: Site, actor: Any, now: datetime, **owner: Any
) -> list[Photo]:
    if len(photos) > MAX_PHOTOS:
        raise InvalidInput("photo.count", f"最多上传{MAX_PHOTOS}张照片", {"field": "photos"})
    names = [check_photo(p) for p in photos]
    return [
        Photo.objects.create(site=site, file=p, name=n, uploaded_by=actor, uploaded_at=now, **owner)
        for p, n in zip(photos, names, strict=True)
    ]


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
    actor: Any,
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
        (s for s in states if s.checkpoint == checkpoint.code and s.scanned_at == _local(now)),
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
        note=_clean(note, 300),
        by_camera=by_camera,
    )
    _save_photos(photos, site=route.site, actor=actor, now=now, scan=scan)
    _audit("guard.patrol.scan", scan, recorded_by or actor, now)
    return ScanResult(scan, mine)


def active_routes(site: Site) -> list[PatrolRoute]:
    """The site's active routes that have checkpoints, by name."""
    return list(
        PatrolRoute.objects.filter(site=site, is_active=True, stops__isnull=False)
        .distinct()
        .order_by("name", "pk")
    )


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
                _notice(
                    site,
                    NoticeAudience.MONITORING,
                    "patrol.missed",
                    f"巡更漏检：{route.name} 第{s.round_no}轮 {s.checkpoint}"
                    f"（应于{_local(s.closes):%m-%d %H:%M}前打卡）",
                    ref,
                    now,
                )
                fresh += 1
    return fresh


# == S-05 / S-06: anomalies, escalation, dispatch ================================================


def escalation_policy(site: Site) -> core.EscalationPolicy:
    c = settings_for(site)
    return core.EscalationPolicy(
        {
            core.Severity.CRITICAL: c.ack_critical_minutes,
            core.Severity.HIGH: c.ack_high_minutes,
            core.Severity.MEDIUM: c.ack_medium_minutes,
            core.Severity.LOW: c.ack_low_minutes,
        }
    )


@dataclass(frozen=True)
class AnomalyResult:
    anomaly: Anomaly
    obligations: tuple[Any, ...]


@transaction.atomic
def anomaly_report(
    *,
    site: Site,
    actor: Any,
    kind: str,
    place: str,
    description: str,
    severity: str = "",
    camera: str = "",
    clip_from: datetime | None = None,
    clip_until: datetime | None = None,
    photos: Sequence[Any] = (),
    recorded_by: Any = None,
    now: datetime,
) -> AnomalyResult:
    """S-05: record an anomaly (异常情况记录表) and do what its kind obliges (the core's
    ``anomaly_obligations``): the monitoring centre is alerted at once, the patrol or maintenance
    told, the video clip marked to be archived for fights, theft, accidents and fire."""
    try:
        anomaly_kind = core.AnomalyKind(kind)
    except ValueError:
        raise InvalidInput("anomaly.kind", "请选择异常类别", {"field": "kind"}) from None
    profile = core.ANOMALIES[anomaly_kind]
    level = profile.severity
    if severity:
        try:
            level = core.Severity(severity)
        except ValueError:
            raise InvalidInput("anomaly.severity", "级别不正确", {"field": "severity"}) from None
    place, description = _clean(place, 100), _clean(description, 500)
    if not place or not description:
        raise InvalidInput("anomaly.text", "请填写地点和情况", {"field": "place"})
    if clip_from and clip_until and clip_until < clip_from:
        raise InvalidInput("time.order", "录像结束时间不能早于开始时间。", {"field": "clip_until"})
    duties = core.anomaly_obligations(anomaly_kind)
    anomaly = Anomaly.objects.create(
        site=site,
        kind=anomaly_kind.value,
        severity=level.value,
        place=place,
        description=description,
        reported_by=actor,
        reported_at=now,
        camera=_clean(camera, 60),
        clip_from=clip_from,
        clip_until=clip_until,
        archive_required=any(d.duty is Duty.ARCHIVE_VIDEO for d in duties),
    )
    _save_photos(photos, site=site, actor=actor, now=now, anomaly=anomaly)
    ref = f"anomaly:{anomaly.pk}"
    head = f"{profile.label}：{place}，{description}"
    _notice(site, NoticeAudience.MONITORING, "anomaly.reported", f"异常情况 {head}", ref, now)
    for d in duties:
        if d.duty is Duty.NOTIFY_PATROL:
            _notice(site, NoticeAudience.PATROL, "anomaly.patrol", f"请前往核实 {head}", ref, now)
        elif d.duty is Duty.NOTIFY_MAINTENANCE:
            _notice(
                site, NoticeAudience.DESK, "anomaly.maintenance", f"请通知电工维修 {head}", ref, now
            )
    _audit("guard.anomaly.report", anomaly, recorded_by or actor, now)
    return AnomalyResult(anomaly, duties)


def _locked(anomaly: Anomaly) -> Anomaly:
    return Anomaly.objects.select_for_update().get(pk=anomaly.pk)


@transaction.atomic
def anomaly_acknowledge(*, anomaly: Anomaly, actor: Any, now: datetime) -> Anomaly:
    a = _locked(anomaly)
    if a.acknowledged_at is not None:
        raise DomainError("anomaly.acknowledged", "该异常情况已经确认过了")
    before = snapshot(a)
    a.acknowledged_at, a.acknowledged_by = now, actor
    a.save(update_fields=["acknowledged_at", "acknowledged_by"])
    _audit("guard.anomaly.acknowledge", a, actor, now, before)
    return a


@transaction.atomic
def anomaly_archive(
    *,
    anomaly: Anomaly,
    actor: Any,
    label: str,
    camera: str,
    clip_from: datetime,
    clip_until: datetime,
    now: datetime,
) -> Anomaly:
    """S-05: the clip (camera, time range) is stored apart and marked (录像另存并做好标记)."""
    label, camera = _clean(label, 100), _clean(camera, 60)
    if not label or not camera:
        raise InvalidInput("anomaly.archive", "请填写摄像头和存档标记", {"field": "label"})
    if clip_until < clip_from:
        raise InvalidInput("time.order", "录像结束时间不能早于开始时间。", {"field": "clip_until"})
    a = _locked(anomaly)
    before = snapshot(a)
    a.archive_label, a.camera, a.clip_from, a.clip_until = label, camera, clip_from, clip_until
    a.archived_at, a.archived_by = now, actor
    a.save(
        update_fields=[
            "archive_label",
            "camera",
            "clip_from",
            "clip_until",
            "archived_at",
            "archived_by",
        ]
    )
    _audit("guard.anomaly.archive", a, actor, now, before)
    return a


@transaction.atomic
def anomaly_close(*, anomaly: Anomaly, actor: Any, resolution: str, now: datetime) -> Anomaly:
    a = _locked(anomaly)
    if a.closed_at is not None:
        raise DomainError("anomaly.closed", "该异常情况已经处理完毕")
    resolution = _clean(resolution, 500)
    if not resolution:
        raise InvalidInput("anomaly.resolution", "请填写处理结果", {"field": "resolution"})
    if a.archive_required and a.archived_at is None:
        raise DomainError("anomaly.archive_first", "此类异常须先将录像另存并做好标记，才能结案")
    before = snapshot(a)
    if a.acknowledged_at is None:
        a.acknowledged_at, a.acknowledged_by = now, actor
    a.closed_at, a.closed_by, a.resolution = now, actor, resolution
    a.save(
        update_fields=["acknowledged_at", "acknowledged_by", "closed_at", "closed_by", "resolution"]
    )
    _audit("guard.anomaly.close", a, actor, now, before)
    return a


def leaders_now(site: Site, now: datetime) -> list[str]:
    """Who the leadership is at ``now``: the leader on duty, then the security managers."""
    names = list(
        LeaderDuty.objects.filter(site=site, start__lte=now, end__gt=now)
        .order_by("start")
        .values_list("leader_name", flat=True)
    )
    User = get_user_model()
    managers = User.objects.filter(
        memberships__site=site, memberships__role=Role.SECURITY_MANAGER, is_active=True
    ).order_by("username")
    names += [guard_name(u) for u in managers]
    return list(dict.fromkeys(names))


@transaction.atomic
def anomalies_escalate(*, site: Site, now: datetime) -> int:
    """S-05: escalate to the leadership every open anomaly nobody acknowledged within its
    severity's minutes (the core's ``escalation_due``). Idempotent: once per anomaly."""
    policy = escalation_policy(site)
    due = (
        Anomaly.objects.select_for_update()
        .filter(site=site, acknowledged_at__isnull=True, closed_at__isnull=True)
        .filter(escalated_at__isnull=True)
        .order_by("reported_at", "pk")
    )
    count = 0
    for a in due:
        esc = core.escalation_due(
            reported_at=a.reported_at,
            acknowledged_at=None,
            severity=core.Severity(a.severity),
            policy=policy,
            now=now,
        )
        if not esc.escalate:
            continue
        before = snapshot(a)
        leaders = leaders_now(site, now)
        a.escalated_at = now
        a.escalated_to = "、".join(leaders)[:200] or "公司领导及行政人事部"
        a.save(update_fields=["escalated_at", "escalated_to"])
        _notice(
            site,
            NoticeAudience.MONITORING,
            "anomaly.escalated",
            f"异常情况超过{policy.minutes(core.Severity(a.severity))}分钟无人确认，已上报"
            f"{a.escalated_to}：{a.get_kind_display()} {a.place}",
            f"escalated:{a.pk}",
            now,
        )
        audit_record(
            action="guard.anomaly.escalate", obj=a, before=before, after=snapshot(a), at=now
        )
        count += 1
    return count


@transaction.atomic
def dispatch_create(
    *,
    site: Site,
    actor: Any,
    place: str,
    task: str,
    anomaly: Anomaly | None = None,
    now: datetime,
) -> Dispatch:
    """S-06: the monitoring centre sends the patrol to a place; the patrol is told."""
    place, task = _clean(place, 100), _clean(task, 300)
    if not place or not task:
        raise InvalidInput("dispatch.text", "请填写地点和任务", {"field": "place"})
    if anomaly is not None and anomaly.site_id != site.pk:
        raise DomainError("dispatch.anomaly", "异常情况不属于本场所")
    d = Dispatch.objects.create(
        site=site, anomaly=anomaly, place=place, task=task, dispatched_by=actor, dispatched_at=now
    )
    message = f"调度：前往{place}，{task}"
    _notice(site, NoticeAudience.PATROL, "dispatch", message, f"dispatch:{d.pk}", now)
    _audit("guard.dispatch.create", d, actor, now)
    return d


@transaction.atomic
def dispatch_acknowledge(*, dispatch: Dispatch, actor: Any, now: datetime) -> Dispatch:
    d = Dispatch.objects.select_for_update().get(pk=dispatch.pk)
    if d.acknowledged_at is not None:
        raise DomainError("dispatch.acknowledged", "该任务已有人接收")
    before = snapshot(d)
    d.acknowledged_at, d.acknowledged_by = now, actor
    d.save(update_fields=["acknowledged_at", "acknowledged_by"])
    _audit("guard.dispatch.acknowledge", d, actor, now, before)
    return d


@transaction.atomic
def dispatch_close(*, dispatch: Dispatch, actor: Any, result: str, now: datetime) -> Dispatch:
    d = Dispatch.objects.select_for_update().get(pk=dispatch.pk)
    if d.closed_at is not None:
        raise DomainError("dispatch.closed", "该任务已经完成")
    if d.acknowledged_at is None:
        raise DomainError("dispatch.not_acknowledged", "请先接收任务")
    result = _clean(result, 300)
    if not result:
        raise InvalidInput("dispatch.result", "请填写处理结果", {"field": "result"})
    before = snapshot(d)
    d.closed_at, d.closed_by, d.result = now, actor, result
    d.save(update_fields=["closed_at", "closed_by", "result"])
    _audit("guard.dispatch.close", d, actor, now, before)
    return d


# == S-13: the emergency chain ===================================================================


def emergency_chain(emergency: Emergency, now: datetime) -> core.ChainState:
    steps = list(emergency.plan.steps.order_by("order", "pk"))
    acks = {a.who: a.at for a in emergency.acks.all()}
    return core.chain_state(
        chain=[core.ChainStep(s.who, s.minutes) for s in steps],
        acks=acks,
        started_at=emergency.started_at,
        now=now,
    )


def _emergency_notify(emergency: Emergency, now: datetime) -> int:
    """A monitoring alert to call each step of the chain now being called (once per step)."""
    state = emergency_chain(emergency, now)
    phones = {s.who: s.phone for s in emergency.plan.steps.all()}
    fresh = 0
    for call in state.calls:
        if call.state is not core.CallState.CALLING:
            continue
        ref = f"emg:{emergency.pk}:{call.who}"
        sent = Notice.objects.filter(site=emergency.site, kind="emergency.call", object_ref=ref)
        if sent.exists():
            continue
        phone = f"（{phones[call.who]}）" if phones.get(call.who) else ""
        assert call.deadline is not None
        message = (
            f"应急预案“{emergency.plan.name}”已启动：立即报告{call.who}{phone}，"
            f"{_local(call.deadline):%H:%M}前须确认"
        )
        _notice(emergency.site, NoticeAudience.MONITORING, "emergency.call", message, ref, now)
        fresh += 1
    return fresh


@transaction.atomic
def emergency_activate(
    *, plan: EmergencyPlan, actor: Any, summary: str, now: datetime
) -> Emergency:
    """S-13: the plan is activated and the chain is called, first step at once."""
    summary = _clean(summary, 300)
    if not summary:
        raise InvalidInput("emergency.summary", "请填写事由", {"field": "summary"})
    if not plan.is_active or not plan.steps.exists():
        raise DomainError("emergency.plan", "该预案未启用或没有报告链")
    e = Emergency.objects.create(
        site=plan.site, plan=plan, summary=summary, started_by=actor, started_at=now
    )
    _audit("guard.emergency.activate", e, actor, now)
    _emergency_notify(e, now)
    return e


@transaction.atomic
def emergency_acknowledge(
    *, emergency: Emergency, who: str, actor: Any, now: datetime
) -> core.ChainState:
    """S-13: record that ``who`` of the chain acknowledged; the next step is called."""
    Emergency.objects.select_for_update().filter(pk=emergency.pk).first()
    if not emergency.plan.steps.filter(who=who).exists():
        raise DomainError("emergency.who", "此人不在该预案的报告链上")
    if emergency.acks.filter(who=who).exists():
        raise DomainError("emergency.acknowledged", f"{who}已经确认过了")
    ack = EmergencyAck.objects.create(emergency=emergency, who=who, at=now, recorded_by=actor)
    _audit("guard.emergency.acknowledge", ack, actor, now)
    _emergency_notify(emergency, now)
    return emergency_chain(emergency, now)


@transaction.atomic
def emergency_close(*, emergency: Emergency, actor: Any, now: datetime) -> Emergency:
    e = Emergency.objects.select_for_update().get(pk=emergency.pk)
    if e.closed_at is not None:
        raise DomainError("emergency.closed", "该应急事件已经结束")
    before = snapshot(e)
    e.closed_at, e.closed_by = now, actor
    e.save(update_fields=["closed_at", "closed_by"])
    _audit("guard.emergency.close", e, actor, now, before)
    return e


@transaction.atomic
def emergencies_advance(*, site: Site, now: datetime) -> int:
    """S-13: call the next step of every open emergency whose current step ran out of time."""
    return sum(
        _emergency_notify(e, now)
        for e in Emergency.objects.filter(site=site, closed_at__isnull=True).order_by("pk")
    )


# == S-07: cleaning rota =========================================================================


@transaction.atomic
def rota_set(
    *, site: Site, actor: Any, guards: Sequence[Any], first_day: date, now: datetime
) -> CleaningRota:
    """S-07: the guards in turn for the 门卫日常卫生轮流表, from ``first_day``."""
    core.cleaner_on(guards=[str(g.pk) for g in guards], first_day=first_day, day=first_day)
    if len({g.pk for g in guards}) != len(guards):
        raise InvalidInput("rota.duplicate", "同一门卫不能在轮流表中出现两次", {"field": "guards"})
    if any(not is_member(g, site) for g in guards):
        raise DomainError("rota.not_staff", "轮流表中有人不是本场所的安保人员")
    rota, _created = CleaningRota.objects.update_or_create(
        site=site, defaults={"first_day": first_day}
    )
    rota.members.all().delete()
    CleaningMember.objects.bulk_create(
        CleaningMember(rota=rota, guard=g, order=i) for i, g in enumerate(guards)
    )
    audit_record(
        action="guard.rota.set",
        obj=rota,
        actor=actor,
        after={"first_day": first_day.isoformat(), "guards": [g.pk for g in guards]},
        at=now,
    )
    return rota


def rota_guards(site: Site) -> tuple[CleaningRota | None, list[Any]]:
    rota = CleaningRota.objects.filter(site=site).first()
    if rota is None:
        return None, []
    return rota, [m.guard for m in rota.members.select_related("guard").order_by("order")]


@transaction.atomic
def cleaning_done(*, site: Site, actor: Any, day: date, now: datetime) -> CleaningDone:
    """S-07: the guard on duty (the core's ``cleaner_on``) marks the day's cleaning done."""
    rota, guards = rota_guards(site)
    if rota is None or not guards:
        raise DomainError("rota.empty", "尚未制定卫生轮流表")
    on = core.cleaner_on(guards=[str(g.pk) for g in guards], first_day=rota.first_day, day=day)
    if on != str(actor.pk):
        raise DomainError("cleaning.not_yours", "今天不是您值日")
    try:
        with transaction.atomic():
            done = CleaningDone.objects.create(site=site, day=day, guard=actor, done_at=now)
    except IntegrityError:
        raise DomainError("cleaning.done", "今天的保洁已登记完成") from None
    _audit("guard.cleaning.done", done, actor, now)
    return done


# == S-11: hazards ===============================================================================


@transaction.atomic
def hazard_record(
    *,
    site: Site,
    actor: Any,
    place: str,
    description: str,
    owner: str,
    found_on: date,
    deadline: date,
    key_location: Any = None,
    now: datetime,
) -> HazardFinding:
    """S-11: a hazard found at a key place, with the person to fix it and the deadline."""
    try:
        core.KeyPlace(place)
    except ValueError:
        raise InvalidInput("hazard.place", "请选择部位类型", {"field": "place"}) from None
    description, owner = _clean(description, 300), _clean(owner, 50)
    if not description or not owner:
        raise InvalidInput("hazard.text", "请填写隐患和整改责任人", {"field": "description"})
    if deadline < found_on:
        raise InvalidInput("hazard.deadline", "整改期限不能早于发现日期", {"field": "deadline"})
    if key_location is not None and key_location.site_id != site.pk:
        raise DomainError("hazard.place", "重点部位不属于本场所")
    h = HazardFinding.objects.create(
        site=site,
        place=place,
        key_location=key_location,
        description=description,
        owner=owner,
        found_on=found_on,
        deadline=deadline,
        found_by=actor,
    )
    _audit("guard.hazard.record", h, actor, now)
    return h


def core_hazard(h: HazardFinding) -> core.HazardFinding:
    return core.HazardFinding(
        str(h.pk),
        core.KeyPlace(h.place),
        h.description,
        h.owner,
        h.found_on,
        h.deadline,
        h.fixed_on,
    )


@transaction.atomic
def hazard_fix(
    *, finding: HazardFinding, actor: Any, fixed_on: date, note: str, now: datetime
) -> core.FixState:
    """S-11: the fix is recorded; returns the state the core gives (fixed, or fixed late)."""
    h = HazardFinding.objects.select_for_update().get(pk=finding.pk)
    if h.fixed_on is not None:
        raise DomainError("hazard.fixed", "该隐患已经整改完成")
    if fixed_on < h.found_on or fixed_on > _local(now).date():
        raise InvalidInput("hazard.fixed_on", "整改日期不正确", {"field": "fixed_on"})
    before = snapshot(h)
    h.fixed_on, h.fix_note = fixed_on, _clean(note, 300)
    h.save(update_fields=["fixed_on", "fix_note"])
    _audit("guard.hazard.fix", h, actor, now, before)
    return core.hazard_state(core_hazard(h), today=_local(now).date())


# == S-12: hotline ===============================================================================


def ticket_policy(site: Site) -> core.TicketPolicy:
    c = settings_for(site)
    return core.TicketPolicy(
        c.answer_within_minutes, c.follow_up_within_hours, c.visit_back_within_days
    )


def core_ticket(t: Ticket) -> core.Ticket:
    return core.Ticket(
        str(t.pk), t.received_at, t.answered_at, t.followed_up_at, t.closed_at, t.visited_back_at
    )


@transaction.atomic
def ticket_open(
    *, site: Site, actor: Any, kind: str, caller: str, phone: str, subject: str, now: datetime
) -> Ticket:
    """S-12: a hotline call or complaint becomes a ticket. The phone is kept masked only."""
    caller, subject = _clean(caller, 50), _clean(subject, 300)
    if kind not in ("call", "complaint"):
        raise InvalidInput("ticket.kind", "请选择类型", {"field": "kind"})
    if not caller or not subject:
        raise InvalidInput("ticket.text", "请填写来电人和事项", {"field": "subject"})
    masked = mask_phone(parse_mobile(phone)) if phone.strip() else ""
    t = Ticket.objects.create(
        site=site,
        kind=kind,
        caller=caller,
        phone_masked=masked,
        subject=subject,
        received_at=now,
        received_by=actor,
    )
    _audit("guard.ticket.open", t, actor, now)
    return t


TICKET_STEPS = {
    "answer": ("answered_at", "answer", None, "请先答复来电人"),
    "follow_up": ("followed_up_at", "follow_up", "answered_at", "请先答复来电人"),
    "close": ("closed_at", None, "followed_up_at", "请先跟进处理"),
    "visit_back": ("visited_back_at", "visit_back", "closed_at", "请先办结工单"),
}


@transaction.atomic
def ticket_step(*, ticket: Ticket, actor: Any, step: str, text: str, now: datetime) -> Ticket:
    """S-12: answer, follow up, close, visit back: each once, in that order."""
    if step not in TICKET_STEPS:
        raise InvalidInput("ticket.step", "未知的处理步骤", {"field": "step"})
    at_field, text_field, needs, needs_msg = TICKET_STEPS[step]
    t = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if getattr(t, at_field) is not None:
        raise DomainError("ticket.done", "此步骤已经完成")
    if needs is not None and getattr(t, needs) is None:
        raise DomainError("ticket.order", needs_msg)
    text = _clean(text, 300)
    if text_field is not None and not text:
        raise InvalidInput("ticket.text", "请填写处理内容", {"field": "text"})
    before = snapshot(t)
    setattr(t, at_field, now)
    fields = [at_field]
    if text_field is not None:
        setattr(t, text_field, text)
        fields.append(text_field)
    t.save(update_fields=fields)
    _audit(f"guard.ticket.{step}", t, actor, now, before)
    return t


# == S-10: spot checks and the ledger ============================================================


def _name_map(users: Iterable[Any]) -> dict[str, Any]:
    return {guard_name(u): u for u in users if u is not None}


@transaction.atomic
def spot_check_run(
    *, site: Site, as_of: datetime, days: int = 7, registers: core.WeekRegisters | None = None
) -> tuple[SpotCheck, int]:
    """S-10: audit a week of the registers (the core's ``spot_check``) and file each finding
    for the manager to confirm. Idempotent: a finding already filed is not filed again.
    Returns the spot check and how many findings were new."""
    from gatehouse.guard.selectors import week_registers

    Site.objects.select_for_update().filter(pk=site.pk).first()
    start = as_of - timedelta(days=days)
    facts, users = week_registers(site, start, as_of) if registers is None else (registers, [])
    found = core.spot_check(
        registers=facts,
        as_of=as_of,
        commute=commute_windows(site),
        early_minutes=settings_for(site).early_minutes,
    )
    check = SpotCheck.objects.create(site=site, period_start=start, as_of=as_of)
    by_name = _name_map(users)
    fresh = 0
    for f in found:
        exists = SpotFinding.objects.filter(
            site=site, guard_name=f.guard[:60], kind=f.kind.value, at=f.at, ref=f.ref[:120]
        ).exists()
        if exists:
            continue
        SpotFinding.objects.create(
            site=site,
            spot_check=check,
            guard=by_name.get(f.guard),
            guard_name=f.guard[:60],
            kind=f.kind.value,
            rule=f.rule,
            at=f.at,
            ref=f.ref[:120],
            detail=f.detail[:120],
            message=f.message[:300],
        )
        fresh += 1
    check.found = fresh
    check.save(update_fields=["found"])
    audit_record(action="guard.spot_check.run", obj=check, after=snapshot(check), at=as_of)
    return check, fresh


def penalty_policy(site: Site) -> core.PenaltyPolicy:
    c = settings_for(site)
    return core.PenaltyPolicy(fine_fen=c.fine_fen, repeat_within_days=c.repeat_within_days)


def core_finding(f: SpotFinding) -> core.Finding:
    return core.Finding(f.guard_name, core.FindingKind(f.kind), f.at, f.ref, f.detail)


@transaction.atomic
def finding_confirm(*, finding: SpotFinding, actor: Any, now: datetime) -> Penalty:
    """S-10: the manager confirms a finding; the core's ``penalty_for`` decides: a first
    violation is posted as a notice, a repeat of the same violation is fined. The penalty is a
    row of the guard's ledger and is posted to the guards."""
    f = SpotFinding.objects.select_for_update().get(pk=finding.pk)
    if f.status != FindingStatus.OPEN:
        raise DomainError("finding.decided", "该项已经处理过了")
    history = [
        core.PastViolation(p.guard_name, core.FindingKind(p.kind), _local(p.at).date())
        for p in SpotFinding.objects.filter(
            site=f.site, guard_name=f.guard_name, status=FindingStatus.CONFIRMED
        )
    ]
    policy = penalty_policy(f.site)
    decided = core.penalty_for(history=history, finding=core_finding(f), policy=policy)
    before = snapshot(f)
    f.status, f.decided_at, f.decided_by = FindingStatus.CONFIRMED, now, actor
    f.save(update_fields=["status", "decided_at", "decided_by"])
    notice = _notice(
        f.site,
        NoticeAudience.GUARD,
        f"spotcheck.{decided.kind.value}",
        ("通报：" if decided.kind is core.PenaltyKind.NOTICE else "罚款：") + decided.message,
        f"finding:{f.pk}",
        now,
    )
    penalty = Penalty.objects.create(
        site=f.site,
        finding=f,
        guard=f.guard,
        guard_name=f.guard_name,
        kind=decided.kind.value,
        amount_fen=decided.amount_fen,
        repeat_of=decided.repeat_of,
        message=decided.message[:300],
        at=now,
        notice=notice,
    )
    _audit("guard.finding.confirm", f, actor, now, before)
    _audit("guard.penalty.add", penalty, actor, now)
    return penalty


@transaction.atomic
def finding_dismiss(*, finding: SpotFinding, actor: Any, now: datetime) -> SpotFinding:
    f = SpotFinding.objects.select_for_update().get(pk=finding.pk)
    if f.status != FindingStatus.OPEN:
        raise DomainError("finding.decided", "该项已经处理过了")
    before = snapshot(f)
    f.status, f.decided_at, f.decided_by = FindingStatus.DISMISSED, now, actor
    f.save(update_fields=["status", "decided_at", "decided_by"])
    _audit("guard.finding.dismiss", f, actor, now, before)
    return f
