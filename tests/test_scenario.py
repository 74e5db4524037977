"""Scenario files: strict reading, warehouse and probe lookups, round trips and the CLI.

Lookups run against the real warehouse, built from ``datasets/`` into the test
run's temporary folder; probe runs are saved in the test run's probe store.
"""

from __future__ import annotations

import json
import textwrap
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from analysis import probes, warehouse
from analysis.cli import main
from analysis.errors import PriceNotFoundError, ScenarioError
from analysis.prices import price_for
from analysis.probes import store as probe_store
from analysis.scenario import (
    dump_scenario,
    evaluate_scenario,
    load_scenario,
    parse_scenario_text,
    resolve,
    scenario_from_dict,
)

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "reports" / "params" / "example_scenario.yaml"
AS_OF = date(2026, 11, 29)
EXAMPLE_AS_OF = date(2026, 12, 1)  # the example scenario's as_of

EXAMPLE_1 = """\
name: worked example 1
workload: {requests_per_month: 1000000, input_tokens: 1500, output_tokens: 500}
api: {input_usd_per_mtok: 2.50, output_usd_per_mtok: 10.00}
self_hosted:
  gpus_per_replica: 2
  throughput_tok_s: 1000
  utilisation: 0.7
  gpu_hour_usd: 2.00
  staff_fte: 0.25
  staff_annual_usd: 180000
"""


