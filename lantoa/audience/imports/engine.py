"""The import engine: a spreadsheet streamed row by row through map → check → write.

A kind of import is a `Layout` (see layouts.py): its fields (label, accepted header texts, cleaner),
how a row becomes a record, the keys that make two rows the same, how records are matched to what is
already stored, and how a batch of records is written. The engine does the rest, the same for every
kind:

* `inspect_upload` refuses what is not a spreadsheet (content, not the extension), too big, or empty;
* `read_header` skips the title block, finds the header row (also over two rows, under merged cells)
  and proposes a mapping from the header texts;
* `run_check` streams every row once: cleans each cell, names each bad one ("Row 14, column Số CCCD:
  must have 12 digits"), finds rows repeated inside the file, counts new / updated / unchanged
  against the registry, writes the error sheet, and keeps the cleaned records in a work file;
* `run_commit` writes the kept records in ONE transaction (bulk, in batches) with one audit row.

Memory stays flat: rows are never all held; only the duplicate keys (one 64-bit hash and a row
number per key) grow with the file.
"""

import codecs
import contextlib
import csv
import datetime as dt
import hashlib
import io
import os
import pickle
import re
import tempfile
import unicodedata
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from python_calamine import CalamineWorkbook

from lantoa.audience.fields import FieldError
from lantoa.audience.imports import legacy_text
from lantoa.audience.models import ColumnMapping, ImportJob
from lantoa.core.exports import append_row
from lantoa.core.models import AuditLog
from lantoa.core.services import audit_log
from lantoa.core.sheets import SheetError, SheetLimits, xlsx_extent
from lantoa.core.text import search_key

# No setting: one limit for every office. A million-row people list is about 120 MB as CSV.
MAX_UPLOAD_BYTES = 150 * 1024 * 1024
MAX_ERRORS_SHOWN = 200
BATCH = 2000
HEADER_SCAN_ROWS = 30
ERROR_CELL_CHARS = 1000  # a cell quoted in the error sheet is cut to this many characters
MESSAGE_VALUE_CHARS = 60

XLSX = "xlsx"
CSV = "csv"

# What the first sheet may span before calamine lays it out as a dense grid (about 32 bytes a cell, so
# ~512 MB at most, in the background worker): Excel's own row limit, office lists are never 256 columns
# wide, and inflated XML beyond 2 GB is a zip bomb rather than a list.
IMPORT_LIMITS = SheetLimits(rows=1_048_576, columns=256, cells=16_000_000, xml_bytes=2 * 1024 * 1024 * 1024)
SAMPLE_TEXTS = 200  # non-ASCII texts kept from the upload to show the legacy-font conversion


class ImportFileError(ValueError):
    """The file cannot be imported at all (not a spreadsheet, too big, empty, no header)."""


# ----- the layout contract -----------------------------------------------------------------------------


def _identity(value):
    return value


@dataclass
class Field:
    key: str
    label: Promise | str
    aliases: tuple[str, ...] = ()
    required: bool = False
    clean: Callable[[str], Any] = _identity
    text: bool = True  # legacy-font conversion applies to it
    help: Promise | str = ""

    def alias_keys(self) -> set[str]:
        # Per language: the label is translated.
        label = str(self.label)
        cache = self.__dict__.setdefault("_alias_cache", {})
        if label not in cache:
            cache[label] = {search_key(a) for a in (label, *self.aliases)}
        return cache[label]


@dataclass
class Outcome:
    """What a checked record will do: "new", "updated" or "unchanged", and a weaker match to point out."""

    action: str
    possible_duplicate: str = ""


