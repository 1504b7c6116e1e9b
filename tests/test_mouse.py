"""The mouse in the article (Pilot, real TinyDB files): a click puts the cursor on a token, a drag
selects tokens for the label keys, a double click selects a token, the wheel scrolls, and clicks
in the side panel's lists go to the text. Every one of these has a key; the mouse is a shortcut."""

from __future__ import annotations

from textual import events
from textual.geometry import Region

from tests.conftest import file_annotations, occurrence, write_article
from tests.test_side_panel_lists import screen_rows
from tui.app import PostilApp
from tui.formats.readers import read_article
from tui.launch import open_session
from tui.model.wrap import cell_offset
from tui.widgets.article_view import ArticleView
from tui.widgets.claim_list import ClaimList
from tui.widgets.entity_list import EntityList
from tui.widgets.panel_tabs import PanelTabs

SIZE = (120, 30)
TEXT = (
    "Acme Corp hired Jane Doe in Paris on Monday.\n\n"
    "The board said the new chief executive would start in the spring, after a long search.\n\n"
    "Paris officials welcomed the news."
)

# An article far longer than the pane.
LONG_TEXT = "\n\n".join(f"Paragraph {n} says something about item{n} here." for n in range(200))


def open_app(tmp_path, text: str = TEXT) -> tuple[PostilApp, object]:
    db = tmp_path / "annotations.json"
    session = open_session(db, read_article(write_article(tmp_path, text)), annotator="tester")
    return PostilApp(session), db


def article(app) -> ArticleView:
    return app.annotate.article


def point_of(app, offset: int) -> tuple[int, int]:
    """The screen cell showing the character at ``offset`` in the article."""
    view = article(app)
    layout = view.get_text_layout()
    number = layout.row_of(offset)
    row = layout.row(number)
    region = view.content_region
    return region.x + cell_offset(view.document.text, row.start, offset), region.y + number - view.scroll_offset.y


def point_in(app, phrase: str, nth: int = 0, char: int = 1) -> tuple[int, int]:
    """The screen cell of the ``char``-th character of the ``nth`` occurrence of ``phrase``."""
    return point_of(app, occurrence(TEXT, phrase, nth)[0] + char)


def drawn(app, style_test) -> str:
    """The article's text drawn on screen in a style that passes ``style_test``, rows joined by '|'."""
    view = article(app)
    rows = []
    for strip in view.render_lines(Region(0, 0, *view.outer_size)):
        shown = "".join(segment.text for segment in strip if segment.style and style_test(segment.style))
        if shown.strip():
            rows.append(shown.strip())
    return "|".join(rows)


def cursor_shown(app) -> str:
    """The token the screen shows under the cursor (drawn reversed)."""
    return drawn(app, lambda style: style.reverse)


def selection_shown(app) -> str:
    """What the screen shows selected (drawn with the selection's background)."""
    background = article(app).marks.selection.bgcolor
    return drawn(app, lambda style: style.bgcolor == background)


def accepted(db) -> list[tuple[str, str, int, int]]:
    """The accepted entity annotations in the TinyDB file: (label, text, start, end)."""
    return sorted(
        (record["label"], record["quote"]["exact"], record["start"], record["end"])
        for record in file_annotations(db)
        if record["kind"] == "entity" and record["status"] == "accepted"
    )


async def test_a_click_puts_the_cursor_on_the_token_under_the_pointer(tmp_path):
    app, _ = open_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        assert cursor_shown(app) == "Acme"
        await pilot.click(offset=point_in(app, "executive", char=4))  # the middle of a word
        assert cursor_shown(app) == "executive"
        assert article(app).cursor == TEXT.index("executive") and article(app).selection is None
        await pilot.click(offset=point_in(app, "Paris", nth=1, char=0))  # its first character
        assert cursor_shown(app) == "Paris"
        assert article(app).cursor == TEXT.index("Paris officials")
        await pilot.press("right")  # the keyboard goes on from where the click put the cursor
        assert cursor_shown(app) == "officials"


async def test_a_click_in_the_margin_past_a_row_or_below_the_text_changes_nothing(tmp_path):
    app, db = open_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.click(offset=point_in(app, "board"))
        view = article(app)
        region = view.content_region
        x, y = point_of(app, TEXT.index("Monday."))
        for where in [
            (region.x - 1, y),  # the left margin
            (x + len("Monday.") + 3, y),  # past the end of the first row
            (region.x + 2, y + 1),  # the blank row between paragraphs
            (region.x + 2, region.bottom - 1),  # below the last row of text
        ]:
            await pilot.click(offset=where)
            await pilot.double_click(offset=where)
            assert cursor_shown(app) == "board", where
            assert view.selection is None and app.mouse_captured is None
        await pilot.press("q")
    assert file_annotations(db) == []


