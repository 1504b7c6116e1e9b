"""The word lists the rules match on: labels, speech and reporting verbs, evidence nouns, roles."""

from __future__ import annotations

from tui.model.labels import NEVER_SPEAKER_LABELS  # noqa: F401 (the rules read every word list from here)

# Named things worth suggesting; counts and amounts only feed check-worthiness.
ENTITY_LABELS = {"PERSON", "ORG", "GPE", "LOC", "DATE", "PRODUCT", "EVENT", "NORP", "LAW", "FAC", "WORK_OF_ART", "LANGUAGE"}
NUMERIC_LABELS = {"CARDINAL", "PERCENT", "MONEY", "QUANTITY"}
SPEAKER_LABELS = ("PERSON", "ORG", "NORP", "GPE")
# Countries written as acronyms, which the small model takes for organisations.
COUNTRY_ACRONYMS = {"DPRK", "ROK", "PRC", "ROC", "USA", "U.S.A.", "US", "U.S.", "UK", "U.K.", "UAE", "USSR", "DRC", "KSA"}
# The last word of a place the small model may call an organisation ("NTU Hospital Station").
FACILITY_WORDS = {"Station", "Airport", "Bridge", "Square", "Street", "Avenue", "Road", "Stadium", "Tower", "Towers", "Port", "Harbour", "Harbor"}

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
    "emphasize", "emphasise", "explain", "add", "believe", "think", "agree", "tweet", "recommend", "ask", "observe",
    "find", "show",
}
# Of the reporting verbs, those that report only when their subject can be a source: "The
# researchers found that ...", not "This shows that ..." or "It found that ...".
FINDING_REPORTS = {"find", "show"}
EVIDENCE_NOUNS = {
    "study", "research", "report", "survey", "analysis", "data", "poll", "paper", "experiment",
    "investigation", "review", "statistic", "figure", "finding", "evidence", "audit", "census", "trial",
}
ROLE_WORDS = {
    "fellow", "analyst", "director", "spokesperson", "spokesman", "spokeswoman", "president", "chairman",
    "chairwoman", "chair", "ceo", "minister", "secretary", "professor", "researcher", "coach", "manager",
    "officer", "founder", "co-founder", "editor", "correspondent", "reporter", "official", "officials", "chief", "boss",
}
# "A survey ... found that ...": a study as subject of these tells what it found.
FINDING_VERBS = {
    "find", "show", "reveal", "suggest", "indicate", "conclude", "estimate", "demonstrate", "confirm", "report", "say",
    "state", "note", "warn", "predict", "document", "highlight", "project", "recommend",
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
    "investigator", "regulator", "cabinet", "congress", "parliament", "senate", "embassy", "ambassador",
    "diplomat", "army", "military", "firm", "bank", "school", "university", "hospital", "network", "newspaper", "magazine",
    "rebel", "militant", "insurgent", "soldier", "troop", "demonstrator", "striker", "fan", "owner",
    "report", "study", "survey", "paper", "poster", "blogger", "user", "writer", "petition", "statement", "letter",
}
# Singular nouns for a body that "it" can stand for ("The police force denies ... it said ...").
BODY_NOUNS = {
    "company", "firm", "agency", "ministry", "department", "government", "court", "council", "committee", "commission",
    "board", "force", "union", "party", "group", "organization", "organisation", "association", "authority",
    "administration", "municipality", "city", "bank", "school", "university", "hospital", "network", "newspaper",
    "magazine", "embassy", "army", "military", "cabinet", "congress", "parliament", "senate", "office", "manufacturer",
    "contractor", "regulator", "website", "site", "club", "team", "channel", "broadcaster", "service", "state",
    "report", "study", "survey", "statement", "letter", "paper", "trust", "charity", "foundation", "institute", "airline",
    "operator", "provider", "insurer", "retailer", "publisher", "prosecution", "campaign", "coalition", "alliance",
}
# Singular nouns for a person that "he" or "she" can stand for ("The lawyer said ... she added ...").
PERSON_NOUNS = (ROLE_WORDS - {"officials"}) | {
    "lawyer", "attorney", "judge", "prosecutor", "mayor", "governor", "senator", "leader", "father", "mother", "man",
    "woman", "doctor", "teacher", "expert", "critic", "activist", "witness", "resident", "author", "scientist",
    "spokesman", "spokeswoman", "lawmaker", "legislator", "candidate", "ambassador", "diplomat", "victim", "suspect",
    "owner", "husband", "wife", "son", "daughter", "brother", "sister", "boy", "girl", "student", "worker", "employee",
}
# What tells a person's gender, so that "he" does not stand for Helen Marsh: a title or a word
# for a relative or a role before or as the name, or a common first name. Unknown otherwise.
FEMALE_WORDS = {
    "ms", "mrs", "miss", "madam", "madame", "lady", "dame", "mother", "wife", "daughter", "sister", "grandmother",
    "aunt", "niece", "spokeswoman", "chairwoman", "congresswoman", "businesswoman", "actress", "queen", "princess",
    "girl", "woman", "mum", "mom",
}
MALE_WORDS = {
    "mr", "sir", "lord", "father", "husband", "son", "brother", "grandfather", "uncle", "nephew", "spokesman",
    "chairman", "congressman", "businessman", "king", "prince", "boy", "man", "dad",
}
FEMALE_NAMES = {
    "mary", "patricia", "jennifer", "linda", "elizabeth", "barbara", "susan", "jessica", "sarah", "karen", "lisa",
    "nancy", "betty", "margaret", "sandra", "ashley", "kimberly", "emily", "donna", "michelle", "carol", "amanda",
    "dorothy", "melissa", "deborah", "stephanie", "rebecca", "sharon", "laura", "cynthia", "kathleen", "amy",
    "angela", "anna", "anne", "ann", "helen", "emma", "olivia", "sophie", "sophia", "julia", "julie", "maria",
    "marie", "catherine", "katherine", "kate", "claire", "rachel", "hannah", "lucy", "alice", "grace", "ruth",
    "diana", "victoria", "charlotte", "caroline", "jane", "joan", "judith", "janet", "christine", "nicole", "natalie",
    "theresa", "teresa", "hillary", "kamala", "ursula", "jacinda",
    "fatima", "aisha", "leila", "lydia", "elena", "isabel", "isabella",
    "carmen", "ana", "lucia", "giulia", "francesca", "ingrid", "astrid", "greta", "monika", "petra", "irina",
    "olga", "natalia", "svetlana", "yulia", "yuki", "joy",
    "megan", "lauren", "chloe", "zoe", "ella", "mia", "ava", "nina", "eva", "vera", "rosa",
}
MALE_NAMES = {
    "james", "john", "robert", "michael", "william", "david", "richard", "joseph", "thomas", "charles", "christopher",
    "daniel", "matthew", "anthony", "mark", "donald", "steven", "paul", "andrew", "joshua", "kenneth", "kevin",
    "brian", "george", "timothy", "ronald", "edward", "jason", "jeffrey", "ryan", "jacob", "gary", "nicholas",
    "eric", "jonathan", "stephen", "larry", "justin", "scott", "brandon", "benjamin", "samuel", "frank", "gregory",
    "raymond", "alexander", "patrick", "jack", "dennis", "jerry", "tyler", "aaron", "jose", "adam", "henry",
    "nathan", "douglas", "zachary", "peter", "kyle", "walter", "ethan", "jeremy", "harold", "keith", "christian",
    "roger", "noah", "gerald", "carl", "terry", "sean", "austin", "arthur", "lawrence", "jesse", "dylan", "bryan",
    "joe", "jordan", "billy", "bruce", "albert", "willie", "gabriel", "logan", "alan", "juan", "wayne", "roy",
    "ralph", "randy", "eugene", "vincent", "russell", "elijah", "louis", "bobby", "philip", "johnny", "tom", "tim",
    "jim", "bill", "bob", "mike", "dave", "steve", "ben", "sam", "tony", "nick", "chris", "boris", "rishi",
    "emmanuel", "vladimir", "narendra", "recep", "olaf", "barack", "mohamed",
    "mohammed", "muhammad", "ahmed", "ali", "hassan", "omar", "ibrahim", "mustafa", "giuseppe", "giovanni", "marco",
    "luca", "matteo", "roberto", "claudio", "carlos", "luis", "miguel", "pedro", "javier",
    "pierre", "jacques", "francois", "hans", "klaus", "jurgen", "stefan", "ivan", "sergei", "dmitry",
    "alexei", "igor", "shinzo", "fumio", "shigeru", "hiroshi", "sergey",
    "lars", "erik", "anders", "marc",
}
