"""A tiny local inference server, so that anyone can try a probe with nothing downloaded.

The toolkit writes a small llama-architecture model in GGUF format with the
``gguf`` package (random weights from a seed) and serves it with a real
llama.cpp engine: llama-cpp-python's OpenAI-compatible server, on 127.0.0.1.
The model talks nonsense: it measures the serving pipeline (HTTP, streaming,
prefill, decode, queueing), not answer quality.

Exact output lengths. A probe asks for N tokens and must get N, so the model
can never end its answer. That is built into the weights, not the sampler, so
it holds for any client, any sampling settings and any llama.cpp-based server:

- hidden dimension 0 of the residual stream carries a constant: every token
  embedding has ``CARRIER`` there, and every layer's output projections
  (``attn_output``, ``ffn_down``) have a zero row 0, so no layer writes to it;
- after the final RMS norm that dimension is therefore always positive, and the
  output head gives every token the model must never produce (end of
  sequence, control and byte tokens, the bare word boundary) weight
  ``-SUPPRESS`` on dimension 0 and zero elsewhere: its logit is about
  ``-SUPPRESS * sqrt(hidden)``, whose probability is exactly 0 in float32;
- the tokens the model may produce are whole ASCII words and letters, so every
  token streams as its own chunk and no stop string can ever be generated.

Usage on streams. llama-cpp-python 0.3's server sends no ``usage`` on a
stream. The tiny server adds it, counted by the engine: the chunk carrying
``finish_reason`` also carries ``usage`` (prompt and completion tokens, the
same numbers a non-streamed reply gives) and llama.cpp-style ``timings``
(``prompt_n``, ``prompt_ms``, ``predicted_n``, ``predicted_ms``, …). ``GET
/metrics`` gives running totals in llama.cpp's Prometheus names
(``llamacpp:tokens_predicted_total`` …), so a benchmark can compare what a
client measured with what the server counted.

The generated file is cached by its parameters under ``config.cache_dir()``,
so starts after the first take well under a second of model preparation.

Two ways to start one, both serving through :func:`serve`: the
``tiny-server`` command (``analysis.cli.probes``), and :func:`start_tiny_server`,
which binds the port here and runs that command in a child process on the
inherited socket.

Streaming without stalls. Every accepted connection has ``TCP_NODELAY``, on
both start paths: :func:`serve` hands uvicorn a socket whose protocol is
``IPPROTO_TCP``, which is what makes asyncio set the option on each accepted
connection (a socket created with protocol 0 does not, and each small SSE
chunk then waits for the client's delayed ACK, up to 40 ms). The server also
accepts any ``X-Request-ID`` header: llama-cpp-python answers an id that is
not a UUID with an empty HTTP 400, which would stop clients such as vLLM's
``bench serve`` that send their own ids.

Event loop and parser. uvicorn runs on uvloop with the httptools parser when
they are installed (the ``server`` extra installs them: uvicorn's usual
deployment), else on asyncio and h11. The server's one thread of Python
accepts, parses, streams and closes every connection between tokens; on the
pure-Python stack a fresh connection per request cost about 1 ms of that work,
which at concurrency 4 lengthened every queued request's wait by a few
milliseconds compared with kept-alive connections. uvloop sets
``TCP_NODELAY`` on accepted connections itself.
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from analysis import config
from analysis.errors import ProbeConfigError, ProbeError
from analysis.files import atomic_write
from analysis.probes.prompts import PROMPT_WORDS
from analysis.records import to_plain

# Bump when the generated file changes for the same parameters (invalidates caches).
FORMAT_VERSION = 1

#: What the tiny server says about itself, wherever it announces a model.
DISCLAIMER = (
    "random weights: the tiny model measures the serving pipeline (HTTP, streaming, "
    "prefill, decode, queueing), not answer quality"
)

# Value of the constant hidden dimension (see the module docstring). Against
# token embeddings of standard deviation EMBED_STD it dominates the RMS norm,
# so the normalised value stays close to sqrt(hidden).
CARRIER = 4.0
EMBED_STD = 0.02
# Weight of suppressed tokens on the constant dimension: logit ~ -SUPPRESS * sqrt(hidden).
SUPPRESS = 1000.0
WORD_BOUNDARY = "\u2581"  # SentencePiece's marker for a space before a word


@dataclass(frozen=True)
class TinyModelSpec:
    """Shape of the generated model.

    Attributes:
        layers: transformer blocks.
        hidden: embedding width (``n_embd``).
        heads: attention heads; ``hidden / heads`` is the head width (even, for RoPE).
        kv_heads: key/value heads (grouped-query attention when fewer than ``heads``).
        ffn: feed-forward width.
        context: context length the model declares and the server allocates, in tokens.
        seed: seed of the random weights.
    """

    layers: int = 2
    hidden: int = 64
    heads: int = 4
    kv_heads: int = 4
    ffn: int = 128
    context: int = 4096
    seed: int = 0

    def validate(self) -> None:
        """Check the shape.

        Raises:
            ProbeConfigError: a size is not positive or the heads do not divide evenly.
        """
        for name in ("layers", "hidden", "heads", "kv_heads", "ffn", "context"):
            value = getattr(self, name)
            if not isinstance(value, int) or value < 1:
                raise ProbeConfigError(
                    f"tiny model {name} = {value!r}: must be a whole number >= 1"
                )
        if self.hidden % self.heads or (self.hidden // self.heads) % 2:
            raise ProbeConfigError(
                f"tiny model hidden = {self.hidden}, heads = {self.heads}: hidden / heads must "
                "be a whole, even number (the head width)"
            )
        if self.heads % self.kv_heads:
            raise ProbeConfigError(
                f"tiny model kv_heads = {self.kv_heads}: must divide heads = {self.heads}"
            )
        if self.context < 64 or self.context > 131072:
            raise ProbeConfigError(f"tiny model context = {self.context}: use 64 … 131072 tokens")
        if self.hidden > 4096 or self.layers > 64 or self.ffn > 16384:
            raise ProbeConfigError(
                "tiny model too large (hidden <= 4096, layers <= 64, ffn <= 16384): "
                "it is meant to start in seconds"
            )

    @property
    def model_name(self) -> str:
        """The name the server announces, e.g. ``tiny-random-llama-2L-64d``."""
        return f"tiny-random-llama-{self.layers}L-{self.hidden}d"

    def cache_key(self) -> str:
        """A short digest of the parameters and the file format version."""
        text = json.dumps({"format": FORMAT_VERSION, **to_plain(self)}, sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()[:16]


class TinyEndpoint(NamedTuple):
    """Where a tiny server listens: ``url`` like ``http://127.0.0.1:PORT`` and its ``model``."""

    url: str
    model: str


