"""Live inference probes: how many tokens per second a replica delivers, at what latency.

A probe sends streamed requests to an inference server under a chosen load
and measures, per request, the latencies a user feels and the tokens the
server produced; per load level it derives throughput, percentiles, errors by
class and goodput against service-level objectives (SLOs). The throughput at
the highest load that still meets the SLO feeds the cost model
(:func:`to_tco_throughput`).

The package, one module per concept (imports flow down this list's reverse):

- :mod:`~analysis.probes.config`: options, load shapes, SLO, the concurrency-level grammar;
- :mod:`~analysis.probes.results`: request results, statistics, runs and their economics;
- :mod:`~analysis.probes.streams`: parsing server-sent events and NDJSON streams;
- :mod:`~analysis.probes.backends`: the server APIs (``openai``, ``ollama``) in a registry;
- :mod:`~analysis.probes.transport`: the HTTP client with its timeouts and bounds;
- :mod:`~analysis.probes.prompts`: synthetic prompts and their calibration;
- :mod:`~analysis.probes.discovery`: a server's models, tokenizer and counters;
- :mod:`~analysis.probes.runner`: the load generator, :func:`run_probe`;
- :mod:`~analysis.probes.store`: stored runs (Parquet), imported by its users;
- :mod:`~analysis.probes.tiny_server`: the embedded llama.cpp server, imported by its users.

The metrics are defined in :data:`METRIC_DEFINITIONS` and the error classes
in :data:`ERROR_CLASSES`; the command line (``analysis.cli.probes``) prints
both beside the numbers.
"""

from __future__ import annotations

from analysis.errors import ProbeConfigError, ProbeError
from analysis.probes.backends import (
    Backend,
    OllamaBackend,
    OpenAIBackend,
    backend_names,
    get_backend,
    register_backend,
)
from analysis.probes.config import (
    DEFAULT_API_KEY_ENV,
    MAX_CONCURRENCY,
    SLO,
    ConcurrencySweep,
    LoadShape,
    PoissonLoad,
    ProbeConfig,
    load_from_dict,
    parse_levels,
)
from analysis.probes.discovery import list_models, read_server_counters
from analysis.probes.prompts import PROMPT_WORDS, calibrate_prompt, synthetic_prompt
from analysis.probes.results import (
    ERROR_CLASSES,
    LEVEL_METRICS,
    METRIC_DEFINITIONS,
    PERCENTILES,
    SUMMARY_KEYS,
    LevelStats,
    ProbeRun,
    RequestResult,
    Summary,
    ThroughputPoint,
    aggregate,
    best_throughput,
    new_run_id,
    percentile,
    summarise,
    to_tco_throughput,
)
from analysis.probes.runner import run_probe

__all__ = [
    "DEFAULT_API_KEY_ENV",
    "ERROR_CLASSES",
    "LEVEL_METRICS",
    "MAX_CONCURRENCY",
    "METRIC_DEFINITIONS",
    "PERCENTILES",
    "PROMPT_WORDS",
    "SLO",
    "SUMMARY_KEYS",
    "Backend",
    "ConcurrencySweep",
    "LevelStats",
    "LoadShape",
    "OllamaBackend",
    "OpenAIBackend",
    "PoissonLoad",
    "ProbeConfig",
    "ProbeConfigError",
    "ProbeError",
    "ProbeRun",
    "RequestResult",
    "Summary",
    "ThroughputPoint",
    "aggregate",
    "backend_names",
    "best_throughput",
    "calibrate_prompt",
    "get_backend",
    "list_models",
    "load_from_dict",
    "new_run_id",
    "parse_levels",
    "percentile",
    "read_server_counters",
    "register_backend",
    "run_probe",
    "summarise",
    "synthetic_prompt",
    "to_tco_throughput",
]
