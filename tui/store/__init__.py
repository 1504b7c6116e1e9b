"""Storage: crash-safe TinyDB files, the single-writer lock, schema versions, the repository.

``open_store`` is imported lazily so that importing a submodule stays cheap.
"""

from __future__ import annotations


def __getattr__(name: str):
    if name in ("open_store", "Store", "Change"):
        from tui.store import repository

        return getattr(repository, name)
    raise AttributeError(name)
