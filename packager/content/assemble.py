"""Build the Book from the configuration and the source files: no output is written here."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Callable
from contextlib import closing
from pathlib import Path, PurePosixPath

from packager.book.model import Article, Asset, Book, Person, text_direction
from packager.book.slugs import slugify, unique
from packager.content import article_pool, attribution, labels
from packager.content.context import ArticleContext, Rendered
from packager.content.linkmap import LinkMap, page_path
from packager.content.vault import VaultIndex
from packager.diagnostics import Diagnostics
from packager.errors import ConfigError, ContentError
from packager.project.config import Config
from packager.project.dialect import MYST, OBSIDIAN, MarkdownDialect
from packager.project.dialect import resolve as resolve_dialect
from packager.project.sites import Site
from packager.project.sources import SourceFile, parse_date, readable_files

_INTERNAL_HREF = re.compile(r'href="#([^"]*)"')


def assemble(
    source: Path,
    config: Config,
    files: list[SourceFile],
    diagnostics: Diagnostics,
    epoch: int,
    workers: int = 1,
    meanwhile: Callable[[], None] | None = None,
    dialect: MarkdownDialect | None = None,
    site: Site | None = None,
) -> Book:
    """Render every article (in up to workers processes, calling meanwhile as they work) and gather the book around it.

    dialect is the articles' Markdown dialect; by default the one SOURCE and its config choose. site is the
    docs site SOURCE was read as, whose profile's passes run on each article.
    """
    if not files:
        raise ContentError(
            "no Markdown articles found (looked for *.md and *.markdown, skipping hidden folders, "
            "drafts and dist/); add articles or adjust [content] include/exclude",
            path=source,
        )
    if dialect is None:
        dialect = resolve_dialect(source, config, diagnostics)
    root_index = files[0] if files[0].is_root_index else None
    index_meta = root_index.meta if root_index else {}
    language = config.book.language or _string(index_meta.get("lang") or index_meta.get("language")) or "en"

    slugs: dict[str, str] = {}
    taken: set[str] = set()
    for f in files:
        base = "introduction" if f.is_root_index else slugify(page_path(f.page).replace("/", "-"), "article")
        slugs[f.rel] = unique(base, taken)
        taken.add(slugs[f.rel])
    links = LinkMap(((f.rel, slugs[f.rel], f.meta) for f in files), root=site.content_dir if site else "")
    assets: dict[Path, Asset] = {}
    vault = _vault(source, files, dialect) if dialect.name == OBSIDIAN else None

    # A root index with front matter only speaks for the book, not as an article.
    todo = [f for f in files if not (f.is_root_index and not f.body.strip())]
    label_index = labels.build((f.rel, f.body, f.meta) for f in todo) if dialect.name == MYST else None
    lines = {f.rel: f.body_line for f in todo}
    for rel, line, label, first in label_index.duplicates if label_index else ():
        diagnostics.warn(
            rel,
            f"MyST label {label!r} is defined again (first in {first}); references to it go to the first",
            lines[rel] + line,
            kind="duplicate MyST labels",
        )
    contexts = [
        ArticleContext(
            source_dir=source,
            rel=f.rel,
            slug=slugs[f.rel],
            body_line=f.body_line,
            body=f.body,
            links=links,
            assets=assets,
            diagnostics=diagnostics,
            dialect=dialect,
            vault=vault,
            labels=label_index,
            meta=f.meta,
            site=site.profile if site else None,
            asset_dirs=site.asset_dirs if site else (),
            language=_quoting_language(f.meta) or language,
        )
        for f in todo
    ]
    with closing(article_pool.render_all(contexts, workers, meanwhile)) as results:
        rendered = {f.rel: _article(f, slugs[f.rel], r, diagnostics) for f, r in zip(todo, results, strict=True)}
    articles = _with_parts(files, rendered, taken)

    articles = _check_internal_links(articles, diagnostics)
    book_config = config.book
    authors = book_config.authors or _people(index_meta, "", diagnostics) or _all_authors(articles)
    title = book_config.title or _string(index_meta.get("title")) or _folder_title(source)
    when = dt.datetime.fromtimestamp(epoch, tz=dt.UTC)
    identity = book_config.base_url or (title + "|" + "|".join(p.name for p in authors))
    return Book(
        title=title,
        slug=book_config.slug or slugify(title),
        language=language,
        articles=tuple(articles),
        assets=tuple(sorted(assets.values(), key=lambda a: a.href)),
        subtitle=book_config.subtitle,
        authors=tuple(authors),
        description=book_config.description or _string(index_meta.get("description")),
        license=book_config.license or _string(index_meta.get("license")),
        base_url=book_config.base_url,
        version=book_config.version,
        publisher=book_config.publisher,
        keywords=book_config.keywords,
        copyright=book_config.copyright,
        repository=book_config.repository,
        cover=_cover(source, config),
        identifier=f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, identity)}",
        modified=when.strftime("%Y-%m-%dT%H:%M:%SZ"),
        source_dir=source,
    )


def _with_parts(files: list[SourceFile], rendered: dict[str, Article], taken: set[str]) -> list[Article]:
    """The articles in book order, each part title a site's nav opens before its first page as an article of its own."""
    articles = []
    for f in files:
        for depth, title in f.parts:
            slug = unique(slugify("part-" + title, "part"), taken)
            taken.add(slug)
            articles.append(Article(source="", slug=slug, title=title, html="", kind="part", depth=depth))
        if f.rel in rendered:
            articles.append(rendered[f.rel])
    return articles


