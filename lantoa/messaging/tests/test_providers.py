"""The eSMS, SpeedSMS and Zalo ZNS adapters against local fakes of the providers' documented APIs.

No database: nothing here requests `db`.
"""

import base64
import time

import pytest

from lantoa.messaging.gateways.base import (
    REGISTRY,
    DeliveryReport,
    DeliveryStatus,
    OutgoingMessage,
    PermanentError,
    TransientError,
)
from lantoa.messaging.gateways.esms import EsmsGateway
from lantoa.messaging.gateways.speedsms import SpeedSmsGateway
from lantoa.messaging.gateways.zns import ZnsGateway
from lantoa.messaging.tests.fakes import (
    BRANDNAME,
    ESMS_API_KEY,
    ESMS_SECRET,
    SPEEDSMS_TOKEN,
    ZNS_TEMPLATE,
    ZNS_TOKEN,
    esms_server,
    speedsms_server,
    zns_server,
)

SHORT_TIMEOUT = 0.5
TEXT_VI = "BHXH Hồng Ngự: đóng BHXH tự nguyện để hưởng lương hưu."
TEXT_ASCII = "BHXH Hong Ngu: dong BHXH tu nguyen de huong luong huu."


@pytest.fixture
def esms():
    with esms_server() as fake:
        yield fake


@pytest.fixture
def speedsms():
    with speedsms_server() as fake:
        yield fake


@pytest.fixture
def zns():
    with zns_server() as fake:
        yield fake


def esms_gateway(fake, **options) -> EsmsGateway:
    return EsmsGateway(
        url=fake.url, api_key=ESMS_API_KEY, secret=ESMS_SECRET, sender=BRANDNAME, timeout=2, options=options
    )


def speedsms_gateway(fake, token=SPEEDSMS_TOKEN, **options) -> SpeedSmsGateway:
    return SpeedSmsGateway(url=fake.url, api_key=token, sender=BRANDNAME, timeout=2, options=options)


def zns_gateway(fake, token=ZNS_TOKEN, **options) -> ZnsGateway:
    return ZnsGateway(url=fake.url, api_key=token, timeout=2, options=options)


def sms(message_id=42, *, text=TEXT_VI, unicode=True, phone="+84912345678", **extra) -> OutgoingMessage:
    return OutgoingMessage(message_id=message_id, phone=phone, text=text, unicode=unicode, **extra)


def zalo(message_id=42, *, params=None, phone="+84912345678", template_id=ZNS_TEMPLATE) -> OutgoingMessage:
    if params is None:
        params = {"ho_ten": "Nguyễn Văn An", "noi_dung": "Thẻ BHYT của ông hết hạn ngày 31/12."}
    return OutgoingMessage(
        message_id=message_id, phone=phone, text="", unicode=True, template_id=template_id, params=params
    )


def test_gateways_are_registered_with_their_kind_and_channel():
    assert REGISTRY["esms"] is EsmsGateway and EsmsGateway.channel == "sms"
    assert REGISTRY["speedsms"] is SpeedSmsGateway and SpeedSmsGateway.channel == "sms"
    assert REGISTRY["zns"] is ZnsGateway and ZnsGateway.channel == "zalo"
    assert all(cls.reports and cls.label for cls in (EsmsGateway, SpeedSmsGateway, ZnsGateway))


def test_default_urls_are_the_documented_hosts():
    from lantoa.messaging.gateways import esms, speedsms, zns

    assert esms.DEFAULT_URL + esms.SEND_PATH == (
        "https://rest.esms.vn/MainService.svc/json/SendMultipleMessage_V4_post_json/"
    )
    assert speedsms.DEFAULT_URL + speedsms.SEND_PATH == "https://api.speedsms.vn/index.php/sms/send"
    assert zns.DEFAULT_URL + zns.SEND_PATH == "https://business.openapi.zalo.me/message/template"


# --- eSMS ------------------------------------------------------------------------------------------


