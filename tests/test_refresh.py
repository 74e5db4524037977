"""The price refresh, end to end: real feed files served over real HTTP on 127.0.0.1.

Every refresh writes into a temporary copy of datasets/ (AISTRAT_DATASETS), so
the curated files are never touched. A malformed or hostile feed must leave
api_prices.csv byte for byte as it was.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import redirect_stderr, redirect_stdout
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from analysis import cli, prices
from analysis.errors import RefreshError
from analysis.feeds import prices as price_feeds

REPO = Path(__file__).resolve().parent.parent
TODAY = "2026-11-29"
GENAI = "genai-prices/new_data_v2_data.json"
LITELLM = "litellm/model_prices_and_context_window_backup.json"


# ---------------------------------------------------------------- a real feed server


class _Route:
    def __init__(
        self,
        body: bytes | Callable[[], Iterator[bytes]] = b"",
        status: int = 200,
        content_type: str = "application/json",
        stall: float = 0.0,
    ):
        self.body, self.status, self.content_type, self.stall = body, status, content_type, stall


class FeedServer:
    """An http.server on 127.0.0.1 (free port, own thread) serving registered routes."""

    def __init__(self, reference: Path):
        self.reference = reference
        self.routes: dict[str, _Route] = {}
        self.release = threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"  # one request per connection, body ends at close

            def log_message(self, *args: object) -> None:  # keep test output clean
                pass

            def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
                route = server.routes.get(self.path)
                if route is None and self.path.startswith("/ref/"):
                    file = server.reference / self.path.removeprefix("/ref/")
                    if file.is_file():
                        route = _Route(file.read_bytes())
                if route is None:
                    route = _Route(b"not found", status=404, content_type="text/plain")
                if route.stall:
                    server.release.wait(route.stall)  # say nothing until released
                    return
                try:
                    self.send_response(route.status)
                    self.send_header("Content-Type", route.content_type)
                    if isinstance(route.body, bytes):
                        self.send_header("Content-Length", str(len(route.body)))
                        self.end_headers()
                        self.wfile.write(route.body)
                    else:  # streamed without a length, generated on the fly
                        self.end_headers()
                        for chunk in route.body():
                            self.wfile.write(chunk)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up, as it should on a huge body

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def url(self, path: str) -> str:
        return self.base + path

    def add(self, path: str, route: _Route) -> str:
        self.routes[path] = route
        return self.url(path)


@pytest.fixture(scope="module")
def feed_server(reference_dir: Path) -> Iterator[FeedServer]:
    server = FeedServer(reference_dir / "prices")
    server.thread.start()
    yield server
    server.release.set()
    server.httpd.shutdown()
    server.httpd.server_close()


@pytest.fixture
def datasets(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private copy of datasets/, made the toolkit's datasets folder."""
    copy = tmp_path / "datasets"
    shutil.copytree(REPO / "datasets", copy)
    monkeypatch.setenv("AISTRAT_DATASETS", str(copy))
    return copy


def run_cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        status = cli.main(list(argv))
    return status, out.getvalue(), err.getvalue()


def refresh(feed: str, url: str, *extra: str) -> tuple[int, str, str]:
    return run_cli("refresh-prices", "--from", feed, "--url", url, "--today", TODAY, *extra)


def rows(datasets: Path) -> list[dict[str, str]]:
    with (datasets / "api_prices.csv").open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def rows_for(datasets: Path, provider: str, api_model: str) -> list[dict[str, str]]:
    return [r for r in rows(datasets) if (r["provider"], r["api_model"]) == (provider, api_model)]


def pairs(datasets: Path) -> set[tuple[str, str]]:
    return {(r["provider"], r["api_model"]) for r in rows(datasets)}


def money(value: str) -> float:
    return float(value) if value else -1.0


# ------------------------------------------------------ payloads built from the real feeds


@pytest.fixture(scope="module")
def genai_doc(reference_dir: Path) -> list:
    return json.loads((reference_dir / "prices" / GENAI).read_bytes())


