"""Where the memory of an open book goes: tracemalloc of ``postil FILE --no-suggest`` up to first paint.

Run by hand:

    python benchmarks/memory_profile.py [--words 1000000] [--top 25] [--frames 1]

It builds the generated book of ``benchmarks/generate.py`` (one entity span per 10 words) in a
fresh database, then, in a child process, opens it the way ``postil FILE --no-suggest`` does
(the article read by the command's reader, the session opened in the app's background worker
when the database is large) inside a headless app, draws the first screen, and prints:

1. the memory Python holds at each step (traced, in MB) and the process's peak RSS;
2. the largest consumers once the first screen is drawn, grouped by the ``file:line`` that
   allocated them (with ``--frames N``, by the N innermost frames of their tracebacks).

Tracing slows Python down a few times and adds its own memory to the RSS: the RSS figures to
quote are those of ``benchmarks/large_documents.py --only paint``, which runs no tracer.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import subprocess
import sys
import tempfile
import tracemalloc
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

MB = 1024 * 1024


def rss_kb(field: str) -> int:
    """This process's ``VmRSS`` or ``VmHWM`` (peak) in kB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


class Steps:
    """The traced memory and RSS after each step of opening the book."""

    def __init__(self) -> None:
        self.rows: list[tuple[str, float, float, float, float]] = []

    def mark(self, name: str) -> None:
        gc.collect()
        traced, traced_peak = (size / MB for size in tracemalloc.get_traced_memory()) if tracemalloc.is_tracing() else (float("nan"),) * 2
        self.rows.append((name, traced, traced_peak, rss_kb("VmRSS") / 1024, rss_kb("VmHWM") / 1024))

    def print(self) -> None:
        print("| step | traced | peak traced | RSS | peak RSS |")
        print("| --- | ---: | ---: | ---: | ---: |")
        for name, traced, traced_peak, rss, peak in self.rows:
            print(f"| {name} | {traced:.1f} MB | {traced_peak:.1f} MB | {rss:.0f} MB | {peak:.0f} MB |")


def where(trace_key: tuple, repo: str) -> str:
    """A traceback's frames as ``file:line`` (paths inside the repository made relative)."""
    return " < ".join(f"{frame.filename.replace(repo + '/', '')}:{frame.lineno}" for frame in trace_key)


def profile(article: Path, db: Path, top: int, frames: int, trace: bool) -> None:
    """Open ``article`` in ``db`` as the app does, draw its first screen, print the breakdown."""
    steps = Steps()
    if trace:
        tracemalloc.start(frames)
    from tui.app import PostilApp  # the app's imports, counted as the bare start-up
    from tui.formats.readers import MAX_ARTICLE_MB
    from tui.formats.web import read_article_file
    from tui.launch import open_session, opens_in_background

    steps.mark("imports")
    document = read_article_file(article, "utf-8", MAX_ARTICLE_MB)
    steps.mark("article read")
    if opens_in_background(db):
        app = PostilApp(document=document, open_session=lambda: open_session(db, document, annotator="bench"))
    else:
        app = PostilApp(open_session(db, document, annotator="bench"))
    snapshot = None

    async def first_screen() -> None:
        nonlocal snapshot
        async with app.run_test(size=(120, 40)) as pilot:
            while app.session is None:
                await pilot.pause(0.05)
            await app.workers.wait_for_complete()
            await pilot.pause()
            steps.mark("first screen, annotations loaded")
            if trace:
                snapshot = tracemalloc.take_snapshot()
            app.exit()

    asyncio.run(first_screen())
    steps.print()
    if snapshot is None:
        return
    snapshot = snapshot.filter_traces([tracemalloc.Filter(False, tracemalloc.__file__)])
    stats = snapshot.statistics("traceback" if frames > 1 else "lineno")
    total = sum(stat.size for stat in stats)
    print(f"\nTraced at first screen: {total / MB:.1f} MB in {sum(s.count for s in stats):,} blocks\n")
    print("| MB | blocks | allocated at |")
    print("| ---: | ---: | --- |")
    for stat in stats[:top]:
        print(f"| {stat.size / MB:.1f} | {stat.count:,} | {where(tuple(stat.traceback), str(REPO))} |")
    by_file: dict[str, int] = {}
    for stat in snapshot.statistics("filename"):
        name = stat.traceback[0].filename.replace(str(REPO) + "/", "")
        by_file[name] = by_file.get(name, 0) + stat.size
    print("\n| MB | file |")
    print("| ---: | --- |")
    for name, size in sorted(by_file.items(), key=lambda item: -item[1])[:15]:
        print(f"| {size / MB:.1f} | {name} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=1_000_000)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--frames", type=int, default=1, help="group by this many innermost frames")
    parser.add_argument("--no-trace", action="store_true", help="the steps' RSS only, without tracemalloc")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        profile(Path(args.child[0]), Path(args.child[1]), args.top, args.frames, not args.no_trace)
        return
    from benchmarks.large_documents import build_database

    with tempfile.TemporaryDirectory() as scratch:
        article, db = build_database(Path(scratch), args.words)
        print(f"## {args.words:,} words, {args.words // 10:,} spans: `postil {article.name} --no-suggest` up to its first screen\n")
        command = [sys.executable, __file__, "--child", str(article), str(db), "--top", str(args.top), "--frames", str(args.frames)]
        subprocess.run([*command, *(["--no-trace"] if args.no_trace else [])], check=True)


if __name__ == "__main__":
    main()
