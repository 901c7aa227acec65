"""Bulk onboarding: residents, staff, their cards and vehicles from one .xlsx file.

The import is all-or-nothing. It runs in two phases:

1. **Check.** Every data row is parsed with the core parsers (ID number, mobile, card, plate) and
   checked against the database (the house and the enterprise exist at the site; the ID number,
   the card and the plate are not registered yet) and against the earlier rows of the same file
   (the same ID number, card or plate twice — a card is compared in its canonical form, so
   ``00A1B2C3`` and ``161,45763`` are one card). All errors are collected, each on its row and
   column, in Chinese. If there is any, nothing is written.
2. **Write.** In one transaction, through :mod:`gatehouse.people.services` (so every record is
   validated again and audited). Should a write still fail — someone registered the same card a
   moment ago — the whole transaction is rolled back and that row's error returned.

Row numbers are those the user sees in Excel: the header is row 1 and blank rows count, although
they are skipped. Errors about the file itself (not an xlsx, too large, too many rows) have row 0
and an empty column; errors about the header have the header's row.

The caller checks that ``actor`` may onboard people at ``site``; this module does not.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import IO, Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import from_excel
from openpyxl.worksheet.datavalidation import DataValidation

from gatehouse.accounts.actor import Actor
from gatehouse.audit.services import audit_record
from gatehouse.core.errors import DomainError, InvalidInput
from gatehouse.core.ids import Plate, parse_card_number, parse_id_number, parse_mobile, parse_plate
from gatehouse.people import services
from gatehouse.people.models import (
    RELATION_OF_KIND,
    Credential,
    CredentialKind,
    CredentialStatus,
    Enterprise,
    Person,
    PersonKind,
    Vehicle,
)
from gatehouse.privacy import lookup_hash
from gatehouse.sites.models import House, Site

__all__ = [
    "COLUMNS",
    "MAX_BYTES",
    "MAX_ERRORS",
    "MAX_ROWS",
    "ImportResult",
    "RowError",
    "import_people_xlsx",
    "template_workbook",
]

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
MAX_ERRORS = 200
_QUERY_CHUNK = 500


@dataclass(frozen=True)
class RowError:
    row: int  # the spreadsheet row number as the user sees it (header is row 1; 0 = the file)
    column: str  # the Chinese column header, e.g. "身份证号" ("" = the whole row or file)
    code: str  # machine code, e.g. "id_number.checksum"
    message: str  # Chinese message


@dataclass(frozen=True)
class ImportResult:
    ok: bool
    errors: list[RowError]
    created_people: int
    created_credentials: int
    created_vehicles: int
    linked_houses: int


# --------------------------------------------------------------------------------------------
# Columns
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # matched after dropping spaces and a trailing "*"
    required: bool
    width: int
    note: str  # explanation on the 说明 sheet of the template
    text: bool = False  # the template formats the column as text
    aliases: tuple[str, ...] = ()


COLUMNS: tuple[Column, ...] = (
    Column("name", "姓名", True, 12, "必填。人员姓名，最多50个字。"),
    Column(
        "kind",
        "身份",
        True,
        12,
        "必填。业主、家属、租户、企业员工、物业员工、保安、其他，七选一。",
    ),
    Column(
        "id_number",
        "身份证号",
        False,
        22,
        "选填。18位第二代居民身份证号码，最后一位可以是X。同一场所内不能重复登记。"
        "请务必使用“文本”格式填写，否则 Excel 会把后几位变成0。",
        text=True,
        aliases=("身份证号码", "证件号码"),
    ),
    Column(
        "phone",
        "手机号",
        False,
        15,
        "选填。11位中国大陆手机号码。",
        text=True,
        aliases=("手机号码", "手机", "联系电话"),
    ),
    Column(
        "house",
        "房号",
        False,
        12,
        "选填。格式为“楼栋-单元-房号”，如 3-2-1201，必须是本场所已登记的房屋。"
        "只有身份为业主、家属、租户的人员可以填写；与房屋的关系按身份确定。",
        text=True,
        aliases=("房屋", "房屋编号"),
    ),
    Column(
        "enterprise",
        "所属企业",
        False,
        24,
        "身份为“企业员工”时必填，其他身份选填。必须与本场所已登记的企业名称完全一致。",
        aliases=("企业", "企业名称", "工作单位"),
    ),
    Column(
        "card_kind",
        "卡类型",
        False,
        10,
        "选填。业主卡、停车卡、工牌，三选一。填写卡号但不填卡类型时，业主、家属、租户默认为"
        "业主卡，企业员工、物业员工、保安默认为工牌，身份为“其他”时必须填写。",
    ),
    Column(
        "card_number",
        "卡号",
        False,
        16,
        "选填。门禁卡号，可写8位或14位十六进制（如 00A1B2C3）、10位十进制（如 0010597059）"
        "或韦根26格式“设施码,卡号”（如 161,45763），三种写法是同一张卡。"
        "本场所已有有效持有人的卡号不能重复发放。请使用“文本”格式填写，以免丢失开头的0。",
        text=True,
        aliases=("门禁卡号",),
    ),
    Column(
        "card_until",
        "卡有效期至",
        False,
        14,
        "选填。卡在这一天结束前有效，如 2027-12-31；不填则长期有效。不能早于今天。",
        aliases=("有效期至", "卡有效期"),
    ),
    Column(
        "plate",
        "车牌号",
        False,
        12,
        "选填。如 京A12345、粤BD12345（新能源），中间的点和空格可有可无。"
        "填写后登记车辆并发放车牌凭证；同一场所内不能重复登记。",
        aliases=("车牌", "车牌号码"),
    ),
    Column("brand", "车辆品牌", False, 14, "选填。车辆品牌型号，最多50个字，需同时填写车牌号。"),
    Column("color", "车辆颜色", False, 10, "选填。车身颜色，最多20个字，需同时填写车牌号。"),
    Column("note", "备注", False, 24, "选填。最多200个字。"),
)
_BY_KEY = {column.key: column for column in COLUMNS}
_ORDER = {column.header: index for index, column in enumerate(COLUMNS)}

# Fixed Chinese words (not translated: the file's contents are Chinese whatever the UI language).
KIND_WORDS: dict[str, str] = {
    "业主": PersonKind.OWNER,
    "家属": PersonKind.FAMILY,
    "租户": PersonKind.TENANT,
    "企业员工": PersonKind.EMPLOYEE,
    "物业员工": PersonKind.PROPERTY_STAFF,
    "保安": PersonKind.GUARD,
    "其他": PersonKind.OTHER,
}
CARD_KIND_WORDS: dict[str, str] = {
    "业主卡": CredentialKind.OWNER_CARD,
    "停车卡": CredentialKind.PARKING_CARD,
    "工牌": CredentialKind.STAFF_BADGE,
}
_DEFAULT_CARD_KIND: dict[str, CredentialKind] = {
    PersonKind.OWNER: CredentialKind.OWNER_CARD,
    PersonKind.FAMILY: CredentialKind.OWNER_CARD,
    PersonKind.TENANT: CredentialKind.OWNER_CARD,
    PersonKind.EMPLOYEE: CredentialKind.STAFF_BADGE,
    PersonKind.PROPERTY_STAFF: CredentialKind.STAFF_BADGE,
    PersonKind.GUARD: CredentialKind.STAFF_BADGE,
}
_MAX_LENGTH = {"brand": 50, "color": 20, "note": 200}


def _fold(text: str) -> str:
    """Full-width to ASCII (NFKC), trimmed."""
    return unicodedata.normalize("NFKC", text).strip()


def _header_key(raw: Any) -> str:
    text = "".join(_fold(str(raw)).split())
    text = re.sub(r"\((必填|选填)\)$", "", text)
    return text.rstrip("*")


_HEADER_KEYS: dict[str, Column] = {}
for _column in COLUMNS:
    for _spelling in (_column.header, *_column.aliases):
        _HEADER_KEYS[_header_key(_spelling)] = _column


# --------------------------------------------------------------------------------------------
# Reading the file
# --------------------------------------------------------------------------------------------


class _Rejected(Exception):
    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(errors[0].code if errors else "")
        self.errors = errors


def _file_error(code: str, message: str) -> _Rejected:
    return _Rejected([RowError(row=0, column="", code=code, message=message)])


def _not_xlsx() -> _Rejected:
    return _file_error("import.not_xlsx", _("文件不是有效的 Excel（.xlsx）文件"))


@dataclass
class _Sheet:
    header_row: int
    columns: dict[int, Column]  # cell index → column
    rows: list[tuple[int, dict[str, Any]]]  # (row number, column key → raw cell value)
    errors: list[RowError] = field(default_factory=list)


def _read_bytes(file: IO[bytes]) -> bytes:
    if getattr(file, "seekable", lambda: False)():
        file.seek(0)
    data = file.read(MAX_BYTES + 1)
    if not isinstance(data, bytes | bytearray):
        raise _not_xlsx()
    if len(data) > MAX_BYTES:
        raise _file_error(
            "import.too_large",
            _("文件超过%(mb)s MB，请拆分成几个文件后再导入") % {"mb": MAX_BYTES // (1024 * 1024)},
        )
    if not data.startswith(b"PK\x03\x04"):  # every .xlsx is a zip archive
        raise _not_xlsx()
    return bytes(data)


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _read_sheet(file: IO[bytes]) -> _Sheet:
    data = _read_bytes(file)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises zip, XML, key and value errors alike
        raise _not_xlsx() from exc
    try:
        if not workbook.worksheets:
            raise _file_error("import.empty", _("文件中没有工作表"))
        return _parse_rows(enumerate(workbook.worksheets[0].iter_rows(values_only=True), 1))
    except _Rejected:
        raise
    except Exception as exc:  # a damaged sheet is found while reading it
        raise _not_xlsx() from exc
    finally:
        workbook.close()


def _parse_rows(numbered: Iterable[tuple[int, Sequence[Any]]]) -> _Sheet:
    iterator: Iterator[tuple[int, Sequence[Any]]] = iter(numbered)
    for number, values in iterator:
        if not all(_is_blank(v) for v in values):
            sheet = _parse_header(number, values)
            break
    else:
        raise _file_error(
            "import.empty", _("工作表是空的，请在第一行填写表头，从第二行起每行填写一人")
        )
    unnamed_reported: set[int] = set()
    for number, values in iterator:
        if all(_is_blank(v) for v in values):
            continue
        if len(sheet.rows) >= MAX_ROWS:
            raise _file_error(
                "import.too_many_rows",
                _("数据超过%(max)s行，请拆分成几个文件后再导入") % {"max": MAX_ROWS},
            )
        cells: dict[str, Any] = {}
        for index, value in enumerate(values):
            column = sheet.columns.get(index)
            if column is not None:
                cells[column.key] = value
            elif not _is_blank(value) and index not in unnamed_reported:
                unnamed_reported.add(index)
                sheet.errors.append(
                    RowError(
                        row=number,
                        column="",
                        code="import.unnamed_column",
                        message=_("%(letter)s列没有表头，但有数据；请填写列名或删除该列")
                        % {"letter": get_column_letter(index + 1)},
                    )
                )
        sheet.rows.append((number, cells))
    if not sheet.rows and not sheet.errors:
        raise _file_error("import.no_rows", _("表格只有表头，没有数据行"))
    if sheet.errors:
        raise _Rejected(sheet.errors)
    return sheet


def _parse_header(number: int, values: Sequence[Any]) -> _Sheet:
    errors: list[RowError] = []
    columns: dict[int, Column] = {}
    seen: set[str] = set()
    for index, value in enumerate(values):
        if _is_blank(value):
            continue
        column = _HEADER_KEYS.get(_header_key(value))
        text = str(value).strip()
        if column is None:
            errors.append(
                RowError(
                    row=number,
                    column=text,
                    code="import.unknown_column",
                    message=_("无法识别的列“%(name)s”，请使用模板中的列名") % {"name": text},
                )
            )
        elif column.key in seen:
            errors.append(
                RowError(
                    row=number,
                    column=column.header,
                    code="import.duplicate_column",
                    message=_("列“%(name)s”出现了不止一次") % {"name": column.header},
                )
            )
        else:
            seen.add(column.key)
            columns[index] = column
    for column in COLUMNS:
        if column.required and column.key not in seen:
            errors.append(
                RowError(
                    row=number,
                    column=column.header,
                    code="import.missing_column",
                    message=_("缺少必填列“%(name)s”") % {"name": column.header},
                )
            )
    if errors:
        raise _Rejected(errors)
    return _Sheet(header_row=number, columns=columns, rows=[])


# --------------------------------------------------------------------------------------------
# Checking the rows
# --------------------------------------------------------------------------------------------


@dataclass
class _Row:
    """One checked row, ready to be written."""

    number: int
    name: str = ""
    kind: str = ""
    id_number: str = ""
    phone: str = ""
    house: House | None = None
    enterprise: Enterprise | None = None
    card_kind: str = ""
    card_number: str = ""
    card_until: dt.datetime | None = None
    plate: Plate | None = None
    brand: str = ""
    color: str = ""
    note: str = ""


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    return _fold(str(value))


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


_DATE_TEXT = re.compile(
    r"(?P<y>\d{4})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*日?"
    r"(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?"
)
_DATE_COMPACT = re.compile(r"(?P<y>(?:19|20)\d{2})(?P<m>\d{2})(?P<d>\d{2})")


def _cell_date(value: Any) -> dt.date | None:
    """A date from a date cell, an Excel serial number or text; None when it is not one."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _text(value)
    match = _DATE_TEXT.fullmatch(text) or _DATE_COMPACT.fullmatch(text)
    if match:
        try:
            return dt.date(int(match["y"]), int(match["m"]), int(match["d"]))
        except ValueError:
            return None
    if _is_number(value) and 1 <= value < 2958466:  # an unformatted Excel date serial
        converted = from_excel(value)
        return converted.date() if isinstance(converted, dt.datetime) else None
    return None


