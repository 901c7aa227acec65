"""批量导入: who may use it, the success and error pages, the template download."""

from __future__ import annotations

import io
from dataclasses import dataclass, field

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from .conftest import member

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass
class FakeError:
    row: int
    column: str
    code: str
    message: str


@dataclass
class FakeResult:
    ok: bool
    errors: list = field(default_factory=list)
    created_people: int = 0
    created_credentials: int = 0
    created_vehicles: int = 0


@pytest.fixture
def onboarding(monkeypatch):
    """The onboarding module with its import replaced by a recorder returning ``result``."""
    from gatehouse.people import onboarding as module

    calls = []

    class Fake:
        result = FakeResult(ok=True)

    def fake_import(*, site, actor, file, now):
        calls.append(
            {"site": site, "actor": actor, "name": file.name, "body": file.read(), "now": now}
        )
        return Fake.result

    monkeypatch.setattr(module, "import_people_xlsx", fake_import)
    Fake.calls = calls
    return Fake


def upload(name="people.xlsx", body=b"PK\x03\x04fake"):
    return SimpleUploadedFile(name, body, content_type=XLSX)


def test_success_shows_the_counts(client, desk_a, site_a, onboarding):
    onboarding.result = FakeResult(
        ok=True, created_people=3, created_credentials=2, created_vehicles=1
    )
    client.force_login(desk_a)
    response = client.post(reverse("console:import_people"), {"file": upload()}, follow=True)
    html = response.content.decode()
    assert response.redirect_chain == [(reverse("console:import_people"), 302)]
    assert "新增人员 3 人，凭证 2 张，车辆 1 辆" in html
    (call,) = onboarding.calls
    assert call["site"] == site_a and call["actor"] == desk_a
    assert call["name"] == "people.xlsx" and call["body"] == b"PK\x03\x04fake"
    assert call["now"] is not None


def test_errors_are_listed_by_row_and_nothing_is_claimed(client, manager_a, onboarding):
    onboarding.result = FakeResult(
        ok=False,
        errors=[
            FakeError(3, "身份证号", "id_number.checksum", "身份证号校验位不正确"),
            FakeError(5, "卡号", "credential.duplicate", "该卡号在本场所已有有效持有人"),
            FakeError(0, "", "import.not_xlsx", "文件不是有效的 xlsx"),
        ],
    )
    client.force_login(manager_a)
    response = client.post(reverse("console:import_people"), {"file": upload()})
    html = response.content.decode()
    assert response.status_code == 200
    assert "发现 3 处错误，未导入任何数据" in html
    for text in (
        "身份证号校验位不正确",
        "id_number.checksum",
        "该卡号在本场所已有有效持有人",
        "整个文件",
    ):
        assert text in html
    assert "导入成功" not in html


def test_only_xlsx_files_are_sent_on(client, desk_a, onboarding):
    client.force_login(desk_a)
    response = client.post(reverse("console:import_people"), {"file": upload("people.csv", b"a,b")})
    assert "只能导入 .xlsx 格式" in response.content.decode()
    assert onboarding.calls == []
    response = client.post(reverse("console:import_people"), {})
    assert "请选择要导入的 Excel 文件" in response.content.decode()


@pytest.mark.parametrize("role", ["guard", "monitoring", "patrol", "resident", "park_committee"])
def test_other_roles_may_not_import(client, site_a, role, onboarding):
    client.force_login(member(f"u_{role}", site_a, role))
    assert client.get(reverse("console:import_people")).status_code == 403
    assert client.post(reverse("console:import_people"), {"file": upload()}).status_code == 403
    assert client.get(reverse("console:import_template")).status_code == 403
    assert onboarding.calls == []


def test_the_template_downloads_as_a_chinese_named_xlsx(client, desk_a):
    from openpyxl import load_workbook

    client.force_login(desk_a)
    response = client.get(reverse("console:import_template"))
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert "attachment" in response["Content-Disposition"]
    assert (
        "%E4%BA%BA%E5%91%98%E5%AF%BC%E5%85%A5%E6%A8%A1%E6%9D%BF.xlsx"
        in response["Content-Disposition"]
    )
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    headers = [c.value for c in workbook.worksheets[0][1]]
    assert any(str(h).startswith("姓名") for h in headers)


def _workbook(rows):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["姓名", "身份", "身份证号", "手机号", "房号", "卡号"])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_a_real_import_writes_people(client, desk_a, site_a, house_a):
    from gatehouse.people.models import Credential, Person

    body = _workbook(
        [["王芳", "业主", "110105199001011232", "13912345678", "3-2-1201", "00A1B2C3"]]
    )
    client.force_login(desk_a)
    response = client.post(
        reverse("console:import_people"), {"file": upload(body=body)}, follow=True
    )
    assert "新增人员 1 人，凭证 1 张，车辆 0 辆" in response.content.decode()
    person = Person.objects.get(site=site_a, name="王芳")
    assert Credential.objects.filter(person=person, number="00A1B2C3").exists()


def test_a_real_import_with_a_bad_row_writes_nothing(client, desk_a, site_a, house_a):
    from gatehouse.people.models import Person

    body = _workbook(
        [
            ["王芳", "业主", "110105199001011232", "13912345678", "3-2-1201", "00A1B2C3"],
            ["赵强", "业主", "110105199001011233", "13912345679", "3-2-1201", ""],
        ]
    )
    client.force_login(desk_a)
    response = client.post(reverse("console:import_people"), {"file": upload(body=body)})
    html = response.content.decode()
    assert "未导入任何数据" in html
    assert "身份证号" in html and ">3<" in html  # the bad ID is on spreadsheet row 3
    assert not Person.objects.filter(site=site_a).exists()
