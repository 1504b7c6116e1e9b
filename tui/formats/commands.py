"""Moving annotations to and from other tools' files: what ``postil export`` and ``postil import`` do.

A refused export or import raises :class:`InterchangeError` with a one-line message
(``file:line: reason`` for a malformed input) and writes nothing; what a format cannot carry
is counted in the result's losses, never dropped silently.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from tui.formats.importing import ImportPlan, apply_import, plan_import
from tui.formats.interchange import ExportItem, FormatError, Losses, select_for_export
from tui.formats.registry import FORMATS, FormatSpec
from tui.model.annotation import CURATION
from tui.model.display import display_text
from tui.store.repository import Store


class InterchangeError(Exception):
    """Why an export or import was refused, in one line; nothing was written."""


@dataclass
class Export:
    """An export made in memory: the format, what it holds, and what it could not carry."""

    spec: FormatSpec
    items: list[ExportItem]
    payload: bytes | dict[str, bytes]
    losses: Losses

    @property
    def annotations(self) -> int:
        return sum(len(item.annotations) for item in self.items)


def export_annotations(db: Path, format_name: str, doc_refs: list[str] | None, all_documents: bool,
                       find_document: Callable[[Store, str], str], out: Path | None = None,
                       include_suggested: bool = False, annotator: str | None = None, **options) -> Export:
    """Export the documents ``doc_refs`` name (every document with ``all_documents``, else the
    only one) of the database ``db`` as ``format_name``; ``out`` is where it will be written
    (``None``: standard output). ``find_document`` turns a reference (an id, an id prefix, part
    of a title) into a document id, or raises ValueError saying why it names none or several.
    ``options`` are the format's own (``scheme``, ``publisher``, ``publisher_url``, ``review_url``);
    every exporter is also given the database's ``label_scheme``. With ``annotator`` only that
    annotator's work is exported; a team database (``postil merge``) is refused without one."""
    from tui.store.storage import StoreError

    spec = FORMATS[format_name]
    if not db.exists():
        raise InterchangeError(f"{db}: no such database (pass --db PATH)")
    try:
        store = Store(db, read_only=True)
        stored_ids = [document.doc_id for document in store.documents()]
        team = store.team()
    except StoreError as error:
        raise InterchangeError(str(error)) from None
    if team is not None and annotator is None:
        store.close()
        names = ", ".join(display_text(name) for name in sorted({*team, CURATION}))
        raise InterchangeError(f"{db}: is a team database: choose whose work with --annotator NAME ({names})")
    try:
        if all_documents:
            doc_ids = stored_ids
        elif doc_refs:
            doc_ids = []
            for ref in doc_refs:
                try:
                    doc_id = find_document(store, ref)
                except ValueError as error:  # names none or several: the message lists titles
                    raise InterchangeError(" ".join(f"{db}: {error}".split())) from None
                except StoreError as error:
                    raise InterchangeError(str(error)) from None
                if doc_id not in doc_ids:
                    doc_ids.append(doc_id)
        elif len(stored_ids) == 1:
            doc_ids = stored_ids
        else:
            raise InterchangeError(f"{db}: holds {len(stored_ids)} documents; pass --doc ID or --all")
        if spec.output in ("binary", "directory") and out is None:
            raise InterchangeError(f"--format {spec.name} writes {'a binary file' if spec.output == 'binary' else 'a folder'}: pass --out PATH")
        losses = Losses()
        try:
            items = select_for_export(store, doc_ids, include_suggested=include_suggested, losses=losses, annotator=annotator)
            if annotator is not None and not any(item.annotations for item in items):
                _check_annotator(store, db, doc_ids, annotator)
            options["label_scheme"] = store.scheme()
        except StoreError as error:
            raise InterchangeError(str(error)) from None
    finally:
        store.close()
    payload = spec.export_function()(items, losses, include_suggested=include_suggested, **options)
    return Export(spec, items, payload, losses)


