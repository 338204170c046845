"""The HTML pages: the home page (paste, upload or give a URL) and the article page.

The article page is the HTML report (claimscope.report.html) with the app's navigation added, so
every highlighted layer and table comes from one renderer. Templates autoescape everything.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, PackageLoader, select_autoescape

from claimscope._version import __version__
from claimscope.errors import InputError
from claimscope.model import Analysis, Article, Failure
from claimscope.web.inputs import (
    UPLOAD_SUFFIXES,
    article_from_text,
    article_from_upload,
    article_from_url,
    check_date,
    corpus_from_upload,
    is_corpus_upload,
)
from claimscope.web.service import service, stored_key

router = APIRouter(include_in_schema=False)


@lru_cache(maxsize=1)
def _env() -> Environment:
    return Environment(
        loader=PackageLoader("claimscope", "web/templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render(request: Request, template: str, code: int = 200, **context: object) -> HTMLResponse:
    html = _env().get_template(template).render(version=__version__, **context)
    return HTMLResponse(html, status_code=code)


def error_page(request: Request, message: str, status: int) -> HTMLResponse:
    """The page for a refused request; its heading names what was being done."""
    if status == 404:
        heading = "Not found"
    elif status == 409:
        heading = "Several articles have this id"
    elif request.url.path.startswith("/corpus"):
        heading = "The corpus cannot answer this request"
    else:
        heading = "The article could not be analysed"
    return render(request, "error.html.j2", status, message=message, status=status, heading=heading)


@router.get("/", response_class=HTMLResponse)
def home(request: Request) -> HTMLResponse:
    with service(request).corpus() as store:
        recent = store.recent(20)
    return render(request, "home.html.j2", recent=recent, accept=",".join(UPLOAD_SUFFIXES))


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
    # The pipeline is CPU-bound: run it off the event loop.
    from starlette.concurrency import run_in_threadpool

    if (
        file is not None
        and upload
        and await run_in_threadpool(is_corpus_upload, file.filename or "upload", upload)
    ):
        return await run_in_threadpool(
            _analyze_corpus, request, file.filename or "upload", upload, date, outlet
        )
    name = (file.filename if file is not None else None) or "upload"

    def read_and_analyze() -> str:
        # Fetching a URL and reading an upload (decoding, HTML extraction) block too: all of it
        # runs off the event loop, so that a slow host or a large file stalls no other request.
        article: Article
        if text.strip():
            article = article_from_text(text, published=date, outlet=outlet, title=title)
        elif url.strip():
            article = article_from_url(url, svc.fetch, published=date, outlet=outlet, title=title)
        else:
            article = article_from_upload(name, upload, published=date, outlet=outlet, title=title)
        key, _ = svc.analyze(article)
        return key

    key = await run_in_threadpool(read_and_analyze)
    return RedirectResponse(f"/a/{quote(key)}", status_code=303)


def _analyze_corpus(
    request: Request, name: str, data: bytes, published: str | None, outlet: str
) -> Response:
    """Read, analyse and store every article of an uploaded corpus file; one article goes to its
    page, several (or any failures) to a batch page listing them."""
    svc = service(request)
    upload = corpus_from_upload(name, data, svc.data_dir, published=published, outlet=outlet)
    if not any(isinstance(item, Article) for item in upload.items):
        reasons = [f"{f.source}: {f.reason}" for f in upload.items if isinstance(f, Failure)]
        shown = "; ".join(reasons[:5]) + (
            f" (and {len(reasons) - 5} more)" if len(reasons) > 5 else ""
        )
        raise InputError(
            f"No article could be read from the file: {shown or 'it holds no records'}"
        )
    results = svc.analyze_many(upload.items)
    analysed = [r for r in results if not isinstance(r, Failure)]
    failures = [r for r in results if isinstance(r, Failure)]
    if len(analysed) == 1 and not failures and not upload.notes:
        return RedirectResponse(f"/a/{quote(analysed[0][0], safe='')}", status_code=303)
    batch = {
        "name": name.replace("\\", "/").rsplit("/", 1)[-1][:200],
        "articles": [
            {
                "id": key,
                "href": f"/a/{quote(key, safe='')}",
                "title": a.article.title,
                "outlet": a.article.outlet,
            }
            for key, a in analysed
        ],
        "failures": [{"source": f.source, "reason": f.reason, "stage": f.stage} for f in failures],
        "notes": upload.notes,
    }
    with svc.corpus() as store:
        batch_id = store.put_upload(batch)
    return RedirectResponse(f"/batch/{batch_id}", status_code=303)


@router.get("/batch/{batch_id}", response_class=HTMLResponse)
def batch_page(batch_id: str, request: Request) -> HTMLResponse:
    with service(request).corpus() as store:
        batch = store.get_upload(batch_id)
    if batch is None:
        raise HTTPException(404)
    return render(request, "batch.html.j2", batch=batch)


@router.get("/a/{analysis_id:path}", response_class=HTMLResponse)  # record ids may hold "/"
def article_page(analysis_id: str, request: Request) -> HTMLResponse:
    key = stored_key(service(request), analysis_id)
    with service(request).corpus() as store:
        analysis = store.get(key)
    if analysis is None:
        raise HTTPException(404)
    return report_page(analysis, json_href=f"/api/analyses/{quote(key)}")


def report_page(analysis: Analysis, *, json_href: str) -> HTMLResponse:
    """An analysis as the HTML report with the app's navigation (and a link to its JSON) on top."""
    from claimscope.report.html import render_html

    report = render_html(analysis)
    nav = _env().get_template("nav.html.j2").render(json_href=json_href)
    marker = "<body>"
    at = report.find(marker)
    if at != -1:
        at += len(marker)
        report = report[:at] + "\n" + nav + report[at:]
    else:  # the report's layout changed: keep the page usable rather than fail
        report = nav + report
    return HTMLResponse(report)
