"""Run one build: config -> sources -> Book -> renderers -> dist/, swapped in only when complete."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from packager import cache, credits, editions, outputdir, sharing, sources, themes, warmup
from packager import config as config_module
from packager.assemble import assemble
from packager.book import Asset, Book
from packager.diagnostics import Diagnostics
from packager.errors import StrictModeError, UsageError
from packager.renderers import Output, RenderContext


@dataclass(frozen=True)
class BuildRequest:
    """What the user asked for on the command line."""

    source: Path
    output: Path | None = None
    strict: bool = False
    version_label: str | None = None
    progress: Callable[[str], None] | None = None
    use_cache: bool = True
    jobs: int | None = None  # worker processes for the PDF (--jobs); None: one per core
    formats: tuple[str, ...] = ()  # --format: the books to make instead of [output] formats

    def stage(self, name: str) -> None:
        if self.progress:
            self.progress(name)


@dataclass
class BuildResult:
    """What a build produced."""

    book: Book | None  # None when the previous output was reused unchanged
    output: Path
    outputs: list[Output]
    diagnostics: Diagnostics = field(default_factory=Diagnostics)
    seconds: float = 0.0
    summary: dict = field(default_factory=dict)  # title, slug, version, articles
    cached: bool = False


def _git(source: Path, *args: str) -> str | None:
    """Ask git about the source folder; None when it is not a checkout or git is missing."""
    if not shutil.which("git"):
        return None
    try:
        done = subprocess.run(["git", "-C", str(source), *args], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout.strip() or None if done.returncode == 0 else None


def build_epoch(source: Path | None = None, environ: dict | None = None) -> int:
    """The build time in seconds: SOURCE_DATE_EPOCH, else the source's last git commit, else now."""
    environ = os.environ if environ is None else environ
    value = environ.get("SOURCE_DATE_EPOCH")
    if value is None or value == "":
        committed = _git(source, "log", "-1", "--format=%ct") if source else None
        return int(committed) if committed and committed.isdigit() else int(time.time())
    if not value.strip().isdigit():
        raise UsageError(
            f"SOURCE_DATE_EPOCH must be a whole number of seconds since 1970, got {value!r}; "
            "e.g. SOURCE_DATE_EPOCH=$(git log -1 --format=%ct)"
        )
    return int(value)


def resolve_paths(request: BuildRequest) -> tuple[Path, Path]:
    """Check the source folder and the output folder before anything is read or written."""
    source = request.source.expanduser()
    if not source.exists():
        raise UsageError("source folder does not exist; pass the folder that holds your Markdown articles", path=source)
    if not source.is_dir():
        raise UsageError("is not a folder; pass the folder that holds your Markdown articles", path=source)
    source = source.resolve()
    output = (request.output.expanduser() if request.output else source / "dist").resolve()
    outputdir.check(source, output)
    return source, output


def run(request: BuildRequest) -> BuildResult:
    """Build the book described by request and swap the finished dist/ into place."""
    started = time.perf_counter()
    source, output = resolve_paths(request)
    key = _cache_key(request, source, output)
    if request.use_cache:
        previous = cache.lookup(output, key)
        if previous is not None:
            return _reuse(previous, output, request, started)
    book, config, theme, diagnostics, epoch = _prepare(request, source, output, warm=True)
    _fail_if_strict(request, diagnostics)
    summary = {
        "title": book.title,
        "slug": book.slug,
        "version": book.version,
        "articles": len([a for a in book.articles if not a.is_generated]),
    }
    with outputdir.Lock(output):
        staging = outputdir.staging_folder(output)
        try:
            with tempfile.TemporaryDirectory(prefix="packager-work-") as work:
                book = _with_cover(book, theme, Path(work))
                parts = _part_cache(request)
                ctx = RenderContext(
                    book=book,
                    theme=theme,
                    destination=staging,
                    diagnostics=diagnostics,
                    epoch=epoch,
                    jobs=request.jobs,
                    cache=parts,
                )
                outputs = _render(ctx, config.output.formats, request.stage)
                if parts is not None:
                    parts.trim()
            _fail_if_strict(request, diagnostics)
            record = {
                "inputs": key,
                "summary": summary,
                "outputs": [{"path": o.path, "kind": o.kind, "pages": o.pages} for o in outputs],
                "warnings": [{"file": w.path, "line": w.line, "message": w.message} for w in diagnostics.warnings],
            }
            outputdir.publish(staging, output, [o.path for o in outputs], record)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
    return BuildResult(book, output, outputs, diagnostics, time.perf_counter() - started, summary)


def _part_cache(request: BuildRequest):
    """The cache of laid-out PDF parts: read unless --no-cache, written always (None when disabled)."""
    from packager.partcache import PartCache, default_folder

    folder = default_folder()
    return PartCache(folder, read=request.use_cache) if folder is not None else None


