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


def build_gap_claims(ref: Path) -> list[Row]:
    """The gap_claims table."""
    out: list[Row] = []
    for g in read_csv(ref / "benchmarks" / "open_closed_gap_claims.csv"):
        low, high, fig_note = GAP_FIGURES[g["claim_id"]]
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
                "uncertainty": g["uncertainty"],
                "url": g["url"],
                "source": f"{g['url']} (quoted from a stored copy of the page; reference "
                "benchmarks/open_closed_gap_claims.csv)",
                "notes": join_notes(
                    f"figures: {fig_note}",
                    "authors not captured in the reference" if not authors else "",
                    g["notes"],
                ),
            }
        )
    out.sort(key=lambda r: r["claim_id"])
    return out
