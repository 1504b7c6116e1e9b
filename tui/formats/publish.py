"""Export-only formats for publishing and analysis: ClaimReview, Citron quotes and a CSV of claims.

ClaimReview follows Google's fact-check structured data: :func:`claimreview_problems` names
what a review lacks of the properties Google requires, and the export reports each such
claim on stderr (through :meth:`Losses.note`) instead of leaving it to a validator later.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections import Counter
from datetime import date, datetime

from tui.formats.interchange import ExportItem, Losses
from tui.model.annotation import Annotation
from tui.model.claims import UNVERIFIED, verdict_of
from tui.model.document import Document
from tui.model.labels import DEFAULT_SCHEME, Scheme
from tui.store.storage import dump_json

WIKIDATA_PAGE = "https://www.wikidata.org/wiki/"
# A Wikidata item as an entity editor may hold it: Q42, wikidata:Q42, wd:Q42 or its page or entity URL.
_WIKIDATA_ID = re.compile(r"(?:(?:wikidata|wd):|https?://(?:www\.)?wikidata\.org/(?:wiki|entity)/)?(Q[1-9][0-9]*)", re.IGNORECASE)
_WEB_URL = re.compile(r"https?://[^\s/?#]+\S*", re.IGNORECASE)
CLAIM_SHOWN = 60
NO_ARTICLE_DATE = "no article date (itemReviewed.datePublished left out)"
# How to make up for a shortfall that an export option supplies.
SHORTFALL_HINTS = {"missing url": " (the fact-check's page: pass --review-url URL)"}


def speaker_name(item: ExportItem, claim: Annotation) -> str:
    """A claim's speaker as text: the entity's name, or the speaker as typed."""
    speaker = claim.attrs.get("speaker") or ""
    entity = item.entities.get(speaker)
    return entity.name if entity else speaker


def _text(item: ExportItem, span) -> str:
    return item.document.text[span[0] : span[1]] if span else ""


def claim_text(item: ExportItem, claim: Annotation) -> str:
    """What was claimed: the content pieces joined (a quote without its cue), else the span."""
    pieces = claim.attrs.get("content") or [[claim.start, claim.end]]
    return " … ".join(" ".join(_text(item, piece).split()) for piece in pieces)


def _claims(items: list[ExportItem]) -> list[tuple[ExportItem, Annotation]]:
    return [(item, a) for item in items for a in item.annotations if a.is_claim]


def _date(timestamp: str) -> str:
    return timestamp[:10]


def is_web_url(value: str) -> bool:
    """True for an ``http`` or ``https`` URL with a host (what a reader can open)."""
    return bool(_WEB_URL.fullmatch(value))


def article_url(document: Document) -> str:
    """Where the article can be read: its canonical URL (``meta["url"]``), else the URL it was
    added from; "" when it has neither (a local file). Only http(s) URLs count."""
    for candidate in (document.meta_text("url"), document.source.strip()):
        if is_web_url(candidate):
            return candidate
    return ""


def article_date(document: Document) -> str:
    """The article's publication date (``meta["date"]``) if it is an ISO 8601 date or date and
    time, else "" (never the day it was added or exported: that is not when it was said)."""
    value = document.meta_text("date")
    for parse in (date.fromisoformat, datetime.fromisoformat):
        try:
            parse(value)
        except ValueError:
            continue
        return value
    return ""


def wikidata_url(kb_id: str) -> str:
    """The Wikidata page of a knowledge-base id that names a Wikidata item (``Q42``), else ""."""
    match = _WIKIDATA_ID.fullmatch(kb_id.strip())
    return WIKIDATA_PAGE + match.group(1).upper() if match else ""


def _speaker(item: ExportItem, claim: Annotation) -> dict | None:
    """The claim's speaker as a schema.org Person or Organization, with ``sameAs`` its Wikidata page."""
    name = speaker_name(item, claim)
    if not name:
        return None
    entity = item.entities.get(claim.attrs.get("speaker") or "")
    kind = "Organization" if entity is not None and entity.label in ("ORG", "NORP", "GPE") else "Person"
    author = {"@type": kind, "name": name}
    same_as = wikidata_url(entity.kb_id) if entity is not None else ""
    if same_as:
        author["sameAs"] = same_as
    return author


