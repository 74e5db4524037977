"""Probes against a misbehaving HTTP server of the tests' own, on 127.0.0.1.

The first path segment of the probe URL picks the behaviour, e.g.
``http://127.0.0.1:PORT/stall`` makes every request stall. Each failure must
be recorded with its error class, the run must end within its bound, and the
CLI must never show a traceback.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from analysis import probes
from analysis.errors import ProbeConfigError, ProbeError
from analysis.probes import store as probe_store

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parent.parent
STOP = threading.Event()


def _chunk(model: str, text: str | None = None, **extra: object) -> dict:
    delta = {"content": text} if text is not None else {}
    delta.update(extra.pop("delta", {}))  # type: ignore[arg-type]
    body = {"object": "chat.completion.chunk", "model": model}
    body["choices"] = [{"index": 0, "delta": delta, "finish_reason": extra.pop("finish", None)}]
    body.update(extra)
    return body


def _sleep(seconds: float) -> None:
    STOP.wait(seconds)


class FaultHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: FaultServer

    def log_message(self, *args: object) -> None:  # keep test output clean
        pass

    # -- plumbing
    def _mode(self) -> tuple[str, str]:
        parts = self.path.split("/", 2)
        return parts[1], "/" + (parts[2] if len(parts) > 2 else "")

    def _json(self, status: int, payload: object, headers: dict[str, str] | None = None) -> None:
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)

    def _start_stream(self, content_type: str = "text/event-stream", chunked: bool = True) -> None:
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        if chunked:
            self.send_header("Transfer-Encoding", "chunked")
        else:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        self.chunked = chunked

    def _send(self, data: bytes) -> None:
        if self.chunked:
            self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        else:
            self.wfile.write(data)

    def _event(self, payload: object) -> None:
        text = payload if isinstance(payload, str) else json.dumps(payload)
        self._send(f"data: {text}\n\n".encode())

    def _end(self) -> None:
        if self.chunked:
            self.wfile.write(b"0\r\n\r\n")

    def _read_body(self) -> dict:
        length = int(self.headers.get("Content-Length") or 0)
        return json.loads(self.rfile.read(length) or b"{}")

    # -- routes
    def do_GET(self) -> None:
        mode, rest = self._mode()
        if rest == "/v1/models":
            self._json(200, {"object": "list", "data": [{"id": "fake-model"}]})
        elif rest == "/api/tags":
            self._json(200, {"models": [{"name": "fake-ollama:1b"}]})
        else:
            self._json(404, {"error": "not found"})

    def do_POST(self) -> None:
        mode, rest = self._mode()
        body = self._read_body()
        with self.server.lock:
            self.server.requests.append((mode, rest, dict(self.headers)))
            if rest.endswith("completions") or rest.startswith("/api/"):
                self.server.stream_peers.add(self.client_address)
        if rest == "/extras/tokenize/count" and mode == "tok":
            self._json(200, {"count": len(body["input"].split()) + 1})
            return
        if not (rest.endswith("completions") or rest in ("/api/generate", "/api/chat")):
            self._json(404, {"detail": "Not Found"})
            return
        getattr(self, "mode_" + mode.replace("-", "_"))(body)

    # -- behaviours
    def mode_ok(self, body: dict, chunked: bool = True, usage: bool = True) -> None:
        n = int(body.get("max_tokens", 8))
        self._start_stream(chunked=chunked)
        self._event(_chunk("fake-model", delta={"role": "assistant"}))
        for i in range(n):
            self._event(_chunk("fake-model", f" w{i}"))
        final = _chunk("fake-model", finish="length")
        if usage:
            final["usage"] = {"prompt_tokens": 11, "completion_tokens": n, "total_tokens": 11 + n}
        self._event(final)
        self._event("[DONE]")
        self._end()

    def mode_tok(self, body: dict) -> None:
        # A server with a tokenizer endpoint (words + 1 start token) whose chat
        # template adds 3 tokens: its usage counts the prompt as the model sees it.
        words = len(body["messages"][0]["content"].split())
        n = int(body.get("max_tokens", 8))
        self._start_stream()
        for i in range(n):
            self._event(_chunk("fake-model", f" w{i}"))
        final = _chunk("fake-model", finish="length")
        final["usage"] = {"prompt_tokens": words + 1 + 3, "completion_tokens": n}
        self._event(final)
        self._event("[DONE]")
        self._end()

    def mode_auth(self, body: dict) -> None:
        if self.headers.get("Authorization") != "Bearer s3cret-key":
            self._json(401, {"error": {"message": "Invalid API key"}})
            return
        self.mode_ok(body)

    def mode_http10(self, body: dict) -> None:
        # Close-delimited body: the first token, a pause, then the rest.
        self._start_stream(chunked=False)
        self._event(_chunk("fake-model", " first"))
        _sleep(0.3)
        for i in range(3):
            self._event(_chunk("fake-model", f" w{i}"))
        self._event({"choices": [], "usage": {"prompt_tokens": 5, "completion_tokens": 4}})
        self._event("[DONE]")

    def mode_nousage(self, body: dict) -> None:
        self.mode_ok(body, usage=False)

    def mode_timed(self, body: dict) -> None:
        self._start_stream()
        self._event(_chunk("fake-model", delta={"role": "assistant"}))  # role only: no token
        _sleep(0.3)
        for i in range(9):
            if i:
                _sleep(0.05)
            self._event(_chunk("fake-model", f" t{i}"))
        self._event(
            {
                "choices": [],
                "usage": {"prompt_tokens": 3, "completion_tokens": 9, "total_tokens": 12},
            }
        )
        self._event("[DONE]")
        self._end()

    def mode_reasoning(self, body: dict) -> None:
        self._start_stream()
        self._event(_chunk("fake-model", "", delta={"role": "assistant"}))  # empty content
        _sleep(0.1)
        self._event(_chunk("fake-model", delta={"reasoning_content": "thinking"}))
        _sleep(0.2)
        self._event(_chunk("fake-model", "answer", finish="stop"))
        self._event({"choices": [], "usage": {"prompt_tokens": 3, "completion_tokens": 4}})
        self._event("[DONE]")
        self._end()

    def mode_timings(self, body: dict) -> None:
        # llama.cpp's server without include_usage: counts only in "timings".
        self._start_stream()
        for i in range(5):
            self._event(_chunk("fake-model", f" w{i}"))
        final = _chunk("fake-model", finish="length")
        final["timings"] = {
            "prompt_n": 30, "prompt_ms": 15.0, "predicted_n": 5,
            "predicted_ms": 40.0, "predicted_per_second": 100.0,
        }  # fmt: skip
        self._event(final)
        self._event("[DONE]")
        self._end()

    def mode_http500(self, body: dict) -> None:
        self._json(500, {"error": {"message": "engine crashed"}})

    def mode_http429(self, body: dict) -> None:
        self._json(429, {"error": {"message": "slow down"}}, {"Retry-After": "2"})

    def mode_http404(self, body: dict) -> None:
        self._json(404, {"error": {"message": "model not found"}})

    def mode_stall(self, body: dict) -> None:
        _sleep(5.0)  # longer than the probe's read timeout, before any byte
        self.close_connection = True

    def mode_stall_mid(self, body: dict) -> None:
        self._start_stream()
        self._event(_chunk("fake-model", " one"))
        _sleep(5.0)
        self.close_connection = True

    def mode_cut(self, body: dict) -> None:
        self._start_stream()
        for i in range(3):
            self._event(_chunk("fake-model", f" w{i}"))
        self.wfile.write(b'40\r\ndata: {"choi')  # half a chunk, then the connection drops
        self.close_connection = True
        self.connection.shutdown(socket.SHUT_RDWR)

    def mode_cut_clean(self, body: dict) -> None:
        # Whole chunks, but the body ends without [DONE] and without a finish reason.
        self._start_stream()
        for i in range(3):
            self._event(_chunk("fake-model", f" w{i}"))
        self._end()

    def mode_malformed(self, body: dict) -> None:
        self._start_stream()
        self._event(_chunk("fake-model", " ok"))
        self._send(b'data: {"choices": [{"delta": {"content": "x"}\n\n')  # not JSON
        self._end()

    def mode_garbage(self, body: dict) -> None:
        self._start_stream()
        self._send(b"this is not an event stream\n\n")
        self._end()

    def mode_shape(self, body: dict) -> None:
        self._start_stream()
        self._event({"choices": "not a list"})
        self._end()

    def mode_stream_error(self, body: dict) -> None:
        self._start_stream()
        self._event(_chunk("fake-model", " a"))
        self._event({"error": {"message": "out of memory", "code": 500}})
        self._end()

    def mode_nonstream(self, body: dict) -> None:
        self._json(
            200,
            {
                "choices": [{"message": {"role": "assistant", "content": "all at once"}}],
                "usage": {"prompt_tokens": 3, "completion_tokens": 3},
            },
        )

    def mode_trickle(self, body: dict) -> None:
        # A token every 0.2 s for 10 s: never a stall, but past the total deadline.
        self._start_stream()
        for i in range(50):
            self._event(_chunk("fake-model", f" t{i}"))
            _sleep(0.2)
            if STOP.is_set():
                break
        self.close_connection = True

    def mode_huge(self, body: dict) -> None:
        self._start_stream()
        piece = b"x" * 65536
        for _ in range(40):  # 2.5 MiB without a newline
            self._send(piece)
        self._end()

    def mode_ollama(self, body: dict) -> None:
        self._start_stream("application/x-ndjson")
        n = body["options"]["num_predict"]
        chat = "messages" in body
        for i in range(n):
            item = {"model": body["model"], "done": False}
            if chat:
                item["message"] = {"role": "assistant", "content": f" o{i}"}
            else:
                item["response"] = f" o{i}"
            self._send((json.dumps(item) + "\n").encode())
        final = {
            "model": body["model"],
            "done": True,
            "done_reason": "length",
            "prompt_eval_count": 40,
            "prompt_eval_duration": 20_000_000,  # 20 ms in ns -> 2000 tok/s
            "eval_count": n,
            "eval_duration": 250_000_000,  # 250 ms in ns
        }
        final["response" if not chat else "message"] = "" if not chat else {"content": ""}
        self._send((json.dumps(final) + "\n").encode())
        self._end()


class FaultServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), FaultHandler)
        self.lock = threading.Lock()
        self.requests: list[tuple[str, str, dict]] = []
        self.stream_peers: set[tuple[str, int]] = set()


@pytest.fixture(scope="module")
def fault_server():
    STOP.clear()
    server = FaultServer()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    STOP.set()
    server.shutdown()
    server.server_close()


def _url(server: FaultServer, mode: str) -> str:
    return f"http://127.0.0.1:{server.server_address[1]}/{mode}"


def _config(url: str, **overrides: object) -> probes.ProbeConfig:  # noqa: D103
    base: dict = dict(
        url=url,
        model="fake-model",
        load=probes.ConcurrencySweep(levels=(2,), requests=4, warmup=0),
        input_tokens=16,
        max_tokens=8,
        connect_timeout_s=1.0,
        read_timeout_s=0.5,
        request_timeout_s=2.0,
    )
    base.update(overrides)
    return probes.ProbeConfig(**base)  # type: ignore[arg-type]


def _run(cfg: probes.ProbeConfig) -> tuple[probes.ProbeRun, float]:
    start = time.monotonic()
    run = probes.run_probe(cfg)
    return run, time.monotonic() - start


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --------------------------------------------------------------------------- error classes


@pytest.mark.parametrize(
    ("mode", "kind", "bound_s"),
    [
        ("http500", "http_5xx", 3),
        ("http429", "http_429", 3),
        ("http404", "http_4xx", 3),
        ("stall", "timeout", 4),
        ("stall_mid", "timeout", 4),
        ("cut", "stream_cut", 3),
        ("cut_clean", "stream_cut", 3),
        ("malformed", "malformed", 3),
        ("garbage", "malformed", 3),
        ("shape", "malformed", 3),
        ("stream_error", "stream_error", 3),
        ("nonstream", "non_streamed", 3),
        ("trickle", "deadline", 6),
        ("huge", "too_large", 4),
    ],
)
def test_each_fault_is_recorded_with_its_class(fault_server, mode, kind, bound_s):
    run, wall = _run(_config(_url(fault_server, mode)))
    assert wall < bound_s, f"{mode}: the run took {wall:.1f} s"
    assert len(run.requests) == 4
    assert [r.error for r in run.requests] == [kind] * 4, [r.error_detail for r in run.requests]
    assert not any(r.ok for r in run.requests)
    assert all(r.error_detail for r in run.requests)
    (level,) = run.levels()
    assert level.errors == 4 and level.completed == 0
    assert level.error_counts == {kind: 4}
    assert level.output_tokens_per_s == 0
    assert level.meets_slo is False


def test_http_errors_keep_status_and_retry_after(fault_server):
    run, _ = _run(_config(_url(fault_server, "http429")))
    first = run.requests[0]
    assert first.http_status == 429
    assert "Retry-After: 2" in (first.error_detail or "")


def test_connection_refused_is_recorded(fault_server):
    url = f"http://127.0.0.1:{_free_port()}"
    run, wall = _run(_config(url))
    assert wall < 3
    assert {r.error for r in run.requests} == {"connect_refused"}


def test_connection_refused_without_model_is_a_clear_error():
    url = f"http://127.0.0.1:{_free_port()}"
    with pytest.raises(ProbeError, match="connect_refused.*Is the server running"):
        probes.run_probe(_config(url, model=None))


def test_a_stall_is_bounded_by_the_read_timeout(fault_server):
    cfg = _config(_url(fault_server, "stall"), load=probes.ConcurrencySweep((1,), 2, 0))
    run, wall = _run(cfg)
    assert 0.9 <= wall < 2.5  # two sequential stalls of 0.5 s each
    for r in run.requests:
        assert r.end_ms - r.sent_ms == pytest.approx(500, abs=250)


def test_a_slow_trickle_is_bounded_by_the_request_deadline(fault_server):
    cfg = _config(_url(fault_server, "trickle"), load=probes.ConcurrencySweep((1,), 1, 0))
    run, wall = _run(cfg)
    (r,) = run.requests
    assert r.error == "deadline"
    assert r.end_ms - r.sent_ms == pytest.approx(2000, abs=400)
    assert wall < 3.5


def test_a_duration_limit_stops_new_requests(fault_server):
    cfg = _config(
        _url(fault_server, "stall"),
        load=probes.ConcurrencySweep((1,), requests=100, warmup=0, duration_s=1.0),
    )
    run, wall = _run(cfg)
    assert wall < 2.5
    assert 1 <= len(run.requests) <= 3


# --------------------------------------------------------------------------- metrics


def test_a_good_stream_counts_usage_and_reuses_connections(fault_server):
    fault_server.stream_peers.clear()
    cfg = _config(_url(fault_server, "ok"), load=probes.ConcurrencySweep((1, 2), 6, 1))
    run, _ = _run(cfg)
    measured = [r for r in run.requests if not r.warmup]
    assert len(run.requests) == 14 and len(measured) == 12
    assert all(r.ok for r in run.requests)
    assert {r.output_tokens for r in measured} == {8}
    assert {r.output_tokens_source for r in measured} == {"usage"}
    assert {r.input_tokens for r in measured} == {11}
    assert {r.output_chunks for r in measured} == {8}  # the role-only chunk is not output
    # Gaps are between reads: chunks that arrived together add none (never 0 ms gaps).
    assert all(1 <= r.output_reads <= 8 for r in measured)
    assert all(len(r.itl_ms) == r.output_reads - 1 for r in measured)
    assert all(g > 0 for r in measured for g in r.itl_ms)
    # Keep-alive: at most one connection per worker per level (plus none for setup).
    assert len(fault_server.stream_peers) <= 1 + 2
    levels = run.levels()
    assert [lv.concurrency for lv in levels] == [1, 2]
    assert all(lv.completed == 6 and lv.errors == 0 for lv in levels)


def test_without_usage_tokens_are_estimated_and_flagged(fault_server):
    run, _ = _run(_config(_url(fault_server, "nousage")))
    for r in run.requests:
        assert r.ok
        assert r.output_tokens_source == "estimate"
        assert r.output_tokens == round(r.output_chars / 4)
    (level,) = run.levels()
    assert level.output_tokens_source == {"estimate": 4}
    point = probes.best_throughput(run)
    assert point.estimated_tokens is True
    assert "estimated" in probes.to_tco_throughput(run)[1]


def test_llama_cpp_timings_count_tokens_when_usage_is_missing(fault_server):
    run, _ = _run(_config(_url(fault_server, "timings")))
    for r in run.requests:
        assert r.ok
        assert (r.output_tokens, r.output_tokens_source) == (5, "server_timings")
        assert r.input_tokens == 30
        assert r.prefill_tps == pytest.approx(30 / 0.015)
        assert r.server_decode_tps == 100.0


def test_ttft_and_tpot_follow_the_stream_timing(fault_server):
    cfg = _config(_url(fault_server, "timed"), load=probes.ConcurrencySweep((1,), 2, 0))
    run, _ = _run(cfg)
    for r in run.requests:
        assert r.ok and r.output_tokens == 9
        assert 290 <= r.ttft_ms < 600  # the role-only chunk at once did not count
        assert 45 <= r.tpot_ms < 200
        assert r.e2e_ms > r.ttft_ms
        assert r.tpot_ms == pytest.approx((r.e2e_ms - r.ttft_ms) / 8)
        assert r.decode_tps == pytest.approx(1000 / r.tpot_ms)
        assert len(r.itl_ms) == 8
        assert sum(r.itl_ms) >= 8 * 45  # eight pauses of 50 ms between the nine tokens


def test_reasoning_counts_for_ttft_but_not_for_the_first_answer_token(fault_server):
    run, _ = _run(_config(_url(fault_server, "reasoning")))
    for r in run.requests:
        assert r.ok
        assert 90 <= r.ttft_ms < 280  # reasoning at 0.1 s; the empty first chunk did not count
        assert r.ttfat_ms >= 290 and r.ttfat_ms > r.ttft_ms  # the answer came at 0.3 s
        assert r.finish_reason == "stop"


def test_a_close_delimited_stream_is_timed_as_it_arrives(fault_server):
    cfg = _config(_url(fault_server, "http10"), load=probes.ConcurrencySweep((1,), 2, 0))
    run, _ = _run(cfg)
    for r in run.requests:
        assert r.ok and r.output_tokens == 4
        assert r.e2e_ms >= 300 and r.e2e_ms - r.ttft_ms >= 250  # first token before the pause


def test_ollama_native_stream_uses_server_counts_in_nanoseconds(fault_server):
    for endpoint in ("generate", "chat"):
        cfg = _config(_url(fault_server, "ollama"), api="ollama", endpoint=endpoint, model=None)
        run, _ = _run(cfg)
        assert run.model == "fake-ollama:1b"
        assert "4 characters per token" in run.input_tokens_basis  # no tokenizer: flagged
        for r in run.requests:
            assert r.ok, r.error_detail
            assert r.output_tokens == 8 and r.output_tokens_source == "server_timings"
            assert r.input_tokens == 40
            assert r.server_decode_tps == pytest.approx(8 / 0.25)
            assert r.prefill_tps == pytest.approx(2000)
            assert r.finish_reason == "length"


def test_prompt_length_is_calibrated_with_the_server_tokenizer(fault_server):
    run, _ = _run(_config(_url(fault_server, "tok"), input_tokens=50))
    # The fake tokenizer counts words + 1; the chat template adds 3 more, which one
    # test request shows and the calibration includes.
    assert "server tokenizer: 46 words = 50 tokens (target 50)" in run.input_tokens_basis
    assert "chat template and special tokens included (+3" in run.input_tokens_basis
    assert {r.prompt_words for r in run.requests} == {46}
    assert {r.input_tokens for r in run.requests} == {50}  # as the server counted them
    assert run.server_input_tokens == 50 and run.to_dict()["server_input_tokens"] == 50


def test_api_key_comes_from_the_environment_and_is_never_stored(
    fault_server, monkeypatch, tmp_path
):
    monkeypatch.delenv(probes.DEFAULT_API_KEY_ENV, raising=False)
    run, _ = _run(_config(_url(fault_server, "auth")))
    assert {r.error for r in run.requests} == {"http_4xx"}
    assert {r.http_status for r in run.requests} == {401}

    monkeypatch.setenv("MY_PROBE_KEY", "s3cret-key")
    run, _ = _run(_config(_url(fault_server, "auth"), api_key_env="MY_PROBE_KEY"))
    assert all(r.ok for r in run.requests)
    probe_store.save_run(run, root=tmp_path)
    for path in tmp_path.rglob("*"):
        if path.is_file():
            assert b"s3cret-key" not in path.read_bytes()
    assert "s3cret-key" not in json.dumps(run.to_dict())

    monkeypatch.delenv("MY_PROBE_KEY")
    with pytest.raises(ProbeConfigError, match="MY_PROBE_KEY is not set"):
        probes.run_probe(_config(_url(fault_server, "auth"), api_key_env="MY_PROBE_KEY"))


def test_poisson_arrivals_are_seeded_and_spread(fault_server):
    load = probes.PoissonLoad(rate_per_s=20, requests=12, warmup=2, seed=7, max_in_flight=4)
    run, wall = _run(_config(_url(fault_server, "ok"), load=load))
    assert len(run.requests) == 14
    assert sum(r.warmup for r in run.requests) == 2
    again, _ = _run(_config(_url(fault_server, "ok"), load=load))
    first = [round(r.scheduled_ms - run.requests[0].scheduled_ms, 3) for r in run.requests]
    second = [round(r.scheduled_ms - again.requests[0].scheduled_ms, 3) for r in again.requests]
    assert first == second  # same seed, same schedule
    (level,) = run.levels()
    assert level.rate_per_s == 20 and level.concurrency is None
    assert level.completed == 12
    # 14 arrivals at 20/s take about 0.7 s on average.
    assert 0.1 < wall < 5


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"url": "ftp://127.0.0.1/x"}, "must start with http:// or https://"),
        ({"url": "127.0.0.1:8080"}, "must start with http:// or https://"),
        ({"url": "http://user:pw@127.0.0.1:8080"}, "credentials"),
        ({"load": probes.ConcurrencySweep(levels=(-1,))}, "concurrency = -1"),
        ({"load": probes.ConcurrencySweep(levels=(1,), requests=0)}, "requests = 0"),
        ({"max_tokens": 0}, "max_tokens = 0"),
        ({"api": "grpc"}, "api = 'grpc': unknown; use one of ollama, openai"),
        ({"endpoint": "embeddings"}, "endpoint = 'embeddings'"),
        ({"slo": probes.SLO(ttft_ms=-5)}, "slo ttft_ms = -5"),
        ({"load": probes.PoissonLoad(rate_per_s=0)}, "rate_per_s = 0"),
    ],
)
def test_bad_options_are_clear_errors(overrides, message):
    import re

    options = {"url": "http://127.0.0.1:9", **overrides}
    with pytest.raises(ProbeConfigError, match=re.escape(message)):
        probes.run_probe(_config(**options))


def _cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "analysis", *args],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={**os.environ, **(env or {})},
        timeout=60,
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--url", "file:///etc/passwd"], "must start with http:// or https://"),
        (["--url", "http://127.0.0.1:9", "--concurrency", "-1"], "-1 is not a positive number"),
        (["--url", "http://127.0.0.1:9", "--concurrency", "1,x"], "'x' is not a whole number"),
        (["--url", "http://127.0.0.1:9", "--requests", "0"], "--requests 0: must be at least 1"),
    ],
)
def test_cli_bad_input_is_one_clear_line(args, message):
    result = _cli("probe", *args)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("error: ")
    assert message in result.stderr


def test_cli_faults_are_reported_without_traceback(fault_server, tmp_path):
    env = {"AISTRAT_PROBES": str(tmp_path / "store")}
    result = _cli(
        "probe", "--url", _url(fault_server, "cut"), "--model", "fake-model",
        "--concurrency", "1,2", "--requests", "2", "--warmup", "0", "--max-tokens", "4",
        "--read-timeout", "0.5", "--timeout", "2", "--json",
        env=env,
    )  # fmt: skip
    assert "Traceback" not in result.stderr
    assert result.returncode == 1  # nothing completed
    assert "no request completed" in result.stderr
    data = json.loads(result.stdout)
    assert [lv["concurrency"] for lv in data["levels"]] == [1, 2]
    assert all(lv["error_counts"] == {"stream_cut": 2} for lv in data["levels"])
    # The failed run is stored anyway, for the record.
    assert len(probe_store.list_runs(root=tmp_path / "store")) == 1


def test_cli_refused_without_model_is_one_clear_line(tmp_path):
    result = _cli("probe", "--url", f"http://127.0.0.1:{_free_port()}", "--requests", "1")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "connect_refused" in result.stderr and "Is the server running" in result.stderr


def test_cli_json_has_one_entry_per_level(fault_server, tmp_path):
    env = {"AISTRAT_PROBES": str(tmp_path / "store")}
    result = _cli(
        "probe", "--url", _url(fault_server, "ok"), "--concurrency", "1,2,4",
        "--requests", "4", "--max-tokens", "6", "--slo-ttft-ms", "5000", "--hardware", "test rig",
        "--json",
        env=env,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["model"] == "fake-model" and data["hardware"] == "test rig"
    assert [lv["concurrency"] for lv in data["levels"]] == [1, 2, 4]
    for level in data["levels"]:
        assert level["completed"] == 4 and level["errors"] == 0
        assert level["output_tokens"] == 24
        assert level["output_tokens_per_s"] > 0
        for metric in ("ttft_ms", "tpot_ms"):
            assert set(level[metric]) >= {"p50", "p90", "p99"}
    assert data["best_within_slo"]["concurrency"] == 4
    assert "ttft_ms" in data["definitions"]
    listed = _cli("probe-runs", "--json", env=env)
    assert listed.returncode == 0
    (row,) = json.loads(listed.stdout)
    assert row["run_id"] == data["run_id"] and row["hardware"] == "test rig"
    assert row["best_concurrency"] == 4
