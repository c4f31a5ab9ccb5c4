"""Broadcasts end to end through the outbox: rules, approval, fan-out, sending, reports, opt-outs, caps."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from lantoa.audience.models import Reach
from lantoa.messaging import dispatch, services
from lantoa.messaging.gateways import PermanentError, SendResult, TransientError
from lantoa.messaging.gateways.outbox import OutboxGateway
from lantoa.messaging.models import Broadcast, GatewayConfig, Inbound, Message, OptOut, OutboxEntry, ReportLog
from lantoa.messaging.selectors import audience
from lantoa.messaging.tests.conftest import make_person

pytestmark = pytest.mark.django_db


def test_preview_counts_each_rule_that_leaves_people_out(draft, farmers, any_hour):
    OptOut.objects.create(phone="+84912000003", source=OptOut.Source.HAND)
    counts = audience(draft, policy=any_hour)
    assert counts.segment == 5
    assert counts.no_consent == 1  # Dung
    assert counts.no_phone == 1  # Em
    assert counts.opted_out == 1  # Cường
    assert counts.recipients == 2


def test_a_large_broadcast_needs_a_second_person(
    draft, officers, farmers, any_hour, django_capture_on_commit_callbacks
):
    author, approver = officers
    make_person("Hồ Văn Phúc", "+84912000005", groups=farmers[0].groups.values_list("code", flat=True))
    make_person("Đỗ Thị Giang", "+84912000006", groups=farmers[0].groups.values_list("code", flat=True))
    assert audience(draft, policy=any_hour).recipients == 5  # over the threshold of 3
    with pytest.raises(ValidationError, match="người khác"):
        services.broadcast_approve(actor=author, broadcast=draft)
    draft.refresh_from_db()
    assert draft.status == Broadcast.Status.DRAFT
    # The immediate task backend runs the fan-out and the sending at once.
    with django_capture_on_commit_callbacks(execute=True):
        services.broadcast_approve(actor=approver, broadcast=draft)
    draft.refresh_from_db()
    assert draft.status == Broadcast.Status.SENT
    assert draft.approved_by == approver and draft.excluded["recipients"] == 5
    msgs = Message.objects.filter(broadcast=draft)
    assert msgs.count() == 5 and set(msgs.values_list("status", flat=True)) == {Message.Status.DELIVERED}
    an = msgs.get(person=farmers[0])
    assert an.text.startswith("Kính gửi Nguyễn Văn An:") and an.unicode and an.parts == 2
    assert OutboxEntry.objects.count() == 5
    # Delivered messages are reach, on the template's (voluntary) topic.
    reach = Reach.objects.get(person=farmers[0])
    assert reach.source == Reach.Source.MESSAGE and reach.voluntary and reach.source_key == f"m:{an.pk}"
    with pytest.raises(ValidationError):
        services.broadcast_approve(actor=approver, broadcast=draft)  # not a draft any more


def test_fanout_twice_queues_nothing_twice_and_resumes_from_its_cursor(draft, officers, farmers):
    _author, approver = officers
    Broadcast.objects.filter(pk=draft.pk).update(status=Broadcast.Status.APPROVED)
    assert dispatch.fanout(draft.pk, chunk=1) == 3
    assert Message.objects.filter(broadcast=draft).count() == 3
    # A worker that died before marking the fan-out done: run again from the start.
    Broadcast.objects.filter(pk=draft.pk).update(fanout_done=False, cursor=0)
    dispatch.fanout(draft.pk, chunk=2)
    assert Message.objects.filter(broadcast=draft).count() == 3
    draft.refresh_from_db()
    assert draft.fanout_done and draft.queued == 3 and draft.status == Broadcast.Status.SENDING


def test_a_segment_that_became_empty_fails_the_broadcast_with_a_reason(draft, farmers):
    for p in farmers:
        p.groups.clear()
    Broadcast.objects.filter(pk=draft.pk).update(status=Broadcast.Status.APPROVED)
    dispatch.fanout(draft.pk)
    draft.refresh_from_db()
    assert draft.status == Broadcast.Status.FAILED and "Không còn người nhận" in draft.reason


def test_cancel_stops_what_is_queued_and_keeps_what_went_out(draft, officers, farmers):
    author, _ = officers
    Broadcast.objects.filter(pk=draft.pk).update(status=Broadcast.Status.APPROVED)
    dispatch.fanout(draft.pk)
    first = Message.objects.filter(broadcast=draft).order_by("id").first()
    Message.objects.filter(pk=first.pk).update(status=Message.Status.DELIVERED)
    assert services.broadcast_cancel(actor=author, broadcast=draft) == 2
    assert Message.objects.get(pk=first.pk).status == Message.Status.DELIVERED
    assert dispatch.dispatch(max_seconds=5)["sent"] == 0


def _queued_message(person, draft, **extra):
    gateway = GatewayConfig.objects.get_or_create(name="outbox", kind="outbox")[0]
    return Message.objects.create(
        key=f"t:{person.pk}:{Message.objects.count()}",
        person=person,
        unit=person.unit,
        broadcast=draft,
        gateway=gateway,
        phone=person.phone,
        text="Xin chào",
        not_before=timezone.now() - dt.timedelta(seconds=1),
        **extra,
    )


def _kannel() -> GatewayConfig:
    """A (default) Kannel gateway whose hook replies and reports come to."""
    return GatewayConfig.objects.get_or_create(name="Kannel", kind="kannel", unit=None)[0]


class Flaky(OutboxGateway):
    """The outbox that fails as told, to see retries and permanent failures."""

    kind = "flaky-test"
    plan: list = []

    def send(self, message):
        step = self.plan.pop(0) if self.plan else "ok"
        if step == "transient":
            raise TransientError("HTTP 503: busy", code="503")
        if step == "permanent":
            raise PermanentError("eSMS 104: brandname chưa đăng ký", code="104")
        return SendResult(provider_id=f"p-{message.message_id}")


@pytest.fixture
def flaky(monkeypatch, db):
    from lantoa.messaging.gateways import REGISTRY

    monkeypatch.setitem(REGISTRY, Flaky.kind, Flaky)
    Flaky.plan = []
    return GatewayConfig.objects.create(name="flaky", kind=Flaky.kind, unit=None, max_attempts=3)


def test_transient_errors_retry_with_back_off_then_give_up(draft, farmers, flaky):
    m = _queued_message(farmers[0], draft)
    Message.objects.filter(pk=m.pk).update(gateway=flaky)
    Flaky.plan = ["transient", "transient", "transient"]
    dispatch.dispatch(max_seconds=5)
    m.refresh_from_db()
    assert m.status == Message.Status.QUEUED and m.attempts == 1 and "503" in m.reason
    assert m.not_before > timezone.now() + dt.timedelta(seconds=20)  # back-off, not at once
    for expected_attempts in (2, 3):
        Message.objects.filter(pk=m.pk).update(not_before=timezone.now())
        dispatch.dispatch(max_seconds=5)
        m.refresh_from_db()
        assert m.attempts == expected_attempts
    assert m.status == Message.Status.FAILED and "503" in m.reason


def test_a_permanent_error_fails_at_once_with_the_providers_reason(draft, farmers, flaky):
    m = _queued_message(farmers[0], draft)
    Message.objects.filter(pk=m.pk).update(gateway=flaky)
    Flaky.plan = ["permanent"]
    dispatch.dispatch(max_seconds=5)
    m.refresh_from_db()
    assert m.status == Message.Status.FAILED and m.attempts == 1 and "104" in m.reason


def test_reports_are_applied_once_logged_always_and_never_move_back(draft, farmers, flaky):
    m = _queued_message(farmers[0], draft)
    Message.objects.filter(pk=m.pk).update(gateway=flaky)
    dispatch.dispatch(max_seconds=5)
    m.refresh_from_db()
    assert m.status == Message.Status.SENT and m.provider_id == f"p-{m.pk}"
    # Kannel's own report format (id, status 1 = delivered, 8 = accepted by the SMSC), on a Kannel gateway.
    kannel = GatewayConfig.objects.create(name="Kannel", kind="kannel")
    Message.objects.filter(pk=m.pk).update(gateway=kannel)
    logs = services.report_receive(gateway=kannel, params={"id": str(m.pk), "status": "1", "answer": "ok"})
    assert [lg.outcome for lg in logs] == [ReportLog.Outcome.APPLIED]
    assert services.report_receive(gateway=kannel, params={"id": str(m.pk), "status": "1"})[0].outcome == "duplicate"
    assert services.report_receive(gateway=kannel, params={"id": str(m.pk), "status": "8"})[0].outcome == "stale"
    assert services.report_receive(gateway=kannel, params={"id": "999999", "status": "1"})[0].outcome == "unknown"
    assert services.report_receive(gateway=kannel, params={"garbage": "x"})[0].outcome == "unknown"
    m.refresh_from_db()
    assert m.status == Message.Status.DELIVERED and m.delivered_at
    assert ReportLog.objects.count() == 5
    assert set(ReportLog.objects.values_list("gateway", flat=True)) == {kannel.pk}
    assert Reach.objects.filter(person=farmers[0], source_key=f"m:{m.pk}").count() == 1


def test_the_daily_cap_makes_the_fourth_message_wait(draft, farmers, any_hour):
    an = farmers[0]
    for _ in range(3):
        m = _queued_message(an, draft)
        Message.objects.filter(pk=m.pk).update(status=Message.Status.DELIVERED, sent_at=timezone.now())
    fourth = _queued_message(an, draft)
    dispatch.dispatch(max_seconds=5)
    fourth.refresh_from_db()
    assert fourth.status == Message.Status.QUEUED and "daily limit" in fourth.reason
    assert fourth.not_before > timezone.now() + dt.timedelta(hours=23)


def test_quiet_hours_hold_messages_until_morning(draft, farmers, any_hour, monkeypatch):
    any_hour.send_from, any_hour.send_until = dt.time(7, 0), dt.time(22, 0)
    any_hour.save()
    m = _queued_message(farmers[0], draft)
    night = timezone.make_aware(dt.datetime(2026, 11, 25, 22, 30))
    monkeypatch.setattr("lantoa.messaging.dispatch.timezone.now", lambda: night)
    monkeypatch.setattr("lantoa.messaging.services.timezone.now", lambda: night)
    assert dispatch.dispatch(max_seconds=5).get("quiet") is True
    m.refresh_from_db()
    assert m.status == Message.Status.QUEUED
    assert services.next_window(any_hour, night) == timezone.make_aware(dt.datetime(2026, 11, 26, 7, 0))


@pytest.mark.parametrize("reply", ["TC", "tc", "Huỷ", "HUY", "stop", " Từ chối! "])
def test_a_reply_opts_out_at_once_on_every_channel(reply, draft, farmers):
    an = farmers[0]
    waiting = _queued_message(an, draft)
    inbound = services.inbound_receive(gateway=_kannel(), params={"from": "0912000001", "to": "8088", "text": reply})
    assert inbound.action == Inbound.Action.OPT_OUT and inbound.people == 1
    assert OptOut.objects.filter(phone="+84912000001", source=OptOut.Source.REPLY).exists()
    an.refresh_from_db()
    assert an.consent is False and an.consent_events.filter(given=False).exists()
    waiting.refresh_from_db()
    assert waiting.status == Message.Status.CANCELLED
    # Consent given again by hand does not bring the number back: only removing the opt-out does.
    from lantoa.audience.services import consent_record

    consent_record(actor=None, person=an, given=True)
    assert audience(draft, policy=services.policy_on()).recipients == 2 - 0  # Bình, Cường; An stays out


def test_other_replies_are_kept_and_unknown_numbers_marked(farmers):
    kept = services.inbound_receive(gateway=_kannel(), params={"from": "0912000002", "text": "Cho hỏi mức đóng?"})
    assert kept.action == Inbound.Action.NONE and kept.people == 1
    stranger = services.inbound_receive(gateway=_kannel(), params={"from": "0987654321", "text": "ai vậy"})
    assert stranger.action == Inbound.Action.UNKNOWN_NUMBER and stranger.people == 0
    stop = services.inbound_receive(gateway=_kannel(), params={"from": "0987654321", "text": "STOP"})
    assert stop.action == Inbound.Action.OPT_OUT and OptOut.objects.filter(phone="+84987654321").exists()
    assert not OptOut.objects.filter(phone="+84912000002").exists()


def test_opt_out_removal_needs_a_reason_and_is_audited(officers, farmers):
    from lantoa.core.models import AuditLog

    author, _ = officers
    optout = services.optout_add(actor=author, phone="0912 000 002", source=OptOut.Source.HAND, note="gọi điện")
    with pytest.raises(ValidationError):
        services.optout_remove(actor=author, optout=optout, reason="")
    services.optout_remove(actor=author, optout=optout, reason="Chị Bình xin nhận lại tin ngày 20/11")
    assert not OptOut.objects.exists()
    assert AuditLog.objects.filter(verb="optout_remove").exists()


def test_do_not_call_import_names_bad_rows_and_saves_nothing(officers):
    author, _ = officers
    with pytest.raises(ValidationError) as err:
        services.optout_import(
            actor=author, rows=[["Số điện thoại"], ["0912000009"], ["12345678901"]], filename="dnc.xlsx"
        )
    assert "Row 3" in " ".join(err.value.messages) or "Dòng 3" in " ".join(err.value.messages)
    assert not OptOut.objects.exists()
    assert services.optout_import(actor=author, rows=[["SĐT"], ["0912000009"], ["912000010"]], filename="dnc.csv") == 2
    assert set(OptOut.objects.values_list("source", flat=True)) == {"dnc"}


def test_a_dead_workers_messages_are_resent_only_when_nobody_reported_on_them(draft, farmers, settings):
    settings.MESSAGING_REPORT_GRACE = 0
    a = _queued_message(farmers[0], draft)
    b = _queued_message(farmers[1], draft)
    past = timezone.now() - dt.timedelta(seconds=5)
    Message.objects.filter(pk__in=[a.pk, b.pk]).update(status=Message.Status.SENDING, lease_until=past, attempts=1)
    # a went out before the worker died: its report arrives; b never left.
    kannel = _kannel()
    Message.objects.filter(pk=a.pk).update(gateway=kannel)
    services.report_receive(gateway=kannel, params={"id": str(a.pk), "status": "8"})
    assert dispatch.reap() == 1
    a.refresh_from_db(), b.refresh_from_db()
    assert a.status == Message.Status.SENT and b.status == Message.Status.QUEUED


def test_template_fields_are_checked_and_named(officers):
    from lantoa.messaging.models import Template
    from lantoa.orgs.models import Unit

    author, _ = officers
    with pytest.raises(ValidationError) as err:
        services.template_save(
            actor=author,
            template=Template(name="x", unit=Unit.objects.get(code="dt-ubnd-long-khanh"), body="Chào {hoten}"),
        )
    assert "{hoten}" in str(err.value) and "{ho_ten}" in str(err.value)


def test_a_zalo_broadcast_sends_the_approved_template_with_the_fields(draft, officers, farmers):
    """Through the ZNS adapter to a local fake of Zalo's API: template id + field values, then the webhook."""
    from lantoa.messaging.tests.fakes import ZNS_TOKEN, zns_server

    author, _ = officers
    with zns_server(templates={"231207": ("ho_ten", "ngay_den_han")}) as zns:
        GatewayConfig.objects.create(name="Zalo OA", kind="zns", url=zns.url, api_key=ZNS_TOKEN, timeout_seconds=2)
        template = draft.template
        template.channel, template.zns_template_id = "zalo", "231207"
        template.body = "Kính gửi {ho_ten}, kỳ đóng tới: {ngay_den_han}"
        services.template_save(actor=author, template=template)
        farmers[0].next_due_date = dt.date(2026, 12, 15)
        farmers[0].save()
        draft = services.broadcast_save(actor=author, broadcast=draft)
        Broadcast.objects.filter(pk=draft.pk).update(status=Broadcast.Status.APPROVED)
        dispatch.fanout(draft.pk)
        assert dispatch.dispatch(max_seconds=5)["sent"] == 3
        sent = {r["template_data"]["ho_ten"]: r for r in zns.received}
        assert sent["Nguyễn Văn An"]["template_data"] == {"ho_ten": "Nguyễn Văn An", "ngay_den_han": "15/12/2026"}
        assert sent["Nguyễn Văn An"]["phone"] == "84912000001" and sent["Nguyễn Văn An"]["template_id"] == "231207"
        an = Message.objects.get(person=farmers[0])
        assert an.channel == "zalo" and an.provider_id in zns.accepted
        services.report_receive(gateway=an.gateway, params=zns.webhook_body(an.provider_id))
        an.refresh_from_db()
        assert an.status == Message.Status.DELIVERED
