"""Export-only formats: ClaimReview JSON-LD, Citron quote JSON and the CSV table of claims."""

from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path

import pytest

from tui.cli import main

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "formats"))
from seed import build_store, find  # noqa: E402


@pytest.fixture
def db(tmp_path):
    """The hard fixture's database path and document."""
    store, document = build_store(tmp_path / "db.json")
    store.close()
    return str(tmp_path / "db.json"), document


def test_claimreview_for_claims_with_a_verdict(db, capsys):
    path, document = db
    assert main(["export", "--format", "claimreview", "--db", path, "--publisher", "Example Fact Check", "--publisher-url", "https://factcheck.example"]) == 0
    captured = capsys.readouterr()
    reviews = json.loads(captured.out)
    assert [r["claimReviewed"] for r in reviews] == ["the city cut crime by 20% last year", "安全だ", "crime fell sharply in 2025"]
    first = reviews[0]
    assert first["@context"] == "https://schema.org" and first["@type"] == "ClaimReview"
    assert first["author"] == {"@type": "Organization", "name": "Example Fact Check", "url": "https://factcheck.example"}
    # Jane Doe's knowledge-base id (Q000000) names no Wikidata item, so no sameAs.
    assert first["itemReviewed"]["author"] == {"@type": "Person", "name": "Jane Doe"}
    assert first["itemReviewed"]["appearance"]["url"] == "https://news.example/article-123"
    # The fixture article has no date: the claim's datePublished is left out, never the day it was added.
    assert "datePublished" not in first["itemReviewed"]
    assert first["reviewRating"] == {
        "@type": "Rating", "ratingValue": 3, "bestRating": 6, "worstRating": 1,
        "alternateName": "misleading", "ratingExplanation": "Police figures show 12%, not 20%.",
    }
    assert reviews[1]["reviewRating"]["ratingValue"] == 6 and reviews[2]["reviewRating"]["ratingValue"] == 1
    assert "not exported: 1 claims without a verdict (ClaimReview needs one)" in captured.err
    assert "3 of 3 ClaimReviews lack what Google requires: missing url (the fact-check's page: pass --review-url URL)" in captured.err
    assert "3 of 3 ClaimReviews have no article date (itemReviewed.datePublished left out)" in captured.err


def test_citron_quotes_with_cue_sources_and_split_contents(db, capsys):
    path, document = db
    assert main(["export", "--format", "citron", "--db", path]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["text"] == document.text
    quotes = data["quotes"]
    split = next(q for q in quotes if len(q["contents"]) == 2)
    assert [c["text"] for c in split["contents"]] == ["We are not done,", "and we will 🚀 keep going."]
    assert split["cue"] == {"start": find(document.text, "said", 2)[0], "end": find(document.text, "said", 2)[1], "text": "said"}
    assert split["sources"] == [{"start": find(document.text, "Doe", 2)[0], "end": find(document.text, "Doe", 2)[1], "text": "Doe"}]
    for quote in quotes:
        for piece in [quote["cue"], *quote["sources"], *quote["contents"]]:
            if piece:
                assert document.text[piece["start"] : piece["end"]] == piece["text"]
    jane = next(g for g in data["coreference_groups"] if g["name"] == "Jane Doe")
    assert [m["text"] for m in jane["mentions"]] == ["Jane Doe", "Doe"]


def test_csv_has_one_row_per_claim(db, capsys):
    path, document = db
    assert main(["export", "--format", "csv", "--db", path]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert len(rows) == 4
    first = rows[0]
    assert (first["speaker"], first["cue"], first["text"], first["verdict"], first["note"]) == (
        "Jane Doe", "said", "the city cut crime by 20% last year", "misleading", "Police figures show 12%, not 20%.",
    )
    # Each row names its document: title, source, URL (the source, a web address here), date (none) and annotator.
    assert (first["title"], first["source"], first["url"], first["date"], first["annotator"]) == (
        "Fixture", "https://news.example/article-123", "https://news.example/article-123", "", "ann1",
    )
    assert first["evidence"].split() == ["https://police.example/stats", "https://news.example/fact"]
    assert rows[1]["text"] == "We are not done, … and we will 🚀 keep going."
    assert rows[2]["speaker"] == "小池知事" and rows[2]["note"] == "確認済み"
    assert rows[3]["text"] == "crime fell sharply in 2025"


def test_suggestions_stay_out_unless_asked(db, capsys):
    path, document = db
    assert main(["export", "--format", "prodigy", "--db", path]) == 0
    tasks = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [t["answer"] for t in tasks] == ["accept"]
    assert tasks[0]["_annotator_id"] == "ann1" and isinstance(tasks[0]["_timestamp"], int)
    assert "the city" not in [s["text"] for s in tasks[0]["spans"] if s["postil"]["role"] == "entity"]
    assert main(["export", "--format", "prodigy", "--db", path, "--include-suggested"]) == 0
    tasks = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [t["answer"] for t in tasks] == ["accept", "ignore"]
    assert [s["text"] for s in tasks[1]["spans"]] == ["the city"]
    assert tasks[0]["_input_hash"] == tasks[1]["_input_hash"] and tasks[0]["_task_hash"] != tasks[1]["_task_hash"]
    # The rejected suggestion ("Police") is never exported.
    assert all(s["text"] != "Police" or s["postil"]["role"] == "speaker" for t in tasks for s in t["spans"])
