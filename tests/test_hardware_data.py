"""The hardware tables against their datasheets, and the monthly cloud GPU price index.

Known answers are the vendors' datasheet figures cited in datasets/gpus.csv; the
cross-check that FP8 is twice BF16 on every part that has both holds for every
tensor-core generation listed here (Hopper, Blackwell, Ada, CDNA 3 and 4) and
catches a figure copied from a sibling part.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

DATASETS = Path(__file__).resolve().parent.parent / "datasets"


def rows(name: str) -> list[dict[str, str]]:
    with (DATASETS / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def gpus() -> dict[str, dict[str, str]]:
    return {r["gpu_id"]: r for r in rows("gpus.csv")}


def test_the_40gb_a100_pcie_has_its_own_bandwidth_and_power(gpus: dict) -> None:
    card = gpus["nvidia-a100-pcie"]
    assert card["memory_gb"] == "40"
    # NVIDIA's A100 datasheet: PCIe 40GB 1,555 GB/s and 250 W (the 80 GB card: 1,935 GB/s, 300 W).
    assert (card["mem_bandwidth_tbps"], card["tdp_w"]) == ("1.555", "250")
    assert "datasheet check" in card["source"]


def test_an_accelerator_without_bf16_has_no_bf16_figure(gpus: dict) -> None:
    for gpu_id in ("nvidia-v100-sxm2-16gb", "nvidia-t4"):  # Volta and Turing: no bfloat16
        assert gpus[gpu_id]["bf16_dense_tflops"] == "", gpu_id


def test_fp8_is_twice_bf16_wherever_both_are_given(gpus: dict) -> None:
    both = {k: g for k, g in gpus.items() if g["bf16_dense_tflops"] and g["fp8_dense_tflops"]}
    assert len(both) >= 12
    for gpu_id, g in both.items():
        ratio = float(g["fp8_dense_tflops"]) / float(g["bf16_dense_tflops"])
        assert 1.97 <= ratio <= 2.03, f"{gpu_id}: FP8/BF16 = {ratio:.3f}"


def test_the_mi355x_no_longer_carries_the_mi350x_fp8_figure(gpus: dict) -> None:
    assert gpus["amd-mi350x"]["fp8_dense_tflops"] == "4600"
    assert gpus["amd-mi355x"]["fp8_dense_tflops"] == "5000"


@pytest.mark.parametrize(
    ("gpu_id", "fp8"),
    [
        ("amd-mi300x", "2614.9"),
        ("amd-mi325x", "2614.9"),
        ("nvidia-h100-pcie", "1513"),
        ("nvidia-l4", "242.5"),
    ],
)
def test_fp8_filled_where_the_datasheet_gives_it(gpus: dict, gpu_id: str, fp8: str) -> None:
    assert gpus[gpu_id]["fp8_dense_tflops"] == fp8
    assert "datasheet check: fp8_dense_tflops empty -> " in gpus[gpu_id]["notes"]


def test_every_gpu_row_names_its_source(gpus: dict) -> None:
    for gpu_id, g in gpus.items():
        assert g["source"] and g["value_type"], gpu_id


def test_the_monthly_price_index_is_labelled_as_normalised_list_prices() -> None:
    index = rows("gpu_price_index.csv")
    assert len(index) == 56  # 14 months x 4 series
    months = sorted({r["month"] for r in index})
    assert (months[0], months[-1], len(months)) == ("2025-08", "2026-09", 14)
    for r in index:
        assert r["price_basis"].startswith("normalised list price, not a raw quote")
        assert r["as_of"][:7] == r["month"] and r["source"]
    by_key = {(r["index_code"], r["month"]): r for r in index}
    h200 = by_key[("GIX-H200", "2026-09")]
    assert (h200["usd_per_gpu_hour"], h200["gpu_id"], h200["as_of"]) == (
        "4.1262",
        "nvidia-h200-sxm",
        "2026-09-30",
    )
    # The index does not say which A100 (40 or 80 GB): no gpus row is claimed.
    assert by_key[("GIX-A100", "2026-09")]["gpu_id"] == ""
