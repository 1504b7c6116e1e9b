"""A symlinked, damaged, unwritable or full database never costs a saved change, and never
makes Postil read or write anywhere but beside the database's real file."""

from __future__ import annotations

import errno
import os
import shutil
import signal
import stat
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import orjson
import pytest
import tinydb

from tui.cli import main
from tui.launch import open_session
from tui.model.annotation import Annotation
from tui.model.document import Document
from tui.session.annotation_session import AnnotationSession
from tui.session.reanchor import open_document
from tui.store import database, folding
from tui.store.database import texts_path
from tui.store.records import ANNOTATIONS, DOCUMENTS, Change, document_record
from tui.store.repository import INLINE_TEXT_LIMIT, Store, open_store
from tui.store.storage import StoreError, StoreSaveError
from tui.store.wal import wal_path

REPO = Path(__file__).resolve().parents[1]
TEXT = "Amazon halts police use of Rekognition."


def article(text: str = TEXT, source: str = "a.txt") -> Document:
    return Document(text=text, title="An article", source=source)


def label(document: Document, start: int, end: int, name: str = "ORG") -> Change:
    annotation = Annotation.on_text(document.doc_id, document.text, "entity", name, start, end)
    return Change(ANNOTATIONS, annotation.id, annotation.to_record())


def quotes_in(path: Path) -> list[str]:
    """The annotations' quotes in a TinyDB file, read as any script would."""
    with tinydb.TinyDB(path) as db:
        return sorted(r["quote"]["exact"] for r in db.table("annotations").all())


def crash(store: Store) -> None:
    """What the kernel does when the process dies: the lock goes, nothing is folded."""
    store._log.close()
    store._lock.release()


def log_lines(path: Path) -> list[bytes]:
    return wal_path(path).read_bytes().splitlines(keepends=True)


# 1. A database reached through a symbolic link


@pytest.fixture
def linked(tmp_path: Path) -> tuple[Path, Path]:
    """``work/annotations.json``, a link to ``data/annotations.json`` (which holds one document)."""
    (tmp_path / "data").mkdir()
    (tmp_path / "work").mkdir()
    real = tmp_path / "data" / "annotations.json"
    with Store(real) as store:
        store.open_document(article())
    link = tmp_path / "work" / "annotations.json"
    link.symlink_to(real)
    return link, real


def test_a_database_opened_through_a_link_stays_a_link_and_its_file_gets_every_update(linked):
    link, real = linked
    long_text = "Word " * (INLINE_TEXT_LIMIT // 5 + 10)
    store = Store(link)
    document = store.open_document(article())
    store.apply([label(document, 0, 6)])
    store.open_document(article(long_text, "long.txt"))
    store.close()
    Store(link).close()  # a second open rotates the backup
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert quotes_in(real) == ["Amazon"]
    # Everything Postil keeps beside a database is beside the real file, nothing beside the link.
    assert sorted(p.name for p in link.parent.iterdir()) == ["annotations.json"]
    beside = {p.name for p in real.parent.iterdir()}
    assert {"annotations.json.wal", "annotations.json.lock", "annotations.json.bak", "annotations.json.bak.1", "postil-texts"} <= beside
    assert len(list(texts_path(real).iterdir())) == 1


def test_two_stores_of_one_process_through_the_link_and_the_real_path_are_one_database(linked):
    link, real = linked
    through_link, direct = Store(link), Store(real)
    document = through_link.open_document(article())
    through_link.apply([label(document, 0, 6)])
    assert not direct.read_only  # one process shares one lock, as for two opens of one path
    direct.apply([label(document, 27, 38, "PRODUCT")])
    assert len(through_link.annotations(document.doc_id)) == 2
    assert len(direct.annotations(document.doc_id)) == 2
    through_link.close()
    direct.close()
    assert link.is_symlink()
    assert quotes_in(real) == ["Amazon", "Rekognition"]


HOLDER = """
import sys
from tui.store.repository import open_store
store = open_store(sys.argv[1], writer=True, wait=10)
print("ready", flush=True)
sys.stdin.read()
"""


@pytest.mark.parametrize("holder_opens", ["link", "real"])
def test_a_second_process_through_the_other_path_is_read_only_and_names_the_holder(linked, holder_opens):
    link, real = linked
    first, second = (link, real) if holder_opens == "link" else (real, link)
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(first)], cwd=REPO, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, env={**os.environ, "PYTHONPATH": str(REPO)})
    try:
        assert holder.stdout.readline() == b"ready\n", holder.stderr.read().decode()
        follower = Store(second)
        assert follower.read_only
        assert follower.lock_holder.pid == holder.pid
        assert f"pid {holder.pid}" in follower.read_only_reason and "is writing this database" in follower.read_only_reason
        follower.close()
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait()
    assert link.is_symlink()


