"""The sharded CI examples in examples/ci/: valid for their services, and wired so that one job runs per shard.

How GitHub and GitLab expand a matrix is in ci_matrix.py, tested here on their docs' own examples. The
examples' shell steps run for real under bash, with a stand-in `packager` on PATH that records its
arguments, and artifacts are handed from job to job the way the services document it: a test sees the
command lines each job would run.
"""

from __future__ import annotations

import fnmatch
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from ci_matrix import github_matrix, gitlab_matrix, gitlab_parallel

from conftest import REPO
from validators import require_tool

GITHUB = REPO / "examples" / "ci" / "github-matrix.yml"
GITLAB = REPO / "examples" / "ci" / "gitlab-ci.yml"
LIBRARY = REPO / "tests" / "cases" / "bundles" / "library"
INPUT = "9f2c" * 16  # a sha256 in hex, as plan prints it


def _load(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


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


# --------------------------------------------------------------------------- the services' schemas


def _check_jsonschema() -> str:
    beside = Path(sys.executable).with_name("check-jsonschema")
    tool = str(beside) if beside.is_file() else shutil.which("check-jsonschema")
    require_tool("check-jsonschema", tool is not None, "pip install check-jsonschema (it is in the test extra)")
    return tool


def _schema_errors(tool: str, schema: str, path: Path) -> str | None:
    """check-jsonschema's complaint about path, or None. Its SchemaStore schemas are vendored: no network."""
    done = subprocess.run([tool, "--builtin-schema", schema, str(path)], capture_output=True, text=True, timeout=120)
    return None if done.returncode == 0 else done.stdout + done.stderr


@pytest.mark.parametrize(
    ("example", "schema", "break_it"),
    [
        (GITHUB, "vendor.github-workflows", lambda w: w["jobs"]["deploy"].pop("runs-on")),
        (GITLAB, "vendor.gitlab-ci", lambda c: c["shard"].update(parallel=201)),
    ],
    ids=["github", "gitlab"],
)
def test_example_is_valid_for_its_service(example, schema, break_it, tmp_path):
    tool = _check_jsonschema()
    assert _schema_errors(tool, schema, example) is None, _schema_errors(tool, schema, example)
    broken = _load(example)  # and the check does look: the same file, broken, fails it
    break_it(broken)
    (tmp_path / example.name).write_text(yaml.safe_dump(broken), encoding="utf-8")
    assert _schema_errors(tool, schema, tmp_path / example.name)


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


def test_the_real_plan_expands_to_one_job_per_shard(tmp_path):
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


def test_the_examples_use_options_packager_has():
    for command, options in {"build": ["--shard", "-o", "--strict"], "assemble": ["-o"], "validate": []}.items():
        done = _packager(command, "--help")
        assert done.returncode == 0, done.stderr
        assert all(option in done.stdout for option in options), (command, done.stdout)
    assert "--allow-missing" in _packager("validate", "--help").stdout  # the examples' comments name it


# --------------------------------------------------------------------------- running the examples' steps

STAND_IN = """\
import json, os, pathlib, sys
args = sys.argv[1:]
with open(os.environ["STAND_IN_LOG"], "a", encoding="utf-8") as log:
    log.write(json.dumps(args) + "\\n")
if args[:1] == ["plan"]:
    sys.stdout.write(pathlib.Path(os.environ["STAND_IN_PLAN"]).read_text(encoding="utf-8"))
elif args[:1] == ["--version"]:
    print("packager, version 0.1.0")
elif args[:1] == ["build"]:
    out = pathlib.Path(args[args.index("-o") + 1])
    out.mkdir(parents=True)
    (out / "packager-shard.json").write_text(json.dumps({"shard": args[args.index("--shard") + 1]}))
"""


class StandIn:
    """A `packager` on PATH that records each call, prints a given plan and writes a shard's manifest."""

    def __init__(self, folder: Path, plan: str = ""):
        (folder / "bin").mkdir()
        script = folder / "bin" / "packager"
        script.write_text(f"#!{sys.executable}\n{STAND_IN}", encoding="utf-8")
        script.chmod(0o755)
        (folder / "plan.json").write_text(plan, encoding="utf-8")
        self.log = folder / "calls.jsonl"
        self.env = {
            "PATH": f"{folder / 'bin'}{os.pathsep}{os.environ['PATH']}",
            "STAND_IN_LOG": str(self.log),
            "STAND_IN_PLAN": str(folder / "plan.json"),
        }

    def run(self, script: str, cwd: Path, env: dict[str, str]) -> None:
        """Run script as GitHub's `shell: bash` and GitLab's bash do: -e and pipefail."""
        cwd.mkdir(parents=True, exist_ok=True)
        command = ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script]
        done = subprocess.run(command, cwd=cwd, env={**os.environ, **env, **self.env}, capture_output=True, text=True)
        assert done.returncode == 0, (script, done.stdout, done.stderr)

    def calls(self, command: str) -> list[list[str]]:
        lines = self.log.read_text(encoding="utf-8").splitlines() if self.log.exists() else []
        return [args for args in map(json.loads, lines) if args[:1] == [command]]


