"""Executive briefs: parameters, the papermill run, atomic files, failures, index, concurrency.

Every render here is real: a kernel of the venv's Python runs a notebook through
papermill and nbconvert exports it. Small fixture notebooks exercise the
machinery (a good one, one with a broken section); the example parameter files
are rendered with the real brief notebook.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import nbformat
import pytest

from analysis import brief, cli, html, memo
from analysis.errors import BriefError
from analysis.memo.sections.appendix import detailed_charts_section

REPO = Path(__file__).resolve().parent.parent
PARAMS_DIR = REPO / "reports" / "params"
# Every example brief parameter file (the folder may also hold plain scenario files).
EXAMPLES = sorted(p for p in PARAMS_DIR.glob("*.yaml") if brief.is_brief_params(p))
REQUIRED_EXAMPLES = {"default", "regulated_bank", "startup", "public_agency"}

# The sections every brief carries (memo section keys), in order; "throughput"
# only when a probe run is given. The appendix starts with "charts".
SECTIONS = (
    "recommendation",
    "claims",
    "cost",
    "risk",
    "hybrid",
    "horizon",
    "scorecard",
    "gap",
    "charts",
    "assumptions",
    "sources",
    "trends",
)


# --------------------------------------------------------------------------- example briefs


def render_examples(root: Path) -> dict[str, brief.RenderResult]:
    """Render every example once per test run into ``root`` (shared by the test files)."""
    done = root / "rendered.json"
    if done.is_file():
        data = json.loads(done.read_text())
        return {
            k: brief.RenderResult(Path(v["html"]), Path(v["notebook"]), v["seconds"])
            for k, v in data.items()
        }
    results = {path.stem: brief.render(brief.load_params(path), root) for path in EXAMPLES}
    done.write_text(json.dumps({k: r.to_dict() for k, r in results.items()}))
    return results


@pytest.fixture(scope="session")
def examples(tmp_path_factory: pytest.TempPathFactory) -> dict[str, brief.RenderResult]:
    return render_examples(tmp_path_factory.getbasetemp() / "brief-examples")


def test_the_example_parameter_files_are_there():
    assert REQUIRED_EXAMPLES <= {p.stem for p in EXAMPLES}


@pytest.mark.slow
@pytest.mark.parametrize("name", [p.stem for p in EXAMPLES])
def test_every_example_renders_a_complete_memo(examples, name):
    result = examples[name]
    page = result.html.read_text(encoding="utf-8")

    for key in SECTIONS:
        assert f'id="section-{key}"' in page, f"{name}: section {key} missing"
    # Written for executives: no code, no tracebacks, no prompts, no raw tables.
    memo_html = _main_html(page)
    for leak in ("Traceback", "memo.show", "memo.prepare", "import ", "In&nbsp;[", "<pre"):
        assert leak not in memo_html, f"{name}: {leak!r} in the brief"
    words = re.findall(r"\b[a-z]+\b", _visible_text(page))
    assert "nan" not in words and "None" not in _visible_text(page), (
        f"{name}: a missing value shown"
    )
    assert html.count_charts(page) >= 5
    assert page.count("window.vegaEmbed=") == 1
    assert html.remote_references(page) == []
    assert "$" in page and "as of" in page
    # A short memo with a few small charts, then a clearly marked appendix with the rest.
    memo_part, appendix = memo_html.split('id="section-charts"', 1)
    assert memo_html.count("appendix-start") == 1
    assert re.search(r'<section class="[^"]*\bappendix-start\b[^"]*" id="section-charts"', page)
    assert 3 <= html.count_charts(memo_part) <= 5
    assert html.count_charts(memo_part + appendix) == html.count_charts(page)
    assert "Appendix A" in appendix and "Appendix B" in appendix and "Appendix C" in appendix
    # Every chart has a caption naming its source, its date and how current its data is.
    figures = re.findall(r"<figure.*?</figure>", memo_html, flags=re.S)
    assert len(figures) == html.count_charts(page)
    for fig in figures:
        caption = re.search(r"<figcaption>(.*?)</figcaption>", fig, flags=re.S).group(1)
        assert "Source: " in caption and "As of " in caption, caption
        assert "Data through: " in caption, caption
    # The first screen says how current each dataset is, and names the best in the data.
    head = memo_html.split('id="section-claims"', 1)[0]
    assert '<p class="dateline">Data through: benchmark results ' in head
    assert "Best in the data on " in head or "has a score on" in head
    tables = re.findall(r"<tr>(.*?)</tr>", page)
    assert max(row.count("<t") for row in tables) <= 6, "a table wider than six columns"
    executed = nbformat.read(result.notebook, as_version=4)
    assert not [o for c in executed.cells for o in c.get("outputs", []) if o.output_type == "error"]


@pytest.mark.slow
def test_example_recommendations_follow_the_must_haves(examples):
    """The bank and the agency cannot use the API; the startup's volume does not pay for GPUs."""
    heads = {
        name: re.search(r"<h1>(.*?)</h1>", r.html.read_text(encoding="utf-8")).group(1)
        for name, r in examples.items()
    }
    assert heads["regulated_bank"].startswith("Self-host ")
    assert heads["public_agency"].startswith("Self-host ")
    assert heads["startup"].startswith("Stay on the ")
    bank = examples["regulated_bank"].html.read_text(encoding="utf-8")
    assert "Claude Sonnet 5 API cannot show processing in EU" in bank
    agency = examples["public_agency"].html.read_text(encoding="utf-8")
    assert "GPT-5.5 API does not meet 'self-hosted on agency hardware'" in agency


