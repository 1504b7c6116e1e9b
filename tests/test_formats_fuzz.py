"""Every importer fed near-valid records with random values (wrong JSON types, offsets out of
range, unknown labels, control characters, duplicated ids, broken relations) and random lines.

Whatever the file holds, ``postil import`` exits 0 or 2 without a traceback; a refused import
leaves the database byte-identical, and after an accepted one every document still opens in
a session and every export format still runs.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import sys
import tempfile
from functools import lru_cache
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tui.cli import main
from tui.formats.interchange import Losses, select_for_export
from tui.formats.registry import FORMATS
from tui.model.annotation import CLAIM_TYPES, VERDICTS
from tui.session.annotation_session import AnnotationSession
from tui.store.repository import Store

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "formats"))
from seed import article, build_store  # noqa: E402

# Moderate on purpose (eight importers, each example a real import into a real database);
# POSTIL_FUZZ_EXAMPLES=2000 runs a longer search.
FUZZ = settings(max_examples=int(os.environ.get("POSTIL_FUZZ_EXAMPLES", "30")), deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

ARTICLE = article()
TEXTS = [ARTICLE.text, "Mayor Jane Doe said the city cut crime.", "a\r\nb c\rd", "🚀 x 東京", " ", "\x1b]52;c;QUFB\x07 hi\u202e", "x\ud800y", ""]

scalars = st.none() | st.booleans() | st.integers(-3, 200) | st.floats() | st.text(max_size=6)
json_values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3), max_leaves=6)


def maybe(valid):
    """Mostly a valid value, one time in ten any JSON value at all."""
    return st.integers(0, 9).flatmap(lambda n: json_values if n == 0 else valid)


texts = maybe(st.sampled_from(TEXTS))
offsets = maybe(st.integers(-2, 120))


@st.composite
def span_places(draw, length: int = 40) -> tuple:
    """A start and end that are mostly a span of a text of ``length``, sometimes anything."""
    start = draw(st.integers(0, length - 1))
    end = draw(st.integers(start + 1, length))
    return draw(maybe(st.just(start))), draw(maybe(st.just(end)))
labels = maybe(st.sampled_from(["PERSON", "ORG", "CLAIM", "CUE", "CONTENT", "SPEAKER", "claim", "", " ", "A B", "X\x1b[31m", "L\n"]))
ids = maybe(st.sampled_from(["a-1", "a-2", "s1", "s2", "T1", "0", ""]))
names = maybe(st.text(max_size=6))
entities = maybe(st.fixed_dictionaries({}, optional={
    "entity_id": maybe(st.sampled_from(["e-1", "e-2", ""])), "name": names, "label": labels,
    "aliases": maybe(st.lists(names, max_size=2)), "kb_id": maybe(st.sampled_from(["Q42", "", "wd:x", "\x07"])),
}))
details = st.fixed_dictionaries({}, optional={
    "id": ids, "status": maybe(st.sampled_from(["accepted", "suggested", "rejected", "maybe"])), "annotator": names,
    "entity": entities, "claim_type": maybe(st.sampled_from([*CLAIM_TYPES, "rumour"])),
    "verdict": maybe(st.sampled_from([*VERDICTS, "True", "pants"])), "checkworthiness": maybe(st.none() | st.floats(-0.5, 1.5) | st.integers(-1, 2)),
    "note": names, "evidence": maybe(st.lists(maybe(st.sampled_from(["https://e.example", "", "@x"])), max_size=2)),
    "speaker_text": names, "speaker_entity": entities, "speaker": names,
    "cue": maybe(st.none() | st.tuples(st.integers(0, 5), st.integers(6, 9)).map(list)), "content": maybe(st.lists(maybe(st.just([0, 4])), max_size=2)),
})
roles = maybe(st.sampled_from(["entity", "claim", "cue", "content", "speaker", "bogus"]))


def jsonl(records: list) -> str:
    """Records as JSON lines (NaN and Infinity included, as a careless writer would)."""
    return "".join((record if isinstance(record, str) else json.dumps(record)) + "\n" for record in records)


@st.composite
def prodigy_files(draw) -> str:
    records = []
    for _ in range(draw(st.integers(1, 3))):
        spans = draw(st.lists(maybe(st.tuples(span_places(), st.fixed_dictionaries(
            {"label": labels},
            optional={"postil": maybe(st.fixed_dictionaries({}, optional={"role": roles, "key": ids}).flatmap(lambda extra: details.map(lambda d: {**d, **extra})))},
        )).map(lambda pair: {"start": pair[0][0], "end": pair[0][1], **pair[1]})), max_size=4))
        record = {"text": draw(texts), "spans": spans}
        places = [s for s in spans if isinstance(s, dict)]
        if places and draw(st.booleans()):
            pick = st.sampled_from(places).map(lambda s: {k: s.get(k) for k in ("start", "end", "label")})
            record["relations"] = draw(st.lists(maybe(st.fixed_dictionaries({"head_span": maybe(pick), "child_span": maybe(pick), "label": maybe(st.sampled_from(["SPEAKER", "CUE", "CONTENT", "x"]))})), max_size=3))
        for key, value in draw(st.fixed_dictionaries({}, optional={"answer": maybe(st.sampled_from(["accept", "ignore", "reject", "maybe"])), "meta": maybe(st.fixed_dictionaries({}, optional={"title": names, "source": names, "doc_id": names})), "_annotator_id": names})).items():
            record[key] = value
        records.append(draw(maybe(st.just(record))))
    if draw(st.booleans()):
        records.insert(draw(st.integers(0, len(records))), draw(st.sampled_from(["{broken", "[" * 2000, "NaN", '"text"', "{}"])))
    return jsonl(records)


@st.composite
def doccano_files(draw) -> str:
    records = []
    for _ in range(draw(st.integers(1, 3))):
        labels_list = draw(maybe(st.lists(maybe(st.tuples(span_places(), labels).map(lambda pair: [*pair[0], pair[1]])), max_size=4)))
        records.append(draw(maybe(st.just({"text": draw(texts), "label": labels_list}))))
    return jsonl(records)


@st.composite
def doccano_relation_files(draw) -> str:
    records = []
    for _ in range(draw(st.integers(1, 3))):
        entity_ids = maybe(st.integers(0, 3) | st.sampled_from(["0", "1"]))
        entities_list = draw(st.lists(maybe(st.tuples(entity_ids, span_places(), labels).map(
            lambda t: {"id": t[0], "start_offset": t[1][0], "end_offset": t[1][1], "label": t[2]})), max_size=4))
        relations = draw(maybe(st.lists(maybe(st.fixed_dictionaries({"from_id": entity_ids, "to_id": entity_ids, "type": maybe(st.sampled_from(["said_by", "cue", "content", "knows"]))})), max_size=3)))
        record = {"text": draw(texts), "entities": entities_list, "relations": relations}
        if draw(st.booleans()):
            record["postil"] = draw(maybe(st.dictionaries(st.sampled_from(["0", "1", "2", "3"]), maybe(details), max_size=3)))
        for key, value in draw(st.fixed_dictionaries({}, optional={"title": names, "source": names, "doc_id": names})).items():
            record[key] = value
        records.append(draw(maybe(st.just(record))))
    return jsonl(records)


def quote_of(text: str):
    """A TextQuoteSelector on a piece of ``text`` (or on text that is not there)."""
    pieces = [text[i : i + n] for i, n in ((0, 4), (6, 8), (20, 12))] + ["not in it", ""]
    return st.fixed_dictionaries({"type": st.just("TextQuoteSelector"), "exact": maybe(st.sampled_from(pieces))}, optional={"prefix": maybe(st.sampled_from(["", "Mayor ", "x"]))})


@st.composite
def w3c_files(draw) -> str:
    items = []
    for _ in range(draw(st.integers(1, 4))):
        selectors = draw(st.lists(maybe(st.one_of(
            span_places(len(ARTICLE.text)).map(lambda place: {"type": "TextPositionSelector", "start": place[0], "end": place[1]}),
            quote_of(ARTICLE.text),
        )), max_size=2))
        target = draw(maybe(st.fixed_dictionaries({"source": maybe(st.sampled_from([ARTICLE.source, f"urn:sha256:{ARTICLE.sha256}", "urn:none"])), "selector": maybe(st.just(selectors))})))
        bodies = draw(maybe(st.lists(maybe(st.fixed_dictionaries({"purpose": maybe(st.sampled_from(["tagging", "assessing", "commenting", "linking", "identifying", "describing"]))}, optional={"value": maybe(st.sampled_from(["claim", "quote", "PERSON", "false", "note"])), "source": maybe(st.sampled_from(["https://e.example", "http://www.wikidata.org/entity/Q42"]))})), max_size=3)))
        item = {"type": draw(maybe(st.just("Annotation"))), "id": draw(maybe(st.sampled_from(["urn:a:1", "urn:a:2", "urn:a:3"]))), "target": target, "body": bodies}
        if draw(st.booleans()):
            part = st.tuples(span_places(len(ARTICLE.text)), st.fixed_dictionaries({"role": roles}, optional={"label": labels, "role_of_span": roles})).map(
                lambda pair: {"start": pair[0][0], "end": pair[0][1], **pair[1]})
            item["postil"] = draw(maybe(st.fixed_dictionaries({}, optional={
                "doc_id": maybe(st.just(ARTICLE.doc_id)), "role": roles, "label": labels, "info": maybe(details), "parts": maybe(st.lists(maybe(part), max_size=3)),
            })))
        items.append(draw(maybe(st.just(item))))
    page = draw(maybe(st.just({"type": "AnnotationPage", "items": items})))
    return json.dumps(page, indent=draw(st.sampled_from([None, 1])))


@st.composite
def conll_files(draw) -> str:
    forms = ARTICLE.text.split()[:30]
    lines = []
    index = 0
    while index < len(forms):
        choice = draw(st.integers(0, 9))
        if choice == 0 and index + 1 < len(forms):
            lines.append(f"{forms[index]}{forms[index + 1]} O")  # a token spanning a space
            index += 2
            continue
        tag = draw(st.sampled_from(["O", "B-PER", "I-PER", "B-ORG", "E-ORG", "S-LOC", "U-X", "L-PER", "Q-PER", "B-", "B-X\x1b", "I-CLAIM"]))
        columns = [forms[index], "-X-", "_", tag] if choice == 1 else [forms[index], tag]
        lines.append(" ".join(columns))
        if choice == 2:
            lines.append("")
        elif choice == 3:
            lines.append(draw(st.sampled_from(["-DOCSTART- -X- O O", "lonely", "\t", "x y z"])))
        index += 1
    if draw(st.booleans()):
        lines = draw(st.permutations(lines))
    return "\n".join(lines) + "\n"


BRAT_TEXT = "Mayor Jane Doe said the city cut crime by 20% last year.\nPolice disagreed."


@st.composite
def brat_files(draw) -> tuple[str, str]:
    text = draw(st.sampled_from([BRAT_TEXT, "a\r\nJane b", "🚀 Jane"]))
    count = draw(st.integers(1, 4))
    t_ids = st.integers(1, count + 1).map(lambda n: f"T{n}")  # T{count + 1} is not there
    lines = []
    for number in range(1, count + 1):
        start, end = draw(span_places(len(text)))
        start, end = (start, end) if isinstance(start, int) and isinstance(end, int) else (0, 1)
        label = draw(st.sampled_from(["PERSON", "PERSON", "Claim", "Claim", "Cue", "Content", "Speaker", "", "X\x1b"]))
        covered = text[start:end] if draw(st.integers(0, 9)) else "wrong"
        lines.append(f"T{number}\t{label} {start} {end}\t{covered}")
    for _ in range(draw(st.integers(0, 6))):
        kind = draw(st.integers(3, 8))
        if kind == 3:
            name = draw(st.sampled_from(["Suggested", "ClaimType", "Verdict", "CheckWorthy", "Other"]))
            value = draw(st.sampled_from(["", " quote", " rumour", " False", " true"]))
            lines.append(f"A{draw(st.integers(1, 3))}\t{name} {draw(t_ids)}{value}")
        elif kind == 4:
            reference = draw(st.sampled_from(["Postil:e-1", "Postil:", "Wikidata:Q42", "KB:x\x07", "nocolon"]))
            lines.append(f"N{draw(st.integers(1, 3))}\tReference {draw(t_ids)} {reference}\t{draw(st.sampled_from(['Jane', '', 'x']))}")
        elif kind in (5, 6):
            note_type = draw(st.sampled_from(["AnnotatorNotes", "Evidence", "Checkworthiness", "Extent", "Aliases", "Speaker", "SpeakerEntity", "Other"]))
            note = draw(st.sampled_from(["0.5", "7", "nan", "-1", "0 8", "20 55", "e-1|PERSON|Jane", "e-1||", "a|b", "", "https://e.example", "@x"]))
            lines.append(f"#{draw(st.integers(1, 3))}\t{note_type} {draw(t_ids)}\t{note}")
        elif kind == 7:
            lines.append(f"R{draw(st.integers(1, 3))}\t{draw(st.sampled_from(['Speaker', 'Cue', 'Content', 'Knows']))} Arg1:{draw(t_ids)} Arg2:{draw(t_ids)}")
        else:
            lines.append(draw(st.sampled_from(["*\tEquiv T1 T2", "E1\tEvent:T1", "X1\tbad", "R1\t", "T5\tPERSON 1;2\tx", "T6\tPERSON 0 3;4 6\tMay Ja"])))
    return text, "\n".join(lines) + "\n"


@st.composite
def spacy_files(draw) -> bytes:
    from spacy.tokens import Doc, DocBin

    docbin = DocBin(store_user_data=True)
    for _ in range(draw(st.integers(1, 2))):
        text = draw(st.sampled_from(["Mayor Jane Doe said so .", "a b c"]))
        doc = Doc(vocab(), words=text.split())
        spans = [doc[i : i + 1] for i in range(len(doc))]
        for group in ("entities", "claims", "cues"):
            doc.spans[group] = draw(st.lists(st.sampled_from(spans), max_size=2))
        if draw(st.booleans()):
            keys = draw(maybe(st.fixed_dictionaries({}, optional={g: maybe(st.lists(maybe(st.sampled_from(["s1", "s2", "s3"])), max_size=2)) for g in ("entities", "claims", "cues")})))
            info = draw(maybe(st.dictionaries(st.sampled_from(["s1", "s2", "s3"]), maybe(details), max_size=3)))
            relations = draw(maybe(st.lists(maybe(st.tuples(st.sampled_from(["s1", "s2", "s9"]), st.sampled_from(["s1", "s2"]), maybe(st.sampled_from(["speaker", "cue"]))).map(list)), max_size=2)))
            doc.user_data["postil"] = {"keys": keys, "info": info, "relations": relations, **draw(st.fixed_dictionaries({}, optional={"title": names, "doc_id": names}))}
        docbin.add(doc)
    return docbin.to_bytes()


@lru_cache(maxsize=1)
def vocab():
    """One spaCy vocabulary for every generated DocBin."""
    from spacy.vocab import Vocab

    return Vocab()


@lru_cache(maxsize=1)
def template() -> bytes:
    """The bytes of a database holding the fixture article and its annotations (built once)."""
    with tempfile.TemporaryDirectory() as folder:
        store, _ = build_store(Path(folder) / "db.json")
        store.close()
        return (Path(folder) / "db.json").read_bytes()


def database_bytes(db: Path) -> tuple:
    """The database file and its log, byte for byte."""
    return tuple(p.read_bytes() if p.exists() else None for p in (db, db.with_name(db.name + ".wal")))


def check_import(fmt: str, write, partial: bool = False) -> None:
    """Import what ``write(folder)`` puts in a folder (it returns the path to import) and check the outcome."""
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        db = folder / "db.json"
        db.write_bytes(template())
        path = write(folder)
        before = database_bytes(db)
        err = io.StringIO()
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            status = main(["import", "--format", fmt, str(path), "--db", str(db), *(["--partial"] if partial else [])])
        message = err.getvalue()
        assert status in (0, 2), message
        assert "Traceback" not in message
        if status == 2:
            assert len(message.strip().splitlines()) == 1 or partial, message
            assert database_bytes(db) == before
            return
        store = Store(db, read_only=True)
        try:
            documents = store.documents()
            for document in documents:
                AnnotationSession(store, document)
            doc_ids = [document.doc_id for document in documents]
            for spec in FORMATS.values():
                items = select_for_export(store, doc_ids, include_suggested=True, losses=Losses())
                spec.export_function()(items, Losses(), include_suggested=True, scheme=None, publisher="", publisher_url="")
        finally:
            store.close()


def write_text(content: str, name: str = "in.txt"):
    """A writer for ``check_import`` that puts ``content`` in one file."""

    def write(folder: Path) -> Path:
        path = folder / name
        path.write_text(content, encoding="utf-8", errors="surrogatepass")
        return path

    return write


@FUZZ
@given(prodigy_files(), st.booleans())
def test_prodigy_import_never_breaks(content, partial):
    check_import("prodigy", write_text(content), partial)


@FUZZ
@given(doccano_files(), st.booleans())
def test_doccano_import_never_breaks(content, partial):
    check_import("doccano", write_text(content), partial)


@FUZZ
@given(doccano_relation_files(), st.booleans())
def test_doccano_relation_import_never_breaks(content, partial):
    check_import("doccano-rel", write_text(content), partial)


@FUZZ
@given(w3c_files(), st.booleans())
def test_w3c_import_never_breaks(content, partial):
    check_import("w3c", write_text(content, "in.jsonld"), partial)


@FUZZ
@given(conll_files(), st.sampled_from(["conll2002", "conll2003"]), st.booleans())
def test_conll_import_never_breaks(content, fmt, partial):
    check_import(fmt, write_text(content, "in.conll"), partial)


@FUZZ
@given(brat_files(), st.booleans(), st.booleans())
def test_brat_import_never_breaks(files, whole_folder, partial):
    text, ann = files

    def write(folder: Path) -> Path:
        brat = folder / "brat"
        brat.mkdir()
        (brat / "doc.txt").write_bytes(text.encode("utf-8"))
        (brat / "doc.ann").write_text(ann, encoding="utf-8")
        return brat if whole_folder else brat / "doc.ann"

    check_import("brat", write, partial)


@FUZZ
@given(spacy_files(), st.booleans())
def test_spacy_import_never_breaks(content, partial):
    def write(folder: Path) -> Path:
        (folder / "in.spacy").write_bytes(content)
        return folder / "in.spacy"

    check_import("spacy", write, partial)


@FUZZ
@given(st.sampled_from([name for name, spec in FORMATS.items() if spec.importer and name != "brat"]), st.binary(max_size=200) | st.text(max_size=200).map(lambda t: t.encode("utf-8", "surrogatepass")))
def test_random_bytes_never_break_an_importer(fmt, content):
    def write(folder: Path) -> Path:
        (folder / "in.bin").write_bytes(content)
        return folder / "in.bin"

    check_import(fmt, write)
