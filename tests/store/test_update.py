"""``lists update`` against a local HTTP server that serves the shared files at the publishers' paths."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from proscribe.fetch.update import select_sources, update_sources
from proscribe.store.audit import export
from proscribe.store.db import open_engine
from tests.conftest import LISTS, CliResult

SERVED = {
    "/api/PublicationPreview/exports/SDN.CSV": LISTS / "ofac" / "sdn.csv",
    "/api/PublicationPreview/exports/ADD.CSV": LISTS / "ofac" / "add.csv",
    "/api/PublicationPreview/exports/ALT.CSV": LISTS / "ofac" / "alt.csv",
    "/api/PublicationPreview/exports/SDN_COMMENTS.CSV": LISTS / "ofac" / "sdn_comments.csv",
    "/resources/xml/en/consolidated.xml": LISTS / "un" / "consolidated.xml",
}


class Publisher(BaseHTTPRequestHandler):
    """Serves SERVED with ETags; answers 503 to the first request of any path listed in ``flaky``."""

    log: list[tuple[str, int]]
    flaky: set[str]

    def do_GET(self) -> None:
        path = SERVED.get(self.path)
        if path is None:
            self._answer(404, b"not found")
            return
        if self.path in self.flaky:
            self.flaky.discard(self.path)
            self._answer(503, b"busy")
            return
        body = path.read_bytes()
        etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
        if self.headers.get("If-None-Match") == etag:
            self._answer(304, b"", etag)
            return
        self._answer(200, body, etag)

    def _answer(self, status: int, body: bytes, etag: str | None = None) -> None:
        self.log.append((self.path, status))
        self.send_response(status)
        if etag:
            self.send_header("ETag", etag)
        if status != 304:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if status != 304:
            self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def publisher() -> Iterator[tuple[str, type[Publisher]]]:
    handler = type("Handler", (Publisher,), {"log": [], "flaky": set()})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", handler
    finally:
        server.shutdown()
        server.server_close()


def test_update_downloads_imports_then_asks_conditionally(
    cli: Callable[..., CliResult], publisher: tuple[str, type[Publisher]]
) -> None:
    base, handler = publisher
    handler.flaky.add("/resources/xml/en/consolidated.xml")  # a transient failure is retried
    first = cli("lists", "update", "us_ofac_sdn", "un_sc", "--mirror", base, "--json")
    assert first.exit_code == 0, first.stderr
    assert {s["source"] for s in first.json()} == {"us_ofac_sdn", "un_sc"}
    assert ("/resources/xml/en/consolidated.xml", 503) in handler.log
    handler.log.clear()
    second = cli("lists", "update", "us_ofac_sdn", "un_sc", "--mirror", base, "--json")
    assert second.exit_code == 0, second.stderr
    assert second.json() == []
    assert {status for _, status in handler.log} == {304}
    assert "up to date" in second.stderr


def test_update_offline_is_one_clear_line(cli: Callable[..., CliResult], tmp_path: Path) -> None:
    result = cli("lists", "update", "un_sc", "--mirror", "http://127.0.0.1:9")
    assert result.exit_code == 1
    message = result.stderr.strip().splitlines()[-1]
    assert message.startswith("error: cannot reach 127.0.0.1:9") and "lists import" in message
    assert cli("lists", "show", "--json").json() == []


def test_update_rejects_unknown_list(cli: Callable[..., CliResult]) -> None:
    result = cli("lists", "update", "no_such_list")
    assert result.exit_code == 1 and "unknown list 'no_such_list'" in result.stderr


def test_imports_are_audited_under_the_actor_who_asked(publisher: tuple[str, type[Publisher]], tmp_path: Path) -> None:
    """An update asked for over HTTP names the API key on its imports, not the server's account."""
    base, _handler = publisher
    engine = open_engine(f"sqlite:///{tmp_path / 'proscribe.db'}")
    update_sources(engine, tmp_path / "downloads", select_sources(["un_sc"]), base, actor="api-key:ops")
    with engine.connect() as connection:
        imports = [event for event in export(connection) if event["action"] == "list.import"]
    assert [event["actor"] for event in imports] == ["api-key:ops"]
