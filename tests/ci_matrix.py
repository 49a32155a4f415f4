"""How GitHub Actions and GitLab CI turn one job's matrix into many jobs, written from their documented rules.

tests/test_ci_examples.py feeds packager's plan through these to check that the examples in examples/ci/
start exactly one job per shard. Neither service publishes its expansion code; these follow the docs and
are tested against the docs' own examples, so a difference from the real services is a bug here.
"""

from __future__ import annotations

import itertools
from typing import Any

# https://docs.github.com/en/actions/how-tos/write-workflows/choose-what-workflows-do/run-job-variations
GITHUB_MAX_JOBS = 256
# https://docs.gitlab.com/ci/yaml/#parallel and #parallelmatrix
GITLAB_MAX_JOBS = 200

Job = dict[str, Any]


def github_matrix(matrix: dict[str, Any]) -> list[Job]:
    """The jobs of a GitHub `strategy.matrix`, in the order GitHub creates them.

    1. Every key but include/exclude is a list of values; the jobs are their cartesian product, the first
       key varying slowest. With no such key there is no job yet (not one empty job).
    2. `exclude` drops each of those combinations that an entry matches (a partial match suffices).
    3. Each `include` entry, in order, is merged into every original combination it does not contradict:
       it may overwrite what an earlier entry added, never an original value. An entry that fits no
       original combination becomes a job of its own, and later entries never merge into such a job.
    """
    vectors = {key: values for key, values in matrix.items() if key not in ("include", "exclude")}
    for key, values in vectors.items():
        if not isinstance(values, list):
            raise TypeError(f"matrix key {key!r} must be a list of values, got {values!r}")
    # product() of no lists is one empty combination; GitHub makes none, so each include entry is a job.
    combos = itertools.product(*vectors.values()) if vectors else []
    originals = [dict(zip(vectors, combo, strict=True)) for combo in combos]
    originals = [combo for combo in originals if not any(_contains(combo, rule) for rule in matrix.get("exclude", []))]
    jobs = [dict(combo) for combo in originals]
    added: list[Job] = []
    for entry in matrix.get("include", []):
        fits = [job for combo, job in zip(originals, jobs, strict=True) if _agrees(combo, entry)]
        for job in fits:
            job.update(entry)
        if not fits:
            added.append(dict(entry))
    return _limited(jobs + added, GITHUB_MAX_JOBS, "GitHub")


def gitlab_matrix(matrix: list[dict[str, Any]]) -> list[dict[str, str]]:
    """The jobs of a GitLab `parallel:matrix`: each entry is the product of its values, entries in order.

    A value is a string or a list of strings (a lone string is one value); the first key varies slowest.
    """
    jobs: list[dict[str, str]] = []
    for entry in matrix:
        columns = [values if isinstance(values, list) else [values] for values in entry.values()]
        for key, values in zip(entry, columns, strict=True):
            if not all(isinstance(value, str) for value in values):
                raise TypeError(f"parallel:matrix variable {key!r} must hold strings, got {values!r}")
        jobs += [dict(zip(entry, combo, strict=True)) for combo in itertools.product(*columns)]
    return _limited(jobs, GITLAB_MAX_JOBS, "GitLab")


def gitlab_parallel(parallel: int | dict[str, Any]) -> list[dict[str, str]]:
    """The jobs of a GitLab `parallel:` value, each as the variables GitLab gives it.

    `parallel: N` starts N copies, numbered by CI_NODE_INDEX (1 to N) out of CI_NODE_TOTAL (N);
    `parallel: {matrix: [...]}` starts the matrix's jobs.
    """
    if isinstance(parallel, dict):
        return gitlab_matrix(parallel["matrix"])
    if isinstance(parallel, bool) or not isinstance(parallel, int) or parallel < 1:
        raise TypeError(f"parallel must be a whole number from 1 to {GITLAB_MAX_JOBS}, got {parallel!r}")
    jobs = [{"CI_NODE_INDEX": str(i), "CI_NODE_TOTAL": str(parallel)} for i in range(1, parallel + 1)]
    return _limited(jobs, GITLAB_MAX_JOBS, "GitLab")


def _contains(combo: Job, rule: Job) -> bool:
    """Whether combo holds every key and value of rule (how an exclude entry matches)."""
    return all(key in combo and combo[key] == value for key, value in rule.items())


def _agrees(original: Job, entry: Job) -> bool:
    """Whether entry can be merged into this original combination without changing an original value."""
    return all(original.get(key, value) == value for key, value in entry.items())


def _limited(jobs: list, most: int, service: str) -> list:
    if len(jobs) > most:
        raise ValueError(f"{service} starts at most {most} jobs from one matrix; this one makes {len(jobs)}")
    return jobs
