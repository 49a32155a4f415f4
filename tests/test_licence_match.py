"""A site's LICENSE text is named by its SPDX id when it is a published licence text, unchanged; else None."""

from __future__ import annotations

from pathlib import Path

import pychoosealicense
import pytest

from packager import build
from packager.diagnostics import Diagnostics
from packager.project import load
from packager.project.licence_match import identify

from conftest import corpus

REQUIRED = ["MIT", "Apache-2.0", "CC-BY-4.0", "CC-BY-SA-4.0"]


def published(spdx_id: str, holder: str = "2024 Jane Doe") -> str:
    """The licence's text as choosealicense.com publishes it, with a copyright notice filled in."""
    text = pychoosealicense.get_license(spdx_id).content
    return text.replace("{year}", holder.split(" ", 1)[0]).replace("{fullname}", holder.split(" ", 1)[1])


def as_markdown(text: str) -> str:
    """The text as a LICENSE.md: its first line a title, each short line standing alone a heading."""
    lines = text.strip().splitlines()
    out = ["# " + lines[0].strip()]
    for before, line, after in zip(lines, lines[1:], [*lines[2:], ""], strict=False):
        stands_alone = not before.strip() and not after.strip()
        if stands_alone and 0 < len(line.strip()) < 60 and not line.strip().startswith("Copyright"):
            out.append("## " + line.strip())
        else:
            out.append(line)
    return "\n".join(out) + "\n"


@pytest.mark.parametrize("spdx_id", [*REQUIRED, "CC0-1.0", "MPL-2.0", "BSD-3-Clause"])
def test_a_published_licence_text_is_named(spdx_id):
    assert identify(published(spdx_id)) == spdx_id


@pytest.mark.parametrize("spdx_id", REQUIRED)
def test_a_licence_md_with_markdown_headings_is_named(spdx_id):
    markdown = as_markdown(published(spdx_id, "2024 **Jane Doe**"))
    assert markdown.startswith("# ") and markdown.count("\n## ") >= (0 if spdx_id == "MIT" else 4)
    assert identify(markdown) == spdx_id


@pytest.mark.parametrize(
    "notice",
    [
        "Copyright (c) 2016-2025 Martin Donath <martin.donath@example.org>",
        "Copyright 2024 The Example Authors",
        "© 2023 Jane Doe",
        "Copyright (C) 2020, 2021 Some One\nAll rights reserved.",
        "**Copyright (c) 2024 Jane Doe**",
        "Copyright (c) 2019 First Holder\nCopyright (c) 2024 Second Holder",
        "",
    ],
)
def test_mit_is_named_whatever_its_copyright_notice(notice):
    text = _changed(published("MIT"), "Copyright (c) 2024 Jane Doe", notice)
    assert identify(text) == "MIT"
    assert identify(_changed(text, "MIT License", "The MIT License (MIT)")) == "MIT"


def test_a_licence_without_its_notices_or_appendix_is_named():
    cc_by = published("CC-BY-4.0")
    licence_itself = cc_by[cc_by.index("Creative Commons Attribution 4.0 International Public License") :]
    assert identify(licence_itself[: licence_itself.index("=====")]) == "CC-BY-4.0"
    apache = published("Apache-2.0")
    assert identify(apache[: apache.index("APPENDIX")]) == "Apache-2.0"


def _without(text: str, start: str, end: str) -> str:
    assert start in text and end in text
    return text[: text.index(start)] + text[text.index(end) :]


def _changed(text: str, old: str, new: str) -> str:
    assert old in text
    return text.replace(old, new)


