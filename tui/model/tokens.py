"""Tokens: the units the cursor moves by and selections snap to (sentences are in sentences.py).

Tokens are found per paragraph and cached, so moving the cursor costs the same in a
page as in a book. The rules are deliberately simple and predictable for a person at
the keyboard: words (with inner hyphens and apostrophes), possessive endings, dotted
abbreviations, single CJK characters and single punctuation marks.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass

from tui.model.document import Document, Paragraph
from tui.model.layout import BoundedCache
from tui.model.sentences import split_sentences

_WORD = r"[\w\u0300-\u036f]"
_CJK = r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]"
TOKEN_PATTERN = re.compile(
    rf"{_CJK}[\u0300-\u036f]*"  # one CJK character is one token
    r"|(?:[A-Za-z]\.){2,}"  # U.S., e.g.
    rf"|{_WORD}+(?:-{_WORD}+)*(?=[’']s\b)"  # the word before a possessive
    r"|[’']s\b"  # the possessive itself
    rf"|{_WORD}+(?:[’'-]{_WORD}+)*"
    r"|[^\w\s]"
)


@dataclass(frozen=True, slots=True)
class Token:
    """A token's half-open character range in the document."""

    start: int
    end: int


def tokenize(text: str, start: int = 0, end: int | None = None) -> list[Token]:
    """The tokens of ``text[start:end]``, with offsets into ``text``."""
    end = len(text) if end is None else end
    return [Token(m.start(), m.end()) for m in TOKEN_PATTERN.finditer(text, start, end)]


class TextIndex:
    """Token and sentence lookups over a document, computed lazily per paragraph."""

    def __init__(self, document: Document) -> None:
        self.document = document
        self._tokens: BoundedCache[tuple[list[Token], list[int]]] = BoundedCache()  # tokens and their starts
        self._sentences: BoundedCache[list[tuple[int, int]]] = BoundedCache()

    def paragraph_tokens(self, paragraph_index: int) -> list[Token]:
        """The tokens of one paragraph (kept for the paragraphs used last)."""
        return self._tokens.get(paragraph_index, self._tokenize)[0]

    def _token_starts(self, paragraph_index: int) -> list[int]:
        return self._tokens.get(paragraph_index, self._tokenize)[1]

    def _tokenize(self, paragraph_index: int) -> tuple[list[Token], list[int]]:
        paragraph = self.document.paragraphs[paragraph_index]
        tokens = tokenize(self.document.text, paragraph.start, paragraph.end)
        return tokens, [token.start for token in tokens]

    def paragraph_sentences(self, paragraph_index: int) -> list[tuple[int, int]]:
        """The sentences of one paragraph (kept for the paragraphs used last)."""
        return self._sentences.get(paragraph_index, self._split)

    def _split(self, paragraph_index: int) -> list[tuple[int, int]]:
        paragraph = self.document.paragraphs[paragraph_index]
        return split_sentences(self.document.text, paragraph.start, paragraph.end)

    def token_at(self, offset: int) -> Token | None:
        """The token covering ``offset``, else the nearest token in the same paragraph."""
        paragraph = self.document.paragraph_at(offset)
        tokens = self.paragraph_tokens(paragraph.index)
        if not tokens:
            return None
        i = bisect_right(self._token_starts(paragraph.index), offset) - 1
        if i >= 0 and tokens[i].start <= offset < tokens[i].end:
            return tokens[i]
        candidates = [tokens[j] for j in (i, i + 1) if 0 <= j < len(tokens)]
        return min(candidates, key=lambda token: min(abs(token.start - offset), abs(token.end - 1 - offset)))

    def next_token(self, offset: int) -> Token | None:
        """The first token starting after ``offset``, crossing paragraphs."""
        paragraphs = self.document.paragraphs
        index = self.document.paragraph_at(offset).index
        while index < len(paragraphs):
            tokens = self.paragraph_tokens(index)
            i = bisect_right(self._token_starts(index), offset)
            if i < len(tokens):
                return tokens[i]
            index += 1
        return None

    def previous_token(self, offset: int) -> Token | None:
        """The last token starting before ``offset``, crossing paragraphs."""
        index = self.document.paragraph_at(offset).index
        while index >= 0:
            tokens = self.paragraph_tokens(index)
            i = bisect_left(self._token_starts(index), offset) - 1
            if i >= 0:
                return tokens[i]
            index -= 1
        return None

    def first_token(self) -> Token | None:
        """The document's first token."""
        return self.next_token(-1)

    def last_token(self) -> Token | None:
        """The document's last token."""
        return self.previous_token(len(self.document.text) + 1)

    def snap(self, start: int, end: int) -> tuple[int, int]:
        """Grow ``[start, end)`` to whole tokens: a selection never cuts a word."""
        first = self.token_at(start)
        last = self.token_at(max(start, end - 1))
        new_start = min(start, first.start) if first and first.start <= start < first.end else start
        new_end = max(end, last.end) if last and last.start <= end - 1 < last.end else end
        return new_start, new_end

    def sentence_at(self, offset: int) -> tuple[int, int] | None:
        """The sentence holding ``offset``, or the nearest one in its paragraph."""
        paragraph = self.document.paragraph_at(offset)
        sentences = self.paragraph_sentences(paragraph.index)
        for start, end in sentences:
            if offset < end:
                return (start, end)
        return sentences[-1] if sentences else None

    def sentence_starts_around(self, offset: int, forward: bool) -> int | None:
        """The start of the next (or previous) sentence from ``offset``, crossing paragraphs."""
        paragraphs = self.document.paragraphs
        index = self.document.paragraph_at(offset).index
        step = 1 if forward else -1
        while 0 <= index < len(paragraphs):
            starts = [start for start, _ in self.paragraph_sentences(index)]
            candidates = [s for s in starts if (s > offset if forward else s < offset)]
            if candidates:
                return candidates[0] if forward else candidates[-1]
            index += step
        return None

    def paragraph_starts_around(self, offset: int, forward: bool) -> int | None:
        """The first token of the next (or previous) non-blank line from ``offset`` (the pieces
        a very long line is read in are not stops)."""
        paragraphs = self.document.paragraphs
        line = self.document.line_at(offset)
        if not forward:
            first = self._first_token_start(line)
            if first is not None and first < offset:
                return first
        while True:
            index = paragraphs.index_at(line.end) + 1 if forward else line.index - 1
            if not 0 <= index < len(paragraphs):
                return None
            line = paragraphs.line_of(index)
            first = self._first_token_start(line)
            if first is not None:
                return first

    def _first_token_start(self, line: Paragraph) -> int | None:
        """Where the first token of a whole line starts, in whichever of its pieces."""
        for index in range(line.index, self.document.paragraphs.index_at(line.end) + 1):
            tokens = self.paragraph_tokens(index)
            if tokens:
                return tokens[0].start
        return None
