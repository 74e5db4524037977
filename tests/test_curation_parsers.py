"""The curation's parsers on committed excerpts of the reference payloads.

The excerpts (tests/fixtures/reference/, see its README) keep the reference's paths,
so the readers of tools/curate run on them unchanged and these tests need no
../shared beside the checkout. Expected values are read off the excerpt text by
hand (e.g. '"0,961"' is 0.961; '2 de mayo de 2026' is 2026-05-02).
"""

from __future__ import annotations

import shutil
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from tools.curate import arena, benchmarks2026, eci, models2026, parsers, shapes  # noqa: E402

EXCERPTS = REPO / "tests" / "fixtures" / "reference"


# --------------------------------------------------------------------------- dates and numbers


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2 de mayo de 2026 2:08am", date(2026, 5, 2)),
        ("24 de abril de 2026 4:38pm", date(2026, 4, 24)),
        ("1 de septiembre de 2025 10:25am", date(2025, 9, 1)),
        ("17 November 2025 4:28pm", date(2025, 11, 17)),  # the earlier English export
        ("2026-04-24T16:01:38.000Z", date(2026, 4, 24)),
        ("", None),
    ],
)
def test_run_dates_in_every_export_spelling(text: str, expected: date | None) -> None:
    assert parsers.parse_run_date(text) == expected


@pytest.mark.parametrize("text", ["31 de febrero de 2026 1:00am", "2 de mayo 2026", "mayo 2026"])
def test_impossible_or_partial_run_dates_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parsers.parse_run_date(text)


def test_decimal_commas() -> None:
    assert parsers.parse_decimal("0,961") == Decimal("0.961")
    assert parsers.parse_decimal("0.961") == Decimal("0.961")
    assert parsers.parse_decimal("1.234,5") == Decimal("1234.5")
    # '1,000' is a thousand in an English export, 1 in Epoch's Spanish one
    with pytest.raises(ValueError):
        parsers.parse_decimal("1,000")
    assert parsers.parse_decimal("1,000", comma_decimal=True) == Decimal("1")
    assert parsers.parse_count("26,019") == 26019


# --------------------------------------------------------------------------- Epoch runs


def test_epoch_runs_from_the_spanish_export() -> None:
    versions = {"kimi-k2.6": "kimi-k2.6", "gpt-5.5-pro-pre-release": "gpt-5.5-pro"}
    rows, log = benchmarks2026.epoch_runs(EXCERPTS, versions, skip_ids=set())
    by_id = {r["row_ref"]: r for r in rows}
    otis = by_id["kimi-k2.6 | OTIS Mock AIME 2024-2025"]
    assert (otis["score"], otis["score_pct"], otis["source_date"]) == (
        "0.961",
        "96.1",
        "2026-05-02",
    )
    assert otis["benchmark"] == "OTIS-Mock-AIME-2024-2025"
    assert otis["eval_relationship"] == "independent"
    assert otis["setting"].endswith("default settings")
    gpqa = by_id["kimi-k2.6 | GPQA diamond"]
    assert (gpqa["score"], gpqa["source_date"]) == ("0.908", "2026-05-01")
    # '1,000' in the Spanish export is a perfect score, not a thousand
    perfect = by_id["gpt-5.5-pro-pre-release_xhigh | OTIS Mock AIME 2024-2025"]
    assert (perfect["score"], perfect["score_pct"]) == ("1", "100")
    assert perfect["setting"].endswith("reasoning effort / thinking budget=xhigh")
    # stderr joined from the per-benchmark file on the run id (0.015832... rounded)
    joined = by_id["gpt-5.5-pro-pre-release_xhigh | GPQA diamond"]
    assert "stderr 0.0158 (gpqa_diamond.csv)" in joined["notes"]
    assert joined["score"] == "0.939"
    # runs the reference already holds are skipped by run id
    again, _ = benchmarks2026.epoch_runs(EXCERPTS, versions, {"BTeRdhgt6TFBj6QkGX2j6P"})
    assert len(again) == len(rows) - 1
    assert any("no stderr joined" in line for line in log)


def test_a_run_whose_score_disagrees_with_its_benchmark_file_fails(tmp_path: Path) -> None:
    ref = tmp_path / "ref"
    shutil.copytree(EXCERPTS, ref)
    gpqa = ref / benchmarks2026.HUB / "gpqa_diamond.csv"
    gpqa.write_text(
        gpqa.read_text(encoding="utf-8").replace(",0.9392135642135643,2026", ",0.9,2026")
    )
    with pytest.raises(ValueError, match="cBmhJzrC3SkfZ7uVgGVYZX"):
        benchmarks2026.epoch_runs(ref, {"gpt-5.5-pro-pre-release": "gpt-5.5-pro"}, set())


# --------------------------------------------------------------------------- ECI snapshots


