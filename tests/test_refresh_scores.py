"""The score refresh, end to end: Epoch AI's real files served over real HTTP on 127.0.0.1.

The committed excerpts in tests/fixtures/epoch/ are served (and the full files
when the reference data is present). Every refresh writes into a temporary copy
of datasets/ (AISTRAT_DATASETS). "First run adds rows" is checked on a copy from
which the rows of the served runs (or of the served index release) were removed:
the refresh must put back the same facts the curation recorded from the same
files. A malformed or hostile download must leave both tables byte for byte.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from cli_runner import run_cli
from feed_server import FeedServer, Route
from test_epoch_formats import zipped

from analysis.errors import RefreshError
from analysis.feeds import scores as score_feeds
from analysis.feeds.prices import table_lock

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "fixtures" / "epoch"
TODAY = "2026-12-04"
RUN_ID = re.compile(r"run id (\S+?);")


@pytest.fixture(scope="module")
def server() -> Iterator[FeedServer]:
    running = FeedServer().start()
    yield running
    running.stop()


def refresh(url: str, *extra: str) -> tuple[int, str, str]:
    return run_cli("refresh-scores", "--from", "epoch", "--url", url, "--today", TODAY, *extra)


def read(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def write(path: Path, header: list[str], rows: list[dict[str, str]]) -> None:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")


def run_ids(path: Path) -> set[str]:
    text = path.read_text(encoding="utf-8-sig")
    return {r["id"] for r in csv.DictReader(io.StringIO(text))}


def remove_runs(datasets: Path, ids: set[str]) -> dict[str, dict[str, str]]:
    """Drop the benchmark rows of these run ids; returns them by run id."""
    header, rows = read(datasets / "benchmark_scores.csv")
    removed: dict[str, dict[str, str]] = {}
    kept = []
    for row in rows:
        found = RUN_ID.search(row["notes"] + ";")
        if found and found.group(1) in ids:
            removed[found.group(1)] = row
        else:
            kept.append(row)
    write(datasets / "benchmark_scores.csv", header, kept)
    return removed


def tables(datasets: Path) -> tuple[bytes, bytes]:
    return (
        (datasets / "benchmark_scores.csv").read_bytes(),
        (datasets / "eci_scores.csv").read_bytes(),
    )


# ---------------------------------------------------------------- the real files


def test_runs_view_first_run_adds_rows_then_changes_nothing(
    server: FeedServer, datasets: Path
) -> None:
    body = (FIXTURES / "benchmarks_runs.csv").read_bytes()
    url = server.add("/runs.csv", Route(body, content_type="text/csv"))
    removed = remove_runs(datasets, run_ids(FIXTURES / "benchmarks_runs.csv"))
    assert len(removed) >= 20  # the curation recorded these runs from the same export

    status, out, err = refresh(url)

    assert status == 0, err
    _, rows = read(datasets / "benchmark_scores.csv")
    added = {RUN_ID.search(r["notes"] + ";").group(1): r for r in rows if url in r["source"]}
    assert len(added) >= 10 and set(added) <= set(removed)
    assert f"added: {len(added)} ({len(added)} runs" in out
    for run_id, row in added.items():
        before = removed[run_id]
        for column in ("model_id", "benchmark", "benchmark_variant", "setting", "source_date"):
            assert row[column] == before[column], (run_id, column)
        assert Decimal(row["score"]) == Decimal(before["score"])
        assert (row["reported_by"], row["eval_relationship"]) == ("Epoch AI", "independent")
    # A Spanish-locale date and a decimal comma, read as Epoch meant them.
    kimi = added["BTeRdhgt6TFBj6QkGX2j6P"]
    assert (kimi["score"], kimi["score_pct"], kimi["source_date"]) == (
        "0.961",
        "96.1",
        "2026-05-02",
    )
    assert "run started '2 de mayo de 2026 2:08am'" in kimi["notes"]
    assert "printed '0,961'" in kimi["notes"]
    assert f"benchmark_scores {kimi['model_id']} OTIS-Mock-AIME-2024-2025 0.961 (2026-05-02" in out

    after = tables(datasets)
    status, out, err = refresh(url)
    assert status == 0, err
    assert "no new rows" in out and "added: 0" in out
    assert tables(datasets) == after  # byte-identical


def test_a_run_of_an_api_alias_counts_for_the_model_it_served_that_day(
    server: FeedServer, datasets: Path
) -> None:
    # Epoch ran 'deepseek-reasoner' on 2025-12-16: DeepSeek-V3.2 answered under that name
    # from 2025-12-01 (api_aliases), not the R1 the name first meant.
    body = (FIXTURES / "benchmarks_runs.csv").read_bytes()
    url = server.add("/runs-alias.csv", Route(body, content_type="text/csv"))
    remove_runs(datasets, {"CDdjbqiYYPtEBGoZLMPM3n", "8szQqvTsGG8gJ2TiFReRn9"})

    status, out, err = refresh(url, "--dry-run")

    assert status == 0, err
    assert (
        "benchmark_scores deepseek-v3.2 GPQA-Diamond 0.834 (2025-12-16; run CDdjbqiYYPtEBGoZLMPM3n"
        in out
    )
    assert "benchmark_scores deepseek-v3.2 OTIS-Mock-AIME-2024-2025 0.878 (2025-12-16" in out


def test_index_release_first_run_adds_rows_then_changes_nothing(
    server: FeedServer, datasets: Path
) -> None:
    body = (FIXTURES / "eci_scores.csv").read_bytes()
    url = server.add("/eci_scores.csv", Route(body, content_type="text/csv"))
    header, rows = read(datasets / "eci_scores.csv")
    aug = [r for r in rows if r["snapshot"] == "2026-08-11"]
    write(datasets / "eci_scores.csv", header, [r for r in rows if r["snapshot"] != "2026-08-11"])

    status, out, err = refresh(url, "--snapshot", "2026-08-11")

    assert status == 0, err
    _, rows = read(datasets / "eci_scores.csv")
    added = {r["eci_model"]: r for r in rows if url in r["source"]}
    assert len(added) == 25
    before = {r["eci_model"]: r for r in aug}
    for name, row in added.items():
        for column in ("snapshot", "model_id", "eci", "ci_low", "ci_high", "model_date"):
            assert row[column] == before[name][column], (name, column)
    assert added["GPT-5.6 Sol"]["eci"] == "161.65"
    assert "eci_scores gpt-5.6-sol ECI 2026-08-11 161.65 (2026-07-09; [159.11, 164.85])" in out

    after = tables(datasets)
    status, out, _ = refresh(url, "--snapshot", "2026-08-11")
    assert status == 0 and "added: 0" in out and tables(datasets) == after


def test_a_repeated_release_is_not_a_new_snapshot(server: FeedServer, datasets: Path) -> None:
    url = server.add(
        "/eci-again.csv", Route((FIXTURES / "eci_scores.csv").read_bytes(), content_type="text/csv")
    )
    before = tables(datasets)
    status, out, err = refresh(url)  # snapshot: today, but the values are Aug 2026's
    assert status == 0, err
    assert "every index row equals snapshot 2026-08-11" in out
    assert tables(datasets) == before


def test_the_hub_zip_with_benchmark_files_and_the_index(server: FeedServer, datasets: Path) -> None:
    files = {
        f"benchmark_data/{p.name}": p.read_bytes()
        for p in FIXTURES.glob("*.csv")
        if p.name != "eci_scores.csv"
    }
    url = server.add("/benchmark_data.zip", Route(zipped(files), content_type="application/zip"))
    removed = remove_runs(datasets, run_ids(FIXTURES / "gpqa_diamond.csv"))

    status, out, err = refresh(url, "--dry-run")

    assert status == 0, err
    assert "benchmark_data/hle_external.csv: a copy of a third-party leaderboard" in out
    added = re.findall(r"benchmark_scores (\S+) GPQA-Diamond (\S+) \(", out)
    assert added and len(added) <= len(removed)
    assert "dry run" in out
    # The index of the hub file is the May 2026 release already recorded.
    assert "every index row equals snapshot 2026-05-14" in out


# ---------------------------------------------------------------- malformed input


def _runs_with(old: str, new: str) -> bytes:
    text = (FIXTURES / "benchmarks_runs.csv").read_text(encoding="utf-8-sig")
    assert old in text
    return text.replace(old, new, 1).encode()


HOSTILE = {
    "wrong-columns": (
        Route(b"model,benchmark,score\ngpt-5,GPQA,0.9\n", content_type="text/csv"),
        "wrong columns for an Epoch file: got 'model', 'benchmark', 'score'",
    ),
    "unreadable-date": (
        Route(_runs_with("2 de mayo de 2026 2:08am", "dos de mayo"), content_type="text/csv"),
        "started_at: 'dos de mayo' is not a date",
    ),
    "bad-decimal-comma": (
        Route(_runs_with('"0,961"', '"0,9,61"'), content_type="text/csv"),
        "Best score (across scorers): '0,9,61' is not a number",
    ),
    "score-above-one": (
        Route(_runs_with('"0,961"', '"96,1"'), content_type="text/csv"),
        "'96,1' is outside 0..1",
    ),
    "html-page": (
        Route(b"<!DOCTYPE html><html><body>Sign in</body></html>", content_type="text/html"),
        "sent an HTML page (HTTP 200), not a ZIP or CSV download",
    ),
    "html-labelled-csv": (
        Route(b"<html><body>Sign in</body></html>", content_type="text/csv"),
        "this is an HTML/XML page, not a ZIP or CSV download",
    ),
    "json-content-type": (
        Route(b'{"a": 1}', content_type="application/json"),
        "content type 'application/json' is not ZIP or CSV",
    ),
    "huge-body": (
        # 100 MB, generated chunk by chunk: the test never holds it in memory.
        Route(lambda: iter([b"id,task\n", *([b"a" * (1 << 20)] * 100)]), content_type="text/csv"),
        "over the 50.0 MB limit",
    ),
    "zip-bomb": (
        Route(
            zipped({"eci_scores.csv": b"Model," + b"x" * (60 * 1024 * 1024)}),
            content_type="application/zip",
        ),
        "unpacks to 60.0 MB, over the 50.0 MB limit",
    ),
    "not-found": (Route(b"missing", status=404, content_type="text/plain"), "HTTP 404 Not Found"),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_malformed_download_changes_nothing(case: str, server: FeedServer, datasets: Path) -> None:
    route, expected = HOSTILE[case]
    url = server.add(f"/hostile/{case}", route)
    before = tables(datasets)
    listing = sorted(p.name for p in datasets.iterdir())

    status, out, err = refresh(url)

    assert status == 1 and out == ""
    assert err.startswith("error: ") and "Traceback" not in err
    assert expected in err
    assert "nothing was changed" in err
    assert tables(datasets) == before
    assert sorted(p.name for p in datasets.iterdir()) == listing


def test_stalled_server_hits_the_timeout(server: FeedServer, datasets: Path) -> None:
    url = server.add("/stalled", Route(stall=30))
    status, _out, err = refresh(url, "--timeout", "0.5")
    assert status == 1 and "timed out" in err and "0.5 s" in err


def test_a_refresh_waits_for_the_lock_and_gives_up_cleanly(datasets: Path) -> None:
    before = tables(datasets)
    with (
        table_lock(datasets / "eci_scores.csv", timeout=1),
        pytest.raises(RefreshError, match="has been held by another refresh for over 0.2 s"),
    ):
        score_feeds.refresh_scores(
            "epoch",
            file=FIXTURES / "eci_scores.csv",
            today=date(2026, 12, 4),
            snapshot=date(2026, 12, 4),
            lock_timeout=0.2,
        )
    assert tables(datasets) == before


def test_json_report(server: FeedServer, datasets: Path) -> None:
    import json

    body = (FIXTURES / "benchmarks_runs.csv").read_bytes()
    url = server.add("/runs-json.csv", Route(body, content_type="text/csv"))
    remove_runs(datasets, {"BTeRdhgt6TFBj6QkGX2j6P"})
    status, out, err = refresh(url, "--dry-run", "--json")
    assert status == 0, err
    report = json.loads(out)
    assert report["dry_run"] is True and report["written"] is False
    (change,) = report["changes"]
    assert (change["table"], change["value"], change["when"]) == (
        "benchmark_scores",
        "0.961",
        "2026-05-02",
    )


# ---------------------------------------------------------------- the full files


def test_the_full_hub_download_adds_the_runs_then_changes_nothing(
    reference_dir: Path, server: FeedServer, datasets: Path
) -> None:
    hub = reference_dir / "fresh_2026" / "epoch" / "benchmark_data_2026-05"
    files = {p.name: p.read_bytes() for p in hub.glob("*.csv")}
    url = server.add(
        "/full/benchmark_data.zip", Route(zipped(files), content_type="application/zip")
    )
    removed = remove_runs(datasets, run_ids(hub / "benchmarks_runs-PUBLIC VIEW.csv"))
    assert len(removed) > 250

    status, out, err = refresh(url)
    assert status == 0, err
    _, rows = read(datasets / "benchmark_scores.csv")
    added = [r for r in rows if url in r["source"]]
    assert len(added) >= 250
    for row in added:
        before = removed[RUN_ID.search(row["notes"] + ";").group(1)]
        assert (row["model_id"], row["benchmark"]) == (before["model_id"], before["benchmark"])
        if "PUBLIC VIEW" in before["source"]:  # the same export: the same score and day
            assert Decimal(row["score"]) == Decimal(before["score"])
            assert row["source_date"] == before["source_date"]
    after = tables(datasets)
    status, out, _ = refresh(url)
    assert status == 0 and "added: 0" in out and tables(datasets) == after
