"""Messages passed between Postil's widgets and the app."""

from __future__ import annotations

from textual.message import Message


class AnnotationsChanged(Message):
    """Annotations changed (an action, an undo, new suggestions): panels and status redraw."""


class JumpTo(Message):
    """Move the article cursor to a span (sent by the side panel)."""

    def __init__(self, start: int, end: int) -> None:
        super().__init__()
        self.start = start
        self.end = end


class Notice(Message):
    """A short message for the status line (what a key did, or why it did nothing)."""

    def __init__(self, text: str, error: bool = False) -> None:
        super().__init__()
        self.text = text
        self.error = error


class SuggestionsReady(Message):
    """A batch of model suggestions, posted by the suggestion worker."""

    def __init__(self, batch) -> None:
        super().__init__()
        self.batch = batch


class SuggesterStatus(Message):
    """What the suggestion worker is doing (model loaded, or why there is none)."""

    def __init__(self, text: str, available: bool) -> None:
        super().__init__()
        self.text = text
        self.available = available


class SessionLoaded(Message):
    """The database is open and the document's annotations are loaded (from the loading worker)."""

    def __init__(self, session) -> None:
        super().__init__()
        self.session = session


class SessionFailed(Message):
    """The database could not be opened; ``error`` is the one-line reason."""

    def __init__(self, error: str) -> None:
        super().__init__()
        self.error = error
