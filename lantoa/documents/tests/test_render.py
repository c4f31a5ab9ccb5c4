"""The default template renders Vietnamese text, tables and charts; LibreOffice turns it into a PDF that
pdftotext reads back with every diacritic; the fonts are Noto, never Arial / Times / Liberation."""

import datetime as dt
import io
import subprocess
import zipfile

import pytest
from docx import Document
from openpyxl import load_workbook

from lantoa.core.exports import xlsx_workbook
from lantoa.documents.charts import Chart, chart_png
from lantoa.documents.services import (
    DocumentError,
    Section,
    Table,
    date_line,
    default_template,
    docx_to_pdf,
    render_docx,
)

from .helpers import squeeze

NARRATIVE = "Người dân được tuyên truyền trực tiếp; kết quả vượt chỉ tiêu đề ra, tiếp tục đẩy mạnh ở ấp Long Thuận."


def context():
    return {
        "issuer_parent": "UBND HUYỆN HỒNG NGỰ",
        "issuer": "PHÒNG LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI",
        "doc_number": "15/BC-LĐTBXH",
        "place": "Hồng Ngự",
        "date": dt.date(2026, 1, 8),
        "title": "BÁO CÁO",
        "subtitle": "Kết quả thực hiện Kế hoạch tuyên truyền BHXH, BHYT năm 2025",
        "sections": [
            Section("I. KẾT QUẢ ĐẠT ĐƯỢC", [NARRATIVE]),
            Section(
                "1. Chỉ tiêu phát triển người tham gia",
                [
                    Table(
                        ["Chỉ tiêu", "Kế hoạch", "Thực hiện", "Đạt"],
                        [
                            ["Người tham gia BHXH tự nguyện", 1500, 1873, "Đạt"],
                            ["Hộ gia đình tham gia BHYT", 2400, 2196, "Chưa đạt"],
                            ["Tổng cộng", 3900, 4069, ""],
                        ],
                        caption="Bảng 1. Kết quả thực hiện chỉ tiêu năm 2025",
                        total_row=True,
                    ),
                    Chart(
                        "Người tham gia BHXH tự nguyện",
                        ["2022", "2023", "2024", "2025"],
                        [("Thực hiện", [910, 1204, 1577, 1873])],
                    ),
                ],
                level=2,
            ),
            Section(
                "II. TỒN TẠI, HẠN CHẾ VÀ NGUYÊN NHÂN",
                ["Một số xã chưa bố trí đủ kinh phí; người dân ở vùng sâu còn e ngại."],
            ),
            Section("III. ĐỀ XUẤT, KIẾN NGHỊ", ["Đề nghị UBND huyện tiếp tục quan tâm chỉ đạo."]),
        ],
        "recipients": ["UBND huyện Hồng Ngự", "BHXH huyện", "Lưu: VT, LĐTBXH"],
        "signer_authority": "KT. TRƯỞNG PHÒNG",
        "signer_position": "PHÓ TRƯỞNG PHÒNG",
        "signer_name": "Trần Thị Hồng Ngọc",
    }


def test_date_line_follows_decree_30():
    assert date_line("Hồng Ngự", dt.date(2026, 2, 5)) == "Hồng Ngự, ngày 05 tháng 02 năm 2026"
    assert date_line("Hồng Ngự", dt.date(2025, 12, 31)) == "Hồng Ngự, ngày 31 tháng 12 năm 2025"


def test_default_template_names_only_noto_fonts():
    with zipfile.ZipFile(io.BytesIO(default_template())) as archive:
        styles = archive.read("word/styles.xml").decode()
    assert "Noto Serif" in styles
    for banned in ("Arial", "Times", "Liberation", "Calibri", "Cambria"):
        assert banned not in styles, banned


