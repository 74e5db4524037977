"""The tiny llama.cpp server: its generated model, its start, and what it reports."""

from __future__ import annotations

import http.client
import importlib.util
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from analysis import probes
from analysis.errors import ProbeConfigError
from analysis.probes.tiny_server import (
    DISCLAIMER,
    TinyModelSpec,
    start_tiny_server,
    tiny_gguf,
    write_tiny_gguf,
)

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parent.parent
HAVE_LLAMA = importlib.util.find_spec("llama_cpp") is not None
needs_llama = pytest.mark.skipif(
    not HAVE_LLAMA and not os.environ.get("CI"),
    reason="llama-cpp-python is not installed (pip install -e '.[server]')",
)
SMALL = TinyModelSpec(layers=1, hidden=32, heads=2, kv_heads=1, ffn=64, context=512, seed=3)


def _post(url: str, path: str, payload: dict) -> dict:
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        conn.request("POST", path, json.dumps(payload), {"Content-Type": "application/json"})
        response = conn.getresponse()
        assert response.status == 200, response.read()
        return json.loads(response.read())
    finally:
        conn.close()


def _get(url: str, path: str) -> bytes:
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        assert response.status == 200
        return response.read()
    finally:
        conn.close()


# --------------------------------------------------------------------------- the model file


def test_the_gguf_file_declares_a_small_llama(tmp_path):
    import gguf

    path = write_tiny_gguf(tmp_path / "m.gguf", SMALL)
    reader = gguf.GGUFReader(str(path))

    def value(key: str):
        field = reader.fields[key]
        return field.contents()

    assert value("general.architecture") == "llama"
    assert value("llama.block_count") == 1
    assert value("llama.embedding_length") == 32
    assert value("llama.attention.head_count") == 2
    assert value("llama.attention.head_count_kv") == 1
    assert value("llama.context_length") == 512
    assert value("tokenizer.ggml.model") == "llama"
    assert value("tokenizer.ggml.eos_token_id") == 2
    assert "random weights" in value("general.description")
    tokens = value("tokenizer.ggml.tokens")
    assert tokens[:3] == ["<unk>", "<s>", "</s>"]
    assert "<0x41>" in tokens  # byte tokens: any text can be tokenised
    for word in probes.PROMPT_WORDS:
        assert "\u2581" + word in tokens  # every prompt word is one token
    names = {t.name for t in reader.tensors}
    assert {"token_embd.weight", "output.weight", "blk.0.attn_q.weight"} <= names
    assert path.stat().st_size < 2_000_000


def test_the_same_seed_gives_the_same_file_and_another_seed_another(tmp_path):
    a = write_tiny_gguf(tmp_path / "a.gguf", SMALL).read_bytes()
    b = write_tiny_gguf(tmp_path / "b.gguf", SMALL).read_bytes()
    c = write_tiny_gguf(tmp_path / "c.gguf", TinyModelSpec(**{**SMALL.__dict__, "seed": 4}))
    assert a == b
    assert a != c.read_bytes()


def test_generated_models_are_cached_by_their_parameters(tmp_path):
    first = tiny_gguf(SMALL, tmp_path)
    stamp = first.stat().st_mtime_ns
    time.sleep(0.01)
    again = tiny_gguf(SMALL, tmp_path)
    assert again == first and again.stat().st_mtime_ns == stamp  # not rewritten
    other = tiny_gguf(TinyModelSpec(**{**SMALL.__dict__, "layers": 2}), tmp_path)
    assert other != first
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([first.name, other.name])


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"hidden": 30, "heads": 4}, "hidden / heads"),
        ({"heads": 4, "kv_heads": 3}, "kv_heads = 3"),
        ({"layers": 0}, "layers = 0"),
        ({"context": 10}, "context = 10"),
        ({"hidden": 8192}, "too large"),
    ],
)
def test_invalid_shapes_are_refused(changes, message, tmp_path):
    with pytest.raises(ProbeConfigError, match=message):
        tiny_gguf(TinyModelSpec(**{**TinyModelSpec().__dict__, **changes}), tmp_path)


