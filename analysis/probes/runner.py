"""Running a probe: the load generator and :func:`run_probe`.

A closed-loop sweep keeps N requests in flight at each level, one connection
per unit of concurrency, the warm-up requests using the same connections as
the measured ones. An open-loop load sends requests at Poisson arrival times
from a pool of client threads. Each request's stream is recorded and turned
into a :class:`~analysis.probes.results.RequestResult`; no request's failure
ends the run.
"""

from __future__ import annotations

import contextlib
import gc
import json
import random
import socket
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from datetime import UTC, datetime

from analysis.errors import ProbeConfigError, ProbeError
from analysis.probes.backends import Backend, get_backend
from analysis.probes.config import (
    DEFAULT_API_KEY_ENV,
    ConcurrencySweep,
    PoissonLoad,
    ProbeConfig,
    Target,
    parse_url,
)
from analysis.probes.discovery import prompt_counter
from analysis.probes.prompts import calibrate_prompt, synthetic_prompt
from analysis.probes.results import ProbeRun, RequestResult, new_run_id
from analysis.probes.streams import Observation, snippet
from analysis.probes.transport import (
    Client,
    RequestFailure,
    api_key_from_env,
    deadline_in,
    failure_message,
    request_headers,
)

_DETAIL_LIMIT = 240  # longest error detail kept, characters


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off while requests are timed; its state before is
    restored.

    A collection stops every thread of the client. In a process holding a large heap (a
    notebook kernel with pandas loaded, a test session) a full one takes tens of
    milliseconds, and one that lands while a token arrives adds its pause to that
    request's TTFT or gaps: a client-side artifact, of either sign when two clients are
    compared. The client's objects are freed by reference counting; cyclic garbage, if
    any, waits until the run ends.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _fill_metrics(
    result: RequestResult, obs: Observation, t0: float, t_end: float, base: float
) -> None:
    """Derive a request's metrics from what its stream showed (all times from perf_counter)."""
    result.end_ms = (t_end - base) * 1000
    result.output_chunks = obs.chunks
    result.output_chars = obs.chars
    result.finish_reason = obs.finish_reason
    result.input_tokens = obs.usage_input if obs.usage_input is not None else obs.timing_input
    result.prefill_tps = obs.prefill_tps
    result.server_decode_tps = obs.server_decode_tps
    if obs.usage_output is not None:
        tokens, source = obs.usage_output, "usage"
    elif obs.timing_output is not None:
        tokens, source = obs.timing_output, "server_timings"
    elif obs.chars:
        tokens, source = max(1, round(obs.chars / 4)), "estimate"
    else:
        tokens, source = 0, None
    if obs.first_output is None or tokens == 0:
        result.error = "no_output"
        result.error_detail = "the stream ended without any output"
        return
    result.ok = True
    result.output_tokens = tokens
    result.output_tokens_source = source
    result.e2e_ms = (t_end - t0) * 1000
    result.ttft_ms = (obs.first_output - t0) * 1000
    if obs.first_answer is not None:
        result.ttfat_ms = (obs.first_answer - t0) * 1000
    result.itl_ms = [g * 1000 for g in obs.gaps]
    result.output_reads = obs.reads
    decode_s = t_end - obs.first_output
    if tokens >= 2 and decode_s > 0:
        result.tpot_ms = decode_s * 1000 / (tokens - 1)
        result.decode_tps = (tokens - 1) / decode_s


