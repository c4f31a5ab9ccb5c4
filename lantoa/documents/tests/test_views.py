"""The report template screens: the list scoped to the user's units, upload (checked, nothing kept on error),
choosing an older version again, downloads, the default template, a try-out with sample data, the export.

The interface is Vietnamese and the new messages are not yet in the .mo file: the tests read field names,
status codes, the database and the files, not the wording."""

import hashlib
import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from docx import Document

from lantoa.accounts.roles import Role
from lantoa.core.models import AuditLog
from lantoa.documents import views
from lantoa.documents.models import ReportKind, ReportTemplate
from lantoa.documents.services import (
    DOCX_TYPE,
    FIELDS,
    REQUIRED_FIELDS,
    default_template,
    report_template_upload,
    sample_context,
)
from lantoa.orgs.models import Unit

from .helpers import edited

MY = "dt-ubnd-thuong-lac-moi"  # a commune in force today
OTHER = "dt-ubnd-tan-long"
ANNUAL = ReportKind.UNIT_ANNUAL


def unit(code) -> Unit:
    return Unit.objects.get(code=code)


def mine(label="mẫu riêng") -> bytes:
    return edited(default_template(), {"Nơi nhận:": f"Nơi nhận ({label}):"})


def upload(actor, data, code=MY, kind=ANNUAL, name="mau.docx") -> ReportTemplate:
    return report_template_upload(actor=actor, unit=unit(code), kind=kind, file=ContentFile(data, name=name))


def docx_text(data: bytes) -> str:
    doc = Document(io.BytesIO(data))
    texts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            texts += [cell.text for cell in row.cells]
    return "\n".join(texts)


@pytest.fixture
def officer(make_user, default_data):
    return make_user(Role.COMMUNE_OFFICER, MY)


@pytest.fixture
def outsider(make_user, default_data):
    return make_user(Role.COMMUNE_OFFICER, OTHER)


@pytest.fixture
def two_units(officer, outsider):
    """Two versions for MY (the second in use), one for OTHER."""
    first = upload(officer, default_template())
    second = upload(officer, mine())
    theirs = upload(outsider, mine("Tân Long"), code=OTHER)
    return {"first": first, "second": second, "theirs": theirs}


def post_upload(client, data, *, code=MY, kind=ANNUAL, name="mau.docx", note=""):
    file = SimpleUploadedFile(name, data, content_type=DOCX_TYPE)
    return client.post(reverse("documents:upload"), {"unit": unit(code).pk, "kind": kind, "file": file, "note": note})


def rows_by_key(response):
    return {(r.unit.code, r.kind): r for _unit, rows in response.context["groups"] for r in rows}


# ---------------------------------------------------------------- the list


def test_signed_out_is_sent_to_sign_in(client, default_data):
    for url in (reverse("documents:templates"), reverse("documents:upload"), reverse("documents:default")):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_list_shows_only_the_users_units(client, officer, two_units):
    client.force_login(officer)
    response = client.get(reverse("documents:templates"))
    assert response.status_code == 200
    rows = rows_by_key(response)
    assert {code for code, _kind in rows} >= {MY} and OTHER not in {code for code, _kind in rows}
    assert {kind for code, kind in rows if code == MY} == set(ReportKind.values)
    annual = rows[(MY, ANNUAL)]
    assert [v.version for v in annual.versions] == [2, 1] and annual.active == two_units["second"]
    assert annual.can_manage
    assert rows[(MY, ReportKind.DISTRICT)].active is None  # the default template
    body = response.content.decode()
    assert reverse("documents:download", args=[two_units["first"].pk]) in body
    assert reverse("documents:activate", args=[two_units["first"].pk]) in body  # the older one can come back
    assert reverse("documents:activate", args=[two_units["second"].pk]) not in body  # already in use
    assert reverse("documents:download", args=[two_units["theirs"].pk]) not in body
    assert unit(OTHER).name not in body
    # Another unit's template is not read, downloaded or tried, and cannot be asked for through the filter.
    assert client.get(reverse("documents:download", args=[two_units["theirs"].pk])).status_code == 404
    assert client.get(reverse("documents:sample", args=[two_units["theirs"].pk])).status_code == 404
    response = client.get(reverse("documents:templates"), {"unit": unit(OTHER).pk})
    assert OTHER not in {code for code, _kind in rows_by_key(response)}


def test_coordinator_sees_every_unit_and_filters(client, coordinator, two_units):
    client.force_login(coordinator)
    response = client.get(reverse("documents:templates"), {"unit": unit(OTHER).pk, "kind": ANNUAL})
    assert response.status_code == 200
    assert list(rows_by_key(response)) == [(OTHER, ANNUAL)]
    assert rows_by_key(response)[(OTHER, ANNUAL)].active == two_units["theirs"]
    response = client.get(reverse("documents:templates"), {"kind": ReportKind.DISTRICT})
    rows = rows_by_key(response)
    assert {kind for _code, kind in rows} == {ReportKind.DISTRICT}
    assert all(r.active is None for r in rows.values())
    # Every unit in force is listed, page by page.
    assert response.context["page"].paginator.count >= 2


