"""Bulk onboarding from an xlsx file: all rows or none, errors on their row and column in Chinese."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import zipfile

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from gatehouse.audit.models import AuditEntry
from gatehouse.core.errors import DomainError
from gatehouse.people import onboarding, services
from gatehouse.people.models import (
    Credential,
    CredentialStatus,
    Enterprise,
    HouseMembership,
    Person,
    Vehicle,
)
from gatehouse.people.onboarding import RowError, import_people_xlsx, template_workbook
from gatehouse.sites.models import House
from tests.conftest import ID_ZHANG, SHANGHAI

# Valid resident ID numbers (check digits from stdnum), none used by a persona.
ID_1 = "310115198506124510"
ID_2 = "440305199211082626"
ID_3 = "320102198802153412"
ID_4 = "420106199505202277"
ID_5 = "510107197909098815"

HEADERS = [
    "姓名",
    "身份",
    "身份证号",
    "手机号",
    "房号",
    "所属企业",
    "卡类型",
    "卡号",
    "卡有效期至",
    "车牌号",
    "车辆品牌",
    "车辆颜色",
    "备注",
]
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def xlsx(rows, headers=HEADERS, *, blank_rows_before=()) -> io.BytesIO:
    """An in-memory workbook: ``rows`` are dicts keyed by header (or lists, taken as they are)."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for index, row in enumerate(rows):
        for _ in range(blank_rows_before.count(index)):
            sheet.append([])
        sheet.append([row.get(h) for h in headers] if isinstance(row, dict) else row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    buffer.name = "people.xlsx"
    return buffer


def counts() -> dict[str, int]:
    return {
        "people": Person.objects.count(),
        "credentials": Credential.objects.count(),
        "vehicles": Vehicle.objects.count(),
        "links": HouseMembership.objects.count(),
        "audit": AuditEntry.objects.count(),
    }


@pytest.fixture
def house_a2(house_a):
    return House.objects.create(
        site=house_a.site, unit=house_a.unit, number="3-2-1202", room="1202"
    )


@pytest.fixture
def enterprise_a(site_a):
    return Enterprise.objects.create(site=site_a, name="东湖物业服务（深圳）有限公司")


@pytest.fixture
def run(site_a, manager_a, now):
    def _run(rows, headers=HEADERS, **kwargs):
        return import_people_xlsx(
            site=site_a, actor=manager_a, file=xlsx(rows, headers, **kwargs), now=now
        )

    return _run


GOOD = {"姓名": "王芳", "身份": "业主", "身份证号": ID_1, "房号": "3-2-1201"}


# --------------------------------------------------------------------------------------------
# A good file
# --------------------------------------------------------------------------------------------


def test_good_file_creates_people_links_cards_vehicles_and_audit(
    run, site_a, manager_a, house_a, house_a2, enterprise_a
):
    rows = [
        {
            "姓名": "王芳",
            "身份": "业主",
            "身份证号": ID_1,
            "手机号": "137 0000 1234",
            "房号": "3-2-1201",
            "卡类型": "业主卡",
            "卡号": "00A1B2C3",
            "卡有效期至": dt.date(2027, 12, 31),
            "车牌号": "京A·12345",
            "车辆品牌": "大众 帕萨特",
            "车辆颜色": "白色",
            "备注": "一楼业主委员会",
        },
        {
            "姓名": "王小芳",
            "身份": "家属",
            "身份证号": ID_2.lower(),
            "房号": "3-2-1201",
            "卡号": "0010597060",
        },
        {"姓名": "赵强", "身份": "租户", "房号": "3－2－1202", "车牌号": "粤bd12345"},
        {
            "姓名": "陈静",
            "身份": "企业员工",
            "身份证号": ID_3,
            "手机号": 13600001111,
            "所属企业": "东湖物业服务(深圳)有限公司",
            "卡类型": "工牌",
            "卡号": "161,100",
            "卡有效期至": "2027/6/30",
        },
        {"姓名": "刘勇", "身份": "保安"},
    ]
    before = counts()
    result = run(rows)

    assert result.errors == []
    assert result.ok
    assert (result.created_people, result.created_credentials) == (5, 5)
    assert (result.created_vehicles, result.linked_houses) == (2, 3)
    after = counts()
    assert after["people"] - before["people"] == 5
    assert after["credentials"] - before["credentials"] == 5
    assert after["vehicles"] - before["vehicles"] == 2
    assert after["links"] - before["links"] == 3

    wang = Person.objects.get(site=site_a, name="王芳")
    assert wang.kind == "owner"
    assert wang.id_number_masked == "310115********4510"
    assert wang.phone_masked == "137****1234"
    assert wang.note == "一楼业主委员会"
    assert HouseMembership.objects.get(person=wang).relation == "owner"
    card = Credential.objects.get(person=wang, kind="owner_card")
    assert card.number == "00A1B2C3"
    assert card.status == CredentialStatus.ACTIVE
    assert card.valid_until == dt.datetime(2028, 1, 1, tzinfo=SHANGHAI)  # through 31 December
    car = Vehicle.objects.get(owner=wang)
    assert (car.plate, car.brand, car.color) == ("京A12345", "大众 帕萨特", "白色")
    plate_credential = Credential.objects.get(kind="plate", vehicle=car)
    assert (plate_credential.number, plate_credential.person) == ("京A12345", wang)

    family = Person.objects.get(name="王小芳")
    assert HouseMembership.objects.get(person=family).relation == "family"
    assert Credential.objects.get(person=family).kind == "owner_card"  # default for residents
    assert Credential.objects.get(person=family).number == "00A1B2C4"
    assert Credential.objects.get(person=family).valid_until is None

    tenant = Person.objects.get(name="赵强")
    assert HouseMembership.objects.get(person=tenant).house == house_a2
    assert Vehicle.objects.get(owner=tenant).plate == "粤BD12345"

    chen = Person.objects.get(name="陈静")
    assert chen.enterprise == enterprise_a
    badge = Credential.objects.get(person=chen)
    assert (badge.kind, badge.number) == ("staff_badge", f"{(161 << 16) | 100:08X}")
    assert badge.valid_until == dt.datetime(2027, 7, 1, tzinfo=SHANGHAI)

    actions = list(AuditEntry.objects.values_list("action", flat=True))
    assert actions.count("person.create") >= 5
    assert actions.count("house.link") >= 3
    assert actions.count("vehicle.register") == 2
    summary = AuditEntry.objects.get(action="people.import")
    assert summary.actor == manager_a
    assert summary.site == site_a
    assert summary.after["created_people"] == 5
    assert summary.after["file"] == "people.xlsx"
    dumped = json.dumps(list(AuditEntry.objects.values("before", "after", "object_repr")))
    for full in (ID_1, ID_2, ID_3, "13700001234"):
        assert full not in dumped


def test_headers_in_any_order_with_stars_and_aliases(run, house_a):
    headers = ["房号", "身份证号码", "身份*", "姓名 *", "手机号码"]
    result = run([["3-2-1201", ID_1, "业主", "王芳", "13700001234"]], headers)
    assert result.ok, result.errors
    assert Person.objects.get(name="王芳").phone_masked == "137****1234"


def test_blank_rows_are_skipped_and_row_numbers_stay_those_of_the_sheet(run, house_a):
    rows = [GOOD, {"姓名": "李四", "身份": "业主", "手机号": "123"}]
    result = run(rows, blank_rows_before=(1, 1))
    assert not result.ok
    assert [(e.row, e.column) for e in result.errors] == [(5, "手机号")]


# --------------------------------------------------------------------------------------------
# All or nothing
# --------------------------------------------------------------------------------------------


def test_one_bad_row_among_good_ones_writes_nothing(run, house_a):
    rows = [
        GOOD,
        {"姓名": "王小芳", "身份": "家属", "身份证号": ID_2[:-1] + "7", "房号": "3-2-1201"},
        {
            "姓名": "赵强",
            "身份": "租户",
            "身份证号": ID_3,
            "卡号": "00A1B2C5",
            "车牌号": "京B12345",
        },
    ]
    before = counts()
    result = run(rows)

    assert not result.ok
    assert counts() == before
    assert (result.created_people, result.created_credentials, result.created_vehicles) == (0, 0, 0)
    assert result.linked_houses == 0
    assert len(result.errors) == 1
    error = result.errors[0]
    assert (error.row, error.column, error.code) == (3, "身份证号", "id_number.checksum")
    assert error.message == "身份证号码校验位不正确，可能有输错的数字，请核对。"
    assert ID_2[:-1] not in repr(result)  # never echo a full ID number


def test_every_bad_row_is_reported_in_sheet_order(run, house_a):
    rows = [
        {"姓名": "甲", "身份": "业主", "车牌号": "京A1234"},
        GOOD,
        {"姓名": "", "身份": "房东", "手机号": "1380013800"},
        {"姓名": "丁", "身份": "业主", "卡号": "xyz"},
    ]
    result = run(rows)
    assert not result.ok
    assert [(e.row, e.column, e.code) for e in result.errors] == [
        (2, "车牌号", "plate.format"),
        (4, "姓名", "person.name_empty"),
        (4, "身份", "person.kind"),
        (4, "手机号", "phone.format"),
        (5, "卡号", "card.format"),
    ]
    assert all(CHINESE.search(e.message) for e in result.errors)


@pytest.mark.parametrize(
    ("column", "value", "code"),
    [
        ("手机号", "1380013800", "phone.format"),
        ("手机号", "02087654321", "phone.not_mobile"),
        ("车牌号", "京A1234I", "plate.format"),
        ("车牌号", "X12345", "plate.province"),
        ("卡号", "12345", "card.format"),
        ("卡号", "256,1", "card.range"),
        ("卡号", 10597059, "card.format"),  # a number cell lost the leading zeros
        ("房号", "9-9-999", "house.not_found"),
        ("房号", dt.datetime(2012, 3, 2), "house.format"),  # Excel turned 3-2-12 into a date
        ("身份", "房东", "person.kind"),
        ("卡类型", "门禁卡", "credential.kind"),
        ("所属企业", "不存在的公司", "enterprise.not_found"),
        ("卡有效期至", "2020-01-01", "card.expired"),
        ("卡有效期至", "明年年底", "date.format"),
        ("卡有效期至", "2027-02-30", "date.format"),
        ("身份证号", "110105491231002", "id_number.legacy"),
        ("身份证号", 110105199001011232, "id_number.format"),  # stored as a number
        ("车辆颜色", "红" * 21, "vehicle.color_too_long"),
        ("备注", "备" * 201, "person.note_too_long"),
    ],
)
def test_a_bad_cell_is_reported_on_its_row_and_column(run, house_a, column, value, code):
    bad = {"姓名": "李四", "身份": "业主", "车牌号": "京C12345", "卡号": "11223344"} | {
        column: value
    }
    before = counts()
    result = run([GOOD, bad])
    assert counts() == before
    assert not result.ok
    assert [(e.row, e.column, e.code) for e in result.errors] == [(3, column, code)]
    assert CHINESE.search(result.errors[0].message)


def test_an_id_number_stored_as_a_number_asks_for_a_text_column(run):
    result = run([{"姓名": "李四", "身份": "业主", "身份证号": 1.101051990010112e17}])
    (error,) = result.errors
    assert error.code == "id_number.format"
    assert "文本" in error.message


def test_number_cells_that_are_unambiguous_are_accepted(run, house_a):
    rows = [
        {"姓名": "王芳", "身份": "业主", "手机号": 13700001234, "卡号": 4294967295},
        {"姓名": "王强", "身份": "业主", "卡号": "00000001", "卡有效期至": 46752},  # a date serial
    ]
    result = run(rows)
    assert result.ok, result.errors
    assert Credential.objects.get(person__name="王芳").number == "FFFFFFFF"
    until = Credential.objects.get(person__name="王强").valid_until
    assert until == dt.datetime(2028, 1, 1, tzinfo=SHANGHAI)  # serial 46752 is 2027-12-31


@pytest.mark.parametrize(
    ("row", "column", "code"),
    [
        ({"身份": "企业员工"}, "所属企业", "person.enterprise_required"),
        ({"身份": "保安", "房号": "3-2-1201"}, "房号", "house.relation"),
        ({"身份": "其他", "卡号": "00A1B2C3"}, "卡类型", "card.kind_required"),
        ({"卡类型": "业主卡"}, "卡号", "card.number_required"),
        ({"车辆品牌": "大众"}, "车牌号", "vehicle.plate_required"),
    ],
)
def test_inconsistent_rows(run, house_a, row, column, code):
    result = run([{"姓名": "李四", "身份": "业主"} | row])
    assert [(e.row, e.column, e.code) for e in result.errors] == [(2, column, code)]


# --------------------------------------------------------------------------------------------
# Duplicates
# --------------------------------------------------------------------------------------------


def test_duplicates_within_the_file_name_the_earlier_row(run):
    rows = [
        {"姓名": "甲", "身份": "业主", "身份证号": ID_1, "卡号": "00A1B2C3", "车牌号": "京A12345"},
        {"姓名": "乙", "身份": "业主", "身份证号": ID_2},
        {"姓名": "丙", "身份": "业主", "身份证号": ID_1.lower(), "车牌号": "京a·12345"},
        {"姓名": "丁", "身份": "业主", "卡号": "161,45763"},  # 00A1B2C3 typed as Wiegand-26
        {"姓名": "戊", "身份": "业主", "卡号": "0010597059"},  # and as a 10-digit decimal
    ]
    before = counts()
    result = run(rows)
    assert counts() == before
    assert [(e.row, e.column, e.code, e.message) for e in result.errors] == [
        (4, "身份证号", "import.duplicate_id_number", "与第2行的身份证号重复"),
        (4, "车牌号", "import.duplicate_plate", "与第2行的车牌号重复"),
        (5, "卡号", "import.duplicate_card", "与第2行的卡号重复"),
        (6, "卡号", "import.duplicate_card", "与第2行的卡号重复"),
    ]


def test_duplicates_against_the_database(run, site_a, manager_a, resident_a, now):
    services.credential_issue(
        site=site_a,
        actor=manager_a,
        kind="owner_card",
        number="00A1B2C3",
        person=resident_a,
        now=now,
    )
    services.vehicle_register(
        site=site_a, actor=manager_a, plate="京A12345", owner=resident_a, now=now
    )
    rows = [
        {"姓名": "张伟", "身份": "业主", "身份证号": ID_ZHANG},
        {"姓名": "乙", "身份": "业主", "卡号": "161,45763"},
        {"姓名": "丙", "身份": "业主", "车牌号": "京A·12345"},
    ]
    before = counts()
    result = run(rows)
    assert counts() == before
    assert [(e.row, e.column, e.code) for e in result.errors] == [
        (2, "身份证号", "person.duplicate_id_number"),
        (3, "卡号", "credential.duplicate"),
        (4, "车牌号", "vehicle.duplicate_plate"),
    ]
    assert result.errors[0].message == "该身份证号已在本场所登记"
    assert ID_ZHANG not in repr(result)


def test_a_lost_card_number_can_be_issued_again(run, site_a, manager_a, resident_a, now):
    card = services.credential_issue(
        site=site_a,
        actor=manager_a,
        kind="owner_card",
        number="00A1B2C3",
        person=resident_a,
        now=now,
    )
    services.credential_set_status(credential=card, status="lost", actor=manager_a, now=now)
    result = run([{"姓名": "乙", "身份": "业主", "卡号": "00a1b2c3"}])
    assert result.ok, result.errors
    assert Credential.objects.filter(number="00A1B2C3", status="active").get().person.name == "乙"


def test_a_clash_at_another_site_is_no_clash(run, resident_b):
    result = run([{"姓名": "李娜", "身份": "业主", "身份证号": "110105199001011232"}])
    assert result.ok, result.errors


# --------------------------------------------------------------------------------------------
# A race while writing rolls everything back
# --------------------------------------------------------------------------------------------


def test_a_failure_while_writing_rolls_back_every_row(run, monkeypatch):
    real_issue = services.credential_issue

    def racing_issue(**kwargs):
        if kwargs["number"] == "00A1B2C5":
            raise DomainError(
                "credential.duplicate", "该卡号在本场所已有有效持有人，请先挂失或注销原卡"
            )
        return real_issue(**kwargs)

    monkeypatch.setattr(services, "credential_issue", racing_issue)
    rows = [
        {"姓名": "甲", "身份": "业主", "卡号": "00A1B2C3", "车牌号": "京A12345"},
        {"姓名": "乙", "身份": "业主", "卡号": "00A1B2C4"},
        {"姓名": "丙", "身份": "业主", "卡号": "00A1B2C5"},
    ]
    before = counts()
    result = run(rows)
    assert counts() == before
    assert result.errors == [
        RowError(
            4, "卡号", "credential.duplicate", "该卡号在本场所已有有效持有人，请先挂失或注销原卡"
        )
    ]
    assert result.created_people == 0


def test_dry_run_writes_nothing_but_reports_what_it_would_create(site_a, manager_a, house_a, now):
    before = counts()
    result = import_people_xlsx(
        site=site_a,
        actor=manager_a,
        file=xlsx([GOOD | {"卡号": "00A1B2C3", "车牌号": "京A12345"}]),
        now=now,
        dry_run=True,
    )
    assert result.ok
    assert (result.created_people, result.created_credentials, result.created_vehicles) == (1, 2, 1)
    assert counts() == before


# --------------------------------------------------------------------------------------------
# The file itself
# --------------------------------------------------------------------------------------------


def _zip_that_is_not_a_workbook() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hello")
    return buffer.getvalue()


@pytest.mark.parametrize(
    "content",
    [
        "姓名,身份\n张三,业主\n".encode(),
        b"",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600,  # an old .xls
        _zip_that_is_not_a_workbook(),
    ],
    ids=["csv", "empty", "xls", "zip"],
)
def test_a_file_that_is_not_an_xlsx_is_rejected(site_a, manager_a, now, content):
    result = import_people_xlsx(site=site_a, actor=manager_a, file=io.BytesIO(content), now=now)
    assert not result.ok
    assert result.errors == [
        RowError(0, "", "import.not_xlsx", "文件不是有效的 Excel（.xlsx）文件")
    ]


def test_too_many_rows(run, monkeypatch):
    monkeypatch.setattr(onboarding, "MAX_ROWS", 3)
    rows = [{"姓名": f"人{i}", "身份": "业主"} for i in range(4)]
    result = run(rows)
    assert [e.code for e in result.errors] == ["import.too_many_rows"]
    assert "3" in result.errors[0].message
    assert Person.objects.count() == 0
    assert run(rows[:3], blank_rows_before=(1, 2)).ok  # blank rows do not count


def test_too_large(run, monkeypatch):
    monkeypatch.setattr(onboarding, "MAX_BYTES", 1000)
    result = run([GOOD])
    assert [e.code for e in result.errors] == ["import.too_large"]


def test_errors_are_capped(run, monkeypatch):
    monkeypatch.setattr(onboarding, "MAX_ERRORS", 5)
    result = run([{"姓名": f"人{i}", "身份": "房东"} for i in range(10)])
    assert len(result.errors) == 5
    assert [e.row for e in result.errors[:4]] == [2, 3, 4, 5]
    assert result.errors[-1].code == "import.too_many_errors"
    assert "10" in result.errors[-1].message


@pytest.mark.parametrize(
    ("headers", "code", "column"),
    [
        (["姓名", "身份", "微信号"], "import.unknown_column", "微信号"),
        (["姓名", "手机号"], "import.missing_column", "身份"),
        (["姓名", "身份", "姓名"], "import.duplicate_column", "姓名"),
    ],
)
def test_bad_headers(run, headers, code, column):
    result = run([["张三", "业主", "x"][: len(headers)]], headers)
    assert [(e.row, e.column, e.code) for e in result.errors] == [(1, column, code)]


def test_data_under_a_column_without_header(run):
    result = run([["张三", "业主", None, "意外的数据"]], ["姓名", "身份"])
    assert [(e.row, e.code) for e in result.errors] == [(2, "import.unnamed_column")]
    assert "D列" in result.errors[0].message


def test_a_header_without_rows_is_rejected(run):
    assert [e.code for e in run([{}, {}]).errors] == ["import.no_rows"]  # blank rows only


def test_an_empty_workbook_is_rejected(site_a, manager_a, now):
    buffer = io.BytesIO()
    openpyxl.Workbook().save(buffer)
    buffer.seek(0)
    result = import_people_xlsx(site=site_a, actor=manager_a, file=buffer, now=now)
    assert [e.code for e in result.errors] == ["import.empty"]


# --------------------------------------------------------------------------------------------
# The template
# --------------------------------------------------------------------------------------------


def test_template_has_headers_example_and_notes():
    workbook = openpyxl.load_workbook(io.BytesIO(template_workbook()))
    assert workbook.sheetnames == ["人员信息", "说明"]
    sheet = workbook["人员信息"]
    headers = [cell.value for cell in sheet[1]]
    assert headers[:2] == ["姓名*", "身份*"]
    assert [h.rstrip("*") for h in headers] == HEADERS
    assert sheet["A1"].font.bold
    assert sheet.column_dimensions["C"].width >= 20
    assert sheet.max_row == 2  # the header and one example row
    assert sheet["C2"].number_format == "@"  # ID numbers as text
    notes = " ".join(str(c.value) for row in workbook["说明"].iter_rows() for c in row if c.value)
    for header in HEADERS:
        assert header in notes


def test_the_template_round_trips(site_a, manager_a, house_a, now):
    workbook = openpyxl.load_workbook(io.BytesIO(template_workbook()))
    sheet = workbook["人员信息"]
    column = [c.value for c in sheet[1]].index("房号") + 1
    sheet.cell(row=2, column=column, value="3-2-1201")
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)

    result = import_people_xlsx(site=site_a, actor=manager_a, file=buffer, now=now)

    assert result.errors == []
    assert (result.created_people, result.created_credentials) == (1, 2)
    assert (result.created_vehicles, result.linked_houses) == (1, 1)
    person = Person.objects.get(site=site_a)
    assert HouseMembership.objects.get(person=person).house == house_a


