"""The article pane's mouse handling: a press puts the cursor on the token under the pointer, a
drag selects token by token from the pressed one, a double click selects the token.

Every one of these has a key; the mouse is a shortcut to the same cursor and selection, which
``ArticleView`` owns (this class is one of its bases and reads its layout, index and cursor).
"""

from __future__ import annotations

from textual import events

from tui.model.tokens import Token
from tui.model.wrap import cell_offset, offset_at_cell


class ArticleMouse:
    """Mouse handlers for ``ArticleView`` (mixed in before ``ScrollView``, so that its class
    attributes win)."""

    # A drag makes the article's own selection (the one the label keys act on), not Textual's
    # copy-to-clipboard selection.
    ALLOW_SELECT = False
    drag_from: Token | None = None  # the token pressed on, while the mouse button is held

    def _offset_at_pointer(self, event: events.MouseEvent, *, nearest: bool = False) -> int | None:
        """The character shown under the pointer: ``None`` in the margins, past the end of a row,
        on a blank row or below the text. With ``nearest`` (a drag, which may leave the pane) a
        point outside the text counts as the nearest character, one row beyond either edge at most."""
        layout = self.get_text_layout()
        point = event.get_content_offset_capture(self) if nearest else event.get_content_offset(self)
        if point is None:
            return None
        x, y = point
        height = self.scrollable_content_region.height
        number = self.scroll_offset.y + (max(-1, min(y, height)) if nearest else y)
        if nearest:
            number = max(0, min(number, layout.total_rows - 1))
        row = layout.row(number) if number >= 0 else None
        if nearest and row is not None and row.start == row.end:
            # A blank row between paragraphs: past an edge the drag goes on that way (the view
            # follows the cursor); inside the pane it stops at the text on the pressed side.
            pressed_row = self.row_of(self.drag_from.start) if self.drag_from else number
            step = 1 if y >= height else -1 if y < 0 or number > pressed_row else 1
            while row is not None and row.start == row.end:
                number += step
                row = layout.row(number) if number >= 0 else None
            x = 0 if step > 0 else layout.width  # the start of the text after, the end of the text before
        if row is None or row.start == row.end:
            return None
        text = self.document.text
        if not nearest and x >= cell_offset(text, row.start, row.end):
            return None
        return offset_at_cell(text, row, max(0, x))

    def _token_at_pointer(self, event: events.MouseEvent, *, nearest: bool = False) -> Token | None:
        offset = self._offset_at_pointer(event, nearest=nearest)
        return None if offset is None else self.text_index.token_at(offset)

    def on_mouse_down(self, event: events.MouseDown) -> None:
        """A press puts the cursor on the token under the pointer (dropping any selection) and
        starts a drag there; the mouse stays with the article until the button is released."""
        token = self._token_at_pointer(event) if event.button == 1 else None
        if token is None:
            return
        self.clear_selection()
        self.cursor = token.start
        self.drag_from = token
        self.capture_mouse()

    def on_mouse_move(self, event: events.MouseMove) -> None:
        """While the button is held, select from the pressed token to the one under the pointer,
        token by token as shift and the arrows do."""
        if self.drag_from is not None:
            self._drag_to(event)

    def _drag_to(self, event: events.MouseEvent) -> None:
        token = self._token_at_pointer(event, nearest=True)
        if token is None or (self.anchor is None and token == self.drag_from):
            return
        if self.anchor is None:
            self.anchor, self.nudge_end = self.drag_from, 0
            self.invalidate([(self.drag_from.start, self.drag_from.end)])
        self.cursor = token.start

    def on_mouse_up(self, event: events.MouseUp) -> None:
        """Releasing the button, anywhere on screen, ends the drag; the selection stays for a label key."""
        if self.drag_from is not None:
            self._drag_to(event)
            self.drag_from = None
            self.release_mouse()

    def on_mouse_release(self) -> None:
        """Another widget took the mouse: the drag is over."""
        self.drag_from = None

    def on_click(self, event: events.Click) -> None:
        """A double click selects the token under the pointer (the press already put the cursor on it)."""
        if event.chain != 2:
            return
        token = self._token_at_pointer(event)
        if token is None:
            return
        self.clear_selection()
        self.anchor, self.nudge_end = token, 0
        self.cursor = token.start
        self.invalidate([(token.start, token.end)])
