"""Screenings with follow-up (seed template T3 rows 5, 6, 10, 12; rule T3-05): mental health,
student disputes and key personnel; restricted narrative read only by the kind's handler, every
reading audited; overdue follow-ups flagged; closed with who and why."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.urls import reverse

from tests.conftest import NOW

DAY = timedelta(days=1)
SECRET = "长期失眠，自述有轻生念头"


def _open(site, actor, subject, **kw):
    from gatehouse.screenings import services

    args = {
        "site": site,
        "actor": actor,
        "roles": ["counsellor"],
        "subject": subject,
        "kind": "mental_health",
        "risk": "high",
        "findings": SECRET,
        "now": NOW,
    }
    return services.case_open(**{**args, **kw})


def test_the_manager_sees_the_case_masked_and_no_reading_is_recorded(
    client, school, school_manager, counsellor, persons
):
    # rule T3-05: a manager without the role gets “受限” and no audit row
    from gatehouse.audit.models import AuditEntry

    case = _open(school, counsellor, persons["student"])
    client.force_login(school_manager)
    response = client.get(reverse("screenings:case", args=[case.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert SECRET not in html and "受限" in html
    assert "陈**" in html and "陈小明" not in html
    assert not AuditEntry.objects.filter(action="screening.read").exists()
    # the list shows the case exists, never its text
    html = client.get(reverse("screenings:cases")).content.decode()
    assert f"#{case.pk}" in html and SECRET not in html


def test_the_counsellor_reads_the_case_and_one_audit_row_is_written(
    client, school, counsellor, persons
):
    # rule T3-05: the handler reads the restricted field; the reading is audited, without text
    from gatehouse.audit.models import AuditEntry

    case = _open(school, counsellor, persons["student"])
    client.force_login(counsellor)
    html = client.get(reverse("screenings:case", args=[case.pk])).content.decode()
    assert SECRET in html
    rows = AuditEntry.objects.filter(action="screening.read")
    assert rows.count() == 1
    row = rows.get()
    assert row.actor == counsellor and row.object_id == str(case.pk)
    assert row.after == {"fields": ["findings"]}
    assert SECRET not in str(AuditEntry.objects.values_list("before", "after"))


def test_the_school_safety_officer_reads_disputes_but_not_mental_health(
    client, school, counsellor, safety, persons
):
    # rule T3-05
    from gatehouse.audit.models import AuditEntry

    dispute = _open(
        school,
        safety,
        persons["student"],
        roles=["school_safety"],
        kind="dispute",
        risk="medium",
        findings="课间推搡",
        parties="陈小明、李小军",
        cause="篮球场占场地",
        mediation="班主任调解，双方道歉",
    )
    mental = _open(school, counsellor, persons["other"])
    client.force_login(safety)
    html = client.get(reverse("screenings:case", args=[dispute.pk])).content.decode()
    assert "篮球场占场地" in html and "双方道歉" in html
    html = client.get(reverse("screenings:case", args=[mental.pk])).content.decode()
    assert SECRET not in html and "受限" in html
    assert AuditEntry.objects.filter(action="screening.read").count() == 1


def test_only_the_handler_opens_a_case_about_the_right_person(school, school_manager, persons):
    # rule T3-05
    from gatehouse.core.errors import DomainError, InvalidInput
    from gatehouse.screenings.models import ScreeningCase

    with pytest.raises(DomainError) as exc:
        _open(school, school_manager, persons["student"], roles=["security_manager"])
    assert exc.value.code == "screening.not_handler"
    with pytest.raises(InvalidInput) as exc:
        _open(
            school,
            school_manager,
            persons["teacher"],
            roles=["school_safety"],
            kind="dispute",
            parties="x",
        )
    assert exc.value.code == "screening.subject" and "学生" in exc.value.message
    assert not ScreeningCase.objects.exists()


def test_follow_ups_fall_overdue_and_an_isolated_student_closes_after_care(
    school, counsellor, persons
):
    # rule T3-05 (T3·12: care and psychological help for an isolated student)
    from gatehouse.audit.models import AuditEntry
    from gatehouse.core.errors import DomainError
    from gatehouse.screenings import services

    case = _open(school, counsellor, persons["student"], isolated=True)
    roles = ["counsellor"]
    talk = services.followup_add(
        case=case, actor=counsellor, roles=roles, action="每周谈心一次", due_on=NOW.date(), now=NOW
    )
    [view] = services.case_summaries([case], NOW + 2 * DAY)
    assert view.overdue == 1 and view.followups[0].action == "受限"
    services.followup_done(
        followup=talk, actor=counsellor, roles=roles, done_on=NOW.date(), now=NOW
    )
    with pytest.raises(DomainError) as exc:
        services.case_close(case=case, actor=counsellor, roles=roles, reason="已好转", now=NOW)
    assert exc.value.code == "screening.no_care"
    care = services.followup_add(
        case=case,
        actor=counsellor,
        roles=roles,
        action="安排同伴结对、心理辅导",
        due_on=NOW.date() + DAY,
        care=True,
        now=NOW,
    )
    services.followup_done(
        followup=care, actor=counsellor, roles=roles, done_on=NOW.date(), now=NOW
    )
    closed = services.case_close(case=case, actor=counsellor, roles=roles, reason="已好转", now=NOW)
    assert closed.closed_by == counsellor and closed.close_reason == "已好转"
    row = AuditEntry.objects.get(action="screening.close")
    assert row.after["close_reason"] == "已好转" and row.after["findings"] == "…"


def test_a_follow_up_in_the_past_is_refused_with_400_and_nothing_written(
    client, school, counsellor, persons
):
    # rule T3-05
    from gatehouse.screenings.models import FollowUp

    case = _open(school, counsellor, persons["student"])
    client.force_login(counsellor)
    response = client.post(
        reverse("screenings:followup_add", args=[case.pk]),
        {"action": "家访", "due_on": (NOW.date() - DAY).isoformat()},
    )
    assert response.status_code == 400
    assert "完成期限不能早于今天" in response.content.decode()
    assert not FollowUp.objects.exists()


def test_the_manager_cannot_add_follow_ups_to_a_restricted_case(
    client, school, school_manager, counsellor, persons
):
    # rule T3-05
    from gatehouse.screenings.models import FollowUp

    case = _open(school, counsellor, persons["student"])
    client.force_login(school_manager)
    response = client.post(
        reverse("screenings:followup_add", args=[case.pk]),
        {"action": "家访", "due_on": NOW.date().isoformat()},
    )
    assert response.status_code == 400
    assert "负责该类排查" in response.content.decode()
    assert not FollowUp.objects.exists()


def test_the_export_masks_restricted_fields_unless_the_exporter_handles_them(
    client, school, school_manager, counsellor, persons
):
    # rule T3-05: exports masked for the manager (no audit), unmasked for the counsellor (audited)
    from openpyxl import load_workbook

    from gatehouse.audit.models import AuditEntry

    _open(school, counsellor, persons["student"])

    def cells(user):
        client.force_login(user)
        response = client.get(reverse("screenings:cases") + "?format=xlsx")
        assert response.status_code == 200
        sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
        return [c for row in sheet.iter_rows(values_only=True) for c in row]

    manager_cells = cells(school_manager)
    assert SECRET not in manager_cells and "受限" in manager_cells
    assert not AuditEntry.objects.filter(action="screening.export").exists()
    assert SECRET in cells(counsellor)
    row = AuditEntry.objects.get(action="screening.export")
    assert row.actor == counsellor and row.after == {"kinds": {"mental_health": 1}}


def test_another_sites_case_is_not_found(client, school, counsellor, persons):
    from gatehouse.sites.models import Site
    from tests.conftest import _user

    case = _open(school, counsellor, persons["student"])
    other = Site.objects.create(code="other", name="西湖中学", kind="campus")
    client.force_login(_user("c2", site=other, role="counsellor"))
    assert client.get(reverse("screenings:case", args=[case.pk])).status_code == 404


def test_a_case_is_opened_from_the_page_by_its_handler_only(
    client, school, school_manager, counsellor, persons
):
    # rule T3-05
    from gatehouse.audit.models import AuditEntry
    from gatehouse.screenings.models import ScreeningCase

    data = {
        "kind": "mental_health",
        "subject": persons["teacher"].pk,
        "risk": "medium",
        "findings": "工作压力大，睡眠差",
    }
    client.force_login(school_manager)
    assert client.post(reverse("screenings:cases"), data).status_code == 403
    client.force_login(counsellor)
    response = client.post(reverse("screenings:cases"), {**data, "kind": "dispute"})
    assert response.status_code == 400 and "负责该类排查" in response.content.decode()
    assert not ScreeningCase.objects.exists()
    response = client.post(reverse("screenings:cases"), data)
    case = ScreeningCase.objects.get()
    assert response.status_code == 302 and case.subject == persons["teacher"]
    row = AuditEntry.objects.get(action="screening.open")
    assert row.after["findings"] == "…" and "睡眠差" not in str(row.after)
