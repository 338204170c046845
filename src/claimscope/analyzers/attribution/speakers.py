"""Who a source mention refers to: "he" -> Bashar Ja'afari, "the ministry" -> Russia's Defense Ministry.

Rule-based, in the order a careful reader would go, each resolution saying its ``basis``:

- ``joint``: coordinated sources ("Damascus and Moscow") are one statement by several members;
- ``apposition``: a name in the mention ("Syria's official news agency SANA" -> SANA);
- ``name``: a proper name, as the article writes it most fully (an entity's name; a person's
  full name for a surname, two-word surnames and particles included: "Abdel Rahman" -> Rami Abdel
  Rahman, "de Miranda" -> Luis de Miranda, :mod:`.names`);
- ``metonym``: a capital for its country when the article names the country ("Moscow" -> Russia);
- ``role``: a role noun for the person who carried it as a title or in an apposition ("the
  ambassador", "the chief executive", "the mother");
- ``description``: a definite description for the fuller mention it shortens ("the Observatory"
  -> Syrian Observatory for Human Rights, "the source" -> a source at Aleppo Police Command, "the
  army" -> the Syrian army); a class noun ("the company", "the group") for the organisation last
  named; a document ("the statement") for the organisation that last spoke;
- ``pronoun``: by salience, sentence by sentence back from the pronoun: the first sentence with a
  compatible speaker or subject gives it (names inside quotations do not count), else the
  latest compatible mention;
- ``mention``: nothing better: the mention's own words, with "a"/"some" kept ("a source").

A mention that cannot be a speaker (a date, a number, an event noun such as "assault") gets none.
"""

from __future__ import annotations

import bisect
import re
from bisect import insort
from dataclasses import dataclass

from spacy.tokens import Doc, Token
from spacy.tokens import Span as SpacySpan

from claimscope.analyzers import text_of
from claimscope.analyzers.attribution.lexicon import (
    DOCUMENTS,
    ORG_HEADS,
    Lexicon,
    can_speak,
    person_nouns,
)
from claimscope.analyzers.attribution.names import PARTICLES, NameIndex, fold, honorific
from claimscope.analyzers.attribution.quotes import Quote, find_quotes, quote_at
from claimscope.analyzers.attribution.rules import QUANTITIES, noun_phrase
from claimscope.analyzers.entities import surname
from claimscope.analyzers.entities.names import ORG_WORDS
from claimscope.analyzers.time.find import WEEKDAYS
from claimscope.knowledge import countries, outlets
from claimscope.model import Entity, Speaker

_PERSON_PRONOUNS = frozenset({"he", "she", "him", "her"})
_GROUP_PRONOUNS = frozenset({"they", "them", "we"})
# class nouns that stand for the organisation last named ("SpaceX ... The company said")
_CLASS_NOUNS = frozenset(
    {
        "company", "group", "charity", "organization", "organisation", "agency", "firm", "ngo",
        "watchdog", "monitor", "body", "network", "corporation", "broadcaster", "outlet",
        "newspaper", "daily", "institute", "organisations", "organizations",
    }
)  # fmt: skip
_MEDIA_HEADS = frozenset(
    {"newspaper", "agency", "magazine", "daily", "channel", "broadcaster", "website", "paper"}
)
# abbreviated titles and the role word they stand for
_ROLE_ALIASES = {"fm": "minister", "pm": "minister", "gov": "governor", "sen": "senator"}
_TITLE_WORDS = frozenset(
    {"foreign", "defense", "defence", "prime", "interior", "deputy", "vice", "former", "acting"}
)
_DEFINITE = frozenset({"the", "this", "that", "these", "those"})
_STRIP = re.compile(r"^(the|this|that|these|those)\s+", re.I)
_NOT_SPEAKERS = frozenset({"DATE", "TIME", "CARDINAL", "ORDINAL", "MONEY", "PERCENT", "QUANTITY"})
_MONTHS = (
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december",
)  # fmt: skip
# a "name" made of these is a dateline ("Fri 07 Apr 2017"), not a speaker
_CALENDAR = frozenset(
    [*WEEKDAYS, *(d[:3] for d in WEEKDAYS), *_MONTHS, *(m[:3] for m in _MONTHS), "sept"]
)
PASSAGE_SENTENCES = 6  # how far back a pronoun looks for its referent
LOOKBACK = 500  # referents a description or pronoun can reach back to (an article has far fewer)


@dataclass
class Known:
    """A speaker resolved earlier, where it was mentioned, and how (for anaphora)."""

    speaker: Speaker
    position: int
    head_lemma: str
    roles: frozenset[str]
    spoke: bool = False  # the source of an attribution, not just a name in the text
    subject: bool = False  # a sentence's subject


