"""Lazy wrapped layout of a whole document: rows are computed only for paragraphs being shown.

Opening a book must cost about what opening a page costs, so a paragraph is wrapped only
when one of its rows is asked for. Until then its row count is estimated from its length;
a Fenwick tree of row counts turns "which paragraph holds row r" and "which row does
paragraph p start at" into O(log n) lookups that stay valid as estimates become exact.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import OrderedDict
from collections.abc import Callable
from itertools import accumulate
from typing import Generic, TypeVar

from tui.model.document import Document
from tui.model.wrap import Row, wrap_paragraph

# How many paragraphs keep their rows (or tokens, or sentences) at once: many screens' worth,
# so that reading a book does not keep a copy of its layout.
PARAGRAPHS_KEPT = 512

V = TypeVar("V")


class BoundedCache(Generic[V]):
    """What was worked out for the most recently used paragraphs, at most ``size`` of them."""

    def __init__(self, size: int = PARAGRAPHS_KEPT) -> None:
        self.size = size
        self._items: OrderedDict[int, V] = OrderedDict()

    def __len__(self) -> int:
        return len(self._items)

    def get(self, key: int, make: Callable[[int], V]) -> V:
        """The value kept for ``key``, else ``make(key)`` kept (the least recently used one let go)."""
        items = self._items
        value = items.get(key)
        if value is None:
            value = items[key] = make(key)
            if len(items) > self.size:
                items.popitem(last=False)
        else:
            items.move_to_end(key)
        return value


class RowCounts:
    """A Fenwick (binary indexed) tree of per-paragraph row counts."""

    def __init__(self, counts: list[int]) -> None:
        self.size = len(counts)
        self.counts = list(counts)
        # Node i sums the counts in (i - lowbit(i), i]: a difference of two prefix sums.
        prefix = list(accumulate(counts, initial=0))
        self._tree = [0, *(prefix[i] - prefix[i - (i & -i)] for i in range(1, self.size + 1))]
        self.total = prefix[-1]

    def set(self, index: int, count: int) -> None:
        """Change paragraph ``index``'s row count."""
        delta = count - self.counts[index]
        if not delta:
            return
        self.counts[index] = count
        self.total += delta
        i = index + 1
        while i <= self.size:
            self._tree[i] += delta
            i += i & -i

    def rows_before(self, index: int) -> int:
        """How many rows the paragraphs before ``index`` take."""
        total, i = 0, index
        while i > 0:
            total += self._tree[i]
            i -= i & -i
        return total

    def paragraph_of_row(self, row: int) -> int:
        """The paragraph holding row ``row`` (0 <= row < total)."""
        position, remaining = 0, row
        step = 1 << self.size.bit_length()
        while step:
            following = position + step
            if following <= self.size and self._tree[following] <= remaining:
                position = following
                remaining -= self._tree[following]
            step >>= 1
        return min(position, self.size - 1)


class WrappedLayout:
    """The rows of a document at one width, wrapped on demand paragraph by paragraph."""

    def __init__(self, document: Document, width: int) -> None:
        self.document = document
        self.width = max(1, width)
        self._rows: BoundedCache[tuple[list[Row], list[int]]] = BoundedCache()  # rows and their starts
        # Until wrapped, a paragraph's rows are estimated from its length: word wrapping leaves
        # some room at line ends, about one row in eight more than a hard cut.
        room = self.width * 8
        self.counts = RowCounts([max(1, -(-length * 9 // room)) for length in document.paragraphs.lengths()])

    @property
    def total_rows(self) -> int:
        """Rows of the whole document (exact for wrapped paragraphs, estimated for the rest)."""
        return self.counts.total

    def paragraph_rows(self, index: int) -> list[Row]:
        """The rows of paragraph ``index``, wrapping it now if needed."""
        return self._rows.get(index, self._wrap)[0]

    def _wrap(self, index: int) -> tuple[list[Row], list[int]]:
        paragraph = self.document.paragraphs[index]
        rows = wrap_paragraph(self.document.text, paragraph.start, paragraph.end, self.width, index)
        self.counts.set(index, len(rows))
        return rows, [row.start for row in rows]

    def row(self, number: int) -> Row | None:
        """Row ``number`` of the document, or ``None`` past the end."""
        # Each pass either finds the row or wraps a paragraph whose count was an estimate,
        # so the loop ends; the total may shrink below ``number`` on the way.
        while 0 <= number < self.counts.total:
            index = self.counts.paragraph_of_row(number)
            before = self.counts.rows_before(index)
            rows = self.paragraph_rows(index)
            if self.counts.rows_before(index) == before and number - before < len(rows):
                return rows[number - before]
        return None

    def row_of(self, offset: int) -> int:
        """The number of the row showing character ``offset``."""
        paragraph = self.document.paragraph_at(offset)
        _, starts = self._rows.get(paragraph.index, self._wrap)
        within = max(0, bisect_right(starts, offset) - 1)
        return self.counts.rows_before(paragraph.index) + within
