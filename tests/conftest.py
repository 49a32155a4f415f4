"""Shared fixtures: real builds of the example and of the real-world corpora."""

from __future__ import annotations

import os
import shutil
import signal
import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
sys.path.insert(0, str(TESTS))

from packager.build import BuildRequest, run  # noqa: E402

from validators import require_tool  # noqa: E402

pytest_plugins = ["ci_skips"]  # under CI=true every skip fails the run

# A shell that starts a job in the background ignores Ctrl-C for it, and an ignored signal stays ignored
# in every process it starts: the tests that send SIGINT to a build need it to reach the build.
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)

REPO = TESTS.parent
EXAMPLE = REPO / "examples" / "handbook"
CORPORA = REPO.parent / "shared" / "corpora"


def corpus(name: str) -> Path:
    """A real-world corpus from ../shared/corpora: skipped when absent on a laptop, failed in CI."""
    path = CORPORA / name
    require_tool(f"corpus {name}", path.is_dir(), f"expected at {path}")
    return path


@pytest.fixture(scope="session", autouse=True)
def _part_cache_folder(tmp_path_factory):
    """Keep laid-out PDF parts in a folder of this test session, never in the user's cache."""
    previous = os.environ.get("PACKAGER_CACHE_DIR")
    os.environ["PACKAGER_CACHE_DIR"] = str(tmp_path_factory.mktemp("part-cache"))
    yield
    if previous is None:
        os.environ.pop("PACKAGER_CACHE_DIR", None)
    else:
        os.environ["PACKAGER_CACHE_DIR"] = previous


def write_tree(folder: Path, files: dict[str, str]) -> Path:
    """Write each file (path relative to folder: its text) below folder, and give folder back."""
    for rel, text in files.items():
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return folder


def build_into(source: Path, output: Path, **options):
    """Build source into output with a fixed SOURCE_DATE_EPOCH."""
    previous = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = "1767225600"  # 2026-01-01
    try:
        return run(BuildRequest(source=source, output=output, **options))
    finally:
        if previous is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = previous


@pytest.fixture(scope="session")
def example_build(tmp_path_factory):
    """The handbook example, built once for the whole session."""
    return build_into(EXAMPLE, tmp_path_factory.mktemp("example") / "dist")


@pytest.fixture(scope="session")
def guide_build(tmp_path_factory):
    """The opensource.guide corpus (raw HTML, forms, remote avatars), built once."""
    return build_into(corpus("opensource-guide"), tmp_path_factory.mktemp("guide") / "dist")


@pytest.fixture(scope="session")
def hugo_build(tmp_path_factory):
    """The hugo-docs corpus, built once for the session."""
    return build_into(corpus("hugo-docs"), tmp_path_factory.mktemp("hugo") / "dist")


@pytest.fixture(scope="session")
def mkdocs_build(tmp_path_factory):
    """The mkdocs-site corpus (Material for MkDocs' own documentation), both books built once for the session."""
    return build_into(corpus("mkdocs-site"), tmp_path_factory.mktemp("mkdocs") / "dist", formats=("epub", "pdf"))


def themed_example(folder: Path, theme: str) -> Path:
    """A copy of the example whose packager.toml chooses theme."""
    source = folder / "example"
    shutil.copytree(EXAMPLE, source, ignore=shutil.ignore_patterns("dist", ".dist.packager.json"))
    config = source / "packager.toml"
    text = config.read_text(encoding="utf-8")
    assert "[output]" not in text, "the example has an [output] table now: set the theme inside it"
    config.write_text(text + f'\n[output]\ntheme = "{theme}"\n', encoding="utf-8")
    return source


@pytest.fixture(scope="session")
def theme_builds(tmp_path_factory):
    """The example (EPUB, PDF and site) built once per built-in theme: {theme: BuildResult}; .output is its dist/."""
    from packager.project import themes

    built = {}
    for theme in themes.available():
        folder = tmp_path_factory.mktemp(f"theme-{theme}")
        built[theme] = build_into(themed_example(folder, theme), folder / "dist")
    return built


@pytest.fixture(params=["example_build", "guide_build"])
def any_build(request):
    """Each real build in turn."""
    return request.getfixturevalue(request.param)


def article_context(source_dir: Path, text: str, links=None, dialect=None):
    """The context for rendering text as doc.md (slug doc) of a book, with its own Diagnostics."""
    from packager.content.context import ArticleContext
    from packager.content.linkmap import LinkMap
    from packager.diagnostics import Diagnostics
    from packager.project.dialect import MarkdownDialect

    return ArticleContext(
        source_dir=source_dir,
        rel="doc.md",
        slug="doc",
        body_line=1,
        body=text,
        links=links or LinkMap([("doc.md", "doc", {})]),
        assets={},
        diagnostics=Diagnostics(),
        dialect=dialect or MarkdownDialect(),
    )


def book_file(result, suffix: str) -> Path:
    """The one output of a build with the given suffix."""
    matches = [result.output / o.path for o in result.outputs if o.path.endswith(suffix)]
    assert len(matches) == 1, f"expected one {suffix} output, got {matches}"
    return matches[0]
