"""The gap_claims table."""

from __future__ import annotations

from pathlib import Path

from .common import Row, join_notes, num, read_csv

# ---------------------------------------------------------------------------
# Gap claims
# ---------------------------------------------------------------------------

# The claim's figures, read by hand from its verbatim text or the reference's
# lag_estimate: (lag_months, lag_months_high, extra note).
GAP_FIGURES = {
    "epoch-2024-11-report": ("12", "", "'about one year' / lag_estimate 'about 12' months"),
    "epoch-2025-10-data-insight": (
        "3.5",
        "",
        "headline says 'an average of 3 months'; the page's measured average is 3.5 months "
        "(90% CI 1.1-5.3), used here",
    ),
    "epoch-2026-05-data-insight": ("4", "", "'an average of four months'"),
    "lesswrong-2026-05": (
        "8",
        "10",
        "private benchmarks 8-10 months (headline figures); public benchmarks 4-6 months in the "
        "same claim",
    ),
}


# The gap in index points and the window each claim measures over, read from its text:
# claim_id -> (gap_points, unit, headline lag months, window_start, window_end, note).
GAP_WINDOWS = {
    "epoch-2024-11-report": (
        "",
        "",
        "12",
        "2018",
        "2024-11",
        "window as the report's figures span",
    ),
    "epoch-2025-10-data-insight": (
        "7",
        "ECI points",
        "3",
        "2023-01",
        "2025-10",
        "'an average ECI gap of around 7 points' (90% CI 0-14); window 'January 2023 to October "
        "2025'",
    ),
    "epoch-2026-05-data-insight": (
        "8",
        "ECI points",
        "4",
        "2026-01-01",
        "2026-05-28",
        "'The average ECI gap was 8 points, similar to the gap between GPT-5 and GPT-5.5'; window "
        "'Since January 2026' to the page's data cut (reference period 2026-01-01 to "
        "2026-05-28); a "
        "secondary write-up quotes a 90% CI of 7-11 points that the page text seen does not show",
    ),
    "lesswrong-2026-05": (
        "",
        "",
        "8",
        "2023",
        "2026-05",
        "private-benchmark figure; 4-6 months public",
    ),
}


def build_gap_claims(ref: Path) -> list[Row]:
    """The gap_claims table."""
    out: list[Row] = []
    for g in read_csv(ref / "benchmarks" / "open_closed_gap_claims.csv"):
        low, high, fig_note = GAP_FIGURES[g["claim_id"]]
        points, unit, headline, start, end, window_note = GAP_WINDOWS[g["claim_id"]]
        authors = "" if g["authors"].strip().lower() == "not captured" else g["authors"]
        out.append(
            {
                "claim_id": g["claim_id"],
                "publisher": g["publisher"],
                "title": g["title"],
                "published_date": g["published_date"],
                "authors": authors,
                "metric": g["metric"],
                "period_covered": g["period_covered"],
                "claim_verbatim": g["headline_claim_verbatim"],
                "lag_months": num(low),
                "lag_months_high": num(high),
                "headline_lag_months": num(headline),
                "gap_points": num(points),
                "gap_points_unit": unit,
                "window_start": start,
                "window_end": end,
                "uncertainty": g["uncertainty"],
                "url": g["url"],
                "source": f"{g['url']} (quoted from a stored copy of the page; reference "
                "benchmarks/open_closed_gap_claims.csv)",
                "notes": join_notes(
                    f"figures: {fig_note}",
                    f"gap/window: {window_note}",
                    "authors not captured in the reference" if not authors else "",
                    g["notes"],
                ),
            }
        )
    out.sort(key=lambda r: r["claim_id"])
    return out