def _field(value: dict, path: str) -> object:
    """The value at a dotted ``path`` of nested objects, or ``None``."""
    for name in path.split("."):
        value = value.get(name) if isinstance(value, dict) else None
    return value


def _number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


# What Google's fact-check structured data requires of a ClaimReview (and of its Rating).
GOOGLE_REQUIRED = ("claimReviewed", "reviewRating", "reviewRating.alternateName", "url")


def claimreview_problems(review: dict) -> list[str]:
    """Why ``review`` falls short of what Google requires of a ClaimReview, one reason each
    (none for a review Google can show): the JSON-LD type, the required properties with a
    value, the review's url an http(s) one, and a numeric rating inside its stated scale."""
    problems = []
    if review.get("@context") != "https://schema.org" or review.get("@type") != "ClaimReview":
        problems.append('not a schema.org ClaimReview ("@context", "@type")')
    for path in GOOGLE_REQUIRED:
        value = _field(review, path)
        if value is None or isinstance(value, str) and not value.strip():
            problems.append(f"missing {path}")
    url = review.get("url")
    if isinstance(url, str) and url.strip() and not is_web_url(url):
        problems.append("url is not an http(s) URL")
    rating = review.get("reviewRating")
    if isinstance(rating, dict) and "ratingValue" in rating:
        value, best, worst = (rating.get(name) for name in ("ratingValue", "bestRating", "worstRating"))
        best = 5 if best is None else best  # schema.org's defaults for an unstated scale
        worst = 1 if worst is None else worst
        if not (_number(value) and _number(best) and _number(worst) and worst < best and worst <= value <= best):
            problems.append("reviewRating.ratingValue is not a number between worstRating and bestRating")
    return problems


def _shown(text: str, length: int = CLAIM_SHOWN) -> str:
    """``text`` on one line, cut to ``length`` characters with an ellipsis."""
    flat = " ".join(text.split())
    return flat if len(flat) <= length else flat[: length - 1].rstrip() + "…"


def export_claimreview(items: list[ExportItem], losses: Losses, publisher: str = "", publisher_url: str = "",
                       review_url: str = "", label_scheme: Scheme = DEFAULT_SCHEME, **_: object) -> bytes:
    """schema.org ClaimReview JSON-LD (a list) for every claim with a verdict other than
    unverified, rated on ``label_scheme``'s verdict scale.

    The claim's date and appearance are the article's (its ``date`` and URL metadata); a
    review lacking what Google requires, or its article's date, is noted one line per claim
    in ``losses`` with a count of each shortfall.
    """
    reviews = []
    shortfalls: Counter = Counter()
    for item, claim in _claims(items):
        verdict = verdict_of(claim.attrs)
        if verdict == UNVERIFIED:
            losses.add("claims without a verdict (ClaimReview needs one)")
            continue
        scale = label_scheme.verdict(verdict)
        if scale is None:
            losses.add("claims whose verdict is not on the scheme's scale")
            continue
        document = item.document
        item_reviewed: dict = {"@type": "Claim"}
        published = article_date(document)
        if published:
            item_reviewed["datePublished"] = published
        speaker = _speaker(item, claim)
        if speaker:
            item_reviewed["author"] = speaker
        url = article_url(document)
        if url:
            item_reviewed["appearance"] = {"@type": "CreativeWork", "url": url, "headline": document.title,
                                           **({"datePublished": published} if published else {})}
        rating = {"@type": "Rating", "ratingValue": scale.rating, "bestRating": label_scheme.best_rating, "worstRating": label_scheme.worst_rating,
                  "alternateName": verdict}
        if claim.attrs.get("note"):
            rating["ratingExplanation"] = claim.attrs["note"]
        review = {
            "@context": "https://schema.org",
            "@type": "ClaimReview",
            **({"url": review_url} if review_url else {}),
            "claimReviewed": claim_text(item, claim),
            "datePublished": _date(claim.updated or claim.created),
            "itemReviewed": item_reviewed,
            "reviewRating": rating,
        }
        if publisher:
            review["author"] = {"@type": "Organization", "name": publisher, **({"url": publisher_url} if publisher_url else {})}
        if claim.attrs.get("evidence"):
            review["citation"] = list(claim.attrs["evidence"])
        reviews.append(review)
        lacking = claimreview_problems(review)
        shortfalls.update(lacking)
        if not published:
            given = document.meta_text("date")
            shortfalls[NO_ARTICLE_DATE] += 1
            lacking.append(NO_ARTICLE_DATE + (f" ({_shown(given, 30)!r} is not an ISO 8601 date)" if given else ""))
        if lacking:
            losses.note(f'ClaimReview of "{_shown(review["claimReviewed"])}" ({_shown(document.title, 40)}, claim {claim.id}): {"; ".join(lacking)}')
    for shortfall, count in shortfalls.most_common():
        what = "have" if shortfall == NO_ARTICLE_DATE else "lack what Google requires:"
        losses.note(f"{count} of {len(reviews)} ClaimReviews {what} {shortfall}{SHORTFALL_HINTS.get(shortfall, '')}")
    return dump_json(reviews)


