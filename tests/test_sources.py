"""Discovery and order of articles: deterministic, as documented."""

from __future__ import annotations

from pathlib import Path

import pytest

from packager.diagnostics import Diagnostics
from packager.errors import ContentError
from packager.project import config, sources


def discover(tmp_path: Path, files: dict[str, str], cfg: config.Config | None = None):
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    diagnostics = Diagnostics()
    found = sources.discover(tmp_path, cfg or config.Config(), tmp_path / "dist", diagnostics)
    return [f.rel for f in found], diagnostics


def test_order_is_index_then_weight_then_date_then_name(tmp_path):
    rels, _ = discover(
        tmp_path,
        {
            "index.md": "# Intro\n",
            "zeta.md": "---\nweight: 1\n---\n",
            "alpha.md": "text",
            "beta.md": "---\ndate: 2020-01-01\n---\n",
            "gamma.md": "---\norder: 2\n---\n",
            "LICENSE.md": "licence",
            "CHANGELOG.md": "changes",
            ".hidden/x.md": "x",
            "node_modules/y.md": "y",
            "dist/z.md": "z",
            "draft.md": "---\ndraft: true\n---\n",
        },
    )
    assert rels == ["index.md", "zeta.md", "gamma.md", "beta.md", "alpha.md"]


def test_folder_with_index_is_a_section(tmp_path):
    rels, _ = discover(
        tmp_path,
        {
            "a.md": "---\nweight: 1\n---\n",
            "part/_index.md": "---\nweight: 2\n---\n",
            "part/x.md": "",
            "c.md": "---\nweight: 3\n---\n",
        },
    )
    assert rels == ["a.md", "part/_index.md", "part/x.md", "c.md"]


def test_explicit_order_comes_first(tmp_path):
    cfg = config.parse({"content": {"order": ["c.md", "a.md"]}})
    rels, _ = discover(tmp_path, {"a.md": "", "b.md": "", "c.md": ""}, cfg)
    assert rels == ["c.md", "a.md", "b.md"]


def test_include_and_exclude(tmp_path):
    cfg = config.parse({"content": {"include": ["docs/*"], "exclude": ["docs/old*"]}})
    rels, _ = discover(tmp_path, {"docs/new.md": "", "docs/old.md": "", "notes.md": ""}, cfg)
    assert rels == ["docs/new.md"]


def test_bom_crlf_and_toml_front_matter(tmp_path):
    (tmp_path / "a.md").write_bytes('\ufeff+++\r\ntitle = "T"\r\n+++\r\nBody\r\n'.encode())
    found = sources.read_source(tmp_path / "a.md", "a.md")
    assert found.meta == {"title": "T"}
    assert found.body == "Body\n"


def test_non_utf8_file_is_a_clear_error(tmp_path):
    (tmp_path / "a.md").write_bytes("caf\xe9\n".encode("latin-1"))
    with pytest.raises(ContentError) as info:
        sources.read_source(tmp_path / "a.md", "a.md")
    assert "UTF-8" in str(info.value) and info.value.line == 1


def test_yaml_error_reports_the_line_in_the_file(tmp_path):
    (tmp_path / "a.md").write_text("---\ntitle: fine\nbad: [x\nmore: y\n---\nBody\n")
    with pytest.raises(ContentError) as info:
        sources.read_source(tmp_path / "a.md", "a.md")
    assert info.value.path == "a.md" and info.value.line in (3, 4, 5)


def test_symlink_out_of_the_source_is_skipped(tmp_path):
    outside = tmp_path / "outside.md"
    outside.write_text("secret")
    source = tmp_path / "src"
    source.mkdir()
    (source / "a.md").write_text("# A\n")
    (source / "link.md").symlink_to(outside)
    rels, diagnostics = discover(source, {})
    assert rels == ["a.md"]
    assert "outside the source folder" in str(diagnostics.warnings[0])
