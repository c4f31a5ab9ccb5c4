"""Writes to the area tree: hamlets by hand or from a sheet, and reorganisations with dates."""

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from lantoa.core.models import AuditLog
from lantoa.core.services import audit_log, snapshot
from lantoa.core.sheets import SheetError, data_rows, find_header, read_table
from lantoa.core.text import format_date, nfc, parse_date, search_key
from lantoa.geo.models import Area, AreaSuccession

HAMLET_TYPES = {
    "ap": "ấp",
    "khom": "khóm",
    "to dan pho": "tổ dân phố",
    "thon": "thôn",
    "ban": "bản",
    "khu pho": "khu phố",
}


def _hamlet_type(text: str) -> str | None:
    key = search_key(text) or "ap"
    return HAMLET_TYPES.get(key)


def _hamlet_date_error(commune: Area, valid_from: dt.date | None) -> str | None:
    if valid_from is None:
        return None
    if commune.valid_to and valid_from > commune.valid_to:
        return _("%(commune)s ended on %(date)s; a hamlet cannot start after that.") % {
            "commune": commune.name,
            "date": format_date(commune.valid_to),
        }
    if commune.valid_from and valid_from < commune.valid_from:
        return _("%(commune)s starts on %(date)s; a hamlet cannot start before that.") % {
            "commune": commune.name,
            "date": format_date(commune.valid_from),
        }
    return None


@transaction.atomic
def hamlet_create(
    *, actor, commune: Area, name: str, division_type: str = "ấp", valid_from: dt.date | None = None
) -> Area:
    name = nfc(name)
    if commune.level != Area.Level.COMMUNE:
        raise ValidationError({"commune": _("A hamlet must belong to a commune, ward or town.")})
    if not name:
        raise ValidationError({"name": _("The hamlet name must not be empty.")})
    kind = _hamlet_type(division_type)
    if kind is None:
        raise ValidationError(
            {"division_type": _("Type “%(type)s” is not valid (ấp, khóm, tổ dân phố…).") % {"type": division_type}}
        )
    date_error = _hamlet_date_error(commune, valid_from)
    if date_error:
        raise ValidationError({"valid_from": date_error})
    if Area.objects.filter(parent=commune, level=Area.Level.HAMLET, search_key=search_key(name)).exists():
        raise ValidationError(
            {"name": _("%(commune)s already has “%(name)s”.") % {"commune": commune.name, "name": name}}
        )
    hamlet = Area.objects.create(
        name=name,
        level=Area.Level.HAMLET,
        division_type=kind,
        parent=commune,
        valid_from=valid_from,
        valid_to=commune.valid_to,
        search_key=search_key(name),
        source="nhập tay",
    )
    audit_log(actor=actor, action=AuditLog.Action.CREATE, obj=hamlet, after=snapshot(hamlet), verb="hamlet_create")
    return hamlet


@dataclass
class RowError:
    row: int
    column: str
    message: str

    def __str__(self):
        return _("Row %(row)s, column %(column)s: %(message)s") % {
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }


class ImportRejected(Exception):
    def __init__(self, errors: list[RowError]):
        self.errors = errors
        super().__init__("; ".join(str(e) for e in errors[:5]))


HAMLET_HEADERS = {
    "commune": ["Xã/phường", "Xã", "Xã, phường, thị trấn", "Mã xã", "Đơn vị hành chính"],
    "name": ["Tên ấp/khóm", "Ấp/khóm", "Tên ấp", "Ấp", "Khóm"],
}
HAMLET_OPTIONAL = {"division_type": ["Loại", "Loại đơn vị"], "valid_from": ["Hiệu lực từ", "Từ ngày"]}


