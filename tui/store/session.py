"""An open document with its annotations: the one place where annotation actions happen.

Each action becomes a list of record changes that is written to the store, with its journal
entry, in one atomic write before the in-memory state changes. Undo and redo replay the
same changes backwards and forwards. No Textual here: the app calls these methods from key
handlers and redraws the ranges they report.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from tui.model.annotation import ACCEPTED, CLAIM, ENTITY, REJECTED, SUGGESTED, Annotation, Entity, Quote, annotation_problems, entity_problems, now_iso
from tui.model.claims import claim_attrs, claim_problems
from tui.model.document import Document
from tui.model.labels import DEFAULT_SCHEME
from tui.model.mentions import find_mentions
from tui.model.span_index import SpanIndex
from tui.store.repository import ANNOTATIONS, ENTITIES, GAZETTEER, NOT_UNDOABLE_OPS, Change, Store, collection_paused
from tui.store.storage import StoreError, StoreSaveError

_POSSESSIVE = re.compile(r"[’']s$")

# A suggestion sharing this much of the longer span with an accepted annotation of its kind
# repeats it ("two days" in "just two days" shares too little, and stays).
NEAR_DUPLICATE = 0.8


def entity_name(text: str) -> str:
    """The name a mention's text refers to: without a possessive ending or outer spaces."""
    return _POSSESSIVE.sub("", " ".join(text.split()))


def aliases_with(entity: Entity, names: list[str]) -> list[str]:
    """``entity``'s aliases followed by those of ``names`` it does not already go by (ignoring case)."""
    known = {entity.name.lower(), *(alias.lower() for alias in entity.aliases)}
    aliases = list(entity.aliases)
    for name in names:
        if name.lower() not in known:
            known.add(name.lower())
            aliases.append(name)
    return aliases


@dataclass
class Action:
    """One user action as applied: the changes and what each record was before."""

    op: str
    changes: list[Change]
    before: list[dict | None]
    ranges: list[tuple[int, int]] = field(default_factory=list)


