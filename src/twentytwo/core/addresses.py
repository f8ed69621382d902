"""Client addresses: which peer to believe, and how an address is cut to its network.

`X-Forwarded-For` is a list each proxy appends its peer to, so only its right end can be
trusted, and only as far as our own proxies wrote it: from a peer that is not a trusted
proxy the header is ignored whole; from a trusted one it is read right to left, skipping
trusted proxies, and the first address that is not one of them is the client."""

import ipaddress
from collections.abc import Iterable
from functools import lru_cache

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network

IPV4_PREFIX = 24
IPV6_PREFIX = 48
# A forged header can be megabytes long; only its right end can matter, and a chain of
# proxies longer than this is not ours.
MAX_FORWARDED_CHARS = 2048
MAX_FORWARDED_HOPS = 16


@lru_cache(maxsize=64)
def networks_parse(values: tuple[str, ...]) -> tuple[Network, ...]:
    """Return the networks of a settings list (addresses or CIDR networks)."""
    return tuple(ipaddress.ip_network(value, strict=False) for value in values)


def address_parse(value: str) -> Address | None:
    """Return the address in `value` or None; an IPv4-mapped IPv6 address is its IPv4."""
    value = value.strip()
    if value.startswith("[") and "]" in value:  # [2001:db8::1]:443
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # 192.0.2.1:443
        value = value.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def address_in(address: Address | None, networks: Iterable[Network]) -> bool:
    return address is not None and any(address in network for network in networks)


def client_address(
    *, remote_addr: str, forwarded_for: str | None, trusted: tuple[Network, ...]
) -> Address | None:
    """Return the client's address: the peer's, or the one our trusted proxies saw."""
    peer = address_parse(remote_addr)
    if not forwarded_for or not address_in(peer, trusted):
        return peer
    hops = forwarded_for[-MAX_FORWARDED_CHARS:].split(",")[-MAX_FORWARDED_HOPS:]
    client = peer
    for hop in reversed(hops):
        address = address_parse(hop)
        if address is None:
            # Garbage in the chain: what lies beyond it cannot be believed.
            break
        client = address
        if not address_in(address, trusted):
            break
    return client


def address_network(address: Address) -> str:
    """Return the network an address is cut to: its /24 (IPv4) or /48 (IPv6), as CIDR."""
    prefix = IPV4_PREFIX if address.version == 4 else IPV6_PREFIX
    return str(ipaddress.ip_network(f"{address}/{prefix}", strict=False))
