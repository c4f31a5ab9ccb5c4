"""One way to export any list: XLSX (what offices open) or CSV (UTF-8 with BOM so Excel reads ư ơ đ)."""

import csv
import io

from django.http import HttpResponse
from django.utils.functional import Promise
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


FORMULA_STARTS = ("=", "+", "@", "-")


def _looks_like_formula(value) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS) and not _is_number(value)


def _inert(value):
    """Text that Excel would run as a formula ("=HYPERLINK(…)" typed into an address) is written as text:
    in a CSV with a leading apostrophe, the one marker a spreadsheet opening a CSV respects."""
    if _looks_like_formula(value):
        return "'" + value
    return value


def _is_number(text: str) -> bool:
    try:
        float(text.replace(",", "."))
    except ValueError:
        return False
    return True


class _InertWriter:
    def __init__(self, writer):
        self._writer = writer

    def writerow(self, row):
        return self._writer.writerow([_inert(v) for v in row])

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)


def csv_writer(buf, **kwargs) -> _InertWriter:
    """The one CSV writer of the product: csv.writer whose cells never start a formula."""
    return _InertWriter(csv.writer(buf, **kwargs))


def xlsx_row(sheet, values) -> list:
    """The cells of one XLSX row, for `sheet.append` (normal or write-only sheets alike): what would start
    a formula is kept as it is, but as text marked "quoted" — Excel shows it unchanged and never runs it,
    not even when the cell is edited, and reading the file back gives the same text."""
    row = []
    for value in values:
        if isinstance(value, Promise):  # a translated label: openpyxl takes only real strings
            value = str(value)
        if isinstance(value, str):  # control characters (an uploaded cell's "\x1b") are not allowed in XLSX
            value = ILLEGAL_CHARACTERS_RE.sub("", value)
        if _looks_like_formula(value):
            cell = WriteOnlyCell(sheet, value)
            cell.data_type = "s"
            cell.quotePrefix = True
            row.append(cell)
        else:
            row.append(value)
    return row


def append_row(sheet, values) -> None:
    """Every row the product writes to an XLSX goes through here (see `xlsx_row`)."""
    sheet.append(xlsx_row(sheet, list(values)))


def table_response(fmt: str, filename: str, headers: list[str], rows, title: str = "") -> HttpResponse:
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv_writer(buf)
        writer.writerow(headers)
        writer.writerows(rows)
        response = HttpResponse("\ufeff" + buf.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
        return response
    data = xlsx_workbook([(title or "Danh sach", headers, rows)])
    response = HttpResponse(data, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response


def xlsx_workbook(sheets) -> bytes:
    """An XLSX file of one or more (title, headers, rows) sheets: bold header row, fitted widths, frozen
    header; text that looks like a formula stays text. What list exports and report tables both use."""
    wb = Workbook()
    wb.remove(wb.active)
    for title, headers, rows in sheets:
        ws = wb.create_sheet((title or "Danh sach")[:31])
        append_row(ws, headers)
        for cell in ws[1]:
            cell.font = Font(bold=True)
        widths = [len(str(h)) for h in headers]
        for row in rows:
            append_row(ws, row)
            for i, value in enumerate(row):
                if i < len(widths):
                    widths[i] = min(60, max(widths[i], len(str(value or ""))))
        for i, width in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(i)].width = width + 2
        ws.freeze_panes = "A2"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
