"""Rules that find attributions in a parsed Doc: a cue, the source mention and the content.

Each finder reads the dependency parse and returns :class:`Candidate` records (token and character
positions, not yet resolved to speakers). Rules are named (``Candidate.rule``) so that confidence
can be calibrated per rule on annotated data.

- verb cues: "X said (that) Y", "Y, X said", "X said: Y", "“Y,” he said, “Z”", "X told Y that Z",
  and relays "X quoted Y as saying Z";
- "according to X, Y";
- the headline colon ("...: Russia");
- agentless forms: "it is alleged that", "is said to", "stands accused of", "reportedly";
- noun cues: "the ministry's claim that Y", "allegations that Y";
- quoted sentences that continue the previous speaker.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass, field

from spacy.tokens import Doc, Token
from spacy.tokens import Span as SpacySpan

from claimscope.analyzers import prose_tokens, text_of
from claimscope.analyzers.attribution.lexicon import Lexicon, can_speak, lexicon
from claimscope.analyzers.attribution.quotes import QUOTE_CHARS, Quote, quote_at

_LEAD_TRIM = frozenset(",;:—–-)")
_TRAIL_TRIM = frozenset(",;:—–-(")
_SUBJECTS = ("nsubj", "nsubjpass", "csubj")
# Speech verbs that also mean going on with an action ("continued fighting", "repeated trying").
_GOING_ON = frozenset({"continue", "repeat", "resume", "keep"})
_CLAUSES = ("ccomp", "parataxis")
_CUT_FROM_SOURCE = ("relcl", "acl", "advcl", "punct", "cc", "prep", "case")


@dataclass
class Candidate:
    rule: str
    kind: str
    cue: tuple[int, int]
    cue_token: int
    content: list[tuple[int, int]]
    source: SpacySpan | None = None
    via: list[SpacySpan] = field(default_factory=list)

    @property
    def start(self) -> int:
        return min([self.cue[0], *(s for s, _ in self.content)])


# --------------------------------------------------------------------------------------------
# Spans from token sets


def pieces(
    doc: Doc, tokens: Iterable[Token], quotes: list[Quote], cue: int | None = None
) -> list[tuple[int, int]]:
    """Character spans of the contiguous runs of ``tokens``, trimmed and snapped to quotations.

    ``cue`` is the cue's character offset: a piece that ends a quotation the cue stands outside
    of is the whole quotation (“A. B,” he said).
    """
    idx = sorted({t.i for t in tokens})
    runs: list[list[int]] = []
    for i in idx:
        if runs and i == runs[-1][-1] + 1:
            runs[-1].append(i)
        else:
            runs.append([i])
    out = []
    for run in runs:
        span = _trim(doc, run[0], run[-1] + 1)
        if span is None:
            continue
        out.append(_snap_to_quote(text_of(doc), span, quotes, cue))
    return merge_spans(out)


def _trim(doc: Doc, start: int, end: int) -> tuple[int, int] | None:
    while start < end and (doc[start].text in _LEAD_TRIM or doc[start].is_space):
        start += 1
    while end > start and (doc[end - 1].text in _TRAIL_TRIM or doc[end - 1].is_space):
        end -= 1
    if end > start and doc[end - 1].text == "." and end - start > 1:
        end -= 1  # the sentence's full stop is not part of reported content
    while end > start and (doc[end - 1].text in _TRAIL_TRIM or doc[end - 1].is_space):
        end -= 1
    if end <= start:
        return None
    return doc[start].idx, doc[end - 1].idx + len(doc[end - 1].text)


def _snap_to_quote(
    text: str, span: tuple[int, int], quotes: list[Quote], cue: int | None = None
) -> tuple[int, int]:
    """A piece that is (nearly) a whole quotation becomes that quotation, marks included."""
    start, end = span
    # strip a lone quote mark at either end first; the quotation snap below puts it back if whole
    if text[start] in QUOTE_CHARS and quote_at(quotes, start, start + 1) is None:
        start += 1
    q = quote_at(quotes, start, end) or quote_at(quotes, start, min(end + 2, len(text)))
    if q is None and start > 0:
        q = quote_at(quotes, start - 1, end)
    if q is not None:
        inner_start, inner_end = q.inner
        inner = max(inner_end - inner_start, 1)
        covered = min(end, inner_end) - max(start, inner_start)
        if covered / inner >= 0.6:
            return q.start, q.end
    # a piece inside a quotation that runs to its closing mark is the quotation's last sentence:
    # the parse takes only that one for the content of “A. B,” he said
    if (
        cue is not None
        and q is not None
        and q.closed
        and not q.start <= cue < q.end
        and q.start < start
        and q.end - 3 <= end <= q.end
    ):
        return q.start, q.end
    # content that begins where a quotation begins is the whole quotation, over sentence ends:
    # the parse stops at the first sentence of "He said, “A. B. C.”"
    q = quote_at(quotes, max(start - 1, 0), max(start - 1, 0) + 1)
    if q is not None and q.start in (start, start - 1) and q.end > end:
        return q.start, q.end
    # an opening mark inside the piece whose quotation ends just after it: include the closing mark
    q = quote_at(quotes, start, start + 1)
    if q is not None and q.start == start and end < q.end <= end + 3:
        return start, q.end
    return start, end


def merge_spans(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


def kind_of(text: str, content: list[tuple[int, int]], quotes: list[Quote]) -> str:
    """direct: every piece is a quotation; mixed: a quotation of 3+ words inside; else indirect."""
    if all(_is_quotation(quotes, s, e) for s, e in content):
        return "direct"
    for s, e in content:
        for q in quotes:
            if s <= q.start and q.end <= e and len(text[q.start : q.end].split()) >= 3:
                return "mixed"
    return "indirect"


def _is_quotation(quotes: list[Quote], start: int, end: int) -> bool:
    """Whether ``[start, end)`` is a quotation from its opening mark."""
    q = quote_at(quotes, start, end)
    return q is not None and q.start == start


def noun_phrase(token: Token) -> SpacySpan:
    """The mention a subject token stands for: its subtree without clauses and side remarks."""
    doc = token.doc
    keep = {token.i}
    stack = [token]
    while stack:
        t = stack.pop()
        for c in t.children:
            if c.dep_ in _CUT_FROM_SOURCE and not (
                c.dep_ == "prep"
                and c.head.i == token.i
                and c.i > token.i
                and c.lower_ in ("of", "to", "for", "at", "in", "from", "by")
                and (_names_org(c) or (c.lower_ == "of" and token.lemma_.lower() in QUANTITIES))
            ):
                continue
            if c.dep_ == "appos" and any(x.text == "," for x in doc[min(c.i, t.i) : max(c.i, t.i)]):
                continue  # "Muallem, the minister, said": the mention is "Muallem"
            keep.add(c.i)
            stack.append(c)
    lo, hi = min(keep), max(keep) + 1
    while lo < hi - 1 and doc[lo].is_punct:
        lo += 1
    while hi > lo + 1 and doc[hi - 1].is_punct:
        hi -= 1
    lo = _after_dateline(doc, lo, hi)
    return doc[lo:hi]


_DATELINE = frozenset({"DATE", "TIME", "CARDINAL"})


def _after_dateline(doc: Doc, lo: int, hi: int) -> int:
    """Where a name starts after a run-in dateline or page residue: "Thursday 6 April 2017 Turkey",
    "Get short URL 11990 Russias Defense Ministry" (text without line breaks runs them together).

    The last number or date before a proper noun in the phrase ends the residue; a number before a
    common noun is the mention's own ("two medics").
    """
    cut = None
    for i in range(lo, hi - 1):
        t = doc[i]
        if (t.like_num or t.ent_type_ in _DATELINE or ":" in t.text) and doc[i + 1].pos_ == "PROPN":
            cut = i + 1
    return cut if cut is not None else lo


# heads that count the people who speak: "a number of analysts", "hundreds of families"
QUANTITIES = frozenset(
    {
        "number", "lot", "dozen", "dozens", "hundred", "hundreds", "thousand", "thousands",
        "majority", "minority", "handful", "couple", "few", "many", "some", "most", "several",
        "all", "both", "each", "one", "two", "three", "four", "five", "group", "team", "panel",
    }
)  # fmt: skip


def _names_org(prep: Token) -> bool:
    """ "Ambassador to the UN", "Minister of Defense": a prepositional part of a title."""
    return any(t.pos_ == "PROPN" for t in prep.subtree)


# --------------------------------------------------------------------------------------------
# Finders


def subject_of(verb: Token) -> Token | None:
    """The verb's subject, inherited through coordination and participles ("..., adding that")."""
    seen = 0
    t: Token | None = verb
    while t is not None and seen < 4:
        subjects = [c for c in t.children if c.dep_ in ("nsubj", "csubj")]
        if subjects:
            # one subject, but a hyphen can break the parse into several ("Vice - president
            # of ... said"): the last of those written together heads the phrase
            named = [x for x in subjects if not (x.ent_type_ in _DATELINE or x.like_num)]
            if named and len(named) < len(subjects):  # "19 October 2016 Russia has accused"
                subjects = named
            c = subjects[0]
            for nxt in subjects[1:]:
                if nxt.i - c.i > 2 or nxt.i > t.i:
                    break
                c = nxt
            if c.tag_ in ("WP", "WDT") and t.dep_ == "relcl":
                return t.head  # "the minister, who said ..."
            return c
        if t.dep_ in ("conj", "xcomp", "advcl") and t.head.i != t.i:
            t = t.head
            seen += 1
            continue
        if (
            t.dep_ == "pcomp"
            and t.head.dep_ == "prep"
            and t.head.lower_ != "as"  # "X quoted Y as saying": Y says it, not X
            and t.head.head.pos_ in ("VERB", "AUX")
        ):
            t = t.head.head  # "X defended it by saying ...": the subject of the verb it modifies
            seen += 1
            continue
        if t.dep_ == "acl" and t.tag_ == "VBG" and not _can_say(t.head):
            # "denied any responsibility, saying ...": the object cannot speak, so the participle
            # goes with the verb whose object it follows
            if t.head.head.i != t.head.i and t.head.head.pos_ in ("VERB", "AUX"):
                t = t.head.head
                seen += 1
                continue
            return None
        if t.dep_ == "relcl" or (t.dep_ == "acl" and t.tag_ == "VBG"):
            return t.head  # "a statement saying ...": the noun it describes is the source
        return None
    return None


