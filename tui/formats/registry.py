"""The formats ``postil export`` and ``postil import`` know, by name."""

from __future__ import annotations

import importlib
from dataclasses import dataclass


@dataclass(frozen=True)
class FormatSpec:
    """A format: where its exporter and importer live (``module:function``) and how it is written.

    ``output`` is ``"text"`` (written to a file or stdout), ``"binary"`` (needs ``--out``)
    or ``"directory"`` (one file per document under ``--out``).
    """

    name: str
    description: str
    exporter: str
    importer: str | None
    output: str = "text"
    lossless: bool = True

    def export_function(self):
        """The exporter, imported on first use."""
        return _load(self.exporter)

    def import_function(self):
        """The importer (a parser returning graphs and errors), imported on first use."""
        return _load(self.importer) if self.importer else None

    def read(self, path, store=None) -> tuple[list, list]:
        """The graphs of an import file, every value checked, and the errors of both steps.

        Only graphs that passed :func:`tui.formats.validate.check_graphs` (against the scheme
        ``store``'s database keeps, if it keeps one) are returned; the errors are in file and
        line order. The parser is given the database's ``label_scheme`` (the default scheme
        when it keeps none), as every exporter is.
        """
        from tui.formats.validate import check_graphs
        from tui.model.labels import DEFAULT_SCHEME

        own_scheme = store.own_scheme() if store is not None else None
        graphs, errors = self.import_function()(path, store=store, label_scheme=own_scheme or DEFAULT_SCHEME)
        graphs, problems = check_graphs(path, graphs, own_scheme)
        return graphs, sorted([*errors, *problems], key=lambda error: (error.path, error.line))


def _load(target: str):
    module_name, function_name = target.split(":")
    return getattr(importlib.import_module(module_name), function_name)


FORMATS: dict[str, FormatSpec] = {
    spec.name: spec
    for spec in (
        FormatSpec("prodigy", "spaCy/Prodigy task JSONL (tokens, spans, relations, answer)", "tui.formats.prodigy:export_jsonl", "tui.formats.prodigy:parse_jsonl"),
        FormatSpec("spacy", "spaCy DocBin (.spacy): doc.ents, span groups, user data", "tui.formats.docbin:export_docbin", "tui.formats.docbin:parse_docbin", output="binary"),
        FormatSpec("brat", "brat standoff: DOC.txt + DOC.ann per document and annotation.conf", "tui.formats.brat:export_brat", "tui.formats.brat:parse_brat", output="directory"),
        FormatSpec("doccano", "doccano sequence-labelling JSONL (UTF-16 offsets; claims' parts are lost)", "tui.formats.doccano:export_labels", "tui.formats.doccano:parse_labels", lossless=False),
        FormatSpec("doccano-rel", "doccano relation JSONL (entities and relations, UTF-16 offsets)", "tui.formats.doccano:export_relations", "tui.formats.doccano:parse_relations"),
        FormatSpec("conll2002", "CoNLL-2002: FORM NER, IOB2 (overlaps and claims are reported lost)", "tui.formats.conll:export_conll2002", "tui.formats.conll:parse_conll", lossless=False),
        FormatSpec("conll2003", "CoNLL-2003: FORM POS CHUNK NER, IOB1 (overlaps and claims are reported lost)", "tui.formats.conll:export_conll2003", "tui.formats.conll:parse_conll", lossless=False),
        FormatSpec("w3c", "W3C Web Annotation JSON-LD (an AnnotationPage of annotations)", "tui.formats.w3c:export_w3c", "tui.formats.w3c:parse_w3c"),
        FormatSpec("claimreview", "schema.org ClaimReview JSON-LD for claims with a verdict, checked against what Google requires (export only)", "tui.formats.publish:export_claimreview", None, lossless=False),
        FormatSpec("citron", "Citron-style quote JSON: cue, sources, contents (export only)", "tui.formats.publish:export_citron", None, lossless=False),
        FormatSpec("csv", "CSV table of claims: article title, source, URL, date; annotator, speaker, cue, text, verdict, note, evidence (export only)", "tui.formats.publish:export_csv", None, lossless=False),
    )
}
