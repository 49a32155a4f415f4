"""An Obsidian vault's settings, read from its ``.obsidian/app.json`` (nothing else in that folder is read).

Two settings change how notes read: ``strictLineBreaks`` (off by default: a
single newline inside a paragraph is a line break, as Obsidian shows it) and
``attachmentFolderPath`` (where embeds by bare file name are looked for
first). A third, ``fileSortOrder`` (older versions kept the file explorer's
order there), is named when a book cannot follow it. ``.obsidian/`` and ``.trash/`` are hidden folders, so no note is ever
taken from them.
"""

from __future__ import annotations

import json
from pathlib import Path

from packager.diagnostics import Diagnostics

SETTINGS_FOLDER = ".obsidian"
SETTINGS_FILE = ".obsidian/app.json"


def vault_options(source: Path, diagnostics: Diagnostics) -> tuple[tuple[str, object], ...]:
    """The dialect options a vault's app.json sets: ("attachments", folder), ("breaks", bool)."""
    settings = _settings(source, diagnostics)
    folder = settings.get("attachmentFolderPath")
    folder = folder.strip().strip("/") if isinstance(folder, str) else ""
    if folder.startswith("./") or folder == ".":
        folder = folder[2:]  # "./" means beside the note; the lookup by name finds those anyway
    breaks = not bool(settings.get("strictLineBreaks", False))
    return (("attachments", folder), ("breaks", breaks))


def file_sort_order(source: Path) -> str | None:
    """The file explorer's sort order app.json records (older Obsidian kept it there), if it records one."""
    order = _settings(source, Diagnostics()).get("fileSortOrder")
    return order if isinstance(order, str) else None


def _settings(source: Path, diagnostics: Diagnostics) -> dict:
    path = source / SETTINGS_FILE
    if not path.is_file() or path.is_symlink():
        return {}
    try:
        loaded = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        diagnostics.warn(SETTINGS_FILE, f"vault settings not read ({exc}); Obsidian's defaults are used instead")
        return {}
    if not isinstance(loaded, dict):
        diagnostics.warn(SETTINGS_FILE, "vault settings are not a JSON object; Obsidian's defaults are used")
        return {}
    return loaded
