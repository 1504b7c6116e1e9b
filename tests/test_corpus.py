"""The corpus core on real TinyDB files: summaries with metadata and progress, finding a
document by id or title, marking one done (kept in the file), and stepping through them."""

from __future__ import annotations

import json

import pytest

from tui.model.annotation import CLAIM, ENTITY, ORPHAN, REJECTED, SUGGESTED, Annotation
from tui.model.document import Document
from tui.session.corpus import CorpusError, DocumentSummary, document_summaries, document_summary, find_document, mark_done, next_document
from tui.store.records import ANNOTATIONS, Change
from tui.store.repository import INLINE_TEXT_LIMIT, open_store
from tui.store.storage import StoreError

AMAZON = "Amazon halts police use of Rekognition\n\nAmazon said on Wednesday it would stop. Critics said it was late."
IBM = "IBM leaves facial recognition\n\nIBM wrote to Congress on Monday."
FLOOD = "Floods in the valley\n\nThe river rose two metres overnight."


def annotation(document: Document, phrase: str, kind: str = ENTITY, label: str = "ORG", **fields) -> Annotation:
    start = document.text.index(phrase)
    return Annotation.on_text(document.doc_id, document.text, kind, label, start, start + len(phrase), **fields)


@pytest.fixture
def corpus(tmp_path):
    """A database of three documents: one reviewed in part, one with suggestions only, one untouched."""
    path = tmp_path / "annotations.json"
    amazon = Document(AMAZON, "Amazon halts police use of Rekognition", "/news/amazon.txt",
                      meta={"url": "https://example.org/amazon", "date": "2020-06-10", "author": "A. Writer", "site": "Example News"})
    ibm = Document(IBM, "IBM leaves facial recognition", "https://example.org/ibm")
    flood = Document(FLOOD, "Floods in the valley", "/news/flood.md", meta={"date": 20200611, "site": ["not", "text"]})
    store = open_store(path, writer=True)
    for document in (amazon, ibm, flood):
        store.add_document(document)
    records = [
        annotation(amazon, "Amazon"),
        annotation(amazon, "Rekognition", label="PRODUCT", status=SUGGESTED, origin="model"),
        annotation(amazon, "Wednesday", label="DATE", status=REJECTED, origin="model"),
        annotation(amazon, "Amazon said on Wednesday it would stop.", CLAIM, "reported", attrs={"verdict": "true"}),
        annotation(amazon, "Critics said it was late.", CLAIM, "reported", attrs={"verdict": "unverified"}),
        annotation(amazon, "Critics", label="NORP", anchor=ORPHAN),
        annotation(ibm, "IBM", status=SUGGESTED, origin="model"),
        annotation(ibm, "Congress", status=SUGGESTED, origin="model"),
    ]
    store.apply([Change(ANNOTATIONS, a.id, a.to_record()) for a in records])
    store.close()
    return path, amazon, ibm, flood


def test_summaries_list_every_document_in_the_order_added_with_metadata_words_and_counts(corpus):
    path, amazon, ibm, flood = corpus
    store = open_store(path, read_only=True)
    summaries = document_summaries(store)
    assert summaries == [
        DocumentSummary(amazon.doc_id, "Amazon halts police use of Rekognition", "/news/amazon.txt", "https://example.org/amazon", "2020-06-10",
                        "A. Writer", "Example News", words=len(AMAZON.split()), status="started", suggestions_left=1, entities=1, claims=2, verdicts=1),
        DocumentSummary(ibm.doc_id, "IBM leaves facial recognition", "https://example.org/ibm", "", "", "", "", words=10, status="new",
                        suggestions_left=2, entities=0, claims=0, verdicts=0),
        # metadata that is not text (a hand edit, an import) is shown as nothing
        DocumentSummary(flood.doc_id, "Floods in the valley", "/news/flood.md", "", "", "", "", words=10, status="new",
                        suggestions_left=0, entities=0, claims=0, verdicts=0),
    ]
    assert [document_summary(store, s.doc_id) for s in summaries] == summaries
    store.close()


