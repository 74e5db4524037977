"""Panel state as YAML: plain dataclasses written to and read from a file.

The gap, scorecard and probe panels keep their state in small frozen
dataclasses of their own (the TCO and hybrid panels use
:class:`analysis.scenario.Scenario`, which has its own YAML form). This module
turns such a dataclass into a mapping of plain YAML values and back, strictly:
an unknown or missing key, or a value of the wrong type, is a
:class:`~analysis.errors.ScenarioError` naming the file and the key.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from analysis.dates import parse_date
from analysis.errors import DateError, ScenarioError
from analysis.files import atomic_write
from analysis.records import to_plain

T = TypeVar("T")


def to_mapping(state: Any) -> dict[str, Any]:
    """The fields of a dataclass as plain YAML values (:func:`analysis.records.to_plain`).

    Args:
        state: a dataclass instance whose fields are str, int, float, bool,
            date, None, or tuples/lists of those or of nested dataclasses.

    Returns:
        A dict in field order, dates as ISO strings.
    """
    return to_plain(state)


def from_mapping(cls: type[T], data: Any, *, where: str = "state") -> T:
    """Build a dataclass from a mapping, checking keys and value types.

    Args:
        cls: the dataclass type.
        data: the mapping (as read from YAML).
        where: a name for messages, e.g. the file path.

    Returns:
        The instance.

    Raises:
        ScenarioError: for a mapping that is not one, an unknown or missing
            key, or a value of the wrong type.
    """
    if not isinstance(data, dict):
        raise ScenarioError(where, type(data).__name__, "expected a mapping of settings")
    hints = typing.get_type_hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    unknown = sorted(set(data) - set(fields))
    if unknown:
        raise ScenarioError(
            f"{where}: {unknown[0]}",
            data[unknown[0]],
            f"unknown setting; known: {', '.join(fields)}",
        )
    kwargs = {}
    for name, field in fields.items():
        if name not in data:
            no_default = field.default is dataclasses.MISSING
            if no_default and field.default_factory is dataclasses.MISSING:
                raise ScenarioError(f"{where}: {name}", None, "missing; this setting is required")
            continue
        kwargs[name] = _coerce(hints[name], data[name], f"{where}: {name}")
    return cls(**kwargs)


def _coerce(hint: Any, value: Any, key: str) -> Any:
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        if value is None and type(None) in args:
            return None
        options = [a for a in args if a is not type(None)]
        for option in options:
            try:
                return _coerce(option, value, key)
            except ScenarioError:
                continue
        raise ScenarioError(key, value, f"expected {_name(hint)}")
    if origin in (tuple, list):
        if not isinstance(value, (list, tuple)):
            raise ScenarioError(key, value, f"expected a list ({_name(hint)})")
        item = args[0] if args else Any
        items = [_coerce(item, v, f"{key}[{i}]") for i, v in enumerate(value)]
        return tuple(items) if origin is tuple else items
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return from_mapping(hint, value, where=key)
    if hint is Any:
        return value
    if hint is bool:
        if isinstance(value, bool):
            return value
    elif hint is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    elif hint is float:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
    elif hint is str:
        if isinstance(value, str):
            return value
    elif hint is date:
        try:
            return parse_date(value, key)
        except DateError:
            raise ScenarioError(key, value, "expected a date as YYYY-MM-DD") from None
    raise ScenarioError(key, value, f"expected {_name(hint)}")


def _name(hint: Any) -> str:
    return getattr(hint, "__name__", None) or str(hint).replace("typing.", "")


def write_yaml(path: str | Path, mapping: dict[str, Any], *, title: str = "") -> Path:
    """Write a mapping as YAML, with an optional comment line on top.

    Args:
        path: the file to write (its folder is created).
        mapping: plain YAML values.
        title: a comment written as the first line.

    Returns:
        The path written.

    Raises:
        ScenarioError: when the file cannot be written.
    """
    import yaml

    target = Path(path)
    head = f"# {title}\n" if title else ""
    text = head + yaml.safe_dump(mapping, sort_keys=False, allow_unicode=True, width=100)
    try:
        atomic_write(target, text)
    except OSError as exc:
        raise ScenarioError(str(target), None, f"cannot be written ({exc.strerror})") from exc
    return target


def read_yaml(path: str | Path) -> Any:
    """Read a YAML file.

    Args:
        path: the file.

    Returns:
        The parsed document.

    Raises:
        ScenarioError: when the file is missing or is not valid YAML.
    """
    import yaml

    source = Path(path)
    try:
        text = source.read_text()
    except OSError as exc:
        raise ScenarioError(str(source), None, f"cannot read the file ({exc.strerror})") from exc
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" at line {mark.line + 1}" if mark is not None else ""
        raise ScenarioError(str(source), None, f"not valid YAML{line}") from exc