@dataclass
class Layout:
    kind: str
    fields: list[Field]
    # prepare(job, actor) → a context object the other hooks share (lookups loaded once).
    prepare: Callable[[ImportJob, Any], Any]
    # build(ctx, values) → (record, [(field key or None, message)]): cross-field checks, areas resolved.
    build: Callable[[Any, dict], tuple[dict | None, list[tuple[str | None, str]]]]
    # keys(record) → [(reason, key)]: two rows with the same key are the same thing.
    keys: Callable[[dict], list[tuple[str, str]]]
    # match(ctx, records) → [Outcome]: against what is stored (read only).
    match: Callable[[Any, list[dict]], list[Outcome]]
    # write(ctx, records, totals): write one batch (inside the import's one transaction).
    write: Callable[[Any, list[dict], dict], None]
    # finish(ctx, totals): after the last batch, still inside the transaction.
    finish: Callable[[Any, dict], None] = lambda ctx, totals: None
    # check_mapping(ctx_or_job, mapping) → [message]: e.g. a commune column needed for this unit.
    check_mapping: Callable[[ImportJob, dict], list[str]] = lambda job, mapping: []
    title: Promise | str = ""
    sample: list[list[str]] = field(default_factory=list)  # example data rows for the sample file
    needs_activity: bool = False

    def field(self, key: str) -> Field:
        return next(f for f in self.fields if f.key == key)


LAYOUTS: dict[str, Layout] = {}


def register(layout: Layout) -> Layout:
    LAYOUTS[layout.kind] = layout
    return layout


def layout_for(kind: str) -> Layout:
    from lantoa.audience.imports import layouts, layouts_records  # noqa: F401 - registers the layouts

    try:
        return LAYOUTS[kind]
    except KeyError:
        raise ImportFileError(_("This kind of import is not available.")) from None


# ----- the upload --------------------------------------------------------------------------------------


def _decodable(stream, encoding: str) -> bool:
    stream.seek(0)
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        while chunk := stream.read(1 << 20):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    finally:
        stream.seek(0)
    return True


def csv_encoding(stream) -> str:
    """UTF-8 (with or without BOM) or Windows-1258 — what Vietnamese Excel saves as "CSV"."""
    if _decodable(stream, "utf-8"):
        return "utf-8-sig"
    if _decodable(stream, "cp1258"):
        return "cp1258"
    raise ImportFileError(_("The CSV file cannot be read: its encoding is neither UTF-8 nor Windows-1258."))


