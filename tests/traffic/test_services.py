"""Recording parking violations and the steps that handle them (issue 17 §5; T7 第十一条,
第十四条 — SPEC has no id for them, the reasons name T7's articles)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from gatehouse.access.models import Notice
from gatehouse.audit.models import AuditEntry
from gatehouse.core.errors import DomainError, InvalidInput
from gatehouse.traffic import services
from gatehouse.traffic.models import TrafficSettings, Violation, ViolationPhoto, ViolationStep
from tests.conftest import NOW
from tests.traffic.conftest import photo, record

DAY = timedelta(days=1)


def test_t7_14_a_first_violation_calls_for_persuasion(site_a, guard_a, company_car):
    v = record(site_a, guard_a, photos=[photo()], note=" 堵住了业主车位 ")  # rule T7-14
    assert (v.required_step, v.reason, v.rule, v.count) == (1, "violation.warning", "T7-14", 1)
    assert v.message == "首次违规：当场劝阻、警告，请驾驶人立即改正"
    assert v.plate == "苏E12345" and v.note == "堵住了业主车位" and v.handled_at is None
    assert v.party == "苏州恒达精密机械有限公司（张*）"  # the employer, the owner masked
    assert ViolationPhoto.objects.get(violation=v).name == "现场.jpg"
    entry = AuditEntry.objects.get(action="traffic.violation.record")
    assert entry.actor == guard_a and entry.object_id == str(v.pk)


def test_t7_14_a_blocked_fire_lane_is_told_to_the_employer_at_once(site_a, guard_a):
    v = record(site_a, guard_a, kind="fire_lane", plate="苏E 88888")  # rule T7-14
    assert (v.required_step, v.reason, v.count) == (2, "violation.employer_serious", 1)
    assert v.party == ""  # not a registered vehicle


def test_t7_14_repeats_escalate_to_the_employer_then_the_police(site_a, guard_a):
    first = record(site_a, guard_a, kind="horn", at=NOW - 60 * DAY)  # rule T7-14
    second = record(site_a, guard_a, kind="speeding", at=NOW - 10 * DAY)
    third = record(site_a, guard_a, kind="others_bay", at=NOW)
    assert [v.required_step for v in (first, second, third)] == [1, 2, 3]
    assert second.reason == "violation.employer_repeat" and second.count == 2
    assert third.reason == "violation.police_repeat"
    assert third.message == "该车90天内第3次违规：屡劝不改，报警处理，并通报所在单位"
    alert = Notice.objects.get(kind="violation.police")
    assert alert.audience == "monitoring" and alert.object_ref == f"violation:{third.pk}"
    assert alert.message.startswith("苏E·12345在3号楼地面车位A-12占用他人专用车位")


def test_t7_14_only_the_site_s_window_counts(site_a, guard_a, site_b, guard_b):
    record(site_a, guard_a, at=NOW - 91 * DAY)  # rule T7-14: outside the 90 days
    record(site_b, guard_b, at=NOW - DAY)  # another site's
    record(site_a, guard_a, plate="苏E54321", at=NOW - DAY)  # another car
    assert record(site_a, guard_a).count == 1


def test_t7_14_the_site_sets_its_thresholds(site_a, guard_a):
    TrafficSettings.objects.create(site=site_a, window_days=30, employer_at=1, police_at=2)
    assert record(site_a, guard_a, kind="horn").required_step == 2  # rule T7-14
    assert record(site_a, guard_a, kind="horn").required_step == 3


@pytest.mark.parametrize(
    ("changes", "code", "field"),
    [
        ({"plate": "ABC"}, "plate.", None),
        ({"kind": "parking"}, "violation.kind", "kind"),
        ({"place": " 门"}, "violation.place", "place"),
        ({"photos": [photo("x.jpg", b"MZ not a jpeg")]}, "photo.content", "photos"),
        ({"photos": [photo("x.gif")]}, "photo.type", "photos"),
    ],
)
def test_bad_input_is_refused_and_nothing_written(site_a, guard_a, changes, code, field):
    with pytest.raises(InvalidInput) as caught:
        record(site_a, guard_a, **changes)
    # a code, or for the plate its family (plate.province, plate.format …)
    assert (
        caught.value.code == code if not code.endswith(".") else caught.value.code.startswith(code)
    )
    if field:
        assert caught.value.details["field"] == field
    assert not Violation.objects.exists() and not ViolationPhoto.objects.exists()


def test_t7_14_steps_are_recorded_with_who_and_when_until_handled(site_a, guard_a, desk_a):
    v = record(site_a, guard_a, kind="fire_lane")  # rule T7-14: employer required
    services.violation_step(violation=v, actor=guard_a, now=NOW + DAY / 24, step=1)
    v.refresh_from_db()
    assert v.handled_at is None  # persuasion alone does not answer a fire lane
    later = NOW + DAY / 12
    told = services.violation_step(
        violation=v, actor=desk_a, now=later, step="2", note="电话通知恒达公司行政部王经理"
    )
    assert (told.by, told.at, told.note) == (desk_a, later, "电话通知恒达公司行政部王经理")
    v.refresh_from_db()
    assert v.handled_at == later
    assert AuditEntry.objects.filter(action="traffic.violation.step").count() == 2


def test_t7_14_a_step_is_recorded_once(site_a, guard_a):
    v = record(site_a, guard_a)  # rule T7-14
    services.violation_step(violation=v, actor=guard_a, now=NOW, step=1)
    with pytest.raises(DomainError) as caught:
        services.violation_step(violation=v, actor=guard_a, now=NOW, step=1)
    assert caught.value.code == "violation.step_twice"
    assert ViolationStep.objects.count() == 1


def test_the_employer_step_says_who_was_told(site_a, guard_a):
    v = record(site_a, guard_a)
    with pytest.raises(InvalidInput) as caught:
        services.violation_step(violation=v, actor=guard_a, now=NOW, step=2, note="")
    assert caught.value.code == "violation.employer_note"
    assert not ViolationStep.objects.exists()


def test_t7_14_the_police_step_is_handled_with_its_outcome(site_a, guard_a, manager_a):
    for days in (20, 10):
        record(site_a, guard_a, at=NOW - days * DAY)
    v = record(site_a, guard_a)  # rule T7-14: the third: police
    with pytest.raises(DomainError) as early:
        services.violation_outcome(violation=v, actor=guard_a, now=NOW, outcome="交警到场")
    assert early.value.code == "violation.no_police"
    services.violation_step(violation=v, actor=guard_a, now=NOW, step=3, note="拨打110")
    v.refresh_from_db()
    assert v.handled_at is None
    at = NOW + DAY / 24
    police = services.violation_outcome(
        violation=v, actor=manager_a, now=at, outcome="交警到场贴单，车辆已挪走"
    )
    assert (police.outcome, police.outcome_by, police.outcome_at) == (
        "交警到场贴单，车辆已挪走",
        manager_a,
        at,
    )
    v.refresh_from_db()
    assert v.handled_at == at
    with pytest.raises(DomainError):
        services.violation_outcome(violation=v, actor=manager_a, now=at, outcome="再登记一次")
