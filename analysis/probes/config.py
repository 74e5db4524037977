"""Probe options: what to probe, under which load, against which objectives.

- :class:`ProbeConfig`: everything a run needs (no secrets: the API key stays
  in the environment), with :meth:`ProbeConfig.validate`;
- load shapes: :class:`ConcurrencySweep` (closed loop) and :class:`PoissonLoad`
  (open loop);
- :class:`SLO`: per-request bounds and the share of requests that must meet them;
- :func:`parse_levels`: the one grammar of concurrency levels, shared by the
  command line and the probe panel;
- :func:`parse_url`: a server URL checked and split.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from analysis.errors import ProbeConfigError
from analysis.probes.backends import get_backend
from analysis.records import to_plain

#: Environment variable holding the API key, unless ``api_key_env`` names another.
DEFAULT_API_KEY_ENV = "AISTRAT_PROBE_API_KEY"

#: Most requests in flight at one concurrency level.
MAX_CONCURRENCY = 1024

#: How the client uses connections, and what each mode means.
CONNECTION_MODES: dict[str, str] = {
    "reuse": (
        "one kept-alive connection per unit of concurrency, reused request after request "
        "(what SDK clients do with their connection pools)"
    ),
    "fresh": "a new connection for every request, closed when its stream ends",
}

_GPU_ID = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}")

_LEVEL = re.compile(r"-?[0-9]+")


def parse_levels(text: str) -> tuple[int, ...]:
    """Concurrency levels from text, e.g. ``"1,2,4"`` or ``"1, 2 4"``.

    Grammar: whole numbers written with the digits 0-9, separated by commas,
    spaces or both; empty parts (``"1,,2"``, a trailing comma) are ignored.
    Each level is at least 1 and at most :data:`MAX_CONCURRENCY`; levels keep
    the order given. Nothing else is accepted: no ranges (``1-4``), signs,
    decimals or digit separators.

    Args:
        text: the levels as typed (``--concurrency`` or the panel's field).

    Returns:
        The levels, in the order given.

    Raises:
        ProbeConfigError: no level, or a part that is not such a number (the
            message names the text and the part).
    """
    hint = "give whole numbers >= 1 separated by commas or spaces, e.g. 1,2,4"
    if not isinstance(text, str):
        raise ProbeConfigError(f"concurrency = {text!r}: {hint}")
    parts = [p for p in re.split(r"[,\s]+", text) if p]
    if not parts:
        raise ProbeConfigError(f"concurrency = {text!r}: no level; {hint}")
    levels = []
    for part in parts:
        if not _LEVEL.fullmatch(part):
            raise ProbeConfigError(
                f"concurrency = {text!r}: {part!r} is not a whole number; {hint}"
            )
        value = int(part)
        if value < 1:
            raise ProbeConfigError(
                f"concurrency = {text!r}: {value} is not a positive number of requests in "
                f"flight; {hint}"
            )
        if value > MAX_CONCURRENCY:
            raise ProbeConfigError(
                f"concurrency = {text!r}: {value}: at most {MAX_CONCURRENCY} requests in flight"
            )
        levels.append(value)
    return tuple(levels)


# --------------------------------------------------------------------------- options


def _positive(name: str, value: Any, *, whole: bool = False, zero_ok: bool = False) -> None:
    ok_type = isinstance(value, int) if whole else isinstance(value, (int, float))
    if isinstance(value, bool) or not ok_type or not math.isfinite(value):
        kind = "a whole number" if whole else "a number"
        raise ProbeConfigError(f"{name} = {value!r}: must be {kind}")
    if value < 0 or (value == 0 and not zero_ok):
        bound = ">= 0" if zero_ok else "> 0"
        raise ProbeConfigError(f"{name} = {value!r}: must be {bound}")


@dataclass(frozen=True)
class SLO:
    """Service-level objectives: per-request bounds and the share of requests that must meet them.

    Attributes:
        ttft_ms: bound on time to first token, ms (None: no bound).
        tpot_ms: bound on time per output token, ms.
        e2e_ms: bound on end-to-end latency, ms.
        percentile: share of requests, in percent, that must meet every bound (95: "p95").
    """

    ttft_ms: float | None = None
    tpot_ms: float | None = None
    e2e_ms: float | None = None
    percentile: float = 95.0

    def validate(self) -> None:
        """Check the bounds.

        Raises:
            ProbeConfigError: a bound is not a positive number or the percentile not in (0, 100].
        """
        for name in ("ttft_ms", "tpot_ms", "e2e_ms"):
            value = getattr(self, name)
            if value is not None:
                _positive(f"slo {name}", value)
        _positive("slo percentile", self.percentile)
        if self.percentile > 100:
            raise ProbeConfigError(f"slo percentile = {self.percentile!r}: must be at most 100")

    def describe(self) -> str:
        """E.g. ``TTFT <= 500 ms, TPOT <= 50 ms for 95% of requests``."""
        parts = [
            f"{label} <= {value:g} ms"
            for label, value in (
                ("TTFT", self.ttft_ms),
                ("TPOT", self.tpot_ms),
                ("e2e", self.e2e_ms),
            )
            if value is not None
        ]
        what = ", ".join(parts) if parts else "no error"
        return f"{what} for {self.percentile:g}% of requests"


@dataclass(frozen=True)
class ConcurrencySweep:
    """Closed-loop load: at each level, that many requests in flight at all times.

    Attributes:
        levels: concurrency levels, run in order (e.g. 1, 2, 4, 8, 16).
        requests: measured requests per level.
        warmup: requests per level sent first at the same concurrency and not measured
            (they open connections and warm caches).
        duration_s: optional time limit per level: no new request starts after it.
    """

    levels: tuple[int, ...] = (1, 2, 4, 8, 16)
    requests: int = 32
    warmup: int = 1
    duration_s: float | None = None

    kind = "concurrency"

    def validate(self) -> None:
        """Raises ProbeConfigError on an invalid level, count or limit."""
        if not self.levels:
            raise ProbeConfigError("concurrency: give at least one level, e.g. 1,2,4")
        for level in self.levels:
            _positive("concurrency", level, whole=True)
            if level > MAX_CONCURRENCY:
                raise ProbeConfigError(
                    f"concurrency = {level}: at most {MAX_CONCURRENCY} requests in flight"
                )
        _positive("requests", self.requests, whole=True)
        _positive("warmup", self.warmup, whole=True, zero_ok=True)
        if self.duration_s is not None:
            _positive("duration_s", self.duration_s)

    def to_dict(self) -> dict[str, Any]:
        """Plain data, with ``kind``."""
        return {"kind": self.kind, **to_plain(self)}


@dataclass(frozen=True)
class PoissonLoad:
    """Open-loop load: requests arrive at a fixed mean rate, with exponential gaps (seeded).

    Attributes:
        rate_per_s: mean arrivals per second.
        requests: measured requests.
        warmup: first arrivals not measured.
        seed: seed of the arrival times.
        duration_s: optional time limit: no new request starts after it.
        max_in_flight: bound on concurrent requests (client threads); an arrival finding
            all busy waits, which shows as its ``start_delay_ms``.
    """

    rate_per_s: float
    requests: int = 64
    warmup: int = 0
    seed: int = 0
    duration_s: float | None = None
    max_in_flight: int = 64

    kind = "poisson"

    def validate(self) -> None:
        """Raises ProbeConfigError on an invalid rate, count or limit."""
        _positive("rate_per_s", self.rate_per_s)
        _positive("requests", self.requests, whole=True)
        _positive("warmup", self.warmup, whole=True, zero_ok=True)
        _positive("max_in_flight", self.max_in_flight, whole=True)
        if self.duration_s is not None:
            _positive("duration_s", self.duration_s)

    def to_dict(self) -> dict[str, Any]:
        """Plain data, with ``kind``."""
        return {"kind": self.kind, **to_plain(self)}


LoadShape = ConcurrencySweep | PoissonLoad


def load_from_dict(data: dict[str, Any]) -> LoadShape:
    """The load shape described by ``to_dict()`` output.

    Raises:
        ProbeConfigError: unknown kind or keys.
    """
    data = dict(data)
    kind = data.pop("kind", None)
    try:
        if kind == "concurrency":
            return ConcurrencySweep(**{**data, "levels": tuple(data.get("levels", ()))})
        if kind == "poisson":
            return PoissonLoad(**data)
    except TypeError as exc:
        raise ProbeConfigError(f"load shape {kind}: {exc}") from exc
    raise ProbeConfigError(f"load shape kind = {kind!r}: use 'concurrency' or 'poisson'")


@dataclass(frozen=True)
class ProbeConfig:
    """Everything a probe run needs (no secrets: the API key stays in the environment).

    Attributes:
        url: server base URL, http(s)://host[:port][/prefix]; a trailing ``/v1`` is accepted.
        model: model name to request; None takes the server's first listed model.
        api: backend name (``openai`` or ``ollama``).
        endpoint: ``chat`` or ``completions`` (openai), ``generate`` or ``chat`` (ollama);
            None takes the backend's default (``chat``, ``generate``).
        load: the load shape.
        input_tokens: target prompt length, tokens.
        max_tokens: output length asked for, tokens.
        slo: service-level objectives for goodput and the economics link.
        hardware: the user's label of the serving hardware (e.g. ``1x L4, vLLM 0.6``).
        ignore_eos: ask the server to ignore end-of-sequence (vLLM, llama.cpp server) so
            every answer has ``max_tokens`` tokens.
        connect_timeout_s: bound on opening a connection.
        read_timeout_s: bound on a stall (no byte received).
        request_timeout_s: bound on one request, start to end.
        max_response_bytes: bound on one reply's size.
        api_key_env: environment variable holding the API key.
        seed: seed of the synthetic prompts.
        connection: ``reuse`` (default: one kept-alive connection per unit of
            concurrency, as SDK clients such as OpenAI's keep a connection pool) or
            ``fresh`` (a new connection per request); see :data:`CONNECTION_MODES`.
        gpu: the warehouse id of the serving GPU (``gpus.gpu_id``, e.g. ``nvidia-l4``),
            used to price the run's throughput; None when not said.
        gpus: GPUs serving one replica.
    """

    url: str
    model: str | None = None
    api: str = "openai"
    endpoint: str | None = None
    load: LoadShape = field(default_factory=ConcurrencySweep)
    input_tokens: int = 256
    max_tokens: int = 128
    slo: SLO = field(default_factory=SLO)
    hardware: str = ""
    ignore_eos: bool = False
    connect_timeout_s: float = 5.0
    read_timeout_s: float = 60.0
    request_timeout_s: float = 300.0
    max_response_bytes: int = 8 << 20
    api_key_env: str = DEFAULT_API_KEY_ENV
    seed: int = 0
    connection: str = "reuse"
    gpu: str | None = None
    gpus: int = 1

    def validate(self) -> None:
        """Check every option.

        Raises:
            ProbeConfigError: the first invalid option, named with its value.
        """
        parse_url(self.url)
        backend = get_backend(self.api)
        backend.check_endpoint(self.endpoint)
        if self.ignore_eos and not backend.supports_ignore_eos:
            raise ProbeConfigError(f"ignore_eos: the {self.api} API has no such option")
        if self.model is not None and (not isinstance(self.model, str) or not self.model.strip()):
            raise ProbeConfigError(f"model = {self.model!r}: give a model name or leave it unset")
        self.load.validate()
        self.slo.validate()
        _positive("input_tokens", self.input_tokens, whole=True)
        _positive("max_tokens", self.max_tokens, whole=True)
        for name in ("connect_timeout_s", "read_timeout_s", "request_timeout_s"):
            _positive(name, getattr(self, name))
        _positive("max_response_bytes", self.max_response_bytes, whole=True)
        if not self.api_key_env or not self.api_key_env.replace("_", "").isalnum():
            raise ProbeConfigError(
                f"api_key_env = {self.api_key_env!r}: the name of an environment variable"
            )
        if len(self.hardware) > 200:
            raise ProbeConfigError("hardware: keep the label under 200 characters")
        if self.connection not in CONNECTION_MODES:
            raise ProbeConfigError(
                f"connection = {self.connection!r}: use one of {', '.join(CONNECTION_MODES)}"
            )
        if self.gpu is not None and not (isinstance(self.gpu, str) and _GPU_ID.fullmatch(self.gpu)):
            raise ProbeConfigError(
                f"gpu = {self.gpu!r}: a GPU id of the warehouse, e.g. nvidia-l4 "
                '(`python -m analysis sql "SELECT gpu_id FROM gpus"` lists them)'
            )
        _positive("gpus", self.gpus, whole=True)

    def to_dict(self) -> dict[str, Any]:
        """Plain data (JSON-ready)."""
        return {
            name: self.load.to_dict() if name == "load" else to_plain(getattr(self, name))
            for name in self.__dataclass_fields__
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ProbeConfig:
        """The configuration described by ``to_dict()`` output.

        Raises:
            ProbeConfigError: unknown keys or an invalid load shape.
        """
        data = dict(data)
        try:
            data["load"] = load_from_dict(data["load"])
            data["slo"] = SLO(**data.get("slo", {}))
            return cls(**data)
        except (KeyError, TypeError) as exc:
            raise ProbeConfigError(f"stored probe configuration is not readable: {exc}") from exc


# --------------------------------------------------------------------------- server URL


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    prefix: str  # path prefix before /v1 or /api, without a trailing slash


def parse_url(url: Any) -> Target:
    """Check a server URL and split it.

    Raises:
        ProbeConfigError: not http(s), no host, credentials in it, or a bad port.
    """
    if not isinstance(url, str) or not url.strip():
        raise ProbeConfigError("url: give the server's address, e.g. http://127.0.0.1:8080")
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https"):
        raise ProbeConfigError(
            f"url = {url!r}: must start with http:// or https:// (e.g. http://127.0.0.1:8080)"
        )
    if not parts.hostname:
        raise ProbeConfigError(f"url = {url!r}: has no host name")
    if parts.username or parts.password:
        raise ProbeConfigError(
            "url: contains credentials; put the API key in an environment variable "
            f"({DEFAULT_API_KEY_ENV} or --api-key-env) instead"
        )
    if parts.query or parts.fragment:
        raise ProbeConfigError(f"url = {url!r}: give the base address without ?query or #fragment")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as exc:
        raise ProbeConfigError(f"url = {url!r}: invalid port") from exc
    prefix = parts.path.rstrip("/")
    for suffix in ("/v1", "/api"):
        if prefix.endswith(suffix):
            prefix = prefix[: -len(suffix)]
    return Target(parts.scheme, parts.hostname, port, prefix)
