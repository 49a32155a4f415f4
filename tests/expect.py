"""What the tests expect, read from the inputs and outputs themselves, never from packager's own code.

A test that takes its expected values from the Book it is testing passes whatever
the Book gets wrong: an article dropped at discovery is simply not expected.  So
the expected articles come from the Markdown files here, by the rules the README
states (hidden folders, dist/, node_modules, theme/, root boilerplate and drafts
are not articles), with yaml and a regular expression, not with packager's discovery.

Imported by tests as ``from expect import ...`` (tests/conftest.py puts tests/ on sys.path).
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import yaml
from lxml import etree

MARKDOWN = (".md", ".markdown")
SKIPPED_DIRS = {"node_modules", "__pycache__", "theme"}  # at any depth; dist/ only at the top
BOILERPLATE = {"license", "licence", "contributing", "code_of_conduct", "code-of-conduct", "security", "changelog"}
INDEX_STEMS = {"index", "_index", "readme"}

_FRONT_MATTER = re.compile(r"\A\ufeff?---[ \t]*\r?\n(.*?\r?\n)?---[ \t]*(?:\r?\n|\Z)", re.S)
_ATX_H1 = re.compile(r"^ {0,3}#[ \t]+(.+?)(?:[ \t]+#+)?[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(```|~~~)")
# Typography turns straight quotes and dashes into curly ones; compare the words, not the glyphs.
_GLYPHS = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-"})


def squash(text: str) -> str:
    """Text as words: soft hyphens gone, runs of whitespace one space, curly quotes straight."""
    return " ".join(text.replace("\u00ad", "").translate(_GLYPHS).split())


# --------------------------------------------------------------------------- articles, from the source files


def front_matter(path: Path) -> tuple[dict, str]:
    """The YAML front matter of a Markdown file and the body after it."""
    text = path.read_text(encoding="utf-8")
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}, text
    return yaml.safe_load(match.group(1) or "") or {}, text[match.end() :]


def article_files(source: Path) -> list[Path]:
    """The Markdown files of SOURCE that are articles, sorted by path."""
    found = []
    for path in sorted(source.rglob("*")):
        rel = path.relative_to(source)
        if not path.is_file() or path.suffix.lower() not in MARKDOWN:
            continue
        folders = rel.parts[:-1]
        if any(part.startswith(".") for part in rel.parts) or SKIPPED_DIRS & set(folders) or folders[:1] == ("dist",):
            continue
        if len(rel.parts) == 1 and path.stem.lower() in BOILERPLATE:
            continue
        if front_matter(path)[0].get("draft") is True:
            continue
        found.append(path)
    return found


def title_of(path: Path) -> str:
    """An article's title as the book shows it: front matter ``title``, else its first ``# heading``."""
    meta, body = front_matter(path)
    if isinstance(meta.get("title"), str) and meta["title"].strip():
        return squash(meta["title"])
    fenced = False
    for line in body.splitlines():
        if _FENCE.match(line):
            fenced = not fenced
        elif not fenced and (heading := _ATX_H1.match(line)):
            return squash(heading.group(1))
    raise AssertionError(f"{path}: no title and no '# heading'; the test cannot tell what the book calls it")


def article_titles(source: Path) -> list[str]:
    """The squashed title of every article file in SOURCE, in path order (not book order)."""
    titles = [title_of(path) for path in article_files(source)]
    assert titles, f"no article files found in {source}"
    return titles


def sections(source: Path) -> list[Path]:
    """Sub-folders with an index file: the books nest their articles one level down."""
    return sorted(p.parent for p in article_files(source) if p.stem.lower() in INDEX_STEMS and p.parent != source)


def back_matter(source: Path) -> list[str]:
    """The pages packager adds after the articles: Credits always, Share this book when [book] base_url is set."""
    config = source / "packager.toml"
    # Share links need the address where the book is hosted (test_credits checks the warning without it).
    has_base_url = config.is_file() and re.search(r"(?m)^\s*base_url\s*=\s*\S", config.read_text())
    return ["Credits", *(["Share this book"] if has_base_url else [])]


# --------------------------------------------------------------------------- licences, as readers see them

_CC = re.compile(r"^CC-(BY(?:-NC)?(?:-ND|-SA)?)-(\d\.\d)$")


def licence_label(spdx_id: str) -> str:
    """How the books and the page write a licence: 'CC BY-SA 4.0' for Creative Commons, else the SPDX id."""
    match = _CC.match(spdx_id)
    return f"CC {match.group(1)} {match.group(2)}" if match else spdx_id


# --------------------------------------------------------------------------- remote resources

XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
SVG = "{http://www.w3.org/2000/svg}"
#: Attributes that make a reading system fetch what they name, whatever the element.
FETCHING = ("src", "poster", "data", "background", "lowsrc", "dynsrc", "codebase", "archive", "manifest", "ping")
#: link@rel values that only point somewhere; any other rel (stylesheet, icon, preload...) loads the link.
POINTING_RELS = {"alternate", "author", "bookmark", "canonical", "external", "help", "license", "me", "next",
                 "nofollow", "noopener", "noreferrer", "prev", "search", "tag", "record", "describedby"}  # fmt: skip
