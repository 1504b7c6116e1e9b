"""The ``postil`` command: open an article (the default) or run a subcommand.

Subcommands live beside the code they drive and are imported only when used, so opening
an article never pays for them. Each takes its own argument list and returns an exit status.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import io
import sys
from pathlib import Path
from typing import TextIO

from tui.model.display import display_text

# name -> ("module:function", one-line description)
SUBCOMMANDS: dict[str, tuple[str, str]] = {
    "export": ("tui.formats.commands:export_command", "write annotations as spaCy, Prodigy, brat, doccano, CoNLL, W3C, ClaimReview, Citron or CSV"),
    "import": ("tui.formats.commands:import_command", "read annotations from spaCy, Prodigy, brat, doccano, CoNLL or W3C files"),
    "extract": ("tui.nlp.extract:extract_command", "print suggested entities and claims as JSON (offsets, labels, speakers, cues, scores)"),
    "doctor": ("tui.store.doctor:main", "check a database and restore it from its last good backup into a new file"),
}

EXIT_USAGE = 2
EXIT_INTERRUPTED = 130


def sample_path() -> Path:
    """The bundled sample article."""
    return Path(__file__).parent / "data" / "sample.txt"


def open_parser() -> argparse.ArgumentParser:
    """The parser for ``postil [PATH]``."""
    from tui.formats.readers import MAX_ARTICLE_MB

    commands = "".join(f"\n  postil {name:<9} {description}" for name, (_, description) in SUBCOMMANDS.items())
    parser = argparse.ArgumentParser(
        prog="postil",
        description="Read and annotate a news article in the terminal.",
        epilog=f"other commands (each has --help):{commands}" if commands else None,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("path", nargs="?", help="a UTF-8 .txt or .md article (default: the bundled sample)")
    parser.add_argument("--db", default="annotations.json", help="the TinyDB file annotations are kept in (default: ./annotations.json)")
    parser.add_argument("--encoding", default="utf-8", help="the article's text encoding (default: utf-8)")
    parser.add_argument("--max-size", type=positive_megabytes, default=MAX_ARTICLE_MB, metavar="MB",
                        help=f"open an article file of up to this many megabytes (default: {MAX_ARTICLE_MB})")
    parser.add_argument("--annotator", default=None, help="the name recorded on your annotations (default: your user name)")
    parser.add_argument("--no-suggest", action="store_true", help="do not run the entity and claim model on the article")
    parser.add_argument("--read-only", action="store_true", help="open the database without writing anything to it or beside it (e.g. in a folder you cannot write)")
    parser.add_argument("--version", action="version", version=f"postil {_version()}")
    return parser


def positive_megabytes(value: str) -> float:
    """An ``argparse`` type: a size in megabytes greater than zero."""
    try:
        size = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of megabytes: {value!r}") from None
    if not size > 0 or size == float("inf"):
        raise argparse.ArgumentTypeError(f"must be a number of megabytes above 0, not {value!r}")
    return size


def _version() -> str:
    from tui import __version__

    return __version__


class TerminalSafeStream(io.TextIOBase):
    """A text stream whose writes go through :func:`display_text` (line breaks kept).

    Messages name files, lock holders and imported values, any of which may carry escape
    sequences; this is where the command line makes them safe, as widgets do on screen.
    Bytes written to its ``buffer`` (an export's payload) pass unchanged.
    """

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        self._stream.write(display_text(text, keep_newlines=True))
        return len(text)

    def flush(self) -> None:
        self._stream.flush()

    def isatty(self) -> bool:
        return self._stream.isatty()

    def fileno(self) -> int:
        return self._stream.fileno()

    @property
    def buffer(self):  # noqa: ANN201 - the wrapped stream's binary buffer
        return self._stream.buffer

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return self._stream.encoding


def guard_terminal_output() -> None:
    """Make every message safe for the terminal: stderr always (it is for people), stdout when it
    is a terminal (piped or redirected, a command's output stays exactly what it wrote)."""
    if not isinstance(sys.stderr, TerminalSafeStream):
        sys.stderr = TerminalSafeStream(sys.stderr)
    if sys.stdout.isatty() and not isinstance(sys.stdout, TerminalSafeStream):
        sys.stdout = TerminalSafeStream(sys.stdout)


def fail(message: str) -> int:
    """Print a one-line error to stderr and return the usage exit status."""
    print(f"postil: {message}", file=sys.stderr)
    return EXIT_USAGE


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``postil`` console script."""
    argv = sys.argv[1:] if argv is None else argv
    guard_terminal_output()
    try:
        if argv and argv[0] in SUBCOMMANDS:
            module_name, function_name = SUBCOMMANDS[argv[0]][0].split(":")
            return getattr(importlib.import_module(module_name), function_name)(argv[1:])
        return open_article(open_parser().parse_args(argv))
    except KeyboardInterrupt:
        # ctrl+c while a file is read or a command works: what is saved stays saved (every
        # write is logged first), so stop with the shell's status for it and no traceback.
        print("postil: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED


def open_article(args: argparse.Namespace) -> int:
    """Check the article and the database, then run the app; errors are one line, exit 2.

    A database big enough to delay the first screen is opened in the background while the
    article is already shown; if it then turns out to be unusable, the app quits and the
    error is reported here just the same.
    """
    from tui.formats.readers import ArticleError, read_article
    from tui.store.storage import StoreError

    path = Path(args.path) if args.path else sample_path()
    try:
        document = read_article(path, encoding=args.encoding, max_mb=args.max_size)
    except ArticleError as error:
        return fail(str(error))
    from functools import partial

    from tui.app import PostilApp
    from tui.launch import SAMPLE_SOURCE, cached_model_suggestions, model_suggestions, open_session, opens_in_background

    if not args.path:
        document.source = SAMPLE_SOURCE
    suggesters = {} if args.no_suggest else {"suggester": model_suggestions, "cached_suggester": cached_model_suggestions}
    opener = partial(open_session, Path(args.db), document, annotator=args.annotator, read_only=args.read_only)
    if opens_in_background(Path(args.db)):
        app = PostilApp(document=document, open_session=opener, **suggesters)
    else:
        try:
            session = opener()
        except StoreError as error:
            return fail(str(error))
        app = PostilApp(session, **suggesters)
    try:
        app.run()
    finally:
        if app.session is not None:
            app.session.store.close()
    # All is saved and closed: spare the collector's last pass over the session's objects as the
    # process exits (0.6 s after 30 s of suggestions on a 2.4 MB article).
    gc.freeze()
    if app.load_error:
        return fail(app.load_error)
    return 0
