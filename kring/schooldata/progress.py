"""A progress line for the command line: records read per resource, rate, and a bar when the total is known."""

from __future__ import annotations

import time
from typing import Protocol

BAR_WIDTH = 30


class Stream(Protocol):
    def write(self, text: str, /) -> object: ...

    def flush(self) -> None: ...

    def isatty(self) -> bool: ...


class ProgressLine:
    def __init__(self, stream: Stream, *, interactive: bool | None = None) -> None:
        self.stream = stream
        self.interactive = stream.isatty() if interactive is None else interactive
        self.started = time.perf_counter()
        self.resource = ""
        self.resource_started = self.started

    def update(self, resource: str, done: int, total: int | None = None) -> None:
        if resource != self.resource:
            self.finish()
            self.resource, self.resource_started = resource, time.perf_counter()
        elapsed = max(time.perf_counter() - self.resource_started, 1e-6)
        bar = ""
        if total:
            filled = min(BAR_WIDTH, round(BAR_WIDTH * done / total))
            bar = f"[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {100 * done / total:5.1f} % "
        line = f"{resource:<16} {bar}{done:>12,} records  {done / elapsed:>10,.0f}/s  {elapsed:6.1f} s"
        if self.interactive:
            self.stream.write(f"\r{line}")
            self.stream.flush()
        else:
            self._last = line

    def finish(self) -> None:
        if not self.resource:
            return
        if self.interactive:
            self.stream.write("\n")
        elif getattr(self, "_last", ""):
            self.stream.write(self._last + "\n")
            self._last = ""
        self.stream.flush()
