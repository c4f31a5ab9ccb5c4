"""The default report template: an administrative report in the layout of Decree 30/2020/NĐ-CP (Appendix I),
built with python-docx each time it is needed, so no binary sits in the repository.

`manage.py report_template_default OUT.docx` writes it out; a unit edits it in Word / LibreOffice and uploads
it back (see `services.report_template_upload`). Its Jinja tags are the template's fields (`FIELDS`).

Layout (A4; margins top/bottom 20 mm, left 30 mm, right 15 mm; Noto Serif, 13 pt body):
    ┌ issuer_parent (upper case)       │ CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM (bold)   ┐
    │ ISSUER (bold)                     │ Độc lập - Tự do - Hạnh phúc (bold)          │
    └ Số: doc_number                    │ place, ngày dd tháng mm năm yyyy (italic)   ┘
                          BÁO CÁO / title (bold, centred) / subtitle
    body: the sections (headings, paragraphs, tables, charts)
    ┌ Nơi nhận: recipients (11 pt)     │ signer_authority / SIGNER_POSITION / signer_name ┐
"""

import io

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

# Both carry every Vietnamese letter (ư ơ ậ ự ễ đ …); Arial / Times / Liberation are never named.
SERIF = "Noto Serif"
SANS = "Noto Sans"
BODY_SIZE = Pt(13)
SMALL_SIZE = Pt(11)


def set_font(target, name: str = SERIF, size=None) -> None:
    """Name the font for every script (ASCII, Vietnamese, East Asian, complex) and drop theme fonts."""
    rpr = target.element.get_or_add_rPr() if hasattr(target.element, "get_or_add_rPr") else target._element
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
        fonts.attrib.pop(qn(f"w:{attr}"), None)
    for attr in ("ascii", "hAnsi", "eastAsia", "cs"):
        fonts.set(qn(f"w:{attr}"), name)
    if size is not None:
        target.font.size = size


def _doc_defaults(doc) -> None:
    rpr = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    fonts.attrib.clear()
    for attr in ("ascii", "hAnsi", "eastAsia", "cs"):
        fonts.set(qn(f"w:{attr}"), SERIF)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), "vi-VN")


def _styles(doc) -> None:
    _doc_defaults(doc)
    normal = doc.styles["Normal"]
    set_font(normal, SERIF, BODY_SIZE)
    normal.paragraph_format.space_after = Pt(6)
    normal.paragraph_format.line_spacing = 1.15
    for name, size in (("Heading 1", Pt(13)), ("Heading 2", Pt(13)), ("Heading 3", Pt(13)), ("Caption", Pt(12))):
        style = doc.styles[name]
        set_font(style, SERIF, size)
        style.font.color.rgb = None
        style.font.bold = name != "Caption"
        style.font.italic = name in ("Heading 3", "Caption")
        style.paragraph_format.space_before = Pt(6)
        style.paragraph_format.space_after = Pt(6)
        style.paragraph_format.keep_with_next = name != "Caption"
    set_font(doc.styles["Table Grid"], SERIF, Pt(12))


def _no_borders(table) -> None:
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "nil")
        borders.append(el)
    table._tbl.tblPr.append(borders)


def _line(
    cell, text: str, *, bold=False, italic=False, size=BODY_SIZE, upper=False, underline_rule=False, rule_indent_mm=20
):
    paragraph = cell.add_paragraph() if cell.paragraphs[-1].text or len(cell.paragraphs) > 1 else cell.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.space_after = Pt(0)
    paragraph.paragraph_format.line_spacing = 1.0
    run = paragraph.add_run(text.upper() if upper else text)
    run.bold, run.italic, run.font.size = bold, italic, size
    if underline_rule:
        # The short rule under the unit's name and under the slogan (Decree 30): an empty, indented
        # paragraph with a bottom border, so the text above keeps the cell's full width.
        rule = cell.add_paragraph()
        rule.paragraph_format.space_after = Pt(0)
        rule.paragraph_format.line_spacing = Pt(3)
        ppr = rule._p.get_or_add_pPr()
        bdr = OxmlElement("w:pBdr")
        bottom = OxmlElement("w:bottom")
        for key, val in (("val", "single"), ("sz", "6"), ("space", "1"), ("color", "000000")):
            bottom.set(qn(f"w:{key}"), val)
        bdr.append(bottom)
        ppr.append(bdr)
        rule.paragraph_format.left_indent = rule.paragraph_format.right_indent = Mm(rule_indent_mm)
    return paragraph


