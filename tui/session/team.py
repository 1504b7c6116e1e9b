"""Merging annotators' databases into a team database (``postil merge``).

Each source database is read without its lock and never written. Only the annotators'
judgements are merged (accepted annotations, orphans kept as orphans); every annotation and
entity keeps its owner (``annotator``) and gets an id derived from its owner and its id in the
source, so merging again replaces instead of duplicating. Documents are matched by text hash;
a source's document whose text differs from the team's document of the same ``source`` is
re-anchored onto the team's text. The team record (meta table, ``team``) keeps where each
annotator's work came from, so a newer copy of the same database updates their work and
different work under a name the team already has is refused. Everything is one write.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path

import orjson

from tui.model.anchoring import reanchor
from tui.model.annotation import ACCEPTED, CLAIM, CURATION, ENTITY, Annotation, Entity, plain_copy
from tui.model.display import display_text
from tui.model.document import Document
from tui.model.fields import name_problem
from tui.model.labels import Scheme
from tui.store.migrations import META
from tui.store.records import ANNOTATIONS, DOCUMENTS, ENTITIES, TEAM_KEY, Change, document_record
from tui.store.repository import Store, open_store
from tui.store.storage import real_path

MERGE_OP = "merge"


class MergeError(Exception):
    """A merge refused its sources; ``str(error)`` is one line, and nothing was written."""


@dataclass(frozen=True)
class SourceSpec:
    """A source database and, when given as ``NAME=PATH``, the annotator all its work belongs to."""

    path: Path
    name: str = ""


def source_spec(argument: str) -> SourceSpec:
    """``PATH`` or ``NAME=PATH`` (an argument naming an existing file is always a path)."""
    name, equals, path = argument.partition("=")
    if not equals or Path(argument).exists():
        return SourceSpec(Path(argument))
    problem = name_problem(name) or ("is kept for the lead's adjudicated version" if name == CURATION else None)
    if problem or not path:
        reason = f"the annotator's name {problem}" if problem else "no database after '='"
        raise MergeError(f"{display_text(argument)}: {reason} (write NAME=PATH)")
    return SourceSpec(Path(path), name)


def derived_id(prefix: str, owner: str, source_id: str) -> str:
    """The id of an owner's copy of a record in the team database (merged work, the curation's
    copies): the same every time the same record is copied, so copying again replaces it."""
    return f"{prefix}-" + hashlib.sha1(f"{owner}\0{source_id}".encode()).hexdigest()[:12]


@dataclass
class Work:
    """One annotator's merged records on one team document, from one source."""

    owner: str
    doc_id: str
    source: str  # the source database's resolved path
    records: dict[tuple[str, str], dict] = field(default_factory=dict)  # (table, key) -> record

    def count(self, table: str, kind: str | None = None) -> int:
        return sum(1 for (name, _), record in self.records.items() if name == table and (kind is None or record.get("kind") == kind))


@dataclass
class AnnotatorResult:
    """What one annotator's work in this merge came to."""

    name: str
    sources: list[str] = field(default_factory=list)
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    mentions: int = 0
    claims: int = 0
    notes: int = 0
    entities: int = 0

    @property
    def documents(self) -> int:
        return self.new + self.updated + self.unchanged

    def to_dict(self) -> dict:
        return {"annotator": self.name, "sources": self.sources, "documents": self.documents, "new": self.new, "updated": self.updated,
                "unchanged": self.unchanged, "mentions": self.mentions, "claims": self.claims, "notes": self.notes, "entities": self.entities}


@dataclass
class SourceResult:
    """What was re-anchored and left out of one source."""

    path: str
    anchored: int = 0
    moved: int = 0
    orphaned: int = 0
    left_out: int = 0

    @property
    def reanchored(self) -> int:
        return self.anchored + self.moved + self.orphaned

    def to_dict(self) -> dict:
        return {"path": self.path, "reanchored": self.reanchored, "in_place": self.anchored, "moved": self.moved,
                "orphaned": self.orphaned, "left_out": self.left_out}


@dataclass
class MergeResult:
    """The outcome of a merge: per annotator, per source, the team's annotators, whether anything was written."""

    annotators: dict[str, AnnotatorResult]
    sources: list[SourceResult]
    team: list[str]
    written: bool


