"""The TCO explorer in a real JupyterLab, driven by a real browser.

JupyterLab is started on 127.0.0.1 (a free port, a known token, no browser)
over a temporary folder holding a copy of ``notebooks/02_tco_explorer.ipynb``;
Playwright drives Debian's chromium (``/usr/bin/chromium``; Playwright's own
browser download is never used). The test runs every cell, waits for the
panel, moves the volume slider with the keyboard, and checks that the KPI
text and the charts changed. A screenshot goes to ``test-artifacts/``.

In CI (env ``CI`` set) the test must run: a missing chromium is a failure.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
TOKEN = "aistrat-browser-test"
#: Generous per-step timeouts; the whole test stays well under 3 minutes.
START_S = 60
STEP_MS = 60_000

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _lab_environment(root: Path) -> dict[str, str]:
    """The server's environment: the repo importable, every Jupyter folder under ``root``."""
    settings = root / "settings"
    # No news or update checks: the page must not reach out, and no pop-up covers the panel.
    plugin = settings / "@jupyterlab" / "apputils-extension"
    plugin.mkdir(parents=True)
    (plugin / "notification.jupyterlab-settings").write_text(
        json.dumps({"checkForUpdates": False, "fetchNews": "false"})
    )
    env = dict(os.environ)
    env.update(
        PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")])),
        JUPYTER_CONFIG_DIR=str(root / "config"),
        JUPYTER_RUNTIME_DIR=str(root / "runtime"),
        JUPYTERLAB_SETTINGS_DIR=str(settings),
        JUPYTERLAB_WORKSPACES_DIR=str(root / "workspaces"),
    )
    return env


@pytest.fixture()
def lab(tmp_path: Path, chromium):
    """A JupyterLab server over a folder with the TCO notebook; yields its base URL."""
    pytest.importorskip("playwright.sync_api")
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    shutil.copy(REPO / "notebooks" / "02_tco_explorer.ipynb", notebooks)
    port = _free_port()
    cmd = [
        sys.executable,
        "-m",
        "jupyter",
        "lab",
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={TOKEN}",
        f"--ServerApp.root_dir={notebooks}",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")  # CI containers run as root
    log = open(tmp_path / "jupyter.log", "w")  # noqa: SIM115 (closed below)
    server = subprocess.Popen(
        cmd, env=_lab_environment(tmp_path), stdout=log, stderr=subprocess.STDOUT
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_S
        while True:
            if server.poll() is not None:
                pytest.fail(f"JupyterLab exited: {(tmp_path / 'jupyter.log').read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(f"{base}/api/status?token={TOKEN}", timeout=2):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail("JupyterLab did not answer within a minute")
                time.sleep(0.25)
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)
        log.close()


def _kpi_text(page) -> str:
    return page.locator(".aistrat-panel .kpi-row").first.inner_text()


#: What each drawn chart looks like, as text: JupyterLab's Vega renderer draws on a
#: canvas (its pixels as a data URL); an SVG renderer would give its markup.
_CHART_PICTURES = """() => [...document.querySelectorAll('.aistrat-panel .vega-embed')]
    .map(e => e.querySelector('canvas') ? e.querySelector('canvas').toDataURL()
                                        : (e.querySelector('svg.marks') || {}).outerHTML || '')
    .filter(p => p.length > 1000)"""


def _charts(page) -> list[str]:
    return page.evaluate(_CHART_PICTURES)


def test_tco_explorer_reacts_to_the_volume_slider(lab: str, chromium, artifacts_dir: Path):
    from playwright.sync_api import sync_playwright

    errors: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(chromium.path), args=list(chromium.args))
        page = browser.new_page(viewport={"width": 1360, "height": 2600})
        page.set_default_timeout(STEP_MS)
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        try:
            _drive(page, lab, artifacts_dir)
        except Exception:
            # Keep what the browser showed, for whoever reads the failure.
            page.screenshot(path=str(artifacts_dir / "lab_tco_explorer_failed.png"), full_page=True)
            raise
        finally:
            browser.close()
    assert not errors, f"page errors: {errors}"


def _drive(page, lab: str, artifacts_dir: Path) -> None:
    """Open the notebook, run all cells, move the slider, check that the panel followed."""
    page.goto(f"{lab}/lab/tree/02_tco_explorer.ipynb?token={TOKEN}")
    page.wait_for_selector(".jp-Notebook .jp-Cell")
    # The kernel is connected and idle: the status bar says so.
    page.wait_for_selector(".jp-StatusBar-Widget :text-matches('Python 3.*\\| Idle')")

    # Run > Run All Cells, through the menu bar as a person would.
    page.locator(".jp-Notebook").first.click()
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
    # The first code cell has run (its prompt shows an execution count).
    page.wait_for_selector(".jp-CodeCell .jp-InputPrompt:text-matches('\\[1\\]')")

    page.wait_for_selector(".aistrat-panel .kpi-value")
    page.wait_for_function(f"() => ({_CHART_PICTURES})().length === 3")
    kpis_before = _kpi_text(page)
    charts_before = _charts(page)
    assert "USD/month" in kpis_before and "Break-even" in kpis_before

    # Move the volume slider: focus its handle and press Page Up (each press: x10^0.05).
    slider = page.locator(".widget-slider", has_text="Requests per month")
    handle = slider.locator(".noUi-handle").first
    handle.focus()
    for _ in range(6):
        handle.press("PageUp")
    page.wait_for_function(
        "before => document.querySelector('.aistrat-panel .kpi-row').innerText !== before",
        arg=kpis_before,
    )
    page.wait_for_function(
        f"""before => {{
            const now = ({_CHART_PICTURES})();
            return now.length === 3 && now.every((picture, i) => picture !== before[i]);
        }}""",
        arg=charts_before,
    )
    assert _kpi_text(page) != kpis_before
    assert "Traceback" not in page.locator(".aistrat-panel").first.inner_text()
    assert page.locator(".aistrat-panel .panel-message").count() == 0
    # Screenshot once the kernel has caught up with every key press.
    page.wait_for_selector(".jp-StatusBar-Widget :text-matches('Python 3.*\\| Idle')")
    page.locator(".aistrat-panel").first.screenshot(
        path=str(artifacts_dir / "lab_tco_explorer.png")
    )
