"""Where a webhook may point: http(s) to a public address only.

A hook's host name is resolved at creation and again at every delivery (a name
can be made to resolve elsewhere later: DNS rebinding), and the delivery connects
to the address that was checked, never resolving twice. Loopback, private,
link-local (which holds the cloud metadata service, 169.254.169.254), multicast,
reserved and unspecified addresses are refused unless WEBHOOK_ALLOW_PRIVATE is on
(tests, on-premise installs whose receivers live on the local network).
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings

# Metadata services outside the ranges below (AWS over IPv6, Alibaba).
METADATA_ADDRESSES = {ipaddress.ip_address("fd00:ec2::254"), ipaddress.ip_address("100.100.100.200")}


class UnsafeUrl(ValueError):
    """The URL is not one a webhook may call; the message says why."""


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str  # the name in the URL (Host header, TLS server name)
    address: str  # the checked address to connect to
    port: int
    path: str  # path and query


def _refused(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return (address.is_loopback or address.is_private or address.is_link_local or address.is_multicast
            or address.is_reserved or address.is_unspecified or address in METADATA_ADDRESSES
            or not address.is_global)


def parse(url: str) -> tuple[str, str, int, str]:
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise UnsafeUrl("The URL cannot be read.") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise UnsafeUrl("Only http and https URLs can receive webhooks.")
    host = parts.hostname
    if not host:
        raise UnsafeUrl("The URL has no host.")
    if parts.username or parts.password:
        raise UnsafeUrl("The URL may not carry a user name or password.")
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return scheme, host, port or (443 if scheme == "https" else 80), path


def resolve(url: str) -> Target:
    """The URL's target, its host resolved once and checked; UnsafeUrl otherwise."""
    scheme, host, port, path = parse(url)
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise UnsafeUrl(f"The host {host} cannot be resolved.") from None
    addresses = [ipaddress.ip_address(info[4][0].split("%", 1)[0]) for info in infos]
    if not addresses:
        raise UnsafeUrl(f"The host {host} cannot be resolved.")
    if not settings.WEBHOOK_ALLOW_PRIVATE:
        # Every address the name has, not only the first: a name with one public and
        # one private address would otherwise be a coin toss.
        for address in addresses:
            if _refused(address):
                raise UnsafeUrl(f"The host {host} resolves to a private, loopback or reserved address ({address}).")
    return Target(scheme=scheme, host=host, address=str(addresses[0]), port=port, path=path)
