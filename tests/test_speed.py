"""The faster paths give exactly what the plain ones give (issue 10: no slower, and no
answer changed by the speed-up)."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from pathlib import Path

import pytest

from policyscan.match.words import WordStarts, compile_words
from policyscan.models import DocumentReport, Finding, PlanInfo, RegimeInfo, ScanError
from policyscan.report.safe import inert

# Phrase lists of the shapes the data files use: several words, "*" endings, a first word
# shared by several phrases, initials with full stops, a hyphenated first word.
LISTS = [
    ("state health plan", "state plan", "state*", "plan", "your plan", "medi*",
     "medicare advantage", "medicare", "u.s. office", "fee-for-service", "48 states"),
    ("exclu*", "exclusion of", "not covered", "coordinat*", "co-ordination"),
    ("plan",),
    # a gap of a few words inside an entry
    ("neither ... nor ... pays", "neither", "plan pays"),
]
TEXTS = [
    "Your Plan is a State Health Plan; stateside members use the state plan. Medicare "
    "Advantage members and MEDICARE members (U.S. Office of Personnel) pay fee-for-service "
    "in 48 states.",
    "Exclusions: exclusion of cosmetic care. Not  covered\nunless coordinated; "
    "co-ordination of benefits. plan_a plan-b xplan planned plan.",
    "Neither the PPO nor the HSA plan pays for it. Neither. Nor the plan pays; neither "
    "this nor that: the plan pays.",
    # Letters whose case folding goes beyond lower(): the long s, the Kelvin sign, a dotted I.
    "\u017ftate plan, \u212aelvin MEDİCARE medİcare state\u00e9 plan\u00e9 \u00e9tat plan",
    # Letters outside ASCII that fold to none: words of their own, next to ours.
    "plan\u00e9 \u00e9tat plan r\u00e9sum\u00e9 Medicare\u00e9 medicare \ufb01le state\u00e9 plan",
    "",
]


@pytest.mark.parametrize("phrases", LISTS)
@pytest.mark.parametrize("text", TEXTS)
def test_word_starts_finds_what_the_union_finds(phrases: tuple[str, ...], text: str) -> None:
    union = compile_words(phrases)
    assert union is not None
    expected = [(m.start(), m.end()) for m in union.finditer(text)]
    assert [(m.start(), m.end()) for m in WordStarts(phrases).finditer(text)] == expected


@pytest.mark.parametrize("phrases", LISTS)
@pytest.mark.parametrize("text", TEXTS)
def test_the_first_word_start_is_what_a_union_search_finds(phrases: tuple[str, ...],
                                                          text: str) -> None:
    """``find_words`` and ``WordLists.search`` read the first match from the trie scan."""
    from policyscan.match.words import WordLists, find_words

    union = compile_words(phrases)
    assert union is not None
    expected = union.search(text)
    for found in (find_words(phrases, text), WordLists({"w": phrases}).search("w", text)):
        assert (found and (found.span(), found.group(0))) == \
            (expected and (expected.span(), expected.group(0)))


def test_a_repeated_search_gives_the_answer_a_fresh_one_gives() -> None:
    """A list keeps the answers for the last few texts: asked again, or after more texts
    than it keeps, it answers as a fresh search does."""
    from policyscan.match import words

    phrases = LISTS[0]
    starts = WordStarts(phrases)
    union = compile_words(phrases)
    assert union is not None
    texts = [*TEXTS, *(f"{text} {n}" for n in range(words._RECENT + 5) for text in TEXTS[:1])]
    for _ in range(2):
        for text in texts:
            found, expected = starts.search(text), union.search(text)
            assert (found and found.span()) == (expected and expected.span())
    assert len(starts._recent) <= words._RECENT


def test_a_verdict_by_pronoun_is_read_as_the_whole_list_regex_reads_it() -> None:
    """The sentence after a hit is read with the exclusion word list, not with one regex of
    every exclusion word (40 ms to compile): the same verdicts either way."""
    from test_sentence_families import FOUND, TRAPS

    from policyscan.match.context import _pronoun_verdict
    from policyscan.match.words import WordLists
    from policyscan.rules.loader import load_rules

    whole = (r"(?:{exclusion})\s+(?:for\s+)?(?:{refers_back})\b|"
             r"^\W*(?:{refers_back})\b[^.;]{{0,30}}?(?:{exclusion})")
    words = WordLists(load_rules().vocabulary)
    texts = [text for _, text in FOUND + TRAPS] + [
        "Your plan doesn't cover it.", "It isn't covered.", "We won't pay for them.",
        "Those are not covered by the plan.", "It is a benefit; it is not covered later.",
        "That is something the plan, as a rule, will not pay for.", "It"]
    verdicts = [_pronoun_verdict(words, text) for text in texts]
    assert verdicts == [bool(words.shaped(whole).search(text)) for text in texts]
    assert sum(verdicts) >= 5


def test_word_starts_finds_something() -> None:
    # Guards the equality test above against both sides finding nothing.
    found = [m.group(0) for m in WordStarts(LISTS[0]).finditer(TEXTS[0])]
    assert "Medicare Advantage" in found
    assert "fee-for-service" in found and "48 states" in found


def test_a_list_with_a_phrase_not_starting_with_a_word_uses_the_union() -> None:
    phrases = ("(a) plan", "plan")
    text = "see (a) plan and the plan"
    union = compile_words(phrases)
    assert union is not None
    assert [m.span() for m in WordStarts(phrases).finditer(text)] == \
        [m.span() for m in union.finditer(text)]


def _finding(**changes: object) -> Finding:
    base = Finding(category="appeal_rights", rule="r", page=1, quote="appeal", context="c",
                   section=None, start=0, end=6, bbox=(1.0, 2.0, 3.0, 4.0), score=0.9,
                   method="phrase", negated=False, explanation="e",
                   boxes=((1.0, 2.0, 3.0, 4.0),), trigger_start=0, trigger_end=6)
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def _report(*findings: Finding, plan: PlanInfo | None = None) -> DocumentReport:
    failed = DocumentReport.failed("a.pdf", ScanError("corrupt", "x"))
    return dataclasses.replace(failed, status="ok", error=None, findings=findings, plan=plan or PlanInfo(),
                               regime=RegimeInfo("aca", "ACA", 0.5, None, (), ("aca",)))


def test_inert_escapes_text_in_every_field_that_holds_it() -> None:
    report = _report(_finding(quote="a\x1b[2Jb", context="\u202ex", explanation="\x07"),
                     plan=PlanInfo(name="Plan\x1b]0;t\x07"))
    out = inert(report)
    assert out.findings[0].quote == "a\\x1b[2Jb"
    assert out.findings[0].context == "\\u202ex"
    assert out.findings[0].explanation == "\\x07"
    assert out.plan.name == "Plan\\x1b]0;t\\x07"
    assert out.findings[0].boxes == report.findings[0].boxes


def test_inert_keeps_a_clean_report_as_it_is() -> None:
    report = _report(_finding(), _finding(quote="prior authorization"))
    out = inert(report)
    assert out == report
    assert out.findings[1] is report.findings[1]  # nothing to escape: not rebuilt


def test_a_cached_trigger_offset_is_read_as_a_number() -> None:
    # inert walks only fields whose type can hold text, so from_dict reads offsets as ints.
    data = _finding().to_dict()
    data["trigger"] = {"start": "3", "end": 5}
    assert Finding.from_dict(data).trigger_start == 3
    data["trigger"] = {"start": "\x1b[2J", "end": 5}
    with pytest.raises(ValueError):
        Finding.from_dict(data)


def test_a_rescan_served_from_the_cache_does_not_load_the_pipeline(tmp_path: Path) -> None:
    doc = tmp_path / "plan.txt"
    doc.write_text("Cosmetic surgery is not covered. You may appeal within 180 days of the "
                   "denial.\n", encoding="utf-8")
    probe = ("import sys\nfrom policyscan.cli import main\n"
             f"sys.argv = ['policyscan', {str(doc)!r}, '--cache-dir', {str(tmp_path / 'c')!r},"
             " '--format', 'json', '--ocr', 'off', '-o', " f"{str(tmp_path / 'out.json')!r}]\n"
             "try:\n    main()\nexcept SystemExit:\n    pass\n"
             "print('policyscan.scanner' in sys.modules, 'spacy' in sys.modules)\n")
    runs = [subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                           check=True).stdout.split() for _ in range(2)]
    assert runs[0] == ["True", "True"]  # the first run scans
    assert runs[1] == ["False", "False"]  # the second is served from the cache
    assert "appeal_rights" in (tmp_path / "out.json").read_text(encoding="utf-8")


def test_normalize_copies_single_spaces_and_collapses_other_whitespace() -> None:
    from policyscan.extract.normalize import normalize

    norm = normalize("Prior  authori-\nzation is\trequired for a scan.")
    assert norm.text == "Prior authorization is required for a scan."
    assert norm._norm == (0, 5, 6, 13, 22, 23)  # segments only where the text changed
    assert norm.to_raw(norm.text.index("required")) == 26
    assert normalize("one two three")._norm == (0,)  # single spaces: one copied segment


def test_an_anchored_pattern_finds_what_the_matcher_or_its_phrases_find(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Checking a pattern on the token arrays where its anchor word stands (start-up: no
    phrase per spelling; scanning: no Matcher pass over every page) finds what its
    spelled-out phrases or spaCy's Matcher find; of hits inside one another, the
    longest, which is the one a finding keeps. Anchors after the first token (a number
    before "days") are read backwards."""
    from test_sentence_families import FOUND, TRAPS

    import policyscan.match.nlp as nlp
    from policyscan.rules.loader import load_rules

    rules = load_rules().rules
    texts = [text for _, text in FOUND + TRAPS] + [
        # words the tokenizer splits, in anchored patterns
        "Call us before any non-emergency hospital admission.",
        "Phone the plan prior to a non-urgent procedure.",
        "You may ask for a re-review of the decision; a re-evaluation is also possible.",
        "Surgery to improve one's appearance is not covered.",
        # numbers before a unit: digits, words, a restatement in parentheses
        "Appeal within one hundred eighty (180) calendar days, or 6 months, or 2 weeks.",
        "(30) days; 4 months; ninety days. 12 business days. 3 working day",
    ] + [p.read_text(encoding="utf-8") for p in sorted(
        (Path(__file__).resolve().parents[1] / "sample_policies").glob("*.txt"))]
    anchored = nlp.SpacyMatchers(rules)
    assert anchored.anchored, "no pattern is anchored: the test checks nothing"
    # patterns with words the tokenizer splits are anchored too (in variants)
    assert {"prior-auth.contact-before-admission#1",
            "cosmetic.appearance-purpose#1"} <= set(anchored.anchored)
    # a pattern of a number and a unit is anchored on its unit
    assert "deadline.member-filing-limit#1" in anchored.anchored
    monkeypatch.setattr(nlp, "ANCHORING", False)
    # word patterns spelled out however many phrases they make (the Matcher would compare
    # LOWER, where phrases and anchors compare normalised words)
    monkeypatch.setattr(nlp, "MAX_PATTERN_PHRASES", 10 ** 5)
    spelled = nlp.SpacyMatchers(rules)
    assert not spelled.anchored

    def longest(hits: list[nlp.RawHit]) -> set[tuple[str, int, int]]:
        # (a hit inside a longer one of the same rule merges into its finding: spaCy's
        # Matcher leaves out "line is staffed" inside "Unit phone line is staffed")
        spans = {(h.rule, h.start, h.end) for h in hits}
        return {(r, s, e) for r, s, e in spans
                if not any(r2 == r and s2 <= s and e <= e2 and (s2, e2) != (s, e)
                           for r2, s2, e2 in spans)}

    for a, s in zip(anchored.analyse(texts), spelled.analyse(texts), strict=True):
        assert longest(a.hits) == longest(s.hits)


