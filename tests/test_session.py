"""Annotation actions, saved to a real TinyDB file in tmp_path, undone and redone."""

from __future__ import annotations

from tinydb import TinyDB

from tests.conftest import file_annotations, sample_document, saved_annotations
from tui.launch import open_session
from tui.session.annotation_session import AnnotationSession
from tui.store.repository import Store

stored_annotations = saved_annotations


def fresh_session(db_path, text="Jane Doe met Acme Corp in Paris. Acme Corp said it grew."):
    from tui.model.document import Document

    store = Store(db_path)
    document = store.open_document(Document(text, "t", "test:fresh"))
    return AnnotationSession(store, document, "tester")


def shown(session) -> dict[tuple[int, int], object]:
    """The annotations the article shows (stored and derived from corrections) by span."""
    return {(a.start, a.end): a for a in session.spans.overlapping(0, len(session.text))}


def test_sample_opens_with_its_hand_checked_annotations(sample_session, db_path):
    records = stored_annotations(db_path)
    entities = [r for r in records if r["kind"] == "entity"]
    claims = [r for r in records if r["kind"] == "claim"]
    assert len(entities) == 39 and len(claims) == 13
    assert all(r["status"] == "accepted" for r in records)
    for record in records:  # every stored quote matches the text at its offsets
        assert sample_session.text[record["start"] : record["end"]] == record["quote"]["exact"]
    names = {e.name for e in sample_session.entities.values()}
    assert {"Amazon", "IBM", "Isedua Oribhabor", "Daniel Leufer", "Joy Buolamwini", "Deborah Raji", "Rekognition", "Access Now"} <= names
    quotes = [c for c in sample_session.claims() if c.attrs["claim_type"] == "quote"]
    assert [sample_session.speaker_name(q) for q in quotes] == ["Isedua Oribhabor", "Isedua Oribhabor", "Isedua Oribhabor", "Daniel Leufer"]


def test_reopening_the_same_text_finds_its_annotations(sample_session, db_path):
    sample_session.store.close()
    assert len(file_annotations(db_path)) == 52  # folded into the TinyDB file on close
    assert len(TinyDB(db_path).table("documents")) == 1
    again = open_session(db_path, sample_document())
    assert again.document.doc_id == sample_session.document.doc_id
    assert len(again.by_id) == len(sample_session.by_id) == 52


def test_labelling_links_mentions_to_one_entity_and_suggests_other_mentions(db_path):
    session = fresh_session(db_path)
    first = session.label_span(13, 22, "ORG")
    records = stored_annotations(db_path)
    assert {(r["start"], r["end"], r["status"]) for r in records} == {(13, 22, "accepted")}  # one record
    suggested = shown(session)[(33, 42)]  # the other Acme Corp: derived from the correction
    assert (suggested.label, suggested.status, suggested.origin) == ("ORG", "suggested", "user-correction")
    assert suggested.attrs["entity_id"] == first.attrs["entity_id"]
    second = session.label_span(33, 42, "ORG")  # accepting the suggestion by labelling it
    assert second.status == "accepted"
    assert second.attrs["entity_id"] == first.attrs["entity_id"]
    assert [name for name in (e.name for e in session.entities.values())] == ["Acme Corp"]



def test_a_correction_reaches_a_mention_again_once_its_accepted_annotation_is_gone(db_path):
    text = "Rekognition one. Rekognition two. Rekognition three."
    session = fresh_session(db_path, text)
    first, second, third = [(i, i + len("Rekognition")) for i in (0, 17, 34)]
    session.label_span(*second, "PRODUCT")  # accepted here; suggested at the first and third
    session.delete(next(a.id for a in session.index.at(second[0])))  # the accepted one is deleted
    session.label_span(*third, "ORG")  # a correction after both: the second is free again
    here = shown(session)
    assert (here[second].label, here[second].status) == ("ORG", "suggested")
    assert (here[first].label, here[first].status) == ("ORG", "suggested")
    assert (here[third].label, here[third].status) == ("ORG", "accepted")
    session.undo()  # the ORG correction and what it suggested go together
    assert (shown(session)[first].label, shown(session)[first].status) == ("PRODUCT", "suggested")
    session.undo()  # the deletion comes back, so the second is accepted again
    session.label_span(*third, "EVENT")
    here = shown(session)
    assert (here[second].label, here[second].status) == ("PRODUCT", "accepted")
    assert (here[first].label, here[first].status) == ("EVENT", "suggested")
    records = {(r["start"], r["end"]): r for r in stored_annotations(db_path)}
    assert (records[second]["label"], records[second]["status"]) == ("PRODUCT", "accepted") and first not in records


