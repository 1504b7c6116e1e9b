"""What a label action costs on the key path when its text occurs 10,000+ times (issue 17).

Labelling a span used to store a suggestion at every other occurrence of its text; now the
other occurrences are derived when drawn (tui/session/propagation.py). This checks, at 1k and
1M generated words (benchmarks/generate.py, its 100,000 names annotated), that a label action
on a word that is not annotated and occurs about 23,000 times at 1M words:

- stores one annotation record (the store's annotation table grows by exactly 1);
- searches only the stretch of text the first screen shows (counted in characters) and builds
  a derived suggestion only for the occurrences drawn;

and reports the UI-path CPU time (time.process_time) of ``session.label_span`` plus the first
draw of a screen of rows, and apart, the count of every derived suggestion the app makes in a
worker. Run: ``python benchmarks/propagation_cost.py`` (about half a minute). Exits 1 when a check fails.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.generate import LABELS, generated_document  # noqa: E402
from tui.model.layout import WrappedLayout  # noqa: E402
from tui.session.annotation_session import AnnotationSession  # noqa: E402
from tui.session.corrections import CHUNK, Corrections, gazetteer_change  # noqa: E402
from tui.session.propagation import Propagation  # noqa: E402
from tui.store.repository import Store  # noqa: E402

WORD = "bridge"  # one of the generated prose's words: never annotated there
WIDTH, HEIGHT = 118, 34  # the article pane of a 120 x 36 terminal
RUNS = 5
GAZETTEER = 2_000  # a newsroom database's earlier corrections, for the last run


class Counting:
    """Counts the characters the corrections search and the derived suggestions built."""

    def __init__(self) -> None:
        self.searched = 0
        self.built = 0
        search, suggestion = Corrections._search, Propagation._suggestion

        def counted_search(corrections, labels, low, high):  # noqa: ANN001, ANN202
            self.searched += min(high, len(corrections.text)) - max(low, 0)
            return search(corrections, labels, low, high)

        def counted_suggestion(propagation, start, end, text):  # noqa: ANN001, ANN202
            self.built += 1
            return suggestion(propagation, start, end, text)

        Corrections._search, Propagation._suggestion = counted_search, counted_suggestion

    def reset(self) -> None:
        self.searched = self.built = 0


def one_label_action(words: int, folder: Path, counting: Counting, corrections: int = 0) -> dict:
    """Open a fresh session on ``words`` words (its database holding ``corrections`` earlier
    corrections, of the generated names and of names elsewhere), label a WORD mid-text, draw
    the screen around it."""
    document, annotations, entities = generated_document(words)
    store = Store(folder / f"db-{words}-{time.monotonic_ns()}.json")
    store.add_document(document)
    names = [*LABELS, *(f"Elsewhere Name {n}" for n in range(corrections - len(LABELS)))][:corrections]
    store.apply([gazetteer_change(name, LABELS.get(name, "PERSON")) for name in names])
    session = AnnotationSession(store, document, "bench", records=(annotations, entities, []))
    start = document.text.index(f" {WORD} ", len(document.text) // 2) + 1  # mid-text, on screen in its middle
    layout = WrappedLayout(document, WIDTH)
    top = max(0, layout.row_of(start) - HEIGHT // 2)
    rows = [layout.row(n) for n in range(top, top + HEIGHT)]
    before = len(store.tables().get("annotations", {}))
    counting.reset()
    began = time.process_time()
    session.label_span(start, start + len(WORD), "FAC")
    shown = [a for row in rows if row is not None for a in session.spans.overlapping(row.start, max(row.end, row.start + 1))]
    cpu = time.process_time() - began
    searched, built = counting.searched, counting.built
    stored = len(store.tables().get("annotations", {})) - before
    calls = [0]

    def count_calls(frame, event, arg):  # noqa: ANN001, ANN202
        if event in ("call", "c_call"):
            calls[0] += 1

    sys.setprofile(count_calls)  # the same again, counting the function calls it makes (Python and C)
    session.label_span(start, start + len(WORD), "ORG")
    for row in rows:
        if row is not None:
            session.spans.overlapping(row.start, max(row.end, row.start + 1))
    sys.setprofile(None)
    began = time.process_time()
    job = session.propagation.count_job()  # the copies the app's thread makes for the worker
    copy_cpu = time.process_time() - began
    began = time.process_time()
    count = job()  # what the app's worker does, off the key path
    count_cpu = time.process_time() - began
    session.propagation.install(count)
    counted = count.total
    screen = sum(row.end - row.start for row in rows if row is not None)
    store.close()
    return {"cpu": cpu, "searched": searched, "built": built, "stored": stored, "shown": len(shown), "screen": screen,
            "occurrences": document.text.count(f" {WORD}"), "derived": counted, "count_cpu": count_cpu, "copy_cpu": copy_cpu, "calls": calls[0]}


def main() -> int:
    counting = Counting()
    failed = False
    with tempfile.TemporaryDirectory() as folder:
        results = {}
        for words, corrections in ((1_000, 0), (1_000_000, 0), (1_000_000, GAZETTEER)):
            runs = [one_label_action(words, Path(folder), counting, corrections) for _ in range(RUNS)]
            best = min(runs, key=lambda r: r["cpu"])
            results[words, corrections] = best
            print(f"{words:>9,} words, {corrections:,} earlier corrections: '{WORD}' occurs {best['occurrences']:,} times; label_span + first draw of {HEIGHT} rows: "
                  f"{best['cpu'] * 1000:.1f} ms CPU (best of {RUNS}; median {sorted(r['cpu'] for r in runs)[RUNS // 2] * 1000:.1f} ms); "
                  f"searched {best['searched']:,} characters for a screen of {best['screen']:,}; built {best['built']} derived suggestions; "
                  f"{best['calls']:,} function calls; stored {best['stored']} annotation record(s); counting all {best['derived']:,} derived suggestions: {best['copy_cpu'] * 1000:.1f} ms to copy (app thread), "
                  f"{best['count_cpu'] * 1000:.0f} ms to count (worker)")
            for run in runs:
                if run["stored"] != 1:
                    print(f"  FAIL: the label action stored {run['stored']} annotation records, not 1")
                    failed = True
                if run["searched"] > run["screen"] + 2 * CHUNK or run["built"] > run["shown"] + 2 * HEIGHT:
                    print(f"  FAIL: searched {run['searched']:,} characters / built {run['built']} suggestions for a screen of {run['screen']:,} characters")
                    failed = True
        small, large = results[1_000, 0], results[1_000_000, 0]
        print(f"1M / 1k words: {large['cpu'] / small['cpu']:.2f}x the UI-path CPU (bar: <= 1.5x), {large['calls'] / small['calls']:.2f}x the function calls")
        if large["calls"] > 1.5 * small["calls"]:
            print("  FAIL: the label action's work grows with the text")
            failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
