"""Credits: read who made what from front matter, and roll it up for the whole book.

``read_article`` runs while the Book is assembled; ``apply`` is a Book -> Book
transform that adds the Credits (people, licences, third-party items, licence
exceptions), checks licences, and appends the Credits back matter.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import PurePosixPath

from packager import licences
from packager.book import Article, Book, CreditItem, Credits, OriginalSource, Person, PersonCredit
from packager.diagnostics import Diagnostics
from packager.themes import Theme

# MARC relator codes (https://id.loc.gov/vocabulary/relators) for the roles people name in words.
ROLES = {
    "author": "aut",
    "writer": "aut",
    "editor": "edt",
    "illustrator": "ill",
    "illustrations": "ill",
    "translator": "trl",
    "translation": "trl",
    "photographer": "pht",
    "photos": "pht",
    "contributor": "ctb",
    "reviewer": "rev",
    "designer": "dsr",
    "cover designer": "cov",
    "proofreader": "pfr",
    "compiler": "com",
    "artist": "art",
    "narrator": "nrt",
    "publisher": "pbl",
    "adapter": "adp",
    "annotator": "ann",
    "consultant": "csl",
    "researcher": "res",
    "copy editor": "edt",
    "creator": "cre",
    "sponsor": "spn",
    "funder": "fnd",
    "technical editor": "edt",
    "cartographer": "ctg",
    "composer": "cmp",
    "animator": "anm",
    "software developer": "prg",
    "programmer": "prg",
    "transcriber": "trc",
}
ROLE_NAMES = {
    "aut": "author",
    "edt": "editor",
    "ill": "illustrator",
    "trl": "translator",
    "pht": "photographer",
    "ctb": "contributor",
    "rev": "reviewer",
    "dsr": "designer",
    "cov": "cover designer",
    "pfr": "proofreader",
    "com": "compiler",
    "art": "artist",
    "nrt": "narrator",
    "pbl": "publisher",
    "adp": "adapter",
    "ann": "annotator",
    "csl": "consultant",
    "res": "researcher",
    "cre": "creator",
    "spn": "sponsor",
    "fnd": "funder",
    "ctg": "cartographer",
    "cmp": "composer",
    "anm": "animator",
    "prg": "programmer",
    "trc": "transcriber",
}


def role_code(role: str) -> str | None:
    """The MARC relator code for a role given as a word or as a code; None when unknown."""
    word = " ".join(str(role).lower().replace("_", " ").replace("-", " ").split())
    if word in ROLE_NAMES:
        return word
    return ROLES.get(word)


def role_name(code: str) -> str:
    return ROLE_NAMES.get(code, code)


def read_article(meta: dict, rel: str, diagnostics: Diagnostics):
    """Contributors, original source and third-party items named in one article's front matter."""
    return _contributors(meta, rel, diagnostics), _original(meta, rel, diagnostics), _items(meta, rel, diagnostics)


def _contributors(meta: dict, rel: str, diagnostics: Diagnostics) -> tuple[Person, ...]:
    raw = meta.get("contributors") or []
    if not isinstance(raw, list):
        raw = [raw]
    people = []
    for entry in raw:
        if isinstance(entry, str) and entry.strip():
            people.append(Person(entry.strip(), role="ctb"))
            continue
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
            diagnostics.warn(rel, f"front matter: contributor {entry!r} needs at least a name; ignored")
            continue
        role = entry.get("role", "contributor")
        code = role_code(str(role))
        if code is None:
            diagnostics.warn(
                rel,
                f"front matter: contributor role {role!r} is not a known role or MARC relator code; credited as contributor",
            )
            code = "ctb"
        url = entry.get("url") if isinstance(entry.get("url"), str) else None
        people.append(Person(entry["name"].strip(), url, code))
    return tuple(people)


def _original(meta: dict, rel: str, diagnostics: Diagnostics) -> OriginalSource | None:
    raw = meta.get("source")
    if raw is None:
        return None
    if isinstance(raw, str) and raw.strip():
        return OriginalSource(url=raw.strip())
    if isinstance(raw, dict):
        values = {k: (str(raw[k]) if raw.get(k) is not None else None) for k in ("url", "title", "publisher", "date")}
        return OriginalSource(**values)
    diagnostics.warn(rel, "front matter: 'source' must be a URL or {url, title, publisher, date}; ignored")
    return None


def _items(meta: dict, rel: str, diagnostics: Diagnostics) -> tuple[CreditItem, ...]:
    raw = meta.get("credits") or []
    if not isinstance(raw, list):
        raw = [raw]
    items = []
    for entry in raw:
        if not isinstance(entry, dict):
            diagnostics.warn(
                rel,
                f"front matter: credit {entry!r} must be a mapping like {{file, title, author, source, license}}; ignored",
            )
            continue
        values = {
            k: (str(entry[k]) if entry.get(k) not in (None, "") else None)
            for k in ("title", "author", "source", "license", "file")
        }
        modified = entry.get("modified")
        modified = (
            ("modified" if modified else None) if isinstance(modified, bool) else (str(modified) if modified else None)
        )
        items.append(CreditItem(modified=modified, article=rel, **values))
    return tuple(items)


