"""Find the article files in SOURCE, read their front matter and put them in order."""

from __future__ import annotations

import datetime as dt
import fnmatch
import os
import re
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath

import yaml

from packager.diagnostics import Diagnostics
from packager.errors import ContentError
from packager.project.config import Config
from packager.project.sites import Entry, Site, outline_pages

MARKDOWN_SUFFIXES = (".md", ".markdown")
INDEX_NAMES = ("index", "_index", "readme")
# Repository boilerplate at the root is not part of the book.
BOILERPLATE = ("license", "licence", "contributing", "code_of_conduct", "code-of-conduct", "security", "changelog")
#: The output folder a build writes when given no other: never read, even by a build that writes elsewhere.
DEFAULT_OUTPUT = "dist"
#: Folders the build never reads, besides hidden ones and output folders: packages and caches.
SKIPPED_DIRS = {"node_modules", "__pycache__"}
#: Folders that hold no articles, though the build reads them (the project's theme).
NOT_ARTICLES = {"theme"}

_FRONT_MATTER = re.compile(r"\A(---|\+\+\+)[ \t]*\n(.*?\n)?\1[ \t]*(?:\n|\Z)", re.S)


@dataclass(frozen=True)
class SourceFile:
    """An article file as read from disk: path, front matter and Markdown body."""

    rel: str  # POSIX path relative to SOURCE
    path: Path
    meta: dict = field(compare=False, hash=False)
    body: str = field(compare=False)
    body_line: int = 1  # line number of the body's first line in the file
    depth: int = 0  # 0 top level; n: inside n sections (folders with an index, or a site's nav sections)
    root: str = ""  # the folder that holds the pages (a site's docs folder), relative to SOURCE
    nav_title: str | None = None  # the title a site's nav gives the page, which wins over the page's own
    parts: tuple[tuple[int, str], ...] = ()  # (depth, title) of the part titles that open just before this page

    @property
    def page(self) -> str:
        """The path relative to the pages' folder: what the site publishes it as."""
        return self.rel[len(self.root) + 1 :] if self.root and self.rel.startswith(self.root + "/") else self.rel

    @property
    def is_index(self) -> bool:
        return PurePosixPath(self.rel).stem.lower() in INDEX_NAMES

    @property
    def is_root_index(self) -> bool:
        return self.is_index and "/" not in self.page


@dataclass(frozen=True)
class Selection:
    """The articles in book order, and the pages left out of it with why."""

    files: list[SourceFile]
    left_out: list[tuple[str, str]]


def discover(
    source: Path, config: Config, output: Path | None, diagnostics: Diagnostics, site: Site | None = None
) -> list[SourceFile]:
    """Return the article files below SOURCE (a site's pages folder), read and in book order."""
    return select(source, config, output, diagnostics, site).files


def select(
    source: Path, config: Config, output: Path | None, diagnostics: Diagnostics, site: Site | None = None
) -> Selection:
    """Return the article files below SOURCE (a site's pages folder) in book order, and the pages left out."""
    source = source.resolve()
    root = site.content_dir.strip("/") if site else ""
    suffixes = site.suffixes if site else MARKDOWN_SUFFIXES
    paths = list(readable_files(source, output.resolve() if output else None, diagnostics, suffixes, root))
    rels = [p.relative_to(source).as_posix() for p in paths]
    in_outline = set(outline_pages(site.outline)) if site and site.outline is not None else None
    selected = []
    left_out: list[tuple[str, str]] = list(site.left_out) if site else []
    for rel, path in zip(rels, paths, strict=True):
        if _matches(rel, config.content.exclude):
            continue
        included = bool(config.content.include) and _matches(rel, config.content.include)
        if config.content.include and not included and (in_outline is None or rel not in in_outline):
            continue
        if in_outline is not None and rel not in in_outline and not included:
            if _page_name(rel, root) not in NOT_PAGES and rel not in site.not_pages:
                why = f"not in {site.config_file or 'the site'}'s navigation"
                left_out.append((rel, why))
                diagnostics.warn(
                    rel, f"{why}, left out of the book (add it there, or to [content] include)", kind=NOT_IN_NAV
                )
            continue
        selected.append((rel, path))
    files = [replace(read_source(path, rel), root=root) for rel, path in selected]
    drafts = [f for f in files if f.meta.get("draft") is True]
    files = [f for f in files if f.meta.get("draft") is not True]
    for f in drafts:
        left_out.append((f.rel, "draft: true"))
        diagnostics.warn(
            f.rel, "draft: true, left out of the book (remove 'draft' to include it)", kind="drafts left out"
        )
    if site is not None and site.outline is not None:
        return Selection(in_site_order(files, site.outline), left_out)
    return Selection(order(files, config.content.order), left_out)


