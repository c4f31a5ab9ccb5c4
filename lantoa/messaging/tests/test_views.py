"""Pages and callbacks: scope (an outsider gets 404), masking, the opt-out list, the hook token, M9."""

import base64
from urllib.parse import urlsplit

import pytest
from django.core.exceptions import ValidationError
from django.urls import resolve, reverse
from django.utils import timezone

from lantoa.accounts.roles import Role
from lantoa.messaging import services
from lantoa.messaging.models import Broadcast, GatewayConfig, Inbound, Message, OptOut, ReportLog
from lantoa.messaging.tests.conftest import UNIT, make_person
from lantoa.plans.kpi import compute
from lantoa.plans.models import Indicator

pytestmark = pytest.mark.django_db


@pytest.fixture
def outsider(default_data, make_user):
    return make_user(Role.COMMUNE_OFFICER, "dt-ubnd-tan-long")


def test_pages_render_for_the_unit_and_are_hidden_from_an_outsider(client, officers, draft, outsider, farmers):
    author, _ = officers
    client.force_login(author)
    for name, args in [
        ("messaging:list", []),
        ("messaging:new", []),
        ("messaging:broadcast", [draft.pk]),
        ("messaging:templates", []),
        ("messaging:template_new", []),
        ("messaging:reminders", []),
        ("messaging:reminder_new", []),
        ("messaging:optouts", []),
        ("messaging:person", [farmers[0].pk]),
    ]:
        assert client.get(reverse(name, args=args)).status_code == 200, name
    page = client.get(reverse("messaging:broadcast", args=[draft.pk])).content.decode()
    assert "Nguyễn Thị Minh Khai" in page  # the sample rendering of {ho_ten}
    client.force_login(outsider)
    assert client.get(reverse("messaging:broadcast", args=[draft.pk])).status_code == 404
    assert client.get(reverse("messaging:person", args=[farmers[0].pk])).status_code == 404
    assert client.post(reverse("messaging:approve", args=[draft.pk])).status_code == 404
    assert draft.title not in client.get(reverse("messaging:list")).content.decode()


def test_a_leader_reads_but_cannot_send(client, default_data, make_user, draft):
    leader = make_user(Role.LEADER, "hn-ldtbxh")
    client.force_login(leader)
    assert client.get(reverse("messaging:broadcast", args=[draft.pk])).status_code == 200
    assert client.get(reverse("messaging:new")).status_code == 404
    assert client.post(reverse("messaging:approve", args=[draft.pk])).status_code == 404


def test_live_count_of_parts_while_typing(client, officers):
    client.force_login(officers[0])
    uni = client.post(reverse("messaging:text_check"), {"body": "Bảo hiểm xã hội " * 5}).content.decode()
    assert "UCS-2" in uni and "<b>2</b>" in uni
    plain = client.post(reverse("messaging:text_check"), {"body": "Bao hiem xa hoi " * 5}).content.decode()
    assert "GSM-7" in plain and "<b>1</b>" in plain
    bad = client.post(reverse("messaging:text_check"), {"body": "Chào {ten_sai}"}).content.decode()
    assert "{ten_sai}" in bad


def _sent(person, gateway, draft, key):
    return Message.objects.create(
        key=key,
        person=person,
        unit=person.unit,
        broadcast=draft,
        gateway=gateway,
        phone=person.phone,
        text="x",
        status=Message.Status.SENT,
        not_before=timezone.now(),
    )


def _basic(token, user="lantoa"):
    return "Basic " + base64.b64encode(f"{user}:{token}".encode()).decode()


