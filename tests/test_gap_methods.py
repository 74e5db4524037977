"""The gap's methods on small hand-made frontiers: lag variants, bootstrap intervals, claim
verdicts, cost at equal capability and the trend. Every expected figure is worked out by hand
in the comments (day counts include 29 February 2024)."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis import gap
from analysis.errors import GapError
from analysis.gap import timeline
from analysis.gap.intervals import model_draws
from analysis.gap.verdicts import floor, judge, not_comparable, not_measurable, point, span

M = 30.4375  # days per month


def selection(rows: list[tuple], unit: str = "%", as_of: str = "2024-06-30") -> gap.Selection:
    """A Selection built by hand: (model_id, open_weights, release_date, score[, lo, hi])."""
    cols = ["model_id", "open_weights", "release_date", "score", "ci_low", "ci_high"]
    df = pd.DataFrame([r + (None,) * (6 - len(r)) for r in rows], columns=cols)
    df["release_date"] = pd.to_datetime(df["release_date"])
    df["ci_low"] = df["ci_low"].astype(float)
    df["ci_high"] = df["ci_high"].astype(float)
    df = df.assign(
        model=df["model_id"],
        group=df["open_weights"].map(lambda o: "Open weights" if o else "Closed"),
        reported_by="Test Lab",
        source="test",
        setting=None,
    )
    return gap.Selection("Toy", "independent", "one configuration", [], unit,
                         pd.Timestamp(as_of), df)  # fmt: skip


# Closed: 30 on 2023-10-01, 50 on 2024-01-01, 70 on 2024-03-01.
# Open:   50 on 2024-02-01, 70 on 2024-05-01.
HAND = [
    ("c0", False, "2023-10-01", 30.0),
    ("c1", False, "2024-01-01", 50.0),
    ("c2", False, "2024-03-01", 70.0),
    ("o1", True, "2024-02-01", 50.0),
    ("o2", True, "2024-05-01", 70.0),
]
WINDOW = ("2024-02-01", "2024-05-31")
# Days, window 2024-02-01..05-31 (121 days). Feb 1..Apr 30 (90 days): open at 50, which the
# closed side reached on 01-01: lags 31..120 days, sum 6795. May 1..31 (31 days): open at 70,
# closed there since 03-01: lags 61..91, sum 2356. Mean (6795 + 2356) / 121 days.
DAYS_LAG = (6795 + 2356) / 121 / M  # 2.4847 months
# Records: the open records on 02-01 (31 days behind) and 05-01 (61 days behind).
RECORDS_LAG = (31 + 61) / 2 / M  # 1.5113 months
# Levels: 50 (open 31 days after closed) and 100 levels above 50 up to 70 (61 days each).
LEVELS_LAG = (31 + 100 * 61) / 101 / M  # 1.9943 months
# Points, days: 0 in February (29 days, 50 vs 50), 20 in March-April (61 days, 70 vs 50),
# 0 in May (31 days): 1220 / 121. Points at the two records: 0 and 0.
DAYS_POINTS = 20 * 61 / 121  # 10.0826


def test_each_lag_method_on_a_hand_made_frontier() -> None:
    sel = selection(HAND)
    one = gap.Bootstrap(resamples=20)
    for method, lag, points in (
        ("days", DAYS_LAG, DAYS_POINTS),
        ("records", RECORDS_LAG, 0.0),
        ("levels", LEVELS_LAG, 0.0),  # levels: points as of 2024-06-30, 70 vs 70
    ):
        e = gap.estimate_gap(sel, method=method, window=WINDOW, bootstrap=one)
        assert e.lag_months.value == pytest.approx(lag, abs=1e-6), method
        assert e.points.value == pytest.approx(points, abs=1e-6), method
        assert e.method.lag == method
        assert e.lag_variants["levels"].value == pytest.approx(LEVELS_LAG, abs=1e-6)
    e = gap.estimate_gap(sel, method="days", window=WINDOW, bootstrap=one)
    assert e.counts == {"days_used": 121, "left_censored": 0, "open_ahead": 0, "no_open_model": 0}
    assert e.lag_variants["records"].value == pytest.approx(RECORDS_LAG, abs=1e-6)
    assert "2024-02-01 to 2024-05-31" in e.method.description
    # The levels variant is the horizontal gap the GapResult reports.
    g = gap.gap_from_selection(sel)
    assert g.lag_months == pytest.approx(LEVELS_LAG, abs=1e-6)


def test_run_sums_equal_the_day_by_day_definition() -> None:
    # Day by day: for each day t, O(t), C(t), the first closed day reaching O(t).
    rng = np.random.default_rng(3)
    days = pd.date_range("2023-01-01", "2024-12-31")
    rows = [
        (f"m{i}", bool(rng.integers(0, 2)), str(days[rng.integers(0, len(days))].date()),
         float(rng.integers(10, 90)))
        for i in range(40)
    ]  # fmt: skip
    sel = selection(rows)
    o, c = timeline.sides(sel.rows)
    first, last = timeline.day_numbers(pd.Series(["2023-06-01", "2024-10-31"]))
    got = timeline.window_arrays(
        o, c, timeline.score_matrix(o), timeline.score_matrix(c), (first, last), "days"
    )
    df = sel.rows
    lags, points = [], []
    closed = df[~df["open_weights"]].sort_values("release_date")
    first_closed = closed["release_date"].min()
    for t in pd.date_range("2023-06-01", "2024-10-31"):
        seen = df[df["release_date"] <= t]
        op, cl = seen[seen["open_weights"]], seen[~seen["open_weights"]]
        if op.empty:
            continue
        level = op["score"].max()
        if not cl.empty:
            points.append(cl["score"].max() - level)
        reach = closed[closed["score"] >= level]["release_date"].min()
        if pd.isna(reach) or reach == first_closed:
            continue  # open ahead, or left-censored
        lags.append((t - reach).days)
    assert got.lag_months[0] == pytest.approx(np.mean(lags) / M, abs=1e-9)
    assert got.points[0] == pytest.approx(np.mean(points), abs=1e-9)


def test_left_censored_and_open_ahead_days_are_left_out_and_said() -> None:
    # The closed side starts at 60 (2024-01-01): the open 50 of February is a level closed
    # models held from the data's first day, so its lag is unknown (left-censored).
    sel = selection([("c", False, "2024-01-01", 60.0), ("o", True, "2024-02-01", 50.0)])
    e = gap.estimate_gap(sel, method="days", window=("2024-02-01", "2024-02-29"),
                         bootstrap=gap.Bootstrap(resamples=20))  # fmt: skip
    assert e.lag_months.value is None and "left-censored" in (e.lag_months.note or "")
    assert e.counts["left_censored"] == 29
    assert any("lower bound" in n for n in e.notes)
    # Open ahead of every closed model: no closed day reaches its level.
    ahead = selection([("c0", False, "2023-01-01", 10.0), ("c", False, "2024-01-01", 40.0),
                       ("o", True, "2024-02-01", 50.0)])  # fmt: skip
    e = gap.estimate_gap(ahead, method="days", window=("2024-02-01", "2024-02-29"),
                         bootstrap=gap.Bootstrap(resamples=20))  # fmt: skip
    assert e.lag_months.value is None and e.counts["open_ahead"] == 29
    assert e.points.value == pytest.approx(-10.0)  # closed 40 - open 50


def test_a_lag_is_negative_when_the_closed_side_gets_there_later() -> None:
    # Open reaches 50 on 2024-02-01; closed only on 2024-03-01 (29 days later). As of
    # 2024-03-31, the February days have a negative lag.
    sel = selection([("c0", False, "2023-01-01", 10.0), ("c", False, "2024-03-01", 50.0),
                     ("o", True, "2024-02-01", 50.0)], as_of="2024-03-31")  # fmt: skip
    e = gap.estimate_gap(sel, method="records", window=("2024-02-01", "2024-02-29"),
                         bootstrap=gap.Bootstrap(resamples=20))  # fmt: skip
    assert e.lag_months.value == pytest.approx(-29 / M, abs=1e-6)


# --------------------------------------------------------------------------- bootstrap


def test_resampling_draws_are_seeded_per_model_and_reproducible() -> None:
    a_in, a_z = model_draws("model-a", 500, 7)
    assert np.array_equal(a_in, model_draws("model-a", 500, 7)[0])
    assert not np.array_equal(a_in, model_draws("model-a", 500, 8)[0])
    assert not np.array_equal(a_in, model_draws("model-b", 500, 7)[0])
    # Poisson(1) bootstrap: a model is in a resample with probability 1 - 1/e.
    assert a_in.mean() == pytest.approx(1 - np.exp(-1), abs=0.05)
    assert a_z.std() == pytest.approx(1.0, abs=0.1)
    sel = selection(HAND)
    boot = gap.Bootstrap(resamples=300, seed=11)
    one = gap.estimate_gap(sel, method="days", window=WINDOW, bootstrap=boot)
    two = gap.estimate_gap(sel, method="days", window=WINDOW, bootstrap=boot)
    assert one == two
    assert one.method.seed == 11 and one.method.resamples == 300
    other = gap.estimate_gap(sel, method="days", window=WINDOW, bootstrap=gap.Bootstrap(300, 12))
    assert other != one  # another seed, other resamples


def test_interval_from_per_model_intervals_has_the_hand_computed_width() -> None:
    # Three copies of each side's model (released the same day, same score and interval),
    # so a side is missing from a resample with probability e^-3 (5%). Closed 150 ± 3.29
    # (90%: sd 2), open 140 ± 3.29 (sd 2). True gap 10. The gap's 90% interval is the
    # max of the redrawn closed copies minus the max of the open ones; we check it
    # covers 10 and is about as wide as the difference of two normals of sd 2
    # (2 × 1.645 × √8 = 9.3) narrowed by the max of up to three draws.
    z = 1.6448536
    rows = [(f"c{i}", False, "2024-01-01", 150.0, 150 - 2 * z, 150 + 2 * z) for i in range(3)]
    rows += [(f"o{i}", True, "2024-01-01", 140.0, 140 - 2 * z, 140 + 2 * z) for i in range(3)]
    e = gap.estimate_gap(selection(rows, unit="ECI points"), method="levels",
                         bootstrap=gap.Bootstrap(resamples=2000), ratio=False)  # fmt: skip
    p = e.points
    assert p.value == pytest.approx(10.0)
    assert p.ci_low < 10.0 < p.ci_high
    assert 5.0 < p.ci_high - p.ci_low < 10.0
    assert p.defined >= 0.85 * 2000


def test_bootstrap_interval_covers_the_known_true_gap() -> None:
    # 120 datasets drawn around a known truth: four closed models at true ECI 150 and four
    # open ones at 140 (true gap 10), each observed with noise of sd 2 and carrying its
    # 90% interval. The 90% interval should cover 10 in most of them.
    rng = np.random.default_rng(2026)
    z = 1.6448536
    covered = 0
    trials = 120
    for trial in range(trials):
        rows = []
        for side, truth in ((False, 150.0), (True, 140.0)):
            for i in range(4):
                seen = truth + rng.normal(0, 2)
                rows.append((f"{trial}-{side}-{i}", side, "2024-01-01", seen, seen - 2 * z,
                             seen + 2 * z))  # fmt: skip
        e = gap.estimate_gap(selection(rows, unit="ECI points"), method="levels",
                             bootstrap=gap.Bootstrap(resamples=200), ratio=False)  # fmt: skip
        covered += e.points.ci_low <= 10.0 <= e.points.ci_high
    assert covered / trials >= 0.85


def test_model_resampling_alone_gives_an_interval_that_covers_the_observed_lag() -> None:
    # Each frontier model tripled (same day, same score): the observed frontier survives
    # in 95% of resamples, so the 90% interval of the lag collapses onto the true value.
    rows = []
    for mid, ow, day, score in HAND:
        rows += [(f"{mid}-{k}", ow, day, score) for k in range(3)]
    e = gap.estimate_gap(selection(rows), method="days", window=WINDOW,
                         bootstrap=gap.Bootstrap(resamples=1000))  # fmt: skip
    assert e.lag_months.ci_low <= DAYS_LAG <= e.lag_months.ci_high
    assert e.lag_months.ci_high - e.lag_months.ci_low < 1.0
    assert "Poisson bootstrap" in e.method.resampling
    assert e.method.model_intervals.startswith("none")


def test_bootstrap_settings_are_checked() -> None:
    with pytest.raises(GapError, match="at least 20"):
        gap.Bootstrap(resamples=5)
    with pytest.raises(GapError, match="level"):
        gap.Bootstrap(level=90)
    with pytest.raises(GapError, match="method"):
        gap.estimate_gap(selection(HAND), method="weeks")


# --------------------------------------------------------------------------- verdicts


def _est(value: float | None, low: float | None = None, high: float | None = None) -> gap.Estimate:
    return gap.Estimate(value, low, high, "months", 1000)


def test_each_verdict_level_is_reached_by_a_constructed_claim() -> None:
    four = point(4.0, "months", "4 months", words=("longer", "shorter"))
    # consistent: the stated 4 lies inside the interval 3.1-6.2.
    v = judge(four, _est(4.4, 3.1, 6.2))
    assert v.level == gap.CONSISTENT and "3.1–6.2" in v.text
    # differs, longer: the interval 5.2-11.0 lies above 4; size 7.9 - 4 = 3.9.
    v = judge(four, _est(7.9, 5.2, 11.0))
    assert (v.level, v.direction, v.size) == (gap.DIFFERS, "longer", pytest.approx(3.9))
    assert v.text.startswith("differs: 3.9 months longer than the stated 4 months")
    # differs, shorter: a range 8-10 against 4.6 (2.1-5.9): 4.6 - 8 = -3.4.
    eight_ten = span(8.0, 10.0, "months", "8–10 months", words=("longer", "shorter"))
    v = judge(eight_ten, _est(4.6, 2.1, 5.9))
    assert (v.level, v.direction, v.size) == (gap.DIFFERS, "shorter", pytest.approx(-3.4))
    # A range overlapping the interval is consistent.
    assert judge(eight_ten, _est(6.0, 4.0, 8.5)).level == gap.CONSISTENT
    # "4 months" is a rounded figure, read as 3.5-4.5: without an interval, 4.4 is
    # consistent and 4.6 differs by 0.6 (from the stated 4).
    assert (four.low, four.high) == (3.5, 4.5) and "3.5–4.5" in four.declared
    assert judge(four, _est(4.4)).level == gap.CONSISTENT
    v = judge(four, _est(4.6))
    assert (v.level, v.size) == (gap.DIFFERS, pytest.approx(0.6))
    assert point(3.5, "months", "3.5 months").high == pytest.approx(3.55)
    # not comparable, saying which.
    v = not_comparable("17 selected benchmarks", "ECI (one snapshot)")
    assert v.level == gap.NOT_COMPARABLE and "17 selected benchmarks" in v.text
    # not measurable, with the reason.
    v = judge(four, gap.Estimate(None, None, None, "months", 0, "no open model in the window"))
    assert v.level == gap.NOT_MEASURABLE and "no open model" in v.text
    assert not_measurable("no ECI snapshot by 2025-10-30").text.startswith("not measurable")


PERF = floor(0.90, "90–95%", "at least 90%")


@settings(max_examples=200, deadline=None)
@given(
    st.floats(0.5, 1.2),
    st.floats(0.0, 0.2),
    st.floats(0.0, 0.2),
)
def test_performance_claim_is_consistent_whenever_the_ratio_reaches_90_percent(
    ratio: float, below: float, above: float
) -> None:
    v = judge(PERF, gap.Estimate(ratio, ratio - below, ratio + above, "", 1000))
    if ratio >= 0.90:
        assert v.level == gap.CONSISTENT
    elif ratio + above >= 0.90:
        assert v.level == gap.CONSISTENT  # the interval reaches the floor
    else:
        assert v.level == gap.DIFFERS and v.direction == "lower"
        assert v.size == pytest.approx(ratio - 0.90, abs=1e-6)
    # 96% is above "90–95%" yet meets the claim as its authors meant it.
    assert judge(PERF, gap.Estimate(0.96, 0.93, 0.99, "", 1000)).level == gap.CONSISTENT


# --------------------------------------------------------------------------- cost


def test_cost_at_equal_capability_skips_an_unpriced_best_open_model() -> None:
    # Closed frontier C-top 90 ($15); level 90% × 90 = 81. Open: O-best 88 has no price;
    # O-priced 84 at $0.80; O-weak 70 at $0.10 is below the level. Closed at the level:
    # C-top ($15) and C-cheap 82 ($4, cheapest). Factors: 15 / 0.8 = 18.75, 4 / 0.8 = 5.
    rows = pd.DataFrame(
        [
            ("c-top", "C-top", False, 90.0, "2025-01-01"),
            ("c-cheap", "C-cheap", False, 82.0, "2024-06-01"),
            ("c-low", "C-low", False, 60.0, "2024-01-01"),
            ("o-best", "O-best", True, 88.0, "2025-02-01"),
            ("o-priced", "O-priced", True, 84.0, "2024-12-01"),
            ("o-weak", "O-weak", True, 70.0, "2024-03-01"),
        ],
        columns=["model_id", "model", "open_weights", "score", "release_date"],
    )
    prices = pd.DataFrame(
        {
            "model_id": ["c-top", "c-cheap", "c-low", "o-priced", "o-weak"],
            "blended_usd_per_mtok": [15.0, 4.0, 0.5, 0.8, 0.1],
            "price_basis": ["first-party: acme"] * 3
            + ["first-party: openlab", "median of 2 hosts"],
        }
    )
    c = gap.cost_at_capability(rows, prices, benchmark="Toy", as_of="2025-03-01")
    assert c.level == pytest.approx(81.0)
    assert c.closed_frontier.model == "C-top" and c.closed_frontier.usd_per_mtok == 15.0
    assert c.open_model.model == "O-priced" and c.open_model.price_basis == "first-party: openlab"
    assert c.cheapest_closed.model == "C-cheap"
    assert c.factor_vs_frontier == pytest.approx(18.75)
    assert c.factor_vs_cheapest_closed == pytest.approx(5.0)
    assert c.unpriced_open == ["O-best"]
    assert any("O-best" in n and "no price" in n for n in c.notes)
    # A higher bar (95% × 90 = 85.5) leaves only the unpriced O-best: nothing to compare.
    high = gap.cost_at_capability(rows, prices, share=0.95)
    assert high.open_model is None and high.factor_vs_cheapest_closed is None


# --------------------------------------------------------------------------- trend


def test_gap_series_and_trend_on_a_steadily_closing_gap() -> None:
    # Closed at 100 from 2022; each month-start an open model is released 1 point closer
    # (60, 61, …): the points gap falls by 1 a month, 12 a year.
    rows = [(f"c{i}", False, f"2022-0{i + 1}-01", 100.0 + i * 0.0) for i in range(1)]
    months = pd.date_range("2023-01-01", periods=24, freq="MS")
    rows += [(f"o{i}", True, str(d.date()), 60.0 + i) for i, d in enumerate(months)]
    sel = selection(rows, as_of="2024-12-31")
    s = gap.gap_series(sel, end="2024-12-31", months=12, bootstrap=gap.Bootstrap(resamples=200))
    pts = s.table[s.table["figure"] == "points"]
    assert list(pts["value"].round(6)) == [100.0 - (60 + 12 + k) for k in range(12)]
    t = gap.trend(s, "points", 12)
    assert t.per_year.value == pytest.approx(-12.0)
    assert t.per_year.ci_high < 0 and t.reading == "closing"
    with pytest.raises(GapError, match="between 3"):
        gap.trend(s, "points", 24)


def test_month_ends_run_to_the_end_date() -> None:
    from analysis.gap.over_time import month_ends

    assert month_ends(date(2026, 3, 15), 3) == [
        (date(2026, 1, 1), date(2026, 1, 31)),
        (date(2026, 2, 1), date(2026, 2, 28)),
        (date(2026, 3, 1), date(2026, 3, 15)),
    ]