class Resolver:
    def __init__(
        self, doc: Doc, entities: list[Entity], lex: Lexicon, quotes: list[Quote] | None = None
    ) -> None:
        self.doc = doc
        self.lex = lex
        self.entities = entities
        self._by_char: dict[int, Entity] = {}
        for e in entities:
            for m in e.mentions:
                for i in range(m.start, m.end):
                    self._by_char.setdefault(i, e)
        self.known: list[Known] = []  # in text order; add with _know
        self._positions: list[int] = []
        self._people: dict[str, list[Known]] = {}  # persons by surname (entities.surname)
        self._by_role: dict[str, list[Known]] = {}  # persons by role word
        self.quotes = quotes if quotes is not None else find_quotes(text_of(doc))
        self._index_people()
        self._index_appositions()
        people = {
            e.id: (e.name, [m.start for m in e.mentions]) for e in entities if e.type == "PERSON"
        }
        self.names = NameIndex(doc, people)
        self.acronyms = acronyms(text_of(doc))
        self._countries = {e.name.casefold(): e for e in entities if e.type == "GPE"}

    # ---- what the document offers before any attribution

    def _index_people(self) -> None:
        """Every named person and organisation in the text, with role words and subject position."""
        for e in self.entities:
            if e.type not in ("PERSON", "ORG"):
                continue
            extra = _apposition_words(e, self.doc) if e.type == "PERSON" else set()
            for m in e.mentions:
                span = self.doc.char_span(m.start, m.end, alignment_mode="expand")
                if span is None:
                    continue
                roles = self._roles(span.root) | frozenset(extra)
                self._know(
                    Known(
                        Speaker(name=e.name, entity=e.id, type=e.type, basis="name"),
                        m.start,
                        span.root.lemma_.lower(),
                        roles,
                        subject=span.root.dep_ in ("nsubj", "nsubjpass"),
                    )
                )
        # proper-noun runs the model did not tag as people but that carry a role title
        for t in self.doc:
            if t.pos_ == "PROPN" and t.dep_ not in ("compound", "flat"):
                roles = self._roles(t)
                if roles and not self._entity_at(t, "PERSON"):
                    name = self._name_run(t)
                    if len(name.split()) >= 2 and not self._entity_at(t, "ORG"):
                        self._know(
                            Known(
                                Speaker(
                                    name=name,
                                    entity=self._entity_id(t),
                                    type="PERSON",
                                    basis="name",
                                ),
                                t.idx,
                                t.lemma_.lower(),
                                roles,
                                subject=t.dep_ in ("nsubj", "nsubjpass"),
                            )
                        )

    def _know(self, k: Known) -> None:
        """Add a referent in text order, with the indexes the lookups use (a scan of every
        referent per mention would cost the square of the article's length)."""
        at = bisect.bisect_right(self._positions, k.position)
        self._positions.insert(at, k.position)
        self.known.insert(at, k)
        if k.speaker.type == "PERSON":
            if k.speaker.name.strip():
                by_surname = self._people.setdefault(surname(k.speaker.name), [])
                insort(by_surname, k, key=lambda x: x.position)
            for role in k.roles:
                insort(self._by_role.setdefault(role, []), k, key=lambda x: x.position)

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
            elif prev.lower_ in PARTICLES:
                start -= 1  # "de Miranda"
            else:
                break
        # title words and an organisation's acronym are not part of a name: "Foreign Minister
        # Walid al-Muallem", "the UN Bashar Ja'afari" (as the small model often runs them together)
        while start < head.i and (
            doc[start].lemma_.lower() in self.lex.roles | _TITLE_WORDS
            or (head.i - start >= 2 and doc[start].lower_ in person_nouns())  # "Coach Mark Ellison"
            or honorific(doc[start].lower_)
            or (doc[start].text.isupper() and len(doc[start].text) <= 5 and head.i - start >= 2)
        ):
            start += 1
        return doc[start : head.i + 1].text

    # ---- resolution

    def resolve(self, mention: SpacySpan) -> Speaker | None:
        """The speaker a mention refers to; None for a pronoun with nothing to refer back to."""
        speaker = self._resolve(mention)
        if speaker is None or not self._speakable(mention, speaker):
            return None
        if speaker.type == "PERSON":
            full = self.names.full_name(speaker.name, mention.start_char)  # "Fiona" -> Fiona Parry
            if full is not None and len(full.name) > len(speaker.name):
                speaker = speaker.model_copy(update={"name": full.name})
        long = self._spelled_out(speaker.name)
        if long != speaker.name:  # "the NDF official" -> "National Defence Forces official"
            speaker = speaker.model_copy(update={"name": long})
        elif speaker.type == "ORG" and fold(speaker.name) == fold(_clean(mention.text)):
            # "Parliament's Joint Committee" [on Intelligence and Security]: the source mention
            # stops at the head, the organisation's name does not
            speaker = speaker.model_copy(update={"name": _clean(_named_on(mention).text)})
        root = mention.root
        roles = frozenset(t.lemma_.lower() for t in mention if t.lemma_.lower() in self.lex.roles)
        self._know(
            Known(speaker, mention.start_char, root.lemma_.lower(), roles, spoke=True, subject=True)
        )
        if speaker.type == "PERSON" and speaker.basis == "name":
            self.names.add(speaker.name, mention.start_char, speaker.entity)
        return speaker

    def _speakable(self, mention: SpacySpan, speaker: Speaker) -> bool:
        """No dates, numbers or event nouns as speakers ("Fri", "58", "assault", "bloodshed")."""
        root = mention.root
        if speaker.basis in ("pronoun", "joint", "apposition"):
            return True
        counted = _counted(mention)
        if counted is not None:
            root = counted  # "a number of analysts": the analysts are who must be able to speak
        words = [w.strip(".,").lower() for w in speaker.name.split()]
        if not words or all(w in _CALENDAR or not any(c.isalpha() for c in w) for w in words):
            return False
        if root.ent_type_ in _NOT_SPEAKERS or root.like_num:
            return False
        if root.ent_type_ in ("NORP", "PERSON", "ORG", "GPE") or countries().names.get(
            root.lemma_.lower()
        ):
            return True  # "Tunisians worry ...", "Syrians said"
        if root.pos_ in ("NOUN", "ADJ", "NUM") and not self._entity_at(root):
            if can_speak(root.lemma_.lower(), self.lex):
                return True
            # a capitalised word the model took for a common noun may be a name: within a
            # sentence it is; at a sentence start only when it names a known outlet ("Agerpres")
            capital = root.text[:1].isupper()
            return capital and (root.i != root.sent.start or outlets.lookup(root.text) is not None)
        return True

    def _before(self, position: int) -> list[Known]:
        """The referents before ``position``, the latest :data:`LOOKBACK` of them: what a
        description or a pronoun can refer back to."""
        at = bisect.bisect_left(self._positions, position)
        return self.known[max(0, at - LOOKBACK) : at]

    def _resolve(self, mention: SpacySpan) -> Speaker | None:
        root = mention.root
        low = root.lower_
        if root.pos_ == "PRON":
            return self._pronoun(low, mention.start_char)
        joint = self._joint(mention)
        if joint is not None:
            return joint
        counted = _counted(mention)
        if counted is not None and can_speak(counted.lemma_.lower(), self.lex):
            # "a number of analysts", "hundreds of families": the people counted speak
            one = counted.lemma_.lower() in self.lex.anonymous or root.lower_ == "one"
            typ = "anonymous" if one else "group"
            return Speaker(name=_clean(mention.text), type=typ, basis="mention")
        if _definite(mention) and not any(c.dep_ == "poss" for c in root.children):
            # "the Russian space agency" after "Roscosmos, the Russian space agency": the name
            # the article gave that description in an apposition
            named = self._apposed(mention)
            if named is not None:
                return named
        if (
            root.pos_ == "PROPN"
            and root.lemma_.lower() in self.lex.roles
            and not any(c.dep_ == "det" for c in root.children)
        ):
            person = self._role(mention, root.lemma_.lower())  # "Aleppo Governor"
            if person is not None:
                return person
        if root.pos_ == "PROPN" and _definite(mention) and len(mention) == 2:
            # "The Observatory", "the Institute": a person's name takes no article, so this
            # shortens a name written before, whatever the model tagged it
            found = self._description(mention, root.lemma_.lower())
            if found is not None:
                return found
        if root.pos_ == "PROPN" and self._entity_at(root, "PERSON") is not None:
            return self._named(root, mention)  # "Senator Mark Warner, a Virginia Democrat"
        for c in root.children:  # an apposition names the source: "the official news agency SANA"
            if c.dep_ == "appos" and c.pos_ == "PROPN" and _in_or_after(mention, c):
                return _with_basis(
                    self._named(c, org_hint=root.lemma_.lower() in ORG_HEADS), "apposition"
                )
        person = self._titled_person(mention)
        if person is not None:
            return person
        lemma = root.lemma_.lower()
        if root.pos_ == "PROPN" and not (lemma in ORG_HEADS and _definite(mention)):
            return self._named(root, mention)
        possessed = any(c.dep_ == "poss" for c in root.children)
        lemma = _ROLE_ALIASES.get(lemma, lemma)
        bare_title = not any(c.dep_ == "det" for c in root.children) and any(
            c.dep_ in ("amod", "compound") for c in root.children
        )  # "French FM", "Aleppo Governor": a title written as a name
        if (
            not possessed
            and (_definite(mention) or (bare_title and lemma in self.lex.roles))
            and (lemma in self.lex.roles or (lemma in person_nouns() and root.pos_ == "NOUN"))
            and lemma not in ORG_HEADS
        ):
            person = self._role(mention, lemma)
            if person is not None:
                return person
        compounds = [c for c in root.children if c.dep_ == "compound" and c.pos_ == "PROPN"]
        if compounds and lemma in _MEDIA_HEADS and not possessed:
            # "The Al-Watan newspaper", "the Interfax news agency": the name is the outlet's
            return self._named(compounds[-1], org_hint=True)
        definite = _definite(mention)
        grouped = self._entity_at(root, "ORG")
        if grouped is not None and not possessed:
            # "the (defense) ministry" that the entities analyzer joined to its organisation;
            # a bare "the Observatory" tagged on its own looks for the name it shortens
            written = _clean(mention.text)
            shorter = len(grouped.name.split()) <= len(written.split())
            if definite and shorter:
                found = self._description(mention, lemma)
                if found is not None:
                    return found
            if len(grouped.name.split()) < len(written.split()) and _proper(mention):
                # "the World Travel and Tourism Council", tagged from "Tourism" on
                return Speaker(name=written, entity=grouped.id, type="ORG", basis="name")
            return Speaker(name=grouped.name, entity=grouped.id, type="ORG", basis="description")
        owner = possessed or any(
            c.dep_ in ("compound", "amod", "nmod") and self._entity_at(c) is not None
            for c in root.children
        )
        specific = any(
            c.dep_ == "prep" and any(x.pos_ == "PROPN" for x in c.subtree)
            for c in root.children
            if mention.start <= c.i < mention.end
        )  # "the explanatory notes of the British Bill" says which notes itself
        if not owner and definite and not specific:
            found = self._description(mention, lemma)
            if found is not None:
                return found
        owned = self._owned(mention)
        if owned is not None:
            return owned
        if not owner and lemma in self.lex.anonymous:
            return Speaker(name=_clean(_described(mention).text), type="anonymous", basis="mention")
        typ = "ORG" if lemma in ORG_HEADS else self._type_of(root)
        ent = self._entity_id(root) if root.pos_ == "PROPN" else None  # "Russia's military"
        phrase = _described(mention) if root.pos_ == "NOUN" else mention
        return Speaker(name=_clean(phrase.text), entity=ent, type=typ, basis="mention")

    def _spelled_out(self, name: str) -> str:
        """A name with an acronym the article spells out replaced by the full name."""
        if not self.acronyms:
            return name
        words = name.split()
        out = [self.acronyms.get(w.strip(".,'’s"), w) if w.isupper() else w for w in words]
        return " ".join(out)

    def _owned(self, mention: SpacySpan) -> Speaker | None:
        """ "his spokesman" -> "spokesman for Morgan Tsvangirai", "his office" -> "office of
        Laurent Fabius": a role or body of someone a possessive pronoun refers to."""
        root = mention.root
        poss = next((c for c in root.children if c.dep_ == "poss" and c.pos_ == "PRON"), None)
        lemma = root.lemma_.lower()
        if poss is None or root.pos_ != "NOUN" or poss.lower_ not in _POSSESSOR_PRONOUNS:
            return None
        person = lemma in self.lex.roles or lemma in self.lex.anonymous
        if not person and lemma not in ORG_HEADS:
            return None
        owner = self._pronoun(_POSSESSOR_PRONOUNS[poss.lower_], mention.start_char)
        if owner is None:
            return None
        link = "for" if person else "of"
        typ = "anonymous" if person else "ORG"
        return Speaker(name=f"{root.text} {link} {owner.name}", type=typ, basis="description")

    def _joint(self, mention: SpacySpan) -> Speaker | None:
        """ "Damascus and Moscow", "France and Britain": one statement, several speakers."""
        root = mention.root
        if not any(t.dep_ == "cc" and t.head.i == root.i for t in mention):
            return None
        heads = [root, *(t for t in mention if t.dep_ == "conj" and t.head.i == root.i)]
        if len(heads) < 2:
            return None
        members: list[str] = []
        types = set()
        name = _clean(mention.text)
        for h in heads:
            if h.pos_ == "PROPN":
                sp = self._named(h)
                members.append(sp.name)
                types.add(sp.type)
                run = self._name_run(h)
                if sp.type == "PERSON" and sp.name != run and sp.name.endswith(" " + run):
                    name = name.replace(run, sp.name, 1)  # "Parata and his family": which Parata
            else:
                members.append(_clean(self.doc[h.left_edge.i : h.i + 1].text))
                types.add(self._type_of(h))
        return Speaker(
            name=name,
            type=types.pop() if len(types) == 1 else "group",
            basis="joint",
            members=members,
        )

    def _titled_person(self, mention: SpacySpan) -> Speaker | None:
        """ "Syria's Ambassador to the UN Bashar Ja'afari": the name after the title is the speaker."""
        if (
            not any(t.lemma_.lower() in self.lex.roles for t in mention)
            and mention[0].lower_ not in person_nouns()
        ):
            return None
        if mention.root.lemma_.lower() in ORG_HEADS and mention.root.pos_ == "NOUN":
            return None  # "the government of President Bashar al-Assad" is the government
        last = mention[-1]
        if last.pos_ != "PROPN" or last.lemma_.lower() in self.lex.roles | ORG_HEADS:
            return None
        after_org = _name_after_org(mention)
        if after_org:
            # "Pathologist at the Aleppo University Hashim", "Vice-president of the Syrian
            # Coalition Muwaffaq Nyrabia": text without commas runs the name into the body's
            full = self.names.full_name(after_org, last.idx)
            name = full.name if full is not None else after_org
            return Speaker(name=name, type="PERSON", basis="apposition")
        if self._entity_at(last, "ORG") is not None or self._entity_at(last, "GPE") is not None:
            return None  # "a spokesman for Syria Civil Defence": the organisation, not a name
        e = self._entity_at(last, "PERSON")
        if e is not None:
            return Speaker(name=e.name, entity=e.id, type="PERSON", basis="name")
        run = self._name_run(last).split()
        if len(run) < 2:
            return None
        name = " ".join(run)
        for k in self._people.get(surname(run[-1]), []):
            if k.speaker.name == name or len(k.speaker.name.split()) >= 2:
                return _with_basis(k.speaker, "name")  # the first person of that surname
        return Speaker(name=name, type="PERSON", basis="name")

    def _named(
        self, head: Token, mention: SpacySpan | None = None, org_hint: bool = False
    ) -> Speaker:
        """A mention whose head is a proper noun: an entity, a known person's surname, or the run."""
        e = self._entity_at(head)
        run = own = self._name_run(head)
        if e is not None and e.type == "PERSON":
            run = self._untitled(e.name)
            if len(own.split()) == 1 and len(run.split()) > 1:
                # a bare surname: which of the article's people of that surname it names
                full = self.names.full_name(own, head.idx)
                if full is not None:
                    run = full.name
        if (e is None or e.type == "PERSON") and not org_hint:
            full = self.names.full_name(run, head.idx)
            if full is not None:
                return Speaker(name=full.name, entity=full.entity, type="PERSON", basis="surname")
            if len(run.split()) == 1:  # a surname: the one person whose name ends with it
                word = surname(run)
                people = {
                    k.speaker.name: k.speaker
                    for k in self._people.get(word, [])
                    if len(k.speaker.name.split()) >= 2 and surname(k.speaker.name) == word
                }
                if len(people) == 1:
                    return _with_basis(next(iter(people.values())), "surname")
        if e is not None and e.type == "ORG" and len(e.name.split()) == 1 and not org_hint:
            # "Nyrabia said" after "... Coalition Muwaffaq Nyrabia": a surname the model took
            # for an organisation, when the article writes the person's full name
            full = self.names.full_name(e.name, head.idx)
            if full is not None and head.lower_ not in ORG_HEADS:
                return Speaker(name=full.name, entity=full.entity, type="PERSON", basis="surname")
        if e is not None and e.type == "PERSON":
            basis = "surname" if len(own.split()) < len(run.split()) else "name"
            return Speaker(name=run, entity=e.id, type="PERSON", basis=basis)
        possessed = mention is not None and any(c.dep_ == "poss" for c in head.children)
        if e is not None:
            if possessed and mention is not None:  # "Russia's Defense Ministry"
                return Speaker(name=_clean(mention.text), entity=e.id, type=e.type, basis="name")
            country = self._metonym(e)
            if country is not None:
                return country
            written = _clean(mention.text) if mention is not None else ""
            if len(written.split()) >= len(e.name.split()) and e.name.casefold() in fold(written):
                # the name as this mention writes it, when it is as full ("the Syrian Coalition",
                # "many Tunisians"): a reader finds the words of the text
                return Speaker(name=written, entity=e.id, type=e.type, basis="name")
            return Speaker(name=e.name, entity=e.id, type=e.type, basis="name")
        if org_hint or head.lemma_.lower() in ORG_HEADS or (run.isupper() and len(run) >= 2):
            as_name = mention is not None and all(t.text[:1].isupper() for t in mention[1:])
            name = _clean(mention.text) if mention is not None and (possessed or as_name) else run
            return Speaker(name=name, type="ORG", basis="name")
        if possessed and mention is not None:
            return Speaker(name=_clean(mention.text), type="unknown", basis="name")
        return Speaker(
            name=run, type="PERSON" if len(run.split()) >= 2 else "unknown", basis="name"
        )

    def _untitled(self, name: str) -> str:
        """A person's name without a title the model ran into it ("Coach Mark Ellison")."""
        words = name.split()
        while len(words) > 2 and (
            words[0].lower() in self.lex.roles
            or words[0].lower() in person_nouns()
            or honorific(words[0])
        ):
            words = words[1:]
        return " ".join(words)

    def _metonym(self, e: Entity) -> Speaker | None:
        """ "Moscow said" -> Russia, when the article names Russia: a capital for its state."""
        if e.type != "GPE":
            return None
        country = countries().names.get(e.name.casefold())
        if country is None or country.casefold() == e.name.casefold():
            return None
        named = self._countries.get(country.casefold())
        if named is None:
            return None
        return Speaker(name=named.name, entity=named.id, type="GPE", basis="metonym")

    def _role(self, mention: SpacySpan, lemma: str) -> Speaker | None:
        """ "the ambassador", "the chief executive", "the mother": the person who carried it."""
        people = self._by_role.get(lemma, [])
        if not people:
            return None
        before = [k for k in people if k.position < mention.start_char]
        chosen = before[-1] if before else people[0]
        if not before and len({k.speaker.name for k in people}) > 1:
            return None
        return _with_basis(chosen.speaker, "role")

    def _index_appositions(self) -> None:
        """Descriptions the article gave a name in an apposition: "Roscosmos, the Russian space
        agency", "Luis de Miranda, author of ...", "Fiona Parry, the mother of ..."."""
        self._appositions: list[tuple[str, frozenset[str], int, Token]] = []
        for t in self.doc:
            if t.dep_ != "appos":
                continue
            pair = (t.head, t) if t.head.pos_ == "PROPN" else (t, t.head)
            name, desc = pair
            if name.pos_ != "PROPN" or desc.pos_ != "NOUN":
                continue
            mods = frozenset(
                c.lower_ for c in desc.children if c.dep_ in ("amod", "compound") and not c.is_stop
            )
            self._appositions.append((desc.lemma_.lower(), mods, desc.idx, name))

    def _apposed(self, mention: SpacySpan) -> Speaker | None:
        root = mention.root
        lemma = root.lemma_.lower()
        mods = {c.lower_ for c in root.children if c.dep_ in ("amod", "compound") and not c.is_stop}
        hits = [
            (pos, name)
            for head, words, pos, name in self._appositions
            if head == lemma and mods <= words and pos != root.idx
        ]
        if not hits:
            return None
        before = [h for h in hits if h[0] < mention.start_char]
        if not before and len({n.i for _, n in hits}) > 1:
            return None
        _, name = before[-1] if before else hits[0]
        tail = self.doc[name.i : name.right_edge.i + 1]
        if len(tail) > 1 and all(x.pos_ in ("PROPN", "ADP", "DET") for x in tail):
            # "the Catholic charity Aid to the Church in Need": the name runs on past "to the"
            return Speaker(name=tail.text, type="ORG", basis="apposition")
        return _with_basis(self._named(name), "apposition")

    def _description(self, mention: SpacySpan, lemma: str) -> Speaker | None:
        """ "the Observatory", "the source", "the army", "the company", "the statement"."""
        root = mention.root
        # words that tell one such organisation from another ("the Russian army", "the NDF
        # official") must be in the fuller name; descriptive ones ("the British-based") need not
        mods = {
            c.lower_
            for c in root.children
            if not c.is_stop
            and (
                c.dep_ in ("compound", "nmod")
                or (c.dep_ == "amod" and countries().names.get(c.lower_) is not None)
            )
        }
        here = mention.start_char
        # an earlier speaker or entity whose name this shortens: head word and modifiers in it
        for k in reversed(self._before(here)):
            words = set(fold(k.speaker.name).split())
            if (
                (lemma in words or root.lower_ in words)
                and all(m in words for m in mods)
                and len(words) > 1 + len(mods)
            ):
                return _with_basis(k.speaker, "description")
        for e in self.entities:
            if e.type not in ("ORG", "NORP", "GPE", "FAC"):
                continue
            words = set(fold(e.name).split())
            if root.lower_ in words and all(m in words for m in mods) and len(words) > 1:
                return Speaker(name=e.name, entity=e.id, type=e.type, basis="description")
        # a fuller noun phrase written before with the same head ("a source at Aleppo Police
        # Command", "the Syrian army")
        fuller = self._fuller_phrase(mention, lemma, mods)
        if fuller is not None:
            return fuller
        if lemma in _CLASS_NOUNS:
            org = self._last_org(here, spoke_only=True) or self._last_org(here, spoke_only=False)
            if org is not None:
                return _with_basis(org, "description")
        if lemma in DOCUMENTS:
            org = self._last_org(here, spoke_only=True)
            if org is not None:
                return _with_basis(org, "description")
        return None

    def _fuller_phrase(self, mention: SpacySpan, lemma: str, mods: set[str]) -> Speaker | None:
        doc = self.doc
        start = mention.root.sent.start
        first = max(0, start - 400)
        for t in reversed(doc[first : mention.start]):
            if t.lemma_.lower() != lemma or t.pos_ not in ("NOUN", "PROPN"):
                continue
            if t.dep_ in ("compound", "amod", "nmod", "poss") or (
                t.i + 1 < len(doc) and t.i + 1 < t.right_edge.i + 1 and doc[t.i + 1].dep_ != "prep"
            ):
                continue  # "the government team": not a mention of the government
            phrase = noun_phrase(t)
            words = {x.lower_ for x in phrase}
            if len(phrase) <= len(mention) or not all(m in words for m in mods):
                continue
            if any(x.dep_ == "poss" or x.pos_ == "PRON" for x in phrase):
                continue
            if not any(
                x.pos_ in ("PROPN", "ADJ") or x.dep_ == "prep" for x in phrase if x.i != t.i
            ):
                continue
            typ = "anonymous" if lemma in self.lex.anonymous else self._type_of(t)
            if typ == "unknown" and lemma in ORG_HEADS:
                typ = "ORG"
            return Speaker(name=_clean(phrase.text), type=typ, basis="description")
        return None

    def _last_org(self, position: int, spoke_only: bool) -> Speaker | None:
        for k in reversed(self._before(position)):
            if k.speaker.type == "ORG" and (k.spoke or not spoke_only):
                return k.speaker
            if spoke_only and k.spoke and k.speaker.type == "GPE":
                return k.speaker
        return None

    def _pronoun(self, low: str, position: int) -> Speaker | None:
        if low in _PERSON_PRONOUNS:
            # a person, named or not ("a Russian Foreign Ministry official ... he said")
            return self._salient(position, ("PERSON", "anonymous", "unknown"))
        if low == "it":
            return self._salient(position, ("ORG", "GPE"))
        before = self._before(position)
        if low in _GROUP_PRONOUNS and before and _plural(before[-1].speaker):
            # "they" refers to a speaker only when the last one was itself plural ("officials",
            # "Damascus and Moscow"); it as often means a group just talked about (the militants)
            return before[-1].speaker
        return None

    def _salient(self, position: int, types: tuple[str, ...]) -> Speaker | None:
        """The most salient earlier referent of a pronoun in its passage.

        Sentence by sentence back from the pronoun, as a reader keeps track (centering): the
        first sentence that has a compatible referent as a subject or a speaker gives it (a
        speaker before a mere subject); a referent named only as an object ("the side of Peter
        Brandt") is taken only when no sentence of the passage has a subject to offer. Past the
        passage, the latest compatible mention.
        """
        doc = self.doc
        tok = doc.char_span(position, position + 1, alignment_mode="expand")
        if tok is None:
            return None
        before = [
            k
            for k in self._before(position)
            if k.speaker.type in types
            and (k.speaker.type not in ("anonymous", "unknown") or _singular(k))
            and (k.speaker.type != "GPE" or k.spoke)  # "Russia said it ...": a country that spoke
            and (k.spoke or quote_at(self.quotes, k.position, k.position + 1) is None)
        ]  # a name inside someone's quoted words is what they talk about, not who speaks
        if not before:
            return None
        sent = tok[0].sent
        fallback: Known | None = None
        hi = position
        for _ in range(PASSAGE_SENTENCES + 1):
            lo = sent.start_char
            here = [k for k in before if lo <= k.position < hi]
            subjects = [k for k in here if k.subject or k.spoke]
            if subjects:
                best = max(subjects, key=lambda k: (k.spoke, k.position))
                return _with_basis(best.speaker, "pronoun")
            if here and fallback is None:
                fallback = max(here, key=lambda k: k.position)
            if sent.start == 0:
                break
            sent = doc[sent.start - 1].sent
            hi = sent.end_char
        chosen = fallback or before[-1]
        return _with_basis(chosen.speaker, "pronoun")

    def _type_of(self, t: Token) -> str:
        e = self._entity_at(t)
        if e is not None:
            return e.type
        return {"PERSON": "PERSON", "ORG": "ORG", "GPE": "GPE", "NORP": "NORP"}.get(
            t.ent_type_, "unknown"
        )


