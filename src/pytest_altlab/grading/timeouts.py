"""Every check gets a time limit (lab.yaml `check_timeout:`, default 120 s): a hang becomes an `error`.

Signal-based (SIGALRM, as pytest-timeout's default method) rather than a new dependency: the grading runs in
the main thread of its own pytest process, the alarm interrupts sleeps and waits on subprocesses, and the
exception it raises becomes the check's `error` while the session goes on and writes its report. Where no
alarm can be set (not the main thread, no SIGALRM), checks run without a limit."""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Generator, Iterator
from contextlib import contextmanager
from typing import Any

import pytest

__all__ = ["CheckTimedOut", "CheckTimer", "RESTART_ALLOWANCE"]

RESTART_ALLOWANCE = 600.0  # the setup that restarts the services waits on its own bounded timeouts


class CheckTimedOut(BaseException):
    """Raised in the check by the alarm. A BaseException, so a check's `except Exception:` cannot swallow it."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"timed out after {seconds:g} s")
        self.seconds = seconds


class CheckTimer:
    """A pytest plugin: each phase (setup, call, teardown) of a check runs under the lab's time limit."""

    def __init__(self, limit_of: Callable[[pytest.Item, str], float | None]) -> None:
        self.limit_of = limit_of  # (item, phase) -> seconds, or None for no limit

    @contextmanager
    def _armed(self, seconds: float | None) -> Iterator[None]:
        if not seconds or not hasattr(signal, "SIGALRM") or threading.current_thread() is not threading.main_thread():
            yield
            return

        def fire(signum: int, frame: Any) -> None:
            raise CheckTimedOut(seconds)

        old = signal.signal(signal.SIGALRM, fire)
        signal.setitimer(signal.ITIMER_REAL, seconds)
        try:
            yield
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, old)

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_setup(self, item: pytest.Item) -> Generator[None, Any, Any]:
        with self._armed(self.limit_of(item, "setup")):
            return (yield)

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_call(self, item: pytest.Item) -> Generator[None, Any, Any]:
        with self._armed(self.limit_of(item, "call")):
            return (yield)

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_teardown(self, item: pytest.Item, nextitem: pytest.Item | None) -> Generator[None, Any, Any]:
        with self._armed(self.limit_of(item, "teardown")):
            return (yield)
