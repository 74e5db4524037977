"""Numbers, dates and names as the brief and the panels write them.

``usd(41200)`` is ``"$41,200"``, ``pct(0.234)`` is ``"23%"``; a value that is not
a finite number is an error (:class:`~analysis.errors.BriefError`), never
printed as ``nan``. The label tables (scenario parameters, scorecard factors,
providers) are the one place each name is written for a reader.
"""

from __future__ import annotations

import math
from datetime import date
from typing import TYPE_CHECKING

from analysis.errors import BriefError

if TYPE_CHECKING:
    from analysis.tco import SelfHostedOption
    from analysis.uncertainty import Percentiles


def usd(value: float, digits: int = 0) -> str:
    """``$12,345`` style; ``$1.2M`` from a million up; a minus sign for negatives."""
    check_finite(value, "amount")
    sign = "-" if value < 0 else ""
    v = abs(value)
    if v >= 1e9:
        return f"{sign}${v / 1e9:,.2f}B"
    if v >= 1e6:
        return f"{sign}${v / 1e6:,.2f}M"
    if v >= 1e3 or digits == 0:
        return f"{sign}${v:,.0f}"
    return f"{sign}${v:,.{digits}f}"


def pct(value: float, digits: int = 0) -> str:
    """``0.234`` -> ``"23%"``."""
    check_finite(value, "share")
    return f"{value * 100:.{digits}f}%"


def number(value: float, digits: int = 0) -> str:
    """``12345.6`` -> ``"12,346"``; millions as ``"12.3M"``."""
    check_finite(value, "number")
    if abs(value) >= 1e9:
        return f"{value / 1e9:,.1f}B"
    if abs(value) >= 1e6:
        return f"{value / 1e6:,.1f}M"
    return f"{value:,.{digits}f}"


def months(value: float) -> str:
    """``7.4`` -> ``"7.4 months"``; ``1`` -> ``"1 month"``."""
    check_finite(value, "months")
    text = f"{value:.0f}" if abs(value - round(value)) < 0.05 else f"{value:.1f}"
    return f"{text} month" + ("" if text == "1" else "s")


def check_finite(value: float | None, what: str) -> None:
    """Raise when ``value`` is not a finite number.

    Raises:
        BriefError: ``value`` is None, NaN or infinite; the message names ``what``.
    """
    if value is None or not math.isfinite(float(value)):
        raise BriefError(f"the brief computed a {what} that is not a finite number ({value!r})")


def iso(value: date | str) -> str:
    """A date as ``YYYY-MM-DD``."""
    return value if isinstance(value, str) else value.isoformat()


def date_range(low: date | str | None, high: date | str | None) -> str:
    """``"2024-01-01 to 2025-11-21"``; one date when both ends agree; ``"no dates"``."""
    if low is None and high is None:
        return "no dates"
    if low is None or high is None or low == high:
        return iso(high if high is not None else low)  # type: ignore[arg-type]
    return f"{iso(low)} to {iso(high)}"


def lower_first(label: str) -> str:
    """``"GPU rent per hour"`` stays; ``"Requests per month"`` -> ``"requests per month"``."""
    first = label.split(" ", 1)[0]
    if len(first) > 1 and first.isupper():
        return label
    return label[:1].lower() + label[1:]


def share_words(share: float) -> str:
    """``0`` -> ``"none of them"``, ``1`` -> ``"all of them"``, else ``"37% of them"``."""
    if share <= 0:
        return "none of them"
    if share >= 1:
        return "all of them"
    return f"{pct(share)} of them"


def difference_range(p: Percentiles) -> str:
    """P10–P90 of self-hosted − API [USD/month] in words."""
    lo, hi = p.p10, p.p90
    if lo >= 0:
        return f"self-hosting costs {usd(lo)} to {usd(hi)} a month more than the API"
    if hi <= 0:
        return f"self-hosting saves {usd(-hi)} to {usd(-lo)} a month against the API"
    return f"self-hosting ranges from saving {usd(-lo)} to costing {usd(hi)} more a month"


