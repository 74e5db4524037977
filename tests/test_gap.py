"""Gap analysis: known answers on a small hand-built dataset, and the real warehouse's bounds.

The hand-built dataset is written as CSVs beside a copy of ``datasets/schema.yaml``
and built into a real DuckDB warehouse for the warehouse helpers and the CLI.
Every figure asserted here is worked out by hand in the comments.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis import config, gap
from analysis.cli import main as cli_main
from analysis.errors import GapError

REPO = Path(__file__).resolve().parent.parent
IN_CI = bool(__import__("os").environ.get("CI"))
LAB = "Test Lab"
SRC = "test/toy:bench.md@0000000"

# model_id, open_weights, model_type, release_date
MODELS = [
    ("c-a", False, "chat", "2023-01-01"),
    ("c-b", False, "chat", "2023-03-14"),
    ("c-c", False, "reasoning", "2024-01-01"),
    ("o-a", True, "instruct", "2023-02-01"),
    ("o-b", True, "instruct", "2024-04-18"),
    ("o-base", True, "base", "2023-06-01"),  # left out by default: base model
    ("o-nodate", True, "instruct", ""),  # left out: no release date
]
# model_id, benchmark, score (fraction), setting, eval_relationship
SCORES = [
    ("c-a", "Toy-Bench", 0.50, "default", "independent"),
    ("c-b", "Toy-Bench", 0.80, "default", "independent"),
    ("c-c", "Toy-Bench", 0.90, "default", "independent"),
    ("o-a", "Toy-Bench", 0.50, "default", "independent"),
    ("o-b", "Toy-Bench", 0.80, "default", "independent"),
    ("o-base", "Toy-Bench", 0.95, "default", "independent"),
    ("o-nodate", "Toy-Bench", 0.99, "default", "independent"),
    # A second benchmark for composites: every model, one setting.
    ("c-a", "Toy-Math", 0.20, "default", "independent"),
    ("c-b", "Toy-Math", 0.40, "default", "independent"),
    ("c-c", "Toy-Math", 0.80, "default", "independent"),
    ("o-a", "Toy-Math", 0.10, "default", "independent"),
    ("o-b", "Toy-Math", 0.60, "default", "independent"),
    # Vendor tables with two incompatible settings.
    ("c-b", "Toy-Bench", 0.85, "5-shot", "self-reported"),
    ("o-b", "Toy-Bench", 0.70, "5-shot", "competitor-reported"),
    ("c-c", "Toy-Bench", 0.93, "0-shot CoT", "self-reported"),
    ("o-b", "Toy-Bench", 0.88, "0-shot CoT", "copied-from-developer"),
]
# provider, kind, api_model, model_id, input, output, effective_from
PRICES = [
    ("acme", "first-party", "c-b-api", "c-b", 20.0, 60.0, "2023-03-14"),  # blended 30
    ("acme", "first-party", "c-b-api", "c-b", 5.0, 15.0, "2023-10-01"),  # blended 7.5
    ("acme", "first-party", "c-c-api", "c-c", 10.0, 30.0, "2024-01-01"),  # blended 15
    ("hostco", "host", "o-b-host", "o-b", 1.0, 2.0, "2024-05-01"),  # blended 1.25
    ("hostco", "host", "o-b-host", "o-b", 0.5, 1.0, "2024-09-01"),  # blended 0.625
]
CLAIMS = [
    ("claim-12", "Pub A", "A year behind", "2024-11-04", 12.0, None),
    ("claim-3-5", "Pub B", "Three to five months", "2025-10-30", 3.0, 5.0),
    ("claim-none", "Pub C", "No figure", "2025-01-01", None, None),
]
ARENA = [
    # snapshot, arena_model, model_id, open_weights, rating
    ("2024-05-31", "C-B", "c-b", False, 1200.0),
    ("2024-05-31", "O-A", "o-a", True, 1100.0),
    ("2024-06-30", "C-C", "c-c", False, 1300.0),
    ("2024-06-30", "C-B", "c-b", False, 1280.0),
    ("2024-06-30", "O-B", "o-b", True, 1250.0),
    ("2024-06-30", "Mystery", None, None, 1400.0),  # open/closed unknown: ignored
]

# Horizontal gap on Toy-Bench (independent, base and undated models left out):
# closed frontier 50 (2023-01-01), 80 (2023-03-14), 90 (2024-01-01);
# open frontier 50 (2023-02-01), 80 (2024-04-18).
# Levels run from max(50, 50) = 50 to min(90, 80) = 80. Level 50: 31 days; every level
# above 50 up to 80: 2023-03-14 -> 2024-04-18 = 401 days. With 101 levels:
TOY_LAG = (31 + 100 * 401) / 101 / 30.4375  # 13.054... months


def _schema() -> dict:
    return yaml.safe_load((REPO / "datasets" / "schema.yaml").read_text())


def _write(folder: Path, table: str, rows: list[dict]) -> None:
    spec = _schema()["tables"][table]
    cols = [c["name"] for c in spec["columns"]]
    with (folder / spec["file"]).open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=cols)
        w.writeheader()
        for r in rows:
            w.writerow({c: "" if r.get(c) is None else r.get(c) for c in cols})


def _tables() -> dict[str, list[dict]]:
    models = [
        {
            "model_id": m,
            "name": m.upper(),
            "family": m.split("-")[0],
            "organisation": "Open Org" if ow else "Closed Co",
            "open_weights": "true" if ow else "false",
            "open_weights_basis": "test fixture",
            "model_type": kind,
            "release_date": day,
            "release_date_source": SRC if day else "",
            "source": SRC,
        }
        for m, ow, kind, day in MODELS
    ]
    scores = [
        {
            "model_id": m,
            "benchmark": b,
            "benchmark_variant": "",
            "score": s,
            "scale": "fraction_0_1",
            "score_pct": round(s * 100, 6),
            "setting": setting,
            "reported_by": LAB if rel == "independent" else "Vendor",
            "eval_relationship": rel,
            "source": SRC,
            "source_date": "2025-01-01",
            "row_ref": f"{m} {b} {setting}",
        }
        for m, b, s, setting, rel in SCORES
    ]
    prices = [
        {
            "provider": p,
            "provider_kind": kind,
            "api_model": api,
            "model_id": m,
            "input_usd_per_mtok": i,
            "output_usd_per_mtok": o,
            "effective_from": d,
            "date_basis": "explicit",
            "scheduled": "false",
            "source": SRC,
        }
        for p, kind, api, m, i, o, d in PRICES
    ]
    claims = [
        {
            "claim_id": cid,
            "publisher": pub,
            "title": title,
            "published_date": d,
            "metric": "benchmarks",
            "claim_verbatim": title,
            "lag_months": lo,
            "lag_months_high": hi,
            "url": "https://example.org/claim",
            "source": SRC,
        }
        for cid, pub, title, d, lo, hi in CLAIMS
    ]
    arena = [
        {
            "snapshot_date": d,
            "arena_model": name,
            "model_id": mid,
            "open_weights": "" if ow is None else ("true" if ow else "false"),
            "rating": r,
            "rating_method": "Bradley-Terry",
            "source": SRC,
        }
        for d, name, mid, ow, r in ARENA
    ]
    return {
        "models": models,
        "benchmark_scores": scores,
        "api_prices": prices,
        "gap_claims": claims,
        "arena_ratings": arena,
        "gpus": [],
        "gpu_cloud_prices": [],
        "eci_scores": [],
        "model_shapes": [],
        "decode_measurements": [],
        "api_aliases": [],
        "gpu_price_index": [],
        "cross_check_resolutions": [],
    }


@pytest.fixture(scope="module")
def toy() -> dict[str, pd.DataFrame]:
    """The hand-built tables as DataFrames, typed as the warehouse types them."""
    t = {k: pd.DataFrame(v) for k, v in _tables().items()}
    t["models"]["open_weights"] = t["models"]["open_weights"].eq("true")
    t["models"]["release_date"] = pd.to_datetime(t["models"]["release_date"].replace("", None))
    return t


@pytest.fixture()
def toy_warehouse(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A real warehouse built from the hand-built CSVs (environment pointed at it)."""
    folder = tmp_path / "datasets"
    folder.mkdir()
    shutil.copy(REPO / "datasets" / "schema.yaml", folder / "schema.yaml")
    for table, rows in _tables().items():
        _write(folder, table, rows)
    monkeypatch.setenv("AISTRAT_DATASETS", str(folder))
    monkeypatch.setenv("AISTRAT_WAREHOUSE", str(tmp_path / "toy.duckdb"))
    from analysis import warehouse

    warehouse.build(today=pd.Timestamp("2025-06-01").date())
    return folder


