"""Probes against a real llama.cpp server: the tiny server (llama-cpp-python).

These run in CI (the ``tiny_server`` fixture fails there if llama-cpp-python
is missing); locally they skip without it.
"""

from __future__ import annotations

import http.client
import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from analysis import probes
from analysis.probes import store as probe_store

REPO = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow


def _config(url: str, model: str, **overrides: object) -> probes.ProbeConfig:
    base: dict = dict(
        url=url,
        model=model,
        load=probes.ConcurrencySweep(levels=(1, 4), requests=6, warmup=1),
        input_tokens=64,
        max_tokens=32,
        read_timeout_s=30,
        request_timeout_s=60,
    )
    base.update(overrides)
    return probes.ProbeConfig(**base)  # type: ignore[arg-type]


def _non_streamed_usage(url: str, model: str, max_tokens: int) -> dict:
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    body = {"model": model, "prompt": probes.synthetic_prompt(40, 1), "max_tokens": max_tokens}
    try:
        conn.request(
            "POST", "/v1/completions", json.dumps(body), {"Content-Type": "application/json"}
        )
        response = conn.getresponse()
        assert response.status == 200
        return json.loads(response.read())["usage"]
    finally:
        conn.close()


@pytest.fixture(scope="module")
def chat_run(tiny_server):
    url, model = tiny_server
    before = probes.read_server_counters(url)
    run = probes.run_probe(_config(url, model))
    after = probes.read_server_counters(url)
    return run, before, after


def test_every_request_yields_the_tokens_asked_for_as_the_server_counts_them(chat_run, tiny_server):
    run, before, after = chat_run
    assert len(run.requests) == 2 * (1 + 6)
    for r in run.requests:
        assert r.ok, (r.error, r.error_detail)
        assert r.output_tokens == 32
        assert r.output_tokens_source == "usage"  # the server's own count, not an estimate
        assert r.output_chunks == 32  # one streamed chunk per token arrived
        assert r.finish_reason == "length"
    # The server's running total moved by exactly what the probe counted, plus the one
    # token of the request that measures the chat template for the prompt calibration.
    assert "template and special tokens included (+" in run.input_tokens_basis
    assert after["output_tokens"] - before["output_tokens"] == 1 + sum(
        r.output_tokens for r in run.requests
    )
    # And a non-streamed request of the same length reports the same usage.
    assert _non_streamed_usage(*tiny_server, max_tokens=32)["completion_tokens"] == 32


def test_latencies_are_consistent(chat_run):
    run, _, _ = chat_run
    for r in run.requests:
        assert 0 < r.ttft_ms < r.e2e_ms
        assert r.ttfat_ms == r.ttft_ms  # no reasoning channel
        assert r.tpot_ms == pytest.approx((r.e2e_ms - r.ttft_ms) / 31)
        # One gap per read after the first; tokens sharing a read add none.
        assert 1 < r.output_reads <= 32 and len(r.itl_ms) == r.output_reads - 1
        assert all(g > 0 for g in r.itl_ms) and sum(r.itl_ms) <= r.e2e_ms - r.ttft_ms
        assert r.server_decode_tps and r.server_decode_tps > 0
        assert r.prefill_tps and r.prefill_tps > 0
        assert r.sent_ms <= r.end_ms


def test_percentiles_are_ordered(chat_run):
    run, _, _ = chat_run
    for level in run.levels():
        for name, s in level.metrics.items():
            if s.n == 0:
                continue
            assert s.p50 <= s.p90 <= s.p95 <= s.p99 <= s.max, name
            assert s.mean <= s.max


def test_a_sweep_returns_one_aggregate_per_level(chat_run):
    run, _, _ = chat_run
    levels = run.levels()
    assert [lv.concurrency for lv in levels] == [1, 4]
    for level in levels:
        assert level.attempted == level.completed == 6  # warm-up excluded
        assert level.errors == 0 and level.error_counts == {}
        assert level.output_tokens == 6 * 32
        assert level.output_tokens_per_s == pytest.approx(level.output_tokens / level.duration_s)
        assert level.output_tokens_source == {"usage": 6}
    # The server runs one request at a time: waiting shows in TTFT as concurrency grows.
    assert levels[1].metrics["ttft_ms"].p50 > levels[0].metrics["ttft_ms"].p50


def test_prompt_length_is_calibrated_with_the_server_tokenizer(tiny_server):
    url, model = tiny_server
    cfg = _config(
        url, model, endpoint="completions", input_tokens=100,
        load=probes.ConcurrencySweep(levels=(1,), requests=3, warmup=0),
    )  # fmt: skip
    run = probes.run_probe(cfg)
    assert run.input_tokens_basis.startswith("server tokenizer")
    for r in run.requests:
        assert r.ok and r.output_tokens == 32
        assert r.input_tokens == 100  # 99 words, one token each, plus the start token


def test_poisson_load_against_the_server(tiny_server):
    url, model = tiny_server
    load = probes.PoissonLoad(rate_per_s=15, requests=10, warmup=1, seed=3, max_in_flight=8)
    run = probes.run_probe(_config(url, model, load=load, max_tokens=16))
    (level,) = run.levels()
    assert level.rate_per_s == 15 and level.completed == 10
    assert all(r.output_tokens == 16 for r in run.requests)


