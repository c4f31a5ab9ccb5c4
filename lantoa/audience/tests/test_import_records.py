"""Importing the records units kept in Excel — activities, radio logs, employers, households — through
the import engine: sheets shaped like the offices' own, every bad row named, nothing written until
the file is right, re-imports that change nothing, the 2025 commune merger, scoping, and imported
activities counted by the indicators like hand-entered ones."""

import datetime as dt
import io
from pathlib import Path

import openpyxl
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from conftest import current_commune, legacy_commune
from lantoa.accounts.roles import Role
from lantoa.activities.kinds import Channel, Kind
from lantoa.activities.models import Activity, Audience, Campaign
from lantoa.activities.services import AudienceRow, activity_save
from lantoa.audience.imports import engine, layouts_records, tasks
from lantoa.audience.models import Employer, Household, ImportJob
from lantoa.core.models import AuditLog
from lantoa.geo.models import Area
from lantoa.orgs.models import Unit
from lantoa.plans.kpi import compute
from lantoa.plans.models import Plan
from lantoa.radio.models import Broadcast
from lantoa.taxonomy.models import TargetGroup

pytestmark = pytest.mark.django_db

SAMPLES = Path(settings.BASE_DIR) / "docs" / "import-samples"


@pytest.fixture(autouse=True)
def english():
    """Messages are compared by their English msgids (the Vietnamese catalogue is compiled apart)."""
    with translation.override("en"):
        yield


def _hamlets(commune: Area, names=("Ấp 1", "Ấp 2", "Ấp 3")) -> dict[str, Area]:
    return {
        name: Area.objects.create(
            name=name, level=Area.Level.HAMLET, parent=commune, search_key=name.lower().replace("ấ", "a")
        )
        for name in names
    }


@pytest.fixture
def hamlets(default_data):
    """Hamlets recorded for Long Khánh A and Long Khánh B; none for the other communes."""
    return {
        "lka": _hamlets(legacy_commune("Xã Long Khánh A")),
        "lkb": _hamlets(legacy_commune("Xã Long Khánh B")),
    }


def sheet(headers: list[str], rows: list[list], title: str = "BẢNG TỔNG HỢP") -> bytes:
    """An office sheet: national motto, title, header on row 6, "(1) (2)…" on row 7, data from row 8,
    "Tổng cộng" and the signature block."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"] = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
    ws["A2"] = "Độc lập - Tự do - Hạnh phúc"
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=len(headers))
    ws["A4"] = title
    ws.merge_cells(start_row=4, start_column=1, end_row=4, end_column=len(headers))
    for col, text in enumerate(headers, start=1):
        ws.cell(row=6, column=col, value=text)
    ws.append([f"({i})" for i in range(1, len(headers) + 1)])
    for row in rows:
        ws.append(row)
    ws.append(["", "Tổng cộng", "", "", "", "", "", "=SUM(H8:H20)"])
    ws.append([])
    ws.append(["", "", "", "", "NGƯỜI LẬP BIỂU"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def start(user, data: bytes, kind: str, unit_code: str, name: str = "bang.xlsx") -> ImportJob:
    unit = Unit.objects.get(code=unit_code)
    return engine.job_create(actor=user, kind=kind, unit=unit, upload=SimpleUploadedFile(name, data))


def check(job: ImportJob) -> ImportJob:
    assert engine.mapping_save(job, job.mapping["columns"], job.conversion) == []
    tasks.import_check.enqueue(job.pk)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.CHECKED, job.message
    return job


def commit(job: ImportJob) -> ImportJob:
    tasks.import_commit.enqueue(job.pk)
    job.refresh_from_db()
    return job


def counts(job: ImportJob) -> tuple[int, int, int]:
    return job.result["new"], job.result["updated"], job.result["unchanged"]


def messages(job: ImportJob) -> list[str]:
    return [e["message"] for e in job.errors]


def choose_nothing(job: ImportJob) -> None:
    """What the preview's "Import nothing until the file is fixed" does (imports/views.import_commit)."""
    assert engine.claim(job, (ImportJob.Status.CHECKED,), ImportJob.Status.CANCELLED)
    engine.temp_cleanup(job)


# ----- activities ---------------------------------------------------------------------------------------

ACT_HEADERS = [
    "STT",
    "Ngày",
    "Đơn vị tổ chức",
    "Xã/Thị trấn",
    "Ấp",
    "Hình thức",
    "Đối tượng",
    "Số người tham dự",
    "Nội dung",
    "Thuộc chiến dịch",
    "Kinh phí (đồng)",
]


