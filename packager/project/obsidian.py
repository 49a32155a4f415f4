"""An Obsidian vault's settings, read from its ``.obsidian/app.json`` (nothing else in that folder is read).

Two settings change how notes read: ``strictLineBreaks`` (off by default: a
single newline inside a paragraph is a line break, as Obsidian shows it) and
``attachmentFolderPath`` (where embeds by bare file name are looked for
first). ``.obsidian/`` and ``.trash/`` are hidden folders, so no note is ever
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
    settings: dict = {}
    path = source / SETTINGS_FILE
    if path.is_file() and not path.is_symlink():
        try:
            loaded = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            diagnostics.warn(SETTINGS_FILE, f"vault settings not read ({exc}); Obsidian's defaults are used instead")
        else:
            if isinstance(loaded, dict):
                settings = loaded
            else:
                diagnostics.warn(SETTINGS_FILE, "vault settings are not a JSON object; Obsidian's defaults are used")
    folder = settings.get("attachmentFolderPath")
    folder = folder.strip().strip("/") if isinstance(folder, str) else ""
    if folder.startswith("./") or folder == ".":
        folder = folder[2:]  # "./" means beside the note; the lookup by name finds those anyway
    breaks = not bool(settings.get("strictLineBreaks", False))
    return (("attachments", folder), ("breaks", breaks))
