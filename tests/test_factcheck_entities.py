"""Entities in the real app (Pilot): merge a mention into an entity (`m`), rename, alias, knowledge-base
id, relabel (its mentions follow) and a mention's note (`e`), all checked in the TinyDB file."""

from __future__ import annotations

from tinydb import TinyDB

from tests.conftest import file_annotations, saved_annotations, write_article
from tui.app import PostilApp
from tui.formats.readers import read_article
from tui.launch import open_session
from tui.screens.entity_editor import EntityEditor, EntityPicker
from tui.widgets.detail_pane import DetailPane
from tui.widgets.entity_list import EntityList

SIZE = (120, 44)
TEXT = "Isedua Oribhabor of Access Now said so.\n\nAccess Now agreed, and Ms. Oribhabor left."


def file_entities(db) -> list[dict]:
    """The entities table of the TinyDB file, read with plain TinyDB."""
    database = TinyDB(db)
    try:
        return database.table("entities").all()
    finally:
        database.close()


def open_app(tmp_path) -> tuple[PostilApp, object]:
    """The app with "Isedua Oribhabor" and "Ms. Oribhabor" as two PERSON entities, "Access Now" an ORG."""
    db = tmp_path / "annotations.json"
    session = open_session(db, read_article(write_article(tmp_path, TEXT)), annotator="tester")
    for phrase, label in (("Isedua Oribhabor", "PERSON"), ("Access Now", "ORG"), ("Ms. Oribhabor", "PERSON")):
        start = TEXT.index(phrase)
        session.label_span(start, start + len(phrase), label)
    return PostilApp(session), db


async def go_to(pilot, phrase: str) -> None:
    """Put the cursor on ``phrase`` with a text search."""
    await pilot.press("slash", *phrase, "enter")
    await pilot.pause()


async def test_m_merges_a_mention_into_an_entity_picked_by_a_fuzzy_filter(tmp_path):
    app, db = open_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await go_to(pilot, "Ms.")
        await pilot.press("m")
        await pilot.pause()
        assert isinstance(app.screen, EntityPicker)
        await pilot.press(*"isedua", "enter")
        await pilot.pause()
        assert "merged into Isedua Oribhabor" in str(app.query_one("#status").render())
        entity_list = app.query_one(EntityList)
        prompts = [entity_list.item_text(i) for i in range(entity_list.item_count)]
        assert any("Isedua Oribhabor ×2" in p and "Ms. Oribhabor" in p for p in prompts)
        await pilot.press("u")  # the merge is one undoable action
        assert len([e for e in session_entities(app)]) == 3
        await pilot.press("ctrl+r", "q")
    entities = {e["name"]: e for e in file_entities(db)}
    assert set(entities) == {"Isedua Oribhabor", "Access Now"}  # the emptied entity is gone
    assert entities["Isedua Oribhabor"]["aliases"] == ["Ms. Oribhabor"]
    mention = next(r for r in file_annotations(db) if r["quote"]["exact"] == "Ms. Oribhabor")
    assert mention["attrs"]["entity_id"] == entities["Isedua Oribhabor"]["entity_id"]



async def test_e_renaming_an_entity_to_another_ones_name_merges_the_two(tmp_path):
    app, db = open_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await go_to(pilot, "Ms.")
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, EntityEditor)
        await pilot.press("ctrl+a", "ctrl+k", *"isedua oribhabor", "ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, EntityEditor)
        assert "Ms. Oribhabor merged into Isedua Oribhabor: 2 mention(s)" in str(app.query_one("#status").render())
        entity_list = app.query_one(EntityList)
        assert any("Isedua Oribhabor ×2" in entity_list.item_text(i) for i in range(entity_list.item_count))
        await pilot.press("q")
    entities = {e["name"]: e for e in file_entities(db)}
    assert set(entities) == {"Isedua Oribhabor", "Access Now"} and entities["Isedua Oribhabor"]["aliases"] == ["Ms. Oribhabor"]
    mention = next(r for r in file_annotations(db) if r["quote"]["exact"] == "Ms. Oribhabor")
    assert mention["attrs"]["entity_id"] == entities["Isedua Oribhabor"]["entity_id"]

def session_entities(app: PostilApp) -> list:
    """The entities the open session holds (what the next save writes)."""
    return list(app.session.entities.values())


async def test_e_on_an_entity_renames_it_adds_aliases_a_kb_id_and_a_note_and_relabelling_moves_its_mentions(tmp_path):
    app, db = open_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("e")  # the cursor starts on "Isedua"
        await pilot.pause()
        assert isinstance(app.screen, EntityEditor)
        await pilot.press("ctrl+a", "ctrl+k", *"I. Oribhabor [b]", "tab", "tab")
        await pilot.press(*"Orib, I.O.", "tab", *"Q-1", "tab", *"Analyst", "ctrl+s")
        await pilot.pause()
        assert "KB id" in str(app.screen.query_one("#editor-error").render())  # the form stays, nothing saved
        await pilot.press("shift+tab", "ctrl+a", "ctrl+k", *"Q98765", "ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, EntityEditor)
        detail = str(app.query_one(DetailPane).render())
        assert "I. Oribhabor [b]" in detail and "Q98765" in detail and "Analyst" in detail
        await go_to(pilot, "Access")
        await pilot.press("e", "tab", "right", "ctrl+s")  # ORG → GPE: both mentions follow
        await pilot.pause()
        assert [r["label"] for r in saved_annotations(db) if r["quote"]["exact"] == "Access Now"] == ["GPE"]  # the one labelled
        shown = app.session.spans.overlapping(0, len(TEXT))  # the other is suggested from the correction, which follows
        assert [(a.label, a.status) for a in shown if a.quote.exact == "Access Now"] == [("GPE", "accepted"), ("GPE", "suggested")]
        assert [(r["text"], r["label"]) for r in app.session.store.gazetteer() if r["text"] == "Access Now"] == [("Access Now", "GPE")]
        await pilot.press("q")
    entities = {e["kb_id"] or e["name"]: e for e in file_entities(db)}
    person = entities["Q98765"]
    assert person["name"] == "I. Oribhabor [b]" and person["aliases"] == ["Orib", "I.O."]
    assert entities["Access Now"]["label"] == "GPE"
    notes = {r["quote"]["exact"]: r["attrs"].get("note") for r in file_annotations(db)}
    assert notes["Isedua Oribhabor"] == "Analyst"


async def test_choosing_an_entity_in_the_list_highlights_all_its_mentions_in_the_article(tmp_path):
    from tui.widgets.article_view import ArticleView

    app, _ = open_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        article = app.query_one(ArticleView)

        def marked_text() -> list[str]:
            """The runs of article text drawn with the marked-entity highlight."""
            shown = ""
            for y in range(article.size.height):
                for segment in article.render_line(y):
                    marked = segment.style is not None and segment.style.bgcolor == article.marks.marked.bgcolor
                    shown += segment.text if marked else "|"
            return [run for run in shown.split("|") if run]

        assert marked_text() == []
        await pilot.press("tab")  # the Entities list, its first entity highlighted
        entities = app.query_one(EntityList)
        entities.highlight(app.session.find_entity("Access Now").entity_id)
        await pilot.press("enter")  # jumps to a mention; every mention stays highlighted
        await pilot.pause()
        assert marked_text() == ["Access Now", "Access Now"]
        await pilot.press("tab", "escape")  # back in the panel, Esc takes the highlight away
        await pilot.pause()
        assert marked_text() == []
        await pilot.press("q")