# 2. A damaged log never costs an intact record


def three_saves(path: Path) -> Document:
    """A database whose last three saves (Amazon, police, Rekognition) are only in its log."""
    store = Store(path)
    document = store.open_document(article())
    store.apply([label(document, 0, 6)])
    store.apply([label(document, 13, 19)])
    store.apply([label(document, 27, 38, "PRODUCT")])
    crash(store)
    return document


def find_line(path: Path, needle: bytes) -> tuple[int, int]:
    """The number of the log line holding ``needle``, and its record's number."""
    for number, line in enumerate(log_lines(path), 1):
        if needle in line:
            return number, orjson.loads(line[9:])["seq"]
    raise AssertionError(f"{needle!r} is not in the log")


def damage_line(path: Path, number: int) -> None:
    """Change one character inside a whole log line, keeping its newline."""
    lines = log_lines(path)
    line = bytearray(lines[number - 1])
    line[20] = ord("#") if line[20] != ord("#") else ord("%")
    lines[number - 1] = bytes(line)
    wal_path(path).write_bytes(b"".join(lines))


def test_a_damaged_last_whole_line_is_reported_with_its_line_not_dropped(db_path):
    three_saves(db_path)
    line, seq = find_line(db_path, b'"exact":"Rekognition"')
    assert line == len(log_lines(db_path))
    damage_line(db_path, line)
    before = wal_path(db_path).read_bytes(), db_path.read_bytes()
    with pytest.raises(StoreError) as caught:
        Store(db_path)
    message = str(caught.value)
    assert "\n" not in message
    assert f"line {line}: record {seq} is damaged (its checksum does not match)" in message
    assert message.endswith(f"run `postil doctor {db_path}`")
    assert (wal_path(db_path).read_bytes(), db_path.read_bytes()) == before  # nothing dropped


def test_only_an_unterminated_last_line_is_a_torn_write(db_path):
    three_saves(db_path)
    wal_path(db_path).write_bytes(wal_path(db_path).read_bytes()[:-30])  # a crash cut the last append
    with Store(db_path) as store:
        assert sorted(a.quote.exact for a in store.annotations(article().doc_id)) == ["Amazon", "police"]


def test_a_damaged_record_in_the_middle_names_the_database_in_the_doctor_hint(db_path):
    three_saves(db_path)
    line, seq = find_line(db_path, b'"exact":"police"')
    damage_line(db_path, line)
    with pytest.raises(StoreError) as caught:
        Store(db_path)
    assert f"line {line}: record {seq} is damaged" in str(caught.value)
    assert str(caught.value).endswith(f"run `postil doctor {db_path}`")


@pytest.mark.parametrize("command", [[], ["--restore"]])
def test_doctor_keeps_every_intact_record_around_a_damaged_one_and_names_the_lost_one(db_path, capsys, command):
    three_saves(db_path)
    line, seq = find_line(db_path, b'"exact":"police"')
    damage_line(db_path, line)
    assert main(["doctor", str(db_path), *command]) == 1
    out = capsys.readouterr().out
    restored = db_path.with_name("annotations.json.restored.json")
    assert f"problem: annotations.json.wal: line {line}: record {seq} is damaged (its checksum does not match)" in out
    assert f"restored annotations.json plus 3 saved changes from annotations.json.wal into {restored}" in out  # the document too
    assert f"not recovered: 1 saved change (record {seq}: line {line} of annotations.json.wal is damaged (its checksum does not match))" in out
    assert quotes_in(restored) == ["Amazon", "Rekognition"]
    # Moved over the database (the old log left beside it), it opens with both.
    os.replace(restored, db_path)
    with Store(db_path) as store:
        assert sorted(a.quote.exact for a in store.annotations(article().doc_id)) == ["Amazon", "Rekognition"]