def act_rows() -> list[list]:
    return [
        [
            1,
            "02/02/2023",
            "BHXH huyện",
            "Long Khánh B",
            "Ấp 3",
            "Hội nghị đối thoại tại doanh nghiệp",
            "Người lao động, người sử dụng lao động",
            35,
            "Chính sách BHXH tự nguyện; NQ 28-NQ/TW",
            "",
            500000,
        ],
        [
            2,
            dt.date(2023, 6, 5),  # a date cell
            "Hội LHPN huyện",
            "Thường Thới Tiền",
            "Ấp 2",  # no hamlets recorded for Thường Thới Tiền: the commune, "Ấp 2" kept in the note
            "Phát tờ rơi",
            "Người dân",
            103,
            "Chính sách BHXH tự nguyện; phát 200 tờ rơi tại chợ",
            "",
            "1.200.000",
        ],
        [
            6,
            "02/02/2023",
            "Hội Nông dân huyện",
            "Thường Phước 1",
            "Ấp 2",
            "Hội nghị tuyên truyền tại cơ sở",
            "Hộ gia đình nông dân",
            9,
            "Chính sách BHXH tự nguyện",
            "",
            0,
        ],
    ]


def act_sheet(rows=None, headers=ACT_HEADERS) -> bytes:
    return sheet(headers, act_rows() if rows is None else rows, "BẢNG TỔNG HỢP HOẠT ĐỘNG TUYÊN TRUYỀN BHXH NĂM 2023")


def import_activities(user, data, unit="hn-ldtbxh") -> ImportJob:
    return commit(check(start(user, data, ImportJob.Kind.ACTIVITIES, unit)))


def _db_state():
    through = Activity.topics.through
    return (
        list(Activity.objects.order_by("id").values()),
        list(Audience.objects.order_by("id").values()),
        sorted(through.objects.values_list("activity_id", "topic_id")),
    )


def test_the_district_summary_sheet_is_read_and_written(coordinator, in_2023, hamlets):
    job = start(coordinator, act_sheet(), ImportJob.Kind.ACTIVITIES, "hn-ldtbxh")
    assert job.header_row == 6
    assert set(job.mapping["columns"]) == {
        "date",
        "organiser",
        "commune",
        "hamlet",
        "kind",
        "group",
        "headcount",
        "topics",
        "campaign",
        "cost",
    }
    job = check(job)
    assert job.errors == [] and counts(job) == (3, 0, 0)
    assert not Activity.objects.exists()  # checking writes nothing
    job = commit(job)
    assert job.status == ImportJob.Status.DONE and job.result["written"]["created"] == 3

    dialogue = Activity.objects.get(organiser__code="hn-bhxh")
    assert dialogue.kind == Kind.DIALOGUE and dialogue.channel == Channel.DIRECT and not dialogue.modern
    assert dialogue.status == Activity.Status.DONE and dialogue.start_date == dt.date(2023, 2, 2)
    assert dialogue.area == hamlets["lkb"]["Ấp 3"]
    assert [(a.group.code, a.headcount) for a in dialogue.audiences.all()] == [("nld-nsdld", 35)]
    assert dialogue.participants == 35 and dialogue.cost == 500000
    topics = list(dialogue.topics.all())
    assert any(t.voluntary_bhxh for t in topics) and any(t.reform_number for t in topics)
    with translation.override(settings.LANGUAGE_CODE):
        assert dialogue.title == str(Kind.DIALOGUE.label)  # untitled: named as activity_save names it
    assert dialogue.created_by == coordinator
    assert "ap 3" in dialogue.search_key and "bao hiem xa hoi" in dialogue.search_key

    leaflets = Activity.objects.get(organiser__code="hn-hoiphunu")
    assert leaflets.kind == Kind.VISUAL and leaflets.channel == Channel.VISUAL
    assert leaflets.area == legacy_commune("Thị trấn Thường Thới Tiền")
    assert leaflets.cost == 1200000 and leaflets.participants == 103
    assert "Ấp 2" in leaflets.note and "phát 200 tờ rơi tại chợ" in leaflets.note  # nothing typed is lost
    assert [a.group.code for a in leaflets.audiences.all()] == ["nguoi-dan"]

    farmers = Activity.objects.get(organiser__code="hn-hoinongdan")
    assert farmers.kind == Kind.CONFERENCE and farmers.cost == 0
    assert farmers.area == legacy_commune("Xã Thường Phước 1")
    assert [(a.group.code, a.headcount) for a in farmers.audiences.all()] == [("tn-1", 9)]

    # One audit row for the import, none per activity.
    audits = AuditLog.objects.filter(verb="import_activities")
    assert audits.count() == 1 and audits.get().changes["created"] == [None, 3]
    assert not AuditLog.objects.filter(verb="activity_save").exists()


