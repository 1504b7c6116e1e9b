"""Nothing hostile reaches the terminal: escape sequences in an article, in stored names, labels,
speakers and notes, and in the lock's owner file are drawn as visible placeholders on every
screen (editors included), and a form saved without touching a field leaves it as stored."""

from __future__ import annotations

import orjson
from textual import events

from tests.conftest import lock_held_elsewhere, saved_annotations, write_article
from tui.app import PostilApp
from tui.formats.readers import read_article
from tui.launch import open_session
from tui.model.annotation import CLAIM, Annotation
from tui.model.display import display_text
from tui.screens.claim_editor import ClaimEditor
from tui.screens.entity_editor import EntityEditor, EntityPicker
from tui.store.lock import owner_path
from tui.store.records import ANNOTATIONS, Change
from tui.widgets.detail_pane import DetailPane

SIZE = (130, 44)
# What an attacker writes: clipboard (OSC 52), window titles (OSC 0 and 2, ended by BEL or ST),
# a hyperlink (OSC 8), the default colours (OSC 10 and 11), colours and cursor moves (CSI), a
# device control string (DCS), the same as 8-bit C1 controls, and a bell.
HOSTILE = (
    "\x1b]52;c;cHduZWQ=\x07"
    "\x1b]0;pwned\x07\x1b]2;pwned\x1b\\"
    "\x1b]8;;https://evil.example/\x1b\\link\x1b]8;;\x1b\\"
    "\x1b]10;#010203\x07\x1b]11;#040506\x1b\\"
    "\x1b[31;42m\x1b[2J\x1b[H\x1b[38;2;1;2;3;48;2;4;5;6m"
    "\x1bP+q544e\x1b\\"
    "\x9b1;31m\x9d2;c1 title\x9c\x90q\x9c\x07"
)
TEXT = (
    f"Bridge news {HOSTILE}\n\n"
    f"Ada Obi said {HOSTILE}the bridge reopens on Monday.\n\n"
    f"Residents {HOSTILE}welcomed the news."
)


def screen_characters(app) -> str:
    """Every character Textual sends the terminal to draw the screen as it is now (dialogs and
    the screen under them), leaving out its own cursor moves (the styles are not characters)."""
    update = app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    return "".join(segment.text for line in update.strips for strip in line for segment in strip if not segment.control)


def assert_no_controls(shown: str, allowed: str = "") -> None:
    """``shown`` has no C0 or C1 control character (but those ``allowed``)."""
    controls = sorted({f"U+{ord(c):04X}" for c in shown if (ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0) and c not in allowed})
    assert not controls, f"control characters reach the terminal: {controls}"


def assert_display_safe(app) -> str:
    """No C0 or C1 control reaches the terminal, and the hostile text is on screen as placeholders."""
    shown = screen_characters(app)
    assert_no_controls(shown)
    assert "␛]" in shown, "the hostile text is not on screen: the check above proves nothing"
    return shown


def assert_detail_safe(app, *expected: str) -> None:
    """The detail pane's whole description (more than its rows show) is display-safe."""
    description = str(app.query_one(DetailPane).render())
    assert_no_controls(description, allowed="\n")
    for text in expected:
        assert text in description