def test_fields_help(client, officer, default_data):
    client.force_login(officer)
    response = client.get(reverse("documents:templates"))
    fields = {f["name"]: f for f in response.context["fields"]}
    assert list(fields) == list(FIELDS)
    assert {n for n, f in fields.items() if f["required"]} == set(REQUIRED_FIELDS)
    assert fields["date_line"]["or_all_of"] == ["day, month, year"] and fields["body"]["or_all_of"] == ["sections"]
    assert (fields["day"]["replaces"], fields["day"]["together_with"]) == ("date_line", "month, year")
    assert (fields["sections"]["replaces"], fields["sections"]["together_with"]) == ("body", "")
    assert not fields["issuer_parent"]["replaces"]
    body = response.content.decode()
    for name in FIELDS:
        assert f"{{{{ {name} }}}}" in body or f"{{{{p {name} }}}}" in body
    assert 'id="fields"' in body


def test_export(client, coordinator, two_units):
    client.force_login(coordinator)
    for fmt, kind in (("xlsx", "spreadsheetml"), ("csv", "text/csv")):
        response = client.get(reverse("documents:templates"), {"export": fmt, "kind": ANNUAL})
        assert response.status_code == 200 and kind in response["Content-Type"]
        assert "attachment" in response["Content-Disposition"]
    csv = client.get(reverse("documents:templates"), {"export": "csv"}).content.decode("utf-8-sig")
    lines = csv.splitlines()
    assert any(unit(MY).name in ln and "v1, v2" in ln.replace("v2, v1", "v1, v2") for ln in lines)
    assert any(unit(OTHER).name in ln and "mau.docx" in ln for ln in lines)
    # Every unit in force appears with every kind of report, not only the page shown.
    assert len(lines) - 1 >= 2 * len(ReportKind.values)


def test_export_is_scoped(client, officer, two_units):
    client.force_login(officer)
    csv = client.get(reverse("documents:templates"), {"export": "csv"}).content.decode("utf-8-sig")
    assert unit(MY).name in csv and unit(OTHER).name not in csv


# ---------------------------------------------------------------- upload


def test_upload_page_offers_only_the_users_units(client, officer, default_data):
    client.force_login(officer)
    response = client.get(reverse("documents:upload"), {"kind": ReportKind.DISTRICT})
    assert response.status_code == 200
    form = response.context["form"]
    assert unit(OTHER) not in form.fields["unit"].queryset and unit(MY) in form.fields["unit"].queryset
    assert form.initial == {"unit": unit(MY).pk, "kind": ReportKind.DISTRICT}
    assert 'enctype="multipart/form-data"' in response.content.decode()


def test_upload_valid_becomes_the_version_in_use(client, officer, default_data):
    client.force_login(officer)
    response = post_upload(client, default_template(), note="bản đầu")
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('documents:templates')}?unit={unit(MY).pk}"
    first = ReportTemplate.objects.get(unit__code=MY, kind=ANNUAL)
    assert (first.version, first.is_active, first.uploaded_by, first.note) == (1, True, officer, "bản đầu")
    data = mine()
    response = post_upload(client, data, name="mau-rieng.docx")
    assert response.status_code == 302
    active = ReportTemplate.objects.get(unit__code=MY, kind=ANNUAL, is_active=True)
    assert (active.version, active.original_name) == (2, "mau-rieng.docx")
    assert ReportTemplate.objects.filter(unit__code=MY).count() == 2
    assert AuditLog.objects.filter(verb="report_template_upload").count() == 2
    with active.file.open("rb") as handle:
        assert handle.read() == data


def test_upload_with_a_broken_tag_is_refused_naming_the_tag(client, officer, two_units):
    client.force_login(officer)
    before = list(ReportTemplate.objects.values_list("pk", "is_active"))
    response = post_upload(client, edited(default_template(), {"{{ title }}": "{{ title }"}))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == ["file"] and "{{ title }" in " ".join(errors["file"])
    assert "{{ title }" in response.content.decode()  # shown on the page, under the file
    assert list(ReportTemplate.objects.values_list("pk", "is_active")) == before


def test_upload_missing_field_is_named(client, officer, default_data):
    client.force_login(officer)
    response = post_upload(client, edited(default_template(), {"{{ signer_name }}": "Ký tên"}))
    assert response.status_code == 200
    assert '"signer_name"' in " ".join(response.context["form"].errors["file"])
    assert not ReportTemplate.objects.exists()


