"""Postil's theme variables: how the marks in the article and the lists are coloured; and the
last step of drawing every line on screen, which keeps each text legible on its ground.

The variables are defaults a theme may override (a Textual theme's ``variables``). On a dark
theme they are the colours the marks were drawn in from the start; on a light theme they are
made from the theme's own colours, so switching theme restyles the whole screen. The label
colours come from the database's label scheme (any colour a user chose), and a theme's own
colours do not always contrast enough either: :class:`LegibleText`, a line filter the app
applies to every widget, makes each text colour just lighter or darker than its ground needs
for a WCAG contrast of 4.5:1 (tui/model/contrast.py), whatever the theme and the scheme.
"""

from __future__ import annotations

from functools import lru_cache

from rich.color import Color as RichColor
from rich.segment import Segment
from rich.style import Style
from rich.terminal_theme import TerminalTheme
from textual.color import Color
from textual.constants import DIM_FACTOR
from textual.filter import LineFilter, dim_color

from tui.model.contrast import readable

# Used with a dark theme: made for a dark ground.
DARK_MARKS = {
    "mark-suggested-background": "#262626",  # under a suggestion's label-coloured text
    "mark-on-label": "#000000",  # text on an accepted entity's label colour
    "mark-claim-background": "#33300f",  # an accepted claim's tint
    "mark-selection-background": "#005f87",
    "mark-selection-foreground": "#ffffff",
    "mark-placeholder": "#ff5f5f",  # a control character's visible stand-in
    "mark-entity-background": "#ffff00",  # every mention of the entity chosen in the side panel
    "mark-entity-foreground": "#000000",
    "mark-search-background": "#00afaf",  # every hit of the last search
    "mark-search-foreground": "#000000",
    "mark-conflict-background": "#875f00",  # a disagreement still open (curation mode)
    "mark-conflict-foreground": "#ffffff",
    "list-speaker": "#5fafff",  # a claim's speaker in the lists and the detail pane
    "list-claim-type": "#ffd75f",  # a claim's type in the claims list
}


def mark_variables(colors: dict[str, str], dark: bool) -> dict[str, str]:
    """The mark colours for a theme whose Textual colour variables are ``colors``."""
    if dark:
        return dict(DARK_MARKS)
    surface = Color.parse(colors["surface"])
    primary = Color.parse(colors["primary"])
    warning = Color.parse(colors["warning"])
    accent = Color.parse(colors["accent"])
    secondary = Color.parse(colors["secondary"])
    # An open disagreement: the warning colour made dark enough for white text, so it is not
    # taken for an entity in a label's light colour (an ANSI theme's is the terminal's own).
    conflict = warning if warning.ansi is not None else Color.parse(readable(warning.hex, "#ffffff"))
    return {
        "mark-suggested-background": surface.darken(0.1).hex,
        "mark-on-label": "#000000",  # the label scheme's colours are light: dark text reads on them
        "mark-claim-background": surface.blend(warning, 0.35).hex,
        "mark-selection-background": primary.hex,
        "mark-selection-foreground": primary.get_contrast_text(1.0).hex,
        "mark-placeholder": colors["error"],
        "mark-entity-background": accent.hex,
        "mark-entity-foreground": accent.get_contrast_text(1.0).hex,
        "mark-search-background": secondary.hex,
        "mark-search-foreground": secondary.get_contrast_text(1.0).hex,
        "mark-conflict-background": conflict.hex,
        "mark-conflict-foreground": conflict.get_contrast_text(1.0).hex,
        "list-speaker": primary.hex,
        "list-claim-type": warning.darken(0.3).hex,
    }


def rich_hex(color: RichColor, ansi: TerminalTheme, foreground: bool = True) -> str:
    """``color`` as ``#rrggbb``; an ANSI colour as the theme's ANSI palette draws it."""
    return color.get_truecolor(ansi, foreground=foreground).hex


@lru_cache(maxsize=1024)
def legible_color(color: RichColor, ground: RichColor, dim: bool, ansi: TerminalTheme) -> RichColor | None:
    """The colour that text of ``color`` needs to read on ``ground``: the nearest of its hue
    with 4.5:1, or None when it reads as it is. Dim text is drawn by Textual blended towards
    the ground; where that blend does not read, the text gets the nearest colour to it that
    does (and is no longer dim)."""
    if dim:
        ground = RichColor.parse(rich_hex(ground, ansi, foreground=False))
        color = dim_color(ground, RichColor.parse(rich_hex(color, ansi)), DIM_FACTOR)
    shown = rich_hex(color, ansi)
    wanted = readable(shown, rich_hex(ground, ansi, foreground=False))
    return None if wanted == shown else RichColor.parse(wanted)


def _is_drawing(text: str) -> bool:
    """Whether ``text`` shows no letters: blanks, or box-drawing and block characters (borders,
    scrollbars), which keep the theme's colours."""
    return all(char.isspace() or "\u2500" <= char <= "\u259f" for char in text)


def legible_segment(segment: Segment, ansi: TerminalTheme) -> Segment:
    """``segment`` with its text colour made readable on its background; the segment itself
    when it reads already, lacks a colour or a ground, is a control or shows no letters."""
    text, style, control = segment
    if style is None or control or style.color is None or style.bgcolor is None:
        return segment
    color = legible_color(style.color, style.bgcolor, bool(style.dim), ansi)
    if color is None or _is_drawing(text):
        return segment
    return Segment(text, style + (Style(color=color, dim=False) if style.dim else Style(color=color)))


class LegibleText(LineFilter):
    """The last filter on every line Textual draws: each text colour made readable on its
    background (ANSI colours as ``app``'s ANSI palette shows them). Its work is one cached
    look-up per segment, by colour pair (so a table's cells, whose styles differ by their
    row and column, share it); a segment that reads is passed on as it is. The ANSI palette
    is looked up again only when the theme's name changes, not for every line."""

    def __init__(self, app) -> None:
        super().__init__()
        self.app = app
        self._theme: str | None = None
        self._ansi: TerminalTheme | None = None

    def apply(self, segments: list[Segment], background: Color) -> list[Segment]:
        if self.app.theme != self._theme:
            self._theme, self._ansi = self.app.theme, self.app.ansi_theme
        ansi = self._ansi
        return [legible_segment(segment, ansi) for segment in segments]


class ThemeColors:
    """The app's part in colouring: Postil's mark colours for the current theme, and every line
    drawn through :class:`LegibleText`. Mixed into the App class, before Textual's App."""

    def get_theme_variable_defaults(self) -> dict[str, str]:
        """Textual's defaults and Postil's mark colours for the current theme."""
        theme = self.current_theme
        return {**super().get_theme_variable_defaults(), **mark_variables(theme.to_color_system().generate(), theme.dark)}

    def get_line_filters(self) -> list[LineFilter]:
        """Textual's filters, then the one that keeps every text readable on its ground."""
        if getattr(self, "_legible_text", None) is None:
            self._legible_text = LegibleText(self)
        return [*super().get_line_filters(), self._legible_text]
