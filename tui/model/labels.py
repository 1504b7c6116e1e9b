"""The label scheme: which entity labels, claim types and verdicts a database uses.

A :class:`Scheme` is kept per database (in its meta table) and read by the app, the model's
suggestions and the exports. Its labels carry the key that applies each and the colour it is
drawn in; its verdicts the letter that sets each in the verdict picker and the ClaimReview
rating it stands for. ``unverified`` (no verdict yet) belongs to every scheme and has no
rating. The presets are OntoNotes (the default), CoNLL-2003 and OntoNotes with a six-step
fact-checking scale.
"""

from __future__ import annotations

from dataclasses import dataclass, field

UNVERIFIED = "unverified"
CLAIM_COLOR = "#ffd75f"
OTHER_COLOR = "#a8a8a8"
# Dates, times, numbers and products never speak ("Three said ..." has no source): neither the
# model nor the claim editor's speaker picker offers them as a claim's speaker. These are the
# model's (OntoNotes) labels; a scheme says which of its own labels may speak.
NEVER_SPEAKER_LABELS = frozenset({"DATE", "TIME", "CARDINAL", "ORDINAL", "MONEY", "PERCENT", "QUANTITY", "PRODUCT"})
# Every label the model (spaCy's en_core_web_sm, trained on OntoNotes 5) can give.
MODEL_LABELS = (
    "PERSON", "NORP", "FAC", "ORG", "GPE", "LOC", "PRODUCT", "EVENT", "WORK_OF_ART", "LAW",
    "LANGUAGE", "DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL", "CARDINAL",
)


@dataclass(frozen=True)
class Label:
    """An entity label with the key that applies it (a digit or a letter, or "" for none) and
    the colour it is drawn in."""

    name: str
    key: str
    color: str
    description: str = ""


@dataclass(frozen=True)
class Verdict:
    """A verdict with the letter that sets it in the verdict picker and its ClaimReview
    ``ratingValue`` (the worst verdict has the lowest)."""

    name: str
    key: str
    rating: int
    description: str = ""


@dataclass(frozen=True)
class Scheme:
    """A database's labels, claim types and verdict scale."""

    name: str
    labels: tuple[Label, ...]
    claim_types: tuple[str, ...] = ("quote", "reported", "assertion", "evidence")
    verdicts: tuple[Verdict, ...] = ()
    # The labels whose entities may be a claim's speaker.
    speaker_labels: frozenset[str] = frozenset()
    # What each model label becomes in this scheme; a model label not named is hidden.
    model_labels: dict[str, str] = field(default_factory=dict, hash=False, compare=True)

    def label(self, name: str) -> Label | None:
        """The label called ``name``, if the scheme has it."""
        return next((label for label in self.labels if label.name == name), None)

    @property
    def label_names(self) -> tuple[str, ...]:
        return tuple(label.name for label in self.labels)

    def label_for_key(self, key: str) -> Label | None:
        """The label bound to ``key``, if any."""
        return next((label for label in self.labels if label.key and label.key == key), None)

    def color_for(self, name: str) -> str:
        """The colour of a label; labels outside the scheme share one."""
        label = self.label(name)
        return label.color if label else OTHER_COLOR

    def may_speak(self, label: str) -> bool:
        """Whether an entity of ``label`` may be a claim's speaker."""
        return label in self.speaker_labels

    @property
    def verdict_names(self) -> tuple[str, ...]:
        """Every verdict a claim may have: ``unverified`` first, then the scale's."""
        return (UNVERIFIED, *(verdict.name for verdict in self.verdicts))

    def verdict(self, name: str) -> Verdict | None:
        return next((verdict for verdict in self.verdicts if verdict.name == name), None)

    def verdict_for_key(self, key: str) -> str | None:
        """The verdict a letter sets in the picker (``u`` is unverified unless the scale uses it)."""
        found = next((verdict.name for verdict in self.verdicts if verdict.key == key), None)
        return found or (UNVERIFIED if key == "u" else None)

    @property
    def worst_rating(self) -> int:
        return min((verdict.rating for verdict in self.verdicts), default=1)

    @property
    def best_rating(self) -> int:
        return max((verdict.rating for verdict in self.verdicts), default=1)

    def from_model(self, model_label: str) -> str | None:
        """The scheme's label for a model label, or None when the scheme hides it."""
        return self.model_labels.get(model_label) or None


