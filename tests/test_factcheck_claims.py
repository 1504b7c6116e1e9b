"""Fact-checking a claim end to end in the real app (Pilot): the claim editor opened by `c` and `e`,
its speaker picker, cue, split content, verdict, note and evidence, checked in the TinyDB file."""

from __future__ import annotations

from tests.conftest import file_annotations, saved_annotations, write_article
from tui.app import PostilApp
from tui.formats.readers import read_article
from tui.launch import open_session
from tui.screens.claim_editor import ClaimEditor
from tui.screens.help import HelpScreen

SIZE = (120, 44)
TEXT = "“We are pausing this,” said Isedua Oribhabor of Access Now, “for one year.”\n\nOribhabor spoke on Monday."


def open_app(tmp_path, text: str = TEXT) -> tuple[PostilApp, object]:
    """The app on ``text`` in a new database, with "Isedua Oribhabor" labelled PERSON."""
    db = tmp_path / "annotations.json"
    session = open_session(db, read_article(write_article(tmp_path, text)), annotator="tester")
    start = text.index("Isedua")
    session.label_span(start, start + len("Isedua Oribhabor"), "PERSON")
    return PostilApp(session), db


async def clear_and_type(pilot, text: str) -> None:
    """Empty the focused one-line field and type ``text`` into it."""
    await pilot.press("ctrl+a", "ctrl+k", *text)


async def test_c_marks_the_sentence_and_the_editor_records_speaker_cue_split_content_verdict_note_and_evidence(tmp_path):
    app, db = open_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, ClaimEditor)
        await pilot.press("tab", *"orib", "down", "enter")  # the speaker, picked from the entities by a fuzzy filter
        await pilot.press(*"said", "tab")  # the cue
        await clear_and_type(pilot, "We are pausing this,")
        await pilot.press("ctrl+o", *"for one year.")  # a second content fragment, after the cue
        await pilot.press("tab", *"0.8", "tab")  # check-worthiness
        await pilot.press("right", "right", "tab")  # verdict: unverified → true → mostly-true
        await pilot.press(*"[b]AP", "enter", *"agreed", "tab")  # a two-line note, markup kept as text
        await pilot.press(*"https://a.io/1", "enter", *"http://b.io")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, ClaimEditor)
        assert "claim saved" in str(app.query_one("#status").render())
        await pilot.press("q")
    records = file_annotations(db)
    (claim,) = [r for r in records if r["kind"] == "claim"]
    entities = {e["entity_id"]: e for e in _entities(db)}
    attrs = claim["attrs"]
    assert claim["status"] == "accepted" and claim["label"] == "quote"
    assert entities[attrs["speaker"]]["name"] == "Isedua Oribhabor"
    assert TEXT[slice(*attrs["cue"])] == "said"
    assert [TEXT[s:e] for s, e in attrs["content"]] == ["We are pausing this,", "for one year."]
    assert attrs["checkworthiness"] == 0.8 and attrs["verdict"] == "mostly-true"
    assert attrs["note"] == "[b]AP\nagreed"
    assert attrs["evidence"] == ["https://a.io/1", "http://b.io"]


def _entities(db):
    from tinydb import TinyDB

    database = TinyDB(db)
    try:
        return database.table("entities").all()
    finally:
        database.close()


async def test_escape_keeps_the_new_claim_and_e_reopens_it_with_a_typed_speaker_and_bad_input_shown(tmp_path):
    app, db = open_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("c", "escape")  # the claim stays as created
        claims = [r for r in saved_annotations(db) if r["kind"] == "claim"]
        assert len(claims) == 1 and claims[0]["attrs"]["verdict"] == "unverified"
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, ClaimEditor)
        await pilot.press("tab", *"A spokesman", "tab")  # no such entity: the speaker is kept as text
        await pilot.press(*"whispered", "ctrl+s")  # a cue that is not in the text
        await pilot.pause()
        assert isinstance(app.screen, ClaimEditor)
        assert "whispered" in str(app.screen.query_one("#editor-error").render())
        await pilot.press("ctrl+a", "ctrl+k", "shift+tab", "shift+tab", "left")  # no cue; type: quote → evidence (wraps)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, ClaimEditor)
        await pilot.press("u")  # the edit is one undoable action
        assert [r["attrs"]["speaker"] for r in saved_annotations(db) if r["kind"] == "claim"] == [""]
        await pilot.press("ctrl+r", "q")
    (claim,) = [r for r in file_annotations(db) if r["kind"] == "claim"]
    assert claim["attrs"]["speaker"] == "A spokesman" and claim["attrs"]["cue"] is None
    assert claim["attrs"]["claim_type"] == "evidence" and claim["label"] == "evidence"


async def test_help_lists_the_editor_keys_with_their_ids(tmp_path):
    app, _ = open_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        ids = {binding.id for _, bindings in app.screen.sections for binding in bindings}
        assert {"claim_editor.save", "claim_editor.add_fragment", "factcheck.edit", "factcheck.merge", "search.open", "search.next", "entity_editor.save", "choice.next", "search.toggle_scope", "panel.claims_sort", "panel.claims_filter", "panel.claims_by_speaker"} <= ids
        # Every key has its id for a keymap, but Textual's own app keys, which have none to remap them by.
        assert all(entry.id or entry.action in ("quit", "help_quit", "command_palette") for _, entries in app.screen.sections for entry in entries)
        await pilot.press("escape", "q")


async def test_command_palette_sets_the_verdict_of_the_claim_under_the_cursor(tmp_path):
    app, db = open_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("c", "escape", "ctrl+p", *"claim: verdict misl")
        await pilot.pause(0.5)  # the palette searches in the background
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("q")
    (claim,) = [r for r in file_annotations(db) if r["kind"] == "claim"]
    assert claim["attrs"]["verdict"] == "misleading"


async def test_the_claim_editor_shows_a_quote_in_one_pair_of_quotation_marks(tmp_path):
    app, _ = open_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("c")  # the sentence, which opens and closes with the article's own marks
        await pilot.pause()
        assert isinstance(app.screen, ClaimEditor)
        shown = str(app.screen.query_one("#claim-text").render())
        assert shown == "“We are pausing this,” said Isedua Oribhabor of Access Now, “for one year.”"
        await pilot.press("escape", "q")
