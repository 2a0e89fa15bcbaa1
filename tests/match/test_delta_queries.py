"""Stage 2 of the delta bound: whether some parts that all reach one name together add what is needed."""

from __future__ import annotations

from itertools import combinations

from hypothesis import given
from hypothesis import strategies as st

from proscribe.match.delta_queries import _covered

parts_strategy = st.lists(
    st.tuples(
        st.integers(min_value=1, max_value=10).map(float),  # whole numbers: any order adds them up the same
        st.sets(st.integers(min_value=0, max_value=12), max_size=6),  # no names: a part that counts for nothing
    ),
    max_size=7,
)


def _by_every_set(parts: list[tuple[float, set[int]]], need: float) -> bool:
    """The same question asked of every set of parts."""
    for size in range(1, len(parts) + 1):
        for chosen in combinations(parts, size):
            if sum(gain for gain, _ in chosen) >= need and set.intersection(*(names for _, names in chosen)):
                return True
    return False


@given(parts=parts_strategy, need=st.floats(min_value=0.01, max_value=40.0, allow_nan=False))
def test_the_search_answers_as_every_set_of_parts_would(parts: list[tuple[float, set[int]]], need: float) -> None:
    assert _covered(parts, need) == _by_every_set(parts, need)


def test_parts_reaching_no_name_together_do_not_add_up() -> None:
    janet, christine, diaz = (3.9, {1}), (0.4, {2, 3}), (2.7, {4})
    assert not _covered([janet, christine, diaz], 6.0)  # 7.0 in all, but no name holds two of them
    assert _covered([janet, (2.7, {1, 4})], 6.0)  # JANET and DIAZ in name 1


def test_a_form_of_too_many_parts_is_left_to_the_per_name_stage() -> None:
    # twenty parts reach name 0 and twenty name 1: no name holds 21 of them, but the sum of all says it
    # might, and proving otherwise means trying sets of parts by the million
    many = [(1.0, {0})] * 20 + [(1.0, {1})] * 20
    assert not _by_every_set(many[:6] + many[20:26], 7)  # the same shape, small enough to try in full
    assert _covered(many, 21)  # undecided within SEARCH_LIMIT branches: kept, never dropped
    assert _covered(many, 20)  # and a set that is enough is found at once
