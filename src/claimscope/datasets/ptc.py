"""The Propaganda Techniques Corpus 2019 (PTC) read as claimscope reads spans: its articles, their
labelled technique spans in ``str`` offsets, and how predicted spans are credited against them.

Shared by ``claimscope eval techniques`` (:mod:`claimscope.evaluation.ptc`, whose docstring gives
the data's quirks and how the loader meets them) and ``claimscope train techniques``
(:mod:`claimscope.training.techniques`), so that neither imports the other. Licence: research use
only; nothing from the corpus is copied into this repository.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from claimscope.errors import InputError

# PTC 2019 label -> claimscope technique name. Labels claimscope does not produce (yet) are named
# too: they count in recall, and start being scored as soon as an analyzer emits the name.
PTC_TO_CLAIMSCOPE: dict[str, str] = {
    "Loaded_Language": "loaded_language",
    "Name_Calling,Labeling": "name_calling",
    "Repetition": "repetition",
    "Exaggeration,Minimisation": "exaggeration",
    "Doubt": "doubt",
    "Appeal_to_fear-prejudice": "appeal_to_fear",
    "Flag-Waving": "flag_waving",
    "Causal_Oversimplification": "causal_oversimplification",
    "Slogans": "slogans",
    "Whataboutism": "whataboutism",
    "Appeal_to_Authority": "appeal_to_authority",
    "Black-and-White_Fallacy": "black_and_white_fallacy",
    "Reductio_ad_hitlerum": "reductio_ad_hitlerum",
    "Red_Herring": "red_herring",
    "Thought-terminating_Cliches": "thought_terminating_cliches",
    "Bandwagon": "bandwagon",
    "Straw_Men": "straw_man",
    "Obfuscation,Intentional_Vagueness,Confusion": "obfuscation",
}
CLAIMSCOPE_TO_PTC = {v: k for k, v in PTC_TO_CLAIMSCOPE.items()}


@dataclass(frozen=True)
class Labelled:
    """One technique span, gold or predicted: ``str`` offsets into the article text."""

    technique: str
    start: int
    end: int

    def __len__(self) -> int:
        return max(0, self.end - self.start)


@dataclass
class PtcArticle:
    id: str  # "article111111112", the file name without extension
    text: str
    labels: list[Labelled]
    left_out: list[str] = field(default_factory=list)  # label lines outside the text


@dataclass
class PtcSplit:
    folder: Path
    articles: list[PtcArticle]
    technique_names: list[str]  # techniques.txt, when found beside or inside the folder
    without_labels: int = 0  # .txt files with no labels file (left out)


# --- loading -----------------------------------------------------------------------------------


def split_folder(root: Path, split: str = "dev") -> Path:
    """The folder holding the articles: ``root`` itself, or ``root/split`` for the corpus folder."""
    if any(root.glob("article*.txt")):
        return root
    if any((root / split).glob("article*.txt")):
        return root / split
    raise InputError(
        f"{root}: expected PTC files articleNNN.txt with articleNNN.labels.tsv, "
        f"or a corpus folder holding {split}/ with them"
    )


def load_ptc(root: Path, limit: int | None = None, split: str = "dev") -> PtcSplit:
    """The labelled articles of a PTC split, in file-name order; ``limit`` keeps the first N."""
    folder = split_folder(root, split)
    texts = sorted(folder.glob("article*.txt"))
    labelled = [t for t in texts if _labels_path(t).exists()]
    if not labelled:
        raise InputError(f"{folder}: no articleNNN.txt has its articleNNN.labels.tsv")
    articles = [_load_article(t) for t in labelled[:limit]]
    names: list[str] = []
    for candidate in (folder / "techniques.txt", folder.parent / "techniques.txt"):
        if candidate.is_file():
            names = [n.strip() for n in candidate.read_text("utf-8").splitlines() if n.strip()]
            break
    return PtcSplit(folder, articles, names, without_labels=len(texts) - len(labelled))


def _labels_path(txt: Path) -> Path:
    return txt.with_name(txt.stem + ".labels.tsv")


def _load_article(txt: Path) -> PtcArticle:
    # Bytes decoded as UTF-8, nothing dropped or translated: the offsets count every character,
    # a byte-order mark included (see the module docstring).
    try:
        text = txt.read_bytes().decode("utf-8")
    except UnicodeDecodeError as e:
        raise InputError(f"{txt}: not UTF-8 ({e})") from None
    labels_file = _labels_path(txt)
    to_index = utf16_to_index(text)
    article = PtcArticle(txt.stem, text, [])
    for n, line in enumerate(labels_file.read_text("utf-8").splitlines(), 1):
        if not line.strip():
            continue
        parts = line.rstrip("\n").split("\t")
        if len(parts) != 4 or not parts[2].isdigit() or not parts[3].isdigit():
            raise InputError(f"{labels_file}:{n}: expected ID<TAB>technique<TAB>start<TAB>end")
        art_id, label, start, end = parts[0], parts[1], int(parts[2]), int(parts[3])
        if f"article{art_id}" != txt.stem:
            raise InputError(f"{labels_file}:{n}: article id {art_id} does not match the file")
        if not 0 <= start < end < len(to_index):
            article.left_out.append(f"{txt.stem} {label} {start}:{end} (text length {len(text)})")
            continue
        article.labels.append(Labelled(technique_name(label), to_index[start], to_index[end]))
    return article


def utf16_to_index(text: str) -> list[int]:
    """For every UTF-16 offset into ``text`` (0 to its UTF-16 length), the ``str`` index.

    A character outside the Basic Multilingual Plane takes two UTF-16 units; an offset between
    them maps to the character's own index.
    """
    out: list[int] = []
    for i, ch in enumerate(text):
        out.append(i)
        if ord(ch) > 0xFFFF:
            out.append(i)
    out.append(len(text))
    return out


def technique_name(ptc_label: str) -> str:
    """claimscope's name for a PTC label; a label outside the 2019 list gets a snake_case form."""
    if ptc_label in PTC_TO_CLAIMSCOPE:
        return PTC_TO_CLAIMSCOPE[ptc_label]
    return re.sub(r"[^a-z0-9]+", "_", ptc_label.lower()).strip("_")


