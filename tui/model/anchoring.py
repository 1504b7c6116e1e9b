"""Re-anchoring: placing annotations again on a new version of their text.

Each annotation keeps its position and its quote (exact text, 32 characters of prefix and
suffix). When the text changes we still have the old text, so a position is first mapped
through a diff of old -> new and kept if the quote is there; else the exact quote nearest
the mapped position is taken; else a fuzzy match is searched (bit-parallel approximate
matching) and scored on quote, prefix, suffix and position, the way Hypothesis re-anchors.
A match scoring below the threshold leaves the annotation an orphan: kept with its quote,
never drawn, never dropped. Pure functions, no I/O.
"""

from __future__ import annotations

import bisect
import difflib
from dataclasses import dataclass, field, replace

from tui.model.annotation import ANCHORED, MOVED, ORPHAN, Annotation, Quote
from tui.model.claims import SPAN_ATTRS, SPAN_LIST_ATTRS
from tui.model.display import plural

# A fuzzy match may differ from the quote in at most this share of its characters.
MAX_QUOTE_ERROR_RATE = 0.25
# Fuzzy matches whose weighted score (0..1) is below this leave the annotation an orphan.
MIN_FUZZY_SCORE = 0.5
# Weights of the fuzzy score (Hypothesis uses the same proportions).
QUOTE_WEIGHT, PREFIX_WEIGHT, SUFFIX_WEIGHT, POSITION_WEIGHT = 50.0, 20.0, 20.0, 2.0
# Changed stretches up to this many characters (both sides) are diffed character by character.
CHAR_DIFF_LIMIT = 6_000
# A shortest edit script is tried on changes up to this size and this many edited characters
# (its cost grows with both); beyond, a line diff refined inside changed lines is used.
SHORTEST_DIFF_LIMIT = 20_000
MAX_SHORTEST_EDITS = 300
# A fuzzy search looks this far around the expected position before searching everywhere.
SEARCH_RADIUS = 5_000


class TextMapping:
    """Where each position of an old text is in a new text, from a diff of the two.

    The diff trims the common start and end, diffs the rest line by line, and changed lines
    character by character when they are short enough.
    """

    def __init__(self, old: str, new: str) -> None:
        self.old_length = len(old)
        self.new_length = len(new)
        self.blocks = _matching_blocks(old, new)
        self._starts = [a for a, _, _ in self.blocks]

    def exact(self, position: int) -> int | None:
        """The new position of the old character at ``position`` if it is unchanged, else None."""
        index = bisect.bisect_right(self._starts, position) - 1
        if index < 0:
            return None
        a, b, size = self.blocks[index]
        return b + position - a if position < a + size else None

    def approximate(self, position: int) -> int:
        """The new position nearest to where ``position`` went (also inside changed text)."""
        index = bisect.bisect_right(self._starts, position) - 1
        if index < 0:
            return min(position, self.new_length)
        a, b, size = self.blocks[index]
        if position < a + size:
            return b + position - a
        limit = self.blocks[index + 1][1] if index + 1 < len(self.blocks) else self.new_length
        return min(b + size + (position - a - size), limit)

    def span(self, start: int, end: int) -> tuple[int, int] | None:
        """The new ``[start, end)`` of an unchanged old span, None when any of it changed."""
        new_start = self.exact(start)
        new_last = self.exact(end - 1)
        if new_start is None or new_last is None or new_last - new_start != end - 1 - start:
            return None
        return new_start, new_last + 1


def _common_prefix(old: str, new: str) -> int:
    low, high = 0, min(len(old), len(new))
    while low < high:  # binary search on slices: fast in C even for long texts
        middle = (low + high + 1) // 2
        if old[:middle] == new[:middle]:
            low = middle
        else:
            high = middle - 1
    return low


