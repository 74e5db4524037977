"""Importing other tools' results, comparing runs with their cost, and the partitioned store.

The imported files are real: GuideLLM 0.8.1, vLLM 0.34.0 ``bench serve`` and
llmperf run against the tiny server (tests/fixtures/probe_imports/README.md
says how). Expected figures are read from the files themselves and from
datasets/gpu_cloud_prices.csv, not from the toolkit.
"""

from __future__ import annotations

import csv
import gzip
import json
import shutil
import statistics
import subprocess
import sys
from datetime import date
from pathlib import Path

import duckdb
import pytest

from analysis import probes
from analysis.probes import store as probe_store
from analysis.probes.compare import compare_runs, comparison_charts, cost_per_million_output_tokens
from analysis.probes.importers import import_files

REPO = Path(__file__).resolve().parent.parent
FILES = REPO / "tests" / "fixtures" / "probe_imports"
VLLM = [FILES / "vllm" / f"vllm-bench-serve-c{c}.json" for c in (1, 2, 4)]
LLMPERF = [FILES / "llmperf" / f"c{c}_summary.json" for c in (1, 2, 4)]
GUIDELLM = FILES / "guidellm" / "benchmarks.json.gz"


# --------------------------------------------------------------------------- importers


def test_vllm_bench_serve_results_map_onto_the_probe_metrics(tmp_path):
    run = import_files(VLLM, hardware="laptop CPU")
    assert run.origin == "vllm-bench-serve" and run.config.connection == "reuse"
    levels = run.levels()
    assert [lv.concurrency for lv in levels] == [1, 2, 4]
    for level, path in zip(levels, VLLM, strict=True):
        raw = json.loads(path.read_text())
        m = level.metrics
        assert m["ttft_ms"].p50 == raw["median_ttft_ms"] and m["ttft_ms"].p90 == raw["p90_ttft_ms"]
        assert m["ttft_ms"].p99 == raw["p99_ttft_ms"] and m["ttft_ms"].mean == raw["mean_ttft_ms"]
        assert m["tpot_ms"].p95 == raw["p95_tpot_ms"]
        assert m["itl_ms"].p50 == raw["p50_itl_ms"]
        assert m["e2e_ms"].p90 == raw["p90_e2el_ms"]
        assert level.output_tokens_per_s == raw["output_throughput"]
        assert level.completed == raw["completed"] and level.errors == raw["failed"]
        assert m["ttft_ms"].small_sample == ("p90", "p95", "p99")  # 8 requests each
    assert any(note.startswith("ITL:") and "~0 ms" in note for note in run.notes)
    assert any(note.startswith("e2e") and "last token chunk" in note for note in run.notes)
    # Stored and read back as the same levels, with the notes.
    probe_store.save_run(run, root=tmp_path)
    back = probe_store.load_run(run.run_id, root=tmp_path)
    assert back.notes == run.notes and back.origin == run.origin
    assert [lv.to_dict() for lv in back.levels()] == [lv.to_dict() for lv in levels]
    # Importing the same files again gives the same run id.
    assert import_files(VLLM).run_id == run.run_id


def test_llmperf_summaries_map_onto_the_probe_metrics():
    run = import_files(LLMPERF)
    assert run.origin.startswith("llmperf") and run.config.connection == "fresh"
    for level, path in zip(run.levels(), LLMPERF, strict=True):
        raw = json.loads(path.read_text())
        assert level.concurrency == raw["num_concurrent_requests"]
        m = level.metrics
        assert m["ttft_ms"].p50 == pytest.approx(raw["results_ttft_s_quantiles_p50"] * 1000)
        assert m["ttft_ms"].p99 == pytest.approx(raw["results_ttft_s_quantiles_p99"] * 1000)
        assert m["e2e_ms"].p90 == pytest.approx(
            raw["results_end_to_end_latency_s_quantiles_p90"] * 1000
        )
        assert m["itl_ms"].p50 == pytest.approx(
            raw["results_inter_token_latency_s_quantiles_p50"] * 1000
        )
        assert level.output_tokens_per_s == raw["results_mean_output_throughput_token_per_s"]
        assert m["tpot_ms"].n == 0  # llmperf reports none; its ITL is not a TPOT
    assert any("TTFT included" in note and "ITL" in note for note in run.notes)
    assert any("re-tokenizes" in note for note in run.notes)


