"""Importing a hotline log (XLSX/CSV): every row is checked first, then all are written in one transaction.

Columns (header texts compared without accents): Ngày (date), Số điện thoại (phone), Họ tên (name),
Xã (commune), Nội dung (content), optional Loại (kind) and Chủ đề (topic).
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from lantoa.core import clock
from lantoa.core.models import valid_on
from lantoa.core.sheets import SheetError, data_rows, find_header, read_table
from lantoa.core.text import parse_date, search_key
from lantoa.feedback.models import IntakeChannel, Kind
from lantoa.feedback.services import feedback_intake_create
from lantoa.geo.models import Area
from lantoa.taxonomy.models import Topic

REQUIRED = {
    "date": ["Ngày", "Ngày gọi", "Date"],
    "text": ["Nội dung", "Nội dung cuộc gọi", "Content"],
}
OPTIONAL = {
    "phone": ["Số điện thoại", "Điện thoại", "SĐT", "Phone"],
    "name": ["Họ tên", "Họ và tên", "Người gọi", "Name"],
    "commune": ["Xã", "Xã, phường", "Địa bàn", "Commune"],
    "kind": ["Loại", "Kind"],
    "topic": ["Chủ đề", "Topic"],
}
KIND_WORDS = {
    "cau hoi": Kind.QUESTION,
    "hoi": Kind.QUESTION,
    "kien nghi": Kind.PETITION,
    "phan anh": Kind.PETITION,
    "khieu nai": Kind.COMPLAINT,
    "to cao": Kind.DENUNCIATION,
    "cai chinh": Kind.CORRECTION,
}


@dataclass
class ImportResult:
    rows: list = field(default_factory=list)  # (row number, dict) ready to write
    errors: list = field(default_factory=list)  # "dòng 14, cột Số điện thoại: …"
    saved: int = 0


class _Rollback(Exception):
    pass


def hotline_import(*, actor, data: bytes, filename: str, commit: bool) -> ImportResult:
    result = ImportResult()
    try:
        table = read_table(data, filename)
        header, mapping = find_header(table, REQUIRED, OPTIONAL)
    except SheetError as exc:
        result.errors.append(str(exc))
        return result
    today = clock.today()
    communes = {a.search_key: a for a in Area.objects.filter(valid_on(today), level=Area.Level.COMMUNE)}
    topics = {search_key(t.name): t for t in Topic.objects.all()}

    def cell(row, name):
        col = mapping.get(name)
        return row[col].strip() if col is not None and col < len(row) else ""

    for number, row in data_rows(table, header):
        item = {"row": number}
        try:
            item["received_on"] = parse_date(cell(row, "date"))
        except ValueError as exc:
            result.errors.append(_("row %(n)s, column Date: %(e)s") % {"n": number, "e": exc})
        item["text"] = cell(row, "text")
        item["asker_phone"] = cell(row, "phone")
        item["asker_name"] = cell(row, "name")
        commune = cell(row, "commune")
        key = search_key(commune)
        area = communes.get(key) or next((a for k, a in communes.items() if k.endswith(" " + key)), None)
        if commune and area is None:
            result.errors.append(
                _("row %(n)s, column Commune: “%(v)s” is not a commune in force") % {"n": number, "v": commune}
            )
        item["area"] = area
        kind = cell(row, "kind")
        item["kind"] = KIND_WORDS.get(search_key(kind), Kind.QUESTION) if kind else Kind.QUESTION
        if kind and search_key(kind) not in KIND_WORDS:
            result.errors.append(_("row %(n)s, column Kind: “%(v)s” is not known") % {"n": number, "v": kind})
        topic = cell(row, "topic")
        item["topic"] = topics.get(search_key(topic)) if topic else None
        result.rows.append(item)

    # Check every row through the real service inside a transaction that is always rolled back, so that
    # the preview names every error the write would meet; then write all at once, or nothing.
    def run(rows, *, keep: bool) -> int:
        saved = 0
        for item in rows:
            fields = {k: v for k, v in item.items() if k != "row"}
            try:
                with transaction.atomic():
                    feedback_intake_create(
                        actor=actor,
                        channel=IntakeChannel.IMPORT,
                        source_ref=f"import:{filename[:80]}:{item['row']}",
                        **fields,
                    )
                saved += 1
            except ValidationError as exc:
                for name, messages in exc.message_dict.items():
                    for message in messages:
                        result.errors.append(
                            _("row %(n)s, %(field)s: %(e)s") % {"n": item["row"], "field": name, "e": message}
                        )
        return saved

    try:
        with transaction.atomic():
            run(result.rows, keep=False)
            raise _Rollback
    except _Rollback:
        pass
    if result.errors or not commit or not result.rows:
        return result
    with transaction.atomic():
        result.saved = run(result.rows, keep=True)
        if result.errors:
            transaction.set_rollback(True)
            result.saved = 0
    return result
