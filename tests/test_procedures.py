"""Procedures: the curated file validates, every variant finds its procedure (exactly,
inside a longer query, and with typos), unrelated words find nothing, and a page's text
names a procedure by its variants, related procedures, family words or body part."""

from __future__ import annotations

from pathlib import Path

import pytest

from policyscan.codes import code_table
from policyscan.datafile import DataFileError
from policyscan.procedures import (
    Procedure,
    compact,
    find_procedure,
    get_procedure,
    load_procedures,
    mentions,
    procedures,
    suggest,
)

EXPECTED = {
    "micro-needling", "dermabrasion", "microdermabrasion", "chemical-peel",
    "laser-resurfacing", "scar-revision", "keloid-treatment", "botox", "rhinoplasty",
    "septoplasty", "blepharoplasty", "panniculectomy", "abdominoplasty", "breast-reduction",
    "breast-reconstruction", "laser-hair-removal", "tattoo-removal", "sclerotherapy",
    "varicose-vein-treatment",
}


def proc(pid: str) -> Procedure:
    p = get_procedure(pid)
    assert p is not None, pid
    return p


def test_the_procedures_of_issue_4_are_all_there() -> None:
    assert {p.id for p in procedures()} == EXPECTED


def test_every_code_is_curated_and_verified() -> None:
    table = code_table()
    for p in procedures():
        for code in p.codes:
            entry = table.get(code)
            assert entry is not None and entry.verified, (p.id, code)


def test_every_condition_has_sources() -> None:
    for p in procedures():
        assert p.sources, p.id
        for c in p.usually_medically_necessary_when:
            assert c.when and c.sources, p.id


def test_defaults_follow_domain_md_part_e() -> None:
    assert proc("micro-needling").cosmetic_default
    assert proc("rhinoplasty").cosmetic_default and not proc("septoplasty").cosmetic_default
    assert proc("abdominoplasty").cosmetic_default
    assert not proc("breast-reconstruction").cosmetic_default  # never cosmetic (WHCRA)
    assert not proc("varicose-vein-treatment").cosmetic_default
    assert proc("sclerotherapy").cosmetic_default
    botox = proc("botox")
    assert botox.cosmetic_default
    whens = " ".join(c.when for c in botox.usually_medically_necessary_when)
    assert "migraine" in whens and "hyperhidrosis" in whens


def test_micro_needling_has_no_procedure_code_and_says_why() -> None:
    p = proc("micro-needling")
    assert "17999" not in p.codes
    assert set(p.codes) <= {"L90.5", "L91.0", "T20-T25", "Z41.1"}
    assert p.notes is not None and "UNVERIFIED" in p.notes


def test_family_terms_include_the_family_and_the_procedures_own() -> None:
    p = proc("micro-needling")
    assert p.family == "skin resurfacing"
    assert "texture or look of your skin" in p.family_terms
    assert "resurfacing" in p.family_terms and "scar" in p.family_terms
    assert "skin" in p.body_terms and "skin" not in p.family_terms
    assert "deviated septum" in proc("septoplasty").family_terms


def test_service_categories_become_phrases() -> None:
    p = proc("micro-needling")
    assert p.service_categories == ("office_procedure", "outpatient_surgery")
    assert "outpatient surgery" in p.service_terms


# -- a typed query → a procedure ---------------------------------------------------------

def _variant_cases() -> list[tuple[str, str]]:
    return [(v.rstrip("*"), p.id) for p in procedures() for v in p.variants]


@pytest.mark.parametrize(("query", "pid"), _variant_cases())
def test_every_variant_finds_its_procedure(query: str, pid: str) -> None:
    found = find_procedure(query)
    assert found is not None and found.id == pid


