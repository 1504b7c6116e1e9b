"""The label scheme in the app (Pilot, real TinyDB files): the digit keys apply the labels the
database's scheme gives them, ``L`` opens a fuzzy picker of every label (letters and labels
without a key included), and what is saved is the scheme's label.

Each test's database is given its scheme first, as ``postil scheme set`` gives it.
"""

from __future__ import annotations

from textual.containers import Vertical
from textual.geometry import Region
from textual.widgets import DataTable, Input, OptionList

from tests.conftest import file_annotations, write_article
from tests.test_review import suggest
from tui.app import PostilApp
from tui.formats.readers import read_article
from tui.launch import open_session
from tui.model.contrast import contrast_ratio
from tui.model.labels import CONLL2003, FACTCHECK, Label, Scheme, Verdict
from tui.screens.annotate import AnnotateScreen
from tui.screens.claim_editor import ClaimEditor
from tui.screens.entity_editor import EntityEditor
from tui.screens.help import HelpScreen
from tui.screens.label_picker import LabelPicker
from tui.screens.verdict_picker import VerdictPicker
from tui.session.schemes import set_scheme
from tui.settings import Settings
from tui.store.repository import open_store
from tui.widgets.forms import Choice

TEXT = (
    "Farmers marched on Brussels on Monday against the tariff.\n\n"
    "The ministry blamed importers for the losses."
)
# A framing project's scheme: twelve labels with keys (ten digits, two letters) and one without.
FRAMES = Scheme(
    name="frames",
    labels=(
        Label("ACTOR", "1", "#5fafff", "Who acts: people, groups, institutions"),
        Label("VICTIM", "2", "#ff87af", "Who is harmed"),
        Label("PLACE", "3", "#87d75f", "Where it happens"),
        Label("TIME", "4", "#d7af87", "When it happens"),
        Label("POLICY", "5", "#ffaf5f", "A rule, tariff or law at issue"),
        Label("HARM", "6", "#ff5f5f", "What damage is described"),
        Label("CAUSE", "7", "#d787ff", "What is said to bring it about"),
        Label("REMEDY", "8", "#5fd7af", "What is proposed to fix it"),
        Label("MORAL", "9", "#afaf5f", "Values appealed to"),
        Label("ECONOMY", "0", "#87afd7", "Prices, jobs, trade"),
        Label("PROTEST", "p", "#ffd787", "Demonstrations, strikes, marches"),
        Label("BLAME", "b", "#d75f5f", "Who is held responsible"),
        Label("OTHER", "", "#a8a8a8", "Anything else worth marking"),
    ),
    claim_types=("frame", "quote"),
    verdicts=(Verdict("correct", "c", 3), Verdict("partly", "p", 2), Verdict("wrong", "w", 1)),
    speaker_labels=frozenset({"ACTOR", "VICTIM"}),
)


def scheme_session(tmp_path, scheme: Scheme, text: str):
    """A session on ``text`` in a new database whose scheme is ``scheme`` (set as `postil scheme
    set` sets it), and the database's path."""
    db = tmp_path / "annotations.json"
    store = open_store(db)
    set_scheme(store, scheme, {})
    store.close()
    return open_session(db, read_article(write_article(tmp_path, text)), annotator="tester"), db


def open_app(tmp_path, scheme: Scheme) -> tuple[PostilApp, object]:
    """The app on TEXT in a new database whose scheme is ``scheme``."""
    session, db = scheme_session(tmp_path, scheme, TEXT)
    return PostilApp(session), db


def entities_in_file(db) -> dict[str, str]:
    """The TinyDB file's entity annotations: their text and label."""
    return {r["quote"]["exact"]: r["label"] for r in file_annotations(db) if r["kind"] == "entity"}


def annotate_screen(app) -> AnnotateScreen:
    return next(screen for screen in app.screen_stack if isinstance(screen, AnnotateScreen))


def status_line(app) -> str:
    return str(annotate_screen(app).query_one("#status").render())