class _Checker:
    def __init__(self, *, site: Site, now: dt.datetime) -> None:
        self.site = site
        self.now = now
        self.today = timezone.localdate(now)
        self.errors: list[RowError] = []

    def error(self, row: int, key: str, code: str, message: str) -> None:
        header = _BY_KEY[key].header if key in _BY_KEY else key
        self.errors.append(RowError(row=row, column=header, code=code, message=message))

    def invalid(self, row: int, key: str, exc: DomainError) -> None:
        self.error(row, key, exc.code, exc.message)

    # -- the whole sheet ---------------------------------------------------------------------

    def check(self, sheet: _Sheet) -> list[_Row]:
        houses = self._houses(sheet.rows)
        enterprises = {_name_key(e.name): e for e in Enterprise.objects.filter(site=self.site)}
        checked = [self._row(number, cells, houses, enterprises) for number, cells in sheet.rows]
        self._duplicates(checked)
        return checked

    def _houses(self, rows: list[tuple[int, dict[str, Any]]]) -> dict[str, House]:
        wanted = {_house_key(cells.get("house")) for _, cells in rows} - {""}
        found: dict[str, House] = {}
        for chunk in _chunks(sorted(wanted)):
            for house in House.objects.filter(site=self.site, number__in=chunk):
                found[house.number] = house
        return found

    # -- one row -----------------------------------------------------------------------------

    def _row(
        self,
        number: int,
        cells: dict[str, Any],
        houses: dict[str, House],
        enterprises: dict[str, Enterprise],
    ) -> _Row:
        row = _Row(number=number)
        try:
            row.name = services.clean_name(_text(cells.get("name")))
        except InvalidInput as exc:
            self.invalid(number, "name", exc)

        kind_text = _text(cells.get("kind"))
        row.kind = KIND_WORDS.get(kind_text, kind_text if kind_text in PersonKind.values else "")
        if not kind_text:
            self.error(number, "kind", "person.kind_empty", _("请填写身份"))
        elif not row.kind:
            self.error(
                number,
                "kind",
                "person.kind",
                _("身份“%(value)s”不正确，应为：业主、家属、租户、企业员工、物业员工、保安、其他")
                % {"value": kind_text[:20]},
            )

        self._id_number(row, cells.get("id_number"))
        phone = _text(cells.get("phone"))
        if phone:
            try:
                row.phone = parse_mobile(phone)
            except InvalidInput as exc:
                self.invalid(number, "phone", exc)
        self._house(row, cells.get("house"), houses)
        self._enterprise(row, cells.get("enterprise"), enterprises)
        self._card(row, cells)
        self._vehicle(row, cells)
        note = _text(cells.get("note"))
        if len(note) > _MAX_LENGTH["note"]:
            self.error(
                number,
                "note",
                "person.note_too_long",
                _("备注不能超过%(max)s个字") % {"max": _MAX_LENGTH["note"]},
            )
        row.note = note
        return row

    def _id_number(self, row: _Row, value: Any) -> None:
        if _is_blank(value):
            return
        if _is_number(value):
            self.error(
                row.number,
                "id_number",
                "id_number.format",
                _(
                    "身份证号被 Excel 存成了数字，后几位已经丢失。"
                    "请把“身份证号”列设置为“文本”格式，重新填写后再导入"
                ),
            )
            return
        try:
            row.id_number = parse_id_number(_text(value), today=self.today)
        except InvalidInput as exc:
            self.invalid(row.number, "id_number", exc)

    def _house(self, row: _Row, value: Any, houses: dict[str, House]) -> None:
        if _is_blank(value):
            return
        if isinstance(value, dt.date):
            self.error(
                row.number,
                "house",
                "house.format",
                _("房号被 Excel 识别成了日期。请把“房号”列设置为“文本”格式，重新填写后再导入"),
            )
            return
        key = _house_key(value)
        house = houses.get(key)
        if house is None:
            self.error(
                row.number,
                "house",
                "house.not_found",
                _("本场所没有房号“%(number)s”，请核对（格式：楼栋-单元-房号，如 3-2-1201）")
                % {"number": key[:40]},
            )
            return
        if row.kind and row.kind not in RELATION_OF_KIND:
            self.error(
                row.number,
                "house",
                "house.relation",
                _("只有身份为业主、家属或租户的人员可以填写房号"),
            )
            return
        row.house = house

    def _enterprise(self, row: _Row, value: Any, enterprises: dict[str, Enterprise]) -> None:
        name = _text(value)
        if not name:
            if row.kind == PersonKind.EMPLOYEE:
                self.error(
                    row.number,
                    "enterprise",
                    "person.enterprise_required",
                    _("身份为“企业员工”时必须填写所属企业"),
                )
            return
        row.enterprise = enterprises.get(_name_key(name))
        if row.enterprise is None:
            self.error(
                row.number,
                "enterprise",
                "enterprise.not_found",
                _("本场所没有名为“%(name)s”的企业，请先登记该企业或核对名称") % {"name": name[:60]},
            )

    def _card(self, row: _Row, cells: dict[str, Any]) -> None:
        kind_text = _text(cells.get("card_kind"))
        raw_number = cells.get("card_number")
        raw_until = cells.get("card_until")
        if _is_blank(raw_number):
            if kind_text:
                self.error(
                    row.number,
                    "card_number",
                    "card.number_required",
                    _("填写了卡类型，但没有填写卡号"),
                )
            if not _is_blank(raw_until):
                self.error(
                    row.number,
                    "card_number",
                    "card.number_required",
                    _("填写了卡有效期，但没有填写卡号"),
                )
            return
        if kind_text:
            row.card_kind = CARD_KIND_WORDS.get(kind_text, "")
            if not row.card_kind:
                self.error(
                    row.number,
                    "card_kind",
                    "credential.kind",
                    _("卡类型“%(value)s”不正确，应为：业主卡、停车卡、工牌")
                    % {"value": kind_text[:20]},
                )
        elif row.kind:
            row.card_kind = _DEFAULT_CARD_KIND.get(row.kind, "")
            if not row.card_kind:
                self.error(
                    row.number,
                    "card_kind",
                    "card.kind_required",
                    _("身份为“其他”的人员发卡时必须填写卡类型"),
                )
        self._card_number(row, raw_number)
        if not _is_blank(raw_until):
            until = _cell_date(raw_until)
            if until is None:
                self.error(
                    row.number,
                    "card_until",
                    "date.format",
                    _("日期格式不正确，请填写如 2027-12-31 的日期"),
                )
            elif until < self.today:
                self.error(
                    row.number,
                    "card_until",
                    "card.expired",
                    _("卡有效期至%(date)s，已经过期") % {"date": until.isoformat()},
                )
            else:
                # valid through the whole of that day, local time
                next_day = dt.datetime.combine(until + dt.timedelta(days=1), dt.time())
                row.card_until = timezone.make_aware(next_day, timezone.get_default_timezone())

    def _card_number(self, row: _Row, value: Any) -> None:
        if _is_number(value):
            digits = _text(value)
            # A number cell has lost any leading zeros: only a full 10-digit decimal or a
            # 14-digit UID made of digits is unambiguous.
            if not (digits.isdigit() and len(digits) in (10, 14)):
                self.error(
                    row.number,
                    "card_number",
                    "card.format",
                    _(
                        "卡号被 Excel 存成了数字，开头的0已经丢失，无法确定原来的卡号。"
                        "请把“卡号”列设置为“文本”格式，重新填写后再导入"
                    ),
                )
                return
            text = digits
        else:
            text = _text(value)
        try:
            row.card_number = parse_card_number(text)
        except InvalidInput as exc:
            self.invalid(row.number, "card_number", exc)

    def _vehicle(self, row: _Row, cells: dict[str, Any]) -> None:
        plate = _text(cells.get("plate"))
        row.brand = _text(cells.get("brand"))
        row.color = _text(cells.get("color"))
        for key, label in (("brand", _("车辆品牌")), ("color", _("车辆颜色"))):
            value = getattr(row, key)
            if len(value) > _MAX_LENGTH[key]:
                self.error(
                    row.number,
                    key,
                    f"vehicle.{key}_too_long",
                    _("%(label)s不能超过%(max)s个字") % {"label": label, "max": _MAX_LENGTH[key]},
                )
            if value and not plate:
                self.error(
                    row.number,
                    "plate",
                    "vehicle.plate_required",
                    _("填写了%(label)s，但没有填写车牌号") % {"label": label},
                )
        if plate:
            try:
                row.plate = parse_plate(plate)
            except InvalidInput as exc:
                self.invalid(row.number, "plate", exc)

    # -- duplicates: within the file and against the database ---------------------------------

    def _duplicates(self, rows: list[_Row]) -> None:
        id_rows = self._first_rows(
            rows,
            "id_number",
            lambda r: r.id_number,
            "import.duplicate_id_number",
            _("与第%(row)s行的身份证号重复"),
        )
        card_rows = self._first_rows(
            rows,
            "card_number",
            lambda r: r.card_number,
            "import.duplicate_card",
            _("与第%(row)s行的卡号重复"),
        )
        plate_rows = self._first_rows(
            rows,
            "plate",
            lambda r: r.plate.number if r.plate else "",
            "import.duplicate_plate",
            _("与第%(row)s行的车牌号重复"),
        )

        hashes = {lookup_hash("id", number): row for number, row in id_rows.items()}
        for chunk in _chunks(sorted(hashes)):
            registered = Person.objects.filter(site=self.site, id_number_hash__in=chunk)
            for digest in registered.values_list("id_number_hash", flat=True):
                self.error(
                    hashes[digest],
                    "id_number",
                    "person.duplicate_id_number",
                    _("该身份证号已在本场所登记"),
                )

        active = Credential.objects.filter(site=self.site, status=CredentialStatus.ACTIVE)
        for chunk in _chunks(sorted(card_rows)):
            for number in set(active.filter(number__in=chunk).values_list("number", flat=True)):
                self.error(
                    card_rows[number],
                    "card_number",
                    "credential.duplicate",
                    _("该卡号在本场所已有有效持有人，请先挂失或注销原卡"),
                )

        for chunk in _chunks(sorted(plate_rows)):
            taken = set(
                Vehicle.objects.filter(site=self.site, plate__in=chunk).values_list(
                    "plate", flat=True
                )
            )
            taken |= set(active.filter(number__in=chunk).values_list("number", flat=True))
            for plate in taken:
                self.error(
                    plate_rows[plate],
                    "plate",
                    "vehicle.duplicate_plate",
                    _("该车牌已在本场所登记"),
                )

    def _first_rows(
        self,
        rows: list[_Row],
        key: str,
        value_of: Callable[[_Row], str],
        code: str,
        message: str,
    ) -> dict[str, int]:
        """Canonical value → the first row holding it; later rows get a duplicate error."""
        first: dict[str, int] = {}
        for row in rows:
            value = value_of(row)
            if not value:
                continue
            if value in first:
                self.error(row.number, key, code, message % {"row": first[value]})
            else:
                first[value] = row.number
        return first


