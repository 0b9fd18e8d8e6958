"""The progress helper for long jobs: a bar on a terminal, a plain line every few seconds otherwise."""

from __future__ import annotations

import io

from noshub.core.progress import Progress, tell


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_not_a_terminal_prints_a_line_when_a_stage_starts_then_every_few_seconds_and_at_the_end():
    out, clock = io.StringIO(), FakeClock()
    with Progress(stream=out, every=5, clock=clock, tty=False) as progress:
        for second, done in enumerate(range(0, 1000, 100)):  # one call a second
            clock.now = 100.0 + second
            progress("Sentence vectors", done, 1000)
        clock.now = 112.0
        progress("Sentence vectors", 1000, 1000)
        progress("Fitting the SOC coder", 0, 0)
        clock.now = 142.0
    assert out.getvalue().splitlines() == [
        "Sentence vectors: 0/1,000 (0%), 0 s",
        "Sentence vectors: 500/1,000 (50%), 5 s, about 5 s left",
        "Sentence vectors: 1,000/1,000 done in 12 s",
        "Fitting the SOC coder…",
        "Fitting the SOC coder: done in 30 s",
    ]


def test_a_job_that_fails_says_where_it_stopped():
    out, clock = io.StringIO(), FakeClock()
    try:
        with Progress(stream=out, clock=clock, tty=False) as progress:
            progress("Fitting the SOC coder", 0, 0)
            clock.now += 3
            raise ValueError("too few coded NOS")
    except ValueError:
        pass
    assert out.getvalue().splitlines() == ["Fitting the SOC coder…", "Fitting the SOC coder: stopped after 3 s"]


def test_a_terminal_gets_a_live_bar_with_counts_and_time_left():
    out = io.StringIO()
    with Progress(stream=out, tty=True) as progress:
        for done in range(0, 11):
            progress("Coding NOS", done, 10)
    text = out.getvalue()
    assert "Coding NOS" in text and "10/10" in text and "\r" in text
    assert "<" in text  # tqdm's elapsed<left


def test_stderr_that_is_not_a_terminal_is_detected():
    assert Progress(stream=io.StringIO()).tty is False


def test_services_are_quiet_without_a_callback():
    tell(None, "anything", 1, 2)  # no callback, no output, no error
    seen = []
    tell(lambda *a: seen.append(a), "stage", 1, 2)
    assert seen == [("stage", 1, 2)]
