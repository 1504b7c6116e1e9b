"""Model entity spans as records, trimmed to the name: no leading "the", possessive or role."""

from __future__ import annotations

import re

from tui.nlp.rules.lexicon import ENTITY_LABELS, ROLE_WORDS

_WEEKDAYS_MONTHS = re.compile(
    r"(?i)\b(mon|tues|wednes|thurs|fri|satur|sun)day|\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b|\d"
    r"|\b(year|month|week|day|decade|century|today|yesterday|tomorrow|season|spring|summer|autumn|fall|winter)s?\b"
)
_LEADING_ARTICLE = re.compile(r"^(the|The)\s+")
_POSSESSIVE_END = re.compile(r"\s*'s?$")


def entity_record(span, base: int) -> list | None:
    """``[start, end, label]`` of a model entity, trimmed of a leading "the" and a possessive."""
    label = span.label_
    if label not in ENTITY_LABELS:
        return None
    start, end = span.start_char, span.end_char
    text = span.text
    if label != "WORK_OF_ART":
        article = _LEADING_ARTICLE.match(text)
        if article and len(text) > article.end():
            start += article.end()
            text = text[article.end() :]
    possessive = _POSSESSIVE_END.search(text)
    if possessive and possessive.start() > 0:
        end -= len(text) - possessive.start()
        text = text[: possessive.start()]
    if label in ("ORG", "PERSON", "GPE", "NORP"):
        # "Mozilla Fellow", "Acme spokesperson": the role is not part of the name.
        words = text.split(" ")
        if len(words) > 1 and words[-1].lower() in ROLE_WORDS:
            end -= len(words[-1]) + 1
            text = text[: -(len(words[-1]) + 1)]
    text_stripped = text.rstrip(" ,;:-")
    end -= len(text) - len(text_stripped)
    text = text_stripped
    if not text or not any(ch.isalnum() for ch in text):
        return None
    if label == "DATE" and not _WEEKDAYS_MONTHS.search(text):
        return None  # e.g. "Annual" in "Annual General Meeting"
    return [base + start, base + end, label]
