"""A sorted index of spans answering "which spans touch this range" without a full scan."""

from __future__ import annotations

from bisect import bisect_left, insort
from collections.abc import Iterator
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
        self._keys: list[tuple[int, int, str]] = sorted((i.start, i.end, i.id) for i in self._items.values())
        self._longest = max((i.end - i.start for i in self._items.values()), default=0)

    def __len__(self) -> int:
        return len(self._items)

    def __iter__(self) -> Iterator[T]:
        return (self._items[key[2]] for key in self._keys)

    def add(self, item: T) -> None:
        """Insert a span (replacing one with the same id)."""
        if item.id in self._items:
            self.remove(item.id)
        self._items[item.id] = item
        insort(self._keys, (item.start, item.end, item.id))
        self._longest = max(self._longest, item.end - item.start)

    def remove(self, item_id: str) -> T | None:
        """Remove a span by id and return it."""
        item = self._items.pop(item_id, None)
        if item is not None:
            key = (item.start, item.end, item.id)
            i = bisect_left(self._keys, key)
            if i < len(self._keys) and self._keys[i] == key:
                del self._keys[i]
        return item

    def get(self, item_id: str) -> T | None:
        """The span with this id, if indexed."""
        return self._items.get(item_id)

    def overlapping(self, start: int, end: int) -> list[T]:
        """Spans with any character in ``[start, end)`` (or covering ``start`` when empty)."""
        end = max(end, start + 1)
        low = bisect_left(self._keys, (start - self._longest, -1, ""))
        high = bisect_left(self._keys, (end, -1, ""))
        return [self._items[key[2]] for key in self._keys[low:high] if key[1] > start]

    def at(self, offset: int) -> list[T]:
        """Spans covering the character at ``offset``, innermost (shortest) first."""
        return sorted(self.overlapping(offset, offset + 1), key=lambda item: item.end - item.start)

    def next_after(self, offset: int) -> T | None:
        """The first span starting after ``offset``."""
        i = bisect_left(self._keys, (offset + 1, -1, ""))
        return self._items[self._keys[i][2]] if i < len(self._keys) else None

    def previous_before(self, offset: int) -> T | None:
        """The last span starting before ``offset``."""
        i = bisect_left(self._keys, (offset, -1, "")) - 1
        return self._items[self._keys[i][2]] if i >= 0 else None
