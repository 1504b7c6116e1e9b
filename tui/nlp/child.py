"""The model in a process of its own: spaCy runs in a spawned child that streams its analysis of
a document back one paragraph at a time, so the app's interpreter lock is never held by it.

The parent never imports spaCy: it reads the child's records from a pipe (a blocking read lets
other threads run) and assembles them into suggestions itself, with the gazetteer. Stopping
wakes the reader within :data:`POLL_SECONDS` and ends the child within :data:`STOP_SECONDS`;
the child ends by itself when the parent dies (it watches the parent, and its writes fail).
"""

from __future__ import annotations

import json
import multiprocessing
import os
import pickle
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from typing import Any

from tui.model.display import display_text
from tui.model.document import Document
from tui.nlp.pipeline import MODEL_PACKAGES, Pipeline

# How often a reader waiting on the child looks whether it was asked to stop.
POLL_SECONDS = 0.05
# How long a stopped child may take to end after SIGTERM before it is killed.
STOP_SECONDS = 1.0
PROCESS_NAME = "postil-model"
# How much lower than the app's the model's scheduling priority is (see os.nice).
CHILD_NICENESS = 10

Cancelled = Callable[[], bool]


def never() -> bool:
    """The cancel check of work nobody stops."""
    return False


class ModelStopped(Exception):
    """The model's process ended before its analysis did (killed, failed or failing to load);
    the message is one terminal-safe line for the status line."""


class AnalysisCancelled(Exception):
    """Whoever waited on the model's process asked it to stop."""


# The child's side


def analyse_in_child(sender: Any, text: str, packages: tuple[str, ...]) -> None:
    """The child's work: load the model, then send ``("ready", name, version, status)`` (or
    ``("unavailable", status)``), one ``("record", raw)`` per paragraph of ``text`` and
    ``("done",)``; ``("failed", reason)`` when the analysis raises."""
    _quiet()
    exit_with_parent()
    from tui.nlp.analysis import analyse
    from tui.nlp.pipeline import load_pipeline

    try:
        pipeline, message = load_pipeline(packages)
        if pipeline is None:
            _send(sender, "unavailable", message)
            return
        _send(sender, "ready", pipeline.name, pipeline.version, message)
        for raw in analyse(Document(text, "", ""), pipeline):
            _send(sender, "record", json.loads(json.dumps(raw)))  # as the cache holds it: the parent stores it as it is
        _send(sender, "done")
    except Exception as error:  # the parent says it on the status line; the child ends
        _send(sender, "failed", f"{type(error).__name__}: {error}")


