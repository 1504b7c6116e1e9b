"""The stats screen: bar charts of one document's annotations and of the whole database's (a key
switches), with what was reviewed each day.

The records are taken from the store when the screen opens (references only, on the app's
thread) and counted in a worker, which posts the figures back: a large database never holds a
key. The bars take their colours from the theme's variables, so they read on a dark or a light one.
In a database where two or more annotators worked, a heat map of their pairwise agreement comes
first, counted in the same worker.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Static

from tui.model.display import display_text, plural
from tui.session.agreement import Agreement, DocumentWork, agreement_snapshot, compute_agreement, voters
from tui.session.stats import REMOVED, Stats, StatsSnapshot, charts, collect_stats, stats_snapshot
from tui.store.storage import StoreError
from tui.widgets.bar_chart import Charts
from tui.widgets.heat_map import HeatMap
from tui.widgets.key_names import mapped_keys

if TYPE_CHECKING:
    from rich.console import RenderableType

    from tui.store.repository import Store

SERIES = ("accepted", "suggested", "rejected", REMOVED)


class ChartView(Widget):
    """The charts of one scope's figures, as wide as the screen, coloured by the theme."""

    COMPONENT_CLASSES = {f"stats--{series}" for series in SERIES}
    DEFAULT_CSS = """
    ChartView { height: auto; }
    ChartView > .stats--accepted { color: $text-success; }
    ChartView > .stats--suggested { color: $text-warning; }
    ChartView > .stats--rejected { color: $text-error; }
    ChartView > .stats--removed { color: $text-secondary; }
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.stats: Stats | None = None

    def show(self, stats: Stats) -> None:
        self.stats = stats
        self.refresh(layout=True)

    def render(self) -> RenderableType:
        if self.stats is None:
            return Text("counting…", style="dim")
        styles = {series: self.get_component_rich_style(f"stats--{series}", partial=True) for series in SERIES}
        return Charts(charts(self.stats), styles)


class StatsScreen(ModalScreen[None]):
    """Statistics of a document (when one is given) and of the whole database."""

    DEFAULT_CSS = """
    StatsScreen { align: center middle; }
    StatsScreen > VerticalScroll { width: 100%; max-width: 120; height: 100%; border: round $primary; background: $surface; padding: 0 1; }
    StatsScreen #stats-title { text-style: bold; }
    StatsScreen #stats-keys { color: $text-muted; margin-bottom: 1; }
    """

    BINDINGS = [
        Binding("escape,q,S", "dismiss", "Close the statistics", id="stats.close"),
        Binding("tab,d", "switch_scope", "This document / the whole database", id="stats.scope"),
    ]

    class Counted(Message):
        """The figures the worker counted: the whole database's and the document's (if any)."""

        def __init__(self, database: Stats, document: Stats | None, agreement: dict[str, Agreement]) -> None:
            super().__init__()
            self.database, self.document = database, document
            self.agreement = agreement  # scope -> figures, when two or more annotators worked

    def __init__(self, store: Store, doc_id: str = "") -> None:
        super().__init__()
        self.store = store
        self.doc_id = doc_id
        self.figures: dict[str, Stats] = {}
        self.agreement: dict[str, Agreement] = {}
        self.agreement_note = ""  # why there is no heat map where one was expected
        self.scope = "document" if doc_id else "database"
        self.title_line = Static(id="stats-title")
        self.keys_line = Static(id="stats-keys")
        self.chart_view = ChartView(id="stats-charts")
        self.heat_map = HeatMap(id="stats-agreement")
        self.scroller = VerticalScroll(id="stats-scroll")

    def compose(self) -> ComposeResult:
        with self.scroller:
            yield self.title_line
            yield self.keys_line
            yield self.heat_map
            yield self.chart_view

    def on_mount(self) -> None:
        self.scroller.focus()
        self.show_heading()
        snapshot = stats_snapshot(self.store)
        works = None
        if len(voters(snapshot.annotations)) >= 2:
            try:
                works = agreement_snapshot(self.store)
            except StoreError as error:
                self.agreement_note = f"Agreement cannot be counted: {error}"
        self.count(snapshot, self.doc_id, works)

    @work(thread=True, exclusive=True, group="stats", description="counting the statistics")
    def count(self, snapshot: StatsSnapshot, doc_id: str, works: list[DocumentWork] | None) -> None:
        """Count the snapshot's figures and the annotators' agreement (never the store or a widget) and post them."""
        agreement = {}
        if works is not None:
            labels = snapshot.scheme.label_names
            agreement["database"] = compute_agreement(works, labels)
            if doc_id:
                agreement["document"] = compute_agreement([work for work in works if work.doc_id == doc_id], labels)
        self.post_message(self.Counted(*collect_stats(snapshot, doc_id), agreement))

    def on_stats_screen_counted(self, message: Counted) -> None:
        self.figures = {"database": message.database}
        if message.document is not None:
            self.figures["document"] = message.document
        self.agreement = message.agreement
        self.show_scope()

    def show_heading(self) -> None:
        stats = self.figures.get(self.scope)
        if self.scope == "document":
            title = display_text(stats.scope) if stats is not None else ""
            heading = f"Statistics of this document: {title or '(untitled)'}" if stats is not None else "Statistics of this document"
        else:
            documents = f": {plural(stats.documents, 'document')}" if stats is not None else ""
            heading = f"Statistics of the whole database{documents}"
        keys = {binding.id: mapped_keys(self.app, binding.id, binding.key)[0] for binding in self.BINDINGS}
        other = "the whole database" if self.scope == "document" else "this document" if self.doc_id else ""
        switch = f"{keys['stats.scope']}: {other}" if other else ""
        self.title_line.update(Text(heading))
        self.keys_line.update(Text(" · ".join(part for part in (switch, "↑ ↓ PgUp PgDn scroll", f"{keys['stats.close']} closes") if part)))

    def show_scope(self) -> None:
        self.show_heading()
        stats = self.figures.get(self.scope)
        if stats is not None:
            self.chart_view.show(stats)
        agreement = self.agreement.get(self.scope)
        if agreement is not None and len(agreement.annotators) < 2:
            self.heat_map.show(None, "Fewer than two annotators worked on this document.")
        else:
            self.heat_map.show(agreement, self.agreement_note)
        self.scroller.scroll_home(animate=False)

    def action_switch_scope(self) -> None:
        """Show the other scope: this document or the whole database."""
        if not self.doc_id:
            return
        self.scope = "database" if self.scope == "document" else "document"
        self.show_scope()
