"""Panel behaviour in Python: a control moves, the KPIs and chart specs follow.

Real parts throughout: the warehouse built from ``datasets/`` into the test
session's temporary folder, the real cost model, the brief's sections and the
chart builders. Widgets run without a front end: setting ``control.value`` is
what the browser does when a slider moves.
"""

from __future__ import annotations

import re
from datetime import date

import pytest

from analysis.errors import ScenarioError, ToolkitError
from analysis.memo import number
from widgets.base import VEGALITE_MIME, Panel, View, chart_bundle
from widgets.cards import Card, cards_html, message_html


def kpi_values(panel: Panel) -> dict[str, str]:
    """KPI label -> displayed value, read back from the panel's HTML."""
    pairs = re.findall(
        r'class="kpi-label">([^<]*)</div><div class="kpi-value">([^<]*)</div>', panel.kpis.value
    )
    return {label: value for label, value in pairs}


def kpi(panel: Panel, prefix: str) -> str:
    values = kpi_values(panel)
    matches = [v for k, v in values.items() if k.startswith(prefix)]
    assert len(matches) == 1, f"one KPI starting {prefix!r} expected in {values}"
    return matches[0]


def layer_values(spec: dict, field: str) -> list:
    """Every value of ``field`` in a spec's data (named datasets and inline values)."""
    tables = list(spec.get("datasets", {}).values())
    tables += [layer.get("data", {}).get("values", []) for layer in spec.get("layer", [spec])]
    return [row[field] for rows in tables for row in rows if field in row]


# --------------------------------------------------------------------------- framework


def test_cards_escape_data_text():
    html = cards_html([Card("<script>alert(1)</script>", "$1 & 2", "<img src=x onerror=y>")])
    assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "$1 &amp; 2" in html
    assert "&lt;img src=x onerror=y&gt;" in html


def test_message_keeps_lines_and_escapes():
    html = message_html("first <b>line</b>\nsecond")
    assert "first &lt;b&gt;line&lt;/b&gt;<br>second" in html
    assert message_html("") == ""


def test_chart_bundle_is_vega_lite_without_schema():
    bundle = chart_bundle({"$schema": "https://x/v6.json", "mark": "bar", "title": {"text": "T"}})
    assert bundle[VEGALITE_MIME] == {"mark": "bar", "title": {"text": "T"}}
    assert bundle["text/plain"] == "<chart: T>"


class _Broken(Panel):
    """A panel whose computation fails the way the test asks."""

    chart_names = ("c",)

    def __init__(self, error: Exception | None):
        import ipywidgets as W

        super().__init__()
        self.error = error
        self.knob = W.IntSlider(value=1)
        self._finish([self.knob])

    def controls(self):
        return self.knob

    def read_state(self):
        return self.knob.value

    def compute(self, state):
        if self.error is not None and state > 1:
            raise self.error
        return View(cards=[Card("n", str(state))], charts={"c": {"mark": "bar", "n": state}})


def test_toolkit_error_is_shown_as_its_message_and_clears_stale_numbers():
    panel = _Broken(ScenarioError("workload.requests_per_month", -1, "must be > 0"))
    assert kpi(panel, "n") == "1" and panel.chart_specs["c"]["n"] == 1
    panel.knob.value = 2
    assert "workload.requests_per_month = -1: must be &gt; 0" in panel.message.value
    assert panel.kpis.value == "" and panel.chart_specs == {}
    assert panel.charts["c"].outputs == ()
    assert panel.state == 1  # the last valid state is kept
    panel.error = None
    panel.knob.value = 3
    assert panel.message.value == "" and kpi(panel, "n") == "3"


def test_unexpected_error_is_one_line_without_traceback():
    panel = _Broken(KeyError("boom"))
    panel.knob.value = 5
    text = panel.message.value
    assert "Unexpected problem (KeyError: &#x27;boom&#x27;)" in text
    assert "Traceback" not in text and "File " not in text


