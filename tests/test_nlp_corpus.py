"""Suggestion quality on the GUM news articles in ``../shared/corpus`` (skipped where absent)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tui.formats.readers import read_article
from tui.nlp import iter_suggestions, load_pipeline

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "gum-news"


@pytest.fixture(scope="module")
def scored():
    """Gold quotes and person/organisation/place mentions, each with whether a suggestion overlaps it."""
    if not CORPUS.is_dir():
        pytest.skip(f"{CORPUS} is absent (a fresh clone has no ../shared corpus)")
    pipeline, message = load_pipeline()
    assert pipeline is not None, message
    quotes, names = [], []
    for text_path in sorted(CORPUS.glob("*.txt")):
        gold = json.loads(text_path.with_name(text_path.stem + ".gold.json").read_text(encoding="utf-8"))
        mentions, quote_spans = [], []
        for batch in iter_suggestions(read_article(text_path), pipeline, []):
            for annotation in batch.annotations:
                if annotation.is_entity:
                    mentions.append((annotation.start, annotation.end))
                elif annotation.attrs["claim_type"] == "quote":
                    quote_spans += [tuple(part) for part in annotation.attrs["content"]]

        def found(item, spans):
            """True when a suggested span overlaps the gold item."""
            return any(item["start"] < end and start < item["end"] for start, end in spans)

        quotes += [found(q, quote_spans) for q in gold["quotes"]]
        names += [found(e, mentions) for e in gold["entities"] if e["label"] in ("PERSON", "ORG", "LOC")]
    return quotes, names


def test_direct_quote_recall(scored):
    quotes, _ = scored
    assert len(quotes) == 46
    assert sum(quotes) / len(quotes) >= 0.85


def test_person_organisation_place_recall(scored):
    _, names = scored
    assert sum(names) / len(names) >= 0.90