# Browsers drop tabs and newlines anywhere in a URL and read a backslash as a slash.
_REMOTE = re.compile(r"^[\x00-\x20]*(?:[a-z][a-z0-9+.-]*:)?[/\\]{2}", re.I)
_CSS_URL = re.compile(r"url\(\s*(['\"]?)(.*?)\1\s*\)", re.I | re.S)
_CSS_IMPORT = re.compile(r"@import\s+(['\"])(.*?)\1", re.I)
_CSS_IMAGE_SET = re.compile(r"image-set\((.*?)\)", re.I | re.S)
_CSS_STRING = re.compile(r"(['\"])(.*?)\1", re.S)


def is_remote(url: str) -> bool:
    """True for http(s)://host, //host and any other scheme://host: something not in the book."""
    return bool(_REMOTE.match(re.sub(r"[\t\n\r]", "", url)))


def css_remote_urls(css: str) -> list[str]:
    """The remote URLs a style sheet or style attribute loads: url(...), @import "..." and image-set("...")."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    urls = [m.group(2) for m in _CSS_URL.finditer(css)] + [m.group(2) for m in _CSS_IMPORT.finditer(css)]
    urls += [s.group(2) for m in _CSS_IMAGE_SET.finditer(css) for s in _CSS_STRING.finditer(m.group(1))]
    return [u for u in urls if is_remote(u.strip())]


def remote_fetches(root) -> list[tuple[str, str, str]]:
    """(element, attribute, URL) for everything in an XML/HTML tree that loads from another host.

    Only following a link (a@href, area@href, link@href with a pointing rel) may go elsewhere.
    """
    found = []
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        tag = etree.QName(el).localname.lower()
        # An <svg> inside XHTML is SVG even where a fragment forgot its namespace.
        in_svg = el.tag.startswith(SVG) or any(
            isinstance(a.tag, str) and etree.QName(a).localname.lower() == "svg" for a in el.iterancestors()
        )
        for name, value in el.attrib.items():
            local = etree.QName(name).localname.lower() if name.startswith("{") else name.lower()
            if local in FETCHING:
                urls = [value]
            elif local in ("srcset", "imagesrcset"):
                urls = [c.split()[0] for c in value.split(",") if c.split()]
            elif local == "style":
                urls = css_remote_urls(value)
            elif local == "href" and (in_svg or name == XLINK_HREF):
                urls = [] if tag == "a" else [value]  # image, use, feImage, script... load what they name
            elif local == "href" and tag == "link":
                rels = set((el.get("rel") or "").lower().split())
                urls = [] if rels and rels <= POINTING_RELS else [value]
            elif local == "href" and tag == "base":
                urls = [value]  # every relative reference would then load from there
            elif local == "content" and tag == "meta" and (el.get("http-equiv") or "").lower() == "refresh":
                urls = re.findall(r"url\s*=\s*['\"]?([^'\";]+)", value, re.I)
            elif tag == "item" and local == "href":
                urls = [value]  # an OPF manifest item is part of the publication
            else:
                urls = []
            found += [(tag, name, url) for url in urls if is_remote(url)]
        if tag == "style" and el.text:
            found += [(tag, "text()", url) for url in css_remote_urls(el.text)]
    return found


def remote_resources(epub_path: Path) -> list[str]:
    """Every reference in an EPUB's XHTML, SVG, OPF, NCX and CSS entries that a reader would fetch from the web."""
    found = []
    with zipfile.ZipFile(epub_path) as epub:
        for name in epub.namelist():
            data = epub.read(name)
            if name.endswith((".xhtml", ".html", ".svg", ".opf", ".ncx", ".smil")):
                root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))
                found += [f"{name}: {tag}@{attr} {url}" for tag, attr, url in remote_fetches(root)]
            elif name.endswith(".css"):
                found += [f"{name}: url {url}" for url in css_remote_urls(data.decode("utf-8", "replace"))]
    return found


def epub_with_insert(src: Path, dest: Path, markup: bytes) -> str:
    """Copy an EPUB with markup put after the first article's h1 (entries, order and mimetype kept); return that entry."""
    with zipfile.ZipFile(src) as zin:
        infos = zin.infolist()
        assert infos[0].filename == "mimetype"
        target = next(i.filename for i in infos if i.filename.endswith(".xhtml") and "nav" not in i.filename)
        with zipfile.ZipFile(dest, "w") as zout:
            for info in infos:
                data = zin.read(info)
                if info.filename == target:
                    data = data.replace(b"</h1>", b"</h1>" + markup, 1)
                    assert markup in data
                zout.writestr(info, data, compress_type=info.compress_type)
    return target
