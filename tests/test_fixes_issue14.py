"""Issue 14's fixes found by a new user (Pilot on real TinyDB files): the detail pane follows the
cursor and scrolls, the claim editor's speaker picker and Esc, `e` and `c` on claims, every
action signed with its annotator, `m` on every mention with the same text, the speaker filter
on aliases, and a status line that says what it counts and which database is in use."""

from __future__ import annotations

from textual.geometry import Region
from tinydb import TinyDB

from tests.conftest import file_annotations, saved_annotations, write_article
from tests.conftest import occurrence as occurrence_of
from tests.test_review_keys import status_line
from tui.app import PostilApp
from tui.formats.readers import read_article
from tui.launch import open_session
from tui.model.annotation import CLAIM, ENTITY, SUGGESTED, Annotation, Entity
from tui.model.claims import claim_attrs
from tui.screens.claim_editor import ClaimEditor
from tui.screens.entity_editor import EntityEditor, EntityPicker
from tui.widgets.claim_list import ClaimList
from tui.widgets.detail_pane import DetailPane

SIZE = (120, 40)
TEXT = (
    "Oribhabor said the pause is too short on Monday. Amazon said three teams agree.\n\n"
    "Critics called it a stunt. Oribhabor left Amazon."
)


def open_db(tmp_path, text: str = TEXT, db_name: str = "annotations.json"):
    """A session on ``text`` in a new TinyDB file (annotator "tester") and the file's path."""
    db = tmp_path / db_name
    return open_session(db, read_article(write_article(tmp_path, text)), annotator="tester"), db


def label(session, phrase: str, name: str, occurrence: int = 0) -> Annotation:
    """Label the ``occurrence``-th ``phrase`` of the text (as the digit keys do)."""
    return session.label_span(*occurrence_of(session.text, phrase, occurrence), name)


def suggest(session, kind: str, name: str, phrase: str, entity: Entity | None = None, **attrs) -> Annotation:
    """Store one model suggestion on ``phrase`` (unsigned, as the model's are)."""
    start = session.text.index(phrase)
    end = start + len(phrase)
    if kind == CLAIM:
        attrs = claim_attrs(start, end, name, **attrs)
    elif entity is not None:
        attrs = {"entity_id": entity.entity_id}
    suggestion = Annotation.on_text(session.document.doc_id, session.text, kind, name, start, end, status=SUGGESTED, origin="model:test@1", attrs=attrs)
    session.add_suggestions([suggestion], [entity] if entity is not None else [])
    return suggestion


def pane_text(app: PostilApp) -> str:
    """What the detail pane shows on screen now (the rows it gives the screen, scrolled as it is)."""
    pane = app.query_one(DetailPane)
    return "\n".join(strip.text for strip in pane.render_lines(Region(0, 0, *pane.outer_size)))


async def go_to(pilot, phrase: str) -> None:
    """Put the cursor on ``phrase`` with a text search."""
    await pilot.press("slash", *phrase, "enter")
    await pilot.pause()


def file_entities(db) -> dict[str, dict]:
    database = TinyDB(db)
    try:
        return {e["entity_id"]: e for e in database.table("entities").all()}
    finally:
        database.close()


def file_claims(db) -> list[dict]:
    return [r for r in file_annotations(db) if r["kind"] == CLAIM]


# 1. The detail pane follows the cursor.


async def test_the_detail_pane_describes_the_annotation_the_cursor_is_on_after_every_kind_of_move(tmp_path):
    session, _ = open_db(tmp_path)
    label(session, "Oribhabor", "PERSON")
    label(session, "Amazon", "ORG")
    label(session, "Monday", "DATE")
    app = PostilApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("right_square_bracket")  # from "Oribhabor" to the next annotation: "Monday"
        await pilot.pause()
        assert "Monday  DATE" in pane_text(app)
        await pilot.press("right_square_bracket")
        await pilot.pause()
        assert "Amazon  ORG" in pane_text(app)
        await pilot.press("l")  # "said": nothing there
        await pilot.pause()
        assert "Nothing under the cursor" in pane_text(app)
        await pilot.press("h", "2")  # back on "Amazon", relabelled: the pane says so at once
        await pilot.pause()
        assert "Amazon  ORG" in pane_text(app) and "PERSON" not in pane_text(app)
        await pilot.press("g")
        await pilot.pause()
        assert "Oribhabor  PERSON" in pane_text(app)
        await pilot.press("q")


