"""The corpus: every document of a database with its metadata and review progress, finding one
by id or title, marking one done, and stepping through them.

A summary is made from one pass over the database's annotations (not one per document), so
listing a few hundred documents costs about what reading them does; word counts are kept by
content hash for the life of the process. Only the current version of a document is listed:
one that a newer version replaced (its ``previous``) gave it its annotations.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from tui.model.annotation import ACCEPTED, CLAIM, ENTITY, ORPHAN, SUGGESTED, now_iso
from tui.model.claims import UNVERIFIED
from tui.model.display import display_text
from tui.model.document import DONE, Document
from tui.store.records import ANNOTATIONS, DOCUMENTS, Change

NEW = "new"
STARTED = "started"


class CorpusError(ValueError):
    """A document reference that names no document, or several; the message lists titles."""


@dataclass(frozen=True)
class DocumentSummary:
    """A document as the document list and ``postil list`` show it."""

    doc_id: str
    title: str
    source: str
    url: str
    date: str
    author: str
    site: str
    words: int
    status: str  # NEW (nothing reviewed), STARTED (some annotation accepted, rejected or edited) or DONE (marked done)
    suggestions_left: int  # suggestions still waiting for a decision
    entities: int  # accepted entity mentions
    claims: int  # accepted claims
    verdicts: int  # accepted claims whose verdict is not "unverified"


@dataclass
class _Counts:
    reviewed: bool = False
    suggestions_left: int = 0
    entities: int = 0
    claims: int = 0
    verdicts: int = 0


_word_counts: dict[str, int] = {}


def word_count(document: Document) -> int:
    """How many whitespace-separated words the document's text holds (remembered by its hash)."""
    words = _word_counts.get(document.sha256)
    if words is None:
        words = _word_counts[document.sha256] = len(document.text.split())
    return words


def _annotation_counts(store, only: str | None = None) -> dict[str, _Counts]:
    """Each document's counts (or the one ``only`` names), from one pass over every stored annotation.

    Only fields compared with known values are read, so a malformed record cannot count as
    anything but what it claims to be; orphans (placed nowhere on the text) are not counted.
    """
    counts: dict[str, _Counts] = {}
    for doc_id, anchor, status, kind, attrs in store.snapshot(ANNOTATIONS).read(doc_id=None, anchor=None, status=ACCEPTED, kind=None, attrs=None):
        if (only is not None and doc_id != only) or not isinstance(doc_id, str) or anchor == ORPHAN:
            continue
        count = counts.get(doc_id)
        if count is None:
            count = counts[doc_id] = _Counts()
        _count(count, status, kind, attrs)
    return counts


def _has_verdict(attrs: object) -> bool:
    """Whether a claim's attributes give it a verdict other than "unverified"."""
    verdict = attrs.get("verdict") if isinstance(attrs, dict) else None
    return isinstance(verdict, str) and verdict not in ("", UNVERIFIED)


def _count(count: _Counts, status: object, kind: object, attrs: object) -> None:
    """Add one annotation placed on the text to its document's counts."""
    if status == SUGGESTED:
        count.suggestions_left += 1
        return
    count.reviewed = True
    if status == ACCEPTED and kind == ENTITY:
        count.entities += 1
    elif status == ACCEPTED and kind == CLAIM:
        count.claims += 1
        count.verdicts += _has_verdict(attrs)


def _summary(document: Document, record: dict, count: _Counts) -> DocumentSummary:
    if record.get("status") == DONE:
        status = DONE
    else:
        status = STARTED if count.reviewed else NEW
    return DocumentSummary(
        doc_id=document.doc_id, title=document.title, source=document.source,
        url=document.meta_text("url"), date=document.meta_text("date"), author=document.meta_text("author"), site=document.meta_text("site"),
        words=word_count(document), status=status, suggestions_left=count.suggestions_left,
        entities=count.entities, claims=count.claims, verdicts=count.verdicts,
    )


def current_documents(store) -> list[Document]:
    """Every document of ``store`` that no newer version replaced, in the order added."""
    documents = store.documents()
    replaced = {document.previous for document in documents if document.previous}
    current = [document for document in documents if document.doc_id not in replaced]
    current.sort(key=lambda document: document.added or "")  # stable: one run's documents keep their order
    return current


def document_summaries(store) -> list[DocumentSummary]:
    """Every current document of ``store`` in the order added (raises the store's
    :class:`~tui.store.storage.StoreError` when a document record is malformed)."""
    current = current_documents(store)
    counts = _annotation_counts(store)
    records = {document.doc_id: store.record(DOCUMENTS, document.doc_id) or {} for document in current}
    return [_summary(document, records[document.doc_id], counts.get(document.doc_id, _Counts())) for document in current]


