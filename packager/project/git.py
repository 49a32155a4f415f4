"""What git knows about the source folder, asked once per build: the last commit's time and the version tag."""

from __future__ import annotations

import shutil
import subprocess
from functools import cached_property
from pathlib import Path


class GitFacts:
    """The source folder's git facts, each asked of git at most once (None: not a checkout, or no git)."""

    def __init__(self, source: Path):
        self.source = source

    @cached_property
    def last_commit(self) -> int | None:
        """The time of the last commit, in seconds since 1970."""
        committed = self._ask("log", "-1", "--format=%ct")
        return int(committed) if committed and committed.isdigit() else None

    @cached_property
    def describe(self) -> str | None:
        """``git describe --tags``: the version of a tagged checkout."""
        return self._ask("describe", "--tags")

    def _ask(self, *args: str) -> str | None:
        if not shutil.which("git"):
            return None
        try:
            done = subprocess.run(["git", "-C", str(self.source), *args], capture_output=True, text=True, timeout=30)
        except (OSError, subprocess.TimeoutExpired):
            return None
        return done.stdout.strip() or None if done.returncode == 0 else None