def _name_key(name: str) -> str:
    return "".join(_fold(name).split())


def _house_key(value: Any) -> str:
    text = "".join(_text(value).split())
    return re.sub(r"[‐‑‒–—―−]", "-", text)


def _chunks(values: list[str]) -> Iterator[list[str]]:
    for start in range(0, len(values), _QUERY_CHUNK):
        yield values[start : start + _QUERY_CHUNK]


def _sorted_and_capped(errors: list[RowError]) -> list[RowError]:
    errors = sorted(errors, key=lambda e: (e.row, _ORDER.get(e.column, len(_ORDER)), e.code))
    if len(errors) <= MAX_ERRORS:
        return errors
    shown = errors[: MAX_ERRORS - 1]
    shown.append(
        RowError(
            row=0,
            column="",
            code="import.too_many_errors",
            message=_("共有%(total)s处错误，只列出前%(shown)s处；请修改后重新导入")
            % {"total": len(errors), "shown": len(shown)},
        )
    )
    return shown


# --------------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------------


class _RowFailed(Exception):
    def __init__(self, error: RowError) -> None:
        super().__init__(error.code)
        self.error = error


class _DryRun(Exception):
    pass


_PERSON_FIELDS = {
    "name": "name",
    "kind": "kind",
    "id_number": "id_number",
    "phone": "phone",
    "enterprise": "enterprise",
}


