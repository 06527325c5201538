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

from ..models import Action, Benefit, Deadline, Stage, Unit
from .context import HitContext
from .words import NO_WORDS, WordLists

# A unit as the report gives it, and how many of them one of the written unit is.
_UNITS: dict[str, tuple[Unit, int]] = {
    "day": ("days", 1), "month": ("months", 1), "hour": ("hours", 1), "week": ("days", 7),
    "year": ("months", 12),
    # notes and grids: "4 mo", "6 mos", "2 wks", "1 yr", "72 hrs"
    "mo": ("months", 1), "mth": ("months", 1), "wk": ("days", 7), "yr": ("months", 12),
    "hr": ("hours", 1)}
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
    # "six (6) months", and the other way round: "6 (six) months"
    # and a count by its last day: "no later than the 45th day after you receive it"
    r"(?:\(\s*(?P<paren>\d{1,4})\s*\)|(?P<num>\d{1,4})(?P<ord>st|nd|rd|th)?(?:\s*\(\s*(?:(?:"
    + _NUMBER_WORD + r")[\s-]*)+\))?)?\s*-?\s*"
    # (grids and notes shorten the kind of day: "65 cal days", "10 bus. days")
    r"(?P<qual>calendar|business|working|cal\.?|bus\.?)?\s*"
    r"(?P<unit>day|month|hour|week|year|mo|mth|wk|yr|hr)s?\b",
    re.I,
)
# A last day that is the limit: "no later than the 45th day", "by the 60th day", "on or
# before the 30th day".
_BY_THE_DAY = re.compile(r"\b(?:than|by|before|until)\s+the\s+$", re.I)
_PLACEHOLDER = re.compile(r"\[[^\]]{0,80}$|^[^\[]{0,80}\]|\binsert\b|_{3,}|\bxx+\b", re.I)

# The insurer's (or a reviewer's) own clock: a decision verb whose subject is not the
# member — "we will decide", "Highmark shall in writing notify", "the IRO must send",
# "if we have not answered you within 72 hours", "we may extend … by 14 days".
_DECISION_VERB = (
    r"(decid\w*|decision|respond\w*|response|notif\w*|answer\w*|resolv\w*|complet\w*|"
    r"conduct\w*|process\w*|review\w*|make|send|give|issu\w*|provid\w*|acknowledg\w*|confirm\w*|"
    # (a decision reached, not a letter that must reach the plan: "It must reach us within")
    r"mail\w*|rule|reach(?!\s+(?:us|the\s+plan|the\s+insurer|the\s+fund|the\s+scheme)\b)|"
    r"render\w*|extend\w*|take|forward\w*|hold|schedul\w*|assign\w*|let\s+you\s+know|"
    # the file handed on: "the Appeals Team, who will pass your file to the reviewer"
    r"pass(?:es)?\s+(?:it|your|the)\s+(?:file|appeal|request|case|complaint)|"
    r"settl\w*|investigat\w*|conclud\w*|finish\w*|reply|replies|get back|come back|"
    r"write back|call back|act\s+(?:on|upon)|write\s+to\s+you|"
    # told by phone: "we will call you with our decision within 72 hours"; the care itself
    # approved or paid for: "we must authorize the care within 72 hours"
    r"(?:call|phone|telephone|contact)s?\s+you\b|authori[sz]\w*|approv\w*|pay|pays|"
    r"reimburs\w*)"
)
_MODAL = (r"(will|must|shall|should|may|can|could|would|is required to|are required to|"
          r"agrees? to|has to|have to|(?:is|are) unable to|(?:is|are) not able to|fails? to|"
          r"cannot|can't|aims? to|tr(?:y|ies) to|endeavou?rs? to|strives? to|expects? to|"
          r"intends? to|promises? to|commits? to)")
