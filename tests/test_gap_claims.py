"""The claim check on a hand-built ECI: each claim read as meant, measured then and now on its
own metric, and each verdict following from the interval shown. Figures worked out by hand."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from analysis import gap
from analysis.gap.verdicts import CONSISTENT, DIFFERS, NOT_COMPARABLE, NOT_MEASURABLE

M = 30.4375
BOOT = gap.Bootstrap(resamples=300)
SRC = "test/toy:eci.csv@0000000"

# Epoch-style index, two snapshots. (name, open, model_date, eci); the later snapshot adds
# O-B and gives every model a ±2 interval.
EARLY = [
    ("C-0", False, "2022-10-01", 100.0),
    ("C-A", False, "2023-01-01", 120.0),
    ("C-B", False, "2023-03-14", 130.0),
    ("C-C", False, "2024-01-01", 140.0),
    ("O-A", True, "2023-02-01", 120.0),
]
LATE = [*EARLY, ("O-B", True, "2024-04-18", 130.0)]


def eci_table() -> pd.DataFrame:
    rows = []
    for snap, models, ci in (("2024-03-31", EARLY, None), ("2024-12-31", LATE, 2.0)):
        for name, ow, day, value in models:
            rows.append(
                {
                    "snapshot": snap,
                    "eci_model": name,
                    "model_id": None,
                    "eci": value,
                    "ci_low": None if ci is None else value - ci,
                    "ci_high": None if ci is None else value + ci,
                    "model_date": day,
                    "organisation": "Lab",
                    "open_weights": ow,
                    "source": SRC,
                    "source_date": snap,
                }
            )
    return pd.DataFrame(rows)


MODELS = pd.DataFrame({"model_id": ["x"], "open_weights": [True], "release_date": ["2023-01-01"]})
SCORES = pd.DataFrame(
    columns=["model_id", "benchmark", "score", "scale", "eval_relationship", "source"]
)
CLAIMS = pd.DataFrame(
    [
        # An ECI claim: "4 months, about 8 ECI points" over January-May 2024.
        ("eci-2024-06", "Index Lab", "2024-06-01", "Epoch Capabilities Index (ECI)", 4.0, None,
         8.0, "ECI points", "2024-01-01", "2024-05-31"),
        # Published before any snapshot: not measurable then.
        ("eci-2023-06", "Index Lab", "2023-06-01", "ECI", 3.0, None, None, None, "2023-01",
         "2023-05"),
        # Another benchmark set: not comparable.
        ("private-set", "Blog", "2024-06-01", "17 selected benchmarks (8 private)", 8.0, 10.0,
         None, None, "2023", "2024-05"),
    ],
    columns=["claim_id", "publisher", "published_date", "metric", "lag_months",
             "lag_months_high", "gap_points", "gap_points_unit", "window_start", "window_end"],
).assign(title="t", claim_verbatim="verbatim", url="https://example.org")  # fmt: skip

# Then (2024-06-01, snapshot 2024-03-31): the window ends at the snapshot's date (no
# later model was scored), 2024-01-01..03-31. The open frontier is O-A (120) throughout;
# the closed side reached 120 on 2023-01-01 (C-A; C-0 came first, so not censored). Lag
# on 2024-01-01 is 365 days, on 03-31 455: mean 410 days. Points: C-C 140 - 120 = 20.
THEN_LAG, THEN_POINTS = 410 / M, 20.0
# Now (2025-06-01, snapshot 2024-12-31): O-A until 04-17 (108 days, lags 365..472, sum
# 45,198), then O-B 130 (closed there since 2023-03-14: 401..444 over 44 days, sum 18,590).
# Mean (45,198 + 18,590) / 152 days. Points: 20 for 108 days, 10 for 44.
NOW_LAG, NOW_POINTS = (45198 + 18590) / 152 / M, (20 * 108 + 10 * 44) / 152
# The 2023 claim now: no open model in January (31 days); from 02-01 O-A (120), closed
# since 2023-01-01: lags 31..150 over 120 days.
EARLY_NOW_LAG = (31 + 150) / 2 / M


def check(**kw: object) -> pd.DataFrame:
    return gap.claim_check(
        SCORES, MODELS, CLAIMS, [], eci=eci_table(), as_of="2025-06-01", bootstrap=BOOT, **kw
    )


def follows(row: pd.Series, when: str) -> str:
    """The verdict re-derived from the row's stated values and the interval shown."""
    value, low, high = (row[f"{when}_{k}"] for k in ("value", "ci_low", "ci_high"))
    if pd.isna(value):
        return NOT_MEASURABLE
    top = row["stated_low"] if bool(row["at_least"]) else row["stated_high"]
    if row["stated_low"] <= value and (bool(row["at_least"]) or value <= top):
        return CONSISTENT
    if not pd.isna(low) and (bool(row["at_least"]) or low <= top) and high >= row["stated_low"]:
        return CONSISTENT
    return DIFFERS


