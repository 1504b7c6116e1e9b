"""The annotations and entities of one open document, kept indexed for the queries the screen asks.

Every change goes through :meth:`AnnotationIndex.apply`, which keeps the counts and lookups in
step, so no query has to scan every annotation (a book has 100,000). Plain records in, plain
answers out: no store, no journal.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Iterable
from contextlib import ExitStack

from tui.model.annotation import KINDS, REJECTED, SUGGESTED, Annotation, Entity
from tui.model.labels import DEFAULT_SCHEME, Scheme
from tui.model.mentions import canonical_name
from tui.model.span_index import SpanIndex
from tui.store.records import ANNOTATIONS, ENTITIES, Change

# From this many changes at once the span indexes are rebuilt in one pass (a millisecond or two at
# 100,000 spans) instead of taking each change alone (a fraction of a ms each).
BULK_CHANGES = 16


class AnnotationIndex:
    """A document's annotations by id and by place, its entities, and counts kept up to date."""

    def __init__(self, annotations: Iterable[Annotation], entities: Iterable[Entity]) -> None:
        self.by_id: dict[str, Annotation] = {a.id: a for a in annotations}
        self.index: SpanIndex[Annotation] = SpanIndex([a for a in self.by_id.values() if a.visible])
        # The visible suggestions of each kind by place, so the next one to review is found
        # without walking the accepted annotations between (see tui/session/review.py).
        suggested: dict[str, list[Annotation]] = {kind: [] for kind in KINDS}
        for annotation in self.by_id.values():
            if annotation.status == SUGGESTED and annotation.visible:
                suggested[annotation.kind].append(annotation)
        self.suggested: dict[str, SpanIndex[Annotation]] = {kind: SpanIndex(found) for kind, found in suggested.items()}
        self.entities: dict[str, Entity] = {e.entity_id: e for e in entities}
        self._by_name: dict[tuple[str, str], Entity] | None = None  # see entities_by_name
        self.counts: Counter[tuple[str, str]] = Counter()  # visible annotations by (kind, status)
        self.refs: dict[str, set[str]] = defaultdict(set)  # entity id -> annotations naming it
        self.mention_counts: Counter[str] = Counter()  # entity id -> visible mentions
        self.forms: dict[str, Counter[str]] = defaultdict(Counter)  # entity id -> its mentions' texts
        self._claim_order: list[tuple[int, int, str]] = []  # (start, end, id) of visible claims, sorted
        self._claim_id_order: list[str] = []  # their ids in the same order, copied whole for the list
        self.spans: Counter[tuple[str, int, int]] = Counter()  # (kind, start, end) of every annotation
        self.rejected: Counter[tuple[int, int, str]] = Counter()  # (start, end, label) rejected
        self._orphan_ids: set[str] = set()  # annotations that could not be placed on this text
        self._speaker_claims: Counter[str] = Counter()  # entity id -> visible claims it speaks
        # Bumped whenever what the side panel lists changes, so it refills only the lists that did.
        self.versions: Counter[str] = Counter()  # "entities", "claims", "orphans"
        self._loading = True
        for annotation in self.by_id.values():
            self._track(annotation, 1)
        self._loading = False
        self._claim_order.sort()
        self._claim_id_order = [key for _, _, key in self._claim_order]

    def _track(self, annotation: Annotation, step: int) -> None:
        """Count ``annotation`` in (step 1) or out of (step -1) the bookkeeping above."""
        self.spans[(annotation.kind, annotation.start, annotation.end)] += step
        if annotation.status == REJECTED:
            self.rejected[(annotation.start, annotation.end, annotation.label)] += step
        if annotation.anchor == "orphan":
            (self._orphan_ids.add if step > 0 else self._orphan_ids.discard)(annotation.id)
            self.versions["orphans"] += 1
        for key in ("entity_id", "speaker"):
            entity_id = annotation.attrs.get(key)
            if entity_id:
                (self.refs[entity_id].add if step > 0 else self.refs[entity_id].discard)(annotation.id)
        if not annotation.visible:
            return
        self.counts[(annotation.kind, annotation.status)] += step
        self.versions["claims" if annotation.is_claim else "entities"] += 1
        if annotation.is_entity and annotation.attrs.get("entity_id"):
            entity_id = annotation.attrs["entity_id"]
            self.mention_counts[entity_id] += step
            forms = self.forms[entity_id]
            form = " ".join(annotation.quote.exact.split())
            forms[form] += step
            if forms[form] <= 0:
                del forms[form]
        if annotation.is_claim:
            self._track_claim(annotation, step)

    def _track_claim(self, claim: Annotation, step: int) -> None:
        place = (claim.start, claim.end, claim.id)
        if step > 0 and self._loading:
            self._claim_order.append(place)  # sorted once, when loading is done
        elif step > 0:
            at = bisect_left(self._claim_order, place)
            self._claim_order.insert(at, place)
            self._claim_id_order.insert(at, claim.id)
        else:
            at = bisect_left(self._claim_order, place)
            if at < len(self._claim_order) and self._claim_order[at] == place:
                del self._claim_order[at]
                del self._claim_id_order[at]
        if claim.attrs.get("speaker"):
            self._speaker_claims[claim.attrs["speaker"]] += step

    # Changing: the only way in.

    def apply_all(self, changes: list[Change]) -> None:
        """Apply ``changes`` in order; many of them (an accept-all, its undo) are merged into the
        span indexes at once (see SpanIndex.deferred), not shifted in one by one."""
        with ExitStack() as deferring:
            if len(changes) >= BULK_CHANGES:
                for index in (self.index, *self.suggested.values()):
                    deferring.enter_context(index.deferred())
            for change in changes:
                self.apply(change)

    def apply(self, change: Change) -> None:
        """Set or delete the annotation or entity ``change`` names (other tables are not held here)."""
        if change.table == ANNOTATIONS:
            if change.record is None:
                old = self.by_id.pop(change.key, None)
                if old is not None:
                    self._track(old, -1)
                    self.suggested[old.kind].remove(change.key)
                self.index.remove(change.key)
            else:
                self._put(Annotation.from_record(change.record))
        elif change.table == ENTITIES:
            self.versions["entities"] += 1
            self._by_name = None
            if self._speaker_claims[change.key] > 0:  # a speaker's name is shown with their claims
                self.versions["claims"] += 1
            if change.record is None:
                self.entities.pop(change.key, None)
            else:
                self.entities[change.key] = Entity.from_record(change.record)

    def _put(self, annotation: Annotation) -> None:
        old = self.by_id.get(annotation.id)
        if old is not None:
            self._track(old, -1)
            self.suggested[old.kind].remove(old.id)
        self.by_id[annotation.id] = annotation
        self._track(annotation, 1)
        self.index.remove(annotation.id)
        if annotation.visible:
            self.index.add(annotation)
            if annotation.status == SUGGESTED:
                self.suggested[annotation.kind].add(annotation)

    def holds(self, table: str) -> bool:
        """Whether records of ``table`` are held here (and :meth:`record` answers for them)."""
        return table in (ANNOTATIONS, ENTITIES)

    def record(self, table: str, key: str) -> dict | None:
        """The record of the annotation or entity ``key`` as it is now, ``None`` when there is none."""
        if table == ANNOTATIONS:
            annotation = self.by_id.get(key)
            return annotation.to_record() if annotation else None
        entity = self.entities.get(key)
        return entity.to_record() if entity else None

    # Queries

    def at(self, offset: int) -> list[Annotation]:
        """Visible annotations covering ``offset``, innermost first."""
        return self.index.at(offset)

    def visible(self) -> list[Annotation]:
        """Every visible annotation, in text order."""
        return list(self.index)

    def on_span(self, kind: str, start: int, end: int) -> Annotation | None:
        """The visible annotation of ``kind`` on exactly ``[start, end)``, if any."""
        return next((a for a in self.index.overlapping(start, end) if a.kind == kind and (a.start, a.end) == (start, end)), None)

    def mentions_of(self, entity_id: str) -> list[Annotation]:
        """The visible mentions of an entity, in text order."""
        mentions = (self.by_id[i] for i in self.refs.get(entity_id, ()))
        return sorted((a for a in mentions if a.visible and a.is_entity and a.attrs.get("entity_id") == entity_id), key=lambda a: (a.start, a.end))

    def orphans(self) -> list[Annotation]:
        """Annotations that could not be placed on this version of the text, in their old order."""
        return sorted((self.by_id[i] for i in self._orphan_ids), key=lambda a: (a.start, a.end))

    def mention_count(self, entity_id: str) -> int:
        """How many visible mentions an entity has."""
        return self.mention_counts[entity_id]

    def mention_forms(self, entity_id: str) -> list[str]:
        """The different texts of an entity's visible mentions, in the order first seen."""
        return list(self.forms.get(entity_id, ()))

    def references(self, entity_id: str) -> list[Annotation]:
        """Every annotation naming an entity, as its mention or as a claim's speaker, any status."""
        return [self.by_id[i] for i in self.refs.get(entity_id, ())]

    def entity_groups(self, scheme: Scheme = DEFAULT_SCHEME, more: Counter[str] | None = None) -> list[tuple[str, list[tuple[Entity, int]]]]:
        """Entities grouped by label in ``scheme``'s order (then labels outside it, by name),
        each with its mention count (and the mentions ``more`` counts of it), most mentioned first."""
        groups: dict[str, list[tuple[Entity, int]]] = {}
        for entity_id, count in (self.mention_counts + more if more else self.mention_counts).items():
            entity = self.entities.get(entity_id)
            if entity is not None and count > 0:
                groups.setdefault(entity.label, []).append((entity, count))
        order = {label.name: position for position, label in enumerate(scheme.labels)}
        return [
            (label, sorted(items, key=lambda item: (-item[1], item[0].name.lower())))
            for label, items in sorted(groups.items(), key=lambda group: (order.get(group[0], len(order)), group[0]))
        ]

    def entity_count(self) -> int:
        """How many entities have visible mentions."""
        return sum(1 for entity_id, count in self.mention_counts.items() if count > 0 and entity_id in self.entities)

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

    def entities_by_name(self) -> dict[tuple[str, str], Entity]:
        """The entities by label and lower-cased name or alias (the first one wins); made once
        until an entity changes (the derived suggestions ask it for each corrected text)."""
        if self._by_name is None:
            found: dict[tuple[str, str], Entity] = {}
            for entity in self.entities.values():
                for name in (entity.name, *entity.aliases):
                    found.setdefault((entity.label, name.lower()), entity)
            self._by_name = found
        return self._by_name

    def find_entity(self, name: str, other_than: str | None = None) -> Entity | None:
        """The entity whose name or an alias is ``name`` by the one naming rule (ignoring case,
        spacing, a leading "the" and a possessive), if any; ``other_than`` leaves out one entity
        (the one being renamed)."""
        wanted = name_key(name)
        for entity in self.entities.values():
            if entity.entity_id != other_than and wanted in {name_key(entity.name), *(name_key(alias) for alias in entity.aliases)}:
                return entity
        return None


def name_key(name: str) -> str:
    """What two names must share to name the same entity: the canonical name, case ignored."""
    return canonical_name(name).casefold()
