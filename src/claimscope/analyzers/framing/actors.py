"""How the outlet treats each actor: the verbs for its words, the labels and doubts aimed at it.

An actor is a voice (someone the article quotes) or a target of the article's framing findings
(who a label, scare quotes or a doubt is applied to). Rows are matched by entity where the parse
found one, and by name otherwise. The table makes an asymmetry visible: one side's statements
reported with "said" while the other side is labelled, hedged and never quoted.
"""

from __future__ import annotations

from collections import Counter

from spacy.tokens import Doc

from claimscope.analyzers.wordlists import cue_lemma, markers
from claimscope.knowledge import countries
from claimscope.model import ActorFraming, Attribution, Entity, Finding, Voice

LABELLING = frozenset({"name_calling", "scare_quotes"})  # words that label an actor


class _Entities:
    """Which entity a name refers to: the first entity (in the analyzer's order) whose name or a
    mention is the name, or one of whose one-word names (over three letters) is a word of it.
    Indexed once per article, where a scan of every entity per name would cost the square of
    the article's length."""

    def __init__(self, entities: list[Entity]) -> None:
        self.entities = entities
        self._whole: dict[str, int] = {}
        self._word: dict[str, int] = {}
        for i, e in enumerate(entities):
            for n in {e.name.lower(), *(m.text.lower() for m in e.mentions)}:
                self._whole.setdefault(n, i)
                if n and " " not in n and len(n) > 3:
                    self._word.setdefault(n, i)

    def find(self, name: str) -> Entity | None:
        low = name.lower()
        hits = [self._word[w] for w in low.split(" ") if w in self._word]
        if low in self._whole:
            hits.append(self._whole[low])
        return self.entities[min(hits)] if hits else None


def framing_by_actor(
    doc: Doc,
    attributions: list[Attribution],
    findings: list[Finding],
    voices: list[Voice],
    entities: list[Entity],
) -> list[ActorFraming]:
    rows: dict[str, ActorFraming] = {}
    distancing = markers().distancing
    known = _Entities(entities)
    by_id = {a.id: a for a in attributions}

    def row(name: str, entity: str | None) -> ActorFraming:
        key = entity or name.lower()
        if key not in rows:
            rows[key] = ActorFraming(actor=name, entity=entity)
        return rows[key]

    for v in voices:
        r = row(v.speaker, v.entity)
        r.affiliation = r.affiliation or v.affiliation
        lemmas = Counter(cue_lemma(doc, by_id[i]) for i in v.attributions)
        r.statements += len(v.attributions)
        for lemma, n in lemmas.items():
            r.cues[lemma] = r.cues.get(lemma, 0) + n
            if lemma in distancing:
                r.distancing_cues += n
    for f in findings:
        if f.technique == "doubt":
            for actor in _event_actors(doc, f, known):
                ent = known.find(actor)
                r = row(ent.name if ent else actor, ent.id if ent else None)
                r.hedged.append(f.text + (f" {f.target}" if f.target else ""))
                r.findings.append(f.id)
        elif f.technique in LABELLING and f.target:
            ent = known.find(f.target)
            r = row(ent.name if ent else f.target, ent.id if ent else None)
            if f.text not in r.labels:
                r.labels.append(f.text)
            r.findings.append(f.id)
        elif f.technique == "name_calling":
            # "the terrorists kidnapped ...": the label is the only name the group is given
            r = row(called(f.text), None)
            if f.text not in r.labels:
                r.labels.append(f.text)
            r.findings.append(f.id)
    cs = countries()
    for r in rows.values():
        if r.affiliation is None:
            found = cs.find(r.actor)
            r.affiliation = ", ".join(found) if found else None
    return sorted(rows.values(), key=lambda r: (-r.statements, -len(r.labels) - len(r.hedged)))


def called(label: str) -> str:
    """The actor a label names when the article gives it no other name: "those called “terrorists”"."""
    return f"those called “{label.lower()}”"


def _event_actors(doc: Doc, f: Finding, known: _Entities) -> list[str]:
    """Whose event or goal a doubt is cast on: the named subject of its clause ("the US ...
    launched a strike with the purported goal of ..."). None when the clause names nobody."""
    span = doc.char_span(f.start, f.end, alignment_mode="expand")
    if span is None:
        return []
    verb = span.root.head if span.root.dep_ in ("amod", "compound") else span.root
    while verb.pos_ not in ("VERB", "AUX") and verb.head.i != verb.i:
        verb = verb.head
    subj = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if subj is None or subj.left_edge.i <= span.start <= subj.right_edge.i:
        return []
    return [n for n in _names_within(doc, subj.left_edge.i, subj.right_edge.i + 1) if known.find(n)]


def _names_within(doc: Doc, start: int, end: int) -> list[str]:
    """The named entities wholly inside tokens ``[start, end)``, read from the tokens' entity tags
    (``Doc.ents`` and ``Span.ents`` build every entity of the article each time)."""
    out = []
    i = start
    while i < end:
        if doc[i].ent_iob_ != "B":
            i += 1
            continue
        j = i + 1
        while j < len(doc) and doc[j].ent_iob_ == "I":
            j += 1
        if j <= end:
            out.append(doc[i:j].text)
        i = j
    return out


def unheard_actors(table: list[ActorFraming]) -> list[str]:
    """Actors the article labels or hedges but never quotes."""
    return [r.actor for r in table if r.statements == 0 and r.labels]


def asymmetry_notes(table: list[ActorFraming]) -> list[str]:
    """A note when one side is quoted plainly and another is labelled without being heard."""
    heard = [r for r in table if r.statements >= 2 and not r.labels and not r.distancing_cues]
    unheard = [r for r in table if r.statements == 0 and len(r.labels) + len(r.hedged) >= 1]
    if not heard or sum(len(r.labels) + len(r.hedged) for r in unheard) < 2:
        return []
    quoted = ", ".join(r.actor for r in heard[:4])
    verbs = sorted({c for r in heard for c in r.cues})
    framed = "; ".join(_framed(r) for r in unheard[:5])
    return [
        f"Asymmetric framing: the article reports {quoted} with plain cues ({', '.join(verbs[:6])}) "
        f"and applies no label to them, while actors it never quotes are labelled or hedged ({framed})."
    ]


def _framed(r: ActorFraming) -> str:
    """An actor and the words aimed at it; a group named only by its label is just its name."""
    words = [w for w in [*r.labels, *r.hedged] if r.actor != called(w)][:4]
    return f"{r.actor}: {', '.join(words)}" if words else r.actor
