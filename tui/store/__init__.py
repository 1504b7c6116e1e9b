"""Storage, and only storage: crash-safe TinyDB files (storage.py), the write-ahead log (wal.py),
the single-writer lock (lock.py), schema versions (migrations.py), the database file
(database.py), Postil's records and their checks (records.py) and the store (repository.py).

``open_store``, ``Store`` and ``Change`` are imported lazily so that importing a submodule stays cheap.
"""

from __future__ import annotations


def __getattr__(name: str):
    if name in ("open_store", "Store"):
        from tui.store import repository

        return getattr(repository, name)
    if name == "Change":
        from tui.store import records

        return records.Change
    raise AttributeError(name)
