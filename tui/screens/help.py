"""The help screen: every key binding, with its id (for remapping) and what it does."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.dom import DOMNode
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from tui.model.display import display_text


def binding_table(sections: list[tuple[str, list[Binding]]]) -> Table:
    """A table of bindings grouped by where they apply."""
    table = Table(box=None, padding=(0, 2), show_header=True, header_style="bold")
    table.add_column("Keys", no_wrap=True)
    table.add_column("Does")
    table.add_column("Binding id", style="dim", no_wrap=True)
    for title, bindings in sections:
        table.add_row(Text(title, style="bold underline"), "", "")
        for binding in bindings:
            keys = ", ".join(key.strip() for key in binding.key.split(","))
            # Keys come from the user's keymap file: shown display-safe like any data.
            table.add_row(Text(display_text(keys), style="bold"), Text(display_text(binding.description)), Text(display_text(binding.id or "")))
    return table


def node_bindings(node: DOMNode) -> list[tuple[str, Binding]]:
    """A node's ``(key, binding)`` pairs as currently mapped. A screen's come in the order its
    class declares them, without its unnamed ones (Textual's focus and copy keys, which
    Postil's replace)."""
    pairs = [(key, binding) for key, bindings in node._bindings.key_to_bindings.items() for binding in bindings]
    if not isinstance(node, Screen):
        return pairs
    declared = {binding.id: n for n, binding in enumerate(type(node).BINDINGS) if isinstance(binding, Binding) and binding.id}
    return sorted(((key, binding) for key, binding in pairs if binding.id), key=lambda pair: declared.get(pair[1].id, len(declared)))


def binding_sections(sources: list[tuple[str, list[DOMNode]]], keymap: dict[str, str]) -> list[tuple[str, list[Binding]]]:
    """The bindings of each part of the screen (``(title, nodes)``), as currently mapped, one
    entry per id, the command palette's key last; then the keys of the dialogs, which are not
    open (remapped by ``keymap``)."""
    sections = []
    for title, nodes in sources:
        seen: dict[str, Binding] = {}
        for key, binding in [pair for node in nodes for pair in node_bindings(node)]:
            ident = binding.id or f"{title.lower()}.{binding.action}"
            if ident in seen:
                keys = seen[ident].key.split(",") + [key]
                seen[ident] = Binding(",".join(keys), binding.action, binding.description or binding.action, id=ident)
            else:
                seen[ident] = Binding(key, binding.action, binding.description or binding.action, id=ident)
        sections.append((title, sorted(seen.values(), key=lambda binding: binding.action == "command_palette")))
    return sections + dialog_sections(keymap)


def dialog_sections(keymap: dict[str, str]) -> list[tuple[str, list[Binding]]]:
    """The keys of the dialogs (editors, merge picker, search, verdict picker), shown by help while they are closed."""
    from tui.screens.claim_editor import ClaimEditor
    from tui.screens.corpus_hits import CorpusHitsScreen
    from tui.screens.documents import DocumentsScreen, DocumentTable
    from tui.screens.entity_editor import EntityEditor, EntityPicker
    from tui.screens.search import SearchScreen
    from tui.screens.verdict_picker import VerdictPicker
    from tui.widgets.forms import Choice

    dialogs = [
        ("Verdict picker (V)", VerdictPicker),
        ("Claim editor", ClaimEditor),
        ("Entity editor", EntityEditor),
        ("Merge picker", EntityPicker),
        ("Search", SearchScreen),
        ("Search hits across documents", CorpusHitsScreen),
        ("Document list (o)", DocumentsScreen),
        ("Document table", DocumentTable),
        ("Choice fields in a dialog", Choice),
    ]
    return [
        (title, [Binding(keymap.get(b.id, b.key), b.action, b.description, id=b.id) for b in dialog.BINDINGS])
        for title, dialog in dialogs
    ]


class HelpScreen(ModalScreen[None]):
    """Lists every binding of the app, the article pane and the side panel."""

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll { width: 90; height: 90%; border: thick $primary; background: $surface; padding: 0 1; }
    """

    BINDINGS = [
        Binding("escape,q,question_mark", "dismiss", "Close help", id="help.close"),
    ]

    def __init__(self, sections: list[tuple[str, list[Binding]]]) -> None:
        super().__init__()
        self.sections = sections
        self.table = binding_table(sections)

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(Text("Postil keys  (Esc closes)", style="bold"), id="help-title")
            yield Static(self.table, id="help-table")
