"""Discovery: simulated Hikvision, Dahua and ONVIF devices on loopback are found and identified, and nothing
outside the given CIDR is ever contacted (unit-tested on the fence itself, and observed on live sockets)."""

from __future__ import annotations

import asyncio
import ipaddress
from collections.abc import Sequence
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from proscribe.equipment.device import Status
from proscribe.equipment.discover import Options, Ports, discover, parse_ports
from proscribe.equipment.identify import identify_all
from proscribe.equipment.netio import DiscoveryError, HttpReply, OutOfScope, Scope, ScopedNet
from proscribe.equipment.oui import load_registry
from proscribe.equipment.reference import load_reference
from tests.equipment.conftest import home_cli
from tests.equipment.fake_devices import HIKVISION_XML, ONVIF_INFO, fake_network, probe_matches

DEVICES = {"127.0.0.9": "hikvision", "127.0.0.10": "dahua", "127.0.0.11": "onvif"}
CIDR = "127.0.0.8/29"  # hosts 127.0.0.9 - 127.0.0.14
SENTINELS = ["127.0.0.7", "127.0.0.16", "127.0.0.200"]  # just below, just above, and an announced XAddr


def test_a_cidr_is_required_and_bounded() -> None:
    for bad in ("192.168.1.5", "192.168.1.5/24", "camera.local/24", "10.0.0.0/8"):
        with pytest.raises(DiscoveryError):
            Scope(bad)
    assert Scope("192.0.2.0/30").hosts() == ["192.0.2.1", "192.0.2.2"]
    assert Scope("192.0.2.7/32").hosts() == ["192.0.2.7"]
    assert parse_ports(["http=8080,8000", "rtsp=8554", "wsd=13702", "dahua="]) == Ports(
        (8080, 8000), (8554,), 13702, ()
    )
    with pytest.raises(DiscoveryError):
        parse_ports(["ftp=21"])


@settings(max_examples=200, deadline=None)
@given(st.ip_addresses(v=4), st.integers(min_value=20, max_value=32), st.ip_addresses(v=4))
def test_the_fence_refuses_every_address_outside_the_network(base: object, prefix: int, other: object) -> None:
    network = ipaddress.ip_network(f"{base}/{prefix}", strict=False)
    scope = Scope(str(network))
    hosts = scope.hosts()
    assert all(ipaddress.ip_address(h) in network for h in hosts)
    if ipaddress.ip_address(str(other)) in network:
        assert scope.require(str(other)) == str(other)
    else:
        with pytest.raises(OutOfScope):
            scope.require(str(other))


