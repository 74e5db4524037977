"""The eci_scores table: Epoch AI's Capabilities Index, one row per (snapshot, Epoch model).

Three snapshots, never mixed: Epoch refits the index at every release, so a
model's ECI moves between snapshots (Nemotron 3 Ultra is 142.83 in August and
146.19 in October). Compare models within one snapshot only.

- ``2026-05-14`` -- the hub download ``epoch_capabilities_index.csv`` as copied
  in feruiloba/miri-fellowship-inference-scaling (commit of 2026-05-14; Epoch's
  citation month 2026-04). One row per Epoch "Model version"; the versions of
  one model (effort settings, serving routes) share one ECI, so they are folded
  into one row per (Model name, ECI). No interval is given.
- ``2026-08-11`` -- ``data/raw/eci_scores.csv`` of timfduffy/teci (commit
  5faff1d7, "Refresh Epoch data from source; refit"), a copy of Epoch's
  ``eci_scores.csv`` with a confidence interval.
- ``2026-10-01`` -- the model list of tecunningham/eci-benchmark-logodds
  ``data/eci_data.json`` (README: Epoch benchmark_data.zip of 1 Oct 2026),
  **transcribed by hand** (84 models from 2025-11-13). Its columns are named
  ``eci_ci_low_90`` / ``eci_ci_high_90``.

:func:`cross_check` compares the transcription with the other two snapshots
(names, dates, organisations) and returns every disagreement; the curation
fails unless they are exactly the documented ones in :data:`KNOWN_DISAGREEMENTS`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from .common import Row, join_notes, num, read_csv
from .names import EPOCH_NAMES, EPOCH_VERSIONS, split_version

FRESH = "fresh_2026"
AUG_FILE = f"{FRESH}/epoch/teci_raw_2026-08-11/eci_scores.csv"
OCT_FILE = f"{FRESH}/epoch/eci_2026-10-01_tecunningham/eci_models_from_2025-11-13.TRANSCRIBED.csv"
HUB_FILE = f"{FRESH}/epoch/benchmark_data_2026-05/epoch_capabilities_index.csv"

AUG_SOURCE = (
    "timfduffy/teci:data/raw/eci_scores.csv@5faff1d7c3100f543e26b1afbaa9915ada51b84e "
    "(copy of Epoch AI eci_scores.csv, CC BY 4.0)"
)
OCT_SOURCE = (
    "tecunningham/eci-benchmark-logodds:data/eci_data.json"
    "@9574fa7813031c1b82386e0798e556bcd9823934 "
    "(key 'models'; Epoch AI benchmark_data.zip of 2026-10-01; TRANSCRIBED by hand)"
)
HUB_SOURCE = (
    "feruiloba/miri-fellowship-inference-scaling:data/eci/benchmark_data/"
    "epoch_capabilities_index.csv@d0aa29658d5657ecaa8ee1cca0aa96d8e5464922 "
    "(Epoch AI Benchmarking Hub download, CC BY 4.0)"
)
SNAPSHOTS = {"2026-05-14": "2026-05-14", "2026-08-11": "2026-08-11", "2026-10-01": "2026-10-01"}

# Every disagreement the cross-check finds, with how it was resolved. The curation
# fails when the check finds one not listed here, or misses one listed here.
KNOWN_DISAGREEMENTS: dict[tuple[str, str, str], str] = {
    ("aug", "Kimi K2.5", "date"): "Oct 2026-01-27 vs Aug 2026-02-02; the May hub also says "
    "2026-01-27: models.release_date uses the Oct date",
    (
        "aug",
        "Qwen 3.6 Plus",
        "date",
    ): "Oct 2026-03-31 vs Aug 2026-04-01 (Epoch's revision); Oct used",
    (
        "aug",
        "Qwen 3.6 Flash",
        "date",
    ): "Oct 2026-04-27 vs Aug 2026-04-26 (Epoch's revision); Oct used",
    (
        "aug",
        "Mistral Medium 3.5",
        "date",
    ): "Oct 2026-04-28 vs Aug 2026-04-29 (Epoch's revision); Oct used",
    (
        "aug",
        "Qwen 3.8 Max",
        "date",
    ): "Oct 2026-08-02 vs Aug 2026-07-19 (Epoch's revision); Oct used",
    ("aug", "Gemini 3.1 Flash-Lite", "organisation"): "Oct lists the first organisation only and "
    "merges Google into Google DeepMind; same developer",
    ("aug", "Gemini 3.5 Flash", "organisation"): "as Gemini 3.1 Flash-Lite",
    ("aug", "Nemotron 3 Ultra", "organisation"): "'Nvidia' vs 'NVIDIA': spelling only",
    ("aug", "GPT-5.1-Codex-Max", "missing_in_oct"): "in Aug (2025-11-19) but not in the Oct list "
    "(which starts 2025-11-13); kept from the Aug snapshot only",
    ("aug", "DeepSeek-V4-Flash", "missing_in_aug"): "Oct lists it (2026-04-24); the Aug file has "
    "no row for it although it predates the Aug commit; Oct used",
    ("aug", "Gemma 4 26B A4B", "missing_in_aug"): "as DeepSeek-V4-Flash",
    ("aug", "Qwen3.5 397B-A17B", "missing_in_aug"): "as DeepSeek-V4-Flash",
    ("aug", "Qwen3.5-35B-A3B", "missing_in_aug"): "as DeepSeek-V4-Flash",
    ("aug", "Qwen3.5-9B", "missing_in_aug"): "as DeepSeek-V4-Flash",
    ("aug", "Qwen3.6 27B", "missing_in_aug"): "as DeepSeek-V4-Flash",
    ("aug", "GPT-5.5 Instant", "missing_in_aug"): "as DeepSeek-V4-Flash",
    ("aug", "Qwen3.7-Plus", "missing_in_aug"): "as DeepSeek-V4-Flash",
    ("aug", "Inkling-Small", "missing_in_aug"): "as DeepSeek-V4-Flash",
    ("aug", "Gemini 3.5 Flash-Lite", "missing_in_aug"): "as DeepSeek-V4-Flash",
    ("aug", "Qwen3.7 Flash", "missing_in_aug"): "as DeepSeek-V4-Flash",
    ("aug", "Muse Spark 1.2", "missing_in_aug"): "as DeepSeek-V4-Flash",
    ("hub", "Kimi K2.5", "accessibility"): "Aug 'Open weights (unrestricted)' vs May hub 'Open "
    "weights (restricted use)'; both open weights, so open_weights = true either way",
}


@dataclass(frozen=True)
class EciRow:
    """One model's index in one snapshot, as the source prints it."""

    snapshot: str
    name: str
    eci: Decimal
    ci_low: Decimal | None
    ci_high: Decimal | None
    model_date: str
    organisation: str
    accessibility: str
    versions: tuple[str, ...] = ()


