"""Report documents: DOCX from a template (docxtpl), PDF from the DOCX (LibreOffice), and the templates a
unit uploads (validated, versioned, one in use per unit and kind of report). Audited writes.

Why PDF through LibreOffice rather than WeasyPrint: the DOCX is the official document; converting it keeps
one layout (a unit's own template included) instead of a second HTML copy to keep in step, and LibreOffice
is what the tests must run anyway. It embeds the fonts the DOCX names (Noto Serif), so ư ậ ự ễ đ survive.
"""

import datetime as dt
import hashlib
import io
import os
import pickle
import re
import resource
import select
import shutil
import signal
import subprocess
import tempfile
import time
import warnings
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import CT_SectPr, OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docxtpl import DocxTemplate, InlineImage
from jinja2 import Template, TemplateError, TemplateSyntaxError
from jinja2.sandbox import SandboxedEnvironment
from lxml import etree

from lantoa.core.models import AuditLog
from lantoa.core.services import audit_log, snapshot
from lantoa.core.text import format_number
from lantoa.orgs.access import own_unit_ids

from .charts import Chart, chart_png
from .layout import build_default_template
from .models import ReportKind, ReportTemplate

MAX_TEMPLATE_BYTES = 5 * 1024 * 1024
# What one rendering of a user's template may cost: it runs in a forked child with this much memory beyond
# what the process already maps, is killed after RENDER_SECONDS, and stops once its XML passes
# MAX_RENDERED_CHARS (a real report is well under 1 MB of XML; "{{ 'a' * 100000000 }}" is 100 MB).
RENDER_SECONDS = 60
RENDER_MEMORY_BYTES = 768 * 1024 * 1024
MAX_RENDERED_CHARS = 20_000_000
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF_TYPE = "application/pdf"

# The fields a template may use (its Jinja variables), what each holds, and which must be there.
FIELDS = {
    "issuer_parent": "cơ quan chủ quản (UBND HUYỆN HỒNG NGỰ)",
    "issuer": "tên cơ quan, đơn vị ban hành",
    "doc_number": "số và ký hiệu (12/BC-LĐTBXH)",
    "place": "địa danh (Hồng Ngự)",
    "day": "ngày (05)",
    "month": "tháng (01)",
    "year": "năm (2026)",
    "date_line": "địa danh và thời gian (Hồng Ngự, ngày 05 tháng 01 năm 2026)",
    "title": "tên loại văn bản (BÁO CÁO)",
    "subtitle": "trích yếu nội dung",
    "body": "nội dung: các mục, đoạn văn, bảng và biểu đồ (dùng {{p body }})",
    "sections": "nội dung theo từng mục, để tự trình bày (heading, paragraphs, tables, charts)",
    "recipients": "danh sách nơi nhận",
    "signer_authority": "quyền hạn người ký (KT. TRƯỞNG PHÒNG)",
    "signer_position": "chức vụ người ký",
    "signer_name": "họ tên người ký",
}
REQUIRED_FIELDS = ("issuer", "doc_number", "date_line", "title", "body", "recipients", "signer_position", "signer_name")
# A required field is also present when all of one of its alternatives are.
ALTERNATIVES = {"date_line": ({"day", "month", "year"},), "body": ({"sections"},)}
DOCXTPL_PREFIXES = ("p", "r", "tr", "tc")
STATEMENTS = {"for", "endfor", "if", "elif", "else", "endif", "set", "endset", "with", "endwith", "filter", "endfilter"}


class DocumentError(Exception):
    """A document could not be made: the message says why, in the interface language."""


# ---------------------------------------------------------------- content of a report


@dataclass
class Table:
    headers: list[str]
    rows: list[list]
    caption: str = ""
    widths_mm: list[float] | None = None
    total_row: bool = False  # the last row is a total: bold


