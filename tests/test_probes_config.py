"""The probe package's layout and its one concurrency-level grammar, shared by CLI and panel."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from analysis import probes
from analysis.cli import build_parser
from analysis.cli.probes import config_from_args
from analysis.errors import ProbeConfigError

PACKAGE = Path(__file__).resolve().parent.parent / "analysis" / "probes"


# --------------------------------------------------------------------------- grammar


@pytest.mark.parametrize(
    ("text", "levels"),
    [
        ("1,2,4", (1, 2, 4)),  # the command line's form
        ("1, 2 4", (1, 2, 4)),  # the panel's form: commas, spaces or both
        ("8", (8,)),
        (" 16 ,32 ", (16, 32)),
        ("1,,2,", (1, 2)),  # empty parts are ignored
        ("4,2,4", (4, 2, 4)),  # order kept, as run
        (f"1,{probes.MAX_CONCURRENCY}", (1, probes.MAX_CONCURRENCY)),
    ],
)
def test_levels_grammar_accepts(text, levels):
    assert probes.parse_levels(text) == levels


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "no level"),
        (" , ", "no level"),
        ("1,x", "'x' is not a whole number"),
        ("1-4", "'1-4' is not a whole number"),  # no ranges
        ("2.5", "'2.5' is not a whole number"),
        ("+2", "'+2' is not a whole number"),
        ("1_000", "'1_000' is not a whole number"),
        ("0", "0 is not a positive number"),
        ("-1", "-1 is not a positive number"),
        ("2000", "at most 1024 requests in flight"),
    ],
)
def test_levels_grammar_rejects_the_rest_naming_the_value(text, message):
    with pytest.raises(ProbeConfigError, match=re.escape(message)) as caught:
        probes.parse_levels(text)
    assert str(caught.value).startswith(f"concurrency = {text!r}: ")


def _cli_config(*concurrency: str) -> probes.ProbeConfig:
    args = build_parser().parse_args(
        ["probe", "--url", "http://127.0.0.1:9", *(["--concurrency", *concurrency])]
    )
    return config_from_args(args)


def test_the_command_line_uses_the_grammar():
    cfg = _cli_config("1 2,4")  # spaces were refused before the grammar was shared
    assert cfg.load.levels == (1, 2, 4)
    for bad in ("1-4", "0"):
        with pytest.raises(ProbeConfigError) as cli:
            _cli_config(bad)
        with pytest.raises(ProbeConfigError) as core:
            probes.parse_levels(bad)
        assert str(cli.value) == str(core.value)


def test_the_probe_panel_uses_the_grammar():
    pytest.importorskip("ipywidgets")
    import widgets.probe
    from widgets.probe import ProbeRunner

    assert widgets.probe.parse_levels is probes.parse_levels
    panel = ProbeRunner(url="http://127.0.0.1:1")
    panel.concurrency.value = "1,2, 4,"
    assert panel.read_state().concurrency == (1, 2, 4)
    panel.concurrency.value = "1-4"
    with pytest.raises(ProbeConfigError) as caught:
        panel.read_state()
    with pytest.raises(ProbeConfigError) as core:
        probes.parse_levels("1-4")
    assert str(caught.value) == str(core.value)
    panel.run()  # the failure is a message in the panel, never a traceback
    assert "&#x27;1-4&#x27; is not a whole number" in panel.status.value  # escaped HTML


# --------------------------------------------------------------------------- layout


def _imports(path: Path) -> list[tuple[str, bool]]:
    """(module, at top level) of every ``import`` in ``path``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    top = {id(node) for node in tree.body}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, id(node) in top) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.append((node.module, id(node) in top))
    return found


def test_probe_modules_leave_the_command_line_to_the_cli_layer():
    for path in PACKAGE.glob("*.py"):
        modules = [name for name, _ in _imports(path)]
        assert "argparse" not in modules, path.name
        assert not any(m == "analysis.cli" or m.startswith("analysis.cli.") for m in modules)


def test_submodules_import_siblings_not_the_package():
    # Importing the package from one of its modules would be an import cycle.
    for path in PACKAGE.glob("*.py"):
        if path.name == "__init__.py":
            continue
        modules = [name for name, _ in _imports(path)]
        assert "analysis.probes" not in modules, path.name


def test_the_store_imports_the_probe_modules_at_the_top():
    imports = _imports(PACKAGE / "store.py")
    probe_modules = [(m, top) for m, top in imports if m.startswith("analysis.probes")]
    assert probe_modules and all(top for _, top in probe_modules)
    assert ("analysis.files", True) in imports


def test_no_probe_module_is_over_1200_lines():
    for path in [*PACKAGE.glob("*.py"), PACKAGE.parent / "cli" / "probes.py"]:
        assert len(path.read_text(encoding="utf-8").splitlines()) <= 1200, path.name


def test_the_public_api_is_re_exported():
    for name in probes.__all__:
        assert getattr(probes, name) is not None
    assert {"run_probe", "ProbeConfig", "to_tco_throughput", "parse_levels"} <= set(probes.__all__)


def test_the_store_writes_through_atomic_write(tmp_path, monkeypatch):
    from test_probe_store import make_run

    from analysis.probes import store

    written: list[Path] = []
    real = store.atomic_write

    def spy(path: Path, data: bytes | str) -> None:
        written.append(path)
        real(path, data)

    monkeypatch.setattr(store, "atomic_write", spy)
    run = make_run()
    store.save_run(run, root=tmp_path)
    assert [p.relative_to(tmp_path).parts[0] for p in written] == ["requests", "levels", "runs"]
    assert store.load_run(run.run_id, root=tmp_path).requests == run.requests
    assert not [p for p in tmp_path.rglob("*") if p.is_file() and p.suffix != ".parquet"]


def test_the_tiny_model_cache_writes_through_atomic_write(tmp_path, monkeypatch):
    pytest.importorskip("gguf")
    from analysis.probes import tiny_server

    written: list[Path] = []
    real = tiny_server.atomic_write

    def spy(path: Path, data: bytes | str) -> None:
        written.append(path)
        real(path, data)

    monkeypatch.setattr(tiny_server, "atomic_write", spy)
    spec = tiny_server.TinyModelSpec(layers=1, hidden=32, heads=2, kv_heads=2, ffn=64, context=512)
    path = tiny_server.tiny_gguf(spec, cache_dir=tmp_path)
    assert written == [path]
    assert tiny_server.tiny_gguf(spec, cache_dir=tmp_path) == path and written == [path]
    assert [p.name for p in tmp_path.iterdir()] == [path.name]  # no staging left behind
