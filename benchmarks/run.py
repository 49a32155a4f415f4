"""Build one generated corpus with pandoc and with packager, in one run, and compare time and memory.

    python benchmarks/run.py --articles 100 --repeat 3 --json results.json

Every command runs as a subprocess of this script (packager as
``sys.executable -m packager`` from this checkout); see benchmarks/README.md for
what each scenario does and how memory is measured.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import make_corpus
from proctree import CommandFailed, Measurement, measure

REPO = Path(__file__).resolve().parent.parent  # the packager measured unless --packager-src says otherwise
SOURCE_DATE_EPOCH = "1700000000"  # every tool stamps this time, so outputs are reproducible

SCENARIOS = {
    "pandoc_epub": "pandoc EPUB",
    "pandoc_pdf": "pandoc PDF (WeasyPrint)",
    "packager_cold": "packager cold build (EPUB + PDF + page)",
    "packager_epub": "packager EPUB only",
    "packager_noop": "packager no-op rebuild",
    "packager_edit": "packager one-article edit",
}


@dataclass(frozen=True)
class Capabilities:
    """What the packager under test can do, read from its --help and tried, not assumed."""

    no_cache: str | None  # the option that forces a cold build, when there is one
    epub_only: list[str] | None  # extra build arguments for an EPUB-only build ([] = via packager.toml)
    epub_only_how: str

    @property
    def cache(self) -> bool:
        return self.no_cache is not None


@dataclass(frozen=True)
class Ratio:
    """A goal of issue 7: numerator / sum(denominators) ≤ goal, on a corpus of `articles`."""

    name: str
    numerator: str
    denominators: tuple[str, ...]
    goal: float
    articles: int
    metric: str = "wall_s"
    needs: str | None = None  # a Capabilities property that must be true, else "n/a"


RATIOS = (
    Ratio("cold build / (pandoc EPUB + pandoc PDF), wall", "packager_cold", ("pandoc_epub", "pandoc_pdf"), 0.45, 100),
    Ratio("EPUB only / pandoc EPUB, wall", "packager_epub", ("pandoc_epub",), 0.30, 100),
    Ratio("no-op rebuild / cold build, wall", "packager_noop", ("packager_cold",), 0.05, 100, needs="cache"),
    Ratio("one-article edit / cold build, wall", "packager_edit", ("packager_cold",), 0.25, 100, needs="cache"),
    Ratio("cold build / pandoc PDF, peak tree RSS", "packager_cold", ("pandoc_pdf",), 0.35, 400, "peak_rss_mb"),
    Ratio("cold build / (pandoc EPUB + pandoc PDF), wall", "packager_cold", ("pandoc_epub", "pandoc_pdf"), 0.40, 400),
)


@dataclass
class Bench:
    """One benchmark run: the corpus, the tools, and every measurement taken."""

    workdir: Path
    corpus: list[Path]
    packager_src: Path
    repeat: int
    interval: float
    pss: bool
    pandoc: str | None
    caps: Capabilities | None = None
    runs: dict[str, list[Measurement]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def source(self) -> Path:
        return self.corpus[0].parent

    @property
    def sampling(self) -> dict:
        return {"interval": self.interval, "pss": self.pss}

    def record(self, key: str, rep: int, run: Callable[[Path], Measurement]) -> None:
        folder = self.workdir / f"rep{rep}" / key
        folder.mkdir(parents=True)
        print(f"[{rep}/{self.repeat}] {SCENARIOS[key]} ...", end=" ", file=sys.stderr, flush=True)
        result = run(folder)
        print(f"{result.wall_s:.1f} s, {result.peak_rss_mb:,.0f} MB", file=sys.stderr, flush=True)
        self.runs.setdefault(key, []).append(result)


# ---- environment ------------------------------------------------------------------------------------------


def base_env(packager_src: Path | None = None, cache_home: Path | None = None) -> dict[str, str]:
    env = dict(os.environ, SOURCE_DATE_EPOCH=SOURCE_DATE_EPOCH)
    if packager_src is not None:  # run packager from that folder, never from an installed copy
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(packager_src), env.get("PYTHONPATH")]))
    if cache_home is not None:  # a cache in the user's cache folder must not leak from one scenario to another
        env["XDG_CACHE_HOME"] = str(cache_home)
    return env


def brief_machine() -> dict:
    """The facts a benchmark's JSON records about this machine and hour (run.py's own report has more)."""
    return {
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "load_end": os.getloadavg()[0],
    }


def compile_bytecode(packager_src: Path) -> None:
    """Compile packager's modules first, as installing it does: no run then pays for compiling them.

    This machine sets PYTHONDONTWRITEBYTECODE, so without this every run would compile each module that
    changed since its cached bytecode, and a commit's timings would depend on how much of it is new.
    """
    import compileall

    compileall.compile_dir(str(packager_src / "packager"), quiet=1, force=False)


def packager_cmd(*args: str) -> list[str]:
    return [sys.executable, "-m", "packager", *args]


def output_of(cmd: list[str], packager_src: Path = REPO) -> str:
    """What a short helper command prints, or "" if it fails."""
    done = subprocess.run(cmd, capture_output=True, text=True, env=base_env(packager_src), cwd=packager_src)
    return (done.stdout + done.stderr).strip() if done.returncode == 0 else ""


def find_pandoc() -> str:
    try:
        import pypandoc
    except ImportError:
        raise SystemExit("error: pypandoc is missing; pip install pypandoc-binary (or pass --skip-pandoc)") from None
    return pypandoc.get_pandoc_path()


def weasyprint_executable() -> str:
    """The weasyprint script of the Python running this benchmark, so pandoc and packager use the same one."""
    beside = Path(sys.executable).parent / "weasyprint"
    found = str(beside) if beside.is_file() else shutil.which("weasyprint")
    if not found:
        raise SystemExit("error: no weasyprint executable; pip install weasyprint (or pass --skip-pandoc)")
    return found


# ---- capabilities -----------------------------------------------------------------------------------------


def build_help(packager_src: Path) -> str:
    done = subprocess.run(
        packager_cmd("build", "--help"), capture_output=True, text=True, env=base_env(packager_src), cwd=packager_src
    )
    if done.returncode != 0:
        raise SystemExit(f"error: `{sys.executable} -m packager build --help` failed in {packager_src}:\n{done.stderr}")
    return done.stdout


def detect_no_cache(help_text: str) -> str | None:
    return "--no-cache" if re.search(r"--no-cache\b", help_text) else None


def detect_epub_only(help_text: str) -> tuple[list[str] | None, str]:
    """An EPUB-only build: a command-line option if there is one, else [output] formats in packager.toml."""
    if match := re.search(r"(--formats?)\b", help_text):
        return [match.group(1), "epub"], f"`{match.group(1)} epub`"
    if match := re.search(r"(--epub-only)\b", help_text):
        return [match.group(1)], f"`{match.group(1)}`"
    return [], '`[output] formats = ["epub"]` in packager.toml (no command-line option)'


# ---- corpus -----------------------------------------------------------------------------------------------


def copy_corpus(source: Path, destination: Path, epub_only_config: bool = False) -> Path:
    shutil.copytree(source, destination)
    if epub_only_config:
        with (destination / "packager.toml").open("a", encoding="utf-8") as toml:
            toml.write('\n[output]\nformats = ["epub"]\n')
    return destination


FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---\n", re.S)


TITLE = re.compile(r'^title: "(.*)"$', re.M)


def pandoc_article(text: str, fallback_title: str) -> str:
    """An article as pandoc needs it: front matter dropped, its title as the chapter's h1."""
    match = FRONT_MATTER.match(text)
    title = TITLE.search(match.group(1)) if match else None
    body = text[match.end() :] if match else text
    return f"# {title.group(1) if title else fallback_title}\n\n{body}"


