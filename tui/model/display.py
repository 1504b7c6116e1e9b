"""How characters of an article appear on a terminal: width in cells, and safe stand-ins.

Article text is data. Control characters (including ESC, which starts terminal escape
sequences) are replaced one-for-one by visible placeholders, so offsets still line up and
nothing from a file can move the cursor or change colours on the user's terminal.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from functools import lru_cache

TAB_CELLS = 4
QUOTE_MARKS = "\"“”‘’'«»„"  # straight and typographic quotation marks


def placeholder(char: str) -> str | None:
    """The visible stand-in for a control or format character, or ``None`` for a printable one."""
    code = ord(char)
    if code < 0x20:
        return chr(0x2400 + code)  # ␀ … ␟ (␛ for ESC)
    if code == 0x7F:
        return "␡"
    if 0x80 <= code < 0xA0 or code in (0x2028, 0x2029) or unicodedata.category(char) in ("Cs", "Co"):
        return "�"
    if unicodedata.category(char) == "Cf" and char not in "\u200d\u200c":
        return "¤"  # bidi overrides and other invisible format characters
    return None


@lru_cache(maxsize=4096)
def char_cells(char: str) -> int:
    """Cells a character takes: 2 for wide (CJK, most emoji), 0 for combining marks, 4 for a tab."""
    if char == "\t":
        return TAB_CELLS
    if placeholder(char) is not None:
        return 1
    if unicodedata.combining(char) or char in "\u200d\u200c\ufe0f\ufe0e":
        return 0
    if unicodedata.east_asian_width(char) in ("W", "F"):
        return 2
    code = ord(char)
    if 0x1F300 <= code <= 0x1FAFF or 0x2600 <= code <= 0x27BF and unicodedata.east_asian_width(char) == "W":
        return 2
    return 1


def shown_pieces(text: str) -> Iterator[tuple[str, bool]]:
    """``text`` as a terminal is given it, in pieces: each with whether it is a placeholder
    (standing in for a control or format character). Tabs become spaces."""
    if text.isprintable():  # no control, format, private-use or unassigned character: the usual case
        yield text, False
        return
    for char in text:
        if char == "\t":
            yield " " * TAB_CELLS, False
        else:
            shown = placeholder(char)
            yield (char, False) if shown is None else (shown, True)


def plural(count: int, one: str, several: str | None = None) -> str:
    """``1 claim``, ``2 claims`` (``several`` where adding an s is wrong: ``2 entities``)."""
    return f"{count} {one if count == 1 else several or one + 's'}"


def display_text(text: str, keep_newlines: bool = False) -> str:
    """``text`` with every control character replaced by its placeholder and tabs by spaces;
    with ``keep_newlines``, line feeds stay (for a multi-line field such as a note).

    Every string from an article, an import file or the database goes through this before a
    widget shows it: it is the one place where data is made safe for the terminal.
    """
    if text.isprintable():
        return text
    if keep_newlines:
        return "\n".join(display_text(line) for line in text.split("\n"))
    return "".join(shown for shown, _ in shown_pieces(text))