@dataclass
class _Counts:
    people: int = 0
    credentials: int = 0
    vehicles: int = 0
    houses: int = 0


def _write_row(row: _Row, *, site: Site, actor: Actor, now: dt.datetime, counts: _Counts) -> None:
    def fail(key: str, exc: Exception) -> _RowFailed:
        if isinstance(exc, DomainError):
            code, message = exc.code, exc.message
        else:
            code = "import.conflict"
            message = _("写入时与其他人同时登记的数据冲突，本次导入已全部撤销，请重新导入")
        return _RowFailed(
            RowError(row=row.number, column=_BY_KEY[key].header, code=code, message=message)
        )

    try:
        person = services.person_create(
            site=site,
            actor=actor,
            name=row.name,
            kind=row.kind,
            id_number=row.id_number,
            phone=row.phone,
            enterprise=row.enterprise,
            note=row.note,
            now=now,
        )
    except (DomainError, IntegrityError) as exc:
        field_name = exc.details.get("field", "") if isinstance(exc, DomainError) else ""
        raise fail(_PERSON_FIELDS.get(field_name, "id_number"), exc) from exc
    counts.people += 1

    if row.house is not None:
        try:
            services.house_link(
                person=person,
                house=row.house,
                relation=RELATION_OF_KIND[row.kind],
                actor=actor,
                now=now,
            )
        except (DomainError, IntegrityError) as exc:
            raise fail("house", exc) from exc
        counts.houses += 1

    if row.card_number:
        try:
            services.credential_issue(
                site=site,
                actor=actor,
                kind=row.card_kind,
                number=row.card_number,
                person=person,
                valid_from=now,
                valid_until=row.card_until,
                now=now,
            )
        except (DomainError, IntegrityError) as exc:
            raise fail("card_number", exc) from exc
        counts.credentials += 1

    if row.plate is not None:
        try:
            vehicle = services.vehicle_register(
                site=site,
                actor=actor,
                plate=row.plate.number,
                owner=person,
                enterprise=row.enterprise,
                brand=row.brand,
                color=row.color,
                now=now,
            )
            counts.vehicles += 1
            services.credential_issue(
                site=site,
                actor=actor,
                kind=CredentialKind.PLATE,
                number=row.plate.number,
                person=person,
                vehicle=vehicle,
                valid_from=now,
                now=now,
            )
        except (DomainError, IntegrityError) as exc:
            raise fail("plate", exc) from exc
        counts.credentials += 1