def read_aug(ref: Path) -> list[EciRow]:
    """The Aug-2026 snapshot (timfduffy/teci copy of Epoch's eci_scores.csv)."""
    out = []
    for r in read_csv(ref / AUG_FILE):
        out.append(
            EciRow(
                snapshot="2026-08-11",
                name=r["Model"],
                eci=Decimal(r["eci"]),
                ci_low=Decimal(r["eci_ci_low"]) if r["eci_ci_low"] else None,
                ci_high=Decimal(r["eci_ci_high"]) if r["eci_ci_high"] else None,
                model_date=r["date"],
                organisation=r["Organization"],
                accessibility=r["Model accessibility"],
            )
        )
    return out


def read_oct(ref: Path) -> list[EciRow]:
    """The Oct-2026 list (transcribed)."""
    return [
        EciRow(
            snapshot="2026-10-01",
            name=r["model"],
            eci=Decimal(r["eci"]),
            ci_low=Decimal(r["eci_ci_low_90"]),
            ci_high=Decimal(r["eci_ci_high_90"]),
            model_date=r["date"],
            organisation=r["organization_first"],
            accessibility="",
        )
        for r in read_csv(ref / OCT_FILE)
    ]


def read_hub(ref: Path) -> list[EciRow]:
    """The May-2026 hub file, folded to one row per (Model name, ECI)."""
    groups: dict[tuple[str, str], list[Row]] = defaultdict(list)
    for r in read_csv(ref / HUB_FILE):
        if not r["ECI Score"]:
            continue
        name = r["Model name"] or r["Display name"] or r["Model version"]
        groups[(name, r["ECI Score"])].append(r)
    per_name: dict[str, int] = defaultdict(int)
    for name, _ in groups:
        per_name[name] += 1
    out = []
    for (name, score), rs in groups.items():
        versions = tuple(sorted(r["Model version"] for r in rs))
        label = name
        if per_name[name] > 1:  # several models share the name: add the shortest version id
            label = f"{name} ({min(versions, key=lambda v: (len(v), v))})"
        dates = sorted({r["Release date"] for r in rs if r["Release date"]})
        access = sorted({r["Model accessibility"] for r in rs if r["Model accessibility"]})
        out.append(
            EciRow(
                snapshot="2026-05-14",
                name=label,
                eci=Decimal(score).quantize(Decimal("0.01")),
                ci_low=None,
                ci_high=None,
                model_date=dates[0] if dates else "",
                organisation=rs[0]["Organization"],
                accessibility=access[0] if len(access) == 1 else "; ".join(access),
                versions=versions,
            )
        )
    return sorted(out, key=lambda e: e.name)


