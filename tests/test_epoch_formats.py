"""Reading Epoch AI's public formats: committed excerpts of the real files, and hostile inputs.

The excerpts in tests/fixtures/epoch/ are the first rows of the real files (see
the README there); the full files are read too when the reference data is
present.
"""

from __future__ import annotations

import io
import zipfile
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from analysis.errors import RefreshError
from analysis.feeds.epoch import parse_number, parse_when, read_epoch, split_version
from analysis.feeds.fetch import FeedProblem

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "epoch"
LIMIT = 20 * 1024 * 1024


def zipped(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0.961", "0.961"),
        ("0,961", "0.961"),  # a decimal comma, as in Epoch's Spanish-locale runs view
        ("1.234,5", "1234.5"),
        ("1,234.5", "1234.5"),
        ("1,234", "1.234"),  # a single comma is a decimal comma
        ("1,234,567", "1234567"),
        (" 2e-3 ", "0.002"),
    ],
)
def test_numbers_in_either_convention(text: str, expected: str) -> None:
    assert parse_number(text, "cell") == Decimal(expected)


@pytest.mark.parametrize("text", ["", "n/a", "nan", "Infinity", "0,9,6"])
def test_what_is_not_a_number_is_refused(text: str) -> None:
    with pytest.raises(FeedProblem, match="cell"):
        parse_number(text, "cell")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-05-02", date(2026, 5, 2)),
        ("2026-04-24T16:01:38.000Z", date(2026, 4, 24)),
        ("2026-04-24T23:30:00-05:00", date(2026, 4, 25)),  # its UTC day
        ("2 de mayo de 2026 2:08am", date(2026, 5, 2)),
        ("30 de septiembre de 2025 11:59pm", date(2025, 9, 30)),
        ("May 2, 2026", date(2026, 5, 2)),
        ("2 May 2026", date(2026, 5, 2)),
    ],
)
def test_dates_iso_spanish_or_english(text: str, expected: date) -> None:
    assert parse_when(text, "cell") == expected


@pytest.mark.parametrize("text", ["05/02/2026", "31 de febrero de 2026", "mañana", "2026-13-01"])
def test_ambiguous_or_impossible_dates_are_refused(text: str) -> None:
    with pytest.raises(FeedProblem, match="is not a date"):
        parse_when(text, "cell")


def test_model_versions_split_into_model_and_setting() -> None:
    assert split_version("gpt-5.5-pre-release_xhigh") == ("gpt-5.5-pre-release", "xhigh")
    assert split_version("claude-opus-4-5_32K") == ("claude-opus-4-5", "32K")
    assert split_version("gpt-5.5_unknown") == ("gpt-5.5", "")
    assert split_version("kimi-k2.6") == ("kimi-k2.6", "")


def test_the_runs_view_with_spanish_dates_and_decimal_commas() -> None:
    body = (FIXTURES / "benchmarks_runs.csv").read_bytes()
    assert body.startswith(b"\xef\xbb\xbf") and b'"0,961"' in body  # as Epoch serves it
    download = read_epoch(body, "benchmarks_runs.csv", max_bytes=LIMIT)
    first = download.runs[0]
    assert (first.run_id, first.model_version, first.benchmark) == (
        "BTeRdhgt6TFBj6QkGX2j6P",
        "kimi-k2.6",
        "OTIS-Mock-AIME-2024-2025",
    )
    assert first.score == Decimal("0.961") and first.run_date == date(2026, 5, 2)
    assert first.task_version == "1.1.3"
    assert all(Decimal(0) <= r.score <= 1 for r in download.runs)
    assert download.eci == ()


def test_a_per_benchmark_file_and_the_index_in_one_zip() -> None:
    body = zipped(
        {
            "benchmark_data/gpqa_diamond.csv": (FIXTURES / "gpqa_diamond.csv").read_bytes(),
            "benchmark_data/epoch_capabilities_index.csv": (
                FIXTURES / "epoch_capabilities_index.csv"
            ).read_bytes(),
            "benchmark_data/hle_external.csv": (FIXTURES / "hle_external.csv").read_bytes(),
            "benchmark_data/README.md": b"# Licensing\n",
        }
    )
    download = read_epoch(body, "https://example.org/benchmark_data.zip", max_bytes=LIMIT)
    assert {r.benchmark for r in download.runs} == {"GPQA-Diamond"}
    gpt = next(r for r in download.runs if r.model_version == "gpt-5.5-pre-release_xhigh")
    assert (gpt.model, gpt.setting, gpt.run_date) == (
        "gpt-5.5-pre-release",
        "xhigh",
        date(2026, 4, 24),
    )
    assert gpt.score == Decimal("0.9400252525252525") and gpt.stderr is not None
    # The hub index has one row per model version; versions of one model share one ECI.
    pro = next(e for e in download.eci if e.model == "GPT-5.5 Pro")
    assert len(pro.versions) > 1 and pro.eci == Decimal("158.6685998857593")
    assert download.skipped == (
        (
            "benchmark_data/hle_external.csv",
            "a copy of a third-party leaderboard, not an Epoch run",
        ),
    )


