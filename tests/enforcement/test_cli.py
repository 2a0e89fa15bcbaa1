"""The commands as a compliance officer types them: tx, ownership, ledger, reports."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.conftest import CliResult

Cli = Callable[..., CliResult]

BASE = {
    "amount": "1250.00",
    "currency": "USD",
    "date": "2026-11-20",
    "originator": {"name": "Justin Marsh", "country": "US"},
}


def tx(tx_id: str, **fields: Any) -> dict[str, Any]:
    return {"id": tx_id, **BASE, **fields}


def write_jsonl(path: Path, records: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def lines(path: Path) -> dict[str, dict[str, Any]]:
    found = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    return {line["id"]: line for line in found}


BOOK = [
    tx("cuba-bank", beneficiary={"name": "BANCO NACIONAL DE CUBA", "bank": "BANCO NACIONAL DE CUBA"}),
    tx(
        "hik-shares",
        kind="securities",
        isin="US0378331005",
        quantity="10",
        beneficiary={"name": "Hangzhou Hikvision Digital Technology Co., Ltd."},
    ),
    tx("hik-pay", beneficiary={"name": "Hangzhou Hikvision Digital Technology Co., Ltd."}, purpose="CCTV cameras"),
    tx("clean", beneficiary={"name": "Isabella Joaquin Torres", "country": "CL"}, purpose="rent"),
    tx("iran", beneficiary={"name": "Isabella Joaquin Torres", "country": "IR"}),
    tx("crimea", beneficiary={"name": "Isabella Joaquin Torres", "address": "5 Pushkin st, Simferopol"}),
    tx("mention", beneficiary={"name": "Isabella Joaquin Torres"}, remittance_info="charter of MAHAN AIR aircraft"),
]


def test_tx_screen_decisions_replay_and_refusals(home_cli: Cli, tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "book.jsonl", BOOK)
    out = tmp_path / "out.jsonl"
    result = home_cli("tx", "screen", source, "--output", out)
    assert result.exit_code == 0, result.stderr
    decided = lines(out)
    assert {k: v["decision"] for k, v in decided.items()} == {
        "cuba-bank": "block",
        "hik-shares": "reject",
        "hik-pay": "hold",
        "clean": "pass",
        "iran": "reject",
        "crimea": "reject",
        "mention": "hold",
    }
    hit = next(h for h in decided["cuba-bank"]["hits"] if h["field"] == "beneficiary.name")
    assert hit == {
        "field": "beneficiary.name",
        "entity_id": "us_ofac_sdn-306",
        "score": hit["score"],
        "programs": ["CUBA"],
    }
    assert {h["field"] for h in decided["cuba-bank"]["hits"]} == {"beneficiary.name", "beneficiary.bank"}
    assert any("rule us_ofac_sdn:* -> block" in r for r in decided["cuba-bank"]["reasons"])
    assert any("NS-CMIC securities purchase prohibited" in r for r in decided["hik-shares"]["reasons"])
    assert "7 transactions: 7 screened (pass 1, hold 2, reject 3, block 1)" in result.stderr

    again = tmp_path / "again.jsonl"
    replay = home_cli("tx", "screen", source, "--output", again)
    assert replay.exit_code == 0 and "0 screened" in replay.stderr and "7 replayed" in replay.stderr
    assert again.read_text() == out.read_text()
    listed = home_cli("ledger", "list", "--json").json()
    assert [p["tx_id"] for p in listed] == ["cuba-bank"]
    actions = [json.loads(x)["action"] for x in home_cli("audit", "export").stdout.splitlines()]
    assert [actions.count(a) for a in ("tx.block", "tx.reject", "tx.hold", "tx.screen")] == [1, 3, 2, 2]

    changed = write_jsonl(
        tmp_path / "changed.jsonl",
        [
            tx(
                "cuba-bank",
                beneficiary={"name": "BANCO NACIONAL DE CUBA", "bank": "BANCO NACIONAL DE CUBA"},
                amount="1300.00",
            ),
            tx("new-1", beneficiary={"name": "Isabella Joaquin Torres"}, amount="-5"),
            tx("new-2", beneficiary={"name": "Isabella Joaquin Torres"}, currency="XXQ"),
            tx("new-3", beneficiary={"name": "Isabella Joaquin Torres"}, date="2099-01-01"),
            tx("new-4", beneficiary={"name": "Isabella Joaquin Torres"}),
        ],
    )
    refused = home_cli("tx", "screen", changed)
    assert refused.exit_code == 1
    errors = [line for line in refused.stderr.splitlines() if line.startswith("error: ")]
    assert errors[0].startswith(f"error: {changed}:1: transaction id 'cuba-bank' was screened before on ")
    assert errors[0].endswith("with different content (amount differ); a new transaction needs a new id")
    assert errors[1] == f"error: {changed}:2: amount: '-5' is negative"
    assert errors[2] == f"error: {changed}:3: currency: 'XXQ' is not an ISO 4217 currency code"
    assert errors[3].startswith(f"error: {changed}:4: date: 2099-01-01 is in the future")
    assert [json.loads(x)["id"] for x in refused.stdout.splitlines()] == ["new-4"]

    shown = home_cli("tx", "show", "hik-pay", "--json").json()
    assert shown["decision"] == "hold" and shown["alerts"] and shown["alerts"][0]["status"] == "open"
    assert home_cli("tx", "resolve", "hik-pay", "--as", "reject", "--note", "confirmed: Hikvision").exit_code == 0
    twice = home_cli("tx", "resolve", "hik-pay", "--as", "pass", "--note", "again")
    assert twice.exit_code == 1 and "already resolved as reject" in twice.stderr
    assert home_cli("tx", "alerts", "--json").json() == [
        a for a in home_cli("tx", "alerts", "--json").json() if a["tx_id"] != "hik-pay"
    ]


def test_csv_flattened_input(home_cli: Cli, tmp_path: Path) -> None:
    source = tmp_path / "book.csv"
    with source.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            [
                "id",
                "amount",
                "currency",
                "date",
                "originator_name",
                "originator_country",
                "beneficiary_name",
                "beneficiary_country",
                "beneficiary_bank",
                "beneficiary_bic",
                "purpose",
            ]
        )
        writer.writerow(
            ["c1", "10.00", "USD", "2026-11-02", "Justin Marsh", "US", "BANCO NACIONAL DE CUBA", "", "", "", "x"]
        )
        writer.writerow(
            [
                "c2",
                "10.00",
                "USD",
                "2026-11-02",
                "Justin Marsh",
                "US",
                "Isabella Joaquin Torres",
                "CL",
                "Harbor Savings Bank",
                "HSBKUS33",
                "rent",
            ]
        )
        writer.writerow(["c3", "ten", "USD", "2026-11-02", "Justin Marsh", "US", "X", "", "", "", ""])
    result = home_cli("tx", "screen", source)
    assert result.exit_code == 1
    assert f"error: {source}:4: amount: 'ten' is not a number" in result.stderr
    decided = {json.loads(x)["id"]: json.loads(x)["decision"] for x in result.stdout.splitlines()}
    assert decided == {"c1": "block", "c2": "pass"}


def test_ownership_import_explain_and_screening(home_cli: Cli, tmp_path: Path) -> None:
    links = tmp_path / "owners.csv"
    links.write_text(
        "owner,owned,share_percent,source\n"
        "us_ofac_sdn-306,Gamma Holdings Ltd,60,company registry 2026\n"
        "Gamma Holdings Ltd,Delta Trading Ltd,50,company registry 2026\n"
        "us_ofac_cons-30946,Hikvision Europe Holding BV,100,annual report\n",
        encoding="utf-8",
    )
    imported = home_cli("ownership", "import", links)
    assert imported.exit_code == 0 and "3 added" in imported.stdout
    explained = home_cli("ownership", "explain", "Delta Trading Ltd")
    assert explained.exit_code == 0
    assert "BLOCKED (blocked under the 50 percent rule; programs CUBA)" in explained.stdout
    assert "50 % (Gamma Holdings Ltd) = 50 % >= 50 %: blocked" in explained.stdout
    assert "60 % (BANCO NACIONAL DE CUBA) = 60 % >= 50 %: blocked" in explained.stdout
    not_extended = home_cli("ownership", "explain", "Hikvision Europe Holding BV")
    assert "NOT blocked" in not_extended.stdout and "not a blocking program" in not_extended.stdout
    source = write_jsonl(tmp_path / "t.jsonl", [tx("own-1", beneficiary={"name": "DELTA TRADING LTD"})])
    screened = home_cli("tx", "screen", source)
    line = json.loads(screened.stdout)
    assert line["decision"] == "block" and line["hits"][0]["entity_id"] == "party:delta trading ltd"
    assert "50 percent rule" in line["reasons"][0]
    bad = tmp_path / "bad.csv"
    bad.write_text("owner,owned,share_percent,source\nus_ofac_sdn-306,X,150,r\n", encoding="utf-8")
    refused = home_cli("ownership", "import", bad)
    assert refused.exit_code == 1 and f"error: {bad}:2: share_percent 150 is outside (0, 100]" in refused.stderr
    unknown = tmp_path / "unknown.csv"
    unknown.write_text("owner,owned,share_percent,source\nus_ofac_sdn-99999999,X,50,r\n", encoding="utf-8")
    assert "no current list entry 'us_ofac_sdn-99999999'" in home_cli("ownership", "import", unknown).stderr


def test_ledger_commands_policy_and_reports(home_cli: Cli, tmp_path: Path) -> None:
    recorded = home_cli(
        "ledger",
        "record",
        "goods",
        "--owner",
        "Zhejiang Dahua Technology Co., Ltd.",
        "--program",
        "SDGT",
        "--quantity",
        "40",
        "--description",
        "40 crates of network cameras",
        "--location",
        "Warehouse 7, Newark NJ",
        "--value",
        "52000",
        "--value-currency",
        "USD",
        "--on",
        "2026-06-01",
    )
    assert recorded.exit_code == 0 and recorded.stdout.startswith("BP-1:")
    funds = home_cli(
        "ledger",
        "record",
        "funds",
        "--owner",
        "MAHAN AIR",
        "--owner-id",
        "us_ofac_sdn-12927",
        "--program",
        "SDGT",
        "--amount",
        "1000.00",
        "--currency",
        "USD",
        "--on",
        "2026-05-04",
    )
    assert funds.exit_code == 0
    assert home_cli("ledger", "interest", "BP-2", "1.25", "--on", "2026-06-01").exit_code == 0
    nolicence = home_cli("ledger", "release", "BP-2", "100", "--on", "2026-06-02")
    assert nolicence.exit_code == 1 and "needs the licence" in nolicence.stderr
    assert home_cli("ledger", "release", "BP-2", "100", "--licence", "MUL-2026-1", "--on", "2026-06-02").exit_code == 0
    assert "balance 0" in home_cli("ledger", "unblock", "BP-1", "--notice", "FR 2026-1", "--on", "2026-07-01").stdout
    check = home_cli("ledger", "check")
    assert check.exit_code == 0 and "ledger consistent" in check.stdout and "901.25 USD" in check.stdout
    listed = {p["reference"]: p for p in home_cli("ledger", "list", "--json", "--as-of", "2026-06-30").json()}
    assert listed["BP-1"]["status"] == "blocked" and listed["BP-2"]["balance"] == "901.25"

    home_cli("reports", "filer", "--name", "Example Bank, N.A.", "--address", "1 Main St", "--contact", "J. Doe")
    annual = home_cli("reports", "annual", "--year", "2026", "--output", tmp_path / "r")
    assert annual.exit_code == 0 and "2 record(s)" in annual.stdout
    assert (tmp_path / "r" / "annual_blocked_property.pdf").stat().st_size > 1000
    blocked = home_cli("reports", "blocked", "--output", tmp_path / "r", "--from", "2026-06-01", "--to", "2026-06-30")
    assert "1 record(s)" in blocked.stdout

    policy = home_cli("tx", "policy", "show", "--json").json()
    policy["program_rules"].insert(0, {"action": "reject", "source": "us_ofac_cons", "program": "CMIC*"})
    document = tmp_path / "policy.json"
    document.write_text(json.dumps(policy), encoding="utf-8")
    assert home_cli("tx", "policy", "set", document).exit_code == 0
    source = write_jsonl(
        tmp_path / "p.jsonl", [tx("p1", beneficiary={"name": "Hangzhou Hikvision Digital Technology Co., Ltd."})]
    )
    assert json.loads(home_cli("tx", "screen", source).stdout)["decision"] == "reject"
    document.write_text('{"program_rules": [{"action": "freeze"}]}', encoding="utf-8")
    bad = home_cli("tx", "policy", "set", document)
    assert bad.exit_code == 1 and "program_rules[1].action: 'freeze'" in bad.stderr
    assert home_cli("tx", "policy", "reset").exit_code == 0
    events = [e for e in home_cli("audit", "export").stdout.splitlines() if '"config.set"' in e]
    assert len(events) == 3  # filer, policy set, policy reset


def test_python_api(home: Path) -> None:
    from proscribe.enforcement import screen_transactions

    lines = screen_transactions(
        [tx("api-1", beneficiary={"name": "MAHAN AIR"}), tx("api-2", beneficiary={"name": "Isabella Joaquin Torres"})],
        home=home,
        actor="api-test",
    )
    assert [(line["id"], line["decision"]) for line in lines] == [("api-1", "block"), ("api-2", "pass")]
    again = screen_transactions([tx("api-1", beneficiary={"name": "MAHAN AIR"})], home=home)
    assert again == lines[:1]  # an identical replay gives the same line and records nothing new


def test_a_hold_chosen_by_a_place_is_blocked_on_review_under_that_places_party(home_cli: Cli, tmp_path: Path) -> None:
    """A country rule that holds names nobody on a list: blocking it on review makes the place's party the owner."""
    policy = home_cli("tx", "policy", "show", "--json").json()
    policy["country_rules"].append({"territory": "SY", "action": "hold", "program": "SYRIA (review)"})
    document = tmp_path / "policy.json"
    document.write_text(json.dumps(policy), encoding="utf-8")
    assert home_cli("tx", "policy", "set", document).exit_code == 0
    source = write_jsonl(
        tmp_path / "sy.jsonl", [tx("sy-1", beneficiary={"name": "Isabella Joaquin Torres", "country": "SY"})]
    )
    assert json.loads(home_cli("tx", "screen", source).stdout)["decision"] == "hold"
    # no listed name, so no alert: the review queue lists the hold by transaction
    assert "sy-1" not in {a["tx_id"] for a in home_cli("tx", "alerts", "--json").json()}
    queue = {h["id"]: h for h in home_cli("tx", "holds", "--json").json()}
    assert queue["sy-1"]["status"] == "open" and "SYRIA (review)" in " ".join(queue["sy-1"]["reasons"])
    resolved = home_cli("tx", "resolve", "sy-1", "--as", "block", "--note", "Syrian interest confirmed")
    assert resolved.exit_code == 0, resolved.stderr
    listed = home_cli("ledger", "list", "--json").json()
    owned = [p for p in listed if p.get("tx_id") == "sy-1"]
    assert owned and owned[0]["owner_name"] == "Isabella Joaquin Torres", listed
    assert home_cli("ledger", "check").exit_code == 0
    assert "sy-1" not in {h["id"] for h in home_cli("tx", "holds", "--json").json()}
    done = {h["id"]: h for h in home_cli("tx", "holds", "--status", "resolved", "--json").json()}
    assert done["sy-1"]["resolution"]["decision"] == "block"
    assert home_cli("tx", "holds", "--status", "maybe").exit_code == 1