def _article(f: SourceFile, slug: str, rendered: Rendered, diagnostics: Diagnostics) -> Article:
    meta = f.meta
    title = f.nav_title or _string(meta.get("title")) or rendered.title_from_body or _file_title(f.rel)
    contributors, original, items = attribution.read_article(meta, f.rel, diagnostics)
    language, direction = _language(meta, f.rel, diagnostics)
    tags = meta.get("tags") or meta.get("keywords") or []
    if isinstance(tags, str):
        tags = [t.strip() for t in tags.split(",") if t.strip()]
    if rendered.tags:
        tags = list(dict.fromkeys([*(tags if isinstance(tags, list) else []), *rendered.tags]))
    return Article(
        source=f.rel,
        slug=slug,
        title=title,
        html=rendered.html,
        headings=tuple(rendered.headings),
        authors=tuple(_people(meta, f.rel, diagnostics)),
        description=_string(meta.get("description") or meta.get("summary")),
        date=parse_date(meta.get("date")),
        tags=tuple(str(t) for t in tags if isinstance(t, (str, int, float))),
        license=_string(meta.get("license")),
        source_url=original.url if original else None,
        original=original,
        contributors=contributors,
        items=items,
        depth=f.depth,
        kind="intro" if f.is_root_index else "chapter",
        ids=frozenset(rendered.ids),
        recommends=attribution.recommendations(meta, f.rel, diagnostics),
        language=language,
        direction=direction,
        front_matter=meta,
    )


#: A language tag as BCP 47 writes it, loosely: "ar", "pt-BR", "zh-Hant-TW".
_LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*")


def _language(meta: dict, rel: str, diagnostics: Diagnostics) -> tuple[str | None, str | None]:
    """An article's own language and direction, from its front matter's `lang:` and `dir:`."""
    language = meta.get("lang")
    if language is not None and not (isinstance(language, str) and _LANGUAGE_TAG.fullmatch(language.strip())):
        diagnostics.warn(
            rel,
            f"front matter: 'lang' must be a language tag like 'ar' or 'pt-BR', got {language!r}; ignored",
            kind="front matter entries ignored",
        )
        language = None
    language = language.strip() if language else None
    direction = meta.get("dir")
    if direction is not None and direction not in ("rtl", "ltr"):
        diagnostics.warn(
            rel,
            f"front matter: 'dir' must be 'rtl' or 'ltr', got {direction!r}; ignored",
            kind="front matter entries ignored",
        )
        direction = None
    return language, direction or (text_direction(language) if language else None)


def _vault(source: Path, files: list[SourceFile], dialect: MarkdownDialect) -> VaultIndex:
    """The names an Obsidian vault's wikilinks may use: the book's notes, and every file a build may read."""
    notes = {f.rel: (_string(f.meta.get("title")) or PurePosixPath(f.rel).stem, f.body) for f in files}
    others = (path.relative_to(source).as_posix() for path in readable_files(source, None))
    aliases = {f.rel: _aliases(f.meta.get("aliases")) for f in files}
    return VaultIndex.build(notes, others, str(dialect.option("attachments", "")), aliases)


