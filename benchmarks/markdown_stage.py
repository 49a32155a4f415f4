"""Time packager's Markdown stage alone: every article of a generated corpus read, sanitised and made XHTML.

The stage is ``content.assemble`` in one process (``workers=1``), after the
project is loaded, with no renderer: what the reader costs, free of layout.
Each packager source named is measured in its own child process, the sources
taking turns in every repetition, so load that comes and goes falls on all.

    python benchmarks/markdown_stage.py --source today=. --source before=/tmp/base --json stage.json

A source is a folder holding the ``packager`` package (a checkout, or a commit
exported with ``git archive REV | tar -x -C DIR``). ``--reader`` measures this
checkout with a given reader as well (``python-markdown``).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import make_corpus  # noqa: E402

#: Run in the child: load the project once, then time assemble() `repeat` times (wall and CPU seconds).
CHILD = r"""
import json, sys, time, resource, inspect
from pathlib import Path
from packager.content.assemble import assemble
from packager.diagnostics import Diagnostics
from packager.project import config, sources

source, reader = Path(sys.argv[1]), sys.argv[2]
cfg = config.load(source)
diagnostics = Diagnostics(echo=False)
files = sources.discover(source, cfg, None, diagnostics)
extra = {}
if reader != "default":
    from packager.project.dialect import MarkdownDialect, PYTHON_MARKDOWN, PYTHON_MARKDOWN_DEFAULT
    extra["dialect"] = MarkdownDialect(PYTHON_MARKDOWN, (), PYTHON_MARKDOWN_DEFAULT)
assemble(source, cfg, files, Diagnostics(echo=False), 0, 1, **extra)  # warm: imports, reader, lexers
runs = []
for _ in range(int(sys.argv[3])):
    wall, cpu = time.perf_counter(), time.process_time()
    assemble(source, cfg, files, Diagnostics(echo=False), 0, 1, **extra)
    runs.append((time.perf_counter() - wall, time.process_time() - cpu))
print(json.dumps({"runs": runs, "from": inspect.getfile(assemble)}))
"""


def measure(src: Path, corpus: Path, reader: str, repeat: int) -> list[tuple[float, float]]:
    env = {**os.environ, "PYTHONPATH": str(src)}
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(corpus), reader, str(repeat)],
        env=env,
        cwd=corpus.parent,  # not this checkout: python -c puts the working folder first on sys.path
        capture_output=True,
        text=True,
        check=True,
    )
    result = json.loads(out.stdout)
    if not result["from"].startswith(str(src.resolve())):
        raise SystemExit(f"measured {result['from']}, not the packager in {src}")
    return [tuple(run) for run in result["runs"]]


def revision(src: Path) -> str:
    try:
        return subprocess.run(
            ["git", "-C", str(src), "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "exported"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", action="append", default=[], metavar="NAME=DIR", help="a packager to measure")
    parser.add_argument("--reader", action="append", default=[], help="also this checkout with this reader")
    parser.add_argument("--articles", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=5, help="child processes per source (default 5)")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs in each child (default 3)")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    sources = [tuple(item.split("=", 1)) for item in args.source] or [("this checkout", str(HERE.parent))]
    targets = [(name, Path(path).resolve(), "default") for name, path in sources]
    targets += [(f"this checkout, {reader}", HERE.parent, reader) for reader in args.reader]
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        make_corpus.generate(corpus, args.articles)
        runs: dict[str, list[tuple[float, float]]] = {name: [] for name, _, _ in targets}
        for _ in range(args.rounds):
            for name, src, reader in targets:
                runs[name] += measure(src, corpus, reader, args.repeat)
    rows = []
    print(f"Markdown stage, {args.articles} articles, {args.rounds}×{args.repeat} runs each (median)")
    print(f"{'packager':32} {'wall s':>8} {'CPU s':>8} {'ms/article':>11}")
    for name, src, reader in targets:
        wall = statistics.median(r[0] for r in runs[name])
        cpu = statistics.median(r[1] for r in runs[name])
        rows.append({"name": name, "revision": revision(src), "reader": reader, "wall": wall, "cpu": cpu})
        print(f"{name:32} {wall:8.3f} {cpu:8.3f} {1000 * wall / args.articles:11.1f}")
    first = rows[0]
    for row in rows[1:]:
        print(f"{first['name']} / {row['name']}: {first['wall'] / row['wall']:.2f} (wall)")
    if args.json:
        args.json.write_text(json.dumps({"articles": args.articles, "rows": rows, "runs": runs}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
