"""The output folder: never half-written, never shared by two builds, never emptied of files we did not make.

A build writes into a hidden staging folder beside the output and swaps it in
only when complete. Beside the output folder, never inside it (nothing in
``dist/`` is not for readers), the build record ``.<folder>.packager.json``
lists the files packager wrote and what the build read: files that someone
else put in the folder (a CNAME for GitHub Pages, say) are carried over to the
new build, and ``clean`` removes only listed files.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import tempfile
from pathlib import Path

from packager import __version__
from packager.errors import UsageError
from packager.project.files import RECORD_NAME

#: The record that builds before this one kept inside the output folder; read, and removed on the next build.
LEGACY_MARKER = ".packager.json"


def record_path(output: Path) -> Path:
    """Where the build record of this output folder lives: beside it, hidden."""
    return output.parent / RECORD_NAME.format(output.name)


def read_record(output: Path) -> dict | None:
    """The last build's record of this output folder, or None when there is none that can be read."""
    for path in (record_path(output), output / LEGACY_MARKER):
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        return record if isinstance(record, dict) else None
    return None


def made_by_packager(output: Path) -> bool:
    """Whether a build record says packager made this folder."""
    return record_path(output).is_file() or (output / LEGACY_MARKER).is_file()


def check(source: Path, output: Path) -> None:
    """Refuse output folders that would swallow the source or belong to someone else."""
    if output == source or source.is_relative_to(output):
        raise UsageError(
            "the output folder would contain the source folder (and replace it); choose another -o", path=output
        )
    if output.exists() and not output.is_dir():
        raise UsageError("output path exists and is not a folder; choose another -o", path=output)
    if output.is_dir() and any(output.iterdir()) and not made_by_packager(output):
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
    """The files the build record says packager wrote into output."""
    record = read_record(output) or {}
    files = record.get("files", [])
    return [f for f in files if isinstance(f, str)] if isinstance(files, list) else []


def swap_in(staging: Path, output: Path, files: list[str], record: dict | None = None) -> None:
    """Carry over files that are not ours, swap staging in for output, and write the build record beside it."""
    marker = {"generator": f"packager {__version__}", "files": sorted(files), **(record or {})}
    pending = record_path(output).with_name(record_path(output).name + ".new")
    pending.write_text(json.dumps(marker, indent=2) + "\n", encoding="utf-8")
    try:
        if output.exists():
            _carry_over(output, staging)
            retired = Path(tempfile.mkdtemp(prefix=".packager-old-", dir=output.parent))
            retired.rmdir()
            output.rename(retired)
            try:
                staging.rename(output)
            except BaseException:
                retired.rename(output)
                raise
            shutil.rmtree(retired, ignore_errors=True)
        else:
            staging.rename(output)
        os.replace(pending, record_path(output))
    finally:
        pending.unlink(missing_ok=True)


def _carry_over(output: Path, staging: Path) -> None:
    """Copy into staging the files of output that packager did not write (a CNAME, say)."""
    ours = set(written_files(output)) | {LEGACY_MARKER}
    for path in sorted(output.rglob("*")):
        rel = path.relative_to(output).as_posix()
        if path.is_file() and rel not in ours and not (staging / rel).exists():
            (staging / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, staging / rel)


def clean(output: Path) -> list[str]:
    """Remove the files packager wrote into output (and folders left empty); keep everything else."""
    if not output.is_dir():
        raise UsageError("no such output folder; nothing to clean", path=output)
    if not made_by_packager(output):
        raise UsageError(f"was not made by packager (no {record_path(output).name}); nothing was removed", path=output)
    removed = []
    for rel in [*written_files(output), LEGACY_MARKER]:
        path = output / rel
        if path.is_file() and path.resolve().is_relative_to(output.resolve()):
            path.unlink()
            removed.append(rel)
    for folder in sorted((p for p in output.rglob("*") if p.is_dir()), key=lambda p: len(p.parts), reverse=True):
        if not any(folder.iterdir()):
            folder.rmdir()
    if not any(output.iterdir()):
        os.rmdir(output)
    with contextlib.suppress(OSError):
        record_path(output).unlink()
    return removed
