"""Synthetic prompts and their calibration to a target length in tokens.

Prompts are random draws of common English words (:data:`PROMPT_WORDS`), one
seed per request so that no server can reuse a cached prefix from another
request. :func:`calibrate_prompt` finds how many words make the wanted number
of tokens, with the server's tokenizer when it offers one.
"""

from __future__ import annotations

import random
from collections.abc import Callable

#: Words of the synthetic prompts: common English words, about one token each
#: in most tokenizers (the tiny server's vocabulary holds each as one token).
PROMPT_WORDS: tuple[str, ...] = tuple(
    "the of and to in is that for it as with on be by this are from at or an will can "
    "which data model cost price token time per more than each use we our plan team "
    "market risk value open user work year new first one two also how when what".split()
)


def synthetic_prompt(words: int, seed: int) -> str:
    """Text of ``words`` common English words drawn with ``seed`` (meaningless, deterministic).

    Args:
        words: number of words (at least 1).
        seed: seed of the draw; each request uses its own, so servers cannot reuse a
            cached prefix from another request.

    Returns:
        The prompt text.
    """
    rng = random.Random(seed)
    return " ".join(rng.choices(PROMPT_WORDS, k=max(1, words)))


# Characters per word of the synthetic text (mean word length plus a space).
_CHARS_PER_WORD = sum(len(w) + 1 for w in PROMPT_WORDS) / len(PROMPT_WORDS)


def calibrate_prompt(
    target_tokens: int, count_tokens: Callable[[str], int] | None, counted_note: str = ""
) -> tuple[int, str]:
    """How many synthetic words make a prompt of about ``target_tokens`` tokens.

    With a tokenizer: start from ~4 characters per token, count, rescale
    ``words = words * target / counted`` twice and keep the closest. Without
    one: ``words = target * 4 / characters per word``, flagged as an estimate.

    Args:
        target_tokens: the wanted prompt length, tokens.
        count_tokens: counts the tokens the server will see for a prompt text (its
            tokenizer, plus the chat template and special tokens where known), or None.
        counted_note: what the count includes, appended to the basis.

    Returns:
        ``(words, basis)``, the basis saying how the length was set.
    """
    words = max(1, round(target_tokens * 4 / _CHARS_PER_WORD))
    if count_tokens is None:
        return words, (
            f"estimate: ~4 characters per token ({words} words for {target_tokens} tokens); "
            "the server offers no tokenizer endpoint, and a chat template's tokens are not "
            "counted"
        )
    best: tuple[int, int] | None = None
    for _ in range(3):
        counted = count_tokens(synthetic_prompt(words, 0))
        if best is None or abs(counted - target_tokens) < abs(best[1] - target_tokens):
            best = (words, counted)
        if counted == target_tokens or counted <= 0:
            break
        words = max(1, round(words * target_tokens / counted))
    assert best is not None
    return best[0], (
        f"server tokenizer: {best[0]} words = {best[1]} tokens (target {target_tokens})"
        f"{counted_note}"
    )