def test_eci_readers_and_the_hub_fold() -> None:
    aug = {e.name: e for e in eci.read_aug(EXCERPTS)}
    assert aug["GPT-5.6 Sol"].eci == Decimal("161.65")  # the Aug file's top model
    assert aug["Nemotron 3 Ultra"].eci == Decimal("142.83")
    oct_ = {e.name: e for e in eci.read_oct(EXCERPTS)}
    assert oct_["Nemotron 3 Ultra"].eci == Decimal("146.19")  # refit: not comparable to Aug
    assert oct_["GPT-6 Astra"].model_date == "2026-09-03"
    hub = {e.name: e for e in eci.read_hub(EXCERPTS)}
    # two Kimi K2.5 versions share one score: one row; GPT-4o's two snapshots differ: two rows
    assert hub["Kimi K2.5"].versions == ("fireworks/kimi-k2p5", "kimi-k2.5")
    assert {"GPT-4o (gpt-4o-2024-05-13)", "GPT-4o (gpt-4o-2024-08-06)"} <= set(hub)
    assert hub["DeepSeek-V3.2"].versions == ("deepseek-chat", "deepseek-reasoner")


def test_eci_transcription_cross_check_on_the_excerpt() -> None:
    found = eci.cross_check(eci.read_oct(EXCERPTS), eci.read_aug(EXCERPTS), eci.read_hub(EXCERPTS))
    assert found == {
        ("aug", "Kimi K2.5", "date"): "2026-01-27 vs 2026-02-02",
        ("aug", "Qwen 3.6 Plus", "date"): "2026-03-31 vs 2026-04-01",
        ("aug", "Mistral Medium 3.5", "date"): "2026-04-28 vs 2026-04-29",
        ("aug", "Gemini 3.5 Flash", "organisation"): "Google DeepMind vs Google",
        ("aug", "Nemotron 3 Ultra", "organisation"): "Nvidia vs NVIDIA",
        ("aug", "GPT-5.1-Codex-Max", "missing_in_oct"): "Aug 2025-11-19; not in Oct",
        ("hub", "Kimi K2.5", "accessibility"): (
            "Open weights (unrestricted) vs Open weights (restricted use)"
        ),
    }
    # every finding on the excerpt is one the curation documents
    assert set(found) <= set(eci.KNOWN_DISAGREEMENTS)


def test_a_transcription_slip_is_caught(tmp_path: Path) -> None:
    ref = tmp_path / "ref"
    shutil.copytree(EXCERPTS, ref)
    oct_file = ref / eci.OCT_FILE
    text = oct_file.read_text(encoding="utf-8")
    # a mistyped date, and a mistyped value outside its own interval
    text = text.replace("GLM-5,Z.ai (Zhipu AI),2026-02-11", "GLM-5,Z.ai (Zhipu AI),2026-02-12")
    text = text.replace(
        "DeepSeek-V3.2,DeepSeek,2025-12-01,146.27", "DeepSeek-V3.2,DeepSeek,2025-12-01,164.27"
    )
    oct_file.write_text(text, encoding="utf-8")
    rows = eci.read_oct(ref)
    found = eci.cross_check(rows, eci.read_aug(ref), eci.read_hub(ref))
    assert found[("aug", "GLM-5", "date")] == "2026-02-12 vs 2026-02-11"
    assert found[("hub", "GLM-5", "date")] == "2026-02-12 vs 2026-02-11"
    assert eci.sanity(rows) == ["eci 2026-10-01: 'DeepSeek-V3.2' 164.27 outside [144.42, 147.49]"]


def test_every_documented_disagreement_is_explained_in_sources_md() -> None:
    text = (REPO / "datasets" / "SOURCES.md").read_text(encoding="utf-8")
    for (_, name, _), resolution in eci.KNOWN_DISAGREEMENTS.items():
        assert resolution.strip()
        assert name in text, f"SOURCES.md does not mention the ECI disagreement on {name}"


def test_open_weights_from_epoch_accessibility() -> None:
    assert eci.open_from_accessibility("Open weights (non-commercial)") == "true"
    assert eci.open_from_accessibility("Hosted access (no API)") == "false"
    assert eci.open_from_accessibility("Unknown") == ""


# --------------------------------------------------------------------------- shapes and recipes


def test_slime_arguments_with_shell_variables_and_arithmetic() -> None:
    folder = EXCERPTS / "fresh_2026" / "open_models" / "slime_model_scripts"
    glm5 = parsers.slime_args((folder / "glm5-744B-A40B.sh").read_text(encoding="utf-8"))
    assert glm5["--num-layers"] == "78"  # $((N_DENSE_LAYERS + N_MOE_LAYERS)) = 3 + 75
    assert glm5["--moe-shared-expert-intermediate-size"] == "2048"  # $(($MOE_FFN_HIDDEN * 1))
    assert parsers.moe_layer_split(glm5["--moe-layer-freq"], 78) == (3, 75)
    assert "--multi-latent-attention" in glm5
    dsv3 = parsers.slime_args((folder / "deepseek-v3.sh").read_text(encoding="utf-8"))
    assert dsv3["--num-layers"] == "61"  # "${MODEL_ARGS_NUM_LAYERS:-61}"
    assert dsv3["FIRST_K_DENSE_REPLACE"] == "3"
    minimax = parsers.slime_args((folder / "minimax-m2.sh").read_text(encoding="utf-8"))
    assert parsers.moe_layer_split(minimax["--moe-layer-freq"], 62) == (0, 62)
    with pytest.raises(ValueError):
        parsers.moe_layer_split("[0]*3+[1]*75", 61)