def _apposition_words(e: Entity, doc: Doc) -> set[str]:
    """Person nouns in a person's roles and appositions ("Fiona Parry, the mother of ...")."""
    words = {w.lower() for r in e.roles for w in re.findall(r"[A-Za-z]+", r)}
    for m in e.mentions:
        span = doc.char_span(m.start, m.end, alignment_mode="expand")
        if span is None:
            continue
        root = span.root
        for c in root.children:
            if c.dep_ == "appos":
                words.add(c.lemma_.lower())
                words.update(x.lemma_.lower() for x in c.children if x.dep_ in ("compound", "amod"))
        if root.dep_ == "appos":
            words.add(root.head.lemma_.lower())
            words.update(
                x.lemma_.lower() for x in root.head.children if x.dep_ in ("compound", "amod")
            )
    nouns = person_nouns()
    return {w for w in words if w in nouns}


_DEFINED = re.compile(
    r"((?:[A-Z][\w'’.-]*\s+(?:(?:of|for|and|the|on|de|du|al|in)\s+)*){1,8}[A-Z][\w'’.-]*)"
    r"\s*\((?:the\s+)?([A-Z][A-Z0-9&-]{1,9})\)"
)


def acronyms(text: str) -> dict[str, str]:
    """Acronyms the article defines in parentheses: "National Defence Forces (NDF)".

    The full name is taken from the capitalised words before the parenthesis, cut to start at the
    word whose initial the acronym starts with (a sentence-initial "The" or "Syrias" is not in it).
    """
    found: dict[str, str] = {}
    for m in _DEFINED.finditer(text):
        long, short = m.group(1).split(), m.group(2)
        starts = [i for i, w in enumerate(long) if w[:1] == short[:1]]
        if not starts:
            continue
        # the start that leaves about as many capitalised words as the acronym has letters
        capitals = [sum(w[:1].isupper() for w in long[i:]) for i in range(len(long))]
        start = min(starts, key=lambda i: abs(capitals[i] - len(short)))
        name = " ".join(long[start:])
        if len(name.split()) >= 2:
            found.setdefault(short, name)
    return found


