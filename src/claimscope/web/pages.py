"""The HTML pages: the home page (paste, upload or give a URL) and the article page.

The article page is the HTML report (claimscope.report.html) with the app's navigation added, so
every highlighted layer and table comes from one renderer. Templates autoescape everything.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Annotated

from fastapi import APIRouter, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, PackageLoader, select_autoescape

from claimscope import __version__
from claimscope.errors import InputError
from claimscope.model import Article
from claimscope.web.app import service
from claimscope.web.inputs import (
    UPLOAD_SUFFIXES,
    article_from_text,
    article_from_upload,
    article_from_url,
    check_date,
)

router = APIRouter(include_in_schema=False)


@lru_cache(maxsize=1)
def _env() -> Environment:
    return Environment(
        loader=PackageLoader("claimscope", "web/templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _page(request: Request, template: str, code: int = 200, **context: object) -> HTMLResponse:
    html = _env().get_template(template).render(version=__version__, **context)
    return HTMLResponse(html, status_code=code)


def error_page(request: Request, message: str, status: int) -> HTMLResponse:
    return _page(request, "error.html.j2", status, message=message, status=status)


@router.get("/", response_class=HTMLResponse)
def home(request: Request) -> HTMLResponse:
    recent = service(request).store.recent(20)
    return _page(request, "home.html.j2", recent=recent, accept=",".join(UPLOAD_SUFFIXES))


@router.post("/analyze")
async def analyze_form(
    request: Request,
    text: Annotated[str, Form()] = "",
    url: Annotated[str, Form()] = "",
    published: Annotated[str, Form()] = "",
    outlet: Annotated[str, Form()] = "",
    title: Annotated[str, Form()] = "",
    file: Annotated[UploadFile | None, File()] = None,
) -> Response:
    svc = service(request)
    upload = await file.read() if file is not None and file.filename else b""
    given = [
        name
        for name, present in (("text", text.strip()), ("url", url.strip()), ("file", upload))
        if present
    ]
    if len(given) != 1:
        raise InputError(
            "Give one of: pasted text, a URL or a file"
            + (f" (got {' and '.join(given)})." if given else ".")
        )
    date = check_date(published)
    article: Article
    if text.strip():
        article = article_from_text(text, published=date, outlet=outlet, title=title)
    elif url.strip():
        article = article_from_url(url, svc.fetch, published=date, outlet=outlet, title=title)
    else:
        assert file is not None
        article = article_from_upload(
            file.filename or "upload", upload, published=date, outlet=outlet, title=title
        )
    # The pipeline is CPU-bound: run it off the event loop.
    from starlette.concurrency import run_in_threadpool

    key, _ = await run_in_threadpool(svc.analyze, article)
    return RedirectResponse(f"/a/{key}", status_code=303)


@router.get("/a/{analysis_id}", response_class=HTMLResponse)
def article_page(analysis_id: str, request: Request) -> HTMLResponse:
    from claimscope.report.html import render_html

    analysis = service(request).store.get(analysis_id)
    if analysis is None:
        raise HTTPException(404)
    report = render_html(analysis)
    nav = _env().get_template("nav.html.j2").render(analysis_id=analysis_id)
    marker = "<body>"
    at = report.find(marker)
    if at != -1:
        at += len(marker)
        report = report[:at] + "\n" + nav + report[at:]
    else:  # the report's layout changed: keep the page usable rather than fail
        report = nav + report
    return HTMLResponse(report)
