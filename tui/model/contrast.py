"""WCAG 2 contrast: the relative luminance of a colour, the contrast ratio of two, and the
colour of the same hue nearest to a given one that reads against a given ground.

Colours are ``#rrggbb`` strings (or ``(r, g, b)`` tuples of 0-255). Label colours are the
user's (a scheme may give any), and the ground is the theme's: :func:`readable` is what keeps
each pairing legible in every theme.
"""

from __future__ import annotations

import colorsys
from functools import lru_cache

# WCAG 2.x level AA for normal text.
MINIMUM_CONTRAST = 4.5

RGB = tuple[int, int, int]


def parse_hex(color: str) -> RGB:
    """``#rrggbb`` (or ``#rgb``) as an RGB triple; raises ValueError on anything else."""
    digits = color.strip().removeprefix("#")
    if len(digits) == 3:
        digits = "".join(digit * 2 for digit in digits)
    if len(digits) != 6:
        raise ValueError(f"not a #rrggbb colour: {color!r}")
    return int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16)


def to_hex(rgb: RGB) -> str:
    return "#{:02x}{:02x}{:02x}".format(*rgb)


def _linear(channel: int) -> float:
    value = channel / 255
    return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4


def relative_luminance(color: str | RGB) -> float:
    """WCAG relative luminance, 0 (black) to 1 (white)."""
    red, green, blue = parse_hex(color) if isinstance(color, str) else color
    return 0.2126 * _linear(red) + 0.7152 * _linear(green) + 0.0722 * _linear(blue)


def contrast_ratio(first: str | RGB, second: str | RGB) -> float:
    """WCAG contrast ratio of two colours, 1 (same luminance) to 21 (black and white)."""
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def _with_lightness(hue: float, saturation: float, lightness: float) -> RGB:
    red, green, blue = colorsys.hls_to_rgb(hue, lightness, saturation)
    return round(red * 255), round(green * 255), round(blue * 255)


def _reach(hue: float, saturation: float, start: float, end: float, ground: RGB, minimum: float) -> RGB | None:
    """The colour whose lightness is nearest ``start`` on the way to ``end`` (black or white)
    that has ``minimum`` contrast with ``ground``, or None when even ``end`` has not."""
    if contrast_ratio(_with_lightness(hue, saturation, end), ground) < minimum:
        return None
    # In HLS, with hue and saturation fixed, every channel grows with the lightness: so does the
    # luminance, and the contrast with the ground changes monotonically on the way to ``end``.
    near, far = start, end
    for _ in range(24):
        middle = (near + far) / 2
        if contrast_ratio(_with_lightness(hue, saturation, middle), ground) >= minimum:
            far = middle
        else:
            near = middle
    return _with_lightness(hue, saturation, far)


@lru_cache(maxsize=4096)
def readable(color: str, ground: str, minimum: float = MINIMUM_CONTRAST) -> str:
    """``color`` (text on ``ground``, or a fill under text of colour ``ground``) made lighter or
    darker, keeping its hue and saturation, just enough for a contrast of ``minimum`` with
    ``ground``; unchanged when it already has it.

    It moves away from the ground first (darker on a light ground); when that cannot reach the
    contrast, it crosses to the other side. Black or white against any ground reaches 4.58:1,
    so a minimum up to that is always met.
    """
    rgb, ground_rgb = parse_hex(color), parse_hex(ground)
    if contrast_ratio(rgb, ground_rgb) >= minimum:
        return to_hex(rgb)
    hue, lightness, saturation = colorsys.rgb_to_hls(*(channel / 255 for channel in rgb))
    darker_first = relative_luminance(rgb) <= relative_luminance(ground_rgb)
    for end in (0.0, 1.0) if darker_first else (1.0, 0.0):
        found = _reach(hue, saturation, lightness, end, ground_rgb, minimum)
        if found is not None:
            return to_hex(found)
    return "#000000" if contrast_ratio((0, 0, 0), ground_rgb) >= contrast_ratio((255, 255, 255), ground_rgb) else "#ffffff"
