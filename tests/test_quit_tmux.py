"""Quitting while the model works: the real ``postil`` in tmux on a long article, q pressed
during the analysis; the process ends soon and the database holds what was saved."""

from __future__ import annotations

import time

from tests.conftest import file_annotations
from tests.test_tmux import Terminal, postil_command, pytestmark  # noqa: F401  (the tmux marks)

PARAGRAPH = (
    "Lagos officials said on Monday that the bridge built by Acme Corp would reopen in {n} weeks. "
    "Amara Okafor, who chairs the transport committee, told reporters the repairs cost {n} million naira, "
    "while critics in Marseille argued that the plan ignored residents of the northern districts."
)


def test_q_during_the_analysis_of_a_long_article_ends_the_process_and_keeps_what_was_saved(tmp_path):
    paragraphs = 3000  # about 850,000 characters: the model needs well over a minute for all of it
    article = tmp_path / "long.txt"
    article.write_text("\n\n".join(PARAGRAPH.format(n=n) for n in range(paragraphs)), encoding="utf-8")
    db = tmp_path / "annotations.json"
    terminal = Terminal([*postil_command(), str(article), "--db", str(db)], tmp_path, width=170)
    try:
        terminal.wait_for(f"/{paragraphs}", timeout=60, status_line=True)  # "suggesting n/3000"
        terminal.keys("3")  # "Lagos", under the cursor, labelled GPE while the model works
        terminal.wait_for("labelled GPE")
        pressed = time.monotonic()
        terminal.keys("q")
        terminal.wait_for("POSTIL-EXITED=0", timeout=20)  # a liveness bound, not a speed test
        assert time.monotonic() - pressed < 20
    finally:
        terminal.close()
    records = file_annotations(db)  # the TinyDB file itself, without the log
    assert [(r["quote"]["exact"], r["start"], r["label"]) for r in records if r["status"] == "accepted"] == [("Lagos", 0, "GPE")]
    assert any(r["status"] == "suggested" for r in records)  # stored before q, and folded into the file
    from tinydb import TinyDB

    with TinyDB(db) as tiny:
        assert tiny.table("nlp_cache").all() == []  # an unfinished analysis is not cached as if complete
