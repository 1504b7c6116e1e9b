"""Where the quotes are in a paragraph: pairs of double or single marks, found on the text alone.

This needs no spaCy, so it can be tested (and reasoned about) on plain strings. ``prepared`` is the
paragraph with curly marks made straight (:func:`tui.nlp.text.straighten_quotes`), ``original`` the
same text before that, which tells which way a curly mark faces. Offsets are into the paragraph.
"""

from __future__ import annotations

from dataclasses import dataclass

from tui.nlp.text import CLOSING_MARKS, OPENING_MARKS


@dataclass
class QuoteSegment:
    """The text between a pair of quote marks in one paragraph (offsets in the paragraph)."""

    start: int
    end: int
    open_mark: int
    close_mark: int | None



def quote_segments(prepared: str, original: str, continues: bool = False) -> list[QuoteSegment]:
    """The quoted stretches of a paragraph, in double marks or (British style) in single ones.

    A double opening mark with no closing one runs to the end. Curly marks say which way they
    face; straight ones alternate. ``continues`` tells that the previous paragraph ended inside a
    quote, so a closing mark met first ends a quote begun there. A quote in double marks inside
    one in single marks (or the other way round) is part of the outer quote.
    """
    double = _double_quote_segments(prepared, original, continues)
    single = _single_quote_segments(prepared, original, double)
    double = [d for d in double if not any(s.open_mark < d.open_mark and last_of(d) < s.close_mark for s in single)]
    trimmed = []
    for segment in sorted(double + single, key=lambda segment: segment.start):
        text = prepared[segment.start : segment.end]
        start = segment.start + len(text) - len(text.lstrip())
        end = segment.end - (len(text) - len(text.rstrip()))
        if end > start and any(ch.isalnum() for ch in prepared[start:end]):
            trimmed.append(QuoteSegment(start, end, segment.open_mark, segment.close_mark))
    return trimmed


def last_of(segment: QuoteSegment) -> int:
    """The last position a quote takes: its closing mark, or its end when it has none."""
    return segment.end if segment.close_mark is None else segment.close_mark


def _double_quote_segments(prepared: str, original: str, continues: bool) -> list[QuoteSegment]:
    """The stretches between double marks, untrimmed (see :func:`quote_segments`)."""
    segments: list[QuoteSegment] = []
    open_at: int | None = None
    for position, char in enumerate(prepared):
        if char != '"':
            continue
        mark = original[position]
        if open_at is None:
            faces_closing = _faces_closing(prepared, position)
            closing = (mark in CLOSING_MARKS or mark in "\"'") and faces_closing
            if closing and continues and not segments:
                # The quote of the previous paragraph goes on here without an opening mark.
                segments.append(QuoteSegment(0, position, -1, position))
            elif mark not in CLOSING_MARKS or _faces_opening(prepared, position):
                # A closing mark before a word with nothing open is an opening one turned the wrong way.
                open_at = position
        elif mark in OPENING_MARKS:
            # An opening mark inside a quote: the earlier quote was never closed.
            segments.append(QuoteSegment(open_at + 1, position, open_at, None))
            open_at = position
        else:
            segments.append(QuoteSegment(open_at + 1, position, open_at, position))
            open_at = None
    if open_at is not None:
        segments.append(QuoteSegment(open_at + 1, len(prepared), open_at, None))
    return segments


def _single_quote_segments(prepared: str, original: str, double: list[QuoteSegment]) -> list[QuoteSegment]:
    """The stretches between single marks outside double quotes, untrimmed.

    A single closing mark is also the apostrophe, so a quote in single marks needs both marks,
    in the same paragraph: the opening one starts a word (after a space, a bracket or a dash),
    the closing one ends a word and is not followed by a letter (as in "won't"). A plural
    possessive ("the workers' union") is passed over when a later mark can close the quote. Fewer
    than two words in single marks are a term or an elision ("rock 'n' roll"), not a quote.
    """
    taken = [(segment.open_mark, last_of(segment)) for segment in double]
    segments: list[QuoteSegment] = []
    position = 0
    while (open_at := prepared.find("'", position)) != -1:
        position = open_at + 1
        if any(first <= open_at <= last for first, last in taken) or not _opens_single_quote(prepared, original, open_at):
            continue
        close_at = _single_closing_mark(prepared, original, open_at)
        if close_at is None:
            break  # no mark after this one can close a quote
        if len(prepared[open_at + 1 : close_at].split()) < 2:
            continue
        segments.append(QuoteSegment(open_at + 1, close_at, open_at, close_at))
        position = close_at + 1
    return segments


def _single_closing_mark(prepared: str, original: str, open_at: int) -> int | None:
    """Where the quote opened at ``open_at`` closes: the first mark that can close it and is not
    a plural possessive, else the last possessive-looking one."""
    possessive = None
    at = open_at + 1
    while (at := prepared.find("'", at + 1)) != -1:
        if original[at] == "\u2018" or not _closes_single_quote(prepared, at):
            continue
        if not _plural_possessive(prepared, at):
            return at
        possessive = at
    return possessive


def _opens_single_quote(prepared: str, original: str, position: int) -> bool:
    """A single mark that starts a quote: a left mark, or a straight one before a letter, that
    follows a space, a bracket, a dash or the start of the paragraph."""
    before = prepared[position - 1] if position > 0 else " "
    after = prepared[position + 1] if position + 1 < len(prepared) else " "
    if not (before.isspace() or before in "([\u2014\u2013-"):
        return False
    if original[position] == "\u2018":
        return not after.isspace()
    return original[position] == "'" and after.isalpha()


def _closes_single_quote(prepared: str, position: int) -> bool:
    """A single mark that can end a quote: it ends a word and no letter or digit follows it."""
    after = prepared[position + 1] if position + 1 < len(prepared) else " "
    return not prepared[position - 1].isspace() and not after.isalnum()


def _plural_possessive(prepared: str, position: int) -> bool:
    """A mark after a plural's s and before a lowercase word: "the workers' union"."""
    following = prepared[position + 1 : position + 3]
    return prepared[position - 1] == "s" and len(following) == 2 and following[0] == " " and following[1].islower()


def _faces_opening(text: str, position: int) -> bool:
    """True when a mark at ``position`` starts a word: after a space, a bracket or the start, and
    before a letter or digit."""
    before = text[position - 1] if position > 0 else " "
    after = text[position + 1] if position + 1 < len(text) else " "
    return (before.isspace() or before in "([\u2014") and after.isalnum()


def _faces_closing(text: str, position: int) -> bool:
    """True when a straight mark at ``position`` closes a quote: it ends a word and not starts one."""
    before = text[position - 1] if position > 0 else " "
    after = text[position + 1] if position + 1 < len(text) else " "
    return not before.isspace() and (after.isspace() or after in ",.;:!?)")


def looks_like_title(text: str) -> bool:
    """A short quoted name in title case, e.g. a robot called "Better Idea of Afghan Girls"."""
    words = text.strip(" ,.").split()
    if not words or len(words) > 7:
        return False
    small = {"of", "the", "a", "an", "and", "in", "on", "for", "to", "at"}
    return all(word[0].isupper() or word in small or not word[0].isalpha() for word in words) and len(words) > 1


def looks_like_term(prepared: str, segment: QuoteSegment) -> bool:
    """A few words in single marks: a term set apart ("its 'legacy backlog'"), as American usage
    has it, rather than a quote (when no cue introduces it)."""
    quoted = prepared[segment.start : segment.end]
    return segment.open_mark >= 0 and prepared[segment.open_mark] == "'" and len(quoted.split()) < 4
