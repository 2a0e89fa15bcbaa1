"""The IEEE MAC address registry: who registered the block a MAC address comes from.

The registry is never copied into this project. It comes from the ``netaddr``
package, which bundles IEEE's MA-L and IAB files, or from fresh MA-L, MA-M and
MA-S CSV files that ``proscribe devices update-oui`` downloads from IEEE into
the proscribe home (they win over the bundled copy once present). Covered
makers are found by their registrant names (``reference.registrant_index``), so
a block IEEE assigns tomorrow is recognised as soon as the registry is updated.

A locally administered address (the second-lowest bit of the first octet set,
as randomised Wi-Fi and virtual interfaces use) belongs to no registrant and
is never evidence of a maker.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from importlib import resources
from pathlib import Path

import httpx

from proscribe.fetch.download import mirror_url

IEEE_FILES = {
    "MA-L": ("oui.csv", "https://standards-oui.ieee.org/oui/oui.csv"),
    "MA-M": ("mam.csv", "https://standards-oui.ieee.org/oui28/mam.csv"),
    "MA-S": ("oui36.csv", "https://standards-oui.ieee.org/oui36/oui36.csv"),
}
IEEE_HEADER = ["Registry", "Assignment", "Organization Name", "Organization Address"]
_ASSIGNMENT_DIGITS = {"MA-L": 6, "MA-M": 7, "MA-S": 9}
_MAC_FORMS = re.compile(
    r"[0-9A-Fa-f]{2}([:\-])[0-9A-Fa-f]{2}(\1[0-9A-Fa-f]{2}){4}|[0-9A-Fa-f]{4}(\.[0-9A-Fa-f]{4}){2}|[0-9A-Fa-f]{12}"
)
_MAL_TXT = re.compile(r"^([0-9A-F]{6})\s+\(base 16\)[ \t]*(.*?)\s*$", re.MULTILINE)
_IAB_TXT = re.compile(
    r"^([0-9A-F]{2})-([0-9A-F]{2})-([0-9A-F]{2})\s+\(hex\).*\n"
    r"([0-9A-F]{3})000-[0-9A-F]{6}\s+\(base 16\)[ \t]*(.*?)\s*$",
    re.MULTILINE,
)


class OuiUpdateError(Exception):
    """A registry download that failed or was not an IEEE registry file; the bundled copy stays in use."""


def parse_mac(value: str) -> int | None:
    """A 48-bit MAC address as an integer, from any common notation; None when it is not one.

    Accepts ``44:19:B6:12:34:56``, ``44-19-b6-12-34-56``, ``4419.b612.3456`` and ``4419B6123456``.
    """
    text = value.strip()
    if not _MAC_FORMS.fullmatch(text):
        return None
    return int(re.sub(r"[:.\-]", "", text), 16)


def format_mac(mac: int) -> str:
    text = f"{mac:012X}"
    return ":".join(text[i : i + 2] for i in range(0, 12, 2))


def is_locally_administered(mac: int) -> bool:
    """True for randomised and locally administered addresses: no registrant, no maker evidence."""
    return bool((mac >> 40) & 0x02)


@dataclass(frozen=True, slots=True)
class Registration:
    registry: str  # MA-L, MA-M, MA-S or IAB
    block: str  # the assigned prefix, e.g. "44:19:B6"
    registrant: str


@dataclass(slots=True)
class OuiRegistry:
    """Registrants by prefix length; MA-S and IAB blocks (36 bits) first, then MA-M (28), then MA-L (24)."""

    origin: str
    mal: dict[int, str] = field(default_factory=dict)
    mam: dict[int, str] = field(default_factory=dict)
    mas: dict[int, tuple[str, str]] = field(default_factory=dict)  # prefix -> (registry, registrant)
    _seen: dict[tuple[int, int], Registration | None] = field(default_factory=dict, repr=False)

    def lookup(self, mac: int) -> Registration | None:
        """The most specific block holding ``mac`` (36, then 28, then 24 bits); memoised per block."""
        key = (36, mac >> 12)
        if key in self._seen:
            return self._seen[key]
        found = self._find(mac)
        if found is None or found.registry in ("MA-S", "IAB"):
            self._seen[key] = found  # a 36-bit block answer is exact for every MAC of that block
        return found

    def _find(self, mac: int) -> Registration | None:
        found = self.mas.get(mac >> 12)
        if found:
            return Registration(found[0], _block(mac >> 12, 9), found[1])
        name = self.mam.get(mac >> 20)
        if name:
            return Registration("MA-M", _block(mac >> 20, 7), name)
        key = (24, mac >> 24)
        if key in self._seen:
            return self._seen[key]
        name = self.mal.get(mac >> 24)
        result = Registration("MA-L", _block(mac >> 24, 6), name) if name else None
        self._seen[key] = result
        return result

    def blocks_of(self, registrant_filter: Callable[[str], bool]) -> list[Registration]:
        """Every block whose registrant passes the filter (used by tests and the generator)."""
        found = [Registration("MA-L", _block(p, 6), n) for p, n in self.mal.items() if registrant_filter(n)]
        found += [Registration("MA-M", _block(p, 7), n) for p, n in self.mam.items() if registrant_filter(n)]
        found += [Registration(r, _block(p, 9), n) for p, (r, n) in self.mas.items() if registrant_filter(n)]
        return found


def _block(prefix: int, digits: int) -> str:
    text = f"{prefix:0{digits}X}"
    return ":".join(text[i : i + 2] for i in range(0, len(text), 2))


def oui_dir(home: Path) -> Path:
    return home / "oui"


def load_registry(home: Path | None = None) -> OuiRegistry:
    """The registry: downloaded IEEE files in ``home`` when present, netaddr's bundled copy otherwise."""
    folder = oui_dir(home) if home else None
    stamps: tuple[tuple[str, float], ...] = ()
    if folder is not None:
        stamps = tuple(
            (str(folder / name), (folder / name).stat().st_mtime)
            for name, _url in IEEE_FILES.values()
            if (folder / name).is_file()
        )
    return _load_cached(stamps)