def _main_html(page: str) -> str:
    """The memo's markup without the scripts (chart specs) inside it."""
    body = page.split("<main", 1)[1].split("</main>", 1)[0]
    return re.sub(r"<script.*?</script>", " ", body, flags=re.S)


def _visible_text(page: str) -> str:
    return re.sub(r"<[^>]+>", " ", _main_html(page))


@pytest.mark.slow
def test_the_default_brief_shows_the_throughput_range_basis_and_limit(examples):
    """The decode model's estimate in the cost section and appendix B, with energy."""
    import html as html_text

    page = examples["default"].html.read_text(encoding="utf-8")
    text = re.sub(r"\s+", " ", html_text.unescape(_visible_text(page)))
    cost, appendix = text.split("Appendix B", 1)
    # The cost section: T as a range, the basis and the binding limit, and the energy.
    assert re.search(
        r"delivering [\d,]+ tokens a second \([\d,]+–[\d,]+; decode model, bound by", cost
    )
    assert "kWh per million output tokens" in cost
    # The appendix: the range, the basis with the bytes per step, the binding limit and what
    # the decode model rests on (the measured bandwidth fraction, the prefill estimate).
    assert re.search(
        r"Replica throughput [\d,]+ \([\d,]+–[\d,]+\) tok/s estimate decode estimate", appendix
    )
    assert "GB of KV cache" in appendix
    assert re.search(r"Binding limit (memory|latency|bandwidth|compute) derived", appendix)
    assert "Decode bandwidth fraction 0.57–0.83" in appendix
    assert "measured on one H200, 2026-12-04" in appendix
    assert "Latency target TPOT ≤ 200 ms, p95 TTFT ≤ 2,000 ms sourced" in appendix
    assert "Energy per 1M output tokens" in appendix


@pytest.mark.slow
def test_all_renders_every_brief_and_skips_scenario_files(tmp_path, notebooks):
    folder = tmp_path / "params"
    folder.mkdir()
    (folder / "a.yaml").write_text((PARAMS_DIR / "startup.yaml").read_text())
    (folder / "scenario.yaml").write_text("name: just a scenario\nworkload: {}\n")
    (folder / "broken.yaml").write_text("organisation: B\nas_of: 2025-01-01\nscenario: {}\nx: 1\n")

    outcomes = brief.render_all(folder, tmp_path / "out", notebook=notebooks["good"])

    status = {o.params_file.name: o.status for o in outcomes}
    assert status == {"a.yaml": "ok", "broken.yaml": "FAILED", "scenario.yaml": "skipped"}
    assert [e.organisation for e in brief.list_briefs(tmp_path / "out")] == ["Example Startup"]
    # A failing file makes the run exit 1 (no kernel needed to show it).
    (folder / "a.yaml").unlink()
    assert cli.main(["brief", "--all", str(folder), "-o", str(tmp_path / "o2")]) == 1


# --------------------------------------------------------------------------- fixture notebooks


