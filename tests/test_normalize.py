"""Normalised text for matching, and its map back to the page text.

Matchers see collapsed whitespace, straight quotes, expanded ligatures and words rejoined
across a line-end hyphen; quotes must still be exact slices of the page text, so every
normalised span has to map back to the raw span it came from.
"""

from __future__ import annotations

import pytest

from policyscan.extract.normalize import NormalizedText, normalize
from policyscan.scanner import Scanner


def norm(raw: str) -> str:
    text: str = normalize(raw).text
    return text


@pytest.mark.parametrize(("raw", "expected"), [
    ("a  b", "a b"),  # a run of spaces
    ("a\n\t b", "a b"),  # newline, tab and space together
    ("a\r\nb", "a b"),  # Windows line end
    ("a\u00a0b", "a b"),  # no-break space
    ("a\u202fb\u2007c", "a b c"),  # narrow and figure spaces
    ("  leading and trailing  ", " leading and trailing "),  # ends keep one space
])
def test_whitespace_runs_collapse_to_one_space(raw: str, expected: str) -> None:
    assert norm(raw) == expected


@pytest.mark.parametrize(("raw", "expected"), [
    ("pre\ufffeauthorization", "preauthorization"),  # a word split at a line end
    ("precerti\ufffefication", "precertification"),
    ("In\ufffeNetwork", "In-Network"),  # capital after the break: a real hyphen
    ("out-of\ufffepocket", "out-of-pocket"),  # 'of' heads a compound
    ("non\ufffecovered", "non-covered"),  # 'non' heads a compound
    ("follow\ufffeup", "follow-up"),
    ("COVID\ufffe19", "COVID-19"),  # digits after the break
])
def test_pdfium_line_end_hyphen_mark(raw: str, expected: str) -> None:
    assert norm(raw) == expected


@pytest.mark.parametrize(("raw", "expected"), [
    ("precerti-\nfication", "precertification"),  # hyphen, line break, lowercase
    ("precerti-  \r\n  fication", "precertification"),  # with blanks around the break
    ("medi-\ncally necessary", "medically necessary"),
    ("In-\nNetwork", "In-Network"),  # capital: a real hyphen
    ("self-\nreferral", "self-referral"),  # 'self' heads a compound
    ("well-known", "well-known"),  # no line break: untouched
])
def test_hyphen_before_a_line_break(raw: str, expected: str) -> None:
    assert norm(raw) == expected


def test_dash_at_a_line_end_keeps_a_space_after_it() -> None:
    assert norm("Abortion -\nexcept when the life of the mother is endangered") == (
        "Abortion - except when the life of the mother is endangered")


def test_soft_hyphen_is_removed() -> None:
    assert norm("neces\u00adsary") == "necessary"


@pytest.mark.parametrize(("raw", "expected"), [
    ("\ufb01nal", "final"),
    ("e\ufb00ect", "effect"),
    ("\ufb02ow", "flow"),
    ("o\ufb03ce", "office"),
    ("ba\ufb04e", "baffle"),
])
def test_ligatures_expand(raw: str, expected: str) -> None:
    assert norm(raw) == expected


@pytest.mark.parametrize(("raw", "expected"), [
    ("\u201cCosmetic\u201d", '"Cosmetic"'),
    ("plan\u2019s", "plan's"),
    ("\u2018quoted\u2019", "'quoted'"),
    ("\u201elow\u201d", '"low"'),
    ("pre\u2010authorization", "pre-authorization"),  # Unicode hyphen
    ("pre\u2011authorization", "pre-authorization"),  # non-breaking hyphen
])
def test_typographic_marks_become_ascii(raw: str, expected: str) -> None:
    assert norm(raw) == expected


# -- the map back to the page text ------------------------------------------------------

# Raw page texts with every kind of rewrite the normaliser does, except ligatures (see the
# separate test below).
SAMPLES = [
    "Services must be pre\ufffeauthorized.\n  See In\ufffeNetwork  rules\tand "
    "out-of\ufffepocket costs.",
    "Precerti-\nfication is required; non\ufffecovered services \u201cdo not\u201d count."
    "\r\n\r\nIt\u2019s    cosmetic.",
    "  leading and trailing   \n",
    "follow-\nup care, self-\nreferral, medi-\ncally neces\u00adsary, COVID-\n19 tests.",
    "a\u00a0b\u2007c \u2010d\u2011e  \u201ef\u201d \u2022 Cosmetic surgery \u2022 Dental",
    "Your P1an wi11 pay f0r a11 care; ICD10 code E11.9, 10mg, 1st appea1 in 30days.",
]
LIGATURE_SAMPLES = [
    "Questions? Call our sta\ufb00 at the plan\u2019s o\ufb03ce.",
    "time o\ufb00 today",
    "Prior authorization by our sta\ufb00\nNext line",
]


