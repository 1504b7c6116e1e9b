"""Schema versions of the TinyDB file and the steps from each old version to the next.

The version lives in the ``meta`` table (``{key: "schema", schema: N, app_version,
applied_seq}``). A file without a ``meta`` row is a version 1 file (the first Postil, or a
database a script made with plain TinyDB). Migrating is done on the parsed data; the caller
keeps a backup copy of the old file before writing the result.
"""

from __future__ import annotations

from collections.abc import Callable

from tui import __version__

SCHEMA_VERSION = 2
META = "meta"


def meta_row(data: dict) -> tuple[str, dict] | None:
    """The TinyDB id and record of the schema row, if there is one."""
    for doc_key, record in data.get(META, {}).items():
        if record.get("key") == "schema" or "schema" in record:
            return doc_key, record
    return None


def schema_of(data: dict) -> object:
    """The schema version a parsed database declares (1 when it declares none)."""
    row = meta_row(data)
    return 1 if row is None else row[1].get("schema")


def applied_seq(data: dict) -> int:
    """The last write-ahead-log record already folded into this file."""
    row = meta_row(data)
    value = None if row is None else row[1].get("applied_seq")
    return value if isinstance(value, int) else 0


def set_meta(data: dict, **fields) -> None:
    """Update the schema row (creating it) with ``fields``."""
    row = meta_row(data)
    table = data.setdefault(META, {})
    if row is None:
        table["1"] = {"key": "schema", "schema": SCHEMA_VERSION, "app_version": __version__, "applied_seq": 0}
        row = ("1", table["1"])
    row[1].update(fields)


def _from_1(data: dict) -> dict:
    """Version 2 adds the ``anchor`` status of annotations and the log position in ``meta``.

    (Version 2 may also keep long texts in side files, which a version 1 reader cannot.)
    """
    for record in data.get("annotations", {}).values():
        record.setdefault("anchor", "anchored")
    set_meta(data, schema=2, app_version=__version__, applied_seq=applied_seq(data))
    return data


# version -> the step that turns a file of that version into the next version
MIGRATIONS: dict[int, Callable[[dict], dict]] = {1: _from_1}


def migrate(data: dict) -> dict:
    """``data`` brought up to :data:`SCHEMA_VERSION`, one step at a time."""
    version = schema_of(data)
    while isinstance(version, int) and version < SCHEMA_VERSION:
        data = MIGRATIONS[version](data)
        version = schema_of(data)
    return data
