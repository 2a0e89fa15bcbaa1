"""What screening reads of an entry, kept with each stored version: the index reads nothing else, two versions
compare as monitoring needs, and a store made before it was kept gets it when migrated."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, text

from proscribe.match import build_index
from proscribe.match.index import ScreeningIndex
from proscribe.model import Address, Entity, Name, NameKind, Schema
from proscribe.sources import FORMATS
from proscribe.sources.detect import scan
from proscribe.store.db import MIGRATIONS, open_engine
from proscribe.store.screened import NEW, UNSCORED, ScreenedChange, screened_change, screened_content
from tests.conftest import LISTS


@pytest.fixture(scope="module")
def sdn() -> list[Entity]:
    entities: list[Entity] = []
    for list_file in scan([LISTS / "ofac" / name for name in ("sdn.csv", "add.csv", "alt.csv")]).lists:
        entities.extend(FORMATS[list_file.format].parse(list_file))
    return entities[:3000]


def _shown_only(entity: Entity, number: int) -> Entity:
    """``entity`` with everything screening shows but never scores changed."""
    return dataclasses.replace(
        entity,
        programs=[*entity.programs, f"PROGRAM{number}"],
        remarks=f"changed remark {number}",
        titles=["Dr."],
        gender="female" if entity.gender != "female" else "male",
        listed_on="2001-01-01",
        attributes={"note": [str(number)]},
        raw={"changed": number},
        birth_places=["Somewhere"],
        names=[dataclasses.replace(name, script="Latn", lang="en") for name in entity.names],
        addresses=[
            *(dataclasses.replace(a, street=f"{number} Other Street", city="Elsewhere") for a in entity.addresses),
            Address(street="No country given"),
        ],
    )


def _scored(index: ScreeningIndex) -> tuple[object, ...]:
    """Everything a screening reads of the index's entries (not what it shows)."""
    return (
        index.entity_ids,
        index.entity_facts,
        index.name_entity,
        index.name_text,
        index.name_tokens,
        index.name_kinds,
        index.name_weights,
        index.name_weak,
        index.vocab,
        index.vocab_symbols,
    )


def test_the_index_reads_nothing_of_an_entry_but_what_is_kept(sdn: list[Entity]) -> None:
    altered = [_shown_only(entity, number) for number, entity in enumerate(sdn)]
    assert [screened_content(e) for e in sdn] == [screened_content(e) for e in altered]
    assert _scored(build_index(sdn)) == _scored(build_index(altered))


def test_versions_compare_by_what_screening_reads(sdn: list[Entity]) -> None:
    person = next(e for e in sdn if e.schema is Schema.PERSON and e.names and not e.birth_dates)
    stored = screened_content(person)
    assert screened_change(stored, stored) == UNSCORED
    assert screened_change(stored, screened_content(_shown_only(person, 1))) == UNSCORED
    alias = Name("ZORBA QUENTIN", NameKind.AKA)
    renamed = dataclasses.replace(person, names=[*person.names, alias])
    assert screened_change(stored, screened_content(renamed)) == ScreenedChange(
        frozenset({("ZORBA QUENTIN", False)}), False
    )
    weakened = dataclasses.replace(person, names=[dataclasses.replace(n, kind=NameKind.WEAK) for n in person.names])
    assert screened_change(screened_content(weakened), stored).gained == {(n.value, False) for n in person.names}
    assert screened_change(stored, screened_content(weakened)).gained == {(n.value, True) for n in person.names}
    moved = dataclasses.replace(person, nationalities=[*person.nationalities, "ZZ"])
    assert screened_change(stored, screened_content(moved)) == ScreenedChange(frozenset(), True)
    retyped = dataclasses.replace(person, schema=Schema.ORGANIZATION)
    assert screened_change(stored, screened_content(retyped)) == NEW
    assert screened_change(None, stored) == NEW  # stored before this was kept
    assert screened_change(stored.replace("v1 ", "v0 ", 1), stored) == NEW  # kept by another version
    assert screened_change("{}", stored) == NEW
    assert screened_change(stored.rsplit(" ", 1)[0] + " [not json", stored) == NEW


def test_a_store_made_before_gets_what_screening_reads_when_migrated(tmp_path: Path, sdn: list[Entity]) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = create_engine(url)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0006_party_forms")
        for number, entity in enumerate(sdn[:50]):
            connection.execute(
                text("insert into entity_records values (:key, :id, :schema, :caption, :data)"),
                {
                    "key": f"h{number}",
                    "id": entity.id,
                    "schema": entity.schema.value,
                    "caption": entity.caption,
                    "data": json.dumps(entity.to_dict()),
                },
            )
    engine.dispose()
    migrated = open_engine(url)
    with migrated.connect() as connection:
        rows = connection.execute(text("select record_hash, screened from entity_records")).all()
    migrated.dispose()
    expected = {f"h{number}": screened_content(entity) for number, entity in enumerate(sdn[:50])}
    assert dict(rows) == expected