def _cache_key(request: BuildRequest, source: Path, output: Path) -> str:
    """What decides whether the previous output can be reused; the clock only counts when pinned."""
    pinned = os.environ.get("SOURCE_DATE_EPOCH") or _git(source, "log", "-1", "--format=%ct")
    theme_root = themes.themes_root()
    return cache.input_key(
        source,
        output,
        (theme_root,),
        {"epoch": pinned, "label": request.version_label, "formats": sorted(request.formats)},
    )


def _reuse(record: dict, output: Path, request: BuildRequest, started: float) -> BuildResult:
    """Report the previous build again: same files, same warnings (so --strict still fails)."""
    diagnostics = Diagnostics()
    for w in record.get("warnings", []):
        diagnostics.warn(w.get("file") or "", w.get("message", ""), w.get("line"))
    _fail_if_strict(request, diagnostics)
    outputs = [Output(o["path"], o["kind"], o.get("pages")) for o in record.get("outputs", [])]
    request.stage("inputs unchanged: the previous output is still right")
    return BuildResult(
        None, output, outputs, diagnostics, time.perf_counter() - started, record.get("summary", {}), True
    )


@dataclass
class CheckResult:
    """What checking a project found, without rendering anything."""

    book: Book
    diagnostics: Diagnostics
    seconds: float


def check(request: BuildRequest) -> CheckResult:
    """Run everything a build runs before rendering: config, sources, Markdown, links, credits."""
    started = time.perf_counter()
    source = request.source.expanduser()
    if not source.is_dir():
        raise UsageError("source folder does not exist; pass the folder that holds your Markdown articles", path=source)
    source = source.resolve()
    book, _, _, diagnostics, _ = _prepare(request, source, source / "dist")
    return CheckResult(book, diagnostics, time.perf_counter() - started)


def _prepare(request: BuildRequest, source: Path, output: Path, warm: bool = False):
    """Config, sources and the Book with its transforms applied: everything before rendering (warm: ready it too)."""
    diagnostics = Diagnostics()
    request.stage("reading the configuration")
    config = config_module.load(source)
    if request.formats:  # --format wins over [output] formats
        config = replace(config, output=replace(config.output, formats=request.formats))
    epoch = build_epoch(source)
    theme = themes.load(config.output.theme, source)
    files = sources.discover(source, config, output, diagnostics)
    request.stage(f"rendering {len(files)} articles")
    if warm and "pdf" in config.output.formats:
        from packager.renderers import pdf

        pdf.start_workers_early([f.body for f in files], request.jobs)
    ahead = (lambda: warmup.renderers(theme, config)) if warm else None
    book = assemble(source, config, files, diagnostics, epoch, request.jobs, ahead)
    version = request.version_label or book.version or _git(source, "describe", "--tags")
    slug = f"{book.slug}-{version}" if config.output.versioned_names and version else book.slug
    book = replace(book, version=version, slug=slug, editions=editions.read(source, diagnostics))
    book = credits.apply(book, theme, config.credits.items, diagnostics)
    book = sharing.apply(book, config.share, theme, diagnostics)
    return book, config, theme, diagnostics, epoch


def _with_cover(book: Book, theme: themes.Theme, work: Path) -> Book:
    """Draw a typographic cover when the book has none: every output then shows the same one."""
    if book.cover is not None:
        return book
    from packager import cover

    path = work / "cover.png"
    path.write_bytes(cover.book_cover(book, theme))
    return replace(book, cover=Asset(href="cover.png", path=path, media_type="image/png"))


def _render(ctx: RenderContext, formats: tuple[str, ...], stage: Callable[[str], None]) -> list[Output]:
    from packager.renderers import bundle, credits_files, landing, publish

    books: list[Output] = []
    if "epub" in formats:
        from packager.renderers import epub

        stage("writing the EPUB")
        books += epub.render(ctx)
    if "pdf" in formats:
        from packager.renderers import pdf  # with lxml.html and the part machinery: only when a PDF is made

        stage("laying out the PDF")
        books += pdf.render(ctx)
    stage("writing the download page")
    credit_files = credits_files.render(ctx)
    bundled = bundle.render(ctx, books + credit_files)
    page = landing.render(ctx, books + bundled)
    outputs = books + bundled + credit_files + page
    return outputs + publish.render(ctx, outputs)


def _fail_if_strict(request: BuildRequest, diagnostics: Diagnostics) -> None:
    if request.strict and diagnostics.warnings:
        error = StrictModeError(
            f"--strict: {len(diagnostics.warnings)} warning(s), first: {diagnostics.warnings[0]}; "
            "fix them or build without --strict"
        )
        error.warnings = [{"file": w.path or None, "line": w.line, "message": w.message} for w in diagnostics.warnings]
        raise error
