"""The analysis contract (schema ``claimscope.analysis/1``) as typed classes.

Every interface (library, CLI, web API, corpus runs) produces and reads these, so they are the
project's one public data contract; ``../shared/docs/analysis-contract.md`` is the prose version and
``claimscope/schema/analysis.schema.json`` the published JSON Schema, generated from this module.

Offsets are Python ``str`` indices into ``Article.text`` (end exclusive). Every span carries its
text, and :meth:`Analysis.check_offsets` (run on validation) refuses a document whose span text is
not ``article.text[start:end]``: a consumer can trust the offsets without re-deriving them.
"""

from __future__ import annotations

import bisect
import json
import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

SCHEMA_VERSION = "claimscope.analysis/1"


class _Model(BaseModel):
    # Unknown fields are kept, not dropped: the contract allows added fields within version 1, so a
    # document written by a newer claimscope survives a round trip through an older one.
    model_config = ConfigDict(extra="allow", validate_assignment=False)


class Span(_Model):
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    text: str

    @classmethod
    def of(cls, text: str, start: int, end: int) -> Span:
        """The span ``text[start:end]``: the only way analyzers should build spans."""
        if not 0 <= start <= end <= len(text):
            raise ValueError(f"span {start}:{end} outside text of length {len(text)}")
        return cls(start=start, end=end, text=text[start:end])


class Section(_Model):
    kind: str  # "headline" | "caption" | "body" | ...
    start: int = Field(ge=0)
    end: int = Field(ge=0)


class Removed(_Model):
    """Input text that was cut before analysis, and why (``kind``)."""

    kind: str  # "boilerplate" | "navigation" | "credit" | ...
    text: str
    detail: str | None = None


class OffsetSegment(_Model):
    """``article.text[start:end]`` came from ``original[orig_start:orig_end]``.

    When both lengths are equal the mapping is character by character; otherwise (a normalised
    quote pair, collapsed white space) only the segment's ends correspond.
    """

    start: int
    end: int
    orig_start: int
    orig_end: int


class OffsetMap(_Model):
    """Maps offsets in ``article.text`` back to the input it was read from.

    ``original`` names that input: ``"input"`` is the decoded text given to the reader; ``"html"``
    is the decoded HTML source (paragraphs located in the markup; those not found are not mapped).
    """

    original: Literal["input", "html"] = "input"
    segments: list[OffsetSegment] = Field(default_factory=list)

    def to_original(self, offset: int) -> int | None:
        """The offset in the original input for ``offset`` in the article text, or None."""
        starts = [s.start for s in self.segments]
        i = bisect.bisect_right(starts, offset) - 1
        if i < 0:
            return None
        seg = self.segments[i]
        if offset > seg.end:
            return None
        if seg.end - seg.start == seg.orig_end - seg.orig_start:
            return seg.orig_start + (offset - seg.start)
        return seg.orig_end if offset == seg.end else seg.orig_start


_SURROGATE = re.compile("[\ud800-\udfff]")


class Article(_Model):
    id: str
    title: str | None = None
    outlet: str | None = None
    url: str | None = None
    published: str | None = Field(default=None, pattern=r"^\d{4}-\d{2}-\d{2}$")
    language: str = "en"
    text: str
    sections: list[Section] = Field(default_factory=list)
    removed: list[Removed] = Field(default_factory=list)
    # Added fields (allowed by the contract): where the article came from and how it was read.
    author: str | None = None
    source: str | None = None  # file path, URL or "<stdin>"; "path#row" inside a corpus file
    reader: str | None = None  # "text" | "html" | "url" | "jsonl" | "csv" | "warc" | "feed"
    offset_map: OffsetMap | None = None
    ingest_notes: list[str] = Field(default_factory=list)

    @field_validator("id", "title", "outlet", "url", "text", "author", "source", mode="before")
    @classmethod
    def _no_lone_surrogates(cls, value: Any) -> Any:
        """A lone UTF-16 surrogate ("\\ud800" in JSON) cannot be encoded or stored: it becomes
        U+FFFD, one character for one, so that offsets into the text still hold."""
        if isinstance(value, str) and _SURROGATE.search(value):
            return _SURROGATE.sub("\ufffd", value)
        return value

    @model_validator(mode="after")
    def _sections_inside(self) -> Article:
        for s in self.sections:
            if not 0 <= s.start <= s.end <= len(self.text):
                raise ValueError(f"section {s.kind} {s.start}:{s.end} outside the article text")
        return self


class Failure(_Model):
    """An input that could not become an article or an analysis, kept so that nothing is lost.

    Batch readers yield these in the stream where the article would have been; batch runs record
    them, and the CLI reports them.
    """

    source: str  # file path, URL, "path#row 12", "path#record 3"
    reason: str  # one line a user can act on
    stage: Literal["ingest", "analyze"] = "ingest"


class Speaker(_Model):
    name: str
    entity: str | None = None
    type: str
    # added (issue 16): how the mention was resolved ("name", "surname", "pronoun", "role",
    # "description", "apposition", "metonym", "joint", "mention"), and for a joint speaker ("France
    # and Britain") the name of each member, who share the statement
    basis: str | None = None
    members: list[str] = Field(default_factory=list)


