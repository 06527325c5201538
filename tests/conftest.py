"""Shared fixtures. Expensive things (the rule set, a Scanner with spaCy loaded) are built
once per session; tests that need the real corpus skip with a clear message without it."""

from __future__ import annotations

from pathlib import Path

import pytest

from policyscan.rules.loader import RuleSet, load_rules
from policyscan.scanner import Scanner

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "sample_policies"
CORPUS = ROOT.parent / "shared" / "corpus"
CORPUS_SKIP = (
    "the real corpus (../shared/corpus next to this checkout) is absent; "
    "corpus tests run in CI, where it is present"
)


@pytest.fixture(autouse=True, scope="session")
def _private_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Keep the result cache of CLI runs out of the user's home."""
    import os

    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("cache"))


@pytest.fixture(scope="session")
def rules() -> RuleSet:
    return load_rules()


@pytest.fixture(scope="session")
def scanner(rules: RuleSet) -> Scanner:
    return Scanner(rules)


@pytest.fixture(scope="session")
def corpus() -> Path:
    if not (CORPUS / "gold").is_dir():
        pytest.skip(CORPUS_SKIP)
    return CORPUS


@pytest.fixture(scope="session")
def samples() -> Path:
    return SAMPLES
