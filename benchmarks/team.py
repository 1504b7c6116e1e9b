"""What a team costs: ``postil merge`` of three annotators' databases and ``postil agree`` on the result.

Twelve documents (the bundled sample article under twelve different headlines, about 400 words
each) are annotated by three annotators, each in a database of their own, starting from the
sample's hand-checked entities and claims with realistic partial disagreement: each annotator
misses some mentions, labels some differently, draws some boundaries a word wider, adds a few of
their own, gives some claims another verdict, and leaves a few model suggestions unreviewed.

Measured in each round, on a fresh team database: the merge (12 documents x 3 annotators), the
merge again (nothing changes), and the agreement figures, each in-process (CPU and wall time of
``tui.cli.main``, output to /dev/null) and as a subprocess (``python -m tui merge|agree``, wall
time, interpreter start and imports included). Prints a Markdown table of medians and maxima.
Run: ``python benchmarks/team.py [--rounds N]``.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import orjson

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tui.cli import main  # noqa: E402
from tui.model.annotation import ACCEPTED, CLAIM, SUGGESTED, Annotation, Entity, Quote, new_id  # noqa: E402
from tui.model.document import Document  # noqa: E402
from tui.store.records import ANNOTATIONS, DOCUMENTS, ENTITIES, Change, document_record  # noqa: E402
from tui.store.repository import Store  # noqa: E402

SAMPLE = REPO / "tui" / "data" / "sample.txt"
SEED = REPO / "tui" / "data" / "sample_annotations.json"
ANNOTATORS = ("alice", "bob", "carol")
DOCUMENTS_COUNT = 12
LABELS = ("PERSON", "ORG", "GPE", "PRODUCT", "DATE", "NORP")
VERDICTS = ("true", "mostly-true", "mixed", "false", "unverified")


def documents() -> list[tuple[Document, list[dict], list[dict]]]:
    """The twelve documents with the sample's annotations and entities moved onto each."""
    text = SAMPLE.read_text(encoding="utf-8")
    seed = orjson.loads(SEED.read_bytes())
    made = []
    for number in range(1, DOCUMENTS_COUNT + 1):
        headline = f"Dispatch {number} from the technology desk, edition {2026 + number % 3}\n\n"
        body = headline + text
        document = Document(body, f"Dispatch {number}", f"news/dispatch-{number}.txt")
        shift = len(headline)
        annotations = []
        for record in seed["annotations"]:
            moved = {**record, "start": record["start"] + shift, "end": record["end"] + shift, "doc_id": document.doc_id}
            attrs = dict(record.get("attrs") or {})
            for name in ("cue", "speaker_span"):
                if attrs.get(name):
                    attrs[name] = [attrs[name][0] + shift, attrs[name][1] + shift]
            if attrs.get("content"):
                attrs["content"] = [[a + shift, b + shift] for a, b in attrs["content"]]
            moved["attrs"] = attrs
            annotations.append(moved)
        made.append((document, annotations, seed["entities"]))
    return made


def stored(annotation: Annotation) -> Change:
    return Change(ANNOTATIONS, annotation.id, annotation.to_record())


def annotator_database(path: Path, name: str, corpus, seed: int) -> None:
    """``name``'s own database: every document with their version of the gold work, one write
    per document with a journal entry (as the app would leave it)."""
    chance = random.Random(seed)
    store = Store(path)
    try:
        for document, gold, entities in corpus:
            text = document.text
            own = {e["entity_id"]: Entity(document.doc_id, e["name"], e["label"], new_id("e"), list(e.get("aliases") or []), e.get("kb_id", "")) for e in entities}
            changes = [Change(DOCUMENTS, document.doc_id, document_record(document))]
            changes += [Change(ENTITIES, e.entity_id, e.to_record()) for e in own.values()]
            for record in gold:
                roll = chance.random()
                start, end, label, status = record["start"], record["end"], record["label"], ACCEPTED
                attrs = dict(record["attrs"])
                for key in ("entity_id", "speaker"):
                    if attrs.get(key) in own:
                        attrs[key] = own[attrs[key]].entity_id
                if record["kind"] == CLAIM:
                    if roll < 0.1:
                        continue
                    if roll < 0.3:
                        attrs["verdict"] = chance.choice(VERDICTS)
                else:
                    if roll < 0.1:
                        continue  # missed
                    if roll < 0.18:
                        label = chance.choice([other for other in LABELS if other != label])
                    elif roll < 0.23:
                        following = text.find(" ", end + 1)
                        end = following if 0 < following - end < 15 else end  # a word wider
                    elif roll < 0.28:
                        status = SUGGESTED  # not reviewed yet
                changes.append(stored(Annotation(doc_id=document.doc_id, kind=record["kind"], label=label, start=start, end=end,
                                                 quote=Quote.from_text(text, start, end), status=status, annotator=name, attrs=attrs)))
            for _ in range(chance.randint(1, 3)):  # a few spans of their own
                start = chance.randrange(len(text) - 20)
                start = text.find(" ", start) + 1
                end = text.find(" ", start)
                if 0 < end - start < 20:
                    changes.append(stored(Annotation.on_text(document.doc_id, text, "entity", chance.choice(LABELS), start, end, annotator=name)))
            store.apply([*changes, store.append_journal("label", changes, [None] * len(changes), annotator=name, doc_id=document.doc_id)])
    finally:
        store.close()


