"""Executive briefs: run the brief notebook with papermill, export it as one offline HTML file.

The pipeline for one parameter file (``reports/params/NAME.yaml``):

1. :func:`load_params` reads and checks it: the organisation, the as-of date,
   an optional title, a ``scenario`` (the shape :mod:`analysis.scenario`
   loads) and ``brief`` options. An unknown key, a bad value or anything that
   looks like a secret is refused with the file and key named.
2. :func:`render` runs ``notebooks/executive_brief.ipynb`` with those
   parameters on a kernel of this very Python (no kernelspec lookup, so a
   fresh virtualenv works), then :func:`export_html` turns the executed
   notebook into a memo: code, prompts and streams hidden, the Vega
   JavaScript inlined once, nothing loaded from any host.
3. Files are written atomically (temporary name, then ``os.replace``) as
   ``reports/<slug>-<as-of>.html`` beside ``reports/<slug>-<as-of>.ipynb``.
   A failed run keeps its notebook as ``reports/failed/<slug>-<as-of>.FAILED.ipynb``,
   leaves the last good brief in place and raises :class:`BriefError` naming
   the section that failed. ``reports/index.html`` lists every brief.

Concurrent runs are safe: each output is rendered under its own lock file
(``reports/.locks/``), temporary files have unique names, and the index is
regenerated under a lock of its own.

Only this module orchestrates; the content of the brief is :mod:`analysis.memo`.
"""

from __future__ import annotations

import contextlib
import copy
import math
import os
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING, Any

from analysis import config
from analysis.dates import parse_date
from analysis.errors import BriefError, DateError, ToolkitError
from analysis.files import atomic_write, exclusive_lock
from analysis.records import to_plain

if TYPE_CHECKING:
    from nbformat import NotebookNode

    from analysis.scenario import Scenario

#: The notebook every brief is rendered from.
NOTEBOOK = config.PROJECT_ROOT / "notebooks" / "executive_brief.ipynb"

#: Top-level keys of a brief parameter file; ``scenario`` and ``brief`` are mappings.
TOP_LEVEL_KEYS = ("organisation", "as_of", "title", "scenario", "brief")

FAILED_DIR = "failed"
LOCK_DIR = ".locks"
TMP_DIR = ".tmp"
CACHE_DIR = ".cache"
INDEX = "index.html"

# Seconds: one cell may run this long; the kernel must start within START_TIMEOUT.
CELL_TIMEOUT = 600
START_TIMEOUT = 120

# Words that make a parameter key look like it holds a secret.
_SECRET_WORDS = frozenset(
    {
        "secret",
        "secrets",
        "password",
        "passwd",
        "passphrase",
        "credential",
        "credentials",
        "apikey",
        "token",
        "bearer",
        "auth",
        "authorization",
        "private",
    }
)
# Values shaped like API keys of the common providers, whatever their key.
_SECRET_VALUE = re.compile(
    r"^(sk|pk|rk|hf|gh[pousr]|xox[abp])[-_][A-Za-z0-9_-]{12,}$|^AKIA[0-9A-Z]{16}$"
)
_ENV_NAME = re.compile(r"^[A-Z_][A-Z0-9_]*$")
_SECRET_ENV = re.compile(r"(API_?KEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL)", re.IGNORECASE)


# --------------------------------------------------------------------------- parameters