class _Runner:
    """Sends the requests of one run and collects their results."""

    def __init__(
        self, cfg: ProbeConfig, backend: Backend, target: Target, model: str, key: str | None
    ):
        self.cfg = cfg
        self.backend = backend
        self.target = target
        self.model = model
        self.key = key
        self.headers = request_headers(backend, key)
        self.endpoint = backend.endpoint_name(cfg.endpoint)
        self.path = backend.endpoints[self.endpoint]
        self.words = 1
        self.base = time.perf_counter()
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.results: list[RequestResult] = []
        self.server_header: str | None = None
        self.progress: Callable[[int, int, str], None] | None = None
        self.done = 0
        self.total = 0
        self.label = ""
        self._serial = 0  # next request index

    def client(self) -> Client:
        return Client(self.target, self.cfg, self.headers, self.key)

    def request(self, client: Client, result: RequestResult) -> None:
        """Run one request into ``result`` (never raises)."""
        prompt = synthetic_prompt(self.words, self.cfg.seed * 1_000_003 + result.index)
        result.prompt_words = self.words
        body = json.dumps(
            self.backend.body(
                self.endpoint, self.model, prompt, self.cfg.max_tokens, self.cfg.ignore_eos
            )
        ).encode()
        t0 = time.perf_counter()
        result.sent_ms = (t0 - self.base) * 1000
        try:
            obs, t_end = client.stream(self.backend, self.path, body, result, t0)
            _fill_metrics(result, obs, t0, t_end, self.base)
        except RequestFailure as failure:
            client.close()
            result.error = failure.kind
            result.error_detail = client.redact(failure.detail)[:_DETAIL_LIMIT]
            result.http_status = failure.status or result.http_status
            result.end_ms = (time.perf_counter() - self.base) * 1000
        except Exception as exc:  # never let one request's surprise end the run
            client.close()
            result.error = "client_error"
            result.error_detail = snippet(f"{type(exc).__name__}: {exc}", _DETAIL_LIMIT)
            result.end_ms = (time.perf_counter() - self.base) * 1000
        if client.server_header and self.server_header is None:
            self.server_header = client.server_header
        if self.cfg.connection == "fresh":
            client.close()  # the next request opens its own connection
        with self.lock:
            self.results.append(result)
            self.done += 1
            if self.progress is not None:
                self.progress(self.done, self.total, self.label)

    def closed_loop(
        self,
        clients: Sequence[Client],
        count: int,
        warmup: bool,
        duration_s: float | None,
    ) -> None:
        """``count`` requests, one in flight per client; no new one past ``duration_s``.

        The clients (one per unit of concurrency) outlive the call, so the
        connections a warm-up opened are the ones the measured requests use.
        """
        concurrency = len(clients)
        claimed = 0
        claim_lock = threading.Lock()
        start = time.perf_counter()

        def worker(client: Client) -> None:
            nonlocal claimed
            while not self.stop.is_set():
                if duration_s is not None and time.perf_counter() - start >= duration_s:
                    return
                with claim_lock:
                    if claimed >= count:
                        return
                    claimed += 1
                    with self.lock:
                        index = self._serial
                        self._serial += 1
                now_ms = (time.perf_counter() - self.base) * 1000
                result = RequestResult(
                    index=index, concurrency=concurrency, warmup=warmup, scheduled_ms=now_ms
                )
                self.request(client, result)

        self._join(
            [
                threading.Thread(target=worker, args=(client,), daemon=True)
                for client in clients[: min(concurrency, count)]
            ]
        )

    def open_loop(self, load: PoissonLoad) -> None:
        """Poisson arrivals at ``load.rate_per_s``; the first ``load.warmup`` are warm-up."""
        rng = random.Random(load.seed)
        total = load.warmup + load.requests
        jobs: list[RequestResult | None] = []
        ready = threading.Condition()
        start = time.perf_counter()

        def worker() -> None:
            client = self.client()
            try:
                while True:
                    with ready:
                        while not jobs and not self.stop.is_set():
                            ready.wait(0.2)
                        if self.stop.is_set() and not jobs:
                            return
                        job = jobs.pop(0)
                    if job is None:
                        return
                    self.request(client, job)
            finally:
                client.close()

        threads = [
            threading.Thread(target=worker, daemon=True)
            for _ in range(min(load.max_in_flight, total))
        ]
        for thread in threads:
            thread.start()
        due = 0.0
        try:
            for i in range(total):
                due += rng.expovariate(load.rate_per_s)
                if load.duration_s is not None and due > load.duration_s:
                    break
                wait = start + due - time.perf_counter()
                if wait > 0:
                    self.stop.wait(wait)
                if self.stop.is_set():
                    break
                with self.lock:
                    index = self._serial
                    self._serial += 1
                job = RequestResult(
                    index=index,
                    rate_per_s=load.rate_per_s,
                    warmup=i < load.warmup,
                    scheduled_ms=(start + due - self.base) * 1000,
                )
                with ready:
                    jobs.append(job)
                    ready.notify()
        finally:
            with ready:
                jobs.extend([None] * len(threads))
                ready.notify_all()
        self._join(threads, started=True)

    def _join(self, threads: list[threading.Thread], started: bool = False) -> None:
        if not started:
            for thread in threads:
                thread.start()
        try:
            for thread in threads:
                while thread.is_alive():
                    thread.join(0.2)  # short joins keep Ctrl-C responsive
        except KeyboardInterrupt:
            self.stop.set()
            raise


