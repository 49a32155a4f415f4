"""--jobs is turned into a worker count once (workers.worker_count), and both pools take that count."""

from __future__ import annotations

import os

import pytest

from packager import workers
from packager.render.pdf import parallel, plan

from bookgen import make_book
from conftest import build_into
from validators import require_tool


def test_worker_count_is_jobs_else_the_usable_cpus():
    assert workers.worker_count(1) == 1
    assert workers.worker_count(3) == 3
    assert workers.worker_count(None) == len(os.sched_getaffinity(0))


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    """24 short articles (the Markdown pool starts at 16), cut into PDF parts of ~8 pages."""
    return make_book(tmp_path_factory.mktemp("jobs") / "source", articles=24, seed=11)


@pytest.mark.parametrize("jobs", [1, 2])
def test_jobs_sets_the_size_of_both_pools(jobs, book, tmp_path, monkeypatch):
    """--jobs 1: no worker process at all (both pools run in this process); --jobs 2: two workers in each."""
    require_tool("two CPUs on Linux", len(os.sched_getaffinity(0)) >= 2, "the Markdown pool forks only there")
    started: list[int] = []
    real_pool = workers.process_pool

    def process_pool(count, *args, **kwargs):
        started.append(count)
        return real_pool(count, *args, **kwargs)

    parted: list[int] = []
    real_parts = parallel.render_in_parts

    def render_in_parts(ctx, runs, *args):
        parted.append(len(runs))
        return real_parts(ctx, runs, *args)

    monkeypatch.setattr(workers, "process_pool", process_pool)
    monkeypatch.setattr(parallel, "render_in_parts", render_in_parts)
    monkeypatch.setattr(plan, "CHUNK_PAGES", 8)
    monkeypatch.setattr(plan, "MIN_SPLIT_PAGES", 16)
    build_into(book, tmp_path / "dist", jobs=jobs, use_cache=False)
    assert parted and parted[0] >= 2, "the PDF was not laid out in parts"
    assert started == ([] if jobs == 1 else [2, 2])  # the Markdown pool, then the PDF parts' pool
