"""The ``packager`` command: parse options and hand off to the modules that do the work."""

from __future__ import annotations

import contextlib
import functools
import json
import os
import sys
from pathlib import Path

import click

from packager import __version__
from packager.console import Progress, setup_logging
from packager.errors import ExitCode, PackagerError, StrictModeError, UsageError
from packager.formats import NAMES


def _common(function):
    """Options every command that reads a project shares."""
    options = [
        click.option("--no-color", is_flag=True, help="No colours (also: the NO_COLOR variable)."),
        click.option("-v", "--verbose", count=True, help="Print more about what happens."),
        click.option("-q", "--quiet", is_flag=True, help="Print errors only."),
        click.option("--json", "as_json", is_flag=True, help="Print a machine-readable report on stdout."),
        click.option("--strict", is_flag=True, help="Treat every warning as an error (for CI)."),
    ]
    for option in options:
        function = option(function)
    return function


def _site_option(function):
    """--site: read SOURCE as a given site's tool reads it."""
    from packager.project.sites import NAMES as SITES

    return click.option(
        "--site",
        type=click.Choice(tuple(SITES), case_sensitive=False),
        default=None,
        help="Read SOURCE as this tool's site does (order, parts, metadata); default: [content] site, else found from its files.",
    )(function)


def _formats_option(help_text: str):
    """-f/--format: the books to make (or plan) instead of [output] formats."""
    return click.option(
        "-f", "--format", "formats", type=click.Choice(NAMES, case_sensitive=False), multiple=True, help=help_text
    )


def _tell(quiet: bool):
    """Where a command says what it read: stderr, unless it is quiet."""
    return None if quiet else functools.partial(click.echo, err=True)


@contextlib.contextmanager
def _reported(progress, as_json: bool, diagnostics, verbose: int):
    """On a user error: end the progress line, then the warnings found before it and the error (or JSON)."""
    from packager.console import error_report, report_warnings, warnings_data

    try:
        yield
    except PackagerError as error:
        progress.done()
        if as_json:
            _emit_json(error_report(error, warnings_data(diagnostics)))
        else:
            report_warnings(diagnostics, verbose)
        raise


def _emit_json(data: dict) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="packager")
def main() -> None:
    """Turn a folder of Markdown articles into free EPUB and PDF books and a download page."""


@main.command()
@click.argument("source", type=click.Path(path_type=Path), default=".")
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Output folder (default: SOURCE/dist).")
@click.option("--version-label", help="Edition label (default: [book] version, else `git describe --tags`).")
@click.option("--no-cache", is_flag=True, help="Build everything even when the inputs have not changed.")
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help="Worker processes for the Markdown and the PDF (default: one per CPU). The output is the same for any value.",
)
@_formats_option(
    "Make only this book (repeat for both); default: [output] formats. The download page lists what was made."
)
@click.option(
    "--shard",
    metavar="K/N",
    help="Make only shard K of N of the work (see `packager plan`), into -o (default: shards/K); join with `assemble`.",
)
@_site_option
@_common
def build(
    source, output, version_label, no_cache, jobs, formats, shard, site, strict, as_json, quiet, verbose, no_color
) -> None:
    """Build the EPUB, the PDF and the download page from SOURCE."""
    from packager import build as build_module
    from packager.console import build_report, report_warnings
    from packager.diagnostics import Diagnostics
    from packager.workers import relax_gc

    setup_logging(verbose, quiet or as_json, no_color)
    relax_gc()  # one build, then the process ends: what is imported now stays
    progress = Progress(enabled=not (quiet or as_json))
    request = build_module.BuildRequest(
        source=source,
        output=output,
        strict=strict,
        version_label=version_label,
        progress=progress,
        use_cache=not no_cache,
        jobs=jobs,
        formats=tuple(dict.fromkeys(formats)),  # click gives each as its choice's spelling
        site=site.lower() if site else None,
        notice=_tell(quiet or as_json),
    )
    diagnostics = Diagnostics()
    if shard:
        _build_shard(request, shard, diagnostics, progress, as_json, quiet, verbose)
        return
    try:
        with _reported(progress, as_json, diagnostics, verbose):
            result = build_module.run(request, diagnostics)
    except KeyboardInterrupt:
        progress.done()
        click.echo("error: interrupted; the previous output folder was left as it was", err=True)
        # The build has cleaned up behind it. Leave without the interpreter's exit hooks: a worker
        # stopped while it sent a result would keep concurrent.futures' exit hook waiting for the rest.
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(ExitCode.INTERRUPTED)
    progress.done()
    if as_json:
        _emit_json(build_report(result, ExitCode.SUCCESS))
        return
    report_warnings(diagnostics, verbose)
    if not quiet:
        for item in result.outputs:
            if item.kind in (*NAMES, "bundle", "landing"):
                path = result.output / item.path
                click.echo(f"wrote {path} ({path.stat().st_size:,} bytes)")
        articles = result.summary.get("articles", 0)
        bundles = result.summary.get("bundles")
        articles = f"{len(bundles)} books from {articles}" if bundles else articles
        reused = " (inputs unchanged: output reused)" if result.cached else ""
        count = len(result.diagnostics.warnings)
        click.echo(f"{articles} articles, {count} warning(s), {result.seconds:.1f} s{reused}", err=True)


