"""The plan spreadsheet: a plan's indicators and yearly targets by area, downloaded, filled in Excel and
imported back.

One row per indicator and target (year, scope), so the sheet reads like the plan's annex and needs no
parsing of "05 - 10 cuộc": the minimum, maximum and yes/no are columns of their own, the plan's wording
another. A row without a year only names an indicator (one to add, with its computation from the
catalogue). Every row is checked before anything is written; a row whose target cells are all empty
removes that target. Rows left out of the sheet change nothing.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from lantoa.core.exports import xlsx_workbook
from lantoa.core.models import AuditLog
from lantoa.core.services import audit_log
from lantoa.core.sheets import SheetError, data_rows, find_header, read_table
from lantoa.core.text import format_number, nfc, search_key
from lantoa.geo.models import Area
from lantoa.geo.selectors import descendant_ids, name_key_without_level, plan_lens_ids
from lantoa.orgs.models import Unit
from lantoa.plans.kpi import registry
from lantoa.plans.models import Indicator, Plan, Target

WHOLE_PLAN = "Toàn kế hoạch"
YES_WORDS = {"co", "yes", "x", "1", "dat", "true"}
NO_WORDS = {"khong", "no", "0", "false"}


def _columns():
    """(field, header written, other headers accepted), in the sheet's order."""
    return [
        ("code", _("Indicator code"), ["Mã", "Mã chỉ tiêu", "Code"]),
        ("name", _("Indicator"), ["Chỉ tiêu", "Tên chỉ tiêu", "Indicator"]),
        ("computation", _("Computation"), ["Cách tính", "Computation"]),
        ("measure", _("Unit of measure"), ["Đơn vị tính", "Đơn vị đo", "Unit of measure"]),
        ("direction", _("Direction"), ["Cách đánh giá", "Chiều", "Direction"]),
        ("year", _("Year"), ["Năm", "Year"]),
        ("area", _("Area"), ["Địa bàn", "Area"]),
        ("unit", _("Unit"), ["Đơn vị", "Unit"]),
        ("min_value", _("Minimum"), ["Tối thiểu", "Minimum", "Từ"]),
        ("max_value", _("Maximum"), ["Tối đa", "Maximum", "Đến"]),
        ("expected", _("Yes / no"), ["Có/Không", "Có / Không", "Yes / no"]),
        ("label", _("As written in the plan"), ["Ghi như văn bản", "As written in the plan"]),
        ("note", _("Note"), ["Ghi chú", "Note"]),
    ]


def _number(value: Decimal | None) -> str:
    if value is None:
        return ""
    return format_number(value, 0 if value == value.to_integral_value() else 2)


def plan_sheet(plan: Plan) -> bytes:
    """The plan as a spreadsheet: the targets sheet (first, the one read back) and a guide."""
    cols = _columns()
    rows = []
    for ind in plan.indicators.prefetch_related("targets__area", "targets__unit"):
        head = [
            ind.code,
            ind.name,
            str(registry[ind.computation].label),
            str(ind.get_measure_display()),
            str(ind.get_direction_display()),
        ]
        targets = sorted(ind.targets.all(), key=lambda t: (t.year, t.area_id or 0, t.unit_id or 0))
        if not targets:
            rows.append(head + [""] * (len(cols) - len(head)))
        for t in targets:
            expected = "" if t.expected is None else (_("Yes") if t.expected else _("No"))
            rows.append(
                head
                + [
                    t.year,
                    t.area.name if t.area else ("" if t.unit else WHOLE_PLAN),
                    t.unit.name if t.unit else "",
                    _number(t.min_value),
                    _number(t.max_value),
                    expected,
                    t.label,
                    t.note,
                ]
            )
    guide = [
        [_("Fill in the first sheet and import it back on the plan's page. One row per indicator and year.")],
        [
            _("Area: “%(whole)s” (or empty) for the whole plan, else the name of a commune the plan covers.")
            % {"whole": WHOLE_PLAN}
        ],
        [_("Minimum / maximum: numbers (a percentage without the percent sign); Yes / no: “Có” or “Không”.")],
        [_("A row whose minimum, maximum, yes / no and wording are all empty deletes that target.")],
        [_("A new indicator: a new code with its computation, unit of measure and direction from the lists below.")],
        [_("Years of the plan: %(start)s–%(end)s.") % {"start": plan.start_year, "end": plan.end_year}],
        [""],
        [_("Computations")],
        *[[str(c.label)] for c in registry.all()],
        [""],
        [_("Units of measure")],
        *[[str(label)] for _value, label in Indicator.Measure.choices],
        [""],
        [_("Directions")],
        *[[str(label)] for _value, label in Indicator.Direction.choices],
        [""],
        [_("Areas")],
        [WHOLE_PLAN],
        *[[a.name] for a in plan_areas(plan).order_by("level", "search_key")],
    ]
    return xlsx_workbook([("Chi tieu", [c[1] for c in cols], rows), ("Huong dan", [_("Guide")], guide)])


