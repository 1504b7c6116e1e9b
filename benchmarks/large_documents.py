"""Large documents: first paint, CPU per key, save time per action and peak memory.

Run by hand (it takes a few minutes):

    python benchmarks/large_documents.py [--sizes 1000,10000,100000,1000000] [--runs 5]

For each size it generates prose with one entity span per 10 words, stores it with its spans
in a fresh database, and prints Markdown tables:

1. process start → first painted screen of ``postil FILE`` (in a pseudo-terminal), against a
   bare Textual app showing one Label and against Textual's read-only ``TextArea`` holding the
   same text (measured in the same run);
2. CPU time per cursor key and per labelling action (relabelling the next name, which also
   looks for its other mentions; Pilot, minus the cost of a key on an empty app measured in the
   same run), and the wall time of that action's save; after a warm-up app, in
   interleaved rounds (``--rounds``) so that a slow spell of the machine is shared by all sizes;
3. peak RSS of ``postil FILE`` once its annotations are loaded, against the bare app;
4. CPU per key in the side panel's Claims list holding 1,000 and 100,000 claims (moving, going
   to either end, and deleting a claim in the text, which refills the list).

The spaCy model is not run (``--no-suggest``): these figures are about the reader itself. With
``--one-line`` the generated text has no newline at all (a book exported on one line).
"""

from __future__ import annotations

import argparse
import asyncio
import compileall
import fcntl
import os
import pty
import re
import select
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import textwrap
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.generate import generated_document  # noqa: E402

ANSI = re.compile(rb"\x1b(\[[0-9;?<>=$]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[@-Z\\-_])")
COLUMNS, LINES = 120, 40

BARE_APP = """
from textual.app import App
from textual.widgets import Label

class Bare(App):
    def compose(self):
        yield Label("bareready")

Bare().run()
"""

TEXTAREA_APP = """
import sys
from textual.app import App
from textual.widgets import TextArea

class Reader(App):
    def compose(self):
        yield TextArea(open(sys.argv[1], encoding="utf-8").read(), read_only=True)

Reader().run()
"""


def use_this_checkout() -> None:
    """Make child processes run this checkout's code, compiled as an installed copy would be.

    ``python -m tui`` started in a temporary folder would otherwise import whatever copy is
    installed; and with PYTHONDONTWRITEBYTECODE set (as on the development machine) every start
    would compile the package from source, which an installed copy never does.
    """
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))
    compileall.compile_dir(REPO / "tui", quiet=1)


def median(values: list[float]) -> float:
    return statistics.median(values)


def build_database(folder: Path, words: int, one_line: bool = False) -> tuple[Path, Path]:
    """Write the generated article and a database holding it with its spans; with ``one_line``
    every newline becomes a space (the offsets stay the same), as in a book exported on one line."""
    from tui.formats.readers import read_article
    from tui.launch import open_session
    from tui.store.records import ANNOTATIONS, ENTITIES, Change

    document, annotations, entities = generated_document(words)
    article = folder / f"prose-{words}.txt"
    article.write_text(document.text.replace("\n", " ") if one_line else document.text, encoding="utf-8")
    db = folder / f"prose-{words}.json"
    session = open_session(db, read_article(article), annotator="bench")
    doc_id = session.document.doc_id
    changes = [Change(ENTITIES, e.entity_id, {**e.to_record(), "doc_id": doc_id}) for e in entities]
    changes += [Change(ANNOTATIONS, a.id, {**a.to_record(), "doc_id": doc_id}) for a in annotations]
    session.store.apply(changes)
    session.store.close()
    return article, db