def _can_say(t: Token) -> bool:
    """A noun that can be a source: a name, a pronoun, or a noun for a person, body or document."""
    if t.pos_ in ("PROPN", "PRON") or t.ent_type_ in ("PERSON", "ORG", "GPE", "NORP"):
        return True
    return can_speak(t.lemma_.lower(), lexicon())


def _dated_subject(doc: Doc, subj: Token, verb: Token) -> Token:
    """ "Date of publication 19 October 2016 Russia has accused ...": the name before the verb.

    Text that lost its line breaks runs a dateline into the sentence, and the parser takes the
    date for the subject; the proper noun just before the verb (and its auxiliaries) is the source.
    """
    if subj.ent_type_ not in ("DATE", "TIME", "CARDINAL") and not subj.like_num:
        return subj
    j = verb.i - 1
    while j > subj.i and doc[j].dep_ in ("aux", "auxpass", "neg", "advmod"):
        j -= 1
    if j > subj.i and doc[j].pos_ == "PROPN":
        return doc[j]
    return subj


def verb_cues(doc: Doc, lex: Lexicon, quotes: list[Quote]) -> list[Candidate]:
    out = []
    verbs = lex.verbs
    for t in prose_tokens(doc):
        if t.pos_ not in ("VERB", "AUX"):
            continue
        if t.lemma_ not in verbs and not _that_clause(t):
            continue
        if _is_passive(t):
            continue  # agentless or by-agent passives are handled by agentless()
        if _bare_infinitive(t):
            continue
        if t.lemma_ in lex.relay:
            cand = _relay(doc, t, quotes)
            if cand:
                out.append(cand)
                continue
        found = _verb_content(doc, t, lex, quotes)
        if found is None:
            continue
        if found[0] == "verb_clause" and t.lemma_ not in verbs:
            subj0 = subject_of(t)
            if subj0 is None or subj0.lower_ in ("it", "this", "that", "there", "what", "which"):
                continue
            found = ("verb_that", found[1], found[2])
        rule, content_tokens, cue_end = found
        subj = subject_of(t)
        if subj is None or subj.i in {x.i for x in content_tokens}:
            continue
        subj = _dated_subject(doc, subj, t)
        group = lex.verb_group(t.lemma_)
        if group in ("belief", "evidence") and rule == "verb_clause":
            if subj.lower_ in ("i", "we", "you"):
                continue  # "I think", "you know": a speaker's hedge, not a new source
            rule = f"verb_{group}"
        content = pieces(doc, content_tokens, quotes, cue=t.idx)
        if not content:
            continue
        via = []
        for c in t.children:  # "X told Reuters that ...": a media outlet addressed is a relay
            if t.lemma_ == "tell" and c.dep_ in ("dobj", "dative") and c.ent_type_ == "ORG":
                via.append(noun_phrase(c))
        cue = _phrasal_cue(doc, t)
        if cue_end is not None:
            cue = (cue[0], doc[cue_end].idx + len(doc[cue_end].text))
        out.append(
            Candidate(
                rule=rule,
                kind=kind_of(text_of(doc), content, quotes),
                cue=cue,
                cue_token=t.i,
                content=content,
                source=noun_phrase(subj),
                via=via,
            )
        )
    return out