def _notebook(*cells: tuple[str, str | None]) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.metadata["language_info"] = {"name": "python"}
    params = nbformat.v4.new_code_cell(
        'organisation = ""\nas_of = ""\ntitle = ""\nscenario = {}\nbrief = {}\nparams_file = ""'
    )
    params.metadata["tags"] = ["parameters"]
    nb.cells.append(params)
    for source, section in cells:
        cell = nbformat.v4.new_code_cell(source)
        if section:
            cell.metadata["brief_section"] = section
        nb.cells.append(cell)
    return nb


GOOD_CELLS = (
    ("import altair as alt\nimport pandas as pd\nfrom analysis import memo", None),
    ("import warnings\nwarnings.warn('a warning an executive must not see')", None),
    (
        "df = pd.DataFrame({'option': ['API', 'Self-hosted'], 'usd': [100.0, 80.0]})\n"
        "chart = alt.Chart(df).mark_bar().encode(x='option:N', y='usd:Q', "
        "tooltip=['option:N', 'usd:Q'])\n"
        "memo.show(memo.Section('demo', 'Costs for ' + organisation, finding='Self-hosting is "
        "cheaper.', kpis=[memo.Kpi('Saving', '$20')], figures=[memo.Figure(chart, 'Monthly "
        "cost.'), memo.Figure(chart, 'Again.')], tables=[memo.Table(['Option', 'USD'], "
        "[['API', '100'], ['Self-hosted', '80']], numeric=[1])]))",
        "Demo section",
    ),
)


