"""Titles: the words that make a person's title and the title before or after a name."""

from __future__ import annotations

from spacy.tokens import Doc

# Nouns that head a person's title ("Foreign Minister", "Ambassador to the UN").
TITLE_NOUNS = frozenset(
    {
        "president", "minister", "ambassador", "envoy", "spokesman", "spokeswoman", "spokesperson",
        "secretary", "secretary-general", "chairman", "chairwoman", "chair", "director", "chief",
        "commander", "general", "governor", "senator", "congressman", "congresswoman", "mayor",
        "premier", "representative", "leader", "king", "queen", "prince", "emir", "sheikh",
        "ayatollah", "judge", "prosecutor", "attorney", "adviser", "advisor", "colonel", "admiral",
        "marshal", "lieutenant", "major", "captain", "pope", "bishop", "imam", "head", "deputy",
        "official", "diplomat", "correspondent", "editor", "reporter", "professor", "analyst",
        "researcher", "founder", "ceo", "chancellor", "lawmaker", "officer",
    }
)  # fmt: skip
# Words that qualify a title noun: "Deputy Foreign Minister", "former Defense Secretary".
TITLE_MODIFIERS = frozenset(
    {
        "foreign", "defense", "defence", "interior", "finance", "economy", "health", "justice",
        "information", "energy", "oil", "trade", "education", "deputy", "vice", "prime", "former",
        "acting", "senior", "top", "chief", "assistant", "permanent", "special", "general",
        "national", "security", "intelligence", "army", "military", "opposition", "presidential",
        "press", "state", "first", "new", "then", "lead", "executive", "regional", "local",
    }
)  # fmt: skip
_PLACE_OR_ORG = frozenset({"ORG", "GPE", "NORP", "LOC", "FAC"})


def title_before(doc: Doc, i: int) -> tuple[int, int] | None:
    """The title that ends just before token ``i``, as token indices; None when there is none.

    A title is [owner's] [modifiers] title-noun [to|of|for [the] Name]: "Syria's Ambassador to
    the UN", "Syrian Foreign Minister", "US Secretary of State", "the foreign minister,".
    """
    end = i - 1 if i >= 1 and doc[i - 1].text == "," else i
    j = end - 1
    k = j  # an optional prepositional part: "to the UN", "of State"
    while (
        k >= 0
        and j - k < 5
        and doc[k].pos_ == "PROPN"
        and doc[k].lower_ not in TITLE_NOUNS
        and (doc[k].ent_type_ in _PLACE_OR_ORG or doc[k].lower_ in TITLE_MODIFIERS)
    ):  # "to the UN", "of State"; not "of Mrs." before "Clinton's campaign"
        k -= 1
    if k < j and k >= 1:
        if doc[k].lower_ == "the":
            k -= 1
        if (
            k >= 1
            and doc[k].lower_ in ("to", "of", "for", "at")
            and doc[k - 1].lower_ in TITLE_NOUNS
        ):
            j = k - 1
    if j < 0 or doc[j].lower_ not in TITLE_NOUNS:
        return None
    start = j
    k = j - 1
    while k >= 0 and j - k <= 4:
        t = doc[k]
        if (
            t.lower_ in TITLE_MODIFIERS
            or t.lower_ in TITLE_NOUNS
            or (t.text[:1].isupper() and t.ent_type_ in ("NORP", "GPE", "ORG"))
            or (t.text == "-" and not t.whitespace_)
        ):
            start = k
            k -= 1
        else:
            break
    if k >= 1 and doc[k].tag_ == "POS" and doc[k - 1].pos_ == "PROPN":  # "Syria's"
        start = k - 1
        while start >= 1 and doc[start - 1].pos_ == "PROPN" and doc[start - 1].text[:1].isupper():
            start -= 1
    if start < end and doc[start].lower_ == "the":
        start += 1
    return (start, end) if start < end else None


def apposition_after(doc: Doc, e: int) -> tuple[int, int] | None:
    """ "Walid al-Muallem, Syria's foreign minister, said": the title after the name."""
    if e >= len(doc) or doc[e].text != ",":
        return None
    k = e + 1
    while k < len(doc) and k - e <= 10 and doc[k].text not in (",", ".", ";", ":", ")"):
        if doc[k].pos_ in ("VERB", "AUX", "PRON", "SCONJ", "CCONJ", "NUM"):
            return None
        k += 1
    if k >= len(doc) or doc[k].text not in (",", ".", ";") or k == e + 1:
        return None
    words = doc[e + 1 : k]
    if not any(t.lower_ in TITLE_NOUNS for t in words):
        return None
    start = e + 2 if words[0].lower_ in ("the", "a", "an") else e + 1
    return (start, k) if start < k else None
