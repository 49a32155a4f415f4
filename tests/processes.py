"""Reading a running process's output in tests: with deadlines, so that no test can hang on a read."""

from __future__ import annotations

import queue
import threading
import time


class Lines:
    """A process's output, read in a thread: waiting for a line has a deadline and never blocks the test."""

    def __init__(self, stream):
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        self._reader = threading.Thread(target=self._read, args=(stream,), daemon=True)
        self._reader.start()

    def _read(self, stream) -> None:
        for line in stream:
            self.lines.put(line)

    def wait_for(self, text: str, seconds: float) -> str:
        """The first line holding text; AssertionError when none comes within seconds."""
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            try:
                line = self.lines.get(timeout=left)
            except queue.Empty:
                break
            self.seen.append(line)
            if text in line:
                return line
        raise AssertionError(f"no line with {text!r} within {seconds} s; the process printed: {''.join(self.seen)}")

    def rest(self, seconds: float) -> str:
        """Everything printed so far and until the stream ends (or seconds pass)."""
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            try:
                self.seen.append(self.lines.get(timeout=min(left, 0.2)))
            except queue.Empty:
                if not self._reader.is_alive():
                    break
        return "".join(self.seen)