def test_render_fills_every_part_of_the_layout():
    doc = Document(io.BytesIO(render_docx(default_template(), context())))
    header = doc.tables[0]
    assert header.cell(0, 0).text.split("\n")[:2] == ["UBND HUYỆN HỒNG NGỰ", "PHÒNG LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI"]
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in header.cell(0, 1).text
    assert "Độc lập - Tự do - Hạnh phúc" in header.cell(0, 1).text
    assert header.cell(1, 0).text == "Số: 15/BC-LĐTBXH"
    assert header.cell(1, 1).text == "Hồng Ngự, ngày 08 tháng 01 năm 2026"
    texts = [p.text for p in doc.paragraphs]
    assert "BÁO CÁO" in texts and NARRATIVE in texts
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert headings[:2] == ["I. KẾT QUẢ ĐẠT ĐƯỢC", "1. Chỉ tiêu phát triển người tham gia"]
    table = doc.tables[1]
    assert [c.text for c in table.rows[1].cells] == ["Người tham gia BHXH tự nguyện", "1.500", "1.873", "Đạt"]
    assert len(doc.inline_shapes) == 1  # the chart
    footer = doc.tables[-1].cell(0, 0).text
    assert "Nơi nhận:" in footer and "- UBND huyện Hồng Ngự;" in footer and "- Lưu: VT, LĐTBXH." in footer
    assert "Trần Thị Hồng Ngọc" in doc.tables[-1].cell(0, 1).text
    assert "{{" not in "".join(texts) and "{%" not in "".join(texts)


def test_text_with_markup_characters_does_not_break_the_document():
    ctx = context()
    ctx["subtitle"] = 'Chi phí < 5 triệu & "hỗ trợ" <b>'
    doc = Document(io.BytesIO(render_docx(default_template(), ctx)))
    assert 'Chi phí < 5 triệu & "hỗ trợ" <b>' in [p.text for p in doc.paragraphs]


def test_chart_is_a_png():
    png = chart_png(Chart("Tỷ lệ (%)", ["2024", "2025"], [("Xã Long Khánh", [10.5, None])], kind="line"))
    assert png.startswith(b"\x89PNG")


def test_xlsx_workbook_keeps_vietnamese_and_numbers():
    data = xlsx_workbook([("Bảng 1", ["Đơn vị", "Số người"], [["Xã Thường Thới Hậu A", 1873], ["=HYPERLINK(1)", 2]])])
    ws = load_workbook(io.BytesIO(data)).active
    assert ws.title == "Bảng 1"
    assert [c.value for c in ws[2]] == ["Xã Thường Thới Hậu A", 1873]
    assert ws["A3"].data_type == "s"


def test_pdf_has_the_vietnamese_headings_and_figures(libreoffice, tmp_path):
    pdf = docx_to_pdf(render_docx(default_template(), context()))
    assert pdf.startswith(b"%PDF")
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    text = squeeze(
        subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    )
    for expected in (
        "UBND HUYỆN HỒNG NGỰ",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Số: 15/BC-LĐTBXH",
        "Hồng Ngự, ngày 08 tháng 01 năm 2026",
        "BÁO CÁO",
        "I. KẾT QUẢ ĐẠT ĐƯỢC",
        "II. TỒN TẠI, HẠN CHẾ VÀ NGUYÊN NHÂN",
        "III. ĐỀ XUẤT, KIẾN NGHỊ",
        "1.500 1.873 Đạt",
        "Hộ gia đình tham gia BHYT 2.400 2.196 Chưa đạt",
        "Tổng cộng 3.900 4.069",
        "vượt chỉ tiêu đề ra",
        "Nơi nhận:",
        "Trần Thị Hồng Ngọc",
    ):
        assert expected in text, expected
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    assert "NotoSerif" in fonts
    for banned in ("Arial", "Times", "Liberation", "DejaVu"):
        assert banned not in fonts, banned


def test_pdf_of_something_that_is_not_a_docx_is_a_clear_error(libreoffice):
    with pytest.raises(DocumentError, match="không phải là tệp DOCX"):
        docx_to_pdf(b"")
    with pytest.raises(DocumentError, match="LibreOffice không chuyển được"):
        docx_to_pdf(b"PK\x03\x04 a broken archive")


def test_pdf_timeout_is_a_clear_error(libreoffice):
    with pytest.raises(DocumentError, match="quá 0 giây"):
        docx_to_pdf(render_docx(default_template(), context()), timeout=0.01)