async def move_to(pilot, app, phrase: str) -> None:
    """Put the cursor on the first token of ``phrase``."""
    annotate_screen(app).article.move_to(TEXT.index(phrase))
    await pilot.pause()


def picker_rows(app) -> list[str]:
    matches = app.screen.query_one("#label-picker-matches", OptionList)
    return [str(matches.get_option_at_index(n).prompt) for n in range(matches.option_count)]


# 1. The digit keys follow the scheme.


async def test_digit_keys_apply_the_labels_the_databases_scheme_gives_them(tmp_path):
    app, db = open_app(tmp_path, FRAMES)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("1")  # the cursor starts on "Farmers"
        assert "labelled ACTOR" in status_line(app)
        await move_to(pilot, app, "Brussels")
        await pilot.press("3")
        await move_to(pilot, app, "tariff")
        await pilot.press("0")
        assert "labelled ECONOMY" in status_line(app)
        await pilot.press("q")
    assert entities_in_file(db) == {"Farmers": "ACTOR", "Brussels": "PLACE", "tariff": "ECONOMY"}


async def test_a_digit_the_scheme_gives_no_label_says_so_and_saves_nothing(tmp_path):
    app, db = open_app(tmp_path, CONLL2003)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("7")
        assert "no label has the key 7 in the conll2003 scheme; L picks one from the list" in status_line(app)
        await pilot.press("1")
        assert "labelled PER" in status_line(app)
        await pilot.press("q")
    assert entities_in_file(db) == {"Farmers": "PER"}


async def test_a_digit_without_a_label_names_the_label_picker_key_of_the_users_keymap(tmp_path):
    session, _ = scheme_session(tmp_path, CONLL2003, TEXT)
    app = PostilApp(session, settings=Settings(keymap={"label.pick": "ctrl+l"}))
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("7")
        assert "no label has the key 7 in the conll2003 scheme; ctrl+l picks one from the list" in status_line(app)
        await pilot.press("ctrl+l")
        assert isinstance(app.screen, LabelPicker)
        await pilot.press("escape", "q")


async def test_help_names_each_digit_keys_label_in_the_databases_scheme(tmp_path):
    app, _ = open_app(tmp_path, CONLL2003)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        described = {binding.id: binding.description for _, bindings in app.screen.sections for binding in bindings}
        assert described["label.1"] == "Label PER" and described["label.4"] == "Label MISC"
        assert described["label.5"] == "Label with key 5 (no label in this scheme)"
        assert described["label.pick"] == "Pick a label from the scheme's list"
        await pilot.press("escape", "q")


# 2. The label picker.


async def test_L_then_a_letter_key_and_enter_applies_the_label_with_that_key(tmp_path):
    app, db = open_app(tmp_path, FRAMES)
    async with app.run_test(size=(120, 36)) as pilot:
        await move_to(pilot, app, "marched")
        await pilot.press("L")
        assert isinstance(app.screen, LabelPicker)
        await pilot.press("p")
        assert picker_rows(app)[0].startswith("p  PROTEST  Demonstrations, strikes, marches")
        await pilot.press("enter")
        assert isinstance(app.screen, AnnotateScreen)
        assert "labelled PROTEST" in status_line(app)
        await pilot.press("q")
    assert entities_in_file(db) == {"marched": "PROTEST"}


async def test_the_picker_lists_every_label_with_its_key_name_and_description_and_filters_fuzzily(tmp_path):
    app, db = open_app(tmp_path, FRAMES)
    async with app.run_test(size=(120, 36)) as pilot:
        await move_to(pilot, app, "ministry")
        await pilot.press("L")
        rows = picker_rows(app)
        assert len(rows) == 13
        assert rows[0] == "1  ACTOR  Who acts: people, groups, institutions"
        assert rows[-1] == "   OTHER  Anything else worth marking"  # no key: only the picker applies it
        assert "Label “ministry” as (13 labels in frames):" in str(app.screen.query_one("#label-picker-title").render())
        await pilot.press(*"respons")  # a word of BLAME's description
        assert [row.split()[1] for row in picker_rows(app)] == ["BLAME"]
        await pilot.press(*["backspace"] * len("respons"))
        await pilot.press(*"oth")
        assert picker_rows(app)[0].split()[0] == "OTHER"
        await pilot.press("enter")
        await pilot.press("q")
    assert entities_in_file(db) == {"ministry": "OTHER"}


