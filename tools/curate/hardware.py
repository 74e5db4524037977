"""The gpus and gpu_cloud_prices tables."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from .common import BUILD_DATE, Row, join_notes, num, read_csv

# ---------------------------------------------------------------------------
# GPUs and cloud offers
# ---------------------------------------------------------------------------

GPU_ID = {  # gpus_curated 'gpu' -> gpu_id
    "NVIDIA A100 SXM4 40GB": "nvidia-a100-sxm4-40gb",
    "NVIDIA A100 SXM4 80GB": "nvidia-a100-sxm4-80gb",
    "NVIDIA A100 PCIe": "nvidia-a100-pcie",
    "NVIDIA H100 SXM5 80GB": "nvidia-h100-sxm",
    "NVIDIA H100 PCIe": "nvidia-h100-pcie",
    "NVIDIA H100 NVL": "nvidia-h100-nvl",
    "NVIDIA H200 SXM": "nvidia-h200-sxm",
    "NVIDIA B100": "nvidia-b100",
    "NVIDIA B200": "nvidia-b200",
    "NVIDIA GB200 (per GPU)": "nvidia-gb200",
    "NVIDIA B300": "nvidia-b300",
    "NVIDIA L4": "nvidia-l4",
    "NVIDIA L40": "nvidia-l40",
    "NVIDIA A10G": "nvidia-a10g",
    "NVIDIA A10 PCIe": "nvidia-a10-pcie",
    "NVIDIA GeForce RTX 4090": "nvidia-rtx-4090",
    "AMD Instinct MI300X": "amd-mi300x",
    "AMD Instinct MI325X": "amd-mi325x",
    "AMD Instinct MI350X": "amd-mi350x",
    "AMD Instinct MI355X": "amd-mi355x",
    "NVIDIA L40S": "nvidia-l40s",
    "NVIDIA GeForce RTX 5090": "nvidia-rtx-5090",
}
# Prices that are launch MSRPs of consumer/workstation cards (list prices)
# rather than press or analyst estimates; every datacenter price is an estimate.
MSRP_GPUS = {"nvidia-rtx-4090", "nvidia-rtx-5090", "nvidia-rtx-a6000"}

EPOCH_PRICE_NO_SOURCE = (
    'Epoch AI hardware dataset, column "Release price (USD)" (the row cites no source)'
)
EPOCH_HW = (
    "talmolab/lablink-paper-figures:data/raw/gpu_prices/ml_hardware.csv@ee0f2932 "
    '(Epoch AI "Data on Machine Learning Hardware", CC-BY-4.0)'
)
# GPUs that cloud offers need but gpus_curated lacks, taken from the Epoch row
# named here (units converted: FLOP/s -> TFLOPS, bytes -> GB, bytes/s -> TB/s).
EPOCH_EXTRA = {
    "nvidia-v100-sxm2-16gb": (
        "NVIDIA Tesla V100 SXM2",
        "offers list 'V100' without form factor; the SkyPilot Lambda catalog GpuInfo gives 16384 "
        "MiB per GPU, "
        "so the 16 GB SXM2 Epoch row is used (form factor assumed, not stated by the catalogs)",
    ),
    "nvidia-t4": ("NVIDIA Tesla T4", "no BF16 tensor figure in the Epoch row"),
    "nvidia-rtx-a6000": ("NVIDIA RTX A6000", "no tensor BF16 figure in the Epoch row"),
    "nvidia-a40": ("NVIDIA A40 PCIe", ""),
}


# Datasheet checks: figures of the Epoch-based rows that disagree with the vendor's
# datasheet (or that the row lacks), corrected or filled. Each entry gives the new
# value (empty: no such figure) and the datasheet and the public copy it was read in.
_NVIDIA_A100_DS = (
    "NVIDIA A100 datasheet (nvidia-a100-datasheet-us-nvidia-1758950-r4-web.pdf) as reproduced at "
    "https://www.thundercompute.com/blog/nvidia-a100-specs-full-guide (A100 PCIe 40GB: "
    "1,555 GB/s, 250 W; PCIe 80GB: 1,935 GB/s, 300 W)"
)
_NVIDIA_H100_DS = (
    "NVIDIA H100 datasheet table (H100 PCIe: FP8 Tensor 3,026 TFLOPS with sparsity, "
    "'specifications 1/2 lower without sparsity') as reproduced at "
    "https://archive-lib.hpctech.co.jp/gpuproduct/nvidia-h100.html"
)
_AMD_MI300_DS = (
    "AMD Instinct MI300X / MI325X data sheets (peak FP8 2,614.9 TFLOPS dense, 5,229.8 with "
    "sparsity), as reproduced in alpharomercoma/MI300X-vs-H200:METHODOLOGY.md@6077fdc7 (MI300X) "
    "and at https://awesomeagents.ai/hardware/amd-mi325x (MI325X; 'same capabilities as the "
    "MI300X: 2.6 petaflops FP8' per https://www.slicast.com/article/1w7kkwv)"
)
_AMD_MI355_DS = (
    "AMD: MI355X FP8 'five petaflops' (AMD's ISSCC 2026 paper as reported at "
    "https://www.world-today-news.com/?p=7253162); FP4/FP6 20.1 PFLOPS (MI355X) vs 18.45 "
    "(MI350X) with sparsity at https://www.tomshardware.com/pc-components/gpus/"
    "amds-instinct-mi355x-accelerator-will-consume-1-400-watts, i.e. 5.0 vs 4.6 PFLOPS FP8 dense"
)
DATASHEET_CHECKS: dict[str, dict[str, tuple[str, str]]] = {
    "nvidia-a100-pcie": {
        "mem_bandwidth_tbps": (
            "1.555",
            "the 40 GB card's 1,555 GB/s; Epoch's row carried the 80 GB PCIe card's 1.94 TB/s",
        ),
        "tdp_w": ("250", "the 40 GB card's 250 W; Epoch's row carried the 80 GB card's 300 W"),
    },
    "nvidia-v100-sxm2-16gb": {
        "bf16_dense_tflops": (
            "",
            "Volta has no BF16 (bfloat16 needs compute capability 8.0, e.g. "
            "vllm-project/vllm#1284); Epoch's 125 TFLOPS 'Tensor-FP16/BF16' figure is the "
            "V100's FP16 tensor rate",
        ),
    },
    "amd-mi355x": {
        "fp8_dense_tflops": (
            "5000",
            "Epoch's 4,600 is the MI350X's FP8 figure; the MI355X's is 5.0 PFLOPS dense "
            "(rounded, as AMD states it)",
        ),
    },
    "amd-mi300x": {"fp8_dense_tflops": ("2614.9", "filled: Epoch's row has no FP8 figure")},
    "amd-mi325x": {
        "fp8_dense_tflops": (
            "2614.9",
            "filled: Epoch's row has no FP8 figure (same compute as MI300X)",
        )
    },
    "nvidia-h100-pcie": {
        "fp8_dense_tflops": (
            "1513",
            "filled: 3,026 with sparsity / 2; Epoch's row has no FP8 figure",
        )
    },
    "nvidia-l4": {
        "fp8_dense_tflops": (
            "242.5",
            "filled: NVIDIA's L4 datasheet gives 485 TFLOPS FP8 with sparsity "
            "(as reproduced at https://grokipedia.com/page/NVIDIA_L4_vs_L40S); dense = half",
        )
    },
}
DATASHEET_SOURCES = {
    "nvidia-a100-pcie": _NVIDIA_A100_DS,
    "nvidia-v100-sxm2-16gb": (
        "NVIDIA V100 datasheet (https://images.nvidia.com/content/technologies/volta/pdf/"
        "437317-Volta-V100-DS-NV-US-WEB.pdf): Tensor Performance 125 TFLOPS, mixed-precision FP16"
    ),
    "amd-mi355x": _AMD_MI355_DS,
    "amd-mi300x": _AMD_MI300_DS,
    "amd-mi325x": _AMD_MI300_DS,
    "nvidia-h100-pcie": _NVIDIA_H100_DS,
    "nvidia-l4": "NVIDIA L4 datasheet (https://nvdam.widen.net/s/rvq98gbwsw/l4-datasheet-2595652)",
}
# Cautions of the reference that a check above resolves (dropped from notes).
_RESOLVED_CAUTIONS = (
    "CAUTION: Epoch row mixes 40GB memory with 1.94 TB/s (80GB PCIe bandwidth); datasheet "
    "links cover both 40GB and 80GB PCIe variants",
    "FP8 not in Epoch row",
)


def apply_datasheet_checks(rows: list[Row]) -> list[str]:
    """Correct or fill the figures :data:`DATASHEET_CHECKS` lists; returns the log.

    Raises:
        ValueError: a check names a GPU or a value that is not in ``rows``.
    """
    log: list[str] = []
    by_id = {r["gpu_id"]: r for r in rows}
    for gpu_id, checks in DATASHEET_CHECKS.items():
        if gpu_id not in by_id:
            raise ValueError(f"datasheet check for an unknown GPU {gpu_id}")
        row = by_id[gpu_id]
        notes = [n for n in row["notes"].split("; ") if n and n not in _RESOLVED_CAUTIONS]
        for column, (value, why) in checks.items():
            old = row[column]
            row[column] = value
            shown_old = old or "empty"
            shown_new = value or "empty"
            notes.append(f"datasheet check: {column} {shown_old} -> {shown_new}: {why}")
            log.append(f"gpus: {gpu_id} {column} {shown_old} -> {shown_new}")
        row["notes"] = join_notes(*notes)
        row["source"] = join_notes(row["source"], f"datasheet check: {DATASHEET_SOURCES[gpu_id]}")
    return log


def _epoch_row(rows: Sequence[Row], name: str) -> Row:
    hits = [r for r in rows if r["Hardware name"] == name]
    if len(hits) != 1:
        raise ValueError(f"expected one Epoch hardware row named {name!r}, found {len(hits)}")
    return hits[0]


def build_gpus(ref: Path) -> list[Row]:
    """The gpus table."""
    out: list[Row] = []
    for g in read_csv(ref / "hardware" / "gpus_curated.csv"):
        gpu_id = GPU_ID[g["gpu"]]
        price = num(g["release_price_usd"])
        notes = [g["notes"]]
        if price:
            is_est = gpu_id not in MSRP_GPUS
            psrc = g["release_price_source"] or EPOCH_PRICE_NO_SOURCE
            if is_est:
                notes.append("purchase price is a press/analyst estimate, not a vendor list price")
            else:
                notes.append("purchase price is the launch MSRP as reported by the press")
        else:
            is_est, psrc = None, ""
        out.append(
            {
                "gpu_id": gpu_id,
                "name": g["gpu"],
                "vendor": g["vendor"],
                "memory_gb": num(g["memory_gb"]),
                "mem_bandwidth_tbps": num(g["mem_bandwidth_tbps"]),
                "bf16_dense_tflops": num(g["bf16_dense_tflops"]),
                "fp8_dense_tflops": num(g["fp8_dense_tflops"]),
                "tdp_w": num(g["tdp_w"]),
                "release_year": g["release_year"],
                "purchase_price_usd": price,
                "purchase_price_is_estimate": ""
                if is_est is None
                else ("true" if is_est else "false"),
                "purchase_price_source": psrc,
                "value_type": g["value_type"],
                # The reference notes where it read two vendor copies ('pages
                # corpus'); for a reader they are stored copies of the cited pages.
                "source": g["source"]
                .replace(" (pages corpus)", " (stored copy)")
                .replace("coverage in pages corpus:", "coverage (stored copies):"),
                "notes": join_notes(*notes),
            }
        )
    epoch = read_csv(ref / "hardware" / "raw" / "epoch_ml_hardware.csv")
    for gpu_id, (name, note) in EPOCH_EXTRA.items():
        e = _epoch_row(epoch, name)

        def tflops(col: str, e: Row = e) -> str:
            return num(Decimal(e[col]) / Decimal(10**12), 2) if e[col] else ""

        links = " ".join(e["Link to datasheet"].split())
        price = num(e["Release price (USD)"])
        price_note = ""
        is_est = gpu_id not in MSRP_GPUS
        if price and not e["Source for the price"]:
            price_note = "Epoch gives this release price without citing a source"
        out.append(
            {
                "gpu_id": gpu_id,
                "name": name,
                "vendor": e["Manufacturer"],
                "memory_gb": num(Decimal(e["Memory size per board (Byte)"]) / Decimal(10**9), 1),
                "mem_bandwidth_tbps": num(
                    Decimal(e["Memory bandwidth (byte/s)"]) / Decimal(10**12), 4
                ),
                "bf16_dense_tflops": tflops("Tensor-FP16/BF16 performance (FLOP/s)"),
                "fp8_dense_tflops": tflops("FP8 performance (FLOP/s)"),
                "tdp_w": num(e["TDP (W)"]),
                "release_year": e["Release date"][:4],
                "purchase_price_usd": price,
                "purchase_price_is_estimate": ("true" if is_est else "false") if price else "",
                "purchase_price_source": (e["Source for the price"] or EPOCH_PRICE_NO_SOURCE)
                if price
                else "",
                "value_type": "third-party compilation of vendor datasheet values (Epoch AI)",
                "source": f'{EPOCH_HW} row "{name}"; Epoch datasheet link(s): {links}',
                "notes": join_notes(
                    note,
                    price_note,
                    "added for cloud offers; unit conversion FLOP/s -> TFLOPS, bytes -> GB "
                    "(10^9), bytes/s -> TB/s",
                    (
                        "purchase price is the launch list price as reported by the press"
                        if price and not is_est
                        else ""
                    ),
                ),
            }
        )
    out.sort(key=lambda r: r["gpu_id"])
    apply_datasheet_checks(out)
    return out


# gpu_cloud_prices_curated 'gpu' -> gpu_id. Offers whose GPU cannot be tied to
# a gpus row with sourced specs are dropped (see CLOUD_DROPPED).
CLOUD_GPU = {
    # AWS p4d and Lambda gpu_*_a100(_sxm4): SXM4 40 GB parts
    "NVIDIA A100 40GB": "nvidia-a100-sxm4-40gb",
    "NVIDIA A100 80GB": "nvidia-a100-sxm4-80gb",  # AWS p4de
    "NVIDIA A100 80GB (SXM4)": "nvidia-a100-sxm4-80gb",
    "NVIDIA A100 80GB (SXM)": "nvidia-a100-sxm4-80gb",
    # Epoch's 'A100 PCIe' row is 40 GB (see its caution)
    "NVIDIA A100 40GB (PCIe)": "nvidia-a100-pcie",
    "NVIDIA H100 80GB (SXM)": "nvidia-h100-sxm",
    "NVIDIA H100 80GB (SXM5)": "nvidia-h100-sxm",
    "NVIDIA H100 80GB (PCIe)": "nvidia-h100-pcie",
    "NVIDIA H200 141GB": "nvidia-h200-sxm",  # AWS p5en: H200 SXM modules
    "NVIDIA H200 141GB (SXM)": "nvidia-h200-sxm",
    "NVIDIA B200": "nvidia-b200",
    "NVIDIA B300": "nvidia-b300",
    "NVIDIA L40S": "nvidia-l40s",
    "NVIDIA A10G": "nvidia-a10g",
    "NVIDIA A10": "nvidia-a10-pcie",
    "NVIDIA V100": "nvidia-v100-sxm2-16gb",
    "NVIDIA T4": "nvidia-t4",
    "NVIDIA RTX A6000": "nvidia-rtx-a6000",
    "NVIDIA A40": "nvidia-a40",
    "AMD Instinct MI300X": "amd-mi300x",
}
CLOUD_DROPPED_GPUS = {
    "NVIDIA GH200": (
        "the Epoch hardware row for GH200 has no memory size, so a gpus row cannot be sourced"
    ),
    "NVIDIA A100 80GB (PCIe)": (
        "no A100 80 GB PCIe row in the Epoch data (its 'A100 PCIe' row is 40 GB)"
    ),
}
SKYPILOT_AS_OF_BASIS = (
    "upper bound: reference snapshot gathered 2026-11-29; catalog commit date not retrievable"
)


def build_gpu_cloud_prices(ref: Path, gpu_ids: set[str]) -> tuple[list[Row], list[str]]:
    """The gpu_cloud_prices table and a decision log."""
    log: list[str] = []
    out: list[Row] = []
    for c in read_csv(ref / "hardware" / "gpu_cloud_prices_curated.csv"):
        label = f"{c['provider']} {c['instance_type']} {c['region']}"
        if c["gpu"] in CLOUD_DROPPED_GPUS:
            log.append(f"gpu_cloud_prices: dropped {label}: {CLOUD_DROPPED_GPUS[c['gpu']]}")
            continue
        if not c["usd_per_hour_on_demand"]:
            log.append(
                f"gpu_cloud_prices: dropped {label}: no on-demand price in the catalog "
                f"({c['notes']})"
            )
            continue
        gpu_id = CLOUD_GPU[c["gpu"]]
        if gpu_id not in gpu_ids:
            raise ValueError(f"offer {label} maps to unknown gpu_id {gpu_id}")
        count = int(c["gpu_count"])
        per_hour = Decimal(c["usd_per_hour_on_demand"])
        # The reference's notes explain why its as_of was blank; as_of and
        # as_of_basis now carry that, so those phrases are dropped.
        ref_note = re.sub(
            r" \(index-stored version; commit date not retrievable offline -> as_of blank\)"
            r"|;? ?commit date not retrievable offline",
            "",
            c["notes"],
        ).strip(" ;")
        notes = [ref_note, f"GPU as listed: {c['gpu']}"]
        if c["as_of"]:
            as_of = c["as_of"]
            basis = "git blame date of the price line in gpuhunt (date the line last changed)"
        else:
            # SkyPilot catalog rows carry no date; the honest bound is the
            # date the reference snapshot was gathered.
            as_of = BUILD_DATE.isoformat()
            basis = SKYPILOT_AS_OF_BASIS
        region = c["region"]
        if not region:
            region = "all (one rate per GPU type)"
            notes.append("gpuhunt's Crusoe table has one rate per GPU type, not per region")
        out.append(
            {
                "provider": c["provider"],
                "instance_type": c["instance_type"],
                "gpu_id": gpu_id,
                "gpu_count": str(count),
                "usd_per_hour": num(per_hour),
                "usd_per_gpu_hour": num(
                    per_hour / count, 4
                ),  # usd_per_hour / gpu_count, 4 decimals
                "region": region,
                "as_of": as_of,
                "as_of_basis": basis,
                "source": c["source"],
                "notes": join_notes(*notes),
            }
        )
    out.sort(key=lambda r: (r["provider"], r["instance_type"], r["region"], r["as_of"]))
    return out, log


# --------------------------------------------------------------------------- GPU price index

GPU_INDEX_FILE = (
    "fresh_2026/gpu_prices/gpu_price_index_henryzhangpku/"
    "backfill_ratecards_2025-08_to_2026-09.EXTRACT.csv"
)
GPU_INDEX_SOURCE = (
    "henryzhangpku/gpu-price-index:series/backfill_ratecards.csv@"
    "f741b56d6f8615757008a24372d340cc13f9d2f4 (TRANSCRIBED extract, months 2025-08 to 2026-09)"
)
GPU_INDEX_BASIS = (
    "normalised list price, not a raw quote: the index restates each provider's archived public "
    "rate card to one benchmark good (US, SXM-class, per GPU-hour, adjustment factors up to "
    "1.75x) and takes the median across providers; hyperscalers (AWS, GCP, Azure) are screened "
    "out; list prices, not transactions; the index's README calls it a demonstration "
    "('do not settle against')"
)
# Index code -> (the GPU as the index names it, gpus.gpu_id). The index states the
# SXM class but not the memory size: an A100 could be the 40 or the 80 GB part.
GPU_INDEX_GPUS = {
    "GIX-H100": ("H100 (SXM-class)", "nvidia-h100-sxm"),
    "GIX-H200": ("H200 (SXM-class)", "nvidia-h200-sxm"),
    "GIX-B200": ("B200 (SXM-class)", "nvidia-b200"),
    "GIX-A100": ("A100 (SXM-class; 40 or 80 GB not stated)", ""),
}


def _month_end(month: str) -> str:
    year, mon = (int(x) for x in month.split("-"))
    nxt = date(year + (mon == 12), mon % 12 + 1, 1)
    return (nxt - timedelta(days=1)).isoformat()


def build_gpu_price_index(ref: Path, gpu_ids: set[str]) -> list[Row]:
    """The gpu_price_index table: one row per (index, month), normalised list prices.

    Raises:
        ValueError: an index code is not mapped, or maps to an unknown GPU.
    """
    out: list[Row] = []
    for r in read_csv(ref / GPU_INDEX_FILE):
        code = r["index_code"]
        if code not in GPU_INDEX_GPUS:
            raise ValueError(f"gpu_price_index: unmapped index code {code}")
        printed, gpu_id = GPU_INDEX_GPUS[code]
        if gpu_id and gpu_id not in gpu_ids:
            raise ValueError(f"gpu_price_index: {code} maps to an unknown GPU {gpu_id}")
        notes = [
            f"median of {r['provider_count']} providers ({r['observation_count']} observations, "
            f"{r['snapshot_count']} snapshots); per-provider values (normalised): {r['providers']}",
            f"flag: {r['flags']}" if r["flags"] else "",
            f"raw on-demand median {r['raw_on_demand_median']} USD/GPU-hour (not normalised)"
            if r["raw_on_demand_median"]
            else "",
            r["label"],
        ]
        out.append(
            {
                "index_code": code,
                "month": r["period"],
                "gpu": printed,
                "gpu_id": gpu_id,
                "usd_per_gpu_hour": num(r["value"]),
                "provider_count": r["provider_count"],
                "dispersion": num(r["dispersion"]),
                "status": r["status"],
                "as_of": _month_end(r["period"]),
                "price_basis": GPU_INDEX_BASIS,
                "methodology_version": r["methodology_version"],
                "source": GPU_INDEX_SOURCE,
                "notes": join_notes(*notes),
            }
        )
    return sorted(out, key=lambda r: (r["index_code"], r["month"]))
