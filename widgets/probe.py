"""Probe runner: load-test an inference server from the notebook and cost the measured speed.

Controls: the endpoint URL and API, the server's models (fetched with
**Fetch models**), concurrency levels, requests per level, input and output
tokens, the latency objective and a hardware label. **Run** starts
:func:`analysis.probes.run_probe` in a background thread, so the notebook
stays usable; its progress callback moves the progress bar. The finished run
is stored (:func:`analysis.probes.store.save_run`) and shown: KPIs, a table per
load level and the latency and throughput charts. **Use in TCO** hands the
best throughput within the objective (:func:`analysis.probes.to_tco_throughput`)
to a :class:`widgets.tco.TCOExplorer`.

Every failure (server down, no model, objective never met) is a message in
the panel, never a traceback. The state is a :class:`ProbeSettings` dataclass.
"""

from __future__ import annotations

import dataclasses
import threading
from typing import TYPE_CHECKING, Any

from analysis.errors import ProbeError
from analysis.probes.config import parse_levels  # the one grammar, shared with the CLI
from widgets.base import Panel, View, describe_error, log
from widgets.cards import Card, message_html, note_html

if TYPE_CHECKING:
    from analysis.probes import ProbeConfig, ProbeRun
    from analysis.probes.compare import Comparison
    from widgets.tco import TCOExplorer

APIS = (("OpenAI-compatible", "openai"), ("Ollama", "ollama"))


@dataclasses.dataclass(frozen=True)
class ProbeSettings:
    """What to probe and how.

    Attributes:
        url: the server's base URL (``http://host:port``).
        api: ``openai`` or ``ollama``.
        model: the model to request (None: the server's first).
        concurrency: the concurrency levels, run in order [requests in flight].
        requests: measured requests per level.
        input_tokens: prompt length [tokens].
        output_tokens: answer length asked for [tokens].
        ttft_slo_ms: the objective on p95 time to first token [ms]; None for none.
        hardware: a label of the serving hardware, kept with the run.
    """

    url: str = "http://127.0.0.1:8080"
    api: str = "openai"
    model: str | None = None
    concurrency: tuple[int, ...] = (1, 2, 4)
    requests: int = 8
    input_tokens: int = 128
    output_tokens: int = 64
    ttft_slo_ms: float | None = None
    hardware: str = ""

    def config(self) -> ProbeConfig:
        """The :class:`analysis.probes.ProbeConfig` of these settings (validated).

        Raises:
            ProbeConfigError: an option is invalid (named with its value).
        """
        from analysis import probes

        cfg = probes.ProbeConfig(
            url=self.url.strip(),
            model=self.model,
            api=self.api,
            load=probes.ConcurrencySweep(levels=self.concurrency, requests=self.requests),
            input_tokens=self.input_tokens,
            max_tokens=self.output_tokens,
            slo=probes.SLO(ttft_ms=self.ttft_slo_ms),
            hardware=self.hardware.strip(),
            ignore_eos=self.api == "openai",  # every answer as long as asked (llama.cpp, vLLM)
        )
        cfg.validate()
        return cfg


