"""Imports read the sheet in the background task only, bounded in rows × columns, and the error sheet
never turns a rejected formula back into a live one."""

import io
import multiprocessing
import resource
import zipfile

import openpyxl
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import override_settings
from django.urls import reverse
from python_calamine import CalamineWorkbook

from lantoa.audience.imports import engine, tasks
from lantoa.audience.models import ImportJob, Person
from lantoa.audience.tests.test_import_engine import check, csv_bytes, hamlets, start  # noqa: F401 - fixture
from lantoa.core.tests.test_sheet_limits import far_cell_workbook

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    from django.utils import translation

    with translation.override("en"):
        yield


QUEUED = {
    "default": {"BACKEND": "django_tasks_db.DatabaseBackend"},
    "db": {"BACKEND": "django_tasks_db.DatabaseBackend"},
}


def test_the_upload_is_stored_and_read_only_by_the_background_task(officer_long_khanh_a, hamlets):  # noqa: F811
    data = csv_bytes([[1, "Nguyễn Văn A", "1980", "Nam", "", "", "", "Ấp 1", "Xã Long Khánh A"]])
    with override_settings(TASKS=QUEUED):
        job = start(officer_long_khanh_a, data, "ds.csv")
    assert job.status == ImportJob.Status.READING and "headers" not in job.mapping
    client_status = engine.progress_of(job)  # the page polls while the worker reads
    assert client_status == 0
    tasks.import_prepare.call(job.pk)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.UPLOADED
    assert job.mapping["headers"][1] == "Họ và tên" and job.header_row == 1
    tasks.import_prepare.call(job.pk)  # run twice: nothing changes
    job.refresh_from_db()
    assert job.status == ImportJob.Status.UPLOADED


def test_the_status_of_a_job_being_read_is_not_finished(client, officer_long_khanh_a, hamlets):  # noqa: F811
    data = csv_bytes([[1, "Nguyễn Văn A", "1980"]])
    with override_settings(TASKS=QUEUED):
        job = start(officer_long_khanh_a, data, "ds.csv")
    client.force_login(officer_long_khanh_a)
    answer = client.get(reverse("audience:import_status", args=[job.pk])).json()
    assert answer["status"] == "reading" and answer["finished"] is False
    client.post(reverse("audience:import_cancel", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == ImportJob.Status.CANCELLED
    tasks.import_prepare.call(job.pk)  # a cancelled job is not read afterwards
    job.refresh_from_db()
    assert job.status == ImportJob.Status.CANCELLED


def _rows_in_child(name: str, queue) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30))
    job = ImportJob(original_name="ds.xlsx")
    job.file.name = name
    try:
        with engine.SheetReader(job) as reader:
            for _row in reader.rows():
                pass
    except engine.ImportFileError as exc:
        queue.put(("refused", str(exc)))
    else:
        queue.put(("read", ""))


def test_a_far_corner_cell_fails_the_job_naming_the_limits(officer_long_khanh_a):
    data = far_cell_workbook()
    name = default_storage.save("imports/test/far.xlsx", ContentFile(data))
    # In a child first: without the bound the read aborts the process that does it.
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    child = ctx.Process(target=_rows_in_child, args=(name, queue))
    child.start()
    child.join(60)
    assert child.exitcode == 0, "reading the sheet crashed the process"
    assert queue.get(timeout=5)[0] == "refused"
    job = start(officer_long_khanh_a, data, "ds.xlsx")
    assert job.status == ImportJob.Status.FAILED
    assert "1.048.576 rows, 256 columns" in job.message


def test_a_csv_wider_than_the_limit_fails_the_job(officer_long_khanh_a):
    data = ("Họ và tên,Số điện thoại" + ",x" * 400 + "\n").encode()
    job = start(officer_long_khanh_a, data, "rong.csv")
    assert job.status == ImportJob.Status.FAILED
    assert "at most 256 columns" in job.message


FORMULAS = ['=HYPERLINK("http://example.com","bấm")', "+1+cmd|' /C calc'!A0", "@SUM(A1)", "-1+2"]


def test_the_error_sheet_keeps_rejected_formulas_as_text(officer_long_khanh_a, hamlets):  # noqa: F811
    rows = [[1, "Nguyễn Văn A", "1980", "Nam", "", "", "", "Ấp 1", "Xã Long Khánh A"]]
    rows += [[i + 2, text, "1980", "Nam", "", "", text, "Ấp 1", "Xã Long Khánh A"] for i, text in enumerate(FORMULAS)]
    job = check(start(officer_long_khanh_a, csv_bytes(rows), "ds.csv"))
    assert job.result["error_rows"] >= 1
    data = job.errors_file.open("rb").read()
    assert b"<f>" not in zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    texts = {c.value: c for row in sheet.iter_rows() for c in row if isinstance(c.value, str)}
    rejected = [t for t in FORMULAS if t in texts]
    assert FORMULAS[0] in rejected
    for text in rejected:
        assert texts[text].data_type == "s" and texts[text].quotePrefix
    # read back, the cells are the text uploaded (a second upload of the fixed sheet reads the same)
    values = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()
    assert FORMULAS[0] in [v for row in values for v in row]
    assert not Person.objects.exists()