_NOT_CUES = frozenset(
    {
        "be",
        "have",
        "do",
        "make",
        "ensure",
        "mean",
        "seem",
        "appear",
        "so",
        "given",
        "provided",
        "feel",
        "help",  # verbs of causing: "helped Republicans win", "let them see"
        "cause",
        "let",
        "get",
    }
)


_PLAIN = frozenset({"clear", "plain", "known", "obvious"})


def _that_clause(t: Token) -> bool:
    """A verb taking a that-clause ("argued that", "made clear that"): reported content.

    "make" is no cue ("made sure that"), except when it makes something known ("made it clear").
    """
    if t.lemma_ in _NOT_CUES and not (
        t.lemma_ == "make" and any(c.lower_ in _PLAIN for c in t.children)
    ):
        return False
    return any(c.dep_ == "ccomp" and c.i > t.i for c in t.children)


def speaker_like(t: Token | None) -> bool:
    """A subject that can be a source: a person, an organisation, or a personal pronoun."""
    if t is None:
        return False
    if t.lower_ in ("he", "she", "they", "we", "i"):
        return True
    if t.ent_type_ in ("PERSON", "ORG", "GPE", "NORP"):
        return True
    return t.pos_ == "PROPN"


def _bare_infinitive(t: Token) -> bool:
    """ "the first one to say ...": an infinitive whose subject is not a source in the text.

    "went on to say", "declined to say" and the like keep the subject of the verb they complete.
    """
    if not any(c.dep_ == "aux" and c.lower_ == "to" for c in t.children):
        return False
    return not (t.dep_ == "xcomp" and t.head.pos_ in ("VERB", "AUX"))


