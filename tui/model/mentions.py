"""Finding every mention of a phrase in a text, on word boundaries."""

from __future__ import annotations

import re


def find_mentions(text: str, phrase: str, case_sensitive: bool = True) -> list[tuple[int, int]]:
    """Every ``[start, end)`` where ``phrase`` occurs in ``text`` as whole words."""
    if not phrase.strip():
        return []
    if case_sensitive:
        return _find_literal(text, phrase)
    flags = re.IGNORECASE
    pattern = re.compile(rf"(?<![\w]){re.escape(phrase)}(?![\w])", flags)
    return [(m.start(), m.end()) for m in pattern.finditer(text)]


def _is_word_character(char: str) -> bool:
    return char.isalnum() or char == "_"


def _find_literal(text: str, phrase: str) -> list[tuple[int, int]]:
    # str.find runs in C and skips ahead; a regex with a look-behind would test every position.
    found = []
    size, end_of_text = len(phrase), len(text)
    position = text.find(phrase)
    while position != -1:
        end = position + size
        if (position == 0 or not _is_word_character(text[position - 1])) and (end == end_of_text or not _is_word_character(text[end])):
            found.append((position, end))
        position = text.find(phrase, position + 1)
    return found