@dataclass(frozen=True)
class BriefParams:
    """The parameters of one brief, as read from a parameter file.

    Attributes:
        organisation: who the brief is for (shown in the headline and the index).
        as_of: the date every price, score and rate is taken at.
        title: the brief's title.
        scenario: the scenario mapping (the shape :mod:`analysis.scenario` loads).
        options: brief options (see :data:`analysis.memo.OPTIONS`).
        source: the parameter file, when read from one.
    """

    organisation: str
    as_of: date
    title: str
    scenario: dict[str, Any]
    options: dict[str, Any] = field(default_factory=dict)
    source: Path | None = None

    @property
    def slug(self) -> str:
        """The organisation as a file-name slug: lower case, ``a-z0-9`` and ``-``."""
        return slugify(self.organisation)

    @property
    def stem(self) -> str:
        """``<slug>-<as-of>``: the name of the brief's files."""
        return f"{self.slug}-{self.as_of.isoformat()}"

    def notebook_parameters(self) -> dict[str, Any]:
        """The values injected into the notebook's ``parameters`` cell (JSON types only)."""
        return {
            "organisation": self.organisation,
            "as_of": self.as_of.isoformat(),
            "title": self.title,
            "scenario": to_plain(self.scenario),
            "brief": to_plain(self.options),
            "params_file": self.source_label,
        }

    def to_scenario(self) -> Scenario:
        """The scenario of these parameters, dated ``as_of`` (nothing looked up yet).

        Raises:
            BriefError: the scenario is invalid (the message names the file and the key).
        """
        from analysis import memo

        return memo.check_scenario(self.scenario, str(self.source or "parameters"), self.as_of)

    @property
    def source_label(self) -> str:
        """The parameter file as shown in a brief: relative to the project, else its name.

        A brief travels by e-mail, so it does not carry the full local path.
        """
        if self.source is None:
            return ""
        try:
            return str(self.source.relative_to(config.PROJECT_ROOT))
        except ValueError:
            return self.source.name


def slugify(text: str) -> str:
    """A file-name slug: ``"Bank of X (EU)"`` -> ``"bank-of-x-eu"``; ``"brief"`` if empty."""
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug[:60].rstrip("-") or "brief"


def _looks_secret_key(key: str) -> bool:
    words = [w for w in re.split(r"[^a-z0-9]+", key.lower()) if w]
    if any(w in _SECRET_WORDS for w in words):
        return True
    joined = "".join(words)
    return "apikey" in joined or "accesskey" in joined or "secretkey" in joined


def check_no_secrets(mapping: Mapping[str, Any], where: str, prefix: str = "") -> None:
    """Refuse parameters that carry a secret.

    Secrets come from environment variables only, never from a parameter file
    or ``-p``: papermill writes every parameter into the executed notebook. A
    key such as ``api_key_env`` may name the environment variable to read.

    Args:
        mapping: the parameters.
        where: the file (or ``-p``) the parameters came from, for the message.
        prefix: dotted path of ``mapping`` inside the file.

    Raises:
        BriefError: a secret-looking key holds a value, or a value looks like an API key.
    """
    for key, value in mapping.items():
        dotted = f"{prefix}{key}"
        if isinstance(value, Mapping):
            check_no_secrets(value, where, f"{dotted}.")
            continue
        if isinstance(value, str) and _SECRET_VALUE.match(value.strip()):
            raise BriefError(
                f"{where}: {dotted} looks like an API key; secrets are read from environment "
                "variables only and never written into a parameter file"
            )
        if not _looks_secret_key(str(key)) or value in (None, "", False):
            continue
        if str(key).lower().endswith("_env") and isinstance(value, str) and _ENV_NAME.match(value):
            continue  # names the environment variable that holds the secret
        raise BriefError(
            f"{where}: {dotted} looks like a secret; put it in an environment variable and "
            f"name that variable instead (e.g. {key}_env: MY_API_KEY)"
        )


def _parse_date(value: object, where: str, key: str) -> date:
    """A parameter file's date; ``today`` is the one place "now" enters a brief."""
    try:
        return parse_date(value, key, allow_today=True)
    except DateError:
        raise BriefError(
            f"{where}: {key} = {value!r} is not a date; write it as YYYY-MM-DD (or today)"
        ) from None


def _yaml_value(text: str) -> Any:
    """A command-line value read as YAML: ``5e7`` and ``2.5`` are numbers, ``true`` a flag,
    ``[a, b]`` a list, ``{k: v}`` a mapping, anything else (``Board pack: Q3``) text."""
    import yaml

    try:
        value = yaml.safe_load(text)
    except yaml.YAMLError:
        return text
    if isinstance(value, dict) and not text.lstrip().startswith("{"):
        return text
    if isinstance(value, str):
        for kind in (int, float):
            with contextlib.suppress(ValueError):
                number = kind(value.strip())
                if math.isfinite(number):
                    return number
    return value


