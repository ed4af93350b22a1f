"""The hostile suite's shared fixture: no in-process csr run may hang."""

from __future__ import annotations

import signal
from collections.abc import Iterator

import pytest
from helpers import TALLY

HANG_SECONDS = 20


@pytest.fixture
def no_hang() -> Iterator[None]:
    """Fail (and count a hang) when an in-process csr run takes longer than HANG_SECONDS."""

    def hung(signum: int, frame: object) -> None:
        TALLY.hangs += 1
        raise TimeoutError(f"csr ran for more than {HANG_SECONDS} s")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(HANG_SECONDS)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