class AnnotationSession:
    """A document, its annotations and entities, kept in step with the store."""

    # Loading a book's annotations makes a million objects and no garbage: no collection walks
    # them on the way (the app freezes them once they are shown).
    @collection_paused()
    def __init__(self, store: Store, document: Document, annotator: str = "") -> None:
        """Load the document's annotations, entities and history from ``store``. A record of
        them outside the data model (a hand edit, another tool) raises StoreError naming it,
        before anything is shown or written; the user's corrections are checked here too, as
        the suggestions made from them become annotations."""
        self.store = store
        self.document = document
        self.annotator = annotator
        self.by_id: dict[str, Annotation] = {a.id: a for a in store.annotations(document.doc_id, len(document.text))}
        self.index: SpanIndex[Annotation] = SpanIndex([a for a in self.by_id.values() if a.visible])
        self.entities: dict[str, Entity] = {e.entity_id: e for e in store.entities(document.doc_id)}
        # Kept in step with by_id so that no action has to scan every annotation (a book has 100,000).
        self.counts: Counter[tuple[str, str]] = Counter()  # visible annotations by (kind, status)
        self._refs: dict[str, set[str]] = defaultdict(set)  # entity id -> annotations naming it
        self._mention_counts: Counter[str] = Counter()  # entity id -> visible mentions
        self._forms: dict[str, Counter[str]] = defaultdict(Counter)  # entity id -> its mentions' texts
        self._claim_order: list[tuple[int, int, str]] = []  # (start, end, id) of visible claims, sorted
        self._claim_id_order: list[str] = []  # their ids in the same order, copied whole for the list
        self._spans: Counter[tuple[str, int, int]] = Counter()  # (kind, start, end) of every annotation
        self._rejected: Counter[tuple[int, int, str]] = Counter()  # (start, end, label) rejected
        self._accepted_entities: Counter[tuple[int, int]] = Counter()  # (start, end) of accepted mentions
        self._orphan_ids: set[str] = set()  # annotations that could not be placed on this text
        self._speaker_claims: Counter[str] = Counter()  # entity id -> visible claims it speaks
        # Bumped whenever what the side panel lists changes, so it refills only the lists that did.
        self.versions: Counter[str] = Counter()  # "entities", "claims", "orphans"
        # For propagating a correction: every whole-word occurrence of a text (the text never
        # changes in a session, so they are found once), and those without an accepted mention.
        self._occurrences: dict[str, frozenset[tuple[int, int]]] = {}
        self._unaccepted: dict[str, set[tuple[int, int]]] = {}
        self._loading = True
        for annotation in self.by_id.values():
            self._track(annotation, 1)
        self._loading = False
        self._claim_order.sort()
        self._claim_id_order = [key for _, _, key in self._claim_order]
        self._undo: list[Action] = []
        self._redo: list[Action] = []
        # Saves the disk refused (full, permission denied), oldest first, kept for retry_pending().
        self._pending: list[list[Change]] = []
        self.save_error: str | None = None
        self._load_history()
        store.gazetteer()  # checked now: a malformed correction would become malformed suggestions
        self.on_change: Callable[[list[tuple[int, int]]], None] | None = None

    @property
    def text(self) -> str:
        """The document's text."""
        return self.document.text

    # In-memory state, changed only through these three methods.

    def _track(self, annotation: Annotation, step: int) -> None:
        """Count ``annotation`` in (step 1) or out of (step -1) the bookkeeping above."""
        self._spans[(annotation.kind, annotation.start, annotation.end)] += step
        if annotation.status == REJECTED:
            self._rejected[(annotation.start, annotation.end, annotation.label)] += step
        if annotation.anchor == "orphan":
            (self._orphan_ids.add if step > 0 else self._orphan_ids.discard)(annotation.id)
            self.versions["orphans"] += 1
        for key in ("entity_id", "speaker"):
            entity_id = annotation.attrs.get(key)
            if entity_id:
                (self._refs[entity_id].add if step > 0 else self._refs[entity_id].discard)(annotation.id)
        if annotation.visible:
            self.counts[(annotation.kind, annotation.status)] += step
            self.versions["claims" if annotation.is_claim else "entities"] += 1
            if annotation.is_entity and annotation.attrs.get("entity_id"):
                entity_id = annotation.attrs["entity_id"]
                self._mention_counts[entity_id] += step
                forms = self._forms[entity_id]
                form = " ".join(annotation.quote.exact.split())
                forms[form] += step
                if forms[form] <= 0:
                    del forms[form]
            if annotation.is_entity and annotation.status == ACCEPTED:
                span = (annotation.start, annotation.end)
                self._accepted_entities[span] += step
                unaccepted = self._unaccepted.get(annotation.quote.exact)
                if unaccepted is not None:
                    if self._accepted_entities[span] > 0:
                        unaccepted.discard(span)
                    elif span in self.occurrences(annotation.quote.exact):
                        unaccepted.add(span)
            if annotation.is_claim:
                place = (annotation.start, annotation.end, annotation.id)
                if step > 0 and self._loading:
                    self._claim_order.append(place)  # sorted once, when loading is done
                elif step > 0:
                    at = bisect_left(self._claim_order, place)
                    self._claim_order.insert(at, place)
                    self._claim_id_order.insert(at, annotation.id)
                else:
                    at = bisect_left(self._claim_order, place)
                    if at < len(self._claim_order) and self._claim_order[at] == place:
                        del self._claim_order[at]
                        del self._claim_id_order[at]
                if annotation.attrs.get("speaker"):
                    self._speaker_claims[annotation.attrs["speaker"]] += step

    def _put_annotation(self, annotation: Annotation) -> None:
        old = self.by_id.get(annotation.id)
        if old is not None:
            self._track(old, -1)
        self.by_id[annotation.id] = annotation
        self._track(annotation, 1)
        self.index.remove(annotation.id)
        if annotation.visible:
            self.index.add(annotation)

    def _apply_in_memory(self, change: Change) -> None:
        if change.table == ANNOTATIONS:
            if change.record is None:
                old = self.by_id.pop(change.key, None)
                if old is not None:
                    self._track(old, -1)
                self.index.remove(change.key)
            else:
                self._put_annotation(Annotation.from_record(change.record))
        elif change.table == ENTITIES:
            self.versions["entities"] += 1
            if self._speaker_claims[change.key] > 0:  # a speaker's name is shown with their claims
                self.versions["claims"] += 1
            if change.record is None:
                self.entities.pop(change.key, None)
            else:
                self.entities[change.key] = Entity.from_record(change.record)

    # Applying actions

    def _current(self, change: Change) -> dict | None:
        if change.table == ANNOTATIONS:
            annotation = self.by_id.get(change.key)
            return annotation.to_record() if annotation else None
        if change.table == ENTITIES:
            entity = self.entities.get(change.key)
            return entity.to_record() if entity else None
        return self.store.record(change.table, change.key)

    def _commit(self, op: str, changes: list[Change], ranges: list[tuple[int, int]]) -> Action:
        before = [self._current(change) for change in changes]
        action = Action(op, changes, before, ranges)
        self._write(op, changes, before)
        self._undo.append(action)
        self._redo.clear()
        self._notify(ranges)
        return action

    def _write(self, op: str, changes: list[Change], before: list[dict | None], undoable: bool = True) -> None:
        """Save ``changes`` with their journal entry in one write, then apply them in memory.

        A save the disk refuses is kept pending (in order, behind any earlier one) and the
        change is applied in memory anyway; :meth:`retry_pending` saves it later. A read-only
        store raises :class:`ReadOnlyStoreError` and nothing changes.
        """
        undoable = undoable and op not in NOT_UNDOABLE_OPS
        journal = self.store.append_journal(op, changes, before, self.annotator, doc_id=self.document.doc_id, undoable=undoable)
        batch = [*changes, journal]
        if self._pending:
            self._pending.append(batch)
            self.retry_pending()
        else:
            try:
                self.store.apply(batch)
            except StoreSaveError as error:
                self._pending.append(batch)
                self.save_error = str(error)
        for change in changes:
            self._apply_in_memory(change)

    @property
    def pending(self) -> int:
        """How many actions are applied on screen but not yet saved (after a failed save)."""
        return len(self._pending)

    def retry_pending(self) -> int:
        """Try again to save the pending actions, oldest first; returns how many are still unsaved.

        :attr:`save_error` holds the last refusal's one-line message, ``None`` once all are saved.
        """
        while self._pending:
            try:
                self.store.apply(self._pending[0])
            except StoreSaveError as error:
                self.save_error = str(error)
                break
            self._pending.pop(0)
        if not self._pending:
            self.save_error = None
        return len(self._pending)

    def _load_history(self) -> None:
        """Rebuild the undo and redo stacks of this document from the stored journal.

        Replays the journal's undoable actions, undos and redos in order, so undo works the
        same after quitting and reopening. A re-anchoring onto a new text starts afresh.
        """
        for entry in self.store.journal(self.document.doc_id, len(self.text)):
            op = entry["op"]
            if op == "reanchor":
                self._undo.clear()
                self._redo.clear()
            elif op.startswith("undo:"):
                if self._undo:
                    self._redo.append(self._undo.pop())
            elif op.startswith("redo:"):
                if self._redo:
                    self._undo.append(self._redo.pop())
            elif entry.get("undoable", op not in NOT_UNDOABLE_OPS):
                after = entry.get("after") or []
                changes = [Change(item["table"], item["key"], item["record"]) for item in after]
                before = [item["record"] for item in entry.get("before") or []]
                spans = [*zip(changes, before), *((c, c.record) for c in changes)]
                ranges = [(r["start"], r["end"]) for c, r in spans if c.table == ANNOTATIONS and r]
                self._undo.append(Action(op, changes, before, ranges))
                self._redo.clear()

    def _notify(self, ranges: list[tuple[int, int]]) -> None:
        if self.on_change is not None:
            self.on_change(ranges)

    def undo(self) -> Action | None:
        """Revert the last action; ``None`` when there is nothing to undo."""
        if not self._undo:
            return None
        action = self._undo.pop()
        inverse = [Change(c.table, c.key, b) for c, b in zip(action.changes, action.before)]
        self._write(f"undo:{action.op}", inverse, [c.record for c in action.changes])
        self._redo.append(action)
        self._notify(action.ranges)
        return action

    def redo(self) -> Action | None:
        """Apply again the last undone action; ``None`` when there is nothing to redo."""
        if not self._redo:
            return None
        action = self._redo.pop()
        self._write(f"redo:{action.op}", action.changes, action.before)
        self._undo.append(action)
        self._notify(action.ranges)
        return action

    @property
    def can_undo(self) -> bool:
        """True when an action can be undone."""
        return bool(self._undo)

    @property
    def can_redo(self) -> bool:
        """True when an undone action can be redone."""
        return bool(self._redo)

    # Queries

    def at(self, offset: int) -> list[Annotation]:
        """Visible annotations covering ``offset``, innermost first."""
        return self.index.at(offset)

    def visible(self) -> list[Annotation]:
        """Every visible annotation, in text order."""
        return list(self.index)

    def mentions_of(self, entity_id: str) -> list[Annotation]:
        """The visible mentions of an entity, in text order."""
        mentions = (self.by_id[i] for i in self._refs.get(entity_id, ()))
        return sorted((a for a in mentions if a.visible and a.is_entity and a.attrs.get("entity_id") == entity_id), key=lambda a: (a.start, a.end))

    def orphans(self) -> list[Annotation]:
        """Annotations that could not be placed on this version of the text, in their old order."""
        return sorted((self.by_id[i] for i in self._orphan_ids), key=lambda a: (a.start, a.end))

    def mention_count(self, entity_id: str) -> int:
        """How many visible mentions an entity has."""
        return self._mention_counts[entity_id]

    def mention_forms(self, entity_id: str) -> list[str]:
        """The different texts of an entity's visible mentions, in the order first seen."""
        return list(self._forms.get(entity_id, ()))

    def references(self, entity_id: str) -> list[Annotation]:
        """Every annotation naming an entity, as its mention or as a claim's speaker, any status."""
        return [self.by_id[i] for i in self._refs.get(entity_id, ())]

    def entity_groups(self) -> list[tuple[str, list[tuple[Entity, int]]]]:
        """Entities grouped by label, each with its mention count, most mentioned first."""
        groups: dict[str, list[tuple[Entity, int]]] = {}
        for entity_id, count in self._mention_counts.items():
            entity = self.entities.get(entity_id)
            if entity is not None and count > 0:
                groups.setdefault(entity.label, []).append((entity, count))
        order = {label.name: position for position, label in enumerate(DEFAULT_SCHEME)}
        return [
            (label, sorted(items, key=lambda item: (-item[1], item[0].name.lower())))
            for label, items in sorted(groups.items(), key=lambda group: (order.get(group[0], len(order)), group[0]))
        ]

    def entity_count(self) -> int:
        """How many entities have visible mentions."""
        return sum(1 for entity_id, count in self._mention_counts.items() if count > 0 and entity_id in self.entities)

    def claim_count(self) -> int:
        """How many claims are visible."""
        return len(self._claim_order)

    def orphan_count(self) -> int:
        """How many annotations could not be placed on this text."""
        return len(self._orphan_ids)

    def claim_ids(self) -> list[str]:
        """The ids of the visible claims in text order (cheaper than :meth:`claims` for 100,000)."""
        return list(self._claim_id_order)

    def claims(self) -> list[Annotation]:
        """Visible claims in text order."""
        by_id = self.by_id
        return [by_id[key] for _, _, key in self._claim_order]

    def speaker_name(self, claim: Annotation) -> str:
        """The display name of a claim's speaker (an entity's name, or the text as typed)."""
        speaker = claim.attrs.get("speaker") or ""
        entity = self.entities.get(speaker)
        return entity.name if entity else speaker

    # Actions

    def label_span(self, start: int, end: int, label: str) -> Annotation:
        """Label ``[start, end)`` as an entity: relabel (and accept) one already there, or add one."""
        existing = next((a for a in self.index.overlapping(start, end) if a.is_entity and (a.start, a.end) == (start, end)), None)
        text = self.text[start:end]
        entity, entity_change = self._entity_for(entity_name(text), label)
        changes = [] if entity_change is None else [entity_change]
        if existing is not None:
            annotation = replace(existing, label=label, status=ACCEPTED, updated=now_iso(), attrs={**existing.attrs, "entity_id": entity.entity_id})
            changes.append(Change(ANNOTATIONS, annotation.id, annotation.to_record()))
            changes += self._drop_entity_if_unused(existing, annotation)
            op = "relabel"
        else:
            annotation = Annotation.on_text(
                self.document.doc_id, self.text, ENTITY, label, start, end,
                annotator=self.annotator, attrs={"entity_id": entity.entity_id},
            )
            changes.append(Change(ANNOTATIONS, annotation.id, annotation.to_record()))
            op = "add"
        propagated = self._propagation(annotation, entity)
        changes += [Change(ANNOTATIONS, a.id, a.to_record()) for a in propagated]
        gazetteer_key = f"{label}\t{text}"
        changes.append(Change(GAZETTEER, gazetteer_key, {"key": gazetteer_key, "text": text, "label": label}))
        self._commit(op, changes, [(start, end), *((a.start, a.end) for a in propagated)])
        return self.by_id[annotation.id]

    def occurrences(self, text: str) -> frozenset[tuple[int, int]]:
        """Every whole-word ``[start, end)`` of ``text`` in the document, found once and kept.

        Safe to call from a worker thread to find them ahead of time (the document's text is
        immutable and the cache is filled by one assignment).
        """
        found = self._occurrences.get(text)
        if found is None:
            found = self._occurrences[text] = frozenset(find_mentions(self.text, text))
        return found

    def mention_texts(self) -> list[str]:
        """The texts of the entity mentions, most frequent first: what a correction is most
        likely to be about, so their occurrences are worth finding ahead of time."""
        totals: Counter[str] = Counter()
        for forms in self._forms.values():
            totals.update(forms)
        return [text for text, _ in totals.most_common()]

    def prepare_correction(self, text: str) -> None:
        """Do now what the first correction of ``text`` would otherwise do: find its occurrences
        and which of them have no accepted mention (in a long text, thousands)."""
        self._unaccepted_occurrences(text)

    def _unaccepted_occurrences(self, text: str) -> set[tuple[int, int]]:
        # Kept up to date by _track once made, so a correction in a long text skips the
        # thousands of mentions already accepted without looking at them.
        unaccepted = self._unaccepted.get(text)
        if unaccepted is None:
            accepted = self._accepted_entities
            unaccepted = self._unaccepted[text] = {span for span in self.occurrences(text) if accepted[span] <= 0}
        return unaccepted

    def _propagation(self, corrected: Annotation, entity: Entity) -> list[Annotation]:
        """Suggestions of the corrected label at every other unannotated mention of the same text."""
        suggestions = []
        for start, end in sorted(self._unaccepted_occurrences(corrected.quote.exact)):
            if (start, end) == (corrected.start, corrected.end):
                continue  # (the set holds no span with an accepted mention: _track keeps it so)
            overlapping = [a for a in self.index.overlapping(start, end) if a.is_entity]
            # A model suggestion on the very same span takes the user's label: the correction wins.
            if len(overlapping) == 1 and overlapping[0].status == SUGGESTED and (overlapping[0].start, overlapping[0].end) == (start, end) and overlapping[0].label != corrected.label:
                suggestions.append(replace(overlapping[0], label=corrected.label, updated=now_iso(), attrs={**overlapping[0].attrs, "entity_id": entity.entity_id}))
                continue
            if overlapping or self._was_rejected(start, end, corrected.label):
                continue
            suggestions.append(
                Annotation.on_text(
                    self.document.doc_id, self.text, ENTITY, corrected.label, start, end,
                    status=SUGGESTED, origin="user-correction", annotator=self.annotator,
                    attrs={"entity_id": entity.entity_id},
                )
            )
        return suggestions

    def _was_rejected(self, start: int, end: int, label: str) -> bool:
        return self._rejected[(start, end, label)] > 0

    def add_suggestions(self, annotations: list[Annotation], entities: list[Entity]) -> list[Annotation]:
        """Store model suggestions that are new: none where the same span and kind is already
        annotated, accepted or rejected. Not an undoable action (suggestions are not the user's).

        Suggestions made from a cached analysis that a hand edit spoiled are refused
        (StoreError), none stored: the database never holds a record it would refuse to open.
        """
        problems = [problem for a in annotations for problem in annotation_problems(a.to_record(), len(self.text))]
        problems += [problem for e in entities for problem in entity_problems(e.to_record())]
        if problems:
            field, reason = problems[0]
            raise StoreError(f"{self.store.path}: a suggestion's {field}: {reason}; this batch of suggestions was not stored")
        fresh = [a for a in annotations if self._spans[(a.kind, a.start, a.end)] <= 0 and not self._restates_accepted(a)]
        if not fresh:
            return []
        # A suggested entity the document already has under another id (same name or alias and
        # label) is that entity: its mentions join it instead of listing it twice.
        same = {}
        unknown = [entity for entity in entities if entity.entity_id not in self.entities]
        if unknown:
            by_name = self._entities_by_name()  # once per batch: a long article has thousands
            for entity in unknown:
                existing = by_name.get((entity.label, entity.name.lower()))
                if existing is not None:
                    same[entity.entity_id] = existing.entity_id
        if same:
            fresh = [replace(a, attrs={k: same.get(v, v) if k in ("entity_id", "speaker") else v for k, v in a.attrs.items()}) for a in fresh]
        used = {a.attrs.get("entity_id") for a in fresh} | {a.attrs.get("speaker") for a in fresh}
        new_entities = [e for e in entities if e.entity_id in used and e.entity_id not in self.entities]
        changes = [Change(ENTITIES, e.entity_id, e.to_record()) for e in new_entities]
        changes += [Change(ANNOTATIONS, a.id, a.to_record()) for a in fresh]
        self._write("suggest", changes, [None] * len(changes))
        self._notify([(a.start, a.end) for a in fresh])
        return fresh

    def _restates_accepted(self, suggestion: Annotation) -> bool:
        """Whether an accepted annotation of the same kind already covers nearly the same text:
        a quote with or without its marks, a sentence with or without its full stop. Such a
        suggestion would only list what the user has decided twice."""
        length = suggestion.end - suggestion.start
        for other in self.index.overlapping(suggestion.start, suggestion.end):
            if other.kind != suggestion.kind or other.status != ACCEPTED:
                continue
            overlap = min(other.end, suggestion.end) - max(other.start, suggestion.start)
            if overlap >= NEAR_DUPLICATE * max(length, other.end - other.start):
                return True
        return False

    def mark_claim(self, start: int, end: int, claim_type: str = "assertion", **attrs) -> Annotation:
        """Make ``[start, end)`` a claim of ``claim_type`` (an unverified one by default)."""
        existing = next((a for a in self.index.overlapping(start, end) if a.is_claim and (a.start, a.end) == (start, end)), None)
        if existing is not None:
            return existing
        marked = claim_attrs(start, end, claim_type, **attrs)
        self._check_claim_attrs(marked)
        annotation = Annotation.on_text(self.document.doc_id, self.text, CLAIM, claim_type, start, end, annotator=self.annotator, attrs=marked)
        self._commit("add", [Change(ANNOTATIONS, annotation.id, annotation.to_record())], [(start, end)])
        return self.by_id[annotation.id]

    def delete(self, annotation_id: str) -> Annotation | None:
        """Delete an annotation (a suggestion is rejected instead, so it is not suggested again)."""
        annotation = self.by_id.get(annotation_id)
        if annotation is None:
            return None
        if annotation.status == SUGGESTED:
            return self.set_status(annotation_id, REJECTED)
        changes = [Change(ANNOTATIONS, annotation.id, None), *self._drop_entity_if_unused(annotation, None)]
        self._commit("delete", changes, [(annotation.start, annotation.end)])
        return annotation

    def set_status(self, annotation_id: str, status: str) -> Annotation | None:
        """Accept or reject a suggestion."""
        annotation = self.by_id.get(annotation_id)
        if annotation is None or annotation.status == status:
            return annotation
        updated = replace(annotation, status=status, updated=now_iso(), annotator=self.annotator or annotation.annotator)
        self._commit(status, [Change(ANNOTATIONS, updated.id, updated.to_record())], [(annotation.start, annotation.end)])
        return self.by_id[annotation_id]

    def accept_all(self, label: str) -> int:
        """Accept every suggestion with ``label`` in one undoable action; returns how many."""
        suggestions = [a for a in self.index if a.status == SUGGESTED and a.label == label]
        if not suggestions:
            return 0
        stamp = now_iso()
        changes = [Change(ANNOTATIONS, a.id, replace(a, status=ACCEPTED, updated=stamp).to_record()) for a in suggestions]
        self._commit("accept-all", changes, [(a.start, a.end) for a in suggestions])
        return len(suggestions)

    # Entities

    def _entity_for(self, name: str, label: str) -> tuple[Entity, Change | None]:
        """The entity a mention named ``name`` refers to, and the change creating it if new."""
        wanted = name.lower()
        existing = self._existing_entity(name, label)
        if existing is not None:
            return existing, None
        if label == "PERSON":
            for entity in self.entities.values():
                if entity.label == label and entity.name.lower().split()[-1:] == [wanted]:
                    return entity, None
        entity = Entity(doc_id=self.document.doc_id, name=name, label=label)
        return entity, Change(ENTITIES, entity.entity_id, entity.to_record())

    def _existing_entity(self, name: str, label: str) -> Entity | None:
        """The document's entity with this label whose name or an alias is ``name`` (any case)."""
        return self._entities_by_name().get((label, name.lower()))

    def _entities_by_name(self) -> dict[tuple[str, str], Entity]:
        """The document's entities by label and lower-cased name or alias (the first one wins)."""
        found: dict[tuple[str, str], Entity] = {}
        for entity in self.entities.values():
            for name in (entity.name, *entity.aliases):
                found.setdefault((entity.label, name.lower()), entity)
        return found

    def _drop_entity_if_unused(self, old: Annotation, new: Annotation | None) -> list[Change]:
        """Delete the old mention's entity when no other mention refers to it any more."""
        entity_id = old.attrs.get("entity_id")
        if not old.is_entity or not entity_id or (new is not None and new.attrs.get("entity_id") == entity_id):
            return []
        refs = self._refs.get(entity_id, ())
        others = len(refs) - (old.id in refs)  # (not a set difference: an entity may have 14,000 mentions)
        return [] if others else [Change(ENTITIES, entity_id, None)]

    # Fact-checking edits: claims, notes and canonical entities.

    def update_claim(self, claim_id: str, **attrs) -> Annotation | None:
        """Change a claim's attributes in one undoable action and accept it (it has been reviewed).

        ``attrs`` may hold ``claim_type``, ``speaker`` (an entity id or text), ``cue``
        (``[start, end]`` or ``None``), ``content`` (``[[start, end], ...]``), ``verdict``,
        ``checkworthiness`` (0..1 or ``None``), ``note`` and ``evidence`` (URLs). The claim's
        span grows to cover its cue and content, and its quote follows. Raises ``ValueError``
        for a value outside the data model, before anything is saved.
        """
        claim = self.by_id.get(claim_id)
        if claim is None or not claim.is_claim:
            return None
        merged = {**claim.attrs, **attrs}
        self._check_claim_attrs(merged)
        spans = [tuple(span) for span in merged.get("content") or []]
        if merged.get("cue"):
            spans.append(tuple(merged["cue"]))
        start = min([claim.start, *(s for s, _ in spans)])
        end = max([claim.end, *(e for _, e in spans)])
        updated = replace(
            claim,
            label=merged.get("claim_type") or claim.label,
            start=start,
            end=end,
            quote=Quote.from_text(self.text, start, end),
            status=ACCEPTED,
            updated=now_iso(),
            annotator=self.annotator or claim.annotator,
            attrs=merged,
        )
        if (updated.label, updated.start, updated.end, updated.status, updated.attrs) == (claim.label, claim.start, claim.end, claim.status, claim.attrs):
            return claim
        self._commit("edit-claim", [Change(ANNOTATIONS, claim.id, updated.to_record())], [(claim.start, claim.end), (start, end)])
        return self.by_id[claim.id]

    def _check_claim_attrs(self, attrs: dict) -> None:
        """Raise ``ValueError`` (``name: reason``) when a claim attribute is outside the data model."""
        problems = claim_problems(attrs, len(self.text), offered=True)
        if problems:
            raise ValueError(": ".join(problems[0]))

    def set_note(self, annotation_id: str, note: str) -> Annotation | None:
        """Set (or with ``""`` clear) the note on any annotation, as one undoable action."""
        annotation = self.by_id.get(annotation_id)
        if annotation is None or annotation.attrs.get("note", "") == note:
            return annotation
        updated = replace(annotation, updated=now_iso(), attrs={**annotation.attrs, "note": note})
        self._commit("note", [Change(ANNOTATIONS, annotation.id, updated.to_record())], [(annotation.start, annotation.end)])
        return self.by_id[annotation.id]

    def update_entity(self, entity_id: str, *, name: str | None = None, label: str | None = None,
                      aliases: list[str] | None = None, kb_id: str | None = None) -> Entity | None:
        """Rename an entity, relabel it (and so every mention of it), set its aliases or its
        knowledge-base id (e.g. a Wikidata QID), all as one undoable action.

        Renamed to the name or an alias of another entity, it is merged into that one (see
        :meth:`_merge_entity`), which is returned.
        """
        entity = self.entities.get(entity_id)
        if entity is None:
            return None
        name = " ".join(name.split()) if name is not None else entity.name
        if not name:
            raise ValueError("an entity needs a name")
        aliases = entity.aliases if aliases is None else list(dict.fromkeys(a.strip() for a in aliases if a.strip() and a.strip() != name))
        kb_id = entity.kb_id if kb_id is None else kb_id.strip()
        problems = entity_problems({**entity.to_record(), "name": name, "label": label or entity.label, "aliases": aliases, "kb_id": kb_id})
        if problems:
            raise ValueError(": ".join(problems[0]))
        same_name = self.find_entity(name, other_than=entity_id)
        if same_name is not None and name.lower() != entity.name.lower():
            return self._merge_entity(entity, same_name, label if label != entity.label else None, aliases, kb_id)
        updated = replace(entity, name=name, label=label or entity.label, aliases=aliases, kb_id=kb_id)
        if updated == entity:
            return entity
        changes = [Change(ENTITIES, entity_id, updated.to_record())]
        mentions = [a for a in self.references(entity_id) if a.is_entity and a.attrs.get("entity_id") == entity_id]
        if updated.label != entity.label:
            stamp = now_iso()
            changes += [Change(ANNOTATIONS, a.id, replace(a, label=updated.label, updated=stamp).to_record()) for a in mentions]
        self._commit("edit-entity", changes, [(a.start, a.end) for a in mentions])
        return self.entities[entity_id]

    def merge_mention(self, annotation_id: str, entity_id: str) -> Annotation | None:
        """Make a mention refer to another entity (taking its label). Its text becomes an alias
        of that entity; an entity left without mentions is removed and its claims' speaker follows."""
        mention = self.by_id.get(annotation_id)
        target = self.entities.get(entity_id)
        if mention is None or not mention.is_entity or target is None or mention.attrs.get("entity_id") == entity_id:
            return mention
        old_id = mention.attrs.get("entity_id", "")
        moved = replace(mention, label=target.label, status=ACCEPTED, updated=now_iso(), attrs={**mention.attrs, "entity_id": entity_id})
        changes = [Change(ANNOTATIONS, mention.id, moved.to_record())]
        aliases = aliases_with(target, [entity_name(mention.quote.exact)])
        if aliases != target.aliases:
            changes.append(Change(ENTITIES, entity_id, replace(target, aliases=aliases).to_record()))
        ranges = [(mention.start, mention.end)]
        still_mentioned = any(a.id != mention.id and a.is_entity and a.attrs.get("entity_id") == old_id for a in self.references(old_id))
        if old_id in self.entities and not still_mentioned:
            self._retire_entity(old_id, entity_id, changes, ranges)
        self._commit("merge", changes, ranges)
        return self.by_id[mention.id]

    def _merge_entity(self, source: Entity, target: Entity, label: str | None, aliases: list[str], kb_id: str) -> Entity:
        """Merge ``source`` into ``target`` as one undoable action: its mentions and the claims it
        speaks move over, its name and ``aliases`` become the target's aliases, and it is removed.
        ``label``, when given, relabels the merged entity and every mention; a knowledge-base id
        the target lacks is taken from ``kb_id``. Two different ids are refused (ValueError)."""
        if kb_id and target.kb_id and kb_id != target.kb_id:
            raise ValueError(f"name: {target.name} is another entity ({target.kb_id}, this one is {kb_id}); clear one KB id to merge them")
        merged = replace(target, label=label or target.label, aliases=aliases_with(target, [source.name, *aliases]), kb_id=target.kb_id or kb_id)
        stamp = now_iso()
        changes = [Change(ENTITIES, target.entity_id, merged.to_record())]
        ranges = []
        for mention in [*self.references(source.entity_id), *self.references(target.entity_id)]:
            # Every mention of either, any status (a rejected one must not name a deleted entity).
            entity_id = mention.attrs.get("entity_id") if mention.is_entity else None
            if entity_id not in (source.entity_id, target.entity_id) or (entity_id == target.entity_id and mention.label == merged.label):
                continue
            moved = replace(mention, label=merged.label, updated=stamp, attrs={**mention.attrs, "entity_id": target.entity_id})
            changes.append(Change(ANNOTATIONS, mention.id, moved.to_record()))
            ranges.append((mention.start, mention.end))
        self._retire_entity(source.entity_id, target.entity_id, changes, ranges)
        self._commit("merge-entity", changes, ranges)
        return self.entities[target.entity_id]

    def _retire_entity(self, old_id: str, new_id: str, changes: list[Change], ranges: list[tuple[int, int]]) -> None:
        """Add to ``changes`` (and ``ranges``) what removes entity ``old_id``: the claims it
        speaks are given ``new_id`` as their speaker, and it is deleted."""
        for claim in self.references(old_id):
            if claim.is_claim and claim.attrs.get("speaker") == old_id:
                changes.append(Change(ANNOTATIONS, claim.id, replace(claim, attrs={**claim.attrs, "speaker": new_id}).to_record()))
                ranges.append((claim.start, claim.end))
        changes.append(Change(ENTITIES, old_id, None))

    def find_entity(self, name: str, other_than: str | None = None) -> Entity | None:
        """The entity whose name or an alias is ``name`` (ignoring case and spacing), if any;
        ``other_than`` leaves out one entity (the one being renamed)."""
        wanted = " ".join(name.split()).lower()
        for entity in self.entities.values():
            if entity.entity_id != other_than and wanted in {entity.name.lower(), *(alias.lower() for alias in entity.aliases)}:
                return entity
        return None
