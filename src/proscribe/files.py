"""Files the project writes for itself (indexes, caches, stamps): replaced whole or not at all."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO


@contextmanager
def written_aside(target: Path) -> Iterator[BinaryIO]:
    """A stream whose bytes replace ``target`` when the block ends without an error.

    They are written to a temporary file beside it and renamed over it, so a reader (another process, a
    later run) sees the old file or the new one, never half of one; a failed write leaves the old file.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=target.parent, prefix=target.name, suffix=".tmp")
    try:
        with os.fdopen(descriptor, "wb") as stream:
            yield stream
        os.replace(temporary, target)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
