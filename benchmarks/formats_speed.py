"""What exporting and importing each format costs, against writing the same records as JSON.

A synthetic article of N sentences gets one entity mention and one claim (with speaker, cue
and a split content) per sentence. For each format, measured in one run: the export (span
graph + the format's bytes) and the import (parsing + planning the records; the write itself
is the store's and is left out). The baseline is serialising the same annotation and entity
records with ``dump_json``, the way the store writes them. Prints a Markdown table of medians
with the ratio to the baseline. Run: ``python benchmarks/formats_speed.py [RUNS] [N ...]``.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tui.formats.importing import plan_import  # noqa: E402
from tui.formats.interchange import ExportItem, Losses  # noqa: E402
from tui.formats.registry import FORMATS  # noqa: E402
from tui.model.annotation import CLAIM, ENTITY, Annotation, Entity  # noqa: E402
from tui.model.document import Document  # noqa: E402
from tui.store.repository import Store  # noqa: E402
from tui.store.storage import dump_json  # noqa: E402

SENTENCE = "Mayor Jane Doe said “the city cut crime,” adding “by 20% 🚀 in 東京.”\n"


def synthetic(sentences: int) -> ExportItem:
    """An article of ``sentences`` lines, each with a mention and a quote split around its cue."""
    text = SENTENCE * sentences
    document = Document(text=text, title="bench", source="https://example.org/bench")
    document.added = "2026-01-01T00:00:00+00:00"
    entity = Entity(document.doc_id, "Jane Doe", "PERSON", kb_id="Q1")
    annotations = []
    for line in range(sentences):
        base = line * len(SENTENCE)
        name = (base + 6, base + 14)
        cue = (base + 15, base + 19)
        first = (base + SENTENCE.index("the city"), base + SENTENCE.index(",”") + 1)
        second = (base + SENTENCE.index("by 20%"), base + SENTENCE.index(".”") + 1)
        annotations.append(Annotation.on_text(document.doc_id, text, ENTITY, "PERSON", *name, attrs={"entity_id": entity.entity_id}))
        annotations.append(Annotation.on_text(
            document.doc_id, text, CLAIM, "quote", first[0] - 1, second[1] + 1,
            attrs={"claim_type": "quote", "speaker": entity.entity_id, "speaker_span": list(name), "cue": list(cue),
                   "content": [list(first), list(second)], "verdict": "mixed", "checkworthiness": 0.5, "note": "n", "evidence": []},
        ))
    return ExportItem(document, annotations, {entity.entity_id: entity})


def median_seconds(function, runs: int) -> float:
    """The median wall time of ``runs`` calls."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def write_export(spec, payload, folder: Path) -> Path:
    """The exported payload on disk, where the importer reads it."""
    if spec.output == "directory":
        out = folder / "brat"
        out.mkdir(exist_ok=True)
        for name, data in payload.items():
            (out / name).write_bytes(data)
        return out
    out = folder / f"export.{spec.name}"
    out.write_bytes(payload)
    return out


def main() -> int:
    """Print the table."""
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    sizes = [int(n) for n in sys.argv[2:]] or [500, 5000]
    print("| sentences | annotations | format | export ms | import ms | export ÷ baseline | import ÷ baseline |")
    print("|---:|---:|---|---:|---:|---:|---:|")
    for size in sizes:
        item = synthetic(size)
        records = [a.to_record() for a in item.annotations] + [e.to_record() for e in item.entities.values()]
        baseline = median_seconds(lambda: dump_json(records), runs)
        print(f"| {size} | {len(item.annotations)} | baseline: dump_json of the records | {baseline * 1000:.1f} | — | 1.0 | — |")
        with tempfile.TemporaryDirectory() as folder:
            folder = Path(folder)
            store = Store(folder / "db.json")
            store.add_document(item.document)
            for spec in FORMATS.values():
                export_function = spec.export_function()
                exported = median_seconds(lambda: export_function([item], Losses()), runs)
                imported = None
                if spec.importer:
                    path = write_export(spec, export_function([item], Losses()), folder)
                    parse = spec.import_function()

                    def import_once() -> None:
                        """Parse the exported file and plan its import."""
                        graphs, errors = parse(path, store=store)
                        plan_import(store, graphs, spec.name)

                    imported = median_seconds(import_once, runs)
                import_cells = f"{imported * 1000:.1f} | " if imported is not None else "— | "
                import_ratio = f"{imported / baseline:.1f}" if imported is not None else "—"
                print(f"| {size} | {len(item.annotations)} | {spec.name} | {exported * 1000:.1f} | {import_cells}{exported / baseline:.1f} | {import_ratio} |")
            store.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