def test_every_bundled_pattern_is_anchored() -> None:
    """A token pattern that cannot be checked where its anchor word stands (a flag other
    than LIKE_NUM, IS_DIGIT, IS_PUNCT or IS_ALPHA; a quantifier) goes to spaCy's Matcher,
    which builds two Token objects per token of every page: one such pattern cost the
    batch of SBCs a tenth of its time."""
    import policyscan.match.nlp as nlp
    from policyscan.rules.loader import load_rules

    matchers = nlp.SpacyMatchers(load_rules().rules)
    assert matchers.anchored
    assert len(matchers.tokens) == 0


def test_phrases_split_at_their_spaces_are_the_tokenizers() -> None:
    """``phrase_keys`` reads a phrase of plain words from its words instead of tokenizing
    it: the same token norms for every phrase the bundled rules spell, and for phrases
    with punctuation, digits, special cases ("cannot") and abbreviations."""
    import policyscan.match.nlp as nlp
    from policyscan.rules.loader import load_rules

    rules = load_rules()
    matchers = nlp.SpacyMatchers([], rules.vocabulary.get("abbreviations", ()))
    phrases = [v for rule in rules.rules for p in rule.phrases for v in nlp.phrase_variants(p)]
    phrases += [w for rule in rules.rules for p in rule.patterns
                for w in (nlp.finite_phrases(p) or ())]
    phrases += ["cannot appeal", "Sec. 4", "pre-authorization", "re-review", "don't",
                "U.S. plans", "gonna", "24 hours", "x-ray", "naïve", "e.g. botox", "A.M."]
    assert len(phrases) > 3000
    made = matchers.phrase_keys(phrases)
    assert any(isinstance(key, tuple) for key in made) and any(
        not isinstance(key, tuple) for key in made)
    for phrase, key in zip(phrases, made, strict=True):
        norms = tuple(key) if isinstance(key, tuple) else tuple(t.norm for t in key)
        assert norms == tuple(t.norm for t in matchers.nlp.tokenizer(phrase)), phrase


