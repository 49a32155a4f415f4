"""What the command prints: coloured (or not) log lines, a progress line on a terminal, JSON reports."""

from __future__ import annotations

import logging
import os
import sys
import time
from pathlib import Path

import click

from packager.diagnostics import Diagnostics, WarningGroup
from packager.errors import PackagerError
from packager.filefacts import sha256

_COLOURS = {"warning": "yellow", "error": "red", "info": "cyan", "debug": "bright_black"}


def colour_enabled(no_color: bool) -> bool:
    """Colour only on a terminal, and never with --no-color or NO_COLOR (https://no-color.org)."""
    return not no_color and "NO_COLOR" not in os.environ and sys.stderr.isatty()


class _Formatter(logging.Formatter):
    def __init__(self, colour: bool):
        super().__init__()
        self.colour = colour

    def format(self, record: logging.LogRecord) -> str:
        level = record.levelname.lower()
        prefix = click.style(f"{level}:", fg=_COLOURS.get(level), bold=True) if self.colour else f"{level}:"
        return f"{prefix} {record.getMessage()}"


def setup_logging(verbose: int, quiet: bool, no_color: bool) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_Formatter(colour_enabled(no_color)))
    log = logging.getLogger("packager")
    log.handlers[:] = [handler]
    log.propagate = False
    log.setLevel(
        logging.ERROR if quiet else logging.DEBUG if verbose > 1 else logging.INFO if verbose else logging.WARNING
    )
    # WeasyPrint and fontTools log at WARNING for things that are not the user's business.
    for name in ("weasyprint", "fontTools"):
        logging.getLogger(name).setLevel(logging.ERROR)


class Progress:
    """Stage names as a live line on a terminal; as plain log lines (with -v) elsewhere."""

    def __init__(self, enabled: bool):
        self.live = enabled and sys.stderr.isatty()
        self.started = time.perf_counter()

    def __call__(self, stage: str) -> None:
        elapsed = time.perf_counter() - self.started
        if self.live:
            click.echo(f"\r\033[K{stage} … {elapsed:4.1f} s", nl=False, err=True)
        else:
            logging.getLogger("packager").info("%s (%.1f s)", stage, elapsed)

    def done(self) -> None:
        if self.live:
            click.echo("\r\033[K", nl=False, err=True)


#: Line numbers a line of several warnings shows before "…".
SHOWN_LINES = 5


def report_warnings(diagnostics: Diagnostics, verbose: int = 0) -> None:
    """Print the warnings: a line per kind in each file (with -v, a line per warning), then a count by kind."""
    log = logging.getLogger("packager")
    each = verbose > 0
    for line in warning_lines(diagnostics, each):
        log.warning("%s", line)
    if log.isEnabledFor(logging.WARNING):
        for line in summary_lines(diagnostics, each):
            click.echo(line, err=True)


def warning_lines(diagnostics: Diagnostics, each: bool = False) -> list[str]:
    """Write the warnings as lines: by file, then kind, in the order found (with each, one line per warning)."""
    if each:
        return [str(w) for w in diagnostics.warnings]
    return [_group_line(group) for group in diagnostics.groups()]


def _group_line(group: WarningGroup) -> str:
    """Write a group as '23 remote images not fetched in team.md (lines 4, 9, 15, 22, 30, …)', one as itself."""
    if len(group.warnings) == 1:
        return str(group.warnings[0])
    lines = group.lines
    shown = ", ".join(str(n) for n in lines[:SHOWN_LINES]) + (", …" if len(lines) > SHOWN_LINES else "")
    at = f" ({'line' if len(lines) == 1 else 'lines'} {shown})" if lines else ""
    count = len(group.warnings)
    if group.kind is None:  # one message of no known kind, at several lines
        return f"{group.path or 'the book'}, {count} times{at}: {group.warnings[0].message}"
    return f"{count} {group.kind}" + (f" in {group.path}" if group.path else "") + at


def summary_lines(diagnostics: Diagnostics, each: bool = False) -> list[str]:
    """Count the warnings of each kind in a short table, the most frequent first (nothing for fewer than two)."""
    counts = diagnostics.counts()
    if len(diagnostics.warnings) < 2:
        return []
    collapsed = not each and any(len(group.warnings) > 1 for group in diagnostics.groups())
    width = len(str(max(counts.values())))
    head = f"{len(diagnostics.warnings)} warnings by kind" + (" (-v lists each):" if collapsed else ":")
    return [head] + [f"  {count:>{width}}  {kind or 'other warnings'}" for kind, count in counts.items()]


def warnings_data(diagnostics: Diagnostics) -> list[dict]:
    """List every warning with its place and kind, for the JSON reports."""
    return [w.data() for w in diagnostics.warnings]


def build_report(result, exit_code: int) -> dict:
    """The JSON that ``build --json`` prints: outputs with sizes, hashes and pages; warnings with places."""
    outputs = []
    for item in result.outputs:
        path = Path(result.output) / item.path
        outputs.append(
            {
                "path": str(path),
                "kind": item.kind,
                "size": path.stat().st_size,
                "sha256": sha256(path),
                "pages": item.pages,
            }
        )
    return {
        "ok": exit_code == 0,
        "exit_code": exit_code,
        "book": result.summary,
        "cached": result.cached,
        "output": str(result.output),
        "outputs": outputs,
        "warnings": warnings_data(result.diagnostics),
        "seconds": round(result.seconds, 3),
        "error": None,
    }


def error_report(error: PackagerError, warnings: list[dict] | None = None) -> dict:
    return {
        "ok": False,
        "exit_code": int(error.exit_code),
        "error": {
            "message": error.bare_message,
            "file": error.path,
            "line": error.line,
            "text": error.format_message(),
        },
        "warnings": warnings or [],
        "outputs": [],
    }


def outline_lines(book, project, library=None) -> list[str]:
    """The book's outline as ``check`` prints it: parts and articles in order, then the pages left out and why.

    With several books, each book's outline under its name.
    """
    lines = ["Outline:"]
    books = library.books if library is not None and not library.single else (book,)
    for one in books:
        if len(books) > 1:
            count = len([a for a in one.articles if not a.is_generated])
            lines.append(f"  Book {one.slug}: {one.title} ({count} articles)")
        indent = "  " if len(books) > 1 else ""
        for article in one.articles:
            if article.is_generated and not article.is_part:
                continue
            step = indent + "  " * (article.depth + 1)
            if article.is_part:
                lines.append(f"{step}Part: {article.title}")
            else:
                lines.append(f"{step}{article.title} ({article.source})")
    if project is not None and project.left_out:
        lines.append(f"Left out ({len(project.left_out)}):")
        lines.extend(f"  {rel}: {why}" for rel, why in project.left_out)
    return lines


def _outline(book) -> list[dict]:
    return [
        {"kind": a.kind, "title": a.title, "source": a.source or None, "depth": a.depth}
        for a in book.articles
        if a.is_part or not a.is_generated
    ]


def outline_data(book, project, library=None) -> dict:
    """The outline, the pages left out and the site profile, for ``check --json`` (with several books, each's)."""
    site = project.site if project is not None else None
    several = library is not None and not library.single
    return {
        "site": {"profile": site.profile, "config": site.config_file} if site else None,
        "outline": _outline(book),
        **(
            {"bundles": [{"slug": b.slug, "title": b.title, "outline": _outline(b)} for b in library.books]}
            if several
            else {}
        ),
        "left_out": [{"file": rel, "why": why} for rel, why in (project.left_out if project else ())],
    }
