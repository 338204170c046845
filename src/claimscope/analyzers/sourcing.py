"""Sourcing: who the voices are (category, affiliation) and how one-sided the sourcing is.

A voice's category and affiliation are read, in this order, from a known organisation in its name
(``knowledge/actors.toml``), role words in its name ("Defense Ministry", "Foreign Minister"), and
the title written next to its mentions ("Syria's Ambassador to the UN Bashar Ja'afari"); the
country comes from country names, demonyms and capitals in the same places. A voice that is a
country or capital ("Damascus and Moscow") speaks for its government.

The summary counts attributed statements by category and affiliation and calls the sourcing
one-sided when no independent voice is heard and one camp supplies nearly all statements; the
reason is said in words, naming the actors the article labels or accuses without quoting them.
"""

from __future__ import annotations

from collections import Counter

from spacy.tokens import Doc

from claimscope.analyzers.framing.actors import asymmetry_notes, framing_by_actor, unheard_actors
from claimscope.analyzers.results import Results, component
from claimscope.knowledge import actors, countries, outlets
from claimscope.model import Attribution, Entity, Sourcing, Voice

INDEPENDENT = frozenset(
    {"NGO/humanitarian", "international organisation", "expert/academic", "witness/citizen"}
)
STATE = frozenset({"government/official", "military", "state media"})
# State Media Matrix typologies under government control: state-controlled, and captured public
# or private media; the independent public and state-funded ones (IP, ISF, ISM, ISFM) are not.
STATE_RUN_TYPOLOGIES = frozenset({"SC", "CaPu", "CaPr"})
# A camp this large a share of the statements, with no independent voice, is one-sided.
ONE_SIDED_SHARE = 0.8
# Parts of speech that end a title read leftwards from a name: a clause, not a noun phrase.
_CLAUSE_POS = frozenset({"VERB", "AUX", "SCONJ"})


def describe(
    voice: Voice, attributions: list[Attribution], doc: Doc, entities: list[Entity]
) -> Voice:
    """The voice with its category, affiliation and the basis they were read from."""
    kb, cs = actors(), countries()
    name = voice.speaker
    by_id = {a.id: a for a in attributions}
    mentions = [by_id[i].source.text for i in voice.attributions if by_id[i].source is not None]  # type: ignore[union-attr]
    titles = _titles(doc, voice, entities)
    category = affiliation = basis = None
    ent = next((e for e in entities if e.id == voice.entity), None)
    roles = list(ent.roles) if ent is not None else []
    org = _known(name, kb.organisations)
    if org is not None:
        category, affiliation = kb.organisations[org]
        basis = f"known organisation “{org}”"
    else:  # an organisation named in the speaker's role: "country director for Amnesty International"
        for text in [*roles, *titles, *mentions]:
            org = _known(text, kb.organisations)
            if org is not None and not _addressed(text, org):
                category, affiliation = kb.organisations[org]
                basis = f"role “{text}” names the known organisation “{org}”"
                break
    speaker_types = {by_id[i].speaker.type for i in voice.attributions if by_id[i].speaker}  # type: ignore[union-attr]
    named_org = speaker_types <= {"ORG", "unknown"} and name[:1].isupper()  # not a person
    outlet = outlets.lookup(name) if category is None and named_org else None
    if (
        outlet is not None
    ):  # "Al Jazeera said": a news outlet, state-run or not (State Media Matrix)
        state_run = outlet.typology in STATE_RUN_TYPOLOGIES
        category, affiliation = ("state media" if state_run else "media"), outlet.country
        basis = f"outlet registry “{outlet.name}” ({outlet.typology_meaning or 'not state media'})"
    if category is None:
        for where, text in [
            ("name", name),
            *(("title", t) for t in [*titles, *roles]),
            *(("mention", m) for m in mentions),
        ]:
            category = next((c for c, p in kb.roles if p.search(text)), None)
            if category is not None:
                basis = f"{where} “{text}”"
                break
    if category is None and "anonymous" in speaker_types:
        category, basis = "anonymous", f"unnamed source “{name}”"
    named = cs.find(name)
    if category is None and named and _only_places(name, cs):
        category, basis = "government/official", f"“{name}” is a country or its capital"
    if not affiliation:
        found = (
            named
            or next((cs.find(t) for t in titles if cs.find(t)), [])
            or next((cs.find(m) for m in mentions if cs.find(m)), [])
        )
        affiliation = ", ".join(found) if found else affiliation
    return voice.model_copy(
        update={
            "category": category or "unknown",
            "affiliation": affiliation or None,
            "basis": basis,
        }
    )


def _known(name: str, organisations: dict[str, tuple[str, str]]) -> str | None:
    low = name.lower()
    hits = [o for o in organisations if o == low or f" {o} " in f" {low} "]
    return max(hits, key=len) if hits else None


def _addressed(text: str, org: str) -> bool:
    """ "Ambassador to the UN": the organisation is where the speaker is sent, not who they are."""
    before = text.lower()[: f" {text.lower()} ".find(f" {org} ")].split()
    return before[-2:] in (["to", "the"],) or before[-1:] == ["to"]


def _only_places(name: str, cs: object) -> bool:
    rest = countries().pattern.sub("", name)
    return not any(
        w.isalpha() and w.lower() not in ("and", "the", "s")
        for w in rest.replace("’", " ").replace("'", " ").split()
    )


