"""``proscribe keys`` and ``proscribe serve`` as an operator types them."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.conftest import LISTS, run_cli


@pytest.fixture(scope="module")
def small_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("serve") / "home"
    assert run_cli(["lists", "import", str(LISTS / "fcc")], home).exit_code == 0
    return home


def test_keys_create_prints_the_key_alone_on_the_last_line(small_home: Path) -> None:
    created = run_cli(["keys", "create", "--role", "analyst", "--name", "ops-1"], small_home)
    assert created.exit_code == 0, created.stderr
    key = created.stdout.rstrip("\n").splitlines()[-1]
    assert key.startswith("psk_") and " " not in key and len(key) > 40
    listed = run_cli(["keys", "list", "--json"], small_home)
    assert key not in listed.stdout and '"ops-1"' in listed.stdout
    assert run_cli(["keys", "revoke", "ops-1"], small_home).exit_code == 0
    assert '"revoked_at": null' not in run_cli(["keys", "list", "--json"], small_home).stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["keys", "create", "--role", "root", "--name", "x"], "unknown role"),
        (["keys", "create", "--role", "reader", "--name", "bad name"], "key name"),
        (["keys", "revoke", "nobody"], "no key named"),
    ],
)
def test_key_mistakes_are_one_line_errors(small_home: Path, args: list[str], message: str) -> None:
    result = run_cli(args, small_home)
    assert result.exit_code == 1
    assert result.stderr.startswith("error: ") and message in result.stderr
    assert result.stderr.count("\n") == 1


def test_duplicate_key_name_is_refused(small_home: Path) -> None:
    assert run_cli(["keys", "create", "--role", "reader", "--name", "twice"], small_home).exit_code == 0
    again = run_cli(["keys", "create", "--role", "reader", "--name", "twice"], small_home)
    assert again.exit_code == 1 and "already exists" in again.stderr


def test_serve_with_two_workers_answers_on_loopback(small_home: Path) -> None:
    key = run_cli(["keys", "create", "--role", "reader", "--name", "serve-test"], small_home).stdout.splitlines()[-1]
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if k != "PROSCRIBE_DATABASE_URL"}
    server = subprocess.Popen(
        [sys.executable, "-m", "proscribe", "--home", str(small_home), "serve", "--port", str(port), "--workers", "2"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        assert _ready(base, server)
        found = httpx.post(
            f"{base}/screen", json={"name": "ZTE Corporation"}, headers={"Authorization": f"Bearer {key}"}
        )
        assert found.status_code == 200 and found.json()["alert"] is True
        assert httpx.post(f"{base}/screen", json={"name": "Hikvision"}).status_code == 401
        metrics = httpx.get(f"{base}/metrics").text
        assert "proscribe_http_requests_total" in metrics
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    logs = server.stderr.read().decode() if server.stderr else ""
    assert '"level": "info"' in logs  # structured JSON log lines


def _ready(base: str, server: subprocess.Popen[bytes], timeout: float = 60.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and server.poll() is None:
        try:
            if httpx.get(f"{base}/readyz", timeout=1).status_code == 200:
                return True
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    return False
