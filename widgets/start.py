"""The start page: what the toolkit's data covers, and which notebook answers what.

:func:`overview` reads :func:`analysis.warehouse.summary` (building the
warehouse first if needed) and shows it as KPI cards with the date range of
every table, so a reader sees at once how current the numbers are.
"""

from __future__ import annotations

from typing import Any

from widgets.cards import PANEL_CSS, Card, cards_html, message_html, note_html

#: The notebooks, in reading order, with the question each answers.
NOTEBOOKS = (
    (
        "01_open_vs_closed_gap.ipynb",
        "How far do open-weight models trail closed ones, and "
        "do published claims about the lag hold up?",
    ),
    (
        "02_tco_explorer.ipynb",
        "At our volume, is a closed model's API or a self-hosted open "
        "model cheaper, and where is the break-even?",
    ),
    (
        "03_hybrid_stack.ipynb",
        "Which tasks can go to the open model without dropping below "
        "our quality floor, and what does the split cost?",
    ),
    (
        "04_live_probe.ipynb",
        "How fast is our own inference server under load, and what does "
        "that throughput mean for the cost?",
    ),
    (
        "05_strategic_scorecard.ipynb",
        "Beyond cost: how do the options rate on sovereignty, "
        "compliance, customisation, latency and cost predictability?",
    ),
)


def overview_html(summary: dict[str, Any]) -> str:
    """The start page's HTML from a warehouse summary, every data text escaped.

    Args:
        summary: what :func:`analysis.warehouse.summary` returns.

    Returns:
        Trusted HTML: the style sheet, KPI cards, a table of notebooks and date notes.
    """
    import html
    from datetime import date

    from analysis.freshness import DataDates, staleness

    tables = summary.get("tables", {})
    today = summary.get("today") or date.today()
    through = {t: i.get("data_through") for t, i in tables.items() if i.get("as_of_column")}
    stale = staleness(DataDates(today, through)).note("the toolkit's comparisons")

    def rows(name: str) -> str:
        return f"{tables.get(name, {}).get('rows', 0):,}"

    cards = [
        Card("Models (open and closed)", rows("models"), "models table"),
        Card(
            "API prices in force",
            f"{summary.get('prices_in_force', 0):,}",
            f"newest price from {summary.get('newest_price_date') or 'n/a'}",
        ),
        Card(
            "Benchmark scores",
            rows("benchmark_scores"),
            f"published, each with its source; data through {through.get('benchmark_scores')}",
        ),
        Card("Cloud GPU offers", rows("gpu_cloud_prices"), f"{rows('gpus')} GPU types"),
        Card("Published gap claims", rows("gap_claims"), "checked in notebook 01"),
    ]
    links = "".join(
        f"<tr><td><b>{html.escape(name)}</b></td><td>{html.escape(question)}</td></tr>"
        for name, question in NOTEBOOKS
    )
    dates = [
        f"{name}: {info.get('rows', 0):,} rows, {info['as_of_column']} from "
        f"{info.get('as_of_min')} to {info.get('as_of_max')}; data through "
        f"{info.get('data_through') or 'none yet'} on {today}"
        for name, info in sorted(tables.items())
        if info.get("as_of_column")
    ]
    notes = note_html([f"Warehouse built {summary.get('built_at')}.", *dates])
    return (
        f"<style>{PANEL_CSS}</style><div class='aistrat-panel'>"
        f"{message_html(stale, kind='note')}"
        f"{cards_html(cards)}<table><thead><tr><th>Notebook</th><th>Answers</th></tr></thead>"
        f"<tbody>{links}</tbody></table>"
        f"{notes}</div>"
    )


def overview() -> Any:
    """Display the start page (an ``ipywidgets.HTML``).

    Returns:
        The widget; Jupyter shows it when it is a cell's last value.

    Raises:
        WarehouseError: the warehouse cannot be built or read.
    """
    import ipywidgets as W

    from analysis import warehouse

    return W.HTML(overview_html(warehouse.summary()))
