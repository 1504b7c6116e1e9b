"""How worth checking a stretch of text is, from 0 to 1: numbers, dates, names and comparisons
raise it; the first person and shortness lower it."""

from __future__ import annotations

import re

from tui.nlp.rules.context import ParagraphContext
from tui.nlp.rules.lexicon import NUMERIC_LABELS

# Sentences below this check-worthiness are not suggested as assertions.
ASSERTION_THRESHOLD = 0.5
_FIRST_PERSON = re.compile(r"(?i)\b(i|we|you|my|our)\b")
_COMPARISON = re.compile(r"(?i)\b(more|less|fewer|most|least|record|first|only|every|all|never|always|no longer|highest|lowest|largest|biggest)\b")


def score(context: ParagraphContext, ranges: list[tuple[int, int]], base: float) -> float:
    """Check-worthiness in 0..1 of the paragraph's ``ranges``, starting from ``base``."""
    tokens = [t for s, e in ranges for t in context.tokens_between(s, e)]
    if not tokens:
        return round(base, 2)
    text = " ".join(context.text[s:e] for s, e in ranges)
    labels = {t.ent_type_ for t in tokens}
    tags = {t.tag_ for t in tokens}
    value = base
    if labels & {"PERCENT", "MONEY", "QUANTITY"}:
        value += 0.25  # amounts and rates are what fact-checkers check first
    elif labels & NUMERIC_LABELS or "CD" in tags:
        value += 0.15
    if "DATE" in labels:
        value += 0.1
    if labels & {"PERSON", "ORG", "GPE", "NORP", "LAW"}:
        value += 0.1
    if tags & {"JJR", "JJS", "RBR", "RBS"} or _COMPARISON.search(text):
        value += 0.15
    if _FIRST_PERSON.search(text):
        value -= 0.1  # opinions in the first person are harder to check
    if len(tokens) < 8:
        value -= 0.1
    return round(min(1.0, max(0.0, value)), 2)
