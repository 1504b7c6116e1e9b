"""The document list: every document of the database with its metadata and review progress,
sorted and filtered, one to open with Enter.

The screen is made once and kept, so its sort, filter and highlighted row survive a visit to a
document. Its rows come from the store on the app's thread each time it is shown (one pass over
the annotations; see :mod:`tui.session.corpus`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Input, Static

from tui.messages import OpenDocument, ShowHelp
from tui.model.display import display_text
from tui.session.corpus import DONE, NEW, STARTED, CorpusError, DocumentSummary, document_summaries, document_summary, mark_done, session_summary
from tui.session.document_list import FilterError, filter_documents, next_sort, sort_documents
from tui.store.storage import StoreError
from tui.widgets.status_line import KeyHints, StatusLine

if TYPE_CHECKING:
    from tui.session.annotation_session import AnnotationSession
    from tui.store.repository import Store

# (column title, what it shows); every cell is made display-safe, as titles come from web pages.
COLUMNS = ("", "Title", "Source", "Date", "Words", "Status", "Left", "Entities", "Claims", "Verdicts")
STATUS_MARKS = {NEW: " ", STARTED: "◐", DONE: "✓"}


def row_cells(summary: DocumentSummary) -> list[Text]:
    """A document's row: its status mark, title, where it came from, date, words and counts."""
    source = summary.site or summary.url or summary.source
    return [
        Text(STATUS_MARKS.get(summary.status, " ")),
        Text(display_text(summary.title) or "(untitled)", style="bold" if summary.status != DONE else ""),
        Text(display_text(source)[:40]),
        Text(display_text(summary.date)),
        Text(f"{summary.words:,}", justify="right"),
        Text(summary.status),
        Text(str(summary.suggestions_left), justify="right"),
        Text(str(summary.entities), justify="right"),
        Text(str(summary.claims), justify="right"),
        Text(str(summary.verdicts), justify="right"),
    ]


def document_detail(summary: DocumentSummary) -> Text:
    """The highlighted document in full: title, author, date, site, URL and source (display-safe)."""
    line = Text(display_text(summary.title) or "(untitled)", style="bold")
    for label, value in (("by", summary.author), ("", summary.date), ("", summary.site), ("", summary.url), ("from", summary.source), ("id", summary.doc_id)):
        if value:
            line.append(f"  ·  {label} " if label else "  ·  ", style="dim")
            line.append(display_text(value))
    return line