@dataclass
class _Source:
    """A source database as read: its scheme, documents with their merged annotations, journal marks."""

    spec: SourceSpec
    path: str
    scheme: Scheme | None
    last: dict  # its journal's last entry: {"seq", "ts", "digest"} ({} when it has none)
    journal: dict[int, dict]  # seq -> journal entry
    documents: list[tuple[Document, list[Annotation], list[Entity]]]  # every current document, with or without work
    left_out: int

    def owner(self, annotator: str) -> str:
        """Whose work an annotation (or journal entry) signed ``annotator`` is: the name the
        database was given, else its own annotator, else the file's stem."""
        return self.spec.name or annotator or self.spec.path.stem

    @cached_property
    def owners(self) -> set[str]:
        """Whose work this database holds or held: everyone its journal names."""
        return {self.owner(entry.get("annotator", "")) for entry in self.journal.values()}

    def continues(self, last: dict) -> bool:
        """Whether this database's journal holds the entry ``last`` (recorded by an earlier
        merge): it is that database, or a copy of it, maybe with more work since."""
        entry = self.journal.get(last.get("seq"))  # type: ignore[arg-type]
        return entry is not None and entry_digest(entry) == last.get("digest")


def entry_digest(entry: dict) -> str:
    """A fingerprint of a journal entry: the records it changed hold random ids, so two
    databases never share one, while a copy of a database and its later versions do."""
    return hashlib.sha1(orjson.dumps(entry, option=orjson.OPT_SORT_KEYS)).hexdigest()


def _read_source(spec: SourceSpec) -> _Source:
    """Read a source database without its lock (StoreError for one that does not read)."""
    if not spec.path.is_file():
        raise MergeError(f"{spec.path}: no such database file")
    store = open_store(spec.path, read_only=True)
    try:
        journal = store.journal()
        documents = store.documents()
        superseded = {document.previous for document in documents if document.previous}
        read, left_out = [], 0
        for document in documents:
            if document.doc_id in superseded:
                continue  # an older version: its annotations moved onto the newer one
            annotations = store.annotations(document.doc_id, len(document.text))
            accepted = [a for a in annotations if a.status == ACCEPTED]
            left_out += len(annotations) - len(accepted)
            read.append((document, accepted, store.entities(document.doc_id) if accepted else []))
        last = {"seq": journal[-1]["seq"], "ts": journal[-1].get("ts", ""), "digest": entry_digest(journal[-1])} if journal else {}
        return _Source(spec, str(store.path), store.own_scheme(), last, {entry["seq"]: entry for entry in journal}, read, left_out)
    finally:
        store.close()