def _verb_content(
    doc: Doc, t: Token, lex: Lexicon, quotes: list[Quote]
) -> tuple[str, list[Token], int | None] | None:
    """What a cue verb attributes, by the first construction that applies.

    Returns the rule, the content tokens, and the last token of the cue when the cue takes in a
    preposition ("called for").
    """
    tokens: list[Token] = [x for c in t.children if c.dep_ in _CLAUSES for x in c.subtree]
    if _enough(tokens):
        return "verb_clause", tokens, None
    final = _final_cue(doc, t, lex)
    if final is not None:
        return "verb_final", final, None
    if t.lemma_ in lex.speech or t.lemma_ in lex.evidence:
        # the parse often takes a reported clause for an adverbial one: "said that ...",
        # "asked whether ...", "said he would ..." hung under the verb as advcl
        for c in t.children:
            if c.dep_ == "advcl" and c.i > t.i and _reported_mark(c, t):
                tokens = list(c.subtree)
                if _enough(tokens, 3):
                    return "verb_clause", tokens, None
    if t.lemma_ in lex.speech or t.lemma_ in lex.judgement:
        late = _clause_after_time(t)
        if late is not None:
            return "verb_clause", late, None
    as_clause = t.dep_ == "advcl" and any(
        m.dep_ == "mark" and m.lower_ == "as" for m in t.children
    )  # "As the Post reported, Y"
    if (t.dep_ == "parataxis" or as_clause) and (
        t.lemma_ in lex.speech or t.lemma_ in lex.evidence
    ):
        # "X, he said, Y": the clause the cue interrupts is the content
        inside = {x.i for x in t.subtree}
        tokens = [x for x in t.head.subtree if x.i not in inside]
        if _enough(tokens):
            return "verb_parenthetical", tokens, None
    if t.lemma_ in lex.speech and t.i + 1 < len(doc) and doc[t.i + 1].text == ":":
        tokens = list(doc[t.i + 2 : t.sent.end])
        if _enough(tokens):
            return "verb_colon", tokens, None
    dobj = next((c for c in t.children if c.dep_ == "dobj"), None)
    xcomp = next((c for c in t.children if c.dep_ == "xcomp" and c.i > t.i), None)
    if t.lemma_ in lex.speech:
        quoted = _adjacent_quote(doc, t, quotes)
        if quoted is not None:
            return "verb_quote", quoted, None
        if (
            xcomp is not None
            and dobj is None
            and not any(c.dep_ == "aux" and c.lower_ == "to" for c in xcomp.children)
            # "he would continue fighting for ...": going on doing says nothing, unless what
            # follows is a clause with its own subject ("denied using" is a statement)
            and (t.lemma_ not in _GOING_ON or any(c.dep_ in _SUBJECTS for c in xcomp.children))
            and _enough(list(xcomp.subtree), 3)
        ):
            return "verb_clause", list(xcomp.subtree), None  # "He said legalizing it could ..."
        if (
            dobj is not None
            and dobj.i > t.i
            and t.lemma_ in ("say", "write", "tweet", "add", "claim", "insist", "argue", "note")
            and any(x.pos_ in ("VERB", "AUX") for x in dobj.subtree)
            and _enough(list(dobj.subtree), 4)
        ):
            # "says the movement that's sweeping the country is ...": a clause parsed as object
            return "verb_clause", list(dobj.subtree), None
        answer = next((c for c in t.children if c.dep_ in ("intj", "dobj") and c.i > t.i), None)
        if (
            answer is not None
            and t.lemma_ in ("say", "answer", "reply")  # not "tell": "told reporters"
            and len(list(answer.subtree)) <= 3
        ):
            return "verb_object", list(answer.subtree), None  # "said so", "said no"
    directive = (
        t.lemma_ in _DIRECTIVE and dobj is not None and xcomp is not None and dobj.i < xcomp.i
    )  # "warned people to stay away", "told them to leave": the addressee and what to do
    if xcomp is not None and (t.lemma_ in lex.intention or directive):
        tokens = [*(dobj.subtree if dobj is not None and dobj.i < xcomp.i else []), *xcomp.subtree]
        if _enough(tokens):
            return "verb_xcomp", tokens, None
    if dobj is not None and (
        t.lemma_ in lex.objects
        or t.lemma_ in lex.rates
        or (t.lemma_ in lex.evidence and not speaker_like(subject_of(t)))
    ):
        tokens = list(dobj.subtree)
        for c in t.children:  # "called him a liar", "described it as a step forward"
            if c.i > dobj.i and (
                c.dep_ in ("oprd", "xcomp", "ccomp") or (c.dep_ == "prep" and c.lower_ == "as")
            ):
                tokens.extend(c.subtree)
        if _enough(tokens, 1):
            return "verb_object", tokens, None
    preps = [c for c in t.children if c.dep_ == "prep" and c.i > t.i]
    prep = next(
        (
            c
            for c in preps
            if (t.lemma_ in lex.prepositional and c.lower_ in lex.prepositions)
            or (t.lemma_, c.lower_) in lex.pairs
        ),
        None,
    )
    if prep is not None and not any(
        c.dep_ == "pobj" and (c.ent_type_ in _SETTING or c.lemma_ in _OCCASIONS)
        for c in prep.children
    ):  # "spoke on Tuesday", "campaigned in Iowa", "said on a visit": when, where, how
        tokens = [x for c in prep.children if c.dep_ in ("pobj", "pcomp") for x in c.subtree]
        if _enough(tokens, 1):
            return "verb_prep", tokens, prep.i
    return None


_SETTING = frozenset({"DATE", "TIME", "GPE", "LOC", "FAC"})
# nouns of the occasion or channel of speaking, not its topic: "said on a visit to Ramallah",
# "spoke over the phone", "said on condition of anonymity", "told reporters on the sidelines"
_OCCASIONS = frozenset(
    {
        "visit", "trip", "tour", "sideline", "sidelines", "condition", "phone", "telephone",
        "television", "radio", "camera", "stage", "podium", "eve", "anniversary", "arrival",
        "return", "occasion", "behalf", "air", "line", "way", "video", "videolink",
    }
)  # fmt: skip
_TIME_NOUNS = frozenset(
    {"time", "year", "day", "week", "month", "moment", "night", "morning", "evening", "weekend"}
)


def _clause_after_time(verb: Token) -> list[Token] | None:
    """ "have warned for years that a day of reckoning is coming", "acknowledged at the time that
    neon ...": the parse hangs the that-clause on the time phrase as if it described it."""
    for c in verb.children:
        if c.dep_ not in ("prep", "npadvmod") or c.i < verb.i:
            continue
        when = next((o for o in c.children if o.dep_ == "pobj"), None) if c.dep_ == "prep" else c
        if when is None or not (when.ent_type_ in ("DATE", "TIME") or when.lemma_ in _TIME_NOUNS):
            continue
        for clause in when.children:
            first = clause.left_edge
            if (
                clause.dep_ in ("acl", "relcl")
                and first.lower_ == "that"
                and first.i == when.right_edge.i - len(list(clause.subtree)) + 1
                and any(x.dep_ in ("nsubj", "nsubjpass") for x in clause.children)
            ):
                tokens = [x for x in clause.subtree if x.i != first.i]
                return tokens if _enough(tokens, 3) else None
    return None


# the plain reporting verbs that close a sentence in wire copy ("..., the ministry said")
_FINAL_CUES = frozenset(
    {
        "say", "tell", "add", "state", "note", "claim", "stress", "affirm", "insist", "confirm",
        "announce", "explain", "declare", "report", "reiterate", "write", "warn", "emphasize",
    }
)  # fmt: skip


