"""Simulated cameras on loopback addresses: a Hikvision (ISAPI, App-webs, RTSP realm), a Dahua (magicBox CGI,
RTSP server, device port) and an ONVIF device (WS-Discovery by unicast UDP, GetDeviceInformation).

Sentinels listen on addresses just outside the scanned CIDR, on the same ports, and count every contact.
Everything binds to 127.0.0.x, so no traffic leaves this machine.
"""

from __future__ import annotations

import socket
import socketserver
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HIKVISION_XML = b"""<?xml version="1.0" encoding="UTF-8"?>
<DeviceInfo version="2.0" xmlns="http://www.hikvision.com/ver20/XMLSchema">
<deviceName>Lobby Cam</deviceName>
<deviceID>48a9f1e2-0000-0000-0000-4419b6123456</deviceID>
<model>DS-2CD2143G0-I</model>
<serialNumber>DS-2CD2143G0-I20200101AAWRD12345678</serialNumber>
<macAddress>44:19:b6:12:34:56</macAddress>
<firmwareVersion>V5.5.82</firmwareVersion>
<firmwareReleasedDate>build 190909</firmwareReleasedDate>
<deviceType>IPCamera</deviceType>
</DeviceInfo>
"""
DAHUA_TEXT = (
    b"appAutoStart=true\r\ndeviceType=IPC-HDW2431T-AS-S2\r\nhardwareVersion=1.00\r\nprocessor=SSC327DE\r\n"
    b"serialNumber=6J0123PAZ00001\r\nupdateSerial=IPC-HDW2431T-AS-S2\r\n"
)
ONVIF_INFO = b"""<?xml version="1.0" encoding="UTF-8"?>
<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://www.w3.org/2003/05/soap-envelope" xmlns:tds="http://www.onvif.org/ver10/device/wsdl">
<SOAP-ENV:Body><tds:GetDeviceInformationResponse>
<tds:Manufacturer>Amcrest</tds:Manufacturer><tds:Model>IP4M-1041B</tds:Model>
<tds:FirmwareVersion>V2.620.00AC000.0.R</tds:FirmwareVersion><tds:SerialNumber>AMC0123456789</tds:SerialNumber>
<tds:HardwareId>1.00</tds:HardwareId>
</tds:GetDeviceInformationResponse></SOAP-ENV:Body></SOAP-ENV:Envelope>"""


def probe_matches(xaddrs: str) -> bytes:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://www.w3.org/2003/05/soap-envelope"
 xmlns:wsa="http://schemas.xmlsoap.org/ws/2004/08/addressing"
 xmlns:wsdd="http://schemas.xmlsoap.org/ws/2005/04/discovery" xmlns:dn="http://www.onvif.org/ver10/network/wsdl">
<SOAP-ENV:Header><wsa:Action>http://schemas.xmlsoap.org/ws/2005/04/discovery/ProbeMatches</wsa:Action></SOAP-ENV:Header>
<SOAP-ENV:Body><wsdd:ProbeMatches><wsdd:ProbeMatch>
<wsa:EndpointReference><wsa:Address>urn:uuid:2419d68a-2dd2-21b2-a205-9c1463000001</wsa:Address></wsa:EndpointReference>
<wsdd:Types>dn:NetworkVideoTransmitter</wsdd:Types>
<wsdd:Scopes>onvif://www.onvif.org/type/video_encoder onvif://www.onvif.org/name/Amcrest
 onvif://www.onvif.org/hardware/IP4M-1041B onvif://www.onvif.org/location/country/us</wsdd:Scopes>
