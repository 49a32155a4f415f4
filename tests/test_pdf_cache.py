"""Laid-out PDF parts are reused between builds: the output is byte-identical to a cold build, and a
damaged or stale cache is laid out again, never trusted.

The book is test_pdf_parallel's generated one, shorter, cut into parts of ~8 pages
and laid out in this process (jobs=1), so that every layout can be counted.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
from PIL import Image

from packager.render.pdf import plan
from packager.render.pdf import worker as pdf_worker
from packager.render.pdf.cache import FORMAT, PartCache

from bookgen import make_book
from conftest import book_file, build_into

ARTICLES = 24
CHUNK_PAGES = 8


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("PACKAGER_CACHE_DIR", str(folder))
    return folder


def _build(source: Path, output: Path, monkeypatch, *, use_cache: bool = True) -> tuple[bytes, list[str]]:
    """Build in parts in this process; the PDF's bytes and the first anchor of every part laid out."""
    laid_out: list[str] = []
    real = pdf_worker.render_part

    def render_part(job):
        laid_out.append("front" if job.tag == "p0-" else job.tag[:-1])
        return real(job)

    with monkeypatch.context() as patch:
        patch.setattr(pdf_worker, "render_part", render_part)
        patch.setattr(plan, "CHUNK_PAGES", CHUNK_PAGES)
        patch.setattr(plan, "MIN_SPLIT_PAGES", 2 * CHUNK_PAGES)
        result = build_into(source, output, jobs=1, use_cache=use_cache)
    return book_file(result, ".pdf").read_bytes(), laid_out


def _articles(laid_out: list[str]) -> list[str]:
    return [tag for tag in laid_out if tag != "front"]


@pytest.fixture
def book(tmp_path):
    source = make_book(tmp_path / "source", articles=ARTICLES, seed=5)
    # An image in one article, to show that a changed image is noticed.
    Image.new("RGB", (40, 20), (200, 40, 40)).save(source / "chart.png")
    piece = source / "piece-03.md"
    piece.write_text(piece.read_text(encoding="utf-8") + "\n![A red bar](chart.png)\n", encoding="utf-8")
    return source


def test_a_warm_build_lays_out_nothing_and_gives_the_same_bytes(book, tmp_path, cache_dir, monkeypatch):
    cold, cold_parts = _build(book, tmp_path / "cold", monkeypatch, use_cache=False)
    assert len(_articles(cold_parts)) >= 3, cold_parts
    warm, warm_parts = _build(book, tmp_path / "warm", monkeypatch)
    assert warm_parts == []
    assert warm == cold


def test_an_edit_lays_out_only_its_part_again(book, tmp_path, cache_dir, monkeypatch):
    _, cold_parts = _build(book, tmp_path / "before", monkeypatch)
    edited = book / "piece-17.md"
    edited.write_text(edited.read_text(encoding="utf-8") + "\nOne sentence more, added by the test.\n")
    warm, warm_parts = _build(book, tmp_path / "warm", monkeypatch)
    assert len(_articles(warm_parts)) == 1, warm_parts
    holder = max(t for t in _articles(cold_parts) if t <= "piece-17")
    assert _articles(warm_parts) == [holder]
    shutil.rmtree(cache_dir)
    cold, _ = _build(book, tmp_path / "cold", monkeypatch, use_cache=False)
    assert warm == cold


def test_no_cache_reads_nothing_but_fills_the_cache(book, tmp_path, cache_dir, monkeypatch):
    _build(book, tmp_path / "one", monkeypatch)
    _, again = _build(book, tmp_path / "two", monkeypatch, use_cache=False)
    assert len(_articles(again)) >= 3
    assert any(cache_dir.rglob("*"))


