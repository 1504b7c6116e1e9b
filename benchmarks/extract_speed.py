"""How much ``postil extract`` costs over spaCy alone, and how soon the first suggestions come.

Over the GUM news articles in ``../shared/corpus`` (else the bundled sample), measured in one run:
spaCy's own ``nlp.pipe`` over the same non-blank paragraphs (the baseline) against the whole
extract path (reading the files, spaCy, the claim rules, assembling, JSON output). Also the model's
load time and, on the sample, the time from calling ``iter_suggestions`` to its first batch.
Prints a Markdown table of medians. Run: ``python benchmarks/extract_speed.py [RUNS]``.
"""

from __future__ import annotations

import io
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tui.formats.readers import read_article  # noqa: E402
from tui.nlp import iter_suggestions, load_pipeline  # noqa: E402
from tui.nlp.analysis import non_blank_paragraphs  # noqa: E402
from tui.nlp.extract import write_suggestions  # noqa: E402
from tui.nlp.pipeline import FIRST_BATCH, LATER_BATCH  # noqa: E402
from tui.nlp.text import straighten_quotes  # noqa: E402

CORPUS = REPO.parent / "shared" / "corpus" / "gum-news"
SAMPLE = REPO / "tui" / "data" / "sample.txt"
SPEED_BAR = 1.3
FIRST_BATCH_BAR = 1.0


def timed(function) -> float:
    """Seconds one call of ``function`` takes."""
    started = time.perf_counter()
    function()
    return time.perf_counter() - started


def main() -> int:
    """Print the table; exit 1 when a bar is missed."""
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    load_times = []
    for _ in range(runs):
        started = time.perf_counter()
        pipeline, message = load_pipeline()
        load_times.append(time.perf_counter() - started)
        if pipeline is None:
            print(message, file=sys.stderr)
            return 2
    paths = sorted(CORPUS.glob("*.txt")) or [SAMPLE]
    paragraphs = []
    for path in paths:
        document = read_article(path)
        text = straighten_quotes(document.text)
        paragraphs += [text[p.start : p.end] for p in non_blank_paragraphs(document)]

    def spacy_alone() -> None:
        """spaCy's own ``nlp.pipe`` at its default batch size."""
        for _ in pipeline.nlp.pipe(paragraphs):
            pass

    def spacy_same_batches() -> None:
        """spaCy at the batch sizes extract uses."""
        for _ in pipeline.pipe(paragraphs):
            pass

    def extract() -> None:
        """The whole extract path, output to memory."""
        documents = [(str(path), read_article(path)) for path in paths]
        write_suggestions(documents, pipeline, io.BytesIO(), "json")

    sample = read_article(SAMPLE)

    def first_batch() -> None:
        """Open the sample and wait for its first suggestions."""
        next(iter(iter_suggestions(sample, pipeline, [])))

    spacy_alone()  # warm up both paths once
    extract()
    baseline, same_batches, full, first = [], [], [], []
    for _ in range(runs):
        baseline.append(timed(spacy_alone))
        same_batches.append(timed(spacy_same_batches))
        full.append(timed(extract))
        first.append(timed(first_batch))
    baseline_median, full_median = statistics.median(baseline), statistics.median(full)
    ratio = full_median / baseline_median
    print(f"# Extract speed ({pipeline.name} {pipeline.version}; {len(paths)} articles, {len(paragraphs)} paragraphs; median of {runs} runs)\n")
    print("| measure | median (s) | ratio / bar |\n|---|---:|---:|")
    print(f"| spaCy `nlp.pipe` alone (baseline) | {baseline_median:.3f} | 1.00 |")
    print(f"| spaCy with extract's batch sizes ({FIRST_BATCH}, then {LATER_BATCH}) | {statistics.median(same_batches):.3f} | {statistics.median(same_batches) / baseline_median:.2f} |")
    print(f"| `postil extract` path | {full_median:.3f} | {ratio:.2f} (bar ≤ {SPEED_BAR}) |")
    print(f"| model load | {statistics.median(load_times):.3f} | |")
    print(f"| first suggestion batch on the sample | {statistics.median(first):.3f} | bar ≤ {FIRST_BATCH_BAR:.1f} s |")
    return 0 if ratio <= SPEED_BAR and statistics.median(first) <= FIRST_BATCH_BAR else 1


if __name__ == "__main__":
    raise SystemExit(main())
