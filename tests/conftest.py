"""Shared fixtures: tests never touch the user's files or the network.

The warehouse, the probe store and the reports folder are pointed at a
temporary folder for the whole session; the curated datasets are read in place.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
REFERENCE = REPO.parent / "shared" / "reference"
IN_CI = bool(os.environ.get("CI"))
# Set by `make test-without-reference`: the run stands for a clone with no ../shared beside it.
WITHOUT_REFERENCE = bool(os.environ.get("AISTRAT_WITHOUT_REFERENCE"))


@pytest.fixture(scope="session", autouse=True)
def _isolated_paths(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("toolkit")
    keys = ("AISTRAT_WAREHOUSE", "AISTRAT_PROBES", "AISTRAT_REPORTS", "AISTRAT_CACHE")
    saved = {k: os.environ.get(k) for k in keys}
    os.environ["AISTRAT_WAREHOUSE"] = str(root / "warehouse.duckdb")
    os.environ["AISTRAT_PROBES"] = str(root / "probes")  # a folder of Parquet files
    os.environ["AISTRAT_REPORTS"] = str(root / "reports")
    os.environ["AISTRAT_CACHE"] = str(root / "cache")
    yield root
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


@pytest.fixture
def datasets(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private copy of the repository's datasets/, made the toolkit's datasets folder."""
    copy = tmp_path / "datasets"
    shutil.copytree(REPO / "datasets", copy)
    monkeypatch.setenv("AISTRAT_DATASETS", str(copy))
    return copy


@pytest.fixture(scope="session")
def reference_dir() -> Path:
    """The shared reference data beside the checkout (present in CI, except in the run that
    stands for a clone without it, where the tests that read it skip)."""
    if not REFERENCE.is_dir():
        if IN_CI and not WITHOUT_REFERENCE:
            pytest.fail(f"reference data missing at {REFERENCE}")
        pytest.skip(f"reference data not found at {REFERENCE}")
    return REFERENCE


@dataclass(frozen=True)
class Chromium:
    """The browser the browser tests drive: its executable and the flags it runs with."""

    path: Path
    args: tuple[str, ...]


@pytest.fixture(scope="session")
def chromium() -> Chromium:
    """Debian's chromium (installed by ``make test``; Playwright's own download is never used).

    Headless in a container: no sandbox (tests run as root), no GPU, no QUIC and no
    background traffic (updates, sync). Missing, it fails the test in CI and skips it
    elsewhere.
    """
    path = Path("/usr/bin/chromium")
    if not path.exists():
        if IN_CI:
            pytest.fail(f"{path} is missing: make test installs Debian's chromium")
        pytest.skip(f"{path} is missing: apt-get install chromium")
    args = (
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
    )
    return Chromium(path, args)


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    """Where tests save screenshots and other artifacts for people to look at."""
    path = REPO / "test-artifacts"
    path.mkdir(exist_ok=True)
    return path


@pytest.fixture(scope="session")
def tiny_server(tmp_path_factory: pytest.TempPathFactory):
    """A real llama.cpp server (llama-cpp-python) with the toolkit's tiny random model.

    Started once per session on a free 127.0.0.1 port and stopped afterwards;
    yields ``(url, model)`` (a named tuple: ``.url`` like ``http://127.0.0.1:PORT``,
    ``.model``). Every request yields exactly the tokens asked for. Skipped when
    llama-cpp-python is missing, except in CI, where it fails.
    """
    import importlib.util

    if importlib.util.find_spec("llama_cpp") is None:
        if IN_CI:
            pytest.fail("llama-cpp-python is not installed (make test installs it)")
        pytest.skip("llama-cpp-python is not installed: pip install -e '.[server]'")
    from analysis.probes.tiny_server import start_tiny_server

    server = start_tiny_server(cache_dir=tmp_path_factory.mktemp("tiny-gguf"))
    try:
        yield server.endpoint
    finally:
        server.stop()


WAREHOUSE_FIXTURES = REPO / "tests" / "fixtures" / "warehouse"


def _lay_out_datasets(under: Path, case: str | None = None) -> Path:
    """Copy the small warehouse fixture into ``under/datasets`` and return that folder.

    tests/fixtures/warehouse/valid and the repository's datasets/schema.yaml are
    copied, then the files of the bad case tests/fixtures/warehouse/bad/``case``
    are laid over them.
    """
    import shutil

    target = under / "datasets"
    shutil.copytree(WAREHOUSE_FIXTURES / "valid", target)
    shutil.copy(REPO / "datasets" / "schema.yaml", target / "schema.yaml")
    if case:
        for f in (WAREHOUSE_FIXTURES / "bad" / case).iterdir():
            shutil.copy(f, target / f.name)
    return target


@pytest.fixture(scope="session")
def lay_out_datasets() -> Callable[..., Path]:
    """The function ``lay_out_datasets(under, case=None)``, for fixtures of any scope."""
    return _lay_out_datasets


@pytest.fixture
def make_datasets(tmp_path: Path) -> Callable[..., Path]:
    """Lay out a datasets folder from the small warehouse fixture.

    Returns a function ``make_datasets(case=None, under=tmp_path)``: see
    :func:`_lay_out_datasets`.
    """

    def make(case: str | None = None, under: Path | None = None) -> Path:
        return _lay_out_datasets(tmp_path if under is None else under, case)

    return make
