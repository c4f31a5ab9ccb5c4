"""An audit row naming a reverse relation (or holding a malformed change) is shown, never a 500."""

import pytest
from django.urls import reverse

from lantoa.core.models import AuditLog
from lantoa.core.selectors import audit_rows
from lantoa.orgs.models import Unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def odd_row(default_data):
    unit = Unit.objects.get(code="hn-buudien")
    return AuditLog.objects.create(
        actor_name="system",
        search_text="buu dien",
        action=AuditLog.Action.UPDATE,
        target_type="orgs.unit",
        target_id=str(unit.pk),
        target_repr=str(unit),
        # "imports" is a reverse relation of Unit (ImportJob.unit); "short_name" holds no [old, new] pair.
        changes={"imports": [[], [7]], "short_name": "Bưu điện HN", "name": ["A", "B"]},
    )


def test_audit_rows_read_a_reverse_relation_by_its_name(odd_row):
    (row,) = audit_rows([odd_row])
    fields = {c["field"]: (c["old"], c["new"]) for c in row["changes"]}
    assert fields["imports"] == ([], [7])
    assert ("∅", "Bưu điện HN") in fields.values()
    assert ("A", "B") in fields.values()


@pytest.mark.parametrize("export", ["", "xlsx", "csv"])
def test_audit_page_and_exports_answer(client, coordinator, odd_row, export):
    client.force_login(coordinator)
    response = client.get(reverse("core:audit"), {"export": export} if export else {})
    assert response.status_code == 200
    if export == "csv":
        assert "imports" in response.content.decode("utf-8-sig")
