"""A claim's attributes: their names and types, what a new claim starts with, and the one check of them.

A claim is an annotation of kind ``claim``; its ``attrs`` are a :class:`ClaimAttrs`. Every new
claim's attributes, whoever makes it (the user marking a span, the model, an import), are made
by :func:`claim_attrs`, so a claim never lacks an attribute the others have.

Every claim read from a database is held to :data:`CLAIM_CHECKS`: each attribute is of the
type Postil reads it as, in range. Any string is kept and shown as it is (made safe for the
terminal where it is shown), so a type or verdict a hand edit, another tool or an earlier
label scheme wrote still opens; what the claim editor or an import sets now must also be one
the database's scheme offers (:func:`offered_checks`). :func:`claim_problems` applies them,
:func:`check_claim` refuses.
"""

from __future__ import annotations

from typing import TypedDict

from tui.model.fields import Check, Problem, checked, kind_of, list_of, one_of, optional, span_problem, spans_problem, text_problem
from tui.model.labels import DEFAULT_SCHEME, UNVERIFIED, Scheme

# The default scheme's claim types and verdicts (a database's own are in its scheme).
CLAIM_TYPES = DEFAULT_SCHEME.claim_types
VERDICTS = DEFAULT_SCHEME.verdict_names

# The attributes that hold one span ([start, end] or null), and those that hold a list of spans.
SPAN_ATTRS = ("cue", "speaker_span")
SPAN_LIST_ATTRS = ("content",)


class _ModelClaimAttrs(TypedDict, total=False):
    """What only the model says about a claim's speaker."""

    speaker_span: list[int] | None  # where the speaker is named ([start, end]), if anywhere
    speaker_role: str  # how the model found the speaker (e.g. "nsubj")


class ClaimAttrs(_ModelClaimAttrs):
    """A claim's attributes as stored in its annotation's ``attrs``."""

    claim_type: str  # one of CLAIM_TYPES (a stored one may be any string)
    speaker: str  # an entity id, or a name as typed ("" for none)
    cue: list[int] | None  # the speech verb or phrase, [start, end]
    content: list[list[int]]  # the pieces of what is claimed, [[start, end], ...]
    verdict: str  # one of VERDICTS
    checkworthiness: float | None  # 0 to 1, or None when not rated
    note: str
    evidence: list[str]  # links


CLAIM_ATTR_NAMES = frozenset(ClaimAttrs.__required_keys__ | ClaimAttrs.__optional_keys__)


def claim_attrs(start: int, end: int, claim_type: str = "assertion", **given: object) -> ClaimAttrs:
    """The attributes of a new claim of ``claim_type`` on ``[start, end)``: what ``given`` says,
    and for the rest nothing said yet (no speaker or cue, the whole span as content, unverified,
    not rated, no note or evidence). A name that is no claim attribute raises ``TypeError``."""
    unknown = sorted(given.keys() - CLAIM_ATTR_NAMES)
    if unknown:
        raise TypeError(f"not a claim attribute: {', '.join(unknown)}")
    attrs: ClaimAttrs = {
        "claim_type": claim_type, "speaker": "", "cue": None, "content": [[start, end]],
        "verdict": UNVERIFIED, "checkworthiness": None, "note": "", "evidence": [],
    }
    attrs.update(given)  # type: ignore[typeddict-item]
    return attrs


def verdict_of(attrs: dict) -> str:
    """A claim's verdict: ``unverified`` where none is set."""
    verdict = attrs.get("verdict")
    return verdict if isinstance(verdict, str) and verdict else UNVERIFIED


def checkworthiness_problem(value: object) -> str | None:
    """Why ``value`` is not a check-worthiness score: a number from 0 to 1, or null."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return f"must be a number from 0 to 1, not {kind_of(value)}"
    if not 0 <= value <= 1:  # also refuses NaN
        return f"{value} is outside 0..1"
    return None


def links_check(link_check: Check) -> Check:
    """A check that a value is a list of links, each of which ``link_check`` takes."""
    return list_of(link_check, "links", "link ")


# Each attribute a stored claim may hold, with its check.
CLAIM_CHECKS: dict[str, Check] = {
    "claim_type": text_problem,
    "speaker": optional(text_problem),
    "speaker_role": optional(text_problem),
    "speaker_span": optional(span_problem),
    "cue": optional(span_problem),
    "content": spans_problem,
    "verdict": text_problem,
    "checkworthiness": checkworthiness_problem,
    "note": text_problem,
    "evidence": links_check(text_problem),
}


def offered_checks(scheme: Scheme = DEFAULT_SCHEME) -> dict[str, Check]:
    """What a type or verdict set now (in the editor, by an import) must be besides: one of
    ``scheme``'s claim types and verdicts."""
    return {"claim_type": one_of(scheme.claim_types), "verdict": one_of(scheme.verdict_names)}


def claim_problems(attrs: dict, text_length: int | None = None, offered: bool = False, scheme: Scheme = DEFAULT_SCHEME,
                   changed: set[str] | None = None) -> list[Problem]:
    """``(attribute, reason)`` for each attribute of ``attrs`` outside the data model; with
    ``text_length``, spans must also end inside a text of that many characters; with
    ``offered`` (values set now), the type and verdict must be ones ``scheme`` offers (only
    those named in ``changed``, when given: a stored value outside the scheme may stay)."""
    checks = CLAIM_CHECKS
    if offered:
        checks = {**CLAIM_CHECKS, **{name: check for name, check in offered_checks(scheme).items() if changed is None or name in changed}}
    problems = checked(attrs, checks)
    if text_length is not None:
        problems += spans_outside(attrs, text_length, {name for name, _ in problems})
    return problems


def check_claim(attrs: dict, text_length: int, scheme: Scheme = DEFAULT_SCHEME, changed: set[str] | None = None) -> None:
    """Raise ``ValueError`` (``"name: reason"``, the first problem) when attributes set now on a
    claim of a text of ``text_length`` characters are outside the data model or ``scheme``
    (see :func:`claim_problems` for ``changed``)."""
    problems = claim_problems(attrs, text_length, offered=True, scheme=scheme, changed=changed)
    if problems:
        raise ValueError(": ".join(problems[0]))


def spans_outside(attrs: dict, text_length: int, bad: set[str]) -> list[Problem]:
    """``(attribute, reason)`` for each span attribute of ``attrs`` (not named in ``bad``,
    whose values are known to be wrong already) that ends past a text of ``text_length``."""
    problems = []
    for name in (*SPAN_ATTRS, *SPAN_LIST_ATTRS):
        value = attrs.get(name)
        if name in bad or not value:
            continue
        for start, end in [value] if name in SPAN_ATTRS else value:
            if end > text_length:
                problems.append((name, f"{start}-{end} is outside the text ({text_length} characters)"))
                break
    return problems
