"""Adjudicating a document of a team database: where the annotators agree, where they do not,
and the lead's decisions, stored as the annotator ``curation``.

Agreed annotations (every annotator of the document made the same one) are copied into the
curation layer when the document is first opened for curation; the others are grouped into
disagreements, and taking a version copies it in as accepted and the other versions as
rejected, so the decision is stored and shown. No Textual here.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right, insort
from dataclasses import dataclass, replace

from tui.model.annotation import (
    ACCEPTED,
    CLAIM,
    CURATION,
    ENTITY,
    ORPHAN,
    REJECTED,
    Annotation,
    Entity,
    now_iso,
    plain_copy,
    same_speaker,
    speaker_identity,
)
from tui.model.claims import verdict_of
from tui.model.display import display_text
from tui.model.document import Document
from tui.model.span_index import SpanIndex
from tui.session.annotation_session import AnnotationSession
from tui.session.entities import Plan
from tui.session.team import derived_id
from tui.store.records import ANNOTATIONS, ENTITIES, Change
from tui.store.repository import Store
from tui.store.storage import collection_paused

SEED_OP = "curation-seed"
TAKE_OP = "curate"
BOTH = "both"
NEITHER = "neither"
EDITED = "edited"


def _signature(annotation: Annotation) -> tuple:
    """What two annotators' annotations must share to agree, apart from a claim's speaker."""
    if annotation.is_claim:
        attrs = annotation.attrs
        return (CLAIM, annotation.start, annotation.end, annotation.label, attrs.get("claim_type") or annotation.label,
                verdict_of(attrs))
    return (annotation.kind, annotation.start, annotation.end, annotation.label)


@dataclass(frozen=True)
class Version:
    """One annotator's say on a disagreement: their annotations in its range (``()``: none)."""

    annotator: str
    annotations: tuple[Annotation, ...]

    def describe(self, entities: dict[str, Entity]) -> str:
        """What they said, terminal-safe: 'PERSON “Jane Doe”', 'quote by Jane Doe · false', 'nothing'."""
        if not self.annotations:
            return "nothing"
        return display_text(", ".join(describe_annotation(a, entities) for a in self.annotations))


def describe_annotation(annotation: Annotation, entities: dict[str, Entity]) -> str:
    """One annotation in a few words: a mention's label and name; a claim's type, speaker and
    verdict (unverified too, as another annotator's may differ), then the speaker's knowledge-base
    id (which decides whether two speakers are the same; last, so a narrow list cuts it first)."""
    if annotation.is_claim:
        speaker = annotation.attrs.get("speaker") or ""
        entity = entities.get(speaker)
        verdict = verdict_of(annotation.attrs)
        parts = [annotation.attrs.get("claim_type") or annotation.label]
        if speaker:
            parts.append(f"by {speaker if entity is None else entity.name}")
        text = " ".join(parts) + f" · {verdict}"
        return text + (f" · {entity.kb_id}" if entity is not None and entity.kb_id else "")
    entity = entities.get(annotation.attrs.get("entity_id") or "")
    return f"{annotation.label} “{entity.name if entity is not None else annotation.quote.exact}”"


@dataclass(frozen=True)
class Disagreement:
    """Overlapping annotations of one kind that the annotators did not all make alike."""

    kind: str
    start: int
    end: int
    versions: tuple[Version, ...]  # one per annotator of the document, in annotator order

    @property
    def key(self) -> str:
        """A stable name for the disagreement (its kind and range)."""
        return f"{self.kind}:{self.start}:{self.end}"

    @property
    def id(self) -> str:
        """Its key, as a span index names what it holds."""
        return self.key

    def version(self, annotator: str) -> Version | None:
        """The version of ``annotator``, if they are an annotator of the document."""
        return next((v for v in self.versions if v.annotator == annotator), None)


