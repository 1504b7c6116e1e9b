"""Suggestions derived from the user's corrections: the label a user gave a text, suggested at
every other whole-word occurrence of it, without storing a record per occurrence.

A derived suggestion is worked out when it is drawn, listed or jumped to, from the corrections
(tui/session/corrections.py) and the stored annotations: it exists at an occurrence of a corrected
text that no visible entity annotation overlaps and where that label was not rejected. A model
suggestion on the very same span with another label is shown with the user's label instead
(accepting it rewrites that record). Accepting or rejecting a derived suggestion stores one
record; what costs more than the stretch of text looked at (counting them all) runs off the
key path, on a copy of what it needs (:meth:`Propagation.count_job`).
"""

from __future__ import annotations

from array import array
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field, replace

from tui.model.annotation import ACCEPTED, ENTITY, SUGGESTED, Annotation, Entity, Quote, new_id, now_iso
from tui.model.mentions import canonical_name
from tui.model.span_index import SpanIndex
from tui.session.corrections import Corrections
from tui.session.entities import Plan, entity_for, stamped
from tui.session.index import AnnotationIndex
from tui.session.review import Place, accepted, place_of
from tui.store.records import ANNOTATIONS, ENTITIES, Change

ORIGIN = "user-correction"
ID_PREFIX = "derived-"
# The first stretch of text looked through for the next derived suggestion; it doubles until
# one is found (or the nearest stored suggestion is reached).
FIRST_WINDOW = 4096


def derived_id(start: int, end: int) -> str:
    """The id of the derived suggestion at ``[start, end)``: the same for the same occurrence."""
    return f"{ID_PREFIX}{start}-{end}"


@dataclass(frozen=True)
class DerivedCount:
    """How many derived suggestions there were at ``version`` of a propagation, per corrected text,
    and where each starts (in text order)."""

    version: int
    by_text: Counter
    starts: array = field(default_factory=lambda: array("q"))

    @property
    def total(self) -> int:
        """How many there were in all."""
        return sum(self.by_text.values())