def write(tmp_path: Path, text: str, name: str = "scenario.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def one(sql: str, params: list) -> dict:
    rows = warehouse.query(sql, params).to_dicts()
    assert len(rows) == 1, rows
    return rows[0]


# --------------------------------------------------------------------------- command line


def test_cli_json_reproduces_example_1(tmp_path, capsys):
    path = write(tmp_path, EXAMPLE_1)
    status, out, err = run_cli(capsys, "tco", "-f", str(path), "--json")
    assert status == 0, err
    data = json.loads(out)
    assert data["api"]["monthly_usd"] == pytest.approx(8_750.00, abs=0.005)
    assert data["self_hosted"]["monthly_usd"] == pytest.approx(6_670.00, abs=0.005)
    assert (data["self_hosted"]["replicas"], data["self_hosted"]["gpus"]) == (1, 2)
    assert data["break_even_requests_per_month"] == 762_286
    assert data["cheaper"] == "self_hosted"


def test_cli_text_names_both_options_break_even_and_the_cheaper(tmp_path, capsys):
    status, out, _ = run_cli(capsys, "tco", "-f", str(write(tmp_path, EXAMPLE_1)))
    assert status == 0
    assert "$8,750.00" in out and "$6,670.00" in out
    assert "Break-even: 762,286 requests/month" in out
    assert "next replica at 1,839,601" in out
    assert "Cheaper: self-hosted, by $2,080.00/month" in out


def test_cli_runs_the_example_scenario_against_the_warehouse(capsys, tmp_path):
    dumped = tmp_path / "resolved.yaml"
    status, out, err = run_cli(capsys, "tco", "-f", str(EXAMPLE), "--json", "--dump", str(dumped))
    assert status == 0, err
    data = json.loads(out)
    price = price_for("claude-sonnet-5", at=EXAMPLE_AS_OF, provider="anthropic")
    # 1M requests · (1,500 input + 500 output tokens) at the price in force on as_of.
    expected_api = 1_000_000 * (1_500 * price.input_usd_per_mtok + 500 * price.output_usd_per_mtok)
    assert data["api"]["monthly_usd"] == pytest.approx(expected_api / 1e6, rel=1e-12)
    hosted = data["self_hosted"]
    # MiniMax-M2.5 (230B) at fp8 with 16 × 8k-token sequences: weights 230 GB + KV cache
    # 2·62 layers·8 KV heads·128·2 bytes·8192·16 = 33.3 GB, + 10% = 289.6 GB: two 141 GB
    # H200s hold 282 GB, so three.
    assert hosted["sizing"]["gpus_basis"] == "memory fit"
    assert hosted["sizing"]["memory_fit"]["required_gb"] == pytest.approx(289.6, abs=0.1)
    assert (hosted["replicas"], hosted["gpus"]) == (1, 3)
    throughput = hosted["sizing"]["throughput"]
    assert throughput["basis"] == "decode estimate"
    assert throughput["limit"] == "bandwidth"  # the planned 16 sequences fit and meet the target
    assert throughput["range"]["low"] < throughput["tok_s"] < throughput["range"]["high"]
    assert throughput["plan"]["batch"] == 16
    offer = one(
        "SELECT usd_per_gpu_hour FROM gpu_cloud_prices WHERE provider = ? AND instance_type = ? "
        "AND region = ? AND as_of <= ? ORDER BY as_of DESC LIMIT 1",
        ["Nebius", "gpu-h200-sxm_8gpu-128vcpu-1600gb", "eu-north1", EXAMPLE_AS_OF],
    )
    assert hosted["sizing"]["gpu_hour"]["usd"] == offer["usd_per_gpu_hour"]
    assert hosted["monthly_usd"] == pytest.approx(
        3 * 730 * offer["usd_per_gpu_hour"] + 0.25 * 180_000 / 12
    )
    be = data["break_even_requests_per_month"]
    assert be == pytest.approx(hosted["monthly_usd"] / (expected_api / 1e12), abs=1)
    assert "warehouse api_prices" in data["sources"]["api.input_usd_per_mtok"]
    assert data["unsourced"] == []
    # The dump holds every value used; loading it gives the resolved scenario back.
    resolved = load_scenario(dumped)
    assert resolved.api.input_usd_per_mtok == price.input_usd_per_mtok
    assert resolved.self_hosted.gpu_spec is not None
    assert resolved == resolve(load_scenario(EXAMPLE))


def test_cli_full_report_adds_every_section(capsys):
    status, out, err = run_cli(capsys, "tco", "-f", str(EXAMPLE), "--full")
    assert status == 0, err
    for heading in (
        "Sensitivity (±20%",
        "Monte Carlo (10,000 draws",
        "Quality: open/closed",
        "Hybrid routing:",
        "Scorecard (0-5):",
        "deciding factor:",
    ):
        assert heading in out


def test_cli_unknown_key_is_one_line_naming_key_file_and_line(tmp_path, capsys):
    text = EXAMPLE_1.replace("  gpu_hour_usd: 2.00", "  gpu_hours_usd: 2.00")
    path = write(tmp_path, text)
    status, out, err = run_cli(capsys, "tco", "-f", str(path))
    assert status == 1 and out == ""
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith("error: self_hosted.gpu_hours_usd = 2.0: unknown key in ")
    assert f"{path}, line 8" in err
    assert "gpu_hour_usd" in err  # the known keys are listed


def test_cli_missing_price_on_the_date_is_an_error(tmp_path, capsys):
    path = write(
        tmp_path,
        EXAMPLE_1.replace(
            "api: {input_usd_per_mtok: 2.50, output_usd_per_mtok: 10.00}",
            "api: {provider: openai, model: gpt-4o}",
        ),
    )
    status, _, err = run_cli(capsys, "tco", "-f", str(path), "--as-of", "2020-01-01")
    assert status == 1
    assert err.startswith("error: api.model = 'gpt-4o': no price in force")
    assert "2020-01-01" in err


PARAMS = sorted((REPO / "reports" / "params").glob("*.yaml"))


@pytest.mark.parametrize("path", PARAMS, ids=[p.stem for p in PARAMS])
def test_cli_tco_takes_every_parameter_file(path, capsys):
    """``tco -f`` reads scenario files and brief parameter files (their ``scenario``)."""
    import yaml

    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    status, out, err = run_cli(capsys, "tco", "-f", str(path), "--json")
    assert status == 0, err
    report = json.loads(out)
    scenario = data.get("scenario", data)  # a brief file's scenario, or the file itself
    assert report["name"] == scenario["name"]
    as_of = data["as_of"]
    expected = date.today() if as_of == "today" else as_of  # YAML reads a date as a date
    assert report["as_of"] == expected.isoformat()
    assert report["api"]["monthly_usd"] > 0 and report["self_hosted"]["monthly_usd"] > 0


def test_cli_tco_brief_file_errors_name_the_file(tmp_path, capsys):
    text = (REPO / "reports" / "params" / "startup.yaml").read_text(encoding="utf-8")
    path = write(tmp_path, text.replace("benchmarks: [GPQA-Diamond]", "benchmark: x"))
    status, _, err = run_cli(capsys, "tco", "-f", str(path))
    assert status == 1
    assert err.startswith(f"error: {path}: unknown key 'brief.benchmark'")


# --------------------------------------------------------------------------- strict reading


def test_unknown_top_level_and_nested_keys(tmp_path):
    with pytest.raises(ScenarioError) as info:
        load_scenario(write(tmp_path, EXAMPLE_1 + "colour: blue\n"))
    assert info.value.parameter == "colour" and "line 11" in str(info.value)
    nested = EXAMPLE_1 + "scorecard:\n  requirements: {jurisdictions: EU}\n"
    with pytest.raises(ScenarioError) as info:
        load_scenario(write(tmp_path, nested))
    assert info.value.parameter == "scorecard.requirements.jurisdictions"
    assert "line 12" in str(info.value)


def test_invalid_values_are_located_in_the_file(tmp_path):
    path = write(tmp_path, EXAMPLE_1.replace("utilisation: 0.7", "utilisation: 1.5"))
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert info.value.parameter == "self_hosted.utilisation" and info.value.value == 1.5
    assert f"({path}, line 7)" in str(info.value)
    missing = write(tmp_path, EXAMPLE_1.replace("input_tokens: 1500, ", ""))
    with pytest.raises(ScenarioError) as info:
        load_scenario(missing)
    assert info.value.parameter == "workload.input_tokens"


def test_malformed_and_missing_files(tmp_path):
    with pytest.raises(ScenarioError) as info:
        load_scenario(write(tmp_path, "workload: {requests_per_month: 1\n"))
    assert "not valid YAML" in str(info.value)
    with pytest.raises(ScenarioError) as info:
        load_scenario(tmp_path / "nope.yaml")
    assert "cannot be read" in str(info.value)


def test_numbers_in_exponent_form_are_read_as_numbers():
    s = parse_scenario_text(
        EXAMPLE_1.replace("requests_per_month: 1000000", "requests_per_month: 1e6")
    )
    assert s.workload.requests_per_month == 1_000_000.0
    with pytest.raises(ScenarioError) as info:
        parse_scenario_text(EXAMPLE_1.replace("gpu_hour_usd: 2.00", "gpu_hour_usd: .nan"))
    assert info.value.parameter == "self_hosted.gpu_hour_usd"


def test_tokens_per_day_becomes_requests_per_month():
    data = {
        "workload": {"tokens_per_day": 2_000_000, "input_tokens": 1_500, "output_tokens": 500},
        "api": {"input_usd_per_mtok": 1, "output_usd_per_mtok": 1},
        "self_hosted": {"gpu_hour_usd": 1},
    }
    scenario = scenario_from_dict(data)
    # 2M tokens/day · 730/24 days/month ÷ 2,000 tokens/request
    assert scenario.workload.requests_per_month == pytest.approx(2e6 * 730 / 24 / 2_000)
    both = {**data, "workload": {**data["workload"], "requests_per_month": 5}}
    with pytest.raises(ScenarioError):
        scenario_from_dict(both)


# --------------------------------------------------------------------------- round trips


def test_dump_then_load_gives_the_same_scenario(tmp_path):
    original = load_scenario(EXAMPLE)
    assert original.monte_carlo is not None and original.routing is not None
    text = dump_scenario(original, tmp_path / "copy.yaml")
    assert parse_scenario_text(text) == original
    assert load_scenario(tmp_path / "copy.yaml") == original
    edited = replace(original, workload=replace(original.workload, requests_per_month=123_456.5))
    assert parse_scenario_text(dump_scenario(edited)) == edited


# --------------------------------------------------------------------------- lookups


def scenario(**sections) -> object:
    data = {
        "as_of": AS_OF,
        "workload": {"requests_per_month": 1_000_000, "input_tokens": 1_500, "output_tokens": 500},
        "api": {"input_usd_per_mtok": 2.5, "output_usd_per_mtok": 10.0},
        "self_hosted": {
            "throughput_tok_s": 1_000,
            "gpus_per_replica": 2,
            "gpu_hour_usd": 2.0,
            "staff_fte": 0,
        },
    }
    data.update(sections)
    return scenario_from_dict(data)


def test_cheapest_cloud_offer_is_used_when_none_is_named():
    s = resolve(
        scenario(
            self_hosted={
                "gpu": "nvidia-h100-sxm",
                "gpus_per_replica": 2,
                "throughput_tok_s": 1_000,
                "staff_fte": 0,
            }
        )
    )
    cheapest = warehouse.query(
        "SELECT min(usd_per_gpu_hour) AS p FROM gpu_cloud_prices "
        "WHERE gpu_id = 'nvidia-h100-sxm' AND as_of <= ?",
        [AS_OF],
    ).item()
    assert s.self_hosted.gpu_hour_usd == cheapest
    assert "cheapest on-demand offer" in s.sources["self_hosted.gpu_hour_usd"]
    assert s.self_hosted.cloud_offer is not None


def test_named_cloud_offer_that_does_not_exist_is_an_error():
    bad = scenario(
        self_hosted={
            "cloud_offer": "Nebius/no-such-instance/eu-north1",
            "gpus_per_replica": 2,
            "throughput_tok_s": 1_000,
            "staff_fte": 0,
        }
    )
    with pytest.raises(ScenarioError) as info:
        resolve(bad)
    assert info.value.parameter == "self_hosted.cloud_offer"


def test_bought_gpu_takes_price_and_power_from_the_warehouse_marked_as_estimates():
    s = resolve(
        scenario(
            self_hosted={
                "gpu": "nvidia-h100-sxm",
                "ownership": "buy",
                "gpus_per_replica": 2,
                "throughput_tok_s": 1_000,
                "amortisation_years": 3,
                "pue": 1.3,
                "usd_per_kwh": 0.12,
                "hosting_usd_per_gpu_month": 150,
                "staff_fte": 0,
            }
        )
    )
    row = one("SELECT purchase_price_usd, tdp_w FROM gpus WHERE gpu_id = ?", ["nvidia-h100-sxm"])
    assert s.self_hosted.capex_usd_per_gpu == row["purchase_price_usd"]
    assert s.self_hosted.power_w == row["tdp_w"]
    assert "estimate" in s.sources["self_hosted.capex_usd_per_gpu"]
    assert "estimate" in s.sources["self_hosted.power_w"]
    report = evaluate_scenario(s, lookup=False)
    assert report.tco.self_hosted.sizing.gpu_hour.ownership == "buy"


def test_self_hosting_a_closed_or_unknown_model_is_an_error():
    with pytest.raises(ScenarioError) as info:
        resolve(scenario(self_hosted={"model": "gpt-4o", "gpu_hour_usd": 1, "staff_fte": 0}))
    assert "not open-weight" in str(info.value)
    with pytest.raises(ScenarioError) as info:
        resolve(
            scenario(
                self_hosted={"model": "llama-3.3-70b-instuct", "gpu_hour_usd": 1, "staff_fte": 0}
            )
        )
    assert info.value.parameter == "self_hosted.model" and "llama-3.3-70b-instruct" in str(
        info.value
    )


def test_price_lookup_needs_a_date_and_a_price_in_force():
    no_date = scenario(api={"provider": "openai", "model": "gpt-4o"})
    with pytest.raises(ScenarioError) as info:
        resolve(replace(no_date, as_of=None))
    assert "as_of" in str(info.value)
    with pytest.raises(PriceNotFoundError) as info:
        resolve(no_date, date(2020, 1, 1))
    assert isinstance(info.value, ValueError)
    assert (info.value.parameter, info.value.value) == ("api.model", "gpt-4o")


def test_benchmark_scores_need_filters_that_pick_one_row():
    ambiguous = scenario(
        quality={
            "api_model": "gpt-4o-2024-05-13",
            "benchmarks": ["MMLU"],
            "self_hosted_scores": {"MMLU": 86.0},
        }
    )
    with pytest.raises(ScenarioError) as info:
        resolve(ambiguous)
    assert "add a filter" in str(info.value) and "reported_by" in str(info.value)
    picked = scenario(
        quality={
            "api_model": "gpt-4o-2024-05-13",
            "benchmarks": [{"benchmark": "MMLU", "reported_by": "OpenAI"}],
            "self_hosted_scores": {"MMLU": 86.0},
        }
    )
    s = resolve(picked)
    row = one(
        "SELECT score_pct FROM benchmark_scores WHERE model_id = ? AND benchmark = ? "
        "AND reported_by = ?",
        ["gpt-4o-2024-05-13", "MMLU", "OpenAI"],
    )
    assert s.quality.api_scores == {"MMLU": row["score_pct"]}
    assert "OpenAI (self-reported)" in s.sources["quality.api_scores.MMLU"]


def save_probe_run(run_id: str, model: str = "llama", hardware: str = "2x H100") -> probes.ProbeRun:
    """A stored run with two concurrency levels; the SLO (TTFT p95 <= 500 ms) holds at both."""
    t0 = datetime(2026, 11, 1, 12, tzinfo=UTC)
    requests = []
    index = 0
    for concurrency, start in ((1, 0.0), (4, 5_000.0)):
        for i in range(4):
            r = probes.RequestResult(
                index=index,
                concurrency=concurrency,
                sent_ms=start + i * 250,
                scheduled_ms=start + i * 250,
            )
            r.ok, r.ttft_ms, r.ttfat_ms, r.e2e_ms = (
                True,
                100.0 * concurrency,
                100.0 * concurrency,
                900.0,
            )
            r.end_ms = r.sent_ms + r.e2e_ms
            r.output_tokens, r.output_tokens_source = 100, "usage"
            r.tpot_ms = (r.e2e_ms - r.ttft_ms) / 99
            requests.append(r)
            index += 1
    cfg = probes.ProbeConfig(
        url="http://127.0.0.1:8080",
        model=model,
        load=probes.ConcurrencySweep(levels=(1, 4), requests=4, warmup=0),
        slo=probes.SLO(ttft_ms=500, percentile=95),
        hardware=hardware,
    )
    run = probes.ProbeRun(
        run_id=run_id,
        config=cfg,
        model=model,
        started_at=t0,
        finished_at=t0 + timedelta(seconds=10),
        client_host="test",
        server_software=None,
        input_tokens_basis="given",
        requests=requests,
    )
    probe_store.save_run(run)
    return run


def test_measured_throughput_and_latency_come_from_a_stored_probe_run():
    run = save_probe_run("20261101T120000Z-7c0a01")
    tok_s, basis = probes.to_tco_throughput(run)
    s = scenario(
        self_hosted={
            "probe_run": run.run_id,
            "gpus_per_replica": 2,
            "gpu_hour_usd": 2.0,
            "staff_fte": 0,
        },
        scorecard={"requirements": {"latency_target_ms": 800}},
    )
    report = evaluate_scenario(s)
    throughput = report.tco.self_hosted.sizing.throughput
    assert throughput.tok_s == tok_s > 0
    assert throughput.basis == basis and basis.startswith(f"probe run {run.run_id}")
    facts = report.scenario.scorecard.self_hosted
    assert (facts.latency_p95_ms, facts.latency_basis) == (400.0, "measured")
    hosted = next(o for o in report.scorecard.options if o.kind == "self_hosted")
    assert hosted.score("latency_control") == 4  # rented 2 + measured and within target 2
    with pytest.raises(ScenarioError) as info:
        resolve(
            replace(
                s,
                self_hosted=replace(
                    s.self_hosted, probe_run="20990101T000000Z-0ff0ff", throughput_tok_s=None
                ),
            )
        )
    assert info.value.parameter == "self_hosted.probe_run"


def test_full_report_is_json_safe_and_complete():
    report = evaluate_scenario(load_scenario(EXAMPLE))
    data = json.loads(json.dumps(report.to_dict(), allow_nan=False))
    assert data["monte_carlo"]["draws"] == 10_000
    assert data["tornado"]["rows"][0]["swing"] >= data["tornado"]["rows"][-1]["swing"]
    assert data["routing"]["monthly_usd"] > 0 and data["frontier"]
    assert data["scorecard"]["winner"] in {o["name"] for o in data["scorecard"]["options"]}
    assert data["quality"]["ratio"] > 0
    assert data["horizon_api_usd"] == pytest.approx(12 * data["tco"]["api"]["monthly_usd"])
    assert data["scenario"]["name"] == "Claude Sonnet 5 API vs MiniMax-M2.5 on rented H200s"


def test_probe_run_names_are_matched_to_the_model_and_gpu():
    from analysis.scenario.lookups import probe_matches

    hf = "meta-llama/Llama-3.3-70B-Instruct-FP8"
    assert probe_matches("llama-3.3-70b-instruct", "nvidia-h100-sxm", hf, "2x H100 SXM, vLLM")
    assert probe_matches("llama-3.3-70b-instruct", "nvidia-h100-sxm", "llama3.3:70b", "1x h100")
    assert not probe_matches("llama-3.3-70b-instruct", "nvidia-h200-sxm", hf, "2x H100 SXM")
    assert not probe_matches("llama-3.1-8b-instruct", "nvidia-h100-sxm", hf, "2x H100")
    assert not probe_matches("llama-3.3-70b-instruct", "nvidia-h100-sxm", "llama", "H100")


def test_a_stored_run_of_the_model_on_the_gpu_replaces_the_estimate(tmp_path, monkeypatch):
    monkeypatch.setenv("AISTRAT_PROBES", str(tmp_path / "probes"))
    run = save_probe_run(
        "20261201T120000Z-a1b2c3", "meta-llama/Llama-3.3-70B-Instruct-FP8", "2x H100 SXM"
    )
    tok_s, _ = probes.to_tco_throughput(run)
    hosted = {
        "model": "llama-3.3-70b-instruct",
        "gpu": "nvidia-h100-sxm",
        "quantisation": "fp8",
        "context_tokens": 8192,
        "concurrent_sequences": 16,
        "gpu_hour_usd": 2.0,
        "staff_fte": 0,
    }
    report = evaluate_scenario(scenario(self_hosted=hosted))
    throughput = report.tco.self_hosted.sizing.throughput
    assert report.scenario.self_hosted.probe_run == run.run_id
    assert throughput.tok_s == tok_s and not throughput.estimated
    assert "a stored run matching" in report.scenario.sources["self_hosted.throughput_tok_s"]
    # The brief's comparison: the decode model's estimate for the run's own conditions
    # (its best level's 4 sequences, 256 input / 128 output tokens, on 2 H100s).
    check = report.throughput_check
    assert check is not None and check.run_id == run.run_id and check.matches
    assert check.batch == 4 and check.gpus == 2
    assert check.error == pytest.approx(check.estimate.point / tok_s - 1)
    # Opting out keeps the estimate.
    kept = evaluate_scenario(scenario(self_hosted={**hosted, "match_probe_runs": False}))
    assert kept.tco.self_hosted.sizing.throughput.estimated
    assert kept.scenario.self_hosted.probe_run is None and kept.throughput_check is None


def test_the_scorecard_uses_the_estimated_latency_without_a_probe_run():
    s = scenario(
        self_hosted={
            "model": "llama-3.3-70b-instruct",
            "gpu": "nvidia-h100-sxm",
            "quantisation": "fp8",
            "context_tokens": 8192,
            "concurrent_sequences": 16,
            "match_probe_runs": False,
            "gpu_hour_usd": 2.0,
            "staff_fte": 0,
        },
        scorecard={"requirements": {"latency_target_ms": 800}},
    )
    report = evaluate_scenario(s)
    estimate = report.tco.self_hosted.ttft_p95_ms
    assert estimate is not None and estimate.point < 800
    hosted = next(o for o in report.scorecard.options if o.kind == "self_hosted")
    assert hosted.score("latency_control") == 3  # rented 2 + an estimate within target 1
    factor = next(f for f in hosted.scores if f.factor == "latency_control")
    assert f"estimate p95 {estimate.point:g} ms meets" in factor.fact


def test_moe_and_mla_figures_come_from_the_model_shapes_table():
    s = resolve(
        scenario(
            self_hosted={
                "model": "deepseek-v3",
                "gpu": "nvidia-h200-sxm",
                "quantisation": "fp8",
                "gpus_per_replica": 8,
                "context_tokens": 8192,
                "concurrent_sequences": 64,
                "match_probe_runs": False,
                "gpu_hour_usd": 3.5,
                "staff_fte": 0,
            }
        )
    )
    spec = s.self_hosted.model_spec
    shape = warehouse.query(
        "SELECT * FROM model_shapes WHERE model_id = 'deepseek-v3'", []
    ).to_dicts()[0]
    assert (spec.experts, spec.experts_per_token) == (
        shape["routed_experts"],
        shape["experts_per_token"],
    )
    assert (spec.kv_lora_rank, spec.qk_rope_head_dim) == (512, 64) and spec.is_mla
    assert "model_shapes" in s.sources["self_hosted.model_spec"]
    assert s.self_hosted.gpu_spec.fp8_dense_tflops is not None
    plan = evaluate_scenario(s, lookup=False).tco.self_hosted.sizing.throughput.plan
    # 64 sequences route to 256·(1 − (1 − 8/256)^64) = 222.4 experts per layer.
    assert plan.step.experts_read == pytest.approx(256 * (1 - (248 / 256) ** 64))
    gpt_oss = resolve(
        scenario(
            self_hosted={
                "model": "gpt-oss-120b",
                "gpu": "nvidia-h100-sxm",
                "throughput_tok_s": 1_000,
                "gpus_per_replica": 2,
                "match_probe_runs": False,
                "gpu_hour_usd": 2.0,
                "staff_fte": 0,
            }
        )
    ).self_hosted.model_spec
    assert (gpt_oss.layers, gpt_oss.kv_layers) == (36, 18)  # half the layers slide a window