@pytest.fixture(scope="module")
def litellm_doc(reference_dir: Path) -> dict:
    return json.loads((reference_dir / "prices" / LITELLM).read_bytes())


def genai_model(doc: list, provider: str, model: str) -> dict:
    (entry,) = [m for p in doc if p["id"] == provider for m in p["models"] if m["id"] == model]
    return entry


def with_genai_change(
    doc: list, provider: str, model: str, change: Callable[[dict], None]
) -> bytes:
    copy = json.loads(json.dumps(doc))
    change(genai_model(copy, provider, model))
    return json.dumps(copy).encode()


def with_litellm_change(doc: dict, key: str, change: Callable[[dict], None]) -> bytes:
    copy = json.loads(json.dumps(doc))
    change(copy[key])
    return json.dumps(copy).encode()


def new_lines(before: bytes, after: bytes) -> list[str]:
    """Lines added by a refresh, after checking every old line is still there, in order."""
    old, new = before.decode().splitlines(), after.decode().splitlines()
    added, i = [], 0
    for line in new:
        if i < len(old) and line == old[i]:
            i += 1
        else:
            added.append(line)
    assert i == len(old), "a refresh must keep every existing line, in order"
    return added


# ---------------------------------------------------------------- the real feeds


# What the real feeds hold against the curated table (prices in USD per 1M tokens).
EXPECTED_NEW = {
    "genai-prices": {
        # genai-prices still lists Together's older $0.88; the table's latest is $1.04.
        ("together", "meta-llama/Llama-3.3-70B-Instruct-Turbo"): ("0.88", "0.88"),
        # Matched through the model's exact API name in the feed's match clause.
        ("fireworks", "accounts/fireworks/models/llama-v3p1-8b-instruct"): ("0.2", "0.2"),
    },
    "litellm": {
        # litellm 1.110.2 still lists the introductory price after the 2026-09-01 change.
        ("anthropic", "claude-sonnet-5"): ("2", "10"),
    },
}
EXPECTED_UNCHANGED = {
    "genai-prices": [
        ("anthropic", "claude-sonnet-5"),  # both periods, the 2026-09-01 change included
        ("deepseek", "deepseek-chat [peak window]"),  # time-of-day prices
        ("deepseek", "deepseek-chat [off-peak]"),
        ("openai", "o3"),  # the 2025-06-10 cut, dated in the feed
    ],
    "litellm": [
        ("deepseek", "deepseek-chat"),
        ("together", "meta-llama/Llama-3.3-70B-Instruct-Turbo"),
    ],
}


@pytest.mark.parametrize(("feed", "path"), [("genai-prices", GENAI), ("litellm", LITELLM)])
def test_real_feed_applies_once_then_changes_nothing(
    feed_server: FeedServer, datasets: Path, feed: str, path: str
) -> None:
    csv_path = datasets / "api_prices.csv"
    before = csv_path.read_bytes()
    tracked = pairs(datasets)
    url = feed_server.url(f"/ref/{path}")

    status, out, err = refresh(feed, url)
    assert status == 0, err
    after = csv_path.read_bytes()
    added = new_lines(before, after)
    assert f"changed: {len(added)}," in out
    assert pairs(datasets) == tracked  # models the feed has and we don't are never added
    source = f"{feed} feed {url} fetched {TODAY}"
    new_rows = [r for r in rows(datasets) if r["source"] == source]
    assert len(new_rows) == len(added)
    for row in new_rows:
        assert row["date_basis"] in ("explicit", "snapshot")
        assert row["date_basis"] == "explicit" or row["effective_from"] == TODAY
        assert f"{row['provider']} {row['api_model']}: in $" in out
    got = {(r["provider"], r["api_model"]): r for r in new_rows}
    for pair, expected in EXPECTED_NEW[feed].items():
        row = got.get(pair)
        assert row is not None, f"expected a new row for {pair}"
        assert (row["input_usd_per_mtok"], row["output_usd_per_mtok"]) == expected
        assert (row["effective_from"], row["date_basis"], row["scheduled"]) == (
            TODAY,
            "snapshot",
            "false",
        )
    for pair in EXPECTED_UNCHANGED[feed]:
        assert pair in tracked and pair not in got, f"{pair} should be unchanged"

    status, out, err = refresh(feed, url)
    assert status == 0, err
    assert "changed: 0," in out
    assert csv_path.read_bytes() == after  # byte-identical: an unchanged price adds nothing


