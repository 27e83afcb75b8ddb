"""The portable base every area's provider class shares (providers/portable.py), over a fake driver."""

from __future__ import annotations

import errno
import threading
from pathlib import Path
from typing import ClassVar

import pytest

from providers.errors import ErrorCode, ProviderError
from providers.portable import ErrorClass, Portable


class FakeDriver:
    def __init__(self) -> None:
        self.closed = 0
        self.backups: list[str] = []
        self.healthy = True

    def ping(self) -> None:
        if not self.healthy:
            raise ConnectionError("refused")

    def close(self) -> None:
        self.closed += 1

    def backup(self, dest_dir: str) -> None:
        self.backups.append(dest_dir)

    def classify_error(self, err: BaseException) -> ErrorClass:
        if isinstance(err, OSError) and err.errno == errno.EACCES:
            return ErrorClass(ErrorCode.PERMISSION_DENIED)
        if isinstance(err, KeyError):
            raise RuntimeError("a broken mapping")
        return ErrorClass(ErrorCode.INTERNAL)

    def echo(self, value: str) -> str:
        return value

    def fail(self, err: Exception) -> None:
        raise err


class Fake(Portable[FakeDriver]):
    area: ClassVar[str] = "fake"

    def echo(self, value: str) -> str:
        return self._run("echo", self._driver.echo, value)

    def fail(self, err: Exception) -> None:
        self._run("fail", self._driver.fail, err)


@pytest.fixture
def fake() -> Fake:
    return Fake(FakeDriver(), name="fakeimpl")


def code_of(fn: object) -> ErrorCode:
    with pytest.raises(ProviderError) as info:
        fn()  # type: ignore[operator]
    return info.value.code


def test_calls_reach_the_driver_and_are_counted(fake: Fake) -> None:
    assert fake.echo("a") == "a"
    assert fake.echo("b") == "b"
    assert code_of(lambda: fake.fail(ValueError("x"))) is ErrorCode.INTERNAL
    stats = fake.stats()
    assert (stats["echo"].calls, stats["echo"].errors) == (2, 0)
    assert (stats["fail"].calls, stats["fail"].errors) == (1, 1)
    assert stats["echo"].seconds >= 0
    stats["echo"].calls = 99  # a copy: the provider's counts are unchanged
    assert fake.stats()["echo"].calls == 2


def test_stats_add_up_every_thread(fake: Fake) -> None:
    def work() -> None:
        for _ in range(500):
            fake.echo("x")

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    fake.echo("main")
    assert fake.stats()["echo"].calls == 4 * 500 + 1


def test_native_errors_are_wrapped_with_the_drivers_code_and_kept_as_cause(fake: Fake) -> None:
    native = PermissionError(errno.EACCES, "denied")
    with pytest.raises(ProviderError) as info:
        fake.fail(native)
    assert info.value.code is ErrorCode.PERMISSION_DENIED and info.value.__cause__ is native
    assert "fake fail failed" in info.value.message
    # A driver's own ProviderError passes unchanged; a failing mapping never hides the error.
    own = ProviderError(ErrorCode.NOT_FOUND, "nope")
    with pytest.raises(ProviderError) as info:
        fake.fail(own)
    assert info.value is own
    assert code_of(lambda: fake.fail(KeyError("k"))) is ErrorCode.INTERNAL


def test_ping_failure_is_unavailable(fake: Fake) -> None:
    fake.ping()
    fake.driver.healthy = False
    assert code_of(fake.ping) is ErrorCode.UNAVAILABLE


def test_close_is_idempotent_and_every_later_call_is_failed_precondition(fake: Fake, tmp_path: Path) -> None:
    assert not fake.closed and "open" in repr(fake)
    fake.close()
    fake.close()
    assert fake.closed and fake.driver.closed == 1 and "closed" in repr(fake)
    for call in (lambda: fake.echo("a"), fake.ping, lambda: fake.backup(tmp_path / "b"), fake.check_open):
        assert code_of(call) is ErrorCode.FAILED_PRECONDITION
    assert fake.driver.backups == []


def test_context_manager_closes(fake: Fake) -> None:
    with fake as same:
        assert same is fake
    assert fake.closed and fake.driver.closed == 1


def test_backup_needs_an_empty_or_missing_directory(fake: Fake, tmp_path: Path) -> None:
    fake.backup(tmp_path / "missing")
    (tmp_path / "empty").mkdir()
    fake.backup(tmp_path / "empty")
    assert fake.driver.backups == [str(tmp_path / "missing"), str(tmp_path / "empty")]
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "x").write_text("x")
    (tmp_path / "file").write_text("x")
    assert code_of(lambda: fake.backup(tmp_path / "full")) is ErrorCode.FAILED_PRECONDITION
    assert code_of(lambda: fake.backup(tmp_path / "file")) is ErrorCode.FAILED_PRECONDITION
    assert len(fake.driver.backups) == 2