async def test_a_drag_selects_whole_tokens_and_1_labels_exactly_the_dragged_span(tmp_path):
    app, db = open_app(tmp_path)
    person = article(app).session.scheme.label_for_key("1").name
    async with app.run_test(size=SIZE) as pilot:
        await pilot.mouse_down(offset=point_in(app, "Jane", char=2))  # pressed inside the first word
        assert cursor_shown(app) == "Jane" and selection_shown(app) == ""
        await pilot.hover(offset=point_in(app, "Doe", char=1))
        assert selection_shown(app) == "Jane Doe"
        await pilot.mouse_up(offset=point_in(app, "Doe", char=1))
        assert app.mouse_captured is None
        await pilot.press("1")
        start = TEXT.index("Jane Doe")
        assert selection_shown(app) == ""  # the label used the selection
        await pilot.press("q")
    assert accepted(db) == [(person, "Jane Doe", start, start + len("Jane Doe"))]


async def test_a_drag_backwards_and_across_rows_selects_from_the_pressed_token(tmp_path):
    app, db = open_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.mouse_down(offset=point_in(app, "Monday", char=3))
        await pilot.hover(offset=point_in(app, "Paris"))  # leftwards: Paris through Monday
        assert selection_shown(app) == "Paris on Monday"
        await pilot.hover(offset=point_in(app, "Corp", char=0))
        await pilot.mouse_up(offset=point_in(app, "Corp", char=0))
        assert article(app).selection == (TEXT.index("Corp"), TEXT.index(".\n"))
        await pilot.press("2")
        await pilot.press("q")
    start = TEXT.index("Corp")
    assert accepted(db) == [("ORG", "Corp hired Jane Doe in Paris on Monday", start, TEXT.index(".\n"))]


async def test_a_drag_released_outside_the_article_ends_there(tmp_path):
    app, _ = open_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.mouse_down(offset=point_in(app, "board"))
        assert app.mouse_captured is article(app)
        await pilot.hover(offset=point_in(app, "chief"))
        panel_x = article(app).region.right + 2  # over the side panel
        await pilot.mouse_up(offset=(panel_x, point_in(app, "chief")[1]))
        assert app.mouse_captured is None
        selected = article(app).selection
        assert selected is not None and TEXT[selected[0]:selected[1]].startswith("board said the new chief")
        await pilot.hover(offset=point_in(app, "Paris", nth=1))  # no button held: nothing changes
        assert article(app).selection == selected
        assert cursor_shown(app) != "Paris"


async def test_a_double_click_selects_the_token_and_a_key_labels_it(tmp_path):
    app, db = open_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.double_click(offset=point_in(app, "Paris", char=2))
        start = TEXT.index("Paris")
        assert article(app).selection == (start, start + len("Paris"))
        assert selection_shown(app) == "Paris"
        await pilot.press("shift+right", "shift+right")  # the keyboard grows the selection from there
        assert selection_shown(app) == "Paris on Monday"
        await pilot.press("escape")
        await pilot.double_click(offset=point_in(app, "officials"))
        assert selection_shown(app) == "officials"
        await pilot.press("3")
        await pilot.press("q")
    start = TEXT.index("officials")
    assert accepted(db) == [("GPE", "officials", start, start + len("officials"))]


async def test_the_wheel_scrolls_a_long_article_and_a_click_then_lands_where_it_shows(tmp_path):
    text = LONG_TEXT
    app, _ = open_app(tmp_path, text)
    async with app.run_test(size=SIZE) as pilot:
        view = article(app)
        await pilot.click(offset=point_of(app, text.index("item0")))  # a click first: the mouse is let go
        region = view.content_region
        for _ in range(10):
            app.post_message(events.MouseScrollDown(None, region.x + 5, region.y + 5, 0, 1, 0, False, False, False, screen_x=region.x + 5, screen_y=region.y + 5))
            await pilot.pause()
        assert view.scroll_offset.y > 0
        top_row = view.render_lines(Region(0, 0, *view.outer_size))[0].text.strip()
        assert top_row and not top_row.startswith("Paragraph 0 ")
        number = int(top_row.split()[1]) if top_row.startswith("Paragraph") else int(view.render_lines(Region(0, 1, view.outer_size.width, 1))[0].text.split()[1])
        target = text.index(f"item{number + 3}")
        await pilot.click(offset=point_of(app, target))
        assert view.cursor == target and cursor_shown(app) == f"item{number + 3}"
        app.post_message(events.MouseScrollUp(None, region.x + 5, region.y + 5, 0, -1, 0, False, False, False, screen_x=region.x + 5, screen_y=region.y + 5))
        await pilot.pause()
        assert view.cursor == target  # scrolling moves the view, not the cursor


