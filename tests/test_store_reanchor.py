"""Opening an article whose text changed: a new version, every annotation placed again or orphaned."""

from __future__ import annotations

import tinydb

from tests.conftest import sample_document
from tui.launch import open_session
from tui.model.document import Document
from tui.session.annotation_session import AnnotationSession
from tui.session.reanchor import open_document
from tui.store.repository import Store

OLD = (
    "Amazon halts police use of Rekognition.\n\n"
    "Amazon announced Wednesday that it would pause police use of Rekognition, said Isedua Oribhabor.\n\n"
    "The moratorium lasts one year."
)
NEW = (
    "Updated: Amazon halts police use of Rekognition.\n\n"
    "Amazon announced Wednesday that it would pause police use of Rekognition, said Isedua Oribhabor.\n\n"
    "A line added by the editor.\n\n"
    "The pause lasts one year."
)


def annotate(db_path) -> AnnotationSession:
    store = Store(db_path)
    document = store.open_document(Document(OLD, "Article", "news/amazon.txt"))
    session = AnnotationSession(store, document, "tester")
    for phrase, label in (("Rekognition", "PRODUCT"), ("Isedua Oribhabor", "PERSON"), ("moratorium", "EVENT")):
        start = OLD.index(phrase)
        session.label_span(start, start + len(phrase), label)
    sentence = OLD.index("Amazon announced")
    cue = OLD.index("said")
    session.mark_claim(sentence, OLD.index(", said"), "reported", cue=[cue, cue + 4], content=[[OLD.index("it would"), OLD.index(", said")]])
    return session


def test_changed_text_becomes_a_new_version_with_annotations_reanchored(db_path):
    old_session = annotate(db_path)
    old_id = old_session.document.doc_id
    old_session.store.close()

    store = Store(db_path)
    document, report = open_document(store, Document(NEW, "Article", "news/amazon.txt"))
    assert document.doc_id != old_id and document.previous == old_id
    assert report.summary == "4 annotations re-anchored: 3 in place, 0 moved, 1 orphaned"
    session = AnnotationSession(store, document, "tester")
    shown = {(NEW[a.start : a.end], a.label) for a in session.visible()}
    assert ("Rekognition", "PRODUCT") in shown and ("Isedua Oribhabor", "PERSON") in shown
    # The second "Rekognition" is suggested again, derived from the correction (which no text change moves).
    assert [(NEW[a.start : a.end], a.status) for a in session.visible() if a.is_entity].count(("Rekognition", "suggested")) == 1
    assert [r.quote.exact for r in store.annotations(document.doc_id)].count("Rekognition") == 1  # and not stored
    orphans = store.orphans(document.doc_id)
    assert [(o.quote.exact, o.label, o.anchor) for o in orphans] == [("moratorium", "EVENT", "orphan")]
    assert all(o.id not in {a.id for a in session.visible()} for o in orphans)
    claim = session.claims()[0]
    assert NEW[claim.attrs["cue"][0] : claim.attrs["cue"][1]] == "said"
    assert [NEW[s:e] for s, e in claim.attrs["content"]] == ["it would pause police use of Rekognition"]
    assert {e.name for e in session.entities.values()} >= {"Rekognition", "Isedua Oribhabor"}
    store.close()

    with tinydb.TinyDB(db_path) as db:
        documents = {r["doc_id"]: r for r in db.table("documents").all()}
        assert documents[old_id]["text"] == OLD  # the old version is kept
        assert documents[document.doc_id]["previous"] == old_id
        assert {r["doc_id"] for r in db.table("annotations").all()} == {document.doc_id}
        assert [r["anchor"] for r in db.table("annotations").all()].count("orphan") == 1


def test_reopening_the_new_version_does_not_reanchor_again(db_path):
    annotate(db_path).store.close()
    store = Store(db_path)
    first, _ = open_document(store, Document(NEW, "Article", "news/amazon.txt"))
    store.close()
    store = Store(db_path)
    again, report = open_document(store, Document(NEW, "Article", "news/amazon.txt"))
    assert again.doc_id == first.doc_id and report is None
    assert len(store.annotations(again.doc_id)) == 4
    store.close()


def test_undo_does_not_reach_back_into_the_previous_version(db_path):
    annotate(db_path).store.close()
    store = Store(db_path)
    document, _ = open_document(store, Document(NEW, "Article", "news/amazon.txt"))
    session = AnnotationSession(store, document, "tester")
    assert not session.can_undo
    store.close()


def test_read_only_store_reanchors_in_memory_and_says_it_did_not_save(db_path):
    annotate(db_path).store.close()
    on_disk = db_path.read_bytes()
    store = Store(db_path, read_only=True)
    document, report = open_document(store, Document(NEW, "Article", "news/amazon.txt"))
    assert document.previous is not None
    assert report.summary == "4 annotations re-anchored: 3 in place, 0 moved, 1 orphaned (not saved: the database is read-only)"
    session = AnnotationSession(store, document, "viewer")
    assert "Isedua Oribhabor" in {NEW[a.start : a.end] for a in session.visible()}
    store.close()
    assert db_path.read_bytes() == on_disk
    assert Store(db_path, read_only=True).document(document.doc_id) is None


def test_edited_sample_keeps_every_hand_checked_annotation_in_place(db_path):
    session = open_session(db_path, sample_document())
    before = {(a.id, session.text[a.start : a.end]) for a in session.by_id.values()}
    session.store.close()
    edited = sample_document()
    edited.text = "Editor's note: this story was updated.\n\n" + edited.text.replace("\n\n", "\n\nA paragraph added by the editor.\n\n", 2)
    edited.sha256 = edited.doc_id = ""
    edited.__post_init__()
    store = Store(db_path)
    reopened = open_session(db_path, edited, store=store)
    assert reopened.reanchor_report.summary == f"{len(before)} annotations re-anchored: {len(before)} in place, 0 moved, 0 orphaned"
    after = {(a.id, reopened.text[a.start : a.end]) for a in reopened.by_id.values()}
    assert after == before
    assert reopened.document.previous == session.document.doc_id
    store.close()


def test_edit_inside_a_claim_moves_it_onto_the_edited_sentence(db_path):
    session = open_session(db_path, sample_document())
    session.store.close()
    edited = sample_document()
    edited.text = edited.text.replace("Amazon announced Wednesday", "Amazon said on Wednesday")
    edited.sha256 = edited.doc_id = ""
    edited.__post_init__()
    store = Store(db_path)
    reopened = open_session(db_path, edited, store=store)
    assert reopened.reanchor_report.moved >= 1 and reopened.reanchor_report.orphaned == 0
    claim = next(c for c in reopened.claims() if c.anchor == "moved")
    assert reopened.text[claim.start : claim.end].startswith("Amazon said on Wednesday that it would place a one-year moratorium")
    store.close()