def _titles(doc: Doc, voice: Voice, entities: list[Entity]) -> list[str]:
    """The words written before the speaker's mentions in the same sentence (its title), and the
    apposition after them ("Lotfi Azzouz, Tunisia country director for Amnesty International")."""
    ent = next((e for e in entities if e.id == voice.entity), None)
    if ent is None:
        return []
    out = []
    for m in ent.mentions:
        span = doc.char_span(m.start, m.end, alignment_mode="expand")
        if span is None:
            continue
        start = max(span.sent.start, span.start - 8)
        left = doc[start : span.start]
        # A title is a noun phrase next to the name: it stops at punctuation and at a verb, so
        # "SANA quoted the ministry" gives the ministry no title naming SANA.
        cut = max(
            (t.i for t in left if t.text in (",", ";", ".", "(", "—") or t.pos_ in _CLAUSE_POS),
            default=start - 1,
        )
        kept = [t for t in doc[cut + 1 : span.start] if not t.is_punct]
        # ... and it ends in a noun or adjective next to the name ("Syrian Foreign Minister"),
        # not in "from", "and" or an article that leads into the name.
        if kept and kept[-1].pos_ in ("NOUN", "PROPN", "ADJ"):
            title = doc[kept[0].i : kept[-1].i + 1].text.strip()
            if title and title not in out:
                out.append(title)
        for c in span.root.children:  # "Marc Lynch, one of the leading academic voices, ..."
            if c.dep_ == "appos" and c.i >= span.end:
                words = doc[c.left_edge.i : c.right_edge.i + 1].text.strip()
                if words and words not in out:
                    out.append(words)
    return out


def summarize(voices: list[Voice], attributions: list[Attribution], unheard: list[str]) -> Sourcing:
    # a relay that only passed others' words on ("SANA quoted the ministry") is no voice of its own
    voices = [v for v in voices if v.attributions]
    # a statement by a joint speaker ("France and Britain") counts once, shared by its members
    shared = Counter(i for v in voices for i in v.attributions)
    counts = {v.speaker: sum(1 / shared[i] for i in v.attributions) for v in voices}
    total = len(shared)
    by_cat: dict[str, float] = {}
    by_aff: dict[str, float] = {}
    for v in voices:
        cat = v.category or "unknown"
        by_cat[cat] = by_cat.get(cat, 0.0) + counts[v.speaker]
        for aff in (v.affiliation or "unknown").split(", "):
            part = counts[v.speaker] / len((v.affiliation or "unknown").split(", "))
            by_aff[aff] = by_aff.get(aff, 0.0) + part
    ranked_cat = sorted(by_cat.items(), key=lambda kv: -kv[1])  # stable: ties in voice order
    share = {k: round(n / total, 3) for k, n in ranked_cat} if total else {}
    ranked = sorted(by_aff.items(), key=lambda kv: -kv[1])
    aff_share = {k: round(n / total, 3) for k, n in ranked} if total else {}
    independent = sum(n for k, n in by_cat.items() if k in INDEPENDENT) / total if total else 0.0
    anonymous = by_cat.get("anonymous", 0) / total if total else 0.0
    state = sum(n for k, n in by_cat.items() if k in STATE) / total if total else 0.0
    state_affs = sorted(
        {a for v in voices if v.category in STATE for a in (v.affiliation or "").split(", ") if a}
    )
    top_aff = ranked[0] if ranked else ("", 0.0)
    one_sided = False
    if total >= 2 and independent == 0:
        if state >= ONE_SIDED_SHARE:
            one_sided = True
            camp = " and ".join(state_affs) if state_affs else "unstated countries"
            reason = (
                f"One-sided: {round(state * 100)}% of the {total} attributed statements come from "
                f"government, military or state-media sources of {camp}, and no independent voice "
                "(NGO, international organisation, expert or witness) is quoted."
            )
        elif top_aff[0] != "unknown" and top_aff[1] / total >= ONE_SIDED_SHARE:
            one_sided = True
            reason = (
                f"One-sided: {round(top_aff[1] / total * 100)}% of the {total} attributed statements "
                f"come from sources affiliated with {top_aff[0]}, and no independent voice is quoted."
            )
        elif len(voices) == 1:
            reason = (
                f"All {total} attributed statements come from one voice ({voices[0].speaker}), "
                "and no independent voice is quoted."
            )
        else:
            reason = f"No independent voice is quoted among the {len(voices)} voices, but no single camp dominates."
    elif total == 0:
        reason = "No statement in the article is attributed to a named or described source."
    else:
        heard = f"One voice ({voices[0].speaker})" if len(voices) == 1 else f"{len(voices)} voices"
        said = (
            "the one attributed statement comes"
            if total == 1
            else f"the {total} attributed statements come"
        )
        reason = (
            f"{heard}; {round(independent * 100)}% of {said} from independent sources (NGO, "
            "international organisation, expert or witness)."
        )
    if one_sided and unheard:
        reason += (
            " The actors the article labels or accuses (" + ", ".join(unheard) + ") are not heard."
        )
    return Sourcing(
        voices=len(voices),
        attributions=total,
        by_category=share,
        by_affiliation=aff_share,
        anonymous_share=round(anonymous, 3),
        independent_share=round(independent, 3),
        one_sided=one_sided,
        reason=reason,
        unheard=unheard,
    )


@component(
    "claimscope_sourcing",
    reads=["attributions", "entities", "findings", "voices"],
    writes=["voices", "framing_by_actor", "sourcing", "notes"],
    requires=["token.dep", "doc.sents"],
)
def sourcing_component(doc: Doc) -> Doc:
    found = Results.of(doc)
    voices = [describe(v, found.attributions, doc, found.entities) for v in found.voices]
    table = framing_by_actor(doc, found.attributions, found.findings, voices, found.entities)
    found.voices = voices
    found.framing_by_actor = table
    found.sourcing = summarize(voices, found.attributions, unheard_actors(table))
    found.notes.extend(asymmetry_notes(table))
    if found.sourcing.one_sided:
        found.notes.append(found.sourcing.reason)
    return doc