async def test_clicking_an_entity_or_a_claim_in_the_side_panel_moves_the_article_there(tmp_path):
    app, _ = open_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        # Set up by keys: Paris an entity with two mentions (the other one suggested), a claim
        # on the second sentence (its editor closed), and the cursor back at the start.
        await pilot.press("right_curly_bracket", "right_curly_bracket", "3")
        await pilot.press("left_curly_bracket", "c", "escape", "g")
        assert article(app).cursor == 0
        entities = app.query_one(EntityList)
        await pilot.click(entities, offset=(3, next(n for n, row in enumerate(screen_rows(entities)) if "Paris" in row)))
        assert article(app).cursor in (TEXT.index("Paris"), TEXT.index("Paris officials"))
        assert article(app).has_focus
        await pilot.click(PanelTabs, offset=(len(app.query_one(PanelTabs).titles["entities"]) + 4, 0))
        claims = app.query_one(ClaimList)
        await pilot.pause()
        await pilot.click(claims, offset=(3, next(n for n, row in enumerate(screen_rows(claims)) if "board" in row)))
        assert article(app).cursor == TEXT.index("The board")
        assert cursor_shown(app) == "The"


async def send(app, pilot, kind, point: tuple[int, int], button: int = 1) -> None:
    """A mouse event as the terminal driver gives it to the app (which works out clicks and their chains)."""
    x, y = point
    app.post_message(kind(None, x, y, 0, 0, button, False, False, False, screen_x=x, screen_y=y))
    await pilot.pause()


async def test_mouse_events_as_a_terminal_sends_them_drag_and_double_click_from_the_side_panel(tmp_path):
    app, db = open_app(tmp_path)
    app.CLICK_CHAIN_TIME_THRESHOLD = 60.0  # two clicks on one cell make a double click however slow the machine
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("tab")
        assert not article(app).has_focus  # the side panel's list has the keys
        jane, doe = point_in(app, "Jane"), point_in(app, "Doe")
        await send(app, pilot, events.MouseDown, jane)
        await send(app, pilot, events.MouseMove, doe)
        await send(app, pilot, events.MouseUp, doe)  # the app makes a click of it too: the selection stays
        assert article(app).has_focus and selection_shown(app) == "Jane Doe"
        await pilot.press("1")
        paris = point_in(app, "Paris", nth=1)
        for kind in (events.MouseDown, events.MouseUp, events.MouseDown, events.MouseUp):
            await send(app, pilot, kind, paris)
        assert selection_shown(app) == "Paris"
        await pilot.press("3", "q")
    person = TEXT.index("Jane Doe")
    paris_at = TEXT.index("Paris officials")
    assert accepted(db) == sorted([("PERSON", "Jane Doe", person, person + 8), ("GPE", "Paris", paris_at, paris_at + 5)])


async def test_a_drag_past_the_bottom_edge_scrolls_and_keeps_selecting(tmp_path):
    text = LONG_TEXT
    app, _ = open_app(tmp_path, text)
    async with app.run_test(size=SIZE) as pilot:
        view = article(app)
        await pilot.mouse_down(offset=point_of(app, text.index("item1")))
        below = (view.content_region.x + 5, view.region.bottom)  # the line under the article
        last_shown = view.scroll_offset.y + view.scrollable_content_region.height - 1
        for _ in range(4):
            await pilot.hover(offset=below)
        await pilot.mouse_up(offset=below)
        assert view.scroll_offset.y > 0 and app.mouse_captured is None
        start, end = view.selection
        assert start == text.index("item1") and view.row_of(end - 1) > last_shown
        assert view.row_of(view.cursor) - view.scroll_offset.y < view.scrollable_content_region.height  # in view


async def test_a_drag_onto_the_blank_row_between_paragraphs_stops_at_the_paragraph_it_came_from(tmp_path):
    app, _ = open_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        x, y = point_in(app, "Paris")
        await pilot.mouse_down(offset=(x, y))
        await pilot.hover(offset=(x, y + 1))  # the blank row under the first paragraph
        assert selection_shown(app) == "Paris on Monday."
        await pilot.hover(offset=(x, y + 2))  # into the next paragraph, at the pointer's column
        selected = article(app).selection
        assert TEXT[selected[0]:selected[1]].startswith("Paris on Monday.\n\nThe board")
        await pilot.mouse_up(offset=(x, y + 2))
        x, y = point_in(app, "Paris", nth=1)
        await pilot.mouse_down(offset=(x, y))
        await pilot.hover(offset=point_in(app, "search"))  # up into the paragraph above
        assert selection_shown(app) == "search.|Paris"
        await pilot.hover(offset=(x, y - 1))  # back down onto the blank row between them
        assert selection_shown(app) == "Paris"  # stops at the paragraph pressed in