def test_a_missing_record_is_reported_by_open_and_by_doctor(db_path, capsys):
    three_saves(db_path)
    line, seq = find_line(db_path, b'"exact":"police"')
    lines = log_lines(db_path)
    wal_path(db_path).write_bytes(b"".join(lines[: line - 1] + lines[line:]))
    with pytest.raises(StoreError) as caught:
        Store(db_path)
    assert f"record {seq} is missing (before line {line})" in str(caught.value)
    assert str(caught.value).endswith(f"run `postil doctor {db_path}`")
    assert main(["doctor", str(db_path)]) == 1
    out = capsys.readouterr().out
    assert f"problem: annotations.json.wal: record {seq} is missing (before line {line})" in out
    assert f"not recovered: 1 saved change (record {seq}: missing from annotations.json.wal (before line {line}))" in out
    assert quotes_in(db_path.with_name("annotations.json.restored.json")) == ["Amazon", "Rekognition"]


def test_damage_among_records_the_file_already_holds_does_not_stop_an_open(db_path, monkeypatch):
    store = Store(db_path)
    document = store.open_document(article())
    store.apply([label(document, 0, 6)])
    store.apply([label(document, 13, 19)])
    with monkeypatch.context() as patched:
        patched.setattr(os, "ftruncate", lambda fd, size: (_ for _ in ()).throw(OSError(errno.EIO, "I/O error")))
        store.compact()  # folded, but the log could not be emptied
    crash(store)
    damage_line(db_path, find_line(db_path, b'"exact":"Amazon"')[0])  # a record the file already holds
    with Store(db_path) as reopened:
        assert sorted(a.quote.exact for a in reopened.annotations(document.doc_id)) == ["Amazon", "police"]


# 3. Restoring from the backup says what is missing


def saved_since_backup(path: Path, fold: bool) -> Document:
    """"Amazon" in the backup; "police" and "Rekognition" saved after it (folded or not)."""
    store = Store(path)
    document = store.open_document(article())
    store.apply([label(document, 0, 6)])
    store.close()
    store = Store(path)  # a clean open: annotations.json.bak holds "Amazon"
    store.apply([label(document, 13, 19)])
    store.apply([label(document, 27, 38, "PRODUCT")])
    if fold:
        store.close()
    else:
        crash(store)
    return document


def test_restoring_an_emptied_file_replays_the_log_and_says_nothing_is_missing(db_path, capsys):
    saved_since_backup(db_path, fold=False)
    db_path.write_bytes(db_path.read_bytes()[:100])  # truncated
    assert main(["doctor", str(db_path)]) == 1
    out = capsys.readouterr().out
    assert "restored annotations.json.bak plus 2 saved changes from annotations.json.wal" in out
    assert "not recovered: 0 saved changes" in out
    assert quotes_in(db_path.with_name("annotations.json.restored.json")) == ["Amazon", "Rekognition", "police"]


def test_restoring_an_emptied_file_counts_the_changes_only_it_held(db_path, capsys):
    saved_since_backup(db_path, fold=True)  # quit: both saves folded into the file, the log emptied
    db_path.write_bytes(b"")
    assert main(["doctor", str(db_path)]) == 1
    out = capsys.readouterr().out
    assert "restored annotations.json.bak into" in out
    assert ("not recovered: 2 saved changes (records 3-4: saved into annotations.json after annotations.json.bak was made; "
            "annotations.json.wal no longer holds them)") in out
    assert quotes_in(db_path.with_name("annotations.json.restored.json")) == ["Amazon"]


def test_restoring_with_no_log_at_all_says_the_loss_cannot_be_counted(db_path, capsys):
    saved_since_backup(db_path, fold=True)
    db_path.write_bytes(b"")
    wal_path(db_path).unlink(missing_ok=True)
    assert main(["doctor", str(db_path)]) == 1
    out = capsys.readouterr().out
    assert ("not recovered: unknown (annotations.json.wal is missing, so nothing says how many changes annotations.json held "
            "after the backup was made); changes saved after annotations.json.bak may be missing") in out


# 4. The journal refers to documents by id


