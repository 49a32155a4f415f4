"""The output folder: never half-written, never shared by two builds, never emptied of files we did not make.

A build writes into a hidden staging folder beside the output and swaps it in
only when complete. Every output folder carries a marker listing the files
packager wrote; files that someone else put there (a CNAME for GitHub Pages,
say) are carried over to the new build, and ``clean`` removes only listed files.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import tempfile
from pathlib import Path

from packager import __version__
from packager.errors import UsageError

MARKER = ".packager.json"


def check(source: Path, output: Path) -> None:
    """Refuse output folders that would swallow the source or belong to someone else."""
    if output == source or source.is_relative_to(output):
        raise UsageError(
            "the output folder would contain the source folder (and replace it); choose another -o", path=output
        )
    if output.exists() and not output.is_dir():
        raise UsageError("output path exists and is not a folder; choose another -o", path=output)
    if output.is_dir() and any(output.iterdir()) and not (output / MARKER).is_file():
        raise UsageError(
            "output folder is not empty and was not made by packager; choose another -o or empty it first",
            path=output,
        )


class Lock:
    """An exclusive lock on one output folder, so two builds never write it at once."""

    def __init__(self, output: Path):
        self.output = output
        self.path = output.parent / f".{output.name}.packager-lock"
        self.handle = None

    def __enter__(self) -> Lock:
        self.output.parent.mkdir(parents=True, exist_ok=True)
        self.handle = self.path.open("a+")
        try:
            fcntl.flock(self.handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self.handle.close()
            raise UsageError(
                "another packager build is writing this folder right now; wait for it to finish and build again",
                path=self.output,
            ) from None
        return self

    def __exit__(self, *exc) -> None:
        fcntl.flock(self.handle, fcntl.LOCK_UN)
        self.handle.close()
        self.path.unlink(missing_ok=True)


def staging_folder(output: Path) -> Path:
    """A new hidden folder beside the output, on the same file system so the swap is a rename."""
    return Path(tempfile.mkdtemp(prefix=".packager-build-", dir=output.parent))


def written_files(output: Path) -> list[str]:
    """The files the marker says packager wrote into output."""
    try:
        return list(json.loads((output / MARKER).read_text(encoding="utf-8")).get("files", []))
    except (OSError, ValueError):
        return []


def publish(staging: Path, output: Path, files: list[str], record: dict | None = None) -> None:
    """Mark staging as ours, carry over files that are not ours, and swap it in for output."""
    marker = {"generator": f"packager {__version__}", "files": sorted(files), **(record or {})}
    (staging / MARKER).write_text(json.dumps(marker, indent=2) + "\n", encoding="utf-8")
    if not output.exists():
        staging.rename(output)
        return
    ours = set(written_files(output)) | {MARKER}
    for path in sorted(output.rglob("*")):
        rel = path.relative_to(output).as_posix()
        if path.is_file() and rel not in ours and not (staging / rel).exists():
            (staging / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, staging / rel)
    retired = Path(tempfile.mkdtemp(prefix=".packager-old-", dir=output.parent))
    retired.rmdir()
    output.rename(retired)
    try:
        staging.rename(output)
    except BaseException:
        retired.rename(output)
        raise
    shutil.rmtree(retired, ignore_errors=True)


def clean(output: Path) -> list[str]:
    """Remove the files packager wrote into output (and folders left empty); keep everything else."""
    if not output.is_dir():
        raise UsageError("no such output folder; nothing to clean", path=output)
    if not (output / MARKER).is_file():
        raise UsageError("was not made by packager (no .packager.json); nothing was removed", path=output)
    removed = []
    for rel in written_files(output) + [MARKER]:
        path = output / rel
        if path.is_file() and path.resolve().is_relative_to(output.resolve()):
            path.unlink()
            removed.append(rel)
    for folder in sorted((p for p in output.rglob("*") if p.is_dir()), key=lambda p: len(p.parts), reverse=True):
        if not any(folder.iterdir()):
            folder.rmdir()
    if not any(output.iterdir()):
        os.rmdir(output)
    return removed
