"""Import: the records a parsed file adds to the store, planned first and written in one go.

:func:`plan_import` turns the span graphs a format parsed into documents, entities and
annotations, skipping what the store already holds; :func:`apply_import` writes them in one
atomic write with a journal entry, so a failed import leaves nothing behind.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tui.formats.interchange import (
    CLAIM_FIELDS,
    PART_ROLES,
    ROLE_CLAIM,
    ROLE_CONTENT,
    ROLE_CUE,
    ROLE_ENTITY,
    ROLE_SPEAKER,
    Losses,
    Span,
    SpanGraph,
    normalize_graph,
)
from tui.model.annotation import ACCEPTED, CLAIM, ENTITY, REJECTED, SUGGESTED, Annotation, Entity, new_id, now_iso
from tui.model.claims import claim_attrs
from tui.model.document import Document
from tui.model.mentions import canonical_name
from tui.store.records import ANNOTATIONS, DOCUMENTS, ENTITIES, Change, document_record
from tui.store.repository import Store


@dataclass
class ImportPlan:
    """The changes an import makes, and what it skipped or could not read."""

    changes: list[Change] = field(default_factory=list)
    documents_added: int = 0
    annotations_added: int = 0
    entities_added: int = 0
    skipped_existing: int = 0
    losses: Losses = field(default_factory=Losses)


def plan_import(store: Store, graphs: list[SpanGraph], format_name: str, annotator: str = "") -> ImportPlan:
    """The records that importing ``graphs`` adds to ``store``; what is already there is skipped.

    A document is matched by its content (so re-importing an export finds the original);
    annotations already stored with the same kind, label and span are skipped.
    """
    plan = ImportPlan()
    # Ids are kept from the file unless another record already has them.
    stored_ids = [document.doc_id for document in store.documents()]
    known_entity_ids = {entity.entity_id for doc_id in stored_ids for entity in store.entities(doc_id)}
    known_annotation_ids = {annotation.id for doc_id in stored_ids for annotation in store.annotations(doc_id)}
    # Several graphs may describe one document (e.g. Prodigy's accepted and ignored tasks).
    builders: dict[str, _GraphImporter] = {}
    present: dict[str, set] = {}
    for graph in graphs:
        graph = normalize_graph(graph)
        for reason, count in graph.unsupported.items():
            plan.losses.add(reason, count)
        document = Document(text=graph.text, title=graph.title, source=graph.source)
        builder = builders.get(document.doc_id)
        if builder is None:
            stored = store.document(document.doc_id)
            if stored is None:
                document.added = now_iso()
                if graph.doc_id and graph.doc_id != document.doc_id:
                    document.meta["imported_as"] = graph.doc_id
                plan.changes.append(Change(DOCUMENTS, document.doc_id, document_record(document)))
                plan.documents_added += 1
                existing: list[Annotation] = []
                entities: dict[str, Entity] = {}
            else:
                document = stored
                existing = store.annotations(document.doc_id)
                entities = {entity.entity_id: entity for entity in store.entities(document.doc_id)}
            builder = _GraphImporter(document, entities, known_entity_ids, known_annotation_ids, format_name, annotator, plan.losses)
            builders[document.doc_id] = builder
            present[document.doc_id] = {(a.kind, a.label, a.start, a.end) for a in existing}
        seen = present[document.doc_id]
        for annotation in builder.annotations(graph):
            identity = (annotation.kind, annotation.label, annotation.start, annotation.end)
            if identity in seen:
                plan.skipped_existing += 1
                continue
            seen.add(identity)
            plan.changes.append(Change(ANNOTATIONS, annotation.id, annotation.to_record()))
            plan.annotations_added += 1
    for builder in builders.values():
        for entity in builder.new_entities():
            plan.changes.append(Change(ENTITIES, entity.entity_id, entity.to_record()))
            plan.entities_added += 1
    return plan


class _GraphImporter:
    """Builds annotations and entities for one document from one graph."""

    def __init__(self, document: Document, entities: dict[str, Entity], known_entity_ids: set, known_annotation_ids: set, format_name: str, annotator: str, losses: Losses) -> None:
        self.document = document
        self.losses = losses
        self.entities = entities
        self.known_entity_ids = known_entity_ids
        self.known_annotation_ids = known_annotation_ids
        self.origin = f"import:{format_name}"
        self.annotator = annotator
        self.created: dict[str, Entity] = {}
        self.used: set[str] = set()
        self.renamed: dict[str, str] = {}
        self.by_name = {}
        for entity in entities.values():
            self.by_name.setdefault((entity.name, entity.label), entity)

    def new_entities(self) -> list[Entity]:
        """The entities created for this document that some annotation uses."""
        return [entity for entity_id, entity in self.created.items() if entity_id in self.used]

    def entity(self, info: dict | None, text: str, label: str) -> Entity:
        """The entity ``info`` describes (or the mention's text names), reused where it exists."""
        info = info or {}
        wanted_id = info.get("entity_id") or ""
        if self.renamed.get(wanted_id, wanted_id) in self.entities:
            return self.entities[self.renamed.get(wanted_id, wanted_id)]
        name = info.get("name") or canonical_name(text)
        label = info.get("label") or label
        same = self.by_name.get((name, label))
        if same is not None:
            return same
        # Keep the file's id unless another document's entity already has it.
        entity_id = wanted_id if wanted_id and wanted_id not in self.known_entity_ids else new_id("e")
        if wanted_id:
            self.renamed[wanted_id] = entity_id
        entity = Entity(doc_id=self.document.doc_id, name=name, label=label, entity_id=entity_id, aliases=list(info.get("aliases") or []), kb_id=info.get("kb_id") or "")
        self.entities[entity_id] = entity
        self.by_name.setdefault((name, label), entity)
        self.created[entity_id] = entity
        self.known_entity_ids.add(entity_id)
        return entity

    def _annotation(self, span: Span, kind: str, label: str, attrs: dict) -> Annotation:
        info = span.info
        status = info.get("status") if info.get("status") in (ACCEPTED, SUGGESTED, REJECTED) else ACCEPTED
        annotation_id = info.get("id") if isinstance(info.get("id"), str) and info.get("id") not in self.known_annotation_ids else new_id()
        self.known_annotation_ids.add(annotation_id)
        return Annotation.on_text(
            self.document.doc_id, self.document.text, kind, label, span.start, span.end,
            status=status, origin=self.origin, annotator=info.get("annotator") or self.annotator, id=annotation_id, attrs=attrs,
        )

    def annotations(self, graph: SpanGraph) -> list[Annotation]:
        """The annotations of the graph's entity and claim spans."""
        text = self.document.text
        result = []
        mention_entity: dict[str, str] = {}
        understood = [r for r in graph.relations if r.type in PART_ROLES and graph.span(r.head) is not None and graph.span(r.head).role == ROLE_CLAIM]
        self.losses.add("relations that are not a claim's speaker, cue or content", len(graph.relations) - len(understood))
        attached = {r.child for r in understood}
        self.losses.add("cue, content or speaker spans attached to no claim", sum(1 for s in graph.spans if s.role in PART_ROLES and s.key not in attached))
        for span in graph.spans:
            if span.role == ROLE_ENTITY:
                entity = self.entity(span.info.get("entity"), text[span.start : span.end], span.label)
                mention_entity[span.key] = entity.entity_id
                self.used.add(entity.entity_id)
                result.append(self._annotation(span, ENTITY, span.label, {"entity_id": entity.entity_id}))
        for span in graph.spans:
            if span.role != ROLE_CLAIM:
                continue
            info = span.info
            self.losses.add("claim speakers, cues and contents given as values (they are read from spans and relations)", sum(1 for key in ("speaker", "speaker_span", "cue", "content") if info.get(key)))
            claim_type = info.get("claim_type") or "assertion"
            attrs = claim_attrs(span.start, span.end, **{"claim_type": claim_type, **claim_fields(info)})
            cues = graph.parts_of(span.key, ROLE_CUE)
            if cues:
                attrs["cue"] = [cues[0].start, cues[0].end]
            contents = graph.parts_of(span.key, ROLE_CONTENT)
            if contents:
                attrs["content"] = [[part.start, part.end] for part in contents]
            speakers = graph.parts_of(span.key, ROLE_SPEAKER)
            if speakers:
                attrs["speaker_span"] = [speakers[0].start, speakers[0].end]
            if "speaker_entity" in info:
                speaker_entity = self.entity(info["speaker_entity"], "", "")
                self.used.add(speaker_entity.entity_id)
                attrs["speaker"] = speaker_entity.entity_id
            elif "speaker_text" in info:
                attrs["speaker"] = info["speaker_text"]
            elif speakers:
                attrs["speaker"] = mention_entity.get(speakers[0].key) or " ".join(text[speakers[0].start : speakers[0].end].split())
            result.append(self._annotation(span, CLAIM, claim_type, attrs))
        return result


def claim_fields(info: dict) -> dict:
    """The claim details in ``info`` (checked by :func:`tui.formats.validate.check_graphs`)."""
    fields = {name: info[name] for name in CLAIM_FIELDS if name in info}
    if "evidence" in fields:
        fields["evidence"] = list(fields["evidence"])  # msgpack (DocBin user data) gives tuples
    return fields


def apply_import(store: Store, plan: ImportPlan, format_name: str, annotator: str = "") -> None:
    """Write the whole import in one atomic write, with a journal entry for the record."""
    if not plan.changes:
        return
    journal = store.append_journal(f"import:{format_name}", plan.changes, [None] * len(plan.changes), annotator)
    store.apply([*plan.changes, journal])