@pytest.mark.parametrize("enabled_before", [True, False])
def test_the_collector_is_off_while_requests_are_timed(tiny_server, enabled_before):
    # A collection pause must not land inside a request's timings; the state before the
    # run comes back after it, whichever it was.
    import gc

    url, model = tiny_server
    seen: list[bool] = []
    load = probes.ConcurrencySweep(levels=(1, 2), requests=3, warmup=1)
    (gc.enable if enabled_before else gc.disable)()
    try:
        probes.run_probe(
            _config(url, model, load=load, max_tokens=4),
            progress=lambda done, total, label: seen.append(gc.isenabled()),
        )
        after = gc.isenabled()
    finally:
        gc.enable()
    assert seen == [False] * 8
    assert after is enabled_before


def test_best_throughput_feeds_the_cost_model(chat_run):
    run, _, _ = chat_run
    loose = probes.SLO(ttft_ms=60_000, tpot_ms=10_000)
    point = probes.best_throughput(run, loose)
    assert point.concurrency == 4
    assert point.output_tokens_per_s == run.levels(loose)[1].output_tokens_per_s
    tok_s, basis = probes.to_tco_throughput(run, loose)
    assert tok_s == point.output_tokens_per_s
    assert basis.startswith(f"probe run {run.run_id}: ")
    assert "concurrency 4" in basis and "tiny-random-llama" in basis
    with pytest.raises(probes.ProbeError, match="no load level .* meets the SLO"):
        probes.best_throughput(run, probes.SLO(ttft_ms=0.001))


READER = textwrap.dedent(
    """
    import json, sys, time
    import duckdb
    from analysis.probes import store as probe_store

    warehouse, seconds = sys.argv[1], float(sys.argv[2])
    con = duckdb.connect(warehouse, read_only=True)  # held open like a rendering brief
    reads, errors, seen = 0, [], set()
    print("ready", flush=True)
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            con.execute("SELECT count(*) FROM prices").fetchone()
            runs = probe_store.list_runs()
            for run_id in runs["run_id"].to_list():
                requests = probe_store.requests_of(run_id)
                assert len(requests) > 0
                seen.add(run_id)
            reads += 1
        except Exception as exc:
            errors.append(repr(exc))
    print(json.dumps({"reads": reads, "errors": errors, "seen": sorted(seen)}))
    """
)


def test_a_stored_run_reads_back_while_a_brief_is_rendering(tiny_server, tmp_path):
    import duckdb

    url, model = tiny_server
    warehouse = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(warehouse)) as con:
        con.execute("CREATE TABLE prices AS SELECT 1 AS id, 2.5 AS usd")
    store = tmp_path / "probes"
    env = {**os.environ, "AISTRAT_PROBES": str(store)}
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(warehouse), "6"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPO,
        env=env,
    )
    try:
        assert reader.stdout.readline().strip() == "ready"
        cfg = _config(url, model, load=probes.ConcurrencySweep(levels=(1, 2), requests=3, warmup=0))
        saved = []
        for _ in range(3):
            run = probes.run_probe(cfg)
            start = time.monotonic()
            saved.append(probe_store.save_run(run, root=store))
            assert time.monotonic() - start < 2.0  # never waits for the reader
            back = probe_store.load_run(run.run_id, root=store)
            assert [r.to_dict() for r in back.requests] == [r.to_dict() for r in run.requests]
            assert [lv.to_dict() for lv in back.levels()] == [lv.to_dict() for lv in run.levels()]
            assert back.config == run.config and back.model == model
        out, err = reader.communicate(timeout=60)
    finally:
        if reader.poll() is None:
            reader.kill()
    report = json.loads(out.strip().splitlines()[-1])
    assert report["errors"] == [], err
    assert report["reads"] > 5
    assert set(report["seen"]) == set(saved)
    listed = probe_store.list_runs(root=store)
    assert listed["run_id"].to_list() == saved


def test_cli_probe_against_the_server(tiny_server, tmp_path):
    url, _ = tiny_server
    env = {**os.environ, "AISTRAT_PROBES": str(tmp_path / "store")}
    args = [
        sys.executable, "-m", "analysis", "probe", "--url", url, "--concurrency", "1,2",
        "--requests", "3", "--input-tokens", "32", "--max-tokens", "16", "--hardware", "ci runner",
        "--slo-ttft-ms", "60000",
    ]  # fmt: skip
    result = subprocess.run(args, capture_output=True, text=True, cwd=REPO, env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""  # no progress bar when stderr is not a terminal
    out = result.stdout
    assert "c=1" in out and "c=2" in out
    assert "Definitions" in out and "Time to first token" in out
    assert "best within SLO:" in out and "concurrency 2" in out
    result = subprocess.run(
        [*args[:3], "probe-runs"], capture_output=True, text=True, cwd=REPO, env=env, timeout=60
    )
    assert result.returncode == 0
    assert "ci runner" in result.stdout and "tiny-random-llama" in result.stdout
