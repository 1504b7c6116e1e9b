"""Search without a screen (tui/session/search.py): the hits of a query, and where `n` and `N` go
from the cursor, wrapping around at either end."""

from __future__ import annotations

from tests.conftest import write_article
from tui.formats.readers import read_article
from tui.model.tokens import TextIndex
from tui.session.search import SearchState, text_hits

TEXT = "Acme grew. Then Acme shrank, and acme left.\n\nNobody missed ACME."


def starts(text: str, word: str) -> list[int]:
    return [start for start, _ in text_hits(text, word)]


def test_text_hits_ignore_case_and_find_nothing_for_blanks():
    assert starts(TEXT, "acme") == [0, 16, 33, 59]
    assert text_hits(TEXT, "  ") == []
    assert text_hits(TEXT, "a.c") == []  # the query is words, not a pattern


def test_a_new_search_starts_at_the_first_hit_from_the_cursor_and_wraps(tmp_path):
    state = SearchState()
    hits = text_hits(TEXT, "acme")
    assert state.start("acme", "text", hits, cursor=17) == 2
    assert state.start("acme", "text", hits, cursor=60) == 0  # past the last hit: back to the first
    assert state.start("zebra", "text", [], cursor=0) is None and state.position == -1
    assert (state.query, state.scope, state.hits) == ("zebra", "text", ())


def test_n_and_shift_n_step_from_the_hit_shown_or_else_from_the_cursor(tmp_path):
    index = TextIndex(read_article(write_article(tmp_path, TEXT)))
    state = SearchState()
    hits = text_hits(TEXT, "acme")
    assert state.step(1, cursor=0, text_index=index) is None  # no search yet
    state.start("acme", "text", hits, cursor=0)
    assert state.position == 0 and state.describe() == "hit 1/4 for “acme” in the text"
    assert state.step(1, cursor=0, text_index=index) == 1  # the cursor is on the hit shown: the next one
    assert state.step(1, cursor=16, text_index=index) == 2
    assert state.step(-1, cursor=33, text_index=index) == 1
    assert state.step(-1, cursor=16, text_index=index) == 0
    assert state.step(-1, cursor=0, text_index=index) == 3  # wraps to the last
    assert state.step(1, cursor=59, text_index=index) == 0  # and back to the first
    # The cursor moved elsewhere: the next hit after it, or the last one before it.
    assert state.step(1, cursor=45, text_index=index) == 3
    assert state.step(-1, cursor=20, text_index=index) == 1
    assert state.describe() == "hit 2/4 for “acme” in the text"
