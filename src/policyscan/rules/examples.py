"""Running every rule's own examples: each ``match`` must produce a finding of that rule,
each ``no_match`` must not. The test suite and ``policyscan rules --test`` both use this.

A false-positive rule reports nothing, so its examples say what it changes: a ``match``
is a text the other rules would report in one of the rule's ``against`` categories and,
with the rule, do not; a ``no_match`` is a real passage of those categories that the rule
must leave standing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..models import DocumentReport, Finding
from .loader import RuleSet
from .schema import FALSE_POSITIVE, Rule

if TYPE_CHECKING:
    from ..scanner import Scanner


@dataclass(frozen=True)
class ExampleResult:
    rule: str
    expectation: str  # "match" | "no_match"
    text: str
    ok: bool
    detail: str


def _against(rule: Rule, report: DocumentReport) -> list[Finding]:
    return [f for f in report.findings if f.category in rule.against]


def check_examples(ruleset: RuleSet) -> list[ExampleResult]:
    from ..scanner import Scanner

    scanner = Scanner(ruleset)
    results: list[ExampleResult] = []
    for rule in ruleset.rules:
        for expectation, texts in (("match", rule.examples.match),
                                   ("no_match", rule.examples.no_match)):
            for text in texts:
                report = scanner.scan_text(text, name=f"<example of {rule.id}>")
                if rule.category == FALSE_POSITIVE:
                    ok, detail = _check_false_positive(scanner, rule, expectation, text, report)
                else:
                    hits = [f for f in report.findings if rule.id == f.rule or rule.id in f.also]
                    ok = bool(hits) if expectation == "match" else not hits
                    detail = ""
                    if not ok and hits:
                        detail = f"found {hits[0].quote!r} ({hits[0].explanation})"
                    elif not ok:
                        detail = "no finding of this rule"
                results.append(ExampleResult(rule.id, expectation, text, ok, detail))
    return results


def _check_false_positive(scanner: Scanner, rule: Rule, expectation: str, text: str,
                          report: DocumentReport) -> tuple[bool, str]:
    kept = _against(rule, report)
    if expectation == "no_match":
        if kept:
            return True, ""
        return False, f"no finding of {', '.join(rule.against)} is left standing"
    if kept:
        return False, f"still found {kept[0].quote!r} ({kept[0].explanation})"
    scanner.ignore_rules = frozenset({rule.id})
    try:
        without = _against(rule, scanner.scan_text(text, name=f"<example of {rule.id}>"))
    finally:
        scanner.ignore_rules = frozenset()
    if not without:
        return False, ("nothing to speak against: without the rule there is no finding of "
                       f"{', '.join(rule.against)} either")
    return True, ""