def test_shapes_agree_with_the_slime_scripts_they_cite() -> None:
    assert shapes.check_against_slime(EXCERPTS, only_present=True) == []


def test_a_shape_typo_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    import dataclasses

    wrong = dataclasses.replace(shapes.SHAPES["glm-5"], kv_lora_rank=576)
    monkeypatch.setitem(shapes.SHAPES, "glm-5", wrong)
    assert shapes.check_against_slime(EXCERPTS, only_present=True) == [
        "model_shapes glm-5: kv_lora_rank = 576 but glm5-744B-A40B.sh says 512"
    ]


def test_vllm_recipe_sizes() -> None:
    assert parsers.billions("1600B") == Decimal("1600")
    assert parsers.billions('"2.8T"') == Decimal("2800")
    assert parsers.billions("230M") == Decimal("0.230")
    assert parsers.billions("16 experts/token + shared (of 896 routed)") is None
    index = models2026.vllm_index(EXCERPTS)
    v4 = index["deepseek-ai/DeepSeek-V4-Pro"]
    assert (v4.total_b, v4.active_b, v4.context, v4.variant) == ("1600", "49", "1048576", False)
    assert index["deepseek-ai/DeepSeek-V4-Pro-0813"].variant  # the 0813 release is a variant
    k3 = index["moonshotai/Kimi-K3"]
    assert (k3.total_b, k3.active_b) == ("2800", "")


# --------------------------------------------------------------------------- leaderboards


def test_lmarena_scrapes(tmp_path: Path) -> None:
    ids = {
        "gemini-3-pro-preview",
        "claude-3.5-haiku-2024-10-22",
        "deepseek-v3.2-exp",
        "qwen3-235b-a22b-instruct-2507",
        "gemini-2.5-pro",
        "glm-4.5",
        "yi-34b-chat",
        "gemini-2.5-pro-preview-05-06",
        "grok-4-0709",
        "claude-opus-4.1-2025-08-05",
        "claude-sonnet-4.5-2025-09-29",
        "gpt-4.5-preview-2025-02-27",
    }
    rows, log = arena.cherry_rows(EXCERPTS, ids)
    by = {(r["snapshot_date"], r["arena_model"]): r for r in rows}
    nov = by[("2025-11-25", "gemini-3-pro")]
    assert (nov["rating"], nov["votes"], nov["model_id"], nov["open_weights"]) == (
        "1495",
        "5471",
        "gemini-3-pro-preview",
        "false",
    )
    assert "preliminary rating" in nov["rating_method"]
    # the organisation glued to the name is stripped for the lookup only
    haiku = by[("2025-11-25", "Anthropicclaude-3-5-haiku-20241022")]
    assert haiku["model_id"] == "claude-3.5-haiku-2024-10-22"
    assert haiku["open_weights"] == "false"  # 'Propretary' as the board spells it
    assert by[("2025-11-25", "deepseek-v3.2-exp-thinking")]["open_weights"] == "true"  # MIT
    sep = by[("2025-09-30", "Gemini-2.5-Pro")]
    assert (sep["rating"], sep["votes"], sep["rating_95ci"]) == ("1470", "26019", "+5/-5")
    assert "looks stale" in sep["rating_method"]
    assert any("exact duplicate of 'Yi-34B-Chat'" in line for line in log)


def test_vectara_factual_consistency() -> None:
    rows, _ = benchmarks2026.vectara(EXCERPTS)
    by = {r["model_id"]: r for r in rows}
    assert by["glm-5"]["score"] == "89.9"  # 100 - 10.1 % hallucination rate
    assert "hallucination rate 10.1 %" in by["glm-5"]["notes"]
    assert by["deepseek-v3.2"]["eval_relationship"] == "independent"
    assert "antgroup/finix_s1_32b" not in {r["row_ref"].split(" | ")[0] for r in rows}


def test_livebench_averages_recomputed_by_hand() -> None:
    rows, _ = benchmarks2026.livebench(EXCERPTS)
    glm5 = {r["benchmark"]: r for r in rows if r["model_id"] == "glm-5"}
    # Reasoning = (82.692 + 35.75 + 92 + 66) / 4 = 69.1105 -> 69.111 (half-up)
    assert glm5["LiveBench Reasoning (2026-01-08 set)"]["score"] == "69.111"
    # global = mean of the 7 category means = 481.965 / 7 = 68.852...
    assert glm5["LiveBench Global average (2026-01-08 set)"]["score"] == "68.852"
    assert glm5["LiveBench Global average (2026-01-08 set)"]["source_date"] == "2026-02-12"
    assert {r["model_id"] for r in rows} == {"glm-5", "deepseek-v3.2"}  # elephant-alpha unmapped
