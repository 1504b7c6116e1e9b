"""Documents: the article text exactly as loaded, and its paragraphs."""

from __future__ import annotations

import hashlib
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from operator import sub
from typing import NamedTuple, overload

from tui.model.fields import Problem, checked, object_problem, one_of, optional, text_problem
from tui.model.sentences import split_sentences

# A longer line is cut into paragraphs of at most this many characters (see Paragraphs).
LONGEST_PARAGRAPH = 20_000


def normalize_newlines(text: str) -> str:
    """Turn ``\\r\\n`` and lone ``\\r`` into ``\\n``: the only normalisation a text ever gets."""
    if "\r" not in text:  # one scan instead of three for the usual text
        return text
    return text.replace("\r\n", "\n").replace("\r", "\n")


def content_hash(text: str | bytes) -> str:
    """The SHA-256 of a text's UTF-8 bytes (the text, or those bytes as read), in hex: a document's identity."""
    return hashlib.sha256(text.encode("utf-8") if isinstance(text, str) else text).hexdigest()


def doc_id_for(sha256: str) -> str:
    """The short, stable id a document is stored under."""
    return sha256[:16]


class Paragraph(NamedTuple):
    """A line of the document between two newlines (or a piece of a very long one), as
    half-open character offsets.

    (A tuple, not a dataclass: a book has tens of thousands, made as they are asked for.)
    """

    index: int
    start: int
    end: int


class Paragraphs(Sequence[Paragraph]):
    """The paragraphs of a text, kept as their start offsets and made when asked for.

    A book has tens of thousands of lines and opening it must not cost a tuple for each:
    finding the line starts is one search for each newline, and their lengths one subtraction.

    Paragraphs are what is wrapped, tokenized and split into sentences in one piece, so a line
    longer than ``longest`` characters (a whole book on one line) is cut into several, before
    the last sentence that starts in the second half of the allowed length (by the sentence
    rules of :mod:`tui.model.tokens`), else after a space. Nothing lies between two pieces of a
    line (:meth:`continues`), where a newline lies between two lines; what works on whole lines
    (paragraph motion, the model, CoNLL sentences) uses :meth:`lines` and :meth:`line_of`.
    """

    def __init__(self, text: str, longest: int | None = None) -> None:
        longest = longest or LONGEST_PARAGRAPH
        self.text_length = len(text)
        starts = line_starts(text)
        self.starts = starts
        self._pieces: set[int] = set()  # indexes of the pieces that continue the one before
        if max(self.lengths()) > longest:
            self.starts = []
            for start, end in zip(starts, [*(following - 1 for following in starts[1:]), self.text_length]):
                self.starts.append(start)
                while end - start > longest:
                    start = piece_end(text, start, start + longest)
                    self._pieces.add(len(self.starts))
                    self.starts.append(start)

    def __len__(self) -> int:
        return len(self.starts)

    def end_of(self, index: int) -> int:
        """Where paragraph ``index`` ends (its newline, the next piece, or the end of the text)."""
        following = index + 1
        if following == len(self.starts):
            return self.text_length
        return self.starts[following] - (following not in self._pieces)

    @overload
    def __getitem__(self, index: int) -> Paragraph: ...

    @overload
    def __getitem__(self, index: slice) -> list[Paragraph]: ...

    def __getitem__(self, index: int | slice) -> Paragraph | list[Paragraph]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self.starts)
        if not 0 <= index < len(self.starts):
            raise IndexError(index)
        return Paragraph(index, self.starts[index], self.end_of(index))

    def __iter__(self) -> Iterator[Paragraph]:
        return map(self.__getitem__, range(len(self.starts)))

    def lengths(self) -> list[int]:
        """Every paragraph's length in characters (its newline not counted)."""
        starts, pieces = self.starts, self._pieces
        if not pieces:  # each line ends one character (its newline) before the next starts
            return [*map(sub, starts[1:], map((1).__add__, starts)), self.text_length - starts[-1]]
        return [*(starts[i + 1] - starts[i] - (i + 1 not in pieces) for i in range(len(starts) - 1)), self.text_length - starts[-1]]

    def index_at(self, offset: int) -> int:
        """The paragraph holding ``offset`` (the last one for the end of the text)."""
        return max(0, bisect_right(self.starts, offset) - 1)

    def runs(self, ranges: Iterable[tuple[int, int]]) -> list[tuple[int, int, int, int]]:
        """The paragraphs ``ranges`` (``[start, end)`` offsets) touch, as runs of consecutive
        ones: ``(first paragraph, last paragraph, first offset, last offset)`` for each run, in
        text order, the ranges that share a paragraph in one run (a batch of suggestions is
        hundreds of ranges in a few paragraphs)."""
        runs: list[list[int]] = []
        for start, end in sorted(ranges):
            last_offset = max(start, end - 1)
            first, last = self.index_at(start), self.index_at(last_offset)
            if runs and first <= runs[-1][1]:
                run = runs[-1]
                run[1], run[3] = max(run[1], last), max(run[3], last_offset)
            else:
                runs.append([first, last, start, last_offset])
        return [(first, last, low, high) for first, last, low, high in runs]

    def continues(self, index: int) -> bool:
        """Whether paragraph ``index`` is a later piece of the same line as the one before."""
        return index in self._pieces

    def line_of(self, index: int) -> Paragraph:
        """The whole line paragraph ``index`` belongs to (itself, unless the line was cut), with
        the index of its first piece."""
        first = index
        while first in self._pieces:
            first -= 1
        last = index
        while last + 1 in self._pieces:
            last += 1
        return Paragraph(first, self.starts[first], self.end_of(last))

    def lines(self) -> Iterator[Paragraph]:
        """The whole lines of the text, each numbered by its place among the lines."""
        number = 0
        for index in range(len(self.starts)):
            if index not in self._pieces:
                line = self.line_of(index)
                yield Paragraph(number, line.start, line.end)
                number += 1


