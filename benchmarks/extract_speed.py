"""How much ``postil extract`` costs over spaCy alone, and how soon the first suggestions come.

Over the GUM news articles in ``../shared/corpus`` (else the bundled sample), measured in one run:
spaCy's own ``nlp.pipe`` over the same non-blank paragraphs (the baseline) against the whole
extract path (reading the files, spaCy, the claim rules, assembling, JSON output). Also the model's
load time and, on the sample, the time from calling ``iter_suggestions`` to its first batch.
Prints a Markdown table of medians.

Then ``postil extract --jobs 1`` against ``--jobs 2`` end to end (a process each, model loads
included) over 100 articles of about 1,000 words (GUM news paragraphs in turn, else generated prose):
words per second, the output compared byte for byte, the model's load measured on its own, and
the load average, as other work on the machine skews it. Run:
``python benchmarks/extract_speed.py [RUNS] [--jobs-only]``.
"""

from __future__ import annotations

import io
import os
import resource
import statistics
import subprocess
import sys
import tempfile
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
JOBS_BAR = 1.7
JOBS_ARTICLES = 100
JOBS_ARTICLE_WORDS = 1000


def timed(function) -> float:
    """Seconds one call of ``function`` takes."""
    started = time.perf_counter()
    function()
    return time.perf_counter() - started


def jobs_corpus(folder: Path) -> list[Path]:
    """``JOBS_ARTICLES`` article files of about ``JOBS_ARTICLE_WORDS`` words in ``folder``: the
    GUM news articles' paragraphs, in turn, or generated prose where the corpus is absent."""
    from benchmarks.generate import generate_text

    gum = [p for path in sorted(CORPUS.glob("*.txt")) for p in path.read_text(encoding="utf-8").split("\n\n") if p.strip()]
    paths = []
    taken = 0
    for number in range(JOBS_ARTICLES):
        if gum:
            paragraphs: list[str] = []
            while sum(len(p.split()) for p in paragraphs) < JOBS_ARTICLE_WORDS:
                paragraphs.append(gum[taken % len(gum)].strip())
                taken += 1
            text = "\n\n".join(paragraphs)
        else:
            text = generate_text(JOBS_ARTICLE_WORDS, seed=number)[0]
        path = folder / f"article-{number:02}.txt"
        path.write_text(text + "\n", encoding="utf-8")
        paths.append(path)
    return paths


def children_cpu() -> float:
    """CPU seconds used so far by this process's finished children and theirs (workers included)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_extract(jobs: int, paths: list[Path], out: Path) -> tuple[float, float]:
    """Seconds ``postil extract --jobs JOBS`` takes from start to exit, and the CPU seconds it and
    its workers use; its output in ``out``."""
    cpu = children_cpu()
    started = time.perf_counter()
    with out.open("wb") as sink:
        done = subprocess.run([sys.executable, "-m", "tui", "extract", "--quiet", "--format", "jsonl", "--jobs", str(jobs), *map(str, paths)],
                              stdout=sink, stderr=subprocess.PIPE, check=True, cwd=out.parent, env={**os.environ, "PYTHONPATH": str(REPO)})
    elapsed = time.perf_counter() - started
    if done.stderr:  # --quiet prints nothing there unless something went wrong
        raise SystemExit(f"--jobs {jobs} wrote to stderr:\n{done.stderr.decode(errors='replace')}")
    return elapsed, children_cpu() - cpu


def model_load_seconds() -> float:
    """The model's load on its own, in a fresh process (as each worker loads it)."""
    code = "import time; t = time.perf_counter(); from tui.nlp import load_pipeline; load_pipeline(); print(time.perf_counter() - t)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env={**os.environ, "PYTHONPATH": str(REPO)})
    return float(done.stdout)


def jobs_throughput(runs: int) -> bool:
    """Print the --jobs 1 / --jobs 2 table; whether the bar is met and the outputs agree."""
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        paths = jobs_corpus(folder)
        words = sum(len(read_article(path).text.split()) for path in paths)
        load_before = os.getloadavg()
        seconds: dict[int, list[float]] = {1: [], 2: []}
        cpu: dict[int, list[float]] = {1: [], 2: []}
        loads = []
        same = True
        for _ in range(runs):  # interleaved, so a busy spell slows both alike
            loads.append(model_load_seconds())
            for jobs in (1, 2):
                elapsed, used = run_extract(jobs, paths, folder / f"out-{jobs}.jsonl")
                seconds[jobs].append(elapsed)
                cpu[jobs].append(used)
            same = same and (folder / "out-1.jsonl").read_bytes() == (folder / "out-2.jsonl").read_bytes()
        load_after = os.getloadavg()
    load = statistics.median(loads)
    one, two = statistics.median(seconds[1]), statistics.median(seconds[2])
    ratio = one / two
    print(f"\n# postil extract --jobs ({len(paths)} articles, {words:,} words; {os.cpu_count()} cores; median of {runs} runs)\n")
    print(f"Load average before {load_before[0]:.2f} / {load_before[1]:.2f} / {load_before[2]:.2f}, "
          f"after {load_after[0]:.2f} / {load_after[1]:.2f} / {load_after[2]:.2f}; output of --jobs 2 the same bytes as --jobs 1: {same}.\n")
    print("| run | median (s) | words/s | words/s without one model load | CPU s (all processes) | runs (s) |\n|---|---:|---:|---:|---:|---|")
    for jobs in (1, 2):
        median = statistics.median(seconds[jobs])
        print(f"| `--jobs {jobs}` (start to exit) | {median:.2f} | {words / median:,.0f} | {words / (median - load):,.0f} | "
              f"{statistics.median(cpu[jobs]):.2f} | {', '.join(f'{s:.2f}' for s in seconds[jobs])} |")
    print(f"| model load in a fresh process | {load:.2f} | | | | {', '.join(f'{s:.2f}' for s in loads)} |")
    # What two free cores would give: the work of --jobs 2 split over two (its CPU time halved)
    # against --jobs 1 on one; it does not depend on what else the machine runs.
    free = statistics.median(cpu[1]) / (statistics.median(cpu[2]) / 2)
    print(f"\n--jobs 2 / --jobs 1 throughput: {ratio:.2f}× (bar ≥ {JOBS_BAR}); from CPU time, on two free cores: {free:.2f}×")
    return same and ratio >= JOBS_BAR


def main() -> int:
    """Print the tables; exit 1 when a bar is missed."""
    runs = int(sys.argv[1]) if len(sys.argv) > 1 and sys.argv[1].isdigit() else 5
    if "--jobs-only" in sys.argv:
        return 0 if jobs_throughput(runs) else 1
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
    jobs_met = jobs_throughput(runs)
    return 0 if ratio <= SPEED_BAR and statistics.median(first) <= FIRST_BATCH_BAR and jobs_met else 1


if __name__ == "__main__":
    raise SystemExit(main())
