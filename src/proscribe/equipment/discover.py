"""Opt-in discovery of cameras and recorders on the user's own network, inside one explicit CIDR.

For every host of the CIDR, with bounded concurrency and a timeout per
request: a WS-Discovery Probe sent by unicast UDP (never to the multicast
group, which lies outside any CIDR a user gives), ONVIF GetDeviceInformation
on the addresses the device announces (only those inside the CIDR), the HTTP
``Server`` header, Hikvision ISAPI ``/ISAPI/System/deviceInfo``, Dahua
``magicBox.cgi?action=getSystemInfo``, the RTSP ``Server`` header and realm,
and whether Dahua's device port answers. MAC addresses come from the answers
or from this machine's ARP cache (read, not probed). What was seen becomes
``Fingerprint`` evidence for ``identify``.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from proscribe.equipment import protocols as p
from proscribe.equipment.device import Device, Fingerprint
from proscribe.equipment.netio import DiscoveryError, Net, Scope, ScopedNet, SocketNet
from proscribe.equipment.oui import format_mac, parse_mac

DISCOVERY_COLUMNS = ("ip", "mac", "brand", "model", "serial", "firmware", "device_type", "seen")


@dataclass(frozen=True, slots=True)
class Ports:
    http: tuple[int, ...] = (80,)
    rtsp: tuple[int, ...] = (554,)
    wsd: int = 3702
    dahua: tuple[int, ...] = (37777,)


def parse_ports(specs: list[str]) -> Ports:
    """``["http=80,8080", "rtsp=554", "wsd=3702", "dahua="]`` (an empty list turns a probe off)."""
    chosen: dict[str, tuple[int, ...]] = {}
    for spec in specs:
        for part in spec.split(";"):
            kind, sep, values = part.partition("=")
            kind = kind.strip().lower()
            if not sep or kind not in ("http", "rtsp", "wsd", "dahua"):
                raise DiscoveryError(f"--ports {part!r}: use http=PORT[,PORT], rtsp=..., wsd=PORT or dahua=...")
            try:
                numbers = tuple(int(v) for v in values.split(",") if v.strip())
            except ValueError:
                raise DiscoveryError(f"--ports {part!r}: ports are numbers") from None
            if any(not 0 < n < 65536 for n in numbers) or (kind == "wsd" and len(numbers) > 1):
                raise DiscoveryError(f"--ports {part!r}: ports are 1-65535 (one port for wsd)")
            chosen[kind] = numbers
    defaults = Ports()
    wsd = chosen.get("wsd", (defaults.wsd,))
    return Ports(
        http=chosen.get("http", defaults.http),
        rtsp=chosen.get("rtsp", defaults.rtsp),
        wsd=wsd[0] if wsd else 0,
        dahua=chosen.get("dahua", defaults.dahua),
    )


@dataclass(slots=True)
class Found:
    """What one host said, merged from every probe."""

    ip: str
    fields: dict[str, str] = field(default_factory=dict)  # brand, model, serial, firmware, mac, device_type
    fingerprints: list[Fingerprint] = field(default_factory=list)

    def put(self, name: str, value: str | None) -> None:
        if value and value.strip() and not self.fields.get(name):
            self.fields[name] = value.strip()

    def mark(self, kind: str, value: str) -> None:
        fingerprint = Fingerprint(kind, value)
        if fingerprint not in self.fingerprints:
            self.fingerprints.append(fingerprint)

    def to_device(self) -> Device:
        mac = parse_mac(self.fields.get("mac", ""))
        values = {
            "ip": self.ip,
            "mac": format_mac(mac) if mac is not None else "",
            **{k: self.fields.get(k, "") for k in ("brand", "model", "serial", "firmware", "device_type")},
            "seen": "; ".join(f"{f.kind}={f.value}" for f in self.fingerprints),
        }
        return Device(
            brand=values["brand"],
            model=values["model"],
            mac=values["mac"],
            serial=values["serial"],
            firmware=values["firmware"],
            ip=self.ip,
            device_type=values["device_type"],
            fingerprints=tuple(self.fingerprints),
            raw=values,
        )


@dataclass(frozen=True, slots=True)
class Options:
    ports: Ports = Ports()
    timeout: float = 2.0
    concurrency: int = 64
    username: str | None = None
    password: str | None = None


def read_arp_cache(path: Path = Path("/proc/net/arp")) -> dict[str, str]:
    """IP -> MAC from this machine's ARP cache (complete entries only); empty where there is none."""
    try:
        lines = path.read_text().splitlines()[1:]
    except OSError:
        return {}
    table = {}
    for line in lines:
        parts = line.split()
        if len(parts) >= 4 and parts[2] == "0x2" and parse_mac(parts[3]) is not None:
            table[parts[0]] = parts[3]
    return table


async def discover(
    scope: Scope, options: Options, net: Net | None = None, arp: Callable[[], dict[str, str]] = read_arp_cache
) -> list[Device]:
    """Every host of ``scope`` that answered a probe, as a Device with its fingerprints."""
    own = None
    if net is None:
        auth = (options.username, options.password or "") if options.username else None
        own = SocketNet(options.timeout, options.concurrency, auth)
        net = own
    guarded = ScopedNet(net, scope)
    try:
        found = await _run(scope, options, guarded)
    finally:
        if own is not None:
            await own.close()
    cache = arp()
    for item in found.values():
        item.put("mac", cache.get(item.ip))
    return [found[ip].to_device() for ip in scope.hosts() if ip in found]


