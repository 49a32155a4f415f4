"""The book model: pure data, built once and handed to every renderer."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path


def names(people) -> str:
    """Join people's names as a byline does: "A", "A and B", "A, B and C"."""
    found = [p.name for p in people]
    if len(found) <= 2:
        return " and ".join(found)
    return ", ".join(found[:-1]) + " and " + found[-1]


#: The languages written right to left (ISO 639 codes): Arabic, Hebrew and the languages written in their scripts.
RTL_LANGUAGES = frozenset({"ar", "arc", "ckb", "dv", "fa", "he", "iw", "ks", "ps", "sd", "syr", "ug", "ur", "yi"})


def text_direction(language: str | None) -> str:
    """The direction a language is written in: "rtl" or "ltr" (a script subtag such as -Arab wins)."""
    tag = (language or "").lower().replace("_", "-")
    parts = tag.split("-")
    if any(p in ("arab", "hebr", "syrc", "thaa", "nkoo", "adlm", "rohg") for p in parts[1:]):
        return "rtl"
    if any(len(p) == 4 and p.isalpha() for p in parts[1:]):
        return "ltr"  # another script named: Latin, Cyrillic...
    return "rtl" if parts[0] in RTL_LANGUAGES else "ltr"


def own_language(article: Article, language: str) -> tuple[str | None, str | None]:
    """The lang and dir an article's element carries inside a text in language: each None where it is the same."""
    own = article.language if article.language and article.language != language else None
    direction = article.direction if article.direction and article.direction != text_direction(language) else None
    return own, direction


@dataclass(frozen=True)
class Person:
    """Someone credited in the book: an author or a contributor."""

    name: str
    url: str | None = None
    role: str | None = None


@dataclass(frozen=True)
class OriginalSource:
    """Where an article first appeared."""

    url: str | None = None
    title: str | None = None
    publisher: str | None = None
    date: str | None = None


@dataclass(frozen=True)
class CreditItem:
    """Third-party material inside the book (an image, an excerpt), credited Title-Author-Source-License."""

    title: str | None = None
    author: str | None = None
    source: str | None = None
    license: str | None = None
    file: str | None = None  # path relative to SOURCE, when the item is a file
    modified: str | None = None  # how it was changed, when it was
    article: str | None = None  # the article (source path) it appears in; None for book-level items


@dataclass(frozen=True)
class Recommendation:
    """Someone else's work the authors recommend: "Recommended by the authors", credited to its own authors."""

    title: str
    url: str
    author: str | None = None
    why: str | None = None  # one line on why it is worth reading
    article: str | None = None  # the article (source path) whose front matter recommends it; None: packager.toml


@dataclass(frozen=True)
class Cause:
    """A cause the book points readers to: a plain link, no payment and no tracking."""

    name: str
    url: str
    why: str | None = None


@dataclass(frozen=True)
class Licence:
    """An SPDX licence as the credits name and link it."""

    id: str
    name: str
    url: str
    known: bool = True


@dataclass(frozen=True)
class PersonCredit:
    """One person and everything they did in the book."""

    name: str
    url: str | None
    roles: tuple[str, ...]  # MARC relator codes, e.g. ("aut", "ill")
    articles: tuple[str, ...]  # source paths of the articles they worked on


@dataclass(frozen=True)
class Credits:
    """Everything the credits section, credits.json and CITATION.cff say."""

    people: tuple[PersonCredit, ...] = ()
    licences: tuple[Licence, ...] = ()
    items: tuple[CreditItem, ...] = ()
    exceptions: tuple[tuple[str, str], ...] = ()  # (article source path, licence id) differing from the book's


@dataclass(frozen=True)
class Heading:
    """A heading inside an article, with its book-wide unique id."""

    level: int
    id: str
    text: str


@dataclass(frozen=True)
class Edition:
    """One released version of the book, as CHANGELOG.md lists it."""

    version: str
    date: str | None  # YYYY-MM-DD
    notes_html: str


@dataclass(frozen=True)
class Asset:
    """A local file (an image) that the book embeds.

    ``href`` is the path inside the outputs (``assets/images/chart.png``): safe
    characters only, unique in the book. ``path`` is the file in SOURCE.
    """

    href: str
    path: Path
    media_type: str


#: The kinds of article packager writes itself: part titles and the back matter.
GENERATED_KINDS = ("part", "credits", "recommended", "share", "support")


