"""Where in the document a passage stands: headings, sections and their roles.

A bare "Cosmetic surgery" is an exclusion only because of the list it stands in, and
"file a grievance" is a claim appeal only outside a nondiscrimination notice. This module
finds headings (SBC template anchors, lines set larger or bolder than the body text, and
short lines that name a known section) and gives each stretch of text the role of the
innermost enclosing section that has one.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

from .extract import BULLETS, Line, PageText, SourceDocument
from .match.words import WordStarts, compile_words, word_starts
from .rules.schema import SectionRole

# Roles a heading can take from its words, in the order they are tried: a civil-rights
# notice before exclusions, exclusions before covered ("What's not covered" contains
# "covered"). The words are the vocabulary lists ``heading_<role>`` of the pattern files.
HEADING_ROLES: tuple[SectionRole, ...] = ("civil_rights", "privacy", "history", "references",
                                          "exclusions", "appeals", "definitions", "covered")
# Roles a list lead-in can give the items under it (vocabulary ``lead_in_<role>``), in the
# order they are tried: "investigational and not medically necessary:" opens a list of
# experimental services before it opens one of exclusions.
LEAD_IN_ROLES: tuple[SectionRole, ...] = ("experimental", "exclusions", "covered")


# Searched from each first word (``WordStarts``): a role's list runs to hundreds of
# phrases, which as one regex cost more to compile than a short document costs to scan.
_RoleWordList = tuple[tuple[SectionRole, WordStarts], ...]


@dataclass(frozen=True)
class RoleWords:
    """Heading and lead-in words by role, compiled from the rule set's vocabulary."""

    headings: _RoleWordList
    lead_ins: _RoleWordList
    # Lines that label a table's columns or code systems ("CPT", "ICD-10 Diagnosis"): set
    # in bold like headings, but the list above them goes on (vocabulary ``table_labels``).
    labels: re.Pattern[str] | None = None
    # A page's running furniture ("(continued)"): no word of the heading it follows.
    furniture: re.Pattern[str] | None = None

    @classmethod
    def from_vocabulary(cls, vocabulary: Mapping[str, tuple[str, ...]]) -> RoleWords:
        def compiled(prefix: str, roles: tuple[SectionRole, ...]) -> _RoleWordList:
            out = []
            for role in roles:
                phrases = tuple(vocabulary.get(f"{prefix}{role}", ()))
                if phrases:
                    out.append((role, word_starts(phrases)))
            return tuple(out)

        return cls(compiled("heading_", HEADING_ROLES), compiled("lead_in_", LEAD_IN_ROLES),
                   compile_words(tuple(vocabulary.get("table_labels", ()))),
                   compile_words(tuple(vocabulary.get("page_furniture", ()))))

    def is_label(self, text: str) -> bool:
        return self.labels is not None and self.labels.fullmatch(text) is not None

    def without_furniture(self, text: str) -> str:
        """``text`` without its running furniture: "Exclusions (continued)" is titled as
        "Exclusions" is."""
        return self.furniture.sub(" ", text) if self.furniture is not None else text

    def heading_role(self, text: str) -> SectionRole:
        return next((role for role, pattern in self.headings if pattern.search(text)), "none")

    def lead_in_role(self, text: str) -> SectionRole:
        return next((role for role, pattern in self.lead_ins if pattern.search(text)), "none")


NO_ROLE_WORDS = RoleWords((), ())