def inspect_upload(stream, name: str, size: int) -> str:
    """XLSX or CSV by content; raises ImportFileError with the reason otherwise."""
    if size > MAX_UPLOAD_BYTES:
        raise ImportFileError(
            _("The file is too big (%(size)s MB); at most %(max)s MB can be imported at once. Split it into parts.")
            % {"size": round(size / 1024 / 1024), "max": MAX_UPLOAD_BYTES // 1024 // 1024}
        )
    if size == 0:
        raise ImportFileError(_("The file is empty."))
    stream.seek(0)
    head = stream.read(8192)
    stream.seek(0)
    if head.startswith(b"PK\x03\x04"):
        try:
            names = set(zipfile.ZipFile(stream).namelist())
        except zipfile.BadZipFile:
            names = set()
        stream.seek(0)
        if "xl/workbook.xml" not in names:
            raise ImportFileError(_("This is not an Excel workbook (.xlsx). Save the list as .xlsx or .csv."))
        return XLSX
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportFileError(
            _("This is an old Excel file (.xls). Open it in Excel and save it as “Excel Workbook (.xlsx)”.")
        )
    if b"\x00" in head or head.startswith((b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"MZ", b"\x7fELF")):
        raise ImportFileError(_("This file is not a spreadsheet. Upload an .xlsx or .csv file."))
    if not head.strip(b"\xef\xbb\xbf \r\n\t,;"):
        raise ImportFileError(_("The file is empty."))
    csv_encoding(stream)
    return CSV


def sha256_of(stream) -> str:
    stream.seek(0)
    digest = hashlib.sha256()
    while chunk := stream.read(1 << 20):
        digest.update(chunk)
    stream.seek(0)
    return digest.hexdigest()


# ----- reading rows ------------------------------------------------------------------------------------


def _text(value) -> str:
    """A cell as text: whole floats without ".0", dates ISO (the cleaners read both), NFC."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        return value if value.isascii() else unicodedata.normalize("NFC", value)
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return unicodedata.normalize("NFC", str(value))


class SheetReader:
    """Rows of the first sheet as (row number as Excel shows it, [text cells]), streamed."""

    def __init__(self, job: ImportJob):
        self.job = job
        self.kind = XLSX if job.original_name.lower().endswith((".xlsx", ".xlsm")) else CSV
        self.total_hint = 0
        self.merged: list[tuple[tuple[int, int], tuple[int, int]]] = []
        self.first_col = 0
        self._handle = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self._handle is not None:
            self._handle.close()

    def _open(self):
        storage = self.job.file.storage
        try:
            path = storage.path(self.job.file.name)
        except NotImplementedError:
            path = None
        if path and os.path.exists(path):
            self._handle = open(path, "rb")  # noqa: SIM115 - closed by __exit__
        else:
            self._handle = storage.open(self.job.file.name, "rb")
        return self._handle

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        handle = self._open()
        if self.kind == XLSX:
            try:
                xlsx_extent(handle, IMPORT_LIMITS)
            except SheetError as exc:
                raise ImportFileError(str(exc)) from None
            try:
                book = CalamineWorkbook.from_filelike(handle)
                sheet = book.get_sheet_by_index(0)
            except Exception as exc:
                raise ImportFileError(_("The spreadsheet cannot be read: %(error)s") % {"error": exc}) from None
            self.total_hint = sheet.height
            self.first_col = sheet.start[1] if sheet.start else 0
            try:
                self.merged = sheet.merged_cell_ranges or []
            except Exception:  # noqa: BLE001 - merged ranges are a hint only
                self.merged = []
            for index, row in enumerate(sheet.iter_rows()):
                yield index + 1, [_text(c) for c in row]
            return
        encoding = csv_encoding(handle)
        size = self.job.size or 1
        text = io.TextIOWrapper(handle, encoding=encoding, newline="")
        sample = text.read(16384)
        text.seek(0)
        try:
            dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel
        reader = csv.reader(text, dialect)
        for index, row in enumerate(reader, start=1):
            if len(row) > IMPORT_LIMITS.columns:
                raise ImportFileError(
                    _("Row %(row)s has %(count)s columns; at most %(max)s columns can be read.")
                    % {"row": index, "count": len(row), "max": IMPORT_LIMITS.columns}
                )
            if index == 1000:
                self.total_hint = int(size * 1000 / max(handle.tell(), 1))
            yield index, [c if c.isascii() else unicodedata.normalize("NFC", c) for c in row]


# ----- header --------------------------------------------------------------------------------------------

_PAREN = re.compile(r"\([^)]*\)")
_NUMBERING = re.compile(r"^\(?\s*(\d{1,3}|[a-zA-Z])\s*\)?$")
_END_WORDS = ("tong cong", "cong", "tong so", "tong")
_SIGNATURE = re.compile(
    r"ky ghi ro|nguoi lap|thu truong|giam doc|chu tich|xac nhan|truong phong|ke toan|ngay \d* ?thang \d* ?nam"
)


def header_key(text: str) -> str:
    return search_key(_PAREN.sub(" ", text or ""))


def _field_for(layout: Layout, header: str, taken: set[str]) -> str | None:
    key = header_key(header)
    if not key:
        return None
    for f in layout.fields:
        if f.key not in taken and key in f.alias_keys():
            return f.key
    for f in layout.fields:  # "Họ và tên người tham gia" → "Họ và tên"
        if f.key not in taken and any(key.startswith(a + " ") for a in f.alias_keys() if len(a) > 3):
            return f.key
    return None


def propose_mapping(layout: Layout, headers: list[str]) -> dict[str, int]:
    mapping: dict[str, int] = {}
    for col, header in enumerate(headers):
        key = _field_for(layout, header, set(mapping))
        if key:
            mapping[key] = col
    return mapping


def _score(layout: Layout, headers: list[str]) -> int:
    return len(propose_mapping(layout, headers))


def is_numbering_row(cells: list[str]) -> bool:
    filled = [c.strip() for c in cells if c and c.strip()]
    return len(filled) > 1 and all(_NUMBERING.match(c) for c in filled)


@dataclass
class Header:
    row: int  # the Excel row number of the (last) header row
    headers: list[str]
    signature: str
    mapping: dict[str, int]
    sample_texts: list[str]


def signature_of(headers: list[str]) -> str:
    text = "|".join(header_key(h) for h in headers).rstrip("|")
    return hashlib.sha256(text.encode()).hexdigest()


def _merged_top(reader: SheetReader, top_row: int, cells: list[str]) -> list[str]:
    """Calamine gives a merged cell's value in its first cell only: spread it over the cells it covers."""
    out = list(cells)
    for (r1, c1), (r2, c2) in reader.merged:
        if r1 <= top_row - 1 <= r2:
            first = c1 - reader.first_col
            value = cells[first] if 0 <= first < len(cells) else ""
            for c in range(max(first, 0), min(c2 - reader.first_col + 1, len(out))):
                out[c] = out[c] or value
    return out


def _chain(first, second):
    yield from first
    yield from second


def read_header(job: ImportJob, layout: Layout) -> Header:
    with SheetReader(job) as reader:
        rows = reader.rows()
        head: list[tuple[int, list[str]]] = []
        for number, cells in rows:
            head.append((number, cells))
            if len(head) >= HEADER_SCAN_ROWS:
                break
        best, best_score = None, 1
        for i, (_number, cells) in enumerate(head):
            score = _score(layout, cells)
            if score > best_score:
                best, best_score = i, score
        if best is None:
            raise ImportFileError(
                _("No header row was found in the first %(n)s rows. The columns should include: %(names)s.")
                % {"n": HEADER_SCAN_ROWS, "names": ", ".join(str(f.label) for f in layout.fields if f.required)}
            )
        number, headers = head[best]
        width = max(len(c) for _n, c in head[best : best + 2])
        headers = headers + [""] * (width - len(headers))
        # A header over two rows ("Địa chỉ" merged over "Ấp" | "Xã"): the lower text where there is one.
        if best + 1 < len(head) and not is_numbering_row(head[best + 1][1]):
            sub = head[best + 1][1] + [""] * (width - len(head[best + 1][1]))
            top = _merged_top(reader, number, headers)
            combined = [s.strip() or t for s, t in zip(sub, top, strict=True)]
            if _score(layout, combined) > best_score:
                number, headers = head[best + 1][0], combined
        samples: list[str] = []
        rest = (item for item in head[best + 1 :])
        for count, (_n, cells) in enumerate(data_rows(_chain(rest, rows), number)):
            samples.extend(c for c in cells if c and not c.isascii())
            if count > 500:
                break
    headers = [h.strip() for h in headers]
    while headers and not headers[-1]:
        headers.pop()
    return Header(number, headers, signature_of(headers), propose_mapping(layout, headers), samples)


def data_rows(rows: Iterator[tuple[int, list[str]]], header_row: int) -> Iterator[tuple[int, list[str]]]:
    """The data under the header: blank rows and the "(1) (2) (3)" row skipped; a "Tổng cộng" row or the
    signature block ends it."""
    for number, cells in rows:
        if number <= header_row:
            continue
        filled = [c for c in cells if c and c.strip()]
        if not filled:
            continue
        if is_numbering_row(cells):
            continue
        first = [search_key(c) for c in filled[:3]]
        if any(k in _END_WORDS or k.startswith(("tong cong", "tong so")) for k in first):
            return
        if len(filled) <= 3 and any(_SIGNATURE.search(search_key(c)) for c in filled):
            return
        yield number, cells


# ----- prepare: upload → header → mapping ------------------------------------------------------------


def job_prepare(job: ImportJob) -> Header | None:
    """In the background after the upload: find the header, propose or reuse a mapping, detect legacy text.
    None when the job is no longer waiting for it (cancelled meanwhile, or read by another worker)."""
    layout = layout_for(job.kind)
    header = read_header(job, layout)
    remembered = ColumnMapping.objects.filter(unit=job.unit, kind=job.kind, signature=header.signature).first()
    mapping = header.mapping
    if remembered:
        mapping = {k: v for k, v in remembered.mapping.items() if isinstance(v, int) and v < len(header.headers)}
    samples = list(dict.fromkeys(header.sample_texts))[:SAMPLE_TEXTS]
    job.header_row = header.row
    job.signature = header.signature
    job.mapping = {
        "columns": mapping,
        "headers": header.headers,
        "remembered": bool(remembered),
        "detected": legacy_text.detect_many(header.sample_texts) or "",
        "samples": samples,
    }
    job.conversion = job.mapping["detected"]
    changed = ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.READING).update(
        header_row=job.header_row,
        signature=job.signature,
        mapping=job.mapping,
        conversion=job.conversion,
        status=ImportJob.Status.UPLOADED,
    )
    if not changed:
        return None
    job.status = ImportJob.Status.UPLOADED
    return header


