"""What ``postil BOOK`` does before its first screen: only what that screen shows, and the book
read with no copy of it beyond its bytes and its text.

A database big enough to be opened in the background is read once the article is drawn, and
nothing only later screens need (the store's database, the session, the document list, the
text fields, a web fetch) is imported before. Each case runs in a fresh interpreter, which has imported
nothing yet.
"""

from __future__ import annotations

import codecs
import hashlib
import subprocess
import sys
import tracemalloc
from pathlib import Path

import pytest

from tests.conftest import write_article
from tui.formats.readers import read_article

REPO = Path(__file__).resolve().parents[1]
# Modules the first screen of an article does without.
LATER = ["tui.store.repository", "tui.session.annotation_session", "tui.session.curation", "tui.session.review", "tui.session.corpus",
         "tui.session.corpus_search", "tui.screens.documents", "tui.widgets.side_panel", "tui.widgets.disagreement_list",
         "textual.widgets._text_area", "urllib.request"]

OPEN_IN_BACKGROUND = f"""
import asyncio, sys
from pathlib import Path

from tui.app import PostilApp
from tui.formats.web import read_article_file
from tui.launch import open_session
from tui.widgets.article_view import ArticleView

drawn = []
render_lines = ArticleView.render_lines
ArticleView.render_lines = lambda view, crop: drawn.extend(render_lines(view, crop)) or drawn[-crop.height:]
load_session = PostilApp.load_session
PostilApp.load_session = lambda app: print("text drawn when the database starts opening:", any("Acme Corp hired" in strip.text for strip in drawn)) or load_session(app)
document = read_article_file(Path(sys.argv[1]), "utf-8", 50)


def opener():
    print("imported before the database opens:", [name for name in {LATER!r} if name in sys.modules])
    return open_session(Path(sys.argv[2]), document, annotator="tester")


async def main():
    app = PostilApp(document=document, open_session=opener)
    async with app.run_test(size=(100, 30)) as pilot:
        for _ in range(250):
            await pilot.pause(0.02)
            if app.session is not None:
                break
        print("session loaded:", app.session is not None)

asyncio.run(main())
"""


def run(code: str, *arguments: Path) -> list[str]:
    result = subprocess.run([sys.executable, "-c", code, *map(str, arguments)], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout.splitlines()


def test_a_big_database_is_opened_after_the_text_is_drawn_and_nothing_else_is_imported_before(tmp_path):
    article = write_article(tmp_path, "Acme Corp hired Jane Doe in Paris.\n\nShe starts in May.")
    lines = run(OPEN_IN_BACKGROUND, article, tmp_path / "db.json")
    assert lines == [
        "text drawn when the database starts opening: True",
        "imported before the database opens: []",
        "session loaded: True",
    ]


def test_postil_path_imports_the_app_without_collections_and_freezes_it_before_it_runs(tmp_path):
    """The collector does not walk the modules being imported, nor, frozen, again while the first
    screen is made; it is on when the app runs."""
    article = write_article(tmp_path, "Acme Corp hired Jane Doe in Paris.")
    code = (
        "import gc, sys\n"
        "seen = {}\n"
        "def collections():\n"
        "    return sum(generation['collections'] for generation in gc.get_stats())\n"
        "def when_imported(event, args):\n"
        "    if event != 'import':\n"
        "        return\n"
        "    if args[0] == 'tui.app' and 'before' not in seen:\n"
        "        seen['before'] = collections()\n"
        "    app = sys.modules.get('tui.app')\n"
        "    if 'after' not in seen and hasattr(app, 'PostilApp'):\n"
        "        seen['after'] = collections()\n"
        "        app.PostilApp.run = lambda *_, **__: print('on:', gc.isenabled(), 'frozen:', gc.get_freeze_count() > 0)\n"
        "sys.addaudithook(when_imported)\n"
        "from tui.cli import main\n"
        "main([sys.argv[1], '--db', sys.argv[2], '--no-suggest'])\n"
        "print('collections while the app was imported:', seen['after'] - seen['before'])\n"
    )
    assert run(code, article, tmp_path / "db.json") == ["on: True frozen: True", "collections while the app was imported: 0"]


@pytest.mark.parametrize(("data", "encoding"), [
    (b"Plain ASCII.\n", "utf-8"),
    ("Caf\u00e9 \u201cquoted\u201d \u2014 \u65e5\u672c.\n".encode(), "utf-8"),
    (codecs.BOM_UTF8 + b"With a byte order mark.\n", "utf-8"),
    (b"Windows lines.\r\nAnd an old Mac one.\rEnd.\n", "utf-8"),
    ("UTF-16 with its mark.\n".encode("utf-16"), "utf-8"),
    ("Latin-1 caf\u00e9.\n".encode("latin-1"), "latin-1"),
    ("Caf\u00e9 with a signature.\n".encode("utf-8-sig"), "utf-8-sig"),
])
def test_an_article_read_as_it_is_hashes_its_bytes_and_the_hash_is_that_of_its_text(tmp_path, data, encoding):
    path = tmp_path / "article.txt"
    path.write_bytes(data)
    document = read_article(path, encoding=encoding)
    assert document.sha256 == hashlib.sha256(document.text.encode("utf-8")).hexdigest()
    assert document.doc_id == document.sha256[:16]


def test_reading_a_book_holds_its_bytes_and_its_text_and_no_other_copy(tmp_path):
    path = tmp_path / "book.txt"
    path.write_text("The council met on Monday.\n" * 80_000, encoding="utf-8")  # about 2 MB, ending in a newline
    size = path.stat().st_size
    tracemalloc.start()
    try:  # (a limit near its size: the file is read into a buffer as large as the limit allows)
        document = read_article(path, max_mb=1.2 * size / (1024 * 1024))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(document.text) == size
    assert peak < 2.5 * size  # the bytes read and the decoded text; re-encoding it, or stripping it, made a third
