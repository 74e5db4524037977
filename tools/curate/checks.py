"""The self-check run before anything is written.

Schema rules (types, bounds, patterns), keys, references and the cross-column rules.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from datetime import date
from decimal import Decimal

from .common import BUILD_DATE, Row
from .prices import check_price_tables

# Minimum row counts the downstream tests rely on.
MINIMUM_ROWS = {
    "models": 80,
    "benchmark_scores": 1500,
    "arena_ratings": 1000,
    "api_prices": 150,
    "gpus": 15,
    "gpu_cloud_prices": 40,
    "gap_claims": 4,
    "eci_scores": 300,
    "model_shapes": 40,
}


_INT = re.compile(r"^-?\d+$")
_FLOAT = re.compile(r"^-?\d+(\.\d+)?$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def check_tables(tables: Mapping[str, list[Row]], schema: Mapping) -> list[str]:
    """Every problem found: required, type, allowed, bounds, pattern, keys, references, rules."""
    problems: list[str] = []
    for name, spec in schema["tables"].items():
        rows = tables.get(name)
        if rows is None:
            problems.append(f"{name}: table not built")
            continue
        if len(rows) < MINIMUM_ROWS.get(name, 1):
            problems.append(f"{name}: {len(rows)} rows, fewer than {MINIMUM_ROWS[name]}")
        cols = {c["name"]: c for c in spec["columns"]}
        for i, r in enumerate(rows, start=2):
            where = f"{spec['file']}:{i}"
            extra = set(r) - set(cols)
            if extra:
                problems.append(f"{where}: unexpected columns {sorted(extra)}")
            for cname, c in cols.items():
                v = r.get(cname, "")
                if v == "":
                    if c.get("required"):
                        problems.append(f"{where}: {cname}: required but empty")
                    continue
                if v != v.strip():
                    problems.append(f"{where}: {cname}: surrounding whitespace ({v!r})")
                t = c["type"]
                if t == "int" and not _INT.match(v):
                    problems.append(f"{where}: {cname}: not an integer ({v!r})")
                    continue
                if t == "float" and not _FLOAT.match(v):
                    problems.append(f"{where}: {cname}: not a plain decimal ({v!r})")
                    continue
                if t == "bool" and v not in ("true", "false"):
                    problems.append(f"{where}: {cname}: not true/false ({v!r})")
                if t == "date":
                    try:
                        if not _DATE.match(v):
                            raise ValueError
                        date.fromisoformat(v)
                    except ValueError:
                        problems.append(f"{where}: {cname}: not a YYYY-MM-DD date ({v!r})")
                if "allowed" in c and v not in c["allowed"]:
                    problems.append(f"{where}: {cname}: {v!r} not in {c['allowed']}")
                if t in ("int", "float"):
                    x = Decimal(v)
                    if "min" in c and x < Decimal(str(c["min"])):
                        problems.append(f"{where}: {cname}: {v} below min {c['min']}")
                    if "max" in c and x > Decimal(str(c["max"])):
                        problems.append(f"{where}: {cname}: {v} above max {c['max']}")
                if "pattern" in c and not re.fullmatch(c["pattern"], v):
                    problems.append(f"{where}: {cname}: {v!r} does not match {c['pattern']}")
        pk = spec["primary_key"]
        counts = Counter(tuple(r.get(k, "") for k in pk) for r in rows)
        for k, n in counts.items():
            if n > 1:
                problems.append(f"{spec['file']}: primary key {pk} repeated {n}x: {k}")
            if all(v == "" for v in k):
                problems.append(f"{spec['file']}: empty primary key")
        for cname, c in cols.items():
            ref = c.get("references")
            if not ref:
                continue
            rt, rc = ref.split(".")
            targets = {r[rc] for r in tables.get(rt, [])}
            for i, r in enumerate(rows, start=2):
                if r.get(cname) and r[cname] not in targets:
                    problems.append(f"{spec['file']}:{i}: {cname}: {r[cname]!r} not in {ref}")
    problems += _check_rules(tables)
    return problems


def _check_rules(t: Mapping[str, list[Row]]) -> list[str]:
    """The cross-column rules named in schema.yaml, as this script reads them."""
    p: list[str] = []
    for i, r in enumerate(t["models"], start=2):
        w = f"models.csv:{i}"
        if r["release_date"] and not r["release_date_source"]:
            p.append(f"{w}: release_date without release_date_source")
        if (
            any(
                r[c]
                for c in ("params_total_b", "params_active_b", "layers", "kv_heads", "head_dim")
            )
            and not r["spec_source"]
        ):
            p.append(f"{w}: spec figures without spec_source")
        if (
            r["params_total_b"]
            and r["params_active_b"]
            and Decimal(r["params_active_b"]) > Decimal(r["params_total_b"])
        ):
            p.append(f"{w}: params_active_b > params_total_b")
        if (
            r["architecture"] == "dense"
            and r["params_total_b"]
            and r["params_active_b"]
            and r["params_total_b"] != r["params_active_b"]
        ):
            p.append(f"{w}: dense model with active != total")
    for i, r in enumerate(t["benchmark_scores"], start=2):
        w = f"benchmark_scores.csv:{i}"
        s = Decimal(r["score"])
        if r["scale"] == "percent" and not (0 <= s <= 100):
            p.append(f"{w}: percent score {s} outside 0-100")
        if r["scale"] == "fraction_0_1" and not (0 <= s <= 1):
            p.append(f"{w}: fraction score {s} outside 0-1")
        if r["scale"] in ("percent", "fraction_0_1") and not r["score_pct"]:
            p.append(f"{w}: score_pct missing for scale {r['scale']}")
        if r["scale"] not in ("percent", "fraction_0_1") and r["score_pct"]:
            p.append(f"{w}: score_pct given for scale {r['scale']}")
        if r["scale"] == "score_0_10" and not (0 <= s <= 10):
            p.append(f"{w}: score_0_10 score {s} outside 0-10")
        if r["scale"] == "score_1_5" and not (1 <= s <= 5):
            p.append(f"{w}: score_1_5 score {s} outside 1-5")
    for i, r in enumerate(t["api_prices"], start=2):
        w = f"api_prices.csv:{i}"
        eff = r["effective_from"]
        if (r["date_basis"] == "unknown_start") != (eff == ""):
            p.append(f"{w}: effective_from must be empty exactly when date_basis is unknown_start")
        if eff and (date.fromisoformat(eff) > BUILD_DATE) != (r["scheduled"] == "true"):
            p.append(f"{w}: scheduled flag disagrees with effective_from {eff}")
        if r["cached_input_usd_per_mtok"] and Decimal(r["cached_input_usd_per_mtok"]) > Decimal(
            r["input_usd_per_mtok"]
        ):
            p.append(f"{w}: cached input price above input price")
    for i, r in enumerate(t["gpus"], start=2):
        w = f"gpus.csv:{i}"
        if r["purchase_price_usd"] and (
            not r["purchase_price_source"] or not r["purchase_price_is_estimate"]
        ):
            p.append(f"{w}: purchase price without source or estimate flag")
        if r["purchase_price_is_estimate"] == "true" and not r["purchase_price_source"]:
            p.append(f"{w}: estimated price without source")
    for i, r in enumerate(t["gpu_cloud_prices"], start=2):
        w = f"gpu_cloud_prices.csv:{i}"
        per = Decimal(r["usd_per_hour"]) / int(r["gpu_count"])
        if abs(per - Decimal(r["usd_per_gpu_hour"])) > Decimal("0.00005"):
            p.append(
                f"{w}: usd_per_gpu_hour {r['usd_per_gpu_hour']} != usd_per_hour / gpu_count ({per})"
            )
    p += _check_new_tables(t)
    p += check_price_tables(t)
    for i, r in enumerate(t["gap_claims"], start=2):
        if r["lag_months_high"] and Decimal(r["lag_months_high"]) < Decimal(r["lag_months"] or "0"):
            p.append(f"gap_claims.csv:{i}: lag_months_high below lag_months")
    return p


def _check_new_tables(t: Mapping[str, list[Row]]) -> list[str]:
    """Rules of eci_scores and model_shapes, and one harness per independent benchmark label."""
    p: list[str] = []
    seen: dict[tuple[str, str], int] = {}
    for i, r in enumerate(t["eci_scores"], start=2):
        w = f"eci_scores.csv:{i}"
        if bool(r["ci_low"]) != bool(r["ci_high"]):
            p.append(f"{w}: an interval needs both ends")
        elif r["ci_low"] and not Decimal(r["ci_low"]) <= Decimal(r["eci"]) <= Decimal(r["ci_high"]):
            p.append(f"{w}: eci {r['eci']} outside [{r['ci_low']}, {r['ci_high']}]")
        if r["model_id"]:
            key = (r["snapshot"], r["model_id"])
            if key in seen:
                p.append(
                    f"{w}: model_id {r['model_id']} already on line {seen[key]} of this snapshot"
                )
            seen[key] = i
    for i, r in enumerate(t["model_shapes"], start=2):
        w = f"model_shapes.csv:{i}"
        if r["attention"] in ("mha", "gqa") and not (r["kv_heads"] and r["head_dim"]):
            p.append(f"{w}: {r['attention']} without kv_heads/head_dim")
        if r["attention"] == "mla" and (r["kv_heads"] or r["head_dim"] or not r["kv_lora_rank"]):
            p.append(f"{w}: mla needs kv_lora_rank and no kv_heads/head_dim")
        if (
            r["attention"] == "mha"
            and r["attention_heads"]
            and r["kv_heads"] != r["attention_heads"]
        ):
            p.append(f"{w}: mha with kv_heads != attention_heads")
        if r["ffn"] == "moe" and not (r["routed_experts"] and r["experts_per_token"]):
            p.append(f"{w}: moe without routed_experts/experts_per_token")
        if r["ffn"] == "dense" and (r["routed_experts"] or r["moe_layers"]):
            p.append(f"{w}: dense model with expert figures")
        if r["dense_layers"] and r["moe_layers"]:
            if int(r["dense_layers"]) + int(r["moe_layers"]) > int(r["layers"]):
                p.append(f"{w}: dense_layers + moe_layers above layers")
        if r["full_attention_layers"] and int(r["full_attention_layers"]) > int(r["layers"]):
            p.append(f"{w}: full_attention_layers above layers")
    # One harness per benchmark label among independent rows: the gap analysis accepts several
    # settings of one independent harness, never two harnesses under one label.
    harness: dict[str, set[str]] = {}
    for r in t["benchmark_scores"]:
        if r["eval_relationship"] == "independent":
            harness.setdefault(r["benchmark"], set()).add(r["reported_by"])
    for label, who in sorted(harness.items()):
        if len(who) > 1:
            p.append(f"benchmark_scores: independent rows of {label!r} come from {sorted(who)}")
    return p