def pandoc_inputs(corpus: list[Path], destination: Path) -> list[Path]:
    destination.mkdir()
    paths = []
    for article in corpus:
        path = destination / article.name
        path.write_text(pandoc_article(article.read_text(encoding="utf-8"), article.stem), encoding="utf-8")
        paths.append(path)
    return paths


def edit_one_article(corpus: Path, articles: list[Path], rep: int) -> None:
    """Append a sentence to the middle article, different in every repetition so no cache has seen it."""
    path = corpus / articles[len(articles) // 2].name
    with path.open("a", encoding="utf-8") as article:
        article.write(f"\nThis sentence was added by the benchmark in repetition {rep}.\n")


# ---- scenarios --------------------------------------------------------------------------------------------


def run_pandoc(bench: Bench, folder: Path, inputs: list[Path], target: str, extra: list[str]) -> Measurement:
    cmd = [bench.pandoc, "--toc", "-M", f"title=Benchmark Corpus ({len(inputs)} articles)", "-M", "lang=en"]
    cmd += ["-o", str(folder / target), *extra, *map(str, inputs)]
    return measure(cmd, cwd=bench.source, env=base_env(), log=folder / "log.txt", **bench.sampling)


def run_packager(bench: Bench, folder: Path, source: Path, output: Path, extra: list[str], tag: str) -> Measurement:
    cmd = packager_cmd("build", str(source), "-o", str(output), *extra)
    env = base_env(bench.packager_src, folder.parent / "cache")
    return measure(cmd, cwd=folder, env=env, log=folder / f"{tag}.log", **bench.sampling)


def pandoc_scenarios(bench: Bench, rep: int, inputs: list[Path]) -> None:
    engine = ["--pdf-engine", weasyprint_executable()]
    bench.record("pandoc_epub", rep, lambda f: run_pandoc(bench, f, inputs, "book.epub", []))
    bench.record("pandoc_pdf", rep, lambda f: run_pandoc(bench, f, inputs, "book.pdf", engine))


def packager_scenarios(bench: Bench, rep: int) -> None:
    caps = bench.caps
    source = copy_corpus(bench.source, bench.workdir / f"rep{rep}" / "source")
    output = bench.workdir / f"rep{rep}" / "dist"
    cold = [caps.no_cache] if caps.no_cache else []
    bench.record("packager_cold", rep, lambda f: run_packager(bench, f, source, output, cold, "build"))
    if caps.epub_only is not None:
        bench.record("packager_epub", rep, lambda f: epub_only(bench, f))
    if caps.cache:  # the cold build may not have filled the cache: fill it, untimed
        run_packager(bench, output.parent / "packager_cold", source, output, [], "warm-up")
    bench.record("packager_noop", rep, lambda f: run_packager(bench, f, source, output, [], "build"))
    edit_one_article(source, bench.corpus, rep)
    bench.record("packager_edit", rep, lambda f: run_packager(bench, f, source, output, [], "build"))


def epub_only(bench: Bench, folder: Path) -> Measurement:
    caps = bench.caps
    via_config = caps.epub_only == []
    source = copy_corpus(bench.source, folder / "source", epub_only_config=via_config)
    extra = [*caps.epub_only, *([caps.no_cache] if caps.no_cache else [])]
    return run_packager(bench, folder, source, folder / "dist", extra, "build")


def check_epub_only(bench: Bench) -> Capabilities:
    """Try the EPUB-only build once on a 2-article corpus; if packager refuses it, that scenario is n/a."""
    caps = bench.caps
    folder = bench.workdir / "epub-only-check"
    make_corpus.generate(folder / "corpus", 2, seed=1, words=50)
    source = copy_corpus(folder / "corpus", folder / "source", epub_only_config=caps.epub_only == [])
    try:
        run_packager(bench, folder, source, folder / "dist", caps.epub_only, "build")
    except CommandFailed as failure:
        bench.notes.append(f"EPUB-only build refused ({caps.epub_only_how}): {str(failure).splitlines()[-1]}")
        return Capabilities(caps.no_cache, None, caps.epub_only_how)
    if list((folder / "dist").glob("*.pdf")):
        bench.notes.append(f"EPUB-only build via {caps.epub_only_how} still wrote a PDF; scenario skipped")
        return Capabilities(caps.no_cache, None, caps.epub_only_how)
    return caps


# ---- results ----------------------------------------------------------------------------------------------


METRICS = ("wall_s", "cpu_s", "peak_rss_mb", "peak_pss_mb", "largest_process_rss_mb")


def medians(runs: dict[str, list[Measurement]]) -> dict[str, dict[str, float | None]]:
    """The median of every metric of every scenario (None for a metric that was not sampled)."""
    result = {}
    for name, measurements in runs.items():
        values = {k: [getattr(m, k) for m in measurements] for k in METRICS}
        result[name] = {k: None if None in v else statistics.median(v) for k, v in values.items()}
    return result


def ratio_value(
    ratio: Ratio, med: dict[str, dict[str, float | None]], caps: Capabilities, metric: str | None = None
) -> float | None:
    metric = metric or ratio.metric
    if ratio.needs and not getattr(caps, ratio.needs):
        return None
    if ratio.numerator not in med or any(d not in med for d in ratio.denominators):
        return None
    return med[ratio.numerator][metric] / sum(med[d][metric] for d in ratio.denominators)


def ratio_rows(med: dict[str, dict[str, float | None]], caps: Capabilities, articles: int) -> list[dict]:
    rows = []
    for ratio in RATIOS:
        value = ratio_value(ratio, med, caps)
        # The same ratio in CPU seconds: not the goal, but steadier than wall time on a shared machine.
        cpu = ratio_value(ratio, med, caps, "cpu_s") if ratio.metric == "wall_s" else None
        met = None if value is None or articles != ratio.articles else value <= ratio.goal
        rows.append(
            {"ratio": ratio.name, "value": value, "cpu_value": cpu, "goal": ratio.goal}
            | {"goal_articles": ratio.articles, "met": met}
        )
    return rows


COLUMNS = (  # header, metric, format
    ("wall s (median)", "wall_s", "{:.1f}"),  # followed by the min–max of the wall times
    ("CPU s", "cpu_s", "{:.1f}"),
    ("peak tree RSS MB", "peak_rss_mb", "{:,.0f}"),
    ("peak tree PSS MB", "peak_pss_mb", "{:,.0f}"),
    ("largest process RSS MB", "largest_process_rss_mb", "{:,.0f}"),
)


def scenario_table(med: dict[str, dict[str, float | None]], runs: dict[str, list[Measurement]]) -> str:
    shown = [c for c in COLUMNS if any(m[c[1]] is not None for m in med.values())]
    lines = [
        "| scenario | wall s (median) | wall s (min–max) | " + " | ".join(c[0] for c in shown[1:]) + " | runs |",
        "| --- |" + " ---: |" * (len(shown) + 2),
    ]
    for key, label in SCENARIOS.items():
        if key not in med:
            continue
        cells = [fmt.format(med[key][metric]) for _, metric, fmt in shown]
        walls = [r.wall_s for r in runs[key]]
        cells.insert(1, f"{min(walls):.1f}–{max(walls):.1f}")
        lines.append(f"| {label} | {' | '.join(cells)} | {len(walls)} |")
    return "\n".join(lines)


def ratio_table(rows: list[dict]) -> str:
    lines = [
        "| ratio (packager / pandoc or packager) | value | goal | goal is for | met | same ratio in CPU s |",
        "| --- | ---: | ---: | ---: | --- | ---: |",
    ]
    for row in rows:
        value, cpu = (("n/a" if v is None else f"{v:.2f}") for v in (row["value"], row["cpu_value"]))
        met = {True: "yes", False: "no", None: "–"}[row["met"]]
        goal = f"≤ {row['goal']:.2f} | {row['goal_articles']} articles"
        lines.append(f"| {row['ratio']} | {value} | {goal} | {met} | {cpu if row['cpu_value'] is not None else '–'} |")
    return "\n".join(lines)


# ---- machine ----------------------------------------------------------------------------------------------


def proc_field(path: str, key: str) -> str:
    try:
        for line in Path(path).read_text(encoding="utf-8").splitlines():
            if line.startswith(key):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown"


def git_revision(packager_src: Path) -> str:
    head = output_of(["git", "rev-parse", "--short", "HEAD"], packager_src)
    if not head:
        return "not a git checkout"
    dirty = output_of(["git", "status", "--porcelain", "--untracked-files=no"], packager_src)
    return head + (" + uncommitted changes" if dirty else "")


def version_in(text: str) -> str:
    match = re.search(r"\d+(\.\d+)+", text)
    return match.group(0) if match else "unknown"


def machine(pandoc: str | None, packager_src: Path) -> dict:
    return {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cores": os.cpu_count(),
        "memory": proc_field("/proc/meminfo", "MemTotal"),
        "cpu": proc_field("/proc/cpuinfo", "model name"),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "pandoc": version_in(output_of([pandoc, "--version"])) if pandoc else None,
        "weasyprint": version_in(output_of([sys.executable, "-m", "weasyprint", "--version"])),
        "packager": version_in(output_of(packager_cmd("--version"), packager_src)),
        "packager_src": str(packager_src),
        "git": git_revision(packager_src),
        "loadavg_start": Path("/proc/loadavg").read_text(encoding="utf-8").split()[:3],
    }


def page_count(pdf: Path) -> int | None:
    if not shutil.which("pdfinfo") or not pdf.is_file():
        return None
    match = re.search(r"^Pages:\s+(\d+)", output_of(["pdfinfo", str(pdf)]), re.M)
    return int(match.group(1)) if match else None


def pages(workdir: Path) -> dict[str, int | None]:
    return {
        "pandoc": page_count(workdir / "rep1" / "pandoc_pdf" / "book.pdf"),
        "packager": next((page_count(p) for p in (workdir / "rep1" / "dist").glob("*.pdf")), None),
    }


# ---- main -------------------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100, help="corpus size (default 100)")
    parser.add_argument("--repeat", type=int, default=3, help="repetitions of every scenario; medians are reported")
    parser.add_argument("--workdir", type=Path, help="new or empty folder for corpus and outputs (default: a temp dir)")
    parser.add_argument("--skip-pandoc", action="store_true", help="measure packager only; pandoc ratios are n/a")
    parser.add_argument("--json", type=Path, help="also write every measurement and the ratios to this file")
    parser.add_argument("--seed", type=int, default=make_corpus.DEFAULT_SEED, help="corpus seed")
    parser.add_argument("--words", type=int, default=make_corpus.DEFAULT_WORDS, help="words per article")
    parser.add_argument(
        "--packager-src",
        type=Path,
        default=REPO,
        help="folder holding the packager package to measure (default: this checkout)",
    )
    parser.add_argument("--interval", type=float, default=0.05, help="memory sampling interval in seconds")
    parser.add_argument("--pss", action="store_true", help="also sample PSS (slow: perturbs the wall times)")
    args = parser.parse_args(argv)
    if args.articles < 1 or args.repeat < 1:
        parser.error("--articles and --repeat must be at least 1")
    return args


def prepare_workdir(requested: Path | None) -> Path:
    if requested is None:
        return Path(tempfile.mkdtemp(prefix="packager-bench-"))
    requested.mkdir(parents=True, exist_ok=True)
    if any(requested.iterdir()):
        raise SystemExit(f"error: --workdir {requested} is not empty; pass a new or empty folder")
    return requested.resolve()


def detect(bench: Bench) -> None:
    compile_bytecode(bench.packager_src)
    help_text = build_help(bench.packager_src)
    epub_args, how = detect_epub_only(help_text)
    bench.caps = Capabilities(detect_no_cache(help_text), epub_args, how)
    bench.caps = check_epub_only(bench)
    if not bench.caps.cache:
        bench.notes.append("no --no-cache option: packager has no build cache yet, so no-op and edit ratios are n/a")
    if bench.caps.epub_only is None:
        bench.notes.append("no EPUB-only build: that ratio is n/a")
    else:
        bench.notes.append(f"EPUB-only build via {bench.caps.epub_only_how}; the download page is still written")


def run_all(bench: Bench, skip_pandoc: bool) -> None:
    inputs = [] if skip_pandoc else pandoc_inputs(bench.corpus, bench.workdir / "pandoc-input")
    for rep in range(1, bench.repeat + 1):
        if not skip_pandoc:
            pandoc_scenarios(bench, rep, inputs)
        packager_scenarios(bench, rep)


def report(bench: Bench, args: argparse.Namespace, info: dict) -> dict:
    med = medians(bench.runs)
    rows = ratio_rows(med, bench.caps, args.articles)
    info["loadavg_end"] = Path("/proc/loadavg").read_text(encoding="utf-8").split()[:3]
    info["pdf_pages"] = pages(bench.workdir)
    words = sum(make_corpus.word_count(p.read_text(encoding="utf-8")) for p in bench.corpus)
    print(f"\n{args.articles} articles ({words:,} words, seed {args.seed}), {args.repeat} repetition(s), medians")
    print(
        f"machine: {info['cores']} cores, {info['memory']}, {info['cpu']}, {info['date']}, load {info['loadavg_start']}"
    )
    print(f"packager {info['packager']} ({info['git']}), pandoc {info['pandoc']}, WeasyPrint {info['weasyprint']}")
    print(f"PDF pages: pandoc {info['pdf_pages']['pandoc']}, packager {info['pdf_pages']['packager']}\n")
    print(scenario_table(med, bench.runs) + "\n")
    print(ratio_table(rows) + "\n")
    for note in bench.notes:
        print(f"note: {note}")
    runs = {k: [m.as_dict() for m in ms] for k, ms in bench.runs.items()}
    capabilities = dataclasses.asdict(bench.caps) | {"cache": bench.caps.cache}
    return {
        "articles": args.articles,
        "words": words,
        "seed": args.seed,
        "repeat": args.repeat,
        "machine": info,
        "capabilities": capabilities,
        "notes": bench.notes,
        "runs": runs,
        "medians": med,
        "ratios": rows,
    }


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    workdir = prepare_workdir(args.workdir)
    pandoc = None if args.skip_pandoc else find_pandoc()
    corpus = make_corpus.generate(workdir / "corpus", args.articles, args.seed, args.words)
    bench = Bench(workdir, corpus, args.packager_src.resolve(), args.repeat, args.interval, args.pss, pandoc)
    info = machine(pandoc, bench.packager_src)
    try:
        detect(bench)
        run_all(bench, args.skip_pandoc)
    except CommandFailed as failure:
        print(f"\nerror: a measured command failed; logs are in {workdir}\n{failure}", file=sys.stderr)
        return 1
    result = report(bench, args, info)
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    if args.workdir is None:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