def _rows(*items: tuple[str, bool, str, float]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"model_id": m, "model": m, "open_weights": ow, "release_date": d, "score": s}
            for m, ow, d, s in items
        ]
    )


# --------------------------------------------------------------------------- known answers


def test_lag_at_one_level_is_days_over_30_4375() -> None:
    # Closed reaches 80 on 2023-03-14, open on 2024-04-18: 401 days (the span holds
    # 2024-02-29) = 13.17 months, 13.2 to one decimal.
    rows = _rows(
        ("closed", False, "2023-03-14", 80.0),
        ("open-early", True, "2023-01-01", 60.0),
        ("open", True, "2024-04-18", 80.0),
    )
    assert gap.lag_at_level(rows, 80.0) == pytest.approx(401 / 30.4375)
    assert round(gap.lag_at_level(rows, 80.0), 1) == 13.2
    # Only level 80 is shared (open starts at 60, both top out at 80).
    h = gap.horizontal_gap(rows)
    assert (h.low, h.high) == (80.0, 80.0)
    assert h.lag_months == pytest.approx(13.1745, abs=1e-4)
    assert len(h.levels) == 1
    assert gap.months_between("2023-03-14", "2024-04-18") == pytest.approx(13.1745, abs=1e-4)


def test_lag_is_the_mean_over_evenly_spaced_levels() -> None:
    # Closed: 50 on 2023-01-01, 70 on 2023-07-01. Open: 50 on 2023-04-01, 70 on 2024-01-01.
    # Levels 50, 60, 70: 90, 184 and 184 days.
    rows = _rows(
        ("c1", False, "2023-01-01", 50.0),
        ("c2", False, "2023-07-01", 70.0),
        ("o1", True, "2023-04-01", 50.0),
        ("o2", True, "2024-01-01", 70.0),
    )
    h3 = gap.horizontal_gap(rows, levels=3)
    assert list(h3.levels["level"]) == [50.0, 60.0, 70.0]
    assert list(h3.levels["lag_months"] * 30.4375) == pytest.approx([90, 184, 184])
    assert h3.lag_months == pytest.approx((90 + 184 + 184) / 3 / 30.4375, abs=1e-6)
    h101 = gap.horizontal_gap(rows)
    assert h101.lag_months == pytest.approx((90 + 100 * 184) / 101 / 30.4375, abs=1e-6)