def _quiet() -> None:
    """Keep the child off the terminal (the app owns it: a warning printed there would garble
    the screen), leave interrupts to the parent, which stops the child itself, and give way on
    a busy machine: the model is background work, the app answers keys."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(os, "nice"):
        os.nice(CHILD_NICENESS)
    if hasattr(os, "SCHED_IDLE"):  # Linux: run only where nothing else wants the core
        try:
            os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
        except OSError:
            pass
    devnull = os.open(os.devnull, os.O_RDWR)
    for descriptor in (0, 1, 2):
        os.dup2(devnull, descriptor)
    os.close(devnull)


def exit_with_parent() -> None:
    """End this spawned process as soon as its parent is gone (even killed outright), whatever it
    is doing: loading the model, or waiting for work."""
    parent = multiprocessing.parent_process()
    if parent is None:
        return

    def watch() -> None:
        parent.join()  # returns when the parent's end of the process pipe closes: it has exited
        os._exit(0)

    threading.Thread(target=watch, name="watch-parent", daemon=True).start()


def _send(sender: Any, *message: object) -> None:
    """Send one message to the parent; a write that fails means it is gone, and so is the child."""
    try:
        sender.send(message)
    except (OSError, EOFError):
        os._exit(0)


# The parent's side


class ModelProcess:
    """A spawned child analysing ``document`` with the first installed model of ``packages``."""

    def __init__(self, document: Document, packages: tuple[str, ...] = MODEL_PACKAGES) -> None:
        context = multiprocessing.get_context("spawn")
        _start_resource_tracker()
        self._receiver, sender = context.Pipe(duplex=False)
        self.process = context.Process(target=analyse_in_child, args=(sender, document.text, packages), name=PROCESS_NAME, daemon=True)
        self.process.start()
        sender.close()  # the child holds the only writing end: when it ends, reading ends
        self.pid = self.process.pid

    def receive(self, cancelled: Cancelled = never) -> tuple:
        """The child's next message; :class:`AnalysisCancelled` once ``cancelled()`` turns true,
        :class:`ModelStopped` when the child ended without a word."""
        while not self._receiver.poll(POLL_SECONDS):
            if cancelled():
                raise AnalysisCancelled
        try:
            message = self._receiver.recv()
        except (EOFError, OSError, pickle.UnpicklingError):
            raise ModelStopped(self._ending()) from None
        if message[0] == "failed":
            reason = display_text((str(message[1]).splitlines() or [""])[0])
            raise ModelStopped(f"the model stopped ({reason}); the suggestions so far are kept")
        return message

    def wait_ready(self, cancelled: Cancelled = never) -> tuple[Pipeline | None, str]:
        """The loaded model (named, its ``nlp`` left in the child) and its status line, or
        ``None`` and why there is none."""
        message = self.receive(cancelled)
        if message[0] == "ready":
            _, name, version, status = message
            return Pipeline(nlp=None, name=name, version=version), display_text(status)
        return None, display_text(message[1])

    def records(self, cancelled: Cancelled = never) -> Iterator[dict]:
        """The analysis of each paragraph, in order, as the child sends it."""
        while True:
            message = self.receive(cancelled)
            if message[0] == "done":
                return
            yield message[1]

    def _ending(self) -> str:
        """Why the child ended early, for the status line."""
        self.process.join(STOP_SECONDS)
        code = self.process.exitcode
        if code is not None and code < 0:
            try:
                how = f"killed by {signal.Signals(-code).name}"
            except ValueError:
                how = f"killed by signal {-code}"
        else:
            how = "its pipe closed" if code is None else f"exit status {code}"
        return f"the model stopped ({how}); the suggestions so far are kept"

    def stop(self) -> None:
        """End the child (SIGTERM, then SIGKILL after :data:`STOP_SECONDS`) and reap it."""
        if self.process.is_alive():
            self.process.terminate()
            self.process.join(STOP_SECONDS)
        if self.process.is_alive():
            self.process.kill()
        self.process.join()
        self._receiver.close()


def _start_resource_tracker() -> None:
    """Start multiprocessing's resource tracker (every spawned child reports to it) with a usable
    stderr: it is handed the parent's, and under a running Textual app that is a capture with
    no file (descriptor -1), which fails the start; the tracker gets /dev/null instead."""
    from multiprocessing import resource_tracker

    try:
        usable = sys.stderr is None or sys.stderr.fileno() >= 0
    except (OSError, ValueError, AttributeError):
        usable = True  # the tracker leaves an unusable stream out itself
    if usable:
        return
    with _STDERR_SWAP, open(os.devnull, "w") as devnull:
        shown, sys.stderr = sys.stderr, devnull
        try:
            resource_tracker.ensure_running()
        finally:
            sys.stderr = shown


_STDERR_SWAP = threading.Lock()


def child_suggestions(store, document: Document, gazetteer: list[dict], cancelled: Cancelled = never,
                      packages: tuple[str, ...] = MODEL_PACKAGES) -> tuple[Iterator | None, str]:
    """The document's suggestion batches made from the analysis of a :class:`ModelProcess`, and
    the model's status line; ``(None, why)`` when no model loads. As
    :func:`~tui.nlp.suggest.cached_suggestions`, the last batch carries the analysis for the
    cache (stored here when nobody takes it). Closing the batches, or ``cancelled()``, stops
    the child; a child that dies raises :class:`ModelStopped` from the batches."""
    from tui.nlp.suggest import analysis_problem, cache_key

    try:
        model = ModelProcess(document, packages)
    except OSError as error:  # no process to be had (a limit reached): the app goes on without
        return None, f"no entity suggestions: the model's process did not start ({display_text(str(error))})"
    try:
        named, message = model.wait_ready(cancelled)
    except (ModelStopped, AnalysisCancelled) as error:
        model.stop()
        return None, str(error)
    if named is None:
        model.stop()
        return None, message
    spoiled = store.cached(cache_key(document, named))
    if spoiled is not None:
        message += f"; the cached analysis was malformed ({analysis_problem(spoiled, len(document.text))}), so it is made again"
    return _streamed(model, store, document, named, gazetteer, cancelled), message


def _streamed(model: ModelProcess, store, document: Document, named: Pipeline, gazetteer: list[dict], cancelled: Cancelled) -> Iterator:
    """The batches of :func:`child_suggestions`, assembled here as the child's records come."""
    from tui.nlp.suggest import cache_key, suggestions_to_cache

    try:
        yield from suggestions_to_cache(store, document, model.records(cancelled), cache_key(document, named), gazetteer, named.origin)
    except AnalysisCancelled:
        return
    finally:
        model.stop()
