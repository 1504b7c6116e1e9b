"""The model's analysis is cached by the app on its own thread: the suggestion worker computes and
posts, and never writes to the store (a write from the worker's thread raced the app's saves)."""

from __future__ import annotations

import threading

from tinydb import TinyDB

from tests.conftest import write_article
from tui.app import PostilApp
from tui.formats.readers import read_article
from tui.launch import model_suggestions, open_session
from tui.store.repository import Store


async def test_the_worker_posts_the_analysis_and_the_app_caches_it_in_the_tinydb_file(tmp_path, monkeypatch):
    writes: list[int] = []  # the thread of every cache write
    original = Store.cache

    def recording_cache(store, key, value):
        writes.append(threading.get_ident())
        return original(store, key, value)

    monkeypatch.setattr(Store, "cache", recording_cache)
    article = write_article(tmp_path, "Amazon announced on Wednesday that it would pause sales to police, said Jane Doe.")
    db = tmp_path / "db.json"
    app = PostilApp(open_session(db, read_article(article), annotator="tester"), suggester=model_suggestions)
    async with app.run_test(size=(120, 36)) as pilot:
        for _ in range(600):  # loading the model takes a few seconds
            await pilot.pause(0.1)
            if writes:
                break
        assert "suggested" in str(app.query_one("#status").render()) and app.suggest_state == ""
        await pilot.press("q")
    assert writes == [threading.get_ident()]  # once, from the app's thread (the test's: Pilot runs the app here)
    database = TinyDB(db)
    try:
        (cached,) = database.table("nlp_cache").all()
    finally:
        database.close()
    assert cached["key"].startswith("nlp:") and isinstance(cached["value"], list) and cached["value"]