@dataclass
class Section:
    """A numbered part of the body: its heading, then paragraphs (str), tables and charts in order."""

    heading: str
    blocks: list = field(default_factory=list)
    level: int = 1


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "x" if value else ""
    if isinstance(value, int | Decimal):
        return format_number(value)
    if isinstance(value, float):
        return format_number(value, 0 if value.is_integer() else 1)
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def date_line(place: str, day: dt.date) -> str:
    """Decree 30: days below 10 and months below 3 take a leading zero ("ngày 05 tháng 02 năm 2026")."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"


class _Fragment:
    """Body XML built with python-docx on the template's own part (so images belong to it) and put in place
    of a `{{p body }}` paragraph; what docxtpl's Subdoc does, without its docxcompose dependency."""

    def __init__(self, tpl: DocxTemplate):
        tpl.init_docx()
        self.doc = Document()
        self.doc._part = tpl.docx._part
        self.style_ids = {s.style_id for s in tpl.docx.styles}

    def style(self, name: str, style_id: str):
        return name if style_id in self.style_ids else None

    def __html__(self):
        body = self.doc.element.body
        return "".join(etree.tostring(e, encoding="unicode") for e in body if not isinstance(e, CT_SectPr))

    __str__ = __html__


def _borders(table) -> None:
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        for key, val in (("val", "single"), ("sz", "4"), ("space", "0"), ("color", "000000")):
            el.set(qn(f"w:{key}"), val)
        borders.append(el)
    table._tbl.tblPr.append(borders)


def _add_table(fragment: _Fragment, table: Table) -> None:
    doc = fragment.doc
    if table.caption:
        caption = doc.add_paragraph(table.caption, style=fragment.style("Caption", "Caption"))
        caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
    grid = doc.add_table(rows=1, cols=len(table.headers))
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    _borders(grid)
    numeric = [
        all(isinstance(r[i], int | float | Decimal) or r[i] is None for r in table.rows)
        for i in range(len(table.headers))
    ]
    for i, header in enumerate(table.headers):
        paragraph = grid.rows[0].cells[i].paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = paragraph.add_run(str(header))
        run.bold, run.font.size = True, Pt(12)
    for r, row in enumerate(table.rows):
        cells = grid.add_row().cells
        for i, value in enumerate(row):
            paragraph = cells[i].paragraphs[0]
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT if numeric[i] else WD_ALIGN_PARAGRAPH.LEFT
            run = paragraph.add_run(cell_text(value))
            run.font.size = Pt(12)
            run.bold = table.total_row and r == len(table.rows) - 1
    # Widths on the grid and on each cell (LibreOffice reads the grid, Word the cells); by default the
    # first column (the names) takes 40% of the 165 mm text width.
    n = len(table.headers)
    widths = table.widths_mm or ([165.0] if n == 1 else [66.0] + [99.0 / (n - 1)] * (n - 1))
    for column, width in zip(grid.columns, widths, strict=False):
        column.width = Mm(width)
    for row in grid.rows:
        for cell, width in zip(row.cells, widths, strict=False):
            cell.width = Mm(width)
    doc.add_paragraph().paragraph_format.space_after = Pt(0)


def _body(tpl: DocxTemplate, sections: list[Section]) -> _Fragment:
    fragment = _Fragment(tpl)
    doc = fragment.doc
    for section in sections:
        level = min(max(section.level, 1), 3)
        doc.add_paragraph(section.heading, style=fragment.style(f"Heading {level}", f"Heading{level}"))
        for block in section.blocks:
            if isinstance(block, Table):
                _add_table(fragment, block)
            elif isinstance(block, Chart):
                paragraph = doc.add_paragraph()
                paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
                paragraph.add_run().add_picture(io.BytesIO(chart_png(block)), width=Mm(block.width_mm))
            else:
                paragraph = doc.add_paragraph(str(block))
                paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
                paragraph.paragraph_format.first_line_indent = Mm(10)
    return fragment