def run_until(command: list[str], marker: bytes, cwd: Path, settle_marker: bytes | None = None, timeout: float = 120.0) -> tuple[float, int]:
    """Start ``command`` in a pseudo-terminal; return seconds until ``marker`` is on screen and
    the peak RSS (kB) once ``settle_marker`` (or the marker) has appeared."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", LINES, COLUMNS, 0, 0))
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": str(COLUMNS), "LINES": str(LINES)}
    start = time.perf_counter()
    process = subprocess.Popen(command, stdin=slave, stdout=slave, stderr=slave, cwd=cwd, env=env, close_fds=True, start_new_session=True)
    os.close(slave)
    seen = b""
    painted = None
    wanted = settle_marker or marker
    try:
        while time.perf_counter() - start < timeout:
            ready, _, _ = select.select([master], [], [], 0.05)
            if ready:
                try:
                    chunk = os.read(master, 1 << 16)
                except OSError:
                    break
                seen += chunk
                plain = ANSI.sub(b"", seen)
                if painted is None and marker in plain:
                    painted = time.perf_counter() - start
                if painted is not None and wanted in plain:
                    break
        if painted is None:
            raise RuntimeError(f"{command[0]}: {marker!r} never appeared")
        time.sleep(0.2)
        peak = peak_rss_kb(process.pid)
        return painted, peak
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        os.close(master)


def peak_rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def first_paint_and_memory(sizes: list[int], runs: int, folder: Path) -> None:
    bare_script = folder / "bare.py"
    bare_script.write_text(textwrap.dedent(BARE_APP))
    reader_script = folder / "textarea.py"
    reader_script.write_text(textwrap.dedent(TEXTAREA_APP))
    bare_times, bare_rss = [], []
    postil_times: dict[int, list[float]] = {words: [] for words in sizes}
    postil_rss: dict[int, list[int]] = {words: [] for words in sizes}
    # Interleaved: each run starts the bare app and then postil at every size, so that a slow
    # spell of the machine is shared by the baseline and the sizes.
    for _ in range(runs):
        painted, rss = run_until([sys.executable, str(bare_script)], b"bareready", folder)
        bare_times.append(painted)
        bare_rss.append(rss)
        for words in sizes:
            article, db = databases[words]
            painted, rss = run_until(
                [sys.executable, "-m", "tui", str(article), "--db", str(db), "--no-suggest"],
                article.read_text()[:9].encode(), folder, settle_marker=b"saved",
            )
            postil_times[words].append(painted)
            postil_rss[words].append(rss)
    bare = median(bare_times)
    bare_memory = median(bare_rss)
    print("\n### First paint (process start to first screen), median of", runs, "interleaved runs\n")
    print("| words | spans | bare Textual app | TextArea (read-only) | postil | postil ÷ bare | postil ÷ TextArea |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    memory_rows = []
    for words in sizes:
        article, db = databases[words]
        reader_runs = runs if words <= 100_000 else 1
        reader_times = []
        for _ in range(reader_runs):
            try:
                painted, _ = run_until([sys.executable, str(reader_script), str(article)], article.read_text()[:9].encode(), folder, timeout=300)
                reader_times.append(painted)
            except RuntimeError:
                break
        postil = median(postil_times[words])
        reader = median(reader_times) if reader_times else float("nan")
        print(f"| {words:,} | {words // 10:,} | {bare * 1000:.0f} ms | {reader * 1000:.0f} ms | {postil * 1000:.0f} ms | {postil / bare:.2f} | {postil / reader:.2f} |")
        memory_rows.append((words, median(postil_rss[words])))
    print("\n### Peak RSS once the annotations are loaded (spaCy not loaded), median of", runs, "runs\n")
    print("| words | bare Textual app | postil | postil − bare |")
    print("| ---: | ---: | ---: | ---: |")
    for words, rss in memory_rows:
        print(f"| {words:,} | {bare_memory / 1024:.0f} MB | {rss / 1024:.0f} MB | {(rss - bare_memory) / 1024:.0f} MB |")


async def key_costs(sizes: list[int], runs: int, rounds: int) -> None:
    """CPU per cursor key and per labelling action at each size, in ``rounds`` interleaved
    rounds (every size once per round) after a warm-up app, so that a slow spell of the machine
    or first-use costs (lazy imports, caches) do not land on one size only."""
    from textual.app import App
    from textual.widgets import Label

    from tui.app import PostilApp
    from tui.formats.readers import read_article
    from tui.launch import open_session

    class Empty(App):
        def compose(self):
            yield Label("empty")

    async def cpu_per_press(app, keys: list[str]) -> list[float]:
        async with app.run_test(size=(COLUMNS, LINES)) as pilot:
            await pilot.pause()
            samples = []
            for _ in range(runs):
                for key in keys:
                    before = time.process_time()
                    await pilot.press(key)
                    samples.append(time.process_time() - before)
            if isinstance(app, PostilApp):
                await pilot.press("q")
            return samples

    def open_app(words: int) -> PostilApp:
        article, db = databases[words]
        return PostilApp(open_session(db, read_article(article), annotator="bench"))

    async def label_samples(words: int) -> tuple[list[float], list[float]]:
        samples, save_times = [], []
        app = open_app(words)
        save = app.session.saves.write

        def timed_save(batch):
            # The store's write of one action (log record and fsync), timed where the session saves.
            started = time.perf_counter()
            try:
                return save(batch)
            finally:
                save_times.append(time.perf_counter() - started)

        app.session.saves.write = timed_save
        async with app.run_test(size=(COLUMNS, LINES)) as pilot:
            await pilot.pause()
            for i in range(runs * 4):
                # The next name (one span per 10 words), relabelled: the label's mentions elsewhere
                # are looked up for propagation, so this is the costliest ordinary action.
                await pilot.press("right_square_bracket")
                before = time.process_time()
                await pilot.press("7" if i % 2 else "8")
                samples.append(time.process_time() - before)
            await pilot.press("q")
        return samples, save_times

    moves = ["l", "l", "j", "l", "k", "l"] * 4
    await cpu_per_press(open_app(sizes[0]), moves)  # warm-up, not counted
    harness: list[float] = []
    cursor: dict[int, list[float]] = {words: [] for words in sizes}
    label: dict[int, list[float]] = {words: [] for words in sizes}
    saves: dict[int, list[float]] = {words: [] for words in sizes}
    for _ in range(rounds):
        harness += await cpu_per_press(Empty(), ["z"] * 20)
        for words in sizes:
            cursor[words] += await cpu_per_press(open_app(words), moves)
            label_times, save_times = await label_samples(words)
            label[words] += label_times
            saves[words] += save_times
    harness_cost = median(harness)
    presses = (len(cursor[sizes[0]]), len(label[sizes[0]]))
    print(
        f"\n### CPU per key (Pilot; the cost of a key on an empty app subtracted), median of {presses[0]} cursor keys "
        f"and {presses[1]} label actions per size, in {rounds} interleaved rounds\n"
    )
    print(f"Harness cost of one key on an empty app: {harness_cost * 1000:.2f} ms\n")
    print("| words | spans | cursor key | ratio to 1k | label action | ratio to 1k | its save (wall) |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    baseline = None
    for words in sizes:
        cursor_cost = max(0.0, median(cursor[words]) - harness_cost)
        label_cost = max(0.0, median(label[words]) - harness_cost)
        if baseline is None:
            baseline = (cursor_cost or 1e-9, label_cost or 1e-9)
        print(
            f"| {words:,} | {words // 10:,} | {cursor_cost * 1000:.2f} ms | {cursor_cost / baseline[0]:.2f} | "
            f"{label_cost * 1000:.2f} ms | {label_cost / baseline[1]:.2f} | {median(saves[words]) * 1000:.2f} ms |"
        )


def build_claims_database(folder: Path, claims: int) -> tuple[Path, Path]:
    """An article of ``claims`` one-sentence paragraphs, each marked as a claim."""
    from tui.formats.readers import read_article
    from tui.launch import open_session
    from tui.model.annotation import CLAIM, Annotation
    from tui.store.records import ANNOTATIONS, Change

    sentences = [f"Claim number {n} was made by the council." for n in range(claims)]
    article = folder / f"claims-{claims}.txt"
    article.write_text("\n\n".join(sentences), encoding="utf-8")
    db = folder / f"claims-{claims}.json"
    session = open_session(db, read_article(article), annotator="bench")
    document, changes, start = session.document, [], 0
    for n, sentence in enumerate(sentences):
        claim = Annotation.on_text(document.doc_id, document.text, CLAIM, "assertion", start, start + len(sentence), id=f"c-{n}",
                                   attrs={"claim_type": "assertion", "verdict": "unverified"})
        changes.append(Change(ANNOTATIONS, claim.id, claim.to_record()))
        start += len(sentence) + 2
    session.store.apply(changes)
    session.store.close()
    return article, db


async def list_costs(sizes: list[int], runs: int, folder: Path) -> None:
    """CPU per key in the Claims list, and per refill of it (a claim deleted in the text)."""
    from tui.app import PostilApp
    from tui.formats.readers import read_article
    from tui.launch import open_session

    print("\n### Side-panel list: CPU per key in the Claims tab (Pilot), median\n")
    print("| claims listed | ↓ in the list | ratio to the smallest | End then Home | ratio | delete a claim (list refilled) | ratio |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    baseline = None
    for claims in sizes:
        article, db = build_claims_database(folder, claims)
        app = PostilApp(open_session(db, read_article(article), annotator="bench"))
        async with app.run_test(size=(COLUMNS, LINES)) as pilot:
            await pilot.press("tab", "right")  # the Claims tab, its list focused
            await pilot.pause()
            down, ends, marks = [], [], []
            for _ in range(runs * 4):
                before = time.process_time()
                await pilot.press("down")
                down.append(time.process_time() - before)
            for _ in range(runs):
                before = time.process_time()
                await pilot.press("end", "home")
                ends.append(time.process_time() - before)
            await pilot.press("tab")  # to the article; the Claims tab stays on show
            for _ in range(runs * 2):
                # Delete the claim of the next paragraph: the shown Claims list is refilled.
                await pilot.press("right_curly_bracket")
                before = time.process_time()
                await pilot.press("d")
                marks.append(time.process_time() - before)
            await pilot.press("q")
        row = (median(down), median(ends), median(marks))
        baseline = baseline or row
        print(f"| {claims:,} | {row[0] * 1000:.2f} ms | {row[0] / baseline[0]:.2f} | {row[1] * 1000:.2f} ms | {row[1] / baseline[1]:.2f} | "
              f"{row[2] * 1000:.2f} ms | {row[2] / baseline[2]:.2f} |")


databases: dict[int, tuple[Path, Path]] = {}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000,1000000")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds of the key costs (every size once per round)")
    parser.add_argument("--one-line", action="store_true", help="the generated text without a single newline")
    parser.add_argument("--only", choices=["paint", "keys", "lists"], default=None)
    parser.add_argument("--list-sizes", default="1000,100000", help="claims in the side-panel list benchmark")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    use_this_checkout()
    print(f"Machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}, {os.uname().sysname} {os.uname().machine}")
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        if args.only in (None, "lists"):
            asyncio.run(list_costs([int(size) for size in args.list_sizes.split(",")], args.runs, folder))
        if args.only == "lists":
            return
        for words in sizes:
            databases[words] = build_database(folder, words, one_line=args.one_line)
        if args.only in (None, "paint"):
            first_paint_and_memory(sizes, args.runs, folder)
        if args.only in (None, "keys"):
            asyncio.run(key_costs(sizes, args.runs, args.rounds))


if __name__ == "__main__":
    main()
