"""The stats screen in the real app (Pilot): `S` from a document and from the document list shows
bars of the known counts, Tab switches between the document and the whole database, it
scrolls at 80x24, the bars follow a light theme, and Esc goes back."""

from __future__ import annotations

import re

from textual.color import Color
from textual.geometry import Region

from tests.test_stats import DAYS, fixture_db
from tui.app import PostilApp
from tui.launch import open_session
from tui.model.contrast import contrast_ratio
from tui.screens.annotate import AnnotateScreen
from tui.screens.documents import DocumentsScreen
from tui.screens.stats import StatsScreen
from tui.store.repository import open_store


def screen_text(app: PostilApp) -> list[str]:
    """The lines the terminal shows, trailing spaces dropped."""
    return [strip.text.rstrip() for strip in app.screen._compositor.render_strips()]


def lines_of(widget) -> list[str]:
    """Every line of a widget at its width (those scrolled out of view too), trailing spaces dropped."""
    return [strip.text.rstrip() for strip in widget.render_lines(Region(0, 0, *widget.size))]


def row(lines: list[str], name: str) -> list[str]:
    return next(line.split() for line in lines if line.split()[:1] == [name])


async def settled(pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


async def test_S_in_a_document_shows_its_bars_and_the_databases_and_Esc_goes_back(tmp_path, monkeypatch):
    db, senate, floods = fixture_db(tmp_path, monkeypatch)
    store = open_store(db)
    session = open_session(db, store.document(floods), annotator="ana", store=store)
    app = PostilApp(session=session)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("S")
        await settled(pilot)
        assert isinstance(app.screen, StatsScreen)
        lines = lines_of(app.screen.chart_view)
        assert "Statistics of this document: Floods in Valencia" in screen_text(app)[1]
        assert row(lines, "GPE")[-3:] == ["1", "0", "0"] and set(row(lines, "GPE")[1]) == {"█"}
        assert row(lines, "PERSON") == ["PERSON", "0", "0", "0"]  # none in this document
        assert row(lines, "reported")[-3:] == ["1", "0", "0"]
        assert row(lines, DAYS[2])[-3:] == ["4", "0", "1"]
        assert all(len(line) <= 80 - 4 for line in lines)  # inside the border and padding

        await pilot.press("tab")  # the whole database
        lines = lines_of(app.screen.chart_view)
        assert "Statistics of the whole database: 2 documents" in screen_text(app)[1]
        assert row(lines, "PERSON")[-3:] == ["1", "0", "0"]
        assert row(lines, "DATE")[-3:] == ["2", "0", "0"]
        assert row(lines, "EVENT")[-3:] == ["0", "1", "0"] and set(row(lines, "EVENT")[1]) == {"▒"}
        assert [line.split()[0] for line in lines if line[:4] == "2026"] == [*DAYS, *DAYS]  # per day, then so far

        # Longer than 24 lines: the charts scroll to the last day's total.
        scroller = app.screen.scroller
        assert scroller.max_scroll_y > 0
        await pilot.press("end")
        await pilot.wait_for_scheduled_animations()
        await pilot.pause()
        assert any(re.search(rf"{DAYS[2]} +█+ +8 ", line) for line in screen_text(app))  # the last row: 8 accepted so far

        await pilot.press("escape")
        assert isinstance(app.screen, AnnotateScreen)


async def test_S_in_the_document_list_shows_the_highlighted_document(tmp_path, monkeypatch):
    db, senate, floods = fixture_db(tmp_path, monkeypatch)
    app = PostilApp(store=open_store(db), annotator="ana")
    async with app.run_test(size=(100, 30)) as pilot:
        assert isinstance(app.screen, DocumentsScreen)
        await pilot.press("S")
        await settled(pilot)
        assert isinstance(app.screen, StatsScreen)
        assert "Statistics of this document: Senate passes the budget" in "\n".join(screen_text(app))
        lines = lines_of(app.screen.chart_view)
        assert row(lines, "NORP")[-3:] == ["0", "0", "1"] and set(row(lines, "NORP")[1]) == {"░"}
        assert row(lines, "true")[-1] == "1"
        await pilot.press("escape")
        assert isinstance(app.screen, DocumentsScreen)


async def test_the_bars_take_their_colours_from_the_theme(tmp_path, monkeypatch):
    """In a dark and a light theme the accepted bars are the theme's success colour (as the
    theme's CSS gives it) and read on the screen's ground (3:1, as graphics must)."""
    db, senate, _ = fixture_db(tmp_path, monkeypatch)
    store = open_store(db)
    app = PostilApp(session=open_session(db, store.document(senate), annotator="ana", store=store))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("S")
        await settled(pilot)
        view = app.screen.chart_view
        drawn = {}
        for theme in ("textual-dark", "textual-light"):
            app.theme = theme
            await pilot.pause()
            assert view.get_component_rich_style("stats--accepted").color.triplet.hex == Color.parse(app.get_css_variables()["text-success"]).hex.lower()
            bar = next(segment for strip in view.render_lines(Region(0, 0, *view.size)) for segment in strip if "█" in segment.text)
            drawn[theme] = bar.style.color.triplet.hex
            ground = bar.style.bgcolor.triplet.hex if bar.style.bgcolor else Color.parse(app.get_css_variables()["surface"]).hex
            assert contrast_ratio(drawn[theme], ground) >= 3, theme
        assert drawn["textual-dark"] != drawn["textual-light"]


def every_line(app: PostilApp) -> str:
    """The text of every widget of the screen, scrolled out of view or not."""
    return "\n".join(strip.text for widget in app.screen.query("*") for strip in widget.render_lines(Region(0, 0, *widget.virtual_size)))


async def test_help_lists_the_stats_key(tmp_path, monkeypatch):
    db, senate, _ = fixture_db(tmp_path, monkeypatch)
    store = open_store(db)
    app = PostilApp(session=open_session(db, store.document(senate), annotator="ana", store=store))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        assert re.search(r"\bS +Statistics of this document and the database", every_line(app))


async def test_the_stats_keys_line_names_the_keys_of_the_users_keymap(tmp_path, monkeypatch):
    db, senate, _ = fixture_db(tmp_path, monkeypatch)
    config = tmp_path / "config"
    (config / "postil").mkdir(parents=True)
    (config / "postil" / "keymap.json").write_text('{"stats.scope": "x", "stats.close": "f8,escape"}', encoding="utf-8")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(config))
    store = open_store(db)
    app = PostilApp(session=open_session(db, store.document(senate), annotator="ana", store=store))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("S")
        await settled(pilot)
        assert "x: the whole database · ↑ ↓ PgUp PgDn scroll · F8 closes" in screen_text(app)[2]
        await pilot.press("x")  # the key it names switches
        await settled(pilot)
        assert "Statistics of the whole database" in screen_text(app)[1]
        assert "x: this document" in screen_text(app)[2]
        await pilot.press("f8")
        assert not isinstance(app.screen, StatsScreen)
