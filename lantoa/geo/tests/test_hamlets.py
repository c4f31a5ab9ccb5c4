"""Hamlets by hand and from a sheet (all or nothing), and reorganisations with dates."""

import datetime as dt
import io
import unicodedata

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from conftest import current_commune, legacy_commune
from lantoa.core.models import AuditLog
from lantoa.geo.models import Area, AreaSuccession
from lantoa.geo.selectors import rollup
from lantoa.geo.services import ImportRejected, RowError, area_reorganise, hamlet_create, hamlets_import

TITLE = [
    ["UBND HUYỆN HỒNG NGỰ", None, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", None, None],
    [None, None, "Độc lập - Tự do - Hạnh phúc", None, None],
    ["DANH SÁCH ẤP, KHÓM", None, None, None, None],
]
HEADER = ["STT", "Xã/phường", "Tên ấp/khóm", "Loại", "Hiệu lực từ"]
# Data starts on sheet row 5 (title rows 1–3, header row 4).
GOOD_ROWS = [
    [1, "Xã Long Khánh A", "Ấp Long Hòa", "Ấp", "01/01/2024"],
    [2, "Long Khánh A", "Ấp Long Thạnh", "ấp", None],
    [3, 29983, "Ấp Long Bình", None, dt.datetime(2020, 5, 1)],  # the commune by its official code
    [4, "long khanh b", unicodedata.normalize("NFD", "Khóm Long Hưng"), "Khóm", "15-06-2022"],
]
TOTAL = [["Tổng cộng", None, None, None, None], [None, "Tổng cộng", "4 ấp, khóm", None, None]]
SIGNATURE = [[None, "Người lập biểu", None, "CHỦ TỊCH UBND HUYỆN", None]]


def xlsx(rows: list[list]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for r, values in enumerate(rows, start=1):
        for c, value in enumerate(values, start=1):
            if value is not None:
                sheet.cell(row=r, column=c, value=value)
    sheet.merge_cells("A1:B1")
    sheet.merge_cells("C1:E1")
    sheet.merge_cells("C2:E2")
    sheet.merge_cells("A3:E3")
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def csv_bytes(rows: list[list], encoding="utf-8-sig", sep=";") -> bytes:
    def text(v):
        if v is None:
            return ""
        if isinstance(v, dt.date):
            return v.strftime("%d/%m/%Y")
        return str(v)

    return "\r\n".join(sep.join(text(v) for v in row) for row in rows).encode(encoding)


@pytest.fixture(autouse=True)
def vietnamese():
    """Messages are checked in Vietnamese, whatever language an earlier test left active."""
    with translation.override("vi"):
        yield


def good_sheet() -> list[list]:
    return TITLE + [HEADER] + GOOD_ROWS + TOTAL + SIGNATURE


@pytest.fixture
def communes(default_data):
    return [legacy_commune("Xã Long Khánh A"), legacy_commune("Xã Long Khánh B")]


@pytest.fixture
def actor(default_data, make_user):
    return make_user("coordinator", "hn-ldtbxh")


def hamlet_names(commune: Area) -> set[str]:
    return set(commune.children.filter(level=Area.Level.HAMLET).values_list("name", flat=True))


# --- hamlet_create -----------------------------------------------------------------------------------


def test_hamlet_create_writes_area_and_audit_row(default_data, actor):
    lka = legacy_commune("Xã Long Khánh A")
    hamlet = hamlet_create(
        actor=actor, commune=lka, name="  Ấp Long Hòa ", division_type="ấp", valid_from=dt.date(2020, 1, 1)
    )
    hamlet.refresh_from_db()
    assert hamlet.name == "Ấp Long Hòa"
    assert hamlet.level == Area.Level.HAMLET
    assert hamlet.parent == lka
    assert hamlet.division_type == "ấp"
    assert hamlet.search_key == "ap long hoa"
    assert hamlet.valid_from == dt.date(2020, 1, 1)
    assert hamlet.valid_to == dt.date(2025, 6, 30)  # closes with its commune
    log = AuditLog.objects.get(target_type="geo.area", target_id=str(hamlet.pk))
    assert log.action == AuditLog.Action.CREATE
    assert log.verb == "hamlet_create"
    assert log.actor == actor
    assert log.changes["name"] == [None, "Ấp Long Hòa"]
    assert log.changes["parent"] == [None, lka.pk]


def test_hamlet_create_nfd_name_and_type(default_data):
    lk = current_commune("Xã Long Khánh")
    hamlet = hamlet_create(
        actor=None, commune=lk, name=unicodedata.normalize("NFD", "Khóm Long Hưng"), division_type="KHÓM"
    )
    assert hamlet.name == "Khóm Long Hưng"
    assert hamlet.division_type == "khóm"
    assert hamlet.valid_to is None
    assert AuditLog.objects.get(target_type="geo.area", target_id=str(hamlet.pk)).actor_name == "system"


@pytest.mark.parametrize("duplicate", ["Ấp Long Hòa", "ấp long hòa", "AP LONG HOA", " Ấp  Long Hòa "])
def test_hamlet_create_rejects_duplicate_name_in_same_commune(default_data, duplicate):
    lka = legacy_commune("Xã Long Khánh A")
    hamlet_create(actor=None, commune=lka, name="Ấp Long Hòa")
    with pytest.raises(ValidationError) as info:
        hamlet_create(actor=None, commune=lka, name=duplicate)
    assert "name" in info.value.message_dict
    assert "Xã Long Khánh A đã có" in info.value.message_dict["name"][0]
    assert lka.children.count() == 1
    assert AuditLog.objects.filter(target_type="geo.area").count() == 1


def test_same_hamlet_name_allowed_in_another_commune(default_data):
    hamlet_create(actor=None, commune=legacy_commune("Xã Long Khánh A"), name="Ấp 1")
    other = hamlet_create(actor=None, commune=legacy_commune("Xã Long Khánh B"), name="Ấp 1")
    assert other.parent == legacy_commune("Xã Long Khánh B")


@pytest.mark.parametrize("level", [Area.Level.PROVINCE, Area.Level.DISTRICT, Area.Level.HAMLET])
def test_hamlet_create_under_non_commune_rejected(default_data, level):
    if level == Area.Level.HAMLET:
        parent = hamlet_create(actor=None, commune=legacy_commune("Xã Long Khánh A"), name="Ấp Long Hòa")
    else:
        parent = Area.objects.filter(level=level).first()
    count = Area.objects.count()
    with pytest.raises(ValidationError) as info:
        hamlet_create(actor=None, commune=parent, name="Ấp Mới")
    assert info.value.message_dict["commune"] == ["Ấp/khóm phải thuộc một xã, phường hoặc thị trấn."]
    assert Area.objects.count() == count


def test_hamlet_create_rejects_empty_name_and_unknown_type(default_data):
    lka = legacy_commune("Xã Long Khánh A")
    with pytest.raises(ValidationError) as info:
        hamlet_create(actor=None, commune=lka, name="   ")
    assert info.value.message_dict["name"] == ["Tên ấp/khóm không được để trống."]
    with pytest.raises(ValidationError) as info:
        hamlet_create(actor=None, commune=lka, name="Ấp 1", division_type="quận")
    assert "không hợp lệ" in info.value.message_dict["division_type"][0]
    assert not lka.children.exists()


def test_hamlet_create_after_the_commune_closed_is_a_validation_error(default_data):
    # Xã Long Khánh A ended on 30/06/2025: a hamlet starting in 2026 cannot belong to it. The service
    # must say so in Vietnamese, not fail on the database's check constraint.
    lka = legacy_commune("Xã Long Khánh A")
    with pytest.raises(ValidationError):
        hamlet_create(actor=None, commune=lka, name="Ấp Mới", valid_from=dt.date(2026, 1, 1))


# --- hamlets_import: good sheets ---------------------------------------------------------------------


def _check_good_import(created, communes):
    lka, lkb = communes
    assert len(created) == 4
    assert hamlet_names(lka) == {"Ấp Long Hòa", "Ấp Long Thạnh"}
    assert hamlet_names(lkb) == {"Ấp Long Bình", "Khóm Long Hưng"}
    by_name = {h.name: h for h in created}
    assert by_name["Ấp Long Hòa"].valid_from == dt.date(2024, 1, 1)
    assert by_name["Ấp Long Thạnh"].valid_from is None
    assert by_name["Ấp Long Bình"].valid_from == dt.date(2020, 5, 1)
    assert by_name["Ấp Long Bình"].division_type == "ấp"  # empty type → ấp
    assert by_name["Khóm Long Hưng"].division_type == "khóm"
    assert by_name["Khóm Long Hưng"].valid_from == dt.date(2022, 6, 15)
    assert AuditLog.objects.filter(target_type="geo.area", verb="hamlet_create").count() == 4
    # Nothing from the total or the signature block became a hamlet.
    assert not Area.objects.filter(level=Area.Level.HAMLET, search_key__contains="tong cong").exists()
    assert Area.objects.filter(level=Area.Level.HAMLET).count() == 4


def test_import_xlsx_with_title_block_and_total_row(communes, actor):
    created = hamlets_import(actor=actor, data=xlsx(good_sheet()), filename="ap-khom.xlsx", communes=communes)
    _check_good_import(created, communes)
    assert all(AuditLog.objects.filter(target_id=str(h.pk), actor=actor).exists() for h in created)


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8"])
def test_import_csv(communes, actor, encoding):
    created = hamlets_import(
        actor=actor, data=csv_bytes(good_sheet(), encoding), filename="ap-khom.csv", communes=communes
    )
    _check_good_import(created, communes)


def test_import_same_file_twice_creates_nothing(communes, actor):
    data = xlsx(good_sheet())
    hamlets_import(actor=actor, data=data, filename="ap-khom.xlsx", communes=communes)
    areas = Area.objects.count()
    logs = AuditLog.objects.count()
    again = hamlets_import(actor=actor, data=data, filename="ap-khom.xlsx", communes=communes)
    assert again == []
    assert Area.objects.count() == areas
    assert AuditLog.objects.count() == logs
    # The CSV copy of the same list, with names typed differently, also adds nothing.
    rows = TITLE + [HEADER] + [[1, "Long Khánh A", "ấp long hòa", "Ấp", None]]
    assert hamlets_import(actor=actor, data=csv_bytes(rows), filename="b.csv", communes=communes) == []
    assert Area.objects.count() == areas


def test_import_adds_only_new_rows(communes, actor):
    hamlet_create(actor=None, commune=communes[0], name="Ấp Long Hòa")
    created = hamlets_import(actor=actor, data=xlsx(good_sheet()), filename="a.xlsx", communes=communes)
    assert sorted(h.name for h in created) == ["Khóm Long Hưng", "Ấp Long Bình", "Ấp Long Thạnh"]
    assert communes[0].children.filter(search_key="ap long hoa").count() == 1


def test_import_with_numbering_row_under_header(communes, actor):
    # Official forms put a "(1) (2) (3) …" row under the header; it is not data.
    rows = TITLE + [HEADER, ["(1)", "(2)", "(3)", "(4)", "(5)"]] + GOOD_ROWS + TOTAL
    created = hamlets_import(actor=actor, data=xlsx(rows), filename="a.xlsx", communes=communes)
    assert len(created) == 4


# --- hamlets_import: bad sheets save nothing ----------------------------------------------------------


@pytest.mark.parametrize(
    ("bad_row", "prefix", "detail"),
    [
        ([9, "Xã Thường Lạc", "Ấp Thượng", "Ấp", None], "Dòng 6, cột Xã/phường", "Xã Thường Lạc"),
        ([9, "Long Khánh A", "", "Ấp", None], "Dòng 6, cột Tên ấp/khóm", "không được để trống"),
        ([9, "Long Khánh A", "Ấp Mới", "Ấp", "31/02/2024"], "Dòng 6, cột Hiệu lực từ", "không phải một ngày có thật"),
        ([9, "Long Khánh A", "Ấp Mới", "Ấp", "hôm qua"], "Dòng 6, cột Hiệu lực từ", "dd/mm/yyyy"),
        ([9, "Long Khánh A", "Ấp Mới", "Quận", None], "Dòng 6, cột Loại", "Quận"),
        ([9, "Long Khánh A", "ẤP LONG HÒA", "Ấp", None], "Dòng 6, cột Tên ấp/khóm", "“ẤP LONG HÒA”"),
    ],
)
@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_one_bad_row_saves_nothing(communes, actor, bad_row, prefix, detail, fmt):
    rows = TITLE + [HEADER, GOOD_ROWS[0], bad_row] + GOOD_ROWS[1:] + TOTAL
    data = xlsx(rows) if fmt == "xlsx" else csv_bytes(rows)
    areas, logs = Area.objects.count(), AuditLog.objects.count()
    with pytest.raises(ImportRejected) as info:
        hamlets_import(actor=actor, data=data, filename=f"a.{fmt}", communes=communes)
    errors = info.value.errors
    assert len(errors) == 1
    assert str(errors[0]).startswith(prefix + ": ")
    assert detail in str(errors[0])
    assert str(info.value) == str(errors[0])
    assert Area.objects.count() == areas
    assert AuditLog.objects.count() == logs


def test_bad_date_on_first_data_row(communes, actor):
    rows = TITLE + [HEADER, [1, "Long Khánh A", "Ấp Mới", "Ấp", "31/02/2024"]] + GOOD_ROWS[1:]
    with pytest.raises(ImportRejected) as info:
        hamlets_import(actor=actor, data=xlsx(rows), filename="a.xlsx", communes=communes)
    assert str(info.value.errors[0]) == "Dòng 5, cột Hiệu lực từ: “31/02/2024” không phải một ngày có thật"
    assert not Area.objects.filter(level=Area.Level.HAMLET).exists()


def test_every_bad_row_is_reported(communes, actor):
    rows = (
        TITLE
        + [HEADER]
        + [
            [1, "Không Có Xã Này", "Ấp 1", None, None],  # row 5
            [2, "Long Khánh A", None, None, None],  # row 6
            [3, "Long Khánh A", "Ấp 3", None, "31/02/2024"],  # row 7
            [4, "Long Khánh A", "Ấp 4", None, None],  # row 8 (good)
            [5, "Long Khánh A", "Ấp 4", None, None],  # row 9
        ]
    )
    with pytest.raises(ImportRejected) as info:
        hamlets_import(actor=actor, data=xlsx(rows), filename="a.xlsx", communes=communes)
    assert [(e.row, e.column) for e in info.value.errors] == [
        (5, "Xã/phường"),
        (6, "Tên ấp/khóm"),
        (7, "Hiệu lực từ"),
        (9, "Tên ấp/khóm"),
    ]
    assert "“Không Có Xã Này”" in str(info.value.errors[0])
    assert not Area.objects.filter(level=Area.Level.HAMLET).exists()


def test_commune_outside_the_actors_scope_is_rejected(default_data, actor):
    # Xã Long Khánh B exists but the actor may only add to Long Khánh A.
    rows = TITLE + [HEADER, [1, "Xã Long Khánh B", "Ấp 1", None, None]]
    with pytest.raises(ImportRejected) as info:
        hamlets_import(actor=actor, data=xlsx(rows), filename="a.xlsx", communes=[legacy_commune("Xã Long Khánh A")])
    assert info.value.errors[0].row == 5
    assert "“Xã Long Khánh B”" in info.value.errors[0].message
    assert "phạm vi" in info.value.errors[0].message
    assert not Area.objects.filter(level=Area.Level.HAMLET).exists()


def test_sheet_without_the_columns_is_rejected(communes, actor):
    rows = TITLE + [["STT", "Họ và tên", "Số điện thoại"], [1, "Nguyễn Văn A", "0912345678"]]
    with pytest.raises(ImportRejected) as info:
        hamlets_import(actor=actor, data=xlsx(rows), filename="a.xlsx", communes=communes)
    message = str(info.value.errors[0])
    assert message.startswith("Dòng 0, cột -: Không tìm thấy dòng tiêu đề")
    assert "Xã/phường" in message and "Tên ấp/khóm" in message


def test_one_column_csv_is_rejected_not_crashing(communes, actor):
    data = "Tên ấp\nẤp Long Hòa\nẤp Long Thạnh\n".encode()
    with pytest.raises(ImportRejected) as info:
        hamlets_import(actor=actor, data=data, filename="ap.csv", communes=communes)
    assert "Xã/phường" in str(info.value)


def test_unsupported_file_is_rejected(communes, actor):
    with pytest.raises(ImportRejected) as info:
        hamlets_import(actor=actor, data=b"%PDF-1.4", filename="ap.pdf", communes=communes)
    assert str(info.value) == "Dòng 0, cột -: Chỉ nhận tệp .xlsx hoặc .csv"


def test_import_row_after_commune_closed_is_rejected_not_crashing(communes, actor):
    # Long Khánh A ended on 30/06/2025; a hamlet "valid from" 2026 under it is a row error.
    rows = TITLE + [HEADER, [1, "Long Khánh A", "Ấp Mới", "Ấp", "01/01/2026"]]
    with pytest.raises(ImportRejected):
        hamlets_import(actor=actor, data=xlsx(rows), filename="a.xlsx", communes=communes)
    assert not Area.objects.filter(level=Area.Level.HAMLET).exists()


def test_row_error_text():
    assert str(RowError(5, "Hiệu lực từ", "sai")) == "Dòng 5, cột Hiệu lực từ: sai"
    errors = [RowError(i, "Xã/phường", "x") for i in range(1, 8)]
    assert str(ImportRejected(errors)).count("Dòng") == 5  # the summary names the first five


# --- area_reorganise ---------------------------------------------------------------------------------


@pytest.fixture
def current_hamlets(default_data):
    lk = current_commune("Xã Long Khánh")
    a = hamlet_create(actor=None, commune=lk, name="Ấp Long Hòa", valid_from=dt.date(2025, 7, 1))
    b = hamlet_create(actor=None, commune=lk, name="Ấp Long Thạnh", valid_from=dt.date(2025, 7, 1))
    merged = hamlet_create(actor=None, commune=lk, name="Ấp Long Hòa Thạnh", valid_from=dt.date(2026, 1, 1))
    return a, b, merged


def test_area_reorganise_closes_predecessors_the_day_before_and_links_them(current_hamlets, actor):
    a, b, merged = current_hamlets
    links = area_reorganise(
        actor=actor,
        predecessors=[a, b],
        successor=merged,
        effective_on=dt.date(2026, 1, 1),
        note=unicodedata.normalize("NFD", "Nghị quyết số 5/NQ-HĐND"),
    )
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.valid_to == dt.date(2025, 12, 31)
    assert b.valid_to == dt.date(2025, 12, 31)
    assert len(links) == 2
    for link, old in zip(links, (a, b), strict=True):
        link.refresh_from_db()
        assert link.predecessor == old
        assert link.successor == merged
        assert link.effective_on == dt.date(2026, 1, 1)
        assert link.primary and not link.partial
        assert link.note == "Nghị quyết số 5/NQ-HĐND"
    logs = AuditLog.objects.filter(target_type="geo.area", verb="area_reorganise")
    assert {log.target_id for log in logs} == {str(a.pk), str(b.pk)}
    log = logs.get(target_id=str(a.pk))
    assert log.changes["valid_to"] == [None, "2025-12-31"]
    assert log.actor == actor
    assert "01/01/2026" in log.note
    # Records on the old hamlets now count under the merged one.
    assert rollup(a, dt.date(2025, 12, 31), Area.Level.HAMLET) == a
    assert rollup(a, dt.date(2026, 1, 1), Area.Level.HAMLET) == merged


def test_area_reorganise_partial_keeps_predecessor_open(current_hamlets):
    a, _, merged = current_hamlets
    (link,) = area_reorganise(
        actor=None, predecessors=[a], successor=merged, effective_on=dt.date(2026, 1, 1), partial=True
    )
    a.refresh_from_db()
    assert a.valid_to is None
    assert link.partial
    # The area lives on, so its records stay with it: the link is not the one records follow.
    assert not link.primary


def test_area_reorganise_partial_links_of_a_living_area_are_not_primary(current_hamlets):
    a, b, merged = current_hamlets
    area_reorganise(actor=None, predecessors=[a], successor=merged, effective_on=dt.date(2026, 1, 1), partial=True)
    (second,) = area_reorganise(
        actor=None, predecessors=[a], successor=b, effective_on=dt.date(2026, 1, 1), partial=True
    )
    assert not second.primary
    assert not AreaSuccession.objects.filter(predecessor=a, primary=True).exists()


def test_area_reorganise_successor_not_yet_valid(current_hamlets):
    a, _, merged = current_hamlets
    with pytest.raises(ValidationError) as info:
        area_reorganise(actor=None, predecessors=[a], successor=merged, effective_on=dt.date(2025, 12, 1))
    assert "chưa có hiệu lực" in info.value.message_dict["successor"][0]
    a.refresh_from_db()
    assert a.valid_to is None
    assert not AreaSuccession.objects.filter(predecessor=a).exists()


def test_area_reorganise_into_itself_saves_nothing(current_hamlets):
    a, b, merged = current_hamlets
    with pytest.raises(ValidationError) as info:
        area_reorganise(actor=None, predecessors=[a, merged], successor=merged, effective_on=dt.date(2026, 1, 1))
    assert "chính nó" in info.value.message_dict["predecessors"][0]
    a.refresh_from_db()
    assert a.valid_to is None  # the whole reorganisation rolled back, including the first predecessor
    assert not AreaSuccession.objects.filter(successor=merged).exists()
    assert not AuditLog.objects.filter(verb="area_reorganise").exists()


def test_area_reorganise_before_predecessor_started(current_hamlets):
    a, _, merged = current_hamlets
    # Closing the day before 01/07/2025 would end Ấp Long Hòa before it began.
    late_successor = hamlet_create(
        actor=None, commune=current_commune("Xã Long Khánh"), name="Ấp X", valid_from=dt.date(2025, 7, 1)
    )
    with pytest.raises(ValidationError):
        area_reorganise(actor=None, predecessors=[a], successor=late_successor, effective_on=dt.date(2025, 7, 1))
    a.refresh_from_db()
    assert a.valid_to is None
