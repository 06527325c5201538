"""The surroundings of one hit, and what they say for or against it.

Context is evidence, not a gate. A rule's ``context`` names what supports a hit (a section
role, words in its sentence, words leading into it) and what speaks against it
(``not_*``). Each piece of evidence moves the rule's score; whether the hit becomes a
finding is decided afterwards, by comparing that score with its category's threshold.
So a bare "Cosmetic surgery" under a list header that excludes, or a time limit whose
previous sentence names the appeal, is still found, only with a lower score than the
same words in a sentence that says everything itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..rules.schema import Context
from ..structure import Section
from .words import NO_WORDS, WordLists, find_all_words, find_words

# How far each kind of evidence moves a rule's score. A rule's own score is what it earns
# when its sentence or section supports it; weaker support costs a little, none costs
# enough to fall below every category's threshold, and contrary evidence more than that.
BOTH_SUPPORT = 0.02  # section and words agree
LEAD_SUPPORT = -0.08  # support only in the sentences leading into the hit's
NO_SUPPORT = -0.4  # the rule asks for context and nothing around the hit gives it
AGAINST = -0.6  # a not_section, not_near or not_before word
# A not_section when the hit's own sentence supports it: the sentence is nearer evidence
# than its section ("We do not cover experimental drugs." in an appeals chapter).
# Not in sections that only describe (a change log, a definition, a notice, an SBC's list
# of other covered services by name): what a sentence there says is never a plan term.
SECTION_OUTWEIGHED = -0.25
DESCRIPTIVE_ROLES = frozenset({"history", "references", "definitions", "civil_rights",
                               "privacy", "sbc_other_covered"})
# Sections whose passages state no term of this document's plan: a definition, what an
# earlier version said, the titles of other policies and of studies. Reported, never facts.
NOT_PLAN_TERMS = frozenset({"definitions", "history", "references"})
# Of those, the lists of other documents and of this one's versions are not reported
# either: "Cosmetic and Reconstructive Surgery" in a list of related policies, "Clarified
# medical necessity criteria" in a change log say nothing a reader asked about.
LISTS_OF_DOCUMENTS = frozenset({"history", "references"})


@dataclass(frozen=True)
class HitContext:
    kind: str  # document kind
    page: int
    text: str  # the page's normalised text
    start: int
    end: int
    sentence: tuple[int, int]
    section: Section
    # Where the paragraph leading into the hit's sentence starts: up to two earlier
    # sentences of the same section (a lead-in such as "If you disagree with our decision,
    # write to us." before "You must do so within 6 months").
    lead_start: int | None = None
    # The pattern files' word lists, for filters that look for them.
    words: WordLists = field(default_factory=lambda: NO_WORDS)
    # Where a short sentence right after the hit's, in the same paragraph, ends: a verdict
    # that refers back to it ("That's a cosmetic service. Your plan doesn't cover it.").
    follow_end: int | None = None
    # The page's text with its lines (``text`` has them joined) and where the hit starts
    # there: a table's rows and columns are lines and cells.
    raw: str = ""
    raw_start: int = -1

    @property
    def hit(self) -> str:
        return self.text[self.start:self.end]

    def window(self, size: str | int) -> str:
        if size == "sentence":
            s, e = self.sentence
            return self.text[min(s, self.start):max(e, self.end)]
        assert isinstance(size, int)
        return self.text[max(0, self.start - size):self.end + size]

    def window_start(self, size: str | int) -> int:
        """Where ``window(size)`` starts in the page text."""
        if size == "sentence":
            return min(self.sentence[0], self.start)
        assert isinstance(size, int)
        return max(0, self.start - size)

    def before(self, limit: int = 400) -> str:
        """The text of the hit's sentence before the hit (at most ``limit`` characters)."""
        s = max(self.sentence[0], self.start - limit)
        return self.text[min(s, self.start):self.start]

    def after(self, limit: int = 400) -> str:
        e = min(self.sentence[1], self.end + limit)
        return self.text[self.end:max(e, self.end)]

    def around(self, chars: int) -> str:
        return self.text[max(0, self.start - chars):self.end + chars]

    def lead(self) -> str:
        """The sentences of the same paragraph before the hit's sentence."""
        if self.lead_start is None:
            return ""
        return self.text[self.lead_start:min(self.sentence[0], self.start)]

    def follow(self) -> str:
        """The short sentence right after the hit's, in the same paragraph ("" if none)."""
        if self.follow_end is None:
            return ""
        return self.text[max(self.sentence[1], self.end):self.follow_end]