def test_sentences_read_from_token_arrays_are_the_sentencizers() -> None:
    """``sentence_spans`` replaces spaCy's sentencizer (which builds a Token per token):
    the same sentences on list items, stacked punctuation, bullets and empty text."""
    from test_sentence_families import FOUND, TRAPS

    import policyscan.match.nlp as nlp

    matchers = nlp.SpacyMatchers([])
    reference = nlp._blank()
    reference.add_pipe("sentencizer", config={"punct_chars": nlp._PUNCT_CHARS})
    samples = Path(__file__).resolve().parents[1] / "sample_policies"
    texts = [text for _, text in FOUND + TRAPS] + [
        p.read_text(encoding="utf-8") for p in sorted(samples.glob("*.txt"))] + [
        "", "   ", "Why?! Because... (see 4.2.) \u2022 Item one \u2022 Item two",
        "No stop at the end", ". . . leading stops", "Ends with a stop.", "A.\n\nB!",
        "Call 1-800-555-0100. Ext. 12? Yes.\u25cf Next \uf0b7 last",
    ]
    assert len(texts) > 400
    for text in texts:
        doc = reference(text)
        assert nlp.sentence_spans(matchers.nlp.tokenizer(text), matchers._stops) == [
            (s.start_char, s.end_char) for s in doc.sents], text


