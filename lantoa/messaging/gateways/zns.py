"""Zalo Notification Service (ZNS, now "ZBS Template Message"): an approved template and its parameters.

Sources followed (stored copies):
- Send: POST https://business.openapi.zalo.me/message/template, header `access_token` (the Official
  Account's token), JSON {phone, template_id, template_data, tracking_id}; optional "mode":
  "development" sends only to the app / OA administrators (endpoint as listed by the
  @warriorteam/redai-zalo-sdk ZNS service; body fields as relayed by docs.etelecom.vn "Send ZNS").
  Answer {"error": 0, "message": "Success", "data": {"msg_id", "sent_time", "quota": {"dailyQuota",
  "remainingQuota"}}} (sample quoted by github.com/nxtele/nxcloud-doc-en wiki "Zalo webhook"), or
  {"error": <negative>, "message": "..."} with HTTP 200.
- Error codes: zalo.cloud/zns/guidelines/handle-error-code: 0 success, -100 unknown error ("try again
  later"), -101…-105 application / secret / OA link problems, -106 method unsupported, -107 message id
  invalid, -108 phone number invalid (accepted forms 84xxx, 0xxx), -109 template id invalid, -110 Zalo
  version unsupported, -111 template data empty. The same table continues (names only, in order, on
  helpdesk.getfly.vn): template data invalid, QR code cannot be generated, button invalid, user inactive
  / rejects / outdated app (-114, confirmed by an eSMS callback sample), out of quota, text invalid, OA
  or app has no permission for the template, Zalo account not existed (-118, confirmed by several
  integrations), account cannot receive …
- Delivery: the OA webhook event "user_received_message" with message.msg_id (and tracking_id).
- DOMAIN.md: a ZNS message carries ≤ 400 characters.

Not confirmed (guessed):
- The numbers -112, -113, -115…-117, -119 and everything from -120 on come from the table's order and
  memory of it, not from a page we could read to the end: -124 access token invalid (also in the brief),
  -133 sent outside allowed hours, -139 / -141 user refused ZNS from this OA, -144 OA over its daily quota.
- The exact webhook body: we accept msg_id / tracking_id both nested under "message" and at top level.
- Whether a token error should be retried after a token refresh: tokens expire (about 25 h) and
  refreshing them is not this adapter's job, so -124 is permanent as asked; the operator must renew.
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

DEFAULT_URL = "https://business.openapi.zalo.me"
SEND_PATH = "/message/template"
MAX_PARAM_CHARS = 400  # DOMAIN.md: a ZNS message is at most 400 characters of parameters

ERRORS: dict[int, tuple[bool, str]] = {
    -100: (True, "lỗi không xác định, thử lại sau / unknown error, try again later"),
    -101: (False, "ứng dụng không hợp lệ / application invalid"),
    -102: (False, "ứng dụng không tồn tại / application does not exist"),
    -103: (False, "ứng dụng chưa kích hoạt / application not activated"),
    -104: (False, "secret key không hợp lệ / app secret key invalid"),
    -105: (False, "ứng dụng chưa liên kết OA / application not linked to an OA"),
    -106: (False, "phương thức không hỗ trợ / method unsupported"),
    -107: (False, "ID thông báo không hợp lệ / message id invalid"),
    -108: (False, "số điện thoại không hợp lệ / phone number invalid"),
    -109: (False, "ID mẫu ZNS không hợp lệ / template id invalid"),
    -110: (False, "phiên bản Zalo không hỗ trợ / Zalo version unsupported"),
    -111: (False, "mẫu ZNS không có dữ liệu / template data empty"),
    -112: (False, "dữ liệu mẫu không hợp lệ / template data invalid"),
    -113: (False, "button không hợp lệ / button invalid"),
    -114: (False, "người dùng không nhận được ZNS / user inactive, refuses ZNS or outdated Zalo"),
    -115: (True, "hết quota ZNS / out of quota"),
    -116: (False, "nội dung không hợp lệ / text invalid"),
    -117: (False, "OA/ứng dụng không có quyền dùng mẫu này / no permission for this template"),
    -118: (False, "tài khoản Zalo không tồn tại / no Zalo account for this number"),
    -119: (False, "tài khoản không thể nhận ZNS / account cannot receive ZNS"),
    -124: (False, "access token không hợp lệ / access token invalid"),
    -133: (True, "ngoài khung giờ được gửi / outside allowed sending hours"),
    -139: (False, "người dùng từ chối nhận ZNS / user refused ZNS"),
    -141: (False, "người dùng từ chối nhận ZNS từ OA / user refused ZNS from this OA"),
    -144: (True, "OA vượt hạn mức trong ngày / OA daily quota exceeded"),
}


def international_phone(phone: str) -> str:
    """E.164 "+84912345678" -> "84912345678", the form ZNS documents."""
    digits = phone.removeprefix("+")
    if not phone.startswith("+84") or not digits.isdecimal() or len(digits) != 11:
        raise PermanentError(f"ZNS: not a Vietnamese mobile number: {phone!r}", code="phone")
    return digits


@register
class ZnsGateway(Gateway):
    """`api_key` = the OA access token. Options: `template_id` (used when the message names none),
    `development` (truthy: Zalo sends only to the app / OA administrators, for trying a template),
    `tracking_prefix` (prepended to tracking_id)."""

    kind = "zns"
    label = "Zalo ZNS"
    channel = "zalo"
    reports = True

    def send(self, message: OutgoingMessage) -> SendResult:
        template_id = message.template_id or str(self.options.get("template_id", ""))
        if not template_id:
            raise PermanentError("ZNS: no template id / chưa chọn mẫu ZNS", code="config")
        params = {str(k): "" if v is None else str(v) for k, v in (message.params or {}).items()}
        if not params:
            raise PermanentError("ZNS -111: mẫu ZNS không có dữ liệu / no template parameters", code="-111")
        length = sum(len(v) for v in params.values())
        if length > MAX_PARAM_CHARS:
            raise PermanentError(
                f"ZNS: tham số dài {length} ký tự, tối đa {MAX_PARAM_CHARS} / parameters too long", code="too_long"
            )
        payload = {
            "phone": international_phone(message.phone),
            "template_id": template_id,
            "template_data": params,
            "tracking_id": f"{self.options.get('tracking_prefix', '')}{message.message_id}",
        }
        if self.options.get("development"):
            payload["mode"] = "development"
        try:
            answer = http.post_json(
                (self.url or DEFAULT_URL) + SEND_PATH,
                payload,
                timeout=self.timeout,
                headers={"access_token": self.api_key},
            )
        except GatewayError as exc:
            raise type(exc)(f"ZNS {exc.reason}", code=exc.code) from exc
        return self._result(answer)

    def _result(self, answer: dict) -> SendResult:
        detail = json.dumps(answer, ensure_ascii=False)[:200]
        try:
            error = int(answer["error"])
        except (KeyError, TypeError, ValueError):
            raise TransientError(f"ZNS: answer without error code: {detail}", code="garbage") from None
        if error == 0:
            data = answer.get("data") if isinstance(answer.get("data"), dict) else {}
            msg_id = str(data.get("msg_id") or "")
            if not msg_id:
                raise TransientError(f"ZNS: success without msg_id: {detail}", code="garbage")
            return SendResult(provider_id=msg_id, detail=detail)
        transient, reason = ERRORS.get(error, (False, "mã lỗi không có trong bảng / undocumented code"))
        words = str(answer.get("message") or "").strip()
        text = f"ZNS {error}: {reason}" + (f" ({words})" if words else "")
        raise (TransientError if transient else PermanentError)(text, code=str(error))

    def parse_report(self, params: dict) -> list[DeliveryReport]:
        if params.get("event_name") != "user_received_message":
            return []
        inner = params.get("message") if isinstance(params.get("message"), dict) else {}
        msg_id = str(inner.get("msg_id") or params.get("msg_id") or "")
        tracking = str(inner.get("tracking_id") or params.get("tracking_id") or "")
        prefix = str(self.options.get("tracking_prefix", ""))
        rest = tracking.removeprefix(prefix) if tracking.startswith(prefix) else ""
        message_id = int(rest) if rest.isdecimal() else None
        if not msg_id and message_id is None:
            return []
        return [DeliveryReport(status=DeliveryStatus.DELIVERED, message_id=message_id, provider_id=msg_id)]
