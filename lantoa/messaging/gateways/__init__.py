"""Gateways by kind. Importing this package registers every adapter."""

from lantoa.messaging.gateways import esms, kannel, outbox, speedsms, zns  # noqa: F401  (they register)
from lantoa.messaging.gateways.base import (  # noqa: F401
    REGISTRY,
    DeliveryReport,
    DeliveryStatus,
    Gateway,
    GatewayError,
    IncomingMessage,
    OutgoingMessage,
    PermanentError,
    SendResult,
    TransientError,
)


def gateway_class(kind: str) -> type[Gateway]:
    try:
        return REGISTRY[kind]
    except KeyError:
        raise ValueError(f"unknown gateway kind {kind!r}") from None


def build(config) -> Gateway:
    """A gateway object from a GatewayConfig row."""
    return gateway_class(config.kind)(
        url=config.url,
        username=config.username,
        password=config.password,
        api_key=config.api_key,
        secret=config.secret,
        sender=config.sender,
        timeout=config.timeout_seconds,
        options=config.options or {},
    )
