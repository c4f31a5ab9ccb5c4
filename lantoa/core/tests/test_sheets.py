"""Reading office spreadsheets: XLSX with title blocks, CSV in UTF-8 (BOM) and Windows-1258."""

import datetime as dt
import io
import unicodedata

import openpyxl
import pytest
from django.utils import translation

from lantoa.core.sheets import SheetError, find_header, read_table
from lantoa.core.text import normalize_phone


@pytest.fixture(autouse=True, scope="module")
def vietnamese():
    """Messages are checked in Vietnamese, whatever language an earlier test left active."""
    with translation.override("vi"):
        yield


REQUIRED = {
    "name": ["Họ và tên", "Họ tên"],
    "phone": ["Số điện thoại", "Điện thoại", "SĐT"],
}
OPTIONAL = {"birth": ["Ngày sinh"], "note": ["Ghi chú"]}

TONE_MARKS = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def cp1258_bytes(text: str) -> bytes:
    """Text as Windows-1258 writes it: â ê ô ă ơ ư precomposed, the tone mark as a combining character."""
    out = []
    for ch in unicodedata.normalize("NFC", text):
        parts = unicodedata.normalize("NFD", ch)
        tones = "".join(c for c in parts if c in TONE_MARKS)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in TONE_MARKS))
        try:
            out.append((ch).encode("cp1258"))
        except UnicodeEncodeError:
            out.append((base + tones).encode("cp1258"))
    return b"".join(out)