def test_esms_send_posts_the_documented_fields_and_returns_the_smsid(esms):
    result = esms_gateway(esms).send(sms(report_url="https://lantoa.example/reports/esms?m=42"))

    assert result.provider_id in esms.accepted
    assert esms.received == [
        {
            "ApiKey": ESMS_API_KEY,
            "SecretKey": ESMS_SECRET,
            "Phone": "0912345678",
            "Content": TEXT_VI,
            "SmsType": "2",
            "IsUnicode": "1",
            "Sandbox": "0",
            "RequestId": "42",
            "Brandname": BRANDNAME,
            "CallbackUrl": "https://lantoa.example/reports/esms?m=42",
        }
    ]
    request = esms.requests[0]
    assert request["path"] == "/MainService.svc/json/SendMultipleMessage_V4_post_json/"
    assert request["headers"]["content-type"] == "application/json"


def test_esms_unaccented_text_sandbox_sms_type_and_request_prefix(esms):
    gateway = esms_gateway(esms, sandbox=True, sms_type="8", request_prefix="lt-")
    gateway.send(sms(7, text=TEXT_ASCII, unicode=False, sender=""))

    body = esms.received[0]
    assert (body["IsUnicode"], body["Sandbox"], body["SmsType"], body["RequestId"]) == ("0", "1", "8", "lt-7")
    assert "CallbackUrl" not in body  # no report URL given: nothing for eSMS to call


@pytest.mark.parametrize(
    ("code", "error"),
    [
        ("99", PermanentError),
        ("101", PermanentError),
        ("102", PermanentError),
        ("103", TransientError),
        ("104", PermanentError),
        ("108", PermanentError),
        ("118", PermanentError),
        ("140", PermanentError),
        ("146", PermanentError),
        ("177", PermanentError),
        ("300", PermanentError),
        ("131", PermanentError),  # not in the tables we read: a rejection all the same
    ],
)
def test_esms_error_codes_map_to_permanent_or_transient_naming_the_code(esms, code, error):
    esms.next("error", code=code)
    with pytest.raises(error) as caught:
        esms_gateway(esms).send(sms())
    assert type(caught.value) is error
    assert caught.value.code == code
    assert f"eSMS {code}:" in caught.value.reason


def test_esms_wrong_credentials_are_permanent(esms):
    gateway = EsmsGateway(url=esms.url, api_key="wrong", secret="wrong", sender=BRANDNAME, timeout=2)
    with pytest.raises(PermanentError, match="eSMS 101") as caught:
        gateway.send(sms())
    assert "Authorize Failed" in caught.value.reason


def test_esms_unregistered_brandname_is_permanent(esms):
    with pytest.raises(PermanentError, match="eSMS 104"):
        esms_gateway(esms).send(sms(sender="KHAC"))


def test_esms_repeated_request_id_is_answered_124_and_counts_as_already_accepted(esms):
    gateway = esms_gateway(esms)
    first = gateway.send(sms(42))
    again = gateway.send(sms(42))

    assert first.provider_id
    assert again.provider_id == "" and "124" in again.detail
    assert len(esms.requests) == 2 and len(esms.accepted) == 1  # eSMS sent it once


def test_esms_timeout_is_transient_and_the_retry_does_not_send_twice(esms):
    esms.next("hang", seconds=5)
    gateway = EsmsGateway(
        url=esms.url, api_key=ESMS_API_KEY, secret=ESMS_SECRET, sender=BRANDNAME, timeout=SHORT_TIMEOUT
    )
    with pytest.raises(TransientError) as caught:
        gateway.send(sms(42))
    assert caught.value.code == "timeout"
    assert caught.value.reason.startswith("eSMS ")

    # Let the fake finish the lost request (eSMS did the work, the answer was lost); the retry carries
    # the same RequestId.
    esms._stopping.set()
    deadline = time.monotonic() + 5
    while not esms.accepted and time.monotonic() < deadline:
        time.sleep(0.01)
    retry = gateway.send(sms(42))
    assert "124" in retry.detail and len(esms.accepted) == 1


