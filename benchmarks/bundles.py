"""Measure what bundles cost: one generated corpus built as one book, and as three overlapping bundles.

The corpus is make_corpus's (100 articles by default). The bundles take articles
0-49, 25-74 and 50-99 by file-name globs, so each article is in 1.5 bundles on
average and the three books hold 150 articles between them. Both builds are cold
(a fresh cache folder, --no-cache) and make EPUB, PDF and the site with the web
edition. The goal (issue 17): bundles at most 1.6 × the one book's wall time.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path
from statistics import median

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from make_corpus import generate  # noqa: E402
from proctree import measure  # noqa: E402
from run import base_env  # noqa: E402

GOAL = 1.6


def bundles_toml(stems: list[str]) -> str:
    """Three [[bundles]] over the corpus: the first half, the middle half, the second half."""
    n = len(stems)
    ranges = {"first-half": (0, n // 2), "middle": (n // 4, 3 * n // 4), "second-half": (n // 2, n)}
    tables = []
    for slug, (start, stop) in ranges.items():
        include = ", ".join(f'"{s}.md"' for s in stems[start:stop])
        tables.append(f'\n[[bundles]]\nslug = "{slug}"\ntitle = "Benchmark: {slug}"\ninclude = [{include}]\n')
    return "".join(tables)


def run(articles: int, workdir: Path, packager_src: Path, repeat: int = 1) -> dict:
    corpus = workdir / "corpus"
    stems = [p.stem for p in generate(corpus, articles)]
    one = workdir / "one-book"
    three = workdir / "bundles"
    shutil.copytree(corpus, one)
    shutil.copytree(corpus, three)
    with (three / "packager.toml").open("a", encoding="utf-8") as toml:
        toml.write(bundles_toml(stems))
    runs: dict[str, list[dict]] = {"one book": [], "3 bundles": []}
    for n in range(repeat):  # the two builds alternate, so that load that comes and goes falls on both
        for name, source in (("one book", one), ("3 bundles", three)):
            cache = workdir / f"cache-{source.name}-{n}"
            env = {**base_env(packager_src, cache), "PACKAGER_CACHE_DIR": str(cache)}
            dist = workdir / f"dist-{source.name}-{n}"
            cmd = [sys.executable, "-m", "packager", "build", str(source), "-o", str(dist), "--no-cache", "-q"]
            m = measure(cmd, cwd=workdir, env=env, log=workdir / f"{source.name}-{n}.log")
            files = json.loads((dist / "manifest.json").read_text())["files"]
            runs[name].append(
                {
                    **m.as_dict(),
                    "pdf_pages": sum(f.get("pages", 0) for f in files if f["path"].endswith(".pdf")),
                    "web_pages": len(
                        [f for f in files if f["path"].startswith("read/") and f["path"].endswith(".html")]
                    ),
                    "articles_in_books": articles if name == "one book" else 3 * articles // 2,
                }
            )
            shutil.rmtree(dist)
    ratios = [b["wall_s"] / o["wall_s"] for o, b in zip(runs["one book"], runs["3 bundles"], strict=True)]
    cpu = [b["cpu_s"] / o["cpu_s"] for o, b in zip(runs["one book"], runs["3 bundles"], strict=True)]
    results = {
        name: {
            **found[0],
            "wall_s": median(r["wall_s"] for r in found),
            "cpu_s": median(r["cpu_s"] for r in found),
            "peak_rss_mb": max(r["peak_rss_mb"] for r in found),
        }
        for name, found in runs.items()
    }
    return {
        "articles": articles,
        "repeat": repeat,
        "runs": runs,
        "results": results,
        "ratios": ratios,
        "ratio": median(ratios),
        "cpu_ratio": median(cpu),
        "goal": GOAL,
    }


def table(data: dict) -> str:
    rows = [
        "| build | wall s | CPU s | peak RSS MB | PDF pages | web pages | articles in books |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for name, r in data["results"].items():
        rows.append(
            f"| {name} | {r['wall_s']:.1f} | {r['cpu_s']:.1f} | {r['peak_rss_mb']:.0f} | {r['pdf_pages']} | "
            f"{r['web_pages']} | {r['articles_in_books']} |"
        )
    met = "met" if data["ratio"] <= data["goal"] else "NOT met"
    each = ", ".join(f"{r:.2f}" for r in data["ratios"])
    rows.append("")
    rows.append(
        f"3 bundles / one book (median of {data['repeat']}, wall and CPU s above are medians): wall {data['ratio']:.2f}"
        f" (goal ≤ {data['goal']}: {met}; each run: {each}), CPU {data['cpu_ratio']:.2f}"
    )
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3, help="alternating runs of both builds (default 3)")
    parser.add_argument("--json", type=Path, help="write every measurement here")
    parser.add_argument("--packager-src", type=Path, default=HERE.parent)
    args = parser.parse_args(argv)
    from run import brief_machine, compile_bytecode

    compile_bytecode(args.packager_src.resolve())
    with tempfile.TemporaryDirectory(prefix="packager-bundles-bench-") as tmp:
        data = run(args.articles, Path(tmp), args.packager_src.resolve(), args.repeat)
    data["machine"] = brief_machine()
    print(table(data))
    if args.json:
        args.json.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