def open_from_accessibility(label: str) -> str:
    """'true' / 'false' / '' from Epoch's "Model accessibility" label."""
    if label.startswith("Open weights"):
        return "true"
    if label in ("API access", "Hosted access (no API)", "Unreleased"):
        return "false"
    return ""


def hub_model_id(e: EciRow, versions: Mapping[str, str]) -> str:
    """The model a hub ECI group maps to: one model_id for all its versions, else ''.

    Args:
        e: a hub row (its ``versions`` are Epoch "Model version" ids).
        versions: base version id -> model_id (see :func:`version_map`).
    """
    ids = set()
    for v in e.versions:
        base, _ = split_version(v)
        ids.add(versions.get(v, versions.get(base, "")))
    ids.discard("")
    if len(ids) == 1:
        return ids.pop()
    return EPOCH_NAMES.get(e.name, "") if not ids and "(" not in e.name else ""


def cross_check(
    oct_rows: Sequence[EciRow], aug: Sequence[EciRow], hub: Sequence[EciRow]
) -> dict[tuple[str, str, str], str]:
    """Every disagreement between the transcribed Oct list and the other snapshots.

    Checks, for each Oct model: its name exists in the Aug file when its date is
    before the Aug commit (else ``missing_in_aug``); the date and organisation
    agree with Aug and with the May hub (hub names without a disambiguating
    version); each Aug model dated from 2025-11-13 is in the Oct list (else
    ``missing_in_oct``); and Aug vs hub accessibility for models in all three.

    Returns:
        ``{(other file 'aug'|'hub', model name, field): 'oct value vs other value'}``.
    """
    found: dict[tuple[str, str, str], str] = {}
    by_aug = {e.name: e for e in aug}
    by_hub = {e.name: e for e in hub}
    for o in oct_rows:
        a = by_aug.get(o.name)
        if a is None:
            if o.model_date <= "2026-08-11":
                found[("aug", o.name, "missing_in_aug")] = f"Oct {o.model_date}; not in Aug"
        else:
            if a.model_date != o.model_date:
                found[("aug", o.name, "date")] = f"{o.model_date} vs {a.model_date}"
            if a.organisation != o.organisation:
                found[("aug", o.name, "organisation")] = f"{o.organisation} vs {a.organisation}"
        h = by_hub.get(o.name)
        if h is not None:
            if h.model_date != o.model_date:
                found[("hub", o.name, "date")] = f"{o.model_date} vs {h.model_date}"
            if a is not None and h.accessibility and a.accessibility != h.accessibility:
                found[("hub", o.name, "accessibility")] = f"{a.accessibility} vs {h.accessibility}"
    names = {o.name for o in oct_rows}
    for a in aug:
        if a.model_date >= "2025-11-13" and a.name not in names:
            found[("aug", a.name, "missing_in_oct")] = f"Aug {a.model_date}; not in Oct"
    return found


