"""An independent cross-check of the probe against the real tiny llama.cpp server.

At concurrency 1, 2 and 4 the probe in its default mode (kept-alive
connections) must agree with a minimal reference client written in the test
from the OpenAI streaming format (a fresh connection per request, standard
library only, :func:`test_probes_transport.reference_request`):

- TTFT p50 within 3 ms, TPOT p50 within 10%;
- output tokens per second within 5% of the server's own token count
  (``llamacpp:tokens_predicted_total`` on ``/metrics``) over the run's wall time.

Both sides run the same load shape: a closed-loop warm-up of one request per
unit of concurrency, then the measured requests as a new closed loop. The tiny
server answers one request at a time, so above concurrency 1 a request's TTFT
is mostly its wait behind the others, which that shape sets; the first
measured requests of a burst wait less than the later ones. That wait is a
few service times, so any server work per request shows there several times
over: the tiny server runs on uvloop with the httptools parser, as uvicorn is
usually deployed, where accepting and closing a connection costs little (on
the pure-Python stack the fresh connections of the reference added about 1 ms
of server work per request ahead at concurrency 4). The two sides take turns
in short rounds, each going first every other round, and each side's medians
are over all its rounds, so a machine that slows down for a while slows both
alike. Both measure with Python's cyclic garbage collector off (the probe turns
it off for its runs; the reference here): in a test session's large heap a
collection pauses the client for tens of milliseconds, and one landing while a
token arrives would add that pause to one side's timings. These run in CI against
the real server (the ``tiny_server`` fixture fails there if llama-cpp-python
is missing).
"""

from __future__ import annotations

import gc
import statistics

import pytest
from test_probes_transport import reference_closed_loop

from analysis import probes

# A real server and timings to the millisecond: not in the parallel `make check`.
pytestmark = pytest.mark.slow

MAX_TOKENS = 32
WORDS = 30  # about 32 prompt tokens with the chat template
ROUNDS = 20
BLOCK = 12  # measured requests per round and side


def _reference_block(url: str, model: str, concurrency: int, seed: int) -> list[dict[str, float]]:
    """The probe's load shape: ``concurrency`` warm-up requests, then BLOCK measured ones."""
    warmup, first = concurrency, seed + concurrency
    reference_closed_loop(url, model, concurrency, warmup, WORDS, seed, MAX_TOKENS)  # dropped
    return reference_closed_loop(url, model, concurrency, BLOCK, WORDS, first, MAX_TOKENS)


def _config(
    url: str, model: str, concurrency: int, requests: int, warmup: int, max_tokens: int
) -> probes.ProbeConfig:
    return probes.ProbeConfig(
        url=url,
        model=model,
        load=probes.ConcurrencySweep(levels=(concurrency,), requests=requests, warmup=warmup),
        input_tokens=32,
        max_tokens=max_tokens,
        ignore_eos=True,
    )


@pytest.fixture
def collector_off():
    """The cyclic garbage collector off for the test (as the probe has it during its runs)."""
    enabled = gc.isenabled()
    gc.disable()
    yield
    if enabled:
        gc.enable()


@pytest.mark.parametrize("concurrency", [1, 2, 4])
def test_probe_latencies_agree_with_a_reference_client(tiny_server, concurrency, collector_off):
    url, model = tiny_server
    reference: list[dict[str, float]] = []
    measured: list[probes.RequestResult] = []
    for round_ in range(ROUNDS):
        cfg = _config(url, model, concurrency, BLOCK, concurrency, MAX_TOKENS)
        assert cfg.connection == "reuse"  # the default mode
        seed = 1000 * (round_ + 1)
        if round_ % 2:
            reference += _reference_block(url, model, concurrency, seed)
        run = probes.run_probe(cfg)
        if not round_ % 2:
            reference += _reference_block(url, model, concurrency, seed)
        assert all(r.ok for r in run.requests)
        measured += [r for r in run.requests if not r.warmup]
    ttft = statistics.median(r.ttft_ms for r in measured)
    reference_ttft = statistics.median(r["ttft_ms"] for r in reference)
    tpot = statistics.median(r.tpot_ms for r in measured if r.tpot_ms is not None)
    reference_tpot = statistics.median(r["tpot_ms"] for r in reference)
    assert abs(ttft - reference_ttft) <= 3.0, (concurrency, ttft, reference_ttft)
    assert tpot == pytest.approx(reference_tpot, rel=0.10), (concurrency, tpot, reference_tpot)


@pytest.mark.parametrize("concurrency", [1, 2, 4])
def test_probe_throughput_agrees_with_the_server_count(tiny_server, concurrency):
    url, model = tiny_server
    requests = 40
    before = probes.read_server_counters(url)
    run = probes.run_probe(_config(url, model, concurrency, requests, 0, MAX_TOKENS))
    after = probes.read_server_counters(url)
    (level,) = run.levels()
    assert level.completed == requests and level.output_tokens == requests * MAX_TOKENS
    assert before is not None and after is not None
    # The server's own count over the run's wall time (its set-up requests included).
    server_tokens = after["output_tokens"] - before["output_tokens"]
    wall_s = (run.finished_at - run.started_at).total_seconds()
    assert level.output_tokens_per_s == pytest.approx(server_tokens / wall_s, rel=0.05)
