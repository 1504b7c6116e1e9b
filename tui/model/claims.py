"""A claim's attributes: their names, what a new claim starts with, and the one check of them.

A claim is an annotation of kind ``claim``; its ``attrs`` hold its ``claim_type``, its
``speaker`` (an entity id, or a name as typed) and the model's ``speaker_role``, the offsets
of its ``speaker_span``, ``cue`` and ``content`` pieces, its ``verdict``, its
``checkworthiness`` (0 to 1, or null when not rated), a ``note`` and ``evidence`` links.

Every claim read from a database is held to :data:`CLAIM_CHECKS`: each attribute is of the
type Postil reads it as, in range. Any string is kept and shown as it is (made safe for the
terminal where it is shown), so a type or verdict a hand edit or another tool wrote still
opens; what the claim editor or an import sets now must also be one Postil offers
(:data:`OFFERED_CHECKS`). :func:`claim_problems` applies them.
"""

from __future__ import annotations

from tui.model.fields import Check, Problem, checked, kind_of, list_of, one_of, optional, span_problem, spans_problem, text_problem

CLAIM_TYPES = ("quote", "reported", "assertion", "evidence")
VERDICTS = ("unverified", "true", "mostly-true", "mixed", "misleading", "false", "unsupported")
UNVERIFIED = "unverified"

# The attributes that hold one span ([start, end] or null), and those that hold a list of spans.
SPAN_ATTRS = ("cue", "speaker_span")
SPAN_LIST_ATTRS = ("content",)


def claim_attrs(start: int, end: int, claim_type: str = "assertion", **attrs) -> dict:
    """The attributes of a claim marked on ``[start, end)``: its type and nothing else said
    about it yet (no speaker or cue, the whole span as content, unverified), then ``attrs``."""
    return {
        "claim_type": claim_type, "speaker": "", "cue": None, "content": [[start, end]],
        "verdict": UNVERIFIED, "checkworthiness": None, "note": "", "evidence": [], **attrs,
    }


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
# What a value set now (in the editor, by an import) must be besides.
OFFERED_CHECKS: dict[str, Check] = {"claim_type": one_of(CLAIM_TYPES), "verdict": one_of(VERDICTS)}
_SET_NOW_CHECKS = {**CLAIM_CHECKS, **OFFERED_CHECKS}


def claim_problems(attrs: dict, text_length: int | None = None, offered: bool = False) -> list[Problem]:
    """``(attribute, reason)`` for each attribute of ``attrs`` outside the data model; with
    ``text_length``, spans must also end inside a text of that many characters; with
    ``offered`` (values set now), the type and verdict must be ones Postil offers."""
    problems = checked(attrs, _SET_NOW_CHECKS if offered else CLAIM_CHECKS)
    if text_length is not None:
        problems += spans_outside(attrs, text_length, {name for name, _ in problems})
    return problems


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