def _aliases(value) -> list[str]:
    """A note's other names (front matter aliases: a list, or one string)."""
    values = [value] if isinstance(value, str) else value if isinstance(value, list) else []
    return [v.strip() for v in values if isinstance(v, str) and v.strip()]


def _quoting_language(meta: dict) -> str | None:
    """The language an article's quotation marks follow: its front matter's lang, when a language tag."""
    own = meta.get("lang")
    return own.strip() if isinstance(own, str) and _LANGUAGE_TAG.fullmatch(own.strip()) else None


def _string(value) -> str | None:
    if isinstance(value, str) and value.strip():
        return " ".join(value.split())
    return None


def _people(meta: dict, rel: str, diagnostics: Diagnostics) -> list[Person]:
    """Authors from 'author' or 'authors': names, or {name, url} mappings."""
    raw = meta.get("authors", meta.get("author"))
    if raw is None:
        return []
    items = raw if isinstance(raw, list) else [raw]
    people = []
    for item in items:
        if isinstance(item, str) and item.strip():
            people.append(Person(item.strip()))
        elif isinstance(item, dict) and _string(item.get("name")):
            url = item.get("url") if isinstance(item.get("url"), str) else None
            people.append(Person(_string(item["name"]), url))
        elif rel:
            diagnostics.warn(
                rel,
                f"front matter: author {item!r} is neither a name nor a {{name, url}} mapping; ignored",
                kind="front matter entries ignored",
            )
    return people


def _all_authors(articles: list[Article]) -> list[Person]:
    seen: dict[str, Person] = {}
    for article in articles:
        for person in article.authors:
            seen.setdefault(person.name, person)
    return list(seen.values())


def _folder_title(source: Path) -> str:
    name = source.resolve().name or "Book"
    return re.sub(r"[-_]+", " ", name).strip().capitalize() or "Book"


def _file_title(rel: str) -> str:
    stem = PurePosixPath(rel).stem
    if stem.lower() in ("index", "_index", "readme"):
        stem = PurePosixPath(rel).parent.name or "Introduction"
    return re.sub(r"^\d+[-_ ]+", "", re.sub(r"[-_]+", " ", stem)).strip().capitalize() or stem


def _cover(source: Path, config: Config) -> Asset | None:
    return cover_file(source, config, config.book.cover)


def cover_file(source: Path, config: Config, cover: str | None, key: str = "book.cover") -> Asset | None:
    """The cover image packager.toml names under key: a PNG or JPEG inside SOURCE, else a ConfigError."""
    if not cover:
        return None
    where = config.path or source / "packager.toml"
    path = (source / cover).resolve()
    if not path.is_relative_to(source.resolve()):
        raise ConfigError(f"'{key}' must be a file inside the source folder, got {cover!r}", path=where)
    if not path.is_file():
        raise ConfigError(f"'{key}' names {cover!r}, which does not exist; fix the path or remove the key", path=where)
    media_types = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg"}
    media_type = media_types.get(path.suffix.lower())
    if media_type is None:
        raise ConfigError(f"'{key}' must be a PNG or JPEG image, got {cover!r}", path=where)
    return Asset(href=f"cover{path.suffix.lower()}", path=path, media_type=media_type)


def _check_internal_links(articles: list[Article], diagnostics: Diagnostics) -> list[Article]:
    """Send links to anchors that do not exist to the top of their article instead, with a warning."""
    all_ids = {a.slug for a in articles}.union(*(a.ids for a in articles))
    slugs = {a.slug for a in articles}
    fixed = []
    for article in articles:

        def repair(match: re.Match, article=article) -> str:
            target = match.group(1)
            if target in all_ids:
                return match.group(0)
            owner = target.split("--", 1)[0]
            fragment = target.split("--", 1)[-1]
            if owner in slugs:
                diagnostics.warn(
                    article.source,
                    f"link to #{fragment}: no such heading or anchor; it now points at the start of the article",
                    kind="links to anchors not in the book",
                )
                return f'href="#{owner}"'
            diagnostics.warn(
                article.source,
                f"link to #{target} has no target; it now points at the start of this article",
                kind="links to anchors not in the book",
            )
            return f'href="#{article.slug}"'

        html = _INTERNAL_HREF.sub(repair, article.html)
        fixed.append(article if html == article.html else _replace(article, html=html))
    return fixed


def _replace(article: Article, **changes) -> Article:
    from dataclasses import replace

    return replace(article, **changes)
