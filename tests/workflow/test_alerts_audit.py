"""Decisions, four-eyes approval, and an audit trail that names the first tampered event."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests.conftest import LISTS, CliResult

REGISTER = (
    "id,name,country\np1,ABDULHAI SALEK,AF\np2,GLOBAL RELIEF FOUNDATION,US\np3,JANAN AGHA,AF\np4,Acme Widgets,US\n"
)


@pytest.fixture
def alerted(cli: Callable[..., CliResult], tmp_path: Path) -> Callable[..., CliResult]:
    """A store with the UN list, a small register and the alerts of a first monitoring run."""
    assert cli("lists", "import", str(LISTS / "un")).exit_code == 0
    register = tmp_path / "register.csv"
    register.write_text(REGISTER)
    assert cli("parties", "import", str(register)).exit_code == 0
    run = cli("monitor", "run", "--json")
    assert run.exit_code == 0, run.stderr
    assert run.json()["alerts_opened"] == 3
    return cli


def test_decisions_four_eyes_and_a_closed_alert(alerted: Callable[..., CliResult]) -> None:
    cli = alerted
    ids = [a["id"] for a in cli("alerts", "list", "--json").json()]
    assert (
        cli("alerts", "decide", str(ids[0]), "--as", "true-match", "--note", "same DOB", "--actor", "ann").exit_code
        == 0
    )
    again = cli("alerts", "decide", str(ids[0]), "--as", "false-positive", "--note", "x", "--actor", "bob")
    assert again.exit_code == 1 and "already closed as true-match (by ann)" in again.stderr
    assert cli("config", "set", "four_eyes", "true", "--actor", "admin").exit_code == 0
    assert (
        cli("alerts", "decide", str(ids[1]), "--as", "false-positive", "--note", "n", "--actor", "ann").exit_code == 0
    )
    assert cli("alerts", "list", "--status", "pending-approval", "--json").json()[0]["id"] == ids[1]
    own = cli("alerts", "approve", str(ids[1]), "--actor", "ann")
    assert own.exit_code == 1 and "a second person must approve" in own.stderr
    assert cli("alerts", "approve", str(ids[1]), "--actor", "bob").exit_code == 0
    shown = cli("alerts", "show", str(ids[1]), "--json").json()
    assert (shown["status"], shown["decided_by"], shown["approved_by"]) == ("false-positive", "ann", "bob")
    assert [h["action"] for h in shown["history"]] == ["alert.open", "alert.false-positive", "alert.approved"]
    # times carry their zone on every store (SQLite hands stored UTC times back without one)
    assert shown["created_at"].endswith("+00:00") and shown["decided_at"].endswith("+00:00")
    assert all(a["created_at"].endswith("+00:00") for a in cli("alerts", "list", "--json").json())
    assert cli("alerts", "decide", "999", "--as", "escalate", "--note", "n").stderr.strip() == "error: no alert 999"
    assert "unknown decision" in cli("alerts", "decide", str(ids[2]), "--as", "maybe", "--note", "n").stderr


@pytest.mark.parametrize(
    ("tamper", "bad_event"),
    [
        ("update audit_events set actor = 'mallory' where seq = 3", 3),
        ("update audit_events set payload = '{}' where seq = 2", 2),
        ("delete from audit_events where seq = 2", 2),
        ("delete from audit_events where seq = (select max(seq) from audit_events)", None),
        ("update audit_events set seq = seq + 1000 where seq = 2", 2),
    ],
)
def test_audit_verify_names_the_first_bad_event(
    alerted: Callable[..., CliResult], database_url: str, tamper: str, bad_event: int | None
) -> None:
    cli = alerted
    assert cli("audit", "verify").exit_code == 0
    events = cli("audit", "export").stdout.strip().splitlines()
    engine = create_engine(database_url)
    with engine.begin() as connection:
        connection.execute(text(tamper))
    engine.dispose()
    result = cli("audit", "verify")
    assert result.exit_code == 1
    expected = bad_event if bad_event is not None else len(events)
    assert f"audit trail broken at event {expected}:" in result.stderr


@pytest.mark.postgres
def test_concurrent_analysts_never_double_apply(postgres_schema_url: str, tmp_path: Path) -> None:
    """Four processes decide the same alerts at once on PostgreSQL: each alert is decided exactly once."""
    from tests.conftest import run_cli

    home = tmp_path / "home"
    assert run_cli(["lists", "import", str(LISTS / "un")], home, postgres_schema_url).exit_code == 0
    register = tmp_path / "register.csv"
    names = ["ABDULHAI SALEK", "JANAN AGHA", "GLOBAL RELIEF FOUNDATION", "ERIC BADEGE", "AL-HARAMAIN FOUNDATION"]
    register.write_text("id,name\n" + "".join(f"p{i},{n}\n" for i, n in enumerate(names)))
    assert run_cli(["parties", "import", str(register)], home, postgres_schema_url).exit_code == 0
    assert run_cli(["monitor", "run"], home, postgres_schema_url).exit_code == 0
    ids = [str(a["id"]) for a in run_cli(["alerts", "list", "--json"], home, postgres_schema_url).json()]
    assert len(ids) >= 4
    script = (
        "import sys\nfrom proscribe.cli.app import app\n"
        "for alert in sys.argv[2:]:\n"
        "    try:\n"
        "        app(['alerts', 'decide', alert, '--as', 'false-positive', '--note', 'race', '--actor', sys.argv[1]])\n"
        "    except SystemExit:\n"
        "        pass\n"
    )
    env = {**os.environ, "PROSCRIBE_HOME": str(home), "PROSCRIBE_DATABASE_URL": postgres_schema_url}
    workers = [
        subprocess.Popen([sys.executable, "-c", script, f"analyst{n}", *ids], env=env, stderr=subprocess.PIPE)
        for n in range(4)
    ]
    outputs = [w.communicate(timeout=120)[1].decode() for w in workers]
    alerts = run_cli(["alerts", "list", "--json"], home, postgres_schema_url).json()
    assert all(a["status"] == "false-positive" for a in alerts)
    engine = create_engine(postgres_schema_url)
    with engine.connect() as connection:
        decisions = connection.execute(
            text("select subject, count(*) from audit_events where action = 'alert.false-positive' group by subject")
        ).all()
    engine.dispose()
    assert sorted(s for s, _ in decisions) == sorted(f"alert/{i}" for i in ids)
    assert all(count == 1 for _, count in decisions)
    refused = sum(o.count("already closed") for o in outputs)
    assert refused == 3 * len(ids)
    assert run_cli(["audit", "verify"], home, postgres_schema_url).exit_code == 0
