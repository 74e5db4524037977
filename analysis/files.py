"""Safe file writes shared by the warehouse, the price refresh and the briefs.

- :func:`atomic_write`: readers see the old file or the new one, never half of one.
- :func:`exclusive_lock`: one writer at a time across processes (POSIX ``flock``).
- :func:`file_lock`: that lock with the toolkit's timeout message, raised as the
  caller's own error class.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path


def atomic_write(path: Path, data: str | bytes) -> None:
    """Write ``data`` to ``path`` through a unique temporary file and ``os.replace``.

    Text is written as UTF-8 exactly as given (no newline translation). The
    temporary file sits in the same folder, is flushed to disk, then renamed
    over ``path``; on any failure it is removed and ``path`` is untouched. An
    existing file keeps its permission bits; a new one gets ``0o644``.

    Args:
        path: the file to write (its folder is created if missing).
        data: the whole new content.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        try:
            mode = path.stat().st_mode & 0o777
        except FileNotFoundError:
            mode = 0o644
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


@contextlib.contextmanager
def exclusive_lock(
    path: Path, *, timeout: float, poll_s: float, timeout_error: Callable[[], Exception]
) -> Iterator[None]:
    """Hold an exclusive ``flock`` on ``path`` (created if missing) for the block.

    Polls every ``poll_s`` seconds. Where ``fcntl`` does not exist (Windows) the
    block runs unlocked: callers rely on unique temporary names and ``os.replace``.

    Args:
        path: the lock file.
        timeout: seconds to wait for another holder.
        poll_s: seconds between attempts.
        timeout_error: builds the error raised when ``timeout`` passes.
    """
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        yield
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise timeout_error() from None
                time.sleep(poll_s)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def file_lock(
    lock: Path,
    *,
    timeout: float,
    error: Callable[[str], Exception],
    holder: str = "another process",
    poll_s: float = 0.05,
) -> AbstractContextManager[None]:
    """:func:`exclusive_lock` on ``lock``, raising ``error(message)`` after ``timeout``.

    The message names the lock file, the holder and the wait, and says what to
    do: ``"<lock> has been held by <holder> for over <timeout> s; if none is
    running, delete that file and retry"``.

    Args:
        lock: the lock file (created if missing, never deleted: removing a lock
            file another process holds would let a third one in).
        timeout: seconds to wait for the holder, > 0.
        error: the exception class (or factory) to raise, e.g. ``RefreshError``.
        holder: who else may hold it, for the message (``"another refresh"``).
        poll_s: seconds between attempts.

    Returns:
        A context manager holding the lock for its block.
    """
    return exclusive_lock(
        lock,
        timeout=timeout,
        poll_s=poll_s,
        timeout_error=lambda: error(
            f"{lock} has been held by {holder} for over {timeout:g} s; "
            "if none is running, delete that file and retry"
        ),
    )
