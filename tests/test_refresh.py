"""The price refresh, end to end: real feed files served over real HTTP on 127.0.0.1.

Every refresh writes into a temporary copy of datasets/ (AISTRAT_DATASETS), so
the curated files are never touched. A malformed or hostile feed must leave
api_prices.csv byte for byte as it was.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest
from cli_runner import run_cli
from feed_server import FeedServer, Route

from analysis import prices
from analysis.errors import RefreshError
from analysis.feeds import prices as price_feeds

REPO = Path(__file__).resolve().parent.parent
TODAY = "2026-11-29"
GENAI = "genai-prices/new_data_v2_data.json"
LITELLM = "litellm/model_prices_and_context_window_backup.json"
# A tracked offer still sold on TODAY (DeepInfra's Llama 3.3 70B Turbo, $0.10 / $0.32).
TURBO = "meta-llama/Llama-3.3-70B-Instruct-Turbo"


@pytest.fixture(scope="module")
def feed_server(reference_dir: Path) -> Iterator[FeedServer]:
    server = FeedServer(reference_dir / "prices").start()
    yield server
    server.stop()


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
        # Matched through the model's exact API name in the feed's match clause.
        ("fireworks", "accounts/fireworks/models/llama-v3p1-8b-instruct"): ("0.2", "0.2"),
    },
    "litellm": {},
}
EXPECTED_UNCHANGED = {
    "genai-prices": [
        ("openai", "o3"),  # the 2025-06-10 cut, dated in the feed
    ],
    "litellm": [
        ("deepinfra", "meta-llama/Llama-3.3-70B-Instruct-Turbo"),
        ("together", "meta-llama/Meta-Llama-3.3-70B-Instruct-Turbo"),
        # Prices the databases of mid-2026 missed, which litellm 1.110.2 has.
        ("anthropic", "claude-sonnet-5"),  # the cancelled 2026-09-01 increase
        ("openai", "gpt-5.6-sol"),  # the 2026-08-21 cut
        ("mistral", "mistral-small-latest"),  # serving Mistral Small 4
    ],
}
# A feed price for a day the table already prices differently is reported, never written.
EXPECTED_REFUSED = {
    "genai-prices": {
        # genai-prices still carries the increase Anthropic cancelled.
        ("anthropic", "claude-sonnet-5"): "a different price is already recorded from 2026-09-01",
    },
    "litellm": {},
}
# Offers that ended: the feeds still list them, a refresh never reopens them.
EXPECTED_ENDED = {
    "genai-prices": {
        ("together", "meta-llama/Llama-3.3-70B-Instruct-Turbo"): "2026-10-22 (deprecation_date)",
        ("deepseek", "deepseek-chat [off-peak]"): "2025-09-05 (notice)",
        ("groq", "llama-3.3-70b-versatile"): "2026-08-16 (notice)",
    },
    "litellm": {
        ("deepseek", "deepseek-chat"): "2026-07-24 (notice)",
        ("deepseek", "deepseek-reasoner"): "2026-07-24 (notice)",
    },
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
    for (provider, api_model), why in EXPECTED_REFUSED[feed].items():
        assert (provider, api_model) not in got
        assert f"  {provider} {api_model}: {why}" in out
    for (provider, api_model), end in EXPECTED_ENDED[feed].items():
        assert (provider, api_model) not in got
        assert f"  {provider} {api_model}: the offer ended on {end}; a feed that still " in out

    status, out, err = refresh(feed, url)
    assert status == 0, err
    assert "changed: 0," in out
    assert csv_path.read_bytes() == after  # byte-identical: an unchanged price adds nothing


def test_changed_price_becomes_a_new_dated_row(
    feed_server: FeedServer, datasets: Path, litellm_doc: dict
) -> None:
    history = rows_for(datasets, "deepinfra", TURBO)
    assert history, "datasets/api_prices.csv should track deepinfra's Llama 3.3 70B Turbo"
    body = with_litellm_change(
        litellm_doc,
        "deepinfra/meta-llama/Llama-3.3-70B-Instruct-Turbo",
        lambda e: e.update(input_cost_per_token=3.1e-07),
    )
    url = feed_server.add("/changed-litellm.json", Route(body))
    before = (datasets / "api_prices.csv").read_bytes()

    status, out, err = refresh("litellm", url)

    assert status == 0, err
    after = rows_for(datasets, "deepinfra", TURBO)
    assert after[: len(history)] == history or all(r in after for r in history)
    (added,) = [r for r in after if r not in history]
    assert added["input_usd_per_mtok"] == "0.31"
    assert added["output_usd_per_mtok"] == "0.32"
    assert (added["effective_from"], added["date_basis"], added["scheduled"]) == (
        TODAY,
        "snapshot",
        "false",
    )
    assert added["model_id"] == history[-1]["model_id"]
    assert added["source"] == f"litellm feed {url} fetched {TODAY}"
    assert f"deepinfra {TURBO}: in $" in out and "-> $0.31, out" in out
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
    url = feed_server.add("/dated-genai.json", Route(body))
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
    assert "anthropic claude-sonnet-5: in $2 -> $4, out $10 -> $20" in out
    assert "(from 2027-03-01, scheduled, explicit)" in out


def test_dry_run_prints_the_diff_and_writes_nothing(
    feed_server: FeedServer, datasets: Path, litellm_doc: dict
) -> None:
    body = with_litellm_change(
        litellm_doc,
        "deepinfra/meta-llama/Llama-3.3-70B-Instruct-Turbo",
        lambda e: e.update(output_cost_per_token=5e-07),
    )
    url = feed_server.add("/dry-run.json", Route(body))
    before = (datasets / "api_prices.csv").read_bytes()

    status, out, err = refresh("litellm", url, "--dry-run")

    assert status == 0, err
    assert f"deepinfra {TURBO}: in $" in out and "out $0.32 -> $0.5" in out
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
    return lambda g, _l: ("genai-prices", Route(with_genai_change(g, "anthropic", model, change)))


def _litellm(change: Callable[[dict], None], key: str = "deepseek/deepseek-chat") -> Callable:
    return lambda _g, lit: ("litellm", Route(with_litellm_change(lit, key, change)))


def _rename_litellm(new_key: str) -> Callable:
    def build(_g: list, lit: dict) -> tuple[str, Route]:
        copy = dict(lit)
        copy[new_key] = copy.pop("deepseek/deepseek-chat")
        return "litellm", Route(json.dumps(copy).encode())

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
            Route(json.dumps([{"id": "anthropic", "models": {"a": 1}}, *g[1:]]).encode()),
        ),
        "'models' should be a list, got an object",
    ),
    "entry-not-an-object": (
        lambda _g, lit: (
            "litellm",
            Route(json.dumps(lit | {"deepseek/deepseek-chat": [1]}).encode()),
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
            Route(_NAN_FEED),
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
        lambda g, _l: ("genai-prices", Route(json.dumps(g).encode()[:150_000])),
        "not valid JSON at line",
    ),
    "wrong-top-level-shape": (
        lambda _g, lit: ("genai-prices", Route(json.dumps(lit).encode())),
        "top level should be a list of providers, got an object",
    ),
    "scalar-top-level": (
        lambda _g, _l: ("litellm", Route(b"42")),
        "top level should be an object keyed by model, got int",
    ),
    "html-page-200": (
        lambda _g, _l: ("litellm", Route(_HTML, content_type="text/html; charset=utf-8")),
        "sent an HTML page (HTTP 200), not a JSON feed",
    ),
    "html-page-200-labelled-json": (
        lambda _g, _l: ("genai-prices", Route(_HTML)),
        "this is an HTML/XML page, not a JSON feed",
    ),
    "html-page-500": (
        lambda _g, _l: ("litellm", Route(_HTML, status=500, content_type="text/html")),
        "HTTP 500 Internal Server Error (an HTML error page)",
    ),
    "not-found-404": (
        lambda _g, _l: ("litellm", Route(b"{}", status=404)),
        "HTTP 404 Not Found",
    ),
    "image-content-type": (
        lambda _g, _l: ("litellm", Route(b"\x89PNG", content_type="image/png")),
        "content type 'image/png' is not JSON",
    ),
    "empty-body": (lambda _g, _l: ("litellm", Route(b"")), "the feed is empty"),
    "huge-body": (
        lambda _g, _l: (
            "litellm",
            # 100 MB, generated chunk by chunk: the test never holds it in memory.
            Route(lambda: iter([b'{"pad": "', *([b"a" * (1 << 20)] * 100), b'"}'])),
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
    url = feed_server.add("/stalled.json", Route(stall=30))
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

    url = feed_server.add("/stalled-mid-body.json", Route(body))
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
        litellm_doc,
        "deepinfra/meta-llama/Llama-3.3-70B-Instruct-Turbo",
        lambda e: e.update(cache_read_input_token_cost=9e-06),
    )
    url = feed_server.add("/cached-above-input.json", Route(body))
    before = rows_for(datasets, "deepinfra", TURBO)

    status, out, err = refresh("litellm", url, "--dry-run")

    assert status == 0, err
    assert f"deepinfra {TURBO}: the feed's cached-input price is above its input price" in out
    assert rows_for(datasets, "deepinfra", TURBO) == before


def test_nothing_is_written_when_the_merged_table_fails_validation(
    feed_server: FeedServer, datasets: Path, litellm_doc: dict
) -> None:
    csv_path = datasets / "api_prices.csv"
    # A table already broken elsewhere: the merged result cannot validate.
    broken = csv_path.read_bytes().replace(b"\nanthropic,first-party,", b"\nanthropic,partner,", 1)
    csv_path.write_bytes(broken)
    body = with_litellm_change(
        litellm_doc,
        "deepinfra/meta-llama/Llama-3.3-70B-Instruct-Turbo",
        lambda e: e.update(input_cost_per_token=3.1e-07),
    )
    url = feed_server.add("/valid-feed-broken-table.json", Route(body))

    status, out, err = refresh("litellm", url)

    assert status == 1 and out == ""
    assert "the merged price table would not validate, nothing was changed" in err
    assert "provider_kind" in err and "partner" in err
    assert csv_path.read_bytes() == broken


def test_lookups_see_a_refreshed_price(
    feed_server: FeedServer, datasets: Path, litellm_doc: dict
) -> None:
    body = with_litellm_change(
        litellm_doc,
        "deepinfra/meta-llama/Llama-3.3-70B-Instruct-Turbo",
        lambda e: e.update(output_cost_per_token=4.6e-07),
    )
    url = feed_server.add("/lookup-after-refresh.json", Route(body))
    assert refresh("litellm", url)[0] == 0

    # The warehouse rebuilds from the changed CSV on next use.
    before = prices.price_for(TURBO, at=date(2026, 11, 28), provider="deepinfra")
    after = prices.price_for(TURBO, at=date(2026, 11, 29), provider="deepinfra")
    assert before.output_usd_per_mtok == 0.32
    assert after.output_usd_per_mtok == 0.46
    assert (after.effective_from, after.date_basis) == (date(2026, 11, 29), "snapshot")


def test_json_report_and_untracked_listing(feed_server: FeedServer, datasets: Path) -> None:
    url = feed_server.url(f"/ref/{GENAI}")
    status, out, err = refresh("genai-prices", url, "--dry-run", "--json")
    assert status == 0, err
    report = json.loads(out)
    assert report["dry_run"] is True and report["written"] is False
    assert ["openrouter", "openai/gpt-4o"] in report["not_tracked"]
    change = next(c for c in report["changes"] if c["api_model"].endswith("llama-v3p1-8b-instruct"))
    assert (change["old_input_usd_per_mtok"], change["new_input_usd_per_mtok"]) == ("0.1", "0.2")
    assert change["effective_from"] == TODAY and change["date_basis"] == "snapshot"
    ended = [r for r in report["rejected"] if r[:2] == ["together", TURBO]]
    assert ended and ended[0][2].startswith("the offer ended on 2026-10-22")

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


@pytest.mark.slow
def test_two_refreshes_at_once_from_two_processes_lose_nothing(
    datasets: Path, tmp_path: Path
) -> None:
    # Two feeds, each changing a different tracked price (litellm: USD per token).
    feeds = {
        "litellm": {
            f"deepinfra/{TURBO}": {
                "litellm_provider": "deepinfra",
                "input_cost_per_token": 3.1e-07,
                "output_cost_per_token": 3.2e-07,
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
        for r in rows_for(datasets, "deepinfra", TURBO)
        if r["source"].startswith("litellm") and r["effective_from"] == TODAY
    ]
    assert (chat["input_usd_per_mtok"], chat["output_usd_per_mtok"]) == ("0.31", "0.32")
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
                f"deepinfra/{TURBO}": {
                    "litellm_provider": "deepinfra",
                    "input_cost_per_token": 3.1e-07,
                    "output_cost_per_token": 3.2e-07,
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
