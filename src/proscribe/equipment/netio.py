"""Network input/output for discovery, fenced to one CIDR.

``Scope`` is the user's explicit network; ``ScopedNet`` wraps the transport
and refuses any address outside it, whatever the caller asks, so a device
answering with an address elsewhere (an ONVIF XAddr, a redirect) can never
lead discovery off the user's network. HTTP goes out with no proxy from the
environment and no redirects followed, for the same reason: either would send
traffic to an address nobody chose.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import httpx

from proscribe.equipment.protocols import parse_headers, rtsp_describe

MAX_BODY = 256 * 1024
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class DiscoveryError(Exception):
    """A discovery request that cannot be carried out as given (no CIDR, too many hosts ...)."""


class OutOfScope(Exception):
    """An attempt to reach an address outside the user's network: a bug, never sent."""


class Scope:
    """The hosts of one explicit CIDR; network and broadcast addresses of IPv4 subnets are not hosts."""

    def __init__(self, cidr: str, max_hosts: int = 4096) -> None:
        text = cidr.strip()
        if "/" not in text:
            raise DiscoveryError(f"--network {cidr!r}: give a CIDR such as 192.168.1.0/24 (a /32 for one host)")
        try:
            self.network = ipaddress.ip_network(text, strict=True)
        except ValueError as error:
            raise DiscoveryError(f"--network {cidr!r}: not a CIDR network ({error})") from None
        count = self.network.num_addresses
        if count > max_hosts:
            raise DiscoveryError(
                f"--network {cidr}: {count:,} addresses is more than --max-hosts {max_hosts:,}; scan a smaller network"
            )

    def hosts(self) -> list[str]:
        if self.network.num_addresses == 1:
            return [str(self.network.network_address)]
        return [str(host) for host in self.network.hosts()]

    def contains(self, host: str) -> bool:
        try:
            return ipaddress.ip_address(host) in self.network
        except ValueError:
            return False  # a name would need a DNS lookup: outside by definition

    def require(self, host: str) -> str:
        if not self.contains(host):
            raise OutOfScope(f"{host} is outside {self.network}")
        return host


@dataclass(frozen=True, slots=True)
class HttpReply:
    status: int
    headers: dict[str, str]
    body: bytes


class Net(Protocol):
    """What discovery needs from a network; tests substitute recording fakes."""

    async def http(
        self,
        host: str,
        port: int,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> HttpReply | None: ...

    async def rtsp(self, host: str, port: int) -> dict[str, str] | None: ...

    async def tcp_open(self, host: str, port: int) -> bool: ...

    async def udp_probe(
        self, targets: Sequence[tuple[str, int]], payload: bytes, wait: float
    ) -> list[tuple[str, bytes]]: ...


class ScopedNet:
    """A Net that refuses every address outside the scope and drops answers from outside it."""

    def __init__(self, inner: Net, scope: Scope) -> None:
        self.inner = inner
        self.scope = scope

    async def http(
        self,
        host: str,
        port: int,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> HttpReply | None:
        return await self.inner.http(self.scope.require(host), port, method, path, body, headers)

    async def rtsp(self, host: str, port: int) -> dict[str, str] | None:
        return await self.inner.rtsp(self.scope.require(host), port)

    async def tcp_open(self, host: str, port: int) -> bool:
        return await self.inner.tcp_open(self.scope.require(host), port)

    async def udp_probe(
        self, targets: Sequence[tuple[str, int]], payload: bytes, wait: float
    ) -> list[tuple[str, bytes]]:
        checked = [(self.scope.require(host), port) for host, port in targets]
        asked = {host for host, _port in checked}
        replies = await self.inner.udp_probe(checked, payload, wait)
        return [(host, data) for host, data in replies if host in asked]


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


class SocketNet:
    """The real network: httpx for HTTP (optionally with digest credentials), asyncio sockets for the rest."""

    def __init__(self, timeout: float, concurrency: int, auth: tuple[str, str] | None = None) -> None:
        self.timeout = timeout
        self.client = httpx.AsyncClient(
            timeout=timeout,
            trust_env=False,  # no proxy from the environment: traffic goes to the scanned host or nowhere
            follow_redirects=False,
            auth=httpx.DigestAuth(*auth) if auth else None,
            limits=httpx.Limits(max_connections=concurrency, max_keepalive_connections=0),
            headers={"User-Agent": "proscribe (devices discover)"},
        )

    async def close(self) -> None:
        await self.client.aclose()

    async def http(
        self,
        host: str,
        port: int,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> HttpReply | None:
        url = f"http://{_url_host(host)}:{port}{path}"
        try:
            async with self.client.stream(method, url, content=body, headers=headers) as response:
                data = b""
                async for chunk in response.aiter_bytes():
                    data += chunk
                    if len(data) > MAX_BODY:
                        break
                return HttpReply(response.status_code, {k.lower(): v for k, v in response.headers.items()}, data)
        except (httpx.HTTPError, OSError):
            return None

    async def rtsp(self, host: str, port: int) -> dict[str, str] | None:
        try:
            reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port), self.timeout)
        except (OSError, TimeoutError):
            return None
        try:
            writer.write(rtsp_describe(host, port))
            await writer.drain()
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), self.timeout)
        except (OSError, TimeoutError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            return None
        finally:
            writer.close()
        status, headers = parse_headers(head.decode("latin-1"))
        return headers if status.startswith("RTSP/") else None

    async def tcp_open(self, host: str, port: int) -> bool:
        try:
            _reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port), self.timeout)
        except (OSError, TimeoutError):
            return False
        writer.close()
        return True

    async def udp_probe(
        self, targets: Sequence[tuple[str, int]], payload: bytes, wait: float
    ) -> list[tuple[str, bytes]]:
        if not targets:
            return []
        replies: list[tuple[str, bytes]] = []

        class _Collect(asyncio.DatagramProtocol):
            def datagram_received(self, data: bytes, addr: tuple[str | object, ...]) -> None:
                replies.append((str(addr[0]), data))

            def error_received(self, exc: Exception) -> None:  # ICMP unreachable from closed ports
                pass

        family = socket.AF_INET6 if ":" in targets[0][0] else socket.AF_INET
        loop = asyncio.get_running_loop()
        transport, _protocol = await loop.create_datagram_endpoint(_Collect, family=family)
        try:
            for number, (host, port) in enumerate(targets, start=1):
                transport.sendto(payload, (host, port))
                if number % 256 == 0:
                    await asyncio.sleep(0.02)  # pace large networks
            await asyncio.sleep(wait)
        finally:
            transport.close()
        return replies
