"""Reading untrusted downloads: bounded in size and time, refused when they are HTML.

A public feed (a price database, a benchmark download) is untrusted input. The
functions here bring its bytes in, or refuse them with a :class:`RefreshError`
that names the URL or file and ends with "nothing was changed":

- :func:`fetch_url`: an http(s) download, with a connect/read timeout, a deadline
  for the whole transfer and a size limit checked while the body streams in;
- :func:`read_file`: a saved copy, with the same size limit;
- :func:`decode_json`: strict JSON (no NaN or Infinity), refusing HTML pages;
- :func:`check_name` and :func:`shown`: names taken from a feed, checked for
  markup and control characters, and made safe to print.

What the content must be (JSON, a ZIP or CSV download) is a :class:`Format`.
"""

from __future__ import annotations

import json
import math
import os
import time
import unicodedata
from dataclasses import dataclass
from http import HTTPStatus
from pathlib import Path
from typing import Any, TypeAlias

from analysis.errors import RefreshError

#: A decoded JSON value: dict, list, str, int, float, bool or None. Untrusted:
#: every parser checks each value's type before it uses it.
Json: TypeAlias = Any

DEFAULT_MAX_BYTES = 20 * 1024 * 1024  # the litellm file is ~3.5 MB, genai-prices ~0.4 MB
DEFAULT_TIMEOUT_S = 10.0  # connect and per-read timeout
DEFAULT_DEADLINE_S = 120.0  # whole download, so a trickling server cannot hold on forever
MAX_NAME_LENGTH = 200
MIB = 1024 * 1024  # --max-mb counts in these
CHUNK_BYTES = 64 * 1024

# Characters refused in any name from a feed: markup and quoting. Control and
# format characters (Unicode categories Cc, Cf: bidi overrides, zero-width) too.
FORBIDDEN_CHARS = frozenset("<>\"'`\\")


class FeedProblem(Exception):
    """One problem found in an untrusted payload.

    Parsers collect these and report them together as one :class:`RefreshError`;
    a ``FeedProblem`` never reaches a user on its own.
    """


@dataclass(frozen=True)
class Format:
    """What a download must be.

    Attributes:
        name: the format as a message names it (``"JSON"``).
        description: what was expected, for messages (``"a JSON feed"``).
        content_types: HTTP content types accepted (lower case, no parameters).
        type_suffixes: structured-syntax suffixes accepted (``"+json"``).
    """

    name: str
    description: str
    content_types: tuple[str, ...]
    type_suffixes: tuple[str, ...] = ()

    def accepts(self, content_type: str) -> bool:
        """Whether a response's content type (lower case, no parameters) is acceptable.

        A missing content type is accepted: the body is checked when decoded.
        """
        return (
            not content_type
            or content_type in self.content_types
            or content_type.endswith(self.type_suffixes)
        )


# GitHub's raw host serves .json files as text/plain, and some mirrors as
# application/octet-stream.
JSON_FEED = Format(
    "JSON",
    "a JSON feed",
    ("application/json", "text/json", "text/plain", "application/octet-stream"),
    ("+json",),
)


def type_name(value: object) -> str:
    """A JSON value's kind in words (``an object``, ``a list``, ``null``...), for messages."""
    return {dict: "an object", list: "a list", str: "a string", bool: "true/false"}.get(
        type(value), "null" if value is None else type(value).__name__
    )


def shown(value: str, limit: int = 60) -> str:
    """An untrusted string made safe to print: quoted, control characters escaped, cut.

    Args:
        value: the text.
        limit: characters kept before ``...``.

    Returns:
        ``repr()`` of the (cut) text.
    """
    text = value if len(value) <= limit else value[:limit] + "..."
    return repr(text)


