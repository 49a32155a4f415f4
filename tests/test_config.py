"""packager.toml: every problem reported at once, by key; unknown keys rejected."""

from __future__ import annotations

import pytest

from packager.errors import ConfigError
from packager.project import config


def load(tmp_path, text: str) -> config.Config:
    (tmp_path / "packager.toml").write_text(text, encoding="utf-8")
    return config.load(tmp_path)


def test_no_file_means_defaults(tmp_path):
    assert config.load(tmp_path) == config.Config()


def test_full_book_table(tmp_path):
    cfg = load(
        tmp_path,
        """
[book]
title = "T"
subtitle = "S"
authors = ["A", { name = "B", url = "https://b.example" }]
language = "pt-BR"
license = "CC-BY-4.0"
description = "D"
base_url = "https://example.org/book"
version = 2
cover = "cover.png"
""",
    )
    assert cfg.book.title == "T"
    assert [p.name for p in cfg.book.authors] == ["A", "B"]
    assert cfg.book.authors[1].url == "https://b.example"
    assert cfg.book.base_url == "https://example.org/book/"
    assert cfg.book.version == "2"
    assert cfg.book.language == "pt-BR"


def test_every_problem_is_reported_at_once(tmp_path):
    with pytest.raises(ConfigError) as info:
        load(
            tmp_path,
            """
[book]
titel = "typo"
language = "english language"
license = "cc by"
base_url = "example.org"
authors = [3]

[output]
formats = ["epub", "mobi"]

[extra]
""",
        )
    message = str(info.value)
    assert "packager.toml" in message
    for needle in (
        "'book.titel'",
        "'book.language'",
        "'book.license'",
        "'book.base_url'",
        "'book.authors[0]'",
        "'output.formats'",
        "'[extra]'",
        "got 'cc by'",
    ):
        assert needle in message, needle
    assert "\n" not in message


def test_toml_syntax_error_names_the_line(tmp_path):
    with pytest.raises(ConfigError) as info:
        load(tmp_path, '[book]\ntitle = "unclosed\n')
    assert info.value.line == 2
