"""Chart builders: every one is built, validated against Altair's Vega-Lite schema,
checked through its spec (marks, fields, types, tooltips, caption, inline data) and
rendered to SVG with vl-convert."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import altair as alt
import numpy as np
import pandas as pd
import polars as pl
import pytest
import vl_convert as vlc
from altair.utils.schemapi import validate_jsonschema
from altair.vegalite.v6.schema.core import load_schema

from analysis import charts, gap
from analysis.errors import ChartError

SOURCE = "Test source"
AS_OF = "2026-01-15"
LONG_OPTION = "API (GPT-4o (API alias, snapshot unspecified))"


def _frontier_rows() -> pd.DataFrame:
    rows = pd.DataFrame(
        {
            "model_id": ["c1", "o1", "c2", "o2", "c3", "o3"],
            "model": ["Closed A", "Open A", "Closed B", "Open B", "Closed C", "Open C"],
            "open_weights": [False, True, False, True, False, True],
            "release_date": pd.to_datetime(
                ["2023-03-14", "2023-07-18", "2024-01-10", "2024-04-18", "2024-09-12", "2025-01-20"]
            ),
            "score": [50.0, 40.0, 62.0, 55.0, 78.0, 72.0],
            "setting": "default",
        }
    )
    return gap.frontier(rows)


def _inputs() -> dict[str, tuple[Callable[..., Any], pd.DataFrame, dict[str, Any]]]:
    rng = np.random.default_rng(7)
    rows = _frontier_rows()[["model_id", "model", "open_weights", "score"]]
    prices = rows[["model_id"]].assign(blended_usd_per_mtok=[10.0, 0.9, 5.0, 0.6, 3.5, 2.2])
    return {
        "frontier": (charts.frontier, _frontier_rows(), {"score_title": "Test accuracy (%)"}),
        "lag_bars": (
            charts.lag_bars,
            pd.DataFrame(
                {
                    "benchmark": ["Bench A", "Bench B", "Bench C"],
                    "lag_months": [4.4, 9.1, None],
                    "ci_low": [3.1, None, None],
                    "ci_high": [6.2, None, None],
                    "best_open": ["Open A", "Open B", None],
                    "best_closed": ["Closed A", "Closed B", None],
                }
            ),
            {},
        ),
        "quality_price": (charts.quality_price, gap.quality_price_table(rows, prices), {}),
        "price_trend": (
            charts.price_trend,
            pd.DataFrame(
                {
                    "group": ["All", "All", "Closed", "Open weights", "All"],
                    "date": ["2024-01-01", "2024-06-01", "2024-01-01", "2024-06-01", "2025-01-01"],
                    "usd_per_mtok": [10.0, 0.6, 10.0, 0.6, 0.6],
                    "model": ["Closed B", "Open B", "Closed B", "Open B", "Open B"],
                    "provider": ["acme", "hostco", "acme", "hostco", "hostco"],
                }
            ),
            {},
        ),
        "arena_gap": (
            charts.arena_gap,
            pd.DataFrame(
                {
                    "snapshot_date": ["2024-05-31", "2024-06-30"],
                    "gap_points": [100.0, 50.0],
                    "best_open_model": ["Open A", "Open B"],
                    "best_closed_model": ["Closed A", "Closed B"],
                }
            ),
            {},
        ),
        "gap_over_time": (
            charts.gap_over_time,
            pd.DataFrame(
                {
                    "month": ["2026-01-31", "2026-02-28", "2026-03-31"] * 2,
                    "figure": ["points"] * 3 + ["lag_months"] * 3,
                    "value": [9.0, 8.5, 8.1, 7.9, 6.5, 5.9],
                    "ci_low": [7.5, 7.0, 6.8, 5.2, 4.9, 4.2],
                    "ci_high": [10.2, 9.9, 9.7, 11.0, 9.8, 8.8],
                    "unit": ["ECI points"] * 3 + ["months"] * 3,
                }
            ),
            {},
        ),
        "tco_comparison": (
            charts.tco_comparison,
            pd.DataFrame(
                {
                    "option": ["API", "API", "Self-host", "Self-host", "Self-host"],
                    "component": ["Tokens", "Staff", "GPU rental", "Staff", "Power"],
                    "monthly_usd": [5200.0, 800.0, 3100.0, 1900.0, 240.0],
                }
            ),
            {},
        ),
        "break_even_curve": (
            charts.break_even_curve,
            pd.DataFrame(
                {
                    "requests_per_month": [1e5, 1e6, 1e7] * 2,
                    "option": ["API"] * 3 + ["Self-host"] * 3,
                    "monthly_usd": [120.0, 1200.0, 12000.0, 3000.0, 3300.0, 6000.0],
                }
            ),
            {"break_even": 2.6e6},
        ),
        "tornado": (
            charts.tornado,
            pd.DataFrame(
                {
                    "parameter": ["GPU price", "Utilisation", "Tokens per request"],
                    "low_result": [4100.0, 6400.0, 4700.0],
                    "high_result": [5900.0, 3600.0, 5200.0],
                    "base": 5000.0,
                    "low_label": ["$2.0/h", "30%", "500"],
                    "high_label": ["$3.0/h", "80%", "1500"],
                }
            ),
            {},
        ),
        "monte_carlo": (
            charts.monte_carlo,
            pd.DataFrame(
                {
                    "option": ["API"] * 2000 + ["Self-host"] * 2000,
                    "monthly_usd": np.r_[
                        rng.lognormal(8.0, 0.3, 2000), rng.lognormal(8.2, 0.2, 2000)
                    ],
                }
            ),
            {},
        ),
        "hybrid_split": (
            charts.hybrid_split,
            pd.DataFrame(
                {
                    "task_class": ["Chat", "Chat", "Code", "Code"],
                    "option": ["Open model", "Closed API", "Open model", "Closed API"],
                    "share": [0.8, 0.2, 0.3, 0.7],
                    "monthly_usd": [900.0, 600.0, 400.0, 2100.0],
                }
            ),
            {},
        ),
        "hybrid_pareto": (
            charts.hybrid_pareto,
            pd.DataFrame(
                {
                    "monthly_usd": [5200.0, 3100.0, 1800.0, 2600.0],
                    "quality": [82.0, 78.5, 61.0, 74.0],
                    "current": [False, False, False, True],
                    "floor": [1.2, 1.0, 0.6, 0.9],
                    "routing": [
                        "Chat → Closed API; Code → Closed API",
                        "Chat → Open model; Code → Closed API",
                        "Chat → Open model; Code → Open model",
                        "Chat → Open model; Code → Closed API",
                    ],
                }
            ),
            {},
        ),
        "scorecard": (
            charts.scorecard,
            pd.DataFrame(
                {
                    "factor": ["Cost", "Cost", "Quality", "Quality", "Control", "Control"],
                    "option": [LONG_OPTION, "Self-host"] * 3,
                    "score": [2.0, 4.0, 5.0, 3.0, 2.0, 5.0],
                    "weight": [3.0, 3.0, 4.0, 4.0, 2.0, 2.0],
                }
            ),
            {},
        ),
        "horizon_paths": (
            charts.horizon_paths,
            pd.DataFrame(
                {
                    "month": [1, 2, 3] * 2,
                    "plan": ["API: GPT-4o"] * 3 + ["Self-hosted (bought GPUs)"] * 3,
                    "cumulative_usd": [8750.0, 17500.0, 26250.0, 64109.0, 68219.0, 72328.0],
                }
            ),
            {
                "bands": pd.DataFrame(
                    {
                        "month": [1, 2, 3],
                        "plan": ["API: GPT-4o"] * 3,
                        "p10_usd": [8000.0, 15000.0, 21000.0],
                        "p90_usd": [8750.0, 17500.0, 26250.0],
                    }
                ),
                "crossover_month": 3,
            },
        ),
        "probe_latency": (
            charts.probe_latency,
            pd.DataFrame(
                {
                    "concurrency": [1, 2, 4, 8] * 2,
                    "metric": ["Time to first token"] * 4 + ["Total response time"] * 4,
                    "p50": [50.0, 60.0, 90.0, 150.0, 500.0, 600.0, 900.0, 1500.0],
                    "p90": [60.0, 80.0, 120.0, 200.0, 600.0, 700.0, 1000.0, 1900.0],
                    "p99": [80.0, 100.0, 160.0, 300.0, 700.0, 900.0, 1300.0, 2500.0],
                }
            ),
            {},
        ),
        "probe_throughput": (
            charts.probe_throughput,
            pd.DataFrame(
                {"concurrency": [1, 2, 4, 8], "output_tokens_per_s": [21.0, 39.5, 61.2, 74.8]}
            ),
            {},
        ),
    }


# What each builder must draw: marks, and (field, type) pairs its encodings must use.
EXPECT: dict[str, tuple[set[str], set[tuple[str, str]]]] = {
    "frontier": (
        {"area", "line", "point"},
        {("release_date", "temporal"), ("score", "quantitative"), ("open_best", "quantitative")},
    ),
    "lag_bars": (
        {"bar", "text", "rule"},
        {("lag_months", "quantitative"), ("benchmark", "nominal")},
    ),
    "quality_price": (
        {"line", "point", "text"},
        {("blended_usd_per_mtok", "quantitative"), ("score", "quantitative"), ("group", "nominal")},
    ),
    "price_trend": ({"line", "point"}, {("date", "temporal"), ("usd_per_mtok", "quantitative")}),
    "arena_gap": ({"bar"}, {("snapshot_date", "ordinal"), ("gap_points", "quantitative")}),
    "gap_over_time": (
        {"area", "line", "point"},
        {("month", "temporal"), ("value", "quantitative"), ("ci_low", "quantitative")},
    ),
    "tco_comparison": (
        {"bar", "text"},
        {("option", "nominal"), ("component", "nominal"), ("monthly_usd", "quantitative")},
    ),
    "break_even_curve": (
        {"line", "rule", "text"},
        {("requests_per_month", "quantitative"), ("option", "nominal"), ("x", "quantitative")},
    ),
    "tornado": ({"bar", "rule"}, {("parameter", "nominal"), ("result", "quantitative")}),
    "monte_carlo": ({"area", "rule"}, {("bin_start", "quantitative"), ("p50", "quantitative")}),
    "hybrid_split": ({"bar"}, {("share", "quantitative"), ("task_class", "nominal")}),
    "hybrid_pareto": (
        {"line", "point"},
        {("monthly_usd", "quantitative"), ("quality", "quantitative"), ("kind", "nominal")},
    ),
    "scorecard": (
        {"rect", "text"},
        {("option", "nominal"), ("header", "nominal"), ("score", "quantitative")},
    ),
    "horizon_paths": (
        {"area", "line", "rule"},
        {("month", "quantitative"), ("cumulative_usd", "quantitative"), ("plan", "nominal")},
    ),
    "probe_latency": (
        {"line", "point"},
        {("concurrency", "quantitative"), ("latency", "quantitative"), ("percentile", "nominal")},
    ),
    "probe_throughput": (
        {"line", "point"},
        {("concurrency", "quantitative"), ("output_tokens_per_s", "quantitative")},
    ),
}


def _units(spec: dict[str, Any]) -> list[dict[str, Any]]:
    """The single views of a spec: its layers, the layers of each stacked panel, or itself."""
    if "vconcat" in spec:  # each panel's data, when it has its own, goes with its layers
        return [
            {"data": panel["data"], **u} if "data" in panel else u
            for panel in spec["vconcat"]
            for u in _units(panel)
        ]
    return spec["layer"] if "layer" in spec else [spec]


def _values(unit: dict[str, Any], spec: dict[str, Any]) -> list[dict[str, Any]]:
    """A layer's inline rows: its own or the chart's data, by value or by dataset name."""
    data = unit.get("data", spec.get("data"))
    assert data is not None and "url" not in data, "data must be inline"
    if "name" in data:
        return spec["datasets"][data["name"]]  # Altair consolidates inline values by name
    return data["values"]


def _mark(unit: dict[str, Any]) -> str:
    m = unit["mark"]
    return m["type"] if isinstance(m, dict) else m


# Secondary position channels take their type from the primary one (Vega-Lite has none).
_SECONDARY = {"x2", "y2"}


def _channels(unit: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for name, value in unit.get("encoding", {}).items():
        if name not in _SECONDARY:
            out.extend(value if isinstance(value, list) else [value])
    return out


@pytest.fixture(scope="module")
def built() -> dict[str, tuple[Any, dict[str, Any]]]:
    charts.use_theme()
    out = {}
    for name, (builder, df, kwargs) in _inputs().items():
        chart = builder(df, source=SOURCE, as_of=AS_OF, **kwargs)
        out[name] = (chart, chart.to_dict())  # to_dict validates against the schema
    return out


def test_every_builder_is_exercised(built: dict[str, Any]) -> None:
    assert set(built) == set(charts.BUILDERS) == set(EXPECT)


@pytest.mark.parametrize("name", sorted(EXPECT))
def test_spec_is_valid_and_complete(name: str, built: dict[str, Any]) -> None:
    chart, spec = built[name]
    assert isinstance(chart, alt.Chart | alt.LayerChart | alt.VConcatChart)
    validate_jsonschema(spec, load_schema())  # explicit check against Altair's Vega-Lite schema
    units = _units(spec)
    marks, pairs = EXPECT[name]
    assert {_mark(u) for u in units} == marks
    used = {(c["field"], c["type"]) for u in units for c in _channels(u) if "field" in c}
    assert pairs <= used, f"{name}: missing {pairs - used}"
    # Explicit types on every field.
    for u in units:
        for c in _channels(u):
            if "field" in c:
                assert "type" in c, f"{name}: {c['field']} has no type"
    # Tooltips on everything but reference lines.
    for u in units:
        if _mark(u) != "rule" or name in ("monte_carlo", "tornado", "break_even_curve"):
            assert "tooltip" in u.get("encoding", {}), f"{name}: a {_mark(u)} layer has no tooltip"
    # Caption: source and as-of date in the subtitle.
    subtitle = " ".join(spec["title"]["subtitle"])
    assert f"Source: {SOURCE}." in subtitle and f"As of {AS_OF}." in subtitle
    assert spec["title"]["text"]
    # Data inline, never a URL, in every layer.
    for u in units:
        values = _values(u, spec)
        assert isinstance(values, list) and values


@pytest.mark.parametrize("name", sorted(EXPECT))
def test_renders_to_svg(name: str, built: dict[str, Any]) -> None:
    _, spec = built[name]
    svg = vlc.vegalite_to_svg(spec)
    assert svg.lstrip().startswith("<svg")
    assert "Source: Test source" in svg and AS_OF in svg
    assert spec["title"]["text"].split()[0] in svg


def test_theme_is_one_registered_theme_applied_at_conversion(built: dict[str, Any]) -> None:
    assert charts.use_theme() == "aistrat"
    assert alt.theme.active == "aistrat"
    _, spec = built["tco_comparison"]
    assert spec["config"]["font"] == charts.theme()["config"]["font"]
    assert spec["config"]["range"]["category"][0] == "#0072B2"
    # Builders set no colours of their own: no literal colour values in any encoding.
    for _, s in built.values():
        for u in _units(s):
            for c in _channels(u):
                assert "value" not in c or not str(c["value"]).startswith("#")
                assert "range" not in c.get("scale", {}) or c["field"] == "on_frontier"


def test_builders_have_no_side_effects() -> None:
    alt.theme.enable("default")
    before = (alt.theme.active, alt.data_transformers.active, alt.renderers.active)
    for builder, df, kwargs in _inputs().values():
        builder(df, source=SOURCE, as_of=AS_OF, **kwargs)
    assert (alt.theme.active, alt.data_transformers.active, alt.renderers.active) == before
    charts.use_theme()


def test_open_and_closed_keep_their_colours(built: dict[str, Any]) -> None:
    for name in ("frontier", "quality_price"):
        _, spec = built[name]
        colors = [u["encoding"]["color"] for u in _units(spec) if "color" in u.get("encoding", {})]
        assert colors and all(c["scale"]["domain"] == ["Open weights", "Closed"] for c in colors)


def test_frontier_spec_details(built: dict[str, Any]) -> None:
    _, spec = built["frontier"]
    units = {_mark(u): u for u in _units(spec)}
    assert units["line"]["mark"]["interpolate"] == "step-after"
    band = _values(units["area"], spec)
    # The band spans from the first date both sides exist to as_of.
    assert band[0]["date"] == "2023-07-18" and band[-1]["date"] == AS_OF
    assert band[-1]["gap_points"] == pytest.approx(78.0 - 72.0)
    lines = _values(units["line"], spec)
    assert max(v["best"] for v in lines if v["group"] == "Closed") == 78.0


@pytest.mark.parametrize("sides", ["both", "closed only"])
def test_the_frontier_spec_draws_what_the_altair_chart_draws(sides: str) -> None:
    # The panel's quick spec: the same layers, encodings, theme, title and rows per layer as
    # the Altair chart converted, and a valid Vega-Lite spec (checked against the schema).
    charts.use_theme()
    rows = _frontier_rows()
    if sides == "closed only":  # no band layer, no band dataset
        rows = rows[~rows["open_weights"]]
    kw = {"source": SOURCE, "as_of": AS_OF, "score_title": "Toy (%)", "note": "a note"}
    quick = charts.frontier_spec(rows, **kw)
    full = charts.frontier(rows, **kw).to_dict()
    assert [_values(u, quick) for u in quick["layer"]] == [_values(u, full) for u in full["layer"]]

    def drawing(spec: dict[str, Any]) -> dict[str, Any]:
        layers = [{k: v for k, v in u.items() if k != "data"} for u in spec["layer"]]
        return {**{k: v for k, v in spec.items() if k != "datasets"}, "layer": layers}

    assert drawing(quick) == drawing(full)
    assert len(quick["layer"]) == (3 if sides == "both" else 2)
    alt.LayerChart.from_dict(quick)  # validates against the Vega-Lite schema
    # Each call is a new spec: changing one leaves the next as it was.
    quick["layer"][0]["mark"] = "bar"
    assert charts.frontier_spec(rows, **kw)["layer"][0]["mark"] != "bar"


def test_lag_bars_list_unmeasured_benchmarks_in_the_caption(built: dict[str, Any]) -> None:
    _, spec = built["lag_bars"]
    assert "No lag measurable for: Bench C." in " ".join(spec["title"]["subtitle"])
    values = _values(_units(spec)[0], spec)
    assert [v["label"] for v in values] == ["4.4 mo", "9.1 mo"]


def test_quality_price_frontier_and_log_axis(built: dict[str, Any]) -> None:
    _, spec = built["quality_price"]
    line = next(u for u in _units(spec) if _mark(u) == "line")
    assert line["encoding"]["x"]["scale"]["type"] == "log"
    # Price/score: (10,50) (0.9,40) (5,62) (0.6,55) (3.5,78) (2.2,72): frontier 0.6, 2.2, 3.5.
    assert sorted(v["model"] for v in _values(line, spec)) == ["Closed C", "Open B", "Open C"]


def test_monte_carlo_embeds_bins_not_draws(built: dict[str, Any]) -> None:
    _, spec = built["monte_carlo"]
    area = next(u for u in _units(spec) if _mark(u) == "area")
    values = _values(area, spec)
    assert len(values) == 2 * 40
    for option in ("API", "Self-host"):
        assert sum(v["share"] for v in values if v["option"] == option) == pytest.approx(1.0)
    stats = _values(next(u for u in _units(spec) if _mark(u) == "rule"), spec)
    assert {s["option"]: s["draws"] for s in stats} == {"API": 2000, "Self-host": 2000}
    assert all(s["p5"] < s["p50"] < s["p95"] for s in stats)


def test_scorecard_weighted_total(built: dict[str, Any]) -> None:
    _, spec = built["scorecard"]
    values = _values(_units(spec)[0], spec)
    total = {v["option"]: v["score"] for v in values if v["factor"] == "Weighted total"}
    # API: (2x3 + 5x4 + 2x2) / 9; Self-host: (4x3 + 3x4 + 5x2) / 9.
    assert total[LONG_OPTION] == pytest.approx(30 / 9)
    assert total["Self-host"] == pytest.approx(34 / 9)


def test_scorecard_wraps_long_option_names_in_their_column(built: dict[str, Any]) -> None:
    _, spec = built["scorecard"]
    cells = _units(spec)[0]
    x = cells["encoding"]["x"]
    # Headers are the names broken into lines (blank lines first, so the last lines meet
    # the grid), split by the axis; the full name stays in every tooltip.
    headers = {v["option"]: v["header"] for v in _values(cells, spec)}
    assert headers[LONG_OPTION] == "API (GPT-4o (API\nalias, snapshot\nunspecified))"
    assert headers["Self-host"] == "\n\nSelf-host"
    assert x["field"] == "header" and x["sort"] == [headers[LONG_OPTION], "\n\nSelf-host"]
    assert x["axis"]["labelExpr"] == "split(datum.label, '\\n')"
    assert x["axis"]["labelLimit"] < spec["width"]["step"]
    assert max(len(line) for line in headers[LONG_OPTION].split("\n")) <= 22
    assert {"field": "option", "type": "nominal", "title": "Option"} in cells["encoding"]["tooltip"]


def test_scorecard_header_lines_are_capped_and_stay_distinct() -> None:
    charts.use_theme()
    long = "Self-hosted: Llama 3.1 70B Instruct on 2×H100 (rented) in the EU region"
    twin = long + " (second quote)"
    df = pd.DataFrame(
        {"factor": ["Cost"] * 2, "option": [long, twin], "score": [3.0, 4.0], "weight": [1.0] * 2}
    )
    spec = charts.scorecard(df, source=SOURCE, as_of=AS_OF, total=False).to_dict()
    headers = {v["option"]: v["header"] for v in _values(_units(spec)[0], spec)}
    assert all(h.count("\n") == 2 and h.rstrip("\u200b").endswith("…") for h in headers.values())
    assert headers[long] != headers[twin]  # two options, two columns


def test_hybrid_pareto_draws_the_frontier_and_marks_the_current_routing(
    built: dict[str, Any],
) -> None:
    _, spec = built["hybrid_pareto"]
    units = {_mark(u): u for u in _units(spec)}
    line = _values(units["line"], spec)
    assert [v["monthly_usd"] for v in line] == [1800.0, 3100.0, 5200.0]  # cheapest first
    assert {v["kind"] for v in line} == {"On the frontier"}
    here = _values(units["point"], spec)
    assert [(v["kind"], v["monthly_usd"], v["floor"]) for v in here] == [
        ("At this floor", 2600.0, 0.9)
    ]
    assert units["point"]["encoding"]["color"]["field"] == "kind"
    assert units["line"]["encoding"]["x"]["axis"]["format"] == "$,.0f"
    with pytest.raises(ChartError, match="current = 'maybe'"):
        charts.hybrid_pareto(
            pd.DataFrame({"monthly_usd": [1.0], "quality": [2.0], "current": ["maybe"]}),
            source=SOURCE,
            as_of=AS_OF,
        )


def test_tornado_orders_parameters_by_swing(built: dict[str, Any]) -> None:
    _, spec = built["tornado"]
    bar = next(u for u in _units(spec) if _mark(u) == "bar")
    assert bar["encoding"]["y"]["sort"] == ["Utilisation", "GPU price", "Tokens per request"]
    assert bar["encoding"]["x2"]["field"] == "base"


def test_horizon_paths_mark_the_crossover_and_draw_the_bands(built: dict[str, Any]) -> None:
    _, spec = built["horizon_paths"]
    units = _units(spec)
    rule = next(u for u in units if _mark(u) == "rule")
    assert _values(rule, spec) == [{"month": 3.0, "label": "Crossover: month 3"}]
    assert "Dashed line: crossover: month 3." in " ".join(spec["title"]["subtitle"])
    area = next(u for u in units if _mark(u) == "area")
    assert area["encoding"]["y2"]["field"] == "p90_usd"
    plain = charts.horizon_paths(
        _inputs()["horizon_paths"][1], source=SOURCE, as_of=AS_OF
    ).to_dict()
    assert {_mark(u) for u in _units(plain)} == {"line"}  # no bands, no crossover given
    with pytest.raises(ChartError, match="crossover_month"):
        charts.horizon_paths(
            _inputs()["horizon_paths"][1], source=SOURCE, as_of=AS_OF, crossover_month=0
        )


def test_polars_input_gives_the_same_spec() -> None:
    charts.use_theme()
    builder, df, kwargs = _inputs()["tco_comparison"]
    a = builder(df, source=SOURCE, as_of=AS_OF, **kwargs).to_dict()
    b = builder(pl.from_pandas(df), source=SOURCE, as_of=AS_OF, **kwargs).to_dict()
    assert a == b


def test_errors_name_the_problem() -> None:
    df = pd.DataFrame({"option": ["API"], "monthly_usd": [1.0]})
    with pytest.raises(ChartError, match="lacks column\\(s\\) component"):
        charts.tco_comparison(df, source=SOURCE, as_of=AS_OF)
    ok = df.assign(component="Tokens")
    with pytest.raises(ChartError, match="source is required"):
        charts.tco_comparison(ok, source="  ", as_of=AS_OF)
    with pytest.raises(ChartError, match="as_of is required"):
        charts.tco_comparison(ok, source=SOURCE, as_of=None)
    with pytest.raises(ChartError, match="monthly_usd holds inf"):
        charts.tco_comparison(ok.assign(monthly_usd=[float("inf")]), source=SOURCE, as_of=AS_OF)
    with pytest.raises(ChartError, match="no rows"):
        charts.tco_comparison(ok.iloc[0:0], source=SOURCE, as_of=AS_OF)
    qp = pd.DataFrame(
        {"model": ["m"], "open_weights": [True], "score": [1.0], "blended_usd_per_mtok": [0.0]}
    )
    with pytest.raises(ChartError, match="must be > 0"):
        charts.quality_price(qp, source=SOURCE, as_of=AS_OF)


def test_text_from_data_stays_data() -> None:
    # Model names are data values in the spec; Vega draws them as text, not markup.
    charts.use_theme()
    rows = _frontier_rows()
    rows.loc[0, "model"] = "<script>alert(1)</script>"
    spec = charts.frontier(rows, source=SOURCE, as_of=AS_OF).to_dict()
    svg = vlc.vegalite_to_svg(spec)
    assert "<script>" not in svg


def test_charts_import_neither_gap_nor_heavy_libraries() -> None:
    # Imports flow one way: charts -> pure helpers (analysis.pareto), never charts -> gap.
    import subprocess
    import sys

    code = (
        "import sys; import analysis.charts; "
        "print(sorted(m for m in ('analysis.gap', 'altair', 'pandas') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_quality_price_computes_the_same_frontier_as_the_gap_table() -> None:
    rows = _frontier_rows()[["model_id", "model", "open_weights", "score"]]
    prices = rows[["model_id"]].assign(blended_usd_per_mtok=[10.0, 0.9, 5.0, 0.6, 3.5, 2.2])
    table = gap.quality_price_table(rows, prices)
    spec = charts.quality_price(
        table.drop(columns=["on_frontier"]), source=SOURCE, as_of=AS_OF
    ).to_dict()
    drawn = {v["model"]: v["on_frontier"] for v in _values(spec["layer"][1], spec)}
    assert drawn == dict(zip(table["model"], table["on_frontier"], strict=True))
    # Open B (55 at $0.60) and Closed C (78 at $3.50) are undominated; Closed A is not.
    assert drawn["Open B"] and drawn["Closed C"] and not drawn["Closed A"]


def test_lag_bars_draw_the_interval_and_the_gap_over_time_its_band(built: dict[str, Any]) -> None:
    _, spec = built["lag_bars"]
    rules = [u for u in _units(spec) if _mark(u) == "rule" and "x2" in u["encoding"]]
    assert len(rules) == 1
    assert [(r["ci_low"], r["ci_high"]) for r in _values(rules[0], spec)] == [(3.1, 6.2)]
    _, spec = built["gap_over_time"]
    assert len(spec["vconcat"]) == 2  # points gap above, lag below
    bands = [u for u in _units(spec) if _mark(u) == "area"]
    assert [b["encoding"]["y2"]["field"] for b in bands] == ["ci_high", "ci_high"]
    assert {v["figure"] for b in bands for v in _values(b, spec)} == {"points", "lag_months"}
    wide = charts.gap_over_time(
        _inputs()["gap_over_time"][1],
        source=SOURCE,
        as_of=AS_OF,
        side_by_side=True,
        width=120,
        height=60,
    ).to_dict()
    assert [p["width"] for p in wide["hconcat"]] == [120, 120]
    with pytest.raises(ChartError, match="figure 'ratio'"):
        charts.gap_over_time(
            pd.DataFrame({"month": ["2026-01-31"], "figure": ["ratio"], "value": [0.9]}),
            source=SOURCE,
            as_of=AS_OF,
        )