async def test_up_and_down_move_in_the_picker_and_esc_labels_nothing(tmp_path):
    app, db = open_app(tmp_path, FRAMES)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("L", "escape")
        assert isinstance(app.screen, AnnotateScreen)
        await pilot.press("L", "down", "down", "down", "up", "enter")  # the third label: PLACE
        assert "labelled PLACE" in status_line(app)
        await pilot.press("q")
    assert entities_in_file(db) == {"Farmers": "PLACE"}


async def test_the_picker_labels_the_selection_and_relabels_an_entity_under_the_cursor(tmp_path):
    app, db = open_app(tmp_path, FRAMES)
    async with app.run_test(size=(120, 36)) as pilot:
        await move_to(pilot, app, "the tariff")
        await pilot.press("v", "right", "L", *"polic", "enter")  # "the tariff" selected
        assert "labelled POLICY" in status_line(app)
        await move_to(pilot, app, "tariff")  # inside the entity: the whole of it is relabelled
        await pilot.press("L", *"econ", "enter")
        await pilot.press("q")
    assert entities_in_file(db) == {"the tariff": "ECONOMY"}


async def test_the_picker_of_twelve_labels_fits_80_by_24(tmp_path):
    app, _ = open_app(tmp_path, FRAMES)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("L")
        box = app.screen.query_one(Vertical).region
        assert box.x >= 0 and box.y >= 0 and box.right <= 80 and box.bottom <= 24
        matches = app.screen.query_one("#label-picker-matches", OptionList)
        assert matches.region.height >= 10  # most of the thirteen at once, the rest a scroll away
        await pilot.press(*"oth")
        assert picker_rows(app)[0].split()[0] == "OTHER"
        await pilot.press("escape", "q")


# 3 and 4. Verdicts, claim types and speakers follow the scheme.

CLAIMS_TEXT = (
    "Acme Corp hired Jane Doe in Paris on Monday.\n\n"
    "“Prices fell by half this year,” said Jane Doe, who runs Acme Corp.\n\n"
    "Paris officials said the figures were wrong."
)
QUOTE = "“Prices fell by half this year,” said Jane Doe, who runs Acme Corp."
REPORTED = "Paris officials said the figures were wrong."


def open_claims_app(tmp_path, scheme: Scheme) -> tuple[PostilApp, object]:
    """The app on CLAIMS_TEXT under ``scheme``, with the model's suggestions stored: Acme Corp and
    Jane Doe as ACTOR, Paris as PLACE (which may not speak in FRAMES), a quote by Jane Doe and a
    reported claim by Paris."""
    session, db = scheme_session(tmp_path, scheme, CLAIMS_TEXT)
    suggest(session, {"Acme Corp": "ACTOR", "Jane Doe": "ACTOR", "Paris": "PLACE"}, [(QUOTE, "Jane Doe", "Jane Doe"), (REPORTED, "Paris", "Paris")])
    return PostilApp(session), db


def claims_in_file(db) -> dict[str, dict]:
    """The TinyDB file's claims by their text."""
    return {r["quote"]["exact"]: r for r in file_annotations(db) if r["kind"] == "claim"}