def test_optional_columns(coordinator, in_2023, hamlets):
    campaign = Campaign.objects.create(
        name="Tháng vận động BHXH toàn dân 2023",
        type=Campaign.Type.MAY,
        start_date=dt.date(2023, 5, 1),
        end_date=dt.date(2023, 5, 31),
        organiser=Unit.objects.get(code="hn-bhxh"),
        search_key="thang van dong bhxh toan dan 2023",
    )
    headers = [
        "STT",
        "Ngày",
        "Tên hoạt động",
        "Đơn vị tổ chức",
        "Xã",
        "Hình thức",
        "Đối tượng",
        "Số người tham dự",
        "Ước tính số người tiếp cận",
        "Số người đăng ký tham gia BHXH TN",
        "Thuộc chiến dịch",
        "Ghi chú",
    ]
    row = [
        1,
        "10/05/2023",
        "Đối thoại với công nhân Công ty Thủy sản",
        "BHXH huyện",
        "Xã Long Khánh A",
        "Đối thoại",
        "Người lao động",
        40,
        "1.500",
        3,
        "THÁNG VẬN ĐỘNG BHXH TOÀN DÂN 2023",
        "Có ảnh chụp",
    ]
    import_activities(coordinator, act_sheet([row], headers))
    a = Activity.objects.get()
    assert a.title == "Đối thoại với công nhân Công ty Thủy sản" and a.campaign == campaign
    assert a.estimated_reach == 1500 and a.signups == 3 and a.note == "Có ảnh chụp"
    assert a.area == legacy_commune("Xã Long Khánh A")


def test_reimporting_the_summary_sheet_changes_nothing(coordinator, in_2023, hamlets):
    data = act_sheet()
    import_activities(coordinator, data)
    before = _db_state()
    job = check(start(coordinator, data, ImportJob.Kind.ACTIVITIES, "hn-ldtbxh"))
    assert engine.earlier_import(job) is not None
    assert counts(job) == (0, 0, 3)
    job = commit(job)
    assert job.result["written"] == {"created": 0, "updated": 0, "unchanged": 3}
    assert _db_state() == before


def test_a_changed_row_updates_its_activity(coordinator, in_2023, hamlets):
    import_activities(coordinator, act_sheet())
    ids = set(Activity.objects.values_list("id", flat=True))
    rows = act_rows()
    rows[0][7] = 42  # head-count corrected
    rows[2][10] = 300000  # cost added
    job = check(start(coordinator, act_sheet(rows), ImportJob.Kind.ACTIVITIES, "hn-ldtbxh", "sua.xlsx"))
    assert counts(job) == (0, 2, 1)
    commit(job)
    assert set(Activity.objects.values_list("id", flat=True)) == ids
    dialogue = Activity.objects.get(organiser__code="hn-bhxh")
    assert dialogue.participants == 42 and list(dialogue.audiences.values_list("headcount", flat=True)) == [42]
    assert Activity.objects.get(organiser__code="hn-hoinongdan").cost == 300000