MODIFIED = {
    "MIT with 'sell' struck": _changed(published("MIT"), " and/or sell", " and/or"),
    "MIT with 'free of charge' struck": _changed(published("MIT"), "free of charge, ", ""),
    "MIT with a clause added": _changed(
        published("MIT"),
        "THE SOFTWARE IS PROVIDED",
        "The Software shall not be used for military purposes.\n\nTHE SOFTWARE IS PROVIDED",
    ),
    "MIT with a sentence after it": published("MIT") + "\nThe logo is not covered by this licence.\n",
    "MIT with a condition before its title": "Non-commercial use only.\n\n" + published("MIT"),
    "MIT without its notice clause": _without(published("MIT"), "The above copyright notice", "THE SOFTWARE IS"),
    "MIT without its warranty disclaimer": published("MIT")[: published("MIT").index("THE SOFTWARE IS")],
    "Apache-2.0 without section 5": _without(
        published("Apache-2.0"), "5. Submission of Contributions", "6. Trademarks"
    ),
    "Apache-2.0 with a clause added": _changed(
        published("Apache-2.0"),
        "END OF TERMS AND CONDITIONS",
        "You may not use the Work commercially.\n\nEND OF TERMS AND CONDITIONS",
    ),
    "CC-BY-4.0 with a word changed": _changed(published("CC-BY-4.0"), "royalty-free", "royalty-bearing"),
    "CC-BY-4.0 with a non-commercial clause": _changed(
        published("CC-BY-4.0"),
        "Section 1 -- Definitions.",
        "You may not use the Licensed Material commercially.\n\nSection 1 -- Definitions.",
    ),
    "CC-BY-4.0 with a restriction in its preamble": _changed(
        published("CC-BY-4.0"), "Considerations for the public:", "Considerations for the public: no commercial use."
    ),
    "CC-BY-SA-4.0 without ShareAlike": _without(published("CC-BY-SA-4.0"), "b. ShareAlike.", "Section 4"),
    "CC-BY-SA-4.0 without Section 8": published("CC-BY-SA-4.0")[: published("CC-BY-SA-4.0").index("Section 8")],
}


@pytest.mark.parametrize("text", MODIFIED.values(), ids=MODIFIED.keys())
def test_a_modified_licence_text_is_unknown(text):
    assert identify(text) is None


UNKNOWN = {
    "prose": "This handbook is written by volunteers. Share it with friends and print it, but please do not sell it.\n",
    "a mention of a licence": "This project is released under the MIT License; see https://opensource.org/licenses/MIT.\n",
    "two licences": published("MIT") + "\n\n" + published("CC-BY-4.0"),
    "the same licence twice": published("MIT") + "\n\n" + published("MIT"),
    "HTML": "<p>" + published("MIT").replace("\n\n", "</p>\n<p>") + "</p>",
    "empty": "",
    "blank": " \n\t\n",
}


@pytest.mark.parametrize("text", UNKNOWN.values(), ids=UNKNOWN.keys())
def test_an_unknown_text_is_unknown(text):
    assert identify(text) is None


@pytest.mark.parametrize(
    ("name", "spdx_id"),
    [
        ("mkdocs-site", "MIT"),
        ("hugo-docs", "Apache-2.0"),
        ("opensource-guide", "CC-BY-4.0"),
        ("mdbook-guide", "MPL-2.0"),
        ("myst-book", "BSD-3-Clause"),
        ("obsidian-vault", "CC0-1.0"),
    ],
)
def test_the_corpora_licences_are_named(name, spdx_id):
    assert identify((corpus(name) / "LICENSE").read_text(encoding="utf-8")) == spdx_id


def _folder(tmp_path, licence: str, config: str = "") -> Path:
    (tmp_path / "a.md").write_text("# A\n\nText.\n", encoding="utf-8")
    (tmp_path / "LICENSE.md").write_text(licence, encoding="utf-8")
    if config:
        (tmp_path / "packager.toml").write_text(config, encoding="utf-8")
    return tmp_path


def test_a_recognised_licence_file_is_the_book_s_licence_and_the_credits_say_so(tmp_path):
    source = _folder(tmp_path, "# The MIT License\n\n" + published("MIT"))
    result = build.check(build.BuildRequest(source=source), Diagnostics())
    assert result.book.license == "MIT"
    assert result.project.read_as == ["licence MIT, recognised in LICENSE.md"]
    credits = next(a for a in result.book.articles if a.kind == "credits")
    assert "is licensed under" in credits.html and "MIT" in credits.html


def test_packager_toml_s_licence_wins_over_the_file(tmp_path):
    source = _folder(tmp_path, published("MIT"), '[book]\nlicense = "CC-BY-SA-4.0"\n')
    project = load(source, None, Diagnostics())
    assert (project.config.book.license, project.licence_found) == ("CC-BY-SA-4.0", None)


def test_an_unrecognised_licence_file_is_reported_never_guessed(tmp_path):
    source = _folder(tmp_path, _changed(published("MIT"), "sell", "lend"))
    diagnostics = Diagnostics()
    project = load(source, None, diagnostics)
    assert project.config.book.license is None
    assert [(w.path, w.kind) for w in diagnostics.warnings] == [("LICENSE.md", "licence files not recognised")]
