"""The messages discovery sends and the answers it reads: pure builders and parsers, no sockets.

Covers ONVIF WS-Discovery (Probe / ProbeMatches), ONVIF GetDeviceInformation
(with an optional WS-Security UsernameToken), Hikvision ISAPI
``/ISAPI/System/deviceInfo``, Dahua ``magicBox.cgi?action=getSystemInfo`` and
RTSP response headers. Answers come from devices on the user's network, which
are not trusted: XML is parsed without entities or network access, and
anything unexpected reads as "no answer" rather than an error.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import unquote

from lxml import etree

HIKVISION_NS = "http://www.hikvision.com/ver20/XMLSchema"
ISAPI_PATH = "/ISAPI/System/deviceInfo"
MAGICBOX_PATH = "/cgi-bin/magicBox.cgi?action=getSystemInfo"
ONVIF_DEVICE_PATH = "/onvif/device_service"
ONVIF_ACTION = "http://www.onvif.org/ver10/device/wsdl/GetDeviceInformation"
_MAX_XML = 256 * 1024
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, remove_comments=True)
_WSSE = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"
_WSU = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd"
_DIGEST = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordDigest"
_BASE64 = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#Base64Binary"


def _xml(data: bytes) -> etree._Element | None:
    if not data or len(data) > _MAX_XML:
        return None
    try:
        return etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError:
        return None


def _local(element: etree._Element) -> str:
    tag = element.tag
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _texts(root: etree._Element, names: tuple[str, ...]) -> dict[str, str]:
    found: dict[str, str] = {}
    for element in root.iter():
        name = _local(element)
        if name in names and name not in found and element.text and element.text.strip():
            found[name] = element.text.strip()
    return found


def probe_message(message_id: str | None = None) -> bytes:
    """A WS-Discovery Probe for any device type (ONVIF devices answer with ProbeMatches)."""
    message_id = message_id or f"uuid:{uuid.uuid4()}"
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<e:Envelope xmlns:e="http://www.w3.org/2003/05/soap-envelope"'
        ' xmlns:w="http://schemas.xmlsoap.org/ws/2004/08/addressing"'
        ' xmlns:d="http://schemas.xmlsoap.org/ws/2005/04/discovery">'
        f"<e:Header><w:MessageID>{message_id}</w:MessageID>"
        '<w:To e:mustUnderstand="true">urn:schemas-xmlsoap-org:ws:2005:04:discovery</w:To>'
        '<w:Action e:mustUnderstand="true">http://schemas.xmlsoap.org/ws/2005/04/discovery/Probe</w:Action>'
        "</e:Header><e:Body><d:Probe/></e:Body></e:Envelope>"
    ).encode()


@dataclass(frozen=True, slots=True)
class ProbeMatch:
    xaddrs: tuple[str, ...]
    scopes: tuple[str, ...]
    types: tuple[str, ...]

    def scope_values(self, kind: str) -> list[str]:
        """Decoded values of ``onvif://www.onvif.org/<kind>/...`` scopes (``name``, ``hardware``, ``MAC``)."""
        prefix = f"onvif://www.onvif.org/{kind}/".lower()
        return [unquote(s[len(prefix) :]) for s in self.scopes if s.lower().startswith(prefix)]


def parse_probe_matches(data: bytes) -> list[ProbeMatch]:
    root = _xml(data)
    if root is None:
        return []
    matches = []
    for element in root.iter():
        if _local(element) != "ProbeMatch":
            continue
        parts = _texts(element, ("XAddrs", "Scopes", "Types"))
        matches.append(
            ProbeMatch(
                tuple(parts.get("XAddrs", "").split()),
                tuple(parts.get("Scopes", "").split()),
                tuple(parts.get("Types", "").split()),
            )
        )
    return matches


def device_information_request(username: str | None = None, password: str | None = None) -> bytes:
    """ONVIF GetDeviceInformation, with a UsernameToken (password digest) when credentials are given."""
    header = ""
    if username:
        nonce = os.urandom(16)
        created = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
        digest = base64.b64encode(hashlib.sha1(nonce + created.encode() + (password or "").encode()).digest())
        header = (
            f'<s:Header><Security s:mustUnderstand="1" xmlns="{_WSSE}"><UsernameToken>'
            f"<Username>{_escape(username)}</Username>"
            f'<Password Type="{_DIGEST}">{digest.decode()}</Password>'
            f'<Nonce EncodingType="{_BASE64}">{base64.b64encode(nonce).decode()}</Nonce>'
            f'<Created xmlns="{_WSU}">{created}</Created></UsernameToken></Security></s:Header>'
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope">{header}'
        '<s:Body xmlns:tds="http://www.onvif.org/ver10/device/wsdl"><tds:GetDeviceInformation/></s:Body>'
        "</s:Envelope>"
    ).encode()


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def parse_device_information(data: bytes) -> dict[str, str]:
    """Manufacturer, Model, FirmwareVersion, SerialNumber, HardwareId from a GetDeviceInformation answer."""
    root = _xml(data)
    if root is None or not any(_local(e) == "GetDeviceInformationResponse" for e in root.iter()):
        return {}
    return _texts(root, ("Manufacturer", "Model", "FirmwareVersion", "SerialNumber", "HardwareId"))


@dataclass(frozen=True, slots=True)
class IsapiInfo:
    namespace: str
    fields: dict[str, str] = field(default_factory=dict)


def parse_isapi_device_info(data: bytes) -> IsapiInfo | None:
    """A Hikvision ISAPI DeviceInfo document: its namespace (the fingerprint) and its fields."""
    root = _xml(data)
    if root is None or _local(root) != "DeviceInfo":
        return None
    namespace = etree.QName(root.tag).namespace or ""
    names = ("deviceName", "model", "serialNumber", "macAddress", "firmwareVersion", "deviceType")
    return IsapiInfo(namespace, _texts(root, names))


def parse_magicbox(text: str) -> dict[str, str]:
    """``key=value`` lines of a Dahua getSystemInfo answer; empty unless it has the keys Dahua firmware sends."""
    values: dict[str, str] = {}
    for line in text.splitlines()[:64]:
        key, sep, value = line.partition("=")
        if sep and re.fullmatch(r"[A-Za-z][A-Za-z0-9_.]{0,63}", key.strip()):
            values[key.strip()] = value.strip()
    if not {"deviceType", "serialNumber", "updateSerial"} & values.keys():
        return {}
    return values


def parse_headers(text: str) -> tuple[str, dict[str, str]]:
    """The status line and headers (lower-case names) of an HTTP or RTSP response head."""
    lines = text.split("\r\n") if "\r\n" in text else text.split("\n")
    status = lines[0].strip() if lines else ""
    headers: dict[str, str] = {}
    for line in lines[1:]:
        if not line.strip():
            break
        name, sep, value = line.partition(":")
        if sep:
            headers.setdefault(name.strip().lower(), value.strip())
    return status, headers


def digest_realm(header: str) -> str | None:
    """The realm of a ``WWW-Authenticate: Digest realm="..."`` (or Basic) header."""
    match = re.search(r'realm="([^"]*)"', header, re.IGNORECASE)
    return match.group(1) if match else None


def rtsp_describe(host: str, port: int) -> bytes:
    target = f"[{host}]" if ":" in host else host
    return (
        f"DESCRIBE rtsp://{target}:{port}/ RTSP/1.0\r\nCSeq: 1\r\nAccept: application/sdp\r\n"
        "User-Agent: proscribe\r\n\r\n"
    ).encode()
