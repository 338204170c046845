"""Who a source mention refers to: "he" -> Bashar Ja'afari, "the ministry" -> Russia's Defense Ministry.

Rule-based, in the order a careful reader would go: a name in the mention itself (the proper-noun
run at its head, or an apposition: "Syria's official news agency SANA" -> SANA); a surname known
from a fuller name earlier ("Muallem" -> Walid al-Muallem); a role noun that an earlier name
carried as its title ("the ambassador" -> the person introduced as "Ambassador ... Bashar Ja'afari");
an organisation noun used before with a fuller name ("the defense ministry" -> "Russia's Defense
Ministry"); pronouns to the most recent compatible speaker or person. Unnamed sources ("a source",
"officials") are typed ``anonymous``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Doc, Token
from spacy.tokens import Span as SpacySpan

from claimscope.analyzers.attribution.lexicon import Lexicon
from claimscope.analyzers.entities import surname
from claimscope.model import Entity, Speaker

_PERSON_PRONOUNS = frozenset({"he", "she", "him", "her"})
_GROUP_PRONOUNS = frozenset({"they", "them", "we"})
_ORG_HEADS = frozenset(
    {
        "ministry", "military", "army", "government", "agency", "council", "committee", "court",
        "police", "company", "party", "campaign", "group", "office", "department", "administration",
        "embassy", "coalition", "organization", "organisation", "force", "forces", "navy", "command",
        "authority", "authorities", "regime", "parliament", "senate", "house", "commission", "union",
        "network", "newspaper", "channel", "outlet", "station", "service", "institute", "center",
        "centre", "foundation", "bank", "firm", "team", "board", "bureau", "mission", "movement",
        "alliance", "front", "media", "website", "magazine", "paper", "daily", "broadcaster",
    }
)  # fmt: skip
_TITLE_WORDS = frozenset(
    {"foreign", "defense", "defence", "prime", "interior", "deputy", "vice", "former", "acting"}
)
_DETERMINERS = re.compile(
    r"^(the|a|an|this|that|these|those|another|some|several|two|three)\s+", re.I
)


@dataclass
class Known:
    """A speaker resolved earlier, where it was mentioned, and how (for anaphora)."""

    speaker: Speaker
    position: int
    head_lemma: str
    roles: frozenset[str]


class Resolver:
    def __init__(self, doc: Doc, entities: list[Entity], lex: Lexicon) -> None:
        self.doc = doc
        self.lex = lex
        self.entities = entities
        self._by_char: dict[int, Entity] = {}
        for e in entities:
            for m in e.mentions:
                for i in range(m.start, m.end):
                    self._by_char.setdefault(i, e)
        self.known: list[Known] = []
        self._index_people()

    # ---- what the document offers before any attribution

    def _index_people(self) -> None:
        """Every named person in the text with the role words in their mention."""
        for e in self.entities:
            if e.type != "PERSON":
                continue
            for m in e.mentions:
                span = self.doc.char_span(m.start, m.end, alignment_mode="expand")
                if span is None:
                    continue
                roles = self._roles(span.root)
                self.known.append(
                    Known(
                        Speaker(name=e.name, entity=e.id, type="PERSON"),
                        m.start,
                        span.root.lemma_.lower(),
                        roles,
                    )
                )
        # proper-noun runs the model did not tag as people but that carry a role title
        for t in self.doc:
            if t.pos_ == "PROPN" and t.dep_ not in ("compound", "flat"):
                roles = self._roles(t)
                if roles and not self._entity_at(t, "PERSON"):
                    name = self._name_run(t)
                    if len(name.split()) >= 2:
                        self.known.append(
                            Known(
                                Speaker(name=name, entity=self._entity_id(t), type="PERSON"),
                                t.idx,
                                t.lemma_.lower(),
                                roles,
                            )
                        )
        self.known.sort(key=lambda k: k.position)

    def _roles(self, head: Token) -> frozenset[str]:
        """Role words in the mention a head stands for ("Foreign Minister", "Ambassador to ...")."""
        top = head
        while top.dep_ in ("pobj", "prep", "compound", "appos") and top.head.i != top.i:
            top = top.head  # "Ambassador to the UN Bashar Ja'afari": the title is an ancestor
        words = {c.lemma_.lower() for c in top.subtree if c.i <= head.i}
        return frozenset(w for w in words if w in self.lex.roles)

    def _entity_at(self, t: Token, label: str | None = None) -> Entity | None:
        e = self._by_char.get(t.idx)
        if e is not None and (label is None or e.type == label):
            return e
        return None

    def _entity_id(self, t: Token) -> str | None:
        e = self._entity_at(t)
        return e.id if e else None

    def _name_run(self, head: Token) -> str:
        """The proper-noun run ending at ``head``: "Bashar Ja'afari", "Walid al-Muallem"."""
        doc = self.doc
        start = head.i
        while start > 0:
            prev = doc[start - 1]
            if prev.pos_ == "PROPN" and prev.dep_ in ("compound", "flat", "nmod", "amod"):
                start -= 1
            elif (
                prev.text in ("-", "'")
                and start > 1
                and doc[start - 2].pos_ in ("PROPN", "X", "NOUN")
                and not prev.whitespace_
            ):
                start -= 2  # "al-" in "al-Muallem"
            else:
                break
        # title words and an organisation's acronym are not part of a name: "Foreign Minister
        # Walid al-Muallem", "the UN Bashar Ja'afari" (as the small model often runs them together)
        while start < head.i and (
            doc[start].lemma_.lower() in self.lex.roles | _TITLE_WORDS
            or (doc[start].text.isupper() and len(doc[start].text) <= 5 and head.i - start >= 2)
        ):
            start += 1
        return doc[start : head.i + 1].text

    # ---- resolution

    def resolve(self, mention: SpacySpan) -> Speaker | None:
        """The speaker a mention refers to; None for a pronoun with nothing to refer back to."""
        speaker = self._resolve(mention)
        if speaker is None:
            return None
        root = mention.root
        roles = frozenset(t.lemma_.lower() for t in mention if t.lemma_.lower() in self.lex.roles)
        self.known.append(Known(speaker, mention.start_char, root.lemma_.lower(), roles))
        self.known.sort(key=lambda k: k.position)
        return speaker

    def _before(self, position: int) -> list[Known]:
        return [k for k in self.known if k.position < position]

    def _resolve(self, mention: SpacySpan) -> Speaker | None:
        root = mention.root
        low = root.lower_
        if root.pos_ == "PRON":
            return self._pronoun(low, mention.start_char)
        if any(t.dep_ == "cc" for t in mention):  # "Damascus and Moscow"
            types = {self._type_of(t) for t in mention if t.dep_ == "conj" or t.i == root.i}
            return Speaker(
                name=_clean(mention.text), type=types.pop() if len(types) == 1 else "group"
            )
        for c in root.children:  # an apposition names the source: "the official news agency SANA"
            if c.dep_ == "appos" and c.pos_ == "PROPN":
                return self._named(c, org_hint=root.lemma_.lower() in _ORG_HEADS)
        person = self._titled_person(mention)
        if person is not None:
            return person
        lemma = root.lemma_.lower()
        if root.pos_ == "PROPN" and lemma not in _ORG_HEADS:
            return self._named(root, mention)
        if lemma in self.lex.roles:  # "the ambassador": the person who carried that title
            for k in reversed(self._before(mention.start_char)):
                if lemma in k.roles and k.speaker.type == "PERSON":
                    return k.speaker
        grouped = self._entity_at(root, "ORG")
        if grouped is not None and not any(c.dep_ == "poss" for c in root.children):
            # "the (defense) ministry" that the entities analyzer joined to its organisation
            return Speaker(name=grouped.name, entity=grouped.id, type="ORG")
        owner = any(
            c.dep_ == "poss"
            or (c.dep_ in ("compound", "amod", "nmod") and self._entity_at(c) is not None)
            for c in root.children
        )
        if not owner:  # "the (defense) ministry": the organisation named so before
            words = {
                c.lower_ for c in root.children if c.dep_ in ("compound", "amod") and not c.is_stop
            }
            for k in reversed(self._before(mention.start_char)):
                if (
                    k.head_lemma == lemma
                    and k.speaker.type in ("ORG", "GPE", "NORP")
                    and all(w in k.speaker.name.lower() for w in words)
                ):
                    return k.speaker
            if lemma in self.lex.anonymous:
                return Speaker(name=_clean(mention.text), type="anonymous")
        typ = "ORG" if lemma in _ORG_HEADS else self._type_of(root)
        ent = self._entity_id(root)  # "Russia's military" is not the entity Russia
        return Speaker(name=_clean(mention.text), entity=ent, type=typ)

    def _titled_person(self, mention: SpacySpan) -> Speaker | None:
        """ "Syria's Ambassador to the UN Bashar Ja'afari": the name after the title is the speaker."""
        if not any(t.lemma_.lower() in self.lex.roles for t in mention):
            return None
        last = mention[-1]
        if last.pos_ != "PROPN" or last.lemma_.lower() in self.lex.roles | _ORG_HEADS:
            return None
        e = self._entity_at(last, "PERSON")
        if e is not None:
            return Speaker(name=e.name, entity=e.id, type="PERSON")
        run = self._name_run(last).split()
        if len(run) < 2:
            return None
        name = " ".join(run)
        for k in self.known:
            if k.speaker.type == "PERSON" and (
                k.speaker.name == name or k.speaker.name.endswith(" " + run[-1])
            ):
                return k.speaker
        return Speaker(name=name, type="PERSON")

    def _named(
        self, head: Token, mention: SpacySpan | None = None, org_hint: bool = False
    ) -> Speaker:
        """A mention whose head is a proper noun: an entity, a known person's surname, or the run."""
        e = self._entity_at(head)
        if e is not None and e.type == "PERSON":
            return Speaker(name=e.name, entity=e.id, type="PERSON")
        run = self._name_run(head)
        if len(run.split()) == 1:  # a surname: the one person whose name ends with it
            word = surname(run)
            people = {
                k.speaker.name: k.speaker
                for k in self.known
                if k.speaker.type == "PERSON" and surname(k.speaker.name) == word
            }
            if len(people) == 1:
                return next(iter(people.values()))
        possessed = mention is not None and any(c.dep_ == "poss" for c in head.children)
        if e is not None:
            if possessed and mention is not None:  # "Russia's Defense Ministry"
                return Speaker(name=_clean(mention.text), entity=e.id, type=e.type)
            return Speaker(name=e.name, entity=e.id, type=e.type)
        if org_hint or head.lemma_.lower() in _ORG_HEADS or (run.isupper() and len(run) >= 2):
            name = _clean(mention.text) if possessed and mention is not None else run
            return Speaker(name=name, type="ORG")
        if possessed and mention is not None:
            return Speaker(name=_clean(mention.text), type="unknown")
        return Speaker(name=run, type="PERSON" if len(run.split()) >= 2 else "unknown")

    def _pronoun(self, low: str, position: int) -> Speaker | None:
        before = self._before(position)
        if low in _PERSON_PRONOUNS:
            for k in reversed(before):
                if k.speaker.type == "PERSON":
                    return k.speaker
            return None
        if low == "it":
            for k in reversed(before):
                if k.speaker.type == "ORG":
                    return k.speaker
        elif low in _GROUP_PRONOUNS and before and _plural(before[-1].speaker):
            # "they" refers to a speaker only when the last one was itself plural ("officials",
            # "Damascus and Moscow"); it as often means a group just talked about (the militants)
            return before[-1].speaker
        return None

    def _type_of(self, t: Token) -> str:
        e = self._entity_at(t)
        if e is not None:
            return e.type
        return {"PERSON": "PERSON", "ORG": "ORG", "GPE": "GPE", "NORP": "NORP"}.get(
            t.ent_type_, "unknown"
        )


def _plural(speaker: Speaker) -> bool:
    return speaker.type in ("group", "anonymous") or " and " in speaker.name


def _clean(text: str) -> str:
    s = " ".join(text.split())
    return _DETERMINERS.sub("", s)
