"""Streaming the records of a large XML list: one entity per record, memory flat, failures one line each.

The UN and EU lists are single XML documents of many megabytes. Their parsers
walk them with ``iterparse``, turn each complete record into an entity and
free it at once. What they share is here: the loop that refuses a publisher id
met twice (naming both lines), frees each record, and turns any XML or file
error into a :class:`ListFormatError` that names the file and, where lxml knows
it, the line.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from lxml import etree

from proscribe.model import Entity
from proscribe.sources.base import ListFormatError


def stream_entities(
    path: Path,
    records: Iterator[Any],
    to_entity: Callable[[Path, Any], Entity],
    id_label: str,
    where: Callable[[Any], str],
) -> Iterator[Entity]:
    """Yield ``to_entity`` of each record; ``id_label`` names the publisher's id in the repeat message."""
    seen: dict[str, int | None] = {}
    try:
        for record in records:
            entity = to_entity(path, record)
            if entity.source_id in seen:
                first = seen[entity.source_id]
                raise ListFormatError(
                    path, where(record), f"{id_label} {entity.source_id} repeats the record at line {first}"
                )
            seen[entity.source_id] = record.sourceline
            release(record)
            yield entity
    except etree.XMLSyntaxError as error:
        line = error.lineno if isinstance(error.lineno, int) and error.lineno else None
        reason = re.sub(r",? line \d+, column \d+$", "", str(error.msg or error)).strip() or "malformed document"
        raise ListFormatError(path, f"line {line}" if line else None, f"not well-formed XML: {reason}") from None
    except etree.LxmlError as error:
        raise ListFormatError(path, None, f"not readable as XML: {error}") from None
    except OSError as error:
        raise ListFormatError(path, None, f"cannot read the file: {error.strerror or error}") from None


def release(record: Any) -> None:
    """Free a converted record and the siblings before it, so the parsed tree never grows."""
    record.clear(keep_tail=False)
    parent = record.getparent()
    while parent is not None and record.getprevious() is not None:
        del parent[0]
