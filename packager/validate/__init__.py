"""Check a finished DIST with real validators, as one gate that never passes what it could not check.

EPUBCheck and Ace on each EPUB (``epub``), poppler and qpdf on each PDF (``pdf``), the Nu HTML
Checker on every web page in one run (``web``), and the files against SHA256SUMS (``sums``); the
tools share one runner and one crash rule (``runner``). Tests stand in for a tool through the names
of the module that runs it (``epub.find_ace``, ``epub.epubcheck_jar``, ``web.find_vnu``).
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import asdict, dataclass
from pathlib import Path

from packager.errors import UsageError
from packager.validate import epub, pdf, sums, web
from packager.validate.runner import FAILED, NOT_RUN, PASSED, Crash, Result

# validate(dist) runs the checks in parallel and returns them in a fixed order: each book's (by
# path), then one row for every web page, then SHA256SUMS. A missing tool gives "not-run" with
# what to install, which fails the gate unless allow_missing; a crash or time-out gives "failed"
# with the tool's output tail. Report.to_json(), version 2 (version 1's require_all is the default
# now, and allow_missing, its opposite, stands in its place):
#   {"version": 2, "ok": bool, "allow_missing": bool,
#    "counts": {"passed": n, "failed": n, "not-run": n},
#    "checks": [{"file", "tool", "status", "summary", "messages": [{"severity", "message", ...}]}]}
# file: a path relative to DIST, "web pages (N)" for the pages' row, "SHA256SUMS" for the sums'.
# tool: epubcheck, ace, pdf, vnu, sha256. severity: fatal/error/warning (EPUBCheck), critical/
# serious/moderate/minor (Ace), error/warning (vnu), error (a PDF part, a listed file, a crash),
# info (a PDF part that could not run). Optional keys: id (EPUBCheck ID, Ace rule, PDF part, what is
# wrong with a listed file), location (a page's location names the page; a listed file's, the
# file), locations (when several), suggestion, help (a URL), output.

JSON_VERSION = 2

_BOOK_CHECKS: dict[str, dict[str, Callable[[Path], Result]]] = {
    ".epub": {"epubcheck": epub.check_epubcheck, "ace": epub.check_ace},
    ".pdf": {"pdf": pdf.check_pdf},
}


@dataclass(frozen=True)
class Check:
    """Hold one tool's verdict on one file (or on every web page, or on every listed file)."""

    file: str  # path relative to DIST, with forward slashes; "web pages (N)"; "SHA256SUMS"
    tool: str  # "epubcheck", "ace", "pdf", "vnu", "sha256"
    status: str  # "passed", "failed", "not-run"
    summary: str  # one line
    messages: tuple[dict, ...] = ()

    def to_json(self) -> dict:
        """Return the check as JSON-ready data."""
        return {**asdict(self), "messages": [dict(m) for m in self.messages]}


@dataclass(frozen=True)
class Report:
    """Hold every check run on a DIST folder, in a deterministic order."""

    checks: tuple[Check, ...]
    allow_missing: bool = False

    @property
    def failed(self) -> bool:
        """Say whether any check failed."""
        return any(c.status == FAILED for c in self.checks)

    def not_run(self) -> list[Check]:
        """Return the checks that could not run."""
        return [c for c in self.checks if c.status == NOT_RUN]

    def ok(self) -> bool:
        """Say whether the gate passes: nothing failed, and everything ran unless allow_missing."""
        return not self.failed and (self.allow_missing or not self.not_run())

    def to_json(self) -> dict:
        """Return the report as JSON-ready data (see the comment at the top of the module for the shape)."""
        return {
            "version": JSON_VERSION,
            "ok": self.ok(),
            "allow_missing": self.allow_missing,
            "counts": {s: sum(c.status == s for c in self.checks) for s in (PASSED, FAILED, NOT_RUN)},
            "checks": [c.to_json() for c in self.checks],
        }