def check_name(value: object, what: str, max_length: int = MAX_NAME_LENGTH) -> str:
    """A name from a feed, checked: a string, bounded, free of markup and control characters.

    Args:
        value: the value read.
        what: where it was read, for the message.
        max_length: longest name accepted, in characters.

    Returns:
        ``value``, unchanged.

    Raises:
        FeedProblem: not a string, empty or too long, or holding one of
            ``< > " ' ` \\`` or a control or format character.
    """
    if not isinstance(value, str):
        raise FeedProblem(f"{what} should be a string, got {type_name(value)}")
    if not value or len(value) > max_length:
        raise FeedProblem(f"{what} should be 1 to {max_length} characters, got {len(value)}")
    for char in value:
        if char in FORBIDDEN_CHARS or unicodedata.category(char) in ("Cc", "Cf"):
            raise FeedProblem(f"{what} {shown(value)} contains a forbidden character {char!r}")
    return value


def too_big(origin: str, size: int, limit: int, at_least: bool = False) -> str:
    """The message for a download over the size limit (sizes in bytes, shown in MB)."""
    more = "more than " if at_least else ""
    return (
        f"{origin}: the feed is {more}{size / MIB:.1f} MB, over the {limit / MIB:.1f} MB limit "
        "(raise it with --max-mb if the feed really is that large); nothing was changed"
    )


def check_limits(timeout: float, max_bytes: int, deadline: float = 1.0) -> None:
    """Refuse limits that are not positive finite numbers.

    Raises:
        RefreshError: a limit is zero, negative, NaN or infinite.
    """
    for value in (timeout, max_bytes, deadline):
        if isinstance(value, bool) or not math.isfinite(value) or value <= 0:
            raise RefreshError("timeout, deadline and size limit must be positive")


def fetch_url(
    url: str,
    *,
    timeout: float = DEFAULT_TIMEOUT_S,
    max_bytes: int = DEFAULT_MAX_BYTES,
    deadline: float = DEFAULT_DEADLINE_S,
    expect: Format = JSON_FEED,
) -> bytes:
    """Download a body, bounded in size and time.

    Args:
        url: an http(s) URL.
        timeout: seconds allowed to connect, and between two received chunks.
        max_bytes: largest body accepted (after decompression), in bytes.
        deadline: seconds allowed for the whole download.
        expect: what the body must be (its accepted content types).

    Returns:
        The response body.

    Raises:
        RefreshError: bad URL, connection failure, timeout, non-2xx status, an HTML
            page or another content type than ``expect`` accepts, or a body larger
            than ``max_bytes``.
    """
    import requests

    if not isinstance(url, str) or not url.lower().startswith(("http://", "https://")):
        raise RefreshError(f"--url {url!r}: give an http:// or https:// URL")
    check_limits(timeout, max_bytes, deadline)
    started = time.monotonic()
    try:
        response = requests.get(
            url,
            stream=True,
            timeout=(timeout, timeout),
            headers={"Accept": ", ".join(expect.content_types)},
        )
    except requests.Timeout:
        raise RefreshError(
            f"{url}: no answer within {timeout:g} s (timed out); nothing was changed"
        ) from None
    except requests.RequestException as exc:
        raise RefreshError(
            f"{url}: could not connect ({type(exc).__name__}); nothing was changed"
        ) from None
    with response:
        status = response.status_code
        content_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if not 200 <= status < 300:
            try:
                phrase = HTTPStatus(status).phrase
            except ValueError:
                phrase = ""
            page = " (an HTML error page)" if content_type == "text/html" else ""
            raise RefreshError(
                f"{url}: the server answered HTTP {status} {phrase}{page}; nothing was changed"
            )
        if content_type == "text/html" or content_type.endswith("/xhtml+xml"):
            raise RefreshError(
                f"{url}: the server sent an HTML page (HTTP {status}), not {expect.description}; "
                "check the URL (a login or error page?); nothing was changed"
            )
        if not expect.accepts(content_type):
            raise RefreshError(
                f"{url}: content type {shown(content_type)} is not {expect.name}; "
                "nothing was changed"
            )
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > max_bytes:
            raise RefreshError(too_big(url, int(declared), max_bytes))
        body = bytearray()
        try:
            for chunk in response.iter_content(CHUNK_BYTES):
                body += chunk
                if len(body) > max_bytes:
                    raise RefreshError(too_big(url, len(body), max_bytes, at_least=True))
                if time.monotonic() - started > deadline:
                    raise RefreshError(
                        f"{url}: download took longer than {deadline:g} s; nothing was changed"
                    )
        except requests.RequestException as exc:
            timed_out = isinstance(exc, requests.Timeout) or "timed out" in str(exc).lower()
            what = f"stalled for {timeout:g} s (timed out)" if timed_out else "broke off"
            raise RefreshError(f"{url}: the download {what}; nothing was changed") from None
    return bytes(body)


