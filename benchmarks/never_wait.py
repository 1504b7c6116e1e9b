"""Never wait (issue 17): what a user feels, measured from outside in a real terminal.

Run by hand (about 5–10 minutes; needs tmux and, for the model rows, spaCy's small English model):

    python benchmarks/never_wait.py [--sizes 1000,1000000] [--rows cursor,label,paint]
                                    [--keys 30] [--labels 6] [--runs 5] [--revision REV]

The books are ``benchmarks/generate.py``'s prose (one accepted name per 10 words, so 100,000 spans
at 1M words), stored by ``large_documents.build_database``, except that a few of its common words
are written as two-word names of the same length (``northern`` → ``Nora Lin``): each of those
phrases occurs about 19,500 times at 1M words and is not annotated, so labelling it proposes
every other occurrence. The real ``python -m tui`` runs in tmux (a server of its own) at 200×40.

Rows:

1. cursor key (``right`` and ``down`` in turn): key sent → the cursor drawn elsewhere, with
   ``--no-suggest`` and with the model on (default flags, a fresh copy of the database so the
   model really runs; only keys sent while the status line says ``suggesting`` count). Bar:
   p95 ≤ 33 ms.
2. label action: the first hit of a phrase found with ``/`` (not timed), ``v`` ``l`` selects its
   two words, and ``1`` (PERSON) is timed, key sent → the article redrawn; each action on another
   phrase, with ``--no-suggest``. Bars at 1M words: p95 ≤ 50 ms, UI-thread CPU ≤ 1.5× the 1k
   figure. Then ``q``, and the records and bytes the actions added to the database.
3. first paint: process start → the article's first words on screen in a pseudo-terminal
   (``large_documents.run_until``, 120×40), default flags on a fresh database, against the bare Textual
   app in the same run. Bar: ≤ 1.5× bare.
4. peak RSS (``VmHWM``) of the app's process at the end of every session above, against the bare
   app; the model's child processes, if any, are reported on their own. Bar at 1M words:
   ≤ 150 MB above bare.

"Screen changed" is found by polling ``tmux capture-pane -e`` (styles included: the cursor is a
bold reverse-video cell); the poll's own period is printed. Latency runs from the moment
``tmux send-keys`` returns. UI-thread CPU is the main thread's on-CPU time
(``/proc/PID/task/PID/schedstat``, nanoseconds; ``stat`` utime+stime where schedstat is missing)
from just before the key until the article has not changed for 150 ms; beside it, the share of
the main thread's time on the CPU over half a second with no key sent, after the keys (with the
model on, only if it still suggests then). ``--revision REV`` runs
the ``tui`` package of that commit (``git archive``) instead of the working tree.
"""

from __future__ import annotations

import argparse
import datetime
import itertools
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
COLUMNS, LINES = 200, 40  # wide enough that the status line keeps the model's progress at its end
# Common words of the generated prose, each written as a two-word name of the same length so
# that the spans' offsets stay right.
PHRASES = {
    "northern": "Nora Lin", "districts": "Dan Kovac", "spokesperson": "Sofia Brandt", "residents": "Rui Costa",
    "officials": "Ivo Marek", "reporters": "Tom Reyes", "critics": "Cy Wong", "council": "Al Nour", "budget": "Bo Lam",
}
COPIES = itertools.count(1)
SGR = re.compile(r"\x1b\[([0-9;:]*)m")
QUIET, SETTLE_CAP = 0.15, 3.0
MODEL_LAUNCHES = 12  # a small book is analysed in seconds: the app is started again until enough keys are timed
CURSOR_BAR, LABEL_BAR, CPU_RATIO_BAR, PAINT_BAR, MEMORY_BAR = 33, 50, 1.5, 1.5, 150


# The measured code -----------------------------------------------------------------------------