@pytest.mark.parametrize(
    ("kind", "options"), [("http", {"status": 500}), ("http", {"status": 503}), ("garbage", {}), ("empty", {})]
)
def test_esms_server_errors_and_unreadable_answers_are_transient(esms, kind, options):
    esms.next(kind, **options)
    with pytest.raises(TransientError):
        esms_gateway(esms).send(sms())


def test_esms_refuses_a_non_vietnamese_number_without_calling(esms):
    with pytest.raises(PermanentError):
        esms_gateway(esms).send(sms(phone="+33612345678"))
    assert esms.requests == []


def test_esms_report_delivered_names_our_message_and_the_smsid(esms):
    gateway = esms_gateway(esms)
    sms_id = gateway.send(sms(42)).provider_id

    reports = gateway.parse_report(esms.callback_params(sms_id))

    assert reports == [DeliveryReport(status=DeliveryStatus.DELIVERED, message_id=42, provider_id=sms_id)]


def test_esms_report_failed_and_rejected_carry_a_reason(esms):
    gateway = esms_gateway(esms)
    sms_id = gateway.send(sms(43)).provider_id

    (failed,) = gateway.parse_report(esms.callback_params(sms_id, success=False))
    (rejected,) = gateway.parse_report(esms.callback_params(sms_id, status="4", success=False))

    assert (failed.status, failed.message_id) == (DeliveryStatus.FAILED, 43) and failed.reason
    assert rejected.status == DeliveryStatus.FAILED and "rejected" in rejected.reason


@pytest.mark.parametrize("status", ["1", "2", "7"])
def test_esms_report_not_final_yet_is_sent(esms, status):
    (report,) = esms_gateway(esms).parse_report({"SMSID": "abc", "SendStatus": status, "RequestId": "9"})
    assert (report.status, report.message_id, report.provider_id) == (DeliveryStatus.SENT, 9, "abc")


def test_esms_report_for_unknown_ids_is_just_parsed(esms):
    gateway = esms_gateway(esms, request_prefix="lt-")
    params = {"SMSID": "not-ours", "SendStatus": "5", "SendSuccess": "1", "SendFailed": "0", "RequestId": "x-1"}

    assert gateway.parse_report(params) == [
        DeliveryReport(status=DeliveryStatus.DELIVERED, message_id=None, provider_id="not-ours")
    ]
    assert gateway.parse_report({}) == []


# --- SpeedSMS --------------------------------------------------------------------------------------


def test_speedsms_send_posts_the_documented_fields_with_basic_auth(speedsms):
    result = speedsms_gateway(speedsms).send(sms())

    assert result.provider_id == str(max(speedsms.accepted))
    assert speedsms.received == [{"to": ["84912345678"], "content": TEXT_VI, "sms_type": 3, "sender": BRANDNAME}]
    request = speedsms.requests[0]
    assert request["path"] == "/index.php/sms/send"
    assert request["headers"]["authorization"] == "Basic " + base64.b64encode(f"{SPEEDSMS_TOKEN}:x".encode()).decode()


def test_speedsms_without_sender_uses_a_random_number(speedsms):
    SpeedSmsGateway(url=speedsms.url, api_key=SPEEDSMS_TOKEN, timeout=2).send(sms(text=TEXT_ASCII, unicode=False))
    assert speedsms.received[0]["sms_type"] == 2


@pytest.mark.parametrize(
    ("code", "error"),
    [
        ("007", PermanentError),
        ("008", PermanentError),
        ("009", PermanentError),
        ("101", PermanentError),
        ("105", PermanentError),
        ("110", PermanentError),
        ("113", PermanentError),
        ("300", TransientError),
        ("500", TransientError),
        ("999", PermanentError),  # undocumented
    ],
)
def test_speedsms_error_codes_map_to_permanent_or_transient_naming_the_code(speedsms, code, error):
    speedsms.next("error", code=code)
    with pytest.raises(error) as caught:
        speedsms_gateway(speedsms).send(sms())
    assert type(caught.value) is error
    assert caught.value.code == code
    assert f"SpeedSMS {code}:" in caught.value.reason