def test_changed_price_becomes_a_new_dated_row(
    feed_server: FeedServer, datasets: Path, litellm_doc: dict
) -> None:
    history = rows_for(datasets, "deepseek", "deepseek-chat")
    assert history, "datasets/api_prices.csv should track deepseek deepseek-chat"
    body = with_litellm_change(
        litellm_doc, "deepseek/deepseek-chat", lambda e: e.update(input_cost_per_token=3.1e-07)
    )
    url = feed_server.add("/changed-litellm.json", _Route(body))
    before = (datasets / "api_prices.csv").read_bytes()

    status, out, err = refresh("litellm", url)

    assert status == 0, err
    after = rows_for(datasets, "deepseek", "deepseek-chat")
    assert after[: len(history)] == history or all(r in after for r in history)
    (added,) = [r for r in after if r not in history]
    assert added["input_usd_per_mtok"] == "0.31"
    assert added["output_usd_per_mtok"] == "0.42"
    assert (added["effective_from"], added["date_basis"], added["scheduled"]) == (
        TODAY,
        "snapshot",
        "false",
    )
    assert added["model_id"] == history[-1]["model_id"]
    assert added["source"] == f"litellm feed {url} fetched {TODAY}"
    assert "deepseek deepseek-chat: in $" in out and "-> $0.31, out" in out
    assert f"(from {TODAY}" in out
    assert len(new_lines(before, (datasets / "api_prices.csv").read_bytes())) >= 1


def test_dated_change_in_the_feed_keeps_its_date_and_is_scheduled(
    feed_server: FeedServer, datasets: Path, genai_doc: list
) -> None:
    def add_change(model: dict) -> None:
        model["prices"].append(
            {
                "constraint": {"start_date": "2027-03-01"},
                "prices": {"input_mtok": 4, "output_mtok": 20, "cache_read_mtok": 0.4},
            }
        )

    body = with_genai_change(genai_doc, "anthropic", "claude-sonnet-5", add_change)
    url = feed_server.add("/dated-genai.json", _Route(body))
    before = rows_for(datasets, "anthropic", "claude-sonnet-5")

    status, out, err = refresh("genai-prices", url)

    assert status == 0, err
    (added,) = [r for r in rows_for(datasets, "anthropic", "claude-sonnet-5") if r not in before]
    assert (added["input_usd_per_mtok"], added["output_usd_per_mtok"]) == ("4", "20")
    assert added["cached_input_usd_per_mtok"] == "0.4"
    assert (added["effective_from"], added["date_basis"], added["scheduled"]) == (
        "2027-03-01",
        "explicit",
        "true",
    )
    assert "anthropic claude-sonnet-5: in $3 -> $4, out $15 -> $20" in out
    assert "(from 2027-03-01, scheduled, explicit)" in out


def test_dry_run_prints_the_diff_and_writes_nothing(
    feed_server: FeedServer, datasets: Path, litellm_doc: dict
) -> None:
    body = with_litellm_change(
        litellm_doc, "deepseek/deepseek-chat", lambda e: e.update(output_cost_per_token=5e-07)
    )
    url = feed_server.add("/dry-run.json", _Route(body))
    before = (datasets / "api_prices.csv").read_bytes()

    status, out, err = refresh("litellm", url, "--dry-run")

    assert status == 0, err
    assert "deepseek deepseek-chat: in $" in out and "out $0.42 -> $0.5" in out
    assert "dry run" in out
    assert (datasets / "api_prices.csv").read_bytes() == before


