"""Opening a document in a database: the step between the command line and the app."""

from __future__ import annotations

import getpass
from pathlib import Path

import orjson

from tui.model.document import Document
from tui.store.repository import ANNOTATIONS, ENTITIES, Change, Store
from tui.store.session import AnnotationSession

DATA = Path(__file__).parent / "data"
SAMPLE_ANNOTATIONS = DATA / "sample_annotations.json"
SAMPLE_SOURCE = "sample:rekognition-moratorium"


def default_annotator() -> str:
    """The user's login name, recorded on their annotations."""
    try:
        return getpass.getuser()
    except Exception:  # no user database entry, e.g. in a bare container
        return "annotator"


def open_session(db_path: Path, document: Document, annotator: str | None = None, store: Store | None = None) -> AnnotationSession:
    """Open (creating if needed) ``db_path``, store ``document`` on first open, and return a session.

    The bundled sample gets its hand-checked annotations the first time it enters a database,
    so a new user's first screen is full before any model has run.
    """
    store = store or Store(db_path)
    is_new = store.document(document.doc_id) is None
    document = store.open_document(document)
    if is_new and document.source == SAMPLE_SOURCE and not store.read_only:
        seed_sample(store, document)
    return AnnotationSession(store, document, annotator or default_annotator())


def seed_sample(store: Store, document: Document) -> None:
    """Add the sample's hand-checked annotations and entities to the store in one write."""
    seed = orjson.loads(SAMPLE_ANNOTATIONS.read_bytes())
    if seed["doc_id"] != document.doc_id:
        return  # the bundled text was edited without rebuilding its annotations
    changes = [Change(ENTITIES, record["entity_id"], record) for record in seed["entities"]]
    changes += [Change(ANNOTATIONS, record["id"], record) for record in seed["annotations"]]
    store.apply(changes)
