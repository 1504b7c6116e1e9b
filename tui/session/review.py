"""Reviewing the model's suggestions: where the next unreviewed one is, and what accepting a
suggested claim with its speaker, or every suggested mention of an entity, changes.

A suggestion is unreviewed while its status is ``suggested`` (accepted and rejected ones are
done). Suggestions are ordered as the text is, by ``(start, end, id)``: a claim and the
speaker's name that opens it start at the same offset, and each gets its turn. Planners read an
:class:`AnnotationIndex` and return a :class:`Plan`; the session commits it as one undoable action.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from typing import Protocol

from tui.model.annotation import ACCEPTED, ENTITY, KINDS, SUGGESTED, Annotation, now_iso
from tui.model.claims import check_claim
from tui.model.labels import Scheme
from tui.model.span_index import SpanIndex
from tui.session.entities import Plan, stamped
from tui.session.index import AnnotationIndex
from tui.store.records import ANNOTATIONS, Change

# Where an annotation stands in the review order.
Place = tuple[int, int, str]


class DerivedSuggestions(Protocol):
    """The suggestions derived from the user's corrections, as review goes through them
    (:class:`tui.session.propagation.Propagation`)."""

    def shown(self, annotation: Annotation) -> Annotation:
        """``annotation`` as it is shown (with a correction's label where one shadows it)."""

    def nearest(self, after: Place, direction: int, limit: int) -> Annotation | None:
        """The first derived suggestion after ``after`` (before it, with ``direction`` -1), up to ``limit``."""

# The first stretch of text looked through for the next suggestion; it doubles until one is found,
# so a suggestion far away costs a few lookups, not a walk through every annotation between.
FIRST_WINDOW = 2048
START: Place = (-1, -1, "")
END: Place = (sys.maxsize, sys.maxsize, "")


def place_of(annotation: Annotation) -> Place:
    """Where ``annotation`` stands in the review order."""
    return (annotation.start, annotation.end, annotation.id)


def place_at(offset: int) -> Place:
    """The place just before every annotation that starts at ``offset``."""
    return (offset, -1, "")


def is_unreviewed(annotation: Annotation, kind: str | None = None) -> bool:
    """Whether ``annotation`` is a suggestion still to be reviewed (and of ``kind``, if given)."""
    return annotation.status == SUGGESTED and (kind is None or annotation.kind == kind)


def next_unreviewed(spans: SpanIndex[Annotation], after: Place, direction: int = 1, kind: str | None = None) -> Annotation | None:
    """The first unreviewed suggestion (of ``kind``, if given) after the place ``after``, or with
    ``direction`` -1 the last one before it; ``None`` when there is none that way."""
    last = spans.previous_before(sys.maxsize)
    if last is None:
        return None
    window = FIRST_WINDOW
    if direction > 0:
        low = max(after[0], 0)
        while low <= last.start:
            high = low + window
            found = [a for a in spans.overlapping(low, high) if a.start < high and place_of(a) > after and is_unreviewed(a, kind)]
            if found:
                return min(found, key=place_of)
            low, window = high, window * 2
        return None
    high = min(after[0], last.start) + 1
    while high > 0:
        low = max(0, high - window)
        found = [a for a in spans.overlapping(low, high) if low <= a.start < high and place_of(a) < after and is_unreviewed(a, kind)]
        if found:
            return max(found, key=place_of)
        high, window = low, window * 2
    return None


def next_unreviewed_around(index: AnnotationIndex, after: Place, direction: int = 1, kind: str | None = None,
                           derived: DerivedSuggestions | None = None) -> tuple[Annotation | None, bool]:
    """As :func:`next_unreviewed`, going on from the other end of the text when there is none
    that way; also says whether it went round. Only the suggestions are looked through
    (``index.suggested``): the accepted and rejected annotations between cost nothing. With
    ``derived``, the suggestions derived from the corrections are too, up to the nearest stored one."""
    nearest = min if direction > 0 else max
    for start, wrapped in ((after, False), (START if direction > 0 else END, True)):
        found = [a for k in ((kind,) if kind else KINDS) if (a := next_unreviewed(index.suggested[k], start, direction)) is not None]
        if derived is not None and kind in (None, ENTITY):
            found = [derived.shown(a) for a in found]
            limit = nearest(found, key=place_of).start if found else (sys.maxsize if direction > 0 else 0)
            found += [a for a in (derived.nearest(start, direction, limit),) if a is not None]
        if found:
            return nearest(found, key=place_of), wrapped
    return None, False


def speaker_mention(index: AnnotationIndex, claim: Annotation) -> Annotation | None:
    """The suggested mention the model gave as ``claim``'s speaker: the mention of the speaker
    entity at the claim's speaker span; for a speaker named elsewhere (a pronoun the model
    resolved), that entity's suggested mention nearest before the claim, when the entity has no
    accepted mention yet. ``None`` when the speaker is no entity or is already accepted."""
    speaker = claim.attrs.get("speaker") or ""
    if speaker not in index.entities:
        return None

    def names_speaker(a: Annotation) -> bool:
        return a.is_entity and a.attrs.get("entity_id") == speaker

    span = claim.attrs.get("speaker_span")
    if span:
        at_span = [a for a in index.index.overlapping(span[0], span[1]) if names_speaker(a)]
        if at_span:
            return next((a for a in at_span if a.status == SUGGESTED), None)
    mentions = index.mentions_of(speaker)
    if any(a.status == ACCEPTED for a in mentions):
        return None
    before = [a for a in mentions if a.start < claim.start]
    return before[-1] if before else next(iter(mentions), None)


def accepted(annotation: Annotation, annotator: str, stamp: str, **attrs: object) -> Change:
    """The change accepting ``annotation`` (by ``annotator``), with ``attrs`` set in its attributes."""
    done = stamped(annotation, annotator, stamp, status=ACCEPTED, attrs={**annotation.attrs, **attrs})
    return Change(ANNOTATIONS, annotation.id, done.to_record())


def plan_accept(op: str, suggestions: Iterable[Annotation], annotator: str) -> Plan:
    """Accept each of ``suggestions`` (by ``annotator``, all at one time) as the action ``op``."""
    plan = Plan(op)
    stamp = now_iso()
    for suggestion in suggestions:
        plan.changes.append(accepted(suggestion, annotator, stamp))
        plan.ranges.append((suggestion.start, suggestion.end))
    return plan


def plan_claim_review(index: AnnotationIndex, claim: Annotation, verdict: str | None, annotator: str, text_length: int, scheme: Scheme) -> Plan:
    """Accept ``claim`` as the model gave it, with ``verdict`` if one is given; a suggested
    claim's speaker mention (see :func:`speaker_mention`) is accepted with it. Raises
    ``ValueError`` for a verdict ``scheme`` does not offer, before anything is planned."""
    attrs = {} if verdict is None else {"verdict": verdict}
    check_claim({**claim.attrs, **attrs}, text_length, scheme, changed=set(attrs))
    plan = Plan("review-claim")
    if claim.status == ACCEPTED and all(claim.attrs.get(k) == v for k, v in attrs.items()):
        return plan
    stamp = now_iso()
    plan.changes.append(accepted(claim, annotator, stamp, **attrs))
    plan.ranges.append((claim.start, claim.end))
    mention = speaker_mention(index, claim) if claim.status == SUGGESTED else None
    if mention is not None:
        plan.changes.append(accepted(mention, annotator, stamp))
        plan.ranges.append((mention.start, mention.end))
    return plan