def test_a_document_replaced_by_a_newer_version_is_not_listed(corpus):
    path, amazon, *_ = corpus
    store = open_store(path, writer=True)
    newer = Document(AMAZON + " It said more.", amazon.title, amazon.source, previous=amazon.doc_id)
    store.add_document(newer)
    ids = [s.doc_id for s in document_summaries(store)]
    store.close()
    assert amazon.doc_id not in ids and ids[-1] == newer.doc_id and len(ids) == 3


def test_marking_done_is_kept_in_the_file_with_who_and_when_and_can_be_taken_back(corpus):
    path, amazon, ibm, _ = corpus
    store = open_store(path, writer=True)
    mark_done(store, ibm.doc_id, True, "checker")
    store.close()
    saved = json.loads(path.read_text())
    record = next(r for r in saved["documents"].values() if r["doc_id"] == ibm.doc_id)
    assert record["status"] == "done" and record["done_by"] == "checker" and record["done_at"].startswith("20")
    assert record["text"] == IBM  # the rest of the record is as it was
    assert any(entry["op"] == "mark-done" and entry["doc_id"] == ibm.doc_id and entry["annotator"] == "checker" for entry in saved["journal"].values())
    store = open_store(path, writer=True)
    assert [s.status for s in document_summaries(store)] == ["started", "done", "new"]
    mark_done(store, ibm.doc_id, False, "checker")
    assert document_summary(store, ibm.doc_id).status == "new"
    store.close()
    record = next(r for r in json.loads(path.read_text())["documents"].values() if r["doc_id"] == ibm.doc_id)
    assert "status" not in record and "done_by" not in record


