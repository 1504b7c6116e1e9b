"""Where the annotate screen's side panel goes: docked beside the article on a wide terminal,
collapsed on a narrow one (the article takes the width) and shown over the article's right part
while focus is in it. `P` shows or hides it either way."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import events
from textual.binding import Binding
from textual.widget import Widget

if TYPE_CHECKING:
    from tui.widgets.article_view import ArticleView
    from tui.widgets.side_panel import SidePanel

# Below this many columns the side panel (46 columns) would leave the article too little room.
NARROW_WIDTH = 100

PANEL_BINDINGS = [
    Binding("P", "toggle_panel", "Show or hide the side panel (below 100 columns it opens over the article, focus in it)", show=False, id="panel.toggle"),
]


class PanelLayout:
    """The screen's side-panel layout: the screen has the class ``-narrow`` below NARROW_WIDTH
    columns, and then the panel is shown (class ``-open``) exactly while focus is in it. On a
    wide terminal the panel is docked unless `P` hid it (class ``-hidden``); moving focus into
    it (Tab, a claims command) shows it again."""

    side_panel: SidePanel | None
    article: ArticleView

    def on_mount(self) -> None:
        self.fit_panel(self.app.size.width)
        self.watch(self, "focused", self.panel_follows_focus, init=False)

    def on_resize(self, event: events.Resize) -> None:
        self.fit_panel(event.size.width)

    @property
    def narrow(self) -> bool:
        return self.has_class("-narrow")

    def fit_panel(self, width: int) -> None:
        """Collapse the panel below NARROW_WIDTH columns and dock it again above; a panel
        holding focus stays on show."""
        self.set_class(width < NARROW_WIDTH, "-narrow")
        self.panel_follows_focus(self.focused)

    def panel_has_focus(self, focused: Widget | None = None) -> bool:
        """Whether ``focused`` (else the screen's focused widget) is in the side panel."""
        focused = self.focused if focused is None else focused
        panel = self.side_panel
        return panel is not None and focused is not None and (focused is panel or panel in focused.ancestors)

    def panel_follows_focus(self, focused: Widget | None) -> None:
        """A collapsed panel opens while focus is in it; a hidden one shows again when focus goes in."""
        panel = self.side_panel
        if panel is None:
            return
        inside = self.panel_has_focus(focused)
        panel.set_class(self.narrow and inside, "-open")
        if inside:
            panel.remove_class("-hidden")

    def action_toggle_panel(self) -> None:
        """Show the side panel, or hide it (on a narrow terminal it opens over the article with
        focus in it; hidden, focus goes back to the article)."""
        panel = self.side_panel
        if panel is None:
            self.loaded()  # says the annotations are still loading
            return
        if self.narrow:
            if self.panel_has_focus():
                self.article.focus()
            else:
                panel.focus_list()
        elif panel.has_class("-hidden"):
            panel.remove_class("-hidden")
        else:
            panel.add_class("-hidden")
            if self.panel_has_focus():
                self.article.focus()

    def action_hide_panel(self) -> None:
        """Esc in a panel opened over the article (once it has no claim filter to clear) closes it."""
        if self.narrow and self.panel_has_focus():
            self.article.focus()
