"""The notebooks: committed without outputs, and each one runs headless without an error.

Each notebook is executed by papermill in a real kernel (the ``python3``
kernelspec of this environment), from a temporary folder, with the repository
on ``PYTHONPATH`` and the test session's temporary warehouse, probe store and
reports. The probe notebook is pointed at the tiny llama.cpp server.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import nbformat
import pytest

REPO = Path(__file__).resolve().parent.parent
NOTEBOOKS = REPO / "notebooks"
PANEL_NOTEBOOKS = [
    "00_start_here.ipynb",
    "01_open_vs_closed_gap.ipynb",
    "02_tco_explorer.ipynb",
    "03_hybrid_stack.ipynb",
    "04_live_probe.ipynb",
    "05_strategic_scorecard.ipynb",
    "06_horizon_explorer.ipynb",
]
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def _execute(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, **parameters) -> dict:
    """Run a notebook with papermill; return the executed notebook as JSON."""
    import papermill

    monkeypatch.setenv(
        "PYTHONPATH", os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))
    )
    out = tmp_path / f"executed-{name}"
    papermill.execute_notebook(
        str(NOTEBOOKS / name),
        str(out),
        parameters=parameters,
        kernel_name="python3",
        cwd=str(tmp_path),
        progress_bar=False,
        execution_timeout=300,
    )
    return json.loads(out.read_text())


def _outputs(executed: dict) -> list[dict]:
    return [o for c in executed["cells"] if c["cell_type"] == "code" for o in c.get("outputs", [])]


def _assert_clean(executed: dict) -> None:
    """No error output, no traceback, and the panels' widgets (their saved state) show
    KPI cards and no error message."""
    outputs = _outputs(executed)
    errors = [o for o in outputs if o.get("output_type") == "error"]
    assert not errors, errors
    assert "Traceback" not in json.dumps(outputs)
    state = json.dumps(executed["metadata"]["widgets"])
    assert 'class=\\"panel-message kind-error\\"' not in state, "a panel shows an error"
    assert "Traceback" not in state
    assert 'class=\\"kpi-value\\"' in state, "no KPI card was drawn"


@pytest.mark.parametrize("path", sorted(NOTEBOOKS.glob("*.ipynb")), ids=lambda p: p.name)
def test_committed_notebooks_have_no_outputs(path: Path):
    book = nbformat.read(path, as_version=4)
    nbformat.validate(book)
    for cell in book.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [], f"{path.name}: a code cell has outputs"
            assert cell.execution_count is None, f"{path.name}: a code cell has a count"


@pytest.mark.parametrize("name", PANEL_NOTEBOOKS)
def test_notebooks_are_thin(name: str):
    book = nbformat.read(NOTEBOOKS / name, as_version=4)
    assert book.cells[0].cell_type == "markdown" and book.cells[0].source.startswith("# ")
    code = [c for c in book.cells if c.cell_type == "code"]
    assert 1 <= len(code) <= 3
    tagged = [c for c in code if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == (0 if name.startswith("00") else 1)


@pytest.mark.slow
@pytest.mark.parametrize("name", [n for n in PANEL_NOTEBOOKS if n != "04_live_probe.ipynb"])
def test_notebook_runs_headless(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    executed = _execute(name, tmp_path, monkeypatch)
    _assert_clean(executed)
    # The last code cell shows the panel (or the start page) as a widget.
    last = [c for c in executed["cells"] if c["cell_type"] == "code"][-1]
    assert any(WIDGET_VIEW in o.get("data", {}) for o in last["outputs"]), last["outputs"]


@pytest.mark.slow
def test_probe_notebook_runs_against_the_tiny_server(
    tiny_server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    from analysis.probes import store as probe_store

    before = probe_store.list_runs().height
    executed = _execute(
        "04_live_probe.ipynb", tmp_path, monkeypatch, server_url=tiny_server.url, run_now=True
    )
    _assert_clean(executed)
    runs = probe_store.list_runs()
    assert runs.height == before + 1
    assert runs["model"].to_list()[-1] == tiny_server.model
