"""The suite's own rules: under CI=true nothing passes by skipping, and no golden file is rewritten."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

TESTS = Path(__file__).parent

SKIPPING = """
import pytest

def test_skips():
    pytest.skip("a tool is missing")

def test_imports_or_skips():
    pytest.importorskip("a_module_that_is_not_there")

@pytest.fixture
def needs_tool():
    pytest.skip("the fixture's tool is missing")

def test_fixture_skips(needs_tool):
    pass

@pytest.mark.xfail(reason="known", strict=False)
def test_expected_failure():
    assert False
"""


def _run(folder: Path, ci: str | None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    if ci is not None:
        env["CI"] = ci
    env["PYTHONPATH"] = str(TESTS)
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "ci_skips", "-q", "-p", "no:cacheprovider", "-rA", str(folder)],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        cwd=folder,
    )


def test_every_kind_of_skip_fails_under_ci_and_skips_elsewhere(tmp_path):
    (tmp_path / "test_skipping.py").write_text(SKIPPING)
    ci = _run(tmp_path, "true")
    assert ci.returncode == 1, ci.stdout
    assert "2 failed, 1 xfailed, 1 error" in ci.stdout, ci.stdout  # a skip in a fixture fails its setup
    assert ci.stdout.count("skipped under CI=true") >= 3
    laptop = _run(tmp_path, None)
    assert laptop.returncode == 0, laptop.stdout
    assert "3 skipped, 1 xfailed" in laptop.stdout, laptop.stdout


def _golden_files() -> dict[str, bytes]:
    cases = TESTS / "cases"
    return {p.relative_to(cases).as_posix(): p.read_bytes() for p in sorted(cases.rglob("expected*/*"))}


def _golden_run(env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            str(TESTS / "test_preprocess.py"),
            "-k",
            "golden",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        env={**{k: v for k, v in os.environ.items() if k not in ("CI", "UPDATE_GOLDEN")}, **env},
    )


def test_golden_files_are_rewritten_only_by_update_golden_1_and_never_in_ci(monkeypatch):
    from test_preprocess import updating_golden

    monkeypatch.delenv("CI", raising=False)
    for value, rewrites in (("1", True), ("0", False), ("yes", False), ("", False)):
        monkeypatch.setenv("UPDATE_GOLDEN", value)
        assert updating_golden() is rewrites, value
    before = _golden_files()
    in_ci = _golden_run({"CI": "true", "UPDATE_GOLDEN": "1"})
    assert in_ci.returncode == 1 and "never rewritten in CI" in in_ci.stdout, in_ci.stdout
    assert _golden_files() == before
