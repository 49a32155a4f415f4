"""Run one build: project -> content -> transforms -> render -> output, swapped in only when complete."""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from packager import project as project_module
from packager import workers
from packager.book import share_links
from packager.book.model import Asset, Book, Library
from packager.diagnostics import Diagnostics
from packager.errors import StrictModeError
from packager.filefacts import sha256
from packager.formats import chosen, making_order
from packager.output import folder, reuse
from packager.output.assembly import Assembly, read_web
from packager.project import Project
from packager.project.git import GitFacts
from packager.project.sources import DEFAULT_OUTPUT
from packager.project.themes import Theme, themes_root
from packager.render.context import Output, PageList, PageStart, RenderContext

# The stages after the project (content, transforms, render) are imported where they run: a build whose
# inputs have not changed returns before them, in a fraction of a second.


@dataclass(frozen=True)
class BuildRequest:
    """What the user asked for on the command line."""

    source: Path
    output: Path | None = None
    strict: bool = False
    version_label: str | None = None
    progress: Callable[[str], None] | None = None
    use_cache: bool = True
    jobs: int | None = None  # --jobs: worker processes for the Markdown and the PDF; None: one per CPU
    formats: tuple[str, ...] = ()  # --format: the books to make instead of [output] formats
    site: str | None = None  # --site: the site profile SOURCE is read as, instead of what its files say
    notice: Callable[[str], None] | None = None  # where the lines saying what was read go (the command's stderr)

    def stage(self, name: str) -> None:
        if self.progress:
            self.progress(name)

    def tell(self, line: str) -> None:
        """Say what the build read (which site profile): the first lines a build prints."""
        if self.notice:
            self.notice(line)


@dataclass
class BuildResult:
    """What a build produced."""

    book: Book | None  # None when the previous output was reused unchanged
    output: Path
    outputs: list[Output]
    diagnostics: Diagnostics = field(default_factory=Diagnostics)
    seconds: float = 0.0
    summary: dict = field(default_factory=dict)  # title, slug, version, articles (and bundles)
    cached: bool = False
    library: Library | None = None  # every book made (None when the previous output was reused)
    reused: list[str] = field(default_factory=list)  # the books whose files were taken from the previous output


def resolve_paths(request: BuildRequest) -> tuple[Path, Path]:
    """Check the source folder and the output folder before anything is read or written."""
    source = project_module.source_folder(request.source)
    output = (request.output.expanduser() if request.output else source / DEFAULT_OUTPUT).resolve()
    folder.check(source, output)
    return source, output


def run(request: BuildRequest, diagnostics: Diagnostics | None = None, assembly: Assembly | None = None) -> BuildResult:
    """Build the book described by request and swap the finished dist/ into place.

    The warnings go to diagnostics (by default a new one): the caller has them even when the build fails.
    With assembly (``packager assemble``), the books' files and parts come from the shards that made them.
    """
    started = time.perf_counter()
    diagnostics = Diagnostics() if diagnostics is None else diagnostics
    source, output = resolve_paths(request)
    git = GitFacts(source)
    key = input_key(request, source, output, git)
    if request.use_cache and assembly is None:
        previous = reuse.lookup(output, key)
        if previous is not None:
            return _reuse(previous, output, request, started, diagnostics)
    count = workers.worker_count(request.jobs)
    project, formats, library, epoch = prepare(request, source, output, git, count, diagnostics, warm=True)
    fail_if_strict(request, diagnostics)
    summary = _summary(library, project)
    previous = (folder.read_record(output) or {}) if request.use_cache and assembly is None else {}
    with folder.Lock(output):
        staging = folder.staging_folder(output)
        try:
            with tempfile.TemporaryDirectory(prefix="packager-work-") as work:
                outputs, books, library = _render_library(
                    request,
                    project,
                    library,
                    formats,
                    staging,
                    output,
                    Path(work),
                    epoch,
                    count,
                    diagnostics,
                    previous,
                    assembly,
                )
            fail_if_strict(request, diagnostics)
            record = {
                "inputs": key,
                "summary": summary,
                "outputs": [{"path": o.path, "kind": o.kind, "pages": o.pages} for o in outputs],
                "books": books,
                "warnings": [w.data() for w in diagnostics.warnings],
            }
            folder.swap_in(staging, output, [o.path for o in outputs], record)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
    return BuildResult(
        library.books[0] if library.single else None,
        output,
        outputs,
        diagnostics,
        time.perf_counter() - started,
        summary,
        library=library,
        reused=[b["slug"] for b in books if b["reused"]],
    )


def _summary(library: Library, project: Project) -> dict:
    """What the build record and the command report: the book (or the library and its books)."""
    first = library.books[0]
    articles = len([a for a in library.articles if not a.is_generated])
    if library.single:
        return {
            "title": first.title,
            "slug": first.slug,
            "version": first.version,
            "articles": articles,
            "read_as": project.read_as,
        }
    return {
        "title": library.title,
        "slug": None,
        "version": first.version,
        "articles": articles,
        "read_as": project.read_as,
        "bundles": [
            {
                "slug": b.slug,
                "title": b.title,
                "folder": b.folder,
                "articles": len([a for a in b.articles if not a.is_generated]),
            }
            for b in library.books
        ],
    }


