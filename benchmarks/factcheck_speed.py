"""What the fact-checking features cost as an article's annotations grow.

For a generated article with N claims (and as many entity mentions), each measured in one run
against a baseline measured in the same run:

- saving a claim edit (``update_claim``: verdict, note, evidence) against accepting a suggestion
  (``set_status``), the smallest action that already existed;
- filtering and sorting the Claims tab (``claim_matches`` + ``claim_sort_key``) against listing
  the claims in text order (``session.claims()``);
- searching the annotations (``annotation_hits``) against walking them (``session.visible()``);
- searching the text (``text_hits``) against ``str.count`` of the same word.

Prints a Markdown table of medians (ms) and ratios. Run: ``python benchmarks/factcheck_speed.py [RUNS]``.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tui.launch import open_session  # noqa: E402
from tui.model.annotation import CLAIM, ENTITY, SUGGESTED, VERDICTS, Annotation, Entity  # noqa: E402
from tui.model.document import Document  # noqa: E402
from tui.session.annotation_session import AnnotationSession  # noqa: E402
from tui.session.claim_list import claim_matches, claim_sort_key  # noqa: E402
from tui.session.search import annotation_hits, text_hits  # noqa: E402

SIZES = (1_000, 10_000)
SPEAKERS = ("Ada Obi", "Ben Ito", "Cy Lam", "Dee Roy")


def timed(function) -> float:
    """Milliseconds one call of ``function`` takes."""
    started = time.perf_counter()
    function()
    return (time.perf_counter() - started) * 1000


def median_of(function, runs: int) -> float:
    """The median of ``runs`` timings of ``function``."""
    return statistics.median(timed(function) for _ in range(runs))


def build(folder: Path, claims: int) -> AnnotationSession:
    """A session on a generated article with ``claims`` claims and one speaker mention each."""
    paragraphs = [f"{SPEAKERS[n % 4]} said the plan number {n} will cost {n * 7} dollars by May." for n in range(claims)]
    document = Document(text="\n\n".join(paragraphs), title="generated", source=str(folder / "generated.txt"))
    session = open_session(folder / "annotations.json", document, annotator="bench")
    document = session.document
    entities = [Entity(doc_id=document.doc_id, name=name, label="PERSON") for name in SPEAKERS]
    annotations = []
    offset = 0
    for n, paragraph in enumerate(paragraphs):
        speaker = entities[n % 4]
        name_end = offset + len(speaker.name)
        annotations.append(Annotation.on_text(document.doc_id, document.text, ENTITY, "PERSON", offset, name_end, status=SUGGESTED, attrs={"entity_id": speaker.entity_id}))
        attrs = {"claim_type": "reported", "speaker": speaker.entity_id, "cue": [name_end + 1, name_end + 5], "content": [[offset, offset + len(paragraph)]],
                 "verdict": VERDICTS[n % len(VERDICTS)], "checkworthiness": (n % 10) / 10, "note": "", "evidence": []}
        annotations.append(Annotation.on_text(document.doc_id, document.text, CLAIM, "reported", offset, offset + len(paragraph), status=SUGGESTED, attrs=attrs))
        offset += len(paragraph) + 2
    session.add_suggestions(annotations, entities)
    return session


def main() -> int:
    """Print the table."""
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    print("| claims | what | baseline | baseline ms | ms | ratio |")
    print("| ---: | --- | --- | ---: | ---: | ---: |")
    for size in SIZES:
        with tempfile.TemporaryDirectory() as folder:
            session = build(Path(folder), size)
            claims = session.claims()
            mentions = [a for a in session.visible() if a.is_entity]
            edits = iter(claims)
            accepts = iter(mentions)
            rows = [
                ("save a claim edit (verdict, note, evidence)", "accept a suggestion",
                 lambda: session.set_status(next(accepts).id, "accepted"),
                 lambda: session.update_claim(next(edits).id, verdict="false", note="checked", evidence=["https://a.io/1"])),
                ("filter + sort the Claims tab (speaker:ada cw:>=0.5, by verdict)", "list the claims",
                 lambda: session.claims(),
                 lambda: sorted((c for c in session.claims() if claim_matches(session, c, "speaker:ada cw:>=0.5")), key=claim_sort_key(session, "verdict"))),
                ("search the annotations (“ben”)", "walk the annotations",
                 lambda: [a.attrs for a in session.visible()],
                 lambda: annotation_hits(session, "ben")),
                ("search the text (“plan”)", "str.count",
                 lambda: session.text.count("plan"),
                 lambda: text_hits(session.text, "plan")),
            ]
            for what, baseline_name, baseline, measured in rows:
                base_ms = median_of(baseline, runs)
                ms = median_of(measured, runs)
                print(f"| {size:,} | {what} | {baseline_name} | {base_ms:.2f} | {ms:.2f} | {ms / base_ms:.1f}× |")
            session.store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
