"""The package's layers: no import cycle inside ``analysis/``, the command line kept apart,
and no module over 1,200 lines without a stated reason.

The import graph is read from the source with ``ast``, not by importing it, so a
cycle is found even when it happens to work at run time. Every ``import`` and
``from … import`` statement counts, wherever it stands: at module level, inside a
function (a deferred import still makes the two modules depend on each other) and
under ``if TYPE_CHECKING:`` (a type-only import still ties the layers together).
Importing ``a.b.c`` also depends on the packages ``a.b`` and ``a`` whose
``__init__`` run first, except those that contain the importing module itself (a
package's own modules importing their siblings is not a dependency on its
``__init__``). A module name computed at run time (``importlib.import_module(f"…")``,
as the command-group registry in :func:`analysis.cli.build_parser` does) is not
an edge: it cannot be read from the source.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def package_modules(root: Path = ROOT) -> dict[str, Path]:
    """Every module of ``root/analysis`` by its dotted name (``__init__`` as its package's)."""
    modules = {}
    for path in sorted((root / "analysis").rglob("*.py")):
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join(parts)] = path
    return modules


def imported_modules(module: str, path: Path, modules: set[str]) -> Iterator[str]:
    """The dotted names of what ``module``'s import statements import.

    ``import a.b`` gives ``a.b``; ``from a import b`` gives ``a.b`` when that is a
    module of the package, else ``a`` (``b`` is a name defined in ``a``).
    """
    is_package = path.name == "__init__.py"
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against the importing module's package
                base = module.split(".")
                base = base[: len(base) - node.level + (1 if is_package else 0)]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            for alias in node.names:
                submodule = f"{source}.{alias.name}"
                yield submodule if submodule in modules else source


def import_graph(modules: dict[str, Path]) -> dict[str, set[str]]:
    """``module -> modules of the package it depends on`` (see the module docstring)."""
    names = set(modules)
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        parts = name.split(".")
        own_packages = {".".join(parts[:i]) for i in range(1, len(parts))}
        for target in imported_modules(name, path, names):
            if target in names and target != name:
                graph[name].add(target)
            # The packages whose __init__ runs before `target`, unless they hold `name` too.
            tparts = target.split(".")
            for i in range(1, len(tparts)):
                package = ".".join(tparts[:i])
                if package in names and package not in own_packages and package != name:
                    graph[name].add(package)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module, each sorted (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def a_cycle(component: list[str], graph: dict[str, set[str]]) -> list[str]:
    """One import path around a strongly connected component, for the failure message."""
    members = set(component)
    start = component[0]
    path, seen = [start], {start}
    while True:
        nxt = sorted(graph[path[-1]] & members)
        back = [w for w in nxt if w in seen]
        if back:
            return path[path.index(back[0]) :] + [back[0]]
        path.append(nxt[0])
        seen.add(nxt[0])


def test_the_package_has_no_import_cycle() -> None:
    graph = import_graph(package_modules())
    found = [" -> ".join(a_cycle(c, graph)) for c in cycles(graph)]
    assert found == [], "import cycles inside analysis/:\n" + "\n".join(found)


def test_only_the_command_line_imports_argparse_or_the_cli() -> None:
    offenders = []
    modules = package_modules()
    for name, path in modules.items():
        if (
            name == "analysis.cli"
            or name.startswith("analysis.cli.")
            or name == "analysis.__main__"
        ):
            continue
        for target in imported_modules(name, path, set(modules)):
            if target == "argparse" or target.startswith("argparse."):
                offenders.append(f"{name} imports argparse")
            elif target == "analysis.cli" or target.startswith("analysis.cli."):
                offenders.append(f"{name} imports {target}")
    assert sorted(set(offenders)) == []


#: A module longer than this says why in its docstring, on a line starting "Length:".
MAX_LINES = 1200


def test_no_module_is_longer_than_1200_lines_without_a_stated_reason() -> None:
    too_long = []
    for name, path in package_modules().items():
        text = path.read_text(encoding="utf-8")
        if text.count("\n") <= MAX_LINES:
            continue
        doc = ast.get_docstring(ast.parse(text)) or ""
        if not any(line.strip().startswith("Length:") for line in doc.splitlines()):
            too_long.append(f"{name} ({text.count(chr(10))} lines)")
    assert too_long == [], (
        f"split these along their seams, or say on a 'Length:' line of the module "
        f"docstring why one file serves better: {too_long}"
    )


# --------------------------------------------------------------------------- the checker itself


def _write(root: Path, files: dict[str, str]) -> dict[str, Path]:
    for rel, text in files.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return package_modules(root)


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        pytest.param(
            {
                "analysis/__init__.py": "",
                "analysis/a.py": "def f():\n    from analysis import b\n",
                "analysis/b.py": "from analysis.a import f\n",
            },
            [["analysis.a", "analysis.b"]],
            id="a deferred import closes a cycle",
        ),
        pytest.param(
            {
                "analysis/__init__.py": "",
                "analysis/a.py": "from typing import TYPE_CHECKING\n"
                "if TYPE_CHECKING:\n    from analysis.b import B\n",
                "analysis/b.py": "import analysis.a\n",
            },
            [["analysis.a", "analysis.b"]],
            id="a type-only import closes a cycle",
        ),
        pytest.param(
            {
                "analysis/__init__.py": "",
                "analysis/p/__init__.py": "from analysis.p.x import X\n",
                "analysis/p/x.py": "from analysis.p.y import Y\nX = Y\n",
                "analysis/p/y.py": "from . import z\nY = 1\n",
                "analysis/p/z.py": "",
            },
            [],
            id="a package's modules import their siblings",
        ),
        pytest.param(
            {
                "analysis/__init__.py": "",
                "analysis/p/__init__.py": "from analysis.p.x import X\nY = 1\n",
                "analysis/p/x.py": "from analysis.p import Y\nX = Y\n",
            },
            [["analysis.p", "analysis.p.x"]],
            id="a module importing a name from its own package's __init__",
        ),
        pytest.param(
            {
                "analysis/__init__.py": "",
                "analysis/p/__init__.py": "from analysis.q import Q\n",
                "analysis/p/x.py": "",
                "analysis/q.py": "from analysis.p.x import thing\nQ = 1\n",
            },
            [["analysis.p", "analysis.q"]],
            id="importing a package's module runs the package's __init__ first",
        ),
    ],
)
def test_the_checker_finds_cycles(
    tmp_path: Path, files: dict[str, str], expected: list[list[str]]
) -> None:
    modules = _write(tmp_path, files)
    assert cycles(import_graph(modules)) == expected
