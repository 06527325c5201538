"""The synthetic sample policies: their expected quotes are really on their pages, and
``sample_policies/build.py`` rebuilds them byte for byte."""

from __future__ import annotations

import importlib.util
import re
import sys
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml

pdfium = pytest.importorskip("pypdfium2")

SAMPLES = Path(__file__).resolve().parents[1] / "sample_policies"
EXPECTED = sorted((SAMPLES / "expected").glob("*.yaml"))
CATEGORIES = {
    "cosmetic_exclusion", "reconstructive_exception", "medical_necessity", "prior_authorization",
    "appeal_rights", "appeal_deadline", "external_review", "experimental_exclusion",
}


def norm(text: str) -> str:
    """Whitespace collapsed, case folded; pdfium's U+FFFE (a line-end hyphen) read as '-'."""
    return re.sub(r"\s+", " ", text.replace("\ufffe", "-")).strip().lower()


@cache
def page_texts(path: Path, engine: str = "pdfium") -> tuple[str, ...]:
    if path.suffix == ".txt":
        return tuple(path.read_text(encoding="utf-8").split("\f"))
    if engine == "pdfplumber":
        import pdfplumber

        with pdfplumber.open(path) as pdf:
            return tuple(p.extract_text(use_text_flow=True) or "" for p in pdf.pages)
    doc = pdfium.PdfDocument(str(path))
    try:
        return tuple(doc[i].get_textpage().get_text_range() for i in range(len(doc)))
    finally:
        doc.close()


def load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data


def test_every_document_has_expectations() -> None:
    documents = {p.name for p in SAMPLES.iterdir() if p.suffix in {".pdf", ".txt"}}
    assert documents == {load(p)["document"] for p in EXPECTED}
    assert len(documents) == 5


@pytest.mark.parametrize("engine", ["pdfium", "pdfplumber"])
@pytest.mark.parametrize("gold_path", EXPECTED, ids=lambda p: p.name)
def test_expected_quotes_are_on_their_pages(gold_path: Path, engine: str) -> None:
    gold = load(gold_path)
    assert gold_path.name == f"{gold['document']}.yaml"
    assert set(gold["facts"]) == CATEGORIES
    pages = page_texts(SAMPLES / gold["document"], engine)
    missing = []
    for entry in gold["must_find"] + gold["must_not_find"]:
        assert entry["category"] in CATEGORIES
        assert 1 <= entry["page"] <= len(pages)
        if norm(entry["quote"]) not in norm(pages[entry["page"] - 1]):
            missing.append((entry["page"], entry["quote"]))
    for entry in gold["must_not_find"]:
        assert entry["why"]
    assert not missing, f"quotes not found on their page: {missing}"


@cache
def build_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("sample_policies_build", SAMPLES / "build.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


def test_build_is_deterministic(tmp_path: Path) -> None:
    build = build_module()
    font = build.dejavu_sha256()
    if font is None:
        pytest.skip("DejaVu Sans is not installed (the Bluebird SBC embeds it)")
    written = build.build_all(tmp_path)
    assert len(written) == 15  # five documents and their YAML, four letters and their JSON
    for path in written:
        if font != build.DEJAVU_SHA256 and path.name == "sbc_bluebird_bronze_hmo.pdf":
            continue  # another DejaVu build embeds other bytes; everything else must match
        committed = SAMPLES / path.relative_to(tmp_path)
        assert path.read_bytes() == committed.read_bytes(), f"{committed.name} differs"