def _plain_sections(tpl: DocxTemplate, sections: list[Section]) -> list[dict]:
    """`sections` for a template that lays the body out itself."""
    out = []
    for s in sections:
        out.append(
            {
                "heading": s.heading,
                "level": s.level,
                "paragraphs": [b for b in s.blocks if isinstance(b, str)],
                "tables": [
                    {
                        "caption": b.caption,
                        "headers": b.headers,
                        "rows": [[cell_text(v) for v in row] for row in b.rows],
                    }
                    for b in s.blocks
                    if isinstance(b, Table)
                ],
                "charts": [
                    InlineImage(tpl, io.BytesIO(chart_png(b)), width=Mm(b.width_mm))
                    for b in s.blocks
                    if isinstance(b, Chart)
                ],
            }
        )
    return out


class _RenderTooLarge(TemplateError):
    pass


class _BoundedTemplate(Template):
    """Rendered piece by piece, refused as soon as the output passes MAX_RENDERED_CHARS."""

    def render(self, *args, **kwargs):
        parts, total = [], 0
        for chunk in self.generate(*args, **kwargs):
            total += len(chunk)
            if total > MAX_RENDERED_CHARS:
                raise _RenderTooLarge("too large")
            parts.append(chunk)
        return "".join(parts)


class _BoundedEnvironment(SandboxedEnvironment):
    template_class = _BoundedTemplate
    intercepted_binops = frozenset({"*"})

    def call_binop(self, context, operator, left, right):
        # "'a' * 100000000": refused before the string is made (the child's limits catch the rest).
        if operator == "*":
            for seq, times in ((left, right), (right, left)):
                sized = isinstance(seq, (str, list, tuple)) and isinstance(times, int)
                if sized and len(seq) * times > MAX_RENDERED_CHARS:
                    raise _RenderTooLarge("too large")
        return super().call_binop(context, operator, left, right)


def _environment() -> SandboxedEnvironment:
    # Sandboxed: a template comes from a user. Autoescaped: "<" or "&" in a text cannot break the XML.
    return _BoundedEnvironment(autoescape=True)


def _too_large() -> DocumentError:
    return DocumentError(
        _("The report template makes a document that is too large (more than %(chars)s characters of text).")
        % {"chars": format_number(MAX_RENDERED_CHARS)}
    )


def _mapped_bytes() -> int:
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _child(work, write_fd: int) -> None:
    """In the forked child: bound memory, run `work`, send back ("ok", bytes) or (kind, message)."""
    try:
        mapped = _mapped_bytes()
        if mapped:
            limit = mapped + RENDER_MEMORY_BYTES
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        try:
            result = ("ok", work())
        except _RenderTooLarge:
            result = ("too_large", "")
        except MemoryError:
            result = ("too_large", "")
        except TemplateError as exc:
            result = ("template", str(exc))
        except DocumentError as exc:
            result = ("document", str(exc))
        except Exception as exc:  # noqa: BLE001 - reported to the parent, which raises it as a DocumentError
            result = ("document", f"{type(exc).__name__}: {exc}")
        data = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
        view = memoryview(data)
        while view:
            view = view[os.write(write_fd, view) :]
    finally:
        os._exit(0)


