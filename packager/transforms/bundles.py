"""The bundles: the pool Book -> one Book per ``[[bundles]]`` table, each with the articles it selects.

The articles are rendered once, into the pool; a bundle takes them as they are. A link to an article the
bundle does not hold goes to that article's page in the web edition instead (absolute, with base_url), so
no book has a dead link.
"""

from __future__ import annotations

import fnmatch
import re
import uuid
from dataclasses import replace

from packager.book.model import Article, Asset, Book
from packager.diagnostics import Diagnostics
from packager.errors import ConfigError
from packager.project.bundle_config import BundleConfig
from packager.project.config import Config

_INTERNAL_LINK = re.compile(r'<a ([^>]*?)href="#([^"]*)"([^>]*)>(.*?)</a>', re.S)
_ASSET_REF = re.compile(r'(?:src|href|data)="(assets/[^"#]+)"')
WEB_FOLDER = "read/"


def web_href(slug: str, anchor: str | None = None) -> str:
    """An article's page in the web edition, relative to the root of dist/."""
    return f"{WEB_FOLDER}{slug}/" + (f"#{anchor}" if anchor and anchor != slug else "")


def split(pool: Book, config: Config, covers: dict[str, Asset | None], diagnostics: Diagnostics) -> tuple[Book, ...]:
    """One Book per bundle (the pool itself when there are none), or a ConfigError naming every bundle at fault.

    covers maps a bundle's slug to its own cover, when its table names one.
    """
    if not config.bundles:
        return (pool,)
    where = str(config.path.name) if config.path else "packager.toml"
    known_tags = {t.lower() for a in pool.articles for t in a.tags}
    problems = []
    books = []
    for i, bundle in enumerate(config.bundles):
        for tag in (*bundle.tags, *bundle.all_tags):
            if tag.lower() not in known_tags:
                diagnostics.warn(
                    where,
                    f"bundle {bundle.slug!r} asks for tag {tag!r}, which no article has",
                    kind="bundle tags no article has",
                )
        articles = select(pool, bundle)
        if not any(not a.is_generated for a in articles):
            problems.append(f"bundles[{i}] ({bundle.slug!r}) selects no article; check its {_criteria(bundle)}")
            continue
        books.append(_book(pool, bundle, articles, covers.get(bundle.slug), diagnostics))
    if problems:
        raise ConfigError(
            f"{len(problems)} problem(s): " + "; ".join(problems) + ". Fix the file and build again.", path=where
        )
    return tuple(books)


def _criteria(bundle: BundleConfig) -> str:
    given = [name for name in ("include", "tags", "sections", "exclude") if getattr(bundle, name)]
    if bundle.all_tags:
        given.append("tags")
    return ", ".join(dict.fromkeys(given)) or "criteria"


def sections_of(pool: Book) -> dict[str, tuple[str, ...]]:
    """Each article's sections, outermost first: the folders it sits in and the parts that hold it."""
    found: dict[str, tuple[str, ...]] = {}
    open_parts: list[Article] = []
    for article in pool.articles:
        while open_parts and open_parts[-1].depth >= article.depth:
            open_parts.pop()
        if article.is_part:
            open_parts.append(article)
            continue
        folders = article.source.split("/")[:-1]
        prefixes = ["/".join(folders[: n + 1]) for n in range(len(folders))]
        found[article.source] = (*prefixes, *(p.title for p in open_parts))
    return found


def _matches(patterns: tuple[str, ...], path: str) -> bool:
    return any(fnmatch.fnmatchcase(path, p) or fnmatch.fnmatchcase(path, p.rstrip("/") + "/*") for p in patterns)


def select(pool: Book, bundle: BundleConfig) -> list[Article]:
    """The pool's articles the bundle takes (each criterion given must hold), with the parts that hold them."""
    sections = sections_of(pool)
    wanted_sections = {s.strip("/").lower() for s in bundle.sections}

    def takes(article: Article) -> bool:
        tags = {t.lower() for t in article.tags}
        return (
            (not bundle.include or _matches(bundle.include, article.source))
            and (not bundle.tags or bool(tags & {t.lower() for t in bundle.tags}))
            and (not bundle.all_tags or {t.lower() for t in bundle.all_tags} <= tags)
            and (not bundle.sections or bool(wanted_sections & {s.lower() for s in sections[article.source]}))
            and not _matches(bundle.exclude, article.source)
        )

    chosen = [a for a in pool.articles if not a.is_generated and takes(a)]
    if bundle.order:
        first = [a for name in bundle.order for a in chosen if a.source == name.lstrip("./")]
        rest = [a for a in chosen if a not in first]
        return [replace(a, depth=0) for a in (*first, *rest)]  # an order of its own has no parts
    taken = {a.source for a in chosen}
    result: list[Article] = []
    for n, article in enumerate(pool.articles):
        if article.is_part:
            inside = []
            for later in pool.articles[n + 1 :]:
                if later.depth <= article.depth:
                    break
                inside.append(later)
            if any(a.source in taken for a in inside if not a.is_generated):
                result.append(article)
        elif article.source in taken:
            result.append(article)
    return result


def _book(pool: Book, bundle: BundleConfig, articles: list[Article], cover: Asset | None, diagnostics) -> Book:
    own_title = bundle.title is not None
    base_url = f"{pool.base_url}{bundle.slug}/" if pool.base_url else None
    articles = _linked(pool, articles, diagnostics, bundle.slug)
    used = {m for a in articles for m in _ASSET_REF.findall(a.html)}
    identity = base_url or f"{pool.identifier}|{bundle.slug}"
    return replace(
        pool,
        title=bundle.title or pool.title,
        slug=bundle.slug,
        subtitle=bundle.subtitle or (None if own_title else pool.subtitle),
        description=bundle.description or (None if own_title else pool.description),
        articles=tuple(articles),
        assets=tuple(a for a in pool.assets if a.href in used),
        cover=cover or pool.cover,
        license=bundle.license or pool.license,
        version=bundle.version or pool.version,
        base_url=base_url,
        folder=f"{bundle.slug}/",
        web_root="../" + WEB_FOLDER if pool.web_root else None,
        identifier=f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, identity)}",
    )


def _linked(pool: Book, articles: list[Article], diagnostics: Diagnostics, slug: str) -> list[Article]:
    """Links to articles the bundle does not hold, sent to their web pages (or made plain text without base_url)."""
    owners = pool.article_for_id()
    held = {a.slug for a in articles}
    result = []
    for article in articles:
        if article.is_generated or 'href="#' not in article.html:
            result.append(article)
            continue

        def rewrite(match: re.Match, article: Article = article) -> str:
            before, target, after, text = match.groups()
            owner = owners.get(target)
            if owner is None or owner.slug in held:
                return match.group(0)
            if pool.base_url and pool.web_root:
                url = pool.base_url + web_href(owner.slug, target)
                diagnostics.warn(
                    article.source,
                    f"links to {owner.source}, which bundle {slug!r} does not hold: the link goes to its web page",
                    kind="links out of a bundle",
                )
                return f'<a {before}href="{url}"{after}>{text}</a>'
            diagnostics.warn(
                article.source,
                f"links to {owner.source}, which bundle {slug!r} does not hold, and there is no web page to send "
                "the link to: it is plain text in that book; set [book] base_url (and keep [output] web on)",
                kind="links out of a bundle",
            )
            return f"<span>{text}</span>"

        result.append(replace(article, html=_INTERNAL_LINK.sub(rewrite, article.html)))
    return result