def test_guidellm_benchmarks_map_onto_the_probe_metrics():
    run = import_files([GUIDELLM], gpu="nvidia-t4")
    raw = json.loads(gzip.decompress(GUIDELLM.read_bytes()))
    assert run.origin == "guidellm 0.8.1" and run.imported_levels is None
    levels = run.levels()
    assert [lv.concurrency for lv in levels] == [1, 2, 4]
    for level, bench in zip(levels, raw["benchmarks"], strict=True):
        theirs = bench["metrics"]["time_to_first_token_ms"]["successful"]
        assert level.completed == theirs["count"]
        # Our TTFT is GuideLLM's (same definition), from its per-request timestamps; the
        # medians differ only by the percentile method (noted), so check ours by hand.
        timings = [r["info"]["timings"] for r in bench["requests"]["successful"]]
        ttfts = [(t["first_token_iteration"] - t["request_start"]) * 1000 for t in timings]
        assert level.metrics["ttft_ms"].p50 == pytest.approx(statistics.median(ttfts))
        assert min(ttfts) <= theirs["median"] <= max(ttfts)
        e2e = [(t["request_end"] - t["request_start"]) * 1000 for t in timings]
        assert level.metrics["e2e_ms"].p50 == pytest.approx(statistics.median(e2e))
        # Our TPOT is recomputed from the timestamps; GuideLLM's ITL is the nearest of theirs.
        itl = bench["metrics"]["inter_token_latency_ms"]["successful"]["median"]
        assert level.metrics["tpot_ms"].p50 == pytest.approx(itl, rel=0.25)
        assert level.output_tokens == 8 * 32 and level.output_tokens_per_s > 0
    assert any(note.startswith("TPOT:") and "recomputes" in note for note in run.notes)


def test_a_file_of_another_kind_is_a_clear_error(tmp_path):
    bad = tmp_path / "x.json"
    bad.write_text(json.dumps({"hello": 1}))
    with pytest.raises(probes.ProbeError, match="not a GuideLLM benchmarks.json"):
        import_files([bad])
    with pytest.raises(probes.ProbeError, match="a vllm result, not llmperf"):
        import_files(VLLM[:1], fmt="llmperf")
    with pytest.raises(probes.ProbeError, match="several tools"):
        import_files([VLLM[0], LLMPERF[0]])


# --------------------------------------------------------------------------- the store


def test_plain_duckdb_reads_the_partitioned_store(tmp_path):
    run = import_files([GUIDELLM])
    other = import_files(VLLM)
    for r in (run, other):
        probe_store.save_run(r, root=tmp_path)
    files = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*.parquet"))
    assert f"runs/date={run.started_at.date()}/host=imported/{run.run_id}.parquet" in files
    con = duckdb.connect()
    rows = con.sql(
        f"SELECT run_id, date, host, origin FROM read_parquet('{tmp_path}/runs/**/*.parquet', "
        "hive_partitioning = true) ORDER BY run_id"
    ).fetchall()
    assert rows == [
        (run.run_id, run.started_at.date(), "imported", "guidellm 0.8.1"),
        (other.run_id, other.started_at.date(), "imported", "vllm-bench-serve"),
    ]
    ((count,),) = con.sql(
        f"SELECT count(*) FROM read_parquet('{tmp_path}/requests/**/*.parquet', "
        f"hive_partitioning = true) WHERE run_id = '{run.run_id}'"
    ).fetchall()
    assert count == 24