def _build_shard(request, text: str, diagnostics, progress, as_json: bool, quiet: bool, verbose: int) -> None:
    """build --shard K/N: one shard's share of the work, and its manifest."""
    import dataclasses

    from packager import shards
    from packager.console import report_warnings

    try:
        index, total = shards.parse_shard(text)
    except ValueError as error:
        raise UsageError(f"--shard: {error}") from None
    if request.output is None:
        request = dataclasses.replace(request, output=Path("shards") / str(index))
    try:
        result = shards.build(request, index, total, diagnostics)
    finally:
        progress.done()
    if as_json:
        _emit_json(
            {
                "ok": True,
                "shard": result.shard.label,
                "output": str(result.output),
                "pieces": [p.name for p in result.shard.pieces],
                "files": result.files,
                "parts": result.parts,
                "warnings": len(diagnostics.warnings),
                "seconds": round(result.seconds, 3),
            }
        )
        return
    report_warnings(diagnostics, verbose)
    if not quiet:
        click.echo(
            f"shard {result.shard.label}: {len(result.shard.pieces)} pieces, {len(result.files)} files and "
            f"{result.parts} PDF parts in {result.output}, {len(diagnostics.warnings)} warning(s), "
            f"{result.seconds:.1f} s",
            err=True,
        )


@main.command()
@click.argument("source", type=click.Path(path_type=Path), default=".")
@click.option("--shards", "total", type=click.IntRange(1, 256), required=True, help="How many shards to plan.")
@click.option("--gitlab", is_flag=True, help="Print GitLab CI's parallel:matrix (JSON) instead.")
@click.option("--version-label", help="Edition label, as the shards will be built with it.")
@_formats_option("Plan only this book (as the shards will be built); default: [output] formats.")
@_site_option
@_common
def plan(source, total, gitlab, version_label, formats, site, strict, as_json, quiet, verbose, no_color) -> None:
    """Share SOURCE's build out over N shards; --json prints GitHub's strategy.matrix (fromJSON)."""
    from packager import build as build_module
    from packager import shards
    from packager.console import report_warnings
    from packager.diagnostics import Diagnostics

    setup_logging(verbose, quiet or as_json or gitlab, no_color)
    request = build_module.BuildRequest(
        source=source,
        version_label=version_label,
        formats=tuple(dict.fromkeys(f.lower() for f in formats)),
        site=site.lower() if site else None,
        notice=_tell(quiet or as_json or gitlab),
    )
    diagnostics = Diagnostics()
    result = shards.plan(request, total, diagnostics)
    if strict and diagnostics.warnings:
        report_warnings(diagnostics, verbose)
        raise StrictModeError(f"--strict: {len(diagnostics.warnings)} warning(s); fix them or plan without --strict")
    if as_json or gitlab:
        click.echo(json.dumps(result.gitlab() if gitlab else result.github(), separators=(",", ":")))
        return
    report_warnings(diagnostics, verbose)
    for item in result.shards:
        click.echo(
            f"shard {item.label}: ~{item.pages:.0f} pages of work: {len(item.pieces)} pieces, {item.web_pages} web pages"
        )
    click.echo(f"input {result.input}")


