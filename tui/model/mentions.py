"""Finding every mention of a phrase in a text, on word boundaries."""

from __future__ import annotations

import re


def find_mentions(text: str, phrase: str, case_sensitive: bool = True) -> list[tuple[int, int]]:
    """Every ``[start, end)`` where ``phrase`` occurs in ``text`` as whole words."""
    if not phrase.strip():
        return []
    flags = 0 if case_sensitive else re.IGNORECASE
    pattern = re.compile(rf"(?<![\w]){re.escape(phrase)}(?![\w])", flags)
    return [(m.start(), m.end()) for m in pattern.finditer(text)]