def _matching_blocks(old: str, new: str) -> list[tuple[int, int, int]]:
    """Non-overlapping ``(old_start, new_start, size)`` runs of identical text, in order."""
    prefix = _common_prefix(old, new)
    suffix = _common_prefix(old[prefix:][::-1], new[prefix:][::-1])
    blocks = [(0, 0, prefix)] if prefix else []
    old_middle, new_middle = old[prefix : len(old) - suffix], new[prefix : len(new) - suffix]
    if old_middle and new_middle:
        blocks += _middle_blocks(old_middle, new_middle, prefix, prefix)
    if suffix:
        blocks.append((len(old) - suffix, len(new) - suffix, suffix))
    return [block for block in blocks if block[2] > 0]


def _middle_blocks(old: str, new: str, old_base: int, new_base: int) -> list[tuple[int, int, int]]:
    """Matching runs of two texts that differ at both ends: a shortest edit script when the
    change is small, else a line diff refined character by character inside changed lines."""
    if len(old) + len(new) <= SHORTEST_DIFF_LIMIT:
        shortest = shortest_edit_blocks(old, new, MAX_SHORTEST_EDITS)
        if shortest is not None:
            return [(old_base + a, new_base + b, n) for a, b, n in shortest]
    blocks = []
    old_lines = old.splitlines(keepends=True)
    new_lines = new.splitlines(keepends=True)
    old_offsets = _offsets(old_lines, 0)
    new_offsets = _offsets(new_lines, 0)
    lines = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    for tag, i1, i2, j1, j2 in lines.get_opcodes():
        a, b = old_offsets[i1], new_offsets[j1]
        if tag == "equal":
            blocks.append((old_base + a, new_base + b, old_offsets[i2] - a))
        elif tag == "replace":
            old_part, new_part = old[a : old_offsets[i2]], new[b : new_offsets[j2]]
            if len(old_part) + len(new_part) > CHAR_DIFF_LIMIT:
                continue
            shortest = shortest_edit_blocks(old_part, new_part, MAX_SHORTEST_EDITS)
            if shortest is None:
                shortest = [block for block in difflib.SequenceMatcher(None, old_part, new_part, autojunk=False).get_matching_blocks() if block[2]]
            blocks += [(old_base + a + x, new_base + b + y, n) for x, y, n in shortest]
    return blocks


def shortest_edit_blocks(old: str, new: str, max_edits: int) -> list[tuple[int, int, int]] | None:
    """The matching runs of a shortest edit script from ``old`` to ``new`` (Myers' O(ND) diff),
    or None when it needs more than ``max_edits`` insertions and deletions."""
    n, m = len(old), len(new)
    frontier = {1: 0}
    trace = []
    for edits in range(min(n + m, max_edits) + 1):
        trace.append(dict(frontier))
        for k in range(-edits, edits + 1, 2):
            if k == -edits or (k != edits and frontier[k - 1] < frontier[k + 1]):
                x = frontier[k + 1]
            else:
                x = frontier[k - 1] + 1
            y = x - k
            while x < n and y < m and old[x] == new[y]:
                x += 1
                y += 1
            frontier[k] = x
            if x >= n and y >= m:
                return _blocks_from_trace(trace, n, m)
    return None


def _blocks_from_trace(trace: list[dict[int, int]], n: int, m: int) -> list[tuple[int, int, int]]:
    """Walk a Myers trace back from the end, collecting the diagonal (matching) runs."""
    pairs = []
    x, y = n, m
    for edits in range(len(trace) - 1, -1, -1):
        frontier = trace[edits]
        k = x - y
        if k == -edits or (k != edits and frontier.get(k - 1, -1) < frontier.get(k + 1, -1)):
            previous_k = k + 1
        else:
            previous_k = k - 1
        previous_x = frontier.get(previous_k, 0)
        previous_y = previous_x - previous_k
        while x > previous_x and y > previous_y:
            x -= 1
            y -= 1
            pairs.append((x, y))
        x, y = previous_x, previous_y
    pairs.reverse()
    blocks: list[tuple[int, int, int]] = []
    for a, b in pairs:
        if blocks and blocks[-1][0] + blocks[-1][2] == a and blocks[-1][1] + blocks[-1][2] == b:
            blocks[-1] = (blocks[-1][0], blocks[-1][1], blocks[-1][2] + 1)
        else:
            blocks.append((a, b, 1))
    return blocks


