"""A project's templates and stylesheets cannot run code or read a file outside the source folder."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import EXAMPLE, book_file, build_into

SECRET = "SANDBOX-SECRET-6d1f"

#: Known ways out of a Jinja2 template, each put where the download page renders it.
ESCAPES = {
    "cycler globals": "{{ cycler.__init__.__globals__.os.popen('cat SECRET_FILE').read() }}",
    "joiner globals": "{{ joiner.__init__.__globals__['__builtins__']['open']('SECRET_FILE').read() }}",
    "lipsum globals": "{{ lipsum.__globals__['os'].popen('cat SECRET_FILE').read() }}",
    "class mro subclasses": "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "object subclasses": "{{ book.__class__.__base__.__subclasses__() }}",
    "self globals": "{{ self.__init__.__globals__['__builtins__']['open']('SECRET_FILE').read() }}",
    "request object": "{{ request.application.__globals__.__builtins__.open('SECRET_FILE').read() }}",
    "config object": "{{ config.__class__.__init__.__globals__['os'].popen('cat SECRET_FILE').read() }}",
    "format string": "{{ '{0.__class__.__init__.__globals__}'.format(book) }}",
}


def _project(folder: Path, secret: Path, escape: str) -> Path:
    source = folder / "src"
    (source / "theme" / "landing").mkdir(parents=True)
    (source / "a.md").write_text("---\ntitle: A\nauthor: A\n---\n\nText.\n")
    page = (EXAMPLE.parent.parent / "themes" / "base" / "landing" / "index.html").read_text()
    line = escape.replace("SECRET_FILE", str(secret))
    assert "{% block meta %}" in page
    (source / "theme" / "landing" / "index.html").write_text(
        page.replace("{% block meta %}", "{% block meta %}" + line)
    )
    return source


def _everything_below(folder: Path) -> str:
    texts = []
    for path in folder.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            if path.suffix in (".epub", ".zip"):
                with zipfile.ZipFile(path) as archive:
                    data += b"".join(archive.read(n) for n in archive.namelist())
            texts.append(data.decode("latin-1"))
    return "\n".join(texts)


@pytest.mark.parametrize("name", sorted(ESCAPES))
def test_a_template_that_reaches_out_fails_in_one_line(name, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET)
    source = _project(tmp_path, secret, ESCAPES[name])
    done = subprocess.run(
        [sys.executable, "-m", "packager", "build", str(source), "-f", "epub", "-q"],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "SOURCE_DATE_EPOCH": "1767225600"},
    )
    assert done.returncode == 1, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in done.stderr, done.stderr
    assert lines[0].startswith("error: theme/landing/index.html:"), lines[0]
    assert "fix the template" in lines[0]
    assert not (source / "dist").exists()
    assert [p.name for p in source.iterdir() if p.name.startswith(".")] == []  # no staging folder, no record
    assert SECRET not in _everything_below(source) and SECRET not in done.stdout + done.stderr


def test_a_project_stylesheet_reads_nothing_outside_the_source(tmp_path, caplog):
    """url(file://…) and a remote @import in the project's print and EPUB CSS load nothing into the books."""
    secret = tmp_path / "secret.png"
    secret.write_bytes(b"\x89PNG\r\n\x1a\n" + SECRET.encode())
    source = tmp_path / "src"
    (source / "theme" / "pdf").mkdir(parents=True)
    (source / "theme" / "epub").mkdir(parents=True)
    (source / "a.md").write_text("---\ntitle: A\nauthor: A\n---\n\nText.\n")
    hostile = (
        "@import url(https://evil.example/remote.css);\n"
        f"body {{ background: url(file://{secret}); }}\n"
        "h1 { background-image: url(file:///etc/hostname); }\n"
    )
    themes = EXAMPLE.parent.parent / "themes" / "base"
    for name in ("pdf/print.css", "epub/book.css"):
        (source / "theme" / name).write_text(hostile + (themes / name).read_text())
    result = build_into(source, tmp_path / "dist")
    pdf = book_file(result, ".pdf").read_bytes()
    assert SECRET.encode() not in pdf
    with zipfile.ZipFile(book_file(result, ".epub")) as epub:
        inside = b"".join(epub.read(n) for n in epub.namelist())
    assert SECRET.encode() not in inside
    hostname = Path("/etc/hostname")
    if hostname.is_file() and len(hostname.read_text().strip()) >= 6:
        assert hostname.read_text().strip().encode() not in pdf
    import pikepdf

    with pikepdf.open(book_file(result, ".pdf")) as document:  # an image read from the CSS would be an XObject
        images = [o for o in document.objects if isinstance(o, pikepdf.Stream) and o.get("/Subtype") == "/Image"]
        assert all(SECRET.encode() not in i.read_bytes() for i in images)
        assert len(images) == 1  # the cover, and nothing the stylesheet asked for
    refused = " ".join(r.getMessage() for r in caplog.records if "packager does not load" in r.getMessage())
    for url in ("https://evil.example/remote.css", f"file://{secret}", "file:///etc/hostname"):
        assert url in refused, url  # asked for, and refused by the book's fetcher
