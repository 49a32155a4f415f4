"""The sharded CI examples' building blocks: GitHub's and GitLab's matrix expansions, and packager's plan through them.

How GitHub and GitLab expand a matrix is in ci_matrix.py, tested here on their docs' own examples.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys

import pytest
from ci_matrix import github_matrix, gitlab_matrix, gitlab_parallel

from conftest import REPO

LIBRARY = REPO / "tests" / "cases" / "bundles" / "library"
INPUT = "9f2c" * 16  # a sha256 in hex, as plan prints it


def _plan(n: int) -> dict:
    """What `packager plan --shards n --json` prints (for fromJSON in a GitHub matrix)."""
    return {
        "include": [
            {
                "shard": f"{k}/{n}",
                "index": k,
                "total": n,
                "input": INPUT,
                "pages": 120.5 * k,
                "epubs": [f"book-{k}.epub"],
                "pdf_parts": [f"book-{k}/part-{k:03}"],
                "pdfs": [f"book-{k}.pdf"],
                "web_pages": 12,
            }
            for k in range(1, n + 1)
        ]
    }


def _plan_gitlab(n: int) -> list:
    """What `packager plan --shards n --gitlab` prints (the value of GitLab's parallel:matrix)."""
    return [{"SHARD": [f"{k}/{n}" for k in range(1, n + 1)]}]


def _shards(n: int) -> list[str]:
    return [f"{k}/{n}" for k in range(1, n + 1)]


# --------------------------------------------------------------------------- the expansions, on the docs' examples
# GitHub: https://docs.github.com/en/actions/how-tos/write-workflows/choose-what-workflows-do/run-job-variations
#         and https://docs.github.com/en/actions/reference/workflows-and-actions/workflow-syntax#jobsjob_idstrategymatrixinclude


def test_github_product_runs_in_the_order_of_the_keys():
    jobs = github_matrix({"version": [10, 12, 14], "os": ["ubuntu-latest", "windows-latest"]})
    assert [(j["version"], j["os"]) for j in jobs] == [
        (v, os_) for v in (10, 12, 14) for os_ in ("ubuntu-latest", "windows-latest")
    ]


def test_github_include_extends_originals_and_adds_what_fits_none():
    matrix = {
        "fruit": ["apple", "pear"],
        "animal": ["cat", "dog"],
        "include": [
            {"color": "green"},
            {"color": "pink", "animal": "cat"},
            {"fruit": "apple", "shape": "circle"},
            {"fruit": "banana"},
            {"fruit": "banana", "animal": "cat"},
        ],
    }
    assert github_matrix(matrix) == [
        {"fruit": "apple", "animal": "cat", "color": "pink", "shape": "circle"},
        {"fruit": "apple", "animal": "dog", "color": "green", "shape": "circle"},
        {"fruit": "pear", "animal": "cat", "color": "pink"},
        {"fruit": "pear", "animal": "dog", "color": "green"},
        {"fruit": "banana"},
        {"fruit": "banana", "animal": "cat"},
    ]


def test_github_include_adds_a_variable_to_the_one_matching_job():
    include = [{"os": "windows-latest", "node": 16, "npm": 6}]
    jobs = github_matrix({"os": ["windows-latest", "ubuntu-latest"], "node": [12, 14, 16], "include": include})
    assert len(jobs) == 6
    assert [j for j in jobs if "npm" in j] == include


def test_github_include_adds_jobs():
    version_17 = {"os": "windows-latest", "version": 17}
    matrix = {
        "os": ["macos-latest", "windows-latest", "ubuntu-latest"],
        "version": [12, 14, 16],
        "include": [version_17],
    }
    jobs = github_matrix(matrix)
    assert len(jobs) == 10 and jobs[-1] == version_17
    perl = {
        "os": ["ubuntu-latest"],
        "perl": ["5.16", "5.20", "5.26", "5.30", "latest"],
        "include": [{"os": "macos-latest", "perl": "5.26"}, {"os": "macos-latest", "perl": "latest"}],
    }
    assert len(github_matrix(perl)) == 7


def test_github_include_alone_makes_one_job_an_entry():
    include = [{"site": "production", "datacenter": "site-a"}, {"site": "staging", "datacenter": "site-b"}]
    assert github_matrix({"include": include}) == include


def test_github_exclude_drops_partial_matches_and_include_comes_after():
    matrix = {
        "os": ["macos-latest", "windows-latest"],
        "version": [12, 14, 16],
        "environment": ["staging", "production"],
        "exclude": [
            {"os": "macos-latest", "version": 12, "environment": "production"},
            {"os": "windows-latest", "version": 16},
        ],
    }
    jobs = github_matrix(matrix)
    assert len(jobs) == 9
    assert not [j for j in jobs if j["os"] == "windows-latest" and j["version"] == 16]
    back = {"os": "windows-latest", "version": 16, "environment": "staging"}
    assert github_matrix(matrix | {"include": [back]})[-1] == back


def test_github_matrix_is_capped():
    assert len(github_matrix({"n": list(range(256))})) == 256
    with pytest.raises(ValueError):
        github_matrix({"n": list(range(257))})


# GitLab: https://docs.gitlab.com/ci/yaml/#parallel, https://docs.gitlab.com/ci/yaml/#parallelmatrix
#         and https://docs.gitlab.com/ci/jobs/job_control/#run-a-one-dimensional-matrix-of-parallel-jobs


def test_gitlab_matrix_is_the_product_of_each_entry():
    matrix = [
        {"PROVIDER": "aws", "STACK": ["monitoring", "app1", "app2"]},
        {"PROVIDER": "ovh", "STACK": ["monitoring", "backup", "app"]},
        {"PROVIDER": ["gcp", "vultr"], "STACK": ["data", "processing"]},
    ]
    assert [(j["PROVIDER"], j["STACK"]) for j in gitlab_matrix(matrix)] == [
        ("aws", "monitoring"),
        ("aws", "app1"),
        ("aws", "app2"),
        ("ovh", "monitoring"),
        ("ovh", "backup"),
        ("ovh", "app"),
        ("gcp", "data"),
        ("gcp", "processing"),
        ("vultr", "data"),
        ("vultr", "processing"),
    ]
    assert gitlab_matrix([{"PROVIDER": ["aws", "ovh", "gcp", "vultr"]}]) == [
        {"PROVIDER": p} for p in ("aws", "ovh", "gcp", "vultr")
    ]


def test_gitlab_parallel_numbers_its_copies_and_both_are_capped():
    assert gitlab_parallel(5) == [{"CI_NODE_INDEX": str(i), "CI_NODE_TOTAL": "5"} for i in range(1, 6)]
    assert gitlab_parallel({"matrix": _plan_gitlab(2)}) == [{"SHARD": "1/2"}, {"SHARD": "2/2"}]
    with pytest.raises(ValueError):
        gitlab_parallel(201)
    with pytest.raises(ValueError):
        gitlab_matrix([{"A": [str(i) for i in range(20)], "B": [str(i) for i in range(11)]}])
    with pytest.raises(TypeError):  # the values are strings
        gitlab_matrix([{"SHARD": [1, 2]}])


@pytest.mark.parametrize("n", [3, 5])
def test_a_plan_expands_to_one_job_per_shard(n):
    jobs = github_matrix(_plan(n))
    assert jobs == _plan(n)["include"]  # an include-only matrix: each entry is one job, as it is
    assert [j["shard"] for j in jobs] == _shards(n)
    assert sorted(j["index"] for j in jobs) == list(range(1, n + 1)) and {j["total"] for j in jobs} == {n}
    assert [j["SHARD"] for j in gitlab_matrix(_plan_gitlab(n))] == _shards(n)


# --------------------------------------------------------------------------- the real `packager plan`


def _packager(*args, **kwargs) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(REPO), SOURCE_DATE_EPOCH="1767225600")
    command = [sys.executable, "-m", "packager", *map(str, args)]
    return subprocess.run(command, capture_output=True, text=True, timeout=600, env=env, **kwargs)


@pytest.fixture
def real_plan():
    # An expected failure, not a skip: under CI=true a skip fails the run (ci_skips.py), and this one waits
    # only for the plan command to land; it runs as soon as `packager plan --help` works.
    if _packager("plan", "--help").returncode != 0:
        pytest.xfail("needs packager plan")


def test_the_real_plan_expands_to_one_job_per_shard(real_plan, tmp_path):
    source = shutil.copytree(LIBRARY, tmp_path / "library")
    done = _packager("plan", source, "--shards", 3, "--json")
    assert done.returncode == 0, done.stderr
    jobs = github_matrix(json.loads(done.stdout))
    assert [j["shard"] for j in jobs] == _shards(3)
    assert [(j["index"], j["total"]) for j in jobs] == [(1, 3), (2, 3), (3, 3)]
    assert all(re.fullmatch(r"[0-9a-f]{64}", j["input"]) for j in jobs)
    done = _packager("plan", source, "--shards", 3, "--gitlab")
    assert done.returncode == 0, done.stderr
    assert [j["SHARD"] for j in gitlab_matrix(json.loads(done.stdout))] == _shards(3)
