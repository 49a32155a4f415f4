"""A shard's manifest (``packager-shard.json``): what it was built from and what it holds; the checks assemble makes.

Every problem is one line naming the shard and saying what to do, before
assemble writes anything.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from packager import __version__
from packager.errors import UsageError
from packager.output.assembly import Assembly, Made
from packager.project.files import SHARD_MANIFEST

FORMAT = "packager-shard 1"
FILES = "files"  # what the shard wrote, at the paths dist/ holds them
PARTS = "parts"  # the PDF parts it laid out (a part cache)


@dataclass(frozen=True)
class Manifest:
    """One shard's manifest, read from its folder."""

    folder: Path
    data: dict

    @property
    def label(self) -> str:
        return f"{self.data['index']}/{self.data['total']}"


def write(folder: Path, data: dict) -> None:
    """Write the manifest into a shard's (staging) folder."""
    text = json.dumps({"format": FORMAT, **data}, indent=2, sort_keys=True, ensure_ascii=False)
    (folder / SHARD_MANIFEST).write_text(text + "\n", encoding="utf-8")


def read(folder: Path) -> Manifest:
    """The manifest in folder; one line when there is none that can be read."""
    path = folder / SHARD_MANIFEST
    if not folder.is_dir():
        raise UsageError("no such shard folder; give the folders that packager build --shard K/N wrote", path=folder)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UsageError(
            f"not a shard (no {SHARD_MANIFEST}); give the folders that packager build --shard K/N wrote", path=folder
        ) from None
    except (OSError, ValueError) as error:
        raise UsageError(f"unreadable shard manifest ({error}); build this shard again", path=path) from None
    needed = {"index": int, "total": int, "input": str, "packager": str, "environment": str, "files": list}
    if (
        not isinstance(data, dict)
        or data.get("format") != FORMAT
        or any(not isinstance(data.get(k), t) for k, t in needed.items())
    ):
        raise UsageError(f"not a shard manifest of this kind ({FORMAT!r}); build this shard again", path=path)
    return Manifest(folder, data)


def check(manifests: list[Manifest], environment: str) -> None:
    """Refuse shards that do not make one plan together: another version, plan or input, missing or twice."""
    for m in manifests:
        if m.data["packager"] != __version__:
            raise UsageError(
                f"shard {m.label} was built by packager {m.data['packager']}, this is packager {__version__}; "
                "build every shard and assemble with one version",
                path=m.folder,
            )
        if m.data["environment"] != environment:
            raise UsageError(
                f"shard {m.label} was built with other libraries or fonts than this machine has; "
                "build the shards and assemble on one image (same Python packages and fonts)",
                path=m.folder,
            )
    first = manifests[0]
    total = first.data["total"]
    seen: dict[int, Manifest] = {}
    for m in manifests:
        if m.data["total"] != total:
            raise UsageError(
                f"shard {m.label} belongs to a plan of {m.data['total']} shards, shard {first.label} to one of {total}; "
                "give the shards of one plan",
                path=m.folder,
            )
        if m.data["index"] in seen:
            raise UsageError(
                f"shard {m.label} is given twice ({seen[m.data['index']].folder} and {m.folder}); give each shard once",
                path=m.folder,
            )
        seen[m.data["index"]] = m
    missing = [f"{k}/{total}" for k in range(1, total + 1) if k not in seen]
    if missing:
        raise UsageError(f"shard {', '.join(missing)} missing: give all {total} shards of the plan (found {len(seen)})")
    for m in manifests:
        if m.data["input"] != first.data["input"]:
            raise UsageError(
                f"shard {m.label} was built from other inputs than shard {first.label} (its input hash differs); "
                "build every shard from one commit",
                path=m.folder,
            )


def assembly(manifests: list[Manifest]) -> Assembly:
    """What the shards made, for the build to take: their files by path in dist/, their part stores, the web pages."""
    files: dict[str, Made] = {}
    web = []
    for m in sorted(manifests, key=lambda m: m.data["index"]):
        for entry in m.data["files"]:
            path = entry["path"]
            starts = tuple(tuple(s) for s in entry.get("page_starts", ()))
            files[path] = Made(m.folder / FILES / path, entry["sha256"], entry["kind"], entry.get("pages"), starts)
            if entry.get("web"):
                web.append(path)
    parts = tuple(m.folder / PARTS for m in sorted(manifests, key=lambda m: m.data["index"]))
    return Assembly(files, parts, tuple(sorted(web)))