# The next sentence's verdict is about the hit when it names it by a pronoun: "doesn't cover
# it", "won't pay for them", "It isn't covered".
# (The exclusion words are found by the word list, not in these regexes: a regex of all of
# them takes 40 ms to compile.)
_PRONOUN_AFTER = r"\s+(?:for\s+)?(?:{refers_back})\b"
_PRONOUN_FIRST = r"\W*(?:{refers_back})\b"
_PRONOUN_REACH = 30  # how far after the opening pronoun its verdict may start


def _opening_clause(words: WordLists, follow: str) -> tuple[int, str] | None:
    """Where the pronoun ``follow`` opens with ends, and the rest of its clause; None when
    it opens with none."""
    first = words.shaped(_PRONOUN_FIRST).match(follow)
    if first is None:
        return None
    return first.end(), re.split(r"[.;]", follow[first.end():], maxsplit=1)[0]


def _refers_back(words: WordLists, follow: str) -> bool:
    """Is ``follow`` a verdict on what was named just before it: by a pronoun, or with no
    subject of its own ("Cosmetic service. Not a covered benefit under your plan.")?"""
    verdict = words.search("exclusion", follow)
    if verdict is not None and not follow[:verdict.start()].strip(" \t\n-\u2013:") \
            and not follow[verdict.end():].lstrip().startswith(":"):
        return True  # (not the next entry of a word list: "Not covered: charges we …")
    return _pronoun_verdict(words, follow)


def _pronoun_verdict(words: WordLists, follow: str) -> bool:
    """Is ``follow`` a verdict on something named by a pronoun ("doesn't cover it", "won't
    pay for them", "It isn't covered")?"""
    after = words.shaped(_PRONOUN_AFTER)
    if any(after.match(follow, m.end()) for m in words.finditer("exclusion", follow)):
        return True
    opening = _opening_clause(words, follow)
    if opening is None:
        return False
    verdict = words.search("exclusion", opening[1])
    return verdict is not None and verdict.start() <= _PRONOUN_REACH


def _pronoun_says(words: WordLists, follow: str, said: re.Match[str]) -> bool:
    """Does ``follow`` open with a pronoun for what was named before it and say ``said``
    in that clause ("… is an independent reviewer. Its doctors … decide whether …")?"""
    opening = _opening_clause(words, follow)
    return opening is not None and said.start() < opening[0] + len(opening[1])


def _excepted(ctx: HitContext, window: str, window_start: int, against: re.Match[str]) -> bool:
    """Is the contrary word (``against`` in ``window``) turned, so that the hit is what an
    exclusion leaves out: an exception word between them, either way round ("excluded,
    except to repair …"; "repair of a cleft palate, notwithstanding the exclusion of …"),
    the hit inside the exception its sentence opens with ("Except where it repairs an
    injury, … is excluded"), or the contrary word conceded in its own clause, the hit's
    own words among it ("not subject to the cosmetic surgery exclusion")?"""
    hit, hit_end = ctx.start - window_start, ctx.end - window_start
    if against.end() <= hit:
        between = window[against.end():hit]
    elif against.start() >= hit_end:
        between = window[hit_end:against.start()]
        # a hit inside the exception its sentence opens with: "Except where performed to
        # restore form after trauma, procedures … will be treated as excluded"
        before = ctx.before()
        opening = ctx.words.search("exception_turns", before)
        if opening is not None and not before[:opening.start()].strip(" \t\n-•*("):
            return True
    else:
        return _conceded(ctx, window, against.start())
    turn = ctx.words.search("exception_turns", between)
    if turn is not None and against.end() <= hit and _VERDICT_ON.match(between[:turn.start()]) \
            and _PLAIN_VERDICT.match(turn.group(0)) \
            and not ctx.words.search("exclusion", against.group(0)) \
            and not ctx.words.search("exception_turns", window[:against.start()]):
        # "Physical therapy at home is covered to restore function": the verdict is on the
        # contrary words' own subject, which it affirms, not an exception to them (an
        # exclusion's "otherwise excluded as cosmetic are covered when" is one, and so is
        # anything a sentence opening "Exception:" says)
        turn = None
    return turn is not None or _conceded(ctx, window, against.start())


# A verdict of cover right after the contrary words (at most four words between, one clause)
_VERDICT_ON = re.compile(r"^\s*(?:[\w-]+\s+){0,4}$")
_PLAIN_VERDICT = re.compile(r"(?:is|are|remains?|be|will|we)\b", re.I)


# Where a contrary word's clause starts: after the last comma, semicolon, colon or line.
_CLAUSE_BREAK = re.compile(r"[,;:\n](?=[^,;:\n]*$)")


# How far after a contrary word "does not apply" may follow it ("the cosmetic-procedure
# exclusion therefore does not apply")
_WAIVED_REACH = 40


