"""Interactive ipywidgets panels over the ``analysis`` package.

- :class:`widgets.tco.TCOExplorer`: closed API against a self-hosted open model.
- :class:`widgets.gap.GapExplorer`: the open-vs-closed gap and the claim check.
- :class:`widgets.hybrid.HybridDesigner`: task classes routed to the cheapest good option.
- :class:`widgets.scorecard.ScorecardPanel`: the five strategic factors, weighted.
- :class:`widgets.probe.ProbeRunner`: load-test an inference server; hand its speed to the TCO.

Importing the package loads nothing heavy; each panel imports what it needs.
"""