def test_every_bad_activity_row_is_named_and_nothing_is_written_until_fixed(coordinator, in_2023, hamlets):
    good = act_rows()
    bad = [
        [7, "03/03/2023", "Hội ABC", "Long Khánh A", "", "Hội nghị", "Người dân", 10, "", "", 0],  # row 11
        [8, "03/03/2023", "BHXH huyện", "Long Khánh A", "", "Múa lân", "Người dân", 10, "", "", 0],  # 12
        [9, "03/03/2023", "BHXH huyện", "Long Khánh A", "", "Hội nghị", "Người ngoài hành tinh", 10, "", "", 0],
        [10, "03/03/2023", "BHXH huyện", "Xã Không Có", "", "Hội nghị", "Người dân", 10, "", "", 0],  # 14
        [11, "03/03/2023", "BHXH huyện", "Long Khánh A", "", "Hội nghị", "Người dân", 10, "", "Chiến dịch X", 0],
        [12, "20/07/2023", "BHXH huyện", "Long Khánh A", "", "Hội nghị", "Người dân", 10, "", "", 0],  # 16: future
        [13, "", "BHXH huyện", "Long Khánh A", "", "Hội nghị", "Người dân", 10, "", "", 0],  # 17: no date
        [14, "03/03/2023", "BHXH huyện", "Long Khánh A", "", "Hội nghị", "Người dân", "ba mươi", "", "", 0],  # 18
        [15, "25/12/1994", "BHXH huyện", "Long Khánh A", "", "Hội nghị", "Người dân", 10, "", "", 0],  # 19
        [16, "03/03/2023", "BHXH huyện", "Long Khánh A", "", "Hội nghị", "Người dân", 10, "", "", "nhiều"],  # 20
        list(good[0]),  # row 21: the first row again
    ]
    job = check(start(coordinator, act_sheet(good + bad), ImportJob.Kind.ACTIVITIES, "hn-ldtbxh"))
    got = messages(job)
    assert "Row 11, column Đơn vị tổ chức: unit “Hội ABC” not found" in got
    assert "Row 12, column Hình thức: form of activity “Múa lân” not found" in got
    assert "Row 13, column Đối tượng: target group “Người ngoài hành tinh” not found" in got
    assert "Row 14, column Xã/Thị trấn: no commune named “Xã Không Có”" in got
    assert "Row 15, column Thuộc chiến dịch: campaign “Chiến dịch X” not found" in got
    assert "Row 16, column Ngày: An activity marked done cannot be in the future; mark it planned." in got
    assert "Row 17, column Ngày: must not be empty" in got
    assert "Row 18, column Số người tham dự: “ba mươi” is not a whole number" in got
    assert "Row 19, column Ngày: The date 25/12/1994 is before 1995: check the year." in got
    assert "Row 20, column Kinh phí (đồng): “nhiều” is not an amount" in got
    assert "Row 21: repeats row 8 (same unit, form, date, place and title)" in got
    assert "Row 19, column Đơn vị tổ chức: Bảo hiểm xã hội huyện Hồng Ngự was not active on 25/12/1994." in got
    assert len(got) == 12 and job.result["error_rows"] == 11 and job.valid_rows == 3, got
    choose_nothing(job)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.CANCELLED
    assert not Activity.objects.exists() and not Audience.objects.exists()
    assert not AuditLog.objects.filter(verb="import_activities").exists()


def test_activities_in_merged_communes_are_read_on_their_own_date(coordinator, hamlets, monkeypatch):
    monkeypatch.setattr("lantoa.core.clock.today", lambda: dt.date(2025, 9, 1))
    rows = [
        [1, "02/02/2023", "BHXH huyện", "Long Khánh A", "", "Hội nghị", "Người dân", 10, "", "", 0],
        [2, "10/08/2025", "BHXH huyện", "Long Khánh", "", "Hội nghị", "Người dân", 10, "", "", 0],
        [3, "02/02/2023", "BHXH huyện", "Thường Lạc", "", "Hội nghị", "Người dân", 10, "", "", 0],
        [4, "10/08/2025", "BHXH huyện", "Thường Lạc", "", "Hội nghị", "Người dân", 10, "", "", 0],
        [5, "10/08/2025", "BHXH huyện", "Long Khánh A", "", "Hội nghị", "Người dân", 10, "", "", 0],  # 12: gone
        [6, "10/08/2025", "UBND Long Khánh A", "Long Khánh", "", "Hội nghị", "Người dân", 10, "", "", 0],  # 13
    ]
    job = check(start(coordinator, act_sheet(rows), ImportJob.Kind.ACTIVITIES, "hn-ldtbxh"))
    assert messages(job) == [
        "Row 12, column Xã/Thị trấn: Xã Long Khánh A no longer existed on 10/08/2025: it ended on 30/06/2025.",
        "Row 13, column Đơn vị tổ chức: Ủy ban nhân dân xã Long Khánh A was not active on 10/08/2025.",
    ]
    commit(job)
    by_row = {(a.start_date.year, a.area_id) for a in Activity.objects.all()}
    assert by_row == {
        (2023, legacy_commune("Xã Long Khánh A").id),
        (2025, current_commune("Xã Long Khánh").id),
        (2023, legacy_commune("Xã Thường Lạc").id),
        (2025, current_commune("Phường Thường Lạc").id),
    }


def test_an_officer_of_another_commune_cannot_import_into_long_khanh_a(officer_thuong_lac, hamlets):
    rows = [
        [1, "03/03/2023", "UBND Long Khánh A", "Long Khánh A", "", "Hội nghị", "Người dân", 10, "", "", 0],
        [2, "03/03/2023", "UBND Thường Lạc", "Long Khánh A", "", "Hội nghị", "Người dân", 10, "", "", 0],
        [3, "03/03/2023", "UBND Thường Lạc", "Thường Lạc", "", "Hội nghị", "Người dân", 10, "", "", 0],
    ]
    job = check(start(officer_thuong_lac, act_sheet(rows), ImportJob.Kind.ACTIVITIES, "hn-ubnd-thuong-lac"))
    assert messages(job) == [
        "Row 8, column Đơn vị tổ chức: You may record activities only for your own unit.",
        "Row 8, column Xã/Thị trấn: You may not record activities in Xã Long Khánh A.",
        "Row 9, column Xã/Thị trấn: You may not record activities in Xã Long Khánh A.",
    ]
    commit(job)
    assert list(Activity.objects.values_list("area__name", flat=True)) == ["Xã Thường Lạc"]
    # Nor may the officer import under Long Khánh A's name: the whole job is refused.
    job = start(officer_thuong_lac, act_sheet(rows), ImportJob.Kind.ACTIVITIES, "hn-ubnd-long-khanh-a")
    engine.mapping_save(job, job.mapping["columns"], "")
    tasks.import_check.enqueue(job.pk)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED and job.message == "This record belongs to another unit or area."