def apply(book: Book, theme: Theme, book_items: tuple[CreditItem, ...], diagnostics: Diagnostics) -> Book:
    """Roll the credits up for the whole book, check the licences, and append the Credits section."""
    book = replace(book, book_items=(*book_items, *theme_font_items(theme)))
    items = _checked_items(book, diagnostics)
    _check_licences(book, items, diagnostics)
    _check_authors(book, diagnostics)
    _check_alt_text(book, diagnostics)
    credits = Credits(
        people=_people(book),
        licences=_licences_used(book, items),
        items=tuple(items),
        exceptions=tuple(
            (a.source, a.license)
            for a in book.articles
            if a.license and book.license and a.license.lower() != book.license.lower()
        ),
    )
    book = replace(book, credits=credits)
    html = (
        theme.environment()
        .get_template("fragments/credits.html")
        .render(
            book=book,
            credits=credits,
            slug=_free_slug(book, "credits"),
            licence=licences.lookup,
            short_name=licences.short_name,
            role_name=role_name,
            articles={a.source: a for a in book.articles},
        )
    )
    section = Article(
        source="",
        slug=_free_slug(book, "credits"),
        title="Credits",
        html=html,
        kind="credits",
        ids=frozenset({_free_slug(book, "credits")}),
    )
    return replace(book, articles=(*book.articles, section))


def _free_slug(book: Book, wanted: str) -> str:
    taken = {a.slug for a in book.articles}
    return wanted if wanted not in taken else f"packager-{wanted}"


def _checked_items(book: Book, diagnostics: Diagnostics) -> list[CreditItem]:
    """Book-level and article-level items, each file checked to exist inside SOURCE."""
    root = book.source_dir.resolve()
    items = []
    for item in (*book.book_items, *(i for a in book.articles for i in a.items)):
        if item.file and not item.file.startswith("theme:"):
            base = (
                PurePosixPath(item.article).parent
                if item.article and not item.file.startswith("/")
                else PurePosixPath("")
            )
            path = (root / str(base) / item.file.lstrip("/")).resolve()
            where = item.article or "packager.toml"
            if not path.is_relative_to(root) or not path.is_file():
                diagnostics.warn(
                    where, f"credited file {item.file} does not exist in the source folder; check the 'file' path"
                )
            else:
                item = replace(item, file=path.relative_to(root).as_posix())
        items.append(item)
    return items


def _check_licences(book: Book, items: list[CreditItem], diagnostics: Diagnostics) -> None:
    named = [("packager.toml", "the book", book.license)] if book.license else []
    named += [(a.source, "article", a.license) for a in book.articles if a.license]
    named += [
        (i.article or "packager.toml", f"credited item {i.title or i.file!r}", i.license) for i in items if i.license
    ]
    for where, what, spdx in named:
        if not licences.lookup(spdx).known:
            diagnostics.warn(
                where,
                f"licence {spdx!r} of {what} is not an SPDX id (see https://spdx.org/licenses/); use one like CC-BY-4.0",
            )
    for article in book.articles:
        why = article.license and licences.conflict(article.license, book.license)
        if why:
            diagnostics.warn(
                article.source,
                f"licence {article.license} cannot be covered by the book's {book.license} ({why}); the credits list it as an exception",
            )
    for item in items:
        why = item.license and licences.conflict(item.license, book.license)
        if why:
            diagnostics.warn(
                item.article or "packager.toml",
                f"credited item {item.title or item.file!r} is under {item.license}, which the book's {book.license} cannot cover ({why}); the credits list it as an exception",
            )


def _check_authors(book: Book, diagnostics: Diagnostics) -> None:
    if book.authors:
        return
    nameless = [a.source for a in book.articles if not a.authors and not a.is_generated]
    if nameless:
        shown = ", ".join(nameless[:5]) + (f" and {len(nameless) - 5} more" if len(nameless) > 5 else "")
        diagnostics.warn(
            nameless[0],
            f"{len(nameless)} article(s) name no author ({shown}); add 'author:' to their front matter or [book] authors to packager.toml",
        )


def _check_alt_text(book: Book, diagnostics: Diagnostics) -> None:
    for article in book.articles:
        missing = len(_IMAGE_WITHOUT_ALT.findall(article.html))
        if missing:
            diagnostics.warn(
                article.source,
                f"{missing} image(s) have no alt text; describe each image for readers who cannot see it",
            )


_IMAGE_WITHOUT_ALT = re.compile(r'<img\b[^>]*\balt=""')


def _people(book: Book) -> tuple[PersonCredit, ...]:
    roles: dict[str, list[str]] = {}
    urls: dict[str, str | None] = {}
    where: dict[str, list[str]] = {}

    def add(person: Person, role: str, article: str | None) -> None:
        roles.setdefault(person.name, [])
        if role not in roles[person.name]:
            roles[person.name].append(role)
        urls[person.name] = urls.get(person.name) or person.url
        where.setdefault(person.name, [])
        if article and article not in where[person.name]:
            where[person.name].append(article)

    for person in book.authors:
        add(person, "aut", None)
    for article in book.articles:
        for person in article.authors:
            add(person, "aut", article.source)
        for person in article.contributors:
            add(person, person.role or "ctb", article.source)
    return tuple(PersonCredit(n, urls[n], tuple(roles[n]), tuple(where[n])) for n in roles)


def _licences_used(book: Book, items: list[CreditItem]):
    ids = [book.license] if book.license else []
    ids += [a.license for a in book.articles if a.license] + [i.license for i in items if i.license]
    seen: dict[str, object] = {}
    for spdx in ids:
        found = licences.lookup(spdx)
        seen.setdefault(found.id.lower(), found)
    return tuple(seen.values())


def theme_font_items(theme: Theme) -> tuple[CreditItem, ...]:
    """The fonts a theme embeds in the PDF, credited like any other third-party material."""
    import tomllib

    data = tomllib.loads(theme.read_text("theme.toml"))
    return tuple(
        CreditItem(
            title=f["name"],
            author=f.get("author"),
            source=f.get("source"),
            license=f.get("license"),
            file=None,
            article=None,
        )
        for f in data.get("fonts", [])
    )
