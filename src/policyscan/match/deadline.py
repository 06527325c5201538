"""Reading a member's time limit out of a sentence: value, unit, action and anchor.

"within one hundred-eighty (180) days after the day you were given notice" → 180 days,
anchor "after the day you were given notice". Numbers come from digits
or words. A template placeholder ("[insert time period]") is never a number. The
insurer's own clock ("we will decide within 30 days", "within 30 days after receipt of
your appeal") is not the member's deadline, nor are claim-filing limits, lawsuit limits
or benefit limits ("up to 100 days per benefit period").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..models import Deadline
from .context import HitContext

_UNITS = {"day": "days", "month": "months", "hour": "hours", "week": "weeks", "year": "years"}
_ONES = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19,
}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
         "eighty": 80, "ninety": 90}
_NUMBER_WORD = "|".join([*_ONES, *_TENS, "hundred", "and"])
_DURATION = re.compile(
    r"(?:(?P<words>(?:(?:" + _NUMBER_WORD + r")[\s-]+)*(?:" + _NUMBER_WORD + r"))\s*)?"
    r"(?:\(\s*(?P<paren>\d{1,4})\s*\)|(?P<num>\d{1,4}))?\s*-?\s*"
    r"(?P<qual>calendar|business|working)?\s*(?P<unit>day|month|hour|week|year)s?\b",
    re.I,
)
_PLACEHOLDER = re.compile(r"\[[^\]]{0,80}$|^[^\[]{0,80}\]|\binsert\b|_{3,}|\bxx+\b", re.I)

# The insurer's (or a reviewer's) own clock: a decision verb whose subject is not the
# member — "we will decide", "Highmark shall in writing notify", "the IRO must send",
# "if we have not answered you within 72 hours", "we may extend … by 14 days".
_DECISION_VERB = (
    r"(decid\w*|decision|respond\w*|response|notif\w*|answer\w*|resolv\w*|complet\w*|"
    r"conduct\w*|process\w*|review\w*|make|send|give|issu\w*|provid\w*|acknowledg\w*|"
    r"mail\w*|rule|reach|render\w*|extend\w*|take|forward\w*|hold|schedul\w*|assign\w*|"
    r"settl\w*|investigat\w*|conclud\w*)"
)
_MODAL = (r"(will|must|shall|should|may|can|could|would|is required to|are required to|"
          r"agrees? to|has to|have to)")
_ACTIVE_CLOCK = re.compile(
    r"\b(?P<subj>[\w']+)\s+" + _MODAL + r"\s+(?:not\s+)?(?:[\w,]+\s+){0,3}?" + _DECISION_VERB
    + r"\b[^.;]{0,200}$",
    re.I,
)
_DO_NOT_CLOCK = re.compile(
    r"\b(?P<subj>[\w']+)\s+(?:do|does|did|has|have|had)\s+not\s+" + _DECISION_VERB
    + r"\b[^.;]{0,140}$",
    re.I,
)
# "Within five (5) business days …, Highmark will complete a preliminary review": the
# subject follows the number when the sentence opens with it.
_AFTER_CLOCK = re.compile(
    r"^[^.;]{0,160}?[,:]\s*(?:the\s+)?(?P<subj>[\w']+)(?:\s+[\w']+)?\s+" + _MODAL
    + r"\s+(?:not\s+)?(?:[\w,]+\s+){0,3}?" + _DECISION_VERB + r"\b",
    re.I,
)
_MEMBER_SUBJECTS = frozenset({
    "you", "i", "member", "members", "claimant", "claimants", "enrollee", "enrollees",
    "patient", "applicant", "recipient", "subscriber", "beneficiary", "representative",
    "provider", "doctor", "physician",
})
_OPENING = re.compile(r"^\W*(within|no later than|not later than|in|after|for)\b[\w\s()-]{0,30}$",
                      re.I)


def _insurer_clock(before: str, after: str) -> bool:
    """Is the duration the plan's (or a reviewer's) own time to act?"""
    for pattern in (_ACTIVE_CLOCK, _DO_NOT_CLOCK):
        m = pattern.search(before)
        if m and m.group("subj").lower() not in _MEMBER_SUBJECTS:
            return True
    if _OPENING.search(before):
        m = _AFTER_CLOCK.search(after)
        if m and m.group("subj").lower() not in _MEMBER_SUBJECTS:
            return True
    return bool(_PASSIVE_CLOCK.search(before))


# The same clock in the passive voice: "you will be notified within 30 days", "a decision
# will be made within 72 hours", "you will receive our answer within 60 days".
_PASSIVE_CLOCK = re.compile(
    r"\b(will|shall|must|should)\s+be\s+(notified|decided|resolved|reviewed|completed|"
    r"processed|issued|answered|acknowledged|informed|conducted|rendered|held|forwarded|"
    r"scheduled)\b[^.;]{0,80}$|"
    r"\b(decision|determination|answer|response)\s+(will|shall|must|should)\s+be\s+"
    r"(made|sent|mailed|given|provided)\b[^.;]{0,80}$|"
    r"\b(you|member|claimant)\s+(will|should)\s+(receive|get|be\s+sent|hear)\b[^.;]{0,60}"
    r"\b(decision|answer|response|notice|notification|letter|determination)\b[^.;]{0,60}$",
    re.I,
)
# Anchored on the plan receiving the member's request: the plan's clock. Either the plan
# is the one receiving ("after we receive it"), or what is received is the member's
# request ("following receipt of the appeal"), not the plan's notice.
_PLAN_RECEIPT_ANCHOR = re.compile(
    r"^[^.;]{0,25}\b(after|following|from|of|upon)\s+(the\s+date\s+(of\s+)?)?"
    r"(?:(we|us|the\s+plan|the\s+claims\s+administrator|it)\s+(receives?|received|gets?)\b|"
    r"(our\s+|the\s+|[\w.]+.s\s+)?(receipt|receiving)\s+(of\s+)?(your|the|an?)\s+"
    r"(written\s+)?(appeal|request|grievance|complaint)\b|"
    r"your\s+(appeal|request|grievance|complaint)\s+is\s+received)",
    re.I,
)
# Limits that are not appeal limits.
_NOT_APPEAL = re.compile(
    r"proof of loss|claims? (forms? )?must be (submitted|filed|received)|submit (a|your) claim|"
    r"filing (a|your) claim|legal action|lawsuit|\bsue\b|court|commenced|statute of limitation|"
    r"per (plan|calendar|benefit|contract|policy) (year|period)|benefit period|"
    r"\bevery\s+\S+\s+(\(\d+\)\s+)?(consecutive\s+)?(months|years|days)|"
    r"\b(up to|limited to|maximum of|limit of)\s+\S+\s+(\(\d+\)\s+)?(visits|days)\s+"
    r"(per|each|every|a\s+(year|month)|in\s+a)\b|"
    r"days? a week|hours? a day|of (in-network )?pre-?natal care|respite|"
    r"enroll|special enrollment|coverage (will )?(end|terminate)|premium",
    re.I,
)
_SUPPORTING_INFO = re.compile(r"\b(additional|supporting|further|more)\s+(information|"
                              r"documentation|documents|evidence|records)\b", re.I)
_MEMBER = re.compile(
    r"\byou\b|\byour\b|\bmembers?\b|\benrollees?\b|\bclaimants?\b|\bpatients?\b|"
    r"\bcovered persons?\b|\bapplicants?\b|\brecipients?\b|\bbeneficiar(y|ies)\b|"
    r"\bsubscribers?\b|"
    r"must be (filed|submitted|made|received|requested|sent)|request must|appeal must|"
    r"may (file|request|ask|appeal)",
    re.I,
)

_ACTIONS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("external_review", re.compile(r"external|independent (medical )?review|\biro\b|\bimr\b|"
                                   r"independent review (organization|entity)|"
                                   r"external entity", re.I)),
    ("expedited_appeal", re.compile(r"expedited|urgent", re.I)),
    ("other", re.compile(r"second[- ]level|level (2|two)|voluntary|\bqio\b|"
                         r"quality improvement organization|fair hearing|"
                         r"insurance department|department of", re.I)),
    ("grievance", re.compile(r"grievance|complaint", re.I)),
    ("internal_appeal", re.compile(r"appeal|reconsider|review of (the|our|this) (decision|"
                                   r"denial|determination)|redetermination", re.I)),
)
_ANCHOR_END = re.compile(r"[.;:,()\[\]]|\s(and|or|but|unless|if|to)\s", re.I)
_MAX_ANCHOR_WORDS = 14


@dataclass(frozen=True)
class DeadlineReading:
    deadline: Deadline | None
    reason: str  # why it was read, or why it was rejected


def words_to_number(words: str) -> int | None:
    total, current = 0, 0
    seen = False
    for w in re.split(r"[\s-]+", words.lower()):
        if w in ("", "and"):
            continue
        if w in _ONES:
            current += _ONES[w]
        elif w in _TENS:
            current += _TENS[w]
        elif w == "hundred":
            current = (current or 1) * 100
        else:
            return None
        seen = True
    total += current
    return total if seen else None


def parse_duration(text: str, min_end: int = 0) -> tuple[int, str, re.Match[str]] | None:
    """The first duration in ``text`` ending after ``min_end``: (value, unit, match)."""
    for m in _DURATION.finditer(text):
        if m.end() <= min_end:
            continue
        value: int | None = None
        if m.group("paren"):
            value = int(m.group("paren"))
        elif m.group("num"):
            value = int(m.group("num"))
        elif m.group("words"):
            value = words_to_number(m.group("words"))
        if value is None or value == 0:
            continue
        unit = _UNITS[m.group("unit").lower()]
        qual = (m.group("qual") or "").lower()
        if unit == "days" and qual in ("business", "working"):
            unit = "business_days"
        elif unit == "weeks":
            value, unit = value * 7, "days"
        elif unit == "years":
            value, unit = value * 12, "months"
        return value, unit, m
    return None


def _action(*texts: str) -> str:
    """The first text that names an action decides it: the sentence itself, else what
    leads into it ("External review: … You must ask within 4 months"), else its section."""
    for text in texts:
        for action, pattern in _ACTIONS:
            if pattern.search(text):
                return action
    return "other"


def _anchor(after: str) -> str:
    # Skip a restatement in parentheses: "180 days (6 months) of receiving notice".
    words = re.sub(r"^\s*\([^)]{0,40}\)", "", after).strip()
    m = _ANCHOR_END.search(words)
    if m:
        words = words[:m.start()]
    return " ".join(words.split()[:_MAX_ANCHOR_WORDS])


def read_deadline(ctx: HitContext) -> DeadlineReading:
    """Interpret the duration at ``ctx`` as a member's deadline, or say why it is not one."""
    sentence = ctx.window("sentence")
    # Read from a little before the hit so number words ("sixty (60) days") are included.
    lead = ctx.text[max(ctx.sentence[0], ctx.start - 60):ctx.start]
    parsed = parse_duration(lead + ctx.text[ctx.start:ctx.end + 20], min_end=len(lead))
    if parsed is None:
        return DeadlineReading(None, "no number before the unit")
    value, unit, m = parsed
    before, after = ctx.before(), ctx.after()
    if re.search(r"\d\s*(calendar\s+|business\s+|working\s+)?(day|month|hour|week|year)s?\s*"
                 r"\(\s*$", before):
        return DeadlineReading(None, "a restatement of the limit just before it")
    if _PLACEHOLDER.search(before[-40:]) or _PLACEHOLDER.search(after[:40]):
        return DeadlineReading(None, "a template placeholder, not a number")
    if _NOT_APPEAL.search(sentence):
        return DeadlineReading(None, "a claim, lawsuit or benefit limit, not an appeal limit")
    if _SUPPORTING_INFO.search(before):
        return DeadlineReading(None, "a limit to send supporting information, not to ask "
                               "for a review")
    if _PLAN_RECEIPT_ANCHOR.search(after):
        return DeadlineReading(None, "counted from when the plan receives the request: "
                               "the plan's own decision time")
    if _insurer_clock(before, after) and not re.search(
            r"\byou (must|have|may|should|can)\b", before[-60:], re.I):
        return DeadlineReading(None, "the plan's or a reviewer's own decision time")
    if not _MEMBER.search(sentence):
        return DeadlineReading(None, "no member filing the request")
    lead_in = ctx.text[max(0, ctx.sentence[0] - 250):ctx.sentence[0]]
    action = _action(sentence, lead_in, ctx.section.title or "")
    anchor = _anchor(after)
    return DeadlineReading(Deadline(value, unit, action, anchor),
                           f"{value} {unit.replace('_', ' ')} to {action.replace('_', ' ')}")
