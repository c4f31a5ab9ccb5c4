"""One interface for every way a message leaves the system (SMS gateways, Zalo ZNS, the local outbox).

A gateway is built from its settings (a `GatewayConfig` row: url, credentials, sender, timeout, options)
and does three things, none of which touches the database:

- `send(OutgoingMessage) -> SendResult`: hand one message to the provider. It raises `TransientError`
  when trying again later may work (timeouts, connection refused, HTTP 5xx, rate limited, garbage in the
  answer) and `PermanentError` when it will not (bad number, rejected content, wrong credentials…). The
  error's `reason` is what monitoring shows ("eSMS 104: brandname chưa đăng ký").
- `parse_report(params) -> list[DeliveryReport]`: read a delivery-report callback (query or JSON body as a
  flat dict) into reports naming our message id or the provider's id.
- `parse_incoming(params) -> IncomingMessage | None`: read an incoming-message (reply) callback.

The worker, not the gateway, decides about retries, back-off and rate limits.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar


@dataclass(frozen=True)
class OutgoingMessage:
    message_id: int  # our Message.pk: carried to the provider so reports can name it
    phone: str  # E.164, "+84912345678"
    text: str
    unicode: bool  # True: UCS-2 (Vietnamese with diacritics); False: GSM-7
    sender: str = ""  # brandname / short code; the gateway's configured one when empty
    # Zalo ZNS: an approved template and its parameters instead of free text.
    template_id: str = ""
    params: dict = field(default_factory=dict)
    # Where the provider should send delivery reports for this message (absolute URL), when it takes one.
    report_url: str = ""


@dataclass(frozen=True)
class SendResult:
    provider_id: str = ""  # the provider's id for the message, when it gives one
    delivered: bool = False  # True when sending also means delivered (the local outbox)
    detail: str = ""  # the provider's answer, shortened, for the log


class DeliveryStatus:
    SENT = "sent"  # accepted by the provider / SMSC, not yet on the phone
    DELIVERED = "delivered"
    FAILED = "failed"


@dataclass(frozen=True)
class DeliveryReport:
    status: str  # DeliveryStatus
    message_id: int | None = None  # ours, when the callback carries it
    provider_id: str = ""
    reason: str = ""  # the provider's words for a failure


@dataclass(frozen=True)
class IncomingMessage:
    phone: str  # as received; the caller normalises it
    text: str
    to: str = ""


class GatewayError(Exception):
    transient: ClassVar[bool] = True

    def __init__(self, reason: str, *, code: str = ""):
        super().__init__(reason)
        self.reason = reason
        self.code = code


class TransientError(GatewayError):
    """Try again later: the provider was down, slow, overloaded or answered something unreadable."""

    transient = True


class PermanentError(GatewayError):
    """Do not try again: the provider refused this message for a reason that will not change."""

    transient = False


class Gateway:
    kind: ClassVar[str] = ""
    label: ClassVar[str] = ""
    channel: ClassVar[str] = "sms"  # "sms" or "zalo"
    reports: ClassVar[bool] = False  # sends delivery reports to `report_url`
    # Whether the provider can send our hook token in a header (then an address with the token in it is
    # refused for this kind); see messaging.views, "provider callbacks".
    hook_header: ClassVar[bool] = False

    def __init__(
        self,
        *,
        url: str = "",
        username: str = "",
        password: str = "",
        api_key: str = "",
        secret: str = "",
        sender: str = "",
        timeout: float = 10.0,
        options: dict | None = None,
    ):
        self.url = url.rstrip("/")
        self.username = username
        self.password = password
        self.api_key = api_key
        self.secret = secret
        self.sender = sender
        self.timeout = timeout
        self.options = options or {}

    def send(self, message: OutgoingMessage) -> SendResult:
        raise NotImplementedError

    def report_url(self, hook: str, message_id: int) -> str:
        """The delivery-report address for one message: our hook, plus what the provider needs to name
        the message when it calls (Kannel substitutes %d and %A in the query)."""
        return hook

    def parse_report(self, params: dict) -> list[DeliveryReport]:
        return []

    def parse_incoming(self, params: dict) -> IncomingMessage | None:
        return None


REGISTRY: dict[str, type[Gateway]] = {}


def register(cls: type[Gateway]) -> type[Gateway]:
    if not cls.kind or cls.kind in REGISTRY:
        raise ValueError(f"gateway kind {cls.kind!r} is empty or registered twice")
    REGISTRY[cls.kind] = cls
    return cls
