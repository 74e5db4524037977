"""HTML for the executive briefs: escaping, embedded chart specs, one inlined Vega bundle.

A brief is a single HTML file that must open on a laptop with no network. So:

- every piece of text that comes from data goes through :func:`escape`;
- a chart is a placeholder ``<div>`` plus its Vega-Lite spec in a
  ``<script type="application/json">`` (:func:`chart_placeholder`), with the
  JSON made safe to sit inside a script element (:func:`script_json`);
- the page carries the Vega, Vega-Lite and Vega-Embed JavaScript once, inlined
  from the bundle that vl-convert-python ships, plus one small script that
  draws every placeholder (:func:`page`). Nothing is loaded from another host.
"""

from __future__ import annotations

import functools
import html
import json
import re
from collections.abc import Mapping
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from analysis.errors import BriefError
from analysis.files import atomic_write

# Class names shared by the placeholders, the init script and the browser test.
CHART_CLASS = "vega-chart"
SPEC_CLASS = "vega-spec"

# Draws every chart placeholder with the inlined vegaEmbed. Errors go to the
# console (the offline browser test fails on them) and to the placeholder.
_EMBED_INIT_JS = """
(function () {
  "use strict";
  var nodes = document.querySelectorAll('script.SPEC_CLASS[type="application/json"]');
  Array.prototype.forEach.call(nodes, function (node) {
    var target = document.getElementById(node.getAttribute("data-target"));
    if (!target) { console.error("chart placeholder missing for " + node.id); return; }
    var spec;
    try { spec = JSON.parse(node.textContent); }
    catch (err) { console.error("chart spec unreadable: " + err.message); return; }
    window.vegaEmbed(target, spec, {
      mode: "vega-lite",
      renderer: "svg",
      actions: {export: true, source: false, compiled: false, editor: false},
      downloadFileName: target.id
    }).catch(function (err) {
      target.textContent = "This chart could not be drawn.";
      console.error("chart " + target.id + ": " + err.message);
    });
  });
})();
""".replace("SPEC_CLASS", SPEC_CLASS)

# Attributes through which a page can fetch something.
_URL_ATTRIBUTES = frozenset({"src", "href", "srcset", "data", "poster", "action", "formaction"})
_REMOTE = re.compile(r"^\s*(?:https?:)?//", re.IGNORECASE)


def escape(value: object) -> str:
    """Text safe to place in HTML content or a quoted attribute.

    Args:
        value: anything; ``None`` becomes the empty string.

    Returns:
        ``str(value)`` with ``& < > " '`` replaced by character references.
    """
    return "" if value is None else html.escape(str(value), quote=True)


def script_json(obj: Any) -> str:
    """JSON text that is safe inside a ``<script>`` element.

    ``<``, ``>`` and ``&`` can only occur inside JSON strings, where the escapes
    ``\\u003c``, ``\\u003e`` and ``\\u0026`` mean the same characters. So a
    value such as ``</script><script>alert(1)</script>`` or ``<!--`` cannot end
    the element or open a comment, and ``JSON.parse`` still returns it intact.

    Args:
        obj: a JSON-serialisable value (no NaN or infinity).

    Returns:
        The JSON text.

    Raises:
        BriefError: when ``obj`` holds NaN/infinity or a value JSON cannot hold.
    """
    try:
        text = json.dumps(obj, allow_nan=False, ensure_ascii=False, separators=(",", ":"))
    except (TypeError, ValueError) as exc:
        raise BriefError(f"a chart spec cannot be written as JSON: {exc}") from exc
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def chart_placeholder(spec: Mapping[str, Any], chart_id: str) -> str:
    """The HTML that stands for one chart until the page's init script draws it.

    Args:
        spec: a Vega-Lite spec (``chart.to_dict()``), data inlined.
        chart_id: an id unique in the page; letters, digits, ``-`` and ``_`` only.

    Returns:
        A ``<div>`` placeholder followed by the spec in a JSON script element.

    Raises:
        BriefError: when ``chart_id`` has other characters.
    """
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_-]*", chart_id):
        raise BriefError(f"chart id {chart_id!r} must be letters, digits, '-' or '_'")
    return (
        f'<div class="{CHART_CLASS}" id="{chart_id}" role="img"></div>'
        f'<script type="application/json" class="{SPEC_CLASS}" data-target="{chart_id}">'
        f"{script_json(dict(spec))}</script>"
    )


def _default_vl_version() -> str:
    import altair

    major, minor = altair.SCHEMA_VERSION.lstrip("v").split(".")[:2]
    return f"v{major}.{minor}"


