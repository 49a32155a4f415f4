"""The part workers: processes forked from a server that imported WeasyPrint once, or this process for one job."""

from __future__ import annotations

import logging
from concurrent.futures import Future

from packager import workers
from packager.render.pdf import plan, worker


def start_early(bodies: list[str], jobs: int) -> None:
    """Start the part workers' server now if the book will be laid out in parts: it imports WeasyPrint meanwhile.

    Otherwise the building process waits ~1 s for that import when the first part
    is submitted. The guess uses the Markdown's length, which is about the HTML's.
    """
    pages = sum(plan.pages_for(len(body)) for body in bodies)
    if jobs <= 1 or len(bodies) <= 1 or pages < plan.MIN_SPLIT_PAGES:
        return
    if _context().get_start_method() == "forkserver":
        from multiprocessing import forkserver

        forkserver.ensure_running()  # starts the server and returns; the server imports on its own


def _context():
    """How part workers start: forked from a server that has imported WeasyPrint once (~0.8 s), where there is one."""
    import multiprocessing

    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
    if context.get_start_method() == "forkserver":
        context.set_forkserver_preload([worker.__name__, "weasyprint"])
    return context


def executor(jobs: int):
    """Worker processes for the parts, or this process when there is one job."""
    if jobs <= 1:
        return _InlineExecutor()
    levels = {name: logging.getLogger(name).getEffectiveLevel() for name in ("weasyprint", "fontTools")}
    # A part takes seconds: on Ctrl-C the workers are stopped at once (the CLI then leaves without exit hooks).
    return workers.process_pool(jobs, _context(), worker.init_worker, (levels,))


class _InlineExecutor:
    """The executor interface, running each call at once in this process."""

    def submit(self, fn, *args, **kwargs) -> Future:
        future: Future = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except Exception as error:  # handed to whoever asks for the result, as a pool does
            future.set_exception(error)
        return future

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        return None