def _files(root: Path, hidden: bool) -> dict[str, bytes]:
    """The files below root by relative path (what an artifact of root holds)."""
    found = {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}
    return {rel: data for rel, data in found.items() if hidden or not any(s.startswith(".") for s in rel.split("/"))}


def _unpack(files: dict[str, bytes], into: Path) -> None:
    for rel, data in files.items():
        (into / rel).parent.mkdir(parents=True, exist_ok=True)
        (into / rel).write_bytes(data)


# GitHub: ${{ a.b.c }} is a context lookup; the steps run here use no functions.
EXPRESSION = re.compile(r"\$\{\{\s*([\w.-]+)\s*\}\}")
FROM_PLAN = r"\$\{\{\s*fromJSON\(needs\.plan\.outputs\.matrix\)\s*\}\}"  # the shard job's whole matrix


def _render(text, contexts: dict) -> str:
    def lookup(match: re.Match) -> str:
        node = contexts
        for name in match.group(1).split("."):
            node = node[name]
        return str(node)

    return EXPRESSION.sub(lookup, str(text))


def _step(job: dict, *, uses: str | None = None, runs: str | None = None) -> dict:
    found = [
        s for s in job["steps"] if (uses and s.get("uses", "").startswith(uses)) or (runs and runs in s.get("run", ""))
    ]
    assert len(found) == 1, (uses, runs, found)
    return found[0]


def _github_run(stand_in: StandIn, step: dict, ws: Path, contexts: dict) -> dict[str, str]:
    """Run a `run:` step in workspace ws; give back what it wrote to $GITHUB_OUTPUT."""
    output = ws / ".github-output"
    env = {k: _render(v, contexts) for k, v in (contexts["env"] | step.get("env", {})).items()}
    stand_in.run(_render(step["run"], contexts), ws, env | {"GITHUB_OUTPUT": str(output), "GITHUB_ENV": "/dev/null"})
    lines = output.read_text(encoding="utf-8").splitlines() if output.exists() else []
    outputs = dict(line.split("=", 1) for line in lines)
    output.unlink(missing_ok=True)
    return outputs


def test_github_checkouts_have_the_history_and_the_pages_job_its_permissions():
    jobs = _load(GITHUB)["jobs"]
    for name in ("plan", "shard", "assemble"):  # every job that reads the sources: commit time and tags
        assert _step(jobs[name], uses="actions/checkout")["with"]["fetch-depth"] == 0, name
    assert jobs["shard"]["needs"] == "plan" and jobs["assemble"]["needs"] == "shard"
    assert jobs["shard"]["strategy"]["fail-fast"] is False
    deploy = jobs["deploy"]
    assert deploy["needs"] == "assemble" and deploy["if"] == "github.ref == 'refs/heads/main'"
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["environment"]["name"] == "github-pages"
    assert _step(deploy, uses="actions/deploy-pages")["id"] == "deployment"


@pytest.mark.parametrize("n", [3, 5])
def test_github_plan_output_becomes_one_shard_job_each_and_assemble_gets_them_all(n, tmp_path):
    workflow = _load(GITHUB)
    jobs = workflow["jobs"]
    require_tool("jq", shutil.which("jq") is not None, "apt-get install jq (GitHub's runners have it)")
    stand_in = StandIn(tmp_path, json.dumps(_plan(n), indent=2))  # pretty: the step must make it one line

    def contexts(ws: Path, **more) -> dict:
        github = {"workspace": str(ws)}
        env = {k: _render(v, {"github": github}) for k, v in workflow["env"].items()}
        return {"github": github, "env": env, "runner": {"os": "Linux"}} | more

    # plan: its step's output is the job's output, and the shard job's matrix is exactly that, parsed.
    plan_ws = tmp_path / "plan"
    outputs = _github_run(stand_in, _step(jobs["plan"], runs="packager plan"), plan_ws, contexts(plan_ws))
    assert stand_in.calls("plan") == [["plan", "book", "--shards", "3", "--json"]]
    matrix = _render(jobs["plan"]["outputs"]["matrix"], {"steps": {"plan": {"outputs": outputs}}})
    assert re.fullmatch(FROM_PLAN, jobs["shard"]["strategy"]["matrix"])
    expanded = github_matrix(json.loads(matrix))
    assert [job["shard"] for job in expanded] == _shards(n)

    # shard: each job builds its own shard and uploads it under a name of its own; keys are per shard.
    shard, artifacts, keys = jobs["shard"], {}, set()
    for job in expanded:
        ws = tmp_path / f"shard-{job['index']}"
        context = contexts(ws, matrix=job, steps={"install": {"outputs": {"version": "0.1.0"}}})
        assert _render(shard["name"], context) == f"shard {job['shard']}"
        _github_run(stand_in, _step(shard, runs="packager build"), ws, context)
        cache = {k: _render(v, context) for k, v in _step(shard, uses="actions/cache")["with"].items()}
        assert cache["path"] == str(ws / ".packager-cache") == context["env"]["PACKAGER_CACHE_DIR"]
        assert all(cache["key"].startswith(prefix) for prefix in cache["restore-keys"].split())
        assert all(part in cache["key"] for part in ("Linux", "0.1.0", f"shard-{job['index']}-of-{n}", INPUT))
        keys.add(cache["key"])
        upload = {k: _render(v, context) for k, v in _step(shard, uses="actions/upload-artifact")["with"].items()}
        artifacts[upload["name"]] = _files(ws / upload["path"], hidden=False)  # a folder's artifact: its contents
    assert [call[1:] for call in stand_in.calls("build")] == [
        ["book", "--shard", f"{k}/{n}", "-o", f"shards/{k}", "--strict"] for k in range(1, n + 1)
    ]
    assert len(artifacts) == len(keys) == n
    install = _step(shard, runs="pip install")
    assert install["id"] == "install" and "version=" in install["run"] and "GITHUB_OUTPUT" in install["run"]

    # assemble: download every shard artifact into one folder, join, validate, hand dist/ to Pages.
    ws = tmp_path / "assemble"
    download = _step(jobs["assemble"], uses="actions/download-artifact")["with"]
    assert download["merge-multiple"] is True
    for name, files in artifacts.items():
        assert fnmatch.fnmatchcase(name, download["pattern"])
        _unpack(files, ws / download["path"])
    for runs in ("packager assemble", "packager validate"):
        _github_run(stand_in, _step(jobs["assemble"], runs=runs), ws, contexts(ws))
    assert stand_in.calls("assemble") == [["assemble", *(f"shards/{k}" for k in range(1, n + 1)), "-o", "dist"]]
    assert stand_in.calls("validate") == [["validate", "dist"]]
    assert _step(jobs["assemble"], uses="actions/upload-pages-artifact")["with"]["path"] == "dist"