@pytest.fixture(scope="module")
def notebooks(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("notebooks")
    paths = {
        "good": _notebook(*GOOD_CELLS),
        "broken": _notebook(
            *GOOD_CELLS, ("raise ValueError('the cost table is empty')", "Cost comparison")
        ),
    }
    out = {}
    for name, nb in paths.items():
        out[name] = root / f"{name}.ipynb"
        nbformat.write(nb, out[name])
    return out


def _params(organisation: str = "Fixture Org", as_of: date = date(2025, 6, 1)) -> brief.BriefParams:
    return brief.BriefParams(organisation, as_of, f"Brief for {organisation}", {}, {})


# --------------------------------------------------------------------------- layout


def _spec(**extra: object) -> dict:
    return {
        "data": {"values": [{"x": 1, "y": 2}]},
        "mark": "bar",
        "encoding": {
            "x": {"field": "x", "type": "quantitative", "title": "A very long axis title"},
            "color": {"field": "y", "type": "nominal"},
        },
        "title": {"text": "Monthly cost", "subtitle": ["Source: price list.", "As of 2025-01-02."]},
        "config": {"axis": {"labelFontSize": 11}},
        **extra,
    }


def test_a_figure_moves_its_title_and_source_into_the_page_and_keeps_its_theme():
    spec = _spec()
    fig = memo.Figure(
        spec,
        "What to read in it.",
        size=memo.size(200, 80, legend_columns=2),
        axis_titles={"x": "Short"},
        legend={"title": None},
    )

    out = fig.to_html("chart-7")

    assert '<div class="chart-title">Monthly cost</div>' in out
    assert (
        "<figcaption>What to read in it. "
        '<span class="source">Source: price list. As of 2025-01-02.</span></figcaption>'
    ) in out
    drawn = json.loads(re.search(r"<script[^>]*>(.*?)</script>", out, flags=re.S).group(1))
    assert "title" not in drawn and (drawn["width"], drawn["height"]) == (200, 80)
    # The theme's config is merged into, not replaced.
    assert drawn["config"] == {"axis": {"labelFontSize": 11}, "legend": {"columns": 2}}
    assert drawn["encoding"]["x"]["title"] == "Short"
    assert drawn["encoding"]["color"]["legend"] == {"title": None}
    assert spec == _spec()  # the caller's spec is left as it was


def test_appendix_tables_leave_their_section_for_the_appendix():
    detail = memo.Table(["P10", "P90"], [["$1", "$9"]], caption="Spread", placement="appendix")
    section = memo.Section("risk", "Risk", tables=[memo.Table(["A"], [["kept"]]), detail])

    out = section.to_html()
    appendix = detailed_charts_section([section, None])

    assert "kept" in out and "Spread" not in out
    assert [t.caption for t in appendix.tables] == ["Spread"]
    assert appendix.tables[0].placement == "body" and "Spread" in appendix.to_html()
    assert appendix.numbers == {"charts": 0.0, "tables": 1.0}


def test_appendix_figures_are_left_out_of_their_section():
    section = memo.Section(
        "cost",
        "Cost",
        figures=[
            memo.Figure(_spec(), "In the memo."),
            memo.Figure(_spec(), "In the appendix.", placement="appendix"),
        ],
        layout="split",
    )

    out = section.to_html(iter(["chart-1", "chart-2"]).__next__)

    assert html.count_charts(out) == 1 and "In the memo." in out
    assert "In the appendix." not in out
    assert 'class="split"' in out
    with pytest.raises(BriefError, match="placement 'margin'"):
        memo.Figure(_spec(), "x", placement="margin")
    with pytest.raises(BriefError, match="placement 'margin'"):
        memo.Table(["a"], [["1"]], placement="margin")
    with pytest.raises(BriefError, match="layout 'grid'"):
        memo.Section("x", "X", layout="grid")


# --------------------------------------------------------------------------- machinery


@pytest.mark.slow
def test_render_writes_brief_notebook_and_index(notebooks, tmp_path):
    result = brief.render(_params(), tmp_path, notebook=notebooks["good"])

    assert result.html == tmp_path / "fixture-org-2025-06-01.html"
    assert result.notebook == tmp_path / "fixture-org-2025-06-01.ipynb"
    page = result.html.read_text(encoding="utf-8")
    assert "Costs for Fixture Org" in page
    assert html.count_charts(page) == 2
    # The Vega bundle is inlined once for the page, not once per chart.
    assert page.count("window.vegaEmbed=") == 1
    assert html.remote_references(page) == []
    # Code, prompts, streams and warnings are hidden.
    assert "import altair" not in page
    assert "a warning an executive must not see" not in page
    assert "In&nbsp;[" not in page and "In [" not in page
    executed = nbformat.read(result.notebook, as_version=4)
    assert executed.metadata["papermill"]["parameters"]["organisation"] == "Fixture Org"
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert 'href="fixture-org-2025-06-01.html"' in index
    assert brief.list_briefs(tmp_path)[0].as_of == "2025-06-01"
    assert not list((tmp_path / brief.TMP_DIR).iterdir())
    assert set(result.seconds) >= {"execute", "cells", "startup", "export", "total"}


@pytest.mark.slow
def test_failed_run_names_section_keeps_notebook_and_last_good_brief(notebooks, tmp_path):
    good = brief.render(_params(), tmp_path, notebook=notebooks["good"])
    before = good.html.read_bytes()
    before_nb = good.notebook.read_bytes()

    with pytest.raises(BriefError) as caught:
        brief.render(_params(), tmp_path, notebook=notebooks["broken"])

    message = str(caught.value)
    assert "section 'Cost comparison'" in message
    assert "ValueError: the cost table is empty" in message
    assert "Traceback" not in message and "\n" not in message
    failed = tmp_path / "failed" / "fixture-org-2025-06-01.FAILED.ipynb"
    assert str(failed) in message
    assert failed.is_file()
    kept = nbformat.read(failed, as_version=4)
    assert any(o.get("ename") == "ValueError" for c in kept.cells for o in c.get("outputs", []))
    assert good.html.read_bytes() == before
    assert good.notebook.read_bytes() == before_nb
    assert not list((tmp_path / brief.TMP_DIR).iterdir())

    # The next good run clears the stale failure.
    brief.render(_params(), tmp_path, notebook=notebooks["good"])
    assert not failed.exists()


def test_cli_failure_is_one_line_without_traceback(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text("organisation: X\nas_of: 2025-01-01\nscenario: {}\nbudget: 3\n")

    status = cli.main(["brief", "-f", str(bad), "-o", str(tmp_path / "out")])

    err = capsys.readouterr().err
    assert status == 1
    assert err.startswith("error: ") and err.count("\n") == 1
    assert "'budget'" in err and str(bad) in err
    assert not (tmp_path / "out").exists()


# --------------------------------------------------------------------------- parameters


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("organisation: X\nas_of: 2025-01-01\nscenario: {}\nbudget: 1\n", "unknown key 'budget'"),
        (
            "organisation: X\nas_of: 2025-01-01\nscenario: {}\nbrief: {colour: red}\n",
            "brief.colour",
        ),
        ("organisation: X\nas_of: tomorrow\nscenario: {}\n", "as_of = 'tomorrow' is not a date"),
        ("organisation: ''\nas_of: 2025-01-01\nscenario: {}\n", "organisation must be"),
        ("organisation: X\nas_of: 2025-01-01\n", "scenario must be a mapping"),
        ("organisation: X\nas_of: [2025\n", "is not valid YAML"),
        ("- a\n- b\n", "expected a mapping"),
    ],
)
def test_bad_parameter_file_is_refused_naming_file_and_key(tmp_path, text, expected):
    path = _write(tmp_path / "p.yaml", text)
    with pytest.raises(BriefError) as caught:
        brief.load_params(path)
    assert expected in str(caught.value)
    assert str(path) in str(caught.value)