# SBC template anchors at a line start (domain.md part B). Role, the template section
# name used as the finding's ``section``, and the words that open it.
_SBC_ANCHORS: tuple[tuple[SectionRole, str, str], ...] = (
    ("sbc_header", "Summary of Benefits and Coverage", r"Summary of Benefits and Coverage"),
    ("sbc_questions", "Important Questions", r"Important Questions"),
    ("sbc_grid", "Common Medical Event", r"Common\s+Medical\s+Event"),
    ("sbc_lists", "Excluded Services & Other Covered Services",
     r"Excluded\s+Services\s+(&|and)\s+Other\s+Covered\s+Services"),
    ("sbc_not_covered", "Excluded Services & Other Covered Services",
     r"Services\s+Your\s+Plan\s+Generally\s+Does\s+NOT\s+Cover"),
    ("sbc_other_covered", "Excluded Services & Other Covered Services",
     r"Other\s+Covered\s+Services"),
    ("sbc_continue_coverage", "Your Rights to Continue Coverage",
     r"Your\s+Rights\s+to\s+Continue\s+Coverage"),
    ("sbc_appeals", "Your Grievance and Appeals Rights",
     r"Your\s+Grievance\s+and\s+Appeals?\s+Rights"),
    ("sbc_mec", "Minimum Essential Coverage", r"Does\s+this\s+plan\s+provide\s+Minimum"),
    ("sbc_language", "Language Access Services", r"Language\s+Access\s+Services"),
    ("sbc_examples", "Coverage Examples",
     r"(About\s+these\s+Coverage\s+Examples|Peg\s+is\s+Having\s+a\s+Baby)"),
)
_SBC_ANCHOR_RE = re.compile(
    r"(?m)^[ \t\u2022\u25cf*]*(?:" + "|".join(f"(?P<a{i}>{a[2]})"
                                             for i, a in enumerate(_SBC_ANCHORS)) + ")",
    re.I,
)
# The ten Common Medical Event rows of the SBC grid (fixed template text); the row a
# passage stands in becomes its section. Keyed by words that survive line wrapping.
SBC_EVENT_NAMES: tuple[tuple[str, str], ...] = (
    # Keys are the first words after "If you": an event cell often wraps after three.
    (r"visit\s+a\b", "If you visit a health care provider's office or clinic"),
    (r"have\s+a\s+test", "If you have a test"),
    (r"need\s+drug", "If you need drugs to treat your illness or condition"),
    (r"have\s+outpatient", "If you have outpatient surgery"),
    (r"need\s+immediate", "If you need immediate medical attention"),
    (r"have\s+a\s+hospital", "If you have a hospital stay"),
    (r"need\s+mental", "If you need mental health, behavioral health, or substance abuse "
                       "services"),
    (r"are\s+pregnant", "If you are pregnant"),
    (r"need\s+help", "If you need help recovering or have other special health needs"),
    (r"needs\s+dental|needs\s+eye", "If your child needs dental or eye care"),
)
_SBC_EVENTS = re.compile(
    r"(?m)^[ \t]*If\s+(?:you|your\s+child)\s+(?:"
    + "|".join(f"(?P<e{i}>{key})" for i, (key, _) in enumerate(SBC_EVENT_NAMES)) + ")",
    re.I,
)

# A table-of-contents line: words, dot leaders, a page number. It names sections; it
# states nothing, so nothing on it is a finding.
_BLANK_LINE = re.compile(r"\n[ \t]*\r?\n")
# An index line may point at several pages: "Breast reconstruction ....... 64-65, 80".
_PAGES = r"\d{1,4}(?:\s*[-\u2013,]\s*\d{1,4})*"
# A back-of-book index entry has no leaders: "Precertification, 22-24", "  breast, 46".
# (the number may be named: "Medical necessity ........ page 12")
_PAGE_WORD = r"(?:(?:page|pages|pg\.?|p\.|pp\.)\s*)?"
_TOC_LINE = re.compile(rf"(?:\.\s?){{4,}}\s*{_PAGE_WORD}{_PAGES}\s*$|"
                       rf"\u2026{{2,}}\s*{_PAGE_WORD}{_PAGES}\s*$|"
                       rf"^[ \t]*[^\W\d_][^\d.;:!?$%\n]{{0,80}},\s*{_PAGES}\s*$|"
                       # a contents list on one line: "Contents: I. Policy Statement | II.
                       # Medical Necessity Criteria | III. Coding"
                       r"^[ \t]*(?i:(?:table\s+of\s+)?contents)\s*:[^\n]*\|[^\n]*$", re.M)

# Cost cells: a line with them is a row of a benefit table, never a heading.
_TABLE_ROW = re.compile(r"\$\s?\d|\d\s?%|\bnot covered\b.*\bnot covered\b|\bno charge\b|"
                        r"\bcopay|\bcoinsurance\b|\bno deductible\b", re.I)
# A "Not covered" cell after another on the line as extracted ("No Deductible  Not covered")
_NOT_COVERED_CELL = re.compile(r"\S(?: {2}|\t)[ \t]*not covered\b", re.I)

