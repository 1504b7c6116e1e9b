"""Line-API helpers: a row of styled text as a strip, one-row widgets drawn that way, and
resizing a view's scrollable area without laying out the whole screen."""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widget import Widget


def text_strip(widget: Widget, text: Text, width: int, style: Style) -> Strip:
    """One row showing ``text``: cut to ``width`` with an ellipsis, padded, on ``style``."""
    text = text.copy()
    text.truncate(width, overflow="ellipsis")
    if text.style:  # Text.render draws spans only: the base style becomes the lowest span
        text.stylize_before(text.style)
    return Strip(text.render(widget.app.console, end="")).crop_extend(0, width, style).apply_style(style)


def text_signature(text: Text) -> tuple:
    """What decides how ``text`` looks: two texts with the same signature draw the same row."""
    return (text.plain, str(text.style), tuple(text.spans))


class OneLine(Widget):
    """A one-row widget whose :meth:`render` gives a Rich ``Text``, drawn straight to a strip.

    Status and hint lines change with almost every key; Textual's general path from a
    renderable to the screen costs a few milliseconds a row, this one a fraction of that.
    """

    DEFAULT_CSS = """
    OneLine { height: 1; }
    """

    def render(self) -> Text:
        """The row's text (subclasses say what it is; nothing until they do)."""
        return Text()

    def render_line(self, y: int) -> Strip:
        width = self.content_region.width
        if y:
            return Strip.blank(width, self.rich_style)
        return text_strip(self, self.render(), width, self.rich_style)


def set_virtual_size(view: ScrollView, size: Size, repaint: bool = True) -> None:
    """Give ``view`` a new virtual size.

    Assigning ``virtual_size`` lays out the whole screen, which costs more than the key that
    caused it (a new list entry, a paragraph wrapped for the first time). When the view keeps
    its scrollbars, only the scrollbars and the view itself need redrawing, so that is all this
    does; otherwise the assignment and its layout happen as usual. A view that repaints the
    rows it changed itself passes ``repaint=False``, and then only the scrollbars are redrawn
    (and the view, if its scroll position had to move).
    """
    old = view.virtual_size
    if size == old:
        return
    window = view.scrollable_content_region.size
    keeps_scrollbars = (old.height > window.height) == (size.height > window.height) and (old.width > window.width) == (size.width > window.width)
    if not keeps_scrollbars or not view.is_mounted:
        view.virtual_size = size
        return
    view.set_reactive(Widget.virtual_size, size)
    view._scroll_update(size)  # Textual's own update of the scrollbars' window and position
    if repaint:
        view.refresh()
