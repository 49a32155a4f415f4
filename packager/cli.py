"""The ``packager`` command: parse options and hand off to the modules that do the work."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import click

from packager import __version__
from packager.errors import ExitCode, UsageError


class _StderrFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return f"{record.levelname.lower()}: {record.getMessage()}"


def _setup_logging(verbose: int, quiet: bool) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_StderrFormatter())
    log = logging.getLogger("packager")
    log.handlers[:] = [handler]
    log.propagate = False
    log.setLevel(
        logging.ERROR if quiet else logging.DEBUG if verbose > 1 else logging.INFO if verbose else logging.WARNING
    )
    # WeasyPrint and fontTools log at WARNING for things that are not the user's business.
    for name in ("weasyprint", "fontTools"):
        logging.getLogger(name).setLevel(logging.ERROR)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="packager")
def main() -> None:
    """Turn a folder of Markdown articles into free EPUB and PDF books and a download page."""


@main.command()
@click.argument("source", type=click.Path(path_type=Path), default=".")
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Output folder (default: SOURCE/dist).")
@click.option("--strict", is_flag=True, help="Treat every warning as an error (for CI).")
@click.option("-q", "--quiet", is_flag=True, help="Print errors only.")
@click.option("-v", "--verbose", count=True, help="Print more about what happens.")
def build(source: Path, output: Path | None, strict: bool, quiet: bool, verbose: int) -> None:
    """Build the EPUB, the PDF and the download page from SOURCE."""
    from packager import build as build_module

    _setup_logging(verbose, quiet)
    request = build_module.BuildRequest(source=source, output=output, strict=strict)
    try:
        result = build_module.run(request)
    except KeyboardInterrupt:
        click.echo("error: interrupted; the previous output folder was left as it was", err=True)
        sys.exit(ExitCode.INTERRUPTED)
    if not quiet:
        for item in result.outputs:
            if item.kind != "asset":
                path = result.output / item.path
                click.echo(f"wrote {path} ({path.stat().st_size:,} bytes)")
        count = len(result.diagnostics.warnings)
        click.echo(
            f"{len(result.book.articles)} articles, {count} warning(s), {result.seconds:.1f} s",
            err=True,
        )


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
@click.option("-v", "--verbose", count=True, help="Print more about what happens.")
def serve(source: Path, output: Path | None, port: int, verbose: int) -> None:
    """Build SOURCE, serve the result on 127.0.0.1 and rebuild when a file changes."""
    from packager import build as build_module
    from packager import serve as serve_module

    _setup_logging(verbose, False)
    try:
        serve_module.serve(build_module.BuildRequest(source=source, output=output), port, click.echo)
    except OSError as error:
        raise UsageError(f"cannot serve on 127.0.0.1:{port}: {error.strerror}; try another --port") from error
