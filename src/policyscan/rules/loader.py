"""Pattern files → a validated ``RuleSet``.

A pattern directory holds YAML files. ``vocabulary.yaml`` (optional) names word lists
that rules reuse as ``@name``; every other file holds ``rules:`` (and may set a default
``category:``). Files are read with the safe loader: a pattern file can never run code.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from ..datafile import load_yaml
from ..errors import RuleFileError
from .kinds import KINDS_FILE, KindSignal, load_kind_signals
from .schema import Rule, build_rule

VOCABULARY_FILE = "vocabulary.yaml"
# The score a candidate of a category must reach to become a finding, unless its pattern
# file sets ``threshold:``. Rule scores (0.8-0.97) sit above it when their context holds;
# a hit with no supporting context falls below it (match/context.py).
DEFAULT_THRESHOLD = 0.6


def builtin_patterns_dir() -> Path:
    """The built-in pattern directory: inside the installed package, or the repository's."""
    packaged = Path(str(resources.files("policyscan"))) / "patterns"
    if packaged.is_dir():
        return packaged
    repo = Path(__file__).resolve().parents[3] / "patterns"
    if repo.is_dir():
        return repo
    raise RuleFileError(str(packaged), "the built-in pattern files are missing; "
                        "reinstall policyscan")


@dataclass(frozen=True)
class RuleSet:
    rules: tuple[Rule, ...]
    sha256: str  # of every loaded file's bytes, in load order
    files: tuple[str, ...]
    # Word lists of vocabulary.yaml by name: rules expand them as "@name"; heading roles
    # and list lead-ins (structure.py) read them directly.
    vocabulary: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # Per category, set by a pattern file's ``threshold:``; others use DEFAULT_THRESHOLD.
    thresholds: Mapping[str, float] = field(default_factory=dict)
    # Signals of a document's kind (``kinds.yaml``), read by classify.py.
    kind_signals: tuple[KindSignal, ...] = ()

    def __len__(self) -> int:
        return len(self.rules)

    def by_id(self) -> dict[str, Rule]:
        return {r.id: r for r in self.rules}

    def threshold(self, category: str) -> float:
        return self.thresholds.get(category, DEFAULT_THRESHOLD)


def _word_list(path: Path, field: str, words: object, known: Mapping[str, tuple[str, ...]],
               out: Mapping[str, tuple[str, ...]]) -> list[str]:
    if not isinstance(words, list) or not all(isinstance(w, str) and w.strip() for w in words):
        raise RuleFileError(str(path), "must be a list of non-empty strings", field=field)
    expanded: list[str] = []
    for w in words:
        # "@name" takes in a list defined above it (in this file or an earlier one).
        ref = w.strip()[1:] if w.strip().startswith("@") else None
        if ref is not None and ref not in out and ref not in known:
            raise RuleFileError(str(path), f"refers to {w.strip()!r}, which is not defined "
                                "above it", field=field)
        expanded.extend((out.get(ref) or known[ref]) if ref is not None
                        else (" ".join(w.split()),))
    return expanded


def _vocabulary(path: Path, known: Mapping[str, tuple[str, ...]]
                ) -> tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]]]:
    """The lists a vocabulary file defines, and the words it adds to lists defined before
    it (``extend:``, for a ``--patterns`` directory that widens a heading role or filter)."""
    data = load_yaml(path, RuleFileError, cached=True)
    if data is None:
        return {}, {}
    vocab = data.get("vocabulary", {}) if isinstance(data, dict) else None
    extend = data.get("extend", {}) if isinstance(data, dict) else None
    if not isinstance(vocab, dict) or not isinstance(extend, dict) or not (vocab or extend):
        raise RuleFileError(str(path), "must hold a mapping 'vocabulary: {name: [phrases]}' "
                            "and/or 'extend: {name: [phrases]}'")
    unknown = set(data) - {"vocabulary", "extend"}
    if unknown:
        raise RuleFileError(str(path), f"unknown top-level key(s) "
                            f"{', '.join(sorted(map(str, unknown)))}; allowed: vocabulary, "
                            "extend")
    out: dict[str, tuple[str, ...]] = {}
    for name, words in vocab.items():
        out[str(name)] = tuple(dict.fromkeys(
            _word_list(path, f"vocabulary.{name}", words, known, out)))
    added: dict[str, tuple[str, ...]] = {}
    for name, words in extend.items():
        if name not in known and name not in out:
            raise RuleFileError(str(path), f"extends {name!r}, which no earlier vocabulary "
                                "defines", field=f"extend.{name}")
        added[str(name)] = tuple(_word_list(path, f"extend.{name}", words, known, out))
    return out, added


