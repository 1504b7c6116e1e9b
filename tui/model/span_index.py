"""A sorted index of spans answering "which spans touch this range" without a full scan."""

from __future__ import annotations

from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from contextlib import contextmanager
from operator import attrgetter
from typing import Generic, Protocol, TypeVar


class HasSpan(Protocol):
    """Anything with a half-open ``[start, end)`` range and an ``id``."""

    id: str
    start: int
    end: int


T = TypeVar("T", bound=HasSpan)


class SpanIndex(Generic[T]):
    """Spans kept sorted by start; a query bisects, then scans back at most the longest span.

    Queries cost O(log n + k + w) where k is the number of hits and w the number of spans
    starting within one longest-span length before the range: small for entity and
    sentence-sized claims, whatever the number of spans in the document.
    """

    def __init__(self, items: list[T] | None = None) -> None:
        self._items: dict[str, T] = {item.id: item for item in items or []}
        # Sorted by (start, end, id): the offsets in arrays, not a tuple per span (a book has 100,000).
        ordered = sorted(self._items.values(), key=attrgetter("start", "end", "id"))
        self._starts = array("q", [item.start for item in ordered])
        self._ends = array("q", [item.end for item in ordered])
        self._ids = [item.id for item in ordered]
        self._longest = max((i.end - i.start for i in self._items.values()), default=0)
        # While changes are deferred (see deferred): spans added, and those taken out of the arrays.
        self._deferring = False
        self._added: dict[str, T] = {}
        self._taken: set[tuple[int, int, str]] = set()

    def __len__(self) -> int:
        return len(self._items)

    def __iter__(self) -> Iterator[T]:
        return (self._items[key] for key in self._ids)

    def _place(self, start: int, end: int, item_id: str) -> int:
        """Where ``(start, end, item_id)`` is, or would go, in the sorted order."""
        low = bisect_left(self._starts, start)
        high = bisect_right(self._starts, start, low)
        ends, ids = self._ends, self._ids
        return low + bisect_left(range(low, high), (end, item_id), key=lambda i: (ends[i], ids[i]))

    @contextmanager
    def deferred(self) -> Iterator[None]:
        """Adds and removes inside are applied at the end in one pass: the arrays are copied once,
        slice by slice, around the k places found by bisection (O(n) in C, O(k log n) in Python),
        where each alone shifts the arrays (O(n) each: 19,000 accepted at once took seconds).
        No query may be made inside."""
        self._deferring = True
        try:
            yield
        finally:
            self._deferring = False
            self._merge_deferred()

    def _merge_deferred(self) -> None:
        taken, added = self._taken, self._added
        self._added, self._taken = {}, set()
        if taken:  # each was in the arrays when the deferral began
            cuts = sorted(self._place(*key) for key in taken)
            self._splice([(at, at + 1, None) for at in cuts])
        if added:
            keys = sorted((item.start, item.end, item.id) for item in added.values())
            self._splice([(at, at, key) for at, key in zip([self._place(*key) for key in keys], keys, strict=True)])
            self._longest = max(self._longest, *(end - start for start, end, _ in keys))

    def _splice(self, edits: list[tuple[int, int, tuple[int, int, str] | None]]) -> None:
        """Rebuild the arrays with each ``(low, high, key)`` of ``edits`` (in order, apart) putting
        ``key`` (or nothing) in place of ``[low, high)``: copied slice by slice."""
        starts, ends, ids = array("q"), array("q"), []
        previous = 0
        for low, high, key in edits:
            starts.extend(self._starts[previous:low])
            ends.extend(self._ends[previous:low])
            ids.extend(self._ids[previous:low])
            if key is not None:
                starts.append(key[0])
                ends.append(key[1])
                ids.append(key[2])
            previous = high
        starts.extend(self._starts[previous:])
        ends.extend(self._ends[previous:])
        ids.extend(self._ids[previous:])
        self._starts, self._ends, self._ids = starts, ends, ids

    def add(self, item: T) -> None:
        """Insert a span (replacing one with the same id)."""
        if item.id in self._items:
            self.remove(item.id)
        self._items[item.id] = item
        if self._deferring:
            self._added[item.id] = item
            return
        at = self._place(item.start, item.end, item.id)
        self._starts.insert(at, item.start)
        self._ends.insert(at, item.end)
        self._ids.insert(at, item.id)
        self._longest = max(self._longest, item.end - item.start)

    def remove(self, item_id: str) -> T | None:
        """Remove a span by id and return it."""
        item = self._items.pop(item_id, None)
        if item is not None and self._deferring:
            if self._added.pop(item_id, None) is None:
                self._taken.add((item.start, item.end, item.id))
        elif item is not None:
            at = self._place(item.start, item.end, item.id)
            if at < len(self._ids) and self._ids[at] == item.id and self._starts[at] == item.start and self._ends[at] == item.end:
                del self._starts[at], self._ends[at], self._ids[at]
        return item

    def get(self, item_id: str) -> T | None:
        """The span with this id, if indexed."""
        return self._items.get(item_id)

    def overlapping(self, start: int, end: int) -> list[T]:
        """Spans with any character in ``[start, end)`` (or covering ``start`` when empty)."""
        end = max(end, start + 1)
        low = bisect_left(self._starts, start - self._longest)
        high = bisect_left(self._starts, end, low)
        ends, ids, items = self._ends, self._ids, self._items
        return [items[ids[i]] for i in range(low, high) if ends[i] > start]

    def at(self, offset: int) -> list[T]:
        """Spans covering the character at ``offset``, innermost (shortest) first."""
        return sorted(self.overlapping(offset, offset + 1), key=lambda item: item.end - item.start)

    def next_after(self, offset: int) -> T | None:
        """The first span starting after ``offset``."""
        i = bisect_left(self._starts, offset + 1)
        return self._items[self._ids[i]] if i < len(self._ids) else None

    def previous_before(self, offset: int) -> T | None:
        """The last span starting before ``offset``."""
        i = bisect_left(self._starts, offset) - 1
        return self._items[self._ids[i]] if i >= 0 else None
