"""The public pages without an account, the public forms' bad input and abuse, and the join requests as
the commune officer handles them."""

import datetime as dt
import re

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from conftest import current_commune
from lantoa.accounts.roles import Role
from lantoa.audience.models import ConsentEvent, Person
from lantoa.content.models import ContentItem
from lantoa.core.models import AuditLog
from lantoa.orgs.models import Unit
from lantoa.public import services
from lantoa.public.models import Hit, Lead, LeadConsent

pytestmark = pytest.mark.usefixtures("voluntary_rules")


def _token(page: str) -> str:
    return re.search(r'name="token" value="([^"]+)"', page).group(1)


def _join_data(client, **extra):
    page = client.get(reverse("public:join")).content.decode()
    data = {
        "token": _token(page),
        "website": "",
        "full_name": "Trần Thị Mai",
        "phone": "0912 345 678",
        "commune": current_commune("Xã Long Khánh").pk,
        "callback": "morning",
        "category": "near_poor",
        "consent_callback": "on",
    }
    data.update(extra)
    return data


# ----------------------------------------------------------------------------- pages


def test_visitors_get_the_public_site_and_staff_their_dashboard(client, default_data, make_user):
    page = client.get("/")
    assert page.status_code == 200
    text = page.content.decode()
    assert reverse("public:calculator") in text and reverse("public:join") in text
    assert "/static/vendor/" not in text  # the light page: no framework, no script
    assert "<script" not in text
    client.force_login(make_user(Role.COMMUNE_OFFICER, "dt-ubnd-long-khanh"))
    assert client.get("/")["Location"] == reverse("plans:dashboard")


def test_public_pages_show_only_approved_content(client, default_data):
    unit = Unit.objects.get(code="dt-ubnd-long-khanh")
    approved = ContentItem.objects.create(
        kind="article", title="Lương hưu cho nông dân", unit=unit, status="approved", body="Đóng <b>đều</b> đặn"
    )
    ContentItem.objects.create(kind="article", title="Bản nháp nội bộ", unit=unit, status="draft")
    ContentItem.objects.create(kind="sms", title="Tin nhắn mẫu", unit=unit, status="approved")
    page = client.get(reverse("public:about")).content.decode()
    assert "Lương hưu cho nông dân" in page and "Bản nháp nội bộ" not in page and "Tin nhắn mẫu" not in page
    detail = client.get(reverse("public:content", args=[approved.pk])).content.decode()
    assert "&lt;b&gt;đều&lt;/b&gt;" in detail  # never rendered unescaped
    draft = ContentItem.objects.get(title="Bản nháp nội bộ")
    assert client.get(reverse("public:content", args=[draft.pk])).status_code == 404


def test_the_calculator_answers_by_url_without_javascript(client, default_data):
    url = reverse("public:calculator") + "?income=1.500.000&day=07/12/2026&categories=poor&sex=men&years=17"
    page = client.get(url).content.decode()
    assert 'id="contribution">330.000 đ' in page
    assert 'id="support">− 165.000 đ' in page
    assert "<strong>165.000 đ</strong>" in page
    assert "Nghị định 159/2025/NĐ-CP" in page and "Luật BHXH số 41/2024/QH15" in page  # the rules used, with sources
    assert 'id="pension">' in page and "42%" in page


@pytest.mark.parametrize(
    ("query", "field_text"),
    [
        ("income=mot+trieu", "1.500.000"),
        ("income=1.000.000&day=07/12/2026", "50.600.000 đ"),
        ("income=1500000&day=31/12/2015", "01/01/2016"),
        ("income=2200000&day=01/01/2031", "31/12/2030"),
        ("income=1500000&categories=veteran", "veteran"),
    ],
)
def test_bad_calculator_input_gets_a_clear_answer(client, default_data, query, field_text):
    page = client.get(reverse("public:calculator") + "?" + query)
    assert page.status_code == 200
    text = page.content.decode()
    assert 'class="pub-error"' in text and field_text in text
    assert 'id="contribution"' not in text


def test_the_page_states_no_staff_data(client, default_data, make_user):
    make_user(Role.COMMUNE_OFFICER, "dt-ubnd-long-khanh")
    for name in ("public:home", "public:about", "public:calculator", "public:join", "public:ask", "public:contact"):
        text = client.get(reverse(name)).content.decode()
        assert "Nguyễn Văn commune_officer" not in text and "commune_officer" not in text, name


# ----------------------------------------------------------------------------- join