@main.command()
@click.argument("shard_folders", nargs=-1, type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Output folder (default: SOURCE/dist).")
@click.option("--source", type=click.Path(path_type=Path), help="The project (default: the path the shards name).")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None, help="Worker processes (default: one per CPU).")
@_common
def assemble(shard_folders, output, source, jobs, strict, as_json, quiet, verbose, no_color) -> None:
    """Join the shards that `build --shard K/N` made into the dist/ one build gives, byte for byte."""
    from packager import shards
    from packager.console import build_report, report_warnings
    from packager.diagnostics import Diagnostics

    setup_logging(verbose, quiet or as_json, no_color)
    progress = Progress(enabled=not (quiet or as_json))
    diagnostics = Diagnostics()
    with _reported(progress, as_json, diagnostics, verbose):
        result = shards.assemble(
            list(shard_folders),
            output,
            diagnostics,
            source,
            strict=strict,
            jobs=jobs,
            progress=progress,
            notice=_tell(quiet or as_json),
        )
    progress.done()
    if as_json:
        _emit_json(build_report(result, ExitCode.SUCCESS))
        return
    report_warnings(diagnostics, verbose)
    if not quiet:
        click.echo(
            f"assembled {len(shard_folders)} shards into {result.output}: {len(result.outputs)} files, "
            f"{len(diagnostics.warnings)} warning(s), {result.seconds:.1f} s",
            err=True,
        )


@main.command()
@click.argument("source", type=click.Path(path_type=Path), default=".")
@_site_option
@_common
def check(source, site, strict, as_json, quiet, verbose, no_color) -> None:
    """Check SOURCE without rendering: config, front matter, links, images, licences, credits; print its outline."""
    from packager import build as build_module
    from packager.console import error_report, outline_data, outline_lines, report_warnings, warnings_data
    from packager.diagnostics import Diagnostics

    setup_logging(verbose, quiet or as_json, no_color)
    diagnostics = Diagnostics()
    request = build_module.BuildRequest(
        source=source, site=site.lower() if site else None, notice=_tell(quiet or as_json)
    )
    try:
        result = build_module.check(request, diagnostics)
    except PackagerError as error:
        if as_json:
            _emit_json(error_report(error, warnings_data(diagnostics)))
        else:
            report_warnings(diagnostics, verbose)
        raise
    warnings = warnings_data(diagnostics)
    failed = strict and bool(warnings)
    if as_json:
        code = ExitCode.VALIDATION_FAILED if failed else ExitCode.SUCCESS
        _emit_json(
            {
                "ok": not failed,
                "exit_code": int(code),
                "articles": len(result.book.articles),
                **outline_data(result.book, result.project, result.library),
                "warnings": warnings,
                "seconds": round(result.seconds, 3),
                "error": None,
            }
        )
    elif not quiet:
        for line in outline_lines(result.book, result.project, result.library):
            click.echo(line)
        report_warnings(diagnostics, verbose)
        library = result.library
        articles = len([a for a in (library.articles if library else result.book.articles) if not a.is_generated])
        if library is not None and not library.single:
            articles = f"{len(library.books)} books from {articles}"
        click.echo(f"{articles} articles checked, {len(warnings)} warning(s), {result.seconds:.2f} s", err=True)
    if failed:
        if as_json:
            sys.exit(ExitCode.VALIDATION_FAILED)
        raise StrictModeError(f"--strict: {len(warnings)} warning(s); fix them or check without --strict")


