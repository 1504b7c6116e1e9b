"""The word lists the rules match on: labels, speech and reporting verbs, evidence nouns, roles."""

from __future__ import annotations

# Named things worth suggesting; counts and amounts only feed check-worthiness.
ENTITY_LABELS = {"PERSON", "ORG", "GPE", "LOC", "DATE", "PRODUCT", "EVENT", "NORP", "LAW", "FAC", "WORK_OF_ART", "LANGUAGE"}
NUMERIC_LABELS = {"CARDINAL", "PERCENT", "MONEY", "QUANTITY"}
SPEAKER_LABELS = ("PERSON", "ORG", "NORP", "GPE")
# Dates, times, numbers and products never speak: "Three said ..." has no source to offer.
NEVER_SPEAKER_LABELS = {"DATE", "TIME", "CARDINAL", "ORDINAL", "MONEY", "PERCENT", "QUANTITY", "PRODUCT"}

SPEECH_VERBS = {
    "say", "tell", "add", "ask", "explain", "state", "note", "write", "claim", "argue", "warn", "insist",
    "continue", "reply", "respond", "answer", "comment", "declare", "announce", "report", "suggest",
    "describe", "call", "admit", "acknowledge", "remark", "observe", "conclude", "mention", "predict",
    "urge", "confirm", "deny", "reveal", "recall", "tweet", "post", "testify", "concede", "stress",
    "emphasise", "emphasize", "complain", "joke", "quip", "promise", "vow", "caution", "contend",
    "maintain", "allege", "assert", "accuse", "characterize", "characterise", "read", "label", "term",
    "dub", "consider", "believe", "think", "reiterate", "exclaim", "yell", "shout", "plead", "demand", "recommend",
}
# Verbs whose "that"-clause is a reported statement worth checking.
REPORTING_VERBS = {
    "say", "tell", "announce", "state", "claim", "report", "warn", "argue", "insist", "suggest", "reveal",
    "confirm", "deny", "admit", "acknowledge", "note", "write", "allege", "assert", "maintain", "contend",
    "predict", "promise", "pledge", "vow", "estimate", "declare", "testify", "concede", "stress",
    "emphasize", "emphasise", "explain", "add", "believe", "think", "agree", "tweet", "recommend",
}
EVIDENCE_NOUNS = {
    "study", "research", "report", "survey", "analysis", "data", "poll", "paper", "experiment",
    "investigation", "review", "statistic", "figure", "finding", "evidence", "audit", "census", "trial",
}
ROLE_WORDS = {
    "fellow", "analyst", "director", "spokesperson", "spokesman", "spokeswoman", "president", "chairman",
    "chairwoman", "chair", "ceo", "minister", "secretary", "professor", "researcher", "coach", "manager",
    "officer", "founder", "co-founder", "editor", "correspondent", "reporter", "official", "officials",
}
# "The study focuses on ...": a study as subject of these says nothing it found.
NOT_FINDINGS = {"focus", "begin", "start", "take", "involve", "include", "use", "cost", "last", "publish", "appear"}
# Common nouns for people and bodies that can be the source of a statement ("officials urged ...").
SOURCE_NOUNS = ROLE_WORDS | {
    "official", "officer", "researcher", "scientist", "expert", "critic", "lawyer", "attorney", "police", "government",
    "court", "judge", "prosecutor", "group", "party", "union", "ministry", "department", "agency", "company",
    "organization", "organisation", "association", "authority", "council", "committee", "leader", "member",
    "spokesperson", "author", "activist", "campaigner", "protester", "protestor", "resident", "senator", "lawmaker",
    "legislator", "mayor", "governor", "municipality", "city", "administration", "commission", "board", "family",
    "supporter", "opponent", "advocate", "doctor", "teacher", "student", "worker", "employee", "player", "coach",
    "candidate", "voter", "citizen", "people", "man", "woman", "parent", "mother", "father", "source", "witness",
    "investigator", "regulator", "ministry", "cabinet", "congress", "parliament", "senate", "embassy", "ambassador",
    "diplomat", "army", "military", "firm", "bank", "school", "university", "hospital", "network", "newspaper", "magazine",
    "rebel", "militant", "insurgent", "soldier", "troop", "protester", "demonstrator", "striker", "fan", "owner",
    "report", "study", "survey", "paper", "poster", "blogger", "user", "writer", "petition", "statement", "letter",
}
# Singular nouns for a body that "it" can stand for ("The police force denies ... it said ...").
BODY_NOUNS = {
    "company", "firm", "agency", "ministry", "department", "government", "court", "council", "committee", "commission",
    "board", "force", "union", "party", "group", "organization", "organisation", "association", "authority",
    "administration", "municipality", "city", "bank", "school", "university", "hospital", "network", "newspaper",
    "magazine", "embassy", "army", "military", "cabinet", "congress", "parliament", "senate", "office", "manufacturer",
    "contractor", "regulator", "website", "site", "club", "team", "channel", "broadcaster", "service", "state",
    "report", "study", "survey", "statement", "letter", "paper",
}
# Singular nouns for a person that "he" or "she" can stand for ("The lawyer said ... she added ...").
PERSON_NOUNS = (ROLE_WORDS - {"officials"}) | {
    "lawyer", "attorney", "judge", "prosecutor", "mayor", "governor", "senator", "leader", "father", "mother", "man",
    "woman", "doctor", "teacher", "expert", "critic", "activist", "witness", "resident", "author", "scientist",
    "spokesman", "spokeswoman", "lawmaker", "legislator", "candidate", "ambassador", "diplomat", "victim", "suspect",
    "owner", "husband", "wife", "son", "daughter", "brother", "sister", "boy", "girl", "student", "worker", "employee",
}