def sanity(rows: Sequence[EciRow]) -> list[str]:
    """Transcription checks on one snapshot: interval brackets the value, one row per name."""
    problems = []
    seen: set[str] = set()
    for e in rows:
        if e.name in seen:
            problems.append(f"eci {e.snapshot}: {e.name!r} listed twice")
        seen.add(e.name)
        if e.ci_low is not None and e.ci_high is not None and not e.ci_low <= e.eci <= e.ci_high:
            problems.append(
                f"eci {e.snapshot}: {e.name!r} {e.eci} outside [{e.ci_low}, {e.ci_high}]"
            )
    return problems


def version_map(bench_rows: Sequence[Row], name_to_id: Mapping[str, str]) -> dict[str, str]:
    """Epoch "Model version" id -> model_id: the reference's curated Epoch rows plus names.py.

    The reference (benchmarks/model_benchmarks_curated.csv) already mapped the
    version ids of Epoch's earlier runs (``model_as_printed``) to its canonical
    model names; :data:`names.EPOCH_VERSIONS` adds the ids first seen in 2026.
    Effort suffixes are removed on both sides.
    """
    out: dict[str, str] = {}
    for b in bench_rows:
        if b["source"].startswith("epoch-research/benchmark-stitching"):
            base, _ = split_version(b["model_as_printed"])
            out[base] = name_to_id[b["model"]]
            out[b["model_as_printed"]] = name_to_id[b["model"]]
    for k, v in EPOCH_VERSIONS.items():
        if out.get(k, v) != v:
            raise ValueError(
                f"names.EPOCH_VERSIONS maps {k!r} to {v!r}, the reference to {out[k]!r}"
            )
        out[k] = v
    return out


