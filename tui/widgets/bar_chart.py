"""Bar charts of statistics as Rich tables, for ``postil stats`` and the app's stats screen.

Each series of a chart (accepted, suggested, rejected…) has its own character as well as its
style, so the bars read without colour (``NO_COLOR``, a pipe, a monochrome terminal); the
styles are given by the caller: the terminal's own colours on the command line, the theme's
variables in the app. Only Rich is imported, so the command line pays for nothing else.
"""

from __future__ import annotations

from rich.console import Console, ConsoleOptions, RenderResult
from rich.style import Style
from rich.table import Table
from rich.text import Text

from tui.model.display import display_text
from tui.session.stats import Chart, bar_cells

GLYPHS = {"accepted": "█", "suggested": "▒", "rejected": "░", "removed": "╳"}
# For an output whose encoding has no block characters.
ASCII_GLYPHS = {"accepted": "#", "suggested": "+", "rejected": "-", "removed": "x"}
LONGEST_NAME = 20
NARROWEST_BAR = 8


def glyphs_for(encoding: str | None) -> dict[str, str]:
    """The block characters when ``encoding`` can write them, else ASCII ones."""
    try:
        "".join(GLYPHS.values()).encode(encoding or "ascii")
    except (LookupError, UnicodeEncodeError):
        return ASCII_GLYPHS
    return GLYPHS


def chart_table(chart: Chart, width: int, styles: dict[str, Style | str], glyphs: dict[str, str] = GLYPHS) -> Table | Text:
    """``chart`` as a table ``width`` cells wide: each bar's name, the bar (its series stacked,
    scaled so the longest fills the room left), and its counts under a heading per series that
    shows the series' character. A chart without bars is its title and what it says instead."""
    title = Text(chart.title, style="bold")
    if not chart.bars:
        return Text.assemble(title, "\n", Text(chart.empty, style="dim"))
    names = [display_text(bar.name) for bar in chart.bars]
    name_width = min(LONGEST_NAME, max(len(name) for name in names))
    headings = [f"{glyphs.get(series, '#')} {series}" for series in chart.series]
    number_widths = [max(len(heading), *(len(str(bar.counts[n])) for bar in chart.bars)) for n, heading in enumerate(headings)]
    bar_width = max(NARROWEST_BAR, width - name_width - sum(number_widths) - 2 * (len(chart.series) + 1))
    table = Table(title=title, title_justify="left", box=None, padding=(0, 1), pad_edge=False, show_header=True, header_style="bold", expand=False)
    table.add_column("", no_wrap=True, max_width=name_width, overflow="ellipsis")
    table.add_column("", no_wrap=True, width=bar_width)
    for heading, series in zip(headings, chart.series):
        table.add_column(Text(heading, style=styles.get(series, "")), justify="right", no_wrap=True)
    longest = chart.longest
    for name, bar in zip(names, chart.bars):
        drawn = Text()
        for series, cells in zip(chart.series, bar_cells(bar, longest, bar_width)):
            drawn.append(glyphs.get(series, "#") * cells, style=styles.get(series, ""))
        table.add_row(Text(name), drawn, *(str(count) for count in bar.counts))
    return table


class Charts:
    """Several charts one under the other, a blank line between them, as wide as they are given
    (a terminal's width, a widget's): a Rich renderable."""

    def __init__(self, charts: list[Chart], styles: dict[str, Style | str], glyphs: dict[str, str] = GLYPHS) -> None:
        self.charts, self.styles, self.glyphs = charts, styles, glyphs

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        for number, chart in enumerate(self.charts):
            if number:
                yield Text("")
            yield chart_table(chart, options.max_width, self.styles, self.glyphs)
