"""What the app shows about storage: a second writer, an edited article, orphans."""

from __future__ import annotations

import errno
import os

from tests.conftest import lock_held_elsewhere, saved_annotations, write_article
from tui.app import PostilApp
from tui.formats.readers import read_article
from tui.launch import open_session
from tui.widgets.panel_tabs import PanelTabs
from tui.widgets.session_list import OrphanList

SIZE = (120, 36)


async def test_a_second_postil_opens_read_only_with_a_banner_and_saves_nothing(tmp_path):
    article = write_article(tmp_path, "Acme Corp hired Jane Doe in Paris.")
    db = tmp_path / "db.json"
    with lock_held_elsewhere(db) as holder:
        app = PostilApp(open_session(db, read_article(article), annotator="tester"))
        async with app.run_test(size=SIZE) as pilot:
            banner = str(app.query_one("#read-only-banner").render())
            assert "READ-ONLY" in banner and f"pid {holder.pid}" in banner
            await pilot.press("2")
            status = str(app.query_one("#status").render())
            assert "read-only" in status
            assert app.session.visible() == []
            await pilot.press("q")
    assert saved_annotations(db) == []


async def test_a_database_opened_on_a_full_disk_says_so_in_the_banner_not_that_another_postil_holds_it(tmp_path, monkeypatch):
    from tui.store import wal

    article = write_article(tmp_path, "Acme Corp hired Jane Doe in Paris.")
    db = tmp_path / "db.json"
    open_session(db, read_article(write_article(tmp_path, "Another text.", name="other.txt"))).store.close()
    full = OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    monkeypatch.setattr(wal, "write_all", lambda fd, payload: (_ for _ in ()).throw(full))
    app = PostilApp(open_session(db, read_article(article), annotator="tester"))
    async with app.run_test(size=SIZE) as pilot:
        banner = str(app.query_one("#read-only-banner").render())
        assert "READ-ONLY — db.json cannot be saved (No space left on device)" in banner
        assert "other Postil" not in banner
        await pilot.press("q")


async def test_an_edited_article_reopens_with_its_annotations_moved_and_orphans_listed(tmp_path):
    original = "Acme Corp hired Jane Doe in Paris.\n\nThe deal closed on Monday in Lyon."
    article = write_article(tmp_path, original)
    db = tmp_path / "db.json"
    session = open_session(db, read_article(article), annotator="tester")
    session.label_span(0, 9, "ORG")
    session.label_span(16, 24, "PERSON")
    lyon = original.index("Lyon")
    session.label_span(lyon, lyon + 4, "GPE")
    session.store.close()
    edited = "Breaking news.\n\nAcme Corp hired Jane Doe in Paris.\n\nThe deal closed on Monday in Marseille."
    article.write_text(edited, encoding="utf-8")
    app = PostilApp(open_session(db, read_article(article), annotator="tester"))
    async with app.run_test(size=SIZE) as pilot:
        status = str(app.query_one("#status").render())
        assert "3 annotations re-anchored" in status and "1 orphaned" in status
        placed = sorted((a.quote.exact, a.start) for a in app.session.visible())
        assert placed == [("Acme Corp", 16), ("Jane Doe", 32)]
        assert "Orphans 1" in app.query_one(PanelTabs).titles["orphans"]
        await pilot.press("tab", "right", "right")  # to the Orphans tab
        orphans = app.query_one(OrphanList)
        assert orphans.has_focus
        assert "Lyon" in orphans.item_text(0)
        await pilot.press("q")


async def test_a_full_disk_keeps_the_app_open_shows_the_error_retries_and_warns_before_quitting(tmp_path, monkeypatch):
    import errno
    import os

    from tui.store import wal

    article = write_article(tmp_path, "Acme Corp hired Jane Doe in Paris.")
    db = tmp_path / "db.json"
    app = PostilApp(open_session(db, read_article(article), annotator="tester"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")  # saved
        real_write = wal.write_all

        def disk_full(fd: int, payload: bytes) -> None:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

        monkeypatch.setattr(wal, "write_all", disk_full)
        await pilot.press("right_parenthesis", "g", "l", "l", "l", "1")  # "Jane" as PERSON: refused by the disk
        status = str(app.query_one("#status").render())
        assert "NOT SAVED: 1 change(s), retrying" in status and "No space left on device" in status
        assert {a.quote.exact for a in app.session.visible()} >= {"Acme", "Jane"}  # still on screen
        await pilot.press("q")
        assert app.is_running and "press q again" in str(app.query_one("#status").render())
        monkeypatch.setattr(wal, "write_all", real_write)
        app.retry_saves()
        assert "saved" in str(app.query_one("#status").render()) and "NOT SAVED" not in str(app.query_one("#status").render())
        await pilot.press("q")
    assert sorted(r["quote"]["exact"] for r in saved_annotations(db) if r["status"] == "accepted") == ["Acme", "Jane"]


async def test_during_a_pause_saved_changes_reach_the_tinydb_file_itself(tmp_path):
    from tests.conftest import file_annotations
    from tui.app import IDLE_COMPACT_SECONDS

    article = write_article(tmp_path, "Acme Corp hired Jane Doe in Paris.")
    db = tmp_path / "db.json"
    app = PostilApp(open_session(db, read_article(article), annotator="tester"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        assert file_annotations(db) == []  # saved in the log, not yet folded into the file
        app.compact_when_idle()
        assert file_annotations(db) == []  # the user is still typing
        app.last_key_time -= IDLE_COMPACT_SECONDS
        app.compact_when_idle()
        await app.workers.wait_for_complete()  # the file is written in a worker
        await pilot.pause()
        assert [r["quote"]["exact"] for r in file_annotations(db)] == ["Acme"]
        await pilot.press("q")


async def test_keys_are_answered_while_a_pause_folds_the_log_into_the_file(tmp_path, monkeypatch):
    import threading

    from tests.conftest import file_annotations
    from tui.app import IDLE_COMPACT_SECONDS
    from tui.store.folding import Fold

    written, go_on = threading.Event(), threading.Event()
    write = Fold.write

    def slow_write(fold):  # a book's file takes about a second
        write(fold)
        written.set()
        go_on.wait(10)

    monkeypatch.setattr(Fold, "write", slow_write)
    article = write_article(tmp_path, "Acme Corp hired Jane Doe in Paris.")
    db = tmp_path / "db.json"
    app = PostilApp(open_session(db, read_article(article), annotator="tester"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        app.last_key_time -= IDLE_COMPACT_SECONDS
        app.compact_when_idle()
        assert written.wait(10)
        cursor = app.annotate.article.cursor
        await pilot.press("right")  # while the fold is still being written
        assert app.annotate.article.cursor != cursor and file_annotations(db) == []
        await pilot.press("3")  # a change saved meanwhile: that fold is dropped, the change kept
        go_on.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert file_annotations(db) == [] and app.store.needs_compaction
        app.last_key_time -= IDLE_COMPACT_SECONDS
        app.compact_when_idle()  # the next pause folds both
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert sorted(r["quote"]["exact"] for r in file_annotations(db)) == ["Acme", "Corp"]
        await pilot.press("q")