def test_missing_parameter_file(tmp_path):
    with pytest.raises(BriefError, match="no such parameter file"):
        brief.load_params(tmp_path / "absent.yaml")


def test_overrides_are_dotted_and_parsed_as_yaml():
    data: dict = {"scenario": {"workload": {"tokens_per_day": 1}}}
    brief.apply_override(data, "scenario.workload.tokens_per_day", "5e7", "f.yaml")
    brief.apply_override(data, "scenario.sovereignty.self_host_required", "true", "f.yaml")
    brief.apply_override(data, "title", "Board pack: Q3", "f.yaml")
    assert data["scenario"]["workload"]["tokens_per_day"] == 5e7
    assert data["scenario"]["sovereignty"]["self_host_required"] is True
    assert data["title"] == "Board pack: Q3"
    with pytest.raises(BriefError, match="unknown key 'colour'"):
        brief.apply_override(data, "colour", "red", "f.yaml")
    with pytest.raises(BriefError, match="scenario.workload.tokens_per_day in f.yaml is a value"):
        brief.apply_override(data, "scenario.workload.tokens_per_day.x", "1", "f.yaml")


def test_slug_and_stem():
    p = _params("Bank of Ruritania (EU) <HQ>", date(2025, 3, 31))
    assert p.slug == "bank-of-ruritania-eu-hq"
    assert p.stem == "bank-of-ruritania-eu-hq-2025-03-31"
    assert brief.slugify("!!!") == "brief"


# --------------------------------------------------------------------------- concurrency


