"""Which of the model's suggestions are new to a document, and the changes that store them."""

from __future__ import annotations

from dataclasses import replace

from tui.model.annotation import ACCEPTED, Annotation, Entity, annotation_problems, entity_problems
from tui.model.fields import Problem
from tui.session.index import AnnotationIndex
from tui.store.records import ANNOTATIONS, ENTITIES, Change

# A suggestion sharing this much of the longer span with an accepted annotation of its kind
# repeats it ("two days" in "just two days" shares too little, and stays).
NEAR_DUPLICATE = 0.8


def suggestion_problems(annotations: list[Annotation], entities: list[Entity], text_length: int) -> list[Problem]:
    """``(field, reason)`` for each value of the suggestions outside the data model (a cached
    analysis a hand edit spoiled): such a batch is never stored."""
    problems = [problem for a in annotations for problem in annotation_problems(a.to_record(), text_length)]
    return problems + [problem for e in entities for problem in entity_problems(e.to_record())]


def restates_accepted(index: AnnotationIndex, suggestion: Annotation) -> bool:
    """Whether an accepted annotation of the same kind already covers nearly the same text:
    a quote with or without its marks, a sentence with or without its full stop. Such a
    suggestion would only list what the user has decided twice."""
    length = suggestion.end - suggestion.start
    for other in index.index.overlapping(suggestion.start, suggestion.end):
        if other.kind != suggestion.kind or other.status != ACCEPTED:
            continue
        overlap = min(other.end, suggestion.end) - max(other.start, suggestion.start)
        if overlap >= NEAR_DUPLICATE * max(length, other.end - other.start):
            return True
    return False


def new_suggestions(index: AnnotationIndex, annotations: list[Annotation], entities: list[Entity]) -> tuple[list[Annotation], list[Change]]:
    """The suggestions that are new (none where the same span and kind is already annotated,
    accepted or rejected, or restates an accepted one) and the changes storing them with the
    entities they name.

    A suggested entity the document already has under another id (same name or alias and
    label) is that entity: its mentions join it instead of listing it twice.
    """
    fresh = [a for a in annotations if index.spans[(a.kind, a.start, a.end)] <= 0 and not restates_accepted(index, a)]
    if not fresh:
        return [], []
    same = {}
    unknown = [entity for entity in entities if entity.entity_id not in index.entities]
    if unknown:
        by_name = index.entities_by_name()  # once per batch: a long article has thousands
        for entity in unknown:
            existing = by_name.get((entity.label, entity.name.lower()))
            if existing is not None:
                same[entity.entity_id] = existing.entity_id
    if same:
        fresh = [replace(a, attrs={k: same.get(v, v) if k in ("entity_id", "speaker") else v for k, v in a.attrs.items()}) for a in fresh]
    used = {a.attrs.get("entity_id") for a in fresh} | {a.attrs.get("speaker") for a in fresh}
    new_entities = [e for e in entities if e.entity_id in used and e.entity_id not in index.entities]
    changes = [Change(ENTITIES, e.entity_id, e.to_record()) for e in new_entities]
    changes += [Change(ANNOTATIONS, a.id, a.to_record()) for a in fresh]
    return fresh, changes
