"""The lazy layout gives the same rows as wrapping everything, whatever order rows are asked in;
every character maps to one (row, column) and back; a 1M-word text opens, moves and labels."""

from __future__ import annotations

from unittest.mock import patch

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import saved_annotations
from tui.model import document as document_module
from tui.model.display import char_cells
from tui.model.document import Document
from tui.model.layout import RowCounts, WrappedLayout
from tui.model.wrap import cell_offset, offset_at_cell, wrap_paragraph

alphabet = st.sampled_from(list("ab cd  e") + ["中", "😀", "e\u0301"[1], "\t", "ש", "ل", "\n", "\n\n"])
texts = st.lists(alphabet, min_size=1, max_size=300).map("".join)


def eager_rows(document: Document, width: int):
    return [row for p in document.paragraphs for row in wrap_paragraph(document.text, p.start, p.end, width, p.index)]


@settings(max_examples=120, deadline=None)
@given(text=texts, width=st.integers(4, 40), order=st.lists(st.integers(0, 400), max_size=40))
def test_lazy_rows_equal_eager_rows_in_any_order(text, width, order):
    document = Document(text, "t", "s")
    layout = WrappedLayout(document, width)
    expected = eager_rows(document, width)
    for number in order:  # random access first, while counts are still estimates
        row = layout.row(number)
        assert row is None or row in expected
    assert [layout.row(n) for n in range(len(expected))] == expected
    assert layout.total_rows == len(expected)
    assert layout.row(len(expected)) is None


@settings(max_examples=120, deadline=None)
@given(text=texts, width=st.integers(4, 40))
def test_every_character_maps_to_one_row_and_column_and_back(text, width):
    document = Document(text, "t", "s")
    layout = WrappedLayout(document, width)
    for offset, char in enumerate(text):
        if char == "\n":
            continue
        row = layout.row(layout.row_of(offset))
        assert row.start <= offset < row.end
        column = cell_offset(text, row.start, offset)
        if char_cells(char):  # zero-width marks share their base character's cell
            assert offset_at_cell(text, row, column) == offset


@settings(max_examples=60, deadline=None)
@given(counts=st.lists(st.integers(1, 6), min_size=1, max_size=50), updates=st.lists(st.tuples(st.integers(0, 49), st.integers(1, 6)), max_size=20))
def test_row_counts_find_the_paragraph_of_every_row(counts, updates):
    tree = RowCounts(counts)
    for index, count in updates:
        if index < len(counts):
            tree.set(index, count)
            counts[index] = count
    assert tree.total == sum(counts)
    for row in range(sum(counts)):
        paragraph = tree.paragraph_of_row(row)
        assert sum(counts[:paragraph]) <= row < sum(counts[: paragraph + 1])
        assert tree.rows_before(paragraph) == sum(counts[:paragraph])


def book_app(tmp_path, one_line: bool = False):
    """The app on a generated 1,000,000-word book (``one_line``: without a single newline),
    with its text and its database's path."""
    from benchmarks.generate import generate_text
    from tui.app import PostilApp
    from tui.formats.readers import read_article
    from tui.launch import open_session

    text, _ = generate_text(1_000_000)
    if one_line:
        text = " ".join(text.split())  # wrapped and tokenized piece by piece
    article = tmp_path / "book.txt"
    article.write_text(text, encoding="utf-8")
    db = tmp_path / "db.json"
    return PostilApp(open_session(db, read_article(article), annotator="tester")), text, db


async def test_a_million_word_text_opens_moves_and_labels(tmp_path):
    from tui.widgets.article_view import ArticleView

    app, text, db = book_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        view = app.query_one(ArticleView)
        assert view.render_line(0).text.strip().startswith(text[:20])
        await pilot.press("G")  # the last token: the final full stop
        assert view.cursor == len(text) - 1
        await pilot.press("h", "h", "k", "left_curly_bracket")  # back a paragraph
        paragraph_start = view.cursor
        assert text[paragraph_start - 2 : paragraph_start] == "\n\n"
        assert paragraph_start > len(text) - 2000
        await pilot.press("l", "v", "l", "2")
        await pilot.press("q")
    [record] = [r for r in saved_annotations(db) if r["status"] == "accepted"]
    start, end = record["start"], record["end"]
    assert start > paragraph_start and text[start:end] == record["quote"]["exact"]
    assert record["label"] == "ORG" and " " in record["quote"]["exact"]