def test_refresh_from_a_saved_file(datasets: Path, reference_dir: Path) -> None:
    feed_file = reference_dir / "prices" / GENAI
    first = price_feeds.refresh_prices("genai-prices", file=feed_file, today=date(2026, 11, 29))
    text = (datasets / "api_prices.csv").read_bytes()
    second = price_feeds.refresh_prices("genai-prices", file=feed_file, today=date(2026, 11, 29))
    assert first.path == datasets / "api_prices.csv"
    assert second.changes == [] and not second.written
    assert second.unchanged == first.unchanged + len(first.changes)
    assert (datasets / "api_prices.csv").read_bytes() == text
    assert all(c.effective_from for c in first.changes)


# ---------------------------------------------------------------- hostile and broken feeds


def _genai(change: Callable[[dict], None], model: str = "claude-sonnet-5") -> Callable:
    return lambda g, _l: ("genai-prices", _Route(with_genai_change(g, "anthropic", model, change)))


def _litellm(change: Callable[[dict], None], key: str = "deepseek/deepseek-chat") -> Callable:
    return lambda _g, lit: ("litellm", _Route(with_litellm_change(lit, key, change)))


def _rename_litellm(new_key: str) -> Callable:
    def build(_g: list, lit: dict) -> tuple[str, _Route]:
        copy = dict(lit)
        copy[new_key] = copy.pop("deepseek/deepseek-chat")
        return "litellm", _Route(json.dumps(copy).encode())

    return build


def _set_first_price(**prices: object) -> Callable[[dict], None]:
    return lambda m: m["prices"][0]["prices"].update(prices)


_NAN_FEED = b'{"x/y": {"litellm_provider": "x", "input_cost_per_token": NaN}}'
_HTML = b"<!DOCTYPE html><html><head><title>Error</title></head><body>Oops</body></html>"

