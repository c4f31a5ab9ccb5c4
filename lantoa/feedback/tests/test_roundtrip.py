"""The SMS round trip through a real Kannel: a reply that is not an opt-out becomes an item, the officer
answers it, and the answer reaches the asker's phone (fakesmsc) with its delivery report."""

import time

import pytest

from lantoa.accounts.roles import Role
from lantoa.feedback.models import IntakeChannel, Item, Status
from lantoa.feedback.services import feedback_answer
from lantoa.messaging.models import GatewayConfig, Inbound, Message
from lantoa.messaging.tests.conftest import make_person

GATEWAY_PK = 4343
HOOK_TOKEN = "feedback-kannel-hook-token"


@pytest.fixture(scope="module")
def kannel_mo_url(live_server):
    host = live_server.url.split("://", 1)[1]
    return f"http://lantoa:{HOOK_TOKEN}@{host}/messages/hooks/{GATEWAY_PK}/incoming/"


def wait_until(predicate, *, timeout=15.0, what=""):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


@pytest.mark.django_db(transaction=True)
def test_sms_question_becomes_an_item_and_the_answer_goes_back(
    kannel,
    live_server,
    settings,
    default_data,
    make_user,
    any_hour,
    django_capture_on_commit_callbacks,
):
    GatewayConfig.objects.update(active=False)
    settings.MESSAGING_CALLBACK_BASE = live_server.url
    if not kannel.smsc_online():
        kannel.reconnect_fakesmsc()
    GatewayConfig.objects.create(
        pk=GATEWAY_PK,
        hook_token=HOOK_TOKEN,
        name="Kannel (thử)",
        kind="kannel",
        url=kannel.url,
        username=kannel.username,
        password=kannel.password,
        sender="BHXH",
        timeout_seconds=5,
    )
    person = make_person("Nguyễn Văn An", "+84912000101")
    officer = make_user(Role.COMMUNE_OFFICER, "dt-ubnd-long-khanh")

    kannel.send_incoming("0912000101", "8088", "Cho hỏi mức đóng BHXH tự nguyện thấp nhất?")
    kannel.send_incoming("0912000102", "8088", "TC")  # an opt-out stays an opt-out, not an item
    item = wait_until(lambda: Item.objects.filter(asker_phone="+84912000101").first(), what="the item")
    wait_until(lambda: Inbound.objects.filter(phone="+84912000102").exists(), what="the opt-out")
    assert item.channel == IntakeChannel.SMS and item.person == person and item.unit.code == "dt-ubnd-long-khanh"
    assert item.text == "Cho hỏi mức đóng BHXH tự nguyện thấp nhất?"
    assert item.source_ref.startswith("inbound:")
    assert Item.objects.count() == 1

    with django_capture_on_commit_callbacks(execute=True):
        feedback_answer(actor=officer, item=item, answer="Mức thấp nhất 330.000 đồng/tháng.")
    item.refresh_from_db()
    assert item.status == Status.ANSWERED
    message = Message.objects.get(key__startswith=f"f:{item.pk}:")
    [got] = wait_until(
        lambda: [m for m in kannel.received() if m.receiver == "0912000101"] or None, what="the answer SMS"
    )
    assert got.text == message.text  # the Vietnamese text intact
    assert item.code in got.text and got.text.endswith(": Mức thấp nhất 330.000 đồng/tháng.")
    wait_until(
        lambda: Message.objects.filter(pk=message.pk, status=Message.Status.DELIVERED).exists(),
        what="the delivery report",
    )
    assert item.events.filter(message=message).exists()
