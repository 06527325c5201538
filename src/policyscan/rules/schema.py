"""A rule: what it looks for, where it applies, how sure it is, and its own examples.

Rules validate themselves when built from a pattern file: a malformed rule stops loading
with an error that names the file, the rule and the field (``RuleFileError``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Literal, TypeGuard, get_args

from ..datafile import Fields
from ..errors import RuleFileError, brief
from ..models import CATEGORIES

# Section roles a rule may require or refuse; assigned by ``policyscan.structure``.
SectionRole = Literal[
    "sbc_header", "sbc_questions", "sbc_grid", "sbc_lists", "sbc_not_covered",
    "sbc_other_covered",
    "sbc_continue_coverage", "sbc_appeals", "sbc_mec", "sbc_language", "sbc_examples",
    "exclusions", "covered", "appeals", "definitions", "civil_rights", "privacy",
    "history", "references", "experimental", "none",
]
SECTION_ROLES: frozenset[SectionRole] = frozenset(get_args(SectionRole))
EXTRACTORS: frozenset[str] = frozenset({"deadline"})
QUOTE_MODES: frozenset[str] = frozenset({"sentence", "match"})
# Rules of this category report nothing: a hit speaks against candidates of the categories
# in its ``against`` list (a civil-rights notice's "grievance", a licensee's "independent").
FALSE_POSITIVE = "false_positive"
# Categories beyond the eight of categories.md that rules may have.
EXTRA_CATEGORIES: frozenset[str] = frozenset({"code", FALSE_POSITIVE})

_ID = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")
_ALLOWED_FIELDS = frozenset({
    "id", "category", "title", "phrases", "patterns", "fuzzy", "fuzzy_threshold", "context",
    "unless", "negated_by", "extract", "quote", "score", "facts", "source", "examples",
    "notes", "against", "list_items",
})
_CONTEXT_FIELDS = frozenset({"sections", "not_sections", "near", "not_near", "window",
                             "before", "not_before", "not_after"})
MIN_FUZZY_LENGTH = 8


@dataclass(frozen=True)
class Context:
    """Where a hit counts. ``near``/``not_near`` are looked for within ``window``.

    ``window`` is "sentence" (the sentence around the hit) or a number of characters on
    each side. ``before``/``not_before`` look only at the text before the hit in its
    sentence (a lead-in such as "not covered:" or "we will decide"), ``not_after`` only at
    the rest of the hit's clause ("… following an injury, are not covered").
    """

    sections: tuple[str, ...] = ()
    not_sections: tuple[str, ...] = ()
    near: tuple[str, ...] = ()
    not_near: tuple[str, ...] = ()
    before: tuple[str, ...] = ()
    not_before: tuple[str, ...] = ()
    not_after: tuple[str, ...] = ()
    window: str | int = "sentence"


@dataclass(frozen=True)
class Examples:
    match: tuple[str, ...]
    no_match: tuple[str, ...]


@dataclass(frozen=True)
class Rule:
    id: str
    category: str
    title: str
    source: str
    score: float
    examples: Examples
    file: str
    phrases: tuple[str, ...] = ()
    patterns: tuple[tuple[dict[str, Any], ...], ...] = ()
    fuzzy: tuple[str, ...] = ()
    fuzzy_threshold: float = 90.0
    context: Context = field(default_factory=Context)
    unless: tuple[str, ...] = ()
    negated_by: tuple[str, ...] = ()
    extract: str | None = None
    quote: str = "sentence"
    facts: bool = True
    against: tuple[str, ...] = ()  # false-positive rules: the categories they speak against
    # Every item line under a list lead-in of one of these section roles is a hit ("The
    # following are investigational:" then service names with no trigger word of their own).
    list_items: tuple[str, ...] = ()


class _Fields(Fields):
    """Reads one rule mapping, raising errors that name the file, the rule and the field."""

    def __init__(self, file: str, raw: dict[str, Any], vocabulary: dict[str, tuple[str, ...]]):
        rule_id = raw.get("id") or "?"
        super().__init__(file, raw, rule_id if isinstance(rule_id, str) else brief(rule_id))
        self.vocabulary = vocabulary

    def fail(self, name: str | None, message: str) -> RuleFileError:
        return RuleFileError(self.file, message, rule=self.entry, field=name)

    def phrases(self, name: str, value: Any = None, *, from_raw: bool = True) -> tuple[str, ...]:
        """A list of phrases; "@name" expands a vocabulary list."""
        if from_raw:
            value = self.raw.get(name)
        if value is None:
            return ()
        out: list[str] = []
        for item in self.items(name, value):
            if item.startswith("@"):
                if item[1:] not in self.vocabulary:
                    known = ", ".join(sorted(self.vocabulary)) or "none"
                    raise self.fail(name, f"refers to unknown vocabulary {brief(item)} "
                                          f"(known: {known})")
                out.extend(self.vocabulary[item[1:]])
            else:
                out.append(" ".join(item.split()))
        return tuple(dict.fromkeys(out))

    def patterns(self) -> tuple[tuple[dict[str, Any], ...], ...]:
        value = self.raw.get("patterns")
        if value is None:
            return ()
        if not isinstance(value, list):
            raise self.fail("patterns", "must be a list of spaCy token patterns")
        out = []
        for i, pattern in enumerate(value):
            if not isinstance(pattern, list) or not pattern:
                raise self.fail("patterns", f"pattern {i + 1} must be a non-empty list of "
                                            "token specs, e.g. [{LOWER: prior}]")
            for spec in pattern:
                if not isinstance(spec, dict) or not spec:
                    raise self.fail("patterns", f"pattern {i + 1} has a token spec that is "
                                                f"not a mapping: {brief(spec)}")
            out.append(tuple(pattern))
        return tuple(out)

    def context(self) -> Context:
        value = self.raw.get("context")
        if value is None:
            return Context()
        if not isinstance(value, dict):
            raise self.fail("context", "must be a mapping")
        unknown = set(value) - _CONTEXT_FIELDS
        if unknown:
            raise self.fail("context", f"unknown key(s) {', '.join(sorted(map(str, unknown)))}; "
                                       f"allowed: {', '.join(sorted(_CONTEXT_FIELDS))}")
        roles: dict[str, tuple[str, ...]] = {}
        for key in ("sections", "not_sections"):
            names = self.phrases(f"context.{key}", value.get(key), from_raw=False)
            bad = [n for n in names if n not in SECTION_ROLES]
            if bad:
                raise self.fail(f"context.{key}", f"unknown section role(s) {bad}; known: "
                                                  f"{', '.join(sorted(SECTION_ROLES))}")
            roles[key] = names
        window = value.get("window", "sentence")
        if not (window == "sentence" or (isinstance(window, int) and 0 < window <= 2000)):
            raise self.fail("context.window", "must be 'sentence' or a number of characters "
                                              "between 1 and 2000")
        return Context(
            sections=roles["sections"],
            not_sections=roles["not_sections"],
            near=self.phrases("context.near", value.get("near"), from_raw=False),
            not_near=self.phrases("context.not_near", value.get("not_near"), from_raw=False),
            before=self.phrases("context.before", value.get("before"), from_raw=False),
            not_before=self.phrases("context.not_before", value.get("not_before"),
                                    from_raw=False),
            not_after=self.phrases("context.not_after", value.get("not_after"),
                                   from_raw=False),
            window=window,
        )

    def examples(self) -> Examples:
        value = self.raw.get("examples")
        if not isinstance(value, dict):
            raise self.fail("examples", "is required: {match: [...], no_match: [...]}")
        unknown = set(value) - {"match", "no_match"}
        if unknown:
            raise self.fail("examples", f"unknown key(s) {', '.join(sorted(map(str, unknown)))}")
        match = value.get("match") or []
        no_match = value.get("no_match") or []
        for key, items in (("match", match), ("no_match", no_match)):
            if not isinstance(items, list) or not all(isinstance(x, str) and x.strip()
                                                      for x in items):
                raise self.fail(f"examples.{key}", "must be a list of non-empty strings")
        if not match:
            raise self.fail("examples.match", "needs at least one example the rule must match")
        if not no_match:
            raise self.fail("examples.no_match",
                            "needs at least one example the rule must not match")
        return Examples(tuple(match), tuple(no_match))


def _one_of(value: Any, allowed: Any) -> TypeGuard[str]:
    """``value in allowed`` for a string; a list or mapping where a name belongs is a
    mistake to report, not a TypeError (it cannot be hashed)."""
    return isinstance(value, str) and value in allowed


def build_rule(file: str, raw: Any, *, default_category: str | None,
               vocabulary: dict[str, tuple[str, ...]], filters: frozenset[str]) -> Rule:
    if not isinstance(raw, dict):
        raise RuleFileError(file, f"each rule must be a mapping, not {type(raw).__name__}")
    f = _Fields(file, raw, vocabulary)
    rule_id = f.text("id")
    if not _ID.match(rule_id):
        raise f.fail("id", "must be lower-case letters, digits, '.', '-' or '_' "
                           f"(like 'cosmetic.sbc-list-item'), not {brief(rule_id)}")
    unknown = set(raw) - _ALLOWED_FIELDS
    if unknown:
        raise f.fail(sorted(map(str, unknown))[0], f"is not a rule field; allowed: "
                                         f"{', '.join(sorted(_ALLOWED_FIELDS))}")
    category = raw.get("category", default_category)
    if not _one_of(category, CATEGORIES) and not _one_of(category, EXTRA_CATEGORIES):
        raise f.fail("category", f"must be one of {', '.join(CATEGORIES)}; got {brief(category)}")
    score = raw.get("score")
    if not isinstance(score, (int, float)) or isinstance(score, bool) or not 0 < score <= 1:
        raise f.fail("score", f"must be a number in (0, 1], not {brief(score)}")
    phrases = f.phrases("phrases")
    patterns = f.patterns()
    fuzzy = f.phrases("fuzzy")
    wild = [p for p in (*phrases, *fuzzy) if "*" in p]
    if wild:
        raise f.fail("phrases" if set(wild) & set(phrases) else "fuzzy",
                     f"'*' matches any ending only in word lists (near, before, not_*); a "
                     f"phrase is matched as written: {wild}")
    short = [p for p in fuzzy if len(p) < MIN_FUZZY_LENGTH]
    if short:
        raise f.fail("fuzzy", f"phrases shorter than {MIN_FUZZY_LENGTH} characters match too "
                              f"much when fuzzed: {short}")
    list_items = f.phrases("list_items")
    bad_roles = [r for r in list_items if r not in SECTION_ROLES]
    if bad_roles:
        raise f.fail("list_items", f"unknown section role(s) {bad_roles}; known: "
                                   f"{', '.join(sorted(SECTION_ROLES))}")
    if not (phrases or patterns or fuzzy or list_items):
        raise f.fail("phrases", "a rule needs at least one of phrases, patterns, fuzzy or "
                                "list_items")
    threshold = raw.get("fuzzy_threshold", 90)
    if not isinstance(threshold, (int, float)) or not 70 <= threshold <= 100:
        raise f.fail("fuzzy_threshold", f"must be a number from 70 to 100, not {brief(threshold)}")
    unless = f.phrases("unless")
    bad = [u for u in unless if u not in filters]
    if bad:
        raise f.fail("unless", f"unknown filter(s) {bad}; known: {', '.join(sorted(filters))}")
    extract = raw.get("extract")
    if extract is not None and not _one_of(extract, EXTRACTORS):
        raise f.fail("extract", f"must be one of {', '.join(sorted(EXTRACTORS))}")
    if category == "appeal_deadline" and extract != "deadline":
        raise f.fail("extract", "appeal_deadline rules must say 'extract: deadline' so each "
                                "finding carries its value, unit, action and anchor")
    quote = raw.get("quote", "sentence")
    if not _one_of(quote, QUOTE_MODES):
        raise f.fail("quote", f"must be one of {', '.join(sorted(QUOTE_MODES))}")
    facts = raw.get("facts", True)
    if not isinstance(facts, bool):
        raise f.fail("facts", "must be true or false")
    against = f.phrases("against")
    if category == FALSE_POSITIVE and not against:
        raise f.fail("against", "a false_positive rule must name the categories it speaks "
                                f"against ({', '.join(CATEGORIES)})")
    if against and category != FALSE_POSITIVE:
        raise f.fail("against", "only false_positive rules speak against other categories")
    bad = [a for a in against if a not in CATEGORIES]
    if bad:
        raise f.fail("against", f"unknown categories {bad}; known: {', '.join(CATEGORIES)}")
    return Rule(
        id=rule_id, category=category, title=f.text("title"), source=f.text("source"),
        score=float(score), examples=f.examples(), file=file, phrases=phrases,
        patterns=patterns, fuzzy=fuzzy, fuzzy_threshold=float(threshold), context=f.context(),
        unless=unless, negated_by=f.phrases("negated_by"), extract=extract, quote=quote,
        facts=facts, against=against, list_items=list_items,
    )
