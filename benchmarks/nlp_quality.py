"""Suggestion quality on the bundled sample and on the GUM news articles in ``../shared/corpus``.

Prints Markdown tables: the sample's expectations (quotes and speakers, announcements, evidence,
people and organisations) and, per gold type, entity detection recall and precision (overlap and
exact span, any label) and direct-quote recall. Run: ``python benchmarks/nlp_quality.py``.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tui.formats.readers import read_article  # noqa: E402
from tui.model.document import Document  # noqa: E402
from tui.nlp import iter_suggestions, load_pipeline  # noqa: E402

CORPUS = REPO.parent / "shared" / "corpus" / "gum-news"
# Gold place mentions are "LOC" whatever their kind; these model labels are places too.
PLACE_LABELS = {"GPE", "LOC", "FAC"}
BARS = {"direct-quote recall": 0.85, "person/org/place recall (overlap)": 0.90}


def suggestions(document: Document, pipeline, gazetteer: list[dict] | None = None) -> tuple[list, list, dict]:
    """Entity mentions, claims and entities suggested for a document."""
    mentions, claims, entities = [], [], {}
    for batch in iter_suggestions(document, pipeline, gazetteer or []):
        entities.update({entity.entity_id: entity for entity in batch.entities})
        for annotation in batch.annotations:
            (mentions if annotation.is_entity else claims).append(annotation)
    return mentions, claims, entities


def overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    """True when two half-open ranges share a character."""
    return a[0] < b[1] and b[0] < a[1]


def corpus_scores(pipeline) -> tuple[dict, dict, list[tuple[str, int, int]]]:
    """Per gold type: [gold, found by overlap, found exactly]; per predicted label: [predicted,
    overlapping gold, exact gold]; and per article the quotes found out of the gold quotes."""
    recall: dict[str, Counter] = {}
    precision: dict[str, Counter] = {}
    quotes = []
    for text_path in sorted(CORPUS.glob("*.txt")):
        gold = json.loads(text_path.with_name(text_path.stem + ".gold.json").read_text(encoding="utf-8"))
        document = read_article(text_path)
        mentions, claims, _ = suggestions(document, pipeline)
        spans = [(m.start, m.end) for m in mentions]
        gold_spans = [(g["start"], g["end"]) for g in gold["entities"]]
        for entity in gold["entities"]:
            span = (entity["start"], entity["end"])
            counts = recall.setdefault(entity["label"], Counter())
            counts["gold"] += 1
            counts["overlap"] += any(overlaps(span, s) for s in spans)
            counts["exact"] += span in spans
        for mention in mentions:
            span = (mention.start, mention.end)
            counts = precision.setdefault(mention.label, Counter())
            counts["predicted"] += 1
            counts["overlap"] += any(overlaps(span, g) for g in gold_spans)
            counts["exact"] += span in gold_spans
        quote_spans = [tuple(part) for c in claims if c.attrs["claim_type"] == "quote" for part in c.attrs["content"]]
        found = sum(any(overlaps((q["start"], q["end"]), s) for s in quote_spans) for q in gold["quotes"])
        correct = sum(any(overlaps(s, (q["start"], q["end"])) for q in gold["quotes"]) for s in quote_spans)
        quotes.append((text_path.stem, found, len(gold["quotes"]), correct, len(quote_spans)))
    return recall, precision, quotes


def sample_report(pipeline) -> list[tuple[str, str]]:
    """What the sample must yield, each with what was found."""
    document = read_article(REPO / "tui" / "data" / "sample.txt")
    mentions, claims, entities = suggestions(document, pipeline)

    def speaker(claim) -> str:
        """A claim's speaker by name."""
        value = claim.attrs["speaker"]
        return entities[value].name if value in entities else value

    quotes = [c for c in claims if c.attrs["claim_type"] == "quote"]
    reported = [c for c in claims if c.attrs["claim_type"] == "reported" and "announced" in document.text[c.attrs["cue"][0] : c.attrs["cue"][1]]]
    evidence = [c for c in claims if c.attrs["claim_type"] == "evidence"]
    named = sorted({entities[m.attrs["entity_id"]].name for m in mentions if m.label in ("PERSON", "ORG")})
    corrected, _, _ = suggestions(document, pipeline, [{"text": "Rekognition", "label": "PRODUCT"}])
    rekognition = [m.label for m in corrected if m.quote.exact == "Rekognition"]
    return [
        ("direct quotes (speaker)", "; ".join(f"{c.quote.exact[:24]}… — {speaker(c)}" for c in quotes)),
        ("announced (speaker)", "; ".join(speaker(c) for c in reported)),
        ("evidence sentences", "; ".join(c.quote.exact[:40] + "…" for c in evidence)),
        ("people and organisations", ", ".join(named)),
        ("Rekognition after one PRODUCT correction", f"{rekognition.count('PRODUCT')} of {len(rekognition)} mentions PRODUCT"),
    ]


def main() -> int:
    """Print the tables; exit 1 when a bar is missed."""
    pipeline, message = load_pipeline()
    if pipeline is None:
        print(message, file=sys.stderr)
        return 2
    print(f"# Suggestion quality ({pipeline.name} {pipeline.version})\n")
    print("## Bundled sample\n\n| expectation | found |\n|---|---|")
    for name, found in sample_report(pipeline):
        print(f"| {name} | {found} |")
    if not CORPUS.is_dir():
        print(f"\n{CORPUS} is absent: corpus figures skipped.")
        return 0
    recall, precision, quotes = corpus_scores(pipeline)
    print("\n## GUM news: entity detection recall by gold type (any predicted label)\n")
    print("| gold type | gold | recall (overlap) | recall (exact) |\n|---|---:|---:|---:|")
    for label, counts in sorted(recall.items(), key=lambda item: -item[1]["gold"]):
        print(f"| {label} | {counts['gold']} | {counts['overlap'] / counts['gold']:.2f} | {counts['exact'] / counts['gold']:.2f} |")
    print("\n## GUM news: precision by predicted label (against any gold mention)\n")
    print("| predicted | count | precision (overlap) | precision (exact) |\n|---|---:|---:|---:|")
    for label, counts in sorted(precision.items(), key=lambda item: -item[1]["predicted"]):
        print(f"| {label} | {counts['predicted']} | {counts['overlap'] / counts['predicted']:.2f} | {counts['exact'] / counts['predicted']:.2f} |")
    core = [recall[label] for label in ("PERSON", "ORG", "LOC") if label in recall]
    core_recall = sum(c["overlap"] for c in core) / max(1, sum(c["gold"] for c in core))
    quote_recall = sum(q[1] for q in quotes) / max(1, sum(q[2] for q in quotes))
    quote_precision = sum(q[3] for q in quotes) / max(1, sum(q[4] for q in quotes))
    print("\n## GUM news: direct quotes\n")
    print("| article | gold found | gold | suggested quote spans on a gold quote | suggested quote spans |\n|---|---:|---:|---:|---:|")
    for name, found, total, correct, suggested in quotes:
        print(f"| {name} | {found} | {total} | {correct} | {suggested} |")
    print(f"\nDirect-quote precision (suggested quote spans overlapping a gold quote): {quote_precision:.2f}")
    figures = {"direct-quote recall": quote_recall, "person/org/place recall (overlap)": core_recall}
    print("\n## Bars\n\n| measure | value | bar | met |\n|---|---:|---:|---|")
    for name, value in figures.items():
        print(f"| {name} | {value:.3f} | ≥ {BARS[name]:.2f} | {'yes' if value >= BARS[name] else 'NO'} |")
    return 0 if all(figures[name] >= bar for name, bar in BARS.items()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
