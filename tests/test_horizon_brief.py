"""The brief's horizon sections: what the text says in each case, and the default brief's."""

from __future__ import annotations

import re
from datetime import date

import pytest

from analysis import memo
from analysis.horizon import (
    DEFAULT_PRESETS,
    HorizonSettings,
    TrendPoint,
    fit_decline,
    horizon_report,
)
from analysis.horizon.store import TrendSet
from analysis.memo import Decision, Names
from tests.test_horizon import BUY_CASE

NAMES = Names(api_model="GPT-4o", api_provider="OpenAI", open_model="Llama 3.3 70B", gpu="H100")


def decision(choice: str) -> Decision:
    return Decision(choice, "headline", "why", {}, None)


@pytest.fixture(scope="module")
def report():  # type: ignore[no-untyped-def]
    return horizon_report(BUY_CASE, HorizonSettings(months=36), presets=DEFAULT_PRESETS)


def test_a_recommendation_that_holds_names_the_shifts_that_would_flip_it(report) -> None:  # type: ignore[no-untyped-def]
    section = memo.horizon_section(report, NAMES, "2026-12-01", decision("self_hosted"))
    assert section.title == "Over the next 36 months"
    # The memo keeps to two pages: the section is its finding; the chart is in appendix A.
    assert section.finding == (
        "The recommendation holds over the next 36 months: self-hosted Llama 3.3 70B costs "
        "least ($207,940 in today's money, against $315,000 for the GPT-4o API) at the "
        "measured price trends; “Closed frontier jumps by 8 ECI points” would flip it to the "
        "GPT-4o API; “API price cut 50%” would flip it to the GPT-4o API."
    )
    assert list(section.paragraphs) == []
    assert len(section.figures) == 1 and section.figures[0].placement == "appendix"
    assert section.numbers["flips"] == 2 and section.numbers["months"] == 36
    detail = " ".join(memo.horizon_paragraphs(report, NAMES, decision("self_hosted")))
    assert "Self-hosted Llama 3.3 70B overtakes the GPT-4o API in month 13." in detail
    assert "36 months, discount rate 0.0% a year" in detail


def test_a_recommendation_the_trends_overturn_is_called_not_robust(report) -> None:  # type: ignore[no-untyped-def]
    section = memo.horizon_section(report, NAMES, "2026-12-01", decision("api"))
    assert section.finding.startswith(
        "Over the next 36 months the trends favour self-hosted Llama 3.3 70B ($207,940 in "
        "today's money, against $315,000 for the GPT-4o API) over the GPT-4o API, the option "
        "recommended: the recommendation is not robust to them"
    )
    plain = memo.horizon_section(report, NAMES, "2026-12-01")
    assert plain.finding.startswith("Over the next 36 months self-hosted Llama 3.3 70B costs least")


def test_no_shift_that_flips_is_said_plainly() -> None:
    quiet = horizon_report(BUY_CASE, HorizonSettings(months=36), presets=DEFAULT_PRESETS[1:2])
    section = memo.horizon_section(quiet, NAMES, "2026-12-01", decision("self_hosted"))
    assert section.finding.endswith("; no frontier shift tried flips it.")
    detail = memo.horizon_paragraphs(quiet, NAMES, decision("self_hosted"))
    assert "No frontier shift tried flips it (“Open models catch up within 6 months”)" in (
        " ".join(detail)
    )


def test_appendix_d_lists_each_shift_each_fit_and_its_rows(report) -> None:  # type: ignore[no-untyped-def]
    points = [TrendPoint(date(2024, 1 + 3 * i, 1), 10.0 / 2**i, f"model {i}") for i in range(4)]
    fitted = fit_decline(points, "Bench >= 50")
    thin = fit_decline(points[:2], "Bench >= 80")
    trends = TrendSet(date(2026, 12, 1), fitted, None, thin, (fitted, thin))
    section = memo.horizon_detail_section(report, NAMES, trends, decision("self_hosted"))
    assert section.eyebrow == "Appendix D" and section.appendix
    shifts, fits, rows = section.tables
    assert [r[0] for r in shifts.rows] == [p.name for p in DEFAULT_PRESETS]
    assert [r[0] for r in fits.rows] == ["Bench >= 50", "Bench >= 80"]  # repeats listed once
    assert fits.rows[1][1] == "not fitted" and "data too thin" in fits.rows[1][4]
    assert [r[3] for r in rows.rows] == [f"model {i}" for i in range(4)]
    assert "1 of 2 price trends have enough data to fit" in section.finding
    assert section.paragraphs == memo.horizon_paragraphs(report, NAMES, decision("self_hosted"))


def test_a_plan_that_fails_a_must_have_is_out_of_the_running(report) -> None:  # type: ignore[no-untyped-def]
    # Self-hosting is cheapest, but say it fails a must-have: the API is the choice.
    ruled = Decision("api", "headline", "why", {"self_hosted": ["processes outside the EU"]}, None)
    section = memo.horizon_section(report, NAMES, "2026-12-01", ruled)
    assert section.finding.startswith("The recommendation holds over the next 36 months: ")
    assert "the GPT-4o API costs least" in section.finding
    text = " ".join(memo.horizon_paragraphs(report, NAMES, ruled))
    assert "Self-hosted Llama 3.3 70B would cost less but fails a must-have." in text
    # Shifts that would only favour the ruled-out plan do not count as flips.
    assert section.numbers["flips"] == 0


@pytest.mark.slow
def test_the_default_brief_has_the_horizon_section(tmp_path_factory) -> None:  # type: ignore[no-untyped-def]
    from tests.test_brief import render_examples

    results = render_examples(tmp_path_factory.getbasetemp() / "brief-examples")
    page = results["default"].html.read_text(encoding="utf-8")
    part = re.search(r'<section[^>]*id="section-horizon".*?</section>', page, re.S)
    assert part is not None
    html = part.group(0)
    assert "Over the next 36 months" in html and "recommendation" in html
    charts = re.search(r'<section[^>]*id="section-charts".*?</section>', page, re.S)
    assert charts is not None and "Cumulative cost over the next 36 months" in charts.group(0)
    trends = re.search(r'<section[^>]*id="section-trends".*?</section>', page, re.S)
    assert trends is not None and "Appendix D" in trends.group(0)
    assert "ECI &gt;= " in trends.group(0) or "ECI >= " in trends.group(0)
