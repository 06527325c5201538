"""Words read again for matching (OCR's misreadings, hyphenated compounds), and quoted as
the page prints them.

A repair is made only when it turns a word the pattern data does not use into one it does;
real words ("return", "burn", "stern") and words the rules know stay as they are.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from policyscan.extract import open_document
from policyscan.extract.normalize import normalize
from policyscan.rules.loader import RuleSet
from policyscan.scanner import Scanner

SAMPLES = Path(__file__).resolve().parent.parent / "sample_policies"


def read(scanner: Scanner, raw: str) -> str:
    text: str = normalize(raw, scanner.word_repairs).text
    return text


@pytest.mark.parametrize(("raw", "expected"), [
    # "rn" read for "m"
    ("Cosrnetic surgery", "Cosmetic surgery"),
    ("services that are not rnedically necessary", "services that are not medically necessary"),
    ("the rnernber may appeal", "the member may appeal"),
    # a capital I read as "l"
    ("an lndependent review", "an Independent review"),
    # a heading glued to its first sentence
    ("EXCLUSIONSCosmetic surgery", "EXCLUSIONS Cosmetic surgery"),
    # a line-end hyphen left before a space
    ("No bene- fits are paid", "No benefits are paid"),
    # a final "1" read for "l", and footnote markers after a word
    ("You may appea1 the denia1", "You may appeal the denial"),
    ("Cosmetic surgery | Not covered1", "Cosmetic surgery | Not covered "),
    ("Exception2: an injury", "Exception : an injury"),
    # a rule's two-word phrase written as a compound modifier
    ("a medical-necessity review", "a medical necessity review"),
    ("prior-authorization rules", "prior authorization rules"),
])
def test_misread_words_are_read_as_the_words_meant(scanner: Scanner, raw: str,
                                                   expected: str) -> None:
    assert read(scanner, raw) == expected


@pytest.mark.parametrize("raw", [
    # real words with "rn", "l" + consonant, capitals before small letters, hyphens
    "Return the form; a burn or a stern warning in the internal and external review.",
    "Turn to the Governor's modern journal of concerns.",
    "Weigh 10 lbs; call the HMOs, PPOs and the SBCs.",
    "pre- and post-operative care; in- and out-of-network, follow-up, non-preferred",
    "Write to us with in 30 days",  # two words the rules know are never joined
    "every ser vice",  # a split word on a page without other OCR damage stays split
])
def test_real_words_are_left_as_printed(scanner: Scanner, raw: str) -> None:
    assert read(scanner, raw) == raw


def test_split_words_are_joined_on_a_page_with_ocr_damage(scanner: Scanner) -> None:
    assert read(scanner, "every ser vice must be rnedically necess ary") == \
        "every service must be medically necessary"
    assert read(scanner, "this device is exper imental f0r a11 uses") == \
        "this device is experimental for all uses"


def test_a_repaired_word_is_found_and_quoted_as_printed(scanner: Scanner) -> None:
    text = "EXCLUSIONSCosrnetic surgery and other ser vices to irnprove appearance."
    found = [f for f in scanner.scan_text(text).findings if f.category == "cosmetic_exclusion"]
    assert found
    assert "Cosrnetic" in found[0].quote and "irnprove" in found[0].quote
    assert found[0].quote in text


def test_offsets_of_a_repaired_text_map_back_to_the_page(scanner: Scanner) -> None:
    raw = "The rnember rnay ask for an lndependent review of ser vices."
    n = normalize(raw, scanner.word_repairs)
    assert n.text == "The member may ask for an Independent review of services."
    start = n.text.index("member")
    assert raw[slice(*n.span_to_raw(start, start + len("member")))] == "rnember"
    start = n.text.index("services")
    assert raw[slice(*n.span_to_raw(start, start + len("services")))] == "ser vices"
    for i, ch in enumerate(raw):
        if ch.isalpha() and raw[i:i + 2] != "rn" and raw[i - 1:i + 1] != "rn":
            assert n.text[n.to_norm(i)].lower() == ch.lower() or ch == "l", (i, ch)


def test_no_sample_policy_page_is_repaired(scanner: Scanner) -> None:
    """The bundled documents are born digital: every repair on them would be a false one."""
    changed = []
    paths = sorted(SAMPLES.rglob("*.pdf"))
    assert paths
    for path in paths:
        with open_document(path) as doc:
            for page in doc.pages:
                if normalize(page.marked, scanner.word_repairs).text != normalize(page.marked).text:
                    changed.append(f"{path.name} p{page.number}")
    assert not changed


def test_the_context_beside_a_quote_shows_the_page_letters(scanner: Scanner) -> None:
    """Words are read again only for matching: the context a reader sees is the page's."""
    text = ("Plan rules: appeal_filing_limit=90 days. EXCLUSIONSCosrnetic surgery is not "
            "covered1. You may appea1 within 60 days of the denia1.")
    findings = scanner.scan_text(text).findings
    contexts = " ".join(f.context for f in findings)
    assert findings and "Cosrnetic" in contexts and "appea1" in contexts
    assert "limit=90" in contexts and "covered1" in contexts
    assert "Cosmetic" not in contexts and "appeal " not in contexts


def test_footnote_marks_and_glued_headings_are_no_ocr_damage(scanner: Scanner) -> None:
    """Born-digital pages have footnote marks and glued headings too: split words are
    joined only where a letter was misread."""
    assert read(scanner, "Surgery1 for every ser vice") == "Surgery  for every ser vice"
    assert read(scanner, "EXCLUSIONSCosmetic ser vice") == "EXCLUSIONS Cosmetic ser vice"
    # a digit read as a letter is: "wi1l"
    assert read(scanner, "Surgery1 for every ser vice wi1l") == "Surgery  for every service will"


def test_a_text_with_nothing_to_repair_does_not_read_the_lexicon(rules: RuleSet) -> None:
    """Reading the pattern words costs a start-up ~5 ms: a short text that has no word to
    check (no "rn", no hyphen between words, no glued heading) never pays it."""
    repairs = Scanner(rules).word_repairs
    assert repairs("A plan may require approval before a scan. Ask for a review.", False) == []
    assert "_lexicon" not in vars(repairs)
    repairs("a medical-necessity review", False)
    assert "_lexicon" in vars(repairs)