MAX_HEADING_CHARS = 100
# A heading set in the body size only counts when it is bold or names a known section.
SIZE_STEP = 1.0  # points above the body size that make a line a heading by size
_LETTERS = re.compile(r"[A-Za-z]")
# A line ending on an article, a conjunction or a possessive runs on into the next line:
# prose, whatever its font ("… send us your request for a review of the"). A capital "A"
# ends headings ("Medicare Part A", "Appendix A"): only a small one runs on.
_DANGLING = re.compile(r"\b((?i:the|an|of|or|and|to|with|by|your|our|their|its|that|which|is|"
                       r"are)|a)\s*$")
_DIGITS = re.compile(r"\d+")


@dataclass(frozen=True)
class Section:
    role: SectionRole
    title: str | None  # what a finding reports as its section
    listed: bool = False  # under a list lead-in ("Not covered:"), whose text is the title


NO_SECTION = Section("none", None)


def _clean(text: str) -> str:
    return " ".join(text.replace("\ufffe", "-").split()).strip(" :.\u2022*")


def _running_lines(pages: list[PageText]) -> set[str]:
    """Lines repeated at the top or bottom of many pages: running headers and footers."""
    counts: Counter[str] = Counter()
    for page in pages:
        edge = page.lines[:3] + page.lines[-3:]
        counts.update({_DIGITS.sub("#", page.text[ln.start:ln.end].strip().lower())
                       for ln in edge})
    threshold = max(3, len(pages) // 4)
    return {text for text, n in counts.items() if n >= threshold} if len(pages) >= 4 else set()


def _body_size(pages: list[PageText]) -> float | None:
    sizes: Counter[float] = Counter()
    for page in pages:
        for ln in page.lines:
            if ln.size:
                sizes[ln.size] += ln.end - ln.start
    return sizes.most_common(1)[0][0] if sizes else None


@dataclass(frozen=True)
class _Heading:
    offset: int
    end: int
    level: float  # larger is more important
    role: SectionRole
    title: str


def _title_like(text: str) -> bool:
    """Title Case or ALL CAPS: most longer words start with a capital."""
    words: list[str] = [w for w in re.findall(r"[A-Za-z][A-Za-z'’]*", text) if len(w) > 3]
    if not words:
        return True
    return sum(w[0].isupper() for w in words) >= 0.6 * len(words)


_BULLET = re.compile(f"[ \t]*[{BULLETS}]")
# The end of a sentence that opens the list under it ("Covered Services and Supplies
# include:"): a lead-in, whose scope ends with its list, not a heading
_OPENS_LIST = re.compile(r"\b(?:include|includes|including|are|is|cover|covers|means|"
                         r"as follows)\s*:\s*$", re.I)
# A section's number or letter before its title: "C.", "IV.", "4.2", "Section 7"
_ONE_LEVEL = r"(?:[A-Z]|[IVX]{1,4}|\d{1,2})[.)]"
_NUMBERED = re.compile(r"\s*(?:" + _ONE_LEVEL + r"|\d{1,2}(?:\.\d{1,2})+\.?"
                       r"|(?:section|part|article)\s+\w{1,4}[.:]?)\s+[A-Z]", re.I)
# The number before a numbered heading's first word ("9.", "4.2", "IV.", "(c)"): the word
# after it is the one that starts with a capital.
_ITEM_NUMBER = re.compile(r"^(?:\d{1,2}(?:\.\d{1,2})*[.)]?|\([a-z\d]{1,3}\)|[IVX]{1,4}\.)\s+")
# A top-level division by its own word and number: "Art. 4", "Article 12", "§ 7", "Chapter
# 3" (not "Art. 4.2", a part of one); or by a number alone before a title in capitals ("9.
# ANALYSIS AND FINDINGS"). Set apart on its own line it is a heading whatever its title
# names, and ends the section before it. (A letter in brackets may follow the number: a
# federal brochure's "Section 5(a). Medical Services and Supplies".)
_DIVISION = re.compile(r"\s*(?:art\.|article|chapter|section|part|§)\s*\d{1,3}[A-Z]?"
                       r"(?:\([a-z]\))?[.:]?(?!\.?\d)\s+[A-Z]", re.I)
_NUMBERED_CAPS = re.compile(r"\s*" + _ONE_LEVEL + r"\s+[^a-z]+$")
# … or a line of three to eight words all in capitals with no comma ("ASKING US TO PAY YOU
# BACK"; not a sentence set in capitals, "IF YOU BELIEVE YOU ARE HAVING AN EMERGENCY, YOU
# SHOULD"; two words, "OUTSIDE REVIEW", are read with the sentence under them)
_CAPS_TITLE = re.compile(r"\s*[A-Z][^a-z,;.]*[A-Z)]\s*$")
_CAPS_TITLE_WORDS = 8
_BLANK_BEFORE = re.compile(r"(?:\A|\n)[ \t]*\r?\n\Z")
# A line of prose starting a paragraph: a capital, then at least fifty characters of words.
_PARAGRAPH_START = re.compile(r"[ \t]*[A-Z][a-z]+ [^\n]{45,}")
_BLANK_AFTER = re.compile(r"[ \t]*(?:\r?\n|\Z)")


def _set_apart(text: str, ln: Line) -> bool:
    """A line with a blank line (or the page's top) above it and a blank line or a list
    item under it stands apart as a heading does: "Excluded drugs and products" in
    sentence case is one too. A line ending in a colon is a list's lead-in ("The
    following are not eligible expenses:" says what its list is in its own words)."""
    line = text[ln.start:ln.end]
    if line.rstrip().endswith(":") or len(line.split()) < 2 or "|" in line \
            or not _blank_above(text, ln):
        return False  # (a pipe table's header row is no heading)
    after = _next_line(text, ln.end)
    # a line over a paragraph heads it ("Services that are not insured" over the sentence
    # that opens its list; "Clinical trials" over a sentence of its own), not a table's
    # lone cell ("Not covered" over the next cell)
    if _PARAGRAPH_START.match(text, after):
        return True
    if len(line.split()) < 3:
        return False
    if _NUMBERED.match(line):
        return True  # "C. Member appeal rights", "4.2 What is not covered"
    return bool(_BLANK_AFTER.match(text, after) or _LIST_MARK.match(text, after))


_SET_APART_WORDS = 11


def _most_words(text: str, division: bool = False) -> int:
    """How many words a heading set in the body font may have: more in capitals ("ASKING
    US TO REVIEW A DECLINED HEALTH OR DENTAL CLAIM"), which prose is not set in, and
    after a division's number ("Art. 4  Conclusion of the contract, duty of disclosure")."""
    return 12 if text.isupper() or division else 8


def _division(text: str, ln: Line) -> bool:
    """A division's heading in a text without fonts: "Art. 4  Premiums" on its own line,
    a blank line (or the page's top) above it, the next line not running on from it."""
    line = text[ln.start:ln.end]
    if not (_DIVISION.match(line) or _NUMBERED_CAPS.match(line)
            or (_CAPS_TITLE.match(line) and 3 <= len(line.split()) <= _CAPS_TITLE_WORDS)):
        return False
    return _blank_above(text, ln) and not _CONTINUED.match(text, _next_line(text, ln.end))


def _blank_above(text: str, ln: Line) -> bool:
    """Is there a blank line (or the page's top) right above the line?"""
    before = text[max(0, ln.start - 200):ln.start]
    return not before.strip() or bool(_BLANK_BEFORE.search(before))


def _label_line(line: str) -> bool:
    """A short title-like line that is not a sentence: a menu's or a contents list's item."""
    words = line.split()
    return 0 < len(words) <= 5 and not line.rstrip().endswith((".", ":", ";", ",")) \
        and _title_like(line)


# Two runs of words far apart on one line: two columns as a text file lays them out
# ("Number: 0419          Policy History", "Not covered:          All charges"); the
# heading is the left one's (a page number may stand apart on the right).
_COLUMN_GAP = re.compile(r"(?<=\S)[ \t]{8,}(?=[A-Za-z])")


def _in_menu(text: str, ln: Line) -> bool:
    """Is the line one of a stack of labels, with one just above and one just below it (a
    web page's printed side menu: "Review History / Definitions / Additional
    Information")? Such a line names a part of the page elsewhere and heads nothing."""
    above_end = text.rfind("\n", 0, ln.start)
    if above_end < 0:
        return False
    above = text[text.rfind("\n", 0, above_end) + 1:above_end]
    below_start = _next_line(text, ln.end)
    below_end = text.find("\n", below_start)
    below = text[below_start:below_end if below_end >= 0 else len(text)]
    return _label_line(above) and _label_line(below)


def _line_heading(page: PageText, ln: Line, body: float | None,
                  running: set[str], words: RoleWords) -> _Heading | None:
    line = page.text[ln.start:ln.end]
    gap = _COLUMN_GAP.search(line.strip()) if "        " in line or "\t" in line else None
    raw = line.strip()[:gap.start()] if gap else line
    text = _clean(raw)
    if not (3 <= len(text) <= MAX_HEADING_CHARS) or _BULLET.match(raw):
        return None  # (a bulleted line is a list's item, a contents list's too)
    ends_sentence = raw.rstrip().rstrip("\"'”’)").endswith((".", ";", ","))
    by_font = False
    level = 0.0
    if body is not None and ln.size:
        if ln.size >= body + SIZE_STEP:
            by_font, level = True, ln.size
        elif ln.bold and ln.size >= body - 0.5:
            by_font, level = True, ln.size - 0.5
    division = not by_font and body is None and _division(page.text, ln)
    title = _ITEM_NUMBER.sub("", text)
    capital = title[:1].isupper()
    # (a section's number is no word of its title: "6.4 Step 2: Appeal to the Regional
    # Complaints Committee" has eight)
    title_words = len(title.split())
    # (first, as most lines are: the tests below read the line again)
    # (a plain-language heading set apart may run longer: "When surgery that changes how
    # you look is covered")
    most = _most_words(text, division)
    if not by_font and most < title_words <= _SET_APART_WORDS and not ends_sentence \
            and capital and _set_apart(page.text, ln):
        most = _SET_APART_WORDS
    if not by_font and (ends_sentence or title_words > most
                        or not capital or ";" in text):
        # body text: neither set as a heading nor shaped like one (a semicolon joins
        # clauses: "… Medically / Necessary; Covered Expenses include:" is a sentence's end)
        return None
    if len(_LETTERS.findall(text)) < 3 or _DIGITS.sub("#", line.strip().lower()) in running:
        return None
    if _TABLE_ROW.search(text) or _NOT_COVERED_CELL.search(raw) or words.is_label(text):
        return None  # a benefit-table row ("… Not covered Not covered", "$30 copay") or label
    if _DANGLING.search(text):
        return None
    role = words.heading_role(text)
    if by_font and (text[:1].islower() or (ends_sentence and (len(text.split()) > 6
                                                            or ln.size == level + 0.5))):
        return None  # a bold sentence or the bold end of one, not a heading
    if by_font and len(text.split()) > 8 and not raw.rstrip().endswith(":") \
            and _CONTINUED.match(page.text, _next_line(page.text, ln.end)):
        return None  # a bold sentence running on into the next line ("… for five | (5) years")
    # A short standalone line naming a known section is a heading whatever its font:
    # text files, and PDFs that set headings in the body font. Lines that continue or
    # end a sentence are prose that happens to contain such words.
    named = (role != "none" and not by_font and title_words <= most
             and not ends_sentence and capital
             and (_title_like(words.without_furniture(text)) or _set_apart(page.text, ln))
             and not _in_menu(page.text, ln) and not _OPENS_LIST.search(raw))
    if not (by_font or named or (division and not _in_menu(page.text, ln))):
        return None
    if not by_font:
        level = (body or 10.0) + 0.25
        if role in ("references", "history"):
            # (a list of other documents' titles, a table of a document's versions, ends
            # where its lines do: without a font to tell, the next heading may be one no
            # role names, "1  Introduction")
            level = LEAD_IN_LEVEL
    if body is None and ln.bold:  # Markdown "#" headings in text files
        level = 30.0 - raw.lstrip().count("#", 0, 6)
    return _Heading(ln.start, ln.end, level, role, text)


class SectionMap:
    """The section at any (page, offset) of a document."""

    def __init__(self, marks: dict[int, list[tuple[int, Section]]],
                 entering: dict[int, Section], breaks: dict[int, list[int]],
                 toc: dict[int, list[tuple[int, int]]]) -> None:
        self._marks = marks
        self._breaks = breaks
        self._toc = toc
        self._offsets = {p: [o for o, _ in m] for p, m in marks.items()}
        self._entering = entering

    def at(self, page: int, offset: int) -> Section:
        offsets = self._offsets.get(page, [])
        k = bisect_right(offsets, offset) - 1
        if k >= 0:
            return self._marks[page][k][1]
        return self._entering.get(page, NO_SECTION)

    def in_toc(self, page: int, offset: int) -> bool:
        return any(s <= offset < e for s, e in self._toc.get(page, ()))

    def breaks(self, page: int) -> list[int]:
        """Page-text offsets where a heading line starts or ends: text never runs on
        across them, whatever the punctuation."""
        return self._breaks.get(page, [])

    def headings(self) -> list[tuple[int, int, Section]]:
        return [(p, o, s) for p, marks in sorted(self._marks.items()) for o, s in marks]


# Notices whose sub-sections ("Complaints", "Your rights") keep the notice's role: a
# complaint under a privacy notice is a privacy complaint, never a claim appeal.
_NOTICE_ROLES = ("civil_rights", "privacy")


def _effective(stack: list[_Heading | Section]) -> Section:
    """The innermost heading with a role gives the role (a notice's own role wins over
    its sub-sections'); its title names the section."""
    notice = next((item for item in stack if item.role in _NOTICE_ROLES), None)
    if notice is not None:
        inner = stack[-1]
        return Section(notice.role, inner.title if isinstance(inner, _Heading) else notice.title)
    for item in reversed(stack):
        if isinstance(item, Section):
            if item.role != "none":
                return item
        elif item.role != "none":
            return Section(item.role, item.title, listed=item.level == LEAD_IN_LEVEL)
    for item in reversed(stack):
        if isinstance(item, _Heading):
            return Section("none", item.title)
    return NO_SECTION


# A parenthesis after the colon ("Not covered: (see also Section 7) (cont.)") is an aside.
_LEAD_IN_END = re.compile(r"(?::(?:\s*\([^()]*\))*|\bthe following|\bfollowing services)\s*$",
                          re.I)
_ASIDE = re.compile(r"\([^()]*\)")
# A sentence that points at the list under it ("The services below are not covered.")
# opens it too, when a list item follows.
_POINTS_DOWN = re.compile(r"\b(?:below|following|listed|these|as follows)\b[^.]*\.\s*$", re.I)
# Used with .match(text, pos), which anchors at pos ("^" would not match there).
_LIST_MARK = re.compile(r"[ \t]*(?:[\u2022\u25cf\u25aa\u25e6\u25a0\uf0b7\uf0a7*\-\u2013]|"
                        r"\(?[a-z0-9]{1,3}[.)])\s", re.I)
_CONTINUED = re.compile(r"[ \t]*[a-z(]")
# A lead-in that points back ("These include, but are not limited to:", "Such services
# are:"), and where the sentence it points back to starts (after the last sentence end).
_POINTS_BACK = re.compile(r"(?:^|(?<=[.;]\s)|(?<=\n))\s*(?:these|such|they|those)\b[^.;:]*:\s*$",
                          re.I)
_SENTENCE_START = re.compile(r"(?s:.*)(?:[.;:!?]\s+|\n\s*\n)")
LEAD_IN_LEVEL = -1.0  # below every heading: the next heading of any size ends its scope
MAX_LEAD_IN_WORDS = 16
_SENTENCE_END = re.compile(r"[.:;!?]\s*$")
_INNER_END = re.compile(r"[.;!?]\s+(?=[A-Z])")


def _next_line(text: str, end: int) -> int:
    """Where the line after the one ending at ``end`` starts (past a CR LF or an LF)."""
    for br in ("\r\n", "\n"):
        if text.startswith(br, end):
            return end + len(br)
    return end


def _lead_in(page: PageText, ln: Line, words: RoleWords,
             prev: Line | None = None) -> _Heading | None:
    """A line that opens a list and says what the list is ("Not covered:", "We do not
    cover the following:"): its role carries to the items under it. A lead-in set on two
    lines ("… are considered investigational," / "including but not limited to:") is
    read whole."""
    raw = page.text[ln.start:ln.end]
    if not _LEAD_IN_END.search(raw.rstrip()) and not (
            _POINTS_DOWN.search(raw.rstrip())
            and _LIST_MARK.match(page.text, _next_line(page.text, ln.end))):
        return None
    # (where the words that say what the list is start, how many there may be, and where
    # the lead-in's title starts)
    starts = [(ln.start, MAX_LEAD_IN_WORDS, ln.start)]
    if prev is not None and not _SENTENCE_END.search(page.text, prev.start, prev.end):
        # (from where its sentence starts on that line: "… benefit plans. Examples
        # include, but are not" / "limited to:" opens with "Examples")
        ends = list(_INNER_END.finditer(page.text, prev.start, prev.end))
        opens = ends[-1].end() if ends else prev.start
        starts.append((opens, MAX_LEAD_IN_WORDS + MAX_LEAD_IN_WORDS // 2, opens))
    back = _POINTS_BACK.search(page.text, max(0, ln.end - 200), ln.end)
    if back:
        # "X is investigational for any other use. These uses include:" says what the
        # list is in the sentence before it
        ended = len(page.text[:back.start()].rstrip()) - 1  # the sentence before ends here
        begun = _SENTENCE_START.search(page.text, max(0, ended - 400), ended)
        starts.append((begun.end() if begun else max(0, ended - 400), 3 * MAX_LEAD_IN_WORDS,
                       back.start()))
    for start, most, title in starts:
        text = _clean(page.text[start:ln.end])
        if len(_ASIDE.sub("", text).split()) > most:
            continue
        role = words.lead_in_role(text)
        if role != "none":
            return _Heading(_sentence_begun(page.text, title, ln.end), ln.end, LEAD_IN_LEVEL,
                            role, _clean(page.text[title:ln.end]).strip())
    return None


def _sentence_begun(text: str, at: int, end: int) -> int:
    """Where the lead-in's sentence starts: one read from a line that goes on with the
    sentence above ("X is considered cosmetic," / "and therefore not covered, …
    including:") scopes from there, so the sentence is never cut in two (one whose line
    ends another sentence first, "… from them. This exclusion does not apply to:", is read
    from its line)."""
    if _INNER_END.search(text, at, end):
        return at
    before = text[max(0, at - 400):at]
    if not before.strip() or _SENTENCE_END.search(before) or before.rstrip(" ").endswith("\n\n"):
        return at
    begun = _SENTENCE_START.search(before)
    if begun:
        return at - len(before) + begun.end()
    return 0 if at <= 400 else at  # (the page's top opens it)


def build_sections(doc: SourceDocument, kind: str,
                   words: RoleWords = NO_ROLE_WORDS) -> SectionMap:
    pages = [p for p in doc.pages if p.usable]
    # The SBC template's sections replace all others only in an SBC; elsewhere (a
    # certificate that copies the SBC's lists, a comparison) the list headings are
    # ordinary headings among the document's own.
    sbc = kind == "sbc"
    body = _body_size(pages)
    running = _running_lines(pages)
    stack: list[_Heading] = []
    sbc_section: Section | None = None
    marks: dict[int, list[tuple[int, Section]]] = {}
    entering: dict[int, Section] = {}
    breaks: dict[int, list[int]] = {}
    toc: dict[int, list[tuple[int, int]]] = {}
    lead_in_page = 0  # a list's lead-in reaches at most to the end of the next page

    for page in doc.pages:
        if not page.usable:
            continue
        if stack and stack[-1].level == LEAD_IN_LEVEL and page.number > lead_in_page + 1:
            stack.pop()
        current = _effective([*stack, *([sbc_section] if sbc_section else [])])
        entering[page.number] = current
        events: list[tuple[int, str, object]] = []
        page_breaks: list[int] = []
        toc_lines = [(ln.start, ln.end) for ln in page.lines
                     if _TOC_LINE.search(page.text, ln.start, ln.end)]
        if toc_lines:
            toc[page.number] = toc_lines
        prev: Line | None = None
        for ln in page.lines:
            if toc_lines and any(s <= ln.start < e for s, e in toc_lines):
                continue
            above, prev = prev, ln
            h = _line_heading(page, ln, body, running, words)
            if h is not None and kind == "glossary":
                # A glossary's headings are the terms it defines ("Appeal", "Excluded
                # Services"): definitions, whatever the words.
                h = _Heading(h.offset, h.end, h.level, "definitions", h.title)
            if h is None and not sbc and kind != "glossary":
                h = _lead_in(page, ln, words, above)
            if h is not None:
                events.append((h.offset, "heading", h))
                page_breaks.extend((h.offset, h.end))
                prev = None  # a lead-in's first line is prose, never a heading
        for m in _SBC_ANCHOR_RE.finditer(page.text):
            i = next(int(k[1:]) for k, v in m.groupdict().items() if v)
            role, title, _ = _SBC_ANCHORS[i]
            if sbc:
                events.append((m.start(), "sbc", Section(role, title)))
            elif role in ("sbc_not_covered", "sbc_other_covered"):
                # The two lists keep their meaning wherever they are copied.
                events.append((m.start(), "heading",
                               _Heading(m.start(), m.end(), (body or 10.0) + 0.25, role, title)))
            else:
                continue
            page_breaks.append(m.start())
        if sbc:
            for m in _SBC_EVENTS.finditer(page.text):
                i = next(int(k[1:]) for k, v in m.groupdict().items() if v)
                events.append((m.start(), "sbc", Section("sbc_grid", SBC_EVENT_NAMES[i][1])))
        events.sort(key=lambda e: (e[0], e[1] != "sbc"))
        page_marks: list[tuple[int, Section]] = []
        blank_lines = [m.start() for m in _BLANK_LINE.finditer(page.text)]
        list_ends = [m.start() for m in _BLANK_LINE.finditer(page.text)
                     if not _LIST_MARK.match(page.text, m.end())
                     and not _introduces_list(page.text, m.end())]
        for offset, what, item in _with_list_ends(events, list_ends):
            if what == "sbc":
                assert isinstance(item, Section)
                if (item.title == "Common Medical Event" and sbc_section is not None
                        and sbc_section.role == "sbc_grid"):
                    continue  # the grid's header repeated on a new page: the row goes on
                sbc_section = item
                stack.clear()  # template sections are flat: one replaces the last
            elif what == "end":
                if not (stack and stack[-1].level == LEAD_IN_LEVEL):
                    continue
                stack.pop()
            else:
                assert isinstance(item, _Heading)
                if sbc and item.role not in ("civil_rights", "privacy"):
                    # In an SBC the template anchors are the sections; bold grid cells
                    # ("Not Covered") are not. Only notices appended after the template
                    # (nondiscrimination, privacy) bring headings of their own.
                    continue
                while stack and stack[-1].level <= item.level:
                    stack.pop()
                stack.append(item)
                if item.level == LEAD_IN_LEVEL:
                    lead_in_page = page.number
                if sbc and item.role != "none":
                    sbc_section = None
            section = _effective([*([sbc_section] if sbc_section else []), *stack])
            if page_marks and page_marks[-1][0] == offset:
                page_marks[-1] = (offset, section)
            else:
                page_marks.append((offset, section))
        if page_marks:
            marks[page.number] = page_marks
        # A blank line ends a paragraph (text files have them; PDF text rarely does).
        page_breaks.extend(blank_lines)
        if page_breaks:
            breaks[page.number] = sorted(set(page_breaks))
    return SectionMap(marks, entering, breaks, toc)


def _introduces_list(text: str, start: int) -> bool:
    """Is the paragraph at ``start`` one sentence pointing at the list right under it ("We
    considered every item listed below.", "These are the records:")? A list's scope goes
    on over it."""
    gap = _BLANK_LINE.search(text, start)
    if gap is None or not _LIST_MARK.match(text, gap.end()):
        return False
    paragraph = text[start:gap.start()]
    return len(paragraph) <= 400 and bool(_POINTS_DOWN.search(paragraph)
                                          or paragraph.rstrip().endswith(":"))


def _with_list_ends(events: list[tuple[int, str, object]],
                    blank_lines: list[int]) -> list[tuple[int, str, object]]:
    """The page's events with an "end" at each blank line that no list item follows: it
    ends a list that a lead-in opened (headings end it too, by their level)."""
    if not blank_lines:
        return events
    out = [*events, *((b, "end", None) for b in blank_lines)]
    out.sort(key=lambda e: (e[0], e[1] != "sbc"))
    return out