def test_marking_done_keeps_a_long_text_in_its_side_file(tmp_path):
    path = tmp_path / "annotations.json"
    book = Document("word " * (INLINE_TEXT_LIMIT // 4), "A book", "/book.txt")
    store = open_store(path, writer=True)
    store.add_document(book)
    mark_done(store, book.doc_id, True, "checker")
    store.close()
    store = open_store(path, read_only=True)
    assert store.document(book.doc_id).text == book.text
    assert document_summary(store, book.doc_id).status == "done"
    assert document_summary(store, book.doc_id).words == INLINE_TEXT_LIMIT // 4
    store.close()


def test_a_stored_status_outside_the_model_is_reported_not_shown(corpus):
    path, amazon, *_ = corpus
    saved = json.loads(path.read_text())
    next(r for r in saved["documents"].values() if r["doc_id"] == amazon.doc_id)["status"] = "finished"
    path.write_text(json.dumps(saved))
    store = open_store(path, read_only=True)
    with pytest.raises(StoreError, match=f"document {amazon.doc_id}: status: 'finished' is not one of done"):
        document_summaries(store)
    store.close()


def test_mark_done_of_an_unknown_document_is_refused(corpus):
    path, *_ = corpus
    store = open_store(path, writer=True)
    with pytest.raises(CorpusError, match="no document 'nope'"):
        mark_done(store, "nope", True, "checker")
    store.close()


def test_find_document_by_id_prefix_or_part_of_a_title(corpus):
    path, amazon, ibm, flood = corpus
    store = open_store(path, read_only=True)
    assert find_document(store, amazon.doc_id) == amazon.doc_id
    assert find_document(store, ibm.doc_id[:5]) == ibm.doc_id
    assert find_document(store, "floods in THE valley") == flood.doc_id
    assert find_document(store, "rekognition") == amazon.doc_id
    with pytest.raises(CorpusError) as ambiguous:
        find_document(store, "OGNITION")  # in two titles of three
    assert str(ambiguous.value).startswith("'OGNITION' matches 2 documents: ")
    assert "IBM leaves facial recognition" in str(ambiguous.value) and "Rekognition" in str(ambiguous.value) and "Floods" not in str(ambiguous.value)
    with pytest.raises(CorpusError) as unknown:
        find_document(store, "election")
    message = str(unknown.value)
    assert message.startswith("no document matches 'election'; the documents are: ")
    assert all(title in message for title in ("Amazon halts police use of Rekognition", "IBM leaves facial recognition", "Floods in the valley"))
    store.close()


def test_find_document_reads_no_annotations(corpus, monkeypatch):
    path, amazon, *_ = corpus
    store = open_store(path, read_only=True)
    monkeypatch.setattr(store, "tables", lambda: pytest.fail("read every annotation to find a title"))
    assert find_document(store, "rekognition") == amazon.doc_id
    with pytest.raises(CorpusError, match="the documents are: Amazon halts"):
        find_document(store, "election")
    store.close()


def test_find_document_makes_titles_safe_for_the_terminal(tmp_path):
    path = tmp_path / "annotations.json"
    store = open_store(path, writer=True)
    store.add_document(Document("Some text here.", "Evil \x1b[2Jtitle", "/evil.txt"))
    with pytest.raises(CorpusError) as error:
        find_document(store, "nothing like it")
    store.close()
    assert "\x1b" not in str(error.value) and "title" in str(error.value)


def test_next_document_steps_in_list_order_and_finds_the_next_unfinished_one_wrapping(corpus):
    path, amazon, ibm, flood = corpus
    store = open_store(path, writer=True)
    mark_done(store, ibm.doc_id, True, "checker")
    summaries = document_summaries(store)
    store.close()
    assert next_document(summaries, amazon.doc_id) == ibm.doc_id
    assert next_document(summaries, ibm.doc_id, step=-1) == amazon.doc_id
    assert next_document(summaries, flood.doc_id) is None and next_document(summaries, amazon.doc_id, -1) is None
    assert next_document(summaries, amazon.doc_id, unfinished=True) == flood.doc_id  # IBM is done
    assert next_document(summaries, flood.doc_id, unfinished=True) == amazon.doc_id  # wraps
    assert next_document(summaries, amazon.doc_id, -1, unfinished=True) == flood.doc_id
    only = [s for s in summaries if s.doc_id != flood.doc_id]
    assert next_document(only, amazon.doc_id, unfinished=True) is None  # every other one is done
    assert next_document([], amazon.doc_id) is None


def test_summaries_of_a_few_hundred_documents_read_the_annotations_once(tmp_path, monkeypatch):
    path = tmp_path / "annotations.json"
    store = open_store(path, writer=True)
    documents = [Document(f"Story number {n}. Acme Corp said it grew.", f"Story {n}", f"/news/{n}.txt") for n in range(300)]
    changes = [Change("documents", d.doc_id, {"doc_id": d.doc_id, "sha256": d.sha256, "title": d.title, "source": d.source,
                                              "added": "2026-01-01T00:00:00+00:00", "previous": None, "meta": {}, "text": d.text}) for d in documents]
    mentions = [annotation(d, "Acme Corp", status=SUGGESTED, origin="model") for d in documents]
    store.apply(changes + [Change(ANNOTATIONS, a.id, a.to_record()) for a in mentions])
    reads = []
    tables, snapshot = store.tables, store.snapshot
    monkeypatch.setattr(store, "tables", lambda: reads.append(1) or tables())
    monkeypatch.setattr(store, "snapshot", lambda table: (table == ANNOTATIONS and reads.append(1)) or snapshot(table))
    monkeypatch.setattr(store, "annotations", lambda *a, **k: pytest.fail("read one document's annotations"))
    summaries = document_summaries(store)
    store.close()
    assert [s.title for s in summaries] == [f"Story {n}" for n in range(300)]
    assert {s.suggestions_left for s in summaries} == {1} and len(reads) == 1
