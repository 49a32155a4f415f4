"""Run a command and measure its wall time, CPU time and the peak memory of its whole process tree.

Peak memory is sampled from /proc every ``interval`` seconds (default 50 ms):
each sample adds up the resident memory (RSS, ``/proc/PID/statm``) of the
command and every process descended from it, including workers that outlive
their parent. Pages that forked workers share with their parent are counted
once per process, so for a tree of forked workers the sum over-states what the
machine really spends: a conservative figure.

With ``pss=True`` each sample also adds up PSS (``/proc/PID/smaps_rollup``),
where a shared page is divided among the processes sharing it, so the sum is
what the tree really holds. Reading it walks the page tables (~75 ms for a
1.3 GB process here), which steals CPU from the build being timed: use it in a
separate run.

``wait4`` gives ``ru_maxrss``: the peak of the single largest process in the
tree (Linux keeps the largest of a process and its waited-for descendants), not
of the tree. It is reported too, and the tree's peak is never reported below
it: a spike shorter than the sampling interval can slip between two samples.

A process that starts and ends between two samples is missed: at 50 ms that
can only hide short-lived helpers, not a build's workers.
"""

from __future__ import annotations

import os
import subprocess
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path

PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")
MB = 1024 * 1024


@dataclass(frozen=True)
class Measurement:
    """One run of one command."""

    wall_s: float
    cpu_s: float
    peak_rss_mb: float
    peak_pss_mb: float | None  # only when asked for: reading PSS is slow
    largest_process_rss_mb: float
    most_processes: int
    samples: int

    def as_dict(self) -> dict:
        return asdict(self)


class CommandFailed(RuntimeError):
    """The measured command exited with a non-zero status."""


def _parent_of(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            data = stat.read()
    except OSError:  # the process ended while we looked
        return None
    # The command name may hold spaces and parentheses: the fields start after the last ')'.
    return int(data[data.rindex(b")") + 2 :].split()[1])


def _alive() -> set[int]:
    return {int(entry.name) for entry in os.scandir("/proc") if entry.name.isdigit()}


class ProcessTree:
    """The processes descended from root, kept up to date by reading /proc/PID/stat of new pids only."""

    def __init__(self, root: int):
        self.members = {root}
        self._strangers: set[int] = set()

    def update(self) -> set[int]:
        alive = _alive()
        self.members &= alive
        self._strangers &= alive
        parents = {pid: _parent_of(pid) for pid in alive - self.members - self._strangers}
        while True:  # a new child may be listed before its new parent: repeat until nobody joins
            joined = {pid for pid, parent in parents.items() if parent in self.members}
            if not joined:
                break
            self.members |= joined
            for pid in joined:
                del parents[pid]
        self._strangers |= parents.keys()
        return self.members


def _rss_bytes(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm", "rb") as statm:
            return int(statm.read().split()[1]) * PAGE_SIZE
    except (OSError, IndexError, ValueError):
        return 0


def _pss_bytes(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as rollup:
            for line in rollup:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1]) * 1024
    except (OSError, IndexError, ValueError):
        pass
    return 0


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _cpu_ticks(pid: int) -> int | None:
    """User + system CPU of one process so far, in clock ticks (its own, not its children's)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            fields = stat.read().rsplit(b")", 1)[1].split()
        return int(fields[11]) + int(fields[12])  # utime, stime: fields 14 and 15 of proc(5)
    except (OSError, IndexError, ValueError):
        return None


class TreeSampler:
    """Sample a process tree's memory in a background thread until stopped."""

    def __init__(self, root: int, interval: float, pss: bool = False):
        self.tree = ProcessTree(root)
        self.interval = interval
        self.pss = pss
        self.peak_rss = 0
        self.peak_pss = 0
        self.most_processes = 0
        self.samples = 0
        self.cpu_ticks: dict[int, int] = {}  # pid -> user + system clock ticks at its last sample
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def __enter__(self) -> TreeSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def sample(self) -> None:
        pids = self.tree.update()
        self.peak_rss = max(self.peak_rss, sum(_rss_bytes(p) for p in pids))
        if self.pss:
            self.peak_pss = max(self.peak_pss, sum(_pss_bytes(p) for p in pids))
        self.most_processes = max(self.most_processes, len(pids))
        for pid in pids:
            ticks = _cpu_ticks(pid)
            if ticks is not None:
                self.cpu_ticks[pid] = ticks
        self.samples += 1

    @property
    def cpu_s(self) -> float:
        """CPU seconds of every process seen in the tree, as of its last sample (a lower bound)."""
        return sum(self.cpu_ticks.values()) / CLOCK_TICKS

    def _loop(self) -> None:
        while True:
            self.sample()
            if self._stop.wait(self.interval):
                return


def measure(
    cmd: list[str], *, cwd: Path, env: dict[str, str], log: Path, interval: float = 0.05, pss: bool = False
) -> Measurement:
    """Run cmd to completion (output to log) and return what it cost; raise CommandFailed on a non-zero exit."""
    with log.open("wb") as out:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        with TreeSampler(proc.pid, interval, pss) as sampler:
            _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        tail = log.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-15:]
        raise CommandFailed(f"exit {proc.returncode}: {' '.join(cmd)}\n" + "\n".join(tail))
    largest = usage.ru_maxrss * 1024  # KiB on Linux
    return Measurement(
        wall_s=wall,
        # wait4 counts the processes this one reaped, and forkserver workers are reaped by their server,
        # not by it: the tree's samples count them. Each figure is a lower bound; the larger is kept.
        cpu_s=max(usage.ru_utime + usage.ru_stime, sampler.cpu_s),
        # A sample can miss a short spike; the tree can never have held less than its largest process did.
        peak_rss_mb=max(sampler.peak_rss, largest) / MB,
        peak_pss_mb=sampler.peak_pss / MB if pss else None,
        largest_process_rss_mb=largest / MB,
        most_processes=sampler.most_processes,
        samples=sampler.samples,
    )
