"""The radio pages: quick entry, list and export, detail, edit, delete, week grid, warnings — and the
outsider who gets 404 everywhere."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from conftest import current_commune, legacy_commune
from lantoa.accounts.roles import Role
from lantoa.core.models import AuditLog
from lantoa.orgs.models import Unit
from lantoa.radio.models import Broadcast
from lantoa.radio.tests.conftest import add, d
from lantoa.taxonomy.models import Topic

pytestmark = pytest.mark.django_db


@pytest.fixture
def lka_broadcast(officer_long_khanh_a):
    return add(
        legacy_commune("Xã Long Khánh A"), d("13/06/2023"), unit_code="hn-ubnd-long-khanh-a", title="Loa Long Khánh A"
    )[0]


@pytest.fixture
def tl_broadcast(officer_thuong_lac):
    return add(
        legacy_commune("Xã Thường Lạc"), d("13/06/2023"), unit_code="hn-ubnd-thuong-lac", title="Loa Thường Lạc"
    )[0]


def form_data(**over):
    data = {
        "commune": legacy_commune("Xã Long Khánh A").pk,
        "aired_on": "14/06/2023",
        "aired_at": "06:30",
        "duration_minutes": "15",
        "title": "Chính sách BHXH tự nguyện",
        "topics": [Topic.objects.get(code="ho-tro-tu-nguyen").pk],
        "unit": Unit.objects.get(code="hn-ubnd-long-khanh-a").pk,
        "note": "",
    }
    data.update(over)
    return {k: v for k, v in data.items() if v is not None}


def test_entry_form_defaults(client, officer_long_khanh_a):
    client.force_login(officer_long_khanh_a)
    response = client.get(reverse("radio:new"))
    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["commune"] == legacy_commune("Xã Long Khánh A").pk
    assert form.initial["aired_on"] == dt.date(2023, 6, 15)
    assert form.initial["unit"] == Unit.objects.get(code="hn-ubnd-long-khanh-a").pk
    html = response.content.decode()
    assert 'value="15/06/2023"' in html
    assert 'type="checkbox" name="topics"' in html
    # Only the officer's commune (and its hamlets) can be chosen.
    assert "Xã Thường Lạc" not in html


def test_record_through_the_form(client, officer_long_khanh_a):
    client.force_login(officer_long_khanh_a)
    response = client.post(reverse("radio:new"), form_data())
    b = Broadcast.objects.get()
    assert response.status_code == 302 and response.url == reverse("radio:detail", args=[b.pk])
    assert b.voluntary_bhxh  # a voluntary topic ticks it when the box was not touched
    assert b.aired_at == dt.time(6, 30) and b.created_by == officer_long_khanh_a
    assert AuditLog.objects.filter(target_type="radio.broadcast", action="create").count() == 1
    # The same form sent again is refused, with the reason under the title.
    again = client.post(reverse("radio:new"), form_data())
    assert again.status_code == 200
    assert again.context["form"].errors["title"]
    assert Broadcast.objects.count() == 1


def test_unticked_voluntary_box_is_kept_when_the_person_set_it(client, officer_long_khanh_a):
    client.force_login(officer_long_khanh_a)
    client.post(reverse("radio:new"), form_data(voluntary_set="1"))
    assert Broadcast.objects.get().voluntary_bhxh is False


def test_bad_input_through_the_form_saves_nothing(client, officer_long_khanh_a):
    client.force_login(officer_long_khanh_a)
    future = client.post(reverse("radio:new"), form_data(aired_on="20/06/2023"))
    assert future.status_code == 200 and future.context["form"].errors["aired_on"]
    zero = client.post(reverse("radio:new"), form_data(duration_minutes="0"))
    assert zero.context["form"].errors["duration_minutes"]
    other = client.post(reverse("radio:new"), form_data(commune=legacy_commune("Xã Thường Lạc").pk))
    assert other.context["form"].errors["commune"]
    assert not Broadcast.objects.exists()


def test_save_and_record_another(client, officer_long_khanh_a):
    client.force_login(officer_long_khanh_a)
    response = client.post(reverse("radio:new"), form_data(another="1"))
    assert response.status_code == 302 and response.url == reverse("radio:new")


def test_outsider_gets_404_on_another_communes_broadcast(client, officer_long_khanh_a, tl_broadcast, lka_broadcast):
    client.force_login(officer_long_khanh_a)
    for name in ("radio:detail", "radio:edit", "radio:delete"):
        assert client.get(reverse(name, args=[tl_broadcast.pk])).status_code == 404
    assert client.post(reverse("radio:delete", args=[tl_broadcast.pk])).status_code == 404
    assert client.post(reverse("radio:edit", args=[tl_broadcast.pk]), form_data()).status_code == 404
    assert Broadcast.objects.filter(pk=tl_broadcast.pk).exists()
    tl = legacy_commune("Xã Thường Lạc")
    assert client.get(reverse("radio:weeks"), {"commune": tl.pk, "year": 2023}).status_code == 404
    # Their own open.
    assert client.get(reverse("radio:detail", args=[lka_broadcast.pk])).status_code == 200


def test_list_and_export_leave_out_other_communes(client, officer_long_khanh_a, tl_broadcast, lka_broadcast):
    client.force_login(officer_long_khanh_a)
    html = client.get(reverse("radio:list")).content.decode()
    assert "Loa Long Khánh A" in html and "Loa Thường Lạc" not in html
    csv = client.get(reverse("radio:list") + "?export=csv").content.decode("utf-8-sig")
    assert "Loa Long Khánh A" in csv and "Loa Thường Lạc" not in csv
    assert "13/06/2023" in csv and "2023-W24" in csv
    xlsx = client.get(reverse("radio:list") + "?export=xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    titles = [row[5] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert titles == ["Loa Long Khánh A"]
    # A commune outside the scope in the filter is not a way in.
    filtered = client.get(reverse("radio:list"), {"commune": legacy_commune("Xã Thường Lạc").pk})
    assert "Loa Thường Lạc" not in filtered.content.decode()


def test_list_filters(client, coordinator, on_day):
    on_day(d("15/06/2023"))
    lka = legacy_commune("Xã Long Khánh A")
    add(lka, d("02/01/2023"), title="Tuần một")
    add(lka, d("09/01/2023"), title="Tuần hai", voluntary=False)
    add(legacy_commune("Xã Thường Lạc"), d("03/01/2023"), title="Thường Lạc tuần một")
    client.force_login(coordinator)
    url = reverse("radio:list")
    page = client.get(url, {"commune": lka.pk, "date_from": "2023-01-02", "date_to": "2023-01-08"})
    assert [b.title for b in page.context["page"]] == ["Tuần một"]
    voluntary = client.get(url, {"commune": lka.pk, "voluntary": "on"})
    assert [b.title for b in voluntary.context["page"]] == ["Tuần một"]
    search = client.get(url, {"q": "thuong lac"})
    assert [b.title for b in search.context["page"]] == ["Thường Lạc tuần một"]
    # Under the commune that absorbed it.
    merged = client.get(url, {"commune": current_commune("Xã Long Khánh").pk})
    assert {b.title for b in merged.context["page"]} == {"Tuần một", "Tuần hai"}


def test_list_is_paginated(client, coordinator, on_day):
    on_day(d("15/06/2023"))
    lka = legacy_commune("Xã Long Khánh A")
    add(lka, *[d("01/03/2023") + dt.timedelta(days=i) for i in range(60)])
    client.force_login(coordinator)
    first = client.get(reverse("radio:list"))
    assert len(first.context["page"]) == 50 and first.context["page"].paginator.count == 60
    second = client.get(reverse("radio:list"), {"page": 2})
    assert len(second.context["page"]) == 10


def test_edit_and_delete(client, officer_long_khanh_a, lka_broadcast):
    client.force_login(officer_long_khanh_a)
    url = reverse("radio:edit", args=[lka_broadcast.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url, form_data(title="Loa đã sửa", aired_on="13/06/2023", voluntary_set="1", voluntary_bhxh="on")
    )
    assert response.status_code == 302
    lka_broadcast.refresh_from_db()
    assert lka_broadcast.title == "Loa đã sửa"
    confirm = client.get(reverse("radio:delete", args=[lka_broadcast.pk]))
    assert confirm.status_code == 200 and "Loa đã sửa" in confirm.content.decode()
    assert Broadcast.objects.filter(pk=lka_broadcast.pk).exists()  # GET deletes nothing
    done = client.post(reverse("radio:delete", args=[lka_broadcast.pk]))
    assert done.status_code == 302 and not Broadcast.objects.filter(pk=lka_broadcast.pk).exists()
    assert AuditLog.objects.filter(target_type="radio.broadcast", action="delete").count() == 1


def test_week_grid_page(client, officer_long_khanh_a, lka_broadcast):
    client.force_login(officer_long_khanh_a)
    response = client.get(reverse("radio:weeks"))
    assert response.status_code == 200
    grid = response.context["grid"]
    assert grid.commune == legacy_commune("Xã Long Khánh A") and grid.year == 2023
    html = response.content.decode()
    assert html.count('class="status status-') >= 52
    assert "date_from=2023-06-12&date_to=2023-06-18&voluntary=on" in html
    # The commune selector holds the officer's commune only.
    assert list(response.context["form"].fields["commune"].queryset) == [legacy_commune("Xã Long Khánh A")]
    assert client.get(reverse("radio:weeks"), {"year": 2026}).context["grid"].cells[-1].week.number == 53


def test_week_grid_of_a_merged_commune(client, coordinator, on_day):
    on_day(d("01/09/2025"))
    add(legacy_commune("Xã Long Khánh A"), d("30/06/2025"))
    client.force_login(coordinator)
    response = client.get(reverse("radio:weeks"), {"commune": current_commune("Xã Long Khánh").pk, "year": 2025})
    html = response.content.decode()
    assert "01/07/2025" in html and "Xã Long Khánh A" in html
    assert response.context["grid"].cells[26].count == 1


def test_warnings_page(client, officer_thuong_lac, on_day):
    on_day(d("16/01/2023"))
    add(legacy_commune("Xã Thường Lạc"), d("11/01/2023"))
    client.force_login(officer_thuong_lac)
    response = client.get(reverse("radio:warnings"))
    assert response.status_code == 200
    assert [(w.commune.name, w.count) for w in response.context["warnings"]] == [("Xã Thường Lạc", 1)]
    assert "Long Khánh" not in response.content.decode()


def test_leader_reads_but_cannot_write(client, default_data, make_user, in_2023, lka_broadcast):
    leader = make_user(Role.LEADER, "hn-ubnd-huyen")
    client.force_login(leader)
    assert client.get(reverse("radio:list")).status_code == 200
    assert client.get(reverse("radio:detail", args=[lka_broadcast.pk])).status_code == 200
    assert client.get(reverse("radio:new")).status_code == 404
    assert client.post(reverse("radio:delete", args=[lka_broadcast.pk])).status_code == 404


def test_anonymous_is_sent_to_login(client, default_data):
    for name in ("radio:list", "radio:new", "radio:weeks", "radio:warnings"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and "login" in response.url


def test_dashboard_drill_down_lists_the_broadcasts_counted(client, officer_long_khanh_a, lka_broadcast, tl_broadcast):
    from lantoa.plans.models import Plan

    plan = Plan.objects.get(is_default=True)
    m7 = plan.indicators.get(code="M7")
    add(legacy_commune("Xã Long Khánh A"), d("12/06/2023"), voluntary=False, title="Không tính")
    add(legacy_commune("Xã Long Khánh A"), d("06/06/2023"), title="Tuần 23")
    client.force_login(officer_long_khanh_a)
    response = client.get(reverse("plans:records", args=[plan.pk, m7.pk, 2023]))
    assert response.status_code == 200
    # Week 24 (12–18/06) is not finished on 15/06/2023: only week 23's broadcast is behind the figure.
    assert [b.title for b in response.context["page"]] == ["Tuần 23"]
    html = response.content.decode()
    assert reverse("radio:detail", args=[Broadcast.objects.get(title="Tuần 23").pk]) in html
    assert "Loa Thường Lạc" not in html and "Không tính" not in html


def test_warnings_list_page_and_dashboard_box(client, default_data, make_user, monkeypatch):
    monkeypatch.setattr("lantoa.core.clock.today", lambda: dt.date(2025, 10, 15))  # the plan is in force
    officer = make_user("commune_officer", "dt-ubnd-long-khanh")
    client.force_login(officer)
    html = client.get(reverse("plans:warnings")).content.decode()
    assert "Xã Long Khánh" in html and "Xã Tân Long" not in html  # scoped: only the officer's commune
    assert "06/10–12/10/2025" in html and "2025-W41" not in html  # the week as people name it
    assert reverse("plans:warnings") in client.get(reverse("plans:dashboard")).content.decode()
