"""Bulk work in Python: a function run on the other core, in a forked child process, while the caller goes on with
its own (:class:`Beside`); and without the cyclic garbage collector's pauses (:func:`gc_paused`).

A load parses its inputs, then maps them to rows and validates them: two pieces of single-threaded Python that
need the same triples and not each other's results. :class:`Beside` runs one of them in a child made by
``fork``, which inherits the triples instead of receiving a copy (pickling 10^6 triples would cost more than the
work), and hands back only the result, pickled through a pipe. Off Linux (no ``fork`` on Windows; on macOS a
fork is unsafe once system frameworks have started threads), or for small inputs, the function simply runs in
the caller when its result is asked for.

A load makes millions of small objects (triples, rows, property maps) that live until it ends and hold no
reference cycles. Python's cyclic collector, triggered by allocations, walks them all again and again: measured
on 10^6 triples, a third of the parse, mapping, plan and CSV files' time (18.9 s with it, 12.2 s without).
"""

from __future__ import annotations

import gc
import os
import pickle
import signal
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Generic, TypeVar

T = TypeVar("T")


class ChildDied(RuntimeError):
    """The child process ended without a result (killed, or out of memory)."""


class Beside(Generic[T]):
    """``function(*args, **kwargs)`` started in a forked child (``fork=True``, on Linux), or kept to run in the
    caller; :meth:`result` returns its value or raises its exception, as a call would.

    Use it as a context manager: leaving the block early (an exception in the caller's own work) stops the child.
    """

    def __init__(self, function: Callable[..., T], *args, fork: bool = True, **kwargs):
        self._call = lambda: function(*args, **kwargs)
        self._pid: int | None = None
        self._reader: int | None = None
        if fork and sys.platform == "linux":
            self._start()

    def _start(self) -> None:
        reader, writer = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: compute, send, and leave without running the parent's exit handlers
            os.close(reader)
            signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle: it stops the child
            try:
                try:
                    outcome = pickle.dumps((True, self._call()))
                except BaseException as exc:  # noqa: BLE001 - every failure goes back to the parent, as it is
                    try:
                        outcome = pickle.dumps((False, exc))
                    except Exception:  # noqa: BLE001 - an exception that does not pickle goes back as its text
                        outcome = pickle.dumps((False, ChildDied(f"{type(exc).__name__}: {exc}")))
                with os.fdopen(writer, "wb") as out:
                    out.write(outcome)
            finally:
                os._exit(0)
        os.close(writer)
        self._pid, self._reader = pid, reader

    def result(self) -> T:
        """The function's value (waiting for the child), or its exception raised here."""
        if self._pid is None:
            return self._call()
        with os.fdopen(self._reader, "rb") as pipe:
            data = pipe.read()
        self._reader = None
        _, status = os.waitpid(self._pid, 0)
        self._pid = None
        if not data:
            raise ChildDied(f"the process working beside this one ended without a result ({_status_text(status)})")
        ok, value = pickle.loads(data)
        if not ok:
            raise value
        return value

    def cancel(self) -> None:
        """Stop the child, if it still runs."""
        if self._pid is not None:
            try:
                os.kill(self._pid, signal.SIGKILL)
                os.waitpid(self._pid, 0)
            except (ProcessLookupError, ChildProcessError):
                pass
            self._pid = None
        if self._reader is not None:
            os.close(self._reader)
            self._reader = None

    def __enter__(self) -> Beside[T]:
        return self

    def __exit__(self, *exc) -> None:
        self.cancel()


def _status_text(status: int) -> str:
    if os.WIFSIGNALED(status):
        return f"killed by signal {os.WTERMSIG(status)}, perhaps for lack of memory"
    return f"exit status {os.waitstatus_to_exitcode(status)}"


@contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic garbage collection inside the block (reference counting still frees everything else); the
    collector's state is restored after it, so blocks nest."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
