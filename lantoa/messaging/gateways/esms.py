"""eSMS.vn (ViHAT) brandname SMS over `SendMultipleMessage_V4_post_json`.

Sources followed (eSMS developer docs, read as stored copies):
- Sending: developers.esms.vn "Send OTP/Customer care message" and the Vietnamese page
  "Gửi tin nhắn SMS OTP/CSKH" (github.com/devesms/gitbook_esms_for_develop,
  esms-api/ham-gui-tin-nhan-sms-brandname/gui-tin-nhan-sms-otp-cskh.md): POST JSON to
  https://rest.esms.vn/MainService.svc/json/SendMultipleMessage_V4_post_json/ with ApiKey, SecretKey,
  Phone, Content, Brandname, SmsType ("2" = customer care), IsUnicode ("1"/"0"), Sandbox ("1"/"0"),
  RequestId, CallbackUrl. Answer {"CodeResult": "100", "CountRegenerate": 0, "SMSID": "..."}; errors
  carry CodeResult + ErrorMessage (e.g. 101 "Authorize Failed", 104 "Brand name code is not exist"); the
  "99" tab shows a bare {"error": "Invalid request"}.
- Error codes: developers.esms.vn/en/esms-api/table-of-error-codes (and esms-api/bang-ma-loi.md).
- RequestId: "passed to block duplicates … valid for blocking for 24 hours"; a repeat answers 124
  "Duplicate RequestId".
- Callback: esms-api/callback-url.md and developers.esms.vn/en/esms-api/callback-url: an HTTP GET to
  CallbackUrl with SMSID, SendStatus (1 pending approval, 2 waiting to send, 4 rejected, 5 sent,
  7 sent to the telco and waiting for its report), SendSuccess, SendFailed, RequestId, TypeId,
  telcoid, phonenumber (national form, "0397840416"), error_info (Zalo only).

Phone: every documented sample uses the national form "0901888484", so that is what we send.

Not confirmed (guessed):
- 119, 131, 132 are not in the tables we read; unlisted codes are treated as permanent rejections.
- Whether 124 on a retry means the first attempt was accepted: the docs only say duplicates are
  blocked. We take it as "already accepted" (see `send`), because RequestId exists to make retries safe.
- Whether SendStatus 5 with SendSuccess ≥ 1 means "on the handset" or "accepted by the telco"; status 7
  ("waiting for the telco report") suggests 5 is final, so we read it as delivered.
- Whether 103 (balance) should be retried: we call it transient because topping up fixes it without
  changing the message.
"""

from __future__ import annotations

import json

from lantoa.messaging.gateways import http
from lantoa.messaging.gateways.base import (
    DeliveryReport,
    DeliveryStatus,
    Gateway,
    GatewayError,
    OutgoingMessage,
    PermanentError,
    SendResult,
    TransientError,
    register,
)

DEFAULT_URL = "https://rest.esms.vn"
SEND_PATH = "/MainService.svc/json/SendMultipleMessage_V4_post_json/"

ACCEPTED = "100"
DUPLICATE = "124"

# code -> (transient?, reason). Reasons in Vietnamese / English so monitoring reads either way.
ERRORS: dict[str, tuple[bool, str]] = {
    "99": (False, "số bị chặn hoặc yêu cầu không hợp lệ / phone blocked or invalid request"),
    "101": (False, "sai ApiKey hoặc SecretKey / wrong ApiKey or SecretKey"),
    "102": (False, "chưa có bảng giá / no price list for the account"),
    "103": (True, "không đủ số dư / balance too low"),
    "104": (False, "brandname chưa đăng ký / brandname not registered"),
    "108": (False, "số điện thoại sai định dạng / phone number format invalid"),
    "118": (False, "loại tin không hỗ trợ / unsupported SmsType"),
    "120": (False, "danh sách số vượt giới hạn / too many phone numbers"),
    "140": (False, "IP chưa được cho phép / IP not whitelisted"),
    "146": (False, "sai mẫu tin CSKH / content does not match a registered template"),
    "177": (False, "nhà mạng chưa được đăng ký / carrier not registered for this brandname"),
    "300": (False, "thiếu loại tin / SmsType missing"),
}


def national_phone(phone: str) -> str:
    """E.164 "+84912345678" -> "0912345678", the form eSMS's samples use."""
    digits = phone.removeprefix("+")
    if not phone.startswith("+84") or not digits.isdecimal() or len(digits) != 11:
        raise PermanentError(f"eSMS: not a Vietnamese mobile number: {phone!r}", code="phone")
    return "0" + digits[2:]