def _lag_level_by_level(rows: pd.DataFrame, levels: int) -> list[tuple[float, float]]:
    """The horizontal gap by its definition, one level at a time: for each level, the
    earliest release date with a score at or above it, per side (the reference the
    whole-column computation must match exactly)."""
    rows = rows.assign(release_date=pd.to_datetime(rows["release_date"]))
    sides = {ow: rows[rows["open_weights"] == ow] for ow in (True, False)}
    # Each frontier's first value: the best score on the side's first release date.
    firsts = [float(s.loc[s["release_date"] == s["release_date"].min(), "score"].max())
              for s in sides.values()]  # fmt: skip
    low, high = max(firsts), min(float(s["score"].max()) for s in sides.values())
    grid = [high] if levels == 1 or low == high else list(np.linspace(low, high, levels))
    out = []
    for level in grid:
        c = sides[False].loc[sides[False]["score"] >= level, "release_date"].min()
        o = sides[True].loc[sides[True]["score"] >= level, "release_date"].min()
        out.append((float(level), (o - c).days / 30.4375))
    return out


_dates = st.dates(min_value=pd.Timestamp("2022-01-01").date(), max_value=pd.Timestamp(
    "2026-12-31").date())  # fmt: skip
_model = st.tuples(st.booleans(), _dates, st.integers(0, 20).map(lambda v: v * 5.0))


