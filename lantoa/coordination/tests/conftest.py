import datetime as dt
import io
import zipfile

import pytest

from conftest import legacy_commune
from lantoa.audience.models import Person, StaffPosting
from lantoa.core.text import search_key
from lantoa.orgs.models import Unit
from lantoa.plans.models import Plan


@pytest.fixture(autouse=True)
def english():
    """Messages are compared by their English msgids."""
    from django.utils import translation

    with translation.override("en"):
        yield


def indicator(code):
    return Plan.objects.get(is_default=True).indicators.get(code=code)


def leader(name, unit_code, *, start=None, end=None, is_leader=True, commune="Xã Thường Lạc"):
    """A person on a unit's staff list (a leader unless said otherwise)."""
    unit = Unit.objects.get(code=unit_code)
    p = Person.objects.create(
        full_name=name, name_key=search_key(name), area=legacy_commune(commune), unit=unit, birth_year=1975
    )
    StaffPosting.objects.create(
        person=p, unit=unit, position="Trưởng", is_leader=is_leader, valid_from=start, valid_to=end
    )
    return p


def d(text: str) -> dt.date:
    return dt.datetime.strptime(text, "%d/%m/%Y").date()


def docx_bytes(with_document=True) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        if with_document:
            z.writestr("word/document.xml", "<w:document/>")
    return buf.getvalue()


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