def apply_override(mapping: dict[str, Any], key: str, raw: str, where: str) -> None:
    """Set ``key`` (dotted, e.g. ``scenario.workload.tokens_per_day``) to ``raw`` parsed as YAML.

    Args:
        mapping: the parameters, changed in place.
        key: the dotted key.
        raw: the value as typed on the command line (``5e7``, ``true``, ``[a, b]``, text).
        where: the parameter file, for the message.

    Raises:
        BriefError: the key is empty, or descends into a value that is not a mapping.
    """
    parts = [p for p in key.split(".")]
    if not key or any(not p for p in parts):
        raise BriefError(f"-p {key!r}: a key is dotted names, e.g. scenario.horizon_months")
    if parts[0] not in TOP_LEVEL_KEYS:
        raise BriefError(
            f"-p {key}: unknown key {parts[0]!r} for {where}; known: {', '.join(TOP_LEVEL_KEYS)}"
        )
    node = mapping
    for i, part in enumerate(parts[:-1]):
        child = node.get(part)
        if child is None:
            child = node[part] = {}
        if not isinstance(child, dict):
            above = ".".join(parts[: i + 1])
            raise BriefError(f"-p {key}: {above} in {where} is a value, not a section")
        node = child
    node[parts[-1]] = _yaml_value(raw)


def load_params(
    path: str | Path,
    overrides: Sequence[tuple[str, str]] = (),
) -> BriefParams:
    """Read a brief parameter file and apply ``-p KEY VALUE`` overrides.

    The file holds ``organisation``, ``as_of``, optional ``title``, a
    ``scenario`` mapping and optional ``brief`` options. Nothing else.

    Args:
        path: the YAML file.
        overrides: ``(dotted key, value)`` pairs from the command line.

    Returns:
        The checked parameters.

    Raises:
        BriefError: the file is missing or not YAML, a key is unknown, a value
            is invalid, or a parameter looks like a secret. The message names
            the file and the key.
    """
    import yaml

    from analysis import memo
    from analysis.scenario import yaml_key_lines

    path = Path(path)
    where = str(path)
    try:
        text = path.read_text(encoding="utf-8")
        raw = yaml.safe_load(text)
        lines = yaml_key_lines(yaml.compose(text, Loader=yaml.SafeLoader))
    except FileNotFoundError as exc:
        raise BriefError(f"{where}: no such parameter file") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" line {mark.line + 1}" if mark is not None else ""
        raise BriefError(
            f"{where}:{line} is not valid YAML: {getattr(exc, 'problem', exc)}"
        ) from exc
    if not isinstance(raw, dict):
        raise BriefError(f"{where}: expected a mapping of {', '.join(TOP_LEVEL_KEYS)}")
    data: dict[str, Any] = copy.deepcopy(raw)
    for key in data:
        if key not in TOP_LEVEL_KEYS:
            line = f", line {lines[str(key)]}" if str(key) in lines else ""
            raise BriefError(
                f"{where}{line}: unknown key {key!r}; a brief parameter file has "
                f"{', '.join(TOP_LEVEL_KEYS)}"
            )
    check_no_secrets(data, where)
    for key, value in overrides:
        apply_override(data, key, value, where)
    if overrides:
        check_no_secrets(data, f"{where} with -p")

    organisation = data.get("organisation")
    if not isinstance(organisation, str) or not organisation.strip():
        raise BriefError(f"{where}: organisation must be a non-empty text")
    if "as_of" not in data:
        raise BriefError(f"{where}: as_of is missing; give the date as YYYY-MM-DD")
    as_of = _parse_date(data["as_of"], where, "as_of")
    title = data.get("title") or f"AI model strategy: {organisation.strip()}"
    if not isinstance(title, str):
        raise BriefError(f"{where}: title must be text, not {title!r}")
    scenario = data.get("scenario")
    if not isinstance(scenario, dict):
        raise BriefError(f"{where}: scenario must be a mapping (workload, models, hardware, ...)")
    options = data.get("brief") or {}
    if not isinstance(options, dict):
        raise BriefError(f"{where}: brief must be a mapping of options")
    options = memo.check_options(options, where)
    prefix = "scenario."
    memo.check_scenario(
        scenario,
        where,
        as_of,
        {k[len(prefix) :]: v for k, v in lines.items() if k.startswith(prefix)},
    )
    return BriefParams(
        organisation=organisation.strip(),
        as_of=as_of,
        title=title.strip(),
        scenario=scenario,
        options=options,
        source=path.resolve(),
    )


