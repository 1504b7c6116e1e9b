"""Re-anchoring on a changed text: exact where the text around a span changed, near-quote or orphan
where the span itself changed, never on unrelated text."""

from __future__ import annotations

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from tui.model.anchoring import (
    ANCHORED,
    MAX_QUOTE_ERROR_RATE,
    ORPHAN,
    TextMapping,
    approximate_ends,
    approximate_matches,
    edit_distance,
    reanchor,
)
from tui.model.annotation import Annotation

SETTINGS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])

# The original texts are repetitive on purpose (few letters); inserted text uses other letters.
OLD_ALPHABET = "abcd e\n"
NEW_ALPHABET = "XYZW"


def brute_force_ends(pattern: str, text: str, max_errors: int, anchored: bool = False) -> list[tuple[int, int]]:
    """Sellers' dynamic programme: the fewest edits of ``pattern`` ending at each offset (from
    any start, or ``anchored`` from the text's start)."""
    previous = list(range(len(pattern) + 1))
    found = []
    for position, char in enumerate(text):
        current = [position + 1 if anchored else 0]
        for i in range(1, len(pattern) + 1):
            current.append(min(previous[i] + 1, current[i - 1] + 1, previous[i - 1] + (pattern[i - 1] != char)))
        previous = current
        if current[-1] <= max_errors:
            found.append((position + 1, current[-1]))
    return found


@SETTINGS
@given(st.text("abc", min_size=1, max_size=12), st.text("abcd", max_size=40), st.integers(0, 4))
def test_bit_parallel_search_agrees_with_the_dynamic_programme(pattern, text, max_errors):
    assert approximate_ends(pattern, text, max_errors) == brute_force_ends(pattern, text, max_errors)
    assert approximate_ends(pattern, text, max_errors, anchored=True) == brute_force_ends(pattern, text, max_errors, anchored=True)


@SETTINGS
@given(st.text("ab ", min_size=1, max_size=12), st.text("ab ", max_size=30), st.integers(0, 3))
def test_an_approximate_match_spans_text_within_its_reported_edits(pattern, text, max_errors):
    for start, end, errors in approximate_matches(pattern, text, max_errors):
        assert edit_distance(pattern, text[start:end]) == errors <= max_errors


def test_an_edit_inside_repeated_letters_never_widens_a_span_onto_text_beyond_its_error_budget():
    # "aaa a " on "aaaa a a": replacing " a" by " " gives "aaaa  a"; the span was put on
    # "aaaa  " (2 edits, 1 allowed) when the start was searched without ending at the match.
    old, new = "aaaa a a", "aaaa  a"
    placed, _ = reanchor(old, new, annotations_on(old, [(1, 7)]), "new")
    found = new[placed[0].start : placed[0].end]
    assert placed[0].anchor == ORPHAN or edit_distance(found, "aaa a ") <= int(6 * MAX_QUOTE_ERROR_RATE)


@st.composite
def text_with_spans(draw):
    text = draw(st.text(OLD_ALPHABET, min_size=4, max_size=200))
    spans = []
    for _ in range(draw(st.integers(1, 4))):
        start = draw(st.integers(0, len(text) - 1))
        end = draw(st.integers(start + 1, min(len(text), start + 30)))
        spans.append((start, end))
    return text, spans


def annotations_on(text: str, spans: list[tuple[int, int]]) -> list[Annotation]:
    return [Annotation.on_text("old", text, "entity", "ORG", start, end) for start, end in spans]


def occurrences(text: str, quote: str) -> int:
    """How many places ``quote`` occurs at, overlapping ones included."""
    return sum(1 for start in range(len(text)) if text.startswith(quote, start))


def outside(spans, start: int, end: int) -> bool:
    """True when the edit of ``[start, end)`` touches no span (an insertion has start == end)."""
    if start == end:
        return all(not (s < start < e) for s, e in spans)
    return all(end <= s or start >= e for s, e in spans)


@SETTINGS
@given(text_with_spans(), st.data())
def test_insertions_outside_spans_leave_every_span_anchored_exactly(case, data):
    text, spans = case
    edits = []
    for _ in range(data.draw(st.integers(1, 3))):
        position = data.draw(st.integers(0, len(text)))
        assume(outside(spans, position, position))
        edits.append((position, data.draw(st.text(NEW_ALPHABET, min_size=1, max_size=20))))
    new = text
    for position, inserted in sorted(edits, reverse=True):
        new = new[:position] + inserted + new[position:]

    def moved(offset: int, is_start: bool) -> int:
        # Text inserted at a span's start goes before it; at its end, after it.
        return offset + sum(len(s) for p, s in edits if p < offset or (p == offset and is_start))

    placed, report = reanchor(text, new, annotations_on(text, spans), "new")
    for (start, end), annotation in zip(spans, placed):
        assert (annotation.start, annotation.end, annotation.anchor) == (moved(start, True), moved(end, False), ANCHORED)
    assert report.anchored == len(spans)


