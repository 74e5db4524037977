"""AI strategy toolkit: sourced data, TCO, gap analysis, live probes and executive briefs."""

from __future__ import annotations

__version__ = "0.1.0"
