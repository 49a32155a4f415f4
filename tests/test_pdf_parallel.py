"""A PDF laid out in parts by worker processes and merged equals the single render in all a reader meets.

One generated book of 60 short articles (headings, a footnote, a link to the next
article and one to a heading half the book away, a link inside the article) is
built three times: in one go (the reference), in parts of ~12 pages with two
worker processes, and in the same parts in this process (jobs=1).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from packager.render.pdf import merge as pdf_merge
from packager.render.pdf import plan
from packager.render.pdf.parts import XREF_SCHEME

from bookgen import make_book
from conftest import book_file, build_into, write_tree
from validators import pdf_outline, pdffonts, pdfinfo, pdftotext_pages, qpdf_check

ARTICLES = 60
CHUNK_PAGES = 12  # ~10 parts for this book


def _build(source: Path, output: Path, monkeypatch, *, jobs: int, split: bool):
    """Build with the given job count, in parts of CHUNK_PAGES pages or in one go; record merges."""
    merges: list = []
    real_merge = pdf_merge.merge

    def merge(*args, **kwargs):
        merges.append(args)
        return real_merge(*args, **kwargs)

    with monkeypatch.context() as patch:
        patch.setattr(pdf_merge, "merge", merge)
        patch.setattr(plan, "CHUNK_PAGES", CHUNK_PAGES)
        patch.setattr(plan, "MIN_SPLIT_PAGES", 2 * CHUNK_PAGES if split else 10**9)
        result = build_into(source, output, jobs=jobs, use_cache=False)
    assert bool(merges) == split, "the book was not laid out the way the test asked"
    return result


@pytest.fixture(scope="module")
def builds(tmp_path_factory):
    """(single render, parts with 2 workers, parts in this process): each build's PDF path and the book."""
    root = tmp_path_factory.mktemp("parallel")
    source = make_book(root / "source")
    with pytest.MonkeyPatch.context() as monkeypatch:
        single = _build(source, root / "single", monkeypatch, jobs=2, split=False)
        parts = _build(source, root / "parts", monkeypatch, jobs=2, split=True)
        inline = _build(source, root / "inline", monkeypatch, jobs=1, split=True)
    return book_file(single, ".pdf"), book_file(parts, ".pdf"), book_file(inline, ".pdf"), single.book


def test_the_book_really_is_cut_into_several_parts(builds):
    book = builds[3]
    assert len(plan.plan_parts(book.articles, chunk_pages=CHUNK_PAGES, min_split_pages=0)) >= 6


def test_same_pages_and_text_on_every_page(builds):
    single, parts, _, _ = builds
    expected, got = pdftotext_pages(single), pdftotext_pages(parts)
    assert len(got) == len(expected)
    for number, (want, have) in enumerate(zip(expected, got, strict=True), start=1):
        assert have == want, f"page {number} differs"


def test_same_metadata_and_tagged(builds):
    single, parts, _, _ = builds
    keys = ("Title", "Subject", "Keywords", "Author", "Creator", "Producer", "CreationDate", "ModDate", "Pages")
    expected, got = pdfinfo(single), pdfinfo(parts)
    assert {k: got.get(k) for k in keys} == {k: expected.get(k) for k in keys}
    assert got["Tagged"] == "yes"
    assert got["Keywords"] == "testing, parts"


def test_same_file_identifier_and_catalog(builds):
    import pikepdf

    single, parts, _, _ = builds
    with pikepdf.open(single) as one, pikepdf.open(parts) as other:
        assert bytes(other.trailer.ID[0]) == bytes(one.trailer.ID[0])
        assert str(other.Root.Lang) == str(one.Root.Lang) == "en"
        assert bool(other.Root.MarkInfo.Marked) and bool(other.Root.ViewerPreferences.DisplayDocTitle)
        assert other.Root.Metadata.read_bytes() == one.Root.Metadata.read_bytes()  # XMP: PDF/UA-1 identification


def test_only_the_books_metadata_is_written(builds):
    """Each part has its own XMP stream and document info; the merged book keeps one of each, the front's."""
    import pikepdf

    single, parts, _, _ = builds
    for path in (single, parts):
        with pikepdf.open(path) as pdf:
            xmp = [o for o in pdf.objects if isinstance(o, pikepdf.Stream) and o.get("/Type") == "/Metadata"]
            infos = [o for o in pdf.objects if isinstance(o, pikepdf.Dictionary) and "/Producer" in o]
            assert (len(xmp), len(infos)) == (1, 1), path


def test_every_stream_is_compressed_as_in_the_single_render(builds):
    """Parts are written uncompressed and compressed once by the merge: no stream may be left raw."""
    import pikepdf

    single, parts, _, _ = builds
    for path in (single, parts):
        with pikepdf.open(path) as pdf:
            streams = [o for o in pdf.objects if isinstance(o, pikepdf.Stream)]
            raw = [o.objgen for o in streams if "/Filter" not in o.stream_dict and len(o.read_raw_bytes()) > 16]
            assert len(streams) > 50 and raw == [], path  # the merge's own "q" opening (2 bytes) is let be
            assert all(o.read_bytes() is not None for o in streams), path  # and each one decodes


