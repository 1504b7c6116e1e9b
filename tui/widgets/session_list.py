"""The side panel's lists: filled from the session, refilled only when what they show changed."""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text

from tui.model.display import QUOTE_MARKS, display_text
from tui.widgets.item_list import NOT_SELECTABLE, ItemList

if TYPE_CHECKING:
    from tui.session.annotation_session import AnnotationSession

EXCERPT_LENGTH = 48
# Keys of entries that are not annotations or entities: headings, and the notice of an empty list.
HEADING = NOT_SELECTABLE + "heading:"
NOTICE = NOT_SELECTABLE + "notice"


@lru_cache(maxsize=8192)  # the same names and quotes are drawn again after every action
def excerpt(text: str, length: int = EXCERPT_LENGTH) -> str:
    """A one-line, display-safe excerpt of ``text``."""
    flat = display_text(" ".join(text.split()))
    return flat if len(flat) <= length else flat[: length - 1] + "…"


def quoted(text: str, length: int) -> str:
    """An excerpt of ``text`` (``length`` characters at most) in one pair of quotation marks:
    a quote's own marks are not doubled."""
    return f"“{excerpt(text.strip().strip(QUOTE_MARKS), length)}”"


class SessionList(ItemList):
    """A side-panel list filled from the session, and refilled only when what it shows changed.

    Subclasses name the session's ``topic`` they follow and give ``entries()``: the keys of
    the entries to show now and their heights (as :meth:`ItemList.set_entries` takes them).
    """

    # Which of the session's versions (see AnnotationSession.versions) this list follows.
    topic: ClassVar[str] = ""

    def __init__(self, session: AnnotationSession, id: str) -> None:
        super().__init__(id=id)
        self.session = session
        self.built_version: int | None = None

    def invalidate(self) -> None:
        """Refill at the next chance even if the session did not change (the view did)."""
        self.built_version = None

    def refill(self) -> bool:
        """Refill from the session if it changed since the last fill; ``True`` if refilled."""
        version = self.session.versions[self.topic]
        if version == self.built_version:
            return False
        self.built_version = version
        self.set_entries(*self.entries())
        return True


class OrphanList(SessionList):
    """Annotations that could not be placed on this version of the text, with their quotes."""

    topic = "orphans"

    def __init__(self, session: AnnotationSession) -> None:
        super().__init__(session, id="orphan-list")

    def entries(self) -> tuple[list[str], int | list[int]]:
        orphans = self.session.orphans()
        return ([orphan.id for orphan in orphans], 2) if orphans else ([NOTICE], 1)

    def entry_lines(self, key: str) -> list[Text]:
        if key == NOTICE:
            return [Text("Every annotation is anchored to the text.", style="dim")]
        orphan = self.session.by_id[key]
        return [Text(f"“{excerpt(orphan.quote.exact)}”"), Text(f"  {display_text(orphan.label)} · was at {orphan.start}–{orphan.end}", style="dim")]
