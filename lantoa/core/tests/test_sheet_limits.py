"""Sheets are bounded before they are laid out in memory, and every cell the product writes stays inert."""

import csv
import io
import multiprocessing
import resource
import zipfile

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from lantoa.core.exports import append_row, csv_writer, table_response, xlsx_workbook
from lantoa.core.sheets import TABLE_LIMITS, SheetError, SheetLimits, read_table, xlsx_extent


def far_cell_workbook(far: str = "XFD1048576") -> bytes:
    """5 KB on disk: one cell at A1 and one at the last cell Excel has (a 512 GiB grid for calamine)."""
    book = openpyxl.Workbook()
    book.active["A1"] = "Họ và tên"
    book.active[far] = "x"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _read_in_child(data: bytes, queue) -> None:
    # Bounded: without the check the read aborts this child, not the test process.
    resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30))
    try:
        read_table(data, "ds.xlsx")
    except SheetError as exc:
        queue.put(("refused", str(exc)))
    else:
        queue.put(("read", ""))


def test_a_cell_at_the_far_corner_is_refused_before_it_is_laid_out():
    data = far_cell_workbook()
    assert len(data) < 10_000
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    child = ctx.Process(target=_read_in_child, args=(data, queue))
    child.start()
    child.join(60)
    assert child.exitcode == 0, "the read crashed the process"
    outcome, message = queue.get(timeout=5)
    assert outcome == "refused"
    assert "100.000" in message and "200" in message  # the limits are named


def test_extent_is_the_furthest_cell_holding_something():
    book = openpyxl.Workbook()
    sheet = book.active
    for i in range(40):
        sheet.append([f"n{i}", i, None, f"Ấp {i}"])
    sheet["Z900"].style = "Good"  # formatting only: calamine leaves it out, and so does the count
    out = io.BytesIO()
    book.save(out)
    assert xlsx_extent(io.BytesIO(out.getvalue()), TABLE_LIMITS) == (40, 4)
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(out.getvalue())).get_sheet_by_index(0)
    assert (sheet.height, sheet.width) == (40, 4)


@pytest.mark.parametrize("chunk", [1, 2, 3, 7, 64])
def test_extent_does_not_depend_on_where_the_stream_is_cut(monkeypatch, chunk):
    import lantoa.core.sheets as sheets

    monkeypatch.setattr(sheets, "_CHUNK", chunk)
    book = openpyxl.Workbook()
    book.active["C5"] = "x"
    book.active["Z90"].style = "Good"
    out = io.BytesIO()
    book.save(out)
    assert xlsx_extent(io.BytesIO(out.getvalue()), TABLE_LIMITS) == (5, 3)
    with pytest.raises(SheetError):
        xlsx_extent(io.BytesIO(far_cell_workbook()), TABLE_LIMITS)


def test_cells_without_an_address_count_from_the_row():
    sheet_xml = (
        b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<sheetData><row r="3">' + b'<c t="inlineStr"><is><t>a</t></is></c>' * 300 + b"</row></sheetData></worksheet>"
    )
    data = _replace_part(far_cell_workbook("A2"), "xl/worksheets/sheet1.xml", sheet_xml)
    with pytest.raises(SheetError):
        xlsx_extent(io.BytesIO(data), TABLE_LIMITS)
    assert xlsx_extent(io.BytesIO(data), SheetLimits(rows=10, columns=300, cells=10_000, xml_bytes=1 << 20)) == (3, 300)


def test_an_inflated_part_beyond_the_limit_is_refused():
    data = far_cell_workbook("B2")
    with pytest.raises(SheetError):
        xlsx_extent(io.BytesIO(data), SheetLimits(rows=10, columns=10, cells=100, xml_bytes=100))


def _replace_part(data: bytes, name: str, content: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.namelist():
            dst.writestr(item, content if item == name else src.read(item))
    return out.getvalue()


def test_a_csv_too_wide_or_too_long_is_refused():
    with pytest.raises(SheetError):
        read_table(("a," * 300 + "\n").encode(), "x.csv")
    with pytest.raises(SheetError):
        read_table(b"a\n" * 10, "x.csv", SheetLimits(rows=5, columns=5, cells=25, xml_bytes=1))
    assert len(read_table(b"a\n" * 5, "x.csv", SheetLimits(rows=5, columns=5, cells=25, xml_bytes=1))) == 5


def test_old_formats_calamine_would_lay_out_unchecked_are_refused():
    with pytest.raises(SheetError):
        read_table(b"\xd0\xcf\x11\xe0" + b"\x00" * 100, "cu.xls")
    with pytest.raises(SheetError):
        read_table(b"PK\x03\x04", "bang.ods")


# ----- writing: no cell starts a formula -------------------------------------------------------------------

DANGEROUS = ['=HYPERLINK("http://x","y")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)"]


def test_xlsx_cells_that_would_start_a_formula_stay_text():
    data = xlsx_workbook([("T", DANGEROUS, [DANGEROUS, ["+84912345678", "-5", "ok", 3]])])
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book.active
    for row in (1, 2):
        for col, text in enumerate(DANGEROUS, start=1):
            cell = sheet.cell(row, col)
            assert cell.data_type == "s" and cell.value == text and cell.quotePrefix
    assert [c.value for c in sheet[3]] == ["+84912345678", "-5", "ok", 3]
    assert not sheet["A3"].quotePrefix  # a number written as text is left alone
    # what a reader gets back is the text itself, not a formula's result
    read = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()
    assert read[1][:4] == DANGEROUS


def test_write_only_sheets_go_through_the_same_cells():
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("x")
    append_row(sheet, DANGEROUS)
    out = io.BytesIO()
    book.save(out)
    xml = zipfile.ZipFile(out).read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in xml
    assert CalamineWorkbook.from_filelike(io.BytesIO(out.getvalue())).get_sheet_by_index(0).to_python() == [DANGEROUS]


def test_csv_cells_that_would_start_a_formula_are_quoted():
    buf = io.StringIO()
    csv_writer(buf).writerows([DANGEROUS, ["+84912345678", "-5", "ok"]])
    rows = list(csv.reader(io.StringIO(buf.getvalue())))
    assert rows[0] == ["'" + t for t in DANGEROUS]
    assert rows[1] == ["+84912345678", "-5", "ok"]
    response = table_response("csv", "x", DANGEROUS, [DANGEROUS])
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows == [["'" + t for t in DANGEROUS]] * 2


def test_control_characters_of_an_uploaded_cell_do_not_break_the_xlsx():
    # found by the import fuzz test: "\x1b" in a rejected cell made the error sheet fail with a 500-like error
    data = xlsx_workbook([("T", ["a"], [["x\x1by\x00"]])])
    assert CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()[1] == ["xy"]