def ownership_word(option: SelfHostedOption) -> str:
    """``"bought"`` or ``"rented"``: how the self-hosted option holds its GPUs."""
    return "bought" if option.ownership == "buy" else "rented"


#: Readable names of the scorecard factors.
FACTOR_NAMES = {
    "cost_predictability": "Cost predictability",
    "data_sovereignty": "Data sovereignty",
    "regulatory_compliance": "Regulatory compliance",
    "customization_depth": "Customisation depth",
    "latency_control": "Latency control",
}

#: How providers are written in prose (ids elsewhere are shown as they are).
PROVIDER_NAMES = {
    "openai": "OpenAI",
    "anthropic": "Anthropic",
    "google": "Google",
    "mistral": "Mistral",
    "deepseek": "DeepSeek",
    "together": "Together AI",
    "fireworks": "Fireworks AI",
    "groq": "Groq",
    "deepinfra": "DeepInfra",
}

#: Readable labels of scenario parameters (others are derived from the dotted name).
PARAMETER_LABELS = {
    "workload.requests_per_month": "Requests per month",
    "workload.input_tokens": "Input tokens per request",
    "workload.output_tokens": "Output tokens per request",
    "workload.cached_share": "Share of input served from cache",
    "workload.peak_to_average": "Peak-to-average traffic",
    "workload.hours_per_month": "Hours per month",
    "api.input_usd_per_mtok": "API input price",
    "api.output_usd_per_mtok": "API output price",
    "api.cached_input_usd_per_mtok": "API cached-input price",
    "self_hosted.gpu_hour_usd": "GPU rent per hour",
    "self_hosted.capex_usd_per_gpu": "GPU purchase price",
    "self_hosted.amortisation_years": "Amortisation period",
    "self_hosted.power_w": "Power per GPU",
    "self_hosted.pue": "Data-centre PUE",
    "self_hosted.usd_per_kwh": "Power price",
    "self_hosted.hosting_usd_per_gpu_month": "Hosting per GPU-month",
    "self_hosted.staff_fte": "Operations staff (FTE)",
    "self_hosted.staff_annual_usd": "Cost of one FTE a year",
    "self_hosted.utilisation": "Planned GPU utilisation",
    "self_hosted.throughput_tok_s": "Replica throughput",
    "self_hosted.concurrent_sequences": "Concurrent sequences per replica",
    "self_hosted.context_tokens": "Context held per sequence",
    "self_hosted.kv_bytes_per_value": "KV-cache bytes per value",
    "self_hosted.overhead_share": "Memory overhead",
    "self_hosted.gpus_per_replica": "GPUs per replica",
    "self_hosted.target_tpot_ms": "Time per output token, target",
    "self_hosted.target_ttft_ms": "Time to first token (p95), target",
    "self_hosted.grid_gco2e_per_kwh": "Grid carbon intensity",
}


def parameter_label(path: str) -> str:
    """A readable name for a dotted scenario parameter."""
    if path in PARAMETER_LABELS:
        return PARAMETER_LABELS[path]
    last = path.rsplit(".", 1)[-1].replace("_", " ")
    return last[:1].upper() + last[1:]


def format_value(value: float | str | None, unit: str) -> str:
    """A parameter's value with its unit, e.g. ``$2.50 per 1M input tokens``, ``70%``."""
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    v = float(value)
    check_finite(v, unit or "value")
    u = unit.lower()
    if u.startswith("share") or u == "share":
        return pct(v)
    if u.startswith("ratio"):
        return f"{v:g}×"
    if u.startswith("usd"):
        rest = unit[3:].strip()
        if rest.startswith("/"):
            rest = "per " + rest[1:]
        digits = 2 if abs(v) < 1000 else 0
        return f"{usd(v, digits)} {rest}".strip()
    text = f"{v:,.0f}" if abs(v) >= 1000 or v == int(v) else f"{v:,.3g}"
    return f"{text} {unit}".strip()