class Curation:
    """A document of a team database being adjudicated: the annotators' work and the curation
    layer, as read when it is made; once a session of the layer follows it (:meth:`open_session`,
    :meth:`follow`), how each disagreement stands, kept up to date as actions change it."""

    # Reading a long document's work makes a million objects and no garbage: no collection walks them.
    @collection_paused()
    def __init__(self, store: Store, document: Document) -> None:
        self.store = store
        self.document = document
        stored = store.annotations(document.doc_id, len(document.text))
        entities = store.entities(document.doc_id)
        journal = store.journal(document.doc_id, len(document.text))
        self.entities: dict[str, Entity] = {e.entity_id: e for e in entities}
        # The curation layer as read, to seed and then hand to its session without reading it again.
        self.layer: dict[str, Annotation] = {a.id: a for a in stored if a.annotator == CURATION}
        self.layer_entities: dict[str, Entity] = {e.entity_id: e for e in entities if e.annotator == CURATION}
        self.layer_journal = [entry for entry in journal if entry.get("annotator") == CURATION]
        work = [a for a in stored if a.annotator not in ("", CURATION) and a.status == ACCEPTED]
        self.annotators: list[str] = sorted({a.annotator for a in work})
        placed = [a for a in work if a.kind in (ENTITY, CLAIM) and a.anchor != ORPHAN]
        # Each source's copy, by the source's id: derived, so copying the same one again replaces it.
        self.copy_ids = {a.id: derived_id("a", CURATION, a.id) for a in placed}
        self.agreed_groups: list[list[Annotation]] = []  # each agreed annotation, one per annotator
        self.disagreements: list[Disagreement] = []
        self._sort(placed)
        self.agreed = [group[0] for group in self.agreed_groups]  # one of each (the first annotator's)
        self.seed_ids = {self.copy_ids[a.id] for a in self.agreed}  # the curation's copies of them
        self.seeded, self.lead_edited = set[str](), set[str]()  # see _remember
        for entry in journal:
            self._remember(entry)
        self.places: SpanIndex[Disagreement] = SpanIndex(self.disagreements)
        self._starts = [d.start for d in self.disagreements]
        self._position = {d.key: n for n, d in enumerate(self.disagreements)}
        # How each disagreement stands in the followed session (None while open), the positions
        # of the open ones in text order, and a number bumped whenever one of them changes.
        self.session: AnnotationSession | None = None
        self.resolutions: dict[str, str | None] = {}
        self.open_positions: list[int] = []
        self.version = 0

    def _sort(self, placed: list[Annotation]) -> None:
        """Split the annotators' annotations into agreed ones and disagreements."""
        groups: dict[tuple, list[Annotation]] = {}
        for annotation in placed:
            groups.setdefault(_signature(annotation), []).append(annotation)
        agreed_ids: set[str] = set()
        for group in groups.values():
            for match in self._agreeing(group):
                self.agreed_groups.append(match)
                agreed_ids.update(a.id for a in match)
        disputed = [a for a in placed if a.id not in agreed_ids]
        for kind in (ENTITY, CLAIM):
            self.disagreements += self._clusters([a for a in disputed if a.kind == kind], kind)
        self.disagreements.sort(key=lambda d: (d.start, d.end, d.kind))
        self.agreed_groups.sort(key=lambda group: (group[0].start, -group[0].end, group[0].kind))

    def _agreeing(self, group: list[Annotation]) -> list[list[Annotation]]:
        """The annotations of one signature that every annotator made alike (one each, speakers
        compared), as lists in annotator order."""
        if not self.annotators or {a.annotator for a in group} != set(self.annotators):
            return []
        used: set[str] = set()
        found = []
        for candidate in (a for a in group if a.annotator == self.annotators[0]):
            match = [candidate]
            for annotator in self.annotators[1:]:
                other = next((a for a in group if a.annotator == annotator and a.id not in used and self._same(candidate, a)), None)
                if other is None:
                    break
                match.append(other)
            else:
                used.update(a.id for a in match)
                found.append(match)
        return found

    def _alike(self, a: Annotation, b: Annotation) -> bool:
        """Two annotators' annotations are the same one (as agreement counts it)."""
        return _signature(a) == _signature(b) and self._same(a, b)

    def _same(self, a: Annotation, b: Annotation) -> bool:
        """Two annotations of one signature name the same speaker: the same kb id when both
        speakers have one, else the same name."""
        return not a.is_claim or same_speaker(speaker_identity(a, self.entities), speaker_identity(b, self.entities))

    def _clusters(self, annotations: list[Annotation], kind: str) -> list[Disagreement]:
        """Annotations grouped by overlap (transitively), one disagreement per group."""
        clusters: list[list[Annotation]] = []
        end = -1
        for annotation in sorted(annotations, key=lambda a: (a.start, a.end)):
            if clusters and annotation.start < end:
                clusters[-1].append(annotation)
                end = max(end, annotation.end)
            else:
                clusters.append([annotation])
                end = annotation.end
        return [
            Disagreement(kind, min(a.start for a in group), max(a.end for a in group),
                         tuple(Version(name, tuple(a for a in group if a.annotator == name)) for name in self.annotators))
            for group in clusters
        ]

    def _remember(self, entry: dict) -> None:
        """Count a journal entry in the history: the curation's annotations ever seeded, and
        those the lead changed since they were last seeded or taken (their edit stands
        whatever the annotators do later)."""
        op = entry.get("op", "")
        decision = op.rpartition(":")[2] in (SEED_OP, TAKE_OP)
        for key in (item["key"] for item in entry.get("after") or [] if item.get("table") == ANNOTATIONS):
            if op == SEED_OP:
                self.seeded.add(key)
            if decision:
                self.lead_edited.discard(key)
            elif entry.get("annotator") == CURATION:
                self.lead_edited.add(key)

    def outdated(self, copy: Annotation, source: Annotation) -> bool:
        """``source`` changed after the curation's ``copy`` of it was made (newer work merged since
        the decision) and the lead has not edited the copy since, so the decision no longer stands."""
        return (source.updated or source.created) > copy.created and copy.id not in self.lead_edited

    # Seeding

    def seed_changes(self) -> list[Change]:
        """The curation copies of agreed annotations not made yet (nor ever seeded before: a copy
        the lead deleted stays deleted), with the curation entities they need; where a decision
        taken on them is outdated (the annotators have agreed since), the agreed copy replaces it."""
        layer = self.layer
        copier = _Copier(self, self.layer_entities)
        changes: list[Change] = []
        for first, *others in self.agreed_groups:
            copied = [(layer[self.copy_ids[a.id]], a) for a in (first, *others) if self.copy_ids[a.id] in layer]
            if any(self.outdated(copy, source) for copy, source in copied):
                changes += copier.copy(first, ACCEPTED) + copier.copy_all([source for _, source in copied if source is not first], REJECTED)
            elif self.copy_ids[first.id] not in self.seeded and self.copy_ids[first.id] not in layer:
                changes += copier.copy(first, ACCEPTED)
        return changes

    def open_session(self, reanchor_report=None) -> AnnotationSession:
        """Seed the curation layer with the agreed annotations (not undoable), then open and :meth:`follow` it."""
        changes = self.seed_changes()
        if changes:
            journaled = self.store.save_at_open(changes, SEED_OP, doc_id=self.document.doc_id)
            self._seeded(changes, journaled)
        session = AnnotationSession(self.store, self.document, CURATION, reanchor_report, layer=CURATION,
                                    records=(list(self.layer.values()), list(self.layer_entities.values()), self.layer_journal))
        self.follow(session)
        return session

    def _seeded(self, changes: list[Change], journaled: bool) -> None:
        """Take the seed's ``changes`` into the layer as read (and into the history, when
        ``journaled``), as reading the document again would."""
        for change in changes:
            if change.table == ANNOTATIONS:
                self.layer[change.key] = Annotation.from_record(change.record)
            elif change.table == ENTITIES:
                self.entities[change.key] = self.layer_entities[change.key] = Entity.from_record(change.record)
        if journaled:
            self._remember({"op": SEED_OP, "after": [{"table": c.table, "key": c.key} for c in changes]})

    # Decisions

    def take(self, session: AnnotationSession, d: Disagreement, chosen: list[str]) -> None:
        """Copy the ``chosen`` annotators' versions of ``d`` into the curation as accepted and the
        others' as rejected, as one undoable action (``[]``: neither; every annotator: both)."""
        unknown = [name for name in chosen if d.version(name) is None]
        if unknown:
            raise ValueError(f"not an annotator of this document: {', '.join(unknown)}")
        copier = _Copier(self, session.entities)
        changes: list[Change] = []
        kept: list[Annotation] = []
        for version in d.versions:
            for annotation in version.annotations:
                # what several chosen annotators made alike is kept once (the others' copies rejected)
                keep = version.annotator in chosen and not any(self._alike(annotation, other) for other in kept)
                if keep:
                    kept.append(annotation)
                changes += copier.copy(annotation, ACCEPTED if keep else REJECTED)
        changes += copier.unused_entities(session, changes)
        session.commit_plan(Plan(TAKE_OP, changes, [(d.start, d.end)]))

    def resolution(self, d: Disagreement, session: AnnotationSession) -> str | None:
        """How ``d`` was resolved: ``None`` while open; the annotators whose version was kept (one
        made alike by another counts as kept), joined by " + ", ``both`` (every annotator's
        version), ``neither`` (nothing kept, whoever's empty version was taken), or ``edited``
        (the lead made their own annotation there)."""
        copies = session.by_id
        sources = [(v, a, self.copy_ids[a.id]) for v in d.versions for a in v.annotations]
        if sources and all(copy_id in copies and not self.outdated(copies[copy_id], a) for _, a, copy_id in sources):
            kept = [a for _, a, copy_id in sources if copies[copy_id].status == ACCEPTED]
            if not kept:  # nothing kept: taking the version of someone who marked nothing is the same outcome
                return NEITHER
            taken = {a.id for _, a, _ in sources if any(self._alike(a, other) for other in kept)}
            chosen = [v.annotator for v in d.versions if v.annotations and {a.id for a in v.annotations} <= taken]
            if len(chosen) == len(d.versions) > 1:
                return BOTH
            return " + ".join(chosen) if chosen else EDITED
        decided = {copy_id for _, _, copy_id in sources}
        own = [a for a in session.index.overlapping(d.start, d.end)
               if a.kind == d.kind and a.id not in self.seed_ids and a.id not in decided and a.status != REJECTED]
        return EDITED if own else None

    # How the disagreements stand in the followed session

    def follow(self, session: AnnotationSession) -> None:
        """Keep how each disagreement stands in ``session`` (a session of the curation layer):
        all of them reckoned now, then those overlapping the ranges each action, undo or redo
        reports (:meth:`changed`, which the session calls first)."""
        self.resolutions, self.open_positions = self._state(session)
        self.session, session.curation = session, self
        self.version += 1

    def changed(self, ranges: list[tuple[int, int]]) -> None:
        """Reckon again the disagreements overlapping ``ranges`` (what an action changed): a
        resolution depends only on the annotations in its disagreement's range."""
        for start, end in ranges:
            for d in self.places.overlapping(start, end):
                resolution, previous = self.resolution(d, self.session), self.resolutions[d.key]
                if resolution == previous:
                    continue
                self.resolutions[d.key] = resolution
                self.version += 1
                if resolution is None:
                    insort(self.open_positions, self._position[d.key])
                elif previous is None:
                    del self.open_positions[bisect_left(self.open_positions, self._position[d.key])]

    def _state(self, session: AnnotationSession) -> tuple[dict[str, str | None], list[int]]:
        """How each disagreement stands in ``session`` and the positions of the open ones (kept
        for the followed session, reckoned for another)."""
        if session is self.session:
            return self.resolutions, self.open_positions
        resolutions = {d.key: self.resolution(d, session) for d in self.disagreements}
        return resolutions, [n for n, d in enumerate(self.disagreements) if resolutions[d.key] is None]

    def covering(self, offset: int) -> list[Disagreement]:
        """The disagreements covering ``offset``, in text order."""
        return sorted(self.places.at(offset), key=lambda d: self._position[d.key])

    def next_open(self, session: AnnotationSession, offset: int, step: int) -> Disagreement | None:
        """The open disagreement after ``offset`` (``step`` > 0) or before it (< 0), wrapping
        around; with ``step`` 0 the one covering ``offset``, else the next after it."""
        resolutions, open_positions = self._state(session)
        if not open_positions:
            return None
        disagreements = self.disagreements
        if step == 0:
            covering = next((d for d in self.covering(offset) if resolutions[d.key] is None), None)
            if covering is not None:
                return covering
            after = bisect_left(open_positions, bisect_left(self._starts, offset))
        elif step > 0:
            after = bisect_left(open_positions, bisect_right(self._starts, offset))
        else:
            before = bisect_left(open_positions, bisect_left(self._starts, offset)) - 1
            return disagreements[open_positions[before]]  # -1 (none before): the last one
        return disagreements[open_positions[after] if after < len(open_positions) else open_positions[0]]

    def progress(self, session: AnnotationSession) -> tuple[int, int]:
        """How many disagreements are resolved, of how many."""
        return len(self.disagreements) - len(self._state(session)[1]), len(self.disagreements)