class ProbeRunner(Panel[ProbeSettings]):
    """Endpoint, model list, load settings, Run with a live progress bar, results, Use in TCO.

    Args:
        url: the server's base URL.
        api: ``openai`` or ``ollama``.
        tco: the :class:`~widgets.tco.TCOExplorer` that **Use in TCO** updates (optional).
        settings: starting settings (override ``url`` and ``api``).

    Attributes:
        run_result: the last :class:`analysis.probes.ProbeRun`, or None.
        run_id: its id in the probe store.
        error: the last run's failure message, or "".
    """

    title = "Live probe: how fast is our inference server?"
    lead = (
        "Runs real requests against the server at each concurrency level and measures time to "
        "first token, time per token and output speed. The run is stored; Use in TCO costs the "
        "self-hosted option at the best speed that meets the latency objective."
    )
    chart_names = (
        "throughput",
        "latency",
        "compare_throughput",
        "compare_latency",
        "compare_goodput",
        "compare_cost",
    )
    block_names = ("levels", "comparison")

    def __init__(
        self,
        url: str = "http://127.0.0.1:8080",
        api: str = "openai",
        *,
        tco: TCOExplorer | None = None,
        settings: ProbeSettings | None = None,
    ) -> None:
        import ipywidgets as W

        super().__init__()
        self.tco = tco
        self.run_result: ProbeRun | None = None
        self.comparison: Comparison | None = None
        self.run_id: str | None = None
        self.error = ""
        self._thread: threading.Thread | None = None
        settings = settings or ProbeSettings(url=url, api=api)
        wide = {"description_width": "170px"}
        box = W.Layout(width="430px")
        self.url = W.Text(description="Server URL", style=wide, layout=box)
        self.api = W.ToggleButtons(options=APIS, description="API", style=wide)
        self.model = W.Dropdown(
            options=[("the server's first model", None)],
            description="Model",
            style=wide,
            layout=box,
        )
        self.fetch = W.Button(description="Fetch models", icon="refresh")
        self.concurrency = W.Text(description="Concurrency levels", style=wide, layout=box)
        self.requests = W.BoundedIntText(
            min=1, max=10_000, description="Requests per level", style=wide, layout=box
        )
        self.input_tokens = W.BoundedIntText(
            min=1, max=200_000, description="Input tokens / request", style=wide, layout=box
        )
        self.output_tokens = W.BoundedIntText(
            min=1, max=100_000, description="Output tokens / request", style=wide, layout=box
        )
        self.ttft_slo = W.BoundedFloatText(
            min=0,
            max=600_000,
            step=50,
            description="p95 TTFT objective, ms",
            tooltip="0: no latency objective",
            style=wide,
            layout=box,
        )
        self.hardware = W.Text(
            description="Hardware label", placeholder="e.g. 1x L4, vLLM 0.6", style=wide, layout=box
        )
        self.run_button = W.Button(description="Run", icon="play", button_style="primary")
        self.progress = W.IntProgress(
            value=0,
            min=0,
            max=1,
            description="Progress",
            style=wide,
            layout=W.Layout(width="430px"),
        )
        self.status = W.HTML()
        self.use_button = W.Button(
            description="Use in TCO",
            icon="arrow-right",
            disabled=True,
            tooltip="cost the self-hosted option at this throughput",
        )
        self.compare_ids = W.SelectMultiple(
            options=[], description="Stored runs", style=wide, layout=W.Layout(width="430px")
        )
        self.compare_price = W.BoundedFloatText(
            min=0,
            max=10_000,
            step=0.1,
            description="USD / GPU-hour",
            tooltip="0: the warehouse price of each run's GPU",
            style=wide,
            layout=box,
        )
        self.list_button = W.Button(description="List stored runs", icon="list")
        self.compare_button = W.Button(description="Compare", icon="columns")
        self.list_button.on_click(lambda _b: self.stored_runs())
        self.compare_button.on_click(lambda _b: self.compare())
        self.fetch.on_click(lambda _b: self.fetch_models())
        self.run_button.on_click(lambda _b: self.run())
        self.use_button.on_click(lambda _b: self.use_in_tco())
        self.write_state(settings)
        self._finish([])

    def controls(self) -> Any:
        import ipywidgets as W

        return W.VBox(
            [
                W.HBox([self.url, self.fetch]),
                self.api,
                self.model,
                self.concurrency,
                self.requests,
                self.input_tokens,
                self.output_tokens,
                self.ttft_slo,
                self.hardware,
                W.HBox([self.run_button, self.use_button]),
                self.progress,
                self.status,
                W.HTML("<b>Compare stored runs</b> (servers, GPUs, imported results)"),
                W.HBox([self.compare_ids, W.VBox([self.list_button, self.compare_button])]),
                self.compare_price,
            ]
        )

    # ------------------------------------------------------------------ state

    def write_state(self, state: ProbeSettings) -> None:
        self.url.value = state.url
        self.api.value = state.api
        if state.model is not None and state.model not in [v for _, v in self.model.options]:
            self.model.options = [*self.model.options, (state.model, state.model)]
        self.model.value = state.model
        self.concurrency.value = ", ".join(str(c) for c in state.concurrency)
        self.requests.value = state.requests
        self.input_tokens.value = state.input_tokens
        self.output_tokens.value = state.output_tokens
        self.ttft_slo.value = state.ttft_slo_ms or 0.0
        self.hardware.value = state.hardware

    def read_state(self) -> ProbeSettings:
        return ProbeSettings(
            url=self.url.value.strip(),
            api=self.api.value,
            model=self.model.value,
            concurrency=parse_levels(self.concurrency.value),
            requests=self.requests.value,
            input_tokens=self.input_tokens.value,
            output_tokens=self.output_tokens.value,
            ttft_slo_ms=self.ttft_slo.value or None,  # 0 means no objective
            hardware=self.hardware.value,
        )

    def state_to_mapping(self, state: ProbeSettings) -> dict[str, Any]:
        from widgets.state import to_mapping

        return to_mapping(state)

    def state_from_mapping(self, data: Any, where: str) -> ProbeSettings:
        from widgets.state import from_mapping

        return from_mapping(ProbeSettings, data, where=where)

    # ------------------------------------------------------------------ actions

    def _say(self, text: str, kind: str = "info") -> None:
        self.status.value = message_html(text, kind=kind)

    def fetch_models(self) -> list[str]:
        """Ask the server for its models and offer them in the Model dropdown.

        Returns:
            The model names (empty after a failure, which is shown as a message).
        """
        from analysis import probes

        try:
            names = probes.list_models(self.url.value.strip(), self.api.value)
        except ProbeError as exc:
            self._say(str(exc), "error")
            return []
        current = self.model.value
        self.model.options = [("the server's first model", None), *[(n, n) for n in names]]
        self.model.value = current if current in names else (names[0] if names else None)
        self._say(f"{len(names)} model(s) at {self.url.value.strip()}")
        return names

    def run(self, *, wait: bool = False) -> None:
        """Start a probe run in a background thread (one at a time).

        Args:
            wait: block until the run has finished (for scripts and tests).
        """
        if self._thread is not None and self._thread.is_alive():
            self._say("A run is already going; wait for it to finish.")
            return
        try:
            cfg = self.read_state().config()
        except ProbeError as exc:
            self._say(str(exc), "error")
            return
        self.error = ""
        self.run_button.disabled = True
        self.use_button.disabled = True
        self.progress.value, self.progress.max = 0, 1
        self._say(f"Probing {cfg.url} …")
        self._thread = threading.Thread(target=self._work, args=(cfg,), daemon=True)
        self._thread.start()
        if wait:
            self._thread.join()

    def _on_progress(self, done: int, total: int, label: str) -> None:
        # Called from the probe's threads: only widget values change here.
        self.progress.max = max(total, 1)
        self.progress.value = min(done, self.progress.max)
        self.progress.description = label

    def _work(self, cfg: ProbeConfig) -> None:
        from analysis import probes
        from analysis.probes import store as probe_store

        try:
            run = probes.run_probe(cfg, progress=self._on_progress)
            self.run_id = probe_store.save_run(run)
            self.run_result = run
            self._say(f"Run {self.run_id} stored: {len(run.requests)} requests to {run.model}.")
            self.use_button.disabled = self.tco is None
        except Exception as exc:  # shown as a message, never as a traceback
            if not isinstance(exc, ProbeError):
                log.exception("probe run failed")
            self.error = describe_error(exc)
            self._say(self.error, "error")
        finally:
            self.run_button.disabled = False
            self.progress.description = "Progress"
        self.refresh()

    def use_in_tco(self) -> float | None:
        """Hand the run's best throughput within the objective to the TCO explorer.

        Returns:
            The throughput handed over [output tok/s per replica], or None when
            there is no run, no TCO explorer, or no level meets the objective
            (each said in the panel).
        """
        from analysis import probes

        if self.run_result is None or self.tco is None:
            self._say("Run a probe first (and open a TCO explorer to hand it to).", "error")
            return None
        try:
            tok_s, basis = probes.to_tco_throughput(self.run_result)
        except ProbeError as exc:
            self._say(str(exc), "error")
            return None
        self.tco.use_measured_throughput(tok_s, basis)
        self._say(f"The TCO explorer now uses {tok_s:,.1f} output tok/s per replica (measured).")
        return tok_s

    # ------------------------------------------------------------------ computing

    def stored_runs(self) -> list[str]:
        """Offer the stored runs (newest first) in the comparison's list; their ids."""
        from analysis.probes import store as probe_store

        try:
            rows = probe_store.list_runs().to_dicts()
        except ProbeError as exc:
            self._say(str(exc), "error")
            return []
        rows.reverse()
        self.compare_ids.options = [
            (f"{r['run_id']} · {r['model']} · {r['hardware'] or r['client_host']}", r["run_id"])
            for r in rows
        ]
        return [r["run_id"] for r in rows]

    def compare(
        self, run_ids: list[str] | None = None, price: float | None = None
    ) -> Comparison | None:
        """Compare stored runs under the latency objective and show the section.

        Args:
            run_ids: the runs (default: those selected in the list).
            price: USD per GPU-hour for every run (default: the field; 0 takes the
                warehouse price of each run's GPU).

        Returns:
            The comparison, or None after a failure (shown as a message).
        """
        from analysis import probes
        from analysis.probes import store as probe_store
        from analysis.probes.compare import compare_runs

        ids = list(run_ids if run_ids is not None else self.compare_ids.value)
        usd = price if price is not None else (self.compare_price.value or None)
        try:
            if not ids:
                raise ProbeError("select one or more stored runs to compare")
            runs = [probe_store.load_run(run_id) for run_id in ids]
            slo = probes.SLO(ttft_ms=self.read_state().ttft_slo_ms)
            self.comparison = compare_runs(runs, slo, prices={"*": usd} if usd else None)
        except ProbeError as exc:
            self._say(str(exc), "error")
            return None
        self._say(f"Compared {len(ids)} run(s) under: {self.comparison.slo.describe()}.")
        self.refresh()
        return self.comparison

    def compute(self, state: ProbeSettings) -> View:
        run = self.run_result
        if run is None:
            return _with_comparison(
                View(
                    blocks={"levels": note_html(["No run yet: fetch the models, then Run."])},
                    charts={"throughput": None, "latency": None},
                ),
                self.comparison,
            )
        return _with_comparison(_run_view(run), self.comparison)