class _Merge:
    """One run of ``postil merge`` on an open (locked) team store."""

    def __init__(self, team: Store) -> None:
        self.team = team
        self.known = team.team() or {}
        self.record = plain_copy(self.known)
        self.scheme = team.own_scheme()
        self.new_scheme: Scheme | None = None
        self.new_documents: dict[str, Document] = {}
        self.by_source: dict[str, Document] = {}
        self.run_work: dict[tuple[str, str], Work] = {}
        self.stored: dict[str, dict[str, dict[tuple[str, str], dict]]] = {}  # doc_id -> owner -> the team's records
        self.changes: dict[str, list[tuple[str, list[Change]]]] = {}  # doc_id -> [(owner, changes)]
        self.annotators: dict[str, AnnotatorResult] = {}
        self.sources: list[SourceResult] = []
        self.given: dict[str, Path] = {}  # a source's resolved path -> as the user gave it

    def add(self, source: _Source) -> None:
        self._check_scheme(source)
        result = SourceResult(source.path, left_out=source.left_out)
        self.given.setdefault(source.path, source.spec.path)
        self.sources.append(result)
        for document, merged, entities in source.documents:
            team_document = self._team_document(document, store_new=bool(merged))
            if team_document is None:
                continue  # no work on a document the team has not got
            if team_document.doc_id != document.doc_id:
                merged, report = reanchor(document.text, team_document.text, merged, team_document.doc_id)
                result.anchored += report.anchored
                result.moved += report.moved
                result.orphaned += report.orphaned
            works = _works(source, team_document.doc_id, merged, entities)
            works += self._withdrawn(source, team_document.doc_id, {work.owner for work in works})
            for work in works:
                self._take(source, work, document)

    def _check_scheme(self, source: _Source) -> None:
        if source.scheme is None:
            return
        if self.scheme is None:
            self.scheme = self.new_scheme = source.scheme
        elif source.scheme.to_dict() != self.scheme.to_dict():
            raise MergeError(f"{source.spec.path}: its label scheme {display_text(source.scheme.name)} differs from the team's "
                             f"({display_text(self.scheme.name)}); set one scheme on both with `postil scheme set`")

    def _team_document(self, document: Document, store_new: bool) -> Document | None:
        """The team's document for a source document: the same text, else the team's version of
        the same source (the source's annotations are re-anchored onto it), else the document
        itself, stored new (None when not ``store_new``)."""
        found = self.new_documents.get(document.doc_id) or self.team.document(document.doc_id)
        if found is None and document.source:
            found = self.by_source.get(document.source) or self.team.latest_version(document.source)
        if found is not None or not store_new:
            return found
        stored = replace(document, previous=None, meta=plain_copy(document.meta))
        self.new_documents[stored.doc_id] = stored
        if stored.source:
            self.by_source[stored.source] = stored
        return stored

    def _withdrawn(self, source: _Source, doc_id: str, owners: set[str]) -> list[Work]:
        """Empty work for each annotator of ``source`` who has no work on ``doc_id`` there any more
        but had some that the team took from this database: merging it removes theirs."""
        return [Work(owner, doc_id, source.path) for owner in sorted(source.owners - owners)
                if self._existing(owner, doc_id) and self._came_from(source, owner, doc_id)]

    def _came_from(self, source: _Source, owner: str, doc_id: str) -> bool:
        """Whether the team took ``owner``'s work on ``doc_id`` from ``source`` (the same path, or a
        database whose journal continues the one recorded)."""
        origin = self._origin(owner, doc_id)
        return origin == source.path or source.continues(self.known[owner].get("sources", {}).get(origin, {}) if origin else {})

    def _origin(self, owner: str, doc_id: str) -> str | None:
        """The path of the database the team took ``owner``'s work on ``doc_id`` from, as recorded."""
        origin = self.known.get(owner, {}).get("documents", {}).get(doc_id)
        return origin if isinstance(origin, str) else None

    def _existing(self, owner: str, doc_id: str) -> dict[tuple[str, str], dict]:
        """The owner's records on a team document as the team database holds them."""
        if doc_id in self.new_documents:
            return {}
        if doc_id not in self.stored:
            by_owner: dict[str, dict[tuple[str, str], dict]] = {}
            for annotation in self.team.annotations(doc_id):
                by_owner.setdefault(annotation.annotator, {})[(ANNOTATIONS, annotation.id)] = annotation.to_record()
            for entity in self.team.entities(doc_id):
                by_owner.setdefault(entity.annotator, {})[(ENTITIES, entity.entity_id)] = entity.to_record()
            self.stored[doc_id] = by_owner
        return self.stored[doc_id].get(owner, {})

    def _take(self, source: _Source, work: Work, document: Document) -> None:
        key = (work.owner, work.doc_id)
        owner = display_text(work.owner)
        earlier = self.run_work.get(key)
        if earlier is not None:
            if earlier.records != work.records:
                raise MergeError(f"{self.given[earlier.source]} and {source.spec.path} both hold work by {owner} on {_named(document, work.doc_id)} "
                                 f"and it differs; name one of them: {owner}2={source.spec.path}")
            self._note_source(work, source)
            return
        self.run_work[key] = work
        existing = self._existing(work.owner, work.doc_id)
        if existing == work.records:
            self._count(work, "unchanged")
            self._note_source(work, source, origin_if_new=True)
            return
        if existing and not self._came_from(source, work.owner, work.doc_id):
            origin = self._origin(work.owner, work.doc_id)
            where = f"from {origin}" if origin else "from another database"
            raise MergeError(f"{source.spec.path}: the team already has different work by {owner} on {_named(document, work.doc_id)} "
                             f"{where}; name this file's annotator: {owner}2={source.spec.path}")
        changes = [Change(table, key, None) for table, key in existing if (table, key) not in work.records]
        changes += [Change(table, key, record) for (table, key), record in work.records.items() if existing.get((table, key)) != record]
        self.changes.setdefault(work.doc_id, []).append((work.owner, changes))
        self._count(work, "updated" if existing else "new")
        self._note_source(work, source, origin=True)

    def _count(self, work: Work, outcome: str) -> None:
        result = self.annotators.setdefault(work.owner, AnnotatorResult(work.owner))
        setattr(result, outcome, getattr(result, outcome) + 1)
        result.mentions += work.count(ANNOTATIONS, ENTITY)
        result.claims += work.count(ANNOTATIONS, CLAIM)
        result.notes += work.count(ANNOTATIONS) - work.count(ANNOTATIONS, ENTITY) - work.count(ANNOTATIONS, CLAIM)
        result.entities += work.count(ENTITIES)

    def _note_source(self, work: Work, source: _Source, origin: bool = False, origin_if_new: bool = False) -> None:
        """Record in the team record that ``work`` came from ``source`` (its journal's last entry)."""
        entry = self.record.setdefault(work.owner, {})
        entry.setdefault("sources", {})[source.path] = dict(source.last)
        documents = entry.setdefault("documents", {})
        if origin or origin_if_new and work.doc_id not in documents:
            documents[work.doc_id] = source.path
        result = self.annotators.setdefault(work.owner, AnnotatorResult(work.owner))
        if source.path not in result.sources:
            result.sources.append(source.path)

    def batch(self) -> list[Change]:
        """Every change of the merge with its journal entries (one per document and annotator)."""
        batch: list[Change] = []
        for doc_id, per_owner in self.changes.items():
            document = self.new_documents.get(doc_id)
            for owner, changes in per_owner:
                if document is not None:
                    changes = [Change(DOCUMENTS, doc_id, document_record(document)), *changes]
                    document = None
                if not changes:
                    continue
                before = [self.team.record(c.table, c.key) for c in changes]
                batch += changes
                batch.append(self.team.append_journal(MERGE_OP, changes, before, annotator=owner, doc_id=doc_id, undoable=False))
        if self.new_scheme is not None:
            batch.append(self.team.scheme_change(self.new_scheme))
        if self.record != self.known:
            batch.append(Change(META, TEAM_KEY, {"key": TEAM_KEY, "annotators": self.record}))
        return batch


