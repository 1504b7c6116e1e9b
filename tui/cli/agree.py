"""``postil agree``: how far the annotators of a database agree (span F1, Cohen's κ, Krippendorff's
α; claims' sentences, speakers and verdicts; knowledge-base ids), as tables, Markdown or JSON.

The figures are :mod:`tui.session.agreement`'s; this module only lays them out. Every name from
the database is made terminal-safe (Markdown's ``|`` escaped too), and no colour is used at all.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from tui.cli.common import CommandError, CommandParser, add_db_option, reading_database, write_out
from tui.model.display import display_text, plural

NOTHING = "—"  # a figure that is undefined (no units, or chance agreement certain)


def agree_parser() -> CommandParser:
    """The parser for ``postil agree``."""
    parser = CommandParser(prog="postil agree", description="How far the annotators of a database agree: entity span F1 (exact and "
                           "overlapping), Cohen's kappa per pair and Krippendorff's alpha over tokens, per label and overall; which "
                           "sentences are claims, their speakers and verdicts; knowledge-base ids.")
    add_db_option(parser)
    parser.add_argument("--doc", metavar="REF", action="append", help="one document: its id, the start of its id or a unique part of its title (repeatable)")
    parser.add_argument("--format", choices=("text", "md", "json"), default="text", help="tables (the default), Markdown or JSON")
    parser.add_argument("--with-curation", action="store_true", help="count the curated version (annotator 'curation') as one more annotator")
    return parser


def run_agree(args: argparse.Namespace) -> int:
    """Print the agreement figures (the file is only read: no lock is taken and nothing is written)."""
    from tui.session.agreement import agreement_snapshot, annotators_of, compute_agreement
    from tui.session.corpus import CorpusError, find_document

    db = Path(args.db)
    with reading_database(db, CorpusError) as store:
        doc_ids = [find_document(store, ref) for ref in args.doc] if args.doc else None
        works = agreement_snapshot(store, doc_ids, with_curation=args.with_curation)
        scheme = store.scheme()
    annotators = annotators_of(works)
    if len(annotators) < 2:
        found = f" ({', '.join(display_text(name) for name in annotators)})" if annotators else ""
        raise CommandError(f"{display_text(str(db))}: agreement needs two or more annotators with accepted work, and it has {len(annotators)}{found}", status=1)
    agreement = compute_agreement(works, scheme.label_names)
    where = str(db.resolve())
    if args.format == "json":
        write_out(json.dumps({"database": where, **agreement.as_json()}, ensure_ascii=False, indent=1) + "\n")
        return 0
    heading = (f"Agreement in {display_text(where)}: {agreement.documents_line()}; "
               f"annotators: {', '.join(display_text(name) for name in agreement.annotators)}")
    render = markdown if args.format == "md" else text_tables
    write_out(render(heading, sections(agreement)))
    return 0


def figure(value: float | None) -> str:
    return NOTHING if value is None else f"{value:.3f}"


def counted(counts) -> str:
    """An F1 with the counts behind it: both / only the first / only the second."""
    return f"{figure(counts.f1)} ({counts.both}/{counts.only_a}/{counts.only_b})"


def of(part: int, whole: int) -> str:
    return f"{part} of {whole}" + (f" ({100 * part / whole:.0f}%)" if whole else "")


def sections(agreement) -> list[tuple[str, list[str], list[list[str]]]]:
    """The tables: (title, column headings, rows of cells), names made terminal-safe."""
    pairs = agreement.pairs
    names = [f"{display_text(p.a)} · {display_text(p.b)}" for p in pairs]
    labels = ("", *agreement.labels)
    tokens = [[label or "overall", figure(agreement.alpha if not label else agreement.label_alpha[label]),
               *(figure(p.kappa if not label else p.label_kappa[label]) for p in pairs)] for label in labels]
    tokens.append(["tokens", str(agreement.tokens), *(str(p.tokens) for p in pairs)])
    tokens.append(["documents", str(agreement.documents_compared), *(str(p.documents) for p in pairs)])
    spans = [[name, label or "overall", counted(p.exact_overall if not label else p.exact[label]),
              counted(p.overlap_overall if not label else p.overlap[label])] for name, p in zip(names, pairs) for label in labels]
    for label in labels:
        (exact_mean, exact), (overlap_mean, overlap) = agreement.span_group("exact", label), agreement.span_group("overlap", label)
        spans.append(["group: mean of pairs", label or "overall", figure(exact_mean), figure(overlap_mean)])
        spans.append(["group: pooled", label or "overall", counted(exact), counted(overlap)])
    claims = [[name, f"{figure(p.sentence_kappa)} ({p.sentences})", of(p.speakers_same, p.speakers_compared),
               f"{figure(p.verdict_kappa)} ({plural(p.claims_matched, 'claim')})"] for name, p in zip(names, pairs)]
    claims.append(["group", f"α {figure(agreement.sentence_alpha)} ({agreement.sentences})", of(*agreement.speakers),
                   f"mean κ {figure(agreement.verdict_kappa)}"])
    kb = [[name, of(p.kb_same, p.kb_compared), str(p.entities_matched)] for name, p in zip(names, pairs)]
    kb.append(["group", of(*agreement.kb_ids), str(sum(p.entities_matched for p in pairs))])
    return [
        ("Tokens: Krippendorff's α (every annotator) and Cohen's κ (each pair); a token's value is its entity label or O "
         "(in a label's row: that label or not); the last rows count the tokens and documents behind each figure",
         ["label", "α", *(f"κ {name}" for name in names)], tokens),
        ("Entity spans: F1 (marked by both / only the first / only the second), exact and overlapping", ["pair", "label", "exact", "overlapping"], spans),
        ("Claims: κ of which sentences are claims (sentences), same speaker (claims either gave one), κ of verdicts (claims both marked)",
         ["pair", "sentences κ", "same speaker", "verdict κ"], claims),
        ("Knowledge-base ids of the entities both marked, where both gave one", ["pair", "same id", "entities matched"], kb),
    ]


def text_tables(heading: str, tables: list[tuple[str, list[str], list[list[str]]]]) -> str:
    """The tables as aligned columns of plain text."""
    lines = [heading]
    for title, header, rows in tables:
        widths = [max(len(row[i]) for row in (header, *rows)) for i in range(len(header))]
        lines += ["", title, "  ".join(cell.ljust(width) for cell, width in zip(header, widths)).rstrip()]
        lines += ["  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip() for row in rows]
    return "\n".join(lines) + "\n"


def markdown(heading: str, tables: list[tuple[str, list[str], list[list[str]]]]) -> str:
    """The tables in Markdown (``|`` and ``\\`` in a cell escaped, so a name cannot break a table)."""

    def row(cells: list[str]) -> str:
        return "| " + " | ".join(cell.replace("\\", "\\\\").replace("|", "\\|") for cell in cells) + " |"

    lines = [f"# {heading}"]
    for title, header, rows in tables:
        lines += ["", f"## {title}", "", row(header), "|" + "|".join(" --- " for _ in header) + "|", *(row(cells) for cells in rows)]
    return "\n".join(lines) + "\n"
