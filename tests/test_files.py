"""A file the project writes for itself is replaced whole or not at all."""

from __future__ import annotations

from pathlib import Path

import pytest

from proscribe.files import written_aside


def test_the_new_bytes_replace_the_file_when_the_block_ends(tmp_path: Path) -> None:
    target = tmp_path / "cache" / "words.bin"  # its folder is made as needed
    with written_aside(target) as stream:
        stream.write(b"first")
    with written_aside(target) as stream:
        stream.write(b"second")
        assert target.read_bytes() == b"first"  # a reader meanwhile sees the old file whole
    assert target.read_bytes() == b"second"
    assert [p.name for p in target.parent.iterdir()] == ["words.bin"]


def test_a_failed_write_leaves_the_old_file_and_no_scrap(tmp_path: Path) -> None:
    target = tmp_path / "words.bin"
    target.write_bytes(b"kept")
    with pytest.raises(OSError), written_aside(target) as stream:
        stream.write(b"half")
        raise OSError("disk full")
    assert target.read_bytes() == b"kept"
    assert [p.name for p in tmp_path.iterdir()] == ["words.bin"]
