"""Mentions in a text: the name an entity's mention refers to, and every mention of a phrase.

:func:`canonical_name` is the one naming rule: the session (a span the user labels, a mention
merged into an entity), the importers (a mention a file names no entity for) and the model's
suggestions all name entities with it, so the same words give the same entity whoever marked them.
"""

from __future__ import annotations

import re

# Quotation marks a selection may include around a name (a trailing ’ or ' is a possessive's, below).
_OPENING_QUOTES = "\"“„«‘'"
_CLOSING_QUOTES = "\"”»"
_POSSESSIVE = re.compile(r"[’']s?$")
_LEADING_THE = re.compile(r"^the\s+", re.IGNORECASE)


def canonical_name(text: str) -> str:
    """The name a mention's ``text`` refers to: "the Guardian’s" → "Guardian".

    Spaces and line breaks inside are collapsed to one space; quotation marks around it, a
    possessive ending (’s, 's, or a lone ’ or ') and a leading "the" go. Letter case is kept as
    written ("IBM", "THE GUARDIAN" → "GUARDIAN"), and so is a title: "Ms. Obi" may or may not be
    the "Ada Obi" of an earlier paragraph, which the user says by merging the two.

    "The" is dropped whatever its case, even from names such as "The Hague": a mention cannot
    tell a name's own "The" from a sentence's first word, and one entity per outlet or place
    ("the Guardian" and "The Guardian" alike) matters more than the article in a few names. A
    text that is nothing but "the" keeps it (a name is never emptied); a blank one names nothing.
    """
    name = " ".join(text.split())
    name = name.lstrip(_OPENING_QUOTES).rstrip(_CLOSING_QUOTES).strip() or name
    name = _POSSESSIVE.sub("", name).rstrip() or name
    return _LEADING_THE.sub("", name) or name


def find_mentions(text: str, phrase: str, case_sensitive: bool = True) -> list[tuple[int, int]]:
    """Every ``[start, end)`` where ``phrase`` occurs in ``text`` as whole words."""
    if not phrase.strip():
        return []
    if case_sensitive:
        return find_whole_words(text, phrase)
    flags = re.IGNORECASE
    pattern = re.compile(rf"(?<![\w]){re.escape(phrase)}(?![\w])", flags)
    return [(m.start(), m.end()) for m in pattern.finditer(text)]


def _is_word_character(char: str) -> bool:
    return char.isalnum() or char == "_"


def find_whole_words(text: str, phrase: str, low: int = 0, high: int | None = None) -> list[tuple[int, int]]:
    """Every ``[start, end)`` where ``phrase`` occurs in ``text`` as whole words, exactly as
    written, starting in ``[low, high)`` (the whole text by default)."""
    # str.find runs in C and skips ahead; a regex with a look-behind would test every position.
    found = []
    size, end_of_text = len(phrase), len(text)
    stop = end_of_text if high is None else high - 1 + size
    position = text.find(phrase, low, stop)
    while position != -1:
        end = position + size
        if (position == 0 or not _is_word_character(text[position - 1])) and (end == end_of_text or not _is_word_character(text[end])):
            found.append((position, end))
        position = text.find(phrase, position + 1, stop)
    return found
