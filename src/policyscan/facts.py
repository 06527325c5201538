"""Document-level answers from the findings: is cosmetic work excluded, and so on.

Facts come from plan terms. A glossary defines and a blank form asks: their findings are
reported, but their facts are all false (they state no term of any plan) when the kind is
clear. When it is not, the passages decide: a definition (a finding in a definitions
section) is no plan term, an exclusion in a policy wording is, so a misjudged kind cannot
erase what the document says. A finding marked ``negated`` ("no prior authorization is
required") or not a plan term (a rule with ``facts: false``, a definition) never sets a
fact, and a plan that says no service needs approval outweighs passages that only describe
its review steps.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .match.words import NO_WORDS, WordLists
from .models import FACT_CATEGORIES, NON_PLAN_KINDS, DeadlineFact, Facts, Finding

# The member's first internal appeal limit; plans that call appeals "grievances"
# (California HMOs, say) state only that. Failing both, in any benefit: a public
# program's own decision (a Medicaid agency's notice) is first appealed at a fair hearing.
_DEADLINE_STAGES = (("first_internal_appeal", "grievance"), ("fair_hearing",))
_LATER_STAGES = ("external_review", "second_level")
# Whose first appeal the fact is: the medical plan's; a dental or vision plan's when the
# document is one. Disability, life and eligibility claims are never the answer.
_FACT_BENEFITS = ("medical", "dental", "vision")


def _counts(f: Finding) -> bool:
    return f.plan_term and not f.negated


def first_appeal_candidates(findings: Sequence[Finding]) -> list[Finding]:
    """The findings that could state the fact: the first stage the document names, of the
    first benefit that has one, in page order."""
    ordered = sorted((f for f in findings if f.deadline is not None and _counts(f)),
                     key=lambda f: (f.page, f.start))
    # (a fair hearing among later steps, an outside review or a second level, is later too:
    # a plan's appeal decision that names all of them answers a first appeal already made)
    later = any(f.deadline is not None and f.deadline.stage in _LATER_STAGES for f in ordered)
    for stages in _DEADLINE_STAGES[:1] if later else _DEADLINE_STAGES:
        for benefit in _FACT_BENEFITS:
            for stage in stages:
                # A limit in hours is an urgent one whatever its words: never the standard
                # first appeal's.
                found = [f for f in ordered if f.deadline is not None
                         and f.deadline.stage == stage and f.deadline.benefit == benefit
                         and f.deadline.unit != "hours"]
                if found:
                    return found
    return []


def appeal_deadline(findings: Sequence[Finding]) -> DeadlineFact | None:
    """The first internal appeal limit, or None when the document states none or states
    several that disagree (``unclear_deadline`` then says where)."""
    found = first_appeal_candidates(findings)
    if not found or unclear_deadline(findings):
        return None
    f = found[0]
    assert f.deadline is not None
    return DeadlineFact(f.deadline.value, f.deadline.unit, f.page, f.quote)


def unclear_deadline(findings: Sequence[Finding]) -> dict[str, Any] | None:
    """When the first-appeal limits of one benefit disagree ("60 days" here, "180 days"
    there), no number is the answer: the values and the pages to read instead."""
    found = first_appeal_candidates(findings)
    values = {(f.deadline.value, f.deadline.unit) for f in found if f.deadline is not None}
    if len(values) < 2:
        return None
    return {"values": [{"value": v, "unit": u} for v, u in sorted(values)],
            "pages": sorted({f.page for f in found})}


# How sure the classifier must be of a glossary or form before its passages stop counting.
SURE_KIND = 0.75


def _prior_authorization(findings: Sequence[Finding], words: WordLists) -> bool:
    """A plan that says outright that nothing needs approval ("preauthorization is not
    required under this certificate") requires none, whatever its review procedures call
    their steps; only a stated requirement ("must be preauthorized", a penalty) outweighs
    that."""
    found = [f for f in findings if f.category == "prior_authorization" and f.plan_term]
    if not any(not f.negated for f in found):
        return False
    if not any(f.negated and words.search("not_required_whole_plan", f.quote) for f in found):
        return True
    return any(not f.negated and words.search("requirement", f.quote) for f in found)


def compute_facts(kind: str, findings: Sequence[Finding], confidence: float = 1.0,
                  words: WordLists = NO_WORDS) -> Facts:
    if kind in NON_PLAN_KINDS and confidence >= SURE_KIND:
        return Facts({c: False for c in FACT_CATEGORIES}, None)
    values: dict[str, bool | None] = {
        c: any(f.category == c and _counts(f) for f in findings) for c in FACT_CATEGORIES
    }
    values["prior_authorization"] = _prior_authorization(findings, words)
    return Facts(values, appeal_deadline(findings), unclear_deadline(findings))