@pytest.mark.parametrize(("query", "pid"), [
    ("microneedling", "micro-needling"),
    ("micro-needling", "micro-needling"),
    ("micro needling", "micro-needling"),
    ("Micro Needling", "micro-needling"),
    ("MICRO-NEEDLING", "micro-needling"),
    ("collagen induction", "micro-needling"),
    ("Collagen Induction Therapy (CIT)", "micro-needling"),
    ("microneedeling", "micro-needling"),  # typos
    ("micronedling", "micro-needling"),
    ("microneedlng", "micro-needling"),
    ("RF microneedling", "micro-needling"),  # the procedure inside a longer query
    ("micro needling for acne scars", "micro-needling"),
    ("Botox for migraine", "botox"),
    ("botox", "botox"),
    ("dermabraision", "dermabrasion"),
    ("microdermabrasion", "microdermabrasion"),  # not dermabrasion
    ("chemical peels", "chemical-peel"),
    ("tummy tuck", "abdominoplasty"),
    ("nose job", "rhinoplasty"),
    ("tatoo removal", "tattoo-removal"),
    ("eyelid", "blepharoplasty"),  # a unique part of a variant
    ("breast-reconstruction", "breast-reconstruction"),  # the id
    ("Sclerotherapy / spider veins", "sclerotherapy"),  # the name
])
def test_find_procedure(query: str, pid: str) -> None:
    found = find_procedure(query)
    assert found is not None and found.id == pid


@pytest.mark.parametrize("query", [
    "", "   ", "needle biopsy", "knee replacement", "laser", "veins", "surgery",
    "needle", "skin", "acupuncture",
])
def test_no_guess_for_unrelated_or_ambiguous_queries(query: str) -> None:
    assert find_procedure(query) is None


def test_suggestions_for_what_matched_nothing() -> None:
    assert {p.id for p in suggest("laser")} >= {"laser-resurfacing", "laser-hair-removal"}
    assert [p.id for p in suggest("botax")][:1] == ["botox"]
    assert {p.id for p in suggest("veins")} >= {"sclerotherapy", "varicose-vein-treatment"}
    assert suggest("knee replacement") == []
    assert len(suggest("laser", limit=1)) == 1


# -- a procedure in a document -----------------------------------------------------------

def terms(pid: str, text: str, *, body: bool = False) -> list[tuple[str, str]]:
    return [(text[m.start:m.end], m.kind) for m in mentions(proc(pid), text, body=body)]


@pytest.mark.parametrize("text", [
    "Microneedling is not covered.",
    "Micro-needling is not covered.",
    "Micro needling is not covered.",
    "MICRONEEDLING is not covered.",
    "micro-\nneedling is not covered.",  # split across lines by extraction
    "micro\u00adneedling is not covered.",  # a soft hyphen
    "Collagen induction therapy is not covered.",
    "Percutaneous collagen induction is not covered.",
    "Dermal needling is not covered.",
    "Skin needling is not covered.",
])
def test_variants_in_text(text: str) -> None:
    found = mentions(proc("micro-needling"), text)
    assert [m.kind for m in found] == ["variant"]
    assert found[0].start == 0


def test_fuzzy_variant_in_text() -> None:
    text = "We exclude microneedeling treatments."
    found = mentions(proc("micro-needling"), text)
    assert [(text[m.start:m.end], m.kind, m.fuzzy) for m in found] == [
        ("microneedeling", "variant", True)]


@pytest.mark.parametrize("text", [
    "A needle biopsy of the skin lesion is covered.",
    "Needles and syringes for insulin.",
    "Microdermabrasion is investigational.",  # another procedure
    "Acupuncture needling for pain.",
])
def test_no_false_micro_needling(text: str) -> None:
    assert [m for m in mentions(proc("micro-needling"), text) if m.kind == "variant"] == []


def test_dermabrasion_is_not_found_inside_microdermabrasion() -> None:
    assert terms("dermabrasion", "Microdermabrasion and micro-dermabrasion.") == []
    assert terms("microdermabrasion", "Microdermabrasion and micro-dermabrasion.") == [
        ("Microdermabrasion", "variant"), ("micro-dermabrasion", "variant")]


def test_related_procedure_is_not_the_procedure() -> None:
    assert terms("micro-needling", "RF microneedling is excluded.") == [
        ("RF microneedling", "related")]


def test_family_terms_in_text() -> None:
    text = ("We pay nothing for surgery or treatment that would alter the texture or look of "
            "your skin. Skin resurfacing and treatment of acne scars are excluded.")
    assert terms("micro-needling", text) == [
        ("texture or look of your skin", "family"), ("Skin resurfacing", "family"),
        ("acne scars", "family")]


def test_body_terms_only_when_asked() -> None:
    text = "Surgery that alters the size, shape or appearance of your nose, eyes or breasts."
    assert terms("rhinoplasty", text) == []
    assert terms("rhinoplasty", text, body=True) == [("nose", "body")]
    assert terms("breast-reduction", text, body=True) == [("breasts", "body")]
    assert terms("breast-reconstruction", text, body=True) == []  # never by body part