def _run_view(run: ProbeRun) -> View:
    """KPIs, the per-level table and both charts of a probe run."""
    import pandas as pd

    from analysis import charts, probes
    from analysis.memo import Table

    levels = run.levels()
    try:
        best = probes.best_throughput(run)
        best_card = Card(
            "Best throughput within objective",
            f"{best.output_tokens_per_s:,.1f} tok/s",
            f"at concurrency {best.concurrency}",
            "accent",
        )
    except ProbeError:
        best_card = Card(
            "Best throughput within objective",
            "none",
            f"no level meets {run.config.slo.describe()}",
            "bad",
        )
    errors = sum(lv.errors for lv in levels)
    cards = [
        best_card,
        Card(
            "Requests measured",
            f"{sum(lv.attempted for lv in levels):,}",
            f"{errors} failed",
            "bad" if errors else "neutral",
        ),
        Card("Model", str(run.model), run.server_kind),
        Card("Objective", run.config.slo.describe(), f"run {run.run_id}"),
    ]

    def fmt(value: float | None, spec: str) -> str:
        return "" if value is None else format(value, spec)

    rows = [
        [
            lv.label,
            f"{lv.completed}/{lv.attempted}",
            fmt(lv.output_tokens_per_s, ",.1f"),
            fmt(lv.metrics["ttft_ms"].p50, ",.0f"),
            fmt(lv.metrics["ttft_ms"].p95, ",.0f"),
            fmt(lv.metrics["tpot_ms"].p50, ",.1f"),
            fmt(lv.slo_attainment, ".0%"),
        ]
        for lv in levels
    ]
    table = Table(
        [
            "Level",
            "Completed",
            "Output tok/s",
            "TTFT p50, ms",
            "TTFT p95, ms",
            "TPOT p50, ms",
            "Met objective",
        ],
        rows,
        caption="Per load level",
        numeric=[2, 3, 4, 5, 6],
        note=f"Server {run.config.url} ({run.server_kind}); {run.config.input_tokens} input and "
        f"{run.config.max_tokens} output tokens per request; {run.input_tokens_basis}.",
    )
    source = f"probe run {run.run_id}: {run.model}" + (
        f" on {run.config.hardware}" if run.config.hardware else ""
    )
    as_of = run.started_at.date().isoformat()
    closed = [lv for lv in levels if lv.concurrency is not None]
    tput = pd.DataFrame(
        [
            {"concurrency": lv.concurrency, "output_tokens_per_s": lv.output_tokens_per_s}
            for lv in closed
            if lv.output_tokens_per_s is not None
        ]
    )
    lat = pd.DataFrame(
        [
            {
                "concurrency": lv.concurrency,
                "metric": name,
                "p50": m.p50,
                "p90": m.p90,
                "p99": m.p99,
            }
            for lv in closed
            for name, m in (
                ("Time to first token", lv.metrics["ttft_ms"]),
                ("Total response time", lv.metrics["e2e_ms"]),
            )
            if m.p50 is not None
        ]
    )
    return View(
        cards=cards,
        charts={
            "throughput": charts.probe_throughput(tput, source=source, as_of=as_of)
            if len(tput)
            else None,
            "latency": charts.probe_latency(lat, source=source, as_of=as_of) if len(lat) else None,
        },
        blocks={"levels": table.to_html()},
    )


