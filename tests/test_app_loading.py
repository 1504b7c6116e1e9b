"""A big database opens in the background: the text is readable first, annotations follow."""

from __future__ import annotations

import threading

from tests.conftest import saved_annotations, write_article
from tui.app import PostilApp
from tui.formats.readers import read_article
from tui.launch import open_session, opens_in_background
from tui.store.storage import StoreError
from tui.widgets.article_view import ArticleView
from tui.widgets.entity_list import EntityList

SIZE = (100, 30)


async def test_text_is_shown_before_the_annotations_load_and_keys_wait_for_them(tmp_path):
    article = write_article(tmp_path, "Acme Corp hired Jane Doe in Paris.")
    db = tmp_path / "db.json"
    first = open_session(db, read_article(article), annotator="tester")
    first.label_span(0, 9, "ORG")
    first.store.close()
    release = threading.Event()

    def slow_open():
        release.wait(10)
        return open_session(db, read_article(article), annotator="tester")

    app = PostilApp(document=read_article(article), open_session=slow_open)
    async with app.run_test(size=SIZE) as pilot:
        view = app.query_one(ArticleView)
        assert "Acme Corp hired Jane Doe in Paris." in view.render_line(0).text
        assert "annotations not loaded yet" in str(app.query_one("#status").render())
        await pilot.press("l", "l", "l", "1")  # "Jane"? not yet: annotations are loading
        assert "still loading" in str(app.query_one("#status").render())
        release.set()
        for _ in range(200):
            await pilot.pause(0.02)
            if app.query(EntityList) and app.query_one(EntityList).item_count:
                break
        assert "1 entities" in str(app.query_one("#status").render())
        assert view.spans.at(0)[0].label == "ORG"
        await pilot.press("1")
        await pilot.press("q")
    assert sorted((r["quote"]["exact"], r["label"]) for r in saved_annotations(db)) == [("Acme Corp", "ORG"), ("Jane", "PERSON")]


async def test_an_unusable_database_found_in_the_background_quits_with_its_error(tmp_path):
    article = write_article(tmp_path, "Some article.")

    def broken_open():
        raise StoreError(f"{tmp_path / 'db.json'}: not valid JSON at line 3, column 1; run `postil doctor`")

    app = PostilApp(document=read_article(article), open_session=broken_open)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.2)
    assert app.return_code == 2
    assert "line 3, column 1" in app.load_error


def test_only_big_databases_open_in_the_background(tmp_path):
    small = tmp_path / "small.json"
    small.write_bytes(b"{}")
    big = tmp_path / "big.json"
    big.write_bytes(b"{" + b" " * (5 * 1024 * 1024) + b"}")
    assert not opens_in_background(small)
    assert opens_in_background(big)
    assert not opens_in_background(tmp_path / "missing.json")
