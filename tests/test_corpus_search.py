"""Searching every document of a database, and the document list's filter and sort, without the app."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tui.model.annotation import Annotation, Entity
from tui.model.document import Document
from tui.session.corpus import DocumentSummary
from tui.session.corpus_search import corpus_hits, corpus_snapshot
from tui.session.document_list import FilterError, filter_documents, next_sort, sort_documents
from tui.store.records import ANNOTATIONS, ENTITIES, Change
from tui.store.repository import open_store


def stored_corpus(tmp_path):
    store = open_store(tmp_path / "db.json")
    first = Document(text="Ann Lee said taxes fall.\nAnn Lee left.", title="Taxes", source="a.txt", added="2026-01-01")
    second = Document(text="The mayor said nothing about taxes.", title="Mayor", source="b.txt", added="2026-01-02")
    for document in (first, second):
        store.add_document(document)
    entity = Entity(entity_id="e-ann", doc_id=first.doc_id, label="PERSON", name="Ann Lee", aliases=["A. Lee"])
    mention = Annotation.on_text(first.doc_id, first.text, "entity", "PERSON", 0, 7, attrs={"entity_id": "e-ann"})
    claim = Annotation.on_text(second.doc_id, second.text, "claim", "CLAIM", 0, 35, attrs={"claim_type": "quote", "verdict": "false", "speaker": "The mayor"})
    rejected = Annotation.on_text(first.doc_id, first.text, "entity", "PERSON", 25, 32, status="rejected", attrs={"entity_id": "e-ann"})
    store.apply([Change(ENTITIES, entity.entity_id, entity.to_record()), *(Change(ANNOTATIONS, a.id, a.to_record()) for a in (mention, claim, rejected))])
    return store, first, second


def test_text_hits_across_documents_come_in_list_order_with_titles_and_context(tmp_path):
    store, first, second = stored_corpus(tmp_path)
    hits, more = corpus_hits(corpus_snapshot(store), "TAXES", "text")
    assert [(hit.title, hit.start, hit.context) for hit in hits] == [
        ("Taxes", 13, "Ann Lee said taxes fall. Ann Lee left."),
        ("Mayor", 29, "The mayor said nothing about taxes."),
    ]
    assert not more
    capped, more = corpus_hits(corpus_snapshot(store), "a", "text", most=3)
    assert len(capped) == 3 and more


def test_annotation_hits_across_documents_match_entity_aliases_verdicts_and_speakers_but_not_rejected_ones(tmp_path):
    store, first, second = stored_corpus(tmp_path)
    snapshot = corpus_snapshot(store)
    assert [(hit.doc_id, hit.start, hit.end) for hit in corpus_hits(snapshot, "a. lee", "annotations")[0]] == [(first.doc_id, 0, 7)]
    assert [hit.doc_id for hit in corpus_hits(snapshot, "false", "annotations")[0]] == [second.doc_id]
    assert [hit.doc_id for hit in corpus_hits(snapshot, "mayor", "annotations")[0]] == [second.doc_id]
    assert corpus_hits(snapshot, "   ", "annotations") == ([], False)


def test_a_malformed_annotation_record_is_passed_over(tmp_path):
    store, first, second = stored_corpus(tmp_path)
    taken = corpus_snapshot(store)
    malformed = [{"doc_id": first.doc_id, "start": "0", "end": 99, "label": "PERSON"}, {"doc_id": first.doc_id, "start": 0, "end": 7, "label": 5, "attrs": ["x"]}]
    snapshot = replace(taken, annotations=[*taken.annotations, *malformed])
    assert [hit.start for hit in corpus_hits(snapshot, "person", "annotations")[0]] == [0]


def summary(title, status, words=10, date="", left=0):
    return DocumentSummary(doc_id=title.lower(), title=title, source="", url="", date=date, author="", site="", words=words,
                           status=status, suggestions_left=left, entities=0, claims=0, verdicts=0)


def test_the_document_list_filters_by_status_and_title_words_and_sorts():
    rows = [summary("Senate budget", "done", 300, "2026-11-02"), summary("Floods", "new", 100, "2026-11-03", left=4), summary("Senate vote", "started", 200, "2026-11-01", left=9)]
    assert [s.title for s in filter_documents(rows, "status:unfinished")] == ["Floods", "Senate vote"]
    assert [s.title for s in filter_documents(rows, "senate status:done")] == ["Senate budget"]
    assert [s.title for s in filter_documents(rows, "status:new status:started")] == ["Floods", "Senate vote"]
    with pytest.raises(FilterError, match="status:maybe is not one of new, started, done, unfinished"):
        filter_documents(rows, "status:maybe")
    assert [s.title for s in sort_documents(rows, "date")] == ["Floods", "Senate budget", "Senate vote"]
    assert [s.title for s in sort_documents(rows, "words")] == ["Senate budget", "Senate vote", "Floods"]
    assert [s.title for s in sort_documents(rows, "status")] == ["Floods", "Senate vote", "Senate budget"]
    assert [s.title for s in sort_documents(rows, "suggestions left")] == ["Senate vote", "Floods", "Senate budget"]
    assert next_sort("added") == "title" and next_sort("suggestions left") == "added"


def test_the_open_documents_summary_from_its_session_matches_the_one_read_from_the_store(tmp_path):
    from tui.launch import open_session
    from tui.session.corpus import document_summary, session_summary

    store, first, second = stored_corpus(tmp_path)
    session = open_session(store.path, store.document(second.doc_id), annotator="ana", store=store)
    assert session_summary(session) == document_summary(store, second.doc_id)
    assert session_summary(session).verdicts == 1 and session_summary(session).status == "started"
    other = open_session(store.path, store.document(first.doc_id), annotator="ana", store=store)
    assert session_summary(other) == document_summary(store, first.doc_id)
