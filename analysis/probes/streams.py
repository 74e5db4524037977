"""Reading streamed replies: server-sent events (OpenAI-compatible) and NDJSON (Ollama).

A parser is fed the reply's lines as they arrive, each with its arrival time,
and records what it shows in an :class:`Observation`: when output first came
(on any channel, and as answer text), the gaps between outputs, the server's
own counts and timings, the finish reason, the end marker, or the first error.
Server data is untrusted: anything quoted in an error passes through
:func:`snippet` (bounded, printable).
"""

from __future__ import annotations

import json
import math
from typing import Any, Protocol

#: Longest stream line accepted, bytes.
LINE_LIMIT = 1 << 20


def snippet(value: Any, limit: int = 120) -> str:
    """A short, printable rendering of untrusted data for an error message."""
    if isinstance(value, bytes):
        text = value[: limit * 4].decode("utf-8", "replace")
    elif isinstance(value, str):
        text = value
    else:
        try:
            text = json.dumps(value, ensure_ascii=False)[: limit * 4]
        except (TypeError, ValueError):
            text = type(value).__name__
    text = "".join(ch if ch.isprintable() else " " for ch in text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


class Observation:
    """What one streamed reply showed, as it arrives (times from ``time.perf_counter``).

    Every line of one socket read carries that read's arrival time, so chunks
    that share a read share a time: they count as one output read, and the
    gaps (``gaps``) are between reads, never the 0.0 ms between chunks that
    arrived together.
    """

    __slots__ = (
        "chars",
        "chunks",
        "done",
        "end",
        "error",
        "finish_reason",
        "first_answer",
        "first_output",
        "gaps",
        "last_output",
        "prefill_tps",
        "reads",
        "server_decode_tps",
        "timing_input",
        "timing_output",
        "usage_input",
        "usage_output",
    )

    def __init__(self) -> None:
        self.first_output: float | None = None
        self.first_answer: float | None = None
        self.last_output: float | None = None
        self.gaps: list[float] = []
        self.reads = 0
        self.chunks = 0
        self.chars = 0
        self.usage_output: int | None = None
        self.usage_input: int | None = None
        self.timing_output: int | None = None
        self.timing_input: int | None = None
        self.prefill_tps: float | None = None
        self.server_decode_tps: float | None = None
        self.finish_reason: str | None = None
        self.done = False
        self.end: float | None = None
        self.error: tuple[str, str] | None = None

    def output(self, at: float, chars: int, answer: bool) -> None:
        """Record a chunk carrying ``chars`` characters of output (``answer``: answer text).

        ``at`` is the arrival time of the read that brought the chunk: a chunk
        arriving in the same read as the previous output adds no gap.
        """
        if self.last_output is None:
            self.first_output = at
            self.reads = 1
        elif at != self.last_output:
            self.gaps.append(at - self.last_output)
            self.reads += 1
        if answer and self.first_answer is None:
            self.first_answer = at
        self.last_output = at
        self.chunks += 1
        self.chars += chars

    def fail(self, kind: str, detail: str) -> None:
        """Record the first error (an ERROR_CLASSES key and a bounded detail)."""
        if self.error is None:
            self.error = (kind, detail)


def as_count(value: Any) -> int | None:
    """A non-negative whole count from a server field, else None."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    if not math.isfinite(value) or value < 0 or value != int(value):
        return None
    return int(value)


def as_rate(value: Any) -> float | None:
    """A positive, finite rate from a server field, else None."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value) if math.isfinite(value) and value > 0 else None


def per_second(count: Any, duration: Any, scale: float) -> float | None:
    """``count / (duration * scale)`` from server fields (``scale``: the duration's unit in s)."""
    n, d = as_count(count), as_rate(duration)
    return n / (d * scale) if n and d else None


def stream_object(obs: Observation, value: Any, what: str) -> dict[str, Any] | None:
    """``value``, a streamed JSON item, when it is an object that reports no error.

    Otherwise the request fails (``malformed``, or ``stream_error`` with the
    server's error) and None is returned.

    Args:
        obs: the request's observation.
        value: the parsed item.
        what: what the item is (``event data``, ``line``), for the message.
    """
    if not isinstance(value, dict):
        obs.fail("malformed", f"{what} is not a JSON object: {snippet(value)}")
        return None
    if "error" in value:
        obs.fail("stream_error", f"server error in stream: {snippet(value['error'])}")
        return None
    return value


class StreamParser(Protocol):
    """Records a reply's stream into an :class:`Observation`, line by line."""

    def feed(self, line: bytes, at: float) -> None:
        """One line of the reply (without its newline), arrived at ``at``."""
        ...

    def end(self, at: float) -> None:
        """The reply ended at ``at``."""
        ...


class SSEParser:
    """Server-sent events carrying OpenAI-style JSON chunks (``data: {...}``, ``data: [DONE]``)."""

    def __init__(self, obs: Observation):
        self.obs = obs
        self.data: list[bytes] = []
        self.event = b""

    def feed(self, line: bytes, at: float) -> None:
        if line[:6] == b"data: " and line[-1:] != b"\r":  # the usual line, fast
            self.data.append(line[6:])
            return
        if line.endswith(b"\r"):
            line = line[:-1]
        if not line:
            self._dispatch(at)
            return
        if line[:1] == b":":
            return  # a comment: keep-alive ping
        name, _, value = line.partition(b":")
        if value[:1] == b" ":
            value = value[1:]
        if name == b"data":
            self.data.append(value)
        elif name == b"event":
            self.event = value
        elif name not in (b"id", b"retry"):
            self.obs.fail("malformed", f"not a server-sent event line: {snippet(line)}")

    def end(self, at: float) -> None:
        if self.data:
            self._dispatch(at)

    def _dispatch(self, at: float) -> None:
        if not self.data:
            self.event = b""
            return
        payload = self.data[0] if len(self.data) == 1 else b"\n".join(self.data)
        self.data = []
        event, self.event = self.event, b""
        if payload.strip() == b"[DONE]":
            self.obs.done = True
            self.obs.end = at
            return
        try:
            chunk = json.loads(payload)
        except ValueError:
            self.obs.fail("malformed", f"event data is not JSON: {snippet(payload)}")
            return
        if event == b"error":
            self.obs.fail("stream_error", f"error event: {snippet(payload)}")
            return
        self._chunk(chunk, at)

    def _chunk(self, data: Any, at: float) -> None:
        obs = self.obs
        chunk = stream_object(obs, data, "event data")
        if chunk is None:
            return
        usage = chunk.get("usage")
        if isinstance(usage, dict):
            obs.usage_output = as_count(usage.get("completion_tokens"))
            obs.usage_input = as_count(usage.get("prompt_tokens"))
        timings = chunk.get("timings")
        if isinstance(timings, dict):  # llama.cpp's server
            obs.timing_output = as_count(timings.get("predicted_n"))
            obs.timing_input = as_count(timings.get("prompt_n"))
            obs.prefill_tps = as_rate(timings.get("prompt_per_second")) or per_second(
                timings.get("prompt_n"), timings.get("prompt_ms"), 1e-3
            )
            obs.server_decode_tps = as_rate(timings.get("predicted_per_second"))
        choices = chunk.get("choices")
        if choices is None:
            if usage is None and timings is None:
                obs.fail("malformed", f"chunk without choices or usage: {snippet(chunk)}")
            return
        if not isinstance(choices, list):
            obs.fail("malformed", f"choices is not a list: {snippet(choices)}")
            return
        answer = reasoning = 0
        for choice in choices:
            if not isinstance(choice, dict):
                obs.fail("malformed", f"a choice is not an object: {snippet(choice)}")
                return
            delta = choice.get("delta")
            if isinstance(delta, dict):  # chat
                content = delta.get("content")
                if isinstance(content, str):
                    answer += len(content)
                for key in ("reasoning_content", "reasoning"):
                    thought = delta.get(key)
                    if isinstance(thought, str):
                        reasoning += len(thought)
                if delta.get("tool_calls"):
                    answer += len(json.dumps(delta["tool_calls"]))
            else:  # completions
                text = choice.get("text")
                if isinstance(text, str):
                    answer += len(text)
            reason = choice.get("finish_reason")
            if isinstance(reason, str) and reason:
                obs.finish_reason = reason
        if answer or reasoning:
            obs.output(at, answer + reasoning, answer > 0)


class NDJSONParser:
    """Ollama's native stream: one JSON object per line, the last with ``done: true``."""

    def __init__(self, obs: Observation):
        self.obs = obs

    def feed(self, line: bytes, at: float) -> None:
        if not line.strip():
            return
        obs = self.obs
        try:
            item = json.loads(line)
        except ValueError:
            obs.fail("malformed", f"line is not JSON: {snippet(line)}")
            return
        item = stream_object(obs, item, "line")
        if item is None:
            return
        if "done" not in item:
            obs.fail("malformed", f"line without 'done': {snippet(item)}")
            return
        answer = reasoning = 0
        message = item.get("message")
        source = message if isinstance(message, dict) else item  # chat or generate
        content = source.get("content") if source is message else item.get("response")
        if isinstance(content, str):
            answer += len(content)
        thinking = source.get("thinking")
        if isinstance(thinking, str):
            reasoning += len(thinking)
        if source.get("tool_calls"):
            answer += len(json.dumps(source["tool_calls"]))
        if answer or reasoning:
            obs.output(at, answer + reasoning, answer > 0)
        if item.get("done") is True:
            obs.timing_output = as_count(item.get("eval_count"))
            obs.timing_input = as_count(item.get("prompt_eval_count"))
            # Durations are in nanoseconds.
            obs.server_decode_tps = per_second(
                item.get("eval_count"), item.get("eval_duration"), 1e-9
            )
            obs.prefill_tps = per_second(
                item.get("prompt_eval_count"), item.get("prompt_eval_duration"), 1e-9
            )
            reason = item.get("done_reason")
            obs.finish_reason = reason if isinstance(reason, str) else obs.finish_reason
            obs.done = True
            obs.end = at

    def end(self, at: float) -> None:
        return None