def measured_code(revision: str | None, scratch: Path) -> str:
    """Put the ``tui`` to measure first on the import path of this process and of every child;
    return what it is (a commit, and whether the working tree differs from it)."""
    root = REPO
    if revision:
        root = scratch / "code"
        root.mkdir()
        archive = subprocess.run(["git", "-C", str(REPO), "archive", revision, "tui"], capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(root)], input=archive, check=True)
    sys.path[:0] = [str(root), str(REPO)]
    os.environ["PYTHONPATH"] = os.pathsep.join(dict.fromkeys(filter(None, [str(root), str(REPO), os.environ.get("PYTHONPATH")])))
    import compileall

    compileall.compile_dir(root / "tui", quiet=1)
    git = ["git", "-C", str(REPO)]
    if revision:
        return subprocess.run([*git, "rev-parse", "--short", revision], capture_output=True, text=True).stdout.strip()
    head = subprocess.run([*git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    changed = subprocess.run([*git, "status", "--porcelain", "--", "tui"], capture_output=True, text=True).stdout.splitlines()
    return f"{head} + {len(changed)} uncommitted file(s) in tui/" if changed else head


def phrase_book(generate_text):  # noqa: ANN001, ANN201 - wraps generate.generate_text
    """``generate_text`` with the words of PHRASES written as their two-word names."""
    def text_with_phrases(words: int, seed: int = 7, paragraph_words: int = 120):  # noqa: ANN202
        text, spans = generate_text(words, seed, paragraph_words)
        for word, phrase in PHRASES.items():
            text = re.sub(rf"\b{word}\b", phrase, text)
        return text, spans
    return text_with_phrases


def build_books(sizes: list[int], folder: Path) -> dict[int, tuple[Path, Path]]:
    from benchmarks import generate, large_documents

    generate.generate_text = phrase_book(generate.generate_text)
    books = {words: large_documents.build_database(folder, words) for words in sizes}
    text = books[max(sizes)][0].read_text(encoding="utf-8")
    counts = {phrase: text.count(phrase) for phrase in PHRASES.values()}
    print(f"Phrases at {max(sizes):,} words: fewest {min(counts.values()):,} occurrences ({min(counts, key=counts.get)}), most {max(counts.values()):,}\n")
    return books


def fresh_copy(db: Path, folder: Path) -> Path:
    """A copy of ``db`` no app has opened (no analysis cached, no log, no lock)."""
    copy = folder / f"db-{next(COPIES)}.json"
    shutil.copyfile(db, copy)
    return copy


# What the terminal shows ------------------------------------------------------------------------

def styled(terminal) -> str:  # noqa: ANN001 - corpus_keys.Terminal
    return subprocess.run([*terminal.TMUX, "capture-pane", "-p", "-e", "-t", terminal.name], capture_output=True, text=True).stdout


def plain(screen: str) -> str:
    return SGR.sub("", screen)


def status_line(screen: str) -> str:
    return plain(screen).split("\n", 1)[0]


def article(screen: str) -> list[str]:
    """The article's rows with their styles: the status line, the side panel (right of its ▊
    border) and the two bottom rows (legend, key hints) left out."""
    return [line.split("▊", 1)[0] for line in screen.split("\n")[1:LINES - 2]]


def cursor_cells(screen: str) -> frozenset[tuple[int, int]]:
    """Where the article's cursor is: the cells drawn bold and in reverse video."""
    cells = set()
    for row, line in enumerate(article(screen)):
        bold = reverse = False
        column = 0
        parts = SGR.split(line)
        for index, part in enumerate(parts):
            if index % 2:
                codes = [int(code) if code.isdigit() else -1 for code in part.replace(":", ";").split(";")] if part else [0]
                position = 0
                while position < len(codes):
                    code = codes[position]
                    if code in (38, 48, 58):  # a colour: its own numbers follow
                        position += 2 if position + 1 < len(codes) and codes[position + 1] == 5 else 4
                    elif code == 0:
                        bold = reverse = False
                    elif code == 1:
                        bold = True
                    elif code == 22:
                        bold = False
                    elif code == 7:
                        reverse = True
                    elif code == 27:
                        reverse = False
                    position += 1
            else:
                if bold and reverse:
                    cells.update((row, column + offset) for offset in range(len(part)) if not part[offset].isspace())
                column += len(part)
    return frozenset(cells)


def wait_until(terminal, done, timeout: float) -> tuple[float | None, str]:  # noqa: ANN001
    """Poll the pane until ``done(screen)``; the time it first held (perf_counter) and that screen."""
    start = time.perf_counter()
    while True:
        screen = styled(terminal)
        now = time.perf_counter()
        if done(screen):
            return now, screen
        if now - start > timeout:
            return None, screen


def settle(terminal, screen: str) -> str:  # noqa: ANN001
    """Wait until the article has not changed for QUIET seconds (at most SETTLE_CAP)."""
    start = last_change = time.perf_counter()
    shown = article(screen)
    while time.perf_counter() - last_change < QUIET and time.perf_counter() - start < SETTLE_CAP:
        time.sleep(0.01)
        screen = styled(terminal)
        if article(screen) != shown:
            shown, last_change = article(screen), time.perf_counter()
    return screen


def poll_period(terminal, samples: int = 30) -> float:  # noqa: ANN001
    """Seconds one capture of the pane takes: the resolution of every latency here."""
    times = []
    for _ in range(samples):
        start = time.perf_counter()
        styled(terminal)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


# The app's process -------------------------------------------------------------------------------

def ui_cpu_seconds(pid: int) -> float:
    """On-CPU time of the process's main thread (the one Textual draws and handles keys on)."""
    task = Path(f"/proc/{pid}/task/{pid}")
    try:
        return int((task / "schedstat").read_text().split()[0]) / 1e9
    except (OSError, IndexError, ValueError):
        fields = (task / "stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def ui_queued_seconds(pid: int) -> float:
    """Time the main thread has spent ready to run but waiting for a core (0 without schedstat)."""
    try:
        return int(Path(f"/proc/{pid}/task/{pid}/schedstat").read_text().split()[1]) / 1e9
    except (OSError, IndexError, ValueError):
        return 0.0


def ui_busy(pid: int, seconds: float = 0.5) -> float:
    """Share of the main thread's time spent on the CPU over ``seconds`` with no key sent (with
    the model on: what handling its results costs the thread that must answer keys)."""
    before = ui_cpu_seconds(pid)
    time.sleep(seconds)
    return (ui_cpu_seconds(pid) - before) / seconds


def descendants(pid: int) -> list[int]:
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
    family, found = {pid}, []
    for child, parent in sorted(parents.items()):
        if parent in family and child not in family:
            family.add(child)
            found.append(child)
    return found


def peak_rss_mb(pid: int) -> float:
    from benchmarks.large_documents import peak_rss_kb

    try:
        return peak_rss_kb(pid) / 1024
    except OSError:
        return float("nan")


def tmux_server_cpu(tmux: list[str]) -> float:
    """CPU seconds the tmux server has used so far (0 when it is not running)."""
    pid = subprocess.run([*tmux, "display-message", "-p", "#{pid}"], capture_output=True, text=True).stdout.strip()
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, ValueError, IndexError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


class Session:
    """``python -m tui`` in a tmux pane of its own, with the process id of the app itself."""

    def __init__(self, article_path: Path, db: Path, model: bool) -> None:
        from benchmarks.corpus_keys import Terminal

        flags = [] if model else ["--no-suggest"]
        self.terminal = Terminal(["exec", sys.executable, "-m", "tui", str(article_path), "--db", str(db), "--annotator", "bench", *flags],
                                 db.parent, size=(COLUMNS, LINES))
        self.db = db
        self.pid = self.terminal.pane_pid()
        first_words = article_path.read_text(encoding="utf-8")[:12]
        if wait_until(self.terminal, lambda screen: first_words in plain(screen).split("\n", 1)[-1], 120)[0] is None:
            self.close()
            raise SystemExit(f"the article never showed; the screen:\n{plain(styled(self.terminal))}")

    def memory(self) -> tuple[float, str]:
        """Peak RSS (MB) of the app's process, and of each process below it with what it runs."""
        children = []
        for child in descendants(self.pid):
            try:
                command = Path(f"/proc/{child}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").split()
            except OSError:
                continue
            children.append(f"{peak_rss_mb(child):.0f} ({' '.join(command[1:])[:60]})")
        return peak_rss_mb(self.pid), "; ".join(children) or "none"

    def quit(self, timeout: float = 180) -> float:
        """``q``, and the seconds until the app's process has ended."""
        sent = self.terminal.key("q")
        while time.perf_counter() - sent < timeout:
            if not Path(f"/proc/{self.pid}").exists() or Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z":
                return time.perf_counter() - sent
            time.sleep(0.02)
        return float("nan")

    def close(self) -> None:
        """Close the pane, and end the app and its processes if a quit timed out: an app left
        running (its terminal gone) would take a core from every later measurement."""
        for pid in [*descendants(self.pid), self.pid]:
            try:
                os.kill(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        self.terminal.close()


def timed_key(session: Session, key: str, changed, timeout: float) -> tuple[float | None, float, str]:  # noqa: ANN001
    """Send ``key``; seconds until ``changed(before, after)`` holds (None on timeout), the UI
    thread's CPU seconds until the article settled, and the settled screen."""
    before = settle(session.terminal, styled(session.terminal))
    cpu = ui_cpu_seconds(session.pid)
    sent = session.terminal.key(key)
    seen, screen = wait_until(session.terminal, lambda screen: changed(before, screen), timeout)
    screen = settle(session.terminal, screen)
    return (None if seen is None else seen - sent), ui_cpu_seconds(session.pid) - cpu, screen


def cursor_moved(before: str, after: str) -> bool:
    cells = cursor_cells(after)
    return bool(cells) and cells != cursor_cells(before)


def article_changed(before: str, after: str) -> bool:
    return article(after) != article(before)


# Rows -----------------------------------------------------------------------------------------

class Results:
    def __init__(self) -> None:
        self.cursor: list[tuple] = []
        self.label: list[tuple] = []
        self.label_queued: dict[int, list[float]] = {}  # the UI thread's wait for a core per label action
        self.paint: list[tuple] = []
        self.memory: list[tuple] = []
        self.polls: list[float] = []
        self.timeouts = 0


def cursor_row(books: dict, words: int, model: bool, keys: int, folder: Path, results: Results) -> None:
    """Cursor keys at ``words`` words, with the model off, or on while it suggests."""
    article_path, db = books[words]
    latencies, cpus, launches, peaks, idle = [], [], 0, [], []
    started_load = load()
    while len(latencies) < keys and launches < (MODEL_LAUNCHES if model else 1):
        launches += 1
        session = Session(article_path, fresh_copy(db, folder), model)
        try:
            results.polls.append(poll_period(session.terminal))
            if not model:
                wait_until(session.terminal, lambda screen: "saved" in status_line(screen), 120)
            if model:
                # "suggestions by MODEL" is the notice once the model is done (it was too quick to see).
                wait_until(session.terminal, lambda screen: any(state in status_line(screen) for state in ("suggesting", "suggestions by")), 120)
                if "suggesting" not in status_line(styled(session.terminal)):
                    print(f"  {words:,} words: the status line no longer says 'suggesting': {status_line(styled(session.terminal)).strip()}")
            pressed = 0
            while len(latencies) < keys:
                if model and "suggesting" not in status_line(styled(session.terminal)):
                    break
                latency, cpu, _ = timed_key(session, ("right", "down")[pressed % 2], cursor_moved, 10)
                pressed += 1
                if latency is None:
                    results.timeouts += 1
                    continue
                latencies.append(latency)
                cpus.append(cpu)
            # After the keys, so that a small book's short analysis is left to them.
            if not model or "suggesting" in status_line(styled(session.terminal)):
                idle.append(ui_busy(session.pid))
            peaks.append(session.memory())
        finally:
            session.quit(30)
            session.close()
    state = f"model on, after cursor keys while it suggests (the launch with the highest, of {launches})" if model else "--no-suggest, after cursor keys"
    if peaks:
        results.memory.append((words, state, *max(peaks)))
    if latencies:
        results.cursor.append((words, model, latencies, cpus, statistics.median(idle) if idle else float("nan"), launches, f"{started_load} → {load()}"))


def label_row(books: dict, words: int, labels: int, folder: Path, results: Results) -> None:
    """``labels`` label actions, each on the first occurrence of another phrase, model off."""
    article_path, db = books[words]
    db = fresh_copy(db, folder)
    records_before, bytes_before = records(db), db.stat().st_size
    latencies, cpus = [], []
    started_load = load()
    session = Session(article_path, db, model=False)
    terminal = session.terminal
    try:
        results.polls.append(poll_period(terminal))
        wait_until(terminal, lambda screen: "saved" in status_line(screen), 120)
        for phrase in list(PHRASES.values())[:labels]:
            if not go_to(terminal, phrase):
                print(f"  {words:,} words: searching {phrase!r} never showed a hit; the status line: {status_line(styled(terminal)).strip()!r}")
                continue
            for key in ("v", "l"):
                before = settle(terminal, styled(terminal))
                terminal.key(key)
                wait_until(terminal, lambda screen, before=before: article_changed(before, screen), 30)
            queued = ui_queued_seconds(session.pid)
            latency, cpu, screen = timed_key(session, "1", article_changed, 120)
            results.label_queued.setdefault(words, []).append(ui_queued_seconds(session.pid) - queued)
            if latency is None:
                results.timeouts += 1
                continue
            if "labelled" not in status_line(screen):
                print(f"  {words:,} words, {phrase}: the status line says {status_line(screen).strip()!r}, not that it labelled")
            latencies.append(latency)
            cpus.append(cpu)
        rss, children = session.memory()
        results.memory.append((words, f"--no-suggest, after {len(latencies)} label actions", rss, children))
        quit_seconds = session.quit()
    finally:
        session.close()
    after = records(db)
    added = {table: after.get(table, 0) - records_before.get(table, 0) for table in after}
    results.label.append((words, latencies, cpus, added, bytes_before, db.stat().st_size, quit_seconds, f"{started_load} → {load()}"))


def go_to(terminal, phrase: str, attempts: int = 3) -> bool:  # noqa: ANN001
    """Put the cursor on the next occurrence of ``phrase`` with ``/`` (search box closed again)."""
    for _ in range(attempts):
        terminal.key("/")
        if wait_until(terminal, lambda screen: "Enter search" in plain(screen), 30)[0] is not None:
            time.sleep(0.3)  # the search box takes keys once it has the focus, a moment after it shows
            terminal.key("C-u")
            terminal.key("-l", phrase)
            terminal.key("Enter")
            if wait_until(terminal, lambda screen: f"for “{phrase}”" in status_line(screen), 60)[0] is not None:
                terminal.key("Escape")
                return True
        terminal.key("Escape")
        time.sleep(1)
    return False


def records(db: Path) -> dict[str, int]:
    """Records per table of a TinyDB file (its log folded in: the app has quit)."""
    return {table: len(rows) for table, rows in json.loads(db.read_text(encoding="utf-8")).items()}


def paint_row(books: dict, runs: int, folder: Path, results: Results) -> None:
    """First paint of the largest book, default flags and --no-suggest, beside the bare app."""
    from benchmarks.large_documents import BARE_APP, run_until

    words = max(books)
    article_path, db = books[words]
    bare_script = folder / "bare.py"
    bare_script.write_text(textwrap.dedent(BARE_APP))
    marker = article_path.read_text(encoding="utf-8")[:9].encode()
    times: dict[str, list[float]] = {"bare": [], "default": [], "--no-suggest": []}
    bare_rss = []
    started_load = load()
    for _ in range(runs):  # interleaved, so that a slow spell is shared
        painted, rss = run_until([sys.executable, str(bare_script)], b"bareready", folder)
        times["bare"].append(painted)
        bare_rss.append(rss / 1024)
        for name, flags in (("default", []), ("--no-suggest", ["--no-suggest"])):
            copy = fresh_copy(db, folder)
            command = [sys.executable, "-m", "tui", str(article_path), "--db", str(copy), "--annotator", "bench", *flags]
            times[name].append(run_until(command, marker, folder, settle_marker=b"saved")[0])
            for leftover in folder.glob(copy.name + "*"):
                leftover.unlink()
    results.paint.append((words, times, statistics.median(bare_rss), f"{started_load} → {load()}"))


def bare_rss_mb(folder: Path) -> float:
    from benchmarks.large_documents import BARE_APP, run_until

    bare_script = folder / "bare.py"
    bare_script.write_text(textwrap.dedent(BARE_APP))
    return statistics.median(run_until([sys.executable, str(bare_script)], b"bareready", folder)[1] / 1024 for _ in range(3))


# Report ---------------------------------------------------------------------------------------

def met(value: float, bar: float) -> str:
    return "yes" if value <= bar else "**no**"


def report(results: Results, folder: Path) -> None:
    from benchmarks.corpus_keys import percentiles

    def ms(seconds: float) -> str:
        return f"{seconds * 1000:.1f}"

    if results.cursor:
        print("\n### Cursor key (`right`, `down` in turn): key sent → cursor drawn elsewhere\n")
        print("| words | model | n | p50 ms | p95 ms | max ms | bar p95 ≤ 33 ms | UI-thread CPU per key, median / max ms | UI thread busy with no key | launches | load (1, 5, 15 min) |")
        print("|---:|---|---:|---:|---:|---:|---|---:|---:|---:|---|")
        for words, model, latencies, cpus, idle, launches, loads in results.cursor:
            p50, p95, longest = percentiles(latencies)
            state = "on, while it suggests" if model else "off (`--no-suggest`)"
            print(f"| {words:,} | {state} | {len(latencies)} | {p50:.0f} | {p95:.0f} | {longest:.0f} | {met(p95, CURSOR_BAR)} | "
                  f"{ms(statistics.median(cpus))} / {ms(max(cpus))} | {'–' if idle != idle else format(idle, '.0%')} | {launches} | {loads} |")
    if results.label:
        print("\n### Label action (`/` to a phrase's first occurrence, `v` `l`, then `1` timed), `--no-suggest`: key sent → article redrawn\n")
        print("| words | n | p50 ms | p95 ms | max ms | bar p95 ≤ 50 ms (1M) | UI-thread CPU, median / max ms | ÷ smallest book | bar ≤ 1.5× | load (1, 5, 15 min) |")
        print("|---:|---:|---:|---:|---:|---:|---|---:|---:|---|")
        baseline = statistics.median(results.label[0][2]) if results.label[0][2] else float("nan")
        for words, latencies, cpus, _, _, _, _, loads in results.label:
            if not latencies:
                print(f"| {words:,} | 0 | – | – | – | no action completed | – | – | – | {loads} |")
                continue
            p50, p95, longest = percentiles(latencies)
            ratio = statistics.median(cpus) / baseline
            large = words >= 1_000_000
            print(f"| {words:,} | {len(latencies)} | {p50:.0f} | {p95:.0f} | {longest:.0f} | {met(p95, LABEL_BAR) if large else '(bar at 1M)'} | "
                  f"{ms(statistics.median(cpus))} / {ms(max(cpus))} | {ratio:.2f} | {met(ratio, CPU_RATIO_BAR) if large else '–'} | {loads} |")
        queued = ", ".join(f"{words:,} words {ms(statistics.median(waits))} / {ms(max(waits))}" for words, waits in results.label_queued.items())
        print(f"\nThe UI thread's time ready to run but waiting for a core during a label action (schedstat), median / max ms: {queued}.")
        print("\n| words | label actions | records added (by table) | per action | database file before → after | quit took |")
        print("|---:|---:|---|---:|---|---:|")
        for words, latencies, _, added, before, after, quit_seconds, _ in results.label:
            tables = ", ".join(f"{table} {count:+,}" for table, count in sorted(added.items()) if count) or "none"
            per_action = sum(added.values()) / len(latencies) if latencies else float("nan")
            print(f"| {words:,} | {len(latencies)} | {tables} | {per_action:,.1f} | {before / 1e6:.1f} MB → {after / 1e6:.1f} MB | {quit_seconds:.1f} s |")
    bare_memory = None
    if results.paint:
        words, times, bare_memory, loads = results.paint[0]
        bare = statistics.median(times["bare"])
        print(f"\n### First paint at {words:,} words (process start → the article's first words, pseudo-terminal), median of {len(times['bare'])} interleaved runs, load {loads}\n")
        print("| app | median ms | runs (ms) | ÷ bare | bar ≤ 1.5× bare |")
        print("|---|---:|---|---:|---|")
        for name, values in times.items():
            ratio = statistics.median(values) / bare
            bar = met(ratio, PAINT_BAR) if name == "default" else "–"
            print(f"| {'bare Textual app' if name == 'bare' else 'postil ' + ('(default flags, fresh database)' if name == 'default' else name)} | "
                  f"{statistics.median(values) * 1000:.0f} | {', '.join(f'{v * 1000:.0f}' for v in values)} | {ratio:.2f} | {bar} |")
    if results.memory:
        bare_memory = bare_memory or bare_rss_mb(folder)
        print(f"\n### Peak RSS (VmHWM) of the app's process at the end of each session; bare Textual app {bare_memory:.0f} MB\n")
        print("| words | session | app MB | above bare MB | bar ≤ 150 MB above bare (1M) | child processes: MB (command) |")
        print("|---:|---|---:|---:|---|---|")
        for words, session, rss, children in results.memory:
            above = rss - bare_memory
            bar = met(above, MEMORY_BAR) if words >= 1_000_000 else "–"
            print(f"| {words:,} | {session} | {rss:.0f} | {above:.0f} | {bar} | {children} |")
    if results.polls:
        print(f"\nOne poll of the pane (`capture-pane -e`) takes {statistics.median(results.polls) * 1000:.1f} ms (median): "
              f"the resolution of the latencies. Keys that never changed the screen (timeouts): {results.timeouts}.")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,1000000", help="words of the generated books")
    parser.add_argument("--rows", default="cursor,label,paint", help="any of cursor, label, paint (peak RSS is taken in every session)")
    parser.add_argument("--keys", type=int, default=30, help="cursor keys per size and model state")
    parser.add_argument("--labels", type=int, default=6, help=f"label actions per size (at most {len(PHRASES)}, one per phrase)")
    parser.add_argument("--runs", type=int, default=5, help="interleaved runs of the first paint")
    parser.add_argument("--revision", help="measure the tui package of this commit instead of the working tree")
    args = parser.parse_args()
    if shutil.which("tmux") is None:
        raise SystemExit("never_wait.py needs tmux")
    sizes = sorted(int(size) for size in args.sizes.split(","))
    rows = set(args.rows.split(","))
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        code = measured_code(args.revision, folder)
        from benchmarks.corpus_keys import Terminal

        Terminal.TMUX = ["tmux", "-L", f"never-wait-{os.getpid()}"]
        print(f"{datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC · code {code} · {os.cpu_count()} cores · "
              f"Python {sys.version.split()[0]} · load {load()}\n")
        books = build_books(sizes, folder)
        results = Results()
        runs = []
        for words in sizes:
            if "cursor" in rows:
                runs += [(cursor_row, (books, words, False, args.keys, folder, results)), (cursor_row, (books, words, True, args.keys, folder, results))]
            if "label" in rows:
                runs.append((label_row, (books, words, min(args.labels, len(PHRASES)), folder, results)))
        if "paint" in rows:
            runs.append((paint_row, (books, args.runs, folder, results)))
        Terminal(["sleep", "86400"], folder)  # keeps the tmux server, and the count of its CPU, from one session to the next
        clients = in_tmux = 0.0  # CPU of the tmux clients this script ran, and the seconds spent on the tmux rows
        try:
            for row, arguments in runs:
                children, began = sum(os.times()[2:4]), time.perf_counter()
                try:
                    row(*arguments)
                except (SystemExit, RuntimeError, OSError) as error:  # one row failing leaves the others' figures
                    print(f"  {row.__name__}{arguments[1:2]}: {error}")
                if row is not paint_row:  # the pseudo-terminal runs' children are the apps themselves
                    clients += sum(os.times()[2:4]) - children
                    in_tmux += time.perf_counter() - began
        finally:
            polling = tmux_server_cpu(Terminal.TMUX) + clients
            subprocess.run([*Terminal.TMUX, "kill-server"], capture_output=True)
        report(results, folder)
        if in_tmux:
            print(f"\nThe measuring itself (tmux's server and the capture and send-keys clients) used {polling:.0f} s of CPU in the "
                  f"{in_tmux:.0f} s of the tmux rows: {polling / in_tmux:.2f} of a core beside the app.")
        print(f"\nLoad at the end: {load()}")


if __name__ == "__main__":
    main()
