"""Fuzzed sheets through every import layout (the registry's, the team's): whatever the cells hold, the
job ends in a stated outcome (never an unexpected error), and a job that does not finish wrote nothing."""

import csv
import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import legacy_commune
from lantoa.activities.kinds import Channel, Kind
from lantoa.activities.models import Activity
from lantoa.activities.services import activity_save
from lantoa.audience.imports import engine, tasks
from lantoa.audience.models import Employer, Household, ImportJob, Person, Reach, StaffPosting, Statistic
from lantoa.core.models import AuditLog
from lantoa.orgs.models import Unit
from lantoa.radio.models import Broadcast
from lantoa.team.models import TeamMember

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    from django.utils import translation

    with translation.override("en"):
        yield


FUZZ = settings(
    max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)

# What offices' cells hold, and what an attacker would put in them.
CELL = st.one_of(
    st.sampled_from(
        [
            "",
            "Nguyễn Văn A",
            "Xã Long Khánh A",
            "Xã Thường Lạc",
            "Ấp 1",
            "12/03/1980",
            "31/02/2023",
            "2023-06-01",
            "0912345678",
            "+84912345678",
            "087085001230",
            "Nam",
            "Nữ",
            "1.500.000",
            "-5",
            "1e308",
            '=HYPERLINK("x")',
            "+cmd|'/C calc'!A0",
            "@SUM(A1)",
            "Tổng cộng",
            "(1)",
            "x" * 5000,
        ]
    ),
    st.text(max_size=40),
    st.integers(min_value=-(10**12), max_value=10**12).map(str),
)

COUNTED = (Person, Household, Employer, Reach, StaffPosting, Statistic, TeamMember, Activity, Broadcast)


def _counts():
    return {m.__name__: m.objects.count() for m in COUNTED}


def _headers(layout) -> list[str]:
    return [f.aliases[0] if f.aliases else str(f.label) for f in layout.fields]


def _csv(headers, rows) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(headers)
    writer.writerows(rows)
    return buf.getvalue().encode("utf-8-sig")


@pytest.fixture
def attended(officer_long_khanh_a):
    return activity_save(
        actor=officer_long_khanh_a,
        activity=Activity(
            kind=Kind.HOUSEHOLD_VISIT,
            channel=Channel.DIRECT,
            start_date=dt.date(2023, 6, 10),
            organiser=Unit.objects.get(code="hn-ubnd-long-khanh-a"),
            area=legacy_commune("Xã Long Khánh A"),
        ),
        audiences=[],
    )


def _import_fuzzed(user, kind, rows, activity=None) -> None:
    layout = engine.layout_for(kind)
    headers = _headers(layout)
    width = len(headers)
    data = _csv(headers, [(r + [""] * width)[:width] for r in rows])
    before = _counts()
    audits = AuditLog.objects.count()
    try:
        job = engine.job_create(
            actor=user,
            kind=kind,
            unit=Unit.objects.get(code="hn-ubnd-long-khanh-a"),
            upload=SimpleUploadedFile("fuzz.csv", data),
            activity=activity,
        )
    except engine.ImportFileError:  # refused at the upload (a NUL byte: not a text file)
        assert _counts() == before and AuditLog.objects.count() == audits
        return
    assert job.status in (ImportJob.Status.UPLOADED, ImportJob.Status.FAILED)
    assert "unexpected" not in job.message
    if job.status == ImportJob.Status.UPLOADED and not engine.mapping_save(job, job.mapping["columns"], ""):
        tasks.import_check.enqueue(job.pk)
        job.refresh_from_db()
        assert job.status == ImportJob.Status.CHECKED, job.message
        assert job.valid_rows + job.result["error_rows"] == job.total_rows
        tasks.import_commit.enqueue(job.pk)
        job.refresh_from_db()
        assert job.status in (ImportJob.Status.DONE, ImportJob.Status.FAILED)
        assert "unexpected" not in job.message, job.message
        if job.status == ImportJob.Status.DONE:
            return
    # Not imported: not one record written, only the upload's own audit row.
    assert _counts() == before
    assert AuditLog.objects.count() - audits <= 1


ROWS = st.lists(st.lists(CELL, min_size=1, max_size=16), min_size=1, max_size=6)


@pytest.mark.parametrize(
    "kind", ["people", "staff", "statistics", "team", "activities", "radio", "employers", "households"]
)
@FUZZ
@given(rows=ROWS)
def test_fuzzed_rows_of_each_layout(officer_long_khanh_a, kind, rows):
    _import_fuzzed(officer_long_khanh_a, kind, rows)


@FUZZ
@given(rows=ROWS)
def test_fuzzed_attendance_rows(officer_long_khanh_a, attended, rows):
    _import_fuzzed(officer_long_khanh_a, "attendance", rows, activity=attended)


@FUZZ
@given(data=st.binary(max_size=600), name=st.sampled_from(["a.csv", "a.xlsx", "a.txt"]))
def test_fuzzed_bytes_are_refused_or_read(officer_long_khanh_a, data, name):
    before = _counts()
    try:
        job = engine.job_create(
            actor=officer_long_khanh_a,
            kind="people",
            unit=Unit.objects.get(code="hn-ubnd-long-khanh-a"),
            upload=SimpleUploadedFile(name, data),
        )
    except engine.ImportFileError:
        return
    assert "unexpected" not in job.message
    assert _counts() == before