def test_start_page_says_how_current_each_table_is():
    from widgets.start import overview_html

    def summary(today: date) -> dict:
        table = {"rows": 10, "as_of_column": "source_date", "as_of_min": date(2025, 1, 2)}
        return {
            "today": today,
            "built_at": "2026-12-04 10:00",
            "tables": {
                "benchmark_scores": {
                    **table,
                    "as_of_max": date(2026, 7, 1),
                    "data_through": date(2026, 7, 1),
                },
                "gpus": {"rows": 3, "as_of_column": None},
            },
        }

    fresh = overview_html(summary(date(2026, 8, 1)))  # 31 days after the newest score
    assert "data through 2026-07-01 on 2026-08-01" in fresh
    assert "panel-message kind-note" not in fresh
    stale = overview_html(summary(date(2026, 12, 1)))  # 153 days after it
    assert "panel-message kind-note" in stale
    assert "The newest benchmark data behind the toolkit&#x27;s comparisons is from 2026-07-01" in (
        stale
    )


# --------------------------------------------------------------------------- TCO explorer


@pytest.fixture()
def tco():
    from widgets.tco import TCOExplorer

    panel = TCOExplorer()
    assert panel.message.value == "", panel.message.value
    return panel


def test_tco_opens_with_kpis_and_three_charts(tco):
    values = kpi_values(tco)
    assert len(values) == 6  # the two bills, saving, break-even, cheaper option, energy
    energy = tco.report.tco.self_hosted.energy
    assert kpi(tco, "Energy, kWh") == f"{energy.kwh_per_mtok:,.2f}"
    assert set(tco.chart_specs) == {"comparison", "break_even", "tornado"}
    report = tco.report
    api_usd = report.tco.api.monthly_usd
    assert kpi(tco, "API ·").replace("$", "").replace(",", "") == f"{api_usd:.0f}"
    # The comparison chart's bars add up to each option's bill.
    totals = layer_values(tco.chart_specs["comparison"], "monthly_usd")
    assert any(abs(v - api_usd) < 0.01 for v in totals)
    # What the notebook front end receives is the same spec under JupyterLab's MIME type.
    shown = tco.charts["comparison"].outputs[0]["data"][VEGALITE_MIME]
    assert shown["layer"] == tco.chart_specs["comparison"]["layer"]


def test_raising_volume_past_break_even_flips_the_cheaper_option(tco):
    be = tco.report.tco.break_even.requests_per_month
    assert be is not None
    tco.volume.value = be / 3
    assert kpi(tco, "Cheaper option") == "API"
    below = tco.chart_specs["comparison"]
    api_below = tco.report.tco.api.monthly_usd
    # Past the break-even but before the next replica (1.018M requests a month at the
    # decode model's 554 tok/s per replica), self-hosting is the cheaper option.
    nxt = tco.report.tco.self_hosted.next_replica_at_requests_per_month
    assert be * 1.05 < nxt
    tco.volume.value = be * 1.05
    assert kpi(tco, "Cheaper option") == "Self-hosted"
    assert tco.report.tco.api.monthly_usd == pytest.approx(api_below * 3.15)
    assert tco.chart_specs["comparison"] != below
    # The break-even rule sits at the break-even volume on the curve.
    assert be in layer_values(tco.chart_specs["break_even"], "x")
    assert tco.state.workload.requests_per_month == pytest.approx(be * 1.05)
    assert tco.state.sources["workload.requests_per_month"].startswith("assumption: set in")


