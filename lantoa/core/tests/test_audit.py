"""Every write through a service, and every admin edit, leaves an audit row: who, when, old → new."""

import pytest
from django.urls import reverse

from lantoa.core.models import AuditLog
from lantoa.core.services import diff, save_with_audit, snapshot
from lantoa.orgs.models import Unit

pytestmark = pytest.mark.django_db


def test_snapshot_hides_passwords(django_user_model):
    user = django_user_model.objects.create_user("a", password="secret-password-1")
    assert snapshot(user)["password"] == "***"


def test_save_with_audit_records_only_changes(default_data, coordinator):
    unit = Unit.objects.get(code="hn-buudien")
    unit.short_name = "Bưu điện HN"
    save_with_audit(actor=coordinator, obj=unit)
    row = AuditLog.objects.filter(target_type="orgs.unit", target_id=str(unit.pk)).latest("id")
    assert row.action == "update"
    assert row.changes == {"short_name": ["Bưu điện huyện", "Bưu điện HN"]}
    assert row.actor_name == coordinator.username
    count = AuditLog.objects.count()
    save_with_audit(actor=coordinator, obj=unit)  # nothing changed: nothing recorded
    assert AuditLog.objects.count() == count


def test_diff():
    assert diff({"a": 1, "b": 2}, {"a": 1, "b": 3, "c": 4}) == {"b": [2, 3], "c": [None, 4]}


def test_admin_edit_is_audited(client, django_user_model, default_data):
    admin = django_user_model.objects.create_superuser("root", password="x" * 12, role="admin")
    client.force_login(admin)
    unit = Unit.objects.get(code="hn-vksnd")
    url = reverse("admin:orgs_unit_change", args=[unit.pk])
    form = client.get(url).context["adminform"].form
    data = {k: ("" if v is None else v) for k, v in form.initial.items() if k in form.fields}
    data.update(
        {
            "name": "Viện Kiểm sát nhân dân khu vực 9",
            "area": unit.area_id,
            "former_names-TOTAL_FORMS": "0",
            "former_names-INITIAL_FORMS": "0",
            "valid_from": "2021-12-20",
        }
    )
    data = {k: v for k, v in data.items() if v != "" or k in ("parent", "merged_into", "valid_to")}
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    row = AuditLog.objects.get(target_type="orgs.unit", target_id=str(unit.pk), source="admin")
    assert row.changes["name"] == ["Viện Kiểm sát nhân dân huyện Hồng Ngự", "Viện Kiểm sát nhân dân khu vực 9"]
    assert row.actor == admin


def test_audit_page_for_coordinator_with_filters_and_export(client, coordinator):
    unit = Unit.objects.get(code="hn-buudien")
    unit.short_name = "BĐ"
    save_with_audit(actor=coordinator, obj=unit, verb="unit_save")
    client.force_login(coordinator)
    page = client.get(reverse("core:audit"), {"target_type": "orgs.unit", "q": "buu dien"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "Bưu điện huyện" in html and "BĐ" in html
    csv = client.get(reverse("core:audit"), {"target_type": "orgs.unit", "export": "csv"}).content.decode("utf-8-sig")
    assert "Bưu điện huyện → BĐ" in csv


def test_admin_delete_is_audited_one_and_many(client, django_user_model, default_data):
    from lantoa.taxonomy.models import Topic

    admin = django_user_model.objects.create_superuser("root", password="x" * 12, role="admin")
    client.force_login(admin)
    one = Topic.objects.get(code="vssid")
    response = client.post(reverse("admin:taxonomy_topic_delete", args=[one.pk]), {"post": "yes"})
    assert response.status_code == 302 and not Topic.objects.filter(pk=one.pk).exists()
    many = list(Topic.objects.filter(code__in=["tang-so", "rui-ro"]).values_list("pk", flat=True))
    client.post(
        reverse("admin:taxonomy_topic_changelist"),
        {"action": "delete_selected", "_selected_action": many, "post": "yes"},
    )
    deleted = AuditLog.objects.filter(verb="admin_delete", target_type="taxonomy.topic", actor=admin)
    assert sorted(int(i) for i in deleted.values_list("target_id", flat=True)) == sorted([one.pk, *many])
