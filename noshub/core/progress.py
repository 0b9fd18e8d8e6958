"""Progress of long jobs (load, sentence vectors, SOC fit and coding, duplicate detection,
reindexing) for the command line: a live bar with counts and time left on a terminal, and a
plain line every few seconds when the output is not a terminal (logs, `scripts/start`, CI).

Services take an optional callback ``progress(stage, done, total)`` and are quiet without one.
A job calls it as its work advances, naming the stage it is in; ``total`` 0 announces a stage
it cannot count ("Fitting the SOC coder"). The command line passes a `Progress`:

    with Progress() as progress:
        reports = load_all(progress=progress)

No Django here.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import TextIO

from tqdm import tqdm

#: The callback services accept: progress(stage, done, total).
ProgressCallback = Callable[[str, int, int], None]

#: Seconds between two plain lines when the output is not a terminal.
EVERY = 5.0


def tell(progress: ProgressCallback | None, stage: str, done: int = 0, total: int = 0) -> None:
    """Call `progress` if a caller gave one (services use this, and stay quiet by default)."""
    if progress is not None:
        progress(stage, done, total)


def _duration(seconds: float) -> str:
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {seconds:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


class Progress:
    """A `ProgressCallback` that shows one stage at a time on `stream` (stderr by default).

    On a terminal each stage is a tqdm bar. Otherwise each stage prints a line when it starts,
    then at most one line every `every` seconds of `clock`, and one when it ends."""

    def __init__(
        self,
        stream: TextIO | None = None,
        every: float = EVERY,
        clock: Callable[[], float] = time.monotonic,
        tty: bool | None = None,
    ) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.tty = self.stream.isatty() if tty is None else tty
        self.every = every
        self.clock = clock
        self._stage: str | None = None
        self._bar: tqdm | None = None
        self._started = self._last = 0.0
        self._done = self._total = 0
        self._printed_done = False

    def __call__(self, stage: str, done: int, total: int) -> None:
        if stage != self._stage:
            self.close()
            self._start(stage)
        self._done, self._total = done, total
        if self.tty:
            self._update_bar(done, total)
            return
        now = self.clock()
        if total and done >= total:
            self._line(f"{stage}: {done:,}/{total:,} done in {_duration(now - self._started)}")
            self._printed_done = True
        elif now - self._last >= self.every:
            self._line(self._status(now))
            self._last = now

    def _start(self, stage: str) -> None:
        self._stage = stage
        self._started = self.clock()
        self._last = self._started - self.every  # the first call of a stage prints its line
        self._printed_done = False
        self._done = self._total = 0
        if self.tty:
            self._bar = tqdm(desc=stage, total=None, file=self.stream, dynamic_ncols=True, leave=True)

    def _update_bar(self, done: int, total: int) -> None:
        assert self._bar is not None
        if total and self._bar.total != total:
            self._bar.total = total
            self._bar.refresh()
        self._bar.update(done - self._bar.n)

    def _status(self, now: float) -> str:
        stage, done, total = self._stage, self._done, self._total
        elapsed = now - self._started
        if not total:
            return f"{stage}…" if not done else f"{stage}: {done:,} ({_duration(elapsed)})"
        line = f"{stage}: {done:,}/{total:,} ({done / total:.0%}), {_duration(elapsed)}"
        if done:
            line += f", about {_duration(elapsed * (total - done) / done)} left"
        return line

    def _line(self, text: str) -> None:
        print(text, file=self.stream, flush=True)

    def close(self, failed: bool = False) -> None:
        """End the current stage (a stage also ends when the next one starts); `failed`: the
        job stopped on an error."""
        if self._stage is None:
            return
        if self._bar is not None:
            self._bar.close()
            self._bar = None
        elif failed:
            self._line(f"{self._stage}: stopped after {_duration(self.clock() - self._started)}")
        elif not self._printed_done:
            self._line(f"{self._stage}: done in {_duration(self.clock() - self._started)}")
        self._stage = None

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, exc_type, exc, traceback) -> None:
        self.close(failed=exc_type is not None)
