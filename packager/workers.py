"""A process pool for the build's workers: started with Ctrl-C held back, stopped soon after an error."""

from __future__ import annotations

import gc
import signal
from concurrent.futures import Future

#: Allocations between young-generation collections (CPython's default is 700). Layout and Markdown make
#: millions of short-lived objects that reference counting frees. Laying out three 45-page parts, the
#: collector took 1.27 of 15.8 CPU s with the defaults; 0.84 s with this value, imports frozen and one full
#: collection after each part (pdf_worker.render_part: a part's layout holds cycles, which would pile up).
GC_YOUNG_THRESHOLD = 50_000


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
