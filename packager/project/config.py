"""Read ``packager.toml`` into typed, validated settings.

Every problem in the file is collected and reported at once, each naming the
key, what was expected and what was found. Unknown keys are rejected so that a
typo never passes silently.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from packager.book.model import Cause, CreditItem, Person, Recommendation
from packager.errors import ConfigError
from packager.formats import NAMES as KNOWN_FORMATS
from packager.project import bundle_config
from packager.project.bundle_config import BundleConfig
from packager.project.sites import NAMES as SITE_PROFILES

CONFIG_NAME = "packager.toml"

# SPDX ids are letters, digits, '.', '-' and '+' (e.g. CC-BY-4.0, MIT, GPL-3.0-or-later).
SPDX_ID = re.compile(r"^[A-Za-z0-9.+-]+$")
LANGUAGE_TAG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")
SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
MARKDOWN_READER = re.compile(r"^(commonmark|obsidian|myst|python-markdown)$")
SITE_PROFILE = re.compile("^(" + "|".join(SITE_PROFILES) + ")$")


@dataclass(frozen=True)
class BookConfig:
    """The ``[book]`` table: what the book is and who made it."""

    title: str | None = None
    """Book title; default: the root index's front-matter title, else the folder name."""
    subtitle: str | None = None
    """Shown under the title on the cover, title page and download page."""
    authors: tuple[Person, ...] = ()
    """Names, or ``{name, url}`` tables; default: the authors named in the articles."""
    language: str | None = None
    """BCP 47 language tag (``en``, ``pt-BR``); default ``en``. Sets ``lang`` everywhere."""
    license: str | None = None
    """SPDX licence id of the book (``CC-BY-4.0``); articles may override it."""
    description: str | None = None
    """One or two sentences for the download page, the metadata and search engines."""
    base_url: str | None = None
    """Where dist/ will be hosted (``https://example.org/book/``); used for share links and canonical URLs."""
    version: str | None = None
    """Edition label shown on the title page and the download page."""
    cover: str | None = None
    """Cover image path relative to the source folder (PNG or JPEG)."""
    slug: str | None = None
    """File name stem of the outputs; default: the title in lower case with hyphens."""
    publisher: str | None = None
    """Publisher named in the metadata."""
    keywords: tuple[str, ...] = ()
    """Subject keywords for the EPUB and PDF metadata."""
    copyright: str | None = None
    """The copyright line (``© 2026 The Authors``) for the title page's back and the download page."""
    repository: str | None = None
    """Where the book's source lives (an http(s) URL); the credits link to it."""


@dataclass(frozen=True)
class ContentConfig:
    """The ``[content]`` table: which Markdown files become articles, in which order."""

    include: tuple[str, ...] = ()
    """Glob patterns (relative to the source folder); when given, only matching files are articles."""
    exclude: tuple[str, ...] = ()
    """Glob patterns of files that are never articles."""
    order: tuple[str, ...] = ()
    """Paths of articles that come first, in this order; the rest follow by weight, date, name."""
    markdown: str | None = None
    """The dialect: ``"commonmark"`` (CommonMark + GFM), ``"obsidian"``, ``"myst"`` or ``"python-markdown"``; default: chosen from the folder."""
    site: str | None = None
    """The site the folder is (``"mkdocs"``, ``"mdbook"``, ``"honkit"``, ``"jupyter-book"``, ``"docusaurus"``, ``"hugo"``, ``"jekyll"``, ``"obsidian"``); its config gives the order and metadata. Default: found from the folder."""
    order_from: str | None = None
    """A note (``Home.md``) whose links, in order, are the book's order: a map of content."""


@dataclass(frozen=True)
class OutputConfig:
    """The ``[output]`` table: what to write and how it looks."""

    formats: tuple[str, ...] = KNOWN_FORMATS
    """Which books to write; the download page is always written."""
    theme: str = "handbook"
    """A theme shipped with packager, by name; a ``theme/`` folder in the source overrides its files."""
    versioned_names: bool = False
    """Put the version in the file names (``handbook-1.2.0.epub``), so editions can sit side by side."""
    web: bool = True
    """Write the web edition: a page per article under ``read/``, and a contents page per book."""


