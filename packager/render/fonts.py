"""The fonts a book is set in: the theme's and packager's fallbacks, never whatever the machine has.

WeasyPrint finds fonts through fontconfig. ``setup(theme)`` writes a fontconfig file that knows only
the theme's fonts, the base theme's fallbacks (code, scripts, emoji) and, when Debian's
``fonts-noto-cjk`` is installed, its Chinese and Japanese fonts (``project.glyphs`` knows which files draw what); a process that lays out a PDF points
``FONTCONFIG_FILE`` at it first (``use``). The same PDF then comes out on any machine, whatever its
fonts or its fontconfig. The EPUB embeds the same files, subset to the characters the book uses
(``subset``).
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

from packager.book.model import Book
from packager.project.glyphs import MONO_FAMILY, book_text, cjk_files, cjk_point, coverage, files, needed_fallbacks
from packager.project.themes import Theme, themes_root
from packager.render.context import cache_folder

#: Which of fonts-noto-cjk's faces draws Han for a language: their glyphs differ by region.
CJK_REGIONS = (("zh-tw", "TC"), ("zh-hk", "HK"), ("zh", "SC"), ("ko", "KR"), ("ja", "JP"))
#: Part of the fonts' digest: a fontconfig file written by an older packager is not taken for this one's.
CONF_VERSION = "fallbacks-in-order, cjk regions"
#: Kept in every EPUB subset: printable ASCII and the punctuation a reader's own pages (notes, menus) may add.
ALWAYS = frozenset(range(0x20, 0x7F)) | frozenset(
    map(ord, "\u00a0\u2013\u2014\u2018\u2019\u201c\u201d\u2026\u00ab\u00bb")
)


@dataclass(frozen=True)
class FontSetup:
    """A fontconfig file for one theme, and a digest of the font files it makes visible."""

    conf: str
    digest: str  # what decides the glyphs: part caches and shards key on it, never on the conf's path
    families: tuple[str, ...]  # the theme's text families, first one first


@dataclass(frozen=True)
class Face:
    """One font file as CSS sees it."""

    path: Path
    family: str
    weight: int
    italic: bool


def setup(theme: Theme, book: Book | None = None) -> FontSetup:
    """Write (once) the fontconfig file that shows only this theme's fonts, and return where it is.

    Debian's CJK fonts are in it only for a book whose text needs them: fontconfig and Pango with them in
    the set took half as long again to lay out a 618-page book with no CJK in it (23.9 s against 16.1 s).
    """
    cjk = set(cjk_files()) if book is None or not _needs_cjk(book) else set()
    chosen = [f for f in files(theme) if f not in cjk]
    digest = hashlib.sha256("\0".join([CONF_VERSION, *(_fingerprint(p) for p in chosen)]).encode()).hexdigest()
    families = tuple(dict.fromkeys(face(f).family for font in theme.fonts() for f in font.files))
    fallbacks = tuple(dict.fromkeys(face(f).family for font in theme.fallback_fonts() for f in font.files))
    base = cache_folder() or Path(tempfile.gettempdir()) / f"packager-{os.getuid()}"
    folder = base / "fonts" / digest[:24]
    conf = folder / "fonts.conf"
    if not conf.is_file():
        linked = folder / "files"
        linked.mkdir(parents=True, exist_ok=True)
        for index, path in enumerate(chosen):
            link = linked / f"{index:02d}-{path.name}"
            if not link.exists():
                link.symlink_to(path.resolve())
        text = _conf(linked, folder / "cache", families, fallbacks)
        temporary = conf.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_text(text, encoding="utf-8")
        temporary.replace(conf)
    return FontSetup(str(conf), digest, families)


_cjk_books: dict[int, tuple[Book, bool]] = {}  # the last book asked about, by identity: asked once per part


def _needs_cjk(book: Book) -> bool:
    kept = _cjk_books.get(id(book))
    if kept is None or kept[0] is not book:
        kept = (book, any(cjk_point(point) for point in book_text(book)))
        _cjk_books.clear()
        _cjk_books[id(book)] = kept
    return kept[1]


def use(conf: str) -> None:
    """Make fontconfig, from now on in this process, see only the fonts conf names."""
    os.environ["FONTCONFIG_FILE"] = conf


def _conf(fonts: Path, cache_dir: Path, families: tuple[str, ...], fallbacks: tuple[str, ...] = ()) -> str:
    """A fontconfig file with one font folder and no system configuration; generic names map to the theme.

    After the theme's text family come the fallbacks, in fonts.toml's order, so that a script the theme
    lacks (Greek in a Latin-only theme) is set in the fallback's text face, never in the code font.
    """
    text = [f for f in families if f != MONO_FAMILY][:1] or ["Noto Sans"]
    after = [f for f in fallbacks if f != MONO_FAMILY and f not in text]
    aliases = "".join(
        f'  <alias binding="same"><family>{generic}</family><prefer>'
        + "".join(f"<family>{escape(name)}</family>" for name in names)
        + "</prefer></alias>\n"
        for generic, names in (
            ("serif", [*text, *after]),
            ("sans-serif", [*text, *after]),
            ("system-ui", [*text, *after]),
            ("monospace", [MONO_FAMILY, *after]),
        )
    )
    regional = "".join(
        f'  <match target="pattern"><test name="lang" compare="contains"><string>{lang}</string></test>'
        f'<edit name="family" mode="append"><string>Noto Sans CJK {region}</string></edit></match>\n'
        for lang, region in CJK_REGIONS
    )
    return (
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n<fontconfig>\n'
        f"  <dir>{escape(str(fonts))}</dir>\n  <cachedir>{escape(str(cache_dir))}</cachedir>\n{aliases}{regional}</fontconfig>\n"
    )


def _fingerprint(path: Path) -> str:
    """A font file by its name inside the themes (or its system path) and its size: the same on every runner."""
    resolved = path.resolve()
    root = themes_root().resolve()
    name = str(resolved.relative_to(root)) if resolved.is_relative_to(root) else str(path)
    return f"{name} {resolved.stat().st_size}"


@cache
def face(path: Path) -> Face:
    """The family, weight and style a font file declares (its name and OS/2 tables)."""
    import uharfbuzz

    hb_face = uharfbuzz.Face(uharfbuzz.Blob.from_file_path(str(path)))
    names = uharfbuzz.OTNameIdPredefined
    family = hb_face.get_name(names.TYPOGRAPHIC_FAMILY) or hb_face.get_name(names.FONT_FAMILY) or path.stem
    font = uharfbuzz.Font(hb_face)
    weight = int(font.get_style_value(uharfbuzz.StyleTag.WEIGHT))
    return Face(path, family, weight, font.get_style_value(uharfbuzz.StyleTag.ITALIC) > 0)


def subset(path: Path, text: set[int]) -> bytes | None:
    """The font file cut down to the glyphs text needs (with its layout features), or None when it needs none."""
    wanted = text & coverage(path)
    if not wanted:
        return None
    return _subset(path, frozenset(wanted))


@cache
def _subset(path: Path, wanted: frozenset[int]) -> bytes:
    """HarfBuzz's subsetter: milliseconds a font, where fontTools takes seconds for Noto Sans."""
    import uharfbuzz

    face = uharfbuzz.Face(uharfbuzz.Blob.from_file_path(str(path)))
    given = uharfbuzz.SubsetInput()
    given.unicode_set.update(sorted(wanted))
    given.flags = uharfbuzz.SubsetFlags.NO_HINTING
    return bytes(uharfbuzz.subset(face, given).blob.data)


