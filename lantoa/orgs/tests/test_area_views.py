"""Area pages: scoped like everything else; hamlets added by the commune's officer or the coordinator."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from conftest import current_commune, legacy_commune
from lantoa.geo.models import Area

pytestmark = pytest.mark.django_db


def _sheet(rows) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(["DANH SÁCH ẤP, KHÓM"])
    ws.append([])
    ws.append(["STT", "Xã/phường", "Tên ấp/khóm", "Loại"])
    for r in rows:
        ws.append(r)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_commune_officer_adds_a_hamlet_to_own_commune(client, officer_long_khanh_a):
    lka = legacy_commune("Xã Long Khánh A")
    client.force_login(officer_long_khanh_a)
    response = client.post(reverse("geo:hamlet_add", args=[lka.pk]), {"name": "Ấp Long Thạnh", "division_type": "ấp"})
    assert response.status_code == 302
    hamlet = Area.objects.get(parent=lka, level=Area.Level.HAMLET)
    assert hamlet.name == "Ấp Long Thạnh" and hamlet.valid_to == lka.valid_to
    page = client.get(reverse("geo:detail", args=[lka.pk])).content.decode()
    assert "Ấp Long Thạnh" in page


def test_outsider_cannot_add_or_import_hamlets(client, officer_long_khanh_a):
    tl = legacy_commune("Xã Thường Lạc")
    client.force_login(officer_long_khanh_a)
    assert client.post(reverse("geo:hamlet_add", args=[tl.pk]), {"name": "Ấp 1"}).status_code == 404
    upload = SimpleUploadedFile("a.xlsx", _sheet([[1, "Thường Lạc", "Ấp 1", "ấp"]]))
    assert client.post(reverse("geo:hamlet_import", args=[tl.pk]), {"file": upload}).status_code == 404
    assert not Area.objects.filter(parent=tl).exists()


def test_hamlet_import_view_all_or_nothing(client, coordinator):
    commune = current_commune("Xã Long Khánh")
    url = reverse("geo:hamlet_import", args=[commune.pk])
    client.force_login(coordinator)
    bad = SimpleUploadedFile("ap.xlsx", _sheet([[1, "Long Khánh", "Ấp Long Thạnh", "ấp"], [2, "Long Khánh", "", "ấp"]]))
    response = client.post(url, {"file": bad}, follow=True)
    html = response.content.decode()
    assert "Dòng 5, cột Tên ấp/khóm" in html
    assert not Area.objects.filter(parent=commune).exists()
    good = SimpleUploadedFile(
        "ap.xlsx", _sheet([[1, "Long Khánh", "Ấp Long Thạnh", "ấp"], [2, "29983", "Khóm 1", "khóm"]])
    )
    client.post(url, {"file": good})
    assert set(Area.objects.filter(parent=commune).values_list("name", "division_type")) == {
        ("Ấp Long Thạnh", "ấp"),
        ("Khóm 1", "khóm"),
    }


def test_area_list_export_and_search(client, coordinator):
    client.force_login(coordinator)
    html = client.get(reverse("geo:list"), {"q": "long khanh"}).content.decode()
    assert "Xã Long Khánh A" in html and "Xã Long Khánh" in html and "Thường Lạc" not in html
    csv = client.get(reverse("geo:list"), {"export": "csv"}).content.decode("utf-8-sig")
    assert "29980,Xã Long Khánh A" in csv and "30/06/2025" in csv


def test_the_sample_sheet_offered_on_the_page_imports(client, coordinator, settings):
    from pathlib import Path

    sample = Path(settings.BASE_DIR) / "static" / "samples" / "mau-danh-sach-ap-khom.xlsx"
    commune = current_commune("Xã Long Khánh")
    client.force_login(coordinator)
    assert "mau-danh-sach-ap-khom.xlsx" in client.get(reverse("geo:detail", args=[commune.pk])).content.decode()
    upload = SimpleUploadedFile(sample.name, sample.read_bytes())
    client.post(reverse("geo:hamlet_import", args=[commune.pk]), {"file": upload})
    # The commune by full name, short name and code; the numbering and total rows skipped.
    assert sorted(Area.objects.filter(parent=commune).values_list("name", flat=True)) == [
        "Ấp Long Bình",
        "Ấp Long Hòa",
        "Ấp Long Thạnh",
    ]
