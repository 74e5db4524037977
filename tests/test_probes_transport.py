"""Timings free of client-side artifacts, and honest about the rest.

A small streaming server written here on raw sockets plays the servers the
probe must not be fooled by: one that leaves Nagle's algorithm on (the
default for a socket), one that buffers its whole answer, one whose tokens
arrive in groups on a 40 ms grid. A minimal reference client, written from
the OpenAI streaming format with the standard library, gives the timings the
probe must agree with. The tiny llama.cpp server's own sockets are inspected
through the kernel (``pidfd_getfd``) to show TCP_NODELAY on its connections.
"""

from __future__ import annotations

import ctypes
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from analysis import probes
from analysis.probes import store as probe_store
from analysis.probes import transport
from analysis.probes.results import RequestResult, grid_gaps, min_samples, summarise

REPO = Path(__file__).resolve().parent.parent
MODEL = "fake-model"


# --------------------------------------------------------------------------- a raw streaming server


class RawStreamServer:
    """An OpenAI-style streaming server on raw sockets, Nagle's algorithm left on.

    Modes (the URL's first path segment): ``steady`` sends one SSE chunk per
    token, 0.5 ms apart, each with its own ``send`` (as a real server does);
    ``buffered`` sends the whole answer with one ``send``; ``grid`` sends
    tokens in groups of 4 every 40 ms. Connections are kept alive.
    """

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)  # Nagle on
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self.stream_peers: list[tuple[str, int]] = []  # the client end of each streamed request
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def url(self, mode: str) -> str:
        return f"http://127.0.0.1:{self.port}/{mode}"

    def close(self) -> None:
        self.stop.set()
        self.sock.close()

    def _accept(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        reader = conn.makefile("rb")
        try:
            while True:
                request = reader.readline()
                if not request:
                    return
                headers = {}
                while (line := reader.readline()) not in (b"\r\n", b"\n", b""):
                    key, _, value = line.decode().partition(":")
                    headers[key.strip().lower()] = value.strip()
                body = reader.read(int(headers.get("content-length") or 0))
                mode, _, rest = request.split()[1].decode().lstrip("/").partition("/")
                if rest.endswith("models"):
                    payload = json.dumps({"data": [{"id": MODEL}]}).encode()
                    conn.sendall(
                        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                        b"Content-Length: %d\r\n\r\n%s" % (len(payload), payload)
                    )
                elif rest.endswith("completions"):
                    self.stream_peers.append(conn.getpeername())
                    self._stream(conn, mode, json.loads(body).get("max_tokens", 8))
                    if headers.get("connection", "").lower() == "close":
                        return
                else:
                    conn.sendall(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
        except OSError:
            pass
        finally:
            conn.close()

    @staticmethod
    def _event(payload: object) -> bytes:
        data = b"data: " + (payload if isinstance(payload, bytes) else json.dumps(payload).encode())
        data += b"\n\n"
        return b"%x\r\n%s\r\n" % (len(data), data)

    def _stream(self, conn: socket.socket, mode: str, n: int) -> None:
        conn.sendall(
            b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
            b"Transfer-Encoding: chunked\r\n\r\n"
        )
        time.sleep(0.002)  # "prefill"
        role = self._event({"choices": [{"index": 0, "delta": {"role": "assistant"}}]})
        tokens = [
            self._event({"choices": [{"index": 0, "delta": {"content": f" w{i}"}}]})
            for i in range(n)
        ]
        final = {"choices": [{"index": 0, "delta": {}, "finish_reason": "length"}]}
        final["usage"] = {"prompt_tokens": 7, "completion_tokens": n, "total_tokens": 7 + n}
        tail = self._event(final) + self._event(b"[DONE]") + b"0\r\n\r\n"
        if mode == "buffered":
            time.sleep(0.0005 * n)  # generates everything, then sends it at once
            conn.sendall(role + b"".join(tokens) + tail)
            return
        conn.sendall(role)
        if mode == "grid":
            for start in range(0, n, 4):
                time.sleep(0.040)
                conn.sendall(b"".join(tokens[start : start + 4]))
        else:
            for token in tokens:
                time.sleep(0.0005)
                conn.sendall(token)
        conn.sendall(tail)


@pytest.fixture(scope="module")
def raw_server():
    server = RawStreamServer()
    yield server
    server.close()


# --------------------------------------------------------------------------- a reference client


def reference_request(url: str, model: str, prompt: str, max_tokens: int) -> dict[str, float]:
    """One streamed chat request on a fresh connection, timed from the OpenAI format alone.

    TTFT: from sending to the first chunk whose ``delta.content`` is not empty.
    TPOT: (end of stream - TTFT) / (completion tokens - 1), tokens from ``usage``.
    """
    host, port = url.split("//")[1].split("/")[0].split(":")
    path = "/" + url.split("//")[1].partition("/")[2]
    path = path.rstrip("/") + "/v1/chat/completions"
    body = json.dumps(
        {
            "model": model,
            "messages": [{"role": "user", "content": prompt}],
            "max_tokens": max_tokens,
            "stream": True,
            "stream_options": {"include_usage": True},
            "ignore_eos": True,
        }
    ).encode()
    head = (
        f"POST {path} HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    ).encode()
    sock = socket.create_connection((host, int(port)), timeout=30)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    buffer, first, tokens, done = b"", None, None, False
    start = time.perf_counter()
    sock.sendall(head + body)
    try:
        while True:
            data = sock.recv(65536)
            now = time.perf_counter()
            if not data:
                break
            buffer += data
            while b"\n" in buffer:
                line, buffer = buffer.split(b"\n", 1)
                if line.strip() == b"data: [DONE]":
                    done = True
                if not line.startswith(b"data: ") or done:
                    continue
                chunk = json.loads(line[6:])
                if chunk.get("usage"):
                    tokens = chunk["usage"]["completion_tokens"]
                for choice in chunk.get("choices") or []:
                    if first is None and (choice.get("delta") or {}).get("content"):
                        first = now
            end = now
            if done:
                break
    finally:
        sock.close()
    assert first is not None and tokens, "the reference client saw no output"
    return {
        "ttft_ms": (first - start) * 1000,
        "tpot_ms": (end - first) * 1000 / (tokens - 1),
        "tokens": tokens,
        "e2e_ms": (end - start) * 1000,
    }


def reference_closed_loop(
    url: str, model: str, concurrency: int, count: int, words: int, seed: int, max_tokens: int
) -> list[dict[str, float]]:
    """``count`` reference requests, ``concurrency`` at a time, each sent when a worker is
    free (request ``i`` asks with the prompt of seed ``seed + i``); in the order they end."""
    results: list[dict[str, float]] = []
    lock = threading.Lock()
    left = list(range(count))

    def worker() -> None:
        while True:
            with lock:
                if not left:
                    return
                i = left.pop()
            out = reference_request(
                url, model, probes.synthetic_prompt(words, seed + i), max_tokens
            )
            with lock:
                results.append(out)

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def reference_level(
    url: str,
    model: str,
    concurrency: int,
    requests: int,
    max_tokens: int,
    words: int,
    skip: int = 0,
) -> dict[str, float]:
    """``requests`` reference requests, ``concurrency`` at a time; medians and tok/s.

    The first ``skip`` requests to finish are left out of the medians (the
    start-up transient, as the probe's warm-up requests are).
    """
    start = time.perf_counter()
    results = reference_closed_loop(url, model, concurrency, requests, words, 10_000, max_tokens)
    wall = time.perf_counter() - start
    kept = results[skip:]
    return {
        "ttft_p50": statistics.median(r["ttft_ms"] for r in kept),
        "tpot_p50": statistics.median(r["tpot_ms"] for r in kept),
        "tok_s": sum(r["tokens"] for r in results) / wall,
    }


def _config(url: str, **overrides: object) -> probes.ProbeConfig:
    base: dict[str, object] = {
        "url": url,
        "model": MODEL,
        "load": probes.ConcurrencySweep(levels=(1,), requests=10, warmup=1),
        "input_tokens": 16,
        "max_tokens": 32,
        "read_timeout_s": 5.0,
        "request_timeout_s": 20.0,
    }
    base.update(overrides)
    return probes.ProbeConfig(**base)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- Nagle on the server


@pytest.mark.slow
def test_reused_connections_stall_without_quick_acks(raw_server, monkeypatch):
    # What the probe measured before: Nagle on the server meets delayed ACKs on a
    # kept-alive connection, and the whole answer arrives ~40 ms late in one read.
    if transport.TCP_QUICKACK is None:
        pytest.skip("TCP_QUICKACK is Linux's; elsewhere the fallback is --connection fresh")
    monkeypatch.setattr(transport, "TCP_QUICKACK", None)
    run = probes.run_probe(_config(raw_server.url("steady")))
    (level,) = run.levels()
    assert level.metrics["ttft_ms"].p50 > 30  # the delayed-ACK stall
    assert level.metrics["tpot_ms"].n == 0 and level.tpot_undefined == level.completed
    assert any(w.startswith("burst:") for w in run.warnings())


@pytest.mark.slow
def test_probe_ttft_matches_a_fresh_connection_reference_with_nagle_on(raw_server):
    reference = reference_level(raw_server.url("steady"), MODEL, 1, 10, 32, 16)
    run = probes.run_probe(_config(raw_server.url("steady")))  # default: reuse
    assert run.config.connection == "reuse"
    (level,) = run.levels()
    assert abs(level.metrics["ttft_ms"].p50 - reference["ttft_p50"]) <= 3.0
    assert level.metrics["tpot_ms"].p50 == pytest.approx(reference["tpot_p50"], rel=0.25)
    assert not any(w.startswith("burst:") for w in run.warnings())
    assert level.tpot_undefined == 0


# --------------------------------------------------------------------------- connection modes


def test_connection_mode_is_used_and_recorded(raw_server, tmp_path):
    for mode, expected in (("reuse", 1), ("fresh", 6)):
        raw_server.stream_peers.clear()
        cfg = _config(
            raw_server.url("steady"),
            load=probes.ConcurrencySweep(levels=(1,), requests=5, warmup=1),
            connection=mode,
        )
        run = probes.run_probe(cfg)
        assert all(r.ok for r in run.requests)
        # warm-up and measured requests: one connection in all, or one per request
        assert len(raw_server.stream_peers) == 6
        assert len(set(raw_server.stream_peers)) == expected
        assert run.config.connection == mode and run.to_dict()["connection"] == mode
        probe_store.save_run(run, root=tmp_path)
        assert probe_store.load_run(run.run_id, root=tmp_path).config.connection == mode
    listed = probe_store.list_runs(root=tmp_path)
    assert listed["connection"].to_list() == ["reuse", "fresh"]


@pytest.mark.slow
def test_cli_records_the_connection_mode(raw_server, tmp_path):
    store = tmp_path / "store"
    for mode in ("fresh", "reuse"):
        result = subprocess.run(
            [sys.executable, "-m", "analysis", "probe", "--url", raw_server.url("steady"),
             "--model", MODEL, "--concurrency", "1", "--requests", "3", "--max-tokens", "8",
             "--connection", mode, "--store", str(store), "--json"],
            capture_output=True, text=True, cwd=REPO, timeout=60,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        assert json.loads(result.stdout)["connection"] == mode
    listed = subprocess.run(
        [sys.executable, "-m", "analysis", "probe-runs", "--store", str(store), "--json"],
        capture_output=True, text=True, cwd=REPO, timeout=60,
    )  # fmt: skip
    assert [row["connection"] for row in json.loads(listed.stdout)] == ["fresh", "reuse"]


# --------------------------------------------------------------------------- bursts


def test_a_buffered_stream_carries_a_burst_warning_and_no_silent_tpot(raw_server, tmp_path):
    slo = probes.SLO(ttft_ms=5_000, tpot_ms=50)
    run = probes.run_probe(_config(raw_server.url("buffered"), slo=slo))
    (level,) = run.levels()
    assert level.completed == 10
    assert all(r.output_reads == 1 and r.tpot_ms is None for r in run.requests)
    warnings = run.warnings()
    assert any(w.startswith("burst: 10 of 10") and "TCP_NODELAY" in w for w in warnings)
    assert any(w.startswith("TPOT undefined for 10 of 10") for w in warnings)
    # An undefined TPOT is flagged, not an SLO miss: every request met the TTFT bound.
    assert level.slo_attainment == 1.0 and level.meets_slo
    assert run.to_dict()["warnings"] == warnings
    # The command line says it instead of a blank.
    from analysis.cli.probes import format_run

    text = format_run(run)
    assert "undefined" in text and "warning: burst:" in text
    probe_store.save_run(run, root=tmp_path)
    (row,) = probe_store.list_runs(root=tmp_path).to_dicts()
    assert json.loads(row["warnings"]) == warnings


def test_tokens_on_a_40_ms_grid_carry_a_warning(raw_server):
    run = probes.run_probe(
        _config(raw_server.url("grid"), load=probes.ConcurrencySweep((1,), 3, 0))
    )
    assert all(r.ok for r in run.requests)
    assert any(w.startswith("~40 ms grid:") for w in run.warnings())
    # A steady stream does not.
    steady = probes.run_probe(_config(raw_server.url("steady")))
    assert not any(w.startswith("~40 ms grid:") for w in steady.warnings())


def test_grid_rule_by_hand():
    assert grid_gaps([40.5, 39.0, 81.0, 0.6, 0.5]) == (3, 3)
    assert grid_gaps([40.5, 39.0, 0.6]) is None  # fewer than 3 near the grid
    assert grid_gaps([40.0, 41.0, 80.0, 60.0, 61.0, 62.0, 63.0]) is None  # not half of the long


# --------------------------------------------------------------------------- statistics


def test_small_sample_rule_by_hand():
    # n_min = ceil(ln 0.05 / ln p): ln 0.05 = -2.9957; ln 0.5 = -0.6931 -> 4.32 -> 5;
    # ln 0.9 = -0.10536 -> 28.43 -> 29; ln 0.95 = -0.05129 -> 58.40 -> 59;
    # ln 0.99 = -0.01005 -> 298.07 -> 299.
    assert [min_samples(p) for p in (50, 90, 95, 99)] == [5, 29, 59, 299]
    assert summarise(range(20)).small_sample == ("p90", "p95", "p99")
    assert summarise(range(59)).small_sample == ("p99",)
    assert summarise(range(299)).small_sample == ()
    assert summarise(range(4)).small_sample == ("p50", "p90", "p95", "p99")
    note = summarise(range(20)).note() or ""
    assert "p95" in note and "from 20 samples" in note and "p95 needs 59" in note


def test_an_undefined_tpot_is_not_an_slo_miss():
    slo = probes.SLO(ttft_ms=100, tpot_ms=10, e2e_ms=1000)
    one_token = RequestResult(index=0, ok=True, ttft_ms=50, e2e_ms=60, tpot_ms=None)
    assert one_token.meets(slo)
    assert not RequestResult(index=1, ok=True, ttft_ms=150, e2e_ms=160).meets(slo)
    assert not RequestResult(index=2, ok=False).meets(slo)
    assert not RequestResult(index=3, ok=True, ttft_ms=50, e2e_ms=60, tpot_ms=11).meets(slo)


# --------------------------------------------------------------------------- tiny server sockets


def _server_side_option(pid: int, client: socket.socket, option: int) -> int:
    """A TCP option of the server process's end of ``client``'s connection.

    Finds the connection's socket inode in /proc/net/tcp, the server's file
    descriptor holding it in /proc/PID/fd, takes a copy with ``pidfd_getfd``
    (Linux 5.6) and reads the option from it.
    """
    here, there = client.getsockname()[1], client.getpeername()[1]
    inode = None
    with open("/proc/net/tcp") as table:
        next(table)
        for line in table:
            fields = line.split()
            local, remote = (int(a.split(":")[1], 16) for a in fields[1:3])
            if local == there and remote == here:
                inode = fields[9]
    assert inode, "the server's end of the connection was not found"
    target = None
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            if os.readlink(f"/proc/{pid}/fd/{fd}") == f"socket:[{inode}]":
                target = int(fd)
        except OSError:
            continue
    assert target is not None, "the server process holds no such socket"
    libc = ctypes.CDLL(None, use_errno=True)
    pidfd = os.pidfd_open(pid)
    try:
        copy = libc.syscall(438, pidfd, target, 0)  # pidfd_getfd
        if copy < 0:
            raise OSError(ctypes.get_errno(), "pidfd_getfd failed")
        with socket.socket(fileno=copy) as sock:
            return sock.getsockopt(socket.IPPROTO_TCP, option)
    finally:
        os.close(pidfd)


def _nodelay_of_a_request(pid: int, url: str) -> int:
    host, port = url.split("//")[1].split(":")
    with socket.create_connection((host, int(port)), timeout=10) as client:
        client.sendall(f"GET /v1/models HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
        assert client.recv(65536).startswith(b"HTTP/1.1 200")  # accepted and served
        return _server_side_option(pid, client, socket.TCP_NODELAY)


needs_linux = pytest.mark.skipif(
    not hasattr(os, "pidfd_open") or not Path("/proc/net/tcp").exists(),
    reason="inspecting another process's socket needs Linux's pidfd_getfd",
)


def test_the_inspection_tells_nagle_on_from_off():
    # The check itself can fail: a server socket created with protocol 0 (as the
    # tiny-server command's was) hands asyncio connections without TCP_NODELAY.
    import asyncio

    for proto, expected in ((0, 0), (socket.IPPROTO_TCP, 1)):
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM, proto)
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        ready, done = threading.Event(), threading.Event()

        async def serve(
            listener: socket.socket = listener,
            ready: threading.Event = ready,
            done: threading.Event = done,
        ) -> None:
            server = await asyncio.get_running_loop().create_server(asyncio.Protocol, sock=listener)
            ready.set()
            while not done.is_set():
                await asyncio.sleep(0.02)
            server.close()

        thread = threading.Thread(target=asyncio.run, args=(serve(),))
        thread.start()
        ready.wait(5)
        with socket.create_connection(listener.getsockname()) as client:
            time.sleep(0.1)
            seen = _server_side_option(os.getpid(), client, socket.TCP_NODELAY)
        done.set()
        thread.join()
        assert seen == expected


@needs_linux
@pytest.mark.skipif(
    __import__("importlib.util").util.find_spec("llama_cpp") is None and not os.environ.get("CI"),
    reason="llama-cpp-python is not installed",
)
@pytest.mark.slow
def test_the_cli_tiny_server_sets_nodelay_on_accepted_connections(tmp_path):
    env = {**os.environ, "AISTRAT_CACHE": str(tmp_path)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "analysis", "tiny-server", "--port", "0", "--layers", "1"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO, env=env,
    )  # fmt: skip
    try:
        url = None
        while url is None:
            line = proc.stdout.readline()
            assert line, f"exited early: {proc.stderr.read()}"
            if line.startswith("url:"):
                url = line.split(":", 1)[1].strip()
        deadline = time.monotonic() + 30
        while True:
            try:
                nodelay = _nodelay_of_a_request(proc.pid, url)
                break
            except (OSError, AssertionError):
                assert time.monotonic() < deadline, "the server never answered"
                time.sleep(0.1)
        assert nodelay != 0
    finally:
        proc.send_signal(signal.SIGINT)
        proc.communicate(timeout=20)


@needs_linux
@pytest.mark.skipif(
    __import__("importlib.util").util.find_spec("llama_cpp") is None and not os.environ.get("CI"),
    reason="llama-cpp-python is not installed",
)
@pytest.mark.slow
def test_the_started_tiny_server_sets_nodelay_on_accepted_connections(tmp_path):
    from analysis.probes.tiny_server import TinyModelSpec, start_tiny_server

    spec = TinyModelSpec(layers=1, hidden=32, heads=2, kv_heads=2, ffn=64, context=512)
    with start_tiny_server(spec, cache_dir=tmp_path) as server:
        assert _nodelay_of_a_request(server.process.pid, server.url) != 0
