"""The toolkit's own exceptions.

Every error a strategist can meet is one of these, with a message that says
what is wrong and what to do about it. The CLI and the notebook panels show
the message and never a traceback.
"""

from __future__ import annotations

from collections.abc import Sequence


class ToolkitError(Exception):
    """Base class of every error raised on purpose by the toolkit."""


class DataValidationError(ToolkitError):
    """One or more problems in the dataset files.

    Attributes:
        problems: every problem found, each ``datasets/FILE.csv:LINE: column: what (value)``.
    """

    def __init__(self, problems: Sequence[str]):
        self.problems = list(problems)
        head = f"{len(self.problems)} problem(s) in the datasets:"
        super().__init__("\n".join([head, *self.problems]))


class WarehouseError(ToolkitError):
    """The warehouse database cannot be built, opened or queried."""


class ScenarioError(ToolkitError, ValueError):
    """A scenario parameter is invalid.

    Attributes:
        parameter: the parameter's name, as in the scenario file.
        value: the offending value.
    """

    def __init__(self, parameter: str, value: object, problem: str):
        self.parameter = parameter
        self.value = value
        super().__init__(f"{parameter} = {value!r}: {problem}")


class DateError(ScenarioError):
    """A date parameter or cell could not be read as ``YYYY-MM-DD``."""


class PriceNotFoundError(ScenarioError):
    """No price is in force for a model on the requested date."""


class ModelDoesNotFitError(ScenarioError):
    """The model cannot be held by the chosen GPU, even at the smallest precision."""


class RefreshError(ToolkitError):
    """A price feed could not be fetched or was rejected; nothing was changed."""


class GapError(ToolkitError, ValueError):
    """A gap analysis cannot be computed from the data selected."""


class ChartError(ToolkitError, ValueError):
    """A chart cannot be drawn from the table given (missing column, bad value)."""


class ProbeError(ToolkitError):
    """A probe of an inference server could not run."""


class ProbeConfigError(ProbeError, ValueError):
    """A probe option is invalid (URL, concurrency, request count, …)."""


class BriefError(ToolkitError):
    """An executive brief could not be rendered."""