def test_hooks_need_the_gateways_token_in_a_header_and_log_everything(client, draft, farmers):
    gateway = GatewayConfig.objects.create(name="Kannel", kind="kannel")
    m = _sent(farmers[0], gateway, draft, "t:1")
    report = reverse("messaging:hook_report", args=[gateway.pk])
    assert "token" not in report and gateway.hook_token not in report
    assert client.get(report, {"id": m.pk, "status": 1}).status_code == 404  # no token
    assert client.get(report, {"id": m.pk, "status": 1}, HTTP_AUTHORIZATION=_basic("wrong")).status_code == 404
    # Kannel sends the user and password of its dlr-url / get-url as Basic authorisation.
    good = {"HTTP_AUTHORIZATION": _basic(gateway.hook_token)}
    assert client.get(report, {"id": m.pk, "status": 1, "answer": "ok"}, **good).status_code == 200
    assert client.get(report, {"id": m.pk, "status": 1}, **good).status_code == 200  # duplicated report
    m.refresh_from_db()
    assert m.status == Message.Status.DELIVERED
    assert sorted(ReportLog.objects.values_list("outcome", flat=True)) == ["applied", "duplicate"]
    incoming = reverse("messaging:hook_incoming", args=[gateway.pk])
    reply = {"from": "0912000001", "to": "8088", "text": "HUY"}
    assert client.get(incoming, reply, HTTP_AUTHORIZATION=f"Bearer {gateway.hook_token}").status_code == 200
    assert client.post(incoming, reply, HTTP_X_LANTOA_TOKEN=gateway.hook_token).status_code == 200
    assert OptOut.objects.filter(phone="+84912000001").exists()
    assert set(Inbound.objects.values_list("action", "gateway")) == {(Inbound.Action.OPT_OUT, gateway.pk)}


def test_the_token_in_the_address_only_for_providers_that_cannot_send_a_header(client, draft, farmers):
    kannel = GatewayConfig.objects.create(name="Kannel", kind="kannel")
    esms = GatewayConfig.objects.create(name="eSMS", kind="esms")
    m = _sent(farmers[0], kannel, draft, "t:1")
    in_url = reverse("messaging:hook_report_url", args=[kannel.pk, kannel.hook_token])
    assert client.get(in_url, {"id": m.pk, "status": 1}).status_code == 404  # Kannel can send a header
    assert not ReportLog.objects.exists()
    e = _sent(farmers[1], esms, draft, "t:2")
    Message.objects.filter(pk=e.pk).update(provider_id="sms-77")
    esms_url = reverse("messaging:hook_report_url", args=[esms.pk, esms.hook_token])
    assert client.get(esms_url, {"SMSID": "sms-77", "SendStatus": "5", "SendSuccess": "1"}).status_code == 200
    e.refresh_from_db()
    assert e.status == Message.Status.DELIVERED


def test_a_gateway_that_is_not_active_answers_nothing(client, draft, farmers):
    gateway = GatewayConfig.objects.create(name="Kannel (cũ)", kind="kannel", active=False)
    m = _sent(farmers[0], gateway, draft, "t:1")
    auth = {"HTTP_AUTHORIZATION": _basic(gateway.hook_token)}
    reply = {"from": "0912000001", "to": "8088", "text": "TC"}
    assert client.get(reverse("messaging:hook_incoming", args=[gateway.pk]), reply, **auth).status_code == 404
    assert (
        client.get(reverse("messaging:hook_report", args=[gateway.pk]), {"id": m.pk, "status": 2}, **auth).status_code
        == 404
    )
    esms = GatewayConfig.objects.create(name="eSMS (cũ)", kind="esms", active=False)
    url = reverse("messaging:hook_incoming_url", args=[esms.pk, esms.hook_token])
    assert client.get(url, reply).status_code == 404
    assert not Inbound.objects.exists() and not OptOut.objects.exists() and not ReportLog.objects.exists()
    m.refresh_from_db()
    assert m.status == Message.Status.SENT


def test_a_report_names_only_the_messages_of_its_own_gateway(client, draft, farmers):
    ours = GatewayConfig.objects.create(name="Kannel A", kind="kannel", unit=farmers[0].unit)
    theirs = GatewayConfig.objects.create(name="Kannel B", kind="kannel")
    other = _sent(farmers[0], theirs, draft, "t:1")
    url = reverse("messaging:hook_report", args=[ours.pk])
    auth = {"HTTP_AUTHORIZATION": _basic(ours.hook_token)}
    assert client.get(url, {"id": other.pk, "status": 2, "answer": "forged"}, **auth).status_code == 200
    other.refresh_from_db()
    assert other.status == Message.Status.SENT
    log = ReportLog.objects.get()
    assert (log.outcome, log.message, log.gateway) == (ReportLog.Outcome.UNKNOWN, None, ours)
    # eSMS and SpeedSMS name the provider's id: matched on the gateway too, not only on its kind.
    e1 = GatewayConfig.objects.create(name="eSMS A", kind="esms", unit=farmers[0].unit)
    e2 = GatewayConfig.objects.create(name="eSMS B", kind="esms")
    theirs_esms = _sent(farmers[1], e2, draft, "t:2")
    Message.objects.filter(pk=theirs_esms.pk).update(provider_id="sms-9")
    client.get(
        reverse("messaging:hook_report_url", args=[e1.pk, e1.hook_token]),
        {"SMSID": "sms-9", "SendStatus": "4"},
    )
    theirs_esms.refresh_from_db()
    assert theirs_esms.status == Message.Status.SENT