@pytest.mark.slow
def test_two_runs_at_once_do_not_corrupt_anything(notebooks, tmp_path):
    """Two processes render the same brief and another one into one folder at once."""
    script = (
        "import sys\nfrom datetime import date\nfrom analysis import brief\n"
        "p = brief.BriefParams(sys.argv[1], date(2025, 6, 1), 'T', {}, {})\n"
        "brief.render(p, sys.argv[2], notebook=sys.argv[3])\n"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    runs = [
        subprocess.Popen(
            [sys.executable, "-c", script, org, str(tmp_path), str(notebooks["good"])],
            env=env,
            stderr=subprocess.PIPE,
            text=True,
        )
        for org in ("Same Org", "Same Org", "Other Org")
    ]
    errors = [(r.wait(timeout=300), r.stderr.read()) for r in runs]
    assert [status for status, _ in errors] == [0, 0, 0], errors

    names = sorted(p.name for p in tmp_path.glob("*.html"))
    assert names == ["index.html", "other-org-2025-06-01.html", "same-org-2025-06-01.html"]
    for name in names[1:]:
        page = (tmp_path / name).read_text(encoding="utf-8")
        assert page.rstrip().endswith("</html>") and html.count_charts(page) == 2
        nbformat.validate(nbformat.read(tmp_path / name.replace(".html", ".ipynb"), as_version=4))
    assert [e.organisation for e in brief.list_briefs(tmp_path)] == ["Other Org", "Same Org"]
    assert not list((tmp_path / brief.TMP_DIR).iterdir())
    assert not [p for p in tmp_path.iterdir() if p.is_file() and p.name.endswith(".tmp")]


def test_lock_times_out_with_clear_message(tmp_path):
    lock = tmp_path / "x.lock"
    with brief.file_lock(lock):
        # flock locks belong to the open file, so a second open in this process conflicts.
        with pytest.raises(BriefError, match="held by another brief run"):
            with brief.file_lock(lock, timeout=0.3):
                pass


def test_index_escapes_and_links_every_brief(tmp_path):
    meta = {
        "brief:organisation": "<script>alert(1)</script> & Co",
        "brief:as-of": "2025-01-02",
        "brief:title": "T",
        "brief:generated": "2025-01-02T03:04:05Z",
    }
    (tmp_path / "x-2025-01-02.html").write_text(html.page("T", "<p>x</p>", meta=meta))
    (tmp_path / "notes.html").write_text("<html><body>not a brief</body></html>")

    page = brief.write_index(tmp_path).read_text(encoding="utf-8")

    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co" in page
    assert "<script>alert" not in page
    assert 'href="x-2025-01-02.html"' in page
    assert "notes.html" not in page
    assert html.remote_references(page) == []


# --------------------------------------------------------------------------- a probe run


def _stored_probe_run() -> str:
    """A small hand-made probe run in the test run's probe store: 4 requests at concurrency 1."""
    from datetime import UTC, datetime, timedelta

    from analysis import probes
    from analysis.probes import store as probe_store

    t0 = datetime(2026, 11, 1, 12, 0, 0, tzinfo=UTC)
    requests = []
    for i in range(4):
        r = probes.RequestResult(index=i, concurrency=1, sent_ms=250.0 * i, scheduled_ms=250.0 * i)
        r.ok, r.ttft_ms, r.ttfat_ms, r.e2e_ms = True, 100.0, 100.0, 250.0
        r.end_ms = r.sent_ms + r.e2e_ms
        r.output_tokens, r.output_tokens_source = 51, "usage"
        r.tpot_ms = (r.e2e_ms - r.ttft_ms) / 50
        r.decode_tps = 1000 / r.tpot_ms
        r.itl_ms = [r.tpot_ms] * 50
        requests.append(r)
    config = probes.ProbeConfig(
        url="http://127.0.0.1:8080",
        model="llama-3.3-70b-instruct",
        load=probes.ConcurrencySweep(levels=(1,), requests=4, warmup=0),
        slo=probes.SLO(ttft_ms=500, percentile=95),
        hardware="2x H100 SXM",
    )
    run = probes.ProbeRun(
        run_id="20261101T120000Z-b1ef00",
        config=config,
        model="llama-3.3-70b-instruct",
        started_at=t0,
        finished_at=t0 + timedelta(seconds=2),
        client_host="test",
        server_software=None,
        input_tokens_basis="test fixture",
        requests=requests,
    )
    return probe_store.save_run(run)


@pytest.mark.slow
def test_a_probe_run_adds_measured_throughput(tmp_path, monkeypatch):
    # Its own probe store: a stored run of a model on a GPU replaces the estimate of any
    # scenario of that model and GPU, which other tests' scenarios must not meet.
    monkeypatch.setenv("AISTRAT_PROBES", str(tmp_path / "probes"))
    run_id = _stored_probe_run()
    params = brief.load_params(
        PARAMS_DIR / "startup.yaml", [("scenario.self_hosted.probe_run", run_id)]
    )

    page = brief.render(params, tmp_path).html.read_text(encoding="utf-8")

    assert 'id="section-throughput"' in page
    assert f"probe run {run_id}" in page
    assert "Measured throughput" in page and "measured" in page
    # The measured figure replaces the decode estimate in the cost model, and the brief
    # says how far the estimate of the run was.
    text = _visible_text(page)
    assert "The cost model uses the measurement, not the estimate" in text
    assert "Estimate against the measurement" in text


def test_unknown_scenario_key_names_file_key_and_line(tmp_path):
    text = (PARAMS_DIR / "startup.yaml").read_text(encoding="utf-8")
    text = text.replace("    output_tokens: 400\n", "    output_tokens: 400\n    colour: red\n")
    path = _write(tmp_path / "p.yaml", text)
    line = text.splitlines().index("    colour: red") + 1

    with pytest.raises(BriefError) as caught:
        brief.load_params(path)

    message = str(caught.value)
    assert "scenario.workload.colour" in message and f"{path}, line {line}" in message


def test_the_brief_notebook_is_committed_thin_and_without_outputs():
    nb = nbformat.read(brief.NOTEBOOK, as_version=4)
    nbformat.validate(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert [c for c in code if c.outputs or c.execution_count is not None] == []
    tagged = [c for c in code if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1 and code[0] is tagged[0]
    names = compile(tagged[0].source, "parameters", "exec").co_names
    assert {"organisation", "as_of", "title", "scenario", "brief", "params_file"} <= set(names)
    # One call per section, each cell named for the error message of a failed run.
    sections = code[2:]
    assert [c.source for c in sections] == [
        f"memo.show(memo.{fn.__name__}(ctx))" for fn in memo.SECTIONS
    ]
    assert all(c.metadata.get("brief_section") for c in code[1:])
