"""The panel framework: controls in, a state object, pure analysis calls, KPIs and charts out.

Every panel follows the same loop. When a control moves, :meth:`Panel.refresh`:

1. reads the controls into the panel's state object (:meth:`Panel.read_state`:
   no arithmetic, only values copied into a scenario or a small dataclass);
2. calls pure ``analysis`` functions on it (:meth:`Panel.compute`), which
   return a :class:`View`: KPI cards, Altair charts and small HTML blocks;
3. shows them: the KPI HTML, each chart's Vega-Lite spec (kept in
   :attr:`Panel.chart_specs`), the HTML blocks.

A :class:`~analysis.errors.ToolkitError` is shown as its message in the
panel's message area, and the stale KPIs and charts are cleared so no one
reads an old number as the new one. Any other exception is shown as a one-line
message too, never as a traceback (the traceback goes to the ``widgets`` log).

Charts are shown as Vega-Lite specs under the MIME type JupyterLab renders
itself (no network, no extra extension), through an ``ipywidgets.Output``
whose outputs are replaced in one assignment, which also works without a
kernel (tests, benchmarks). ``altair.JupyterChart`` would need ``anywidget``
and loads Vega from a CDN, so it is not used.

The state is saved to and loaded from YAML with :meth:`Panel.save` and
:meth:`Panel.load`; the file is what a brief or the CLI takes.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from analysis.errors import ToolkitError
from widgets.cards import PANEL_CSS, Card, cards_html, message_html, note_html

if TYPE_CHECKING:
    from analysis.memo import Kpi

log = logging.getLogger("widgets")

#: The Vega-Lite MIME type JupyterLab 4 renders with its bundled Vega-Lite 5.
VEGALITE_MIME = "application/vnd.vegalite.v5+json"


@dataclass(frozen=True)
class InUse:
    """The value an input was computed with, and where it comes from.

    Attributes:
        value: the value to show in the control (a looked-up one, e.g. the GPU
            rent of the cloud offer); None leaves the control as it is (the value
            typed is the value in use).
        source: where the value comes from; the control's tooltip.
        note: a line shown below the control (the value in use and its source), or "".
    """

    value: object | None
    source: str
    note: str = ""


@dataclass(frozen=True)
class View:
    """What a panel shows for one state.

    Attributes:
        cards: the KPI cards (:class:`widgets.cards.Card` or a brief's Kpi), in reading order.
        charts: chart name -> Altair chart, Vega-Lite spec dict, or None (cleared).
        blocks: block name -> trusted HTML (its data text already escaped).
        inputs: input name (see :attr:`Panel.inputs`) -> the value in use and its source.
        notice: a caveat shown above the KPIs in plain words (e.g. the data is stale,
            :func:`stale_note`); "" for none.
    """

    cards: Sequence[Card | Kpi] = ()
    charts: Mapping[str, Any] = field(default_factory=dict)
    blocks: Mapping[str, str] = field(default_factory=dict)
    inputs: Mapping[str, InUse] = field(default_factory=dict)
    notice: str = ""


def stale_note(as_of: date | None) -> str:
    """The brief's staleness note for a panel's date ("" when the data is current enough).

    The rule is the brief's (:func:`analysis.freshness.staleness`, with its
    default threshold): the newest benchmark data is older than that many days
    before the date.

    Raises:
        WarehouseError: the warehouse cannot be read.
    """
    from analysis.freshness import data_dates, staleness

    if as_of is None:
        return ""
    return staleness(data_dates(as_of)).note("this panel")


def chart_spec(chart: Any) -> dict[str, Any]:
    """The Vega-Lite spec of an Altair chart (or a copy of a spec dict).

    The spec is not validated against the schema here: the builders in
    :mod:`analysis.charts` are validated by their own tests, and validation
    would double the time from a slider move to the new chart.

    Args:
        chart: an Altair chart or a spec dict.

    Returns:
        The spec, data inlined.
    """
    if isinstance(chart, Mapping):
        return dict(chart)
    return chart.to_dict(validate=False)


def chart_bundle(spec: Mapping[str, Any]) -> dict[str, Any]:
    """The display data of a spec: Vega-Lite for JupyterLab, a title as plain text.

    The ``$schema`` key is left out: JupyterLab's renderer is Vega-Lite 5 and
    would warn about Altair's newer schema URL; the specs use nothing newer.

    Args:
        spec: a Vega-Lite spec.

    Returns:
        A MIME bundle.
    """
    title = spec.get("title")
    if isinstance(title, Mapping):
        title = title.get("text")
    body = {k: v for k, v in spec.items() if k != "$schema"}
    return {VEGALITE_MIME: body, "text/plain": f"<chart: {title or 'untitled'}>"}


def show_spec(output: Any, spec: Mapping[str, Any] | None) -> None:
    """Replace what an ``ipywidgets.Output`` shows with one chart (or nothing).

    Args:
        output: the Output widget.
        spec: the Vega-Lite spec; None clears the output.
    """
    if spec is None:
        output.outputs = ()
        return
    output.outputs = ({"output_type": "display_data", "data": chart_bundle(spec), "metadata": {}},)


def describe_error(exc: BaseException) -> str:
    """The one-paragraph message a panel shows for an exception; never a traceback.

    Args:
        exc: the exception.

    Returns:
        The toolkit error's own message, or for anything else its type and text
        with a pointer to the log.
    """
    if isinstance(exc, ToolkitError):
        return str(exc)
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return (
        f"Unexpected problem ({type(exc).__name__}{': ' + text if text else ''}). "
        "The panel kept running; the details are in the log of the 'widgets' logger."
    )


#: A panel's state: a scenario, or a small dataclass of the panel's own.
StateT = TypeVar("StateT")


class Panel(Generic[StateT]):
    """Base of every panel: controls, a state object, KPIs, charts and a message area.

    Subclasses build their controls in ``__init__`` (then call
    :meth:`_finish`), and implement :meth:`read_state`, :meth:`write_state`,
    :meth:`compute`, :meth:`state_to_mapping` and :meth:`state_from_mapping`.

    Attributes:
        state: the last valid state (a scenario or a small dataclass).
        view: the last view shown (None before the first refresh or after an error).
        chart_specs: chart name -> the Vega-Lite spec on show.
        kpis: the KPI HTML widget.
        message: the message area (errors and notices).
        notice: the caveat of the view shown (:attr:`View.notice`), above the KPIs.
        inputs: input name -> its control, for the values in use a view reports
            (:attr:`View.inputs`); filled by :meth:`noted`.
        input_notes: input name -> the line below its control (value in use, source).
        path: the state file name box beside the Save and Load buttons.
        widget: the panel's root widget.
    """

    #: Heading and one sentence of context, shown on top of the panel.
    title: str = ""
    lead: str = ""
    #: Chart names in display order; each gets an Output widget.
    chart_names: tuple[str, ...] = ()
    #: Extra HTML blocks in display order (tables, notes).
    block_names: tuple[str, ...] = ()

    def __init__(self) -> None:
        import ipywidgets as W

        from analysis import charts

        charts.use_theme()  # every panel's charts in the house theme
        self.state: StateT | None = None
        self.view: View | None = None
        self.chart_specs: dict[str, dict[str, Any]] = {}
        self._held = 0
        self.kpis = W.HTML()
        self.message = W.HTML()
        self.notice = W.HTML()
        self.charts = {name: W.Output() for name in self.chart_names}
        self.blocks = {name: W.HTML() for name in self.block_names}
        self.inputs: dict[str, Any] = {}
        self.input_notes: dict[str, Any] = {}
        self.widget: Any = None

    # ------------------------------------------------------------------ for subclasses

    def read_state(self) -> StateT:
        """The state the controls describe (values copied, nothing computed)."""
        raise NotImplementedError

    def write_state(self, state: StateT) -> None:
        """Set the controls from a state (called inside :meth:`holding`)."""
        raise NotImplementedError

    def compute(self, state: StateT) -> View:
        """What to show for a state: calls into ``analysis``, returns a :class:`View`."""
        raise NotImplementedError

    def state_to_mapping(self, state: StateT) -> dict[str, Any]:
        """The state as plain YAML values."""
        raise NotImplementedError

    def state_from_mapping(self, data: Any, where: str) -> StateT:
        """A state from plain YAML values; ``where`` names the origin in errors."""
        raise NotImplementedError

    def controls(self) -> Any:
        """The widget holding the panel's controls."""
        raise NotImplementedError

    def body(self) -> list[Any]:
        """The widgets below the KPIs: charts and blocks, in display order."""
        return [*self.charts.values(), *self.blocks.values()]

    def noted(self, name: str, control: Any, *, note: bool = False) -> Any:
        """Register ``control`` as input ``name``; with ``note``, a line below it.

        The view's :attr:`View.inputs` then set the control's tooltip to the
        source of the value in use (and the line below to that value and source).

        Args:
            name: the input's name in :attr:`View.inputs`.
            control: the widget.
            note: add a line below the control.

        Returns:
            The control, or a box holding the control and its line.
        """
        import ipywidgets as W

        self.inputs[name] = control
        if not note:
            return control
        line = W.HTML(layout=W.Layout(margin="0 0 4px 0"))
        self.input_notes[name] = line
        return W.VBox([control, line])

    def _finish(self, watched: Sequence[Any]) -> None:
        """Assemble the panel, watch ``watched`` controls, and show the first state."""
        import ipywidgets as W

        head = (
            f"<style>{PANEL_CSS}</style>"
            + (f'<div class="panel-title">{_esc(self.title)}</div>' if self.title else "")
            + (f'<p class="panel-lead">{_esc(self.lead)}</p>' if self.lead else "")
        )
        self.widget = W.VBox(
            [
                W.HTML(head),
                self.controls(),
                self.message,
                self.notice,
                self.kpis,
                *self.body(),
                self._files(),
            ]
        )
        self.widget.add_class("aistrat-panel")
        for control in watched:
            control.observe(self._on_change, names="value")
        self.refresh()

    def _files(self) -> Any:
        """A file name box with Save and Load buttons for the panel's state."""
        import ipywidgets as W

        self.path = W.Text(
            value=f"{type(self).__name__.lower()}.yaml",
            description="State file",
            layout=W.Layout(width="420px"),
        )
        save = W.Button(description="Save", icon="save", tooltip="write the state to this file")
        load = W.Button(description="Load", icon="folder-open", tooltip="read the state back")
        save.on_click(lambda _b: self._file_action(self.save, "Saved to"))
        load.on_click(lambda _b: self._file_action(self.load, "Loaded from"))
        return W.HBox([self.path, save, load], layout=W.Layout(margin="8px 0 0 0"))

    def _file_action(self, action: Any, verb: str) -> None:
        try:
            action(self.path.value)
        except Exception as exc:  # shown as a message, never as a traceback
            if not isinstance(exc, ToolkitError):
                log.exception("panel %s: %s failed", type(self).__name__, verb)
            self.message.value = message_html(describe_error(exc))  # the view is still valid
            return
        self.notify(f"{verb} {Path(self.path.value).resolve()}")

    # ------------------------------------------------------------------ the loop

    def _on_change(self, _change: Any = None) -> None:
        if not self._held:
            self.refresh()

    @contextlib.contextmanager
    def quietly(self) -> Iterator[None]:
        """Set controls without any refresh (to show what a refresh computed)."""
        self._held += 1
        try:
            yield
        finally:
            self._held -= 1

    @contextlib.contextmanager
    def holding(self) -> Iterator[None]:
        """Set several controls without a refresh after each; refresh once at the end."""
        with self.quietly():
            yield
        if not self._held:
            self.refresh()

    def refresh(self) -> bool:
        """Recompute from the controls and show the result (or the error).

        Returns:
            True when the new view is shown, False when an error message is shown.
        """
        try:
            state = self.read_state()
            view = self.compute(state)
            specs = {name: None if c is None else chart_spec(c) for name, c in view.charts.items()}
        except Exception as exc:  # shown as a message, never as a traceback
            if not isinstance(exc, ToolkitError):
                log.exception("panel %s: unexpected error", type(self).__name__)
            self.show_error(describe_error(exc))
            return False
        self.state = state
        self.view = view
        self.message.value = ""
        self.notice.value = message_html(view.notice, kind="note")
        self.kpis.value = cards_html(view.cards)
        for name, spec in specs.items():
            self._show_chart(name, spec)
        for name, html in view.blocks.items():
            self.blocks[name].value = html
        self._show_inputs(view.inputs)
        return True

    def _show_inputs(self, inputs: Mapping[str, InUse]) -> None:
        """Show each input's value in use in its control, its source on hover and below."""
        with self.quietly():
            for name, shown in inputs.items():
                control = self.inputs[name]
                if shown.value is not None and control.value != shown.value:
                    control.value = shown.value
                control.tooltip = shown.source
                if name in self.input_notes:
                    self.input_notes[name].value = note_html([shown.note])

    def _show_chart(self, name: str, spec: dict[str, Any] | None) -> None:
        if spec is None:
            self.chart_specs.pop(name, None)
        else:
            self.chart_specs[name] = spec
        show_spec(self.charts[name], spec)

    def show_error(self, text: str) -> None:
        """Show a message in place of the KPIs and charts (which are cleared)."""
        self.view = None
        self.message.value = message_html(text)
        self.notice.value = ""
        self.kpis.value = ""
        for name in list(self.charts):
            self._show_chart(name, None)
        for block in self.blocks.values():
            block.value = ""

    def notify(self, text: str) -> None:
        """Show a notice (not an error) above the KPIs."""
        self.message.value = message_html(text, kind="info")

    # ------------------------------------------------------------------ state files

    def set_state(self, state: StateT) -> None:
        """Set every control from ``state`` and refresh once."""
        with self.holding():
            self.write_state(state)

    def save(self, path: str | Path) -> Path:
        """Write the panel's state (what its controls say now) to a YAML file.

        Args:
            path: the file; its folder is created.

        Returns:
            The path written.

        Raises:
            ToolkitError: when the controls do not describe a valid state.
        """
        from widgets.state import write_yaml

        state = self.read_state()
        return write_yaml(path, self.state_to_mapping(state), title=f"{type(self).__name__} state")

    def load(self, path: str | Path) -> StateT:
        """Read a state from a YAML file and set the controls from it.

        Args:
            path: the file.

        Returns:
            The state read.

        Raises:
            ScenarioError: the file is missing, not YAML, or its settings are wrong.
        """
        from widgets.state import read_yaml

        state = self.state_from_mapping(read_yaml(path), str(path))
        self.set_state(state)
        return state

    # ------------------------------------------------------------------ display

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)


def _esc(text: str) -> str:
    import html

    return html.escape(text)


def options_of(pairs: Sequence[tuple[str, Any]], current: Any) -> list[tuple[str, Any]]:
    """Dropdown options that include ``current`` (added, labelled as such, if absent).

    Args:
        pairs: (label, value) options.
        current: the value that must be selectable.

    Returns:
        The options.
    """
    values = [v for _, v in pairs]
    if current is None or current in values:
        return list(pairs)
    return [(f"{current} (from the scenario)", current), *pairs]
