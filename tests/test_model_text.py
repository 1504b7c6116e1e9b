"""Tokens, sentences, snapping and wrapping: the units the cursor moves by and rows are drawn from."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from tui.model.display import char_cells, display_text, placeholder
from tui.model.document import Document
from tui.model.sentences import split_sentences
from tui.model.tokens import TextIndex, tokenize
from tui.model.wrap import wrap_paragraph


def words(text: str) -> list[str]:
    return [text[t.start : t.end] for t in tokenize(text)]


def test_tokens_split_possessives_and_keep_abbreviations_and_hyphens():
    assert words("Amazon’s one-year U.S. deal, 20%") == ["Amazon", "’s", "one-year", "U.S.", "deal", ",", "20", "%"]


def test_cjk_characters_are_tokens_of_their_own():
    assert words("東京 is big") == ["東", "京", "is", "big"]


def test_sentences_do_not_break_after_dotted_abbreviations_or_titles():
    text = "Isedua Oribhabor, U.S. Policy Analyst, spoke. Dr. Smith replied! Then “Quoted.” Next one"
    assert [text[s:e] for s, e in split_sentences(text)] == [
        "Isedua Oribhabor, U.S. Policy Analyst, spoke.",
        "Dr. Smith replied!",
        "Then “Quoted.”",
        "Next one",
    ]


def test_snap_grows_a_partial_selection_to_whole_tokens():
    document = Document("The moratorium began Wednesday.", "t", "s")
    index = TextIndex(document)
    assert index.snap(6, 9) == (4, 14)  # "orat" inside "moratorium"
    assert index.snap(4, 14) == (4, 14)


def test_navigation_crosses_paragraphs_and_skips_blank_lines():
    document = Document("First one. Second one.\n\nNext para here.", "t", "s")
    index = TextIndex(document)
    assert index.sentence_starts_around(0, forward=True) == 11
    assert index.sentence_starts_around(11, forward=True) == 24
    assert index.paragraph_starts_around(3, forward=True) == 24
    assert index.paragraph_starts_around(24, forward=False) == 0
    assert index.next_token(21).start == 24  # from the final "." to the next paragraph
    assert index.previous_token(24).start == 21


def test_control_characters_are_shown_as_placeholders_of_the_same_length():
    shown = display_text("a\x1b[31mb\x07c\u202ed")
    assert "\x1b" not in shown and "\x07" not in shown and "\u202e" not in shown
    assert shown.startswith("a␛[31mb␇c")
    assert len(shown) == len("a\x1b[31mb\x07c\u202ed")


def test_cell_widths():
    assert char_cells("中") == 2
    assert char_cells("\u0301") == 0  # combining acute
    assert char_cells("😀") == 2
    assert char_cells("\t") == 4
    assert char_cells("a") == 1


paragraph_text = st.text(
    alphabet=st.sampled_from(list("ab cd ef   ") + ["中", "😀", "\u0301", "\t", "ש", "-", "“"]), min_size=0, max_size=80
)


@settings(max_examples=200, deadline=None)
@given(text=paragraph_text, width=st.integers(min_value=2, max_value=30))
def test_wrapped_rows_cover_every_character_once_and_fit_the_width(text, width):
    rows = wrap_paragraph(text, 0, len(text), width)
    assert rows[0].start == 0 and rows[-1].end == len(text)
    for previous, row in zip(rows, rows[1:]):
        assert previous.end == row.start
    for row in rows:
        body = text[row.start : row.end].rstrip(" ")
        cells = sum(char_cells(c) for c in body)
        # A row fits unless it is a single character wider than the width itself.
        assert cells <= width or len(body) == 1


@settings(max_examples=200, deadline=None)
@given(text=st.text(alphabet=st.sampled_from(list("ab \n\t\x07\x1b中\u202e\u200d\xa0\u2028")), max_size=40))
def test_display_text_replaces_exactly_the_characters_a_terminal_must_not_get(text):
    expected = "".join(" " * 4 if char == "\t" else placeholder(char) or char for char in text)
    assert display_text(text) == expected


@settings(max_examples=200, deadline=None)
@given(text=st.text(alphabet=st.sampled_from(list("ab \n")), max_size=40))
def test_paragraphs_are_the_lines_between_newlines_and_every_offset_finds_its_own(text):
    document = Document(text, "t", "s")
    lines, start = [], 0
    for index, line in enumerate(text.split("\n")):
        lines.append((index, start, start + len(line)))
        start += len(line) + 1
    paragraphs = document.paragraphs
    assert [tuple(paragraph) for paragraph in paragraphs] == lines
    assert len(paragraphs) == len(lines) and tuple(paragraphs[-1]) == lines[-1]
    assert [tuple(p) for p in paragraphs[1:3]] == lines[1:3]
    assert paragraphs.lengths() == [end - start for _, start, end in lines]
    for offset in range(len(text) + 1):
        paragraph = document.paragraph_at(offset)
        assert paragraph.start <= offset <= paragraph.end


@settings(max_examples=200, deadline=None)
@given(text=st.text(alphabet=st.sampled_from(list("ab \n")), min_size=1, max_size=40), data=st.data())
def test_the_runs_of_ranges_touch_exactly_the_paragraphs_the_ranges_touch_and_hold_every_range(text, data):
    """What the article redraws after a change: a batch of hundreds of suggestions is a few runs."""
    paragraphs = Document(text, "t", "s").paragraphs
    offsets = st.integers(0, len(text))
    ranges = data.draw(st.lists(st.tuples(offsets, offsets).map(sorted).map(tuple), max_size=12))
    runs = paragraphs.runs(ranges)
    touched = {i for start, end in ranges for i in range(paragraphs.index_at(start), paragraphs.index_at(max(start, end - 1)) + 1)}
    assert {i for first, last, _, _ in runs for i in range(first, last + 1)} == touched
    assert all(earlier[1] < later[0] for earlier, later in zip(runs, runs[1:]))  # in text order, apart
    for start, end in ranges:  # every range lies in one run, between its offsets
        assert any(low <= start and max(start, end - 1) <= high for _, _, low, high in runs)
    assert len(runs) <= len(ranges)