@pytest.mark.parametrize(
    ("name", "data"),
    [("bao-cao.pdf", b"%PDF-1.7 not a word file"), ("mau.docx", b"plain text renamed"), ("empty.docx", b"")],
)
def test_upload_not_a_docx_is_refused(client, officer, default_data, name, data):
    client.force_login(officer)
    response = post_upload(client, data, name=name)
    assert response.status_code == 200
    assert "file" in response.context["form"].errors
    assert not ReportTemplate.objects.exists()


def test_upload_for_another_unit_is_refused(client, officer, outsider, default_data):
    client.force_login(officer)
    response = post_upload(client, default_template(), code=OTHER)
    assert response.status_code == 200 and "unit" in response.context["form"].errors
    assert not ReportTemplate.objects.exists()


def test_upload_without_any_unit_to_manage_is_403(client, officer, default_data, monkeypatch):
    monkeypatch.setattr(views.services, "may_manage_templates", lambda user, unit: False)
    client.force_login(officer)
    assert client.get(reverse("documents:upload")).status_code == 403
    assert post_upload(client, default_template()).status_code == 403
    assert not ReportTemplate.objects.exists()


# ---------------------------------------------------------------- choosing an older version again


def test_activate_an_older_version(client, officer, two_units):
    client.force_login(officer)
    url = reverse("documents:activate", args=[two_units["first"].pk])
    assert client.get(url).status_code == 405  # POST only
    back = reverse("documents:templates") + f"?unit={unit(MY).pk}&kind={ANNUAL}"
    response = client.post(url, {"next": back})
    assert response.status_code == 302 and response["Location"] == back
    assert ReportTemplate.objects.get(unit__code=MY, kind=ANNUAL, is_active=True) == two_units["first"]
    assert AuditLog.objects.filter(verb="report_template_activate").count() == 1
    # An address elsewhere is not followed.
    response = client.post(reverse("documents:activate", args=[two_units["second"].pk]), {"next": "//evil.test/"})
    assert response["Location"] == f"{reverse('documents:templates')}?unit={unit(MY).pk}"
    assert ReportTemplate.objects.get(unit__code=MY, kind=ANNUAL, is_active=True) == two_units["second"]


def test_activate_by_another_unit_is_refused(client, outsider, two_units):
    client.force_login(outsider)
    response = client.post(reverse("documents:activate", args=[two_units["first"].pk]))
    assert response.status_code == 404  # not even a hint that the template exists
    assert ReportTemplate.objects.get(unit__code=MY, kind=ANNUAL, is_active=True) == two_units["second"]
    assert not AuditLog.objects.filter(verb="report_template_activate").exists()


def test_activate_without_the_right_is_403(client, officer, two_units, monkeypatch):
    """A user who may see a unit's templates but not change them (the service's rule) gets a 403 page."""
    monkeypatch.setattr(views.services, "may_manage_templates", lambda user, unit: False)
    client.force_login(officer)
    response = client.post(reverse("documents:activate", args=[two_units["first"].pk]))
    assert response.status_code == 403
    assert ReportTemplate.objects.get(unit__code=MY, kind=ANNUAL, is_active=True) == two_units["second"]
    # Nor is the button offered.
    body = client.get(reverse("documents:templates")).content.decode()
    assert reverse("documents:activate", args=[two_units["first"].pk]) not in body


# ---------------------------------------------------------------- downloads


def test_download_a_version(client, officer, two_units):
    client.force_login(officer)
    response = client.get(reverse("documents:download", args=[two_units["first"].pk]))
    assert response.status_code == 200 and response["Content-Type"] == DOCX_TYPE
    assert response.content.startswith(b"PK") and response.content == default_template()
    assert f"mau-{MY}-{ANNUAL}-v1.docx" in response["Content-Disposition"]
    second = two_units["second"]
    response = client.get(reverse("documents:download", args=[second.pk]))
    assert hashlib.sha256(response.content).hexdigest() == second.sha256
    assert "Nơi nhận (mẫu riêng):" in docx_text(response.content)


def test_default_template_download(client, outsider):
    client.force_login(outsider)
    response = client.get(reverse("documents:default"))
    assert response.status_code == 200 and response["Content-Type"] == DOCX_TYPE
    assert response.content.startswith(b"PK") and response.content == default_template()
    assert "{{ signer_name }}" in docx_text(response.content)


def test_sample_of_the_default_and_of_a_version(client, officer, two_units):
    client.force_login(officer)
    response = client.get(reverse("documents:sample"))
    assert response.status_code == 200 and response.content.startswith(b"PK")
    text = docx_text(response.content)
    assert sample_context()["signer_name"] in text and "{{" not in text
    response = client.get(reverse("documents:sample", args=[two_units["second"].pk]))
    assert response.status_code == 200 and response.content.startswith(b"PK")
    assert "Nơi nhận (mẫu riêng):" in docx_text(response.content)
