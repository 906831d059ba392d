"""A street office's table of communities (.xlsx or .csv, as Excel and WPS save it): one row
per community, one column per profile field, any other column a fact (列名 = 事项, cell =
count). Each row is validated on its own: a bad row is reported with its number and field, in
Chinese, and does not stop the others."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from rag.errors import InputFileError
from rag.export.sheets import workbook_bytes
from rag.library.loaders import MAX_FILE_BYTES, check_zip, decode_bytes
from rag.plan.profile import FIELD_LABELS, Profile, make_profile, profile_errors
from rag.plan.topics import match_topic

TABLE_SUFFIXES = (".xlsx", ".csv")
MAX_ROWS = 500
# The column names each profile field is known by (the form's labels first).
COLUMNS: dict[str, tuple[str, ...]] = {
    "community": ("社区名称", "社区", "community"),
    "parent": ("上级单位", "所属街道", "街道", "parent"),
    "year": ("年度", "年份", "year"),
    "topic": ("计划类型", "类型", "topic"),
    "community_type": ("社区类型", "community_type"),
    "households": ("户数", "住户数", "households"),
    "population": ("人口数", "人口", "常住人口", "population"),
    "priorities": ("工作重点", "重点工作", "priorities"),
    "notes": ("补充说明", "备注", "notes"),
    "author": ("落款单位", "author"),
    "date": ("落款日期", "date"),
}
_BY_NAME = {name: key for key, names in COLUMNS.items() for name in names}
TEMPLATE_HEADER = [names[0] for names in COLUMNS.values()] + ["退役军人", "优抚对象"]
TEMPLATE_EXAMPLE = [
    "阳光社区",
    "杭州市西湖区北山街道",
    2027,
    "双拥",
    "老城区",
    2860,
    7400,
    "退役军人服务站规范化建设、征兵宣传进小区",
    "辖区老年人较多",
    "",
    "2027年1月8日",
    126,
    38,
]


@dataclass
class TableRow:
    """One row of the table: its number as the spreadsheet shows it, the profile data read
    from it, and either the profile or what is wrong with it."""

    number: int
    data: dict
    profile: Profile | None = None
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # e.g. how a loosely typed plan type was read

    @property
    def community(self) -> str:
        return str(self.data.get("community") or "").strip()


def _cell(value) -> str:
    """A cell as text: 126.0 → "126", a date cell → 2027年1月8日."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date):
        return f"{value.year}年{value.month}月{value.day}日"
    return str(value).strip()


def _xlsx_rows(data: bytes, name: str) -> list[list[str]]:
    if not data.startswith(b"PK\x03\x04"):
        raise InputFileError(
            f"{name}不是有效的 .xlsx 文件：请用 Excel 或 WPS 另存为 .xlsx 或 .csv。"
        )
    try:
        zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, ValueError, EOFError) as e:
        raise InputFileError(f"{name}已损坏，无法读取：请用 Excel 或 WPS 另存后重试。") from e
    check_zip(data, name)  # the same zip-bomb guard as a .docx
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = book.worksheets[0]
        rows = [[_cell(v) for v in row] for row in sheet.iter_rows(values_only=True)]
        book.close()
    except Exception as e:  # openpyxl raises many kinds for a broken workbook
        raise InputFileError(
            f"{name}无法作为 Excel 表格读取（{type(e).__name__}）：请用 Excel 或 WPS 另存为 .xlsx 或 .csv。"
        ) from e
    return rows


def _csv_rows(data: bytes, name: str) -> list[list[str]]:
    text = decode_bytes(data, name)  # UTF-8 (with or without BOM), else GBK/GB18030
    return [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text))]


def read_table(data: bytes, filename: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """(header, [(row number, cells)]) of a table file; empty rows skipped."""
    suffix = Path(filename).suffix.lower()
    name = f"“{Path(filename).name}”"
    if suffix not in TABLE_SUFFIXES:
        raise InputFileError(f"不支持{name}的文件类型：请使用 .xlsx 或 .csv 表格。")
    if not data:
        raise InputFileError(f"{name}是空文件。")
    if len(data) > MAX_FILE_BYTES:
        raise InputFileError(f"{name}太大（超过 {MAX_FILE_BYTES // 1024 // 1024} MB）。")
    rows = _xlsx_rows(data, name) if suffix == ".xlsx" else _csv_rows(data, name)
    numbered = [(n, row) for n, row in enumerate(rows, 1) if any(c for c in row)]
    if not numbered:
        raise InputFileError(f"{name}中没有内容。")
    (_, header), body = numbered[0], numbered[1:]
    if not body:
        raise InputFileError(f"{name}只有表头，没有社区：请每个社区填写一行。")
    if len(body) > MAX_ROWS:
        raise InputFileError(f"{name}有 {len(body)} 行，一次最多 {MAX_ROWS} 个社区。")
    header = [h.strip().strip("*＊").strip() for h in header]
    if "community" not in {_BY_NAME.get(h) for h in header}:
        raise InputFileError(f"{name}的表头中没有“社区名称”一列：请使用下载的模板。")
    return header, body


def _row_data(header: list[str], cells: list[str]) -> dict:
    data: dict = {"facts": {}}
    for column, value in zip(header, cells, strict=False):
        if not column or not value:
            continue
        key = _BY_NAME.get(column)
        if key == "priorities":
            data[key] = [p for p in re.split(r"[、；;\n]+", value) if p.strip()]
        elif key:
            data[key] = value
        else:
            data["facts"][column] = value
    return data


def table_rows(
    data: bytes, filename: str, *, topic: str | None = None, year: int | None = None
) -> list[TableRow]:
    """Every row of a table, validated; topic and year, when given, apply to every row."""
    header, body = read_table(data, filename)
    rows, seen = [], {}
    for number, cells in body:
        values = _row_data(header, cells)
        if topic:
            values["topic"] = topic
        if year:
            values["year"] = year
        row = TableRow(number, values)
        errors = profile_errors(values)
        row.errors = [f"第{number}行 {message}" for message in errors.values()]
        if row.community and row.community in seen:
            label = FIELD_LABELS["community"]
            row.errors.append(f"第{number}行 {label}：与第{seen[row.community]}行重复")
        seen.setdefault(row.community, number)
        if not row.errors:
            row.profile = make_profile(values)
            typed = str(values.get("topic") or "")
            if (match := match_topic(typed)) and (note := match.note(typed)):
                row.notes.append(f"第{number}行 {note}")
        rows.append(row)
    return rows


def template_bytes() -> bytes:
    """The table template: a header row and one example community."""
    return workbook_bytes("社区信息", TEMPLATE_HEADER, [TEMPLATE_EXAMPLE], width=16)
