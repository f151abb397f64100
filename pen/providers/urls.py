"""Validation of admin input that ends up in provider requests: base URLs and auth header formats.

Base URLs are checked when saved (``validate_base_url``). With ``block_private`` the host's
*resolved* addresses must all be public; the same check runs again on every connection (see
``transport.py``), so a DNS answer that changes after saving cannot reach a private address.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from urllib.parse import urlsplit, urlunsplit

__all__ = [
    "BlockedAddress",
    "InvalidBaseURL",
    "check_host",
    "is_blocked_ip",
    "resolve_host",
    "validate_auth_header",
    "validate_base_url",
    "validate_extra_headers",
]

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_HEADER_NAME = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_BLOCKED_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"}


class InvalidBaseURL(ValueError):
    """The base URL cannot be used; ``str(err)`` is a message for the admin form."""


class BlockedAddress(InvalidBaseURL):
    """The host resolves to a loopback/private/link-local address and the policy forbids it."""


def _unwrap(ip: IPAddress) -> IPAddress:
    """The IPv4 address hidden in an IPv4-mapped, NAT64 or 6to4 IPv6 address, else ``ip``."""
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return ip.ipv4_mapped
        if ip in _NAT64:
            return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if ip.sixtofour is not None:
            return ip.sixtofour
    return ip


def is_blocked_ip(address: str | IPAddress) -> bool:
    """True for any address that is not a public unicast address (loopback, RFC 1918, CGNAT,
    link-local incl. 169.254.169.254, unique-local, unspecified, multicast, reserved…)."""
    if isinstance(address, str):
        address = ipaddress.ip_address(address.split("%", 1)[0])
    ip = _unwrap(address)
    return ip.is_multicast or not ip.is_global


def _ip_literal(host: str) -> IPAddress | None:
    """Parse an IP literal, including the IPv4 forms ``inet_aton`` accepts (decimal, octal, hex)."""
    host = host.strip("[]")
    try:
        return ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        pass
    if re.fullmatch(r"[0-9a-fA-FxX.]+", host):
        try:
            return ipaddress.IPv4Address(socket.inet_aton(host))
        except OSError:
            return None
    return None


def resolve_host(host: str, port: int | None = None) -> list[IPAddress]:
    """All addresses ``host`` resolves to (an IP literal resolves to itself)."""
    literal = _ip_literal(host)
    if literal is not None:
        return [literal]
    infos = socket.getaddrinfo(host, port or 0, type=socket.SOCK_STREAM)
    return [ipaddress.ip_address(str(info[4][0]).split("%", 1)[0]) for info in infos]


def check_host(host: str, port: int | None = None) -> list[IPAddress]:
    """Resolve ``host`` and refuse it if any address is private; returns the checked addresses."""
    name = host.strip("[]").rstrip(".").lower()
    if name in _BLOCKED_NAMES or name.endswith(".localhost"):
        raise BlockedAddress("This server is configured to refuse providers on private or local addresses.")
    try:
        addresses = resolve_host(name, port)
    except (OSError, UnicodeError) as exc:
        raise InvalidBaseURL(f"The host name {name!r} could not be resolved.") from exc
    if not addresses or any(is_blocked_ip(a) for a in addresses):
        raise BlockedAddress("This server is configured to refuse providers on private or local addresses.")
    return addresses


def validate_base_url(url: str, *, block_private: bool) -> str:
    """Check a provider base URL and return it normalised (lower-case scheme and host, no trailing
    slash). Raises ``InvalidBaseURL`` with a message for the admin."""
    if not isinstance(url, str) or not url.strip():
        raise InvalidBaseURL("Enter the provider's base URL, e.g. https://api.openai.com/v1.")
    url = url.strip()
    if _CONTROL.search(url) or re.search(r"\s", url):
        raise InvalidBaseURL("The URL must not contain spaces or control characters.")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise InvalidBaseURL("The URL is not valid (check the host and port).") from exc
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise InvalidBaseURL("The URL must start with http:// or https://.")
    if "@" in parts.netloc:
        raise InvalidBaseURL("The URL must not contain a user name or password; enter the key separately.")
    host = (parts.hostname or "").lower()
    if not host:
        raise InvalidBaseURL("The URL must include a host name, e.g. https://api.example.com/v1.")
    if parts.query or url.endswith("?"):
        raise InvalidBaseURL("The URL must not contain a query string (keys go in the key field).")
    if parts.fragment or "#" in url:
        raise InvalidBaseURL("The URL must not contain a #fragment.")
    if block_private:
        check_host(host, port)
    netloc = f"[{host}]" if ":" in host else host
    if port is not None:
        netloc = f"{netloc}:{port}"
    return urlunsplit((scheme, netloc, parts.path.rstrip("/"), "", ""))


def validate_auth_header(value: str) -> str:
    """Check an ``auth_header`` setting: a bare header name (the key is its value), or
    ``Name: template`` where the template contains ``{key}``. Returns it normalised."""
    if not isinstance(value, str) or not value.strip():
        raise ValueError("Enter a header name, e.g. x-api-key, or Authorization: Bearer {key}.")
    if _CONTROL.search(value):
        raise ValueError("The auth header must not contain line breaks or control characters.")
    name, colon, template = value.strip().partition(":")
    name, template = name.strip(), template.strip()
    if not _HEADER_NAME.match(name):
        raise ValueError(f"{name!r} is not a valid HTTP header name.")
    if not colon:
        return name
    if "{key}" not in template:
        raise ValueError("The header template must contain {key} where the API key goes.")
    return f"{name}: {template}"


def validate_extra_headers(headers: dict[str, str] | None) -> dict[str, str]:
    """Check extra request headers (names are tokens, values have no control characters)."""
    checked: dict[str, str] = {}
    for name, value in (headers or {}).items():
        if not isinstance(name, str) or not _HEADER_NAME.match(name):
            raise ValueError(f"{name!r} is not a valid HTTP header name.")
        if not isinstance(value, str) or _CONTROL.search(value):
            raise ValueError(f"The value of header {name} must be text without line breaks.")
        checked[name] = value.strip()
    return checked