def _offsets(lines: list[str], base: int) -> list[int]:
    offsets = [base]
    for line in lines:
        offsets.append(offsets[-1] + len(line))
    return offsets


def edit_distance(a: str, b: str) -> int:
    """The Levenshtein distance between two (short) strings."""
    if len(a) < len(b):
        a, b = b, a
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i]
        for j, char_b in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char_a != char_b)))
        previous = current
    return previous[-1]


def similarity(expected: str, found: str) -> float:
    """1.0 for equal strings, falling to 0.0 as the edit distance reaches the longer length."""
    longest = max(len(expected), len(found))
    return 1.0 if longest == 0 else 1.0 - edit_distance(expected, found) / longest


def approximate_ends(pattern: str, text: str, max_errors: int, anchored: bool = False) -> list[tuple[int, int]]:
    """``(end, errors)`` for every end offset in ``text`` where a substring ending there is
    within ``max_errors`` edits of ``pattern`` (Myers' bit-parallel algorithm), from any start or, ``anchored``, from 0."""
    length = len(pattern)
    if length == 0:
        return []
    mask = (1 << length) - 1
    high = 1 << (length - 1)
    peq: dict[str, int] = {}
    for index, char in enumerate(pattern):
        peq[char] = peq.get(char, 0) | (1 << index)
    pv, mv, score = mask, 0, length
    found = []
    for position, char in enumerate(text):
        eq = peq.get(char, 0)
        xv = eq | mv
        xh = (((eq & pv) + pv) ^ pv) | eq
        ph = mv | (~(xh | pv) & mask)
        mh = pv & xh
        if ph & high:
            score += 1
        elif mh & high:
            score -= 1
        ph = ((ph << 1) | anchored) & mask
        mh = (mh << 1) & mask
        pv = mh | (~(xv | ph) & mask)
        mv = ph & xv
        if score <= max_errors:
            found.append((position + 1, score))
    return found


def approximate_matches(pattern: str, text: str, max_errors: int) -> list[tuple[int, int, int]]:
    """``(start, end, errors)`` of approximate occurrences of ``pattern`` in ``text`` with at most
    ``max_errors`` edits: for every end offset that qualifies, the start giving fewest edits."""
    matches = []
    reversed_pattern = pattern[::-1]
    for end, errors in approximate_ends(pattern, text, max_errors):
        window_start = max(0, end - len(pattern) - max_errors)
        backwards = approximate_ends(reversed_pattern, text[window_start:end][::-1], errors, anchored=True)
        if backwards:
            length = min(backwards, key=lambda item: (item[1], abs(item[0] - len(pattern))))[0]
            matches.append((end - length, end, errors))
    return matches


@dataclass
class ReanchorReport:
    """How the annotations of an old version fared on the new one."""

    previous_doc_id: str = ""
    anchored: int = 0
    moved: int = 0
    orphaned: int = 0
    saved: bool = True
    orphan_ids: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        """How many annotations were re-anchored."""
        return self.anchored + self.moved + self.orphaned

    @property
    def summary(self) -> str:
        """One line for the status bar, e.g. "12 annotations re-anchored: 10 in place, 1 moved, 1 orphaned"."""
        line = f"{plural(self.total, 'annotation')} re-anchored: {self.anchored} in place, {self.moved} moved, {self.orphaned} orphaned"
        return line if self.saved else f"{line} (not saved: the database is read-only)"


@dataclass(frozen=True)
class Placement:
    """Where an annotation goes on the new text, and how it got there."""

    start: int
    end: int
    status: str
    score: float = 1.0


def _context_score(quote: Quote, text: str, start: int, end: int) -> float:
    prefix = text[max(0, start - len(quote.prefix)) : start]
    suffix = text[end : end + len(quote.suffix)]
    return (similarity(quote.prefix, prefix) + similarity(quote.suffix, suffix)) / 2