def office_workbook(*, header_row: list[str], data_rows: list[list], title=True, numbering=True) -> bytes:
    """An XLSX laid out like a commune's list: motto and title merged across the top, then the table."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Danh sách"
    width = len(header_row)
    if title:
        sheet["A1"] = "UBND XÃ LONG KHÁNH A"
        sheet.merge_cells("A1:B1")
        sheet["C1"] = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
        sheet.merge_cells(start_row=1, start_column=3, end_row=1, end_column=width)
        sheet["C2"] = "Độc lập - Tự do - Hạnh phúc"
        sheet.merge_cells(start_row=2, start_column=3, end_row=2, end_column=width)
        sheet["A4"] = "DANH SÁCH NGƯỜI THAM GIA BHXH TỰ NGUYỆN"
        sheet.merge_cells(start_row=4, start_column=1, end_row=4, end_column=width)
        sheet["A5"] = "(Kèm theo Kế hoạch số 12/KH-UBND ngày 05/03/2023)"
        sheet.merge_cells(start_row=5, start_column=1, end_row=5, end_column=width)
        start = 7
    else:
        start = 1
    for col, text in enumerate(header_row, start=1):
        sheet.cell(row=start, column=col, value=text)
    row = start + 1
    if numbering:
        for col in range(1, width + 1):
            sheet.cell(row=row, column=col, value=f"({col})")
        row += 1
    for values in data_rows:
        for col, value in enumerate(values, start=1):
            sheet.cell(row=row, column=col, value=value)
        row += 1
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


HEADER = ["STT", "Họ và tên", "Ngày sinh", "Số điện thoại", "Ghi chú"]


@pytest.fixture
def office_xlsx() -> bytes:
    return office_workbook(
        header_row=HEADER,
        data_rows=[
            [1, "Nguyễn Thị Hồng", dt.datetime(1985, 3, 5), 912345678, "Ấp Long Hòa"],
            [2, unicodedata.normalize("NFD", "Trần Văn Đức"), "05/03/1990", "0388 123 456", None],
            [3, "Lê Văn Út", dt.date(2001, 12, 31), 1234.5, "Khóm 1"],
        ],
    )


# --- read_table: XLSX --------------------------------------------------------------------------------


def test_read_table_xlsx_keeps_title_block_and_blank_rows(office_xlsx):
    rows = read_table(office_xlsx, "danh-sach.xlsx")
    assert rows[0][0] == "UBND XÃ LONG KHÁNH A"
    assert rows[0][2] == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    assert rows[1][2] == "Độc lập - Tự do - Hạnh phúc"
    assert all(cell == "" for cell in rows[2])  # the blank line under the motto is kept
    assert rows[6] == HEADER
    assert rows[7] == ["(1)", "(2)", "(3)", "(4)", "(5)"]
    assert all(isinstance(cell, str) for row in rows for cell in row)


def test_read_table_xlsx_cells_as_text(office_xlsx):
    rows = read_table(office_xlsx, "DANH-SACH.XLSX")  # extension case does not matter
    first, second, third = rows[8], rows[9], rows[10]
    assert first[0] == "1"  # whole numbers without ".0"
    assert first[2] == "05/03/1985"  # a date cell becomes dd/mm/yyyy
    assert first[3] == "912345678"  # the number that lost its leading zero …
    assert normalize_phone(first[3]) == "+84912345678"  # … still normalises
    assert second[1] == "Trần Văn Đức"  # NFD typed text comes out NFC
    assert unicodedata.is_normalized("NFC", second[1])
    assert second[2] == "05/03/1990"  # a date typed as text stays as written
    assert second[4] == ""  # an empty cell
    assert third[2] == "31/12/2001"
    assert third[3] == "1234.5"  # a fraction keeps its decimals


def test_read_table_xlsx_strips_cell_text():
    data = office_workbook(
        header_row=["Họ và tên", "Số điện thoại"],
        data_rows=[["  Võ Thị Sáu  ", " 0912345678 "]],
        title=False,
        numbering=False,
    )
    rows = read_table(data, "a.xlsx")
    assert rows == [["Họ và tên", "Số điện thoại"], ["Võ Thị Sáu", "0912345678"]]


def test_read_table_broken_xlsx_is_sheet_error():
    with pytest.raises(SheetError) as info:
        read_table(b"this is not a workbook", "danh-sach.xlsx")
    assert "Không đọc được tệp bảng tính" in str(info.value)


@pytest.mark.parametrize("filename", ["danh-sach.pdf", "danh-sach.docx", "danh-sach", "anh.png"])
def test_read_table_unsupported_extension(filename):
    with pytest.raises(SheetError) as info:
        read_table(b"a,b\n1,2\n", filename)
    assert str(info.value) == "Chỉ nhận tệp .xlsx hoặc .csv"


# --- read_table: CSV ---------------------------------------------------------------------------------

CSV_TEXT = (
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM;;;\r\n"
    "Độc lập - Tự do - Hạnh phúc;;;\r\n"
    ";;;\r\n"
    "STT;Họ và tên;Số điện thoại;Ghi chú\r\n"
    "(1);(2);(3);(4)\r\n"
    "1;Nguyễn Thị Hồng;912345678;Ấp Long Hòa\r\n"
    "2;Phạm Đức Thắng;0388 123 456;Khóm 2, phường Thường Lạc\r\n"
)


def test_read_table_csv_utf8_with_bom_semicolons():
    data = b"\xef\xbb\xbf" + CSV_TEXT.encode("utf-8")
    rows = read_table(data, "danh-sach.csv")
    assert rows[0][0] == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"  # no BOM glued to the first cell
    assert rows[3] == ["STT", "Họ và tên", "Số điện thoại", "Ghi chú"]
    assert rows[5] == ["1", "Nguyễn Thị Hồng", "912345678", "Ấp Long Hòa"]
    assert rows[6][3] == "Khóm 2, phường Thường Lạc"  # a comma inside a cell is not a separator here


def test_read_table_csv_utf8_commas_and_quotes():
    text = 'Họ và tên,Số điện thoại,Ghi chú\n"Lê Thị Hoa","0912 345 678","Ấp 1; ấp 2"\n'
    rows = read_table(text.encode("utf-8"), "a.CSV")
    assert rows == [["Họ và tên", "Số điện thoại", "Ghi chú"], ["Lê Thị Hoa", "0912 345 678", "Ấp 1; ấp 2"]]


def test_read_table_csv_tab_separated_txt():
    text = "Họ và tên\tSố điện thoại\nĐặng Văn Lâm\t0912345678\n"
    assert read_table(text.encode("utf-8"), "a.txt") == [["Họ và tên", "Số điện thoại"], ["Đặng Văn Lâm", "0912345678"]]


def test_read_table_csv_windows_1258_comes_out_nfc():
    data = cp1258_bytes(CSV_TEXT)
    # Python's cp1258 codec writes tone marks as combining characters: the raw decode is not NFC …
    assert not unicodedata.is_normalized("NFC", data.decode("cp1258"))
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    rows = read_table(data, "danh-sach.csv")
    # … but what read_table returns is.
    assert rows[0][0] == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    assert rows[3] == ["STT", "Họ và tên", "Số điện thoại", "Ghi chú"]
    assert rows[5] == ["1", "Nguyễn Thị Hồng", "912345678", "Ấp Long Hòa"]
    assert rows[6][1] == "Phạm Đức Thắng"
    assert all(unicodedata.is_normalized("NFC", cell) for row in rows for cell in row)


def test_read_table_csv_nfd_text_comes_out_nfc():
    data = unicodedata.normalize("NFD", CSV_TEXT).encode("utf-8")
    rows = read_table(data, "a.csv")
    assert rows[5][1] == "Nguyễn Thị Hồng"
    assert rows[5][1] == unicodedata.normalize("NFC", rows[5][1])


def test_read_table_csv_in_neither_encoding():
    # 0x81 is undefined in Windows-1258 and not valid UTF-8 on its own.
    with pytest.raises(SheetError) as info:
        read_table(b"H\x81 t\xean;SDT\n", "a.csv")
    assert "UTF-8" in str(info.value)
    assert "Windows-1258" in str(info.value)


def test_read_table_empty_csv():
    assert read_table(b"", "a.csv") == []


def test_read_table_csv_with_one_column():
    # A plain list (one name a line) has no separator for the sniffer to find; it is still a table.
    text = "Tên ấp\nẤp Long Hòa\nẤp Long Thạnh\n"
    assert read_table(text.encode("utf-8"), "ap.csv") == [["Tên ấp"], ["Ấp Long Hòa"], ["Ấp Long Thạnh"]]


# --- find_header -------------------------------------------------------------------------------------


def test_find_header_below_title_block(office_xlsx):
    rows = read_table(office_xlsx, "a.xlsx")
    index, cols = find_header(rows, REQUIRED, OPTIONAL)
    assert index == 6
    assert cols == {"name": 1, "phone": 3, "birth": 2, "note": 4}
    assert rows[index + 1][0] == "(1)"  # the numbering row follows the header


def test_find_header_without_optional_columns():
    rows = [["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", ""], ["", ""], ["SĐT", "Họ tên"], ["0912345678", "An"]]
    index, cols = find_header(rows, REQUIRED, OPTIONAL)
    assert index == 2
    assert cols == {"name": 1, "phone": 0}  # absent optional columns are simply not mapped


def test_find_header_optional_none():
    index, cols = find_header([["Họ và tên", "Điện thoại"]], REQUIRED)
    assert (index, cols) == (0, {"name": 0, "phone": 1})


def test_find_header_is_accent_case_and_space_insensitive():
    rows = [
        ["DANH SÁCH", "", ""],
        [unicodedata.normalize("NFD", "HỌ VÀ  TÊN"), "so dien thoai", "Ngày\nsinh"],
    ]
    index, cols = find_header(rows, REQUIRED, OPTIONAL)
    assert index == 1
    assert cols == {"name": 0, "phone": 1, "birth": 2}


def test_find_header_needs_all_required_on_one_row():
    # "Họ và tên" alone on an earlier row must not be taken for the header.
    rows = [["Họ và tên", ""], ["", ""], ["Họ và tên", "Số điện thoại"]]
    index, cols = find_header(rows, REQUIRED)
    assert index == 2
    assert cols == {"name": 0, "phone": 1}


def test_find_header_missing_required_column_names_it():
    rows = [["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"], ["STT", "Họ và tên", "Ngày sinh"], ["1", "An", "01/01/1990"]]
    with pytest.raises(SheetError) as info:
        find_header(rows, REQUIRED, OPTIONAL)
    message = str(info.value)
    assert message.startswith("Không tìm thấy dòng tiêu đề có đủ các cột")
    assert "Số điện thoại" in message


def test_find_header_only_looks_at_the_first_30_rows():
    rows = [[""] * 2 for _ in range(30)] + [["Họ và tên", "Số điện thoại"]]
    with pytest.raises(SheetError):
        find_header(rows, REQUIRED)
    index, _ = find_header(rows[1:], REQUIRED)
    assert index == 29


def test_find_header_in_windows_1258_csv():
    rows = read_table(cp1258_bytes(CSV_TEXT), "a.csv")
    index, cols = find_header(rows, REQUIRED, OPTIONAL)
    assert index == 3
    assert cols == {"name": 1, "phone": 2, "note": 3}