def test_a_join_request_lands_with_the_communes_officer(client, default_data, make_user):
    visitor = Client()
    response = visitor.post(reverse("public:join"), _join_data(visitor, consent_messages="on"))
    assert response.status_code == 302 and response["Location"] == reverse("public:join_done")
    lead = Lead.objects.get()
    assert lead.phone == "+84912345678" and lead.unit.code == "dt-ubnd-long-khanh"
    assert lead.due_on == dt.date.today() + dt.timedelta(days=3) or lead.due_on > lead.created_at.date()
    consents = {c.purpose: c for c in lead.consents.all()}
    assert consents["callback"].given and consents["messages"].given
    assert consents["callback"].version == services.CONSENT_VERSION and "91/2025" in consents["callback"].text
    assert consents["callback"].channel == "web"

    officer = make_user(Role.COMMUNE_OFFICER, "dt-ubnd-long-khanh")
    client.force_login(officer)
    page = client.get(reverse("public:lead_list")).content.decode()
    assert "Trần Thị Mai" in page and "0912345678" in page  # their own commune: the full number
    assert client.get(reverse("public:lead_detail", args=[lead.pk])).status_code == 200

    outsider = make_user(Role.COMMUNE_OFFICER, "dt-ubnd-thuong-phuoc")
    client.force_login(outsider)
    assert "Trần Thị Mai" not in client.get(reverse("public:lead_list")).content.decode()
    assert client.get(reverse("public:lead_detail", args=[lead.pk])).status_code == 404

    leader = make_user(Role.LEADER)
    client.force_login(leader)
    page = client.get(reverse("public:lead_list")).content.decode()
    assert "Trần Thị Mai" in page and "091****678" in page and "0912345678" not in page  # masked
    assert client.post(reverse("public:lead_detail", args=[lead.pk]), {"outcome": "called"}).status_code == 404


def test_joined_links_the_registry_and_carries_the_consent(client, default_data, make_user):
    visitor = Client()
    visitor.post(reverse("public:join"), _join_data(visitor, consent_messages="on"))
    lead = Lead.objects.get()
    officer = make_user(Role.COMMUNE_OFFICER, "dt-ubnd-long-khanh")
    client.force_login(officer)
    response = client.post(reverse("public:lead_detail", args=[lead.pk]), {"outcome": "joined", "note": "Đã đăng ký"})
    assert response.status_code == 302
    lead.refresh_from_db()
    assert lead.outcome == "joined" and lead.outcome_by == officer
    person = lead.person
    assert person.phone == "+84912345678" and person.area == lead.commune and person.insurance_status == "voluntary"
    assert person.consent and ConsentEvent.objects.filter(person=person, given=True).count() == 1
    assert AuditLog.objects.filter(verb="lead_outcome_set", target_id=str(lead.pk)).exists()
    # A second request from the same person later links the same registry record.
    again = Client()
    again.post(reverse("public:join"), _join_data(again))
    second = Lead.objects.exclude(pk=lead.pk).get()
    services.lead_outcome_set(actor=officer, lead=second, outcome="joined")
    assert second.person == person and Person.objects.count() == 1


def test_the_same_form_sent_twice_is_one_lead(client, default_data):
    data = _join_data(client)
    client.post(reverse("public:join"), data)
    client.post(reverse("public:join"), data)
    fresh = Client()
    fresh.post(reverse("public:join"), _join_data(fresh, phone="+84 912 345 678"))  # same phone, new form
    assert Lead.objects.count() == 1 and LeadConsent.objects.count() == 2


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("phone", "+1 202 555 0143", "Số điện thoại: “+1 202 555 0143” không phải là số điện thoại Việt Nam hợp lệ"),
        ("phone", "12345", "Số điện thoại: “12345” không phải là số điện thoại"),
        ("full_name", "", "Họ tên của bạn: Trường này là bắt buộc."),
        ("consent_callback", "", "Đánh dấu vào ô để đồng ý được gọi lại"),
        ("callback", "midnight", "Khi nào có thể gọi cho bạn?: lựa chọn này không có trong danh sách"),
        ("category", "veteran", "lựa chọn này không có trong danh sách"),
    ],
)
def test_bad_join_input_is_refused_and_nothing_stored(client, default_data, field, value, message):
    data = _join_data(client)
    if value:
        data[field] = value
    else:
        data.pop(field)
    response = client.post(reverse("public:join"), data)
    assert response.status_code == 200
    assert 'class="pub-error"' in response.content.decode()
    assert message in response.content.decode()
    assert not Lead.objects.exists()


def test_the_honeypot_stores_nothing(client, default_data):
    response = client.post(reverse("public:join"), _join_data(client, website="http://spam.example"))
    assert response.status_code == 302 and not Lead.objects.exists()


@override_settings(PUBLIC_FORM_POSTS_PER_HOUR=10)
def test_a_thousand_posts_from_one_address(client, default_data):
    data = _join_data(client)
    codes = []
    for i in range(1000):
        data["token"] = f"t{i}"
        data["phone"] = f"09123{i:05d}"
        codes.append(client.post(reverse("public:join"), data).status_code)
    assert codes[:10] == [302] * 10 and set(codes[10:]) == {429}
    assert Lead.objects.count() == 10 and Hit.objects.count() == 10
    refused = client.post(reverse("public:join"), data).content.decode()
    assert "Quá nhiều biểu mẫu" in refused
    other = Client(REMOTE_ADDR="10.0.0.9")
    assert other.post(reverse("public:join"), _join_data(other, phone="0987654321")).status_code == 302