def _run_check(rel: str, tool: str, check: Callable[[], Result | None]) -> Check | None:
    try:
        result = check()
    except Crash as e:
        message = {"severity": "error", "message": str(e)} | ({"output": e.output} if e.output else {})
        result = FAILED, f"crashed: {e}", [message]
    return None if result is None else Check(rel, tool, result[0], result[1], tuple(result[2]))


def _files(dist: Path) -> list[tuple[Path, str]]:
    """Every file below DIST but hidden ones, by path."""
    found = []
    for path in dist.rglob("*"):
        rel = path.relative_to(dist)
        if not any(p.startswith(".") for p in rel.parts) and path.is_file():
            found.append((path, rel.as_posix()))
    return sorted(found, key=lambda item: item[1])


def _tasks(dist: Path) -> list[tuple[str, str, Callable[[], Result | None]]]:
    """(file, tool, check) for everything the gate checks in DIST, in the report's order."""
    if dist.is_file() and dist.suffix.lower() in _BOOK_CHECKS:
        checkers = _BOOK_CHECKS[dist.suffix.lower()]
        return [(dist.name, tool, functools.partial(checker, dist)) for tool, checker in checkers.items()]
    if not dist.is_dir():
        raise UsageError("no such folder; give the folder that `packager build` wrote (e.g. dist/)", path=dist)
    files = _files(dist)
    tasks = [
        (rel, tool, functools.partial(checker, path))
        for path, rel in files
        for tool, checker in _BOOK_CHECKS.get(path.suffix.lower(), {}).items()
    ]
    if not tasks:
        raise UsageError("no .epub or .pdf file in this folder; run `packager build` first", path=dist)
    pages = [rel for path, rel in files if path.suffix.lower() == ".html"]
    if pages:
        tasks.append((f"web pages ({len(pages)})", "vnu", functools.partial(web.check_pages, dist, pages)))
    return [*tasks, (sums.SUMS, "sha256", functools.partial(sums.check_sums, dist))]  # None: no row


def validate(dist: Path, *, allow_missing: bool = False, progress: Callable[[str], None] | None = None) -> Report:
    """Run every validator on what DIST holds and return the report."""
    tasks = _tasks(Path(dist))
    workers = max(1, min(len(tasks), os.cpu_count() or 1, 4))
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="packager-validate") as pool:
        futures = [pool.submit(_run_check, *task) for task in tasks]
        for future in as_completed(futures):
            check = future.result()
            if progress is not None and check is not None:
                progress(f"{check.tool} {check.file}: {check.status} ({check.summary})")
    return Report(tuple(c for c in (f.result() for f in futures) if c is not None), allow_missing=allow_missing)


def _message_line(check: Check, m: dict) -> str:
    where = f" {m['location']}" if m.get("location") else ""
    ident = f" {m['id']}" if m.get("id") else ""
    return f"  {check.file} ({check.tool}) {m['severity'].upper()}{ident}{where}: {m['message']}"


def format_table(report: Report, *, max_messages: int = 10) -> str:
    """Return a plain-text table of the checks, the problems of failed ones, and a verdict line."""
    rows = [("FILE", "CHECK", "RESULT", "DETAILS")]
    rows += [(c.file, c.tool, c.status, c.summary) for c in report.checks]
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row[:3], widths, strict=True)) + "  " + row[3] for row in rows]
    for check in report.checks:
        if check.status != FAILED or not check.messages:
            continue
        lines.append("")
        lines += [_message_line(check, m) for m in check.messages[:max_messages]]
        if len(check.messages) > max_messages:
            lines.append(f"  ... and {len(check.messages) - max_messages} more (see --json)")
    counts = report.to_json()["counts"]
    verdict = "OK" if report.ok() else "FAILED"
    lines += ["", f"{verdict}: {counts[PASSED]} passed, {counts[FAILED]} failed, {counts[NOT_RUN]} not run"]
    if report.not_run() and report.allow_missing:
        lines[-1] += " (--allow-missing: what did not run was not checked)"
    elif report.not_run():
        lines[-1] += " (a check that did not run fails the gate: install what it names, or pass --allow-missing)"
    return "\n".join(lines)
