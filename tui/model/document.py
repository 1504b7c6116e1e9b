"""Documents: the article text exactly as loaded, and its paragraphs."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import NamedTuple

_PARAGRAPH_BREAK = re.compile(r"\n")


def normalize_newlines(text: str) -> str:
    """Turn ``\\r\\n`` and lone ``\\r`` into ``\\n``: the only normalisation a text ever gets."""
    if "\r" not in text:  # one scan instead of three for the usual text
        return text
    return text.replace("\r\n", "\n").replace("\r", "\n")


def content_hash(text: str) -> str:
    """The SHA-256 of a text's UTF-8 bytes, in hex: a document's identity."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def doc_id_for(sha256: str) -> str:
    """The short, stable id a document is stored under."""
    return sha256[:16]


class Paragraph(NamedTuple):
    """A line of the document between two newlines, as half-open character offsets.

    (A tuple, not a dataclass: a book has tens of thousands and they are made on opening.)
    """

    index: int
    start: int
    end: int


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
    def paragraphs(self) -> list[Paragraph]:
        """Every line of the text, blank ones included, so that rows map back to offsets."""
        breaks = [match.start() for match in _PARAGRAPH_BREAK.finditer(self.text)]
        starts = [0, *(position + 1 for position in breaks)]
        ends = [*breaks, len(self.text)]
        return list(map(Paragraph, range(len(starts)), starts, ends))

    def paragraph_at(self, offset: int) -> Paragraph:
        """The paragraph holding ``offset`` (the last one for the end of the text)."""
        from bisect import bisect_right

        starts = self._paragraph_starts
        return self.paragraphs[max(0, bisect_right(starts, offset) - 1)]

    @cached_property
    def _paragraph_starts(self) -> list[int]:
        return [paragraph.start for paragraph in self.paragraphs]
