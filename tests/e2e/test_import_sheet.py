"""End to end: a coordinator imports a people list with errors, sees the bad rows named, chooses to import
nothing, fixes the file, uploads it again and completes the import."""

import re

import pytest
from django.urls import include, path
from playwright.sync_api import expect

from config import urls as root_urls
from conftest import coordinating_unit
from lantoa.accounts.roles import Role
from lantoa.audience import urls as audience_urls
from lantoa.audience.imports import urls as import_urls
from lantoa.audience.models import ImportJob, Person
from lantoa.audience.tests.test_import_engine import good_rows, office_xlsx
from lantoa.orgs.models import Unit
from tests.e2e.conftest import pass_second_step

pytestmark = pytest.mark.browser

PASSWORD = "Mat-khau-2026!"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# The import pages inside the "audience" namespace, whether or not audience/urls.py includes them yet.
_audience = [p for p in audience_urls.urlpatterns if not str(p.pattern).startswith("import/")]
urlpatterns = [p for p in root_urls.urlpatterns if str(p.pattern) != "people/"] + [
    path("people/", include(([*_audience, path("import/", include(import_urls))], "audience"), namespace="audience"))
]


@pytest.fixture
def coordinator_user(transactional_db, live_server, default_data, make_user, settings):
    settings.ROOT_URLCONF = __name__
    return make_user(Role.COORDINATOR, coordinating_unit().code, password=PASSWORD)


def upload(page, base, data: bytes, unit: Unit):
    page.goto(base + "/people/import/new/")
    form = page.locator("main form[method=post]")
    form.locator("select[name=kind]").select_option("people")
    form.locator("select[name=unit]").select_option(str(unit.pk))
    form.locator("input[type=file]").set_input_files({"name": "danh-sach.xlsx", "mimeType": XLSX, "buffer": data})
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/people/import/\d+/$"))
    # The mapping page: the columns are proposed from the headers; check every row.
    expect(page.locator("select[name=col_cccd] option[selected]")).to_have_text("Số CCCD")
    with page.expect_navigation():
        page.locator("main form[action$='/map/'] button[type=submit]").click()


def test_import_a_sheet_with_errors_fix_it_and_import(page, live_server, coordinator_user, artifacts_dir):
    page.goto(live_server.url + "/accounts/login/")
    page.locator("#id_username").fill(coordinator_user.username)
    page.locator("#id_password").fill(PASSWORD)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    pass_second_step(page, coordinator_user)
    unit = Unit.objects.get(code="dt-bhxh-kv")  # an office in force today

    rows = good_rows(3)
    rows.append([4, "Trần Văn Sai", "01/01/1990", "Nam", "12345", "", "0912000111", "Ấp 1", "Xã Long Khánh A"])
    rows.append([5, "Lê Thị Tương Lai", "01/01/2099", "Nữ", "", "", "", "Ấp 1", "Xã Long Khánh A"])
    upload(page, live_server.url, office_xlsx(rows), unit)

    # The preview: counts, every bad row named with its row number and the column as in the file.
    errors = page.locator("ul.import-errors li")
    expect(errors).to_have_count(2)
    expect(errors.nth(0)).to_have_text(re.compile(r"^(Dòng|Row) 11, (cột|column) Số CCCD: "))
    expect(errors.nth(1)).to_have_text(re.compile(r"^(Dòng|Row) 12, (cột|column) Ngày sinh: "))
    expect(page.locator("#count-new")).to_have_text("3")
    expect(page.locator("#count-errors")).to_have_text("2")
    expect(page.locator("button[value=valid]")).to_be_visible()
    expect(page.locator("button[value=nothing]")).to_be_visible()
    page.screenshot(path=str(artifacts_dir / "e2e-import-errors.png"), full_page=True)

    # Nothing until the file is fixed.
    with page.expect_navigation():
        page.locator("button[value=nothing]").click()
    assert not Person.objects.exists()
    assert ImportJob.objects.get().status == ImportJob.Status.CANCELLED

    # The fixed file: the CCCD completed, the birth date corrected.
    rows[3][4] = "087090001111"
    rows[4][2] = "01/01/1999"
    upload(page, live_server.url, office_xlsx(rows), unit)
    expect(page.locator("ul.import-errors li")).to_have_count(0)
    expect(page.locator("#count-new")).to_have_text("5")
    expect(page.locator("button[value=nothing]")).to_have_count(0)
    with page.expect_navigation():
        page.locator("button[value=valid]").click()
    expect(page.locator("#done-created")).to_have_text("5")
    page.screenshot(path=str(artifacts_dir / "e2e-import-done.png"), full_page=True)
    assert Person.objects.count() == 5
    assert Person.objects.get(full_name="Trần Văn Sai").cccd == "087090001111"
    # The list of imports shows both, with their status.
    page.goto(live_server.url + "/people/import/")
    expect(page.locator("main table tbody tr")).to_have_count(2)
