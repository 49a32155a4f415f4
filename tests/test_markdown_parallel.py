"""Articles rendered in worker processes give the very Book (and warnings) rendering here gives."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from packager.content import article_pool, markdown
from packager.content.assemble import assemble
from packager.diagnostics import Diagnostics
from packager.project import config, sources

from validators import require_tool

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000100e221bc330000000049454e44ae426082"
)
ARTICLES = 24


@pytest.fixture
def two_cpus() -> None:
    """Worker processes need Linux and two CPUs: skipped without them on a laptop, failed in CI."""
    found = sys.platform == "linux" and len(os.sched_getaffinity(0)) >= 2
    require_tool("two CPUs on Linux", found, "worker processes render articles only there")


needs_two_cpus = pytest.mark.usefixtures("two_cpus")


def tricky_book(folder: Path) -> None:
    """Images shared between articles, names that collide, a mislabelled file, warnings everywhere."""
    (folder / "img").mkdir(parents=True)
    for name in ("logo.png", "a b.png", "a-b.png", "photo.jpg"):  # photo.jpg is really a PNG
        (folder / "img" / name).write_bytes(PNG)
    for i in range(ARTICLES):
        images = {
            3: "![logo](img/logo.png)",
            5: "![ab](img/a%20b.png) and ![photo](img/photo.jpg)",
            9: "![ab](img/a-b.png) ![logo](img/logo.png)",
            14: "![photo again](img/photo.jpg) ![gone](img/missing.png)",
            20: "![ab](img/a-b.png) ![remote](https://example.org/x.png)",
        }.get(i, "")
        body = (
            f"# Article {i}\n\n{images}\n\nSee [the next](a{i + 1:02d}.md#part-1) and [nowhere](nope.md).\n\n"
            '## Part 1\n\nSome "quoted" text -- with dashes... and `code`.[^1]\n\n'
            "```python\nprint('hello')\n```\n\n[^1]: A note.\n"
        )
        (folder / f"a{i:02d}.md").write_text(f"---\ntitle: Article {i}\nauthor: Writer {i % 3}\n---\n\n{body}")


def assembled(folder: Path, jobs: int):
    diagnostics = Diagnostics()
    cfg = config.load(folder)
    book = assemble(folder, cfg, sources.discover(folder, cfg, None, diagnostics), diagnostics, 0, jobs)
    return book, diagnostics.warnings


@needs_two_cpus
def test_workers_give_the_same_book_and_warnings(tmp_path, monkeypatch):
    tricky_book(tmp_path)
    here = assembled(tmp_path, jobs=1)
    monkeypatch.setattr(article_pool, "MIN_ARTICLES", 1)
    assert article_pool.pool_size(ARTICLES, 2) == 2
    there = assembled(tmp_path, jobs=2)
    assert there == here
    book, warnings = here
    assert [a.href for a in book.assets] == [
        "assets/img/a-b-2.png",
        "assets/img/a-b.png",
        "assets/img/logo.png",
        "assets/img/photo.png",
    ]
    assert sum("is really image/png" in w.message for w in warnings) == 1


@needs_two_cpus
def test_an_article_that_fails_in_a_worker_is_rendered_here(tmp_path, monkeypatch):
    tricky_book(tmp_path)
    here = assembled(tmp_path, jobs=1)
    real = markdown.render

    def flaky(ctx, text):
        if ctx.rel == "a07.md" and isinstance(ctx.diagnostics, article_pool._Recorder):
            raise RuntimeError("only in a worker")
        return real(ctx, text)

    monkeypatch.setattr(markdown, "render", flaky)  # workers are forked after this: they have it too
    monkeypatch.setattr(article_pool, "MIN_ARTICLES", 1)
    assert assembled(tmp_path, jobs=2) == here


def test_small_books_and_one_job_render_here():
    assert article_pool.pool_size(article_pool.MIN_ARTICLES - 1, 4) == 1
    assert article_pool.pool_size(1000, 1) == 1


def _children(pid: int) -> set[int]:
    found = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        found.update(int(c) for c in (task / "children").read_text().split())
    return found


@needs_two_cpus
@pytest.mark.parametrize("delay", [0.0, 0.3, 0.8])
def test_ctrl_c_while_articles_render_stops_the_workers(tmp_path, delay):
    source = tmp_path / "src"
    source.mkdir()
    (source / "packager.toml").write_text('[book]\ntitle = "Big"\nauthors = ["A"]\n\n[output]\nformats = ["epub"]\n')
    paragraph = "A *sentence* about **sharing** what we know, with `code` and [a link](https://example.org). " * 15
    for i in range(400):
        body = "\n\n".join(f"## Part {j}\n\n{paragraph}" for j in range(10))
        (source / f"a{i:03d}.md").write_text(f"---\ntitle: Article {i}\n---\n\n{body}\n")
    process = subprocess.Popen(
        [sys.executable, "-m", "packager", "build", str(source), "-q"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "SOURCE_DATE_EPOCH": "1767225600"},
        start_new_session=True,  # its own process group, as a shell gives a job: Ctrl-C reaches every process
    )
    deadline = time.time() + 60
    workers: set[int] = set()
    while len(workers) < 2 and time.time() < deadline and process.poll() is None:
        time.sleep(0.01)
        workers = _children(process.pid)
    assert len(workers) >= 2, "the articles were not rendered in worker processes"
    time.sleep(delay)
    os.killpg(process.pid, signal.SIGINT)
    _, stderr = process.communicate(timeout=30)  # a worker stopped mid-result once left the build hanging here
    assert process.returncode == 130, stderr
    assert "Traceback" not in stderr and stderr.strip().count("\n") == 0 and "interrupted" in stderr
    assert not [pid for pid in workers if Path(f"/proc/{pid}").exists()]
    assert not (source / "dist").exists()