ONTONOTES_LABELS = (
    Label("PERSON", "1", "#5fafff", "People, real or fictional"),
    Label("ORG", "2", "#ffaf5f", "Companies, agencies, institutions"),
    Label("GPE", "3", "#87d75f", "Countries, cities, states"),
    Label("LOC", "4", "#5fd7af", "Non-political places: regions, rivers, mountains"),
    Label("DATE", "5", "#d7af87", "Dates and periods"),
    Label("PRODUCT", "6", "#d787ff", "Products, software, vehicles"),
    Label("EVENT", "7", "#ff87af", "Named events: meetings, wars, storms"),
    Label("NORP", "8", "#afaf5f", "Nationalities, religious or political groups"),
    Label("LAW", "9", "#87afd7", "Named laws, bills and regulations"),
)
# Postil's own verdict scale; the ratings run from false (1) to true (6).
POSTIL_VERDICTS = (
    Verdict("true", "t", 6, "Accurate, nothing significant missing"),
    Verdict("mostly-true", "m", 5, "Accurate but needs clarification or context"),
    Verdict("mixed", "x", 4, "Partly accurate, partly not"),
    Verdict("misleading", "l", 3, "Accurate elements, but leaves a false impression"),
    Verdict("false", "f", 1, "Not accurate"),
    Verdict("unsupported", "s", 2, "No evidence for it was found"),
)
# The six-step scale many fact-checkers publish, true (6) to pants on fire (1).
FACTCHECK_VERDICTS = (
    Verdict("true", "t", 6, "Accurate, nothing significant missing"),
    Verdict("mostly-true", "m", 5, "Accurate but needs clarification or more information"),
    Verdict("half-true", "h", 4, "Partially accurate, leaves out details or takes things out of context"),
    Verdict("mostly-false", "o", 3, "Some truth, but ignores facts that would give a different impression"),
    Verdict("false", "f", 2, "Not accurate"),
    Verdict("pants-on-fire", "p", 1, "Not accurate and makes a ridiculous claim"),
)
_SPEAKING_ONTONOTES = frozenset(MODEL_LABELS) - NEVER_SPEAKER_LABELS

ONTONOTES = Scheme(
    name="ontonotes",
    labels=ONTONOTES_LABELS,
    verdicts=POSTIL_VERDICTS,
    speaker_labels=_SPEAKING_ONTONOTES,
    model_labels={label: label for label in MODEL_LABELS},
)
CONLL2003 = Scheme(
    name="conll2003",
    labels=(
        Label("PER", "1", "#5fafff", "People"),
        Label("ORG", "2", "#ffaf5f", "Organisations"),
        Label("LOC", "3", "#87d75f", "Locations: countries, cities, regions, places"),
        Label("MISC", "4", "#d787ff", "Other names: nationalities, events, works, laws, products"),
    ),
    verdicts=POSTIL_VERDICTS,
    speaker_labels=frozenset({"PER", "ORG"}),
    model_labels={
        "PERSON": "PER", "ORG": "ORG", "GPE": "LOC", "LOC": "LOC", "FAC": "LOC",
        "NORP": "MISC", "EVENT": "MISC", "WORK_OF_ART": "MISC", "LAW": "MISC", "LANGUAGE": "MISC", "PRODUCT": "MISC",
    },
)
FACTCHECK = Scheme(
    name="factcheck",
    labels=ONTONOTES_LABELS,
    verdicts=FACTCHECK_VERDICTS,
    speaker_labels=_SPEAKING_ONTONOTES,
    model_labels={label: label for label in MODEL_LABELS},
)
PRESETS = {scheme.name: scheme for scheme in (ONTONOTES, CONLL2003, FACTCHECK)}
DEFAULT_SCHEME = ONTONOTES


def label_for_key(key: str) -> Label | None:
    """The default scheme's label bound to ``key``, if any."""
    return DEFAULT_SCHEME.label_for_key(key)


def color_for(name: str) -> str:
    """The colour of a label of the default scheme; labels outside it share one."""
    return DEFAULT_SCHEME.color_for(name)
