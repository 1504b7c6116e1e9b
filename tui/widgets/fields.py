"""Inputs and text areas that never draw a control character: Postil uses no others.

An input draws its value straight to the terminal, so what it is filled with (article text, an
imported name, a stored note) and what is pasted into it are shown display-safe (see
:func:`tui.model.display.display_text`). What a field shows may then differ from what is
stored: a form reads a field back only when the user edited it, so an untouched field leaves
the stored value exactly as it was.
"""

from __future__ import annotations

from textual import events
from textual.widgets import Input, TextArea

from tui.model.display import display_text


def make_paste_safe(event: events.Paste) -> None:
    """Make pasted text display-safe, its line breaks kept (Textual's own handler, which runs
    after this one, then inserts it). The app does this for every paste, Textual's own inputs
    (the command palette's) included; these fields do it too wherever they are used."""
    event.text = display_text("\n".join(event.text.splitlines()), keep_newlines=True)


class SafeInput(Input):
    """A one-line input showing ``data`` display-safe; :attr:`edited` says whether it changed."""

    def __init__(self, data: str = "", **kwargs) -> None:
        self.shown = display_text(data)
        super().__init__(self.shown, **kwargs)

    @property
    def edited(self) -> bool:
        """Whether the value differs from what the field was filled with."""
        return self.value != self.shown

    def _on_paste(self, event: events.Paste) -> None:
        make_paste_safe(event)


class SafeTextArea(TextArea):
    """A multi-line field showing ``data`` display-safe, its line breaks kept."""

    def __init__(self, data: str = "", **kwargs) -> None:
        self.shown = display_text(data, keep_newlines=True)
        super().__init__(self.shown, **kwargs)

    @property
    def edited(self) -> bool:
        """Whether the text differs from what the field was filled with."""
        return self.text != self.shown

    def _on_paste(self, event: events.Paste) -> None:
        make_paste_safe(event)
