"""The label picker (``L``): every label of the database's scheme, filtered as you type.

It is how a label without a digit key is applied, and how any label is found by name when the
scheme has more labels than there are digits. What is typed is matched fuzzily against each
label's name and description; a label whose key is exactly what was typed comes first, so
``L`` ``p`` ``Enter`` applies the label with the key ``p``.
"""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.fuzzy import Matcher
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from tui.model.display import display_text
from tui.model.labels import Label, Scheme
from tui.widgets.fields import SafeInput
from tui.widgets.forms import MatchPicker


def ranked_labels(labels: tuple[Label, ...], query: str) -> list[Label]:
    """The labels matching ``query``, best first: the label whose key it is, then matches of the
    name (by score), then matches of the description only; the scheme's order breaks ties and
    is the order of every label when nothing is typed."""
    query = query.strip()
    if not query:
        return list(labels)
    matcher = Matcher(query)
    scored = []
    for label in labels:
        if label.key and label.key == query:
            rank = (2, 0.0)
        elif name_score := matcher.match(label.name):
            rank = (1, name_score)
        else:
            rank = (0, matcher.match(label.description) if label.description else 0.0)
        if rank[0] or rank[1] > 0:
            scored.append((rank, label))
    scored.sort(key=lambda item: (-item[0][0], -item[0][1]))  # a stable sort: equal ranks keep the scheme's order
    return [label for _, label in scored]


def label_row(label: Label) -> Text:
    """One row of the picker: the key, the name in the label's colour (the app's line filter,
    palette.LegibleText, draws it readable on the row's ground in every theme), the description."""
    row = Text.assemble((display_text(label.key) or " ", "bold reverse"), "  ", (display_text(label.name), Style(bold=True, color=label.color)))
    if label.description:
        row.append(f"  {display_text(label.description)}", style="dim")
    return row


class LabelPicker(MatchPicker, ModalScreen["str | None"]):
    """Pick one of the scheme's labels: type to filter, ↑ ↓ to move, Enter to apply the
    highlighted label, Esc to leave the text as it was. Gives the label's name (None: cancelled)."""

    DEFAULT_CSS = """
    LabelPicker { align: center middle; }
    LabelPicker > Vertical { width: 76; max-width: 100%; height: auto; max-height: 100%; border: thick $primary; background: $surface; padding: 0 1; }
    LabelPicker OptionList { height: auto; max-height: 14; border: none; }
    LabelPicker #label-picker-hint { color: $text-muted; }
    """

    BINDINGS = [
        Binding("escape", "cancel", "Close without labelling", id="label_picker.cancel"),
        Binding("down", "step(1)", "Next label", show=False, id="label_picker.next"),
        Binding("up", "step(-1)", "Previous label", show=False, id="label_picker.previous"),
    ]
    MATCHES_ID = "label-picker-matches"

    def __init__(self, scheme: Scheme, subject: str = "") -> None:
        """Offer ``scheme``'s labels for ``subject`` (the text being labelled, shown in the title)."""
        super().__init__()
        self.scheme = scheme
        self.subject = subject

    def compose(self) -> ComposeResult:
        title = Text.assemble(("Label", "bold"))
        if self.subject:
            title.append(f" “{self.subject}”")
        title.append(f" as ({len(self.scheme.labels)} labels in {display_text(self.scheme.name)}):")
        with Vertical():
            yield Static(title, id="label-picker-title")
            yield SafeInput(placeholder="type a name, a description or a key", id="label-picker-query", compact=True)
            yield OptionList(id=self.MATCHES_ID, compact=True)
            yield Static(Text("↑ ↓ move · Enter label · Esc cancel"), id="label-picker-hint")

    def on_mount(self) -> None:
        self.matches.can_focus = False  # the query keeps the keys
        self.fill("")
        self.query_one("#label-picker-query", Input).focus()

    def fill(self, query: str) -> None:
        """List the labels matching ``query``, best first, the first highlighted."""
        shown = ranked_labels(self.scheme.labels, query)
        matches = self.matches
        matches.set_options(Option(label_row(label), id=label.name) for label in shown)
        matches.highlighted = 0 if shown else None

    def picked(self, name: str) -> None:
        """Apply the label chosen."""
        self.dismiss(name)

    def action_cancel(self) -> None:
        """Close without labelling anything."""
        self.dismiss(None)
