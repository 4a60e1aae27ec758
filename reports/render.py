"""HTML from Jinja templates, PDF from WeasyPrint: safe, cached per process, in parallel."""

from __future__ import annotations

import atexit
import gc
import hashlib
import os
import re
import threading
import time
import tomllib
from collections import Counter
from collections.abc import Iterable
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from core.domain import Quarter
from reports.archival import Embedded, written
from reports.long_pdf import html_slices, write_in_slices
from reports.wording import day_text, quoted, time_range

TEMPLATES = Path(__file__).with_name("templates").resolve()
# Table rows laid out at a time: WeasyPrint keeps a document's every page in memory until it is
# written, ~0.1 MiB a row; a province's confidential list has 34,000 rows.
SLICE_ROWS = 1500


class RenderError(Exception):
    """Raised when a PDF could not be written; nothing is left at the target path."""


@dataclass(frozen=True, slots=True)
class RenderJob:
    """One PDF to make: which template, with which values, to which file; the moment it
    stands at (its metadata's dates: the same moment renders the same bytes) and the files
    it carries."""

    template: str
    context: dict[str, Any]
    path: Path
    moment: datetime | None = None
    embedded: tuple[Embedded, ...] = ()


@dataclass(frozen=True, slots=True)
class Rendered:
    path: Path
    sha256: str
    pages: int


def _autoescape(name: str | None) -> bool:
    # select_autoescape(["html"]) would miss "report.html.j2": it looks at the last extension.
    return bool(name) and (name.endswith((".html.j2", ".html", ".xml")))  # type: ignore[union-attr]


@cache
def environment() -> Environment:
    """The one Jinja environment: autoescaped HTML, undefined values are errors."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=_autoescape,  # noqa: S701  (escapes every .html.j2; text messages stay text)
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
        # Read once per process: each flow run is a process of its own, so an edited template
        # shows in the next run. Asking the disk on every use cost 40,000 stats for a
        # province's messages.
        auto_reload=False,
    )
    env.filters |= {"day": day_text, "time_range": time_range, "quoted": quoted}
    return env


@cache
def labels(lang: str) -> dict[str, Any]:
    """The words templates print, in one language."""
    with (TEMPLATES / "labels.toml").open("rb") as handle:
        words = dict(tomllib.load(handle)[lang])
    # "Page {page} of {pages}" becomes the three texts around the two counters of the footer.
    before, rest = words["page"].split("{page}")
    middle, after = rest.split("{pages}")
    return words | {"page_before": before, "page_middle": middle, "page_after": after}


def render_text(template: str, context: dict[str, Any]) -> str:
    return environment().get_template(template).render(context)


def safe_file_name(*parts: str, hashed: bool = False) -> str:
    """A file name made only of safe characters. A hash of the exact parts keeps apart inputs
    that the cleaning or the cut to 100 characters would make equal (and, with `hashed`,
    inputs that differ only in case, for case-blind file systems)."""
    joined = "-".join(parts)
    cleaned = re.sub(r"[^A-Za-z0-9_-]+", "_", joined).strip("_.") or "report"
    if hashed or cleaned != joined or len(cleaned) > 100:
        cleaned = cleaned[:100] + "-" + hashlib.sha256(joined.encode()).hexdigest()[:8]
    return cleaned + ".pdf"


def unit_file_names(quarter: Quarter, codes: list[str], lang: str) -> dict[str, str]:
    """Each unit's report file name, different for every unit by construction, even for codes
    that differ only in case."""
    names = {code: safe_file_name(quarter.label, code, lang) for code in codes}
    # the organisation's own reports sit beside them: a unit coded "summary" must not replace it
    reserved = [safe_file_name(quarter.label, kind, lang) for kind in ("summary", "admonition")]
    clashes = Counter(name.casefold() for name in [*names.values(), *reserved])
    return {
        code: safe_file_name(quarter.label, code, lang, hashed=True)
        if clashes[name.casefold()] > 1
        else name
        for code, name in names.items()
    }


@cache
def _weasy() -> tuple[Any, Any, list[Any], Any]:
    """Per process: a fetcher, a font configuration and the parsed stylesheet, made once."""
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration
    from weasyprint.urls import URLFetcher

    class AssetFetcher(URLFetcher):  # type: ignore[misc]
        """Serves the bundled template assets and refuses every other URL."""

        def fetch(self, url: str, headers: Any = None) -> Any:
            if url.startswith("file://"):
                from urllib.parse import unquote, urlsplit

                path = Path(unquote(urlsplit(url).path)).resolve()
                if path.is_relative_to(TEMPLATES) and path.is_file():
                    return super().fetch(url, headers)
            raise ValueError(f"refused to fetch {url[:80]!r}: only bundled assets are served")

    fetcher = AssetFetcher(allowed_protocols={"file"}, allow_redirects=False)
    fonts = FontConfiguration()
    stylesheet = CSS(filename=str(TEMPLATES / "report.css"), font_config=fonts, url_fetcher=fetcher)
    unnumbered = CSS(string="@page { @bottom-center { content: none; } }", font_config=fonts)
    return fetcher, fonts, [stylesheet], unnumbered


def render_pdf(job: RenderJob) -> Rendered:
    """Render one PDF, writing to a temporary file and renaming it into place."""
    from weasyprint.urls import FatalURLFetchingError

    html = render_text(job.template, job.context)
    job.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    temporary = job.path.with_name(f".{job.path.name}.tmp")
    try:
        pieces = html_slices(html, SLICE_ROWS)
        if len(pieces) == 1:
            document = _lay_out(html)
            written(document, temporary, job.moment, job.embedded)
            pages = len(document.pages)
        else:
            # beside the report, not in a shared /tmp: the slices name the same people
            with TemporaryDirectory(dir=job.path.parent, prefix=f".{job.path.name}.") as scratch:
                pages = write_in_slices(
                    pieces,
                    _lay_out,
                    temporary,
                    Path(scratch),
                    lambda document, part, first: written(
                        document, part, job.moment, job.embedded if first else ()
                    ),
                )
    except FatalURLFetchingError as error:  # a BaseException: catch it by name
        temporary.unlink(missing_ok=True)
        raise RenderError(f"{job.path.name}: {error}") from None
    os.chmod(temporary, 0o600)  # reports name people: for their readers only
    data = temporary.read_bytes()
    os.replace(temporary, job.path)
    return Rendered(job.path, hashlib.sha256(data).hexdigest(), pages)


def _lay_out(html: str, numbered: bool = True) -> Any:
    """WeasyPrint's layout of one HTML document; without `numbered`, its footer left empty."""
    from weasyprint import HTML

    fetcher, fonts, stylesheets, unnumbered = _weasy()
    return HTML(string=html, base_url=TEMPLATES.as_uri() + "/", url_fetcher=fetcher).render(
        stylesheets=stylesheets if numbered else [*stylesheets, unnumbered], font_config=fonts
    )


