"""Review mode in the real app (Pilot) on a real TinyDB file: next / previous unreviewed
suggestion, accept-and-next and reject-and-next, accepting an entity's every mention, and the
verdict picker, which accepts a suggested claim with its speaker. The model's suggestions are
stored through the session, as the app stores them."""

from __future__ import annotations

from tests.conftest import saved_annotations, write_article
from tests.test_review import span, suggest
from tui.app import PostilApp
from tui.formats.readers import read_article
from tui.launch import open_session
from tui.screens.annotate import AnnotateScreen
from tui.screens.help import HelpScreen
from tui.screens.verdict_picker import VERDICT_KEYS, VerdictPicker

SIZE = (140, 40)
TEXT = (
    "Acme Corp hired Jane Doe in Paris on Monday.\n\n"
    "“Prices fell by half this year,” said Jane Doe, who runs Acme Corp.\n\n"
    "Paris officials said the figures were wrong."
)
QUOTE = "“Prices fell by half this year,” said Jane Doe, who runs Acme Corp."
REPORTED = "Paris officials said the figures were wrong."
NAMES = {"Acme Corp": "ORG", "Jane Doe": "PERSON", "Paris": "GPE"}


def open_app(tmp_path) -> tuple[PostilApp, object]:
    """The app on TEXT in a new database, with the model's suggestions stored: every name, a
    quote spoken by Jane Doe and a reported claim by Paris."""
    db = tmp_path / "annotations.json"
    session = open_session(db, read_article(write_article(tmp_path, TEXT)), annotator="tester")
    suggest(session, NAMES, [(QUOTE, "Jane Doe", "Jane Doe"), (REPORTED, "Paris", "Paris")])
    return PostilApp(session), db


def saved(db) -> dict[tuple[str, str, int], dict]:
    """The saved annotations by (kind, text, start)."""
    return {(r["kind"], r["quote"]["exact"], r["start"]): r for r in saved_annotations(db)}


def status_of(db, kind: str, phrase: str, nth: int = 0) -> str:
    return saved(db)[(kind, phrase, span(TEXT, phrase, nth)[0])]["status"]


def annotate_screen(app) -> AnnotateScreen:
    """The annotate screen, also while a dialog is open over it."""
    return next(screen for screen in app.screen_stack if isinstance(screen, AnnotateScreen))


def status_line(app) -> str:
    return str(annotate_screen(app).query_one("#status").render())


def cursor(app) -> int:
    return annotate_screen(app).article.cursor


async def test_a_suggested_quote_is_accepted_with_its_speaker_and_a_verdict_in_two_keys_from_an_opened_article(tmp_path):
    app, db = open_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        keys = ["V", "f"]  # V goes to the first suggested claim (past the names) and asks; f: false
        await pilot.press(keys[0])
        assert isinstance(app.screen, VerdictPicker)
        line = str(app.screen.query_one("#verdict-line").render())
        assert line == "Accept, verdict:  t true  m mostly-true  x mixed  l misleading  f false  s unsupported  u unverified  Esc cancel"
        assert all(f"{key} {verdict}" in line for key, verdict in VERDICT_KEYS.items())
        assert "suggested quote by Jane Doe: “Prices fell by half" in status_line(app)
        await pilot.press(keys[1])
        assert len(keys) <= 5
        assert not isinstance(app.screen, VerdictPicker)
        assert "accepted, verdict false — quote by Jane Doe: “Prices fell" in status_line(app)
        assert cursor(app) == TEXT.index(QUOTE)  # the cursor stays on the claim just reviewed
        await pilot.press("q")
    claim = saved(db)[("claim", QUOTE, TEXT.index(QUOTE))]
    assert (claim["status"], claim["attrs"]["verdict"], claim["attrs"]["speaker"], claim["annotator"]) == ("accepted", "false", "e-Jane Doe", "tester")
    assert status_of(db, "entity", "Jane Doe", 1) == "accepted"  # the speaker's mention in the quote
    assert status_of(db, "entity", "Jane Doe", 0) == "suggested"
    assert status_of(db, "entity", "Acme Corp", 0) == "suggested"
    assert status_of(db, "claim", REPORTED) == "suggested"


async def test_the_next_claim_gets_its_verdict_with_semicolon_V_and_a_letter_and_u_undoes_the_whole_review(tmp_path):
    app, db = open_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("V", "t")
        await pilot.press("semicolon")
        assert cursor(app) == TEXT.index(REPORTED)
        assert "reported by Paris: “Paris officials said" in status_line(app) and "V verdict" in status_line(app)
        await pilot.press("V", "s")
        assert status_of(db, "claim", REPORTED) == "accepted" and status_of(db, "entity", "Paris", 1) == "accepted"
        await pilot.press("u")  # one action: the claim, its verdict and its speaker's mention
        assert status_of(db, "claim", REPORTED) == "suggested" and status_of(db, "entity", "Paris", 1) == "suggested"
        assert saved(db)[("claim", REPORTED, TEXT.index(REPORTED))]["attrs"]["verdict"] == "unverified"
        assert saved(db)[("claim", QUOTE, TEXT.index(QUOTE))]["attrs"]["verdict"] == "true"
        await pilot.press("q")