def _final_cue(doc: Doc, t: Token, lex: Lexicon) -> list[Token] | None:
    """ "Four were foreign volunteers he added.": a cue at the end of a sentence, its content the
    words before its subject.

    Text that lost its commas (FA-KES, transcribed wires) runs the content into "X said", and the
    parser hangs the cue on the content's last noun as a relative clause. Only a speech verb
    whose subject stands right before it and after which only a few words end the sentence
    ("on Sunday", "an investment conference").
    """
    if t.lemma_ not in _FINAL_CUES or any(c.dep_ == "mark" for c in t.children):
        return None  # "..., even though they disclosed": a subordinate clause reports nothing
    sent = t.sent
    subj = next((c for c in t.children if c.dep_ == "nsubj"), None)
    if subj is None:
        return None
    if subj.i > t.i:  # "... overnight said the Britain-based monitor": the subject after the cue
        stop = t.i
        after = subj.right_edge.i + 1
    elif t.dep_ in ("relcl", "acl", "conj", "advcl") and (
        subj.i + 1 == t.i or doc[subj.i + 1 : t.i].text.strip() == "also"
    ):
        stop = subj.left_edge.i
        after = t.i + 1
    else:
        return None
    rest = [x for x in doc[after : sent.end] if not x.is_punct]
    participle = next((i for i, x in enumerate(rest) if x.tag_ == "VBG"), len(rest))
    rest = rest[:participle]  # "..., noting that ...": a statement of its own follows
    setting = {x.i for c in t.children if c.dep_ in ("prep", "npadvmod") for x in c.subtree}
    most = 12 if all(x.i in setting for x in rest) else 6  # "on a visit to Ramallah in ..."
    if len(rest) > most or any(x.pos_ in ("VERB", "AUX") for x in rest):
        return None
    if stop > sent.start and doc[stop - 1].text in (",", ";", ":", "—", "–"):
        return None  # punctuated text: the parse reads "Y, X said" itself, and this is not it
    tokens = list(doc[sent.start : stop])
    return tokens if _enough(tokens, 4) else None


def _opens_sentence(doc: Doc, char: int) -> bool:
    span = doc.char_span(char, char + 1, alignment_mode="expand")
    return span is not None and span[0].sent.start_char >= char - 1


_DIRECTIVE = frozenset(
    {"warn", "advise", "tell", "order", "instruct", "remind", "encourage", "caution", "implore"}
)


def _adjacent_quote(doc: Doc, t: Token, quotes: list[Quote]) -> list[Token] | None:
    """A quotation the parse left unattached: “...,” he said. / “...,” her mother said."""
    subj = subject_of(t)
    left = min(t.i, subj.left_edge.i) if subj is not None else t.i
    start_char = doc[left].idx
    end_char = t.idx + len(t.text)
    first = bisect_left(quotes, start_char - 2, key=lambda q: q.end)  # none ends earlier
    for q in quotes[first:]:
        closing = text_of(doc)[q.end - 2 : q.end].strip(' ”"’')
        sentence_like = closing in ("", ",", ".", "!", "?", ",”", "!”", "?”") or (
            # a comma the text lost ('"... an offensive" said the statement'): a quotation that
            # opens its sentence, not a scare-quoted term inside one ('the "aid group" said')
            len(text_of(doc)[q.start : q.end].split()) >= 4 and _opens_sentence(doc, q.start)
        )
        if 0 <= start_char - q.end <= 2 and sentence_like:
            span = doc.char_span(q.start, q.end, alignment_mode="contract")
            return list(span) if span is not None else None
        if 0 <= q.start - end_char <= 2:
            span = doc.char_span(q.start, q.end, alignment_mode="contract")
            return list(span) if span is not None else None
        if q.start > end_char + 2:
            break
    return None


def _reported_mark(clause: Token, verb: Token) -> bool:
    """Whether an adverbial clause under a cue verb reads as its reported content.

    "that" always does; "if"/"whether" do after verbs of asking ("asked if he would run").
    """
    marks = [m.lower_ for m in clause.children if m.dep_ == "mark"]
    if "that" in marks:
        return True
    return bool({"if", "whether"} & set(marks)) and verb.lemma_ in _ASKING


_ASKING = frozenset({"ask", "wonder", "question", "inquire", "enquire"})


def _enough(tokens: list[Token], minimum: int = 2) -> bool:
    return sum(1 for x in tokens if not x.is_punct) >= minimum


def _phrasal_cue(doc: Doc, verb: Token) -> tuple[int, int]:
    """The cue words: the verb with its particle and auxiliaries next to it ("has said", "pointed out")."""
    start, end = verb.i, verb.i + 1
    while start > 0 and doc[start - 1].dep_ in ("aux", "neg") and doc[start - 1].head.i == verb.i:
        start -= 1
    for c in verb.children:
        if c.dep_ == "prt" and c.i == end:
            end += 1
    return doc[start].idx, doc[end - 1].idx + len(doc[end - 1].text)


def _is_passive(t: Token) -> bool:
    return any(c.dep_ in ("auxpass", "nsubjpass") for c in t.children)


def _relay(doc: Doc, verb: Token, quotes: list[Quote]) -> Candidate | None:
    """ "SANA quoted the ministry as saying that Y": the ministry says Y, via SANA."""
    obj = next((c for c in verb.children if c.dep_ == "dobj"), None)
    if obj is None:
        return None
    saying = next(
        (
            x
            for x in verb.subtree
            if x.lemma_ in ("say", "tell", "state", "warn", "add") and x.i > obj.i
        ),
        None,
    )
    if saying is None:
        return None
    comps = [c for c in saying.children if c.dep_ in _CLAUSES]
    if not comps:
        return None
    tokens = [x for c in comps for x in c.subtree]
    content = pieces(doc, tokens, quotes)
    subj = subject_of(verb)
    if not content:
        return None
    return Candidate(
        rule="relay_quote",
        kind=kind_of(text_of(doc), content, quotes),
        cue=(verb.idx, saying.idx + len(saying.text)),
        cue_token=verb.i,
        content=content,
        source=noun_phrase(obj),
        via=[noun_phrase(subj)] if subj is not None else [],
    )