def in_process(argv: list[str]) -> tuple[float, float]:
    """(CPU, wall) seconds of ``postil ARGV`` run in this process, its output discarded."""
    sink = io.StringIO()
    cpu, wall = time.process_time(), time.perf_counter()
    with contextlib.redirect_stdout(sink):
        status = main(argv)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    if status != 0:
        raise SystemExit(f"postil {' '.join(argv)} failed with {status}")
    return cpu, wall


def as_subprocess(argv: list[str]) -> float:
    """Wall seconds of ``python -m tui ARGV`` in a new process."""
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "tui", *argv], check=True, stdout=subprocess.DEVNULL, cwd=REPO,
                   env={**os.environ, "PYTHONPATH": str(REPO)})
    return time.perf_counter() - started


def summary(values: list[float]) -> str:
    return f"{1000 * statistics.median(values):.0f} / {1000 * max(values):.0f} ms"


def main_benchmark() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        corpus = documents()
        sources = []
        for seed, name in enumerate(ANNOTATORS):
            path = folder / f"{name}.json"
            annotator_database(path, name, corpus, seed)
            sources.append(str(path))
        words = sum(len(document.text.split()) for document, _, _ in corpus)
        rows: dict[str, list[float]] = {}

        def record(key: str, value: float) -> None:
            rows.setdefault(key, []).append(value)

        for number in range(args.rounds):
            team = folder / f"team-{number}.json"
            merge = ["merge", *sources, "--into", str(team)]
            cpu, wall = in_process(merge)
            record("merge, in-process CPU", cpu)
            record("merge, in-process wall", wall)
            cpu, wall = in_process(merge)
            record("merge again (nothing changes), in-process CPU", cpu)
            cpu, wall = in_process(["agree", "--db", str(team)])
            record("agreement, in-process CPU", cpu)
            record("agreement, in-process wall", wall)
            record("merge + agreement, in-process CPU", rows["merge, in-process CPU"][-1] + cpu)
            record("`python -m tui merge --help` (start and imports only), wall", as_subprocess(["merge", "--help"]))
            subprocess_team = folder / f"team-sub-{number}.json"
            merge_wall = as_subprocess(["merge", *sources, "--into", str(subprocess_team)])
            record("`python -m tui merge`, wall", merge_wall)
            agree_wall = as_subprocess(["agree", "--db", str(subprocess_team)])
            record("`python -m tui agree`, wall", agree_wall)
            record("merge + agree as two commands, wall", merge_wall + agree_wall)
        with Store(folder / "team-0.json", read_only=True) as store:
            merged = sum(len(store.annotations(d.doc_id)) for d in store.documents())
            entities = sum(len(store.entities(d.doc_id)) for d in store.documents())
        print(f"{DOCUMENTS_COUNT} documents ({words} words) x {len(ANNOTATORS)} annotators -> {merged} annotations and {entities} entities "
              f"in the team database; {args.rounds} rounds; {platform.machine()} {os.cpu_count()} cores, Python {platform.python_version()}")
        print()
        print("| step | median / max |")
        print("| --- | ---: |")
        for key, values in rows.items():
            print(f"| {key} | {summary(values)} |")


if __name__ == "__main__":
    main_benchmark()
