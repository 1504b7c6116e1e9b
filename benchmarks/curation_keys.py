"""Curation mode (issue 16): key-to-screen latency of its keys and first paint, in a real terminal.

Run by hand (a few minutes; needs tmux):

    python benchmarks/curation_keys.py [--sizes 1000,100000] [--presses 40] [--rounds 2] [--profile]

For each size, generated prose (``benchmarks/generate.py``: one name every 10 words) is annotated
by alice and bob, each in a database of their own: both mark every name alike (agreed), and they
disagree on one other word per 50 words (alice alone, bob alone, different labels, or bob's span
a word wider, in turn). ``postil merge`` makes the team database: about 1,000 words with 100
agreed annotations and 20 disagreements, and 100,000 words with 10,000 and 2,000.

The real ``postil --db TEAM.json --no-suggest`` runs in tmux (140×40) on a fresh copy of the team
database in each session, the sizes alternated within each round:

- first paint: tmux session started → the document's first words on screen; the first open of a
  team database also stores the curation's copies of the agreed annotations, so the figure is
  taken on the first open and again on the second;
- ``l`` (cursor key, the baseline), ``.`` (next open disagreement), and a decision: ``t`` opens
  the take picker, then ``a`` takes alice's version; timed from the ``a`` to the first change of
  the pane, and to the status line counting the decision.

A key is sent with ``tmux send-keys`` and timed until the pane (colours included) differs from
what it showed before, polled every 2 ms; the screen settles before the next key. It prints p50 /
p95 / max in milliseconds and the CPU of the app's main thread (Textual's UI thread) per key.
With ``--profile``: on the largest size in-process, the steps of opening the team database timed
(first and second open), then cProfile of decisions in the app under Pilot: ``a`` in the picker,
which stores the take, reckons again the resolution of the disagreements it touched, redraws the
marks and goes on to the next open one.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import os
import pstats
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.corpus_keys import percentiles  # noqa: E402
from benchmarks.generate import generate_text  # noqa: E402
from benchmarks.large_documents import use_this_checkout  # noqa: E402
from benchmarks.legibility import OwnTerminal, app_pid, main_thread_cpu, settle, styled_screen, timed_key  # noqa: E402

ANNOTATORS = ("alice", "bob")
DISPUTED_WORDS = ("council", "mayor", "bridge", "residents", "officials", "critics", "budget")
SIZE = (140, 40)
RESOLVED = re.compile(r"(\d+) of [\d,]+ disagreements resolved|curation: (\d+)/\d+ resolved")


def annotators_databases(folder: Path, words: int) -> tuple[list[Path], str, int, int]:
    """alice's and bob's databases of one generated document; its text, and how many agreed
    annotations and disagreements the team database will have."""
    from tui.launch import open_session
    from tui.model.annotation import ACCEPTED, ENTITY, Annotation, Entity
    from tui.model.document import Document
    from tui.store.records import ANNOTATIONS, ENTITIES, Change

    text, names = generate_text(words)
    taken = [False] * len(text)
    for start, end, _ in names:
        taken[start:end] = [True] * (end - start)
    pattern = re.compile(r"\b(?:" + "|".join(DISPUTED_WORDS) + r")\b")
    candidates = [m for m in pattern.finditer(text) if not any(taken[max(0, m.start() - 12) : m.end()])]
    wanted = max(1, words // 50)
    step = max(1, len(candidates) // wanted)
    disputed = candidates[::step][:wanted]

    paths = []
    for annotator in ANNOTATORS:
        path = folder / f"{annotator}-{words}.json"
        session = open_session(path, Document(text, f"Generated prose, {words} words", f"generated:{words}"), annotator=annotator)
        doc_id = session.document.doc_id
        entities: dict[tuple[str, str], Entity] = {}
        changes = []

        def mention(start: int, end: int, label: str, n: int) -> None:
            name = text[start:end]
            entity = entities.get((name.casefold(), label))
            if entity is None:
                entity = entities[(name.casefold(), label)] = Entity(doc_id, name, label, entity_id=f"e-{annotator}-{len(entities)}", annotator=annotator)
            changes.append(Change(ANNOTATIONS, f"a-{annotator}-{n}", Annotation.on_text(
                doc_id, text, ENTITY, label, start, end, id=f"a-{annotator}-{n}", annotator=annotator, status=ACCEPTED,
                created="2026-12-01T00:00:00+00:00", attrs={"entity_id": entity.entity_id}).to_record()))

        for n, (start, end, label) in enumerate(names):
            mention(start, end, label, n)
        for n, match in enumerate(disputed, start=len(names)):
            how = n % 4
            if how == 0 and annotator == "alice":  # alice alone
                mention(match.start(), match.end(), "ORG", n)
            elif how == 1 and annotator == "bob":  # bob alone
                mention(match.start(), match.end(), "NORP", n)
            elif how == 2:  # different labels
                mention(match.start(), match.end(), "ORG" if annotator == "alice" else "PERSON", n)
            elif how == 3:  # bob's span takes the word before too
                start = match.start() if annotator == "alice" else text.rindex(" ", 0, match.start() - 1) + 1
                mention(start, match.end(), "ORG", n)
        changes += [Change(ENTITIES, e.entity_id, e.to_record()) for e in entities.values()]
        session.store.apply(changes)
        session.store.close()
        paths.append(path)
    return paths, text, len(names), len(disputed)


def team_database(folder: Path, words: int) -> tuple[Path, str, int, int]:
    """The team database of ``words`` words, made by ``postil merge``, in a folder of its own."""
    sources, text, agreed, disagreements = annotators_databases(folder, words)
    team_folder = folder / f"team-{words}"
    team_folder.mkdir()
    team = team_folder / "team.json"
    subprocess.run([sys.executable, "-m", "tui", "merge", *(f"{name}={path}" for name, path in zip(ANNOTATORS, sources)), "--into", str(team)],
                   check=True, capture_output=True, text=True)
    return team, text, agreed, disagreements


def fresh_copy(team: Path, scratch: Path) -> Path:
    """A copy of the team database's folder (with any texts kept beside it), as never opened."""
    run = Path(tempfile.mkdtemp(dir=scratch))
    shutil.copytree(team.parent, run / "db")
    return run / "db" / team.name


