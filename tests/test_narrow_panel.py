"""Narrow terminals (Pilot): below 100 columns the side panel collapses and the article takes the
width; `P` opens the panel over the article's right part with focus in it, and `P`, Esc or going
back to the article closes it. At 100 columns and more `P` hides and shows the docked panel.
Resizing across 100 columns lays the screen out again. What is on screen is asserted."""

from __future__ import annotations

from tests.conftest import sample_document
from tui.app import PostilApp
from tui.launch import open_session
from tui.widgets.article_view import ArticleView
from tui.widgets.claim_list import ClaimList
from tui.widgets.entity_list import EntityList

# The sample's first sentence, which wraps at 80 columns after "moratorium on" and at 34 (the
# article's width beside a docked panel) after "Wednesday".
WIDE_ROW = "Amazon announced Wednesday that it would place a one-year moratorium on"
PANEL_TABS = "Entities 24  Claims 13  Orphans 0"


def screen_rows(app: PostilApp) -> list[str]:
    """The text of every row of the screen on top, as a terminal would show it."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


def screen_text(app: PostilApp) -> str:
    return "\n".join(screen_rows(app))


def open_sample(tmp_path) -> PostilApp:
    return PostilApp(open_session(tmp_path / "annotations.json", sample_document(), annotator="tester"))


async def test_at_80_columns_the_article_takes_the_width_and_P_opens_the_panel_over_it(tmp_path):
    app = open_sample(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert WIDE_ROW in screen_text(app)  # the article wraps at the terminal's width
        assert PANEL_TABS not in screen_text(app)
        article = app.query_one(ArticleView)
        assert article.has_focus and article.size.width >= 76

        await pilot.press("P")
        await pilot.pause()
        rows = screen_rows(app)
        assert any(PANEL_TABS in row for row in rows)
        assert isinstance(app.focused, EntityList)
        # Over the article, which keeps its layout: the left part of its rows is still there.
        row = next(row for row in rows if row.startswith(" Amazon announced Wednesday that i"))
        assert "▊" in row and WIDE_ROW not in row
        assert article.size.width >= 76

        await pilot.press("P")
        await pilot.pause()
        assert PANEL_TABS not in screen_text(app) and WIDE_ROW in screen_text(app)
        assert article.has_focus

        await pilot.press("P", "escape")  # Esc closes it too
        await pilot.pause()
        assert PANEL_TABS not in screen_text(app) and article.has_focus


async def test_choosing_an_entity_in_the_opened_panel_goes_to_it_and_closes_the_panel(tmp_path):
    app = open_sample(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("P")
        entities = app.query_one(EntityList)
        first = app.screen.session.mentions_of(entities.highlighted_key)[0]
        await pilot.press("enter")
        await pilot.pause()
        article = app.query_one(ArticleView)
        assert article.has_focus and article.cursor == first.start
        assert PANEL_TABS not in screen_text(app)


async def test_tab_and_the_claims_commands_show_a_collapsed_panel(tmp_path):
    app = open_sample(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("tab")
        await pilot.pause()
        assert PANEL_TABS in screen_text(app) and isinstance(app.focused, EntityList)
        await pilot.press("tab")  # back to the article: the panel closes
        await pilot.pause()
        assert PANEL_TABS not in screen_text(app) and app.query_one(ArticleView).has_focus

        await app.run_action("screen.sort_claims_by('speaker')")  # as the palette's "claims: sort by speaker"
        await pilot.pause()
        assert "sort: speaker" in screen_text(app) and isinstance(app.focused, ClaimList)
        await pilot.press("P")
        await pilot.pause()
        assert "sort: speaker" not in screen_text(app)

        await app.run_action("screen.filter_claims")
        await pilot.pause()
        await pilot.press(*"speaker:amazon")
        await pilot.pause()
        assert "filter: speaker:amazon" in screen_text(app)
        await pilot.press("enter", "escape")  # the first Esc clears the filter, the panel stays
        await pilot.pause()
        assert "filter:" not in screen_text(app) and "sort: speaker" in screen_text(app)
        await pilot.press("escape")  # nothing left to clear: the panel closes
        await pilot.pause()
        assert "sort: speaker" not in screen_text(app) and app.query_one(ArticleView).has_focus


async def test_at_120_columns_P_hides_and_shows_the_docked_panel(tmp_path):
    app = open_sample(tmp_path)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        article = app.query_one(ArticleView)
        assert PANEL_TABS in screen_text(app) and article.size.width < 76
        await pilot.press("P")
        await pilot.pause()
        assert PANEL_TABS not in screen_text(app) and article.size.width >= 116
        assert article.has_focus
        await pilot.press("P")
        await pilot.pause()
        assert PANEL_TABS in screen_text(app) and article.has_focus

        await pilot.press("tab", "P")  # hidden from inside it: focus goes back to the article
        await pilot.pause()
        assert PANEL_TABS not in screen_text(app) and article.has_focus
        await pilot.press("tab")  # going into a hidden panel shows it
        await pilot.pause()
        assert PANEL_TABS in screen_text(app) and isinstance(app.focused, EntityList)


async def test_resizing_across_100_columns_collapses_and_docks_the_panel(tmp_path):
    app = open_sample(tmp_path)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        assert PANEL_TABS in screen_text(app)
        await pilot.resize_terminal(99, 30)
        await pilot.pause()
        assert PANEL_TABS not in screen_text(app)
        assert app.query_one(ArticleView).size.width >= 95
        await pilot.resize_terminal(100, 30)
        await pilot.pause()
        assert PANEL_TABS in screen_text(app)

        await pilot.press("tab")  # focus in the docked panel, then narrow: it stays on show, over the article
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert PANEL_TABS in screen_text(app) and isinstance(app.focused, EntityList)
        await pilot.press("P")
        await pilot.pause()
        assert PANEL_TABS not in screen_text(app)

        # Resized while another screen is in front: this one fits the new width once shown.
        annotate = app.screen
        await pilot.press("slash")
        await pilot.pause()
        assert app.screen is not annotate
        await pilot.resize_terminal(130, 30)
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is annotate and PANEL_TABS in screen_text(app)