def test_an_eci_claim_is_judged_then_and_now_from_the_intervals_shown() -> None:
    t = check()
    lag = t[(t["claim_id"] == "eci-2024-06") & (t["figure"] == "lag")].iloc[0]
    assert (
        lag["stated"] == "4 months" and "3.5–4.5 months (the figure as rounded)" in lag["reading"]
    )
    assert lag["then_value"] == pytest.approx(THEN_LAG, abs=1e-5)
    assert lag["now_value"] == pytest.approx(NOW_LAG, abs=1e-5)
    assert "snapshot 2024-03-31" in lag["then_measure"]
    assert "snapshot 2024-12-31" in lag["now_measure"]
    assert "2024-01-01 to 2024-05-31" in lag["now_measure"]
    points = t[(t["claim_id"] == "eci-2024-06") & (t["figure"] == "points")].iloc[0]
    assert points["stated"] == "about 8 ECI points"
    assert points["then_value"] == pytest.approx(THEN_POINTS, abs=1e-5)
    assert points["now_value"] == pytest.approx(NOW_POINTS, abs=1e-5)
    for row in (lag, points):
        for when in ("then", "now"):
            assert row[f"{when}_verdict"] == follows(row, when), (row["figure"], when)
            shown = row[f"{when}_measured"]
            if not pd.isna(row[f"{when}_ci_low"]):
                assert f"{row[f'{when}_ci_low']:.1f}–{row[f'{when}_ci_high']:.1f}" in shown
    # "4 months" is read as 3.5-4.5. Then: 13.5 months, and too few resamples keep both
    # O-A and C-0 (a side's only model, and the model before the level) for an interval:
    # the value decides, 9.5 months longer than the stated 4.
    assert lag["then_verdict"] == DIFFERS and pd.isna(lag["then_ci_low"])
    assert lag["then_detail"].startswith("differs: 9.5 months longer than the stated 4 months")
    assert "2024-01-01 to 2024-03-31" in lag["then_measure"]
    assert (lag["stated_low"], lag["stated_high"]) == (3.5, 4.5)
    assert lag["other_method"].startswith("by new open records")


def test_not_measurable_then_and_not_comparable_say_why() -> None:
    t = check().set_index(["claim_id", "figure"])
    early = t.loc[("eci-2023-06", "lag")]
    assert early["then_verdict"] == NOT_MEASURABLE
    assert "no ECI snapshot was published on or before 2023-06-01" in early["then_detail"]
    assert early["now_value"] == pytest.approx(EARLY_NOW_LAG, abs=1e-5)
    assert early["now_verdict"] == follows(early, "now")
    other = t.loc[("private-set", "lag")]
    assert (other["then_verdict"], other["now_verdict"]) == (NOT_COMPARABLE, NOT_COMPARABLE)
    assert "17 selected benchmarks" in other["now_detail"] and "ECI" in other["now_detail"]
    assert other["stated"] == "8–10 months"
    # No ECI data at all: the ECI claims are not measurable, with the reason.
    bare = gap.claim_check(SCORES, MODELS, CLAIMS, [], as_of="2025-06-01", bootstrap=BOOT)
    row = bare.set_index(["claim_id", "figure"]).loc[("eci-2024-06", "lag")]
    assert row["now_verdict"] == NOT_MEASURABLE and "no ECI data" in row["now_detail"]


def test_each_eci_date_and_window_is_measured_once() -> None:
    asked: list[tuple[date, tuple[date, date]]] = []
    index = gap.eci_window_gap  # the default measurement, counted

    def measure(when: date, window: tuple[date, date]) -> gap.EciWindowGap:
        asked.append((when, window))
        return index(
            eci_table(), MODELS, as_of=when, window=window, bootstrap=BOOT, published_by=when
        )

    t = check(eci_measure=measure)
    # Two figures (lag, points) of one claim, then and now, rest on two measurements; the
    # 2023 claim adds one (now; then there is no snapshot, which the measurement says).
    assert sorted(asked) == sorted(
        [
            (date(2024, 6, 1), (date(2024, 1, 1), date(2024, 5, 31))),  # cut at 03-31 inside
            (date(2025, 6, 1), (date(2024, 1, 1), date(2024, 5, 31))),
            (date(2023, 6, 1), (date(2023, 1, 1), date(2023, 5, 31))),
            (date(2025, 6, 1), (date(2023, 1, 1), date(2023, 5, 31))),
        ]
    )
    pd.testing.assert_frame_equal(t, check())


def test_window_bounds_read_the_claims_precision() -> None:
    assert gap.window_bounds("2023-01", "2025-10") == (date(2023, 1, 1), date(2025, 10, 31))
    assert gap.window_bounds("2018", "2024") == (date(2018, 1, 1), date(2024, 12, 31))
    assert gap.window_bounds("2026-01-01", "2026-05-28") == (date(2026, 1, 1), date(2026, 5, 28))
    assert gap.window_bounds(None, "2024") is None
    assert gap.is_eci_metric("Epoch Capabilities Index (ECI)") and not gap.is_eci_metric("MMLU")