def test_buying_gpus_changes_the_bill_and_records_estimates(tco):
    tco.gpu.value = "nvidia-h100-sxm"  # the GPU the warehouse has a purchase price for
    rented = tco.report.tco.self_hosted.monthly_usd
    tco.ownership.value = "buy"
    assert tco.message.value == ""
    sizing = tco.report.tco.self_hosted.sizing
    assert sizing.gpu_hour.ownership == "buy"
    assert tco.report.tco.self_hosted.monthly_usd != rented
    assert "Uptime Institute" in tco.state.sources["self_hosted.pue"]
    power = tco.report.tco.self_hosted.monthly_usd
    tco.power_price.value = tco.power_price.value * 2
    assert tco.report.tco.self_hosted.monthly_usd > power
    assert tco.state.sources["self_hosted.usd_per_kwh"].startswith("assumption: set in")


def test_a_model_that_does_not_fit_is_a_message_not_a_traceback(tco):
    tco.quantisation.value = "bf16"
    tco.gpu.value = "nvidia-t4"  # 8 × 16 GB cannot hold 230B parameters, even at int4
    text = tco.message.value
    # 230B at half a byte = 115.0 GB; KV 2·62·8·128·2 bytes·8192·16 = 33.3 GB; + 10% = 163.1 GB.
    assert (
        "it needs 163.1 GB (weights 115.0 + KV cache 33.3 + overhead 14.8) "
        "but 8 × nvidia-t4 hold 128 GB" in text
    ), text
    assert "Traceback" not in text
    assert tco.kpis.value == "" and tco.chart_specs == {}
    tco.gpu.value = "nvidia-h200-sxm"
    assert tco.message.value == "" and len(kpi_values(tco)) == 6


def test_price_date_before_any_price_names_the_date(tco):
    tco.as_of.value = date(2000, 1, 3)
    assert "2000-01-03" in tco.message.value
    assert tco.kpis.value == ""


def test_changing_the_api_model_looks_up_its_price(tco):
    before = tco.report.tco.api.monthly_usd
    target = next(v for _, v in tco.api_model.options if v != tco.api_model.value)
    tco.api_model.value = target
    assert tco.message.value == ""
    assert tco.state.api.provider == target[0] and tco.state.api.model == target[1]
    assert tco.report.scenario.api.input_usd_per_mtok is not None
    assert tco.report.tco.api.monthly_usd != before


def test_looked_up_rent_is_shown_in_its_control_with_its_source(tco):
    from analysis import warehouse

    # The example scenario names a cloud offer and no rent: the warehouse supplies it.
    assert tco.base.self_hosted.gpu_hour_usd is None
    offer = warehouse.query(
        "SELECT usd_per_gpu_hour, as_of FROM gpu_cloud_prices WHERE provider = ? "
        "AND instance_type = ? AND region = ? AND as_of <= ? ORDER BY as_of DESC LIMIT 1",
        ["Nebius", "gpu-h200-sxm_8gpu-128vcpu-1600gb", "eu-north1", tco.as_of.value],
    ).to_dicts()[0]
    assert tco.gpu_hour.value == offer["usd_per_gpu_hour"] > 0
    assert tco.report.tco.self_hosted.sizing.gpu_hour.usd == tco.gpu_hour.value
    source = tco.report.scenario.sources["self_hosted.gpu_hour_usd"]
    assert "gpu_cloud_prices" in source and "Nebius" in source
    assert tco.gpu_hour.tooltip == source
    below = tco.input_notes["gpu_hour"].value
    assert f"${offer['usd_per_gpu_hour']:,.2f} a GPU-hour, looked up" in below
    assert f"as of {offer['as_of']}" in below
    # The value shown is the lookup's, not the user's: the state still looks it up ...
    assert tco.state.self_hosted.gpu_hour_usd is None
    # ... a typed rent replaces it, with the panel as its source ...
    tco.gpu_hour.value = 4.0
    assert tco.report.tco.self_hosted.sizing.gpu_hour.usd == 4.0
    assert tco.state.sources["self_hosted.gpu_hour_usd"].startswith("assumption: set in")
    assert "looked up" not in tco.input_notes["gpu_hour"].value
    # ... and 0 asks for the looked-up rent again.
    tco.gpu_hour.value = 0
    assert tco.gpu_hour.value == offer["usd_per_gpu_hour"]
    # Buying: the purchase price is looked up and shown the same way; the rent is not used.
    tco.gpu.value = "nvidia-h100-sxm"  # the GPU the warehouse has a purchase price for
    tco.ownership.value = "buy"
    price = tco.report.scenario.self_hosted.capex_usd_per_gpu
    assert price is not None and tco.capex.value == price
    assert "purchase_price_usd" in tco.capex.tooltip
    assert "looked up" in tco.input_notes["capex"].value
    assert "not used" in tco.input_notes["gpu_hour"].value
    # Every input carries the source of its value on hover.
    assert "Uptime Institute" in tco.pue.tooltip
    assert tco.throughput.tooltip.startswith("decode estimate")
    assert "output tok/s per replica" in tco.input_notes["throughput"].value
    # The estimate is shown as a range with what bound it, and the energy beside the bills.
    throughput = tco.report.tco.self_hosted.sizing.throughput
    low, high = number(throughput.range.low), number(throughput.range.high)
    assert f"({low}–{high}) output tok/s" in tco.input_notes["throughput"].value
    assert f"bound by {throughput.limit}" in tco.throughput.tooltip
    assert "kWh per million output tokens" in tco.blocks["notes"].value
    assert any(c.label.startswith("Energy, kWh per 1M") for c in tco.view.cards)


