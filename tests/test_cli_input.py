"""Bad input never reaches the app: one line on stderr, exit status 2, the database untouched."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO, write_article


def run_postil(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    """Run this checkout's ``postil`` (not an installed copy) in ``cwd``."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-m", "tui", *args], cwd=cwd, capture_output=True, text=True, timeout=60, env=env)


@pytest.fixture
def existing_db(tmp_path: Path) -> Path:
    """A database that already holds something, to prove a failed open leaves it alone."""
    db = tmp_path / "annotations.json"
    db.write_bytes(b'{"documents": {"1": {"doc_id": "x", "text": "kept", "sha256": "y"}}}\n')
    return db


def assert_refused(result: subprocess.CompletedProcess, *fragments: str) -> None:
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    for fragment in fragments:
        assert fragment in lines[0]


def bad_inputs(tmp_path: Path) -> dict[str, tuple[Path, list[str]]]:
    folder = tmp_path / "a-folder"
    folder.mkdir()
    binary = tmp_path / "image.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    latin = tmp_path / "latin.txt"
    latin.write_bytes("Caf\u00e9 society".encode("latin-1"))
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    blank = tmp_path / "blank.md"
    blank.write_bytes(b"  \n\n\t\n")
    return {
        "missing": (tmp_path / "nope.txt", ["nope.txt", "no such file"]),
        "empty folder": (folder, ["a-folder", "no .htm, .html, .markdown, .md, .text, .txt files in this folder"]),
        "binary": (binary, ["image.txt", "binary"]),
        "invalid utf-8": (latin, ["latin.txt", "byte offset 3", "--encoding"]),
        "empty": (empty, ["empty.txt", "empty"]),
        "blank markdown": (blank, ["blank.md", "empty"]),
    }


@pytest.mark.parametrize("case", ["missing", "empty folder", "binary", "invalid utf-8", "empty", "blank markdown"])
def test_bad_article_is_refused_and_the_db_is_untouched(tmp_path, existing_db, case):
    path, fragments = bad_inputs(tmp_path)[case]
    before = existing_db.read_bytes()
    result = run_postil(str(path), "--db", str(existing_db), cwd=tmp_path)
    assert_refused(result, *fragments)
    assert existing_db.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("annotations")) == ["annotations.json"]


def test_bad_input_does_not_create_a_database(tmp_path):
    result = run_postil(str(tmp_path / "missing.txt"), cwd=tmp_path)
    assert_refused(result, "missing.txt")
    assert not (tmp_path / "annotations.json").exists()


def test_an_unparseable_database_is_refused_with_its_line_and_column(tmp_path):
    article = write_article(tmp_path, "Some article text.")
    db = tmp_path / "broken.json"
    db.write_text('{"documents": {\n  "1": {"doc_id": \n', encoding="utf-8")
    before = db.read_bytes()
    result = run_postil(str(article), "--db", str(db), cwd=tmp_path)
    assert_refused(result, "broken.json", "line 3", "postil doctor")
    assert db.read_bytes() == before


def test_an_empty_database_file_is_refused_not_started_over(tmp_path):
    article = write_article(tmp_path, "Some article text.")
    db = tmp_path / "annotations.json"
    db.write_bytes(b"")
    result = run_postil(str(article), "--db", str(db), cwd=tmp_path)
    assert_refused(result, "annotations.json", "empty")
    assert db.read_bytes() == b""


def test_the_db_path_being_a_directory_is_refused(tmp_path):
    article = write_article(tmp_path, "Some article text.")
    result = run_postil(str(article), "--db", str(tmp_path), cwd=tmp_path)
    assert_refused(result, "is a directory")


def test_encoding_option_reads_a_latin1_file(tmp_path):
    from tui.formats.readers import read_article

    path = tmp_path / "latin.txt"
    path.write_bytes("Caf\u00e9 society".encode("latin-1"))
    assert read_article(path, encoding="latin-1").text == "Café society"


def test_help_lists_the_options(tmp_path):
    result = run_postil("--help", cwd=tmp_path)
    assert result.returncode == 0
    assert "--db" in result.stdout and "--encoding" in result.stdout


def test_markdown_is_shown_as_readable_text_with_paragraphs_kept(tmp_path):
    from tui.formats.readers import read_article

    path = tmp_path / "story.md"
    path.write_text(
        "# Council votes\n\nThe *council* voted on\n**Tuesday** after [a long debate](http://x.test).\n\n"
        "- first point\n- second point\n\n```\ncode line\n```\n",
        encoding="utf-8",
    )
    document = read_article(path)
    assert document.text == (
        "Council votes\n\nThe council voted on Tuesday after a long debate.\n\n• first point\n\n• second point\n\ncode line"
    )
    assert document.title == "Council votes"


def test_the_title_is_the_first_non_blank_line_cut_to_120_characters(tmp_path):
    from tui.formats.readers import read_article

    path = tmp_path / "book.txt"
    path.write_text("\n  \n\t " + "A long title " * 20 + "\nThe first paragraph.\n", encoding="utf-8")
    assert read_article(path).title == ("A long title " * 20)[:120]


def test_windows_newlines_are_normalised(tmp_path):
    from tui.formats.readers import read_article

    path = tmp_path / "crlf.txt"
    path.write_bytes(b"Line one.\r\nLine two.\rLine three.")
    assert read_article(path).text == "Line one.\nLine two.\nLine three."


def test_import_hygiene_core_packages_do_not_import_textual():
    code = (
        "import sys, tui.model, tui.store, tui.session, tui.nlp, tui.formats, tui.launch, tui.cli\n"
        "import pkgutil, importlib\n"
        "for package in ('tui.model', 'tui.store', 'tui.session', 'tui.nlp', 'tui.formats'):\n"
        "    module = importlib.import_module(package)\n"
        "    for info in pkgutil.walk_packages(module.__path__, package + '.'):\n"
        "        importlib.import_module(info.name)\n"
        "bad = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
        "print(bad)\n"
        "raise SystemExit(1 if bad else 0)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
