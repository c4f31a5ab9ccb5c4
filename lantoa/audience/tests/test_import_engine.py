"""The import engine on sheets shaped like the offices' own: header detection, cleaning and naming bad
rows, duplicates inside the file and against the registry, all-or-nothing writes and idempotence."""

import datetime as dt
import io
import unicodedata

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import legacy_commune
from lantoa.activities.kinds import Channel, Kind
from lantoa.activities.models import Activity
from lantoa.audience.imports import engine, layouts, legacy_text, tasks
from lantoa.audience.models import ColumnMapping, ImportJob, Person, Reach, StaffPosting, Statistic
from lantoa.core.models import AuditLog
from lantoa.geo.models import Area
from lantoa.orgs.models import Unit

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """Messages are compared by their English msgids (the Vietnamese catalogue is compiled apart)."""
    from django.utils import translation

    with translation.override("en"):
        yield


HEADERS = [
    "STT",
    "Họ và tên",
    "Ngày sinh",
    "Giới tính",
    "Số CCCD",
    "Mã số BHXH",
    "Số điện thoại",
    "Ấp",
    "Xã",
    "Mức thu nhập làm căn cứ đóng",
    "Phương thức đóng",
    "Đóng đến tháng",
]


def good_rows(n: int = 3) -> list[list]:
    rows = []
    for i in range(n):
        rows.append(
            [
                i + 1,
                f"Nguyễn Văn {chr(65 + i)}",
                dt.date(1980 + i, 3, 12) if i % 2 else f"12/03/{1980 + i}",  # a date cell, or text
                "Nam" if i % 2 else "Nữ",
                87085001230 + i,  # a number: lost its leading zero
                "",
                912345670 + i,  # the same
                "Ấp 1" if i % 2 else " Ấp 2 ",  # stray spaces
                "Xã Long Khánh A",
                "1.500.000",
                "3 tháng",
                "12/2023",
            ]
        )
    return rows