def mapping_save(job: ImportJob, columns: dict[str, int], conversion: str) -> list[str]:
    """The user's mapping: checked, stored on the job and remembered for the unit and layout."""
    layout = layout_for(job.kind)
    errors = []
    headers = job.mapping.get("headers", [])
    used: dict[int, str] = {}
    for key, col in columns.items():
        if col in used:
            errors.append(
                _("Column “%(column)s” is chosen for both “%(a)s” and “%(b)s”.")
                % {"column": headers[col], "a": layout.field(used[col]).label, "b": layout.field(key).label}
            )
        used[col] = key
    for f in layout.fields:
        if f.required and f.key not in columns:
            errors.append(_("Choose the column for “%(field)s”.") % {"field": f.label})
    errors.extend(layout.check_mapping(job, columns))
    if conversion not in ("", *legacy_text.ENCODINGS):
        conversion = ""
    if errors:
        return errors
    job.mapping = {**job.mapping, "columns": columns}
    job.conversion = conversion
    job.status = ImportJob.Status.MAPPED
    job.save(update_fields=["mapping", "conversion", "status"])
    ColumnMapping.objects.update_or_create(
        unit=job.unit, kind=job.kind, signature=job.signature, defaults={"mapping": columns}
    )
    return []


# ----- the check ---------------------------------------------------------------------------------------