def _render_library(
    request, project, library, formats, staging, output, work, epoch, count, diagnostics, previous, assembly=None
):
    """Each book into its folder (reusing a book whose inputs are unchanged), then the site around them all.

    The web edition's pages are written meanwhile, in a forked process: they need the books' data, not their files.
    """
    from packager.render import site

    pinned = bool(os.environ.get("SOURCE_DATE_EPOCH") or project.git.last_commit)
    extra = {"formats": list(formats), "epoch": epoch if pinned else None}
    keys = [reuse.book_key(book, project.theme.folders, extra) for book in library.books]
    books = [with_cover(book, project.theme, work / (book.folder or "book")) for book in library.books]
    library = replace(library, books=tuple(books))
    expected = frozenset(site.book_files(library, [f.suffix for f in chosen(formats)]))
    web = None if assembly else site.start_web(library, project.theme, staging, diagnostics, epoch, expected, count)
    try:
        outputs, records, contexts = _render_books(
            request, project, books, keys, formats, staging, output, epoch, count, diagnostics, previous, assembly
        )
        if assembly is None:
            pages = site.finish_web(web, {o.path for o in outputs})
        elif expected <= {o.path for o in outputs}:
            pages = [Output(path, kind) for path, kind in read_web(assembly, staging)]
        else:  # as finish_web does: the books hold less than the shards' pages link to
            pages = site.render_web(library, project.theme, staging, diagnostics, epoch)
    except BaseException:
        if web is not None:
            web.cancel()
        raise
    outputs += site.render_library(library, contexts, staging, outputs, pages)
    return outputs, records, library


def _render_books(
    request, project, books, keys, formats, staging, output, epoch, count, diagnostics, previous, assembly=None
):
    """Each book's files and its download page, in its folder; a book whose key is unchanged is copied."""
    from packager.render import site

    before = {b.get("folder"): b for b in previous.get("books", [])}
    outputs: list[Output] = []
    records: list[dict] = []
    contexts: list[RenderContext] = []
    for book, key in zip(books, keys, strict=True):
        destination = staging / book.folder
        destination.mkdir(parents=True, exist_ok=True)
        ctx = RenderContext(
            book=book,
            theme=project.theme,
            destination=destination,
            diagnostics=diagnostics,
            epoch=epoch,
            workers=count,
            use_cache=request.use_cache,
            part_sources=assembly.parts if assembly else (),
        )
        kept = reuse.reuse_books(output / book.folder, destination, before.get(book.folder), key)
        if kept is not None:
            request.stage(f"{book.title}: inputs unchanged, its books are reused")
            made = [Output(f["path"], f["kind"], f.get("pages"), page_list=f.get("page_list", False)) for f in kept]
        else:
            made = _render(ctx, formats, request.stage, assembly)
        records.append(
            {
                "slug": book.slug,
                "folder": book.folder,
                "key": key,
                "reused": kept is not None,
                "outputs": [
                    {"path": o.path, "kind": o.kind, "pages": o.pages, "sha256": sha256(destination / o.path)}
                    | ({"page_list": True} if o.page_list else {})
                    for o in made
                ],
            }
        )
        request.stage("writing the download page")
        made = site.render_book(ctx, made)
        outputs += [replace(o, path=book.folder + o.path) for o in made]
        contexts.append(ctx)
    return outputs, records, contexts


def input_key(request: BuildRequest, source: Path, output: Path, git: GitFacts) -> str:
    """What decides whether the previous output can be reused; the clock only counts when pinned."""
    pinned = os.environ.get("SOURCE_DATE_EPOCH") or git.last_commit
    return reuse.input_key(
        source,
        output,
        (themes_root(),),
        {
            "epoch": str(pinned) if pinned else None,
            "label": request.version_label,
            "formats": sorted(request.formats),
            "site": request.site,
        },
    )


def _reuse(record: dict, output: Path, request: BuildRequest, started: float, diagnostics: Diagnostics) -> BuildResult:
    """Report the previous build again: same files, same warnings (so --strict still fails)."""
    for line in record.get("summary", {}).get("read_as", []):
        request.tell(line)
    for w in record.get("warnings", []):
        diagnostics.warn(w.get("file") or "", w.get("message", ""), w.get("line"), kind=w.get("kind"))
    fail_if_strict(request, diagnostics)
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
    project: Project | None = None
    library: Library | None = None


def check(request: BuildRequest, diagnostics: Diagnostics | None = None) -> CheckResult:
    """Run everything a build runs before rendering: config, sources, Markdown, links, credits.

    The warnings go to diagnostics (by default a new one): the caller has them even when the check fails.
    """
    started = time.perf_counter()
    diagnostics = Diagnostics() if diagnostics is None else diagnostics
    source = project_module.source_folder(request.source)
    count = workers.worker_count(request.jobs)
    project, _, library, _ = prepare(request, source, source / DEFAULT_OUTPUT, GitFacts(source), count, diagnostics)
    return CheckResult(library.books[0], diagnostics, time.perf_counter() - started, project, library)