# --------------------------------------------------------------------------- files and locks


def file_lock(path: Path, timeout: float = 900.0) -> contextlib.AbstractContextManager[None]:
    """Hold an exclusive lock on ``path`` (created if missing) for the block.

    Args:
        path: the lock file.
        timeout: seconds to wait for another holder before giving up.

    Raises:
        BriefError: the lock was not obtained within ``timeout`` seconds.
    """
    return exclusive_lock(
        path,
        timeout=timeout,
        poll_s=0.2,
        timeout_error=lambda: BriefError(
            f"{path} is held by another brief run for over {timeout:.0f} s; wait for it to finish"
        ),
    )


def _secret_values() -> dict[str, str]:
    """Environment variables that hold secrets (by name), with values long enough to search for."""
    return {
        name: value
        for name, value in os.environ.items()
        if _SECRET_ENV.search(name) and len(value.strip()) >= 8
    }


def find_secrets(text: str) -> list[str]:
    """Names of the secret environment variables whose values occur in ``text``."""
    return sorted(name for name, value in _secret_values().items() if value.strip() in text)


# --------------------------------------------------------------------------- execution


def _kernel_pythonpath() -> str:
    """PYTHONPATH for the kernel: this package's folder first, so it imports the same code."""
    root = str(Path(__file__).resolve().parent.parent)
    rest = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p and p != root]
    return os.pathsep.join([root, *rest])