async def test_a_million_word_text_on_a_single_line_opens_moves_and_labels(tmp_path):
    from tui.widgets.article_view import ArticleView

    app, text, db = book_app(tmp_path, one_line=True)
    async with app.run_test(size=(100, 30)) as pilot:
        view = app.query_one(ArticleView)
        assert view.render_line(0).text.strip().startswith(text[:20])
        await pilot.press("G")  # the last token: the final full stop
        assert view.cursor == len(text) - 1
        await pilot.press("k", "k", "h", "v", "l", "2")
        await pilot.press("q")
    [record] = [r for r in saved_annotations(db) if r["status"] == "accepted"]
    start, end = record["start"], record["end"]
    assert start > len(text) - 2000 and text[start:end] == record["quote"]["exact"]
    assert record["label"] == "ORG" and " " in record["quote"]["exact"]

@settings(max_examples=120, deadline=None)
@given(text=texts, width=st.integers(4, 40), longest=st.integers(3, 20))
def test_a_long_line_is_cut_into_paragraphs_that_tile_it_and_wrap_and_map_the_same(text, width, longest):
    with patch.object(document_module, "LONGEST_PARAGRAPH", longest):
        document = Document(text, "t", "s")
        paragraphs = list(document.paragraphs)
    assert all(paragraph.end - paragraph.start <= longest for paragraph in paragraphs)
    # Consecutive paragraphs either touch (two pieces of one line) or have one newline between.
    assert paragraphs[0].start == 0 and paragraphs[-1].end == len(text)
    for before, after in zip(paragraphs, paragraphs[1:]):
        assert after.start == before.end or (after.start == before.end + 1 and text[before.end] == "\n")
        assert "\n" not in text[before.start : before.end]
    layout = WrappedLayout(document, width)
    expected = eager_rows(document, width)
    assert [layout.row(n) for n in range(len(expected))] == expected
    for offset, char in enumerate(text):
        if char != "\n":
            row = layout.row(layout.row_of(offset))
            assert row.start <= offset < row.end


@settings(max_examples=120, deadline=None)
@given(text=st.lists(st.sampled_from(["Mr. Smith left. ", "Yes! ", "U.S. cases rose. ", "word ", "\n", "x" * 9]), max_size=40).map("".join), longest=st.integers(8, 60))
def test_whole_lines_are_found_from_any_piece_and_the_model_still_reads_lines(text, longest):
    with patch.object(document_module, "LONGEST_PARAGRAPH", longest):
        document = Document(text or "x", "t", "s")
        text = document.text
        lines, start = [], 0
        for line in text.split("\n"):
            lines.append((start, start + len(line)))
            start += len(line) + 1
        assert [(line.start, line.end) for line in document.paragraphs.lines()] == lines
        assert [line.index for line in document.paragraphs.lines()] == list(range(len(lines)))
        for offset in range(len(text) + 1):
            line = document.line_at(offset)
            assert (line.start, line.end) in lines and line.start <= offset <= line.end
        from tui.nlp.analysis import non_blank_paragraphs

        units = non_blank_paragraphs(document)
        assert all(lines[unit.index][0] <= unit.start < unit.end <= lines[unit.index][1] for unit in units)


def test_a_long_line_is_cut_where_a_sentence_starts_and_motion_goes_by_whole_lines():
    sentence = "Then Mr. Smith said the U.S. budget would go up. "
    text = sentence * 40 + "\nNext line."
    for longest in range(300, 350, 7):  # limits falling after "Mr.", after "U.S." and elsewhere
        with patch.object(document_module, "LONGEST_PARAGRAPH", longest):
            document = Document(text, "t", "s")
            _check_cuts_and_motion(document, text, sentence)


def _check_cuts_and_motion(document: Document, text: str, sentence: str) -> None:
    from tui.model.sentences import split_sentences
    from tui.model.tokens import TextIndex

    paragraphs = document.paragraphs
    index = TextIndex(document)
    line_end = text.index("\n")
    sentence_starts = {start for start, _ in split_sentences(text, 0, line_end)}
    cuts = [paragraphs[i].start for i in range(1, len(paragraphs)) if paragraphs.continues(i)]
    assert cuts and all(cut in sentence_starts for cut in cuts)  # never after "Mr." or "U.S."
    for cut in cuts:  # the sentence at a cut is the whole sentence, as on the uncut line
        assert text[slice(*index.sentence_at(cut))] == sentence.strip()
    assert index.paragraph_starts_around(0, forward=True) == line_end + 1  # over every piece
    assert index.paragraph_starts_around(cuts[-1] + 5, forward=False) == 0


def test_a_book_on_one_line_is_read_in_pieces_cut_after_sentences():
    sentence = "The committee met again on Tuesday and said little. "
    text = sentence * 4000  # about 200,000 characters and no newline
    document = Document(text, "t", "s")
    paragraphs = list(document.paragraphs)
    assert len(paragraphs) > 1 and paragraphs[-1].end == len(text)
    assert all(text[p.start : p.end].startswith("The committee") for p in paragraphs)
    assert all(p.end - p.start <= document_module.LONGEST_PARAGRAPH for p in paragraphs)
