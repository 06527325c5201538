"""Named false-positive filters that rules list under ``unless:``.

Each filter looks at a hit's surroundings and returns why the hit must be dropped, or
None. They encode what documents in general do, not one file: a nondiscrimination notice
tells you how to file a *discrimination* grievance; a combined benefits guide has appeal
rules for disability and life insurance too; a clinical-trial clause *covers* routine
costs of investigational treatment.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .context import HitContext

Filter = Callable[[HitContext], "str | None"]

_CIVIL_RIGHTS = re.compile(
    r"discriminat|civil rights|section 1557|office for civil rights|\bocr\b|"
    r"privacy (?:practices|rights|polic)|protected health information|\bhipaa\b|"
    r"health information privacy|"
    r"accessibility|auxiliary aids",
    re.I,
)
# Mentions of a notice's subject in the text just before a hit that make it part of it.
NOTICE_REACH = 1500
NOTICE_MENTIONS = 2
_NON_MEDICAL = re.compile(
    r"(long|short)[- ]term disability|disability (income )?(benefits?|claims?|plan|insurance)|"
    r"life insurance|accidental death|\bad&d\b|\bltd\b",
    re.I,
)
_PROVIDER_RIGHTS = re.compile(
    r"providers?\b[^.]{0,120}\b(not|no)\b[^.]{0,60}\b(beneficiar|appeal rights|"
    r"independent claims)|"
    r"\bnot\b[^.]{0,40}\b(have|has)\b[^.]{0,20}\b(independent )?(claims and )?appeal rights|"
    r"\b(provider|beneficiary)\b[^.]{0,60}\bwith\s+(independent\s+)?(claims\s+and\s+)?"
    r"appeal rights",
    re.I,
)
_COVERED_TRIAL = re.compile(
    r"routine (patient )?costs?|clinical trials?\b[^.]{0,120}\b(covered|benefits? (are|is) "
    r"(provided|available))|qualifying clinical trial|approved clinical trial",
    re.I,
)
_LITERATURE = re.compile(
    r"\b(study|studies|trial|randomi[sz]ed|cohort|patients were|participants|"
    r"et al\.?|meta-analysis|systematic review|food and drug administration|\bfda\b|"
    r"device exemption|\bide\b|510\(k\)|premarket|approved for|federal law|"
    r"investigational use)\b",
    re.I,
)
_EXCLUDING = re.compile(r"not covered|non-?covered|exclu|not medically necessary|unproven|"
                        r"no benefits|does not cover|do not cover|not (a )?covered|not eligible",
                        re.I)
_RIGHT_TO_REFUSE = re.compile(r"\b(refuse|decline|choose|choice|consent|agree)\b", re.I)


def civil_rights_notice(ctx: HitContext) -> str | None:
    """A discrimination grievance or a privacy complaint is not a claim appeal.

    Inside an appeals section only the sentence and the ones leading into it count (a
    denial letter's appeal rights are often followed by its nondiscrimination notice);
    elsewhere the notice may
    have no heading of its own, so nearby words decide.
    """
    if ctx.section.role in ("civil_rights", "privacy"):
        return f"in a {ctx.section.role.replace('_', ' ')} notice"
    appeals = ctx.section.role in ("appeals", "sbc_appeals")
    near = ctx.lead() + ctx.window("sentence") if appeals else ctx.around(300)
    m = _CIVIL_RIGHTS.search(near)
    if m:
        return f"civil-rights or privacy notice ('{m.group(0)}' nearby)"
    if appeals:
        # A notice's own "Complaints" part: the notice's words fill what leads into it.
        earlier = _CIVIL_RIGHTS.findall(ctx.text, max(0, ctx.start - NOTICE_REACH), ctx.start)
        if len(earlier) >= NOTICE_MENTIONS:
            return f"inside a civil-rights or privacy notice ('{earlier[-1]}' above)"
    return None


def non_medical_benefit(ctx: HitContext) -> str | None:
    m = _NON_MEDICAL.search(ctx.around(400))
    if m:
        return f"about a non-medical benefit ('{m.group(0)}' nearby)"
    return None


def provider_rights(ctx: HitContext) -> str | None:
    m = _PROVIDER_RIGHTS.search(ctx.window("sentence"))
    if m:
        return "says who does NOT have appeal rights"
    return None


def covered_clinical_trial(ctx: HitContext) -> str | None:
    """A clause that covers routine costs in a trial; not an exclusion "except" for them."""
    if ctx.section.role == "exclusions":
        return None
    window = ctx.window("sentence")
    m = _COVERED_TRIAL.search(window)
    if not m or _EXCLUDING.search(ctx.before(200)):
        return None
    between = window[:m.start()]
    if re.search(r"\bexcept\b", between, re.I) and not _EXCLUDING.search(window[m.start():]):
        return None  # "excluded …, except … routine patient costs": the exclusion stands
    return "describes covered clinical-trial costs"


def research_description(ctx: HitContext) -> str | None:
    """Study designs and FDA status describe evidence; they exclude nothing."""
    if ctx.section.role == "exclusions":
        return None
    window = ctx.window("sentence")
    if _LITERATURE.search(window) and not _EXCLUDING.search(window):
        return "describes research or regulatory status, not coverage"
    return None


def right_to_refuse(ctx: HitContext) -> str | None:
    if _RIGHT_TO_REFUSE.search(ctx.before(120)) and not _EXCLUDING.search(ctx.window("sentence")):
        return "a member's right to refuse, not an exclusion"
    return None


_TURNED_AROUND = re.compile(r"\b(?:non-?|not|never)\s*(?:(?:considered|deemed|regarded)\s+)?"
                           r"(?:(?:for|to\s+be|as)\s+)?$", re.I)


def non_prefixed(ctx: HitContext) -> str | None:
    """ "non-cosmetic", "Not Experimental", "not considered cosmetic", "not for cosmetic
    purposes": the words directly before turn it around."""
    lead = ctx.text[max(0, ctx.start - 32):ctx.start]
    m = _TURNED_AROUND.search(lead)
    if m:
        return f"'{m.group(0).strip()} {ctx.hit}' means the opposite"
    return None


def bare_label(ctx: HitContext) -> str | None:
    """A heading or table label that is only the trigger words states nothing — except a
    defined term, whose definition follows it (the quote then takes that in)."""
    if ctx.kind == "glossary" or ctx.section.role == "definitions":
        return None
    s, e = ctx.sentence
    words = ctx.text[s:e].strip(" .:;\u2022\u25cf*-").split()
    if len(words) <= len(ctx.hit.split()) + 1:
        return "a bare heading or label, not a statement"
    return None


FILTERS: dict[str, Filter] = {
    "non_prefixed": non_prefixed,
    "bare_label": bare_label,
    "civil_rights_notice": civil_rights_notice,
    "non_medical_benefit": non_medical_benefit,
    "provider_rights": provider_rights,
    "covered_clinical_trial": covered_clinical_trial,
    "research_description": research_description,
    "right_to_refuse": right_to_refuse,
}