_POSSESSOR_PRONOUNS = {"his": "he", "her": "she", "its": "it"}


def _counted(mention: SpacySpan) -> Token | None:
    """What a counting head counts: "analysts" in "a number of analysts"."""
    root = mention.root
    if root.lemma_.lower() not in QUANTITIES:
        return None
    of = next((c for c in root.children if c.dep_ == "prep" and c.lower_ == "of"), None)
    pobj = next((c for c in of.children if c.dep_ == "pobj"), None) if of is not None else None
    return pobj if pobj is not None and mention.start <= pobj.i < mention.end else None


def _described(mention: SpacySpan, most: int = 12) -> SpacySpan:
    """An unnamed source with what the sentence says of it right after: "a spokesman at the
    hospital in Kafr Takharim", "workers who went to the site". The source mention stops at its
    head; a reader told only "a spokesman" cannot tell one source from another.

    Restrictive modifiers only: a prepositional phrase, relative or participle clause that follows
    without a comma, within ``most`` tokens.
    """
    doc = mention.doc
    end = mention.end
    while True:
        # a modifier of the head or of a word in its own phrases ("at the hospital in Kafr ...")
        nxt = [
            c
            for t in doc[mention.start : end]
            for c in t.children
            if c.dep_ in ("prep", "relcl", "acl") and c.left_edge.i == end
        ]
        if not nxt:
            break
        c = nxt[0]
        if any(t.is_punct for t in doc[end : c.right_edge.i + 1]):
            break
        if c.right_edge.i + 1 - mention.start > most:
            break
        end = c.right_edge.i + 1
    return doc[mention.start : end]


