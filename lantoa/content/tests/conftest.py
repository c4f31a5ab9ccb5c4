"""Fixtures of the content-library tests: an author in Xã Long Khánh (a commune in force today), a
reviewer (the coordinator), an outsider of Xã Tân Long, and small real files."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from lantoa.accounts.roles import Role
from lantoa.content import services
from lantoa.content.models import ContentItem
from lantoa.orgs.models import Unit

UNIT = "dt-ubnd-long-khanh"
OUTSIDER_UNIT = "dt-ubnd-tan-long"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name="to-roi.pdf", data=PDF):
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def zipped(name: str, member: str) -> SimpleUploadedFile:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr(member, "<xml/>")
        z.writestr("[Content_Types].xml", "<Types/>")
    return SimpleUploadedFile(name, buf.getvalue())


@pytest.fixture
def author(default_data, make_user):
    return make_user(Role.COMMUNE_OFFICER, UNIT)


@pytest.fixture
def reviewer(default_data, make_user):
    return make_user(Role.COORDINATOR, "hn-ldtbxh")


@pytest.fixture
def outsider(default_data, make_user):
    return make_user(Role.COMMUNE_OFFICER, OUTSIDER_UNIT)


def make_item(actor, *, title="Tờ rơi BHXH tự nguyện", kind=ContentItem.Kind.LEAFLET, unit=UNIT, **fields):
    fields.setdefault("body", "Tham gia BHXH tự nguyện để có lương hưu.")
    item = ContentItem(kind=kind, title=title, unit=Unit.objects.get(code=unit), **fields)
    return services.content_save(actor=actor, item=item).item


def approved_item(author, reviewer, **kw):
    item = make_item(author, **kw)
    services.content_submit(actor=author, item=item)
    return services.content_approve(actor=reviewer, item=item)
