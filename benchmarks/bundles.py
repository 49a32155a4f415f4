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
import os
import platform
import shutil
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from make_corpus import generate  # noqa: E402
from proctree import measure  # noqa: E402

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


def run(articles: int, workdir: Path, packager_src: Path) -> dict:
    corpus = workdir / "corpus"
    stems = [p.stem for p in generate(corpus, articles)]
    one = workdir / "one-book"
    three = workdir / "bundles"
    shutil.copytree(corpus, one)
    shutil.copytree(corpus, three)
    with (three / "packager.toml").open("a", encoding="utf-8") as toml:
        toml.write(bundles_toml(stems))
    results = {}
    for name, source in (("one book", one), ("3 bundles", three)):
        cache = workdir / f"cache-{source.name}"
        env = {
            **os.environ,
            "PYTHONPATH": str(packager_src),
            "PACKAGER_CACHE_DIR": str(cache),
            "XDG_CACHE_HOME": str(cache),
            "SOURCE_DATE_EPOCH": "1767225600",
        }
        cmd = [
            sys.executable,
            "-m",
            "packager",
            "build",
            str(source),
            "-o",
            str(workdir / f"dist-{source.name}"),
            "--no-cache",
            "-q",
        ]
        m = measure(cmd, cwd=workdir, env=env, log=workdir / f"{source.name}.log")
        dist = workdir / f"dist-{source.name}"
        pages = json.loads((dist / "manifest.json").read_text())["files"]
        results[name] = {
            **m.as_dict(),
            "pdf_pages": sum(f.get("pages", 0) for f in pages if f["path"].endswith(".pdf")),
            "web_pages": len([f for f in pages if f["path"].startswith("read/") and f["path"].endswith(".html")]),
            "articles_in_books": articles if name == "one book" else 3 * articles // 2,
        }
    ratio = results["3 bundles"]["wall_s"] / results["one book"]["wall_s"]
    cpu_ratio = results["3 bundles"]["cpu_s"] / results["one book"]["cpu_s"]
    return {"articles": articles, "results": results, "ratio": ratio, "cpu_ratio": cpu_ratio, "goal": GOAL}


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
    rows.append("")
    rows.append(
        f"3 bundles / one book: wall {data['ratio']:.2f} (goal ≤ {data['goal']}: {met}), CPU {data['cpu_ratio']:.2f}"
    )
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100)
    parser.add_argument("--json", type=Path, help="write every measurement here")
    parser.add_argument("--packager-src", type=Path, default=HERE.parent)
    args = parser.parse_args(argv)
    from run import compile_bytecode

    compile_bytecode(args.packager_src.resolve())
    with tempfile.TemporaryDirectory(prefix="packager-bundles-bench-") as tmp:
        data = run(args.articles, Path(tmp), args.packager_src.resolve())
    data["machine"] = {
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "load_end": os.getloadavg()[0],
    }
    print(table(data))
    if args.json:
        args.json.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
