"""What storing one batch of the model's suggestions costs the app's thread, by batch size.

Run by hand (about a minute):

    python benchmarks/suggestion_batches.py [--words 100000] [--sizes 100,250,500,1000] [--runs 7]

While the model streams, the app's thread stores each batch it is handed (``store_suggestions``:
checks, the write to the log, the index, the redraw it asks for); a key pressed meanwhile waits
for that store to end. This opens the generated book of ``benchmarks/large_documents.py`` (one
accepted name per 10 words) in the app under Pilot, hands it batches of new suggestions of each
size (mentions of words no annotation covers yet, each naming one of a few hundred entities, as
the model's do) and prints the app thread's CPU time per store, median and max, so that
``tui.nlp.suggest.STORED_AT_ONCE`` (the piece the app stores in one turn) can be set where a
store and its redraw leave a key most of a frame.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.large_documents import build_database  # noqa: E402

FRAME_MS = 1000 / 60


def suggestion_batches(document, taken: set[tuple[int, int]], size: int, count: int):  # noqa: ANN001, ANN201
    """``count`` batches of ``size`` new entity suggestions on words no annotation covers."""
    from tui.model.annotation import ENTITY, SUGGESTED, Annotation, Entity
    from tui.nlp.suggest import SuggestionBatch

    entities = [Entity(document.doc_id, f"Entity {n}", "ORG", entity_id=f"e-bench-{n}") for n in range(300)]
    words = (m for m in re.finditer(r"\b[a-z]{5,}\b", document.text) if (m.start(), m.end()) not in taken)
    for number in range(count):
        annotations = []
        for n, match in zip(range(size), words):
            entity = entities[(number * size + n) % len(entities)]
            annotations.append(Annotation.on_text(document.doc_id, document.text, ENTITY, "ORG", match.start(), match.end(),
                                                  status=SUGGESTED, origin="model:bench@1", attrs={"entity_id": entity.entity_id}))
        named = {a.attrs["entity_id"] for a in annotations}
        yield SuggestionBatch(number + 1, count + 1, annotations, [e for e in entities if e.entity_id in named])


async def store_costs(article: Path, db: Path, sizes: list[int], runs: int) -> dict[int, list[float]]:
    from tui.app import PostilApp
    from tui.formats.readers import read_article
    from tui.launch import open_session

    app = PostilApp(open_session(db, read_article(article), annotator="bench"))
    costs: dict[int, list[float]] = {}
    async with app.run_test(size=(160, 40)) as pilot:
        await pilot.pause()
        document = app.session.document
        taken = {(a.start, a.end) for a in app.session.index}
        for size in sizes:
            for batch in suggestion_batches(document, taken, size, runs):
                taken.update((a.start, a.end) for a in batch.annotations)
                started = time.thread_time()
                app.store_suggestions(batch)
                await pilot.pause()  # the redraw the store asked for, on this thread too
                costs.setdefault(size, []).append(time.thread_time() - started)
        await pilot.press("q")
    return costs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=100_000)
    parser.add_argument("--sizes", default="100,250,500,1000")
    parser.add_argument("--runs", type=int, default=7, help="batches stored per size")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    with tempfile.TemporaryDirectory() as scratch:
        article, db = build_database(Path(scratch), args.words)
        costs = asyncio.run(store_costs(article, db, sizes, args.runs))
    print(f"Storing one batch of suggestions, app thread CPU, {args.words:,}-word book ({args.runs} batches per size; a frame is {FRAME_MS:.1f} ms)\n")
    print("| suggestions per batch | median ms | max ms | µs per suggestion |")
    print("|---|---|---|---|")
    for size, samples in costs.items():
        middle = statistics.median(samples)
        print(f"| {size} | {middle * 1000:.1f} | {max(samples) * 1000:.1f} | {middle / size * 1e6:.0f} |")


if __name__ == "__main__":
    main()
