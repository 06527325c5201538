"""Named false-positive filters that rules list under ``unless:``.

Each filter looks at a hit's surroundings and returns why the hit must be dropped, or
None. They encode what documents in general do, not one file, where the shape is more than
words standing together: a nondiscrimination notice tells you how to file a
*discrimination* grievance, and its heading may be a page away; a clinical-trial clause
*covers* routine costs of investigational treatment unless an exception turns it around.
Shapes that are words in a sentence (a provider without appeal rights, a licensing
statement) are false-positive rules in ``patterns/false_positives.yaml`` instead.

A filter's code says only where to look; the words it looks for are vocabulary lists of
the pattern files (``filter_*`` in vocabulary.yaml), so a ``--patterns`` user can extend
them and their examples test them. Filters are registered under versioned names
(``civil_rights_notice@1``); a bare name means the newest version, and a changed filter
gets a new version so that rule files naming the old one keep their meaning.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .context import HitContext

Filter = Callable[[HitContext], "str | None"]

# Mentions of a notice's subject in the text just before a hit that make it part of it.
NOTICE_REACH = 1500
NOTICE_MENTIONS = 2


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
    # (read from one pass over the page: a page's hits ask about the same stretches)
    if appeals:
        first = ctx.lead_start if ctx.lead_start is not None else ctx.window_start("sentence")
        near = ctx.words.within("filter_civil_rights", ctx.text, first,
                                max(ctx.sentence[1], ctx.end))
    else:
        near = ctx.words.within("filter_civil_rights", ctx.text, max(0, ctx.start - 300),
                                ctx.end + 300)
    if near:
        return f"civil-rights or privacy notice ('{near[0]}' nearby)"
    if appeals:
        # A notice's own "Complaints" part: the notice's words fill what leads into it.
        earlier = ctx.words.within("filter_civil_rights", ctx.text,
                                   max(0, ctx.start - NOTICE_REACH), ctx.start)
        if len(earlier) >= NOTICE_MENTIONS:
            return f"inside a civil-rights or privacy notice ('{earlier[-1]}' above)"
    return None


def covered_clinical_trial(ctx: HitContext) -> str | None:
    """A clause that covers routine costs in a trial; not an exclusion "except" for them.
    Version 2: a hit whose own clause or cell excludes it stands ("Routine costs covered |
    Investigational item itself not covered")."""
    if ctx.words.search("filter_excluding", re.split(r"[|;]", ctx.after(120), maxsplit=1)[0]):
        return None
    return _covered_clinical_trial_v1(ctx)


def _covered_clinical_trial_v1(ctx: HitContext) -> str | None:
    if ctx.section.role == "exclusions":
        return None
    window = ctx.window("sentence")
    m = ctx.words.search("filter_covered_trial", window)
    if not m or ctx.words.search("filter_excluding", ctx.before(200)):
        return None
    between = window[:m.start()]
    if (re.search(r"\bexcept\b", between, re.I)
            and not ctx.words.search("filter_excluding", window[m.start():])):
        return None  # "excluded …, except … routine patient costs": the exclusion stands
    return "describes covered clinical-trial costs"


_VERDICT = r"\b(?:{filter_verdict})\s+$"
# (and the word after one joined to it: "that are experimental, or investigational")
_RELATIVE = (r"\b(?:{filter_relative})\s+(?:{filter_verdict})\s+"
             r"(?:[\w-]+,?\s+(?:or|and)\s+)?$")


def research_description(ctx: HitContext) -> str | None:
    """Study designs and FDA status describe evidence; they exclude nothing. Version 2: a
    verdict on the treatment ("Laser lipolysis is investigational; studies are small")
    is the policy's decision, whatever evidence its sentence cites."""
    before = ctx.before()
    if ctx.words.shaped(_VERDICT).search(before) and not ctx.words.shaped(
            _RELATIVE).search(before):
        return None
    return _research_description_v1(ctx)


def relative_clause(ctx: HitContext) -> str | None:
    """ "Decisions on treatment that is experimental": a relative clause describes what it
    qualifies; unless its sentence or the lead into it excludes, or it is an item of an
    exclusion list ("Services which are experimental;"), it states no verdict."""
    if (ctx.section.role not in _LISTS_THAT_STATE
            and ctx.words.shaped(_RELATIVE).search(ctx.before())
            and not ctx.words.search("filter_excluding", ctx.lead() + ctx.window("sentence"))):
        return "describes what a relative clause qualifies; its sentence excludes nothing"
    return None


def _research_description_v1(ctx: HitContext) -> str | None:
    if ctx.section.role == "exclusions":
        return None
    window = ctx.window("sentence")
    if (ctx.words.search("filter_research", window)
            and not ctx.words.search("filter_excluding", window)):
        return "describes research or regulatory status, not coverage"
    return None


def research_description_v3(ctx: HitContext) -> str | None:
    """Version 3: an item under a short label that excludes ("Exclusion 14. Any drug under
    study in a phase I trial …") is what the label excludes, not a description."""
    return None if _excluding_label(ctx) else research_description(ctx)


def _excluding_label(ctx: HitContext) -> bool:
    """Is the sentence before a short label that excludes ("Exclusion 14.", "Not
    covered.")? The item after it is what it excludes."""
    lead = ctx.lead().strip()
    return 0 < len(lead.split()) <= 4 and bool(ctx.words.search("filter_excluding", lead))


_LEAD_IN = r"\b(?:{heading_definitions})\s*:"
_ENTRY = re.compile(r"^\W*[A-Za-z][\w'\u2019 -]{0,40}?(\w+)\s*:\s*(?:(?:a|an|the|any)\s+)?(\w+)")


def _restates_its_term(sentence: str) -> bool:
    """ "Term: …" whose text opens with the term's own noun, as glossaries define."""
    m = _ENTRY.match(sentence)
    return m is not None and m.group(1).lower() == m.group(2).lower()


# A glossary entry's term and what follows it: "Appeal: A request that your plan review a
# decision", "Reconstructive Surgery - surgery to repair a part of the body …".
_GLOSSARY_ENTRY = re.compile(r"^\W*([A-Z][\w'\u2019/-]*(?:\s+[\w'\u2019/-]+){0,4}?)\s*"
                             r"(?::|\s[-\u2013\u2014]\s)\s*(?:((?i:a|an|the|any))\s+)?(\w+)")


def _glossary_term_v1(ctx: HitContext) -> str | None:
    return _glossary_entry(ctx, _TELLS_THE_MEMBER, ())


def glossary_term(ctx: HitContext) -> str | None:
    """The hit is in a glossary entry ("Appeal: A request that your plan review a
    decision"), its definition opening with an article or with the term's own noun: a word
    explained, not a right or a term of the plan stated. A definition that tells the
    member what to do ("Appeal: You may ask us …", "… within 180 days") is no mere
    explanation. Version 2: a definition may open with a verb that defines ("Reconstructive:
    Describes surgery on …", "Refers to …"), and "may" tells the member something only with
    a person as its subject ("it may also improve appearance" is no right)."""
    return _glossary_entry(ctx, _TELLS_THE_MEMBER_V2, _DEFINING_VERBS)


# the verbs a definition may open with: "Reconstructive: Describes surgery on …"
_DEFINING_VERBS = ("describes", "refers", "means", "denotes", "includes", "is")


def _glossary_entry(ctx: HitContext, tells: re.Pattern[str],
                    defining: tuple[str, ...]) -> str | None:
    s, e = ctx.sentence
    sentence = ctx.text[s:e]
    m = _GLOSSARY_ENTRY.match(sentence)
    if m is None:
        return None
    term_noun = m.group(1).split()[-1].lower()
    opening = m.group(3).lower()
    if (not m.group(2) and opening != term_noun and opening not in defining) \
            or _NOTE_LABEL.match(m.group(1)):
        return None  # (no article and not the term's own noun: a label before a statement)
    if tells.search(sentence, m.end(1)) or ctx.section.role in _LISTS_THAT_STATE \
            or ctx.section.listed:
        return None  # (an item of an exclusion list states what it names)
    return f"'{m.group(1)}' is the term a glossary entry defines"


# A label that introduces a statement, not a term: "Exception: the cosmetic exclusion does
# not apply to …", "Note: …"
_NOTE_LABEL = re.compile(r"(?:exceptions?|notes?|important|example|reminder|tip|warning|caution|"
                         r"remember|please note|attention|nb|n\.b|q|a|question|answer)$", re.I)
# Words that tell the member something: a right, a duty, an exception, a time limit.
_TELLS_REST = (r"\b(?:has|have)\s+the\s+right\b|\bunless\b|\bexcept\b|"
               r"\b(?:is|are)\s+(?:not\s+)?(?:entitled|covered|excluded)\b|"
               r"\b(?:does|do)\s+not\s+apply\b|\bapplies\b|"
               r"\bwithin\s+\S+\s+(?:calendar\s+|business\s+)?(?:days?|months?|weeks?|years?)\b")
_TELLS_THE_MEMBER = re.compile(r"\b(?:may|can|must|should|shall|will|cannot|won['\u2019]t)\b|"
                               + _TELLS_REST, re.I)
# (version 2: a modal tells the member something only with a person or the plan as its
# subject: "you may", "the plan will", not "it may also bring appearance closer to normal")
_TELLS_THE_MEMBER_V2 = re.compile(
    r"\b(?:you|we|they|members?|enrollees?|participants?|patients?|claimants?|beneficiar(?:y|ies)|"
    r"insured|applicants?|parents?|guardians?|representatives?|prescribers?|providers?|"
    r"doctors?|plan|insurer|company|fund|scheme)\b[^.;]{0,80}?"
    r"\b(?:may|can|must|should|shall|will|cannot|won['\u2019]t)\b|"
    # (or what the plan does with it: "it can still be covered when …")
    r"\b(?:may|can|will|shall|cannot)\s+(?:\w+\s+)?be\s+(?:covered|excluded|paid)\b|"
    + _TELLS_REST, re.I)


def _definition_only_v1(ctx: HitContext) -> str | None:
    return _defines_only(ctx, asks_exclusions=False)


def definition_only(ctx: HitContext) -> str | None:
    """A definition of a term ("Cosmetic surgery means …", an entry of a glossary or a
    definitions section) excludes nothing, unless its own sentence says it does. Version
    2: the answer to a question about what is excluded ("What's excluded? Veneers and
    other aesthetic work.") is no definition."""
    return _defines_only(ctx, asks_exclusions=True)


def _defines_only(ctx: HitContext, asks_exclusions: bool) -> str | None:
    lead = ctx.lead().rstrip()
    asked = lead[lead.rfind(".", 0, len(lead) - 1) + 1:] if lead.endswith("?") else ""
    if asks_exclusions and ctx.words.search("filter_excluding", asked):
        asked = ""
    defines = (ctx.kind == "glossary" or ctx.section.role == "definitions"
               or ctx.words.search("filter_defining", ctx.before())
               # the answer to "What's 'cosmetic'?"
               or ctx.words.search("filter_defining", asked)
               # under a lead-in such as "Words to know:"
               or ctx.words.shaped(_LEAD_IN).search(lead + ctx.before())
               # a glossary entry: "Cosmetic surgery: surgery done to …"
               or _restates_its_term(ctx.window("sentence")))
    if not defines or ctx.words.search("filter_excluding", ctx.window("sentence")):
        return None
    return "defines a term; its sentence excludes nothing"


# Shapes, not words: what stands directly before the hit ("non-", "not considered for").
def _turned_around(negations: str,
                   verdicts: str = "considered|deemed|regarded") -> re.Pattern[str]:
    return re.compile(r"\b(?:" + negations + r")\s*(?:(?:" + verdicts + r")\s+)?"
                      r"(?:(?:for|to\s+be|as)\s+)?$", re.I)


_TURNED_AROUND_V1 = _turned_around(r"non-?|not|never")
_TURNED_AROUND_V2 = _turned_around(r"non-?|not|never|no\s+longer")
# version 3: what it was called before ("once regarded as investigational, now covered")
_TURNED_AROUND_V3 = _turned_around(r"non-?|not|never|no\s+longer|once|formerly|previously")
# version 4: a subject that denies it ("none of them is considered investigational",
# "neither technique is experimental"), and what it would be but for the case at hand
# ("covered even when the drug studied would otherwise be considered investigational")
_TURNED_AROUND = _turned_around(r"non-?|not|never|no\s+longer|once|formerly|previously|"
                                r"otherwise(?:\s+be)?|"
                                r"(?:none(?:\s+of\s+(?:them|these|those|which|the\s+\w+))?|"
                                r"neither(?:\s+of\s+(?:them|these|those))?(?:\s+\w+)?)"
                                r"\s+(?:is|are|was|were)",
                                # ("not excluded as cosmetic when it repairs …")
                                "considered|deemed|regarded|excluded")


def _prefixed(ctx: HitContext, pattern: re.Pattern[str]) -> str | None:
    m = pattern.search(ctx.text[max(0, ctx.start - 32):ctx.start])
    return f"'{m.group(0).strip()} {ctx.hit}' means the opposite" if m else None


def non_prefixed(ctx: HitContext) -> str | None:
    """ "non-cosmetic", "Not Experimental", "not considered cosmetic", "not for cosmetic
    purposes", "no longer considered investigational" (version 2), "once regarded as
    investigational" (version 3), "none of them is considered investigational" (version 4):
    the words directly before turn it around."""
    return _prefixed(ctx, _TURNED_AROUND)


_LISTS_THAT_STATE = frozenset({"exclusions", "sbc_not_covered"})


def bare_label(ctx: HitContext) -> str | None:
    """A heading or table label that is only the trigger words states nothing — except a
    defined term, whose definition follows it (the quote then takes that in). Version 2:
    nor does an item of an exclusion list, and empty table cells ("Medically necessary |
    | |") add no words."""
    if ctx.section.role in _LISTS_THAT_STATE:
        return None  # an item of an exclusion list states what it names is excluded
    return _bare(ctx, ctx.text[ctx.sentence[0]:ctx.sentence[1]].replace("|", " "))


# A page number ("Page 12 of 40", "- 31 -") printed after a label is no word of it.
_PAGE_NUMBER = re.compile(r"\bpage\s+\d+(?:\s+of\s+\d+)?\b|(?<![\w$])-?\s*\d+\s*-(?!\w)|"
                          r"\b\d+\s+of\s+\d+\b", re.I)


def bare_label_v3(ctx: HitContext) -> str | None:
    """Version 3: page furniture after a label (a page number, "continued on next page",
    the vocabulary's ``page_furniture``) adds no words to it either."""
    if ctx.section.role in _LISTS_THAT_STATE:
        return None
    sentence = ctx.text[ctx.sentence[0]:ctx.sentence[1]].replace("|", " ")
    sentence = _PAGE_NUMBER.sub(" ", sentence)
    furniture = ctx.words.search("page_furniture", sentence)
    while furniture:
        sentence = sentence[:furniture.start()] + " " + sentence[furniture.end():]
        furniture = ctx.words.search("page_furniture", sentence)
    return _bare(ctx, sentence.replace("...", " "))


def bare_label_v4(ctx: HitContext) -> str | None:
    """Version 4: a label that opens a definition ("Medically necessary means:", its
    points listed below) is no bare label either (vocabulary ``filter_defining``)."""
    if ctx.words.search("filter_defining", ctx.text[ctx.end:ctx.sentence[1]]):
        return None
    return bare_label_v3(ctx)


# A field's label with what to write in it: "Medical Necessity Justification (Summarize
# the diagnosis …)", "Reason for request - attach notes" (the verbs: vocabulary
# ``filter_field_instructions``).
_FIELD_INSTRUCTION = (r"(?:\s+[\w/&-]+){{0,3}}?\s*(?:[:\-\u2013]\s*[(\[]?|[(\[])\s*(?:please\s+)?"
                      r"(?:{filter_field_instructions})\b")


def _form_field(ctx: HitContext, shape: str) -> str | None:
    """A form field's label followed by what to write in it (``shape``, right after the
    hit), outside a glossary and an exclusion list."""
    if ctx.kind != "glossary" and ctx.section.role not in _LISTS_THAT_STATE \
            and ctx.words.shaped(shape).match(ctx.text, ctx.end):
        return "a form field's label and what to write in it, not a statement"
    return None


def bare_label_v5(ctx: HitContext) -> str | None:
    """Version 5: a form field's label followed by instructions for filling it in states
    nothing either."""
    return _form_field(ctx, _FIELD_INSTRUCTION) or bare_label_v4(ctx)


# Version 6's shape: the instructions may name who fills the field in ("[Provider: attach
# chart notes]"), and a placeholder says nothing is stated ("(Reserved)"; vocabulary
# ``filter_placeholders``).
_FIELD_INSTRUCTION_V6 = (r"(?:\s+[\w/&-]+){{0,3}}?\s*(?:[:\-\u2013]\s*[(\[]?|[(\[])\s*"
                         r"(?:[\w ]{{1,20}}:\s*)?(?:please\s+)?"
                         r"(?:{filter_field_instructions}|{filter_placeholders})\b")


def bare_label_v6(ctx: HitContext) -> str | None:
    """Version 6: a field's instructions may name who fills it in, and a placeholder
    ("(Reserved)", "[to be added]") under a heading states nothing either."""
    return _form_field(ctx, _FIELD_INSTRUCTION_V6) or bare_label_v5(ctx)


# Version 7: whoever fills it in, followed by "to" ("[Prescriber to complete]", "(Provider
# to attach notes)").
_FIELD_INSTRUCTION_V7 = (r"(?:\s+[\w/&-]+){{0,3}}?\s*(?:[:\-\u2013]\s*[(\[]?|[(\[])\s*"
                         r"(?:[\w ]{{1,20}}(?::|\s+to\b)\s*)?(?:please\s+)?"
                         r"(?:this\s+(?:page|section|part)\s+(?:is\s+|has\s+been\s+)?)?"
                         r"(?:{filter_field_instructions}|{filter_field_completion}|"
                         r"{filter_placeholders})\b")


def bare_label_v7(ctx: HitContext) -> str | None:
    """Version 7: the one who fills a field in may be named with "to" ("[Prescriber to
    complete]") as with a colon, and a placeholder may say what is blank ("(This page
    intentionally left blank.)")."""
    return _form_field(ctx, _FIELD_INSTRUCTION_V7) or bare_label_v6(ctx)


# Version 8: a header's field that names a part of the document ("Guideline ID: RAD-12 |
# Section: Medical Necessity Criteria | Effective Date: …"): a title, not a statement.
_TITLE_FIELD = re.compile(r"(?:^|[|\n])[ \t]*(?:section|chapter|part|title|subject|topic|"
                          r"heading)[ \t]*:[ \t]*$", re.I)
_CELL_END = re.compile(r"[ \t]*(?:[\w-]+[ \t]*)?(?:\||\n|$)")


def bare_label_v8(ctx: HitContext) -> str | None:
    """Version 8: a document header's field naming a section ("Section: Medical Necessity
    Criteria |") is a title, not a statement."""
    if ctx.kind != "glossary" and _TITLE_FIELD.search(ctx.text, max(0, ctx.start - 40),
                                                      ctx.start) \
            and _CELL_END.match(ctx.text, ctx.end):
        return "a header field naming a section, not a statement"
    return bare_label_v7(ctx)


# Version 9: a heading's division and number are no words of its title ("SECTION C –
# MEDICAL NECESSITY", "Part 4: Prior Authorization").
_DIVISION_PREFIX = re.compile(r"^\W*(?:(?:section|part|article|art\.|chapter|schedule)\s+"
                              r"\w{1,4}|\d{1,2}(?:\.\d{1,2})*)[.):]?\s*[\u2013\u2014:-]?\s*",
                              re.I)


def bare_label_v9(ctx: HitContext) -> str | None:
    """Version 9: a heading that is only its division ("SECTION C –") and the trigger words
    states nothing either."""
    sentence = ctx.text[ctx.sentence[0]:ctx.sentence[1]].replace("|", " ").strip()
    prefix = _DIVISION_PREFIX.match(sentence)
    if prefix and prefix.end() and ctx.section.role not in _LISTS_THAT_STATE \
            and not sentence.endswith(":"):
        reason = _bare(ctx, sentence[prefix.end():])
        if reason is not None:
            return reason
    return bare_label_v8(ctx)


def _bare(ctx: HitContext, sentence: str) -> str | None:
    if ctx.kind == "glossary" or ctx.section.role == "definitions":
        return None
    words = sentence.strip(" .:;\u2022\u25cf*-").split()
    if len(words) <= len(ctx.hit.split()) + 1:
        return "a bare heading or label, not a statement"
    return None


# An empty box opens an option a reader may tick, not a statement: "[ ] The service is
# experimental or investigational." among a notice's reasons (a ticked one is "[X]").
_EMPTY_BOX = re.compile(r"^\W{0,3}(?:\[\s?\]|\u2610|\u25a1)")


def unchecked_option(ctx: HitContext) -> str | None:
    """A sentence that an empty check box opens is one option of a form or a notice's
    list of reasons, unticked: it states nothing."""
    # (the clause the hit is in: after a lead-in's colon, "Reasons: [ ] The service is …")
    before = ctx.text[max(0, ctx.sentence[0] - 6):ctx.start]
    clause = before[max(before.rfind(c) for c in ".:;?!") + 1:]
    if _EMPTY_BOX.search(clause):
        return "an unticked option of a form or a notice, not a statement"
    return None


FILTERS: dict[str, Filter] = {
    "non_prefixed@1": lambda ctx: _prefixed(ctx, _TURNED_AROUND_V1),
    "non_prefixed@2": lambda ctx: _prefixed(ctx, _TURNED_AROUND_V2),
    "non_prefixed@3": lambda ctx: _prefixed(ctx, _TURNED_AROUND_V3),
    "non_prefixed@4": non_prefixed,
    "bare_label@1": lambda ctx: _bare(ctx, ctx.text[ctx.sentence[0]:ctx.sentence[1]]),
    "bare_label@2": bare_label,
    "bare_label@3": bare_label_v3,
    "bare_label@4": bare_label_v4,
    "bare_label@5": bare_label_v5,
    "bare_label@6": bare_label_v6,
    "bare_label@7": bare_label_v7,
    "bare_label@8": bare_label_v8,
    "bare_label@9": bare_label_v9,
    "civil_rights_notice@1": civil_rights_notice,
    "covered_clinical_trial@1": _covered_clinical_trial_v1,
    "covered_clinical_trial@2": covered_clinical_trial,
    "research_description@1": _research_description_v1,
    "research_description@2": research_description,
    "research_description@3": research_description_v3,
    "definition_only@1": _definition_only_v1,
    "definition_only@2": definition_only,
    "glossary_term@1": _glossary_term_v1,
    "glossary_term@2": glossary_term,
    "relative_clause@1": relative_clause,
    "unchecked_option@1": unchecked_option,
}


def _newest() -> dict[str, str]:
    newest: dict[str, tuple[int, str]] = {}
    for versioned in FILTERS:
        name, version = versioned.rsplit("@", 1)
        if name not in newest or int(version) > newest[name][0]:
            newest[name] = (int(version), versioned)
    return {name: versioned for name, (_, versioned) in newest.items()}


# A bare name in a rule file means the newest version of that filter.
FILTER_NAMES: dict[str, str] = {**_newest(), **{v: v for v in FILTERS}}


def get_filter(name: str) -> Filter:
    return FILTERS[FILTER_NAMES[name]]