def _gitlab_env(variables: dict, **given: str) -> dict[str, str]:
    """The job's variables as the runner exports them: given ones first, references to earlier ones expanded."""
    env = dict(given)
    for key, value in variables.items():
        env[key] = re.sub(r"\$\{?(\w+)\}?", lambda m: env.get(m.group(1), m.group(0)), str(value))
    return env


def test_gitlab_copies_build_one_shard_each_and_assemble_gets_them_all(tmp_path):
    config = _load(GITLAB)
    variables, stand_in = config["variables"], StandIn(tmp_path)
    assert variables["GIT_DEPTH"] == "0"  # the commit time and the tags (git describe)

    # shard: copy K of parallel: N asks for K/N, exactly the shards `plan --shards N --gitlab` lists.
    shard, artifacts, keys = config["shard"], {}, set()
    copies = gitlab_parallel(shard["parallel"])
    n = len(copies)
    for copy in copies:
        ws = tmp_path / f"shard-{copy['CI_NODE_INDEX']}"
        env = _gitlab_env(variables, CI_PROJECT_DIR=str(ws), **copy)
        stand_in.run("\n".join(shard["script"]), ws, env)
        key = _gitlab_env({"key": shard["cache"]["key"]}, **env)["key"]
        assert "/" not in key and "$" not in key  # GitLab refuses a slash in a cache key
        keys.add(key)
        assert shard["cache"]["paths"] == [".packager-cache/"]  # inside the project, where cache: can reach
        assert Path(env["PACKAGER_CACHE_DIR"]) == ws / ".packager-cache"
        files = _files(ws, hidden=True)  # a job's artifact: the paths it names, below the project folder
        artifacts |= {rel: data for rel, data in files.items() if rel.startswith(tuple(shard["artifacts"]["paths"]))}
    asked = [call[call.index("--shard") + 1] for call in stand_in.calls("build")]
    assert asked == [job["SHARD"] for job in gitlab_matrix(_plan_gitlab(n))]
    assert len(keys) == n

    # assemble: needs every copy (a plain need of a parallel job is all of its copies), with artifacts.
    assemble, ws = config["assemble"], tmp_path / "assemble"
    assert assemble["needs"] == ["shard"]
    _unpack(artifacts, ws)
    stand_in.run("\n".join(assemble["script"]), ws, _gitlab_env(variables, CI_PROJECT_DIR=str(ws)))
    assert stand_in.calls("assemble") == [["assemble", *(f"shards/{k}" for k in range(1, n + 1)), "-o", "dist"]]
    assert stand_in.calls("validate") == [["validate", "dist"]]
    assert assemble["artifacts"]["paths"] == ["dist/"]

    # pages: publishes dist/ as public/, on the default branch only.
    pages, ws = config["pages"], tmp_path / "pages"
    assert pages["needs"] == ["assemble"] and pages["rules"] == [{"if": "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH"}]
    (ws / "dist").mkdir(parents=True)
    (ws / "dist" / "index.html").write_text("<!doctype html>", encoding="utf-8")
    stand_in.run("\n".join(pages["script"]), ws, {})
    assert pages["artifacts"]["paths"] == ["public"] and (ws / "public" / "index.html").is_file()