def build_eci(
    ref: Path, model_ids: set[str], versions: Mapping[str, str]
) -> tuple[list[Row], list[str]]:
    """The eci_scores table and a log (cross-check findings, unmapped names).

    Raises:
        ValueError: the cross-check found a disagreement not in KNOWN_DISAGREEMENTS (or
            a listed one is gone), a row fails :func:`sanity`, or a name maps to an
            unknown model_id.
    """
    aug, oct_rows, hub = read_aug(ref), read_oct(ref), read_hub(ref)
    problems = sanity(aug) + sanity(oct_rows) + sanity(hub)
    found = cross_check(oct_rows, aug, hub)
    unexpected = sorted(set(found) - set(KNOWN_DISAGREEMENTS))
    gone = sorted(set(KNOWN_DISAGREEMENTS) - set(found))
    if unexpected:
        problems.append(
            f"eci cross-check: undocumented disagreements {[(k, found[k]) for k in unexpected]}"
        )
    if gone:
        problems.append(f"eci cross-check: documented disagreements not found {gone}")
    if problems:
        raise ValueError("; ".join(problems))
    log = [f"eci cross-check: {k[0]} {k[1]!r} {k[2]}: {found[k]}" for k in sorted(found)]
    aug_access = {e.name: e.accessibility for e in aug}
    rows: list[Row] = []
    unmapped: list[str] = []
    sources = {"2026-05-14": HUB_SOURCE, "2026-08-11": AUG_SOURCE, "2026-10-01": OCT_SOURCE}
    dates = {"2026-05-14": "2026-05-14", "2026-08-11": "2026-08-11", "2026-10-01": "2026-10-01"}
    for e in [*hub, *aug, *oct_rows]:
        mid = (
            hub_model_id(e, versions) if e.snapshot == "2026-05-14" else EPOCH_NAMES.get(e.name, "")
        )
        if mid and mid not in model_ids:
            raise ValueError(f"eci {e.snapshot}: {e.name!r} maps to unknown model_id {mid!r}")
        if not mid:
            unmapped.append(f"{e.snapshot} {e.name}")
        access = e.accessibility
        notes = []
        if e.snapshot == "2026-10-01":
            notes.append(
                "transcribed by hand; cross-checked against the Aug-2026 and May-2026 files"
            )
            if e.name in aug_access:
                access = ""
                notes.append(f"Aug-2026 accessibility: {aug_access[e.name]}")
        if e.versions:
            notes.append("Epoch model versions: " + ", ".join(e.versions))
        for (other, name, field), text in found.items():
            if name == e.name and e.snapshot == "2026-10-01":
                notes.append(f"vs {other} {field}: {text}")
        rows.append(
            {
                "snapshot": e.snapshot,
                "eci_model": e.name,
                "model_id": mid,
                "eci": num(e.eci),
                "ci_low": num(e.ci_low) if e.ci_low is not None else "",
                "ci_high": num(e.ci_high) if e.ci_high is not None else "",
                "model_date": e.model_date,
                "organisation": e.organisation,
                "epoch_accessibility": access,
                "open_weights": open_from_accessibility(access),
                "source": sources[e.snapshot],
                "source_date": dates[e.snapshot],
                "notes": join_notes(*notes),
            }
        )
    rows.sort(key=lambda r: (r["snapshot"], r["eci_model"]))
    log.append(f"eci_scores: {len(unmapped)} Epoch names without a models row (model_id empty)")
    return rows, log


def epoch_facts(ref: Path, versions: Mapping[str, str]) -> dict[str, dict[str, str]]:
    """model_id -> Epoch's date, accessibility and where they come from (newest snapshot first).

    Returns:
        ``{model_id: {'date', 'date_source', 'accessibility', 'access_source'}}``;
        the date comes from Oct, else Aug, else the hub; the accessibility from Aug,
        else the hub (Oct has none).
    """
    facts: dict[str, dict[str, str]] = defaultdict(dict)
    cite = {
        "2026-10-01": f"Epoch AI ECI list of 2026-10-01, {OCT_SOURCE}",
        "2026-08-11": f"Epoch AI eci_scores.csv, {AUG_SOURCE}",
        "2026-05-14": f"Epoch AI hub epoch_capabilities_index.csv, {HUB_SOURCE}",
    }
    for e in [*read_oct(ref), *read_aug(ref), *read_hub(ref)]:
        mid = (
            hub_model_id(e, versions) if e.snapshot == "2026-05-14" else EPOCH_NAMES.get(e.name, "")
        )
        if not mid:
            continue
        f = facts[mid]
        if e.model_date and "date" not in f:
            f["date"] = e.model_date
            f["date_source"] = f'{cite[e.snapshot]} model "{e.name}" date'
        if e.accessibility and e.accessibility != "Unknown" and "accessibility" not in f:
            f["accessibility"] = e.accessibility
            f["access_source"] = f'{cite[e.snapshot]} model "{e.name}" Model accessibility'
    return dict(facts)


def eci_frame(rows: Sequence[Mapping[str, str]]) -> dict[str, int]:
    """Rows per snapshot (for the report)."""
    counts: dict[str, int] = defaultdict(int)
    for r in rows:
        counts[r["snapshot"]] += 1
    return dict(counts)