def test_the_journal_never_copies_a_text_so_the_file_stays_small(db_path):
    text = "A long report. " * 140_000  # 2.1 MB
    store = Store(db_path)
    document = article(text, "report.txt")
    changes = [Change(DOCUMENTS, document.doc_id, document_record(document)), label(document, 2, 6)]
    store.apply([*changes, store.append_journal("import:test", changes, [None, None])])  # as an import does
    open_document(store, article(text + "An update.", "report.txt"))  # a new version: re-anchored
    store.close()
    size = db_path.stat().st_size
    assert size < 64_000, size  # the two texts (4.2 MB) are in postil-texts/, once each
    assert sum(p.stat().st_size for p in texts_path(db_path).iterdir()) < 2 * len(text) + 100
    journal = orjson.loads(db_path.read_bytes())["journal"]
    assert len(journal) == 2
    for entry in journal.values():
        assert text[:200] not in orjson.dumps(entry).decode()


def test_an_import_of_a_long_text_does_not_double_the_database(tmp_path):
    text = "Jane Doe spoke. " * 40_000  # 640 kB
    source = tmp_path / "in.jsonl"
    source.write_text(orjson.dumps({"text": text, "label": [[0, 8, "PERSON"]]}).decode() + "\n", encoding="utf-8")
    db = tmp_path / "db.json"
    assert main(["import", "--format", "doccano", str(source), "--db", str(db)]) == 0
    Store(db).close()
    assert db.stat().st_size < 32_000


def test_undo_and_redo_of_an_import_still_bring_back_its_document(db_path):
    text = "Jane Doe met Acme Corp in Paris."
    store = Store(db_path)
    document = article(text, "import:one")
    changes = [Change(DOCUMENTS, document.doc_id, document_record(document)), label(document, 0, 8, "PERSON")]
    store.apply([*changes, store.append_journal("import:test", changes, [None, None])])
    session = AnnotationSession(store, store.document(document.doc_id), "tester")
    session.undo()
    assert store.annotations(document.doc_id) == [] and store.document(document.doc_id) is None
    session.redo()
    assert store.document(document.doc_id).text == text
    assert [a.quote.exact for a in store.annotations(document.doc_id)] == ["Jane Doe"]
    session.undo()
    store.close()
    reopened = Store(db_path)  # after quitting, opening the article again and redoing
    session = AnnotationSession(reopened, reopened.open_document(article(text, "import:one")), "tester")
    assert session.can_redo
    session.redo()
    reopened.close()
    with Store(db_path) as store:
        assert store.document(document.doc_id).text == text
        assert [a.quote.exact for a in store.annotations(document.doc_id)] == ["Jane Doe"]


# 10. Read-only: on request, in a folder that cannot be written, on a full disk


@contextmanager
def unwritable(folder: Path):
    """Make ``folder`` refuse new files for real (root ignores permissions: an immutable folder)."""
    if os.geteuid() == 0:
        made = shutil.which("chattr") is not None and subprocess.run(["chattr", "+i", str(folder)], capture_output=True).returncode == 0
    else:
        folder.chmod(0o555)
        made = True
    try:
        probe = folder / ".probe"
        try:
            probe.touch()
        except OSError:
            pass
        else:
            probe.unlink()
            made = False
        if not made:
            pytest.skip("this machine cannot make a folder unwritable")
        yield folder
    finally:
        if os.geteuid() == 0:
            subprocess.run(["chattr", "-i", str(folder)], capture_output=True)
        else:
            folder.chmod(0o755)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}


def test_a_database_in_a_folder_that_cannot_be_written_opens_read_only_on_request(tmp_path):
    folder = tmp_path / "shared"
    folder.mkdir()
    db = folder / "annotations.json"
    store = Store(db)
    document = store.open_document(article())
    store.apply([label(document, 0, 6)])
    crash(store)  # a save waits in the log: a writable open would fold it
    (folder / "annotations.json.lock").unlink()
    before = snapshot(folder)
    with unwritable(folder):
        with pytest.raises(StoreError) as caught:
            open_store(db)
        assert "\n" not in str(caught.value) and "`postil --read-only`" in str(caught.value)
        session = open_session(db, article(), read_only=True)
        assert session.store.read_only and session.store.read_only_reason == "opened read-only"
        assert [a.quote.exact for a in session.visible()] == ["Amazon"]
        session.store.close()
    assert snapshot(folder) == before