# --------------------------------------------------------------------------- vocabulary


def _vocabulary() -> tuple[list[str], list[float], list[int], list[bool]]:
    """Tokens, scores, token types and which tokens the model may produce.

    A SentencePiece-style ("llama") vocabulary: unknown, BOS and EOS, the 256
    byte tokens (so any text can be tokenised), letters, and the words of the
    probes' synthetic prompts with every prefix (SentencePiece merges pairs of
    pieces that are themselves in the vocabulary, so a word needs its prefixes
    to become one token). Longer pieces score higher, so whole words win.
    """
    # llama.cpp token types: 1 normal, 2 unknown, 3 control, 6 byte.
    tokens = ["<unk>", "<s>", "</s>"] + [f"<0x{b:02X}>" for b in range(256)]
    types = [2, 3, 3] + [6] * 256
    pieces: list[str] = [WORD_BOUNDARY]
    letters = [chr(c) for c in range(ord("a"), ord("z") + 1)]
    pieces += letters
    for word in (*letters, *PROMPT_WORDS):
        marked = WORD_BOUNDARY + word
        pieces += [marked[:i] for i in range(2, len(marked) + 1)]
    normal = list(dict.fromkeys(pieces))  # each piece once, in order
    tokens += normal
    types += [1] * len(normal)
    scores = [float(len(t)) if k == 1 else 0.0 for t, k in zip(tokens, types, strict=True)]
    # Produced: whole words and letters (never the bare boundary, control or byte tokens).
    allowed = [k == 1 and t != WORD_BOUNDARY for t, k in zip(tokens, types, strict=True)]
    return tokens, scores, types, allowed


