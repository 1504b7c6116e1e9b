"""The span index answers range queries exactly like a full scan would."""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import given, settings
from hypothesis import strategies as st

from tui.model.span_index import SpanIndex


@dataclass
class Span:
    id: str
    start: int
    end: int


spans = st.lists(
    st.tuples(st.integers(0, 200), st.integers(1, 40)).map(lambda t: (t[0], t[0] + t[1])), max_size=60
)


@settings(max_examples=150, deadline=None)
@given(ranges=spans, query=st.tuples(st.integers(0, 240), st.integers(0, 30)), removed=st.integers(0, 59))
def test_overlapping_matches_a_full_scan(ranges, query, removed):
    items = [Span(f"s{i}", s, e) for i, (s, e) in enumerate(ranges)]
    index = SpanIndex(items)
    if items:
        index.remove(items[removed % len(items)].id)
        items = [item for item in items if item.id != f"s{removed % len(items)}"]
    start, length = query
    end = start + length
    expected = {i.id for i in items if i.start < max(end, start + 1) and i.end > start}
    assert {i.id for i in index.overlapping(start, end)} == expected
    assert len(index) == len(items)


def test_at_returns_the_innermost_first_and_next_previous_walk_in_order():
    claim, entity, later = Span("claim", 0, 50), Span("entity", 10, 16), Span("later", 60, 66)
    index = SpanIndex([claim, entity, later])
    assert [s.id for s in index.at(12)] == ["entity", "claim"]
    assert index.next_after(0).id == "entity"
    assert index.next_after(10).id == "later"
    assert index.previous_before(60).id == "entity"
    assert index.previous_before(0) is None


@settings(max_examples=150, deadline=None)
@given(ranges=spans, removed=st.lists(st.integers(0, 59), max_size=20), query=st.tuples(st.integers(0, 240), st.integers(0, 30)))
def test_spans_added_and_removed_one_by_one_stay_in_order(ranges, removed, query):
    index: SpanIndex[Span] = SpanIndex()
    items = {f"s{i}": Span(f"s{i}", s, e) for i, (s, e) in enumerate(ranges)}
    for item in items.values():
        index.add(item)
    for number in removed:
        assert index.remove(f"s{number}") is items.pop(f"s{number}", None)
    moved = next(iter(items.values()), None)
    if moved is not None:  # added again elsewhere: the old place is let go
        moved = items[moved.id] = Span(moved.id, moved.start + 3, moved.end + 5)
        index.add(moved)
    assert [item.id for item in index] == [item.id for item in sorted(items.values(), key=lambda i: (i.start, i.end, i.id))]
    start, end = query[0], query[0] + query[1]
    assert {i.id for i in index.overlapping(start, end)} == {i.id for i in items.values() if i.start < max(end, start + 1) and i.end > start}


@settings(max_examples=150, deadline=None)
@given(before=spans, steps=st.lists(st.tuples(st.booleans(), st.integers(0, 79), st.integers(0, 200), st.integers(1, 30)), max_size=60),
       query=st.tuples(st.integers(0, 240), st.integers(0, 30)))
def test_adds_and_removes_deferred_to_one_merge_give_the_index_they_give_one_by_one(before, steps, query):
    """Many changes at once (an accept-all and its undo) are merged in at the end: the same spans,
    in the same order, as when each is made alone; re-adding an id (a status change) included."""
    items = [Span(f"s{i}", s, e) for i, (s, e) in enumerate(before)]
    alone: SpanIndex[Span] = SpanIndex(items)
    merged: SpanIndex[Span] = SpanIndex(items)
    with merged.deferred():
        for add, number, start, length in steps:
            for index in (alone, merged):
                if add:
                    index.add(Span(f"s{number}", start, start + length))
                else:
                    index.remove(f"s{number}")
    assert [(i.id, i.start, i.end) for i in merged] == [(i.id, i.start, i.end) for i in alone]
    start, end = query[0], query[0] + query[1]
    assert [i.id for i in merged.overlapping(start, end)] == [i.id for i in alone.overlapping(start, end)]
    assert merged.next_after(start) == alone.next_after(start) and merged.previous_before(start) == alone.previous_before(start)
