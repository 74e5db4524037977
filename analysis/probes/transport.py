"""The probe's HTTP client: one kept-alive connection per unit of concurrency.

The client is :mod:`http.client` rather than requests: it returns each piece
of a stream as soon as it arrives, whatever the framing (chunked or
close-delimited), which the timings depend on, and it costs little CPU per
streamed token, so the probe is not the bottleneck. Every request has a
connect timeout, a stall (read) timeout and a total deadline, and replies are
bounded in size. Proxies are not used: a probe measures the server, not a
proxy in between. An API key is read only from an environment variable
(``AISTRAT_PROBE_API_KEY`` by default), sent as a Bearer header, redacted from
error details, and never stored or printed.

A failed request raises :class:`RequestFailure`, whose ``kind`` is one of
:data:`analysis.probes.results.ERROR_CLASSES`.

Timings free of client-side artifacts. A server that leaves Nagle's
algorithm on holds each small streamed chunk until the client acknowledges
the previous one, and a client that delays its ACKs (Linux does, up to
40 ms, once a connection is past its first exchanges) then stalls every
chunk: on a kept-alive connection a 30-token answer arrives in one burst
40 ms late. The client defends itself where the platform allows: it sets
``TCP_NODELAY`` on its own sends and re-arms ``TCP_QUICKACK`` (Linux) after
sending a request and after every read, so every segment is acknowledged at
once (:func:`quickack`). Where ``TCP_QUICKACK`` does not exist (macOS,
Windows) nothing replaces it: the run's burst warning
(:meth:`~analysis.probes.results.ProbeRun.warnings`) then tells when a
server's stalls show in the timings, and ``connection="fresh"`` (a new
connection per request, whose first exchanges are acknowledged at once)
avoids most of them.
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import ssl
import time
from typing import Any

from analysis.errors import ProbeConfigError
from analysis.probes.backends import Backend
from analysis.probes.config import DEFAULT_API_KEY_ENV, ProbeConfig, Target
from analysis.probes.results import RequestResult
from analysis.probes.streams import LINE_LIMIT, Observation, StreamParser, snippet

#: The ``User-Agent`` header of every request.
USER_AGENT = "ai-strategy-toolkit-probe/0.1"

#: ``socket.TCP_QUICKACK`` where the platform has it (Linux), else None.
TCP_QUICKACK: int | None = getattr(socket, "TCP_QUICKACK", None)


def quickack(sock: socket.socket | None) -> None:
    """Ask the kernel to acknowledge the next segments at once (no delayed ACK).

    Linux leaves quick-ACK mode again on its own, so the client calls this
    after sending a request and after every read. A no-op where the platform
    has no ``TCP_QUICKACK`` (see the module docstring for that case) or the
    socket is gone.
    """
    if TCP_QUICKACK is None or sock is None:
        return
    try:
        sock.setsockopt(socket.IPPROTO_TCP, TCP_QUICKACK, 1)
    except OSError:
        pass


def api_key_from_env(env_name: str, explicit: bool) -> str | None:
    """The API key in ``env_name``, or None.

    Raises:
        ProbeConfigError: ``explicit`` (the variable was named by the user) and it is unset.
    """
    key = os.environ.get(env_name)
    if explicit and not key:
        raise ProbeConfigError(f"api_key_env: the environment variable {env_name} is not set")
    return key or None


class RequestFailure(Exception):
    """A request failed: ``kind`` (an error class), ``detail`` and the HTTP ``status`` if any."""

    def __init__(self, kind: str, detail: str, status: int | None = None):
        super().__init__(detail)
        self.kind = kind
        self.detail = detail
        self.status = status


class Client:
    """One connection (kept alive between requests) used by one thread at a time."""

    def __init__(
        self, target: Target, cfg: ProbeConfig, headers: dict[str, str], secret: str | None
    ):
        self.target = target
        self.cfg = cfg
        self.headers = headers
        self.secret = secret
        self.conn: http.client.HTTPConnection | None = None
        self.server_header: str | None = None

    def close(self) -> None:
        """Close the connection (the next request opens a new one)."""
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def _connect(self) -> http.client.HTTPConnection:
        t = self.target
        timeout = self.cfg.connect_timeout_s
        if t.scheme == "https":
            conn: http.client.HTTPConnection = http.client.HTTPSConnection(
                t.host, t.port, timeout=timeout, context=ssl.create_default_context()
            )
        else:
            conn = http.client.HTTPConnection(t.host, t.port, timeout=timeout)
        try:
            conn.connect()
            if conn.sock is not None:
                conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                quickack(conn.sock)
        except ConnectionRefusedError as exc:
            raise RequestFailure(
                "connect_refused", f"connection refused by {t.host}:{t.port}"
            ) from exc
        except TimeoutError as exc:
            raise RequestFailure(
                "connect_timeout", f"no connection to {t.host}:{t.port} within {timeout:g} s"
            ) from exc
        except ssl.SSLError as exc:
            raise RequestFailure("tls_error", f"TLS handshake with {t.host} failed: {exc}") from exc
        except OSError as exc:
            raise RequestFailure(
                "connect_error", f"cannot connect to {t.host}:{t.port}: {exc}"
            ) from exc
        return conn

    def redact(self, text: str) -> str:
        """``text`` with the API key, if any, replaced by ``***``."""
        return text.replace(self.secret, "***") if self.secret else text

    def send(
        self, method: str, path: str, body: bytes | None, deadline: float
    ) -> http.client.HTTPResponse:
        """Send a request and read the status line, reusing the connection when possible."""
        for attempt in (0, 1):
            reused = self.conn is not None
            if self.conn is None:
                self.conn = self._connect()
            conn = self.conn
            try:
                assert conn.sock is not None
                conn.sock.settimeout(
                    max(0.001, min(self.cfg.read_timeout_s, deadline - time.perf_counter()))
                )
                conn.request(method, self.target.prefix + path, body=body, headers=self.headers)
                quickack(conn.sock)
                return conn.getresponse()
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError) as exc:
                self.close()
                if reused and attempt == 0:
                    continue  # the server dropped an idle kept-alive connection: reconnect once
                raise RequestFailure(
                    "stream_cut", f"the server closed the connection: {exc}"
                ) from exc
            except TimeoutError as exc:
                self.close()
                raise self._timeout(deadline, "waiting for the reply") from exc
            except http.client.HTTPException as exc:
                self.close()
                raise RequestFailure("malformed", f"invalid HTTP reply: {exc!r}") from exc
            except OSError as exc:
                self.close()
                raise RequestFailure(
                    "stream_cut", f"connection failed while sending: {exc}"
                ) from exc
        raise AssertionError("unreachable")

    def _timeout(self, deadline: float, what: str) -> RequestFailure:
        if time.perf_counter() >= deadline - 0.002:
            return RequestFailure(
                "deadline", f"request exceeded its {self.cfg.request_timeout_s:g} s bound ({what})"
            )
        return RequestFailure(
            "timeout", f"nothing received for {self.cfg.read_timeout_s:g} s ({what})"
        )

    def read_some(self, resp: http.client.HTTPResponse, deadline: float, limit: int) -> bytes:
        """Up to ``limit`` bytes of ``resp`` as they arrive, within ``deadline``."""
        sock = self.conn.sock if self.conn else None
        remaining = deadline - time.perf_counter()
        if remaining <= 0:
            raise self._timeout(deadline, "streaming")
        if sock is not None and remaining < self.cfg.read_timeout_s:
            sock.settimeout(remaining)
        data = resp.read1(limit)
        quickack(sock)
        return data

    def _error_body(self, resp: http.client.HTTPResponse, deadline: float) -> str:
        try:
            return snippet(self.read_some(resp, min(deadline, time.perf_counter() + 2.0), 2048))
        except Exception:  # the detail is optional: any failure here leaves it out
            return ""

    def get_json(self, path: str, deadline: float) -> Any:
        """GET ``path`` and decode a bounded JSON reply (for model lists and tokenizers)."""
        return self._json_call("GET", path, None, deadline)

    def post_json(self, path: str, payload: dict[str, Any], deadline: float) -> Any:
        """POST JSON to ``path`` and decode a bounded JSON reply."""
        return self._json_call("POST", path, json.dumps(payload).encode(), deadline)

    def _json_call(self, method: str, path: str, body: bytes | None, deadline: float) -> Any:
        resp = self.send(method, path, body, deadline)
        try:
            if resp.status != 200:
                raise RequestFailure(_status_class(resp.status), f"HTTP {resp.status}", resp.status)
            data = bytearray()
            while True:
                piece = self.read_some(resp, deadline, 65536)
                if not piece:
                    break
                data += piece
                if len(data) > self.cfg.max_response_bytes:
                    raise RequestFailure(
                        "too_large", f"reply larger than {self.cfg.max_response_bytes} bytes"
                    )
            try:
                return json.loads(data)
            except ValueError as exc:
                raise RequestFailure(
                    "malformed", f"reply is not JSON: {snippet(bytes(data))}"
                ) from exc
        except TimeoutError as exc:
            raise self._timeout(deadline, "reading the reply") from exc
        except (http.client.HTTPException, OSError) as exc:
            raise RequestFailure("stream_cut", f"reply cut: {exc!r}") from exc
        finally:
            if not resp.isclosed():
                self.close()
            elif resp.will_close:
                self.close()

    def stream(
        self, backend: Backend, path: str, body: bytes, result: RequestResult, t0: float
    ) -> tuple[Observation, float]:
        """Send one streamed request and record its reply; returns the observation and end time."""
        deadline = t0 + self.cfg.request_timeout_s
        obs = Observation()
        resp = self.send("POST", path, body, deadline)
        result.http_status = resp.status
        if self.server_header is None:
            self.server_header = snippet(resp.getheader("Server") or "", 80) or None
        try:
            if resp.status != 200:
                detail = f"HTTP {resp.status} {snippet(resp.reason, 60)}"
                retry = resp.getheader("Retry-After")
                if retry:
                    detail += f" (Retry-After: {snippet(retry, 20)})"
                body_text = self._error_body(resp, deadline)
                raise RequestFailure(
                    _status_class(resp.status),
                    self.redact(f"{detail}: {body_text}" if body_text else detail),
                    resp.status,
                )
            ctype = (resp.getheader("Content-Type") or "").split(";")[0].strip().lower()
            if ctype == "application/json":
                body_text = self._error_body(resp, deadline)
                raise RequestFailure(
                    "non_streamed",
                    f"one JSON body instead of a stream (is streaming disabled?): {body_text}",
                )
            self._read_stream(resp, backend.parser(obs), obs, deadline)
            return obs, obs.end or time.perf_counter()
        except TimeoutError as exc:
            raise self._timeout(deadline, "streaming") from exc
        except http.client.IncompleteRead as exc:
            raise RequestFailure(
                "stream_cut", "the connection closed in the middle of the stream"
            ) from exc
        except http.client.HTTPException as exc:
            raise RequestFailure("malformed", f"invalid HTTP framing: {exc!r}") from exc
        except OSError as exc:
            raise RequestFailure("stream_cut", f"the connection failed mid-stream: {exc}") from exc
        finally:
            self._finish(resp, obs)

    def _read_stream(
        self,
        resp: http.client.HTTPResponse,
        parser: StreamParser,
        obs: Observation,
        deadline: float,
    ) -> None:
        sock = self.conn.sock if self.conn else None
        body = StreamBody(resp, sock)
        read_timeout = self.cfg.read_timeout_s
        limit = self.cfg.max_response_bytes
        total = 0
        pending = b""
        while not obs.done:
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                raise self._timeout(deadline, "streaming")
            if sock is not None and remaining < read_timeout:
                sock.settimeout(remaining)
            data = body.read()
            now = time.perf_counter()
            if not data:
                if pending:
                    parser.feed(pending, now)
                parser.end(now)
                if not obs.done and obs.error is None:
                    if obs.finish_reason is not None:
                        obs.done, obs.end = True, now  # ended after its last chunk, without [DONE]
                    else:
                        obs.fail("stream_cut", "the stream ended before its end marker")
                break
            total += len(data)
            if total > limit:
                raise RequestFailure("too_large", f"reply larger than {limit} bytes")
            pending += data
            if b"\n" not in data:
                if len(pending) > LINE_LIMIT:
                    raise RequestFailure("too_large", "a stream line longer than 1 MiB")
                continue
            *lines, pending = pending.split(b"\n")
            for line in lines:
                parser.feed(line, now)
                if obs.error is not None:
                    raise RequestFailure(*obs.error)
                if obs.done:
                    break
        if obs.error is not None:
            raise RequestFailure(*obs.error)
        self._body = body

    _body: StreamBody | None = None

    def _finish(self, resp: http.client.HTTPResponse, obs: Observation) -> None:
        """Leave the connection reusable (the reply read to its end), or close it."""
        body, self._body = self._body, None
        if resp.isclosed() or body is None or not obs.done or obs.error is not None:
            self.close()
            return
        try:
            # Read what is left of the reply (e.g. the chunked terminator after [DONE]), briefly.
            if self.conn is not None and self.conn.sock is not None:
                self.conn.sock.settimeout(0.5)
            for _ in range(8):
                if not body.read():
                    break
        except Exception:  # anything odd here: just do not reuse the connection
            self.close()
            return
        if body.ended and not resp.will_close:
            resp.close()  # marks the reply done, so the connection takes the next request
        else:
            self.close()


class StreamBody:
    """Reads a reply's body as it arrives, undoing chunked transfer framing.

    ``http.client`` does the same, but at several calls per chunk; a stream
    brings one chunk per token, so this reads the socket buffer directly (one
    ``read1`` per arrival) to keep the client's CPU cost per token low.
    """

    __slots__ = ("chunked", "ended", "fp", "left", "length", "raw", "sock", "state")

    def __init__(self, resp: http.client.HTTPResponse, sock: socket.socket | None = None):
        self.fp = resp.fp
        self.sock = sock  # re-armed for quick ACKs after every read (see quickack)
        self.chunked = bool(resp.chunked)
        self.length = resp.length  # None when the body ends at the connection's close
        self.raw = b""
        self.left = 0
        self.state = "size"  # size, data, crlf, trailer
        self.ended = False

    def read(self) -> bytes:
        """The body's next bytes (blocking until some arrive); ``b""`` at its end.

        Raises:
            http.client.IncompleteRead: the connection closed before the body ended.
            http.client.HTTPException: invalid chunked framing.
        """
        if self.ended or self.fp is None:
            return b""
        if not self.chunked:
            if self.length == 0:
                self.ended = True
                return b""
            data = self.fp.read1(65536 if self.length is None else min(65536, self.length))
            quickack(self.sock)
            if not data:
                if self.length is not None:
                    raise http.client.IncompleteRead(b"", self.length)
                self.ended = True
            elif self.length is not None:
                self.length -= len(data)
            return data
        while True:
            if self.raw:
                out = self._decode()
                if out or self.ended:
                    return out
            data = self.fp.read1(65536)
            quickack(self.sock)
            if not data:
                raise http.client.IncompleteRead(b"")
            self.raw += data

    def _decode(self) -> bytes:
        raw, pos, out = self.raw, 0, []
        size = len(raw)
        while pos < size:
            if self.state == "data":
                take = min(self.left, size - pos)
                out.append(raw[pos : pos + take])
                pos += take
                self.left -= take
                if self.left == 0:
                    self.state = "crlf"
                continue
            eol = raw.find(b"\n", pos)
            if eol < 0:
                if size - pos > 4096:
                    raise http.client.HTTPException("chunk header longer than 4 KiB")
                break
            line = raw[pos:eol].strip()
            pos = eol + 1
            if self.state == "size":
                try:
                    self.left = int(line.split(b";", 1)[0], 16)
                except ValueError:
                    raise http.client.HTTPException(f"invalid chunk size {line[:20]!r}") from None
                self.state = "data" if self.left > 0 else "trailer"
            elif self.state == "crlf":
                self.state = "size"
            elif not line:  # the empty line after the trailers ends the body
                self.ended = True
                break
        self.raw = raw[pos:]
        return b"".join(out)


def _status_class(status: int) -> str:
    if status == 429:
        return "http_429"
    if 400 <= status < 500:
        return "http_4xx"
    if status >= 500:
        return "http_5xx"
    return "http_other"


def deadline_in(seconds: float) -> float:
    """The ``time.perf_counter()`` value ``seconds`` from now."""
    return time.perf_counter() + seconds


def request_headers(backend: Backend, key: str | None) -> dict[str, str]:
    """The headers of a request to ``backend`` (with the key as a Bearer token, if any)."""
    headers = {
        "Content-Type": "application/json",
        "Accept": backend.stream_type,
        "User-Agent": USER_AGENT,
    }
    if key:
        headers["Authorization"] = f"Bearer {key}"
    return headers


def failure_message(target_url: str, failure: RequestFailure, what: str) -> str:
    """A user-facing message for a failed set-up call, with a hint on what to do."""
    hint = ""
    if failure.kind in ("connect_refused", "connect_timeout", "connect_error"):
        hint = " Is the server running? Try: python -m analysis tiny-server"
    elif failure.status in (401, 403):
        hint = (
            f" Set the API key in {DEFAULT_API_KEY_ENV} (or name its variable with --api-key-env)."
        )
    return f"{what} at {target_url} failed ({failure.kind}): {failure.detail}.{hint}"