CHAT_TEMPLATE = (
    "{% for message in messages %}{{ message['role'] }}: {{ message['content'] }}\n"
    "{% endfor %}assistant:"
)


def write_tiny_gguf(path: Path, spec: TinyModelSpec) -> Path:
    """Write a random-weight llama GGUF file of shape ``spec`` to ``path``.

    Weights are float32 from ``numpy.random.default_rng(spec.seed)``: normal
    with standard deviation 0.02, except the output head (1.0, so that the
    sampled words vary) and the constant dimension that keeps end-of-sequence
    unreachable (see the module docstring).

    Args:
        path: the file to write (its folder must exist).
        spec: the model's shape.

    Returns:
        ``path``.

    Raises:
        ProbeConfigError: ``spec`` is invalid.
    """
    import gguf
    import numpy as np

    spec.validate()
    rng = np.random.default_rng(spec.seed)
    tokens, scores, types, allowed = _vocabulary()
    vocab = len(tokens)
    d, head = spec.hidden, spec.hidden // spec.heads

    def normal(*shape: int, std: float = 0.02) -> Any:
        return (rng.standard_normal(shape) * std).astype(np.float32)

    writer = gguf.GGUFWriter(str(path), "llama")
    writer.add_name(spec.model_name)
    writer.add_description(DISCLAIMER)
    writer.add_context_length(spec.context)
    writer.add_embedding_length(d)
    writer.add_block_count(spec.layers)
    writer.add_feed_forward_length(spec.ffn)
    writer.add_head_count(spec.heads)
    writer.add_head_count_kv(spec.kv_heads)
    writer.add_rope_dimension_count(head)
    writer.add_layer_norm_rms_eps(1e-5)
    writer.add_vocab_size(vocab)
    writer.add_file_type(gguf.LlamaFileType.ALL_F32)
    writer.add_tokenizer_model("llama")
    writer.add_token_list(tokens)
    writer.add_token_scores(scores)
    writer.add_token_types(types)
    writer.add_unk_token_id(0)
    writer.add_bos_token_id(1)
    writer.add_eos_token_id(2)
    writer.add_add_bos_token(True)
    writer.add_add_eos_token(False)
    writer.add_chat_template(CHAT_TEMPLATE)

    embeddings = normal(vocab, d, std=EMBED_STD)
    embeddings[:, 0] = CARRIER
    head_weights = normal(vocab, d, std=1.0)
    head_weights[:, 0] = 0.0
    blocked = ~np.array(allowed)
    head_weights[blocked, :] = 0.0
    head_weights[blocked, 0] = -SUPPRESS
    writer.add_tensor("token_embd.weight", embeddings)
    writer.add_tensor("output_norm.weight", np.ones(d, np.float32))
    writer.add_tensor("output.weight", head_weights)
    for i in range(spec.layers):
        block = f"blk.{i}."
        attn_out = normal(d, d)
        attn_out[0, :] = 0.0  # never write to the constant dimension
        ffn_down = normal(d, spec.ffn)
        ffn_down[0, :] = 0.0
        writer.add_tensor(block + "attn_norm.weight", np.ones(d, np.float32))
        writer.add_tensor(block + "attn_q.weight", normal(d, d))
        writer.add_tensor(block + "attn_k.weight", normal(spec.kv_heads * head, d))
        writer.add_tensor(block + "attn_v.weight", normal(spec.kv_heads * head, d))
        writer.add_tensor(block + "attn_output.weight", attn_out)
        writer.add_tensor(block + "ffn_norm.weight", np.ones(d, np.float32))
        writer.add_tensor(block + "ffn_gate.weight", normal(spec.ffn, d))
        writer.add_tensor(block + "ffn_up.weight", normal(spec.ffn, d))
        writer.add_tensor(block + "ffn_down.weight", ffn_down)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return path


