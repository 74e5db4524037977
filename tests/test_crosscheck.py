"""``validate --cross-check``: every fact two sources give differently is listed,
and each one is resolved in datasets/cross_check_resolutions.csv.

The curated datasets are checked against Epoch AI's ECI files (in the datasets),
and, with the reference folder, against vLLM's recipes, simonw/llm-prices and
litellm. Small hand-made tables show what fails: a disagreement without a
resolution, a resolution whose kept value the datasets no longer hold, and a
resolution that matches nothing.
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest
from cli_runner import run_cli

from analysis import crosscheck
from analysis.crosscheck import cross_check

REPO = Path(__file__).resolve().parent.parent
DATASETS = REPO / "datasets"


def _write(path: Path, rows: list[dict[str, str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


MODEL = {
    "model_id": "m1",
    "release_date": "2025-01-10",
    "release_date_source": "the developer's post",
    "open_weights": "true",
    "open_weights_basis": "weights on Hugging Face",
    "params_total_b": "100",
    "params_active_b": "10",
    "context_window": "131072",
    "spec_source": "model card",
    "source": "model card",
}
ECI = {
    "snapshot": "2026-08-11",
    "model_id": "m1",
    "model_date": "2025-01-12",
    "open_weights": "true",
    "source": "epoch.csv (copy)",
}
PRICE = {
    "provider": "openai",
    "provider_kind": "first-party",
    "api_model": "m1-api",
    "model_id": "m1",
    "input_usd_per_mtok": "2",
    "output_usd_per_mtok": "8",
    "effective_from": "2025-06-10",
    "effective_to": "",
    "end_source": "",
    "source": "provider notice",
}
RESOLUTION = {
    "fact": "release_date",
    "subject": "m1",
    "kept_value": "2025-01-10",
    "other_value": "2025-01-12",
    "other_source": "Epoch AI ECI snapshot 2026-08-11 (epoch.csv)",
    "resolution": "one_day_apart",
    "why": "the developer's post is the primary source",
    "source": "the developer's post",
}


@pytest.fixture
def small(tmp_path: Path) -> Path:
    """A datasets folder whose one model's release date Epoch gives differently."""
    folder = tmp_path / "datasets"
    _write(folder / "models.csv", [MODEL])
    _write(folder / "eci_scores.csv", [ECI])
    _write(folder / "api_prices.csv", [PRICE])
    return folder


def test_a_disagreement_without_a_resolution_is_unresolved(small: Path) -> None:
    found = cross_check(small)

    assert not found.ok
    (d,) = found.unresolved
    assert (d.fact, d.subject, d.value, d.other_value) == (
        "release_date",
        "m1",
        "2025-01-10",
        "2025-01-12",
    )
    assert d.source == "the developer's post"
    assert d.other_source == "Epoch AI ECI snapshot 2026-08-11 (epoch.csv)"
    # Without a reference folder the comparisons that need it are listed as skipped.
    assert found.compared == ("release_date", "open_weights")
    assert len(found.skipped) == 3


def test_a_resolution_settles_it(small: Path) -> None:
    _write(small / "cross_check_resolutions.csv", [RESOLUTION])

    found = cross_check(small)

    assert found.ok and found.unresolved == () and found.stale == ()
    ((d, r),) = found.resolved
    assert (d.subject, r.kept_value, r.resolution) == ("m1", "2025-01-10", "one_day_apart")


def test_a_resolution_whose_kept_value_changed_no_longer_settles_it(small: Path) -> None:
    _write(small / "cross_check_resolutions.csv", [{**RESOLUTION, "kept_value": "2025-01-09"}])

    found = cross_check(small)

    assert not found.ok
    assert [d.subject for d in found.unresolved] == ["m1"]


def test_a_resolution_matching_nothing_is_stale(small: Path) -> None:
    other = {**RESOLUTION, "subject": "m2"}
    _write(small / "cross_check_resolutions.csv", [RESOLUTION, other])

    found = cross_check(small)

    assert not found.ok
    assert [r.subject for r in found.stale] == ["m2"]
    assert found.stale[0].line == 3


def test_open_weights_disagreement_is_listed(small: Path) -> None:
    _write(small / "eci_scores.csv", [{**ECI, "model_date": "2025-01-10", "open_weights": "false"}])

    (d,) = cross_check(small).unresolved

    assert (d.fact, d.value, d.other_value, d.source) == (
        "open_weights",
        "true",
        "false",
        "weights on Hugging Face",
    )


def _reference(tmp_path: Path, history: list[dict], recipe: dict[str, str] | None) -> Path:
    ref = tmp_path / "reference"
    data = ref / crosscheck.LLM_PRICES_DIR
    data.mkdir(parents=True)
    (data / "openai.json").write_text(
        json.dumps({"models": [{"id": "m1-api", "price_history": history}]}), encoding="utf-8"
    )
    if recipe is not None:
        _write(ref / crosscheck.RECIPES_FILE, [recipe])
    return ref


RECIPE = {
    "file": "org/M1.yaml",
    "model_id": "org/M1",
    "parameter_count": "0.1T",
    "active_parameters": "10B",
    "context_length": "163840",
}