def test_a_damaged_cache_is_laid_out_again(book, tmp_path, cache_dir, monkeypatch):
    cold, cold_parts = _build(book, tmp_path / "cold", monkeypatch, use_cache=False)
    entries = sorted(p for p in (cache_dir / "pdf-parts").rglob("*") if p.is_file())
    assert len(entries) >= len(cold_parts)
    for number, entry in enumerate(entries):  # every kind of damage, in turn
        data = entry.read_bytes()
        damaged = [
            data[: len(data) // 2],  # cut short
            data[:-10] + bytes([data[-10] ^ 0xFF]) + data[-9:],  # one byte flipped
            FORMAT + b"\0" * 32 + b"not what was stored",  # another payload
            b"",  # empty
        ]
        entry.write_bytes(damaged[number % len(damaged)])
    warm, warm_parts = _build(book, tmp_path / "warm", monkeypatch)
    assert sorted(warm_parts) == sorted(cold_parts)
    assert warm == cold


def test_a_changed_image_lays_out_its_part_again(book, tmp_path, cache_dir, monkeypatch):
    _, cold_parts = _build(book, tmp_path / "before", monkeypatch)
    Image.new("RGB", (40, 20), (20, 40, 200)).save(book / "chart.png")  # same name, other pixels
    warm, warm_parts = _build(book, tmp_path / "warm", monkeypatch)
    holder = max(t for t in _articles(cold_parts) if t <= "piece-03")
    assert _articles(warm_parts) == [holder]
    shutil.rmtree(cache_dir)
    cold, _ = _build(book, tmp_path / "cold", monkeypatch, use_cache=False)
    assert warm == cold


def test_a_one_sentence_edit_keeps_the_cut():
    class Article:
        def __init__(self, anchor: str, size: int):
            self.anchor, self.html = anchor, "x" * size

    articles = [Article(f"piece-{i:03d}", 6000 + (i * 7919) % 9000) for i in range(200)]
    runs = plan.plan_parts(articles)
    assert len(runs) > 10
    for i in range(0, 200, 7):
        grown = list(articles)
        grown[i] = Article(articles[i].anchor, len(articles[i].html) + 120)
        changed = [run for run in plan.plan_parts(grown) if run not in runs]
        assert changed == [], (i, changed)
    assert max(sum(plan.estimated_pages(articles[i]) for i in run) for run in runs) <= 1.5 * plan.CHUNK_PAGES + 8


def test_cache_entries_round_trip_and_damage_is_a_miss(tmp_path):
    cache = PartCache(tmp_path)
    key = cache.key("part", "<html>", b"id")
    assert key != cache.key("part", "<html>", b"id2") and key != cache.key("probe", "<html>", b"id")
    value = ((b"obj", b"\x00\xff"), {1: b"stream"}, ("a", 1, 2.5, None))
    cache.put(key, value)
    assert cache.get(key) == value
    assert PartCache(tmp_path, read=False).get(key) is None
    path = tmp_path / "pdf-parts" / key[:2] / key
    path.write_bytes(path.read_bytes()[:-1])
    assert cache.get(key) is None
    assert not path.exists()


def test_trim_removes_the_least_recently_used(tmp_path):
    import os

    cache = PartCache(tmp_path)
    keys = [cache.key("part", str(i)) for i in range(5)]
    for age, key in enumerate(keys):
        cache.put(key, b"x" * 1000)
        path = tmp_path / "pdf-parts" / key[:2] / key
        os.utime(path, ns=(age * 10**9, age * 10**9))
    cache.trim(max_bytes=3 * 1100)
    assert [cache.get(k) is not None for k in keys] == [False, False, True, True, True]


def test_file_digests_are_computed_once(tmp_path):
    cache = PartCache(tmp_path)
    image = tmp_path / "a.png"
    image.write_bytes(b"one")
    first = cache.file_digest(str(image))
    image.write_bytes(b"two")
    assert cache.file_digest(str(image)) == first == hashlib.sha256(b"one").hexdigest()
    assert cache.file_digest(str(tmp_path / "missing")) is None


def test_the_cache_folder_follows_the_environment(monkeypatch, tmp_path):
    from packager.render.pdf.cache import default_folder

    monkeypatch.setenv("PACKAGER_CACHE_DIR", "")
    assert default_folder() is None
    monkeypatch.delenv("PACKAGER_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert default_folder() == tmp_path / "packager"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert default_folder() == tmp_path / "home" / ".cache" / "packager"
