"""An open document with its annotations: the one place where annotation actions happen.

Each action becomes a list of record changes (planned by the parts in this package) that is
written to the store, with its journal entry, in one atomic write before the in-memory index
changes. Undo and redo replay the same changes backwards and forwards. No Textual here: the
app calls these methods from key handlers and redraws the ranges they report.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

from tui.model.anchoring import ReanchorReport
from tui.model.annotation import ACCEPTED, CLAIM, ENTITY, REJECTED, SUGGESTED, Annotation, Entity, Quote
from tui.model.claims import check_claim, claim_attrs
from tui.model.document import Document
from tui.model.labels import suggestions_in_scheme
from tui.model.mentions import canonical_name
from tui.model.span_index import SpanIndex
from tui.session.entities import Plan, drop_if_unused, entity_for, plan_entity_edit, plan_mention_move, stamped
from tui.session.history import Action, History, SaveQueue
from tui.session.index import AnnotationIndex
from tui.session.propagation import Propagation, SpanView
from tui.session.review import plan_claim_review
from tui.session.shown import ShownAnnotations
from tui.session.suggestions import new_suggestions, suggestion_problems
from tui.store.records import ANNOTATIONS, NOT_UNDOABLE_OPS, Change
from tui.store.repository import Store
from tui.store.storage import StoreError, collection_paused


class AnnotationSession(ShownAnnotations):
    """A document, its annotations and entities, kept in step with the store."""

    # Loading a book's annotations makes a million objects and no garbage: no collection walks
    # them on the way (the app freezes them once they are shown).
    @collection_paused()
    def __init__(self, store: Store, document: Document, annotator: str = "", reanchor_report: ReanchorReport | None = None,
                 layer: str | None = None, records: tuple[list[Annotation], list[Entity], list[dict]] | None = None) -> None:
        """Load the document's annotations, entities and history from ``store``. A record of
        them outside the data model (a hand edit, another tool) raises StoreError naming it,
        before anything is shown or written; the user's corrections are checked here too, as
        the suggestions made from them become annotations. ``reanchor_report`` says how the
        document's annotations were moved onto a changed text when it was opened, if they were.

        With ``layer`` (an annotator of a team database, e.g. ``curation``) the session holds
        only that annotator's annotations and entities, and signs what it makes with that name;
        ``records``: its annotations, entities and journal entries already read (and checked).
        """
        self.store = store
        self.document = document
        self.layer = layer
        self.annotator = layer if layer is not None else annotator
        self.reanchor_report = reanchor_report
        self.scheme = store.scheme()
        annotations, entities, journal = records or (store.annotations(document.doc_id, len(document.text)),
                                                     store.entities(document.doc_id), store.journal(document.doc_id, len(document.text)))
        if layer is not None:
            annotations = [a for a in annotations if a.annotator == layer]
            entities = [e for e in entities if e.annotator == layer]
        self.annotations = AnnotationIndex(annotations, entities)
        self.history = History()
        self.history.replay(journal if layer is None else [entry for entry in journal if entry.get("annotator") == layer])
        self.saves = SaveQueue(store.apply)
        # The corrections (checked now: a malformed one would become malformed suggestions) and
        # the suggestions derived from them (propagation.py).
        self.propagation = Propagation(document.doc_id, document.text, self.annotations, store.gazetteer(), self.annotator, layer or "",
                                       self.scheme.entity_labels)
        self.spans = SpanView(self.annotations.index, self.propagation)
        self.on_change: Callable[[list[tuple[int, int]]], None] | None = None
        self.curation: Any = None  # the Curation of a team database's curation layer (curation.py): told of each change first

    @property
    def text(self) -> str:
        """The document's text."""
        return self.document.text

    @property
    def by_id(self) -> dict[str, Annotation]:
        """Every annotation of the document by id, whatever its status."""
        return self.annotations.by_id

    @property
    def index(self) -> SpanIndex[Annotation]:
        """The visible stored annotations by place (``spans``: with the derived suggestions)."""
        return self.annotations.index

    @property
    def entities(self) -> dict[str, Entity]:
        """The document's entities by id."""
        return self.annotations.entities

    @property
    def versions(self) -> Counter[str]:
        """Bumped whenever the "entities", "claims" or "orphans" lists change."""
        return self.annotations.versions

    # Saving

    def _commit(self, op: str, changes: list[Change], ranges: list[tuple[int, int]]) -> Action:
        before = [self.annotations.record(c.table, c.key) if self.annotations.holds(c.table) else self.store.record(c.table, c.key) for c in changes]
        action = Action(op, changes, before, ranges)
        self._write(op, changes, before)
        self.history.done(action)
        self._notify(ranges)
        return action

    def _write(self, op: str, changes: list[Change], before: list[dict | None], durable: bool = True) -> None:
        """Save ``changes`` with their journal entry in one write, then apply them in memory.

        A save the disk refuses is kept pending (in order, behind any earlier one) and the
        change is applied in memory anyway; :meth:`retry_pending` saves it later. A read-only
        store raises :class:`ReadOnlyStoreError` and nothing changes. Not ``durable``: saved
        without waiting for the disk (what the model can suggest again).
        """
        undoable = op not in NOT_UNDOABLE_OPS
        journal = self.store.append_journal(op, changes, before, self.annotator, doc_id=self.document.doc_id, undoable=undoable)
        self.saves.save([*changes, journal], durable)
        self.annotations.apply_all(changes)
        for change in changes:
            self.propagation.apply(change)

    def commit_plan(self, plan: Plan) -> None:
        """Save a plan made outside the session (e.g. a curation decision) as one undoable action."""
        if plan.changes:
            self._commit(plan.op, plan.changes, plan.ranges)

    @property
    def pending(self) -> int:
        """How many actions are applied on screen but not yet saved (after a failed save)."""
        return len(self.saves)

    @property
    def save_error(self) -> str | None:
        """The last refused save's one-line message; ``None`` once every action is saved."""
        return self.saves.error

    def retry_pending(self) -> int:
        """Try again to save the pending actions, oldest first; returns how many are still unsaved."""
        return self.saves.retry()

    def _notify(self, ranges: list[tuple[int, int]]) -> None:
        if self.curation is not None:
            self.curation.changed(ranges)
        if self.on_change is not None:
            self.on_change(ranges)

    def undo(self) -> Action | None:
        """Revert the last action; ``None`` when there is nothing to undo."""
        action = self.history.next_undo()
        if action is None:
            return None
        self._write(f"undo:{action.op}", action.inverse(), [c.record for c in action.changes])
        self.history.undone()
        self._notify(action.ranges)
        return action

    def redo(self) -> Action | None:
        """Apply again the last undone action; ``None`` when there is nothing to redo."""
        action = self.history.next_redo()
        if action is None:
            return None
        self._write(f"redo:{action.op}", action.changes, action.before)
        self.history.redone()
        self._notify(action.ranges)
        return action

    @property
    def can_undo(self) -> bool:
        """True when an action can be undone."""
        return self.history.can_undo

    @property
    def can_redo(self) -> bool:
        """True when an undone action can be redone."""
        return self.history.can_redo

    # Queries (see AnnotationIndex)

    def orphans(self) -> list[Annotation]:
        """Annotations that could not be placed on this version of the text, in their old order."""
        return self.annotations.orphans()

    def mention_forms(self, entity_id: str) -> list[str]:
        """The different texts of an entity's visible mentions, in the order first seen."""
        return self.annotations.mention_forms(entity_id)

    def references(self, entity_id: str) -> list[Annotation]:
        """Every annotation naming an entity, as its mention or as a claim's speaker, any status."""
        return self.annotations.references(entity_id)

    def entity_count(self) -> int:
        """How many entities have visible mentions."""
        return self.annotations.entity_count()

    def claim_count(self) -> int:
        """How many claims are visible."""
        return self.annotations.claim_count()

    def orphan_count(self) -> int:
        """How many annotations could not be placed on this text."""
        return self.annotations.orphan_count()

    def claim_ids(self) -> list[str]:
        """The ids of the visible claims in text order (cheaper than :meth:`claims` for 100,000)."""
        return self.annotations.claim_ids()

    def claims(self) -> list[Annotation]:
        """Visible claims in text order."""
        return self.annotations.claims()

    def speaker_name(self, claim: Annotation) -> str:
        """The display name of a claim's speaker (an entity's name, or the text as typed)."""
        return self.annotations.speaker_name(claim)

    def editable_at(self, offset: int) -> list[Annotation]:
        """What an editor can open at ``offset``, innermost first: the claims and the mentions of
        known entities there (a name, then the claim quoting it)."""
        return [a for a in self.at(offset) if a.is_claim or (a.is_entity and (a.attrs.get("entity_id") or "") in self.entities)]

    def claim_over(self, start: int, end: int, offset: int) -> Annotation | None:
        """The claim a new claim on ``[start, end)`` would duplicate: the innermost one under
        ``offset``, else the first one overlapping the range; ``None`` when there is none."""
        claims = sorted((a for a in self.index.overlapping(start, end) if a.is_claim), key=lambda a: (a.start, a.end))
        under = [a for a in claims if a.start <= offset < a.end]
        return min(under, key=lambda a: a.end - a.start) if under else next(iter(claims), None)

    def find_entity(self, name: str, other_than: str | None = None) -> Entity | None:
        """The entity whose name or an alias is ``name`` by the one naming rule (see
        :meth:`AnnotationIndex.find_entity`), if any; ``other_than`` leaves out one entity."""
        return self.annotations.find_entity(name, other_than)

    # Actions

    def label_span(self, start: int, end: int, label: str) -> Annotation:
        """Label ``[start, end)`` as an entity: relabel (and accept) one already there, or add
        one. The label is remembered for the text (a correction), which suggests it at the other
        occurrences of the text (derived, not stored: see propagation.py)."""
        existing = self.annotations.on_span(ENTITY, start, end)
        text = self.text[start:end]
        entity, entity_change = entity_for(self.annotations, canonical_name(text), label, self.document.doc_id, self.layer or "")
        changes = [] if entity_change is None else [entity_change]
        if existing is not None:
            annotation = stamped(existing, self.annotator, label=label, status=ACCEPTED, attrs={**existing.attrs, "entity_id": entity.entity_id})
            changes.append(Change(ANNOTATIONS, annotation.id, annotation.to_record()))
            changes += drop_if_unused(self.annotations, existing, annotation)
            op = "relabel"
        else:
            annotation = Annotation.on_text(
                self.document.doc_id, self.text, ENTITY, label, start, end,
                annotator=self.annotator, attrs={"entity_id": entity.entity_id},
            )
            changes.append(Change(ANNOTATIONS, annotation.id, annotation.to_record()))
            op = "add"
        changes += self.propagation.corrections.changes(text, label)
        self._commit(op, changes, [(start, end)])
        return self.by_id[annotation.id]

    def add_suggestions(self, annotations: list[Annotation], entities: list[Entity]) -> list[Annotation]:
        """Store model suggestions that are new: none where the same span and kind is already
        annotated, accepted or rejected, each with the label the database's scheme gives the
        model's (none when it hides it), and none a correction suggests already (derived: see
        propagation.py). Not an undoable action (suggestions are not the user's).

        Suggestions made from a cached analysis that a hand edit spoiled are refused
        (StoreError), none stored: the database never holds a record it would refuse to open.
        """
        annotations, entities = suggestions_in_scheme(annotations, entities, self.scheme)
        problems = suggestion_problems(annotations, entities, len(self.text))
        if problems:
            field, reason = problems[0]
            raise StoreError(f"{self.store.path}: a suggestion's {field}: {reason}; this batch of suggestions was not stored")
        corrected = self.propagation.corrections.labels
        annotations = [a for a in annotations if not (a.is_entity and corrected.get(a.quote.exact) == a.label)]
        fresh, changes = new_suggestions(self.annotations, annotations, entities)
        if not fresh:
            return []
        # Not durable: the model makes them again, and the app's thread need not wait for the disk.
        self._write("suggest", changes, [None] * len(changes), durable=False)
        self._notify([(a.start, a.end) for a in fresh])
        return fresh

    def mark_claim(self, start: int, end: int, claim_type: str = "assertion", **attrs) -> Annotation:
        """Make ``[start, end)`` a claim of ``claim_type`` (an unverified one by default)."""
        existing = self.annotations.on_span(CLAIM, start, end)
        if existing is not None:
            return existing
        marked = claim_attrs(start, end, claim_type, **attrs)
        check_claim(marked, len(self.text), self.scheme)
        annotation = Annotation.on_text(self.document.doc_id, self.text, CLAIM, claim_type, start, end, annotator=self.annotator, attrs=marked)
        self._commit("add", [Change(ANNOTATIONS, annotation.id, annotation.to_record())], [(start, end)])
        return self.by_id[annotation.id]

    def delete(self, annotation_id: str) -> Annotation | None:
        """Delete an annotation (a suggestion is rejected instead, so it is not suggested again)."""
        annotation = self.annotation(annotation_id)
        if annotation is None:
            return None
        if annotation.status == SUGGESTED:
            return self.set_status(annotation_id, REJECTED)
        changes = [Change(ANNOTATIONS, annotation.id, None), *drop_if_unused(self.annotations, annotation, None)]
        self._commit("delete", changes, [(annotation.start, annotation.end)])
        return annotation

    def review_claim(self, claim_id: str, verdict: str | None = None) -> Annotation | None:
        """Accept a claim as the model gave it, with ``verdict`` if given, and a suggested claim's
        speaker mention with it, as one undoable action (see :mod:`tui.session.review`)."""
        claim = self.by_id.get(claim_id)
        if claim is None or not claim.is_claim:
            return None
        self.commit_plan(plan_claim_review(self.annotations, claim, verdict, self.annotator, len(self.text), self.scheme))
        return self.by_id[claim_id]

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
        check_claim(merged, len(self.text), self.scheme, changed={k for k, v in attrs.items() if claim.attrs.get(k) != v})
        spans = [tuple(span) for span in merged.get("content") or []]
        if merged.get("cue"):
            spans.append(tuple(merged["cue"]))
        start = min([claim.start, *(s for s, _ in spans)])
        end = max([claim.end, *(e for _, e in spans)])
        updated = stamped(
            claim, self.annotator, label=merged.get("claim_type") or claim.label, start=start, end=end,
            quote=Quote.from_text(self.text, start, end), status=ACCEPTED, attrs=merged,
        )
        if (updated.label, updated.start, updated.end, updated.status, updated.attrs) == (claim.label, claim.start, claim.end, claim.status, claim.attrs):
            return claim
        self._commit("edit-claim", [Change(ANNOTATIONS, claim.id, updated.to_record())], [(claim.start, claim.end), (start, end)])
        return self.by_id[claim.id]

    def set_note(self, annotation_id: str, note: str) -> Annotation | None:
        """Set (or with ``""`` clear) the note on any annotation, as one undoable action."""
        annotation = self.by_id.get(annotation_id)
        if annotation is None or annotation.attrs.get("note", "") == note:
            return annotation
        updated = stamped(annotation, self.annotator, attrs={**annotation.attrs, "note": note})
        self._commit("note", [Change(ANNOTATIONS, annotation.id, updated.to_record())], [(annotation.start, annotation.end)])
        return self.by_id[annotation.id]

    def update_entity(self, entity_id: str, *, name: str | None = None, label: str | None = None,
                      aliases: list[str] | None = None, kb_id: str | None = None) -> Entity | None:
        """Rename an entity, relabel it (and so every mention of it), set its aliases or its
        knowledge-base id (e.g. a Wikidata QID), all as one undoable action.

        Renamed to the name or an alias of another entity, it is merged into that one (see
        :func:`~tui.session.entities.plan_merge`), which is returned.
        """
        entity = self.entities.get(entity_id)
        if entity is None:
            return None
        plan = plan_entity_edit(self.annotations, entity, name, label, aliases, kb_id, self.annotator)
        if plan.op == "edit-entity" and label and label != entity.label:  # its corrections follow
            plan.extend(self.propagation.relabel(entity, label))
        self.commit_plan(plan)
        return self.entities[plan.entity_id]

    def mentions_like(self, mention: Annotation) -> list[Annotation]:
        """The visible entity mentions whose text is ``mention``'s, itself included, in text order."""
        found = {mention.id: mention}
        for start, end in self.propagation.corrections.occurrences(mention.quote.exact):
            other = self.annotations.on_span(ENTITY, start, end)
            if other is not None:
                found[other.id] = other
        return sorted(found.values(), key=lambda a: (a.start, a.end))

    def merge_mention(self, annotation_id: str, entity_id: str, same_text: bool = False) -> Annotation | None:
        """Make a mention refer to another entity (taking its label) and, with ``same_text``,
        every mention with the same text too, as one undoable action. Their text becomes an
        alias of that entity; an entity left without mentions is removed and its claims' speaker
        follows."""
        mention = self.by_id.get(annotation_id)
        target = self.entities.get(entity_id)
        if mention is None or not mention.is_entity or target is None:
            return mention
        chosen = self.mentions_like(mention) if same_text else [mention]
        moving = [a for a in chosen if a.attrs.get("entity_id") != entity_id]
        if moving:
            self.commit_plan(plan_mention_move(self.annotations, moving, target, self.annotator))
        return self.by_id[mention.id]