def _full_context_match(quote: Quote, text: str, start: int, end: int) -> bool:
    return text[max(0, start - len(quote.prefix)) : start] == quote.prefix and text[end : end + len(quote.suffix)] == quote.suffix


def _occurrences(text: str, exact: str) -> list[int]:
    found, position = [], text.find(exact)
    while position >= 0:
        found.append(position)
        position = text.find(exact, position + 1)
    return found


def _mapped_span(mapping: TextMapping, start: int, end: int, new_text: str, exact: str) -> tuple[int, int] | None:
    """Where the diff puts an unchanged span, if its quote is there.

    The whole span mapped is the first choice; else where its first, or its last, character
    went (a shortest edit script may pair one end of a span with an identical character of
    inserted text, while the rest of the span moved along intact).
    """
    whole = mapping.span(start, end)
    candidates = [whole] if whole is not None else []
    first, last = mapping.exact(start), mapping.exact(end - 1)
    if first is not None:
        candidates.append((first, first + end - start))
    if last is not None:
        candidates.append((last + 1 - (end - start), last + 1))
    for new_start, new_end in candidates:
        if 0 <= new_start and new_text[new_start:new_end] == exact:
            return new_start, new_end
    return None


def fuzzy_score(quote: Quote, text: str, start: int, end: int, errors: int, hint: int) -> float:
    """The weighted score (0..1) of placing ``quote`` on ``text[start:end]`` with ``errors`` edits."""
    quote_score = 1.0 - errors / max(1, len(quote.exact))
    prefix_score = similarity(quote.prefix, text[max(0, start - len(quote.prefix)) : start])
    suffix_score = similarity(quote.suffix, text[end : end + len(quote.suffix)])
    position_score = 1.0 - abs(start - hint) / max(1, len(text))
    total = QUOTE_WEIGHT * quote_score + PREFIX_WEIGHT * prefix_score + SUFFIX_WEIGHT * suffix_score + POSITION_WEIGHT * position_score
    return total / (QUOTE_WEIGHT + PREFIX_WEIGHT + SUFFIX_WEIGHT + POSITION_WEIGHT)


def place(quote: Quote, old_start: int, old_end: int, new_text: str, mapping: TextMapping | None) -> Placement:
    """Find where an annotation with ``quote``, once at ``[old_start, old_end)``, goes in ``new_text``.

    ``mapping`` is None when the old position is not to be trusted (an earlier orphan).
    """
    exact = quote.exact
    if not exact:
        return Placement(old_start, old_end, ORPHAN, 0.0)
    occurrences = _occurrences(new_text, exact)
    mapped = _mapped_span(mapping, old_start, old_end, new_text, exact) if mapping is not None else None
    if mapped is not None:
        # The diff's choice wins unless it split repeated text so that another occurrence
        # is where the whole recorded context is and the mapped one is not.
        if not _full_context_match(quote, new_text, *mapped):
            better = [p for p in occurrences if _full_context_match(quote, new_text, p, p + len(exact))]
            if better:
                start = min(better, key=lambda p: abs(p - mapped[0]))
                return Placement(start, start + len(exact), ANCHORED)
        return Placement(mapped[0], mapped[1], ANCHORED)
    hint = mapping.approximate(old_start) if mapping is not None else min(old_start, len(new_text))
    if occurrences:
        # The quote with its whole context intact is the same place, whatever the diff aligned.
        in_place = [p for p in occurrences if _full_context_match(quote, new_text, p, p + len(exact))]
        if in_place and mapping is not None:
            start = min(in_place, key=lambda p: abs(p - hint))
            return Placement(start, start + len(exact), ANCHORED)
        start = min(occurrences, key=lambda p: (abs(p - hint), -_context_score(quote, new_text, p, p + len(exact))))
        return Placement(start, start + len(exact), MOVED)
    max_errors = int(len(exact) * MAX_QUOTE_ERROR_RATE)
    if max_errors == 0:
        return Placement(old_start, old_end, ORPHAN, 0.0)
    best: Placement | None = None
    window_start = max(0, hint - SEARCH_RADIUS - len(exact))
    window_end = min(len(new_text), hint + SEARCH_RADIUS + len(exact))
    for low, high in ((window_start, window_end), (0, len(new_text))):
        for start, end, errors in approximate_matches(exact, new_text[low:high], max_errors):
            start, end = start + low, end + low
            if start >= end:
                continue
            score = fuzzy_score(quote, new_text, start, end, errors, hint)
            if best is None or score > best.score + 1e-12:
                best = Placement(start, end, MOVED, score)
        if best is not None or (low, high) == (0, len(new_text)):
            break
    if best is None or best.score < MIN_FUZZY_SCORE:
        return Placement(old_start, old_end, ORPHAN, 0.0 if best is None else best.score)
    return best


