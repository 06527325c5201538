"""Is a page's text layer usable? A page that is not must never read as "no findings".

Two failure shapes are common in insurance PDFs: image-only pages (scans, faxed forms)
with no text at all, and pages whose font lacks a usable Unicode map, so the text layer
is control characters or letter salad (a multilingual nondiscrimination notice is the
classic case).
"""

from __future__ import annotations

import re

# Fewer visible characters than this and the page carries no statement worth scanning;
# a page number or a running header alone is not a text layer.
MIN_VISIBLE_CHARS = 12
# Share of visible characters that are control codes, U+FFFD or private-use code points
# above which the font map is broken.
MAX_BAD_SHARE = 0.15
# Share of longer words with no vowel above which the text is letter salad (a font that
# maps glyphs to the wrong letters). Real English prose sits far below this.
MAX_VOWELLESS_SHARE = 0.45

# Share of one-letter tokens above which words have been torn apart; English prose has
# about 5% ("a", "I", list markers).
MAX_SINGLE_LETTER_SHARE = 0.35

_WORD = re.compile(r"[A-Za-z]{4,}")
_VOWEL = re.compile(r"[AEIOUYaeiouy]")


# Control codes (but line breaks and tabs), U+FFFD and the private-use area.
_BAD = re.compile("[\x00-\x08\x0b\x0e-\x1f\ufffd\ue000-\uf8ff]")


def judge_page(text: str, known_problem: str | None = None) -> str | None:
    """None when the page's text is usable, else "no_text" or "garbled"."""
    if known_problem is not None:
        return known_problem
    tokens = text.split()
    visible = sum(map(len, tokens))
    if visible < MIN_VISIBLE_CHARS:
        return "no_text"
    bad = len(_BAD.findall(text)) + 6 * text.count("(cid:")
    if bad > visible * MAX_BAD_SHARE:
        return "garbled"
    if len(tokens) >= 40:
        # "F o r m o re in fo rm a tio n": glyphs read one by one (rotated or spaced-out
        # text); words are broken, so nothing would match.
        singles = sum(1 for t in tokens if len(t) == 1 and t.isalpha())
        if singles > len(tokens) * MAX_SINGLE_LETTER_SHARE:
            return "garbled"
    words = _WORD.findall(text)
    if len(words) >= 20:
        vowelless = sum(1 for w in words if not _VOWEL.search(w) and not w.isupper())
        if vowelless > len(words) * MAX_VOWELLESS_SHARE:
            return "garbled"
    return None
