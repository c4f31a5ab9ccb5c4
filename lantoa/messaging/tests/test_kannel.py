"""The Kannel adapter against a real Kannel (bearerbox + smsbox + fakesmsc on loopback), and its parsers.

One Kannel serves the module; each test sends to its own phone number so tests do not see each other's
messages. No database."""

import socket
import threading
import time

import pytest

from lantoa.messaging.gateways.base import (
    REGISTRY,
    DeliveryReport,
    DeliveryStatus,
    IncomingMessage,
    OutgoingMessage,
    PermanentError,
    TransientError,
)
from lantoa.messaging.gateways.kannel import KannelGateway, report_url_for
from lantoa.messaging.tests.kannel import CallbackServer, KannelHarness, free_ports, parse_fakesmsc_log

VIETNAMESE = "BHXH Hồng Ngự: hạn đóng BHYT hộ gia đình là 31/12. Xin cảm ơn ông/bà!"
LONG_VIETNAMESE = (
    "Kính gửi ông/bà: Bảo hiểm xã hội Việt Nam thông báo hạn đóng BHYT hộ gia đình năm 2026 là ngày 31/12. "
    "Mọi thắc mắc xin liên hệ UBND xã hoặc gọi 1900 9068. Trân trọng cảm ơn!"
)


@pytest.fixture(scope="module")
def callbacks():
    """Receives Kannel's delivery reports (/dlr…) and incoming messages (/incoming)."""
    with CallbackServer() as server:
        yield server


@pytest.fixture(scope="module")
def kannel_mo_url(callbacks):
    return f"{callbacks.url}/incoming"


def make_gateway(url, **kwargs):
    settings = {"url": url, "username": "lantoa", "password": "secret-pw", "sender": "BHXH", "timeout": 5.0}
    return KannelGateway(**(settings | kwargs))


@pytest.fixture
def gateway(kannel):
    return make_gateway(kannel.url, username=kannel.username, password=kannel.password)


def sms(phone, text, *, unicode=True, message_id=1, **kwargs):
    return OutgoingMessage(message_id=message_id, phone=phone, text=text, unicode=unicode, **kwargs)


# --- Against the real Kannel ------------------------------------------------------------------------------


def test_vietnamese_text_arrives_exactly_as_ucs2(kannel, gateway):
    result = gateway.send(sms("+84912000001", VIETNAMESE))

    assert result.provider_id == ""  # Kannel names no id: reports carry ours
    assert result.detail == "0: Accepted for delivery"
    [got] = kannel.wait_received(lambda m: m.receiver == "0912000001")
    assert (got.sender, got.text, got.kind) == ("BHXH", VIETNAMESE, "ucs-2")


def test_long_vietnamese_text_goes_in_parts_and_joins_back(kannel, gateway):
    assert len(LONG_VIETNAMESE) > 2 * 67  # three concatenated UCS-2 parts

    gateway.send(sms("+84912000002", LONG_VIETNAMESE))

    [got] = kannel.wait_received(lambda m: m.receiver == "0912000002")
    assert (got.text, got.kind, got.parts) == (LONG_VIETNAMESE, "udh", 3)


def test_gsm_text_with_the_messages_sender_and_international_numbers(kannel):
    gateway = make_gateway(
        kannel.url, username=kannel.username, password=kannel.password, options={"number_format": "international"}
    )

    gateway.send(sms("+84912000003", "Nhac lich dong BHYT: 31/12", unicode=False, sender="8088"))

    [got] = kannel.wait_received(lambda m: m.receiver == "84912000003")
    assert (got.sender, got.text, got.kind) == ("8088", "Nhac lich dong BHYT: 31/12", "text")


def test_delivery_reports_come_back_as_sent_then_delivered(kannel, gateway, callbacks):
    gateway.send(
        sms("+84912000004", VIETNAMESE, message_id=42, report_url=gateway.report_url(f"{callbacks.url}/dlr", 42))
    )

    calls = callbacks.wait_for(lambda c: c.path == "/dlr" and c.params.get("id") == "42", count=2)
    # fakesmsc acknowledges (8, answer "ACK/") and delivers (1) at once; smsbox makes the two calls on
    # separate connections, so they may arrive in either order.
    assert sorted(c.params["status"] for c in calls) == ["1", "8"]
    reports = {r.status: r for c in calls for r in gateway.parse_report(c.params)}
    assert reports == {
        DeliveryStatus.SENT: DeliveryReport(status=DeliveryStatus.SENT, message_id=42),
        DeliveryStatus.DELIVERED: DeliveryReport(status=DeliveryStatus.DELIVERED, message_id=42),
    }


