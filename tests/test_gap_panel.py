"""The gap panel on ECI: intervals on every figure, the lag method, the gap month by month
cut at the analysis date, and the claims judged then and now (on the curated data)."""

from __future__ import annotations

import re
from datetime import date

import pytest

from analysis.errors import ScenarioError
from widgets.gap import GapExplorer, GapView

END = date(2026, 11, 30)


def kpis(panel: GapExplorer) -> dict[str, tuple[str, str]]:
    """KPI label -> (value, detail), read back from the panel's HTML."""
    found = re.findall(
        r'class="kpi-label">([^<]*)</div><div class="kpi-value">([^<]*)</div>'
        r'(?:<div class="kpi-detail">([^<]*)</div>)?',
        panel.kpis.value,
    )
    return {label: (value, detail) for label, value, detail in found}


def months_shown(spec: dict) -> list[str]:
    rows = [r for rows in spec.get("datasets", {}).values() for r in rows]
    return sorted({r["month"] for r in rows if "month" in r})


@pytest.fixture(scope="module")
def eci_panel() -> GapExplorer:
    panel = GapExplorer(benchmark="eci", end=END)
    assert panel.message.value == "", panel.message.value
    return panel


def test_the_eci_panel_shows_each_figure_with_its_interval(eci_panel: GapExplorer) -> None:
    cards = kpis(eci_panel)
    lag, detail = cards["Lag of open models"]
    assert lag.endswith("months") and detail.startswith("90% CI ") and "days" in detail
    gap_value, gap_detail = cards["Gap, ECI points"]
    assert float(gap_value) > 0 and gap_detail.startswith("90% CI ")
    e = eci_panel.result.estimate
    assert e is not None and e.lag_months.ci_low <= e.lag_months.ci_high
    assert f"{e.lag_months.ci_low:.1f}–{e.lag_months.ci_high:.1f}" in detail
    assert "Published claims consistent now" in cards
    # The gap month by month, with its bands, beside the frontier.
    spec = eci_panel.chart_specs["over_time"]
    marks = {
        (u["mark"]["type"] if isinstance(u["mark"], dict) else u["mark"])
        for panel in spec["vconcat"]
        for u in panel["layer"]
    }
    assert "area" in marks and "line" in marks
    assert "frontier" in eci_panel.chart_specs
    # The claims judged then and now, and the method in the notes.
    claims = eci_panel.blocks["claims"].value
    assert "Then: data of its day" in claims and "Now: data of" in claims
    notes = eci_panel.blocks["notes"].value
    assert "resamples (seed 2026)" in notes and "Lag by the other methods" in notes


def test_the_lag_method_and_the_end_move_the_analysis(eci_panel: GapExplorer) -> None:
    eci_panel.method.value = "records"
    assert eci_panel.message.value == ""
    assert eci_panel.result.estimate.method.lag == "records"
    assert "records" in kpis(eci_panel)["Lag of open models"][1]
    eci_panel.method.value = None
    whole = months_shown(eci_panel.chart_specs["over_time"])
    eci_panel.dates.value = (date(2023, 1, 1), date(2026, 3, 1))
    assert eci_panel.message.value == ""
    cut = months_shown(eci_panel.chart_specs["over_time"])
    assert cut and max(cut) <= "2026-03-01" < max(whole)
    assert "As of 2026-03-01." in " ".join(eci_panel.chart_specs["over_time"]["title"]["subtitle"])
    # The start trims the frontier only: the month-by-month chart stays as it was.
    before = eci_panel.chart_specs["over_time"]
    eci_panel.dates.value = (date(2025, 1, 1), date(2026, 3, 1))
    assert eci_panel.chart_specs["over_time"] == before
    eci_panel.dates.value = (date(2023, 1, 1), END)


def test_the_method_round_trips_with_the_state(eci_panel: GapExplorer, tmp_path) -> None:
    eci_panel.method.value = "levels"
    path = eci_panel.save(tmp_path / "gap.yaml")
    assert "method: levels" in path.read_text()
    fresh = GapExplorer(benchmark="eci", end=END)
    assert fresh.load(path) == eci_panel.read_state()
    assert fresh.result.estimate.method.lag == "levels"
    eci_panel.method.value = None
    with pytest.raises(ScenarioError, match="method"):
        GapView("eci", "independent", date(2024, 1, 1), END, method="weeks")