def test_page_references_are_remembered_until_a_page_is_added():
    """The cached pydyf PDF.page_references gives what pydyf's own gives, however many pages are added."""
    import pydyf

    from packager.render.pdf import worker as pdf_worker

    pdf_worker.remember_page_references()
    document, seen = pydyf.PDF(), []
    for _ in range(3):
        document.add_page(pydyf.Dictionary({"Type": "/Page"}))
        seen.append(document.page_references)
        assert document.page_references is seen[-1]  # built once per page count
    kids = document.pages["Kids"]
    assert seen[-1] == tuple(f"{number} 0 R".encode("ascii") for number in kids[::3])
    assert [len(refs) for refs in seen] == [1, 2, 3]


def test_same_outline(builds):
    single, parts, _, book = builds
    outline = pdf_outline(parts)
    assert outline == pdf_outline(single)
    assert [title for level, title, page in outline if level == 1][:2] == ["Contents", book.articles[0].title]


def _contents(pages: list[str]) -> list[tuple[str, int]]:
    """The contents page(s) as (title, page number), in order."""
    start = next(i for i, text in enumerate(pages) if text.lstrip().startswith("Contents"))
    entries = []
    title = None  # a title whose number pdftotext put on a line of its own (the leader is not text)
    for text in pages[start : start + 3]:
        for line in (line.strip() for line in text.splitlines()):
            if not line or line == "Contents":
                continue
            if line.isdigit() and title is not None:
                entries.append((title, int(line)))
                title = None
                continue
            match = re.match(r"^(.*?)[\s.]*?(\d+)$", line)
            if match and match.group(1).strip(" ."):
                entries.append((match.group(1).rstrip(" .").strip(), int(match.group(2))))
                title = None
            else:
                title = line
    return entries


def test_contents_page_numbers_are_right(builds):
    single, parts, _, book = builds
    pages = pdftotext_pages(parts)
    entries = _contents(pages)
    assert entries == _contents(pdftotext_pages(single))
    titles = [a.title for a in book.articles]
    assert [title for title, _ in entries] == titles
    for title, number in entries:
        body = " ".join(pages[number - 1].split())
        assert title in body[: len(title) + 40], f"{title!r} is not at the top of page {number}"
        assert body.rstrip().endswith(str(number)), f"page {number} does not show its number at the foot"


def _internal_links(path: Path) -> list[tuple[int, int]]:
    """(page the link is on, page it goes to) of every internal link, in page order."""
    from pypdf import PdfReader

    reader = PdfReader(path)
    links = []
    for number, page in enumerate(reader.pages, start=1):
        for annotation in page.get("/Annots") or []:
            annotation = annotation.get_object()
            target = annotation.get("/Dest")
            action = annotation.get("/A")
            if target is None and action is not None and action.get("/S") == "/GoTo":
                target = action["/D"]
            if target is None:
                assert action is not None and not str(action.get("/URI")).startswith(XREF_SCHEME)
                continue
            if isinstance(target, str):
                target = reader.named_destinations[target]
                links.append((number, reader.get_destination_page_number(target) + 1))
            else:
                links.append((number, reader.get_page_number(target[0].get_object()) + 1))
    return links


def test_same_internal_links(builds):
    single, parts, _, _ = builds
    links = _internal_links(parts)
    # Per article: next piece, a heading half a book away, its own first part; plus the contents.
    assert len(links) >= 4 * ARTICLES
    assert links == _internal_links(single)


def _structure(path: Path):
    """The structure tree as nested (role, page, kids), and the parent-tree problems found."""
    import pikepdf

    problems = []
    with pikepdf.open(path) as doc:
        pages = {page.objgen: i for i, page in enumerate(doc.pages)}
        root = doc.Root.StructTreeRoot
        nums = list(root.ParentTree.Nums)
        tree = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}

        def walk(element, parent, page):
            if element.P.objgen != parent.objgen:
                problems.append(f"/P of a {element.S} is not its parent")
            page = pages[element.Pg.objgen] if "/Pg" in element else page
            kids = element.get("/K", pikepdf.Array())
            kids = kids if isinstance(kids, pikepdf.Array) else [kids]
            shape = []
            for kid in kids:
                if not isinstance(kid, pikepdf.Dictionary):
                    shape.append(("mcid", page))
                elif kid.get("/Type") == "/OBJR":
                    shape.append(("link", pages[kid.Pg.objgen]))
                else:
                    shape.append(walk(kid, element, page))
            return (str(element.S), page, tuple(shape))

        shape = walk(root.K[0], root, None)
        for number, page in enumerate(doc.pages):
            if int(page.StructParents) not in tree:
                problems.append(f"page {number + 1} has no parent-tree entry")
            for annotation in page.get("/Annots", []):
                element = tree.get(int(annotation.StructParent))
                if element is None or not any(
                    k.get("/Obj") == annotation for k in element.K if isinstance(k, pikepdf.Dictionary)
                ):
                    problems.append(f"a link on page {number + 1} is not in the structure tree")
        if "/ParentTreeNextKey" in root:
            assert int(root.ParentTreeNextKey) > max(tree)
    return shape, problems


