"""Opening a dialog (issue 16): the UI-thread CPU of opening and closing each modal dialog of the
annotate screen in curation mode, in-process under Pilot, beside a cursor key.

Run by hand (about a minute):

    python benchmarks/modal_dialogs.py [--sizes 1000,100000] [--presses 20] [--rounds 3] [--no-profile]

For each size, the team database of ``benchmarks/curation_keys.py`` (generated prose, alice and
bob merged by ``postil merge``: 1k words / 20 disagreements, 100k words / 2,000) is opened as
``postil --db TEAM.json`` opens it, in an app under Pilot at 140×40. The lead marks the sentence
of the first disagreement as a claim (``c``, then Esc), so that every dialog can open with the
cursor at the same place, the start of that disagreement:

- ``l`` / ``h`` in turn (cursor key, the baseline);
- ``t`` the take picker (tui/screens/take_picker.py);
- ``L`` the label picker (tui/screens/label_picker.py);
- ``V`` the verdict picker (tui/screens/verdict_picker.py), on the lead's claim;
- ``?`` the help (tui/screens/help.py).

Each key is pressed and the app let settle (``pilot.pause()``: every message handled, the screen
painted by the headless driver) while the main thread's CPU (``time.thread_time``, the thread
Textual's UI runs on) is summed; then Esc closes the dialog, timed the same way. The first open
of each dialog (its import, its DEFAULT_CSS parsed) is printed on its own. The dialogs take turns
within each round. Then, unless ``--no-profile``, cProfile of the same opens and closes on the
largest size: for each dialog the cumulative milliseconds per open of the steps every dialog
goes through (the key's action, the dialog's compose and mount, the layout of the screen under it,
the repaints and what they spend tinting the screen under the dialog and in the legibility line
filter), and the top functions.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import os
import pstats
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.curation_keys import fresh_copy, team_database  # noqa: E402

SIZE = (140, 40)
# (key, what it opens, the class of the dialog's screen; None: the cursor key, no dialog).
DIALOGS = (
    ("l", "l / h (cursor key, baseline)", None),
    ("t", "t take picker", "TakePicker"),
    ("L", "L label picker", "LabelPicker"),
    ("V", "V verdict picker", "VerdictPicker"),
    ("question_mark", "? help", "HelpScreen"),
)
# The steps of opening (and closing) a dialog, as (file, function) in the profile: what is
# reported per open for each dialog. The file is matched by its ending.
STEPS = (
    ("the key's action (Postil)", "tui/screens/annotate_curation.py", "action_take"),
    ("the key's action (Postil)", "tui/screens/annotate_labels.py", "action_pick_label"),
    ("the key's action (Postil)", "tui/screens/annotate_review.py", "action_verdict_here"),
    ("the key's action (Postil)", "tui/screens/annotate.py", "action_help"),
    ("the key's action (Postil)", "tui/widgets/article_view.py", "action_move"),
    ("the dialog's compose", "textual/widget.py", "_compose"),
    ("CSS applied to new widgets", "textual/css/stylesheet.py", "update_nodes"),
    ("screen resumed (layout, refresh)", "textual/screen.py", "_on_screen_resume"),
    ("the dialog's Resize (its layout, the screens' under it)", "textual/screen.py", "_on_resize"),
    ("every layout of a screen", "textual/screen.py", "_refresh_layout"),
    ("repaints (compositor updates)", "textual/screen.py", "_compositor_refresh"),
    ("  screen under the dialog drawn and tinted", "textual/renderables/background_screen.py", "process_segments"),
    ("  legibility line filter", "tui/widgets/palette.py", "apply"),
    ("  article lines drawn", "tui/widgets/article_view.py", "render_line"),
)


class Repaints:
    """Counts and CPU of the repaints while it is on: each compositor update (full or partial)
    and, inside them, the screen under a dialog drawn and tinted (Textual's BackgroundScreen,
    drawn whole even when only the dialog's region is repainted) and the legibility filter."""

    def __init__(self) -> None:
        from textual._compositor import Compositor
        from textual.renderables.background_screen import BackgroundScreen

        from tui.widgets.palette import LegibleText

        self.on = False
        self.counts: dict[str, int] = {}
        self.spent: dict[str, float] = {}
        self.originals: list[tuple[object, str, object]] = []
        self._timed(Compositor, "render_full_update", "full repaints")
        self._timed(Compositor, "render_partial_update", "partial repaints")
        self._timed(BackgroundScreen, "__rich_console__", "screen under the dialog drawn and tinted", eager=True)
        self._timed(LegibleText, "apply", "legibility line filter")

    def _timed(self, owner, name: str, what: str, eager: bool = False) -> None:
        original = getattr(owner, name)
        self.originals.append((owner, name, original))
        tally = self

        def timed(*args, **kwargs):
            if not tally.on:
                return original(*args, **kwargs)
            started = time.thread_time()
            result = original(*args, **kwargs)
            if eager:  # a generator: its work is done when it is consumed
                result = list(result)
            tally.counts[what] = tally.counts.get(what, 0) + 1
            tally.spent[what] = tally.spent.get(what, 0.0) + time.thread_time() - started
            return result

        setattr(owner, name, timed)

    def close(self) -> None:
        """Put Textual's and Postil's functions back as they were."""
        for owner, name, original in self.originals:
            setattr(owner, name, original)


def first_disagreement_start(app) -> int:
    """Where the first disagreement starts (the cursor's place for every key)."""
    return min(d.start for d in app.screen.curation.disagreements)


async def settle_key(pilot, key: str) -> float:
    """Press ``key`` and let the app settle; the main thread's CPU seconds it took."""
    started = time.thread_time()
    await pilot.press(key)
    await pilot.pause()
    return time.thread_time() - started


def shown(app, dialog: str | None) -> None:
    if dialog is not None and type(app.screen).__name__ != dialog:
        raise SystemExit(f"{dialog} did not open: the screen is {type(app.screen).__name__}")
    if dialog is None and type(app.screen).__name__ != "AnnotateScreen":
        raise SystemExit(f"the annotate screen is not back: {type(app.screen).__name__}")


async def place_cursor(pilot, app, offset: int) -> None:
    article = app.screen.article
    article.move_to(offset)
    article.focus()
    await pilot.pause()


async def run_app(team: Path, presses: int, rounds: int, profiles: dict[str, tuple[cProfile.Profile, cProfile.Profile]] | None = None,
                  repaints: dict[str, tuple[Repaints, dict, dict]] | None = None):
    """The CPU per open and per close of each dialog (and per cursor key) in one app on ``team``;
    and each dialog's first open. With ``profiles``, the opens and closes are profiled into them;
    with ``repaints`` (a Repaints), its counts and CPU of each key's opens are summed by key."""
    from tui.app import PostilApp
    from tui.launch import open_session
    from tui.session.corpus import current_documents
    from tui.store.repository import open_store

    store = open_store(team)
    app = PostilApp(open_session(team, current_documents(store)[0], store=store))
    opens: dict[str, list[float]] = {}
    closes: dict[str, list[float]] = {}
    first: dict[str, float] = {}
    tallies: dict[str, dict[str, list[tuple[int, float]]]] = {}
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        where = first_disagreement_start(app)
        await place_cursor(pilot, app, where)
        await settle_key(pilot, "c")  # the sentence becomes the lead's claim; its editor opens
        await settle_key(pilot, "escape")
        shown(app, None)
        for _ in range(rounds):
            for key, name, dialog in DIALOGS:
                await place_cursor(pilot, app, where)
                if name not in first:
                    if dialog is None:
                        first[name] = await settle_key(pilot, key) + await settle_key(pilot, "h")
                    else:
                        first[name] = await settle_key(pilot, key)
                        shown(app, dialog)
                        await settle_key(pilot, "escape")
                        shown(app, None)
                profile_open, profile_close = profiles[name] if profiles is not None else (None, None)
                for n in range(presses):
                    press = key if dialog is not None or n % 2 == 0 else "h"
                    if profile_open:
                        profile_open.enable()
                    if repaints is not None:
                        repaints.on, repaints.counts, repaints.spent = True, {}, {}
                    opens.setdefault(name, []).append(await settle_key(pilot, press))
                    if profile_open:
                        profile_open.disable()
                    if repaints is not None:
                        repaints.on = False
                        for what, count in repaints.counts.items():
                            tallies.setdefault(name, {}).setdefault(what, []).append((count, repaints.spent[what]))
                    if dialog is None:
                        continue
                    shown(app, dialog)
                    if profile_close:
                        profile_close.enable()
                    closes.setdefault(name, []).append(await settle_key(pilot, "escape"))
                    if profile_close:
                        profile_close.disable()
                    shown(app, None)
        await pilot.press("q")
    store.close()
    return opens, closes, first, tallies


def ms(values: list[float]) -> str:
    return f"{statistics.median(values) * 1000:.1f} | {max(values) * 1000:.1f}"


def step_times(stats: pstats.Stats, count: int) -> dict[str, float]:
    """Cumulative milliseconds per press of each step of STEPS (the key's actions summed)."""
    found: dict[str, float] = {}
    for (file, _, function), (_, _, _, cumulative, _) in stats.stats.items():
        for step, ending, name in STEPS:
            if function == name and file.replace("\\", "/").endswith(ending):
                found[step] = found.get(step, 0.0) + cumulative * 1000 / count
    return found


def report_repaints(opens: dict[str, list[float]], tallies: dict[str, dict[str, list[tuple[int, float]]]], words: int) -> None:
    """Per open of each dialog (median over the presses): how many repaints, and their CPU."""
    whats = ("full repaints", "partial repaints", "screen under the dialog drawn and tinted", "legibility line filter")
    print(f"\nRepaints per press at {words:,} words (no profiler; median count and median CPU ms over the presses)\n")
    print("| key | CPU per press | " + " | ".join(whats) + " |")
    print("|---|---:|" + "---:|" * len(whats))
    for _, name, _ in DIALOGS:
        cells = []
        for what in whats:
            found = tallies.get(name, {}).get(what, [])
            found += [(0, 0.0)] * (len(opens[name]) - len(found))
            cells.append(f"{statistics.median(c for c, _ in found):.0f}× {statistics.median(s for _, s in found) * 1000:.1f} ms")
        print(f"| {name} | {statistics.median(opens[name]) * 1000:.1f} ms | " + " | ".join(cells) + " |")


def report_profiles(profiles: dict[str, tuple[cProfile.Profile, cProfile.Profile]], presses: int, top: int) -> None:
    names = [name for _, name, _ in DIALOGS]
    table: dict[str, dict[str, float]] = {}
    for name in names:
        for part, profile in zip(("open", "close"), profiles[name]):
            if not profile.getstats():
                continue
            stats = pstats.Stats(profile)
            total = sum(tottime for (file, _, function), (_, _, tottime, _, _) in stats.stats.items() if function != "<method 'poll' of 'select.epoll' objects>")
            steps = step_times(stats, presses)
            steps["all (profiled CPU, no waiting)"] = total * 1000 / presses
            table[f"{name}: {part}"] = steps
    columns = list(table)
    print("\n| step (cumulative ms per press, under cProfile) | " + " | ".join(columns) + " |")
    print("|---|" + "---:|" * len(columns))
    for step in ["all (profiled CPU, no waiting)", *dict.fromkeys(step for step, _, _ in STEPS)]:
        print(f"| {step} | " + " | ".join(f"{table[column].get(step, 0.0):.1f}" for column in columns) + " |")
    for name in names[1:]:
        report = io.StringIO()
        stats = pstats.Stats(profiles[name][0], stream=report)
        stats.sort_stats("cumulative").print_stats(top)
        print(f"\nTop of the profile: {name}, open ({presses} presses)\n")
        print(report.getvalue())


async def main_async(args: argparse.Namespace) -> None:
    sizes = [int(words) for words in args.sizes.split(",")]
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        os.environ["XDG_CONFIG_HOME"] = str(folder / "config")  # the default settings, not the user's
        teams = {}
        for words in sizes:
            team, _, agreed, disagreements = team_database(folder, words)
            teams[words] = team
            print(f"{words:,} words: {agreed:,} agreed annotations, {disagreements:,} disagreements")
        print(f"\nUI-thread CPU per press in ms (median | max), Pilot {SIZE[0]}×{SIZE[1]}, {args.rounds} rounds × {args.presses} presses\n")
        print("| words | key | open: median | max | close (Esc): median | max | first open |")
        print("|---:|---|---:|---:|---:|---:|---:|")
        for words in sizes:
            opens, closes, first, _ = await run_app(fresh_copy(teams[words], folder), args.presses, args.rounds)
            for _, name, _ in DIALOGS:
                close = ms(closes[name]) if name in closes else "– | –"
                print(f"| {words:,} | {name} | {ms(opens[name])} | {close} | {first[name] * 1000:.0f} |")
        words = max(sizes)
        repaints = Repaints()
        opens, _, _, tallies = await run_app(fresh_copy(teams[words], folder), args.presses, 1, repaints=repaints)
        repaints.close()
        report_repaints(opens, tallies, words)
        if args.no_profile:
            return
        profiles = {name: (cProfile.Profile(), cProfile.Profile()) for _, name, _ in DIALOGS}
        await run_app(fresh_copy(teams[words], folder), args.presses, 1, profiles)
        print(f"\nProfile at {words:,} words ({args.presses} presses of each key after its first)")
        report_profiles(profiles, args.presses, args.top)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,100000", help="words of the generated documents (one disagreement per 50 words)")
    parser.add_argument("--presses", type=int, default=20, help="opens of each dialog per round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--top", type=int, default=30, help="functions listed of each dialog's profile")
    parser.add_argument("--no-profile", action="store_true")
    args = parser.parse_args()
    print(f"Machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}, {os.uname().sysname} {os.uname().machine}, "
          f"load average {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    asyncio.run(main_async(args))


if __name__ == "__main__":
    main()