def test_speedsms_wrong_token_is_permanent(speedsms):
    with pytest.raises(PermanentError, match="SpeedSMS HTTP 401"):
        speedsms_gateway(speedsms, token="wrong").send(sms())


def test_speedsms_number_listed_in_invalid_phone_is_permanent(speedsms):
    speedsms.next("invalid_phone")
    with pytest.raises(PermanentError, match="SpeedSMS 105") as caught:
        speedsms_gateway(speedsms).send(sms())
    assert "84912345678" in caught.value.reason


def test_speedsms_unregistered_brandname_is_permanent(speedsms):
    with pytest.raises(PermanentError, match="SpeedSMS 101"):
        speedsms_gateway(speedsms).send(sms(sender="KHAC"))


@pytest.mark.parametrize(
    ("kind", "options"),
    [
        ("http", {"status": 500}),
        ("http", {"status": 429, "body": b'{"name":"Too Many Requests","message":"Rate limit exceeded.","code":0}'}),
        ("garbage", {}),
        ("empty", {}),
    ],
)
def test_speedsms_server_errors_rate_limit_and_unreadable_answers_are_transient(speedsms, kind, options):
    speedsms.next(kind, **options)
    with pytest.raises(TransientError):
        speedsms_gateway(speedsms).send(sms())


def test_speedsms_timeout_is_transient(speedsms):
    speedsms.next("hang", seconds=5)
    gateway = SpeedSmsGateway(url=speedsms.url, api_key=SPEEDSMS_TOKEN, sender=BRANDNAME, timeout=SHORT_TIMEOUT)
    with pytest.raises(TransientError) as caught:
        gateway.send(sms())
    assert caught.value.code == "timeout"


def test_speedsms_reports_delivered_pending_and_failed(speedsms):
    gateway = speedsms_gateway(speedsms)
    tran_id = int(gateway.send(sms()).provider_id)

    (delivered,) = gateway.parse_report(speedsms.report_body(tran_id, status=0))
    (pending,) = gateway.parse_report(speedsms.report_body(tran_id, status=5))
    (failed,) = gateway.parse_report(speedsms.report_body(tran_id, status=70))

    assert delivered == DeliveryReport(status=DeliveryStatus.DELIVERED, provider_id=str(tran_id))
    assert pending.status == DeliveryStatus.SENT
    assert failed.status == DeliveryStatus.FAILED and "70" in failed.reason


def test_speedsms_report_for_unknown_ids_is_just_parsed_and_other_callbacks_are_not_reports(speedsms):
    gateway = speedsms_gateway(speedsms)
    report = {"type": "report", "tranId": "987654", "phone": "84900000000", "status": "0"}
    incoming = {"type": "sms", "phone": "84912345678", "content": "DK BHXH"}

    assert gateway.parse_report(report) == [DeliveryReport(status=DeliveryStatus.DELIVERED, provider_id="987654")]
    assert gateway.parse_report(incoming) == []
    assert gateway.parse_incoming(incoming).text == "DK BHXH"


# --- Zalo ZNS --------------------------------------------------------------------------------------


def test_zns_send_posts_the_documented_fields_and_returns_the_msg_id(zns):
    message = zalo()
    result = zns_gateway(zns).send(message)

    assert result.provider_id in zns.accepted
    assert zns.received == [
        {"phone": "84912345678", "template_id": ZNS_TEMPLATE, "template_data": message.params, "tracking_id": "42"}
    ]
    assert zns.requests[0]["path"] == "/message/template"
    assert zns.requests[0]["headers"]["access_token"] == ZNS_TOKEN


def test_zns_development_mode_and_template_from_options(zns):
    zns_gateway(zns, development=True, template_id=ZNS_TEMPLATE).send(zalo(template_id=""))
    assert zns.received[0]["mode"] == "development"
    assert zns.received[0]["template_id"] == ZNS_TEMPLATE


