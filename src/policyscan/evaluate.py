"""Score policyscan reports against gold files: the engine behind ``policyscan eval``.

The rules are the ones in ``shared/docs/gold-format.md``; this module is their executable form.
It reads report *dicts* (one per document, the shape of ``report-format.md``), never the
scanner's internals, so a saved JSON report scores exactly like a fresh scan and the scorer
cannot drift with the matcher's data structures.

Scoring, per gold document:

- facts: every non-null gold fact must equal the report's fact (booleans exactly;
  ``appeal_deadline`` by value and unit; ``absent`` only matches a null deadline);
- must_find recall: a passage is found when a finding of the same category on the same page
  contains the gold quote in its ``quote`` or ``context`` (see :func:`passage_matches`);
- traps: a must_not_find passage is hit when a finding of that category on that page contains
  the trap quote (same passage test);
- kind: the report's ``kind`` equals the gold ``kind``;
- status: ``text_layer: ok`` needs status ``ok``; ``none`` / ``unreadable`` need ``needs_ocr``.

A gold document without a report scores as all misses, so dropping a document from a run can
never raise the score.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import yaml

from policyscan.models import CATEGORIES, DOCUMENT_KINDS, FACT_CATEGORIES

TEXT_LAYERS: tuple[str, ...] = ("ok", "none", "unreadable")
DEADLINE_UNITS: tuple[str, ...] = ("days", "business_days", "months", "hours")
ABSENT = "absent"
FACT_KEYS: tuple[str, ...] = (*FACT_CATEGORIES, "appeal_deadline")

_TOP_KEYS_REQUIRED: tuple[str, ...] = ("document", "kind", "text_layer", "facts")
_TOP_KEYS_OPTIONAL: tuple[str, ...] = ("must_find", "must_not_find")
_PASSAGE_KEYS_REQUIRED: tuple[str, ...] = ("category", "page", "quote")
_PASSAGE_KEYS_OPTIONAL: tuple[str, ...] = ("why",)


# --------------------------------------------------------------------------------------------
# Gold files
# --------------------------------------------------------------------------------------------


class GoldFileError(ValueError):
    """A gold file that cannot be trusted; the message names the file and the field."""


@dataclass(frozen=True)
class GoldPassage:
    """One must_find or must_not_find entry: words a human read on one physical page."""

    category: str
    page: int  # physical page, 1-based
    quote: str
    why: str = ""  # why a trap is a trap; usually empty for must_find


@dataclass(frozen=True)
class GoldFile:
    """What a careful reader found in one corpus document (``gold-format.md``).

    ``facts`` has every key of :data:`FACT_KEYS`: booleans or None (None = not scored), and
    ``appeal_deadline`` as None, ``"absent"`` or ``{"value": int, "unit": str}``.
    """

    document: str
    kind: str
    text_layer: str
    facts: Mapping[str, Any]
    must_find: tuple[GoldPassage, ...] = ()
    must_not_find: tuple[GoldPassage, ...] = ()
    # Where the gold came from, for messages only; two loads of one file compare equal.
    source: Path | None = field(default=None, compare=False)

    @property
    def expected_status(self) -> str:
        """The report status this document must get from a scan without OCR."""
        return "ok" if self.text_layer == "ok" else "needs_ocr"


def _error(source: Path | str, where: str, message: str) -> GoldFileError:
    return GoldFileError(f"{source}: {where}: {message}")


def _check_keys(source: Path, where: str, data: Mapping[str, Any],
                required: Sequence[str], optional: Sequence[str]) -> None:
    """Reject missing and unknown keys: a typo ("must_finds") would otherwise drop gold silently."""
    for key in required:
        if key not in data:
            raise _error(source, f"{where}{key}", "missing (required)")
    allowed = set(required) | set(optional)
    for key in data:
        if key not in allowed:
            raise _error(source, f"{where}{key}",
                         f"unknown field; expected one of {', '.join(sorted(allowed))}")


def _parse_choice(source: Path, where: str, value: Any, choices: Sequence[str]) -> str:
    if not isinstance(value, str) or value not in choices:
        raise _error(source, where, f"expected one of {', '.join(choices)}, got {value!r}")
    return value


def _parse_document(source: Path, value: Any) -> str:
    """The document is a bare file name: reports are matched to gold by basename."""
    if not isinstance(value, str) or not value.strip():
        raise _error(source, "document", f"expected a file name, got {value!r}")
    if "/" in value or "\\" in value:
        raise _error(source, "document",
                     f"expected a bare file name without folders, got {value!r}")
    return value


def _parse_deadline(source: Path, value: Any) -> str | dict[str, Any] | None:
    where = "facts.appeal_deadline"
    if value is None or value == ABSENT:
        return None if value is None else ABSENT
    if not isinstance(value, Mapping):
        raise _error(source, where,
                     f"expected 'absent', null or {{value: N, unit: days}}, got {value!r}")
    _check_keys(source, f"{where}.", value, ("value", "unit"), ())
    number = value["value"]
    if isinstance(number, bool) or not isinstance(number, int) or number < 1:
        raise _error(source, f"{where}.value", f"expected a whole number >= 1, got {number!r}")
    unit = _parse_choice(source, f"{where}.unit", value["unit"], DEADLINE_UNITS)
    return {"value": number, "unit": unit}


def _parse_facts(source: Path, value: Any) -> dict[str, Any]:
    """All fact keys are required: ``null`` is the explicit way to leave one unscored."""
    if not isinstance(value, Mapping):
        raise _error(source, "facts", f"expected a mapping of facts, got {value!r}")
    _check_keys(source, "facts.", value, FACT_KEYS, ())
    facts: dict[str, Any] = {}
    for key in FACT_CATEGORIES:
        fact = value[key]
        if fact is not None and not isinstance(fact, bool):
            raise _error(source, f"facts.{key}", f"expected true, false or null, got {fact!r}")
        facts[key] = fact
    facts["appeal_deadline"] = _parse_deadline(source, value["appeal_deadline"])
    return facts


def _parse_passage(source: Path, where: str, value: Any) -> GoldPassage:
    if not isinstance(value, Mapping):
        raise _error(source, where, f"expected a mapping with category, page, quote; got {value!r}")
    _check_keys(source, f"{where}.", value, _PASSAGE_KEYS_REQUIRED, _PASSAGE_KEYS_OPTIONAL)
    category = _parse_choice(source, f"{where}.category", value["category"], CATEGORIES)
    page = value["page"]
    if isinstance(page, bool) or not isinstance(page, int) or page < 1:
        raise _error(source, f"{where}.page", f"expected a physical page number >= 1, got {page!r}")
    quote = value["quote"]
    # An empty quote would be "contained" in every finding and always count as found.
    if not isinstance(quote, str) or not normalise(quote).replace("-", ""):
        raise _error(source, f"{where}.quote", f"expected non-empty verbatim words, got {quote!r}")
    why = value.get("why")
    if why is None:
        why = ""
    if not isinstance(why, str):
        raise _error(source, f"{where}.why", f"expected text, got {why!r}")
    return GoldPassage(category=category, page=page, quote=quote, why=why)


def _parse_passages(source: Path, key: str, value: Any) -> tuple[GoldPassage, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise _error(source, key, f"expected a list of passages, got {value!r}")
    return tuple(_parse_passage(source, f"{key}[{i}]", item) for i, item in enumerate(value))


def _read_yaml(source: Path) -> Any:
    try:
        text = source.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise GoldFileError(f"{source}: cannot read gold file: {exc}") from exc
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise GoldFileError(f"{source}: not valid YAML: {exc}") from exc


def load_gold(path: str | Path) -> GoldFile:
    """Load and validate one gold file.

    Validation is strict (unknown fields, missing facts, bad pages all raise
    :class:`GoldFileError` naming the file and the field, e.g. ``must_find[2].page``, indices
    0-based) because a gold file that silently loses an entry inflates every later score.
    """
    source = Path(path)
    data = _read_yaml(source)
    if not isinstance(data, Mapping):
        raise GoldFileError(f"{source}: expected a YAML mapping at the top level, "
                            f"got {type(data).__name__}")
    _check_keys(source, "", data, _TOP_KEYS_REQUIRED, _TOP_KEYS_OPTIONAL)
    return GoldFile(
        document=_parse_document(source, data["document"]),
        kind=_parse_choice(source, "kind", data["kind"], DOCUMENT_KINDS),
        text_layer=_parse_choice(source, "text_layer", data["text_layer"], TEXT_LAYERS),
        facts=_parse_facts(source, data["facts"]),
        must_find=_parse_passages(source, "must_find", data.get("must_find")),
        must_not_find=_parse_passages(source, "must_not_find", data.get("must_not_find")),
        source=source,
    )


def load_gold_dir(directory: str | Path) -> list[GoldFile]:
    """Load every ``*.yaml`` / ``*.yml`` gold file in a folder, sorted by file name.

    An empty or missing folder is an error, not an empty list: scoring against no gold would
    report a vacuous pass. Two gold files for one document are an error too (usually a copied
    file whose ``document`` was not changed).
    """
    folder = Path(directory)
    if not folder.is_dir():
        raise GoldFileError(f"{folder}: gold folder does not exist")
    paths = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix in (".yaml", ".yml"))
    if not paths:
        raise GoldFileError(f"{folder}: no gold files (*.yaml) in this folder")
    gold = [load_gold(p) for p in paths]
    seen: dict[str, Path | None] = {}
    for g in gold:
        if g.document in seen:
            raise _error(g.source or folder, "document",
                         f"{g.document!r} is already described by {seen[g.document]}")
        seen[g.document] = g.source
    return gold


# --------------------------------------------------------------------------------------------
# The passage test
# --------------------------------------------------------------------------------------------

_QUOTE_MAP = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
    # pdfium reports a hyphen it inserted at a line break as U+FFFE; U+00AD (soft hyphen) is
    # the same thing in other extractors.
    "\ufffe": "-", "\u00ad": "-",
})
# A hyphen, optional blanks, a line break and the next line's indentation: "pack-\n  ages".
_LINE_END_HYPHEN = re.compile(r"-[^\S\r\n]*(?:\r\n|\r|\n)[^\S\r\n]*")
_WHITESPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    """The comparison form of gold-format.md: case-, whitespace- and line-break-insensitive.

    Maps U+FFFE (pdfium's line-end hyphen) and U+00AD to '-', joins words split by a hyphen at a
    line end, collapses whitespace runs to one space, strips, lower-cases, and maps curly
    quotes/apostrophes to straight ones (annotators type straight quotes; PDFs print curly).
    """
    text = text.translate(_QUOTE_MAP)
    text = _LINE_END_HYPHEN.sub("", text)
    return _WHITESPACE.sub(" ", text).strip().lower()


def _dehyphen(normalised: str) -> str:
    return normalised.replace("-", "")


class _Prepared(NamedTuple):
    """A finding reduced to what the passage test needs, normalised once per document."""

    category: Any
    page: Any
    rule: str
    quote: str
    texts: tuple[str, ...]  # normalised quote and context
    bare: tuple[str, ...]  # the same without any '-'


def _prepare(finding: Mapping[str, Any]) -> _Prepared:
    raw = [finding.get("quote"), finding.get("context")]
    texts = tuple(normalise(t) for t in raw if isinstance(t, str) and t)
    return _Prepared(
        category=finding.get("category"),
        page=finding.get("page"),
        rule=str(finding.get("rule") or "?"),
        quote=str(finding.get("quote") or ""),
        texts=texts,
        bare=tuple(_dehyphen(t) for t in texts),
    )


def _contains(gold_norm: str, gold_bare: str, finding: _Prepared) -> bool:
    if not gold_bare:
        return False
    return (any(gold_norm in t for t in finding.texts)
            or any(gold_bare in t for t in finding.bare))


def passage_matches(gold_quote: str, finding: Mapping[str, Any]) -> bool:
    """True when the finding's ``quote`` or ``context`` contains ``gold_quote``, both normalised.

    Category and page are not checked here; the scorer checks them.

    Hyphen leniency: the containment is also accepted when it holds after deleting every '-'
    from both sides. pdfium reports a line-end hyphen with the same character as a compound
    hyphen and without the newline, so "In-Network" (compound) and "pack-ages" (a word broken
    at a line end) both arrive as "X-Y"; the line-end rule of gold-format.md cannot tell them
    apart, so the scorer ignores hyphens instead of guessing. The price is that
    "re-cover" matches "recover", which no gold quote depends on.
    """
    gold_norm = normalise(gold_quote)
    return _contains(gold_norm, _dehyphen(gold_norm), _prepare(finding))


# --------------------------------------------------------------------------------------------
# One document
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TrapHit:
    """A must_not_find passage that a finding reported anyway."""

    trap: GoldPassage
    rule: str  # the rule of the first finding that hit it
    quote: str  # that finding's quote


@dataclass(frozen=True)
class DocumentScore:
    """The score of one report against its gold file, with one line per miss."""

    document: str
    report_path: str | None  # None: the gold document had no report
    facts_correct: int
    facts_total: int
    found: int
    must_find_total: int
    category_found: Mapping[str, int]
    category_total: Mapping[str, int]
    trap_hits: tuple[TrapHit, ...]
    kind_ok: bool
    status_ok: bool
    lines: tuple[str, ...]  # MISS / TRAP / FACT / KIND / STATUS / NOREPORT, human-readable

    @property
    def report_missing(self) -> bool:
        return self.report_path is None


def _format_fact(value: Any) -> str:
    """Render a fact the way a gold file would spell it."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Mapping):
        return f"{value.get('value')} {value.get('unit')}"
    return str(value)


def _deadline_matches(expected: Any, got: Any) -> bool:
    """``absent`` wants no deadline; a value wants the same number in the same unit."""
    if expected == ABSENT:
        return got is None
    if not isinstance(got, Mapping):
        return False
    value = got.get("value")
    return (not isinstance(value, bool) and value == expected["value"]
            and got.get("unit") == expected["unit"])


def _fact_matches(key: str, expected: Any, got: Any) -> bool:
    if key == "appeal_deadline":
        return _deadline_matches(expected, got)
    return got is expected  # booleans exactly: 1 is not true, null is not false


def _score_facts(gold: GoldFile, report_facts: Mapping[str, Any]) -> tuple[int, int, list[str]]:
    correct, total, lines = 0, 0, []
    for key in FACT_KEYS:
        expected = gold.facts.get(key)
        if expected is None:  # gold null: cannot be determined, not scored
            continue
        total += 1
        got = report_facts.get(key)
        if _fact_matches(key, expected, got):
            correct += 1
        else:
            lines.append(f"FACT  {gold.document} {key}: expected {_format_fact(expected)}, "
                         f"got {_format_fact(got)}")
    return correct, total, lines


def _passage_found(passage: GoldPassage, findings: Sequence[_Prepared]) -> _Prepared | None:
    """The first finding of the passage's category on its page that contains its quote."""
    norm = normalise(passage.quote)
    bare = _dehyphen(norm)
    for f in findings:
        if f.category == passage.category and f.page == passage.page and _contains(norm, bare, f):
            return f
    return None


def _miss_hint(passage: GoldPassage, findings: Sequence[_Prepared]) -> str:
    """Say where the words did turn up, if anywhere: the usual cause of a miss is a wrong
    category or a page offset, and the line should point at it."""
    norm = normalise(passage.quote)
    bare = _dehyphen(norm)
    matching = [f for f in findings if _contains(norm, bare, f)]
    other_categories = sorted({str(f.category) for f in matching
                               if f.page == passage.page and f.category != passage.category})
    if other_categories:
        return f"  (reported as {', '.join(other_categories)})"
    other_pages = sorted({f.page for f in matching if f.category == passage.category
                          and isinstance(f.page, int)})
    if other_pages:
        return f"  (reported on {', '.join(f'p{p}' for p in other_pages)})"
    return ""


def _passage_label(document: str, passage: GoldPassage) -> str:
    return f'{document} p{passage.page} {passage.category} "{passage.quote}"'


def _score_must_find(gold: GoldFile, findings: Sequence[_Prepared]
                     ) -> tuple[dict[str, int], dict[str, int], list[str]]:
    found: dict[str, int] = {}
    total: dict[str, int] = {}
    lines: list[str] = []
    for passage in gold.must_find:
        total[passage.category] = total.get(passage.category, 0) + 1
        found.setdefault(passage.category, 0)
        if _passage_found(passage, findings) is not None:
            found[passage.category] += 1
        else:
            lines.append(f"MISS  {_passage_label(gold.document, passage)}"
                         f"{_miss_hint(passage, findings)}")
    return found, total, lines


def _score_traps(gold: GoldFile, findings: Sequence[_Prepared]) -> tuple[list[TrapHit], list[str]]:
    """Each trap counts once, however many findings hit it: the trap is the unit of gold."""
    hits: list[TrapHit] = []
    lines: list[str] = []
    for trap in gold.must_not_find:
        finding = _passage_found(trap, findings)
        if finding is None:
            continue
        hits.append(TrapHit(trap=trap, rule=finding.rule, quote=finding.quote))
        why = f" ({trap.why})" if trap.why else ""
        lines.append(f"TRAP  {_passage_label(gold.document, trap)} hit by {finding.rule}{why}")
    return hits, lines


def _missing_report_score(gold: GoldFile) -> DocumentScore:
    """No report: every fact, passage, the kind and the status count as misses."""
    facts_total = sum(1 for key in FACT_KEYS if gold.facts.get(key) is not None)
    category_total: dict[str, int] = {}
    for passage in gold.must_find:
        category_total[passage.category] = category_total.get(passage.category, 0) + 1
    line = (f"NOREPORT  {gold.document}: no report for this gold document; "
            f"its {facts_total} facts, "
            f"{len(gold.must_find)} passages, kind and status count as misses")
    return DocumentScore(
        document=gold.document, report_path=None,
        facts_correct=0, facts_total=facts_total,
        found=0, must_find_total=len(gold.must_find),
        category_found={c: 0 for c in category_total}, category_total=category_total,
        trap_hits=(), kind_ok=False, status_ok=False, lines=(line,),
    )


def score_document(gold: GoldFile, report: Mapping[str, Any] | None) -> DocumentScore:
    """Score one report dict (or its absence) against its gold file."""
    if report is None:
        return _missing_report_score(gold)
    raw_findings = report.get("findings") or []
    findings = [_prepare(f) for f in raw_findings if isinstance(f, Mapping)]
    facts = report.get("facts")
    facts_correct, facts_total, fact_lines = _score_facts(
        gold, facts if isinstance(facts, Mapping) else {})
    category_found, category_total, miss_lines = _score_must_find(gold, findings)
    hits, trap_lines = _score_traps(gold, findings)

    lines = [*fact_lines, *miss_lines, *trap_lines]
    kind = report.get("kind")
    kind_ok = kind == gold.kind
    if not kind_ok:
        lines.append(f"KIND  {gold.document}: expected {gold.kind}, got {kind}")
    status = report.get("status")
    status_ok = status == gold.expected_status
    if not status_ok:
        lines.append(f"STATUS  {gold.document}: expected {gold.expected_status} "
                     f"(text_layer {gold.text_layer}), got {status}")
    return DocumentScore(
        document=gold.document, report_path=str(report.get("path")),
        facts_correct=facts_correct, facts_total=facts_total,
        found=sum(category_found.values()), must_find_total=len(gold.must_find),
        category_found=category_found, category_total=category_total,
        trap_hits=tuple(hits), kind_ok=kind_ok, status_ok=status_ok, lines=tuple(lines),
    )


# --------------------------------------------------------------------------------------------
# The corpus
# --------------------------------------------------------------------------------------------


def _ratio(numerator: int, denominator: int) -> float:
    """0/0 is 1.0: nothing was asked, so nothing was missed (thresholds then pass)."""
    return numerator / denominator if denominator else 1.0


class CategoryRecall(NamedTuple):
    category: str
    found: int
    total: int
    recall: float


@dataclass(frozen=True)
class CorpusScore:
    """All gold documents scored, in gold order, plus the reports that had no gold."""

    documents: tuple[DocumentScore, ...]
    unmatched_reports: tuple[str, ...] = ()  # report paths with no gold file: not scored
    duplicate_reports: tuple[str, ...] = ()  # later reports of an already-scored document: ignored

    @property
    def facts_correct(self) -> int:
        return sum(d.facts_correct for d in self.documents)

    @property
    def facts_total(self) -> int:
        return sum(d.facts_total for d in self.documents)

    @property
    def facts_accuracy(self) -> float:
        return _ratio(self.facts_correct, self.facts_total)

    @property
    def found(self) -> int:
        return sum(d.found for d in self.documents)

    @property
    def must_find_total(self) -> int:
        return sum(d.must_find_total for d in self.documents)

    @property
    def recall(self) -> float:
        return _ratio(self.found, self.must_find_total)

    @property
    def trap_hits(self) -> int:
        return sum(len(d.trap_hits) for d in self.documents)

    @property
    def kinds_correct(self) -> int:
        return sum(d.kind_ok for d in self.documents)

    @property
    def statuses_correct(self) -> int:
        return sum(d.status_ok for d in self.documents)

    @property
    def missing_reports(self) -> tuple[str, ...]:
        """Gold documents that no report covered."""
        return tuple(d.document for d in self.documents if d.report_missing)

    def category_recall(self, category: str) -> CategoryRecall:
        found = sum(d.category_found.get(category, 0) for d in self.documents)
        total = sum(d.category_total.get(category, 0) for d in self.documents)
        return CategoryRecall(category, found, total, _ratio(found, total))

    def table_rows(self) -> list[CategoryRecall]:
        """Per-category recall, in CATEGORIES order, for categories the gold asks about."""
        rows = [self.category_recall(c) for c in CATEGORIES]
        return [row for row in rows if row.total]

    def lines(self) -> list[str]:
        """Every miss line of every document, then the reports that were not scored."""
        out = [line for d in self.documents for line in d.lines]
        out += [f"NOGOLD  {p}: no gold file for this report (not scored)"
                for p in self.unmatched_reports]
        out += [f"DUPLICATE  {p}: a report for this document was already scored (ignored)"
                for p in self.duplicate_reports]
        return out

    def summary_line(self) -> str:
        """One stable, parseable line: ``name value`` pairs separated by two spaces.

        ``missing N`` is appended only when some gold document had no report, so the usual
        line keeps the documented five fields.
        """
        n = len(self.documents)
        line = (f"facts {self.facts_accuracy:.3f} ({self.facts_correct}/{self.facts_total})  "
                f"recall {self.recall:.3f} ({self.found}/{self.must_find_total})  "
                f"traps {self.trap_hits}  "
                f"kind {self.kinds_correct}/{n}  "
                f"status {self.statuses_correct}/{n}")
        if self.missing_reports:
            line += f"  missing {len(self.missing_reports)}"
        return line

    def failures(self, min_facts: float, min_recall: float, max_traps: int, *,
                 require_kind: bool = False, require_status: bool = False) -> list[str]:
        """Which thresholds failed, one sentence each; empty when all pass.

        Ratios are compared exactly (not as printed with three decimals), so the message shows
        the fraction that failed.
        """
        _check_thresholds(min_facts, min_recall, max_traps)
        out: list[str] = []
        if self.facts_accuracy < min_facts:
            out.append(f"facts accuracy {self.facts_accuracy:.4f} ({self.facts_correct}/"
                       f"{self.facts_total}) is below the minimum {min_facts}")
        if self.recall < min_recall:
            out.append(f"must_find recall {self.recall:.4f} ({self.found}/{self.must_find_total})"
                       f" is below the minimum {min_recall}")
        if self.trap_hits > max_traps:
            out.append(f"{self.trap_hits} trap hits exceed the maximum {max_traps}")
        n = len(self.documents)
        if require_kind and self.kinds_correct < n:
            out.append(f"document kind wrong for {n - self.kinds_correct} of {n} documents")
        if require_status and self.statuses_correct < n:
            out.append(f"document status wrong for {n - self.statuses_correct} of {n} documents")
        return out

    def passes(self, min_facts: float, min_recall: float, max_traps: int, *,
               require_kind: bool = False, require_status: bool = False) -> bool:
        """True when no threshold in :meth:`failures` fails."""
        return not self.failures(min_facts, min_recall, max_traps,
                                 require_kind=require_kind, require_status=require_status)


def _check_thresholds(min_facts: float, min_recall: float, max_traps: int) -> None:
    """Catch "--min-recall 93" (meant 0.93), which would fail every run for a confusing reason."""
    for name, value in (("min_facts", min_facts), ("min_recall", min_recall)):
        if not 0.0 <= value <= 1.0:
            raise ValueError(f"{name} must be between 0 and 1, got {value}")
    if max_traps < 0:
        raise ValueError(f"max_traps must be 0 or more, got {max_traps}")


def report_basename(path: str) -> str:
    """The file name of a report's path, whichever slash it uses (paths are as given)."""
    return path.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1]


def score_reports(reports: Iterable[Mapping[str, Any]], gold: list[GoldFile]) -> CorpusScore:
    """Score per-document report dicts against gold, matched by file name.

    A report matches the gold file whose ``document`` equals the basename of its ``path``.
    Gold documents without a report score as all misses; reports without gold are listed in
    ``unmatched_reports``; a second report with the same basename is listed in
    ``duplicate_reports`` and ignored (the first one is scored).
    """
    gold_names = {g.document for g in gold}
    by_name: dict[str, Mapping[str, Any]] = {}
    unmatched: list[str] = []
    duplicates: list[str] = []
    for report in reports:
        path = report.get("path")
        if not isinstance(path, str) or not path:
            raise ValueError(f"report document without a 'path': {sorted(report)}")
        name = report_basename(path)
        if name not in gold_names:
            unmatched.append(path)
        elif name in by_name:
            duplicates.append(path)
        else:
            by_name[name] = report
    documents = tuple(score_document(g, by_name.get(g.document)) for g in gold)
    return CorpusScore(documents=documents, unmatched_reports=tuple(unmatched),
                       duplicate_reports=tuple(duplicates))