def according_to(doc: Doc, lex: Lexicon, quotes: list[Quote]) -> list[Candidate]:
    out = []
    for t in prose_tokens(doc):
        if t.lower_ != "according" or t.i + 1 >= len(doc) or doc[t.i + 1].lower_ != "to":
            continue
        to = doc[t.i + 1]
        pobj = next((c for c in to.children if c.dep_ == "pobj"), None)
        if pobj is None:
            pobj = next((c for c in t.children if c.dep_ == "pobj"), None)
        if pobj is None:
            continue
        phrase = {x.i for x in t.subtree} | {x.i for x in to.subtree}
        head = t.head if t.head.i != t.i else t
        if head.i in phrase:
            sent = t.sent
            content_tokens = [x for x in sent if x.i not in phrase]
        else:
            content_tokens = [x for x in head.subtree if x.i not in phrase]
        content = pieces(doc, content_tokens, quotes)
        if not content:
            continue
        out.append(
            Candidate(
                rule="according_to",
                kind="according_to",
                cue=(t.idx, to.idx + len(to.text)),
                cue_token=t.i,
                content=content,
                source=noun_phrase(pobj),
            )
        )
    return out


def headline(doc: Doc, start: int, end: int, quotes: list[Quote]) -> list[Candidate]:
    """ "Militants kidnap kids ...: Russia" (source after the colon) or "Trump: ..." (before)."""
    span = doc.char_span(start, end, alignment_mode="contract")
    if span is None:
        return []
    colons = [t for t in span if t.text == ":"]
    if not colons:
        return _title_case_verb(doc, span, quotes) or _headline_tail(doc, span, quotes)
    colon = colons[-1]
    before = doc[span.start : colon.i]
    after = doc[colon.i + 1 : span.end]
    if 0 < len(after) <= 5 and len(before) >= 3 and _is_name(after):
        source, content_span = after, before
    elif 0 < len(before) <= 4 and len(after) >= 3 and _is_name(before):
        source, content_span = before, after
    else:
        return []
    return _headline_candidate(doc, colon, source, content_span, quotes)


def _headline_candidate(
    doc: Doc,
    cue: Token,
    source: SpacySpan,
    content_span: SpacySpan,
    quotes: list[Quote],
    rule: str = "headline_colon",
) -> list[Candidate]:
    content = pieces(doc, content_span, quotes)
    if not content:
        return []
    return [
        Candidate(
            rule=rule,
            kind="headline",
            cue=(cue.idx, cue.idx + len(cue.text)),
            cue_token=cue.i,
            content=content,
            source=source,
        )
    ]


# nouns a wire headline ends with to name its source: "20 dead in air raids – monitor"
HEADLINE_SOURCES = frozenset(
    {
        "monitor", "ngo", "media", "activists", "sources", "source", "official", "officials",
        "observatory", "army", "military", "ministry", "police", "witnesses", "residents",
        "report", "agency", "staff", "medics", "rescuers", "tv",
    }
)  # fmt: skip
_DASHES = frozenset({"-", "–", "—", "|"})


def _headline_tail(doc: Doc, span: SpacySpan, quotes: list[Quote]) -> list[Candidate]:
    """ "20 dead in air raids in Latakia province – NGO": the source after a dash, or a source
    noun ending a headline whose punctuation was stripped ("... province NGO")."""
    if len(span) < 5:
        return []
    last = span[-1] if not span[-1].is_punct else span[-2]
    dash = next((t for t in reversed(span[:-1]) if t.text in _DASHES and t.i >= last.i - 3), None)
    if dash is not None:
        source = doc[dash.i + 1 : last.i + 1]
        content_span = doc[span.start : dash.i]
        cue = dash
        if not (_is_name(source) or last.lower_ in HEADLINE_SOURCES):
            return []
    elif last.lower_ in HEADLINE_SOURCES and last.i > span.start:
        prev = doc[last.i - 1]
        if prev.pos_ in ("DET", "ADP", "CCONJ") or prev.is_punct:
            return []
        # its own modifier belongs to the source: "hospital staff", "state media"
        modifier = prev.head.i == last.i and prev.dep_ in ("compound", "amod")
        start = last.i - 1 if modifier else last.i
        source = doc[start : last.i + 1]
        content_span = doc[span.start : start]
        cue = last
    else:
        return []
    if len(content_span) < 3:
        return []
    return _headline_candidate(doc, cue, source, content_span, quotes)


def _title_case_verb(doc: Doc, span: SpacySpan, quotes: list[Quote]) -> list[Candidate]:
    """ "Syrian Coalition Urges UN to Relieve Deir Ezzor Residents", "Extremists in Syria Admit
    Killing 30 Alawites": a headline in title case, where the tagger takes every word for a name
    and the parse finds no verb. A verb of saying written as a present tense ("Urges", or "Admit"
    after a plural) splits the headline into its source and what the source says."""
    words = [t for t in span if t.is_alpha]
    if len(words) < 4 or sum(t.text[:1].isupper() for t in words) < 0.8 * len(words):
        return []
    lex = lexicon()
    verbs = lex.speech | lex.judgement
    for t in span[1:-2]:
        low = t.lower_
        third = (low.endswith("s") and (low[:-1] in verbs or low[:-2] in verbs)) or (
            low.endswith("ies") and low[:-3] + "y" in verbs
        )
        plural = low in verbs and any(x.tag_ in ("NNS", "NNPS") for x in doc[span.start : t.i])
        if not (third or plural) or not t.text[:1].isupper():
            continue
        source = doc[span.start : t.i]
        if len(source) > 6:
            return []
        content = doc[t.i + 1 : span.end]
        return _headline_candidate(doc, t, source, content, quotes, rule="headline_verb")
    return []


def _is_name(span: SpacySpan) -> bool:
    return any(
        t.pos_ == "PROPN" or t.ent_type_ in ("PERSON", "ORG", "GPE", "NORP") for t in span
    ) and not any(t.pos_ == "VERB" for t in span)