def test_eci_scores_with_its_interval() -> None:
    download = read_epoch(
        (FIXTURES / "eci_scores.csv").read_bytes(), "eci_scores.csv", max_bytes=LIMIT
    )
    top = download.eci[0]
    assert (top.model, top.eci, top.ci_low, top.ci_high) == (
        "GPT-5.6 Sol",
        Decimal("161.65"),
        Decimal("159.11"),
        Decimal("164.85"),
    )
    assert top.model_date == date(2026, 7, 9) and top.accessibility == "API access"
    assert len(download.eci) == 25


def test_wrong_columns_are_named() -> None:
    body = b"name,score,when\nGPT-5,0.9,2026-01-01\n"
    with pytest.raises(RefreshError) as info:
        read_epoch(body, "scores.csv", max_bytes=LIMIT)
    message = str(info.value)
    assert "scores.csv: wrong columns for an Epoch file: got 'name', 'score', 'when'" in message
    assert "nothing was changed" in message


def test_a_bad_cell_is_reported_with_file_line_and_column() -> None:
    text = (FIXTURES / "gpqa_diamond.csv").read_text(encoding="utf-8").splitlines()
    cells = text[3].split(",")
    cells[1] = "1.7"  # mean_score above 1
    text[3] = ",".join(cells)
    with pytest.raises(RefreshError) as info:
        read_epoch("\n".join(text).encode(), "gpqa_diamond.csv", max_bytes=LIMIT)
    assert "gpqa_diamond.csv:4: mean_score: '1.7' is outside 0..1" in str(info.value)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b"<!DOCTYPE html><html><body>Sign in</body></html>", "this is an HTML/XML page"),
        (b"\xff\xfeM\x00o\x00d\x00e\x00l\x00", "binary data, not a CSV file"),
        (b"Model,eci\n\xe9,1\n", "not UTF-8 text"),
        (b"", "the download is empty"),
        (b"PK\x03\x04garbage", "not a readable ZIP archive"),
    ],
)
def test_hostile_bodies_are_refused(body: bytes, expected: str) -> None:
    with pytest.raises(RefreshError, match=expected):
        read_epoch(body, "download", max_bytes=LIMIT)


def test_a_zip_that_unpacks_beyond_the_limit_is_refused_before_unpacking() -> None:
    bomb = zipped({"eci_scores.csv": b"Model," + b"x" * (3 * 1024 * 1024)})
    assert len(bomb) < 100_000  # small on the wire
    with pytest.raises(RefreshError, match=r"unpacks to 3\.0 MB, over the 1\.0 MB limit"):
        read_epoch(bomb, "benchmark_data.zip", max_bytes=1024 * 1024)


def test_a_zip_without_epoch_files_is_refused() -> None:
    with pytest.raises(RefreshError, match="no Epoch runs or Capabilities Index rows"):
        read_epoch(zipped({"notes.csv": b"a,b\n1,2\n"}), "x.zip", max_bytes=LIMIT)


def test_the_full_reference_files_read_cleanly(reference_dir: Path) -> None:
    epoch = reference_dir / "fresh_2026" / "epoch"
    files = {p.name: p.read_bytes() for p in (epoch / "benchmark_data_2026-05").glob("*.csv")}
    download = read_epoch(zipped(files), "benchmark_data.zip", max_bytes=LIMIT)
    assert len(download.runs) > 1000 and len(download.eci) > 100
    assert {name for name, _why in download.skipped} >= {"hle_external.csv", "swe_bench_bash.csv"}
    aug = read_epoch(
        (epoch / "teci_raw_2026-08-11" / "eci_scores.csv").read_bytes(),
        "eci_scores.csv",
        max_bytes=LIMIT,
    )
    assert len(aug.eci) == 222
