"""The status line and the label legend."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual.widget import Widget

from tui.model.annotation import ACCEPTED, CLAIM, ENTITY, SUGGESTED
from tui.model.display import display_text
from tui.model.labels import CLAIM_COLOR, Label, Scheme
from tui.widgets.key_names import key_name, mapped_keys
from tui.widgets.lines import OneLine


def count_summary(counts: Mapping[tuple[str, str], int], short: bool = False) -> str:
    """What the document holds, each number saying what it counts: "24 entities accepted ·
    3 suggested · 13 claims accepted · 1 suggested" (a kind with no suggestion left says none);
    ``short``, for a narrow line: "accepted: 24 entities, 13 claims · 4 suggested"."""
    accepted = {kind: counts.get((kind, ACCEPTED), 0) for kind in (ENTITY, CLAIM)}
    suggested = {kind: counts.get((kind, SUGGESTED), 0) for kind in (ENTITY, CLAIM)}
    if short:
        line = f"accepted: {accepted[ENTITY]} entities, {accepted[CLAIM]} claims"
        return line + (f" · {sum(suggested.values())} suggested" if any(suggested.values()) else "")
    parts = []
    for kind, plural in ((ENTITY, "entities"), (CLAIM, "claims")):
        parts.append(f"{accepted[kind]} {plural} accepted")
        if suggested[kind]:
            parts.append(f"{suggested[kind]} suggested")
    return " · ".join(parts)


class StatusLine(OneLine):
    """Title, the database file in use, counts, and whether every change is on disk."""

    DEFAULT_CSS = """
    StatusLine { height: 1; background: $primary-background; color: $text; padding: 0 1; }
    StatusLine.-error { background: $error; }
    StatusLine.-read-only { background: $warning-darken-2; }
    """

    def show(self, title: str, counts: str, state: str, notice: str = "", error: bool = False, database: Path | None = None,
             progress: str = "", short_counts: str = "") -> None:
        """Set what the line says (drawn at the current width by :meth:`render`); ``database`` is
        the file in use: its name is shown, its full path is the line's tooltip. ``short_counts``
        stands for ``counts`` when the line is narrow; ``progress`` (the model's) comes last and
        is the first cut."""
        name = display_text(database.name) if database is not None else ""
        self._parts = (title, counts, state, notice, error, name, progress, short_counts or counts)
        if database != getattr(self, "_database", None):
            self._database = database
            self.tooltip = None if database is None else Text(f"database: {display_text(str(database))}")
        self.set_class(error, "-error")
        self.refresh()

    def render(self) -> Text:
        """The line: title, database file, counts, save state, notice and progress, cut at the
        end when they do not fit; the title is shortened (to 12 characters at least) to leave
        the others room. Where the title would be cut below 20 characters to leave the notice
        room, the counts are said short; where the save state (or an error) would still be cut, it comes before the
        counts. Titles and file names are shown literally."""
        title, counts, state, notice, error, database, progress, short_counts = getattr(self, "_parts", ("", "", "", "", False, "", "", ""))
        title, notice = display_text(title), display_text(notice)
        database = database if len(database) <= 40 else database[:39] + "…"
        sep = "  ·  "

        def room_for(*parts: str) -> int:
            return sum(len(part) + len(sep) for part in parts if part)

        width = self.size.width - 2  # the padding
        core = room_for(database, state)
        if width - core - room_for(counts, notice) < min(20, len(title)):
            counts = short_counts
        if error and width - core - room_for(counts, notice) < 12:
            after_title = [(database, "dim"), (state, "bold"), (notice, "bold #ff5f5f"), (counts, "")]
        elif width - core - room_for(counts) < 12:
            after_title = [(database, "dim"), (state, "bold"), (counts, ""), (notice, "italic")]
        else:
            after_title = [(database, "dim"), (counts, ""), (state, "bold"), (notice, "bold #ff5f5f" if error else "italic")]
        room = max(12, width - core - room_for(counts, notice, progress))  # room_for passes over an empty part
        line = Text(no_wrap=True, overflow="ellipsis")
        line.append(title if len(title) <= room else title[: room - 1] + "…", style="bold")
        for part, style in [*after_title, (progress, "")]:
            if part:
                line.append(sep)
                line.append(part, style=style)
        return line


class Legend(Widget):
    """The label scheme with its keys and colours, and how claims and suggestions look (in the
    article's mark colours for the current theme), on one row: where the labels do not all fit,
    their names are shortened, then the row ends with how many are left out."""

    DEFAULT_CSS = """
    Legend {
        height: 1;
        padding: 0 1;
        background: $panel;
        & > .legend--claim { background: $mark-claim-background; text-style: underline; }
        & > .legend--suggested { background: $mark-suggested-background; text-style: italic; }
    }
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {"legend--claim", "legend--suggested"}

    # How many characters of a label's name the shortest form keeps ("PRODUCT" -> "PROD").
    SHORT_NAME = 4

    def __init__(self, scheme: Scheme | None = None, *, id: str | None = None) -> None:
        """A legend of ``scheme`` (none until :meth:`show_scheme` names one)."""
        super().__init__(id=id)
        self.scheme = scheme

    def show_scheme(self, scheme: Scheme) -> None:
        """Show the labels of ``scheme`` (the database's)."""
        self.scheme = scheme
        self.refresh()

    def render(self) -> Text:
        """The widest form of the row that fits: spaced chips, tight ones, short names; then
        the labels without the samples of how claims and suggestions look (the keys matter
        more); then as many labels as fit and "+N more (L)"."""
        width = self.content_region.width
        labels = self.scheme.labels if self.scheme is not None else ()
        for spaced, short, samples in ((True, False, True), (False, False, True), (False, True, True), (False, True, False)):
            line = self.label_chips(labels, spaced, short)
            if samples:
                line.append_text(self.samples(spaced))
            if line.cell_len <= width:
                return line
        for shown in range(len(labels) - 1, -1, -1):
            line = self.label_chips(labels[:shown], spaced=False, short=True)
            line.append(f"+{len(labels) - shown} more ({self.picker_key()})", style="dim")
            if line.cell_len <= width:
                break
        line.truncate(max(width, 0), overflow="ellipsis")
        return line

    def picker_key(self) -> str:
        """The key that opens the label picker (binding id ``label.pick``, ``L`` unless the
        user's keymap moved it), which lists the labels the row leaves out."""
        return mapped_keys(self.app, "label.pick", "L")[0]

    def label_chips(self, labels: Sequence[Label], spaced: bool, short: bool) -> Text:
        """Each label's key and its name on its colour; ``spaced`` pads the key as a chip too,
        ``short`` keeps the first SHORT_NAME characters of each name. Names come from the
        database, so they are shown display-safe."""
        line = Text(no_wrap=True)
        for label in labels:
            name = display_text(label.name)
            name = name[: self.SHORT_NAME] if short else name
            key = display_text(label.key)
            if key:
                line.append(f" {key} " if spaced else key, style="bold")
            line.append(f" {name} ", style=f"#000000 on {label.color}")
            line.append("" if spaced else " ")
        return line

    def samples(self, spaced: bool) -> Text:
        """How a claim and a suggestion look in the article."""
        line = Text(no_wrap=True)
        line.append("  " if spaced else "")
        line.append(" claim ", style=Style(color=CLAIM_COLOR) + self.get_component_rich_style("legend--claim", partial=True))
        line.append(" ")
        line.append(" suggested ", style=Style(color="#a8a8a8") + self.get_component_rich_style("legend--suggested", partial=True))
        return line


class KeyHints(OneLine):
    """The keys that apply now, on one line: those that cannot act here are dimmed.

    A light stand-in for Textual's Footer, which rebuilds its widgets whenever bindings are
    refreshed; this one only redraws its row, so it can follow the cursor cheaply.
    """

    DEFAULT_CSS = """
    KeyHints { height: 1; background: $panel; color: $text-muted; padding: 0 1; }
    """

    def on_mount(self) -> None:
        self.watch(self.screen, "focused", lambda _: self.refresh_hints(), init=False)
        self.refresh_hints()

    def refresh_hints(self) -> None:
        """Rebuild the line from the screen's active bindings."""
        line = Text(no_wrap=True, overflow="ellipsis")
        seen: set[str] = set()
        for active in self.screen.active_bindings.values():
            binding = active.binding
            if not binding.show or binding.action in seen:
                continue
            seen.add(binding.action)
            style = "" if active.enabled else "dim"
            line.append(display_text(binding.key_display or key_name(binding.key)), style=f"bold {style}".strip())
            line.append(f" {binding.description}  ", style=style)
        line.rstrip()  # the last hint's spacing would cost the row its last characters
        self._line = line
        self.refresh()

    def render(self) -> Text:
        """The hints as last built."""
        return getattr(self, "_line", Text())
