"""The cue lexicon (``cues.toml``, with a note on where each group comes from), loaded once."""

from __future__ import annotations

import gzip
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files


@dataclass(frozen=True)
class Lexicon:
    speech: frozenset[str]
    judgement: frozenset[str]
    belief: frozenset[str]
    evidence: frozenset[str]
    relay: frozenset[str]
    objects: frozenset[str]
    prepositional: frozenset[str]
    prepositions: frozenset[str]
    intention: frozenset[str]
    intention_nouns: frozenset[str]
    attitude_verbs: frozenset[str]
    attitude_nouns: frozenset[str]
    rates: frozenset[str]
    pairs: frozenset[tuple[str, str]]  # (verb lemma, preposition): "refer to"
    appearance: frozenset[str]
    nouns: frozenset[str]
    stance_nouns: frozenset[str]
    stance_preps: frozenset[str]
    according: tuple[tuple[str, ...], ...]  # phrases as word tuples, longest first
    passive: frozenset[str]
    adverbs: frozenset[str]
    anonymous: frozenset[str]
    roles: frozenset[str]

    @property
    def verbs(self) -> frozenset[str]:
        return (
            self.speech
            | self.judgement
            | self.belief
            | self.evidence
            | self.relay
            | self.objects
            | self.prepositional
            | self.intention
        )

    def verb_group(self, lemma: str) -> str | None:
        """Which group a verb lemma belongs to (the first that has it), for rules and confidence."""
        for name in (
            "relay",
            "speech",
            "judgement",
            "evidence",
            "belief",
            "objects",
            "prepositional",
            "intention",
        ):
            if lemma in getattr(self, name):
                return name
        return None


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    raw = tomllib.loads(
        files("claimscope.analyzers.attribution").joinpath("cues.toml").read_text("utf-8")
    )
    verbs = raw["verbs"]
    phrases = sorted((tuple(p.split()) for p in raw["according"]["phrases"]), key=len, reverse=True)
    return Lexicon(
        speech=frozenset(verbs["speech"]["lemmas"]),
        judgement=frozenset(verbs["judgement"]["lemmas"]),
        belief=frozenset(verbs["belief"]["lemmas"]),
        evidence=frozenset(verbs["evidence"]["lemmas"]),
        relay=frozenset(verbs["relay"]["lemmas"]),
        objects=frozenset(verbs["object"]["lemmas"]),
        prepositional=frozenset(verbs["prepositional"]["lemmas"]),
        prepositions=frozenset(verbs["prepositional"]["prepositions"]),
        intention=frozenset(verbs["intention"]["lemmas"]) | {"hop"},
        intention_nouns=frozenset(verbs["intention"]["nouns"]),
        attitude_verbs=frozenset(verbs["attitude"]["lemmas"]),
        attitude_nouns=frozenset(verbs["attitude"]["nouns"]),
        rates=frozenset(verbs["rates"]["lemmas"]),
        pairs=frozenset((p.split()[0], p.split()[1]) for p in verbs["rates"]["pairs"]),
        appearance=frozenset(raw["agentless"]["appearance"]),
        nouns=frozenset(raw["nouns"]["lemmas"]),
        stance_nouns=frozenset(raw["stance_nouns"]["lemmas"]),
        stance_preps=frozenset(raw["stance_nouns"]["prepositions"]),
        according=tuple(phrases),
        passive=frozenset(raw["agentless"]["passive_lemmas"]),
        adverbs=frozenset(raw["agentless"]["adverbs"]),
        anonymous=frozenset(raw["speakers"]["anonymous"]),
        roles=frozenset(raw["speakers"]["roles"]),
    )


@lru_cache(maxsize=1)
def person_nouns() -> frozenset[str]:
    """Nouns that denote a person ("mother", "driver", "spokesman"), WordNet-derived.

    ``knowledge/person_nouns.txt.gz`` is coreferee 1.5.0's ``person_words.dat`` (from WordNet
    3.0, under the WordNet licence quoted in the file's header), lower-case single words only.
    """
    raw = files("claimscope.knowledge").joinpath("person_nouns.txt.gz").read_bytes()
    lines = gzip.decompress(raw).decode("utf-8").splitlines()
    return frozenset(w for w in lines if w and not w.startswith("#"))


# Heads of nouns that name an organisation ("the ministry", "the Observatory").
ORG_HEADS = frozenset(
    {
        "ministry", "military", "army", "government", "agency", "council", "committee", "court",
        "police", "company", "party", "campaign", "group", "office", "department", "administration",
        "embassy", "coalition", "organization", "organisation", "force", "forces", "navy", "command",
        "authority", "authorities", "regime", "parliament", "senate", "house", "commission", "union",
        "network", "newspaper", "channel", "outlet", "station", "service", "institute", "center",
        "centre", "foundation", "bank", "firm", "team", "board", "bureau", "mission", "movement",
        "alliance", "front", "media", "website", "magazine", "paper", "daily", "broadcaster",
        "observatory", "charity", "diocese", "church", "watchdog", "monitor", "opposition",
        "university", "school", "hospital", "club", "federation", "association", "corporation",
        "ngo", "body", "panel", "cabinet", "presidency", "kremlin", "pentagon", "legislature",
    }
)  # fmt: skip

# documents that speak for whoever issued them ("the statement said")
DOCUMENTS = frozenset(
    {
        "statement", "report", "communique", "communiqué", "release", "study", "survey", "letter",
        "document", "tweet", "post", "announcement", "memo", "paper", "findings", "analysis",
        "research", "poll", "article", "video", "footage", "record", "records", "data", "notice",
        "declaration", "message", "website", "note", "transcript", "assessment", "review",
    }
)  # fmt: skip

# collectives that speak: "the public", "residents", "the family"
GROUP_NOUNS = frozenset(
    {
        "family", "families", "public", "crowd", "staff", "people", "population", "community",
        "opposition", "regime", "media", "press", "team", "side", "camp", "west", "world", "power",
        "powers", "government", "authorities", "locals", "leadership", "majority", "minority",
        "parliament", "congress", "court", "courts", "jury", "panel", "union", "party",
    }
)  # fmt: skip


def can_speak(lemma: str, lex: Lexicon) -> bool:
    """Whether a common noun can be a source: a person, group, institution or document."""
    return (
        lemma in person_nouns()
        or lemma in ORG_HEADS
        or lemma in DOCUMENTS
        or lemma in GROUP_NOUNS
        or lemma in lex.anonymous
        or lemma in lex.roles
    )
