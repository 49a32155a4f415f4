"""A build shared out over shards: plan -> build --shard K/N -> assemble gives one build's dist/, byte for byte.

One generated project (150 articles, two bundles, EPUB and PDF, the web edition; the larger PDF has over 300
pages, both are laid out in parts) is built once as a whole, then as 3 and as 5 shards, each shard in its own
temp folder with its own empty part cache, through the real command line. The refusals use the small bundles
fixture, whose shards take seconds.
"""

from __future__ import annotations

import filecmp
import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bookgen import make_book
from conftest import REPO

LIBRARY = REPO / "tests" / "cases" / "bundles" / "library"
EPOCH = "1767225600"  # 2026-01-01


def packager(*args: str, cache: Path, cwd: Path) -> subprocess.CompletedProcess:
    """Run the packager command as CI would, with its own part cache and the fixed build time."""
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "PACKAGER_CACHE_DIR": str(cache)}
    return subprocess.run(
        [sys.executable, "-m", "packager", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=900
    )


def ok(result: subprocess.CompletedProcess) -> subprocess.CompletedProcess:
    assert result.returncode == 0, result.stderr[-3000:]
    return result


def tree(folder: Path) -> dict[str, str]:
    """Every file below folder, by its path, to its sha256."""
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def sharded(source: Path, total: int, root: Path) -> tuple[Path, dict, list[Path]]:
    """plan --shards total, each shard in a folder (and cache) of its own, then assemble: dist/, the plan, shards."""
    plan = json.loads(
        ok(packager("plan", str(source), "--shards", str(total), "--json", cache=root / "c", cwd=root)).stdout
    )
    folders = []
    for item in plan["include"]:
        runner = root / f"runner-{item['index']}"  # a fresh machine: its own folder and an empty cache
        runner.mkdir()
        out = runner / "shard"
        ok(packager("build", str(source), "--shard", item["shard"], "-o", str(out), cache=runner / "cache", cwd=root))
        folders.append(out)
    dist = root / "dist"
    ok(packager("assemble", *map(str, folders), "-o", str(dist), cache=root / "assemble-cache", cwd=root))
    return dist, plan, folders


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    root = make_book(tmp_path_factory.mktemp("sharded") / "src", articles=150, seed=11)
    config = root / "packager.toml"
    text = config.read_text(encoding="utf-8").replace('formats = ["pdf"]', 'formats = ["epub", "pdf"]')
    text = text.replace("[book]\n", '[book]\nbase_url = "https://books.example.org/pieces/"\n')
    text += (
        '\n[[bundles]]\nslug = "every-piece"\ntitle = "Every Piece"\ninclude = ["*.md"]\n'
        '\n[[bundles]]\nslug = "some-pieces"\ntitle = "Some of the Pieces"\n'
        'include = ["piece-1*.md", "piece-2*.md", "piece-3*.md"]\n'
    )
    config.write_text(text, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def builds(project, tmp_path_factory):
    whole = tmp_path_factory.mktemp("whole")
    ok(packager("build", str(project), "-o", str(whole / "dist"), cache=whole / "cache", cwd=whole))
    three = sharded(project, 3, tmp_path_factory.mktemp("three"))
    five = sharded(project, 5, tmp_path_factory.mktemp("five"))
    return whole / "dist", three, five


def _pages(pdf: Path) -> int:
    import pikepdf

    with pikepdf.open(pdf) as document:
        return len(document.pages)


def test_the_project_is_big_enough_to_be_worth_sharding(builds):
    whole, (_, plan, _), _ = builds
    pages = {p.name: _pages(p) for p in whole.rglob("*.pdf")}
    assert max(pages.values()) > 300, pages
    assert len(pages) == 2
    parts = [name for item in plan["include"] for name in item["pdf_parts"]]
    assert {name.split("/")[0] for name in parts} == {"every-piece", "some-pieces"}, parts


@pytest.mark.parametrize("which", [1, 2], ids=["3 shards", "5 shards"])
def test_sharded_builds_are_byte_identical_to_one_build(builds, which):
    whole, shards = builds[0], builds[which][0]
    expected, found = tree(whole), tree(shards)
    assert sorted(found) == sorted(expected)
    differ = [path for path in expected if expected[path] != found[path]]
    assert not differ, differ[:10]
    assert len(expected) > 150  # books, ZIPs, pages, the web edition's 150 article pages


@pytest.mark.parametrize("which", [1, 2], ids=["3 shards", "5 shards"])
def test_the_plan_shares_every_piece_out_once_and_the_shards_make_just_theirs(builds, which):
    _, plan, folders = builds[which]
    items = plan["include"]
    total = len(folders)
    assert [i["shard"] for i in items] == [f"{k}/{total}" for k in range(1, total + 1)]
    assert len({i["input"] for i in items}) == 1
    pieces = [n for i in items for n in i["epubs"] + i["pdfs"] + i["pdf_parts"]]
    assert len(pieces) == len(set(pieces))
    # The EPUBs take the PDFs' page lists, which need every part: assemble makes them, after the PDFs.
    assert [p for p in pieces if p.endswith(".epub")] == []
    assert {p.partition("#")[0] for p in pieces} == {"every-piece/every-piece.pdf", "some-pieces/some-pieces.pdf"}
    loads = [i["pages"] for i in items]
    assert max(loads) < 1.6 * min(loads), loads  # balanced by estimated pages
    for item, folder in zip(items, folders, strict=True):
        manifest = json.loads((folder / "packager-shard.json").read_text(encoding="utf-8"))
        assert manifest["pieces"] == sorted(item["epubs"] + item["pdfs"] + item["pdf_parts"])
        books = {f["path"] for f in manifest["files"] if not f.get("web")}
        assert books == set(item["epubs"] + item["pdfs"])
        assert sum(1 for f in manifest["files"] if f.get("web")) >= item["web_pages"]
        stored = [p for p in (folder / "parts").rglob("*") if p.is_file()]
        assert manifest["parts"] == len(stored) >= len(item["pdf_parts"])


# The refusals: the small bundles fixture, sharded in three.


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    root = tmp_path_factory.mktemp("small")
    source = root / "library"
    shutil.copytree(LIBRARY, source)
    dist, _, folders = sharded(source, 3, root)
    return root, source, dist, folders


def _refused(result: subprocess.CompletedProcess, *words: str) -> str:
    assert result.returncode == 2, (result.returncode, result.stderr)
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1 and result.stderr.rstrip().endswith(errors[0]), result.stderr  # after any warnings
    assert "Traceback" not in result.stderr
    for word in words:
        assert word in errors[0], errors[0]
    return errors[0]


def _assemble_refused(small, folders, *words, source: Path | None = None) -> None:
    root, _, dist, _ = small
    before = tree(dist)
    extra = ["--source", str(source)] if source else []
    result = packager("assemble", *map(str, folders), *extra, "-o", str(dist), cache=root / "c", cwd=root)
    _refused(result, *words)
    assert tree(dist) == before  # the output folder is left as it was


def test_assemble_refuses_a_missing_shard(small):
    _assemble_refused(small, small[3][:2], "shard 3/3 missing", "give all 3 shards")


def test_assemble_refuses_a_shard_given_twice(small):
    root, folders = small[0], small[3]
    twin = root / "twin-of-2"
    if not twin.exists():
        shutil.copytree(folders[1], twin)
    _assemble_refused(small, [*folders, twin], "shard 2/3 is given twice")


def test_assemble_refuses_a_shard_built_from_an_edited_source(small):
    root, source, _, folders = small
    edited = root / "edited" / "library"
    shutil.copytree(source, edited)
    page = edited / "fixing" / "zips.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nOne more sentence, added after the plan.\n", "utf-8")
    out = root / "edited-shard-2"
    ok(packager("build", str(edited), "--shard", "2/3", "-o", str(out), cache=root / "edited-cache", cwd=root))
    _assemble_refused(small, [folders[0], out, folders[2]], "shard 2/3 was built from other inputs")
    # and the shards of the plan, assembled against the edited source
    _assemble_refused(small, folders, "the source has changed since the shards were built", source=edited)


def test_assemble_refuses_a_file_edited_in_a_shard(small):
    root, _, _, folders = small
    broken = root / "broken-1"
    if not broken.exists():
        shutil.copytree(folders[0], broken)
    manifest = json.loads((broken / "packager-shard.json").read_text(encoding="utf-8"))
    victim = broken / "files" / manifest["files"][0]["path"]
    victim.write_bytes(victim.read_bytes() + b"\n")
    _assemble_refused(small, [broken, *folders[1:]], "changed after its shard was built")


@pytest.mark.parametrize(
    ("key", "value", "words"),
    [
        ("packager", "0.0.1", "was built by packager 0.0.1"),
        ("environment", "0" * 64, "with other libraries or fonts"),
        ("total", 4, "belongs to a plan of 4 shards"),
    ],
)
def test_assemble_refuses_a_shard_of_another_version_machine_or_plan(small, key, value, words):
    root, _, _, folders = small
    other = root / f"other-{key}"
    if not other.exists():
        shutil.copytree(folders[2], other)
    path = other / "packager-shard.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    manifest[key] = value
    path.write_text(json.dumps(manifest), encoding="utf-8")
    _assemble_refused(small, [*folders[:2], other], words)


def test_assemble_refuses_folders_that_are_not_shards(small):
    root, source, _, folders = small
    _assemble_refused(small, [source, *folders[1:]], "not a shard")


def test_the_small_library_assembles_into_what_one_build_gives(small, tmp_path):
    root, source, dist, _ = small
    ok(packager("build", str(source), "-o", str(tmp_path / "one"), cache=tmp_path / "c", cwd=root))
    assert not filecmp.dircmp(tmp_path / "one", dist).diff_files
    assert tree(tmp_path / "one") == tree(dist)


def test_a_sharded_build_needs_a_fixed_build_time(small, tmp_path):
    root, source, _, _ = small
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    result = subprocess.run(
        [sys.executable, "-m", "packager", "build", str(source), "--shard", "1/2", "-o", str(tmp_path / "s")],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    _refused(result, "a sharded build needs a fixed build time", "SOURCE_DATE_EPOCH")
    assert not (tmp_path / "s").exists()


@pytest.mark.parametrize("given", ["3", "0/2", "3/2", "a/b"])
def test_a_bad_shard_option_is_one_line(small, tmp_path, given):
    root, source, _, _ = small
    result = packager("build", str(source), "--shard", given, "-o", str(tmp_path / "s"), cache=tmp_path, cwd=root)
    _refused(result, "--shard")


def test_the_shards_inside_the_source_are_never_read_as_input(small, tmp_path):
    """A shard's folder inside SOURCE (shards/K in the repository) does not change the input hash."""
    root, source, _, folders = small
    inside = root / "inside" / "library"
    shutil.copytree(source, inside)
    plan = json.loads(ok(packager("plan", str(inside), "--shards", "3", "--json", cache=tmp_path, cwd=root)).stdout)
    shutil.copytree(folders[0], inside / "shards" / "1")
    again = json.loads(ok(packager("plan", str(inside), "--shards", "3", "--json", cache=tmp_path, cwd=root)).stdout)
    assert again["include"][0]["input"] == plan["include"][0]["input"]


def test_the_gitlab_matrix_names_every_shard(small, tmp_path):
    root, source, _, _ = small
    found = json.loads(ok(packager("plan", str(source), "--shards", "4", "--gitlab", cache=tmp_path, cwd=root)).stdout)
    assert found == [{"SHARD": ["1/4", "2/4", "3/4", "4/4"]}]