def test_a_huge_post_is_refused(client, default_data):
    response = client.post(reverse("public:join"), _join_data(client, full_name="A" * 20000))
    assert response.status_code == 413 and not Lead.objects.exists()


def test_unconverted_leads_are_purged_after_the_retention_time(client, default_data, make_user, settings):
    settings.PUBLIC_LEAD_RETENTION_DAYS = 30
    client.post(reverse("public:join"), _join_data(client))
    keep_client = Client(REMOTE_ADDR="10.0.0.2")
    keep_client.post(reverse("public:join"), _join_data(keep_client, phone="0987654321", full_name="Lê Văn Giữ"))
    old, joined = Lead.objects.order_by("id")
    services.lead_outcome_set(
        actor=make_user(Role.COMMUNE_OFFICER, "dt-ubnd-long-khanh"), lead=joined, outcome="joined"
    )
    Lead.objects.update(created_at=dt.datetime(2026, 10, 1, tzinfo=dt.UTC))
    assert services.leads_purge(today=dt.date(2026, 10, 30)) == 0
    assert services.leads_purge(today=dt.date(2026, 11, 1)) == 1
    assert list(Lead.objects.all()) == [joined]
    rows = AuditLog.objects.filter(target_type="public.lead", target_id=str(old.pk))
    assert rows.filter(verb="lead_purge").exists()
    assert not any("Trần Thị Mai" in str(r.changes) for r in rows)


def test_lead_list_filters_counts_and_export(client, default_data, make_user):
    for i, commune in enumerate(("Xã Long Khánh", "Xã Long Khánh", "Xã Thường Phước")):
        c = Client(REMOTE_ADDR=f"10.0.1.{i}")
        c.post(reverse("public:join"), _join_data(c, phone=f"091234500{i}", commune=current_commune(commune).pk))
    coordinator = make_user(Role.COORDINATOR)
    client.force_login(coordinator)
    page = client.get(reverse("public:lead_list")).content.decode()
    assert 'id="lead-counts"' in page and "Xã Thường Phước" in page
    only = client.get(reverse("public:lead_list"), {"commune": current_commune("Xã Thường Phước").pk}).content.decode()
    assert len(re.findall(r'href="/leads/\d+/"', only)) == 1
    csv = client.get(reverse("public:lead_list"), {"export": "csv"}).content.decode("utf-8-sig")
    assert csv.count("Trần Thị Mai") == 3
    assert AuditLog.objects.filter(verb="export_personal_data", note__contains="join requests").exists()


def test_the_dashboard_lists_leads_to_call(client, default_data, make_user):
    from lantoa.public.selectors import dashboard_lines

    client.post(reverse("public:join"), _join_data(client))
    officer = make_user(Role.COMMUNE_OFFICER, "dt-ubnd-long-khanh")
    assert dashboard_lines(user=officer)[0]["url"] == reverse("public:lead_list")
    assert dashboard_lines(user=make_user(Role.COMMUNE_OFFICER, "dt-ubnd-thuong-phuoc")) == []


# ----------------------------------------------------------------------------- ask


def _ask_data(client, **extra):
    page = client.get(reverse("public:ask")).content.decode()
    data = {"token": _token(page), "website": "", "kind": "correction", "text": "Trang X đăng tin sai về lương hưu"}
    data.update(extra)
    return data


def test_a_question_goes_into_the_feedback_desk(client, default_data):
    from lantoa.feedback.models import Item

    data = _ask_data(
        client, commune=current_commune("Xã Long Khánh").pk, full_name="Ngô Văn Hỏi", phone="0912000111", consent="on"
    )
    response = client.post(reverse("public:ask"), data)
    assert response.status_code == 302
    client.post(reverse("public:ask"), data)  # sent twice: one item
    item = Item.objects.get()
    assert item.kind == "correction" and item.channel == "public_form" and item.asker_phone == "+84912000111"
    assert item.unit.code == "dt-ubnd-long-khanh"
    assert item.code in client.get(reverse("public:ask_done")).content.decode()


def test_an_anonymous_question_and_bad_input(client, default_data):
    from lantoa.feedback.models import Item

    assert client.post(reverse("public:ask"), _ask_data(client, kind="question")).status_code == 302
    assert Item.objects.get().anonymous
    bad = client.post(reverse("public:ask"), _ask_data(client, phone="12345", consent="on"))
    assert bad.status_code == 200 and "pub-error" in bad.content.decode()
    no_consent = client.post(reverse("public:ask"), _ask_data(client, full_name="Ngô Văn Hỏi"))
    assert "pub-error" in no_consent.content.decode()
    too_long = client.post(reverse("public:ask"), _ask_data(client, text="x" * 3001))
    assert "pub-error" in too_long.content.decode()
    assert Item.objects.count() == 1


def test_questions_page_without_published_answers_has_no_answer_section(client, default_data):
    page = client.get(reverse("public:questions")).content.decode()
    assert page.count("pub-qa") == 0 and reverse("public:ask") in page