def test_an_imported_dialogue_with_workers_counts_in_m4_like_a_hand_entered_one(coordinator, in_2023, hamlets):
    m4 = Plan.objects.get(is_default=True).indicators.get(code="M4")
    import_activities(coordinator, act_sheet())
    result = compute(m4, 2023)
    imported = Activity.objects.get(organiser__code="hn-bhxh")
    assert result.actual == 1 and list(result.records) == [imported]
    by_hand = activity_save(
        actor=coordinator,
        activity=Activity(
            kind=Kind.DIALOGUE,
            channel=Channel.DIRECT,
            status=Activity.Status.DONE,
            start_date=dt.date(2023, 3, 8),
            organiser=Unit.objects.get(code="hn-bhxh"),
            area=legacy_commune("Xã Thường Lạc"),
        ),
        audiences=[AudienceRow(TargetGroup.objects.get(code="nld-nsdld"), 20)],
    )
    result = compute(m4, 2023)
    assert result.actual == 2 and set(result.records) == {imported, by_hand}
    # Written as the service writes them.
    by_hand.refresh_from_db()
    assert (imported.channel, imported.modern, imported.status) == (by_hand.channel, by_hand.modern, by_hand.status)


# ----- radio ----------------------------------------------------------------------------------------------

RADIO_HEADERS = [
    "STT",
    "Ngày phát",
    "Giờ phát",
    "Thời lượng (phút)",
    "Nội dung / tên bài",
    "BHXH tự nguyện (x)",
    "Người phụ trách",
]
RADIO_TITLE = "SỔ THEO DÕI PHÁT THANH TUYÊN TRUYỀN BHXH - XÃ LONG KHÁNH A - NĂM 2023"


def radio_rows() -> list[list]:
    return [
        [1, "04/01/2023", "06:00", 15, "Hưởng lương hưu hằng tháng thay vì BHXH một lần", "x", "Đài truyền thanh xã"],
        [2, dt.date(2023, 1, 11), dt.time(17, 30), "10 phút", "Lợi ích của BHXH tự nguyện", "X", "Đài truyền thanh xã"],
        [3, "18/01/2023", "6h", 5, "Lịch  tiếp công dân", "", "Ông Trần Văn Ba"],
    ]


def test_a_commune_radio_book(officer_long_khanh_a):
    job = check(
        start(officer_long_khanh_a, sheet(RADIO_HEADERS, radio_rows(), RADIO_TITLE), "radio", "hn-ubnd-long-khanh-a")
    )
    assert set(job.mapping["columns"]) == {"aired_on", "aired_at", "duration", "title", "voluntary", "in_charge"}
    assert job.errors == [] and counts(job) == (3, 0, 0)
    commit(job)
    lka = legacy_commune("Xã Long Khánh A")
    first, second, third = Broadcast.objects.order_by("aired_on")
    assert first.commune == lka and first.unit.code == "hn-ubnd-long-khanh-a"  # the importing unit's commune
    assert first.aired_at == dt.time(6, 0) and first.duration_minutes == 15 and first.voluntary_bhxh
    assert "Đài truyền thanh xã" in first.note and first.created_by == officer_long_khanh_a
    assert second.aired_at == dt.time(17, 30) and second.duration_minutes == 10 and second.voluntary_bhxh
    assert third.title == "Lịch tiếp công dân" and not third.voluntary_bhxh and third.aired_at == dt.time(6, 0)
    assert "tiep cong dan" in third.search_key
    assert AuditLog.objects.filter(verb="import_radio").count() == 1