def run_probe(
    cfg: ProbeConfig, progress: Callable[[int, int, str], None] | None = None
) -> ProbeRun:
    """Probe a server under ``cfg``'s load and return the run (stored by ``probes.store``).

    The run's wall time is bounded: with a duration limit D per level and a
    request bound R, a level ends within about D + R seconds; without, each
    request ends within R (connect, stall and size bounds apply too).

    Args:
        cfg: what to probe and how.
        progress: called as ``progress(done, total, level_label)`` after each request.

    Returns:
        The run, with one result per request (warm-up included, flagged).

    Raises:
        ProbeConfigError: ``cfg`` is invalid, or its API key variable is unset.
        ProbeError: the server cannot be reached to find its model.
    """
    cfg.validate()
    backend = get_backend(cfg.api)
    target = parse_url(cfg.url)
    key = api_key_from_env(cfg.api_key_env, explicit=cfg.api_key_env != DEFAULT_API_KEY_ENV)
    started = datetime.now(UTC)
    setup = Client(target, cfg, request_headers(backend, key), key)
    deadline = deadline_in(min(cfg.request_timeout_s, 30.0))
    try:
        model = cfg.model
        if model is None:
            try:
                names = backend.model_names(setup.get_json(backend.models_path, deadline))
            except RequestFailure as failure:
                raise ProbeError(failure_message(cfg.url, failure, "finding the model")) from None
            if not names:
                raise ProbeConfigError(f"the server at {cfg.url} lists no model: pass --model")
            model = names[0]
        endpoint = backend.endpoint_name(cfg.endpoint)
        counter = prompt_counter(setup, backend, endpoint, model, deadline)
        try:
            if counter is None:
                words, basis = calibrate_prompt(cfg.input_tokens, None)
            else:
                words, basis = calibrate_prompt(cfg.input_tokens, counter[0], counter[1])
        except RequestFailure:
            words, basis = calibrate_prompt(cfg.input_tokens, None)
    finally:
        setup.close()

    runner = _Runner(cfg, backend, target, model, key)
    runner.words = words
    runner.progress = progress
    load = cfg.load
    with collector_paused():  # no collection pause inside a request's timings
        if isinstance(load, ConcurrencySweep):
            runner.total = len(load.levels) * (load.warmup + load.requests)
            for level in load.levels:
                runner.label = f"c={level}"
                clients = [runner.client() for _ in range(level)]
                try:
                    if load.warmup:
                        runner.closed_loop(clients, load.warmup, True, None)
                    runner.closed_loop(clients, load.requests, False, load.duration_s)
                finally:
                    for client in clients:
                        client.close()
                if runner.stop.is_set():
                    break
        else:
            runner.total = load.warmup + load.requests
            runner.label = f"{load.rate_per_s:g}/s"
            runner.open_loop(load)
    finished = datetime.now(UTC)
    results = sorted(runner.results, key=lambda r: r.index)
    return ProbeRun(
        run_id=new_run_id(started),
        config=replace(cfg, model=model),
        model=model,
        started_at=started,
        finished_at=finished,
        client_host=socket.gethostname(),
        server_software=runner.server_header,
        input_tokens_basis=basis,
        requests=results,
    )