def _flag(value) -> str:
    return "1" if value and str(value).lower() not in ("0", "false", "no") else "0"


def _count(value) -> int:
    try:
        return int(str(value).strip() or 0)
    except ValueError:
        return 0


@register
class EsmsGateway(Gateway):
    """`api_key` = ApiKey, `secret` = SecretKey, `sender` = Brandname. Options: `sms_type` (default "2",
    customer care), `sandbox` (truthy: eSMS checks the request but sends and bills nothing),
    `request_prefix` (prepended to RequestId so two installations sharing one account cannot collide)."""

    kind = "esms"
    label = "eSMS"
    channel = "sms"
    reports = True

    def _request_id(self, message: OutgoingMessage) -> str:
        return f"{self.options.get('request_prefix', '')}{message.message_id}"

    def send(self, message: OutgoingMessage) -> SendResult:
        payload = {
            "ApiKey": self.api_key,
            "SecretKey": self.secret,
            "Phone": national_phone(message.phone),
            "Content": message.text,
            "SmsType": str(self.options.get("sms_type", "2")),
            "IsUnicode": "1" if message.unicode else "0",
            "Sandbox": _flag(self.options.get("sandbox")),
            # eSMS blocks a repeated RequestId for 24 h, so a retry after a lost answer cannot send twice.
            "RequestId": self._request_id(message),
        }
        brandname = message.sender or self.sender
        if brandname:
            payload["Brandname"] = brandname
        if message.report_url:
            payload["CallbackUrl"] = message.report_url
        try:
            answer = http.post_json((self.url or DEFAULT_URL) + SEND_PATH, payload, timeout=self.timeout)
        except GatewayError as exc:
            raise type(exc)(f"eSMS {exc.reason}", code=exc.code) from exc
        return self._result(answer)

    def _result(self, answer: dict) -> SendResult:
        detail = json.dumps(answer, ensure_ascii=False)[:200]
        code = str(answer.get("CodeResult", "")).strip()
        if not code:
            if "error" in answer:  # the documented "99" answer has no CodeResult
                raise PermanentError(f"eSMS 99: {answer['error']}", code="99")
            raise TransientError(f"eSMS: answer without CodeResult: {detail}", code="garbage")
        if code == ACCEPTED:
            sms_id = str(answer.get("SMSID") or "")
            if not sms_id:
                raise TransientError(f"eSMS 100 without SMSID: {detail}", code="garbage")
            return SendResult(provider_id=sms_id, detail=detail)
        if code == DUPLICATE:
            # Only our own earlier attempt can have used this RequestId: it was accepted and its report
            # will name the RequestId, so this is a success without a provider id, not a failure.
            return SendResult(detail=f"eSMS 124: RequestId đã gửi / already accepted earlier ({detail})")
        provider_words = str(answer.get("ErrorMessage") or "").strip()
        transient, reason = ERRORS.get(code, (False, "mã lỗi không có trong tài liệu / undocumented code"))
        text = f"eSMS {code}: {reason}" + (f" ({provider_words})" if provider_words else "")
        raise (TransientError if transient else PermanentError)(text, code=code)

    def parse_report(self, params: dict) -> list[DeliveryReport]:
        sms_id = str(params.get("SMSID") or "").strip()
        request_id = str(params.get("RequestId") or "").strip()
        if not sms_id and not request_id:
            return []
        prefix = str(self.options.get("request_prefix", ""))
        rest = request_id.removeprefix(prefix) if request_id.startswith(prefix) else ""
        message_id = int(rest) if rest.isdecimal() else None

        status_code = str(params.get("SendStatus") or "").strip()
        reason = ""
        if status_code == "5":
            success, failed = _count(params.get("SendSuccess")), _count(params.get("SendFailed"))
            if failed and not success:
                status = DeliveryStatus.FAILED
                reason = "eSMS: gửi thất bại / not delivered"
            else:
                status = DeliveryStatus.DELIVERED
        elif status_code == "4":
            status = DeliveryStatus.FAILED
            reason = "eSMS: tin bị từ chối / rejected"
        else:  # 1 pending approval, 2 waiting, 7 waiting for the telco report, or something new
            status = DeliveryStatus.SENT
        error_info = str(params.get("error_info") or "").strip().strip('"')
        if error_info and status == DeliveryStatus.FAILED:
            reason = f"{reason}: {error_info}"
        return [DeliveryReport(status=status, message_id=message_id, provider_id=sms_id, reason=reason)]
