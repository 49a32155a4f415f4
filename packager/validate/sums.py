"""The SHA256SUMS check: every file the list names is in DIST and still has its hash.

Files in DIST that the list does not name are fine (a CNAME someone added for their host). A folder
that packager made must have the list: its build record beside the folder, or the manifest.json in
it, says packager made it. Any other folder without one is not checked at all.
"""

from __future__ import annotations

import json
import re
from pathlib import Path, PurePosixPath

from packager.filefacts import sha256
from packager.output.folder import made_by_packager
from packager.validate.runner import FAILED, PASSED, Result, plural

SUMS = "SHA256SUMS"
NAMED = 3  # problems the summary names; the messages hold them all
_LINE = re.compile(r"^([0-9a-fA-F]{64}) [ *](.+)$")  # sha256sum's: text mode "  ", binary mode " *"


def _made_by_packager(dist: Path) -> bool:
    if made_by_packager(dist):
        return True
    try:
        manifest = json.loads((dist / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(manifest, dict) and str(manifest.get("generator", "")).startswith("packager ")


def _problem(rel: str, expected: str, dist: Path) -> tuple[str, str] | None:
    """(kind, what is wrong) with one listed file, or None when it has its hash."""
    parts = PurePosixPath(rel).parts
    if PurePosixPath(rel).is_absolute() or ".." in parts:
        return "outside", "names a file outside the folder"
    try:
        actual = sha256(dist / rel)
    except FileNotFoundError:
        return "missing", "is listed, but not in the folder"
    except OSError as e:
        return "unreadable", f"cannot be read ({e.strerror or e})"
    return None if actual == expected.lower() else ("changed", "its SHA-256 is not the one listed")


def check_sums(dist: Path) -> Result | None:
    """Check DIST against its SHA256SUMS; None when it has none and nothing says packager made it."""
    try:
        text = (dist / SUMS).read_text(encoding="utf-8")
    except FileNotFoundError:
        if not _made_by_packager(dist):
            return None
        message = f"no {SUMS}, though packager made this folder; build it again"
        return FAILED, message, [{"severity": "error", "id": "missing", "message": message, "location": SUMS}]
    except (OSError, UnicodeDecodeError) as e:
        message = f"{SUMS} cannot be read ({e})"
        return FAILED, message, [{"severity": "error", "id": "unreadable", "message": message, "location": SUMS}]
    problems, listed = [], 0
    for number, line in enumerate(text.splitlines(), 1):
        match = _LINE.match(line)
        if match is None:
            if line.strip():
                problems.append((f"{SUMS}:{number}", "malformed", "is not a sha256sum line (HASH, two spaces, file)"))
            continue
        listed += 1
        problem = _problem(match[2], match[1], dist)
        if problem is not None:
            problems.append((match[2], *problem))
    if not listed and not problems:
        problems.append((SUMS, "empty", "lists no file"))
    if not problems:
        return PASSED, f"{plural(listed, 'listed file')} intact", []
    messages = [{"severity": "error", "id": kind, "message": what, "location": where} for where, kind, what in problems]
    named = ", ".join(f"{where} {kind}" for where, kind, _ in problems[:NAMED])
    named += ", ..." if len(problems) > NAMED else ""
    return FAILED, f"{plural(len(problems), 'problem')} in {plural(listed, 'listed file')}: {named}", messages