@pytest.mark.parametrize(
    ("code", "error"),
    [
        (-100, TransientError),
        (-108, PermanentError),
        (-109, PermanentError),
        (-114, PermanentError),
        (-115, TransientError),
        (-118, PermanentError),
        (-124, PermanentError),
        (-133, TransientError),
        (-144, TransientError),
        (-199, PermanentError),  # not in our table
    ],
)
def test_zns_error_codes_map_to_permanent_or_transient_naming_the_code(zns, code, error):
    zns.next("error", code=code)
    with pytest.raises(error) as caught:
        zns_gateway(zns).send(zalo())
    assert type(caught.value) is error
    assert caught.value.code == str(code)
    assert f"ZNS {code}:" in caught.value.reason


def test_zns_wrong_access_token_is_permanent(zns):
    with pytest.raises(PermanentError, match="ZNS -124"):
        zns_gateway(zns, token="expired").send(zalo())


def test_zns_number_without_zalo_unknown_template_and_missing_parameter_are_permanent(zns):
    zns.no_zalo.add("84912345678")
    with pytest.raises(PermanentError, match="ZNS -118"):
        zns_gateway(zns).send(zalo())
    with pytest.raises(PermanentError, match="ZNS -109"):
        zns_gateway(zns).send(zalo(phone="+84987654321", template_id="999"))
    with pytest.raises(PermanentError, match="ZNS -112"):
        zns_gateway(zns).send(zalo(phone="+84987654321", params={"ho_ten": "An"}))


def test_zns_parameters_over_400_characters_are_refused_before_sending(zns):
    gateway = zns_gateway(zns)
    with pytest.raises(PermanentError, match="400"):
        gateway.send(zalo(params={"ho_ten": "A" * 200, "noi_dung": "ư" * 201}))
    assert zns.requests == []

    gateway.send(zalo(params={"ho_ten": "A" * 200, "noi_dung": "ư" * 200}))  # exactly 400 is allowed
    assert len(zns.received) == 1


def test_zns_without_template_or_parameters_is_permanent(zns):
    with pytest.raises(PermanentError, match="template"):
        zns_gateway(zns).send(zalo(template_id=""))
    with pytest.raises(PermanentError, match="-111"):
        zns_gateway(zns).send(zalo(params={}))
    assert zns.requests == []


@pytest.mark.parametrize(("kind", "options"), [("http", {"status": 500}), ("garbage", {}), ("empty", {})])
def test_zns_server_errors_and_unreadable_answers_are_transient(zns, kind, options):
    zns.next(kind, **options)
    with pytest.raises(TransientError):
        zns_gateway(zns).send(zalo())


def test_zns_timeout_is_transient(zns):
    zns.next("hang", seconds=5)
    with pytest.raises(TransientError) as caught:
        ZnsGateway(url=zns.url, api_key=ZNS_TOKEN, timeout=SHORT_TIMEOUT).send(zalo())
    assert caught.value.code == "timeout"


def test_zns_user_received_message_is_delivered(zns):
    gateway = zns_gateway(zns, tracking_prefix="lt-")
    msg_id = gateway.send(zalo(77)).provider_id
    assert zns.received[0]["tracking_id"] == "lt-77"

    assert gateway.parse_report(zns.webhook_body(msg_id)) == [
        DeliveryReport(status=DeliveryStatus.DELIVERED, message_id=77, provider_id=msg_id)
    ]


def test_zns_webhook_for_unknown_ids_is_just_parsed_and_other_events_ignored(zns):
    gateway = zns_gateway(zns)
    flat = {"event_name": "user_received_message", "msg_id": "abc123", "tracking_id": "someone-else"}

    assert gateway.parse_report(flat) == [DeliveryReport(status=DeliveryStatus.DELIVERED, provider_id="abc123")]
    assert gateway.parse_report({"event_name": "user_send_text", "message": {"msg_id": "x"}}) == []
