"""Folding the log into the TinyDB file during a pause, off the key path.

A book's file is tens of megabytes, and writing it takes about a second: on the app's thread, a
key pressed meanwhile waited for all of it. The fold is taken on the app's thread (the tables as
they are: references to their records, not copies), its file written in a worker, and put in
place back on the app's thread, unless a change was saved meanwhile: then it is dropped, every
change still in the log, and the next pause folds again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import work

from tui.store.storage import StoreError

if TYPE_CHECKING:
    from tui.store.folding import Fold
    from tui.store.repository import Store


class IdleFold:
    """The app's fold of the log during a pause (mixed into :class:`~tui.app.PostilApp`)."""

    store: Store | None
    folding = False  # a fold's file is being written

    def fold_in_background(self, store: Store) -> None:
        """Take a fold of ``store`` and have a worker write it (none while one is written)."""
        if self.folding:
            return
        try:
            fold = store.take_fold(purpose="fold")
        except StoreError as error:
            self.say(str(error), error=True)  # type: ignore[attr-defined]
            return
        if fold is not None:
            self.folding = True
            self.write_fold(store, fold)

    @work(thread=True, group="fold", description="folding the log into the database file")
    def write_fold(self, store: Store, fold: Fold) -> None:
        """Write the fold's file (it holds what it writes: no store, no widget is touched here)."""
        try:
            fold.write()
            refused = None
        except OSError as error:
            refused = error
        try:
            self.call_from_thread(self.fold_written, store, fold, refused)  # type: ignore[attr-defined]
        except RuntimeError:  # the app has closed meanwhile (and folded on closing)
            fold.temporary.unlink(missing_ok=True)

    def fold_written(self, store: Store, fold: Fold, refused: OSError | None) -> None:
        """Put the written fold in place, unless a change was saved since it was taken."""
        self.folding = False
        if refused is not None:
            self.say(store.fold_failed(refused), error=True)  # type: ignore[attr-defined]
            return
        if store is not self.store:
            fold.temporary.unlink(missing_ok=True)
            return
        try:
            store.finish_fold(fold)
        except StoreError as error:
            self.say(str(error), error=True)  # type: ignore[attr-defined]