def _conceded(ctx: HitContext, text: str, at: int) -> bool:
    """Is the contrary word at ``text[at]`` conceded in its own clause ("although such
    surgery is otherwise excluded", "carves out of its appearance exclusion"), so that it
    names the rule the hit is an exception to?"""
    clause = text[max(0, at - 120):at]
    cut = _CLAUSE_BREAK.search(clause)
    return bool(ctx.words.search("concessions", clause[cut.end():] if cut else clause))


@dataclass
class Evidence:
    """What the surroundings said about one hit: reasons for, reasons against, and the
    score adjustment they add up to."""

    support: list[str] = field(default_factory=list)
    against: list[str] = field(default_factory=list)
    adjust: float = 0.0

    @property
    def reasons(self) -> list[str]:
        return [*self.support, *self.against]


# A parenthesis that points elsewhere: "(see exclusion 7)", "(refer to the Exclusions)".
_REFERENCE_OPENS = r"\s*(?:{cross_reference})\b"


def _in_pointer(ctx: HitContext, text: str, m: re.Match[str]) -> bool:
    """Is ``m`` inside a parenthesis that points elsewhere, after its pointing words (the
    pointer's own words, "see section", are what a rule may be against)?"""
    opened = text.rfind("(", 0, m.start())
    if opened < 0 or ")" in text[opened:m.start()]:
        return False
    pointer = ctx.words.shaped(_REFERENCE_OPENS).match(text, opened + 1)
    return pointer is not None and m.start() >= pointer.end()


def _contrary(ctx: HitContext, phrases: tuple[str, ...], text: str) -> re.Match[str] | None:
    """The first of ``phrases`` in ``text`` outside a cross-reference: "Cosmetic services (see
    exclusion 7): reconstruction after an accident is covered" points to an exclusion
    elsewhere, and says nothing against the exception beside it."""
    # (the first match through the lists' kept answers: only one in a pointer costs a scan)
    m = find_words(phrases, text)
    if m is None or not (_in_pointer(ctx, text, m) or _denied(text, m)):
        return m
    # (nor a contrary word the sentence denies: "is not excluded as cosmetic when …")
    return next((m for m in find_all_words(phrases, text)
                 if not (_in_pointer(ctx, text, m) or _denied(text, m))), None)


def _denied(text: str, m: re.Match[str]) -> bool:
    return _NEGATED.search(text, max(0, m.start() - 12), m.start()) is not None


_NEGATED = re.compile(r"\b(?:is|are|was|were|be)\s+not\s+$", re.I)