async def test_dot_and_comma_go_through_unreviewed_suggestions_and_y_r_review_and_move_on(tmp_path):
    app, db = open_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("full_stop")  # the cursor is on "Acme Corp": that suggestion first
        assert cursor(app) == 0 and "ORG “Acme Corp”" in status_line(app)
        await pilot.press("y")  # accepted, and on to "Jane Doe"
        assert status_of(db, "entity", "Acme Corp") == "accepted"
        assert cursor(app) == TEXT.index("Jane Doe") and "accepted ORG · next: PERSON “Jane Doe” · y accept · r reject" in status_line(app)
        await pilot.press("r")  # rejected, and on to "Paris"
        assert status_of(db, "entity", "Jane Doe") == "rejected"
        assert cursor(app) == TEXT.index("Paris")
        await pilot.press("full_stop")  # past "Paris", to the quote
        assert cursor(app) == TEXT.index(QUOTE)
        await pilot.press("full_stop")  # the name inside the quote comes after the quote that holds it
        assert cursor(app) == span(TEXT, "Jane Doe", 1)[0]
        await pilot.press("comma", "comma", "comma")  # back: the quote, "Paris", then the reviewed ones are skipped...
        assert cursor(app) == TEXT.index(REPORTED)  # ...round to the last one at the other end
        assert "from the other end" in status_line(app)
        await pilot.press("u")  # undoes the rejection only: moving is no undo step
        assert status_of(db, "entity", "Jane Doe") == "suggested" and status_of(db, "entity", "Acme Corp") == "accepted"
        await pilot.press("q")


async def test_y_on_a_suggested_claim_accepts_it_with_its_speaker(tmp_path):
    app, db = open_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("semicolon", "y")
        assert cursor(app) == span(TEXT, "Acme Corp", 1)[0]  # the next suggestion: its speaker's name was accepted with it
        await pilot.press("q")
    claim = saved(db)[("claim", QUOTE, TEXT.index(QUOTE))]
    assert (claim["status"], claim["attrs"]["verdict"], claim["attrs"]["speaker"]) == ("accepted", "unverified", "e-Jane Doe")
    assert status_of(db, "entity", "Jane Doe", 1) == "accepted"


async def test_Y_accepts_every_suggested_mention_of_the_entity_under_the_cursor_in_one_undoable_action(tmp_path):
    app, db = open_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("l", "l", "l", "Y")  # on "Jane Doe"
        assert "accepted 2 suggested mention(s) of Jane Doe" in status_line(app)
        assert [status_of(db, "entity", "Jane Doe", n) for n in (0, 1)] == ["accepted", "accepted"]
        assert status_of(db, "entity", "Acme Corp") == "suggested" and status_of(db, "claim", QUOTE) == "suggested"
        await pilot.press("u")
        assert [status_of(db, "entity", "Jane Doe", n) for n in (0, 1)] == ["suggested", "suggested"]
        await pilot.press("q")


async def test_V_on_a_name_inside_an_accepted_claim_asks_for_that_claims_verdict_and_esc_changes_nothing(tmp_path):
    app, db = open_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("V", "m")
        await pilot.press("right_parenthesis", "left_parenthesis")  # off the claim and back to its start
        for _ in range(12):  # then token by token onto "Jane Doe" inside it
            if cursor(app) == span(TEXT, "Jane Doe", 1)[0]:
                break
            await pilot.press("l")
        assert cursor(app) == span(TEXT, "Jane Doe", 1)[0]
        await pilot.press("V")
        line = str(app.screen.query_one("#verdict-line").render())
        assert line.startswith("Verdict:  t true") and "verdict of quote by Jane Doe: “Prices fell" in status_line(app)
        await pilot.press("escape")
        assert not isinstance(app.screen, VerdictPicker)
        assert saved(db)[("claim", QUOTE, TEXT.index(QUOTE))]["attrs"]["verdict"] == "mostly-true"
        await pilot.press("V", "l")
        await pilot.press("q")
    assert saved(db)[("claim", QUOTE, TEXT.index(QUOTE))]["attrs"]["verdict"] == "misleading"
    assert status_of(db, "claim", REPORTED) == "suggested"


async def test_a_suggested_claim_without_a_speaker_is_accepted_with_its_verdict_and_no_name_with_it(tmp_path):
    db = tmp_path / "annotations.json"
    session = open_session(db, read_article(write_article(tmp_path, TEXT)), annotator="tester")
    suggest(session, NAMES, [(REPORTED, "", "")])
    app = PostilApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("V")
        assert "suggested reported by no one: “Paris officials" in status_line(app)
        await pilot.press("x")
        assert "accepted, verdict mixed — reported by no one" in status_line(app)
        await pilot.press("q")
    claim = saved(db)[("claim", REPORTED, TEXT.index(REPORTED))]
    assert (claim["status"], claim["attrs"]["verdict"], claim["attrs"]["speaker"]) == ("accepted", "mixed", "")
    assert {r["status"] for r in saved(db).values() if r["kind"] == "entity"} == {"suggested"}


