"""Codes in text: only curated codes are reported; ZIP codes, amounts, phone numbers,
years and page numbers never become codes; 7th characters and modifiers are read."""

from __future__ import annotations

from pathlib import Path

import pytest

from policyscan.codes import code_table, find_codes, load_code_table
from policyscan.datafile import DataFileError, data_path

# Every code domain.md part D verifies, and nothing else.
VERIFIED = {"15780", "15781", "15782", "15783", "15788", "15789", "15792", "15793",
            "0479T", "0480T", "17999", "L90.5", "L91.0", "L73.0", "L70.0", "L70.9",
            "Z41.1", "Z42.1", "Z42.8", "T20-T25"}


def codes(text: str) -> list[str]:
    return [h.code for h in find_codes(text)]


def test_table_holds_exactly_the_verified_codes() -> None:
    table = code_table()
    assert {e.code for e in table.entries} == VERIFIED
    assert all(e.verified and e.sources for e in table.entries)
    assert table.get("15780") is not None
    assert table.get("15780").descriptor.lower().startswith("dermabrasion")  # type: ignore[union-attr]


def test_17999_for_micro_needling_is_a_note_not_a_mapping() -> None:
    entry = code_table().get("17999")
    assert entry is not None
    assert entry.note is not None and "UNVERIFIED" in entry.note
    assert "needling" not in entry.descriptor.lower()


def test_signals() -> None:
    table = code_table()
    assert table.lookup("Z41.1").signal == "cosmetic"  # type: ignore[union-attr]
    for code in ("Z42.1", "Z42.8", "L90.5", "L91.0"):
        assert table.lookup(code).signal == "reconstructive"  # type: ignore[union-attr]
    assert table.lookup("15780").signal is None  # type: ignore[union-attr]


@pytest.mark.parametrize(("text", "expected"), [
    ("CPT code 15780 (dermabrasion, total face)", ["15780"]),
    ("Procedure: 15781", ["15781"]),
    ("billed with code 17999-GY", ["17999"]),
    ("HCPCS/CPT 15792, 15793", ["15792", "15793"]),
    ("Codes 15788 and 15789 were denied.", ["15788", "15789"]),
    ("Fractional laser 0479T and 0480T", ["0479T", "0480T"]),  # Category III: no context needed
    ("Diagnosis: L90.5 (scar), T21.34XS", ["L90.5", "T21.34XS"]),
    ("Scar revision after a burn: L90.5 + T23.302S + X12.XXXS", ["L90.5", "T23.302S"]),
    ("coded Z41.1, encounter for cosmetic surgery", ["Z41.1"]),
    ("ICD-10 Z42.1 breast reconstruction; Z42.8 other", ["Z42.1", "Z42.8"]),
    ("acne L70.0 and L70.9; acne keloid L73.0; keloid L91.0", ["L70.0", "L70.9", "L73.0", "L91.0"]),
    ("T23.309S", ["T23.309S"]),
    ("T20.0", ["T20.0"]),
])
def test_finds_curated_codes(text: str, expected: list[str]) -> None:
    assert codes(text) == expected


@pytest.mark.parametrize("text", [
    "Send appeals to PO Box 15780, Pittsburgh, PA 15780.",  # a ZIP code, even near "Box"
    "Mail to Anthem, Woodland Hills, CA 91367; claim code on the card.",  # ZIP near "code"
    "ZIP code 15780",  # the word "code" belongs to ZIP
    "Postal code: 15781",
    "Pittsburgh, PA 15780-1234 procedure",  # ZIP+4
    "The procedure cost $15780 this year.",  # an amount
    "Procedure charges were 15780.00 dollars",
    "procedure fee of USD 15780",
    "Call 1-800-157-8012 about the procedure code.",  # a phone number
    "Claim #15780 procedure",
    "Claim # 15781 procedure",
    "procedure total 1,15780",
    "Account 412-15780 procedure",
    "In 2025 the code changed.",  # a year
    "see page 157 for the procedure",  # a page number
    "Dermabrasion 15780",  # five digits without a code word
    "CPT 99213 office visit",  # a real CPT code, but not curated
    "HCPCS J0585 botulinum toxin",  # HCPCS shape, not curated
    "Z41.9 and L90.50",  # ICD shapes, not curated
    "T26.0 burn of eyelid",  # outside T20-T25
    "t21.34xs lower case is not a code",
    "Form T2100 version 0479",
])
def test_never_codes(text: str) -> None:
    assert codes(text) == []


