"""Which client a request comes from: the address that reached us, or, when that is a trusted proxy, the
address the proxy says it forwarded (settings.TRUSTED_PROXIES, settings.CLIENT_IP_HEADER).

The header is read from the right: each trusted proxy appends the address it received from, so the
right-most address that is not itself a trusted proxy is the client; what is left of it was written by the
client and is not believed. Without trusted proxies the header is ignored (anyone can send it)."""

import functools
import ipaddress

from django.conf import settings


@functools.lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]):
    return tuple(ipaddress.ip_network(p, strict=False) for p in proxies)


def _address(value: str):
    value = (value or "").strip()
    if value.startswith("[") and "]" in value:  # "[::1]:port"
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # "1.2.3.4:port"
        value = value.split(":", 1)[0]
    try:
        return ipaddress.ip_address(value)
    except ValueError:
        return None


def _trusted(address, networks) -> bool:
    return any(address.version == n.version and address in n for n in networks)


def client_ip(request) -> str | None:
    if request is None:
        return None
    remote = _address(request.META.get("REMOTE_ADDR", ""))
    if remote is None:
        return None
    networks = _networks(tuple(settings.TRUSTED_PROXIES))
    if not networks or not _trusted(remote, networks):
        return str(remote)
    header = "HTTP_" + settings.CLIENT_IP_HEADER.upper().replace("-", "_")
    client = remote
    for part in reversed(request.META.get(header, "").split(",")):
        address = _address(part)
        if address is None:
            break  # garbage: stop at the last address we could trust
        client = address
        if not _trusted(address, networks):
            break
    return str(client)