async def test_V_offers_the_letters_of_the_databases_verdict_scale_and_sets_its_verdict(tmp_path):
    app, db = open_claims_app(tmp_path, FRAMES)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("V")  # goes to the first suggested claim
        assert isinstance(app.screen, VerdictPicker)
        line = str(app.screen.query_one("#verdict-line").render())
        assert line == "Accept, verdict:  c correct  p partly  w wrong  u unverified  Esc cancel"
        await pilot.press("f")  # the default scale's "false": no verdict of this one
        assert isinstance(app.screen, VerdictPicker)
        await pilot.press("w")
        assert isinstance(app.screen, AnnotateScreen)
        assert "accepted, verdict wrong — quote by Jane Doe" in status_line(app)
        await pilot.press("q")
    claim = claims_in_file(db)[QUOTE]
    assert (claim["status"], claim["attrs"]["verdict"]) == ("accepted", "wrong")


async def test_the_factcheck_scale_sets_half_true_with_h_and_keeps_the_ids_for_a_keymap(tmp_path):
    app, db = open_claims_app(tmp_path, FACTCHECK)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("V")
        line = str(app.screen.query_one("#verdict-line").render())
        assert line.startswith("Accept, verdict:  t true  m mostly-true  h half-true  o mostly-false  f false  p pants-on-fire  u unverified")
        ids = {binding.id for _, binding in app.screen._bindings}
        assert {"review.verdict_half_true", "review.verdict_pants_on_fire", "review.verdict_unverified", "review.verdict_cancel"} <= ids
        assert "review.verdict_mixed" not in ids
        await pilot.press("h")
        await pilot.press("q")
    assert claims_in_file(db)[QUOTE]["attrs"]["verdict"] == "half-true"


async def test_the_palettes_verdict_commands_are_the_databases_scale(tmp_path):
    app, db = open_claims_app(tmp_path, FRAMES)
    async with app.run_test(size=(120, 36)) as pilot:
        annotate_screen(app).article.move_to(CLAIMS_TEXT.index("Prices"))
        await pilot.press("ctrl+p", *"claim: verdict")
        await pilot.pause(0.5)  # the palette searches in the background
        offered = [str(option.prompt).split("\n")[0] for option in app.screen.query_one(OptionList).options]
        assert {"claim: verdict correct", "claim: verdict partly", "claim: verdict wrong", "claim: verdict unverified"} <= set(offered)
        assert not any("mixed" in name or "mostly-true" in name for name in offered)
        await pilot.press(*" partly")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("q")
    claim = claims_in_file(db)[QUOTE]
    assert (claim["status"], claim["attrs"]["verdict"]) == ("accepted", "partly")


async def test_the_claim_editor_offers_the_schemes_types_verdicts_and_speakers(tmp_path):
    app, db = open_claims_app(tmp_path, FRAMES)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("V", "c")  # the quote, accepted with a verdict
        annotate_screen(app).article.move_to(CLAIMS_TEXT.index("Prices"))
        await pilot.press("e")
        editor = app.screen
        assert isinstance(editor, ClaimEditor)
        claim_type, verdict = editor.query_one("#claim-type", Choice), editor.query_one("#verdict", Choice)
        assert (claim_type.options, claim_type.value) == (("frame", "quote"), "quote")
        assert (verdict.options, verdict.value) == (("unverified", "correct", "partly", "wrong"), "correct")
        editor.query_one("#speaker", Input).value = ""  # every candidate, not the matches of the speaker's name
        await pilot.pause()
        speakers = editor.query_one("#speaker-matches", OptionList)
        assert [str(option.prompt) for option in speakers.options] == ["Acme Corp  ACTOR", "Jane Doe  ACTOR"]  # Paris is a PLACE: no speaker here
        await pilot.press("left")  # the type: frame
        verdict.focus()
        await pilot.press("right", "right")  # correct -> partly -> wrong
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, AnnotateScreen)
        await pilot.press("q")
    attrs = claims_in_file(db)[QUOTE]["attrs"]
    assert (attrs["claim_type"], attrs["verdict"]) == ("frame", "wrong")


