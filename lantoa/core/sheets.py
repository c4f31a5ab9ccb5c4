"""Reading the spreadsheets offices keep (XLSX via calamine, CSV in UTF-8 or Windows-1258)."""

import csv
import io
import posixpath
import re
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass

from django.utils.translation import gettext as _
from python_calamine import CalamineWorkbook

from lantoa.core.text import format_number, nfc, search_key


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


# ----- bounds: what a sheet would cost before calamine materialises it ------------------------------------
#
# calamine lays the first sheet out as a dense rows × columns grid: one cell at A1 and one at XFD1048576 is
# a 512 GiB allocation that aborts the process. Before handing a workbook to it, its first sheet's XML is
# streamed once (constant memory) to find the furthest cell that holds something, and the parts calamine
# inflates are counted, so an absurd file is refused with a message instead.


@dataclass(frozen=True)
class SheetLimits:
    rows: int
    columns: int
    cells: int  # rows × columns of the grid calamine builds (about 32 bytes each)
    xml_bytes: int  # the sheet, shared strings and styles once inflated


# The small sheets read in the request (plan targets, hamlets, opt-out lists).
TABLE_LIMITS = SheetLimits(rows=100_000, columns=200, cells=2_000_000, xml_bytes=256 * 1024 * 1024)

_CHUNK = 1 << 20
_TAIL_MAX = 4 << 20  # a run this long without ">" is no sheet Excel writes (a cell holds 32,767 characters)
_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(row|c)(?=[\s/>])([^>]*)>(\s*</(?:[A-Za-z_][\w.-]*:)?c>)?")
_REF_ATTR = re.compile(rb"""(?:^|\s)r\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_CELL_REF = re.compile(rb"^\$?([A-Z]{1,3})\$?([0-9]{1,7})$")
_SHEET = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?sheet\b([^>]*)>")
_RID = re.compile(rb"""(?:^|\s)[\w.-]*:?id\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_RELATION = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?Relationship\b([^>]*)>")


def _attr(pattern: re.Pattern, text: bytes) -> bytes | None:
    m = pattern.search(text)
    if not m:
        return None
    return m.group(1) if m.group(1) is not None else m.group(2)


def _plain_attr(name: bytes, text: bytes) -> bytes | None:
    m = re.search(rb"(?:^|\s)" + re.escape(name) + rb"""\s*=\s*(?:"([^"]*)"|'([^']*)')""", text)
    if not m:
        return None
    return m.group(1) if m.group(1) is not None else m.group(2)


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ch - 64)
    return n


def _read_small(book: zipfile.ZipFile, name: str, limit: int = 16 * 1024 * 1024) -> bytes:
    with book.open(name) as fh:
        data = fh.read(limit + 1)
    if len(data) > limit:
        raise SheetError(_("The spreadsheet cannot be read: its workbook part is too large."))
    return data


def _first_sheet_part(book: zipfile.ZipFile) -> str:
    """The part calamine reads as the first sheet: the first <sheet> of the workbook, through its relation."""
    names = set(book.namelist())
    workbook = _read_small(book, "xl/workbook.xml")
    first = _SHEET.search(workbook)
    rid = _attr(_RID, first.group(1)) if first else None
    if rid and "xl/_rels/workbook.xml.rels" in names:
        for m in _RELATION.finditer(_read_small(book, "xl/_rels/workbook.xml.rels")):
            if _plain_attr(b"Id", m.group(1)) == rid:
                target = (_plain_attr(b"Target", m.group(1)) or b"").decode("utf-8", "replace")
                if target.startswith("/"):
                    path = target[1:]
                elif target.startswith("xl/"):
                    path = target
                else:
                    path = posixpath.normpath(posixpath.join("xl", target))
                if path in names:
                    return path
    raise SheetError(_("The spreadsheet cannot be read: its first sheet was not found."))


def _too_big(limits: SheetLimits) -> SheetError:
    return SheetError(
        _(
            "The spreadsheet is too large to read: at most %(rows)s rows, %(columns)s columns and "
            "%(cells)s cells in all can be read. Delete what is not part of the list (cells far to the "
            "right or below it) or split the list into several files."
        )
        % {
            "rows": format_number(limits.rows),
            "columns": format_number(limits.columns),
            "cells": format_number(limits.cells),
        }
    )


