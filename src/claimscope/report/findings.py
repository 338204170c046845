"""Framing findings for readers: plain technique names, whose words they are, one row per
distinct finding with its occurrences counted.

The analysis lists every occurrence (the JSON keeps them, with offsets); a reader wants "the
article calls the attack a false flag three times, twice in the Defense Ministry's reported
words", not six near-identical rows. A repetition finding is the same occurrence seen again, so it
folds into the row of the words it repeats.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from claimscope.model import Analysis, Attribution, Finding
from claimscope.report.wording import speaker_of

# A reader-facing name for every technique claimscope (or a trained tagger, with PTC's names)
# can report; an unknown one is shown as its name with spaces.
TECHNIQUE_NAMES = {
    "name_calling": "Labelling",
    "loaded_language": "Loaded words",
    "doubt": "Casting doubt",
    "scare_quotes": "Scare quotes",
    "appeal_to_fear": "Appeal to fear",
    "exaggeration": "Exaggeration or minimising",
    "flag_waving": "Flag-waving",
    "whataboutism": "Whataboutism",
    "causal_oversimplification": "One cause for everything",
    "slogans": "Slogan",
    "repetition": "Repetition",
    "appeal_to_authority": "Appeal to authority",
    "black_and_white_fallacy": "Only two options",
    "reductio_ad_hitlerum": "Guilt by association",
    "red_herring": "Red herring",
    "thought_terminating_cliches": "Thought-stopping cliché",
    "bandwagon": "Bandwagon",
    "straw_man": "Straw man",
    "obfuscation": "Vagueness",
}
OUTLET = "the outlet"  # whose words a finding outside every attributed statement is in


def technique_name(technique: str) -> str:
    return TECHNIQUE_NAMES.get(technique, technique.replace("_", " ").capitalize())


def whose(a: Attribution | None) -> str:
    """Whose words a finding is in: "the outlet", "quoting X" (a quotation), "reporting X" (a
    paraphrase), with the relay it came through."""
    if a is None:
        return OUTLET
    who = speaker_of(a)
    if who is None:
        return "an unnamed source"
    if a.via:
        who += " via " + ", ".join(r.name for r in a.via)
    return f"{'quoting' if a.kind == 'direct' else 'reporting'} {who}"


@dataclass(frozen=True)
class FindingRow:
    """One distinct finding: a technique on the same words, with every place it occurs."""

    technique: str  # the reader-facing name
    words: tuple[str, ...]  # each spelling as written, in order of first use
    targets: tuple[str, ...]  # who or what the words are aimed at, when a finding names it
    occurrences: int
    voices: tuple[tuple[str, int], ...]  # whose words, with how many of the occurrences
    explanation: str
    ids: tuple[str, ...]  # the findings folded into the row, repetitions included

    @property
    def whose_words(self) -> str:
        """ "the outlet" or "reporting X 2, the outlet 1", most occurrences first."""
        if len(self.voices) == 1:
            return self.voices[0][0]
        return ", ".join(f"{who} {n}" for who, n in self.voices)


def _key(text: str) -> str:
    """Words that are the same label: case, quotation marks and a plural "s" aside."""
    word = text.strip("“”\"‘’'«» ").lower()
    return word[:-1] if word.endswith("s") and not word.endswith("ss") and len(word) > 3 else word


def finding_rows(analysis: Analysis) -> list[FindingRow]:
    """The findings grouped by technique and words, in order of first occurrence."""
    by_id = {a.id: a for a in analysis.attributions}
    groups: dict[tuple[str, str], list[Finding]] = {}
    repeats: list[Finding] = []
    for f in sorted(analysis.findings, key=lambda f: (f.start, f.end)):
        if f.technique == "repetition":
            repeats.append(f)
        else:
            groups.setdefault((f.technique, _key(f.text)), []).append(f)
    for f in repeats:  # the same occurrence as a label's: it joins that row
        home = next((k for k in groups if k[1] == _key(f.text)), None)
        groups.setdefault(home or ("repetition", _key(f.text)), []).append(f)
    rows = []
    for (technique, _), found in groups.items():
        places = {(f.start, f.end): f for f in found}  # a repetition shares its label's place
        words = tuple(dict.fromkeys(f.text for f in found))
        targets = tuple(dict.fromkeys(f.target for f in found if f.target))
        voices = Counter(whose(by_id.get(f.attribution or "")) for f in places.values())
        main = [f for f in found if f.technique == technique] or found
        explanation = next((f.explanation for f in main if f.target), main[0].explanation)
        rows.append(
            FindingRow(
                technique=technique_name(technique),
                words=words,
                targets=targets,
                occurrences=len(places),
                voices=tuple(voices.most_common()),
                explanation=explanation,
                ids=tuple(f.id for f in found),
            )
        )
    starts = {f.id: f.start for f in analysis.findings}
    return sorted(rows, key=lambda r: min(starts[i] for i in r.ids))
