"""Suggestion quality on the bundled sample and on the GUM news articles in ``../shared/corpus``.

Prints Markdown tables: the sample's expectations (quotes and speakers, announcements, evidence,
people and organisations), the seed's figures against its hand-checked annotations (quotes and
reported speech with the right speaker, typed entity F1), attribution precision, recall and F1 with
cue and source accuracy on the hand-checked development set ``benchmarks/attribution_dev.json``,
and, per gold type, entity detection recall and precision (overlap and exact span, any label) and
direct-quote recall and precision on GUM. Run: ``python benchmarks/nlp_quality.py``.
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
SAMPLE = REPO / "tui" / "data" / "sample.txt"
DEV_SET = REPO / "benchmarks" / "attribution_dev.json"
# Held out from rule development: other GUM articles and news-wire-style texts written for it (inline).
HELD_OUT = REPO / "benchmarks" / "attribution_heldout.json"
# The claim types an attribution can be suggested as (assertions have no source).
ATTRIBUTION_TYPES = ("quote", "reported", "evidence")
# Gold place mentions are "LOC" whatever their kind; these model labels are places too.
PLACE_LABELS = {"GPE", "LOC", "FAC"}
BARS = {
    "direct-quote recall": 0.95, "person/org/place recall (overlap)": 0.90, "seed typed entity F1": 0.90,
    "attribution precision (dev set)": 0.80, "attribution precision (held-out set)": 0.80, "seed quotes with their speaker (of 4)": 4, "seed reported with their speaker (of 2)": 2,
}


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


def fragments_overlap(a: list, b: list) -> int:
    """How many characters two lists of content fragments share."""
    return sum(max(0, min(x[1], y[1]) - max(x[0], y[0])) for x in a for y in b)


def one_to_one(gold: list[dict], predicted: list) -> list[tuple[dict, object]]:
    """Gold attributions paired with suggested claims, each used once, largest content overlap first."""
    pairs = sorted(
        ((fragments_overlap(g["content"], p.attrs["content"]), gi, pi) for gi, g in enumerate(gold) for pi, p in enumerate(predicted)),
        reverse=True,
    )
    used_gold, used_predicted, matched = set(), set(), []
    for shared, gi, pi in pairs:
        if shared > 0 and gi not in used_gold and pi not in used_predicted:
            used_gold.add(gi)
            used_predicted.add(pi)
            matched.append((gold[gi], predicted[pi]))
    return matched


def source_correct(gold: dict, claim, entities: dict, text: str) -> tuple[bool, bool]:
    """(strict, lenient): the speaker span overlaps the gold source; or, leniently, the speaker's
    name holds the gold source's last word (a pronoun resolved to the person it names)."""
    span = claim.attrs.get("speaker_span")
    if gold["source"] is None:
        return (span is None,) * 2
    strict = span is not None and overlaps(tuple(span), tuple(gold["source"]))
    value = claim.attrs.get("speaker") or ""
    name = entities[value].name if value in entities else value
    last = gold["source_text"].split()[-1].lower()
    return strict, strict or (last in name.lower().split())


def attribution_scores(pipeline, path: Path = DEV_SET, unread: bool | None = None) -> dict[str, float]:
    """Precision, recall, F1, cue and source accuracy of the suggested attributions on a
    hand-checked set (the dev set unless ``path`` names another): its documents are GUM articles,
    the seed, or texts the set holds itself; a document may have no attribution at all. With
    ``unread`` True only the documents never read while writing the rules are scored, with False
    only the others."""
    data = json.loads(path.read_text(encoding="utf-8"))
    dev, texts = data["attributions"], data.get("texts", {})
    counts = Counter()
    misses, extras, wrong_sources = [], [], []
    names = set(data.get("documents", [])) | {a["doc"] for a in dev}
    if unread is not None:
        names = {n for n in names if (n in data.get("unread_documents", [])) == unread}
    for name in sorted(names):
        if name in texts:
            document = Document(text=texts[name], title=name, source=name)
        else:
            article = SAMPLE if name == "rekognition-moratorium" else CORPUS / f"{name}.txt"
            if not article.is_file():
                continue
            document = read_article(article)
        _, claims, entities = suggestions(document, pipeline)
        predicted = [c for c in claims if c.attrs["claim_type"] in ATTRIBUTION_TYPES]
        gold = [a for a in dev if a["doc"] == name]
        matched = one_to_one(gold, predicted)
        counts["gold"] += len(gold)
        counts["predicted"] += len(predicted)
        counts["quote+reported predicted"] += sum(c.attrs["claim_type"] != "evidence" for c in predicted)
        counts["matched"] += len(matched)
        counts["quote+reported matched"] += sum(c.attrs["claim_type"] != "evidence" for _, c in matched)
        for g, claim in matched:
            cue = claim.attrs.get("cue")
            counts["cue"] += cue is None if g["cue"] is None else cue is not None and overlaps(tuple(cue), tuple(g["cue"]))
            strict, lenient = source_correct(g, claim, entities, document.text)
            counts["source"] += strict
            counts["source lenient"] += lenient
            if not strict:
                value = claim.attrs.get("speaker") or ""
                named = entities[value].name if value in entities else value
                wrong_sources.append(f"{name}: {g['cue_text']} — gold {g['source_text']!r}, suggested {named!r}")
        found = {id(g) for g, _ in matched}
        misses += [f"{name}: {g['cue_text']} — {g['content_text'][:50]}" for g in gold if id(g) not in found]
        taken = {id(c) for _, c in matched}
        extras += [f"{name}: {c.attrs['claim_type']} — {c.quote.exact[:60]!r}" for c in predicted if id(c) not in taken]
    precision = counts["matched"] / max(1, counts["predicted"])
    recall = counts["matched"] / max(1, counts["gold"])
    return {
        "gold": counts["gold"], "predicted": counts["predicted"], "matched": counts["matched"],
        "precision": precision, "recall": recall, "f1": 2 * precision * recall / max(1e-9, precision + recall),
        "precision (quote+reported only)": counts["quote+reported matched"] / max(1, counts["quote+reported predicted"]),
        "cue accuracy": counts["cue"] / max(1, counts["matched"]),
        "source accuracy (span)": counts["source"] / max(1, counts["matched"]),
        "source accuracy (name)": counts["source lenient"] / max(1, counts["matched"]),
        "misses": misses, "extras": extras, "wrong sources": wrong_sources,
    }