def test_callback_addresses_carry_the_token_in_a_header_where_the_provider_can(settings, db):
    from lantoa.messaging.dispatch import hook_url

    settings.MESSAGING_CALLBACK_BASE = "https://lantoa.example.vn/app/"
    kannel = GatewayConfig.objects.create(name="Kannel", kind="kannel")
    esms = GatewayConfig.objects.create(name="eSMS", kind="esms")
    url = hook_url(kannel, "report")
    assert url == f"https://lantoa:{kannel.hook_token}@lantoa.example.vn/app/messages/hooks/{kannel.pk}/report/"
    parts = urlsplit(url)
    assert kannel.hook_token not in parts.path + parts.query  # what access logs keep
    assert resolve(parts.path.removeprefix("/app")).url_name == "hook_report"
    assert hook_url(esms, "report") == (
        f"https://lantoa.example.vn/app/messages/hooks/{esms.pk}/{esms.hook_token}/report/"
    )


def test_phones_are_masked_for_roles_that_may_not_see_them(client, default_data, make_user, draft, farmers):
    from lantoa.messaging.services import optout_add

    culture = make_user(Role.CULTURE, UNIT)  # a sender without the right to see phones
    optout_add(actor=culture, phone=farmers[1].phone, source=OptOut.Source.HAND)
    client.force_login(culture)
    page = client.get(reverse("messaging:optouts")).content.decode()
    assert "+84912000002" not in page and "091****002" in page


# --- the opt-out list is scoped, masked, and removing an entry is restricted ------------------------------


@pytest.fixture
def two_lists(officers, farmers, outsider, make_user):
    """An opt-out of Long Khánh (by its officer), one of Tân Long (by the outsider, for a person of Tân Long),
    and one from the national Do-Not-Call list for a Long Khánh person (imported by the coordinator)."""
    from lantoa.messaging.services import optout_add, optout_import

    author, _ = officers
    mine = optout_add(actor=author, phone=farmers[1].phone, source=OptOut.Source.HAND, note="gọi điện")
    stranger = make_person("Đặng Văn Xa", "+84933000111", unit="dt-ubnd-tan-long", commune="Xã Tân Long")
    theirs = optout_add(actor=outsider, phone=stranger.phone, source=OptOut.Source.HAND, note="Tân Long")
    coordinator = make_user(Role.COORDINATOR, "hn-ldtbxh")
    optout_import(actor=coordinator, rows=[[farmers[2].phone]], filename="dnc.csv")
    return {"mine": mine, "theirs": theirs, "dnc": OptOut.objects.get(source="dnc"), "coordinator": coordinator}


def test_a_commune_sees_and_exports_only_its_own_opt_outs(client, officers, two_lists):
    author, _ = officers
    client.force_login(author)
    page = client.get(reverse("messaging:optouts")).content.decode()
    assert "+84912000002" in page and "+84912000003" in page  # its own person's numbers, in full
    assert "+84933000111" not in page and "093****111" not in page and "Tân Long" not in page
    sheet = client.get(reverse("messaging:optouts"), {"export": "csv"}).content.decode()
    assert "+84912000002" in sheet and "+84933000111" not in sheet
    assert client.get(reverse("messaging:optouts"), {"q": "0933000111"}).content.decode().count("+8493") == 0
    # The outsider's list holds its own number only, and its page does not offer to remove Long Khánh's.
    client.force_login(two_lists["theirs"].created_by)
    page = client.get(reverse("messaging:optouts")).content.decode()
    assert "+84933000111" in page and "+84912000002" not in page and "091****002" not in page


def test_another_communes_opt_out_cannot_be_seen_or_removed(client, officers, two_lists, outsider):
    from lantoa.core.models import AuditLog

    client.force_login(outsider)
    url = reverse("messaging:optout_remove", args=[two_lists["mine"].pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"reason": "Người dân xin nhận lại tin"}).status_code == 404
    assert OptOut.objects.filter(pk=two_lists["mine"].pk).exists()
    with pytest.raises(ValidationError):
        services.optout_remove(actor=outsider, optout=two_lists["mine"], reason="Người dân xin nhận lại tin")
    assert not AuditLog.objects.filter(verb="optout_remove").exists()