# 2. The claim editor: speaker picker, Esc, and the detail pane on a claim's note and evidence.


def claim_app(tmp_path):
    """The first sentence as a claim; Oribhabor a PERSON, Amazon an ORG, Monday a DATE, "three" a
    CARDINAL (the model's label for a number), all entities a speaker could be picked from."""
    session, db = open_db(tmp_path)
    for phrase, name in (("Oribhabor", "PERSON"), ("Amazon", "ORG"), ("Monday", "DATE"), ("three", "CARDINAL")):
        label(session, phrase, name)
    sentence = "Oribhabor said the pause is too short on Monday."
    claim = session.mark_claim(0, len(sentence), "reported")
    return PostilApp(session), db, claim


async def open_claim_editor(pilot, app) -> ClaimEditor:
    await pilot.press("l", "e")  # on "said": the claim
    await pilot.pause()
    assert isinstance(app.screen, ClaimEditor)
    return app.screen


async def test_enter_in_the_speaker_field_takes_the_highlighted_entity_not_the_typed_text(tmp_path):
    app, db, claim = claim_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_claim_editor(pilot, app)
        await pilot.press("tab", *"orib", "enter", "ctrl+s")  # no ↓: the best match is taken
        await pilot.pause()
        assert not isinstance(app.screen, ClaimEditor)
        await pilot.press("q")
    (stored,) = file_claims(db)
    assert file_entities(db)[stored["attrs"]["speaker"]]["name"] == "Oribhabor"


async def test_tab_in_the_speaker_field_takes_the_highlighted_entity_and_text_is_kept_only_when_nothing_matches(tmp_path):
    app, db, claim = claim_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        editor = await open_claim_editor(pilot, app)
        await pilot.press("tab", *"amaz", "tab")
        assert editor.query_one("#speaker").value == "Amazon" and editor.query_one("#cue").has_focus
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("e")
        await pilot.pause()
        await pilot.press("tab", "ctrl+a", "ctrl+k", *"A spokesman", "tab", "ctrl+s")  # matches no entity
        await pilot.pause()
        assert not isinstance(app.screen, ClaimEditor)
        await pilot.press("q")
    (stored,) = file_claims(db)
    assert stored["attrs"]["speaker"] == "A spokesman"


async def test_the_speaker_picker_never_offers_dates_or_numbers(tmp_path):
    app, _, _ = claim_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        editor = await open_claim_editor(pilot, app)
        matches = editor.query_one("#speaker-matches")
        await pilot.press("tab", "ctrl+a", "ctrl+k")  # an empty field lists every candidate
        await pilot.pause()
        offered = {str(matches.get_option_at_index(i).prompt) for i in range(matches.option_count)}
        assert offered == {"Oribhabor  PERSON", "Amazon  ORG"}
        await pilot.press(*"monda")  # "Monday" is no speaker, however it is typed
        await pilot.pause()
        assert matches.option_count == 0
        await pilot.press("escape", "escape", "q")


async def test_escape_with_unsaved_changes_asks_and_a_second_escape_discards_them(tmp_path):
    app, db, _ = claim_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        editor = await open_claim_editor(pilot, app)
        await pilot.press("escape")  # nothing changed: closes at once
        await pilot.pause()
        assert not isinstance(app.screen, ClaimEditor)
        editor = await open_claim_editor(pilot, app)
        await pilot.press("right")  # the type changes
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is editor
        assert "unsaved changes: Esc again discards them" in str(editor.query_one("#editor-error").render())
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, ClaimEditor)
        await pilot.press("q")
    (stored,) = file_claims(db)
    assert stored["attrs"]["claim_type"] == "reported"


