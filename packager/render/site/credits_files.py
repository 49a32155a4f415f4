"""Write credits.json and CITATION.cff: the credits, for machines."""

from __future__ import annotations

import json

import yaml

from packager import __version__
from packager.book import licences
from packager.book.model import Book, CreditItem
from packager.render.context import Output, RenderContext

CREDITS_SCHEMA_VERSION = 1


def render(ctx: RenderContext) -> list[Output]:
    """Write credits.json and CITATION.cff into the destination folder."""
    book = ctx.book
    (ctx.destination / "credits.json").write_text(
        json.dumps(credits_data(book), indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    (ctx.destination / "CITATION.cff").write_text(citation(book), encoding="utf-8")
    return [Output("credits.json", "credits"), Output("CITATION.cff", "credits")]


def _item(item: CreditItem) -> dict:
    return {
        "title": item.title,
        "author": item.author,
        "source": item.source,
        "license": item.license,
        "file": item.file,
        "modified": item.modified,
        "article": item.article,
    }


def credits_data(book: Book) -> dict:
    """The documented shape of credits.json (see the README)."""
    articles = [a for a in book.articles if not a.is_generated]
    return {
        "schema_version": CREDITS_SCHEMA_VERSION,
        "generator": f"packager {__version__}",
        "book": {
            "title": book.title,
            "subtitle": book.subtitle,
            "authors": [{"name": p.name, "url": p.url} for p in book.authors],
            "license": book.license,
            "publisher": book.publisher,
            "version": book.version,
            "url": book.base_url,
            "identifier": book.identifier,
        },
        "articles": [
            {
                "source": a.source,
                "title": a.title,
                "authors": [{"name": p.name, "url": p.url} for p in a.authors],
                "contributors": [{"name": p.name, "url": p.url, "role": p.role} for p in a.contributors],
                "license": a.license or book.license,
                "license_differs": bool(a.license and book.license and a.license.lower() != book.license.lower()),
                "original_source": (
                    {
                        "url": a.original.url,
                        "title": a.original.title,
                        "publisher": a.original.publisher,
                        "date": a.original.date,
                    }
                    if a.original
                    else None
                ),
                "items": [_item(i) for i in a.items],
            }
            for a in articles
        ],
        "people": [
            {"name": p.name, "url": p.url, "roles": list(p.roles), "articles": list(p.articles)}
            for p in book.credits.people
        ],
        "licences": [
            {
                "id": lic.id,
                "name": lic.name,
                "url": lic.url or None,
                "known_spdx": lic.known,
                "articles": [a.source for a in articles if (a.license or book.license or "").lower() == lic.id.lower()],
            }
            for lic in book.credits.licences
        ],
        "third_party": [_item(i) for i in book.credits.items],
    }


def _cff_person(person) -> dict:
    """CFF wants family and given names; a one-word name is kept whole as an entity name."""
    parts = person.name.split()
    entry = (
        {"name": person.name} if len(parts) < 2 else {"given-names": " ".join(parts[:-1]), "family-names": parts[-1]}
    )
    if person.url:
        entry["website"] = person.url
    return entry


def citation(book: Book) -> str:
    """CITATION.cff (CFF 1.2.0) with a preferred citation of type book."""
    authors = [_cff_person(p) for p in book.authors] or [{"name": book.publisher or book.title}]
    data: dict = {
        "cff-version": "1.2.0",
        "message": "If you use or share this book, please cite it as below.",
        # CFF's only types are 'software' and 'dataset'; the book itself is in preferred-citation.
        "type": "dataset",
        "title": book.title,
        "authors": authors,
    }
    if book.version:
        data["version"] = book.version
    if book.base_url:
        data["url"] = book.base_url
    if book.license and licences.lookup(book.license).known:
        data["license"] = licences.lookup(book.license).id
    data["date-released"] = book.modified[:10]
    preferred: dict = {"type": "book", "title": book.title, "authors": [dict(a) for a in authors]}
    if book.publisher:
        preferred["publisher"] = {"name": book.publisher}
    if book.base_url:
        preferred["url"] = book.base_url
    preferred["year"] = int(book.modified[:4])
    if book.version:
        preferred["edition"] = book.version
    data["preferred-citation"] = preferred
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
