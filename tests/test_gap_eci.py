"""The gap on the curated ECI data: the January-May 2026 gap with its interval and method,
the command line's figures, and the brief's claim table for Epoch's May 2026 claim, each
verdict re-derived from the interval the table shows."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest

from analysis import gap
from analysis.cli import main as cli_main
from analysis.memo.sections.claims import claims_section

TODAY = date(2026, 12, 4)
WINDOW = (date(2026, 1, 1), date(2026, 5, 28))  # Epoch's 2026-05 claim's period


def test_the_january_to_may_2026_eci_gap_has_its_interval_and_method() -> None:
    g = gap.benchmark_gap("eci", as_of=TODAY, window=WINDOW)
    e = g.estimate
    assert e is not None and g.selection.benchmark == "ECI" and g.measure.startswith("index")
    assert g.selection.snapshot is not None  # one snapshot, named
    assert g.ratio is None and e.ratio.value is None  # ECI has no true zero
    assert g.selection.rows["source"].notna().all()  # every ECI row cites its source
    for fig in (e.lag_months, e.points):
        assert fig.value is not None and fig.ci_low is not None and fig.ci_high is not None
        assert fig.ci_low < fig.ci_high and fig.defined >= 500
    assert 0 < e.lag_months.value < 24 and 0 < e.points.value < 30
    m = e.method
    assert (m.lag, m.window_start, m.resamples, m.seed, m.level) == (
        "days",
        WINDOW[0],
        1000,
        gap.DEFAULT_SEED,
        0.9,
    )
    assert m.window_end <= WINDOW[1]
    assert "Poisson bootstrap" in m.resampling and "two-piece normals" in m.model_intervals
    # Both window variants are reported; the same seed gives the same figures.
    assert {"days", "records"} <= set(e.lag_variants)
    again = gap.benchmark_gap("eci", as_of=TODAY, window=WINDOW, intervals=gap.Bootstrap())
    assert again.estimate == e


def test_cli_gap_json_gives_intervals_and_method(capsys: pytest.CaptureFixture[str]) -> None:
    code = cli_main(["gap", "--as-of", "2026-12-04", "--window-start", "2026-01-01",
                     "--window-end", "2026-05-28", "--resamples", "200", "--json"])  # fmt: skip
    out = json.loads(capsys.readouterr().out)
    assert code == 0 and out["benchmark"] == "ECI" and out["measure"] == "index of many benchmarks"
    for name in ("points", "lag_months"):
        fig = out["figures"][name]
        assert {"value", "ci_low", "ci_high", "unit"} <= set(fig)
        assert fig["ci_low"] <= fig["ci_high"]
    assert out["figures"]["ratio"]["value"] is None  # no ratio on an interval scale
    assert out["method"]["lag"] == "days" and out["method"]["resamples"] == 200
    assert out["method"]["window_start"] == "2026-01-01" and out["snapshot"]
    assert set(out["method"]["lag_variants"]) >= {"days", "records"}
    # A single benchmark stays available, labelled as such.
    assert cli_main(["gap", "--benchmark", "GPQA-Diamond", "--as-of", "2026-12-04",
                     "--resamples", "100"]) == 0  # fmt: skip
    assert "GPQA-Diamond (single benchmark)" in capsys.readouterr().out


NUMBER = r"(-?\d+(?:\.\d+)?)"


def _judged(cell: str) -> list[tuple[float, float, float, str]]:
    """(value, ci_low, ci_high, verdict) for each figure a cell shows."""
    out = []
    for part in cell.split(" · "):
        m = re.search(rf"{NUMBER}[^()]*\(CI {NUMBER}–{NUMBER}%?\): (consistent|differs)", part)
        assert m, part
        out.append((float(m[1]), float(m[2]), float(m[3]), m[4]))
    return out


def test_the_brief_judges_epochs_may_2026_claim_then_and_now_from_the_intervals_shown() -> None:
    section = claims_section(["GPQA-Diamond"], TODAY)
    table = section.tables[0]
    row = next(r for r in table.rows if r[0].startswith("Epoch AI, 2026-05"))
    assert row[1] == "4 months (3.5–4.5); 8 ECI points (7.5–8.5)"  # "4 months, about 8 ECI points"
    assert "Then" in table.columns[2] and "Now" in table.columns[3]
    stated = [(3.5, 4.5), (7.5, 8.5)]
    for cell in row[2:]:
        figures = _judged(cell)
        assert len(figures) == 2  # the lag and the ECI gap
        for (value, low, high, verdict), (s_low, s_high) in zip(figures, stated, strict=True):
            follows = (
                "consistent"
                if (s_low <= value <= s_high or (low <= s_high and high >= s_low))
                else "differs"
            )
            assert verdict == follows, cell
    # The section's headline reflects both dates, and the declared readings are stated.
    assert "Epoch AI's “4 months” (2026-05-29)" in section.finding
    assert "today's data" in section.finding and "data of its day" in section.finding
    assert "“90–95%” as ≥ 90%" in table.note and "as rounded" in table.note
    perf = next(r for r in table.rows if "90–95%" in r[0])
    assert perf[1] == "read: ≥ 90%"
    share, low, high, verdict = _judged(perf[3])[0]
    if share >= 90.0 or high >= 90.0:  # the ratio, or its interval, reaches the floor
        assert verdict == "consistent"
    else:
        assert verdict == "differs"


def test_the_headline_says_when_the_two_lag_methods_disagree() -> None:
    from analysis.memo.sections.claims import headline

    claim = {
        "publisher": "Epoch AI",
        "stated": "4 months",
        "published_date": "2026-05-29",
        "figure": "lag",
        "now_verdict": "differs",
        "now_measured": "7.7 months (90% CI 5.4–11.9)",
        "then_verdict": "differs",
        "then_measured": "7.7 months (90% CI 5.1–10.7)",
        "other_method": "by new open records: 5.2 months (90% CI 3.9–9.9), consistent",
    }
    split = headline(claim)
    assert split.startswith("Epoch AI's “4 months” (2026-05-29): the verdict depends on the lag")
    assert "Averaged over days it differs from today's data, 7.7 months (90% CI 5.4–11.9)" in split
    assert "by new open records it is consistent, 5.2 months (90% CI 3.9–9.9)" in split
    # When both methods agree, one verdict is stated, then and now.
    agreed = headline(
        {**claim, "other_method": claim["other_method"].replace("consistent", "differs")}
    )
    assert "depends on" not in agreed and "differs from today's data" in agreed
    assert "with the data of its day it already differed: 7.7 months (90% CI 5.1–10.7)" in agreed
