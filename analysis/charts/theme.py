"""The house theme: one registered Altair theme holds all the style (fonts, colours, sizes).

Builders never set colours or fonts themselves, and their specs are valid with or
without the theme. Categorical colours come from the palette in a fixed order:
open-weight models first, closed second.
"""

from __future__ import annotations

from typing import Any

THEME_NAME = "aistrat"
# Encodings are channel objects (alt.X("f:Q")), never shorthand strings (x="f:Q"): Altair 6
# rebuilds its whole schema-class table for each shorthand, several ms per encoding, which
# the notebook panels pay on every slider move. The specs are the same either way.

# Okabe-Ito palette: distinguishable with the common colour-vision deficiencies.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
FONT = "Helvetica, Arial, 'DejaVu Sans', sans-serif"


def theme() -> dict[str, Any]:
    """The house theme, as an Altair/Vega-Lite theme dict.

    Returns:
        ``{"config": {...}}`` for ``alt.theme.register``.
    """
    return {
        "config": {
            "font": FONT,
            "background": "white",
            "padding": 8,
            "view": {"stroke": None, "continuousWidth": 560, "continuousHeight": 300},
            "title": {
                "anchor": "start",
                "fontSize": 16,
                "fontWeight": "bold",
                "subtitleFontSize": 11,
                "subtitleColor": "#555555",
                "offset": 12,
            },
            "axis": {
                "labelFontSize": 11,
                "titleFontSize": 12,
                "titleFontWeight": "normal",
                "gridColor": "#e9e9e9",
                "domainColor": "#888888",
                "tickColor": "#888888",
                "labelLimit": 260,
            },
            "legend": {
                "orient": "bottom",
                "titleFontSize": 11,
                "labelFontSize": 11,
                "titleFontWeight": "normal",
                "labelLimit": 260,
            },
            "range": {
                "category": PALETTE,
                "ordinal": {"scheme": "blues"},
                # Light ramp: black cell labels stay readable on every shade.
                "heatmap": ["#f2f6fb", "#8fbce0"],
                "ramp": {"scheme": "blues"},
            },
            "line": {"strokeWidth": 2.2, "color": "#555555"},
            "point": {"filled": True, "size": 46},
            "circle": {"size": 46},
            "area": {"opacity": 0.22, "color": "#7f7f7f"},
            "bar": {"cornerRadiusEnd": 2, "color": "#0072B2"},
            "rule": {"color": "#444444", "strokeDash": [4, 3]},
            "text": {"fontSize": 11, "color": "#222222"},
            "rect": {"stroke": "white", "strokeWidth": 1},
        }
    }


def use_theme() -> str:
    """Register the house theme (once) and make it Altair's active theme.

    Call it once per notebook or rendering process, before charts are displayed or
    converted; charts built earlier pick it up too, since the theme is applied when a
    chart is converted to a spec.

    Returns:
        The theme's name, ``"aistrat"``.
    """
    import altair as alt

    if THEME_NAME not in alt.theme.names():
        # Altair's ThemeConfig type has no range schemes ({"scheme": "blues"}), which
        # Vega-Lite accepts; the theme is checked as a spec by the chart tests.
        alt.theme.register(THEME_NAME, enable=False)(theme)  # type: ignore[arg-type]
    alt.theme.enable(THEME_NAME)
    return THEME_NAME