class Propagation:
    """The derived suggestions of one document: its text, its stored annotations (``index``) and
    the database's corrections (``gazetteer``, as the store lists them) of the entity labels
    ``allowed`` (all when not given)."""

    def __init__(self, doc_id: str, text: str, index: AnnotationIndex, gazetteer: Iterable[dict], annotator: str = "", owner: str = "",
                 allowed: Collection[str] | None = None) -> None:
        self.doc_id = doc_id
        self.text = text
        self.index = index
        self.corrections = Corrections(text, gazetteer, allowed)
        self.annotator = annotator  # who the derived suggestions are signed by (who corrected)
        self.owner = owner  # whose entities they make, in a team database's layer
        self.version = 0  # bumped by every change: a count made before one is out of date
        self.counted: DerivedCount | None = None  # the latest count (see count_job)
        self._entities: dict[tuple[str, str], tuple[Entity, Change | None]] = {}
        self._planned: dict[tuple[str, str], Entity] = {}  # entities derived suggestions would make

    @property
    def generation(self) -> int:
        """Bumped whenever a corrected text's label changes (every derived suggestion may change)."""
        return self.corrections.generation

    def apply(self, change: Change) -> None:
        """Follow a change the session applied (a correction, an annotation or an entity)."""
        self.version += 1
        if change.table == ENTITIES:
            self._entities.clear()
        self.corrections.apply(change)

    # One derived suggestion

    def entity(self, text: str, label: str) -> tuple[Entity, Change | None]:
        """The entity accepting a derived suggestion of ``text`` as ``label`` refers to, and the
        change creating it when the document has none yet (the same one every time)."""
        name = canonical_name(text)
        key = (name, label)
        found = self._entities.get(key)
        if found is None:
            entity, change = entity_for(self.index, name, label, self.doc_id, self.owner)
            if change is not None:
                entity = self._planned.setdefault(key, entity)
                change = Change(ENTITIES, entity.entity_id, entity.to_record())
            found = self._entities[key] = (entity, change)
        return found

    def _suggestion(self, start: int, end: int, text: str) -> Annotation | None:
        label = self.corrections.labels.get(text)
        if label is None or self.index.rejected[(start, end, label)] > 0:
            return None
        stored = [a for a in self.index.index.overlapping(start, end) if a.is_entity]
        entity, _ = self.entity(text, label)
        if not stored:
            return Annotation(
                doc_id=self.doc_id, kind=ENTITY, label=label, start=start, end=end, quote=Quote.from_text(self.text, start, end),
                status=SUGGESTED, origin=ORIGIN, annotator=self.annotator, id=derived_id(start, end), created="",
                attrs={"entity_id": entity.entity_id},
            )
        other = stored[0]
        if len(stored) == 1 and other.status == SUGGESTED and (other.start, other.end) == (start, end) and other.label != label:
            return replace(other, label=label, origin=ORIGIN, attrs={**other.attrs, "entity_id": entity.entity_id})
        return None

    def between(self, start: int, end: int) -> list[Annotation]:
        """The derived suggestions overlapping ``[start, end)``, in text order (a shadowed model
        suggestion with its id)."""
        found = (self._suggestion(*occurrence) for occurrence in self.corrections.between(start, max(end, start + 1)))
        return [a for a in found if a is not None]

    def resolve(self, annotation_id: str) -> Annotation | None:
        """The annotation ``annotation_id`` names as it is shown: a stored one (with the user's
        label when a correction shadows it) or a derived suggestion; ``None`` when neither."""
        stored = self.index.by_id.get(annotation_id)
        if stored is not None:
            if stored.status == SUGGESTED and stored.is_entity and stored.visible and stored.quote.exact in self.corrections.labels:
                return next((a for a in self.between(stored.start, stored.end) if a.id == stored.id), stored)
            return stored
        if not annotation_id.startswith(ID_PREFIX):
            return None
        try:
            start, end = (int(part) for part in annotation_id[len(ID_PREFIX):].split("-"))
        except ValueError:
            return None
        return next((a for a in self.between(start, end) if a.id == annotation_id), None)

    def shown(self, annotation: Annotation) -> Annotation:
        """``annotation`` as it is shown (a model suggestion a correction shadows, with its label)."""
        if annotation.status != SUGGESTED:
            return annotation
        return self.resolve(annotation.id) or annotation

    def materialise(self, annotation: Annotation, annotator: str, status: str, stamp: str = "") -> list[Change]:
        """The changes storing a derived suggestion with ``status`` (a shadowed record rewritten,
        else a new record, with its entity when the document has none yet)."""
        _, entity_change = self.entity(self.text[annotation.start : annotation.end], annotation.label)
        stamp = stamp or now_iso()
        new = {} if annotation.id in self.index.by_id else {"id": new_id()}
        done = stamped(annotation, annotator, stamp, status=status, created=annotation.created or stamp, **new)
        return [*([] if entity_change is None else [entity_change]), Change(ANNOTATIONS, done.id, done.to_record())]

    def plan_accept(self, op: str, stored: Iterable[Annotation], annotator: str, wanted: Callable[[Annotation], bool]) -> Plan:
        """Accept, as the action ``op``, those of the ``stored`` suggestions and of the ones derived
        from the corrections that ``wanted`` picks, each as it is shown (a model suggestion with the
        label of a correction shadowing it). A derived one is stored, with its entity if it is new."""
        plan = Plan(op)
        stamp = now_iso()
        derived = self.everywhere()
        shown = {a.id: a for a in derived}
        done: set[tuple[str, str]] = set()
        for suggestion in stored:
            suggestion = shown.pop(suggestion.id, suggestion)
            if wanted(suggestion):
                plan.changes.append(accepted(suggestion, annotator, stamp))
                plan.ranges.append((suggestion.start, suggestion.end))
        for suggestion in shown.values():
            if wanted(suggestion):
                for change in self.materialise(suggestion, annotator, ACCEPTED, stamp):
                    if (change.table, change.key) not in done:  # a new entity once, however many mentions
                        done.add((change.table, change.key))
                        plan.changes.append(change)
                plan.ranges.append((suggestion.start, suggestion.end))
        return plan

    # Going through them

    def nearest(self, after: Place, direction: int, limit: int) -> Annotation | None:
        """The first derived suggestion after the place ``after`` starting at ``limit`` at most
        (with ``direction`` -1: the last one before it, starting at ``limit`` at least); the text
        is searched in windows that double, up to ``limit``; with a count of them as they are, only
        the places it lists are looked at (none left ahead costs nothing)."""
        size = len(self.text)
        window = FIRST_WINDOW
        if not self.corrections.labels:
            return None
        if self.counted is not None and self.counted.version == self.version:
            return self._nearest_counted(self.counted.starts, after, direction, limit)
        if direction > 0:
            low, last = max(after[0], 0), min(limit, size - 1)
            while low <= last:
                high = min(low + window, last + 1)
                found = [a for a in self.between(low, high) if low <= a.start < high and place_of(a) > after]
                if found:
                    return min(found, key=place_of)
                low, window = high, window * 2
            return None
        high, first = min(after[0], size - 1), max(limit, 0)
        while high >= first:
            low = max(first, high - window + 1)
            found = [a for a in self.between(low, high + 1) if low <= a.start <= high and place_of(a) < after]
            if found:
                return max(found, key=place_of)
            high, window = low - 1, window * 2
        return None

    def _nearest_counted(self, starts: array, after: Place, direction: int, limit: int) -> Annotation | None:
        """:meth:`nearest` among the derived suggestions starting at ``starts``."""
        step = 1 if direction > 0 else -1
        i = bisect_left(starts, after[0]) if direction > 0 else bisect_right(starts, after[0]) - 1
        while 0 <= i < len(starts) and (starts[i] <= limit if direction > 0 else starts[i] >= limit):
            for a in self.between(starts[i], starts[i] + 1):
                if a.start == starts[i] and (place_of(a) > after if direction > 0 else place_of(a) < after):
                    return a
            i += step
        return None

    def everywhere(self, texts: set[str] | None = None) -> list[Annotation]:
        """Every derived suggestion of the document (of ``texts`` only, if given), in text order:
        a search of the whole text, for the actions that take them all (accept every one of a label)."""
        occurrences = self.corrections.everywhere(dict(self.corrections.labels))
        found = (self._suggestion(*o) for o in occurrences if texts is None or o[2] in texts)
        return [a for a in found if a is not None]

    def of_entity(self, entity_id: str) -> list[Annotation]:
        """The derived suggestions naming the entity ``entity_id``, in text order."""
        texts = {text for text, label in self.corrections.labels.items() if self.entity(text, label)[0].entity_id == entity_id}
        return [a for a in self.everywhere(texts) if a.attrs.get("entity_id") == entity_id] if texts else []

    def relabel(self, entity: Entity, label: str) -> Plan:
        """The changes giving ``label`` (the entity's new one) to the corrections whose derived
        suggestions name ``entity``, so that they follow it."""
        plan = Plan("relabel-corrections")
        for text, old in list(self.corrections.labels.items()):
            if old == entity.label and self.entity(text, old)[0].entity_id == entity.entity_id:
                plan.changes += self.corrections.changes(text, label)
        return plan

    # Counting them, off the key path

    def count_job(self) -> Callable[[], DerivedCount]:
        """A function counting the derived suggestions as they are now, safe to run in a worker
        thread: it works on copies (the annotations are replaced, never changed, when they change)."""
        version, labels = self.version, dict(self.corrections.labels)
        if not labels:  # no correction, nothing derived: no copies either
            return lambda: DerivedCount(version, Counter())
        annotations = list(self.index.by_id.values())
        rejected = Counter(self.index.rejected)
        corrections = self.corrections
        return lambda: count_derived(corrections, labels, annotations, rejected, version)

    def install(self, count: DerivedCount) -> bool:
        """Keep ``count`` if nothing changed since it was made; ``True`` if kept."""
        if count.version != self.version:
            return False
        self.counted = count
        self.index.versions["entities"] += 1  # the entity list shows the counts
        return True

    def mention_counts(self) -> Counter:
        """The derived suggestions of each entity the document has, as last counted."""
        counts: Counter = Counter()
        if self.counted is not None:
            labels = self.corrections.labels
            for text, number in self.counted.by_text.items():
                if text in labels:
                    entity, change = self.entity(text, labels[text])
                    if change is None:
                        counts[entity.entity_id] += number
        return counts


