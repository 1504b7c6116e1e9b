"""Issue 14's first bar from end to end: a web page added with ``postil add``, a claim in it
given a verdict, and its date and canonical URL in the ClaimReview export."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from tui.cli import main
from tui.model.annotation import CLAIM, Annotation
from tui.model.claims import claim_attrs
from tui.session.corpus import find_document
from tui.store.records import ANNOTATIONS, Change
from tui.store.repository import open_store

PAGE = Path(__file__).parent / "fixtures" / "web" / "harbour_article.html"


def test_a_web_pages_date_and_url_reach_the_claimreview_export(tmp_path, capsys):
    page = shutil.copy(PAGE, tmp_path / "harbour.html")
    db = tmp_path / "day.json"
    assert main(["add", str(page), "--db", str(db)]) == 0
    capsys.readouterr()
    store = open_store(db)
    document = store.document(find_document(store, "harbour expansion"))
    sentence = next(line for line in document.text.splitlines() if len(line.split()) > 8)
    start = document.text.index(sentence)
    attrs = claim_attrs(start, start + len(sentence), "assertion", verdict="mostly-true")
    claim = Annotation.on_text(document.doc_id, document.text, CLAIM, "assertion", start, start + len(sentence), annotator="checker", attrs=dict(attrs))
    store.apply([Change(ANNOTATIONS, claim.id, claim.to_record())])
    store.close()

    out = tmp_path / "reviews.json"
    status = main(["export", "--format", "claimreview", "--doc", "harbour expansion", "--db", str(db), "--out", str(out),
                   "--review-url", "https://checks.example/harbour", "--publisher", "Checks"])
    assert status == 0
    (review,) = json.loads(out.read_text())
    claim_reviewed = review["itemReviewed"]
    assert claim_reviewed["datePublished"] == "2024-03-14"  # the article's date, never the day it was added
    assert claim_reviewed["appearance"]["url"] == "https://coastal-ledger.example/news/2024/03/harbour-expansion"
    assert review["claimReviewed"] == " ".join(sentence.split())
    assert review["reviewRating"]["alternateName"] == "mostly-true"
