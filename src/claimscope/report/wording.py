"""Small wording helpers both reports share: shares, counts and excerpts in words, and the only
URLs a report links to.

The values stay plain (unescaped) strings; each report escapes them for its own format.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from claimscope.model import Attribution

# An attribution's kind as a reader would say it.
KINDS = {
    "direct": "quotation",
    "indirect": "reported speech",
    "mixed": "reported speech with quoted words",
    "according_to": "“according to”",
    "headline": "headline “speaker: words”",
    "agentless": "no source named (“reportedly”, “stands accused”)",
}


def percent(share: float) -> str:
    return f"{round(share * 100)}%"


def shares(by_key: dict[str, float]) -> str:
    """``{"Russia": 0.55, "Syria": 0.45}`` as "Russia 55%, Syria 45%", largest first."""
    ranked = sorted(by_key.items(), key=lambda kv: -kv[1])
    return ", ".join(f"{k} {percent(v)}" for k, v in ranked)


def counts(by_key: dict[str, int]) -> str:
    """Cue lemmas and their counts as "say 2, quote 1", most used first."""
    ranked = sorted(by_key.items(), key=lambda kv: -kv[1])
    return ", ".join(f"{k} {n}" for k, n in ranked)


def excerpt(text: str, limit: int) -> str:
    """``text`` on one line, cut at a word boundary to at most ``limit`` characters with "…"."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:") + "…"


def web_url(url: str | None) -> str | None:
    """``url`` when it is an http(s) address with a host, the only kind a report links to."""
    if not url:
        return None
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in url):
        return None
    return url


def attribution_kind(a: Attribution) -> str:
    """ "quotation", "reported speech" ...; an attitude (believes, wants) is said to be one."""
    kind = KINDS.get(a.kind, a.kind)
    return kind if a.speech else f"{kind}; an attitude or intention, not a statement"


def speaker_of(a: Attribution) -> str | None:
    """Who an attribution is from as the reports name them: the resolved speaker, else the words
    naming the source; None when nobody is named ("reportedly")."""
    if a.speaker is not None:
        return a.speaker.name
    return a.source.text if a.source is not None else None