class DocumentTable(DataTable):
    """The rows of documents, with the article's keys for moving: Home and End go to the first
    and last row (not only scroll there), ``j`` ``k`` move as the arrows do."""

    BINDINGS = [
        Binding("home,g", "first_row", "First document", show=False, id="documents.first"),
        Binding("end,G", "last_row", "Last document", show=False, id="documents.last"),
        Binding("j", "cursor_down", "Next row", show=False, id="documents.down"),
        Binding("k", "cursor_up", "Previous row", show=False, id="documents.up"),
        Binding("right", "scroll_columns(1)", "Show the columns to the right (narrow terminal)", show=False, id="documents.scroll_right"),
        Binding("left", "scroll_columns(-1)", "Show the columns to the left", show=False, id="documents.scroll_left"),
    ]

    def action_scroll_columns(self, step: int) -> None:
        """Scroll sideways by half the table's width (a column at a time would take dozens of keys)."""
        self.scroll_relative(x=step * max(1, self.size.width // 2), animate=False)

    def action_first_row(self) -> None:
        self.move_cursor(row=0)

    def action_last_row(self) -> None:
        self.move_cursor(row=self.row_count - 1)


class DocumentsScreen(Screen[None]):
    """The database's documents; Enter opens one, and the annotate screen's keys come back here."""

    DEFAULT_CSS = """
    DocumentsScreen > DocumentTable { height: 1fr; }
    DocumentsScreen > #documents-detail { height: auto; max-height: 3; background: $panel; padding: 0 1; }
    DocumentsScreen > #documents-filter { display: none; dock: bottom; margin-bottom: 1; }
    DocumentsScreen.-filtering > #documents-filter { display: block; }
    """

    BINDINGS = [
        Binding("q", "app.quit", "Quit", id="documents.quit"),
        Binding("question_mark", "help", "Help", id="documents.help"),
        Binding("enter", "open_highlighted", "Open", id="documents.open"),
        Binding("s", "sort", "Sort", id="documents.sort"),
        Binding("f,slash", "filter", "Filter", id="documents.filter"),
        Binding("D", "toggle_done", "Done/undone", id="documents.done"),
        Binding("U", "open_unfinished", "Next unfinished", id="documents.next_unfinished"),
        Binding("S", "stats", "Statistics", show=False, id="documents.stats"),
        Binding("escape", "back", "Back to the document", id="documents.back"),
    ]

    def __init__(self, store: Store) -> None:
        super().__init__()
        self.store = store
        self.sort = "added"
        self.filter_text = ""
        self.notice, self.notice_is_error = "", False
        self.all_rows: list[DocumentSummary] = []
        self.shown: list[DocumentSummary] = []
        self.current_doc_id = ""
        self.status_line = StatusLine(id="documents-status")
        self.table = DocumentTable(cursor_type="row", zebra_stripes=True, id="documents-table")
        self.detail = Static(id="documents-detail")
        self.filter_input = Input(placeholder="words of the title, status:new|started|done|unfinished (Enter applies, Esc clears)", id="documents-filter")

    def compose(self) -> ComposeResult:
        yield self.status_line
        yield self.table
        yield self.detail
        yield self.filter_input
        yield KeyHints(id="documents-keys")

    def on_mount(self) -> None:
        self.column_keys = self.table.add_columns(*COLUMNS)
        self.refresh_rows(None)
        self.table.focus()

    def summaries(self, session: AnnotationSession | None) -> list[DocumentSummary]:
        """Every document's summary. All are read from the store the first time; after that
        only the open document changes (one process holds the database), so its row is made
        again from its session's counts and the rest are kept."""
        self.current_doc_id = session.document.doc_id if session is not None else self.current_doc_id
        try:
            if not self.all_rows:
                self.all_rows = document_summaries(self.store)
            elif session is not None:
                fresh = session_summary(session)
                self.all_rows = [fresh if row.doc_id == fresh.doc_id else row for row in self.all_rows]
        except StoreError as error:
            self.say(str(error), error=True)
        return self.all_rows

    def in_list_order(self, session: AnnotationSession | None) -> list[DocumentSummary]:
        """The documents as the list shows them (sorted and filtered), the open one's row made
        again: the order the next and previous document keys follow."""
        self.summaries(session)
        return self.ordered()

    def ordered(self, report: bool = False) -> list[DocumentSummary]:
        """The summaries sorted and filtered; a filter that cannot be read keeps every document
        (and with ``report`` says why on the status line)."""
        try:
            rows = filter_documents(self.all_rows, self.filter_text)
        except FilterError as error:
            if report:
                self.say(str(error), error=True)
            rows = self.all_rows
        return sort_documents(rows, self.sort)

    def refresh_rows(self, session: AnnotationSession | None) -> None:
        """Read the documents again and show them in the current order and filter, the open one highlighted."""
        self.summaries(session)
        self.show_rows(keep=self.current_doc_id)

    def show_rows(self, keep: str = "") -> None:
        """Fill the table from the summaries as sorted and filtered; ``keep`` stays highlighted."""
        if not self.table.columns:  # not mounted yet: on_mount fills it
            return
        highlighted = keep or self.highlighted_id()
        shown, self.shown = self.shown, self.ordered(report=True)
        if [s.doc_id for s in shown] == [s.doc_id for s in self.shown] and self.table.row_count == len(shown):
            # The same rows in the same order (coming back from a document): only changed rows are redrawn.
            for before, now in zip(shown, self.shown):
                if before != now:
                    for column, cell in zip(self.column_keys, row_cells(now)):
                        self.table.update_cell(now.doc_id, column, cell)
        else:
            self.table.clear()
            for summary in self.shown:
                self.table.add_row(*row_cells(summary), key=summary.doc_id)
        ids = [summary.doc_id for summary in self.shown]
        if highlighted in ids:
            self.table.move_cursor(row=ids.index(highlighted))
        self.update_status()

    def highlighted(self) -> DocumentSummary | None:
        """The highlighted row's document (None when the list is empty)."""
        row = self.table.cursor_row
        return self.shown[row] if 0 <= row < len(self.shown) else None

    def highlighted_id(self) -> str:
        """The doc_id of the highlighted row ("" when the list is empty)."""
        summary = self.highlighted()
        return summary.doc_id if summary is not None else ""

    def say(self, text: str, error: bool = False) -> None:
        self.notice, self.notice_is_error = text, error
        self.update_status()

    def update_status(self) -> None:
        done = sum(summary.status == DONE for summary in self.all_rows)
        counts = f"{len(self.all_rows)} documents · {done} done"
        if len(self.shown) != len(self.all_rows):
            counts += f" · {len(self.shown)} shown"
        counts += f" · sorted by {self.sort}"
        self.status_line.show(f"Documents in {self.store.path.name}", counts, "saved" if not self.store.read_only else "read-only", self.notice, self.notice_is_error)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        """Describe the highlighted document: its whole title and where it comes from."""
        summary = self.highlighted()
        self.detail.update(document_detail(summary) if summary is not None else "")

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open_highlighted()

    def action_open_highlighted(self) -> None:
        """Open the highlighted document."""
        doc_id = self.highlighted_id()
        if doc_id:
            self.post_message(OpenDocument(doc_id))

    def action_open_unfinished(self) -> None:
        """Open the next document not done after the open one (the first, when none is open yet)."""
        self.post_message(OpenDocument("", 1, unfinished=True))

    def action_sort(self) -> None:
        """Sort by the next order: added, title, date, words, status, suggestions left."""
        self.sort = next_sort(self.sort)
        self.show_rows()

    def action_filter(self) -> None:
        """Type a filter (words of the title, ``status:…``)."""
        self.add_class("-filtering")
        self.filter_input.value = self.filter_text
        self.filter_input.focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.filter_text = event.value.strip()
        self.remove_class("-filtering")
        self.table.focus()
        self.say(f"filter: {self.filter_text}" if self.filter_text else "")
        self.show_rows()

    def action_back(self) -> None:
        """Clear the filter (closing its box), else go back to the open document."""
        if self.has_class("-filtering") or self.filter_text:
            self.remove_class("-filtering")
            self.filter_text = ""
            self.table.focus()
            self.say("")
            self.show_rows()
        elif len(self.app.screen_stack) > 1:
            self.app.pop_screen()

    def action_toggle_done(self) -> None:
        """Mark the highlighted document done, or not done again."""
        summary = self.highlighted()
        if summary is None:
            return
        doc_id = summary.doc_id
        if self.store.read_only:
            self.say("read-only: this database is open in another Postil", error=True)
            return
        try:
            mark_done(self.store, doc_id, summary.status != DONE, getattr(self.app, "annotator", ""))
        except StoreError as error:
            self.say(str(error), error=True)
            return
        self.say(f"{display_text(summary.title)}: {'done' if summary.status != DONE else 'not done'}")
        try:  # only this document changed: its row is read again, not every document's
            fresh = document_summary(self.store, doc_id)
        except (CorpusError, StoreError) as error:
            self.say(str(error), error=True)
            return
        self.all_rows = [fresh if row.doc_id == doc_id else row for row in self.all_rows]
        self.show_rows()

    def action_stats(self) -> None:
        """Show the statistics of the highlighted document and of the whole database."""
        from tui.screens.stats import StatsScreen

        self.app.push_screen(StatsScreen(self.store, self.highlighted_id()))

    def action_help(self) -> None:
        """Show the document list's keys (and every other)."""
        self.post_message(ShowHelp([("Document list", [self.app, self]), ("Table", [self.table])]))
