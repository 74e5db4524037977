"""environment.yml (conda) and pyproject.toml (pip) name the same runtime dependencies."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
# conda-forge names that differ from the PyPI name, for packages that may be listed.
CONDA_NAMES = {
    "duckdb": {"duckdb", "python-duckdb"},
    "llama-cpp-python": {"llama-cpp-python"},
    "pyyaml": {"pyyaml"},
    "vl-convert-python": {"vl-convert-python"},
}
# Conda entries that are not Python runtime dependencies of the package.
NOT_DEPENDENCIES = {"python", "pip"}
_REQUIREMENT = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?\s*(.*?)\s*$")


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _split(requirement: str) -> tuple[str, str]:
    """``(normalised name, version specifier without spaces)`` of a requirement line."""
    match = _REQUIREMENT.match(requirement.split(";")[0])
    assert match, f"cannot read the requirement {requirement!r}"
    return _normalise(match.group(1)), match.group(3).replace(" ", "")


def pip_dependencies() -> dict[str, str]:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return dict(_split(r) for r in project["dependencies"])


def conda_dependencies() -> dict[str, str]:
    env = yaml.safe_load((REPO / "environment.yml").read_text(encoding="utf-8"))
    out: dict[str, str] = {}
    for entry in env["dependencies"]:
        if isinstance(entry, dict):  # the nested "pip:" list installs the package itself
            continue
        # conda accepts "name>=1", "name >=1" and "name=1.*"; pip's == is conda's single =
        name, spec = _split(str(entry))
        if name in NOT_DEPENDENCIES:
            continue
        out[name] = spec
    return out


def _pip_name(conda_name: str) -> str:
    for pip_name, aliases in CONDA_NAMES.items():
        if conda_name in aliases:
            return pip_name
    return conda_name


def test_same_packages_in_both_files() -> None:
    pip = pip_dependencies()
    conda = {_pip_name(n): spec for n, spec in conda_dependencies().items()}
    assert sorted(set(pip) - set(conda)) == [], "in pyproject.toml only: add to environment.yml"
    assert sorted(set(conda) - set(pip)) == [], "in environment.yml only: add to pyproject.toml"


def test_same_version_bounds_in_both_files() -> None:
    pip = pip_dependencies()
    conda = {_pip_name(n): spec for n, spec in conda_dependencies().items()}
    differing = {n: (pip[n], conda[n]) for n in pip if n in conda and pip[n] != conda[n]}
    assert differing == {}


def test_environment_installs_the_package_itself() -> None:
    env = yaml.safe_load((REPO / "environment.yml").read_text(encoding="utf-8"))
    nested = [e for e in env["dependencies"] if isinstance(e, dict)]
    assert any("-e ." in e.get("pip", []) for e in nested)
    python = [e for e in env["dependencies"] if isinstance(e, str) and e.startswith("python")]
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert python == [f"python{project['requires-python']}"]


def test_split_reads_extras_and_markers() -> None:
    assert _split("llama-cpp-python[server]>=0.3.0,<0.4") == ("llama-cpp-python", ">=0.3.0,<0.4")
    assert _split("PyYAML >= 6.0 ; python_version > '3'") == ("pyyaml", ">=6.0")
    assert _split("vl_convert.python") == ("vl-convert-python", "")
