"""Search across every document of a database: the text, or the annotations.

What is searched is taken from the store on the app's thread (:func:`corpus_snapshot`, references
only); the search itself runs in a worker over that snapshot and stops at :data:`MOST_HITS`, so
a corpus of any size never holds a key.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from tui.model.annotation import CLAIM, ORPHAN, REJECTED
from tui.session.corpus import current_documents
from tui.session.search import annotation_matches, entity_search_text
from tui.store.records import ANNOTATIONS, ENTITIES

# A search across documents lists at most this many hits (it says when there were more).
MOST_HITS = 1000
# Characters of text shown each side of a hit.
CONTEXT = 40


@dataclass(frozen=True)
class CorpusHit:
    """One hit: in which document, where, and the line of text around it."""

    doc_id: str
    title: str
    start: int
    end: int
    context: str


@dataclass(frozen=True, repr=False)
class CorpusSnapshot:
    """What a search across documents reads: each document's id, title and text, and the raw
    annotation and entity records (the store's own, never modified). Not spelled out by repr:
    it holds the whole corpus."""

    documents: list[tuple[str, str, str]]
    annotations: Sequence[dict]
    entities: Sequence[dict]


def corpus_snapshot(store) -> CorpusSnapshot:
    """The current documents (not the versions a newer text replaced), in list order, with the
    records to search; taken on the app's thread, so the worker never reads the store."""
    documents = [(document.doc_id, document.title, document.text) for document in current_documents(store)]
    return CorpusSnapshot(documents, store.snapshot(ANNOTATIONS), store.snapshot(ENTITIES))


def context_of(text: str, start: int, end: int) -> str:
    """The hit with a little text each side, on one line."""
    before = text[max(0, start - CONTEXT) : start]
    after = text[end : end + CONTEXT]
    return " ".join(f"{'…' if start > CONTEXT else ''}{before}{text[start:end]}{after}{'…' if end + CONTEXT < len(text) else ''}".split())


def corpus_hits(snapshot: CorpusSnapshot, query: str, scope: str, most: int = MOST_HITS) -> tuple[list[CorpusHit], bool]:
    """The hits of ``query`` (ignoring case) in every document's text (``scope`` "text") or
    annotations ("annotations"), documents in list order and hits in text order; and whether
    there were more than ``most``."""
    needle = query.strip()
    if not needle:
        return [], False
    spans = _annotation_spans(snapshot, needle.casefold()) if scope == "annotations" else None
    pattern = re.compile(re.escape(needle), re.IGNORECASE)
    hits: list[CorpusHit] = []
    for doc_id, title, text in snapshot.documents:
        found = spans.get(doc_id, []) if spans is not None else ((m.start(), m.end()) for m in pattern.finditer(text))
        for start, end in found:
            if len(hits) == most:
                return hits, True
            hits.append(CorpusHit(doc_id, title, start, end, context_of(text, start, end)))
    return hits, False


def _annotation_spans(snapshot: CorpusSnapshot, needle: str) -> dict[str, list[tuple[int, int]]]:
    """Each document's spans of visible annotations that match, in text order."""
    entity_text = {
        record["entity_id"]: entity_search_text(record.get("name"), record.get("aliases"), record.get("kb_id"))
        for record in snapshot.entities if isinstance(record.get("entity_id"), str)
    }
    lengths = {doc_id: len(text) for doc_id, _, text in snapshot.documents}
    spans: dict[str, list[tuple[int, int]]] = {}
    for record in snapshot.annotations:
        doc_id, start, end = record.get("doc_id"), record.get("start"), record.get("end")
        if doc_id not in lengths or not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= lengths[doc_id]):
            continue
        if record.get("status") == REJECTED or record.get("anchor") == ORPHAN:
            continue
        if annotation_matches(needle, record.get("label"), record.get("attrs"), record.get("kind") == CLAIM, entity_text):
            spans.setdefault(doc_id, []).append((start, end))
    for found in spans.values():
        found.sort()
    return spans
