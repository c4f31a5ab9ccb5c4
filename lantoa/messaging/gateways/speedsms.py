"""SpeedSMS (speedsms.vn) over its REST API `POST /index.php/sms/send`.

Sources followed (stored copies):
- speedsms.vn/sms-api/ and en.speedsms.vn/sms-api-service-2: base URL https://api.speedsms.vn/index.php/,
  HTTP basic auth with the API access token as user name (curl -u "{token}:x"), error codes 007 IP
  locked, 008 account blocked, 009 account not allowed to call the API, 101 invalid or missing
  parameters, 105 phone number invalid, 110 content encoding not supported, 113 content too long,
  300 balance too low, 500 internal error ("please try again"); rate limit 60 requests / 60 s answered
  with HTTP 429 {"name": "Too Many Requests", ..., "status": 429}.
- SpeedSMS's own sample code (as quoted in public repositories): JSON {"to": [phone], "content": ...,
  "sms_type": 2|3|4|5, "sender": ...}; sms_type 2 = random number, 3 = brandname, 4 = default brandname
  ("Notify"/"Verify"), 5 = Android app; answer {"status": "success", "code": "00", "data": {"tranId",
  "totalSMS", "totalPrice", "invalidPhone": [...]}} or {"status": "error", "code", "message",
  "invalidPhone"}; phone samples are "8491xxxxx" (and "0355012345").
- Delivery report webhook (JSON POST, per the callback classes of github.com/alexzvn/speedsms-api and a
  public C# model of it): {"type": "report", "tranId", "phone", "status"}, status 0 = delivered,
  0 < status < 64 = temporary failure (the SMSC keeps trying), ≥ 64 = failed. Incoming SMS:
  {"type": "sms", "phone", "content"}.

Not confirmed (guessed):
- The report statuses come from third-party code, not the SpeedSMS page itself (the stored copy ends
  before its "Delivery status report" section).
- What a wrong token gets: one client library says HTTP 404, we have not seen it; any 4xx is permanent
  here anyway.
- Whether 300 (balance) should be retried: transient here because topping up fixes it.
- There is no client reference in the send request, so reports name SpeedSMS's tranId only.
"""

from __future__ import annotations

import base64
import json

from lantoa.messaging.gateways import http
from lantoa.messaging.gateways.base import (
    DeliveryReport,
    DeliveryStatus,
    Gateway,
    GatewayError,
    IncomingMessage,
    OutgoingMessage,
    PermanentError,
    SendResult,
    TransientError,
    register,
)

DEFAULT_URL = "https://api.speedsms.vn"
SEND_PATH = "/index.php/sms/send"

SMS_TYPE_RANDOM_NUMBER = 2
SMS_TYPE_BRANDNAME = 3

ERRORS: dict[str, tuple[bool, str]] = {
    "007": (False, "IP bị khóa / IP locked"),
    "008": (False, "tài khoản bị khóa / account blocked"),
    "009": (False, "tài khoản không được gọi API / account not allowed to call the API"),
    "101": (False, "tham số sai hoặc thiếu / invalid or missing parameters"),
    "105": (False, "số điện thoại không hợp lệ / invalid phone number"),
    "110": (False, "mã hóa nội dung không hỗ trợ / content encoding not supported"),
    "113": (False, "nội dung quá dài / content too long"),
    "300": (True, "không đủ số dư / balance too low"),
    "500": (True, "lỗi hệ thống SpeedSMS / SpeedSMS internal error"),
}


def international_phone(phone: str) -> str:
    """E.164 "+84912345678" -> "84912345678", the form of SpeedSMS's samples."""
    digits = phone.removeprefix("+")
    if not phone.startswith("+84") or not digits.isdecimal() or len(digits) != 11:
        raise PermanentError(f"SpeedSMS: not a Vietnamese mobile number: {phone!r}", code="phone")
    return digits


@register
class SpeedSmsGateway(Gateway):
    """`api_key` = API access token, `sender` = brandname. Options: `sms_type` (default 3 brandname when
    a sender is set, else 2 random number)."""

    kind = "speedsms"
    label = "SpeedSMS"
    channel = "sms"
    reports = True

    def send(self, message: OutgoingMessage) -> SendResult:
        phone = international_phone(message.phone)
        sender = message.sender or self.sender
        default_type = SMS_TYPE_BRANDNAME if sender else SMS_TYPE_RANDOM_NUMBER
        payload = {
            "to": [phone],
            "content": message.text,
            "sms_type": int(self.options.get("sms_type", default_type)),
            "sender": sender,
        }
        token = base64.b64encode(f"{self.api_key}:x".encode()).decode()
        try:
            answer = http.post_json(
                (self.url or DEFAULT_URL) + SEND_PATH,
                payload,
                timeout=self.timeout,
                headers={"Authorization": f"Basic {token}"},
            )
        except GatewayError as exc:
            raise type(exc)(f"SpeedSMS {exc.reason}", code=exc.code) from exc
        return self._result(answer, phone)

    def _result(self, answer: dict, phone: str) -> SendResult:
        detail = json.dumps(answer, ensure_ascii=False)[:200]
        status = answer.get("status")
        code = str(answer.get("code", "")).strip()
        data = answer.get("data") if isinstance(answer.get("data"), dict) else {}
        invalid = [str(p) for p in (data.get("invalidPhone") or answer.get("invalidPhone") or [])]
        if status == "success" and code == "00":
            # A "success" can still list our only number as invalid: nothing was sent.
            if phone in invalid:
                raise PermanentError(f"SpeedSMS 105: {ERRORS['105'][1]} ({phone})", code="105")
            tran_id = data.get("tranId")
            if tran_id in (None, ""):
                raise TransientError(f"SpeedSMS: success without tranId: {detail}", code="garbage")
            return SendResult(provider_id=str(tran_id), detail=detail)
        if status != "error" or not code:
            raise TransientError(f"SpeedSMS: unreadable answer: {detail}", code="garbage")
        transient, reason = ERRORS.get(code, (False, "mã lỗi không có trong tài liệu / undocumented code"))
        words = str(answer.get("message") or "").strip()
        text = f"SpeedSMS {code}: {reason}" + (f" ({words})" if words else "")
        raise (TransientError if transient else PermanentError)(text, code=code)

    def parse_report(self, params: dict) -> list[DeliveryReport]:
        if params.get("type") != "report" or params.get("tranId") in (None, ""):
            return []
        try:
            status_code = int(str(params.get("status")).strip())
        except ValueError:
            return []
        provider_id = str(params["tranId"])
        if status_code == 0:
            return [DeliveryReport(status=DeliveryStatus.DELIVERED, provider_id=provider_id)]
        if status_code < 64:  # the SMSC is still trying
            return [DeliveryReport(status=DeliveryStatus.SENT, provider_id=provider_id)]
        reason = f"SpeedSMS: không gửi được / not delivered (status {status_code})"
        return [DeliveryReport(status=DeliveryStatus.FAILED, provider_id=provider_id, reason=reason)]

    def parse_incoming(self, params: dict) -> IncomingMessage | None:
        if params.get("type") != "sms" or not params.get("phone"):
            return None
        return IncomingMessage(phone=str(params["phone"]), text=str(params.get("content") or ""))
