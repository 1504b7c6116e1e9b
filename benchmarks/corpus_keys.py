"""Moving through a corpus: key-to-screen latency of the document keys in a real terminal.

Run by hand (about a minute; needs tmux):

    python benchmarks/corpus_keys.py [--documents 200] [--annotations 500] [--presses 40]

Two databases are made of articles of about 300 words with ``--annotations`` stored annotations
each: a small one of 3 documents (the baseline, measured in the same run) and a large one of
``--documents``; what differs is only the size of the corpus. In each, the real ``postil`` runs in tmux without the model; the time from a
key sent with ``tmux send-keys`` to the screen showing its result is measured by polling the pane:

- ``J``: the next document (its title on the status line),
- ``o`` then ``Esc``: the document list shown, and back to the document,
- ``/`` search every document: from Enter in the search box to the list of hits.

It prints a Markdown table of p50 / p95 / max in milliseconds, and the process's CPU time.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from tui.model.annotation import Annotation
from tui.model.document import Document
from tui.store.records import ANNOTATIONS, Change
from tui.store.repository import open_store

SENTENCE = "Mayor Ann Lee said the harbour bridge reopens on Monday after repairs. "


def make_corpus(path: Path, documents: int, annotations: int) -> None:
    """A database of ``documents`` articles titled "Article N" with ``annotations`` spans each."""
    store = open_store(path)
    changes = []
    for number in range(documents):
        text = f"Article {number}\n\n" + SENTENCE * 25
        document = Document(text=text, title=f"Article {number}", source=f"/corpus/{number}.txt", added=f"2026-12-01T00:{number // 60:02d}:{number % 60:02d}")
        store.add_document(document)
        for n in range(annotations):
            start = len(f"Article {number}\n\n") + (n % 25) * len(SENTENCE) + (n // 25 % 3) * 6
            status = "suggested" if n % 3 else "accepted"
            annotation = Annotation.on_text(document.doc_id, text, "entity", "PERSON", start, start + 5, status=status)
            changes.append(Change(ANNOTATIONS, annotation.id, annotation.to_record()))
    store.apply(changes)
    store.close()


class Terminal:
    TMUX = ["tmux"]  # the command, with the server's socket when a caller wants its own (-L NAME)

    def __init__(self, command: list[str], cwd: Path, size: tuple[int, int] = (140, 40)) -> None:
        self.name = f"postil-bench-{uuid.uuid4().hex[:8]}"
        subprocess.run([*self.TMUX, "new-session", "-d", "-s", self.name, "-x", str(size[0]), "-y", str(size[1]), "-c", str(cwd), " ".join(command)], check=True)

    def screen(self) -> str:
        return subprocess.run([*self.TMUX, "capture-pane", "-p", "-t", self.name], capture_output=True, text=True).stdout

    def wait_for(self, text: str, timeout: float = 60.0, first_line: bool = False) -> float:
        """Seconds until ``text`` shows (on the first line only, with ``first_line``)."""
        start = time.perf_counter()
        while time.perf_counter() - start < timeout:
            screen = self.screen()
            if text in (screen.split("\n", 1)[0] if first_line else screen):
                return time.perf_counter() - start
            time.sleep(0.002)
        raise SystemExit(f"{text!r} did not show; the screen:\n{self.screen()}")

    def key(self, *keys: str) -> float:
        """Send keys; the time they were sent."""
        subprocess.run([*self.TMUX, "send-keys", "-t", self.name, *keys], check=True)
        return time.perf_counter()

    def pane_pid(self) -> int:
        """The process id of the command the pane runs."""
        return int(subprocess.run([*self.TMUX, "list-panes", "-t", self.name, "-F", "#{pane_pid}"], capture_output=True, text=True).stdout.split()[0])

    def cpu_seconds(self) -> float:
        """User and system CPU time of the pane's process and its children so far."""
        pane = self.pane_pid()
        stats = {}
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                stats[int(entry.name)] = (int(fields[1]), int(fields[11]) + int(fields[12]))  # ppid, utime + stime
        family, total = {pane}, 0
        for pid, (parent, ticks) in sorted(stats.items()):
            if pid in family or parent in family:
                family.add(pid)
                total += ticks
        return total / os.sysconf("SC_CLK_TCK")

    def close(self) -> None:
        subprocess.run([*self.TMUX, "kill-session", "-t", self.name], capture_output=True)


