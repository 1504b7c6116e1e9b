"""Shared fixtures: real TinyDB files in tmp_path, the bundled sample, and a Pilot-driven app."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tui.cli import sample_path
from tui.formats.readers import read_article
from tui.launch import SAMPLE_SOURCE, open_session

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


def sample_document():
    """The bundled sample article, as ``postil`` with no arguments opens it."""
    document = read_article(sample_path())
    document.source = SAMPLE_SOURCE
    return document


@pytest.fixture(autouse=True)
def own_settings_folder(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test (and every postil it starts) reads settings from an empty folder of its own,
    never the developer's ~/.config/postil; a test that needs settings writes them there."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path_factory.mktemp("config")))


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """A database path in a fresh folder (the file does not exist yet)."""
    return tmp_path / "annotations.json"


@pytest.fixture
def sample_session(db_path: Path):
    """The sample opened in a new database, seeded with its hand-checked annotations."""
    return open_session(db_path, sample_document(), annotator="tester")


def saved_annotations(db_path: Path) -> list[dict]:
    """The annotation records saved so far, as a newly opened store reads them (file plus log)."""
    from tui.store.repository import Store

    store = Store(db_path, read_only=True)
    try:
        return [dict(record) for record in store.tables().get("annotations", {}).values()]
    finally:
        store.close()


def file_annotations(db_path: Path) -> list[dict]:
    """The annotation records in the TinyDB file itself, read with plain TinyDB (as a script would)."""
    from tinydb import TinyDB

    db = TinyDB(db_path)
    try:
        return db.table("annotations").all()
    finally:
        db.close()


def occurrence(text: str, phrase: str, nth: int = 0) -> tuple[int, int]:
    """Where the ``nth`` occurrence (counted from 0) of ``phrase`` is in ``text``, as offsets."""
    start = -1
    for _ in range(nth + 1):
        start = text.index(phrase, start + 1)
    return start, start + len(phrase)


def write_article(folder: Path, text: str, name: str = "article.txt") -> Path:
    """Write an article file and return its path."""
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


@contextmanager
def lock_held_elsewhere(db: Path) -> Iterator[subprocess.Popen]:
    """Another process holding ``db``'s write lock for the length of the block (yielded, for its pid)."""
    holder = subprocess.Popen(
        [sys.executable, "-c", f"from tui.store.repository import open_store; s = open_store({str(db)!r}); print('held', flush=True); import time; time.sleep(60)"],
        cwd=REPO, stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        yield holder
    finally:
        holder.kill()
        holder.wait()
        time.sleep(0.1)  # the kernel lets go of the lock as the process goes
