"""Article rows as the terminal gets them: every character's style is its layers in order —
claims under entities, longer spans under shorter ones, the marked entity, search hits, the
selection, the cursor's token — and control characters arrive as red placeholders."""

from __future__ import annotations

import random

from rich.style import Style

from tests.conftest import write_article
from tui.app import PostilApp
from tui.cli import sample_path
from tui.formats.readers import read_article
from tui.launch import SAMPLE_SOURCE, open_session
from tui.model.display import TAB_CELLS, placeholder
from tui.widgets.article_view import ArticleView


def expected_characters(view: ArticleView, start: int, end: int, cursor: int | None, selection: tuple[int, int] | None) -> list[tuple[str, Style]]:
    """Each shown character of ``[start, end)`` with its style, worked out one character at a time."""
    text, base, marks = view.document.text, view.rich_style, view.marks
    spans = sorted(view.spans.overlapping(start, end), key=lambda a: (not a.is_claim, -(a.end - a.start)))
    token = view.text_index.token_at(cursor) if cursor is not None else None
    shown: list[tuple[str, Style]] = []
    for offset in range(start, end):
        style = base
        for annotation in spans:
            if annotation.start <= offset < annotation.end:
                style += marks.span_style(annotation, view.session.scheme)
                if view.marked_entity and annotation.attrs.get("entity_id") == view.marked_entity:
                    style += marks.marked
        if any(hit_start <= offset < hit_end for hit_start, hit_end in view.search_hits):
            style += marks.search_hit
        if selection and selection[0] <= offset < selection[1]:
            style += marks.selection
        if token is not None and token.start <= offset < token.end:
            style += marks.cursor
        char = text[offset]
        if char == "\t":
            shown += [(" ", style)] * TAB_CELLS
        elif placeholder(char) is not None:
            shown.append((placeholder(char), style + marks.placeholder))
        else:
            shown.append((char, style))
    return shown


async def check_every_row(app: PostilApp, seed: int) -> int:
    """Draw every row with random cursors, selections, a marked entity and search hits, and
    compare it with the character-by-character answer; returns how many rows were checked."""
    chance = random.Random(seed)
    checked = 0
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        view = app.query_one(ArticleView)
        text = view.document.text
        layout = view.get_text_layout()
        entity_ids = sorted(app.session.entities)
        for number in range(layout.total_rows):
            row = layout.row(number)
            if row is None:
                break
            for _ in range(4):
                cursor = chance.randrange(row.start, max(row.end, row.start + 1)) if chance.random() < 0.7 else None
                low = chance.randrange(len(text))
                selection = (low, min(len(text), low + chance.randrange(1, 80))) if chance.random() < 0.5 else None
                view.marked_entity = chance.choice(["", *entity_ids])
                word = chance.choice(["the", "a", "on", "Amazon", "\x1b"])
                view.show_search_hits(tuple((i, i + len(word)) for i in range(len(text)) if text.startswith(word, i)))
                strip = view._draw_row(row, layout.width, cursor, selection)
                drawn = [(char, segment.style) for segment in strip for char in segment.text]
                expected = expected_characters(view, row.start, row.end, cursor, selection)
                shared = min(len(drawn), len(expected))
                assert drawn[:shared] == expected[:shared], (number, cursor, selection)
                assert all(char == " " for char, _ in drawn[shared:])  # padding to the width
                assert all(char == " " for char, _ in expected[shared:])  # a space hanging past it
                checked += 1
        await pilot.press("q")
    return checked


async def test_the_sample_s_rows_are_drawn_as_their_layers_say(tmp_path):
    document = read_article(sample_path())
    document.source = SAMPLE_SOURCE  # with its hand-checked entities and claims
    app = PostilApp(open_session(tmp_path / "annotations.json", document, annotator="tester"))
    assert await check_every_row(app, seed=1) > 100


async def test_rows_with_tabs_controls_and_wide_characters_are_drawn_as_their_layers_say(tmp_path):
    text = "Amazon\tsaid \x1b[31mred\x1b[0m and 東京 agreed.\n\nBell\x07 rang; \u202eevil\u202c text by Amazon ends."
    session = open_session(tmp_path / "annotations.json", read_article(write_article(tmp_path, text)), annotator="tester")
    session.label_span(0, len("Amazon"), "ORG")
    session.label_span(0, len("Amazon\tsaid"), "EVENT")  # a longer entity under the shorter one
    session.mark_claim(0, text.index("agreed.") + len("agreed."), "assertion")
    app = PostilApp(session)
    assert await check_every_row(app, seed=2) >= 8
