"""The whole keyboard workflow in the real app (Pilot), checked in the TinyDB file after quitting."""

from __future__ import annotations

import io
from pathlib import Path

from rich.console import Console

from tests.conftest import file_annotations, sample_document, saved_annotations, write_article
from tui.app import PostilApp
from tui.formats.readers import read_article
from tui.launch import open_session
from tui.screens.help import HelpScreen
from tui.widgets.article_view import ArticleView
from tui.widgets.claim_list import ClaimList
from tui.widgets.entity_list import EntityList

SIZE = (120, 40)


stored = saved_annotations


def app_on_text(tmp_path: Path, text: str) -> tuple[PostilApp, Path]:
    """The app on a new article holding ``text``, with a new database; and that database."""
    db = tmp_path / "db.json"
    return PostilApp(open_session(db, read_article(write_article(tmp_path, text)), annotator="tester")), db


def _plain(app: PostilApp) -> str:
    """The article pane's visible lines as plain text."""
    article = app.query_one(ArticleView)
    lines = [article.render_line(y).text for y in range(article.size.height)]
    return "\n".join(lines)


async def test_label_a_selection_quit_and_find_it_after_reopening(tmp_path):
    article = write_article(tmp_path, "Mayor Jane Doe said the city cut crime by 20% last year.\n\nDoe spoke on Monday.")
    db = tmp_path / "annotations.json"
    app = PostilApp(open_session(db, read_article(article), annotator="tester"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("l", "v", "l", "1")  # cursor to "Jane", select "Jane Doe", label PERSON
        assert "labelled PERSON" in str(app.query_one("#status").render())
        await pilot.press("q")
    records = file_annotations(db)  # quitting folded every change into the TinyDB file
    accepted = [(r["quote"]["exact"], r["label"], r["status"]) for r in records if r["status"] == "accepted"]
    assert accepted == [("Jane Doe", "PERSON", "accepted")]
    reopened = PostilApp(open_session(db, read_article(article)))
    async with reopened.run_test(size=SIZE) as pilot:
        entities = reopened.query_one(EntityList)
        prompts = [entities.item_text(i) for i in range(entities.item_count)]
        assert "PERSON" in prompts[0] and "Jane Doe ×1" in prompts[1]
        await pilot.press("q")


async def test_motions_selection_growth_and_digit_labels(tmp_path):
    text = "Acme Corp opened in Paris. It grew fast.\n\nThe new plant in Lyon employs many."
    app, db = app_on_text(tmp_path, text)
    async with app.run_test(size=SIZE) as pilot:
        view = app.query_one(ArticleView)
        await pilot.press("v", "shift+right", "2")  # "Acme Corp" as ORG
        await pilot.press("right_parenthesis")  # next sentence: "It"
        assert text[view.cursor : view.cursor + 2] == "It"
        await pilot.press("right_curly_bracket")  # next paragraph
        assert text[view.cursor : view.cursor + 3] == "The"
        await pilot.press("G")
        assert text[view.cursor] == "."
        await pilot.press("h", "3")  # "many" as GPE (wrong on purpose), then relabel it with 4 (LOC)
        await pilot.press("4")
        await pilot.press("g")
        assert view.cursor == 0
        await pilot.press("right_square_bracket")  # next annotation after the start: "many"
        assert text[view.cursor : view.cursor + 4] == "many"
        await pilot.press("q")
    labels = sorted((r["quote"]["exact"], r["label"]) for r in stored(db))
    assert labels == [("Acme Corp", "ORG"), ("many", "LOC")]


async def test_claim_on_the_current_sentence_delete_and_multi_level_undo_redo(tmp_path):
    text = "Officials said the bridge will reopen in May. Critics doubt it."
    app, db = app_on_text(tmp_path, text)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("c", "escape")  # no selection: the sentence under the cursor (Esc closes its editor)
        await pilot.press("right_parenthesis", "5")  # "Critics" labelled DATE by mistake
        assert len(stored(db)) == 2
        await pilot.press("d")  # delete the innermost annotation here: the DATE
        assert [r["kind"] for r in stored(db)] == ["claim"]
        await pilot.press("u")  # the deletion undone: the DATE is back
        assert sorted(r["kind"] for r in stored(db)) == ["claim", "entity"]
        await pilot.press("u", "u")
        assert stored(db) == []
        await pilot.press("ctrl+r")
        claims = stored(db)
        assert [(r["kind"], r["quote"]["exact"]) for r in claims] == [("claim", "Officials said the bridge will reopen in May.")]
        await pilot.press("ctrl+y")
        assert sorted(r["quote"]["exact"] for r in stored(db)) == ["Critics", "Officials said the bridge will reopen in May."]
        await pilot.press("ctrl+z", "ctrl+z")
        assert stored(db) == []
        await pilot.press("q")


async def test_nudge_moves_the_selection_end_by_one_character(tmp_path):
    text = "The CEOs met."
    app, db = app_on_text(tmp_path, text)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("l", "v", "less_than_sign", "2")  # "CEO" without the plural s
        await pilot.press("q")
    assert [r["quote"]["exact"] for r in stored(db)] == ["CEO"]


async def test_entities_tab_enter_jumps_through_mentions_and_claims_tab_jumps_to_claims(db_path):
    app = PostilApp(open_session(db_path, sample_document(), annotator="tester"))
    async with app.run_test(size=SIZE) as pilot:
        view = app.query_one(ArticleView)
        text = view.session.text
        entities = app.query_one(EntityList)
        await pilot.press("tab")
        assert entities.has_focus
        index = next(i for i in range(entities.item_count) if entities.item_text(i).strip().startswith("Amazon ×8"))
        entities.highlighted = index
        await pilot.press("enter")
        assert text[view.cursor : view.cursor + 6] == "Amazon" and view.cursor == 0
        await pilot.press("tab", "enter")  # back to the list: the second mention
        assert view.cursor == text.index("Amazon", 1)
        await pilot.press("tab", "right")  # the Claims tab
        claims = app.query_one(ClaimList)
        assert claims.has_focus
        first = claims.item_text(0)
        assert "reported" in first and "Amazon" in first and "unverified" in first
        claims.highlighted = 4
        await pilot.press("enter")
        assert text[view.cursor] == "“" or text[view.cursor : view.cursor + 3] == "The"
        await pilot.press("q")


async def test_status_line_counts_and_legend(db_path):
    app = PostilApp(open_session(db_path, sample_document(), annotator="tester"))
    async with app.run_test(size=SIZE) as pilot:
        status = str(app.query_one("#status").render())
        assert "Amazon halts police use of Rekognition" in status
        assert "39 entities" in status and "13 claims" in status and "saved" in status
        legend = str(app.query_one("#legend").render())
        for key, name in [("1", "PERSON"), ("2", "ORG"), ("3", "GPE"), ("9", "LAW")]:
            assert f" {key}  {name} " in legend
        await pilot.press("q")


async def test_help_screen_lists_every_binding_with_its_id(db_path):
    app = PostilApp(open_session(db_path, sample_document(), annotator="tester"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        listed = {binding.id for _, bindings in app.screen.sections for binding in bindings}
        for widget in (app.annotate, app.query_one(ArticleView)):
            for binding in type(widget).BINDINGS:
                assert binding.id and binding.id in listed
        console = Console(record=True, width=120, file=io.StringIO())
        console.print(app.screen.table)
        table_text = console.export_text()
        assert "label.1" in table_text and "cursor.sentence_next" in table_text and "app.undo" in table_text
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)
        await pilot.press("q")


async def test_article_text_is_data_not_markup_or_terminal_control(tmp_path):
    text = "Headline [bold]not bold[/bold] and [link=http://evil.test]click[/link].\n\nBell\x07 and \x1b[31mred\x1b[0m text."
    app, db = app_on_text(tmp_path, text)
    async with app.run_test(size=SIZE) as pilot:
        shown = _plain(app)
        assert "[bold]not bold[/bold]" in shown
        assert "[link=http://evil.test]click[/link]" in shown
        assert "\x1b" not in shown and "\x07" not in shown
        assert "␛[31mred␛[0m" in shown and "Bell␇" in shown
        view = app.query_one(ArticleView)
        for y in range(view.size.height):
            for segment in view.render_line(y):
                assert segment.style is None or segment.style.link is None
        assert "[bold]" in str(app.query_one("#status").render())  # the title, literally
        await pilot.press("q")


async def test_a_digit_on_an_entity_relabels_the_whole_entity_not_just_the_token(tmp_path):
    text = "Mayor Jane Doe spoke."
    app, db = app_on_text(tmp_path, text)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("l", "v", "l", "2")  # "Jane Doe" as ORG, by mistake
        await pilot.press("h", "1")  # the cursor on "Jane": PERSON applies to the whole name
        await pilot.press("q")
    assert [(r["quote"]["exact"], r["label"]) for r in stored(db)] == [("Jane Doe", "PERSON")]


async def test_a_keymap_file_remaps_a_binding_by_its_id(tmp_path, monkeypatch):
    config = tmp_path / "config"
    (config / "postil").mkdir(parents=True)
    (config / "postil" / "keymap.json").write_text('{"label.1": "p"}', encoding="utf-8")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(config))
    app, db = app_on_text(tmp_path, "Jane spoke.")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("p")
        await pilot.press("q")
    assert [(r["quote"]["exact"], r["label"]) for r in stored(db)] == [("Jane", "PERSON")]


async def test_a_broken_keymap_file_is_reported_and_the_default_keys_stay(tmp_path, monkeypatch):
    config = tmp_path / "config"
    (config / "postil").mkdir(parents=True)
    (config / "postil" / "keymap.json").write_text('{"label.1": ', encoding="utf-8")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(config))
    app, db = app_on_text(tmp_path, "Jane spoke.")
    async with app.run_test(size=SIZE) as pilot:
        assert "keymap ignored" in str(app.query_one("#status").render())
        await pilot.press("1", "q")
    assert [r["label"] for r in stored(db)] == ["PERSON"]
