"""The user's corrections (the gazetteer: "this text is this label") and where their texts occur.

A correction is suggested again at every other whole-word occurrence of its text; those
suggestions are derived from the corrections when they are looked at (see propagation.py),
never stored one per occurrence. Here: the corrections in the store's order, the latest of a
text winning, and the occurrences of the corrected texts in a stretch of the document or in all
of it. Where two occurrences overlap ("Acme" in "Acme Corp"), the longer one is kept (the first
one when they are as long), a rule that looks only at the occurrences around each one.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections.abc import Collection, Iterable

from tui.model.mentions import find_mentions, find_whole_words
from tui.store.records import GAZETTEER, Change

# An occurrence of a corrected text: (start, end, text).
Occurrence = tuple[int, int, str]
# The text is searched for the corrected texts in chunks this long, and so many are kept.
CHUNK = 4096
MAX_CHUNKS = 256
# A corrected text longer than this (a hand-edited database's) is not suggested elsewhere: every
# stretch of text drawn is searched this far around it.
LONGEST_TEXT = 1000


def gazetteer_change(text: str, label: str) -> Change:
    """The correction to remember for every document: ``text`` is a ``label``."""
    key = f"{label}\t{text}"
    return Change(GAZETTEER, key, {"key": key, "text": text, "label": label})


class Corrections:
    """The corrections of a database (text -> label) and their occurrences in one ``text``.

    ``gazetteer`` is the store's list of corrections, oldest first; a change applied here is
    applied as the store applies it, so the corrections stay what the store would read back.
    Only those with a label of ``allowed`` (the database's scheme, when given) are suggested: one
    a hand edit or an older scheme left would make annotations the scheme has no label for.
    """

    def __init__(self, text: str, gazetteer: Iterable[dict], allowed: Collection[str] | None = None) -> None:
        self.text = text
        self.allowed = allowed
        self.entries: dict[str, tuple[str, str]] = {}  # key -> (text, label), in the store's order
        for record in gazetteer:  # (checked by the store: a text and a label; a hand-made one may lack its key)
            self.entries[record.get("key") or f"{record['label']}\t{record['text']}"] = (record["text"], record["label"])
        self.generation = 0  # bumped whenever a text's label changes
        self._starts: dict[str, array] = {}  # text -> where it occurs (see occurrences)
        self._chunks: dict[int, list[Occurrence]] = {}  # see _raw
        self._relabel()

    def _relabel(self) -> None:
        labels: dict[str, str] = {}
        for text, label in self.entries.values():
            if text.strip() and len(text) <= LONGEST_TEXT and (self.allowed is None or label in self.allowed):
                labels.pop(text, None)  # the latest correction of a text wins
                labels[text] = label
        self.labels = labels
        self.longest = max(map(len, labels), default=0)
        self.generation += 1
        self._chunks = {}

    def apply(self, change: Change) -> bool:
        """Apply a change of the gazetteer table (others are ignored); ``True`` if it was one."""
        if change.table != GAZETTEER:
            return False
        if change.record is None:
            self.entries.pop(change.key, None)
        else:
            self.entries[change.key] = (change.record["text"], change.record["label"])
        self._relabel()
        return True

    def changes(self, text: str, label: str) -> list[Change]:
        """The changes that make ``text`` a ``label``: its correction, and the removal of the ones
        giving it another label (so that the latest is the one read back, wherever it is stored)."""
        stale = [Change(GAZETTEER, key, None) for key, (other, old) in self.entries.items() if other == text and old != label]
        return [*stale, gazetteer_change(text, label)]

    def occurrences(self, text: str) -> list[tuple[int, int]]:
        """Every whole-word ``[start, end)`` of ``text`` in the document."""
        return [(start, start + len(text)) for start in self.starts(text)]

    def starts(self, text: str) -> array:
        """Where ``text`` starts as whole words in the document, found once and kept as 8 bytes an
        occurrence (a correction of a common name occurs tens of thousands of times in a book).
        Safe from a worker thread (the text is immutable; the cache is filled by one assignment)."""
        found = self._starts.get(text)
        if found is None:
            found = self._starts[text] = array("q", [start for start, _ in find_mentions(self.text, text)])
        return found

    def _raw(self, low: int, high: int) -> list[Occurrence]:
        """The occurrences of the corrected texts starting in ``[low, high)``, in text order. The
        text is searched in chunks of CHUNK characters, each once per generation (a screen of
        rows asks for the same chunk row by row, with thousands of corrected texts to look for)."""
        low, high = max(0, low), min(len(self.text), high)
        found: list[Occurrence] = []
        for number in range(low // CHUNK, (high - 1) // CHUNK + 1):
            chunk = self._chunks.get(number)
            if chunk is None:
                if len(self._chunks) >= MAX_CHUNKS:
                    self._chunks.clear()
                chunk = self._chunks[number] = self._search(self.labels, number * CHUNK, (number + 1) * CHUNK)
            found += [o for o in chunk if low <= o[0] < high]
        return found

    def _search(self, labels: Iterable[str], low: int, high: int) -> list[Occurrence]:
        """The occurrences of the texts of ``labels`` starting in ``[low, high)``, in text order."""
        low, high = max(0, low), min(len(self.text), high)
        found: list[Occurrence] = []
        for text in labels:
            known = self._starts.get(text)
            if known is not None:
                first = bisect_left(known, low)
                found += [(start, start + len(text), text) for start in known[first : bisect_left(known, high, first)]]
            else:
                found += [(start, end, text) for start, end in find_whole_words(self.text, text, low, high)]
        found.sort(key=lambda o: (o[0], -o[1]))
        return found

    def between(self, low: int, high: int) -> list[Occurrence]:
        """The kept occurrences (see the module) overlapping ``[low, high)``, in text order; searches
        only that stretch and the longest corrected text around it."""
        longest = self.longest
        if not longest:
            return []
        raw = self._raw(low - 2 * longest, high + longest)
        return [o for o in kept(raw, longest) if o[0] < high and o[1] > low]

    def everywhere(self, labels: Iterable[str]) -> list[Occurrence]:
        """The kept occurrences of the texts of ``labels`` in the whole document (safe from a
        worker thread given a copy of the labels: one search per text, each found once)."""
        raw = [(start, start + len(text), text) for text in labels for start in self.starts(text)]
        raw.sort(key=lambda o: (o[0], -o[1]))
        return kept(raw, max(map(len, labels), default=0))


def kept(raw: list[Occurrence], longest: int) -> list[Occurrence]:
    """Of occurrences in text order (the longer first where several start at one place), those
    no overlapping one beats: a longer one, or one as long starting earlier. ``longest``: the
    longest of them, so an occurrence is compared only with those within reach of it."""
    result = []
    for i, (start, end, text) in enumerate(raw):
        length = end - start
        beaten = False
        j = i - 1
        while j >= 0 and raw[j][0] > start - longest:
            other_start, other_end, _ = raw[j]
            if other_end > start and other_end - other_start >= length:
                beaten = True
                break
            j -= 1
        j = i + 1
        while not beaten and j < len(raw) and raw[j][0] < end:
            beaten = raw[j][1] - raw[j][0] > length
            j += 1
        if not beaten:
            result.append((start, end, text))
    return result