def test_hit_offsets_modifier_and_context() -> None:
    text = ("Denied: CPT 17999-GY with diagnosis Z41.1. The plan wrote more words here, "
            "then L90.5 stands alone.")
    hits = find_codes(text)
    assert [(h.code, text[h.start:h.end]) for h in hits] == [
        ("17999", "17999"), ("Z41.1", "Z41.1"), ("L90.5", "L90.5")]
    cpt, z41, l90 = hits
    assert cpt.modifier == "GY" and cpt.context_ok and cpt.system == "CPT"
    assert z41.context_ok and z41.signal == "cosmetic"
    assert not l90.context_ok  # found anyway: an ICD code is distinctive
    assert l90.signal == "reconstructive"


def test_sequela_burn_codes_signal_reconstructive() -> None:
    hits = {h.code: h for h in find_codes("T21.34XS T23.302S T21.34XA T20.0")}
    assert hits["T21.34XS"].signal == "reconstructive"
    assert hits["T23.302S"].signal == "reconstructive"
    assert hits["T21.34XA"].signal is None  # initial encounter: no signal
    assert hits["T20.0"].signal is None
    assert hits["T21.34XS"].entry.code == "T20-T25"
    assert hits["T21.34XS"].system == "ICD-10-CM"


def test_cpt_context_window_is_about_40_characters() -> None:
    far = "CPT" + " " * 60 + "15780"
    near = "CPT" + " " * 30 + "15780"
    assert codes(far) == []
    assert codes(near) == ["15780"]


def test_cpt_iii_code_shape_only() -> None:
    assert codes("0479Tx") == []
    assert codes("10479T") == []


# -- validation ----------------------------------------------------------------------------

def _table(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "codes.yaml"
    path.write_text(body, encoding="utf-8")
    return path


@pytest.mark.parametrize(("body", "message"), [
    ("codes: 3", "'codes:' list"),
    ("codes: []\nextra: 1", "unknown top-level"),
    ("codes:\n  - {code: '1578', system: CPT, descriptor: x, signal: null, sources: [S1], "
     "verified: true}", "entry '1578': field 'code'"),
    ("codes:\n  - {code: '15780', system: AMA, descriptor: x, signal: null, sources: [S1], "
     "verified: true}", "field 'system'"),
    ("codes:\n  - {code: '15780', system: CPT, descriptor: x, signal: pretty, sources: [S1], "
     "verified: true}", "field 'signal'"),
    ("codes:\n  - {code: '15780', system: CPT, descriptor: x, signal: null, "
     "sources: [aapc.com], verified: true}", "field 'sources'"),
    ("codes:\n  - {code: '15780', system: CPT, descriptor: x, signal: null, sources: [S1], "
     "verified: yes please}", "field 'verified'"),
    ("codes:\n  - {code: '15780', system: CPT, signal: null, sources: [S1], verified: true}",
     "field 'descriptor'"),
    ("codes:\n  - {code: '15780', system: CPT, descriptor: x, signal: null, sources: [S1], "
     "verified: true, colour: red}", "field 'colour'"),
    ("codes:\n  - {code: '15780', system: CPT, descriptor: x, signal: null, sources: [S1], "
     "verified: true}\n  - {code: '15780', system: CPT, descriptor: y, signal: null, "
     "sources: [S1], verified: true}", "listed twice"),
    ("codes: []\nranges:\n  - {code: T, system: ICD-10-CM, descriptor: x, signal: null, "
     "sources: [S1], verified: true, regex: '^T2[', examples: [T21.0]}", "field 'regex'"),
    ("codes: []\nranges:\n  - {code: T, system: ICD-10-CM, descriptor: x, signal: null, "
     "sources: [S1], verified: true, regex: '^T2[0-5]', examples: [T30.0]}",
     "field 'examples'"),
    ("codes: [", "not valid YAML at line"),
])
def test_malformed_tables_name_file_entry_and_field(tmp_path: Path, body: str,
                                                   message: str) -> None:
    path = _table(tmp_path, body)
    with pytest.raises(DataFileError) as err:
        load_code_table(path)
    assert str(path) in str(err.value)
    assert message in str(err.value)


def test_unverified_entries_are_kept_but_never_reported(tmp_path: Path) -> None:
    path = _table(tmp_path, "codes:\n  - {code: '15780', system: CPT, descriptor: x, "
                            "signal: null, sources: [S1], verified: false}")
    table = load_code_table(path)
    assert table.get("15780") is not None
    assert find_codes("CPT 15780", table) == []


def test_the_table_is_package_data() -> None:
    assert data_path("codes.yaml").is_file()


@pytest.mark.parametrize(("raw", "message"), [
    ({"other": []}, "must be a mapping with a list 'services'"),
    ({"services": ["cosmetic"]}, "services[1]"),
])
def test_a_data_file_list_names_what_is_wrong(raw: object, message: str) -> None:
    from pathlib import Path

    from policyscan.datafile import entries

    with pytest.raises(DataFileError) as err:
        entries(Path("services.yaml"), raw, "services")
    assert message in str(err.value) and "services.yaml" in str(err.value)
