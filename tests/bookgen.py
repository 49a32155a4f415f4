"""A generated book of short articles with footnotes and links near and far, for the PDF tests."""

from __future__ import annotations

import random
from pathlib import Path

WORDS = ["archive", "author", "book", "chapter", "copy", "draft", "edition", "figure", "guide", "idea", "index"]
WORDS += ["journal", "layout", "lesson", "licence", "margin", "method", "note", "page", "paper", "plan", "reader"]


def _sentence(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 16))).capitalize() + "."


def _paragraph(rng: random.Random, sentences: int) -> str:
    return " ".join(_sentence(rng) for _ in range(sentences))


def make_book(root: Path, articles: int = 60, seed: int = 3) -> Path:
    """A deterministic book: every article 1–2 pages with h2/h3, a footnote and links near and far."""
    rng = random.Random(seed)
    root.mkdir(parents=True)
    (root / "packager.toml").write_text(
        '[book]\ntitle = "Sixty Short Pieces"\nauthors = ["Ada Tester", "Bo Checker"]\nlanguage = "en"\n'
        'license = "CC-BY-4.0"\ndescription = "Generated to compare PDF renders."\n'
        'keywords = ["testing", "parts"]\n\n[output]\nformats = ["pdf"]\n',
        encoding="utf-8",
    )
    for i in range(articles):
        near, far = (i + 1) % articles, (i + articles // 2) % articles
        lines = [f'---\ntitle: "Piece {i:02d}: {rng.choice(WORDS)} and {rng.choice(WORDS)}"\nweight: {i + 1}\n---\n']
        lines.append(
            _paragraph(rng, 4)
            + f" See [the next piece](piece-{near:02d}.md) and [details far away](piece-{far:02d}.md#details).[^note]\n"
        )
        for h in range(2):
            lines.append(f"## Part {h + 1} of piece {i:02d}\n\n{_paragraph(rng, rng.randint(3, 6))}\n")
            lines.append(f"### A smaller part {h + 1}\n\n{_paragraph(rng, rng.randint(2, 5))}\n")
        lines.append(
            f"## Details {{#details}}\n\n{_paragraph(rng, 4)} Back to [the first part](#part-1-of-piece-{i:02d}).\n"
        )
        lines.append(f"\n[^note]: A footnote of piece {i:02d}: {_sentence(rng)}\n")
        (root / f"piece-{i:02d}.md").write_text("\n".join(lines), encoding="utf-8")
    return root
