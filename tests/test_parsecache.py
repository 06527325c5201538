"""Parsed pattern files kept between runs: the same data as parsing, from the second read
on; a damaged entry, an edited file or an unwritable directory only mean parsing again."""

from __future__ import annotations

import datetime
import os
import time
from pathlib import Path

import pytest
import yaml

from policyscan import parsecache
from policyscan.datafile import load_yaml
from policyscan.errors import RuleFileError
from policyscan.rules.loader import builtin_patterns_dir, load_rules


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    return parsecache.cache_dir()


def _count_parses(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    real = yaml.load

    def counting(*args: object, **kwargs: object) -> object:
        calls.append(1)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(yaml, "load", counting)
    return calls


def test_the_second_read_is_the_same_data_without_parsing(
        cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text("rules:\n  - id: a.b\n    phrases: [prior approval, 'pre-approval']\n")
    first = load_yaml(path, cached=True)
    calls = _count_parses(monkeypatch)
    assert load_yaml(path, cached=True) == first
    assert calls == []
    # an edited file has other bytes: parsed again
    path.write_text("rules:\n  - id: a.c\n    phrases: [precertification]\n")
    assert load_yaml(path, cached=True)["rules"][0]["id"] == "a.c"
    assert calls == [1]


def test_a_damaged_entry_is_parsed_again(cache: Path, tmp_path: Path) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text("vocabulary:\n  exclusion: [not covered]\n")
    expected = load_yaml(path, cached=True)
    for entry in cache.iterdir():
        entry.write_bytes(b"\x00not marshal data")
    assert load_yaml(path, cached=True) == expected
    for entry in cache.iterdir():
        entry.write_bytes(b"")
    assert load_yaml(path, cached=True) == expected


def test_data_marshal_cannot_hold_is_parsed_every_time(cache: Path, tmp_path: Path) -> None:
    path = tmp_path / "dated.yaml"
    path.write_text("effective: 2026-01-01\n")
    assert load_yaml(path, cached=True) == {"effective": datetime.date(2026, 1, 1)}
    assert load_yaml(path, cached=True) == {"effective": datetime.date(2026, 1, 1)}
    assert not cache.exists() or not any(cache.iterdir())


def test_an_unwritable_cache_directory_only_means_parsing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "xdg"
    blocker.write_text("a file where the cache directory would be")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    path = tmp_path / "rules.yaml"
    path.write_text("rules: []\n")
    assert load_yaml(path, cached=True) == {"rules": []}


def test_invalid_yaml_is_still_reported_with_its_place(cache: Path, tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("rules:\n  - id: [unclosed\n")
    with pytest.raises(RuleFileError, match="not valid YAML at line"):
        load_yaml(path, RuleFileError, cached=True)


def test_the_rules_load_the_same_from_the_cache(cache: Path) -> None:
    first = load_rules()
    assert any(cache.iterdir())
    again = load_rules()
    assert again.rules == first.rules and again.vocabulary == first.vocabulary
    assert again.sha256 == first.sha256
    assert len(list(cache.iterdir())) == len(
        [p for p in builtin_patterns_dir().iterdir() if p.suffix == ".yaml"])


def test_entries_no_run_has_read_for_a_month_go_when_a_new_one_is_written(
        cache: Path, tmp_path: Path) -> None:
    old, used = tmp_path / "old.yaml", tmp_path / "used.yaml"
    old.write_text("rules: [old]\n")
    used.write_text("rules: [used]\n")
    load_yaml(old, cached=True)
    load_yaml(used, cached=True)
    month_ago = time.time() - (parsecache.MAX_IDLE_DAYS + 1) * 86400
    for entry in cache.iterdir():
        os.utime(entry, (month_ago, month_ago))
    load_yaml(used, cached=True)  # read again: touched, so it stays
    new = tmp_path / "new.yaml"
    new.write_text("rules: [new]\n")
    load_yaml(new, cached=True)  # a miss: idle entries go
    assert len(list(cache.iterdir())) == 2
    assert load_yaml(used, cached=True) == {"rules": ["used"]}
    assert load_yaml(old, cached=True) == {"rules": ["old"]}
