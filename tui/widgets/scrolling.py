"""Resizing a Line-API view's scrollable area without laying out the whole screen."""

from __future__ import annotations

from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.widget import Widget


def set_virtual_size(view: ScrollView, size: Size) -> None:
    """Give ``view`` a new virtual size.

    Assigning ``virtual_size`` lays out the whole screen, which costs more than the key that
    caused it (a new list entry, a paragraph wrapped for the first time). When the view keeps
    its scrollbars, only the scrollbars and the view itself need redrawing, so that is all this
    does; otherwise the assignment and its layout happen as usual.
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
    view.refresh()
