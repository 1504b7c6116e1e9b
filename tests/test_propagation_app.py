"""Labelling a repeated phrase with the keys in the real app (Pilot): the other occurrences are
drawn as suggestions, counted on the status line, reviewed with the review keys, and only what
the user decides reaches the TinyDB file."""

from __future__ import annotations

from textual.geometry import Region

from tests.conftest import file_annotations, write_article
from tui.app import PostilApp
from tui.formats.readers import read_article
from tui.launch import open_session
from tui.widgets.article_view import ArticleView

SIZE = (120, 36)
TEXT = "\n\n".join(f"Acme Corp opened shop number {n}. Later Acme Corp closed it." for n in range(6)) + "\n"


def suggested_on_screen(article: ArticleView, phrase: str) -> int:
    """How many pieces of ``phrase`` the article draws on screen as suggestions (in italics)."""
    return sum(1 for strip in article.render_lines(Region(0, 0, *article.size)) for segment in strip
               if phrase in segment.text and segment.style is not None and segment.style.italic)


def status(app: PostilApp) -> str:
    return str(app.query_one("#status").render())


async def settled(pilot, app: PostilApp) -> None:
    """Wait until the count of the derived suggestions (a worker a moment after a change) is shown."""
    for _ in range(400):  # (at most 20 s on a loaded machine; a moment usually)
        await pilot.pause(0.05)
        if app.session.propagation.counted is not None and app.session.propagation.counted.version == app.session.propagation.version:
            return


async def test_labelling_a_repeated_phrase_shows_the_rest_as_suggestions_and_the_review_keys_store_one(tmp_path):
    db = tmp_path / "db.json"
    app = PostilApp(open_session(db, read_article(write_article(tmp_path, TEXT)), annotator="tester"))
    async with app.run_test(size=SIZE) as pilot:
        article = app.query_one(ArticleView)
        await pilot.pause()
        assert suggested_on_screen(article, "Acme") == 0
        await pilot.press("v", "l", "2")  # select "Acme Corp", label it ORG
        await pilot.pause()
        assert "labelled ORG" in status(app)
        assert suggested_on_screen(article, "Acme") == 11  # every other occurrence, on screen
        await settled(pilot, app)
        assert "11 suggested" in status(app)
        await pilot.press("full_stop")  # the next suggestion to review: the second Acme Corp
        await pilot.pause()
        assert article.cursor == TEXT.index("Acme Corp", 1)
        await pilot.press("y")  # accepted, on to the next
        await pilot.pause()
        assert article.cursor == TEXT.index("Acme Corp", TEXT.index("Acme Corp", 1) + 1)
        assert suggested_on_screen(article, "Acme") == 10
        await settled(pilot, app)
        assert "10 suggested" in status(app)
        await pilot.press("x")  # reject the one under the cursor
        await pilot.pause()
        await pilot.press("q")
    records = sorted((r["start"], r["label"], r["status"], r["origin"]) for r in file_annotations(db))
    second, third = TEXT.index("Acme Corp", 1), TEXT.index("Acme Corp", TEXT.index("Acme Corp", 1) + 1)
    assert records == [(0, "ORG", "accepted", "user"), (second, "ORG", "accepted", "user-correction"), (third, "ORG", "rejected", "user-correction")]