def _bounded(work):
    """`work()` in a forked child, killed after RENDER_SECONDS: a user's template cannot take the web
    worker's memory or time. Returns what it returns; raises DocumentError or TemplateError otherwise."""
    read_fd, write_fd = os.pipe()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # "multi-threaded fork": the child only renders
        pid = os.fork()
    if pid == 0:
        os.close(read_fd)
        _child(work, write_fd)
    os.close(write_fd)
    chunks = []
    deadline = time.monotonic() + RENDER_SECONDS
    try:
        while True:
            remaining = deadline - time.monotonic()
            ready = select.select([read_fd], [], [], max(remaining, 0))[0] if remaining > 0 else []
            if not ready:
                os.kill(pid, signal.SIGKILL)
                raise DocumentError(
                    _("The report template takes longer than %(seconds)s seconds to fill in; it was stopped.")
                    % {"seconds": RENDER_SECONDS}
                )
            chunk = os.read(read_fd, 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(read_fd)
        os.waitpid(pid, 0)
    if not chunks:  # killed by the memory limit before it could answer
        raise _too_large()
    kind, value = pickle.loads(b"".join(chunks))  # noqa: S301 - written by our own child
    if kind == "ok":
        return value
    if kind == "too_large":
        raise _too_large()
    if kind == "template":
        raise TemplateError(value)
    raise DocumentError(value)


def render_docx(template_bytes: bytes, context: dict) -> bytes:
    """Render a DOCX template. `context` holds the FIELDS; `sections` is a list of `Section`; `date`
    (a date) with `place` fills day / month / year / date_line; any `Chart` value becomes an image.
    The template is filled in a child process bounded in memory, time and size (see `_bounded`)."""
    tpl = DocxTemplate(io.BytesIO(template_bytes))
    ctx = dict(context)
    sections = ctx.pop("sections", []) or []
    ctx["body"] = _body(tpl, sections)
    ctx["sections"] = _plain_sections(tpl, sections)
    when = ctx.pop("date", None)
    if when is not None:
        ctx.setdefault("day", f"{when.day:02d}")
        ctx.setdefault("month", f"{when.month:02d}" if when.month < 3 else str(when.month))
        ctx.setdefault("year", str(when.year))
        ctx.setdefault("date_line", date_line(ctx.get("place", ""), when))
    for key, value in list(ctx.items()):
        if isinstance(value, Chart):
            ctx[key] = InlineImage(tpl, io.BytesIO(chart_png(value)), width=Mm(value.width_mm))
    ctx.setdefault("recipients", [])

    def fill() -> bytes:
        tpl.render(ctx, _environment(), autoescape=True)
        out = io.BytesIO()
        tpl.save(out)
        return out.getvalue()

    try:
        return _bounded(fill)
    except TemplateError as exc:
        raise DocumentError(_("The report template cannot be used: %(error)s") % {"error": exc}) from exc


@cache
def default_template() -> bytes:
    return build_default_template()


# ---------------------------------------------------------------- PDF


def libreoffice_binary() -> str | None:
    return shutil.which("libreoffice") or shutil.which("soffice")


def docx_to_pdf(docx_bytes: bytes, *, timeout: float = 120) -> bytes:
    """The DOCX as PDF, by LibreOffice headless in a temporary directory with its own profile (so
    conversions may run side by side). The whole process group is killed after `timeout` seconds."""
    if not docx_bytes.startswith(b"PK\x03\x04"):
        raise DocumentError(_("The document to turn into a PDF is not a DOCX file."))
    binary = libreoffice_binary()
    if binary is None:
        raise DocumentError(_("LibreOffice is not installed on the server, so no PDF can be made."))
    with tempfile.TemporaryDirectory(prefix="lantoa-pdf-") as tmp:
        work = Path(tmp)
        source = work / "report.docx"
        source.write_bytes(docx_bytes)
        command = [
            binary,
            f"-env:UserInstallation={(work / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            "pdf:writer_pdf_Export",
            "--outdir",
            str(work / "out"),
            str(source),
        ]
        env = {**os.environ, "HOME": str(work), "LANG": "C.UTF-8"}
        proc = subprocess.Popen(
            command, cwd=work, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True
        )
        try:
            out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            raise DocumentError(
                _("LibreOffice took longer than %(seconds)s seconds to make the PDF.") % {"seconds": int(timeout)}
            ) from None
        pdf = work / "out" / "report.pdf"
        if proc.returncode != 0 or not pdf.exists():
            detail = (err or out).decode("utf-8", "replace").strip()[-500:]
            raise DocumentError(
                _("LibreOffice could not turn the document into a PDF (exit %(code)s): %(detail)s")
                % {"code": proc.returncode, "detail": detail or "-"}
            )
        return pdf.read_bytes()


# ---------------------------------------------------------------- templates a unit uploads

TAG_START = re.compile(r"\{[{%#]")


def _paragraph_texts(doc) -> list[str]:
    """The text of every paragraph: body, tables (nested), headers and footers."""
    texts = []

    def walk(container):
        for paragraph in container.paragraphs:
            texts.append(paragraph.text)
        for table in getattr(container, "tables", []):
            for row in table.rows:
                for cell in row.cells:
                    walk(cell)

    walk(doc)
    for section in doc.sections:
        for part in (section.header, section.footer, section.first_page_header, section.first_page_footer):
            walk(part)
    return texts


def _tag_errors(texts: list[str]) -> list[str]:
    """Each tag that is broken on its own, named: unclosed, not an expression, an unknown statement."""
    env = _environment()
    errors = []
    for text in texts:
        for match in TAG_START.finditer(text):
            start = match.start()
            opener = text[start + 1]
            closer = {"{": "}}", "%": "%}", "#": "#}"}[opener]
            end = text.find(closer, start + 2)
            following = TAG_START.search(text, start + 2)
            if end < 0 or (following and following.start() < end):
                errors.append(
                    _('The tag "%(tag)s" is not closed with "%(closer)s".')
                    % {"tag": text[start : start + 40].strip(), "closer": closer}
                )
                continue
            tag = text[start : end + 2]
            inner = tag[2:-2].strip()
            first, _sep, rest = inner.partition(" ")
            if first in DOCXTPL_PREFIXES and rest.strip() and opener in "{%":
                inner = rest.strip()
            if opener == "{":
                try:
                    env.parse("{{ " + inner + " }}")
                except TemplateSyntaxError as exc:
                    errors.append(_('The tag "%(tag)s" is broken: %(error)s') % {"tag": tag, "error": exc.message})
            elif opener == "%":
                word = inner.split(" ", 1)[0]
                if word not in STATEMENTS:
                    errors.append(
                        _('The tag "%(tag)s" is broken: unknown statement "%(word)s".') % {"tag": tag, "word": word}
                    )
    return errors


def sample_context() -> dict:
    """Data to try a template with: every field filled, a section with a paragraph, a table and a chart."""
    return {
        "issuer_parent": "UBND HUYỆN HỒNG NGỰ",
        "issuer": "PHÒNG LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI",
        "doc_number": "01/BC-LĐTBXH",
        "place": "Hồng Ngự",
        "date": dt.date(2026, 1, 5),
        "title": "BÁO CÁO",
        "subtitle": "Kết quả thực hiện Kế hoạch tuyên truyền năm 2025",
        "sections": [
            Section(
                "I. KẾT QUẢ THỰC HIỆN",
                [
                    "Đã tổ chức tuyên truyền, đối thoại trực tiếp với người dân.",
                    Table(["Chỉ tiêu", "Kế hoạch", "Thực hiện"], [["Số người tham gia", 100, 120]]),
                    Chart("Kết quả", ["2024", "2025"], [("Thực hiện", [80, 120])], width_mm=80),
                ],
            )
        ],
        "recipients": ["UBND huyện", "Lưu: VT"],
        "signer_authority": "KT. TRƯỞNG PHÒNG",
        "signer_position": "PHÓ TRƯỞNG PHÒNG",
        "signer_name": "Nguyễn Văn A",
    }


def check_template(data: bytes) -> None:
    """Refuse a template that is not a DOCX, has a broken tag, lacks a required field, uses an unknown
    one, or fails with the sample data; each message names the tag or field."""
    if len(data) > MAX_TEMPLATE_BYTES:
        raise ValidationError(_("The template is larger than %(mb)s MB.") % {"mb": MAX_TEMPLATE_BYTES // (1024 * 1024)})
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
        if "word/document.xml" not in names:
            raise ValueError("no word/document.xml")
        doc = Document(io.BytesIO(data))
    except Exception as exc:  # noqa: BLE001 (anything that is not a readable DOCX)
        raise ValidationError(
            _("The file is not a Word document (.docx). Save it as .docx in Word or LibreOffice and upload it again.")
        ) from exc

    errors = _tag_errors(_paragraph_texts(doc))
    if errors:
        raise ValidationError(errors)

    tpl = DocxTemplate(io.BytesIO(data))
    try:
        used = tpl.get_undeclared_template_variables(_environment())
    except TemplateSyntaxError as exc:
        raise ValidationError(_("A tag of the template is broken: %(error)s") % {"error": exc.message}) from exc

    problems = []
    for name in REQUIRED_FIELDS:
        if name in used or any(alt <= used for alt in ALTERNATIVES.get(name, ())):
            continue
        problems.append(
            _('The required field "%(field)s" (%(meaning)s) is missing: add {{ %(field)s }} to the template.')
            % {"field": name, "meaning": FIELDS[name]}
        )
    for name in sorted(used - set(FIELDS)):
        problems.append(
            _('The template uses the unknown field "%(field)s"; the fields are: %(fields)s.')
            % {"field": name, "fields": ", ".join(FIELDS)}
        )
    if problems:
        raise ValidationError(problems)

    try:
        render_docx(data, sample_context())
    except Exception as exc:  # anything a user's template can raise (a division by zero included) refuses it
        raise ValidationError(_("The template fails with sample data: %(error)s") % {"error": exc}) from exc


def may_manage_templates(user, unit) -> bool:
    """The unit's own people, and the coordinator and administrator for any unit; reading every unit
    (insurance, finance, leaders) does not make one the keeper of other units' templates."""
    from lantoa.accounts.roles import READ_ONLY, Role, has_role

    if has_role(user, READ_ONLY):
        return False
    if has_role(user, {Role.COORDINATOR, Role.ADMIN}):
        return True
    return unit.pk in own_unit_ids(user)


@transaction.atomic
def report_template_upload(*, actor, unit, kind: str, file, note: str = "") -> ReportTemplate:
    """A new version of the unit's template for `kind`, checked first; it becomes the one in use."""
    if kind not in ReportKind.values:
        raise ValidationError({"kind": _("Choose a kind of report.")})
    if actor is not None and not may_manage_templates(actor, unit):
        raise ValidationError(_("You may only change the report templates of your own unit."))
    data = file.read()
    check_template(data)
    rows = ReportTemplate.objects.select_for_update().filter(unit=unit, kind=kind)
    version = (rows.aggregate(last=Max("version"))["last"] or 0) + 1
    rows.filter(is_active=True).update(is_active=False)
    template = ReportTemplate(
        unit=unit,
        kind=kind,
        version=version,
        original_name=(getattr(file, "name", "") or "")[:255],
        sha256=hashlib.sha256(data).hexdigest(),
        note=note,
        uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    template.file.save(f"v{version}.docx", ContentFile(data), save=False)
    template.save()
    audit_log(
        actor=actor,
        action=AuditLog.Action.CREATE,
        obj=template,
        after=snapshot(template),
        verb="report_template_upload",
    )
    return template


@transaction.atomic
def report_template_activate(*, actor, template: ReportTemplate) -> ReportTemplate:
    """Use an earlier (or the latest) version again."""
    if actor is not None and not may_manage_templates(actor, template.unit):
        raise ValidationError(_("You may only change the report templates of your own unit."))
    ReportTemplate.objects.filter(unit=template.unit, kind=template.kind, is_active=True).exclude(
        pk=template.pk
    ).update(is_active=False)
    updated = ReportTemplate.objects.filter(pk=template.pk).update(is_active=True)
    if updated != 1:
        raise ValidationError(_("This template no longer exists."))
    template.is_active = True
    audit_log(actor=actor, action=AuditLog.Action.ACTION, obj=template, verb="report_template_activate")
    return template
