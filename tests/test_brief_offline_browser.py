"""The briefs in a real browser with no network: every chart draws, nothing is fetched.

Debian's Chromium (``/usr/bin/chromium``, installed by ``make test``) runs
headless through Playwright with every host name unresolvable and opens each
brief from disk (``file://``). A screenshot of each brief is saved under
``test-artifacts/``. With ``CI`` set these tests fail rather than skip when
Chromium or Playwright is missing.
"""

from __future__ import annotations

import csv
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_brief import EXAMPLES, render_examples

from analysis import brief, config, html

IN_CI = bool(os.environ.get("CI"))
#: Every host name but 127.0.0.1 unresolvable: nothing can be fetched.
OFFLINE = "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1"
HOSTILE = "<script>alert(1)</script>"

pytestmark = pytest.mark.slow


class Page:
    """One brief opened in the browser, with what it logged, asked and fetched."""

    def __init__(self, context, path: Path):
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.requests: list[str] = []
        self.page = context.new_page()
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda exc: self.errors.append(f"page error: {exc}"))
        self.page.on("dialog", self._dialog)
        self.page.on("request", lambda request: self.requests.append(request.url))
        self.page.goto(path.as_uri())

    def _console(self, message) -> None:
        if message.type == "error":
            self.errors.append(message.text)

    def _dialog(self, dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def wait_for_charts(self, expected: int) -> int:
        """Wait until ``expected`` Vega views have drawn; return how many did."""
        self.page.wait_for_function(
            "n => document.querySelectorAll('.vega-chart svg.marks').length >= n",
            arg=expected,
            timeout=30_000,
        )
        return self.page.eval_on_selector_all(".vega-chart svg.marks", "nodes => nodes.length")

    def remote_requests(self) -> list[str]:
        return [u for u in self.requests if not u.startswith(("file:", "data:", "blob:"))]


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory, chromium) -> Iterator[object]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - the test extra installs it
        if IN_CI:
            pytest.fail("playwright is not installed")
        pytest.skip("playwright is not installed")
    profile = tmp_path_factory.mktemp("chromium-profile")  # a fresh profile every run
    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(profile),
            executable_path=str(chromium.path),
            headless=True,
            args=[OFFLINE, *chromium.args],
            viewport={"width": 1100, "height": 1400},
        )
        yield context
        context.close()


@pytest.fixture(scope="session")
def examples(tmp_path_factory: pytest.TempPathFactory) -> dict[str, brief.RenderResult]:
    return render_examples(tmp_path_factory.getbasetemp() / "brief-examples")


@pytest.mark.parametrize("name", [p.stem for p in EXAMPLES])
def test_brief_renders_offline_with_every_chart(browser, examples, artifacts_dir, name):
    path = examples[name].html
    document = path.read_text(encoding="utf-8")
    expected = html.count_charts(document)
    assert expected >= 5
    assert html.remote_references(document) == []

    page = Page(browser, path)
    drawn = page.wait_for_charts(expected)
    page.page.screenshot(path=str(artifacts_dir / f"brief-{name}.png"), full_page=True)

    assert drawn == expected
    assert page.errors == []
    assert page.remote_requests() == []
    assert page.dialogs == []
    # Every placeholder got its view, and none shows the failure text.
    assert page.page.locator(".vega-chart.vega-embed").count() == expected
    assert "could not be drawn" not in page.page.inner_text("main")
    page.page.close()


def _pdf_pages(document: bytes) -> int:
    """Pages of a PDF: its page objects (``/Type /Page``, not the ``/Pages`` tree)."""
    return len(re.findall(rb"/Type\s*/Page(?![A-Za-z])", document))


@pytest.mark.parametrize("name", [p.stem for p in EXAMPLES])
def test_the_memo_prints_on_two_a4_pages_then_the_appendix(browser, examples, artifacts_dir, name):
    """Printed to A4 (the page's own print style), the memo takes two pages at most."""
    path = examples[name].html
    page = Page(browser, path)
    page.wait_for_charts(html.count_charts(path.read_text(encoding="utf-8")))

    whole = page.page.pdf(prefer_css_page_size=True)
    page.page.evaluate("document.querySelectorAll('section.appendix').forEach(s => s.remove())")
    memo_only = page.page.pdf(prefer_css_page_size=True)
    (artifacts_dir / f"brief-{name}.pdf").write_bytes(whole)

    assert 1 <= _pdf_pages(memo_only) <= 2
    # The appendix follows on pages of its own.
    assert _pdf_pages(whole) > _pdf_pages(memo_only)
    assert page.errors == [] and page.remote_requests() == []
    page.page.close()


def test_charts_keep_their_tooltips(browser, examples):
    page = Page(browser, examples["default"].html)
    page.wait_for_charts(1)
    bar = page.page.locator("#section-cost .vega-chart svg.marks .mark-rect path").first
    bar.hover()
    tooltip = page.page.locator("#vg-tooltip-element")
    tooltip.wait_for(state="visible", timeout=10_000)
    assert "$" in tooltip.inner_text()
    page.page.close()


def test_the_index_lists_every_brief_offline(browser, examples):
    index = next(iter(examples.values())).html.parent / "index.html"
    page = Page(browser, index)
    links = page.page.eval_on_selector_all("main a", "nodes => nodes.map(n => n.href)")
    assert sorted(Path(h.removeprefix("file://")).name for h in links) == sorted(
        r.html.name for r in examples.values()
    )
    assert page.errors == [] and page.remote_requests() == []
    page.page.close()


# --------------------------------------------------------------------------- injection


def _hostile_datasets(root: Path, model_id: str) -> Path:
    """A copy of the datasets in which the open model's name carries a script tag."""
    target = root / "datasets"
    shutil.copytree(config.datasets_dir(), target)
    path = target / "models.csv"
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
        fields = list(rows[0].keys())
    changed = 0
    for row in rows:
        if row["model_id"] == model_id:
            row["name"] = f"Llama {HOSTILE} 70B"
            changed += 1
    assert changed == 1
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)
    return target


def test_a_script_in_the_data_is_shown_as_text_and_runs_nothing(
    browser, tmp_path, monkeypatch, artifacts_dir
):
    params = brief.load_params(config.PROJECT_ROOT / "reports/params/default.yaml")
    hosted = params.scenario["self_hosted"]["model"]  # the default brief's open model
    monkeypatch.setenv("AISTRAT_DATASETS", str(_hostile_datasets(tmp_path, hosted)))
    monkeypatch.setenv("AISTRAT_WAREHOUSE", str(tmp_path / "hostile.duckdb"))

    result = brief.render(params, tmp_path / "reports")

    document = result.html.read_text(encoding="utf-8")
    assert HOSTILE not in document
    assert "Llama &lt;script&gt;alert(1)&lt;/script&gt; 70B" in document
    assert "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e" in document  # in chart specs
    page = Page(browser, result.html)
    page.wait_for_charts(html.count_charts(document))
    page.page.wait_for_timeout(500)
    page.page.screenshot(path=str(artifacts_dir / "brief-injection.png"), full_page=True)
    assert page.dialogs == []
    assert page.errors == []
    assert f"Llama {HOSTILE} 70B" in page.page.inner_text(".verdict")
    assert page.page.evaluate("document.querySelectorAll('script:not([type])').length") == 2
    page.page.close()