_NAME_LINKS = frozenset({"of", "on", "for", "and", "the", "&"})


def _named_on(mention: SpacySpan) -> SpacySpan:
    """A proper name with the "of/on/for ..." part of it that follows the mention ("Joint
    Committee on Intelligence and Security"), when every word of that part is capitalised."""
    doc = mention.doc
    end = mention.end
    if end >= len(doc) or mention.root.pos_ != "PROPN":
        return mention
    prep = doc[end]
    if prep.lower_ not in ("of", "on", "for") or not (mention.start <= prep.head.i < end):
        return mention
    tail = doc[end + 1 : prep.right_edge.i + 1]
    if not tail or len(tail) > 6 or any(t.is_punct and t.text != "&" for t in tail):
        return mention
    if not all(t.text[:1].isupper() or t.lower_ in _NAME_LINKS for t in tail):
        return mention
    return doc[mention.start : prep.right_edge.i + 1]


def _name_after_org(mention: SpacySpan) -> str:
    """The name run on after an organisation's head word at the end of a mention ("... of the
    Syrian Coalition Muwaffaq Nyrabia" -> "Muwaffaq Nyrabia"); empty when there is none."""
    words = [t for t in mention if not t.is_punct]
    tail: list[Token] = []
    for t in reversed(words):
        low = t.lower_
        if t.pos_ != "PROPN" or not t.text[:1].isupper():
            return ""
        if low in ORG_HEADS or low in ORG_WORDS:
            break
        tail.insert(0, t)
    else:
        return ""
    if not 1 <= len(tail) <= 3 or len(tail) == len(words):
        return ""
    if any(t.ent_type_ in ("GPE", "NORP", "LOC", "DATE") for t in tail):
        return ""
    return " ".join(t.text for t in tail)