@functools.lru_cache(maxsize=4)
def _build_bundle(vl_version: str) -> str:
    import vl_convert

    try:
        # The stub marks the snippet as required; it is optional (default: set window globals).
        bundle = vl_convert.javascript_bundle(vl_version=vl_version)  # type: ignore[call-arg]
    except Exception as exc:  # vl-convert raises a bare ValueError/OSError
        raise BriefError(f"vl-convert cannot bundle Vega-Lite {vl_version}: {exc}") from exc
    if re.search(r"</script|<!--", bundle, re.IGNORECASE):
        raise BriefError("the Vega bundle contains '</script' or '<!--' and cannot be inlined")
    return bundle


def vega_bundle(vl_version: str | None = None, cache_dir: Path | None = None) -> str:
    """The Vega, Vega-Lite and Vega-Embed JavaScript as one classic script.

    The bundle comes from vl-convert-python (no network). Its default snippet
    sets ``window.vegaEmbed``, ``window.vega`` and ``window.vegaLite``.
    Bundling takes a few seconds, so the result is kept per process and, when
    ``cache_dir`` is given, in a file named by the vl-convert and Vega-Lite versions.

    Args:
        vl_version: Vega-Lite version as ``"v6.4"``; default: the one Altair writes.
        cache_dir: a folder to keep the bundle in between runs.

    Returns:
        The JavaScript text (about 900 kB).

    Raises:
        BriefError: when vl-convert does not know the version, or the bundle
            contains text that would end an inline script element.
    """
    import vl_convert

    vl_version = vl_version or _default_vl_version()
    if cache_dir is None:
        return _build_bundle(vl_version)
    version = vl_convert.__version__  # type: ignore[attr-defined]  # at run time, not in the stub
    cached = Path(cache_dir) / f"vega-bundle-{version}-{vl_version}.js"
    try:
        text = cached.read_text(encoding="utf-8")
        if len(text) > 100_000 and not re.search(r"</script|<!--", text, re.IGNORECASE):
            return text
    except OSError:
        pass
    bundle = _build_bundle(vl_version)
    atomic_write(cached, bundle)  # a concurrent run reads the old file or the new one
    return bundle


def page(
    title: str,
    body: str,
    *,
    meta: Mapping[str, str] | None = None,
    css: str = "",
    bundle_cache: Path | None = None,
) -> str:
    """A complete, self-contained HTML document.

    When ``body`` holds chart placeholders, the Vega bundle and the init script
    are inlined once, at the end of the body.

    Args:
        title: the page title (escaped here).
        body: trusted HTML for the body (its data text already escaped).
        meta: ``<meta name=... content=...>`` pairs (both escaped here).
        css: a style sheet placed in the head.
        bundle_cache: a folder to keep the Vega bundle in (see :func:`vega_bundle`).

    Returns:
        The document text.
    """
    metas = "".join(
        f'<meta name="{escape(k)}" content="{escape(v)}">\n' for k, v in (meta or {}).items()
    )
    scripts = ""
    if f'class="{SPEC_CLASS}"' in body:
        bundle = vega_bundle(cache_dir=bundle_cache)
        scripts = f"<script>{bundle}</script>\n<script>{_EMBED_INIT_JS}</script>\n"
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        # No network: this policy blocks any fetch the page might still attempt.
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "script-src 'unsafe-inline' 'unsafe-eval'; style-src 'unsafe-inline'; "
        'img-src data: blob:; font-src data:">\n'
        f"{metas}<title>{escape(title)}</title>\n<style>{css}</style>\n</head>\n"
        f"<body>\n{body}\n{scripts}</body>\n</html>\n"
    )


class _AttributeScanner(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.remote: list[str] = []
        self.charts = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in _URL_ATTRIBUTES and value and _REMOTE.match(value):
                self.remote.append(f"<{tag} {name}={value!r}>")
            if name == "class" and value and CHART_CLASS in value.split():
                self.charts += 1

    handle_startendtag = handle_starttag


def remote_references(document: str) -> list[str]:
    """Every attribute of ``document`` that would load something over the network.

    Looks at ``src``, ``href``, ``srcset``, ``data``, ``poster`` and form
    actions whose value starts with ``http:``, ``https:`` or ``//``. Script
    and style contents are not attributes and are not counted.

    Args:
        document: HTML text.

    Returns:
        One ``<tag attr='value'>`` string per reference; empty for an offline page.
    """
    scanner = _AttributeScanner()
    scanner.feed(document)
    scanner.close()
    return scanner.remote


def count_charts(document: str) -> int:
    """The number of chart placeholders in ``document``."""
    scanner = _AttributeScanner()
    scanner.feed(document)
    scanner.close()
    return scanner.charts