@dataclass(frozen=True)
class CreditsConfig:
    """The ``[credits]`` table: third-party material credited for the whole book (the cover, say)."""

    items: tuple[CreditItem, ...] = ()
    """Tables with ``title, author, source, license`` and optionally ``file`` and ``modified``."""


@dataclass(frozen=True)
class ShareConfig:
    """The ``[share]`` table: the share links on the page and in the books."""

    providers: tuple[str, ...] | None = None
    """Which services to offer (default: all of them)."""
    text: str | None = None
    """The text people share; default: the title and subtitle."""
    hashtags: tuple[str, ...] = ()
    """Hashtags added to the shared text, without '#'."""
    utm: bool = False
    """Tag shared links with utm_source/utm_medium/utm_campaign (off: no tracking by default)."""
    per_article: bool = False
    """Also end every article with a short share line."""
    mastodon_instance: str | None = None
    """A Mastodon server (``fosstodon.org``) for a direct share link; without it a page explains how to share."""


@dataclass(frozen=True)
class Config:
    """Everything packager.toml can say; the defaults make zero-config builds work."""

    book: BookConfig = field(default_factory=BookConfig)
    content: ContentConfig = field(default_factory=ContentConfig)
    output: OutputConfig = field(default_factory=OutputConfig)
    credits: CreditsConfig = field(default_factory=CreditsConfig)
    share: ShareConfig = field(default_factory=ShareConfig)
    bundles: tuple[BundleConfig, ...] = ()
    """``[[bundles]]``: the books made from the articles; none: one book of them all."""
    spotlight: tuple[Recommendation, ...] = ()
    """``[[spotlight]]``: other people's work the authors recommend (title, author, url, why)."""
    causes: tuple[Cause, ...] = ()
    """``[[causes]]``: causes the books point readers to (name, url, why)."""
    path: Path | None = None