def measure(db: Path, documents: int, presses: int) -> tuple[dict[str, list[float]], float]:
    """Key-to-screen times of each key, and the app's CPU seconds per J."""
    postil = shutil.which("postil") or f"{sys.executable} -m tui"
    terminal = Terminal([postil, "--db", str(db), "--no-suggest", "--annotator", "bench"], db.parent)
    times: dict[str, list[float]] = {"J (next document)": [], "o, Esc (list and back)": [], "search every document": []}
    try:
        terminal.wait_for(f"Documents in {db.name}")
        terminal.key("Enter")
        terminal.wait_for("Article 0 ", first_line=True)
        cpu_before, timed = terminal.cpu_seconds(), 0
        for press in range(presses):
            number = (press + 1) % documents
            if number == 0:  # past the last: back to the first through the list
                terminal.key("o")
                terminal.wait_for(f"Documents in {db.name}", first_line=True)
                terminal.key("g", "Enter")
                terminal.wait_for("Article 0 ", first_line=True)
                continue
            sent = terminal.key("J")
            terminal.wait_for(f"Article {number} ", first_line=True)
            times["J (next document)"].append(time.perf_counter() - sent)
            timed += 1
        cpu_per_j = (terminal.cpu_seconds() - cpu_before) / max(1, timed)  # the few list round trips included
        for _ in range(max(3, presses // 4)):
            sent = terminal.key("o")
            terminal.wait_for(f"Documents in {db.name}", first_line=True)
            terminal.key("Escape")
            terminal.wait_for("Article ", first_line=True)
            times["o, Esc (list and back)"].append(time.perf_counter() - sent)
        for round_number in range(3):
            terminal.key("/")
            terminal.wait_for("Enter search")
            time.sleep(0.3)  # the query box takes keys once it has the focus, a moment after it shows
            terminal.key("C-u")
            terminal.key("-l", "harbour")
            if round_number == 0:  # every document (the box remembers it)
                terminal.key("C-g")
            sent = terminal.key("Enter")
            terminal.wait_for("hits for")
            times["search every document"].append(time.perf_counter() - sent)
            terminal.key("Escape")
            time.sleep(0.2)
        terminal.key("q")
        time.sleep(1)
    finally:
        terminal.close()
    return times, cpu_per_j


def percentiles(values: list[float]) -> tuple[float, float, float]:
    """p50, p95 and max of ``values`` (seconds) in milliseconds."""
    ms = sorted(value * 1000 for value in values)
    return statistics.median(ms), ms[min(len(ms) - 1, int(round(0.95 * (len(ms) - 1))))], ms[-1]


def row(name: str, label: str, values: list[float]) -> str:
    p50, p95, longest = percentiles(values)
    return f"| {name} | {label} | {len(values)} | {p50:.0f} | {p95:.0f} | {longest:.0f} |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=200)
    parser.add_argument("--annotations", type=int, default=500)
    parser.add_argument("--presses", type=int, default=40)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp())
    small, large = folder / "small.json", folder / "large.json"
    make_corpus(small, 3, args.annotations)
    make_corpus(large, args.documents, args.annotations)
    print("| key | corpus | n | p50 ms | p95 ms | max ms |")
    print("|---|---|---|---|---|---|")
    cpu = []
    for db, label, documents in ((small, f"3 documents × {args.annotations} annotations", 3), (large, f"{args.documents} documents × {args.annotations} annotations", args.documents)):
        times, cpu_per_j = measure(db, documents, args.presses)
        cpu.append((label, cpu_per_j))
        for name, values in times.items():
            print(row(name, label, values))
    for label, seconds in cpu:
        print(f"\nCPU of the app per J, {label}: {seconds * 1000:.0f} ms (polling the pane costs it nothing; tmux's own work is not counted)")
    shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
