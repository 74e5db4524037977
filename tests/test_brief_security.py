"""Briefs and untrusted text, and briefs and secrets.

- Text from data is escaped wherever it lands: HTML content, attributes, and
  the JSON chart specs inside ``<script>`` elements.
- Parameters never carry secrets; a secret in the environment never reaches an
  executed notebook or an HTML brief.
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import nbformat
import pytest
from hypothesis import given
from hypothesis import strategies as st

from analysis import brief, html, memo
from analysis.errors import BriefError

REPO = Path(__file__).resolve().parent.parent
FAKE_KEY = "sk-test-0000FAKEKEY1111notarealkey2222"


# --------------------------------------------------------------------------- escaping


@given(st.text())
def test_script_json_round_trips_and_cannot_close_the_script(text):
    encoded = html.script_json({"name": text, "values": [text]})
    assert json.loads(encoded) == {"name": text, "values": [text]}
    assert "<" not in encoded and ">" not in encoded
    assert "\u2028" not in encoded and "\u2029" not in encoded


@pytest.mark.parametrize(
    "hostile",
    ["</script><script>alert(1)</script>", "<!--", "</SCRIPT >", "<img src=x onerror=alert(1)>"],
)
def test_a_hostile_name_is_text_everywhere_in_a_section(hostile):
    section = memo.Section(
        key="x",
        title=hostile,
        finding=hostile,
        paragraphs=[hostile],
        kpis=[memo.Kpi(hostile, hostile, hostile)],
        tables=[memo.Table([hostile], [[hostile]], caption=hostile, note=hostile)],
        figures=[
            memo.Figure(
                {
                    "data": {"values": [{"model": hostile}]},
                    "mark": "bar",
                    # A chart's title and source become the figure's heading and caption.
                    "title": {"text": hostile, "subtitle": [hostile]},
                },
                hostile,
            )
        ],
        bullets=[hostile],
        notes=[hostile],
    )
    out = section.to_html(lambda: "chart-1")
    assert hostile not in out
    assert "<img" not in out and "alert(1)</script>" not in out
    # The only script element is the chart spec, and it parses back to the name.
    scripts = re.findall(r"<script[^>]*>(.*?)</script>", out, flags=re.S)
    assert len(scripts) == 1
    assert json.loads(scripts[0])["data"]["values"][0]["model"] == hostile


def test_chart_ids_must_be_plain():
    with pytest.raises(BriefError):
        html.chart_placeholder({}, 'x" onload="alert(1)')


def test_remote_references_are_found_in_attributes_only():
    page = (
        '<link href="https://cdn.example/x.css"><img src="//evil.example/p.png">'
        '<a href="#top">top</a><script>var u = "https://vega.github.io/editor/";</script>'
    )
    assert html.remote_references(page) == [
        "<link href='https://cdn.example/x.css'>",
        "<img src='//evil.example/p.png'>",
    ]


# --------------------------------------------------------------------------- secrets in parameters


def _params_file(tmp_path: Path, extra: str) -> Path:
    text = (REPO / "reports" / "params" / "startup.yaml").read_text(encoding="utf-8")
    path = tmp_path / "p.yaml"
    path.write_text(text + extra, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("extra", "key"),
    [
        ("  api_key: abc123\n", "brief.api_key"),
        ("  auth_token: abc123\n", "brief.auth_token"),
        ("  password: hunter2\n", "brief.password"),
        ("  note: " + FAKE_KEY + "\n", "brief.note"),
    ],
)
def test_a_parameter_that_looks_like_a_secret_is_refused(tmp_path, extra, key):
    path = _params_file(tmp_path, extra)
    with pytest.raises(BriefError) as caught:
        brief.load_params(path)
    assert key in str(caught.value) and str(path) in str(caught.value)
    assert "environment variable" in str(caught.value)
    assert "abc123" not in str(caught.value) and "hunter2" not in str(caught.value)


def test_a_secret_given_with_p_is_refused(tmp_path):
    path = _params_file(tmp_path, "")
    with pytest.raises(BriefError, match=r"scenario\.self_hosted\.api_key"):
        brief.load_params(path, [("scenario.self_hosted.api_key", "abc123")])


def test_naming_the_variable_and_counting_tokens_are_not_secrets():
    brief.check_no_secrets(
        {
            "probe": {"api_key_env": "AISTRAT_PROBE_API_KEY"},
            "workload": {"tokens_per_day": 2_000_000, "input_tokens": 1200},
            "api_key": None,
        },
        "p.yaml",
    )


# ------------------------------------------------------------------ secrets in the environment


@pytest.mark.slow
def test_a_key_in_the_environment_never_reaches_the_brief(tmp_path, monkeypatch):
    monkeypatch.setenv("AISTRAT_PROBE_API_KEY", FAKE_KEY)
    monkeypatch.setenv("OPENAI_API_KEY", FAKE_KEY)

    result = brief.render(brief.load_params(REPO / "reports/params/startup.yaml"), tmp_path)

    for path in (result.html, result.notebook, tmp_path / "index.html"):
        assert FAKE_KEY not in path.read_text(encoding="utf-8"), path.name
    executed = nbformat.read(result.notebook, as_version=4)
    assert "api_key" not in json.dumps(executed.metadata["papermill"]["parameters"]).lower()


@pytest.mark.slow
def test_a_notebook_that_shows_a_secret_is_refused_and_nothing_is_kept(tmp_path, monkeypatch):
    monkeypatch.setenv("AISTRAT_PROBE_API_KEY", FAKE_KEY)
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    params = nbformat.v4.new_code_cell('organisation = ""')
    params.metadata["tags"] = ["parameters"]
    leak = nbformat.v4.new_code_cell("import os\nprint(os.environ['AISTRAT_PROBE_API_KEY'])")
    nb.cells += [params, leak]
    source = tmp_path / "leaky.ipynb"
    nbformat.write(nb, source)
    params_ = brief.BriefParams("Leaky", date(2025, 1, 1), "T", {}, {})

    with pytest.raises(BriefError) as caught:
        brief.render(params_, tmp_path / "out", notebook=source)

    assert "AISTRAT_PROBE_API_KEY" in str(caught.value) and FAKE_KEY not in str(caught.value)
    written = [p for p in (tmp_path / "out").rglob("*") if p.is_file()]
    assert not [p for p in written if FAKE_KEY in p.read_text(encoding="utf-8", errors="ignore")]
    assert not (tmp_path / "out" / "leaky-2025-01-01.html").exists()