def test_words_within_a_stretch_are_those_a_search_of_the_stretch_finds() -> None:
    """``WordLists.within`` reads a page once and answers for any stretch of it: the words
    standing wholly inside, as searching that stretch alone finds them."""
    from policyscan.match.words import WordLists, compile_words

    phrases = ("civil rights", "privacy", "discriminat*", "ocr")
    words = WordLists({"w": phrases})
    pattern = compile_words(phrases)
    assert pattern is not None
    text = ("Privacy notice. You may complain about discrimination to the OCR; civil "
            "rights apply. Appeals: write to us. privacy again, discriminated")
    # every stretch between spaces (one that cuts no word)
    cuts = [0, *(i for i, c in enumerate(text) if c == " "), len(text)]
    for start in cuts:
        for end in (e for e in cuts if e >= start):
            alone = [m.group(0) for m in pattern.finditer(text[start:end])]
            assert words.within("w", text, start, end) == alone, (start, end)
    assert words.within("w", text, 16, 40) == []
    assert words.within("w", "another page with privacy", 0, 25) == ["privacy"]


def test_literal_finder_holds_what_substring_search_finds() -> None:
    """Kind signals are searched only in texts holding their literal words; one automaton
    pass must find exactly the literals ``in`` finds, overlapping ones included."""
    from policyscan.match.words import LiteralFinder

    literals = {"form", "formulary", "plan brochure", "brochure", "notice of", "ice o", "é"}
    finder = LiteralFinder(literals)
    for text in ("", "a plan brochure and its formulary", "notice of denial",
                 "reformed résumé", "FORM", "no match here"):
        assert finder.present(text) == {lit for lit in literals if lit in text}, text
    assert LiteralFinder(set()).present("anything") == frozenset()
