"""Stored probe runs (Parquet files) and the statistics computed from requests.

Runs here are built by hand, with known numbers, so every figure can be
checked exactly; no server is involved.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from analysis import probes
from analysis.errors import ProbeError
from analysis.probes import store as probe_store

REPO = Path(__file__).resolve().parent.parent
T0 = datetime(2025, 3, 1, 12, 0, 0, tzinfo=UTC)


def _request(index: int, concurrency: int, sent: float, ttft: float, e2e: float, tokens: int, **kw):
    r = probes.RequestResult(index=index, concurrency=concurrency, sent_ms=sent, scheduled_ms=sent)
    r.ok = True
    r.ttft_ms, r.ttfat_ms, r.e2e_ms = ttft, ttft, e2e
    r.end_ms = sent + e2e
    r.output_tokens, r.output_tokens_source = tokens, "usage"
    r.tpot_ms = (e2e - ttft) / (tokens - 1)
    r.decode_tps = 1000 / r.tpot_ms
    r.itl_ms = [r.tpot_ms] * (tokens - 1)
    for key, value in kw.items():
        setattr(r, key, value)
    return r


def _failed(index: int, concurrency: int, sent: float, kind: str):
    r = probes.RequestResult(index=index, concurrency=concurrency, sent_ms=sent, scheduled_ms=sent)
    r.error, r.error_detail, r.end_ms = kind, f"{kind} happened", sent + 100
    return r


def make_run(run_id: str = "20250301T120000Z-abc123", hardware: str = "2x L4") -> probes.ProbeRun:
    """Two levels: c=1 (4 requests, 1 s window) and c=2 (4 requests + 1 error, 1 s window)."""
    requests = [
        probes.RequestResult(index=0, concurrency=1, warmup=True, ok=True, output_tokens=999),
        _request(1, 1, 0, 100, 250, 11),
        _request(2, 1, 250, 100, 250, 11),
        _request(3, 1, 500, 120, 250, 11),
        _request(4, 1, 750, 140, 250, 11),
        _request(5, 2, 2000, 300, 500, 21),
        _request(6, 2, 2000, 400, 500, 21),
        _request(7, 2, 2500, 600, 500, 21),
        _request(8, 2, 2500, 800, 500, 21),
        _failed(9, 2, 2900, "timeout"),
    ]
    cfg = probes.ProbeConfig(
        url="http://127.0.0.1:8080",
        model="m1",
        load=probes.ConcurrencySweep(levels=(1, 2), requests=5, warmup=1),
        slo=probes.SLO(ttft_ms=500, percentile=75),
        hardware=hardware,
    )
    return probes.ProbeRun(
        run_id=run_id,
        config=cfg,
        model="m1",
        started_at=T0,
        finished_at=T0 + timedelta(seconds=4),
        client_host="laptop",
        server_software="uvicorn",
        input_tokens_basis="server tokenizer: 255 words = 256 tokens (target 256)",
        requests=requests,
    )


# --------------------------------------------------------------------------- statistics


def test_percentiles_interpolate_linearly():
    values = [10.0, 20.0, 30.0, 40.0, 50.0]
    assert probes.percentile(values, 50) == 30
    assert probes.percentile(values, 90) == pytest.approx(46)
    assert probes.percentile(values, 99) == pytest.approx(49.6)
    s = probes.summarise([50, None, 10, float("nan"), 30, 20, 40])
    assert (s.n, s.mean, s.p50, s.max) == (5, 30, 30, 50)
    assert probes.summarise([]).p50 is None


def test_level_statistics_are_exact():
    run = make_run()
    c1, c2 = run.levels()
    assert (c1.concurrency, c1.attempted, c1.completed, c1.errors) == (1, 4, 4, 0)
    assert c1.duration_s == 1.0  # first sent at 0 ms, last ended at 1000 ms; warm-up excluded
    assert c1.request_throughput == 4.0
    assert c1.output_tokens == 44 and c1.output_tokens_per_s == 44.0
    assert c1.metrics["ttft_ms"].p50 == 110 and c1.metrics["ttft_ms"].mean == 115
    # TPOT = (e2e - TTFT) / (tokens - 1): 15, 15, 13, 11 ms
    assert c1.metrics["tpot_ms"].p50 == 14.0 and c1.metrics["tpot_ms"].max == 15.0
    assert c1.metrics["itl_ms"].n == 40
    assert c1.slo_attainment == 1.0 and c1.meets_slo

    assert (c2.attempted, c2.completed, c2.errors) == (5, 4, 1)
    assert c2.error_counts == {"timeout": 1}
    assert c2.duration_s == 1.0  # 2000 ms to 3000 ms
    assert c2.output_tokens_per_s == 84.0
    # TTFT 300, 400 meet 500 ms; 600, 800 do not; the error is a miss: 2 of 5.
    assert c2.slo_attainment == pytest.approx(0.4)
    assert c2.goodput_rps == 2.0
    assert not c2.meets_slo
    data = c2.to_dict()
    assert data["output_tokens"] == 84 and data["request_output_tokens"]["p50"] == 21
    assert set(data["ttft_ms"]) >= {"p50", "p90", "p95", "p99"}
    json.dumps(data, allow_nan=False)  # never NaN


def test_best_throughput_is_the_highest_concurrency_within_the_slo():
    run = make_run()
    point = probes.best_throughput(run)
    assert (point.concurrency, point.output_tokens_per_s) == (1, 44.0)
    looser = probes.SLO(ttft_ms=1000, percentile=80)
    assert probes.best_throughput(run, looser).concurrency == 2  # 4 of 5 = 80%
    tok_s, basis = probes.to_tco_throughput(run, looser)
    assert tok_s == 84.0
    assert basis.startswith("probe run 20250301T120000Z-abc123: 84.0 output tok/s")
    assert "concurrency 2" in basis and "on 2x L4" in basis and "2025-03-01" in basis
    with pytest.raises(ProbeError, match="c=1: 0%, c=2: 0%"):
        probes.best_throughput(run, probes.SLO(ttft_ms=50))


def test_run_summary_is_json_ready():
    data = make_run().to_dict()
    text = json.dumps(data, allow_nan=False)
    assert [lv["concurrency"] for lv in data["levels"]] == [1, 2]
    assert data["best_within_slo"]["concurrency"] == 1
    assert data["server_kind"] == "OpenAI-compatible (uvicorn)"
    assert "api_key" not in text.replace("api_key_env", "")


# --------------------------------------------------------------------------- storage


def test_save_list_load_round_trip(tmp_path):
    run = make_run()
    assert probe_store.save_run(run, root=tmp_path) == run.run_id
    runs = probe_store.list_runs(root=tmp_path)
    assert runs.columns == list(probe_store.RUN_COLUMNS)
    row = runs.to_dicts()[0]
    assert row["model"] == "m1" and row["hardware"] == "2x L4" and row["client_host"] == "laptop"
    assert row["server_kind"] == "OpenAI-compatible (uvicorn)"
    assert row["load_shape"] == "concurrency" and row["levels"] == "1,2"
    assert row["started_at"] == T0
    assert (row["completed"], row["errors"]) == (8, 1)  # warm-up excluded
    assert (row["best_concurrency"], row["best_output_tokens_per_s"]) == (1, 44.0)
    assert row["slo_ttft_ms"] == 500 and row["slo_tpot_ms"] is None

    requests = probe_store.requests_of(run.run_id, root=tmp_path)
    assert requests.height == 10
    assert requests["warmup"].to_list()[0] is True
    assert requests.filter(requests["error"] == "timeout")["error_detail"].to_list() == [
        "timeout happened"
    ]
    levels = probe_store.levels_of(run.run_id, root=tmp_path)
    assert levels["concurrency"].to_list() == [1, 2]
    assert levels["output_tokens_per_s"].to_list() == [44.0, 84.0]
    assert levels["ttft_ms_p50"].to_list()[0] == 110

    back = probe_store.load_run(run.run_id, root=tmp_path)
    assert back.config == run.config
    assert back.started_at == run.started_at and back.server_kind == run.server_kind
    assert [r.to_dict() for r in back.requests] == [r.to_dict() for r in run.requests]
    assert probes.to_tco_throughput(back) == probes.to_tco_throughput(run)


def test_empty_store_lists_nothing(tmp_path):
    runs = probe_store.list_runs(root=tmp_path / "none")
    assert runs.height == 0 and runs.columns == list(probe_store.RUN_COLUMNS)


def test_unknown_or_malformed_run_ids_are_clear_errors(tmp_path):
    probe_store.save_run(make_run(), root=tmp_path)
    with pytest.raises(ProbeError, match="no stored probe run '20250301T120000Z-ffffff'"):
        probe_store.load_run("20250301T120000Z-ffffff", root=tmp_path)
    with pytest.raises(ProbeError, match="is not a probe run id"):
        probe_store.requests_of("../../etc/passwd", root=tmp_path)


def test_partial_files_are_never_read(tmp_path):
    probe_store.save_run(make_run(), root=tmp_path)
    # What a writer killed mid-write leaves behind: a temporary file, never renamed.
    (tmp_path / "runs" / ".20250301T130000Z-dead00.parquet.123.tmp").write_bytes(b"PAR1 trunc")
    (tmp_path / "requests" / ".20250301T130000Z-dead00.parquet.123.tmp").write_bytes(b"x")
    assert probe_store.list_runs(root=tmp_path)["run_id"].to_list() == ["20250301T120000Z-abc123"]


def test_runs_are_sorted_and_union_their_columns(tmp_path):
    late = make_run("20250302T120000Z-000002", hardware="")
    late.started_at = T0 + timedelta(days=1)
    rate = make_run("20250301T110000Z-000001")
    rate.started_at = T0 - timedelta(hours=1)
    rate.config = probes.ProbeConfig(
        url="http://127.0.0.1:8080", model="m1", load=probes.PoissonLoad(rate_per_s=2.5, requests=5)
    )
    for r in rate.requests:
        r.concurrency, r.rate_per_s = None, 2.5
    for run in (late, rate):
        probe_store.save_run(run, root=tmp_path)
    runs = probe_store.list_runs(root=tmp_path)
    assert runs["run_id"].to_list() == [rate.run_id, late.run_id]
    assert runs["rate_per_s"].to_list() == [2.5, None]
    assert runs["levels"].to_list() == [None, "1,2"]
    levels = probe_store.levels_of(rate.run_id, root=tmp_path)
    assert levels["concurrency"].to_list() == [None] and levels["rate_per_s"].to_list() == [2.5]


def test_views_join_probe_runs_with_a_read_only_warehouse(tmp_path):
    probe_store.save_run(make_run(), root=tmp_path / "probes")
    warehouse = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(warehouse)) as con:
        con.execute("CREATE TABLE gpus AS SELECT '2x L4' AS hardware, 1.60 AS usd_per_hour")
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        assert probe_store.register_views(con, root=tmp_path / "probes") == [
            "probe_runs", "probe_levels", "probe_requests",
        ]  # fmt: skip
        usd_per_mtok = con.execute(
            """
            SELECT g.usd_per_hour / (r.best_output_tokens_per_s * 3600) * 1e6
            FROM probe_runs r JOIN gpus g USING (hardware)
            """
        ).fetchone()[0]
    finally:
        con.close()
    assert usd_per_mtok == pytest.approx(1.60 / (44.0 * 3600) * 1e6)


WRITER = textwrap.dedent(
    """
    import sys
    sys.path.insert(0, sys.argv[2])
    from pathlib import Path
    from test_probe_store import make_run
    from analysis.probes import store as probe_store

    root = Path(sys.argv[1])
    for i in range(20):
        probe_store.save_run(make_run(f"20250301T12{i:04d}Z-{i:06x}"), root=root)
    print("done", flush=True)
    """
)


@pytest.mark.slow
def test_concurrent_writer_process_and_readers_never_clash(tmp_path):
    errors: list[str] = []
    seen: dict[int, list[int]] = {0: [], 1: []}
    stop = threading.Event()

    def read_loop(reader: int) -> None:
        while not stop.is_set():
            try:
                runs = probe_store.list_runs(root=tmp_path)
                for run_id in runs["run_id"].to_list()[-3:]:
                    # A listed run is always complete: its requests and levels are in place.
                    assert probe_store.requests_of(run_id, root=tmp_path).height == 10
                    assert probe_store.levels_of(run_id, root=tmp_path).height == 2
                seen[reader].append(runs.height)
            except Exception as exc:  # collected: the assertion below shows them
                errors.append(repr(exc))

    readers = [threading.Thread(target=read_loop, args=(i,)) for i in range(2)]
    for thread in readers:
        thread.start()
    writer = subprocess.run(
        [sys.executable, "-c", WRITER, str(tmp_path), str(Path(__file__).parent)],
        capture_output=True, text=True, cwd=REPO, timeout=120,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )  # fmt: skip
    stop.set()
    for thread in readers:
        thread.join(30)
    assert writer.returncode == 0, writer.stderr
    assert errors == []
    for counts in seen.values():
        assert counts and counts == sorted(counts)  # runs only ever appear, whole
    assert probe_store.list_runs(root=tmp_path).height == 20
    assert not list(tmp_path.rglob("*.tmp"))