def test_report_url_with_a_query_and_percent_escapes_survives_kannel(kannel, gateway, callbacks):
    url = report_url_for(f"{callbacks.url}/b%C3%A1o-c%C3%A1o?gw=kannel", 43)

    gateway.send(sms("+84912000005", "ok", unicode=False, message_id=43, report_url=url))

    calls = callbacks.wait_for(lambda c: c.params.get("id") == "43", count=2)
    assert {c.path for c in calls} == {"/b%C3%A1o-c%C3%A1o"}
    assert {(c.params["gw"], c.params["status"]) for c in calls} == {("kannel", "8"), ("kannel", "1")}


def test_queued_while_the_smsc_is_away_then_sent(kannel, gateway, callbacks):
    kannel.stop_fakesmsc()
    try:
        url = report_url_for(f"{callbacks.url}/dlr", 44)
        result = gateway.send(sms("+84912000006", "Chờ SMSC", message_id=44, report_url=url))
        assert result.detail == "3: Queued for later delivery"
        time.sleep(0.3)
        assert not [c for c in callbacks.calls if c.params.get("id") == "44"]  # no DLR 4 (buffered) from Kannel
    finally:
        kannel.reconnect_fakesmsc()

    [got] = kannel.wait_received(lambda m: m.receiver == "0912000006")
    assert got.text == "Chờ SMSC"
    calls = callbacks.wait_for(lambda c: c.params.get("id") == "44", count=2)
    assert sorted(c.params["status"] for c in calls) == ["1", "8"]


def test_replies_reach_the_get_url(kannel, gateway, callbacks):
    kannel.send_incoming("0912345678", "8088", "TC")
    kannel.send_incoming("0987654321", "8088", "Đồng ý, cảm ơn cán bộ xã")

    [tc] = callbacks.wait_for(lambda c: c.path == "/incoming" and c.params.get("from") == "0912345678")
    assert gateway.parse_incoming(tc.params) == IncomingMessage(phone="0912345678", text="TC", to="8088")
    [vi] = callbacks.wait_for(lambda c: c.path == "/incoming" and c.params.get("from") == "0987654321")
    assert gateway.parse_incoming(vi.params) == IncomingMessage(
        phone="0987654321", text="Đồng ý, cảm ơn cán bộ xã", to="8088"
    )
    # The fakesmsc that sent the reply keeps receiving.
    gateway.send(sms("+84912000007", "Sau khi trả lời"))
    [got] = kannel.wait_received(lambda m: m.receiver == "0912000007")
    assert got.text == "Sau khi trả lời"


def test_wrong_password_is_permanent(kannel):
    gateway = make_gateway(kannel.url, username=kannel.username, password="wrong")

    with pytest.raises(PermanentError) as caught:
        gateway.send(sms("+84912000008", "x"))

    assert caught.value.code == "403"
    assert "Authorization failed" in caught.value.reason


def test_no_sender_at_all_is_permanent(kannel):
    gateway = make_gateway(kannel.url, username=kannel.username, password=kannel.password, sender="")

    with pytest.raises(PermanentError) as caught:
        gateway.send(sms("+84912000009", "x"))

    assert caught.value.code == "400"
    assert "Sender missing" in caught.value.reason


def test_a_stopped_kannel_is_transient(kannel_installed, tmp_path):
    with KannelHarness(tmp_path) as own:
        gateway = make_gateway(own.url, username=own.username, password=own.password)
        gateway.send(sms("+84912000010", "x"))
        processes = list(own.procs.values())

    assert all(proc.poll() is not None for proc in processes)
    with pytest.raises(TransientError) as caught:
        gateway.send(sms("+84912000010", "x"))
    assert caught.value.code == "connection"


# --- Against stand-ins: closed port, silence, odd answers ---------------------------------------------


def test_a_closed_port_is_transient():
    [port] = free_ports(1)

    with pytest.raises(TransientError) as caught:
        make_gateway(f"http://127.0.0.1:{port}").send(sms("+84912000011", "x"))

    assert caught.value.code == "connection"


def test_no_answer_in_time_is_transient():
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)  # connections complete in the backlog; nobody ever answers
        gateway = make_gateway(f"http://127.0.0.1:{listener.getsockname()[1]}", timeout=0.3)

        with pytest.raises(TransientError) as caught:
            gateway.send(sms("+84912000012", "x"))

    assert caught.value.code == "timeout"


