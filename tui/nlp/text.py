"""Text preparation for spaCy: curly quote marks swapped for straight ones of the same length."""

from __future__ import annotations

import re

# Every mark maps to one character, so offsets in the prepared text are offsets in the original.
_DOUBLE_MARKS = "\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb"
_SINGLE_MARKS = "\u2018\u2019\u201a\u201b\u2032"
_STRAIGHTEN = str.maketrans({**{mark: '"' for mark in _DOUBLE_MARKS}, **{mark: "'" for mark in _SINGLE_MARKS}})

OPENING_MARKS = "\u201c\u201e\u00ab"
CLOSING_MARKS = "\u201d\u00bb"


# Two apostrophes standing for a double mark, as some newspapers write them: opening before a word,
# closing after one.
_DOUBLED_OPENING = re.compile(r"(?:(?<=^)|(?<=[\s(\[\u2014]))''(?=\w)")
_DOUBLED_CLOSING = re.compile(r"(?<=\S)''(?=[\s,.;:!?)\]\u2014]|$)")


def straighten_quotes(text: str) -> str:
    """``text`` with curly quotes and apostrophes replaced by straight ones, length unchanged.

    spaCy's English tokenizer splits a possessive ``'s`` off a name and ends a headline
    before a straight ``"``, but not reliably before their curly forms. Two apostrophes used as a
    double mark (``''Yes,'' she said``) become a double mark and a space, on the side away from
    the quoted words.
    """
    text = text.translate(_STRAIGHTEN)
    if "''" in text:
        text = _DOUBLED_OPENING.sub(' "', text)
        text = _DOUBLED_CLOSING.sub('" ', text)
    return text
