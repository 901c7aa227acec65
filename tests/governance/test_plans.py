"""The company's rectification plan in a campaign (issue 17 §3; SPEC GV-04; T6): the self-
inspection, its classified problems, the 整治工作倒排进度表 scheduled backwards from the deadline,
the report to the housing bureau (住建委) on A4; the residents' committee (居委会) and owners'
committee (业委会) see the plan and comment, and cannot change it.

Today is 24 Nov 2026 (``tests.conftest.NOW``)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine
from django.urls import reverse

from gatehouse.audit.models import AuditEntry
from gatehouse.core import campaign as rules
from gatehouse.core.errors import DomainError, InvalidInput
from gatehouse.governance import plans, services
from gatehouse.governance.models import PlanComment, PlanProblem, PlanTask, RectificationPlan
from tests.conftest import NOW, _user
from tests.registers.test_paper import _assert_clean, _flat, _read

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 24)
DEADLINE = date(2026, 12, 31)


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def campaign_a(site_a, association_a):
    return services.campaign_create(
        site=site_a,
        actor=association_a,
        now=NOW,
        title="2026年封闭式小区环境综合整治",
        starts_on=date(2026, 11, 1),
        ends_on=DEADLINE,
    )


@pytest.fixture
def plan_a(campaign_a, project_a, manager_a):
    return plans.plan_create(campaign=campaign_a, project=project_a, actor=manager_a, now=NOW)


@pytest.fixture
def juweihui(site_a):
    return _user("juweihui_a", site=site_a, role="residents_committee")


@pytest.fixture
def yeweihui(site_a):
    return _user("yeweihui_a", site=site_a, role="owners_committee")


def _fill(plan, actor):
    plans.self_inspection_record(
        plan=plan, actor=actor, now=NOW, on=date(2026, 11, 20), summary="对照整治指标逐项自查"
    )
    plans.problem_add(
        plan=plan,
        actor=actor,
        now=NOW,
        category="sanitation",
        severity="major",
        description="5栋北侧“牛皮癣”",
    )
    first = plans.task_add(
        plan=plan, actor=actor, now=NOW, phase=1, title="清理小广告", days=5, owner="李军"
    )
    last = plans.task_add(
        plan=plan, actor=actor, now=NOW, phase=2, title="墙面粉刷", days=10, owner="周敏"
    )
    return first, last


# -- the core: scheduled backwards ----------------------------------------------------------


def test_tasks_are_scheduled_backwards_from_the_deadline():
    # rule GV-04 (T6 整治工作倒排进度表): the last phase ends on the deadline, each phase ends
    # the day before the phase after it starts at the latest
    slots = rules.schedule_backwards(
        [
            rules.TaskSpec("survey", 1, 3),
            rules.TaskSpec("clean", 2, 5),
            rules.TaskSpec("paint", 2, 10),
            rules.TaskSpec("accept", 3, 2),
        ],
        date(2026, 12, 31),
    )
    assert (slots["accept"].latest_start, slots["accept"].latest_finish) == (
        date(2026, 12, 30),
        date(2026, 12, 31),
    )
    assert slots["paint"].latest_finish == slots["clean"].latest_finish == date(2026, 12, 29)
    assert slots["paint"].latest_start == date(2026, 12, 20)
    assert slots["clean"].latest_start == date(2026, 12, 25)
    assert slots["survey"].latest_finish == date(2026, 12, 19)  # before paint's start
    assert slots["survey"].latest_start == date(2026, 12, 17)


def test_a_task_state_flags_late_ones():
    slot = rules.Slot("t", 1, date(2026, 12, 1), date(2026, 12, 10))
    state = rules.task_state
    assert state(slot, started_on=None, finished_on=None, today=date(2026, 12, 1)) == "not_started"
    assert state(slot, started_on=None, finished_on=None, today=date(2026, 12, 2)) == "late_start"
    started = date(2026, 12, 2)
    assert state(slot, started_on=started, finished_on=None, today=date(2026, 12, 5)) == (
        "in_progress"
    )
    assert state(slot, started_on=started, finished_on=None, today=date(2026, 12, 11)) == "overdue"
    assert state(slot, started_on=started, finished_on=date(2026, 12, 10), today=TODAY) == "done"
    late = state(slot, started_on=started, finished_on=date(2026, 12, 11), today=TODAY)
    assert late == "done_late" and late in rules.LATE_STATES


@pytest.mark.parametrize(
    ("phase", "days", "code"), [(0, 3, "plan.phase"), (1, 0, "plan.days"), (None, 3, "plan.phase")]
)
def test_a_task_needs_a_phase_and_days(phase, days, code):
    with pytest.raises(InvalidInput) as err:
        rules.check_task(phase=phase, days=days)
    assert err.value.code == code


# -- the services -------------------------------------------------------------------------------


def test_the_plan_is_filled_and_reported_to_the_bureau(site_a, plan_a, manager_a):
    # rule GV-04 (T6): self-inspect, classify, schedule backwards, report to 住建委
    assert plan_a.deadline == DEADLINE
    with pytest.raises(DomainError) as err:
        plans.plan_report(plan=plan_a, actor=manager_a, now=NOW)
    assert err.value.code == "plan.no_inspection"
    assert RectificationPlan.objects.get(pk=plan_a.pk).reported_at is None
    _fill(plan_a, manager_a)
    assert PlanProblem.objects.get(plan=plan_a).category == "sanitation"
    reported = plans.plan_report(plan=plan_a, actor=manager_a, now=NOW)
    assert reported.reported_at == NOW and reported.reported_by == manager_a
    entry = AuditEntry.objects.get(action="governance.plan.report")
    assert entry.site == site_a and entry.before["reported_at"] is None
    # reported: no more problems or tasks, and not twice
    with pytest.raises(DomainError) as err:
        plans.task_add(plan=plan_a, actor=manager_a, now=NOW, phase=1, title="x", days=1, owner="y")
    assert err.value.code == "plan.reported"
    assert PlanTask.objects.filter(plan=plan_a).count() == 2
    with pytest.raises(DomainError) as err:
        plans.plan_report(plan=plan_a, actor=manager_a, now=NOW)
    assert err.value.code == "plan.already_reported"


def test_progress_is_recorded_and_checked(plan_a, manager_a):
    first, _last = _fill(plan_a, manager_a)
    with pytest.raises(InvalidInput) as err:
        plans.task_progress(
            task=first, actor=manager_a, now=NOW, started_on=None, finished_on=TODAY
        )
    assert err.value.code == "plan.finished_unstarted"
    with pytest.raises(InvalidInput) as err:
        plans.task_progress(
            task=first,
            actor=manager_a,
            now=NOW,
            started_on=TODAY + timedelta(days=1),
            finished_on=None,
        )
    assert err.value.code == "plan.started_on_future"
    assert PlanTask.objects.get(pk=first.pk).started_on is None
    done = plans.task_progress(
        task=first, actor=manager_a, now=NOW, started_on=date(2026, 11, 21), finished_on=TODAY
    )
    assert done.finished_on == TODAY
    entry = AuditEntry.objects.get(action="governance.plan.progress")
    assert entry.after["finished_on"] == "2026-11-24"


def test_a_plan_per_project_per_campaign(campaign_a, project_a, manager_a, plan_a):
    with pytest.raises(InvalidInput) as err:
        plans.plan_create(campaign=campaign_a, project=project_a, actor=manager_a, now=NOW)
    assert err.value.code == "plan.exists"
    assert RectificationPlan.objects.count() == 1


# -- the committees --------------------------------------------------------------------------


def test_the_committees_see_the_plan_and_comment(client, plan_a, manager_a, juweihui, yeweihui):
    _fill(plan_a, manager_a)
    url = reverse("governance:plan", args=[plan_a.pk])
    for user, role in ((juweihui, "residents_committee"), (yeweihui, "owners_committee")):
        client.force_login(user)
        index = client.get(reverse("governance:plans")).content.decode()
        assert "2026年封闭式小区环境综合整治" in index and url in index
        page = client.get(url).content.decode()
        assert (
            "清理小广告" in page and "2026-12-21" in page
        )  # 墙面粉刷 starts 12-22; 清理 ends 12-21
        response = client.post(
            reverse("governance:plan_comment", args=[plan_a.pk]), {"body": f"{role} 的意见"}
        )
        assert response.status_code == 302
        comment = PlanComment.objects.get(body=f"{role} 的意见")
        assert comment.author == user and comment.role == role and comment.created_at == NOW
        entry = AuditEntry.objects.filter(action="governance.plan.comment").latest("pk")
        assert entry.actor == user and entry.after["body"] == f"{role} 的意见"
    client.force_login(yeweihui)
    assert "业主委员会" in client.get(url).content.decode()


@pytest.mark.parametrize("action", ["inspect", "problem", "task", "report"])
def test_the_committees_cannot_change_the_plan(client, plan_a, juweihui, yeweihui, action):
    before = RectificationPlan.objects.filter(pk=plan_a.pk).values().get()
    data = {"on": "2026-11-20", "summary": "x", "category": "fees", "severity": "minor"}
    data |= {"description": "x", "phase": "1", "title": "x", "days": "3", "owner": "x"}
    for user in (juweihui, yeweihui):
        client.force_login(user)
        response = client.post(reverse(f"governance:plan_{action}", args=[plan_a.pk]), data)
        assert response.status_code == 403
    assert RectificationPlan.objects.filter(pk=plan_a.pk).values().get() == before
    assert not PlanProblem.objects.exists() and not PlanTask.objects.exists()
    client.force_login(juweihui)
    assert client.post(reverse("governance:plans"), {"campaign": "1"}).status_code == 403


def test_a_guard_and_another_site_see_nothing(client, plan_a, guard_a, site_b):
    url = reverse("governance:plan", args=[plan_a.pk])
    client.force_login(guard_a)
    assert client.get(url).status_code == 403
    client.force_login(_user("juweihui_b", site=site_b, role="residents_committee"))
    assert client.get(url).status_code == 404


def test_a_bad_task_is_refused_with_422(client, plan_a, manager_a):
    client.force_login(manager_a)
    response = client.post(
        reverse("governance:plan_task", args=[plan_a.pk]),
        {"phase": "1", "title": "清理", "days": "0", "owner": "李军"},
    )
    assert response.status_code == 422
    assert "工期须为1至365天" in response.content.decode()
    assert not PlanTask.objects.exists()


def test_the_report_prints_on_a4(client, plan_a, manager_a):
    _fill(plan_a, manager_a)
    client.force_login(manager_a)
    response = client.get(reverse("governance:plan", args=[plan_a.pk]) + "?print=pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader, text = _read(b"".join(response.streaming_content))
    _assert_clean(reader, text)
    flat = _flat(text)
    assert "区住房和城乡建设委员会" in flat and "整治工作倒排进度表" in flat
    assert "5栋北侧“牛皮癣”" in flat and "2026-12-21" in flat


# -- "一栏四牌" -----------------------------------------------------------------------------------


def test_publicity_gaps_name_the_missing_boards():
    # rule GV-05 (T6 一栏四牌; published fees and service level)
    facts = rules.PublicityFacts(
        campaign_notices=0, fee_notices=2, company=True, rated=False, plan_reported=True
    )
    assert rules.publicity_gaps(facts) == (rules.Board.INFO, rules.Board.RATING)
    full = rules.PublicityFacts(
        campaign_notices=1, fee_notices=1, company=True, rated=True, plan_reported=True
    )
    assert rules.publicity_gaps(full) == ()


def test_the_publicity_page_and_poster(client, site_a, plan_a, manager_a, yeweihui):
    from gatehouse.bulletin import services as bulletin

    _fill(plan_a, manager_a)
    plans.plan_report(plan=plan_a, actor=manager_a, now=NOW)
    bulletin.notice_create(
        site=site_a,
        actor=manager_a,
        now=NOW,
        category="campaign",
        title="整治环境卫生，创造美好家园",
        body="请广大居民积极参与环境综合整治。",
        publish_from=NOW - timedelta(hours=1),
    )
    client.force_login(yeweihui)
    html = client.get(reverse("governance:publicity")).content.decode()
    assert "整治环境卫生，创造美好家园" in html and "武汉楚天物业服务有限公司" in html
    assert "data-missing" in html and "收费项目和标准牌" in html and "服务等级牌" in html
    assert "公共信息服务栏（创建整治宣传）" not in html.split("data-missing")[1].split("</p>")[0]
    poster = client.get(reverse("governance:publicity"), {"print": "pdf"})
    reader, text = _read(b"".join(poster.streaming_content))
    _assert_clean(reader, text)
    assert "一栏四牌" in _flat(text) and "已完成0/2项任务" in _flat(text)
