"""The help screen, read like a manual: every key binding grouped by task (move, select, label,
review, claims, entities, search, documents…), named as users type the keys, with where it
applies, a legend of how the article marks things (in the article's own styles), and the
binding ids for a keymap in a column that ``i`` shows or hides."""

from __future__ import annotations

from dataclasses import dataclass, replace

from rich.style import Style
from rich.table import Table
from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.dom import DOMNode
from textual.screen import ModalScreen, Screen
from textual.widget import Widget
from textual.widgets import Static

from tui.model.annotation import ACCEPTED, CLAIM, ENTITY, SUGGESTED, Annotation
from tui.model.annotation import CURATION as CURATION_LAYER  # CURATION names the help's group
from tui.model.display import display_text
from tui.model.document import Document
from tui.model.labels import Scheme
from tui.widgets.article_marks import Marks
from tui.widgets.article_view import ArticleView
from tui.widgets.key_names import key_name, mapped_keys, remapped

# The task groups, in the order the help lists them.
MOVE, SELECT, LABEL, REVIEW, CLAIMS, ENTITIES, SEARCH, DOCUMENTS = "Move", "Select", "Label", "Review", "Claims", "Entities", "Search", "Documents"
CURATION, EDIT, PANEL, APP, OTHER = "Curation", "Edit and undo", "Side panel", "App", "Other"
GROUPS = (MOVE, SELECT, LABEL, REVIEW, CLAIMS, ENTITIES, SEARCH, DOCUMENTS, CURATION, EDIT, PANEL, APP, OTHER)

# A binding's group, by the longest of these that starts its id (a binding without an id, one
# of Textual's own, by its action). A new binding whose id starts with a known prefix lands in
# its group; one matching none goes to OTHER (and tests/test_help.py says so).
GROUP_OF_PREFIX = {
    "cursor.": MOVE, "annotation.": MOVE,
    "select.": SELECT,
    "label.": LABEL, "label_picker.": LABEL,
    "review.": REVIEW,
    "annotate.claim": CLAIMS, "review.verdict": CLAIMS, "claim_editor.": CLAIMS, "panel.claims": CLAIMS,
    "factcheck.merge": ENTITIES, "entity_editor.": ENTITIES, "entity_picker.": ENTITIES,
    "search.": SEARCH, "hits.": SEARCH,
    "corpus.": DOCUMENTS, "documents.": DOCUMENTS, "stats.": DOCUMENTS,
    "curation.": CURATION,
    "annotate.delete": EDIT, "factcheck.edit": EDIT, "app.undo": EDIT, "app.redo": EDIT, "choice.": EDIT,
    "panel.": PANEL, "list.": PANEL, "app.switch_focus": PANEL,
    "app.": APP, "help.": APP, "documents.quit": APP, "documents.help": APP,
    "quit": APP, "help_quit": APP, "command_palette": APP,
}

# What Textual's own app keys do, which it describes tersely or not at all.
TEXTUAL_DESCRIPTIONS = {"help_quit": "Say which key quits", "command_palette": "Command palette: every command by name"}

# Where the parts of the screen that ask for help apply, when not everywhere.
WHERE_OF_SOURCE = {"Side panel": "side panel", "Lists": "side panel"}


def group_of(ident: str) -> str:
    """The task group of the binding with id (or, without one, action) ``ident``."""
    prefixes = [prefix for prefix in GROUP_OF_PREFIX if ident.startswith(prefix)]
    return GROUP_OF_PREFIX[max(prefixes, key=len)] if prefixes else OTHER


@dataclass(frozen=True)
class HelpEntry:
    """One line of the help: the keys (as bound, comma-separated), what they do, the binding id
    a keymap remaps ("" for Textual's own, which cannot be remapped) and where they apply ("":
    in the article and everywhere)."""

    keys: str
    description: str
    id: str
    where: str = ""
    action: str = ""

    @property
    def group(self) -> str:
        return group_of(self.id or self.action)


def node_bindings(node: DOMNode) -> list[tuple[str, Binding]]:
    """A node's ``(key, binding)`` pairs as declared (the keymap is applied by the caller). Only
    the app's unnamed bindings are kept (quit, the command palette): a screen's or a widget's are
    Textual's focus, copy and sideways-scrolling keys, which Postil's replace or which have
    nothing to scroll. A screen's come in the order its class declares them."""
    pairs = [(key, binding) for key, bindings in node._bindings.key_to_bindings.items() for binding in bindings]
    if not isinstance(node, Screen):
        return pairs if isinstance(node, App) else [(key, binding) for key, binding in pairs if binding.id]
    declared = {binding.id: n for n, binding in enumerate(type(node).BINDINGS) if isinstance(binding, Binding) and binding.id}
    return sorted(((key, binding) for key, binding in pairs if binding.id), key=lambda pair: declared.get(pair[1].id, len(declared)))


