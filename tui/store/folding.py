"""The TinyDB file written a batch of records at a time when the log is folded into it.

A book's file is tens of megabytes (56 MB at a million words); serialised in one piece it was
held twice over while it was written (about 105 MB above the app's usual peak). Written in
batches, only one batch is held at a time, and the bytes are those of :func:`dump_json`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import orjson

from tui.store.storage import dump_json, write_synced

# Records serialised at once: a batch of a book's annotations is well under a megabyte.
BATCH = 1000


def dump_tables(tables: Mapping[str, Mapping[str, object]], batch: int = BATCH) -> Iterator[bytes]:
    """The pieces of ``dump_json(tables)`` (a database: table name -> key -> record), in order,
    each holding at most ``batch`` records; their join is exactly ``dump_json(tables)``."""
    names = sorted(tables)
    yield b"{"
    for number, name in enumerate(names):
        table = tables[name]
        keys = sorted(table)
        yield b"%s\n  %s: %s" % (b"," if number else b"", orjson.dumps(name), b"{" if keys else b"{}")
        for first in range(0, len(keys), batch):
            piece = dump_json({key: table[key] for key in keys[first : first + batch]})
            # "{\n  key: {...},\n  ...\n}\n": the records without the braces, one level deeper.
            yield (b"," if first else b"") + piece[1:-3].replace(b"\n", b"\n  ")
        if keys:
            yield b"\n  }"
    yield b"\n}\n" if names else b"}\n"


@dataclass(frozen=True)
class Fold:
    """A fold of the log into the TinyDB file, taken at log position ``seq``: the tables as they
    were then. Any thread may write it (a book's file takes about a second), then the store's
    own thread puts it in place (``Database.finish_fold``) unless a change was saved since."""

    seq: int
    tables: Mapping[str, Mapping[str, object]]
    temporary: Path

    def write(self) -> None:
        """Write the file to ``temporary`` and flush it to the disk; OSError if the disk refuses
        (the temporary file is removed; nothing else is touched)."""
        write_synced(self.temporary, dump_tables(self.tables))
