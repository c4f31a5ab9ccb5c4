"""Kannel (bearerbox + smsbox) through smsbox's sendsms HTTP interface.

Settings: `url` is smsbox's sendsms address ("http://10.0.0.5:13013"; "/cgi-bin/sendsms" is added unless
it is already there), `username`/`password` a `sendsms-user`, `sender` the default brandname or short code.
Options: `number_format` "national" (default, "0912345678") or "international" ("84912345678").

Kannel gives no id for a message, so delivery reports name ours: the caller passes a `report_url` built by
`report_url_for()`, in which Kannel substitutes %d (DLR status) and %A (the SMSC's answer) when it calls
back. Replies reach us through an `sms-service` whose get-url carries `from=%p&to=%P&text=%a`, with
`mo-recode = true` so UCS-2 replies arrive as UTF-8. The hook token is never in the path or the query:
both addresses carry it as `lantoa:<token>@` in the authority, which Kannel sends as an Authorization
header (`dispatch.hook_url`).

Kannel configuration to remember: the `sendsms-user` needs `max-messages` > 1 (with `concatenation =
true`), otherwise a text longer than one SMS (70 characters in UCS-2) is cut to one SMS without an error.
"""

from __future__ import annotations

from lantoa.messaging.gateways import http
from lantoa.messaging.gateways.base import (
    DeliveryReport,
    DeliveryStatus,
    Gateway,
    IncomingMessage,
    OutgoingMessage,
    PermanentError,
    SendResult,
    TransientError,
    register,
)

SENDSMS_PATH = "/cgi-bin/sendsms"
DLR_MASK = 31  # all five DLR kinds below

# Kannel DLR status codes (the %d in dlr-url).
DLR_DELIVERED = 1
DLR_FAILED = 2
DLR_BUFFERED = 4
DLR_SMSC_ACCEPTED = 8
DLR_SMSC_REJECTED = 16

DLR_STATUS = {
    DLR_DELIVERED: DeliveryStatus.DELIVERED,
    DLR_FAILED: DeliveryStatus.FAILED,
    DLR_BUFFERED: DeliveryStatus.SENT,
    DLR_SMSC_ACCEPTED: DeliveryStatus.SENT,
    DLR_SMSC_REJECTED: DeliveryStatus.FAILED,
}

# smsbox answers "0: Accepted for delivery" or, when bearerbox is away, "3: Queued for later delivery".
ACCEPTED_CODES = ("0", "3")

NUMBER_FORMATS = ("national", "international")


def report_url_for(base: str, message_id: int) -> str:
    """The dlr-url for one message: `base?id=42&status=%d&answer=%A` (Kannel fills in %d and %A).

    A "%" already in `base` (a percent-escape) is doubled: Kannel would read it as a placeholder."""
    base = base.replace("%", "%%")
    return f"{base}{'&' if '?' in base else '?'}id={int(message_id)}&status=%d&answer=%A"


def _first(params: dict, key: str) -> str:
    """One value from a flat dict, tolerating a list (QueryDict.lists(), parse_qs)."""
    value = params.get(key, "")
    if isinstance(value, list | tuple):
        value = value[0] if value else ""
    return "" if value is None else str(value)


def _int_or_none(text: str) -> int | None:
    try:
        return int(text.strip())
    except ValueError:
        return None


@register
class KannelGateway(Gateway):
    kind = "kannel"
    label = "Kannel (SMSC/SMPP gateway)"
    channel = "sms"
    reports = True
    # Kannel's HTTP client takes a user and password out of an address (http://lantoa:<token>@host/…) and
    # sends them as `Authorization: Basic`, for dlr-url and get-url alike.
    hook_header = True

    def _sendsms_url(self) -> str:
        return self.url if self.url.endswith(SENDSMS_PATH) else self.url + SENDSMS_PATH

    def _number(self, phone: str) -> str:
        number_format = self.options.get("number_format", "national")
        if number_format not in NUMBER_FORMATS:
            raise PermanentError(f"Kannel number_format must be one of {NUMBER_FORMATS}", code="config")
        digits = "".join(ch for ch in phone if ch.isdecimal())
        if phone.strip().startswith("+"):
            if number_format == "national" and digits.startswith("84"):
                return "0" + digits[2:]
            return digits  # a foreign number has no national form: international either way
        if number_format == "international" and digits.startswith("0"):
            return "84" + digits[1:]
        return digits

    def report_url(self, hook: str, message_id: int) -> str:
        return report_url_for(hook, message_id)

    def send(self, message: OutgoingMessage) -> SendResult:
        params = {
            "username": self.username,
            "password": self.password,
            "from": message.sender or self.sender,
            "to": self._number(message.phone),
            "text": message.text,
            "charset": "UTF-8",
            "coding": "2" if message.unicode else "0",
        }
        if message.report_url:
            # urlencode() quotes the URL once; smsbox unquotes it, so %d and %A reach Kannel intact.
            params["dlr-mask"] = str(DLR_MASK)
            params["dlr-url"] = message.report_url
        _status, body = http.get(self._sendsms_url(), params, timeout=self.timeout)
        answer = body.strip()
        code, sep, _rest = answer.partition(":")
        if sep and code.strip() in ACCEPTED_CODES:
            return SendResult(provider_id="", detail=answer[:200])
        raise TransientError(f"unreadable answer: {answer[:120]!r}", code="garbage")

    def parse_report(self, params: dict) -> list[DeliveryReport]:
        code = _int_or_none(_first(params, "status"))
        status = DLR_STATUS.get(code) if code is not None else None
        if status is None:
            return []  # not a DLR we asked for (mask 31): nothing to record
        message_id = _int_or_none(_first(params, "id"))
        if message_id is not None and message_id <= 0:
            message_id = None
        reason = ""
        if status == DeliveryStatus.FAILED:
            reason = _first(params, "answer").strip() or f"Kannel DLR {code}"
        return [DeliveryReport(status=status, message_id=message_id, reason=reason[:300])]

    def parse_incoming(self, params: dict) -> IncomingMessage | None:
        phone = _first(params, "from").strip()
        if not phone:
            return None
        return IncomingMessage(phone=phone, text=_first(params, "text"), to=_first(params, "to").strip())