<wsdd:XAddrs>{xaddrs}</wsdd:XAddrs>
<wsdd:MetadataVersion>1</wsdd:MetadataVersion>
</wsdd:ProbeMatch></wsdd:ProbeMatches></SOAP-ENV:Body></SOAP-ENV:Envelope>""".encode()


@dataclass
class Ports:
    http: int
    rtsp: int
    wsd: int
    dahua: int


@dataclass
class FakeNet:
    ports: Ports
    contacts: Counter[str] = field(default_factory=Counter)  # address -> connections or datagrams received
    lock: threading.Lock = field(default_factory=threading.Lock)

    def hit(self, address: str) -> None:
        with self.lock:
            self.contacts[address] += 1


class _Http(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    role: str
    net: FakeNet


class _Handler(BaseHTTPRequestHandler):
    server: _Http

    def log_message(self, format: str, *args: object) -> None:
        pass

    def _send(self, status: int, body: bytes, content_type: str, server: str | None = None) -> None:
        self.send_response_only(status)
        if server:
            self.send_header("Server", server)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        self.server.net.hit(self.server.server_address[0])
        role = self.server.role
        if role == "hikvision" and self.path == "/ISAPI/System/deviceInfo":
            self._send(200, HIKVISION_XML, "application/xml", "App-webs/")
        elif role == "dahua" and self.path == "/cgi-bin/magicBox.cgi?action=getSystemInfo":
            self._send(200, DAHUA_TEXT, "text/plain")
        elif self.path == "/":
            self._send(200, b"<html></html>", "text/html", "App-webs/" if role == "hikvision" else None)
        else:
            self._send(404, b"not found", "text/plain")

    def do_POST(self) -> None:
        self.server.net.hit(self.server.server_address[0])
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length)
        if self.server.role == "onvif" and self.path == "/onvif/device_service" and b"GetDeviceInformation" in body:
            self._send(200, ONVIF_INFO, "application/soap+xml")
        else:
            self._send(404, b"not found", "text/plain")


class _Rtsp(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    role: str
    net: FakeNet


class _RtspHandler(socketserver.StreamRequestHandler):
    server: _Rtsp

    def handle(self) -> None:
        self.server.net.hit(self.server.server_address[0])
        head = b""
        while b"\r\n\r\n" not in head and len(head) < 4096:
            chunk = self.request.recv(1024)
            if not chunk:
                return
            head += chunk
        if self.server.role == "hikvision":
            reply = (
                b"RTSP/1.0 401 Unauthorized\r\nCSeq: 1\r\n"
                b'WWW-Authenticate: Digest realm="Hikvision", nonce="4d2d"\r\n\r\n'
            )
        elif self.server.role == "dahua":
            reply = (
                b"RTSP/1.0 401 Unauthorized\r\nCSeq: 1\r\nServer: Dahua Rtsp Server\r\n"
                b'WWW-Authenticate: Digest realm="Login to 6J0123PAZ00001", nonce="1"\r\n\r\n'
            )
        else:
            return
        self.request.sendall(reply)


class _Plain(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    net: FakeNet


class _PlainHandler(socketserver.BaseRequestHandler):
    server: _Plain

    def handle(self) -> None:
        self.server.net.hit(self.server.server_address[0])


def _udp(address: str, port: int, role: str, net: FakeNet, stop: threading.Event, xaddrs: str) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind((address, port))
    sock.settimeout(0.1)

    def serve() -> None:
        while not stop.is_set():
            try:
                data, sender = sock.recvfrom(65536)
            except TimeoutError:
                continue
            except OSError:
                return
            net.hit(address)
            if role == "onvif" and b"Probe" in data:
                sock.sendto(probe_matches(xaddrs), sender)

    threading.Thread(target=serve, daemon=True).start()
    return sock


def _free_ports(addresses: list[str], count: int) -> list[int]:
    """Ports free on every address (TCP and UDP), so all fake devices share the same port numbers."""
    chosen: list[int] = []
    while len(chosen) < count:
        probe = socket.socket()
        probe.bind((addresses[0], 0))
        port = probe.getsockname()[1]
        probe.close()
        ok = True
        for address in addresses:
            for kind in (socket.SOCK_STREAM, socket.SOCK_DGRAM):
                test = socket.socket(socket.AF_INET, kind)
                try:
                    test.bind((address, port))
                except OSError:
                    ok = False
                finally:
                    test.close()
        if ok and port not in chosen:
            chosen.append(port)
    return chosen


@contextmanager
def fake_network(devices: dict[str, str], sentinels: list[str]) -> Iterator[FakeNet]:
    """Start the fake devices (address -> role) and the sentinels; stop them all afterwards."""
    addresses = [*devices, *sentinels]
    http, rtsp, wsd, dahua = _free_ports(addresses, 4)
    net = FakeNet(Ports(http, rtsp, wsd, dahua))
    stop = threading.Event()
    servers: list[socketserver.BaseServer] = []
    sockets: list[socket.socket] = []
    onvif = next((a for a, role in devices.items() if role == "onvif"), "127.0.0.1")
    outside = sentinels[-1] if sentinels else "127.0.0.1"
    xaddrs = f"http://{onvif}:{http}/onvif/device_service http://{outside}:{http}/onvif/device_service"
    roles = {**devices, **dict.fromkeys(sentinels, "sentinel")}
    for address, role in roles.items():
        web = _Http((address, http), _Handler)
        web.role, web.net = role, net
        stream = _Rtsp((address, rtsp), _RtspHandler)
        stream.role, stream.net = role, net
        servers += [web, stream]
        if role in ("dahua", "sentinel"):
            plain = _Plain((address, dahua), _PlainHandler)
            plain.net = net
            servers.append(plain)
        if role in ("onvif", "sentinel"):
            sockets.append(_udp(address, wsd, role, net, stop, xaddrs))
    for server in servers:
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    try:
        yield net
    finally:
        stop.set()
        for server in servers:
            server.shutdown()
            server.server_close()
        for sock in sockets:
            sock.close()
