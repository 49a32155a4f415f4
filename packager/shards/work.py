"""A sharded build's work: the pieces of every book, balanced by estimated pages over N shards.

A piece is what a shard can make alone: a book's EPUB, its PDF when it is laid
out in one go, or one part of a PDF laid out in parts (``Unit``, from each
renderer). The web edition's pages are split evenly (shard k writes every n-th
page). The pieces go, largest first, to the shard with the least work so far:
the same inputs give the same plan on every machine.
"""

from __future__ import annotations

from dataclasses import dataclass

#: The work of one web page, in pages of PDF layout (measured: ~12 ms a page against ~80 ms a PDF page).
WEB_PAGE_WORK = 0.15


@dataclass(frozen=True)
class Piece:
    """One piece of a book's file that a shard makes: the file's path in dist/, the renderer's unit, the work."""

    path: str  # e.g. "electrical/electrical.pdf"
    format: str  # "epub", "pdf"
    unit: str  # the renderer's Unit id; "" is the whole file
    pages: float

    @property
    def name(self) -> str:
        """How the plan names it: the file, and the part when it is one."""
        return f"{self.path}#{self.unit}" if self.unit else self.path


@dataclass(frozen=True)
class Shard:
    """What shard index (1-based) of total makes."""

    index: int
    total: int
    pieces: tuple[Piece, ...]
    web_pages: int

    @property
    def label(self) -> str:
        return f"{self.index}/{self.total}"

    @property
    def pages(self) -> float:
        """The estimated work, in pages of PDF layout."""
        return sum(p.pages for p in self.pieces) + WEB_PAGE_WORK * self.web_pages

    def units(self, path: str) -> frozenset[str]:
        """The units of the file at path that this shard makes."""
        return frozenset(p.unit for p in self.pieces if p.path == path)


@dataclass(frozen=True)
class Plan:
    """Every shard's work, and the hash of the inputs it was made from."""

    input: str
    shards: tuple[Shard, ...]

    def github(self) -> dict:
        """The matrix GitHub Actions takes with fromJSON: one include entry per shard."""
        return {"include": [self._item(s) for s in self.shards]}

    def gitlab(self) -> list[dict]:
        """The value of GitLab CI's parallel:matrix: one job per shard, $SHARD its K/N."""
        return [{"SHARD": [s.label for s in self.shards]}]

    def _item(self, shard: Shard) -> dict:
        return {
            "shard": shard.label,
            "index": shard.index,
            "total": shard.total,
            "input": self.input,
            "pages": round(shard.pages, 1),
            "epubs": [p.name for p in shard.pieces if p.format == "epub"],
            "pdfs": [p.name for p in shard.pieces if p.format == "pdf" and not p.unit],
            "pdf_parts": [p.name for p in shard.pieces if p.format == "pdf" and p.unit],
            "web_pages": shard.web_pages,
        }


def balance(pieces: list[Piece], web_pages: list[int], input_key: str) -> Plan:
    """Give each piece, largest first, to the shard with the least work so far (web_pages: each shard's pages)."""
    total = len(web_pages)
    loads = [WEB_PAGE_WORK * n for n in web_pages]
    given: list[list[Piece]] = [[] for _ in range(total)]
    for piece in sorted(pieces, key=lambda p: (-p.pages, p.name)):
        lightest = min(range(total), key=lambda k: (loads[k], k))
        given[lightest].append(piece)
        loads[lightest] += piece.pages
    shards = tuple(
        Shard(k + 1, total, tuple(sorted(given[k], key=lambda p: p.name)), web_pages[k]) for k in range(total)
    )
    return Plan(input_key, shards)


def parse_shard(text: str) -> tuple[int, int]:
    """K/N as two numbers, 1 <= K <= N; ValueError with what is wrong."""
    index, slash, total = text.partition("/")
    if not slash or not index.strip().isdigit() or not total.strip().isdigit():
        raise ValueError(f"expected K/N (e.g. 2/5), got {text!r}")
    k, n = int(index), int(total)
    if n < 1 or not 1 <= k <= n:
        raise ValueError(f"K must be between 1 and N, got {text!r}")
    return k, n