def _cut(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def row_message(row: int, column: str | None, error: str) -> str:
    if column:
        return _("Row %(row)s, column %(column)s: %(error)s") % {"row": row, "column": column, "error": error}
    return _("Row %(row)s: %(error)s") % {"row": row, "error": error}


def _key_hash(key: str) -> int:
    return int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), "little")


class ErrorSheet:
    """The error sheet: the header, then every bad row as it was with its row number and the errors."""

    def __init__(self, headers: list[str]):
        from openpyxl import Workbook

        self.book = Workbook(write_only=True)
        self.sheet = self.book.create_sheet(_("Errors")[:31])
        append_row(self.sheet, [_("Row"), *headers, _("Errors")])
        self.count = 0

    def add(self, row: int, cells: list[str], messages: list[str]) -> None:
        # The rows as uploaded, rejected formulas included: written as text, never live again.
        self.count += 1
        append_row(self.sheet, [row, *(_cut(c, ERROR_CELL_CHARS) for c in cells), "\n".join(messages)])

    def save(self, job: ImportJob) -> None:
        with tempfile.TemporaryFile() as fh:
            self.book.save(fh)
            fh.seek(0)
            if job.errors_file:
                job.errors_file.delete(save=False)
            job.errors_file.save(f"loi-nhap-{job.pk}.xlsx", File(fh), save=False)