class Relay(_Model):
    name: str
    entity: str | None = None
    source: Span | None = None


class Attribution(_Model):
    id: str
    kind: str  # "direct" | "indirect" | "mixed" | "according_to" | "headline" | "agentless" | ...
    cue: Span
    source: Span | None = None
    speaker: Speaker | None = None
    content: list[Span] = Field(default_factory=list)
    via: list[Relay] = Field(default_factory=list)
    confidence: float = Field(ge=0.0, le=1.0)
    rule: str | None = None  # added: which rule found it (confidence is calibrated per rule)
    # added (issue 16): something said or written (said, told, wrote, accused, according to, a
    # quotation, a report's finding); False for an attitude or intention ("believes", "wants",
    # "supports") or a negated act. Voices and sourcing count speech only.
    speech: bool = True


class FactCheckMatch(_Model):
    """A stored fact-check that may check this claim (added by issue 7).

    ``score`` is the fused probability (0..1) that the review checks this claim; matches under the
    calibrated threshold are not listed. ``claim`` is the claim as the fact-checker worded it, so a
    reader can judge the match.
    """

    reviewer: str | None = None
    rating: str | None = None
    url: str | None = None
    score: float = Field(ge=0.0, le=1.0)
    claim: str
    date: str | None = None
    title: str | None = None
    id: str | None = None  # the store's record id


class RankReason(_Model):
    """Why a claim ranks where it does among the article's claims: one feature of the claim
    ("number", "date", "place", "agent_action" raise it; "caption", "question", "opinion",
    "vague" lower it), what it added to the log-odds of the score, and the words that show it."""

    feature: str
    effect: float
    text: str | None = None


class Claim(_Model):
    id: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    text: str
    voice: Literal["attributed", "outlet", "unattributed"]
    attribution: str | None = None
    hedges: list[Span] = Field(default_factory=list)
    checkworthiness: float = Field(ge=0.0, le=1.0)
    boosters: list[Span] = Field(default_factory=list)  # added: "clearly", "in fact" ...
    factchecks: list[FactCheckMatch] = Field(
        default_factory=list
    )  # added: stored reviews that match
    # Added: the order to check claims in a news article: checkworthiness moved by the reasons.
    priority: float | None = Field(default=None, ge=0.0, le=1.0)
    reasons: list[RankReason] = Field(default_factory=list)


class Entity(_Model):
    id: str
    name: str
    type: str
    mentions: list[Span] = Field(default_factory=list)
    links: dict[str, Any] = Field(default_factory=dict)
    # Added: an organisation's kind ("government", "military", "media", "ngo", "armed_group",
    # "international_org") when known; a person's titles as the article gives them.
    subtype: str | None = None
    roles: list[str] = Field(default_factory=list)


class Place(_Model):
    """A place the article names, linked to the gazetteer (GeoNames).

    ``entity`` is the id of the Entity the place was linked from; a place found in a capitalised
    name no entity covers gets an id of its own, ``P1``, ``P2`` ... (the contract's ``entity`` is a
    string, and an id that names no entity says so without inventing one).
    """

    entity: str
    name: str
    country: str | None = None
    lat: float
    lon: float
    gazetteer_id: str | None = None
    mentions: list[Span] = Field(default_factory=list)
    # Added: the first-level admin region (governorate, province, state); what the entry is
    # ("city" | "admin1" | "country" | "continent"); how sure the link is.
    admin1: str | None = None
    kind: str | None = None
    confidence: float = Field(default=1.0, ge=0.0, le=1.0)