def test_panel_says_when_its_date_is_past_the_data(tco):
    from datetime import timedelta

    from analysis import warehouse

    assert tco.notice.value == ""  # the example's date is close to the data
    caption = tco.chart_specs["comparison"]["title"]["subtitle"]
    assert any(line.startswith("Data through: API prices ") for line in caption)
    through = warehouse.data_through(None)
    data_end = max(through["benchmark_scores"], through["eci_scores"])
    tco.as_of.value = data_end + timedelta(days=365)
    assert tco.message.value == "", tco.message.value
    assert "The newest benchmark data behind this panel is from" in tco.notice.value
    assert f"{data_end.isoformat()}, 365 days before its date" in tco.notice.value
    tco.as_of.value = data_end + timedelta(days=30)
    assert tco.notice.value == ""


def test_measured_throughput_is_used_and_recorded(tco):
    tco.use_measured_throughput(123.5, "probe run r1 (tiny server, p95 TTFT <= 1 s)")
    assert tco.throughput.value == "measured"
    sizing = tco.report.tco.self_hosted.sizing
    assert sizing.throughput.tok_s == 123.5
    assert tco.state.sources["self_hosted.throughput_tok_s"].startswith("measured: probe run r1")
    notes = tco.blocks["notes"].value
    assert "124 tokens a second (probe run r1" in notes
    # The decode model's estimate stays beside the measurement that replaced it.
    assert "the decode model estimates" in notes
    assert sizing.throughput.plan is not None and not sizing.throughput.estimated
    with pytest.raises(ScenarioError):
        tco.use_measured_throughput(float("nan"), "x")


def test_tco_state_round_trips_through_yaml(tco, tmp_path):
    from analysis.scenario import load_scenario
    from widgets.tco import TCOExplorer

    tco.volume.value = 2_500_000
    tco.output_tokens.value = 777
    tco.gpu.value = "nvidia-h100-sxm"
    tco.ownership.value = "buy"
    tco.staff_fte.value = 1.5
    path = tco.save(tmp_path / "panel.yaml")
    saved = load_scenario(path)  # the file is a scenario the CLI and a brief read
    assert saved == tco.state
    fresh = TCOExplorer(path)
    assert fresh.read_state() == tco.state
    assert fresh.volume.value == pytest.approx(2_500_000)
    assert fresh.output_tokens.value == 777 and fresh.ownership.value == "buy"
    assert kpi_values(fresh) == kpi_values(tco)
    # load() on an open panel sets its controls too.
    other = TCOExplorer()
    assert other.load(path) == tco.state
    assert other.staff_fte.value == 1.5 and kpi_values(other) == kpi_values(tco)