# --- scoring -----------------------------------------------------------------------------------


@dataclass
class Tally:
    """Partial-overlap credit summed over articles (see the module docstring for the formula)."""

    predicted: int = 0
    gold: int = 0
    precision_credit: float = 0.0  # Σ over predicted spans of the best covered share
    recall_credit: float = 0.0  # Σ over gold spans of the best covered share

    def precision(self) -> float | None:
        return self.precision_credit / self.predicted if self.predicted else None

    def recall(self) -> float | None:
        return self.recall_credit / self.gold if self.gold else None

    def f1(self) -> float | None:
        """Harmonic mean; 0 when one side is undefined and the other exists, None with neither."""
        if not self.predicted and not self.gold:
            return None
        p, r = self.precision() or 0.0, self.recall() or 0.0
        return 0.0 if p + r == 0 else 2 * p * r / (p + r)

    def add(self, other: Tally) -> None:
        self.predicted += other.predicted
        self.gold += other.gold
        self.precision_credit += other.precision_credit
        self.recall_credit += other.recall_credit


def _overlap(a: Labelled, b: Labelled) -> int:
    return max(0, min(a.end, b.end) - max(a.start, b.start))


def credit(gold: Sequence[Labelled], predicted: Sequence[Labelled]) -> Tally:
    """The partial-overlap tally of ``predicted`` against ``gold`` in one article.

    Techniques are not looked at here: callers pass spans of one technique (classification) or
    merged spans of all (identification). An empty span is counted but earns no credit.
    """
    t = Tally(predicted=len(predicted), gold=len(gold))
    for s in predicted:
        if len(s):
            t.precision_credit += max((_overlap(s, g) for g in gold), default=0) / len(s)
    for g in gold:
        if len(g):
            t.recall_credit += max((_overlap(g, s) for s in predicted), default=0) / len(g)
    return t


def merge_overlapping(spans: Iterable[Labelled]) -> list[Labelled]:
    """Spans that overlap merged into one, technique dropped (SemEval-2020 SI)."""
    out: list[Labelled] = []
    for s in sorted(spans, key=lambda s: (s.start, s.end)):
        if out and s.start < out[-1].end:
            last = out[-1]
            out[-1] = Labelled("", last.start, max(last.end, s.end))
        else:
            out.append(Labelled("", s.start, s.end))
    return out
