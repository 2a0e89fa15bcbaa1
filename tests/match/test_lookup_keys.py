"""Lookup keys: words filed under them come back from their stored form as they were, and two words meeting
under them tell the similarity what it would find itself."""

from __future__ import annotations

import marshal

from hypothesis import given
from hypothesis import strategies as st

from proscribe.match.keys import token_similarity
from proscribe.match.lookup_keys import FiledQueries, filed_keys, query_keys
from proscribe.match.normalize import name_forms

_WORDS = st.text(alphabet="abcdefghijklmnopqrstuvwxyzéöß", min_size=1, max_size=12)


@given(st.lists(_WORDS, max_size=40))
def test_filed_words_come_back_from_the_file_as_they_were(words: list[str]) -> None:
    tokens = [token for form in name_forms(" ".join(words), "Person") for token in form.tokens] if words else []
    filed = FiledQueries.of(tokens)
    again = FiledQueries.from_data(marshal.loads(marshal.dumps(filed.to_data())))
    assert again == filed


_SOUNDING = st.text(alphabet="abdhkmnorstuwy", min_size=1, max_size=10)  # few letters: keys often agree


@given(query=_SOUNDING, candidate=_SOUNDING, consonantal=st.booleans(), mode=st.sampled_from(["word", "syllable"]))
def test_keys_met_tell_the_similarity_what_it_would_find(
    query: str, candidate: str, consonantal: bool, mode: str
) -> None:
    """A query word and a listed word meeting under a sound key or a skeleton key agree there as
    ``token_similarity`` checks it; so a caller that met them through their keys may say so instead."""
    looked_up = query_keys(query, consonantal, mode)
    _deletions, sound, skeletons = filed_keys(candidate, merged=False)
    agree = (bool(sound) and looked_up.sound == sound, not set(looked_up.skeletons).isdisjoint(skeletons))
    alone = token_similarity(query, candidate, consonantal=consonantal, mode=mode)
    assert token_similarity(query, candidate, consonantal=consonantal, mode=mode, keys_agree=agree) == alone
