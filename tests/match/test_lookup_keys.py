"""Query words filed under their lookup keys come back from their stored form as they were."""

from __future__ import annotations

import marshal

from hypothesis import given
from hypothesis import strategies as st

from proscribe.match.lookup_keys import FiledQueries
from proscribe.match.normalize import name_forms

_WORDS = st.text(alphabet="abcdefghijklmnopqrstuvwxyzéöß", min_size=1, max_size=12)


@given(st.lists(_WORDS, max_size=40))
def test_filed_words_come_back_from_the_file_as_they_were(words: list[str]) -> None:
    tokens = [token for form in name_forms(" ".join(words), "Person") for token in form.tokens] if words else []
    filed = FiledQueries.of(tokens)
    again = FiledQueries.from_data(marshal.loads(marshal.dumps(filed.to_data())))
    assert again == filed