def hamlets_import(*, actor, data: bytes, filename: str, communes: list[Area]) -> list[Area]:
    """Hamlets from a sheet: every row is checked first; one bad row and nothing is saved.

    `communes` are the communes the actor may add to; the sheet names them by name or official code.
    """
    try:
        rows = read_table(data, filename)
        header_index, cols = find_header(rows, HAMLET_HEADERS, HAMLET_OPTIONAL)
    except SheetError as exc:
        raise ImportRejected([RowError(0, "-", str(exc))]) from None
    by_key = {}
    for c in communes:
        by_key[search_key(c.name)] = c
        by_key[search_key(c.name.split(" ", 1)[-1])] = c
        if c.division_type == "thị trấn":
            by_key[search_key(c.name[len("Thị trấn ") :])] = c
        if c.code:
            by_key[c.code] = c
    errors: list[RowError] = []
    planned: list[tuple[Area, str, str, dt.date | None]] = []
    seen = set()
    existing = set(
        Area.objects.filter(parent__in=communes, level=Area.Level.HAMLET).values_list("parent_id", "search_key")
    )
    for offset, row in data_rows(rows, header_index):

        def cell(field, row=row):
            col = cols.get(field)
            return row[col].strip() if col is not None and col < len(row) else ""

        commune_text, name = cell("commune"), cell("name")
        if not commune_text and not name:
            continue
        commune = by_key.get(commune_text) or by_key.get(search_key(commune_text))
        if commune is None:
            errors.append(
                RowError(offset, "Xã/phường", _("no commune “%(name)s” within your scope") % {"name": commune_text})
            )
            continue
        if not name:
            errors.append(RowError(offset, "Tên ấp/khóm", _("must not be empty")))
            continue
        kind = _hamlet_type(cell("division_type"))
        if kind is None:
            errors.append(
                RowError(
                    offset, "Loại", _("“%(value)s” is not ấp, khóm, tổ dân phố…") % {"value": cell("division_type")}
                )
            )
            continue
        valid_from = None
        if cell("valid_from"):
            try:
                valid_from = parse_date(cell("valid_from"))
            except ValueError as exc:
                errors.append(RowError(offset, "Hiệu lực từ", str(exc)))
                continue
            date_error = _hamlet_date_error(commune, valid_from)
            if date_error:
                errors.append(RowError(offset, "Hiệu lực từ", date_error))
                continue
        key = (commune.id, search_key(name))
        if key in seen:
            errors.append(RowError(offset, "Tên ấp/khóm", _("“%(name)s” is repeated in the file") % {"name": name}))
            continue
        seen.add(key)
        if key in existing:
            continue  # already there: re-importing the same sheet changes nothing
        planned.append((commune, name, kind, valid_from))
    if errors:
        raise ImportRejected(errors)
    created = []
    with transaction.atomic():
        for commune, name, kind, valid_from in planned:
            created.append(
                hamlet_create(actor=actor, commune=commune, name=name, division_type=kind, valid_from=valid_from)
            )
    return created


@transaction.atomic
def area_reorganise(
    *, actor, predecessors: list[Area], successor: Area, effective_on: dt.date, partial: bool = False, note: str = ""
) -> list[AreaSuccession]:
    """Close `predecessors` the day before `effective_on` and link them to `successor`."""
    if successor.valid_from and successor.valid_from > effective_on:
        raise ValidationError({"successor": _("The successor area is not yet in force on the merger date.")})
    links = []
    for area in predecessors:
        if area.id == successor.id:
            raise ValidationError({"predecessors": _("An area cannot be merged into itself.")})
        before = snapshot(area)
        if not partial:
            area.valid_to = effective_on - dt.timedelta(days=1)
            area.full_clean()
            area.save(update_fields=["valid_to"])
        has_primary = AreaSuccession.objects.filter(predecessor=area, primary=True).exists()
        link = AreaSuccession.objects.create(
            predecessor=area,
            successor=successor,
            effective_on=effective_on,
            partial=partial,
            primary=not has_primary and not partial,  # an area that stays open keeps its records
            note=nfc(note),
        )
        audit_log(
            actor=actor,
            action=AuditLog.Action.UPDATE,
            obj=area,
            before=before,
            after=snapshot(area),
            verb="area_reorganise",
            note=f"→ {successor.name} từ {effective_on:%d/%m/%Y}",
        )
        links.append(link)
    return links