def hostile_database(tmp_path):
    """A database where every kind of stored string carries escape sequences: the article, an
    entity's name, aliases and knowledge-base id, a label, a mention's note, a claim's typed
    speaker, cue, content, note and evidence. Returns the article, the database and the claim's id."""
    article = write_article(tmp_path, TEXT)
    db = tmp_path / "annotations.json"
    session = open_session(db, read_article(article), annotator="tester")
    ada = TEXT.index("Ada Obi")
    mention = session.label_span(ada, ada + len("Ada Obi"), "PERSON")
    session.update_entity(mention.attrs["entity_id"], name=f"Ada {HOSTILE}Obi", aliases=[f"Obi{HOSTILE}"], kb_id=f"Q1{HOSTILE}")
    session.set_note(mention.id, f"seen {HOSTILE}\nat the press call")
    residents = TEXT.index("Residents")
    session.label_span(residents, residents + len("Residents"), f"GROUP{HOSTILE}")
    sentence = TEXT.index("Ada Obi said")
    end = TEXT.index("Monday.") + len("Monday.")
    claim = session.mark_claim(sentence, end, "reported")
    said = TEXT.index("said")
    content = TEXT.index(HOSTILE, said)
    session.update_claim(
        claim.id,
        speaker=f"A {HOSTILE}typed  speaker",
        cue=[said, said + 4],
        content=[[content, end]],
        note=f"  {HOSTILE}\nchecked\n",
        evidence=[f"https://example.org/{HOSTILE}"],
        checkworthiness=0.123456789,
    )
    # A claim whose type and verdict are outside the data model, as a hand-edited file may hold.
    start = TEXT.index("Residents")
    odd = Annotation.on_text(
        session.document.doc_id, session.text, CLAIM, f"quote{HOSTILE}", start, len(TEXT), id="c-odd",
        attrs={"claim_type": f"quote{HOSTILE}", "verdict": f"false{HOSTILE}", "speaker": ""},
    )
    session.store.apply([Change(ANNOTATIONS, odd.id, odd.to_record())])
    session.store.close()
    return article, db, claim.id


def open_hostile_app(tmp_path):
    article, db, claim_id = hostile_database(tmp_path)
    return PostilApp(open_session(db, read_article(article), annotator="tester")), db, claim_id


async def test_the_main_screen_shows_a_hostile_title_article_labels_names_speakers_and_notes_as_placeholders(tmp_path):
    app, _, _ = open_hostile_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        shown = assert_display_safe(app)  # the status line's title, the article, the entity list
        assert display_text(f"GROUP{HOSTILE}")[:30] in shown  # a label heading in the side panel
        await pilot.press("right_curly_bracket")  # the cursor on "Ada": the detail pane describes the mention
        await pilot.pause()
        assert "aliases:" in assert_display_safe(app)
        assert_detail_safe(app, "kb id:", "this mention:", "at the press call")
        await pilot.press("tab")  # the entity list: the highlighted entity in the detail pane
        await pilot.pause()
        assert_display_safe(app)
        assert_detail_safe(app, "kb id:")
        await pilot.press("down")  # the entity with a hostile label
        await pilot.pause()
        assert_display_safe(app)
        assert_detail_safe(app, "Residents  GROUP␛]")
        await pilot.press("right")  # the claims: excerpt, type, typed speaker, then its details
        await pilot.pause()
        assert "reported" in assert_display_safe(app)
        assert_detail_safe(app, "(as typed)", "cue: said", "note:", "evidence:")
        await pilot.press("down")  # the claim with a hostile type and verdict
        await pilot.pause()
        assert "quote␛]" in assert_display_safe(app)
        assert_detail_safe(app, "type: quote␛]", "verdict: false␛]")
        await pilot.press("w")  # grouped by speaker: the speaker is a heading
        await pilot.pause()
        assert_display_safe(app)
        await pilot.press("q")