def read_file(path: str | os.PathLike[str], *, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """Read a download saved on disk, bounded in size.

    Args:
        path: the file.
        max_bytes: largest file accepted, in bytes.

    Returns:
        The file's bytes.

    Raises:
        RefreshError: the file is missing, unreadable or too large.
    """
    check_limits(1.0, max_bytes)
    file = Path(path)
    try:
        size = file.stat().st_size
        if size > max_bytes:
            raise RefreshError(too_big(str(file), size, max_bytes))
        with file.open("rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        raise RefreshError(f"--file {str(file)!r}: cannot read it ({exc.strerror})") from None
    if len(data) > max_bytes:
        raise RefreshError(too_big(str(file), len(data), max_bytes, at_least=True))
    return data


def fetch_or_read(
    url: str | None,
    file: str | os.PathLike[str] | None,
    *,
    timeout: float = DEFAULT_TIMEOUT_S,
    max_bytes: int = DEFAULT_MAX_BYTES,
    deadline: float = DEFAULT_DEADLINE_S,
    expect: Format = JSON_FEED,
) -> tuple[str, bytes]:
    """A refresh's download: from ``url`` (:func:`fetch_url`) or a saved ``file``
    (:func:`read_file`); exactly one of them.

    Returns:
        ``(origin, body)``: the URL or path as given, and the bytes.

    Raises:
        RefreshError: neither or both given, or the download or file is refused.
    """
    if (url is None) == (file is None):
        raise RefreshError("give exactly one of --url URL or --file PATH")
    if url is not None:
        body = fetch_url(
            url, timeout=timeout, max_bytes=max_bytes, deadline=deadline, expect=expect
        )
        return url, body
    assert file is not None
    return str(file), read_file(file, max_bytes=max_bytes)


def refuse_markup(body: bytes, origin: str, expect: Format = JSON_FEED) -> None:
    """Refuse a body that is an HTML or XML page (a login, error or captcha page).

    Raises:
        RefreshError: the body starts (after a BOM and blanks) with ``<``.
    """
    head = body[:512].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"<"):
        raise RefreshError(
            f"{origin}: this is an HTML/XML page, not {expect.description}; check the URL or "
            "file; nothing was changed"
        )


def _reject_constant(name: str) -> Json:
    raise FeedProblem(f"{name} is not a number JSON allows")


def decode_json(body: bytes, origin: str) -> Json:
    """Decode a body as strict JSON (no NaN/Infinity), refusing HTML.

    Args:
        body: the raw bytes.
        origin: the URL or file, for messages.

    Returns:
        The decoded JSON value.

    Raises:
        RefreshError: the body is HTML, empty, not UTF-8, or not valid (e.g. truncated) JSON.
    """
    refuse_markup(body, origin)
    if not body.strip():
        raise RefreshError(f"{origin}: the feed is empty; nothing was changed")
    text = ""
    try:
        text = body.decode("utf-8-sig")
        return json.loads(text, parse_constant=_reject_constant)
    except UnicodeDecodeError:
        raise RefreshError(f"{origin}: the feed is not UTF-8 text; nothing was changed") from None
    except json.JSONDecodeError as exc:
        truncated = " (the file looks truncated)" if exc.pos >= len(text.rstrip()) - 1 else ""
        raise RefreshError(
            f"{origin}: not valid JSON at line {exc.lineno} column {exc.colno}: "
            f"{exc.msg}{truncated}; nothing was changed"
        ) from None
    except FeedProblem as exc:
        raise RefreshError(f"{origin}: {exc}; nothing was changed") from None
    except ValueError as exc:  # e.g. an integer literal too long to convert
        raise RefreshError(f"{origin}: not valid JSON ({exc}); nothing was changed") from None
    except RecursionError:
        raise RefreshError(
            f"{origin}: the JSON is nested too deeply; nothing was changed"
        ) from None
