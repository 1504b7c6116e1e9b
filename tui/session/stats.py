"""Statistics of a database or one of its documents: annotations by label and status, claims by
type and verdict, and progress over time from the journal; and the bar charts that show them.

The records are taken from the store on the caller's thread (:func:`stats_snapshot`, references
only); :func:`collect_stats` then makes one pass over the annotations and one over the journal,
so a database of any size costs what reading it does, and the app can count in a worker. Only
fields compared with known values are read, as the document list counts: a malformed record
counts as nothing but what it claims to be. Orphans (placed nowhere on their text) and notes are
not counted. Days are UTC dates, as the journal's timestamps are.

:func:`charts` turns figures into :class:`Chart` rows for any renderer (the ``postil stats``
table, the app's stats screen); a new section (e.g. agreement between annotators) is one more
function in :data:`CHART_MAKERS`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from tui.model.annotation import ACCEPTED, CLAIM, ENTITY, ORPHAN, REJECTED, STATUSES, SUGGESTED
from tui.model.labels import UNVERIFIED, Scheme
from tui.store.records import ANNOTATIONS, DOCUMENTS, JOURNAL, NOT_UNDOABLE_OPS, journal_doc_id

DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
REMOVED = "removed"  # an accepted annotation that stopped being accepted (deleted, rejected, undone)


@dataclass(frozen=True, repr=False)
class StatsSnapshot:
    """What the figures are made from: the scheme and the raw document, annotation and journal
    records (the store's own, never modified). Not spelled out by repr: it holds the whole database."""

    scheme: Scheme
    documents: Sequence[dict]
    annotations: Sequence[dict]
    journal: Sequence[dict]

    def titles(self) -> dict[str, str]:
        """The current documents' ids and titles (not the versions a newer text replaced), from
        their records alone: a long document's text is never read for its title."""
        replaced = {record.get("previous") for record in self.documents}
        return {
            record["doc_id"]: record.get("title") if isinstance(record.get("title"), str) else ""
            for record in self.documents if isinstance(record.get("doc_id"), str) and record["doc_id"] not in replaced
        }


def stats_snapshot(store) -> StatsSnapshot:
    """The records statistics read, taken on the thread that owns ``store`` (references only)."""
    return StatsSnapshot(store.scheme(), *(store.snapshot(table) for table in (DOCUMENTS, ANNOTATIONS, JOURNAL)))


@dataclass(frozen=True)
class DayProgress:
    """What happened to annotations (entities and claims) on one day: how many became accepted
    (added by the user, imported or a suggestion accepted), how many suggestions were rejected,
    how many accepted ones were removed again, and how many were accepted at the day's end
    (counting from the first journal entry)."""

    day: str
    accepted: int
    rejected: int
    removed: int
    total: int


@dataclass(frozen=True)
class Stats:
    """The figures of one scope (a document, or the whole database)."""

    scope: str  # "database", or the document's title
    doc_id: str  # "" for the whole database
    documents: int
    labels: dict[str, dict[str, int]]  # entity label -> status -> count; the scheme's labels first
    claim_types: dict[str, dict[str, int]]  # claim type -> status -> count
    verdicts: dict[str, int]  # accepted claims by verdict, in the scheme's order
    progress: list[DayProgress]  # the days with journal entries that changed an annotation, oldest first

    def as_json(self) -> dict:
        """The figures as plain JSON values."""
        return {
            "scope": self.scope, "doc_id": self.doc_id or None, "documents": self.documents,
            "entities": [{"label": name, **counts} for name, counts in self.labels.items()],
            "claims": [{"type": name, **counts} for name, counts in self.claim_types.items()],
            "verdicts": [{"verdict": name, "claims": count} for name, count in self.verdicts.items()],
            "progress": [vars(day) for day in self.progress],
        }


@dataclass
class _Tally:
    """Counts gathered in the pass; :meth:`stats` orders them by the scheme."""

    labels: dict[str, dict[str, int]] = field(default_factory=dict)
    claim_types: dict[str, dict[str, int]] = field(default_factory=dict)
    verdicts: dict[str, int] = field(default_factory=dict)
    days: dict[str, list[int]] = field(default_factory=dict)  # day -> [accepted, rejected, removed]

    def add_annotation(self, record: dict) -> None:
        """Count one stored annotation record (what :func:`_status` refuses counts as nothing)."""
        status = _status(record)
        if status is None:
            return
        attrs = record.get("attrs") if isinstance(record.get("attrs"), dict) else {}
        if record["kind"] == ENTITY:
            name = record.get("label")
            table = self.labels
        else:
            name = attrs.get("claim_type") or record.get("label")
            table = self.claim_types
            if status == ACCEPTED:
                verdict = attrs.get("verdict") or UNVERIFIED
                if isinstance(verdict, str):
                    self.verdicts[verdict] = self.verdicts.get(verdict, 0) + 1
        if isinstance(name, str):
            counts = table.setdefault(name, dict.fromkeys(STATUSES, 0))
            counts[status] += 1

    def add_change(self, day: str, before: object, after: object) -> None:
        """Count one annotation record's change on ``day``."""
        was, now = _status(before), _status(after)
        if was == now:
            return
        counts = self.days.setdefault(day, [0, 0, 0])
        if now == ACCEPTED:
            counts[0] += 1
        elif now == REJECTED and was == SUGGESTED:
            counts[1] += 1
        if was == ACCEPTED:
            counts[2] += 1

    def stats(self, scheme: Scheme, scope: str, doc_id: str, documents: int) -> Stats:
        total, progress = 0, []
        for day in sorted(self.days):
            accepted, rejected, removed = self.days[day]
            total += accepted - removed
            progress.append(DayProgress(day, accepted, rejected, removed, total))
        zero = dict.fromkeys(STATUSES, 0)
        return Stats(
            scope=scope, doc_id=doc_id, documents=documents,
            labels=_in_order(scheme.label_names, self.labels, lambda: dict(zero)),
            claim_types=_in_order(scheme.claim_types, self.claim_types, lambda: dict(zero)),
            verdicts=_in_order(scheme.verdict_names, self.verdicts, int),
            progress=progress,
        )


def _in_order(names: tuple[str, ...], found: dict, empty: Callable[[], object]) -> dict:
    """The scheme's ``names`` first (with ``empty`` figures when none were found), then any other
    name found in the records (one the scheme dropped, or a hand edit wrote), alphabetically."""
    ordered = {name: found.get(name) or empty() for name in names}
    ordered.update((name, found[name]) for name in sorted(found) if name not in ordered)
    return ordered


def _status(record: object) -> str | None:
    """The status of an annotation record of an entity or a claim (stored, or in a journal
    change), None for no record (or one that is neither, is placed nowhere or has no known status)."""
    if not isinstance(record, dict) or record.get("kind") not in (ENTITY, CLAIM) or record.get("anchor") == ORPHAN:
        return None
    status = record.get("status", ACCEPTED)
    return status if status in STATUSES else None


def _changes(entry: dict) -> list[tuple[object, object]]:
    """The ``(before, after)`` records of each annotation an entry changed."""
    before, after = entry.get("before"), entry.get("after")
    if not isinstance(before, list) or not isinstance(after, list):
        return []
    pairs = []
    for old, new in zip(before, after):
        if isinstance(old, dict) and isinstance(new, dict) and new.get("table") == ANNOTATIONS:
            pairs.append((old.get("record"), new.get("record")))
    return pairs


def collect_stats(snapshot: StatsSnapshot, doc_id: str = "") -> tuple[Stats, Stats | None]:
    """The figures of the whole database and, with ``doc_id``, of that document, from one pass
    over the annotations and one over the journal."""
    whole, one = _Tally(), _Tally() if doc_id else None
    for record in snapshot.annotations:
        whole.add_annotation(record)
        if one is not None and record.get("doc_id") == doc_id:
            one.add_annotation(record)
    for entry in snapshot.journal:
        ts = entry.get("ts")
        if not isinstance(ts, str) or not DAY.match(ts) or entry.get("op") in NOT_UNDOABLE_OPS:
            continue
        mine = one is not None and journal_doc_id(entry) == doc_id
        for before, after in _changes(entry):
            whole.add_change(ts[:10], before, after)
            if mine:
                one.add_change(ts[:10], before, after)
    titles = snapshot.titles()
    database = whole.stats(snapshot.scheme, "database", "", len(titles))
    document = one.stats(snapshot.scheme, titles.get(doc_id, ""), doc_id, 1) if one is not None else None
    return database, document


# Charts


@dataclass(frozen=True)
class Bar:
    """One bar of a chart: its name and one count per series of the chart."""

    name: str
    counts: tuple[int, ...]

    @property
    def total(self) -> int:
        return sum(self.counts)


@dataclass(frozen=True)
class Chart:
    """A titled bar chart: the series each bar stacks (e.g. accepted, suggested, rejected), its
    bars, and what to say when it has no bars."""

    title: str
    series: tuple[str, ...]
    bars: tuple[Bar, ...]
    empty: str = "nothing yet"

    @property
    def longest(self) -> int:
        """The longest bar's total, which every bar is scaled to."""
        return max((bar.total for bar in self.bars), default=0)


def _status_chart(title: str, figures: dict[str, dict[str, int]], empty: str) -> Chart:
    bars = tuple(Bar(name, tuple(counts[status] for status in STATUSES)) for name, counts in figures.items())
    return Chart(title, STATUSES, bars, empty)


def label_chart(stats: Stats) -> Chart:
    return _status_chart("Entities by label", stats.labels, "no labels in this scheme")


def claim_type_chart(stats: Stats) -> Chart:
    return _status_chart("Claims by type", stats.claim_types, "no claim types in this scheme")


def verdict_chart(stats: Stats) -> Chart:
    return Chart("Accepted claims by verdict", (ACCEPTED,), tuple(Bar(name, (count,)) for name, count in stats.verdicts.items()))


def progress_chart(stats: Stats) -> Chart:
    bars = tuple(Bar(day.day, (day.accepted, day.rejected, day.removed)) for day in stats.progress)
    return Chart("Reviewed per day (UTC)", (ACCEPTED, REJECTED, REMOVED), bars, "no changes in the journal yet")


def cumulative_chart(stats: Stats) -> Chart:
    bars = tuple(Bar(day.day, (max(day.total, 0),)) for day in stats.progress)
    return Chart("Accepted so far, at each day's end", (ACCEPTED,), bars, "no changes in the journal yet")


# Every section of the statistics, in the order shown.
CHART_MAKERS: tuple[Callable[[Stats], Chart], ...] = (label_chart, claim_type_chart, verdict_chart, progress_chart, cumulative_chart)


def charts(stats: Stats) -> list[Chart]:
    """Every chart of a scope's figures, in the order shown."""
    return [make(stats) for make in CHART_MAKERS]


def bar_cells(bar: Bar, longest: int, width: int) -> tuple[int, ...]:
    """How many of ``width`` cells each series of ``bar`` takes when the longest bar fills them:
    proportional, a count above zero never drawn as nothing, the bar never longer than ``width``."""
    if longest <= 0 or width <= 0:
        return tuple(0 for _ in bar.counts)
    cells = [max(1, round(count * width / longest)) if count else 0 for count in bar.counts]
    while sum(cells) > width:
        widest = cells.index(max(cells))
        cells[widest] -= 1
    return tuple(cells)