def test_reimporting_a_radio_book_changes_nothing(officer_long_khanh_a):
    data = sheet(RADIO_HEADERS, radio_rows(), RADIO_TITLE)
    commit(check(start(officer_long_khanh_a, data, "radio", "hn-ubnd-long-khanh-a")))
    before = list(Broadcast.objects.order_by("id").values())
    job = check(start(officer_long_khanh_a, data, "radio", "hn-ubnd-long-khanh-a"))
    assert counts(job) == (0, 0, 3)
    commit(job)
    assert list(Broadcast.objects.order_by("id").values()) == before
    rows = radio_rows()
    rows[2][3] = 7  # duration corrected
    job = check(start(officer_long_khanh_a, sheet(RADIO_HEADERS, rows, RADIO_TITLE), "radio", "hn-ubnd-long-khanh-a"))
    assert counts(job) == (0, 1, 2)
    commit(job)
    assert Broadcast.objects.count() == 3 and Broadcast.objects.get(title="Lịch tiếp công dân").duration_minutes == 7


def test_bad_radio_rows_are_named(officer_long_khanh_a):
    headers = [*RADIO_HEADERS, "Xã"]
    rows = [[*r, ""] for r in radio_rows()]
    rows += [
        [4, "05/02/2023", "06:00", 0, "Bài 4", "", "", ""],  # row 11
        [5, "05/02/2023", "06:00", 300, "Bài 5", "", "", ""],  # 12
        [6, "05/02/2023", "sáng sớm", 5, "Bài 6", "", "", ""],  # 13
        [7, "05/02/2023", "06:00", 5, "", "", "", ""],  # 14
        [8, "20/06/2023", "06:00", 5, "Bài 8", "", "", ""],  # 15: future
        [9, "05/02/2023", "06:00", 5, "Bài 9", "có lẽ", "", ""],  # 16
        [10, "05/02/2023", "06:00", 5, "Bài 10", "", "", "Thường Lạc"],  # 17: not their commune
        [11, "04/01/2023", "06:00", 15, "Hưởng lương hưu hằng tháng thay vì BHXH một lần", "", "", "Long Khánh A"],
    ]
    job = check(start(officer_long_khanh_a, sheet(headers, rows, RADIO_TITLE), "radio", "hn-ubnd-long-khanh-a"))
    assert messages(job) == [
        "Row 11, column Thời lượng (phút): write the minutes as a whole number from 1 to 240",
        "Row 12, column Thời lượng (phút): write the minutes as a whole number from 1 to 240",
        "Row 13, column Giờ phát: write the time as hh:mm, e.g. 06:30",
        "Row 14, column Nội dung / tên bài: must not be empty",
        "Row 15, column Ngày phát: The date 20/06/2023 is in the future.",
        "Row 16, column BHXH tự nguyện (x): write “có” or “không” (or x for yes)",
        "Row 17, column Xã: You may only record broadcasts for the communes of your unit.",
        "Row 18: repeats row 8 (same commune, date, time and title)",
    ]
    choose_nothing(job)
    assert not Broadcast.objects.exists()


def test_a_radio_book_needs_a_commune(coordinator, in_2023):
    # A district unit: the commune cannot come from the unit, so the sheet must say it.
    job = start(coordinator, sheet(RADIO_HEADERS, radio_rows(), RADIO_TITLE), "radio", "hn-ttvhtt")
    errors = engine.mapping_save(job, job.mapping["columns"], "")
    assert errors == ["Your unit is not a commune: choose the column that gives the commune of each row."]


def test_radio_of_another_commune_is_refused(officer_thuong_lac):
    data = sheet(RADIO_HEADERS, radio_rows(), RADIO_TITLE)
    job = start(officer_thuong_lac, data, "radio", "hn-ubnd-long-khanh-a")
    engine.mapping_save(job, job.mapping["columns"], "")
    tasks.import_check.enqueue(job.pk)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED and not Broadcast.objects.exists()


def test_a_radio_book_after_the_merger(default_data, make_user, monkeypatch):
    monkeypatch.setattr("lantoa.core.clock.today", lambda: dt.date(2025, 9, 1))
    officer = make_user(Role.COMMUNE_OFFICER, "dt-ubnd-long-khanh")
    headers = [*RADIO_HEADERS, "Xã"]
    rows = [
        [1, "04/08/2025", "06:00", 15, "Bài mới", "x", "", ""],  # the unit's commune: Xã Long Khánh
        [2, "04/08/2025", "06:00", 15, "Bài mới", "x", "", "Long Khánh"],  # 9: the same, named
        [3, "04/08/2025", "17:00", 15, "Bài mới", "x", "", "Long Khánh A"],  # 10: merged away
        [4, "04/03/2025", "06:00", 15, "Bài cũ", "x", "", ""],  # 11: before the merger
    ]
    job = check(start(officer, sheet(headers, rows), "radio", "dt-ubnd-long-khanh"))
    assert messages(job) == [
        "Row 9: repeats row 8 (same commune, date, time and title)",
        "Row 10, column Xã: Xã Long Khánh A no longer existed on 04/08/2025: it ended on 30/06/2025.",
        "Row 11, column Ngày phát: Ủy ban nhân dân xã Long Khánh was not active on 04/03/2025.",
        "Row 11, column Xã: Xã Long Khánh did not exist yet on 04/03/2025: it started on 01/07/2025.",
    ]
    commit(job)
    assert list(Broadcast.objects.values_list("title", "commune__name")) == [("Bài mới", "Xã Long Khánh")]
    # The same book kept before the merger is imported under the old commune's committee.
    old = make_user(Role.COORDINATOR, "hn-ldtbxh")
    rows = [[1, "04/03/2025", "06:00", 15, "Bài cũ", "x", "", "Long Khánh A"]]
    commit(check(start(old, sheet(headers, rows), "radio", "hn-ubnd-long-khanh-a")))
    assert Broadcast.objects.get(title="Bài cũ").commune == legacy_commune("Xã Long Khánh A")