async def test_a_stored_claim_type_the_scheme_lacks_is_shown_as_it_is_and_kept(tmp_path):
    app, db = open_claims_app(tmp_path, FRAMES)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("V", "c", ";", "V", "p")  # the reported claim ("reported" is no FRAMES type)
        annotate_screen(app).article.move_to(CLAIMS_TEXT.index("officials"))
        await pilot.press("e")
        claim_type = app.screen.query_one("#claim-type", Choice)
        assert (claim_type.options, claim_type.value) == (("reported", "frame", "quote"), "reported")
        note = app.screen.query_one("#note")
        note.focus()
        await pilot.press(*"checked")
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, AnnotateScreen)
        await pilot.press("q")
    attrs = claims_in_file(db)[REPORTED]["attrs"]
    assert (attrs["claim_type"], attrs["verdict"], attrs["note"]) == ("reported", "partly", "checked")


async def test_the_entity_editor_offers_the_schemes_labels(tmp_path):
    app, db = open_app(tmp_path, FRAMES)
    async with app.run_test(size=(120, 36)) as pilot:
        await move_to(pilot, app, "Brussels")
        await pilot.press("3", "e")  # PLACE, then its editor
        assert isinstance(app.screen, EntityEditor)
        label = app.screen.query_one("#entity-label", Choice)
        assert (label.options, label.value) == (FRAMES.label_names, "PLACE")
        label.focus()
        await pilot.press("right", "ctrl+s")  # PLACE -> TIME
        await pilot.press("q")
    assert entities_in_file(db) == {"Brussels": "TIME"}


async def test_the_claims_list_sorts_by_the_schemes_verdict_scale(tmp_path):
    app, _ = open_claims_app(tmp_path, FRAMES)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("V", "w", ";", "V", "c")  # the quote wrong, the reported claim correct
        screen = annotate_screen(app)
        screen.action_sort_claims_by("verdict")
        await pilot.pause()
        claims = screen.side_panel.claim_list
        order = [screen.session.by_id[key].quote.exact for key in claims._keys if key in screen.session.by_id]
        assert order == [REPORTED, QUOTE]  # correct comes before wrong on this scale
        await pilot.press("q")


async def test_the_pickers_label_names_read_on_a_light_theme(tmp_path):
    app, _ = open_app(tmp_path, FRAMES)
    async with app.run_test(size=(120, 36)) as pilot:
        app.theme = "textual-light"
        await pilot.press("L")
        await pilot.pause()
        matches = app.screen.query_one("#label-picker-matches", OptionList)
        drawn = {segment.text: segment.style for strip in matches.render_lines(Region(0, 0, *matches.size)) for segment in strip}
        for label in FRAMES.labels:
            style = drawn[label.name]  # as the screen draws it
            assert contrast_ratio(style.color.triplet.hex, style.bgcolor.triplet.hex) >= 4.5, label.name
        await pilot.press("escape", "q")


async def test_the_document_list_counts_a_verdict_of_the_databases_scale(tmp_path):
    app, _ = open_claims_app(tmp_path, FRAMES)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("V", "w", "o")  # a verdict of this scale, then the document list
        await pilot.pause()
        table = app.screen.query_one(DataTable)
        row = [str(cell) for cell in table.get_row_at(0)]
        assert row[-2:] == ["1", "1"]  # one claim accepted (the other is a suggestion), and it has a verdict
        await pilot.press("q")


async def test_a_labels_letter_key_applies_it_in_the_article_as_a_digit_does(tmp_path):
    app, db = open_app(tmp_path, FRAMES)
    async with app.run_test(size=(120, 36)) as pilot:
        await move_to(pilot, app, "marched")
        await pilot.press("p")
        assert "labelled PROTEST" in status_line(app)
        await move_to(pilot, app, "blamed")
        await pilot.press("b")
        await pilot.press("question_mark")
        described = {binding.id: binding.description for _, bindings in app.screen.sections for binding in bindings}
        assert (described["label.p"], described["label.b"]) == ("Label PROTEST", "Label BLAME")
        await pilot.press("escape", "q")
    assert entities_in_file(db) == {"marched": "PROTEST", "blamed": "BLAME"}