# --------------------------------------------------------------------------------------------
# manage.py import_people
# --------------------------------------------------------------------------------------------


def _write(tmp_path, rows):
    path = tmp_path / "people.xlsx"
    path.write_bytes(xlsx(rows).getvalue())
    return str(path)


def test_command_imports_and_reports(tmp_path, site_a, house_a, capsys):
    path = _write(tmp_path, [GOOD | {"卡号": "00A1B2C3"}])
    call_command("import_people", path, "--site", "donghu")
    out = capsys.readouterr().out
    assert "导入成功" in out
    assert "人员 1 人" in out
    assert Person.objects.filter(site=site_a).count() == 1


def test_command_dry_run_writes_nothing(tmp_path, site_a, house_a, capsys):
    call_command("import_people", _write(tmp_path, [GOOD]), "--site", "donghu", "--dry-run")
    assert "试运行" in capsys.readouterr().out
    assert Person.objects.count() == 0


def test_command_prints_errors_as_a_table_and_fails(tmp_path, site_a, capsys):
    rows = [
        {"姓名": "甲", "身份": "业主", "卡号": "00A1B2C3"},
        {"姓名": "乙", "身份": "业主", "卡号": "161,45763"},
    ]
    with pytest.raises(CommandError) as raised:
        call_command("import_people", _write(tmp_path, rows), "--site", "donghu")
    assert raised.value.returncode == 1
    out = capsys.readouterr().out
    assert "与第2行的卡号重复" in out
    assert re.search(r"^3\s+卡号\s+import\.duplicate_card", out, re.MULTILINE)
    assert Person.objects.count() == 0


def test_command_unknown_site(tmp_path, db):
    with pytest.raises(CommandError, match="场所"):
        call_command("import_people", _write(tmp_path, [GOOD]), "--site", "nowhere")


def test_command_writes_the_template(tmp_path):
    path = tmp_path / "template.xlsx"
    call_command("import_people", str(path), "--template")
    assert openpyxl.load_workbook(path).sheetnames == ["人员信息", "说明"]
