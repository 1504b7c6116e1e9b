"""What every ``postil`` command shares: its parser, its options, how it fails, and a terminal-safe stderr.

A command fails by raising :class:`CommandError`; the dispatcher prints it as one line that
starts with the command's name (``postil export: …``), so every command speaks the same way.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, TextIO

from tui.model.display import display_text

if TYPE_CHECKING:
    from tui.store.repository import Store

EXIT_USAGE = 2
EXIT_INTERRUPTED = 130
DEFAULT_DB = "annotations.json"


class CommandError(Exception):
    """A command refused its input; ``str(error)`` is the one-line reason, ``status`` its exit status."""

    def __init__(self, message: str, status: int = EXIT_USAGE) -> None:
        super().__init__(message)
        self.status = status


class CommandParser(argparse.ArgumentParser):
    """An argument parser whose usage errors are :class:`CommandError`s, so that they are printed
    like any other error of the command: one line, pointing to ``--help``."""

    def error(self, message: str) -> NoReturn:
        raise CommandError(f"{message} (see {self.prog} --help)")


def add_db_option(parser: argparse.ArgumentParser) -> None:
    """The ``--db`` option, defined once for every command (left ``None`` until :func:`apply_settings`)."""
    parser.add_argument("--db", default=None, metavar="DB",
                        help=f"the TinyDB file annotations are kept in (default: the database of your settings, else ./{DEFAULT_DB})")


def apply_settings(args: argparse.Namespace) -> str:
    """Fill in what the command line leaves to the user's settings (config.toml): the database
    when ``--db`` is not given (``args.db_named`` says whether it was); the settings themselves
    go to ``args.settings`` for the app. Returns their one-line warning, or ""."""
    from tui.settings import load_settings

    args.settings = load_settings()
    if hasattr(args, "db"):
        args.db_named = args.db is not None
        if args.db is None:
            args.db = str(args.settings.database or DEFAULT_DB)
    return args.settings.warning


@contextmanager
def reading_database(db: Path, *errors: type[Exception]) -> Iterator[Store]:
    """The database file ``db`` opened without its lock (nothing is written) and closed after;
    a missing file, a file that does not read, or one of ``errors`` raised while reading it is
    a :class:`CommandError`."""
    from tui.store.repository import open_store
    from tui.store.storage import StoreError

    if not db.is_file():
        raise CommandError(f"{db}: no such database file (postil add PATH... --db {db} makes one)")
    try:
        store = open_store(db, read_only=True)
        try:
            yield store
        finally:
            store.close()
    except (StoreError, *errors) as error:
        raise CommandError(str(error)) from None


def write_out(text: str, styled: bool = False) -> None:
    """Write a command's output to standard output; ``styled`` text goes to its bytes, so that
    its colour codes reach a terminal (the stream that makes text safe there would show them as
    characters: whatever came from the data in it must be made safe before). A reader that went
    away (``| head``) is one line on stderr."""
    try:
        if styled:
            sys.stdout.flush()
            sys.stdout.buffer.write(text.encode(sys.stdout.encoding or "utf-8", errors="replace"))
            sys.stdout.buffer.flush()
        else:
            sys.stdout.write(text)
            sys.stdout.flush()
    except OSError as error:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # leave nothing for the exit to flush
        raise CommandError(f"standard output: cannot be written ({error.strerror})") from None


def add_article_options(parser: argparse.ArgumentParser) -> None:
    """How article files are read (``--encoding``, ``--max-size``), the same for every command that reads them."""
    from tui.formats.readers import MAX_ARTICLE_MB

    parser.add_argument("--encoding", default="utf-8", help="the article's text encoding (default: utf-8)")
    parser.add_argument("--max-size", type=positive_megabytes, default=MAX_ARTICLE_MB, metavar="MB",
                        help=f"read an article file of up to this many megabytes (default: {MAX_ARTICLE_MB})")


def positive_megabytes(value: str) -> float:
    """An ``argparse`` type: a size in megabytes greater than zero."""
    try:
        size = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of megabytes: {value!r}") from None
    if not size > 0 or size == float("inf"):
        raise argparse.ArgumentTypeError(f"must be a number of megabytes above 0, not {value!r}")
    return size


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
