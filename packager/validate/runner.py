"""What every check of the gate shares: the verdicts, running a tool, the crash rule, finding Java and npm tools.

A tool that is missing gives "not-run" (with what to install); a tool that ran but gave no usable
answer (a crash, a time-out, a report without its results) is a ``Crash``, which the gate turns into
"failed": a check never passes because its tool said nothing.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

TIMEOUT = 300  # seconds, for every external command
PASSED, FAILED, NOT_RUN = "passed", "failed", "not-run"
JAVA_FAST_START = ("-XX:TieredStopAtLevel=1",)  # C1 only: saves ~2 s of JVM warm-up per run (not for vnu)
JAVA_INSTALL = "install Java 11 or later (apt-get install default-jre-headless)"
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_TEXT = {"encoding": "utf-8", "errors": "replace"}
# A checkout's own validators (`bash tests/install.sh`), found when packager runs from its repository.
_REPO_TOOLS = Path(__file__).resolve().parents[2] / "tests" / "tools"

Result = tuple[str, str, list[dict]]  # status, summary, messages


class Crash(Exception):
    """Signal that a tool ran but gave no usable answer."""

    def __init__(self, message: str, output: str | bytes | subprocess.CompletedProcess | None = ""):
        super().__init__(message)
        if isinstance(output, subprocess.CompletedProcess):
            output = f"{output.stderr}\n{output.stdout}"
        self.output = tail(output)


def tail(text: str | bytes | None, limit: int = 2000) -> str:
    """Return the end of a tool's output, without terminal colours."""
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    text = _ANSI.sub("", text or "").strip()
    return text if len(text) <= limit else "...\n" + text[-limit:]


def not_run(missing: str, install: str) -> Result:
    """Return the verdict of a check whose tool is missing, saying what to install."""
    return NOT_RUN, f"not run: {missing}; {install}", []


def run(tool: str, cmd: list, *, ok: tuple[int, ...] = (0,), **kwargs) -> subprocess.CompletedProcess:
    """Run a tool to the end (TIMEOUT at most); an exit code outside ``ok`` is a Crash."""
    cmd = [str(c) for c in cmd]
    try:
        proc = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, timeout=TIMEOUT, **_TEXT, **kwargs)
    except subprocess.TimeoutExpired as e:
        raise Crash(f"{tool} timed out after {TIMEOUT} s", e.stderr) from None
    except OSError as e:
        raise Crash(f"{tool} could not be started: {e}") from None
    if proc.returncode not in ok:
        raise Crash(f"{tool} exited with code {proc.returncode}", proc)
    return proc


def load_json(text: str, tool: str, proc: subprocess.CompletedProcess) -> dict:
    """Read a tool's JSON report; anything but a JSON object is a Crash."""
    try:
        data = json.loads(text)
    except ValueError as e:
        raise Crash(f"{tool} wrote an unreadable report ({e})", proc) from None
    if not isinstance(data, dict):
        raise Crash(f"{tool} wrote an unexpected report", proc)
    return data


def require_results(report: dict, tool: str, proc: subprocess.CompletedProcess, shape: dict[str, type]) -> None:
    """Make a report without the keys that hold its results a Crash."""
    # An empty or cut-short report has no messages to find, which must not read as a clean book.
    missing = [key for key, kind in shape.items() if not isinstance(report.get(key), kind)]
    if missing:
        raise Crash(f"{tool} wrote a report without its results (no {', '.join(missing)})", proc)


def plural(n: int, word: str) -> str:
    """Return '1 error', '2 errors'."""
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def find_java() -> str | None:
    """Return the java command on PATH, or None."""
    return shutil.which("java")


def npm_commands(command: str) -> list[Path]:
    """Return every copy of an npm command: on PATH (npm install -g), in ./node_modules, in a checkout's tests/tools."""
    found = shutil.which(command)
    local = [base / "node_modules" / ".bin" / command for base in (Path.cwd(), _REPO_TOOLS)]
    return ([Path(found)] if found else []) + [path for path in local if path.is_file()]


def find_npm_tool(command: str) -> Path | None:
    """Return the first copy of an npm package's command, or None."""
    commands = npm_commands(command)
    return commands[0] if commands else None
