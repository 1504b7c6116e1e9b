"""Word wrapping by terminal cells, per paragraph, into rows of character offsets."""

from __future__ import annotations

from dataclasses import dataclass

from tui.model.display import char_cells


@dataclass(frozen=True, slots=True)
class Row:
    """One screen row: the half-open character range ``[start, end)`` it shows."""

    start: int
    end: int
    paragraph: int


def wrap_paragraph(text: str, start: int, end: int, width: int, paragraph: int = 0) -> list[Row]:
    """Rows of at most ``width`` cells for ``text[start:end]``, breaking after spaces where possible.

    Every character belongs to exactly one row; a blank paragraph is one empty row. A word
    longer than the width is broken at the width.
    """
    width = max(1, width)
    if start >= end:
        return [Row(start, start, paragraph)]
    rows: list[Row] = []
    row_start = start
    cells = 0
    last_break = -1  # offset just after the last space in the current row
    i = start
    while i < end:
        char = text[i]
        size = char_cells(char)
        if cells + size > width and i > row_start:
            if char == " ":
                # A space at the end of a row stays on the row (it takes no visible room).
                i += 1
                rows.append(Row(row_start, i, paragraph))
                row_start, cells, last_break = i, 0, -1
                continue
            cut = last_break if last_break > row_start else i
            rows.append(Row(row_start, cut, paragraph))
            row_start = cut
            cells = sum(char_cells(c) for c in text[cut:i])
            last_break = -1
            continue
        cells += size
        i += 1
        if char == " ":
            last_break = i
    rows.append(Row(row_start, end, paragraph))
    return rows


def cell_offset(text: str, start: int, offset: int) -> int:
    """Cells from ``start`` to ``offset`` within one row."""
    return sum(char_cells(c) for c in text[start:offset])


def offset_at_cell(text: str, row: Row, cell: int) -> int:
    """The character of ``row`` shown at column ``cell`` (the last one when past the end)."""
    cells = 0
    for i in range(row.start, row.end):
        cells += char_cells(text[i])
        if cells > cell:
            return i
    return max(row.start, row.end - 1)