def plan_areas(plan: Plan):
    """Areas a target of the plan may name: those it covers and the communes inside them, in force at
    some time in the plan's period."""
    covered = list(plan.areas.values_list("id", flat=True))
    first, last = dt.date(plan.start_year, 1, 1), dt.date(plan.end_year, 12, 31)
    return Area.objects.filter(
        Q(valid_from__isnull=True) | Q(valid_from__lte=last),
        Q(valid_to__isnull=True) | Q(valid_to__gte=first),
        id__in=plan_lens_ids(covered) | descendant_ids(covered),
        level__lte=Area.Level.COMMUNE,
    )


@dataclass
class ImportSummary:
    created: int = 0
    changed: int = 0
    deleted: int = 0
    unchanged: int = 0
    indicators_added: list[str] = field(default_factory=list)


class PlanSheetError(ValidationError):
    """The rows that are wrong, each naming its row and column; nothing was written."""

    def __init__(self, errors: list[str]):
        super().__init__(errors)
        self.row_errors = errors


def _choice(text: str, choices) -> str | None:
    key = search_key(text)
    for value, label in choices:
        if key in (search_key(value), search_key(str(label))):
            return value
    return None


def _computation(text: str) -> str | None:
    key = search_key(text)
    for c in registry.all():
        if key in (search_key(c.key), search_key(str(c.label))):
            return c.key
    return None


def _decimal(text: str) -> Decimal:
    cleaned = text.replace("%", "").replace(" ", "").strip()
    if "," in cleaned and "." in cleaned:
        cleaned = cleaned.replace(".", "").replace(",", ".")  # 1.204,5
    else:
        cleaned = cleaned.replace(",", ".")
    value = Decimal(cleaned)
    if not value.is_finite():
        raise InvalidOperation
    return value


