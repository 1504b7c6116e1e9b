"""Themes and legibility: key-to-screen latency of this checkout beside another one, and the
cost of the legibility line filter per full repaint.

Run by hand (needs tmux; a few minutes):

    git worktree add /tmp/base COMMIT
    python benchmarks/legibility.py --baseline /tmp/base [--sizes 1000,1000000] [--presses 40] [--rounds 3]
    python benchmarks/legibility.py --only filter [--screens 120x36,200x60]

``keys``: generated prose (one entity span per 10 words, as in large_documents.py) stored in a
database; the real ``postil FILE --db DB --no-suggest`` runs in tmux, once with this checkout's
code and once with the ``--baseline`` checkout's (``PYTHONPATH``), alternated within each round,
in each theme of ``--themes`` (``TEXTUAL_THEME``, an empty settings folder, a truecolor terminal). A cursor key
(``l``, ``j``, ``l``, ``k`` in turn) and a label action (``]`` to the next name, then ``7`` or
``8`` relabels it; only the digit is timed) are sent with ``tmux send-keys`` and timed until the
pane (with its colours) differs from what it showed before the key, polled every 2 ms; the screen
is let settle before the next key. It prints p50 / p95 / max in milliseconds, how many keys
took over 100 ms, and the CPU of the app's main thread (Textual's UI thread) per key.

``filter``: this checkout's app under Pilot at each screen size; every widget's line cache is
dropped and the screen repainted, and the time spent in ``palette.LegibleText.apply`` is summed
per repaint beside the CPU of the whole repaint; then a profile of the filter over those lines.
"""

from __future__ import annotations

import argparse
import asyncio
import compileall
import cProfile
import io
import os
import pstats
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.corpus_keys import Terminal, percentiles  # noqa: E402
from benchmarks.large_documents import build_database  # noqa: E402


class OwnTerminal(Terminal):
    """A tmux session on a server of its own, which no other tmux user's kill-server ends."""

    TMUX = ["tmux", "-L", "postil-legibility"]


def app_pid(terminal: Terminal) -> int:
    """The Python process running in the pane (the pane's shell may have started it as a child)."""
    family = [terminal.pane_pid()]
    while family:
        pid = family.pop()
        if "python" in Path(f"/proc/{pid}/comm").read_text():
            return pid
        children = Path(f"/proc/{pid}/task/{pid}/children")
        family += [int(child) for child in children.read_text().split()] if children.exists() else []
    raise SystemExit("no Python process in the pane")


def main_thread_cpu(pid: int) -> float:
    """CPU seconds of the process's main thread (where Textual runs the app) so far, to the
    nanosecond (the scheduler's count, not the 10 ms ticks of /proc/PID/stat)."""
    return int(Path(f"/proc/{pid}/task/{pid}/schedstat").read_text().split()[0]) / 1e9


def styled_screen(terminal: Terminal) -> str:
    return subprocess.run([*terminal.TMUX, "capture-pane", "-p", "-e", "-t", terminal.name], capture_output=True, text=True).stdout


def settle(terminal: Terminal, quiet: float = 0.03, timeout: float = 30.0) -> str:
    """The pane once it has not changed for ``quiet`` seconds."""
    screen, since, start = styled_screen(terminal), time.perf_counter(), time.perf_counter()
    while time.perf_counter() - start < timeout:
        time.sleep(0.005)
        now = styled_screen(terminal)
        if now != screen:
            screen, since = now, time.perf_counter()
        elif time.perf_counter() - since >= quiet:
            return screen
    return screen


def timed_key(terminal: Terminal, key: str, timeout: float = 10.0) -> float:
    """Seconds from ``key`` sent to the pane first showing something else; then let it settle."""
    before = settle(terminal)
    sent = terminal.key(key)
    while time.perf_counter() - sent < timeout:
        if styled_screen(terminal) != before:
            elapsed = time.perf_counter() - sent
            settle(terminal)
            return elapsed
        time.sleep(0.002)
    raise SystemExit(f"{key!r} changed nothing on screen:\n{terminal.screen()}")


