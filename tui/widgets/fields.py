"""Form fields filled with data (article text, an imported name, a stored note).

A field shows its data display-safe (see :func:`tui.model.display.display_text`), never raw:
an input draws its value straight to the terminal. What it shows may then differ from what is
stored, so a form reads a field back only when the user edited it; an untouched field leaves
the stored value exactly as it was.
"""

from __future__ import annotations

from textual.widgets import Input, TextArea

from tui.model.display import display_text


class DataInput(Input):
    """A one-line input showing ``data`` display-safe; :attr:`edited` says whether it changed."""

    def __init__(self, data: str, **kwargs) -> None:
        self.shown = display_text(data)
        super().__init__(self.shown, **kwargs)

    @property
    def edited(self) -> bool:
        """Whether the value differs from what the field was filled with."""
        return self.value != self.shown


class DataTextArea(TextArea):
    """A multi-line field showing ``data`` display-safe, its line breaks kept."""

    def __init__(self, data: str, **kwargs) -> None:
        self.shown = display_text(data, keep_newlines=True)
        super().__init__(self.shown, **kwargs)

    @property
    def edited(self) -> bool:
        """Whether the text differs from what the field was filled with."""
        return self.text != self.shown
