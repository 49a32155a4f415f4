"""Render the book's articles, side by side in worker processes when there are enough of them.

A worker renders each article as if it were alone in the book: its warnings
are recorded, and the images it finds are named without knowing the other
articles' images. The building process takes the results in book order,
replays the warnings and adopts the images; an article whose images would have
come out otherwise in book order (a name already taken, a warning that only
the first article using an image gets), or whose rendering failed, is rendered
again in this process. Either way the result is exactly that of rendering one
article after the other, whatever the number of workers.
"""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

from packager import workers as workers_module
from packager.book.model import Asset
from packager.content import images, markdown
from packager.content.context import ArticleContext, Rendered

#: Fewer articles than this are rendered in this process: starting workers would cost more than it saves.
MIN_ARTICLES = 16
#: Articles handed to a worker at a time: small enough that the workers finish together.
CHUNK = 2
#: How long an interrupted build lets the workers finish the articles they started before stopping them.
GRACE_SECONDS = 5

_contexts: list[ArticleContext] = []  # a worker's copy of the book's articles (inherited by fork)


def render_all(
    contexts: list[ArticleContext], workers: int = 1, meanwhile: Callable[[], None] | None = None
) -> Iterator[Rendered]:
    """Render each article's body in up to workers processes, yielding the results in book order.

    meanwhile is called while the workers render.
    """
    workers = pool_size(len(contexts), workers)
    if workers <= 1:
        for ctx in contexts:
            yield markdown.render(ctx, ctx.body)
        return
    markdown.warm_up((ctx.body for ctx in contexts), contexts[0].dialect)  # once here rather than once in every worker
    ranges = [(start, min(start + CHUNK, len(contexts))) for start in range(0, len(contexts), CHUNK)]
    with _pool(workers, contexts) as pool:
        futures = [pool.submit(_render_chunk, start, stop) for start, stop in ranges]
        if meanwhile is not None:
            meanwhile()
        for (start, stop), future in zip(ranges, futures, strict=True):
            try:
                done = future.result()
            except Exception:  # a worker died: its articles are rendered here
                done = [None] * (stop - start)
            for ctx, result in zip(contexts[start:stop], done, strict=True):
                yield _adopt(ctx, result)


def pool_size(articles: int, workers: int) -> int:
    """How many of the build's workers render this many articles (1: none, render them here)."""
    if articles < MIN_ARTICLES or sys.platform != "linux" or threading.active_count() > 1:
        return 1  # forking is only safe on Linux, and only while this process runs a single thread
    return max(1, workers)


def _adopt(ctx: ArticleContext, result) -> Rendered:
    """Take a worker's rendering into the book with its warnings and images, or render the article here."""
    if result is None:
        return markdown.render(ctx, ctx.body)
    rendered, warnings, assets = result
    if not _fits(ctx.assets, assets, ctx.source_dir):
        return markdown.render(ctx, ctx.body)
    for path, message, line, kind in warnings:
        ctx.diagnostics.warn(path, message, line, kind=kind)
    ctx.assets.update(assets)
    return rendered


def _fits(book: dict[Path, Asset], found: list[tuple[Path, Asset]], source_dir: Path) -> bool:
    """Check that the images an article found on its own get the same assets and warnings in book order."""
    trial = dict(book)
    root = source_dir.resolve()
    for path, asset in found:
        if path in trial:
            if images.mislabelled(path, asset.media_type):
                return False  # in book order only the article that used the image first is warned
            expected = trial[path]
        else:
            expected = images.place_asset(path, root, asset.media_type, {a.href for a in trial.values()})
            trial[path] = expected
        if expected != asset:
            return False
    return True


class _Recorder:
    """Warnings kept for the building process to replay, in the order they came."""

    def __init__(self):
        self.items: list[tuple[str, str, int | None, str | None]] = []

    def warn(self, path: str, message: str, line: int | None = None, kind: str | None = None) -> None:
        self.items.append((path, message, line, kind))


def _render_chunk(start: int, stop: int) -> list:
    """In a worker: render articles start to stop on their own (None for one that failed)."""
    return [_render_alone(_contexts[i]) for i in range(start, stop)]


def _render_alone(ctx: ArticleContext):
    """In a worker: render one article as if it were alone, recording its warnings and images."""
    recorder = _Recorder()
    alone = replace(ctx, assets={}, diagnostics=recorder, known_lines={})
    try:
        rendered = markdown.render(alone, alone.body)
    except Exception:  # rendered again by the building process, which reports the error as it would have
        return None
    return rendered, recorder.items, list(alone.assets.items())


def _init_worker(contexts: list[ArticleContext]) -> None:
    """Start a worker: Ctrl-C is for the building process, which stops the workers itself."""
    global _contexts
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _contexts = contexts


def _pool(workers: int, contexts: list[ArticleContext]) -> workers_module.Pool:
    """Worker processes forked from this one (contexts are inherited, not pickled)."""
    import multiprocessing

    for stream in (sys.stdout, sys.stderr):  # a worker flushes its copies of these on the way out
        stream.flush()
    # Chunks take a fraction of a second: the started ones may finish, because a worker killed while it
    # sends a result leaves the executor waiting for the rest of it.
    return workers_module.process_pool(
        workers, multiprocessing.get_context("fork"), _init_worker, (contexts,), grace=GRACE_SECONDS
    )