def test_a_suggestion_that_repeats_an_accepted_annotation_is_not_stored(db_path):
    from tui.model.annotation import CLAIM, ENTITY, SUGGESTED, Annotation

    text = "“The pause is too short,” said Jane Doe on Monday. It took just two days."
    session = fresh_session(db_path, text)
    quote_end = text.index(" said")
    session.mark_claim(0, quote_end, "quote")  # the quote with its marks and comma
    days = text.index("two days")
    session.label_span(days, days + len("two days"), "DATE")

    def suggestion(kind, label, start, end):
        return Annotation.on_text(session.document.doc_id, text, kind, label, start, end, status=SUGGESTED, origin="model")

    fresh = session.add_suggestions([
        suggestion(CLAIM, "quote", 1, quote_end - 2),  # the same quote without its marks: a repeat
        suggestion(ENTITY, "DATE", text.index("just"), days + len("two days")),  # "just two days": different enough
        suggestion(ENTITY, "DATE", text.index("Monday"), text.index("Monday") + 6),
    ], [])
    assert sorted(a.quote.exact for a in fresh) == ["Monday", "just two days"]
    assert sorted(r["quote"]["exact"] for r in stored_annotations(db_path) if r["status"] == "suggested") == ["Monday", "just two days"]

def test_relabel_changes_the_label_in_place(db_path):
    session = fresh_session(db_path)
    session.label_span(0, 8, "ORG")
    session.label_span(0, 8, "PERSON")
    records = stored_annotations(db_path)
    assert [(r["start"], r["end"], r["label"]) for r in records] == [(0, 8, "PERSON")]
    assert [e.label for e in session.entities.values()] == ["PERSON"]  # the ORG entity went with it


def test_undo_and_redo_several_levels_are_on_disk(db_path):
    session = fresh_session(db_path)
    session.label_span(0, 8, "PERSON")
    session.label_span(26, 31, "GPE")
    session.mark_claim(33, 56, "reported")
    assert len(stored_annotations(db_path)) == 3
    session.undo()
    session.undo()
    assert [r["label"] for r in stored_annotations(db_path)] == ["PERSON"]
    session.redo()
    assert sorted(r["label"] for r in stored_annotations(db_path)) == ["GPE", "PERSON"]
    session.label_span(13, 22, "ORG")  # a new action clears what could be redone
    assert session.redo() is None


def test_deleting_a_suggestion_rejects_it_and_it_stays_rejected(db_path):
    session = fresh_session(db_path)
    session.label_span(13, 22, "ORG")
    suggestion = shown(session)[(33, 42)]
    session.delete(suggestion.id)
    statuses = {(r["start"], r["status"]) for r in stored_annotations(db_path)}
    assert statuses == {(13, "accepted"), (33, "rejected")}
    reopened = fresh_session(db_path)
    assert [a.start for a in reopened.visible()] == [13] and list(shown(reopened)) == [(13, 22)]


def test_claims_keep_their_attributes(db_path):
    session = fresh_session(db_path)
    claim = session.mark_claim(33, 56, "reported", cue=[43, 47], content=[[48, 56]])
    record = next(r for r in stored_annotations(db_path) if r["id"] == claim.id)
    assert record["kind"] == "claim" and record["label"] == "reported"
    assert record["attrs"]["cue"] == [43, 47] and record["attrs"]["verdict"] == "unverified"
    assert record["quote"]["exact"] == "Acme Corp said it grew."


def test_suggested_mentions_join_an_entity_the_document_already_has(db_path):
    from tui.model.annotation import Annotation, Entity

    session = fresh_session(db_path, "Acme Corp grew. Later ACME CORP shrank in Paris.")
    session.label_span(0, 9, "ORG")
    mine = next(iter(session.entities.values()))
    doc_id = session.document.doc_id
    model_acme = Entity(doc_id, "Acme Corp", "ORG", entity_id="e-model-acme")
    model_paris = Entity(doc_id, "Paris", "GPE", entity_id="e-model-paris")
    added = session.add_suggestions(
        [
            Annotation.on_text(doc_id, session.text, "entity", "ORG", 0, 9, status="suggested", attrs={"entity_id": "e-model-acme"}),
            Annotation.on_text(doc_id, session.text, "entity", "ORG", 22, 31, status="suggested", attrs={"entity_id": "e-model-acme"}),
            Annotation.on_text(doc_id, session.text, "entity", "GPE", 42, 47, status="suggested", attrs={"entity_id": "e-model-paris"}),
        ],
        [model_acme, model_paris],
    )
    assert [(a.start, a.attrs["entity_id"]) for a in added] == [(22, mine.entity_id), (42, "e-model-paris")]
    assert sorted(e.name for e in session.entities.values()) == ["Acme Corp", "Paris"]
    groups = dict(session.entity_groups())
    assert [(e.name, count) for e, count in groups["ORG"]] == [("Acme Corp", 2)]


def test_a_session_let_go_of_is_freed_at_once_without_a_garbage_collection(db_path):
    # A book's session holds a million objects: a reference cycle would keep them all until a
    # collection walks them (a reopened book would cost that walk).
    import gc
    import weakref

    session = fresh_session(db_path)
    session.label_span(13, 22, "ORG")
    assert shown(session)[(33, 42)].status == "suggested" and session.count_derived() == 1
    store, freed, index_freed = session.store, weakref.ref(session), weakref.ref(session.annotations)
    collecting = gc.isenabled()
    gc.disable()
    try:
        del session
        assert freed() is None and index_freed() is None
    finally:
        if collecting:
            gc.enable()
    store.close()