def _para(doc, text: str, *, bold=False, italic=False, align=WD_ALIGN_PARAGRAPH.CENTER, size=None, after=None):
    paragraph = doc.add_paragraph()
    paragraph.alignment = align
    paragraph.paragraph_format.space_after = Pt(0) if after is None else after
    run = paragraph.add_run(text)
    run.bold, run.italic = bold, italic
    if size is not None:
        run.font.size = size
    return paragraph


def build_default_template() -> bytes:
    doc = Document()
    _styles(doc)
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = section.bottom_margin = Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    doc.core_properties.title = "{{ title }}"
    doc.core_properties.author = "Lan Tỏa"

    # Header: issuing body (left), national motto and slogan (right).
    header = doc.add_table(rows=2, cols=2)
    header.alignment = WD_TABLE_ALIGNMENT.CENTER
    header.autofit = False
    _no_borders(header)
    widths = (Mm(68), Mm(97))
    for column, width in zip(header.columns, widths, strict=True):
        column.width = width  # the grid LibreOffice reads
    for row in header.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width
    left, right = header.cell(0, 0), header.cell(0, 1)
    _line(left, "{{ issuer_parent }}", size=Pt(12))
    _line(left, "{{ issuer }}", bold=True, size=Pt(12), underline_rule=True)
    _line(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True, size=Pt(12))
    _line(right, "Độc lập - Tự do - Hạnh phúc", bold=True, size=BODY_SIZE, underline_rule=True, rule_indent_mm=25)
    _line(header.cell(1, 0), "Số: {{ doc_number }}", size=BODY_SIZE)
    _line(header.cell(1, 1), "{{ date_line }}", italic=True, size=BODY_SIZE)

    # Title and summary (trích yếu).
    _para(doc, "", after=Pt(6))
    _para(doc, "{{ title }}", bold=True, size=Pt(14))
    _para(doc, "{{ subtitle }}", bold=True, size=Pt(14), after=Pt(12))

    # Body: headings, paragraphs, tables and charts built from `sections` (services.render_docx).
    body = doc.add_paragraph("{{p body }}")
    body.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY

    # Recipients (left) and signature block (right).
    _para(doc, "", after=Pt(6))
    footer = doc.add_table(rows=1, cols=2)
    footer.autofit = False
    _no_borders(footer)
    for column, cell, width in zip(footer.columns, footer.rows[0].cells, (Mm(80), Mm(85)), strict=True):
        column.width = cell.width = width
    left, right = footer.cell(0, 0), footer.cell(0, 1)
    heading = left.paragraphs[0]
    heading.paragraph_format.space_after = Pt(0)
    run = heading.add_run("Nơi nhận:")
    run.bold, run.italic, run.font.size = True, True, Pt(12)
    for text in (
        "{%p for recipient in recipients %}",
        "- {{ recipient }}{% if loop.last %}.{% else %};{% endif %}",
        "{%p endfor %}",
    ):
        paragraph = left.add_paragraph()
        paragraph.paragraph_format.space_after = Pt(0)
        paragraph.paragraph_format.line_spacing = 1.0
        paragraph.add_run(text).font.size = SMALL_SIZE
    _line(right, "{{ signer_authority }}", bold=True)
    _line(right, "{{ signer_position }}", bold=True, upper=False)
    for _ in range(4):
        _line(right, " ")
    _line(right, "{{ signer_name }}", bold=True)

    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
