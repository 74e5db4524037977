"""Entry point: build every table, check it, write it."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from .arena import build_arena
from .benchmarks import build_benchmark_scores
from .benchmarks2026 import build_2026_scores
from .checks import check_tables
from .common import DEFAULT_OUT, DEFAULT_REFERENCE, Row, load_schema, read_csv, to_csv
from .eci import build_eci
from .gap_claims import build_gap_claims
from .hardware import build_gpu_cloud_prices, build_gpu_price_index, build_gpus
from .measured import build_decode_measurements
from .models import build_models
from .prices import API_DROPPED, API_MODEL_MAP, build_api_aliases, build_api_prices, provider_id
from .resolutions import build_cross_check_resolutions
from .shapes import build_shapes, check_against_slime, fill_models_from_shapes

DESCRIPTION = "Build the curated tables in datasets/ from the shared reference snapshot."


def build_all(ref: Path) -> tuple[dict[str, list[Row]], list[str]]:
    """Every table, and the log of mapping decisions taken on this reference."""
    bench = read_csv(ref / "benchmarks" / "model_benchmarks_curated.csv")
    prices = read_csv(ref / "prices" / "api_prices_curated.csv")
    log: list[str] = []
    unmapped = sorted(
        {(provider_id(p["provider"]), p["model"]) for p in prices}
        - set(API_MODEL_MAP)
        - set(API_DROPPED)
    )
    if unmapped:
        raise ValueError(f"price rows without a model mapping: {unmapped}")
    models, name_to_id, versions, l0 = build_models(ref, bench, prices)
    model_ids = {m["model_id"] for m in models}
    problems = check_against_slime(ref)
    if problems:
        raise ValueError("; ".join(problems))
    shapes = build_shapes(model_ids)
    l0 += fill_models_from_shapes(models)
    eci, l5 = build_eci(ref, model_ids, versions)
    extra, l6 = build_2026_scores(ref, versions, bench, model_ids)
    scores, l1 = build_benchmark_scores(bench, name_to_id, extra)
    arena, l2 = build_arena(ref, model_ids)
    api, l3 = build_api_prices(prices, {m["model_id"]: m["organisation"] for m in models}, ref)
    aliases = build_api_aliases(model_ids)
    gpus = build_gpus(ref)
    cloud, l4 = build_gpu_cloud_prices(ref, {g["gpu_id"] for g in gpus})
    gpu_index = build_gpu_price_index(ref, {g["gpu_id"] for g in gpus})
    gaps = build_gap_claims(ref)
    log += l0 + l1 + l2 + l3 + l4 + l5 + l6
    tables = {
        "models": models,
        "model_shapes": shapes,
        "eci_scores": eci,
        "benchmark_scores": scores,
        "arena_ratings": arena,
        "api_prices": api,
        "api_aliases": aliases,
        "gpus": gpus,
        "gpu_cloud_prices": cloud,
        "gpu_price_index": gpu_index,
        "gap_claims": gaps,
        "decode_measurements": build_decode_measurements(ref),
        "cross_check_resolutions": build_cross_check_resolutions(),
    }
    return tables, log


def main(argv: Sequence[str] | None = None) -> int:
    """Build, check and (unless --check-only) write the tables; returns the exit status."""
    ap = argparse.ArgumentParser(description=DESCRIPTION)
    ap.add_argument(
        "--reference", type=Path, default=DEFAULT_REFERENCE, help="the shared reference folder"
    )
    ap.add_argument(
        "--out", type=Path, default=DEFAULT_OUT, help="where the CSVs go (holds schema.yaml)"
    )
    ap.add_argument("--check-only", action="store_true", help="build and check, write nothing")
    ap.add_argument("--verbose", action="store_true", help="print every mapping decision")
    args = ap.parse_args(argv)

    ref = args.reference.resolve()
    if not (ref / "SOURCES.md").is_file():
        print(
            f"error: {ref} is not the reference folder (no SOURCES.md); pass --reference",
            file=sys.stderr,
        )
        return 1
    schema = load_schema(args.out / "schema.yaml")
    try:
        tables, log = build_all(ref)
    except (KeyError, ValueError) as exc:
        print(f"error: mapping failed: {exc!r}", file=sys.stderr)
        return 1
    problems = check_tables(tables, schema)
    if args.verbose:
        for line in log:
            print(line)
    if problems:
        print(f"error: {len(problems)} problem(s); nothing written", file=sys.stderr)
        for line in problems[:50]:
            print(f"  {line}", file=sys.stderr)
        return 1
    for name, spec in schema["tables"].items():
        columns = [c["name"] for c in spec["columns"]]
        text = to_csv(tables[name], columns)
        if not args.check_only:
            (args.out / spec["file"]).write_text(text, encoding="utf-8")
        print(f"{spec['file']:<28} {len(tables[name]):>6} rows")
    print("self-check passed" + (" (check only; nothing written)" if args.check_only else ""))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
