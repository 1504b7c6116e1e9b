"""The side panel's tab titles, with their counts, on one row."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import events
from textual.message import Message
from textual.reactive import reactive

from tui.widgets.lines import OneLine


class PanelTabs(OneLine):
    """The side panel's tab titles with their counts, on one row.

    A title changes with almost every action (the counts), so changing one only repaints this
    row; Textual's tabs would lay the whole screen out again each time.
    """

    DEFAULT_CSS = """
    PanelTabs { height: 1; padding: 0 1; color: $text-muted; background: $boost; }
    PanelTabs > .panel-tabs--active { color: $text; text-style: bold underline; }
    """

    COMPONENT_CLASSES = {"panel-tabs--active"}

    active: reactive[str] = reactive("", layout=False)

    @dataclass
    class Activated(Message):
        """A tab title was clicked."""

        tab: str

    def __init__(self, titles: dict[str, str], active: str, id: str | None = None) -> None:
        super().__init__(id=id)
        self.titles = dict(titles)
        self.set_reactive(PanelTabs.active, active)
        self._spans: list[tuple[int, int, str]] = []

    def set_title(self, tab: str, title: str) -> None:
        """Change one tab's title (a repaint of this row only when it differs)."""
        if self.titles.get(tab) != title:
            self.titles[tab] = title
            self.refresh()

    def render(self) -> Text:
        line = Text(no_wrap=True, overflow="ellipsis")
        active_style = self.get_component_rich_style("panel-tabs--active")
        self._spans = []
        for tab, title in self.titles.items():
            if line:
                line.append("  ")
            self._spans.append((len(line), len(line) + len(title), tab))
            line.append(title, style=active_style if tab == self.active else "")
        return line

    def on_click(self, event: events.Click) -> None:
        """A click on a title shows that tab."""
        x = event.x - self.styles.padding.left
        tab = next((tab for start, end, tab in self._spans if start <= x < end), None)
        if tab is not None:
            self.post_message(self.Activated(tab))