def kernel_manager_class(socket_dir: Path) -> type:
    """A kernel manager that always starts ``sys.executable -m ipykernel_launcher``.

    A brief must run on the toolkit's own Python. Looking up the ``python3``
    kernelspec could find one of another installation (a user-level spec
    comes first), so the spec is fixed here instead. The kernel talks over
    Unix sockets in ``socket_dir`` (private to one run, so concurrent runs
    never pick the same socket names), not over TCP ports.
    """
    from jupyter_client import AsyncKernelManager
    from jupyter_client.kernelspec import KernelSpec
    from traitlets import CaselessStrEnum

    from analysis import memo

    class ToolkitKernelManager(AsyncKernelManager):
        # Unix sockets rather than TCP ports: nothing listens on the network.
        transport = CaselessStrEnum(["tcp", "ipc"], default_value="ipc", config=True)

        def __init__(self, **kwargs: Any) -> None:
            super().__init__(**kwargs)
            self.ip = str(socket_dir / "kernel")

        @property
        def kernel_spec(self) -> KernelSpec:
            if self._kernel_spec is None:
                self._kernel_spec = KernelSpec(
                    argv=[sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                    display_name="Python (toolkit)",
                    language="python",
                    env={memo.RENDER_ENV: "1", "PYTHONPATH": _kernel_pythonpath()},
                    resource_dir="",
                )
            return self._kernel_spec

    return ToolkitKernelManager


def _failed_section(notebook_path: Path) -> tuple[str, str, str]:
    """The section, error name and message of the first failing cell of a notebook."""
    import nbformat

    try:
        nb = nbformat.read(notebook_path, as_version=4)
    except Exception:  # an unreadable notebook: report what we can
        return ("unknown section", "", "")
    for index, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                section = cell.get("metadata", {}).get("brief_section")
                if not section:
                    first = next((s for s in cell.source.splitlines() if s.strip()), "")
                    section = f"cell {index} ({first.strip()[:60]})"
                return (section, output.get("ename", ""), output.get("evalue", ""))
    return ("unknown section", "", "")


def _short(message: str, limit: int = 600) -> str:
    message = re.sub(r"\x1b\[[0-9;]*m", "", message).strip()
    return message if len(message) <= limit else message[: limit - 1] + "…"


def execute(
    params: BriefParams,
    output: Path,
    notebook: Path | None = None,
) -> dict[str, float]:
    """Run the brief notebook with ``params``, writing the executed notebook to ``output``.

    Args:
        params: the brief's parameters.
        output: where papermill writes the executed notebook (also on failure).
        notebook: the notebook to run; default :data:`NOTEBOOK`.

    Returns:
        Seconds: ``execute`` (wall time), ``cells`` (sum of cell run times) and
        ``startup`` (the rest: kernel start-up and notebook I/O).

    Raises:
        BriefError: a cell failed (naming its section) or the kernel could not run.
    """
    import papermill
    from papermill.exceptions import PapermillExecutionError

    source = Path(notebook) if notebook else NOTEBOOK
    if not source.is_file():
        raise BriefError(f"the brief notebook {source} is missing")
    started = time.perf_counter()
    # A short path: a Unix socket path must stay under ~100 characters.
    socket_dir = Path(tempfile.mkdtemp(prefix="aistrat-kernel-"))
    try:
        nb = papermill.execute_notebook(
            str(source),
            str(output),
            parameters=params.notebook_parameters(),
            kernel_name="python3",
            language="python",
            progress_bar=False,
            log_output=False,
            start_timeout=START_TIMEOUT,
            execution_timeout=CELL_TIMEOUT,
            kernel_manager_class=kernel_manager_class(socket_dir),
        )
    except PapermillExecutionError as exc:
        section, ename, evalue = _failed_section(output)
        raise BriefError(
            f"the brief failed in section '{section}': "
            f"{_short(f'{ename or exc.ename}: {evalue or exc.evalue}')}"
        ) from None
    except Exception as exc:  # kernel died, timed out, or could not start
        raise BriefError(
            f"the brief notebook could not run: {type(exc).__name__}: {_short(str(exc))}"
        ) from None
    finally:
        shutil.rmtree(socket_dir, ignore_errors=True)
    wall = time.perf_counter() - started
    cells = sum(float(c.metadata.get("papermill", {}).get("duration") or 0.0) for c in nb.cells)
    return {"execute": wall, "cells": cells, "startup": max(wall - cells, 0.0)}


# --------------------------------------------------------------------------- export


def _css() -> str:
    return (Path(__file__).parent / "assets" / "brief.css").read_text(encoding="utf-8")


def _memo_notebook(nb: NotebookNode) -> NotebookNode:
    """A copy of ``nb`` with only what a reader should see.

    Keeps rich display outputs (their ``text/html``); drops code, stream
    output (warnings, logs), error cells and cells tagged ``notebook-only``.
    """
    keep = copy.deepcopy(nb)
    cells = []
    for cell in keep.cells:
        if "notebook-only" in cell.get("metadata", {}).get("tags", []):
            continue
        if cell.cell_type == "code":
            outputs = []
            for out in cell.get("outputs", []):
                if out.get("output_type") in ("display_data", "execute_result"):
                    data = out.get("data", {})
                    if "text/html" in data:
                        out["data"] = {"text/html": data["text/html"]}
                        out["metadata"] = {}
                        outputs.append(out)
            cell["outputs"] = outputs
            if not outputs:
                continue
        elif cell.cell_type != "markdown":
            continue
        cells.append(cell)
    keep.cells = cells
    return keep


def export_html(
    nb: NotebookNode,
    params: BriefParams,
    generated: datetime | None = None,
    bundle_cache: Path | None = None,
) -> str:
    """The executed notebook as a self-contained memo page.

    Args:
        nb: the executed notebook (an nbformat node).
        params: the brief's parameters (for the title and the index metadata).
        generated: when the brief was rendered; default now (UTC).
        bundle_cache: a folder to keep the Vega bundle in between runs.

    Returns:
        The HTML document: code, prompts and streams hidden, the Vega
        JavaScript inlined once, no reference to any other host.

    Raises:
        BriefError: the page would load something over the network.
    """
    from nbconvert import HTMLExporter

    from analysis import html

    exporter = HTMLExporter(
        template_name="basic",
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        anchor_link_text="",
    )
    body, _ = exporter.from_notebook_node(_memo_notebook(nb))
    generated = generated or datetime.now(UTC)
    document = html.page(
        params.title,
        f'<main class="memo">\n{body}\n</main>',
        meta={
            "brief:organisation": params.organisation,
            "brief:as-of": params.as_of.isoformat(),
            "brief:title": params.title,
            "brief:generated": generated.strftime("%Y-%m-%dT%H:%M:%SZ"),
        },
        css=_css(),
        bundle_cache=bundle_cache,
    )
    remote = html.remote_references(document)
    if remote:
        raise BriefError(f"the brief would load from the network: {', '.join(remote[:5])}")
    return document


# --------------------------------------------------------------------------- render


@dataclass(frozen=True)
class RenderResult:
    """What one successful render wrote.

    Attributes:
        html: the brief.
        notebook: the executed notebook beside it.
        seconds: timings (``execute``, ``cells``, ``startup``, ``export``, ``total``).
    """

    html: Path
    notebook: Path
    seconds: dict[str, float]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (paths as text, seconds rounded to ms)."""
        return {
            "html": str(self.html),
            "notebook": str(self.notebook),
            "seconds": {k: round(v, 3) for k, v in self.seconds.items()},
        }


def render(
    params: BriefParams | str | Path,
    out_dir: str | Path | None = None,
    *,
    notebook: str | Path | None = None,
    update_index: bool = True,
) -> RenderResult:
    """Render one brief: execute the notebook, export the memo, write both atomically.

    Args:
        params: the parameters, or a parameter file to load.
        out_dir: where to write; default :func:`analysis.config.reports_dir`.
        notebook: the notebook to run; default :data:`NOTEBOOK`.
        update_index: regenerate ``index.html`` afterwards.

    Returns:
        The paths written and the timings.

    Raises:
        BriefError: the run failed. The last good brief is left as it was, and
            the executed notebook is kept as ``failed/<slug>-<as-of>.FAILED.ipynb``.
    """
    import nbformat

    started = time.perf_counter()
    if not isinstance(params, BriefParams):
        params = load_params(params)
    out = Path(out_dir).resolve() if out_dir else config.reports_dir()
    (out / TMP_DIR).mkdir(parents=True, exist_ok=True)
    html_path = out / f"{params.stem}.html"
    nb_path = out / f"{params.stem}.ipynb"
    failed_path = out / FAILED_DIR / f"{params.stem}.FAILED.ipynb"
    label = params.source.name if params.source else params.stem

    _remove_stale_temporaries(out / TMP_DIR)
    with file_lock(out / LOCK_DIR / f"{params.stem}.lock"):
        fd, tmp_name = tempfile.mkstemp(
            prefix=f"{params.stem}.", suffix=".ipynb", dir=out / TMP_DIR
        )
        os.close(fd)
        tmp_nb = Path(tmp_name)
        try:
            try:
                seconds = execute(params, tmp_nb, notebook=Path(notebook) if notebook else None)
            except BriefError as exc:
                kept = _keep_failed(tmp_nb, failed_path)
                where = f"; the executed notebook is kept at {failed_path}" if kept else ""
                raise BriefError(f"{label}: {exc}{where}") from None
            exported = time.perf_counter()
            nb = nbformat.read(tmp_nb, as_version=4)
            document = export_html(nb, params, bundle_cache=out / CACHE_DIR)
            leaked = find_secrets(document) or find_secrets(tmp_nb.read_text(encoding="utf-8"))
            if leaked:
                # Never keep a notebook that holds a secret, not even as a failed run.
                raise BriefError(
                    f"{label}: the value of {', '.join(leaked)} appeared in the brief; "
                    "nothing was written"
                )
            seconds["export"] = time.perf_counter() - exported
            os.chmod(tmp_nb, 0o644)
            # Notebook first, then the brief (itself written through a temporary
            # file): the brief on disk is always a whole one.
            os.replace(tmp_nb, nb_path)
            atomic_write(html_path, document)
            with contextlib.suppress(FileNotFoundError):
                failed_path.unlink()
        finally:
            with contextlib.suppress(FileNotFoundError):
                tmp_nb.unlink()
    if update_index:
        write_index(out)
    seconds["total"] = time.perf_counter() - started
    return RenderResult(html=html_path, notebook=nb_path, seconds=seconds)


def _remove_stale_temporaries(folder: Path, max_age_s: float = 86_400.0) -> None:
    """Delete temporary notebooks left by runs that were killed (older than a day)."""
    cutoff = time.time() - max_age_s
    for path in folder.glob("*.ipynb"):
        with contextlib.suppress(OSError):
            if path.stat().st_mtime < cutoff:
                path.unlink()


def _keep_failed(tmp_nb: Path, failed_path: Path) -> bool:
    if not tmp_nb.is_file() or tmp_nb.stat().st_size == 0:
        return False
    if find_secrets(tmp_nb.read_text(encoding="utf-8", errors="replace")):
        return False
    failed_path.parent.mkdir(parents=True, exist_ok=True)
    os.chmod(tmp_nb, 0o644)
    os.replace(tmp_nb, failed_path)
    return True


@dataclass(frozen=True)
class BatchOutcome:
    """One file of a ``--all`` run: what it wrote, why it failed, or why it was skipped."""

    params_file: Path
    result: RenderResult | None
    error: str | None
    skipped: str | None = None

    @property
    def status(self) -> str:
        """``ok``, ``FAILED`` or ``skipped``."""
        if self.skipped:
            return "skipped"
        return "ok" if self.error is None else "FAILED"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "params_file": str(self.params_file),
            "status": self.status,
            **(self.result.to_dict() if self.result else {}),
            **({"error": self.error} if self.error else {}),
            **({"skipped": self.skipped} if self.skipped else {}),
        }


def scenario_from_file(path: str | Path) -> Scenario:
    """The scenario a file holds: a scenario file, or a brief parameter file's ``scenario``.

    A brief parameter file (a YAML mapping with ``organisation``) is read and
    checked whole (:func:`load_params`); its scenario takes the brief's
    ``as_of``. Any other file is read by :func:`analysis.scenario.load_scenario`.

    Args:
        path: the YAML file.

    Returns:
        The scenario (nothing looked up yet).

    Raises:
        BriefError: a brief parameter file is invalid.
        ScenarioError: a scenario file is missing, not YAML, or invalid.
    """
    import yaml

    from analysis.scenario import MAX_FILE_BYTES, load_scenario

    path = Path(path)
    try:
        small = path.stat().st_size <= MAX_FILE_BYTES
        data = yaml.safe_load(path.read_text(encoding="utf-8")) if small else None
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        data = None  # the scenario reader says what is wrong
    if isinstance(data, dict) and "organisation" in data:
        return load_params(path).to_scenario()
    return load_scenario(path)


def is_brief_params(path: Path) -> bool:
    """Whether a YAML file is a brief parameter file (a mapping with ``organisation``).

    A folder of parameter files may also hold plain scenario files (the shape
    ``python -m analysis tco`` reads); ``--all`` skips those instead of failing.
    A file that cannot be read as YAML counts as a brief file, so that its
    error is reported.
    """
    import yaml

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return True
    return not isinstance(data, dict) or "organisation" in data


def render_all(
    folder: str | Path,
    out_dir: str | Path | None = None,
    overrides: Sequence[tuple[str, str]] = (),
    *,
    notebook: str | Path | None = None,
) -> list[BatchOutcome]:
    """Render every ``*.yaml`` / ``*.yml`` parameter file of ``folder``.

    One failing brief does not stop the others. Files that are not brief
    parameter files (:func:`is_brief_params`) are skipped. The index is
    regenerated once at the end.

    Args:
        folder: the folder of parameter files.
        out_dir: where to write; default :func:`analysis.config.reports_dir`.
        overrides: ``-p`` pairs applied to every file.
        notebook: the notebook to run; default :data:`NOTEBOOK`.

    Returns:
        One outcome per file, in file-name order.

    Raises:
        BriefError: the folder is missing or holds no parameter file.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise BriefError(f"{folder}: no such folder of brief parameter files")
    files = sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")])
    if not files:
        raise BriefError(f"{folder}: no *.yaml parameter files in it")
    out = Path(out_dir).resolve() if out_dir else config.reports_dir()
    outcomes = []
    for path in files:
        if not is_brief_params(path):
            outcomes.append(
                BatchOutcome(path, None, None, "not a brief parameter file (no organisation)")
            )
            continue
        try:
            params = load_params(path, overrides)
            result = render(params, out, notebook=notebook, update_index=False)
            outcomes.append(BatchOutcome(path, result, None))
        except ToolkitError as exc:
            outcomes.append(BatchOutcome(path, None, str(exc)))
    if all(o.skipped for o in outcomes):
        raise BriefError(f"{folder}: no brief parameter files in it (none has organisation)")
    write_index(out)
    return outcomes


# --------------------------------------------------------------------------- index


@dataclass(frozen=True)
class BriefEntry:
    """One brief on disk, as listed by the index."""

    organisation: str
    as_of: str
    title: str
    generated: str
    file: str

    def to_dict(self) -> dict[str, str]:
        """JSON-ready form."""
        return {
            "organisation": self.organisation,
            "as_of": self.as_of,
            "title": self.title,
            "generated": self.generated,
            "file": self.file,
        }


class _MetaReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "meta":
            values = dict(attrs)
            name = values.get("name") or ""
            if name.startswith("brief:"):
                self.meta[name[6:]] = values.get("content") or ""
        elif tag == "body":
            raise StopIteration  # the metadata is all in the head


def list_briefs(out_dir: str | Path | None = None) -> list[BriefEntry]:
    """Every brief in ``out_dir``, newest as-of first within each organisation.

    Args:
        out_dir: the reports folder; default :func:`analysis.config.reports_dir`.

    Returns:
        One entry per ``*.html`` brief that carries brief metadata.
    """
    out = Path(out_dir) if out_dir else config.reports_dir()
    entries = []
    for path in sorted(out.glob("*.html")):
        if path.name == INDEX:
            continue
        reader = _MetaReader()
        try:
            with open(path, encoding="utf-8") as handle:
                reader.feed(handle.read(16384))  # the head is at the start
        except StopIteration:
            pass
        except OSError:
            continue
        if "organisation" not in reader.meta:
            continue
        m = reader.meta
        entries.append(
            BriefEntry(
                m["organisation"],
                m.get("as-of", ""),
                m.get("title", ""),
                m.get("generated", ""),
                path.name,
            )
        )
    entries.sort(key=lambda e: e.as_of, reverse=True)
    entries.sort(key=lambda e: e.organisation.lower())
    return entries


def write_index(out_dir: str | Path | None = None) -> Path:
    """Regenerate ``index.html``, listing every brief, atomically and under a lock.

    Args:
        out_dir: the reports folder; default :func:`analysis.config.reports_dir`.

    Returns:
        The index path.
    """
    from urllib.parse import quote

    from analysis import html

    out = Path(out_dir) if out_dir else config.reports_dir()
    out.mkdir(parents=True, exist_ok=True)
    with file_lock(out / LOCK_DIR / "index.lock"):
        entries = list_briefs(out)
        rows = "".join(
            f"<tr><td>{html.escape(e.organisation)}</td><td>{html.escape(e.as_of)}</td>"
            f'<td><a href="{html.escape(quote(e.file))}">{html.escape(e.title or e.file)}</a></td>'
            f"<td>{html.escape(e.generated.replace('T', ' ').rstrip('Z'))} UTC</td></tr>"
            for e in entries
        )
        body = (
            '<main class="memo index"><h1>Executive briefs</h1>'
            f'<p class="lead">{len(entries)} brief(s) in this folder. Each opens offline.</p>'
            '<table class="data"><thead><tr><th>Organisation</th><th>As of</th>'
            "<th>Brief</th><th>Rendered</th></tr></thead>"
            f"<tbody>{rows}</tbody></table></main>"
        )
        path = out / INDEX
        atomic_write(path, html.page("Executive briefs", body, css=_css()))
    return path