def rendered_file(path: Path) -> Rendered:
    """A PDF rendered elsewhere (by another worker, into the shared folder), as rendered."""
    from pypdf import PdfReader

    data = path.read_bytes()
    return Rendered(path, hashlib.sha256(data).hexdigest(), len(PdfReader(path).pages))


@cache
def _pool(processes: int) -> ProcessPoolExecutor:
    pool = ProcessPoolExecutor(max_workers=processes, initializer=_warm_up)
    atexit.register(pool.shutdown, cancel_futures=True)
    return pool


def _warm_up() -> None:
    _dies_with_parent()
    _weasy()
    # What the worker inherited and has warmed (Prefect, the models, the fonts: some 275,000
    # objects) never becomes garbage: out of the collector's sight, a full collection no
    # longer walks it each time a render's boxes fill the young generations. A fifth of a
    # unit report's CPU time.
    gc.freeze()


def _dies_with_parent() -> None:
    """A renderer waits on its queue for ever once its parent is gone (a SIGKILL, the
    out-of-memory killer), so it watches for that. Not PR_SET_PDEATHSIG: that fires when the
    forking *thread* ends, and a Prefect task's thread may fork the pool and then end."""
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="dies-with-parent", daemon=True).start()


def start_renderer() -> None:
    """Fork the worker `render_aside` uses, now: while the process is still small (before a
    quarter is loaded into it), so that the fork copies little."""
    _pool(1).submit(_warm_up)


def start_renderers(processes: int | None = None) -> None:
    """Start the workers `render_many` will use (one per core unless told), fonts and
    stylesheet loaded, while the caller prepares the first jobs."""
    _pool(_workers(processes)).submit(_warm_up)


def render_aside(job: RenderJob) -> Future[Rendered]:
    """Render a PDF in a worker process while the caller goes on (a holiday's greeting card
    while the quarter's messages are planned and stored, on the machine's other core)."""
    return _pool(1).submit(render_pdf, job)


def _workers(processes: int | None) -> int:
    """The render processes asked for, or one per core: the same pool for whoever asks."""
    return processes or os.cpu_count() or 1


def render_many(jobs: Iterable[RenderJob], *, processes: int | None = None) -> list[Rendered]:
    """Render PDFs across worker processes (each keeps its fonts and stylesheet warm)."""
    jobs = list(jobs)
    workers = _workers(processes)
    if workers <= 1 or len(jobs) <= 1:
        return [render_pdf(job) for job in jobs]
    # One job at a time: a report takes a second, its trip to a worker a millisecond; in
    # bundles, the last bundle kept one process busy while the other had nothing left.
    return list(_pool(workers).map(render_pdf, jobs))