def _on_word_edge(text: str, i: int) -> bool:
    """Spans that findings use start and end between words, never inside one. (Inside a
    word the property cannot hold: whether "e\ufffea" is rejoined depends on the whole
    word before the mark, which a slice may cut off.)"""
    return i in (0, len(text)) or not (text[i - 1].isalnum() and text[i].isalnum())


def _word_spans(text: str) -> list[tuple[int, int]]:
    edges = [i for i in range(len(text) + 1) if _on_word_edge(text, i)]
    return [(a, b) for k, a in enumerate(edges) for b in edges[k + 1:]]


def _bad_spans(raw: str) -> list[tuple[str, str, str]]:
    n = normalize(raw)
    bad = []
    for a, b in _word_spans(n.text):
        rs, re_ = n.span_to_raw(a, b)
        assert 0 <= rs <= re_ <= len(raw)
        if normalize(raw[rs:re_]).text != n.text[a:b]:
            bad.append((n.text[a:b], raw[rs:re_], normalize(raw[rs:re_]).text))
    return bad


@pytest.mark.parametrize("raw", SAMPLES, ids=range(len(SAMPLES)))
def test_every_normalised_span_maps_back_to_a_raw_span_that_normalises_to_it(raw: str) -> None:
    bad = _bad_spans(raw)
    assert not bad, bad[:5]


@pytest.mark.parametrize("raw", LIGATURE_SAMPLES, ids=range(len(LIGATURE_SAMPLES)))
def test_spans_ending_on_a_ligature_map_back_exactly(raw: str) -> None:
    bad = _bad_spans(raw)
    assert not bad, bad[:5]


def test_quote_ending_on_a_ligature_is_not_extended(scanner: Scanner) -> None:
    report = scanner.scan_text("Prior authorization is required by our sta\ufb00\n\nNext part")
    quotes = [f.quote for f in report.findings]
    assert quotes == ["Prior authorization is required by our sta\ufb00"]


def test_spans_starting_on_a_ligature_map_back_exactly() -> None:
    raw = "The \ufb01nal e\ufb00ect"
    n = normalize(raw)
    start = n.text.index("final")
    assert raw[slice(*n.span_to_raw(start, start + len("final")))] == "\ufb01nal"
    start = n.text.index("effect")
    assert raw[slice(*n.span_to_raw(start, start + len("effect")))] == "e\ufb00ect"


def test_rejoined_word_maps_back_to_both_halves() -> None:
    raw = "You need precerti-\nfication first."
    n = normalize(raw)
    start = n.text.index("precertification")
    rs, re_ = n.span_to_raw(start, start + len("precertification"))
    assert raw[rs:re_] == "precerti-\nfication"


def test_empty_span_maps_to_an_empty_raw_span() -> None:
    n = normalize("a  b")
    rs, re_ = n.span_to_raw(2, 2)
    assert rs == re_


def _kept_positions(raw: str, n: NormalizedText) -> list[int]:
    """Raw offsets of characters copied unchanged (letters, digits, most punctuation)."""
    return [r for r, ch in enumerate(raw)
            if not ch.isspace() and ch not in "-\ufffe\u00ad" and not "\ufb00" <= ch <= "\ufb04"]


@pytest.mark.parametrize("raw", SAMPLES + LIGATURE_SAMPLES,
                         ids=range(len(SAMPLES) + len(LIGATURE_SAMPLES)))
def test_kept_characters_round_trip_between_raw_and_normalised_offsets(raw: str) -> None:
    n = normalize(raw)
    for r in _kept_positions(raw, n):
        i = n.to_norm(r)
        assert n.to_raw(i) == r
        assert n.to_norm(n.to_raw(i)) == i
        same = raw[r].translate(str.maketrans("\u2018\u2019\u201c\u201d\u201e"
                                              "\u2010\u2011", "''\"\"\"--"))
        # (or the letter an OCR digit inside a word stands for)
        assert n.text[i] in (same, {"1": "l", "0": "o"}.get(raw[r]))


