"""Postil's theme variables: how the marks in the article and the lists are coloured.

They are defaults a theme may override (a Textual theme's ``variables``). On a dark theme they
are the colours the marks were drawn in from the start; on a light theme they are made from the
theme's own colours, so switching theme restyles the whole screen. The label colours themselves
come from the label scheme (tui/model/labels.py).
"""

from __future__ import annotations

from textual.color import Color

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
