"""Suggesting on long texts: the search for many names at once, and the consistency pass handed
over in bounded batches (no spaCy: the model's records are given)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from tui.model.document import Document
from tui.nlp.suggest import CONSISTENCY_BATCH, assemble, find_any, phrase_pattern


def leftmost_longest(text: str, phrases: list[str]) -> list[tuple[int, int]]:
    """What a search for whole-word phrases should find: from left to right, at each place the
    longest phrase that starts there and is not inside a longer word, then on after it."""
    found = []
    position = 0
    candidates = sorted({p for p in phrases if p.strip()}, key=len, reverse=True)
    while position < len(text):
        for phrase in candidates:
            end = position + len(phrase)
            if (text.startswith(phrase, position)
                    and not (position > 0 and (text[position - 1].isalnum() or text[position - 1] == "_"))
                    and not (end < len(text) and (text[end].isalnum() or text[end] == "_"))):
                found.append((position, end))
                position = end
                break
        else:
            position += 1
    return found


@settings(max_examples=300, deadline=None)
@given(
    phrases=st.lists(st.text(alphabet="ab .-", min_size=1, max_size=6), min_size=1, max_size=25),
    text=st.text(alphabet="ab .-x", max_size=80),
)
def test_many_phrases_with_shared_beginnings_are_found_leftmost_and_longest(phrases, text):
    assert [(s, e) for s, e, _ in find_any(text, phrase_pattern(phrases))] == leftmost_longest(text, phrases)


def test_phrases_nested_too_deep_for_one_pattern_are_still_found():
    phrases = ["a" * n for n in range(1, 1500)]
    text = "a" * 1600 + " " + "a" * 7 + " b " + "a" * 1499
    assert [(s, e) for s, e, _ in find_any(text, phrase_pattern(phrases))] == [(1601, 1608), (1611, 3110)]


def test_the_consistency_pass_hands_over_its_mentions_in_bounded_batches():
    paragraphs = ["Zorblat Industries said so."] + [f"Then Zorblat Industries spoke again, time {n}." for n in range(2500)]
    text = "\n".join(paragraphs)
    document = Document(text=text, title="t", source="t")
    first = {"paragraph": 0, "start": 0, "end": len(paragraphs[0]), "entities": [[0, 18, "ORG"]], "claims": []}
    batches = list(assemble(document, [first], [], "model:test@1"))
    consistency = batches[1:]
    assert [len(batch.annotations) for batch in consistency] == [CONSISTENCY_BATCH, CONSISTENCY_BATCH, 500]
    assert [batch.final for batch in consistency] == [False, False, True]
    mentions = [a for batch in consistency for a in batch.annotations]
    assert [a.start for a in mentions] == sorted(a.start for a in mentions)
    assert all(text[a.start : a.end] == "Zorblat Industries" and a.label == "ORG" for a in mentions)
    assert all(batch.entities and batch.entities[0].name == "Zorblat Industries" for batch in consistency)