def _with_comparison(view: View, comparison: Comparison | None) -> View:
    """``view`` with the comparison section: its table and four charts (or a hint)."""
    from analysis.memo import Table
    from analysis.probes.compare import comparison_charts

    names = ("throughput", "latency", "goodput", "cost")
    if comparison is None:
        hint = note_html(["Compare stored runs: List stored runs, select several, then Compare."])
        return dataclasses.replace(
            view,
            blocks={**view.blocks, "comparison": hint},
            charts={**view.charts, **{f"compare_{name}": None for name in names}},
        )

    def fmt(value: float | None, spec: str) -> str:
        return "" if value is None else format(value, spec)

    rows = [
        [
            run.label,
            "none" if run.best_concurrency is None else str(run.best_concurrency),
            fmt(run.output_tokens_per_s, ",.1f"),
            fmt(run.ttft_p90_ms, ",.0f"),
            fmt(run.tpot_p90_ms, ",.2f"),
            fmt(run.goodput_rps, ",.2f") or "n/a",
            fmt(run.cost_per_mtok_usd, ",.4f"),
        ]
        for run in comparison.runs
    ]
    notes = [f"{run.run_id}: {run.note}" for run in comparison.runs if run.note]
    table = Table(
        [
            "Run",
            "Best concurrency",
            "Output tok/s",
            "TTFT p90, ms",
            "TPOT p90, ms",
            "Goodput req/s",
            "USD / 1M output tokens",
        ],
        rows,
        caption=f"Runs compared under one objective: {comparison.slo.describe()}",
        numeric=[1, 2, 3, 4, 5, 6],
        note="Cost = USD per GPU-hour x GPUs / (output tok/s x 3600) x 1e6 at each run's best "
        "level meeting the objective. " + " ".join(notes),
    )
    built = comparison_charts(comparison)
    return dataclasses.replace(
        view,
        blocks={**view.blocks, "comparison": table.to_html()},
        charts={**view.charts, **{f"compare_{name}": built.get(name) for name in names}},
    )
