"""The PDF's checks, with poppler and qpdf: tagged, every font embedded, an outline, a sound structure."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from packager.validate.runner import FAILED, NOT_RUN, PASSED, Crash, Result, load_json, plural, run, tail


def _tagged(pdfinfo: str, path: Path) -> tuple[bool, str, str]:
    proc = run("pdfinfo", [pdfinfo, path])
    tagged = re.search(r"^Tagged:\s*yes\s*$", proc.stdout, re.MULTILINE) is not None
    return tagged, "tagged" if tagged else "not tagged", ""


def _fonts(pdffonts: str, path: Path) -> tuple[bool, str, str]:
    proc = run("pdffonts", [pdffonts, path])
    lines = proc.stdout.splitlines()
    start = next((i + 1 for i, line in enumerate(lines) if line.startswith("---")), None)
    if start is None:
        raise Crash("pdffonts printed no table", proc)
    rows = []
    for line in filter(str.strip, lines[start:]):
        row = line.split()  # name, type (may hold a space), encoding, emb, sub, uni, object id, gen
        if len(row) < 8 or row[-5] not in ("yes", "no"):
            # A row the gate cannot read says nothing about embedding: never count it as embedded.
            raise Crash(f"pdffonts printed a row it cannot read: {line!r}", proc)
        rows.append(row)
    missing = sorted({row[0] for row in rows if row[-5] != "yes"})
    if missing:
        return False, f"{plural(len(missing), 'font')} not embedded: {', '.join(missing)}", ""
    return True, f"{plural(len(rows), 'font')} embedded", ""


def _outline(qpdf: str, path: Path) -> tuple[bool, str, str]:
    proc = run("qpdf", [qpdf, "--json", "--json-key=outlines", path], ok=(0, 3))
    stack, count = list(load_json(proc.stdout, "qpdf", proc).get("outlines") or []), 0
    while stack:
        count += 1
        stack.extend(stack.pop().get("kids") or [])
    return count > 0, plural(count, "bookmark") if count else "no outline (bookmarks)", ""


def _structure(qpdf: str, path: Path) -> tuple[bool, str, str]:
    proc = run("qpdf", [qpdf, "--check", path], ok=(0, 2, 3))  # 2: errors, 3: warnings
    if proc.returncode == 0:
        return True, "structure OK", ""
    return False, f"qpdf --check found {'errors' if proc.returncode == 2 else 'warnings'}", proc.stdout + proc.stderr


_PARTS = (
    ("tagged", "pdfinfo", "poppler-utils", _tagged),
    ("fonts", "pdffonts", "poppler-utils", _fonts),
    ("outline", "qpdf", "qpdf", _outline),
    ("structure", "qpdf", "qpdf", _structure),
)


def check_pdf(path: Path) -> Result:
    """Run each part on one PDF: a part that fails fails the check; one whose tool is missing is not run."""
    failed, skipped, passed, messages = [], [], [], []
    for name, exe, package, part in _PARTS:
        found = shutil.which(exe)
        if found is None:
            skipped.append(f"not run: {name} ({exe} not found; apt-get install {package})")
            messages.append({"severity": "info", "id": name, "message": skipped[-1]})
            continue
        try:
            ok, note, output = part(found, path)
        except Crash as e:
            ok, note, output = False, str(e), e.output
        (passed if ok else failed).append(note)
        if not ok:
            msg = {"severity": "error", "id": name, "message": note}
            messages.append(msg | {"output": tail(output)} if output.strip() else msg)
    status = FAILED if failed else NOT_RUN if skipped else PASSED
    return status, "; ".join(failed + skipped + passed), messages
