"""Exports of a corpus: documents named by id or title, brat files named by title, CSV rows that
name their article, and ClaimReview built from the article's metadata and checked against what
Google's fact-check structured data requires."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from tui.cli import main
from tui.formats.publish import claimreview_problems, wikidata_url
from tui.model.annotation import CLAIM, ENTITY, Annotation, Entity
from tui.model.claims import UNVERIFIED, VERDICTS, claim_attrs
from tui.model.document import Document
from tui.model.labels import DEFAULT_SCHEME
from tui.store.records import ANNOTATIONS, ENTITIES, Change
from tui.store.repository import Store

MAYOR_TEXT = (
    "Mayor Jane Doe said the city cut crime by 20% last year.\n"
    "“Our streets are the safest they have been in a decade,” Doe said.\n"
    "The council said the budget is balanced.\n"
)
SENATOR_TEXT = "Senator Sam Smith said unemployment has halved since 2020.\nSmith added that wages rose 9%.\n"
FOLLOW_UP_TEXT = "A week later, Mayor Jane Doe said crime fell again in the first quarter.\n"

MAYOR_URL = "https://news.example/2026/03/14/mayor-crime"
SENATOR_URL = "https://wire.example/senator-jobs"


def _span(text: str, phrase: str) -> tuple[int, int]:
    start = text.index(phrase)
    return start, start + len(phrase)


def _claim(document: Document, phrase: str, verdict: str, speaker: str = "", annotator: str = "checker") -> Annotation:
    start, end = _span(document.text, phrase)
    attrs = claim_attrs(start, end, "reported", speaker=speaker, verdict=verdict)
    return Annotation.on_text(document.doc_id, document.text, CLAIM, "reported", start, end, annotator=annotator, attrs=dict(attrs))


def _mention(document: Document, phrase: str, entity: Entity) -> Annotation:
    start, end = _span(document.text, phrase)
    return Annotation.on_text(document.doc_id, document.text, ENTITY, entity.label, start, end, annotator="checker",
                              attrs={"entity_id": entity.entity_id})


@pytest.fixture
def corpus(tmp_path):
    """A real TinyDB file with three articles: two with the same title (one dated, one a follow-up
    without a date), and one added from its URL with no date. Six claims carry the six verdicts."""
    mayor = Document(text=MAYOR_TEXT, title="Mayor defends crime figures", source=str(tmp_path / "mayor.html"),
                     added="2026-03-15T09:00:00+00:00", meta={"url": MAYOR_URL, "date": "2026-03-14", "author": "Ann Reporter"})
    senator = Document(text=SENATOR_TEXT, title="Senator on jobs", source=SENATOR_URL,
                       added="2026-03-15T09:01:00+00:00", meta={"author": "Wire staff"})
    follow_up = Document(text=FOLLOW_UP_TEXT, title="Mayor defends crime figures", source=str(tmp_path / "follow-up.txt"),
                         added="2026-03-15T09:02:00+00:00", meta={"date": "yesterday"})
    jane = Entity(mayor.doc_id, "Jane Doe", "PERSON", kb_id="Q12345")
    council = Entity(mayor.doc_id, "city council", "ORG", kb_id="wikidata:Q777")
    smith = Entity(senator.doc_id, "Sam Smith", "PERSON", kb_id="viaf:4242")
    annotations = [
        _mention(mayor, "Jane Doe", jane),
        _claim(mayor, "the city cut crime by 20% last year", "misleading", speaker=jane.entity_id),
        _claim(mayor, "Our streets are the safest they have been in a decade", "mostly-true", speaker=jane.entity_id),
        _claim(mayor, "the budget is balanced", "true", speaker=council.entity_id),
        _claim(senator, "unemployment has halved since 2020", "false", speaker=smith.entity_id, annotator="second checker"),
        _claim(senator, "wages rose 9%", "mixed", speaker="Smith"),
        _claim(follow_up, "crime fell again in the first quarter", "unsupported", speaker="Jane Doe"),
        _claim(follow_up, "A week later", UNVERIFIED),
    ]
    path = tmp_path / "corpus.json"
    store = Store(path)
    for document in (mayor, senator, follow_up):
        store.add_document(document)
    store.apply([Change(ENTITIES, e.entity_id, e.to_record()) for e in (jane, council, smith)]
                + [Change(ANNOTATIONS, a.id, a.to_record()) for a in annotations])
    store.close()
    return path, mayor, senator, follow_up


def _export(capsys, db: Path, *args: str) -> tuple[int, str, str]:
    status = main(["export", "--db", str(db), *args])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def _error(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("postil export: ")
    return lines[0][len("postil export: "):]


REVIEW_OPTIONS = ("--publisher", "Example Fact Check", "--publisher-url", "https://factcheck.example",
                  "--review-url", "https://factcheck.example/checks/2026-03-15")


def test_claimreview_carries_the_articles_date_url_and_the_speakers_wikidata_page(corpus, capsys):
    db, mayor, senator, follow_up = corpus
    status, out, err = _export(capsys, db, "--format", "claimreview", "--all", *REVIEW_OPTIONS)
    assert status == 0
    reviews = {review["claimReviewed"]: review for review in json.loads(out)}
    assert len(reviews) == 6  # the unverified claim is no review

    cut = reviews["the city cut crime by 20% last year"]
    assert cut["url"] == "https://factcheck.example/checks/2026-03-15"
    assert cut["author"] == {"@type": "Organization", "name": "Example Fact Check", "url": "https://factcheck.example"}
    claim = cut["itemReviewed"]
    assert claim["datePublished"] == "2026-03-14"  # the article's date, not the day it was added (03-15) or exported
    assert claim["appearance"]["url"] == MAYOR_URL  # the canonical URL, not the local file it was added from
    assert claim["author"] == {"@type": "Person", "name": "Jane Doe", "sameAs": "https://www.wikidata.org/wiki/Q12345"}
    budget = reviews["the budget is balanced"]["itemReviewed"]
    assert budget["author"] == {"@type": "Organization", "name": "city council", "sameAs": "https://www.wikidata.org/wiki/Q777"}

    jobs = reviews["unemployment has halved since 2020"]["itemReviewed"]
    assert jobs["appearance"]["url"] == SENATOR_URL  # no url metadata: the web address it was added from
    assert "datePublished" not in jobs  # the article has no date: left out, never made up
    assert jobs["author"] == {"@type": "Person", "name": "Sam Smith"}  # a knowledge-base id that is not Wikidata's
    assert reviews["wages rose 9%"]["itemReviewed"]["author"] == {"@type": "Person", "name": "Smith"}
    follow = reviews["crime fell again in the first quarter"]["itemReviewed"]
    assert "datePublished" not in follow and "appearance" not in follow  # "yesterday" is no date; a local file no URL

    # Each verdict its own value on the stated scale, the verdict itself as the alternateName.
    ratings = {review["reviewRating"]["alternateName"]: review["reviewRating"] for review in reviews.values()}
    assert set(ratings) == {"misleading", "mostly-true", "true", "false", "mixed", "unsupported"}
    assert len({rating["ratingValue"] for rating in ratings.values()}) == 6
    for rating in ratings.values():
        assert (rating["worstRating"], rating["bestRating"]) == (1, 6)
        assert rating["worstRating"] <= rating["ratingValue"] <= rating["bestRating"]
    assert ratings["false"]["ratingValue"] == 1 and ratings["true"]["ratingValue"] == 6
    assert ratings["misleading"]["ratingValue"] < ratings["mixed"]["ratingValue"] < ratings["mostly-true"]["ratingValue"]

    # Every review holds what Google requires.
    assert {text: claimreview_problems(review) for text, review in reviews.items()} == {text: [] for text in reviews}
    assert "lack what Google requires" not in err

    # The claims whose article has no date are named on stderr, one line each, and counted.
    lines = err.splitlines()
    undated = [line for line in lines if line.startswith("ClaimReview of ")]
    assert len(undated) == 3
    assert any(line.startswith('ClaimReview of "unemployment has halved since 2020" (Senator on jobs, claim ')
               and line.endswith("): no article date (itemReviewed.datePublished left out)") for line in undated)
    assert any("crime fell again in the first quarter" in line and "'yesterday' is not an ISO 8601 date" in line for line in undated)
    assert "3 of 6 ClaimReviews have no article date (itemReviewed.datePublished left out)" in lines
    assert "exported 8 annotations from 3 document(s) as claimreview" in lines[0]
    assert "not exported: 1 claims without a verdict (ClaimReview needs one)" in lines


def test_claimreview_without_a_review_url_reports_each_claim_google_would_refuse(corpus, capsys):
    db, mayor, *_ = corpus
    status, out, err = _export(capsys, db, "--format", "claimreview", "--doc", mayor.doc_id, "--publisher", "Example Fact Check")
    assert status == 0
    reviews = json.loads(out)
    assert len(reviews) == 3 and all("url" not in review for review in reviews)
    assert [claimreview_problems(review) for review in reviews] == [["missing url"]] * 3
    lines = err.splitlines()
    per_claim = [line for line in lines if line.startswith("ClaimReview of ")]
    assert len(per_claim) == 3 and all(line.endswith("): missing url") for line in per_claim)
    assert '"the budget is balanced" (Mayor defends crime figures, claim ' in per_claim[2]
    assert "3 of 3 ClaimReviews lack what Google requires: missing url (the fact-check's page: pass --review-url URL)" in lines


def _full_review() -> dict:
    return {
        "@context": "https://schema.org", "@type": "ClaimReview", "url": "https://factcheck.example/c/1",
        "claimReviewed": "The world is flat",
        "itemReviewed": {"@type": "Claim", "datePublished": "2026-01-02"},
        "reviewRating": {"@type": "Rating", "ratingValue": 1, "bestRating": 6, "worstRating": 1, "alternateName": "false"},
    }


def test_claimreview_problems_names_each_property_google_requires():
    assert claimreview_problems(_full_review()) == []
    for path in ("url", "claimReviewed", "reviewRating"):
        review = _full_review()
        del review[path]
        assert claimreview_problems(review) == [f"missing {path}"] + (["missing reviewRating.alternateName"] if path == "reviewRating" else [])
    review = _full_review()
    review["reviewRating"]["alternateName"] = " "
    assert claimreview_problems(review) == ["missing reviewRating.alternateName"]
    review = _full_review()
    review["claimReviewed"] = ""
    assert claimreview_problems(review) == ["missing claimReviewed"]
    review = _full_review()
    review["url"] = "javascript:alert(1)"
    assert claimreview_problems(review) == ["url is not an http(s) URL"]
    review = _full_review()
    review["@type"] = "Review"
    assert claimreview_problems(review) == ['not a schema.org ClaimReview ("@context", "@type")']
    for rating in ({"ratingValue": 7}, {"ratingValue": "1"}, {"worstRating": 6, "bestRating": 1}):
        review = _full_review()
        review["reviewRating"].update(rating)
        assert claimreview_problems(review) == ["reviewRating.ratingValue is not a number between worstRating and bestRating"]


def test_every_verdict_but_unverified_has_its_own_rating_on_the_scale():
    ratings = {verdict.name: verdict.rating for verdict in DEFAULT_SCHEME.verdicts}
    assert set(ratings) == set(VERDICTS) - {UNVERIFIED}
    assert sorted(ratings.values()) == list(range(DEFAULT_SCHEME.worst_rating, DEFAULT_SCHEME.best_rating + 1))


def test_wikidata_pages_only_for_wikidata_items():
    page = "https://www.wikidata.org/wiki/Q42"
    for kb_id in ("Q42", " q42 ", "wikidata:Q42", "wd:Q42", "https://www.wikidata.org/wiki/Q42", "http://www.wikidata.org/entity/Q42"):
        assert wikidata_url(kb_id) == page, kb_id
    for kb_id in ("", "Q", "Q0", "Q42x", "viaf:42", "https://example.org/Q42", "P31"):
        assert wikidata_url(kb_id) == "", kb_id


def test_doc_takes_an_id_an_id_prefix_or_a_unique_part_of_a_title(corpus, capsys):
    db, mayor, senator, follow_up = corpus
    for ref in (senator.doc_id, senator.doc_id[:6], "senator ON", "JOBS"):
        status, out, err = _export(capsys, db, "--format", "csv", "--doc", ref)
        assert status == 0, err
        rows = list(csv.DictReader(io.StringIO(out)))
        assert {row["doc_id"] for row in rows} == {senator.doc_id}, ref
    status, out, _ = _export(capsys, db, "--format", "csv", "--doc", "jobs", "--doc", mayor.doc_id[:8])
    assert status == 0
    assert [row["doc_id"] for row in csv.DictReader(io.StringIO(out))] == [senator.doc_id] * 2 + [mayor.doc_id] * 3


def test_doc_that_names_none_or_several_lists_titles_on_one_line(corpus, capsys):
    db, mayor, senator, follow_up = corpus
    status, out, err = _export(capsys, db, "--format", "csv", "--doc", "mayor")
    assert status == 2 and out == ""
    assert _error(err) == (f"{db}: 'mayor' matches 2 documents: Mayor defends crime figures ({mayor.doc_id}); "
                           f"Mayor defends crime figures ({follow_up.doc_id}); give more of the title or the id")
    status, out, err = _export(capsys, db, "--format", "csv", "--doc", "weather")
    assert status == 2 and out == ""
    message = _error(err)
    assert message.startswith(f"{db}: no document matches 'weather'; the documents are: ")
    for document in (mayor, senator, follow_up):
        assert f"{document.title} ({document.doc_id})" in message


def test_doc_error_stays_one_line_when_a_title_holds_a_newline_or_an_escape(tmp_path, capsys):
    db = tmp_path / "db.json"
    store = Store(db)
    store.add_document(Document(text="One.", title="Line one\nline two \x1b[31m", source="a"))
    store.add_document(Document(text="Two.", title="Other", source="b"))
    store.close()
    status, _, err = _export(capsys, db, "--format", "csv", "--doc", "nothing")
    assert status == 2
    message = _error(err)
    assert "\x1b" not in message and "Line one␊line two ␛[31m (" in message


def test_brat_files_are_named_by_title_and_id_and_same_titles_do_not_collide(corpus, capsys, tmp_path):
    db, mayor, senator, follow_up = corpus
    out_dir = tmp_path / "brat"
    status, _, err = _export(capsys, db, "--format", "brat", "--all", "--out", str(out_dir))
    assert status == 0, err
    names = sorted(path.name for path in out_dir.iterdir())
    expected = {
        f"mayor-defends-crime-figures-{mayor.doc_id}": mayor,
        f"mayor-defends-crime-figures-{follow_up.doc_id}": follow_up,
        f"senator-on-jobs-{senator.doc_id}": senator,
    }
    assert names == sorted(["annotation.conf", *(f"{stem}.txt" for stem in expected), *(f"{stem}.ann" for stem in expected)])
    for stem, document in expected.items():
        assert (out_dir / f"{stem}.txt").read_text(encoding="utf-8") == document.text
    assert "Claim" in (out_dir / f"mayor-defends-crime-figures-{follow_up.doc_id}.ann").read_text(encoding="utf-8")


def test_csv_rows_name_their_article_and_annotator(corpus, capsys):
    db, mayor, senator, follow_up = corpus
    status, out, _ = _export(capsys, db, "--format", "csv", "--all")
    assert status == 0
    assert out.endswith("\r\n") and out.count("\r\n") == out.count("\n") == 8  # a header and seven claims, CRLF each
    rows = list(csv.DictReader(io.StringIO(out, newline="")))
    assert list(rows[0])[:8] == ["doc_id", "title", "source", "url", "date", "claim_id", "status", "annotator"]
    by_text = {row["text"]: row for row in rows}
    cut = by_text["the city cut crime by 20% last year"]
    assert (cut["title"], cut["source"], cut["url"], cut["date"], cut["annotator"]) == (
        "Mayor defends crime figures", mayor.source, MAYOR_URL, "2026-03-14", "checker")
    jobs = by_text["unemployment has halved since 2020"]
    assert (jobs["title"], jobs["source"], jobs["url"], jobs["date"], jobs["annotator"]) == (
        "Senator on jobs", SENATOR_URL, SENATOR_URL, "", "second checker")
    later = by_text["crime fell again in the first quarter"]
    assert (later["url"], later["date"]) == ("", "yesterday")  # the date as the article gave it; a local file has no URL


def test_csv_metadata_cells_are_never_formulas(tmp_path, capsys):
    db = tmp_path / "db.json"
    document = Document(text="Crime fell.", title="=HYPERLINK(\"http://evil.example\")", source="-2+3",
                        meta={"url": "https://news.example/a", "date": "@SUM(A1)"})
    store = Store(db)
    store.add_document(document)
    claim = _claim(document, "Crime fell", "true", annotator="+cmd")
    store.apply([Change(ANNOTATIONS, claim.id, claim.to_record())])
    store.close()
    status, out, _ = _export(capsys, db, "--format", "csv")
    assert status == 0
    row = next(csv.DictReader(io.StringIO(out, newline="")))
    assert (row["title"], row["source"], row["date"], row["annotator"]) == (
        "'=HYPERLINK(\"http://evil.example\")", "'-2+3", "'@SUM(A1)", "'+cmd")