def help_entries(sources: list[tuple[str, list[DOMNode]]], keymap: dict[str, str]) -> list[HelpEntry]:
    """Every binding of the parts of the screen in ``sources`` (``(title, nodes)``) as currently
    mapped, then the keys of the dialogs, which are not open (remapped by ``keymap``): one entry
    per binding id (per action for an unnamed binding in one place), its keys joined."""
    entries: dict[tuple[str, str], HelpEntry] = {}

    def add(key: str, binding: Binding, where: str) -> None:
        ident = binding.id or ""
        slot = (ident, "") if ident else (where, binding.action)
        if keys := remapped(keymap, ident):  # the keymap's keys replace the declared ones
            key = ",".join(keys)
        if slot in entries:
            known = entries[slot]
            keys = known.keys.split(",")
            keys += [one for one in key.split(",") if one not in keys]
            entries[slot] = replace(known, keys=",".join(keys))
        else:
            description = binding.description if ident else TEXTUAL_DESCRIPTIONS.get(binding.action, binding.description)
            entries[slot] = HelpEntry(key, description or binding.action.replace("_", " "), ident, where, binding.action)

    for title, nodes in sources:
        for node in nodes:
            for key, binding in node_bindings(node):
                add(key, binding, WHERE_OF_SOURCE.get(title, ""))
    app = next(node.app for _, nodes in sources for node in nodes)
    for where, bindings in dialogs(scheme_of(app)):
        for binding in bindings:
            for key in binding.key.split(","):
                add(key.strip(), binding, where)
    return list(entries.values())


def binding_sections(sources: list[tuple[str, list[DOMNode]]], keymap: dict[str, str]) -> list[tuple[str, list[HelpEntry]]]:
    """The bindings of ``sources`` and of the dialogs (see :func:`help_entries`) by task group,
    in the order of GROUPS; within a group in the order they were found, the command palette's
    key last."""
    entries = help_entries(sources, keymap)
    return [
        (group, sorted((entry for entry in entries if entry.group == group), key=lambda entry: entry.action == "command_palette"))
        for group in GROUPS
        if any(entry.group == group for entry in entries)
    ]


def scheme_of(app: App) -> Scheme:
    """The label scheme of the app's open session, else of its database."""
    session = getattr(app, "session", None)
    return session.scheme if session is not None else app.store.scheme()


def dialogs(scheme: Scheme) -> list[tuple[str, list[Binding]]]:
    """Where the keys of each dialog (editors, pickers, search, the document list, the help
    itself) apply, and those keys, which the help lists while the dialogs are closed; the
    verdict picker's letters are ``scheme``'s."""
    from tui.screens.claim_editor import ClaimEditor
    from tui.screens.corpus_hits import CorpusHitsScreen
    from tui.screens.documents import DocumentsScreen, DocumentTable
    from tui.screens.entity_editor import EntityEditor, EntityPicker
    from tui.screens.label_picker import LabelPicker
    from tui.screens.search import SearchScreen
    from tui.screens.stats import StatsScreen
    from tui.screens.take_picker import TakePicker, take_bindings
    from tui.screens.verdict_picker import VerdictPicker, verdict_bindings
    from tui.widgets.forms import Choice

    verdict_picker = [*verdict_bindings(scheme), *VerdictPicker.BINDINGS]
    classes = [
        ("label picker", LabelPicker),
        ("claim editor", ClaimEditor),
        ("entity editor", EntityEditor),
        ("merge picker", EntityPicker),
        ("search box", SearchScreen),
        ("hits across documents", CorpusHitsScreen),
        ("document list", DocumentsScreen),
        ("document list", DocumentTable),
        ("statistics", StatsScreen),
        ("editors' choice fields", Choice),
        ("this help", HelpScreen),
    ]
    take_picker = [*take_bindings(["the first annotator", "the second annotator"]), *TakePicker.BINDINGS]
    return [("verdict picker", verdict_picker), ("take picker", take_picker)] + [(where, [b for b in dialog.BINDINGS if isinstance(b, Binding)]) for where, dialog in classes]


def binding_table(sections: list[tuple[str, list[HelpEntry]]], show_ids: bool) -> Table:
    """The bindings as a table under a heading per group: keys, what they do (and where, when
    not in the article) and, with ``show_ids``, the binding id to remap them by."""
    table = Table(box=None, padding=(0, 1), show_header=False, expand=False)
    table.add_column("Keys", no_wrap=True, style="bold", max_width=22)
    table.add_column("Does", ratio=1)
    if show_ids:
        table.add_column("Binding id", style="dim", no_wrap=True)
    for n, (group, entries) in enumerate(sections):
        heading = [Text(group, style="bold underline"), Text("")] + ([Text("binding id" if n == 0 else "", style="dim italic")] if show_ids else [])
        table.add_row(*heading, end_section=False)
        for entry in entries:
            # Keys and descriptions can come from the user's keymap file: shown display-safe like any data.
            does = Text(display_text(entry.description))
            if entry.where:
                does.append(f"  ({entry.where})", style="dim")
            row = [Text(key_name(entry.keys)), does] + ([Text(display_text(entry.id))] if show_ids else [])
            table.add_row(*row)
        if n < len(sections) - 1:
            table.add_row(*[""] * len(table.columns))
    return table


