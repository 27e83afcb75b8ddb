"""The portable half of every provider, in Go CDK's shape: a portable type over a small driver.

Per area, one portable class (`KVStore`, `BlobStore`, `MessageQueue`, `RDB`, `SearchProvider`)
subclasses `Portable` and owns everything that must be the same for every implementation:

- argument validation (before the driver sees anything),
- the closed state: any call after `close()` raises ProviderError(FAILED_PRECONDITION), in every area,
- error wrapping: a driver raises its native exceptions or a ProviderError; anything else is wrapped
  into a ProviderError with the code the driver's `classify_error` gives and the native one as `__cause__`,
- metrics: calls, errors and seconds per operation (`stats()`), read by the server's /metrics.

An implementation module only writes the area's driver protocol (`providers/<area>/driver.py`) and an
opener registered on the area's registry that returns the portable class around its driver.
"""

from __future__ import annotations

import functools
import inspect
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar, Generic, NamedTuple, ParamSpec, Protocol, Self, TypeVar

from providers.errors import ErrorCode, ProviderError

P = ParamSpec("P")
T = TypeVar("T")

# Bound once: `_run` is on every call's path (a kv get takes a few microseconds).
_clock = time.perf_counter


class ErrorClass(NamedTuple):
    """How a driver classifies a native exception: the portable code, and what it means for the
    caller in a few words ("database is locked by another writer; retry"), or "" when the native
    message says it all."""

    code: ErrorCode
    hint: str = ""


class Driver(Protocol):
    """What every driver provides besides its area's operations."""

    def ping(self) -> None:
        """A real round trip through the backend; raise when it cannot serve."""
        ...

    def close(self) -> None:
        """Release the backend. Called once by the portable type."""
        ...

    def backup(self, dest_dir: str) -> None:
        """Copy a consistent snapshot into `dest_dir` (missing or empty: the portable type checked;
        create it when missing), or raise ProviderError(UNIMPLEMENTED) (server-backed drivers:
        their servers have backup tools)."""
        ...

    def classify_error(self, err: BaseException) -> ErrorClass:
        """The portable code for a native exception this driver raised (unknown ones: INTERNAL),
        with a hint for the caller when the driver knows one."""
        ...


D = TypeVar("D", bound=Driver)


@dataclass
class OpStats:
    calls: int = 0
    errors: int = 0
    seconds: float = 0.0

    def add(self, seconds: float, failed: bool) -> None:
        self.calls += 1
        self.seconds += seconds
        if failed:
            self.errors += 1


# What a malformed argument raises in Python code that checks or converts it (a list where a
# mapping was meant, a str where an object, an int beyond a float, a cycle too deep to walk).
_ARGUMENT_ERRORS = (TypeError, AttributeError, ValueError, KeyError, IndexError, OverflowError, RecursionError,
                    UnicodeError)


def _guarded(method: Callable[P, T], where: str) -> Callable[P, T]:
    @functools.wraps(method)
    def guard(*args: P.args, **kwargs: P.kwargs) -> T:
        try:
            return method(*args, **kwargs)
        except ProviderError:
            raise
        except _ARGUMENT_ERRORS as err:
            # Driver calls run in `_run`, which turns everything into ProviderError: what reaches
            # here failed in the contract's own argument handling, on an argument of the wrong shape.
            raise ProviderError(ErrorCode.INVALID_ARGUMENT,
                                f"{where}.{method.__name__}: malformed argument ({type(err).__name__}: {err})") from err

    return guard


def contract_errors(cls: type[T]) -> type[T]:
    """Class decorator of a contract class: its public methods raise only ProviderError. A
    Python error from checking or converting an argument becomes INVALID_ARGUMENT (`Portable`
    subclasses get this by themselves; helper classes such as a producer or a pipeline use it)."""
    for name, member in list(vars(cls).items()):
        if name.startswith("_") or not inspect.isfunction(member):
            continue
        setattr(cls, name, _guarded(member, cls.__name__))
    return cls


