"""Project a sharded build on many runners: plan, every shard one after another, assemble, against one build.

The library is make_corpus's (2,000 articles by default, shorter than run.py's so that the whole
measurement fits in an hour on 2 cores), cut into 4 bundles of consecutive quarters. Each command
runs cold, in its own folder with its own empty part cache, as on a fresh CI runner of this machine's
size. The projection for R runners is what the critical path would take: the plan, the slowest
shard, then assemble (artifact upload and download are left out: they depend on the CI system).
The assembled dist/ is compared with the one build's, byte for byte.

    python benchmarks/shards.py --articles 2000 --shards 16 --json benchmarks/results/DATE-COMMIT-shards-2000x16.json
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from make_corpus import generate  # noqa: E402
from proctree import measure  # noqa: E402
from run import base_env  # noqa: E402

BUNDLES = 4


def bundles_toml(stems: list[str], count: int = BUNDLES) -> str:
    """count [[bundles]] of consecutive articles, a count-th of the library each."""
    size = -(-len(stems) // count)
    tables = []
    for k in range(count):
        include = ", ".join(f'"{s}.md"' for s in stems[k * size : (k + 1) * size])
        tables.append(
            f'\n[[bundles]]\nslug = "volume-{k + 1}"\ntitle = "Benchmark: volume {k + 1}"\ninclude = [{include}]\n'
        )
    return "".join(tables)


def tree(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def run(articles: int, words: int, total: int, workdir: Path, packager_src: Path) -> dict:
    source = workdir / "library"
    stems = [p.stem for p in generate(source, articles, words=words)]
    with (source / "packager.toml").open("a", encoding="utf-8") as toml:
        toml.write(bundles_toml(stems))

    def packager(name: str, *args: str):
        cache = workdir / f"cache-{name}"  # every command a fresh runner: an empty cache of its own
        env = {**base_env(packager_src, cache), "PACKAGER_CACHE_DIR": str(cache)}
        log = workdir / f"{name}.log"
        return measure([sys.executable, "-m", "packager", *args], cwd=workdir, env=env, log=log).as_dict(), log

    one, _ = packager("one-build", "build", str(source), "-o", str(workdir / "one"), "-q")
    plan, log = packager("plan", "plan", str(source), "--shards", str(total), "--json", "-q")
    lines = log.read_text(encoding="utf-8").splitlines()
    matrix = json.loads(next(line for line in lines if line.startswith('{"include"')))
    shards = []
    for item in matrix["include"]:
        found, _ = packager(
            f"shard-{item['index']}",
            "build",
            str(source),
            "--shard",
            item["shard"],
            "-o",
            str(workdir / "shards" / str(item["index"])),
            "-q",
        )
        shards.append(
            {
                **found,
                "shard": item["shard"],
                "estimated_pages": item["pages"],
                "pieces": len(item["epubs"] + item["pdfs"] + item["pdf_parts"]),
            }
        )
    folders = [str(workdir / "shards" / str(i["index"])) for i in matrix["include"]]
    assembled, _ = packager("assemble", "assemble", *folders, "-o", str(workdir / "assembled"), "-q")
    files = json.loads((workdir / "one" / "manifest.json").read_text(encoding="utf-8"))["files"]
    identical = tree(workdir / "one") == tree(workdir / "assembled")
    slowest = max(s["wall_s"] for s in shards)
    projected = plan["wall_s"] + slowest + assembled["wall_s"]
    shard_cpu = sum(s["cpu_s"] for s in shards)
    return {
        "articles": articles,
        "words": words,
        "bundles": BUNDLES,
        "shards": total,
        "pdf_pages": sum(f.get("pages") or 0 for f in files if f["path"].endswith(".pdf")),
        "files": len(files),
        "one_build": one,
        "plan": plan,
        "shard_runs": shards,
        "assemble": assembled,
        "byte_identical": identical,
        "projection": {
            "runners": total,
            "one_machine_wall_s": one["wall_s"],
            "critical_path_wall_s": projected,
            "speedup": one["wall_s"] / projected,
            "slowest_shard_wall_s": slowest,
            "fastest_shard_wall_s": min(s["wall_s"] for s in shards),
            "sum_of_shards_wall_s": sum(s["wall_s"] for s in shards),
            "assemble_share_of_cpu": assembled["cpu_s"] / (shard_cpu + assembled["cpu_s"] + plan["cpu_s"]),
            "total_cpu_s": shard_cpu + assembled["cpu_s"] + plan["cpu_s"],
        },
    }


def table(data: dict) -> str:
    p = data["projection"]
    rows = [
        "| step | wall s | CPU s | peak RSS MB |",
        "| --- | --- | --- | --- |",
        f"| one build on one machine | {data['one_build']['wall_s']:.1f} | {data['one_build']['cpu_s']:.1f} | {data['one_build']['peak_rss_mb']:.0f} |",
        f"| plan | {data['plan']['wall_s']:.1f} | {data['plan']['cpu_s']:.1f} | {data['plan']['peak_rss_mb']:.0f} |",
    ]
    for s in data["shard_runs"]:
        rows.append(
            f"| shard {s['shard']} ({s['pieces']} pieces, ~{s['estimated_pages']:.0f} pages of work) | {s['wall_s']:.1f} | {s['cpu_s']:.1f} | {s['peak_rss_mb']:.0f} |"
        )
    rows.append(
        f"| assemble | {data['assemble']['wall_s']:.1f} | {data['assemble']['cpu_s']:.1f} | {data['assemble']['peak_rss_mb']:.0f} |"
    )
    rows += [
        "",
        f"{data['articles']} articles of ~{data['words']} words in {data['bundles']} bundles: {data['pdf_pages']} PDF pages, "
        f"{data['files']} files; assembled dist/ byte-identical to the one build: {data['byte_identical']}.",
        f"Projected on {p['runners']} runners (plan + slowest shard + assemble): {p['critical_path_wall_s']:.1f} s against "
        f"{p['one_machine_wall_s']:.1f} s on one machine: {p['speedup']:.2f}× faster. Shards took "
        f"{p['fastest_shard_wall_s']:.1f}–{p['slowest_shard_wall_s']:.1f} s; assemble is "
        f"{100 * p['assemble_share_of_cpu']:.0f}% of the sharded build's {p['total_cpu_s']:.0f} CPU s.",
    ]
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--words", type=int, default=300, help="words per article (default 300)")
    parser.add_argument("--shards", type=int, default=16)
    parser.add_argument("--json", type=Path, help="write every measurement here")
    parser.add_argument("--packager-src", type=Path, default=HERE.parent)
    args = parser.parse_args(argv)
    from run import brief_machine, compile_bytecode

    compile_bytecode(args.packager_src.resolve())
    with tempfile.TemporaryDirectory(prefix="packager-shards-bench-") as tmp:
        data = run(args.articles, args.words, args.shards, Path(tmp), args.packager_src.resolve())
    data["machine"] = brief_machine()
    print(table(data))
    if args.json:
        args.json.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