async def test_marking_a_hostile_sentence_as_a_claim_shows_it_in_the_editor_as_placeholders(tmp_path):
    article = write_article(tmp_path, TEXT)
    app = PostilApp(open_session(tmp_path / "annotations.json", read_article(article), annotator="tester"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("right_curly_bracket", "right_curly_bracket", "c")  # "Residents … welcomed the news."
        await pilot.pause()
        assert isinstance(app.screen, ClaimEditor)
        assert_display_safe(app)  # the content field holds the sentence
        await pilot.press("escape", "q")


async def test_the_claim_editor_on_a_stored_claim_shows_speaker_cue_content_note_and_evidence_as_placeholders(tmp_path):
    app, _, _ = open_hostile_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("right_curly_bracket", "l", "l", "e")  # on "said": the claim
        await pilot.pause()
        assert isinstance(app.screen, ClaimEditor)
        assert_display_safe(app)
        for field in ("#speaker", "#cue", "#content-1", "#note", "#evidence"):
            widget = app.screen.query_one(field)
            value = getattr(widget, "value", None) or widget.text
            assert "\x1b" not in value and "\x9b" not in value, field
        await pilot.press("escape", "q")


async def test_the_entity_editor_and_the_merge_picker_show_a_hostile_name_aliases_id_note_and_label_as_placeholders(tmp_path):
    app, _, _ = open_hostile_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("right_curly_bracket", "e")  # on "Ada": the entity and this mention's note
        await pilot.pause()
        assert isinstance(app.screen, EntityEditor)
        assert_display_safe(app)
        await pilot.press("escape", "m")  # merge "Ada Obi" into…: the other entity, with its label
        await pilot.pause()
        assert isinstance(app.screen, EntityPicker)
        shown = assert_display_safe(app)
        assert display_text(f"GROUP{HOSTILE}")[:30] in shown
        await pilot.press("escape", "q")


async def test_a_claim_saved_without_edits_keeps_every_stored_field_and_an_edit_changes_only_its_field(tmp_path):
    app, db, claim_id = open_hostile_app(tmp_path)
    (before,) = [r for r in saved_annotations(db) if r["id"] == claim_id]
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("right_curly_bracket", "l", "l", "e", "ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, ClaimEditor)
        (after,) = [r for r in saved_annotations(db) if r["id"] == claim_id]
        assert after["attrs"] == before["attrs"] and after["quote"] == before["quote"]
        assert (after["start"], after["end"]) == (before["start"], before["end"])
        # Now the type, and the content with its first five characters deleted (it then starts
        # with placeholders, found in the text as shown): the other fields stay as stored.
        await pilot.press("e", "right")  # the type field first: reported → assertion
        await pilot.press("tab", "tab", "tab")  # speaker, cue, content
        await pilot.press("home", *["delete"] * 5, "ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, ClaimEditor), app.screen.query_one("#editor-error").render()
        await pilot.press("q")
    (edited,) = [r for r in saved_annotations(db) if r["id"] == claim_id]
    (content,) = before["attrs"]["content"]
    assert edited["attrs"]["content"] == [[content[0] + 5, content[1]]]
    assert edited["attrs"]["claim_type"] == "assertion"
    for field in ("speaker", "cue", "note", "evidence", "checkworthiness", "verdict"):
        assert edited["attrs"][field] == before["attrs"][field], field


async def test_an_entity_saved_without_edits_keeps_its_name_aliases_id_and_note(tmp_path):
    app, db, _ = open_hostile_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        mention = next(a for a in app.session.visible() if a.quote.exact == "Ada Obi")
        entity = app.session.entities[mention.attrs["entity_id"]]
        before = (entity.name, entity.aliases, entity.kb_id, mention.attrs["note"])
        await pilot.press("right_curly_bracket", "e", "ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, EntityEditor), app.screen.query_one("#editor-error").render()
        await pilot.press("q")
    session = open_session(db, read_article(tmp_path / "article.txt"), annotator="tester")
    try:
        mention = session.by_id[mention.id]
        entity = session.entities[mention.attrs["entity_id"]]
        assert (entity.name, entity.aliases, entity.kb_id, mention.attrs["note"]) == before
    finally:
        session.store.close()


async def test_an_orphan_with_a_hostile_label_and_quote_is_listed_as_placeholders(tmp_path):
    article = write_article(tmp_path, f"Acme hired Jane.\n\nThe deal closed in Ly{HOSTILE}on.")
    db = tmp_path / "db.json"
    session = open_session(db, read_article(article), annotator="tester")
    lyon = article.read_text(encoding="utf-8").index("Ly")
    session.label_span(lyon, lyon + len(f"Ly{HOSTILE}on"), f"GPE{HOSTILE}")
    session.store.close()
    article.write_text("Acme hired Jane.\n\nThe deal closed in Marseille.", encoding="utf-8")
    app = PostilApp(open_session(db, read_article(article), annotator="tester"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("tab", "right", "right")  # the Orphans tab
        await pilot.pause()
        assert_display_safe(app)
        await pilot.press("q")


async def test_the_read_only_banner_shows_a_hostile_owner_file_as_placeholders(tmp_path):
    article = write_article(tmp_path, "Acme Corp hired Jane Doe in Paris.")
    db = tmp_path / "db.json"
    with lock_held_elsewhere(db) as holder:
        owner = {"user": f"eve{HOSTILE}", "host": f"box{HOSTILE}", "pid": holder.pid, "since": "2024-01-01T00:00:00Z"}
        owner_path(db).write_bytes(orjson.dumps(owner))
        app = PostilApp(open_session(db, read_article(article), annotator="tester"))
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            assert "READ-ONLY" in str(app.query_one("#read-only-banner").render())
            assert_display_safe(app)
            await pilot.press("q")


async def test_keys_remapped_to_escape_sequences_are_shown_as_placeholders_in_the_key_hints_and_help(tmp_path, monkeypatch):
    keymap = tmp_path / "config" / "postil" / "keymap.json"
    keymap.parent.mkdir(parents=True)
    keymap.write_text(orjson.dumps({"app.undo": "\x1b]0;pwned\x07,u", "claim_editor.save": "ctrl+s,\x1b]52;c;cHduZWQ=\x07"}).decode(), encoding="utf-8")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    article = write_article(tmp_path, "Acme Corp hired Jane Doe in Paris.")
    app = PostilApp(open_session(tmp_path / "annotations.json", read_article(article), annotator="tester"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert_display_safe(app)  # the key hints under the article
        await pilot.press("question_mark")
        await pilot.pause()
        await pilot.press("end")  # the dialogs' keys, at the end of the help
        await pilot.pause()
        for _ in range(5):  # up to the claim editor's, above the other dialogs'
            if "claim_editor.save" in assert_display_safe(app):
                break
            await pilot.press("pageup")
            await pilot.pause()
        assert "claim_editor.save" in assert_display_safe(app)
        await pilot.press("escape", "q")


async def test_text_pasted_into_the_search_the_claim_filter_and_a_note_is_shown_and_kept_as_placeholders(tmp_path):
    article = write_article(tmp_path, "Ada Obi said the bridge reopens on Monday.\n\nResidents welcomed the news.")
    db = tmp_path / "annotations.json"
    app = PostilApp(open_session(db, read_article(article), annotator="tester"))
    pasted = f"first {HOSTILE}\r\nsecond line"
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash")
        await pilot.pause()
        assert app.focused.id == "search-query"
        app.post_message(events.Paste(pasted))  # as the terminal sends it: to the focused field
        await pilot.pause()
        assert_display_safe(app)
        await pilot.press("escape", "tab", "f")  # the claim filter
        await pilot.pause()
        assert app.focused.id == "claim-filter"
        app.post_message(events.Paste(pasted))
        await pilot.pause()
        assert_display_safe(app)
        await pilot.press("escape", "tab", "c")  # the first sentence as a claim; its note gets the paste
        await pilot.pause()
        app.screen.query_one("#note").focus()
        app.post_message(events.Paste(pasted))
        await pilot.pause()
        assert_display_safe(app)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, ClaimEditor)
        await pilot.press("q")
    (claim,) = [r for r in saved_annotations(db) if r["kind"] == "claim"]
    assert claim["attrs"]["note"] == display_text(f"first {HOSTILE}") + "\nsecond line"


async def test_text_pasted_into_the_command_palette_is_shown_as_placeholders(tmp_path):
    article = write_article(tmp_path, "Ada Obi said the bridge reopens on Monday.")
    app = PostilApp(open_session(tmp_path / "annotations.json", read_article(article), annotator="tester"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        app.post_message(events.Paste(f"claims {HOSTILE}"))  # to Textual's own palette input
        await pilot.pause()
        assert "␛" in app.focused.value
        assert_display_safe(app)
        await pilot.press("escape", "q")