def _write(
    rows: list[_Row], *, site: Site, actor: Actor, now: dt.datetime, file_name: str, dry_run: bool
) -> ImportResult:
    counts = _Counts()
    try:
        with transaction.atomic():
            for row in rows:
                _write_row(row, site=site, actor=actor, now=now, counts=counts)
            audit_record(
                action="people.import",
                actor=actor,
                site=site,
                object_type="sites.site",
                object_id=str(site.pk),
                after={
                    "file": file_name,
                    "rows": len(rows),
                    "created_people": counts.people,
                    "created_credentials": counts.credentials,
                    "created_vehicles": counts.vehicles,
                    "linked_houses": counts.houses,
                },
                at=now,
            )
            if dry_run:
                raise _DryRun
    except _RowFailed as failed:
        return _failure([failed.error])
    except _DryRun:
        pass
    return ImportResult(
        ok=True,
        errors=[],
        created_people=counts.people,
        created_credentials=counts.credentials,
        created_vehicles=counts.vehicles,
        linked_houses=counts.houses,
    )


def _failure(errors: list[RowError]) -> ImportResult:
    return ImportResult(
        ok=False,
        errors=_sorted_and_capped(errors),
        created_people=0,
        created_credentials=0,
        created_vehicles=0,
        linked_houses=0,
    )


