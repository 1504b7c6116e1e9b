"""What the Claims tab lists: the claims that pass a filter, in the chosen order, or grouped by
speaker ("who said what"). Plain functions of the session's claims, so they are tested and
measured without a screen."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from tui.model.annotation import Annotation
from tui.model.claims import verdict_of

if TYPE_CHECKING:
    from tui.session.annotation_session import AnnotationSession

CLAIM_SORTS = ("text order", "speaker", "verdict", "check-worthiness", "type")
NO_SPEAKER = "(no speaker)"


def claim_matches(session: AnnotationSession, claim: Annotation, query: str) -> bool:
    """Whether a claim passes a filter: every word must match. ``speaker:``, ``verdict:`` and
    ``type:`` words compare one field (the speaker by substring of its name or of an alias of
    the speaker entity), ``cw:>=0.5`` (or ``<``, ``>``, ``<=``, a bare number meaning at least)
    compares the check-worthiness, and a plain word may appear in the speaker, verdict, type or
    the claim's text."""
    attrs = claim.attrs
    entity = session.entities.get(attrs.get("speaker") or "")
    speaker_names = [session.speaker_name(claim).casefold(), *(alias.casefold() for alias in (entity.aliases if entity else ()))]
    fields = {
        "speaker": "\n".join(speaker_names),  # one field; a line break matches no filter word
        "verdict": verdict_of(attrs).casefold(),
        "type": (attrs.get("claim_type") or claim.label).casefold(),
    }
    for word in query.casefold().split():
        key, colon, value = word.partition(":")
        if colon and key in ("cw", "worth", "checkworthiness"):
            if not worth_passes(attrs.get("checkworthiness"), value):
                return False
        elif colon and key == "speaker":
            if value not in fields["speaker"]:
                return False
        elif colon and key in ("verdict", "type"):
            if fields[key] != value:
                return False
        elif not any(word in field for field in (*fields.values(), claim.quote.exact.casefold())):
            return False
    return True


def worth_passes(worth: float | None, condition: str) -> bool:
    """Compare a check-worthiness with ``>=0.5``, ``<0.3``, ``0.5`` (at least) and the like."""
    for operator in (">=", "<=", ">", "<", "="):
        if condition.startswith(operator):
            number = condition[len(operator) :]
            break
    else:
        operator, number = ">=", condition
    try:
        limit = float(number)
    except ValueError:
        return False
    if worth is None:
        return False
    return {">=": worth >= limit, "<=": worth <= limit, ">": worth > limit, "<": worth < limit, "=": worth == limit}[operator]


def claim_sort_key(session: AnnotationSession, sort: str) -> Callable[[Annotation], tuple]:
    """The sort key function for one of :data:`CLAIM_SORTS` (ties keep text order)."""
    if sort == "speaker":
        return lambda c: (session.speaker_name(c).casefold() or "\uffff", c.start)
    if sort == "verdict":  # in the order of the database's scale, unverified first
        verdict_place = place_in(session.scheme.verdict_names)
        return lambda c: (verdict_place(verdict_of(c.attrs)), c.start)
    if sort == "check-worthiness":
        return lambda c: (-(c.attrs.get("checkworthiness") if c.attrs.get("checkworthiness") is not None else -1), c.start)
    if sort == "type":
        type_place = place_in(session.scheme.claim_types)
        return lambda c: (type_place(c.label), c.start)
    return lambda c: (c.start, c.end)


def place_in(names: tuple[str, ...]) -> Callable[[str], int]:
    """A name's place in ``names`` (its first, if it is there twice), or after them all."""
    places: dict[str, int] = {}
    for place, name in enumerate(names):
        places.setdefault(name, place)
    return lambda name: places.get(name, len(names))


def shown_claims(session: AnnotationSession, filter: str, sort: str) -> list[Annotation]:
    """The claims that pass ``filter``, in ``sort`` order."""
    claims = session.claims()  # in text order already
    if filter:
        claims = [c for c in claims if claim_matches(session, c, filter)]
    return claims if sort == CLAIM_SORTS[0] else sorted(claims, key=claim_sort_key(session, sort))


def by_speaker(session: AnnotationSession, claims: list[Annotation]) -> list[tuple[str, list[Annotation]]]:
    """``claims`` grouped by speaker ("who said what"): the most quoted first, those with no
    speaker last, each group in the order given."""
    groups: dict[str, list[Annotation]] = {}
    for claim in claims:
        groups.setdefault(session.speaker_name(claim) or NO_SPEAKER, []).append(claim)
    order = sorted(groups, key=lambda name: (name == NO_SPEAKER, -len(groups[name]), name.casefold()))
    return [(name, groups[name]) for name in order]