@dataclass(frozen=True)
class Article:
    """One Markdown file, rendered to an XHTML fragment.

    Every id in ``html`` is unique across the whole book (prefixed with the
    article's slug), and internal links are plain ``#id`` references, so a
    renderer that splits the book into files maps ids to files itself.
    """

    source: str  # POSIX path relative to SOURCE
    slug: str
    title: str
    html: str  # body XHTML fragment, without the article title
    headings: tuple[Heading, ...] = ()
    authors: tuple[Person, ...] = ()
    description: str | None = None
    date: date | None = None
    tags: tuple[str, ...] = ()
    license: str | None = None
    source_url: str | None = None
    original: OriginalSource | None = None
    contributors: tuple[Person, ...] = ()
    items: tuple[CreditItem, ...] = ()
    kind: str = "chapter"  # "intro", "chapter", "part" (a part title), or generated: GENERATED_KINDS
    depth: int = 0  # 0 top level; n inside n sections (a folder's index, a site's nav section or part)
    ids: frozenset[str] = frozenset()
    recommends: tuple[Recommendation, ...] = ()  # `recommends:` in its front matter
    language: str | None = None  # `lang:` in its front matter; None: the book's
    direction: str | None = (
        None  # "rtl" or "ltr": `dir:` in its front matter, else its own language's; None: the book's
    )
    front_matter: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def is_intro(self) -> bool:
        return self.kind == "intro"

    @property
    def is_generated(self) -> bool:
        """Written by packager, not read from a source file: back matter (credits, share) and part titles."""
        return self.kind in GENERATED_KINDS

    @property
    def is_part(self) -> bool:
        """A part title: a page that opens a section of the book and holds no text of its own."""
        return self.kind == "part"

    @property
    def anchor(self) -> str:
        """The id of the article's own heading."""
        return self.slug


@dataclass(frozen=True)
class Book:
    """Everything the renderers need, and nothing they would have to look up."""

    title: str
    slug: str
    language: str
    articles: tuple[Article, ...]
    assets: tuple[Asset, ...] = ()
    subtitle: str | None = None
    authors: tuple[Person, ...] = ()
    description: str | None = None
    license: str | None = None
    base_url: str | None = None
    version: str | None = None
    publisher: str | None = None
    keywords: tuple[str, ...] = ()
    cover: Asset | None = None
    credits: Credits = field(default_factory=Credits)
    book_items: tuple[CreditItem, ...] = ()  # [credits] items from packager.toml and the theme's fonts
    share_links: tuple = ()  # book.share_links.ShareLink, one per provider
    share_text: str = ""
    editions: tuple[Edition, ...] = ()  # from CHANGELOG.md, newest first
    licence_text: str | None = None  # the source's own LICENSE file, shipped in the ZIP
    copyright: str | None = None  # the copyright line, as the config or the site writes it
    repository: str | None = None  # where the book's source lives
    recommended: tuple[Recommendation, ...] = ()  # [[spotlight]] and the articles' recommends, for this book
    causes: tuple[Cause, ...] = ()  # [[causes]]
    folder: str = ""  # where the book's files sit in dist/: "" for a one-book site, else "<bundle>/"
    web_root: str | None = None  # the web edition's read/ folder, relative to the book's page; None: no web edition
    identifier: str = ""
    modified: str = ""  # ISO 8601 UTC timestamp of the build (SOURCE_DATE_EPOCH aware)
    source_dir: Path = Path(".")

    @property
    def author_names(self) -> str:
        return names(self.authors)

    @property
    def direction(self) -> str:
        """The direction the book's language is written in: "rtl" or "ltr"."""
        return text_direction(self.language)

    def article_language(self, article: Article) -> tuple[str | None, str | None]:
        """The lang and dir an article's element carries: each None where it is the book's."""
        return own_language(article, self.language)

    def part_titles(self) -> dict[str, str]:
        """Map each article's slug to the title of the part it is in (none: the book's), for running heads."""
        titles: dict[str, str] = {}
        open_parts: list[Article] = []
        for article in self.articles:
            while open_parts and open_parts[-1].depth >= article.depth:
                open_parts.pop()
            if article.is_part:
                open_parts.append(article)
            titles[article.slug] = open_parts[-1].title if open_parts else self.title
        return titles

    def article_for_id(self) -> dict[str, Article]:
        """Map every id in the book to the article that holds it."""
        owners: dict[str, Article] = {}
        for article in self.articles:
            for id_ in article.ids:
                owners[id_] = article
        return owners


@dataclass(frozen=True)
class Library:
    """Every book one build makes from its pool of articles, and what the site around them needs.

    ``articles`` is the pool: each article rendered once, in the project's order, before any book's
    transforms; the web edition gives each one page. ``books`` are the bundles, in packager.toml's order.
    """

    title: str
    language: str
    books: tuple[Book, ...]
    articles: tuple[Article, ...]
    assets: tuple[Asset, ...] = ()
    description: str | None = None
    base_url: str | None = None
    causes: tuple[Cause, ...] = ()
    recommended: tuple[Recommendation, ...] = ()  # [[spotlight]] only: the library page's
    identifier: str = ""
    modified: str = ""
    web: bool = True  # [output] web: the web edition's pages under read/
    share_providers: tuple[str, ...] = ()  # [share] as the article pages share: the providers, in order
    share_hashtags: tuple[str, ...] = ()
    share_utm: bool = False
    mastodon_instance: str | None = None

    def article_language(self, article: Article) -> tuple[str | None, str | None]:
        """The lang and dir an article's page marks it with: each None where it is the site's."""
        return own_language(article, self.language)

    @property
    def direction(self) -> str:
        """The direction the site's language is written in: "rtl" or "ltr"."""
        return text_direction(self.language)

    @property
    def single(self) -> bool:
        """One book whose files sit at the root of dist/, as every build made them before bundles."""
        return len(self.books) == 1 and self.books[0].folder == ""

    def books_with(self, source: str) -> tuple[Book, ...]:
        """The books that hold the article read from source."""
        return tuple(b for b in self.books if any(a.source == source for a in b.articles))
