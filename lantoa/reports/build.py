"""A report's documents: the body (sections with tables and charts) from its figures, rendered into the
unit's template (or the default Decree 30 one) as DOCX, turned into PDF, and every table as an XLSX sheet.
`generate` makes one library file in the background, reporting its progress."""

import datetime as dt
import hashlib
import re
import unicodedata
from decimal import Decimal

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lantoa.core.exports import xlsx_workbook
from lantoa.core.text import format_number
from lantoa.documents.charts import Chart
from lantoa.documents.models import ReportKind, ReportTemplate
from lantoa.documents.selectors import report_template_bytes
from lantoa.documents.services import DocumentError, Section, Table, docx_to_pdf, render_docx

from .labels import TOTAL_LABELS, status_label, total_label
from .models import Report, ReportFile


def _n(value) -> str:
    """A stored figure as Vietnamese text: 1.234 or 37,5."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    number = Decimal(str(value))
    return format_number(number, 0 if number == number.to_integral_value() else 1)


def _raw(value):
    """A whole figure as a number (the DOCX formats it 1.234; the XLSX keeps a number Excel can add up);
    anything else as Vietnamese text."""
    if value is None or value == "" or isinstance(value, bool):
        return _n(value)
    number = Decimal(str(value))
    return int(number) if number == number.to_integral_value() else _n(number)


def _float(value):
    if value is None or isinstance(value, bool):
        return None if value is None else (1.0 if value else 0.0)
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


SUBTITLES = {
    ReportKind.UNIT_ANNUAL: "Kết quả thực hiện Kế hoạch tuyên truyền chính sách, pháp luật về BHXH năm {year}",
    ReportKind.DISTRICT: "Kết quả thực hiện Kế hoạch tuyên truyền chính sách, pháp luật về BHXH năm {year} "
    "trên địa bàn {area}",
    ReportKind.INSURANCE_PROVINCE: "Kết quả phối hợp tuyên truyền chính sách, pháp luật về BHXH năm {year}",
    ReportKind.FINAL_EVALUATION: "Tổng kết thực hiện Kế hoạch tuyên truyền chính sách, pháp luật về BHXH "
    "giai đoạn {start} - {end}",
}


def subtitle(report: Report) -> str:
    # The area the issuing unit covers ("huyện Hồng Ngự" until 2025, "tỉnh Đồng Tháp" after), never a fixed one.
    area = report.unit.area.name if report.unit.area_id else ""
    area = area[:1].lower() + area[1:]
    return SUBTITLES[report.kind].format(
        year=report.year, start=report.plan.start_year, end=report.plan.end_year, area=area
    )


# ----------------------------------------------------------------------------- tables


def indicator_table(figures: dict) -> Table:
    rows = [
        [r["code"], r["name"], r["target"], r["display"], status_label(r["status"])]
        for r in figures.get("indicators", [])
    ]
    return Table(
        [_("Code"), _("Indicator"), _("Planned"), _("Achieved"), _("Assessment")],
        rows,
        caption=_("Indicators"),
        widths_mm=[14, 78, 26, 26, 22],
    )


def activity_table(figures: dict) -> Table:
    rows = [
        [r["kind_label"], r["channel_label"], r["count"], _raw(r["participants"]), _raw(r["estimated_reach"])]
        for r in figures.get("activities", [])
    ]
    totals = figures.get("totals", {})
    rows.append(
        [
            _("Total"),
            "",
            totals.get("activities", 0),
            _raw(totals.get("participants")),
            _raw(totals.get("estimated_reach")),
        ]
    )
    return Table(
        [_("Form"), _("Channel"), _("Activities"), _("People present"), _("People reached (estimated)")],
        rows,
        caption=_("Activities by form and channel"),
        widths_mm=[50, 36, 24, 28, 28],
        total_row=True,
    )


def totals_table(figures: dict) -> Table:
    totals = figures.get("totals", {})
    return Table(
        [_("Figure"), _("Achieved")],
        [[total_label(k), _raw(totals.get(k, 0))] for k in TOTAL_LABELS],
        caption=_("Summary of results"),
        widths_mm=[110, 40],
    )


def budget_table(figures: dict) -> Table:
    budget = figures.get("budget") or {}
    rows = [
        [b["label"], _raw(b["total"]), _n(b["share"]) + "%" if b.get("share") else "—"]
        for b in budget.get("by_kind", [])
    ]
    rows.append([_("Total spent"), _raw(budget.get("spent")), ""])
    rows.append([_("Budget estimate"), _raw(budget.get("estimate")), ""])
    rows.append(
        [
            _("Share of the estimate used"),
            (_n(budget.get("percent_used")) + "%") if budget.get("percent_used") else "—",
            "",
        ]
    )
    return Table(
        [_("Form of communication"), _("Amount (VND)"), _("Share")],
        rows,
        caption=_("Budget and spending"),
        widths_mm=[90, 40, 24],
    )


def units_table(figures: dict) -> Table:
    rows = [
        [
            u["unit"],
            u.get("activities", 0),
            _raw(u.get("participants")),
            _raw(u.get("estimated_reach")),
            u.get("messages_sent", 0),
        ]
        for u in figures.get("units", [])
    ]
    return Table(
        [_("Unit"), _("Activities"), _("People present"), _("People reached (estimated)"), _("Messages sent")],
        rows,
        caption=_("Accepted unit reports"),
        widths_mm=[66, 24, 28, 30, 24],
    )


def final_tables(figures: dict) -> list[Table]:
    years = figures.get("years", [])
    headers = [_("Code"), _("Indicator")] + [str(y) for y in years]
    overview = []
    for r in figures.get("indicators", []):
        cells = {c["year"]: c for c in r["years"]}
        overview.append(
            [r["code"], r["name"]]
            + [
                f"{cells[y]['display']} / {cells[y]['target']} ({status_label(cells[y]['status'])})"
                if y in cells
                else ""
                for y in years
            ]
        )
    year_mm = round(110 / max(1, len(years)), 1)
    tables = [
        Table(
            headers,
            overview,
            caption=_("Every indicator, every year: result / target (assessment)"),
            widths_mm=[12, 50] + [year_mm] * len(years),
        )
    ]
    for r in figures.get("indicators", []):
        for key, label, rows_of in (("communes", _("Commune"), "commune"), ("units", _("Unit"), "unit")):
            if not r.get(key):
                continue
            rows = [
                [c[rows_of]]
                + [
                    f"{c['years'][str(y)]['display']} ({status_label(c['years'][str(y)]['status'])})"
                    if str(y) in c["years"]
                    else "—"
                    for y in years
                ]
                for c in r[key]
            ]
            tables.append(
                Table(
                    [label] + [str(y) for y in years],
                    rows,
                    caption=f"{r['code']} · {r['name']}",
                    widths_mm=[56] + [round(116 / max(1, len(years)), 1)] * len(years),
                )
            )
    return tables


def trend_chart(row: dict) -> Chart:
    cells = row["years"]
    return Chart(
        f"{row['code']} · {row['name']}"[:90],
        [str(c["year"]) for c in cells],
        [(_("Achieved"), [_float(c["actual"]) for c in cells])],
        kind="line",
        unit="%" if row["measure"] == "percent" else "",
        width_mm=150,
        target=[_float(c["target_value"]) for c in cells],
    )


def narrative_blocks(text: str, empty: str) -> list[str]:
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n|\r?\n", text or "") if p.strip()]
    return paragraphs or [empty]


# ----------------------------------------------------------------------------- sections per kind


def sections(report: Report, figures: dict) -> list[Section]:
    nothing = _("(not written)")
    out: list[Section] = []
    if report.kind == ReportKind.FINAL_EVALUATION:
        tables = final_tables(figures)
        out.append(
            Section(
                _("I. RESULTS OF THE PLAN'S INDICATORS %(start)s–%(end)s")
                % {"start": report.plan.start_year, "end": report.plan.end_year},
                [
                    _("Of %(total)s indicator-years with a target, %(met)s were met and %(missed)s were not met.")
                    % {
                        "total": figures.get("met", 0) + figures.get("missed", 0),
                        "met": figures.get("met", 0),
                        "missed": figures.get("missed", 0),
                    },
                    tables[0],
                ],
            )
        )
        charts = [
            trend_chart(r) for r in figures.get("indicators", []) if any(c["actual"] is not None for c in r["years"])
        ]
        out.append(Section(_("II. TRENDS"), charts or [_("No figures yet.")]))
        out.append(
            Section(_("III. RESULTS BY COMMUNE AND BY UNIT"), tables[1:] or [_("No figures by commune or by unit.")])
        )
        out.append(Section(_("IV. ASSESSMENT"), narrative_blocks(report.results, nothing)))
        out.append(Section(_("V. SHORTCOMINGS AND THEIR CAUSES"), narrative_blocks(report.shortcomings, nothing)))
        out.append(Section(_("VI. LESSONS AND PROPOSALS"), narrative_blocks(report.proposals, nothing)))
        return out
    results: list = [_("Results of %(year)s:") % {"year": report.year}]
    results += narrative_blocks(report.results, nothing)
    out.append(Section(_("I. RESULTS"), results))
    out.append(Section(_("1. Indicators"), [indicator_table(figures)], level=2))
    out.append(Section(_("2. Activities"), [activity_table(figures), totals_table(figures)], level=2))
    counted = [r for r in figures.get("indicators", []) if _float(r["actual"]) is not None]
    if counted:
        out.append(
            Section(
                _("3. Results against targets"),
                [
                    Chart(
                        _("Result and target (%)"),
                        [r["code"] for r in counted if r["measure"] == "percent"],
                        [(_("Achieved"), [_float(r["actual"]) for r in counted if r["measure"] == "percent"])],
                        unit="%",
                        target=[_float(r["target_value"]) for r in counted if r["measure"] == "percent"],
                    )
                ]
                if any(r["measure"] == "percent" for r in counted)
                else [_("No share indicator to chart.")],
                level=2,
            )
        )
    if figures.get("units") is not None:
        blocks: list = [units_table(figures)]
        if figures.get("missing_units"):
            blocks.append(
                _("Units whose report is not accepted yet: %(units)s.") % {"units": ", ".join(figures["missing_units"])}
            )
        out.append(Section(_("4. Unit reports"), blocks, level=2))
    if figures.get("content"):
        out.append(Section(_("Content used"), ["; ".join(figures["content"])], level=2))
    out.append(Section(_("II. BUDGET"), [budget_table(figures)]))
    out.append(Section(_("III. SHORTCOMINGS AND THEIR CAUSES"), narrative_blocks(report.shortcomings, nothing)))
    out.append(Section(_("IV. PROPOSALS"), narrative_blocks(report.proposals, nothing)))
    return out


PLACE_PREFIX = re.compile(r"^(xã|phường|thị trấn|thị xã|thành phố|huyện|quận|tỉnh|đặc khu)\s+", re.IGNORECASE)


def place_name(unit) -> str:
    """The "địa danh" of the document (Decree 30/2020): the administrative unit the issuer sits in,
    without its level ("Xã Long Khánh" → "Long Khánh"); REPORTS_PLACE, when set, wins."""
    configured = getattr(settings, "REPORTS_PLACE", "")
    if configured:
        return configured
    return PLACE_PREFIX.sub("", unit.area.name).strip() if unit.area_id else ""


def doc_symbol(report: Report) -> str:
    """The report's symbol (Decree 30/2020 "BC-<issuer>"): the one its duty gives, else BC- and the unit's
    abbreviation, else BC."""
    from .services import duty_row_of

    row = duty_row_of(report, report.kind, report.plan, report.year)
    if row is not None and row.symbol:
        return row.symbol
    return f"BC-{report.unit.doc_symbol}" if report.unit.doc_symbol else "BC"


def context(report: Report, figures: dict, *, day: dt.date | None = None) -> dict:
    from lantoa.orgs.services import unit_name_on

    unit = report.unit
    day = day or (timezone.localdate(report.submitted_at) if report.submitted_at else timezone.localdate())
    # Names as they were on the document's day (a unit renamed or merged since keeps its old heading); the
    # governing body of a unit without a parent unit is the unit's own data (a commune committee has none).
    parent = unit_name_on(unit.parent, day) if unit.parent_id else unit.authority
    return {
        "issuer_parent": parent.upper(),
        "issuer": unit_name_on(unit, day).upper(),
        "doc_number": report.doc_number or f"      /{doc_symbol(report)}",
        "place": place_name(unit),
        "date": day,
        "title": "BÁO CÁO",
        "subtitle": subtitle(report),
        "sections": sections(report, figures),
        "recipients": [line.strip() for line in (report.recipients or "").splitlines() if line.strip()],
        "signer_authority": "",
        "signer_position": (report.signer_position or "").upper(),
        "signer_name": report.signer_name,
    }


def xlsx_sheets(report: Report, figures: dict) -> list[tuple[str, list, list]]:
    """Every table of the report as a sheet."""
    tables: list[Table] = []
    for section in sections(report, figures):
        tables += [b for b in section.blocks if isinstance(b, Table)]
    sheets = []
    for i, t in enumerate(tables, 1):
        title = re.sub(r"[\[\]:*?/\\]", " ", t.caption or f"Bang {i}")
        sheets.append((f"{i}. {title}"[:31], t.headers, t.rows))
    return sheets


FILE_PREFIX = {
    ReportKind.UNIT_ANNUAL: "bao-cao-nam",
    ReportKind.DISTRICT: "bao-cao-huyen",
    ReportKind.INSURANCE_PROVINCE: "bao-cao-bhxh-gui-tinh",
    ReportKind.FINAL_EVALUATION: "bao-cao-tong-ket",
}


def filename(report: Report, fmt: str) -> str:
    base = f"{FILE_PREFIX[report.kind]}-{report.unit.short_name or report.unit.name}-{report.year}"
    ascii_name = (
        unicodedata.normalize("NFKD", base.replace("đ", "d").replace("Đ", "D")).encode("ascii", "ignore").decode()
    )
    return re.sub(r"[^A-Za-z0-9]+", "-", ascii_name).strip("-").lower()[:120] + f".{fmt}"


# ----------------------------------------------------------------------------- background generation


def _progress(item: ReportFile, percent: int, step: str) -> None:
    ReportFile.objects.filter(pk=item.pk).update(progress=max(0, min(99, percent)), step=step[:200])


def generate(file_id: int) -> ReportFile | None:
    """Make one library document: figures (frozen, or live for a draft), DOCX from the unit's template, then
    PDF or XLSX. Progress and the step are written as it goes; a failure is kept with its message."""
    from .services import live_figures

    claimed = ReportFile.objects.filter(pk=file_id, status=ReportFile.Status.QUEUED).update(
        status=ReportFile.Status.RUNNING, progress=1, step=_("Starting")
    )
    if not claimed:
        return None
    item = ReportFile.objects.select_related("report__unit", "report__plan", "requested_by").get(pk=file_id)
    report = item.report
    try:
        if report.is_frozen and report.figures is not None:
            figures = report.figures
            source = {"figures": "frozen", "frozen_at": report.frozen_at.isoformat(), "submission": report.submissions}
            _progress(item, 40, _("Figures frozen at submission"))
        else:

            def step(percent, code):
                _progress(item, int(percent * 0.6), _("Computing the figures: %(code)s") % {"code": code})

            figures = live_figures(report, user=item.requested_by, progress=step)
            source = {"figures": "live", "computed_at": figures.get("computed_at")}
        source["status"] = report.status
        if figures.get("units"):
            source["unit_reports"] = [
                {"unit": u["unit"], "report": u["report"], "submission": u["submissions"]} for u in figures["units"]
            ]
        if item.format == ReportFile.Format.XLSX:
            _progress(item, 70, _("Writing the sheets"))
            data = xlsx_workbook(xlsx_sheets(report, figures))
        else:
            template = ReportTemplate.objects.filter(unit=report.unit, kind=report.kind, is_active=True).first()
            source["template"] = (
                {"version": template.version, "sha256": template.sha256} if template else {"version": "default"}
            )
            _progress(item, 65, _("Writing the DOCX"))
            data = render_docx(report_template_bytes(unit=report.unit, kind=report.kind), context(report, figures))
            if item.format == ReportFile.Format.PDF:
                _progress(item, 80, _("Turning the DOCX into PDF"))
                data = docx_to_pdf(data)
        name = filename(report, item.format)
        with transaction.atomic():
            item.refresh_from_db()
            item.file.save(name, ContentFile(data), save=False)
            item.filename = name
            item.size = len(data)
            item.sha256 = hashlib.sha256(data).hexdigest()
            item.source = source
            item.figures = figures if source["figures"] == "live" else None
            item.status = ReportFile.Status.DONE
            item.progress = 100
            item.step = ""
            item.finished_at = timezone.now()
            item.save()
    except DocumentError as exc:
        _fail(item, str(exc))
    except Exception as exc:  # kept on the row so the user sees it; the worker goes on
        _fail(item, _("The document could not be made: %(error)s") % {"error": exc})
        raise
    return ReportFile.objects.get(pk=file_id)


def _fail(item: ReportFile, message: str) -> None:
    ReportFile.objects.filter(pk=item.pk).update(
        status=ReportFile.Status.FAILED, error=message[:2000], finished_at=timezone.now(), step=""
    )
