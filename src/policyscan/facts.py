"""Document-level answers from the findings: is cosmetic work excluded, and so on.

Facts come from plan terms. A glossary defines and a blank form asks: their findings are
reported, but their facts are all false (they state no term of any plan) when the kind is
clear. When it is not, the passages decide: a definition (a finding in a definitions
section) is no plan term, an exclusion in a policy wording is, so a misjudged kind cannot
erase what the document says. A finding marked ``negated`` ("no prior authorization is
required") or not a plan term (a rule with ``facts: false``, a definition) never sets a
fact.
"""

from __future__ import annotations

from collections.abc import Sequence

from .models import FACT_CATEGORIES, NON_PLAN_KINDS, DeadlineFact, Facts, Finding

# The member's first internal appeal limit; plans that call appeals "grievances"
# (California HMOs, say) state only that.
_DEADLINE_ACTIONS = ("internal_appeal", "grievance")


def _counts(f: Finding) -> bool:
    return f.plan_term and not f.negated


def appeal_deadline(findings: Sequence[Finding]) -> DeadlineFact | None:
    ordered = sorted((f for f in findings if f.deadline is not None and _counts(f)),
                     key=lambda f: (f.page, f.start))
    for action in _DEADLINE_ACTIONS:
        for f in ordered:
            assert f.deadline is not None
            if f.deadline.action == action:
                return DeadlineFact(f.deadline.value, f.deadline.unit, f.page, f.quote)
    return None


# How sure the classifier must be of a glossary or form before its passages stop counting.
SURE_KIND = 0.75


def compute_facts(kind: str, findings: Sequence[Finding], confidence: float = 1.0) -> Facts:
    if kind in NON_PLAN_KINDS and confidence >= SURE_KIND:
        return Facts({c: False for c in FACT_CATEGORIES}, None)
    values: dict[str, bool | None] = {
        c: any(f.category == c and _counts(f) for f in findings) for c in FACT_CATEGORIES
    }
    return Facts(values, appeal_deadline(findings))
