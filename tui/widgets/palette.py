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
        "list-speaker": primary.hex,
        "list-claim-type": warning.darken(0.3).hex,
    }


def rich_hex(color: RichColor, ansi: TerminalTheme, foreground: bool = True) -> str:
    """``color`` as ``#rrggbb``; an ANSI colour as the theme's ANSI palette draws it."""
    return color.get_truecolor(ansi, foreground=foreground).hex


def readable_on(color: RichColor, ground: RichColor, ansi: TerminalTheme) -> RichColor:
    """``color`` (a text's, or a fill's under text of colour ``ground``) made readable with
    ``ground``: the same colour when it already is, else the nearest of its hue that is."""
    wanted = readable(rich_hex(color, ansi), rich_hex(ground, ansi, foreground=False))
    return color if wanted == rich_hex(color, ansi) else RichColor.parse(wanted)


@lru_cache(maxsize=4096)
def legible_style(style: Style, ansi: TerminalTheme) -> Style:
    """``style`` with its text colour made readable on its background (when it gives both).

    Dim text is drawn by Textual in a colour blended towards the ground; where that blend does
    not read, the text gets the nearest colour to it that does (and is no longer dim)."""
    if style.color is None or style.bgcolor is None:
        return style
    if style.dim:
        ground = RichColor.parse(rich_hex(style.bgcolor, ansi, foreground=False))
        dimmed = dim_color(ground, RichColor.parse(rich_hex(style.color, ansi)), DIM_FACTOR)
        color = readable_on(dimmed, ground, ansi)
        return style if color is dimmed else style + Style(color=color, dim=False)
    color = readable_on(style.color, style.bgcolor, ansi)
    return style if color is style.color else style + Style(color=color)


def _is_drawing(text: str) -> bool:
    """Whether ``text`` shows no letters: blanks, or box-drawing and block characters (borders,
    scrollbars), which keep the theme's colours."""
    return all(char.isspace() or "\u2500" <= char <= "\u259f" for char in text)


class LegibleText(LineFilter):
    """The last filter on every line Textual draws: each text colour made readable on its
    background (ANSI colours as ``app``'s ANSI palette shows them)."""

    def __init__(self, app) -> None:
        super().__init__()
        self.app = app

    def apply(self, segments: list[Segment], background: Color) -> list[Segment]:
        ansi = self.app.ansi_theme
        return [
            segment if segment.style is None or segment.control or _is_drawing(segment.text) else Segment(segment.text, legible_style(segment.style, ansi))
            for segment in segments
        ]


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