def _work_name(job: ImportJob, suffix: str) -> str:
    return f"imports/work/job-{job.pk}.{suffix}"


def _set_progress(job: ImportJob, **fields) -> None:
    ImportJob.objects.filter(pk=job.pk).update(**fields)
    for k, v in fields.items():
        setattr(job, k, v)


def claim(job: ImportJob, old: tuple[str, ...], new: str) -> bool:
    """Move the job from one of `old` to `new`; False if someone else moved it first."""
    changed = ImportJob.objects.filter(pk=job.pk, status__in=old).update(status=new)
    if changed:
        job.status = new
    return bool(changed)


def _clean_row(mapped, cells, conversion) -> tuple[dict, list[tuple[str, str]]]:
    values: dict[str, Any] = {}
    errors: list[tuple[str, str]] = []
    width = len(cells)
    for f, col, header in mapped:
        raw = cells[col] if col < width else ""
        if raw and conversion and f.text and not raw.isascii():
            raw = legacy_text.decode(raw, conversion)
        if raw[:1] == "=":
            errors.append(
                (header, _("is a formula, not a value: copy the values (Paste Special → Values) and try again"))
            )
            continue
        if not raw.strip():
            if f.required:
                errors.append((header, _("must not be empty")))
            continue
        try:
            values[f.key] = f.clean(raw)
        except FieldError as exc:
            errors.append((header, str(exc)))
    return values, errors


def run_check(job: ImportJob, actor) -> None:
    """Check every row. Writes nothing to the registry; fills the job's counts, errors and work file."""
    layout = layout_for(job.kind)
    ctx = layout.prepare(job, actor)
    headers: list[str] = job.mapping.get("headers", [])
    columns: dict[str, int] = job.mapping.get("columns", {})
    mapped = [(f, columns[f.key], headers[columns[f.key]] or f.key) for f in layout.fields if f.key in columns]
    conversion = job.conversion
    seen: dict[int, int] = {}
    shown: list[dict] = []
    counts = {"new": 0, "updated": 0, "unchanged": 0, "error_rows": 0, "possible_duplicates": 0}
    duplicates: list[dict] = []
    errors_total = 0
    processed = 0
    batch: list[dict] = []
    sheet = None  # made on the first bad row

    def flush(fh):
        outcomes = layout.match(ctx, batch)
        for record, outcome in zip(batch, outcomes, strict=True):
            counts[outcome.action] += 1
            if outcome.possible_duplicate:
                counts["possible_duplicates"] += 1
                if len(duplicates) < MAX_ERRORS_SHOWN:
                    duplicates.append(
                        {
                            "row": record["_row"],
                            "message": row_message(record["_row"], None, outcome.possible_duplicate),
                        }
                    )
        pickle.dump(batch, fh, protocol=pickle.HIGHEST_PROTOCOL)
        batch.clear()

    with tempfile.TemporaryFile() as work, SheetReader(job) as reader:
        for number, cells in data_rows(reader.rows(), job.header_row or 0):
            processed += 1
            values, errors = _clean_row(mapped, cells, conversion)
            record = None
            if not errors:
                record, row_errors = layout.build(ctx, values)
                for key, message in row_errors:
                    column = (
                        headers[columns[key]] if key in columns else (str(layout.field(key).label) if key else None)
                    )
                    errors.append((column, message))
            if record is not None and not errors:
                keys = layout.keys(record)
                for reason, key in keys:
                    first = seen.get(_key_hash(key))
                    if first is not None:
                        errors.append((None, _("repeats row %(row)s (%(reason)s)") % {"row": first, "reason": reason}))
                        break
                else:
                    for _reason, key in keys:
                        seen[_key_hash(key)] = number
            if errors:
                counts["error_rows"] += 1
                errors_total += len(errors)
                messages = [row_message(number, column, message) for column, message in errors]
                for message in messages:
                    if len(shown) < MAX_ERRORS_SHOWN:
                        shown.append({"row": number, "message": _cut(message, 500)})
                if sheet is None:
                    sheet = ErrorSheet(headers)
                sheet.add(number, cells, messages)
                continue
            record["_row"] = number
            batch.append(record)
            if len(batch) >= BATCH:
                flush(work)
            if processed % BATCH == 0:
                _set_progress(job, processed_rows=processed, total_rows=max(reader.total_hint, processed))
        if batch:
            flush(work)
        work.seek(0)
        name = _work_name(job, "pickle")
        if default_storage.exists(name):
            default_storage.delete(name)
        default_storage.save(name, File(work))
    if sheet is not None:
        sheet.save(job)
    elif job.errors_file:
        job.errors_file.delete(save=False)
    valid = counts["new"] + counts["updated"] + counts["unchanged"]
    job.total_rows = processed
    job.processed_rows = processed
    job.valid_rows = valid
    job.error_count = errors_total
    job.errors = shown
    job.result = {**counts, "duplicates": duplicates, "checked_at": timezone.now().isoformat()}
    job.status = ImportJob.Status.CHECKED
    job.save(
        update_fields=[
            "total_rows",
            "processed_rows",
            "valid_rows",
            "error_count",
            "errors",
            "errors_file",
            "result",
            "status",
        ]
    )