def legend_samples(marks: Marks, base: Style, scheme: Scheme, curating: bool = False) -> list[tuple[str, Style, str]]:
    """``(sample, style, meaning)`` for each mark of the article: its ``marks`` over its
    ``base`` style, an entity shown in the scheme's first label; ``curating`` (a team
    database's document), the open disagreements' mark too."""
    label = scheme.labels[0].name if scheme.labels else "ENTITY"
    name = display_text(label)

    def span(kind: str, status: str) -> Style:
        return marks.span_style(Annotation(doc_id="", kind=kind, label=label if kind == ENTITY else "", start=0, end=1, quote=None, status=status), scheme)

    return [
        (name, base + span(ENTITY, ACCEPTED), f"accepted entity ({name})"),
        (name, base + span(ENTITY, SUGGESTED), "suggested entity"),
        ("“a quote”", base + span(CLAIM, SUGGESTED), "suggested claim"),
        ("“a quote”", base + span(CLAIM, ACCEPTED), "accepted claim"),
        ("word", base + marks.search_hit, "search hit"),
        *([("word", base + marks.conflict, "disagreement still open (t takes a version)")] if curating else []),
        ("word", base + marks.selection, "selection"),
        (name, base + span(ENTITY, ACCEPTED) + marks.marked, "the entity chosen in the side panel"),
    ]


class MarksLegend(Widget):
    """How the article marks things, each sample drawn in the article's own styles for the
    current theme (read from the help screen's hidden article view, so a theme's colours show
    as they are)."""

    DEFAULT_CSS = """
    MarksLegend { height: auto; margin: 1 0; }
    """

    def __init__(self, scheme: Scheme, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.scheme = scheme

    def render(self) -> Table:
        article = self.screen.query_one("#help-marks", ArticleView)
        table = Table.grid(padding=(0, 1))
        table.add_column(no_wrap=True)
        table.add_column()
        table.add_row(Text("In the article", style="bold underline"), "")
        curating = getattr(getattr(self.app, "session", None), "layer", None) == CURATION_LAYER
        for sample, style, meaning in legend_samples(article.marks, article.rich_style, self.scheme, curating):
            table.add_row(Text(f" {sample} ", style=style), Text(meaning))
        return table


class HelpScreen(ModalScreen[None]):
    """Every binding of the app by task, a legend of the article's marks, and (``i``) the
    binding ids for a keymap; scrolls where it does not fit."""

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll { width: 100; max-width: 100%; height: 90%; min-height: 12; max-height: 100%; border: thick $primary; background: $surface; padding: 0 1; }
    HelpScreen > ArticleView { display: none; }
    """

    AUTO_FOCUS = "#help-scroll"  # the arrows and PgUp PgDn scroll the help

    BINDINGS = [
        Binding("escape,q,question_mark", "dismiss", "Close help", id="help.close"),
        Binding("i", "toggle_ids", "Show or hide the binding ids (for a keymap)", id="help.ids"),
    ]

    def __init__(self, sections: list[tuple[str, list[HelpEntry]]], scheme: Scheme | None = None) -> None:
        """Show ``sections`` (see :func:`binding_sections`); the legend names ``scheme``'s
        first label (by default the open session's, else the database's)."""
        super().__init__()
        self.sections = sections
        self.scheme = scheme
        self.show_ids = True
        self.table = binding_table(sections, self.show_ids)  # as shown now

    def compose(self) -> ComposeResult:
        marks = ArticleView(Document(text="", title="", source=""), id="help-marks")  # the marks' styles, never shown
        marks.can_focus = False
        yield marks
        with VerticalScroll(id="help-scroll"):
            yield Static(self.title_text(), id="help-title")
            yield MarksLegend(self.scheme or scheme_of(self.app), id="help-legend")
            yield Static(self.table, id="help-table")

    def title_text(self) -> Text:
        """The first line: what closes the help, scrolls it and shows the ids, as mapped now."""
        keys = {binding.id: mapped_keys(self.app, binding.id, binding.key) for binding in self.BINDINGS}
        return Text.assemble(
            ("Postil keys", "bold"),
            f"   {keys['help.close'][0]} closes · ↑ ↓ PgUp PgDn scroll · ",
            f"{' / '.join(keys['help.ids'])} {'hides' if self.show_ids else 'shows'} the binding ids",
        )

    def action_toggle_ids(self) -> None:
        """Show or hide the binding-id column."""
        self.show_ids = not self.show_ids
        self.query_one("#help-title", Static).update(self.title_text())
        self.table = binding_table(self.sections, self.show_ids)
        self.query_one("#help-table", Static).update(self.table)
