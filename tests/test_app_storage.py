"""What the app shows about storage: a second writer, an edited article, orphans."""

from __future__ import annotations

import subprocess
import sys
import time

from tests.conftest import REPO, saved_annotations, write_article
from tui.app import PostilApp
from tui.formats.readers import read_article
from tui.launch import open_session
from tui.widgets.side_panel import OrphanList

SIZE = (120, 36)


async def test_a_second_postil_opens_read_only_with_a_banner_and_saves_nothing(tmp_path):
    article = write_article(tmp_path, "Acme Corp hired Jane Doe in Paris.")
    db = tmp_path / "db.json"
    holder = subprocess.Popen(
        [sys.executable, "-c", f"from tui.store.repository import open_store; s = open_store({str(db)!r}); print('held', flush=True); import time; time.sleep(60)"],
        cwd=REPO, stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        app = PostilApp(open_session(db, read_article(article), annotator="tester"))
        async with app.run_test(size=SIZE) as pilot:
            banner = str(app.query_one("#read-only-banner").render())
            assert "READ-ONLY" in banner and f"pid {holder.pid}" in banner
            await pilot.press("2")
            status = str(app.query_one("#status").render())
            assert "read-only" in status
            assert app.session.visible() == []
            await pilot.press("q")
    finally:
        holder.kill()
        holder.wait()
    time.sleep(0.1)
    assert saved_annotations(db) == []


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
        orphans = app.query_one(OrphanList)
        assert "Lyon" in str(orphans.get_option_at_index(0).prompt)
        await pilot.press("tab", "right", "right")
        assert orphans.has_focus
        await pilot.press("q")
