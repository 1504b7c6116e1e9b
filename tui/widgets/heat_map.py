"""A pairwise heat map of agreement: annotator × annotator, each cell the pair's Cohen's κ over
tokens, coloured by how high it is with the theme's variables and printed as a number, so it
reads without colour (a monochrome terminal, ``NO_COLOR``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Group
from rich.text import Text
from textual.widget import Widget

from tui.model.display import display_text

if TYPE_CHECKING:
    from rich.console import RenderableType

    from tui.session.agreement import Agreement

# Bands of κ (Landis and Koch's "almost perfect" and "substantial" start at 0.8 and 0.6).
BANDS = ((0.8, "high"), (0.6, "mid"), (float("-inf"), "low"))
LONGEST_NAME = 14
CELL = 9  # "██ -0.123" fits
SWATCH = "██"
FITS = 74  # the cells the stats screen gives text in an 80-column terminal: a wider matrix is listed pair by pair


def band(kappa: float | None) -> str:
    """The band a κ falls in ("none" when it is undefined)."""
    if kappa is None:
        return "none"
    return next(name for floor, name in BANDS if kappa >= floor)


def cut(name: str, width: int) -> Text:
    """A name made terminal-safe, cut with an ellipsis and padded to ``width`` cells."""
    text = Text(display_text(name), no_wrap=True)
    text.truncate(width, overflow="ellipsis", pad=True)
    return text


class HeatMap(Widget):
    """The agreement of every pair of annotators; hidden until given figures with two or more."""

    COMPONENT_CLASSES = {"heat-map--high", "heat-map--mid", "heat-map--low", "heat-map--none", "heat-map--title"}
    DEFAULT_CSS = """
    HeatMap { height: auto; margin-bottom: 1; display: none; }
    HeatMap.-shown { display: block; }
    HeatMap > .heat-map--title { text-style: bold; }
    HeatMap > .heat-map--high { color: $text-success; }
    HeatMap > .heat-map--mid { color: $text-warning; }
    HeatMap > .heat-map--low { color: $text-error; }
    HeatMap > .heat-map--none { color: $text-muted; }
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.agreement: Agreement | None = None
        self.note = ""

    def show(self, agreement: Agreement | None, note: str = "") -> None:
        """Show ``agreement`` (or only ``note`` when it has fewer than two annotators); nothing
        at all when both are empty."""
        self.agreement = agreement if agreement is not None and len(agreement.annotators) >= 2 else None
        self.note = note
        self.set_class(self.agreement is not None or bool(note), "-shown")
        self.refresh(layout=True)

    def cell(self, kappa: float | None) -> Text:
        """A pair's κ: a swatch coloured by its band and the value, ``CELL`` cells wide."""
        cell = Text()
        cell.append(SWATCH, style=self.get_component_rich_style(f"heat-map--{band(kappa)}", partial=True))
        cell.append(f" {kappa:.2f}" if kappa is not None else " —")
        cell.align("left", CELL)
        return cell

    def render(self) -> RenderableType:
        title = Text("Agreement between annotators: Cohen's κ over tokens (entity label or O)", style=self.get_component_rich_style("heat-map--title", partial=True))
        if self.agreement is None:
            return Group(title, Text(display_text(self.note), style=self.get_component_rich_style("heat-map--none", partial=True)))
        names = self.agreement.annotators
        width = min(LONGEST_NAME, max(len(display_text(name)) for name in names))
        rows = [title]
        if width + 1 + len(names) * (CELL + 1) <= FITS:
            header = Text(" " * (width + 1), no_wrap=True)
            for name in names:
                header.append_text(cut(name, CELL))
                header.append(" ")
            rows.append(header)
            for a in names:
                row = cut(a, width)
                row.append(" ")
                for b in names:
                    row.append_text(Text("·".center(CELL)) if a == b else self.cell(self.agreement.pair(a, b).kappa))
                    row.append(" ")
                rows.append(row)
        else:
            for pair in self.agreement.pairs:
                row = cut(f"{pair.a} · {pair.b}", 2 * width + 3)
                row.append(" ")
                row.append_text(self.cell(pair.kappa))
                rows.append(row)
        rows.append(Text(f"{self.agreement.documents_line()}; κ ≥ 0.8 high, ≥ 0.6 substantial; — where it is undefined. More: postil agree",
                         style=self.get_component_rich_style("heat-map--none", partial=True)))
        return Group(*rows)
