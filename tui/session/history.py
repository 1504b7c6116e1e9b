"""Undo and redo, rebuilt from the journal, and the queue of saves the disk refused.

Neither touches a store: :class:`History` reads journal entries (plain dicts) and holds
actions; :class:`SaveQueue` is handed the function that saves a batch.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from tui.store.records import ANNOTATIONS, NOT_UNDOABLE_OPS, Change
from tui.store.storage import StoreSaveError


@dataclass
class Action:
    """One user action as applied: the changes and what each record was before."""

    op: str
    changes: list[Change]
    before: list[dict | None]
    ranges: list[tuple[int, int]] = field(default_factory=list)

    def inverse(self) -> list[Change]:
        """The changes that put every record back as it was before the action."""
        return [Change(c.table, c.key, b) for c, b in zip(self.changes, self.before)]


def action_from_journal(entry: dict) -> Action:
    """The action a journal entry records, with the text ranges of the annotations it touched."""
    changes = [Change(item["table"], item["key"], item["record"]) for item in entry.get("after") or []]
    before = [item["record"] for item in entry.get("before") or []]
    spans = [*zip(changes, before), *((c, c.record) for c in changes)]
    ranges = [(r["start"], r["end"]) for c, r in spans if c.table == ANNOTATIONS and r]
    return Action(entry["op"], changes, before, ranges)


class History:
    """The actions that can be undone, most recent last, and those undone that can be redone."""

    def __init__(self) -> None:
        self._undo: list[Action] = []
        self._redo: list[Action] = []

    def replay(self, journal: Iterable[dict]) -> None:
        """Rebuild both stacks from a document's journal entries, oldest first.

        Undoable actions, undos and redos are replayed in order, so undo works the same after
        quitting and reopening. A re-anchoring onto a new text starts afresh.
        """
        for entry in journal:
            op = entry["op"]
            if op == "reanchor":
                self._undo.clear()
                self._redo.clear()
            elif op.startswith("undo:"):
                if self._undo:
                    self.undone()
            elif op.startswith("redo:"):
                if self._redo:
                    self.redone()
            elif entry.get("undoable", op not in NOT_UNDOABLE_OPS):
                self.done(action_from_journal(entry))

    def done(self, action: Action) -> None:
        """Record a new action: it can be undone, and nothing undone before can be redone."""
        self._undo.append(action)
        self._redo.clear()

    def next_undo(self) -> Action | None:
        """The action an undo reverts, ``None`` when there is none (see :meth:`undone`)."""
        return self._undo[-1] if self._undo else None

    def next_redo(self) -> Action | None:
        """The action a redo applies again, ``None`` when there is none (see :meth:`redone`)."""
        return self._redo[-1] if self._redo else None

    def undone(self) -> None:
        """The last action was reverted: it moves to the redo stack."""
        self._redo.append(self._undo.pop())

    def redone(self) -> None:
        """The last undone action was applied again: it moves back to the undo stack."""
        self._undo.append(self._redo.pop())

    @property
    def can_undo(self) -> bool:
        """True when an action can be undone."""
        return bool(self._undo)

    @property
    def can_redo(self) -> bool:
        """True when an undone action can be redone."""
        return bool(self._redo)


class SaveQueue:
    """Saves batches in order through ``write``; a batch the disk refuses waits, with every later
    one behind it, until :meth:`retry` gets them through.

    ``write`` raises :class:`StoreSaveError` when the disk refuses (full, permission denied);
    :attr:`error` holds that refusal's one-line message until the queue is empty again.
    """

    def __init__(self, write: Callable[[list[Change], bool], None]) -> None:
        self.write = write
        self._waiting: list[tuple[list[Change], bool]] = []
        self.error: str | None = None

    def __len__(self) -> int:
        return len(self._waiting)

    def save(self, batch: list[Change], durable: bool = True) -> None:
        """Save ``batch`` now, or keep it (behind any waiting one) when it cannot be saved yet;
        not ``durable``: without waiting for the disk (see :meth:`Store.apply`)."""
        if self._waiting:
            self._waiting.append((batch, durable))
            self.retry()
            return
        try:
            self.write(batch, durable)
        except StoreSaveError as error:
            self._waiting.append((batch, durable))
            self.error = str(error)

    def retry(self) -> int:
        """Try the waiting batches again, oldest first; returns how many are still unsaved."""
        while self._waiting:
            try:
                self.write(*self._waiting[0])
            except StoreSaveError as error:
                self.error = str(error)
                break
            self._waiting.pop(0)
        if not self._waiting:
            self.error = None
        return len(self._waiting)
