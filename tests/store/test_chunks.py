"""IN lists are split so a query never binds more parameters than the database takes."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from proscribe.store.db import chunks


@given(values=st.lists(st.integers()), size=st.integers(min_value=1, max_value=50))
def test_chunks_keep_every_value_in_order_and_none_is_longer_than_asked(values: list[int], size: int) -> None:
    parts = list(chunks(values, size))
    assert [v for part in parts for v in part] == values
    assert all(0 < len(part) <= size for part in parts)