@pytest.mark.parametrize(
    "reply",
    [
        b"hello, not HTTP\r\n\r\n",
        b"HTTP/1.1 202 Accepted\r\nContent-Length: 100\r\n\r\n0: Acc",  # cut short
    ],
)
def test_a_broken_http_answer_is_transient(reply):
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)

        def answer():
            conn, _ = listener.accept()
            with conn:
                conn.recv(65536)
                conn.sendall(reply)

        thread = threading.Thread(target=answer, daemon=True)
        thread.start()
        with pytest.raises(TransientError) as caught:
            make_gateway(f"http://127.0.0.1:{listener.getsockname()[1]}").send(sms("+84912000016", "x"))
        thread.join(timeout=5)

    assert caught.value.code == "garbage"


@pytest.mark.parametrize(
    ("status", "body", "error", "code"),
    [
        (200, "<html>Welcome to nginx</html>", TransientError, "garbage"),
        (202, "", TransientError, "garbage"),
        (503, "Sending failed.", TransientError, "503"),
        (400, "Empty receiver number not allowed, rejected", PermanentError, "400"),
    ],
)
def test_odd_answers(status, body, error, code):
    with CallbackServer(answer=(status, body)) as smsbox, pytest.raises(error) as caught:
        make_gateway(smsbox.url).send(sms("+84912000013", "x"))

    assert caught.value.code == code


@pytest.mark.parametrize("answer", ["0: Accepted for delivery", "3: Queued for later delivery\n"])
def test_what_goes_on_the_wire(answer):
    url = report_url_for("https://lantoa.example/messaging/kannel/report", 7)
    with CallbackServer(answer=(202, answer)) as smsbox:
        result = make_gateway(f"{smsbox.url}/cgi-bin/sendsms").send(sms("+84912000014", "Chào", report_url=url))
        [call] = smsbox.calls

    assert result.detail == answer.strip()
    assert call.path == "/cgi-bin/sendsms"
    assert call.params == {
        "username": "lantoa",
        "password": "secret-pw",
        "from": "BHXH",
        "to": "0912000014",
        "text": "Chào",
        "charset": "UTF-8",
        "coding": "2",
        "dlr-mask": "31",
        "dlr-url": "https://lantoa.example/messaging/kannel/report?id=7&status=%d&answer=%A",
    }


def test_no_report_url_asks_for_no_reports():
    with CallbackServer(answer=(202, "0: Accepted for delivery")) as smsbox:
        make_gateway(smsbox.url).send(sms("+84912000015", "x", unicode=False))
        [call] = smsbox.calls

    assert call.params["coding"] == "0"
    assert "dlr-url" not in call.params and "dlr-mask" not in call.params


# --- Pure: numbers, report URLs, reports, replies, the fakesmsc log -----------------------------------


def test_registered():
    assert REGISTRY["kannel"] is KannelGateway
    assert (KannelGateway.channel, KannelGateway.reports) == ("sms", True)


@pytest.mark.parametrize(
    ("number_format", "phone", "expected"),
    [
        ("national", "+84912345678", "0912345678"),
        ("international", "+84912345678", "84912345678"),
        ("national", "+14155550100", "14155550100"),  # no national form for a foreign number
        ("international", "0912345678", "84912345678"),
        ("national", "0912 345 678", "0912345678"),
    ],
)
def test_number_format(number_format, phone, expected):
    gateway = KannelGateway(options={"number_format": number_format})
    assert gateway._number(phone) == expected


def test_unknown_number_format_is_a_permanent_config_error():
    with pytest.raises(PermanentError) as caught:
        KannelGateway(url="http://127.0.0.1:9", options={"number_format": "e164"}).send(sms("+84912345678", "x"))
    assert caught.value.code == "config"