def agentless(doc: Doc, lex: Lexicon, quotes: list[Quote]) -> list[Candidate]:
    out = []
    for t in prose_tokens(doc):
        if t.lower_ in lex.adverbs and t.dep_ == "advmod":
            head = t.head
            tokens = [x for x in head.subtree if x.i != t.i and x.sent == t.sent]
            content = pieces(doc, tokens, quotes)
            if content:
                out.append(
                    Candidate(
                        "agentless_adverb", "agentless", (t.idx, t.idx + len(t.text)), t.i, content
                    )
                )
            continue
        if t.lemma_ in lex.appearance and t.pos_ == "VERB":
            # "the candidate seemed to be shrinking in stature": the writer's impression
            subj = next((c for c in t.children if c.dep_ == "nsubj"), None)
            xcomp = next(
                (
                    c
                    for c in t.children
                    if c.dep_ in ("xcomp", "acomp", "oprd", "attr", "ccomp") and c.i > t.i
                ),
                None,
            )  # "seemed to be shrinking", "seemed unperturbed", "appears that ..."
            if subj is not None and xcomp is not None and subj.pos_ != "PRON":
                content = pieces(doc, [*subj.subtree, *xcomp.subtree], quotes)
                if content:
                    out.append(
                        Candidate(
                            "agentless_seem",
                            "agentless",
                            (t.idx, t.idx + len(t.text)),
                            t.i,
                            content,
                        )
                    )
            continue
        if (
            t.lemma_ not in lex.passive
            and t.lemma_ not in lex.speech
            and not (
                (t.lemma_ in lex.objects or t.lemma_ in lex.judgement)
                and any(c.dep_ == "agent" for c in t.children)
            )
        ):
            continue
        adjectival = (
            t.tag_ == "VBN"
            and t.dep_ in ("acomp", "oprd")
            and t.head.lemma_ in ("stand", "be", "remain", "seem", "appear")
        )
        if not (_is_passive(t) or adjectival):
            continue
        agent = next((c for c in t.children if c.dep_ == "agent"), None)
        subj = next((c for c in t.children if c.dep_ == "nsubjpass"), None)
        comps = [c for c in t.children if c.dep_ in _CLAUSES]
        xcomp = next((c for c in t.children if c.dep_ == "xcomp"), None)
        of = next((c for c in t.children if c.dep_ == "prep" and c.lower_ == "of"), None)
        cue_start = min(
            [t.i, *(c.i for c in t.children if c.dep_ in ("auxpass", "aux", "neg") and c.i < t.i)]
        )
        if adjectival:
            cue_start = min(cue_start, t.head.i)  # "stands accused of"
        if agent is not None:
            pobj = next((c for c in agent.children if c.dep_ == "pobj"), None)
            if pobj is None:
                continue
            if comps or xcomp:
                tokens = [x for c in comps for x in c.subtree] or (
                    ([*subj.subtree] if subj is not None else []) + [*xcomp.subtree]  # type: ignore[union-attr]
                )
            else:
                tokens = _judged(t, subj, lex)
            content = pieces(doc, tokens, quotes)
            if content:
                out.append(
                    Candidate(
                        "passive_agent",
                        kind_of(text_of(doc), content, quotes),
                        (doc[cue_start].idx, t.idx + len(t.text)),
                        t.i,
                        content,
                        source=noun_phrase(pobj),
                    )
                )
            continue
        if comps:  # "it is alleged that Y"
            tokens = [x for c in comps for x in c.subtree]
            rule = "agentless_it"
        elif xcomp is not None and subj is not None:  # "he is said to have fled"
            tokens = [*subj.subtree, *xcomp.subtree]
            rule = "agentless_subject"
        elif of is not None:  # "stands accused of working with militants"
            tokens = [x for x in of.subtree if x.i != of.i]
            end_tok = of
            content = pieces(doc, tokens, quotes)
            if content:
                out.append(
                    Candidate(
                        "agentless_accused",
                        "agentless",
                        (doc[cue_start].idx, end_tok.idx + len(end_tok.text)),
                        t.i,
                        content,
                    )
                )
            continue
        else:
            continue
        content = pieces(doc, tokens, quotes)
        if content:
            out.append(
                Candidate(
                    rule, "agentless", (doc[cue_start].idx, t.idx + len(t.text)), t.i, content
                )
            )
    return out


def _judged(verb: Token, subj: Token | None, lex: Lexicon) -> list[Token]:
    """What a passive verb of describing or judging attributes: "X has been described as
    'heartbreaking' by Y" (X and the description), "was criticized by Y for making Z" (the
    reason). Empty for verbs that attribute nothing by themselves."""
    if verb.lemma_ not in lex.objects and verb.lemma_ not in lex.judgement:
        return []
    tokens: list[Token] = []
    for c in verb.children:
        if c.i < verb.i:
            continue
        if c.dep_ in ("oprd", "attr") or (c.dep_ == "prep" and c.lower_ == "as"):
            tokens.extend([*(subj.subtree if subj is not None else []), *c.subtree])
        elif c.dep_ == "prep" and c.lower_ in ("for", "of"):
            tokens.extend(x for o in c.children if o.dep_ in ("pobj", "pcomp") for x in o.subtree)
    return sorted(set(tokens), key=lambda x: x.i)


_LABEL = re.compile(r"([A-Z][\w.'’-]*(?: [A-Z][\w.'’-]*){0,3}):[ \t]+(?=\S)")