class Portable(Generic[D]):
    """Base of every area's portable class. Subclasses call `self._run(op, fn, *args)` for each
    driver call; validation happens before it, in the subclass. Every public method raises only
    ProviderError (see `contract_errors`)."""

    area: ClassVar[str]

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        contract_errors(cls)

    def __init__(self, driver: D, *, name: str) -> None:
        self._driver = driver
        # The implementation's name as the registry knows it (the URI scheme's family: "lmdb", "redis").
        self.implementation = name
        self._closed = False
        self._close_lock = threading.Lock()
        # Metrics per thread: each thread counts into its own table without a lock (`_run` is on
        # every call's path); `stats()` adds the tables up.
        self._local = threading.local()
        self._tables: list[dict[str, OpStats]] = []
        self._stats_lock = threading.Lock()

    @property
    def driver(self) -> D:
        """The driver, for tests and for implementation-specific extras (never needed by app code)."""
        return self._driver

    @property
    def closed(self) -> bool:
        return self._closed

    def check_open(self) -> None:
        if self._closed:
            raise ProviderError(ErrorCode.FAILED_PRECONDITION, f"{self.area} provider {self.implementation} is closed")

    def _run(self, op: str, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """Run one driver call: closed check, error wrapping, metrics."""
        if self._closed:
            self.check_open()
        start = _clock()
        try:
            result = fn(*args, **kwargs)
        except ProviderError:
            self._op_stats(op).add(_clock() - start, True)
            raise
        except Exception as err:
            self._op_stats(op).add(_clock() - start, True)
            raise self._wrap(op, err) from err
        seconds = _clock() - start
        # The common case inline: this thread's table already has the operation.
        try:
            stats = self._local.table[op]
        except (AttributeError, KeyError):
            stats = self._op_stats(op)
        stats.calls += 1
        stats.seconds += seconds
        return result

    def _wrap(self, op: str, err: Exception) -> ProviderError:
        try:
            code, hint = self._driver.classify_error(err)
        except Exception:  # a driver's mapping must never hide the original error
            code, hint = ErrorCode.INTERNAL, ""
        what = f"{hint} ({type(err).__name__}: {err})" if hint else f"{type(err).__name__}: {err}"
        return ProviderError(code, f"{self.area} {op} failed: {what}")

    def _op_stats(self, op: str) -> OpStats:
        """This thread's counters of `op` (only this thread writes them)."""
        table: dict[str, OpStats] | None = getattr(self._local, "table", None)
        if table is None:
            table = self._local.table = {}
            with self._stats_lock:
                self._tables.append(table)
        stats = table.get(op)
        if stats is None:
            # A new key while stats() iterates the table would break its iteration: add under the lock.
            with self._stats_lock:
                stats = table[op] = OpStats()
        return stats

    def stats(self) -> dict[str, OpStats]:
        """Calls, errors and seconds per operation since open, over all threads (a copy)."""
        total: dict[str, OpStats] = {}
        with self._stats_lock:
            for table in self._tables:
                for op, s in table.items():
                    t = total.setdefault(op, OpStats())
                    t.calls += s.calls
                    t.errors += s.errors
                    t.seconds += s.seconds
        return total

    # -- the lifecycle every provider shares ---------------------------------------------------

    def ping(self) -> None:
        """A real round trip through the backend; ProviderError(UNAVAILABLE) when it cannot serve."""
        try:
            self._run("ping", self._driver.ping)
        except ProviderError as err:
            if err.code is ErrorCode.FAILED_PRECONDITION:
                raise
            raise ProviderError(ErrorCode.UNAVAILABLE, f"{self.area} provider {self.implementation} "
                                f"is unavailable: {err.message}") from err

    def backup(self, dest_dir: str | os.PathLike[str]) -> None:
        """Copy a consistent snapshot, taken while the provider is live, into the directory `dest_dir`,
        which must be empty or missing (FAILED_PRECONDITION otherwise, in every area). Server-backed
        providers raise UNIMPLEMENTED: their servers have backup tools."""
        dest = os.fspath(dest_dir) if isinstance(dest_dir, (str, os.PathLike)) else dest_dir
        try:
            encodable = isinstance(dest, str) and bool(os.fsencode(dest))
        except UnicodeEncodeError:  # a lone surrogate no file name can hold
            encodable = False
        if not encodable or "\x00" in dest:
            raise ProviderError(ErrorCode.INVALID_ARGUMENT, f"{self.area} backup destination must be a non-empty "
                                f"path (str or os.PathLike of str) without NUL, got {dest_dir!r}")
        self._run("backup", self._backup, dest)

    def _backup(self, dest: str) -> None:
        # One rule for every area, checked before the driver sees the directory: a backup never
        # mixes with (or overwrites) files that are already there.
        if os.path.lexists(dest) and (not os.path.isdir(dest) or os.listdir(dest)):
            raise ProviderError(ErrorCode.FAILED_PRECONDITION,
                                f"{self.area} backup destination {dest!r} is not an empty directory")
        self._driver.backup(dest)

    def close(self) -> None:
        """Release the backend. Idempotent; every later call raises FAILED_PRECONDITION."""
        with self._close_lock:
            if self._closed:
                return
            self._closed = True
        try:
            self._close_driver()
        except ProviderError:
            raise
        except Exception as err:
            raise self._wrap("close", err) from err

    def _close_driver(self) -> None:
        """Release the driver. A subclass whose driver must stop work first (mq lets its consumers
        drain for a timeout) overrides this; the closed state is already set when it runs."""
        self._driver.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        state = "closed" if self._closed else "open"
        return f"<{type(self).__name__} {self.implementation} {state}>"