def full_disk(target: Path, payload: bytes) -> None:
    """Every whole-file write, as a full disk answers it."""
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def test_reopening_on_a_full_disk_opens_read_only_with_the_reason(db_path, monkeypatch):
    store = Store(db_path)
    document = store.open_document(article())
    store.apply([label(document, 0, 6)])
    crash(store)
    before = snapshot(db_path.parent)
    monkeypatch.setattr(database, "atomic_write_bytes", full_disk)
    monkeypatch.setattr(folding, "write_synced", full_disk)  # the fold's file
    reopened = Store(db_path)
    assert reopened.read_only and reopened.lock_holder is None
    assert reopened.read_only_reason == "annotations.json cannot be saved (No space left on device)"
    assert [a.quote.exact for a in reopened.annotations(document.doc_id)] == ["Amazon"]  # from the log
    with pytest.raises(StoreSaveError) as caught:
        open_store(db_path, writer=True, wait=0)  # a command that must write says why, in one line
    assert str(caught.value) == f"{db_path}: annotations.json cannot be saved (No space left on device); nothing was changed"
    reopened.close()
    assert snapshot(db_path.parent) == before
    monkeypatch.undo()
    with Store(db_path) as writer:  # space again: the next open folds the log
        assert not writer.read_only
    assert quotes_in(db_path) == ["Amazon"]


def test_opening_a_new_article_on_a_full_disk_shows_it_read_only(db_path, monkeypatch):
    from tui.store import wal

    Store(db_path).close()
    monkeypatch.setattr(wal, "write_all", lambda fd, payload: (_ for _ in ()).throw(OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))))
    session = open_session(db_path, article())  # its document record is the open's first save
    assert session.store.read_only
    assert session.store.read_only_reason == "annotations.json cannot be saved (No space left on device)"
    assert session.text == TEXT
    monkeypatch.undo()
    with open_store(db_path, writer=True, wait=0) as writer:  # the lock was let go
        assert not writer.read_only
    session.store.close()


FULL_DISK = """
import json, os, sys
from tui.store.records import ANNOTATIONS, Change
from tui.store.repository import Store
folder = sys.argv[1]
path = os.path.join(folder, "annotations.json")
store = Store(path)
store.apply([Change(ANNOTATIONS, "a", {"id": "a", "doc_id": "d", "pad": "x" * 2000})])
store.compact()
store.apply([Change(ANNOTATIONS, "b", {"id": "b", "doc_id": "d", "pad": "x" * 2000})])
store._lock.release()  # the process dies with "b" only in the log
try:
    with open(os.path.join(folder, "filler"), "wb") as filler:
        while True:
            filler.write(b"x" * 4096)
            filler.flush()
except OSError:
    pass
reopened = Store(path)
seen = {"read_only": reopened.read_only, "reason": reopened.read_only_reason,
        "ids": sorted(r["id"] for r in reopened.tables()["annotations"].values())}
reopened.close()
os.remove(os.path.join(folder, "filler"))
with Store(path) as writer:
    seen["after"] = writer.read_only
print(json.dumps(seen))
"""


@pytest.mark.skipif(shutil.which("unshare") is None, reason="needs unshare to mount a small file system")
def test_reopening_on_a_really_full_file_system_opens_read_only(tmp_path):
    folder = tmp_path / "small"
    folder.mkdir()
    script = f"mount -t tmpfs -o size=128k tmpfs '{folder}' && exec '{sys.executable}' -c \"$0\" '{folder}'"
    result = subprocess.run(["unshare", "-rm", "sh", "-c", script, FULL_DISK], cwd=REPO, capture_output=True, text=True,
                            timeout=60, env={**os.environ, "PYTHONPATH": str(REPO)})
    if result.returncode != 0 and "mount" in result.stderr + result.stdout and "Traceback" not in result.stderr:
        pytest.skip(f"cannot mount a small file system here: {result.stderr.strip()}")
    assert result.returncode == 0, result.stderr
    seen = orjson.loads(result.stdout)
    assert seen == {"read_only": True, "reason": "annotations.json cannot be saved (No space left on device)", "ids": ["a", "b"], "after": False}


# Nothing in or beside a database makes Postil read or write elsewhere


def test_a_database_that_is_a_fifo_or_a_device_is_refused_without_hanging(tmp_path):
    fifo = tmp_path / "fifo.json"
    os.mkfifo(fifo)
    device = tmp_path / "zero.json"
    device.symlink_to("/dev/zero")
    for path in (fifo, device):
        result = subprocess.run([sys.executable, "-c", "import sys\nfrom tui.store.repository import Store\ntry:\n    Store(sys.argv[1])\n"
                                 "except Exception as error:\n    print(error)", str(path)], cwd=REPO, capture_output=True, text=True, timeout=30)
        assert "not a regular file" in result.stdout, result


