"""``devices update-oui`` against a local HTTP server serving files in IEEE's exact CSV layout."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from proscribe.equipment.device import Device, Status
from proscribe.equipment.identify import identify
from proscribe.equipment.oui import load_registry
from proscribe.equipment.reference import load_reference
from tests.equipment.conftest import home_cli

HEADER = "Registry,Assignment,Organization Name,Organization Address\n"
FILES = {
    "oui/oui.csv": HEADER
    + 'MA-L,4419B6,"Hangzhou Hikvision Digital Technology Co.,Ltd.","No.555 Qianmo Road Hangzhou Zhejiang CN 310052 "\n'
    + 'MA-L,A4BBCC,Shanghai Dahua Scale Factory,"Shanghai  CN 200000 "\n'
    + 'MA-L,A0BD1D,"ZHEJIANG DAHUA TECHNOLOGYCO.,LTD","No.1199 Bin An Road Hangzhou Zhejiang CN 310053 "\n'
    + "MA-L,00408C,Axis Communications AB,Emdalavagen 14 Lund  SE 22369 \n"
    + "MA-L,70B3D5,IEEE Registration Authority,445 Hoes Lane Piscataway NJ US 08554 \n",
    "oui28/mam.csv": HEADER + 'MA-M,C0EAC3D,"Hangzhou Ezviz Software Co.,Ltd.","Hangzhou Zhejiang CN 310051 "\n',
    "oui36/oui36.csv": HEADER + 'MA-S,70B3D5F2F,Hytera Communications Corporation Limited,"Shenzhen  CN 518057 "\n',
}


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def mirror(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    root = tmp_path / "mirror"
    for name, text in FILES.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Quiet, directory=str(root)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", root
    finally:
        server.shutdown()
        server.server_close()


def verdict(home: Path, mac: str) -> tuple[Status, str]:
    found = identify(Device(mac=mac), load_reference(), load_registry(home))
    return found.status, found.evidence_text()


def test_update_oui_fetches_mal_mam_mas_and_they_are_used(mirror: tuple[str, Path], tmp_path: Path) -> None:
    home = tmp_path / "home"
    result = home_cli(home, "devices", "update-oui", "--mirror", mirror[0])
    assert result.exit_code == 0, result.stderr
    assert "MA-L: 5 assignments" in result.stdout and "MA-M: 1" in result.stdout and "MA-S: 1" in result.stdout
    assert "downloaded" in load_registry(home).origin
    status, text = verdict(home, "C0:EA:C3:D1:23:45")  # inside the MA-M block, not in any MA-L
    assert status is Status.COVERED and "(MA-M)" in text and "Ezviz" in text
    status, text = verdict(home, "70:B3:D5:F2:F1:23")  # MA-S inside the registration authority's MA-L
    assert status is Status.COVERED and "(MA-S)" in text and "Hytera" in text
    status, text = verdict(home, "A0:BD:1D:00:00:01")  # the misspelt Dahua registrant
    assert status is Status.COVERED and "Dahua" in text
    status, text = verdict(home, "A4:BB:CC:00:00:01")  # the look-alike
    assert status is Status.NOT_COVERED and "unrelated to Dahua" in text
    status, text = verdict(home, "70:B3:D5:00:00:01")  # a divided block with no MA-S entry here
    assert status is Status.UNKNOWN and "update-oui" in text


def test_a_bad_download_leaves_the_registry_in_use(mirror: tuple[str, Path], tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert home_cli(home, "devices", "update-oui", "--mirror", mirror[0]).exit_code == 0
    before = (home / "oui" / "oui.csv").read_text(encoding="utf-8")
    (mirror[1] / "oui28" / "mam.csv").write_text("<html>captive portal</html>", encoding="utf-8")
    result = home_cli(home, "devices", "update-oui", "--mirror", mirror[0])
    assert result.exit_code == 1
    assert "not an IEEE registry CSV" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert (home / "oui" / "oui.csv").read_text(encoding="utf-8") == before
    assert not list((home / "oui").glob("*.part"))


def test_an_unreachable_registry_is_one_line(tmp_path: Path) -> None:
    result = home_cli(tmp_path, "devices", "update-oui", "--mirror", "http://127.0.0.1:9", "--timeout", "2")
    assert result.exit_code == 1 and "cannot download" in result.stderr and "unchanged" in result.stderr