def _named(document: Document, doc_id: str) -> str:
    """``document ID (its title)`` for a message, terminal-safe."""
    return f"document {doc_id} ({display_text(document.title) or 'untitled'})"


def _works(source: _Source, doc_id: str, annotations: list[Annotation], entities: list[Entity]) -> list[Work]:
    """Each owner's work on the team document ``doc_id``: their annotations and the entities
    these refer to, copied with derived ids and references rewritten."""
    by_id = {entity.entity_id: entity for entity in entities}
    works: dict[str, Work] = {}
    for annotation in annotations:
        owner = source.owner(annotation.annotator)
        if owner == CURATION:
            raise MergeError(f"{source.spec.path}: holds work signed {CURATION}, a team's adjudicated version; merge the annotators' own "
                             f"databases, or name this file's annotator: NAME={source.spec.path}")
        work = works.setdefault(owner, Work(owner, doc_id, source.path))
        attrs = plain_copy(annotation.attrs)
        for name in ("entity_id", "speaker"):
            entity = by_id.get(attrs.get(name))
            if entity is None:
                if name == "entity_id":
                    attrs.pop(name, None)  # names no entity of its database
                continue
            copy = {**entity.to_record(), "entity_id": derived_id("e", owner, entity.entity_id), "doc_id": doc_id, "annotator": owner}
            work.records[(ENTITIES, copy["entity_id"])] = copy
            attrs[name] = copy["entity_id"]
        copy = {**annotation.to_record(), "id": derived_id("a", owner, annotation.id), "doc_id": doc_id, "annotator": owner, "attrs": attrs}
        work.records[(ANNOTATIONS, copy["id"])] = copy
    return list(works.values())


def merge(team: Store, specs: list[SourceSpec]) -> MergeResult:
    """Merge the source databases ``specs`` into the open team store in one write (none when
    nothing changed). A refusal raises :class:`MergeError` (StoreError for a source that does
    not read) before anything is written."""
    run = _Merge(team)
    team_path = str(team.path)
    if not run.known and team.tables().get(ANNOTATIONS):
        raise MergeError(f"{team.path}: holds annotations and is no team database; merge into a new file, with this one among the sources")
    for spec in specs:
        if spec.path.is_file() and str(real_path(spec.path)) == team_path:
            raise MergeError(f"{spec.path}: is the team database itself; merge each annotator's own database into it")
        run.add(_read_source(spec))
    batch = run.batch()
    if batch:
        team.apply(batch)
    return MergeResult(run.annotators, run.sources, sorted(run.record), bool(batch))
