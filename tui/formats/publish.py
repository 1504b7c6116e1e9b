"""Export-only formats for publishing and analysis: ClaimReview, Citron quotes and a CSV of claims."""

from __future__ import annotations

import csv
import io
import math

from tui.formats.interchange import ExportItem, Losses
from tui.model.annotation import Annotation
from tui.model.claims import UNVERIFIED
from tui.store.storage import dump_json

# Verdicts on ClaimReview's 1 (worst) to 5 (best) scale; the verdict itself is the alternateName.
RATINGS = {"false": 1, "unsupported": 1, "misleading": 2, "mixed": 3, "mostly-true": 4, "true": 5}


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


def export_claimreview(items: list[ExportItem], losses: Losses, publisher: str = "", publisher_url: str = "", **_: object) -> bytes:
    """schema.org ClaimReview JSON-LD (a list) for every claim with a verdict other than unverified."""
    reviews = []
    for item, claim in _claims(items):
        verdict = claim.attrs.get("verdict") or UNVERIFIED
        if verdict not in RATINGS:
            losses.add("claims without a verdict (ClaimReview needs one)")
            continue
        item_reviewed: dict = {"@type": "Claim", "datePublished": _date(item.document.added)}
        speaker = speaker_name(item, claim)
        if speaker:
            entity = item.entities.get(claim.attrs.get("speaker") or "")
            kind = "Organization" if entity is not None and entity.label in ("ORG", "NORP", "GPE") else "Person"
            item_reviewed["author"] = {"@type": kind, "name": speaker}
        if item.document.source.startswith(("http://", "https://")):
            item_reviewed["appearance"] = {"@type": "CreativeWork", "url": item.document.source, "headline": item.document.title}
        rating = {"@type": "Rating", "ratingValue": RATINGS[verdict], "bestRating": 5, "worstRating": 1, "alternateName": verdict}
        if claim.attrs.get("note"):
            rating["ratingExplanation"] = claim.attrs["note"]
        review = {
            "@context": "https://schema.org",
            "@type": "ClaimReview",
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


CSV_COLUMNS = ["doc_id", "claim_id", "status", "claim_type", "speaker", "cue", "text", "verdict", "checkworthiness", "note", "evidence", "start", "end"]
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
    """A CSV table with one row per claim (evidence URLs separated by spaces); no cell is a formula.

    Rows end in CRLF as RFC 4180 says, which also makes the writer quote a cell holding a
    lone carriage return (with bare LF endings it would split the row in a reader).
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for item, claim in _claims(items):
        attrs = claim.attrs
        writer.writerow(csv_cell(value) for value in [
            item.document.doc_id, claim.id, claim.status, attrs.get("claim_type", claim.label), speaker_name(item, claim),
            _text(item, attrs.get("cue")), claim_text(item, claim), attrs.get("verdict", ""),
            attrs.get("checkworthiness"), attrs.get("note", ""), " ".join(str(url) for url in attrs.get("evidence") or []),
            claim.start, claim.end,
        ])
    return out.getvalue().encode("utf-8")
