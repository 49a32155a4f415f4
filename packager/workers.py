"""The build's worker processes: how many (the one --jobs rule), and a pool started with Ctrl-C held back.

``--jobs`` becomes a worker count here and nowhere else; the Markdown pool and
the PDF pool both take that count (each may use fewer, when it has less work).
"""

from __future__ import annotations

import gc
import os
import signal
from concurrent.futures import Future

#: Allocations between young-generation collections (CPython's default is 700). Layout and Markdown make
#: millions of short-lived objects that reference counting frees. Laying out three 45-page parts, the
#: collector took 1.27 of 15.8 CPU s with the defaults; 0.84 s with this value, imports frozen and one full
#: collection after each part (pdf_worker.render_part: a part's layout holds cycles, which would pile up).
GC_YOUNG_THRESHOLD = 50_000


def worker_count(jobs: int | None) -> int:
    """The number of worker processes for --jobs: as given, else one per CPU this process may run on."""
    if jobs is not None:
        return max(1, jobs)
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # no affinity masks (macOS)
        return os.cpu_count() or 1


def process_pool(count: int, context, initializer, initargs: tuple = (), grace: float = 0.0) -> Pool:
    """A Pool of count worker processes started by context, each running initializer(*initargs) first."""
    from concurrent.futures import ProcessPoolExecutor

    executor = ProcessPoolExecutor(max_workers=count, mp_context=context, initializer=initializer, initargs=initargs)
    return Pool(executor, grace=grace)


def relax_gc() -> None:
    """Collect cyclic garbage less often, and never scan what is alive now (imported modules, the inherited book)."""
    gc.freeze()
    gc.set_threshold(GC_YOUNG_THRESHOLD, 20, 100)


class Pool:
    """Wrap a ProcessPoolExecutor whose workers ignore SIGINT: the building process stops them itself.

    A worker that Ctrl-C catches half-started prints a traceback, so SIGINT waits
    while workers start (the building process takes it right after). On an error
    or Ctrl-C, work not started is dropped, started work gets ``grace`` seconds to
    finish, and what is still running is terminated.
    """

    def __init__(self, executor, grace: float = 0.0):
        self._executor = executor
        self._grace = grace

    def submit(self, fn, *args, **kwargs) -> Future:
        if not hasattr(signal, "pthread_sigmask"):
            return self._executor.submit(fn, *args, **kwargs)
        held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            return self._executor.submit(fn, *args, **kwargs)
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, held)

    def __enter__(self):
        return self

    def __exit__(self, kind, error, traceback) -> None:
        if kind is None:
            self._executor.shutdown(wait=True)
            return
        # Python 3.14 has terminate_workers(); before it, the processes are only reachable here.
        processes = list((getattr(self._executor, "_processes", None) or {}).values())
        self._executor.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            process.join(timeout=self._grace)
        for process in processes:
            if process.is_alive():
                process.terminate()
                process.join(timeout=10)


class Background:
    """One call run in a forked process while this one goes on (with count > 1 and fork available), else later.

    ``result()`` gives its value. When the child fails in any way, the call runs again in this process, where
    its error (a user's, or a bug with its traceback) is raised as it would be without a child.
    """

    def __init__(self, count: int, fn, *args) -> None:
        import multiprocessing

        self._call = (fn, args)
        self._process = None
        if count > 1 and "fork" in multiprocessing.get_all_start_methods():
            context = multiprocessing.get_context("fork")
            self._reader, writer = context.Pipe(duplex=False)
            self._process = context.Process(target=_send_result, args=(writer, fn, args), daemon=True)
            self._process.start()
            writer.close()

    def result(self):
        if self._process is not None:
            process, self._process = self._process, None
            try:
                done, value = self._reader.recv()
            except (EOFError, OSError):
                done, value = False, None
            finally:
                self._reader.close()
                process.join()
            if done:
                return value
        fn, args = self._call
        return fn(*args)

    def cancel(self) -> None:
        """Stop the child, if it still runs (the build failed meanwhile)."""
        if self._process is not None:
            self._process.terminate()
            self._process.join()
            self._reader.close()
            self._process = None


def _send_result(writer, fn, args) -> None:
    try:
        writer.send((True, fn(*args)))
    except BaseException:  # noqa: BLE001 - the parent runs the call again and meets the error itself
        writer.send((False, None))
    finally:
        writer.close()