@pytest.mark.slow
@settings(max_examples=150, deadline=None)
@given(st.lists(_model, min_size=2, max_size=14), st.sampled_from([1, 2, 3, 7, 101]))
def test_whole_column_lag_matches_the_level_by_level_definition(
    models: list[tuple[bool, object, float]], levels: int
) -> None:
    rows = _rows(*[(f"m{i}", ow, str(d), sc) for i, (ow, d, sc) in enumerate(models)])
    h = gap.horizontal_gap(rows, levels=levels)
    if h.lag_months is None:  # one side missing, or no level both frontiers reached
        sides = set(rows["open_weights"])
        assert len(sides) < 2 or h.reason and "never reached" in h.reason
        return
    expected = _lag_level_by_level(rows, levels)
    got = list(zip(h.levels["level"], h.levels["lag_months"], strict=True))
    assert got == expected  # exactly: same levels, same whole days
    assert h.lag_months == round(float(np.mean([lag for _, lag in expected])), 6)
    for level, lag in expected[:: max(1, len(expected) // 5)]:
        assert gap.lag_at_level(rows, level) == lag


def test_lag_is_negative_when_open_gets_there_first() -> None:
    rows = _rows(("c", False, "2024-01-01", 60.0), ("o", True, "2023-07-01", 60.0))
    assert gap.horizontal_gap(rows).lag_months == pytest.approx(-184 / 30.4375, abs=1e-6)


def test_lag_is_none_with_a_reason_when_frontiers_share_no_level() -> None:
    rows = _rows(("c", False, "2023-01-01", 70.0), ("o", True, "2024-01-01", 40.0))
    h = gap.horizontal_gap(rows)
    assert h.lag_months is None
    assert "open weights frontier never reached" in h.reason


def test_frontier_is_the_running_best_per_side() -> None:
    rows = _rows(
        ("c1", False, "2023-01-01", 40.0),
        ("c2", False, "2023-02-01", 35.0),
        ("c3", False, "2023-03-01", 50.0),
        ("o1", True, "2023-01-15", 20.0),
        ("o2", True, "2023-02-15", 30.0),
        ("o3", True, "2023-03-15", 25.0),
    )
    f = gap.frontier(rows).set_index("model")
    assert list(f.loc[["c1", "c2", "c3"], "frontier_score"]) == [40.0, 40.0, 50.0]
    assert list(f.loc[["o1", "o2", "o3"], "frontier_score"]) == [20.0, 30.0, 30.0]
    assert list(f.loc[["c1", "c2", "c3"], "on_frontier"]) == [True, False, True]
    assert list(f.loc[["o1", "o2", "o3"], "on_frontier"]) == [True, True, False]
    assert set(f["group"]) == {"Open weights", "Closed"}


def test_vertical_gap_points_and_ratio_as_of_a_date() -> None:
    rows = _rows(
        ("c1", False, "2023-01-01", 80.0),
        ("o1", True, "2023-06-01", 70.0),
        ("c2", False, "2024-06-01", 95.0),
    )
    v = gap.vertical_gap(rows, as_of="2024-01-01")
    assert (v.best_closed.model, v.best_open.model) == ("c1", "o1")
    assert v.points == pytest.approx(10.0)
    assert v.ratio == pytest.approx(0.875)
    assert v.best_closed.date == "2023-01-01"
    later = gap.vertical_gap(rows, as_of="2024-06-01")
    assert later.points == pytest.approx(25.0)
    assert later.ratio == pytest.approx(70 / 95, abs=1e-6)
    with pytest.raises(GapError, match="no open weights model"):
        gap.vertical_gap(rows, as_of="2023-03-01")


def test_pareto_frontier_keeps_the_undominated_models() -> None:
    df = pd.DataFrame(
        {
            "model": ["A", "B", "C", "D", "E", "F"],
            "score": [50.0, 60.0, 55.0, 40.0, 60.0, 30.0],
            "blended_usd_per_mtok": [1.0, 2.0, 3.0, 0.5, 2.0, 0.5],
        }
    )
    # C is beaten by B (higher score, cheaper); F by D (same price, higher score);
    # B and E are identical, so neither beats the other.
    assert gap.pareto_frontier(df) == [True, True, False, True, True, False]


# --------------------------------------------------------------------------- selection rules


def test_selection_rules_on_the_toy_tables(toy: dict[str, pd.DataFrame]) -> None:
    sel = gap.select_scores(toy["benchmark_scores"], toy["models"], "toy-bench")
    assert sel.benchmark == "Toy-Bench"  # case-insensitive match
    assert sel.unit == "%"
    assert set(sel.rows["model_id"]) == {"c-a", "c-b", "c-c", "o-a", "o-b"}
    assert sel.excluded == {"no release date": 1, "base model": 1}
    assert sel.configurations == [{"benchmark_variant": None, "setting": "default", "models": 5}]
    assert sel.setting_rule == "one configuration"
    assert sel.reported_by == [LAB]
    with_base = gap.select_scores(
        toy["benchmark_scores"], toy["models"], "Toy-Bench", include_base=True
    )
    assert "o-base" in set(with_base.rows["model_id"])


def test_toy_gap_matches_the_hand_worked_figures(toy: dict[str, pd.DataFrame]) -> None:
    g = gap.measure_gap(toy["benchmark_scores"], toy["models"], "Toy-Bench")
    assert g.lag_months == pytest.approx(TOY_LAG, abs=1e-6)
    assert g.vertical.points == pytest.approx(10.0)
    assert g.ratio == pytest.approx(80 / 90, abs=1e-6)
    d = g.to_dict()
    assert d["best_open"]["model"] == "O-B" and d["best_open"]["date"] == "2024-04-18"
    assert d["best_closed"]["model"] == "C-C" and d["best_closed"]["score"] == pytest.approx(90.0)
    assert [m["model"] for m in d["frontier"]["closed"]] == ["C-A", "C-B", "C-C"]
    assert [m["model"] for m in d["frontier"]["open"]] == ["O-A", "O-B"]
    json.dumps(d, allow_nan=False)  # no NaN anywhere


def test_vendor_scores_with_two_settings_are_refused_then_chosen(
    toy: dict[str, pd.DataFrame],
) -> None:
    with pytest.raises(GapError) as err:
        gap.measure_gap(toy["benchmark_scores"], toy["models"], "Toy-Bench", source="vendor")
    assert "5-shot: 2 models" in str(err.value) and "0-shot CoT: 2 models" in str(err.value)
    assert "--setting" in str(err.value)
    g = gap.measure_gap(
        toy["benchmark_scores"], toy["models"], "Toy-Bench", source="vendor", setting="5-SHOT"
    )
    # 5-shot: closed c-b 85, open o-b 70.
    assert (g.vertical.best_closed.model, g.vertical.best_open.model) == ("C-B", "O-B")
    assert g.vertical.points == pytest.approx(15.0)
    assert g.selection.configurations == [
        {"benchmark_variant": None, "setting": "5-shot", "models": 2}
    ]
    best = gap.measure_gap(
        toy["benchmark_scores"], toy["models"], "Toy-Bench", source="vendor", setting="best"
    )
    # Each model's best vendor row: c-b 85, c-c 93, o-b 88 (copied-from-developer counts).
    assert best.vertical.best_open.score == pytest.approx(88.0)
    assert best.vertical.best_closed.score == pytest.approx(93.0)
    assert "on request" in best.selection.setting_rule
    assert any("Configurations combined" in n for n in best.selection.notes)


def test_independent_runs_of_one_harness_take_each_models_best_run(
    toy: dict[str, pd.DataFrame],
) -> None:
    scores = pd.concat(
        [
            toy["benchmark_scores"],
            pd.DataFrame(
                [
                    {
                        **toy["benchmark_scores"].iloc[2].to_dict(),
                        "score": 0.95,
                        "score_pct": 95.0,
                        "setting": "reasoning effort=high",
                        "row_ref": "c-c high",
                    }
                ]
            ),
        ],
        ignore_index=True,
    )
    g = gap.measure_gap(scores, toy["models"], "Toy-Bench")
    assert g.vertical.best_closed.score == pytest.approx(95.0)
    assert g.vertical.best_closed.setting == "reasoning effort=high"
    assert "best run" in g.selection.setting_rule
    settings = {c["setting"]: c["models"] for c in g.selection.configurations}
    assert settings == {"default": 4, "reasoning effort=high": 1}
    # Two independent labs are not one harness: refused.
    other_lab = scores.copy()
    other_lab.loc[other_lab.index[-1], "reported_by"] = "Other Lab"
    with pytest.raises(GapError, match="not comparable"):
        gap.measure_gap(other_lab, toy["models"], "Toy-Bench")


def test_unknown_benchmark_lists_close_matches(toy: dict[str, pd.DataFrame]) -> None:
    with pytest.raises(GapError) as err:
        gap.measure_gap(toy["benchmark_scores"], toy["models"], "Toy Bnch")
    assert "Toy-Bench" in str(err.value) and "--list" in str(err.value)
    with pytest.raises(GapError, match="source = 'mine'"):
        gap.measure_gap(toy["benchmark_scores"], toy["models"], "Toy-Bench", source="mine")


def test_mixed_scales_are_refused(toy: dict[str, pd.DataFrame]) -> None:
    scores = toy["benchmark_scores"].copy()
    scores.loc[0, ["scale", "score", "score_pct"]] = ["rating", 1200.0, None]
    with pytest.raises(GapError, match="mixes score scales"):
        gap.measure_gap(scores, toy["models"], "Toy-Bench")


def test_as_of_leaves_out_later_models(toy: dict[str, pd.DataFrame]) -> None:
    g = gap.measure_gap(toy["benchmark_scores"], toy["models"], "Toy-Bench", as_of="2023-12-31")
    # By then: closed best 80 (c-b), open best 50 (o-a); no shared level above 50.
    assert g.vertical.points == pytest.approx(30.0)
    assert g.selection.excluded["released after as_of"] == 2
    assert g.lag_months == pytest.approx(31 / 30.4375, abs=1e-6)  # only level 50 is shared


# --------------------------------------------------------------------------- composite, claims


def test_composite_pct_of_best_and_minmax(toy: dict[str, pd.DataFrame]) -> None:
    table, sels = gap.composite(toy["benchmark_scores"], toy["models"], ["Toy-Bench", "Toy-Math"])
    c = table.set_index("model_id")["score"]
    # % of best: Toy-Bench best 90, Toy-Math best 80. o-b: (80/90 + 60/80) / 2 x 100.
    assert c["o-b"] == pytest.approx((80 / 90 + 60 / 80) / 2 * 100)
    assert c["c-c"] == pytest.approx(100.0)
    assert len(sels) == 2
    mm, _ = gap.composite(
        toy["benchmark_scores"], toy["models"], ["Toy-Bench", "Toy-Math"], method="minmax"
    )
    m = mm.set_index("model_id")["score"]
    # Toy-Bench 50..90, Toy-Math 10..80: o-a (0 + 0) / 2; o-b (75 + 50/70*100) / 2.
    assert m["o-a"] == pytest.approx(0.0)
    assert m["o-b"] == pytest.approx((75.0 + 50 / 70 * 100) / 2)
    g = gap.composite_gap(toy["benchmark_scores"], toy["models"], ["Toy-Bench", "Toy-Math"])
    assert g.benchmark == "Composite (Toy-Bench, Toy-Math)"
    assert g.vertical.best_closed.model == "C-C"
    with pytest.raises(GapError, match="two or more"):
        gap.composite(toy["benchmark_scores"], toy["models"], ["Toy-Bench"])


def test_lag_by_benchmark_keeps_unmeasurable_rows(toy: dict[str, pd.DataFrame]) -> None:
    df = gap.lag_by_benchmark(
        toy["benchmark_scores"], toy["models"], ["Toy-Bench", "Toy-Math", "Nope"]
    )
    assert list(df["benchmark"]) == ["Toy-Bench", "Toy-Math", "Nope"]
    assert df.loc[0, "lag_months"] == pytest.approx(TOY_LAG, abs=1e-6)
    assert pd.isna(df.loc[2, "lag_months"]) and "not in benchmark_scores" in df.loc[2, "note"]


def test_quality_price_table_flags_the_pareto_frontier(toy: dict[str, pd.DataFrame]) -> None:
    sel = gap.select_scores(toy["benchmark_scores"], toy["models"], "Toy-Bench")
    prices = pd.DataFrame(
        {
            "model_id": ["c-b", "c-c", "o-b"],
            "input_usd_per_mtok": [5.0, 10.0, 0.5],
            "output_usd_per_mtok": [15.0, 30.0, 1.0],
        }
    )
    q = gap.quality_price_table(sel.rows, prices).set_index("model_id")
    assert q.loc["o-b", "blended_usd_per_mtok"] == pytest.approx(0.625)
    assert q.loc["c-c", "blended_usd_per_mtok"] == pytest.approx(15.0)
    # c-b (7.5, 80) is beaten by o-b (0.625, 80).
    assert q["on_frontier"].to_dict() == {"o-b": True, "c-b": False, "c-c": True}


def test_cheapest_price_of_a_capability_level_over_time(toy: dict[str, pd.DataFrame]) -> None:
    sel = gap.select_scores(toy["benchmark_scores"], toy["models"], "Toy-Bench")
    t = gap.cheapest_over_time(sel.rows, toy["api_prices"], 80.0, as_of="2025-01-01")
    allp = t[t["group"] == "All"]
    got = [
        (d.date().isoformat(), p, m)
        for d, p, m in zip(allp["date"], allp["usd_per_mtok"], allp["model_id"], strict=True)
    ]
    assert got == [
        ("2023-03-14", 30.0, "c-b"),
        ("2023-10-01", 7.5, "c-b"),
        ("2024-05-01", 1.25, "o-b"),
        ("2024-09-01", 0.625, "o-b"),
        ("2025-01-01", 0.625, "o-b"),  # closing row at as_of
    ]
    closed = t[t["group"] == "Closed"]
    assert list(closed["usd_per_mtok"]) == [30.0, 7.5, 7.5]
    with pytest.raises(GapError, match="threshold"):
        gap.cheapest_over_time(sel.rows, toy["api_prices"], 99.0)


def test_claim_check_reads_and_judges_each_claim(toy: dict[str, pd.DataFrame]) -> None:
    prices = pd.DataFrame(
        {
            "model_id": ["c-b", "c-c", "o-b"],
            "blended_usd_per_mtok": [7.5, 15.0, 0.625],
            "price_basis": ["first-party: acme", "first-party: acme", "median of 1 host"],
        }
    )
    t = gap.claim_check(
        toy["benchmark_scores"],
        toy["models"],
        toy["gap_claims"],
        ["Toy-Bench"],
        prices=prices,
        as_of="2025-06-01",
        bootstrap=gap.Bootstrap(resamples=200),
    ).set_index("claim_id")
    perf = t.loc["performance-90-95"]
    # Best open 80 (O-B) / best closed 90 (C-C) = 0.889: below the 90% floor, unless the
    # interval reaches it.
    assert perf["now_value"] == pytest.approx(80 / 90, abs=1e-6)
    assert "at least 90%" in perf["reading"] and bool(perf["at_least"])
    reaches = perf["now_ci_high"] >= 0.90
    assert perf["now_verdict"] == ("consistent" if reaches else "differs")
    assert "(single benchmark)" in perf["measure"]
    assert (
        "O-B" in perf["rests_on"] and "C-C" in perf["rests_on"] and "Test Lab" in perf["rests_on"]
    )
    cost = t.loc["cost-dramatically-lower"]
    # Level 90% of C-C's 90 = 81: no open model reaches it (O-B has 80).
    assert cost["now_verdict"] == "not measurable"
    assert "no open model at the level" in cost["now_detail"]
    # The toy claims are about "benchmarks", not ECI: not comparable, then and now.
    a = t.loc["claim-12"]
    assert (a["then_verdict"], a["now_verdict"]) == ("not comparable", "not comparable")
    assert "benchmarks" in a["now_detail"] and "ECI" in a["now_detail"]
    assert a["then_as_of"] == "2024-11-04" and a["now_as_of"] == "2025-06-01"
    assert "claim-3-5" not in t.index  # published 2025-10-30, after the date of the check
    later = gap.claim_check(
        toy["benchmark_scores"], toy["models"], toy["gap_claims"], [], as_of="2025-11-01",
        bootstrap=gap.Bootstrap(resamples=50),
    ).set_index("claim_id")  # fmt: skip
    assert later.loc["claim-3-5", "stated"] == "3–5 months"
    assert "claim-none" not in t.index  # no figure to check
    assert set(t["as_of"]) == {"2025-06-01"}
    # At 80% the level is 72: O-B (80, $0.625) against C-B (80, $7.5): 12x, consistent.
    cheap = gap.claim_check(
        toy["benchmark_scores"], toy["models"], None, ["Toy-Bench"], prices=prices,
        as_of="2025-06-01", share=0.8, bootstrap=gap.Bootstrap(resamples=50),
    ).set_index("claim_id").loc["cost-dramatically-lower"]  # fmt: skip
    assert cheap["now_value"] == pytest.approx(12.0) and cheap["now_verdict"] == "consistent"
    assert "O-B" in cheap["rests_on"] and "first-party: acme" in cheap["rests_on"]


def test_arena_gap_is_within_each_month(toy: dict[str, pd.DataFrame]) -> None:
    m = gap.arena_monthly_gap(toy["arena_ratings"])
    assert list(m["gap_points"]) == [100.0, 50.0]
    assert m.loc[1, "best_closed_model"] == "C-C" and m.loc[1, "best_open_model"] == "O-B"
    assert m.loc[1, "open_win_share"] == pytest.approx(1 / (1 + 10 ** (50 / 400)), abs=1e-6)
    sel = gap.arena_selection(toy["arena_ratings"], toy["models"])
    g = gap.gap_from_selection(sel, ratio=False)
    assert g.ratio is None and g.vertical.points == pytest.approx(50.0)
    # Within the 2024-06-30 snapshot: closed 1280 on 2023-03-14, open 1250 on 2024-04-18 ...
    assert g.selection.as_of == pd.Timestamp("2024-06-30")


# --------------------------------------------------------------------------- warehouse and CLI


def test_cli_gap_json_on_a_built_warehouse(
    toy_warehouse: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = cli_main(["gap", "--benchmark", "Toy-Bench", "--as-of", "2025-06-01", "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0
    assert out["benchmark"] == "Toy-Bench"
    assert out["best_open"] | {} == out["best_open"]
    assert {k: out["best_open"][k] for k in ("model", "score", "date")} == {
        "model": "O-B",
        "score": 80.0,
        "date": "2024-04-18",
    }
    assert {k: out["best_closed"][k] for k in ("model", "score", "date")} == {
        "model": "C-C",
        "score": 90.0,
        "date": "2024-01-01",
    }
    assert out["ratio"] == pytest.approx(80 / 90, abs=1e-6)
    assert out["lag_months"] == pytest.approx(TOY_LAG, abs=1e-6)
    assert out["source"] == "independent" and out["configurations"][0]["setting"] == "default"


def test_cli_gap_text_and_errors(toy_warehouse: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli_main(["gap", "--benchmark", "Toy-Bench", "--as-of", "2025-06-01"]) == 0
    text = capsys.readouterr().out
    assert "Best closed: C-C 90 % (released 2024-01-01)" in text
    assert "Lag: 13.1 months" in text  # 13.054
    assert "Open-weight frontier" in text and "O-A" in text
    assert cli_main(["gap", "--benchmark", "Toy Bnch"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: benchmark = 'Toy Bnch'") and "Toy-Bench" in err
    assert cli_main(["gap", "--benchmark", "Toy-Bench", "--source", "vendor"]) == 1
    assert "not comparable" in capsys.readouterr().err
    assert cli_main(["gap", "--list", "--json"]) == 0
    listing = json.loads(capsys.readouterr().out)
    assert {"benchmark": "Toy-Bench", "independent_models": 7, "vendor_models": 3} in listing


def test_warehouse_helpers_on_a_built_warehouse(toy_warehouse: Path) -> None:
    q = gap.quality_vs_price("Toy-Bench", "2024-12-31").set_index("model_id")
    # model_prices_at: c-b first-party 7.5, c-c 15, o-b median of one host 0.625.
    assert q["blended_usd_per_mtok"].to_dict() == pytest.approx(
        {"o-b": 0.625, "c-b": 7.5, "c-c": 15.0}
    )
    assert q["on_frontier"].to_dict() == {"o-b": True, "c-b": False, "c-c": True}
    trend = gap.price_trend("Toy-Bench", 80.0, "2025-01-01")
    assert trend[trend["group"] == "All"]["usd_per_mtok"].min() == pytest.approx(0.625)
    claims = gap.claims_table(["Toy-Bench"], "2025-06-01")
    assert "claim-12" in set(claims["claim_id"])
    arena = gap.benchmark_gap("arena", as_of="2024-06-30")
    assert arena.vertical.points == pytest.approx(50.0) and arena.ratio is None
    # Cost at equal capability, at the prices in force (model_prices_at: the developer's
    # own price where it sells one). At 80% of C-C's 90 (72): O-B (80, a host's $0.625)
    # against the cheapest closed at the level, C-B (80, acme's own $7.5): 12x.
    cost = gap.capability_cost("Toy-Bench", "2024-12-31", share=0.8)
    assert (cost.open_model.model, cost.open_model.price_basis) == ("O-B", "median of 1 host")
    assert cost.cheapest_closed.model == "C-B"
    assert cost.cheapest_closed.price_basis == "first-party: acme"
    assert cost.closed_frontier.model == "C-C" and cost.closed_frontier.usd_per_mtok == 15.0
    assert cost.factor_vs_cheapest_closed == pytest.approx(12.0)
    assert cost.factor_vs_frontier == pytest.approx(24.0)


def test_warehouse_reads_and_gaps_are_kept_per_warehouse_version(toy_warehouse: Path) -> None:
    first = gap.benchmark_gap("Toy-Bench", as_of="2025-06-01")
    assert first.lag_months == pytest.approx(TOY_LAG, abs=1e-6)
    # The same question again is the same answer, not a new computation; so is the claim
    # check's gap on the same date (the panel and its claim check share it).
    assert gap.benchmark_gap("Toy-Bench", as_of=pd.Timestamp("2025-06-01")) is first
    claims = gap.claims_table(["Toy-Bench"], "2025-06-01").set_index("claim_id")
    assert claims.loc["performance-90-95", "now_value"] == pytest.approx(first.ratio)
    assert first.estimate is not None and first.estimate.ratio.value == pytest.approx(first.ratio)
    assert gap.benchmark_gap("Toy-Bench", as_of="2025-06-01") is first
    # Only the latest is kept for a moving date: another date, then back, computes again.
    other = gap.benchmark_gap("Toy-Bench", as_of="2024-12-31")
    assert other is not first and other.lag_months == pytest.approx(TOY_LAG, abs=1e-6)
    again = gap.benchmark_gap("Toy-Bench", as_of="2025-06-01")
    assert again is not first and again.to_dict() == first.to_dict()
    # Errors are answers too, with the same message each time.
    for _ in range(2):
        with pytest.raises(GapError, match="has no open-weight model"):
            gap.benchmark_gap("Toy-Bench", as_of="2023-01-15")
    # Tables handed out are copies: changing one leaves the next read as it was.
    scores = gap.load_tables("benchmark_scores")["benchmark_scores"]
    scores["score"] = 0.0
    assert gap.load_tables("benchmark_scores")["benchmark_scores"]["score"].max() > 0
    # A changed warehouse file is a new version: nothing kept for the old one is used.
    db = Path(os.environ["AISTRAT_WAREHOUSE"])
    before = db.stat().st_mtime_ns
    os.utime(db, ns=(before + 10**9, before + 10**9))
    fresh = gap.benchmark_gap("Toy-Bench", as_of="2025-06-01")
    assert fresh is not again and fresh.to_dict() == first.to_dict()


# --------------------------------------------------------------------------- the real warehouse


@pytest.fixture(scope="module")
def real_tables() -> dict[str, pd.DataFrame]:
    if not (config.datasets_dir() / "benchmark_scores.csv").is_file():
        if IN_CI:
            pytest.fail("datasets/benchmark_scores.csv is missing")
        pytest.skip("the curated datasets are not in place yet")
    return gap.load_tables("benchmark_scores", "models")


def test_real_gpqa_diamond_independent_is_within_sanity_bounds(
    real_tables: dict[str, pd.DataFrame],
) -> None:
    g = gap.measure_gap(real_tables["benchmark_scores"], real_tables["models"], "GPQA-Diamond")
    assert g.selection.source == "independent"
    assert g.lag_months is not None and 0 < g.lag_months < 36
    assert g.ratio is not None and 0 < g.ratio <= 1.2
    assert g.selection.rows["open_weights"].sum() >= 5
    assert (~g.selection.rows["open_weights"]).sum() >= 5
    assert set(g.selection.rows["eval_relationship"]) == {"independent"}
    # The lag is the level-by-level definition's, to the day.
    expected = _lag_level_by_level(g.selection.rows, gap.DEFAULT_LEVELS)
    levels = g.horizontal.levels
    assert list(zip(levels["level"], levels["lag_months"], strict=True)) == expected


def test_prices_of_a_day_are_those_of_its_price_period(
    real_tables: dict[str, pd.DataFrame],
) -> None:
    # The periods are read in one query; each day's prices must be what the warehouse's
    # own macro says that day: on every change date, the day before it, and far away.
    from datetime import date, timedelta

    from analysis import warehouse
    from analysis.gap.store import PricePeriods

    periods = PricePeriods.read()
    assert len(periods.changes) > 20 and periods.changes == sorted(set(periods.changes))
    days = {date(2001, 1, 1), date(2040, 1, 1)}
    days |= {d + timedelta(days=k) for d in periods.changes for k in (-1, 0)}
    for day in sorted(days):
        expected = warehouse.query(
            "SELECT * FROM model_prices_at(?) ORDER BY model_id", [day], backend="pandas"
        )
        pd.testing.assert_frame_equal(periods.at(day), expected, obj=str(day))
    # A price change is seen from its day on: some day's prices differ from the day before's.
    assert any(not periods.at(d).equals(periods.at(d - timedelta(days=1))) for d in periods.changes)
    # Each caller gets a frame of its own: changing one leaves the next as it was.
    mine = gap.model_prices(periods.changes[-1])
    mine.loc[0, "input_usd_per_mtok"] = -1.0
    assert gap.model_prices(periods.changes[-1]).loc[0, "input_usd_per_mtok"] != -1.0


def test_a_one_sided_selection_is_refused(toy: dict[str, pd.DataFrame]) -> None:
    # By 2023-01-15 only the closed C-A (2023-01-01) is out.
    with pytest.raises(GapError, match="has no open-weight model, only 1 closed"):
        gap.measure_gap(toy["benchmark_scores"], toy["models"], "Toy-Bench", as_of="2023-01-15")


def test_gap_modules_hold_no_command_line_and_the_pure_ones_no_warehouse() -> None:
    # The command line (argparse, printing) lives in analysis/cli/gap.py; only the store
    # reads the warehouse.
    import ast

    for path in sorted((REPO / "analysis" / "gap").glob("*.py")):
        names = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names |= {a.name for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module:
                names |= {node.module, *(f"{node.module}.{a.name}" for a in node.names)}
        assert not names & {"argparse", "analysis.cli", "analysis.console"}, path.name
        if path.stem != "store":
            assert "analysis.warehouse" not in names, path.name
    assert set(gap.__all__) <= set(dir(gap))
