"""Pages and callbacks: scope (an outsider gets 404), masking, the hook token, M9."""

import pytest
from django.urls import reverse
from django.utils import timezone

from lantoa.accounts.roles import Role
from lantoa.messaging.models import Broadcast, GatewayConfig, Inbound, Message, OptOut, ReportLog
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


def test_hooks_need_the_gateways_token_and_log_everything(client, draft, farmers):
    gateway = GatewayConfig.objects.create(name="Kannel", kind="kannel")
    m = Message.objects.create(
        key="t:1",
        person=farmers[0],
        unit=farmers[0].unit,
        broadcast=draft,
        gateway=gateway,
        phone=farmers[0].phone,
        text="x",
        status=Message.Status.SENT,
        not_before=timezone.now(),
    )
    wrong = reverse("messaging:hook_report", args=[gateway.pk, "wrong"])
    assert client.get(wrong, {"id": m.pk, "status": 1}).status_code == 404
    good = reverse("messaging:hook_report", args=[gateway.pk, gateway.hook_token])
    assert client.get(good, {"id": m.pk, "status": 1, "answer": "ok"}).status_code == 200
    assert client.get(good, {"id": m.pk, "status": 1}).status_code == 200  # duplicated report
    m.refresh_from_db()
    assert m.status == Message.Status.DELIVERED
    assert sorted(ReportLog.objects.values_list("outcome", flat=True)) == ["applied", "duplicate"]
    incoming = reverse("messaging:hook_incoming", args=[gateway.pk, gateway.hook_token])
    assert client.get(incoming, {"from": "0912000001", "to": "8088", "text": "HUY"}).status_code == 200
    assert OptOut.objects.filter(phone="+84912000001").exists()
    assert Inbound.objects.get().action == Inbound.Action.OPT_OUT


def test_phones_are_masked_for_roles_that_may_not_see_them(client, default_data, make_user, draft, farmers):
    from lantoa.messaging.services import optout_add

    optout_add(actor=None, phone=farmers[1].phone, source=OptOut.Source.HAND)
    culture = make_user(Role.CULTURE, "hn-vhtt")  # a sender without the right to see phones
    client.force_login(culture)
    page = client.get(reverse("messaging:optouts")).content.decode()
    assert "+84912000002" not in page and "091****002" in page


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