@SETTINGS
@given(text_with_spans(), st.data())
def test_deletions_outside_spans_put_every_span_back_on_its_own_text(case, data):
    text, spans = case
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    assume(outside(spans, start, end))
    new = text[:start] + text[end:]
    expected = [(s - (end - start) if s >= end else s, e - (end - start) if s >= end else e) for s, e in spans]
    placed, _ = reanchor(text, new, annotations_on(text, spans), "new")
    for (want_start, want_end), annotation, (old_start, old_end) in zip(expected, placed, spans):
        quote = text[old_start:old_end]
        assert annotation.anchor != ORPHAN
        assert new[annotation.start : annotation.end] == quote
        # Where the deleted text repeats the span's neighbourhood the same deletion could have
        # been made in another place, and the span's text occurs more than once: either is right.
        assert (annotation.start, annotation.end) == (want_start, want_end) or occurrences(new, quote) > 1


@SETTINGS
@given(text_with_spans(), st.data())
def test_edits_inside_spans_land_on_matching_text_or_orphan(case, data):
    text, spans = case
    target_start, target_end = data.draw(st.sampled_from(spans))
    start = data.draw(st.integers(target_start, target_end - 1))
    end = data.draw(st.integers(start, min(len(text), target_end + 3)))
    replacement = data.draw(st.text(OLD_ALPHABET + NEW_ALPHABET, max_size=8))
    new = text[:start] + replacement + text[end:]
    assume(new and new != text)
    originals = annotations_on(text, spans)
    placed, report = reanchor(text, new, originals, "new")
    for original, annotation in zip(originals, placed):
        if annotation.anchor == ORPHAN:
            assert annotation.quote == original.quote  # kept with its quote
            continue
        assert 0 <= annotation.start < annotation.end <= len(new)
        found = new[annotation.start : annotation.end]
        allowed = 0 if annotation.anchor == ANCHORED else int(len(original.quote.exact) * MAX_QUOTE_ERROR_RATE)
        assert edit_distance(found, original.quote.exact) <= allowed
        assert annotation.quote.exact == found
    assert report.total == len(spans)


def test_unrelated_text_leaves_every_annotation_an_orphan():
    old = "Amazon announced a one-year moratorium on police use of Rekognition, said Isedua Oribhabor."
    new = "Weather: sunny spells over the hills tomorrow, with light winds and no rain expected at all."
    spans = [(0, 6), (19, 38), (56, 67), (74, 90)]
    placed, report = reanchor(old, new, annotations_on(old, spans), "new")
    assert [a.anchor for a in placed] == [ORPHAN] * 4
    assert report.summary == "4 annotations re-anchored: 0 in place, 0 moved, 4 orphaned"


def test_a_typo_fixed_inside_a_name_moves_the_mention_onto_the_fixed_name():
    old = "The statement came from Isedua Oribabor of Access Now on Tuesday."
    new = "The statement came from Isedua Oribhabor of Access Now on Tuesday."
    placed, report = reanchor(old, new, annotations_on(old, [(24, 39)]), "new")
    assert new[placed[0].start : placed[0].end] == "Isedua Oribhabor"
    assert placed[0].anchor == "moved" and report.summary == "1 annotation re-anchored: 0 in place, 1 moved, 0 orphaned"


def test_repeated_quote_moved_far_away_picks_the_occurrence_nearest_its_old_place():
    old = "Amazon said no. " + "Filler text here. " * 10 + "Later Amazon said yes."
    new = "Amazon said no. " + "Filler text here. " * 10 + "Later the firm said yes. Amazon agreed."
    start = old.rindex("Amazon")
    placed, _ = reanchor(old, new, annotations_on(old, [(start, start + 6)]), "new")
    assert placed[0].start == new.rindex("Amazon") and placed[0].anchor == "moved"


def test_mapping_of_a_position_inside_changed_text_stays_between_its_neighbours():
    mapping = TextMapping("one two three", "one 2 three")
    assert mapping.exact(0) == 0 and mapping.exact(8) == 6
    assert mapping.exact(4) is None
    assert 4 <= mapping.approximate(5) <= 5