def test_vein_exclusion_names_both_vein_procedures() -> None:
    text = ("Treatment of varicose veins or spider veins for cosmetic purposes, whatever the "
            "method (sclerotherapy, laser or surgery).")
    assert ("sclerotherapy", "variant") in terms("sclerotherapy", text)
    assert ("Treatment of varicose veins", "variant") in terms("varicose-vein-treatment", text)


def test_scar_is_a_word_not_a_prefix() -> None:
    assert terms("scar-revision", "A scarf, scarce supplies, scarlet fever.") == []
    assert terms("scar-revision", "Scar revision after a burn; keloids.") == [
        ("Scar revision", "variant"), ("keloids", "family")]


def test_curly_apostrophes_match() -> None:
    p = proc("micro-needling")
    assert any("provider's office" in t for t in p.service_terms)
    from policyscan.procedures import names_any
    found = names_any(p.service_terms, "If you visit a health care provider\u2019s office or clinic")
    assert found is not None


def test_compact() -> None:
    assert compact("Micro-Needling") == compact("micro needling") == "microneedling"
    assert compact("chemical peel*") == "chemicalpeel"


# -- validation ----------------------------------------------------------------------------

GOOD = """
service_categories:
  office_procedure: [office procedure*]
families:
  skin resurfacing: [resurfacing]
procedures:
  - id: micro-needling
    name: Micro needling
    variants: [micro needling]
    family: skin resurfacing
    cosmetic_default: true
    usually_medically_necessary_when:
      - {when: scars, sources: [S111]}
    service_categories: [office_procedure]
    codes: [L90.5]
    sources: [background.txt]
"""


def _load(tmp_path: Path, text: str) -> tuple[Procedure, ...]:
    path = tmp_path / "procedures.yaml"
    path.write_text(text, encoding="utf-8")
    return load_procedures(path)


def test_a_minimal_file_loads(tmp_path: Path) -> None:
    (p,) = _load(tmp_path, GOOD)
    assert p.id == "micro-needling" and p.family_terms == ("resurfacing",)


@pytest.mark.parametrize(("old", "new", "message"), [
    ("family: skin resurfacing", "family: skin care", "entry 'micro-needling': field 'family'"),
    ("codes: [L90.5]", "codes: ['99213']", "field 'codes'"),
    ("codes: [L90.5]", "codes: ['17999', L70.1]", "not verified"),
    ("sources: [background.txt]", "sources: [aad.org]", "field 'sources'"),
    ("{when: scars, sources: [S111]}", "{when: scars}", "usually_medically_necessary_when[1]"),
    ("{when: scars, sources: [S111]}", "{when: scars, sources: [wiki]}",
     "usually_medically_necessary_when[1].sources"),
    ("cosmetic_default: true", "cosmetic_default: maybe", "field 'cosmetic_default'"),
    ("    cosmetic_default: true\n", "", "field 'cosmetic_default'"),
    ("service_categories: [office_procedure]", "service_categories: [spa]",
     "field 'service_categories'"),
    ("variants: [micro needling]", "variants: []", "field 'variants'"),
    ("id: micro-needling", "id: Micro Needling", "field 'id'"),
    ("    sources: [background.txt]", "    sources: [background.txt]\n    colour: red",
     "field 'colour'"),
    ("procedures:", "extras: 1\nprocedures:", "unknown top-level"),
    ("  skin resurfacing: [resurfacing]", "  skin resurfacing: resurfacing",
     "families.skin resurfacing"),
])
def test_malformed_files_name_file_procedure_and_field(tmp_path: Path, old: str, new: str,
                                                      message: str) -> None:
    assert old in GOOD
    with pytest.raises(DataFileError) as err:
        _load(tmp_path, GOOD.replace(old, new))
    assert "procedures.yaml" in str(err.value)
    assert message in str(err.value)


def test_a_variant_may_name_only_one_procedure(tmp_path: Path) -> None:
    second = GOOD.split("procedures:\n")[1].replace("id: micro-needling", "id: other")
    with pytest.raises(DataFileError, match="also names 'micro-needling'"):
        _load(tmp_path, GOOD + second)


def test_duplicate_ids_are_refused(tmp_path: Path) -> None:
    second = GOOD.split("procedures:\n")[1].replace("[micro needling]", "[other name]")
    with pytest.raises(DataFileError, match="defined twice"):
        _load(tmp_path, GOOD + second)