def test_removing_an_opt_out_is_restricted_and_audited(client, default_data, make_user, officers, two_lists):
    from lantoa.core.models import AuditLog

    author, _ = officers
    culture = make_user(Role.CULTURE, UNIT)  # sees numbers masked: cannot check who asks
    leader = make_user(Role.LEADER, "hn-ldtbxh")
    for who in (culture, leader):
        assert not services.may_remove_optout(who, two_lists["mine"])
    # A Do-Not-Call entry: not the commune's to undo, even for its own person.
    assert not services.may_remove_optout(author, two_lists["dnc"])
    client.force_login(author)
    assert client.get(reverse("messaging:optout_remove", args=[two_lists["dnc"].pk])).status_code == 404
    assert services.may_remove_optout(two_lists["coordinator"], two_lists["dnc"])
    url = reverse("messaging:optout_remove", args=[two_lists["mine"].pk])
    assert client.post(url, {"reason": "Chị Bình gọi lại ngày 20/11 xin nhận tin"}).status_code == 302
    assert not OptOut.objects.filter(pk=two_lists["mine"].pk).exists()
    row = AuditLog.objects.get(verb="optout_remove")
    assert row.actor == author and row.target_repr == "+84912000002" and "20/11" in row.note


def test_a_masked_role_cannot_find_hidden_digits_by_searching(client, default_data, make_user, two_lists):
    culture = make_user(Role.CULTURE, UNIT)  # reads Long Khánh's records, numbers masked
    client.force_login(culture)
    url = reverse("messaging:optouts")
    assert "091****002" in client.get(url).content.decode()
    assert "091****002" not in client.get(url, {"q": "00002"}).content.decode()  # part of a number: no match
    assert "091****002" in client.get(url, {"q": "0912 000 002"}).content.decode()  # a whole number it knows


def test_replies_are_shown_to_the_units_that_keep_the_number(client, officers, outsider, farmers):
    gateway = GatewayConfig.objects.create(name="Kannel", kind="kannel")
    services.inbound_receive(gateway=gateway, params={"from": "0912000001", "text": "Cho hỏi mức đóng"})
    services.inbound_receive(gateway=gateway, params={"from": "0977000999", "text": "Ai đấy?"})
    client.force_login(officers[0])
    page = client.get(reverse("messaging:optouts")).content.decode()
    assert "Cho hỏi mức đóng" in page and "Ai đấy?" not in page
    client.force_login(outsider)
    page = client.get(reverse("messaging:optouts")).content.decode()
    assert "Cho hỏi mức đóng" not in page and "0912000001" not in page and "091****001" not in page


def test_a_reply_opt_out_belongs_to_the_unit_whose_message_it_answers(draft, farmers):
    gateway = GatewayConfig.objects.create(name="Kannel", kind="kannel")
    _sent(farmers[0], gateway, draft, "t:1")
    services.inbound_receive(gateway=gateway, params={"from": "0912000001", "text": "TC"})
    assert OptOut.objects.get(phone="+84912000001").unit == farmers[0].unit


def test_m9_counts_targeted_broadcasts_and_delivered_messages_per_group(officers, draft, farmers, coordinator):
    Broadcast.objects.filter(pk=draft.pk).update(status=Broadcast.Status.SENT, started_at=timezone.now())
    gateway = GatewayConfig.objects.create(name="outbox", kind="outbox")
    year = timezone.localdate().year
    for i, p in enumerate(farmers[:3]):
        Message.objects.create(
            key=f"t:{i}",
            person=p,
            unit=p.unit,
            broadcast=draft,
            gateway=gateway,
            phone=p.phone,
            text="x",
            status=Message.Status.DELIVERED,
            sent_at=timezone.now(),
            delivered_at=timezone.now(),
            not_before=timezone.now(),
        )
    indicator = Indicator.objects.get(computation="targeted_sms")
    result = compute(indicator, year, user=coordinator)
    assert result.actual is True and result.numerator == 1
    assert list(result.records) == [Broadcast.objects.get(pk=draft.pk)]
    group = farmers[0].groups.get()
    assert result.details["per_group"] == [{"group": group.name, "messages": 3}]
    assert compute(indicator, year - 1, user=coordinator).actual is False
    assert compute(indicator, year + 1, user=coordinator).actual is None
