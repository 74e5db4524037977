"""The server APIs a probe speaks, in a small registry.

- ``openai``: OpenAI-compatible servers (vLLM, llama.cpp's server, Ollama's
  ``/v1``, LM Studio, TGI), ``/v1/chat/completions`` or ``/v1/completions``,
  streamed as server-sent events with ``stream_options.include_usage``;
- ``ollama``: Ollama's native ``/api/generate`` or ``/api/chat``, streamed as
  newline-delimited JSON, with durations in nanoseconds.

:func:`register_backend` adds one, :func:`get_backend` finds one by name (its
error lists the known names), :func:`backend_names` lists them.
"""

from __future__ import annotations

from typing import Any

from analysis.errors import ProbeConfigError, ProbeError
from analysis.probes.streams import NDJSONParser, Observation, SSEParser, StreamParser


class Backend:
    """An inference-server API the probe can speak.

    Subclasses set the class attributes and build request bodies; they are
    registered with :func:`register_backend`.
    """

    name = ""
    title = ""
    endpoints: dict[str, str] = {}  # endpoint name -> path; the first is the default
    models_path = ""
    stream_type = ""  # the Accept header
    supports_ignore_eos = False

    def check_endpoint(self, endpoint: str | None) -> None:
        """Raises ProbeConfigError when ``endpoint`` is not one of this API's."""
        if endpoint is not None and endpoint not in self.endpoints:
            known = ", ".join(self.endpoints)
            raise ProbeConfigError(f"endpoint = {endpoint!r}: the {self.name} API offers {known}")

    def endpoint_name(self, endpoint: str | None) -> str:
        """The endpoint's name, or the default's."""
        return endpoint or next(iter(self.endpoints))

    def body(
        self, endpoint: str, model: str, prompt: str, max_tokens: int, ignore_eos: bool
    ) -> dict[str, Any]:
        """The JSON body of a streamed request."""
        raise NotImplementedError

    @staticmethod
    def prompt_fields(endpoint: str, prompt: str) -> dict[str, Any]:
        """The prompt as one user message (``chat``) or as plain text (other endpoints)."""
        if endpoint == "chat":
            return {"messages": [{"role": "user", "content": prompt}]}
        return {"prompt": prompt}

    def parser(self, obs: Observation) -> StreamParser:
        """A parser that records a reply's stream into ``obs``."""
        raise NotImplementedError

    def model_names(self, payload: Any) -> list[str]:
        """Model names from the reply of ``models_path``."""
        raise NotImplementedError


class OpenAIBackend(Backend):
    """OpenAI-compatible servers: streamed server-sent events."""

    name = "openai"
    title = "OpenAI-compatible"
    endpoints = {"chat": "/v1/chat/completions", "completions": "/v1/completions"}
    models_path = "/v1/models"
    stream_type = "text/event-stream"
    supports_ignore_eos = True

    def body(
        self, endpoint: str, model: str, prompt: str, max_tokens: int, ignore_eos: bool
    ) -> dict[str, Any]:
        body: dict[str, Any] = {"model": model, **self.prompt_fields(endpoint, prompt)}
        body.update(max_tokens=max_tokens, stream=True, stream_options={"include_usage": True})
        if ignore_eos:
            body["ignore_eos"] = True
        return body

    def parser(self, obs: Observation) -> StreamParser:
        return SSEParser(obs)

    def model_names(self, payload: Any) -> list[str]:
        data = payload.get("data") if isinstance(payload, dict) else None
        if not isinstance(data, list):
            raise ProbeError("the server's /v1/models reply has no 'data' list")
        return [str(m["id"]) for m in data if isinstance(m, dict) and "id" in m]


class OllamaBackend(Backend):
    """Ollama's native API: newline-delimited JSON, durations in nanoseconds."""

    name = "ollama"
    title = "Ollama"
    endpoints = {"generate": "/api/generate", "chat": "/api/chat"}
    models_path = "/api/tags"
    stream_type = "application/x-ndjson"

    def body(
        self, endpoint: str, model: str, prompt: str, max_tokens: int, ignore_eos: bool
    ) -> dict[str, Any]:
        return {
            "model": model,
            "stream": True,
            **self.prompt_fields(endpoint, prompt),
            "options": {"num_predict": max_tokens},
        }

    def parser(self, obs: Observation) -> StreamParser:
        return NDJSONParser(obs)

    def model_names(self, payload: Any) -> list[str]:
        models = payload.get("models") if isinstance(payload, dict) else None
        if not isinstance(models, list):
            raise ProbeError("the server's /api/tags reply has no 'models' list")
        return [str(m.get("name") or m.get("model")) for m in models if isinstance(m, dict)]


_BACKENDS: dict[str, Backend] = {}


def register_backend(backend: Backend) -> None:
    """Make ``backend`` available under ``backend.name``."""
    _BACKENDS[backend.name] = backend


def get_backend(name: str) -> Backend:
    """The backend called ``name``.

    Raises:
        ProbeConfigError: no such backend (the message lists the known ones).
    """
    try:
        return _BACKENDS[name]
    except (KeyError, TypeError):
        known = ", ".join(sorted(_BACKENDS))
        raise ProbeConfigError(f"api = {name!r}: unknown; use one of {known}") from None


def backend_names() -> list[str]:
    """Names of the registered backends."""
    return sorted(_BACKENDS)


register_backend(OpenAIBackend())
register_backend(OllamaBackend())