# ----- the write ---------------------------------------------------------------------------------------


def audit_created(actor, objs, *, verb: str, note: str) -> None:
    """One audit row per record an import created (as a form would leave), written in bulk."""
    from lantoa.core.services import snapshot

    user = actor if getattr(actor, "is_authenticated", False) else None
    name = user.get_username() if user else "system"
    AuditLog.objects.bulk_create(
        [
            AuditLog(
                actor=user,
                actor_name=name,
                action=AuditLog.Action.CREATE,
                verb=verb,
                target_type=obj._meta.label_lower,
                target_id=str(obj.pk),
                target_repr=str(obj)[:255],
                changes={k: [None, v] for k, v in snapshot(obj).items() if v not in (None, "", False)},
                note=note[:500],
                source="import",
            )
            for obj in objs
        ],
        batch_size=BATCH,
    )


def _work_batches(job: ImportJob) -> Iterator[list[dict]]:
    with default_storage.open(_work_name(job, "pickle"), "rb") as fh:
        while True:
            try:
                yield pickle.load(fh)  # noqa: S301 - written by run_check for this job
            except EOFError:
                return


def progress_of(job: ImportJob) -> int:
    """Rows written so far while importing (kept beside the job: the job row is inside the transaction)."""
    name = _work_name(job, "progress")
    if job.status != ImportJob.Status.IMPORTING or not default_storage.exists(name):
        return job.processed_rows
    try:
        with default_storage.open(name, "rb") as fh:
            return int(fh.read() or 0)
    except (OSError, ValueError):
        return 0


def _write_progress(job: ImportJob, done: int) -> None:
    name = _work_name(job, "progress")
    if default_storage.exists(name):
        default_storage.delete(name)
    default_storage.save(name, ContentFile(str(done).encode()))


@contextlib.contextmanager
def _large_cache():
    """SQLite: keep the import's pages in memory while its one transaction is open. With the default 2 MB
    cache every page read inside a long write transaction goes through a WAL that keeps growing, and a
    million-row import becomes quadratic. (PostgreSQL needs nothing.)"""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cur:
        cur.execute("PRAGMA cache_size")
        before = cur.fetchone()[0]
        cur.execute("PRAGMA cache_size = -524288")  # 512 MB at most, taken only as pages are used
    try:
        yield
    finally:
        with connection.cursor() as cur:
            cur.execute(f"PRAGMA cache_size = {int(before)}")


