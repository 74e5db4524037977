"""Interactive ipywidgets panels over the ``analysis`` package."""