@main.command()
@click.argument("dist", type=click.Path(path_type=Path), default="dist")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON on stdout.")
@click.option(
    "--allow-missing", is_flag=True, help="Pass a check whose tool is not installed (the table says 'not run')."
)
@click.option(
    "--require-all", is_flag=True, hidden=True, help="The default now: kept so that old scripts keep working."
)
@click.option("--no-color", is_flag=True, help="No colours (also: the NO_COLOR variable).")
def validate(dist, as_json, allow_missing, require_all, no_color) -> None:
    """Check a built DIST (books, web pages, SHA256SUMS) with real validators; exit 3 when a check fails or cannot run."""
    from packager import validate as validate_module

    if allow_missing and require_all:
        raise UsageError(
            "--allow-missing and --require-all contradict each other; drop --require-all (it is the default now)"
        )
    setup_logging(0, as_json, no_color)
    report = validate_module.validate(dist, allow_missing=allow_missing)
    if as_json:
        _emit_json(report.to_json())
    else:
        click.echo(validate_module.format_table(report))
    if not report.ok():
        sys.exit(ExitCode.VALIDATION_FAILED)


@main.command()
@click.argument("source", type=click.Path(path_type=Path), default=".")
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Output folder (default: SOURCE/dist).")
@click.option(
    "-p",
    "--port",
    type=click.IntRange(0, 65535),
    default=8000,
    show_default=True,
    help="Port on 127.0.0.1 (0: any free port).",
)
@click.option(
    "--format",
    "formats",
    type=click.Choice(NAMES, case_sensitive=False),
    multiple=True,
    help="Make only this book (repeat for both) on every rebuild; default: [output] formats.",
)
@click.option("-v", "--verbose", count=True, help="Print more about what happens.")
@click.option("--no-color", is_flag=True, help="No colours (also: the NO_COLOR variable).")
def serve(source, output, port, formats, verbose, no_color) -> None:
    """Build SOURCE, serve the result on 127.0.0.1 and rebuild when a file changes."""
    from packager import build as build_module
    from packager import serve as serve_module
    from packager.console import report_warnings

    setup_logging(verbose, False, no_color)
    request = build_module.BuildRequest(
        source=source, output=output, formats=tuple(dict.fromkeys(f.lower() for f in formats))
    )
    report = functools.partial(report_warnings, verbose=verbose)
    try:
        serve_module.serve(request, port, click.echo, report)
    except OSError as error:
        raise UsageError(f"cannot serve on 127.0.0.1:{port}: {error.strerror}; try another --port") from error


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print the themes as JSON on stdout.")
def themes(as_json) -> None:
    """List the built-in themes ([output] theme), each with its fonts and their licences."""
    from packager.project import themes as theme_module

    found = [theme_module.describe(name) for name in theme_module.available()]
    if as_json:
        _emit_json({"themes": found})
        return
    for theme in found:
        click.echo(theme["name"] + (f": {theme['description']}" if theme["description"] else ""))
        for font in theme["fonts"]:
            parts = [
                f"licence {font['license'] or 'not given'}",
                font["author"] and f"by {font['author']}",
                font["source"],
            ]
            click.echo(f"  font: {font['name']}; " + "; ".join(p for p in parts if p))


@main.command()
@click.argument("folder", type=click.Path(path_type=Path), default=".")
@click.option("--title", help="The book's title (default: the folder's name).")
@click.option(
    "--author", help="The author named in packager.toml and the articles (default: a placeholder to replace)."
)
def init(folder, title, author) -> None:
    """Write a new project into FOLDER (new or empty; default: here) that builds at once."""
    from packager import starter

    written = starter.write(folder, title=title, author=author)
    click.echo(f"wrote {len(written)} files into {folder}; build them with: packager build {folder} --strict", err=True)


@main.command()
@click.argument("source", type=click.Path(path_type=Path), default=".")
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Output folder (default: SOURCE/dist).")
def clean(source, output) -> None:
    """Remove what packager wrote into the output folder, and nothing else."""
    from packager.output import folder as output_folder
    from packager.project.sources import DEFAULT_OUTPUT

    folder = (output or source / DEFAULT_OUTPUT).expanduser()
    removed = output_folder.clean(folder)
    click.echo(f"removed {len(removed)} file(s) from {folder}", err=True)
