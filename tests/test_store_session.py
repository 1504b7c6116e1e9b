"""Undo that survives quitting, and actions kept on screen when the disk refuses a save."""

from __future__ import annotations

import errno
import os

from tui.model.annotation import Annotation
from tui.model.document import Document
from tui.session.annotation_session import AnnotationSession
from tui.store import wal
from tui.store.repository import Store

TEXT = "Jane Doe met Acme Corp in Paris. Acme Corp said it grew."


def open_session(db_path) -> AnnotationSession:
    store = Store(db_path)
    document = store.open_document(Document(TEXT, "t", "test:undo"))
    return AnnotationSession(store, document, "tester")


def saved_spans(db_path) -> set[tuple[int, int, str, str]]:
    store = Store(db_path, read_only=True)
    try:
        return {(r["start"], r["end"], r["label"], r["status"]) for r in store.tables().get("annotations", {}).values()}
    finally:
        store.close()


def test_undo_and_redo_work_after_quitting_and_reopening(db_path):
    session = open_session(db_path)
    session.label_span(0, 8, "PERSON")
    session.label_span(26, 31, "GPE")
    session.store.close()

    reopened = open_session(db_path)
    assert reopened.can_undo and not reopened.can_redo
    reopened.undo()
    assert saved_spans(db_path) == {(0, 8, "PERSON", "accepted")}
    reopened.store.close()

    again = open_session(db_path)
    assert again.can_undo and again.can_redo
    again.redo()
    assert saved_spans(db_path) == {(0, 8, "PERSON", "accepted"), (26, 31, "GPE", "accepted")}
    again.undo()
    again.undo()
    assert saved_spans(db_path) == set()
    assert not again.can_undo
    again.store.close()

    last = open_session(db_path)
    assert not last.can_undo and last.can_redo
    last.redo()
    assert saved_spans(db_path) == {(0, 8, "PERSON", "accepted")}
    last.store.close()


def test_a_new_action_after_reopening_clears_the_redo_history(db_path):
    session = open_session(db_path)
    session.label_span(0, 8, "PERSON")
    session.undo()
    session.store.close()
    reopened = open_session(db_path)
    assert reopened.can_redo
    reopened.label_span(26, 31, "GPE")
    reopened.store.close()
    assert not open_session(db_path).can_redo


def test_model_suggestions_are_not_on_the_undo_history(db_path):
    session = open_session(db_path)
    suggestion = Annotation.on_text(session.document.doc_id, TEXT, "entity", "GPE", 26, 31, status="suggested", origin="model:test@1")
    session.add_suggestions([suggestion], [])
    session.label_span(0, 8, "PERSON")
    session.store.close()
    reopened = open_session(db_path)
    reopened.undo()
    assert saved_spans(db_path) == {(26, 31, "GPE", "suggested")}
    assert not reopened.can_undo


def test_refused_save_keeps_the_action_pending_and_retry_saves_it(db_path, monkeypatch):
    session = open_session(db_path)
    session.label_span(0, 8, "PERSON")

    def disk_full(fd: int, payload: bytes) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(wal, "write_all", disk_full)
    session.label_span(26, 31, "GPE")
    session.label_span(33, 42, "ORG")
    assert session.pending == 2
    assert "No space left on device" in session.save_error
    assert {(a.start, a.end) for a in session.visible()} >= {(0, 8), (26, 31), (33, 42)}  # still on screen
    assert saved_spans(db_path) == {(0, 8, "PERSON", "accepted")}  # the disk has only what was saved
    assert session.retry_pending() == 2

    monkeypatch.undo()
    assert session.retry_pending() == 0
    assert session.pending == 0 and session.save_error is None
    assert {(s, e) for s, e, _, status in saved_spans(db_path) if status == "accepted"} == {(0, 8), (26, 31), (33, 42)}
    session.store.close()
    reopened = open_session(db_path)
    reopened.undo()  # the retried actions are in the journal in order: the last one is undone first
    assert (33, 42) not in {(s, e) for s, e, _, status in saved_spans(db_path) if status == "accepted"}


def test_model_suggestions_are_written_without_waiting_for_the_disk_and_the_next_action_carries_them(db_path, monkeypatch):
    session = open_session(db_path)
    syncs: list[int] = []
    real_sync = wal.sync_data
    monkeypatch.setattr(wal, "sync_data", lambda fd: (syncs.append(fd), real_sync(fd)))
    suggestion = Annotation.on_text(session.document.doc_id, TEXT, "entity", "ORG", 13, 22, status="suggested", origin="model:test")
    session.add_suggestions([suggestion], [])
    assert syncs == [] and (13, 22, "ORG", "suggested") in saved_spans(db_path)
    session.label_span(0, 8, "PERSON")  # the user's work waits for the disk, and the suggestion's record goes with it
    assert len(syncs) == 1 and saved_spans(db_path) >= {(13, 22, "ORG", "suggested"), (0, 8, "PERSON", "accepted")}
    session.store.close()