def _check_annotator(store: Store, db: Path, doc_ids: list[str], annotator: str) -> None:
    """Refuse an ``--annotator`` with no annotation at all in the chosen documents (a misspelt
    name), naming the annotators who have some."""
    documents = [store.document(doc_id) for doc_id in doc_ids]
    known = {a.annotator for d in documents if d is not None for a in store.annotations(d.doc_id, len(d.text))}
    if annotator not in known:
        names = ", ".join(display_text(name or '""') for name in sorted(known)) or "none"
        name = display_text(annotator or '""')
        raise InterchangeError(f"{db}: no annotations by {name} in the chosen documents (annotators: {names})")


def write_export(export: Export, out: Path) -> None:
    """Write ``export`` to the file ``out`` (a folder of files for brat), atomically, each file
    directly in it; a pipe or a device such as ``/dev/stdout`` is written to as it is."""
    from tui.store.storage import atomic_write_bytes

    try:
        if export.spec.output == "directory":
            if out.exists() and not out.is_dir():
                raise InterchangeError(f"{out}: exists and is not a folder")
            out.mkdir(parents=True, exist_ok=True)
            folder = out.resolve()
            # Only files directly in --out: no name with a path in it, no link there that leads elsewhere.
            outside = [name for name in export.payload if (out / name).resolve().parent != folder]
            if outside:
                raise InterchangeError(f"{out / outside[0]}: would be written outside {out}; nothing written")
            for name, data in export.payload.items():
                atomic_write_bytes(out / name, data)
        elif out.is_dir():
            raise InterchangeError(f"{out}: is a folder; pass a file path to --out")
        elif out.exists() and not out.is_file():  # a pipe or a device (/dev/stdout): written through, never replaced
            with out.open("wb") as stream:
                stream.write(export.payload)
        else:
            atomic_write_bytes(out, export.payload)
    except OSError as error:
        raise InterchangeError(f"{out}: cannot be written ({error.strerror})") from None


@dataclass
class Imported:
    """What an import stored (``plan``) and the malformed records it left out (with ``partial``)."""

    plan: ImportPlan
    skipped: list[str] = field(default_factory=list)


def import_annotations(db: Path, format_name: str, path: Path, partial: bool = False, annotator: str = "") -> Imported:
    """Import the file (or brat folder) ``path`` into the database ``db``.

    A malformed record refuses the whole file unless ``partial``, which stores the well-formed
    records and returns the others' errors. The file is read against a read-only view: a refused
    import leaves the database and its log byte for byte as they were (a writer's open would fold
    the log). The parser sees the stored texts so that token-only formats (CoNLL) can find theirs.
    """
    from tui.store.repository import open_store
    from tui.store.storage import StoreError

    spec = FORMATS[format_name]
    if not path.exists():
        raise InterchangeError(f"{path}: no such file")
    if not (path.is_file() or (path.is_dir() and spec.output == "directory")):
        raise InterchangeError(f"{path}: not a regular file")
    store = None
    try:
        view = open_store(db, read_only=True) if db.exists() else None
        try:
            graphs, errors = spec.read(path, store=view)
        finally:
            if view is not None:
                view.close()
        if errors and not partial:
            more = f" (and {len(errors) - 1} more problems)" if len(errors) > 1 else ""
            raise InterchangeError(f"{errors[0]}{more}; nothing imported (--partial imports the well-formed records)")
        store = open_store(db, writer=True)
        plan = plan_import(store, graphs, spec.name, annotator=annotator)
        apply_import(store, plan, spec.name, annotator=annotator)
    except (FormatError, StoreError) as error:
        raise InterchangeError(str(error)) from None
    except OSError as error:
        raise InterchangeError(f"{error.filename or path}: cannot be read or written ({error.strerror})") from None
    finally:
        if store is not None:
            store.close()
    return Imported(plan, [str(error) for error in errors])
