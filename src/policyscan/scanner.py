"""The pipeline: document → pages → hits → findings → facts → ``DocumentReport``.

``Scanner`` is built once per process (the spaCy pipeline and matchers are the costly
part) and scans any number of documents. One document's failure becomes that document's
``status: failed`` report; it never escapes to stop a batch.
"""

from __future__ import annotations

import re
import time
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import replace
from itertools import islice
from pathlib import Path

from . import startup
from .candidates import Candidate, NegativeEvidence, is_negative, merge, score_hit
from .case import apply_case
from .classify import classify
from .errors import DocumentError
from .extract import PageText, SourceDocument, open_document
from .extract.normalize import NormalizedText, normalize
from .facts import compute_facts
from .logo import beside_logo
from .match import RawHit, TextAnalysis
from .match.context import NOT_PLAN_TERMS, HitContext, find_negation, weigh_context
from .match.deadline import read_deadline
from .match.filters import get_filter
from .match.fuzzy import FuzzyMatcher, FuzzyPhrase
from .match.word_repairs import WordRepairs
from .match.words import WordLists
from .models import Box, DocumentReport, Finding, PlanInfo, ScanError
from .options import ScanOptions
from .plan import read_plan_info
from .quotes import column_row, context_of, quote_span
from .regime import regime_of
from .rules.loader import RuleSet
from .rules.schema import Rule
from .structure import RoleWords, SectionMap, build_sections

# Findings kept per page. A dense real page (an SBC grid, a code list) has a few hundred at
# most; a page that is one sentence repeated a hundred thousand times would otherwise cost
# minutes and gigabytes, and its readers would learn nothing from the rest.
MAX_FINDINGS_PER_PAGE = 1000
# Items of a list a quote may take in (quotes.py caps them by length too).
MAX_LIST_ITEMS = 12
# Words a list item needs to name a service ("Tongue base suspension"), not a label.
MIN_ITEM_WORDS = 3
_ITEM_WORD = re.compile(r"[A-Za-z]{2,}")
# How far back the sentences leading into a hit's sentence may reach.
LEAD_CHARS = 400
FOLLOW_CHARS = 120  # a verdict after the hit's sentence is short ("We don't cover it.")


def _row_of(page: PageText, norm: NormalizedText, start: int, end: int) -> tuple[int, int] | None:
    """The row of a table laid out in columns that holds ``start:end`` (normalised
    offsets), in normalised offsets."""
    row = column_row(page.text, norm.to_raw(start))
    if row is None:
        return None
    lo, hi = norm.to_norm(row[0]), norm.to_norm(row[1])
    return (lo, hi) if lo <= start and end <= hi else None


def _lead_start(sentences: Sequence[tuple[int, int]], k: int, sections: SectionMap,
                page: int, norm: NormalizedText, section: object) -> int | None:
    """Where the paragraph leading into sentence ``k`` starts: up to two sentences before
    it, within ``LEAD_CHARS`` and in the same section."""
    start = None
    for j in (k - 1, k - 2):
        if j < 0 or sentences[k][0] - sentences[j][0] > LEAD_CHARS:
            break
        if sections.at(page, norm.to_raw(sentences[j][0])) != section:
            break
        start = sentences[j][0]
    return start


def _follow_end(sentences: Sequence[tuple[int, int]], k: int, sections: SectionMap,
                page: int, norm: NormalizedText, section: object) -> int | None:
    """Where the sentence after sentence ``k`` ends, when it is short and in the same
    paragraph and section (no blank line between): a verdict on what ``k`` named."""
    if k < 0 or k + 1 >= len(sentences):
        return None
    (_, end), (start, stop) = sentences[k], sentences[k + 1]
    if stop - start > FOLLOW_CHARS or "\n\n" in norm.text[end:start] \
            or sections.at(page, norm.to_raw(start)) != section:
        return None
    return stop


def _split_sentences(analysis: TextAnalysis, cuts: list[int]) -> TextAnalysis:
    """Cut sentences at heading lines: a heading has no full stop, yet ends a sentence."""
    if not cuts:
        return analysis
    out: list[tuple[int, int]] = []
    k = 0
    for s, e in analysis.sentences:
        while k < len(cuts) and cuts[k] <= s:
            k += 1
        j = k
        while j < len(cuts) and cuts[j] < e:
            if cuts[j] > s:
                out.append((s, cuts[j]))
                s = cuts[j]
            j += 1
        out.append((s, e))
    return TextAnalysis(analysis.hits, out)