class _Extent:
    """The furthest cell holding something, as the sheet's tags go by (row and column numbers from 1)."""

    def __init__(self, limits: SheetLimits):
        self.limits = limits
        self.row = self.col = self.last_row = self.last_col = 0

    def read(self, buf: bytes, end: int) -> None:
        limits = self.limits
        for m in _TAG.finditer(buf, 0, end):
            attrs = m.group(2)
            ref = _attr(_REF_ATTR, attrs)
            if m.group(1) == b"row":
                if ref is not None and not ref.isdigit():
                    raise SheetError(_("The spreadsheet cannot be read: a row number is not a number."))
                self.row = int(ref) if ref else self.row + 1
                self.col = 0
                continue
            if ref is not None:
                cell = _CELL_REF.match(ref)
                if not cell:
                    raise SheetError(_("The spreadsheet cannot be read: a cell address is not valid."))
                self.col, self.row = _column_number(cell.group(1)), int(cell.group(2))
            else:
                self.col += 1
            if attrs.rstrip().endswith(b"/") or m.group(3):
                continue  # an empty cell (formatting only): calamine leaves it out
            self.last_row, self.last_col = max(self.last_row, self.row), max(self.last_col, self.col)
            if (
                self.last_row > limits.rows
                or self.last_col > limits.columns
                or self.last_row * self.last_col > limits.cells
            ):
                raise _too_big(limits)


def xlsx_extent(stream, limits: SheetLimits) -> tuple[int, int]:
    """(last row, last column) holding something in the first sheet of an XLSX; SheetError when the sheet or
    its inflated parts exceed `limits`. Reads the XML as a stream: memory stays flat whatever the file says."""
    stream.seek(0)
    try:
        book = zipfile.ZipFile(stream)
        part = _first_sheet_part(book)
        inflated = 0
        for name in (part, "xl/sharedStrings.xml", "xl/styles.xml"):
            try:
                info = book.getinfo(name)
            except KeyError:
                continue
            if info.file_size > limits.xml_bytes:
                raise _too_big(limits)
            inflated += info.file_size
        if inflated > limits.xml_bytes:
            raise _too_big(limits)
        extent = _Extent(limits)
        with book.open(part) as fh:
            tail = b""
            while chunk := fh.read(_CHUNK):
                buf = tail + chunk
                # Keep the last tag for the next chunk, with the closing tags before it, so that a cell
                # and its "</c>" are always read together.
                cut = max(buf.rfind(b"<"), 0)
                while cut and (buf.startswith(b"</", cut) or cut + 1 == len(buf)):
                    cut = max(buf.rfind(b"<", 0, cut), 0)
                tail = buf[cut:]
                if len(tail) > _TAIL_MAX:
                    raise _too_big(limits)
                extent.read(buf, cut)
            extent.read(tail, len(tail))
    except SheetError:
        raise
    except (
        zipfile.BadZipFile,
        KeyError,
        OSError,
        ValueError,
        EOFError,
        RuntimeError,
        NotImplementedError,
        zlib.error,
    ) as exc:
        raise SheetError(_("The spreadsheet cannot be read: %(error)s") % {"error": exc}) from None
    finally:
        stream.seek(0)
    return extent.last_row, extent.last_col


def read_table(data: bytes, filename: str, limits: SheetLimits = TABLE_LIMITS) -> list[list[str]]:
    """All rows of the first sheet as NFC text; dates as dd/mm/yyyy, whole floats without '.0'.
    A sheet beyond `limits` is refused before it is laid out in memory."""
    name = filename.lower()
    if name.endswith((".xlsx", ".xlsm")):
        xlsx_extent(io.BytesIO(data), limits)
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
        rows = []
        for row in csv.reader(io.StringIO(text), dialect):
            if len(rows) >= limits.rows or len(row) > limits.columns:
                raise _too_big(limits)
            rows.append([nfc(c) for c in row])
        return rows
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