def weigh_context(ctx: HitContext, context: Context) -> Evidence:
    """Evidence for and against the hit under the rule's ``context``."""
    ev = Evidence()
    role = ctx.section.role
    window = ctx.window(context.window)
    if role in LISTS_OF_DOCUMENTS and role not in context.not_sections:
        ev.against.append(f"in section role {role}: a list of documents or of versions")
        ev.adjust += AGAINST
    if role in context.not_sections:
        turned = ctx.words.search("exception_turns", ctx.before())
        if turned:
            # "Not covered: breast prostheses, except after a mastectomy": the exception
            # keeps what the section takes away
            ev.support.append(f"in section role {role}, turned by '{turned.group(0)}'")
        else:
            said = role not in DESCRIPTIVE_ROLES and bool(
                (context.near and find_words(context.near, window))
                or (context.before and find_words(context.before, ctx.before())))
            ev.against.append(f"in section role {role}"
                              + (", though its sentence says it" if said else ""))
            ev.adjust += SECTION_OUTWEIGHED if said else AGAINST
    if context.not_near:
        m = _contrary(ctx, context.not_near, window)
        window_start = ctx.window_start(context.window)
        if m and _excepted(ctx, window, window_start, m):
            # "Cosmetic work is excluded, except to repair an injury": the hit is what the
            # exception keeps, not what the exclusion takes away.
            where = "before" if m.end() <= ctx.start - window_start else "after"
            ev.support.append(f"'{m.group(0)}' {where} it, turned by an exception")
        elif m:
            ev.against.append(f"'{m.group(0)}' nearby")
            ev.adjust += AGAINST
    if context.not_before:
        before = ctx.before()
        m = _contrary(ctx, context.not_before, before)
        if m and (ctx.words.search("exception_turns", before[m.end():])
                  or ";" in before[m.end():] or "|" in before[m.end():]
                  or _conceded(ctx, before, m.start())):
            # "excluded, except …", or another clause or table cell: "excluded; benefits
            # are payable …", "Cosmetic surgery | Not covered | Covered only to repair …"
            ev.support.append(f"'{m.group(0)}' turned by an exception before it")
        elif m:
            ev.against.append(f"'{m.group(0)}' before it")
            ev.adjust += AGAINST
    if context.not_after:
        # the rest of the hit's clause: up to a semicolon or a table cell's end, an
        # exception ("…, except …") or the other branch ("…; otherwise excluded"); a hit
        # inside an exception ("Unless … an accident, it is excluded") is what the
        # exclusion after it leaves out
        rest = re.split(r"[;:|]", ctx.after(), maxsplit=1)[0]
        turns = [t.start() for name in ("exception_turns", "other_branch")
                 if (t := ctx.words.search(name, rest))]
        m = _contrary(ctx, context.not_after, rest[:min(turns)] if turns else rest)
        hit = ctx.text[ctx.start:ctx.end]
        if m and (_conceded(ctx, hit + rest, len(hit) + m.start())
                  or ctx.words.search("exclusion_waived", rest[m.end():m.end() + _WAIVED_REACH])):
            # "the accident exception to the cosmetic exclusion", "so the cosmetic exclusion
            # does not apply": the rule it is an exception to
            ev.support.append(f"'{m.group(0)}' after it, named as what it is an exception to")
        elif m and not ctx.words.search("exception_turns", ctx.before()):
            ev.against.append(f"'{m.group(0)}' after it")
            ev.adjust += AGAINST
    if not (context.sections or context.near or context.before):
        return ev
    # Sections and words are alternatives: a bare list item counts because of its
    # section; the same words elsewhere need the words around them. Every one that holds
    # is recorded: the explanation and the score use them all.
    strong = 0
    if context.sections and role in context.sections:
        ev.support.append(f"inside '{ctx.section.title or role}'")
        strong += 1
    if context.near:
        m = find_words(context.near, window)
        if m:
            ev.support.append(f"near '{m.group(0)}'")
            strong += 1
    if context.before:
        m = find_words(context.before, ctx.before())
        if m:
            ev.support.append(f"after '{m.group(0)}'")
            strong += 1
    if strong >= 2:
        ev.adjust += BOTH_SUPPORT
    elif strong == 0:
        words = context.near + context.before
        lead = ctx.lead()
        m = find_words(words, lead) if words else None
        if m and ctx.words.shaped(_SET_ASIDE).search(lead, 0, m.start()):
            m = None  # "a complaint that is not about a claim decision": not what it is
        follow = ctx.follow()
        later = find_words(words, follow) if words and follow else None
        if m:
            ev.support.append(f"after '{m.group(0)}' in the sentence before")
            ev.adjust += LEAD_SUPPORT
        elif later and (_refers_back(ctx.words, follow)
                        or _pronoun_says(ctx.words, follow, later)):
            # "Teeth whitening? That's a cosmetic service. Your plan doesn't cover it."
            ev.support.append(f"'{later.group(0)}' of it in the sentence after")
            ev.adjust += LEAD_SUPPORT
        else:
            ev.against.append("nothing around it says this")
            ev.adjust += NO_SUPPORT
    return ev


# What the sentence before sets aside, just before the word that would support a hit
# (vocabulary ``set_aside``): "If you have a complaint that is not about a claim decision,
# call us … You may also contact the Department of Insurance" is no review of a decision.
_SET_ASIDE = r"\b(?:{set_aside})\s+(?:\S+\s+){{0,3}}$"


# What the plan need not do that is its own duty (vocabulary ``plan_duty``): "the insurer
# is not required to pay for care had before it approved the plan" states a requirement,
# it does not waive one ("prior approval is not required to" still does).
_PLAN_BEFORE = (r"\b(?:we|the\s+(?:plan|fund|scheme|program|programme|administrator|"
                r"{plan_actors}))\s+(?:is|are|will\s+be|shall\s+be)?\s*$")
_DUTY_AFTER = r"\s+to\s+(?:{plan_duty})\b"


def find_negation(ctx: HitContext, phrases: tuple[str, ...]) -> re.Match[str] | None:
    """The first of the rule's ``negated_by`` words in the hit's clause that waives what
    the rule finds, not a duty of the plan's. (A clause: "External review is available for
    medical judgments; it is not available for eligibility" negates only the second.)"""
    text = ctx.before().rsplit(";", 1)[-1] + ctx.text[ctx.start:ctx.end] \
        + ctx.after().split(";", 1)[0]
    first = find_words(phrases, text)
    if first is None:
        return None
    plan, duty = ctx.words.shaped(_PLAN_BEFORE), ctx.words.shaped(_DUTY_AFTER)

    def waives(m: re.Match[str]) -> bool:
        return not (duty.match(text, m.end())
                    and plan.search(text, max(0, m.start() - 40), m.start()))

    if waives(first):
        return first
    return next((m for m in find_all_words(phrases, text) if waives(m)), None)