class _Copier:
    """Makes the curation's copies of annotators' annotations, and the curation entities that
    accepted copies refer to (one of the same label, name and kb id, made when the curation has
    none: two people of one name stay two)."""

    def __init__(self, curation: Curation, layer_entities: dict[str, Entity]) -> None:
        self.curation = curation
        self.by_name: dict[tuple[str, str], list[Entity]] = {}
        for entity in layer_entities.values():
            self.remember(entity)
        self.stamp = now_iso()

    def copy_all(self, annotations: list[Annotation], status: str) -> list[Change]:
        changes: list[Change] = []
        for annotation in annotations:
            changes += self.copy(annotation, status)
        return changes

    def copy(self, source: Annotation, status: str) -> list[Change]:
        """The copy of ``source`` with ``status``: an accepted one names curation entities; a
        rejected one names none (its speaker as text), so a rejection adds no entity."""
        changes: list[Change] = []
        attrs = plain_copy(source.attrs)
        entities = self.curation.entities
        if source.is_entity and "entity_id" in attrs:
            entity = entities.get(attrs["entity_id"] or "")
            if status == ACCEPTED and entity is not None:
                attrs["entity_id"], changes = self.entity(entity)
            else:
                del attrs["entity_id"]
        if source.is_claim and attrs.get("speaker") in entities:
            speaker = entities[attrs["speaker"]]
            if status == ACCEPTED:
                attrs["speaker"], changes = self.entity(speaker)
            else:
                attrs["speaker"] = speaker.name
        copy = replace(source, id=self.curation.copy_ids[source.id], annotator=CURATION, status=status, attrs=attrs,
                       created=self.stamp, updated=self.stamp)
        return [*changes, Change(ANNOTATIONS, copy.id, copy.to_record())]

    def entity(self, source: Entity) -> tuple[str, list[Change]]:
        """The curation entity for ``source`` and the change making it, if it is new."""
        named = self.by_name.get((source.label, source.name.casefold()), [])
        found = next((e for e in named if e.kb_id == source.kb_id), None if source.kb_id else next(iter(named), None))
        if found is not None:
            return found.entity_id, []
        entity = Entity(source.doc_id, source.name, source.label, entity_id=derived_id("e", CURATION, source.entity_id),
                        aliases=list(source.aliases), kb_id=source.kb_id, annotator=CURATION)
        self.remember(entity)
        return entity.entity_id, [Change(ENTITIES, entity.entity_id, entity.to_record())]

    def remember(self, entity: Entity) -> None:
        """Let later copies find ``entity`` by its label and each of its names."""
        for name in (entity.name, *entity.aliases):
            self.by_name.setdefault((entity.label, name.casefold()), []).append(entity)

    def unused_entities(self, session: AnnotationSession, changes: list[Change]) -> list[Change]:
        """Deletions of curation entities that the changed copies named and nothing names any more
        (a decision changed from one version to another)."""
        records = {c.key: c.record for c in changes if c.table == ANNOTATIONS}
        named_before = set()
        for key in records:
            old = session.by_id.get(key)
            if old is not None:
                named_before |= {old.attrs.get("entity_id") or "", old.attrs.get("speaker") or ""}
        gone = []
        for entity_id in sorted(named_before & set(session.entities)):
            refs = set(session.annotations.refs.get(entity_id, ())) - set(records)
            named_now = any(r and entity_id in ((r.get("attrs") or {}).get("entity_id"), (r.get("attrs") or {}).get("speaker")) for r in records.values())
            if not refs and not named_now:
                gone.append(Change(ENTITIES, entity_id, None))
        return gone
