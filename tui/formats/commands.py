"""``postil export`` and ``postil import``: move annotations to and from other tools.

Errors are one line (``file:line: reason`` for a malformed input) with exit status 2;
what a format cannot carry is counted and reported on stderr, never dropped silently.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tui.formats.interchange import FormatError, Losses, apply_import, plan_import, select_for_export
from tui.formats.registry import FORMATS
from tui.model.display import display_text

EXIT_USAGE = 2


def _error(message: str) -> int:
    print(message, file=sys.stderr)
    return EXIT_USAGE


def export_parser() -> argparse.ArgumentParser:
    """The parser for ``postil export``."""
    formats = "\n".join(f"  {spec.name:<12} {spec.description}" for spec in FORMATS.values())
    parser = argparse.ArgumentParser(
        prog="postil export",
        description="Export annotations (accepted ones unless --include-suggested) to another tool's format.",
        epilog=f"formats:\n{formats}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--format", required=True, choices=list(FORMATS), metavar="FORMAT", help="one of: " + ", ".join(FORMATS))
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--doc", action="append", metavar="ID", help="the document to export (repeatable; default: the only document)")
    which.add_argument("--all", action="store_true", help="export every document")
    parser.add_argument("--out", metavar="PATH", help="the file (or, for brat, the folder) to write; default: standard output")
    parser.add_argument("--db", default="annotations.json", help="the TinyDB file (default: ./annotations.json)")
    parser.add_argument("--include-suggested", action="store_true", help="also export model suggestions not yet reviewed (Prodigy: a second task answered 'ignore')")
    parser.add_argument("--scheme", choices=["iob1", "iob2"], help="CoNLL tag scheme (default: iob2 for conll2002, iob1 for conll2003)")
    parser.add_argument("--publisher", default="", help="ClaimReview: the fact-checking organisation's name")
    parser.add_argument("--publisher-url", default="", help="ClaimReview: the organisation's URL")
    return parser


def export_command(argv: list[str]) -> int:
    """Run ``postil export``; returns the exit status."""
    from tui.store.repository import Store
    from tui.store.storage import StoreError, atomic_write_bytes

    args = export_parser().parse_args(argv)
    spec = FORMATS[args.format]
    db = Path(args.db)
    if not db.exists():
        return _error(f"{db}: no such database (pass --db PATH)")
    try:
        store = Store(db, read_only=True)
        stored_ids = [document.doc_id for document in store.documents()]
    except StoreError as error:
        return _error(str(error))
    if args.all:
        doc_ids = stored_ids
    elif args.doc:
        missing = [doc_id for doc_id in args.doc if doc_id not in stored_ids]
        if missing:
            return _error(f"{db}: no document with id {missing[0]} (stored: {', '.join(stored_ids) or 'none'})")
        doc_ids = args.doc
    elif len(stored_ids) == 1:
        doc_ids = stored_ids
    else:
        return _error(f"{db}: holds {len(stored_ids)} documents; pass --doc ID or --all")
    if spec.output in ("binary", "directory") and not args.out:
        return _error(f"--format {spec.name} writes {'a binary file' if spec.output == 'binary' else 'a folder'}: pass --out PATH")
    losses = Losses()
    try:
        items = select_for_export(store, doc_ids, include_suggested=args.include_suggested, losses=losses)
    except StoreError as error:
        return _error(str(error))
    finally:
        store.close()
    options = {"include_suggested": args.include_suggested, "scheme": args.scheme, "publisher": args.publisher, "publisher_url": args.publisher_url}
    payload = spec.export_function()(items, losses, **options)
    out = Path(args.out) if args.out else None
    try:
        if spec.output == "directory":
            if out.exists() and not out.is_dir():
                return _error(f"{out}: exists and is not a folder")
            out.mkdir(parents=True, exist_ok=True)
            folder = out.resolve()
            # Only files directly in --out: no name with a path in it, no link there that leads elsewhere.
            outside = [name for name in payload if (out / name).resolve().parent != folder]
            if outside:
                return _error(f"{out / outside[0]}: would be written outside {out}; nothing written")
            for name, data in payload.items():
                atomic_write_bytes(out / name, data)
        elif out is not None:
            if out.is_dir():
                return _error(f"{out}: is a folder; pass a file path to --out")
            atomic_write_bytes(out, payload)
        elif sys.stdout.isatty():
            # Shown on a terminal, the article's words are data to read: never escape sequences to run.
            sys.stdout.write(display_text(payload.decode("utf-8", "replace"), keep_newlines=True))
            sys.stdout.flush()
        else:
            sys.stdout.buffer.write(payload)
            sys.stdout.flush()
    except OSError as error:
        return _error(f"{out}: cannot be written ({error.strerror})")
    count = sum(len(item.annotations) for item in items)
    print(f"exported {count} annotations from {len(items)} document(s) as {spec.name}" + (f" to {out}" if out else ""), file=sys.stderr)
    for line in losses.lines():
        print(f"not exported: {line}", file=sys.stderr)
    return 0


def import_parser() -> argparse.ArgumentParser:
    """The parser for ``postil import``."""
    importable = [name for name, spec in FORMATS.items() if spec.importer]
    parser = argparse.ArgumentParser(prog="postil import", description="Import annotations from another tool's file into the database.")
    parser.add_argument("--format", required=True, choices=importable, metavar="FORMAT", help="one of: " + ", ".join(importable))
    parser.add_argument("path", help="the file to import (for brat: a .ann file or a folder of them)")
    parser.add_argument("--db", default="annotations.json", help="the TinyDB file (default: ./annotations.json)")
    parser.add_argument("--partial", action="store_true", help="import the records that are well-formed and report the others")
    parser.add_argument("--annotator", default="", help="the annotator recorded where the file names none")
    return parser


def import_command(argv: list[str]) -> int:
    """Run ``postil import``; returns the exit status."""
    from tui.store.repository import open_store
    from tui.store.storage import StoreError

    args = import_parser().parse_args(argv)
    spec = FORMATS[args.format]
    path = Path(args.path)
    if not path.exists():
        return _error(f"{path}: no such file")
    if not (path.is_file() or (path.is_dir() and spec.output == "directory")):
        return _error(f"{path}: not a regular file")
    db = Path(args.db)
    store = None
    try:
        # The file is read against a read-only view: a refused import leaves the database and its
        # log byte for byte as they were (a writer's open would fold the log). The parser sees
        # the stored texts so that token-only formats (CoNLL) can find theirs.
        view = open_store(db, read_only=True) if db.exists() else None
        try:
            graphs, errors = spec.read(path, store=view)
        finally:
            if view is not None:
                view.close()
        if errors and not args.partial:
            more = f" (and {len(errors) - 1} more problems)" if len(errors) > 1 else ""
            return _error(f"{errors[0]}{more}; nothing imported (--partial imports the well-formed records)")
        for error in errors:
            print(f"skipped: {error}", file=sys.stderr)
        store = open_store(db, writer=True)
        plan = plan_import(store, graphs, spec.name, annotator=args.annotator)
        apply_import(store, plan, spec.name, annotator=args.annotator)
    except FormatError as error:
        return _error(str(error))
    except StoreError as error:
        return _error(str(error))
    except OSError as error:
        return _error(f"{error.filename or path}: cannot be read or written ({error.strerror})")
    finally:
        if store is not None:
            store.close()
    print(
        f"imported {plan.annotations_added} annotations, {plan.entities_added} entities and {plan.documents_added} new document(s) "
        f"from {path}; skipped {plan.skipped_existing} already there" + (f" and {len(errors)} malformed record(s)" if errors else ""),
        file=sys.stderr,
    )
    for line in plan.losses.lines():
        print(f"not imported: {line}", file=sys.stderr)
    return 0