#: What warnings about pages a site's nav leaves out are counted as.
NOT_IN_NAV = "pages not in the site's navigation"
#: Pages a site's tool writes for itself, never a chapter: left out of a nav quietly.
NOT_PAGES = {"404.md", "summary.md"}


def _page_name(rel: str, root: str) -> str:
    return (rel[len(root) + 1 :] if root and rel.startswith(root + "/") else rel).lower()


def in_site_order(files: list[SourceFile], outline: tuple[Entry, ...]) -> list[SourceFile]:
    """Put files in the outline's order, nested as its sections are; files it does not name follow at the top."""
    by_rel = {f.rel: f for f in files}
    result: list[SourceFile] = []
    placed: set[str] = set()
    pending: list[tuple[int, str]] = []

    def walk(entries: tuple[Entry, ...], depth: int) -> None:
        for entry in entries:
            found = by_rel.get(entry.rel) if entry.rel is not None else None
            if found is not None and entry.rel not in placed:
                placed.add(found.rel)
                result.append(replace(found, depth=depth, nav_title=entry.title, parts=tuple(pending)))
                pending.clear()
                walk(entry.children, depth + 1)
            elif entry.children:
                if entry.title:
                    pending.append((depth, entry.title))
                walk(entry.children, depth + 1)

    walk(outline, 0)
    result.extend(replace(f, depth=0) for f in files if f.rel not in placed)
    return result


def _matches(rel: str, patterns: tuple[str, ...]) -> bool:
    return any(fnmatch.fnmatch(rel, p) or fnmatch.fnmatch(rel, p.rstrip("/") + "/*") for p in patterns)


def readable_files(
    source: Path,
    output: Path | None,
    diagnostics: Diagnostics | None = None,
    articles: tuple[str, ...] = (),
    root: str = "",
):
    """Yield the files below source that a build may read, sorted; never hidden, outside source or in an output.

    Skipped: hidden files and folders, SKIPPED_DIRS, the output folder and SOURCE/dist,
    symbolic links to folders and to files outside the source. With ``articles`` (the
    suffixes of article files), only those files below ``root``, never in the
    NOT_ARTICLES folders, and a skipped link is warned about.
    """
    skipped = SKIPPED_DIRS | NOT_ARTICLES if articles else SKIPPED_DIRS
    outputs = {source / DEFAULT_OUTPUT} | ({output} if output else set())
    top = source / root if root else source
    if not top.is_dir() or not top.resolve().is_relative_to(source):
        return
    for dirpath, dirnames, filenames in os.walk(top, followlinks=False):
        here = Path(dirpath)
        kept = []
        for name in sorted(dirnames):
            full = here / name
            if name.startswith(".") or name in skipped or full in outputs:
                continue
            if full.is_symlink():
                if diagnostics is not None:
                    diagnostics.warn(
                        full.relative_to(source).as_posix(),
                        "symbolic link to a folder, not followed",
                        kind="symbolic links skipped",
                    )
                continue
            kept.append(name)
        dirnames[:] = kept
        for name in sorted(filenames):
            if name.startswith("."):
                continue
            full = here / name
            if articles and not name.lower().endswith(articles):
                continue
            if articles and here == top and name.rsplit(".", 1)[0].lower() in BOILERPLATE:
                continue
            if full.is_symlink() and not full.resolve().is_relative_to(source):
                if diagnostics is not None:
                    diagnostics.warn(
                        full.relative_to(source).as_posix(),
                        "symbolic link to a file outside the source folder, skipped",
                        kind="symbolic links skipped",
                    )
                continue
            yield full


def read_source(path: Path, rel: str) -> SourceFile:
    """Read one Markdown file and split off its front matter."""
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ContentError(
            f"is not UTF-8 (byte 0x{raw[exc.start]:02x}; probably Windows-1252 or Latin-1); "
            "re-save it as UTF-8, e.g. iconv -f cp1252 -t utf-8",
            path=rel,
            line=line,
        ) from exc
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    meta, body, body_line = split_front_matter(text, rel)
    return SourceFile(rel=rel, path=path, meta=meta, body=body, body_line=body_line)


