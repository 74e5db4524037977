"""analysis.files: atomic writes and the cross-process lock, against real files and processes.

The second process is a real Python interpreter holding a real ``flock``; the
handshake goes through files, so nothing here depends on timing beyond the
timeouts under test.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from analysis import files
from analysis.errors import RefreshError

REPO = Path(__file__).resolve().parent.parent

# Holds the lock on argv[1], writes argv[2] once it holds it, keeps it until argv[3] exists.
HOLDER = """
import sys, time
from pathlib import Path
from analysis import files
lock, held, release = (Path(a) for a in sys.argv[1:4])
with files.exclusive_lock(lock, timeout=30, poll_s=0.01, timeout_error=lambda: SystemExit(3)):
    held.write_text("held")
    deadline = time.monotonic() + 30
    while not release.exists() and time.monotonic() < deadline:
        time.sleep(0.01)
"""

# Tries to take the lock on argv[1] within 0.3 s; prints what happened.
TAKER = """
import sys
from pathlib import Path
from analysis import files
from analysis.errors import RefreshError
try:
    with files.file_lock(Path(sys.argv[1]), timeout=0.3, error=RefreshError, holder="a test"):
        print("acquired")
except RefreshError as exc:
    print("refused:", exc)
"""


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(REPO)}


def _wait_for(path: Path, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        assert time.monotonic() < deadline, f"{path} never appeared"
        time.sleep(0.01)


class _Custom(Exception):
    """A caller's own error class, to check file_lock raises what it is given."""


# ---------------------------------------------------------------- atomic_write


def test_atomic_write_replaces_the_whole_file_exactly(tmp_path: Path) -> None:
    target = tmp_path / "table.csv"
    target.write_text("old\n")
    files.atomic_write(target, "a,b\r\n1,2\r\n")  # no newline translation
    assert target.read_bytes() == b"a,b\r\n1,2\r\n"
    files.atomic_write(target, b"\x00\xff")
    assert target.read_bytes() == b"\x00\xff"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["table.csv"]


def test_atomic_write_creates_the_folder_and_a_0644_file(tmp_path: Path) -> None:
    target = tmp_path / "new" / "deeper" / "out.txt"
    old_umask = os.umask(0o077)  # the mode is set explicitly, not left to the umask
    try:
        files.atomic_write(target, "x")
    finally:
        os.umask(old_umask)
    assert target.read_text() == "x"
    assert stat.S_IMODE(target.stat().st_mode) == 0o644


def test_atomic_write_keeps_the_mode_of_the_file_it_replaces(tmp_path: Path) -> None:
    target = tmp_path / "script.sh"
    target.write_text("echo old\n")
    target.chmod(0o750)
    files.atomic_write(target, "echo new\n")
    assert target.read_text() == "echo new\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o750


@pytest.mark.parametrize("failing", ["fsync", "replace"])
def test_a_failed_write_leaves_the_old_file_and_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failing: str
) -> None:
    target = tmp_path / "api_prices.csv"
    target.write_text("provider,price\nold,1\n")

    def broken(*_args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files.os, failing, broken)
    with pytest.raises(OSError, match="No space left"):
        files.atomic_write(target, "provider,price\nnew,2\n")
    monkeypatch.undo()

    assert target.read_text() == "provider,price\nold,1\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["api_prices.csv"]


def test_an_interrupted_write_leaves_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "brief.html"
    target.write_text("<p>old</p>")

    def interrupted(*_args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(files.os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        files.atomic_write(target, "<p>new</p>")
    monkeypatch.undo()
    assert target.read_text() == "<p>old</p>"
    assert [p.name for p in tmp_path.iterdir()] == ["brief.html"]


# ---------------------------------------------------------------- the lock


def test_the_lock_excludes_a_second_process_until_it_is_released(tmp_path: Path) -> None:
    lock = tmp_path / "locks" / "table.lock"  # its folder is created on first use
    held, release = tmp_path / "held", tmp_path / "release"
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(lock), str(held), str(release)], env=_env()
    )
    try:
        _wait_for(held)
        started = time.monotonic()
        with (
            pytest.raises(_Custom) as info,
            files.file_lock(lock, timeout=0.3, error=_Custom, holder="the other process"),
        ):
            pytest.fail("the lock was taken while another process held it")
        waited = time.monotonic() - started
        assert 0.3 <= waited < 5
        message = str(info.value)
        assert str(lock) in message and "the other process" in message and "0.3 s" in message
        assert "delete that file and retry" in message
    finally:
        release.touch()
        assert holder.wait(30) == 0

    with files.file_lock(lock, timeout=5, error=_Custom):
        pass  # free again once the holder let go


def test_a_second_process_is_refused_while_this_one_holds_the_lock(tmp_path: Path) -> None:
    lock = tmp_path / "api_prices.csv.lock"
    with files.file_lock(lock, timeout=1, error=RefreshError):
        refused = subprocess.run(
            [sys.executable, "-c", TAKER, str(lock)],
            env=_env(),
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert refused.returncode == 0, refused.stderr
    assert refused.stdout.startswith("refused: ")
    assert "has been held by a test for over 0.3 s" in refused.stdout

    acquired = subprocess.run(
        [sys.executable, "-c", TAKER, str(lock)],
        env=_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert acquired.stdout.strip() == "acquired", acquired.stderr


def test_the_lock_is_released_when_the_block_raises(tmp_path: Path) -> None:
    lock = tmp_path / "x.lock"
    with pytest.raises(ValueError), files.file_lock(lock, timeout=1, error=_Custom):
        raise ValueError("inside the block")
    with files.file_lock(lock, timeout=0.2, error=_Custom):
        pass
    assert lock.exists()  # the file stays: deleting a held lock file would let a third in


def test_the_timeout_error_is_built_only_on_timeout(tmp_path: Path) -> None:
    built: list[str] = []

    def error() -> Exception:
        built.append("built")
        return _Custom("late")

    lock = tmp_path / "y.lock"
    with files.exclusive_lock(lock, timeout=1, poll_s=0.01, timeout_error=error):
        with (
            pytest.raises(_Custom, match="late"),
            files.exclusive_lock(lock, timeout=0.1, poll_s=0.01, timeout_error=error),
        ):
            pass  # flock locks belong to the open file: a second open in one process waits too
    assert built == ["built"]