def _move_span(span, old_text: str, new_text: str, mapping: TextMapping, shift: int):
    """An ``[start, end]`` offset pair of a claim, carried to the new text (None if its text is gone)."""
    if not (isinstance(span, (list, tuple)) and len(span) == 2 and all(isinstance(x, int) for x in span)):
        return span
    start, end = span
    if not 0 <= start < end <= len(old_text):
        return None
    wanted = old_text[start:end]
    mapped = mapping.span(start, end)
    if mapped is not None and new_text[mapped[0] : mapped[1]] == wanted:
        return [mapped[0], mapped[1]]
    if 0 <= start + shift and end + shift <= len(new_text) and new_text[start + shift : end + shift] == wanted:
        return [start + shift, end + shift]
    return None


def _moved_attrs(attrs: dict, old_text: str, new_text: str, mapping: TextMapping, shift: int, placement: Placement) -> dict:
    """A claim's offset attributes (cue, speaker span, content) carried over to the new text."""
    moved = dict(attrs)
    for name in SPAN_ATTRS:
        if name in moved and moved[name] is not None:
            moved[name] = _move_span(moved[name], old_text, new_text, mapping, shift)
    for name in SPAN_LIST_ATTRS:
        if isinstance(moved.get(name), list):
            spans = [_move_span(span, old_text, new_text, mapping, shift) for span in moved[name]]
            kept = [span for span in spans if span is not None]
            moved[name] = kept or [[placement.start, placement.end]]
    return moved


def reanchor(old_text: str, new_text: str, annotations: list[Annotation], new_doc_id: str) -> tuple[list[Annotation], ReanchorReport]:
    """Every annotation of ``old_text`` placed again on ``new_text`` (as a copy on ``new_doc_id``).

    Placed annotations get their new offsets, a quote taken from the new text and ``anchor``
    ``anchored`` (where the diff put them) or ``moved``; the rest become orphans that keep
    their old offsets and quote. Returns the copies, in order, and the counts.
    """
    mapping = TextMapping(old_text, new_text)
    report = ReanchorReport(previous_doc_id=annotations[0].doc_id if annotations else "")
    placed = []
    for annotation in annotations:
        trusted = annotation.anchor != ORPHAN and old_text[annotation.start : annotation.end] == annotation.quote.exact
        placement = place(annotation.quote, annotation.start, annotation.end, new_text, mapping if trusted else None)
        if placement.status == ORPHAN:
            report.orphaned += 1
            report.orphan_ids.append(annotation.id)
            placed.append(replace(annotation, doc_id=new_doc_id, anchor=ORPHAN))
            continue
        if placement.status == ANCHORED:
            report.anchored += 1
        else:
            report.moved += 1
        attrs = annotation.attrs
        if trusted:
            attrs = _moved_attrs(attrs, old_text, new_text, mapping, placement.start - annotation.start, placement)
        placed.append(
            replace(
                annotation,
                doc_id=new_doc_id,
                start=placement.start,
                end=placement.end,
                quote=Quote.from_text(new_text, placement.start, placement.end),
                anchor=placement.status,
                attrs=attrs,
            )
        )
    return placed, report