# ----- employers ------------------------------------------------------------------------------------------

EMP_HEADERS = [
    "STT",
    "Tên doanh nghiệp",
    "Mã số thuế",
    "Địa chỉ",
    "Xã",
    "Số lao động",
    "Số lao động tham gia BHXH bắt buộc",
    "Ghi chú tuân thủ",
]


def emp_rows():
    return [
        [1, "Công ty TNHH Thủy sản Long Khánh", 402123456, "Số 12, Ấp 1", "Long Khánh A", 85, 78, "Còn 7 LĐ thời vụ"],
        [2, "HTX Nông nghiệp Long Khánh A", "", "Ấp 3", "Xã Long Khánh A", 12, 12, ""],
    ]


def test_employers_are_imported_and_matched(officer_long_khanh_a):
    data = sheet(EMP_HEADERS, emp_rows(), "DANH SÁCH DOANH NGHIỆP")
    job = check(start(officer_long_khanh_a, data, "employers", "hn-ubnd-long-khanh-a"))
    assert job.errors == [] and counts(job) == (2, 0, 0)
    commit(job)
    company = Employer.objects.get(tax_code="0402123456")  # the leading zero Excel dropped
    assert company.employees == 85 and company.insured_employees == 78
    assert company.area == legacy_commune("Xã Long Khánh A") and company.unit.code == "hn-ubnd-long-khanh-a"
    assert company.compliance_note == "Còn 7 LĐ thời vụ" and "thuy san" in company.search_key
    # The same file again: nothing changes.
    before = list(Employer.objects.order_by("id").values())
    job = check(start(officer_long_khanh_a, data, "employers", "hn-ubnd-long-khanh-a"))
    assert counts(job) == (0, 0, 2)
    commit(job)
    assert list(Employer.objects.order_by("id").values()) == before
    # Matched by tax code (renamed) and by name + commune (tax code added).
    rows = emp_rows()
    rows[0][1] = "Công ty TNHH MTV Thủy sản Long Khánh"
    rows[1][2] = "1402654321"
    rows[1][1] = "htx nong nghiep long khanh a"
    job = check(start(officer_long_khanh_a, sheet(EMP_HEADERS, rows), "employers", "hn-ubnd-long-khanh-a"))
    assert counts(job) == (0, 2, 0)
    commit(job)
    assert Employer.objects.count() == 2
    assert Employer.objects.get(tax_code="1402654321").name == "htx nong nghiep long khanh a"


def test_bad_employer_rows(officer_long_khanh_a):
    rows = [
        *emp_rows(),
        [3, "Công ty A", "12345", "", "Long Khánh A", 5, 5, ""],  # 10: bad tax code
        [4, "Công ty B", "", "", "Long Khánh A", 5, 6, ""],  # 11: more insured than employees
        [5, "Công ty C", "0402123456", "", "Long Khánh A", 5, 5, ""],  # 12: row 8's tax code
        [6, "Công ty D", "", "", "Thường Lạc", 5, 5, ""],  # 13: another commune
        [7, "", "", "", "Long Khánh A", 5, 5, ""],  # 14: no name
    ]
    job = check(start(officer_long_khanh_a, sheet(EMP_HEADERS, rows), "employers", "hn-ubnd-long-khanh-a"))
    assert messages(job) == [
        "Row 10, column Mã số thuế: a tax code has 10 digits (or 10-3 for a branch)",
        "Row 11, column Số lao động tham gia BHXH bắt buộc: more than the 5 employees",
        "Row 12: repeats row 8 (same tax code)",
        "Row 13, column Xã: Xã Thường Lạc is outside your unit's areas",
        "Row 14, column Tên doanh nghiệp: must not be empty",
    ]


