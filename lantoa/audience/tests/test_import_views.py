"""The import pages: upload, mapping, preview, the choice, the result; scoping and refusals."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import include, path, reverse

from config import urls as root_urls
from lantoa.accounts.roles import Role
from lantoa.audience import urls as audience_urls
from lantoa.audience.imports import engine
from lantoa.audience.imports import urls as import_urls
from lantoa.audience.models import ImportJob, Person
from lantoa.audience.tests.test_import_engine import english, good_rows, hamlets, office_xlsx  # noqa: F401
from lantoa.core.models import AuditLog

# Until the lead includes the import pages in lantoa/audience/urls.py, this module serves as the URL
# configuration: the project's, with the audience namespace extended by the import pages.
_audience = [p for p in audience_urls.urlpatterns if not str(p.pattern).startswith("import/")]
urlpatterns = [p for p in root_urls.urlpatterns if str(p.pattern) != "people/"] + [
    path("people/", include(([*_audience, path("import/", include(import_urls))], "audience"), namespace="audience"))
]

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]


@pytest.fixture
def client(client):
    """Pages in English: messages are compared by their msgids (the Vietnamese catalogue is compiled apart)."""
    client.cookies["django_language"] = "en"
    return client


def upload(client, data, name="danh-sach.xlsx", **extra):
    return client.post(
        reverse("audience:import_new"), {"kind": "people", "file": SimpleUploadedFile(name, data), **extra}
    )


def test_upload_map_check_choose_and_import(client, officer_long_khanh_a, hamlets):  # noqa: F811
    client.force_login(officer_long_khanh_a)
    assert client.get(reverse("audience:import_new")).status_code == 200
    rows = good_rows(3)
    rows.append([4, "Trần Văn Sai", "01/01/1990", "Nam", "12345", "", "", "Ấp 1", "Xã Long Khánh A"])  # row 11
    response = upload(client, office_xlsx(rows))
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("audience:import_detail", args=[job.pk])
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert 'name="col_cccd"' in page.text and "Số CCCD" in page.text
    # The proposed mapping is posted back as shown.
    post = {f"col_{k}": v for k, v in job.mapping["columns"].items()}
    response = client.post(reverse("audience:import_map", args=[job.pk]), {**post, "conversion": ""})
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportJob.Status.CHECKED  # the immediate backend ran the check
    page = client.get(reverse("audience:import_detail", args=[job.pk]))
    assert "Row 11, column Số CCCD: must have 12 digits" in page.text
    assert 'value="nothing"' in page.text and 'value="valid"' in page.text  # the choice, shown
    sheet = client.get(reverse("audience:import_errors", args=[job.pk]))
    assert sheet.status_code == 200 and sheet["Content-Type"].startswith("application/vnd.openxml")
    assert AuditLog.objects.filter(verb="export_personal_data", target_id=str(job.pk)).count() == 1
    status = client.get(reverse("audience:import_status", args=[job.pk])).json()
    assert status["status"] == "checked" and status["finished"]
    client.post(reverse("audience:import_commit", args=[job.pk]), {"choice": "valid"})
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE and Person.objects.count() == 3
    assert "Nguyễn Văn A" not in client.get(reverse("audience:import_list")).text  # no personal data there
    assert job.original_name in client.get(reverse("audience:import_list")).text


def test_nothing_until_the_file_is_fixed(client, officer_long_khanh_a, hamlets):  # noqa: F811
    client.force_login(officer_long_khanh_a)
    rows = [*good_rows(2), [3, "", "1990", "Nam", "", "", "", "", ""]]
    upload(client, office_xlsx(rows))
    job = ImportJob.objects.get()
    client.post(
        reverse("audience:import_map", args=[job.pk]), {f"col_{k}": v for k, v in job.mapping["columns"].items()}
    )
    client.post(reverse("audience:import_commit", args=[job.pk]), {"choice": "nothing"})
    job.refresh_from_db()
    assert job.status == ImportJob.Status.CANCELLED and not Person.objects.exists()
    # The same job cannot be written afterwards.
    assert client.post(reverse("audience:import_commit", args=[job.pk]), {"choice": "valid"}).status_code == 404


def test_a_missing_required_column_is_refused_on_the_mapping_page(client, officer_long_khanh_a, hamlets):  # noqa: F811
    client.force_login(officer_long_khanh_a)
    upload(client, office_xlsx(good_rows(1)))
    job = ImportJob.objects.get()
    response = client.post(reverse("audience:import_map", args=[job.pk]), {"col_phone": "6", "col_cccd": "6"})
    assert response.status_code == 400
    assert "Choose the column for “Full name”." in response.text
    assert "is chosen for both" in response.text
    job.refresh_from_db()
    assert job.status == ImportJob.Status.UPLOADED


@pytest.mark.parametrize(
    ("data", "name", "needle"),
    [
        (b"%PDF-1.7 ...", "ds.xlsx", "not a spreadsheet"),
        (b"", "ds.csv", "empty"),
    ],
)
def test_bad_files_get_a_message(client, officer_long_khanh_a, data, name, needle):
    client.force_login(officer_long_khanh_a)
    response = upload(client, data, name)
    assert response.status_code == 200 and needle in response.text
    assert not ImportJob.objects.exclude(status="failed").exists()


def test_a_huge_upload_gets_a_message_not_a_500(client, officer_long_khanh_a, monkeypatch):
    client.force_login(officer_long_khanh_a)
    monkeypatch.setattr(engine, "MAX_UPLOAD_BYTES", 64 * 1024)
    # Over the limit by the declared length: refused before the body is read.
    response = upload(client, b"Ho va ten\n" + b"Nguyen Van A\n" * 200_000, "lon.csv")
    assert response.status_code == 413 and "too big" in response.text
    assert not ImportJob.objects.exists()


def test_a_huge_upload_is_not_parsed_by_any_middleware_first(client, officer_long_khanh_a, monkeypatch):
    from django.http.multipartparser import MultiPartParser

    client.force_login(officer_long_khanh_a)
    monkeypatch.setattr(engine, "MAX_UPLOAD_BYTES", 64 * 1024)
    parsed = []
    original = MultiPartParser.parse
    monkeypatch.setattr(MultiPartParser, "parse", lambda self: parsed.append(1) or original(self))
    response = upload(client, b"Ho va ten\n" + b"Nguyen Van A\n" * 200_000, "lon.csv")
    assert response.status_code == 413 and parsed == []


def test_the_stream_guard_stops_a_body_without_a_length(rf, officer_long_khanh_a, monkeypatch):
    from lantoa.audience.imports.views import LimitedUploadHandler

    monkeypatch.setattr(engine, "MAX_UPLOAD_BYTES", 10)
    request = rf.post("/")
    handler = LimitedUploadHandler(request)
    from django.core.files.uploadhandler import StopUpload

    with pytest.raises(StopUpload):
        handler.receive_data_chunk(b"x" * 20, 0)
    assert request.upload_too_big


def test_outsiders_and_readers(client, default_data, make_user, officer_long_khanh_a, hamlets):  # noqa: F811
    client.force_login(officer_long_khanh_a)
    upload(client, office_xlsx(good_rows(1)))
    job = ImportJob.objects.get()
    outsider = make_user(Role.COMMUNE_OFFICER, "hn-ubnd-thuong-lac")
    client.force_login(outsider)
    for name in ("import_detail", "import_status", "import_errors"):
        assert client.get(reverse(f"audience:{name}", args=[job.pk])).status_code == 404
    assert client.post(reverse("audience:import_commit", args=[job.pk])).status_code == 404
    assert job.original_name not in client.get(reverse("audience:import_list")).text
    leader = make_user(Role.LEADER, "hn-ubnd-huyen")
    client.force_login(leader)
    assert client.get(reverse("audience:import_new")).status_code == 404
    assert client.get(reverse("audience:import_detail", args=[job.pk])).status_code == 200  # may read
    # …but not the error sheet, which repeats the rows with their identifiers in full.
    job.errors_file.save("loi.xlsx", ContentFile(b"PK\x03\x04"), save=True)
    assert client.get(reverse("audience:import_errors", args=[job.pk])).status_code == 404
    # A colleague of the same commune sees the job but does not map, write or cancel it for the uploader.
    colleague = make_user(Role.COMMUNE_OFFICER, "hn-ubnd-long-khanh-a")
    client.force_login(colleague)
    assert client.post(reverse("audience:import_commit", args=[job.pk]), {"choice": "valid"}).status_code == 404
    assert client.post(reverse("audience:import_cancel", args=[job.pk])).status_code == 404


def test_all_seeing_roles_choose_the_unit(client, coordinator, hamlets):  # noqa: F811
    client.force_login(coordinator)
    page = client.get(reverse("audience:import_new"))
    assert 'name="unit"' in page.text
    from lantoa.orgs.models import Unit

    unit = Unit.objects.get(code="dt-bhxh-kv")  # an office in force today
    response = upload(client, office_xlsx(good_rows(1)), unit=unit.pk)
    assert response.status_code == 302 and ImportJob.objects.get().unit == unit


def test_sample_files(client, officer_long_khanh_a):
    client.force_login(officer_long_khanh_a)
    kinds = ("people", "attendance", "staff", "statistics", "activities", "radio", "employers", "households")
    for kind in kinds:
        response = client.get(reverse("audience:import_sample", args=[kind]))
        assert response.status_code == 200 and response.content[:4] == b"PK\x03\x04"
    assert client.get(reverse("audience:import_sample", args=["weather"])).status_code == 404