@transaction.atomic
def plan_sheet_import(*, actor, plan: Plan, data: bytes, filename: str, dry_run: bool = False) -> ImportSummary:
    """Read a filled plan sheet back: new indicators, targets created, changed or (all cells empty)
    deleted, each through the audited services. Any wrong row → PlanSheetError listing every wrong row
    and nothing written. `dry_run` checks and counts without writing."""
    from lantoa.plans.services import indicator_save, target_delete, target_save

    cols = _columns()
    try:
        rows = read_table(data, filename)
        header, mapping = find_header(
            rows,
            {f: [h, *others] for f, h, others in cols if f in ("code", "year")},
            {f: [h, *others] for f, h, others in cols if f not in ("code", "year")},
        )
    except SheetError as exc:
        raise PlanSheetError([str(exc)]) from None
    headers = {f: h for f, h, _o in cols}
    areas: dict[str, list] = {}
    for area in plan_areas(plan):
        for key in {search_key(area.name), name_key_without_level(area.name)}:
            areas.setdefault(key, []).append(area)
    units = {}
    for unit in Unit.objects.all():
        for name in {unit.name, unit.short_name, unit.code}:
            if name:
                units.setdefault(search_key(name), []).append(unit)
    existing = {i.code: i for i in plan.indicators.all()}
    errors: list[str] = []
    new_indicators: dict[str, Indicator] = {}
    planned: list[tuple[int, Indicator | str, dict]] = []
    seen: dict[tuple, int] = {}

    def cell(row, name):
        col = mapping.get(name)
        return nfc(row[col]).strip() if col is not None and col < len(row) else ""

    def err(number, name, message):
        errors.append(
            _("Row %(row)s, column “%(column)s”: %(message)s")
            % {"row": number, "column": headers[name], "message": message}
        )

    for number, row in data_rows(rows, header):
        code = cell(row, "code").upper()
        if not code:
            err(number, "code", _("the indicator code is empty."))
            continue
        indicator = existing.get(code) or new_indicators.get(code)
        if indicator is None:
            bad = len(errors)
            computation = _computation(cell(row, "computation"))
            measure = _choice(cell(row, "measure"), Indicator.Measure.choices)
            direction = _choice(cell(row, "direction"), Indicator.Direction.choices)
            if not cell(row, "name"):
                err(number, "name", _("a new indicator %(code)s needs its name.") % {"code": code})
            if computation is None:
                err(
                    number,
                    "computation",
                    _("“%(text)s” is not a computation of the catalogue (see the guide sheet).")
                    % {"text": cell(row, "computation")},
                )
            if measure is None:
                err(
                    number,
                    "measure",
                    _("“%(text)s” is not a unit of measure (see the guide sheet).") % {"text": cell(row, "measure")},
                )
            if direction is None:
                err(
                    number,
                    "direction",
                    _("“%(text)s” is not a direction (see the guide sheet).") % {"text": cell(row, "direction")},
                )
            if len(errors) > bad:
                continue
            indicator = Indicator(
                plan=plan,
                code=code,
                name=cell(row, "name"),
                measure=measure,
                direction=direction,
                computation=computation,
            )
            new_indicators[code] = indicator
        year_text = cell(row, "year")
        if not year_text:
            continue  # names an indicator only
        if not year_text.isdecimal():
            err(number, "year", _("“%(text)s” is not a year.") % {"text": year_text})
            continue
        year = int(year_text)
        if not plan.start_year <= year <= plan.end_year:
            err(
                number,
                "year",
                _("%(year)s is outside the plan's period %(start)s–%(end)s.")
                % {"year": year, "start": plan.start_year, "end": plan.end_year},
            )
            continue
        area = unit = None
        area_text, unit_text = cell(row, "area"), cell(row, "unit")
        if area_text and search_key(area_text) != search_key(WHOLE_PLAN):
            found = areas.get(search_key(area_text)) or areas.get(name_key_without_level(area_text), [])
            if len(found) != 1:
                err(
                    number,
                    "area",
                    (
                        _("“%(text)s” is not an area of this plan in %(start)s–%(end)s.")
                        if not found
                        else _("“%(text)s” names several areas.")
                    )
                    % {"text": area_text, "start": plan.start_year, "end": plan.end_year},
                )
                continue
            area = found[0]
        if unit_text:
            found = units.get(search_key(unit_text), [])
            if len(found) != 1:
                err(
                    number,
                    "unit",
                    (_("no unit is named “%(text)s”.") if not found else _("“%(text)s” names several units."))
                    % {"text": unit_text},
                )
                continue
            if area is not None:
                err(number, "unit", _("a target is set for an area or for a unit, not both."))
                continue
            unit = found[0]
        key = (code, year, area.pk if area else None, unit.pk if unit else None)
        if key in seen:
            err(number, "year", _("the same target is already on row %(row)s.") % {"row": seen[key]})
            continue
        seen[key] = number
        values = {}
        bad = len(errors)
        for name in ("min_value", "max_value"):
            text = cell(row, name)
            try:
                values[name] = _decimal(text) if text else None
            except (InvalidOperation, ValueError):
                err(number, name, _("“%(text)s” is not a number.") % {"text": text})
        text = search_key(cell(row, "expected"))
        if text and text not in YES_WORDS | NO_WORDS:
            err(number, "expected", _("write “Có” or “Không”, not “%(text)s”.") % {"text": cell(row, "expected")})
        values["expected"] = None if not text else text in YES_WORDS
        values["label"], values["note"] = cell(row, "label"), cell(row, "note")
        values.update(year=year, area=area, unit=unit)
        if len(errors) == bad:
            planned.append((number, indicator, values))
    if errors:
        raise PlanSheetError(errors)

    summary = ImportSummary()
    for code, indicator in new_indicators.items():
        indicator_save(actor=actor, indicator=indicator)
        summary.indicators_added.append(code)
    for number, indicator, values in planned:
        target = (
            Target.objects.filter(
                indicator=indicator, year=values["year"], area=values["area"], unit=values["unit"]
            ).first()
            if indicator.pk
            else None
        )
        empty = all(values[k] in (None, "") for k in ("min_value", "max_value", "expected", "label"))
        if empty:
            if target is not None:
                target_delete(actor=actor, target=target)
                summary.deleted += 1
            continue
        fields = ("min_value", "max_value", "expected", "label", "note")
        if target is not None and all(getattr(target, f) == values[f] for f in fields):
            summary.unchanged += 1
            continue
        is_new = target is None
        target = target or Target(indicator=indicator, year=values["year"], area=values["area"], unit=values["unit"])
        for f in fields:
            setattr(target, f, values[f])
        try:
            target_save(actor=actor, target=target)
        except ValidationError as exc:
            messages = [m for ms in getattr(exc, "message_dict", {"": exc.messages}).values() for m in ms]
            errors.append(_("Row %(row)s: %(message)s") % {"row": number, "message": " ".join(messages)})
            continue
        if is_new:
            summary.created += 1
        else:
            summary.changed += 1
    if errors:
        raise PlanSheetError(errors)  # the atomic block rolls back what the earlier rows wrote
    if dry_run:
        transaction.set_rollback(True)
    else:
        audit_log(
            actor=actor,
            action=AuditLog.Action.UPDATE,
            obj=plan,
            verb="plan_sheet_import",
            note=f"{filename}: +{summary.created} ~{summary.changed} -{summary.deleted}",
        )
    return summary