def _union(boxes: list[Box]) -> Box | None:
    if not boxes:
        return None
    return (min(b[0] for b in boxes), min(b[1] for b in boxes),
            max(b[2] for b in boxes), max(b[3] for b in boxes))


def _needs_ocr_message(doc: SourceDocument) -> str:
    """Why a PDF without usable text could not be scanned, and what would read it."""
    what = "no page has a usable text layer (scanned images or a broken font map)"
    note = doc.ocr_note or ""
    if note == "ran":
        return f"{what}, and OCR found no readable text on them either"
    if note.startswith("unavailable: "):
        return f"{what}; OCR could not run: {note.removeprefix('unavailable: ')}"
    from .extract.ocr import INSTALL_HINT, unavailable

    if unavailable() is None:
        return f"{what}; OCR it to scan it: run with --ocr on"
    return f"{what}; OCR it to scan it ({INSTALL_HINT}; then run with --ocr on)"


def _method_text(hit: RawHit) -> str:
    if hit.method == "phrase":
        return f"phrase '{hit.detail}'"
    if hit.method == "token":
        return f"token {hit.detail}"
    if hit.method == "item":
        return f"an item {hit.detail}"
    return f"fuzzy {hit.detail}"


class Scanner:
    """Scans documents with one rule set; reuse it for many documents."""

    def __init__(self, rules: RuleSet, options: ScanOptions | None = None) -> None:
        self.rules = rules
        self.options = options or ScanOptions()
        self._by_id = rules.by_id()
        self._role_words = RoleWords.from_vocabulary(rules.vocabulary)
        self._words = WordLists(rules.vocabulary)
        self._item_rules = [r for r in rules.rules if r.list_items]
        self._spacy: object | None = None
        self._repairs: WordRepairs | None = None
        # When a list, every rejected hit is recorded here as (page, rule, text, reason):
        # the answer to "why was this not found?".
        self.trace: list[tuple[int, str, str, str]] | None = None
        # False-positive rules left out of the weighing (a rule's own examples show what
        # the scan gives without it).
        self.ignore_rules: frozenset[str] = frozenset()
        self._fuzzy = FuzzyMatcher([FuzzyPhrase(r.id, p, r.fuzzy_threshold)
                                    for r in rules.rules for p in r.fuzzy])

    @property
    def matchers(self):  # type: ignore[no-untyped-def]
        """The spaCy matchers, built on first use (importing spaCy costs ~0.6 s)."""
        if self._spacy is None:
            from .match.nlp import SpacyMatchers

            self._spacy = SpacyMatchers(self.rules.rules,
                                        self.rules.vocabulary.get("abbreviations", ()))
            startup.resume()  # start-up is over: what it built stays
        return self._spacy

    @property
    def word_repairs(self) -> WordRepairs:
        """Words read again for matching (OCR's misreadings, hyphenated compounds), against
        the words of this scanner's pattern data."""
        if self._repairs is None:
            self._repairs = WordRepairs.from_rules(self.rules.rules, self.rules.vocabulary)
        return self._repairs

    # -- entry points -------------------------------------------------------------------

    def scan(self, path: str | Path) -> DocumentReport:
        """Scan one file. Never raises for a bad file: the report says what went wrong."""
        started = time.perf_counter()
        name = str(path)
        try:
            with open_document(path, engine=self.options.engine,
                               password=self.options.password,
                               max_pages=self.options.max_pages,
                               max_bytes=self.options.max_bytes,
                               ocr=self.options.ocr) as doc:
                try:
                    report = self.scan_document(doc)
                except (DocumentError, MemoryError):
                    raise
                except Exception as exc:
                    # The file was read; what failed is policyscan, not the document.
                    if self.options.debug:
                        raise
                    report = DocumentReport.failed(name, ScanError(
                        "internal", f"policyscan failed on {name} after reading it "
                        f"({type(exc).__name__}: {exc}); this is a bug in policyscan, not "
                        "in the file: please report it (--debug shows the traceback)"))
        except DocumentError as exc:
            report = DocumentReport.failed(name, ScanError(exc.type, exc.message))
        except MemoryError:
            report = DocumentReport.failed(name, ScanError(
                "too_large", f"{name} needs more memory than is available; try --max-pages"))
        except Exception as exc:  # one file's failure must not end a batch
            if self.options.debug:
                raise
            report = DocumentReport.failed(name, ScanError(
                "corrupt", f"{name} could not be scanned ({type(exc).__name__}: {exc}); "
                "run with --debug for the traceback"))
        return replace(report, seconds=time.perf_counter() - started)

    def scan_text(self, text: str, name: str = "<text>") -> DocumentReport:
        """Scan a string as a text document (form feeds separate pages)."""
        from .extract.sniff import FileType
        from .extract.textfile import read_text_document

        doc = read_text_document(name, text.encode("utf-8"), "", FileType("text"))
        return self.scan_document(doc)

    # -- the pipeline -------------------------------------------------------------------

    def scan_document(self, doc: SourceDocument) -> DocumentReport:
        decision = classify(doc, self.rules.kind_signals or None)
        kind = decision.kind
        warnings = self._page_warnings(doc)
        usable = [p for p in doc.pages if p.usable]
        base = DocumentReport(path=doc.path, sha256=doc.sha256 or None, status="ok", error=None,
                              kind=kind, pages=doc.page_count, plan=PlanInfo(),
                              facts=compute_facts(kind, []), findings=(),
                              warnings=tuple(warnings))
        if doc.page_count > len(doc.pages):
            warnings.append(f"only the first {len(doc.pages)} of {doc.page_count} pages were "
                            "scanned (--max-pages)")
        if not usable:
            if doc.file_type.kind == "pdf":
                facts = compute_facts(kind, []) if kind == "form" else base.facts.unknown()
                return replace(base, status="needs_ocr", facts=facts, warnings=tuple(warnings),
                               error=ScanError("unreadable", _needs_ocr_message(doc)))
            return replace(base, warnings=tuple(warnings))
        sections = build_sections(doc, kind, self._role_words)
        structure = None
        if kind == "sbc":
            from .sbc import read_sbc

            structure = read_sbc(doc, sections)
        findings = self._find(doc, usable, sections, kind,
                              structure.breaks if structure is not None else {}, warnings)
        sbc = None
        if structure is not None:
            from .sbc import summarize

            findings, sbc = summarize(structure, findings)
        facts = compute_facts(kind, findings, decision.confidence, self._words)
        logo = beside_logo(doc) if kind == "sbc" else []
        report = replace(base, findings=tuple(findings), facts=facts,
                         plan=read_plan_info(usable, kind, logo), warnings=tuple(warnings),
                         sbc=sbc,
                         regime=regime_of(kind, {p.number: p.text for p in usable}))
        if kind == "denial_notice":
            from .denial import read_denial

            report = replace(report, denial=read_denial({p.number: p.text for p in usable},
                                                        findings))
        if self.options.case:
            report = apply_case(report, {p.number: p.text for p in usable}, self.options.case)
        return report

    @staticmethod
    def _page_warnings(doc: SourceDocument) -> list[str]:
        out: list[str] = []
        for problem, what in (("no_text", "no text layer (an image?)"),
                              ("garbled", "unreadable text (a broken font map)")):
            pages = [p.number for p in doc.pages if p.problem == problem]
            if pages:
                listed = ", ".join(map(str, pages[:20])) + (" …" if len(pages) > 20 else "")
                out.append(f"page{'s' if len(pages) > 1 else ''} {listed}: {what}; not "
                           "scanned. OCR the document to include "
                           f"{'them' if len(pages) > 1 else 'it'}")
        read = [p.number for p in doc.pages if p.ocr]
        if read:
            listed = ", ".join(map(str, read[:20])) + (" …" if len(read) > 20 else "")
            out.append(f"page{'s' if len(read) > 1 else ''} {listed}: text from OCR")
        note = doc.metadata.get("encoding_note")
        if note:
            out.append(f"text file {note}")
        return out

    def _find(self, doc: SourceDocument, pages: list[PageText], sections: SectionMap,
              kind: str, cell_breaks: dict[int, list[int]],
              warnings: list[str]) -> list[Finding]:
        norms = [normalize(p.marked, self.word_repairs) for p in pages]
        analyses: list[TextAnalysis] = self.matchers.analyse(n.text for n in norms)
        findings: list[Finding] = []
        said: list[tuple[int, str]] = []
        # Last page first: a long document's reader keeps its last pages open, and each
        # finding's boxes need its page (reopening one costs more than matching it).
        for page, norm, analysis in reversed(list(zip(pages, norms, analyses, strict=True))):
            cuts = sorted({norm.to_norm(o) for o in (*sections.breaks(page.number),
                                                       *cell_breaks.get(page.number, ()))})
            analysis = _split_sentences(analysis, cuts)
            hits = self._with_fuzzy(norm.text, analysis)
            hits.extend(self._list_items(page, norm, sections))
            # Candidates beyond a few per finding kept only cost time: passages merge, but
            # rarely more than three rules into one.
            candidates = self._candidates(page, norm, analysis, hits, sections, kind,
                                          limit=4 * MAX_FINDINGS_PER_PAGE)
            starts = [s for s, _ in analysis.sentences]
            merged = sorted(merge(candidates), key=lambda c: c.start)
            for cand in merged[:MAX_FINDINGS_PER_PAGE]:
                context = context_of(norm, cand.start, cand.end, analysis.sentences, starts,
                                     _row_of(page, norm, cand.start, cand.end)
                                     if cand.deadline is not None else None)
                findings.append(self._finding(doc, page, norm, cand, context))
            room = max(0, MAX_FINDINGS_PER_PAGE - len(merged))
            codes, more_codes = self._codes(doc, page, norm, analysis.sentences, starts, room)
            findings.extend(codes)
            found = len(merged) + len(codes) + more_codes
            capped = len(candidates) >= 4 * MAX_FINDINGS_PER_PAGE
            # Counts said are counts made: when weighing stopped early, the findings are
            # "at least" so many, and the raw matches are the real number.
            if found > MAX_FINDINGS_PER_PAGE:
                said.append((page.number, f"page {page.number}: {'at least ' if capped else ''}"
                                          f"{found:,} matches; only the first "
                                          f"{MAX_FINDINGS_PER_PAGE:,} are reported"))
            elif capped:
                said.append((page.number, f"page {page.number}: {len(hits):,} raw matches; "
                                          f"only the first {len(candidates):,} were weighed, "
                                          f"giving {found:,} finding{'' if found == 1 else 's'}"))
        warnings.extend(w for _, w in sorted(said))
        findings.sort(key=lambda f: (f.page, f.start, f.category))
        return findings

    def _list_items(self, page: PageText, norm: NormalizedText,
                    sections: SectionMap) -> list[RawHit]:
        """Hits of ``list_items`` rules: each item line under a list lead-in of their roles
        (a service name under "The following are investigational:" has no trigger word)."""
        if not self._item_rules:
            return []
        headings = set(sections.breaks(page.number))
        out: list[RawHit] = []
        for ln in page.lines:
            section = sections.at(page.number, ln.start)
            if not section.listed or ln.start in headings:
                continue  # not under a lead-in, or the lead-in (a heading) itself
            if len(_ITEM_WORD.findall(page.text, ln.start, ln.end)) < MIN_ITEM_WORDS:
                continue  # a column label ("CPT") or a code alone names no service
            start, end = norm.to_norm(ln.start), norm.to_norm(ln.end)
            for rule in self._item_rules:
                if section.role in rule.list_items and end > start:
                    out.append(RawHit(rule.id, start, end, "item",
                                      f"under '{section.title}'"))
        return out

    def _with_fuzzy(self, text: str, analysis: TextAnalysis) -> list[RawHit]:
        hits = list(analysis.hits)
        if not self._fuzzy.phrases:
            return hits
        exact = {(h.rule, h.start // 40) for h in hits}
        # Per rule, hit starts in order and the furthest end reached so far: a fuzzy hit
        # overlaps one when a hit starting before its end reaches past its start (a
        # lookup, not a pass over every hit: a hostile page can hold a million hits).
        spans: dict[str, tuple[list[int], list[int]]] = {}
        for h in sorted(hits, key=lambda h: h.start):
            starts, reach = spans.setdefault(h.rule, ([], []))
            starts.append(h.start)
            reach.append(max(h.end, reach[-1]) if reach else h.end)
        # Fuzzy hits taken so far, per rule: disjoint, so kept sorted their ends are too.
        taken: dict[str, tuple[list[int], list[int]]] = {}
        for fh in self._fuzzy.find(text, analysis.sentences):
            starts, reach = spans.get(fh.rule, ([], []))
            k = bisect_left(starts, fh.end)
            t_starts, t_ends = taken.setdefault(fh.rule, ([], []))
            j = bisect_left(t_starts, fh.end)
            overlaps = (k > 0 and reach[k - 1] > fh.start) or (j > 0 and
                                                                 t_ends[j - 1] > fh.start)
            if not overlaps and (fh.rule, fh.start // 40) not in exact:
                hits.append(fh)
                t_starts.insert(j, fh.start)
                t_ends.insert(j, fh.end)
        return hits

    def _candidates(self, page: PageText, norm: NormalizedText, analysis: TextAnalysis,
                    hits: list[RawHit], sections: SectionMap, kind: str,
                    limit: int) -> list[Candidate]:
        """Hits that pass their rule's context, filters and deadline reading, in page
        order, at most ``limit`` of them."""
        starts = [s for s, _ in analysis.sentences]
        # A sentence's lead-in and follower, by sentence and section: a sentence often
        # holds several hits.
        around: dict[tuple[int, int], tuple[int | None, int | None]] = {}

        def context(hit: RawHit) -> HitContext | None:
            raw_start = norm.to_raw(hit.start)
            if sections.in_toc(page.number, raw_start):
                return None  # a table-of-contents line names a section; it states nothing
            k = bisect_right(starts, hit.start) - 1
            sentence = analysis.sentences[k] if k >= 0 else (0, 0)
            section = sections.at(page.number, raw_start)
            key = (k, id(section))
            if key not in around:
                around[key] = (
                    _lead_start(analysis.sentences, k, sections, page.number, norm, section)
                    if k > 0 else None,
                    _follow_end(analysis.sentences, k, sections, page.number, norm, section))
            lead, follow = around[key]
            return HitContext(kind, page.number, norm.text, hit.start, hit.end, sentence,
                              section, lead, self._words, follow, page.text, raw_start)

        ordered = sorted(hits, key=lambda h: h.start)
        against = NegativeEvidence()
        negatives = (h for h in ordered if is_negative(self._by_id[h.rule]))
        for hit in islice(negatives, limit):
            rule = self._by_id[hit.rule]
            ctx = context(hit)
            if ctx is not None and score_hit(rule, hit, weigh_context(
                    ctx, rule.context).adjust) >= self.rules.threshold(rule.category):
                against.add(rule, hit, ctx.sentence, norm.text)
        out: list[Candidate] = []
        for hit in ordered:
            if len(out) >= limit:
                break
            rule = self._by_id[hit.rule]
            ctx = None if is_negative(rule) else context(hit)
            if ctx is None:
                continue
            sentence, section = ctx.sentence, ctx.section
            k = bisect_right(starts, hit.start) - 1
            evidence = weigh_context(ctx, rule.context)
            threshold = (self.options.min_score if self.options.min_score is not None
                         else self.rules.threshold(rule.category))
            at_best = score_hit(rule, hit, evidence.adjust)
            if at_best < threshold:
                # Nothing below can raise a score: a hit its context already leaves short
                # is not put through the filters and the deadline reading (most hits).
                self._reject_score(ctx, rule, at_best, threshold, evidence.reasons)
                continue
            dropped = next((r for r in (get_filter(name)(ctx) for name in rule.unless) if r),
                           None)
            if dropped:
                self._reject(ctx, rule, dropped)
                continue
            reasons = evidence.reasons
            penalty, why_not = against.weigh(rule.category, hit, sentence, self.ignore_rules)
            reasons.extend(why_not)
            deadline = None
            if rule.extract == "deadline":
                reading = read_deadline(ctx)
                if reading.deadline is None:
                    self._reject(ctx, rule, reading.reason)
                    continue
                deadline = reading.deadline
                reasons.append(reading.reason)
            negation = find_negation(ctx, rule.negated_by)
            if negation:
                reasons.append(f"negated by '{negation.group(0)}'")
            score = score_hit(rule, hit, evidence.adjust + penalty)
            if score < threshold:
                self._reject_score(ctx, rule, score, threshold, reasons)
                continue
            # (a limit in a table of limits laid out in columns is its row's)
            row = _row_of(page, norm, hit.start, hit.end) if deadline is not None else None
            if row is not None:
                qs, qe = quote_span(norm.text, row, hit, rule.quote)
            else:
                qs, qe = quote_span(norm.text, sentence, hit, rule.quote,
                                    analysis.sentences[k + 1:k + 1 + MAX_LIST_ITEMS])
            if (kind == "glossary" or section.role == "definitions") and \
                    len(norm.text[qs:qe].split()) <= len(hit.detail.split()) + 1:
                # A defined term standing alone: quote it with its definition.
                k = bisect_left(starts, qe)
                if k < len(analysis.sentences):
                    qe = quote_span(norm.text, analysis.sentences[k], hit, rule.quote)[1]
            out.append(Candidate(rule, page.number, qs, qe, hit, score, reasons,
                                  negation is not None, deadline, section.title, [],
                                  section.role))
        return out

    def _reject(self, ctx: HitContext, rule: Rule, reason: str) -> None:
        if self.trace is not None:
            self.trace.append((ctx.page, rule.id, ctx.window("sentence")[:200], reason))

    def _reject_score(self, ctx: HitContext, rule: Rule, score: float, threshold: float,
                      reasons: list[str]) -> None:
        # (formatted only when traced: most hits are rejected)
        if self.trace is not None:
            self._reject(ctx, rule, f"score {score:.2f} below {threshold:.2f}: "
                         + "; ".join(reasons))

    @staticmethod
    def _codes(doc: SourceDocument, page: PageText, norm: NormalizedText,
               sentences: Sequence[tuple[int, int]], starts: list[int],
               limit: int) -> tuple[list[Finding], int]:
        """Procedure and diagnosis codes of the curated table (category ``code``): the
        first ``limit`` as findings, and how many more there were."""
        from .codes import find_codes

        hits = find_codes(page.text)
        out: list[Finding] = []
        for hit in hits[:limit]:
            entry = hit.entry
            boxes = doc.boxes(page.number, hit.start, hit.end)
            why = (f"{hit.system} {hit.code}: {entry.descriptor} (curated table"
                   f"{'; sources ' + ', '.join(entry.sources) if entry.sources else ''})")
            if hit.signal:
                why += f"; a {hit.signal} signal"
            if not entry.verified:
                why += "; UNVERIFIED"
            ns, ne = norm.to_norm(hit.start), norm.to_norm(hit.end)
            out.append(Finding(
                category="code", rule=f"code.{hit.system.lower()}", page=page.number,
                quote=page.text[hit.start:hit.end],
                context=context_of(norm, ns, ne, sentences, starts), section=None,
                start=hit.start, end=hit.end, bbox=_union(boxes), score=1.0 if hit.context_ok
                else 0.8, method="code", negated=False, explanation=why,
                trigger_start=hit.start, trigger_end=hit.end, boxes=tuple(boxes),
                plan_term=False))
        return out, max(0, len(hits) - limit)

    def _finding(self, doc: SourceDocument, page: PageText, norm: NormalizedText,
                 c: Candidate, context: str) -> Finding:
        rs, re_ = norm.span_to_raw(c.start, c.end)
        ts, te = norm.span_to_raw(c.hit.start, c.hit.end)
        boxes = doc.boxes(page.number, rs, re_)
        explanation = "; ".join([_method_text(c.hit), *c.reasons])
        if c.also:
            explanation += f"; also matched {', '.join(c.also)}"
        return Finding(
            category=c.rule.category, rule=c.rule.id, page=page.number,
            quote=page.text[rs:re_], context=context,
            section=c.section_title, start=rs, end=re_, bbox=_union(boxes),
            score=c.score, method=c.hit.method, negated=c.negated,
            explanation=explanation, deadline=c.deadline, trigger_start=ts, trigger_end=te,
            boxes=tuple(boxes), also=tuple(c.also),
            plan_term=c.rule.facts and c.section_role not in NOT_PLAN_TERMS,
        )
