"""The outlet registry: who publishes an article, who owns it, and how raters judge it.

The packaged table ``outlets.json.gz`` is built by ``scripts/build_outlets.py`` from the State
Media Matrix (MIT) and the idiap news-media reliability data (Apache-2.0; Wikipedia perennial
sources verdicts CC BY-SA); its ``sources`` names each file and licence. Each rater's verdict is
kept separately, with its source and licence; nothing is blended into one score.

:func:`lookup` takes an outlet name ("Press TV", "PressTV", "Syrian Arab News Agency"; case and
punctuation do not matter) or a domain/URL ("https://www.presstv.ir/Detail/...": scheme, path and
``www.``/``m.``/``amp.`` prefixes are dropped; sub-domains fall back to their parent domain).

Local entries: set ``CLAIMSCOPE_OUTLETS`` to a ``.toml`` or ``.json`` file holding a list
``outlets`` of tables with the packaged fields (``name`` required; ``domains``, ``aliases``,
``country``, ``typology``, ``typology_meaning``, ``parent``, ``ratings`` optional)::

    [[outlets]]
    name = "Example News"
    domains = ["example.org"]
    aliases = ["ExNews"]
    country = "Freedonia"
    ratings = [{rater = "my newsroom", value = "reliable", date = "2026-01-01", source = "notes"}]

An entry whose name, alias or domain matches a packaged outlet overrides the fields it gives;
any other entry is added.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, replace
from functools import cached_property, lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from claimscope.errors import ClaimscopeError

ENV = "CLAIMSCOPE_OUTLETS"
_PREFIXES = ("www.", "m.", "amp.", "mobile.")
_FIELDS = ("name", "domains", "aliases", "country", "typology", "typology_meaning", "parent")


@dataclass(frozen=True)
class Outlet:
    name: str
    domains: list[str] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)
    country: str | None = None
    typology: str | None = None
    typology_meaning: str | None = None
    parent: str | None = None
    status: str | None = None
    ratings: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Registry:
    outlets: list[Outlet]
    by_domain: dict[str, int]
    by_name: dict[str, int]
    sources: dict[str, Any]

    def lookup(self, query: str, *, labels: bool = False) -> Outlet | None:
        """By name or alias, then by domain (or a URL's host). With ``labels``, a single word is
        also tried as the first label of a domain that only one outlet has: datasets name
        outlets by a short code ("alaraby", "jordantimes", "ahram"), which is usually that. Only
        for a field known to name an outlet: as a speaker's name, "times" is not an outlet."""
        key = name_key(query)
        if key in self.by_name:
            return self.outlets[self.by_name[key]]
        domain = normalize_domain(query)
        while domain and "." in domain:
            if domain in self.by_domain:
                return self.outlets[self.by_domain[domain]]
            domain = domain.split(".", 1)[1]
        word = query.strip().lower()
        if labels and len(word) >= 4 and re.fullmatch(r"[a-z0-9-]+", word):
            found = self.by_label.get(word)
            return None if found is None else self.outlets[found]
        return None

    @cached_property
    def by_label(self) -> dict[str, int]:
        """First domain label -> outlet, for the labels exactly one outlet has."""
        owners: dict[str, set[int]] = {}
        for domain, index in self.by_domain.items():
            owners.setdefault(domain.split(".", 1)[0], set()).add(index)
        return {label: next(iter(o)) for label, o in owners.items() if len(o) == 1}


def display_name(entry: Mapping[str, Any] | None, given: str | None) -> str | None:
    """How to show an article's outlet: its registry name (``entry``: an analysis's ``outlet``),
    so that "sana" and "SANA" are one outlet; but the name as given when the registry's is only a
    domain (entries known from a domain list alone: "reuters.com" for "Reuters")."""
    name = str(entry.get("name") or "") if entry else ""
    if not name or (given and re.fullmatch(r"[\w-]+(\.[\w-]+)+", name)):
        return given or name or None
    return name


def name_key(name: str) -> str:
    """Case- and punctuation-free form of a name: "Press TV" and "PressTV" are "presstv"."""
    return re.sub(r"[\W_]+", "", name.casefold())


def normalize_domain(text: str) -> str | None:
    """The bare host of a URL or domain, or None when ``text`` does not look like one."""
    text = text.strip().lower()
    if not text or " " in text:
        return None
    try:
        host = urlsplit(text if "//" in text else "//" + text).hostname or ""
    except ValueError:
        return None
    changed = True
    while changed:
        changed = False
        for p in _PREFIXES:
            if host.startswith(p) and host.count(".") > 1:
                host, changed = host[len(p) :], True
    return host if "." in host else None


def _outlet(raw: dict[str, Any]) -> Outlet:
    known = {f for f in Outlet.__dataclass_fields__}
    return Outlet(**{k: v for k, v in raw.items() if k in known})


def _load_local(path: Path) -> list[dict[str, Any]]:
    try:
        text = path.read_text("utf-8")
        data = tomllib.loads(text) if path.suffix == ".toml" else json.loads(text)
    except (OSError, ValueError) as e:
        raise ClaimscopeError(f"{ENV}={path}: cannot read the outlets file: {e}") from None
    entries = data.get("outlets") if isinstance(data, dict) else data
    if not isinstance(entries, list) or not all(
        isinstance(e, dict) and isinstance(e.get("name"), str) for e in entries
    ):
        raise ClaimscopeError(f"{ENV}={path}: expected a list 'outlets' of tables with a 'name'")
    return entries


def _index(outlets: list[Outlet], sources: dict[str, Any]) -> Registry:
    by_domain: dict[str, int] = {}
    by_name: dict[str, int] = {}
    for i, o in enumerate(outlets):
        for d in o.domains:
            by_domain[d] = i
        for n in (o.name, *o.aliases):
            by_name.setdefault(name_key(n), i)
    return Registry(outlets, by_domain, by_name, sources)


@lru_cache(maxsize=4)
def registry(local: str | None = None) -> Registry:
    """The packaged registry, with the entries of the ``local`` file (if any) applied."""
    raw = files("claimscope.knowledge").joinpath("outlets.json.gz").read_bytes()
    table = json.loads(gzip.decompress(raw))
    reg = _index([_outlet(o) for o in table["outlets"]], table["sources"])
    if not local:
        return reg
    outlets = list(reg.outlets)
    for entry in _load_local(Path(local)):
        given = {k: v for k, v in entry.items() if k in Outlet.__dataclass_fields__}
        queries = [entry["name"], *entry.get("aliases", []), *entry.get("domains", [])]
        hit = next((h for h in map(reg.lookup, queries) if h is not None), None)
        if hit is None:
            outlets.append(_outlet(given))
            continue
        i = outlets.index(hit)
        given["domains"] = list(dict.fromkeys([*hit.domains, *given.get("domains", [])]))
        aliases = [*hit.aliases, *given.get("aliases", [])]
        if given["name"] != hit.name:
            aliases.append(hit.name)
        given["aliases"] = list(dict.fromkeys(aliases))
        outlets[i] = replace(hit, **given)
    sources = {**reg.sources, "local": {"file": local, "licence": "user-supplied"}}
    return _index(outlets, sources)


def lookup(name_or_domain: str, *, labels: bool = False) -> Outlet | None:
    """The outlet named by ``name_or_domain`` (a name, domain or URL), or None. ``labels``: see
    :meth:`Registry.lookup`."""
    if not name_or_domain or not name_or_domain.strip():
        return None
    return registry(os.environ.get(ENV) or None).lookup(name_or_domain, labels=labels)