async def test_the_detail_pane_shows_a_claims_whole_note_and_every_evidence_link_scrolling(tmp_path):
    session, _ = open_db(tmp_path)
    sentence = "Oribhabor said the pause is too short on Monday."
    claim = session.mark_claim(0, len(sentence), "reported")
    evidence = [f"https://example.org/source-{n}" for n in range(1, 6)]
    session.update_claim(claim.id, note="first line of the note\nsecond line of the note", evidence=evidence)
    app = PostilApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("l")  # on the claim
        await pilot.pause()
        shown = "\n".join(row.strip() for row in pane_text(app).splitlines())
        assert "note: first line of the note\nsecond line of the note" in shown
        assert evidence[-1] not in shown  # more than the pane's rows
        await pilot.press("tab")  # to the side panel
        for _ in range(8):
            await pilot.press("ctrl+down")
        await pilot.pause()
        assert f"evidence: {evidence[-1]}" in pane_text(app)
        await pilot.press("q")


# 3. `e` on a name inside a claim reaches the claim; `c` on a suggested claim opens it.


async def test_e_again_on_a_name_inside_a_claim_opens_the_claim(tmp_path):
    app, db, claim = claim_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("e")  # on "Oribhabor", inside the claim: the entity first
        await pilot.pause()
        assert isinstance(app.screen, EntityEditor)
        assert "e again here edits the claim around it" in status_line(app)
        await pilot.press("escape", "e")
        await pilot.pause()
        assert isinstance(app.screen, ClaimEditor) and app.screen.claim.id == claim.id
        await pilot.press("escape", "e")  # and round again
        await pilot.pause()
        assert isinstance(app.screen, EntityEditor)
        await pilot.press("escape", "q")


async def test_c_on_a_sentence_holding_a_suggested_claim_opens_it_instead_of_adding_another(tmp_path):
    session, db = open_db(tmp_path)
    speaker = Entity(session.document.doc_id, "Amazon", "ORG")
    suggest(session, ENTITY, "ORG", "Amazon", speaker)
    # The model's claim is the reported content, part of the sentence.
    suggested = suggest(session, CLAIM, "reported", "three teams agree", speaker=speaker.entity_id)
    app = PostilApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await go_to(pilot, "said three")  # in the sentence, outside the suggested claim
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, ClaimEditor) and app.screen.claim.id == suggested.id
        assert app.screen.query_one("#speaker").value == "Amazon"
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("q")
    (stored,) = file_claims(db)
    assert stored["id"] == suggested.id and stored["status"] == "accepted" and stored["attrs"]["speaker"] == speaker.entity_id


# 4. Every action records its annotator.


async def test_relabel_accept_all_and_merge_store_the_annotator(tmp_path):
    session, db = open_db(tmp_path)
    people = Entity(session.document.doc_id, "Oribhabor", "ORG")
    amazon = Entity(session.document.doc_id, "Amazon", "ORG")
    critics = Entity(session.document.doc_id, "Critics", "NORP")
    for phrase, entity in (("Oribhabor", people), ("Amazon", amazon), ("Critics", critics)):
        suggest(session, ENTITY, entity.label, phrase, entity)
    assert {r["annotator"] for r in saved_annotations(db)} == {""}  # the model's suggestions are unsigned
    label(session, "Oribhabor", "PERSON", occurrence=1)  # the second Oribhabor: a PERSON to merge into
    app = PostilApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1")  # the first Oribhabor, suggested as an ORG, relabelled PERSON
        await go_to(pilot, "Amazon")
        await pilot.press("A")  # every ORG suggestion accepted
        await go_to(pilot, "Critics")
        await pilot.press("m", *"amaz", "enter")  # merged into Amazon
        await pilot.pause()
        await pilot.press("q")
    records = {r["quote"]["exact"] + str(r["start"]): r for r in file_annotations(db)}
    assert {key: r["annotator"] for key, r in records.items()} == {key: "tester" for key in records}
    assert records[f"Critics{TEXT.index('Critics')}"]["label"] == "ORG"  # merged
    assert records["Oribhabor0"]["label"] == "PERSON" and records["Amazon49"]["status"] == "accepted"  # relabelled, accepted


