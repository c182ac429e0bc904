"""The private-network guard: no request, nor any redirect hop, reaches a private address.

Names are checked *as resolved*: the crawl's DNS resolver (``GuardedResolver``) refuses
a name whose address is loopback/private/link-local/reserved, and Twisted connects to
the very address it returned, so there is no second lookup to rebind. Literal IP hosts
never reach the resolver; ``PrivateNetworkGuard`` checks those per request, which
includes every redirect hop (Scrapy re-sends each hop through the middlewares).

The allowance is per host: ``VNFEEDS_PRIVATE_HOSTS`` lists the hosts of units with
``allow_private = true`` (their homepage and start URLs) — never whatever those
units' pages redirect to.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.resolver import CachingThreadedResolver
from twisted.internet.error import DNSLookupError

PRIVATE_HINT = "set allow_private = true on the unit to allow its own hosts"


def is_private_ip(addr: str) -> bool:
    """True for a loopback, private, link-local, reserved, multicast or unspecified address."""
    ip = ipaddress.ip_address(addr.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return bool(
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_reserved
        or ip.is_multicast
        or ip.is_unspecified
    )


def literal_ip(host: str) -> str | None:
    """The host itself when it is an IP literal, else None."""
    try:
        return str(ipaddress.ip_address(host.strip("[]")))
    except ValueError:
        return None


def resolve(host: str, port: int | None = None) -> list[str]:
    """Every address of ``host`` (an OSError when it does not resolve)."""
    ip = literal_ip(host)
    if ip is not None:
        return [ip]
    infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    return sorted({str(i[4][0]) for i in infos})


def is_private_host(host: str) -> bool:
    """True when the host is, or resolves to, a private address (False if it does not resolve)."""
    try:
        return any(is_private_ip(a) for a in resolve(host))
    except OSError:
        return False


def refusal(url: str, host: str, addr: str | None = None) -> str:
    """The one-line reason a URL is refused."""
    where = f"{host} ({addr})" if addr and addr != host else host
    return f"refused {url}: {where} is in a loopback or private network ({PRIVATE_HINT})"


def private_hosts(units: Iterable[Any]) -> list[str]:
    """The hosts units with ``allow_private`` may reach: their homepage and start URL hosts."""
    hosts: set[str] = set()
    for unit in units:
        if unit.allow_private:
            for url in [unit.homepage, *(s.url for s in unit.start)]:
                hosts.add((urlsplit(url).hostname or "").lower())
    return sorted(hosts - {""})


class GuardedResolver(CachingThreadedResolver):
    """Scrapy's caching resolver that refuses private addresses of hosts not allowed."""

    def __init__(self, reactor: Any, cache_size: int, timeout: float, allowed: Sequence[str]):
        super().__init__(reactor, cache_size, timeout)
        self.allowed = {h.lower() for h in allowed}

    @classmethod
    def from_crawler(cls, crawler: Crawler, reactor: Any) -> GuardedResolver:
        """Scrapy's DNS settings plus VNFEEDS_PRIVATE_HOSTS."""
        s = crawler.settings
        size = s.getint("DNSCACHE_SIZE") if s.getbool("DNSCACHE_ENABLED") else 0
        return cls(reactor, size, s.getfloat("DNS_TIMEOUT"), s.getlist("VNFEEDS_PRIVATE_HOSTS"))

    def getHostByName(self, name: str, timeout: Sequence[int] = ()) -> Any:
        d = super().getHostByName(name, timeout)

        def check(addr: str) -> str:
            if name.lower() not in self.allowed and is_private_ip(addr):
                raise DNSLookupError(
                    f"{name} resolves to {addr}, in a loopback or private network ({PRIVATE_HINT})"
                )
            return addr

        return d.addCallback(check)


class PrivateNetworkGuard:
    """Refuse requests (each redirect hop included) to private hosts not allowed."""

    def __init__(self, allowed: Iterable[str]) -> None:
        self.allowed = {h.lower() for h in allowed}
        self.names: dict[str, bool] = {}  # name -> private, for a clear early refusal

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> PrivateNetworkGuard:
        """Allowed hosts from VNFEEDS_PRIVATE_HOSTS."""
        return cls(crawler.settings.getlist("VNFEEDS_PRIVATE_HOSTS"))

    def process_request(self, request: Request) -> None:
        host = (urlsplit(request.url).hostname or "").lower()
        if host in self.allowed:
            return None
        ip = literal_ip(host)
        if ip is not None:
            private = is_private_ip(ip)
        else:  # the resolver refuses it anyway; checking here gives the reason a name
            if host not in self.names:
                self.names[host] = is_private_host(host)
            private = self.names[host]
        if private:
            unit_id = request.meta.get("unit_id") or "?"
            raise IgnoreRequest(f"unit {unit_id}: {refusal(request.url, host)}")
        return None