@pytest.mark.parametrize(
    ("base", "expected"),
    [
        ("https://x.vn/kannel/report", "https://x.vn/kannel/report?id=42&status=%d&answer=%A"),
        ("https://x.vn/r?gw=3", "https://x.vn/r?gw=3&id=42&status=%d&answer=%A"),
        ("https://x.vn/b%C3%A1o", "https://x.vn/b%%C3%%A1o?id=42&status=%d&answer=%A"),
    ],
)
def test_report_url_for(base, expected):
    assert report_url_for(base, 42) == expected
    assert KannelGateway().report_url(base, 42) == expected  # what dispatch asks the gateway


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"id": "42", "status": "8", "answer": "ACK/"}, DeliveryReport(DeliveryStatus.SENT, 42)),
        ({"id": "42", "status": "4", "answer": ""}, DeliveryReport(DeliveryStatus.SENT, 42)),
        ({"id": "42", "status": "1", "answer": ""}, DeliveryReport(DeliveryStatus.DELIVERED, 42)),
        (
            {"id": "42", "status": "2", "answer": "NACK/0x0000000b/Invalid Destination Address"},
            DeliveryReport(DeliveryStatus.FAILED, 42, reason="NACK/0x0000000b/Invalid Destination Address"),
        ),
        ({"id": "42", "status": "16", "answer": ""}, DeliveryReport(DeliveryStatus.FAILED, 42, reason="Kannel DLR 16")),
        ({"id": "abc", "status": "1"}, DeliveryReport(DeliveryStatus.DELIVERED, None)),
        ({"id": "", "status": "1"}, DeliveryReport(DeliveryStatus.DELIVERED, None)),
        ({"id": "-3", "status": "1"}, DeliveryReport(DeliveryStatus.DELIVERED, None)),
        ({"status": "1"}, DeliveryReport(DeliveryStatus.DELIVERED, None)),
        ({"id": ["42"], "status": ["1"]}, DeliveryReport(DeliveryStatus.DELIVERED, 42)),  # a QueryDict's lists
        ({"id": " 42 ", "status": "8 "}, DeliveryReport(DeliveryStatus.SENT, 42)),
    ],
)
def test_parse_report(params, expected):
    assert KannelGateway().parse_report(params) == [expected]


@pytest.mark.parametrize(
    "params",
    [
        {"id": "42", "status": "32"},  # a status we did not ask for
        {"id": "42", "status": "3"},  # not a single DLR kind
        {"id": "42", "status": "%d"},  # Kannel's placeholder, not filled in
        {"id": "42", "status": ""},
        {"id": "42"},
        {},
    ],
)
def test_parse_report_ignores_unknown_statuses(params):
    assert KannelGateway().parse_report(params) == []


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"from": "0912345678", "to": "8088", "text": "TC"}, IncomingMessage("0912345678", "TC", "8088")),
        ({"from": " +84912345678 ", "text": "tc "}, IncomingMessage("+84912345678", "tc ", "")),
        ({"from": "0912345678"}, IncomingMessage("0912345678", "", "")),
        ({"from": ["0912345678"], "text": ["Đồng ý"]}, IncomingMessage("0912345678", "Đồng ý", "")),
        ({"from": "", "text": "TC"}, None),
        ({"text": "TC"}, None),
    ],
)
def test_parse_incoming(params, expected):
    assert KannelGateway().parse_incoming(params) == expected


def test_fakesmsc_log_parsing():
    """Lines as fakesmsc 1.4.5 writes them (see the module docstring of lantoa/messaging/tests/kannel.py)."""
    log = "\n".join(
        [
            "2026-11-26 00:31:15 [3152] [0] INFO: fakesmsc starting",
            "2026-11-26 00:31:19 [3152] [0] DEBUG: Got message 1: <BHXH 0912 ucs-2 %00B%1E%A3%00o%00+%00%2B%20%AB>",
            "2026-11-26 00:31:19 [3152] [0] DEBUG: Got message 2: <BHXH 0912 text line1>",
            "2026-11-26 00:31:19 [3152] [0] DEBUG: Got message 3: <line2 ~ <x>>",
            "2026-11-26 00:32:11 [3691] [0] DEBUG: Got message 4: <B 09 udh %05%00%03%07%02%02 data %00c%00%F3>",
            "2026-11-26 00:32:11 [3691] [0] DEBUG: Got message 5: <B 09 udh %05%00%03%07%02%01 data %00c%00%E1%00+>",
            "2026-11-26 00:32:11 [3691] [0] DEBUG: Got message 6: <B 09 data caf%C3%A9>",
        ]
    )

    got = [(m.sender, m.receiver, m.text, m.kind, m.parts) for m in parse_fakesmsc_log(log)]

    assert got == [
        ("BHXH", "0912", "Bảo +₫", "ucs-2", 1),
        ("BHXH", "0912", "line1\nline2 ~ <x>", "text", 1),
        ("B", "09", "cá có", "udh", 2),
        ("B", "09", "café", "data", 1),
    ]