def test_removed_characters_map_forward_to_the_next_kept_one() -> None:
    raw = "pre\ufffeauth"
    n = normalize(raw)
    assert n.text == "preauth"
    assert n.to_norm(raw.index("\ufffe")) == n.text.index("a")


def test_offsets_past_the_end_stay_inside_the_page_text() -> None:
    raw = "word  \n"
    n = normalize(raw)
    assert n.to_raw(len(n.text)) <= len(raw)
    assert n.span_to_raw(0, len(n.text))[1] <= len(raw)


@pytest.mark.parametrize(("raw", "expected"), [
    ("P1an", "Plan"), ("wi11", "will"), ("f0r", "for"), ("1ook", "look"),
    ("Medica11y", "Medically"), ("0ffice", "office"),
    # only the word repairs tell "appea1" from a footnote marker ("covered1"): left as is
    ("appea1", "appea1"), ("covered1", "covered1"),
    # numbers, codes and units keep their digits
    ("1st", "1st"), ("10mg", "10mg"), ("ICD10", "ICD10"), ("B12", "B12"),
    ("30days", "30days"), ("180 days", "180 days"), ("G0151", "G0151"), ("E11.9", "E11.9"),
    ("10am", "10am"), ("1x", "1x"),
])
def test_digits_read_for_letters_inside_words_are_matched_as_letters(raw: str,
                                                                    expected: str) -> None:
    assert norm(raw) == expected


def test_a_word_with_ocr_digits_is_found_and_quoted_as_printed(scanner: Scanner) -> None:
    text = "You must submit your appea1 within 180 ca1endar days of the notice of denia1."
    found = [f for f in scanner.scan_text(text).findings if f.category == "appeal_deadline"]
    assert found and found[0].deadline is not None and found[0].deadline.value == 180
    assert "appea1" in found[0].quote  # the page's own characters


@pytest.mark.parametrize(("raw", "expected"), [
    ("precert_required=Y", "precert required Y"), ("appeal_filing_limit", "appeal filing limit"),
    ("limit=180 days", "limit 180 days"),
    # a numbered field's parts are words too; blanks to fill in keep their underscores
    ("exception_1=birth defect", "exception 1=birth defect"), ("claim_2", "claim 2"),
    ("Date: ______", "Date: ______"), ("_private", "_private"), ("2__3", "2__3"),
])
def test_words_joined_by_underscores_are_matched_as_words(raw: str, expected: str) -> None:
    assert norm(raw) == expected


def test_a_grid_field_and_its_number_give_a_deadline(scanner: Scanner) -> None:
    for text in ("appeal_filing_limit=90 days from the denial notice",
                 "Appeal filing limit: 90 days from the denial notice"):
        found = [f for f in scanner.scan_text(text).findings if f.category == "appeal_deadline"]
        assert found and found[0].deadline is not None and found[0].deadline.value == 90, text
        assert "appeal_filing_limit=90" in found[0].quote or "limit: 90" in found[0].quote


@pytest.mark.parametrize(("raw", "expected"), [
    ("4&nbsp;months", "4 months"), ("unproven &amp; untested", "unproven & untested"),
    ("<h3>Excluded services</h3>\n<li>Face lifts</li>", " Excluded services Face lifts "),
    ("**Not covered:** tattoo removal", " Not covered: tattoo removal"),
    ("## Appeals\nWrite to us.", " Appeals Write to us."), ("one \\(1\\) year", "one (1 ) year"),
    # what only looks like markup stays
    ("AT&T", "AT&T"), ("<18 years", "<18 years"), ("Policy #12", "Policy #12"),
])
def test_markup_left_by_a_conversion_is_read_as_what_it_stands_for(raw: str,
                                                                   expected: str) -> None:
    assert norm(raw) == expected


def test_a_limit_written_with_markup_is_read_and_quoted_as_the_page_prints_it(
        scanner: Scanner) -> None:
    text = "<p>You may appeal within 4&nbsp;months of the denial&nbsp;letter.</p>"
    found = [f for f in scanner.scan_text(text).findings if f.category == "appeal_deadline"]
    assert found and found[0].deadline is not None
    assert (found[0].deadline.value, found[0].deadline.unit) == (4, "months")
    assert "4&nbsp;months" in found[0].quote