def import_people_xlsx(
    *,
    site: Site,
    actor: Actor,
    file: IO[bytes],
    now: dt.datetime | None = None,
    dry_run: bool = False,
) -> ImportResult:
    """Import people, their house links, cards and vehicles from ``file`` (a binary .xlsx).

    Nothing is written unless every row is valid. With ``dry_run`` the rows are written and then
    rolled back, so the result (and any error) is exactly what a real import would give.
    """
    now = now or timezone.now()
    try:
        sheet = _read_sheet(file)
    except _Rejected as rejected:
        return _failure(rejected.errors)
    checker = _Checker(site=site, now=now)
    rows = checker.check(sheet)
    if checker.errors:
        return _failure(checker.errors)
    file_name = str(getattr(file, "name", "") or "").replace("\\", "/").rsplit("/", 1)[-1][:100]
    return _write(rows, site=site, actor=actor, now=now, file_name=file_name, dry_run=dry_run)


# --------------------------------------------------------------------------------------------
# The template
# --------------------------------------------------------------------------------------------

TEMPLATE_SHEET = "人员信息"
NOTES_SHEET = "说明"
TEMPLATE_ROWS = 2000  # rows that get drop-down lists in the template

_GENERAL_NOTES = (
    "1. 第一行是表头，请不要修改列名；带*的列必须填写。列的顺序可以调整，用不到的选填列可以删除。",
    "2. 每行登记一个人，可以同时登记一张门禁卡和一辆车。",
    "3. 导入时会先检查所有行：只要有一处错误，整个文件都不会导入。"
    "请按提示的行号、列名修改后重新导入。",
    "4. 一个文件最多5000行数据，文件大小不超过5 MB；空行会被跳过。",
    "5. 第2行是示例，导入前请删除或改成真实信息。",
    "6. 身份证号、手机号、房号、卡号请使用“文本”格式，否则 Excel 可能丢失数字或把房号变成日期。",
)