def office_xlsx(rows: list[list], *, headers=HEADERS, two_row_header: bool = False) -> bytes:
    """A list as the offices keep it: motto, title, header on row 6, "(1) (2)…" on row 7, data from row
    8, a "Tổng cộng" row with a formula and a signature block."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"] = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    ws.merge_cells("A1:L1")
    ws["A2"] = "Độc lập - Tự do - Hạnh phúc"
    ws.merge_cells("A2:L2")
    ws["A4"] = "DANH SÁCH NGƯỜI THAM GIA BHXH TỰ NGUYỆN"
    ws.merge_cells("A4:L4")
    if two_row_header:
        # "Địa chỉ" merged over "Ấp" | "Xã"; the other titles merged down over both rows.
        for col, text in enumerate(headers, start=1):
            if text in ("Ấp", "Xã"):
                ws.cell(row=6, column=col, value=text)
            else:
                ws.cell(row=5, column=col, value=text)
                ws.merge_cells(start_row=5, start_column=col, end_row=6, end_column=col)
        first = headers.index("Ấp") + 1
        ws.cell(row=5, column=first, value="Địa chỉ")
        ws.merge_cells(start_row=5, start_column=first, end_row=5, end_column=first + 1)
    else:
        ws.append([])
        for col, text in enumerate(headers, start=1):
            ws.cell(row=6, column=col, value=text)
    ws.append([f"({i})" for i in range(1, len(headers) + 1)])
    for row in rows:
        ws.append(row)
    last = ws.max_row
    ws.append(["", "Tổng cộng", "", "", "", "", "", "", "", f"=SUM(J8:J{last})"])
    ws.append([])
    ws.append(["", "", "", "", "", "", "", "", "NGƯỜI LẬP BIỂU"])
    ws.append(["", "", "", "", "", "", "", "", "(Ký, ghi rõ họ tên)"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def csv_bytes(rows: list[list], headers=HEADERS, encoding="utf-8-sig") -> bytes:
    import csv

    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(headers)
    for r in rows:
        w.writerow(["" if c is None else c for c in r])
    text = buf.getvalue()
    if encoding == "cp1258":
        return to_cp1258(text)
    return text.encode(encoding)


TONES = "\u0300\u0301\u0303\u0309\u0323"


def to_cp1258(text: str) -> bytes:
    """Windows-1258 as Vietnamese Windows writes it: base letter (with its shape) + a combining tone."""
    out = bytearray()
    for ch in text:
        try:
            out += ch.encode("cp1258")
        except UnicodeEncodeError:
            d = unicodedata.normalize("NFD", ch)
            tone = next(c for c in d if c in TONES)
            base = unicodedata.normalize("NFC", d.replace(tone, ""))
            out += base.encode("cp1258") + tone.encode("cp1258")
    return bytes(out)


@pytest.fixture
def hamlets(default_data):
    lka = legacy_commune("Xã Long Khánh A")
    for name in ("Ấp 1", "Ấp 2", "Ấp 3"):
        Area.objects.create(name=name, level=Area.Level.HAMLET, parent=lka, search_key=name.lower().replace("ấ", "a"))
    return lka


def start(user, data: bytes, name: str = "danh-sach.xlsx", kind=ImportJob.Kind.PEOPLE, unit=None, activity=None):
    unit = unit or Unit.objects.get(code="hn-ubnd-long-khanh-a")
    return engine.job_create(actor=user, kind=kind, unit=unit, upload=SimpleUploadedFile(name, data), activity=activity)


def check(job, columns=None, conversion=None):
    errors = engine.mapping_save(
        job,
        columns if columns is not None else job.mapping["columns"],
        job.conversion if conversion is None else conversion,
    )
    assert errors == []
    tasks.import_check.enqueue(job.pk)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.CHECKED, job.message
    return job


def commit(job):
    tasks.import_commit.enqueue(job.pk)
    job.refresh_from_db()
    return job


def full_import(user, data, name="danh-sach.xlsx", **kw):
    job = check(start(user, data, name, **kw))
    return commit(job)


# ----- header, office layout, Excel damage -----------------------------------------------------------


def test_office_layout_is_read_and_written(officer_long_khanh_a, hamlets):
    job = start(officer_long_khanh_a, office_xlsx(good_rows(3)))
    assert job.header_row == 6
    assert set(job.mapping["columns"]) >= {"full_name", "birth", "cccd", "phone", "hamlet", "commune", "paid_until"}
    job = check(job)
    assert job.total_rows == 3 and job.result["new"] == 3 and job.result["error_rows"] == 0
    assert not Person.objects.exists()  # checking writes nothing
    job = commit(job)
    assert job.status == ImportJob.Status.DONE and job.result["written"]["created"] == 3
    a = Person.objects.get(full_name="Nguyễn Văn A")
    assert a.cccd == "087085001230" and a.phone == "+84912345670"
    assert a.birth_date == dt.date(1980, 3, 12) and a.birth_year == 1980 and a.sex == "f"
    assert a.area.name == "Ấp 2" and a.unit.code == "hn-ubnd-long-khanh-a"
    assert a.insurance_status == "voluntary" and a.payment_mode == "3m"
    assert a.next_due_date == dt.date(2024, 1, 1)  # paid up to 12/2023
    assert a.declared_income == 1500000 and a.name_key == "nguyen van a"
    assert a.source == "Imported from file danh-sach.xlsx"
    b = Person.objects.get(full_name="Nguyễn Văn B")
    assert b.birth_date == dt.date(1981, 3, 12) and b.area.name == "Ấp 1"
    # One audit row for the whole import, with the counts, and one per person it created (who, from which file).
    audits = AuditLog.objects.filter(verb="import_people")
    assert audits.count() == 1 and audits.get().changes["created"] == [None, 3]
    per_person = AuditLog.objects.filter(target_type="audience.person", verb="import_person_create")
    assert sorted(per_person.values_list("target_id", flat=True)) == sorted(str(p.pk) for p in Person.objects.all())
    assert per_person.get(target_id=str(a.pk)).changes["full_name"] == [None, "Nguyễn Văn A"]
    assert all(r.actor_id == officer_long_khanh_a.pk and r.note == a.source for r in per_person)
    upload = AuditLog.objects.get(verb="import_upload")
    assert upload.target_type == "audience.importjob" and "danh-sach.xlsx" in upload.note


def test_reimporting_the_same_file_changes_nothing(officer_long_khanh_a, hamlets):
    data = office_xlsx(good_rows(4))
    full_import(officer_long_khanh_a, data)
    before = list(Person.objects.order_by("id").values())
    job = start(officer_long_khanh_a, data)
    assert engine.earlier_import(job) is not None
    job = check(job)
    assert job.result["unchanged"] == 4 and job.result["new"] == 0 and job.result["updated"] == 0
    commit(job)
    assert list(Person.objects.order_by("id").values()) == before


def test_a_header_over_two_rows_under_merged_cells(officer_long_khanh_a, hamlets):
    job = start(officer_long_khanh_a, office_xlsx(good_rows(2), two_row_header=True))
    assert job.header_row == 6
    headers = job.mapping["headers"]
    assert headers[job.mapping["columns"]["hamlet"]] == "Ấp"
    assert headers[job.mapping["columns"]["commune"]] == "Xã"
    assert headers[job.mapping["columns"]["full_name"]] == "Họ và tên"
    job = check(job)
    assert job.result["new"] == 2


def test_the_mapping_is_remembered_for_the_unit_and_layout(officer_long_khanh_a, hamlets):
    headers = ["Tên người", "Điện thoại liên hệ", "Xã"]
    data = csv_bytes([["Lê Văn Tám", "0912000111", "Long Khánh A"]], headers)
    job = start(officer_long_khanh_a, data, "a.csv")
    assert "full_name" not in job.mapping["columns"]  # "Tên người" is no known header
    check(job, {"full_name": 0, "phone": 1, "commune": 2})
    again = start(officer_long_khanh_a, data, "b.csv")
    assert again.mapping["remembered"] and again.mapping["columns"] == {"full_name": 0, "phone": 1, "commune": 2}
    assert ColumnMapping.objects.count() == 1


# ----- bad rows, named ------------------------------------------------------------------------------------


def test_every_bad_row_is_named_and_only_valid_rows_are_written(officer_long_khanh_a, hamlets):
    rows = good_rows(6)  # rows 8..13
    rows.append([7, "Trần Văn Sai", "01/01/1990", "Nam", "12345", "", "0912000001", "Ấp 1", "Xã Long Khánh A"])  # 14
    rows.append([8, "", "01/01/1990", "Nam", "", "", "0912000002", "Ấp 1", "Xã Long Khánh A"])  # 15: no name
    rows.append([9, "Lê Thị Tương Lai", "01/01/2030", "Nữ", "", "", "", "Ấp 1", "Xã Long Khánh A"])  # 16
    rows.append([10, "Phạm Văn Ngoại", "1970", "Nam", "", "", "+1 202 555 0100", "Ấp 1", "Xã Long Khánh A"])  # 17
    rows.append([11, "x" * 100_000, "1970", "Nam", "", "", "", "Ấp 1", "Xã Long Khánh A"])  # 18
    rows.append([12, "=A1&B1", "1970", "Nam", "", "", "", "Ấp 1", "Xã Long Khánh A"])  # 19: a formula, no value
    rows.append([13, "Võ Văn Trùng", "1970", "Nam", rows[1][4], "", "", "Ấp 1", "Xã Long Khánh A"])  # 20: CCCD of row 9
    rows.append([14, "Đỗ Văn Ấp", "1970", "Nam", "", "", "", "Ấp 9", "Xã Long Khánh A"])  # 21: no such hamlet
    rows.append([15, "Mai Văn Xã", "1970", "Nam", "", "", "", "", "Xã Không Có"])  # 22: no such commune
    rows.append([16, "Hồ Văn Kiểu", "ngày xưa", "Nam", "", "", "", "", ""])  # 23: not a date
    job = check(start(officer_long_khanh_a, office_xlsx(rows)))
    messages = [e["message"] for e in job.errors]
    assert "Row 14, column Số CCCD: must have 12 digits" in messages
    assert "Row 15, column Họ và tên: must not be empty" in messages
    assert "Row 16, column Ngày sinh: the date of birth is in the future" in messages
    assert any(m.startswith("Row 17, column Số điện thoại:") for m in messages)
    # An XLSX cell holds at most 32,767 characters: the 100,000-character CSV cell is tested below.
    assert any(m.startswith("Row 18, column Họ và tên: is too long (") for m in messages)
    assert "Row 19, column Họ và tên: must not be empty" in messages  # a text formula: see the CSV test
    assert "Row 20: repeats row 9 (same CCCD)" in messages
    assert any(m.startswith("Row 21, column Ấp:") and "Ấp 9" in m for m in messages)
    assert any(m.startswith("Row 22, column Xã: no commune named") for m in messages)
    assert any(m.startswith("Row 23, column Ngày sinh:") for m in messages)
    assert all(len(m) < 600 for m in messages)
    assert job.result["error_rows"] == 10 and job.valid_rows == 6
    # The error sheet: the original rows with their row number and the errors.
    book = openpyxl.load_workbook(io.BytesIO(job.errors_file.open("rb").read()))
    sheet_rows = list(book.active.iter_rows(values_only=True))
    assert sheet_rows[0][0] == "Row" and sheet_rows[0][-1] == "Errors"
    assert len(sheet_rows) == 11 and sheet_rows[1][0] == 14 and "12 digits" in sheet_rows[1][-1]
    assert len(sheet_rows[5][2]) <= engine.ERROR_CELL_CHARS  # the 100,000-character cell, cut
    commit(job)
    assert Person.objects.count() == 6


def test_a_100000_character_cell_in_a_csv(officer_long_khanh_a, hamlets):
    data = csv_bytes([[1, "Nguyễn Văn A", "1980"], [2, "y" * 100_000, "1980"], [3, "=B2&B3", "1980"]])
    job = check(start(officer_long_khanh_a, data, "dai.csv"))
    assert [e["message"] for e in job.errors] == [
        "Row 3, column Họ và tên: is too long (100000 characters, at most 150)",
        "Row 4, column Họ và tên: is a formula, not a value: copy the values (Paste Special → Values) and try again",
    ]
    book = openpyxl.load_workbook(io.BytesIO(job.errors_file.open("rb").read()))
    assert len(list(book.active.iter_rows(values_only=True))[1][2]) == engine.ERROR_CELL_CHARS


def test_duplicates_inside_the_file(officer_long_khanh_a, hamlets):
    rows = [
        [1, "Nguyễn Văn Một", "01/02/1980", "Nam", "", "", "0912000001", "Ấp 1", "Xã Long Khánh A"],
        [2, "NGUYEN VAN MOT", "01/02/1980", "Nam", "", "", "", "Ấp 2", "Long Khánh A"],  # same name+birth+commune
        [3, "Nguyễn văn một", "", "Nam", "", "", "0912000001", "", ""],  # same phone and name
        [4, "Trần Thị Hai", "", "Nữ", "", "", "0912000001", "", ""],  # same phone, other name: fine
    ]
    job = check(start(officer_long_khanh_a, office_xlsx(rows)))
    messages = [e["message"] for e in job.errors]
    assert messages == [
        "Row 9: repeats row 8 (same name, date of birth and commune)",
        "Row 10: repeats row 8 (same phone and name)",
    ]


def test_existing_people_are_updated_not_duplicated(officer_long_khanh_a, hamlets):
    full_import(officer_long_khanh_a, office_xlsx(good_rows(2)))
    rows = good_rows(2)
    rows[0][10] = "12 tháng"  # payment mode changed
    rows.append([3, "Người Khác", "1975", "Nam", "", "", rows[1][6], "Ấp 1", "Xã Long Khánh A"])  # B's phone
    job = check(start(officer_long_khanh_a, office_xlsx(rows), "moi.xlsx"))
    assert (job.result["new"], job.result["updated"], job.result["unchanged"]) == (1, 1, 1)
    assert job.result["possible_duplicates"] == 1
    assert "Nguyễn Văn B" in job.result["duplicates"][0]["message"]
    commit(job)
    assert Person.objects.count() == 3
    assert Person.objects.get(full_name="Nguyễn Văn A").payment_mode == "12m"


def test_people_another_unit_keeps_are_not_matched(officer_long_khanh_a, hamlets):
    """Matching goes through the access gate: a record kept by Thường Lạc, living there, is not touched."""
    other = Person.objects.create(
        full_name="Nguyễn Văn A",
        name_key="nguyen van a",
        cccd="087085001230",
        area=legacy_commune("Xã Thường Lạc"),
        unit=Unit.objects.get(code="hn-ubnd-thuong-lac"),
    )
    job = check(start(officer_long_khanh_a, office_xlsx(good_rows(1))))
    assert job.result["new"] == 1 and job.result["updated"] == 0
    commit(job)
    other.refresh_from_db()
    assert other.area.name == "Xã Thường Lạc" and other.payment_mode == ""
    assert Person.objects.filter(cccd="087085001230").count() == 2


def test_a_failure_while_writing_leaves_nothing_written(officer_long_khanh_a, hamlets, monkeypatch):
    monkeypatch.setattr(engine, "BATCH", 2)
    job = check(start(officer_long_khanh_a, office_xlsx(good_rows(5))))
    layout = engine.LAYOUTS[ImportJob.Kind.PEOPLE]
    calls = {"n": 0}
    original = layout.write

    def failing(ctx, records, totals):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("disk full")
        original(ctx, records, totals)

    monkeypatch.setattr(layout, "write", failing)
    job = commit(job)
    assert job.status == ImportJob.Status.FAILED and "RuntimeError" in job.message
    assert not Person.objects.exists() and not AuditLog.objects.filter(verb="import_people").exists()
    # The same job is not written twice by a second worker picking it up again.
    tasks.import_commit.enqueue(job.pk)
    assert not Person.objects.exists()


# ----- files that are not what they claim ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "name", "needle"),
    [
        (b"%PDF-1.4 hello", "danh-sach.xlsx", "not a spreadsheet"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "anh.csv", "not a spreadsheet"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 40, "cu.xls", "old Excel file"),
        (b"", "rong.csv", "empty"),
        (b"\xef\xbb\xbf\r\n", "rong.csv", "empty"),
        (b"PK\x03\x04not really a zip", "x.xlsx", "not an Excel workbook"),
    ],
)
def test_not_a_spreadsheet_is_refused(officer_long_khanh_a, data, name, needle):
    with pytest.raises(engine.ImportFileError) as err:
        start(officer_long_khanh_a, data, name)
    assert needle in str(err.value)
    assert not ImportJob.objects.exists()


def test_a_file_over_the_limit_is_refused(officer_long_khanh_a, monkeypatch):
    monkeypatch.setattr(engine, "MAX_UPLOAD_BYTES", 1000)
    with pytest.raises(engine.ImportFileError) as err:
        start(officer_long_khanh_a, b"Ho va ten,So dien thoai\n" * 100, "to.csv")
    assert "too big" in str(err.value)


def test_a_csv_in_windows_1258(officer_long_khanh_a, hamlets):
    data = csv_bytes(
        [[1, "Nguyễn Thị Ngọc Ánh", "05/06/1991", "Nữ", "", "", "0987654321", "Ấp 3", "Xã Long Khánh A"]],
        encoding="cp1258",
    )
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    job = full_import(officer_long_khanh_a, data, "ds.csv")
    p = Person.objects.get()
    assert p.full_name == "Nguyễn Thị Ngọc Ánh" and unicodedata.is_normalized("NFC", p.full_name)
    assert p.area.name == "Ấp 3" and job.result["written"]["created"] == 1


def test_text_typed_in_tcvn3_is_detected_and_converted(officer_long_khanh_a, hamlets):
    names = ["Nguyễn Văn Đức", "Trần Thị Ngọc Ánh", "Lê Hồng Phúc"]
    rows = [
        [
            i + 1,
            legacy_text.encode(n, "tcvn3"),
            "1980",
            "Nam",
            "",
            "",
            "",
            legacy_text.encode("Ấp 1", "tcvn3"),
            legacy_text.encode("Xã Long Khánh A", "tcvn3"),
        ]
        for i, n in enumerate(names)
    ]
    job = start(officer_long_khanh_a, office_xlsx(rows))
    assert job.mapping["detected"] == "tcvn3" and job.conversion == "tcvn3"
    full = commit(check(job))
    assert full.status == ImportJob.Status.DONE
    assert sorted(Person.objects.values_list("full_name", flat=True)) == sorted(names)


def test_text_typed_in_vni_is_detected(officer_long_khanh_a, hamlets):
    rows = [
        [1, "Nguyeãn Vaên A", "1980", "Nam", "", "", "", "", ""],
        [2, "Leâ Thò Hoa", "1981", "Nữ", "", "", "", "", ""],
    ]
    job = start(officer_long_khanh_a, office_xlsx(rows))
    assert job.conversion == "vni"
    commit(check(job))
    assert sorted(Person.objects.values_list("full_name", flat=True)) == ["Lê Thị Hoa", "Nguyễn Văn A"]


def test_a_big_csv_streams_with_progress(officer_long_khanh_a, hamlets, monkeypatch):
    monkeypatch.setattr(engine, "BATCH", 50)
    rows = [
        [
            i,
            f"Người Số {chr(65 + i % 26)}{chr(65 + i // 26 % 26)}",
            f"{1950 + i % 50}",
            "Nam",
            f"0870{i:08d}",
            "",
            "",
            "",
            "",
        ]
        for i in range(1, 1201)
    ]
    job = full_import(officer_long_khanh_a, csv_bytes(rows), "lon.csv")
    assert job.total_rows == 1200 and job.result["written"]["created"] == 1200
    assert Person.objects.count() == 1200


# ----- attendance, staff, statistics ----------------------------------------------------------------------


def test_attendance_list_gives_distinct_reach_and_is_idempotent(officer_long_khanh_a, hamlets):
    lka = legacy_commune("Xã Long Khánh A")
    activity = Activity.objects.create(
        kind=Kind.HOUSEHOLD_VISIT,
        channel=Channel.DIRECT,
        start_date=dt.date(2023, 6, 10),
        title="Thăm hộ",
        organiser=Unit.objects.get(code="hn-ubnd-long-khanh-a"),
        area=lka,
        status="done",
    )
    full_import(officer_long_khanh_a, office_xlsx(good_rows(2)))  # A and B are already registered
    headers = ["STT", "Họ và tên", "Năm sinh", "Số CCCD", "Số điện thoại", "Ấp"]
    rows = [
        [1, "Nguyễn Văn A", "", "087085001230", "", ""],  # matched by CCCD
        [2, "Nguyễn Văn Mới", "1990", "", "0913999888", "Ấp 3"],  # new person
    ]
    data = office_xlsx(rows, headers=headers)
    job = full_import(officer_long_khanh_a, data, "diem-danh.xlsx", kind=ImportJob.Kind.ATTENDANCE, activity=activity)
    assert job.status == ImportJob.Status.DONE, job.message
    assert job.result["written"]["reached"] == 2 and job.result["written"]["created"] == 1
    assert Reach.objects.filter(activity=activity).count() == 2 and Person.objects.count() == 3
    again = full_import(officer_long_khanh_a, data, "diem-danh.xlsx", kind=ImportJob.Kind.ATTENDANCE, activity=activity)
    assert again.result["written"]["reached_new"] == 0 and Reach.objects.count() == 2 and Person.objects.count() == 3


def test_staff_list(officer_long_khanh_a, hamlets):
    headers = [
        "STT",
        "Họ và tên",
        "Ngày sinh",
        "Số CCCD",
        "Chức vụ",
        "Lãnh đạo",
        "Làm công tác truyền thông",
        "Từ ngày",
    ]
    rows = [
        [1, "Phạm Văn Dũng", "05/09/1975", "087075003456", "Chủ tịch UBND xã", "x", "", "01/07/2021"],
        [2, "Võ Thị Em", "20/11/1988", "087188004567", "Công chức Văn hóa - Xã hội", "", "có", "15/03/2022"],
    ]
    data = office_xlsx(rows, headers=headers)
    job = full_import(officer_long_khanh_a, data, "can-bo.xlsx", kind=ImportJob.Kind.STAFF)
    assert job.status == ImportJob.Status.DONE, job.message
    leader = StaffPosting.objects.get(is_leader=True)
    assert leader.person.full_name == "Phạm Văn Dũng" and leader.unit.code == "hn-ubnd-long-khanh-a"
    assert leader.valid_from == dt.date(2021, 7, 1) and leader.is_official
    assert StaffPosting.objects.get(communication=True).person.full_name == "Võ Thị Em"
    again = check(start(officer_long_khanh_a, data, "can-bo.xlsx", kind=ImportJob.Kind.STAFF))
    assert again.result["unchanged"] == 2
    commit(again)
    assert StaffPosting.objects.count() == 2 and Person.objects.count() == 2


def test_statistics(officer_long_khanh_a, hamlets):
    headers = ["STT", "Chỉ tiêu", "Năm", "Xã", "Số lượng", "Nguồn", "Tính đến ngày"]
    rows = [
        [1, "Lực lượng lao động", 2022, "Long Khánh A", "6.850", "Chi cục Thống kê", "31/12/2022"],
        [2, "Cán bộ công chức", 2022, "", "21", "UBND xã", "31/12/2022"],
        [3, "Lực lượng lao động", 2022, "Thường Lạc", "5.000", "Chi cục Thống kê", ""],  # not their commune
    ]
    data = office_xlsx(rows, headers=headers)
    job = check(start(officer_long_khanh_a, data, "so-lieu.xlsx", kind=ImportJob.Kind.STATISTICS))
    assert [e["message"] for e in job.errors] == ["Row 10, column Xã: Xã Thường Lạc is outside your unit's areas"]
    commit(job)
    lf = Statistic.objects.get(kind="labour_force")
    assert lf.value == 6850 and lf.area == legacy_commune("Xã Long Khánh A") and lf.year == 2022
    assert Statistic.objects.get(kind="officials").unit.code == "hn-ubnd-long-khanh-a"


@pytest.mark.parametrize("kind", ["people", "attendance", "staff", "statistics"])
def test_the_sample_files_import_cleanly(officer_long_khanh_a, hamlets, kind):
    from lantoa.audience.imports.views import sample_workbook

    activity = None
    if kind == "attendance":
        activity = Activity.objects.create(
            kind=Kind.HOUSEHOLD_VISIT,
            channel=Channel.DIRECT,
            start_date=dt.date(2023, 6, 10),
            title="Thăm hộ",
            organiser=Unit.objects.get(code="hn-ubnd-long-khanh-a"),
            area=legacy_commune("Xã Long Khánh A"),
            status="done",
        )
    job = check(start(officer_long_khanh_a, sample_workbook(kind), f"mau-{kind}.xlsx", kind=kind, activity=activity))
    assert job.errors == [] and job.valid_rows == 2
    assert commit(job).status == ImportJob.Status.DONE


# ----- properties ------------------------------------------------------------------------------------------

NAMES = st.sampled_from(["Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ"])
MIDDLE = st.sampled_from(["Văn", "Thị", "Hữu", "Ngọc", "Minh", "Thanh", "Quốc"])
GIVEN = st.sampled_from(["An", "Bình", "Cúc", "Dũng", "Em", "Giang", "Hạnh", "Khánh", "Lộc", "Phúc", "Tư", "Ánh"])
PHONES = st.builds(
    lambda p, rest: f"0{p}{rest:07d}",
    st.sampled_from(["32", "56", "70", "77", "81", "86", "90", "91", "98"]),
    st.integers(0, 9_999_999),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    last=NAMES,
    middle=MIDDLE,
    given_=GIVEN,
    birth=st.dates(dt.date(1930, 1, 1), dt.date(2023, 6, 15)),
    cccd=st.integers(0, 10**12 - 1),
    phone=PHONES,
    sex=st.sampled_from(["Nam", "Nữ", "nam", "NỮ", ""]),
    paid=st.tuples(st.integers(1, 12), st.integers(2000, 2030)),
    spaces=st.sampled_from(["", " ", "  "]),
)
def test_valid_rows_always_validate(officer_long_khanh_a, last, middle, given_, birth, cccd, phone, sex, paid, spaces):
    job = ImportJob(
        unit=Unit.objects.get(code="hn-ubnd-long-khanh-a"),
        kind="people",
        original_name="x.csv",
        mapping={"columns": {}},
    )
    layout = engine.layout_for("people")
    ctx = layout.prepare(job, officer_long_khanh_a)
    mapped = [
        (layout.field(k), i, k)
        for i, k in enumerate(["full_name", "birth", "sex", "cccd", "phone", "commune", "payment_mode", "paid_until"])
    ]
    cells = [
        spaces + f"{last} {middle} {given_}",
        birth.strftime("%d/%m/%Y"),
        sex,
        f"{cccd:012d}",
        phone,
        "Long Khánh A",
        "6 tháng",
        f"{paid[0]:02d}/{paid[1]}",
    ]
    values, errors = engine._clean_row(mapped, cells, "")
    assert errors == []
    record, row_errors = layout.build(ctx, values)
    assert row_errors == [] and record["birth_date"] == birth and record["cccd"] == f"{cccd:012d}"
    assert record["phone"] == "+84" + phone[1:]


@settings(max_examples=300, deadline=None)
@given(digits=st.text("0123456789", min_size=9, max_size=11), prefix=st.sampled_from(["", "0", "+84", "84"]))
def test_the_fast_phone_reader_agrees_with_the_full_one(digits, prefix):
    from lantoa.audience import fields

    value = prefix + digits
    try:
        expected = fields.clean_phone(value)
    except fields.FieldError:
        expected = None
    try:
        got = layouts.clean_phone(value)
    except fields.FieldError:
        got = None
    assert got == expected


# ----- what the review found ------------------------------------------------------------------------


def test_only_statistics_keepers_import_statistics(default_data, make_user, hamlets):
    collaborator = make_user("collaborator", "hn-ubnd-long-khanh-a")
    headers = ["STT", "Chỉ tiêu", "Năm", "Xã", "Số lượng", "Nguồn"]
    data = office_xlsx([[1, "Lực lượng lao động", 2023, "Long Khánh A", "99999", "tự ghi"]], headers=headers)
    job = start(collaborator, data, "so-lieu.xlsx", kind=ImportJob.Kind.STATISTICS)
    engine.mapping_save(job, job.mapping["columns"], "")
    tasks.import_check.enqueue(job.pk)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED and not Statistic.objects.exists()


def test_an_update_keeps_the_old_values_and_a_refusal_is_a_request(officer_long_khanh_a, hamlets):
    from lantoa.audience.models import DataRequest

    headers = [*HEADERS, "Đồng ý nhận tin"]
    full_import(officer_long_khanh_a, office_xlsx([[*good_rows(1)[0], "có"]], headers=headers))
    person = Person.objects.get()
    assert person.consent
    row = good_rows(1)[0]
    row[6] = 912999999  # a new phone
    job = full_import(officer_long_khanh_a, office_xlsx([[*row, "không"]], headers=headers), "lan-2.xlsx")
    assert job.result["updated"] == 1
    log = AuditLog.objects.get(verb="import_person_update", target_id=str(person.pk))
    assert log.changes["phone"] == ["+84912345670", "+84912999999"] and log.actor == officer_long_khanh_a
    assert DataRequest.objects.filter(person=person, kind=DataRequest.Kind.WITHDRAWAL).count() == 1


def test_a_sheet_never_undoes_an_opt_out(officer_long_khanh_a, hamlets):
    from lantoa.audience.services import consent_record

    headers = [*HEADERS, "Đồng ý nhận tin"]
    full_import(officer_long_khanh_a, office_xlsx([[*good_rows(1)[0], "có"]], headers=headers))
    person = Person.objects.get()
    consent_record(actor=officer_long_khanh_a, person=person, given=False, how="nhắn TC")
    job = full_import(officer_long_khanh_a, office_xlsx([[*good_rows(1)[0], "có"]], headers=headers), "lai.xlsx")
    person.refresh_from_db()
    assert not person.consent and job.result["unchanged"] == 1
