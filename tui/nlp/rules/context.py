"""What every rule reads about the paragraph in hand, and what carries over to the next one.

A :class:`ParagraphContext` is built once per parsed paragraph: spaCy rebuilds ``doc.text`` and
``doc.ents`` on every access, so they are kept here together with the quote segments, the
paragraph's offset in the document and the carried-over :class:`DocumentState`.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from tui.nlp.rules.lexicon import SPEAKER_LABELS
from tui.nlp.rules.segments import QuoteSegment


@dataclass(frozen=True)
class SpeakerRecord:
    """A speaker or name a later pronoun may stand for: its document span, its label ("GROUP"
    for people in the plural), its text and the paragraph it was met in."""

    start: int
    end: int
    label: str
    text: str
    paragraph: int


@dataclass
class DocumentState:
    """What the rules remember from one paragraph to the next."""

    last_quote: dict | None = None
    quote_paragraph: int = -10
    # The last quote is the end of its paragraph (but for its tag), so the next may go on with it.
    quote_ends_paragraph: bool = False
    paragraph: int = 0
    open_quote_at_end: bool = False
    # The speaker-labelled mentions so far, and the claims' speakers.
    mentions: list[SpeakerRecord] = field(default_factory=list)
    speakers: list[SpeakerRecord] = field(default_factory=list)
    # The label of each name of a person or body met so far, people's surnames alone included.
    names: dict[str, str] = field(default_factory=dict)
    # How often the model has labelled each name so far, by label.
    labels: dict[str, Counter] = field(default_factory=dict)
    # "f" or "m" by a person's surname, where a first name or title told it.
    genders: dict[str, str] = field(default_factory=dict)
    lead_in: dict | None = None
    # Names the document calls a product, found in its text before parsing.
    products: set[str] = field(default_factory=set)
    # Words the document writes in lower case somewhere (a lone one capitalised is no name).
    common: set[str] = field(default_factory=set)

    def quote_may_continue(self) -> bool:
        """True when the paragraph just analysed ended with a quote the next one may continue."""
        return self.quote_paragraph == self.paragraph - 1 and self.quote_ends_paragraph


@dataclass
class ParagraphContext:
    """One parsed paragraph: ``doc`` is spaCy's parse of ``text`` (the quote-straightened
    paragraph), ``base`` its offset in the document; rule offsets are into ``text`` unless
    they are made absolute with ``base``."""

    doc: Any
    text: str
    base: int
    ents: list
    segments: list[QuoteSegment]
    state: DocumentState
    token_starts: list[int] = field(default_factory=list)
    quoted: set[int] = field(default_factory=set)

    @classmethod
    def of(cls, doc, base: int, segments: list[QuoteSegment], state: DocumentState) -> ParagraphContext:
        """The context of ``doc`` with its quote ``segments`` already found."""
        context = cls(doc=doc, text=doc.text, base=base, ents=list(doc.ents), segments=segments, state=state)
        context.token_starts = [token.idx for token in doc]
        context.quoted = {token.i for s in segments for token in context.tokens_between(s.start, s.end)}
        return context

    def tokens_between(self, start: int, end: int):
        """The tokens starting within ``[start, end)`` of the paragraph, found by bisection."""
        return self.doc[bisect_left(self.token_starts, start) : bisect_left(self.token_starts, end)]

    def inside(self, token) -> bool:
        """True when ``token`` is within a quote."""
        return token.i in self.quoted

    def entity_covering(self, token):
        """The model entity with a speaker label that covers ``token``, if any."""
        for span in self.ents:
            if span.start <= token.i < span.end and span.label_ in SPEAKER_LABELS:
                return span
        return None

    def sentence_bounds(self, sentence) -> tuple[int, int]:
        """A sentence's span without outer spaces or an opening quote mark."""
        text = self.text[sentence.start_char : sentence.end_char]
        start = sentence.start_char + len(text) - len(text.lstrip(' "\''))
        end = sentence.end_char - (len(text) - len(text.rstrip()))
        return start, end

    def cue_span(self, cue) -> list[int]:
        """The cue verb's span in the document, with a particle such as "out" in "pointed out"."""
        end = cue.idx + len(cue.text)
        for child in cue.children:
            if child.dep_ == "prt" and child.i == cue.i + 1:
                end = child.idx + len(child.text)
        return [self.base + cue.idx, self.base + end]


def is_question(context: ParagraphContext, sentence) -> bool:
    """True when a sentence outside quotes asks rather than tells: it ends with a question mark."""
    tail = context.text[sentence.start_char : sentence.end_char].rstrip(" \n\"'")
    return tail.endswith("?") and not any(context.inside(t) for t in sentence if t.text == "?")
