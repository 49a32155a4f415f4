"""Write the examples of the CommonMark and GFM specs as JSON test data (see README.md beside this file).

    python tests/spec/extract.py COMMONMARK_SPEC_TXT GFM_SPEC_TXT

Reads each spec.txt as the CommonMark project's own test runner (test/spec_tests.py) reads it: an example is a
line of 32 backticks and " example" (GFM adds an extension name after it), its Markdown, a line ".", its HTML,
and a closing line of 32 backticks; "→" stands for a tab; the section is the last heading outside an example.
Examples are numbered in the order they appear, all of them, as the published specs number them. Only the
examples are written, never the prose.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
FENCE = "`" * 32
HEADING = re.compile(r"#+ ")
LICENCE = "CC-BY-SA-4.0"

# The GFM spec 0.29 marks its two task-list examples "disabled" (its test runner cannot check them); they are
# the examples of this section, the task-list extension's.
TASK_LIST_SECTION = "Task list items (extension)"


def examples(spec: str) -> list[dict]:
    """Every example of a spec.txt, in order: number, section, Markdown, HTML and the tag after "example"."""
    found: list[dict] = []
    section, state, tag = "", 0, ""
    markdown: list[str] = []
    html: list[str] = []
    for line in spec.splitlines(keepends=True):
        stripped = line.strip()
        if stripped.startswith(FENCE + " example"):
            state, tag, markdown, html = 1, stripped[len(FENCE + " example") :].strip(), [], []
        elif stripped == FENCE and state:
            found.append(
                {
                    "example": len(found) + 1,
                    "section": section,
                    "markdown": "".join(markdown).replace("→", "\t"),
                    "html": "".join(html).replace("→", "\t"),
                    "tag": tag,
                }
            )
            state = 0
        elif stripped == "." and state:
            state = 2
        elif state == 1:
            markdown.append(line)
        elif state == 2:
            html.append(line)
        elif HEADING.match(line):
            section = HEADING.sub("", line, count=1).strip()
    return found


def commonmark(spec: str) -> dict:
    rows = [{k: v for k, v in row.items() if k != "tag"} for row in examples(spec)]
    return _document(spec, "John MacFarlane", f"https://spec.commonmark.org/{_front_matter(spec, 'version')}/", rows)


def gfm_extensions(spec: str) -> dict:
    """The examples GFM adds to CommonMark, each with its extension: table, tasklist, strikethrough, autolink, tagfilter."""
    rows = []
    for row in examples(spec):
        tag = row.pop("tag")
        if tag == "disabled" and row["section"] == TASK_LIST_SECTION:
            tag = "tasklist"
        if tag:
            rows.append({**row, "extension": tag})
    return _document(spec, "GitHub, Inc.", "https://github.github.com/gfm/", rows)


def _front_matter(spec: str, key: str) -> str:
    match = re.search(rf"^{key}: '?(.*?)'?$", spec, re.M)
    if match is None:
        raise SystemExit(f"no '{key}:' line in the spec's front matter")
    return match.group(1)


def _document(spec: str, author: str, url: str, rows: list[dict]) -> dict:
    return {
        "title": _front_matter(spec, "title"),
        "version": _front_matter(spec, "version"),
        "date": _front_matter(spec, "date"),
        "source": url,
        "author": author,
        "licence": LICENCE,
        "licence_url": "https://creativecommons.org/licenses/by-sa/4.0/",
        "note": "The examples only, extracted by tests/spec/extract.py; see tests/spec/README.md.",
        "examples": rows,
    }


def _write(path: Path, document: dict) -> None:
    path.write_text(json.dumps(document, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{path.name}: {len(document['examples'])} examples of {document['title']} {document['version']}")


def main(argv: list[str]) -> None:
    if len(argv) != 2:
        raise SystemExit(__doc__)
    cm = commonmark(Path(argv[0]).read_text(encoding="utf-8"))
    gfm = gfm_extensions(Path(argv[1]).read_text(encoding="utf-8"))
    _write(HERE / f"commonmark-{cm['version']}.json", cm)
    _write(HERE / f"gfm-{gfm['version']}-extensions.json", gfm)


if __name__ == "__main__":
    main(sys.argv[1:])
