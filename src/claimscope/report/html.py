"""A standalone HTML report: one file, inline CSS, no external assets, every text escaped.

Article text and metadata are untrusted. Jinja2's autoescape escapes every value, and the report
carries a Content-Security-Policy meta tag that forbids scripts and remote loads, so that even a
missed escape could not run code or call home.
"""

from __future__ import annotations

from functools import lru_cache

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from claimscope._version import __version__
from claimscope.model import Analysis
from claimscope.report.claims import factchecked_claims, match_summary, priority, top_claims
from claimscope.report.digest import cue_words, digest
from claimscope.report.findings import finding_rows
from claimscope.report.layers import LAYERS, LEGEND, marks, runs
from claimscope.report.outlet import outlet_fields, outlet_missing, outlet_ratings, rating_scales
from claimscope.report.plots import all_svgs
from claimscope.report.wording import attribution_kind, counts, percent, shares, web_url


@lru_cache(maxsize=1)
def _env() -> Environment:
    env = Environment(
        loader=PackageLoader("claimscope", "report/templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    # Filters return plain strings, so autoescape still applies to what they build from the article.
    env.filters.update(
        percent=percent,
        shares=shares,
        counts=counts,
        match_summary=match_summary,
        priority=priority,
        cue_words=cue_words,
        attribution_kind=attribution_kind,
    )
    # ``web_url`` gives back the URL only when it is http(s): a template links nothing else.
    env.globals.update(web_url=web_url)
    return env


def render_html(analysis: Analysis) -> str:
    a = analysis.article
    all_marks = marks(analysis)
    sections = [
        {
            "kind": s.kind,
            "paragraphs": [
                runs(a.text, start, end, all_marks)
                for start, end in _paragraphs(a.text, s.start, s.end)
            ],
        }
        for s in a.sections
    ]
    ranked = top_claims(analysis)
    ratings = outlet_ratings(analysis.outlet) if analysis.outlet is not None else []
    return (
        _env()
        .get_template("report.html.j2")
        .render(
            analysis=analysis,
            article=a,
            digest=digest(analysis),
            findings=finding_rows(analysis),
            legend=LEGEND,
            sections=sections,
            top_claims=ranked,
            outlet_fields=outlet_fields(analysis.outlet) if analysis.outlet is not None else [],
            outlet_ratings=ratings,
            rating_scales=rating_scales(ratings),
            outlet_missing=outlet_missing(analysis),
            factchecked=factchecked_claims(analysis),
            claims_checked=any(r.claim.factchecks for r in ranked),
            layers=LAYERS,
            # Only these are marked safe: plots.py builds them with ElementTree, which escapes
            # every article-derived text and attribute.
            plots={name: Markup(svg) for name, svg in all_svgs(analysis).items()},
            version=__version__,
        )
    )


def _paragraphs(text: str, start: int, end: int) -> list[tuple[int, int]]:
    out = []
    pos = start
    while pos < end:
        cut = text.find("\n\n", pos, end)
        stop = end if cut == -1 else cut
        if stop > pos:
            out.append((pos, stop))
        pos = stop + 2
    return out