async def _run(scope: Scope, options: Options, net: ScopedNet) -> dict[str, Found]:
    hosts = scope.hosts()
    limit = asyncio.Semaphore(max(1, options.concurrency))
    wsd: asyncio.Task[list[tuple[str, bytes]]] | None = None
    if options.ports.wsd:
        targets = [(host, options.ports.wsd) for host in hosts]
        wsd = asyncio.create_task(net.udp_probe(targets, p.probe_message(), options.timeout))

    async def bounded(host: str) -> Found:
        async with limit:
            return await _probe_host(net, host, options)

    results = await asyncio.gather(*(bounded(host) for host in hosts))
    found = {item.ip: item for item in results if item.fingerprints or item.fields}
    if wsd is not None:
        for host, payload in await wsd:
            for match in p.parse_probe_matches(payload):
                item = found.setdefault(host, Found(host))
                await _onvif(net, item, match, options, limit)
    return found


async def _probe_host(net: ScopedNet, host: str, options: Options) -> Found:
    item = Found(host)
    for port in options.ports.http:
        reply = await net.http(host, port, "GET", "/")
        if reply is None:
            continue
        if reply.headers.get("server"):
            item.mark("http-server", reply.headers["server"])
        await _isapi(net, item, port)
        await _magicbox(net, item, port)
        if not item.fields.get("brand"):
            await _onvif_at(net, item, host, port, options, p.ONVIF_DEVICE_PATH)
    for port in options.ports.rtsp:
        headers = await net.rtsp(host, port)
        if headers is None:
            continue
        if headers.get("server"):
            item.mark("rtsp-server", headers["server"])
        realm = p.digest_realm(headers.get("www-authenticate", ""))
        if realm:
            item.mark("rtsp-realm", realm)
    if item.fingerprints or item.fields:
        for port in options.ports.dahua:
            if await net.tcp_open(host, port):
                item.mark("dahua-port", str(port))
    return item


async def _isapi(net: ScopedNet, item: Found, port: int) -> None:
    reply = await net.http(item.ip, port, "GET", p.ISAPI_PATH)
    if reply is None or reply.status != 200:
        return
    info = p.parse_isapi_device_info(reply.body)
    if info is None:
        return
    if info.namespace:
        item.mark("isapi-namespace", info.namespace)
    item.put("model", info.fields.get("model"))
    item.put("serial", info.fields.get("serialNumber"))
    item.put("firmware", info.fields.get("firmwareVersion"))
    item.put("mac", info.fields.get("macAddress"))
    item.put("device_type", info.fields.get("deviceType"))


async def _magicbox(net: ScopedNet, item: Found, port: int) -> None:
    reply = await net.http(item.ip, port, "GET", p.MAGICBOX_PATH)
    if reply is None or reply.status != 200:
        return
    values = p.parse_magicbox(reply.body.decode("utf-8", "replace"))
    if not values:
        return
    item.mark("dahua-cgi", "getSystemInfo")
    item.put("model", values.get("deviceType") or values.get("updateSerial"))
    item.put("serial", values.get("serialNumber"))
    if values.get("updateSerial") and values.get("updateSerial") != item.fields.get("model"):
        item.mark("device-model", values["updateSerial"])  # the firmware's own model body


async def _onvif(net: ScopedNet, item: Found, match: p.ProbeMatch, options: Options, limit: asyncio.Semaphore) -> None:
    for name in match.scope_values("name"):
        item.mark("onvif-name", name)
    for hardware in match.scope_values("hardware"):
        item.mark("onvif-hardware", hardware)
        item.put("model", hardware)
    for mac in match.scope_values("MAC"):
        item.put("mac", mac)
    for xaddr in match.xaddrs:
        parts = urlsplit(xaddr)
        host = parts.hostname or ""
        if parts.scheme != "http" or not net.scope.contains(host):
            continue  # announced elsewhere: never followed
        async with limit:
            await _onvif_at(net, item, host, parts.port or 80, options, parts.path or p.ONVIF_DEVICE_PATH)
        if item.fields.get("brand"):
            break


async def _onvif_at(net: ScopedNet, item: Found, host: str, port: int, options: Options, path: str) -> None:
    body = p.device_information_request(options.username, options.password)
    headers = {"Content-Type": f'application/soap+xml; charset=utf-8; action="{p.ONVIF_ACTION}"'}
    reply = await net.http(host, port, "POST", path, body, headers)
    if reply is None or reply.status != 200:
        return
    info = p.parse_device_information(reply.body)
    if not info:
        return
    if info.get("Manufacturer"):
        item.mark("onvif-manufacturer", info["Manufacturer"])
    if info.get("Model"):
        item.mark("onvif-model", info["Model"])
    item.put("brand", info.get("Manufacturer"))
    item.put("model", info.get("Model"))
    item.put("serial", info.get("SerialNumber"))
    item.put("firmware", info.get("FirmwareVersion"))


def run_discovery(cidr: str, options: Options, max_hosts: int = 4096) -> list[Device]:
    """Synchronous entry point for the CLI."""
    if options.timeout <= 0 or options.concurrency < 1:
        raise DiscoveryError("--timeout must be positive and --concurrency at least 1")
    scope = Scope(cidr, max_hosts)
    return asyncio.run(discover(scope, options))


def describe(device: Device) -> str:
    """One line per device for the terminal."""
    bits = [device.brand, device.model]
    return re.sub(r"\s+", " ", " ".join(b for b in bits if b)).strip() or "(no name)"
