"""The web pages' check: every page below DIST through the Nu HTML Checker (vnu), all in one run.

One run, because the JVM's start is most of what a page costs (measured: ~5 s for one page, ~8 s
for the example's eleven); one row in the gate's table, because a web edition of 300 articles
would bury the books' rows under 300 lines saying "passed". Each message names its page, and an
error in any page fails the row; vnu's warnings are counted, not failed: those a clean build gets
are all about its Content-Security-Policy (read from file:, 'self' matches nothing, and vnu takes
the JSON-LD data block for a script that the policy blocks).
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import unquote

from packager.validate.runner import (
    FAILED,
    JAVA_INSTALL,
    PASSED,
    Crash,
    Result,
    find_java,
    load_json,
    not_run,
    npm_commands,
    plural,
    require_results,
    run,
)

VNU_JAR_VARIABLE = "PACKAGER_VNU_JAR"
VNU_INSTALL = (
    f"npm install -g vnu-jar (or npm install vnu-jar in this folder), or set {VNU_JAR_VARIABLE} to a vnu.jar;"
    " it runs on Java 11 or later"
)


def find_vnu() -> tuple[Path | None, str]:
    """Return (the Nu HTML Checker's vnu.jar, or None; why none was found)."""
    configured = os.environ.get(VNU_JAR_VARIABLE)
    if configured:
        jar = Path(configured)
        return (jar, "") if jar.is_file() else (None, f"{VNU_JAR_VARIABLE}={configured} is not a file")
    for command in npm_commands("vnu"):  # npm's link to vnu-jar/vnu-jar.js, which sits beside the jar
        jar = command.resolve().parent / "build" / "dist" / "vnu.jar"
        if jar.is_file():
            return jar, ""
    return None, "the Nu HTML Checker not found (npm's vnu-jar)"


def _page(url: str, dist: Path) -> str:
    """The page a vnu message is about, relative to DIST when it is in it."""
    if not url.startswith("file:"):
        return url
    path = Path(unquote(url[len("file:") :]))
    for base in (dist.resolve(), dist.absolute()):
        if path.is_relative_to(base):
            return path.relative_to(base).as_posix()
    return str(path)


def check_pages(dist: Path, pages: list[str]) -> Result:
    """Run vnu once on the pages (paths relative to DIST): an error in any page fails the check."""
    jar, missing = find_vnu()
    if jar is None:
        return not_run(missing, VNU_INSTALL)
    java = find_java()
    if java is None:
        return not_run("Java not found (the Nu HTML Checker runs on it)", JAVA_INSTALL)
    # No JAVA_FAST_START: with C1 only, vnu dies of a StackOverflowError. Relative paths keep the
    # command line short for a large site (vnu passes a file that is not there without a word: these
    # were all found a moment ago).
    proc = run("vnu", [java, "-jar", jar, "--format", "json", "--stdout", *pages], ok=(0, 1), cwd=dist)
    report = load_json(proc.stdout, "vnu", proc)
    require_results(report, "vnu", proc, {"messages": list})
    errors, warnings, bad = [], [], []
    for m in report["messages"]:
        kind = m.get("type")
        if kind in ("error", "non-document-error"):
            severity, found = "error", errors
        elif kind == "info" and m.get("subType") == "warning":
            severity, found = "warning", warnings
        else:
            continue  # plain info: advice
        page = _page(m.get("url") or "", dist)
        line, column = m.get("lastLine", m.get("firstLine")), m.get("firstColumn")
        where = ":".join(str(x) for x in (page, line, column) if x not in (None, ""))
        found.append({"severity": severity, "message": m.get("message") or ""} | ({"location": where} if where else {}))
        if severity == "error":
            bad.append(page)
    if proc.returncode == 1 and not errors:
        raise Crash("vnu exited with code 1 but reported no error", proc)
    summary = f"{plural(len(errors), 'error')}, {plural(len(warnings), 'warning')}"
    if not errors:
        return PASSED, summary, warnings
    bad = list(dict.fromkeys(bad))
    named = f"{', '.join(bad[:3])}{', ...' if len(bad) > 3 else ''}"
    return FAILED, f"{summary}, in {plural(len(bad), 'page')}: {named}", errors + warnings  # errors first
