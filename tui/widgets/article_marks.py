"""How the article's rows are painted: the marks' styles (from the theme, through the article's
component classes, and the label colours from the session's scheme, an accepted entity's fill
made readable under its text) and the painting of a row's characters from layers of styled ranges."""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass

from rich.color import Color
from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip
from textual.widget import Widget

from tui.model.annotation import ACCEPTED, SUGGESTED, Annotation
from tui.model.contrast import readable
from tui.model.display import shown_pieces
from tui.model.labels import Scheme
from tui.model.wrap import Row

# A range of the text and the style laid over it.
Layer = tuple[int, int, Style]


def _append_shown(segments: list[Segment], chunk: str, style: Style, placeholder: Style) -> None:
    """Add ``chunk`` as it is shown: tabs as spaces, control and format characters as their
    visible placeholders (in the ``placeholder`` style); a run with the same style as the last
    one joins it."""
    for shown, stands_in in shown_pieces(chunk):
        piece_style = style + placeholder if stands_in else style
        if segments and segments[-1].style == piece_style:
            segments[-1] = Segment(segments[-1].text + shown, piece_style)
        else:
            segments.append(Segment(shown, piece_style))


@dataclass(frozen=True)
class Marks:
    """The styles of the article's marks, read from its component classes (so from the theme)."""

    cursor: Style
    selection: Style
    placeholder: Style
    claim: Style
    claim_suggested: Style
    suggested: Style
    on_label: Style
    marked: Style  # every mention of the entity chosen in the side panel
    search_hit: Style  # every hit of the last search
    conflict: Style  # every disagreement still open, in curation mode

    @classmethod
    def of(cls, widget: Widget) -> Marks:
        """The marks as ``widget``'s ``article-view--*`` component classes style them."""
        return cls(*(widget.get_component_rich_style(f"article-view--{name.replace('_', '-')}", partial=True) for name in cls.__dataclass_fields__))

    def span_style(self, annotation: Annotation, scheme: Scheme) -> Style:
        """How a span is drawn: accepted entities filled with their label's colour (in
        ``scheme``; lighter or darker, in its hue, where the on-label text needs it for 4.5:1),
        suggestions in that colour on a ground of their own (the line filter, palette.LegibleText,
        makes that text readable as it does every text), claims underlined (tinted once accepted)."""
        if annotation.is_claim:
            return self.claim if annotation.status == ACCEPTED else self.claim_suggested
        color = scheme.color_for(annotation.label)
        if annotation.status == SUGGESTED:
            return Style(color=color) + self.suggested
        return Style(bgcolor=_readable_with(color, self.on_label.color)) + self.on_label


class Highlights:
    """Ranges of the text drawn in one style (a search's hits, the open disagreements), in text
    order; those on a row are found by bisection (a search can hit a book thousands of times)."""

    def __init__(self, ranges: tuple[tuple[int, int], ...] = ()) -> None:
        self.ranges = ranges
        self._starts = [start for start, _ in ranges]
        self._longest = max((end - start for start, end in ranges), default=0)

    def between(self, start: int, end: int) -> list[tuple[int, int]]:
        """The ranges that overlap ``[start, end)``."""
        ranges, found = self.ranges, []
        index = bisect_left(self._starts, start - self._longest)
        while index < len(ranges) and ranges[index][0] < end:
            if ranges[index][1] > start:
                found.append(ranges[index])
            index += 1
        return found


def _readable_with(color: str, other: Color | None) -> str:
    """``color`` made readable with ``other`` (when the theme gives it as a true colour)."""
    if other is None or other.triplet is None:
        return color
    try:
        return readable(color, other.triplet.hex)
    except ValueError:  # a scheme colour that is not #rrggbb is drawn as given
        return color


def paint_row(text: str, row: Row, width: int, base: Style, layers: list[Layer], placeholder: Style, blank_cursor: int | None, cursor: Style) -> Strip:
    """Row ``row`` of ``text`` at ``width`` cells: each character in ``base`` plus every layer
    over it, in order; an empty row holding the cursor (``blank_cursor``) shows it as a space."""
    start, end = row.start, row.end
    # Between two consecutive layer edges every character looks the same: one run each.
    edges = sorted({start, end, *(low for low, _, _ in layers), *(high for _, high, _ in layers)})
    segments: list[Segment] = []
    for low, high in zip(edges, edges[1:]):
        if not start <= low < high <= end:
            continue
        style = base
        for layer_low, layer_high, layer_style in layers:
            if layer_low <= low and high <= layer_high:
                style += layer_style
        _append_shown(segments, text[low:high], style, placeholder)
    if blank_cursor is not None:
        segments.append(Segment(" ", base + cursor))
    return Strip(segments).adjust_cell_length(width, base)
