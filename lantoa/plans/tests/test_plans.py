"""The shipped Hồng Ngự plan, plan copy to 2026–2030, and target editing."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from conftest import current_commune, legacy_commune
from lantoa.accounts.roles import Role
from lantoa.core.models import AuditLog
from lantoa.plans import services as plan_services
from lantoa.plans.kpi import compute, registry
from lantoa.plans.models import Indicator, Plan, Target
from lantoa.plans.services import plan_load, target_save

pytestmark = pytest.mark.django_db

CODES = ["T1", "T2", "T3", "T4", "T5", "T6", "T7"] + [f"M{i}" for i in range(1, 12)]


PROVINCE = "Ủy ban nhân dân tỉnh Đồng Tháp"


def plan_copy(**kwargs) -> Plan:
    """The next plan, issued by the province (the district committee that issued the old one is gone)."""
    kwargs.setdefault("issuer", None)
    kwargs.setdefault("issuer_name", PROVINCE)
    return plan_services.plan_copy(**kwargs)


def _plan() -> Plan:
    return Plan.objects.get(is_default=True)


def _target(code, year, plan=None):
    return Target.objects.get(indicator__plan=plan or _plan(), indicator__code=code, year=year, area=None, unit=None)


def test_default_plan_has_every_indicator_of_r12(default_data):
    plan = _plan()
    assert plan.start_year == 2022 and plan.end_year == 2025
    assert plan.parent.number == "358/KH-UBND"
    assert plan.issuer.code == "hn-ubnd-huyen"
    assert list(plan.indicators.values_list("code", flat=True)) == CODES
    assert [a.code for a in plan.areas.all()] == ["870"]
    assert plan.document.name.endswith(".txt")
    for ind in plan.indicators.all():
        assert ind.computation in registry, ind.code
        assert ind.description, ind.code


@pytest.mark.parametrize(
    ("code", "year", "min_value", "max_value", "expected"),
    [
        ("T1", 2022, 70, None, None),
        ("T1", 2023, 80, None, None),
        ("T1", 2024, 90, None, None),
        ("T1", 2025, 100, None, None),
        ("T2", 2024, 100, None, None),
        ("T3", 2022, 50, None, None),
        ("T3", 2023, 55, None, None),
        ("T3", 2024, 60, None, None),
        ("T3", 2025, 65, None, None),
        ("T4", 2022, 20, None, None),
        ("T4", 2025, 35, None, None),
        ("T5", 2023, 100, None, None),
        ("T6", 2022, None, None, True),
        ("M1", 2025, 100, None, None),
        ("M2", 2022, 100, None, None),
        ("M3", 2022, None, None, True),
        ("M3", 2025, None, None, True),
        ("M4", 2022, 5, 10, None),
        ("M4", 2023, 5, 7, None),
        ("M5", 2022, 25, None, None),
        ("M5", 2024, 15, 20, None),
        ("M6", 2022, 3, 5, None),
        ("M6", 2025, 1, 3, None),
        ("M7", 2023, 2, None, None),
        ("M8", 2022, None, None, True),
        ("M9", 2023, None, None, True),
        ("M10", 2024, 1, None, None),
        ("M11", 2025, None, None, True),
    ],
)
def test_targets_match_the_plan(default_data, code, year, min_value, max_value, expected):
    t = _target(code, year)
    assert t.min_value == (Decimal(min_value) if min_value is not None else None)
    assert t.max_value == (Decimal(max_value) if max_value is not None else None)
    assert t.expected is expected


def test_years_without_a_target_have_none(default_data):
    assert not Target.objects.filter(indicator__code="M3", year__in=[2023, 2024]).exists()
    assert not Target.objects.filter(indicator__code="M9", year=2022).exists()
    assert _target("T7", 2022).label == "Báo cáo"
    assert "nội suy" in _target("T1", 2023).label
    assert _target("M8", 2022).params == {"stage": "plan"} and _target("M8", 2023).params == {"stage": "live"}


def test_target_display(default_data):
    assert _target("T3", 2025).display == "≥ 65%"
    assert _target("M4", 2022).display == "5–10"
    assert _target("M5", 2023).display == "15–20%"
    assert _target("T6", 2024).display == "có"


def test_loading_twice_keeps_edits(default_data):
    t = _target("T3", 2025)
    t.min_value = Decimal("66")
    t.save()
    plan, created = plan_load(actor=None)
    assert not created
    assert _target("T3", 2025).min_value == Decimal("66")
    assert Plan.objects.filter(number=plan.number).count() == 1


def test_indicators_say_what_they_need(default_data):
    ind = Indicator.objects.get(plan=_plan(), code="T1")
    result = compute(ind, 2023)
    assert not result.has_data
    assert "tập huấn" in result.no_data_reason


def test_plan_copy_to_new_communes(default_data, coordinator):
    old = _plan()
    new = plan_copy(
        actor=coordinator,
        plan=old,
        number="15/KH-UBND",
        title="Kế hoạch tuyên truyền BHXH 2026–2030",
        start_year=2026,
        end_year=2030,
    )
    assert new.copied_from == old and new.years == [2026, 2027, 2028, 2029, 2030]
    assert list(new.indicators.values_list("code", flat=True)) == CODES
    # The abolished district is replaced by the communes that now cover it.
    assert {a.name for a in new.areas.all()} == {
        "Xã Thường Phước",
        "Phường Thường Lạc",
        "Xã Long Khánh",
        "Xã Long Phú Thuận",
        "Xã Tân Long",
    }
    assert _target("T3", 2028, new).min_value == Decimal("65")
    assert _target("M4", 2030, new).max_value == Decimal("7")
    assert Target.objects.filter(indicator__plan=new, indicator__code="M3").count() == 5
    # The source plan is untouched.
    assert Target.objects.filter(indicator__plan=old).count() == 69
    assert AuditLog.objects.filter(verb="plan_copy", target_id=str(new.pk)).exists()


def test_plan_copy_moves_area_targets_to_successor(default_data, coordinator):
    old = _plan()
    ind = old.indicators.get(code="M7")
    Target.objects.create(indicator=ind, year=2025, area=legacy_commune("Xã Long Khánh A"), min_value=3)
    new = plan_copy(actor=coordinator, plan=old, number="1/KH", title="Mới", start_year=2026, end_year=2027)
    moved = Target.objects.get(indicator__plan=new, indicator__code="M7", year=2026, area__isnull=False)
    assert moved.area == current_commune("Xã Long Khánh") and moved.min_value == 3


def test_plan_copy_rejects_bad_input(default_data, coordinator):
    with pytest.raises(ValidationError) as err:
        plan_copy(actor=coordinator, plan=_plan(), number="", title="X", start_year=2024, end_year=2023)
    assert {"number", "start_year", "end_year"} <= set(err.value.message_dict)
    assert Plan.objects.count() == 2  # the district plan and its provincial parent


def test_target_save_validates_and_audits(default_data, coordinator):
    t = _target("T4", 2024)
    t.min_value = Decimal("32")
    target_save(actor=coordinator, target=t)
    row = AuditLog.objects.get(verb="target_save", target_id=str(t.pk))
    assert row.changes == {"min_value": ["30.00", "32"]} or row.changes["min_value"][1] in ("32", "32.00")
    assert row.actor == coordinator
    outside = Target(indicator=t.indicator, year=2030, min_value=1)
    with pytest.raises(ValidationError) as err:
        target_save(actor=coordinator, target=outside)
    assert "2030" in err.value.message_dict["year"][0]
    dup = Target(indicator=t.indicator, year=2024, min_value=1)
    with pytest.raises(ValidationError):
        target_save(actor=coordinator, target=dup)


def test_plan_page_lists_18_indicators_with_targets(client, coordinator):
    client.force_login(coordinator)
    html = client.get(reverse("plans:detail", args=[_plan().pk])).content.decode()
    for code in CODES:
        assert f">{code}</a>" in html
    assert "≥ 65%" in html and "5–10" in html


def test_dashboard_says_no_data_yet(client, coordinator):
    client.force_login(coordinator)
    response = client.get(reverse("plans:dashboard"))
    assert response.status_code == 200
    html = response.content.decode()
    # An empty database: the share indicators have nothing to divide by and say what they need.
    assert "chưa có dữ liệu — cần danh sách đội ngũ tuyên truyền" in html
    assert html.count("status-no_data") >= 8 * 4


def test_every_indicator_of_the_plan_is_computed_from_records(default_data):
    from lantoa.plans.kpi import registry

    indicators = list(_plan().indicators.all())
    assert len(indicators) == 18
    # No computation is the placeholder that only says what it waits for: an app implements each one.
    placeholders = [i.code for i in indicators if registry[i.computation].func.__qualname__.startswith("_awaiting")]
    assert placeholders == []


def test_plan_pages_need_a_unit(client, django_user_model, default_data):
    loner = django_user_model.objects.create_user("loner", password="x" * 12, role="commune_officer")
    client.force_login(loner)
    assert client.get(reverse("plans:detail", args=[_plan().pk])).status_code == 404


def test_only_editors_edit_targets(client, officer_long_khanh_a, coordinator):
    t = _target("T3", 2025)
    url = reverse("plans:target_edit", args=[_plan().pk, t.indicator_id, t.pk])
    client.force_login(officer_long_khanh_a)
    assert client.get(url).status_code == 404
    assert client.post(url, {"year": 2025, "min_value": "1"}).status_code == 404
    assert _target("T3", 2025).min_value == Decimal("65")
    client.force_login(coordinator)
    response = client.post(url, {"year": 2025, "min_value": "70", "label": "70%", "note": ""})
    assert response.status_code == 302
    assert _target("T3", 2025).min_value == Decimal("70")


def test_target_form_error_names_the_field_in_vietnamese(client, coordinator):
    t = _target("M4", 2023)
    url = reverse("plans:target_edit", args=[_plan().pk, t.indicator_id, t.pk])
    client.force_login(coordinator)
    response = client.post(url, {"year": 2023, "min_value": "9", "max_value": "3"})
    assert response.status_code == 200
    assert "Giá trị tối đa phải không nhỏ hơn giá trị tối thiểu" in response.content.decode()
    assert _target("M4", 2023).min_value == Decimal("5")


def test_copy_view(client, coordinator, make_user):
    url = reverse("plans:copy", args=[_plan().pk])
    client.force_login(make_user(Role.UNIT_OFFICER, "hn-hoinongdan"))
    assert client.get(url).status_code == 404
    client.force_login(coordinator)
    response = client.post(url, _copy_form(_plan()))
    new = Plan.objects.get(number="20/KH-UBND")
    assert response.status_code == 302 and response["Location"] == reverse("plans:detail", args=[new.pk])


def test_plan_export_xlsx(client, coordinator):
    import io

    from openpyxl import load_workbook

    client.force_login(coordinator)
    response = client.get(reverse("plans:detail", args=[_plan().pk]) + "?export=xlsx")
    ws = load_workbook(io.BytesIO(response.content)).active
    rows = list(ws.values)
    assert rows[0][:2] == ("Mã", "Chỉ tiêu") and "2025" in rows[0]
    assert [r[0] for r in rows[1:]] == CODES


def test_plan_document_is_served_to_members_only(client, coordinator, django_user_model):
    url = reverse("plans:document", args=[_plan().pk])
    client.force_login(coordinator)
    response = client.get(url)
    assert response.status_code == 200
    assert "KẾ HOẠCH" in b"".join(response.streaming_content).decode("utf-8")
    client.force_login(django_user_model.objects.create_user("x", password="y" * 12))
    assert client.get(url).status_code == 404


def test_plan_copy_merges_targets_of_merged_communes(default_data, coordinator):
    old = _plan()
    ind = old.indicators.get(code="M7")
    Target.objects.create(indicator=ind, year=2025, area=legacy_commune("Xã Long Khánh A"), min_value=3)
    Target.objects.create(indicator=ind, year=2025, area=legacy_commune("Xã Long Khánh B"), min_value=4)
    Target.objects.create(indicator=ind, year=2025, area=legacy_commune("Xã Phú Thuận B"), min_value=5)
    new = plan_copy(actor=coordinator, plan=old, number="2/KH", title="Mới", start_year=2026, end_year=2026)
    moved = Target.objects.filter(indicator__plan=new, indicator__code="M7", area__isnull=False)
    # One target per successor commune; a split commune follows its primary successor.
    assert sorted((t.area.name, t.year) for t in moved) == [("Xã Long Khánh", 2026), ("Xã Long Phú Thuận", 2026)]


def test_area_targets_of_other_communes_are_hidden(client, officer_long_khanh_a):
    ind = _plan().indicators.get(code="M7")
    Target.objects.create(
        indicator=ind, year=2024, area=legacy_commune("Xã Thường Lạc"), min_value=3, note="riêng Thường Lạc"
    )
    Target.objects.create(
        indicator=ind, year=2024, area=legacy_commune("Xã Long Khánh A"), min_value=4, note="riêng Long Khánh A"
    )
    client.force_login(officer_long_khanh_a)
    html = client.get(reverse("plans:indicator", args=[_plan().pk, ind.pk])).content.decode()
    assert "riêng Long Khánh A" in html and "riêng Thường Lạc" not in html
    assert "Tối thiểu 02 lượt/tuần" in html  # the plan-wide targets stay


def test_dashboard_rejects_a_bad_plan_parameter(client, coordinator):
    client.force_login(coordinator)
    assert client.get(reverse("plans:dashboard"), {"plan": "abc"}).status_code == 404
    assert client.get(reverse("plans:dashboard"), {"plan": "99999"}).status_code == 404


def test_commune_and_district_officers_read_the_district_plan(client, officer_long_khanh_a, make_user):
    client.force_login(officer_long_khanh_a)
    assert client.get(reverse("plans:detail", args=[_plan().pk])).status_code == 200
    client.force_login(make_user("unit_officer", "hn-hoinongdan"))
    assert client.get(reverse("plans:detail", args=[_plan().pk])).status_code == 200


def test_indicator_edit_is_audited_and_for_editors_only(client, coordinator, officer_long_khanh_a):
    ind = _plan().indicators.get(code="T7")
    url = reverse("plans:indicator_edit", args=[_plan().pk, ind.pk])
    client.force_login(officer_long_khanh_a)
    assert client.get(url).status_code == 404
    client.force_login(coordinator)
    data = {
        "code": "T7",
        "name": ind.name,
        "description": ind.description,
        "section": ind.section,
        "group": ind.group,
        "measure": ind.measure,
        "direction": ind.direction,
        "computation": ind.computation,
        "note": "Báo cáo tỷ lệ hằng quý",
    }
    assert client.post(url, data).status_code == 302
    ind.refresh_from_db()
    assert ind.note == "Báo cáo tỷ lệ hằng quý"
    row = AuditLog.objects.get(verb="indicator_save", target_id=str(ind.pk))
    assert row.changes["note"][1] == "Báo cáo tỷ lệ hằng quý"
    response = client.post(url, {**data, "computation": "no_such_thing"})
    assert response.status_code == 200 and "no_such_thing" in response.content.decode()


def _copy_form(plan, **overrides):
    data = {
        "number": "20/KH-UBND",
        "title": "KH 2026–2030",
        "start_year": 2026,
        "end_year": 2030,
        "issuer_name": PROVINCE,
        "areas": [a.pk for a in plan_services.proposed_areas(plan, 2026)],
        "indicators": list(plan.indicators.values_list("pk", flat=True)),
        "make_default": "on",
    }
    data.update(overrides)
    return data


def test_next_plan_proposes_the_communes_that_absorbed_the_district(default_data):
    names = [a.name for a in plan_services.proposed_areas(_plan(), 2026)]
    assert sorted(names) == [
        "Phường Thường Lạc",
        "Xã Long Khánh",
        "Xã Long Phú Thuận",
        "Xã Thường Phước",
        "Xã Tân Long",
    ]
    # Before the reorganisation the district itself is still in force.
    assert [a.name for a in plan_services.proposed_areas(_plan(), 2025)] == ["Huyện Hồng Ngự"]


def test_next_plan_keeps_chosen_indicators_with_baseline(default_data, coordinator):
    old = _plan()
    kept = old.indicators.filter(code__in=["T3", "M3", "M7"])
    new = plan_copy(
        actor=coordinator,
        plan=old,
        number="20/KH-UBND",
        title="KH 2026–2030",
        start_year=2026,
        end_year=2030,
        indicators=kept,
        make_default=True,
    )
    assert sorted(new.indicators.values_list("code", flat=True)) == ["M3", "M7", "T3"]
    assert Plan.objects.get(is_default=True) == new and not Plan.objects.get(pk=old.pk).is_default
    assert AuditLog.objects.filter(verb="plan_copy", target_id=str(old.pk), action=AuditLog.Action.UPDATE).exists()
    # No records in 2025: a percent has no value so no baseline; a yes/no milestone was not reached.
    assert "baseline" not in _target("T3", 2027, new).params
    assert _target("M3", 2030, new).params["baseline"] == {"year": 2025, "value": False}


def test_next_plan_baseline_is_the_last_years_value(default_data, coordinator, monkeypatch):
    old = _plan()
    t3 = old.indicators.get(code="T3")
    m3 = old.indicators.get(code="M3")
    monkeypatch.setattr(
        plan_services, "baselines", lambda plan: {t3.pk: Decimal("41.5"), m3.pk: True} if plan == old else {}
    )
    new = plan_copy(
        actor=coordinator, plan=old, number="3/KH", title="Mới", start_year=2026, end_year=2027, indicators=[t3, m3]
    )
    assert _target("T3", 2026, new).params["baseline"] == {"year": 2025, "value": "41.5"}
    assert _target("M3", 2027, new).params["baseline"] == {"year": 2025, "value": True}
    from lantoa.plans.selectors import indicators_with_targets

    shown = {i.code: i.baseline["text"] for i in indicators_with_targets(new)}
    assert shown == {"T3": "41,5%", "M3": "có"}


def test_next_plan_refuses_overlap_old_areas_and_no_indicator(default_data, coordinator):
    old = _plan()
    plan_copy(actor=coordinator, plan=old, number="4/KH", title="A", start_year=2026, end_year=2030)
    with pytest.raises(ValidationError) as err:
        plan_copy(actor=coordinator, plan=old, number="5/KH", title="B", start_year=2028, end_year=2032)
    assert "2026–2030" in err.value.message_dict["start_year"][0]
    with pytest.raises(ValidationError) as err:
        plan_copy(
            actor=coordinator,
            plan=old,
            number="6/KH",
            title="C",
            start_year=2031,
            end_year=2035,
            areas=[legacy_commune("Xã Long Khánh A")],
            indicators=[],
        )
    assert "Xã Long Khánh A" in err.value.message_dict["areas"][0]
    assert "indicators" in err.value.message_dict
    assert Plan.objects.filter(number__in=["5/KH", "6/KH"]).count() == 0


def test_next_plan_page_shows_baselines_and_creates_the_plan(client, coordinator):
    old = _plan()
    client.force_login(coordinator)
    url = reverse("plans:copy", args=[old.pk])
    page = client.get(url)
    assert page.status_code == 200
    body = page.content.decode()
    for name in ["Xã Thường Phước", "Phường Thường Lạc", "Xã Tân Long"]:
        assert name in body
    assert "← " in body  # each proposed commune names the communes it absorbed
    assert body.count('name="indicators"') == 18
    # A form error names the field and keeps nothing.
    bad = client.post(url, _copy_form(old, indicators=[]))
    assert bad.status_code == 200 and Plan.objects.count() == 2
    assert "Chọn ít nhất một chỉ tiêu" in bad.content.decode()
    response = client.post(url, _copy_form(old))
    new = Plan.objects.get(number="20/KH-UBND")
    assert response.status_code == 302 and response["Location"] == reverse("plans:detail", args=[new.pk])
    assert new.is_default and new.indicators.count() == 18 and new.areas.count() == 5


def test_reference_targets_load_keeps_edits(default_data, coordinator):
    from lantoa.plans.models import ReferenceTarget

    refs = {r.code: r for r in ReferenceTarget.objects.all()}
    assert len(refs) == 3 and any(r.value == Decimal("60") and r.year == 2030 for r in refs.values())
    edited = next(iter(refs.values()))
    edited.note = "Đã đối chiếu văn bản gốc."
    edited.save()
    assert plan_services.reference_targets_load(actor=coordinator) == 0
    assert ReferenceTarget.objects.get(pk=edited.pk).note == "Đã đối chiếu văn bản gốc."
    ReferenceTarget.objects.filter(pk=edited.pk).delete()
    assert plan_services.reference_targets_load(actor=coordinator) == 1
    assert AuditLog.objects.filter(verb="reference_targets_load").exists()


def test_pages_open_on_the_plan_in_force_this_year(default_data, coordinator, monkeypatch):
    import datetime as dt

    from lantoa.plans.selectors import default_plan

    old = _plan()
    monkeypatch.setattr("lantoa.core.clock.today", lambda: dt.date(2026, 12, 7))
    # Nothing covers 2026 yet: the default plan.
    assert default_plan(user=coordinator) == old
    new = plan_copy(actor=coordinator, plan=old, number="9/KH", title="Mới", start_year=2026, end_year=2030)
    # Not made the default, but in force this year: pages open on it.
    assert not new.is_default and default_plan(user=coordinator) == new
    monkeypatch.setattr("lantoa.core.clock.today", lambda: dt.date(2024, 3, 1))
    assert default_plan(user=coordinator) == old


def test_dashboard_and_warnings_pick_a_plan(client, coordinator):
    old = _plan()
    new = plan_copy(actor=coordinator, plan=old, number="9/KH", title="Mới", start_year=2026, end_year=2030)
    client.force_login(coordinator)
    for name in ("plans:dashboard", "plans:warnings"):
        page = client.get(reverse(name), {"plan": old.pk})
        assert page.status_code == 200 and page.context["plan"] == old
        assert f'<option value="{new.pk}"' in page.content.decode()
        assert client.get(reverse(name), {"plan": "x"}).status_code == 404
    page = client.get(reverse("plans:dashboard"), {"plan": new.pk})
    assert [y for y in new.years if f"<th>{y}</th>" in page.content.decode()] == new.years


def test_a_commune_officer_starts_its_communes_next_plan(client, default_data, make_user, monkeypatch):
    import datetime as dt

    monkeypatch.setattr("lantoa.core.clock.today", lambda: dt.date(2026, 12, 7))
    old = _plan()
    officer = make_user(Role.COMMUNE_OFFICER, "dt-ubnd-long-khanh")
    client.force_login(officer)
    assert "Lập kế hoạch giai đoạn tiếp theo" in client.get(reverse("plans:detail", args=[old.pk])).content.decode()
    url = reverse("plans:copy", args=[old.pk])
    form = client.get(url).context["form"]
    assert [a.name for a in form.initial["areas"]] == ["Xã Long Khánh"]
    assert form.initial["title"].endswith("đến năm 2030 trên địa bàn xã Long Khánh")
    assert [a.name for a in form.fields["areas"].queryset] == ["Xã Long Khánh"]
    assert [u.code for u in form.fields["issuer"].queryset] == ["dt-ubnd-long-khanh"]
    # Another commune cannot be slipped in.
    other = current_commune("Xã Tân Long")
    bad = client.post(url, _copy_form(old, number="01/KH-UBND", areas=[other.pk], make_default=""))
    assert bad.status_code == 200 and "areas" in bad.context["form"].errors
    data = _copy_form(old, number="01/KH-UBND", areas=[current_commune("Xã Long Khánh").pk], make_default="")
    data["issuer"] = form.fields["issuer"].queryset.get().pk
    # It implements the province plan the district plan implemented (offered and picked by default).
    assert form.initial["parent"] == old.parent and old.parent in form.fields["parent"].queryset
    data["parent"] = old.parent.pk
    response = client.post(url, data)
    new = Plan.objects.get(number="01/KH-UBND")
    assert response.status_code == 302 and not new.is_default and new.issuer.code == "dt-ubnd-long-khanh"
    assert [a.name for a in new.areas.all()] == ["Xã Long Khánh"] and new.parent == old.parent


def test_a_whole_plan_count_is_not_asked_of_each_commune(client, coordinator, in_2023):
    plan = _plan()
    m4 = plan.indicators.get(code="M4")
    client.force_login(coordinator)
    page = client.get(reverse("plans:indicator", args=[plan.pk, m4.pk]), {"year": 2023})
    communes = page.context["communes"]
    assert communes and all(c["toward_total"] and c["target"] is None for c in communes)
    by_commune = page.content.decode().split("Theo xã, năm 2023")[1].split("</table>")[0]
    assert "tính vào chỉ tiêu chung của kế hoạch" in by_commune and "chưa đạt" not in by_commune.lower()
    # A target set for one commune is judged for that commune.
    commune = communes[0]["area"]
    Target.objects.create(indicator=m4, year=2023, area=commune, min_value=1)
    page = client.get(reverse("plans:indicator", args=[plan.pk, m4.pk]), {"year": 2023})
    row = next(c for c in page.context["communes"] if c["area"] == commune)
    assert not row["toward_total"] and row["target"].min_value == 1
    # A share (T3) is still judged commune by commune against the plan's target.
    t3 = plan.indicators.get(code="T3")
    page = client.get(reverse("plans:indicator", args=[plan.pk, t3.pk]), {"year": 2023})
    assert all(not c["toward_total"] and c["target"] is not None for c in page.context["communes"])


def test_an_indicator_is_added_from_the_catalogue_in_the_products_screens(client, coordinator, make_user):
    plan = _plan()
    url = reverse("plans:indicator_new", args=[plan.pk])
    client.force_login(make_user(Role.COMMUNE_OFFICER, "dt-ubnd-long-khanh"))
    assert client.get(url).status_code == 404
    client.force_login(coordinator)
    assert "Thêm chỉ tiêu" in client.get(reverse("plans:detail", args=[plan.pk])).content.decode()
    data = {
        "code": "m12",
        "name": "Số lớp tập huấn cho cộng tác viên",
        "measure": "count",
        "direction": "gte",
        "computation": "training_classes",
    }
    # The code of an existing indicator is refused on the field, nothing saved.
    bad = client.post(url, {**data, "code": "M10"})
    assert bad.status_code == 200 and "Kế hoạch đã có chỉ tiêu M10." in bad.content.decode()
    assert plan.indicators.count() == 18
    response = client.post(url, data)
    new = plan.indicators.get(code="M12")
    assert response.status_code == 302 and response["Location"] == reverse("plans:indicator", args=[plan.pk, new.pk])
    assert new.order > plan.indicators.get(code="M11").order
    assert AuditLog.objects.filter(verb="indicator_save", target_id=str(new.pk)).exists()
    # It is computed from the records by the chosen computation, as M10 is.
    assert compute(new, 2023).actual == compute(plan.indicators.get(code="M10"), 2023).actual


def test_a_plan_from_scratch_in_the_products_screens(client, coordinator, officer_long_khanh_a):
    client.force_login(officer_long_khanh_a)
    assert client.get(reverse("plans:new")).status_code == 404
    client.force_login(coordinator)
    assert reverse("plans:new") in client.get(reverse("plans:list")).content.decode()
    long_khanh, tan_long = current_commune("Xã Long Khánh"), current_commune("Xã Tân Long")
    form = {"number": "7/KH-UBND", "title": "Kế hoạch tuyên truyền BHXH xã Long Khánh 2026–2030"}
    form |= {"issuer_name": "UBND xã Long Khánh", "start_year": "2026", "end_year": "2030"}
    # An area abolished before the period: refused, naming the field; nothing saved.
    bad = client.post(reverse("plans:new"), form | {"areas": [legacy_commune("Xã Long Khánh A").pk]})
    assert bad.status_code == 200 and "không còn tồn tại trong giai đoạn 2026–2030" in bad.content.decode()
    assert not Plan.objects.filter(number="7/KH-UBND").exists()
    done = client.post(reverse("plans:new"), form | {"areas": [long_khanh.pk, tan_long.pk]})
    plan = Plan.objects.get(number="7/KH-UBND")
    assert done["Location"] == reverse("plans:detail", args=[plan.pk])
    assert set(plan.areas.all()) == {long_khanh, tan_long} and not plan.is_default
    assert AuditLog.objects.filter(verb="plan_save", target_id=str(plan.pk)).exists()
    # Another plan of the same issuer over the same years is refused.
    clash = client.post(
        reverse("plans:new"), form | {"number": "8/KH-UBND", "start_year": "2028", "areas": [long_khanh.pk]}
    )
    assert "đã có kế hoạch giai đoạn 2026–2030 (7/KH-UBND)" in clash.content.decode()
    # Editing the areas is audited; the default plan is set on the plan's page.
    client.post(reverse("plans:edit", args=[plan.pk]), form | {"areas": [long_khanh.pk]})
    assert list(plan.areas.all()) == [long_khanh]
    change = AuditLog.objects.filter(verb="plan_save", target_id=str(plan.pk)).latest("pk")
    assert change.changes["areas"] == [["Xã Long Khánh", "Xã Tân Long"], ["Xã Long Khánh"]]
    client.post(reverse("plans:make_default", args=[plan.pk]))
    plan.refresh_from_db()
    assert plan.is_default and Plan.objects.filter(is_default=True).count() == 1


def test_a_period_is_not_shortened_under_its_targets(default_data, coordinator):
    plan = _plan()
    plan.end_year = 2024
    with pytest.raises(ValidationError) as err:
        plan_services.plan_save(actor=coordinator, plan=plan)
    assert "2025" in err.value.message_dict["end_year"][0]
    plan.refresh_from_db()
    assert plan.end_year == 2025


def test_an_indicator_is_retired_only_where_no_record_counts(client, coordinator):
    import datetime as dt

    from lantoa.activities.kinds import Kind
    from lantoa.activities.models import Activity
    from lantoa.orgs.models import Unit

    old = _plan()
    new = plan_copy(
        actor=coordinator, plan=old, number="9/KH", title="Kế hoạch 2026–2030", start_year=2026, end_year=2030
    )
    m4 = new.indicators.get(code="M10")
    # No record counts yet in 2026–2030: retire M10 from 2027, its targets of 2027–2030 go.
    plan_services.indicator_retire(actor=coordinator, indicator=m4, from_year=2027)
    assert sorted(m4.targets.values_list("year", flat=True)) == [2026]
    with pytest.raises(ValidationError) as err:
        target_save(actor=coordinator, target=Target(indicator=m4, year=2028, min_value=1))
    assert "2027" in err.value.message_dict["year"][0]
    client.force_login(coordinator)
    page = client.get(reverse("plans:dashboard") + f"?plan={new.pk}").content.decode()
    assert "từ 2027" in page and page.count("không còn theo dõi") >= 4
    # The old plan's M10 has a training class in 2023: it cannot be retired from 2023, nothing changes.
    Activity.objects.create(
        title="Lớp tập huấn",
        kind=Kind.TRAINING,
        status="done",
        start_date=dt.date(2023, 5, 4),
        organiser=Unit.objects.get(code="hn-bhxh"),
        area=legacy_commune("Xã Long Khánh A"),
    )
    old_m4 = old.indicators.get(code="M10")
    before = list(old_m4.targets.values_list("pk", flat=True))
    response = client.post(reverse("plans:indicator_retire", args=[old.pk, old_m4.pk]), {"retired_from": "2023"})
    assert response.status_code == 302
    old_m4.refresh_from_db()
    assert old_m4.retired_from is None and list(old_m4.targets.values_list("pk", flat=True)) == before
    shown = client.get(response["Location"]).content.decode()
    assert "1 bản ghi đã được tính cho M10 năm 2023" in shown
    # The next plan copied from a plan with a retired indicator leaves it out.
    later = plan_copy(
        actor=coordinator, plan=new, number="10/KH", title="Kế hoạch 2031–2035", start_year=2031, end_year=2035
    )
    assert "M10" not in set(later.indicators.values_list("code", flat=True))


def test_indicator_page_shows_the_national_target_and_other_plans(client, coordinator):
    old = _plan()
    new = plan_copy(
        actor=coordinator, plan=old, number="9/KH", title="Kế hoạch 2026–2030", start_year=2026, end_year=2030
    )
    client.force_login(coordinator)
    from lantoa.plans.models import ReferenceTarget

    t3 = new.indicators.get(code="T3")
    ref = ReferenceTarget.objects.get(code="nq28-labour-force-bhxh-2030")
    form = {f: getattr(t3, f) for f in ["code", "name", "description", "section", "group", "measure", "direction"]}
    form |= {"computation": t3.computation, "reference": ref.pk, "note": ""}
    client.post(reverse("plans:indicator_edit", args=[new.pk, t3.pk]), form)
    page = client.get(reverse("plans:indicator", args=[new.pk, t3.pk])).content.decode()
    assert reverse("plans:indicator", args=[old.pk, old.indicators.get(code="T3").pk]) in page
    assert ref.source in page and "60%" in page


def test_the_next_plan_is_not_issued_by_a_unit_that_ceased(default_data, coordinator):
    old = _plan()
    args = {"actor": coordinator, "plan": old, "number": "11/KH", "title": "Mới", "start_year": 2026, "end_year": 2030}
    with pytest.raises(ValidationError) as err:
        plan_services.plan_copy(**args)  # the old issuer, the district committee, ceased on 30/06/2025
    assert "30/06/2025" in err.value.message_dict["issuer"][0]
    with pytest.raises(ValidationError) as err:
        plan_services.plan_copy(**args, issuer=None)
    assert "issuer" in err.value.message_dict
    new = plan_services.plan_copy(**args, issuer=None, issuer_name=PROVINCE)
    assert new.issuer is None and new.issuer_label == PROVINCE


def test_units_in_plans_are_those_a_plan_in_force_obliges(default_data, coordinator):
    import datetime as dt

    from lantoa.plans.selectors import units_in_plans

    assert not units_in_plans(2026, dt.date(2026, 3, 1)).exists()  # no plan in force: nobody owes anything
    in_2023 = set(units_in_plans(2023, dt.date(2023, 3, 1)).values_list("code", flat=True))
    assert {"hn-bhxh", "hn-ubnd-long-khanh-a"} <= in_2023 and not any(c.startswith("dt-") for c in in_2023)
    plan_copy(actor=coordinator, plan=_plan(), number="12/KH", title="Mới", start_year=2026, end_year=2030)
    in_2026 = set(units_in_plans(2026, dt.date(2026, 3, 1)).values_list("code", flat=True))
    assert {"dt-ubnd-long-khanh", "dt-ubnd-tan-long", "dt-snv"} <= in_2026
    assert not any(c.startswith("hn-") for c in in_2026)
