"""The take picker (``t`` in curation mode): whose version of a disagreement goes into the
curation — one annotator's (a, b, c… in annotator order), every one's (``+``) or none (``x``).

A letter (or Enter on a row) decides at once; Esc leaves the disagreement open.
"""

from __future__ import annotations

from string import ascii_lowercase

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingsMap
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from tui.model.display import display_text
from tui.widgets.session_list import excerpt, quoted

# The letters that take an annotator's version, in annotator order (``x`` is "neither").
TAKE_LETTERS = tuple(letter for letter in ascii_lowercase if letter != "x")
BOTH, NEITHER = "+", "x"
# How much of a version's description a row shows (the picker fits an 80-column terminal).
DESCRIBED = 60


def take_letter(position: int) -> str:
    """The letter that takes the version of the annotator at ``position`` (0 the first)."""
    return TAKE_LETTERS[position]


def take_bindings(annotators: list[str]) -> list[Binding]:
    """The picker's letter of each annotator (ids ``curation.take_<letter>``, for a keymap)."""
    return [
        Binding(take_letter(n), f"pick({take_letter(n)!r})", f"Take {display_text(name)}'s version", id=f"curation.take_{take_letter(n)}")
        for n, name in enumerate(annotators[: len(TAKE_LETTERS)])
    ]


class TakePicker(ModalScreen["list[int] | None"]):
    """Decide one disagreement: given ``(annotator, what they said)`` in annotator order, gives
    the positions of the versions taken (``[]``: neither), or None when cancelled."""

    DEFAULT_CSS = """
    TakePicker { align: center middle; }
    TakePicker > Vertical { width: 78; max-width: 100%; height: auto; max-height: 100%; border: thick $primary; background: $surface; padding: 0 1; }
    TakePicker OptionList { height: auto; max-height: 16; border: none; }
    TakePicker #take-picker-hint { color: $text-muted; }
    """

    # The annotators' letters are bound per picker (help lists them for two annotators).
    BINDINGS = [
        Binding("plus", f"pick({BOTH!r})", "Take every annotator's version (both)", id="curation.take_both"),
        Binding("x", f"pick({NEITHER!r})", "Take neither version", id="curation.take_neither"),
        Binding("escape", "pick('')", "Leave the disagreement open", id="curation.take_cancel"),
    ]

    def __init__(self, subject: str, versions: list[tuple[str, str]]) -> None:
        """Ask about the disagreement over ``subject`` (its text, shown in the title) between
        ``versions``: each annotator's name and what they said there."""
        super().__init__()
        self.subject = subject
        self.versions = versions[: len(TAKE_LETTERS)]
        self._bindings = BindingsMap.merge([self._bindings, BindingsMap(take_bindings([name for name, _ in self.versions]))])

    def compose(self) -> ComposeResult:
        title = Text.assemble(("Take", "bold"), f" — {quoted(self.subject, 56)}:")
        options = []
        for n, (name, said) in enumerate(self.versions):
            row = Text.assemble((take_letter(n), "bold reverse"), " ", (display_text(name), "bold"), f": {excerpt(said, DESCRIBED)}")
            options.append(Option(row, id=take_letter(n)))
        every = "both" if len(self.versions) == 2 else "all"
        options.append(Option(Text.assemble((BOTH, "bold reverse"), f" {every} (every version)"), id=BOTH))
        options.append(Option(Text.assemble((NEITHER, "bold reverse"), " neither"), id=NEITHER))
        with Vertical():
            yield Static(title, id="take-picker-title")
            yield OptionList(*options, id="take-picker-options", compact=True)
            yield Static(Text("a letter or Enter takes · Esc leaves it open"), id="take-picker-hint")

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """Enter on a row takes what it offers."""
        event.stop()
        self.action_pick(event.option.id or "")

    def action_pick(self, choice: str) -> None:
        """Close with the versions taken: a letter's, every one (``+``), none (``x``); ``""`` cancels."""
        if not choice:
            self.dismiss(None)
        elif choice == BOTH:
            self.dismiss(list(range(len(self.versions))))
        elif choice == NEITHER:
            self.dismiss([])
        else:
            self.dismiss([TAKE_LETTERS.index(choice)])
