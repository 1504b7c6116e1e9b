"""Sentence ranges within a paragraph: the rule the cursor, CoNLL export and long-line
cutting share. Plain text in, offsets out; it knows nothing of documents."""

from __future__ import annotations

import re

# A sentence ends after . ! or ? (and any closing quotes or brackets) before a space.
_SENTENCE_END = re.compile(r"[.!?…]+[\"'”’)\]]*(?=\s)")
_ABBREVIATIONS = {"mr", "mrs", "ms", "dr", "prof", "st", "jr", "sr", "gen", "gov", "sen", "rep", "inc", "co", "corp", "ltd", "vs", "no", "mt", "lt", "col", "capt", "sgt"}


def split_sentences(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Sentence ranges within one paragraph ``text[start:end]``, trimmed of outer spaces."""
    end = len(text) if end is None else end
    bounds: list[tuple[int, int]] = []
    sentence_start = start
    for match in _SENTENCE_END.finditer(text, start, end):
        word = re.search(r"(\w+)\W*$", text[sentence_start : match.start() + 1])
        before = text[max(start, match.start() - 4) : match.end()]
        if word and word.group(1).lower() in _ABBREVIATIONS and match.group().startswith("."):
            continue
        if re.search(r"(?:\b[A-Za-z]\.){2,}$", before) and _followed_by_a_letter(text, match.end(), end):
            continue
        bounds.append((sentence_start, match.end()))
        sentence_start = match.end()
    bounds.append((sentence_start, end))
    trimmed = []
    for s, e in bounds:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if s < e:
            trimmed.append((s, e))
    return trimmed


def _followed_by_a_letter(text: str, position: int, end: int) -> bool:
    """True when the next non-space character is a cased letter: after a dotted abbreviation
    ("U.S. Policy Analyst", "the U.S. government") the sentence is taken to go on."""
    rest = text[position:end].lstrip()
    return bool(rest) and (rest[0].islower() or rest[0].isupper())