def resolved_count(screen: str) -> int | None:
    found = RESOLVED.search(screen)
    return None if found is None else int(found.group(1) or found.group(2))


def launch(db: Path, text: str) -> tuple[OwnTerminal, float]:
    """postil on ``db`` in tmux; the seconds from starting it to the document's first words shown."""
    postil = [sys.executable, "-m", "tui", "--db", str(db), "--no-suggest", "--annotator", "lead"]
    command = ["env", "TERM=xterm-256color", "COLORTERM=truecolor", f"XDG_CONFIG_HOME={db.parent / 'config'}", *postil]
    started = time.perf_counter()
    terminal = OwnTerminal(command, db.parent, size=SIZE)
    first_words = text.split("\n", 1)[0][:30]
    terminal.wait_for(first_words, timeout=120)
    return terminal, time.perf_counter() - started


def quit_app(terminal: OwnTerminal, pid: int) -> None:
    terminal.key("q")
    sent = time.perf_counter()
    while Path(f"/proc/{pid}").exists() and time.perf_counter() - sent < 30:
        time.sleep(0.05)
    terminal.close()


def session_keys(db: Path, text: str, presses: int, decisions: int) -> tuple[dict[str, tuple[list[float], float]], list[float]]:
    """Key-to-screen times (and main-thread CPU seconds per key) of one postil session on ``db``,
    and its first paint on the first and the second open."""
    paints = []
    terminal, paint = launch(db, text)
    paints.append(paint)
    pid = app_pid(terminal)
    settle(terminal, quiet=0.5)
    quit_app(terminal, pid)
    terminal, paint = launch(db, text)
    paints.append(paint)
    results: dict[str, tuple[list[float], float]] = {}
    try:
        pid = app_pid(terminal)
        settle(terminal, quiet=0.5)
        for key in "l.l.":  # first-use costs (lazy imports, caches) are not what this measures
            timed_key(terminal, key)
        for name, key in (("l (cursor key, baseline)", "l"), (". (next open disagreement)", ".")):
            times, cpu = [], main_thread_cpu(pid)
            for _ in range(presses):
                times.append(timed_key(terminal, key))
            results[name] = (times, (main_thread_cpu(pid) - cpu) / presses)
        picker, first_change, counted, picker_cpu, decision_cpu = [], [], [], 0.0, 0.0
        for _ in range(decisions):
            cpu = main_thread_cpu(pid)
            picker.append(timed_key(terminal, "t"))
            picker_cpu += main_thread_cpu(pid) - cpu
            before = settle(terminal)
            resolved = resolved_count(terminal.screen())
            cpu = main_thread_cpu(pid)
            sent = terminal.key("a")
            changed = None
            while time.perf_counter() - sent < 30:
                screen = styled_screen(terminal)
                if changed is None and screen != before:
                    changed = time.perf_counter() - sent
                if resolved_count(screen) not in (None, resolved):
                    counted.append(time.perf_counter() - sent)
                    break
                time.sleep(0.002)
            else:
                raise SystemExit(f"the decision was not counted on the status line:\n{terminal.screen()}")
            first_change.append(changed)
            settle(terminal)
            decision_cpu += main_thread_cpu(pid) - cpu
        results["t (take picker shown)"] = (picker, picker_cpu / decisions)
        results["a in the picker: first change"] = (first_change, decision_cpu / decisions)
        results["a in the picker: decision counted"] = (counted, decision_cpu / decisions)
        quit_app(terminal, pid)
    finally:
        terminal.close()
    return results, paints


