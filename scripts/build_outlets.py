"""Build the packaged outlet registry ``src/claimscope/knowledge/outlets.json.gz``.

Reads the open data in ``../shared/data/outlets`` (never copied into the repository) and keeps
only the fields claimscope shows: name, domains, aliases, country, state-control typology,
parent company and each rater's verdict with its source file and licence.

    python scripts/build_outlets.py [--data ../shared/data/outlets] [--out PATH]
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "outlets"
DEFAULT_OUT = ROOT / "src" / "claimscope" / "knowledge" / "outlets.json.gz"

SOURCES = {
    "state-media": {
        "title": "State Media Matrix (ASD at the German Marshall Fund)",
        "file": "state-media/State_Media_Matrix.csv",
        "licence": "MIT",
    },
    "golden": {
        "title": "idiap news-media reliability: golden truth labels",
        "file": "idiap/golden_truth_dataset.csv",
        "licence": "Apache-2.0 (labels compiled from MBFC, NewsGuard, Wikipedia and manual review)",
    },
    "graph": {
        "title": "idiap news-media reliability: graph-based reliability scores",
        "file": "idiap/reliability_scores.json",
        "licence": "Apache-2.0",
    },
    "wikipedia": {
        "title": "Wikipedia: Reliable sources/Perennial sources (via idiap)",
        "file": "idiap/wikipedia_perennial_sources.json",
        "licence": "CC BY-SA 4.0 (Wikipedia); Apache-2.0 (idiap compilation)",
    },
}

# The State Media Matrix's typology codes.
TYPOLOGY = {
    "SC": "State-controlled media",
    "CaPu": "Captured public media",
    "CaPr": "Captured private media",
    "ISFM": "Independent state-funded and state-managed media",
    "ISFM?": "Independent state-funded and state-managed media (uncertain)",
    "ISF": "Independent state-funded media",
    "ISM": "Independent state-managed media",
    "IP": "Independent public media",
}

# idiap's scale (STATUS2RELIABILITY in its golden-truth script): a source's worst status wins;
# "deprecated" and "generally unreliable" are both -1, "blacklisted" is -2.
WIKIPEDIA_LABELS = {
    -2: "blacklisted",
    -1: "generally unreliable or deprecated",
    0: "no consensus",
    1: "generally reliable",
}
# The golden-truth label means what its label_source's scale says (same idiap script): MBFC labels
# come through NELA-GT (reliable / mixed / unreliable), NewsGuard's pass/fail is 1 / -1, the
# manual lists are of unreliable sources collected from papers (and an empty reliable list).
GOLDEN_LABELS = {
    "wikipedia": WIKIPEDIA_LABELS,
    "mbfc": {1: "reliable", 0: "mixed", -1: "unreliable"},
    "newsguard": {
        1: "reliable (meets NewsGuard's criteria)",
        -1: "unreliable (fails NewsGuard's criteria)",
    },
    "manual": {1: "reliable (manual list)", -1: "unreliable (listed in research papers)"},
}

# Domains that are one outlet (the first is the outlet's main domain).
DOMAIN_GROUPS = [
    ["presstv.ir", "presstv.com", "presstv.co.uk", "presstv.tv"],
    ["sana.sy", "sana-syria.com"],
    ["rt.com", "russian.rt.com", "actualidad.rt.com", "francais.rt.com", "de.rt.com"],
    ["sputniknews.com", "sputnikglobe.com"],
]

# Extra names by main domain.
ALIASES = {
    "presstv.ir": ["PressTV", "Press TV"],
    "sana.sy": ["Syrian Arab News Agency", "Syria's official news agency"],
    "rt.com": ["RT", "Russia Today"],
    # The name datelines and datasets use for the international service ("Sputnik said").
    "sputniknews.com": ["Sputnik"],
}

_PREFIXES = ("www.", "m.", "amp.", "mobile.")


def normalize_domain(url: str) -> str | None:
    url = url.strip().lower()
    if not url:
        return None
    host = urlsplit(url if "//" in url else "//" + url).hostname or ""
    changed = True
    while changed:
        changed = False
        for p in _PREFIXES:
            if host.startswith(p) and host.count(".") > 1:
                host = host[len(p) :]
                changed = True
    return host or None


def _clean_asset(name: str) -> str:
    name = re.sub(r"^(print|television|radio|online|tv|web)\s*:\s*", "", name.strip(), flags=re.I)
    # The matrix lists assets split at commas, which can cut a parenthesis in two: "Al Ahram
    # Publishing House (Al Ahram", "CBN Weekly)". Close or drop the stray half.
    if name.count("(") > name.count(")"):
        name += ")"
    elif name.count(")") > name.count("(") and name.endswith(")"):
        name = name[:-1].rstrip()
    return name


def build(data: Path) -> dict[str, Any]:
    group_of = {d: g[0] for g in DOMAIN_GROUPS for d in g}
    outlets: dict[str, dict[str, Any]] = {}  # key: main domain, or "name:<asset>"
    by_domain: dict[str, str] = {}

    def key_for(domain: str | None, name: str) -> str:
        if domain:
            main = group_of.get(domain, domain)
            if main in by_domain:
                return by_domain[main]
            return main
        return "name:" + name.lower()

    def ensure(key: str, name: str) -> dict[str, Any]:
        if key not in outlets:
            outlets[key] = {"name": name, "domains": [], "aliases": [], "ratings": []}
        return outlets[key]

    def add_domain(entry: dict[str, Any], key: str, domain: str) -> None:
        group = next((g for g in DOMAIN_GROUPS if domain in g), [])
        for d in [domain, *group]:
            if d not in entry["domains"]:
                entry["domains"].append(d)
            by_domain.setdefault(d, key)

    with (data / SOURCES["state-media"]["file"]).open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            name = _clean_asset(row["Main assets"] or row["Media company"])
            if not name:
                continue
            domain = normalize_domain(row["URL"] or "")
            key = key_for(domain, name)
            if domain and group_of.get(domain, domain) in by_domain and key in outlets:
                # A second asset on a domain already taken (PressTV Spanish on presstv.com): alias.
                entry = outlets[key]
                if name != entry["name"] and name not in entry["aliases"]:
                    entry["aliases"].append(name)
                continue
            entry = ensure(key, name)
            if domain:
                add_domain(entry, key, domain)
            entry.setdefault("country", row["Country"].strip() or None)
            parent = row["Media company"].strip()
            if parent and parent != name:
                entry.setdefault("parent", parent)
                m = re.fullmatch(r"(.+?)\s*\(([^)]+)\)", parent)
                if m and m.group(2).strip().lower() == name.lower():
                    entry["aliases"].append(m.group(1))
            code = row["Typology"].strip()
            if code:
                entry.setdefault("typology", code)
                entry.setdefault("typology_meaning", TYPOLOGY.get(code))
            if row["Status"].strip().lower() == "currently not functional":
                entry["status"] = "currently not functional"

    def rating(rater: str, source: str, value: Any, label: str | None) -> dict[str, Any]:
        meta = SOURCES[source]
        return {
            "rater": rater,
            "value": value,
            "label": label,
            "date": None,  # none of the sources dates its verdicts
            "source": meta["file"],
            "licence": meta["licence"],
        }

    def entry_for_domain(domain: str) -> tuple[str, dict[str, Any]]:
        main = group_of.get(domain, domain)
        key = by_domain.get(domain) or by_domain.get(main) or main
        entry = ensure(key, main)
        add_domain(entry, key, domain)
        return key, entry

    wiki = json.loads((data / SOURCES["wikipedia"]["file"]).read_text("utf-8"))
    for domain, value in wiki.items():
        d = normalize_domain(domain)
        if d is None or value is None:
            continue
        _, entry = entry_for_domain(d)
        r = rating("Wikipedia perennial sources", "wikipedia", value, WIKIPEDIA_LABELS.get(value))
        r["domain"] = d
        entry["ratings"].append(r)

    with (data / SOURCES["golden"]["file"]).open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            d = normalize_domain(row["domain"])
            if d is None:
                continue
            _, entry = entry_for_domain(d)
            label_source = row["label_source"].strip()
            value = int(row["reliability_label"])
            r = rating(
                f"idiap golden truth ({label_source})",
                "golden",
                value,
                GOLDEN_LABELS.get(label_source, {}).get(value),
            )
            r["domain"] = d
            entry["ratings"].append(r)
            if row["newsguard_score"].strip():
                r2 = rating("NewsGuard (via idiap)", "golden", float(row["newsguard_score"]), None)
                r2["domain"] = d
                entry["ratings"].append(r2)

    # Graph scores only for outlets already in the registry, to keep the table small.
    graph = json.loads((data / SOURCES["graph"]["file"]).read_text("utf-8"))
    for domain, scores in graph.items():
        d = normalize_domain(domain)
        if d is None or d not in by_domain:
            continue
        entry = outlets[by_domain[d]]
        value = {k: round(v, 3) for k, v in scores.items() if k != "ground_truth" and v is not None}
        r = rating("idiap graph reliability", "graph", value, None)
        r["domain"] = d
        entry["ratings"].append(r)

    for main, names in ALIASES.items():
        if main in by_domain:
            entry = outlets[by_domain[main]]
            entry["aliases"].extend(n for n in names if n not in entry["aliases"])

    out = []
    for entry in outlets.values():
        entry["aliases"] = [a for a in dict.fromkeys(entry["aliases"]) if a != entry["name"]]
        out.append({k: v for k, v in entry.items() if v not in (None, [])})
    out.sort(key=lambda e: e["name"].lower())
    return {
        "format": "claimscope.outlets/1",
        "sources": SOURCES,
        "typology": TYPOLOGY,
        "scales": {
            "Wikipedia perennial sources": WIKIPEDIA_LABELS,
            "idiap golden truth": "reliability_label as given by idiap: 1 reliable, 0 mixed or no "
            "consensus, -1 unreliable, -2 blacklisted; the label_source in brackets names the "
            "original rater, and the label gives that rater's wording",
            "NewsGuard (via idiap)": "0-100",
            "idiap graph reliability": "scores in [-1, 1] from the idiap reliability graph",
        },
        "outlets": out,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = ap.parse_args()
    table = build(args.data)
    raw = json.dumps(table, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    with gzip.GzipFile(args.out, "wb", mtime=0) as f:
        f.write(raw.encode("utf-8"))
    print(f"{len(table['outlets'])} outlets, {args.out.stat().st_size:,} bytes -> {args.out}")


if __name__ == "__main__":
    main()