def session_keys(tree: Path, theme: str, article: Path, db: Path, presses: int, size: tuple[int, int], folder: Path) -> dict[str, tuple[list[float], float]]:
    """Key-to-screen times of the cursor key and the label action in one postil session, and the
    main thread's CPU seconds per key of each."""
    config = folder / "config"
    config.mkdir(exist_ok=True)
    command = ["env", f"PYTHONPATH={tree}", f"TEXTUAL_THEME={theme}", f"XDG_CONFIG_HOME={config}", "TERM=xterm-256color", "COLORTERM=truecolor",
               sys.executable, "-m", "tui", str(article), "--db", str(db), "--no-suggest", "--annotator", "bench"]
    terminal = OwnTerminal(command, folder, size=size)
    results = {}
    try:
        terminal.wait_for(article.read_text()[:9])
        time.sleep(1.0)
        settle(terminal, quiet=0.5)
        pid = app_pid(terminal)
        for key in "ljlk":  # first-use costs (lazy imports, caches) are not what this compares
            timed_key(terminal, key)
        cursor, cpu = [], main_thread_cpu(pid)
        for press in range(presses):
            cursor.append(timed_key(terminal, "ljlk"[press % 4]))
        results["cursor key (l j l k)"] = (cursor, (main_thread_cpu(pid) - cpu) / presses)
        label, cpu_spent = [], 0.0
        for press in range(presses // 2):
            timed_key(terminal, "]")
            cpu = main_thread_cpu(pid)
            label.append(timed_key(terminal, "7" if press % 2 else "8"))
            cpu_spent += main_thread_cpu(pid) - cpu
        results["label action (] then 7/8)"] = (label, cpu_spent / (presses // 2))
        terminal.key("q")
        quit_sent = time.perf_counter()
        while Path(f"/proc/{pid}").exists() and time.perf_counter() - quit_sent < 10:
            time.sleep(0.05)  # the next session opens a copy of the same database only once this one has closed it
    finally:
        terminal.close()
    return results


def compare_keys(args: argparse.Namespace) -> None:
    trees = {"now": REPO, "baseline": Path(args.baseline).resolve()}
    for tree in trees.values():
        compileall.compile_dir(tree / "tui", quiet=1)  # as an installed copy is, whatever PYTHONDONTWRITEBYTECODE says
    size = tuple(int(n) for n in args.size.split("x"))
    sizes = [int(words) for words in args.sizes.split(",")]
    themes = args.themes.split(",")
    samples: dict[tuple, list[float]] = {}
    cpu: dict[tuple, list[float]] = {}
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        templates = {words: build_database(folder, words) for words in sizes}
        for round_number in range(args.rounds):
            order = list(trees) if round_number % 2 == 0 else list(reversed(trees))
            for theme in themes:
                for words in sizes:
                    for name in order:
                        article, template = templates[words]
                        run = Path(tempfile.mkdtemp(dir=folder))  # a fresh copy of the database, its log and lock files new
                        db = run / template.name
                        shutil.copyfile(template, db)
                        if (folder / "postil-texts").is_dir():  # where the database keeps a long document's text
                            shutil.copytree(folder / "postil-texts", run / "postil-texts")
                        for key, (times, per_key) in session_keys(trees[name], theme, article, db, args.presses, size, run).items():
                            samples.setdefault((theme, words, key, name), []).extend(times)
                            cpu.setdefault((theme, words, key, name), []).append(per_key)
                        shutil.rmtree(run)
    print(f"\ntmux {size[0]}×{size[1]}, {args.rounds} rounds; now = {REPO}, baseline = {trees['baseline']}\n")
    print("| theme | words | key | n | p50 ms: baseline / now | p95 ms: baseline / now | max ms: baseline / now | over 100 ms: baseline / now | main-thread CPU per key: baseline / now |")
    print("|---|---:|---|---:|---:|---:|---:|---:|---:|")
    for theme in themes:
        for words in sizes:
            for key in ("cursor key (l j l k)", "label action (] then 7/8)"):
                base, now = (percentiles(samples[(theme, words, key, name)]) for name in ("baseline", "now"))
                cpu_base, cpu_now = (statistics.median(cpu[(theme, words, key, name)]) * 1000 for name in ("baseline", "now"))
                n = len(samples[(theme, words, key, "now")])
                slow = [sum(value > 0.1 for value in samples[(theme, words, key, name)]) for name in ("baseline", "now")]
                print(f"| {theme} | {words:,} | {key} | {n} | {base[0]:.0f} / {now[0]:.0f} | {base[1]:.0f} / {now[1]:.0f} | "
                      f"{base[2]:.0f} / {now[2]:.0f} | {slow[0]} / {slow[1]} | {cpu_base:.1f} / {cpu_now:.1f} ms |")


async def filter_cost(screens: list[tuple[int, int]], themes: list[str], repaints: int) -> None:
    """CPU of LegibleText.apply per full repaint of the main screen, beside the repaint's own."""
    from tui.app import PostilApp
    from tui.formats.readers import read_article
    from tui.launch import open_session
    from tui.widgets import palette
    from tui.widgets.palette import LegibleText

    caches = [value for value in vars(palette).values() if hasattr(value, "cache_clear")]  # the filter's colour reckonings

    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        article, template = build_database(folder, 1000)
        print("| screen | theme | lines filtered per repaint | filter per repaint (ms) | filter, its colour caches cleared first (ms) | whole repaint CPU (ms) | filter share |")
        print("|---|---|---:|---:|---:|---:|---:|")
        profiled = []
        for columns, lines in screens:
            for theme in themes:
                db = folder / "run.json"
                shutil.copyfile(template, db)
                app = PostilApp(open_session(db, read_article(article), annotator="bench"))
                spent, seen = [0.0], []
                original = LegibleText.apply

                def timed_apply(self, segments, background):
                    started = time.perf_counter()
                    try:
                        return original(self, segments, background)
                    finally:
                        spent[0] += time.perf_counter() - started
                        seen.append((list(segments), background))

                async with app.run_test(size=(columns, lines)) as pilot:
                    app.theme = theme
                    await pilot.pause()
                    await pilot.press("l", "j")
                    await pilot.pause()
                    LegibleText.apply = timed_apply
                    try:
                        warm, cold, whole, counts = [], [], [], []
                        for repaint in range(repaints):
                            if repaint % 2:
                                for cache in caches:
                                    cache.cache_clear()
                            spent[0], seen[:] = 0.0, []
                            started = time.process_time()
                            for widget in app.screen.walk_children(with_self=True):
                                widget._styles_cache.clear()
                                widget.refresh()
                            await pilot.pause()
                            whole.append(time.process_time() - started)
                            (cold if repaint % 2 else warm).append(spent[0])
                            counts.append(len(seen))
                        profiled.append(((columns, lines, theme), list(seen), app._legible_text))
                    finally:
                        LegibleText.apply = original
                    await pilot.press("q")
                print(f"| {columns}×{lines} | {theme} | {statistics.median(counts):.0f} | {statistics.median(warm) * 1000:.2f} | "
                      f"{statistics.median(cold) * 1000:.2f} | {statistics.median(whole) * 1000:.1f} | {statistics.median(warm) / statistics.median(whole):.0%} |")
        (columns, lines, theme), seen, legible = profiled[-1]
        profile = cProfile.Profile()
        profile.enable()
        for _ in range(50):
            for segments, background in seen:
                legible.apply(segments, background)
        profile.disable()
        report = io.StringIO()
        pstats.Stats(profile, stream=report).sort_stats("tottime").print_stats(8)
        print(f"\nProfile of the filter over the lines of one repaint at {columns}×{lines}, {theme}, 50 times (its caches warm):\n")
        print(report.getvalue())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=["keys", "filter"], default=None)
    parser.add_argument("--baseline", help="another checkout of Postil, measured beside this one (needed for keys)")
    parser.add_argument("--sizes", default="1000,1000000", help="words of the generated articles")
    parser.add_argument("--themes", default="textual-dark,textual-light")
    parser.add_argument("--presses", type=int, default=40, help="cursor keys per session (half as many label actions)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--size", default="120x36", help="the tmux window, COLUMNSxLINES")
    parser.add_argument("--screens", default="120x36,200x60", help="screen sizes of the filter measurement")
    parser.add_argument("--repaints", type=int, default=20)
    args = parser.parse_args()
    print(f"Machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}, {os.uname().sysname} {os.uname().machine}")
    if args.only in (None, "filter"):
        screens = [tuple(int(n) for n in screen.split("x")) for screen in args.screens.split(",")]
        asyncio.run(filter_cost(screens, args.themes.split(","), args.repaints))
    if args.only in (None, "keys"):
        if not args.baseline:
            parser.error("--baseline CHECKOUT is needed to compare key latency")
        compare_keys(args)


if __name__ == "__main__":
    main()