def seed_figures(pipeline) -> dict[str, float]:
    """Against the sample's hand-checked annotations: gold quotes and reported statements found with
    their speaker, and typed entity precision, recall and F1 (exact span and label)."""
    gold = json.loads((REPO / "tui" / "data" / "sample_annotations.json").read_text(encoding="utf-8"))
    names = {e["entity_id"]: e["name"] for e in gold["entities"]}
    document = read_article(SAMPLE)
    mentions, claims, entities = suggestions(document, pipeline)
    figures = {}
    for claim_type in ("quote", "reported"):
        wanted = [a for a in gold["annotations"] if a["kind"] == "claim" and a["label"] == claim_type]
        found = 0
        for a in wanted:
            for c in claims:
                speaker = c.attrs["speaker"]
                if c.attrs["claim_type"] == claim_type and fragments_overlap(a["attrs"]["content"], c.attrs["content"]) > 0:
                    found += (entities[speaker].name if speaker in entities else speaker) == names[a["attrs"]["speaker"]]
                    break
        figures[f"seed {'quotes' if claim_type == 'quote' else 'reported'} with their speaker (of {len(wanted)})"] = found
    gold_spans = {(a["start"], a["end"], a["label"]) for a in gold["annotations"] if a["kind"] == "entity"}
    spans = {(m.start, m.end, m.label) for m in mentions}
    precision, recall = len(spans & gold_spans) / max(1, len(spans)), len(spans & gold_spans) / max(1, len(gold_spans))
    figures["seed typed entity precision"], figures["seed typed entity recall"] = precision, recall
    figures["seed typed entity F1"] = 2 * precision * recall / max(1e-9, precision + recall)
    figures["seed typed entity errors"] = sorted(spans ^ gold_spans)
    return figures


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
    seed = seed_figures(pipeline)
    print("\n## Seed against its hand-checked annotations\n\n| measure | value |\n|---|---:|")
    for name, value in seed.items():
        if name != "seed typed entity errors":
            print(f"| {name} | {value:.3f} |" if isinstance(value, float) else f"| {name} | {value} |")
    document = read_article(SAMPLE)
    print("\nEntity differences (suggested or gold only): " + "; ".join(f"{document.text[s:e]!r} {label}" for s, e, label in seed["seed typed entity errors"]))
    if not CORPUS.is_dir():
        print(f"\n{CORPUS} is absent: corpus figures skipped.")
        return 0
    attribution = attribution_scores(pipeline)
    held_out = attribution_scores(pipeline, HELD_OUT)
    read, unread = attribution_scores(pipeline, HELD_OUT, unread=False), attribution_scores(pipeline, HELD_OUT, unread=True)
    for title, scores in (("the development set", attribution), ("the held-out set", held_out)):
        print(f"\n## Attributions on {title} ({scores['gold']} gold, {scores['predicted']} suggested, {scores['matched']} matched one to one)\n")
        print("| measure | value |\n|---|---:|")
        for name, value in scores.items():
            if isinstance(value, float):
                print(f"| {name} | {value:.3f} |")
        if scores is held_out:
            print(f"\nOf which never read while writing the rules ({unread['gold']} gold) and the rest ({read['gold']} gold):\n")
            print("| measure | unread | rest |\n|---|---:|---:|")
            for name, value in unread.items():
                if isinstance(value, float):
                    print(f"| {name} | {value:.3f} | {read[name]:.3f} |")
            continue  # its errors are not listed, so that reading this report does not tune the rules to it
        print("\nMissed:\n" + "\n".join(f"- {m}" for m in scores["misses"]))
        print("\nSuggested, matching no gold:\n" + "\n".join(f"- {m}" for m in scores["extras"]))
        print("\nMatched with another source:\n" + "\n".join(f"- {m}" for m in scores["wrong sources"]))
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
    figures = {
        "direct-quote recall": quote_recall, "person/org/place recall (overlap)": core_recall,
        "attribution precision (dev set)": attribution["precision"], "attribution precision (held-out set)": held_out["precision"],
        **{name: value for name, value in seed.items() if name in BARS},
    }
    print("\n## Bars\n\n| measure | value | bar | met |\n|---|---:|---:|---|")
    for name, value in figures.items():
        print(f"| {name} | {value:.3f} | ≥ {BARS[name]:.2f} | {'yes' if value >= BARS[name] else 'NO'} |")
    return 0 if all(figures[name] >= bar for name, bar in BARS.items()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