class _Checker:
    """Collect config problems so they can all be reported at once."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def problem(self, key: str, expected: str, found: Any) -> None:
        self.problems.append(f"'{key}' must be {expected}, got {found!r}")

    def string(self, key: str, value: Any, pattern: re.Pattern | None = None, expected: str = "a string"):
        if value is None:
            return None
        if not isinstance(value, str) or not value.strip():
            self.problem(key, "a non-empty string", value)
            return None
        if pattern and not pattern.match(value):
            self.problem(key, expected, value)
            return None
        return value.strip()

    def strings(self, key: str, value: Any) -> tuple[str, ...]:
        if value is None:
            return ()
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            self.problem(key, "a list of strings", value)
            return ()
        return tuple(value)

    def person(self, key: str, value: Any) -> Person | None:
        if isinstance(value, str) and value.strip():
            return Person(value.strip())
        if isinstance(value, dict):
            unknown = sorted(set(value) - {"name", "url"})
            if unknown:
                self.problems.append(f"'{key}' has unknown key '{unknown[0]}' (allowed: name, url)")
            name = self.string(f"{key}.name", value.get("name"))
            url = self.string(f"{key}.url", value.get("url"), URL, "an http(s) URL")
            if name is None:
                self.problem(f"{key}.name", "a non-empty string", value.get("name"))
                return None
            return Person(name, url)
        self.problem(key, "a name or a {name, url} table", value)
        return None


URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$")


def _reject_unknown(checker: _Checker, table: dict, cls: type, prefix: str) -> None:
    allowed = [f.name for f in fields(cls) if f.name != "path"]
    for key in table:
        if key not in allowed:
            checker.problems.append(
                f"unknown key '{prefix}{key}' (allowed in [{prefix.rstrip('.')}]: {', '.join(allowed)})"
                if prefix
                else f"unknown table '[{key}]' (allowed: {', '.join(allowed)})"
            )


def _table(checker: _Checker, data: dict, name: str) -> dict:
    value = data.get(name, {})
    if not isinstance(value, dict):
        checker.problem(name, "a table", value)
        return {}
    return value


def parse(data: dict, path: Path | None = None) -> Config:
    """Turn parsed TOML into a Config, or raise ConfigError listing every problem."""
    check = _Checker()
    _reject_unknown(check, data, Config, "")
    book = _table(check, data, "book")
    content = _table(check, data, "content")
    output = _table(check, data, "output")
    credits = _table(check, data, "credits")
    share = _table(check, data, "share")
    _reject_unknown(check, book, BookConfig, "book.")
    _reject_unknown(check, content, ContentConfig, "content.")
    _reject_unknown(check, output, OutputConfig, "output.")
    _reject_unknown(check, credits, CreditsConfig, "credits.")
    _reject_unknown(check, share, ShareConfig, "share.")

    authors_raw = book.get("authors", [])
    if isinstance(authors_raw, (str, dict)):
        authors_raw = [authors_raw]
    if not isinstance(authors_raw, list):
        check.problem("book.authors", "a list of names or {name, url} tables", authors_raw)
        authors_raw = []
    authors = tuple(p for i, a in enumerate(authors_raw) if (p := check.person(f"book.authors[{i}]", a)) is not None)

    book_config = BookConfig(
        title=check.string("book.title", book.get("title")),
        subtitle=check.string("book.subtitle", book.get("subtitle")),
        authors=authors,
        language=check.string(
            "book.language", book.get("language"), LANGUAGE_TAG, "a BCP 47 language tag like 'en' or 'pt-BR'"
        ),
        license=check.string("book.license", book.get("license"), SPDX_ID, "an SPDX licence id like 'CC-BY-4.0'"),
        description=check.string("book.description", book.get("description")),
        base_url=_base_url(check, book.get("base_url")),
        version=_version(check, book.get("version")),
        cover=check.string("book.cover", book.get("cover")),
        slug=check.string("book.slug", book.get("slug"), SLUG, "lower-case letters, digits and hyphens"),
        publisher=check.string("book.publisher", book.get("publisher")),
        keywords=check.strings("book.keywords", book.get("keywords")),
        copyright=check.string("book.copyright", book.get("copyright")),
        repository=check.string("book.repository", book.get("repository"), URL, "an http(s) URL"),
    )
    formats = check.strings("output.formats", output.get("formats", list(KNOWN_FORMATS)))
    for name in formats:
        if name not in KNOWN_FORMATS:
            check.problem("output.formats", f"a list drawn from {list(KNOWN_FORMATS)}", formats)
            break
    flags = {}
    for name in ("versioned_names", "web"):
        flags[name] = output.get(name, name == "web")
        if not isinstance(flags[name], bool):
            check.problem(f"output.{name}", "true or false", flags[name])
            flags[name] = name == "web"
    output_config = OutputConfig(
        **flags,
        formats=formats,
        theme=check.string("output.theme", output.get("theme", "handbook")) or "handbook",
    )
    content_config = ContentConfig(
        include=check.strings("content.include", content.get("include")),
        exclude=check.strings("content.exclude", content.get("exclude")),
        order=check.strings("content.order", content.get("order")),
        markdown=check.string(
            "content.markdown",
            content.get("markdown"),
            MARKDOWN_READER,
            '"commonmark", "obsidian", "myst" or "python-markdown"',
        ),
        site=check.string("content.site", content.get("site"), SITE_PROFILE, "one of " + ", ".join(SITE_PROFILES)),
        order_from=check.string("content.order_from", content.get("order_from")),
    )
    credits_config = CreditsConfig(items=_credit_items(check, credits.get("items")))
    share_config = _share(check, share)
    bundles = bundle_config.bundles(check, data.get("bundles"), SPDX_ID)
    spotlight = bundle_config.spotlight(check, data.get("spotlight"))
    causes = bundle_config.causes(check, data.get("causes"))
    if check.problems:
        where = str(path) if path else CONFIG_NAME
        raise ConfigError(
            f"{len(check.problems)} problem(s): " + "; ".join(check.problems) + ". Fix the file and build again.",
            path=where,
        )
    return Config(
        book=book_config,
        content=content_config,
        output=output_config,
        credits=credits_config,
        share=share_config,
        bundles=bundles,
        spotlight=spotlight,
        causes=causes,
        path=path,
    )


CREDIT_ITEM_KEYS = ("title", "author", "source", "license", "file", "modified")


def _credit_items(check: _Checker, value: Any) -> tuple[CreditItem, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        check.problem("credits.items", "a list of tables like {title, author, source, license}", value)
        return ()
    items = []
    for i, raw in enumerate(value):
        key = f"credits.items[{i}]"
        unknown = sorted(set(raw) - set(CREDIT_ITEM_KEYS))
        if unknown:
            check.problems.append(f"'{key}' has unknown key '{unknown[0]}' (allowed: {', '.join(CREDIT_ITEM_KEYS)})")
        fields_ = {
            name: check.string(f"{key}.{name}", raw.get(name)) for name in CREDIT_ITEM_KEYS if name != "modified"
        }
        modified = raw.get("modified")
        if isinstance(modified, bool):
            modified = "modified" if modified else None
        else:
            modified = check.string(f"{key}.modified", modified)
        if not (fields_["title"] or fields_["file"]):
            check.problems.append(f"'{key}' needs a 'title' or a 'file'")
        items.append(CreditItem(modified=modified, **fields_))
    return tuple(items)


def _share(check: _Checker, table: dict) -> ShareConfig:
    from packager.book import share_links as share

    providers = table.get("providers")
    if providers is not None:
        providers = check.strings("share.providers", providers)
        unknown = share.unknown_providers(providers)
        if unknown:
            check.problem("share.providers", f"a list drawn from {list(share.PROVIDERS)}", unknown)
    hashtags = []
    for tag in check.strings("share.hashtags", table.get("hashtags")):
        try:
            hashtags.append(share.normalize_hashtag(tag))
        except ValueError:
            check.problem("share.hashtags", "words of letters, digits and '_' (e.g. 'OpenKnowledge')", tag)
    flags = {}
    for name in ("utm", "per_article"):
        value = table.get(name, False)
        if not isinstance(value, bool):
            check.problem(f"share.{name}", "true or false", value)
            value = False
        flags[name] = value
    instance = check.string(
        "share.mastodon_instance", table.get("mastodon_instance"), HOST, "a server name like 'fosstodon.org'"
    )
    return ShareConfig(
        providers=tuple(providers) if providers is not None else None,
        text=check.string("share.text", table.get("text")),
        hashtags=tuple(hashtags),
        mastodon_instance=instance,
        **flags,
    )


HOST = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$", re.I)


def _base_url(check: _Checker, value: Any) -> str | None:
    url = check.string("book.base_url", value, URL, "an absolute http(s) URL like 'https://example.org/book/'")
    if url and not url.endswith("/"):
        url += "/"
    return url


def _version(check: _Checker, value: Any) -> str | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return check.string("book.version", value)


def load(source: Path) -> Config:
    """Read SOURCE/packager.toml if there is one; zero config is valid."""
    path = source / CONFIG_NAME
    if not path.is_file():
        return Config()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise ConfigError("is not UTF-8 text; save it as UTF-8", path=path) from exc
    except tomllib.TOMLDecodeError as exc:
        line = _toml_error_line(str(exc))
        raise ConfigError(f"invalid TOML: {exc}; fix the syntax and build again", path=path, line=line) from exc
    return parse(data, path)


def _toml_error_line(message: str) -> int | None:
    match = re.search(r"line (\d+)", message)
    return int(match.group(1)) if match else None
