"""The article pane: wrapped text with highlighted spans, a token cursor and a selection.

A Line-API widget (like Toolong's ``LogLines``): it draws only the rows on screen, from
wrapped rows computed per paragraph, and caches each drawn row keyed by everything that
changes how it looks, so moving the cursor redraws two rows, not the article.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import replace
from typing import TYPE_CHECKING, ClassVar

from rich.style import Style
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.reactive import var
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui.model.annotation import ACCEPTED, REJECTED, SUGGESTED, Annotation
from tui.model.document import Document
from tui.model.labels import Scheme
from tui.model.layout import WrappedLayout
from tui.model.span_index import SpanIndex
from tui.model.tokens import TextIndex, Token
from tui.model.wrap import Row, cell_offset, offset_at_cell
from tui.widgets.article_marks import Highlights, Layer, Marks, paint_row
from tui.widgets.article_mouse import ArticleMouse
from tui.widgets.lines import set_virtual_size

if TYPE_CHECKING:
    from tui.session.annotation_session import AnnotationSession

STRIP_CACHE_SIZE = 1024
# The digits that apply a label (the scheme's letters are bound per session: label_keys_named).
LABEL_KEYS = "1234567890"


class ArticleView(ArticleMouse, ScrollView, can_focus=True):
    """Shows the document and owns the cursor and selection; annotation keys act on them."""

    DEFAULT_CSS = """
    ArticleView {
        overflow-x: hidden;
        scrollbar-gutter: stable;  /* the width is known before the first wrap: no second one */
        padding: 0 1;
        background: $surface;
        & > .article-view--cursor { text-style: reverse bold; }
        & > .article-view--selection { background: $mark-selection-background; color: $mark-selection-foreground; }
        & > .article-view--placeholder { color: $mark-placeholder; text-style: bold; }
        & > .article-view--claim { background: $mark-claim-background; text-style: underline; }
        & > .article-view--claim-suggested { text-style: underline italic; }
        & > .article-view--suggested { background: $mark-suggested-background; text-style: italic; }
        & > .article-view--on-label { color: $mark-on-label; }
        & > .article-view--marked { background: $mark-entity-background; color: $mark-entity-foreground; text-style: bold; }
        & > .article-view--search-hit { background: $mark-search-background; color: $mark-search-foreground; }
        & > .article-view--conflict { background: $mark-conflict-background; color: $mark-conflict-foreground; text-style: bold underline; }
    }
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {f"article-view--{name.replace('_', '-')}" for name in Marks.__dataclass_fields__}

    BINDINGS = [
        Binding("right,l", "move('token', 1)", "Next token", show=False, id="cursor.token_next"),
        Binding("left,h", "move('token', -1)", "Previous token", show=False, id="cursor.token_previous"),
        Binding("down,j", "move('line', 1)", "Line down", show=False, id="cursor.line_down"),
        Binding("up,k", "move('line', -1)", "Line up", show=False, id="cursor.line_up"),
        Binding("right_parenthesis", "move('sentence', 1)", "Next sentence", show=False, id="cursor.sentence_next"),
        Binding("left_parenthesis", "move('sentence', -1)", "Previous sentence", show=False, id="cursor.sentence_previous"),
        Binding("right_curly_bracket", "move('paragraph', 1)", "Next paragraph", show=False, id="cursor.paragraph_next"),
        Binding("left_curly_bracket", "move('paragraph', -1)", "Previous paragraph", show=False, id="cursor.paragraph_previous"),
        Binding("g,home", "move('document', -1)", "Start of article", show=False, id="cursor.start"),
        Binding("G,end", "move('document', 1)", "End of article", show=False, id="cursor.end"),
        Binding("pagedown", "move('page', 1)", "Page down", show=False, id="cursor.page_down"),
        Binding("pageup", "move('page', -1)", "Page up", show=False, id="cursor.page_up"),
        Binding("shift+right", "extend('token', 1)", "Grow selection right", show=False, id="select.grow_right"),
        Binding("shift+left", "extend('token', -1)", "Grow selection left", show=False, id="select.grow_left"),
        Binding("shift+down", "extend('line', 1)", "Grow selection down", show=False, id="select.grow_down"),
        Binding("shift+up", "extend('line', -1)", "Grow selection up", show=False, id="select.grow_up"),
        Binding("v", "toggle_selection", "Select", id="select.toggle"),
        Binding("escape", "cancel_selection", "Cancel the selection, else the search highlight", show=False, id="select.cancel"),
        Binding("less_than_sign", "nudge(-1)", "Selection end one character left", show=False, id="select.nudge_left"),
        Binding("greater_than_sign", "nudge(1)", "Selection end one character right", show=False, id="select.nudge_right"),
        # A digit applies the label the session's scheme gives that key (named per session: label_keys_named).
        *(Binding(key, f"screen.label_target('{key}')", f"Label with key {key}", show=False, id=f"label.{key}") for key in LABEL_KEYS),
        Binding("L", "screen.pick_label", "Pick a label from the scheme's list", show=False, id="label.pick"),
        # The annotation keys act on the cursor and selection here; the screen performs them.
        Binding("c", "screen.claim_target", "Claim", id="annotate.claim"),
        Binding("d", "screen.delete_here", "Delete", id="annotate.delete"),
        Binding("a", f"screen.review_here('{ACCEPTED}')", "Accept", id="review.accept"),
        Binding("x", f"screen.review_here('{REJECTED}')", "Reject", id="review.reject"),
        Binding("A", "screen.accept_all_here", "Accept all of label", show=False, id="review.accept_all"),
        Binding("right_square_bracket", "next_annotation(1)", "Next annotation", show=False, id="annotation.next"),
        Binding("left_square_bracket", "next_annotation(-1)", "Previous annotation", show=False, id="annotation.previous"),
    ]

    cursor: var[int] = var(0, init=False)
    # What is under the cursor, as far as the keys that apply there go: (any annotation, any
    # suggestion). The screen watches it to redraw the key hints only when it changes.
    keys_state: var[tuple[bool, bool]] = var((False, False), init=False)
    marked_entity = ""  # the entity whose mentions are all highlighted (chosen in the side panel)
    drawn_generation = 0  # the corrections' generation the cached rows show (see AnnotateScreen.annotations_changed)

    def __init__(self, document: Document, session: AnnotationSession | None = None, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.document = document
        self.session = session
        self.spans = session.spans if session else SpanIndex()  # the annotations shown: stored and derived
        if session is not None:
            self.label_keys_named(session.scheme)
        self.text_index = TextIndex(document)
        self.anchor: Token | None = None
        self.nudge_end = 0
        self.text_layout: WrappedLayout | None = None
        self._strip_cache: OrderedDict[tuple, Strip] = OrderedDict()
        self._paragraph_versions: dict[int, int] = {}
        # The hits of the last search (see show_search_hits) and, in curation mode, the open
        # disagreements (show_conflicts), each highlighted in text order.
        self.highlights = {"search_hit": Highlights(), "conflict": Highlights()}
        self._highlight_version = 0  # bumped when either changes
        self._marks: Marks | None = None
        self._drawn_with: tuple[Style, Marks] | None = None  # the styles the cached rows were drawn in
        first = self.text_index.first_token()
        self.set_reactive(ArticleView.cursor, first.start if first else 0)

    # Layout

    def _content_width(self) -> int:
        return max(10, self.scrollable_content_region.width)

    def rewrap(self) -> None:
        """Lay the document out at the current width (paragraphs are wrapped when first shown)."""
        width = self._content_width()
        self.text_layout = WrappedLayout(self.document, width)
        self._strip_cache.clear()
        self._sync_height()
        self.refresh()

    def _sync_height(self) -> None:
        # The height is estimated for paragraphs not wrapped yet and corrected as they are. Rows
        # below a corrected paragraph move, so the view is redrawn, but only then (that is what
        # set_virtual_size does): a repaint of the whole view on every key would cost more than
        # the key itself.
        layout = self.get_text_layout()
        set_virtual_size(self, Size(layout.width, layout.total_rows))

    def get_text_layout(self) -> WrappedLayout:
        """The current layout (made on first use)."""
        if self.text_layout is None:
            self.rewrap()
        return self.text_layout

    def on_resize(self) -> None:
        """Lay out again when the width changes, keeping the cursor in view."""
        if self.text_layout is None or self._content_width() != self.text_layout.width:
            self.rewrap()
            self.scroll_to_cursor(center=True)

    def row_of(self, offset: int) -> int:
        """The number of the row showing ``offset``."""
        return self.get_text_layout().row_of(offset)

    def attach(self, session: AnnotationSession) -> None:
        """Show a session's annotations (when they finish loading after the text was shown)."""
        self.session = session
        self.spans = session.spans
        self.label_keys_named(session.scheme)
        self._paragraph_versions.clear()
        self._strip_cache.clear()
        self.refresh()
        self._refresh_footer_keys()  # what the keys can do where the cursor already is

    def label_keys_named(self, scheme: Scheme) -> None:
        """Bind the label keys as ``scheme`` gives them: each digit described by its label (what
        help lists), and each letter the scheme gives a label bound to it (a scheme's letters are
        ones the annotation keys leave free; one bound here already is left as it is)."""
        bindings = self._bindings.key_to_bindings
        for key in LABEL_KEYS:
            label = scheme.label_for_key(key)
            description = f"Label {label.name}" if label else f"Label with key {key} (no label in this scheme)"
            if key in bindings:
                bindings[key] = [replace(b, description=description) if b.id == f"label.{key}" else b for b in bindings[key]]
        for label in scheme.labels:
            if label.key and label.key not in LABEL_KEYS and label.key not in bindings:
                bindings[label.key] = [Binding(label.key, f"screen.label_target({label.key!r})", f"Label {label.name}", show=False, id=f"label.{label.key}")]

    # State

    @property
    def cursor_token(self) -> Token | None:
        """The token under the cursor."""
        return self.text_index.token_at(self.cursor)

    @property
    def selection(self) -> tuple[int, int] | None:
        """The selected range, snapped to tokens (``None`` when nothing is selected)."""
        if self.anchor is None:
            return None
        token = self.cursor_token or self.anchor
        start = min(self.anchor.start, token.start)
        end = max(self.anchor.end, token.end) + self.nudge_end
        return (start, max(start + 1, min(end, len(self.document.text))))

    def target(self) -> tuple[int, int] | None:
        """What an action applies to: the selection, else the token under the cursor."""
        if self.selection:
            return self.selection
        token = self.cursor_token
        return (token.start, token.end) if token else None

    def annotations_here(self) -> list[Annotation]:
        """Annotations under the cursor, innermost first."""
        return self.spans.at(self.cursor)

    def watch_cursor(self, old: int, new: int) -> None:
        self._invalidate_rows_between(old, new)
        self.scroll_to_cursor()

    def invalidate(self, ranges: list[tuple[int, int]]) -> None:
        """Redraw the paragraphs that show any of ``ranges`` (after annotations changed)."""
        document = self.document
        layout = self.get_text_layout()
        top = self.scroll_offset.y
        bottom = top + self.scrollable_content_region.height - 1
        for first, last, start, last_offset in document.paragraphs.runs(ranges):
            for paragraph in range(first, last + 1):
                self._paragraph_versions[paragraph] = self._paragraph_versions.get(paragraph, 0) + 1
            # Repaint only the rows on screen that show the run (cached rows elsewhere stay).
            low, high = max(top, layout.row_of(start)), min(bottom, layout.row_of(last_offset))
            if low <= high:
                self.refresh_lines(low, high - low + 1)
        self._refresh_footer_keys()

    def _refresh_footer_keys(self) -> None:
        here = self.annotations_here()
        self.keys_state = (bool(here), any(a.status == SUGGESTED for a in here))

    def mark_entity(self, entity_id: str, ranges: list[tuple[int, int]]) -> None:
        """Highlight every mention of an entity (``""``: none); ``ranges`` are the mentions of
        the entity marked before and of this one, redrawn."""
        if entity_id != self.marked_entity:
            self.marked_entity = entity_id
            if ranges:
                self.invalidate(ranges)

    def _invalidate_rows_between(self, old: int, new: int) -> None:
        # The cursor's and selection's rows change; selection spans all rows between.
        if self.anchor is not None:
            self.invalidate([(min(old, new, self.anchor.start), max(old, new, self.anchor.end) + 1)])
        else:
            self.invalidate([(old, old + 1), (new, new + 1)])

    def scroll_to_cursor(self, center: bool = False) -> None:
        """Scroll so that the cursor's row is visible."""
        if self.text_layout is None:
            return
        row = self.row_of(self.cursor)
        self._sync_height()
        self.scroll_to_region(Region(0, row, 1, 1), animate=False, center=center, immediate=True)

    def move_to(self, start: int, end: int | None = None) -> None:
        """Put the cursor on the token at ``start`` (used by jumps from the side panel and undo)."""
        self.anchor = None
        self.nudge_end = 0
        token = self.text_index.token_at(start)
        self.cursor = token.start if token else start
        self.scroll_to_cursor(center=True)
        self.refresh()

    # Motions

    def _motion_target(self, unit: str, direction: int) -> int | None:
        index = self.text_index
        cursor = self.cursor
        if unit == "token":
            token = index.next_token(cursor) if direction > 0 else index.previous_token(cursor)
            return token.start if token else None
        if unit in ("line", "page"):
            layout = self.get_text_layout()
            row_number = layout.row_of(cursor)
            here = layout.row(row_number)
            step = direction * (max(1, self.scrollable_content_region.height - 1) if unit == "page" else 1)
            number = max(0, row_number + step)
            target = layout.row(number)
            while target is not None and target.start == target.end:  # skip blank rows between paragraphs
                number += 1 if direction > 0 else -1
                target = layout.row(number) if number >= 0 else None
            if target is None:
                target = layout.row(layout.total_rows - 1) if direction > 0 else layout.row(0)
            if target is None or here is None or target == here:
                return None
            cell = cell_offset(self.document.text, here.start, cursor)
            token = index.token_at(offset_at_cell(self.document.text, target, cell))
            return token.start if token else target.start
        if unit == "sentence":
            if direction < 0:
                sentence = index.sentence_at(cursor)
                if sentence and sentence[0] < cursor:
                    return sentence[0]
            return index.sentence_starts_around(cursor, forward=direction > 0)
        if unit == "paragraph":
            return index.paragraph_starts_around(cursor, forward=direction > 0)
        if unit == "document":
            token = index.last_token() if direction > 0 else index.first_token()
            return token.start if token else None
        return None

    def action_move(self, unit: str, direction: int) -> None:
        """Move the cursor by token, line, sentence, paragraph, page or to either end."""
        target = self._motion_target(unit, direction)
        if target is not None:
            self.cursor = target

    def action_extend(self, unit: str, direction: int) -> None:
        """Start a selection if there is none, then grow it with the motion."""
        if self.anchor is None:
            self.anchor = self.cursor_token
        self.action_move(unit, direction)
        self.refresh()

    def action_toggle_selection(self) -> None:
        """Start a selection at the cursor, or end the one in progress."""
        old = self.selection
        self.anchor = None if self.anchor is not None else self.cursor_token
        self.nudge_end = 0
        self.invalidate([old or (self.cursor, self.cursor + 1)])

    def action_cancel_selection(self) -> None:
        """Drop the selection; without one, take the search highlight away (n and N bring it back)."""
        if self.anchor is not None:
            self.clear_selection()
        elif self.search_hits:
            self.show_search_hits(())

    @property
    def search_hits(self) -> tuple[tuple[int, int], ...]:
        """The hits of the search highlighted now."""
        return self.highlights["search_hit"].ranges

    def show_search_hits(self, hits: tuple[tuple[int, int], ...]) -> None:
        """Highlight every hit of a search (ranges in text order); ``()`` takes the highlight away."""
        if hits is not self.search_hits:
            self._highlight("search_hit", hits)

    def show_conflicts(self, ranges: tuple[tuple[int, int], ...]) -> None:
        """Mark the ranges of the disagreements still open (curation mode), in text order."""
        if ranges != self.highlights["conflict"].ranges:
            self._highlight("conflict", ranges)

    def _highlight(self, mark: str, ranges: tuple[tuple[int, int], ...]) -> None:
        self.highlights[mark] = Highlights(ranges)
        self._highlight_version += 1  # every cached row is drawn again, as it comes on screen
        self.refresh()

    def action_nudge(self, delta: int) -> None:
        """Move the selection's end by one character, for spans that tokens do not fit."""
        if self.anchor is None:
            self.anchor = self.cursor_token
        before = self.selection
        self.nudge_end += delta
        self.invalidate([before or (self.cursor, self.cursor + 1), self.selection or (self.cursor, self.cursor + 1)])

    def action_next_annotation(self, direction: int) -> None:
        """Jump to the next (or previous) annotation's start."""
        index = self.spans
        found = index.next_after(self.cursor) if direction > 0 else index.previous_before(self.cursor)
        if found is not None:
            self.cursor = found.start

    def clear_selection(self) -> None:
        """Forget the selection (cancelled, or used by an action)."""
        if self.anchor is not None:
            old = self.selection
            self.anchor = None
            self.nudge_end = 0
            if old:
                self.invalidate([old])

    # Drawing

    @property
    def marks(self) -> Marks:
        """The styles of the marks, as the theme has them now."""
        if self._marks is None:
            self._marks = Marks.of(self)
        return self._marks

    def notify_style_update(self) -> None:
        """The theme or the CSS changed: the marks are read again before the next repaint."""
        super().notify_style_update()
        self._marks = None

    def render_lines(self, crop: Region) -> list[Strip]:
        # Rows drawn in other styles (another theme) are not reused.
        drawn_with = (self.rich_style, self.marks)
        if drawn_with != self._drawn_with:
            self._drawn_with = drawn_with
            self._strip_cache.clear()
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        """Draw screen line ``y`` (a cached strip when nothing on its row has changed)."""
        scroll_x, scroll_y = self.scroll_offset
        layout = self.get_text_layout()
        width = layout.width
        total = layout.total_rows
        row = layout.row(scroll_y + y)
        if layout.total_rows != total:
            self.call_later(self._sync_height)
        if row is None:
            return Strip.blank(width, self.rich_style)
        cursor = self.cursor if row.start <= self.cursor < max(row.end, row.start + 1) else None
        selection = self.selection
        if selection and (selection[1] <= row.start or selection[0] >= row.end):
            selection = None
        key = (row.start, row.end, width, self._paragraph_versions.get(row.paragraph, 0), self._highlight_version, self.drawn_generation, cursor, selection)
        strip = self._strip_cache.get(key)
        if strip is None:
            strip = self._draw_row(row, width, cursor, selection)
            self._strip_cache[key] = strip
            if len(self._strip_cache) > STRIP_CACHE_SIZE:
                self._strip_cache.popitem(last=False)
        else:
            self._strip_cache.move_to_end(key)
        return strip.crop(scroll_x, scroll_x + width)

    def _draw_row(self, row: Row, width: int, cursor: int | None, selection: tuple[int, int] | None) -> Strip:
        base, marks = self.rich_style, self.marks
        start, end = row.start, row.end
        # Layers in painting order: open disagreements, claims under entities, longer spans under
        # shorter ones, then search hits, the selection and the cursor's token; each cut to the row.
        layers: list[Layer] = [(max(start, low), min(end, high), marks.conflict) for low, high in self.highlights["conflict"].between(start, end)]
        spans = sorted(self.spans.overlapping(start, end), key=lambda a: (not a.is_claim, -(a.end - a.start)))
        for annotation in spans:
            style = marks.span_style(annotation, self.session.scheme)
            if self.marked_entity and annotation.attrs.get("entity_id") == self.marked_entity:
                style += marks.marked
            layers.append((max(start, annotation.start), min(end, annotation.end), style))
        for hit_start, hit_end in self.highlights["search_hit"].between(start, end):
            layers.append((max(start, hit_start), min(end, hit_end), marks.search_hit))
        if selection:
            layers.append((max(start, selection[0]), min(end, selection[1]), marks.selection))
        if cursor is not None:
            token = self.text_index.token_at(cursor)
            if token is not None:
                layers.append((max(start, token.start), min(end, token.end), marks.cursor))
        return paint_row(self.document.text, row, width, base, layers, marks.placeholder, cursor if start == end else None, marks.cursor)
