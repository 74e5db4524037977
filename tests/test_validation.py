"""Validation of the dataset CSVs against datasets/schema.yaml.

Each folder under tests/fixtures/warehouse/bad/ replaces one or two files of the
valid fixture with a copy that breaks one rule; the test asserts the exact
problem line(s).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from analysis import warehouse
from analysis.errors import DataValidationError
from analysis.schema import CHECKS, load_schema

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "fixtures" / "warehouse"
TODAY = date(2026, 11, 29)


# One case per rule: fixture folder -> the exact problem lines expected.
CASES: dict[str, list[str]] = {
    "type_float": [
        "datasets/api_prices.csv:4: input_usd_per_mtok: not a number (0.27 USD)",
    ],
    "type_int": ["datasets/gpu_cloud_prices.csv:2: gpu_count: not an integer (1.5)"],
    "type_bool": ["datasets/models.csv:3: open_weights: not true or false (yes)"],
    "type_date": [
        "datasets/benchmark_scores.csv:2: source_date: not a date YYYY-MM-DD (12/02/2025)",
    ],
    "min_negative_price": [
        "datasets/api_prices.csv:9: output_usd_per_mtok: below the minimum 0 (-0.79)",
    ],
    "max": ["datasets/gpus.csv:2: memory_gb: above the maximum 1000 (8000)"],
    "allowed": [
        "datasets/models.csv:4: model_type: not one of base, chat, instruct, reasoning, "
        "hybrid-reasoning (Instruct)",
    ],
    "pattern": [
        "datasets/models.csv:5: model_id: does not match the pattern "
        "^[a-z0-9][a-z0-9._-]*$ (Llama 3.1 8B)",
    ],
    "references": [
        "datasets/api_prices.csv:2: model_id: not in models.model_id (claude-3-7-sonnet)",
    ],
    "duplicate_key": [
        "datasets/arena_ratings.csv:3: snapshot_date+arena_model: duplicate primary key, "
        "first on line 2 (2025-08-04 | DeepSeek-V3)",
    ],
    "required_source": ["datasets/gpus.csv:3: source: required value is empty"],
    "score_within_scale": [
        "datasets/benchmark_scores.csv:6: score: outside 0..100 for scale percentile (158.7)",
    ],
    "score_pct_unit": [
        "datasets/benchmark_scores.csv:4: score_pct: not score x 100 = 1.7 "
        "for scale fraction_0_1 (0.017)",
    ],
    "per_gpu_price": [
        "datasets/gpu_cloud_prices.csv:2: usd_per_gpu_hour: not usd_per_hour / gpu_count "
        "= 3.9 / 1 = 3.9 (within 0.5%) (3.5)",
    ],
    "cached_le_input": [
        "datasets/api_prices.csv:2: cached_input_usd_per_mtok: above input_usd_per_mtok 3 (3.3)",
    ],
    "active_le_total": [
        "datasets/models.csv:3: params_active_b: above params_total_b 671 (700)",
    ],
    "release_date_source": [
        "datasets/models.csv:2: release_date_source: empty although release_date is given; "
        "say where the date comes from (2025-02-24)",
    ],
    "spec_source": [
        "datasets/models.csv:4: spec_source: empty although params_total_b is given; "
        "say where the architecture figures come from (70)",
    ],
    "price_estimate_source": [
        "datasets/gpus.csv:2: purchase_price_source: empty although a purchase price "
        "is given (33600)",
    ],
    "unknown_start_with_date": [
        "datasets/api_prices.csv:3: effective_from: must be empty when date_basis is "
        "unknown_start (2024-12-26)",
    ],
    "dated_basis_without_date": [
        "datasets/api_prices.csv:9: effective_from: empty but date_basis is first_recorded "
        "(not unknown_start)",
    ],
    "future_unscheduled": [
        "datasets/api_prices.csv:9: effective_from: after today (2026-11-29) but scheduled "
        "is false (2027-01-01)",
    ],
    "unknown_column": [
        "datasets/gap_claims.csv:1: lag_unit: unknown column, not in schema.yaml (lag_unit)",
    ],
    "missing_column": ["datasets/gpus.csv:1: tdp_w: column missing from the header"],
    "ragged_row": ["datasets/gpu_cloud_prices.csv:3: (row): 12 cells but the header has 11"],
    "unknown_file": [
        "datasets/sources.csv:1: (file): no table in schema.yaml describes this file (sources.csv)",
    ],
    "not_utf8": ["datasets/models.csv:5: (file): not UTF-8 text (byte 0xe9)"],
    "eci_within_interval": [
        "datasets/eci_scores.csv:3: eci: outside its interval 128.62..135.75 (136.87)",
    ],
    "eci_model_once_per_snapshot": [
        "datasets/eci_scores.csv:4: model_id: already in snapshot 2026-08-11 on line 3; "
        "one ECI per model and snapshot (deepseek-v3)",
    ],
    "shape_attention_fields": [
        "datasets/model_shapes.csv:2: kv_heads: must be empty for mla (the cache holds a latent) "
        "(128)",
        "datasets/model_shapes.csv:3: kv_heads: empty for gqa attention",
    ],
    "shape_moe_fields": [
        "datasets/model_shapes.csv:2: experts_per_token: above routed_experts 256 (300)",
        "datasets/model_shapes.csv:3: routed_experts: must be empty for a dense model (8)",
    ],
    "price_end_is_sourced": [
        "datasets/api_prices.csv:4: end_basis: empty although effective_to is given; "
        "say how the end is known",
        "datasets/api_prices.csv:4: end_source: empty although effective_to is given; "
        "say where it comes from",
    ],
    "price_end_in_order": [
        "datasets/api_prices.csv:11: effective_from: on or after the offer's end 2026-01-01 "
        "(line 10) (2026-11-20)",
    ],
    "alias_periods_in_order": [
        "datasets/api_aliases.csv:3: valid_from: overlaps the period from line 2 (to open); "
        "one model per alias and day (2025-03-24)",
        "datasets/api_aliases.csv:3: valid_to: not after valid_from 2025-03-24 (2025-03-01)",
    ],
}


def test_valid_fixture_has_no_problems(make_datasets) -> None:
    assert warehouse.validate(make_datasets(), today=TODAY) == []


def test_every_fixture_folder_has_a_case() -> None:
    folders = {p.name for p in (FIXTURES / "bad").iterdir()}
    assert folders == set(CASES) | {"several"}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_fixture_reports_exact_problem(make_datasets, case: str) -> None:
    assert warehouse.validate(make_datasets(case), today=TODAY) == CASES[case]


def test_every_named_check_has_a_fixture() -> None:
    # Each check of schema.yaml is exercised by at least one case above.
    covered = " ".join(line for lines in CASES.values() for line in lines)
    schema = load_schema(REPO / "datasets" / "schema.yaml")
    named = {c for t in schema.tables.values() for c in t.checks}
    assert named <= set(CHECKS)
    markers = {
        "score_within_scale": "for scale percentile",
        "per_gpu_price_consistent": "usd_per_hour / gpu_count",
        "cached_le_input": "above input_usd_per_mtok",
        "active_le_total": "above params_total_b",
        "release_date_has_source": "release_date_source: empty",
        "spec_has_source": "spec_source: empty",
        "price_estimate_has_source": "purchase_price_source: empty",
        "unknown_start_has_no_date": "unknown_start",
        "future_price_is_scheduled": "but scheduled is false",
        "eci_within_interval": "outside its interval",
        "eci_model_once_per_snapshot": "one ECI per model and snapshot",
        "shape_attention_fields": "empty for gqa attention",
        "shape_moe_fields": "must be empty for a dense model",
        "price_end_is_sourced": "empty although effective_to is given",
        "price_end_in_order": "on or after the offer's end",
        "alias_periods_in_order": "one model per alias and day",
    }
    assert set(markers) == named
    for check, marker in markers.items():
        assert marker in covered, check


def test_several_problems_are_all_listed_in_file_and_line_order(make_datasets) -> None:
    problems = warehouse.validate(make_datasets("several"), today=TODAY)
    assert problems == [
        "datasets/models.csv:5: release_date: not a date YYYY-MM-DD (2024-07-32)",
        "datasets/api_prices.csv:2: cached_input_usd_per_mtok: above input_usd_per_mtok 3 (3.3)",
        "datasets/api_prices.csv:4: input_usd_per_mtok: below the minimum 0 (-0.27)",
        "datasets/api_prices.csv:6: provider_kind: not one of first-party, host (reseller)",
        "datasets/api_prices.csv:11: source: required value is empty",
    ]


def test_missing_file_is_reported(make_datasets) -> None:
    folder = make_datasets()
    (folder / "gap_claims.csv").unlink()
    assert warehouse.validate(folder, today=TODAY) == [
        "datasets/gap_claims.csv:1: (file): file not found (gap_claims.csv)"
    ]


def test_future_price_depends_on_today(make_datasets) -> None:
    folder = make_datasets("future_unscheduled")
    assert warehouse.validate(folder, today=date(2027, 1, 1)) == []
    assert len(warehouse.validate(folder, today=date(2026, 12, 31))) == 1


def test_future_price_marked_scheduled_is_accepted(make_datasets) -> None:
    folder = make_datasets("future_unscheduled")
    path = folder / "api_prices.csv"
    lines = path.read_text().splitlines()
    assert ",2027-01-01,first_recorded,false," in lines[8]
    lines[8] = lines[8].replace(",2027-01-01,first_recorded,false,", ",2027-01-01,explicit,true,")
    path.write_text("\n".join(lines) + "\n")
    assert warehouse.validate(folder, today=TODAY) == []


def test_record_spanning_lines_is_reported_at_its_first_line(make_datasets) -> None:
    folder = make_datasets()
    path = folder / "gpus.csv"
    lines = path.read_text().splitlines()
    # Line 2's notes become a quoted two-line cell; the next record starts on line 4.
    assert lines[1].endswith(',"analyst estimate ($269k DGX / 8), no official MSRP"')
    lines[1] = lines[1].replace("DGX / 8), no", "DGX / 8)\nno")
    lines[2] = lines[2].replace(",400,2020,", ",-400,2020,")
    path.write_text("\n".join(lines) + "\n")
    assert warehouse.validate(folder, today=TODAY) == [
        "datasets/gpus.csv:4: tdp_w: below the minimum 10 (-400)"
    ]


def test_malformed_csv_is_reported_without_a_cascade(make_datasets) -> None:
    folder = make_datasets()
    path = folder / "gpus.csv"
    text = path.read_text()
    assert "\nh100-sxm5-80gb,NVIDIA H100 SXM5 80GB," in text
    text = text.replace(",NVIDIA H100 SXM5 80GB,", ',"NVIDIA H100" SXM5 80GB,', 1)
    path.write_text(text)
    assert warehouse.validate(folder, today=TODAY) == [
        "datasets/gpus.csv:2: (row): malformed CSV (',' expected after '\"')"
    ]


def test_nan_and_infinity_are_not_numbers(make_datasets) -> None:
    folder = make_datasets()
    path = folder / "api_prices.csv"
    text = path.read_text()
    text = text.replace(",0.14,0.28,", ",nan,inf,", 1)
    path.write_text(text)
    assert warehouse.validate(folder, today=TODAY) == [
        "datasets/api_prices.csv:3: input_usd_per_mtok: not a finite number (nan)",
        "datasets/api_prices.csv:3: output_usd_per_mtok: not a finite number (inf)",
    ]


def test_schema_problems_are_listed(make_datasets) -> None:
    folder = make_datasets()
    schema = folder / "schema.yaml"
    text = schema.read_text()
    assert "checks: [future_price_is_scheduled" in text
    assert "{name: layers, type: int," in text
    text = text.replace(
        "checks: [future_price_is_scheduled", "checks: [cheap_enough, future_price_is_scheduled"
    )
    text = text.replace("{name: layers, type: int,", "{name: layers, type: integer,", 1)
    schema.write_text(text)
    problems = warehouse.validate(folder, today=TODAY)
    assert len(problems) == 2
    assert problems[0].startswith(
        "datasets/schema.yaml: tables.models.columns[15].type: not one of"
    )
    assert problems[0].endswith("(integer)")
    assert problems[1].startswith("datasets/schema.yaml: tables.api_prices.checks: unknown check")
    assert problems[1].endswith("(cheap_enough)")


def test_folder_without_schema_uses_the_toolkit_schema(make_datasets) -> None:
    folder = make_datasets("max")
    (folder / "schema.yaml").unlink()
    assert warehouse.validate(folder, today=TODAY) == CASES["max"]


def test_build_raises_with_the_same_problems(tmp_path: Path, make_datasets) -> None:
    folder = make_datasets("several")
    with pytest.raises(DataValidationError) as info:
        warehouse.build(datasets=folder, path=tmp_path / "w.duckdb", today=TODAY)
    assert info.value.problems == warehouse.validate(folder, today=TODAY)
    assert str(info.value).splitlines()[0] == "5 problem(s) in the datasets:"
    assert not (tmp_path / "w.duckdb").exists()
