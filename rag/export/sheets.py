"""Spreadsheets the app writes hold data only: no cell is ever a formula.

openpyxl takes any string that starts with "=" for a formula, and Excel and WPS evaluate what
starts with "+", "-" or "@" as well; a tab or a CR at the start is the other half of the same
trick (CSV/TSV injection). Such a string from a user's table (a community named
`=HYPERLINK(…)社区`) is written as a plain string cell with Excel's quote prefix, so the
spreadsheet shows exactly what was typed and never runs it.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def is_formula_like(value: object) -> bool:
    """Whether a spreadsheet program would take this value for a formula."""
    return isinstance(value, str) and value.startswith(FORMULA_START)


def put_row(sheet, values: Sequence) -> None:
    """Append a row; a formula-like string stays text (string type, quote prefix)."""
    sheet.append([None if is_formula_like(v) else v for v in values])
    row = sheet.max_row
    for column, value in enumerate(values, 1):
        if is_formula_like(value):
            cell = sheet.cell(row=row, column=column)
            cell.value = value
            cell.data_type = "s"  # after the value: assigning "=…" sets type "f"
            cell.quotePrefix = True


def workbook_bytes(
    title: str, header: Sequence[str], rows: Iterable[Sequence], width=None
) -> bytes:
    """One sheet: a bold header and the rows, as data only."""
    import openpyxl
    from openpyxl.styles import Font

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    put_row(sheet, header)
    for row in rows:
        put_row(sheet, row)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    if width:
        for column in sheet.columns:
            sheet.column_dimensions[column[0].column_letter].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