def test_a_flat_store_is_still_read_and_then_moved_into_partitions(tmp_path):
    first, second = import_files(VLLM), import_files(LLMPERF)
    probe_store.save_run(first, root=tmp_path)
    for path in list(tmp_path.rglob("*.parquet")):  # lay it out as older stores did
        table = path.relative_to(tmp_path).parts[0]
        shutil.move(path, tmp_path / table / path.name)
    assert probe_store.list_runs(root=tmp_path)["run_id"].to_list() == [first.run_id]
    assert probe_store.load_run(first.run_id, root=tmp_path).levels()[0].completed == 8
    probe_store.save_run(second, root=tmp_path)  # a write moves the old runs
    assert not list((tmp_path / "runs").glob("*.parquet"))
    rows = duckdb.sql(
        f"SELECT run_id FROM read_parquet('{tmp_path}/runs/**/*.parquet', "
        "hive_partitioning = true) ORDER BY run_id"
    ).fetchall()
    assert sorted(r[0] for r in rows) == sorted([first.run_id, second.run_id])


# --------------------------------------------------------------------------- comparing


def _cheapest_offer(gpu: str, at: date) -> float:
    """The cheapest on-demand USD per GPU-hour of ``gpu`` from the dataset file, by hand."""
    latest: dict[tuple[str, str, str], tuple[str, float]] = {}
    with open(REPO / "datasets" / "gpu_cloud_prices.csv", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["gpu_id"] != gpu or row["as_of"] > at.isoformat():
                continue
            key = (row["provider"], row["instance_type"], row["region"])
            if key not in latest or row["as_of"] > latest[key][0]:
                latest[key] = (row["as_of"], float(row["usd_per_gpu_hour"]))
    return min(price for _, price in latest.values())


def test_cost_per_million_tokens_by_hand():
    # 2.5 USD/GPU-h x 2 GPUs = 5 USD/h; 1,000 tok/s = 3.6 M tok/h; 5 / 3.6 = 1.3889 USD/M.
    assert cost_per_million_output_tokens(2.5, 2, 1000.0) == pytest.approx(1.388889, rel=1e-6)
    with pytest.raises(probes.ProbeError, match="positive"):
        cost_per_million_output_tokens(0, 1, 10.0)


@pytest.mark.slow
def test_probe_compare_three_runs_table_charts_and_costs(tmp_path):
    from analysis.probes.tiny_server import TinyModelSpec, start_tiny_server

    store = tmp_path / "store"
    spec = TinyModelSpec(layers=2, hidden=64, heads=4, context=1024)
    ids = []
    for threads in (1, 2):
        with start_tiny_server(spec, threads=threads, cache_dir=tmp_path / "gguf") as server:
            cfg = probes.ProbeConfig(
                url=server.url,
                model=server.model,
                load=probes.ConcurrencySweep(levels=(1, 2), requests=6, warmup=1),
                input_tokens=32,
                max_tokens=16,
                ignore_eos=True,
                hardware=f"CPU, {threads} thread(s)",
                gpu="nvidia-t4" if threads == 1 else None,
            )
            ids.append(probe_store.save_run(probes.run_probe(cfg), root=store))
    imported = import_files(VLLM, hardware="laptop CPU, vLLM bench serve")
    ids.append(probe_store.save_run(imported, root=store))

    charts_dir = tmp_path / "charts"
    args = [
        sys.executable, "-m", "analysis", "probe-compare", *ids, "--store", str(store),
        "--price", f"{ids[1]}=2.5", "--price", f"{ids[2]}=1.2", "--slo-ttft-ms", "5000",
        "--charts", str(charts_dir),
    ]  # fmt: skip
    result = subprocess.run(args, capture_output=True, text=True, cwd=REPO, timeout=180)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "3 runs under one objective: TTFT <= 5000 ms" in out
    assert "USD / 1M out tok" in out and "gpu_cloud_prices" in out
    for name in ("throughput", "latency", "goodput", "cost"):
        html = (charts_dir / f"probe-compare-{name}.html").read_text()
        assert "vega" in html and "probe run" in html

    result = subprocess.run([*args[:-2], "--json"], capture_output=True, text=True, cwd=REPO)
    data = json.loads(result.stdout)
    by_id = {run["run_id"]: run for run in data["runs"]}
    runs = [probe_store.load_run(i, root=store) for i in ids]
    slo = probes.SLO(ttft_ms=5000)
    for run, usd in zip(runs, (_cheapest_offer("nvidia-t4", runs[0].started_at.date()), 2.5, 1.2),
                        strict=True):  # fmt: skip
        point = probes.best_throughput(run, slo)
        hand = usd * 1 / (point.output_tokens_per_s * 3600) * 1e6
        assert by_id[run.run_id]["gpu_hour_usd"] == pytest.approx(usd)
        assert by_id[run.run_id]["cost_per_mtok_usd"] == pytest.approx(hand, rel=1e-9)
    assert by_id[ids[2]]["goodput_rps"] is None  # a summary import: goodput unknown
    assert by_id[ids[0]]["goodput_rps"] > 0
    assert {row["run_id"] for row in data["levels"]} == set(ids)

    # The same comparison in Python, with the charts as specs.
    comparison = compare_runs(runs, slo, prices={ids[1]: 2.5, ids[2]: 1.2})
    specs = {k: v.to_dict() for k, v in comparison_charts(comparison).items() if v is not None}
    assert set(specs) == {"throughput", "latency", "goodput", "cost"}
    assert specs["cost"]["mark"]["type"] == "bar"


def test_the_probe_panel_compares_stored_runs():
    pytest.importorskip("ipywidgets")
    from widgets.probe import ProbeRunner

    ids = [probe_store.save_run(import_files(files)) for files in (VLLM, LLMPERF)]
    panel = ProbeRunner(url="http://127.0.0.1:1")
    assert "Compare stored runs" in panel.blocks["comparison"].value
    assert set(ids) <= set(panel.stored_runs())
    comparison = panel.compare(ids, price=2.0)
    assert comparison is not None and [r.run_id for r in comparison.runs] == ids
    html = panel.blocks["comparison"].value
    assert "USD / 1M output tokens" in html and "vllm-bench-serve" in html
    best = comparison.runs[0]
    hand = 2.0 / (best.output_tokens_per_s * 3600) * 1e6
    assert best.cost_per_mtok_usd == pytest.approx(hand)
    assert {"compare_throughput", "compare_cost"} <= set(panel.chart_specs)
    assert panel.compare([]) is None and "select one or more" in panel.status.value


def test_the_brief_compares_runs_when_given_their_ids():
    from types import SimpleNamespace

    from analysis import memo

    ids = [
        probe_store.save_run(import_files(VLLM, gpu="nvidia-t4")),
        probe_store.save_run(import_files(LLMPERF, gpu="nvidia-t4")),
    ]
    at = date(2026, 11, 30)
    ctx = SimpleNamespace(options={"compare_runs": ids}, probe=None, as_of=at, sections={})
    section = memo.probe_comparison(ctx)
    assert section is not None and section.key == "probe_comparison"
    (table,) = section.tables
    assert [row[0][-7:-1] for row in table.rows] == [i[-6:] for i in ids]  # "(abc123)"
    usd = _cheapest_offer("nvidia-t4", at)
    run = probe_store.load_run(ids[0])
    point = probes.best_throughput(run)
    hand = usd / (point.output_tokens_per_s * 3600) * 1e6
    assert table.rows[0][-1] == memo.number(hand)
    assert "Cheapest per output token" in section.finding
    assert memo.check_options({"compare_runs": ids}, "test")["compare_runs"] == ids
    empty = SimpleNamespace(options={"compare_runs": []}, probe=None, as_of=at, sections={})
    assert memo.probe_comparison(empty) is None