_ACTIVE_CLOCK = re.compile(
    # "we'll get back to you": the contraction is the subject and its modal
    # (a promise listed under its modal: "we will: - acknowledge your complaint within …")
    r"\b(?P<subj>[^\W\d_]\w*)(?:['\u2019]ll|\s+" + _MODAL + r")(?:\s*:\s*[-\u2013\u2022*]?)?\s+"
    # (no comma between: "If … your surgery may be performed, send your appeal" is the
    # member told what to do)
    r"(?:not\s+)?(?:[\w'-]+\s+){0,3}?"
    # a second verb of the promise: "we will handle your complaint and give you a reply",
    # "we will treat your Level 2 appeal as urgent and decide it"
    + r"(?:(?:[\w,'-]+\s+){0,5}?and\s+)?"
    + _DECISION_VERB
    + r"\b[^.;]{0,200}$",
    re.I,
)
_DO_NOT_CLOCK = re.compile(
    r"\b(?P<subj>[^\W\d_][\w']*)\s+(?:do|does|did|has|have|had)\s+not\s+" + _DECISION_VERB
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
# A later clause with the member as subject: the duration is the member's ("if we cannot
# finish in 4 weeks, you may go to the ombudsman, as long as you act within 6 months").
# (a subject, not a possessive: ", where appropriate, Your Provider within 2 days"; the
# member with a word of plan or standing: ", an HMO member has six months")
_LATER_MEMBER = (r",\s*(?:provided\s+(?:that\s+)?|as long as\s+|if\s+|and\s+|but\s+|"
                 r"then\s+)?(?:the\s+|a\s+|an\s+|each\s+)?(?:(?:{deadline_member_kind})\s+)?"
                 r"(?!your\b)(?:{deadline_member})\b")
# The member opens the sentence as its subject, described at length before the verb:
# "Parents wishing to seek reconsideration of a declined claim should send their request
# within 20 business days", "Members of the state plan must make sure their grievance
# reaches it" (the word before the modal, "claim" or "plan", is not the subject).
# (members of a plan, not "members of the appeals committee", who decide)
_MEMBER_OPENS = (r"\W*(?:the\s+|a\s+|an\s+|any\s+|each\s+)?(?:{deadline_member})\s+"
                 r"(?:who|wishing|wanting|seeking|that|of\s+(?:the\s+|our\s+|this\s+)?"
                 r"(?:[\w-]+\s+){{0,3}}?(?:plan|scheme|fund|program|programme|policy))\b")
_OPENING = re.compile(r"^\W*(within|no later than|not later than|in|after|for)\b[\w\s()-]{0,30}$",
                      re.I)


def _insurer_clock(before: str, after: str, words: WordLists) -> bool:
    """Is the duration the plan's (or a reviewer's) own time to act?"""
    def plan_acts(subject: str) -> bool:
        return not (words.search("deadline_member", subject)
                    or words.search("deadline_subject", subject))

    if _TO_DECIDE.match(after) or _TO_DECIDE_LISTED.search(before) \
            or _DECISION_WANTED.search(before):
        return True
    if words.shaped(_GIVES_MEMBER).search(before):
        return False
    for pattern in (_ACTIVE_CLOCK, _DO_NOT_CLOCK):
        m = pattern.search(before)
        if m and plan_acts(m.group("subj")) \
                and not words.shaped(_LATER_MEMBER).search(before, m.end("subj")) \
                and not words.shaped(_MEMBER_OPENS).match(before):
            return True
    m = (words.shaped(_PRESENT_CLOCK).search(before) or words.shaped(_PAST_CLOCK).search(before)
         or _NAMED_CLOCK.search(before))
    if m and plan_acts(m.group("subj")) \
            and not words.shaped(_LATER_MEMBER).search(before, m.end("subj")):
        return True
    if _OPENING.search(before):
        m = _AFTER_CLOCK.search(after)
        if m and plan_acts(m.group("subj")):
            return True
        # "Within two working days: We will write to confirm it" — a heading
        # or list lead-in whose next sentence is the plan's promise.
        if _PROMISE_AFTER.search(after):
            return True
    m = _PASSIVE_CLOCK.search(before)
    # "After the appeal is resolved, the member has 120 days": the member's clock
    return m is not None and not words.shaped(_LATER_MEMBER).search(before, m.start())


# Time granted to someone, the number just after them: "plans must give you at least 180
# days", "we allow members sixty (60) days", "CMS gave us 60 days". Whose the time is
# depends on who is given it. (A shape for ``WordLists.shaped``: literal braces doubled.)
def _granted(to: str) -> str:
    return (r"\b(?:gave|give|gives|allowed|allow|allows|granted|grant|grants)\s+" + to
            + r"\s+(?:at\s+least\s+|a\s+minimum\s+of\s+|no\s+less\s+than\s+|not\s+less\s+than\s+|"
            r"up\s+to\s+)?(?:(?:" + _NUMBER_WORD + r"|\d+)[\s-]*){{0,4}}\(?\s*$")


# to the member, it is the member's limit; to the insurer (in its own words), its own
_GIVES_MEMBER = _granted(r"(?:the\s+|a\s+|each\s+)?(?:{deadline_member})")
_GIVES_PLAN = _granted(r"(?:us|the\s+(?:{plan_deciders}))")
# The time is one to decide: "the plan has 30 days to decide", "… 72 hours to make a
# decision", "30 days to send you its written decision" (not "to respond", "to notify" or
# "to complete": a member does those too; nor "to send the decision letter" with an appeal) …
_DECIDE = (r"to\s+(?:decide|make\s+(?:a|its|our|the|their)\s+decision|reach\s+a\s+decision|"
           r"(?:send|give|mail|tell)\s+(?:you\s+)?(?:its|our|their)\s+(?:written\s+|final\s+)?"
           r"(?:decision|determination|ruling|answer)|"
           r"issue|resolve|rule\s+on)\b")
_TO_DECIDE = re.compile(r"^\W{0,3}" + _DECIDE, re.I)
# The decision itself within the time: "check this box if you need a decision within 72
# hours", "you will get a fast decision in 24 hours" (not "appeal the decision within")
_DECISION_WANTED = re.compile(
    r"\b(?:need|needs|get|gets|receive|receives|expect|want|wants|request|requests|"
    r"ask\s+for|for)\s+(?:a|an|the|our|its|your)\s+(?:[\w-]+\s+)?decision\s+(?:within|in)\s+"
    r"(?:the\s+)?$|"
    # … or given to the member, whoever promises it: "• aim to give you our response within"
    r"\b(?:give|send|provide|issue|mail)\s+you\s+(?:our|its|their|a|an|the)\s+(?:final\s+|written\s+)?"
    r"(?:response|decision|answer|reply|determination|notice|letter)\s+(?:within|in)\s+$",
    re.I)
# … and the times listed with it: "30 days to decide a pre-service request and 60 days for
# a post-service claim"
_TO_DECIDE_LISTED = re.compile(r"\b(?:day|hour|week|month)s?\s+" + _DECIDE
                               + r"[^.;]{0,80}?(?:\band|\bor|,)\s+(?:within\s+|up\s+to\s+)?$", re.I)


# … or an organisation by its own name, in the third person ("ClearPath confirms that it
# received your complaint within 5 business days, looks into it, and sends you a written
# response within 30 days"): a name the vocabulary cannot list. Case matters here.
_NAMED_CLOCK = re.compile(
    r"\b(?P<subj>[A-Z][\w&'.-]*(?:\s+[A-Z][\w&'.-]*){0,3})\s+"
    r"(?:[a-z]+s\s+(?:[\w,]+\s+){0,2}?and\s+)?(?:usually\s+|normally\s+|generally\s+|"
    r"typically\s+|then\s+)?(?:decides|responds|answers|replies|notifies|resolves|sends|mails|"
    r"completes|renders|acknowledges|confirms|issues)\b[^.;]{0,200}$")


# The same in the simple present, its subject one that decides: "The plan responds to your
# grievance within 15 days", "our appeals unit normally answers within 30 days" (no verb
# that is also a noun after "plan": "Plan rules: appeal_filing_limit=90 days").
# (or "it", the reviewer named in the sentence before: "For expedited reviews, it decides
# within 72 hours"; a member is never "it")
_PRESENT_CLOCK = (r"\b(?P<subj>{plan_deciders}|it)\s+"
                  # a second verb of its own, the first in the third person: "the Committee
                  # meets monthly and issues its decision" (not "the decision we made and send")
                  r"(?:[a-z]+s\s+(?:[\w,]+\s+){{0,2}}?and\s+)?(?:usually\s+|normally\s+|generally\s+|"
                  r"typically\s+|always\s+|then\s+)?(?:decides?|responds?|answers?|repl(?:y|ies)|"
                  r"notif(?:y|ies)|resolves?|sends?|mails?|completes?|renders?|"
                  r"acknowledges?|(?:issues?|makes?|gives?|reaches)\s+(?:its|a|the|our|their)\s+"
                  r"(?:written\s+|final\s+)?(?:decision|determination|ruling|answer|response))"
                  r"\b[^.;]{{0,200}}$")
# What the plan did, told afterwards: "We received your appeal on 02/03 and completed our
# review within 14 days".
# (not the decision named by it: "if you disagree with the decision we made, send us an
# appeal within 60 days")
_PAST_CLOCK = (r"\b(?<!decision\s)(?<!decisions\s)(?<!determination\s)(?<!denial\s)"
               r"(?P<subj>{plan_deciders})\s+(?:[\w/,]+\s+){{0,8}}?(?:completed|finished|"
               r"decided|resolved|answered|reached|issued|made)\b[^.;]{{0,60}}$")
_PROMISE_AFTER = re.compile(r"^\s*:\s*(we|our|the plan|the company)\s+" + _MODAL + r"?\s*\w+",
                            re.I)

# The same clock in the passive voice: "you will be notified within 30 days", "a decision
# will be made within 72 hours", "you will receive our answer within 60 days".
_PASSIVE_CLOCK = re.compile(
    r"\b(will|shall|must|should)\s+be\s+(notified|decided|resolved|reviewed|completed|"
    r"processed|issued|answered|acknowledged|informed|conducted|rendered|held|forwarded|"
    r"scheduled)\b[^.;]{0,80}$|"
    # in the present: "urgent requests are decided within 72 hours"
    r"\b(is|are)\s+(usually\s+|normally\s+|generally\s+)?(decided|resolved|answered|"
    r"acknowledged|completed)\b[^.;]{0,80}$|"
    # "the request is treated as urgent and decided within 72 hours"
    r"\b(is|are)\s+[^.;,]{1,40}?\band\s+(decided|resolved|answered|acknowledged|completed)\b"
    r"[^.;]{0,80}$|"
    r"\b(decision|determination|answer|response)\s+(will|shall|must|should)\s+be\s+"
    r"(made|sent|mailed|given|provided)\b[^.;]{0,80}$|"
    r"\b(you|members?|claimants?)\s+(will|should)\s+(receive|get|be\s+sent|be\s+told|hear)\b[^.;]{0,60}"
    r"\b(decision|answer|response|notice|notification|letter|determination)\b[^.;]{0,60}$|"
    # a decision promised: "your letter promised a decision on my appeal within 30 days"
    r"\b(promis\w*|guarantee\w*|owes?|owed)\s+(me\s+|us\s+|you\s+|them\s+)?(a|an|its|their|"
    r"your|our)\s+(decision|answer|response|reply|ruling|determination)\b[^.;]{0,60}$",
    re.I,
)
# Anchored on the plan receiving the member's request: the plan's clock. Either the plan
# is the one receiving ("after we receive it"), or what is received is the member's
# request ("following receipt of the appeal"), not the plan's notice.
_PLAN_RECEIPT_ANCHOR = re.compile(
    r"^[^.;]{0,25}\b(after|following|from|of|upon)\s+(the\s+date\s+(of\s+)?)?"
    # (what "we" received may be the plan's denial: a family writes "from the date we received
    # the denial"; a plan receives a reviewer's decision or a member's letter, never a denial)
    # "after receipt", "of receipt" alone: a request received, the clock the plan keeps
    r"(?:receipt\b(?!\s+(?:of|from)\b)|"
    r"(we|us|the\s+plan|the\s+claims\s+administrator|it)\s+(receives?|received|gets?)\b"
    r"(?!\s+(?:the|your|our|a|its)\s+(?:\w+\s+)?denial)|"
    r"(our\s+|the\s+|[\w.]+.s\s+)?(receipt|receiving|getting)\s+(of\s+)?(your|the|an?)\s+"
    r"(written\s+)?(appeal|request|grievance|complaint)\b"
    # "receipt of the grievance determination" is the member receiving the plan's answer
    r"(?!\s+(determination|decision|resolution|outcome|response|notice|letter|denial))|"
    # "your request is received", "a second-level request has been received"
    r"(your|the|an?)\s+([\w-]+\s+){0,2}?(appeal|request|grievance|complaint)\s+"
    r"(is|was|has\s+been)\s+received|"
    r"the\s+time\s+(the\s+)?(\w+\s+)?(appeal|request|grievance|complaint)\s+(is|was)\s+"
    r"received)",
    re.I,
)
# Limits that are not appeal limits.
_NOT_APPEAL = re.compile(
    # (a declined claim's review is the member's: "review of a declined claim must be …";
    # a grievance about claims is taken out before, _FILED_ABOUT_A_CLAIM)
    r"proof of loss|(?<!declined )(?<!denied )(?<!rejected )(?<!refused )"
    r"claims? (forms? )?must be (submitted|filed|received)|(submit|file) (a|your) claim|"
    # a claim for money back as the subject: "Requests for repayment must reach us",
    # "Refund claims must be sent" (not an appeal of one: "appeals of denied refund claims")
    r"(?<!of )(?<!about )(?<!denied )(?<!declined )(?<!rejected )(?<!refused )"
    r"\b(?:(?:refund|reimbursement|repayment)\s+(?:claims?|requests?)|(?:claims?|requests?)\s+"
    r"for\s+(?:a\s+)?(?:refund|reimbursement|repayment))\s+(?:must|should|shall|need\s+to)\b|"
    # … or told to the member: "send us a request for payment within 12 months"
    r"\b(?:send|submit|mail|file)\s+(?:us\s+)?(?:a|your|the)\s+(?:request|claim)s?\s+for\s+"
    r"(?:payment|reimbursement|repayment|a\s+refund)\b|"
    r"filing (a|your) claim|filing of claims?|legal action|lawsuit|\bsue\b|\bsuit\b|"
    # a claim sent back to be corrected and resubmitted: "Compliance with returned claims"
    r"\breturned claims?\b|\bresubmi\w*\s+(?:of\s+)?(?:a\s+|the\s+|your\s+)?claims?\b|"
    r"\bcorrected claims?\b|"
    r"court(?!-ordered)|commenced|judicial review|"
    # an invoice or a bill sent in for payment: "we must receive your invoice no later
    # than three years after …"
    r"\b(?:receive|submit|send|file)\s+(?:us\s+)?(?:your|the|an?|all)\s+(?:original\s+)?"
    r"(?:invoices?|bills?|receipts?)\b|\binvoices?\s+(?:must|should|shall)\b|"
    r"statute of limitation|"
    # a suit by its verb ("any such action must be filed within two years"): a notice of
    # action is appealed, never filed or brought
    r"\baction\s+(?:must|shall|may|can)\s+(?:not\s+|only\s+)?be\s+(?:filed|brought|started)\b|"
    r"per (plan|calendar|benefit|contract|policy) (year|period)|benefit period|"
    r"\bevery\s+\S+\s+(\(\d+\)\s+)?(consecutive\s+)?(months|years|days)|"
    r"\b(up to|limited to|maximum of|limit of)\s+\S+\s+(\(\d+\)\s+)?(visits|days)\s+"
    r"(per|each|every|a\s+(year|month)|in\s+a)\b|"
    r"days? a week|hours? a day|of (in-network )?pre-?natal care|"
    # a respite stay's limit, not an appeal of a denied respite stay
    r"respite\s+(care|stays?)\b[^.;|]{0,40}?\b(limited\s+to|up\s+to|maximum)",
    re.I,
)
# Enrollment, premium and coverage dates: never an appeal limit, unless the limit is an
# appeal's, named just before it ("to contest our decision that your coverage ended, send a
# written appeal within 180 days"): eligibility decisions are appealed too.
# Enrollment, premiums, the end of coverage; not a product tier called "premium" (a premium
# lens is care whose denial can be appealed).
_ABOUT_COVERAGE = r"(?<!\w)(?:{deadline_about_coverage})(?!\w)(?!\s+(?:{premium_tiers})(?!\w))"
_APPEAL_JUST_BEFORE = r"\b(?:{appeal})\b[^.;|]{{0,30}}$"
# A grievance or appeal about claims, its subject before them: "Grievances about eye-surgery
# claims must be filed no later than 60 days", "grievances concerning a claim must be
# submitted", "appeals of hearing aid claims must be submitted", "external review of a
# denied claim must be filed" (the claims are what it is about; a request "for" claims is
# a claim for payment).
_FILED_ABOUT_A_CLAIM = re.compile(
    r"\b(?:(?:grievances?|appeals?|complaints?|disputes?|objections?|requests?)\s+"
    r"(?:about|concerning|regarding|over|on|involving|relating\s+to)|"
    r"(?:grievances?|appeals?|complaints?|disputes?|objections?|reviews?|reconsiderations?|"
    r"redeterminations?)\s+"
    # (whom it goes to between: "appeals to the Board of Trustees of a denied claim")
    r"(?:to\s+(?:the\s+)?[\w&' -]{1,40}?\s+)?(?:of|for|against))"
    r"\s+[^.;]{0,40}?\bclaims?\s+(forms?\s+)?must\s+be\s+(submitted|filed|received)", re.I)
# Time to send what the plan asked for, named after the time: "you will have at least 45
# days to provide it", "10 days to send us the missing records"
_TO_SUPPLY = re.compile(r"^\W*(?:to|in\s+which\s+to)\s+(?:provide|send|submit|supply|give\s+us)"
                        r"\s+(?:us\s+)?(?:it|them|this|that|the\s+(?:missing\s+|requested\s+|"
                        r"additional\s+)?(?:information|documents?|records?|details))\b", re.I)
_SUPPORTING_INFO = re.compile(r"\b(additional|supporting|further|more)\s+(information|"
                              r"documentation|documents|evidence|records)\b", re.I)
# Supporting papers sent along with the request ("your request, together with any
# supporting records, within …"): the limit is still the request's.
_ALONG_WITH = re.compile(
    r"\b(?:together\s+with|along\s+with|with|plus)\s+(?:any|all|your|the)?\s*$", re.I)
_ACTIONS: tuple[tuple[Action, re.Pattern[str]], ...] = (
    ("external_review", re.compile(r"external|independent (medical )?review|\biro\b|\bimr\b|"
                                   r"independent review (organization|entity)|"
                                   r"external entity|\bombud|\bsuperintenden|"
                                   # a federal employees' plan's last step: "ask OPM to review it"
                                   r"\bopm\b|office of personnel management|"
                                   # the plan's appeal waived: the next step's limit
                                   r"\b(skip|skipped|waive|waived|bypass|bypassed) (the |your )?"
                                   r"(plan |internal |first[- ]level )?appeal", re.I)),
    ("expedited_appeal", re.compile(r"expedited|(?<!non-)(?<!non )(?<!non)urgent", re.I)),
    ("other", re.compile(r"second[- ]level|level (2|two)|voluntary|\bqio\b|informal|"
                         r"quality improvement organization|fair hearing|"
                         r"insurance department|department of", re.I)),
    ("grievance", re.compile(r"grievance|complaint", re.I)),
    # (an objection: a German "Widerspruch", a compensation board's first review)
    ("internal_appeal", re.compile(r"appeal|reconsider|\bobjection|\bformal review|"
                                   r"review of (the|our|this|an?) (decision|denied|adverse|"
                                   r"denial|determination)|seek(ing)? review|redetermination|"
                                   r"requests? (for )?(an? )?review|ask(?:ing)? us to review|"
                                   r"(disagree|do not agree|don['\u2019]t agree) with "
                                   r"(our|the|this|a) decision|"
                                   # "ask the District Office to review the decision",
                                   # "any decision about your benefits that you disagree with"
                                   r"\breview (the|our|this|that|its|your|a) (claim )?"
                                   r"(decision|denial|determination|refusal)|"
                                   r"(decision|denial|determination)s? "
                                   r"(that )?you disagree with|"
                                   # "ask us to look at your claim again", "take a new look"
                                   r"look(ed)? (at [^.;]{0,40} )?again|"
                                   r"(new|another|second|fresh) look at", re.I)),
)
_LEAD_SENTENCES = re.compile(r"(?<=[.!?:;])\s+")
_WHOLE_SENTENCES = re.compile(r"(?<=[.!?;])\s+")
_ANCHOR_END = re.compile(r"[.;:,()\[\]|]|\s(and|or|but|unless|if|to)\s", re.I)
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


def parse_duration(text: str, min_end: int = 0) -> tuple[int, Unit, re.Match[str]] | None:
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
        if m.group("ord") and not _BY_THE_DAY.search(text, 0, m.start()):
            continue  # a date ("cover stops when the month closes that follows the 30th day")
        unit, times = _UNITS[m.group("unit").lower()]
        qual = (m.group("qual") or "").lower()
        if unit == "days" and times == 1 and qual.rstrip(".") in ("business", "working", "bus"):
            unit = "business_days"
        return value * times, unit, m
    return None


def _action(*texts: str) -> Action:
    """The first text that names an action decides it: the sentence itself, else what
    leads into it ("External review: … You must ask within 4 months"), else its section."""
    for text in texts:
        for action, pattern in _ACTIONS:
            if pattern.search(text):
                return action
    return "other"


def _anchor(after: str) -> str:
    # Skip a restatement in parentheses: "180 days (6 months) of receiving notice", and a
    # cell's end right after the number ("within 45 days | from the date of the denial"):
    # the anchor is the next cell, and ends with it.
    words = re.sub(r"^\s*\([^)]{0,40}\)", "", after).strip()
    words = re.sub(r"^\|\s*", "", words)
    m = _ANCHOR_END.search(words)
    if m:
        words = words[:m.start()]
    return " ".join(words.split()[:_MAX_ANCHOR_WORDS])


# A number and unit written as one word ("a 180-day window") is a limit only as the window
# or period of a filing: "the 60-day appeal period", "a 120-day window to appeal", "within
# the 180-day period", "a 180-day period after the notice to file"; "a 90-day supply",
# "2-year outcomes" and "once in a 12-month period" are not.
_SPAN = r"(?:window|period|limit|deadline|time\s*frame|time\s+limit)s?\b"
_SPAN_NOUN = re.compile(r"^\s*" + _SPAN, re.I)
# ("within the same 180-day period" that a standard appeal has)
_WITHIN_THE = re.compile(r"\bwithin\s+(?:the|a|this|that|your)\s+(?:same\s+)?$", re.I)
_COMPOUND_LIMIT = (r"^\s*(?:(?:{appeal}|filing|review|hearing)\s+" + _SPAN + r"|" + _SPAN
                   + r"(?:\s+[\w'-]+){{0,6}}?\s+(?:to|for|in\s+which\s+to|within\s+which\s+to)\s+"
                   r"(?:{deadline_act}))")


# The member's filing as the subject: "Requests for review of a denied claim must reach us
# within 120 days", "Appeals should be postmarked within …".
# (a period before a number is no sentence's end: "An appeal under Sec. 17.3 must reach …")
_FILING_ARRIVES = (r"\b(?:{filing_nouns})\b(?:[^.;]|\.(?=\s?\d)){{0,100}}?"
                   r"\b(?:{filing_modals})\s+(?:[a-z]+ly\s+)?(?:be\s+)?(?:{filing_arrives})\b")
# The member told what to do, the member named in the sentence before: "If you disagree,
# write to us. Please do so within 3 months …".
_TOLD_TO_ACT = re.compile(r"^\W*(please\b|do so\b|write\b|send\b|file\b|submit\b|ask\b|"
                          r"contact\b)|\bdo (so|this|that|it)\b", re.I)


# A list item or cell labelled with the filing it limits: "- Formal grievance: within 15
# days of the incident", "Complaint | within 30 days of …".
_LABELLED_FILING = (r"(?:^|[\n|•●▪]|\s-\s)\s*(?:[\w-]+\s+){{0,3}}(?:{appeal})\s*[:|]\s*"
                    r"(?:within\s+|no\s+later\s+than\s+)?$")


def _member_files(ctx: HitContext, words: WordLists, sentence: str, before: str,
                  after: str) -> bool:
    """Is the limit the member's, to ask for something (besides the request being the
    limit's subject, read before)? The member is named ("you", "the enrollee"), the
    request or its limit is ("appeals must be filed", "appeal filing limit"), the member
    is told to act ("Grievance | file within 90 days"), a label names the filing and the
    limit counts from an incident or a notice, or the limit counts from the plan's notice
    ("within 4 months of the final denial")."""
    if words.search("deadline_member", sentence) or words.search("deadline_request", sentence):
        return True
    if words.shaped(_TOLD_NOW).search(before):
        return True
    if _TOLD_TO_ACT.search(sentence) and words.search("deadline_member", ctx.lead()):
        return True
    if _TOLD_IF.search(sentence):
        return True
    anchor = _anchor(after)
    # a label names the filing; what it counts from is the member's (an incident, a
    # notice, the decision of the stage before), not the plan's receipt, read before
    if words.shaped(_LABELLED_FILING).search(before) and _counts_from_member_event(words, anchor):
        return True
    return bool(words.search("anchor_notice", anchor)
                and (words.search("deadline_act", sentence)
                     or words.search("deadline_act", ctx.lead())))


def _counts_from_member_event(words: WordLists, anchor: str) -> bool:
    """Does the limit count from something that happened to the member (an incident, a
    notice, the decision of the stage before) rather than from the plan's receipt?"""
    return bool(words.search("anchor_notice", anchor) or words.search("anchor_event", anchor)
                or words.search("anchor_prior_decision", anchor))


# The member told what to do once something happens: "[ ] If the insurer upholds its
# denial, request external review within four months."
_TOLD_IF = re.compile(r"(?:^|[\]\n\u2610\u2022])\W*if\b[^.;]{0,120},\s*(?:please\s+)?"
                      r"(?:request|ask\s+for|file|submit|send|write\s+to|appeal)\b", re.I)


# The member named with a relative clause before the limit's verb: "an enrollee who wants
# the plan to reconsider must send the request within 65 days" (the plan is not the subject).
_MEMBER_WHO = (r"\b(?:{deadline_member}|{deadline_subject})\s+who\s+(?:[\w'-]+\s+){{1,8}}?"
               r"(?:{filing_modals}|is\s+required\s+to)\s")
# A limit counted from the service that says it is for an appeal: "one year from the date
# of service to file a grievance".
_TO_APPEAL = (r"^[^.;]{{0,60}}?\bto\s+(?:file|submit|request|make|lodge)\s+"
              r"(?:an?\s+|your\s+)?(?:{appeal})")
# … or named before it: "You may file a grievance about a charge within one year of the
# date of service" is the member's grievance, however it is counted
_APPEAL_FILED = (r"\b(?:file|submit|lodge|make|raise)\s+(?:an?\s+|your\s+)?(?:{appeal})\b"
                 r"[^.;]{{0,80}}$")


# The insurer as the one who files: "The Company may request a hearing on this order
# within 20 days" (a regulator's order), "the carrier will file its objection within …".
_PLAN_FILES = (r"\b(?:the\s+)?(?P<subj>{plan_actors})\s+(?:{filing_modals}|may|can|will)\s+"
               r"(?:no\s+longer\s+|not\s+)?(?:{deadline_act})\b[^.;]{{0,200}}$")


# A filing verb told to the member at the start of a clause, cell or list item, just
# before the limit: "| file within 90 days", "• Call or write to us within 60 days".
_TOLD_NOW = (r"(?:^|[|:;•●▪-]|\bthen\b)\s*(?:please\s+)?(?:{deadline_imperative})\b"
             r"[^.;|:•]{{0,50}}$")


def line_at(text: str, at: int) -> tuple[int, str]:
    """Where the line holding ``text[at]`` starts, and the line."""
    start = text.rfind("\n", 0, at) + 1
    end = text.find("\n", at)
    return start, text[start:end if end >= 0 else len(text)]


def _column_header(text: str, at: int) -> str | None:
    """The header of the pipe-table column the text at ``at`` stands in: the same cell of
    the first line of the run of lines with as many cells, if it holds no digits (a
    table's header row; the rows under it may have none either)."""
    line_start, line = line_at(text, at)
    cells = line.count("|")
    if not cells:
        return None
    column = text.count("|", line_start, at)
    first = None
    end = line_start - 1
    for _ in range(_HEADER_REACH):
        if end <= 0 or text[end - 1] == "\n":
            break  # the page's top, or a blank line: the table ends there
        start, above = line_at(text, end - 1)
        if above.count("|") != cells:
            break
        first = above
        end = start - 1
    if first is None or _DIGIT.search(first):
        return None
    return first.split("|")[column].strip()


def _acted_by_plan(line: str, words: WordLists) -> bool:
    """Is one of the row's cells nothing but the plan, as the one who acts, and none the
    member?"""
    cells = [re.sub(r"^(?:the|our)\s+", "", c.strip(), flags=re.I) for c in line.split("|")]
    short = [c for c in cells if c and len(c.split()) <= 3]

    def only(name: str, cell: str) -> bool:  # the cell says nothing but who
        m = words.search(name, cell)
        return m is not None and len(m.group(0).strip()) == len(cell)

    return any(only("row_actor_plan", c) for c in short) \
        and not any(only("deadline_member", c) for c in short)


def _cell_continued(text: str, at: int) -> str:
    """The rest of the pipe-table cell at ``at`` on the lines below, where a long cell wraps
    ("60 days from the date you get the | … " over "| | Level 2 decision |"): the same
    column of the following lines with as many cells and an empty first cell."""
    line_start, line = line_at(text, at)
    cells = line.count("|")
    column = text.count("|", line_start, at)
    more: list[str] = []
    end = line_start + len(line)
    while end < len(text):
        _, below = line_at(text, end + 1)
        parts = below.split("|")
        if below.count("|") != cells or parts[0].strip() or not parts[column].strip():
            break
        more.append(parts[column].strip())
        end += len(below) + 1
    return " ".join(more)


def _row_rest(text: str, at: int) -> str:
    """What follows the duration at ``at`` on its line (after its unit), or "" when the
    unit is not on the line."""
    line_start, line = line_at(text, at)
    m = _UNIT_END.search(line, at - line_start)
    return line[m.end():] if m else ""


def _column_run_head(text: str, at: int) -> str:
    """The first line of the run of column-laid lines that holds ``at``: a table's header."""
    start, line = line_at(text, at)
    head = line
    for _ in range(_HEADER_REACH):
        if start <= 0:
            break
        above_start, above = line_at(text, start - 1)
        if not COLUMN_ROW.search(above):
            break
        head, start = above, above_start
    return head


_UNIT_END = re.compile(r"\b(?:calendar\s+|business\s+|working\s+)?(?:day|week|month|year|hour)s?\b"
                       r"(?:\s*\(\s*\d+\s*\))?", re.I)


# Two runs of words far apart on one line: a row of a table laid out in columns.
COLUMN_ROW = re.compile(r"\S {3,}\S")
# How many lines above a row its table's header may stand
_HEADER_REACH = 12
_DIGIT = re.compile(r"\d")


_SENTENCE_REACH = 1000


def read_deadline(ctx: HitContext) -> DeadlineReading:
    """Interpret the duration at ``ctx`` as a member's deadline, or say why it is not one."""
    # (a "sentence" with no full stop in pages of text is read only around the hit)
    sentence = ctx.window("sentence")
    if len(sentence) > 2 * _SENTENCE_REACH:
        sentence = ctx.around(_SENTENCE_REACH)
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
    if _LOOKED_BACK.search(before[-30:]):
        return DeadlineReading(None, "a period looked back on ('the last 12 months'), not a "
                               "time limit")
    if _LASTED.search(before[-40:]):
        return DeadlineReading(None, "how long something lasted ('pain that had lasted 3 "
                               "weeks'), not a time limit")
    words = ctx.words
    if _LENGTH_OF.match(after) and not _LIMIT_BEFORE.search(before[-40:]) \
            and not _counts_from_member_event(words, after[:60]):
        return DeadlineReading(None, "a length of care or of cover ('16 weeks of therapy'), "
                               "not a time limit")
    if "-" in ctx.hit and not (words.shaped(_COMPOUND_LIMIT).match(after)
                               or (_WITHIN_THE.search(before)
                                   and _SPAN_NOUN.match(after))):
        return DeadlineReading(None, "a compound ('a 90-day supply', 'a 2-year study') that "
                               "names no filing limit")
    # A row of a table laid out in columns is read alone: "Direct filing of claims  60 days"
    # above it says nothing of "Motion for Reconsideration  15 days".
    line = line_at(ctx.raw, ctx.raw_start)[1] if ctx.raw_start >= 0 else ""
    if len(line) > 2 * _SENTENCE_REACH:
        line = ""  # (a table's row is never so long)
    columned = bool(COLUMN_ROW.search(line))
    # (a row of a table laid out in columns, without bars, and the header over its rows)
    in_columns = columned and "|" not in line
    head = _column_run_head(ctx.raw, ctx.raw_start) if in_columns else ""
    subject = line if columned else sentence
    rest = _row_rest(ctx.raw, ctx.raw_start) if (columned or "|" in line) else ""
    if in_columns:
        # the row ends with its line: "6 months from the date of treatment" is not
        # followed by the next row's "Asking us to review …"
        after = rest or after
    # what the limit counts from, with the rest of its table cell where the cell wraps (and
    # no further than its row: the last cell's line is not run on into the next row)
    cell = (rest or after).split("|", 1)[0]
    anchor = _anchor(cell + " " + _cell_continued(ctx.raw, ctx.raw_start)
                     if "|" in line and cell.strip() else (rest or after))
    if _NOT_APPEAL.search(_FILED_ABOUT_A_CLAIM.sub(" ", subject)):
        return DeadlineReading(None, "a claim, lawsuit or benefit limit, not an appeal limit")
    if words.shaped(_ABOUT_COVERAGE).search(sentence) \
            and not words.shaped(_APPEAL_JUST_BEFORE).search(before):
        return DeadlineReading(None, "an enrollment, premium or coverage date, not an appeal "
                               "limit")
    filing = words.shaped(_FILING_ARRIVES).search(before)
    arrives = filing is not None
    supporting = _SUPPORTING_INFO.search(before)
    # the request named first is the subject ("the request for review, with supporting
    # records attached, must be submitted within …"): the member's filing
    if _TO_SUPPLY.match(after):
        return DeadlineReading(None, "time to send what was asked for, not to ask for a "
                               "review")
    if supporting and not (filing and filing.start() < supporting.start()) \
            and not _ALONG_WITH.search(before, 0, supporting.start()):
        return DeadlineReading(None, "a limit to send supporting information, not to ask "
                               "for a review")
    if _PLAN_RECEIPT_ANCHOR.search(after):
        return DeadlineReading(None, "counted from when the plan receives the request: "
                               "the plan's own decision time")
    # A table's column says whose time its cells are ("Member must file within | Plan
    # decides within"), whatever else the row's line holds.
    header = _column_header(ctx.raw, ctx.raw_start) if ctx.raw_start >= 0 else None
    # ("Deadline to decide" names a deadline and whose it is: the plan's)
    member_column = header is not None and bool(words.search("clock_labels_member", header)) \
        and not words.search("clock_labels_plan", header)
    if header is not None and not member_column and (
            words.search("clock_labels_plan", header)
            or words.shaped(_PRESENT_CLOCK).search(header)):
        return DeadlineReading(None, f"in the column '{header}': the plan's own decision time")
    # a table with a column of who acts: "Decision on a routine appeal | Scheme | 30 days"
    if "|" in line and not member_column and _acted_by_plan(line, words):
        return DeadlineReading(None, "its row says the plan acts: the plan's own decision time")
    labels = words.finditer("clock_labels_plan", before)
    label = labels[-1] if labels else None
    if label and not member_column \
            and not words.search("clock_labels_member", before[label.end():]):
        return DeadlineReading(None, f"under '{label.group(0)}': the plan's own decision time")
    if not member_column and _insurer_clock(before, after, words) \
            and not _YOU_HAVE.search(before[-60:]) and not arrives \
            and not words.shaped(_MEMBER_WHO).search(before):
        return DeadlineReading(None, "the plan's or a reviewer's own decision time")
    # (not one that counts from the member's notice: "• First appeal: within 180 days of the
    # denial notice" under the plan's "We will answer within 30 days")
    if _RESTATED.search(before) and not _counts_from_member_event(words, anchor) \
            and _plan_clock_before(ctx.lead(), words):
        return DeadlineReading(None, "the plan's own decision time, restated for another "
                               "case ('for a bill, it is 60 days')")
    if not (arrives or (member_column and _counts_from_member_event(words, anchor))
            or _member_files(ctx, words, sentence, before, after)):
        return DeadlineReading(None, "no member filing the request")
    if words.shaped(_GIVES_PLAN).search(before):
        return DeadlineReading(None, "time given to the insurer itself, not to the member")
    insurer = words.shaped(_PLAN_FILES).search(before) \
        if words.search("plan_actors", before) else None
    if insurer and not words.shaped(_LATER_MEMBER).search(before, insurer.end("subj")):
        return DeadlineReading(None, f"'{insurer.group(0).strip()}': the insurer's own "
                               "filing, not the member's")
    shape = words.search("deadline_not_member", subject)
    if shape:
        return DeadlineReading(None, f"'{shape.group(0)}': not a limit to ask for a review")
    # (in the hit's own clause: "… due 120 days after the notice, and Medicare assumes you
    # got it 5 days after the date on it" has a limit and a presumption)
    own = (re.split(r"[,;]|\band\b", before[-200:])[-1] + ctx.hit
           + re.split(r"[,;]", after[:200], maxsplit=1)[0])
    presumed = words.search("receipt_presumed", own)
    if presumed:
        return DeadlineReading(None, f"'{presumed.group(0)}': when a notice is taken to have "
                               "arrived, not a limit")
    # (a grievance "must be lodged within 1 year after the date of service" is one)
    if words.search("anchor_service", after[:80]) and not arrives \
            and not words.shaped(_TO_APPEAL).search(after) \
            and not words.shaped(_APPEAL_FILED).search(before):
        return DeadlineReading(None, "counted from the service: a claim-filing limit")
    # (the sentence's opening read from its last words: a long sentence cut here has none)
    tail = before if len(before) <= 120 else "…" + before[-120:]
    opener = _OTHERS_CLAUSE.match(after) if _OPENS_SENTENCE.search(tail) else None
    # (not one that names the member's filing: "…, the plan must receive your appeal",
    # "…, the request must be sent")
    if opener and not words.search("deadline_member", opener.group("subj")) \
            and not words.search("filing_nouns", after[opener.start("subj"):]):
        return DeadlineReading(None, f"'{opener.group('subj')} …' keeps this time, not the "
                               "member")
    if _BEFORE_EVENT.match(after) or _NOTICE_PERIOD.match(after):
        return DeadlineReading(None, "counted back from a coming event: notice given in "
                               "advance, not a limit to ask for a review")
    if _WAITED.search(before):
        return DeadlineReading(None, "a wait that could harm the member (the standard time "
                               "to decide), not a limit to ask for a review")
    if _ELAPSED.match(after):
        return DeadlineReading(None, "time that must pass first (a wait for the plan's "
                               "answer), not a limit to ask for a review")
    lead_in = ctx.text[max(0, ctx.sentence[0] - 250):ctx.sentence[0]]
    if not (words.search("deadline_act", sentence) or words.search("deadline_act", ctx.lead())
            or words is NO_WORDS):
        return DeadlineReading(None, "no request for a review in or before the sentence")
    if in_columns and words is not NO_WORDS and not words.search("deadline_act", line) \
            and not words.search("deadline_act", head):
        # a table of time limits laid out in columns says in each row what its time is for
        # ("Using a pre-authorisation number   90 days"), or in its header
        return DeadlineReading(None, "a row of a table of time limits that names no request "
                               "for a review")
    if _CONTINUES.match(sentence):
        # A sentence cut by a line read as a heading ("Refer the matter to the Ombud
        # within six months of … | or within six months of our failure …") belongs to it.
        sentence = lead_in + " " + sentence
    # the hit's own clause first: "appeal within 180 days; urgent requests are decided
    # within 72 hours" gives the 180 days to an appeal, not to an urgent one
    clause = before.rsplit(";", 1)[-1] + ctx.text[ctx.start:ctx.end] + after.split(";", 1)[0]
    # (the lead-in read from its last sentence back: "Ask us to reconsider … . You must
    # include … within 180 days" is the reconsideration's, whatever an earlier sentence says
    # of OPM)
    # A table row is its own sentence: "First appeal | 90 days | 30 days" under the
    # header, whatever the rows below it name.
    # (a pipe table's row, or a row of a table laid out in columns)
    if "|" in line or columned:
        clause = sentence = line  # (with the header over a column-laid row, "Time to appeal")
    title = ctx.section.title or ""
    action = _action(clause, sentence, head, *reversed(_LEAD_SENTENCES.split(lead_in)), title)
    stage = _stage(action, sentence, anchor, words, ctx.lead(), title)
    if stage == "first_internal_appeal" and words.search("stage_outside", before):
        stage = "other"  # "a demand for arbitration must be made within one year"
    benefit = _benefit(words, sentence, ctx.lead(), title)
    return DeadlineReading(Deadline(value, unit, action, anchor, stage, benefit),
                           f"{value} {unit.replace('_', ' ')} to {stage.replace('_', ' ')}"
                           + ("" if benefit == "medical" else f" ({benefit} benefits)"))


# A limit that restates the one before it for another case: "For a Part B drug, the time
# is 7 days", "for a bill, it is 60 days". Whose clock it is, the sentence before said.
_RESTATED = re.compile(r"(?:^|[,;:]\s*)(?:it|this|that|the\s+(?:time|limit|period|deadline|"
                       r"time\s+limit|time\s?frame))\s+(?:is|becomes|will\s+be)\s+"
                       r"(?:only\s+|up\s+to\s+|extended\s+to\s+)?$|"
                       # a list's next item, a label and its time: "• A service you have not
                       # received yet: within 30 calendar days."
                       r"^\W*[^.;:|]{3,80}:\s*(?:within|in)\s+$", re.I)


def _plan_clock_before(lead: str, words: WordLists) -> bool:
    """Is the last time stated in ``lead`` (that restates none before it) the plan's own,
    read as its sentence reads?"""
    # (sentences whole: a list item's label and its time, "A service …: within 30 days",
    # are one)
    for part in reversed(_WHOLE_SENTENCES.split(lead)):
        for m in reversed(list(_DURATION.finditer(part))):
            if not (m.group("num") or m.group("paren") or m.group("words")):
                continue
            before = part[:m.start()]
            if not _RESTATED.search(before):
                return _insurer_clock(before, part[m.end():], words)
    return False


# The member given the time just before it ("you have 60 days"), not the member's past
# ("a service you have not yet received, or within 60 days for a bill")
_YOU_HAVE = re.compile(r"\byou (?:must|may|should|can|have(?!\s+(?:not|already|yet|been|"
                       r"received|paid|had)\b))\b", re.I)
# The standard time as a wait: "if waiting 30 days could seriously harm your health",
# "waiting up to 14 days for a decision"
_WAITED = re.compile(r"\b(?:waiting|wait)\s+(?:up\s+to\s+|for\s+(?:up\s+to\s+)?|"
                     r"(?:the|a|an)\s+(?:standard|usual|normal|full)\s+)?$", re.I)
_BEFORE_EVENT = re.compile(r"^\W*(before|prior to|in advance)\b", re.I)
# A sentence that opens with the time and gives it to someone else after the comma:
# "Within two calendar days after you are admitted, the hospital will hand you a notice"
# (the number may stand before the hit: "Within two calendar days", "within ten (10)";
# a capital opens the sentence after a heading without a stop)
_OPENS_SENTENCE = re.compile(r"(?:^\W*|[.!?:;]\s+|\s(?=[WN]))(?:[Ww]ithin|[Nn]o\s+later\s+than|"
                             r"[Nn]ot\s+later\s+than)(?:\s+[\w()-]+){0,3}?\s*$")
_OTHERS_CLAUSE = re.compile(r"^[^,;.]{0,100},\s*(?P<subj>(?:we|it|they|(?:the|our)\s+[\w-]+))"
                            r"\b", re.I)
# A wait, not a limit: "if eight weeks have passed since you complained and we have not
# answered, you may go to the ombudsman", "once 30 days go by without a decision"
_ELAPSED = re.compile(r"^\W*(?:have|has|had)\s+(?:now\s+)?(?:passed|elapsed|gone\s+by|run)\b|"
                      r"^\W*(?:pass|elapse|go\s+by)\b", re.I)
# What a number of weeks is of, when nothing limits it: "more than 16 weeks of daily
# therapy", "six months of coverage" (not "within 60 days of the denial")
_LENGTH_OF = re.compile(r"\s*of\s+(?!(?:the|your|this|that|our|its|their|his|her|a|an|"
                        r"receipt|receiving|getting|being|date|when|service)\b)", re.I)
_LIMIT_BEFORE = re.compile(r"\b(?:within|no\s+later\s+than|not\s+later\s+than|by|up\s+to|"
                           r"before|after|have|has|had|allow\w*|given?)\b", re.I)
# A title that names the first step too ("Appeals: Level 1 and Level 2") heads both.
_FIRST_STEP = re.compile(r"\b(?:level|step|stage)\s*(?:1|one|i)\b|\bfirst\b", re.I)
# A period looked back on: "your pharmacy claims for the last 12 months"
_LOOKED_BACK = re.compile(r"\b(?:the\s+)?(?:last|past|previous|preceding)\s+$", re.I)
_LASTED = re.compile(r"\b(?:lasted|lasting|lasts|persisted|persisting|persists|continued|"
                     r"ongoing)\s+(?:for\s+)?(?:about\s+|at\s+least\s+|more\s+than\s+|over\s+|"
                     r"nearly\s+|almost\s+|only\s+)?$", re.I)
# A notice period: "available for audit on ten days' notice", "with 30 days' written notice"
_NOTICE_PERIOD = re.compile(r"^['\u2019]?\s*(?:prior\s+|advance\s+|written\s+)*notice\b", re.I)
# A sentence that opens in lower case continues the text before it.
_CONTINUES = re.compile(r"^\W*[a-z]")
# Most specific first: a limit that names disability or eligibility claims is theirs even
# in a guide that also covers dental.
_BENEFIT_ORDER: tuple[Benefit, ...] = ("disability", "life", "eligibility", "dental", "vision")


def _benefit(words: WordLists, *texts: str) -> Benefit:
    """The first text that names a benefit decides: the sentence, what leads into it in its
    paragraph, its section's title. A limit that names none is the medical plan's."""
    for text in texts:
        if words.search("benefit_medical", text):
            return "medical"
        for benefit in _BENEFIT_ORDER:
            if words.search(f"benefit_{benefit}", text):
                # eligibility named beside care ("your enrolment was decided wrongly, or the
                # care you received was not paid for"; eligibility for continuing
                # healthcare) is no enrolment dispute alone
                if benefit == "eligibility" and words.search("benefit_care_decision", text):
                    return "medical"
                return benefit
    return "medical"


def _stage(action: Action, sentence: str, anchor: str, words: WordLists,
           lead: str = "", title: str = "") -> Stage:
    """The step of the appeal ladder: from the action, then the sentence's own words, then
    the event the anchor counts from (a limit counted from a final or an appeal decision
    belongs to a later stage), then the section's title ("How a Level 2 appeal is done";
    not one that names the first step too, nor a procedure's "Step 2: ask us to look at it
    again")."""
    if action == "external_review":
        return "external_review"
    if action == "expedited_appeal":
        return "expedited_appeal"
    if words.search("stage_fair_hearing", sentence):
        return "fair_hearing"
    if words.search("stage_informal", sentence):
        return "informal_review"
    if words.search("stage_continuation", sentence) or words.search("stage_continuation", lead) \
            or words.search("stage_fallback", sentence):
        return "other"
    if words.search("stage_second_level", sentence) or words.search("anchor_prior_decision",
                                                                       anchor):
        return "second_level"
    if action != "grievance" and words.search("stage_second_level", title) \
            and not _FIRST_STEP.search(title):
        return "second_level"
    if action == "grievance":
        return "first_internal_appeal" if words.search("complaint_about_decision", sentence) \
            else "grievance"
    if action == "internal_appeal":
        return "first_internal_appeal"
    return "other"