async def test_with_no_suggested_claim_left_semicolon_and_V_say_so_and_move_nothing(tmp_path):
    db = tmp_path / "annotations.json"
    session = open_session(db, read_article(write_article(tmp_path, TEXT)), annotator="tester")
    suggest(session, {"Jane Doe": "PERSON"}, [])
    app = PostilApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("semicolon")
        assert "no suggested claim left to review" in status_line(app) and cursor(app) == 0
        await pilot.press("V")
        assert not isinstance(app.screen, VerdictPicker) and "no suggested claim left to review" in status_line(app)
        await pilot.press("full_stop", "y")
        assert cursor(app) == span(TEXT, "Jane Doe", 1)[0] and "accepted PERSON · next: PERSON “Jane Doe”" in status_line(app)
        await pilot.press("y", "full_stop")
        assert "no suggestion left to review" in status_line(app)
        await pilot.press("q")
    assert {r["status"] for r in saved(db).values()} == {"accepted"}


async def test_V_in_the_claims_list_gives_the_highlighted_claim_its_verdict(tmp_path):
    app, db = open_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("tab", "right")  # the side panel's Claims tab
        await pilot.pause()
        claims = app.screen.query_one("#claim-list")
        assert app.screen.focused is claims
        await pilot.press("down")
        await pilot.pause()
        highlighted = app.screen.session.by_id[claims.highlighted_key]
        await pilot.press("V", "t")
        await pilot.press("q")
    claim = saved(db)[("claim", highlighted.quote.exact, highlighted.start)]
    assert (claim["status"], claim["attrs"]["verdict"]) == ("accepted", "true")
    assert [r["attrs"]["verdict"] for r in saved(db).values() if r["kind"] == "claim" and r["start"] != highlighted.start] == ["unverified"]


async def test_the_command_palette_offers_the_review_actions(tmp_path):
    app, db = open_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("l", "l", "l", "ctrl+p", *"every mention")  # on "Jane Doe"
        await pilot.pause(0.5)  # the palette searches in the background
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("ctrl+p", *"suggested claim")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause()
        assert cursor(app) == TEXT.index(QUOTE)
        await pilot.press("q")
    assert [status_of(db, "entity", "Jane Doe", n) for n in (0, 1)] == ["accepted", "accepted"]


async def test_the_review_keys_are_in_the_footer_and_in_help_with_their_ids(tmp_path):
    app, _ = open_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        hints = str(app.screen.query_one("#keys").render())
        assert "V Verdict  . Review" in hints
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        ids = {binding.id for _, bindings in app.screen.sections for binding in bindings}
        expected = {"review.next", "review.previous", "review.next_claim", "review.previous_claim", "review.accept_next", "review.reject_next", "review.accept_entity", "review.verdict"}
        assert expected | {f"review.verdict_{verdict.replace('-', '_')}" for verdict in VERDICT_KEYS.values()} <= ids
        await pilot.press("escape", "q")


async def test_every_footer_hint_fits_a_120_column_terminal(tmp_path):
    app, _ = open_app(tmp_path)
    async with app.run_test(size=(120, 36)):
        footer = app.screen.query_one("#keys")
        drawn = "".join(segment.text for segment in footer.render_line(0))
        assert drawn.rstrip().endswith("o Docs  V Verdict  . Review"), drawn


def test_every_verdict_has_one_letter():
    from tui.model.claims import VERDICTS

    assert sorted(VERDICT_KEYS.values()) == sorted(VERDICTS)
    assert len(set(VERDICT_KEYS)) == len(VERDICT_KEYS)


async def test_a_wrong_speaker_is_put_right_in_the_claim_editor_after_the_verdict_in_six_keys_and_the_name(tmp_path):
    db = tmp_path / "annotations.json"
    session = open_session(db, read_article(write_article(tmp_path, TEXT)), annotator="tester")
    suggest(session, NAMES, [(QUOTE, "Acme Corp", "Acme Corp")])  # the model took the wrong name
    app = PostilApp(session)
    async with app.run_test(size=SIZE) as pilot:
        keys = ["V", "f", "e", "tab", *"jane", "enter", "ctrl+s"]  # Enter takes the best match
        await pilot.press(*keys)
        assert len(keys) == 6 + len("jane")
        await pilot.press("q")
    claim = saved(db)[("claim", QUOTE, TEXT.index(QUOTE))]
    assert (claim["status"], claim["attrs"]["verdict"], claim["attrs"]["speaker"]) == ("accepted", "false", "e-Jane Doe")


async def test_the_palettes_verdict_accepts_a_suggested_claim_with_its_speaker_as_the_picker_does(tmp_path):
    app, db = open_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("semicolon")  # the first suggested claim: the quote
        assert cursor(app) == TEXT.index(QUOTE)
        annotate_screen(app).action_set_verdict("mixed")  # what the palette's "claim: verdict mixed" runs
        await pilot.press("q")
    claim = saved(db)[("claim", QUOTE, TEXT.index(QUOTE))]
    assert (claim["status"], claim["attrs"]["verdict"]) == ("accepted", "mixed")
    assert status_of(db, "entity", "Jane Doe", 1) == "accepted"