# 5. `m` merges every mention with the same text.


async def test_m_can_merge_every_mention_with_the_same_text(tmp_path):
    session, db = open_db(tmp_path)
    label(session, "Oribhabor", "ORG")  # both mentions as an ORG named Oribhabor
    label(session, "Oribhabor", "ORG", occurrence=1)
    label(session, "Critics", "PERSON")
    session.update_entity(session.find_entity("Critics").entity_id, name="Isedua Oribhabor")
    app = PostilApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("m")
        await pilot.pause()
        assert isinstance(app.screen, EntityPicker)
        scope = app.screen.query_one("#picker-scope")
        assert str(scope.render()) == "Merge this “Oribhabor” (ctrl+t: all 2) into:"
        await pilot.press("ctrl+t")
        assert str(scope.render()) == "Merge all 2 mentions of “Oribhabor” (ctrl+t: this one) into:"
        await pilot.press(*"isedua", "enter")
        await pilot.pause()
        assert "merged 2 mentions into Isedua Oribhabor" in status_line(app)
        await pilot.press("q")
    entities = file_entities(db)
    named = {r["start"]: entities[r["attrs"]["entity_id"]]["name"] for r in file_annotations(db) if r["quote"]["exact"] == "Oribhabor"}
    assert set(named.values()) == {"Isedua Oribhabor"} and len(named) == 2
    assert [e["name"] for e in entities.values()] == ["Isedua Oribhabor"]  # the ORG, left with no mention, is gone


# 6. The speaker filter matches aliases.


async def test_the_claims_speaker_filter_matches_an_alias_of_the_speaker(tmp_path):
    session, _ = open_db(tmp_path)
    person = label(session, "Oribhabor", "PERSON")
    session.update_entity(person.attrs["entity_id"], aliases=["Access Now analyst"])
    first = "Oribhabor said the pause is too short on Monday."
    second = "Amazon said three teams agree."
    quoted = session.mark_claim(0, len(first), "reported")
    session.update_claim(quoted.id, speaker=person.attrs["entity_id"])
    start = TEXT.index(second)
    session.mark_claim(start, start + len(second), "reported")
    app = PostilApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("tab", "f", *"speaker:analyst", "enter")
        await pilot.pause()
        claims = app.query_one(ClaimList)
        listed = [claims.item_text(i).split("\n")[0] for i in range(claims.item_count)]
        assert len(listed) == 1 and first.startswith(listed[0].rstrip("…")), listed
        await pilot.press("q")


# 7. The status line says what it counts and which database is in use.


async def test_the_status_line_counts_accepted_and_suggested_of_each_kind_and_names_the_database(tmp_path):
    session, db = open_db(tmp_path, db_name="news\x1b[31m.json")
    label(session, "Oribhabor", "PERSON")
    label(session, "Amazon", "ORG")
    suggest(session, ENTITY, "DATE", "Monday", Entity(session.document.doc_id, "Monday", "DATE"))
    session.mark_claim(0, len("Oribhabor said the pause is too short on Monday."), "reported")
    suggest(session, CLAIM, "assertion", "Critics called it a stunt.")
    app = PostilApp(session)
    async with app.run_test(size=(160, 40)) as pilot:
        await pilot.pause()
        status = status_line(app)
        # Oribhabor and Amazon accepted, suggested again where they recur, and Monday suggested.
        assert "2 entities accepted · 3 suggested · 1 claims accepted · 1 suggested" in status, status
        assert "news␛[31m.json" in status and "\x1b" not in status  # the file's name, display-safe
        line = app.screen.query_one("#status")
        assert str(db) not in status and str(line.tooltip) == f"database: {str(db).replace(chr(27), '␛')}"
        await pilot.resize_terminal(80, 24)  # narrow: the counts said short, after the save state
        await pilot.pause()
        status = status_line(app)
        assert "news␛[31m.json  ·  saved  ·  accepted: 2 entities, 1 claims · 4 suggested" in status, status
        await pilot.press("q")