def session_summary(session) -> DocumentSummary:
    """The summary of the document open in ``session`` (an AnnotationSession), from the counts
    it keeps as it changes: no pass over the store, so moving on from a long document is as
    quick as from a short one."""
    counts, document = session.counts, session.document
    count = _Counts(
        reviewed=bool(counts[(ENTITY, ACCEPTED)] or counts[(CLAIM, ACCEPTED)] or any(session.annotations.rejected.values())),
        suggestions_left=counts[(ENTITY, SUGGESTED)] + counts[(CLAIM, SUGGESTED)],
        entities=counts[(ENTITY, ACCEPTED)],
        claims=counts[(CLAIM, ACCEPTED)],
    )
    count.verdicts = sum(claim.status == ACCEPTED and _has_verdict(claim.attrs) for claim in session.claims())
    return _summary(document, session.store.record(DOCUMENTS, document.doc_id) or {}, count)


def document_summary(store, doc_id: str) -> DocumentSummary:
    """The summary of one document, counted as :func:`document_summaries` counts it (raises
    :class:`CorpusError` when it is not stored)."""
    document = store.document(doc_id)
    if document is None:
        raise CorpusError(f"no document {display_text(doc_id)!r} in {store.path}")
    count = _annotation_counts(store, only=doc_id).get(doc_id, _Counts())
    return _summary(document, store.record(DOCUMENTS, doc_id) or {}, count)


def _titles(documents: Sequence[Document], limit: int = 10) -> str:
    shown = [f"{display_text(d.title) or '(untitled)'} ({d.doc_id})" for d in documents[:limit]]
    more = f"; and {len(documents) - limit} more" if len(documents) > limit else ""
    return "; ".join(shown) + more


def find_document(store, ref: str) -> str:
    """The doc_id ``ref`` names among the current documents: a document id, a unique id prefix,
    a title (case-insensitive), or a unique part of one (their annotations are not read).
    Raises :class:`CorpusError` listing the titles it matches, or every title when it matches none."""
    documents = current_documents(store)
    if not documents:
        raise CorpusError(f"{store.path} holds no documents")
    wanted = ref.strip()
    folded = wanted.casefold()
    if not folded:
        raise CorpusError(f"an empty document reference; the documents are: {_titles(documents)}")
    for matches in (
        [d for d in documents if d.doc_id == wanted],
        [d for d in documents if d.doc_id.startswith(folded)],
        [d for d in documents if d.title.casefold() == folded],
        [d for d in documents if folded in d.title.casefold()],
    ):
        if len(matches) == 1:
            return matches[0].doc_id
        if matches:
            raise CorpusError(f"{display_text(ref)!r} matches {len(matches)} documents: {_titles(matches)}; give more of the title or the id")
    raise CorpusError(f"no document matches {display_text(ref)!r}; the documents are: {_titles(documents)}")


def _document_record(store, doc_id: str) -> dict:
    """The stored record of a document (raises :class:`CorpusError` when it is not stored)."""
    record = store.record(DOCUMENTS, doc_id)
    if record is None:
        raise CorpusError(f"no document {display_text(doc_id)!r} in {store.path}")
    return record


def is_done(store, doc_id: str) -> bool:
    """Whether a document is marked done, from its record alone (its annotations are not read;
    raises :class:`CorpusError` when it is not stored)."""
    return _document_record(store, doc_id).get("status") == DONE


def mark_done(store, doc_id: str, done: bool, annotator: str) -> None:
    """Mark a document done (who and when kept on its record) or not done, in one write with a
    journal entry that undo does not replay (raises :class:`CorpusError` when it is not stored)."""
    record = _document_record(store, doc_id)
    changed = {key: value for key, value in record.items() if key not in ("status", "done_by", "done_at")}
    if done:
        changed.update(status=DONE, done_by=annotator, done_at=now_iso())
    if changed == record:
        return
    change = Change(DOCUMENTS, doc_id, changed)
    entry = store.append_journal("mark-done" if done else "mark-not-done", [change], [record], annotator=annotator, doc_id=doc_id, undoable=False)
    store.apply([change, entry])


def next_document(summaries: Sequence[DocumentSummary], doc_id: str, step: int = 1, unfinished: bool = False) -> str | None:
    """The document ``step`` places after ``doc_id`` in ``summaries`` (before it for a negative
    step), None past either end; with ``unfinished``, the next one in that direction not done,
    wrapping around (None when every other one is done). From an id not listed, the first
    (or last) one counts as the next."""
    ids = [s.doc_id for s in summaries]
    if not ids:
        return None
    here = ids.index(doc_id) if doc_id in ids else (-1 if step > 0 else len(ids))
    if not unfinished:
        there = here + step
        return ids[there] if 0 <= there < len(ids) else None
    direction = 1 if step >= 0 else -1
    for distance in range(1, len(ids) + 1):
        index = (here + direction * distance) % len(ids)
        if ids[index] != doc_id and summaries[index].status != DONE:
            return ids[index]
    return None
