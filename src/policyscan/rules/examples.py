"""Running every rule's own examples: each ``match`` must produce a finding of that rule,
each ``no_match`` must not. The test suite and ``policyscan rules --test`` both use this.
"""

from __future__ import annotations

from dataclasses import dataclass

from .loader import RuleSet


@dataclass(frozen=True)
class ExampleResult:
    rule: str
    expectation: str  # "match" | "no_match"
    text: str
    ok: bool
    detail: str


def check_examples(ruleset: RuleSet) -> list[ExampleResult]:
    from ..scanner import Scanner

    scanner = Scanner(ruleset)
    results: list[ExampleResult] = []
    for rule in ruleset.rules:
        for expectation, texts in (("match", rule.examples.match),
                                   ("no_match", rule.examples.no_match)):
            for text in texts:
                report = scanner.scan_text(text, name=f"<example of {rule.id}>")
                hits = [f for f in report.findings if rule.id == f.rule or rule.id in f.also]
                ok = bool(hits) if expectation == "match" else not hits
                detail = ""
                if not ok and hits:
                    detail = f"found {hits[0].quote!r} ({hits[0].explanation})"
                elif not ok:
                    detail = "no finding of this rule"
                results.append(ExampleResult(rule.id, expectation, text, ok, detail))
    return results