def tiny_gguf(spec: TinyModelSpec | None = None, cache_dir: Path | None = None) -> Path:
    """The GGUF file of ``spec``, generated once and then taken from the cache.

    The file is generated in a temporary folder beside the cache, then put in
    place with :func:`analysis.files.atomic_write`, so two processes starting
    at once never read a half-written model.

    Args:
        spec: the model's shape (default: ``TinyModelSpec()``).
        cache_dir: folder of generated models (default: ``config.cache_dir() / "tiny-gguf"``).

    Returns:
        The path of the model file.

    Raises:
        ProbeConfigError: ``spec`` is invalid.
    """
    spec = spec or TinyModelSpec()
    spec.validate()
    folder = Path(cache_dir) if cache_dir else config.cache_dir() / "tiny-gguf"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{spec.model_name}-{spec.cache_key()}.gguf"
    if path.is_file():
        return path
    with tempfile.TemporaryDirectory(prefix=".tiny-gguf-", dir=folder) as staging:
        staged = write_tiny_gguf(Path(staging) / path.name, spec)
        atomic_write(path, staged.read_bytes())
    return path


# --------------------------------------------------------------------------- serving


class _Counters:
    """Running totals the engine reports on ``/metrics`` (one process, one model)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.prompt_tokens = 0
        self.prompt_seconds = 0.0
        self.predicted_tokens = 0
        self.predicted_seconds = 0.0
        self.requests = 0

    def prometheus(self) -> str:
        with self.lock:
            rows = [
                ("prompt_tokens_total", "counter", self.prompt_tokens),
                ("prompt_seconds_total", "counter", self.prompt_seconds),
                ("tokens_predicted_total", "counter", self.predicted_tokens),
                ("tokens_predicted_seconds_total", "counter", self.predicted_seconds),
                ("requests_total", "counter", self.requests),
            ]
        lines = []
        for name, kind, value in rows:
            lines += [f"# TYPE llamacpp:{name} {kind}", f"llamacpp:{name} {value}"]
        return "\n".join(lines) + "\n"


def _counting_llama(base: type, counters: _Counters) -> type:
    """A subclass of ``llama_cpp.Llama`` that counts what the engine does per request.

    The server runs one generation at a time (it holds a lock around the
    model), so per-request state on the instance is safe.
    """
    import llama_cpp

    class CountingLlama(base):
        _tiny: dict[str, Any] | None

        def eval(self, tokens: Any) -> None:
            state = getattr(self, "_tiny", None)
            if state is not None and state["prompt_n"] is None:
                state["prompt_n"] = len(tokens)  # the first evaluation is the uncached prompt
            super().eval(tokens)

        def generate(self, tokens: Any, *args: Any, **kwargs: Any) -> Iterator[int]:
            now = time.perf_counter()
            state: dict[str, Any] = {"prompt_len": len(tokens), "prompt_n": None, "predicted_n": 0}
            state.update(start=now, first=None, last=None)
            self._tiny = state
            for token in super().generate(tokens, *args, **kwargs):
                if not llama_cpp.llama_vocab_is_eog(self._model.vocab, token):
                    stamp = time.perf_counter()
                    state["predicted_n"] += 1
                    state["first"] = state["first"] or stamp
                    state["last"] = stamp
                yield token

        def _account(self) -> tuple[dict[str, int], dict[str, float]] | None:
            """Add the finished request to the totals; its usage and timings."""
            state = getattr(self, "_tiny", None)
            if state is None:
                return None
            self._tiny = None
            start, first, last = state["start"], state["first"], state["last"]
            prompt_n = state["prompt_n"] or 0
            predicted_n = state["predicted_n"]
            prompt_s = (first - start) if first else 0.0
            predicted_s = (last - first) if first and last else 0.0
            with counters.lock:
                counters.prompt_tokens += prompt_n
                counters.prompt_seconds += prompt_s
                counters.predicted_tokens += predicted_n
                counters.predicted_seconds += predicted_s
                counters.requests += 1
            timings: dict[str, float] = {
                "cache_n": state["prompt_len"] - prompt_n,
                "prompt_n": prompt_n,
                "prompt_ms": prompt_s * 1000,
                "predicted_n": predicted_n,
                "predicted_ms": predicted_s * 1000,
            }
            if prompt_s > 0:
                timings["prompt_per_second"] = prompt_n / prompt_s
            if predicted_s > 0 and predicted_n > 1:
                timings["predicted_per_second"] = (predicted_n - 1) / predicted_s
            usage = {
                "prompt_tokens": state["prompt_len"],
                "completion_tokens": predicted_n,
                "total_tokens": state["prompt_len"] + predicted_n,
            }
            return usage, timings

        def _with_usage(self, stream: Iterator[dict[str, Any]]) -> Iterator[dict[str, Any]]:
            # Each chunk passes straight through (no buffering: that would delay
            # every token); the one that ends the answer also carries the counts.
            for chunk in stream:
                choices = chunk.get("choices") or []
                if any(c.get("finish_reason") for c in choices):
                    counts = self._account()
                    if counts is not None:
                        chunk = {**chunk, "usage": counts[0], "timings": counts[1]}
                yield chunk

        def create_completion(self, *args: Any, **kwargs: Any) -> Any:
            result = super().create_completion(*args, **kwargs)
            if getattr(self, "_tiny_in_chat", False):
                return result  # the chat request reports the counts
            if kwargs.get("stream"):
                return self._with_usage(result)
            self._account()
            return result

        def create_chat_completion(self, *args: Any, **kwargs: Any) -> Any:
            # The chat handler calls create_completion before returning its stream.
            self._tiny_in_chat = True
            try:
                result = super().create_chat_completion(*args, **kwargs)
            finally:
                self._tiny_in_chat = False
            if kwargs.get("stream"):
                return self._with_usage(result)
            self._account()
            return result

    CountingLlama.__name__ = CountingLlama.__qualname__ = "CountingLlama"
    return CountingLlama


def serve(
    gguf_path: Path,
    *,
    model_name: str,
    sock: socket.socket,
    context: int = 4096,
    threads: int = 1,
) -> None:
    """Serve ``gguf_path`` with llama-cpp-python's OpenAI-compatible server until stopped.

    Runs in the calling process, which it changes for good: ``llama_cpp.Llama``
    is replaced by a subclass that counts tokens (see the module docstring).
    Call it only in a process of its own (``start_tiny_server`` or the CLI).

    Args:
        gguf_path: the model file.
        model_name: the name announced on ``/v1/models`` and accepted in requests.
        sock: a bound, listening TCP socket.
        context: context size to allocate, in tokens.
        threads: CPU threads llama.cpp uses for decoding and prefill.

    Raises:
        ProbeError: llama-cpp-python is not installed.
    """
    require_server_packages()
    import llama_cpp
    import uvicorn
    from fastapi.responses import PlainTextResponse
    from llama_cpp.server.app import create_app
    from llama_cpp.server.settings import ModelSettings, ServerSettings

    sock = tcp_socket(sock)
    counters = _Counters()
    # The server builds its model from llama_cpp.Llama: the counting subclass takes its place.
    llama_cpp.Llama = _counting_llama(llama_cpp.Llama, counters)  # type: ignore[misc, assignment]
    os.environ.pop("CONFIG_FILE", None)  # the server would read its settings from it instead
    host, port = sock.getsockname()[:2]
    # Explicit values: these settings classes also read environment variables.
    server_settings = ServerSettings(
        host=host, port=port, api_key=None, interrupt_requests=False, root_path=""
    )
    model_settings = ModelSettings(
        model=str(gguf_path),
        model_alias=model_name,
        n_ctx=context,
        n_threads=threads,
        n_threads_batch=threads,
        n_gpu_layers=0,
        logits_all=False,
        chat_format=None,
        cache=False,
        verbose=False,
    )
    app = create_app(server_settings=server_settings, model_settings=[model_settings])
    _accept_any_request_id(app)

    @app.get("/metrics", response_class=PlainTextResponse, include_in_schema=False)
    def metrics() -> str:
        return counters.prometheus()

    uvicorn.Server(uvicorn_config(app)).run(sockets=[sock])


def uvicorn_config(app: Any) -> Any:
    """The tiny server's uvicorn settings for ``app``: uvloop and httptools when installed
    (``loop``/``http`` "auto"; see the module docstring), no access log, kept-alive
    connections closed after 30 s idle."""
    import uvicorn

    return uvicorn.Config(
        app, log_level="warning", access_log=False, timeout_keep_alive=30, loop="auto", http="auto"
    )


def require_server_packages() -> None:
    """Check that llama-cpp-python's server and its web stack can be imported.

    Raises:
        ProbeError: a package is missing (the message says how to install it).
    """
    try:
        import fastapi  # noqa: F401
        import llama_cpp  # noqa: F401
        import llama_cpp.server.app  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError as exc:
        raise ProbeError(
            f"the tiny server needs llama-cpp-python[server] ({exc.name} is missing): "
            "run `make test` or `.venv/bin/pip install -e '.[server]'`"
        ) from exc


def tcp_socket(sock: socket.socket) -> socket.socket:
    """``sock`` as a socket object whose protocol says TCP (the same file descriptor).

    asyncio sets ``TCP_NODELAY`` on the connections a listening socket
    accepts only when that socket's ``proto`` is ``IPPROTO_TCP``; a socket
    created with protocol 0 (the default) keeps Nagle's algorithm on.
    """
    if sock.proto == socket.IPPROTO_TCP:
        return sock
    family, kind = sock.family, sock.type
    return socket.socket(family, kind, socket.IPPROTO_TCP, fileno=sock.detach())


def _accept_any_request_id(app: Any) -> None:
    """Let llama-cpp-python's request-id middleware take ids that are not UUIDs."""
    try:
        from starlette.middleware import Middleware
        from starlette_context.middleware import RawContextMiddleware
        from starlette_context.plugins import RequestIdPlugin
    except ImportError:  # another version without the middleware: nothing to relax
        return
    for i, middleware in enumerate(app.user_middleware):
        if middleware.cls is RawContextMiddleware:
            app.user_middleware[i] = Middleware(
                RawContextMiddleware, plugins=(RequestIdPlugin(validate=False),)
            )


