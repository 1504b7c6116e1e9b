"""``postil extract --jobs N``: the documents analysed in N worker processes, printed as one process prints them.

Workers are spawned (a fresh interpreter each, never a fork of a parent holding a model or
threads) and load the model once, on their first piece of work. Documents go out in pieces of
consecutive records, a piece to whichever worker is free, and the results come back in input
order, so the output is the same byte for byte as with one process.
"""

from __future__ import annotations

import multiprocessing
import signal
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor, as_completed

from tui.model.labels import Scheme
from tui.nlp.child import exit_with_parent
from tui.nlp.extract import Render, extract_partition
from tui.nlp.pipeline import BATCH_CHARACTERS

# A piece holds consecutive documents up to this many characters (or one longer document), the
# model's own batch (a few tenths of a second of work): short articles go out a few at a time, and
# the last pieces are small enough that no worker idles long while another finishes.
PIECE_CHARACTERS = BATCH_CHARACTERS

Progress = Callable[[int, int, str], None]


def pieces_of(records: list[dict], characters: int = PIECE_CHARACTERS) -> list[list[dict]]:
    """``records`` in consecutive pieces of at most ``characters`` characters of text (a longer
    record is a piece of its own)."""
    pieces: list[list[dict]] = []
    size = 0
    for record in records:
        length = len(record.get("text") or "")
        if not pieces or size + length > characters:
            pieces.append([])
            size = 0
        pieces[-1].append(record)
        size += length
    return pieces


def in_input_order(futures: list, completed: Iterable, pieces: list[list[dict]], progress: Progress | None = None) -> Iterator[dict]:
    """The results of ``futures`` (one per piece, in input order; any futures with ``result()``:
    a process pool's or a cluster's), each yielded once it and every one before it is done.
    ``completed`` yields the futures as they finish; ``progress`` is told ``(done, total, path)``
    for each document of a finished piece."""
    number_of = {future: number for number, future in enumerate(futures)}
    total = sum(len(piece) for piece in pieces)
    finished: dict[int, list[dict]] = {}
    done = 0
    next_number = 0
    for future in completed:
        number = number_of[future]
        finished[number] = future.result()
        for record in pieces[number]:
            done += 1
            if progress is not None:
                progress(done, total, str(record.get("path", "")))
        while next_number in finished:
            yield from finished.pop(next_number)
            next_number += 1


_job: tuple = ()


def _start_worker(gazetteer: list[dict], scheme: Scheme, render: Render | None) -> None:
    """A worker's start: keep what every document needs; ctrl+c is the parent's to handle (it
    stops the workers), so a worker never prints a traceback for it; and leave when the parent
    is gone, even killed outright, rather than wait for work forever."""
    global _job
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _job = (gazetteer, scheme, render)
    exit_with_parent()


def _extract_piece(records: list[dict]) -> list[dict]:
    return extract_partition(records, *_job)


def _stop_workers(pool: ProcessPoolExecutor) -> None:
    """Stop the pool's workers at once, work in progress included, then wait for the pool's own
    thread to see them gone: an exit racing with that thread can print a traceback (Python 3.11).
    Python 3.14 has a method for the stopping; before, the worker processes and the thread are
    only reachable through the pool's own attributes."""
    manager = getattr(pool, "_executor_manager_thread", None)
    terminate = getattr(pool, "terminate_workers", None)
    if terminate is not None:
        terminate()
    else:
        processes = list((getattr(pool, "_processes", None) or {}).values())  # shutdown forgets them
        pool.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            process.terminate()
    if manager is not None:
        manager.join(timeout=10)


def extract_in_processes(records: list[dict], jobs: int, gazetteer: list[dict] | None = None, scheme: Scheme | None = None,
                         render: Render | None = None, progress: Progress | None = None) -> Iterator[dict]:
    """The results of ``records`` (as :func:`~tui.nlp.extract.extract_partition` gives them), in
    input order, worked out by ``jobs`` spawned processes, which are stopped when the results are
    all in or the caller stops early (an error, ctrl+c, the reader of the output gone)."""
    pieces = pieces_of(records)
    if not pieces:
        return
    pool = ProcessPoolExecutor(max_workers=min(jobs, len(pieces)), mp_context=multiprocessing.get_context("spawn"),
                               initializer=_start_worker, initargs=(gazetteer or [], scheme, render))
    try:
        futures: list[Future] = [pool.submit(_extract_piece, piece) for piece in pieces]
        yield from in_input_order(futures, as_completed(futures), pieces, progress)
    finally:
        # Once every result is in, a worker has nothing left to lose: stopping it spares the
        # second or so an interpreter holding a model takes to wind down.
        _stop_workers(pool)
