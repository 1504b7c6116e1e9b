"""Messages from Postil's widgets and workers to the screen and the app that coordinate them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from textual.message import Message

if TYPE_CHECKING:
    from tui.nlp.suggest import SuggestionBatch
    from tui.session.annotation_session import AnnotationSession
    from tui.session.corpus_search import CorpusHit


@dataclass
class JumpTo(Message):
    """Show a span in the article and return focus there (a list entry was chosen)."""

    start: int
    end: int


@dataclass
class EntityChosen(Message):
    """Highlight every mention of an entity in the article (``""``: take the highlight away)."""

    entity_id: str


@dataclass
class SuggestionsReady(Message):
    """A batch of model suggestions for document ``doc_id``, posted by the suggestion worker."""

    batch: SuggestionBatch
    doc_id: str = ""


@dataclass
class AnalysisReady(Message):
    """The model's finished analysis, for the app to cache under ``key`` (posted by the
    suggestion worker, which never writes to the store itself)."""

    key: str
    analysis: Any


@dataclass
class SuggesterStatus(Message):
    """What the suggestion worker is doing (model loaded, or why there is none)."""

    text: str
    available: bool
    doc_id: str = ""


@dataclass
class SessionLoaded(Message):
    """The database is open and the document's annotations are loaded (from the loading worker)."""

    session: AnnotationSession


@dataclass
class SessionFailed(Message):
    """The database could not be opened; ``error`` is the one-line reason."""

    error: str


@dataclass
class OpenDocument(Message):
    """Open another document of the database: ``doc_id``, or the one ``step`` places from the
    open one in the document list (only unfinished ones when ``unfinished``)."""

    doc_id: str = ""
    step: int = 1
    unfinished: bool = False
    search: tuple[str, str, int] | None = None  # then search it: (query, scope, from offset)


@dataclass
class ShowDocuments(Message):
    """Show the database's document list."""


@dataclass
class CorpusHitsFound(Message):
    """The hits of a search across every document (from the search worker); ``more`` when
    there were more than are listed."""

    query: str
    scope: str
    hits: list[CorpusHit]
    more: bool


@dataclass
class ShowHelp(Message):
    """Show the keys of ``sources`` (``(title, nodes)``: the parts of the screen asking) and of every dialog."""

    sources: list[tuple[str, list[Any]]]
