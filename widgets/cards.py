"""KPI cards and message boxes: the headline numbers of a panel, as escaped HTML.

A card is a label, a value already formatted for reading, and an optional
detail line (where the number comes from, or what it rests on). Every piece of
text goes through :func:`html.escape`: model names, providers and notes come
from data files and servers, which are not trusted.

Cards take :class:`Card` or anything with the same attributes, such as the
brief's :class:`analysis.memo.Kpi`, so a panel can show a brief section's KPIs.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from analysis.memo import Kpi

#: The style sheet of every panel (class names below); shown once per panel.
PANEL_CSS = """
.aistrat-panel { font-size: 13px; color: #111827; line-height: 1.4; }
.aistrat-panel .widget-html-content { line-height: 1.4; }
.aistrat-panel .panel-title { font-size: 17px; font-weight: 600; margin: 2px 0 2px 0; }
.aistrat-panel .panel-lead { color: #374151; margin: 0 0 6px 0; max-width: 60em; }
.aistrat-panel .kpi-row { display: flex; flex-wrap: wrap; gap: 10px; margin: 6px 0 10px 0; }
.aistrat-panel .kpi-card { flex: 1 1 140px; min-width: 140px; max-width: 240px;
  padding: 8px 12px; border: 1px solid #e5e7eb; border-left: 4px solid #6b7280;
  border-radius: 6px; background: #ffffff; }
.aistrat-panel .kpi-card.tone-good { border-left-color: #15803d; }
.aistrat-panel .kpi-card.tone-bad { border-left-color: #b91c1c; }
.aistrat-panel .kpi-card.tone-accent { border-left-color: #1d4ed8; }
.aistrat-panel .kpi-label { font-size: 12px; color: #4b5563; line-height: 1.3; }
.aistrat-panel .kpi-value { font-size: 20px; font-weight: 600; line-height: 1.3;
  overflow-wrap: break-word; }
.aistrat-panel .kpi-detail { font-size: 11px; color: #6b7280; line-height: 1.3; }
.aistrat-panel .panel-message { border-left: 4px solid #b91c1c; background: #fef2f2;
  padding: 8px 12px; border-radius: 4px; margin: 6px 0; max-width: 60em; }
.aistrat-panel .panel-message.kind-info { border-left-color: #1d4ed8; background: #eff6ff; }
.aistrat-panel .panel-message.kind-note { border-left-color: #b45309; background: #fffbeb; }
.aistrat-panel .panel-note { font-size: 11px; color: #6b7280; max-width: 70em; margin: 2px 0; }
.aistrat-panel table { border-collapse: collapse; font-size: 12px; margin: 4px 0; }
.aistrat-panel th { text-align: left; padding: 3px 10px; border-bottom: 1px solid #d1d5db; }
.aistrat-panel td { padding: 3px 10px; border-bottom: 1px solid #f3f4f6; }
.aistrat-panel td.num, .aistrat-panel th.num { text-align: right; }
.aistrat-panel caption { text-align: left; font-weight: 600; padding: 4px 0; }
.aistrat-panel .widget-label { min-width: 13em; }
"""

_TONES = ("neutral", "good", "bad", "accent")


@dataclass(frozen=True)
class Card:
    """One KPI card.

    Attributes:
        label: what the number is, with its unit (e.g. ``"API, USD per month"``).
        value: the number as it should read (e.g. ``"$12,400"``).
        detail: a short line under the value: basis, source or date.
        tone: ``"neutral"``, ``"good"``, ``"bad"`` or ``"accent"`` (the border colour).
    """

    label: str
    value: str
    detail: str = ""
    tone: str = "neutral"


def card_html(card: Card | Kpi) -> str:
    """The HTML of one card, every text escaped.

    Args:
        card: a :class:`Card`, or a brief's :class:`analysis.memo.Kpi` (no tone).

    Returns:
        A ``<div class="kpi-card">`` element.
    """
    tone = getattr(card, "tone", "neutral")
    tone = tone if tone in _TONES else "neutral"
    detail = getattr(card, "detail", "")
    detail_html = f'<div class="kpi-detail">{html.escape(str(detail))}</div>' if detail else ""
    return (
        f'<div class="kpi-card tone-{tone}">'
        f'<div class="kpi-label">{html.escape(str(card.label))}</div>'
        f'<div class="kpi-value">{html.escape(str(card.value))}</div>'
        f"{detail_html}</div>"
    )


def cards_html(cards: Iterable[Card | Kpi]) -> str:
    """A wrapping row of cards.

    Args:
        cards: the cards, in reading order.

    Returns:
        A ``<div class="kpi-row">`` element holding one element per card.
    """
    return f'<div class="kpi-row">{"".join(card_html(c) for c in cards)}</div>'


def message_html(text: str, *, kind: str = "error") -> str:
    """A message box (an error or a notice), escaped; line breaks are kept.

    Args:
        text: the message.
        kind: ``"error"`` (red), ``"info"`` (blue) or ``"note"`` (amber: a caveat
            about what is shown, e.g. stale data).

    Returns:
        A ``<div class="panel-message">`` element, or ``""`` when ``text`` is empty.
    """
    if not text:
        return ""
    kind = kind if kind in ("info", "note") else "error"
    body = html.escape(text).replace("\n", "<br>")
    return f'<div class="panel-message kind-{kind}" role="alert">{body}</div>'


def note_html(lines: Iterable[str]) -> str:
    """Small print under a chart or table (sources, caveats), escaped.

    Args:
        lines: one paragraph each; empty lines are skipped.

    Returns:
        ``<p class="panel-note">`` elements, or ``""``.
    """
    return "".join(f'<p class="panel-note">{html.escape(str(t))}</p>' for t in lines if t)
