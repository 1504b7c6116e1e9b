"""The document list's filter and sort orders, apart from the widget that shows them.

A filter is words that must all occur in the title (any case) and ``status:`` terms
(``new``, ``started``, ``done`` or ``unfinished``, several allowed: any of them matches), as
``status:unfinished senate``.
"""

from __future__ import annotations

from collections.abc import Callable

from tui.session.corpus import DONE, NEW, STARTED, DocumentSummary

UNFINISHED = "unfinished"
STATUS_TERMS = {NEW: {NEW}, STARTED: {STARTED}, DONE: {DONE}, UNFINISHED: {NEW, STARTED}}

# name -> (key, newest/largest first); "added" is the database's own order.
SORTS: dict[str, tuple[Callable[[DocumentSummary], object], bool]] = {
    "added": (lambda summary: 0, False),
    "title": (lambda summary: summary.title.casefold(), False),
    "date": (lambda summary: summary.date, True),
    "words": (lambda summary: summary.words, True),
    "status": (lambda summary: (summary.status == DONE, summary.status == STARTED), False),
    "suggestions left": (lambda summary: summary.suggestions_left, True),
}


class FilterError(ValueError):
    """A filter term that cannot be read (an unknown status)."""


def parse_filter(query: str) -> tuple[set[str] | None, list[str]]:
    """The statuses a filter allows (``None``: any) and the words the title must hold."""
    statuses: set[str] | None = None
    words = []
    for term in query.split():
        name, colon, value = term.partition(":")
        if colon and name.casefold() == "status":
            allowed = STATUS_TERMS.get(value.casefold())
            if allowed is None:
                raise FilterError(f"status:{value} is not one of {', '.join(STATUS_TERMS)}")
            statuses = (statuses or set()) | allowed
        else:
            words.append(term.casefold())
    return statuses, words


def filter_documents(summaries: list[DocumentSummary], query: str) -> list[DocumentSummary]:
    """The summaries a filter keeps, in their order (raises :class:`FilterError`)."""
    statuses, words = parse_filter(query)
    return [
        summary for summary in summaries
        if (statuses is None or summary.status in statuses) and all(word in summary.title.casefold() for word in words)
    ]


def sort_documents(summaries: list[DocumentSummary], sort: str) -> list[DocumentSummary]:
    """The summaries in the order ``sort`` names (one of :data:`SORTS`; stable)."""
    key, descending = SORTS[sort]
    return sorted(summaries, key=key, reverse=descending)


def next_sort(sort: str) -> str:
    """The sort order after ``sort``, round the list."""
    names = list(SORTS)
    return names[(names.index(sort) + 1) % len(names)]
