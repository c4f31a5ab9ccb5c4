"""Reading the spreadsheets offices keep (XLSX via calamine, CSV in UTF-8 or Windows-1258)."""

import csv
import io
import re
import unicodedata

from django.utils.translation import gettext as _
from python_calamine import CalamineWorkbook

from lantoa.core.text import nfc, search_key


class SheetError(ValueError):
    pass


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "strftime"):
        return value.strftime("%d/%m/%Y")
    return nfc(str(value))


def read_table(data: bytes, filename: str) -> list[list[str]]:
    """All rows of the first sheet as NFC text; dates as dd/mm/yyyy, whole floats without '.0'."""
    name = filename.lower()
    if name.endswith((".xlsx", ".xlsm", ".xls", ".ods")):
        try:
            book = CalamineWorkbook.from_filelike(io.BytesIO(data))
            rows = book.get_sheet_by_index(0).to_python(skip_empty_area=False)
        except Exception as exc:
            raise SheetError(_("The spreadsheet cannot be read: %(error)s") % {"error": exc}) from None
        return [[_cell(c) for c in row] for row in rows]
    if name.endswith((".csv", ".txt")):
        for encoding in ("utf-8-sig", "cp1258"):
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise SheetError(_("The CSV file cannot be read: its encoding is neither UTF-8 nor Windows-1258"))
        text = unicodedata.normalize("NFC", text)
        try:
            dialect = csv.Sniffer().sniff(text[:2048], delimiters=",;\t")
        except csv.Error:  # one column, or nothing to tell the separator by
            dialect = csv.excel
        return [[nfc(c) for c in row] for row in csv.reader(io.StringIO(text), dialect)]
    raise SheetError(_("Only .xlsx or .csv files are accepted."))


def find_header(
    rows: list[list[str]], required: dict[str, list[str]], optional: dict[str, list[str]] | None = None
) -> tuple[int, dict[str, int]]:
    """Locate the header row (title blocks above it are skipped) and map each field to its column.

    `required` maps a field to the accepted header texts (compared accent- and case-insensitively).
    """
    wanted = {f: {search_key(h) for h in heads} for f, heads in required.items()}
    for index, row in enumerate(rows[:30]):
        keys = [search_key(c) for c in row]
        mapping = {}
        for f, heads in wanted.items():
            for col, key in enumerate(keys):
                if key in heads:
                    mapping[f] = col
                    break
        if len(mapping) == len(required):
            for f, heads in (optional or {}).items():
                keyset = {search_key(h) for h in heads}
                for col, key in enumerate(keys):
                    if key in keyset:
                        mapping[f] = col
                        break
            return index, mapping
    names = "; ".join(heads[0] for heads in required.values())
    raise SheetError(_("No header row with all these columns was found: %(names)s") % {"names": names})


_NUMBERING = re.compile(r"^\(?\s*\d{1,3}\s*\)?$|^[A-Z]$")


def data_rows(rows: list[list[str]], header_index: int):
    """(row number as Excel shows it, cells) of the data under the header: blank rows and the
    "(1) (2) (3)…" numbering row of official forms are skipped; a "Tổng cộng" row ends the data."""
    for number, row in enumerate(rows[header_index + 1 :], start=header_index + 2):
        cells = [c for c in row if c.strip()]
        if not cells:
            continue
        if all(_NUMBERING.match(c.strip()) for c in cells) and len(cells) > 1:
            continue
        if any(search_key(c) in ("tong cong", "cong") for c in cells[:3]):
            break
        yield number, row