def listen(host: str, port: int) -> socket.socket:
    """A TCP socket bound to ``host:port`` and listening (port 0: any free one).

    Its protocol is ``IPPROTO_TCP``, so the server sets ``TCP_NODELAY`` on
    every connection it accepts (:func:`tcp_socket`).

    Raises:
        ProbeConfigError: the port cannot be bound (e.g. it is taken).
    """
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise ProbeConfigError(
            f"cannot listen on {host}:{port} ({exc.strerror}): pick another port with --port"
        ) from exc
    sock.listen(128)
    return sock


def check_loopback(host: str) -> None:
    """Raises ProbeConfigError unless ``host`` is 127.0.0.1 or localhost."""
    if host not in ("127.0.0.1", "localhost"):
        raise ProbeConfigError(
            f"host = {host!r}: the tiny server listens on 127.0.0.1 only (it has no authentication)"
        )


class TinyServer:
    """A tiny server running in a child process; a context manager that stops it.

    Attributes:
        url: base URL, ``http://127.0.0.1:PORT``.
        model: the model name to send in requests.
        gguf_path: the served model file.
        process: the child process.
    """

    def __init__(self, url: str, model: str, gguf_path: Path, process: subprocess.Popen[bytes]):
        self.url = url
        self.model = model
        self.gguf_path = gguf_path
        self.process = process

    @property
    def endpoint(self) -> TinyEndpoint:
        """``(url, model)``."""
        return TinyEndpoint(self.url, self.model)

    def stop(self, timeout_s: float = 10.0) -> None:
        """Stop the server (SIGTERM, then SIGKILL after ``timeout_s``)."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout_s)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout_s)

    def __enter__(self) -> TinyServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _wait_ready(url: str, process: subprocess.Popen[bytes], timeout_s: float) -> None:
    import http.client
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    deadline = time.monotonic() + timeout_s
    while True:
        if process.poll() is not None:
            raise ProbeError(
                f"the tiny server exited with status {process.returncode} while starting; "
                "run `python -m analysis tiny-server` to see its messages"
            )
        conn = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=1.0)
        try:
            conn.request("GET", "/v1/models")
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        finally:
            conn.close()
        if time.monotonic() > deadline:
            raise ProbeError(f"the tiny server did not answer on {url} within {timeout_s:g} s")
        time.sleep(0.05)


def start_tiny_server(
    spec: TinyModelSpec | None = None,
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    threads: int = 1,
    cache_dir: Path | None = None,
    ready_timeout_s: float = 60.0,
    quiet: bool = True,
) -> TinyServer:
    """Start a tiny server in a child process and wait until it answers.

    The port is bound here and handed to the child, so a free port (``port=0``)
    is never raced by another program between choosing and listening.

    Args:
        spec: the model's shape (default: ``TinyModelSpec()``).
        host: loopback address to listen on.
        port: TCP port; 0 picks a free one.
        threads: CPU threads for llama.cpp.
        cache_dir: folder of generated models (see ``tiny_gguf``).
        ready_timeout_s: how long to wait for the first answer.
        quiet: discard the server's own output.

    Returns:
        The running server; call ``stop()`` or use it as a context manager.

    Raises:
        ProbeConfigError: the shape, host or port is invalid, or the port is taken.
        ProbeError: the server did not start.
    """
    spec = spec or TinyModelSpec()
    check_loopback(host)
    if threads < 1:
        raise ProbeConfigError(f"threads = {threads}: must be at least 1")
    path = tiny_gguf(spec, cache_dir)
    sock = listen("127.0.0.1" if host == "localhost" else host, port)
    bound_host, bound_port = sock.getsockname()[:2]
    args = [
        sys.executable,
        "-m",
        "analysis",
        "tiny-server",
        "--gguf",
        str(path),
        "--model-name",
        spec.model_name,
        "--fd",
        str(sock.fileno()),
        "--context",
        str(spec.context),
        "--threads",
        str(threads),
    ]
    env = {k: v for k, v in os.environ.items() if k != "CONFIG_FILE"}
    out = subprocess.DEVNULL if quiet else None
    try:
        process = subprocess.Popen(
            args, pass_fds=[sock.fileno()], stdout=out, stderr=out, env=env, cwd=config.PROJECT_ROOT
        )
    finally:
        sock.close()  # the child holds its own copy
    server = TinyServer(f"http://{bound_host}:{bound_port}", spec.model_name, path, process)
    try:
        _wait_ready(server.url, process, ready_timeout_s)
    except BaseException:
        server.stop()
        raise
    return server
