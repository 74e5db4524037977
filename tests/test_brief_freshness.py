"""How current a brief's data is: "data through", staleness, the best models and the unranked.

The rules are tested on constructed data with answers worked out by hand
(:mod:`analysis.freshness`, :mod:`analysis.standings`), then on the small
fixture warehouse (the warehouse reads and ``summary``), then on the curated
data (the brief's first screen, the panels' note, a brief as of a past date).
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from analysis import brief, freshness, memo, standings, warehouse
from analysis.errors import BriefError
from analysis.freshness import DataDates, staleness
from analysis.standings import Ranked, Unranked, rank

REPO = Path(__file__).resolve().parent.parent
PARAMS = REPO / "reports" / "params"
AS_OF = date(2026, 12, 4)


# --------------------------------------------------------------------------- the rules


def test_data_dates_line_and_newest() -> None:
    dates = DataDates(
        AS_OF,
        {"benchmark_scores": date(2026, 7, 1), "eci_scores": date(2026, 10, 1), "api_prices": None},
    )
    assert dates.newest(["benchmark_scores", "eci_scores"]) == date(2026, 10, 1)
    assert dates.newest(["api_prices"]) is None
    assert dates.line(["benchmark_scores", "api_prices"]) == (
        "Data through: benchmark results 2026-07-01; API prices none by 2026-12-04."
    )
    assert dates.line([]) == ""


def test_staleness_rule_at_its_boundary() -> None:
    newest = date(2026, 10, 1)
    through = {"benchmark_scores": date(2026, 7, 1), "eci_scores": newest}
    # 2026-10-01 + 90 days = 2026-12-30: exactly at the limit is not stale, a day later is.
    at_limit = staleness(DataDates(date(2026, 12, 30), through), threshold_days=90)
    assert (at_limit.age_days, at_limit.stale, at_limit.note()) == (90, False, "")
    over = staleness(DataDates(date(2026, 12, 31), through), threshold_days=90)
    assert (over.age_days, over.stale) == (91, True)
    # A year past the data: 2026-10-01 -> 2027-10-01 is 365 days, + 64 to 2027-12-04.
    late = staleness(DataDates(date(2027, 12, 4), through))
    assert late.age_days == 429 and late.threshold_days == freshness.STALE_AFTER_DAYS
    text = late.note("this brief")
    assert "2026-10-01" in text and "429 days before its date (2027-12-04)" in text
    assert "refresh" in text and "may have been overtaken" in text
    # Only the benchmark datasets count: fresh prices do not make old scores current.
    prices_only = DataDates(date(2027, 12, 4), {**through, "api_prices": date(2027, 12, 1)})
    assert staleness(prices_only).stale
    # No benchmark data at all by the date is stale too, and says so.
    none = staleness(DataDates(date(2020, 1, 1), {"benchmark_scores": None}))
    assert none.stale and none.newest is None and "no benchmark results" in none.note()


def _ranked(name: str, open_weights: bool, score: float, released: date | None) -> Ranked:
    return Ranked(name, name.lower(), open_weights, score, released)


def test_rank_names_the_best_of_each_side_released_by_the_date() -> None:
    scored = [
        _ranked("Closed A", False, 150.0, date(2026, 3, 1)),
        _ranked("Closed B", False, 160.0, date(2026, 9, 1)),
        _ranked("Closed Future", False, 170.0, date(2027, 1, 1)),  # after the date
        _ranked("Open A", True, 140.0, date(2026, 5, 1)),
        _ranked("Open B", True, 140.0, date(2026, 2, 1)),  # a tie: the earlier release
    ]
    recent = [
        Unranked("closed b", "Closed B", False, date(2026, 9, 1)),  # scored: not listed
        Unranked("new open", "New Open", True, date(2026, 11, 30)),
        Unranked("new closed", "New Closed", False, date(2026, 10, 15)),
        Unranked("old", "Old", True, date(2025, 12, 4)),  # just outside 365 days
        Unranked("later", "Later", False, date(2026, 12, 5)),  # after the date
    ]
    s = rank(scored, recent, AS_OF, measure="ECI", measured_on=date(2026, 10, 1))
    assert s.best_closed is not None and s.best_closed.name == "Closed B"
    assert s.best_open is not None and s.best_open.name == "Open B"
    assert s.ranked == 4
    assert [u.name for u in s.unranked] == ["New Open", "New Closed"]
    text = s.sentence()
    assert "closed Closed B (160.0), open Open B (140.0)" in text
    assert "2 models released in the 365 days to 2026-12-04: New Open, New Closed." in text
    # A side with no score says so instead of naming a model.
    only_closed = rank(scored[:2], [], AS_OF, measure="ECI", measured_on=None)
    assert only_closed.best_open is None and "open none (open-weight unscored)" in (
        only_closed.sentence()
    )
    # Listing stops at `listed` names, the newest, after the count.
    many = [Unranked(f"m{i}", f"M{i}", True, AS_OF - timedelta(days=i)) for i in range(8)]
    text = rank([], many, AS_OF, measure="x", measured_on=None).sentence()
    assert text.endswith(
        "Not ranked for lack of a score: 8 models released in the 365 days to "
        "2026-12-04, newest M0, M1, M2."
    )


# --------------------------------------------------------------------------- the fixture warehouse


@pytest.fixture
def small(make_datasets, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The fixture warehouse plus one priced model with no release date; its datasets folder."""
    datasets = make_datasets()
    with open(datasets / "models.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    extra = dict(rows[0])
    extra.update(
        model_id="alias-model",
        name="Alias Model",
        family="Alias",
        release_date="",
        release_date_source="",
        release_date_missing_reason="alias row: the API id named several snapshots",
    )
    with open(datasets / "models.csv", "a", newline="", encoding="utf-8") as f:
        csv.DictWriter(f, fieldnames=list(rows[0])).writerow(extra)
    with open(datasets / "api_prices.csv", newline="", encoding="utf-8") as f:
        prices = list(csv.DictReader(f))
    price = dict(prices[0])
    price.update(api_model="alias-model", model_id="alias-model")
    with open(datasets / "api_prices.csv", "a", newline="", encoding="utf-8") as f:
        csv.DictWriter(f, fieldnames=list(prices[0])).writerow(price)
    monkeypatch.setenv("AISTRAT_DATASETS", str(datasets))
    monkeypatch.setenv("AISTRAT_WAREHOUSE", str(tmp_path / "db" / "warehouse.duckdb"))
    warehouse.build(today=AS_OF)
    yield datasets


def _newest(path: Path, column: str, at: date | None) -> date | None:
    with open(path, newline="", encoding="utf-8") as f:
        days = [date.fromisoformat(r[column]) for r in csv.DictReader(f) if r[column]]
    days = [d for d in days if at is None or d <= at]
    return max(days) if days else None


def test_data_through_is_the_newest_row_on_or_before_the_date(small: Path) -> None:
    columns = {
        "api_prices": "effective_from",
        "arena_ratings": "snapshot_date",
        "benchmark_scores": "source_date",
        "eci_scores": "snapshot",
        "gap_claims": "published_date",
        "gpu_cloud_prices": "as_of",
        "models": "release_date",
    }
    for at in (None, date(2025, 3, 1), date(2026, 9, 1)):
        found = warehouse.data_through(at)
        # Read independently from the CSV files.
        expected = {t: _newest(small / f"{t}.csv", c, at) for t, c in columns.items()}
        assert {t: found[t] for t in columns} == expected
        assert all(found[t] is None for t in set(found) - set(columns))  # tables with no rows
    assert warehouse.data_through(date(2026, 9, 1))["eci_scores"] == date(2026, 8, 11)
    assert warehouse.data_through(date(2000, 1, 1))["models"] is None


def test_summary_counts_undated_priced_models_and_scores_by_side(small: Path, capsys) -> None:
    from analysis.cli import main

    info = warehouse.summary(today=AS_OF)
    assert info["undated_priced"] == [
        {
            "model_id": "alias-model",
            "name": "Alias Model",
            "open_weights": False,
            "reason": "alias row: the API id named several snapshots",
        }
    ]
    # The fixture's scores: llama-3.3-70b 2 and deepseek-v3 3 (open), none closed.
    assert info["scores"]["by_side"] == {"open": 5, "closed": 0}
    assert info["scores"]["by_reporter"] == {
        "independent": {"open": 1, "closed": 0},
        "self-reported": {"open": 4, "closed": 0},
    }
    assert info["tables"]["benchmark_scores"]["data_through"] == date(2025, 4, 9)
    assert main(["summary"]) == 0
    out = capsys.readouterr().out
    assert "data through 2026-12-04" in out and "2025-04-09" in out
    assert "Models with a price but no release date: 1" in out
    assert "alias-model" in out and "alias row: the API id named several snapshots" in out
    assert "Benchmark scores: 5 of open models, 0 of closed" in out
    assert "self-reported" in out and "80%" in out  # 4 of the 5 open-model scores


def test_standings_use_one_eci_snapshot_else_the_benchmark(small: Path) -> None:
    # 2026-09-01: the 2026-08-11 snapshot (the 2026-10-01 one is later); its closed best is
    # Claude 3.7 Sonnet (141.61) and its open best DeepSeek-V3 (132.87), per the fixture.
    s = standings.standings(date(2026, 9, 1))
    assert s.measured_on == date(2026, 8, 11) and s.measure.endswith("snapshot 2026-08-11")
    assert (s.best_closed.name, s.best_closed.score) == ("Claude 3.7 Sonnet", 141.61)
    assert (s.best_open.name, s.best_open.score) == ("DeepSeek-V3", 132.87)
    # 2026-11-01: the 2026-10-01 snapshot holds one row whose side is unknown: nothing ranks.
    later = standings.standings(date(2026, 11, 1))
    assert later.best_open is None and later.best_closed is None
    assert "No model released by 2026-11-01 has a score" in later.sentence()
    # 2025-01-01, before any snapshot: the first one after the date ranks the models released
    # by then, and says so; Claude 3.7 Sonnet (2025-02-24) is not among them.
    first = standings.standings(date(2025, 1, 1))
    assert "snapshot 2026-08-11 (the first, published after this date)" in first.measure
    assert first.best_closed is None
    assert (first.best_open.name, first.best_open.score) == ("DeepSeek-V3", 132.87)
    # By a benchmark: GPQA-Diamond has one self-reported score in the fixture.
    early = standings.standings(date(2025, 3, 1), measure="benchmark", source="vendor")
    assert early.measure == "GPQA-Diamond (developers' own results)"
    assert early.best_open is not None and early.best_open.name == "Llama 3.3 70B Instruct"
    assert early.best_closed is None
    # Released in the year to 2025-03-01 with no GPQA score, newest first: Claude 3.7 Sonnet
    # (2025-02-24), DeepSeek-V3 (2024-12-26), Llama 3.1 8B (2024-07-23).
    assert [u.model_id for u in early.unranked] == [
        "claude-3-7-sonnet-20250219",
        "deepseek-v3",
        "llama-3.1-8b-instruct",
    ]


# --------------------------------------------------------------------------- the curated data


@pytest.fixture(scope="module")
def default_params() -> brief.BriefParams:
    return brief.load_params(PARAMS / "default.yaml")


def _context(params: brief.BriefParams, as_of: date) -> memo.BriefContext:
    return memo.prepare(
        params.organisation, as_of, params.title, params.scenario, params.options, "test"
    )


def test_default_brief_today_names_2026_models_and_dates_every_dataset(default_params) -> None:
    today = date.today()
    ctx = _context(default_params, today)
    first = memo.recommendation(ctx)
    page = first.to_html()
    ranks = standings.standings(today, benchmark="GPQA-Diamond", source="independent")
    assert ranks.best_closed is not None and ranks.best_open is not None
    assert ranks.best_closed.released is not None and ranks.best_closed.released.year >= 2026
    assert ranks.best_open.released is not None and ranks.best_open.released.year >= 2026
    assert f"closed {ranks.best_closed.name}" in page and f"open {ranks.best_open.name}" in page
    # No scored model released by today beats the ones named (the best in the data).
    assert all(
        r.score <= ranks.best_closed.score
        for r in _eci_rows(today)
        if not r.open_weights and (r.released is None or r.released <= today)
    )
    if ranks.unranked:
        assert "Not ranked for lack of a score" in page and ranks.unranked[0].name in page
    # "Data through" for each dataset the brief reads, on the first screen and in appendix C.
    through = warehouse.data_through(today)
    for table in (
        "benchmark_scores",
        "eci_scores",
        "arena_ratings",
        "models",
        "api_prices",
        "gpu_cloud_prices",
    ):
        assert f"{freshness.label(table)} {through[table].isoformat()}" in first.dateline
    sources = memo.sources(ctx).to_html()
    assert "Data through" in sources and through["eci_scores"].isoformat() in sources
    # The data is recent enough: no staleness note.
    assert first.alert == "" and 'class="alert"' not in page


def _eci_rows(as_of: date) -> list[Ranked]:
    _, ((snapshot,),) = warehouse.query_rows(
        "SELECT max(snapshot) FROM eci_scores WHERE snapshot <= ?", [as_of]
    )
    _, rows = warehouse.query_rows(
        "SELECT e.eci_model, e.model_id, coalesce(m.open_weights, e.open_weights), e.eci, "
        "coalesce(m.release_date, e.model_date) FROM eci_scores e LEFT JOIN models m "
        "USING (model_id) WHERE snapshot = ? AND coalesce(m.open_weights, e.open_weights) "
        "IS NOT NULL",
        [snapshot],
    )
    return [Ranked(str(n), m, bool(o), float(s), d) for n, m, o, s, d in rows]


def test_a_brief_a_year_past_its_data_says_so_first(default_params) -> None:
    newest = warehouse.data_through(None)
    data_end = max(newest["benchmark_scores"], newest["eci_scores"])
    later = data_end + timedelta(days=365)
    first = memo.recommendation(_context(default_params, later))
    assert first.alert.startswith("The newest benchmark data behind this brief is from ")
    assert f"{data_end.isoformat()}, 365 days before its date ({later.isoformat()})" in first.alert
    page = first.to_html()
    # On the first screen: before the finding.
    assert page.index('class="alert"') < page.index('class="verdict"')
    # The threshold is a brief option.
    lenient = {**default_params.options, "stale_after_days": 400}
    ctx = memo.prepare(
        default_params.organisation,
        later,
        default_params.title,
        default_params.scenario,
        lenient,
        "test",
    )
    assert memo.recommendation(ctx).alert == ""
    with pytest.raises(BriefError, match="stale_after_days"):
        memo.check_options({"stale_after_days": -1}, "p.yaml")


def test_a_brief_cannot_name_a_model_released_after_its_date(default_params) -> None:
    with pytest.raises(BriefError, match=r"released on 2026-.*after the brief's date 2025-06-01"):
        _context(default_params, date(2025, 6, 1))


def test_a_brief_as_of_2025_06_01_names_only_models_released_by_then() -> None:
    """The historical example moved to 2025-06-01: its models, prices and names are of then."""
    from analysis.prices import price_for

    day = date(2025, 6, 1)
    params = brief.load_params(PARAMS / "historical_2025_01.yaml", [("as_of", day.isoformat())])
    ctx = _context(params, day)
    # Priced at the prices in force that day.
    price = price_for("gpt-4o", at=day, provider="openai")
    api = ctx.scenario.api
    assert (api.input_usd_per_mtok, api.output_usd_per_mtok) == (
        price.input_usd_per_mtok,
        price.output_usd_per_mtok,
    )
    assert f"in force on {day.isoformat()}" in ctx.scenario.sources["api.input_usd_per_mtok"]
    # Every model the brief names (text and chart data) was released by then.
    text = "\n".join(s.to_html() for f in memo.SECTIONS if (s := f(ctx)) is not None)
    _, later = warehouse.query_rows(
        "SELECT name, release_date FROM models WHERE release_date > ?", [day]
    )
    named = [(n, d) for n, d in later if len(n) >= 6 and n in text]
    assert named == [], f"models released after {day} named in the brief: {named}"
    ranks = standings.standings(day)
    for r in (ranks.best_open, ranks.best_closed):
        assert r is not None and r.released is not None and r.released <= day
        assert r.name in text
    assert all(u.released <= day for u in ranks.unranked)