def run_commit(job: ImportJob, actor) -> dict:
    """Write every checked row in one transaction: all of them, or nothing if anything fails."""
    layout = layout_for(job.kind)
    totals = {"created": 0, "updated": 0, "unchanged": 0}
    done = 0
    with transaction.atomic(), _large_cache():
        ctx = layout.prepare(job, actor)
        for batch in _work_batches(job):
            layout.write(ctx, batch, totals)
            done += len(batch)
            _write_progress(job, done)
        layout.finish(ctx, totals)
        audit_log(
            actor=actor,
            action=AuditLog.Action.ACTION,
            obj=job,
            before={},
            after={
                **totals,
                "file": job.original_name,
                "sha256": job.sha256,
                "skipped_rows": job.result.get("error_rows", 0),
            },
            verb=f"import_{job.kind}",
            note=job.original_name,
        )
        job.status = ImportJob.Status.DONE
        job.processed_rows = done
        job.finished_at = timezone.now()
        job.result = {**job.result, "written": totals}
        job.save(update_fields=["status", "processed_rows", "finished_at", "result"])
    for suffix in ("pickle", "progress"):
        name = _work_name(job, suffix)
        if default_storage.exists(name):
            default_storage.delete(name)
    return totals


def job_fail(job: ImportJob, message: str) -> None:
    job.status = ImportJob.Status.FAILED
    job.message = message
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "message", "finished_at"])


def temp_cleanup(job: ImportJob) -> None:
    for suffix in ("pickle", "progress"):
        name = _work_name(job, suffix)
        if default_storage.exists(name):
            default_storage.delete(name)


# ----- creating a job ------------------------------------------------------------------------------------


def job_create(*, actor, kind: str, unit, upload, activity=None) -> ImportJob:
    """Store the upload (checked to be a spreadsheet by its first bytes) and queue the reading of its header:
    the sheet itself is only ever parsed in the background task, never in the request."""
    layout = layout_for(kind)
    if layout.needs_activity and activity is None:
        raise ImportFileError(_("Choose the activity the people attended."))
    size = upload.size or 0
    file_kind = inspect_upload(upload, upload.name, size)
    digest = sha256_of(upload)
    base = re.sub(r"[^\w.\- ]", "_", os.path.basename(upload.name))[:200] or "tep"
    stem = base.rsplit(".", 1)[0]
    job = ImportJob(
        kind=kind,
        unit=unit,
        activity=activity,
        original_name=base if base.lower().endswith((".xlsx", ".csv", ".xlsm", ".txt")) else f"{stem}.{file_kind}",
        sha256=digest,
        size=size,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        status=ImportJob.Status.READING,
    )
    if file_kind == XLSX and not job.original_name.lower().endswith((".xlsx", ".xlsm")):
        job.original_name = f"{stem}.xlsx"
    if file_kind == CSV and job.original_name.lower().endswith((".xlsx", ".xlsm")):
        job.original_name = f"{stem}.csv"
    upload.seek(0)
    job.file.save(f"{digest[:16]}.{file_kind}", upload, save=False)
    job.save()
    audit_log(
        actor=actor,
        action=AuditLog.Action.CREATE,
        obj=job,
        verb="import_upload",
        note=f"{job.original_name} sha256={digest}",
    )
    from lantoa.audience.imports import tasks  # tasks call the engine

    tasks.import_prepare.enqueue(job.pk)
    job.refresh_from_db()  # a worker in the same process (tests, immediate backend) has read it already
    return job


def earlier_import(job: ImportJob) -> ImportJob | None:
    """The last finished import of the same file for the same kind and unit."""
    return (
        ImportJob.objects.filter(kind=job.kind, unit=job.unit, sha256=job.sha256, status=ImportJob.Status.DONE)
        .exclude(pk=job.pk)
        .order_by("-finished_at")
        .first()
    )