def test_a_text_file_name_in_the_database_never_reads_outside_postil_texts(db_path, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("the secret")
    with Store(db_path) as store:
        document = store.open_document(article("Word " * (INLINE_TEXT_LIMIT // 5 + 10), "long.txt"))
    data = orjson.loads(db_path.read_bytes())
    next(iter(data["documents"].values()))["text_file"] = "../secret.txt"
    db_path.write_bytes(orjson.dumps(data))
    with Store(db_path, read_only=True) as store, pytest.raises(StoreError, match="names no text file Postil made"):
        store.document(document.doc_id)


def test_a_link_planted_where_a_temporary_file_goes_is_never_written_through(db_path, tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("untouched")
    store = Store(db_path)
    (db_path.parent / f".annotations.json.{os.getpid()}.tmp").symlink_to(victim)
    store.open_document(article())
    store.close()
    assert victim.read_text() == "untouched"
    assert stat.S_ISREG(os.lstat(db_path).st_mode)


def test_a_log_that_is_a_link_is_refused(db_path, tmp_path):
    elsewhere = tmp_path / "elsewhere.txt"
    elsewhere.write_text("")
    with Store(db_path) as store:
        store.open_document(article())
    wal_path(db_path).unlink(missing_ok=True)
    wal_path(db_path).symlink_to(elsewhere)
    with pytest.raises(StoreError, match="annotations.json.wal: not a regular file"):
        Store(db_path)
    assert elsewhere.read_text() == ""


@pytest.mark.tmux
@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")
def test_postil_read_only_in_a_folder_that_cannot_be_written_shows_the_article_and_writes_nothing(tmp_path):
    from tests.test_tmux import Terminal, postil_command

    folder = tmp_path / "shared"
    folder.mkdir()
    db = folder / "annotations.json"
    text = "Officials in Lagos said the bridge reopens on Monday."
    session = open_session(db, Document(text, "Lagos", str(tmp_path / "article.txt")), "tester")
    session.label_span(13, 18, "GPE")
    crash(session.store)  # the label waits in the log: a writable open would fold it
    (folder / "annotations.json.lock").unlink()
    article_path = tmp_path / "article.txt"
    article_path.write_text(text, encoding="utf-8")
    before = snapshot(folder)
    with unwritable(folder):
        terminal = Terminal([*postil_command(), str(article_path), "--db", str(db), "--read-only", "--no-suggest"], tmp_path)
        try:
            screen = terminal.wait_for("READ-ONLY")
            assert "1 entities" in screen
            terminal.keys("q")
            terminal.wait_for("POSTIL-EXITED=0")
        finally:
            terminal.close()
    assert snapshot(folder) == before


def test_the_checkpoint_a_fold_leaves_is_not_a_save_waiting_to_be_folded(db_path):
    with Store(db_path) as store:
        document = store.open_document(article())
    store = Store(db_path)
    assert not store.needs_compaction  # the idle fold has nothing to do
    store.apply([label(document, 0, 6)])
    assert store.needs_compaction
    store.compact()
    assert not store.needs_compaction
    store.close()


def test_a_script_writing_through_a_link_with_the_atomic_storage_keeps_the_link(linked):
    from tui.store.storage import AtomicJSONStorage

    link, real = linked
    with tinydb.TinyDB(link, storage=AtomicJSONStorage) as db:
        db.table("notes").insert({"text": "kept"})
    assert link.is_symlink()
    assert orjson.loads(real.read_bytes())["notes"] == {"1": {"text": "kept"}}


def test_an_owner_file_that_is_a_fifo_does_not_hang_a_second_open(db_path):
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(db_path)], cwd=REPO, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, env={**os.environ, "PYTHONPATH": str(REPO)})
    try:
        assert holder.stdout.readline() == b"ready\n", holder.stderr.read().decode()
        owner = db_path.with_name("annotations.json.lock.owner")
        owner.unlink()
        os.mkfifo(owner)
        opener = "import sys\nfrom tui.store.repository import Store\nprint(Store(sys.argv[1]).read_only_reason)"
        result = subprocess.run([sys.executable, "-c", opener, str(db_path)], cwd=REPO, capture_output=True, text=True, timeout=30,
                                env={**os.environ, "PYTHONPATH": str(REPO)})
        assert result.stdout.strip() == "someone@another process (pid 0) since unknown is writing this database", result.stderr
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait()