def test_reference_comparisons_of_prices_parameters_and_context(
    small: Path, tmp_path: Path
) -> None:
    history = [
        {"input": 10, "output": 40, "from_date": None, "to_date": None},  # never updated
    ]
    ref = _reference(tmp_path, history, RECIPE)

    found = cross_check(small, ref)

    got = {(d.fact, d.subject): (d.value, d.other_value) for d in found.unresolved}
    assert got == {
        ("release_date", "m1"): ("2025-01-10", "2025-01-12"),
        ("context_window", "m1"): ("131072", "163840"),  # 0.1T = 100B: no disagreement
        ("price", "openai m1-api on 2026-08-05"): ("2 / 8", "10 / 40"),
    }
    assert "price" in found.compared and "context_window" in found.compared


def test_a_price_announced_after_the_copy_is_compared_on_its_own_day(
    small: Path, tmp_path: Path
) -> None:
    # An open entry that starts after the reference was copied is checked from its
    # start, not on the copy date (when the earlier entry was still in force).
    history = [
        {"input": 2, "output": 8, "from_date": None, "to_date": "2026-09-01"},
        {"input": 3, "output": 15, "from_date": "2026-09-01", "to_date": None},
    ]
    ref = _reference(tmp_path, history, None)

    prices = [d for d in cross_check(small, ref).unresolved if d.fact == "price"]

    assert [(d.subject, d.other_value) for d in prices] == [
        ("openai m1-api on 2026-09-01", "3 / 15")
    ]


def test_an_offer_the_datasets_end_is_not_compared_after_its_end(
    small: Path, tmp_path: Path
) -> None:
    _write(
        small / "api_prices.csv",
        [{**PRICE, "effective_to": "2026-01-01", "end_source": "the provider's notice"}],
    )
    history = [{"input": 10, "output": 40, "from_date": None, "to_date": None}]
    ref = _reference(tmp_path, history, None)

    assert [d for d in cross_check(small, ref).unresolved if d.fact == "price"] == []


# --------------------------------------------------------------------------- the curated data


def test_curated_datasets_have_no_unresolved_disagreement_with_epoch() -> None:
    found = cross_check(DATASETS)

    assert found.unresolved == (), [d.to_dict() for d in found.unresolved]
    assert found.stale == ()
    assert len(found.resolved) >= 20  # Epoch's ECI files date many models differently


def test_curated_datasets_have_no_unresolved_disagreement_with_the_reference(
    reference_dir: Path,
) -> None:
    found = cross_check(DATASETS, reference_dir)

    assert found.skipped == ()
    assert set(found.compared) == set(crosscheck.FACTS)
    assert found.unresolved == (), [d.to_dict() for d in found.unresolved]
    assert found.stale == ()
    kept = {(d.fact, d.subject, d.other_source): r.kept_value for d, r in found.resolved}
    # Stale prices in one database, the provider's notice kept.
    assert kept[
        ("price", "openai o3 on 2026-08-05", "simonw/llm-prices:data/openai.json@723ef0bd")
    ] == ("2 / 8")
    assert (
        kept[
            (
                "price",
                "anthropic claude-sonnet-5 on 2026-09-01",
                "simonw/llm-prices:data/anthropic.json@723ef0bd",
            )
        ]
        == "2 / 10"
    )
    facts = {d.fact for d, _r in found.resolved}
    assert {"release_date", "params_total_b", "context_window", "price"} <= facts


def test_validate_cross_check_command(reference_dir: Path) -> None:
    status, out, err = run_cli("validate", "--cross-check", "--reference", str(reference_dir))

    assert status == 0, out + err
    assert out.startswith("ok: ")
    assert "cross-check (release_date, open_weights, params_total_b" in out
    assert "price openai o3 on 2026-08-05: datasets 2 / 8;" in out
    assert "-> kept 2 / 8 (other_not_updated)" in out
    assert "all resolved in cross_check_resolutions.csv" in out.splitlines()[-1]


def test_validate_cross_check_fails_on_an_unresolved_disagreement(tmp_path: Path) -> None:
    # A copy of the datasets whose resolutions lost a row: the command exits 1.
    folder = tmp_path / "datasets"
    folder.mkdir()
    for f in DATASETS.iterdir():
        if f.is_file():
            (folder / f.name).write_bytes(f.read_bytes())
    lines = (folder / "cross_check_resolutions.csv").read_text(encoding="utf-8").splitlines()
    dropped = next(line for line in lines if line.startswith("release_date,claude-3-opus,"))
    (folder / "cross_check_resolutions.csv").write_text(
        "\n".join(line for line in lines if line != dropped) + "\n", encoding="utf-8"
    )
    done = subprocess.run(
        [sys.executable, "-m", "analysis", "validate", str(folder), "--cross-check"],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=300,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert "UNRESOLVED release_date claude-3-opus: datasets 2024-03-04" in done.stdout
    assert "1 of " in done.stdout and "unresolved" in done.stdout.splitlines()[-1]