def speaker_labels(doc: Doc, quotes: list[Quote]) -> list[Candidate]:
    """Transcripts and interviews: a paragraph that starts "TRUMP: ..." or "Mr. Smith: ..."."""
    out = []
    text = text_of(doc)
    pos = 0
    while pos < len(text):
        end = text.find("\n", pos)
        end = len(text) if end == -1 else end
        m = _LABEL.match(text, pos, end)
        if m is not None and (m.group(1).isupper() or len(m.group(1).split()) <= 3):
            label = doc.char_span(m.start(1), m.end(1), alignment_mode="contract")
            body = doc.char_span(m.end(), end, alignment_mode="contract")
            if (
                label is not None
                and body is not None
                and len(body) >= 2
                and any(t.pos_ == "PROPN" or t.text.isupper() for t in label)
            ):
                content = pieces(doc, body, quotes)
                if content:
                    out.append(
                        Candidate(
                            "speaker_label",
                            "direct",
                            (m.end(1), m.end(1) + 1),
                            label.end,
                            content,
                            source=label,
                        )
                    )
        pos = end + 1
    return out


LIST_ITEMS = 10  # how many paragraphs a "said:" at a paragraph's end may introduce


def colon_lists(doc: Doc, lex: Lexicon, quotes: list[Quote]) -> list[Candidate]:
    """ "In the interview, Mr Obama also said:" and then a list of short paragraphs, one point each.

    Each following paragraph is a statement of the speaker, up to the first long paragraph or
    one with a quotation mark (the list is over), at most ``LIST_ITEMS``.
    """
    out = []
    text = text_of(doc)
    for t in prose_tokens(doc):
        if t.lemma_ not in lex.speech or t.i + 1 >= len(doc) or doc[t.i + 1].text != ":":
            continue
        colon = doc[t.i + 1]
        after = text[colon.idx + 1 : colon.idx + 4]
        subj = subject_of(t)
        if subj is None or not after.startswith(("\n\n", " \n\n")):
            continue
        pos = text.find("\n\n", colon.idx) + 2
        for _ in range(LIST_ITEMS):
            end = text.find("\n\n", pos)
            end = len(text) if end == -1 else end
            item = text[pos:end].strip()
            if not item or len(item) > 300 or any(ch in QUOTE_CHARS for ch in item):
                break
            start = pos + text[pos:end].index(item[0])
            span = doc.char_span(start, start + len(item), alignment_mode="contract")
            if span is None or len(span) < 3:
                break
            content = pieces(doc, span, quotes)
            if content:
                out.append(
                    Candidate(
                        "verb_colon_list",
                        kind_of(text, content, quotes),
                        (t.idx, colon.idx + 1),
                        span.start,
                        content,
                        source=noun_phrase(subj),
                    )
                )
            pos = end + 2
    return out


def noun_cues(doc: Doc, lex: Lexicon, quotes: list[Quote]) -> list[Candidate]:
    out = []
    for t in prose_tokens(doc):
        if t.pos_ != "NOUN" or t.lemma_ not in lex.nouns:
            continue
        clause = next(
            (
                c
                for c in t.children
                if c.dep_ in ("acl", "ccomp", "relcl")
                and any(m.dep_ == "mark" and m.lower_ == "that" for m in c.children)
            ),
            None,
        )
        if clause is None:
            continue
        owner = next((c for c in t.children if c.dep_ == "poss"), None)
        if owner is None:
            by = next(
                (c for c in t.children if c.dep_ == "prep" and c.lower_ in ("by", "from")), None
            )
            owner = (
                next((c for c in by.children if c.dep_ == "pobj"), None) if by is not None else None
            )
        if owner is None and t.dep_ == "dobj":
            # "he expressed concern that ...", "she raised the possibility that ...": the light
            # verb's subject holds the view
            owner = subject_of(t.head)
        content = pieces(doc, clause.subtree, quotes)
        if not content:
            continue
        out.append(
            Candidate(
                "noun_owner" if owner is not None else "noun_agentless",
                ("indirect" if owner is not None else "agentless"),
                (t.idx, t.idx + len(t.text)),
                t.i,
                content,
                source=noun_phrase(owner) if owner is not None else None,
            )
        )
    return out


def attach_continuations(doc: Doc, found: list[Candidate], quotes: list[Quote]) -> None:
    """A sentence that is one quotation, with no cue of its own, continues the last speaker.

    “We will respond,” he said. “Nobody should doubt it.” is one statement: the second quotation
    joins the first attribution's content (as annotated corpora such as PolNeAR count it). Only
    when that attribution is close (the same or the next paragraph) and has a speaker: a quotation
    after a stretch of the outlet's own prose is not given one.
    """
    ordered = sorted(found, key=lambda c: c.start)
    text = text_of(doc)
    for q in quotes:
        if len(text[q.start : q.end].split()) < 2:
            continue
        if any(s <= q.start < e or q.start <= s < q.end for c in found for s, e in c.content):
            continue
        before = [
            c
            for c in ordered
            if c.start < q.start and c.kind != "agentless" and c.source is not None
        ]
        if not before:
            continue
        last = before[-1]
        last_end = max(e for _, e in last.content)
        if last_end > q.start or not _continues(text[last_end : q.start]):
            continue
        span = doc.char_span(q.start, q.end, alignment_mode="expand")
        if span is None or len(span.sent.text) > (q.end - q.start) * 1.4:
            continue  # the quotation is part of a longer sentence: not a follow-on
        last.content = merge_spans([*last.content, (q.start, q.end)])
        last.kind = kind_of(text, last.content, quotes)


def _continues(gap: str) -> bool:
    """Whether a quotation after ``gap`` still continues the speaker before it.

    The same or the next paragraph; or further on when what stands between is only short
    paragraphs without quotations (a photo caption, a subheading), as news pages set them.
    """
    if gap.count("\n\n") <= 1 and len(gap) <= 400:
        return True
    between = [p.strip() for p in gap.split("\n\n")[1:] if p.strip()]
    return (
        len(between) <= 2
        and all(len(p) <= 150 and not any(ch in QUOTE_CHARS for ch in p) for p in between)
        and len(gap.split("\n\n")[0]) <= 400
    )