@needs_llama
def test_end_of_sequence_is_unreachable_in_the_weights(tmp_path):
    import llama_cpp
    import numpy as np

    path = tiny_gguf(SMALL, tmp_path)
    llm = llama_cpp.Llama(str(path), n_ctx=512, logits_all=True, verbose=False, seed=1)
    tokens = llm.tokenize(b"the data model cost")
    llm.eval(tokens)
    logits = np.asarray(llm.scores[llm.n_tokens - 1])
    allowed = logits[logits > -100]
    assert logits[llm.token_eos()] < allowed.min() - 1000  # probability exactly 0 in float32
    # Hot sampling still never ends early: every request gets what it asks for.
    for temperature in (0.0, 0.8, 2.0):
        out = llm.create_completion("the price", max_tokens=150, temperature=temperature, top_k=0)
        assert out["usage"]["completion_tokens"] == 150
        assert out["choices"][0]["finish_reason"] == "length"
        assert out["choices"][0]["text"].replace(" ", "").isalpha()  # words and letters only


# --------------------------------------------------------------------------- the server


@needs_llama
def test_the_server_streams_usage_timings_and_counts(tiny_server):
    url, model = tiny_server
    assert model in probes.list_models(url)
    before = probes.read_server_counters(url)
    reply = _post(url, "/v1/completions", {"model": model, "prompt": "the data", "max_tokens": 12})
    assert reply["usage"]["completion_tokens"] == 12
    # A streamed request: the chunk with the finish reason carries usage and timings.
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    body = {"model": model, "messages": [{"role": "user", "content": "the cost"}], "max_tokens": 7}
    conn.request("POST", "/v1/chat/completions", json.dumps({**body, "stream": True}),
                 {"Content-Type": "application/json"})  # fmt: skip
    events = [
        json.loads(line[6:])
        for line in conn.getresponse().read().decode().splitlines()
        if line.startswith("data: {")
    ]
    conn.close()
    content = [e for e in events if e["choices"] and e["choices"][0]["delta"].get("content")]
    assert len(content) == 7  # one chunk per token
    final = events[-1]
    assert final["choices"][0]["finish_reason"] == "length"
    assert final["usage"]["completion_tokens"] == 7
    assert final["timings"]["predicted_n"] == 7
    assert (
        final["timings"]["prompt_n"] + final["timings"]["cache_n"]
        == final["usage"]["prompt_tokens"]
    )
    after = probes.read_server_counters(url)
    assert before is not None and after is not None
    assert after["output_tokens"] - before["output_tokens"] == 12 + 7


@needs_llama
def test_a_taken_port_is_a_clear_error(tmp_path):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port = sock.getsockname()[1]
        with pytest.raises(ProbeConfigError, match=f"cannot listen on 127.0.0.1:{port}"):
            start_tiny_server(SMALL, port=port, cache_dir=tmp_path)


def test_only_loopback_is_served(tmp_path):
    with pytest.raises(ProbeConfigError, match="127.0.0.1 only"):
        start_tiny_server(SMALL, host="0.0.0.0", cache_dir=tmp_path)


@needs_llama
def test_cli_serves_until_interrupted_and_says_what_it_is(tmp_path):
    env = {**os.environ, "AISTRAT_CACHE": str(tmp_path)}
    started = time.monotonic()
    proc = subprocess.Popen(
        [sys.executable, "-m", "analysis", "tiny-server", "--port", "0", "--layers", "1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPO,
        env=env,
    )
    try:
        lines = []
        while not lines or not lines[-1].startswith("Serving"):
            line = proc.stdout.readline()
            assert line, f"exited early: {proc.stderr.read()}"
            lines.append(line.strip())
        info = dict(
            line.split(":", 1) for line in lines if ":" in line and not line.startswith("Serving")
        )
        url = info["url"].strip()
        assert info["model"].strip() == "tiny-random-llama-1L-64d"
        assert DISCLAIMER in info["note"]
        deadline = time.monotonic() + 30
        while True:
            try:
                models = probes.list_models(url, timeout_s=2)
                break
            except Exception:
                assert time.monotonic() < deadline, "the server never answered"
                time.sleep(0.1)
        assert models == ["tiny-random-llama-1L-64d"]
        assert time.monotonic() - started < 30
    finally:
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=20)
    assert proc.returncode == 0
    assert "Traceback" not in err


@needs_llama
def test_the_server_runs_on_uvloop_and_httptools() -> None:
    # The server extra installs both, and the server picks them: its per-connection work is
    # part of every queued request's wait (the probe cross-check at concurrency 4).
    from analysis.probes.tiny_server import uvicorn_config

    config = uvicorn_config(lambda scope, receive, send: None)
    config.load()
    assert config.get_loop_factory().__module__ == "uvloop"
    assert config.http_protocol_class.__name__ == "HttpToolsProtocol"