def prepare(
    request: BuildRequest,
    source: Path,
    output: Path,
    git: GitFacts,
    count: int,
    diagnostics: Diagnostics,
    warm: bool = False,
):
    """The project, the books asked for, and the Book with its transforms applied (warm: ready the renderers too)."""
    from packager.content.assemble import assemble, cover_file
    from packager.project import glyphs
    from packager.render import registry, warmup
    from packager.transforms import bundles, credits, emoji, share, spotlight

    request.stage("reading the configuration")
    epoch = project_module.build_epoch(git)
    project = project_module.load(source, output, diagnostics, git, request.site)
    for line in project.read_as:
        request.tell(line)
    formats = request.formats or project.config.output.formats  # --format wins over [output] formats
    request.stage(f"rendering {len(project.files)} articles")
    if warm:
        registry.prepare(formats, [f.body for f in project.files], count)
    ahead = (lambda: warmup.renderers(project.theme, project.config, formats)) if warm else None
    config = project.config
    pool = assemble(source, config, project.files, diagnostics, epoch, count, ahead, project.dialect, project.site)
    diagnostics.extend(project.changelog_warnings)
    pool = replace(pool, editions=project.editions, licence_text=project.licence_text)
    pool = replace(pool, web_root=bundles.WEB_FOLDER if config.output.web else None)
    covers = {b.slug: cover_file(source, config, b.cover, f"bundles[{i}].cover") for i, b in enumerate(config.bundles)}
    books = []
    for book in bundles.split(pool, config, covers, diagnostics):
        book = _edition(book, project, request.version_label)
        if formats:
            book = emoji.apply(book, project.theme, diagnostics)
        book = credits.apply(book, project.theme, config.credits.items, diagnostics)
        book = share.apply(book, config.share, project.theme, diagnostics)
        book = spotlight.apply(book, config.spotlight, config.causes, project.theme, diagnostics)
        books.append(book)
    if formats:  # the books' text is known: what none of their fonts draws is said once, never drawn as boxes
        glyphs.warn_missing(books, project.theme, diagnostics)
    library = Library(
        title=pool.title,
        language=pool.language,
        books=tuple(books),
        articles=pool.articles,
        assets=pool.assets,
        description=pool.description,
        base_url=pool.base_url,
        causes=config.causes,
        recommended=config.spotlight,
        identifier=pool.identifier,
        modified=pool.modified,
        web=config.output.web,
        share_providers=tuple(config.share.providers or share_links.PROVIDERS),
        share_hashtags=config.share.hashtags,
        share_utm=config.share.utm,
        mastodon_instance=config.share.mastodon_instance,
    )
    return project, formats, library, epoch


def _edition(book: Book, project: Project, label: str | None) -> Book:
    """The book's version and file names: what the command line and the project say beyond its articles."""
    version = label or book.version or project.git.describe
    slug = f"{book.slug}-{version}" if project.config.output.versioned_names and version else book.slug
    return replace(book, version=version, slug=slug)


def with_cover(book: Book, theme: Theme, work: Path) -> Book:
    """Draw a typographic cover when the book has none: every output then shows the same one."""
    if book.cover is not None:
        return book
    from packager.render import cover

    work.mkdir(parents=True, exist_ok=True)
    path = work / "cover.png"
    path.write_bytes(cover.book_cover(book, theme))
    return replace(book, cover=Asset(href="cover.png", path=path, media_type="image/png"))


def _render(
    ctx: RenderContext, formats, stage: Callable[[str], None], assembly: Assembly | None = None
) -> list[Output]:
    """The books, in the order of formats.FORMATS (assembly: taken from the shard that made each whole file)."""
    from packager.render import registry

    books: dict[str, list[Output]] = {}
    for book_format in making_order(formats):  # a book that takes another's page list is made after it
        name = ctx.book.slug + book_format.suffix
        given = books.get(book_format.pages_from or "", ())
        starts = next((o for o in given if o.page_starts), None)
        here = replace(ctx, page_list=PageList(starts.path, starts.page_starts)) if starts else ctx
        if assembly is not None and ctx.book.folder + name in assembly.files:
            made = assembly.take(ctx.book.folder + name, ctx.destination / name)
            page_starts = tuple(PageStart(*s) for s in made.page_starts)
            books[book_format.name] = [Output(name, made.kind, made.pages, page_starts)]
            continue
        stage(book_format.progress)
        books[book_format.name] = registry.renderer(book_format.name).render(here)
    return [o for book_format in chosen(formats) for o in books[book_format.name]]


def fail_if_strict(request: BuildRequest, diagnostics: Diagnostics) -> None:
    if request.strict and diagnostics.warnings:
        raise StrictModeError(
            f"--strict: {len(diagnostics.warnings)} warning(s), first: {diagnostics.warnings[0]}; "
            "fix them or build without --strict"
        )