@lru_cache(maxsize=4)
def _load_cached(files: tuple[tuple[str, float], ...]) -> OuiRegistry:
    registry = _bundled()
    downloaded = [Path(path) for path, _mtime in files]
    if any(path.name == IEEE_FILES["MA-L"][0] for path in downloaded):
        registry.mal = {}
    for path in downloaded:
        with path.open(encoding="utf-8", errors="replace", newline="") as handle:
            read_ieee_csv(handle, registry)
    if downloaded:
        registry.origin = f"IEEE registry files downloaded to {downloaded[0].parent} (IAB blocks from netaddr)"
    return registry


def _bundled() -> OuiRegistry:
    import netaddr

    folder = resources.files("netaddr.eui")
    registry = OuiRegistry(origin=f"IEEE registry bundled with netaddr {netaddr.__version__}")
    text = folder.joinpath("oui.txt").read_bytes().decode("utf-8", errors="replace")
    for match in _MAL_TXT.finditer(text):
        registry.mal[int(match.group(1), 16)] = match.group(2)
    text = folder.joinpath("iab.txt").read_bytes().decode("utf-8", errors="replace")
    for match in _IAB_TXT.finditer(text):
        prefix = int("".join(match.group(i) for i in range(1, 5)), 16)
        registry.mas[prefix] = ("IAB", match.group(5))
    return registry


def read_ieee_csv(handle: io.TextIOBase | io.TextIOWrapper, registry: OuiRegistry) -> int:
    """Add the rows of one IEEE registry CSV (MA-L, MA-M or MA-S layout); returns the rows read."""
    reader = csv.reader(handle)
    header = next(reader, None)
    if header is None or [h.strip().lstrip("\ufeff") for h in header[:4]] != IEEE_HEADER:
        raise OuiUpdateError(f"not an IEEE registry CSV (header {header!r})")
    count = 0
    for row in reader:
        if len(row) < 3:
            continue
        kind, assignment, name = row[0].strip(), row[1].strip().upper(), row[2].strip()
        digits = _ASSIGNMENT_DIGITS.get(kind)
        if digits is None or len(assignment) != digits or not re.fullmatch(r"[0-9A-F]+", assignment):
            continue
        prefix = int(assignment, 16)
        if kind == "MA-L":
            registry.mal[prefix] = name
        elif kind == "MA-M":
            registry.mam[prefix] = name
        else:
            registry.mas[prefix] = ("MA-S", name)
        count += 1
    return count


@dataclass(frozen=True, slots=True)
class UpdatedFile:
    registry: str
    path: Path
    rows: int
    url: str


def update_registry(
    home: Path, mirror: str | None = None, timeout: float = 60.0, client: httpx.Client | None = None
) -> list[UpdatedFile]:
    """Download MA-L, MA-M and MA-S from IEEE (or a mirror of its paths) into ``home``.

    All three are downloaded and checked before any replaces the copy in use, so
    a failed or interrupted update leaves the previous registry whole.
    """
    folder = oui_dir(home)
    folder.mkdir(parents=True, exist_ok=True)
    own_client = client is None
    http = client or httpx.Client(
        timeout=timeout, follow_redirects=True, headers={"User-Agent": "proscribe (devices update-oui)"}
    )
    staged: list[tuple[Path, Path, UpdatedFile]] = []
    try:
        for kind, (name, official) in IEEE_FILES.items():
            url = mirror_url(official, mirror)
            partial = folder / f"{name}.part"
            _download(http, url, partial)
            with partial.open(encoding="utf-8", errors="replace", newline="") as handle:
                try:
                    rows = read_ieee_csv(handle, OuiRegistry(origin=url))
                except OuiUpdateError as error:
                    raise OuiUpdateError(f"{url}: {error}") from None
            if rows == 0:
                raise OuiUpdateError(f"{url}: no {kind} assignments in the file")
            staged.append((partial, folder / name, UpdatedFile(kind, folder / name, rows, url)))
    except BaseException:
        for partial, _final, _info in staged:
            partial.unlink(missing_ok=True)
        for _kind, (name, _url) in IEEE_FILES.items():
            (folder / f"{name}.part").unlink(missing_ok=True)
        raise
    finally:
        if own_client:
            http.close()
    for partial, final, _info in staged:
        os.replace(partial, final)
    state = {"updated_at": datetime.now(UTC).isoformat(), "files": {i.registry: i.url for _p, _f, i in staged}}
    (folder / "state.json").write_text(json.dumps(state, indent=2))
    return [info for _p, _f, info in staged]


def _download(client: httpx.Client, url: str, destination: Path, attempts: int = 3) -> None:
    for attempt in range(1, attempts + 1):
        try:
            with client.stream("GET", url) as response:
                if response.status_code != 200:
                    raise OuiUpdateError(f"{url}: HTTP {response.status_code} {response.reason_phrase}")
                with destination.open("wb") as handle:
                    for chunk in response.iter_bytes(1 << 16):
                        handle.write(chunk)
            return
        except httpx.TransportError as error:
            if attempt == attempts:
                raise OuiUpdateError(f"cannot download {url} (offline?): {error or type(error).__name__}") from error
            time.sleep(0.5 * attempt)
