"""The fuzzy matcher: OCR damage and split words are found, a quote that only ends like
the phrase is not."""

from __future__ import annotations

import pytest

from policyscan.match.fuzzy import FuzzyMatcher, FuzzyPhrase

_MATCHER = FuzzyMatcher([FuzzyPhrase("prior-auth.term", "precertification", 90.0),
                         FuzzyPhrase("necessity.statement", "medically necessary", 90.0)])


def _quotes(text: str) -> list[str]:
    return [text[h.start:h.end] for h in _MATCHER.find(text, [(0, len(text))])]


@pytest.mark.parametrize(("text", "quote"), [
    ("Precertifcation may be required for a scan.", "Precertifcation"),
    ("Services must be medi cally necessary to be paid.", "medi cally necessary"),
    ("Some admissions need pre-certification first.", "pre-certification"),
])
def test_damaged_wording_is_found(text: str, quote: str) -> None:
    assert quote in _quotes(text)


@pytest.mark.parametrize("text", [
    # the end of one word and the next ("-re certification") align with the phrase
    "Agents must complete the annual Medicare certification before they sell a plan.",
    "A reviewer's board certification is listed on the decision letter.",
])
def test_a_quote_that_only_ends_like_the_phrase_is_not_found(text: str) -> None:
    assert _quotes(text) == []