def measure(args: argparse.Namespace) -> None:
    sizes = [int(words) for words in args.sizes.split(",")]
    samples: dict[tuple[int, str], list[float]] = {}
    cpu: dict[tuple[int, str], list[float]] = {}
    paints: dict[int, list[list[float]]] = {}
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        teams = {words: team_database(folder, words) for words in sizes}
        for words, (_, _, agreed, disagreements) in teams.items():
            print(f"{words:,} words: {agreed:,} agreed annotations, {disagreements:,} disagreements")
        for round_number in range(args.rounds):
            for words in (sizes if round_number % 2 == 0 else list(reversed(sizes))):
                team, text, _, disagreements = teams[words]
                db = fresh_copy(team, folder)
                results, paint = session_keys(db, text, args.presses, min(args.presses, disagreements))
                paints.setdefault(words, []).append(paint)
                for name, (times, per_key) in results.items():
                    samples.setdefault((words, name), []).extend(times)
                    cpu.setdefault((words, name), []).append(per_key)
                shutil.rmtree(db.parent.parent)
    print(f"\ntmux {SIZE[0]}×{SIZE[1]}, {args.rounds} rounds, load average {' '.join(f'{v:.2f}' for v in os.getloadavg())} at the end\n")
    print("| words | agreed / disagreements | key | n | p50 ms | p95 ms | max ms | UI-thread CPU per key |")
    print("|---:|---:|---|---:|---:|---:|---:|---:|")
    for words in sizes:
        _, _, agreed, disagreements = teams[words]
        for name in dict.fromkeys(name for (size, name) in samples if size == words):
            p50, p95, worst = percentiles(samples[(words, name)])
            print(f"| {words:,} | {agreed:,} / {disagreements:,} | {name} | {len(samples[(words, name)])} | {p50:.0f} | {p95:.0f} | {worst:.0f} | "
                  f"{statistics.median(cpu[(words, name)]) * 1000:.1f} ms |")
    print("\n| words | first paint, first open (curation layer seeded) | first paint, second open |")
    print("|---:|---|---|")
    for words in sizes:
        firsts, seconds = zip(*paints[words])
        print(f"| {words:,} | {' / '.join(f'{s * 1000:.0f}' for s in firsts)} ms | {' / '.join(f'{s * 1000:.0f}' for s in seconds)} ms |")


async def profile_decisions(words: int, decisions: int) -> None:
    """What opening the team database costs, step by step (wall, no profiler); then cProfile of
    ``decisions`` takes (``t`` then ``a``, only the ``a`` profiled) in the app under Pilot."""
    from tui.app import PostilApp
    from tui.launch import open_session
    from tui.session.corpus import current_documents
    from tui.store.repository import open_store

    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        team, _, agreed, disagreements = team_database(folder, words)
        for opening in ("first open (the layer seeded)", "second open"):
            started = time.perf_counter()
            store = open_store(team)
            document = current_documents(store)[0]
            read = time.perf_counter()
            session = open_session(team, document, store=store)
            opened = time.perf_counter()
            session.curation.next_open(session, 0, 1)
            print(f"{opening}, wall: open_store {(read - started) * 1000:.0f} ms, open_session (its Curation, the seed, the session, "
                  f"every resolution) {(opened - read) * 1000:.0f} ms, next_open {(time.perf_counter() - opened) * 1000:.2f} ms")
            store.close()
        store = open_store(team)
        app = PostilApp(open_session(team, current_documents(store)[0], store=store))
        profile, spent = cProfile.Profile(), []
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            for _ in range(decisions):
                await pilot.press("t")
                await pilot.pause()
                started = time.process_time()
                profile.enable()
                await pilot.press("a")
                await pilot.pause()
                profile.disable()
                spent.append(time.process_time() - started)
            await pilot.press("q")
        store.close()
    print(f"\nProfile of {decisions} decisions ('a' in the take picker, Pilot) at {words:,} words, {agreed:,} agreed, {disagreements:,} disagreements; "
          f"CPU per decision under the profiler: median {statistics.median(spent) * 1000:.1f} ms\n")
    report = io.StringIO()
    stats = pstats.Stats(profile, stream=report)
    stats.sort_stats("cumulative").print_stats(r"tui[/\\]", 30)  # Postil's own calls, what each costs with what it calls
    stats.sort_stats("tottime").print_stats(20)
    stats.print_callers(r"curation.py:\d+\(resolution\)")
    print(report.getvalue())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,100000", help="words of the generated documents (one disagreement per 50 words)")
    parser.add_argument("--presses", type=int, default=40, help="presses of each key per session (decisions: at most one per disagreement)")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--profile", action="store_true", help="only profile decisions on the largest size in-process")
    parser.add_argument("--decisions", type=int, default=30, help="decisions profiled")
    args = parser.parse_args()
    print(f"Machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}, {os.uname().sysname} {os.uname().machine}, "
          f"load average {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    if args.profile:
        asyncio.run(profile_decisions(max(int(words) for words in args.sizes.split(",")), args.decisions))
        return
    use_this_checkout()
    measure(args)


if __name__ == "__main__":
    main()