def count_derived(corrections: Corrections, labels: dict[str, str], annotations: list[Annotation], rejected: Counter, version: int) -> DerivedCount:
    """How many derived suggestions the corrections ``labels`` make among ``annotations``, per text."""
    occurrences = corrections.everywhere(labels)
    starts = [start for start, _, _ in occurrences]
    longest = max(map(len, labels), default=0)
    blocked = bytearray(len(occurrences))
    for annotation in annotations:
        if annotation.kind != ENTITY or not annotation.visible:
            continue
        i = bisect_left(starts, annotation.start - longest + 1)
        while i < len(starts) and starts[i] < annotation.end:
            if occurrences[i][1] > annotation.start:
                blocked[i] = 1
            i += 1
    by_text: Counter = Counter()
    starts = array("q")
    for (start, end, text), stop in zip(occurrences, blocked, strict=True):
        if not stop and rejected[(start, end, labels[text])] <= 0:
            by_text[text] += 1
            starts.append(start)
    return DerivedCount(version, by_text, starts)


class SpanView:
    """The annotations as the article shows them: the stored ones (``stored``) and the derived
    suggestions, with the queries of a :class:`SpanIndex` the view asks."""

    def __init__(self, stored: SpanIndex[Annotation], propagation: Propagation) -> None:
        self.stored = stored
        self.propagation = propagation

    @property
    def generation(self) -> int:
        """Bumped whenever the derived suggestions anywhere may have changed."""
        return self.propagation.generation

    def overlapping(self, start: int, end: int) -> list[Annotation]:
        """Spans with any character in ``[start, end)`` (or covering ``start`` when empty)."""
        stored = self.stored.overlapping(start, end)
        derived = self.propagation.between(start, end)
        if not derived:
            return stored
        shadowed = {a.id for a in derived}
        return [a for a in stored if a.id not in shadowed] + derived

    def at(self, offset: int) -> list[Annotation]:
        """Spans covering the character at ``offset``, innermost (shortest) first."""
        return sorted(self.overlapping(offset, offset + 1), key=lambda a: a.end - a.start)

    def get(self, annotation_id: str) -> Annotation | None:
        """The span with this id, as it is shown, if shown."""
        found = self.propagation.resolve(annotation_id)
        return found if found is not None and found.visible else None

    def next_after(self, offset: int) -> Annotation | None:
        """The first span starting after ``offset``."""
        stored = self.stored.next_after(offset)
        derived = self.propagation.nearest((offset + 1, -1, ""), 1, stored.start if stored else len(self.propagation.text))
        found = min((a for a in (stored, derived) if a is not None), key=place_of, default=None)
        return found and self.propagation.shown(found)

    def previous_before(self, offset: int) -> Annotation | None:
        """The last span starting before ``offset``."""
        stored = self.stored.previous_before(offset)
        derived = self.propagation.nearest((offset, -1, ""), -1, stored.start if stored else 0)
        found = max((a for a in (stored, derived) if a is not None), key=place_of, default=None)
        return found and self.propagation.shown(found)