HOSTILE = {
    "string-price": (
        _litellm(lambda e: e.update(input_cost_per_token="0.00000028")),
        "input_cost_per_token should be a number, got a string",
    ),
    "bool-price": (
        _genai(_set_first_price(output_mtok=True)),
        "output_mtok should be a number, got true/false",
    ),
    "models-not-a-list": (
        lambda g, _l: (
            "genai-prices",
            _Route(json.dumps([{"id": "anthropic", "models": {"a": 1}}, *g[1:]]).encode()),
        ),
        "'models' should be a list, got an object",
    ),
    "entry-not-an-object": (
        lambda _g, lit: (
            "litellm",
            _Route(json.dumps(lit | {"deepseek/deepseek-chat": [1]}).encode()),
        ),
        "should be an object, got a list",
    ),
    "negative-price": (_genai(_set_first_price(input_mtok=-3)), "is negative"),
    "negative-tier": (
        _genai(_set_first_price(input_mtok={"base": 2, "tiers": [{"start": 1000, "price": -1}]})),
        "tiers[0].price is negative",
    ),
    "absurd-price": (
        _litellm(lambda e: e.update(output_cost_per_token=0.01)),
        "$10000 per 1M tokens, above the $1000 sanity limit",
    ),
    "nan-price": (
        lambda _g, _l: (
            "litellm",
            _Route(_NAN_FEED),
        ),
        "NaN is not a number JSON allows",
    ),
    "script-in-model-id": (
        _genai(lambda m: m.update(id="claude-sonnet-5<script>alert(1)</script>")),
        "contains a forbidden character '<'",
    ),
    "script-in-litellm-key": (
        _rename_litellm("deepseek/<script>alert(1)</script>"),
        "contains a forbidden character '<'",
    ),
    "control-char-in-name": (
        _litellm(lambda e: e.update(litellm_provider="deep\x1b[31mseek")),
        "contains a forbidden character '\\x1b'",
    ),
    "bidi-override-in-name": (
        _rename_litellm("deepseek/deepseek-chat\u202e"),
        "contains a forbidden character '\\u202e'",
    ),
    "overlong-name": (
        _rename_litellm("deepseek/" + "x" * 500),
        "should be 1 to 200 characters",
    ),
    "bad-start-date": (
        _genai(lambda m: m["prices"][1]["constraint"].update(start_date="next tuesday")),
        "is not a date",
    ),
    "truncated-json": (
        lambda g, _l: ("genai-prices", _Route(json.dumps(g).encode()[:150_000])),
        "not valid JSON at line",
    ),
    "wrong-top-level-shape": (
        lambda _g, lit: ("genai-prices", _Route(json.dumps(lit).encode())),
        "top level should be a list of providers, got an object",
    ),
    "scalar-top-level": (
        lambda _g, _l: ("litellm", _Route(b"42")),
        "top level should be an object keyed by model, got int",
    ),
    "html-page-200": (
        lambda _g, _l: ("litellm", _Route(_HTML, content_type="text/html; charset=utf-8")),
        "sent an HTML page (HTTP 200), not a JSON feed",
    ),
    "html-page-200-labelled-json": (
        lambda _g, _l: ("genai-prices", _Route(_HTML)),
        "this is an HTML/XML page, not a JSON feed",
    ),
    "html-page-500": (
        lambda _g, _l: ("litellm", _Route(_HTML, status=500, content_type="text/html")),
        "HTTP 500 Internal Server Error (an HTML error page)",
    ),
    "not-found-404": (
        lambda _g, _l: ("litellm", _Route(b"{}", status=404)),
        "HTTP 404 Not Found",
    ),
    "image-content-type": (
        lambda _g, _l: ("litellm", _Route(b"\x89PNG", content_type="image/png")),
        "content type 'image/png' is not JSON",
    ),
    "empty-body": (lambda _g, _l: ("litellm", _Route(b"")), "the feed is empty"),
    "huge-body": (
        lambda _g, _l: (
            "litellm",
            # 100 MB, generated chunk by chunk: the test never holds it in memory.
            _Route(lambda: iter([b'{"pad": "', *([b"a" * (1 << 20)] * 100), b'"}'])),
        ),
        "over the 20.0 MB limit",
    ),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_malformed_feed_changes_nothing(
    case: str, feed_server: FeedServer, datasets: Path, genai_doc: list, litellm_doc: dict
) -> None:
    build, expected = HOSTILE[case]
    feed, route = build(genai_doc, litellm_doc)
    url = feed_server.add(f"/hostile/{case}.json", route)
    before = (datasets / "api_prices.csv").read_bytes()
    listing = sorted(p.name for p in datasets.iterdir())

    status, out, err = refresh(feed, url)

    assert status == 1
    assert out == ""
    assert err.startswith("error: ") and "Traceback" not in err
    assert expected in err
    assert "nothing was changed" in err
    assert (datasets / "api_prices.csv").read_bytes() == before
    assert sorted(p.name for p in datasets.iterdir()) == listing  # no temp file left behind


def test_stalled_server_hits_the_timeout(feed_server: FeedServer, datasets: Path) -> None:
    url = feed_server.add("/stalled.json", _Route(stall=30))
    before = (datasets / "api_prices.csv").read_bytes()
    started = time.monotonic()

    status, _out, err = refresh("litellm", url, "--timeout", "0.5")

    assert status == 1
    assert time.monotonic() - started < 5
    assert "timed out" in err and "0.5 s" in err
    assert (datasets / "api_prices.csv").read_bytes() == before


def test_server_stalling_mid_body_hits_the_timeout(feed_server: FeedServer, datasets: Path) -> None:
    def body() -> Iterator[bytes]:
        yield b'{"deepseek/deepseek-chat": {'
        feed_server.release.wait(30)  # then nothing more until the test module ends
        yield b"}}"

    url = feed_server.add("/stalled-mid-body.json", _Route(body))
    before = (datasets / "api_prices.csv").read_bytes()
    started = time.monotonic()

    status, _out, err = refresh("litellm", url, "--timeout", "0.5")

    assert status == 1
    assert time.monotonic() - started < 5
    assert "the download stalled for 0.5 s (timed out)" in err
    assert (datasets / "api_prices.csv").read_bytes() == before


def test_file_over_the_size_limit_is_refused(datasets: Path, reference_dir: Path) -> None:
    feed_file = reference_dir / "prices" / LITELLM  # 3.5 MB
    before = (datasets / "api_prices.csv").read_bytes()
    with pytest.raises(RefreshError, match=r"over the 1\.0 MB limit"):
        price_feeds.refresh_prices(
            "litellm", file=feed_file, today=date(2026, 11, 29), max_bytes=1024 * 1024
        )
    assert (datasets / "api_prices.csv").read_bytes() == before


def test_cached_price_above_input_is_rejected_for_that_pair(
    feed_server: FeedServer, datasets: Path, litellm_doc: dict
) -> None:
    # A cached price above the input price would break the cached_le_input rule:
    # that pair is rejected and listed, the rest of the feed still applies.
    body = with_litellm_change(
        litellm_doc, "deepseek/deepseek-chat", lambda e: e.update(cache_read_input_token_cost=9e-06)
    )
    url = feed_server.add("/cached-above-input.json", _Route(body))
    before = rows_for(datasets, "deepseek", "deepseek-chat")

    status, out, err = refresh("litellm", url, "--dry-run")

    assert status == 0, err
    assert "deepseek deepseek-chat: the feed's cached-input price is above its input price" in out
    assert rows_for(datasets, "deepseek", "deepseek-chat") == before


def test_nothing_is_written_when_the_merged_table_fails_validation(
    feed_server: FeedServer, datasets: Path, litellm_doc: dict
) -> None:
    csv_path = datasets / "api_prices.csv"
    # A table already broken elsewhere: the merged result cannot validate.
    broken = csv_path.read_bytes().replace(b"\nanthropic,first-party,", b"\nanthropic,partner,", 1)
    csv_path.write_bytes(broken)
    body = with_litellm_change(
        litellm_doc, "deepseek/deepseek-chat", lambda e: e.update(input_cost_per_token=3.1e-07)
    )
    url = feed_server.add("/valid-feed-broken-table.json", _Route(body))

    status, out, err = refresh("litellm", url)

    assert status == 1 and out == ""
    assert "the merged price table would not validate, nothing was changed" in err
    assert "provider_kind" in err and "partner" in err
    assert csv_path.read_bytes() == broken


def test_lookups_see_a_refreshed_price(
    feed_server: FeedServer, datasets: Path, litellm_doc: dict
) -> None:
    body = with_litellm_change(
        litellm_doc, "deepseek/deepseek-chat", lambda e: e.update(output_cost_per_token=4.6e-07)
    )
    url = feed_server.add("/lookup-after-refresh.json", _Route(body))
    assert refresh("litellm", url)[0] == 0

    # The warehouse rebuilds from the changed CSV on next use.
    before = prices.price_for("deepseek-chat", at=date(2026, 11, 28))
    after = prices.price_for("deepseek-chat", at=date(2026, 11, 29))
    assert before.output_usd_per_mtok == 0.42
    assert after.output_usd_per_mtok == 0.46
    assert (after.effective_from, after.date_basis) == (date(2026, 11, 29), "snapshot")


def test_json_report_and_untracked_listing(feed_server: FeedServer, datasets: Path) -> None:
    url = feed_server.url(f"/ref/{GENAI}")
    status, out, err = refresh("genai-prices", url, "--dry-run", "--json")
    assert status == 0, err
    report = json.loads(out)
    assert report["dry_run"] is True and report["written"] is False
    assert ["openrouter", "openai/gpt-4o"] in report["not_tracked"]
    change = next(c for c in report["changes"] if c["api_model"].startswith("meta-llama/Llama-3.3"))
    assert (change["old_input_usd_per_mtok"], change["new_input_usd_per_mtok"]) == ("1.04", "0.88")

    status, out, _ = refresh("genai-prices", url, "--dry-run", "--show-untracked")
    assert status == 0
    assert "\n  openrouter openai/gpt-4o\n" in out


# ---------------------------------------------------------------- two refreshes at once

# Waits until argv[2] exists, then runs `python -m analysis` with argv[3:]; heavy
# imports happen first, so both processes reach the table at the same moment.
RACER = """
import sys, time
from pathlib import Path
from analysis import cli
from analysis.feeds import prices  # noqa: F401
from analysis import warehouse  # noqa: F401
parser = cli.build_parser()
ready, go = Path(sys.argv[1]), Path(sys.argv[2])
ready.touch()
while not go.exists():
    time.sleep(0.002)
sys.exit(cli.main(sys.argv[3:]))
"""


def test_two_refreshes_at_once_from_two_processes_lose_nothing(
    datasets: Path, tmp_path: Path
) -> None:
    # Two feeds, each changing a different tracked price (litellm: USD per token).
    feeds = {
        "litellm": {
            "deepseek/deepseek-chat": {
                "litellm_provider": "deepseek",
                "input_cost_per_token": 3.1e-07,
                "output_cost_per_token": 4.2e-07,
            }
        },
        "genai-prices": [
            {
                "id": "anthropic",
                "models": [
                    {"id": "claude-sonnet-5", "prices": {"input_mtok": 3.3, "output_mtok": 15}}
                ],
            }
        ],
    }
    csv_path = datasets / "api_prices.csv"
    before = csv_path.read_bytes()
    go = tmp_path / "go"
    racers = []
    for feed, payload in feeds.items():
        feed_file = tmp_path / f"{feed}.json"
        feed_file.write_text(json.dumps(payload))
        ready = tmp_path / f"{feed}.ready"
        argv = ["refresh-prices", "--from", feed, "--file", str(feed_file), "--today", TODAY]
        racers.append(
            (
                ready,
                subprocess.Popen(
                    [sys.executable, "-c", RACER, str(ready), str(go), *argv],
                    env={**os.environ, "PYTHONPATH": str(REPO)},
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    text=True,
                ),
            )
        )
    deadline = time.monotonic() + 120
    while not all(ready.exists() for ready, _ in racers):
        assert time.monotonic() < deadline, "the refresh processes did not start"
        time.sleep(0.01)
    go.touch()
    results = [process.communicate(timeout=120) for _ready, process in racers]

    for (_ready, process), (out, err) in zip(racers, results, strict=True):
        assert process.returncode == 0, err
        assert "wrote 1 new row(s)" in out
    added = new_lines(before, csv_path.read_bytes())  # every old line kept, in order
    assert len(added) == 2
    (chat,) = [
        r
        for r in rows_for(datasets, "deepseek", "deepseek-chat")
        if r["source"].startswith("litellm") and r["effective_from"] == TODAY
    ]
    assert (chat["input_usd_per_mtok"], chat["output_usd_per_mtok"]) == ("0.31", "0.42")
    (sonnet,) = [
        r
        for r in rows_for(datasets, "anthropic", "claude-sonnet-5")
        if r["effective_from"] == TODAY
    ]
    assert (sonnet["input_usd_per_mtok"], sonnet["output_usd_per_mtok"]) == ("3.3", "15")


def test_a_refresh_waits_for_the_lock_and_gives_up_cleanly(datasets: Path, tmp_path: Path) -> None:
    feed_file = tmp_path / "feed.json"
    feed_file.write_text(
        json.dumps(
            {
                "deepseek/deepseek-chat": {
                    "litellm_provider": "deepseek",
                    "input_cost_per_token": 3.1e-07,
                    "output_cost_per_token": 4.2e-07,
                }
            }
        )
    )
    csv_path = datasets / "api_prices.csv"
    before = csv_path.read_bytes()
    with price_feeds.table_lock(csv_path, timeout=1):
        with pytest.raises(RefreshError, match="has been held by another refresh for over 0.2 s"):
            price_feeds.refresh_prices(
                "litellm", file=feed_file, today=date(2026, 11, 29), lock_timeout=0.2
            )
    assert csv_path.read_bytes() == before
    result = price_feeds.refresh_prices("litellm", file=feed_file, today=date(2026, 11, 29))
    assert result.written and len(result.changes) == 1
