"""One way to export any list: XLSX (what offices open) or CSV (UTF-8 with BOM so Excel reads ư ơ đ)."""

import csv
import io

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


FORMULA_STARTS = ("=", "+", "@", "-")


def _inert(value):
    """Text that Excel would run as a formula ("=HYPERLINK(…)" typed into an address) is written as text."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not _is_number(value):
        return "'" + value
    return value


def _is_number(text: str) -> bool:
    try:
        float(text.replace(",", "."))
    except ValueError:
        return False
    return True


def table_response(fmt: str, filename: str, headers: list[str], rows, title: str = "") -> HttpResponse:
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf)
        writer.writerow(headers)
        writer.writerows([_inert(v) for v in row] for row in rows)
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
        ws.append(list(headers))
        for cell in ws[1]:
            cell.font = Font(bold=True)
        widths = [len(str(h)) for h in headers]
        for row in rows:
            ws.append(list(row))
            for cell, value in zip(ws[ws.max_row], row, strict=False):
                if isinstance(value, str) and value.startswith("="):
                    cell.value, cell.data_type = value, "s"  # a string, never a formula
            for i, value in enumerate(row):
                if i < len(widths):
                    widths[i] = min(60, max(widths[i], len(str(value or ""))))
        for i, width in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(i)].width = width + 2
        ws.freeze_panes = "A2"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
