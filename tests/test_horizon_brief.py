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
    assert section.finding.startswith("Over the next 36 months the recommendation holds: ")
    assert "self-hosted Llama 3.3 70B costs least" in section.finding
    text = " ".join(section.paragraphs)
    assert "$207,940 over 36 months" in text  # the worked example's NPV, undiscounted
    assert "the GPT-4o API $315,000" in text
    assert "from month 13" in text
    assert "“Closed frontier jumps by 8 ECI points” would make the GPT-4o API the cheapest" in text
    assert "“API price cut 50%” would make the GPT-4o API the cheapest" in text
    assert len(section.figures) == 1 and section.figures[0].placement == "body"
    assert section.numbers["flips"] == 2 and section.numbers["months"] == 36


def test_a_recommendation_the_trends_overturn_is_called_not_robust(report) -> None:  # type: ignore[no-untyped-def]
    section = memo.horizon_section(report, NAMES, "2026-12-01", decision("api"))
    assert (
        "the trends favour self-hosted Llama 3.3 70B over the recommended GPT-4o API"
        in (section.finding.replace("the GPT-4o API", "GPT-4o API"))
        or "not robust" in section.finding
    )
    assert "not robust" in section.finding
    plain = memo.horizon_section(report, NAMES, "2026-12-01")
    assert plain.finding == "Over the next 36 months, self-hosted Llama 3.3 70B costs least."


def test_no_shift_that_flips_is_said_plainly() -> None:
    quiet = horizon_report(BUY_CASE, HorizonSettings(months=36), presets=DEFAULT_PRESETS[1:2])
    section = memo.horizon_section(quiet, NAMES, "2026-12-01", decision("self_hosted"))
    assert "No frontier shift tried flips it: “Open models catch up" in " ".join(
        section.paragraphs
    )


def test_the_trends_appendix_lists_each_fit_and_its_rows() -> None:
    points = [TrendPoint(date(2024, 1 + 3 * i, 1), 10.0 / 2**i, f"model {i}") for i in range(4)]
    fitted = fit_decline(points, "Bench >= 50")
    thin = fit_decline(points[:2], "Bench >= 80")
    section = memo.trends_section(TrendSet(date(2026, 12, 1), fitted, None, thin, (fitted, thin)))
    assert section.eyebrow == "Appendix D" and section.appendix
    fits, rows = section.tables
    assert [r[0] for r in fits.rows] == ["Bench >= 50", "Bench >= 80"]  # repeats listed once
    assert fits.rows[1][1] == "not fitted" and "data too thin" in fits.rows[1][4]
    assert [r[3] for r in rows.rows] == [f"model {i}" for i in range(4)]
    assert section.finding.startswith("1 of 2 price trends have enough data to fit")


@pytest.mark.slow
def test_the_default_brief_has_the_horizon_section(tmp_path_factory) -> None:  # type: ignore[no-untyped-def]
    from tests.test_brief import render_examples

    results = render_examples(tmp_path_factory.getbasetemp() / "brief-examples")
    page = results["default"].html.read_text(encoding="utf-8")
    part = re.search(r'<section[^>]*id="section-horizon".*?</section>', page, re.S)
    assert part is not None
    html = part.group(0)
    assert "Over the next 36 months" in html
    assert html.count("vegaEmbed(") + html.count('class="chart"') >= 1
    trends = re.search(r'<section[^>]*id="section-trends".*?</section>', page, re.S)
    assert trends is not None and "Appendix D" in trends.group(0)
    assert "GPQA-Diamond &gt;= " in trends.group(0) or "GPQA-Diamond >= " in trends.group(0)


def test_a_plan_that_fails_a_must_have_is_out_of_the_running(report) -> None:  # type: ignore[no-untyped-def]
    # Self-hosting is cheapest, but say it fails a must-have: the API is the choice.
    ruled = Decision("api", "headline", "why", {"self_hosted": ["processes outside the EU"]}, None)
    section = memo.horizon_section(report, NAMES, "2026-12-01", ruled)
    assert section.finding.startswith("Over the next 36 months the recommendation holds: ")
    assert "the GPT-4o API costs least" in section.finding
    text = " ".join(section.paragraphs)
    assert "Self-hosted Llama 3.3 70B would cost less but fails a must-have." in text
    # Shifts that would only favour the ruled-out plan do not count as flips.
    assert section.numbers["flips"] == 0