def line_starts(text: str) -> list[int]:
    """Where each line of ``text`` starts: 0, and one past each newline."""
    starts = [0]
    add, find = starts.append, text.find
    newline = find("\n")
    while newline >= 0:
        add(newline + 1)
        newline = find("\n", newline + 1)
    return starts


# How far back from a piece's limit a sentence start is looked for (a few sentences' worth:
# the sentence rules run over this much text once per piece).
CUT_WINDOW = 400


def piece_end(text: str, start: int, limit: int) -> int:
    """Where to end a piece of a long line that starts at ``start`` and may not reach past
    ``limit``: where the last sentence starting shortly before ``limit`` starts, else after the
    last space in the second half of the piece, else at ``limit``."""
    window = max(start, limit - CUT_WINDOW)
    starts = [sentence_start for sentence_start, _ in split_sentences(text, window, limit) if sentence_start > window]
    if starts:
        return starts[-1]
    space = text.rfind(" ", start + (limit - start) // 2, limit)
    return space + 1 if space >= 0 else limit


@dataclass
class Document:
    """An article: its text, where it came from and its content hash.

    Offsets anywhere in Postil are Python ``str`` indices into ``text``, end exclusive.
    """

    text: str
    title: str
    source: str
    sha256: str = ""
    doc_id: str = ""
    added: str = ""
    previous: str | None = None
    meta: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.sha256:
            self.sha256 = content_hash(self.text)
        if not self.doc_id:
            self.doc_id = doc_id_for(self.sha256)

    @cached_property
    def paragraphs(self) -> Paragraphs:
        """Every line of the text, blank ones included (a very long one in pieces), so that
        rows map back to offsets."""
        return Paragraphs(self.text)

    def meta_text(self, key: str) -> str:
        """``meta[key]`` as text, stripped; "" when absent or not a string (metadata comes from web
        pages, import files and hand edits)."""
        value = self.meta.get(key) if isinstance(self.meta, dict) else None
        return value.strip() if isinstance(value, str) else ""

    def paragraph_at(self, offset: int) -> Paragraph:
        """The paragraph holding ``offset`` (the last one for the end of the text)."""
        return self.paragraphs[self.paragraphs.index_at(offset)]

    def line_at(self, offset: int) -> Paragraph:
        """The whole line holding ``offset``: its paragraph, or all the pieces of a line that
        was too long to be one (numbered by its first piece)."""
        return self.paragraphs.line_of(self.paragraphs.index_at(offset))


# What a document record's ``status`` may hold: set when the user marks the document done
# (with ``done_by`` and ``done_at``); a document never marked has none.
DONE = "done"

# The stored fields of a document, each with its check (``text`` is absent when a side file holds it).
DOCUMENT_CHECKS = {
    "doc_id": text_problem, "sha256": text_problem, "title": text_problem, "source": text_problem,
    "added": text_problem, "previous": optional(text_problem), "meta": optional(object_problem), "text": text_problem,
    "status": optional(one_of((DONE,))), "done_by": optional(text_problem), "done_at": optional(text_problem),
}


def document_problems(record: dict) -> list[Problem]:
    """``(field, reason)`` for each field of a stored document that is missing or outside the data model."""
    return [(name, "is missing") for name in ("doc_id", "sha256") if name not in record] + checked(record, DOCUMENT_CHECKS)