class RecordingNet:
    """A fake network: records every address asked for, answers like devices that point elsewhere."""

    def __init__(self) -> None:
        self.asked: list[str] = []

    async def http(
        self,
        host: str,
        port: int,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> HttpReply | None:
        self.asked.append(host)
        if host.endswith(".9") and path == "/ISAPI/System/deviceInfo":
            return HttpReply(200, {"server": "App-webs/"}, HIKVISION_XML)
        if host.endswith(".9") and method == "POST":
            return HttpReply(200, {}, ONVIF_INFO)
        if host.endswith(".9"):
            return HttpReply(302, {"location": "http://203.0.113.50/", "server": "App-webs/"}, b"")
        return None

    async def rtsp(self, host: str, port: int) -> dict[str, str] | None:
        self.asked.append(host)
        return None

    async def tcp_open(self, host: str, port: int) -> bool:
        self.asked.append(host)
        return False

    async def udp_probe(
        self, targets: Sequence[tuple[str, int]], payload: bytes, wait: float
    ) -> list[tuple[str, bytes]]:
        self.asked += [host for host, _port in targets]
        announce = probe_matches("http://198.51.100.7/onvif/device_service http://192.0.2.9:8080/onvif/device_service")
        return [("192.0.2.9", announce), ("198.51.100.7", announce)]  # the second answers from outside


def test_discovery_never_asks_for_an_address_outside_the_cidr_even_when_devices_point_elsewhere() -> None:
    net = RecordingNet()
    scope = Scope("192.0.2.8/29")
    found = asyncio.run(discover(scope, Options(timeout=0.1), net, arp=dict))
    assert net.asked and all(scope.contains(host) for host in net.asked)
    assert "198.51.100.7" not in net.asked and "203.0.113.50" not in net.asked
    assert [d.ip for d in found] == ["192.0.2.9"]
    with pytest.raises(OutOfScope):
        asyncio.run(ScopedNet(net, scope).http("198.51.100.7", 80, "GET", "/"))


def test_simulated_devices_are_found_and_identified_and_nothing_outside_is_touched() -> None:
    with fake_network(DEVICES, SENTINELS) as net:
        p = net.ports
        options = Options(Ports((p.http,), (p.rtsp,), p.wsd, (p.dahua,)), timeout=1.0, concurrency=8)
        found = asyncio.run(discover(Scope(CIDR), options, arp=dict))
        contacts = dict(net.contacts)
    assert all(contacts.get(address, 0) == 0 for address in SENTINELS), contacts
    assert {d.ip for d in found} == set(DEVICES)
    verdicts = dict(zip([d.ip for d in found], identify_all(found, load_reference(), load_registry()), strict=True))
    by_ip = {d.ip: d for d in found}

    hik = by_ip["127.0.0.9"]
    assert hik.model == "DS-2CD2143G0-I" and hik.mac == "44:19:B6:12:34:56"
    assert {f.kind for f in hik.fingerprints} >= {"http-server", "isapi-namespace", "rtsp-realm"}
    assert verdicts["127.0.0.9"].status is Status.COVERED and verdicts["127.0.0.9"].maker == "Hikvision"

    dahua = by_ip["127.0.0.10"]
    assert dahua.model == "IPC-HDW2431T-AS-S2" and dahua.serial == "6J0123PAZ00001"
    assert {f.kind for f in dahua.fingerprints} >= {"dahua-cgi", "rtsp-server", "dahua-port"}
    assert verdicts["127.0.0.10"].status is Status.COVERED and verdicts["127.0.0.10"].maker == "Dahua"

    onvif = by_ip["127.0.0.11"]
    assert onvif.brand == "Amcrest" and onvif.model == "IP4M-1041B" and onvif.serial == "AMC0123456789"
    assert {f.kind for f in onvif.fingerprints} >= {"onvif-name", "onvif-manufacturer"}
    assert verdicts["127.0.0.11"].status is Status.COVERED and verdicts["127.0.0.11"].maker == "Dahua"


def test_discover_command_prints_and_saves_what_it_found(tmp_path: Path) -> None:
    home = tmp_path / "home"
    with fake_network(DEVICES, SENTINELS) as net:
        p = net.ports
        result = home_cli(
            home,
            "devices",
            "discover",
            "--network",
            CIDR,
            "--ports",
            f"http={p.http}",
            "--ports",
            f"rtsp={p.rtsp}",
            "--ports",
            f"wsd={p.wsd}",
            "--ports",
            f"dahua={p.dahua}",
            "--timeout",
            "1",
            "--save",
            "--json",
        )
        contacts = dict(net.contacts)
    assert result.exit_code == 0, result.stderr
    assert all(contacts.get(address, 0) == 0 for address in SENTINELS), contacts
    rows = {row["ip"]: row for row in result.json()}
    assert {ip: row["maker"] for ip, row in rows.items()} == {
        "127.0.0.9": "Hikvision",
        "127.0.0.10": "Dahua",
        "127.0.0.11": "Dahua",
    }
    assert all(row["evidence"] for row in rows.values())
    out = tmp_path / "found.csv"
    assert home_cli(home, "devices", "report", "--format", "csv", "--output", str(out), "--no-screen").exit_code == 0
    header = out.read_text(encoding="utf-8").splitlines()[0]
    assert header.startswith("ip,mac,brand,model") and header.endswith("maker,status,rules,confidence,evidence")


def test_discover_refuses_a_missing_or_oversized_network(tmp_path: Path) -> None:
    result = home_cli(tmp_path, "devices", "discover", "--network", "10.1.2.3")
    assert result.exit_code == 1 and "give a CIDR" in result.stderr
    result = home_cli(tmp_path, "devices", "discover", "--network", "10.0.0.0/16")
    assert result.exit_code == 1 and "--max-hosts" in result.stderr
