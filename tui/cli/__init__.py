"""The ``postil`` command: open an article (the default) or run another command.

Each command lives in a module of this package and is imported only when used, so opening an
article never pays for the others. A command's module gives its parser (``NAME_parser``) and
runs it (``run_NAME``); this dispatcher prints any error as one line prefixed by the command.
"""

from __future__ import annotations

import gc
import importlib
import sys

from tui.cli.common import EXIT_INTERRUPTED, CommandError, apply_settings, guard_terminal_output
from tui.launch import sample_path

__all__ = ["COMMANDS", "main", "sample_path"]

# name -> (module, one-line description); ``postil`` without one of these names opens an article.
COMMANDS: dict[str, tuple[str, str]] = {
    "export": ("tui.cli.interchange", "write annotations as spaCy, Prodigy, brat, doccano, CoNLL, W3C, ClaimReview, Citron or CSV"),
    "import": ("tui.cli.interchange", "read annotations from spaCy, Prodigy, brat, doccano, CoNLL or W3C files"),
    "extract": ("tui.cli.extract", "print suggested entities and claims as JSON (offsets, labels, speakers, cues, scores)"),
    "add": ("tui.cli.add", "add articles: .txt, .md and .html files, folders, JSONL files and http(s) addresses"),
    "list": ("tui.cli.list_documents", "list the documents of a database with their metadata and review progress"),
    "stats": ("tui.cli.stats", "statistics as bar charts or JSON: entities by label and status, claims by type and verdict, progress per day"),
    "doctor": ("tui.cli.doctor", "check a database and restore it from its last good backup into a new file"),
    "agree": ("tui.cli.agree", "how far the annotators of a team database agree: span F1, Cohen's kappa, Krippendorff's alpha, claims, kb ids"),
    "scheme": ("tui.cli.scheme", "show or set the database's label scheme: entity labels, claim types, verdicts (presets, TOML or JSON)"),
    "merge": ("tui.cli.merge", "merge annotators' databases into a team database, each annotation keeping its annotator"),
}
OPEN_MODULE = "tui.cli.open_article"


def prog(name: str) -> str:
    """How the command ``name`` is typed, which starts each of its messages."""
    return "postil" if name == "open" else f"postil {name}"


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``postil`` console script; returns the exit status."""
    argv = sys.argv[1:] if argv is None else argv
    guard_terminal_output()
    if argv and argv[0] in COMMANDS:
        name, module_name, argv = argv[0], COMMANDS[argv[0]][0], argv[1:]
    else:
        name, module_name = "open", OPEN_MODULE
        gc.disable()  # while the app's modules are imported: run_open freezes them and collects again
    try:
        module = importlib.import_module(module_name)
        args = getattr(module, f"{name}_parser")().parse_args(argv)
        warning = apply_settings(args)
        if warning and name != "open":  # the app shows it on its status line
            print(f"{prog(name)}: {warning}", file=sys.stderr)
        return getattr(module, f"run_{name}")(args)
    except CommandError as error:
        print(f"{prog(name)}: {error}", file=sys.stderr)
        return error.status
    except KeyboardInterrupt:
        # ctrl+c while a file is read or a command works: what is saved stays saved (every
        # write is logged first), so stop with the shell's status for it and no traceback.
        print(f"{prog(name)}: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    finally:
        gc.enable()