class TimeExpression(_Model):
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    text: str
    value: str | None = Field(default=None, pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$")
    basis: Literal["explicit", "publication", "context", "unresolved"]
    # Added: what sort of expression it is ("date", "month_day", "month", "year", "weekday",
    # "relative", "ago", "anchored"); the first and last day the value can mean (a week is finer
    # than its YYYY-MM value); what an anchored expression counts from ("one week after <anchor>");
    # and, in plain words, why it is unresolved or how it was resolved.
    kind: str | None = None
    earliest: str | None = Field(default=None, pattern=r"^\d{4}-\d{2}-\d{2}$")
    latest: str | None = Field(default=None, pattern=r"^\d{4}-\d{2}-\d{2}$")
    anchor: Span | None = None
    note: str | None = None


class TimelineEvent(_Model):
    """Added: a claim placed in time by a resolved time expression (see ``Analysis.timeline``).

    ``start``/``end``/``text`` are the claim's span, or the sentence's when the time expression's
    sentence holds no claim (``claim`` is then null). ``relation`` says whether the time expression
    lies inside the claim (``contains``) or elsewhere in its sentence (``sentence``).
    """

    value: str = Field(pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$")
    basis: Literal["explicit", "publication", "context"]
    time: Span
    claim: str | None = None
    relation: Literal["contains", "sentence"]
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    text: str


class Finding(_Model):
    id: str
    technique: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    text: str
    target: str | None = None
    explanation: str
    confidence: float = Field(ge=0.0, le=1.0)
    # added (issue 18): whose words these are. The id of the attribution whose content holds
    # them (a speaker's words as the article reports them); null for the outlet's own words.
    attribution: str | None = None


class Voice(_Model):
    speaker: str
    entity: str | None = None
    attributions: list[str] = Field(default_factory=list)
    affiliation: str | None = None
    category: str | None = None
    basis: str | None = None  # added: what the category and affiliation were read from
    # added (issue 16): attributions this voice passed on as a relay ("SANA quoted the ministry")
    relayed: list[str] = Field(default_factory=list)


class ActorFraming(_Model):
    """Added: how the outlet treats one actor (a speaker, or a group its words label)."""

    actor: str
    entity: str | None = None
    affiliation: str | None = None
    statements: int = 0  # attributions spoken by the actor
    cues: dict[str, int] = Field(default_factory=dict)  # cue lemma -> count ("say": 3)
    distancing_cues: int = 0  # statements introduced by "claim", "allege" ...
    labels: list[str] = Field(default_factory=list)  # finding texts aimed at the actor
    hedged: list[str] = Field(default_factory=list)  # doubt findings on the actor's events
    findings: list[str] = Field(default_factory=list)  # ids of the findings aimed at the actor


class Sourcing(_Model):
    """Added: how many voices an article has and how one-sided they are."""

    voices: int
    attributions: int
    by_category: dict[str, float] = Field(default_factory=dict)  # share of attributions
    by_affiliation: dict[str, float] = Field(default_factory=dict)
    anonymous_share: float = 0.0
    independent_share: float = 0.0  # NGO, international organisation, expert, witness
    one_sided: bool = False
    reason: str
    unheard: list[str] = Field(default_factory=list)  # actors labelled or accused, never quoted


class Analysis(_Model):
    schema_: Literal["claimscope.analysis/1"] = Field(
        default="claimscope.analysis/1", alias="schema"
    )
    article: Article
    attributions: list[Attribution] = Field(default_factory=list)
    claims: list[Claim] = Field(default_factory=list)
    entities: list[Entity] = Field(default_factory=list)
    places: list[Place] = Field(default_factory=list)
    times: list[TimeExpression] = Field(default_factory=list)
    timeline: list[TimelineEvent] = Field(default_factory=list)  # added: in time order
    findings: list[Finding] = Field(default_factory=list)
    voices: list[Voice] = Field(default_factory=list)
    sourcing: Sourcing | None = None  # added
    framing_by_actor: list[ActorFraming] = Field(default_factory=list)  # added
    outlet: dict[str, Any] | None = None
    notes: list[str] = Field(default_factory=list)
    # added (issue 19): the learned technique tagger that ran beside the rules ("name (what it
    # was trained on)"); null when the findings come from the rules alone
    technique_model: str | None = None

    model_config = ConfigDict(extra="allow", populate_by_name=True)

    @model_validator(mode="after")
    def check_offsets(self) -> Analysis:
        """Refuse any span whose text is not ``article.text[start:end]``."""
        text = self.article.text
        for where, start, end, span_text in self._spans():
            if not 0 <= start <= end <= len(text) or text[start:end] != span_text:
                raise ValueError(
                    f"{where}: span {start}:{end} {span_text!r} does not match the article text"
                )
        return self

    def _spans(self) -> list[tuple[str, int, int, str]]:
        out: list[tuple[str, int, int, str]] = []

        def add(
            where: str, span: Span | Claim | TimeExpression | TimelineEvent | Finding | None
        ) -> None:
            if span is not None:
                out.append((where, span.start, span.end, span.text))

        for a in self.attributions:
            add(f"attribution {a.id} cue", a.cue)
            add(f"attribution {a.id} source", a.source)
            for c in a.content:
                add(f"attribution {a.id} content", c)
            for r in a.via:
                add(f"attribution {a.id} via", r.source)
        for claim in self.claims:
            add(f"claim {claim.id}", claim)
            for h in [*claim.hedges, *claim.boosters]:
                add(f"claim {claim.id} hedge", h)
        for e in self.entities:
            for m in e.mentions:
                add(f"entity {e.id} mention", m)
        for p in self.places:
            for m in p.mentions:
                add(f"place {p.entity} mention", m)
        for t in self.times:
            add("time", t)
            add("time anchor", t.anchor)
        for ev in self.timeline:
            add("timeline event", ev)
            add("timeline time", ev.time)
        for f in self.findings:
            add(f"finding {f.id}", f)
        return out

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json", by_alias=True, exclude_none=False)

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Analysis:
        return cls.model_validate(data)

    @classmethod
    def from_json(cls, data: str | bytes) -> Analysis:
        return cls.model_validate_json(data)


def json_schema() -> dict[str, Any]:
    """The JSON Schema of an analysis document, as published in the package."""
    schema = Analysis.model_json_schema(by_alias=True, mode="serialization")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "urn:claimscope:schema:analysis:1"
    schema["title"] = SCHEMA_VERSION
    return schema


def json_schema_text() -> str:
    """The published schema file's exact text (``make schema`` writes it; a test keeps it in sync)."""
    return json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"