def _example_row(today: dt.date) -> dict[str, Any]:
    return {
        "name": "王小明",
        "kind": "业主",
        "id_number": "110101199003071233",
        "phone": "13700001234",
        "house": "1-1-101",
        "enterprise": "",
        "card_kind": "业主卡",
        "card_number": "00A1B2C3",
        "card_until": dt.date(today.year + 1, 12, 31),
        "plate": "京AD12345",
        "brand": "比亚迪 秦",
        "color": "白色",
        "note": "示例，导入前请删除此行",
    }


def template_workbook() -> bytes:
    """A template .xlsx: styled header, one example row, drop-downs, and a 说明 sheet."""
    workbook = Workbook()
    sheet = workbook.worksheets[0]
    sheet.title = TEMPLATE_SHEET
    thin = Side(style="thin", color="B7B7B7")
    header_font = Font(bold=True, color="FFFFFF")
    required_fill = PatternFill("solid", fgColor="C0392B")
    optional_fill = PatternFill("solid", fgColor="2E5C8A")
    example = _example_row(timezone.localdate())

    for index, column in enumerate(COLUMNS, start=1):
        letter = get_column_letter(index)
        cell = sheet.cell(
            row=1, column=index, value=column.header + ("*" if column.required else "")
        )
        cell.font = header_font
        cell.fill = required_fill if column.required else optional_fill
        cell.alignment = Alignment(horizontal="center", vertical="center")
        cell.border = Border(left=thin, right=thin, top=thin, bottom=thin)
        dimension = sheet.column_dimensions[letter]
        dimension.width = column.width
        value = example[column.key]
        example_cell = sheet.cell(row=2, column=index, value=value or None)
        example_cell.font = Font(color="808080", italic=True)
        if column.text:
            dimension.number_format = "@"
            example_cell.number_format = "@"
        elif column.key == "card_until":
            dimension.number_format = "yyyy-mm-dd"
            example_cell.number_format = "yyyy-mm-dd"
    sheet.row_dimensions[1].height = 22
    sheet.freeze_panes = "A2"

    for key, words in (("kind", KIND_WORDS), ("card_kind", CARD_KIND_WORDS)):
        letter = get_column_letter(list(_BY_KEY).index(key) + 1)
        validation = DataValidation(
            type="list",
            formula1='"' + ",".join(words) + '"',
            allow_blank=True,
            showErrorMessage=True,
            errorTitle="输入有误",
            error="请从下拉列表中选择：" + "、".join(words),
        )
        validation.add(f"{letter}2:{letter}{TEMPLATE_ROWS + 1}")
        sheet.add_data_validation(validation)

    notes = workbook.create_sheet(NOTES_SHEET)
    notes.column_dimensions["A"].width = 14
    notes.column_dimensions["B"].width = 10
    notes.column_dimensions["C"].width = 90
    notes.cell(row=1, column=1, value="批量导入人员说明").font = Font(bold=True, size=14)
    line = 2
    for text in _GENERAL_NOTES:
        notes.cell(row=line, column=1, value=text)
        line += 1
    line += 1
    for index, title in enumerate(("列名", "是否必填", "填写说明"), start=1):
        cell = notes.cell(row=line, column=index, value=title)
        cell.font = header_font
        cell.fill = optional_fill
    for column in COLUMNS:
        line += 1
        notes.cell(row=line, column=1, value=column.header).font = Font(bold=True)
        notes.cell(row=line, column=2, value="必填" if column.required else "选填")
        note = notes.cell(row=line, column=3, value=column.note)
        note.alignment = Alignment(wrap_text=True, vertical="top")

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