@dataclass(frozen=True)
class EmbeddedFont:
    """A subset font file for the EPUB."""

    href: str  # inside the EPUB, beside style/
    media_type: str
    content: bytes


def for_epub(theme: Theme, text: set[int]) -> tuple[str, list[EmbeddedFont]]:
    """The @font-face rules and subset files that set text in the theme's fonts, fallbacks where needed."""
    rules, embedded, text_families, fallback_families = [], [], [], []
    own = [f for font in theme.fonts() for f in font.files]
    # the code font draws code only: what else it covers (Greek, Cyrillic) still needs a text face
    uncovered = set(text) - {c for path in own if face(path).family != MONO_FAMILY for c in coverage(path)}
    chosen = [(path, True) for path in own]
    for group in needed_fallbacks(theme, uncovered):
        if any(path in own for path in group):  # the code font, for a symbol only it has: set in it, not twice
            fallback_families.append(face(group[0]).family)
            continue
        chosen += [(path, False) for path in group]
    for path, is_own in chosen:
        data = subset(path, text)
        if data is None:
            continue
        described = face(path)
        kind = "otf" if data[:4] == b"OTTO" else "ttf"
        href = f"fonts/{_slug(described.family)}-{described.weight}{'i' if described.italic else ''}.{kind}"
        embedded.append(EmbeddedFont(href, f"font/{kind}", data))
        rules.append(
            f'@font-face {{ font-family: "{described.family}"; font-weight: {described.weight}; '
            f'font-style: {"italic" if described.italic else "normal"}; src: url("../{href}"); }}'
        )
        families = text_families if is_own else fallback_families
        if described.family not in families and described.family != MONO_FAMILY:
            families.append(described.family)
    if not embedded:
        return "", []
    # the code font last, as the PDF's fontconfig file has it: a symbol another fallback has is drawn by that one
    last = sorted(fallback_families, key=lambda family: family == MONO_FAMILY)
    text_stack = ", ".join(f'"{f}"' for f in (*text_families, *last))
    mono_stack = ", ".join(f'"{f}"' for f in dict.fromkeys((MONO_FAMILY, *fallback_families)))
    rules.append(f"html, h1, h2, h3, h4, h5, h6 {{ font-family: {text_stack}, sans-serif; }}")
    rules.append(f"code, kbd, samp, pre {{ font-family: {mono_stack}, monospace; }}")
    return "\n".join(rules) + "\n", embedded


def _slug(family: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in family).strip("-")
