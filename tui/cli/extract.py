"""``postil extract PATH...``: entity and claim suggestions printed as JSON, for scripts and batch jobs."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from tui.cli.common import CommandError, CommandParser, add_article_options, add_db_option


def extract_parser() -> CommandParser:
    """The parser for ``postil extract``."""
    parser = CommandParser(
        prog="postil extract",
        description="Print the entities and claims the model suggests for each article, as JSON. "
                    "The database's corrections (gazetteer) are applied, its cached analyses reused and its label scheme followed; "
                    "it is only read, and the default one only when it exists.",
    )
    parser.add_argument("paths", nargs="+", metavar="PATH", help="UTF-8 .txt or .md articles")
    parser.add_argument("--format", choices=("json", "jsonl", "prodigy"), default="json",
                        help="json: one object holding every document (default); jsonl: one document per line, printed as it is done; "
                             "prodigy: one Prodigy task per line, its spans not reviewed yet, which `postil import --format prodigy` "
                             "stores as suggestions")
    add_db_option(parser)
    add_article_options(parser)
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--jobs", type=positive_count, default=1, metavar="N",
                       help="analyse in N processes, each loading the model once (default: 1); the output is the same")
    where.add_argument("--dask", metavar="ADDRESS",
                       help="analyse on the workers of the Dask scheduler at ADDRESS (e.g. tcp://10.0.0.5:8786; "
                            "needs pip install 'postil[cluster]'); the output is the same")
    parser.add_argument("--quiet", action="store_true", help="no progress on stderr")
    return parser


def positive_count(value: str) -> int:
    """An ``argparse`` type: a whole number above 0."""
    try:
        count = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {value!r}") from None
    if count < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, not {value!r}")
    return count


def prodigy_task(found) -> dict:
    """One document's suggestions as a Prodigy task answered "ignore" (not reviewed yet), which
    ``postil import --format prodigy`` reads back as suggestions; sent to worker processes by name."""
    from tui.formats.interchange import ExportItem, graph_of
    from tui.formats.prodigy import task_of

    return task_of(graph_of(ExportItem(found.document, found.mentions + found.claims, found.entities)), "ignore")


def run_extract(args: argparse.Namespace) -> int:
    """Read every article first (a bad one stops with exit 2), then suggest, here, in worker
    processes or on a cluster, and print in input order."""
    from concurrent.futures.process import BrokenProcessPool

    from tui.formats.readers import ArticleError, read_article
    from tui.model.labels import DEFAULT_SCHEME
    from tui.nlp.cluster import ClusterUnavailable, extract_on_cluster
    from tui.nlp.extract import ModelUnavailable, extract_serially, print_progress, process_pipeline, records_of, write_results
    from tui.nlp.parallel import extract_in_processes
    from tui.nlp.pipeline import installed_model, load_pipeline

    documents = []
    for path in args.paths:
        try:
            documents.append((path, read_article(Path(path), encoding=args.encoding, max_mb=args.max_size)))
        except ArticleError as error:
            raise CommandError(str(error)) from None
    named = installed_model()
    if named is None:
        raise CommandError(load_pipeline()[1])  # finds nothing to load: says how to install a model
    gazetteer: list[dict] = []
    scheme = DEFAULT_SCHEME
    if Path(args.db).is_file() or args.db_named:
        from tui.store.repository import Store
        from tui.store.storage import StoreError

        if not Path(args.db).is_file():
            raise CommandError(f"{args.db}: no such database file")
        try:
            store = Store(args.db, read_only=True)
            gazetteer = store.gazetteer()
            scheme = store.scheme()
            records = records_of(documents, store, named)
        except StoreError as error:
            raise CommandError(str(error)) from None
    else:
        records = records_of(documents)
    render = prodigy_task if args.format == "prodigy" else None
    progress = print_progress if len(documents) > 1 and not args.quiet else None
    results = None
    try:
        if args.dask:
            results = extract_on_cluster(args.dask, records, gazetteer, scheme, render, progress)
        elif args.jobs > 1:
            results = extract_in_processes(records, args.jobs, gazetteer, scheme, render, progress)
        else:
            results = extract_serially(records, process_pipeline(), gazetteer, scheme, render, progress)
        write_results(results, sys.stdout.buffer, args.format, named.origin)
    except BrokenPipeError:
        # The reader went away (``postil extract ... | head``): stop quietly, as Unix tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except (ModelUnavailable, ClusterUnavailable) as error:
        raise CommandError(str(error)) from None
    except BrokenProcessPool as error:
        raise CommandError(f"a worker process stopped before its work was done (out of memory?): {error}") from None
    finally:
        if results is not None:
            results.close()  # stops the worker processes or leaves the cluster at once, also on ctrl+c
    return 0