def _singular(k: Known) -> bool:
    """An unnamed source that is one person ("an official", not "officials" or "sources")."""
    last = k.speaker.name.split()[-1].lower() if k.speaker.name.split() else ""
    return last == k.head_lemma and last in person_nouns()


def _in_or_after(mention: SpacySpan, t: Token) -> bool:
    """A token inside the mention, or just after it past a comma ("her mother, Fiona, said")."""
    if mention.start <= t.i < mention.end:
        return True
    between = mention.doc[mention.end : t.i]
    return mention.root.pos_ == "NOUN" and [x.text for x in between] == [","]


def _proper(mention: SpacySpan) -> bool:
    """A mention written as a name: every word capitalised but articles and linking words."""
    words = [t for t in mention if not t.is_punct and t.lower_ not in ("the", "and", "of", "for")]
    return bool(words) and all(t.text[:1].isupper() for t in words)


def _definite(mention: SpacySpan) -> bool:
    """ "the Observatory", "The source", "this group": a description that refers back."""
    root = mention.root
    dets = [c.lower_ for c in root.children if c.dep_ == "det"]
    return bool(dets) and dets[0] in _DEFINITE


def _with_basis(speaker: Speaker, basis: str) -> Speaker:
    return speaker.model_copy(update={"basis": basis})


def _plural(speaker: Speaker) -> bool:
    return speaker.type in ("group", "anonymous") or " and " in speaker.name


def _clean(text: str) -> str:
    """The mention as a name: white space collapsed, "the" dropped, "a"/"some"/"many" kept."""
    s = _STRIP.sub("", " ".join(text.split()))
    first, _, rest = s.partition(" ")
    if rest and first in ("A", "An", "Some", "Many", "Several", "Another"):
        s = f"{first.lower()} {rest}"  # "a source at ...": a description, not a name
    return s
