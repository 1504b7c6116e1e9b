"""The Claims tab (Pilot): filter, sort, "who said what" by speaker, `e` from the list, and search over
the text and the annotations with `n`/`N`; edits checked in the TinyDB file."""

from __future__ import annotations

from textual.geometry import Region

from tests.conftest import file_annotations, write_article
from tui.app import PostilApp
from tui.formats.readers import read_article
from tui.launch import open_session
from tui.screens.claim_editor import ClaimEditor
from tui.widgets.article_view import ArticleView
from tui.widgets.claim_list import ClaimList

SIZE = (120, 44)
TEXT = (
    "Oribhabor said the pause is too short. Amazon said the pause helps.\n\n"
    "Oribhabor said bias is proven. Critics say the pause is a stunt."
)


def open_app(tmp_path) -> tuple[PostilApp, object, dict[str, str]]:
    """Four claims: two by Oribhabor (an entity), one by Amazon, one with a typed speaker."""
    db = tmp_path / "annotations.json"
    session = open_session(db, read_article(write_article(tmp_path, TEXT)), annotator="tester")
    first = session.label_span(0, len("Oribhabor"), "PERSON")
    amazon = TEXT.index("Amazon")
    session.label_span(amazon, amazon + len("Amazon"), "ORG")
    speakers = {"Oribhabor": first.attrs["entity_id"], "Amazon": session.find_entity("Amazon").entity_id}
    ids = {}
    plans = [
        ("Oribhabor said the pause is too short.", "Oribhabor", "false", 0.4, "quote"),
        ("Amazon said the pause helps.", "Amazon", "misleading", 0.9, "reported"),
        ("Oribhabor said bias is proven.", "Oribhabor", "true", 0.7, "reported"),
        ("Critics say the pause is a stunt.", "critics", "unverified", None, "assertion"),
    ]
    for sentence, speaker, verdict, worth, claim_type in plans:
        start = TEXT.index(sentence)
        claim = session.mark_claim(start, start + len(sentence), claim_type)
        session.update_claim(claim.id, speaker=speakers.get(speaker, speaker), verdict=verdict, checkworthiness=worth, note=f"note on {speaker}")
        ids[sentence.split()[0] + verdict] = claim.id
    return PostilApp(session), db, ids


def listed(app: PostilApp) -> list[str]:
    """The claim list's entries as plain text (headings included)."""
    claims = app.query_one(ClaimList)
    return [claims.item_text(i).split("\n")[0] for i in range(claims.item_count)]


async def test_claims_filter_sort_group_by_speaker_and_edit_from_the_list(tmp_path):
    app, db, ids = open_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("tab", "f", *"speaker:orib")  # the list follows the filter as it is typed
        await pilot.pause()
        assert listed(app) == ["Oribhabor said the pause is too short.", "Oribhabor said bias is proven."]
        await pilot.press("enter", "escape", "f", *"cw:>=0.7", "enter")
        assert listed(app) == ["Amazon said the pause helps.", "Oribhabor said bias is proven."]
        await pilot.press("escape", "s", "s")  # text order → speaker → verdict
        assert listed(app) == [
            "Critics say the pause is a stunt.",  # unverified
            "Oribhabor said bias is proven.",  # true
            "Amazon said the pause helps.",  # misleading
            "Oribhabor said the pause is too short.",  # false
        ]
        await pilot.press("s", "s", "s", "w")  # back to text order, grouped by speaker
        assert listed(app) == [
            "Oribhabor  2 claim(s)",
            "Oribhabor said the pause is too short.",
            "Oribhabor said bias is proven.",
            "Amazon  1 claim(s)",
            "Amazon said the pause helps.",
            "critics  1 claim(s)",
            "Critics say the pause is a stunt.",
        ]
        claims = app.query_one(ClaimList)
        assert claims.has_focus
        claims.highlight(ids["Amazonmisleading"])
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, ClaimEditor) and app.screen.claim.id == ids["Amazonmisleading"]
        for _ in range(5):  # type, speaker, cue, content, check-worthiness → verdict
            await pilot.press("tab")
        await pilot.press("right", "ctrl+s")  # misleading → false
        await pilot.pause()
        await pilot.press("q")
    verdicts = {r["id"]: r["attrs"]["verdict"] for r in file_annotations(db) if r["kind"] == "claim"}
    assert verdicts[ids["Amazonmisleading"]] == "false"


async def test_the_command_palette_opens_the_claim_filter_and_typing_filters_the_list(tmp_path):
    app, _, _ = open_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p", *"claims: filter")
        await pilot.pause(0.5)  # the palette searches in the background
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press(*"speaker:amazon")
        await pilot.pause()
        assert listed(app) == ["Amazon said the pause helps."]
        await pilot.press("enter", "q")


def highlighted_hits(view: ArticleView) -> list[str]:
    """The text of every stretch the article shows in the search-hit colour now (as drawn
    for the screen, through Textual's line cache)."""
    strips = view.render_lines(Region(0, 0, *view.outer_size))
    return [segment.text for strip in strips for segment in strip if segment.style and segment.style.bgcolor == view.marks.search_hit.bgcolor]


async def test_every_hit_of_a_search_is_highlighted_until_escape_and_n_shows_them_again(tmp_path):
    app, _, _ = open_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        view = app.query_one(ArticleView)
        assert highlighted_hits(view) == []
        await pilot.press("slash", *"pause", "enter")
        await pilot.pause()
        assert highlighted_hits(view) == ["pause", "pause", "pause"]
        await pilot.press("escape")  # no selection: the highlight goes
        await pilot.pause()
        assert highlighted_hits(view) == []
        await pilot.press("n")
        await pilot.pause()
        assert highlighted_hits(view) == ["pause", "pause", "pause"] and view.cursor == TEXT.index("pause", TEXT.index("pause") + 1)
        await pilot.press("slash", "ctrl+a", "ctrl+k", *"nowhere", "enter")  # a search without hits clears it too
        await pilot.pause()
        assert highlighted_hits(view) == []
        await pilot.press("q")


async def test_search_the_text_and_the_annotations_and_step_through_hits(tmp_path):
    app, _, _ = open_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        view = app.query_one(ArticleView)
        await pilot.press("slash", *"PAUSE", "enter")  # ignoring case
        await pilot.pause()
        starts = [i for i in range(len(TEXT)) if TEXT.startswith("pause", i)]
        assert view.cursor == starts[0] and "hit 1/3" in str(app.query_one("#status").render())
        await pilot.press("n", "n")
        assert view.cursor == starts[2]
        await pilot.press("n")  # wraps to the first
        assert view.cursor == starts[0]
        await pilot.press("N")  # and back to the last
        assert view.cursor == starts[2]
        await pilot.press("slash", "ctrl+a", "ctrl+k", *"misleading", "ctrl+t", "enter")  # a verdict, in the annotations
        await pilot.pause()
        assert view.cursor == TEXT.index("Amazon said") and "hit 1/1" in str(app.query_one("#status").render())
        await pilot.press("slash", "ctrl+a", "ctrl+k", *"note on critics", "enter")  # the scope is remembered
        await pilot.pause()
        assert view.cursor == TEXT.index("Critics")
        await pilot.press("slash", "ctrl+a", "ctrl+k", *"nowhere", "enter")
        await pilot.pause()
        assert "no hits" in str(app.query_one("#status").render())
        await pilot.press("q")