def test_tco_load_rejects_an_unknown_key(tco, tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(
        "workload: {requests_per_month: 1, input_tokens: 1, output_tokens: 1}\n"
        "api: {model: gpt-4o}\nself_hosted: {model: x}\nbogus: 1\n"
    )
    with pytest.raises(ToolkitError, match="bogus"):
        tco.load(path)


# --------------------------------------------------------------------------- state files


def test_dataclass_state_is_strict():
    from widgets.gap import GapView
    from widgets.state import from_mapping, to_mapping

    view = GapView("GPQA-Diamond", "vendor", date(2024, 1, 1), date(2025, 6, 30), "best")
    data = to_mapping(view)
    assert data == {
        "benchmark": "GPQA-Diamond",
        "source": "vendor",
        "start": "2024-01-01",
        "end": "2025-06-30",
        "setting": "best",
        "method": None,
    }
    assert from_mapping(GapView, data) == view
    with pytest.raises(ScenarioError, match="unknown setting"):
        from_mapping(GapView, {**data, "colour": "red"}, where="g.yaml")
    with pytest.raises(ScenarioError, match="expected a date"):
        from_mapping(GapView, {**data, "end": "June"}, where="g.yaml")
    with pytest.raises(ScenarioError, match="missing"):
        from_mapping(GapView, {"benchmark": "x"}, where="g.yaml")
    with pytest.raises(ScenarioError, match="is after end"):
        from_mapping(GapView, {**data, "start": "2026-01-01"})


# --------------------------------------------------------------------------- scorecard


@pytest.fixture()
def scorecard():
    from widgets.scorecard import ScorecardPanel

    panel = ScorecardPanel()
    assert panel.message.value == "", panel.message.value
    return panel


def test_scorecard_weights_move_the_ranking_and_the_deciding_factor(scorecard):
    from analysis.scorecard import FACTORS

    spec_before = scorecard.chart_specs["scorecard"]
    with scorecard.holding():
        for factor in FACTORS:
            scorecard.weights[factor].value = 0
        scorecard.weights["customization_depth"].value = 1
    assert kpi(scorecard, "Deciding factor") == "Customisation depth"
    assert scorecard.scorecard.deciding_factor == "customization_depth"
    margin_one = scorecard.scorecard.margin
    scorecard.weights["latency_control"].value = 4
    assert scorecard.scorecard.weights.latency_control == 4
    assert scorecard.scorecard.margin != margin_one
    assert kpi(scorecard, "Margin") == f"{scorecard.scorecard.margin:.2f}"
    assert scorecard.chart_specs["scorecard"] != spec_before
    assert "Why each score" in scorecard.blocks["details"].value


def test_scorecard_all_weights_zero_is_a_message(scorecard):
    with scorecard.holding():
        for slider in scorecard.weights.values():
            slider.value = 0
    assert "at least one must be &gt; 0" in scorecard.message.value
    assert scorecard.kpis.value == ""


def test_scorecard_state_round_trips(scorecard, tmp_path):
    from analysis.scenario import load_scenario
    from widgets.scorecard import ScorecardPanel

    scorecard.weights["latency_control"].value = 3.5
    path = scorecard.save(tmp_path / "card.yaml")
    assert load_scenario(path).scorecard.weights.latency_control == 3.5
    fresh = ScorecardPanel(path)
    assert fresh.read_state() == scorecard.read_state()
    assert kpi_values(fresh) == kpi_values(scorecard)


# --------------------------------------------------------------------------- hybrid


@pytest.fixture()
def hybrid():
    from widgets.hybrid import HybridDesigner

    panel = HybridDesigner()
    assert panel.message.value == "", panel.message.value
    return panel


def test_hybrid_floor_trades_cost_for_quality(hybrid):
    stated = hybrid.result
    hybrid.quality_floor.value = 0.5
    relaxed = hybrid.result
    assert relaxed.monthly_usd <= stated.monthly_usd
    assert relaxed.quality <= stated.quality
    assert relaxed.floor_factor == 0.5
    pareto = hybrid.chart_specs["pareto"]
    assert len(layer_values(pareto, "monthly_usd")) == len(hybrid.frontier) + 1
    here = [r for r in layer_values(pareto, "kind") if r == "At this floor"]
    assert len(here) == 1


def test_hybrid_floor_above_every_score_names_the_class(hybrid):
    hybrid.quality_floor.value = 1.2
    text = hybrid.message.value
    assert "needs" in text and "the best is" in text
    assert hybrid.kpis.value == ""


def test_hybrid_table_edits_and_rows(hybrid):
    first = hybrid.rows[0]
    first["share"].value = first["share"].value - 0.1
    assert "must sum to 1" in hybrid.message.value
    hybrid.add_row.click()
    assert len(hybrid.rows) == len(hybrid.base.routing.classes) + 1
    assert "share" in hybrid.message.value  # the new class has no share yet
    hybrid.rows[-1]["share"].value = 0.1
    assert hybrid.message.value == ""
    assert [c.name for c in hybrid.result.classes][-1] == hybrid.rows[-1]["name"].value
    assert len(layer_values(hybrid.chart_specs["split"], "task_class")) == len(hybrid.rows)
    hybrid.rows[-1]["remove"].click()
    assert "must sum to 1" in hybrid.message.value


def test_hybrid_state_round_trips(hybrid, tmp_path):
    from widgets.hybrid import HybridDesigner

    hybrid.quality_floor.value = 0.9
    hybrid.rows[0]["required_score"].value = 70
    path = hybrid.save(tmp_path / "hybrid.yaml")
    fresh = HybridDesigner()
    state = fresh.load(path)
    assert state == hybrid.read_state()
    assert fresh.quality_floor.value == 0.9
    assert fresh.rows[0]["required_score"].value == 70
    assert kpi_values(fresh) == kpi_values(hybrid)
    # The scenario inside is the one a brief takes.
    assert state.scenario.routing.classes[0].required_score == 70


# --------------------------------------------------------------------------- gap


@pytest.fixture()
def gap_panel():
    from widgets.gap import GapExplorer

    panel = GapExplorer(end=date(2025, 11, 30))
    assert panel.message.value == "", panel.message.value
    return panel


def test_gap_range_start_trims_the_chart_and_end_moves_the_analysis(gap_panel):
    models_all = layer_values(gap_panel.chart_specs["frontier"], "model")
    dates = [v for _, v in gap_panel.dates.options]
    gap_panel.dates.value = (date(2025, 1, 1), gap_panel.dates.value[1])
    assert len(layer_values(gap_panel.chart_specs["frontier"], "model")) < len(models_all)
    lag_late = gap_panel.result.lag_months
    gap_panel.dates.value = (date(2023, 1, 1), date(2024, 12, 1))
    assert gap_panel.result.selection.as_of is not None
    assert str(gap_panel.result.selection.as_of)[:10] == "2024-12-01"
    assert gap_panel.result.lag_months != lag_late
    assert dates[-1] == date(2025, 11, 30)
    assert "Published claims consistent now" in kpi_values(gap_panel)
    assert "<table" in gap_panel.blocks["claims"].value


def test_gap_end_move_measures_one_gap_and_the_claims_reuse_it(gap_panel, monkeypatch):
    from analysis.gap import frontiers as gap

    measured = []
    real = gap.gap_from_selection

    def counting(*args, **kwargs):
        measured.append(args[0].as_of)
        return real(*args, **kwargs)

    monkeypatch.setattr(gap, "gap_from_selection", counting)
    gap_panel.dates.value = (date(2023, 1, 1), date(2025, 3, 1))
    assert gap_panel.message.value == ""
    # One new gap (the panel's, as of the new end); the claim check reuses it, and the
    # gaps as of the claims' own dates are kept from the first showing.
    assert [str(d)[:10] for d in measured] == ["2025-03-01"]
    assert "Published claims consistent now" in kpi_values(gap_panel)
    measured.clear()
    gap_panel.dates.value = (date(2024, 1, 1), date(2025, 3, 1))  # the start only trims
    assert measured == []


def test_gap_settings_problem_is_a_message_then_best_run_works(gap_panel):
    gap_panel.source.value = "vendor"
    assert "settings" in gap_panel.message.value and "Traceback" not in gap_panel.message.value
    gap_panel.setting.value = "best"
    assert gap_panel.message.value == ""
    assert gap_panel.result.selection.source == "vendor"


def test_gap_state_round_trips(gap_panel, tmp_path):
    from widgets.gap import GapExplorer

    gap_panel.benchmark.value = "arena"
    gap_panel.dates.value = (date(2024, 3, 1), date(2025, 6, 1))
    path = gap_panel.save(tmp_path / "gap.yaml")
    fresh = GapExplorer(end=date(2025, 11, 30))
    assert fresh.load(path) == gap_panel.read_state()
    assert fresh.benchmark.value == "arena"
    assert kpi_values(fresh) == kpi_values(gap_panel)


# --------------------------------------------------------------------------- probe runner


def test_probe_levels_text():
    from analysis.errors import ProbeConfigError
    from widgets.probe import parse_levels

    assert parse_levels("1, 2 4") == (1, 2, 4)
    with pytest.raises(ProbeConfigError, match="whole numbers"):
        parse_levels("1, two")


@pytest.mark.slow
def test_probe_runner_against_the_tiny_server_feeds_the_tco(tiny_server, tco, tmp_path):
    from analysis.probes import store as probe_store
    from widgets.probe import ProbeRunner, ProbeSettings

    runner = ProbeRunner(url=tiny_server.url, tco=tco)
    assert runner.fetch_models() == [tiny_server.model]
    assert (tiny_server.model, tiny_server.model) in runner.model.options
    runner.concurrency.value = "1, 2"
    runner.requests.value = 4
    runner.input_tokens.value = 32
    runner.output_tokens.value = 16
    runner.run(wait=True)
    assert runner.error == ""
    assert runner.run_id in probe_store.list_runs()["run_id"].to_list()
    assert runner.progress.value == runner.progress.max == 2 * (1 + 4)  # warm-up + measured
    assert set(runner.chart_specs) == {"throughput", "latency"}
    assert kpi(runner, "Requests measured") == "8"
    assert "c=2" in runner.blocks["levels"].value
    tok_s = runner.use_in_tco()
    assert tok_s is not None and tok_s > 0
    assert tco.throughput.value == "measured"
    assert tco.report.tco.self_hosted.sizing.throughput.tok_s == pytest.approx(tok_s)
    assert runner.run_id in tco.state.sources["self_hosted.throughput_tok_s"]
    # The settings round-trip through YAML.
    path = runner.save(tmp_path / "probe.yaml")
    assert ProbeRunner(url="http://127.0.0.1:1").load(path) == runner.read_state()
    assert runner.read_state() == ProbeSettings(
        url=tiny_server.url,
        model=tiny_server.model,
        concurrency=(1, 2),
        requests=4,
        input_tokens=32,
        output_tokens=16,
    )


def test_probe_runner_unreachable_server_is_a_message(tmp_path):
    from widgets.probe import ProbeRunner

    runner = ProbeRunner(url="http://127.0.0.1:9")  # nothing listens on the discard port
    assert runner.fetch_models() == []
    assert "connection refused" in runner.status.value
    runner.run(wait=True)
    assert "127.0.0.1:9" in runner.error and "Traceback" not in runner.status.value
    assert runner.run_result is None and runner.use_in_tco() is None
