"""Run nomenklatura's LogicV1 and LogicV2 on the screening benchmark rows (peer comparison only).

Runs inside benchmarks/.venv-peers (see setup.sh), never imports proscribe: it reads the
listed entities as JSON lines (``Entity.to_dict``), converts them to FollowTheMoney
entities, and scores each benchmark row against candidates found by a neutral
blocking step (entities sharing a name word or its metaphone key with the row,
the 30 with the rarest shared keys), as yente's search would hand a matcher a
candidate set. Scoring throughput counts the matcher's comparisons only.

Usage: run_peers.py ENTITIES.jsonl untreated=FILE treated=FILE negatives=FILE [--quick]
Prints one JSON object: {"logic-v1": {...}, "logic-v2": {...}}.
"""

from __future__ import annotations

import csv
import json
import math
import sys
import time
from collections import Counter, defaultdict
from typing import Any

from followthemoney import model
from followthemoney.types import registry
from nomenklatura.matching import LogicV1, LogicV2
from normality import ascii_text
from rigour.text.phonetics import metaphone

SCHEMAS = {"person": "Person", "organization": "Organization", "vessel": "Vessel", "aircraft": "Airplane"}
THRESHOLD = 0.7  # yente's default match threshold
CANDIDATES = 30
NEGATIVES_SAMPLE = 5000  # LogicV2 compares a few dozen rows per second: a sample keeps the run under an hour


def words(name: str) -> list[str]:
    text = ascii_text(name or "") or ""
    return [w for w in "".join(c if c.isalnum() else " " for c in text.lower()).split() if len(w) >= 2]


def keys(name: str) -> set[str]:
    found: set[str] = set()
    for word in words(name):
        found.add(word)
        if word.isalpha() and len(word) >= 3:
            found.add("~" + metaphone(word))
    return found


def to_ftm(record: dict[str, Any]) -> Any:
    entity = model.make_entity(SCHEMAS.get(record["schema"], "LegalEntity"))
    entity.id = record["id"]
    for name in record.get("names", []):
        prop = {"weak": "weakAlias", "fka": "previousName"}.get(name.get("kind", "primary"), "alias")
        entity.add("name" if name.get("kind", "primary") == "primary" else prop, name["value"], quiet=True)
    if entity.schema.is_a("Person"):
        for date in record.get("birth_dates", []):
            entity.add("birthDate", date["value"], quiet=True)
        for code in record.get("nationalities", []) + record.get("citizenships", []):
            entity.add("nationality", code.lower(), quiet=True)
    for address in record.get("addresses", []):
        if address.get("country"):
            entity.add("country", address["country"].lower(), quiet=True)
    return entity


def query_entity(row: dict[str, str], number: int) -> Any:
    entity = model.make_entity("Person")
    entity.id = f"row-{number}"
    entity.add("name", row["full_name"])
    if row.get("date_of_birth"):
        entity.add("birthDate", row["date_of_birth"], quiet=True)
    if row.get("nationality"):
        code = registry.country.clean(row["nationality"])
        if code:
            entity.add("nationality", code, quiet=True)
    return entity


def read_rows(path: str) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def main(argv: list[str]) -> int:
    entities_path, *rest = argv
    files = dict(arg.split("=", 1) for arg in rest if "=" in arg)
    quick = "--quick" in rest
    with open(entities_path, encoding="utf-8") as handle:
        records = [json.loads(line) for line in handle]
    entities = {record["id"]: to_ftm(record) for record in records}
    postings: dict[str, set[str]] = defaultdict(set)
    for record in records:
        for name in record.get("names", []):
            for key in keys(name["value"]):
                postings[key].add(record["id"])
    rarity = {key: math.log(len(entities) / len(ids)) for key, ids in postings.items()}

    def candidates(name: str) -> list[str]:
        score: Counter[str] = Counter()
        for key in keys(name):
            for entity_id in postings.get(key, ()):
                score[entity_id] += rarity[key]
        return [entity_id for entity_id, _ in score.most_common(CANDIDATES)]

    un_by_name: dict[str, set[str]] = defaultdict(set)
    for record in records:
        if record["source"].startswith("un_"):
            for name in record.get("names", []):
                un_by_name[" ".join(name["value"].casefold().split())].add(record["id"])
    untreated = read_rows(files["untreated"])
    truth = [un_by_name.get(" ".join(r["full_name"].casefold().split()), set()) for r in untreated]
    treated = read_rows(files["treated"])
    negatives = read_rows(files["negatives"])
    negatives = negatives[: 1000 if quick else NEGATIVES_SAMPLE]

    results: dict[str, dict[str, float]] = {}
    for algorithm in (LogicV1, LogicV2):
        config = algorithm.default_config()
        seconds = 0.0
        compared = 0

        def best(
            row: dict[str, str], number: int, algorithm: Any = algorithm, config: Any = config
        ) -> dict[str, float]:
            nonlocal seconds, compared
            query = query_entity(row, number)
            found: dict[str, float] = {}
            for entity_id in candidates(row["full_name"]):
                start = time.perf_counter()
                found[entity_id] = algorithm.compare(query, entities[entity_id], config).score
                seconds += time.perf_counter() - start
            compared += 1
            return found

        recall: dict[str, float] = {}
        for label, rows in (("untreated", untreated), ("treated", treated)):
            hits = scored = 0
            for number, (row, wanted) in enumerate(zip(rows, truth, strict=True), start=1):
                if not wanted:
                    continue
                scored += 1
                scores = best(row, number)
                hits += any(scores.get(entity_id, 0.0) >= THRESHOLD for entity_id in wanted)
            recall[label] = hits / scored if scored else 0.0
        alerts = sum(
            any(score >= THRESHOLD for score in best(row, n).values()) for n, row in enumerate(negatives, start=1)
        )
        results[algorithm.NAME] = {
            "recall_untreated": recall["untreated"],
            "recall_treated": recall["treated"],
            "alert_rate": alerts / len(negatives),
            "negatives": float(len(negatives)),
            "rows_per_second": compared / seconds if seconds else 0.0,
            "threshold": THRESHOLD,
        }
        print(algorithm.NAME, results[algorithm.NAME], file=sys.stderr, flush=True)
    print(json.dumps(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
