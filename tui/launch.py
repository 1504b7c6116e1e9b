"""Opening a document in a database: the step between the command line and the app.

The store and the session are imported where a database is opened: a database big enough to be
opened in the background is opened in a worker, and their import goes there with it, after the
text is on screen.
"""

from __future__ import annotations

import getpass
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import orjson

from tui.model.document import Document
from tui.store.wal import wal_path

if TYPE_CHECKING:
    from tui.session.annotation_session import AnnotationSession
    from tui.store.repository import Store

DATA = Path(__file__).parent / "data"
SAMPLE_ANNOTATIONS = DATA / "sample_annotations.json"
# The model's analysis of the sample, made by tools/build_sample_annotations.py (see seed_sample).
SAMPLE_ANALYSIS = DATA / "sample_analysis.json"
SAMPLE_SOURCE = "sample:rekognition-moratorium"
# A database larger than this (file plus log) is opened after the first screen is drawn.
BACKGROUND_OPEN_BYTES = 4 * 1024 * 1024


def sample_path() -> Path:
    """The bundled sample article, which ``postil`` with no path opens."""
    return DATA / "sample.txt"


def opens_in_background(db_path: Path) -> bool:
    """True when reading ``db_path`` would noticeably delay the first screen."""
    size = 0
    db_path = Path(os.path.realpath(db_path))  # a link's log is beside the file it points to
    for path in (db_path, wal_path(db_path)):
        try:
            size += path.stat().st_size
        except OSError:
            pass
    return size > BACKGROUND_OPEN_BYTES


def default_annotator() -> str:
    """The user's login name, recorded on their annotations."""
    try:
        return getpass.getuser()
    except Exception:  # no user database entry, e.g. in a bare container
        return "annotator"


def open_session(db_path: Path, document: Document, annotator: str | None = None, store: Store | None = None, read_only: bool = False) -> AnnotationSession:
    """Open (creating if needed) ``db_path``, store ``document`` on first open, and return a session.

    The bundled sample gets its hand-checked annotations the first time it enters a database,
    so a new user's first screen is full before any model has run. With ``read_only`` nothing
    is written to the database or beside it. A team database's document opens in curation
    mode: the session is its curation layer, seeded with what the annotators agree on.
    """
    from tui.session.annotation_session import AnnotationSession
    from tui.session.reanchor import open_document
    from tui.store.repository import open_store

    store = store or open_store(db_path, read_only=read_only)
    is_new = store.document(document.doc_id) is None
    document, reanchored = open_document(store, document)
    if is_new and document.source == SAMPLE_SOURCE and not store.read_only:
        seed_sample(store, document)
    if store.team() is not None:
        from tui.session.curation import Curation

        return Curation(store, document).open_session(reanchored)
    return AnnotationSession(store, document, annotator or default_annotator(), reanchored)


def seed_sample(store: Store, document: Document) -> None:
    """Add the sample's hand-checked annotations and entities to the store in one write, with
    the model's shipped analysis of it in the NLP cache, so that its first suggestions need
    neither spaCy nor the model."""
    from tui.store.records import ANNOTATIONS, ENTITIES, NLP_CACHE, Change

    seed = orjson.loads(SAMPLE_ANNOTATIONS.read_bytes())
    if seed["doc_id"] != document.doc_id:
        return  # the bundled text was edited without rebuilding its annotations
    changes = [Change(ENTITIES, record["entity_id"], record) for record in seed["entities"]]
    changes += [Change(ANNOTATIONS, record["id"], record) for record in seed["annotations"]]
    cached = sample_analysis_cache(document)
    if cached is not None:
        key, analysis = cached
        changes.append(Change(NLP_CACHE, key, {"key": key, "value": analysis}))
    store.apply(changes)


def sample_analysis_cache(document: Document) -> tuple[str, list[dict]] | None:
    """The cache key and value the sample's shipped analysis is stored under, when it was made
    for this text with the installed model and the current rules; ``None`` otherwise (a
    different model, or a missing or stale file), and the model runs as for any article."""
    from tui.nlp.pipeline import installed_model
    from tui.nlp.suggest import cache_key, shipped_analysis

    named = installed_model()
    if named is None:
        return None
    try:
        record = orjson.loads(SAMPLE_ANALYSIS.read_bytes())
    except (OSError, orjson.JSONDecodeError):
        return None
    analysis = shipped_analysis(record, document, named) if isinstance(record, dict) else None
    return None if analysis is None else (cache_key(document, named), analysis)


def cached_model_suggestions(session: AnnotationSession) -> tuple[Iterator | None, str]:
    """The document's suggestion batches when the installed model's analysis of this text is
    cached, and a one-line status; ``(None, "")`` otherwise. Neither spaCy nor the model is
    loaded, so the app calls this before its first screen is drawn."""
    from tui.nlp import cached_suggestions
    from tui.nlp.pipeline import installed_model
    from tui.nlp.suggest import usable_cached_analysis

    store, document = session.store, session.document
    named = installed_model()
    if named is None or usable_cached_analysis(store, document, named) is None:
        return None, ""
    return cached_suggestions(store, document, named, store.gazetteer()), f"suggestions by {named.name} {named.version} (cached)"


def model_suggestions(session: AnnotationSession) -> tuple[Iterator | None, str]:
    """The document's suggestion batches and a one-line status; ``(None, why)`` when no model
    loads. Results cached for this text and model are used without even importing spaCy, so
    reopening is instant; otherwise the model is loaded and run in a child process
    (:mod:`tui.nlp.child`; the first batches take a few seconds: the app calls this from a
    worker thread, whose cancellation stops the child).
    """
    batches, message = cached_model_suggestions(session)
    if batches is not None:
        return batches, message
    from tui.nlp.child import child_suggestions

    store = session.store
    return child_suggestions(store, session.document, store.gazetteer(), worker_cancelled())


def worker_cancelled() -> Callable[[], bool]:
    """The cancel check of the Textual worker calling this (quitting, or opening another
    document, cancels it); outside a worker, nothing cancels."""
    from textual.worker import NoActiveWorker, get_current_worker

    try:
        worker = get_current_worker()
    except NoActiveWorker:
        return lambda: False
    return lambda: worker.is_cancelled