def _files(directory: Path) -> list[Path]:
    if not directory.is_dir():
        raise RuleFileError(str(directory), "is not a directory of pattern files")
    return sorted(p for p in directory.iterdir()
                  if p.suffix in (".yaml", ".yml") and p.name not in (VOCABULARY_FILE, KINDS_FILE))


def load_rules(extra_dirs: list[Path] | None = None, *, builtin: bool = True) -> RuleSet:
    """Load the built-in rules plus any ``--patterns`` directories, validating each rule."""
    from ..match.filters import FILTER_NAMES

    dirs = ([builtin_patterns_dir()] if builtin else []) + list(extra_dirs or [])
    vocabulary: dict[str, tuple[str, ...]] = {}
    defined_in: dict[str, str] = {}
    digest = hashlib.sha256()
    files: list[str] = []
    for d in dirs:
        vocab_path = d / VOCABULARY_FILE
        if vocab_path.is_file():
            defined, added = _vocabulary(vocab_path, vocabulary)
            for name, words in added.items():
                base = vocabulary.get(name) or defined[name]
                target = vocabulary if name in vocabulary else defined
                target[name] = tuple(dict.fromkeys((*base, *words)))
            for name, words in defined.items():
                # Redefining a list would silently change every rule that uses it.
                if name in vocabulary:
                    raise RuleFileError(str(vocab_path), f"is already defined in "
                                        f"{defined_in[name]}; choose another name",
                                        field=f"vocabulary.{name}")
                vocabulary[name] = words
                defined_in[name] = str(vocab_path)
            digest.update(vocab_path.read_bytes())
    signals: list[KindSignal] = []
    for d in dirs:
        kinds_path = d / KINDS_FILE
        if kinds_path.is_file():
            signals.extend(load_kind_signals(kinds_path))
            digest.update(kinds_path.read_bytes())
    rules: list[Rule] = []
    seen: dict[str, str] = {}
    thresholds: dict[str, float] = {}
    threshold_from: dict[str, str] = {}
    filters = frozenset(FILTER_NAMES)
    for d in dirs:
        for path in _files(d):
            data = load_yaml(path, RuleFileError, cached=True)
            digest.update(path.read_bytes())
            files.append(str(path))
            if data is None:
                continue
            if not isinstance(data, dict) or not isinstance(data.get("rules"), list):
                raise RuleFileError(str(path), "must hold a mapping with a 'rules:' list")
            unknown = set(data) - {"rules", "category", "description", "threshold"}
            if unknown:
                raise RuleFileError(str(path), f"unknown top-level key(s) "
                                    f"{', '.join(sorted(map(str, unknown)))}; allowed: "
                                    "rules, category, description, threshold")
            if "threshold" in data:
                _set_threshold(thresholds, threshold_from, path, data)
            for raw in data["rules"]:
                rule = build_rule(str(path), raw, default_category=data.get("category"),
                                  vocabulary=vocabulary, filters=filters)
                if rule.id in seen:
                    raise RuleFileError(str(path), f"duplicate rule id, already defined in "
                                        f"{seen[rule.id]}", rule=rule.id, field="id")
                seen[rule.id] = str(path)
                rules.append(rule)
    builtin_dir = str(builtin_patterns_dir()) if builtin else None
    users = [r for r in rules if r.patterns and not (
        builtin_dir and Path(r.file).parent == Path(builtin_dir))]
    if users:
        # Compiled in full now: a token pattern spaCy refuses is this file's error (exit
        # 2), not a failure blamed on every document later. The built-in files are compiled
        # by their tests; checking them here would import spaCy into every run, a cached
        # rescan too.
        from ..match.nlp import compile_token_patterns

        compile_token_patterns(users)
    return RuleSet(tuple(rules), digest.hexdigest(), tuple(files), vocabulary, thresholds,
                   tuple(signals))


def _set_threshold(thresholds: dict[str, float], threshold_from: dict[str, str], path: Path,
                   data: dict[str, object]) -> None:
    """A file's ``threshold:`` for its ``category:``; two files may not disagree on one."""
    value, category = data["threshold"], data.get("category")
    if not isinstance(category, str):
        raise RuleFileError(str(path), "a file with 'threshold:' needs a 'category:' for it",
                            field="threshold")
    if not isinstance(value, (int, float)) or isinstance(value, bool) or not 0 < value <= 1:
        raise RuleFileError(str(path), f"must be a number in (0, 1], not {value!r:.40}",
                            field="threshold")
    if category in thresholds and thresholds[category] != value:
        raise RuleFileError(str(path), f"disagrees with the threshold of {category} set in "
                            f"{threshold_from[category]}", field="threshold")
    thresholds[category] = float(value)
    threshold_from[category] = str(path)