#: libyaml's safe loader when PyYAML was built with it: the same values, six times faster (62 vs 10 ms
#: for 100 front matters); the pure-Python one otherwise.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def split_front_matter(text: str, rel: str) -> tuple[dict, str, int]:
    """Return (front matter, body, line number where the body starts)."""
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}, text, 1
    fence, block = match.group(1), match.group(2) or ""
    body_line = text[: match.end()].count("\n") + 1
    if fence == "---":
        try:
            meta = yaml.load(block, Loader=_YAML_LOADER) or {}
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = mark.line + 2 if mark is not None else 1
            problem = getattr(exc, "problem", None) or "cannot be parsed"
            raise ContentError(
                f"front matter: invalid YAML ({problem}); fix the block between the '---' lines",
                path=rel,
                line=line,
            ) from exc
    else:
        try:
            meta = tomllib.loads(block)
        except tomllib.TOMLDecodeError as exc:
            found = re.search(r"line (\d+)", str(exc))
            raise ContentError(
                f"front matter: invalid TOML ({exc}); fix the block between the '+++' lines",
                path=rel,
                line=int(found.group(1)) + 1 if found else 1,
            ) from exc
    if not isinstance(meta, dict):
        raise ContentError(
            f"front matter must be a mapping of keys to values, got {type(meta).__name__}", path=rel, line=2
        )
    return meta, text[match.end() :], body_line


def _number(value) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


def parse_date(value) -> dt.date | None:
    """Accept the date forms front matter uses: YAML dates, datetimes and ISO strings."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip()[:10])
        except ValueError:
            return None
    return None


def _sort_key(meta: dict, name: str, explicit: int) -> tuple:
    weight = _number(meta.get("order", meta.get("weight")))
    when = parse_date(meta.get("date"))
    return (
        explicit,
        weight is None,
        weight or 0.0,
        when is None,
        when or dt.date.min,
        name.lower(),
        name,
    )


def order(files: list[SourceFile], explicit: tuple[str, ...] = ()) -> list[SourceFile]:
    """Put files in book order: root index, then config order, weight, date, name.

    A folder with an index file forms a section (its index first, its files
    indented one level); a folder without one adds its files to its parent.
    """
    position = {path.strip("/"): i for i, path in enumerate(explicit)}
    last = len(position)
    by_dir: dict[str, list[SourceFile]] = {}
    for f in files:
        by_dir.setdefault(str(PurePosixPath(f.rel).parent), []).append(f)

    def section_index(folder: str) -> SourceFile | None:
        candidates = [f for f in by_dir.get(folder, []) if f.is_index]
        return (
            sorted(candidates, key=lambda f: INDEX_NAMES.index(PurePosixPath(f.rel).stem.lower()))[0]
            if candidates
            else None
        )

    def entries(folder: str) -> list[tuple[tuple, object]]:
        """Sortable entries of one folder: files and sections, with index-less folders merged in."""
        items: list[tuple[tuple, object]] = []
        index = section_index(folder)
        for f in by_dir.get(folder, []):
            if f is index:
                continue
            items.append((_sort_key(f.meta, f.rel, position.get(f.rel, last)), f))
        for sub in sorted(
            {d for d in by_dir if d != folder and str(PurePosixPath(d).parent) == folder} | _subdirs(folder)
        ):
            sub_index = section_index(sub)
            if sub_index is None:
                items.extend(entries(sub))
            else:
                key = _sort_key(sub_index.meta, sub_index.rel, min_position(sub))
                items.append((key, sub))
        return items

    def min_position(folder: str) -> int:
        inside = [p for rel, p in position.items() if rel == folder or rel.startswith(folder + "/")]
        return min(inside, default=last)

    def _subdirs(folder: str) -> set[str]:
        prefix = "" if folder == "." else folder + "/"
        found = set()
        for d in by_dir:
            if d != folder and (folder == "." or d.startswith(prefix)):
                rest = d[len(prefix) :] if prefix else d
                found.add(prefix + rest.split("/")[0])
        return found

    result: list[SourceFile] = []

    def emit(folder: str, depth: int) -> None:
        for _, item in sorted(entries(folder), key=lambda e: e[0]):
            if isinstance(item, SourceFile):
                result.append(_with_depth(item, depth))
            else:
                index = section_index(item)
                result.append(_with_depth(index, depth))
                emit(item, depth + 1)

    root_index = section_index(".")
    if root_index is not None:
        result.append(root_index)
    emit(".", 0)
    return result


def _with_depth(f: SourceFile, depth: int) -> SourceFile:
    return replace(f, depth=depth)
