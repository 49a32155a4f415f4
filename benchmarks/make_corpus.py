"""Generate a deterministic benchmark corpus: N Markdown articles, one PNG each, and a packager.toml.

Everything comes from ``random.Random(seed)`` and the small word lists below: no
network, no copied text. The same arguments give a byte-identical corpus (with
the same Pillow version, which writes the PNGs).

    python benchmarks/make_corpus.py CORPUS_DIR --articles 100 --seed 7
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
from dataclasses import dataclass
from pathlib import Path

DEFAULT_SEED = 7
DEFAULT_WORDS = 1200


def words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


NOUNS = words(
    "archive author book budget chapter community contributor copy course designer draft edition editor "
    "example feedback figure format guide habit handbook idea index journal language layout lesson library "
    "licence link margin method model network note outline page paper pattern plan practice project "
    "publisher question reader record release report review river schedule section server source standard "
    "story student summary system table teacher team template test theme tool topic version village volume "
    "website workflow workshop writer"
)
ADJECTIVES = words(
    "accessible brief careful clear common complete concise consistent current detailed early easy "
    "familiar final formal free gentle good honest large last local modern narrow new obvious old open "
    "plain practical previous public quiet rare readable recent reliable simple slow small stable steady "
    "strong useful visible whole"
)
VERBS = words(
    "adapts builds changes checks collects combines describes explains follows gathers guides helps "
    "improves includes keeps lists marks moves names opens orders prepares publishes reads records "
    "reduces reflects repeats shapes shares shows supports tests tracks uses writes"
)
ADVERBS = words("always carefully clearly easily often quietly rarely simply slowly usually")
PREPOSITIONS = words(
    "about across after against around before behind beside beyond during for from into near over through under with without"
)
DETERMINERS = words("a the every each this that one another")
OPENERS = (
    "In practice,",
    "However,",
    "For most teams,",
    "Over time,",
    "In the end,",
    "At first,",
    "Even so,",
    "On a good day,",
    "As a rule,",
    "Later,",
)
FIRST_NAMES = words(
    "Ada Bruno Chiara Dmitri Elena Farid Grace Hiro Ines Jonas Kemi Lars Mina Nadia Omar Priya Quinn Rosa Sven Tariq"
)
LAST_NAMES = words(
    "Abara Berg Castillo Dumont Eriksen Fofana Garcia Haddad Ibsen Jovanovic Kaur Lindgren Moreau Novak Okoye Petrov"
)
LANGUAGES = ("python", "toml", "json", "bash")


@dataclass
class Article:
    """One generated article: its file stem, front matter values and Markdown body."""

    stem: str
    title: str
    author: str
    date: dt.date
    weight: int
    body: str


class Prose:
    """English-like prose from the word lists, drawn from one seeded generator."""

    def __init__(self, rng: random.Random):
        self.rng = rng

    def noun_phrase(self) -> str:
        words = [self.rng.choice(DETERMINERS)]
        if self.rng.random() < 0.6:
            words.append(self.rng.choice(ADJECTIVES))
        words.append(self.rng.choice(NOUNS))
        if words[0] == "a" and words[1][0] in "aeiou":
            words[0] = "an"
        return " ".join(words)

    def clause(self) -> str:
        parts = [self.noun_phrase()]
        if self.rng.random() < 0.3:
            parts.append(self.rng.choice(ADVERBS))
        parts += [self.rng.choice(VERBS), self.noun_phrase()]
        if self.rng.random() < 0.6:
            parts += [self.rng.choice(PREPOSITIONS), self.noun_phrase()]
        return " ".join(parts)

    def sentence(self) -> str:
        text = self.clause()
        roll = self.rng.random()
        if roll < 0.25:
            text += ", because " + self.clause()
        elif roll < 0.4:
            text += ", and " + self.clause()
        if self.rng.random() < 0.2:
            text = self.rng.choice(OPENERS) + " " + text
        return text[0].upper() + text[1:] + "."

    def paragraph(self, sentences: tuple[int, int] = (3, 6)) -> str:
        text = " ".join(self.sentence() for _ in range(self.rng.randint(*sentences)))
        return self._decorate(text)

    def _decorate(self, text: str) -> str:
        """Add the inline markup real articles have: emphasis, strong, code, a link."""
        words = text.split(" ")
        marks = ("*{}*", "**{}**", "`{}`")
        for _ in range(self.rng.randint(0, 3)):
            i = self.rng.randrange(1, len(words) - 1)
            if words[i].isalpha():
                words[i] = self.rng.choice(marks).format(words[i])
        if self.rng.random() < 0.2:
            i = self.rng.randrange(1, len(words) - 1)
            if words[i].isalpha():
                words[i] = f"[{words[i]}](https://example.org/{words[i].lower()})"
        return " ".join(words)

    def title(self, words: tuple[int, int] = (2, 4)) -> str:
        picks = [self.rng.choice(ADJECTIVES)] + [self.rng.choice(NOUNS) for _ in range(self.rng.randint(*words) - 1)]
        if self.rng.random() < 0.5:
            picks += [self.rng.choice(("of", "for", "and", "in")), self.rng.choice(NOUNS) + "s"]
        text = " ".join(picks)
        return text[0].upper() + text[1:]


def word_count(markdown: str) -> int:
    return len(markdown.split())


def bullet_list(prose: Prose, ordered: bool) -> str:
    items = []
    for n in range(1, prose.rng.randint(4, 6) + 1):
        marker = f"{n}." if ordered else "-"
        items.append(f"{marker} {prose.sentence()}")
    return "\n".join(items)


def table(prose: Prose) -> str:
    header = ["Item", "Owner", "Count", "Note"]
    rows = [
        [
            prose.rng.choice(NOUNS).capitalize(),
            prose.rng.choice(FIRST_NAMES),
            str(prose.rng.randint(1, 999)),
            f"{prose.rng.choice(ADJECTIVES)} {prose.rng.choice(NOUNS)}",
        ]
        for _ in range(prose.rng.randint(4, 6))
    ]
    lines = ["| " + " | ".join(header) + " |", "| --- | --- | ---: | --- |"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def code_block(prose: Prose) -> str:
    rng = prose.rng
    language = rng.choice(LANGUAGES)
    noun, other, verb = rng.choice(NOUNS), rng.choice(NOUNS), rng.choice(VERBS)[:-1]
    if language == "python":
        lines = [
            f"def {verb}_{noun}s(items, limit={rng.randint(2, 50)}):",
            f'    """{prose.sentence()}"""',
            "    result = []",
            "    for item in items:",
            f"        if item.{other} > limit:",
            f"            result.append(item.{noun})",
            "    return sorted(result)",
        ]
    elif language == "toml":
        lines = [f"[{noun}]", f'name = "{other}"', f"limit = {rng.randint(1, 99)}", f"{verb} = true"]
    elif language == "json":
        lines = ["{", f'  "{noun}": "{other}",', f'  "limit": {rng.randint(1, 99)},', f'  "{verb}": true', "}"]
    else:
        lines = [f"mkdir -p {noun}/{other}", f"cp *.md {noun}/", f"ls {noun} | wc -l"]
    return "\n".join([f"```{language}", *lines, "```"])


def article_body(prose: Prose, index: int, stem: str, target_words: int) -> str:
    """The Markdown body: sections, a list, a table, code, a footnote and a figure, to about target_words."""
    note = f"n{index:04d}"
    blocks = [prose.paragraph(), prose.paragraph()]
    blocks += [f"## {prose.title()}", prose.paragraph(), f"### {prose.title()}", prose.paragraph()]
    blocks += [bullet_list(prose, ordered=False), prose.paragraph()]
    blocks += [f"## {prose.title()}", prose.paragraph()[:-1] + f"[^{note}].", table(prose), prose.paragraph()]
    blocks += [f'![Chart for {stem}](images/{stem}.png "{prose.sentence()}")', prose.paragraph()]
    blocks += [f"## {prose.title()}", prose.paragraph(), code_block(prose), bullet_list(prose, ordered=True)]
    blocks += [f"### {prose.title()}"]
    while word_count("\n".join(blocks)) < target_words:
        blocks.append(prose.paragraph())
    blocks.append(f"[^{note}]: {prose.sentence()}")
    return "\n\n".join(blocks) + "\n"


def make_article(prose: Prose, index: int, target_words: int) -> Article:
    stem = f"article-{index:04d}"
    title = prose.title()
    author = f"{prose.rng.choice(FIRST_NAMES)} {prose.rng.choice(LAST_NAMES)}"
    date = dt.date(2024, 1, 1) + dt.timedelta(days=index)
    body = article_body(prose, index, stem, target_words)
    return Article(stem, title, author, date, (index + 1) * 10, body)


def article_markdown(article: Article) -> str:
    front = [
        "---",
        f'title: "{article.title}"',
        f'author: "{article.author}"',
        f"date: {article.date.isoformat()}",
        f"weight: {article.weight}",
        "---",
        "",
    ]
    return "\n".join(front) + "\n" + article.body


def write_png(path: Path, rng: random.Random) -> None:
    """A small bar chart without text (no font needed), drawn from the seeded generator."""
    from PIL import Image, ImageDraw

    width, height, bars = 480, 270, rng.randint(4, 8)
    image = Image.new("RGB", (width, height), (255, 255, 255))
    draw = ImageDraw.Draw(image)
    draw.line([(30, 20), (30, height - 30), (width - 20, height - 30)], fill=(60, 60, 60), width=2)
    slot = (width - 60) // bars
    colour = (rng.randint(20, 160), rng.randint(20, 160), rng.randint(20, 160))
    for n in range(bars):
        top = rng.randint(30, height - 50)
        left = 40 + n * slot
        draw.rectangle([left, top, left + slot - 12, height - 31], fill=colour)
    image.save(path, format="PNG", optimize=False)


def packager_toml(articles: int, seed: int) -> str:
    return (
        "[book]\n"
        f'title = "Benchmark Corpus ({articles} articles, seed {seed})"\n'
        'authors = ["Benchmark Generator"]\n'
        'language = "en"\n'
        'license = "CC0-1.0"\n'
        'description = "Generated prose for measuring build speed and memory; it means nothing."\n'
        'base_url = "https://example.org/benchmark/"\n'
        'version = "1.0.0"\n'
    )


def generate(destination: Path, articles: int, seed: int = DEFAULT_SEED, words: int = DEFAULT_WORDS) -> list[Path]:
    """Write the corpus into destination (created; must be empty) and return the article paths in book order."""
    destination.mkdir(parents=True, exist_ok=True)
    if any(destination.iterdir()):
        raise SystemExit(f"error: {destination} is not empty; pass a new or empty folder")
    (destination / "images").mkdir()
    rng = random.Random(seed)
    prose = Prose(rng)
    paths = []
    for index in range(articles):
        article = make_article(prose, index, words)
        path = destination / f"{article.stem}.md"
        path.write_text(article_markdown(article), encoding="utf-8", newline="\n")
        write_png(destination / "images" / f"{article.stem}.png", rng)
        paths.append(path)
    (destination / "packager.toml").write_text(packager_toml(articles, seed), encoding="utf-8", newline="\n")
    return paths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output", type=Path, help="new or empty folder to write the corpus into")
    parser.add_argument("--articles", type=int, default=100, help="number of articles (default 100)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default {DEFAULT_SEED})")
    parser.add_argument("--words", type=int, default=DEFAULT_WORDS, help=f"words per article (default {DEFAULT_WORDS})")
    args = parser.parse_args(argv)
    if args.articles < 1:
        parser.error("--articles must be at least 1")
    paths = generate(args.output, args.articles, args.seed, args.words)
    total = sum(word_count(p.read_text(encoding="utf-8")) for p in paths)
    print(f"wrote {len(paths)} articles ({total:,} words) to {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
