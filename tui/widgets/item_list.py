"""A virtualised list for the side panel.

Only the rows on screen are drawn (the Line API, like the article pane), and an entry's text is
made only when its row is drawn, so a list of 100,000 claims costs no more to show or move
through than a list of ten, and refilling it costs a list of keys. Subclasses say how an entry
looks.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import OrderedDict
from dataclasses import dataclass
from itertools import accumulate
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui.widgets.lines import set_virtual_size, text_signature, text_strip

# Keys starting with this are headings or notices: shown, but never highlighted or chosen.
NOT_SELECTABLE = "\x00"
# Drawn rows kept for reuse, keyed by what they show.
STRIP_CACHE_SIZE = 512


class ItemList(ScrollView, can_focus=True):
    """A keyboard-driven list whose entries are drawn lazily; Enter or a click chooses one."""

    DEFAULT_CSS = """
    ItemList {
        height: 1fr;
        padding: 0 1;
        background: $surface;
        overflow-x: hidden;
        & > .item-list--highlighted { background: $block-cursor-blurred-background; }
        &:focus > .item-list--highlighted {
            color: $block-cursor-foreground;
            background: $block-cursor-background;
        }
    }
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {"item-list--highlighted"}

    BINDINGS = [
        Binding("up", "step(-1)", "Previous entry", show=False, id="list.previous"),
        Binding("down", "step(1)", "Next entry", show=False, id="list.next"),
        Binding("pageup", "page(-1)", "Page up", show=False, id="list.page_up"),
        Binding("pagedown", "page(1)", "Page down", show=False, id="list.page_down"),
        Binding("home", "first", "First entry", show=False, id="list.first"),
        Binding("end", "last", "Last entry", show=False, id="list.last"),
        Binding("enter", "choose", "Go to the entry in the article", show=False, id="list.choose"),
    ]

    @dataclass
    class EntryMessage(Message):
        """Something happened to the entry with ``key`` in ``item_list``."""

        item_list: ItemList
        key: str

    class Highlighted(EntryMessage):
        """The highlighted entry changed (by key, click or refill)."""

    class Chosen(EntryMessage):
        """An entry was chosen with Enter or a click."""

    highlighted: reactive[int | None] = reactive(None, always_update=False, repaint=False)

    def __init__(self, id: str | None = None) -> None:
        super().__init__(id=id)
        self._keys: list[str] = []
        self._uniform_height = 1  # the rows of every entry, unless _row_starts says otherwise
        self._row_starts: list[int] | None = None  # first row of each entry, then the total
        self._strips: OrderedDict[tuple, Strip] = OrderedDict()
        self._base_style = Style()
        self._drawn_with: tuple[Style, Style] | None = None  # the styles the cached rows were drawn in
        self._lines: dict[int, list[Text]] = {}  # entry index -> its rows, made when first drawn
        self._drawn: dict[int, tuple] = {}  # row -> the signature of what was drawn there

    # What subclasses provide

    def entry_lines(self, key: str) -> list[Text]:
        """The rows of the entry with ``key``; called only when it is drawn. A plain list shows
        its keys; the side panel's lists describe the annotation or entity a key names."""
        return [Text(key)]

    # Entries

    def set_entries(self, keys: list[str], heights: int | list[int] = 1) -> None:
        """Replace the entries: their keys, and the rows each takes (one number for all, or one
        per entry). The highlight stays on the same key where it is still listed.

        Only the rows on screen whose content changed are repainted: after an action most of
        a list looks the same, and repainting all of it would cost more than the action.
        """
        kept = self.highlighted_key
        self._keys = keys
        if isinstance(heights, int):
            self._uniform_height, self._row_starts = heights, None
        else:
            self._row_starts = list(accumulate(heights, initial=0))
        self._lines.clear()
        set_virtual_size(self, Size(self.virtual_size.width, self._row_of(len(keys))), repaint=False)
        index = None
        if kept is not None:
            # The same key, else the nearest entry to where the highlight was.
            index = self.index_of(kept)
            if index is None and keys:
                near = min(self.highlighted or 0, len(keys) - 1)
                index = self._selectable_from(near, 1)
                index = self._selectable_from(near, -1) if index is None else index
        self.set_reactive(ItemList.highlighted, index)
        self._repaint_changed_rows()
        if index is not None and keys[index] != kept:
            self.post_message(self.Highlighted(self, keys[index]))

    def _row_of(self, index: int) -> int:
        """The first row of entry ``index`` (the total rows for ``index == len``)."""
        return self._row_starts[index] if self._row_starts is not None else index * self._uniform_height

    def _index_at(self, row: int) -> int:
        """The entry showing ``row`` (which must be within the list)."""
        return bisect_right(self._row_starts, row) - 1 if self._row_starts is not None else row // self._uniform_height

    def _repaint_changed_rows(self) -> None:
        top = self.scroll_offset.y
        drawn, self._drawn = self._drawn, {}
        for y in range(self.scrollable_content_region.height):
            signature = self._row_content(top + y)[0]
            if drawn.get(top + y) == signature:
                self._drawn[top + y] = signature
            else:
                self.refresh_line(top + y)

    @property
    def item_count(self) -> int:
        """How many entries the list has (headings included)."""
        return len(self._keys)

    def item_text(self, index: int) -> str:
        """The plain text an entry shows, its rows joined by newlines (for tests and search)."""
        return "\n".join(line.plain for line in self.entry_lines(self._keys[index]))

    def index_of(self, key: str) -> int | None:
        """Where the entry with ``key`` is, or ``None`` (headings and notices are never found)."""
        if key.startswith(NOT_SELECTABLE):
            return None
        try:
            return self._keys.index(key)
        except ValueError:
            return None

    @property
    def highlighted_key(self) -> str | None:
        """The key of the highlighted entry, or ``None``."""
        index = self.highlighted
        if index is None or not 0 <= index < len(self._keys):
            return None
        return self._keys[index]

    def highlight(self, key: str) -> bool:
        """Highlight the entry with ``key``; ``False`` when it is not listed."""
        index = self.index_of(key)
        if index is not None:
            self.highlighted = index
        return index is not None

    def validate_highlighted(self, index: int | None) -> int | None:
        if index is None or not self._keys:
            return None
        return max(0, min(index, len(self._keys) - 1))

    def watch_highlighted(self, old: int | None, new: int | None) -> None:
        for index in (old, new):
            if index is not None and 0 <= index < len(self._keys):
                self.refresh_lines(self._row_of(index), self._row_of(index + 1) - self._row_of(index))  # rows of the list
        if new is not None:
            top, bottom = self._row_of(new), self._row_of(new + 1)
            self.scroll_to_region(Region(0, top, 1, bottom - top), animate=False, immediate=True)
            self.post_message(self.Highlighted(self, self._keys[new]))

    def _selectable_from(self, index: int, step: int) -> int | None:
        """The first selectable entry from ``index`` on in the direction of ``step``."""
        keys = self._keys
        while 0 <= index < len(keys):
            if not keys[index].startswith(NOT_SELECTABLE):
                return index
            index += step
        return None

    # Keys and mouse

    def action_step(self, step: int) -> None:
        """Highlight the next (or previous) entry that can be chosen."""
        start = (-1 if step > 0 else len(self._keys)) if self.highlighted is None else self.highlighted
        index = self._selectable_from(start + step, step)
        if index is not None:
            self.highlighted = index

    def action_page(self, direction: int) -> None:
        """Move the highlight by a screenful."""
        if not self._keys:
            return
        row = self._row_of(self.highlighted or 0) + direction * max(1, self.scrollable_content_region.height - 1)
        target = self._index_at(max(0, min(row, self._row_of(len(self._keys)) - 1)))
        index = self._selectable_from(target, direction)
        index = self._selectable_from(target, -direction) if index is None else index
        if index is not None:
            self.highlighted = index

    def action_first(self) -> None:
        """Highlight the first entry that can be chosen."""
        index = self._selectable_from(0, 1)
        if index is not None:
            self.highlighted = index

    def action_last(self) -> None:
        """Highlight the last entry that can be chosen."""
        index = self._selectable_from(len(self._keys) - 1, -1)
        if index is not None:
            self.highlighted = index

    def action_choose(self) -> None:
        """Choose the highlighted entry."""
        key = self.highlighted_key
        if key is not None:
            self.post_message(self.Chosen(self, key))

    def on_click(self, event: events.Click) -> None:
        """A click highlights and chooses the entry under the pointer."""
        row = event.y + self.scroll_offset.y
        if not 0 <= row < self._row_of(len(self._keys)):
            return
        index = self._index_at(row)
        if not self._keys[index].startswith(NOT_SELECTABLE):
            self.highlighted = index
            self.action_choose()

    def on_focus(self) -> None:
        self._redraw_all()
        if self.highlighted is None:
            self.action_first()

    def on_blur(self) -> None:
        self._redraw_all()

    def on_resize(self) -> None:
        self._redraw_all()

    def _redraw_all(self) -> None:
        # The highlight's colours follow focus, and every row's width follows the size.
        self._strips.clear()
        self.refresh()

    # Drawing

    def render_lines(self, crop: Region) -> list[Strip]:
        base = self.rich_style  # looked up once per repaint: it is not cheap
        # After a change of theme, entries made in its colours are made again; the highlight
        # also follows focus, and only the rows drawn with it change then.
        if base != self._base_style:
            self._lines.clear()
        drawn_with = (base, self.get_component_rich_style("item-list--highlighted"))
        if drawn_with != self._drawn_with:
            self._strips.clear()
        self._base_style, self._drawn_with = base, drawn_with
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        """Draw screen line ``y``: one row of the entry shown there."""
        width = self.scrollable_content_region.width
        row = y + self.scroll_offset.y
        signature, text, highlighted = self._row_content(row)
        self._drawn[row] = signature
        key = (signature, width)
        strip = self._strips.get(key)
        if strip is None:
            strip = self._draw(text, width, highlighted)
            self._strips[key] = strip
            if len(self._strips) > STRIP_CACHE_SIZE:
                self._strips.popitem(last=False)
        else:
            self._strips.move_to_end(key)
        return strip

    def _row_content(self, row: int) -> tuple[tuple, Text | None, bool]:
        """What row ``row`` shows: a signature that changes when it looks different, its text
        (``None`` below the last entry) and whether it is highlighted."""
        if not 0 <= row < self._row_of(len(self._keys)):
            return (None,), None, False
        index = self._index_at(row)
        lines = self._lines.get(index)
        if lines is None:
            lines = self._lines[index] = self.entry_lines(self._keys[index])
        line = row - self._row_of(index)
        text = lines[line] if line < len(lines) else Text()
        highlighted = index == self.highlighted
        return (text_signature(text), highlighted), text, highlighted

    def _draw(self, text: Text | None, width: int, highlighted: bool) -> Strip:
        style = self._base_style
        if text is None:
            return Strip.blank(width, style)
        if highlighted:
            style = style + self.get_component_rich_style("item-list--highlighted")
        return text_strip(self, text, width, style)
