"""How soon suggestions are on screen after ``postil`` starts, in a real pseudo-terminal.

Run by hand (about a minute and a half):

    python benchmarks/first_suggestions.py [--runs 5]

Each run starts a new process in a pseudo-terminal (the harness of
``benchmarks/large_documents.py``) and stops the clock when the screen shows what is measured.
Prints Markdown tables of medians:

- a bare Textual app showing one Label, measured in the same run (the baseline: what any Textual
  program costs to start here), and Postil's own first paint of the sample (``--no-suggest``);
- ``postil --db NEW`` on the bundled sample: a new database each run, so this is a first open;
- the same text with one word changed, opened from a file in a new database: nothing for it is
  cached or shipped, so this is the honest cold figure (spaCy import, model load, analysis);
- for the cold case, where its time goes, each step once in a fresh interpreter.

The on-screen markers are the status line's counts. While batches arrive they read
``… · N suggested · suggesting 3/8  ·  saved`` (FIRST_SHOWN: at least one suggestion is drawn and
more are coming), once the last batch is stored ``… · N suggested  ·  saved`` (ALL_SHOWN: two
spaces before the save state, which neither the legend's "suggested" nor the side panel's
"· suggested" has). The cold case is timed to both. The sample is timed to ALL_SHOWN only, an
upper bound on its first suggestion: from the cache every batch is stored within a few
milliseconds, usually before the next repaint, so the in-between state may never be drawn.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.large_documents import BARE_APP, run_until, use_this_checkout  # noqa: E402

# The status line's counts while batches arrive, and once every batch has been stored (see above).
FIRST_SHOWN = " suggested \u00b7 suggesting ".encode()
ALL_SHOWN = " suggested  \u00b7  ".encode()
BAR_SECONDS = 1.0


def cold_copy(folder: Path) -> Path:
    """The sample with one word changed, so its text hash (and cache key) is new."""
    from tui.cli import sample_path

    text = sample_path().read_text(encoding="utf-8")
    changed = text.replace("moratorium", "pause", 1)
    assert changed != text
    path = folder / "rekognition-changed.txt"
    path.write_text(changed, encoding="utf-8")
    return path


def timed_runs(command_for_run, marker: bytes, folder: Path, runs: int) -> list[float]:
    """Seconds from process start to ``marker`` on screen, once per run."""
    return [run_until(command_for_run(run), marker, folder)[0] for run in range(runs)]


def cold_breakdown() -> dict[str, float]:
    """Where the cold path's time goes, each step in a fresh interpreter (one run)."""
    script = textwrap.dedent(
        """
        import time
        started = time.perf_counter()
        import spacy
        imported = time.perf_counter()
        from tui.nlp import load_pipeline
        from tui.nlp.analysis import analyse
        from tui.cli import sample_path
        from tui.formats.readers import read_article
        pipeline, _ = load_pipeline()
        loaded = time.perf_counter()
        list(analyse(read_article(sample_path()), pipeline))
        done = time.perf_counter()
        print(imported - started, loaded - imported, done - loaded)
        """
    )
    result = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, check=True)
    spacy_import, model_load, analysis = (float(value) for value in result.stdout.split())
    return {"import spacy": spacy_import, "load the model": model_load, "analyse the text": analysis}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    runs = max(args.runs, 1)
    use_this_checkout()
    print(f"Machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}, {os.uname().sysname} {os.uname().machine}")
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        bare_script = folder / "bare.py"
        bare_script.write_text(textwrap.dedent(BARE_APP))
        article = cold_copy(folder)
        postil = [sys.executable, "-m", "tui"]
        title = b"Amazon halts police"
        rows = [
            ("bare Textual app, one Label (baseline)", timed_runs(lambda run: [sys.executable, str(bare_script)], b"bareready", folder, runs)),
            ("`postil --no-suggest --db NEW`: first paint of the sample", timed_runs(lambda run: [*postil, "--no-suggest", "--db", str(folder / f"paint-{run}.json")], title, folder, runs)),
            ("`postil --db NEW`: the sample's suggestions on screen (all of them)", timed_runs(lambda run: [*postil, "--db", str(folder / f"sample-{run}.json")], ALL_SHOWN, folder, runs)),
            ("one word changed, new database: first suggestions on screen", timed_runs(lambda run: [*postil, str(article), "--db", str(folder / f"first-{run}.json")], FIRST_SHOWN, folder, runs)),
            ("one word changed, new database: all suggestions on screen", timed_runs(lambda run: [*postil, str(article), "--db", str(folder / f"all-{run}.json")], ALL_SHOWN, folder, runs)),
        ]
    breakdown = cold_breakdown()
    baseline = statistics.median(rows[0][1])
    print(f"\n### Process start to what is on screen, median of {runs} runs\n")
    print("| what | median | range | ÷ bare app |")
    print("| --- | ---: | ---: | ---: |")
    for name, times in rows:
        middle = statistics.median(times)
        print(f"| {name} | {middle * 1000:.0f} ms | {min(times) * 1000:.0f}–{max(times) * 1000:.0f} ms | {middle / baseline:.2f} |")
    sample = statistics.median(rows[2][1])
    met = "met" if sample <= BAR_SECONDS else "NOT met"
    print(f"\nBar: the sample's first suggestions on screen ≤ {BAR_SECONDS:.0f} s after opening — {met} ({sample * 1000:.0f} ms, an upper bound).")
    print("\n### The cold path, each step once in a fresh interpreter\n")
    print("| step | time |")
    print("| --- | ---: |")
    for step, seconds in breakdown.items():
        print(f"| {step} | {seconds * 1000:.0f} ms |")


if __name__ == "__main__":
    main()
