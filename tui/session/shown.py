"""What a session shows: its stored annotations and the suggestions derived from the user's
corrections (tui/session/propagation.py), merged for the queries, counts and review actions that
must see both. Mixed into :class:`~tui.session.annotation_session.AnnotationSession`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import TYPE_CHECKING

from tui.model.annotation import ENTITY, SUGGESTED, Annotation, Entity
from tui.model.labels import Scheme
from tui.session.entities import Plan, stamped
from tui.session.propagation import ORIGIN, Propagation, SpanView
from tui.session.review import place_of
from tui.store.records import ANNOTATIONS, Change

if TYPE_CHECKING:
    from tui.session.history import Action
    from tui.session.index import AnnotationIndex


class ShownAnnotations:
    """The session's queries and review actions over stored and derived annotations alike."""

    annotations: AnnotationIndex
    propagation: Propagation
    spans: SpanView
    scheme: Scheme
    annotator: str
    by_id: dict[str, Annotation]
    _commit: Callable[[str, list[Change], list[tuple[int, int]]], Action]
    commit_plan: Callable[[Plan], None]

    @property
    def counts(self) -> Counter[tuple[str, str]]:
        """How many visible annotations there are of each (kind, status), the derived suggestions
        as last counted (see Propagation.count_job) among them."""
        derived = self.propagation.counted
        if derived is None or not derived.total:
            return self.annotations.counts
        return self.annotations.counts + Counter({(ENTITY, SUGGESTED): derived.total})

    def count_derived(self) -> int:
        """Count the derived suggestions now, on this thread (the app does it in a worker)."""
        self.propagation.install(self.propagation.count_job()())
        return self.propagation.counted.total

    def annotation(self, annotation_id: str) -> Annotation | None:
        """The annotation ``annotation_id`` names as it is shown: a stored one, or a suggestion
        derived from a correction (see :meth:`Propagation.resolve`)."""
        return self.propagation.resolve(annotation_id)

    def at(self, offset: int) -> list[Annotation]:
        """The annotations shown covering ``offset``, innermost first."""
        return self.spans.at(offset)

    def visible(self) -> list[Annotation]:
        """Every annotation shown, in text order, the derived suggestions among them (a search of
        the whole text: for searches and lists, not for each key)."""
        derived = self.propagation.everywhere()
        shadowed = {a.id for a in derived}
        stored = [a for a in self.annotations.visible() if a.id not in shadowed]
        return sorted([*stored, *derived], key=place_of) if derived else stored

    def mentions_of(self, entity_id: str) -> list[Annotation]:
        """The mentions of an entity shown, in text order, its derived suggestions among them."""
        derived = self.propagation.of_entity(entity_id)
        shadowed = {a.id for a in derived}
        stored = [a for a in self.annotations.mentions_of(entity_id) if a.id not in shadowed]
        return sorted([*stored, *derived], key=place_of) if derived else stored

    def mention_count(self, entity_id: str) -> int:
        """How many mentions an entity has shown (its derived suggestions as last counted)."""
        return self.annotations.mention_count(entity_id) + self.propagation.mention_counts()[entity_id]

    def entity_groups(self) -> list[tuple[str, list[tuple[Entity, int]]]]:
        """Entities grouped by label in the scheme's order, each with its mention count (derived
        suggestions as last counted among them), most mentioned first."""
        return self.annotations.entity_groups(self.scheme, self.propagation.mention_counts())

    def set_status(self, annotation_id: str, status: str) -> Annotation | None:
        """Accept or reject a suggestion (a derived one is stored with its new status)."""
        annotation = self.annotation(annotation_id)
        if annotation is None or annotation.status == status:
            return annotation
        if annotation.origin == ORIGIN and self.by_id.get(annotation.id) != annotation:  # derived, or shown with a correction's label
            changes = self.propagation.materialise(annotation, self.annotator, status)
        else:
            changes = [Change(ANNOTATIONS, annotation.id, stamped(annotation, self.annotator, status=status).to_record())]
        self._commit(status, changes, [(annotation.start, annotation.end)])
        return self.by_id[changes[-1].key]

    def accept_all(self, label: str) -> int:
        """Accept every suggestion shown with ``label``, derived ones included, in one undoable
        action; returns how many."""
        stored = (a for a in self.annotations.index if a.status == SUGGESTED)
        plan = self.propagation.plan_accept("accept-all", stored, self.annotator, lambda a: a.label == label)
        self.commit_plan(plan)
        return len(plan.ranges)

    def accept_entity(self, entity_id: str) -> int:
        """Accept every suggested mention of an entity, derived ones included, in one undoable
        action; returns how many."""
        stored = (a for a in self.annotations.mentions_of(entity_id) if a.status == SUGGESTED)
        plan = self.propagation.plan_accept("accept-entity", stored, self.annotator, lambda a: a.attrs.get("entity_id") == entity_id)
        plan.entity_id = entity_id
        self.commit_plan(plan)
        return len(plan.ranges)