# ----- households -----------------------------------------------------------------------------------------

HH_HEADERS = ["STT", "Số sổ hộ khẩu / Mã hộ", "Chủ hộ", "Địa chỉ", "Ấp", "Xã"]


def test_households_are_imported_and_matched(officer_long_khanh_a, hamlets):
    rows = [
        [1, "HK-001", "Nguyễn Văn An", "Số 12", "Ấp 1", "Long Khánh A"],
        [2, 2002, "Trần Thị Bích", "", "Ấp 2", "Long Khánh A"],
    ]
    data = sheet(HH_HEADERS, rows, "DANH SÁCH HỘ GIA ĐÌNH")
    job = check(start(officer_long_khanh_a, data, "households", "hn-ubnd-long-khanh-a"))
    assert job.errors == [] and counts(job) == (2, 0, 0)
    commit(job)
    an = Household.objects.get(code="HK-001")
    assert an.head_name == "Nguyễn Văn An" and an.area == hamlets["lka"]["Ấp 1"] and an.address == "Số 12"
    assert Household.objects.get(code="2002").area == hamlets["lka"]["Ấp 2"]
    before = list(Household.objects.order_by("id").values())
    job = check(start(officer_long_khanh_a, data, "households", "hn-ubnd-long-khanh-a"))
    assert counts(job) == (0, 0, 2)
    commit(job)
    assert list(Household.objects.order_by("id").values()) == before
    rows[1][2] = "Lê Văn Cường"  # the head of household changed
    rows.append([3, "HK-001", "Nguyễn Văn An", "", "Ấp 1", "Long Khánh A"])  # 10: row 8 again
    rows.append([4, "HK-009", "Võ Văn Em", "", "Ấp 9", "Long Khánh A"])  # 11: no such hamlet
    rows.append([5, "", "Đỗ Văn Phú", "", "Ấp 1", "Long Khánh A"])  # 12: no book number
    rows.append([6, "HK-010", "Huỳnh Văn Giàu", "", "", "Thường Lạc"])  # 13: another commune
    rows.append([7, "HK-011", "Phan Văn Hai", "", "Ấp 9", "Long Khánh A"])  # 14: the unknown hamlet again
    job = check(start(officer_long_khanh_a, sheet(HH_HEADERS, rows), "households", "hn-ubnd-long-khanh-a"))
    assert messages(job) == [
        "Row 10: repeats row 8 (same household book no. in the same place)",
        "Row 11, column Ấp: Xã Long Khánh A has no hamlet named “Ấp 9”",
        "Row 12, column Số sổ hộ khẩu / Mã hộ: must not be empty",
        "Row 13, column Xã: Xã Thường Lạc is outside your unit's areas",
        "Row 14, column Ấp: Xã Long Khánh A has no hamlet named “Ấp 9”",
    ]
    assert counts(job) == (0, 1, 1)
    commit(job)
    assert Household.objects.get(code="2002").head_name == "Lê Văn Cường" and Household.objects.count() == 2


# ----- the sample files ----------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", layouts_records.KINDS)
def test_the_sample_files_import_cleanly(coordinator, officer_long_khanh_a, hamlets, kind):
    name = layouts_records.SAMPLE_FILES[kind]
    user, unit = (
        (coordinator, "hn-ldtbxh")
        if kind == ImportJob.Kind.ACTIVITIES
        else (officer_long_khanh_a, "hn-ubnd-long-khanh-a")
    )
    expected = len(engine.LAYOUTS[kind].sample)
    for suffix, data in (
        ("xlsx", (SAMPLES / f"{name}.xlsx").read_bytes()),
        ("csv", (SAMPLES / f"{name}.csv").read_bytes()),
        ("xlsx", layouts_records.sample_workbook(kind)),
    ):
        job = check(start(user, data, kind, unit, f"{name}.{suffix}"))
        assert job.errors == [] and job.valid_rows == expected, (suffix, job.errors)
        assert commit(job).status == ImportJob.Status.DONE
    # The committed CSV is what write_samples makes.
    assert (SAMPLES / f"{name}.csv").read_bytes() == layouts_records.sample_csv(kind)


def test_clean_time_reads_the_shapes_books_use():
    clean = layouts_records.clean_time
    assert clean("06:00") == clean("6h") == clean("6 giờ") == clean("06:00:00") == clean("0.25") == dt.time(6, 0)
    assert clean("17h30") == clean("17:30") == clean("17 giờ 30 phút") == dt.time(17, 30)
    for bad in ("25:00", "sáng", "6:75"):
        with pytest.raises(layouts_records.FieldError):
            clean(bad)