def _piece(item: ExportItem, span) -> dict:
    return {"start": span[0], "end": span[1], "text": _text(item, span)}


def export_citron(items: list[ExportItem], losses: Losses, **_: object) -> bytes:
    """Citron-style quote JSON per document: cue, sources, contents; entities as coreference groups.

    One document gives one object; several give a list of them.
    """
    documents = []
    for item in items:
        quotes = []
        for number, claim in enumerate((a for a in item.annotations if a.is_claim), start=1):
            cue, speaker_span = claim.attrs.get("cue"), claim.attrs.get("speaker_span")
            if not cue and not speaker_span:
                losses.add("claims with neither a cue nor a speaker span (not quotes for Citron)")
                continue
            quote = {
                "cue": _piece(item, cue) if cue else None,
                "sources": [_piece(item, speaker_span)] if speaker_span else [],
                "contents": [_piece(item, piece) for piece in claim.attrs.get("content") or [[claim.start, claim.end]]],
                "confidence": 1.0,
                "id": f"q{number}",
            }
            quotes.append(quote)
        groups = {}
        for mention in (a for a in item.annotations if a.is_entity):
            entity = item.entities.get(mention.attrs.get("entity_id", ""))
            if entity is not None:
                groups.setdefault(entity.entity_id, {"name": entity.name, "label": entity.label, "mentions": []})["mentions"].append(_piece(item, [mention.start, mention.end]))
        documents.append({"doc_id": item.document.doc_id, "text": item.document.text, "quotes": quotes, "coreference_groups": [g for g in groups.values() if len(g["mentions"]) > 1]})
    payload = documents[0] if len(documents) == 1 else documents
    return dump_json(payload)


CSV_COLUMNS = ["doc_id", "title", "source", "url", "date", "claim_id", "status", "annotator", "claim_type", "speaker", "cue", "text",
               "verdict", "checkworthiness", "note", "evidence", "start", "end"]
# What makes a spreadsheet read a cell as a formula (OWASP's list for CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> object:
    """A value as a cell a spreadsheet shows and never runs.

    Numbers stay numbers (a negative one is not a formula); text starting with a formula
    character gets a leading single quote, which spreadsheets take as "this is text".
    """
    if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
        return value
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def export_csv(items: list[ExportItem], losses: Losses, **_: object) -> bytes:
    """A CSV table with one row per claim, with its document's title, source, URL and date and
    its annotator (evidence URLs separated by spaces); no cell is a formula.

    Rows end in CRLF as RFC 4180 says, which also makes the writer quote a cell holding a
    lone carriage return (with bare LF endings it would split the row in a reader).
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for item, claim in _claims(items):
        attrs = claim.attrs
        document = item.document
        writer.writerow(csv_cell(value) for value in [
            document.doc_id, document.title, document.source, article_url(document), document.meta_text("date"),
            claim.id, claim.status, claim.annotator, attrs.get("claim_type", claim.label), speaker_name(item, claim),
            _text(item, attrs.get("cue")), claim_text(item, claim), attrs.get("verdict", ""),
            attrs.get("checkworthiness"), attrs.get("note", ""), " ".join(str(url) for url in attrs.get("evidence") or []),
            claim.start, claim.end,
        ])
    return out.getvalue().encode("utf-8")
