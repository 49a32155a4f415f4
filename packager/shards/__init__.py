"""A build shared out over CI runners: ``plan`` the work, ``build --shard K/N`` one share, ``assemble`` the site.

The work is cut into pieces that depend only on the book (``work``): each
book's EPUB, its PDF laid out in one go, or the parts of a PDF laid out in
parts, plus every n-th page of the web edition. Every shard reads the whole
project (the Markdown is read by each; that is the fixed cost of a shard),
makes its pieces and writes them with a manifest (``manifest``). ``assemble``
reads the project again, checks that the shards make one plan built from these
very inputs, takes their files and parts, lays out only what needs every part
(each PDF's front matter with its page numbers, the merge) and writes the site
around the books: the same ``dist/`` that one ``packager build`` gives, byte
for byte, since it is the same code with the parts laid out elsewhere.

Shards must agree on the build time, so a sharded build needs a pinned one
(SOURCE_DATE_EPOCH or a git checkout's last commit).
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path

from packager import build as build_module
from packager import project as project_module
from packager import workers
from packager.build import BuildRequest, BuildResult
from packager.diagnostics import Diagnostics
from packager.errors import UsageError
from packager.filefacts import sha256
from packager.formats import chosen, waits
from packager.output import folder
from packager.project.files import SHARD_MANIFEST
from packager.project.git import GitFacts
from packager.project.sources import DEFAULT_OUTPUT
from packager.render.context import RenderContext
from packager.shards import manifest
from packager.shards.work import Piece, Plan, Shard, balance, parse_shard

__all__ = ["Plan", "Shard", "ShardResult", "assemble", "build", "parse_shard", "plan"]


@dataclass
class ShardResult:
    """What one shard built."""

    shard: Shard
    output: Path
    files: list[dict]
    parts: int
    seconds: float
    diagnostics: Diagnostics


def plan(request: BuildRequest, total: int, diagnostics: Diagnostics) -> Plan:
    """Read the project (as check does) and share its work out over total shards."""
    source = project_module.source_folder(request.source)
    git = GitFacts(source)
    _require_pinned(git)
    count = workers.worker_count(request.jobs)
    project, formats, library, _ = build_module.prepare(
        request, source, source / DEFAULT_OUTPUT, git, count, diagnostics
    )
    return _plan(library, project.theme, formats, total, build_module.input_key(request, source, None, git))


def _plan(library, theme, formats, total: int, key: str) -> Plan:
    from packager.render import registry, site

    pieces = []
    for book in library.books:
        # A book that takes another's page list (the EPUB, the PDF's) needs it whole: assemble makes it.
        for book_format in (f for f in chosen(formats) if not waits(f, formats)):
            path = book.folder + book.slug + book_format.suffix
            for unit in registry.units(book_format.name, book, theme):
                pieces.append(Piece(path, book_format.name, unit.id, unit.pages))
    return balance(pieces, [site.web_pages(library, (k, total)) for k in range(total)], key)


def build(request: BuildRequest, index: int, total: int, diagnostics: Diagnostics) -> ShardResult:
    """Make shard index of total: its pieces under files/ and parts/, and its manifest, swapped in when complete."""
    from packager.render import registry, site

    started = time.perf_counter()
    source, output = build_module.resolve_paths(request)
    git = GitFacts(source)
    _require_pinned(git)
    key = build_module.input_key(request, source, None, git)
    count = workers.worker_count(request.jobs)
    project, formats, library, epoch = build_module.prepare(request, source, output, git, count, diagnostics, warm=True)
    build_module.fail_if_strict(request, diagnostics)
    shard = _plan(library, project.theme, formats, total, key).shards[index - 1]
    files: list[dict] = []
    with folder.Lock(output):
        staging = folder.staging_folder(output)
        try:
            with tempfile.TemporaryDirectory(prefix="packager-work-") as work:
                root = staging / manifest.FILES
                books = [
                    build_module.with_cover(b, project.theme, Path(work) / (b.folder or "book")) for b in library.books
                ]
                library = replace(library, books=tuple(books))  # as the one build has it: the web pages link covers
                for book in books:
                    for book_format in chosen(formats):
                        units = shard.units(book.folder + book.slug + book_format.suffix)
                        if not units:
                            continue
                        (root / book.folder).mkdir(parents=True, exist_ok=True)
                        ctx = RenderContext(
                            book,
                            project.theme,
                            root / book.folder,
                            diagnostics,
                            epoch,
                            count,
                            request.use_cache,
                            units=units,
                            part_store=staging / manifest.PARTS,
                        )
                        request.stage(f"{book.title}: {book_format.progress}")
                        for made in registry.renderer(book_format.name).render(ctx):
                            files.append(_entry(root, book.folder + made.path, made.kind, made.pages))
                            if made.page_starts:  # for the EPUB's page list, which assemble makes
                                files[-1]["page_starts"] = [
                                    [s.folio, s.article, s.block, s.offset] for s in made.page_starts
                                ]
                expected = site.book_files(library, [f.suffix for f in chosen(formats)])
                request.stage(f"writing {shard.web_pages} pages of the web edition")
                share = (shard.index - 1, shard.total)
                for made in site.render_web(library, project.theme, root, diagnostics, epoch, expected, share):
                    files.append({**_entry(root, made.path, made.kind, None), "web": True})
            parts = sorted(p for p in (staging / manifest.PARTS).rglob("*") if p.is_file())
            manifest.write(staging, _manifest_data(request, source, shard, key, epoch, formats, files, len(parts)))
            written = [f"{manifest.FILES}/{f['path']}" for f in files]
            written += [p.relative_to(staging).as_posix() for p in parts] + [SHARD_MANIFEST]
            folder.swap_in(staging, output, written, {"shard": shard.label, "inputs": key})
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
    return ShardResult(shard, output, files, len(parts), time.perf_counter() - started, diagnostics)


def _entry(root: Path, path: str, kind: str, pages: int | None) -> dict:
    return {"path": path, "kind": kind, "pages": pages, "sha256": sha256(root / path)}


def _manifest_data(request, source, shard, key, epoch, formats, files, parts) -> dict:
    from packager import __version__
    from packager.render.pdf.cache import environment_digest

    here = Path.cwd()
    given = os.path.relpath(source, here) if source.is_relative_to(here) else str(source)
    return {
        "packager": __version__,
        "environment": environment_digest(),
        "input": key,
        "index": shard.index,
        "total": shard.total,
        "source": Path(given).as_posix(),
        "options": {"formats": list(request.formats), "version_label": request.version_label, "site": request.site},
        "epoch": epoch,
        "formats": list(formats),
        "pieces": [p.name for p in shard.pieces],
        "files": files,
        "parts": parts,
    }


def assemble(
    folders: list[Path], output: Path | None, diagnostics: Diagnostics, source: Path | None = None, **options
) -> BuildResult:
    """Check that the shards in folders make one plan built from SOURCE as it is, then build dist/ from them.

    options are the BuildRequest's (progress, notice, strict, jobs); what decides the output comes from the shards.
    """
    from packager.render.pdf.cache import environment_digest

    if not folders:
        raise UsageError("give the shard folders to assemble, e.g. packager assemble shards/* -o dist")
    manifests = [manifest.read(f) for f in folders]
    manifest.check(manifests, environment_digest())
    first = manifests[0].data
    given = first.get("options", {})
    request = BuildRequest(
        source=source if source is not None else Path(first.get("source", ".")),
        output=output,
        formats=tuple(given.get("formats") or ()),
        version_label=given.get("version_label"),
        site=given.get("site"),
        **options,
    )
    checked = project_module.source_folder(request.source)
    git = GitFacts(checked)
    _require_pinned(git)
    if build_module.input_key(request, checked, None, git) != first["input"]:
        raise UsageError(
            "the source has changed since the shards were built (the input hash differs); build the shards again, "
            "or assemble from the commit they were built from",
            path=checked,
        )
    return build_module.run(replace(request, source=checked), diagnostics, assembly=manifest.assembly(manifests))


def _require_pinned(git: GitFacts) -> None:
    """Shards built at different times must write the same dates: refuse an unpinned build time."""
    if not (os.environ.get("SOURCE_DATE_EPOCH") or git.last_commit):
        raise UsageError(
            "a sharded build needs a fixed build time: build from a git checkout (its last commit's time) "
            "or set SOURCE_DATE_EPOCH, e.g. SOURCE_DATE_EPOCH=$(date +%s), the same for every shard"
        )