def test_same_structure_tree(builds):
    single, parts, _, _ = builds
    expected, _ = _structure(single)
    shape, problems = _structure(parts)
    assert problems == []
    assert shape == expected


def test_tools_find_nothing_wrong(builds):
    _, parts, _, _ = builds
    code, output = qpdf_check(parts)
    assert code == 0, output
    fonts = pdffonts(parts)
    assert fonts and [f["name"] for f in fonts if not f["emb"]] == []


def test_same_bytes_whatever_the_job_count(builds):
    _, parts, inline, _ = builds
    assert parts.read_bytes() == inline.read_bytes()


def test_plan_depends_on_the_articles_only(builds):
    book = builds[3]
    runs = plan.plan_parts(book.articles, chunk_pages=CHUNK_PAGES, min_split_pages=0)
    assert [i for run in runs for i in run] == list(range(len(book.articles)))
    assert runs == plan.plan_parts(book.articles, chunk_pages=CHUNK_PAGES, min_split_pages=0)
    assert plan.plan_parts(book.articles, chunk_pages=CHUNK_PAGES, min_split_pages=10**9) == [range(len(book.articles))]


@pytest.mark.parametrize(
    "rule",
    [
        "@page :left { margin-left: 20mm; }",
        "@page { @bottom-right { content: counter(page) ' of ' counter(pages); } }",
        "h1 { break-before: right; }",
        "a[href^='#']::after { content: ' (p. ' target-counter(attr(href), page) ')'; }",
        "@page wide { size: A4 landscape; }",
        "h2 a::after { content: ' (' target-text(attr(href)) ')'; }",
    ],
)
def test_themes_that_parts_cannot_reproduce_get_the_single_render(rule, tmp_path):
    from packager.project import themes

    (tmp_path / "theme" / "pdf").mkdir(parents=True)
    default = themes.load("default", tmp_path)
    (tmp_path / "theme" / "pdf" / "print.css").write_text(default.read_text("pdf/print.css") + "\n" + rule)

    class Context:
        theme = themes.load("default", tmp_path)

    assert plan.parts_unsupported(Context.theme) is not None


def test_the_default_theme_can_be_rendered_in_parts(tmp_path):
    from packager.project import themes

    class Context:
        theme = themes.load("default", tmp_path)

    assert plan.parts_unsupported(Context.theme) is None


_EARLY = """
import multiprocessing.forkserver as fs, sys
from packager.render.pdf import pool
pool.start_early([sys.argv[1] * int(sys.argv[2])] * int(sys.argv[3]), int(sys.argv[4]))
print(fs._forkserver._forkserver_pid is not None)
"""


@pytest.mark.parametrize(
    ("chars", "articles", "jobs", "started"),
    [(300, 1000, 2, True), (300, 1000, 1, False), (300, 50, 2, False), (300_000, 1, 2, False)],
)
def test_the_part_workers_server_starts_early_only_for_a_long_book(chars, articles, jobs, started):
    """1,000 articles of 300 characters ≈ 1,150 estimated pages: parts; 50 of them, or one job: no server."""
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-c", _EARLY, "x", str(chars), str(articles), str(jobs)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(started)


def test_a_book_with_part_opening_pages_is_laid_out_in_parts_as_in_one_go(tmp_path, monkeypatch):
    """A site's sections open on pages of their own (named page part-opening, no running heads): parts keep them."""
    pages = {"mkdocs.yml": "site_name: Seasons\nnav:\n"}
    sentence = "A season's work is planned in the one before it, and written down as it is done. "
    for season in ("Spring", "Summer", "Autumn", "Winter"):
        pages["mkdocs.yml"] += f"  - {season}:\n"
        for n in range(3):
            name = f"{season.lower()}-{n}.md"
            pages["mkdocs.yml"] += f"    - {name}\n"
            pages[f"docs/{name}"] = f"# {season} task {n}\n\n" + "\n\n".join([sentence * 12] * 6) + "\n"
    source = write_tree(tmp_path / "seasons", pages)
    single = book_file(_build(source, tmp_path / "single", monkeypatch, jobs=2, split=False), ".pdf")
    parts = book_file(_build(source, tmp_path / "parts", monkeypatch, jobs=2, split=True), ".pdf")
    expected, got = pdftotext_pages(single), pdftotext_pages(parts)
    assert got == expected
    assert pdf_outline(parts) == pdf_outline(single)
    openings = [p.split() for p in got if p.split()[:1] == ["Autumn"] and "task" not in p]
    assert len(openings) == 1 and len(openings[0]) == 2  # the part's title and the page number, no running heads
